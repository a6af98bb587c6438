//! Reading the window under ocrlay's own (auto mode with the overlay over the dialogue box), under Xvfb with a
//! window manager and a compositor. Its own test binary: it points this process at the test's X server
//! (`DISPLAY`), which no other test may share.

#![cfg(target_os = "linux")]

mod common;

use common::x11;
use ocrlay::capture::{CaptureError, Rect, RegionReader};
use std::time::Duration;

/// A game window that shows one colour all over (before its first line, a black scene change) under the
/// overlay is what lies there: the reader says the frame is blank, never that nothing lies under the overlay
/// (which would send auto mode waiting for the user to move the overlay aside). Once the window shows
/// something, the same reader reads it.
#[test]
fn a_blank_window_under_the_overlay_is_blank_not_missing() {
    let Some(mut x) = x11::start_or_skip(1200, 700) else {
        return;
    };
    x.start_wm();
    let dir = tempfile::tempdir().unwrap();
    let plain = dir.path().join("plain.png");
    image::RgbaImage::from_pixel(600, 160, image::Rgba([20, 24, 60, 255]))
        .save(&plain)
        .unwrap();
    x.show_image(&plain, 100, 150, "plain-game");
    let id = x
        .wait_window("^plain-game$", Duration::from_secs(10))
        .unwrap();
    std::env::set_var("DISPLAY", &x.display);
    let (gx, gy, _, _) = x.geometry(id);
    let region = Rect {
        x: gx + 50,
        y: gy + 40,
        width: 400,
        height: 80,
    };
    // The overlay over the region, as ocrlay's own windows are handed to the reader.
    let own = [Rect {
        x: region.x - 10,
        y: region.y - 10,
        width: region.width + 20,
        height: region.height + 20,
    }];
    let mut reader = RegionReader::default();
    match reader.capture(region, &own) {
        Err(CaptureError::Blank { .. }) => {}
        other => panic!(
            "a one-colour window under the overlay read as {:?}",
            other.map(|i| i.dimensions())
        ),
    }
    // The game draws its dialogue: the same reader reads it from the window under the overlay.
    let fixture =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/ocr/ja_dialogue.png");
    x.show_image(&fixture, gx, gy, "drawn-game");
    let img = reader
        .capture(region, &own)
        .expect("the window under the overlay, read");
    assert_eq!(img.dimensions(), (400, 80));
    assert!(
        img.pixels().any(|p| p.0 != img.get_pixel(0, 0).0),
        "the drawn window read as one colour"
    );
}
