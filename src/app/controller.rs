//! What ocrlay does with a key press, a chosen region, auto mode and the pipeline's events: which region is
//! read, what the overlay says, when a job is over. No window here: the event loop lends the controller its
//! overlay and pipeline through [`Host`], and the tests below lend it a fake.

use super::windows::overlay::{NoticeAction, OverlayOut, ProviderRef};
use crate::capture::{Rect, Target, WindowInfo};
use crate::config::{self, OverlayMode, Settings};
use crate::pipeline::{AutoTarget, Job, JobEnd, PipelineEvent, Source, StopReason};
use crate::probe::{self, Probe};
use crate::text::Text;
use image::RgbaImage;
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// How long a capture waits for the screen to catch up once the overlay stepped aside.
const SETTLE: Duration = Duration::from_millis(120);

/// What the controller needs of the windows and the pipeline.
pub trait Host {
    /// A message for the overlay page.
    fn overlay(&mut self, msg: OverlayOut);
    /// Shows or hides the overlay.
    fn show_overlay(&mut self, show: bool);
    /// Whether the overlay is on screen.
    fn overlay_visible(&self) -> bool;
    /// Puts the overlay for `region` (over it or beside it, as `mode` says).
    fn place_overlay(&mut self, region: Rect, mode: OverlayMode);
    /// Puts the overlay where the user had put it for `region`.
    fn move_overlay(&mut self, at: [i32; 2], region: Option<Rect>);
    /// The region the overlay was last placed for.
    fn placed_for(&self) -> Option<Rect>;
    /// Records the region the overlay belongs to, without moving it.
    fn set_placed_for(&mut self, region: Option<Rect>);
    /// Over mode: the overlay takes its region's size again for a new line.
    fn fit_over(&mut self);
    /// Whether the visible overlay is over `region` (or on its way there).
    fn overlay_covers(&self, region: Rect) -> bool;
    /// Whether a window covered by the overlay can still be read (a compositor, or Windows).
    fn covered_capture_supported(&self) -> bool;
    /// The windows on the desktop (for window-bound regions).
    fn windows(&self) -> Vec<WindowInfo>;
    /// A new job id.
    fn next_job_id(&mut self) -> u64;
    /// Starts a job.
    fn submit(&mut self, job: Job);
    /// Starts, moves or stops auto mode.
    fn set_auto(&mut self, target: Option<AutoTarget>);
    /// A translation was added to the history.
    fn history_changed(&mut self);
    /// The settings changed (a remembered correction): the pipeline works with them from the next job on.
    fn settings_changed(&mut self, settings: &Settings);
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

impl Trace {
    fn new(job: u64, at: Instant, auto: bool) -> Trace {
        Trace {
            job,
            hotkey: at,
            captured: None,
            recognized: None,
            first_delta: None,
            painted: false,
            auto,
        }
    }
}

/// The job, region and auto-mode state of the app, and the settings in effect.
pub struct Controller {
    /// The settings in effect (the settings window replaces them; the overlay's place is kept here).
    pub settings: Settings,
    config_path: PathBuf,
    /// The region read last (the active saved region's, until one is chosen).
    last_region: Option<Rect>,
    auto_on: bool,
    trace: Option<Trace>,
    /// The overlay was hidden so that this job's capture could read what it covers (no compositor): it comes
    /// back once the capture is done.
    hidden_for_capture: Option<u64>,
    /// The overlay's status shows work under way (its spinner turns).
    status_busy: bool,
}

impl Controller {
    /// A controller for these settings, saved to `config_path`.
    pub fn new(settings: Settings, config_path: PathBuf) -> Controller {
        Controller {
            settings,
            config_path,
            last_region: None,
            auto_on: false,
            trace: None,
            hidden_for_capture: None,
            status_busy: false,
        }
    }

    /// Where the settings are saved.
    pub fn config_path(&self) -> &std::path::Path {
        &self.config_path
    }

    /// Whether the UI speaks Chinese.
    pub fn zh(&self) -> bool {
        self.settings.general.ui_language.code() == "zh"
    }

    /// `zh` or `en`: the UI language.
    pub fn lang(&self) -> &'static str {
        self.settings.general.ui_language.code()
    }

    /// A sentence of the string table in the UI language.
    pub fn words(&self, text: Text) -> String {
        text.render(self.lang())
    }

    /// Whether auto mode is on.
    pub fn auto_on(&self) -> bool {
        self.auto_on
    }

    /// The overlay's status line.
    pub fn status(&mut self, host: &mut dyn Host, text: &str, busy: bool) {
        tracing::debug!(text, busy, "status");
        probe::emit(Probe::Status { busy });
        self.status_busy = busy;
        host.overlay(OverlayOut::Status {
            text: text.to_string(),
            busy,
        });
    }

