//! What a new user meets in the first hour, in the real app under Xvfb with a window manager (openbox: focus
//! and stacking faults hide on a bare X server) (issue 24):
//! - Esc cancels the region selector wherever the keyboard focus is, and never reaches the game behind it;
//! - the overlay is placed once per job and does not jump or leave the screen while a long translation streams
//!   in;
//! - the overlay never covers ocrlay's own settings window.
//!
//! Screenshots in `target/e2e/hour-*.png`.

#![cfg(target_os = "linux")]

mod common;

use common::x11::{self, XSession};
use common::{app_config, MockServer, Reply};
use ocrlay::probe::Probe;
use std::io::BufRead;
use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

/// A game-like window (Tk) that prints every key it receives on stdout, focused.
struct KeyLogger {
    keys: std::sync::mpsc::Receiver<String>,
    window: u64,
}

impl KeyLogger {
    fn start(x: &mut XSession, at: (i32, i32)) -> KeyLogger {
        let script = format!(
            "import tkinter as tk\n\
             r = tk.Tk(); r.title('keylogger-game'); r.geometry('600x300+{}+{}')\n\
             mods = ('Alt_L', 'Alt_R', 'Control_L', 'Control_R', 'Shift_L', 'Shift_R', 'Super_L', 'Meta_L')\n\
             r.bind('<Key>', lambda e: None if e.keysym in mods else print('key', e.keysym, flush=True))\n\
             r.after(200, lambda: print('ready', flush=True))\n\
             r.mainloop()\n",
            at.0, at.1
        );
        let mut child = x
            .command("python3")
            .args(["-c", &script])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("python3 with tkinter starts");
        let out = child.stdout.take().unwrap();
        x.adopt(child);
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in std::io::BufReader::new(out).lines().map_while(Result::ok) {
                let _ = tx.send(line);
            }
        });
        assert_eq!(
            rx.recv_timeout(Duration::from_secs(20)).as_deref(),
            Ok("ready"),
            "the key logger did not start"
        );
        let window = x
            .wait_window("^keylogger-game$", Duration::from_secs(10))
            .expect("the key logger's window");
        KeyLogger { keys: rx, window }
    }

    /// Gives it the keyboard, and waits until a key typed reaches it.
    fn focus(&self, x: &XSession) {
        x.xdotool(&["windowactivate", "--sync", &self.window.to_string()]);
        x.xdotool(&["windowfocus", "--sync", &self.window.to_string()]);
        x.xdotool(&["key", "a"]);
        self.expect("key a");
    }

    /// The next key it received is `line`.
    fn expect(&self, line: &str) {
        let got = self.keys.recv_timeout(Duration::from_secs(10));
        assert_eq!(got.as_deref(), Ok(line), "the game's next key");
    }
}

fn start_app(x: &mut XSession, home: &Path, config: &Path) -> x11::App {
    let app = x11::App::start(x, home, config, "ocrlay=debug");
    app.wait(Probe::Running, 1, Duration::from_secs(60));
    app.wait_for(
        1,
        Duration::from_secs(20),
        |e| matches!(e, Probe::HotkeyRegistered { action, .. } if action == "SelectRegion"),
    );
    app
}

#[test]
fn esc_cancels_the_selector_and_never_reaches_the_game() {
    let Some(mut x) = x11::start_or_skip(1280, 720) else {
        return;
    };
    x.start_wm();
    let game = KeyLogger::start(&mut x, (200, 200));
    let rt = tokio::runtime::Runtime::new().unwrap();
    let server = rt.block_on(MockServer::start());
    let home = tempfile::tempdir().unwrap();
    let config = app_config(home.path(), &server, "sk-hour", "");
    let app = start_app(&mut x, home.path(), &config);
    for round in 1..=2 {
        game.focus(&x);
        app.press_hotkey(&x, "alt+q", "SelectRegion");
        app.wait_for(round, Duration::from_secs(20), |e| {
            matches!(e, Probe::SelectorShown { .. })
        });
        if round == 1 {
            let shot = x11::artefact_dir("e2e").join("hour-selector.png");
            x.screenshot(&shot);
        }
        x.xdotool(&["key", "Escape"]);
        app.wait_for(round, Duration::from_secs(10), |e| {
            matches!(e, Probe::SelectionEnded { .. })
        });
        // Keys are delivered in order: had the Esc reached the game, it would come before this one.
        game.focus(&x);
        x.xdotool(&["key", "b"]);
        game.expect("key b");
    }
    // Once the selector is gone, Esc is the game's again.
    x.xdotool(&["key", "Escape"]);
    let got = game.keys.recv_timeout(Duration::from_secs(10));
    assert_eq!(
        got.as_deref(),
        Ok("key Escape"),
        "Esc after the selection: {:#?}\n{}",
        app.probes(),
        app.log_text()
    );
}

