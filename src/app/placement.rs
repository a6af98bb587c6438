//! Where the overlay goes: beside the region it translates, on the same monitor, never off screen.

use crate::capture::Rect;

/// Gap between the region and the overlay, in physical pixels.
pub const GAP: i32 = 8;

/// The overlay's top-left for a region: below it, or above when there is no room below, or inside the
/// monitor's bottom edge as a last resort. `size` is the overlay's physical size; `monitor` the monitor that
/// holds the region.
pub fn beside(region: Rect, size: (u32, u32), monitor: Rect) -> (i32, i32) {
    let (w, h) = (size.0 as i32, size.1 as i32);
    let x = clamp_x(region.x, w, monitor);
    let below = region.bottom() + GAP;
    if below + h <= monitor.bottom() {
        return (x, below);
    }
    let above = region.y - GAP - h;
    if above >= monitor.y {
        return (x, above);
    }
    (x, (monitor.bottom() - h).max(monitor.y))
}

/// Like [`beside`], clear of `avoid` (the other regions read at the same time and their overlays): the first of
/// below, above, right of and left of the region that fits on the monitor and covers none of them; where none
/// does, [`beside`]'s place.
pub fn beside_clear_of(
    region: Rect,
    size: (u32, u32),
    monitor: Rect,
    avoid: &[Rect],
) -> (i32, i32) {
    let (w, h) = (size.0 as i32, size.1 as i32);
    let fallback = beside(region, size, monitor);
    if avoid.is_empty() {
        return fallback;
    }
    let x = clamp_x(region.x, w, monitor);
    let y = region.y.min(monitor.bottom() - h).max(monitor.y);
    let candidates = [
        fallback,
        (x, region.bottom() + GAP),
        (x, region.y - GAP - h),
        (region.right() + GAP, y),
        (region.x - GAP - w, y),
    ];
    let fits = |&(x, y): &(i32, i32)| {
        let r = Rect {
            x,
            y,
            width: size.0,
            height: size.1,
        };
        x >= monitor.x
            && y >= monitor.y
            && r.right() <= monitor.right()
            && r.bottom() <= monitor.bottom()
            && r.intersect(&region).is_none()
            && avoid.iter().all(|a| r.intersect(a).is_none())
    };
    candidates.into_iter().find(fits).unwrap_or(fallback)
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
