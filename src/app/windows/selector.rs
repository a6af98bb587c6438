//! The region selectors: one borderless window per monitor showing that monitor frozen, where the user drags
//! the region to translate. The pages are warmed at start-up so the hotkey shows them at once.

use super::{PageSpec, PageWindow};
use crate::app::event::{AppEvent, Page};
use crate::app::placement;
use crate::app::webview::{self, Shots};
use crate::capture::{self, Frozen, Rect};
use image::RgbaImage;
use serde::{Deserialize, Serialize};
use std::time::Instant;
use tao::dpi::PhysicalSize;
use tao::event_loop::{EventLoopProxy, EventLoopWindowTarget};
use tao::window::{WindowBuilder, WindowId};

/// Selector page → core.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum SelectorIn {
    /// The page can receive messages.
    Ready,
    /// The user chose a rectangle (CSS px of the page).
    Region {
        /// Left.
        x: f64,
        /// Top.
        y: f64,
        /// Width.
        width: f64,
        /// Height.
        height: f64,
        /// `devicePixelRatio`.
        #[serde(default)]
        scale: Option<f64>,
        /// `innerWidth`.
        #[serde(default)]
        view_width: Option<f64>,
        /// `innerHeight`.
        #[serde(default)]
        view_height: Option<f64>,
    },
    /// Esc or right-click.
    Cancel,
    /// The frozen screenshot is on show.
    Shown,
}

/// Core → selector page.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum SelectorOut {
    /// The frozen screenshot to show.
    Shot {
        /// Its `ocrlay://` URL.
        url: String,
        /// `zh` or `en`.
        ui_lang: String,
    },
}

struct Selector {
    page: PageWindow,
    frozen: Option<Frozen>,
    /// The monitor it covers, in physical desktop pixels: its size stays that when the window lands on a
    /// monitor of another scale (Windows would resize it to keep its logical size).
    place: Option<Rect>,
}

/// A region the user chose.
pub struct Chosen {
    /// Where it is on the desktop.
    pub region: Rect,
    /// What it showed when it was chosen (cut from the frozen screen).
    pub image: RgbaImage,
    /// When the hotkey was pressed.
    pub at: Instant,
}

/// The selector windows, and the selection under way.
#[derive(Default)]
pub struct Selectors {
    list: Vec<Selector>,
    /// When the hotkey that started the selection under way was pressed.
    selecting: Option<Instant>,
    /// Each selection's screenshots get new URLs (the page must not show the last one from its cache).
    serial: u64,
}

impl Selectors {
    fn ensure(
        &mut self,
        i: usize,
        target: &EventLoopWindowTarget<AppEvent>,
        proxy: &EventLoopProxy<AppEvent>,
        shots: &Shots,
    ) {
        while self.list.len() <= i {
            let n = self.list.len();
            let builder = WindowBuilder::new()
                .with_title("ocrlay region")
                .with_decorations(false)
                .with_always_on_top(true)
                .with_visible(false)
                .with_inner_size(PhysicalSize::new(800u32, 600u32));
            #[cfg(target_os = "linux")]
            let builder = {
                use tao::platform::unix::WindowBuilderExtUnix;
                builder.with_skip_taskbar(true)
            };
            let spec = PageSpec {
                builder,
                page: "selector.html",
                kind: Page::Selector(n),
                transparent: false,
                centred: None,
                role: Some(super::Role::Selector),
            };
            match super::open(target, spec, proxy, shots) {
                Ok(page) => self.list.push(Selector {
                    page,
                    frozen: None,
                    place: None,
                }),
                Err(e) => {
                    tracing::error!("cannot open the region selector: {e:#}");
                    return;
                }
            }
        }
    }

    /// Opens a selector per monitor, hidden, already at its monitor's place and size: showing it later needs no
    /// relayout.
    pub fn warm(
        &mut self,
        target: &EventLoopWindowTarget<AppEvent>,
        proxy: &EventLoopProxy<AppEvent>,
        shots: &Shots,
    ) {
        let Ok(monitors) = capture::monitors() else {
            return;
        };
        for (i, m) in monitors.iter().enumerate() {
            self.ensure(i, target, proxy, shots);
            if let Some(sel) = self.list.get_mut(i) {
                sel.place = Some(m.rect);
                sel.page.cover(m.rect);
            }
        }
    }

    /// Whether a selection is under way.
    pub fn selecting(&self) -> bool {
        self.selecting.is_some()
    }

    /// Freezes every monitor in a screenshot off the UI thread, after `settle` (ocrlay's overlay was just
    /// hidden and the screen must catch up); [`AppEvent::Shots`] brings them back. A selection under way is not
    /// started again.
    pub fn freeze(
        &mut self,
        at: Instant,
        settle: std::time::Duration,
        proxy: &EventLoopProxy<AppEvent>,
        shots: &Shots,
    ) {
        if self.selecting.is_some() {
            return;
        }
        self.selecting = Some(at);
        let proxy = proxy.clone();
        let shots = shots.clone();
        std::thread::spawn(move || {
            std::thread::sleep(settle);
            let result = capture::freeze_all().inspect(|frozen| {
                for (i, f) in frozen.iter().enumerate() {
                    // Straight to RGB: no copy of the whole RGBA screenshot on the way.
                    let rgb: image::RgbImage = image::buffer::ConvertBuffer::convert(&*f.image);
                    let mut bmp = Vec::new();
                    let _ =
                        rgb.write_to(&mut std::io::Cursor::new(&mut bmp), image::ImageFormat::Bmp);
                    if let Ok(mut s) = shots.lock() {
                        s.insert(format!("{i}.bmp"), bmp);
                    }
                }
            });
            let _ = proxy.send_event(match result {
                Ok(monitors) => AppEvent::Shots { monitors, at },
                Err(e) => AppEvent::ShotsFailed(e),
            });
        });
    }

