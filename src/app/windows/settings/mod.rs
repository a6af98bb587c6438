//! The settings window: the page's messages, the provider tests and model lists it starts (one per provider
//! and kind, stopped when replaced or when the window closes), and the translation of its form to settings
//! ([`bridge`]).

pub mod bridge;

use super::{PageSpec, PageWindow};
use crate::app::event::{AppEvent, Page};
use crate::app::webview::Shots;
use crate::capture;
use crate::config::{ConfigWarning, ProfileOp, Settings, UiLanguage};
use crate::providers::{self, Endpoint};
use crate::text::Text;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use tao::event_loop::{EventLoopProxy, EventLoopWindowTarget};
use tao::window::WindowId;

/// What the platform can do, for the settings page.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Platform {
    /// Whether a window covered by others (the overlay) can still be captured.
    pub covered_window_capture: bool,
    /// A sentence about it, if there is something to say.
    pub note: Option<Text>,
}

/// A window in the `windows` list.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WindowRef {
    /// Platform id.
    pub id: u32,
    /// Title.
    pub title: String,
    /// Program name.
    pub app: String,
    /// `[x, y, width, height]` in desktop pixels.
    pub rect: [i32; 4],
}

/// A refused settings field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldError {
    /// Dotted path, e.g. `providers.deepseek.temperature`.
    pub field: String,
    /// Why (the page words it in the UI language).
    pub message: Text,
}

/// What the settings page shows: the `state` message.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PageState {
    /// The provider catalog.
    pub catalog: Value,
    /// Settings as JSON (no keys).
    pub settings: Value,
    /// The defaults, in the same shape: what the page falls back on, resets to and quotes.
    pub defaults: Value,
    /// The range of every numeric setting, by dotted path (`providers.*` for each provider).
    pub limits: BTreeMap<String, crate::config::Limit>,
    /// Problems found in the config file, field by field.
    pub warnings: Vec<ConfigWarning>,
    /// Hotkeys that could not be registered, by setting name.
    pub hotkey_errors: BTreeMap<String, Text>,
    /// How keys reach ocrlay on this desktop: its own grabs, the desktop's shortcuts portal (the keys it
    /// bound), or `ocrlay trigger` command lines to bind in the desktop's settings (set by the app).
    pub hotkey_desk: Option<crate::app::hotkeys::DeskKeys>,
    /// `zh` or `en` in effect.
    pub ui_lang: String,
    /// The system's language.
    pub system_lang: String,
    /// Where settings are saved.
    pub config_path: String,
    /// What this platform can do.
    pub platform: Platform,
    /// The profile the form edits (none: the global settings, the default profile). `settings` are then that
    /// profile's settings in effect.
    pub editing: Option<String>,
    /// The profile in effect now (none: the default).
    pub profile_in_effect: Option<String>,
    /// What a profile can have of its own ([`crate::config::ProfileField`], in its order), with the global
    /// settings' value of each: what a profile that gives the field back follows.
    pub profile_fields: Vec<ProfileFieldRef>,
}

/// A field a profile can have as its own, as the settings page sees it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProfileFieldRef {
    /// Where the page has it (`general.target`; `regions` for every input under it; `providers.*.enabled` for
    /// every provider's switch).
    pub path: &'static str,
    /// Its key in a profile (`settings.profiles[n].target`): a profile has the field of its own when the key
    /// is there.
    pub key: &'static str,
    /// The global settings' value (the default profile's), in the shape of `settings` at `path`; for
    /// `providers.*.enabled`, the ids of the providers switched on.
    pub global: Value,
}

