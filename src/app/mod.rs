//! The desktop app: one tao event loop owns every window (overlay, region selectors, settings, history);
//! background work (hotkeys, tray, the capture/OCR/translate pipeline, provider tests) reaches it only as
//! [`AppEvent`]s through an `EventLoopProxy`.
//!
//! This module dispatches events; it decides nothing itself. [`start`] starts the app and the loop, [`pages`]
//! serves the settings and history windows' requests. The windows live in
//! [`windows`], one module each; what a key press, a chosen region or a pipeline event means for the job on
//! screen is the [`controller`]'s, which sees the windows only through [`controller::Host`].

pub mod controller;
mod desk;
pub mod event;
mod foreground;
pub mod hotkeys;
pub mod instance;
pub mod os;
mod pages;
pub mod placement;
pub mod portal;
mod start;
pub mod tray;
pub mod webview;
pub mod windows;

pub use start::{run, RunOptions};

use crate::capture::Rect;
use crate::config::{self, Settings};
use crate::memory::Store;
use crate::ocr::EngineParams;
use crate::pipeline::{Pipeline, PipelineEvent};
use crate::probe::{self, Probe};
use controller::{Controller, Host};
use desk::{refresh_own_windows, Desk};
use event::{AppEvent, HotkeyAction, Page};
use std::sync::{Arc, Mutex};
use std::time::Instant;
use tao::event::WindowEvent;
use tao::event_loop::{ControlFlow, EventLoopProxy, EventLoopWindowTarget};
use tao::window::WindowId;
use webview::Shots;
use windows::history::{HistoryIn, HistoryRequest, HistoryWindow};
use windows::overlay::{NoticeAction, Opener, OverlayIn, Overlays};
use windows::selector::{SelectorIn, Selectors};
use windows::settings::{SettingsIn, SettingsOut, SettingsWindow};

/// The UI language in effect: the setting, or the system's.
pub fn ui_lang(setting: config::UiLanguage) -> &'static str {
    setting.code()
}

/// `zh` when the system speaks Chinese, else `en`.
pub fn system_lang() -> &'static str {
    config::system_ui_lang()
}

fn engine_params(s: &Settings) -> EngineParams {
    match &s.ocr.model_dir {
        Some(dir) => EngineParams::with_models_dir(dir),
        None => EngineParams::default(),
    }
}

struct App {
    /// Jobs, regions, auto mode, and the settings in effect.
    ctl: Controller,
    config_warnings: Vec<config::ConfigWarning>,
    proxy: EventLoopProxy<AppEvent>,
    runtime: tokio::runtime::Runtime,
    pipeline: Pipeline,
    shots: Shots,
    /// One overlay for each saved region in use.
    overlays: Overlays,
    selectors: Selectors,
    settings_window: SettingsWindow,
    history_window: HistoryWindow,
    store: Option<Arc<Mutex<Store>>>,
    /// Where our visible windows are, for capture (it never reads them).
    own_windows: Arc<Mutex<Vec<Rect>>>,
    hotkeys: Option<hotkeys::Hotkeys>,
    hotkey_error: Option<String>,
    tray: Option<tray::Tray>,
    clipboard: Option<arboard::Clipboard>,
    /// The clipboard, WebSocket and read-aloud outputs of each new line.
    outputs: crate::outputs::Outputs,
    /// Which window is in front, for the profiles bound to games.
    foreground: foreground::Watcher,
    /// The overlays (by region) that stepped aside for the region selector's screenshots: they come back if no
    /// region is chosen.
    back_after_selection: Vec<usize>,
    /// Open the settings once the loop runs (`ocrlay settings` started this instance).
    show_settings_at_start: bool,
}

