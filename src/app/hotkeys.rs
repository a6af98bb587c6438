//! Global hotkeys from the settings: parsed, registered, and every failure kept to show the user. While a
//! hotkey field of the settings records keys they are suspended (the keys typed must reach the field, not
//! start a selection), and a key typed there can be tried: whether another program holds it.
//!
//! X11 and Windows: ocrlay grabs the keys itself (global-hotkey). A Wayland session (`WAYLAND_DISPLAY` set, or
//! the session says Wayland): the desktop binds them through its GlobalShortcuts portal where it offers one
//! ([`super::portal`]); until it answers, and where it offers none (sway, GNOME ≤ 47), the X11 grabs still work
//! while an XWayland window (a Wine/Proton game) has the keyboard, and the settings page shows the
//! `ocrlay trigger ACTION` command lines to bind in the desktop's own keyboard settings ([`DeskKeys`]).

use super::event::{AppEvent, HotkeyAction};
use super::instance::Request;
use super::portal::{self, Portal, PortalNews};
use crate::config::{self, HotkeySettings};
use crate::text::Text;
use global_hotkey::hotkey::HotKey;
use global_hotkey::{GlobalHotKeyEvent, GlobalHotKeyManager, HotKeyState};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tao::event_loop::EventLoopProxy;

/// The registered hotkeys. Dropping it unregisters them.
pub struct Hotkeys {
    /// The key grabs (X11, Windows; on Wayland they reach XWayland windows only). None where the system has
    /// none to offer (a Wayland session without XWayland).
    manager: Option<GlobalHotKeyManager>,
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
    /// Wayland: the event loop, for the portal's threads (the portal is started at the first [`Hotkeys::apply`]).
    wayland: Option<EventLoopProxy<AppEvent>>,
    /// The desktop's GlobalShortcuts portal, once asked.
    portal: Option<Portal>,
    /// The settings last applied.
    applied: HotkeySettings,
    /// What the settings page shows of how keys reach ocrlay here.
    desk: DeskKeys,
    /// Whether keys were grabbed before (the first grab, at start, waits a moment for a taken key).
    grabbed_once: bool,
}

/// How long the first grab, at start, tries again a key the X server says another client holds: an ocrlay
/// that just exited (restarted, or killed) still holds its keys until the X server has handled its
/// disconnection, which on a loaded machine takes a moment.
const TAKEN_AT_START: Duration = Duration::from_millis(1500);

/// How keys reach ocrlay on this desktop, for the settings page's hotkeys section.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DeskKeys {
    /// `grab`: ocrlay takes the keys itself (X11, Windows). `asking`: a Wayland desktop's shortcuts portal
    /// has not answered yet. `portal`: the desktop bound the keys in [`DeskKeys::bound`] (and changes them in
    /// its own settings). `desktop`: no portal binds keys here; bind [`DeskKeys::commands`] in the desktop's
    /// keyboard settings.
    pub mode: &'static str,
    /// The keys the desktop bound, as it describes them, by setting name (`select_region`…).
    pub bound: BTreeMap<String, String>,
    /// The exact command line that does what each setting's hotkey does (`ocrlay trigger select`), by setting
    /// name.
    pub commands: BTreeMap<String, String>,
    /// Why the portal does not bind the keys (none asked, it refused, it failed).
    pub problem: Option<Text>,
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

/// The `ocrlay trigger` request that does what a setting's hotkey does.
fn request(name: &str) -> Request {
    match action(name) {
        HotkeyAction::SelectRegion => Request::Select,
        HotkeyAction::RepeatLast => Request::Retranslate,
        HotkeyAction::ToggleOverlay => Request::Hide,
        HotkeyAction::ToggleAuto => Request::Auto,
        HotkeyAction::Region(n) => Request::Slot(n),
        HotkeyAction::OpenSettings | HotkeyAction::CancelSelection => Request::ShowSettings,
    }
}

/// A word of a command line as a shell (and a desktop's "custom shortcut" field) reads it: quoted when it
/// holds anything but plain path characters.
fn shell_word(word: &str) -> String {
    let plain = |c: char| c.is_ascii_alphanumeric() || "/._-+=:,@%".contains(c);
    if !word.is_empty() && word.chars().all(plain) {
        word.to_string()
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
    }
}

