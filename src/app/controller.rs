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

/// What the controller needs of the windows and the pipeline. Each saved region in use (`slot`) has an overlay
/// of its own; speaking to a slot's overlay gives it one if it has none yet.
pub trait Host {
    /// A message for the overlay page of saved region `slot`.
    fn overlay(&mut self, slot: usize, msg: OverlayOut);
    /// Shows or hides the slot's overlay.
    fn show_overlay(&mut self, slot: usize, show: bool);
    /// Whether the slot's overlay is on screen.
    fn overlay_visible(&self, slot: usize) -> bool;
    /// Puts the slot's overlay for `region` (over it or beside it, as `mode` says); beside it, clear of
    /// `avoid` (the other regions read at the same time) where it can be.
    fn place_overlay(&mut self, slot: usize, region: Rect, mode: OverlayMode, avoid: &[Rect]);
    /// Puts the slot's overlay where the user had put it for `region`.
    fn move_overlay(&mut self, slot: usize, at: [i32; 2], region: Option<Rect>);
    /// The region the slot's overlay was last placed for.
    fn placed_for(&self, slot: usize) -> Option<Rect>;
    /// Records the region the slot's overlay belongs to, without moving it.
    fn set_placed_for(&mut self, slot: usize, region: Option<Rect>);
    /// Over mode: the slot's overlay takes its region's size again for a new line.
    fn fit_over(&mut self, slot: usize);
    /// Whether the slot's visible overlay is over `region` (or on its way there).
    fn overlay_covers(&self, slot: usize, region: Rect) -> bool;
    /// Only these slots have an overlay now: the others' are hidden (and serve the next slot that needs one).
    fn use_overlays(&mut self, slots: &[usize]);
    /// Whether a window covered by the overlay can still be read (a compositor, or Windows).
    fn covered_capture_supported(&self) -> bool;
    /// The windows on the desktop (for window-bound regions).
    fn windows(&self) -> Vec<WindowInfo>;
    /// A new job id.
    fn next_job_id(&mut self) -> u64;
    /// Starts a job.
    fn submit(&mut self, job: Job);
    /// Starts auto mode on these regions (replacing any), or stops it (none).
    fn set_auto(&mut self, targets: Vec<AutoTarget>);
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

/// What a saved region's overlay shows: its job, and how its status line is.
#[derive(Debug, Default, Clone, Copy)]
struct Lane {
    /// The job on screen in this region's overlay.
    trace: Option<Trace>,
    /// The overlay was hidden so that this job's capture could read what it covers (no compositor): it comes
    /// back once the capture is done.
    hidden_for_capture: Option<u64>,
    /// The overlay's status shows work under way (its spinner turns).
    status_busy: bool,
    /// The overlay says its job found no provider enabled (cleared once one is).
    no_provider: bool,
}

/// What a status line says: a sentence of the table (worded in the UI's language, and again when it
/// changes), or words already made.
#[derive(Debug, Clone)]
pub enum Said {
    /// A sentence of the table.
    Words(Text),
    /// Words as they are.
    Plain(String),
}

impl From<Text> for Said {
    fn from(t: Text) -> Said {
        Said::Words(t)
    }
}

impl From<String> for Said {
    fn from(s: String) -> Said {
        Said::Plain(s)
    }
}

impl From<&String> for Said {
    fn from(s: &String) -> Said {
        Said::Plain(s.clone())
    }
}

impl From<&str> for Said {
    fn from(s: &str) -> Said {
        Said::Plain(s.to_string())
    }
}

/// The job, region and auto-mode state of the app, and the settings in effect.
pub struct Controller {
    /// The settings in effect: the active profile's over the global ones (the overlay's place, the regions
    /// chosen and the corrections made are kept here first).
    pub settings: Settings,
    /// The global settings (the default profile) with every profile, as the settings window edits them.
    base: Settings,
    /// The profile in effect (none: the default).
    profile: Option<String>,
    /// The profile whose game was in front last (none: no game's window).
    front_match: Option<String>,
    config_path: PathBuf,
    /// The region read last (the active saved region's, until one is chosen).
    last_region: Option<Rect>,
    auto_on: bool,
    /// One per saved region.
    lanes: Vec<Lane>,
}

impl Controller {
    /// A controller for these settings, saved to `config_path`.
    pub fn new(settings: Settings, config_path: PathBuf) -> Controller {
        Controller {
            base: settings.clone(),
            profile: None,
            front_match: None,
            settings,
            config_path,
            last_region: None,
            auto_on: false,
            lanes: vec![Lane::default(); config::REGION_SLOTS],
        }
    }

    /// The profile in effect (none: the default).
    pub fn profile(&self) -> Option<&str> {
        self.profile.as_deref()
    }

    /// The global settings with every profile, as the settings window shows them (with what changed while
    /// ocrlay ran kept where it belongs).
    pub fn base(&mut self) -> &Settings {
        self.fold_changes();
        &self.base
    }

    /// New global settings (and profiles) from the settings window: the profile in effect stays, if it still
    /// exists; an overlay that said no provider is enabled stops saying so when one is now.
    pub fn set_base(&mut self, host: &mut dyn Host, new: Settings) {
        self.fold_changes();
        self.base = new;
        if self
            .profile
            .as_deref()
            .is_some_and(|p| self.base.profile(p).is_none())
        {
            self.profile = None;
        }
        self.settings = self.base.effective(self.profile.as_deref());
        self.providers_changed(host);
    }

    /// Keeps in `base` what changed in the settings in effect while ocrlay ran.
    fn fold_changes(&mut self) {
        let profile = self.profile.clone();
        self.base.keep_changes(profile.as_deref(), &self.settings);
        self.base.overlay = self.settings.overlay.clone();
        self.base.general.setup_done |= self.settings.general.setup_done;
    }

    /// Another window came to the front: a game's window brings its profile into effect, and leaving it
    /// brings the default back. Moving between windows of no game (or to ocrlay's own) changes nothing, so a
    /// profile chosen by hand stays.
    pub fn foreground(&mut self, host: &mut dyn Host, front: crate::capture::Foreground) {
        let crate::capture::Foreground::Window(w) = front else {
            return;
        };
        let name = self.base.profile_for(&w).map(|p| p.name.clone());
        tracing::debug!(window = %w.title, app = %w.app, profile = ?name, "front window");
        if name == self.front_match {
            return;
        }
        self.front_match = name.clone();
        self.switch_profile(host, name);
    }