    /// The status line, and the overlay shown so the user sees it.
    fn say(&mut self, host: &mut dyn Host, text: &str) {
        self.status(host, text, false);
        host.show_overlay(true);
    }

    /// A message of the app itself in the overlay's body (until the next job), with a button when given.
    pub fn notice(&mut self, host: &mut dyn Host, text: String, action: Option<NoticeAction>) {
        host.overlay(OverlayOut::Notice {
            job: None,
            text,
            action,
        });
        host.show_overlay(true);
    }

    /// A provider worked (a translation, or a passing test): the welcome need not open again. Written to the
    /// settings file at once, keeping everything else in it as it is.
    pub fn remember_setup_done(&mut self) {
        if self.settings.general.setup_done {
            return;
        }
        self.settings.general.setup_done = true;
        if let Err(e) = config::update(&self.config_path, |s| s.general.setup_done = true) {
            tracing::warn!("{e}");
        }
    }

    /// Reads the last region again (the active saved region's after a start); `use_memory` off asks the
    /// providers past the translation memory.
    pub fn repeat_last(&mut self, host: &mut dyn Host, at: Instant, use_memory: bool) {
        let slot = self.settings.regions.current();
        let Some(region) = self.last_region.or_else(|| slot.rect()) else {
            let msg = self.words(Text::new("status.no_region"));
            self.say(host, &msg);
            return;
        };
        // A region bound to a window reads the window itself (wherever it is now, even under the overlay).
        let bound = slot
            .window
            .as_ref()
            .filter(|_| self.last_region.is_none() || self.last_region == slot.rect())
            .map(|w| Target::Window(w.clone()));
        if host.placed_for() != Some(region) {
            // First use of this region since the start: the slot's overlay position, or beside/over it.
            match slot.overlay_position {
                Some(at) => host.move_overlay(at, Some(region)),
                None => host.place_overlay(region, self.settings.overlay.mode),
            }
        }
        let source = Source::Screen(bound.unwrap_or(Target::Region(region)));
        self.submit(host, source, at, use_memory);
    }

    /// The user chose `region` in the selector; `image` is what it showed then.
    pub fn region_chosen(
        &mut self,
        host: &mut dyn Host,
        region: Rect,
        image: RgbaImage,
        at: Instant,
    ) {
        self.last_region = Some(region);
        host.place_overlay(region, self.settings.overlay.mode);
        // First the slot (a bound slot's offset inside its window), then auto mode reads it.
        self.slot_region_chosen(host, region);
        if self.auto_on {
            self.set_auto(host, true);
        }
        self.submit(host, Source::Image(image), at, true);
    }

    fn submit(&mut self, host: &mut dyn Host, source: Source, at: Instant, use_memory: bool) {
        let id = host.next_job_id();
        self.trace = Some(Trace::new(id, at, false));
        // Where a covered window cannot be read (X11 without a compositor), the overlay steps aside for the
        // capture instead of being read itself.
        let mut settle = Duration::ZERO;
        let place = match &source {
            Source::Screen(Target::Region(region)) => Some(*region),
            Source::Screen(Target::Window(_)) => self.settings.regions.current().rect(),
            Source::Image(_) | Source::Text(_) => None,
        };
        if self.hidden_for_capture.is_some() {
            // Still hidden for a capture this one supersedes: this job shows it again.
            self.hidden_for_capture = Some(id);
            settle = SETTLE;
        } else if let Some(region) = place {
            if host.overlay_covers(region) && !host.covered_capture_supported() {
                host.show_overlay(false);
                self.hidden_for_capture = Some(id);
                settle = SETTLE;
                tracing::debug!("overlay hidden for the capture");
                probe::emit(Probe::OverlayHidden { job: id });
            }
        }
        let msg = self.words(Text::new("status.reading"));
        self.status(host, &msg, true);
        host.submit(Job {
            id,
            source,
            started: at,
            region: self.settings.regions.current().name.clone(),
            use_memory,
            settle,
            direction: self.settings.regions.current().direction,
        });
    }

