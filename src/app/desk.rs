//! The controller's view of the windows and the pipeline ([`Host`]), lent to it for one call by the event loop.

use super::controller::Host;
use super::os;
use super::windows::history::{HistoryOut, HistoryWindow};
use super::windows::overlay::{Overlay, OverlayOut};
use super::windows::settings::SettingsWindow;
use crate::capture::{self, Rect, WindowInfo};
use crate::config::OverlayMode;
use crate::pipeline::{AutoTarget, Job, Pipeline};
use std::sync::Mutex;

/// The windows and the pipeline, lent to the controller for one call.
pub(super) struct Desk<'a> {
    pub overlay: &'a mut Overlay,
    pub pipeline: &'a Pipeline,
    pub history: &'a mut HistoryWindow,
    pub settings: &'a SettingsWindow,
    pub own_windows: &'a Mutex<Vec<Rect>>,
    pub locked: bool,
}

impl Desk<'_> {
    fn refresh(&self) {
        refresh_own_windows(self.overlay, self.settings, self.history, self.own_windows);
    }
}

impl Host for Desk<'_> {
    fn overlay(&mut self, msg: OverlayOut) {
        self.overlay.send(&msg);
    }
    fn show_overlay(&mut self, show: bool) {
        self.overlay.show(show, self.locked);
        self.refresh();
    }
    fn overlay_visible(&self) -> bool {
        self.overlay.visible()
    }
    fn place_overlay(&mut self, region: Rect, mode: OverlayMode) {
        self.overlay.place_for(region, mode);
        self.refresh();
    }
    fn move_overlay(&mut self, [x, y]: [i32; 2], region: Option<Rect>) {
        self.overlay.move_to(x, y, None);
        self.overlay.set_placed_for(region);
        self.refresh();
    }
    fn placed_for(&self) -> Option<Rect> {
        self.overlay.placed_for()
    }
    fn set_placed_for(&mut self, region: Option<Rect>) {
        self.overlay.set_placed_for(region);
    }
    fn fit_over(&mut self) {
        self.overlay.fit_over();
    }
    fn overlay_covers(&self, region: Rect) -> bool {
        self.overlay.covers(region)
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
    fn set_auto(&mut self, target: Option<AutoTarget>) {
        self.pipeline.set_auto(target);
        self.refresh();
    }
    fn settings_changed(&mut self, settings: &crate::config::Settings) {
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
    overlay: &Overlay,
    settings: &SettingsWindow,
    history: &HistoryWindow,
    own: &Mutex<Vec<Rect>>,
) {
    let mut shown = overlay.keep_clear();
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
