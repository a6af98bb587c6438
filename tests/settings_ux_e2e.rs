//! Issue 24 items 4, 9 and 10 in the real app under Xvfb with a window manager (openbox): typing Alt+Q into
//! a hotkey field of the settings records it instead of opening the region selector (the hotkeys are
//! suspended while the field has the focus, and registered again when it loses it); the history lists a
//! line answered again from the memory in time order, and WebKit keeps a long Latin word of the source
//! whole; a switch of the UI's language in the settings reaches every open window at once (the settings' and
//! the history's titles, the history page).
//! Screenshots in `target/e2e/settingsux-*.png`.
//!
//! The page is driven with the pointer at the places its layout puts things in a 940×700 settings window
//! (the sidebar's items, the auto-mode hotkey field, "Open history", the language switch).

#![cfg(target_os = "linux")]

mod common;

use common::x11::{self, App, XSession};
use common::{app_config, MockServer};
use ocrlay::probe::Probe;
use std::time::Duration;

/// The text our own OCR reads in a part of a screenshot.
fn read(shot: &std::path::Path, rect: (i32, i32, u32, u32)) -> String {
    use ocrlay::ocr::{load_engine, EngineKind, EngineParams, RecognizeOptions};
    let img = image::open(shot).unwrap().to_rgba8();
    let (x, y, w, h) = rect;
    let crop = image::imageops::crop_imm(&img, x.max(0) as u32, y.max(0) as u32, w, h).to_image();
    let mut engine = load_engine(EngineKind::PpOcr, &EngineParams::default()).unwrap();
    let out = engine
        .recognize(
            &crop,
            &RecognizeOptions::for_lang(ocrlay::lang::Lang::ChineseSimplified),
        )
        .unwrap();
    out.lines
        .iter()
        .map(|l| l.text.as_str())
        .collect::<Vec<_>>()
        .join("\n")
}

/// Clicks at `(px, py)` inside the client area `rect`.
fn click(x: &XSession, rect: [i32; 4], px: i32, py: i32) {
    let (ax, ay) = (rect[0] + px, rect[1] + py);
    x.xdotool(&["mousemove", &ax.to_string(), &ay.to_string(), "click", "1"]);
}

fn suspended(on: bool) -> Probe {
    Probe::HotkeysSuspended { suspended: on }
}

