//! The settings and history windows as the app uses them: opening them, the settings page's requests
//! (state, save, UI language) and applying saved settings everywhere.

use super::event::AppEvent;
use super::windows::settings::{self as settings_window, SettingsIn, SettingsOut};
use super::App;
use crate::config::{self, Settings};
use crate::pipeline::TranslationPlan;
use crate::text::Text;
use tao::event_loop::EventLoopWindowTarget;

impl App {
    pub(super) fn open_history(&mut self, target: &EventLoopWindowTarget<AppEvent>) {
        let lang = self.lang();
        match self
            .history_window
            .open(target, &self.proxy, &self.shots, lang)
        {
            Ok(()) => self.refresh_own_windows(),
            Err(e) => {
                let msg = self
                    .ctl
                    .words(Text::new("status.history_failed").with("reason", format!("{e:#}")));
                self.status(&msg);
            }
        }
    }

    /// Opens the settings window or brings it forward, on `section` if given; `welcome` shows the first-start
    /// guide on the providers section.
    pub(super) fn open_settings(
        &mut self,
        target: &EventLoopWindowTarget<AppEvent>,
        section: Option<&str>,
        welcome: bool,
    ) {
        let title = self.ctl.words(Text::new("app.title"));
        match self.settings_window.open_at(
            target,
            &self.proxy,
            &self.shots,
            &title,
            section,
            welcome,
        ) {
            Ok(()) => self.refresh_own_windows(),
            Err(e) => {
                let msg = self
                    .ctl
                    .words(Text::new("status.settings_failed").with("reason", format!("{e:#}")));
                self.status(&msg);
            }
        }
    }

    pub(super) fn send_settings_state(&mut self) {
        let hotkey_errors = self
            .hotkeys
            .as_ref()
            .map(|h| h.errors.clone())
            .unwrap_or_default();
        let path = self.ctl.config_path().to_path_buf();
        let in_effect = self.ctl.profile().map(str::to_string);
        let base = self.ctl.base();
        let mut state = settings_window::state(
            base,
            &self.config_warnings,
            hotkey_errors,
            &path,
            self.settings_window.editing(base),
            in_effect.as_deref(),
        );
        if let SettingsOut::State(s) = &mut state {
            s.hotkey_desk = self.hotkeys.as_ref().map(|h| h.desk().clone());
        }
        self.settings_window.send(&state);
    }

    pub(super) fn settings_message(
        &mut self,
        m: SettingsIn,
        target: &EventLoopWindowTarget<AppEvent>,
    ) {
        let config_path = self.ctl.config_path().to_path_buf();
        let cx = settings_window::Cx {
            settings: self.ctl.base(),
            runtime: self.runtime.handle(),
            proxy: &self.proxy,
            config_path: &config_path,
        };
        let Some(request) = self.settings_window.message(m, cx) else {
            return;
        };
        let lang_before = self.lang();
        match request {
            settings_window::Request::SendState => {
                // A page (re)loaded records no hotkey: never leave the hotkeys suspended by one that went.
                self.record_hotkey(false);
                self.refresh_own_windows();
                self.send_settings_state();
            }
            settings_window::Request::RecordHotkey(on) => self.record_hotkey(on),
            settings_window::Request::CheckHotkeys { seq, hotkeys } => {
                let mut errors = settings_window::bridge::check_hotkeys(&hotkeys);
                if let Some(h) = &self.hotkeys {
                    // Only what passes the settings' rules is tried (a clash with ocrlay's own is said first).
                    let names: Vec<(String, String)> = config::HotkeySettings::default()
                        .entries()
                        .iter()
                        .map(|(name, _)| name.to_string())
                        .filter(|name| !errors.iter().any(|e| e.field == format!("hotkeys.{name}")))
                        .map(|name| {
                            let text = hotkeys
                                .get(&name)
                                .and_then(serde_json::Value::as_str)
                                .unwrap_or_default()
                                .to_string();
                            (name, text)
                        })
                        .collect();
                    let typed = names.iter().map(|(n, t)| (n.as_str(), t.as_str()));
                    errors.extend(h.try_typed(typed).into_iter().map(|(name, message)| {
                        settings_window::FieldError {
                            field: format!("hotkeys.{name}"),
                            message,
                        }
                    }));
                }
                self.settings_window
                    .send(&SettingsOut::HotkeysChecked { seq, errors });
            }
            settings_window::Request::OpenHistory => self.open_history(target),
            settings_window::Request::ListVoices => {
                let proxy = self.proxy.clone();
                let reply = Box::new(move |r: Result<_, crate::speech::SpeechError>| {
                    let (voices, error) = match r {
                        Ok(voices) => (voices, None),
                        Err(e) => (Vec::new(), Some(e.text())),
                    };
                    let _ = proxy
                        .send_event(AppEvent::ToSettings(SettingsOut::Voices { voices, error }));
                });
                match self.outputs.speech() {
                    Some(speech) => speech.voices(reply),
                    None => reply(Ok(Vec::new())),
                }
            }
            settings_window::Request::Apply(new) => match self.apply_settings(*new, target) {
                Ok(()) => {
                    self.settings_window.send(&SettingsOut::Saved);
                    self.send_settings_state();
                    if self.lang() != lang_before {
                        self.language_changed();
                    }
                }
                Err(e) => self.settings_window.send(&SettingsOut::SaveError {
                    errors: vec![settings_window::FieldError {
                        field: String::new(),
                        message: crate::text::Text::new("err.save_failed").with("reason", e),
                    }],
                }),
            },
            settings_window::Request::ChangeProfiles(new, done, renamed) => {
                let was = self.ctl.profile().map(str::to_string);
                let reply = match self.apply_settings(*new, target) {
                    Ok(()) => {
                        // The profile in effect, renamed, stays in effect under its new name.
                        if let Some((from, to)) =
                            renamed.filter(|(from, _)| was.as_ref() == Some(from))
                        {
                            tracing::debug!(%from, %to, "profile in effect renamed");
                            let (ctl, mut desk) = self.split(Some(target));
                            ctl.switch_profile(&mut desk, Some(to));
                        }
                        SettingsOut::ProfileResult {
                            ok: true,
                            message: done,
                            path: None,
                        }
                    }
                    Err(e) => SettingsOut::ProfileResult {
                        ok: false,
                        message: crate::text::Text::new("err.save_failed").with("reason", e),
                        path: None,
                    },
                };
                self.send_settings_state();
                self.settings_window.send(&reply);
            }
            settings_window::Request::UseProfile(name) => {
                let (ctl, mut desk) = self.split(Some(target));
                ctl.switch_profile(&mut desk, name);
                self.send_settings_state();
            }
            settings_window::Request::SetUiLang(lang) => {
                let mut new = self.ctl.base().clone();
                new.general.ui_language = lang;
                if let Err(e) = self.apply_settings(new, target) {
                    tracing::warn!("{e}");
                }
                self.send_settings_state();
                self.language_changed();
            }
        }
    }

