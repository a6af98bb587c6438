//! Global shortcuts on Wayland through the xdg-desktop-portal GlobalShortcuts interface (KDE Plasma 5.27+,
//! GNOME 48+, Hyprland): ocrlay proposes its keys, the desktop binds them (asking the user once) and says which
//! keys it bound, and a press arrives as the portal's `Activated` signal.
//!
//! The interface is four calls and two signals on the session bus, spoken here with zbus (in the tree already)
//! as the portal documents them: `CreateSession`, `BindShortcuts` (whose answer lists the keys bound),
//! `Activated`, `ShortcutsChanged`; each call answers through a `org.freedesktop.portal.Request` object's
//! `Response` signal. Everything runs on threads of its own: binding may wait for the user's answer to the
//! desktop's dialog. What happens reaches the event loop as [`AppEvent::Portal`] and [`AppEvent::Hotkey`].

use super::event::HotkeyAction;
use crate::text::Text;
use global_hotkey::hotkey::{Code, HotKey, Modifiers};
use std::collections::BTreeMap;

#[cfg(target_os = "linux")]
pub use bus::Portal;
#[cfg(not(target_os = "linux"))]
pub use elsewhere::Portal;

/// The portal interface.
pub const IFACE: &str = "org.freedesktop.portal.GlobalShortcuts";

/// One shortcut ocrlay asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Wanted {
    /// Its id: the setting's name (`select_region`…).
    pub id: String,
    /// What it does, in the UI's language (the desktop shows it in its shortcut settings).
    pub description: String,
    /// The keys ocrlay proposes, in the shortcuts specification's form (`ALT+q`); none when the setting is
    /// empty (the desktop may still bind one).
    pub preferred: Option<String>,
    /// What a press does.
    pub action: HotkeyAction,
}

/// What the portal did, for the event loop.
#[derive(Debug, Clone, PartialEq)]
pub enum PortalNews {
    /// The desktop offers no GlobalShortcuts portal (or no session bus): keys are bound in its own settings.
    Unavailable(Text),
    /// The desktop bound these keys: setting name → the keys as the desktop describes them (an empty
    /// description: the shortcut is registered and has no key yet).
    Bound(BTreeMap<String, String>),
    /// The user refused, or binding failed.
    Failed(Text),
}

/// The portal on the session bus (zbus), Linux only.
#[cfg(target_os = "linux")]
mod bus {
    use super::{PortalNews, Wanted, IFACE};
    use crate::app::event::{AppEvent, HotkeyAction};
    use crate::text::Text;
    use std::collections::{BTreeMap, HashMap};
    use std::sync::{Arc, Mutex};
    use std::time::{Duration, Instant};
    use tao::event_loop::EventLoopProxy;
    use zbus::blocking::{Connection, MessageIterator, Proxy};
    use zbus::zvariant::{DeserializeDict, OwnedObjectPath, OwnedValue, Type, Value};

    const DEST: &str = "org.freedesktop.portal.Desktop";
    const PATH: &str = "/org/freedesktop/portal/desktop";

    /// How long a portal call may take before ocrlay stops waiting (not the calls that wait for the user:
    /// their answer comes as a signal, which is waited for without a limit).
    const CALL_TIMEOUT: Duration = Duration::from_secs(25);

    /// How long the bus and the portal may take to say whether the portal is there.
    const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

    /// What the binding thread and the signal thread share.
    #[derive(Default)]
    struct Shared {
        /// The bus, once the portal said it offers the interface.
        conn: Option<Connection>,
        /// The session shortcuts are bound in now.
        session: Option<OwnedObjectPath>,
        /// The actions of that session's shortcuts, by id.
        actions: HashMap<String, HotkeyAction>,
        /// Shortcuts asked for before the portal answered (bound as soon as it does).
        pending: Option<Vec<Wanted>>,
    }

    /// Global shortcuts through the portal. Dropping it leaves the threads waiting on the bus; the session ends
    /// with the process.
    pub struct Portal {
        shared: Arc<Mutex<Shared>>,
        proxy: Arc<Mutex<EventLoopProxy<AppEvent>>>,
    }

