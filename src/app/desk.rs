//! The controller's view of the windows and the pipeline ([`Host`]), lent to it for one call by the event loop.

use super::controller::Host;
use super::os;
use super::windows::history::{HistoryOut, HistoryWindow};
use super::windows::overlay::{Opener, Overlay, OverlayOut, Overlays};
use super::windows::settings::SettingsWindow;
use crate::capture::{self, Rect, WindowInfo};
use crate::config::OverlayMode;
use crate::pipeline::{AutoTarget, Job, Pipeline};
use std::sync::Mutex;

/// The windows and the pipeline, lent to the controller for one call.
pub(super) struct Desk<'a> {
    pub overlays: &'a mut Overlays,
    /// Opens another overlay when a region needs one (none: the regions share the windows there are).
    pub opener: Option<Opener<'a>>,
    /// The saved regions' names, by slot.
    pub names: Vec<String>,
    pub pipeline: &'a Pipeline,
    pub history: &'a mut HistoryWindow,
    pub settings: &'a SettingsWindow,
    pub own_windows: &'a Mutex<Vec<Rect>>,
    pub locked: bool,
}

impl Desk<'_> {
    fn refresh(&self) {
        refresh_own_windows(self.overlays, self.settings, self.history, self.own_windows);
    }

    /// The overlay of saved region `slot`; one is found (or opened) for it when it has none yet.
    fn lane(&mut self, slot: usize) -> Option<&mut Overlay> {
        if self.overlays.get(slot).is_none() {
            let mut slots = self.overlays.slots();
            slots.push(slot);
            self.overlays
                .use_for(&slots, &self.names, self.locked, self.opener.as_ref());
        }
        self.overlays.get_mut(slot)
    }
}

impl Host for Desk<'_> {
    fn overlay(&mut self, slot: usize, msg: OverlayOut) {
        if let Some(o) = self.lane(slot) {
            o.send(&msg);
        }
    }
    fn show_overlay(&mut self, slot: usize, show: bool) {
        let locked = self.locked;
        if let Some(o) = self.lane(slot) {
            o.show(show, locked);
        }
        self.refresh();
    }
    fn overlay_visible(&self, slot: usize) -> bool {
        self.overlays.get(slot).is_some_and(Overlay::visible)
    }
    fn place_overlay(&mut self, slot: usize, region: Rect, mode: OverlayMode, others: &[Rect]) {
        // Beside its region, an overlay keeps clear of the other regions in use and of their overlays.
        let mut avoid: Vec<Rect> = self
            .overlays
            .in_use()
            .filter(|(s, o)| *s != slot && o.visible())
            .flat_map(|(_, o)| {
                let shown = o.page.window.is_visible().then(|| o.page.rect());
                o.placed_for().into_iter().chain(shown)
            })
            .collect();
        avoid.extend_from_slice(others);
        if let Some(o) = self.lane(slot) {
            o.place_for(region, mode, avoid);
        }
        self.refresh();
    }
    fn move_overlay(&mut self, slot: usize, [x, y]: [i32; 2], region: Option<Rect>) {
        if let Some(o) = self.lane(slot) {
            o.move_to(x, y, None);
            o.set_placed_for(region);
        }
        self.refresh();
    }
    fn placed_for(&self, slot: usize) -> Option<Rect> {
        self.overlays.get(slot).and_then(Overlay::placed_for)
    }
    fn set_placed_for(&mut self, slot: usize, region: Option<Rect>) {
        if let Some(o) = self.lane(slot) {
            o.set_placed_for(region);
        }
    }
    fn fit_over(&mut self, slot: usize) {
        if let Some(o) = self.lane(slot) {
            o.fit_over();
        }
    }
    fn overlay_covers(&self, slot: usize, region: Rect) -> bool {
        self.overlays.get(slot).is_some_and(|o| o.covers(region))
    }
    fn use_overlays(&mut self, slots: &[usize]) {
        self.overlays
            .use_for(slots, &self.names, self.locked, self.opener.as_ref());
        self.refresh();
    }
    fn covered_capture_supported(&self) -> bool {
        capture::covered_capture_supported()
    }
    fn windows(&self) -> Vec<WindowInfo> {
        capture::windows().unwrap_or_default()
    }
    fn next_job_id(&mut self) -> u64 {
        self.pipeline.next_id()
    }
    fn submit(&mut self, job: Job) {
        self.pipeline.submit(job);
    }
    fn set_auto(&mut self, targets: Vec<AutoTarget>) {
        self.pipeline.set_auto(targets);
        self.refresh();
    }
    fn settings_changed(&mut self, settings: &crate::config::Settings) {
        crate::capture::set_method(settings.capture.method);
        self.pipeline
            .set_plan(crate::pipeline::TranslationPlan::from_settings(settings));
    }
    fn history_changed(&mut self) {
        self.history.send(&[HistoryOut::Changed]);
    }
}

/// Records where our visible windows are (overlay, settings, history; selectors are up only while choosing),
/// for capture to keep clear of.
pub(super) fn refresh_own_windows(
    overlays: &Overlays,
    settings: &SettingsWindow,
    history: &HistoryWindow,
    own: &Mutex<Vec<Rect>>,
) {
    let mut shown: Vec<(Rect, bool)> = overlays.all().flat_map(Overlay::keep_clear).collect();
    for w in [settings.page(), history.page()].into_iter().flatten() {
        if !w.window.is_minimized() {
            shown.push((w.rect(), w.excluded));
        }
    }
    let rects = os::to_keep_clear(shown);
    tracing::trace!(?rects, "own windows");
    if let Ok(mut o) = own.lock() {
        *o = rects;
    }
}