/// A reply that streams `text` in pieces, `pause` apart.
fn slow_stream(text: &str, pieces: usize, pause: Duration) -> Reply {
    let chars: Vec<char> = text.chars().collect();
    let step = chars.len().div_ceil(pieces);
    let mut events: Vec<String> = chars
        .chunks(step)
        .map(|c| common::delta(&c.iter().collect::<String>()))
        .collect();
    events.extend(common::finish());
    Reply::Sse {
        events,
        before_gate: 0,
        pause,
        abort: false,
    }
}

/// Where the overlay window is, each time it changes, until the job is done.
fn watch_overlay(x: &XSession, app: &x11::App, done_before: usize) -> Vec<[i32; 4]> {
    let overlay = x
        .wait_window("^ocrlay$", Duration::from_secs(30))
        .expect("the overlay is shown");
    let mut seen: Vec<[i32; 4]> = Vec::new();
    let t = Instant::now();
    loop {
        let r = x.client_rect(overlay);
        if seen.last() != Some(&r) {
            seen.push(r);
        }
        let done = app
            .probes()
            .iter()
            .filter(|e| matches!(e, Probe::JobEnded { .. }))
            .count();
        if done > done_before {
            // Once more after the last delta.
            let r = x.client_rect(overlay);
            if seen.last() != Some(&r) {
                seen.push(r);
            }
            return seen;
        }
        assert!(
            t.elapsed() < Duration::from_secs(60),
            "the job did not end: {:#?}\n{}",
            app.probes(),
            app.log_text()
        );
        std::thread::sleep(Duration::from_millis(15));
    }
}

/// A game window showing the English dialogue fixture with its top-left at (0, `y`) on a 1280×720 screen with
/// a window manager, a loopback provider answering `reply`, and a settings file whose saved region is the
/// game's dialogue box.
struct GameScene {
    x: XSession,
    game: u64,
    region: [i32; 4],
    _server: MockServer,
    config: std::path::PathBuf,
    home: tempfile::TempDir,
    _rt: tokio::runtime::Runtime,
}

fn game_scene(y: i32, reply: Reply) -> Option<GameScene> {
    let mut x = x11::start_or_skip(1280, 720)?;
    x.start_wm();
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/ocr/en_dialogue.png");
    x.show_image(&fixture, 0, y, "hour-game");
    let game = x
        .wait_window("^hour-game$", Duration::from_secs(5))
        .expect("the game window");
    let region = x.client_rect(game);
    let rt = tokio::runtime::Runtime::new().unwrap();
    let server = rt.block_on(MockServer::start());
    server.reply([reply]);
    let home = tempfile::tempdir().unwrap();
    let config = app_config(
        home.path(),
        &server,
        "sk-hour",
        &format!(
            "[regions]\nslots = [{{ name = \"Dialogue\", rect = [{}, {}, {}, {}] }}]\n",
            region[0], region[1], region[2], region[3]
        ),
    );
    Some(GameScene {
        x,
        game,
        region,
        _server: server,
        config,
        home,
        _rt: rt,
    })
}

#[test]
fn the_overlay_stays_put_on_screen_while_a_long_translation_streams_in() {
    let long = "勇者啊，你终于来了。".repeat(40);
    // The dialogue box low on the screen, as in a game: below it there is no room for a long translation.
    let Some(scene) = game_scene(440, slow_stream(&long, 30, Duration::from_millis(60))) else {
        return;
    };
    let GameScene {
        mut x,
        region,
        config,
        home,
        ..
    } = scene;
    let app = start_app(&mut x, home.path(), &config);
    app.press_hotkey(&x, "alt+w", "RepeatLast");
    let seen = watch_overlay(&x, &app, 0);
    let shot = x11::artefact_dir("e2e").join("hour-streamed.png");
    x.screenshot(&shot);
    // Never off the screen, never over the region it translates.
    for r in &seen {
        assert!(
            r[0] >= 0 && r[1] >= 0 && r[0] + r[2] <= 1280 && r[1] + r[3] <= 720,
            "off the screen: {r:?} in {seen:?}"
        );
        let overlaps = r[0] < region[0] + region[2]
            && region[0] < r[0] + r[2]
            && r[1] < region[1] + region[3]
            && region[1] < r[1] + r[3];
        assert!(!overlaps, "over the text: {r:?} (region {region:?})");
    }
    // Placed once: the overlay stays on one side of the region for the whole job (it grows away from the
    // text, it never jumps across it).
    let above: Vec<bool> = seen.iter().map(|r| r[1] + r[3] <= region[1]).collect();
    assert!(
        above.iter().all(|&a| a == above[0]),
        "the overlay changed sides while streaming: {seen:?} (region {region:?})"
    );
}

