//! Global hotkeys from the settings: parsed, registered, and every failure kept to show the user. While a
//! hotkey field of the settings records keys they are suspended (the keys typed must reach the field, not
//! start a selection), and a key typed there can be tried: whether another program holds it.

use super::event::{AppEvent, HotkeyAction};
use crate::config::{self, HotkeySettings};
use crate::text::Text;
use global_hotkey::hotkey::HotKey;
use global_hotkey::{GlobalHotKeyEvent, GlobalHotKeyManager, HotKeyState};
use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};
use std::time::Instant;
use tao::event_loop::EventLoopProxy;

/// The registered hotkeys. Dropping it unregisters them.
pub struct Hotkeys {
    manager: GlobalHotKeyManager,
    registered: Vec<HotKey>,
    actions: Arc<Mutex<HashMap<u32, HotkeyAction>>>,
    /// Settings that failed, by setting name (`select_region`…), with the reason.
    pub errors: BTreeMap<String, Text>,
    /// The settings last applied: registered again when a suspension ends.
    settings: Option<HotkeySettings>,
    /// Unregistered while a hotkey field records keys ([`Hotkeys::suspend`]).
    suspended: bool,
    /// Esc, grabbed while the region selector is up (see [`Hotkeys::hold_escape`]).
    escape: Option<HotKey>,
}

/// What pressing the hotkey of a setting does.
fn action(name: &str) -> HotkeyAction {
    match name {
        "select_region" => HotkeyAction::SelectRegion,
        "repeat_last" => HotkeyAction::RepeatLast,
        "toggle_overlay" => HotkeyAction::ToggleOverlay,
        "toggle_auto" => HotkeyAction::ToggleAuto,
        "region_1" => HotkeyAction::Region(0),
        "region_2" => HotkeyAction::Region(1),
        "region_3" => HotkeyAction::Region(2),
        "region_4" => HotkeyAction::Region(3),
        _ => HotkeyAction::OpenSettings,
    }
}

impl Hotkeys {
    /// Starts listening; presses reach the event loop as [`AppEvent::Hotkey`].
    pub fn new(proxy: EventLoopProxy<AppEvent>) -> Result<Hotkeys, String> {
        let proxy = Mutex::new(proxy);
        Hotkeys::with_sink(move |action, at| {
            if let Ok(p) = proxy.lock() {
                let _ = p.send_event(AppEvent::Hotkey { action, at });
            }
        })
    }

    /// Starts listening; each press of a registered hotkey calls `sink` with its action and the time.
    pub fn with_sink(
        sink: impl Fn(HotkeyAction, Instant) + Send + Sync + 'static,
    ) -> Result<Hotkeys, String> {
        let manager = GlobalHotKeyManager::new()
            .map_err(|e| format!("global hotkeys are unavailable: {e}"))?;
        let actions: Arc<Mutex<HashMap<u32, HotkeyAction>>> = Arc::default();
        let lookup = actions.clone();
        GlobalHotKeyEvent::set_event_handler(Some(move |e: GlobalHotKeyEvent| {
            if e.state != HotKeyState::Pressed {
                return;
            }
            let at = Instant::now();
            let action = lookup.lock().ok().and_then(|a| a.get(&e.id).copied());
            if let Some(action) = action {
                sink(action, at);
            }
        }));
        Ok(Hotkeys {
            manager,
            registered: Vec::new(),
            actions,
            errors: BTreeMap::new(),
            settings: None,
            suspended: false,
            escape: None,
        })
    }

    /// Whether the hotkeys are suspended (a hotkey field records keys).
    pub fn suspended(&self) -> bool {
        self.suspended
    }

    /// Unregisters every hotkey until [`Hotkeys::resume`]: a hotkey field of the settings records keys, and
    /// they must reach it instead of starting what they are bound to.
    pub fn suspend(&mut self) {
        if self.suspended {
            return;
        }
        self.suspended = true;
        self.unregister_all();
        tracing::debug!("hotkeys suspended while a hotkey is typed");
        crate::probe::emit(crate::probe::Probe::HotkeysSuspended { suspended: true });
    }

    /// Registers the hotkeys of the settings again after [`Hotkeys::suspend`] (nothing when not suspended).
    pub fn resume(&mut self) {
        if !self.suspended {
            return;
        }
        self.suspended = false;
        if let Some(settings) = self.settings.clone() {
            self.apply(&settings);
        }
        tracing::debug!("hotkeys registered again");
        crate::probe::emit(crate::probe::Probe::HotkeysSuspended { suspended: false });
    }

    /// Why the hotkeys typed in the settings (`(name, keys)`) cannot be registered, beyond the settings' own
    /// rules (which come first, `config::hotkey_problems`): each key is tried, and one held by another program
    /// is named. Keys ocrlay holds itself are not tried.
    pub fn try_typed<'a>(
        &self,
        typed: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Vec<(&'a str, Text)> {
        let mut out = Vec::new();
        for (name, text) in typed {
            let Ok(Some(hotkey)) = config::parse_hotkey(text) else {
                continue;
            };
            if self.registered.iter().any(|h| h.id() == hotkey.id()) {
                continue;
            }
            match self.manager.register(hotkey) {
                Ok(()) => {
                    let _ = self.manager.unregister(hotkey);
                    flush_ungrab(&self.manager);
                }
                Err(e) => out.push((name, taken_message(text, &e))),
            }
        }
        out
    }