#[test]
fn a_hotkey_field_records_alt_q_and_a_language_switch_reaches_every_window() {
    let Some(mut x) = x11::start_or_skip(1280, 900) else {
        return;
    };
    x.start_wm();
    let rt = tokio::runtime::Runtime::new().unwrap();
    let server = rt.block_on(MockServer::start());
    let home = tempfile::tempdir().unwrap();
    let config = app_config(home.path(), &server, "sk-settingsux", "");
    // A history whose ids are not in time order: the first line came back from the memory last.
    let long = "Beware: extraordinarily dangerous creatures ahead. Press Confirmation to continue, or Cancel.";
    {
        let path = home.path().join("data/ocrlay/history.sqlite3");
        let (mut store, _) = ocrlay::memory::Store::open(&path).unwrap();
        let now = ocrlay::memory::now_ms();
        let line = |minutes_ago: i64, source: &str| ocrlay::memory::NewHistoryEntry {
            time_ms: now - minutes_ago * 60_000 - 7_000,
            region: "Ys VIII".into(),
            key: ocrlay::memory::MemoryKey {
                provider: "custom".into(),
                model: "mock-model".into(),
                prompt: "general-v1".into(),
                from: "en".into(),
                to: "zh-CN".into(),
                source: source.into(),
            },
            translation: "译文".into(),
        };
        store.record(&line(40, "Seen again")).unwrap();
        store.record(&line(30, long)).unwrap();
        store.record(&line(20, "Third line")).unwrap();
        store.record_again(&line(10, "Seen again")).unwrap();
    }
    let app = App::start_with(&mut x, home.path(), &config, "ocrlay=debug", &["settings"]);
    let settings = x
        .wait_window("^ocrlay settings$", Duration::from_secs(60))
        .expect("the settings window opens");
    app.wait(
        Probe::PageReady {
            page: "settings".into(),
        },
        1,
        Duration::from_secs(30),
    );
    let rect = x.client_rect(settings);
    let dir = x11::artefact_dir("e2e");
    // The overlay's notice (no tray icon here) stays on top of the settings' corner (issue 24 item 8, not
    // this test's): put it away first.
    app.wait(Probe::NoTray, 1, Duration::from_secs(30));
    assert!(app.trigger(&x, "hide").0);

    // Hotkeys: the field "Start / stop auto translation" takes the focus; the core suspends its hotkeys.
    click(&x, rect, 100, 361);
    click(&x, rect, 763, 341);
    app.wait(suspended(true), 1, Duration::from_secs(10));
    x.xdotool(&["key", "alt+q"]);
    // Leaving the field registers them again; Alt+Q, pressed before, started nothing.
    click(&x, rect, 400, 40);
    let events = app.wait(suspended(false), 1, Duration::from_secs(10));
    x.screenshot(&dir.join("settingsux-hotkey-recorded.png"));
    assert!(
        !events.iter().any(|e| matches!(e, Probe::Hotkey { .. })),
        "a hotkey fired while a field recorded: {events:#?}"
    );

    // The history window, from Memory & history.
    click(&x, rect, 100, 333);
    click(&x, rect, 836, 464);
    x.wait_window("^ocrlay history$", Duration::from_secs(30))
        .expect("the history window opens");
    app.wait(
        Probe::PageReady {
            page: "history".into(),
        },
        1,
        Duration::from_secs(30),
    );
    // Read off the screen: the rows' clock times newest first, and the long word of the source in one piece.
    let history = x
        .wait_window("^ocrlay history$", Duration::from_secs(1))
        .unwrap();
    // At its narrowest (the window's minimum width), where the source column is narrowest.
    x.xdotool(&["windowsize", "--sync", &history.to_string(), "560", "640"]);
    x.xdotool(&["windowactivate", "--sync", &history.to_string()]);
    let [hx, hy, hw, hh] = x.client_rect(history);
    let shot = dir.join("settingsux-history-en.png");
    let clock = regex::Regex::new(r"\b(\d{2}):(\d{2}):(\d{2})\b").unwrap();
    let t = std::time::Instant::now();
    let text = loop {
        x.screenshot(&shot);
        let text = read(&shot, (hx, hy, hw as u32, hh as u32));
        if clock.find_iter(&text).count() >= 3 && text.contains("Third") {
            break text;
        }
        assert!(
            t.elapsed() < Duration::from_secs(30),
            "the history lines did not show (see {}): {text}",
            shot.display()
        );
    };
    let times: Vec<String> = clock
        .find_iter(&text)
        .map(|m| m.as_str().to_string())
        .collect();
    let mut sorted = times.clone();
    sorted.sort();
    sorted.reverse();
    assert_eq!(
        times,
        sorted,
        "not newest first (see {}):\n{text}",
        shot.display()
    );
    assert!(
        text.contains("extraordinarily"),
        "a Latin word of the source was cut (see {}):\n{text}",
        shot.display()
    );

    // 中文 in the sidebar of the settings (brought to the front over the history): every open window's
    // title follows at once.
    assert!(app.trigger(&x, "settings").0);
    app.wait(Probe::SettingsAsked, 1, Duration::from_secs(10));
    let rect = x.client_rect(settings);
    click(&x, rect, 103, rect[3] - 30);
    app.wait(
        Probe::LanguageChanged { lang: "zh".into() },
        1,
        Duration::from_secs(10),
    );
    assert!(x
        .wait_window("^ocrlay 设置$", Duration::from_secs(10))
        .is_some());
    x.wait_window("^ocrlay 历史记录$", Duration::from_secs(10))
        .expect("the history window's title follows");
    x.screenshot(&dir.join("settingsux-language-zh.png"));
    // The history page itself speaks Chinese now (read off the screen with our own OCR: its title line).
    x.xdotool(&["windowactivate", "--sync", &history.to_string()]);
    let [hx, hy, hw, _] = x.client_rect(history);
    let shot = dir.join("settingsux-history-zh.png");
    let t = std::time::Instant::now();
    loop {
        x.screenshot(&shot);
        let text = read(&shot, (hx, hy, hw.min(600) as u32, 90));
        if text.contains("历史记录") {
            break;
        }
        assert!(
            t.elapsed() < Duration::from_secs(30),
            "the history page is not in Chinese (see {}): {text}",
            shot.display()
        );
    }
}
