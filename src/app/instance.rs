//! Start-up checks: a display to draw on, and only one ocrlay per user; and the way another ocrlay process
//! (`ocrlay settings`, or a second start) asks the running one to show its settings.
//!
//! The running instance listens on 127.0.0.1 (an ephemeral port, loopback only) and writes `PORT TOKEN` to
//! `ocrlay-<display>.port` beside its lock, readable by the user alone; a request must carry the token. TCP on
//! loopback works the same on Linux, Windows and macOS with the standard library alone.

use std::fs::File;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Why the app cannot start here.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// No graphical session.
    #[error(
        "no graphical display: ocrlay needs a desktop session (on Linux DISPLAY must be set: {0})"
    )]
    NoDisplay(String),
    /// Another instance holds the lock.
    #[error("ocrlay is already running (see its tray icon, or press Alt+Q). Quit it first to start a new one")]
    AlreadyRunning,
    /// The lock file could not be made.
    #[error("cannot create the instance lock {path}: {source}")]
    Lock {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
}

/// Checks that there is an X11 display to connect to (Linux).
pub fn check_display() -> Result<(), StartError> {
    #[cfg(target_os = "linux")]
    {
        let display = std::env::var("DISPLAY").unwrap_or_default();
        if display.is_empty() {
            return Err(StartError::NoDisplay("DISPLAY is not set".into()));
        }
        // A local display ":N" has a socket in /tmp/.X11-unix; remote ones are left to GTK.
        if let Some(n) = display.strip_prefix(':') {
            let n = n.split('.').next().unwrap_or(n);
            let socket = format!("/tmp/.X11-unix/X{n}");
            if std::os::unix::net::UnixStream::connect(&socket).is_err() {
                return Err(StartError::NoDisplay(format!(
                    "nothing answers on {display} ({socket})"
                )));
            }
        }
    }
    Ok(())
}

/// Held while this instance runs.
pub struct InstanceLock {
    _file: File,
}

/// Takes the lock of this user and settings file, or says another ocrlay runs with them.
pub fn lock(config: &Path) -> Result<InstanceLock, StartError> {
    let dir = crate::paths::Places::current().runtime_dir;
    let _ = crate::paths::create_private_dir(&dir);
    let path = dir.join(format!("ocrlay-{}.lock", tag(config)));
    let file = File::create(&path).map_err(|source| StartError::Lock {
        path: path.clone(),
        source,
    })?;
    match file.try_lock() {
        Ok(()) => Ok(InstanceLock { _file: file }),
        Err(std::fs::TryLockError::WouldBlock) => Err(StartError::AlreadyRunning),
        Err(std::fs::TryLockError::Error(source)) => Err(StartError::Lock { path, source }),
    }
}

/// What another ocrlay process can ask of the running one: `ocrlay settings` and a second start ask for the
/// settings; `ocrlay trigger ACTION` for what a hotkey or the tray does (for desktops where ocrlay cannot grab
/// keys, and to undo a state from outside, e.g. a locked overlay).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Request {
    /// Show the settings window (open it, or bring it forward).
    ShowSettings,
    /// Freeze the screen and select a region (the select-region hotkey).
    Select,
    /// Translate the active region again (the retranslate hotkey).
    Retranslate,
    /// Start or stop auto mode.
    Auto,
    /// Hide or show the overlay.
    Hide,
    /// Switch to saved region `n` (from 0).
    Slot(usize),
    /// Click-through on: the overlay lets the mouse through.
    Lock,
    /// Click-through off: the overlay takes the mouse again.
    Unlock,
}

impl Request {
    /// Every word `ocrlay trigger` takes, as the user types it.
    pub fn words() -> Vec<String> {
        let mut words: Vec<String> = [
            "select",
            "retranslate",
            "auto",
            "hide",
            "settings",
            "lock",
            "unlock",
        ]
        .iter()
        .map(|w| w.to_string())
        .collect();
        words.extend((1..=crate::config::REGION_SLOTS).map(|n| format!("slot-{n}")));
        words
    }

