//! Where the overlay goes: beside the region it translates, on the same monitor, never off screen.

use crate::capture::Rect;

/// Gap between the region and the overlay, in physical pixels.
pub const GAP: i32 = 8;

/// The overlay's top-left for a region: below it, or above when there is no room below, or inside the
/// monitor's bottom edge as a last resort. `size` is the overlay's physical size; `monitor` the monitor that
/// holds the region.
pub fn beside(region: Rect, size: (u32, u32), monitor: Rect) -> (i32, i32) {
    beside_clear_of(region, size, monitor, &[])
}

/// Like [`beside`], clear of `avoid` (the other regions read at the same time and their overlays): the first of
/// below, above, right of and left of the region that fits on the monitor and covers none of them.
pub fn beside_clear_of(
    region: Rect,
    size: (u32, u32),
    monitor: Rect,
    avoid: &[Rect],
) -> (i32, i32) {
    let side = choose_side(region, size, size.1, monitor, avoid);
    let (x, y, _) = on_side(region, side, size, monitor);
    (x, y)
}

/// Which side of its region an overlay is on. Chosen once per job ([`choose_side`]) and kept while the
/// translation streams in ([`on_side`]), so the overlay grows away from the text instead of jumping across it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// Under the region: its top edge stays put.
    Below,
    /// Over the region's top: its bottom edge stays put.
    Above,
    /// Right of the region.
    Right,
    /// Left of the region.
    Left,
    /// On the monitor's bottom edge (the region leaves no room on any side).
    Inside,
}

/// The least height worth choosing a side for (a status line), physical pixels.
pub const MIN_HEIGHT: u32 = 40;

/// The height an overlay on `side` of `region` may take on `monitor`.
fn room(region: Rect, side: Side, width: u32, monitor: Rect) -> u32 {
    let w = width as i32;
    let r = match side {
        Side::Below => monitor.bottom() - (region.bottom() + GAP),
        Side::Above => region.y - GAP - monitor.y,
        Side::Right if monitor.right() - (region.right() + GAP) >= w => monitor.height as i32,
        Side::Left if region.x - GAP - monitor.x >= w => monitor.height as i32,
        Side::Right | Side::Left => 0,
        Side::Inside => monitor.height as i32,
    };
    r.max(0) as u32
}

/// The overlay's place on `side` of `region` for content `size` (physical pixels): its top-left and height.
/// The edge next to the region stays where it is whatever the height; the height is what the content needs, at
/// most the room on that side (past it the page scrolls inside).
pub fn on_side(region: Rect, side: Side, size: (u32, u32), monitor: Rect) -> (i32, i32, u32) {
    let w = size.0 as i32;
    let h = size.1.min(room(region, side, size.0, monitor)).max(1);
    let hi = h as i32;
    let beside_y = region.y.min(monitor.bottom() - hi).max(monitor.y);
    match side {
        Side::Below => (clamp_x(region.x, w, monitor), region.bottom() + GAP, h),
        Side::Above => (clamp_x(region.x, w, monitor), region.y - GAP - hi, h),
        Side::Right => (region.right() + GAP, beside_y, h),
        Side::Left => (region.x - GAP - w, beside_y, h),
        Side::Inside => (
            clamp_x(region.x, w, monitor),
            (monitor.bottom() - hi).max(monitor.y),
            h,
        ),
    }
}

/// The side of `region` an overlay goes on for a job whose text is expected to need `reserve` pixels of
/// height (at least the overlay's height now, `size.1`): the first of below, above, right and left with room
/// for it on the monitor, clear of the region and of `avoid` (the other regions read at the same time and their
/// overlays); where none has, below or above where it fits though it covers something; for a long text
/// expected, the one of them with more room; else the monitor's bottom edge.
pub fn choose_side(
    region: Rect,
    size: (u32, u32),
    reserve: u32,
    monitor: Rect,
    avoid: &[Rect],
) -> Side {
    let want = reserve.max(size.1).max(MIN_HEIGHT);
    let clear = |side: Side| {
        let (x, y, h) = on_side(region, side, (size.0, want), monitor);
        let r = Rect {
            x,
            y,
            width: size.0,
            height: h,
        };
        room(region, side, size.0, monitor) >= want
            && r.x >= monitor.x
            && r.right() <= monitor.right()
            && r.intersect(&region).is_none()
            && avoid.iter().all(|a| r.intersect(a).is_none())
    };
    if let Some(side) = [Side::Below, Side::Above, Side::Right, Side::Left]
        .into_iter()
        .find(|&s| clear(s))
    {
        return side;
    }
    // Nothing is clear of everything: below or above where the text fits, covering what it must.
    let (below, above) = (
        room(region, Side::Below, size.0, monitor),
        room(region, Side::Above, size.0, monitor),
    );
    if below >= want {
        return Side::Below;
    }
    if above >= want {
        return Side::Above;
    }
    if want > size.1.max(MIN_HEIGHT) && below.max(above) >= size.1.max(MIN_HEIGHT) {
        // A long text expected: the side with more room, where it can grow the most.
        return if below >= above {
            Side::Below
        } else {
            Side::Above
        };
    }
    Side::Inside
}