/// Settings page → core.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum SettingsIn {
    /// The page can receive messages.
    Ready,
    /// Open the history window.
    OpenHistory,
    /// List the windows a region can be bound to.
    ListWindows,
    /// List the voices read-aloud can use.
    ListVoices,
    /// Save the whole form (into the profile being edited, for what a profile can have of its own).
    Save {
        /// Settings as JSON (see PROTOCOL.md).
        settings: Value,
        /// While a profile is edited: the fields it has of its own now (paths of `profile_fields`); the others
        /// follow the global settings.
        #[serde(default)]
        own: Option<Vec<String>>,
    },
    /// Edit profile `name` in the form (none: the global settings): the core answers with its `state`.
    EditProfile {
        /// The profile.
        name: Option<String>,
    },
    /// Create, duplicate, rename, delete, bind or import a profile (saved at once).
    Profile {
        /// What to do.
        change: ProfileOp,
    },
    /// Put profile `name` into effect now (none: the default), until a game's window comes to the front.
    UseProfile {
        /// The profile.
        name: Option<String>,
    },
    /// Save profile `name` as a file to share (beside the settings file, in `profiles/`).
    ExportProfile {
        /// The profile.
        name: String,
    },
    /// Test a provider with unsaved values.
    TestProvider {
        /// Catalog id.
        id: String,
        /// Its form values.
        provider: Value,
    },
    /// Fetch a provider's model list.
    ListModels {
        /// Catalog id.
        id: String,
        /// Its form values.
        provider: Value,
    },
    /// Apply the URL rule to what the user typed.
    ResolveUrl {
        /// Catalog id.
        id: String,
        /// What was typed.
        input: String,
    },
    /// Open a page in the system browser.
    OpenUrl {
        /// The URL.
        url: String,
    },
    /// Switch the UI language.
    SetUiLang {
        /// `auto`, `zh` or `en`.
        ui_lang: String,
    },
    /// A hotkey field starts (`on`) or stops recording keys: the app's hotkeys are suspended meanwhile.
    HotkeyRecording {
        /// Recording now.
        on: bool,
    },
    /// Check the form's hotkeys as the user types them.
    CheckHotkeys {
        /// Echoed in the answer.
        #[serde(default)]
        seq: u64,
        /// `{"select_region": "Alt+Q", …}` as typed.
        hotkeys: Value,
    },
    /// Apply the form's replacement rules to a sample text (the "try it" box), and check them.
    TryRules {
        /// Echoed in the answer, so the page can drop answers to older questions.
        #[serde(default)]
        seq: u64,
        /// The rules as the form has them (see `filters` in PROTOCOL.md), rows not filled yet included.
        rules: Vec<Value>,
        /// The sample text.
        #[serde(default)]
        sample: String,
    },
}

/// Core → settings page.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum SettingsOut {
    /// Show a section (and, on the first start, the welcome on the providers section).
    Show {
        /// `providers`, `general`, …
        section: String,
        /// Show the first-start welcome.
        welcome: bool,
    },
    /// Everything the page shows (boxed: it is by far the largest message).
    State(Box<PageState>),
    /// The windows a region can be bound to.
    Windows {
        /// Front to back.
        windows: Vec<WindowRef>,
    },
    /// The voices read-aloud can use.
    Voices {
        /// By language, then name.
        voices: Vec<crate::speech::VoiceInfo>,
        /// Or why there are none (no speech service).
        error: Option<Text>,
    },
    /// Saved.
    Saved,
    /// Refused.
    SaveError {
        /// Field by field.
        errors: Vec<FieldError>,
    },
    /// A provider test finished.
    TestResult {
        /// Catalog id.
        id: String,
        /// Whether it worked.
        ok: bool,
        /// Latency and reply, or the precise error (the page words it in the UI's language).
        message: Text,
        /// Time to the whole answer.
        latency_ms: Option<u64>,
    },
    /// A model list.
    Models {
        /// Catalog id.
        id: String,
        /// Models.
        models: Vec<String>,
        /// Or why there are none (the page words it in the UI's language).
        error: Option<Text>,
    },
    /// A resolved URL.
    ResolvedUrl {
        /// Catalog id.
        id: String,
        /// What was typed.
        input: String,
        /// The chat-completions URL.
        url: Option<String>,
        /// Or why it is refused.
        error: Option<Text>,
    },
    /// What became of a profile change or export.
    ProfileResult {
        /// Whether it was done.
        ok: bool,
        /// What was done, or why not.
        message: Text,
        /// The file written, for an export.
        path: Option<String>,
    },
    /// Whether the app's hotkeys are suspended now (the answer to [`SettingsIn::HotkeyRecording`]).
    HotkeysPaused {
        /// Suspended.
        paused: bool,
    },
    /// The answer to [`SettingsIn::CheckHotkeys`].
    HotkeysChecked {
        /// The question's `seq`.
        seq: u64,
        /// Every refused hotkey (`hotkeys.<name>`), with the reason.
        errors: Vec<FieldError>,
    },
    /// The answer to [`SettingsIn::TryRules`].
    RulesTried {
        /// The question's `seq`.
        seq: u64,
        /// Every rule that cannot be used (`filters.N.pattern`, or `filters.N` for a row that is not a rule).
        errors: Vec<FieldError>,
        /// The sample after the enabled rules of the before-translation stage.
        before_translation: String,
        /// The sample after the enabled rules of the after-translation stage.
        after_translation: String,
    },
}

