//! Why a capture failed on a Wayland desktop, by what the desktop offers: asked only when a capture has failed
//! there, so the message names the missing component instead of asking for an X11 session.
//!
//! xcap 0.9.8 reads a Wayland screen through GNOME Shell's own screenshot call, else the xdg-desktop-portal
//! Screenshot interface (non-interactive), else wlroots screencopy (sway, Hyprland, niri: no portal and no
//! dialog needed). When all fail, what is missing is either the portal (not running, or its backend offers no
//! Screenshot: xdg-desktop-portal-wlr offers only ScreenCast) or the permission to use it.

use super::CaptureError;
use crate::text::Text;
use std::time::Duration;

/// What a Wayland desktop lacks for ocrlay to read its screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WaylandLack {
    /// No session bus to reach a portal on, and no wlroots screencopy.
    NoBus,
    /// xdg-desktop-portal does not answer on the session bus (not installed, or no backend for this desktop).
    NoPortal,
    /// The portal runs, but its backend offers no Screenshot (xdg-desktop-portal-wlr: ScreenCast only), and the
    /// compositor's wlroots screencopy failed too.
    NoScreenshot,
    /// The Screenshot portal is there and refused or failed (the desktop's permission for ocrlay).
    Refused,
    /// The user declined (or cancelled) the desktop's request to share the screen (ScreenCast portal).
    Declined,
    /// The ScreenCast session or its PipeWire stream failed.
    CastFailed,
}

impl WaylandLack {
    /// The sentence that says it (`capture.err.wayland_*`).
    pub fn key(&self) -> &'static str {
        match self {
            WaylandLack::NoBus => "capture.err.wayland_no_bus",
            WaylandLack::NoPortal => "capture.err.wayland_no_portal",
            WaylandLack::NoScreenshot => "capture.err.wayland_no_screenshot",
            WaylandLack::Refused => "capture.err.wayland_refused",
            WaylandLack::Declined => "capture.err.wayland_declined",
            WaylandLack::CastFailed => "capture.err.wayland_cast_failed",
        }
    }
}

/// The error for a capture that failed on a Wayland desktop with `reason`: what the desktop lacks, asked of
/// the session bus now.
pub fn failed(reason: String) -> CaptureError {
    failed_for(lack(), reason)
}

/// The error for a capture that failed on a Wayland desktop for a known `lack`.
pub fn failed_for(lack: WaylandLack, reason: String) -> CaptureError {
    let word = lack.key().trim_start_matches("capture.err.wayland_");
    crate::probe::emit(crate::probe::Probe::WaylandCaptureFailed { lack: word.into() });
    CaptureError::Wayland { lack, reason }
}

/// What the desktop lacks, asked of the session bus on a thread of its own (a few milliseconds): connecting
/// to a bus that never answers would wait for ever, so after three seconds the portal counts as missing.
#[cfg(target_os = "linux")]
fn lack() -> WaylandLack {
    let (tx, rx) = std::sync::mpsc::channel();
    let asked = std::thread::Builder::new()
        .name("wayland-lack".into())
        .spawn(move || {
            let _ = tx.send(ask_bus());
        });
    if asked.is_err() {
        return WaylandLack::NoPortal;
    }
    rx.recv_timeout(Duration::from_secs(3))
        .unwrap_or(WaylandLack::NoPortal)
}

/// What the desktop lacks, by what its session bus answers.
#[cfg(target_os = "linux")]
fn ask_bus() -> WaylandLack {
    let Ok(conn) = zbus::blocking::connection::Builder::session()
        .and_then(|b| b.method_timeout(Duration::from_secs(2)).build())
    else {
        return WaylandLack::NoBus;
    };
    let version = |iface: &str| {
        zbus::blocking::proxy::Builder::<zbus::blocking::Proxy<'_>>::new(&conn)
            .destination("org.freedesktop.portal.Desktop")
            .and_then(|b| b.path("/org/freedesktop/portal/desktop"))
            .and_then(|b| b.interface(iface.to_string()))
            .map(|b| b.cache_properties(zbus::proxy::CacheProperties::No))
            .and_then(|b| b.build())
            .and_then(|p| p.get_property::<u32>("version"))
            .ok()
    };
    match (
        version("org.freedesktop.portal.Screenshot"),
        version("org.freedesktop.portal.ScreenCast"),
    ) {
        (Some(_), _) => WaylandLack::Refused,
        (None, Some(_)) => WaylandLack::NoScreenshot,
        (None, None) => WaylandLack::NoPortal,
    }
}

/// The interfaces the Wayland compositor offers (its registry's globals): asked before GTK starts (layer-shell?)
/// and before a screen read (wlroots screencopy?).
#[cfg(target_os = "linux")]
pub fn globals() -> Result<Vec<String>, Box<dyn std::error::Error>> {
    use wayland_client::protocol::wl_registry;
    use wayland_client::{Connection, Dispatch, QueueHandle};
    struct Globals(Vec<String>);
    impl Dispatch<wl_registry::WlRegistry, ()> for Globals {
        fn event(
            state: &mut Self,
            _: &wl_registry::WlRegistry,
            event: wl_registry::Event,
            _: &(),
            _: &Connection,
            _: &QueueHandle<Self>,
        ) {
            if let wl_registry::Event::Global { interface, .. } = event {
                state.0.push(interface);
            }
        }
    }
    let conn = Connection::connect_to_env()?;
    let mut queue = conn.new_event_queue();
    conn.display().get_registry(&queue.handle(), ());
    let mut globals = Globals(Vec::new());
    queue.roundtrip(&mut globals)?;
    Ok(globals.0)
}

/// Whether the compositor offers wlroots screencopy (sway, Hyprland, niri, river), which xcap reads the screen
/// with and no dialog; `None` when it could not be asked. Asked once per process.
#[cfg(target_os = "linux")]
pub fn have_screencopy() -> Option<bool> {
    static HAVE: std::sync::OnceLock<Option<bool>> = std::sync::OnceLock::new();
    *HAVE.get_or_init(|| {
        globals()
            .inspect_err(|e| {
                tracing::debug!("cannot ask the Wayland compositor for its globals: {e}")
            })
            .ok()
            .map(|g| g.iter().any(|i| i == "zwlr_screencopy_manager_v1"))
    })
}

#[cfg(not(target_os = "linux"))]
fn lack() -> WaylandLack {
    let _ = Duration::ZERO;
    WaylandLack::NoPortal
}

/// The message of [`CaptureError::Wayland`]: what is missing, what xcap said, and the X11/XWayland way round.
pub fn text(lack: &WaylandLack, reason: &str) -> Text {
    Text::new("capture.err.wayland")
        .with_text("lack", Text::new(lack.key()))
        .with("reason", reason)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_lack_names_the_component_and_the_way_round() {
        for (lack, component) in [
            (WaylandLack::NoBus, "D-Bus"),
            (WaylandLack::NoPortal, "xdg-desktop-portal"),
            (WaylandLack::NoScreenshot, "xdg-desktop-portal-wlr"),
            (WaylandLack::Refused, "permission"),
            (WaylandLack::Declined, "share the screen"),
            (WaylandLack::CastFailed, "PipeWire"),
        ] {
            let en = text(&lack, "no screencopy").render("en");
            assert!(en.contains(component), "{en}");
            assert!(
                en.contains("no screencopy") && en.contains("XWayland"),
                "{en}"
            );
            assert!(!en.contains("{"), "{en}");
            let zh = text(&lack, "no screencopy").render("zh");
            assert!(zh.contains("XWayland") && !zh.contains("{"), "{zh}");
        }
    }
}