    /// The word that names this request (on the wire and on the command line).
    pub fn word(self) -> String {
        match self {
            Request::ShowSettings => "settings".into(),
            Request::Select => "select".into(),
            Request::Retranslate => "retranslate".into(),
            Request::Auto => "auto".into(),
            Request::Hide => "hide".into(),
            Request::Slot(n) => format!("slot-{}", n + 1),
            Request::Lock => "lock".into(),
            Request::Unlock => "unlock".into(),
        }
    }

    /// The request a word names (`slot-1` … `slot-4` for the saved regions).
    pub fn parse(word: &str) -> Option<Request> {
        Some(match word {
            "settings" => Request::ShowSettings,
            "select" => Request::Select,
            "retranslate" => Request::Retranslate,
            "auto" => Request::Auto,
            "hide" => Request::Hide,
            "lock" => Request::Lock,
            "unlock" => Request::Unlock,
            _ => {
                let n: usize = word.strip_prefix("slot-")?.parse().ok()?;
                if !(1..=crate::config::REGION_SLOTS).contains(&n) {
                    return None;
                }
                Request::Slot(n - 1)
            }
        })
    }
}

fn port_file(config: &Path) -> PathBuf {
    crate::paths::Places::current()
        .runtime_dir
        .join(format!("ocrlay-{}.port", tag(config)))
}

/// One instance per user and settings file: two ocrlays on one set of files (the memory, the history, the
/// settings) would overwrite each other's work, whichever display they run on. The tag is the start of the
/// sha256 of the settings file's absolute path.
fn tag(config: &Path) -> String {
    use sha2::{Digest, Sha256};
    let absolute = std::path::absolute(config).unwrap_or_else(|_| config.to_path_buf());
    let digest = Sha256::digest(absolute.as_os_str().as_encoded_bytes());
    digest.iter().take(8).map(|b| format!("{b:02x}")).collect()
}

/// 128 bits from the standard library's per-process random keys (seeded by the OS).
fn token() -> String {
    use std::hash::{BuildHasher, Hasher};
    let half = || {
        let mut h = std::collections::hash_map::RandomState::new().build_hasher();
        h.write_u64(std::process::id().into());
        h.finish()
    };
    format!("{:016x}{:016x}", half(), half())
}

/// The running instance's ear: requests reach `on_request` on a thread of its own. Dropping it removes the
/// port file.
pub struct Listener {
    file: PathBuf,
}

impl Drop for Listener {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.file);
    }
}

/// Starts listening (call it only while holding the instance lock).
pub fn listen(
    config: &Path,
    on_request: impl Fn(Request) + Send + 'static,
) -> std::io::Result<Listener> {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))?;
    let port = listener.local_addr()?.port();
    let token = token();
    let file = port_file(config);
    crate::paths::write_private(&file, format!("{port} {token}\n").as_bytes())?;
    std::thread::Builder::new()
        .name("ocrlay-instance".into())
        .spawn(move || {
            for stream in listener.incoming().flatten() {
                let _ = stream.set_read_timeout(Some(Duration::from_secs(2)));
                let mut line = String::new();
                let mut reader = BufReader::new(&stream);
                if reader.by_ref().take(256).read_line(&mut line).is_err() {
                    continue;
                }
                let mut words = line.split_whitespace();
                let (Some(t), Some(word)) = (words.next(), words.next()) else {
                    continue;
                };
                // Constant-time enough for a local secret: compare every byte.
                let ok = t.len() == token.len()
                    && t.bytes()
                        .zip(token.bytes())
                        .fold(0u8, |a, (x, y)| a | (x ^ y))
                        == 0;
                match (ok, Request::parse(word)) {
                    (true, Some(request)) => {
                        on_request(request);
                        let _ = (&stream).write_all(b"ok\n");
                    }
                    _ => {
                        let _ = (&stream).write_all(b"refused\n");
                    }
                }
            }
        })?;
    Ok(Listener { file })
}