    /// Puts profile `name` (none: the default) into effect: its providers, rules, glossary and regions from the
    /// next line on; auto mode reads its regions.
    pub fn switch_profile(&mut self, host: &mut dyn Host, name: Option<String>) {
        if self.profile == name {
            return;
        }
        self.fold_changes();
        self.profile = name.filter(|n| self.base.profile(n).is_some());
        self.settings = self.base.effective(self.profile.as_deref());
        self.last_region = None;
        tracing::info!(profile = ?self.profile, "profile switched");
        probe::emit(Probe::ProfileSwitched {
            name: self.profile.clone(),
        });
        host.settings_changed(&self.settings);
        if self.auto_on {
            self.set_auto(host, true);
        } else {
            host.use_overlays(&self.slots_in_use());
        }
        self.providers_changed(host);
        let msg = match &self.profile {
            Some(p) => Text::new("status.profile").with("name", p),
            None => Text::new("status.profile_default"),
        };
        self.status(host, msg, false);
    }

    /// The active saved region.
    pub fn active(&self) -> usize {
        self.settings
            .regions
            .active
            .min(self.settings.regions.slots.len().saturating_sub(1))
    }

    /// Where saved region `slot`'s overlay goes: its own mode, or the overlay setting.
    fn mode(&self, slot: usize) -> OverlayMode {
        self.settings
            .regions
            .slots
            .get(slot)
            .and_then(|s| s.overlay_mode)
            .unwrap_or(self.settings.overlay.mode)
    }

    /// The saved region whose overlay shows `job`.
    pub fn slot_of(&self, job: u64) -> Option<usize> {
        self.lanes
            .iter()
            .position(|l| l.trace.is_some_and(|t| t.job == job))
    }

    /// The regions with an overlay: the active one, and the watched ones while auto mode runs.
    fn slots_in_use(&self) -> Vec<usize> {
        let active = self.active();
        let mut slots = vec![active];
        if self.auto_on {
            slots.extend(self.watched().into_iter().filter(|&s| s != active));
        }
        slots
    }

    /// Where the regions in use other than `slot` are (those set), for an overlay to keep clear of.
    fn others_in_use(&self, slot: usize) -> Vec<Rect> {
        self.slots_in_use()
            .into_iter()
            .filter(|&s| s != slot)
            .filter_map(|s| self.settings.regions.slots.get(s).and_then(|r| r.rect()))
            .collect()
    }