    /// The screenshots could not be taken: no selection is under way any more.
    pub fn failed(&mut self) {
        self.selecting = None;
    }

    /// Shows the frozen monitors, one selector over each.
    pub fn show(
        &mut self,
        monitors: Vec<Frozen>,
        at: Instant,
        ui_lang: &str,
        target: &EventLoopWindowTarget<AppEvent>,
        proxy: &EventLoopProxy<AppEvent>,
        shots: &Shots,
    ) {
        tracing::debug!(
            ms = at.elapsed().as_millis(),
            monitors = monitors.len(),
            "screens frozen"
        );
        crate::probe::emit(crate::probe::Probe::ScreensFrozen {
            monitors: monitors.len(),
        });
        self.serial += 1;
        for (i, f) in monitors.into_iter().enumerate() {
            self.ensure(i, target, proxy, shots);
            let serial = self.serial;
            let Some(sel) = self.list.get_mut(i) else {
                continue;
            };
            let r = f.monitor.rect;
            sel.place = Some(r);
            sel.page.cover(r);
            let w = &sel.page.window;
            w.set_visible(true);
            w.set_always_on_top(true);
            w.set_focus();
            sel.page.send(&SelectorOut::Shot {
                url: webview::url(&format!("shot/{i}.bmp?n={serial}")),
                ui_lang: ui_lang.to_string(),
            });
            sel.frozen = Some(f);
        }
    }

    /// Hides the selectors; the frozen screens (a full monitor each, served to the pages) are not kept past
    /// the choice.
    pub fn hide(&mut self, shots: &Shots) {
        for s in &mut self.list {
            s.page.window.set_visible(false);
            s.frozen = None;
        }
        let was_selecting = self.selecting.take().is_some();
        let held = shots
            .lock()
            .map(|mut shots| {
                shots.clear();
                shots.len()
            })
            .unwrap_or(0);
        if was_selecting {
            crate::probe::emit(crate::probe::Probe::SelectionEnded { shots_held: held });
        }
    }

    /// A message of selector `i`'s page: the region, when one was chosen.
    pub fn message(&mut self, i: usize, m: SelectorIn, shots: &Shots) -> Option<Chosen> {
        match m {
            SelectorIn::Ready => {
                if let Some(s) = self.list.get_mut(i) {
                    s.page.on_ready();
                }
                crate::probe::emit(crate::probe::Probe::PageReady {
                    page: "selector".into(),
                });
            }
            SelectorIn::Shown => {
                if let Some(at) = self.selecting {
                    tracing::info!(monitor = i, ms = at.elapsed().as_millis(), "selector shown");
                    crate::probe::emit(crate::probe::Probe::SelectorShown { monitor: i });
                }
            }
            SelectorIn::Cancel => {
                tracing::debug!("region selection cancelled");
                self.hide(shots);
            }
            SelectorIn::Region {
                x,
                y,
                width,
                height,
                scale,
                view_width,
                view_height,
            } => {
                let frozen = self.list.get(i).and_then(|s| s.frozen.clone());
                // The job's time counts from the mouse-up: the time spent dragging is the user's, not ocrlay's.
                let at = Instant::now();
                self.hide(shots);
                let frozen = frozen?;
                let view = view_width.zip(view_height);
                let region = placement::page_to_desktop(
                    frozen.monitor.rect,
                    (x, y, width, height),
                    scale,
                    view,
                );
                tracing::debug!(?region, monitor = %frozen.monitor.name, "region selected");
                let image = frozen.crop(region)?;
                return Some(Chosen { region, image, at });
            }
        }
        None
    }

    /// A selector moved onto a monitor of another scale keeps covering its monitor exactly: the size it must
    /// keep, if `id` is a selector.
    pub fn keep_size(&self, id: WindowId) -> Option<PhysicalSize<u32>> {
        self.list
            .iter()
            .find(|s| s.page.window.id() == id && !s.page.is_layer())
            .and_then(|s| s.place)
            .map(|r| PhysicalSize::new(r.width, r.height))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn selector_region_with_and_without_view_size() {
        let m: SelectorIn = serde_json::from_str(
            r#"{"type":"region","x":10,"y":20,"width":300,"height":80,"scale":1.5,"view_width":1280,"view_height":720}"#,
        )
        .unwrap();
        assert!(matches!(m, SelectorIn::Region { view_width: Some(w), .. } if w == 1280.0));
        let m: SelectorIn =
            serde_json::from_str(r#"{"type":"region","x":1,"y":2,"width":3,"height":4}"#).unwrap();
        assert!(matches!(m, SelectorIn::Region { scale: None, .. }));
        let m: SelectorIn = serde_json::from_str(r#"{"type":"cancel"}"#).unwrap();
        assert_eq!(m, SelectorIn::Cancel);
    }
}
