//! ocrlay on a real Wayland compositor (issue 25 items 4–6): a headless sway 1.7 with XWayland (see
//! tests/common/wayland.rs). The selector and the overlay must be layer surfaces (sway manages no view of
//! ocrlay's), the selector must cover the output, a drag of a wlr virtual pointer must reach it, the overlay
//! must land beside the region on an output scaled 150 %, and `ocrlay trigger retranslate` must read a saved
//! region over an XWayland (Tk) window and hand its text to the loopback provider.
#![cfg(target_os = "linux")]

mod common;
#[path = "common/wayland.rs"]
mod wayland;

use common::{answer, app_config, MockServer};
use ocrlay::probe::Probe;
use std::time::{Duration, Instant};
use wayland::{App, Pointer, Sway};

const START: Duration = Duration::from_secs(60);
const STEP: Duration = Duration::from_secs(30);

/// The bounding box (x, y, w, h) of the pixels that differ between two screenshots of the same size.
fn changed(a: &image::RgbaImage, b: &image::RgbaImage) -> Option<(u32, u32, u32, u32)> {
    changed_rows(a, b, 0..a.height())
}

/// The bounding box of the pixels that differ in `rows`.
fn changed_rows(
    a: &image::RgbaImage,
    b: &image::RgbaImage,
    rows: std::ops::Range<u32>,
) -> Option<(u32, u32, u32, u32)> {
    let (mut x0, mut y0, mut x1, mut y1) = (u32::MAX, u32::MAX, 0, 0);
    for (x, y, p) in a.enumerate_pixels() {
        if !rows.contains(&y) {
            continue;
        }
        let q = b.get_pixel(x, y);
        let d =
            p.0.iter()
                .zip(q.0)
                .map(|(u, v)| u.abs_diff(v))
                .max()
                .unwrap_or(0);
        if d > 24 {
            x0 = x0.min(x);
            y0 = y0.min(y);
            x1 = x1.max(x);
            y1 = y1.max(y);
        }
    }
    (x0 <= x1).then(|| (x0, y0, x1 - x0 + 1, y1 - y0 + 1))
}

fn ocrlay_views(s: &Sway) -> Vec<String> {
    s.views()
        .into_iter()
        .filter(|v| v.to_lowercase().contains("ocrlay") && !v.contains("ocrlaytest"))
        .collect()
}

/// A home for an app of the session whose user set up the loopback provider before (no welcome at start), with
/// `extra` settings (TOML); its settings file.
fn returning_user(
    s: &Sway,
    server: &MockServer,
    extra: &str,
) -> (std::path::PathBuf, std::path::PathBuf) {
    let home = s.home("app");
    let config = app_config(&home, server, "k", extra);
    let text = std::fs::read_to_string(&config).unwrap();
    std::fs::write(
        &config,
        text.replacen("[general]\n", "[general]\nsetup_done = true\n", 1),
    )
    .unwrap();
    (home, config)
}

/// Waits until the job of a drag has ended and checks the provider was asked the dragged line exactly: the
/// Japanese line of the test window, and nothing of the English line under it.
fn read_exactly_the_japanese_line(app: &App, server: &MockServer) {
    app.wait_for(1, STEP, |e| matches!(e, Probe::JobEnded { .. }));
    let asked = server
        .requests()
        .first()
        .map(|r| r.body["messages"].to_string())
        .unwrap_or_default();
    assert!(
        asked.contains("こんにちは") && asked.contains("世界") && !asked.contains("Wayland"),
        "the provider was asked {asked:?}; the log:\n{}",
        app.log_text()
    );
}

