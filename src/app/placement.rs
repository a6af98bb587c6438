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
    let (l, t) = (clip(left, monitor.width), clip(top, monitor.height));
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
}