    impl Portal {
        /// Asks the portal on the session bus, on a thread of its own, whether it offers GlobalShortcuts; when it
        /// does, binds `wanted` and listens for presses. The answer comes back as [`AppEvent::Portal`].
        pub fn start(proxy: EventLoopProxy<AppEvent>, wanted: Vec<Wanted>) -> Portal {
            let shared = Arc::new(Mutex::new(Shared {
                pending: Some(wanted),
                ..Shared::default()
            }));
            let proxy = Arc::new(Mutex::new(proxy));
            let portal = Portal {
                shared: shared.clone(),
                proxy: proxy.clone(),
            };
            let spawned = std::thread::Builder::new()
                .name("portal-shortcuts".into())
                .spawn(move || {
                    // Connecting to a bus that never answers would wait for ever, and ocrlay grabs no key
                    // while it asks: after a while the portal counts as missing (the grabs then apply).
                    let (tx, rx) = std::sync::mpsc::channel();
                    std::thread::spawn(move || {
                        let _ = tx.send(connect());
                    });
                    let answer = rx.recv_timeout(CONNECT_TIMEOUT).unwrap_or_else(|_| {
                        Err(Text::new("hotkey.portal_missing")
                            .with("reason", "the session bus does not answer"))
                    });
                    let conn = match answer {
                        Ok(c) => c,
                        Err(why) => {
                            tracing::info!("no GlobalShortcuts portal: {why}");
                            return send(&proxy, AppEvent::Portal(PortalNews::Unavailable(why)));
                        }
                    };
                    // Subscribed before anything is bound, so that no press is missed.
                    let signals = match listen(&conn) {
                        Ok(s) => s,
                        Err(e) => {
                            let why = Text::new("hotkey.portal_failed").with("reason", e);
                            return send(&proxy, AppEvent::Portal(PortalNews::Unavailable(why)));
                        }
                    };
                    let pending = match shared.lock() {
                        Ok(mut s) => {
                            s.conn = Some(conn.clone());
                            s.pending.take()
                        }
                        Err(_) => return,
                    };
                    if let Some(wanted) = pending {
                        spawn_bind(conn, shared.clone(), proxy.clone(), wanted);
                    }
                    dispatch(signals, &shared, &proxy);
                });
            if let Err(e) = spawned {
                tracing::warn!("the portal thread did not start: {e}");
            }
            portal
        }

        /// Binds `wanted` in a new session (the settings changed); the old session is closed.
        pub fn bind(&self, wanted: Vec<Wanted>) {
            let conn = match self.shared.lock() {
                Ok(mut s) => match s.conn.clone() {
                    Some(c) => c,
                    None => {
                        // The portal has not answered yet: bound when it does.
                        s.pending = Some(wanted);
                        return;
                    }
                },
                Err(_) => return,
            };
            spawn_bind(conn, self.shared.clone(), self.proxy.clone(), wanted);
        }
    }

    fn send(proxy: &Mutex<EventLoopProxy<AppEvent>>, event: AppEvent) {
        if let Ok(p) = proxy.lock() {
            let _ = p.send_event(event);
        }
    }

    /// The session bus, once the portal said it offers GlobalShortcuts (its `version` property).
    fn connect() -> Result<Connection, Text> {
        let conn = zbus::blocking::connection::Builder::session()
            .and_then(|b| b.method_timeout(CALL_TIMEOUT).build())
            .map_err(|e| Text::new("hotkey.portal_no_bus").with("reason", e))?;
        // No property cache: it would ask for every property first, and warn where there is no portal.
        let version = zbus::blocking::proxy::Builder::<Proxy<'_>>::new(&conn)
            .destination(DEST)
            .and_then(|b| b.path(PATH))
            .and_then(|b| b.interface(IFACE))
            .map(|b| b.cache_properties(zbus::proxy::CacheProperties::No))
            .and_then(|b| b.build())
            .and_then(|p| p.get_property::<u32>("version"));
        match version {
            Ok(v) => {
                tracing::info!(version = v, "the desktop offers the GlobalShortcuts portal");
                Ok(conn)
            }
            Err(e) => Err(Text::new("hotkey.portal_missing").with("reason", e)),
        }
    }

