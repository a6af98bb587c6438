//! What ocrlay reads on the screen: a [`Target`] (a desktop region, or a region of a program's window that
//! follows the window), and the [`Reader`] that reads it again and again without ever reading ocrlay's own
//! windows. Config (saved regions), the pipeline (jobs, auto mode) and the app all speak of places this way.

use super::{capture_window_part, windows, CaptureError, Rect, RegionReader};
use image::RgbaImage;
use serde::{Deserialize, Serialize};

/// A region bound to a program's window: it moves with the window, and capture reads the window itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WindowBinding {
    /// The window's title when it was bound (used to find it again after a restart).
    pub title: String,
    /// The program's name.
    #[serde(default)]
    pub app: String,
    /// The region inside the window: `[x, y, width, height]` from the window's top-left corner.
    pub offset: [i32; 4],
}

/// A place to read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// This desktop region (where ocrlay's own windows cover it, the window under it).
    Region(Rect),
    /// A region of a program's window, found by its title, wherever the window is now (even under the overlay).
    Window(WindowBinding),
}

/// Reads a [`Target`]: a bound window (found again by title when it restarts), or a desktop region without
/// ever reading ocrlay's own windows over it. Auto mode keeps one across beats.
#[derive(Debug, Default)]
pub struct Reader {
    window_id: Option<u32>,
    region: RegionReader,
    /// Where the bound region was on the desktop at the last read.
    placed: Option<Rect>,
    /// Set when that changed (the window moved); taken by [`Reader::moved`].
    moved: Option<Rect>,
}

impl Reader {
    /// Reads `target` now; `own` is where ocrlay's visible windows are.
    pub fn read(&mut self, target: &Target, own: &[Rect]) -> Result<RgbaImage, CaptureError> {
        let binding = match target {
            Target::Region(region) => return self.region.capture(*region, own),
            Target::Window(b) => b,
        };
        let id = match self.window_id {
            Some(id) => id,
            None => {
                let found = windows()?
                    .into_iter()
                    .find(|w| w.title == binding.title)
                    .ok_or_else(|| CaptureError::BoundWindowMissing(binding.title.clone()))?;
                self.window_id = Some(found.id);
                found.id
            }
        };
        // The region on the desktop now (where the window is, plus the offset), kept inside the window.
        let [ox, oy, w, h] = binding.offset;
        let (img, _, placed) = capture_window_part(id, |rect| Rect {
            x: rect.x + ox.max(0),
            y: rect.y + oy.max(0),
            width: w.max(1) as u32,
            height: h.max(1) as u32,
        })
        .inspect_err(|_| self.window_id = None)?;
        if self.placed != Some(placed) {
            self.placed = Some(placed);
            self.moved = Some(placed);
        }
        // A window read where ocrlay's window covers it shows ocrlay's window unless the system keeps covered
        // content (a compositor on X11).
        self.region.covered(&placed, own)?;
        Ok(img)
    }

    /// Where a bound region went, if its window moved since the last read.
    pub fn moved(&mut self) -> Option<Rect> {
        self.moved.take()
    }
}
