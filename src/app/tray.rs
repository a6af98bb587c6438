//! The tray icon and its menu.

use super::event::AppEvent;
use std::sync::Mutex;
use tao::event_loop::EventLoopProxy;
use tray_icon::menu::{Menu, MenuEvent, MenuItem, PredefinedMenuItem};
use tray_icon::{Icon, TrayIcon, TrayIconBuilder};

/// Menu item ids.
pub mod ids {
    /// Select a region and translate it.
    pub const TRANSLATE: &str = "translate";
    /// Translate the last region again.
    pub const REPEAT: &str = "repeat";
    /// Hide/show the overlay.
    pub const TOGGLE_OVERLAY: &str = "toggle_overlay";
    /// Lock/unlock the overlay.
    pub const TOGGLE_LOCK: &str = "toggle_lock";
    /// Open the settings.
    pub const SETTINGS: &str = "settings";
    /// Open the history window.
    pub const HISTORY: &str = "history";
    /// Start/stop auto mode.
    pub const TOGGLE_AUTO: &str = "toggle_auto";
    /// Quit.
    pub const QUIT: &str = "quit";
}

/// A 32×32 icon drawn in code: a rounded blue square with a white "译" stroke-like bar pattern.
fn icon() -> Option<Icon> {
    let size = 32u32;
    let mut rgba = Vec::with_capacity((size * size * 4) as usize);
    for y in 0..size {
        for x in 0..size {
            let (fx, fy) = (x as f32 - 15.5, y as f32 - 15.5);
            let corner = (fx.abs() - 11.0).max(0.0).hypot((fy.abs() - 11.0).max(0.0));
            let inside = corner <= 4.5;
            let bar = (9..=22).contains(&x) && matches!(y, 9..=11 | 15..=17 | 21..=23);
            let px = match (inside, bar) {
                (true, true) => [255, 255, 255, 255],
                (true, false) => [37, 99, 235, 255],
                _ => [0, 0, 0, 0],
            };
            rgba.extend_from_slice(&px);
        }
    }
    Icon::from_rgba(rgba, size, size).ok()
}

/// Whether something on this desktop shows tray icons; `Err` says what is missing. On Linux an icon needs a
/// StatusNotifier host on the session bus (KDE, most desktops; GNOME only with the AppIndicator extension) or
/// an XEmbed system tray; without either, creating one only prints GLib warnings and shows nothing. Windows and
/// macOS always have one.
pub fn host() -> Result<(), String> {
    #[cfg(target_os = "linux")]
    {
        if xembed_tray() || status_notifier_host()? {
            return Ok(());
        }
        return Err("no tray host on this desktop".into());
    }
    #[allow(unreachable_code)]
    Ok(())
}

/// An XEmbed system tray owns `_NET_SYSTEM_TRAY_S<screen>`.
#[cfg(target_os = "linux")]
fn xembed_tray() -> bool {
    use x11rb::connection::Connection as _;
    use x11rb::protocol::xproto::ConnectionExt as _;
    let Ok((conn, screen)) = x11rb::connect(None) else {
        return false;
    };
    let found = (|| -> Option<bool> {
        let name = format!("_NET_SYSTEM_TRAY_S{screen}");
        let atom = conn
            .intern_atom(false, name.as_bytes())
            .ok()?
            .reply()
            .ok()?
            .atom;
        let owner = conn.get_selection_owner(atom).ok()?.reply().ok()?.owner;
        Some(owner != x11rb::NONE)
    })();
    let _ = conn.flush();
    found.unwrap_or(false)
}

/// A StatusNotifier watcher on the session bus; `Err` when there is no session bus at all.
#[cfg(target_os = "linux")]
fn status_notifier_host() -> Result<bool, String> {
    let has_bus = std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_some_and(|a| !a.is_empty())
        || std::env::var_os("XDG_RUNTIME_DIR")
            .is_some_and(|d| std::path::Path::new(&d).join("bus").exists());
    if !has_bus {
        return Err("no D-Bus session".into());
    }
    let conn =
        zbus::blocking::Connection::session().map_err(|e| format!("no D-Bus session ({e})"))?;
    let dbus = zbus::blocking::fdo::DBusProxy::new(&conn).map_err(|e| e.to_string())?;
    let name = zbus::names::BusName::try_from("org.kde.StatusNotifierWatcher")
        .map_err(|e| e.to_string())?;
    Ok(dbus.name_has_owner(name).unwrap_or(false))
}

/// Creates the tray icon (must run on the event-loop thread after it started). `labels` are the menu texts
/// in the UI language.
pub fn create(proxy: EventLoopProxy<AppEvent>, zh: bool) -> Result<TrayIcon, String> {
    host()?;
    let t = |text: crate::text::Text| text.render(if zh { "zh" } else { "en" });
    let menu = Menu::new();
    let items = [
        MenuItem::with_id(
            ids::TRANSLATE,
            t(crate::text::Text::new("tray.translate")),
            true,
            None,
        ),
        MenuItem::with_id(
            ids::REPEAT,
            t(crate::text::Text::new("tray.repeat")),
            true,
            None,
        ),
        MenuItem::with_id(
            ids::TOGGLE_OVERLAY,
            t(crate::text::Text::new("tray.toggle_overlay")),
            true,
            None,
        ),
        MenuItem::with_id(
            ids::TOGGLE_LOCK,
            t(crate::text::Text::new("tray.toggle_lock")),
            true,
            None,
        ),
        MenuItem::with_id(
            ids::TOGGLE_AUTO,
            t(crate::text::Text::new("tray.toggle_auto")),
            true,
            None,
        ),
        MenuItem::with_id(
            ids::HISTORY,
            t(crate::text::Text::new("tray.history")),
            true,
            None,
        ),
        MenuItem::with_id(
            ids::SETTINGS,
            t(crate::text::Text::new("tray.settings")),
            true,
            None,
        ),
    ];
    for item in &items {
        menu.append(item).map_err(|e| e.to_string())?;
    }
    menu.append(&PredefinedMenuItem::separator())
        .map_err(|e| e.to_string())?;
    menu.append(&MenuItem::with_id(
        ids::QUIT,
        t(crate::text::Text::new("tray.quit")),
        true,
        None,
    ))
    .map_err(|e| e.to_string())?;
    let proxy = Mutex::new(proxy);
    MenuEvent::set_event_handler(Some(move |e: MenuEvent| {
        if let Ok(p) = proxy.lock() {
            let _ = p.send_event(AppEvent::Menu(e.id.0.clone()));
        }
    }));
    let mut builder = TrayIconBuilder::new()
        .with_menu(Box::new(menu))
        .with_tooltip("ocrlay");
    if let Some(i) = icon() {
        builder = builder.with_icon(i);
    }
    builder.build().map_err(|e| e.to_string())
}
