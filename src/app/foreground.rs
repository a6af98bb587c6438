//! Which window is in front, watched while a profile is bound to a game, and always on Windows (a borderless
//! game taking the foreground may draw over the overlay until it is put on top again): the loop hears when it
//! changes.

use super::event::AppEvent;
use crate::capture::{self, Foreground};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc, Mutex};
use std::time::Duration;

/// How often the front window is asked for: a game brought to the front gets its profile within this.
const EVERY: Duration = Duration::from_millis(500);

/// Whether the front window must be watched: some profile is bound to a game (`bound_games`), or this is
/// Windows, where the overlay is put on top again over a borderless game that takes the foreground.
pub fn needed(bound_games: bool) -> bool {
    bound_games || cfg!(windows)
}

/// The watcher thread; it stops when this is dropped.
pub struct Watcher {
    on: Arc<AtomicBool>,
    _stop: mpsc::Sender<()>,
}

impl Watcher {
    /// Starts the thread, watching while `on`.
    pub fn start(proxy: tao::event_loop::EventLoopProxy<AppEvent>, on: bool) -> Watcher {
        let flag = Arc::new(AtomicBool::new(on));
        let (stop, stopped) = mpsc::channel::<()>();
        let watching = flag.clone();
        let proxy = Mutex::new(proxy);
        let spawned = std::thread::Builder::new()
            .name("ocrlay-foreground".into())
            .spawn(move || {
                let mut last: Option<(String, String, bool)> = None;
                // Dropping the sender ends the loop.
                while let Err(mpsc::RecvTimeoutError::Timeout) = stopped.recv_timeout(EVERY) {
                    if !watching.load(Ordering::Relaxed) {
                        last = None;
                        continue;
                    }
                    let now = capture::foreground();
                    let key = match &now {
                        Foreground::Own => (String::new(), String::new(), true),
                        Foreground::Window(w) => (w.title.clone(), w.app.clone(), false),
                        Foreground::Unknown => continue,
                    };
                    if last.as_ref() == Some(&key) {
                        continue;
                    }
                    last = Some(key);
                    if let Ok(p) = proxy.lock() {
                        let _ = p.send_event(AppEvent::Foreground(now));
                    }
                }
            });
        if let Err(e) = spawned {
            tracing::warn!("the profiles cannot follow the game in front: {e}");
        }
        Watcher {
            on: flag,
            _stop: stop,
        }
    }

    /// Watches (some profile is bound to a game) or not.
    pub fn set(&self, on: bool) {
        self.on.store(on, Ordering::Relaxed);
    }
}