/// The command line that runs `ocrlay trigger` for each setting: this executable, and the settings file when
/// it was named (`OCRLAY_CONFIG`), since `ocrlay trigger` finds the running ocrlay by its settings file.
pub fn trigger_commands(
    exe: &std::path::Path,
    config_env: Option<&std::ffi::OsStr>,
) -> BTreeMap<String, String> {
    let mut prefix = String::new();
    if let Some(config) = config_env.filter(|c| !c.is_empty()) {
        prefix = format!(
            "env {}={} ",
            crate::paths::CONFIG_ENV,
            shell_word(&config.to_string_lossy())
        );
    }
    let exe = shell_word(&exe.to_string_lossy());
    HotkeySettings::default()
        .entries()
        .iter()
        .map(|(name, _)| {
            let word = request(name).word();
            (name.to_string(), format!("{prefix}{exe} trigger {word}"))
        })
        .collect()
}

/// Whether keys go through the desktop (a Wayland session) instead of ocrlay's own grabs.
pub fn wayland() -> bool {
    cfg!(target_os = "linux") && crate::capture::wayland_session()
}

impl Hotkeys {
    /// Starts listening; presses reach the event loop as [`AppEvent::Hotkey`].
    pub fn new(proxy: EventLoopProxy<AppEvent>) -> Result<Hotkeys, String> {
        let wayland = wayland().then(|| proxy.clone());
        let proxy = Mutex::new(proxy);
        Hotkeys::start(wayland, move |action, at| {
            if let Ok(p) = proxy.lock() {
                let _ = p.send_event(AppEvent::Hotkey { action, at });
            }
        })
    }

    /// Starts listening with ocrlay's own grabs only (no portal); each press of a registered hotkey calls
    /// `sink` with its action and the time.
    pub fn with_sink(
        sink: impl Fn(HotkeyAction, Instant) + Send + Sync + 'static,
    ) -> Result<Hotkeys, String> {
        Hotkeys::start(None, sink)
    }