/// Drags from `from` to `to` (logical pixels) over the selector until it says the selection ended. The page may
/// take its first pointer events before it listens: a drag that was not heard is made again (one that was
/// heard ends the selection, and is never repeated).
async fn select_by_drag(app: &App, pointer: &mut Pointer, from: (u32, u32), to: (u32, u32)) {
    let ended = |app: &App| {
        app.probes()
            .iter()
            .any(|e| matches!(e, Probe::SelectionEnded { .. }))
    };
    for _ in 0..5 {
        pointer.drag(from, to);
        let t = Instant::now();
        while !ended(app) && t.elapsed() < Duration::from_secs(3) {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        if ended(app) {
            break;
        }
    }
    app.wait_for(1, STEP, |e| matches!(e, Probe::SelectionEnded { .. }));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn selector_and_overlay_are_layer_surfaces_and_the_overlay_lands_beside_the_region_at_150_percent(
) {
    // 1920x1080 physical at 150 %: 1280x720 logical.
    let Some(mut s) = wayland::start_or_skip(1920, 1080, 1.5) else {
        return;
    };
    let server = MockServer::start().await;
    server.reply([answer("你好，世界。")]);
    s.native_text_window(
        "ocrlaytest",
        [40, 200, 700, 180],
        &["こんにちは、世界。", "Hello from a Wayland window"],
    );
    let dir = s.dir.path().to_path_buf();
    // The desktop without ocrlay: what its windows change is measured against it.
    let before = s.screenshot(&dir.join("wayland-before.png"));
    let (home, config) = returning_user(&s, &server, "[overlay]\nmode = \"beside\"\n");
    let app = App::start(&mut s, &home, &config, "ocrlay=debug");
    app.wait_for(1, START, |e| *e == Probe::Running);
    app.wait_for(
        1,
        START,
        |e| matches!(e, Probe::PageReady { page } if page == "selector"),
    );
    // Layer surfaces are not views: sway tiles nothing of ocrlay's.
    assert!(
        ocrlay_views(&s).is_empty(),
        "ocrlay's windows are ordinary views of sway: {:?}",
        s.views()
    );

    let (ok, err) = app.trigger(&s, "select");
    assert!(ok, "ocrlay trigger select failed: {err}");
    app.wait_for(1, STEP, |e| matches!(e, Probe::SelectorShown { .. }));
    assert!(
        ocrlay_views(&s).is_empty(),
        "the selector is a view: {:?}",
        s.views()
    );
    // The selector covers the whole output: it changes what shows from corner to corner (its veil over the
    // frozen screen).
    let shown = s.screenshot(&dir.join("wayland-selector.png"));
    let covered = changed(&before, &shown);
    assert_eq!(
        covered,
        Some((0, 0, 1920, 1080)),
        "the selector does not cover the output; see {}",
        dir.join("wayland-selector.png").display()
    );
    // And its page is painted: the dimmed screen with the white hint at the top (a blank page is one colour).
    let band = image::imageops::crop_imm(&shown, 480, 0, 960, 150).to_image();
    let light = band
        .pixels()
        .filter(|p| p.0[..3].iter().all(|&c| c > 200))
        .count();
    let dark = band
        .pixels()
        .filter(|p| p.0[..3].iter().all(|&c| c < 80))
        .count();
    assert!(
        light > 200 && dark > 200,
        "the selector's page is not painted ({light} light, {dark} dark pixels at the top); see {}",
        dir.join("wayland-selector.png").display()
    );

    // A drag over the Japanese line (logical pixels), through a virtual pointer of the test's own.
    let region_logical = (50u32, 222u32, 480u32, 272u32);
    let mut pointer = Pointer::new(&s);
    select_by_drag(
        &app,
        &mut pointer,
        (region_logical.0, region_logical.1),
        (region_logical.2, region_logical.3),
    )
    .await;
    // The pointer rests beside the region, in its rows, out of the way of what is measured above and below.
    pointer.move_to(1200, (region_logical.1 + region_logical.3) / 2);
    // The dragged region was read and its job ran to its end: the rectangle dragged (logical pixels on a
    // 150 % output) is the rectangle read from the frozen screen (physical pixels): its line, whole, and
    // nothing of the line below it.
    read_exactly_the_japanese_line(&app, &server);
    // The region in physical pixels. The overlay shows the job's end (a translation or a notice) above or
    // below it: screenshots until it is there (measured in the rows above and below the region only).
    let k = s.scale;
    let region = (
        (f64::from(region_logical.0) * k) as u32,
        (f64::from(region_logical.1) * k) as u32,
        (f64::from(region_logical.3) * k) as u32,
    );
    let t = Instant::now();
    let (x, y, w, h) = loop {
        let after = s.screenshot(&dir.join("wayland-overlay.png"));
        let above = changed_rows(&before, &after, 0..region.1);
        let below = changed_rows(&before, &after, region.2 + 1..after.height());
        match (above, below) {
            (Some(found), None) | (None, Some(found)) => break found,
            (Some(a), Some(b)) => panic!(
                "something changed both above ({a:?}) and below ({b:?}) the region; see {}",
                dir.join("wayland-overlay.png").display()
            ),
            (None, None) => {}
        }
        assert!(
            t.elapsed() < STEP,
            "no overlay beside the region; see {}; the log:\n{}",
            dir.join("wayland-overlay.png").display(),
            app.log_text()
        );
    };
    // Right against the region's edge (the page's margin aside).
    assert!(
        y.abs_diff(region.2) < 40 || (y + h).abs_diff(region.1) < 40,
        "the overlay ({x},{y} {w}x{h}) is not against the region (y {}–{}); see {}",
        region.1,
        region.2,
        dir.join("wayland-overlay.png").display()
    );
    assert!(
        x.abs_diff(region.0) < 40,
        "the overlay ({x},{y} {w}x{h}) does not start at the region's left edge ({}); see {}",
        region.0,
        dir.join("wayland-overlay.png").display()
    );
    assert!(
        ocrlay_views(&s).is_empty(),
        "the overlay is a view: {:?}",
        s.views()
    );
    eprintln!(
        "overlay at {x},{y} {w}x{h} (physical) for region {:?}; screenshots in {}",
        region,
        dir.display()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn retranslate_reads_a_saved_region_over_an_xwayland_window() {
    let Some(mut s) = wayland::start_or_skip(1280, 720, 1.0) else {
        return;
    };
    let server = MockServer::start().await;
    server.reply([answer("选择你的队伍。")]);
    s.xwayland_text_window([40, 300, 760, 140], &["Choose your party."]);
    let (home, config) = returning_user(
        &s,
        &server,
        "[regions]\nactive = 0\n\n[[regions.slots]]\nname = \"Game\"\nrect = [50, 310, 700, 110]\n",
    );
    let app = App::start(&mut s, &home, &config, "ocrlay=debug");
    app.wait_for(1, START, |e| *e == Probe::Running);
    app.wait_for(1, START, |e| matches!(e, Probe::EngineLoaded { .. }));
    let (ok, err) = app.trigger(&s, "retranslate");
    assert!(ok, "ocrlay trigger retranslate failed: {err}");
    let t = Instant::now();
    while server.requests().is_empty() {
        assert!(
            t.elapsed() < STEP,
            "the provider was never asked; the app's events:\n{:#?}\nits log:\n{}",
            app.probes(),
            app.log_text()
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let body = server.requests()[0].body.to_string();
    assert!(
        body.contains("Choose") && body.contains("party"),
        "the provider got: {body}"
    );
    app.wait_for(1, STEP, |e| matches!(e, Probe::FirstPaint { .. }));
    // The overlay (a layer surface) shows the translation beside the region, over the desktop: screenshots
    // until it is on screen.
    let t = Instant::now();
    let (x, y, w, h) = loop {
        let shot = s.screenshot(&s.dir.path().join("wayland-xwayland-overlay.png"));
        // Below the Tk window (its bottom edge is at 440), where nothing but the desktop is without it.
        let below = image::imageops::crop_imm(&shot, 0, 445, 1280, 275).to_image();
        let empty = image::RgbaImage::from_pixel(1280, 275, *shot.get_pixel(1270, 710));
        if let Some((x, y, w, h)) = changed(&empty, &below) {
            break (x, y + 445, w, h);
        }
        assert!(
            t.elapsed() < STEP,
            "no overlay below the region; the app's events:\n{:#?}\nits log:\n{}",
            app.probes(),
            app.log_text()
        );
    };
    assert!(x.abs_diff(50) < 20, "the overlay is at {x},{y} {w}x{h}");
}

/// Through XWayland (what GNOME gets) the overlay is a utility window: sway floats it instead of tiling it. Tiled,
/// it was resized by the compositor as it was mapped, and its page stayed at its first frame (blank, or "Waiting
/// for text…") until some later resize: none of its updates showed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn through_xwayland_the_pages_show_at_once() {
    // What GNOME gets (ocrlay's windows through XWayland), here by the user's own GDK_BACKEND=x11: the overlay's
    // page must show at start (its notice that there is no tray), not stay blank until some later event.
    let Some(mut s) = wayland::start_or_skip(1280, 720, 1.0) else {
        return;
    };
    let server = MockServer::start().await;
    let dir = s.dir.path().to_path_buf();
    let before = s.screenshot(&dir.join("wayland-x11-before.png"));
    let (home, config) = returning_user(&s, &server, "");
    let app = App::start_with(
        &mut s,
        &home,
        &config,
        "ocrlay=debug",
        &[
            ("GDK_BACKEND", "x11"),
            ("WEBKIT_DISABLE_COMPOSITING_MODE", "1"),
        ],
    );
    app.wait_for(
        1,
        START,
        |e| matches!(e, Probe::PageReady { page } if page == "overlay"),
    );
    let t = Instant::now();
    loop {
        let shot = s.screenshot(&dir.join("wayland-x11-overlay.png"));
        if changed(&before, &shot).is_some() {
            break;
        }
        assert!(
            t.elapsed() < Duration::from_secs(20),
            "the overlay's page is still blank {:?} after it said it was ready; see {}; sway's views: {:?}; \
             the log:\n{}",
            t.elapsed(),
            dir.join("wayland-x11-overlay.png").display(),
            s.swaymsg(&["-t", "get_tree"]),
            app.log_text()
        );
    }
    // And its later updates: Alt+W with no region yet says so in the overlay.
    let shown = s.screenshot(&dir.join("wayland-x11-overlay.png"));
    let (ok, err) = app.trigger(&s, "retranslate");
    assert!(ok, "ocrlay trigger retranslate failed: {err}");
    let t = Instant::now();
    loop {
        let shot = s.screenshot(&dir.join("wayland-x11-update.png"));
        if changed(&shown, &shot).is_some() {
            break;
        }
        assert!(
            t.elapsed() < Duration::from_secs(20),
            "the overlay's page did not show its update; the log:\n{}",
            app.log_text()
        );
    }
}

/// Two outputs side by side, the second at 150 % (issue 25 item 5): a drag on the second output reads what is
/// under it there, and the overlay lands beside it on that output.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_drag_on_a_second_scaled_output_reads_what_is_there() {
    // HEADLESS-1: 1280x720 at 100 %; HEADLESS-2: 1920x1080 at 150 %, logical 1280x720 to its right.
    let Some(mut s) = wayland::outputs_or_skip(&[(1280, 720, 1.0), (1920, 1080, 1.5)]) else {
        return;
    };
    let server = MockServer::start().await;
    server.reply([answer("你好，世界。")]);
    s.native_text_window(
        "ocrlaytest",
        [1280 + 40, 200, 700, 180],
        &["こんにちは、世界。", "Hello from a Wayland window"],
    );
    let (home, config) = returning_user(&s, &server, "[overlay]\nmode = \"beside\"\n");
    let app = App::start(&mut s, &home, &config, "ocrlay=debug");
    app.wait_for(1, START, |e| *e == Probe::Running);
    app.wait_for(1, START, |e| matches!(e, Probe::EngineLoaded { .. }));
    let (ok, err) = app.trigger(&s, "select");
    assert!(ok, "ocrlay trigger select failed: {err}");
    // One selector for each output.
    app.wait_for(2, STEP, |e| matches!(e, Probe::SelectorShown { .. }));
    let mut pointer = Pointer::new(&s);
    select_by_drag(&app, &mut pointer, (1280 + 50, 222), (1280 + 480, 272)).await;
    read_exactly_the_japanese_line(&app, &server);
}