    /// Every signal of the GlobalShortcuts interface, in order.
    fn listen(conn: &Connection) -> zbus::Result<MessageIterator> {
        let rule = zbus::MatchRule::builder()
            .msg_type(zbus::message::Type::Signal)
            .interface(IFACE)?
            .path(PATH)?
            .build();
        MessageIterator::for_match_rule(rule, conn, None)
    }

    /// A shortcut as the portal describes it (`a{sv}` of `BindShortcuts`' answer and `ShortcutsChanged`).
    #[derive(Debug, Default, DeserializeDict, Type)]
    #[zvariant(signature = "dict")]
    struct Described {
        trigger_description: Option<String>,
    }

    /// The results of `BindShortcuts`.
    #[derive(Debug, Default, DeserializeDict, Type)]
    #[zvariant(signature = "dict")]
    struct BindResults {
        shortcuts: Option<Vec<(String, Described)>>,
    }

    /// The results of `CreateSession`.
    #[derive(Debug, Default, DeserializeDict, Type)]
    #[zvariant(signature = "dict")]
    struct SessionResults {
        session_handle: Option<String>,
    }

    /// Presses and changes, until the bus goes away.
    fn dispatch(
        signals: MessageIterator,
        shared: &Mutex<Shared>,
        proxy: &Mutex<EventLoopProxy<AppEvent>>,
    ) {
        for msg in signals {
            let Ok(msg) = msg else { continue };
            let header = msg.header();
            let Some(member) = header.member().map(|m| m.to_string()) else {
                continue;
            };
            let ours = |session: &OwnedObjectPath| {
                shared
                    .lock()
                    .ok()
                    .and_then(|s| s.session.clone())
                    .is_some_and(|mine| mine.as_str() == session.as_str())
            };
            match member.as_str() {
                "Activated" => {
                    let at = Instant::now();
                    type Activated = (OwnedObjectPath, String, u64, HashMap<String, OwnedValue>);
                    let Ok((session, id, _, _)) = msg.body().deserialize::<Activated>() else {
                        continue;
                    };
                    if !ours(&session) {
                        continue;
                    }
                    let action = shared.lock().ok().and_then(|s| s.actions.get(&id).copied());
                    if let Some(action) = action {
                        tracing::debug!(shortcut = %id, ?action, "portal shortcut pressed");
                        send(proxy, AppEvent::Hotkey { action, at });
                    }
                }
                "ShortcutsChanged" => {
                    type Changed = (OwnedObjectPath, Vec<(String, Described)>);
                    if let Ok((session, shortcuts)) = msg.body().deserialize::<Changed>() {
                        if ours(&session) {
                            send(
                                proxy,
                                AppEvent::Portal(PortalNews::Bound(described(shortcuts))),
                            );
                        }
                    }
                }
                _ => {}
            }
        }
        tracing::info!("the session bus went away: portal shortcuts end");
    }

    fn described(shortcuts: Vec<(String, Described)>) -> BTreeMap<String, String> {
        shortcuts
            .into_iter()
            .map(|(id, d)| (id, d.trigger_description.unwrap_or_default()))
            .collect()
    }

    fn spawn_bind(
        conn: Connection,
        shared: Arc<Mutex<Shared>>,
        proxy: Arc<Mutex<EventLoopProxy<AppEvent>>>,
        wanted: Vec<Wanted>,
    ) {
        let spawned = std::thread::Builder::new()
            .name("portal-bind".into())
            .spawn(move || {
                let news = match bind(&conn, &shared, &wanted) {
                    Ok(bound) => PortalNews::Bound(bound),
                    Err(why) => PortalNews::Failed(why),
                };
                send(&proxy, AppEvent::Portal(news));
            });
        if let Err(e) = spawned {
            tracing::warn!("the portal binding thread did not start: {e}");
        }
    }

