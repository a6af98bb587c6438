//! Every state ocrlay can save, it can start from (issue 23): the real app under Xvfb with a window manager,
//! started from each value that `save_state` and the settings page write — a locked (click-through) overlay in
//! each overlay mode, positions off every screen, every shape of saved region, an active region out of range,
//! regions and profiles bound to games that are not running, auto mode over such regions. In each, the app
//! runs, a hotkey is heard (and translates where the region can be read), and `ocrlay trigger` reaches it; a
//! locked overlay lets the mouse through to the game until `ocrlay trigger unlock` undoes it.
//!
//! Screenshots in `target/e2e/start-*.png`.

#![cfg(target_os = "linux")]

mod common;

use common::x11::{self, XSession};
use common::{answer, app_config, MockServer};
use ocrlay::probe::Probe;
use std::path::Path;
use std::time::{Duration, Instant};

const TRANSLATION: &str = "勇者啊，你终于来了。";

/// One saved state: the TOML written before the start, and what the first Alt+W must lead to.
struct State {
    name: &'static str,
    toml: String,
    /// Alt+W reads a region on screen and the provider's translation is shown.
    translates: bool,
    /// The overlay is saved locked: it must let the mouse through until unlocked.
    locked: bool,
}

/// Waits until the window under `at` is (or is not) `id` (or a frame around it).
fn wait_under(x: &XSession, at: (i32, i32), id: u64, is: bool, what: &str) {
    let t = Instant::now();
    loop {
        let under = x.window_under(at);
        if x.holds(under, id) == is {
            return;
        }
        assert!(
            t.elapsed() < Duration::from_secs(10),
            "{what}: the window under {at:?} is {under}, the overlay is {id}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn states(game: [i32; 4]) -> Vec<State> {
    let region = format!("[{}, {}, {}, {}]", game[0], game[1], game[2], game[3]);
    let on_game = format!("[regions]\nslots = [{{ name = \"Dialogue\", rect = {region} }}]\n");
    vec![
        State {
            name: "locked-over",
            toml: format!("[overlay]\nlocked = true\nmode = \"over\"\n{on_game}"),
            translates: true,
            locked: true,
        },
        State {
            name: "locked-beside-off-screen",
            toml: format!(
                "[overlay]\nlocked = true\nmode = \"beside\"\nposition = [-30000, 40000]\n{on_game}"
            ),
            translates: true,
            locked: true,
        },
        State {
            name: "locked-auto-watching-two",
            toml: format!(
                "[overlay]\nlocked = true\n[auto]\nstart_on_launch = true\n[regions]\nslots = [\
                 {{ name = \"Dialogue\", rect = {region} }}, \
                 {{ name = \"Name\", rect = [{}, {}, 300, 60], watch = true }}]\n",
                game[0], game[1]
            ),
            translates: true,
            locked: false,
        },
        State {
            name: "over-far-away",
            toml: format!("[overlay]\nmode = \"over\"\nposition = [99999, 99999]\n{on_game}"),
            translates: true,
            locked: false,
        },
        State {
            name: "active-out-of-range",
            toml: format!(
                "[regions]\nactive = 9\nslots = [{{ name = \"Dialogue\", rect = {region} }}]\n"
            ),
            translates: false,
            locked: false,
        },
        State {
            name: "every-slot-shape",
            toml: "[regions]\nactive = 2\nslots = [\
                   { name = \"\", rect = [0, 0, 0, 0] }, \
                   { name = \"Above\", rect = [-500, -500, 100, 100], overlay_position = [-9000, 9000] }, \
                   { name = \"Beyond\", rect = [99999, 99999, 400, 200], overlay_mode = \"over\", \
                     direction = \"vertical\", watch = true }, \
                   { name = \"Unset\" }, { name = \"Fifth\", rect = [1, 1, 50, 50] }, \
                   { name = \"Sixth\" }]\n"
                .into(),
            translates: false,
            locked: false,
        },
        State {
            name: "auto-off-screen",
            toml: "[auto]\nstart_on_launch = true\n[regions]\n\
                   slots = [{ name = \"Gone\", rect = [5000, 5000, 300, 100], watch = true }]\n"
                .into(),
            translates: false,
            locked: false,
        },
        State {
            name: "bound-to-absent-window",
            toml: format!(
                "[regions]\nslots = [{{ name = \"Bound\", rect = {region}, \
                 window = {{ title = \"No Such Game\", app = \"nosuch.exe\", offset = [0, 0, 300, 100] }} }}]\n"
            ),
            translates: false,
            locked: false,
        },
        State {
            name: "profile-of-absent-game",
            toml: format!(
                "[overlay]\nlocked = true\n{on_game}\n[[profiles]]\nname = \"Absent\"\n\
                 game = {{ title = \"No Such Game\", app = \"nosuch.exe\" }}\ntarget = \"en\"\n\
                 [[profiles]]\nname = \"Absent too\"\ngame = {{ app = \"gone.exe\" }}\n"
            ),
            translates: true,
            locked: true,
        },
    ]
}

#[test]
fn the_app_starts_from_every_state_it_can_save() {
    let Some(mut x) = x11::start_or_skip(1600, 900) else {
        return;
    };
    x.start_wm();
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/ocr/ja_dialogue.png");
    x.show_image(&fixture, 100, 100, "start-states-game");
    let game_id = x
        .wait_window("^start-states-game$", Duration::from_secs(5))
        .expect("the game window");
    let game = x.client_rect(game_id);
    let rt = tokio::runtime::Runtime::new().unwrap();
    let server = rt.block_on(MockServer::start());
    server.reply([answer(TRANSLATION)]);
    let mut failures = Vec::new();
    for state in states(game) {
        let home = tempfile::tempdir().unwrap();
        let config = app_config(home.path(), &server, "sk-start-states", &state.toml);
        let app = x11::App::start(&mut x, home.path(), &config, "ocrlay=debug");
        // A state that aborts the app never gets here (the locked overlay did, within 1.5 s).
        app.wait(Probe::Running, 1, Duration::from_secs(60));
        app.wait(Probe::EngineLoaded { ok: true }, 1, Duration::from_secs(60));
        let registered = |e: &Probe| matches!(e, Probe::HotkeyRegistered { action, .. } if action == "RepeatLast");
        app.wait_for(1, Duration::from_secs(20), registered);

        let done_before = |app: &x11::App| {
            app.probes()
                .iter()
                .filter(|e| matches!(e, Probe::Done { .. }))
                .count()
        };
        let before = done_before(&app);
        app.press_hotkey(&x, "alt+w", "RepeatLast");
        if state.translates {
            app.wait_for(before + 1, Duration::from_secs(60), |e| {
                matches!(e, Probe::Done { .. })
            });
        }
        if state.locked {
            let overlay = x
                .wait_window("^ocrlay$", Duration::from_secs(20))
                .expect("the overlay is shown");
            let [ox, oy, ow, oh] = x.client_rect(overlay);
            let middle = (ox + ow / 2, oy + oh / 2);
            wait_under(
                &x,
                middle,
                overlay,
                false,
                "locked: the mouse must go through",
            );
            let (ok, err) = app.trigger(&x, "unlock");
            assert!(ok, "{}: ocrlay trigger unlock failed: {err}", state.name);
            app.wait(
                Probe::OverlayLocked { locked: false },
                1,
                Duration::from_secs(10),
            );
            wait_under(
                &x,
                middle,
                overlay,
                true,
                "unlocked: the overlay takes the mouse",
            );
        }
        let shot = x11::artefact_dir("e2e").join(format!("start-{}.png", state.name));
        x.screenshot(&shot);
        // The loop still hears other ocrlay processes, and the app is alive after all of it.
        let (ok, err) = app.trigger(&x, "hide");
        assert!(ok, "{}: ocrlay trigger hide failed: {err}", state.name);
        app.wait(
            Probe::Triggered {
                action: "hide".into(),
            },
            1,
            Duration::from_secs(10),
        );
        if !app.alive() {
            failures.push(format!(
                "{}: the app exited\n{}",
                state.name,
                app.log_text()
            ));
        }
        app.kill();
    }
    assert!(failures.is_empty(), "{failures:#?}");
}

#[test]
fn trigger_says_when_no_ocrlay_runs_and_names_the_actions() {
    let home = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_ocrlay"))
            .args(args)
            .env("OCRLAY_CONFIG", home.path().join("config.toml"))
            .env("XDG_RUNTIME_DIR", home.path())
            .env("XDG_CONFIG_HOME", home.path())
            .env("XDG_DATA_HOME", home.path())
            .output()
            .unwrap()
    };
    let out = run(&["trigger", "select"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("config.toml"),
        "names the settings file: {err}"
    );
    let out = run(&["trigger", "dance"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    for word in ocrlay::app::instance::Request::words() {
        assert!(err.contains(&word), "{word} not listed: {err}");
    }
}

#[test]
fn the_app_says_why_it_stops_when_the_x_server_goes_away() {
    let Some(mut x) = x11::start_or_skip(1280, 720) else {
        return;
    };
    let rt = tokio::runtime::Runtime::new().unwrap();
    let server = rt.block_on(MockServer::start());
    let home = tempfile::tempdir().unwrap();
    let config = app_config(
        home.path(),
        &server,
        "sk-display-lost",
        "[overlay]\nlocked = true\n",
    );
    let app = x11::App::start(&mut x, home.path(), &config, "ocrlay=info");
    app.wait(Probe::Running, 1, Duration::from_secs(60));
    x.kill_server();
    app.wait(Probe::DisplayLost, 1, Duration::from_secs(20));
    let t = Instant::now();
    while app.alive() {
        assert!(t.elapsed() < Duration::from_secs(20), "the app did not end");
        std::thread::sleep(Duration::from_millis(20));
    }
    // Said on stderr (the log file is the app's stderr), not only in the probe.
    assert!(app.log_text().contains(&x.display), "{}", app.log_text());
}