/// How tall (CSS pixels) an overlay's text will likely be for a job that shows `source` once per provider
/// (`providers`), at `font_size` CSS px in a `width` CSS px wide overlay, with the recognised text above when
/// `show_original`. A translation takes about as much line space as its source: a CJK character is about one
/// em wide, a Latin one about half, and a Latin source translated into CJK shrinks in characters what it
/// gains in width. Only a guess to choose a side by; the overlay still grows on that side if it was short.
pub fn expected_height(
    source: &str,
    providers: usize,
    font_size: u32,
    width: u32,
    show_original: bool,
) -> u32 {
    let font = f64::from(font_size.max(8));
    // The panel's padding and the provider's label take some of the width.
    let per_line = (f64::from(width.max(200)) - 40.0).max(font);
    let lines = |scale: f64| -> f64 {
        source
            .lines()
            .map(|l| {
                let ems: f64 = l
                    .chars()
                    .map(|c| if c.is_ascii() { 0.55 } else { 1.0 })
                    .sum();
                (ems * font * scale / per_line).ceil().max(1.0)
            })
            .sum()
    };
    let line_height = 1.45;
    let block = lines(1.0) * font * line_height + 22.0;
    let original = if show_original {
        lines(0.8) * font * 0.8 * line_height + 12.0
    } else {
        0.0
    };
    // The status line and the frame's padding.
    let chrome = 56.0;
    (block * providers.max(1) as f64 + original + chrome).clamp(60.0, 1600.0) as u32
}

/// The overlay's top-left when it covers the region (the "over" mode).
pub fn over(region: Rect, size: (u32, u32), monitor: Rect) -> (i32, i32) {
    let x = clamp_x(region.x, size.0 as i32, monitor);
    let y = region
        .y
        .min(monitor.bottom() - size.1 as i32)
        .max(monitor.y);
    (x, y)
}

