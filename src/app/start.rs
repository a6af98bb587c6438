//! Starting the app: the one-instance lock, the settings, the pipeline, the overlay and the hotkeys, then the
//! loop; and what is done once the loop runs (tray, warm selectors, the first-start welcome).

use super::event::AppEvent;
use super::webview::Shots;
use super::windows::history::HistoryWindow;
use super::windows::overlay::{NoticeAction, Opener, Overlays};
use super::windows::selector::Selectors;
use super::windows::settings::SettingsWindow;
use super::{engine_params, hotkeys, instance, os, tray, ui_lang, App, Controller};
use crate::capture::Rect;
use crate::config;
use crate::pipeline::{Pipeline, Sink, TranslationPlan};
use crate::probe::{self, Probe};
use crate::text::Text;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use tao::event::{Event, StartCause};
use tao::event_loop::{ControlFlow, EventLoop, EventLoopBuilder, EventLoopWindowTarget};

/// How the app starts.
#[derive(Debug, Clone, Default)]
pub struct RunOptions {
    /// Open the settings window once it runs (`ocrlay settings` when no ocrlay was running).
    pub show_settings: bool,
}

/// Starts the app and runs until Quit. Only returns on a start-up error, or at once (Ok) when another ocrlay
/// of this user runs already: that one is asked to show its settings instead.
pub fn run(config_path: PathBuf, options: RunOptions) -> anyhow::Result<()> {
    // Before GTK starts (and before any thread): how ocrlay's windows run on a Wayland desktop.
    #[cfg(target_os = "linux")]
    os::prepare_gtk();
    instance::check_display()?;
    let lock = match instance::lock(&config_path) {
        Ok(lock) => lock,
        Err(instance::StartError::AlreadyRunning) => {
            if instance::ask_running(&config_path, instance::Request::ShowSettings).unwrap_or(false)
            {
                println!("ocrlay is already running: its settings window is in front now.");
                return Ok(());
            }
            return Err(instance::StartError::AlreadyRunning.into());
        }
        Err(e) => return Err(e.into()),
    };
    let loaded = config::load(&config_path);
    loaded.log_warnings();
    let settings = loaded.settings;
    os::check_webview(ui_lang(settings.general.ui_language) == "zh").map_err(anyhow::Error::msg)?;
    let event_loop: EventLoop<AppEvent> = EventLoopBuilder::with_user_event().build();
    #[cfg(target_os = "linux")]
    os::say_when_the_display_goes(ui_lang(settings.general.ui_language));
    let proxy = event_loop.create_proxy();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("ocrlay-net")
        .enable_all()
        .build()?;
    let sink: Sink = {
        let p = Mutex::new(proxy.clone());
        Arc::new(move |e| {
            if let Ok(p) = p.lock() {
                let _ = p.send_event(AppEvent::Pipeline(e));
            }
        })
    };
    let mut startup_notes = Vec::new();
    let zh = ui_lang(settings.general.ui_language) == "zh";
    let store = crate::memory::open_for(&settings.memory, zh, &mut startup_notes);
    let own_windows: Arc<Mutex<Vec<Rect>>> = Arc::default();
    let pipeline = Pipeline::start(
        settings.ocr.engine,
        engine_params(&settings),
        TranslationPlan::from_settings(&settings),
        runtime.handle().clone(),
        store.clone(),
        own_windows.clone(),
        sink,
    );
    let shots: Shots = Arc::default();
    let overlays = Overlays::open(
        settings.regions.active,
        &Opener {
            target: &event_loop,
            settings: settings.overlay.clone(),
            ui_lang: ui_lang(settings.general.ui_language),
            proxy: &proxy,
            shots: &shots,
        },
    )?;
    let (hotkeys, hotkey_error) = match hotkeys::Hotkeys::new(proxy.clone()) {
        Ok(mut h) => {
            h.apply(&settings.hotkeys);
            (Some(h), None)
        }
        Err(e) => (None, Some(e)),
    };
    crate::capture::set_method(settings.capture.method);
    let bound_games = settings.profiles.iter().any(|p| p.game.is_some());
    let foreground =
        super::foreground::Watcher::start(proxy.clone(), super::foreground::needed(bound_games));
    // Read-aloud's problems (no speech service, a voice not installed) come back as a status line.
    let speech = {
        let proxy = proxy.clone();
        crate::speech::Speech::system(move |e| {
            let _ = proxy.send_event(AppEvent::Speech(e));
        })
    };
    let mut app = App {
        config_warnings: loaded.warnings,
        ctl: Controller::new(settings, config_path),
        proxy,
        runtime,
        pipeline,
        shots,
        overlays,
        selectors: Selectors::default(),
        settings_window: SettingsWindow::default(),
        history_window: HistoryWindow::default(),
        store,
        own_windows,
        hotkeys,
        hotkey_error,
        tray: None,
        clipboard: None,
        outputs: crate::outputs::Outputs::with_speech(speech),
        foreground,
        back_after_selection: Vec::new(),
        show_settings_at_start: options.show_settings,
    };
    let zh = app.zh();
    if let Err(e) = app
        .outputs
        .configure(&app.ctl.settings.output, app.runtime.handle(), zh)
    {
        startup_notes.push(e);
    }
    for note in startup_notes {
        app.status(&note);
    }
    // Other ocrlay processes (`ocrlay settings`, a second start) reach this one here.
    let listener = {
        let proxy = Mutex::new(app.proxy.clone());
        instance::listen(app.ctl.config_path(), move |request| {
            if let Ok(p) = proxy.lock() {
                let _ = p.send_event(AppEvent::Request(request));
            }
        })
        .inspect_err(|e| {
            tracing::warn!("`ocrlay settings` and `ocrlay trigger` cannot reach this instance: {e}")
        })
        .ok()
    };
    let mut lock = Some((lock, listener));
    event_loop.run(move |event, target, control_flow| {
        *control_flow = ControlFlow::Wait;
        match event {
            Event::NewEvents(StartCause::Init) => app.started(target),
            Event::UserEvent(e) => app.handle(e, target, control_flow),
            Event::WindowEvent {
                window_id, event, ..
            } => app.window_event(window_id, event),
            Event::LoopDestroyed => {
                app.ctl.save_state();
                lock.take();
            }
            _ => {}
        }
    })
}

