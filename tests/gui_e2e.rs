//! The whole trip, as a person does it, under Xvfb: a game-like window shows Japanese dialogue; `ocrlay`
//! runs with a config that points at a loopback OpenAI-compatible server; Alt+Q (xdotool), a drag over the
//! text, and the overlay must show the server's translation of the text the app recognised.
//!
//! Asserted from three sides: the server saw the recognised Japanese, the app's log shows every stage, and
//! a screenshot of the overlay, read back with our own OCR, shows the translation. The screenshot is kept
//! at `target/e2e/overlay.png` (a CI artefact).

#![cfg(target_os = "linux")]

mod common;

use ocrlay::probe::Probe;

use common::x11;
use common::{delta, finish, MockServer, Reply};
use ocrlay::lang::Lang;
use ocrlay::ocr::{load_engine, EngineKind, EngineParams, RecognizeOptions};
use std::path::Path;
use std::time::Duration;

const KEY: &str = "sk-e2e-secret-0123456789";

fn translation_reply() -> Reply {
    let mut events = vec![
        delta("【爱丽丝】\n"),
        delta("听说前面有一座古城……\n"),
        delta("你真的要去吗？"),
    ];
    events.extend(finish());
    Reply::Sse {
        events,
        before_gate: 0,
        pause: Duration::from_millis(30),
        abort: false,
    }
}

fn write_config(dir: &Path, server: &MockServer) -> std::path::PathBuf {
    common::app_config(
        dir,
        server,
        KEY,
        r#"
[overlay]
font_size = 22
background_opacity = 0.85
"#,
    )
}

