//! Wayland layer-shell for the region selector and the overlay. On a compositor with wlr-layer-shell (sway,
//! Hyprland, KWin, niri) an ordinary window is placed by the compositor (tiled, or wherever it likes) and may
//! not ask for a place or to stay on top; a layer surface on the overlay layer may. The selector covers its
//! output (all four anchors) and takes the keyboard (so Esc reaches it); the overlay is anchored top-left, its
//! margins being the place ocrlay chose, and takes no input at all when locked (an empty input region).
//!
//! gtk-layer-shell must set a window up before GTK realises it: tao builds its GTK window hidden and realises it
//! only when it is first shown, so [`init`] runs between `WindowBuilder::build` and the first show.
//!
//! Coordinates: ocrlay's regions are in the desktop pixels capture reports; a layer surface's margins are in the
//! output's logical pixels (the compositor's layout, divided by the output's scale). [`OutputMap`] pairs each
//! monitor as capture sees it with the same output as GDK lays it out, and converts between the two.

use super::Role;
use crate::capture::{MonitorInfo, Rect};
use gtk::prelude::*;
use gtk_layer_shell::{self as gls, LayerShell};
use tao::dpi::{LogicalSize, PhysicalSize};
use tao::platform::unix::WindowExtUnix;
use tao::window::Window;

/// Whether ocrlay's selector and overlay can be layer surfaces here: GTK runs on Wayland and the compositor
/// offers wlr-layer-shell (GNOME's mutter does not). Needs GTK to be initialised (the event loop exists).
pub fn supported() -> bool {
    let wayland = gtk::gdk::Display::default()
        .map(|d| d.type_().name() == "GdkWaylandDisplay")
        .unwrap_or(false);
    wayland && gls::is_supported()
}

/// Through XWayland on a Wayland desktop (GNOME's mutter, or a user's `GDK_BACKEND=x11`), marks the selector
/// or the overlay as a utility window before it is first shown: a tiling compositor (sway) floats it at the
/// place ocrlay gives it instead of tiling it, and a window resized by the compositor at map time left its
/// page stuck at its first frame (WebKitGTK 2.50 through XWayland, seen under sway). A plain X11 session keeps
/// its windows as they were.
pub fn float_through_xwayland(window: &Window) {
    let x11 = gtk::gdk::Display::default()
        .map(|d| d.type_().name() == "GdkX11Display")
        .unwrap_or(false);
    let wayland = std::env::var_os("WAYLAND_DISPLAY").is_some_and(|v| !v.is_empty());
    let w = window.gtk_window();
    if x11 && wayland && !w.is_realized() {
        w.set_type_hint(gtk::gdk::WindowTypeHint::Utility);
    }
}

/// Makes `window` a layer surface for `role`. Must run before the window is first shown (realised); returns
/// false (and the window stays an ordinary one) when it is too late.
pub fn init(window: &Window, role: Role) -> bool {
    let w = window.gtk_window();
    if w.is_realized() {
        tracing::warn!(
            ?role,
            "the window is realised already: it cannot become a layer surface"
        );
        return false;
    }
    w.init_layer_shell();
    w.set_layer(gls::Layer::Overlay);
    match role {
        Role::Selector => {
            w.set_namespace("ocrlay-selector");
            for edge in [
                gls::Edge::Left,
                gls::Edge::Right,
                gls::Edge::Top,
                gls::Edge::Bottom,
            ] {
                w.set_anchor(edge, true);
            }
            // Over panels and bars too (they reserve exclusive zones), and the keyboard is ours while it shows.
            w.set_exclusive_zone(-1);
            w.set_keyboard_mode(gls::KeyboardMode::Exclusive);
        }
        Role::Overlay => {
            w.set_namespace("ocrlay-overlay");
            w.set_anchor(gls::Edge::Left, true);
            w.set_anchor(gls::Edge::Top, true);
            w.set_keyboard_mode(gls::KeyboardMode::None);
        }
    }
    // The overlay's (transparent) page stays blank after the surface's first map: WebKitGTK paints it only once
    // it is mapped a second time (seen under sway 1.7 with WebKitGTK 2.50; the selector's opaque page paints at
    // once). So its first map is followed at once by an unmap and a map.
    let once = std::cell::Cell::new(role == Role::Overlay);
    w.connect_map_event(move |w, _| {
        if once.replace(false) {
            let w = w.clone();
            gtk::glib::idle_add_local_once(move || {
                if w.is_visible() {
                    w.hide();
                    w.show_all();
                }
            });
        }
        gtk::glib::Propagation::Proceed
    });
    tracing::debug!(?role, "layer surface");
    true
}

