//! Capture under Xvfb, pixel by pixel: a region of the screen and part of a window, read straight from the X
//! server, are exactly the pixels of the image the window shows. Its own test binary: it points this process
//! at the test's X server (`DISPLAY`), which no other test may share.

#![cfg(target_os = "linux")]

mod common;

use common::x11;
use std::path::Path;
use std::time::Duration;

/// Part of a window read straight from the X server (what auto mode reads under the overlay) is exactly
/// the window's pixels: same place, same colours, as the image the window shows.
#[test]
fn screen_and_window_parts_are_read_pixel_exact() {
    let Some(mut x) = x11::start_or_skip(1600, 900) else {
        return;
    };
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/ocr/ja_dialogue.png");
    x.show_image(&fixture, 100, 150, "pixel-game");
    let id = x
        .wait_window("^pixel-game$", Duration::from_secs(10))
        .unwrap();
    // This process talks to the test's X server (the only test in this binary).
    std::env::set_var("DISPLAY", &x.display);
    let want = |w: ocrlay::capture::Rect| ocrlay::capture::Rect {
        x: w.x + 40,
        y: w.y + 60,
        width: 500,
        height: 120,
    };
    let (part, window, placed) = ocrlay::capture::capture_window_part(id as u32, want).unwrap();
    assert_eq!((placed.x - window.x, placed.y - window.y), (40, 60));
    assert_eq!(part.dimensions(), (500, 120));
    let shown = image::open(&fixture).unwrap().to_rgba8();
    let mut differing = 0;
    for (px, py, p) in part.enumerate_pixels() {
        let q = shown.get_pixel(px + 40, py + 60);
        if p.0[..3] != q.0[..3] {
            differing += 1;
        }
    }
    assert_eq!(
        differing, 0,
        "pixels differ from the image the window shows"
    );
    // The same place read from the screen (what Alt+W and auto mode read when nothing of ocrlay covers it).
    let screen = ocrlay::capture::capture_region(placed).unwrap();
    assert_eq!(screen.dimensions(), (500, 120));
    let differing = screen
        .enumerate_pixels()
        .filter(|(px, py, p)| p.0[..3] != shown.get_pixel(px + 40, py + 60).0[..3])
        .count();
    assert_eq!(differing, 0, "the screen read differs from the image shown");
    // Off the screen: a clear error, not an empty image.
    let off = ocrlay::capture::Rect {
        x: 5000,
        y: 5000,
        width: 10,
        height: 10,
    };
    assert!(matches!(
        ocrlay::capture::capture_region(off),
        Err(ocrlay::capture::CaptureError::OffScreen(_))
    ));
}

/// `ocrlay ocr --region` reads the part of the screen it is given, as if it were the image file: the same
/// lines as `ocrlay ocr` of the fixture that is shown there (desktop and monitor-relative coordinates).
#[test]
fn ocr_of_a_screen_region_reads_what_is_shown() {
    let Some(mut x) = x11::start_or_skip(1280, 720) else {
        return;
    };
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/ocr/en_dialogue.png");
    x.show_image(&fixture, 30, 200, "region-game");
    let id = x
        .wait_window("^region-game$", Duration::from_secs(10))
        .unwrap();
    let (gx, gy, gw, gh) = x.geometry(id);
    let ocrlay = |args: &[&str]| {
        x.command(env!("CARGO_BIN_EXE_ocrlay"))
            .args(args)
            .env("OCRLAY_CONFIG", "/nonexistent/config.toml")
            .output()
            .unwrap()
    };
    let from_file = ocrlay(&["ocr", "--lang", "en", fixture.to_str().unwrap()]);
    assert!(from_file.status.success());
    let region = format!("{gx},{gy},{gw},{gh}");
    for args in [
        vec!["ocr", "--lang", "en", "--region", region.as_str()],
        vec![
            "ocr",
            "--lang",
            "en",
            "--monitor",
            "0",
            "--region",
            region.as_str(),
        ],
    ] {
        let out = ocrlay(&args);
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&from_file.stdout),
            "{args:?}"
        );
    }
    // Off every monitor: a clear error, not a crash.
    let out = ocrlay(&["ocr", "--region", "5000,5000,100,100"]);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.starts_with("error: cannot capture the screen region"),
        "{stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
}

/// A screen that comes back one colour all over is a capture that gave an empty frame (a black DirectX game
/// on Windows, an empty Wayland frame): `ocrlay ocr --region` says so and fails, never "no text" with exit 0.
/// A plain part of a screen that shows something is only plain, and a blank image *file* is the user's image.
#[test]
fn a_blank_screen_capture_is_an_error_and_a_plain_part_of_a_shown_screen_is_not() {
    let Some(mut x) = x11::start_bare_or_skip(640, 480) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let probe = dir.path().join("probe.jsonl");
    let ocrlay = |x: &x11::XSession, args: &[&str]| {
        x.command(env!("CARGO_BIN_EXE_ocrlay"))
            .args(args)
            .env("OCRLAY_CONFIG", "/nonexistent/config.toml")
            .env(ocrlay::probe::ENV, &probe)
            .output()
            .unwrap()
    };
    let blank = |probe: &Path| {
        ocrlay::probe::read(&std::fs::read_to_string(probe).unwrap_or_default())
            .into_iter()
            .filter(|p| matches!(p, ocrlay::probe::Probe::CaptureBlank { .. }))
            .count()
    };
    // Nothing on the screen: Xvfb's root is one colour, as an empty frame from a capture path would be.
    let out = ocrlay(&x, &["ocr", "--lang", "en", "--region", "10,10,200,50"]);
    assert!(
        !out.status.success(),
        "a blank capture read as no text: {}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert_eq!(blank(&probe), 1);
    // The same plain corner once the screen shows something elsewhere: read (nothing there), no error.
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/ocr/en_dialogue.png");
    x.show_image(&fixture, 250, 200, "blank-game");
    let out = ocrlay(&x, &["ocr", "--lang", "en", "--region", "10,10,200,50"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(blank(&probe), 1);
    // A black image file is what the user gave: no text, no error.
    let black = dir.path().join("black.png");
    image::RgbaImage::from_pixel(200, 50, image::Rgba([0, 0, 0, 255]))
        .save(&black)
        .unwrap();
    let out = ocrlay(&x, &["ocr", "--lang", "en", black.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(blank(&probe), 1);
}