    /// Turns auto mode on (for the active region) or off.
    pub fn set_auto(&mut self, host: &mut dyn Host, on: bool) {
        if !on {
            self.auto_on = false;
            host.set_auto(None);
            host.overlay(OverlayOut::Auto { on: false });
            let msg = self.words(Text::new("status.auto_off"));
            self.status(host, &msg, false);
            return;
        }
        let slot = self.settings.regions.current().clone();
        let Some(region) = self.last_region.or_else(|| slot.rect()) else {
            let msg = self.words(Text::new("status.auto_needs_region"));
            self.say(host, &msg);
            return;
        };
        self.auto_on = true;
        host.overlay(OverlayOut::Auto { on: true });
        host.set_auto(Some(AutoTarget {
            target: match &slot.window {
                Some(w) => Target::Window(w.clone()),
                None => Target::Region(region),
            },
            name: slot.name.clone(),
            direction: slot.direction,
            gates: self.settings.auto.gates.clone(),
        }));
        let msg = self.words(Text::new("status.auto_on").with("region", &slot.name));
        self.status(host, &msg, false);
        host.place_overlay(region, self.settings.overlay.mode);
        host.show_overlay(true);
    }

    /// Auto mode on if off, off if on.
    pub fn toggle_auto(&mut self, host: &mut dyn Host) {
        let on = !self.auto_on;
        self.set_auto(host, on);
    }

    /// Makes saved region `n` the active one (Alt+1…4).
    pub fn switch_region(&mut self, host: &mut dyn Host, n: usize) {
        if n >= self.settings.regions.slots.len() {
            return;
        }
        self.settings.regions.active = n;
        let slot = self.settings.regions.current().clone();
        self.last_region = slot.rect();
        probe::emit(Probe::RegionSwitched {
            index: n,
            set: self.last_region.is_some(),
        });
        match (slot.overlay_position, self.last_region) {
            (Some(at), region) => host.move_overlay(at, region),
            (None, Some(r)) => host.place_overlay(r, self.settings.overlay.mode),
            (None, None) => {}
        }
        if self.auto_on {
            self.set_auto(host, true);
            return;
        }
        let text = match self.last_region {
            Some(_) => Text::new("status.region"),
            None => Text::new("status.region_unset"),
        };
        let msg = self.words(text.with("n", n + 1).with("region", &slot.name));
        self.say(host, &msg);
    }

    /// The region was just chosen: it becomes the active saved slot's region (kept across restarts).
    fn slot_region_chosen(&mut self, host: &mut dyn Host, region: Rect) {
        let slot = self.settings.regions.current_mut();
        slot.rect = Some(region.to_array());
        // A bound slot keeps its window: the new region becomes its place inside that window. A region chosen
        // off the window (or with the window gone) unbinds the slot, and says so.
        let Some(binding) = slot.window.clone() else {
            return;
        };
        let window = host
            .windows()
            .into_iter()
            .find(|w| w.title == binding.title);
        match window.and_then(|w| w.rect.intersect(&region).map(|r| (w.rect, r))) {
            Some((w, r)) => {
                let offset = [r.x - w.x, r.y - w.y, r.width as i32, r.height as i32];
                if let Some(b) = self.settings.regions.current_mut().window.as_mut() {
                    b.offset = offset;
                }
                tracing::info!(window = %binding.title, ?offset, "region rebound inside its window");
            }
            None => {
                self.settings.regions.current_mut().window = None;
                let msg =
                    self.words(Text::new("status.region_unbound").with("window", &binding.title));
                self.status(host, &msg, false);
            }
        }
    }

    /// The user corrected the recognised text `original` to `corrected` in the overlay: it is translated
    /// again as corrected (no capture), and the correction is remembered as replacement rules (one per
    /// changed line, matching that whole line), so the same misreading is corrected before translation from
    /// now on. The rules show in the settings' replacement rules, where they can be removed.
    pub fn correct_source(
        &mut self,
        host: &mut dyn Host,
        original: &str,
        corrected: &str,
        at: Instant,
    ) {
        let corrected = corrected.trim();
        if corrected.is_empty() || corrected == original.trim() {
            return;
        }
        let rules = correction_rules(original.trim(), corrected);
        let add = |filters: &mut Vec<crate::filters::Rule>| {
            for rule in &rules {
                match filters
                    .iter_mut()
                    .find(|r| r.regex && r.pattern == rule.pattern)
                {
                    Some(old) => old.replacement = rule.replacement.clone(),
                    None => filters.push(rule.clone()),
                }
            }
        };
        add(&mut self.settings.filters);
        if let Err(e) = config::update(&self.config_path, |s| add(&mut s.filters)) {
            tracing::warn!("{e}");
        }
        tracing::debug!(rules = rules.len(), "correction remembered");
        host.settings_changed(&self.settings);
        self.submit(host, Source::Text(corrected.to_string()), at, true);
    }

    /// The user put the overlay at `at`: it stays there, for the active saved region too.
    pub fn overlay_placed_by_user(&mut self, at: [i32; 2]) {
        self.settings.overlay.position = Some(at);
        self.settings.regions.current_mut().overlay_position = Some(at);
    }

