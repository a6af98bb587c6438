//! The tray icon and its menu.

use super::event::AppEvent;
use crate::text::Text;
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

/// Why the tray icon failed, in a library's words (shown as they are, inside a sentence of the table).
fn failed(e: impl std::fmt::Display) -> Text {
    Text::new("tray.failed").with("reason", e)
}

/// Whether something on this desktop shows tray icons; `Err` says what is missing. On Linux an icon needs a
/// StatusNotifier host on the session bus (KDE, most desktops; GNOME only with the AppIndicator extension) or
/// an XEmbed system tray; without either, creating one only prints GLib warnings and shows nothing. Windows and
/// macOS always have one.
pub fn host() -> Result<(), Text> {
    #[cfg(target_os = "linux")]
    {
        if xembed_tray() || status_notifier_host()? {
            return Ok(());
        }
        return Err(Text::new("tray.no_host"));
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
fn status_notifier_host() -> Result<bool, Text> {
    let has_bus = std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_some_and(|a| !a.is_empty())
        || std::env::var_os("XDG_RUNTIME_DIR")
            .is_some_and(|d| std::path::Path::new(&d).join("bus").exists());
    if !has_bus {
        return Err(Text::new("tray.no_dbus"));
    }
    let conn = zbus::blocking::Connection::session()
        .map_err(|e| Text::new("tray.no_dbus_reason").with("reason", e))?;
    let dbus = zbus::blocking::fdo::DBusProxy::new(&conn).map_err(failed)?;
    let name = zbus::names::BusName::try_from("org.kde.StatusNotifierWatcher").map_err(failed)?;
    Ok(dbus.name_has_owner(name).unwrap_or(false))
}

/// The tray icon and its menu items with the string-table key each shows (relabelled when the UI language
/// changes).
pub struct Tray {
    /// Kept alive: the icon goes when it is dropped.
    _icon: TrayIcon,
    items: Vec<(MenuItem, &'static str)>,
}

impl Tray {
    /// Shows every menu item in `lang` (`zh` or `en`).
    pub fn relabel(&self, lang: &str) {
        for (item, key) in &self.items {
            item.set_text(Text::new(key).render(lang));
        }
    }
}

/// Creates the tray icon (must run on the event-loop thread after it started), its menu in `lang`.
pub fn create(proxy: EventLoopProxy<AppEvent>, lang: &str) -> Result<Tray, Text> {
    host()?;
    let menu = Menu::new();
    let item = |id: &str, key: &'static str| {
        (
            MenuItem::with_id(id, Text::new(key).render(lang), true, None),
            key,
        )
    };
    let items = vec![
        item(ids::TRANSLATE, "tray.translate"),
        item(ids::REPEAT, "tray.repeat"),
        item(ids::TOGGLE_OVERLAY, "tray.toggle_overlay"),
        item(ids::TOGGLE_LOCK, "tray.toggle_lock"),
        item(ids::TOGGLE_AUTO, "tray.toggle_auto"),
        item(ids::HISTORY, "tray.history"),
        item(ids::SETTINGS, "tray.settings"),
        item(ids::QUIT, "tray.quit"),
    ];
    let (last, rest) = items.split_last().expect("the menu has items");
    for (i, _) in rest {
        menu.append(i).map_err(failed)?;
    }
    menu.append(&PredefinedMenuItem::separator())
        .map_err(failed)?;
    menu.append(&last.0).map_err(failed)?;
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
    Ok(Tray {
        _icon: builder.build().map_err(failed)?,
        items,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Issue 24: the notice of a desktop without a tray icon is all in the UI's language: why (a sentence of
    /// the table, not the English of a `String`), and the command without markdown's backticks.
    #[test]
    fn the_no_tray_notice_reads_in_chinese() {
        let notice = |why: Text| {
            Text::new("status.no_tray")
                .with_text("why", why)
                .with("hotkey", "Alt+Shift+S")
        };
        let zh = notice(Text::new("tray.no_dbus")).render("zh");
        assert!(!zh.contains('`') && !zh.contains("session"), "{zh}");
        assert!(
            zh.contains("D-Bus 会话") && zh.contains("Alt+Shift+S"),
            "{zh}"
        );
        let en = notice(failed("boom")).render("en");
        assert!(!en.contains('`') && en.contains("boom"), "{en}");
    }
}
