//! The desktop app: one tao event loop owns every window (overlay, region selectors, settings); background
//! work (hotkeys, tray, the capture/OCR/translate pipeline, provider tests) reaches it only as [`AppEvent`]s
//! through an `EventLoopProxy`.

pub mod event;
pub mod history;
pub mod hotkeys;
pub mod instance;
pub mod ipc;
pub mod os;
pub mod placement;
pub mod settings_bridge;
pub mod tray;
pub mod webview;

use crate::capture::{self, MonitorInfo, Rect};
use crate::config::{self, Settings, UiLanguage};
use crate::memory::Store;
use crate::ocr::EngineParams;
use crate::pipeline::{
    Job, JobEnd, Pipeline, PipelineEvent, Sink, Source, StopReason, TranslationPlan,
};
use crate::providers::{self, Endpoint};
use event::{AppEvent, HotkeyAction, Page};
use image::RgbaImage;
use ipc::{OverlayIn, OverlayOut, ProviderRef, SelectorIn, SelectorOut, SettingsIn, SettingsOut};
use serde::Serialize;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tao::dpi::{LogicalSize, PhysicalPosition, PhysicalSize};
use tao::event::{Event, StartCause, WindowEvent};
use tao::event_loop::{
    ControlFlow, EventLoop, EventLoopBuilder, EventLoopProxy, EventLoopWindowTarget,
};
use tao::window::{Window, WindowBuilder, WindowId};
use webview::Shots;
use wry::WebView;

/// A window with a page in it, and the messages waiting until the page says it is ready.
struct PageWindow {
    window: Window,
    webview: WebView,
    ready: bool,
    queue: Vec<String>,
    /// Screen captures leave this window out (Windows 10 2004+): capture need not keep clear of it.
    excluded: bool,
    /// The click-through state last set (`None` before the first).
    click_through: Option<bool>,
}

/// Messages kept for a page that is not ready yet; past this the oldest go.
const PAGE_QUEUE_MAX: usize = 256;

impl PageWindow {
    /// Click-through on or off. The window's style changes with it (a layered window on Windows), so the
    /// capture exclusion is asked for again and checked.
    fn set_click_through(&mut self, on: bool) {
        // Set each time: it only takes on a realized window (the overlay is shown again and again).
        let _ = self.window.set_ignore_cursor_events(on);
        // The exclusion only when the style really changed, not on every show.
        if cfg!(windows) && self.click_through != Some(on) {
            self.excluded = os::exclude_from_capture(&self.window);
        }
        self.click_through = Some(on);
    }

    fn send<T: Serialize>(&mut self, msg: &T) {
        let script = ipc::script_for(msg);
        if self.ready {
            if let Err(e) = self.webview.evaluate_script(&script) {
                tracing::warn!("a page did not take a message: {e}");
            }
        } else {
            // A page that never loads must not hold every status and delta of the session.
            if self.queue.len() >= PAGE_QUEUE_MAX {
                self.queue.remove(0);
            }
            self.queue.push(script);
        }
    }

    fn on_ready(&mut self) {
        self.ready = true;
        for script in std::mem::take(&mut self.queue) {
            let _ = self.webview.evaluate_script(&script);
        }
    }
}

struct Selector {
    page: PageWindow,
    monitor: Option<(MonitorInfo, Arc<RgbaImage>)>,
    /// The monitor it covers, in physical desktop pixels: its size stays that when the window lands on a
    /// monitor of another scale (Windows would resize it to keep its logical size).
    place: Option<Rect>,
}

/// Timings of one job, from the hotkey press to the first painted character.
#[derive(Debug, Clone, Copy)]
struct Trace {
    job: u64,
    hotkey: Instant,
    captured: Option<Instant>,
    recognized: Option<Instant>,
    first_delta: Option<Instant>,
    painted: bool,
    /// Started by auto mode (timed from the new line's OCR, not from a key press).
    auto: bool,
}

struct App {
    settings: Settings,
    config_path: PathBuf,
    config_warnings: Vec<String>,
    proxy: EventLoopProxy<AppEvent>,
    runtime: tokio::runtime::Runtime,
    pipeline: Pipeline,
    shots: Shots,
    overlay: PageWindow,
    overlay_visible: bool,
    selectors: Vec<Selector>,
    selecting: Option<Instant>,
    settings_window: Option<PageWindow>,
    history_window: Option<PageWindow>,
    store: Option<Arc<Mutex<Store>>>,
    /// Where our visible windows are, for auto mode (it never reads them).
    own_windows: Arc<Mutex<Vec<Rect>>>,
    /// The overlay was hidden so that a manual capture could read what it covers (no compositor): it comes
    /// back once the capture is done.
    hidden_for_capture: Option<u64>,
    /// The user is moving the overlay (a drag from its page): `Moved` events are the user's placement then,
    /// not ocrlay's own `set_outer_position`.
    user_moving: bool,
    /// Where ocrlay last put the overlay: until the window system reports the move, the reported position is
    /// the old one, and capture must keep clear of both.
    overlay_intended: Option<Rect>,
    /// The region the overlay was last placed for (beside it, over it, or where the user put it for that slot).
    placed_for: Option<Rect>,
    hotkeys: Option<hotkeys::Hotkeys>,
    hotkey_error: Option<String>,
    tray: Option<tray_icon::TrayIcon>,
    clipboard: Option<arboard::Clipboard>,
    last_region: Option<Rect>,
    auto_on: bool,
    trace: Option<Trace>,
    shot_serial: u64,
    /// The overlay's status shows work under way (its spinner turns).
    status_busy: bool,
    /// The overlay sits beside `placed_for` where ocrlay put it, on this monitor: it follows its own size.
    placed_beside: Option<Rect>,
    /// The history window's thread (started with the window's first message).
    history_worker: Option<history::Worker>,
    /// Provider tests and model lists the settings page started, by (provider, is a test): stopped when a new
    /// one replaces them or the settings window closes.
    provider_calls: std::collections::HashMap<(String, bool), tokio::task::AbortHandle>,
    /// Open the settings once the loop runs (`ocrlay settings` started this instance).
    show_settings_at_start: bool,
}

/// The UI language in effect: the setting, or the system's.
pub fn ui_lang(setting: UiLanguage) -> &'static str {
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

fn overlay_builder(s: &Settings) -> WindowBuilder {
    let b = WindowBuilder::new()
        .with_title("ocrlay")
        .with_decorations(false)
        .with_transparent(true)
        .with_always_on_top(true)
        .with_focusable(false)
        .with_focused(false)
        .with_resizable(true)
        .with_visible(false)
        .with_inner_size(LogicalSize::new(f64::from(s.overlay.width), 140.0));
    #[cfg(target_os = "linux")]
    let b = {
        use tao::platform::unix::WindowBuilderExtUnix;
        b.with_skip_taskbar(true)
    };
    match s.overlay.position {
        Some([x, y]) => b.with_position(PhysicalPosition::new(x, y)),
        None => b,
    }
}

fn make_page(
    target: &EventLoopWindowTarget<AppEvent>,
    builder: WindowBuilder,
    page: &str,
    kind: Page,
    transparent: bool,
    proxy: &EventLoopProxy<AppEvent>,
    shots: &Shots,
) -> anyhow::Result<PageWindow> {
    let window = builder.build(target)?;
    let webview = webview::build(
        &window,
        page,
        kind,
        transparent,
        proxy.clone(),
        shots.clone(),
    )?;
    // ocrlay's windows stay out of its own captures where the system allows it.
    let excluded = os::exclude_from_capture(&window);
    Ok(PageWindow {
        window,
        webview,
        ready: false,
        queue: Vec::new(),
        excluded,
        click_through: None,
    })
}

/// How the app starts.
#[derive(Debug, Clone, Default)]
pub struct RunOptions {
    /// Open the settings window once it runs (`ocrlay settings` when no ocrlay was running).
    pub show_settings: bool,
}