/// What the settings page asks of the rest of the app.
#[derive(Debug)]
pub enum Request {
    /// The page is ready: send it the state.
    SendState,
    /// Save these settings and apply them everywhere.
    Apply(Box<Settings>),
    /// Save these settings (a profile was changed), then tell the page what was done; a renamed profile
    /// (old name, new name) stays in effect if it was.
    ChangeProfiles(Box<Settings>, Text, Option<(String, String)>),
    /// Put this profile into effect (none: the default).
    UseProfile(Option<String>),
    /// Switch the UI language (saved at once).
    SetUiLang(UiLanguage),
    /// Open the history window.
    OpenHistory,
    /// List the voices of the system's speech (answered later, as [`SettingsOut::Voices`]).
    ListVoices,
    /// Check the hotkeys as typed: the settings' rules ([`bridge::check_hotkeys`]), then whether each can be
    /// registered (the app holds the hotkeys); answered with [`SettingsOut::HotkeysChecked`].
    CheckHotkeys {
        /// The question's `seq`.
        seq: u64,
        /// `{"select_region": "Alt+Q", …}` as typed.
        hotkeys: Value,
    },
    /// Suspend the hotkeys (a hotkey field records keys) or register them again.
    RecordHotkey(bool),
}

/// What a page message needs of the app.
pub struct Cx<'a> {
    /// The settings in effect.
    pub settings: &'a Settings,
    /// Where provider calls run.
    pub runtime: &'a tokio::runtime::Handle,
    /// Where their answers go.
    pub proxy: &'a EventLoopProxy<AppEvent>,
    /// The settings file (exported profiles go beside it).
    pub config_path: &'a Path,
}

/// Provider tests and model lists the page started, by (provider, is a test): a new one replaces (stops) the
/// one of the same provider and kind still running, and all stop when the window closes.
#[derive(Debug, Default)]
pub struct Calls(HashMap<(String, bool), tokio::task::AbortHandle>);

impl Calls {
    /// Records `call` under `slot`, stopping the call it replaces; finished calls are forgotten.
    pub fn replace(&mut self, slot: (String, bool), call: tokio::task::AbortHandle) {
        if let Some(old) = self.0.remove(&slot) {
            old.abort();
        }
        self.0.retain(|_, h| !h.is_finished());
        self.0.insert(slot, call);
    }

    /// Stops every call still running.
    pub fn stop_all(&mut self) {
        for (_, call) in self.0.drain() {
            call.abort();
        }
    }
}

/// The settings window (when open) and the calls it started.
#[derive(Default)]
pub struct SettingsWindow {
    page: Option<PageWindow>,
    calls: Calls,
    /// The profile the form edits (none: the global settings).
    editing: Option<String>,
}

impl SettingsWindow {
    /// The window, when open.
    pub fn page(&self) -> Option<&PageWindow> {
        self.page.as_ref()
    }

    /// Whether `id` is this window.
    pub fn is(&self, id: WindowId) -> bool {
        self.page.as_ref().is_some_and(|p| p.window.id() == id)
    }