impl App {
    fn started(&mut self, target: &EventLoopWindowTarget<AppEvent>) {
        let tray_error = match tray::create(self.proxy.clone(), self.lang()) {
            Ok(t) => {
                self.tray = Some(t);
                None
            }
            Err(e) => Some(e),
        };
        // Warm the selector pages now, so Alt+Q shows them at once.
        self.selectors.warm(target, &self.proxy, &self.shots);
        let settings = &self.ctl.settings;
        let names: Vec<&str> = settings
            .enabled_providers()
            .iter()
            .map(|p| p.name)
            .collect();
        let first_start = names.is_empty() && !settings.general.setup_done;
        tracing::info!(
            providers = ?names,
            config = %self.ctl.config_path().display(),
            "ocrlay is running: {} selects a region",
            settings.hotkeys.select_region
        );
        if let Some(e) = self.hotkey_error.clone() {
            self.status(&e);
        }
        let errors: Vec<Text> = self
            .hotkeys
            .as_ref()
            .map(|h| h.errors.values().cloned().collect())
            .unwrap_or_default();
        for e in errors {
            self.notice(e, Some(NoticeAction::OpenSettings));
        }
        if let Some(why) = tray_error {
            // Said once, where the user looks: how to reach the settings without a tray icon.
            tracing::info!("no tray icon: {why}");
            probe::emit(Probe::NoTray);
            let hotkey = self.ctl.settings.hotkeys.open_settings.clone();
            let msg = Text::new("status.no_tray")
                .with_text("why", why)
                .with("hotkey", hotkey);
            self.notice(msg, Some(NoticeAction::OpenSettings));
        }
        if first_start {
            // First start (or no provider ever worked): the settings open on the providers, with a welcome.
            tracing::info!("first start: opening the settings with the welcome");
            probe::emit(Probe::FirstStart);
            self.open_settings(target, Some("providers"), true);
        }
        if self.show_settings_at_start {
            self.open_settings(target, None, false);
        }
        probe::emit(Probe::Running);
    }
}