#[test]
fn alt_q_drag_translates_into_the_overlay() {
    let Some(mut x) = x11::start_or_skip(1600, 900) else {
        return;
    };
    let rt = tokio::runtime::Runtime::new().unwrap();
    let server = rt.block_on(MockServer::start());
    server.reply([translation_reply()]);

    let home = tempfile::tempdir().unwrap();
    let config = write_config(home.path(), &server);
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/ocr/ja_dialogue.png");
    // The "game": 1280×240 dialogue box at (100, 150).
    x.show_image(&fixture, 100, 150, "game-window");

    let app = x11::App::start(&mut x, home.path(), &config, "ocrlay=debug");
    app.wait(Probe::Running, 1, Duration::from_secs(60));
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
        matches!(e, Probe::ScreensFrozen { .. })
    });
    assert!(
        x.wait_window("^ocrlay region$", Duration::from_secs(10))
            .is_some(),
        "the region selector did not appear"
    );
    app.wait_for(1, Duration::from_secs(20), |e| {
        matches!(e, Probe::SelectorShown { .. })
    });
    let luma = |img: &image::GrayImage, x: u32, y: u32| {
        let mut sum = 0u32;
        for dy in 0..5 {
            for dx in 0..5 {
                sum += u32::from(img.get_pixel(x + dx, y + dy)[0]);
            }
        }
        sum / 25
    };
    // The page has the image; wait until WebKit has painted it (dimmed).
    let before = x11::artefact_dir("e2e").join("selector.png");
    let t = std::time::Instant::now();
    loop {
        x.screenshot(&before);
        let img = image::open(&before).unwrap().into_luma8();
        let (dialogue, desktop) = (luma(&img, 700, 300) as i32, luma(&img, 1000, 600) as i32);
        // Dimmed grey desktop (128 → ~75), the darker dialogue box inside it: neither blank nor black.
        if (40..=110).contains(&desktop) && (desktop - dialogue).abs() > 10 {
            break;
        }
        assert!(
            t.elapsed() < Duration::from_secs(10),
            "the selector never showed the dimmed screenshot (see {})",
            before.display()
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    x.press_and_move((96, 146), (1384, 394));
    // While the button is down the selection is drawn: inside it the screen is shown undimmed, outside it
    // stays dimmed (a patch of the dialogue box at (700, 300) vs the grey desktop at (1000, 600)). The page
    // may be behind the pointer on a busy machine, so look a few times before letting go.
    let before = image::open(&before).unwrap().into_luma8();
    let (inside_before, outside_before) = (luma(&before, 700, 300), luma(&before, 1000, 600));
    let during = x11::artefact_dir("e2e").join("selector-drag.png");
    let t = std::time::Instant::now();
    loop {
        x.screenshot(&during);
        let img = image::open(&during).unwrap().into_luma8();
        let (inside, outside) = (luma(&img, 700, 300), luma(&img, 1000, 600));
        if inside > inside_before + 10 && outside <= outside_before + 5 {
            break;
        }
        assert!(
            t.elapsed() < Duration::from_secs(8),
            "the selection is not drawn while dragging: inside {inside_before}→{inside}, outside \
             {outside_before}→{outside} (see target/e2e/selector*.png)"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    x.release();

    app.wait_for(1, Duration::from_secs(60), |e| {
        matches!(e, Probe::Done { .. })
    });
    // The frozen screens (a whole monitor each) were freed when the selector closed.
    let ended = app.wait_for(1, Duration::from_secs(5), |e| {
        matches!(e, Probe::SelectionEnded { .. })
    });
    assert!(
        ended.contains(&Probe::SelectionEnded { shots_held: 0 }),
        "{ended:?}"
    );
    app.wait_for(1, Duration::from_secs(10), |e| {
        matches!(e, Probe::FirstPaint { .. })
    });
    let log = app.log_text();
    // Let the last delta paint.
    std::thread::sleep(Duration::from_millis(600));
    let shot = x11::artefact_dir("e2e").join("overlay.png");
    x.screenshot(&shot);
    std::fs::write(x11::artefact_dir("e2e").join("ocrlay.log"), &log).unwrap();

    // 1. The server was asked to translate what is in the game window.
    let chats: Vec<_> = server
        .requests()
        .into_iter()
        .filter(|r| r.path == "/v1/chat/completions")
        .collect();
    assert_eq!(chats.len(), 1, "one translation request: {chats:?}");
    let req = &chats[0];
    assert_eq!(
        req.header("authorization").as_deref(),
        Some(format!("Bearer {KEY}").as_str())
    );
    assert_eq!(req.body["model"], "mock-model");
    let sent = req.body["messages"].to_string();
    for phrase in ["アリス", "古い城", "本当に行くつもりなの"] {
        assert!(sent.contains(phrase), "request lacks {phrase}: {sent}");
    }

    // 2. The log tells each stage, and never the key or the text.
    for stage in [
        "hotkey",
        "screens frozen",
        "region selected",
        "capture done",
        "OCR",
        "provider request",
        "translation",
        "overlay update (first text)",
        "first character painted",
    ] {
        assert!(
            log.contains(stage),
            "the log lacks the stage '{stage}':\n{log}"
        );
    }
    // Neither what was read on the screen, nor its translation, nor the key is ever logged.
    assert!(
        !log.contains("古い城"),
        "the OCR text is in the log:\n{log}"
    );
    assert!(
        !log.contains("古城"),
        "the translation is in the log:\n{log}"
    );
    assert!(!log.contains(KEY), "the API key leaked into the log");

    // 3. The overlay, on screen, shows the translation: read it back from the screenshot.
    let id = x
        .wait_window("^ocrlay$", Duration::from_secs(5))
        .expect("the overlay window is visible");
    let (ox, oy, ow, oh) = x.geometry(id);
    assert!(
        oy >= 390 || oy + oh as i32 <= 150,
        "the overlay ({ox},{oy} {ow}×{oh}) covers the dialogue box"
    );
    // WebKit paints in software here and may lag behind the page on a busy machine: look again for a while.
    let mut engine = load_engine(EngineKind::PpOcr, &EngineParams::default()).unwrap();
    let t = std::time::Instant::now();
    loop {
        let screen = image::open(&shot).unwrap().into_rgba8();
        let crop = image::imageops::crop_imm(
            &screen,
            ox.max(0) as u32,
            oy.max(0) as u32,
            ow.min(screen.width() - ox.max(0) as u32),
            oh.min(screen.height() - oy.max(0) as u32),
        )
        .to_image();
        crop.save(x11::artefact_dir("e2e").join("overlay-crop.png"))
            .unwrap();
        let seen = engine
            .recognize(&crop, &RecognizeOptions::for_lang(Lang::ChineseSimplified))
            .unwrap()
            .text();
        if ["古城", "真的要去"].iter().all(|p| seen.contains(p)) {
            break;
        }
        assert!(
            t.elapsed() < Duration::from_secs(15),
            "the overlay does not show the translation; OCR of the overlay read:\n{seen}\n(screenshot: {})",
            shot.display()
        );
        std::thread::sleep(Duration::from_millis(300));
        x.screenshot(&shot);
    }
    assert!(app.alive(), "the app died");
    // A provider worked: the first-start welcome will not open again (remembered in the settings file).
    let saved = std::fs::read_to_string(&config).unwrap();
    let (settings, _) = ocrlay::config::Settings::parse(&saved).unwrap();
    assert!(settings.general.setup_done, "{saved}");
}