    /// The profile the form edits, if it still exists in `settings`.
    pub fn editing<'a>(&'a self, settings: &Settings) -> Option<&'a str> {
        self.editing
            .as_deref()
            .filter(|n| settings.profile(n).is_some())
    }

    /// Opens the window or brings it forward, on `section` if given; `welcome` shows the first-start guide on
    /// the providers section. The error says why it could not open.
    pub fn open_at(
        &mut self,
        target: &EventLoopWindowTarget<AppEvent>,
        proxy: &EventLoopProxy<AppEvent>,
        shots: &Shots,
        title: &str,
        section: Option<&str>,
        welcome: bool,
    ) -> anyhow::Result<()> {
        let show = (section.is_some() || welcome).then(|| SettingsOut::Show {
            section: section.unwrap_or("providers").to_string(),
            welcome,
        });
        if let Some(w) = &mut self.page {
            w.bring_forward();
            if let Some(msg) = &show {
                w.send(msg);
            }
            return Ok(());
        }
        let spec = PageSpec::framed(
            title,
            "settings.html",
            Page::Settings,
            (940.0, 700.0),
            (640.0, 480.0),
        );
        let mut page = super::open(target, spec, proxy, shots)?;
        if let Some(msg) = &show {
            page.send(msg);
        }
        self.page = Some(page);
        Ok(())
    }

    /// The window was closed: nobody waits for the answers of its calls any more.
    pub fn close(&mut self) {
        self.page = None;
        self.editing = None;
        self.calls.stop_all();
    }

    /// Hands a message to the page, if the window is open.
    pub fn send(&mut self, msg: &SettingsOut) {
        if let Some(w) = &mut self.page {
            w.send(msg);
        }
    }

    /// Handles a page message; what needs the rest of the app comes back.
    pub fn message(&mut self, m: SettingsIn, cx: Cx<'_>) -> Option<Request> {
        match m {
            SettingsIn::Ready => {
                tracing::debug!("settings page ready");
                crate::probe::emit(crate::probe::Probe::PageReady {
                    page: "settings".into(),
                });
                if let Some(w) = &mut self.page {
                    w.on_ready();
                }
                return Some(Request::SendState);
            }
            SettingsIn::Save { settings, own } => {
                let editing = self.editing(cx.settings);
                match bridge::save_form(&settings, cx.settings, editing, own.as_deref()) {
                    Ok(new) => return Some(Request::Apply(Box::new(new))),
                    Err(errors) => self.send(&SettingsOut::SaveError { errors }),
                }
            }
            SettingsIn::EditProfile { name } => {
                self.editing = name.filter(|n| cx.settings.profile(n).is_some());
                return Some(Request::SendState);
            }
            SettingsIn::Profile { change } => {
                let done = match &change {
                    ProfileOp::New { .. } => "profile.created",
                    ProfileOp::Duplicate { .. } => "profile.duplicated",
                    ProfileOp::Rename { .. } => "profile.renamed",
                    ProfileOp::Delete { .. } => "profile.deleted",
                    ProfileOp::Bind { .. } => "profile.bound",
                    ProfileOp::Import { .. } => "profile.imported",
                };
                let renamed = match &change {
                    ProfileOp::Rename { name, .. } => Some(name.clone()),
                    _ => None,
                };
                match cx.settings.change_profiles(change) {
                    Ok(c) => {
                        if renamed.is_some() && self.editing == renamed {
                            self.editing = Some(c.name.clone());
                        }
                        let mut message = Text::new(done).with("name", &c.name);
                        if !c.warnings.is_empty() {
                            let fields: Vec<&str> =
                                c.warnings.iter().map(|w| w.field.as_str()).collect();
                            message = Text::new("profile.imported_partly")
                                .with("name", &c.name)
                                .with("fields", fields.join(", "));
                        }
                        let renamed = renamed.map(|from| (from, c.name.clone()));
                        return Some(Request::ChangeProfiles(
                            Box::new(c.settings),
                            message,
                            renamed,
                        ));
                    }
                    Err(message) => self.send(&SettingsOut::ProfileResult {
                        ok: false,
                        message,
                        path: None,
                    }),
                }
            }
            SettingsIn::UseProfile { name } => return Some(Request::UseProfile(name)),
            SettingsIn::ExportProfile { name } => {
                let reply = match export_profile(cx.settings, &name, cx.config_path) {
                    Ok(path) => SettingsOut::ProfileResult {
                        ok: true,
                        message: Text::new("profile.exported").with("path", path.display()),
                        path: Some(path.display().to_string()),
                    },
                    Err(message) => SettingsOut::ProfileResult {
                        ok: false,
                        message,
                        path: None,
                    },
                };
                self.send(&reply);
            }
            SettingsIn::OpenHistory => return Some(Request::OpenHistory),
            SettingsIn::ListVoices => return Some(Request::ListVoices),
            SettingsIn::ListWindows => {
                let windows = capture::windows()
                    .unwrap_or_default()
                    .into_iter()
                    .map(|w| WindowRef {
                        id: w.id,
                        title: w.title,
                        app: w.app,
                        rect: w.rect.to_array(),
                    })
                    .collect();
                self.send(&SettingsOut::Windows { windows });
            }
            SettingsIn::TestProvider { id, provider } => {
                self.provider_call(id, provider, true, &cx)
            }
            SettingsIn::ListModels { id, provider } => self.provider_call(id, provider, false, &cx),
            SettingsIn::ResolveUrl { id, input } => {
                let fallback = providers::find(&id).map(|p| p.url).unwrap_or("");
                let typed = if input.trim().is_empty() {
                    fallback
                } else {
                    input.as_str()
                };
                let (url, error) = match providers::url::chat_completions_url(typed) {
                    Ok(u) => (Some(u.to_string()), None),
                    Err(e) => (None, Some(e.text())),
                };
                self.send(&SettingsOut::ResolvedUrl {
                    id,
                    input,
                    url,
                    error,
                });
            }
            SettingsIn::OpenUrl { url } => {
                if is_catalog_url(&url) {
                    if let Err(e) = open::that_detached(&url) {
                        tracing::warn!("cannot open {url}: {e}");
                    }
                } else {
                    tracing::warn!("refused to open a URL that is not in the catalog: {url}");
                }
            }
            SettingsIn::CheckHotkeys { seq, hotkeys } => {
                return Some(Request::CheckHotkeys { seq, hotkeys })
            }
            SettingsIn::HotkeyRecording { on } => return Some(Request::RecordHotkey(on)),
            SettingsIn::TryRules { seq, rules, sample } => {
                let (errors, trial) = bridge::try_rules(&rules, &sample);
                self.send(&SettingsOut::RulesTried {
                    seq,
                    errors,
                    before_translation: trial.before_translation,
                    after_translation: trial.after_translation,
                });
            }
            SettingsIn::SetUiLang { ui_lang } => {
                let lang = match ui_lang.as_str() {
                    "zh" => UiLanguage::Zh,
                    "en" => UiLanguage::En,
                    _ => UiLanguage::Auto,
                };
                return Some(Request::SetUiLang(lang));
            }
        }
        None
    }

    /// Runs a provider test or model list with unsaved form values; the answer reaches the page later. One
    /// call per provider and kind: a new one replaces the one still running.
    fn provider_call(&mut self, id: String, form: Value, test: bool, cx: &Cx<'_>) {
        let Some(info) = providers::find(&id) else {
            return;
        };
        let spec = match bridge::with_provider(cx.settings, &id, &form) {
            Ok(s) => s.endpoint_spec(info),
            Err(errors) => {
                // Each refused field is shown beside it by the page; the answer says the first.
                let message = errors
                    .into_iter()
                    .next()
                    .map_or_else(|| Text::new("test.failed"), |e| e.message);
                self.send(&failed(id, test, message));
                return;
            }
        };
        let (from, to) = (cx.settings.general.source, cx.settings.general.target);
        let proxy = cx.proxy.clone();
        let slot = (id.clone(), test);
        let handle = cx.runtime.spawn(async move {
            // Errors go to the page as sentences, worded there in the UI's language (never `to_string`, which
            // is English).
            let reply = match Endpoint::new(spec) {
                Err(e) => failed(id, test, e.text()),
                Ok(ep) if test => match ep.test(from, to).await {
                    Ok(r) => SettingsOut::TestResult {
                        id,
                        ok: true,
                        message: Text::new("test.ok_line")
                            .with("ms", r.elapsed.as_millis())
                            .with("sample", &r.sample)
                            .with("reply", &r.reply),
                        latency_ms: Some(r.elapsed.as_millis() as u64),
                    },
                    Err(e) => failed(id, test, e.text()),
                },
                Ok(ep) => match ep.list_models().await {
                    Ok(models) => SettingsOut::Models {
                        id,
                        models,
                        error: None,
                    },
                    Err(e) => failed(id, test, e.text()),
                },
            };
            let _ = proxy.send_event(AppEvent::ToSettings(reply));
        });
        self.calls.replace(slot, handle.abort_handle());
    }
}