#[test]
fn the_overlay_never_covers_the_settings_window() {
    let Some(scene) = game_scene(60, common::answer(&"勇者啊，你终于来了。".repeat(12)))
    else {
        return;
    };
    let GameScene {
        mut x,
        game,
        config,
        home,
        ..
    } = scene;
    let app = start_app(&mut x, home.path(), &config);
    let (ok, err) = app.trigger(&x, "settings");
    assert!(ok, "{err}");
    let settings = x
        .wait_window("^ocrlay settings$", Duration::from_secs(30))
        .expect("the settings window");
    // The user goes back to the game and reads a line: the overlay is above everything, the settings too.
    x.xdotool(&["windowactivate", "--sync", &game.to_string()]);
    app.press_hotkey(&x, "alt+w", "RepeatLast");
    app.wait_for(1, Duration::from_secs(60), |e| {
        matches!(e, Probe::Done { .. })
    });
    let overlay = x
        .wait_window("^ocrlay$", Duration::from_secs(10))
        .expect("the overlay");
    let o = x.client_rect(overlay);
    let s = x.client_rect(settings);
    let overlap = (
        o[0].max(s[0]),
        o[1].max(s[1]),
        (o[0] + o[2]).min(s[0] + s[2]),
        (o[1] + o[3]).min(s[1] + s[3]),
    );
    assert!(
        overlap.0 < overlap.2 && overlap.1 < overlap.3,
        "the scene must make them overlap: overlay {o:?}, settings {s:?}"
    );
    let middle = ((overlap.0 + overlap.2) / 2, (overlap.1 + overlap.3) / 2);
    // Back in the settings: they come above the overlay where the two meet.
    x.xdotool(&["windowactivate", "--sync", &settings.to_string()]);
    app.wait(
        Probe::OverlaysOnTop { on: false },
        1,
        Duration::from_secs(10),
    );
    let t = Instant::now();
    while !x.holds(x.window_under(middle), settings) {
        assert!(
            t.elapsed() < Duration::from_secs(10),
            "the overlay {overlay} covers the settings {settings} at {middle:?}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    x.screenshot(&x11::artefact_dir("e2e").join("hour-settings-front.png"));
    // Back in the game: the overlay is on top again.
    x.xdotool(&["windowactivate", "--sync", &game.to_string()]);
    app.wait(
        Probe::OverlaysOnTop { on: true },
        1,
        Duration::from_secs(10),
    );
    let t = Instant::now();
    while !x.holds(x.window_under(middle), overlay) {
        assert!(
            t.elapsed() < Duration::from_secs(10),
            "the overlay is not on top again at {middle:?}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn the_settings_open_centred_every_time() {
    let Some(mut x) = x11::start_or_skip(1280, 720) else {
        return;
    };
    x.start_wm();
    let rt = tokio::runtime::Runtime::new().unwrap();
    let server = rt.block_on(MockServer::start());
    let home = tempfile::tempdir().unwrap();
    let config = app_config(home.path(), &server, "sk-hour", "");
    let app = start_app(&mut x, home.path(), &config);
    for round in 0..2 {
        let (ok, err) = app.trigger(&x, "settings");
        assert!(ok, "{err}");
        let settings = x
            .wait_window("^ocrlay settings$", Duration::from_secs(30))
            .expect("the settings window");
        let [sx, sy, sw, sh] = x.client_rect(settings);
        let (cx, cy) = (sx + sw / 2, sy + sh / 2);
        // Centred on the 1280×720 screen (the frame's title bar shifts it a little).
        assert!(
            (cx - 640).abs() <= 30 && (cy - 360).abs() <= 40,
            "round {round}: the settings window is at {:?}",
            [sx, sy, sw, sh]
        );
        // Closed as a user closes it (the close button of the window manager's title bar), then opened again.
        x.xdotool(&[
            "mousemove",
            &(sx + sw - 10).to_string(),
            &(sy - 10).to_string(),
        ]);
        x.xdotool(&["click", "1"]);
        let t = Instant::now();
        while x
            .wait_window("^ocrlay settings$", Duration::from_millis(100))
            .is_some()
        {
            assert!(
                t.elapsed() < Duration::from_secs(10),
                "the settings did not close"
            );
        }
    }
}
