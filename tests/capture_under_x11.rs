//! Reading the window under ocrlay's own (auto mode with the overlay over the dialogue box), under Xvfb with a
//! window manager and a compositor. Its own test binary: it points this process at the test's X server
//! (`DISPLAY`), which no other test may share.

#![cfg(target_os = "linux")]

mod common;

use common::x11;
use ocrlay::capture::{CaptureError, Rect, RegionReader};

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
    // The game's window before its first line: one colour all over (tests/support/typewriter.py).
    let mut game = x.typewriter([100, 150, 600, 160], 0, &["Choose your party."]);
    std::env::set_var("DISPLAY", &x.display);
    let [gx, gy, _, _] = x.client_rect(game.window.unwrap());
    let region = Rect {
        x: gx + 10,
        y: gy + 10,
        width: 500,
        height: 100,
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
    // The game shows its line: the same reader reads it from the window under the overlay.
    game.next(1);
    let img = reader
        .capture(region, &own)
        .expect("the window under the overlay, read");
    assert_eq!(img.dimensions(), (500, 100));
    assert!(
        img.pixels().any(|p| p.0 != img.get_pixel(0, 0).0),
        "the drawn window read as one colour"
    );
}