/// The outputs as GDK lays them out (logical pixels), in GDK's order, with their monitors.
fn gdk_outputs() -> Vec<(gtk::gdk::Monitor, Rect)> {
    let Some(display) = gtk::gdk::Display::default() else {
        return Vec::new();
    };
    (0..display.n_monitors())
        .filter_map(|i| display.monitor(i))
        .map(|m| {
            let g = m.geometry();
            let r = Rect {
                x: g.x(),
                y: g.y(),
                width: g.width().max(0) as u32,
                height: g.height().max(0) as u32,
            };
            (m, r)
        })
        .collect()
}

/// One output as capture sees it and as the compositor lays it out.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct OutputMap {
    /// The monitor in capture's desktop pixels (the pixels regions are in).
    pub capture: Rect,
    /// The same output in the compositor's logical pixels (what layer-shell margins and sizes are in).
    pub logical: Rect,
}

impl OutputMap {
    /// Desktop pixels per logical pixel (1.5 on an output scaled 150 % when capture counts physical pixels, 1
    /// when it counts logical ones).
    pub fn ratio(&self) -> f64 {
        if self.logical.width == 0 || self.capture.width == 0 {
            return 1.0;
        }
        f64::from(self.capture.width) / f64::from(self.logical.width)
    }

    /// A point of the desktop as margins from the output's top-left corner (logical pixels), kept on the output.
    pub fn margins(&self, x: i32, y: i32) -> (i32, i32) {
        let r = self.ratio();
        let mx = (f64::from(x - self.capture.x) / r).round() as i32;
        let my = (f64::from(y - self.capture.y) / r).round() as i32;
        (
            mx.clamp(0, self.logical.width as i32),
            my.clamp(0, self.logical.height as i32),
        )
    }

    /// Margins of the output back to a point of the desktop.
    pub fn desktop(&self, margins: (i32, i32)) -> (i32, i32) {
        let r = self.ratio();
        (
            self.capture.x + (f64::from(margins.0) * r).round() as i32,
            self.capture.y + (f64::from(margins.1) * r).round() as i32,
        )
    }
}

/// Pairs capture's monitors with GDK's outputs: both sorted by where they sit (left to right, top to bottom),
/// since their own orders need not agree; `None` where the counts differ and only one monitor each cannot
/// settle it.
pub fn pair(capture: &[Rect], logical: &[Rect]) -> Option<Vec<(usize, usize)>> {
    if capture.len() != logical.len() || capture.is_empty() {
        return None;
    }
    let order = |rects: &[Rect]| {
        let mut idx: Vec<usize> = (0..rects.len()).collect();
        idx.sort_by_key(|&i| (rects[i].x, rects[i].y));
        idx
    };
    Some(order(capture).into_iter().zip(order(logical)).collect())
}

/// Where a layer surface is: its output and its margins there.
#[derive(Debug, Clone)]
pub struct Placed {
    /// The output it is on.
    pub map: OutputMap,
    /// Left and top margins, logical pixels.
    pub margins: (i32, i32),
}

/// The output that holds most of `region` (desktop pixels), with its GDK monitor; the first output when none
/// does (or capture cannot list its monitors).
fn output_for(region: Rect, monitors: &[MonitorInfo]) -> Option<(gtk::gdk::Monitor, OutputMap)> {
    let outputs = gdk_outputs();
    let capture: Vec<Rect> = monitors.iter().map(|m| m.rect).collect();
    let logical: Vec<Rect> = outputs.iter().map(|(_, r)| *r).collect();
    let pairs = pair(&capture, &logical);
    let i = crate::capture::monitor_for(&region, monitors).unwrap_or(0);
    match pairs {
        Some(pairs) => {
            let (c, l) = pairs.into_iter().find(|(c, _)| *c == i)?;
            Some((
                outputs[l].0.clone(),
                OutputMap {
                    capture: capture[c],
                    logical: logical[l],
                },
            ))
        }
        // Capture lists no monitors (or another count): logical pixels are taken as desktop pixels.
        None => outputs.first().map(|(m, r)| {
            (
                m.clone(),
                OutputMap {
                    capture: *r,
                    logical: *r,
                },
            )
        }),
    }
}