fn clamp_x(x: i32, w: i32, monitor: Rect) -> i32 {
    x.min(monitor.right() - w).max(monitor.x)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rect(x: i32, y: i32, width: u32, height: u32) -> Rect {
        Rect {
            x,
            y,
            width,
            height,
        }
    }

    #[test]
    fn a_side_is_kept_while_the_text_grows() {
        // A dialogue box low on a 1920×1080 monitor: 160 px below it, 700 above.
        let dialogue = rect(100, 720, 1280, 200);
        // A short line fits below.
        assert_eq!(choose_side(dialogue, (560, 80), 120, MON, &[]), Side::Below);
        // A long one is expected: above, where it has room, from the start.
        assert_eq!(choose_side(dialogue, (560, 80), 400, MON, &[]), Side::Above);
        // Growing above, the bottom edge stays next to the region; past the room, the height stops.
        let (_, y1, h1) = on_side(dialogue, Side::Above, (560, 100), MON);
        let (_, y2, h2) = on_side(dialogue, Side::Above, (560, 500), MON);
        assert_eq!((y1 + h1 as i32, y2 + h2 as i32), (720 - GAP, 720 - GAP));
        let (_, y3, h3) = on_side(dialogue, Side::Above, (560, 5000), MON);
        assert_eq!((y3, h3), (0, (720 - GAP) as u32));
        // Below, the top edge stays and the height stops at the monitor's edge.
        let (_, y, h) = on_side(dialogue, Side::Below, (560, 5000), MON);
        assert_eq!((y, y + h as i32), (920 + GAP, 1080));
    }

    #[test]
    fn a_region_that_fills_the_monitor_leaves_the_bottom_edge() {
        let all = rect(0, 0, 1920, 1080);
        assert_eq!(choose_side(all, (560, 80), 200, MON, &[]), Side::Inside);
        let (x, y, h) = on_side(all, Side::Inside, (560, 200), MON);
        assert_eq!((x, y, h), (0, 880, 200));
    }

    #[test]
    fn neither_side_holds_the_text_then_the_larger_one() {
        let middle = rect(0, 400, 1920, 300);
        // 392 px above, 372 below; 600 expected: above, the larger.
        assert_eq!(choose_side(middle, (1900, 80), 600, MON, &[]), Side::Above);
    }

    #[test]
    fn a_longer_text_is_expected_taller() {
        let short = expected_height("はい。", 1, 20, 560, false);
        let long = expected_height(&"長い台詞が続いていく。".repeat(20), 1, 20, 560, false);
        let two = expected_height(&"長い台詞が続いていく。".repeat(20), 2, 20, 560, false);
        assert!(short < 150, "{short}");
        // 220 characters of 20 px in 520 px lines: 9 lines.
        assert!(long > 300, "{long}");
        assert!(two > long);
        let latin = expected_height(&"Hello there. ".repeat(20), 1, 20, 560, false);
        assert!(latin < long, "{latin} vs {long}");
        assert!(expected_height("x", 1, 20, 560, true) > expected_height("x", 1, 20, 560, false));
    }

    const MON: Rect = Rect {
        x: 0,
        y: 0,
        width: 1920,
        height: 1080,
    };

    #[test]
    fn beside_keeps_clear_of_the_other_regions_read_at_the_same_time() {
        // A name box over a dialogue box: below the name box is the dialogue, so its overlay goes above.
        let name = Rect {
            x: 100,
            y: 600,
            width: 300,
            height: 50,
        };
        let dialogue = Rect {
            x: 100,
            y: 660,
            width: 1280,
            height: 240,
        };
        assert_eq!(beside(name, (560, 120), MON), (100, 658));
        assert_eq!(
            beside_clear_of(name, (560, 120), MON, &[dialogue]),
            (100, 600 - GAP - 120)
        );
        // Nothing in the way: the usual place.
        assert_eq!(
            beside_clear_of(name, (560, 120), MON, &[]),
            beside(name, (560, 120), MON)
        );
        // Above is taken too (the dialogue's overlay): a one-line overlay goes to the right of the region.
        let taken_above = Rect {
            x: 0,
            y: 400,
            width: 1000,
            height: 190,
        };
        assert_eq!(
            beside_clear_of(name, (560, 50), MON, &[dialogue, taken_above]),
            (400 + GAP, 600)
        );
        // No place is clear: the usual one rather than none.
        let everything = MON;
        assert_eq!(
            beside_clear_of(name, (560, 120), MON, &[everything]),
            beside(name, (560, 120), MON)
        );
    }

    #[test]
    fn below_when_there_is_room() {
        let r = Rect {
            x: 100,
            y: 700,
            width: 1280,
            height: 240,
        };
        assert_eq!(beside(r, (560, 120), MON), (100, 948));
    }

    #[test]
    fn above_when_the_region_is_at_the_bottom() {
        let r = Rect {
            x: 100,
            y: 800,
            width: 1280,
            height: 240,
        };
        assert_eq!(beside(r, (560, 120), MON), (100, 800 - GAP - 120));
    }

    #[test]
    fn inside_the_bottom_edge_when_neither_fits() {
        let r = Rect {
            x: 0,
            y: 50,
            width: 1920,
            height: 1000,
        };
        assert_eq!(beside(r, (560, 120), MON), (0, 960));
    }

    #[test]
    fn kept_on_the_monitor_horizontally() {
        let r = Rect {
            x: 1800,
            y: 100,
            width: 100,
            height: 40,
        };
        assert_eq!(beside(r, (560, 120), MON).0, 1920 - 560);
        // A second monitor to the left, at negative coordinates.
        let left = Rect {
            x: -1280,
            y: 0,
            width: 1280,
            height: 1024,
        };
        let r = Rect {
            x: -1290,
            y: 100,
            width: 200,
            height: 40,
        };
        assert_eq!(beside(r, (560, 120), left), (-1280, 148));
    }

    #[test]
    fn over_covers_the_region() {
        let r = Rect {
            x: 100,
            y: 700,
            width: 1280,
            height: 240,
        };
        assert_eq!(over(r, (1280, 240), MON), (100, 700));
    }
}

/// Maps a rectangle drawn on a monitor's selector page (CSS px) to physical desktop pixels. The page's
/// viewport size gives the ratio when known (robust when GTK's scale and the system's disagree); otherwise
/// `devicePixelRatio`.
pub fn page_to_desktop(
    monitor: Rect,
    css: (f64, f64, f64, f64),
    scale: Option<f64>,
    view: Option<(f64, f64)>,
) -> Rect {
    let (sx, sy) = match view {
        Some((vw, vh)) if vw > 0.0 && vh > 0.0 => (
            f64::from(monitor.width) / vw,
            f64::from(monitor.height) / vh,
        ),
        _ => {
            let s = scale.filter(|s| *s > 0.0).unwrap_or(1.0);
            (s, s)
        }
    };
    let (x, y, w, h) = css;
    let left = (x * sx).round() as i32;
    let top = (y * sy).round() as i32;
    let right = ((x + w) * sx).round() as i32;
    let bottom = ((y + h) * sy).round() as i32;
    let clip = |v: i32, max: u32| v.clamp(0, max as i32);
    // At least one pixel, inside the monitor, even for a drag that starts past its edge.
    let (l, t) = (
        clip(left, monitor.width.saturating_sub(1)),
        clip(top, monitor.height.saturating_sub(1)),
    );
    let (r, b) = (clip(right, monitor.width), clip(bottom, monitor.height));
    Rect {
        x: monitor.x + l,
        y: monitor.y + t,
        width: (r - l).max(1) as u32,
        height: (b - t).max(1) as u32,
    }
}

