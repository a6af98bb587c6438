//! Screen capture with xcap: monitors, a region of the desktop, and windows.
//!
//! Coordinates are physical desktop pixels: (0, 0) is the top-left of the primary monitor's origin as the
//! windowing system sees it, and every monitor has its own position and scale in that space.

use image::RgbaImage;
use serde::{Deserialize, Serialize};
use std::time::Instant;

/// A rectangle in physical desktop pixels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Rect {
    /// Left edge.
    pub x: i32,
    /// Top edge.
    pub y: i32,
    /// Width (≥ 1 for a usable region).
    pub width: u32,
    /// Height.
    pub height: u32,
}

impl Rect {
    /// Right edge (exclusive).
    pub fn right(&self) -> i32 {
        self.x + self.width as i32
    }

    /// Bottom edge (exclusive).
    pub fn bottom(&self) -> i32 {
        self.y + self.height as i32
    }

    /// Whether a point lies inside.
    pub fn contains(&self, x: i32, y: i32) -> bool {
        x >= self.x && x < self.right() && y >= self.y && y < self.bottom()
    }

    /// The overlap with another rectangle, if any.
    pub fn intersect(&self, other: &Rect) -> Option<Rect> {
        let x = self.x.max(other.x);
        let y = self.y.max(other.y);
        let r = self.right().min(other.right());
        let b = self.bottom().min(other.bottom());
        (r > x && b > y).then(|| Rect {
            x,
            y,
            width: (r - x) as u32,
            height: (b - y) as u32,
        })
    }

    /// Area in pixels.
    pub fn area(&self) -> u64 {
        u64::from(self.width) * u64::from(self.height)
    }
}

/// A monitor as the capture layer sees it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MonitorInfo {
    /// The windowing system's id.
    pub id: u32,
    /// Its name (e.g. `HDMI-1`).
    pub name: String,
    /// Position and size in physical desktop pixels.
    pub rect: Rect,
    /// Scale factor (1.0, 1.5, 2.0…).
    pub scale: f32,
    /// Whether it is the primary monitor.
    pub primary: bool,
}

/// A top-level window another program shows.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WindowInfo {
    /// The windowing system's id.
    pub id: u32,
    /// Title.
    pub title: String,
    /// Program name.
    pub app: String,
    /// Position and size in physical desktop pixels.
    pub rect: Rect,
}

/// Capture failures.
#[derive(Debug, thiserror::Error)]
pub enum CaptureError {
    /// The screen could not be read.
    #[error("cannot capture the screen: {0}. On Linux ocrlay needs an X11 session (or XWayland with DISPLAY set)")]
    Backend(String),
    /// The region lies on no monitor.
    #[error("the region {0:?} is not on any monitor")]
    OffScreen(Rect),
    /// No window has this id any more.
    #[error("the window {0} is gone (closed or restarted); pick it again in settings")]
    WindowGone(u32),
}

fn backend(e: xcap::XCapError) -> CaptureError {
    CaptureError::Backend(e.to_string())
}

/// All monitors.
pub fn monitors() -> Result<Vec<MonitorInfo>, CaptureError> {
    xcap::Monitor::all()
        .map_err(backend)?
        .iter()
        .map(|m| {
            Ok(MonitorInfo {
                id: m.id().map_err(backend)?,
                name: m.name().unwrap_or_default(),
                rect: Rect {
                    x: m.x().map_err(backend)?,
                    y: m.y().map_err(backend)?,
                    width: m.width().map_err(backend)?,
                    height: m.height().map_err(backend)?,
                },
                scale: m.scale_factor().unwrap_or(1.0),
                primary: m.is_primary().unwrap_or(false),
            })
        })
        .collect()
}

/// The whole of one monitor (for the frozen screenshot the region selector shows).
pub fn capture_monitor(id: u32) -> Result<RgbaImage, CaptureError> {
    let m = xcap::Monitor::all()
        .map_err(backend)?
        .into_iter()
        .find(|m| m.id().ok() == Some(id))
        .ok_or(CaptureError::Backend(format!("monitor {id} is gone")))?;
    m.capture_image().map_err(backend)
}