/// A provider test or model list that failed, as the page's answer.
fn failed(id: String, test: bool, message: Text) -> SettingsOut {
    if test {
        SettingsOut::TestResult {
            id,
            ok: false,
            message,
            latency_ms: None,
        }
    } else {
        SettingsOut::Models {
            id,
            models: Vec::new(),
            error: Some(message),
        }
    }
}

/// Writes profile `name` of `settings` to `<settings folder>/profiles/ocrlay-profile-<name>.toml`; the error
/// says why it could not.
fn export_profile(settings: &Settings, name: &str, config_path: &Path) -> Result<PathBuf, Text> {
    let p = settings
        .profile(name)
        .ok_or_else(|| Text::new("err.profile_gone").with("name", name))?;
    let text = p
        .to_toml()
        .map_err(|e| Text::new("err.export_failed").with("reason", e))?;
    let dir = config_path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
        .join("profiles");
    let path = dir.join(p.file_name());
    std::fs::create_dir_all(&dir)
        .and_then(|()| std::fs::write(&path, text))
        .map_err(|e| Text::new("err.export_failed").with("reason", e))?;
    tracing::info!(path = %path.display(), "profile exported");
    Ok(path)
}

/// Everything the page shows; `editing`: the profile the form edits (none: the global settings), `in_effect`:
/// the profile in effect now.
pub fn state(
    settings: &Settings,
    warnings: &[ConfigWarning],
    hotkey_errors: BTreeMap<String, Text>,
    config_path: &Path,
    editing: Option<&str>,
    in_effect: Option<&str>,
) -> SettingsOut {
    let mut shown = settings.effective(editing);
    shown.profiles = settings.profiles.clone();
    SettingsOut::State(Box::new(PageState {
        catalog: bridge::catalog_json(),
        settings: bridge::settings_json(&shown),
        defaults: bridge::settings_json(&Settings::default()),
        limits: crate::config::limits(),
        warnings: warnings.to_vec(),
        hotkey_errors,
        hotkey_desk: None,
        ui_lang: settings.general.ui_language.code().into(),
        system_lang: crate::config::system_ui_lang().into(),
        config_path: config_path.display().to_string(),
        platform: platform(),
        editing: editing.map(str::to_string),
        profile_in_effect: in_effect.map(str::to_string),
        profile_fields: profile_fields(settings),
    }))
}