    /// Whether `job` is the job on screen.
    pub fn is_current(&self, job: u64) -> bool {
        self.trace.is_some_and(|t| t.job == job)
    }

    /// Something happened in the pipeline.
    pub fn pipeline_event(&mut self, host: &mut dyn Host, e: PipelineEvent) {
        match e {
            PipelineEvent::EngineReady(Ok(()))
                if self.settings.auto.start_on_launch && !self.auto_on =>
            {
                self.set_auto(host, true);
            }
            PipelineEvent::EngineReady(Err(problem)) => {
                let text = self.words(
                    Text::new("status.models_failed").with("reason", problem.message(self.zh())),
                );
                self.say(host, &text);
            }
            PipelineEvent::AutoJob { job } => {
                self.trace = Some(Trace::new(job, Instant::now(), true))
            }
            PipelineEvent::RegionMoved { job, region } => self.region_moved(host, job, region),
            PipelineEvent::AutoProblem(problem) => {
                let msg = self.words(
                    Text::new("status.auto_problem").with("reason", problem.message(self.zh())),
                );
                self.say(host, &msg);
            }
            PipelineEvent::Captured { job, ms } => {
                if let Some(t) = self.trace.as_mut().filter(|t| t.job == job) {
                    t.captured = Some(Instant::now());
                }
                if self.hidden_for_capture == Some(job) {
                    self.hidden_for_capture = None;
                    host.show_overlay(true);
                }
                tracing::debug!(job, ms, "capture done");
            }
            PipelineEvent::Recognized {
                job,
                text,
                ms,
                providers,
                cut_from,
                corrected,
            } if self.is_current(job) => {
                if let Some(t) = self.trace.as_mut() {
                    t.recognized = Some(Instant::now());
                }
                let lines = text.lines().count();
                let translating = !providers.is_empty();
                if self.settings.overlay.mode == OverlayMode::Over {
                    host.fit_over();
                }
                host.overlay(OverlayOut::Job {
                    job,
                    corrected,
                    source: text,
                    providers: providers
                        .into_iter()
                        .map(|p| ProviderRef {
                            id: p.id,
                            name: p.name,
                        })
                        .collect(),
                });
                let text = match translating {
                    true => Text::new("status.ocr_translating"),
                    false => Text::new("status.ocr_done"),
                };
                let mut msg = self.words(text.with("ms", ms).with("lines", lines));
                if let Some(n) = cut_from {
                    let kept = crate::pipeline::MAX_OCR_CHARS;
                    msg +=
                        &self.words(Text::new("status.text_cut").with("n", n).with("kept", kept));
                }
                self.status(host, &msg, translating);
                host.show_overlay(true);
            }
            PipelineEvent::NoText { job, ms } if self.is_current(job) => {
                let msg = self.words(Text::new("status.no_text").with("ms", ms));
                self.say(host, &msg);
            }
            PipelineEvent::Failed { job, problem } => {
                if self.hidden_for_capture == Some(job) {
                    self.hidden_for_capture = None;
                }
                if self.is_current(job) {
                    let message = problem.message(self.zh());
                    self.say(host, &message);
                }
            }
            PipelineEvent::Delta {
                job,
                provider,
                text,
            } if self.is_current(job) => {
                if let Some(t) = self.trace.as_mut().filter(|t| t.first_delta.is_none()) {
                    t.first_delta = Some(Instant::now());
                    tracing::debug!(job, provider = %provider, ms = t.hotkey.elapsed().as_millis(), "overlay update (first text)");
                }
                host.overlay(OverlayOut::Delta {
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
            } if self.is_current(job) => {
                tracing::debug!(job, provider = %provider, ms, "overlay update (done)");
                probe::emit(Probe::Done {
                    job,
                    provider: provider.clone(),
                });
                host.history_changed();
                host.overlay(OverlayOut::Done {
                    job,
                    provider,
                    text,
                    ms,
                });
            }
            PipelineEvent::ProviderStopped {
                job,
                provider,
                reason: StopReason::Disabled,
            } if self.is_current(job) => {
                let message = self.words(Text::new("status.provider_disabled"));
                host.overlay(OverlayOut::Error {
                    job,
                    provider,
                    message,
                    partial: String::new(),
                });
            }
            PipelineEvent::Ended { job, end } => {
                tracing::debug!(job, ?end, "job ended");
                probe::emit(Probe::JobEnded {
                    job,
                    end: format!("{end:?}"),
                });
                if end == JobEnd::Translated {
                    self.remember_setup_done();
                }
                if self.is_current(job) {
                    self.job_ended(host, job, end);
                }
            }
            PipelineEvent::ProviderFailed {
                job,
                provider,
                problem,
                partial,
            } if self.is_current(job) => {
                host.overlay(OverlayOut::Error {
                    job,
                    provider,
                    message: problem.message(self.zh()),
                    partial,
                });
                self.status(host, "", false);
            }
            // Late events of a job that is no longer on screen.
            _ => {}
        }
    }

    /// A bound window moved: the region, and the overlay with it (unless the user placed it).
    fn region_moved(&mut self, host: &mut dyn Host, job: Option<u64>, region: Rect) {
        // A superseded manual job, or auto mode that was stopped, speaks of a region no longer current.
        let current = match job {
            Some(job) => self.is_current(job),
            None => self.auto_on,
        };
        if !current {
            return;
        }
        tracing::debug!(?region, "bound region moved");
        self.last_region = Some(region);
        let slot = self.settings.regions.current_mut();
        if slot.window.is_some() {
            slot.rect = Some(region.to_array());
        }
        let user_placed = slot.overlay_position.is_some();
        if host.placed_for() != Some(region) {
            if self.settings.overlay.mode == OverlayMode::Over || !user_placed {
                host.place_overlay(region, self.settings.overlay.mode);
            } else {
                host.set_placed_for(Some(region));
            }
        }
    }

    /// The job on screen is over: the status says how, and nothing keeps spinning.
    fn job_ended(&mut self, host: &mut dyn Host, job: u64, end: JobEnd) {
        let (total, auto) = self
            .trace
            .map(|t| (t.hotkey.elapsed().as_millis(), t.auto))
            .unwrap_or((0, false));
        let msg = match end {
            JobEnd::Translated if auto => self.words(Text::new("status.auto_waiting")),
            JobEnd::Translated => self.words(Text::new("status.done").with("ms", total)),
            JobEnd::NoProvider => {
                let text = self.words(Text::new("status.no_provider_notice"));
                host.overlay(OverlayOut::Notice {
                    job: Some(job),
                    text,
                    action: Some(NoticeAction::OpenProviders),
                });
                self.words(Text::new("status.no_provider"))
            }
            JobEnd::Cancelled => self.words(Text::new("status.stopped")),
            // Their own events said what happened (the error, "no text found"): only the spinner stops.
            JobEnd::Failed | JobEnd::NothingToRead => {
                if !self.status_busy {
                    return;
                }
                String::new()
            }
        };
        self.status(host, &msg, false);
    }

    /// The overlay painted the first character of `job`: the stage timings are logged once per job.
    pub fn painted(&mut self, job: u64) {
        let Some(t) = self.trace.as_mut().filter(|t| t.job == job && !t.painted) else {
            return;
        };
        t.painted = true;
        let now = Instant::now();
        let ms = |a: Instant, b: Option<Instant>| {
            b.map_or(0.0, |b| b.duration_since(a).as_secs_f64() * 1e3)
        };
        let capture_ms = ms(t.hotkey, t.captured);
        let ocr_ms = t.captured.map_or(0.0, |c| ms(c, t.recognized));
        let translate_first_ms = t.recognized.map_or(0.0, |r| ms(r, t.first_delta));
        let render_ms = t.first_delta.map_or(0.0, |d| ms(d, Some(now)));
        let total_ms = now.duration_since(t.hotkey).as_secs_f64() * 1e3;
        tracing::info!(
            job,
            total_ms = format!("{total_ms:.1}"),
            capture_ms = format!("{capture_ms:.1}"),
            ocr_ms = format!("{ocr_ms:.1}"),
            translate_first_ms = format!("{translate_first_ms:.1}"),
            render_ms = format!("{render_ms:.1}"),
            "first character painted"
        );
        probe::emit(Probe::FirstPaint {
            job,
            total_ms,
            capture_ms,
            ocr_ms,
            translate_first_ms,
            render_ms,
            at_unix_ms: std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0.0, |d| d.as_secs_f64() * 1e3),
        });
    }

    /// Remembers the overlay's place and lock state and the active region for the next start, in the file as it
    /// is now (a change made to it meanwhile is kept).
    pub fn save_state(&self) {
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

/// Replacement rules that turn `original` into `corrected`: one per changed line when both have as many
/// lines (each matching that whole line, and only it), else one for the whole text.
fn correction_rules(original: &str, corrected: &str) -> Vec<crate::filters::Rule> {
    let rule = |pattern: String, replacement: &str| crate::filters::Rule {
        pattern,
        // Literal text: `$` would name a group.
        replacement: replacement.replace('$', "$$"),
        regex: true,
        stage: crate::filters::Stage::BeforeTranslation,
        enabled: true,
    };
    let (a, b): (Vec<&str>, Vec<&str>) = (original.lines().collect(), corrected.lines().collect());
    if a.len() == b.len() {
        a.iter()
            .zip(&b)
            .filter(|(o, c)| o.trim() != c.trim() && !o.trim().is_empty())
            .map(|(o, c)| rule(format!("(?m)^{}$", regex::escape(o.trim())), c.trim()))
            .collect()
    } else {
        vec![rule(format!("^{}$", regex::escape(original)), corrected)]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{SavedRegion, WindowBinding};
    use crate::pipeline::ProviderLabel;

    /// The windows and the pipeline, as the controller sees them: what it asked for is recorded.
    #[derive(Default)]
    struct Fake {
        sent: Vec<OverlayOut>,
        visible: bool,
        placed: Vec<Rect>,
        moved: Vec<[i32; 2]>,
        placed_for: Option<Rect>,
        covered_ok: bool,
        windows: Vec<WindowInfo>,
        next: u64,
        jobs: Vec<Job>,
        auto: Vec<Option<AutoTarget>>,
        history_changes: usize,
        settings_changes: usize,
    }

    impl Host for Fake {
        fn overlay(&mut self, msg: OverlayOut) {
            self.sent.push(msg);
        }
        fn show_overlay(&mut self, show: bool) {
            self.visible = show;
        }
        fn overlay_visible(&self) -> bool {
            self.visible
        }
        fn place_overlay(&mut self, region: Rect, _mode: OverlayMode) {
            self.placed.push(region);
            self.placed_for = Some(region);
        }
        fn move_overlay(&mut self, at: [i32; 2], region: Option<Rect>) {
            self.moved.push(at);
            self.placed_for = region;
        }
        fn placed_for(&self) -> Option<Rect> {
            self.placed_for
        }
        fn set_placed_for(&mut self, region: Option<Rect>) {
            self.placed_for = region;
        }
        fn fit_over(&mut self) {}
        fn overlay_covers(&self, region: Rect) -> bool {
            // The fake overlay sits over the top-left 100×100 of the desktop.
            let at = Rect {
                x: 0,
                y: 0,
                width: 100,
                height: 100,
            };
            self.visible && at.intersect(&region).is_some()
        }
        fn covered_capture_supported(&self) -> bool {
            self.covered_ok
        }
        fn windows(&self) -> Vec<WindowInfo> {
            self.windows.clone()
        }
        fn next_job_id(&mut self) -> u64 {
            self.next += 1;
            self.next
        }
        fn submit(&mut self, job: Job) {
            self.jobs.push(job);
        }
        fn set_auto(&mut self, target: Option<AutoTarget>) {
            self.auto.push(target);
        }
        fn history_changed(&mut self) {
            self.history_changes += 1;
        }
        fn settings_changed(&mut self, _settings: &Settings) {
            self.settings_changes += 1;
        }
    }

    impl Fake {
        fn statuses(&self) -> Vec<(&str, bool)> {
            self.sent
                .iter()
                .filter_map(|m| match m {
                    OverlayOut::Status { text, busy } => Some((text.as_str(), *busy)),
                    _ => None,
                })
                .collect()
        }
    }

    fn rect(x: i32, y: i32, width: u32, height: u32) -> Rect {
        Rect {
            x,
            y,
            width,
            height,
        }
    }

    fn controller() -> (Controller, tempfile::TempDir) {
        let dir = tempfile::tempdir().unwrap();
        let mut settings = Settings::default();
        settings.general.ui_language = config::UiLanguage::En;
        (
            Controller::new(settings, dir.path().join("config.toml")),
            dir,
        )
    }

    fn image() -> RgbaImage {
        RgbaImage::new(4, 4)
    }

    #[test]
    fn no_region_yet_says_so_and_starts_nothing() {
        let (mut c, _dir) = controller();
        let mut host = Fake::default();
        c.repeat_last(&mut host, Instant::now(), true);
        assert!(host.jobs.is_empty());
        assert!(host.visible, "the user must see why nothing happens");
        assert_eq!(host.statuses().len(), 1);
        c.set_auto(&mut host, true);
        assert!(host.auto.is_empty() && !c.auto_on());
    }

    #[test]
    fn a_chosen_region_is_read_from_the_frozen_screen_and_becomes_the_slots() {
        let (mut c, _dir) = controller();
        let mut host = Fake::default();
        let region = rect(300, 400, 200, 50);
        c.region_chosen(&mut host, region, image(), Instant::now());
        assert_eq!(host.placed, vec![region]);
        assert_eq!(host.jobs.len(), 1);
        assert!(matches!(host.jobs[0].source, Source::Image(_)));
        assert!(host.jobs[0].use_memory);
        assert_eq!(c.settings.regions.current().rect(), Some(region));
        // Alt+W reads the same place from the screen, past the memory when asked.
        c.repeat_last(&mut host, Instant::now(), false);
        assert!(matches!(host.jobs[1].source, Source::Screen(Target::Region(r)) if r == region));
        assert!(!host.jobs[1].use_memory);
        assert_eq!(host.placed.len(), 1, "already placed for that region");
    }

    #[test]
    fn a_job_without_providers_ends_with_the_way_to_the_settings() {
        let (mut c, _dir) = controller();
        let mut host = Fake::default();
        c.region_chosen(&mut host, rect(300, 400, 200, 50), image(), Instant::now());
        let job = host.jobs[0].id;
        c.pipeline_event(
            &mut host,
            PipelineEvent::Recognized {
                job,
                text: "Hello".into(),
                ms: 12,
                providers: Vec::new(),
                cut_from: None,
                corrected: false,
            },
        );
        assert!(!host.statuses().last().unwrap().1, "no spinner");
        c.pipeline_event(
            &mut host,
            PipelineEvent::Ended {
                job,
                end: JobEnd::NoProvider,
            },
        );
        assert!(host.sent.iter().any(|m| matches!(
            m,
            OverlayOut::Notice {
                job: Some(j),
                action: Some(NoticeAction::OpenProviders),
                ..
            } if *j == job
        )));
        assert!(!host.statuses().last().unwrap().1);
        assert!(!c.settings.general.setup_done);
    }

    #[test]
    fn events_of_a_superseded_job_are_not_shown() {
        let (mut c, _dir) = controller();
        let mut host = Fake::default();
        let region = rect(300, 400, 200, 50);
        c.region_chosen(&mut host, region, image(), Instant::now());
        c.repeat_last(&mut host, Instant::now(), true);
        let (old, new) = (host.jobs[0].id, host.jobs[1].id);
        let before = host.sent.len();
        let providers = vec![ProviderLabel {
            id: "deepseek".into(),
            name: "DeepSeek".into(),
        }];
        c.pipeline_event(
            &mut host,
            PipelineEvent::Recognized {
                job: old,
                text: "old".into(),
                ms: 1,
                providers: providers.clone(),
                cut_from: None,
                corrected: false,
            },
        );
        c.pipeline_event(
            &mut host,
            PipelineEvent::Delta {
                job: old,
                provider: "deepseek".into(),
                text: "旧".into(),
            },
        );
        assert_eq!(host.sent.len(), before);
        c.pipeline_event(
            &mut host,
            PipelineEvent::Done {
                job: new,
                provider: "deepseek".into(),
                text: "新".into(),
                ms: 5,
            },
        );
        assert!(matches!(host.sent.last(), Some(OverlayOut::Done { job, .. }) if *job == new));
        assert_eq!(host.history_changes, 1);
        // A translated job means a provider works: the welcome does not open again, and the file says so.
        c.pipeline_event(
            &mut host,
            PipelineEvent::Ended {
                job: old,
                end: JobEnd::Translated,
            },
        );
        assert!(c.settings.general.setup_done);
        let written = std::fs::read_to_string(c.config_path()).unwrap();
        assert!(written.contains("setup_done = true"), "{written}");
    }

    #[test]
    fn the_overlay_steps_aside_where_covered_windows_cannot_be_read() {
        let (mut c, _dir) = controller();
        let mut host = Fake {
            visible: true,
            ..Fake::default()
        };
        // Under the overlay, no compositor: hidden for the capture, shown again once it is done.
        c.region_chosen(&mut host, rect(10, 10, 50, 20), image(), Instant::now());
        c.repeat_last(&mut host, Instant::now(), true);
        let job = &host.jobs[1];
        assert_eq!(job.settle, SETTLE);
        assert!(!host.visible);
        let id = job.id;
        c.pipeline_event(&mut host, PipelineEvent::Captured { job: id, ms: 3 });
        assert!(host.visible);
        // With a compositor it stays where it is.
        host.covered_ok = true;
        c.repeat_last(&mut host, Instant::now(), true);
        assert_eq!(host.jobs[2].settle, Duration::ZERO);
        assert!(host.visible);
    }

    #[test]
    fn a_bound_slot_follows_its_window_or_is_unbound() {
        let (mut c, _dir) = controller();
        c.settings.regions.slots[0].window = Some(WindowBinding {
            title: "Game".into(),
            app: "game".into(),
            offset: [0, 0, 10, 10],
        });
        let mut host = Fake {
            windows: vec![WindowInfo {
                id: 7,
                title: "Game".into(),
                app: "game".into(),
                rect: rect(100, 100, 800, 600),
            }],
            ..Fake::default()
        };
        c.region_chosen(&mut host, rect(150, 600, 300, 80), image(), Instant::now());
        let binding = c.settings.regions.current().window.clone().unwrap();
        assert_eq!(binding.offset, [50, 500, 300, 80]);
        // Alt+W reads the window itself.
        c.repeat_last(&mut host, Instant::now(), true);
        assert!(matches!(
            &host.jobs[1].source,
            Source::Screen(Target::Window(b)) if b.title == "Game" && b.offset == [50, 500, 300, 80]
        ));
        // Auto mode follows the window too.
        c.set_auto(&mut host, true);
        let target = host.auto.last().unwrap().clone().unwrap();
        assert!(matches!(target.target, Target::Window(b) if b.offset == [50, 500, 300, 80]));
        // Chosen off the window: no longer bound, and the user is told.
        c.set_auto(&mut host, false);
        let statuses = host.statuses().len();
        c.region_chosen(&mut host, rect(1000, 50, 100, 40), image(), Instant::now());
        assert!(c.settings.regions.current().window.is_none());
        assert!(host.statuses().len() > statuses);
    }

    #[test]
    fn switching_regions_puts_the_overlay_where_the_user_left_it() {
        let (mut c, _dir) = controller();
        c.settings.regions.slots = vec![
            SavedRegion {
                rect: Some([0, 0, 100, 30]),
                ..SavedRegion::empty(0)
            },
            SavedRegion {
                rect: Some([500, 500, 100, 30]),
                overlay_position: Some([700, 20]),
                ..SavedRegion::empty(1)
            },
            SavedRegion::empty(2),
        ];
        let mut host = Fake::default();
        c.switch_region(&mut host, 1);
        assert_eq!(host.moved, vec![[700, 20]]);
        assert_eq!(host.placed_for, Some(rect(500, 500, 100, 30)));
        c.switch_region(&mut host, 0);
        assert_eq!(host.placed, vec![rect(0, 0, 100, 30)]);
        // A slot with no region yet: nothing to read, and the user is told.
        c.switch_region(&mut host, 2);
        c.repeat_last(&mut host, Instant::now(), true);
        assert!(host.jobs.is_empty());
        // Past the last slot: nothing changes.
        c.switch_region(&mut host, 9);
        assert_eq!(c.settings.regions.active, 2);
        // The user drags the overlay: the active slot remembers it.
        c.overlay_placed_by_user([5, 6]);
        assert_eq!(c.settings.regions.current().overlay_position, Some([5, 6]));
    }

    #[test]
    fn a_corrected_line_is_translated_as_corrected_and_stays_corrected() {
        let (mut c, _dir) = controller();
        let mut host = Fake::default();
        c.region_chosen(&mut host, rect(300, 400, 200, 50), image(), Instant::now());
        let original = "【アリス】\n魔土を倒す旅に出た。";
        c.correct_source(
            &mut host,
            original,
            "【アリス】\n魔王を倒す旅に出た。",
            Instant::now(),
        );
        // Translated again as corrected, without a capture.
        assert!(
            matches!(&host.jobs[1].source, Source::Text(t) if t == "【アリス】\n魔王を倒す旅に出た。")
        );
        assert_eq!(host.settings_changes, 1);
        // One rule, for the changed line only, and saved.
        let rules = &c.settings.filters;
        assert_eq!(rules.len(), 1, "{rules:?}");
        let (filters, errors) = crate::filters::Filters::compile(rules);
        assert!(errors.is_empty(), "{errors:?}");
        let fixed = filters.apply(crate::filters::Stage::BeforeTranslation, original);
        assert_eq!(fixed, "【アリス】\n魔王を倒す旅に出た。");
        // A line that only contains the misread one is left alone.
        let other = "魔土を倒す旅に出た。それから";
        assert_eq!(
            filters.apply(crate::filters::Stage::BeforeTranslation, other),
            other
        );
        let written = std::fs::read_to_string(c.config_path()).unwrap();
        assert!(written.contains("魔王を倒す旅に出た。"), "{written}");
        // The same correction again does not add a second rule; an unchanged text does nothing.
        c.correct_source(
            &mut host,
            original,
            "【アリス】\n魔王を倒す旅に出た。",
            Instant::now(),
        );
        assert_eq!(c.settings.filters.len(), 1);
        c.correct_source(&mut host, original, original, Instant::now());
        assert_eq!(host.jobs.len(), 3);
        // Money signs are text, not group references.
        let rules = correction_rules("100G", "$100");
        let (filters, _) = crate::filters::Filters::compile(&rules);
        assert_eq!(
            filters.apply(crate::filters::Stage::BeforeTranslation, "100G"),
            "$100"
        );
    }
}