    /// A token for a request or session handle: unique in this process.
    fn token() -> String {
        use std::sync::atomic::{AtomicU32, Ordering};
        static NEXT: AtomicU32 = AtomicU32::new(0);
        format!(
            "ocrlay_{}_{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        )
    }

    /// Calls `method` with a request `handle_token` put in its options by `args`, and waits for the request's
    /// `Response`: the results when the user (or the desktop) accepted.
    fn request<R>(
        conn: &Connection,
        method: &str,
        args: impl FnOnce(Value<'static>) -> zbus::Result<()>,
    ) -> Result<R, Text>
    where
        R: Type + serde::de::DeserializeOwned,
    {
        let failed = |e: zbus::Error| Text::new("hotkey.portal_failed").with("reason", e);
        let token = token();
        let sender = conn
            .unique_name()
            .map(|n| n.trim_start_matches(':').replace('.', "_"))
            .unwrap_or_default();
        let path = format!("{PATH}/request/{sender}/{token}");
        let request = Proxy::new(conn, DEST, path.as_str(), "org.freedesktop.portal.Request")
            .map_err(failed)?;
        // Subscribed before the call: the answer may come at once.
        let mut responses = request.receive_signal("Response").map_err(failed)?;
        args(Value::from(token)).map_err(failed)?;
        let Some(answer) = responses.next() else {
            return Err(failed(zbus::Error::Failure(format!(
                "no answer to {method}"
            ))));
        };
        let (code, results): (u32, R) = answer.body().deserialize().map_err(failed)?;
        match code {
            0 => Ok(results),
            1 => Err(Text::new("hotkey.portal_refused")),
            _ => Err(failed(zbus::Error::Failure(format!(
                "{method} ended ({code})"
            )))),
        }
    }

    /// Creates a session and binds `wanted` in it: the keys the desktop bound, by setting name.
    fn bind(
        conn: &Connection,
        shared: &Mutex<Shared>,
        wanted: &[Wanted],
    ) -> Result<BTreeMap<String, String>, Text> {
        let failed = |e: zbus::Error| Text::new("hotkey.portal_failed").with("reason", e);
        let portal = Proxy::new(conn, DEST, PATH, IFACE).map_err(failed)?;
        let old = shared.lock().ok().and_then(|mut s| s.session.take());
        if let Some(old) = old {
            if let Ok(p) = Proxy::new(conn, DEST, old, "org.freedesktop.portal.Session") {
                let _ = p.call_method("Close", &());
            }
        }
        let session_token = token();
        let created: SessionResults = request(conn, "CreateSession", |handle| {
            let options = HashMap::from([
                ("handle_token", handle),
                ("session_handle_token", Value::from(session_token.clone())),
            ]);
            portal.call_method("CreateSession", &(options,)).map(drop)
        })?;
        let session = created
            .session_handle
            .and_then(|h| OwnedObjectPath::try_from(h).ok())
            .ok_or_else(|| failed(zbus::Error::Failure("no session handle".into())))?;
        if let Ok(mut s) = shared.lock() {
            s.session = Some(session.clone());
            s.actions = wanted.iter().map(|w| (w.id.clone(), w.action)).collect();
        }
        let shortcuts: Vec<(String, HashMap<&str, Value<'_>>)> = wanted
            .iter()
            .map(|w| {
                let mut options =
                    HashMap::from([("description", Value::from(w.description.as_str()))]);
                if let Some(keys) = &w.preferred {
                    options.insert("preferred_trigger", Value::from(keys.as_str()));
                }
                (w.id.clone(), options)
            })
            .collect();
        let results: BindResults = request(conn, "BindShortcuts", |handle| {
            let options = HashMap::from([("handle_token", handle)]);
            portal
                .call_method("BindShortcuts", &(&session, shortcuts, "", options))
                .map(drop)
        })?;
        let bound = described(results.shortcuts.unwrap_or_default());
        for (id, keys) in &bound {
            if let Some(w) = wanted.iter().find(|w| &w.id == id) {
                crate::probe::emit(crate::probe::Probe::HotkeyRegistered {
                    action: format!("{:?}", w.action),
                    keys: keys.clone(),
                });
            }
        }
        tracing::info!(
            shortcuts = bound.len(),
            "the desktop bound ocrlay's shortcuts"
        );
        Ok(bound)
    }
}

/// Elsewhere there is no such portal (Windows and macOS keep ocrlay's own grabs); this never binds.
#[cfg(not(target_os = "linux"))]
mod elsewhere {
    use super::{PortalNews, Wanted};
    use crate::app::event::AppEvent;
    use crate::text::Text;
    use tao::event_loop::EventLoopProxy;

    /// No portal: says so once.
    pub struct Portal;

    impl Portal {
        /// Says at once that no portal binds keys here.
        pub fn start(proxy: EventLoopProxy<AppEvent>, _wanted: Vec<Wanted>) -> Portal {
            let why = Text::new("hotkey.portal_missing").with("reason", std::env::consts::OS);
            let _ = proxy.send_event(AppEvent::Portal(PortalNews::Unavailable(why)));
            Portal
        }

        /// Nothing to bind with.
        pub fn bind(&self, _wanted: Vec<Wanted>) {}
    }
}

/// A hotkey in the form the XDG shortcuts specification (and so the portal's `preferred_trigger`) writes it:
/// modifiers `CTRL`, `ALT`, `SHIFT`, `LOGO` and an XKB key name (`ALT+q`, `CTRL+SHIFT+F1`).
pub fn trigger_of(hotkey: &HotKey) -> String {
    let mut parts: Vec<String> = Vec::new();
    for (m, name) in [
        (Modifiers::CONTROL, "CTRL"),
        (Modifiers::ALT, "ALT"),
        (Modifiers::SHIFT, "SHIFT"),
        (Modifiers::META, "LOGO"),
    ] {
        if hotkey.mods.intersects(m) {
            parts.push(name.into());
        }
    }
    parts.push(key_name(hotkey.key));
    parts.join("+")
}

/// The XKB name of a key.
fn key_name(code: Code) -> String {
    let name = code.to_string();
    if let Some(letter) = name.strip_prefix("Key") {
        return letter.to_ascii_lowercase();
    }
    if let Some(digit) = name.strip_prefix("Digit") {
        return digit.into();
    }
    if let Some(n) = name.strip_prefix("Numpad").filter(|n| n.len() == 1) {
        return format!("KP_{n}");
    }
    match code {
        Code::Space => "space",
        Code::Enter => "Return",
        Code::Backspace => "BackSpace",
        Code::PageUp => "Prior",
        Code::PageDown => "Next",
        Code::ArrowUp => "Up",
        Code::ArrowDown => "Down",
        Code::ArrowLeft => "Left",
        Code::ArrowRight => "Right",
        Code::Backquote => "grave",
        Code::Minus => "minus",
        Code::Equal => "equal",
        Code::BracketLeft => "bracketleft",
        Code::BracketRight => "bracketright",
        Code::Backslash => "backslash",
        Code::Semicolon => "semicolon",
        Code::Quote => "apostrophe",
        Code::Comma => "comma",
        Code::Period => "period",
        Code::Slash => "slash",
        _ => return name,
    }
    .into()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    #[test]
    fn hotkeys_are_proposed_in_the_shortcuts_specification_form() {
        let t = |s: &str| trigger_of(&HotKey::from_str(s).unwrap());
        assert_eq!(t("Alt+Q"), "ALT+q");
        assert_eq!(t("Alt+1"), "ALT+1");
        assert_eq!(t("Alt+Shift+S"), "ALT+SHIFT+s");
        assert_eq!(t("Ctrl+Shift+F1"), "CTRL+SHIFT+F1");
        assert_eq!(t("Super+Space"), "LOGO+space");
        assert_eq!(t("Ctrl+PageDown"), "CTRL+Next");
    }
}
