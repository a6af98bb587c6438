//! The overlay never shows at a size its content does not fill: over several Alt+W runs with translations of
//! different lengths (one line, several lines, a long wrapped one), a screenshot taken as soon as the app says
//! the first characters are painted shows the overlay at full size with the translation readable on it.
//! (Once, one run of five showed a thin empty bar: the page reported the paint before the window had grown to
//! its content.) Screenshots in `target/e2e/size-*.png`.

#![cfg(target_os = "linux")]

mod common;

use ocrlay::probe::Probe;

use common::x11;
use common::{answer, app_config, MockServer};
use ocrlay::lang::Lang;
use ocrlay::ocr::{load_engine, EngineKind, EngineParams, RecognizeOptions};
use std::path::Path;
use std::time::{Duration, Instant};

const RUNS: [&str; 5] = [
    "短的一行。",
    "第一行的译文\n第二行的译文\n第三行的译文",
    "这是一句很长的译文，长到在浮窗的宽度里一定要换行才能放得下，所以窗口必须长高。",
    "爱丽丝：\n听说前面有一座古城……\n你真的要去吗？\n我也想去看看。",
    "好的，我们一起走吧。",
];

#[test]
fn the_overlay_holds_its_text_at_the_first_paint() {
    let Some(mut x) = x11::start_or_skip(1600, 900) else {
        return;
    };
    let rt = tokio::runtime::Runtime::new().unwrap();
    let server = rt.block_on(MockServer::start());
    server.reply(RUNS.iter().map(|t| answer(t)));
    let home = tempfile::tempdir().unwrap();
    // Every Alt+W asks the provider (no memory), so each run has a new translation of its own length.
    let config = app_config(
        home.path(),
        &server,
        "sk-size",
        r#"
[memory]
cache = false
history = false
[overlay]
font_size = 22
[regions]
slots = [{ name = "Dialogue", rect = [100, 150, 1280, 240] }]
"#,
    );
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/ocr/ja_dialogue.png");
    x.show_image(&fixture, 100, 150, "game-window");
    let app = x11::App::start(&mut x, home.path(), &config, "ocrlay=debug");
    app.wait(Probe::EngineLoaded { ok: true }, 1, Duration::from_secs(60));
    app.wait(
        Probe::PageReady {
            page: "overlay".into(),
        },
        1,
        Duration::from_secs(30),
    );
    let mut engine = load_engine(EngineKind::PpOcr, &EngineParams::default()).unwrap();
    for (i, want) in RUNS.iter().enumerate() {
        x.xdotool(&["key", "alt+w"]);
        app.wait_for(i + 1, Duration::from_secs(60), |e| {
            matches!(e, Probe::FirstPaint { .. })
        });
        // At once: no time for the window to catch up after the report. The X server shows a freshly resized
        // transparent window only once the compositor (xcompmgr here, DWM on Windows) has drawn it again: a
        // lag of a frame or two is the compositor's, and allowed; a window that stays empty or too small is not.
        let painted_at = Instant::now();
        let mut tries = 0;
        let lag = loop {
            let shot = x11::artefact_dir("e2e").join(format!("size-{i}.png"));
            let shot_at = painted_at.elapsed();
            x.screenshot(&shot);
            let id = x.wait_window("^ocrlay$", Duration::from_secs(2)).unwrap();
            let (ox, oy, ow, oh) = x.geometry(id);
            let img = image::open(&shot).unwrap().to_rgba8();
            let crop = image::imageops::crop_imm(&img, ox.max(0) as u32, oy.max(0) as u32, ow, oh)
                .to_image();
            let read = engine
                .recognize(&crop, &RecognizeOptions::for_lang(Lang::ChineseSimplified))
                .unwrap();
            let text: String = read.lines.iter().map(|l| l.text.as_str()).collect();
            // Every line of the translation is on the overlay, its beginning and its end (compared without
            // punctuation, which OCR may vary).
            let bare = |s: &str| -> String { s.chars().filter(|c| c.is_alphanumeric()).collect() };
            let all = want.lines().all(|line| {
                let line = bare(line);
                let n = line.chars().count();
                let head: String = line.chars().take(4).collect();
                let tail: String = line.chars().skip(n.saturating_sub(4)).collect();
                bare(&text).contains(&head) && bare(&text).contains(&tail)
            });
            if all {
                break shot_at;
            }
            tries += 1;
            assert!(
                shot_at < Duration::from_millis(250),
                "run {i}: the translation is not on the overlay {shot_at:?} after the first paint ({ow}×{oh} \
                 at {ox},{oy}; see {}); read: {text}",
                shot.display()
            );
        };
        eprintln!(
            "run {i}: the screenshot taken {lag:?} after the paint report shows the translation ({tries} \
             earlier did not)"
        );
    }
    assert_eq!(server.requests().len(), RUNS.len());
}