/// What a profile can have of its own, with the global settings' values.
fn profile_fields(settings: &Settings) -> Vec<ProfileFieldRef> {
    let page = bridge::settings_json(settings);
    crate::config::ProfileField::ALL
        .into_iter()
        .map(|f| {
            let global = match f {
                crate::config::ProfileField::Providers => Value::from(
                    settings
                        .enabled_providers()
                        .iter()
                        .map(|p| p.id)
                        .collect::<Vec<_>>(),
                ),
                _ => page
                    .pointer(&format!("/{}", f.path().replace('.', "/")))
                    .cloned()
                    .unwrap_or(Value::Null),
            };
            ProfileFieldRef {
                path: f.path(),
                key: f.key(),
                global,
            }
        })
        .collect()
}

/// What this platform's capture can do (shown in the settings' saved-regions section).
fn platform() -> Platform {
    #[cfg(target_os = "linux")]
    if capture::wayland_session() && std::env::var_os("WAYLAND_DISPLAY").is_some() {
        // How ocrlay's windows run was decided before GTK started (app::os::prepare_gtk): through XWayland
        // where the compositor has no layer-shell, else as layer surfaces.
        let through_xwayland = std::env::var("GDK_BACKEND").is_ok_and(|b| b == "x11");
        return Platform {
            covered_window_capture: capture::covered_capture_supported(),
            note: Some(Text::new(if through_xwayland {
                "platform.wayland_xwayland"
            } else {
                "platform.wayland_layered"
            })),
        };
    }
    if cfg!(target_os = "linux") {
        if capture::covered_capture_supported() {
            Platform {
                covered_window_capture: true,
                note: Some(Text::new("platform.compositor")),
            }
        } else {
            Platform {
                covered_window_capture: false,
                note: Some(Text::new("platform.no_compositor")),
            }
        }
    } else {
        Platform {
            covered_window_capture: true,
            note: None,
        }
    }
}