/// The monitor that holds most of a region.
pub fn monitor_for(region: &Rect, monitors: &[MonitorInfo]) -> Option<usize> {
    monitors
        .iter()
        .enumerate()
        .filter_map(|(i, m)| m.rect.intersect(region).map(|r| (i, r.area())))
        .max_by_key(|(_, a)| *a)
        .map(|(i, _)| i)
}

/// Captures a region of the desktop (clipped to the monitor that holds most of it).
pub fn capture_region(region: Rect) -> Result<RgbaImage, CaptureError> {
    let started = Instant::now();
    let all = xcap::Monitor::all().map_err(backend)?;
    let infos = monitors()?;
    let i = monitor_for(&region, &infos).ok_or(CaptureError::OffScreen(region))?;
    let m = &infos[i];
    let clip = m
        .rect
        .intersect(&region)
        .ok_or(CaptureError::OffScreen(region))?;
    let img = all[i]
        .capture_region(
            (clip.x - m.rect.x) as u32,
            (clip.y - m.rect.y) as u32,
            clip.width,
            clip.height,
        )
        .map_err(backend)?;
    tracing::debug!(
        ?region,
        monitor = %m.name,
        ms = started.elapsed().as_millis(),
        "capture"
    );
    Ok(img)
}

/// Visible top-level windows of other programs, front to back.
pub fn windows() -> Result<Vec<WindowInfo>, CaptureError> {
    let mut out = Vec::new();
    for w in xcap::Window::all().map_err(backend)? {
        if w.is_minimized().unwrap_or(false) {
            continue;
        }
        let (Ok(id), Ok(x), Ok(y), Ok(width), Ok(height)) =
            (w.id(), w.x(), w.y(), w.width(), w.height())
        else {
            continue;
        };
        if width < 50 || height < 30 || w.pid().ok() == Some(std::process::id()) {
            continue;
        }
        out.push(WindowInfo {
            id,
            title: w.title().unwrap_or_default(),
            app: w.app_name().unwrap_or_default(),
            rect: Rect {
                x,
                y,
                width,
                height,
            },
        });
    }
    Ok(out)
}

/// Captures a window's own content, even where other windows (such as ocrlay's overlay) cover it.
pub fn capture_window(id: u32) -> Result<(RgbaImage, Rect), CaptureError> {
    let w = xcap::Window::all()
        .map_err(backend)?
        .into_iter()
        .find(|w| w.id().ok() == Some(id))
        .ok_or(CaptureError::WindowGone(id))?;
    let rect = Rect {
        x: w.x().map_err(backend)?,
        y: w.y().map_err(backend)?,
        width: w.width().map_err(backend)?,
        height: w.height().map_err(backend)?,
    };
    Ok((w.capture_image().map_err(backend)?, rect))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mon(x: i32, y: i32, w: u32, h: u32) -> MonitorInfo {
        MonitorInfo {
            id: 0,
            name: String::new(),
            rect: Rect {
                x,
                y,
                width: w,
                height: h,
            },
            scale: 1.0,
            primary: false,
        }
    }

    #[test]
    fn intersections() {
        let a = Rect {
            x: 0,
            y: 0,
            width: 100,
            height: 100,
        };
        let b = Rect {
            x: 50,
            y: 80,
            width: 100,
            height: 100,
        };
        assert_eq!(
            a.intersect(&b),
            Some(Rect {
                x: 50,
                y: 80,
                width: 50,
                height: 20
            })
        );
        let c = Rect {
            x: 100,
            y: 0,
            width: 10,
            height: 10,
        };
        assert_eq!(a.intersect(&c), None);
        assert!(a.contains(99, 99) && !a.contains(100, 0));
    }

    #[test]
    fn the_monitor_holding_most_of_a_region_wins() {
        // A 1920 px monitor and a 2560 px one to its right, the second one scaled.
        let ms = [mon(0, 0, 1920, 1080), mon(1920, -200, 2560, 1440)];
        let r = Rect {
            x: 1800,
            y: 100,
            width: 400,
            height: 50,
        };
        assert_eq!(monitor_for(&r, &ms), Some(1));
        let r = Rect {
            x: 1700,
            y: 100,
            width: 300,
            height: 50,
        };
        assert_eq!(monitor_for(&r, &ms), Some(0));
        let off = Rect {
            x: -500,
            y: -500,
            width: 10,
            height: 10,
        };
        assert_eq!(monitor_for(&off, &ms), None);
    }
}