impl App {
    /// The controller, with the windows and the pipeline lent to it (and, with `target`, the means to open
    /// another overlay when a region needs one).
    fn split<'a>(
        &'a mut self,
        target: Option<&'a EventLoopWindowTarget<AppEvent>>,
    ) -> (&'a mut Controller, Desk<'a>) {
        let locked = self.ctl.settings.overlay.locked;
        let ui_lang = ui_lang(self.ctl.settings.general.ui_language);
        let names = self
            .ctl
            .settings
            .regions
            .slots
            .iter()
            .map(|s| s.name.clone())
            .collect();
        let opener = target.map(|target| Opener {
            target,
            settings: self.ctl.settings.overlay.clone(),
            ui_lang,
            proxy: &self.proxy,
            shots: &self.shots,
        });
        let desk = Desk {
            overlays: &mut self.overlays,
            opener,
            names,
            pipeline: &self.pipeline,
            history: &mut self.history_window,
            settings: &self.settings_window,
            own_windows: &self.own_windows,
            locked,
        };
        (&mut self.ctl, desk)
    }

    fn zh(&self) -> bool {
        self.ctl.zh()
    }

    fn lang(&self) -> &'static str {
        ui_lang(self.ctl.settings.general.ui_language)
    }

    fn refresh_own_windows(&self) {
        refresh_own_windows(
            &self.overlays,
            &self.settings_window,
            &self.history_window,
            &self.own_windows,
        );
    }

    /// A status line of the app's own in the active region's overlay, shown.
    fn status(&mut self, text: &str) {
        let (ctl, mut desk) = self.split(None);
        ctl.status(&mut desk, text, false);
        desk.show_overlay(ctl.active(), true);
    }

    fn notice(&mut self, text: impl Into<controller::Said>, action: Option<NoticeAction>) {
        let (ctl, mut desk) = self.split(None);
        ctl.notice(&mut desk, text, action);
    }

    fn handle(
        &mut self,
        event: AppEvent,
        target: &EventLoopWindowTarget<AppEvent>,
        control_flow: &mut ControlFlow,
    ) {
        match event {
            AppEvent::Hotkey { action, at } => {
                tracing::debug!(?action, "hotkey");
                probe::emit(Probe::Hotkey {
                    action: format!("{action:?}"),
                });
                self.hotkey(action, at, target);
            }
            AppEvent::Portal(news) => {
                if let Some(h) = &mut self.hotkeys {
                    h.portal_news(news);
                }
                self.send_settings_state();
            }
            AppEvent::ToHistory(answers) => self.history_window.send(&answers),
            AppEvent::Request(request) => self.request(request, target),
            AppEvent::Menu(id) => self.menu(&id, target, control_flow),
            AppEvent::Ipc { page, body } => self.ipc(page, &body, target),
            AppEvent::Shots { monitors, at } => {
                let lang = self.lang();
                self.selectors
                    .show(monitors, at, lang, target, &self.proxy, &self.shots);
                if self.selectors.selecting() {
                    if let Some(h) = &mut self.hotkeys {
                        h.hold_escape(true);
                    }
                }
            }
            AppEvent::ShotsFailed(e) => {
                self.selectors.failed();
                self.selection_over();
                self.back_after_selection.clear();
                let msg = e.message(self.zh());
                self.status(&msg);
            }
            AppEvent::Pipeline(e) => {
                self.output(&e);
                let (ctl, mut desk) = self.split(Some(target));
                ctl.pipeline_event(&mut desk, e);
            }
            AppEvent::Foreground(front) => {
                let shown: Vec<Rect> = self.overlays.all().filter_map(|o| o.shown_at()).collect();
                if !shown.is_empty() {
                    let monitors = crate::capture::monitors().unwrap_or_default();
                    if os::reassert_topmost(&front, &monitors, &shown) {
                        for o in self.overlays.all() {
                            o.keep_on_top();
                        }
                    }
                }
                let (ctl, mut desk) = self.split(Some(target));
                ctl.foreground(&mut desk, front);
            }
            AppEvent::Speech(e) => {
                let msg = self.ctl.words(e.text());
                self.status(&msg);
            }
            AppEvent::ToSettings(msg) => {
                if matches!(msg, SettingsOut::TestResult { ok: true, .. }) {
                    self.ctl.remember_setup_done();
                }
                self.settings_window.send(&msg);
            }
        }
    }

    fn hotkey(
        &mut self,
        action: HotkeyAction,
        at: Instant,
        target: &EventLoopWindowTarget<AppEvent>,
    ) {
        match action {
            HotkeyAction::OpenSettings => self.open_settings(target, None, false),
            HotkeyAction::SelectRegion => self.start_selection(at),
            HotkeyAction::CancelSelection => {
                if self.selectors.selecting() {
                    tracing::debug!("region selection cancelled (Esc)");
                    self.selectors.hide(&self.shots);
                    self.selection_abandoned();
                }
            }
            HotkeyAction::RepeatLast => {
                let (ctl, mut desk) = self.split(Some(target));
                ctl.repeat_last(&mut desk, at, true);
            }
            HotkeyAction::ToggleOverlay => self.toggle_overlay(),
            HotkeyAction::ToggleAuto => {
                let (ctl, mut desk) = self.split(Some(target));
                ctl.toggle_auto(&mut desk);
            }
            HotkeyAction::Region(n) => {
                let (ctl, mut desk) = self.split(Some(target));
                ctl.switch_region(&mut desk, n);
            }
        }
    }

    /// What another ocrlay process asked for (`ocrlay settings`, a second start, `ocrlay trigger`).
    fn request(&mut self, request: instance::Request, target: &EventLoopWindowTarget<AppEvent>) {
        use instance::Request;
        tracing::info!("another ocrlay asked: {}", request.word());
        probe::emit(Probe::Triggered {
            action: request.word(),
        });
        let now = Instant::now();
        match request {
            Request::ShowSettings => {
                probe::emit(Probe::SettingsAsked);
                self.open_settings(target, None, false);
            }
            Request::Select => self.hotkey(HotkeyAction::SelectRegion, now, target),
            Request::Retranslate => self.hotkey(HotkeyAction::RepeatLast, now, target),
            Request::Auto => self.hotkey(HotkeyAction::ToggleAuto, now, target),
            Request::Hide => self.hotkey(HotkeyAction::ToggleOverlay, now, target),
            Request::Slot(n) => self.hotkey(HotkeyAction::Region(n), now, target),
            Request::Lock => self.set_locked(true),
            Request::Unlock => self.set_locked(false),
        }
    }

    /// Sends the line on screen where the settings say (clipboard, WebSocket, read-aloud).
    fn output(&mut self, e: &PipelineEvent) {
        let copy = match e {
            PipelineEvent::Recognized { job, text, .. } if self.ctl.is_current(*job) => {
                self.outputs.recognized(*job, text)
            }
            PipelineEvent::Done {
                job,
                provider,
                text,
                ..
            } => match self.ctl.slot_of(*job) {
                Some(slot) => {
                    let region = self.ctl.settings.regions.slots[slot].name.clone();
                    self.outputs.translated(*job, provider, text, &region)
                }
                None => None,
            },
            _ => None,
        };
        if let Some(text) = copy {
            self.copy(text);
        }
    }

    /// Freezes the screens for the region selector. The overlay is not part of what the user picks from: where
    /// captures would show it, it steps aside first (and comes back with the job, or when the choice is
    /// cancelled).
    fn start_selection(&mut self, at: Instant) {
        if self.selectors.selecting() {
            return;
        }
        let mut settle = std::time::Duration::ZERO;
        let aside: Vec<usize> = self
            .overlays
            .in_use()
            .filter(|(_, o)| o.visible() && !o.page.excluded)
            .map(|(slot, _)| slot)
            .collect();
        if !aside.is_empty() {
            let (_, mut desk) = self.split(None);
            for &slot in &aside {
                desk.show_overlay(slot, false);
            }
            self.back_after_selection = aside;
            settle = std::time::Duration::from_millis(80);
        }
        self.selectors.freeze(at, settle, &self.proxy, &self.shots);
    }

    /// Whether the overlays stay above every other window (the game), or let ocrlay's settings and history
    /// windows come above them while the user works there.
    fn overlays_on_top(&mut self, on: bool) {
        for o in self.overlays.all_mut() {
            o.page.window.set_always_on_top(on);
        }
        probe::emit(Probe::OverlaysOnTop { on });
    }

    /// The selection is over (a region, a cancel, a failure): Esc belongs to the other programs again.
    fn selection_over(&mut self) {
        if let Some(h) = &mut self.hotkeys {
            h.hold_escape(false);
        }
    }

    /// The selection ended without a region: the overlays come back if they stepped aside for it.
    fn selection_abandoned(&mut self) {
        self.selection_over();
        let back = std::mem::take(&mut self.back_after_selection);
        let (_, mut desk) = self.split(None);
        for slot in back {
            desk.show_overlay(slot, true);
        }
    }

    /// Hides every overlay if one is up, else shows those in use.
    fn toggle_overlay(&mut self) {
        let show = !self.overlays.in_use().any(|(_, o)| o.visible());
        let slots = self.overlays.slots();
        let (_, mut desk) = self.split(None);
        for slot in slots {
            desk.show_overlay(slot, show);
        }
    }

    fn menu(
        &mut self,
        id: &str,
        target: &EventLoopWindowTarget<AppEvent>,
        control_flow: &mut ControlFlow,
    ) {
        match id {
            tray::ids::TRANSLATE => self.start_selection(Instant::now()),
            tray::ids::REPEAT => self.hotkey(HotkeyAction::RepeatLast, Instant::now(), target),
            tray::ids::HISTORY => self.open_history(target),
            tray::ids::TOGGLE_AUTO => self.hotkey(HotkeyAction::ToggleAuto, Instant::now(), target),
            tray::ids::TOGGLE_OVERLAY => self.toggle_overlay(),
            tray::ids::TOGGLE_LOCK => self.set_locked(!self.ctl.settings.overlay.locked),
            tray::ids::SETTINGS => self.open_settings(target, None, false),
            tray::ids::QUIT => *control_flow = ControlFlow::Exit,
            _ => {}
        }
    }

    fn set_locked(&mut self, locked: bool) {
        self.ctl.settings.overlay.locked = locked;
        for o in self.overlays.all_mut() {
            o.set_locked(locked);
        }
        // Kept at once: the next start, however this session ends, opens the overlay as the user left it.
        self.ctl.save_state();
        probe::emit(Probe::OverlayLocked { locked });
    }

    fn copy(&mut self, text: String) {
        if self.clipboard.is_none() {
            self.clipboard = arboard::Clipboard::new().ok();
        }
        if let Some(c) = &mut self.clipboard {
            if let Err(e) = c.set_text(text) {
                tracing::warn!("copy failed: {e}");
            }
        }
    }

    fn ipc(&mut self, page: Page, body: &str, target: &EventLoopWindowTarget<AppEvent>) {
        match page {
            Page::Overlay(n) => match serde_json::from_str::<OverlayIn>(body) {
                Ok(m) => self.overlay_message(n, m, target),
                Err(e) => tracing::debug!("overlay sent an unknown message: {e}"),
            },
            Page::Selector(i) => match serde_json::from_str::<SelectorIn>(body) {
                Ok(m) => match self.selectors.message(i, m, &self.shots) {
                    Some(chosen) => {
                        self.selection_over();
                        // The job shows the overlay again; the others come back.
                        let active = self.ctl.active();
                        let back = std::mem::take(&mut self.back_after_selection);
                        let (ctl, mut desk) = self.split(Some(target));
                        for slot in back.into_iter().filter(|&s| s != active) {
                            desk.show_overlay(slot, true);
                        }
                        ctl.region_chosen(&mut desk, chosen.region, chosen.image, chosen.at);
                    }
                    None if !self.selectors.selecting() => self.selection_abandoned(),
                    None => {}
                },
                Err(e) => tracing::debug!("selector sent an unknown message: {e}"),
            },
            Page::Settings => match serde_json::from_str::<SettingsIn>(body) {
                Ok(m) => self.settings_message(m, target),
                Err(e) => tracing::debug!("settings sent an unknown message: {e}"),
            },
            Page::History => match serde_json::from_str::<HistoryIn>(body) {
                Ok(m) => {
                    let (store, memory) = (&self.store, &self.ctl.settings.memory);
                    let store = || {
                        store.as_ref().map(|s| {
                            let path = s
                                .lock()
                                .unwrap_or_else(|e| e.into_inner())
                                .path()
                                .to_path_buf();
                            (path, crate::memory::StoreOptions::from_settings(memory))
                        })
                    };
                    let lang = self.lang();
                    match self.history_window.message(m, store, lang, &self.proxy) {
                        Some(HistoryRequest::Copy(text)) => self.copy(text),
                        Some(HistoryRequest::CorrectSource {
                            original,
                            corrected,
                            region,
                        }) => {
                            // Shown in the overlay of the line's region (the active one's when it is not a
                            // saved region any more).
                            let slots = &self.ctl.settings.regions.slots;
                            let slot = slots
                                .iter()
                                .position(|s| s.name == region)
                                .unwrap_or_else(|| self.ctl.active());
                            let (ctl, mut desk) = self.split(Some(target));
                            ctl.correct_source(
                                &mut desk,
                                slot,
                                &original,
                                &corrected,
                                Instant::now(),
                            );
                        }
                        None => {}
                    }
                }
                Err(e) => tracing::debug!("history sent an unknown message: {e}"),
            },
        }
    }

    /// A message of overlay page `n`.
    fn overlay_message(
        &mut self,
        n: usize,
        m: OverlayIn,
        target: &EventLoopWindowTarget<AppEvent>,
    ) {
        let mode = |slot: Option<usize>| {
            let regions = &self.ctl.settings.regions;
            slot.and_then(|s| regions.slots.get(s))
                .and_then(|s| s.overlay_mode)
                .unwrap_or(self.ctl.settings.overlay.mode)
        };
        let Some(slot) = self.overlays.by_page(n).map(|(_, slot)| slot) else {
            return;
        };
        let mode = mode(slot);
        let Some((overlay, _)) = self.overlays.by_page(n) else {
            return;
        };
        let Some(m) = overlay.message(m, mode) else {
            return;
        };
        // A free overlay (hidden, its region no longer in use) has nothing to do for the app.
        let slot = slot.unwrap_or_else(|| self.ctl.active());
        match m {
            OverlayIn::Lock { locked } => self.set_locked(locked),
            OverlayIn::Copy { text } => self.copy(text),
            OverlayIn::Hide => {
                let (_, mut desk) = self.split(None);
                desk.show_overlay(slot, false);
            }
            OverlayIn::OpenSettings { section } => {
                self.open_settings(target, section.as_deref(), false)
            }
            // The retranslate button reads its region again and asks the provider again, past the memory.
            OverlayIn::Retranslate => {
                let (ctl, mut desk) = self.split(Some(target));
                ctl.read_again(&mut desk, slot, Instant::now(), false);
            }
            OverlayIn::ToggleAuto => {
                let (ctl, mut desk) = self.split(Some(target));
                ctl.toggle_auto(&mut desk);
            }
            OverlayIn::Painted { job } => self.ctl.painted(job),
            // Correcting the recognised text needs the keyboard, which the overlay never takes otherwise (it
            // must not steal the game's focus).
            OverlayIn::EditSource => {
                if let Some((o, _)) = self.overlays.by_page(n) {
                    o.page.set_focusable(true);
                    o.page.window.set_focus();
                }
            }
            OverlayIn::EditDone => {
                if let Some((o, _)) = self.overlays.by_page(n) {
                    o.page.set_focusable(false);
                }
            }
            OverlayIn::CorrectSource {
                original,
                corrected,
            } => {
                if let Some((o, _)) = self.overlays.by_page(n) {
                    o.page.set_focusable(false);
                }
                let (ctl, mut desk) = self.split(Some(target));
                ctl.correct_source(&mut desk, slot, &original, &corrected, Instant::now());
            }
            // The window's own messages were handled by the overlay.
            OverlayIn::Ready
            | OverlayIn::Drag
            | OverlayIn::Resize { .. }
            | OverlayIn::ContentSize { .. } => {}
        }
    }

    fn window_event(&mut self, id: WindowId, event: WindowEvent) {
        let refresh = matches!(
            event,
            WindowEvent::Moved(_)
                | WindowEvent::Resized(_)
                | WindowEvent::CloseRequested
                | WindowEvent::Destroyed
                | WindowEvent::Focused(_)
        );
        match event {
            WindowEvent::ScaleFactorChanged { new_inner_size, .. } => {
                // A selector moved onto a monitor of another scale keeps covering that monitor exactly.
                if let Some(size) = self.selectors.keep_size(id) {
                    *new_inner_size = size;
                }
            }
            WindowEvent::CloseRequested if self.settings_window.is(id) => {
                self.settings_window.close();
                self.overlays_on_top(true);
                // Closed while a hotkey field recorded keys: the hotkeys come back.
                self.record_hotkey(false);
            }
            WindowEvent::CloseRequested if self.history_window.is(id) => {
                self.history_window.close();
                self.overlays_on_top(true);
            }
            WindowEvent::Focused(focused)
                if self.settings_window.is(id) || self.history_window.is(id) =>
            {
                // ocrlay's own windows in front: the overlays step back so they never cover the settings (its
                // Save button, the colour dialog). Away from them: on top again, unless the window in front is
                // still one of ocrlay's (a dialog of the settings page).
                let ours_in_front = focused
                    || matches!(
                        crate::capture::foreground(),
                        crate::capture::Foreground::Own
                    );
                self.overlays_on_top(!ours_in_front);
            }
            ref e => {
                if let Some((overlay, slot)) = self.overlays.by_window(id) {
                    let placed = match e {
                        WindowEvent::CloseRequested => {
                            overlay.show(false, self.ctl.settings.overlay.locked);
                            None
                        }
                        e => overlay.window_event(e),
                    };
                    if let (Some(at), Some(slot)) = (placed, slot) {
                        self.ctl.overlay_placed_by_user(slot, at);
                    }
                }
            }
        }
        if refresh {
            self.refresh_own_windows();
        }
    }
}