/// Puts the selector on the output of `monitor` (capture's), covering it.
pub fn cover(window: &Window, monitor: Rect) -> Option<OutputMap> {
    let monitors = crate::capture::monitors().unwrap_or_default();
    let (m, map) = output_for(monitor, &monitors)?;
    window.gtk_window().set_monitor(&m);
    Some(map)
}

/// Puts the overlay's top-left corner at (x, y), desktop pixels, on the output that holds that point.
pub fn place(window: &Window, x: i32, y: i32) -> Option<Placed> {
    let monitors = crate::capture::monitors().unwrap_or_default();
    let point = Rect {
        x,
        y,
        width: 1,
        height: 1,
    };
    let (m, map) = output_for(point, &monitors)?;
    let margins = map.margins(x, y);
    let w = window.gtk_window();
    w.set_monitor(&m);
    w.set_layer_shell_margin(gls::Edge::Left, margins.0);
    w.set_layer_shell_margin(gls::Edge::Top, margins.1);
    tracing::debug!(x, y, ?margins, ?map, "overlay layer surface placed");
    Some(Placed { map, margins })
}

/// Sizes the surface to `size` desktop pixels on an output of desktop-to-logical `ratio`.
pub fn set_size(window: &Window, size: PhysicalSize<u32>, ratio: f64) {
    let logical = LogicalSize::new(
        (f64::from(size.width) / ratio).round().max(1.0),
        (f64::from(size.height) / ratio).round().max(1.0),
    );
    window.set_inner_size(logical);
}

/// The surface's size in desktop pixels on an output of desktop-to-logical `ratio`.
pub fn size(window: &Window, ratio: f64) -> PhysicalSize<u32> {
    let (w, h) = window.gtk_window().size();
    PhysicalSize::new(
        (f64::from(w) * ratio).round() as u32,
        (f64::from(h) * ratio).round() as u32,
    )
}

/// Click-through on a layer surface: an empty input region (the pointer reaches what is under it), or the
/// whole surface again. Needs the realised window.
pub fn click_through(window: &Window, on: bool) {
    let w = window.gtk_window();
    let Some(gdk) = w.window() else {
        return;
    };
    if on {
        gdk.input_shape_combine_region(&gtk::cairo::Region::create(), 0, 0);
    } else {
        w.input_shape_combine_region(None);
    }
}

/// Whether the overlay takes the keyboard (while the user corrects the recognised text) or never.
pub fn take_keys(window: &Window, on: bool) {
    let mode = if on {
        gls::KeyboardMode::OnDemand
    } else {
        gls::KeyboardMode::None
    };
    window.gtk_window().set_keyboard_mode(mode);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(x: i32, y: i32, width: u32, height: u32) -> Rect {
        Rect {
            x,
            y,
            width,
            height,
        }
    }

    #[test]
    fn a_scaled_output_maps_desktop_pixels_to_margins_and_back() {
        // sway `output HEADLESS-1 scale 1.5` on 1920x1080: 1280x720 logical; capture in physical pixels.
        let map = OutputMap {
            capture: r(0, 0, 1920, 1080),
            logical: r(0, 0, 1280, 720),
        };
        assert_eq!(map.ratio(), 1.5);
        assert_eq!(map.margins(300, 600), (200, 400));
        assert_eq!(map.desktop((200, 400)), (300, 600));
        // Off the output: kept on it.
        assert_eq!(map.margins(-50, 5000), (0, 720));
    }

    #[test]
    fn a_second_output_counts_from_its_own_corner() {
        let map = OutputMap {
            capture: r(1920, 0, 2560, 1440),
            logical: r(1280, 0, 1280, 720),
        };
        assert_eq!(map.ratio(), 2.0);
        assert_eq!(map.margins(1920 + 400, 100), (200, 50));
        assert_eq!(map.desktop((200, 50)), (2320, 100));
    }

    #[test]
    fn outputs_pair_by_place_not_by_list_order() {
        let capture = [r(1920, 0, 1920, 1080), r(0, 0, 1920, 1080)];
        let logical = [r(0, 0, 1280, 720), r(1280, 0, 1280, 720)];
        assert_eq!(pair(&capture, &logical), Some(vec![(1, 0), (0, 1)]));
        assert_eq!(pair(&capture, &logical[..1]), None);
        assert_eq!(pair(&[], &[]), None);
    }

    #[test]
    fn an_empty_output_does_not_divide_by_zero() {
        let map = OutputMap {
            capture: r(0, 0, 0, 0),
            logical: r(0, 0, 0, 0),
        };
        assert_eq!(map.ratio(), 1.0);
    }
}