/// Starts the app and runs until Quit. Only returns on a start-up error, or at once (Ok) when another ocrlay
/// of this user runs already: that one is asked to show its settings instead.
pub fn run(config_path: PathBuf, options: RunOptions) -> anyhow::Result<()> {
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
    let settings = loaded.settings;
    os::check_webview(ui_lang(settings.general.ui_language) == "zh").map_err(anyhow::Error::msg)?;
    let event_loop: EventLoop<AppEvent> = EventLoopBuilder::with_user_event().build();
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
    let store = open_store(&settings, &mut startup_notes);
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
    let overlay = make_page(
        &event_loop,
        overlay_builder(&settings),
        "overlay.html",
        Page::Overlay,
        true,
        &proxy,
        &shots,
    )?;
    let (hotkeys, hotkey_error) = match hotkeys::Hotkeys::new(proxy.clone()) {
        Ok(mut h) => {
            h.apply(
                &settings.hotkeys,
                ui_lang(settings.general.ui_language) == "zh",
            );
            (Some(h), None)
        }
        Err(e) => (None, Some(e)),
    };
    let mut app = App {
        config_warnings: loaded.warnings.iter().map(|w| w.to_string()).collect(),
        settings,
        config_path,
        proxy,
        runtime,
        pipeline,
        shots,
        overlay,
        overlay_visible: false,
        selectors: Vec::new(),
        selecting: None,
        settings_window: None,
        history_window: None,
        store,
        own_windows,
        hidden_for_capture: None,
        user_moving: false,
        overlay_intended: None,
        placed_for: None,
        hotkeys,
        hotkey_error,
        tray: None,
        clipboard: None,
        last_region: None,
        auto_on: false,
        trace: None,
        shot_serial: 0,
        status_busy: false,
        placed_beside: None,
        provider_calls: std::collections::HashMap::new(),
        history_worker: None,
        show_settings_at_start: options.show_settings,
    };
    app.send_appearance();
    for note in startup_notes {
        app.status(&note, false);
        app.show_overlay(true);
    }
    // Other ocrlay processes (`ocrlay settings`, a second start) reach this one here.
    let listener = {
        let proxy = Mutex::new(app.proxy.clone());
        instance::listen(&app.config_path, move |request| match request {
            instance::Request::ShowSettings => {
                if let Ok(p) = proxy.lock() {
                    let _ = p.send_event(AppEvent::ShowSettings);
                }
            }
        })
        .inspect_err(|e| tracing::warn!("`ocrlay settings` cannot reach this instance: {e}"))
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
                app.save_state();
                lock.take();
            }
            _ => {}
        }
    })
}

impl App {
    fn zh(&self) -> bool {
        ui_lang(self.settings.general.ui_language) == "zh"
    }

    fn t(&self, zh: &str, en: &str) -> String {
        if self.zh() {
            zh.to_string()
        } else {
            en.to_string()
        }
    }

    fn started(&mut self, target: &EventLoopWindowTarget<AppEvent>) {
        let tray_error = match tray::create(self.proxy.clone(), self.zh()) {
            Ok(t) => {
                self.tray = Some(t);
                None
            }
            Err(e) => Some(e),
        };
        // Warm the selector pages now, so Alt+Q shows them at once.
        if let Ok(monitors) = capture::monitors() {
            for (i, m) in monitors.iter().enumerate() {
                self.ensure_selector(i, target);
                // Already at the monitor's place and size: showing it later needs no relayout.
                if let Some(sel) = self.selectors.get_mut(i) {
                    let r = m.rect;
                    sel.place = Some(r);
                    sel.page
                        .window
                        .set_outer_position(PhysicalPosition::new(r.x, r.y));
                    sel.page
                        .window
                        .set_inner_size(PhysicalSize::new(r.width, r.height));
                }
            }
        }
        let names: Vec<&str> = self
            .settings
            .enabled_providers()
            .iter()
            .map(|p| p.name)
            .collect();
        tracing::info!(
            providers = ?names,
            config = %self.config_path.display(),
            "ocrlay is running: {} selects a region",
            self.settings.hotkeys.select_region
        );
        if let Some(e) = self.hotkey_error.clone() {
            self.status(&e, false);
        }
        let errors: Vec<String> = self
            .hotkeys
            .as_ref()
            .map(|h| h.errors.values().cloned().collect())
            .unwrap_or_default();
        for e in errors {
            self.notice(e, Some(ipc::NoticeAction::OpenSettings));
        }
        if let Some(why) = tray_error {
            // Said once, where the user looks: how to reach the settings without a tray icon.
            tracing::info!("no tray icon: {why}");
            let hotkey = self.settings.hotkeys.open_settings.clone();
            let msg = if self.zh() {
                format!(
                    "这里没有托盘图标（{why}）：按 {hotkey}，或运行 `ocrlay settings` 打开设置。"
                )
            } else {
                format!("No tray icon here ({why}): press {hotkey}, or run `ocrlay settings`, to open the settings.")
            };
            self.notice(msg, Some(ipc::NoticeAction::OpenSettings));
        }
        if names.is_empty() && !self.settings.general.setup_done {
            // First start (or no provider ever worked): the settings open on the providers, with a welcome.
            tracing::info!("first start: opening the settings with the welcome");
            self.open_settings_at(target, Some("providers"), true);
        }
        if self.show_settings_at_start {
            self.open_settings_at(target, None, false);
        }
    }

    /// A provider worked (a translation, or a passing test): the welcome need not open again. Written to the
    /// settings file at once, keeping everything else in it as it is.
    fn remember_setup_done(&mut self) {
        if self.settings.general.setup_done {
            return;
        }
        self.settings.general.setup_done = true;
        if let Err(e) = config::update(&self.config_path, |s| s.general.setup_done = true) {
            tracing::warn!("{e}");
        }
    }

    /// A message of the app itself in the overlay's body (until the next job), with a button when given.
    fn notice(&mut self, text: String, action: Option<ipc::NoticeAction>) {
        self.overlay.send(&OverlayOut::Notice {
            job: None,
            text,
            action,
        });
        self.show_overlay(true);
    }

    fn status(&mut self, text: &str, busy: bool) {
        tracing::debug!(text, busy, "status");
        self.status_busy = busy;
        self.overlay.send(&OverlayOut::Status {
            text: text.to_string(),
            busy,
        });
    }

    fn send_appearance(&mut self) {
        let msg = OverlayOut::Appearance {
            appearance: self.settings.overlay.clone(),
            ui_lang: ui_lang(self.settings.general.ui_language).into(),
        };
        self.overlay.send(&msg);
        self.overlay.set_click_through(self.settings.overlay.locked);
    }

    fn show_overlay(&mut self, show: bool) {
        self.overlay_visible = show;
        self.overlay.window.set_visible(show);
        self.refresh_own_windows();
        if show {
            // Becoming visible realizes the window: click-through needs a realized window.
            self.overlay.set_click_through(self.settings.overlay.locked);
        }
    }