fn is_catalog_url(url: &str) -> bool {
    // Compared parsed and whole (scheme, host, path, query): never a prefix or a part of one.
    let Ok(wanted) = url::Url::parse(url) else {
        return false;
    };
    if !matches!(wanted.scheme(), "https" | "http") {
        return false;
    }
    let same = |candidate: &str| url::Url::parse(candidate).is_ok_and(|c| c == wanted);
    providers::PROVIDERS.iter().any(|p| {
        [p.key_page, p.models_page].into_iter().any(same)
            || [p.notes, p.notes_zh]
                .into_iter()
                .flat_map(notes_urls)
                .any(same)
    })
}

/// The links written in a catalog note: the `http(s)://…` words, without trailing punctuation.
fn notes_urls(notes: &str) -> impl Iterator<Item = &str> {
    notes
        .split(|c: char| c.is_whitespace() || "()（）<>\"'，。；".contains(c))
        .filter(|w| w.starts_with("https://") || w.starts_with("http://"))
        .map(|w| w.trim_end_matches(['.', ',', ';', ':', '!', '?']))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_messages_both_ways() {
        let m: SettingsIn = serde_json::from_str(
            r#"{"type":"test_provider","id":"deepseek","provider":{"enabled":true,"api_key":null}}"#,
        )
        .unwrap();
        assert!(matches!(m, SettingsIn::TestProvider { ref id, .. } if id == "deepseek"));
        let v = serde_json::to_value(SettingsOut::SaveError {
            errors: vec![FieldError {
                field: "providers.deepseek.temperature".into(),
                message: Text::new("err.range").with("min", 0).with("max", 2),
            }],
        })
        .unwrap();
        assert_eq!(v["type"], "save_error");
        assert_eq!(v["errors"][0]["field"], "providers.deepseek.temperature");
        let m: SettingsIn =
            serde_json::from_str(r#"{"type":"hotkey_recording","on":true}"#).unwrap();
        assert_eq!(m, SettingsIn::HotkeyRecording { on: true });
        assert_eq!(
            serde_json::to_value(SettingsOut::HotkeysPaused { paused: true }).unwrap(),
            serde_json::json!({"type":"hotkeys_paused","paused":true})
        );
        // While a profile is edited the page says which fields are its own; without a profile it says nothing.
        let m: SettingsIn = serde_json::from_str(
            r#"{"type":"save","settings":{},"own":["general.target","providers.*.enabled"]}"#,
        )
        .unwrap();
        assert!(
            matches!(m, SettingsIn::Save { own: Some(ref own), .. } if own == &["general.target", "providers.*.enabled"])
        );
        let m: SettingsIn = serde_json::from_str(r#"{"type":"save","settings":{}}"#).unwrap();
        assert!(matches!(m, SettingsIn::Save { own: None, .. }));
        let m: SettingsIn = serde_json::from_str(r#"{"type":"list_voices"}"#).unwrap();
        assert_eq!(m, SettingsIn::ListVoices);
        let v = serde_json::to_value(SettingsOut::Voices {
            voices: vec![crate::speech::VoiceInfo {
                id: "Japanese".into(),
                name: "Japanese".into(),
                language: "ja".into(),
            }],
            error: None,
        })
        .unwrap();
        assert_eq!(
            v,
            serde_json::json!({"type":"voices","voices":[{"id":"Japanese","name":"Japanese","language":"ja"}],"error":null})
        );
        let v = serde_json::to_value(SettingsOut::Saved).unwrap();
        assert_eq!(v, serde_json::json!({"type":"saved"}));
        let m: SettingsIn = serde_json::from_str(
            r#"{"type":"try_rules","seq":4,"rules":[{"pattern":"a","replacement":"b"}],"sample":"abc"}"#,
        )
        .unwrap();
        assert!(
            matches!(m, SettingsIn::TryRules { seq: 4, ref rules, ref sample } if rules.len() == 1 && sample == "abc")
        );
        let v = serde_json::to_value(SettingsOut::RulesTried {
            seq: 4,
            errors: Vec::new(),
            before_translation: "bbc".into(),
            after_translation: "abc".into(),
        })
        .unwrap();
        assert_eq!(
            v,
            serde_json::json!({"type":"rules_tried","seq":4,"errors":[],"before_translation":"bbc","after_translation":"abc"})
        );
    }

    /// The browser tests' `defaults`, `limits` and `profile_fields` (ui/tests/fixtures/defaults.json) are the
    /// core's: rewrite
    /// the file with `OCRLAY_WRITE_UI_FIXTURES=1 cargo test --lib fixture` when settings change.
    #[test]
    fn the_ui_fixture_of_defaults_and_limits_is_current() {
        let v = serde_json::to_value(state(
            &Settings::default(),
            &[],
            BTreeMap::new(),
            Path::new("/c"),
            None,
            None,
        ))
        .unwrap();
        let now = serde_json::json!({
            "defaults": v["defaults"],
            "limits": v["limits"],
            "profile_fields": v["profile_fields"],
        });
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("ui/tests/fixtures/defaults.json");
        // Compared as text: serde_json does not read every float back to the same bits.
        let text = serde_json::to_string_pretty(&now).unwrap() + "\n";
        if std::env::var_os("OCRLAY_WRITE_UI_FIXTURES").is_some() {
            std::fs::write(&path, &text).unwrap();
        }
        assert!(
            std::fs::read_to_string(&path).is_ok_and(|saved| saved == text),
            "{} is out of date: OCRLAY_WRITE_UI_FIXTURES=1 cargo test --lib fixture",
            path.display()
        );
    }

    #[test]
    fn a_profile_is_exported_beside_the_settings_and_reads_back() {
        let dir = tempfile::tempdir().unwrap();
        let config = dir.path().join("config.toml");
        let (s, _) = Settings::parse(
            "[[profiles]]\nname = \"Ys: VIII\"\nglossary = [{ src = \"アドル\", dst = \"亚特鲁\" }]\n",
        )
        .unwrap();
        let path = export_profile(&s, "Ys: VIII", &config).unwrap();
        assert_eq!(
            path,
            dir.path()
                .join("profiles")
                .join("ocrlay-profile-Ys_ VIII.toml")
        );
        let text = std::fs::read_to_string(&path).unwrap();
        let back = Settings::default()
            .change_profiles(ProfileOp::Import { toml: text })
            .unwrap();
        assert_eq!(back.settings.profiles, s.profiles);
        assert_eq!(
            export_profile(&s, "Gone", &config).unwrap_err().key,
            "err.profile_gone"
        );
    }

    #[test]
    fn only_catalog_urls_open() {
        assert!(is_catalog_url("https://platform.deepseek.com/api_keys"));
        assert!(is_catalog_url(
            "https://cloud.tencent.com/document/product/1729/111008"
        ));
        assert!(!is_catalog_url("file:///etc/passwd"));
        assert!(!is_catalog_url("https://evil.example/"));
        // A prefix of a catalog URL, or a longer one, is not it.
        assert!(!is_catalog_url("https://platform.deepseek.com/"));
        assert!(!is_catalog_url(
            "https://platform.deepseek.com/api_keys/../x"
        ));
        assert!(!is_catalog_url(
            "https://platform.deepseek.com/api_keys.evil"
        ));
        assert!(!is_catalog_url(
            "https://cloud.tencent.com/document/product/1729/1110"
        ));
        assert!(!is_catalog_url("https://"));
    }

    #[test]
    fn a_new_provider_test_stops_the_old_one_and_closing_stops_all() {
        let rt = tokio::runtime::Runtime::new().unwrap();
        let pending = || rt.spawn(std::future::pending::<()>());
        let mut calls = Calls::default();
        let (first, models) = (pending(), pending());
        calls.replace(("deepseek".into(), true), first.abort_handle());
        calls.replace(("deepseek".into(), false), models.abort_handle());
        let second = pending();
        calls.replace(("deepseek".into(), true), second.abort_handle());
        let cancelled =
            |h: tokio::task::JoinHandle<()>| rt.block_on(h).is_err_and(|e| e.is_cancelled());
        assert!(cancelled(first), "the replaced test still runs");
        assert!(!second.is_finished() && !models.is_finished());
        calls.stop_all();
        assert!(cancelled(second) && cancelled(models));
    }
}
