//! The first five minutes, under Xvfb with fresh config and data folders, as a new user meets ocrlay: the
//! settings open by themselves with the welcome; Alt+Q and a drag with no provider enabled show the recognised
//! text and say that no provider is enabled, and nothing keeps spinning; with no tray host the overlay says how
//! to reach the settings; `ocrlay settings` and a second start bring the running instance's settings forward.
//! Screenshots in `target/e2e/first-*.png`.

#![cfg(target_os = "linux")]

mod common;

use ocrlay::probe::Probe;

use common::x11;
use ocrlay::lang::Lang;
use ocrlay::ocr::{load_engine, EngineKind, EngineParams, RecognizeOptions};
use std::path::Path;
use std::time::{Duration, Instant};

fn fixture(name: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/ocr")
        .join(name)
}

/// The text our own OCR reads in a part of a screenshot.
fn read(shot: &Path, rect: (i32, i32, u32, u32)) -> String {
    let img = image::open(shot).unwrap().to_rgba8();
    let (x, y, w, h) = rect;
    let crop = image::imageops::crop_imm(&img, x.max(0) as u32, y.max(0) as u32, w, h).to_image();
    let mut engine = load_engine(EngineKind::PpOcr, &EngineParams::default()).unwrap();
    let out = engine
        .recognize(&crop, &RecognizeOptions::for_lang(Lang::Japanese))
        .unwrap();
    out.lines
        .iter()
        .map(|l| l.text.as_str())
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn a_new_user_is_welcomed_and_never_left_with_a_spinner() {
    let Some(mut x) = x11::start_or_skip(1920, 1080) else {
        return;
    };
    let home = tempfile::tempdir().unwrap();
    // No settings file yet: a fresh machine.
    let config = home.path().join("config/ocrlay/config.toml");
    let app = x11::App::start(&mut x, home.path(), &config, "ocrlay=debug");
    app.wait(Probe::FirstStart, 1, Duration::from_secs(60));
    assert!(
        x.wait_window("^ocrlay settings$", Duration::from_secs(20))
            .is_some(),
        "the settings window did not open"
    );
    app.wait(settings_ready(), 1, Duration::from_secs(30));
    // Wait until WebKit has painted the page with its welcome (the UI follows the system language here:
    // English or Chinese), reading the window with our own OCR.
    let settings = x
        .wait_window("^ocrlay settings$", Duration::from_secs(1))
        .unwrap();
    let (sx, sy, sw, sh) = x.geometry(settings);
    let shot = x11::artefact_dir("e2e").join("first-welcome.png");
    let t = Instant::now();
    loop {
        x.screenshot(&shot);
        let text = read(&shot, (sx, sy, sw, sh));
        if text.contains("Welcome to ocrlay") || text.contains("欢迎使用") {
            break;
        }
        assert!(
            t.elapsed() < Duration::from_secs(30),
            "no welcome on the settings page (see {}): {text}",
            shot.display()
        );
    }
    // No D-Bus session and no tray here: said once in plain words, and no GLib warnings on start.
    app.wait(Probe::NoTray, 1, Duration::from_secs(10));
    let log = app.log_text();
    for alarming in ["CRITICAL", "-WARNING **", "libayatana", "dbusmenu"] {
        assert!(!log.contains(alarming), "'{alarming}' at start:\n{log}");
    }

    // The "game", clear of the settings window; Alt+Q and a drag over its dialogue.
    x.show_image(&fixture("ja_dialogue.png"), 300, 780, "game-window");
    app.wait(Probe::EngineLoaded { ok: true }, 1, Duration::from_secs(60));
    // The selector pages are made at start (one per monitor; one here): wait until WebKit has loaded them.
    app.wait(
        Probe::PageReady {
            page: "selector".into(),
        },
        1,
        Duration::from_secs(30),
    );
    x.xdotool(&["key", "alt+q"]);
    app.wait_for(1, Duration::from_secs(20), |e| {
        matches!(e, Probe::SelectorShown { .. })
    });
    x.wait_window("^ocrlay region$", Duration::from_secs(10));
    std::thread::sleep(Duration::from_millis(500));
    x.drag((296, 776), (1584, 1024));
    let events = app.wait_for(1, Duration::from_secs(60), |e| {
        matches!(e, Probe::JobEnded { .. })
    });
    let ended = events
        .iter()
        .find(|e| matches!(e, Probe::JobEnded { .. }))
        .unwrap();
    assert!(
        matches!(ended, Probe::JobEnded { end, .. } if end == "NoProvider"),
        "{ended:?}"
    );
    // The spinner stopped: the last status the overlay got is not busy.
    let last = events
        .iter()
        .rfind(|e| matches!(e, Probe::Status { .. }))
        .unwrap();
    assert_eq!(*last, Probe::Status { busy: false });
    // Read the overlay until WebKit has painted the text (it paints in software here, and a window just shown
    // again after stepping aside for the selection may take a moment on a busy machine).
    let shot = x11::artefact_dir("e2e").join("first-no-provider.png");
    let t = Instant::now();
    loop {
        x.screenshot(&shot);
        let overlay = x.wait_window("^ocrlay$", Duration::from_secs(5)).unwrap();
        let (ox, oy, ow, oh) = x.geometry(overlay);
        let text = read(&shot, (ox, oy, ow, oh));
        if text.contains("アリス") {
            break;
        }
        assert!(
            t.elapsed() < Duration::from_secs(15),
            "the overlay does not show the recognised text: {text}"
        );
        std::thread::sleep(Duration::from_millis(300));
    }
    // Nothing was sent anywhere: the job ended as NoProvider (checked above), the decision made before any
    // request.
}

/// A fresh home for a user who set up a provider before (no welcome at start), and its settings file.
fn returning_user() -> (tempfile::TempDir, std::path::PathBuf) {
    let home = tempfile::tempdir().unwrap();
    let config = home.path().join("config.toml");
    std::fs::write(
        &config,
        "[general]\nsetup_done = true\n[providers.sakura-llama]\nenabled = true\n",
    )
    .unwrap();
    (home, config)
}

#[test]
fn the_running_instance_shows_its_settings_when_asked() {
    let Some(mut x) = x11::start_or_skip(1280, 800) else {
        return;
    };
    let (home, config) = returning_user();
    let app = x11::App::start(&mut x, home.path(), &config, "ocrlay=debug");
    let events = app.wait(Probe::Running, 1, Duration::from_secs(60));
    assert!(!events.contains(&Probe::FirstStart));
    assert!(x
        .wait_window("^ocrlay settings$", Duration::from_millis(300))
        .is_none());
    let ocrlay = |args: &[&str]| {
        x.command(env!("CARGO_BIN_EXE_ocrlay"))
            .args(args)
            .env("OCRLAY_CONFIG", &config)
            .env("XDG_DATA_HOME", home.path().join("data"))
            .env("XDG_CACHE_HOME", home.path().join("cache"))
            .env("XDG_RUNTIME_DIR", home.path().join("runtime"))
            .env("XDG_CONFIG_HOME", home.path().join("config"))
            .output()
            .unwrap()
    };
    // `ocrlay settings` asks the running instance and returns.
    let started = Instant::now();
    let out = ocrlay(&["settings"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(started.elapsed() < Duration::from_secs(10));
    app.wait(Probe::SettingsAsked, 1, Duration::from_secs(10));
    assert!(
        x.wait_window("^ocrlay settings$", Duration::from_secs(20))
            .is_some(),
        "the settings window did not open"
    );
    // A second start says so, exits 0, and brings the same settings forward (no second window).
    let out = ocrlay(&[]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("already running"),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    app.wait(Probe::SettingsAsked, 2, Duration::from_secs(10));
    let windows = x.xdotool(&["search", "--onlyvisible", "--name", "^ocrlay settings$"]);
    assert_eq!(windows.lines().count(), 1, "{windows}");
    assert!(app.alive());
    // The same user and settings file from another display: still one ocrlay on one set of files.
    let Some(other) = x11::start_or_skip(640, 480) else {
        return;
    };
    let out = other
        .command(env!("CARGO_BIN_EXE_ocrlay"))
        .env("OCRLAY_CONFIG", &config)
        .env("XDG_DATA_HOME", home.path().join("data"))
        .env("XDG_CACHE_HOME", home.path().join("cache"))
        .env("XDG_RUNTIME_DIR", home.path().join("runtime"))
        .env("XDG_CONFIG_HOME", home.path().join("config"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("already running"));
    app.wait(Probe::SettingsAsked, 3, Duration::from_secs(10));
    x.screenshot(&x11::artefact_dir("e2e").join("first-settings-forward.png"));
}

#[test]
fn ocrlay_settings_starts_the_app_with_them_and_the_hotkey_opens_them() {
    let Some(mut x) = x11::start_or_skip(1280, 800) else {
        return;
    };
    let (home, config) = returning_user();
    // No ocrlay runs: `ocrlay settings` starts one, showing its settings.
    let app = x11::App::start_with(&mut x, home.path(), &config, "ocrlay=debug", &["settings"]);
    app.wait(Probe::Running, 1, Duration::from_secs(60));
    let settings = x.wait_window("^ocrlay settings$", Duration::from_secs(20));
    assert!(
        settings.is_some(),
        "`ocrlay settings` did not show the settings"
    );
    // Closing it (as the window manager would) and pressing the settings hotkey brings it back.
    x.xdotool(&["windowunmap", "--sync", &settings.unwrap().to_string()]);
    let registered = Probe::HotkeyRegistered {
        action: "OpenSettings".into(),
        keys: "Alt+Shift+S".into(),
    };
    app.wait(registered, 1, Duration::from_secs(10));
    x.xdotool(&["key", "alt+shift+s"]);
    let pressed = Probe::Hotkey {
        action: "OpenSettings".into(),
    };
    app.wait(pressed, 1, Duration::from_secs(10));
    assert!(
        x.wait_window("^ocrlay settings$", Duration::from_secs(20))
            .is_some(),
        "the settings hotkey did not bring the settings back"
    );
}

fn settings_ready() -> Probe {
    Probe::PageReady {
        page: "settings".into(),
    }
}