/// Asks the running instance (of this user and settings file); `Ok(false)` when none answers.
pub fn ask_running(config: &Path, request: Request) -> std::io::Result<bool> {
    let Ok(text) = std::fs::read_to_string(port_file(config)) else {
        return Ok(false);
    };
    let mut parts = text.split_whitespace();
    let (Some(Ok(port)), Some(token)) = (parts.next().map(str::parse::<u16>), parts.next()) else {
        return Ok(false);
    };
    let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
    let Ok(mut stream) = TcpStream::connect_timeout(&addr, Duration::from_secs(2)) else {
        // A port file left by an instance that crashed.
        return Ok(false);
    };
    stream.set_read_timeout(Some(Duration::from_secs(5)))?;
    stream.write_all(format!("{token} {}\n", request.word()).as_bytes())?;
    let mut answer = String::new();
    BufReader::new(&stream).read_line(&mut answer)?;
    Ok(answer.trim() == "ok")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_tag_per_settings_file() {
        let here = std::env::current_dir().unwrap();
        let a = tag(Path::new("config.toml"));
        assert_eq!(a, tag(&here.join("config.toml")), "relative and absolute");
        assert_ne!(a, tag(&here.join("other.toml")));
        assert_eq!(a.len(), 16);
        assert!(a.chars().all(|c| c.is_ascii_hexdigit()));
    }

    #[test]
    fn every_trigger_word_names_one_request() {
        let words = Request::words();
        assert_eq!(words.len(), 7 + crate::config::REGION_SLOTS);
        for w in &words {
            let r = Request::parse(w).unwrap_or_else(|| panic!("{w} is not understood"));
            assert_eq!(&r.word(), w);
        }
        assert_eq!(Request::parse("slot-1"), Some(Request::Slot(0)));
        for bad in ["slot-0", "slot-5", "slot-", "slot-x", "", "SELECT", "quit"] {
            assert_eq!(Request::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn a_running_instance_hears_a_trigger_and_refuses_a_wrong_token() {
        let home = tempfile::tempdir().unwrap();
        // The port file goes to the runtime folder, which follows XDG_RUNTIME_DIR on Linux: keep it private to
        // this test by naming a settings file of its own (the tag differs).
        let config = home.path().join("config.toml");
        let _ = crate::paths::create_private_dir(&crate::paths::Places::current().runtime_dir);
        let (tx, rx) = std::sync::mpsc::channel();
        let _listener = listen(&config, move |r| {
            let _ = tx.send(r);
        })
        .unwrap();
        assert!(ask_running(&config, Request::Slot(2)).unwrap());
        assert_eq!(
            rx.recv_timeout(Duration::from_secs(5)).unwrap(),
            Request::Slot(2)
        );
        assert!(ask_running(&config, Request::Unlock).unwrap());
        assert_eq!(
            rx.recv_timeout(Duration::from_secs(5)).unwrap(),
            Request::Unlock
        );
        // A request with another token is refused and never reaches the app.
        let text = std::fs::read_to_string(port_file(&config)).unwrap();
        let port: u16 = text.split_whitespace().next().unwrap().parse().unwrap();
        let mut stream = TcpStream::connect((Ipv4Addr::LOCALHOST, port)).unwrap();
        stream.write_all(b"0000 lock\n").unwrap();
        let mut answer = String::new();
        BufReader::new(&stream).read_line(&mut answer).unwrap();
        assert_eq!(answer.trim(), "refused");
        // Requests are heard one after the other: had the refused one reached the app, it would come first.
        assert!(ask_running(&config, Request::Hide).unwrap());
        assert_eq!(
            rx.recv_timeout(Duration::from_secs(5)).unwrap(),
            Request::Hide
        );
    }
}