    /// The saved regions auto mode reads besides the active one (watched, and set).
    fn watched(&self) -> Vec<usize> {
        let slots = &self.settings.regions.slots;
        (0..slots.len())
            .filter(|&i| slots[i].watch && slots[i].target().is_some())
            .collect()
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

    /// The active region's overlay's status line.
    pub fn status(&mut self, host: &mut dyn Host, text: impl Into<Said>, busy: bool) {
        self.status_in(host, self.active(), text, busy);
    }

    /// The status line of saved region `slot`'s overlay. A sentence of the table goes to the page as such too,
    /// so a switch of the UI's language words it again.
    fn status_in(&mut self, host: &mut dyn Host, slot: usize, text: impl Into<Said>, busy: bool) {
        let (text, words) = match text.into() {
            Said::Words(t) => (self.words(t.clone()), Some(t)),
            Said::Plain(s) => (s, None),
        };
        tracing::debug!(slot, text, busy, "status");
        probe::emit(Probe::Status { busy });
        if let Some(lane) = self.lanes.get_mut(slot) {
            lane.status_busy = busy;
        }
        host.overlay(slot, OverlayOut::Status { text, busy, words });
    }

    /// The status line of the active region's overlay, and the overlay shown so the user sees it.
    fn say(&mut self, host: &mut dyn Host, text: impl Into<Said>) {
        self.say_in(host, self.active(), text);
    }

    /// The status line of `slot`'s overlay, shown.
    fn say_in(&mut self, host: &mut dyn Host, slot: usize, text: impl Into<Said>) {
        self.status_in(host, slot, text, false);
        host.show_overlay(slot, true);
    }

    /// A message of the app itself in the overlay's body (until the next job), with a button when given.
    pub fn notice(
        &mut self,
        host: &mut dyn Host,
        text: impl Into<Said>,
        action: Option<NoticeAction>,
    ) {
        let slot = self.active();
        let (text, words) = match text.into() {
            Said::Words(t) => (self.words(t.clone()), Some(t)),
            Said::Plain(s) => (s, None),
        };
        host.overlay(
            slot,
            OverlayOut::Notice {
                job: None,
                text,
                action,
                words,
            },
        );
        host.show_overlay(slot, true);
    }

    /// The settings in effect changed (saved, or another profile came into effect): an overlay that says its
    /// job found no provider enabled stops saying so once one is, and its status line says how to read again.
    fn providers_changed(&mut self, host: &mut dyn Host) {
        if self.settings.enabled_providers().is_empty() {
            return;
        }
        let keys = &self.settings.hotkeys;
        let hotkey = [&keys.repeat_last, &keys.select_region]
            .into_iter()
            .find(|k| !k.trim().is_empty())
            .cloned();
        let msg = match hotkey {
            Some(hotkey) => Text::new("status.provider_on").with("hotkey", hotkey),
            None => Text::new("status.provider_on_plain"),
        };
        for slot in 0..self.lanes.len() {
            if std::mem::take(&mut self.lanes[slot].no_provider) {
                tracing::debug!(slot, "a provider is enabled now: the notice goes");
                host.overlay(slot, OverlayOut::ClearNotice);
                self.status_in(host, slot, msg.clone(), false);
            }
        }
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
        self.read_again(host, self.active(), at, use_memory);
    }

    /// Reads saved region `n` again: the active one's last region, another's saved place (or its window).
    pub fn read_again(&mut self, host: &mut dyn Host, n: usize, at: Instant, use_memory: bool) {
        let Some(slot) = self.settings.regions.slots.get(n).cloned() else {
            return;
        };
        let last = if n == self.active() {
            self.last_region
        } else {
            None
        };
        let Some(region) = last.or_else(|| slot.rect()) else {
            let msg = Text::new("status.no_region");
            self.say_in(host, n, msg);
            return;
        };
        // A region bound to a window reads the window itself (wherever it is now, even under the overlay).
        let bound = slot
            .window
            .as_ref()
            .filter(|_| last.is_none() || last == slot.rect())
            .map(|w| Target::Window(w.clone()));
        if host.placed_for(n) != Some(region) {
            // First use of this region since the start: the slot's overlay position, or beside/over it.
            match slot.overlay_position {
                Some(at) => host.move_overlay(n, at, Some(region)),
                None => host.place_overlay(n, region, self.mode(n), &self.others_in_use(n)),
            }
        }
        let source = Source::Screen(bound.unwrap_or(Target::Region(region)));
        self.submit(host, n, source, at, use_memory);
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
        let n = self.active();
        host.place_overlay(n, region, self.mode(n), &self.others_in_use(n));
        // First the slot (a bound slot's offset inside its window), then auto mode reads it.
        self.slot_region_chosen(host, region);
        if self.auto_on {
            self.set_auto(host, true);
        }
        self.submit(host, n, Source::Image(image), at, true);
        // Kept at once, not only at exit: a session that ends badly (the X server gone) keeps the region.
        self.save_state();
    }

    /// Starts a job for saved region `slot`, shown in its overlay.
    fn submit(
        &mut self,
        host: &mut dyn Host,
        slot: usize,
        source: Source,
        at: Instant,
        use_memory: bool,
    ) {
        let id = host.next_job_id();
        let saved = self.settings.regions.slots[slot].clone();
        let lane = &mut self.lanes[slot];
        lane.trace = Some(Trace::new(id, at, false));
        lane.no_provider = false;
        // Where a covered window cannot be read (X11 without a compositor), the overlay steps aside for the
        // capture instead of being read itself.
        let mut settle = Duration::ZERO;
        let place = match &source {
            Source::Screen(Target::Region(region)) => Some(*region),
            Source::Screen(Target::Window(_)) => saved.rect(),
            Source::Image(_) | Source::Text(_) => None,
        };
        if lane.hidden_for_capture.is_some() {
            // Still hidden for a capture this one supersedes: this job shows it again.
            lane.hidden_for_capture = Some(id);
            settle = SETTLE;
        } else if let Some(region) = place {
            if host.overlay_covers(slot, region) && !host.covered_capture_supported() {
                host.show_overlay(slot, false);
                lane.hidden_for_capture = Some(id);
                settle = SETTLE;
                tracing::debug!("overlay hidden for the capture");
                probe::emit(Probe::OverlayHidden { job: id });
            }
        }
        let msg = Text::new("status.reading");
        self.status_in(host, slot, msg, true);
        host.submit(Job {
            id,
            source,
            started: at,
            region: saved.name,
            slot,
            use_memory,
            settle,
            direction: saved.direction,
        });
    }

    /// Turns auto mode on or off. On, it reads the active region and every watched one, each into its own
    /// overlay.
    pub fn set_auto(&mut self, host: &mut dyn Host, on: bool) {
        if !on {
            let was = self.slots_in_use();
            self.auto_on = false;
            host.set_auto(Vec::new());
            for slot in was {
                host.overlay(slot, OverlayOut::Auto { on: false });
            }
            host.use_overlays(&self.slots_in_use());
            let msg = Text::new("status.auto_off");
            self.status(host, msg, false);
            return;
        }
        let active = self.active();
        let current = self.settings.regions.current().clone();
        // The active region (the one chosen last, or its saved place), then the watched ones.
        let mut regions: Vec<(usize, Rect)> = Vec::new();
        if let Some(r) = self.last_region.or_else(|| current.rect()) {
            regions.push((active, r));
        }
        for n in self.watched().into_iter().filter(|&n| n != active) {
            if let Some(r) = self.settings.regions.slots[n].rect() {
                regions.push((n, r));
            }
        }
        if regions.is_empty() {
            let msg = Text::new("status.auto_needs_region");
            self.say(host, msg);
            return;
        }
        self.auto_on = true;
        let targets: Vec<AutoTarget> = regions
            .iter()
            .map(|&(n, region)| {
                let slot = &self.settings.regions.slots[n];
                AutoTarget {
                    target: match &slot.window {
                        Some(w) => Target::Window(w.clone()),
                        None => Target::Region(region),
                    },
                    name: slot.name.clone(),
                    slot: n,
                    direction: slot.direction,
                    gates: self.settings.auto.gates.clone(),
                }
            })
            .collect();
        host.use_overlays(&regions.iter().map(|&(n, _)| n).collect::<Vec<_>>());
        host.set_auto(targets);
        for &(n, region) in &regions {
            let slot = self.settings.regions.slots[n].clone();
            host.overlay(n, OverlayOut::Auto { on: true });
            let msg = Text::new("status.auto_on").with("region", &slot.name);
            self.status_in(host, n, msg, false);
            match slot.overlay_position {
                // A watched region's overlay goes where the user left it, unless it covers the text.
                Some(at) if n != active && self.mode(n) == OverlayMode::Beside => {
                    host.move_overlay(n, at, Some(region))
                }
                _ => {
                    let others: Vec<Rect> = regions
                        .iter()
                        .filter(|&&(m, _)| m != n)
                        .map(|&(_, r)| r)
                        .collect();
                    host.place_overlay(n, region, self.mode(n), &others)
                }
            }
            host.show_overlay(n, true);
        }
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
        self.save_state();
        let slot = self.settings.regions.current().clone();
        self.last_region = slot.rect();
        probe::emit(Probe::RegionSwitched {
            index: n,
            set: self.last_region.is_some(),
        });
        // The region's overlay: its own when auto mode watches it, else the one the last region had.
        host.use_overlays(&self.slots_in_use());
        match (slot.overlay_position, self.last_region) {
            (Some(at), region) => host.move_overlay(n, at, region),
            (None, Some(r)) => host.place_overlay(n, r, self.mode(n), &self.others_in_use(n)),
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
        let msg = text.with("n", n + 1).with("region", &slot.name);
        self.say(host, msg);
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
                let msg = Text::new("status.region_unbound").with("window", &binding.title);
                self.status(host, msg, false);
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
        slot: usize,
        original: &str,
        corrected: &str,
        at: Instant,
    ) {
        let corrected = corrected.trim();
        if corrected.is_empty() || corrected == original.trim() {
            return;
        }
        let slot = slot.min(self.lanes.len() - 1);
        let region = self.settings.regions.slots[slot].name.clone();
        let rules = correction_rules(original.trim(), corrected, &region);
        let add = |filters: &mut Vec<crate::filters::Rule>| {
            for rule in &rules {
                match filters
                    .iter_mut()
                    .find(|r| r.regex && r.pattern == rule.pattern && r.region == rule.region)
                {
                    Some(old) => old.replacement = rule.replacement.clone(),
                    None => filters.push(rule.clone()),
                }
            }
        };
        add(&mut self.settings.filters);
        let profile = self.profile.clone();
        if let Err(e) = config::update(
            &self.config_path,
            |s| add(s.filters_for(profile.as_deref())),
        ) {
            tracing::warn!("{e}");
        }
        tracing::debug!(rules = rules.len(), "correction remembered");
        host.settings_changed(&self.settings);
        self.submit(host, slot, Source::Text(corrected.to_string()), at, true);
    }

    /// The user put saved region `slot`'s overlay at `at`: it stays there for that region (and the next start
    /// opens the overlay there, when it is the active region's).
    pub fn overlay_placed_by_user(&mut self, slot: usize, at: [i32; 2]) {
        if slot == self.active() {
            self.settings.overlay.position = Some(at);
        }
        if let Some(s) = self.settings.regions.slots.get_mut(slot) {
            s.overlay_position = Some(at);
        }
    }

    /// Whether `job` is on screen (in its region's overlay).
    pub fn is_current(&self, job: u64) -> bool {
        self.slot_of(job).is_some()
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
            PipelineEvent::AutoJob { job, slot } => {
                if let Some(lane) = self.lanes.get_mut(slot) {
                    lane.trace = Some(Trace::new(job, Instant::now(), true));
                    lane.no_provider = false;
                }
            }
            PipelineEvent::RegionMoved { job, slot, region } => {
                self.region_moved(host, job, slot, region)
            }
            PipelineEvent::AutoProblem { slot, problem } => {
                let msg =
                    Text::new("status.auto_problem").with("reason", problem.message(self.zh()));
                self.say_in(host, slot, msg);
            }
            PipelineEvent::Captured { job, ms } => {
                for (slot, lane) in self.lanes.iter_mut().enumerate() {
                    if let Some(t) = lane.trace.as_mut().filter(|t| t.job == job) {
                        t.captured = Some(Instant::now());
                    }
                    if lane.hidden_for_capture == Some(job) {
                        lane.hidden_for_capture = None;
                        host.show_overlay(slot, true);
                    }
                }
                tracing::debug!(job, ms, "capture done");
            }
            PipelineEvent::Failed { job, problem } => {
                for lane in &mut self.lanes {
                    if lane.hidden_for_capture == Some(job) {
                        lane.hidden_for_capture = None;
                    }
                }
                if let Some(slot) = self.slot_of(job) {
                    let message = problem.message(self.zh());
                    self.say_in(host, slot, &message);
                }
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
                if let Some(slot) = self.slot_of(job) {
                    self.job_ended(host, slot, job, end);
                }
            }
            e => {
                // The rest speak of a job's text: shown in its region's overlay, while it is on screen (late
                // events of a superseded job are dropped).
                if let Some(slot) = e.job().and_then(|job| self.slot_of(job)) {
                    self.job_event(host, slot, e);
                }
            }
        }
    }

    /// An event of the job on screen in `slot`'s overlay.
    fn job_event(&mut self, host: &mut dyn Host, slot: usize, e: PipelineEvent) {
        match e {
            PipelineEvent::Recognized {
                job,
                text,
                ms,
                providers,
                cut_from,
                corrected,
            } => {
                if let Some(t) = self.lanes[slot].trace.as_mut() {
                    t.recognized = Some(Instant::now());
                }
                let lines = text.lines().count();
                let translating = !providers.is_empty();
                if self.mode(slot) == OverlayMode::Over {
                    host.fit_over(slot);
                }
                host.overlay(
                    slot,
                    OverlayOut::Job {
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
                    },
                );
                let text = match translating {
                    true => Text::new("status.ocr_translating"),
                    false => Text::new("status.ocr_done"),
                };
                let mut msg = text.with("ms", ms).with("n", lines);
                if let Some(n) = cut_from {
                    let kept = crate::pipeline::MAX_OCR_CHARS;
                    msg = Text::new("common.concat").with_text("a", msg).with_text(
                        "b",
                        Text::new("status.text_cut").with("n", n).with("kept", kept),
                    );
                }
                self.status_in(host, slot, msg, translating);
                host.show_overlay(slot, true);
            }
            PipelineEvent::NoText { ms, .. } => {
                self.say_in(host, slot, Text::new("status.no_text").with("ms", ms));
            }
            PipelineEvent::Delta {
                job,
                provider,
                text,
            } => {
                if let Some(t) = self.lanes[slot]
                    .trace
                    .as_mut()
                    .filter(|t| t.first_delta.is_none())
                {
                    t.first_delta = Some(Instant::now());
                    tracing::debug!(job, provider = %provider, ms = t.hotkey.elapsed().as_millis(), "overlay update (first text)");
                }
                host.overlay(
                    slot,
                    OverlayOut::Delta {
                        job,
                        provider,
                        text,
                    },
                );
            }
            PipelineEvent::Done {
                job,
                provider,
                text,
                ms,
            } => {
                tracing::debug!(job, slot, provider = %provider, ms, "overlay update (done)");
                probe::emit(Probe::Done {
                    job,
                    provider: provider.clone(),
                    slot,
                });
                host.history_changed();
                host.overlay(
                    slot,
                    OverlayOut::Done {
                        job,
                        provider,
                        text,
                        ms,
                    },
                );
            }
            PipelineEvent::ProviderStopped {
                job,
                provider,
                reason: StopReason::Disabled,
            } => {
                let message = self.words(Text::new("status.provider_disabled"));
                host.overlay(
                    slot,
                    OverlayOut::Error {
                        job,
                        provider,
                        message,
                        partial: String::new(),
                    },
                );
            }
            PipelineEvent::ProviderFailed {
                job,
                provider,
                problem,
                partial,
            } => {
                host.overlay(
                    slot,
                    OverlayOut::Error {
                        job,
                        provider,
                        message: problem.message(self.zh()),
                        partial,
                    },
                );
                self.status_in(host, slot, "", false);
            }
            _ => {}
        }
    }

    /// A bound window moved: the region, and its overlay with it (unless the user placed it).
    fn region_moved(&mut self, host: &mut dyn Host, job: Option<u64>, n: usize, region: Rect) {
        // A superseded manual job, or auto mode that was stopped, speaks of a region no longer current.
        let current = match job {
            Some(job) => self.is_current(job),
            None => self.auto_on,
        };
        if !current || n >= self.settings.regions.slots.len() {
            return;
        }
        tracing::debug!(slot = n, ?region, "bound region moved");
        if n == self.active() {
            self.last_region = Some(region);
        }
        let mode = self.mode(n);
        let slot = &mut self.settings.regions.slots[n];
        if slot.window.is_some() {
            slot.rect = Some(region.to_array());
        }
        let user_placed = slot.overlay_position.is_some();
        if host.placed_for(n) != Some(region) {
            if mode == OverlayMode::Over || !user_placed {
                let others = self.others_in_use(n);
                host.place_overlay(n, region, mode, &others);
            } else {
                host.set_placed_for(n, Some(region));
            }
        }
    }

    /// The job on screen in `slot`'s overlay is over: the status says how, and nothing keeps spinning.
    fn job_ended(&mut self, host: &mut dyn Host, slot: usize, job: u64, end: JobEnd) {
        let lane = self.lanes[slot];
        let (total, auto) = lane
            .trace
            .map(|t| (t.hotkey.elapsed().as_millis(), t.auto))
            .unwrap_or((0, false));
        let msg: Said = match end {
            JobEnd::Translated if auto => Text::new("status.auto_waiting").into(),
            JobEnd::Translated => Text::new("status.done").with("ms", total).into(),
            JobEnd::NoProvider => {
                let words = Text::new("status.no_provider_notice");
                host.overlay(
                    slot,
                    OverlayOut::Notice {
                        job: Some(job),
                        text: self.words(words.clone()),
                        action: Some(NoticeAction::OpenProviders),
                        words: Some(words),
                    },
                );
                self.lanes[slot].no_provider = true;
                Text::new("status.no_provider").into()
            }
            JobEnd::Cancelled => Text::new("status.stopped").into(),
            // Their own events said what happened (the error, "no text found"): only the spinner stops.
            JobEnd::Failed | JobEnd::NothingToRead => {
                if !lane.status_busy {
                    return;
                }
                Said::Plain(String::new())
            }
        };
        self.status_in(host, slot, msg, false);
    }

    /// The overlay painted the first character of `job`: the stage timings are logged once per job.
    pub fn painted(&mut self, job: u64) {
        let Some(slot) = self.slot_of(job) else {
            return;
        };
        let Some(t) = self.lanes[slot].trace.as_mut().filter(|t| !t.painted) else {
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
            slot,
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
        let profile = self.profile.as_deref();
        let result = config::update(&self.config_path, |disk| {
            disk.overlay.position = now.overlay.position;
            disk.overlay.locked = now.overlay.locked;
            // The regions are the profile's in effect (kept in it only when they changed).
            let mut regions = disk.effective(profile);
            regions.regions.active = now.regions.active;
            for (slot, mine) in regions.regions.slots.iter_mut().zip(&now.regions.slots) {
                slot.rect = mine.rect;
                slot.overlay_position = mine.overlay_position;
            }
            disk.keep_changes(profile, &regions);
        });
        // Never move the user's unreadable file aside just to remember a window position (`Ok(false)`).
        if let Err(e) = result {
            tracing::warn!("{e}");
        }
    }
}

/// Replacement rules that turn `original` into `corrected` in the text of saved region `region`: one per
/// changed line when both have as many lines (each matching that whole line, and only it), else one for the
/// whole text.
fn correction_rules(original: &str, corrected: &str, region: &str) -> Vec<crate::filters::Rule> {
    let rule = |pattern: String, replacement: &str| crate::filters::Rule {
        pattern,
        // Literal text: `$` would name a group.
        replacement: replacement.replace('$', "$$"),
        regex: true,
        stage: crate::filters::Stage::BeforeTranslation,
        enabled: true,
        region: Some(region.to_string()),
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

    /// The windows and the pipeline, as the controller sees them: what it asked for is recorded. Each slot's
    /// overlay sits over the top-left 100×100 of the desktop.
    #[derive(Default)]
    struct Fake {
        /// Every overlay message, with the slot it went to.
        to: Vec<(usize, OverlayOut)>,
        shown: std::collections::BTreeMap<usize, bool>,
        placed: Vec<(usize, Rect)>,
        moved: Vec<(usize, [i32; 2])>,
        placed_for: std::collections::BTreeMap<usize, Rect>,
        /// What each slot's overlay was last told to keep clear of.
        avoided: std::collections::BTreeMap<usize, Vec<Rect>>,
        in_use: Vec<usize>,
        covered_ok: bool,
        windows: Vec<WindowInfo>,
        next: u64,
        jobs: Vec<Job>,
        auto: Vec<Vec<AutoTarget>>,
        history_changes: usize,
        settings_changes: usize,
    }

    impl Host for Fake {
        fn overlay(&mut self, slot: usize, msg: OverlayOut) {
            self.to.push((slot, msg));
        }
        fn show_overlay(&mut self, slot: usize, show: bool) {
            self.shown.insert(slot, show);
        }
        fn overlay_visible(&self, slot: usize) -> bool {
            self.visible(slot)
        }
        fn place_overlay(&mut self, slot: usize, region: Rect, _mode: OverlayMode, avoid: &[Rect]) {
            self.placed.push((slot, region));
            self.avoided.insert(slot, avoid.to_vec());
            self.placed_for.insert(slot, region);
        }
        fn move_overlay(&mut self, slot: usize, at: [i32; 2], region: Option<Rect>) {
            self.moved.push((slot, at));
            self.set_placed_for(slot, region);
        }
        fn placed_for(&self, slot: usize) -> Option<Rect> {
            self.placed_for.get(&slot).copied()
        }
        fn set_placed_for(&mut self, slot: usize, region: Option<Rect>) {
            match region {
                Some(r) => self.placed_for.insert(slot, r),
                None => self.placed_for.remove(&slot),
            };
        }
        fn fit_over(&mut self, _slot: usize) {}
        fn overlay_covers(&self, slot: usize, region: Rect) -> bool {
            let at = Rect {
                x: 0,
                y: 0,
                width: 100,
                height: 100,
            };
            self.visible(slot) && at.intersect(&region).is_some()
        }
        fn use_overlays(&mut self, slots: &[usize]) {
            self.in_use = slots.to_vec();
            for (slot, shown) in self.shown.iter_mut() {
                if !slots.contains(slot) {
                    *shown = false;
                }
            }
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
        fn set_auto(&mut self, targets: Vec<AutoTarget>) {
            self.auto.push(targets);
        }
        fn history_changed(&mut self) {
            self.history_changes += 1;
        }
        fn settings_changed(&mut self, _settings: &Settings) {
            self.settings_changes += 1;
        }
    }

    impl Fake {
        fn visible(&self, slot: usize) -> bool {
            self.shown.get(&slot).copied().unwrap_or(false)
        }

        /// The messages of slot 0's overlay.
        fn sent(&self) -> Vec<&OverlayOut> {
            self.sent_to(0)
        }

        fn sent_to(&self, slot: usize) -> Vec<&OverlayOut> {
            self.to
                .iter()
                .filter(|(s, _)| *s == slot)
                .map(|(_, m)| m)
                .collect()
        }

        fn statuses(&self) -> Vec<(&str, bool)> {
            self.sent()
                .into_iter()
                .filter_map(|m| match m {
                    OverlayOut::Status { text, busy, .. } => Some((text.as_str(), *busy)),
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
        assert!(host.visible(0), "the user must see why nothing happens");
        assert_eq!(host.statuses().len(), 1);
        c.set_auto(&mut host, true);
        assert!(host.auto.is_empty() && !c.auto_on());
    }

    /// Issue 24: a status line goes to the page as a sentence too, so a switch of the UI's language words it
    /// again there.
    #[test]
    fn status_lines_carry_their_sentence_for_a_language_switch() {
        let (mut c, _dir) = controller();
        let mut host = Fake::default();
        c.repeat_last(&mut host, Instant::now(), true);
        let status = host
            .sent()
            .into_iter()
            .find_map(|m| match m {
                OverlayOut::Status { text, words, .. } => Some((text.clone(), words.clone())),
                _ => None,
            })
            .unwrap();
        let words = status.1.expect("the sentence goes with the words");
        assert_eq!(words.key, "status.no_region");
        assert_eq!(status.0, words.render(c.lang()));
        let v = serde_json::to_value(OverlayOut::Status {
            text: "x".into(),
            busy: false,
            words: None,
        })
        .unwrap();
        assert_eq!(
            v,
            serde_json::json!({"type": "status", "text": "x", "busy": false})
        );
    }

    #[test]
    fn a_chosen_region_is_read_from_the_frozen_screen_and_becomes_the_slots() {
        let (mut c, _dir) = controller();
        let mut host = Fake::default();
        let region = rect(300, 400, 200, 50);
        c.region_chosen(&mut host, region, image(), Instant::now());
        assert_eq!(host.placed, vec![(0, region)]);
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
        assert!(host.sent().iter().any(|m| matches!(
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
    fn enabling_a_provider_clears_the_no_provider_notice_on_every_overlay() {
        let (mut c, _dir) = controller();
        let mut host = Fake::default();
        // Two regions' jobs end with no provider enabled.
        let mut jobs = Vec::new();
        for slot in [0, 1] {
            c.settings.regions.active = slot;
            c.region_chosen(
                &mut host,
                rect(300, 400 + 100 * slot as i32, 200, 50),
                image(),
                Instant::now(),
            );
            let job = host.jobs.last().unwrap().id;
            jobs.push(job);
            c.pipeline_event(
                &mut host,
                PipelineEvent::Ended {
                    job,
                    end: JobEnd::NoProvider,
                },
            );
        }
        let clears = |host: &Fake, slot: usize| {
            host.sent_to(slot)
                .into_iter()
                .filter(|m| matches!(m, OverlayOut::ClearNotice))
                .count()
        };
        // Saved without a provider: the notices stay.
        let mut new = c.base().clone();
        new.translation.stream = false;
        c.set_base(&mut host, new.clone());
        assert_eq!((clears(&host, 0), clears(&host, 1)), (0, 0));
        // Saved with one switched on: each overlay's notice goes at once, and its status says how to read again.
        new.providers.insert(
            "deepseek".into(),
            config::ProviderSettings {
                enabled: true,
                api_key: crate::providers::ApiKey::new("sk-test"),
                ..Default::default()
            },
        );
        c.set_base(&mut host, new.clone());
        assert_eq!((clears(&host, 0), clears(&host, 1)), (1, 1));
        let ready = c.words(Text::new("status.provider_on").with("hotkey", "Alt+W"));
        for slot in [0, 1] {
            let last_status = host.sent_to(slot).into_iter().rev().find_map(|m| match m {
                OverlayOut::Status { text, busy, .. } => Some((text.clone(), *busy)),
                _ => None,
            });
            assert_eq!(last_status, Some((ready.clone(), false)), "slot {slot}");
        }
        // Said once: saving again clears nothing more.
        c.set_base(&mut host, new);
        assert_eq!((clears(&host, 0), clears(&host, 1)), (1, 1));
    }

    #[test]
    fn a_profile_that_enables_a_provider_clears_the_notice_and_a_new_job_forgets_it() {
        let (mut c, _dir) = controller();
        let mut host = Fake::default();
        let mut base = c.base().clone();
        base.providers.insert(
            "deepseek".into(),
            config::ProviderSettings {
                api_key: crate::providers::ApiKey::new("sk-test"),
                ..Default::default()
            },
        );
        base.profiles.push(config::Profile {
            name: "Game".into(),
            providers: Some(vec!["deepseek".into()]),
            ..Default::default()
        });
        c.set_base(&mut host, base);
        let cleared = |host: &Fake| {
            host.sent()
                .iter()
                .any(|m| matches!(m, OverlayOut::ClearNotice))
        };
        // A job that found a provider later (a new job on the overlay) leaves nothing to clear.
        c.region_chosen(&mut host, rect(300, 400, 200, 50), image(), Instant::now());
        let job = host.jobs[0].id;
        c.pipeline_event(
            &mut host,
            PipelineEvent::Ended {
                job,
                end: JobEnd::NoProvider,
            },
        );
        c.repeat_last(&mut host, Instant::now(), true);
        c.switch_profile(&mut host, Some("Game".into()));
        assert!(!cleared(&host));
        // The notice on show goes when the profile that enables a provider comes into effect.
        c.switch_profile(&mut host, None);
        let job = host.jobs.last().unwrap().id;
        c.pipeline_event(
            &mut host,
            PipelineEvent::Ended {
                job,
                end: JobEnd::NoProvider,
            },
        );
        c.switch_profile(&mut host, Some("Game".into()));
        assert!(cleared(&host));
    }

    #[test]
    fn events_of_a_superseded_job_are_not_shown() {
        let (mut c, _dir) = controller();
        let mut host = Fake::default();
        let region = rect(300, 400, 200, 50);
        c.region_chosen(&mut host, region, image(), Instant::now());
        c.repeat_last(&mut host, Instant::now(), true);
        let (old, new) = (host.jobs[0].id, host.jobs[1].id);
        let before = host.sent().len();
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
        assert_eq!(host.sent().len(), before);
        c.pipeline_event(
            &mut host,
            PipelineEvent::Done {
                job: new,
                provider: "deepseek".into(),
                text: "新".into(),
                ms: 5,
            },
        );
        assert!(matches!(host.sent().last(), Some(OverlayOut::Done { job, .. }) if *job == new));
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
        let mut host = Fake::default();
        host.show_overlay(0, true);
        // Under the overlay, no compositor: hidden for the capture, shown again once it is done.
        c.region_chosen(&mut host, rect(10, 10, 50, 20), image(), Instant::now());
        c.repeat_last(&mut host, Instant::now(), true);
        let job = &host.jobs[1];
        assert_eq!(job.settle, SETTLE);
        assert!(!host.visible(0));
        let id = job.id;
        c.pipeline_event(&mut host, PipelineEvent::Captured { job: id, ms: 3 });
        assert!(host.visible(0));
        // With a compositor it stays where it is.
        host.covered_ok = true;
        c.repeat_last(&mut host, Instant::now(), true);
        assert_eq!(host.jobs[2].settle, Duration::ZERO);
        assert!(host.visible(0));
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
        let target = host.auto.last().unwrap()[0].clone();
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
        assert_eq!(host.moved, vec![(1, [700, 20])]);
        assert_eq!(host.placed_for(1), Some(rect(500, 500, 100, 30)));
        c.switch_region(&mut host, 0);
        assert_eq!(host.placed, vec![(0, rect(0, 0, 100, 30))]);
        // A slot with no region yet: nothing to read, and the user is told.
        c.switch_region(&mut host, 2);
        c.repeat_last(&mut host, Instant::now(), true);
        assert!(host.jobs.is_empty());
        // Past the last slot: nothing changes.
        c.switch_region(&mut host, 9);
        assert_eq!(c.settings.regions.active, 2);
        // The user drags the overlay: the active slot remembers it.
        c.overlay_placed_by_user(2, [5, 6]);
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
            0,
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
        let before = crate::filters::Stage::BeforeTranslation;
        let fixed = filters.apply_for(before, original, "Region 1");
        assert_eq!(fixed, "【アリス】\n魔王を倒す旅に出た。");
        // It is this region's correction: another region's reading of the same line is left as read.
        assert_eq!(rules[0].region.as_deref(), Some("Region 1"));
        assert_eq!(filters.apply_for(before, original, "Menu"), original);
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
            0,
            original,
            "【アリス】\n魔王を倒す旅に出た。",
            Instant::now(),
        );
        assert_eq!(c.settings.filters.len(), 1);
        c.correct_source(&mut host, 0, original, original, Instant::now());
        assert_eq!(host.jobs.len(), 3);
        // Money signs are text, not group references.
        let rules = correction_rules("100G", "$100", "Region 1");
        let (filters, _) = crate::filters::Filters::compile(&rules);
        assert_eq!(
            filters.apply(crate::filters::Stage::BeforeTranslation, "100G"),
            "$100"
        );
    }

    #[test]
    fn auto_mode_reads_each_watched_region_into_its_own_overlay() {
        let (mut c, _dir) = controller();
        c.settings.regions.slots[0].rect = Some([0, 500, 800, 120]);
        c.settings.regions.slots[2] = SavedRegion {
            name: "Names".into(),
            rect: Some([0, 400, 200, 40]),
            watch: true,
            overlay_mode: Some(OverlayMode::Over),
            ..SavedRegion::empty(2)
        };
        // Watched but never chosen: nothing to read.
        c.settings.regions.slots[3].watch = true;
        let mut host = Fake::default();
        c.set_auto(&mut host, true);
        let targets = host.auto.last().unwrap();
        let slots: Vec<usize> = targets.iter().map(|t| t.slot).collect();
        assert_eq!(slots, vec![0, 2]);
        assert_eq!(targets[1].name, "Names");
        assert_eq!(host.in_use, vec![0, 2]);
        assert!(host.visible(0) && host.visible(2));
        assert_eq!(host.placed_for(2), Some(rect(0, 400, 200, 40)));
        // Each overlay keeps clear of the other region read at the same time.
        assert_eq!(host.avoided[&0], vec![rect(0, 400, 200, 40)]);
        assert_eq!(host.avoided[&2], vec![rect(0, 500, 800, 120)]);
        // Each region's new line goes to its own overlay, and neither supersedes the other.
        c.pipeline_event(&mut host, PipelineEvent::AutoJob { job: 10, slot: 0 });
        c.pipeline_event(&mut host, PipelineEvent::AutoJob { job: 11, slot: 2 });
        for (job, text) in [(10, "一行目"), (11, "名前")] {
            c.pipeline_event(
                &mut host,
                PipelineEvent::Done {
                    job,
                    provider: "p".into(),
                    text: text.into(),
                    ms: 1,
                },
            );
        }
        let done = |slot| {
            host.sent_to(slot)
                .into_iter()
                .filter_map(|m| match m {
                    OverlayOut::Done { job, text, .. } => Some((*job, text.clone())),
                    _ => None,
                })
                .collect::<Vec<_>>()
        };
        assert_eq!(done(0), vec![(10, "一行目".to_string())]);
        assert_eq!(done(2), vec![(11, "名前".to_string())]);
        assert_eq!(c.slot_of(11), Some(2));
        // A manual read of the active region leaves the watched region's line on screen.
        c.repeat_last(&mut host, Instant::now(), true);
        assert_eq!(host.jobs.last().unwrap().slot, 0);
        assert_eq!(c.slot_of(11), Some(2));
        assert_eq!(c.slot_of(10), None);
        // Off: back to one overlay.
        c.set_auto(&mut host, false);
        assert_eq!(host.auto.last().unwrap().len(), 0);
        assert_eq!(host.in_use, vec![0]);
        assert!(!host.visible(2));
    }

    #[test]
    fn switching_to_a_watched_region_keeps_the_others_overlays_while_auto_mode_runs() {
        let (mut c, _dir) = controller();
        c.settings.regions.slots[0].rect = Some([0, 500, 800, 120]);
        c.settings.regions.slots[1].rect = Some([0, 100, 800, 120]);
        c.settings.regions.slots[1].watch = true;
        let mut host = Fake::default();
        c.set_auto(&mut host, true);
        assert_eq!(host.in_use, vec![0, 1]);
        c.switch_region(&mut host, 1);
        // Slot 0 is no longer active nor watched: its overlay is not needed.
        assert_eq!(host.in_use, vec![1]);
        let slots: Vec<usize> = host.auto.last().unwrap().iter().map(|t| t.slot).collect();
        assert_eq!(slots, vec![1]);
        c.switch_region(&mut host, 0);
        assert_eq!(host.in_use, vec![0, 1]);
    }

    #[test]
    fn a_games_profile_comes_into_effect_while_its_window_is_in_front() {
        let (settings, w) = Settings::parse(
            r#"
[general]
ui_language = "en"
[regions]
slots = [{ name = "Dialogue", rect = [0, 600, 1280, 200] }]
[[profiles]]
name = "Ys"
game = { app = "ys8.exe" }
glossary = [{ src = "アドル", dst = "亚特鲁" }]
[profiles.regions]
slots = [{ name = "Ys box", rect = [10, 10, 300, 60] }]
"#,
        )
        .unwrap();
        assert!(w.is_empty(), "{w:?}");
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        config::save(&settings, &path).unwrap();
        let mut c = Controller::new(settings, path.clone());
        let mut host = Fake::default();
        let window = |app: &str| {
            crate::capture::Foreground::Window(WindowInfo {
                id: 1,
                title: "game".into(),
                app: app.into(),
                rect: rect(0, 0, 800, 600),
            })
        };
        c.foreground(&mut host, window("ys8.exe"));
        assert_eq!(c.profile(), Some("Ys"));
        assert_eq!(c.settings.translation.glossary[0].dst, "亚特鲁");
        assert_eq!(
            host.settings_changes, 1,
            "the pipeline gets the profile's plan"
        );
        // Alt+W reads the profile's region.
        c.repeat_last(&mut host, Instant::now(), true);
        assert!(
            matches!(host.jobs[0].source, Source::Screen(Target::Region(r)) if r == rect(10, 10, 300, 60))
        );
        assert_eq!(host.jobs[0].region, "Ys box");
        // A correction made meanwhile is the profile's, in memory and in the file.
        c.correct_source(&mut host, 0, "魔土", "魔王", Instant::now());
        let (disk, _) = Settings::parse(&std::fs::read_to_string(&path).unwrap()).unwrap();
        assert!(disk.filters.is_empty());
        assert_eq!(
            disk.profile("Ys").unwrap().filters.as_ref().unwrap().len(),
            1
        );
        // ocrlay's own window in front changes nothing; another program's brings the default back.
        c.foreground(&mut host, crate::capture::Foreground::Own);
        assert_eq!(c.profile(), Some("Ys"));
        c.foreground(&mut host, window("notepad.exe"));
        assert_eq!(c.profile(), None);
        assert!(c.settings.translation.glossary.is_empty());
        assert!(c.settings.filters.is_empty());
        assert_eq!(c.settings.regions.slots[0].name, "Dialogue");
        // The profile kept its correction for next time.
        assert_eq!(
            c.base()
                .profile("Ys")
                .unwrap()
                .filters
                .as_ref()
                .unwrap()
                .len(),
            1
        );
        let said: Vec<&str> = host.statuses().into_iter().map(|(t, _)| t).collect();
        assert!(
            said.contains(&"Profile: Ys") && said.contains(&"Default profile"),
            "{said:?}"
        );
        // Chosen by hand (the settings' "use now"), a profile stays while windows of no game come and go…
        c.switch_profile(&mut host, Some("Ys".into()));
        c.foreground(&mut host, window("firefox"));
        assert_eq!(c.profile(), Some("Ys"));
        // …until a game's window comes to the front and goes again.
        c.foreground(&mut host, window("ys8.exe"));
        c.foreground(&mut host, window("notepad.exe"));
        assert_eq!(c.profile(), None);
        // A profile that does not exist is the default.
        c.switch_profile(&mut host, Some("Gone".into()));
        assert_eq!(c.profile(), None);
    }
}