    fn unregister_all(&mut self) {
        if !self.registered.is_empty() {
            let _ = self.manager.unregister_all(&self.registered);
            flush_ungrab(&self.manager);
        }
        self.registered.clear();
        // Esc, held for the region selector, is not a setting: it stays.
        let escape = self.escape.map(|e| e.id());
        if let Ok(mut a) = self.actions.lock() {
            a.retain(|id, _| Some(*id) == escape);
        }
    }

    /// Replaces the registered hotkeys with those of the settings; failures are kept in [`Hotkeys::errors`].
    /// While suspended they are only kept, and registered when the suspension ends.
    pub fn apply(&mut self, settings: &HotkeySettings) {
        self.settings = Some(settings.clone());
        self.unregister_all();
        self.errors.clear();
        if self.suspended {
            return;
        }
        let mut actions = HashMap::new();
        // The settings' own parser and clash rule (config::hotkey_problems), as the settings page uses.
        let problems = config::hotkey_problems(settings.entries());
        for (name, text) in settings.entries() {
            if let Some((_, why)) = problems.iter().find(|(n, _)| *n == name) {
                self.errors.insert(name.into(), why.clone());
                continue;
            }
            let Ok(Some(hotkey)) = config::parse_hotkey(text) else {
                continue;
            };
            let action = action(name);
            match self.manager.register(hotkey) {
                Ok(()) => {
                    tracing::debug!(hotkey = %text, ?action, "hotkey registered");
                    crate::probe::emit(crate::probe::Probe::HotkeyRegistered {
                        action: format!("{action:?}"),
                        keys: text.to_string(),
                    });
                    actions.insert(hotkey.id(), action);
                    self.registered.push(hotkey);
                }
                Err(e) => {
                    tracing::warn!(hotkey = %text, "hotkey not registered: {e}");
                    self.errors.insert(name.into(), taken_message(text, &e));
                }
            }
        }
        // Added to what unregister_all kept (Esc, while the selector holds it).
        if let Ok(mut a) = self.actions.lock() {
            a.extend(actions);
        }
    }
}

impl Hotkeys {
    /// Takes Esc for the whole desktop while the region selector is up (`on`), and gives it back. The selector
    /// may not get the keyboard (a window manager's focus rules, a game holding it), and an Esc that reached
    /// the window behind would open the game's menu: grabbed, it cancels the selection wherever the focus is.
    pub fn hold_escape(&mut self, on: bool) {
        match (on, self.escape) {
            (true, None) => {
                let esc = HotKey::new(None, global_hotkey::hotkey::Code::Escape);
                match self.manager.register(esc) {
                    Ok(()) => {
                        if let Ok(mut a) = self.actions.lock() {
                            a.insert(esc.id(), HotkeyAction::CancelSelection);
                        }
                        self.escape = Some(esc);
                    }
                    // The selector's own keydown still cancels when it has the keyboard.
                    Err(e) => tracing::debug!("Esc not grabbed for the selector: {e}"),
                }
            }
            (false, Some(esc)) => {
                let _ = self.manager.unregister(esc);
                if let Ok(mut a) = self.actions.lock() {
                    a.remove(&esc.id());
                }
                self.escape = None;
                flush_ungrab(&self.manager);
            }
            _ => {}
        }
    }
}

/// global-hotkey 0.9 on X11 queues an ungrab without sending it (its `unregister` neither flushes nor waits;
/// only `register` does), so Esc would stay grabbed until the next hotkey is registered, and the game would
/// never see it again. Registering a key nobody presses sends the queued ungrab with it; the key is let go
/// again at once (that ungrab waits, harmlessly, for the next registration).
fn flush_ungrab(manager: &GlobalHotKeyManager) {
    #[cfg(target_os = "linux")]
    {
        use global_hotkey::hotkey::{Code, Modifiers};
        let nobody = HotKey::new(
            Some(Modifiers::CONTROL | Modifiers::ALT | Modifiers::SHIFT | Modifiers::META),
            Code::F24,
        );
        if manager.register(nobody).is_ok() {
            let _ = manager.unregister(nobody);
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = manager;
}

/// Why a hotkey does nothing, in words a user can act on: which hotkey, who has it, where to change it.
fn taken_message(text: &str, e: &global_hotkey::Error) -> Text {
    if matches!(e, global_hotkey::Error::AlreadyRegistered(_)) {
        Text::new("hotkey.err_taken").with("hotkey", text)
    } else {
        Text::new("hotkey.err_register")
            .with("hotkey", text)
            .with("reason", e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    #[test]
    fn a_taken_hotkey_is_named_with_what_to_do() {
        let hk = HotKey::from_str("Alt+Q").unwrap();
        let e = global_hotkey::Error::AlreadyRegistered(hk);
        let en = taken_message("Alt+Q", &e).render("en");
        assert!(
            en.contains("Alt+Q") && en.contains("another program") && en.contains("settings"),
            "{en}"
        );
        let zh = taken_message("Alt+Q", &e).render("zh");
        assert!(
            zh.contains("Alt+Q") && zh.contains("其他程序") && zh.contains("设置"),
            "{zh}"
        );
    }

    #[test]
    fn default_hotkeys_parse_without_clashes() {
        let d = HotkeySettings::default();
        for (_, text) in d.entries() {
            assert!(matches!(config::parse_hotkey(text), Ok(Some(_))), "{text}");
        }
        assert!(config::hotkey_problems(d.entries()).is_empty());
        assert!(HotKey::from_str("Ctrl+Shift+F1").is_ok());
    }
}
