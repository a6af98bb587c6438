//! ocrlay's windows, one module each: the overlay, the region selectors, the settings and the history. Each
//! owns its window's state, the messages its page sends and receives (see `ui/PROTOCOL.md`), and its opening
//! and closing. They share [`PageWindow`] (a window with a page in it) and [`open`], the one way to open one.

pub mod history;
#[cfg(target_os = "linux")]
pub mod layer;
pub mod overlay;
pub mod selector;
pub mod settings;

use super::event::{AppEvent, Page};
use super::{os, webview};
use crate::capture::Rect;
use serde::Serialize;
use tao::dpi::{LogicalSize, PhysicalPosition, PhysicalSize};
use tao::event_loop::{EventLoopProxy, EventLoopWindowTarget};
use tao::window::{Window, WindowBuilder};
use webview::Shots;
use wry::WebView;

/// The scripts for a page: handed over at once when it is ready, else kept (at most [`PAGE_QUEUE_MAX`], the
/// oldest dropped first) until it says it is.
#[derive(Debug, Default)]
pub struct PageQueue {
    ready: bool,
    waiting: std::collections::VecDeque<String>,
}

impl PageQueue {
    /// `script` to run now (the page is ready), or `None` (kept for later).
    pub fn push(&mut self, script: String) -> Option<String> {
        if self.ready {
            return Some(script);
        }
        // A page that never loads must not hold every status and delta of the session.
        if self.waiting.len() >= PAGE_QUEUE_MAX {
            self.waiting.pop_front();
        }
        self.waiting.push_back(script);
        None
    }

    /// The page is ready: what waited, in order.
    pub fn ready(&mut self) -> Vec<String> {
        self.ready = true;
        self.waiting.drain(..).collect()
    }
}

/// A window with a page in it, and the messages waiting until the page says it is ready.
pub struct PageWindow {
    /// The native window.
    pub window: Window,
    webview: WebView,
    queue: PageQueue,
    /// Screen captures leave this window out (Windows 10 2004+): capture need not keep clear of it.
    pub excluded: bool,
    /// The click-through state last applied to the window (`None` before the first).
    click_through: Option<bool>,
    /// Click-through as last asked for: applied once the window is realised.
    wants_click_through: bool,
    /// The window has been shown, so it is realised: properties that need a realised window (click-through)
    /// can be applied. Before that, tao aborts on Linux (it unwraps the GDK window of an unrealised GTK window
    /// in a callback that cannot unwind), and on Windows the style would be set on a window not yet laid out.
    realized: bool,
    /// The window is a Wayland layer surface (selector or overlay on a compositor with layer-shell), and where
    /// it was put.
    #[cfg(target_os = "linux")]
    layer: Option<Layered>,
}

/// What a window is for, where that decides how the window system must treat it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// The region selector: covers its whole monitor, above everything, takes the keyboard.
    Selector,
    /// The overlay: above other windows, at the place ocrlay chooses.
    Overlay,
}

/// A page window that is a layer surface.
#[cfg(target_os = "linux")]
struct Layered {
    /// Where it is: its output and margins (none before the first placement).
    placed: Option<layer::Placed>,
}

/// Messages kept for a page that is not ready yet; past this the oldest go.
pub const PAGE_QUEUE_MAX: usize = 256;

impl PageWindow {
    /// Click-through on or off: applied now if the window is realised, else when it is first shown (see
    /// [`PageWindow::set_visible`]).
    pub fn set_click_through(&mut self, on: bool) {
        self.wants_click_through = on;
        if self.realized {
            self.apply_click_through();
        }
    }

    /// The click-through asked for, on the realised window. The window's style changes with it (a layered
    /// window on Windows), so the capture exclusion is asked for again and checked.
    fn apply_click_through(&mut self) {
        let on = self.wants_click_through;
        // Set each time it is shown: GTK forgets the input shape when a window is mapped again.
        #[cfg(target_os = "linux")]
        if self.layer.is_some() {
            layer::click_through(&self.window, on);
        } else {
            let _ = self.window.set_ignore_cursor_events(on);
        }
        #[cfg(not(target_os = "linux"))]
        let _ = self.window.set_ignore_cursor_events(on);
        // The exclusion only when the style really changed, not on every show.
        if cfg!(windows) && self.click_through != Some(on) {
            self.excluded = os::exclude_from_capture(&self.window);
        }
        self.click_through = Some(on);
    }

    /// Shows or hides the window. Showing realises it: what waited for that (click-through) is applied.
    pub fn set_visible(&mut self, show: bool) {
        self.window.set_visible(show);
        if show {
            self.realized = true;
            self.apply_click_through();
        }
    }

    /// Whether click-through is on, as asked for (applied, or to be applied when the window is shown).
    pub fn click_through(&self) -> bool {
        self.wants_click_through
    }

    /// Hands `msg` to the page, or keeps it until the page is ready.
    pub fn send<T: Serialize>(&mut self, msg: &T) {
        if let Some(script) = self.queue.push(script_for(msg)) {
            if let Err(e) = self.webview.evaluate_script(&script) {
                tracing::warn!("a page did not take a message: {e}");
            }
        }
    }