    fn start(
        wayland: Option<EventLoopProxy<AppEvent>>,
        sink: impl Fn(HotkeyAction, Instant) + Send + Sync + 'static,
    ) -> Result<Hotkeys, String> {
        let on_wayland = wayland.is_some();
        // On Wayland the grabs need XWayland (DISPLAY); without it the portal alone binds keys.
        let manager = if on_wayland && std::env::var_os("DISPLAY").is_none() {
            None
        } else {
            match GlobalHotKeyManager::new() {
                Ok(m) => Some(m),
                Err(e) if on_wayland => {
                    tracing::info!("no key grabs beside the portal: {e}");
                    None
                }
                Err(e) => return Err(format!("global hotkeys are unavailable: {e}")),
            }
        };
        let actions: Arc<Mutex<HashMap<u32, HotkeyAction>>> = Arc::default();
        if manager.is_some() {
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
        }
        let exe = std::env::current_exe().unwrap_or_else(|_| "ocrlay".into());
        let config_env = std::env::var_os(crate::paths::CONFIG_ENV);
        Ok(Hotkeys {
            manager,
            registered: Vec::new(),
            actions,
            errors: BTreeMap::new(),
            settings: None,
            suspended: false,
            grabbed_once: false,
            escape: None,
            wayland,
            portal: None,
            applied: HotkeySettings::default(),
            desk: DeskKeys {
                mode: if on_wayland { "asking" } else { "grab" },
                bound: BTreeMap::new(),
                commands: trigger_commands(&exe, config_env.as_deref()),
                problem: None,
            },
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
    /// is named. Keys ocrlay holds itself are not tried; where ocrlay grabs nothing, nothing is tried.
    pub fn try_typed<'a>(
        &self,
        typed: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Vec<(&'a str, Text)> {
        let mut out = Vec::new();
        let Some(manager) = &self.manager else {
            return out;
        };
        for (name, text) in typed {
            let Ok(Some(hotkey)) = config::parse_hotkey(text) else {
                continue;
            };
            if self.registered.iter().any(|h| h.id() == hotkey.id()) {
                continue;
            }
            match manager.register(hotkey) {
                Ok(()) => {
                    let _ = manager.unregister(hotkey);
                    flush_ungrab(manager);
                }
                Err(e) => out.push((name, taken_message(text, &e))),
            }
        }
        out
    }

    fn unregister_all(&mut self) {
        if let Some(manager) = &self.manager {
            if !self.registered.is_empty() {
                let _ = manager.unregister_all(&self.registered);
                flush_ungrab(manager);
            }
        }
        self.registered.clear();
        // Esc, held for the region selector, is not a setting: it stays.
        let escape = self.escape.map(|e| e.id());
        if let Ok(mut a) = self.actions.lock() {
            a.retain(|id, _| Some(*id) == escape);
        }
    }

    /// How keys reach ocrlay here, for the settings page.
    pub fn desk(&self) -> &DeskKeys {
        &self.desk
    }

    /// Replaces the registered hotkeys with those of the settings; failures are kept in [`Hotkeys::errors`].
    /// While suspended they are only kept, and registered when the suspension ends. On Wayland the desktop's
    /// portal is asked to bind them (the first time: whether it offers one at all).
    pub fn apply(&mut self, settings: &HotkeySettings) {
        self.settings = Some(settings.clone());
        let changed = *settings != self.applied;
        self.applied = settings.clone();
        if let Some(proxy) = &self.wayland {
            let wanted = wanted(settings);
            match &self.portal {
                // Every save of the settings applies the hotkeys; the desktop is asked again (which may show
                // its dialog again) only when they changed.
                Some(p) if changed => p.bind(wanted),
                Some(_) => {}
                None => self.portal = Some(Portal::start(proxy.clone(), wanted)),
            }
        }
        // Where the portal binds the keys (or is still asked whether it will), it alone takes them.
        if matches!(self.desk.mode, "portal" | "asking") {
            self.grab(&no_keys());
        } else {
            self.grab(settings);
        }
    }

    /// What the portal did: where it bound the keys, ocrlay's own grabs end; where it cannot, they stay (for
    /// XWayland windows) and the page shows the command lines.
    pub fn portal_news(&mut self, news: PortalNews) {
        match news {
            PortalNews::Bound(bound) => {
                self.desk.mode = "portal";
                self.desk.bound = bound;
                self.desk.problem = None;
                self.grab(&no_keys());
            }
            PortalNews::Unavailable(why) | PortalNews::Failed(why) => {
                tracing::info!("keys are not bound by the desktop: {why}");
                self.desk.mode = "desktop";
                self.desk.bound.clear();
                self.desk.problem = Some(why);
                let settings = self.applied.clone();
                self.grab(&settings);
            }
        }
    }

    /// Grabs the keys of `settings` (none while suspended, or where there is nothing to grab with).
    fn grab(&mut self, settings: &HotkeySettings) {
        self.unregister_all();
        self.errors.clear();
        if self.suspended {
            return;
        }
        let Some(manager) = &self.manager else {
            return;
        };
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
            let mut registered = manager.register(hotkey);
            if !self.grabbed_once {
                let t = std::time::Instant::now();
                while matches!(registered, Err(global_hotkey::Error::AlreadyRegistered(_)))
                    && t.elapsed() < TAKEN_AT_START
                {
                    std::thread::sleep(Duration::from_millis(50));
                    registered = manager.register(hotkey);
                }
            }
            match registered {
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
        self.grabbed_once = true;
        // Added to what unregister_all kept (Esc, while the selector holds it).
        if let Ok(mut a) = self.actions.lock() {
            a.extend(actions);
        }
        flush_ungrab(manager);
    }
}

/// Settings with every hotkey off (ocrlay grabs nothing).
fn no_keys() -> HotkeySettings {
    HotkeySettings {
        select_region: String::new(),
        repeat_last: String::new(),
        toggle_overlay: String::new(),
        toggle_auto: String::new(),
        region_1: String::new(),
        region_2: String::new(),
        region_3: String::new(),
        region_4: String::new(),
        open_settings: String::new(),
    }
}

/// The string-table key that says what a setting's hotkey does.
fn description_key(name: &str) -> &'static str {
    match name {
        "select_region" => "hotkey.select_region",
        "repeat_last" => "hotkey.repeat_last",
        "toggle_overlay" => "hotkey.toggle_overlay",
        "toggle_auto" => "hotkey.toggle_auto",
        "region_1" => "hotkey.region_1",
        "region_2" => "hotkey.region_2",
        "region_3" => "hotkey.region_3",
        "region_4" => "hotkey.region_4",
        _ => "hotkey.open_settings",
    }
}

/// The shortcuts ocrlay asks the portal for: every setting, with its keys when it has valid ones.
fn wanted(settings: &HotkeySettings) -> Vec<portal::Wanted> {
    let lang = config::system_ui_lang();
    settings
        .entries()
        .iter()
        .map(|(name, text)| portal::Wanted {
            id: name.to_string(),
            description: Text::new(description_key(name)).render(lang),
            preferred: config::parse_hotkey(text)
                .ok()
                .flatten()
                .map(|h| portal::trigger_of(&h)),
            action: action(name),
        })
        .collect()
}

impl Hotkeys {
    /// Takes Esc for the whole desktop while the region selector is up (`on`), and gives it back. The selector
    /// may not get the keyboard (a window manager's focus rules, a game holding it), and an Esc that reached
    /// the window behind would open the game's menu: grabbed, it cancels the selection wherever the focus is.
    pub fn hold_escape(&mut self, on: bool) {
        match (on, self.escape) {
            (true, None) => {
                let esc = HotKey::new(None, global_hotkey::hotkey::Code::Escape);
                let Some(manager) = &self.manager else {
                    return;
                };
                match manager.register(esc) {
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
                self.escape = None;
                let Some(manager) = &self.manager else {
                    return;
                };
                let _ = manager.unregister(esc);
                if let Ok(mut a) = self.actions.lock() {
                    a.remove(&esc.id());
                }
                flush_ungrab(manager);
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
    use std::path::Path;
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
    fn each_hotkey_has_the_command_line_that_does_the_same() {
        let c = trigger_commands(Path::new("/usr/bin/ocrlay"), None);
        assert_eq!(c["select_region"], "/usr/bin/ocrlay trigger select");
        assert_eq!(c["repeat_last"], "/usr/bin/ocrlay trigger retranslate");
        assert_eq!(c["toggle_overlay"], "/usr/bin/ocrlay trigger hide");
        assert_eq!(c["toggle_auto"], "/usr/bin/ocrlay trigger auto");
        assert_eq!(c["region_4"], "/usr/bin/ocrlay trigger slot-4");
        assert_eq!(c["open_settings"], "/usr/bin/ocrlay trigger settings");
        assert_eq!(c.len(), HotkeySettings::default().entries().len());
        // Every word is one `ocrlay trigger` takes.
        for line in c.values() {
            let word = line.rsplit(' ').next().unwrap();
            assert!(Request::parse(word).is_some(), "{line}");
        }
        // A named settings file goes with it (the trigger finds the running ocrlay by it), quoted for a shell.
        let c = trigger_commands(
            Path::new("/home/a b/ocrlay"),
            Some(std::ffi::OsStr::new("/home/a b/it's.toml")),
        );
        assert_eq!(
            c["select_region"],
            r"env OCRLAY_CONFIG='/home/a b/it'\''s.toml' '/home/a b/ocrlay' trigger select"
        );
    }

    #[test]
    fn the_portal_is_asked_for_every_setting_with_its_keys() {
        let w = wanted(&HotkeySettings {
            region_4: String::new(),
            ..HotkeySettings::default()
        });
        assert_eq!(w.len(), 9);
        let select = w.iter().find(|w| w.id == "select_region").unwrap();
        assert_eq!(select.preferred.as_deref(), Some("ALT+q"));
        assert_eq!(select.action, HotkeyAction::SelectRegion);
        assert!(!select.description.is_empty());
        let off = w.iter().find(|w| w.id == "region_4").unwrap();
        assert_eq!(
            (off.preferred.clone(), off.action),
            (None, HotkeyAction::Region(3))
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