    /// The UI's language changed: every open window says so at once. The overlays got it with their
    /// appearance (`apply_settings`), the settings page with its state; here the window titles and the
    /// history page (its state again), and the probe tests wait on.
    pub(super) fn language_changed(&mut self) {
        let lang = self.lang();
        if let Some(w) = self.settings_window.page() {
            w.window.set_title(&self.ctl.words(Text::new("app.title")));
        }
        self.history_window.set_lang(lang);
        if let Some(t) = &self.tray {
            t.relabel(lang);
        }
        crate::probe::emit(crate::probe::Probe::LanguageChanged { lang: lang.into() });
    }

    /// A hotkey field of the settings records keys (`on`): the hotkeys are suspended, so the keys typed reach
    /// the field instead of starting a selection; registered again when it stops, or when the settings page or
    /// window goes away. The page is told what holds now.
    pub(super) fn record_hotkey(&mut self, on: bool) {
        let Some(h) = &mut self.hotkeys else {
            return;
        };
        if on {
            h.suspend();
        } else if h.suspended() {
            h.resume();
        } else {
            return;
        }
        let paused = h.suspended();
        self.settings_window
            .send(&SettingsOut::HotkeysPaused { paused });
    }

    /// Applies new settings everywhere and writes them to the file.
    pub(super) fn apply_settings(
        &mut self,
        new: Settings,
        target: &EventLoopWindowTarget<AppEvent>,
    ) -> Result<(), String> {
        let saved = config::save(&new, self.ctl.config_path()).map_err(|e| e.to_string())?;
        if let Some(aside) = saved.moved_aside {
            self.config_warnings = vec![config::ConfigWarning::note(
                crate::text::Text::new("config.moved_aside").with("path", aside.display()),
            )];
        } else {
            self.config_warnings.clear();
        }
        let engine_changed = new.ocr != self.ctl.base().ocr;
        // Auto mode picks up regions watched, unwatched or moved in the settings.
        let regions_before = self.ctl.settings.regions.slots.clone();
        self.foreground.set(super::foreground::needed(
            new.profiles.iter().any(|p| p.game.is_some()),
        ));
        {
            let (ctl, mut desk) = self.split(Some(target));
            ctl.set_base(&mut desk, new);
        }
        let regions_changed = self.ctl.settings.regions.slots != regions_before;
        self.pipeline
            .set_plan(TranslationPlan::from_settings(&self.ctl.settings));
        if engine_changed {
            let msg = self.ctl.words(Text::new("status.engine_after_restart"));
            let (ctl, mut desk) = self.split(None);
            ctl.status(&mut desk, &msg, false);
        }
        if regions_changed && self.ctl.auto_on() {
            let (ctl, mut desk) = self.split(Some(target));
            ctl.set_auto(&mut desk, true);
        }
        if let Some(h) = &mut self.hotkeys {
            h.apply(&self.ctl.settings.hotkeys);
        }
        let lang = self.lang();
        for o in self.overlays.all_mut() {
            o.appearance(&self.ctl.settings.overlay, lang);
        }
        let zh = self.zh();
        if let Err(e) = self
            .outputs
            .configure(&self.ctl.settings.output, self.runtime.handle(), zh)
        {
            self.status(&e);
        }
        Ok(())
    }
}