#[cfg(test)]
mod page_tests {
    use super::*;

    #[test]
    fn css_pixels_become_desktop_pixels() {
        // A 2560×1440 monitor right of a 1920 one, shown by GTK at scale 2 (viewport 1280×720).
        let mon = Rect {
            x: 1920,
            y: 0,
            width: 2560,
            height: 1440,
        };
        let r = page_to_desktop(
            mon,
            (100.0, 50.0, 300.0, 80.0),
            Some(2.0),
            Some((1280.0, 720.0)),
        );
        assert_eq!(
            r,
            Rect {
                x: 1920 + 200,
                y: 100,
                width: 600,
                height: 160
            }
        );
        // Without the viewport size, devicePixelRatio is used.
        let r = page_to_desktop(mon, (100.0, 50.0, 300.0, 80.0), Some(1.5), None);
        assert_eq!(
            r,
            Rect {
                x: 1920 + 150,
                y: 75,
                width: 450,
                height: 120
            }
        );
        // Clipped to the monitor.
        let r = page_to_desktop(
            mon,
            (1200.0, 700.0, 500.0, 500.0),
            None,
            Some((1280.0, 720.0)),
        );
        assert_eq!(
            r,
            Rect {
                x: 1920 + 2400,
                y: 1400,
                width: 160,
                height: 40
            }
        );
    }

    #[test]
    fn mixed_scales_and_negative_origins() {
        // Windows, per-monitor DPI aware (v2): a 150 % 2880×1620 monitor left of and above the primary 100 %
        // 1920×1080 one. WebView2 lays the selector page out in CSS px = physical / 1.5.
        let left = Rect {
            x: -2880,
            y: -300,
            width: 2880,
            height: 1620,
        };
        let drag = (100.0, 200.0, 400.0, 60.0);
        let r = page_to_desktop(left, drag, Some(1.5), Some((1920.0, 1080.0)));
        assert_eq!(
            r,
            Rect {
                x: -2880 + 150,
                y: -300 + 300,
                width: 600,
                height: 90
            }
        );
        // The same drag from devicePixelRatio alone lands on the same pixels.
        assert_eq!(page_to_desktop(left, drag, Some(1.5), None), r);
        // The primary monitor at 100 %: CSS px are physical px.
        let primary = Rect {
            x: 0,
            y: 0,
            width: 1920,
            height: 1080,
        };
        let r = page_to_desktop(primary, drag, Some(1.0), Some((1920.0, 1080.0)));
        assert_eq!(
            r,
            Rect {
                x: 100,
                y: 200,
                width: 400,
                height: 60
            }
        );
        // 125 %: fractional CSS px round to whole pixels without drifting at the far edge.
        let at125 = Rect {
            x: 1920,
            y: -120,
            width: 2560,
            height: 1440,
        };
        let r = page_to_desktop(
            at125,
            (1947.2, 1110.4, 100.8, 41.6),
            Some(1.25),
            Some((2048.0, 1152.0)),
        );
        assert_eq!(
            r,
            Rect {
                x: 1920 + 2434,
                y: -120 + 1388,
                width: 126,
                height: 52
            }
        );
        assert!(r.right() <= at125.right() && r.bottom() <= at125.bottom());
    }

    #[test]
    fn the_region_is_inside_the_frozen_screenshot() {
        // The crop of the frozen monitor image starts at the region minus the monitor's origin: never negative,
        // never past the image, whatever the monitor's origin and the drag (even one past the page's edge).
        let mon = Rect {
            x: -1920,
            y: -1080,
            width: 1920,
            height: 1080,
        };
        for drag in [
            (0.0, 0.0, 10.0, 10.0),
            (-50.0, -50.0, 100.0, 100.0),
            (1900.0, 1060.0, 500.0, 500.0),
            (1950.0, 10.0, 20.0, 20.0),
        ] {
            let r = page_to_desktop(mon, drag, Some(1.0), Some((1920.0, 1080.0)));
            let (cx, cy) = (r.x - mon.x, r.y - mon.y);
            assert!(cx >= 0 && cy >= 0, "{r:?}");
            assert!(cx as u32 + r.width <= mon.width, "{r:?}");
            assert!(cy as u32 + r.height <= mon.height, "{r:?}");
        }
    }
}