    /// The page said it is ready: what waited is handed over.
    pub fn on_ready(&mut self) {
        for script in self.queue.ready() {
            let _ = self.webview.evaluate_script(&script);
        }
    }

    /// Where the window is on the desktop.
    pub fn rect(&self) -> Rect {
        #[cfg(target_os = "linux")]
        if self.layer.is_some() {
            let (x, y) = self.position();
            let size = self.size();
            return Rect {
                x,
                y,
                width: size.width,
                height: size.height,
            };
        }
        window_rect(&self.window)
    }

    /// Puts the window above other topmost windows again, without activating it ([`os::keep_on_top`]).
    pub fn keep_on_top(&self) {
        os::keep_on_top(&self.window);
    }

    /// Whether the window is a Wayland layer surface (see [`layer`]).
    pub fn is_layer(&self) -> bool {
        #[cfg(target_os = "linux")]
        return self.layer.is_some();
        #[cfg(not(target_os = "linux"))]
        false
    }

    /// Desktop pixels per pixel of the page (CSS px): the window's scale factor, or on a layer surface the
    /// ratio of capture's pixels to the output's logical ones.
    pub fn scale_factor(&self) -> f64 {
        #[cfg(target_os = "linux")]
        if let Some(l) = &self.layer {
            return l.placed.as_ref().map_or(1.0, |p| p.map.ratio());
        }
        self.window.scale_factor()
    }

    /// Puts the window's top-left corner at (x, y), desktop pixels.
    pub fn set_position(&mut self, x: i32, y: i32) {
        #[cfg(target_os = "linux")]
        if let Some(l) = &mut self.layer {
            if let Some(p) = layer::place(&self.window, x, y) {
                l.placed = Some(p);
            }
            return;
        }
        self.window.set_outer_position(PhysicalPosition::new(x, y));
    }

    /// Where the window's top-left corner is, desktop pixels.
    pub fn position(&self) -> (i32, i32) {
        #[cfg(target_os = "linux")]
        if let Some(l) = &self.layer {
            return l
                .placed
                .as_ref()
                .map_or((0, 0), |p| p.map.desktop(p.margins));
        }
        let p = self.window.outer_position().unwrap_or_default();
        (p.x, p.y)
    }

    /// Sizes the page's area to `size`, desktop pixels.
    pub fn set_size(&self, size: PhysicalSize<u32>) {
        #[cfg(target_os = "linux")]
        if self.layer.is_some() {
            layer::set_size(&self.window, size, self.scale_factor());
            return;
        }
        self.window.set_inner_size(size);
    }

    /// The page's area, desktop pixels.
    pub fn size(&self) -> PhysicalSize<u32> {
        #[cfg(target_os = "linux")]
        if self.layer.is_some() {
            return layer::size(&self.window, self.scale_factor());
        }
        self.window.inner_size()
    }

    /// Covers the monitor `monitor` (desktop pixels): the selector. A layer surface is anchored to all four
    /// edges of that output, so only the output is chosen.
    pub fn cover(&mut self, monitor: Rect) {
        #[cfg(target_os = "linux")]
        if let Some(l) = &mut self.layer {
            if let Some(map) = layer::cover(&self.window, monitor) {
                l.placed = Some(layer::Placed {
                    map,
                    margins: (0, 0),
                });
            }
            return;
        }
        self.window
            .set_outer_position(PhysicalPosition::new(monitor.x, monitor.y));
        self.window
            .set_inner_size(PhysicalSize::new(monitor.width, monitor.height));
    }

    /// Whether the window takes the keyboard: on a layer surface, keyboard focus on demand or never.
    pub fn set_focusable(&self, on: bool) {
        #[cfg(target_os = "linux")]
        if self.layer.is_some() {
            layer::take_keys(&self.window, on);
        }
        self.window.set_focusable(on);
    }

    /// Brings the window to the front (restored if minimized).
    pub fn bring_forward(&self) {
        self.window.set_visible(true);
        self.window.set_minimized(false);
        self.window.set_focus();
    }
}

/// What [`open`] needs to know of a page window.
pub struct PageSpec<'a> {
    /// The window's settings (title, size, decorations).
    pub builder: WindowBuilder,
    /// The page in `ui/`, e.g. `settings.html`.
    pub page: &'a str,
    /// Which page its messages come from.
    pub kind: Page,
    /// A transparent page (the overlay).
    pub transparent: bool,
    /// Opened centred on the monitor the user is working on (where the pointer is), at this logical size: the
    /// window manager's own placement puts a second window at the top-left corner, over the game.
    pub centred: Option<(f64, f64)>,
    /// The selector or the overlay: a layer surface on Wayland compositors that have layer-shell.
    pub role: Option<Role>,
}