    fn ensure_selector(&mut self, i: usize, target: &EventLoopWindowTarget<AppEvent>) {
        while self.selectors.len() <= i {
            let n = self.selectors.len();
            let builder = WindowBuilder::new()
                .with_title("ocrlay region")
                .with_decorations(false)
                .with_always_on_top(true)
                .with_visible(false)
                .with_inner_size(PhysicalSize::new(800u32, 600u32));
            #[cfg(target_os = "linux")]
            let builder = {
                use tao::platform::unix::WindowBuilderExtUnix;
                builder.with_skip_taskbar(true)
            };
            match make_page(
                target,
                builder,
                "selector.html",
                Page::Selector(n),
                false,
                &self.proxy,
                &self.shots,
            ) {
                Ok(page) => self.selectors.push(Selector {
                    page,
                    monitor: None,
                    place: None,
                }),
                Err(e) => {
                    tracing::error!("cannot open the region selector: {e:#}");
                    return;
                }
            }
        }
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
                self.hotkey(action, at, target);
            }
            AppEvent::ToHistory(answers) => {
                if let Some(w) = &mut self.history_window {
                    for a in &answers {
                        w.send(a);
                    }
                }
            }
            AppEvent::ShowSettings => {
                tracing::info!("another ocrlay asked for the settings");
                self.open_settings_at(target, None, false);
            }
            AppEvent::Menu(id) => self.menu(&id, target, control_flow),
            AppEvent::Ipc { page, body } => self.ipc(page, &body, target, control_flow),
            AppEvent::Shots { monitors, at } => self.show_selectors(monitors, at, target),
            AppEvent::ShotsFailed(e) => {
                self.selecting = None;
                self.status(&e, false);
                self.show_overlay(true);
            }
            AppEvent::Pipeline(e) => self.pipeline_event(e),
            AppEvent::ToSettings(msg) => {
                if matches!(msg, SettingsOut::TestResult { ok: true, .. }) {
                    self.remember_setup_done();
                }
                if let Some(w) = &mut self.settings_window {
                    w.send(&msg);
                }
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
            HotkeyAction::OpenSettings => self.open_settings_at(target, None, false),
            HotkeyAction::SelectRegion => self.start_selection(at),
            HotkeyAction::RepeatLast => self.repeat_last(at, true),
            HotkeyAction::ToggleOverlay => {
                let show = !self.overlay_visible;
                self.show_overlay(show);
            }
            HotkeyAction::ToggleAuto => {
                let on = !self.auto_on;
                self.set_auto(on);
            }
            HotkeyAction::Region(n) => self.switch_region(n),
        }
    }

    /// Freezes every monitor in a screenshot (off the UI thread), then shows the selectors over them.
    fn start_selection(&mut self, at: Instant) {
        if self.selecting.is_some() {
            return;
        }
        self.selecting = Some(at);
        let proxy = self.proxy.clone();
        let shots = self.shots.clone();
        std::thread::spawn(move || {
            let result =
                (|| -> Result<Vec<(MonitorInfo, Arc<RgbaImage>)>, capture::CaptureError> {
                    let mut out = Vec::new();
                    for (i, m) in capture::monitors()?.into_iter().enumerate() {
                        let img = capture::capture_monitor(m.id)?;
                        let mut bmp = Vec::new();
                        // Straight to RGB: no copy of the whole RGBA screenshot on the way.
                        let rgb: image::RgbImage = image::buffer::ConvertBuffer::convert(&img);
                        let _ = rgb
                            .write_to(&mut std::io::Cursor::new(&mut bmp), image::ImageFormat::Bmp);
                        if let Ok(mut s) = shots.lock() {
                            s.insert(format!("{i}.bmp"), bmp);
                        }
                        out.push((m, Arc::new(img)));
                    }
                    Ok(out)
                })();
            let _ = proxy.send_event(match result {
                Ok(monitors) => AppEvent::Shots { monitors, at },
                Err(e) => AppEvent::ShotsFailed(e.to_string()),
            });
        });
    }

    fn show_selectors(
        &mut self,
        monitors: Vec<(MonitorInfo, Arc<RgbaImage>)>,
        at: Instant,
        target: &EventLoopWindowTarget<AppEvent>,
    ) {
        tracing::debug!(
            ms = at.elapsed().as_millis(),
            monitors = monitors.len(),
            "screens frozen"
        );
        self.shot_serial += 1;
        let lang = ui_lang(self.settings.general.ui_language).to_string();
        for (i, (m, img)) in monitors.into_iter().enumerate() {
            self.ensure_selector(i, target);
            let serial = self.shot_serial;
            let Some(sel) = self.selectors.get_mut(i) else {
                continue;
            };
            sel.place = Some(m.rect);
            let w = &sel.page.window;
            w.set_outer_position(PhysicalPosition::new(m.rect.x, m.rect.y));
            w.set_inner_size(PhysicalSize::new(m.rect.width, m.rect.height));
            w.set_visible(true);
            w.set_always_on_top(true);
            w.set_focus();
            sel.page.send(&SelectorOut::Shot {
                url: webview::url(&format!("shot/{i}.bmp?n={serial}")),
                ui_lang: lang.clone(),
            });
            sel.monitor = Some((m, img));
        }
    }

    fn hide_selectors(&mut self) {
        for s in &mut self.selectors {
            s.page.window.set_visible(false);
            s.monitor = None;
        }
        self.selecting = None;
        // The frozen screens (a full monitor each, served to the selector pages) are not kept past the choice.
        if let Ok(mut shots) = self.shots.lock() {
            shots.clear();
        }
    }

    fn repeat_last(&mut self, at: Instant, use_memory: bool) {
        // The active saved region is there from the last run too.
        let region = self
            .last_region
            .or_else(|| self.settings.regions.current().rect());
        let slot = self.settings.regions.current();
        // A region bound to a window reads the window itself (wherever it is now, even under the overlay).
        let bound = slot
            .window
            .as_ref()
            .filter(|_| self.last_region.is_none() || self.last_region == slot.rect())
            .map(|w| Source::Bound {
                title: w.title.clone(),
                offset: w.offset,
            });
        match region {
            Some(region) => {
                if self.placed_for != Some(region) {
                    // First use of this region since the start: the slot's overlay position, or beside/over it.
                    match self.settings.regions.current().overlay_position {
                        Some([x, y]) => self.move_overlay(x, y, None),
                        None => self.place_overlay(region),
                    }
                    self.placed_for = Some(region);
                }
                let source = bound.unwrap_or(Source::Region(region));
                self.submit(source, at, use_memory)
            }
            None => {
                let msg = self.t(
                    "还没有选择过区域：先按选择区域的热键。",
                    "No region yet: press the select-region hotkey first.",
                );
                self.status(&msg, false);
                self.show_overlay(true);
            }
        }
    }

    fn submit(&mut self, source: Source, at: Instant, use_memory: bool) {
        let id = self.pipeline.next_id();
        self.trace = Some(Trace {
            job: id,
            hotkey: at,
            captured: None,
            recognized: None,
            first_delta: None,
            painted: false,
            auto: false,
        });
        // Where a covered window cannot be read (X11 without a compositor), the overlay steps aside for the
        // capture instead of being read itself.
        let mut settle = Duration::ZERO;
        let target = match &source {
            Source::Region(region) => Some(*region),
            Source::Bound { .. } => self.settings.regions.current().rect(),
            Source::Image(_) => None,
        };
        if self.hidden_for_capture.is_some() {
            // Still hidden for a capture this one supersedes: this job shows it again.
            self.hidden_for_capture = Some(id);
            settle = Duration::from_millis(120);
        } else if let Some(region) = target {
            // Where the overlay is, or where ocrlay just asked it to go (the window system reports that later).
            let covers = |r: Rect| r.intersect(&region).is_some();
            if self.overlay_visible
                && (covers(self.overlay_rect()) || self.overlay_intended.is_some_and(covers))
                && !capture::covered_capture_supported()
            {
                self.overlay.window.set_visible(false);
                self.overlay_visible = false;
                self.hidden_for_capture = Some(id);
                self.refresh_own_windows();
                settle = Duration::from_millis(120);
                tracing::debug!("overlay hidden for the capture");
            }
        }
        let msg = self.t("识别中…", "Reading…");
        self.status(&msg, true);
        self.pipeline.submit(Job {
            id,
            source,
            started: at,
            region: self.settings.regions.current().name.clone(),
            use_memory,
            settle,
        });
    }

    fn place_overlay(&mut self, region: Rect) {
        self.placed_for = Some(region);
        if self.settings.overlay.mode == config::OverlayMode::Over {
            // Over the text: same place and width as the region; the page grows it when the translation needs
            // more height (content_size).
            let size = self.size_over(region, region.height);
            self.move_overlay(region.x, region.y, Some(size));
            return;
        }
        let monitors = capture::monitors().unwrap_or_default();
        let Some(i) = capture::monitor_for(&region, &monitors) else {
            return;
        };
        let size = self.overlay.window.outer_size();
        let (x, y) = placement::beside(region, (size.width, size.height), monitors[i].rect);
        self.move_overlay(x, y, None);
        self.placed_beside = Some(monitors[i].rect);
    }

    /// Beside mode, placed by ocrlay: the overlay's content changed its size, so its place is worked out
    /// again for that size (an overlay above the region grows upwards instead of over the text).
    fn replace_beside(&mut self, size: PhysicalSize<u32>) {
        let (Some(region), Some(monitor)) = (self.placed_for, self.placed_beside) else {
            return;
        };
        let (x, y) = placement::beside(region, (size.width, size.height), monitor);
        let now = self.overlay_intended.map(|r| (r.x, r.y)).or_else(|| {
            self.overlay
                .window
                .outer_position()
                .ok()
                .map(|p| (p.x, p.y))
        });
        if now != Some((x, y)) {
            self.move_overlay(x, y, Some(size));
            self.placed_beside = Some(monitor);
        }
    }

    /// "over" mode: the overlay gets the region's width and `height`.
    fn size_over(&mut self, region: Rect, height: u32) -> PhysicalSize<u32> {
        let size = PhysicalSize::new(region.width.max(120), height);
        self.overlay.window.set_inner_size(size);
        size
    }

    /// Puts the overlay at (x, y) (ocrlay's own placement, not the user's). Capture learns the new place at
    /// once: the window system reports the move only later, and a capture in between must not read the overlay.
    fn move_overlay(&mut self, x: i32, y: i32, size: Option<PhysicalSize<u32>>) {
        self.user_moving = false;
        self.placed_beside = None;
        self.overlay
            .window
            .set_outer_position(PhysicalPosition::new(x, y));
        let size = size.unwrap_or_else(|| self.overlay.window.outer_size());
        self.overlay_intended = Some(Rect {
            x,
            y,
            width: size.width,
            height: size.height,
        });
        self.refresh_own_windows();
    }

    fn is_current(&self, job: u64) -> bool {
        self.trace.is_some_and(|t| t.job == job)
    }

    fn pipeline_event(&mut self, e: PipelineEvent) {
        match e {
            PipelineEvent::EngineReady(Ok(())) => {
                if self.settings.auto.start_on_launch && !self.auto_on {
                    self.set_auto(true);
                }
            }
            PipelineEvent::AutoJob { job } => {
                self.trace = Some(Trace {
                    job,
                    hotkey: Instant::now(),
                    captured: None,
                    recognized: None,
                    first_delta: None,
                    painted: false,
                    auto: true,
                });
            }
            PipelineEvent::RegionMoved { job, region } => {
                // A superseded manual job, or auto mode that was stopped, speaks of a region no longer current.
                let current = match job {
                    Some(job) => self.is_current(job),
                    None => self.auto_on,
                };
                if !current {
                    return;
                }
                // The bound window moved: the region, and the overlay with it (unless the user placed it).
                tracing::debug!(?region, "bound region moved");
                self.last_region = Some(region);
                let slot = self.settings.regions.current_mut();
                if slot.window.is_some() {
                    slot.rect = Some([
                        region.x,
                        region.y,
                        region.width as i32,
                        region.height as i32,
                    ]);
                }
                let user_placed = slot.overlay_position.is_some();
                if self.placed_for != Some(region) {
                    if self.settings.overlay.mode == config::OverlayMode::Over || !user_placed {
                        self.place_overlay(region);
                    } else {
                        self.placed_for = Some(region);
                    }
                }
            }
            PipelineEvent::AutoProblem(message) => {
                let msg = self.t("自动翻译：", "Auto mode: ") + &message;
                self.status(&msg, false);
                self.show_overlay(true);
            }
            PipelineEvent::EngineReady(Err(msg)) => {
                let text =
                    self.t("OCR 模型无法加载：", "The OCR models could not be loaded: ") + &msg;
                self.status(&text, false);
                self.show_overlay(true);
            }
            PipelineEvent::Captured { job, ms } => {
                if let Some(t) = self.trace.as_mut().filter(|t| t.job == job) {
                    t.captured = Some(Instant::now());
                }
                if self.hidden_for_capture == Some(job) {
                    self.hidden_for_capture = None;
                    self.show_overlay(true);
                }
                tracing::debug!(job, ms, "capture done");
            }
            PipelineEvent::Recognized {
                job,
                text,
                ms,
                providers,
                cut_from,
            } => {
                if !self.is_current(job) {
                    return;
                }
                if let Some(t) = self.trace.as_mut() {
                    t.recognized = Some(Instant::now());
                }
                let lines = text.lines().count();
                let providers_empty = providers.is_empty();
                if let (config::OverlayMode::Over, Some(r)) =
                    (self.settings.overlay.mode, self.placed_for)
                {
                    // Each line starts at the region's size again; a long translation grows it (content_size).
                    self.size_over(r, r.height);
                }
                self.overlay.send(&OverlayOut::Job {
                    job,
                    source: text,
                    providers: providers
                        .into_iter()
                        .map(|p| ProviderRef {
                            id: p.id,
                            name: p.name,
                        })
                        .collect(),
                });
                let translating = !providers_empty;
                let mut msg = match (self.zh(), translating) {
                    (true, true) => format!("OCR {ms} ms · {lines} 行 · 翻译中…"),
                    (false, true) => format!("OCR {ms} ms · {lines} lines · translating…"),
                    (true, false) => format!("OCR {ms} ms · {lines} 行"),
                    (false, false) => format!("OCR {ms} ms · {lines} lines"),
                };
                if let Some(n) = cut_from {
                    let kept = crate::pipeline::MAX_OCR_CHARS;
                    msg += &if self.zh() {
                        format!(" · 文字太长（{n} 字），只翻译前 {kept} 字")
                    } else {
                        format!(" · the text was too long ({n} characters): only the first {kept} are translated")
                    };
                }
                self.status(&msg, translating);
                self.show_overlay(true);
            }
            PipelineEvent::NoText { job, ms } => {
                if !self.is_current(job) {
                    return;
                }
                let msg = if self.zh() {
                    format!("区域里没有识别到文字（OCR {ms} ms）")
                } else {
                    format!("No text found in the region (OCR {ms} ms)")
                };
                self.status(&msg, false);
                self.show_overlay(true);
            }
            PipelineEvent::Failed { job, message } => {
                if self.hidden_for_capture == Some(job) {
                    self.hidden_for_capture = None;
                }
                if !self.is_current(job) {
                    return;
                }
                self.status(&message, false);
                self.show_overlay(true);
            }
            PipelineEvent::Delta {
                job,
                provider,
                text,
            } => {
                if !self.is_current(job) {
                    return;
                }
                if let Some(t) = self.trace.as_mut() {
                    if t.first_delta.is_none() {
                        t.first_delta = Some(Instant::now());
                        tracing::debug!(job, provider = %provider, ms = t.hotkey.elapsed().as_millis(), "overlay update (first text)");
                    }
                }
                self.overlay.send(&OverlayOut::Delta {
                    job,
                    provider,
                    text,
                });
            }
            PipelineEvent::Done {
                job,
                provider,
                text,
                ms,
            } => {
                if !self.is_current(job) {
                    return;
                }
                tracing::debug!(job, provider = %provider, ms, "overlay update (done)");
                if let Some(w) = &mut self.history_window {
                    w.send(&history::HistoryOut::Changed);
                }
                self.overlay.send(&OverlayOut::Done {
                    job,
                    provider,
                    text,
                    ms,
                });
            }
            PipelineEvent::ProviderStopped {
                job,
                provider,
                reason,
            } => {
                if !self.is_current(job) || reason != StopReason::Disabled {
                    return;
                }
                let message = self.t(
                    "这个翻译源已在设置里关闭。",
                    "This provider was turned off in the settings.",
                );
                self.overlay.send(&OverlayOut::Error {
                    job,
                    provider,
                    message,
                    partial: String::new(),
                });
            }
            PipelineEvent::Ended { job, end } => {
                tracing::debug!(job, ?end, "job ended");
                if end == JobEnd::Translated {
                    self.remember_setup_done();
                }
                if self.is_current(job) {
                    self.job_ended(job, end);
                }
            }
            PipelineEvent::ProviderFailed {
                job,
                provider,
                message,
                partial,
            } => {
                if !self.is_current(job) {
                    return;
                }
                self.overlay.send(&OverlayOut::Error {
                    job,
                    provider,
                    message,
                    partial,
                });
                self.status("", false);
            }
        }
    }

    /// The job on screen is over: the status says how, and nothing keeps spinning.
    fn job_ended(&mut self, job: u64, end: JobEnd) {
        let (total, auto) = self
            .trace
            .map(|t| (t.hotkey.elapsed().as_millis(), t.auto))
            .unwrap_or((0, false));
        let zh = self.zh();
        let msg = match end {
            JobEnd::Translated => match (auto, zh) {
                (true, true) => "自动翻译中 · 等待下一行".to_string(),
                (true, false) => "Auto mode · waiting for the next line".to_string(),
                (false, true) => format!("完成 · 共 {total} ms"),
                (false, false) => format!("Done · {total} ms in all"),
            },
            JobEnd::NoProvider => {
                let text = self.t(
                    "没有启用翻译源，所以只显示识别出的原文。在设置里启用一个翻译源（填入密钥，或选择本地的 Sakura/ollama）即可翻译。",
                    "No translation provider is enabled, so only the recognised text is shown. Enable one in the settings (paste its key, or pick a local Sakura/ollama) to translate.",
                );
                self.overlay.send(&OverlayOut::Notice {
                    job: Some(job),
                    text,
                    action: Some(ipc::NoticeAction::OpenProviders),
                });
                self.t("没有启用翻译源", "No translation provider is enabled")
            }
            JobEnd::Cancelled => self.t("已停止", "Stopped"),
            // Their own events said what happened (the error, "no text found"): only the spinner stops.
            JobEnd::Failed | JobEnd::NothingToRead => {
                if !self.status_busy {
                    return;
                }
                String::new()
            }
        };
        self.status(&msg, false);
    }

    fn painted(&mut self, job: u64) {
        let Some(t) = self.trace.as_mut().filter(|t| t.job == job && !t.painted) else {
            return;
        };
        t.painted = true;
        let now = Instant::now();
        let ms =
            |a: Instant, b: Option<Instant>| b.map(|b| b.duration_since(a).as_secs_f64() * 1e3);
        let capture = ms(t.hotkey, t.captured);
        let ocr = t.captured.and_then(|c| ms(c, t.recognized));
        let translate = t.recognized.and_then(|r| ms(r, t.first_delta));
        let render = t
            .first_delta
            .map(|d| now.duration_since(d).as_secs_f64() * 1e3);
        let total = now.duration_since(t.hotkey).as_secs_f64() * 1e3;
        tracing::info!(
            job,
            total_ms = format!("{total:.1}"),
            capture_ms = format!("{:.1}", capture.unwrap_or(0.0)),
            ocr_ms = format!("{:.1}", ocr.unwrap_or(0.0)),
            translate_first_ms = format!("{:.1}", translate.unwrap_or(0.0)),
            render_ms = format!("{:.1}", render.unwrap_or(0.0)),
            "first character painted"
        );
    }

    fn menu(
        &mut self,
        id: &str,
        target: &EventLoopWindowTarget<AppEvent>,
        control_flow: &mut ControlFlow,
    ) {
        match id {
            tray::ids::TRANSLATE => self.start_selection(Instant::now()),
            tray::ids::REPEAT => self.repeat_last(Instant::now(), true),
            tray::ids::HISTORY => self.open_history(target),
            tray::ids::TOGGLE_AUTO => {
                let on = !self.auto_on;
                self.set_auto(on);
            }
            tray::ids::TOGGLE_OVERLAY => {
                let show = !self.overlay_visible;
                self.show_overlay(show);
            }
            tray::ids::TOGGLE_LOCK => {
                let locked = !self.settings.overlay.locked;
                self.set_locked(locked);
            }
            tray::ids::SETTINGS => self.open_settings(target),
            tray::ids::QUIT => *control_flow = ControlFlow::Exit,
            _ => {}
        }
    }

    fn set_locked(&mut self, locked: bool) {
        self.settings.overlay.locked = locked;
        self.overlay.set_click_through(locked);
        self.overlay.send(&OverlayOut::Locked { locked });
    }

    fn ipc(
        &mut self,
        page: Page,
        body: &str,
        target: &EventLoopWindowTarget<AppEvent>,
        control_flow: &mut ControlFlow,
    ) {
        match page {
            Page::Overlay => match serde_json::from_str::<OverlayIn>(body) {
                Ok(m) => self.overlay_message(m, target),
                Err(e) => tracing::debug!("overlay sent an unknown message: {e}"),
            },
            Page::Selector(i) => match serde_json::from_str::<SelectorIn>(body) {
                Ok(m) => self.selector_message(i, m),
                Err(e) => tracing::debug!("selector sent an unknown message: {e}"),
            },
            Page::Settings => match serde_json::from_str::<SettingsIn>(body) {
                Ok(SettingsIn::OpenHistory) => self.open_history(target),
                Ok(m) => self.settings_message(m, control_flow),
                Err(e) => tracing::debug!("settings sent an unknown message: {e}"),
            },
            Page::History => match serde_json::from_str::<history::HistoryIn>(body) {
                Ok(m) => self.history_message(m),
                Err(e) => tracing::debug!("history sent an unknown message: {e}"),
            },
        }
    }

    fn overlay_message(&mut self, m: OverlayIn, target: &EventLoopWindowTarget<AppEvent>) {
        match m {
            OverlayIn::Ready => {
                self.overlay.on_ready();
                tracing::debug!("overlay page ready");
            }
            OverlayIn::Lock { locked } => self.set_locked(locked),
            OverlayIn::Drag => {
                self.user_moving = true;
                let _ = self.overlay.window.drag_window();
            }
            OverlayIn::ContentSize { height, .. }
                if self.settings.overlay.mode == config::OverlayMode::Over
                    && self.placed_for.is_some() =>
            {
                // Over the text: the region's width, and at least its height (more when the translation is long).
                let region = self.placed_for.unwrap_or_default();
                let scale = self.overlay.window.scale_factor();
                let h = ((height.clamp(40.0, 1600.0) * scale) as u32).max(region.height);
                self.size_over(region, h);
            }
            OverlayIn::Resize { width, height } => {
                // The user's grip: the top-left corner stays where it is.
                let size = LogicalSize::new(width.clamp(120.0, 2400.0), height.clamp(40.0, 1600.0));
                self.overlay.window.set_inner_size(size);
                self.placed_beside = None;
            }
            OverlayIn::ContentSize { width, height } => {
                let size = LogicalSize::new(width.clamp(120.0, 2400.0), height.clamp(40.0, 1600.0));
                self.overlay.window.set_inner_size(size);
                self.replace_beside(size.to_physical(self.overlay.window.scale_factor()));
            }
            OverlayIn::Copy { text } => {
                if self.clipboard.is_none() {
                    self.clipboard = arboard::Clipboard::new().ok();
                }
                if let Some(c) = &mut self.clipboard {
                    if let Err(e) = c.set_text(text) {
                        tracing::warn!("copy failed: {e}");
                    }
                }
            }
            OverlayIn::Hide => self.show_overlay(false),
            OverlayIn::OpenSettings { section } => {
                self.open_settings_at(target, section.as_deref(), false)
            }
            // The retranslate button asks the provider again, past the memory.
            OverlayIn::Retranslate => self.repeat_last(Instant::now(), false),
            OverlayIn::ToggleAuto => {
                let on = !self.auto_on;
                self.set_auto(on);
            }
            OverlayIn::Painted { job } => self.painted(job),
        }
    }

    fn selector_message(&mut self, i: usize, m: SelectorIn) {
        match m {
            SelectorIn::Ready => {
                if let Some(s) = self.selectors.get_mut(i) {
                    s.page.on_ready();
                }
            }
            SelectorIn::Shown => {
                if let Some(at) = self.selecting {
                    tracing::info!(monitor = i, ms = at.elapsed().as_millis(), "selector shown");
                }
            }
            SelectorIn::Cancel => {
                tracing::debug!("region selection cancelled");
                self.hide_selectors();
            }
            SelectorIn::Region {
                x,
                y,
                width,
                height,
                scale,
                view_width,
                view_height,
            } => {
                let Some((monitor, shot)) = self.selectors.get(i).and_then(|s| s.monitor.clone())
                else {
                    self.hide_selectors();
                    return;
                };
                let at = self.selecting.unwrap_or_else(Instant::now);
                let view = view_width.zip(view_height);
                let region =
                    placement::page_to_desktop(monitor.rect, (x, y, width, height), scale, view);
                self.hide_selectors();
                tracing::debug!(?region, monitor = %monitor.name, "region selected");
                // The frozen screenshot is exactly what the user saw when choosing.
                let (rx, ry) = (
                    (region.x - monitor.rect.x) as u32,
                    (region.y - monitor.rect.y) as u32,
                );
                let crop = image::imageops::crop_imm(&*shot, rx, ry, region.width, region.height)
                    .to_image();
                self.last_region = Some(region);
                self.place_overlay(region);
                // First the slot (a bound slot's offset inside its window), then auto mode reads it.
                self.current_region_selected(region);
                if self.auto_on {
                    self.set_auto(true);
                }
                self.submit(Source::Image(crop), at, true);
            }
        }
    }

    /// The region was just chosen: it becomes the active saved slot's region (kept across restarts).
    /// Turns auto mode on (for the active region) or off.
    fn set_auto(&mut self, on: bool) {
        if !on {
            self.auto_on = false;
            self.pipeline.set_auto(None);
            self.overlay.send(&OverlayOut::Auto { on: false });
            let msg = self.t("自动翻译已停止", "Auto mode off");
            self.status(&msg, false);
            return;
        }
        let slot = self.settings.regions.current().clone();
        let Some(region) = self.last_region.or_else(|| slot.rect()) else {
            let msg = self.t(
                "自动翻译需要一个区域：先按选择区域的热键。",
                "Auto mode needs a region: press the select-region hotkey first.",
            );
            self.status(&msg, false);
            self.show_overlay(true);
            return;
        };
        self.auto_on = true;
        self.overlay.send(&OverlayOut::Auto { on: true });
        self.pipeline.set_auto(Some(crate::pipeline::AutoTarget {
            region,
            window: slot.window.as_ref().map(|w| (w.title.clone(), w.offset)),
            name: slot.name.clone(),
            gates: self.settings.auto.gates.clone(),
        }));
        self.refresh_own_windows();
        let msg = if self.zh() {
            format!("自动翻译中：{}（新的一行出现时翻译）", slot.name)
        } else {
            format!("Auto mode on: {} (each new line is translated)", slot.name)
        };
        self.status(&msg, false);
        self.place_overlay(region);
        self.show_overlay(true);
    }

    /// Makes saved region `n` the active one (Alt+1…4).
    fn switch_region(&mut self, n: usize) {
        if n >= self.settings.regions.slots.len() {
            return;
        }
        self.settings.regions.active = n;
        let slot = self.settings.regions.current().clone();
        self.last_region = slot.rect();
        match (slot.overlay_position, self.last_region) {
            (Some([x, y]), _) => {
                self.placed_for = self.last_region;
                self.move_overlay(x, y, None)
            }
            (None, Some(r)) => self.place_overlay(r),
            (None, None) => {}
        }
        if self.auto_on {
            self.set_auto(true);
        } else {
            let msg = match (self.last_region, self.zh()) {
                (Some(_), true) => format!("区域 {}：{}", n + 1, slot.name),
                (Some(_), false) => format!("Region {}: {}", n + 1, slot.name),
                (None, true) => format!(
                    "区域 {}（{}）还没有选择：按选择区域的热键。",
                    n + 1,
                    slot.name
                ),
                (None, false) => format!(
                    "Region {} ({}) is not set yet: press the select-region hotkey.",
                    n + 1,
                    slot.name
                ),
            };
            self.status(&msg, false);
            self.show_overlay(true);
        }
    }

    fn current_region_selected(&mut self, region: Rect) {
        let slot = self.settings.regions.current_mut();
        slot.rect = Some([
            region.x,
            region.y,
            region.width as i32,
            region.height as i32,
        ]);
        // A bound slot keeps its window: the new region becomes its place inside that window. A region chosen
        // off the window (or with the window gone) unbinds the slot, and says so.
        let Some(binding) = slot.window.clone() else {
            return;
        };
        let window = capture::windows()
            .unwrap_or_default()
            .into_iter()
            .find(|w| w.title == binding.title);
        match window
            .as_ref()
            .and_then(|w| w.rect.intersect(&region).map(|r| (w, r)))
        {
            Some((w, r)) => {
                let offset = [
                    r.x - w.rect.x,
                    r.y - w.rect.y,
                    r.width as i32,
                    r.height as i32,
                ];
                if let Some(b) = self.settings.regions.current_mut().window.as_mut() {
                    b.offset = offset;
                }
                tracing::info!(window = %binding.title, ?offset, "region rebound inside its window");
            }
            None => {
                self.settings.regions.current_mut().window = None;
                let msg = if self.zh() {
                    format!("新区域不在窗口“{}”上：已取消绑定。", binding.title)
                } else {
                    format!(
                        "The new region is not on the window \"{}\": the region is no longer bound to it.",
                        binding.title
                    )
                };
                self.status(&msg, false);
            }
        }
    }

    fn open_history(&mut self, target: &EventLoopWindowTarget<AppEvent>) {
        if let Some(w) = &self.history_window {
            w.window.set_visible(true);
            w.window.set_focus();
            return;
        }
        let title = history::title(ui_lang(self.settings.general.ui_language));
        let builder = WindowBuilder::new()
            .with_title(title)
            .with_inner_size(LogicalSize::new(900.0, 640.0))
            .with_min_inner_size(LogicalSize::new(560.0, 400.0));
        match make_page(
            target,
            builder,
            history::PAGE,
            Page::History,
            false,
            &self.proxy,
            &self.shots,
        ) {
            Ok(p) => {
                self.history_window = Some(p);
                self.refresh_own_windows();
            }
            Err(e) => {
                let msg = format!(
                    "{}{e:#}",
                    self.t("历史窗口打不开：", "The history window failed to open: ")
                );
                self.status(&msg, false);
            }
        }
    }

    fn history_message(&mut self, m: history::HistoryIn) {
        let lang = ui_lang(self.settings.general.ui_language);
        let answers = match (&self.store, m) {
            (_, history::HistoryIn::Copy { text }) => {
                if self.clipboard.is_none() {
                    self.clipboard = arboard::Clipboard::new().ok();
                }
                if let Some(c) = &mut self.clipboard {
                    let _ = c.set_text(text);
                }
                Vec::new()
            }
            (Some(store), m) => {
                if matches!(m, history::HistoryIn::Ready) {
                    if let Some(w) = &mut self.history_window {
                        w.on_ready();
                    }
                }
                // Off the event loop, on the history thread's own connection.
                let worker = self.history_worker.get_or_insert_with(|| {
                    let path = store
                        .lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .path()
                        .to_path_buf();
                    let proxy = Mutex::new(self.proxy.clone());
                    history::Worker::start(path, store_options(&self.settings), move |out| {
                        if let Ok(p) = proxy.lock() {
                            let _ = p.send_event(AppEvent::ToHistory(out));
                        }
                    })
                });
                worker.send(m, lang);
                Vec::new()
            }
            (None, m) => {
                if matches!(m, history::HistoryIn::Ready) {
                    if let Some(w) = &mut self.history_window {
                        w.on_ready();
                    }
                }
                vec![history::HistoryOut::Error {
                    action: history::HistoryAction::Query,
                    id: None,
                    message: self.t(
                        "翻译记忆与历史已关闭或无法打开（见设置 → 翻译记忆与历史）。",
                        "The translation memory and history are off or could not be opened (see Settings → Memory & history).",
                    ),
                }]
            }
        };
        if let Some(w) = &mut self.history_window {
            for a in &answers {
                w.send(a);
            }
        }
    }

    fn open_settings(&mut self, target: &EventLoopWindowTarget<AppEvent>) {
        self.open_settings_at(target, None, false);
    }

    /// Opens the settings window or brings it forward, on `section` if given; `welcome` shows the first-start
    /// guide on the providers section.
    fn open_settings_at(
        &mut self,
        target: &EventLoopWindowTarget<AppEvent>,
        section: Option<&str>,
        welcome: bool,
    ) {
        let show = (section.is_some() || welcome).then(|| SettingsOut::Show {
            section: section.unwrap_or("providers").to_string(),
            welcome,
        });
        if let Some(w) = &mut self.settings_window {
            w.window.set_visible(true);
            w.window.set_minimized(false);
            w.window.set_focus();
            if let Some(msg) = &show {
                w.send(msg);
            }
            return;
        }
        let title = self.t("ocrlay 设置", "ocrlay settings");
        let builder = WindowBuilder::new()
            .with_title(title)
            .with_inner_size(LogicalSize::new(940.0, 700.0))
            .with_min_inner_size(LogicalSize::new(640.0, 480.0));
        match make_page(
            target,
            builder,
            "settings.html",
            Page::Settings,
            false,
            &self.proxy,
            &self.shots,
        ) {
            Ok(mut p) => {
                if let Some(msg) = &show {
                    p.send(msg);
                }
                self.settings_window = Some(p);
                self.refresh_own_windows();
            }
            Err(e) => {
                let msg = format!(
                    "{}{e:#}",
                    self.t("设置窗口打不开：", "The settings window failed to open: ")
                );
                self.status(&msg, false);
            }
        }
    }

    fn settings_state(&self) -> SettingsOut {
        SettingsOut::State {
            catalog: settings_bridge::catalog_json(),
            settings: settings_bridge::settings_json(&self.settings),
            warnings: self.config_warnings.clone(),
            hotkey_errors: self
                .hotkeys
                .as_ref()
                .map(|h| h.errors.clone())
                .unwrap_or_default(),
            ui_lang: ui_lang(self.settings.general.ui_language).into(),
            system_lang: system_lang().into(),
            config_path: self.config_path.display().to_string(),
            platform: platform(),
        }
    }

    fn send_to_settings(&mut self, msg: SettingsOut) {
        if let Some(w) = &mut self.settings_window {
            w.send(&msg);
        }
    }

    /// Applies new settings everywhere and writes them to the file.
    fn apply_settings(&mut self, new: Settings) -> Result<(), String> {
        let saved = config::save(&new, &self.config_path).map_err(|e| e.to_string())?;
        if let Some(aside) = saved.moved_aside {
            self.config_warnings = vec![format!(
                "{} {}",
                self.t(
                    "无法读取的旧设置文件已移到",
                    "The unreadable old settings file was moved to"
                ),
                aside.display()
            )];
        } else {
            self.config_warnings.clear();
        }
        let engine_changed = new.ocr != self.settings.ocr;
        self.settings = new;
        self.pipeline
            .set_plan(TranslationPlan::from_settings(&self.settings));
        if engine_changed {
            let msg = self.t(
                "OCR 引擎设置已保存，重启 ocrlay 后生效。",
                "The OCR engine setting applies after ocrlay restarts.",
            );
            self.status(&msg, false);
        }
        let zh = self.zh();
        if let Some(h) = &mut self.hotkeys {
            h.apply(&self.settings.hotkeys, zh);
        }
        self.send_appearance();
        Ok(())
    }

    fn settings_message(&mut self, m: SettingsIn, _control_flow: &mut ControlFlow) {
        match m {
            SettingsIn::Ready => {
                tracing::debug!("settings page ready");
                if let Some(w) = &mut self.settings_window {
                    w.on_ready();
                }
                self.refresh_own_windows();
                let state = self.settings_state();
                self.send_to_settings(state);
            }
            SettingsIn::Save { settings } => {
                match settings_bridge::settings_from_page(&settings, &self.settings) {
                    Ok(new) => match self.apply_settings(new) {
                        Ok(()) => {
                            self.send_to_settings(SettingsOut::Saved);
                            let state = self.settings_state();
                            self.send_to_settings(state);
                        }
                        Err(e) => self.send_to_settings(SettingsOut::SaveError {
                            errors: vec![ipc::FieldError {
                                field: String::new(),
                                message: e,
                            }],
                        }),
                    },
                    Err(errors) => self.send_to_settings(SettingsOut::SaveError { errors }),
                }
            }
            SettingsIn::OpenHistory => {}
            SettingsIn::ListWindows => {
                let windows = capture::windows()
                    .unwrap_or_default()
                    .into_iter()
                    .map(|w| ipc::WindowRef {
                        id: w.id,
                        title: w.title,
                        app: w.app,
                        rect: [
                            w.rect.x,
                            w.rect.y,
                            w.rect.width as i32,
                            w.rect.height as i32,
                        ],
                    })
                    .collect();
                self.send_to_settings(SettingsOut::Windows { windows });
            }
            SettingsIn::TestProvider { id, provider } => self.provider_task(id, provider, true),
            SettingsIn::ListModels { id, provider } => self.provider_task(id, provider, false),
            SettingsIn::ResolveUrl { id, input } => {
                let fallback = providers::find(&id).map(|p| p.url).unwrap_or("");
                let typed = if input.trim().is_empty() {
                    fallback
                } else {
                    input.as_str()
                };
                let (url, error) = match providers::url::chat_completions_url(typed) {
                    Ok(u) => (Some(u.to_string()), None),
                    Err(e) => (None, Some(e.to_string())),
                };
                self.send_to_settings(SettingsOut::ResolvedUrl {
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
            SettingsIn::SetUiLang { ui_lang } => {
                let lang = match ui_lang.as_str() {
                    "zh" => UiLanguage::Zh,
                    "en" => UiLanguage::En,
                    _ => UiLanguage::Auto,
                };
                let mut new = self.settings.clone();
                new.general.ui_language = lang;
                if let Err(e) = self.apply_settings(new) {
                    tracing::warn!("{e}");
                }
                let state = self.settings_state();
                self.send_to_settings(state);
            }
        }
    }

    /// Runs a provider test or model list with unsaved form values, answering the settings page later.
    fn provider_task(&mut self, id: String, form: serde_json::Value, test: bool) {
        let Some(info) = providers::find(&id) else {
            return;
        };
        let spec = match settings_bridge::with_provider(&self.settings, &id, &form) {
            Ok(s) => s.endpoint_spec(info),
            Err(errors) => {
                let message = errors
                    .iter()
                    .map(|e| format!("{}: {}", e.field, e.message))
                    .collect::<Vec<_>>()
                    .join("; ");
                self.send_to_settings(if test {
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
                });
                return;
            }
        };
        let (from, to) = (self.settings.general.source, self.settings.general.target);
        let proxy = self.proxy.clone();
        // One call per provider and kind: a new test (or model list) replaces the one still running.
        let slot = (id.clone(), test);
        if let Some(old) = self.provider_calls.remove(&slot) {
            old.abort();
        }
        self.provider_calls.retain(|_, h| !h.is_finished());
        let handle = self.runtime.spawn(async move {
            let reply = match Endpoint::new(spec) {
                Err(e) => {
                    if test {
                        SettingsOut::TestResult {
                            id,
                            ok: false,
                            message: e.to_string(),
                            latency_ms: None,
                        }
                    } else {
                        SettingsOut::Models {
                            id,
                            models: Vec::new(),
                            error: Some(e.to_string()),
                        }
                    }
                }
                Ok(ep) if test => match ep.test(from, to).await {
                    Ok(r) => SettingsOut::TestResult {
                        id,
                        ok: true,
                        message: format!(
                            "OK · {} ms · {} → {}",
                            r.elapsed.as_millis(),
                            r.sample,
                            r.reply
                        ),
                        latency_ms: Some(r.elapsed.as_millis() as u64),
                    },
                    Err(e) => SettingsOut::TestResult {
                        id,
                        ok: false,
                        message: e.to_string(),
                        latency_ms: None,
                    },
                },
                Ok(ep) => match ep.list_models().await {
                    Ok(models) => SettingsOut::Models {
                        id,
                        models,
                        error: None,
                    },
                    Err(e) => SettingsOut::Models {
                        id,
                        models: Vec::new(),
                        error: Some(e.to_string()),
                    },
                },
            };
            let _ = proxy.send_event(AppEvent::ToSettings(reply));
        });
        self.provider_calls.insert(slot, handle.abort_handle());
    }

    fn overlay_rect(&self) -> Rect {
        window_rect(&self.overlay.window)
    }

    /// Records where our visible windows are (overlay, settings, history; selectors are up only while choosing).
    fn refresh_own_windows(&mut self) {
        let mut shown = Vec::new();
        if self.overlay_visible {
            let at = window_rect(&self.overlay.window);
            shown.push((at, self.overlay.excluded));
            // Until the window system reports ocrlay's last move, the overlay may be at either place.
            if let Some(r) = self.overlay_intended.filter(|r| *r != at) {
                shown.push((r, self.overlay.excluded));
            }
        }
        for w in [&self.settings_window, &self.history_window]
            .into_iter()
            .flatten()
        {
            if !w.window.is_minimized() {
                shown.push((window_rect(&w.window), w.excluded));
            }
        }
        let rects = os::to_keep_clear(shown);
        tracing::trace!(?rects, "own windows");
        if let Ok(mut o) = self.own_windows.lock() {
            *o = rects;
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
        self.window_event_inner(id, event);
        if refresh {
            self.refresh_own_windows();
        }
    }

    fn window_event_inner(&mut self, id: WindowId, event: WindowEvent) {
        let is_overlay = id == self.overlay.window.id();
        let is_settings = self
            .settings_window
            .as_ref()
            .is_some_and(|w| w.window.id() == id);
        let is_history = self
            .history_window
            .as_ref()
            .is_some_and(|w| w.window.id() == id);
        match event {
            WindowEvent::ScaleFactorChanged { new_inner_size, .. } => {
                // A selector moved onto a monitor of another scale keeps covering that monitor exactly.
                if let Some(r) = self
                    .selectors
                    .iter()
                    .find(|s| s.page.window.id() == id)
                    .and_then(|s| s.place)
                {
                    *new_inner_size = PhysicalSize::new(r.width, r.height);
                }
            }
            WindowEvent::CloseRequested if is_settings => {
                self.settings_window = None;
                // Nobody waits for their answers any more.
                for (_, call) in self.provider_calls.drain() {
                    call.abort();
                }
            }
            WindowEvent::CloseRequested if is_history => self.history_window = None,
            WindowEvent::CloseRequested if is_overlay => self.show_overlay(false),
            WindowEvent::Moved(_) if is_overlay && !(self.overlay_visible && self.user_moving) => {
                // The window system says where it is now (after ocrlay's move, or the user's through it).
                self.overlay_intended = None;
            }
            WindowEvent::Moved(pos) if is_overlay => {
                // The user put it there: it stays where they put it.
                self.overlay_intended = None;
                self.placed_beside = None;
                self.settings.overlay.position = Some([pos.x, pos.y]);
                // Each saved region remembers where its overlay was.
                self.settings.regions.current_mut().overlay_position = Some([pos.x, pos.y]);
            }
            _ => {}
        }
    }

    /// Remembers the overlay's place and lock state for the next start, in the file as it is now (a change made
    /// to it meanwhile is kept).
    fn save_state(&mut self) {
        let now = &self.settings;
        let result = config::update(&self.config_path, |disk| {
            disk.overlay.position = now.overlay.position;
            disk.overlay.locked = now.overlay.locked;
            disk.regions.active = now.regions.active;
            for (slot, mine) in disk.regions.slots.iter_mut().zip(&now.regions.slots) {
                slot.rect = mine.rect;
                slot.overlay_position = mine.overlay_position;
            }
        });
        // Never move the user's unreadable file aside just to remember a window position (`Ok(false)`).
        if let Err(e) = result {
            tracing::warn!("{e}");
        }
    }
}

/// How the store keeps things, from the settings.
fn store_options(settings: &Settings) -> crate::memory::StoreOptions {
    crate::memory::StoreOptions {
        max_entries: settings.memory.max_entries as usize,
        history_max_age: (settings.memory.history_days > 0)
            .then(|| Duration::from_secs(u64::from(settings.memory.history_days) * 86_400)),
        history_max_rows: settings.memory.history_max_rows,
    }
}

/// Opens the translation memory and history; what went wrong goes into `notes` for the user.
fn open_store(settings: &Settings, notes: &mut Vec<String>) -> Option<Arc<Mutex<Store>>> {
    if !settings.memory.cache && !settings.memory.history {
        return None;
    }
    let path = crate::memory::default_path()?;
    let options = store_options(settings);
    match Store::open_with(&path, &options) {
        Ok((store, aside)) => {
            if let Some(aside) = aside {
                tracing::warn!("{aside}");
                notes.push(aside.to_string());
            }
            Some(Arc::new(Mutex::new(store)))
        }
        Err(e) => {
            tracing::error!("translation memory unavailable: {e}");
            notes.push(format!(
                "The translation memory and history are off this time: {e}"
            ));
            None
        }
    }
}

/// Where a window is on the desktop.
fn window_rect(w: &Window) -> Rect {
    let p = w.outer_position().unwrap_or_default();
    // Without a window manager GTK may report no outer size yet: the inner size is then the best guess.
    let (o, i) = (w.outer_size(), w.inner_size());
    Rect {
        x: p.x,
        y: p.y,
        width: o.width.max(i.width),
        height: o.height.max(i.height),
    }
}

/// What this platform's capture can do (shown in the settings' saved-regions section).
fn platform() -> ipc::Platform {
    if cfg!(target_os = "linux") {
        if capture::covered_capture_supported() {
            ipc::Platform {
                covered_window_capture: true,
                note: "A compositor is running: ocrlay reads the game window under its own windows, so the \
                       overlay can sit over the text. \
                       合成器正在运行：ocrlay 会读取自身窗口下方的游戏窗口，翻译框可以直接盖在原文上。"
                    .into(),
            }
        } else {
            ipc::Platform {
                covered_window_capture: false,
                note: "No compositor is running, so X11 cannot read a window where ocrlay's overlay covers \
                       it: in 'over' mode the overlay hides for each manual capture (it blinks), and auto mode \
                       waits while an ocrlay window covers the region. Start a compositor (picom, xcompmgr) or \
                       keep the overlay beside the region. \
                       没有运行合成器，X11 无法读取被翻译框遮住的窗口：覆盖模式下手动识别时翻译框会短暂隐藏，\
                       自动翻译会在区域被遮挡时等待。请启动合成器（picom、xcompmgr）或把翻译框放在区域旁边。"
                    .into(),
            }
        }
    } else {
        ipc::Platform {
            covered_window_capture: true,
            note: String::new(),
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
}