impl PageSpec<'_> {
    /// An ordinary window with a title bar (settings, history): `size` and `min` in logical pixels.
    pub fn framed<'a>(
        title: &str,
        page: &'a str,
        kind: Page,
        size: (f64, f64),
        min: (f64, f64),
    ) -> PageSpec<'a> {
        PageSpec {
            builder: WindowBuilder::new()
                .with_title(title)
                .with_inner_size(LogicalSize::new(size.0, size.1))
                .with_min_inner_size(LogicalSize::new(min.0, min.1)),
            page,
            kind,
            transparent: false,
            centred: Some(size),
            role: None,
        }
    }
}

/// Where a window of logical `size` is centred on the monitor under the pointer (else the primary one).
fn centred_position(
    target: &EventLoopWindowTarget<AppEvent>,
    size: (f64, f64),
) -> Option<tao::dpi::PhysicalPosition<i32>> {
    let monitor = target
        .cursor_position()
        .ok()
        .and_then(|p| target.monitor_from_point(p.x, p.y))
        .or_else(|| target.primary_monitor())?;
    let (at, area, scale) = (monitor.position(), monitor.size(), monitor.scale_factor());
    let w = (size.0 * scale) as i32;
    let h = (size.1 * scale) as i32;
    Some(tao::dpi::PhysicalPosition::new(
        at.x + ((area.width as i32 - w) / 2).max(0),
        at.y + ((area.height as i32 - h) / 2).max(0),
    ))
}

/// Opens a window with its page, left out of ocrlay's own captures where the system allows it.
pub fn open(
    target: &EventLoopWindowTarget<AppEvent>,
    spec: PageSpec<'_>,
    proxy: &EventLoopProxy<AppEvent>,
    shots: &Shots,
) -> anyhow::Result<PageWindow> {
    let builder = match spec.centred.and_then(|size| centred_position(target, size)) {
        Some(at) => spec.builder.with_position(at),
        None => spec.builder,
    };
    let window = builder.build(target)?;
    // A layer surface must be set up before the window is realised: tao built it hidden (unrealised), and
    // the webview does not realise it either.
    #[cfg(target_os = "linux")]
    let layer = spec
        .role
        .filter(|_| layer::supported())
        .filter(|&role| layer::init(&window, role))
        .map(|_| Layered { placed: None });
    #[cfg(target_os = "linux")]
    if layer.is_none() && spec.role.is_some() {
        layer::float_through_xwayland(&window);
    }
    let webview = webview::build(
        &window,
        spec.page,
        spec.kind,
        spec.transparent,
        proxy.clone(),
        shots.clone(),
    )?;
    let excluded = os::exclude_from_capture(&window);
    Ok(PageWindow {
        window,
        webview,
        queue: PageQueue::default(),
        excluded,
        click_through: None,
        wants_click_through: false,
        realized: false,
        #[cfg(target_os = "linux")]
        layer,
    })
}

/// Where a window is on the desktop.
pub fn window_rect(w: &Window) -> Rect {
    let p = w.outer_position().unwrap_or_default();
    // Without a window manager GTK may report no outer size yet: the inner size is then the best guess.
    let (o, i) = (w.outer_size(), w.inner_size());
    Rect {
        x: p.x,
        y: p.y,
        width: o.width.max(i.width),
        height: o.height.max(i.height),
    }
}

/// The script that hands a message to a page. JSON is a valid JS expression, so nothing from OCR or a
/// provider is ever evaluated as code: it arrives as a string field.
pub fn script_for<T: Serialize>(msg: &T) -> String {
    let json = serde_json::to_string(msg).unwrap_or_else(|_| "{}".into());
    format!("window.ocrlay && window.ocrlay.receive({json});")
}

#[cfg(test)]
mod tests {
    use super::overlay::OverlayOut;
    use super::*;
    use serde_json::Value;

    #[test]
    fn hostile_text_stays_inside_a_json_string() {
        let s = script_for(&OverlayOut::Delta {
            job: 1,
            provider: "x".into(),
            text: "</script><script>alert(1)</script>\"); alert(2); (\"".into(),
        });
        assert!(s.starts_with("window.ocrlay && window.ocrlay.receive({"));
        assert!(s.contains(r#"\"); alert(2); (\""#), "{s}");
        // The JSON part parses back to the same text.
        let json = &s["window.ocrlay && window.ocrlay.receive(".len()..s.len() - 2];
        let v: Value = serde_json::from_str(json).unwrap();
        assert_eq!(
            v["text"],
            "</script><script>alert(1)</script>\"); alert(2); (\""
        );
    }

    #[test]
    fn a_page_that_never_says_ready_holds_a_bounded_queue() {
        let mut q = PageQueue::default();
        for i in 0..PAGE_QUEUE_MAX + 50 {
            assert_eq!(q.push(format!("s{i}")), None);
        }
        let waited = q.ready();
        assert_eq!(waited.len(), PAGE_QUEUE_MAX);
        // The oldest went; the newest are kept, in order.
        assert_eq!(waited[0], "s50");
        assert_eq!(waited.last().unwrap(), &format!("s{}", PAGE_QUEUE_MAX + 49));
        // Once ready, scripts run at once and nothing is kept.
        assert_eq!(q.push("now".into()), Some("now".into()));
        assert!(q.ready().is_empty());
    }
}
