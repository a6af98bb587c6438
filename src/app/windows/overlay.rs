//! The translation overlay: a transparent, always-on-top window beside (or over) the text, its page's messages,
//! and where it sits. Placement is ocrlay's until the user drags the overlay; from then on it stays where the
//! user put it (for that saved region).

use super::{PageSpec, PageWindow};
use crate::app::event::{AppEvent, Page};
use crate::app::placement;
use crate::app::webview::Shots;
use crate::capture::{self, Rect};
use crate::config::{OverlayMode, OverlaySettings};
use serde::{Deserialize, Serialize};
use tao::dpi::{LogicalSize, PhysicalPosition, PhysicalSize};
use tao::event::WindowEvent;
use tao::event_loop::{EventLoopProxy, EventLoopWindowTarget};
use tao::window::WindowBuilder;

/// A provider named in an overlay job.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProviderRef {
    /// Catalog id.
    pub id: String,
    /// Display name.
    pub name: String,
}

/// Overlay page → core.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum OverlayIn {
    /// The page can receive messages.
    Ready,
    /// The lock button.
    Lock {
        /// Click-through on or off.
        locked: bool,
    },
    /// Start a native window drag.
    Drag,
    /// The content wants this size (CSS px).
    Resize {
        /// Width.
        width: f64,
        /// Height.
        height: f64,
    },
    /// The text's natural size (CSS px): the window may fit it.
    ContentSize {
        /// Width.
        width: f64,
        /// Height.
        height: f64,
    },
    /// Put text on the clipboard.
    Copy {
        /// The text.
        text: String,
    },
    /// Hide the overlay.
    Hide,
    /// Open the settings window (on one of its sections, e.g. `providers`).
    OpenSettings {
        /// The section to show.
        #[serde(default)]
        section: Option<String>,
    },
    /// Translate the last region again.
    Retranslate,
    /// Start or stop auto mode.
    ToggleAuto,
    /// The user starts correcting the recognised text: the window must take the keyboard.
    EditSource,
    /// The correction is done (Enter): translate `corrected` instead of what OCR read, and remember it.
    CorrectSource {
        /// What OCR read (as shown).
        original: String,
        /// What the user made of it.
        corrected: String,
    },
    /// The correction was abandoned (Esc): the window gives the keyboard back.
    EditDone,
    /// The first character of a job's translation is on screen.
    Painted {
        /// The job.
        job: u64,
    },
}

/// Core → overlay page.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum OverlayOut {
    /// How to look.
    Appearance {
        /// Fonts, colours, width.
        appearance: OverlaySettings,
        /// `zh` or `en`.
        ui_lang: String,
    },
    /// A new translation starts.
    Job {
        /// Job id.
        job: u64,
        /// The text is not what OCR read (the user's correction, or a remembered one).
        corrected: bool,
        /// The recognised text.
        source: String,
        /// One block per provider.
        providers: Vec<ProviderRef>,
    },
    /// The translation so far.
    Delta {
        /// Job id.
        job: u64,
        /// Provider id.
        provider: String,
        /// Whole text so far.
        text: String,
    },
    /// A provider finished.
    Done {
        /// Job id.
        job: u64,
        /// Provider id.
        provider: String,
        /// Final text.
        text: String,
        /// Duration.
        ms: u64,
    },
    /// A provider failed.
    Error {
        /// Job id.
        job: u64,
        /// Provider id.
        provider: String,
        /// The message for the user.
        message: String,
        /// Text that arrived before.
        partial: String,
    },
    /// The status line.
    Status {
        /// Text, in the UI's language when it was sent.
        text: String,
        /// Work is under way.
        busy: bool,
        /// The same as a sentence of the table, when it is one: the page words it, again when the UI's
        /// language changes.
        #[serde(skip_serializing_if = "Option::is_none")]
        words: Option<crate::text::Text>,
    },
    /// The lock state changed elsewhere.
    Locked {
        /// Click-through.
        locked: bool,
    },
    /// Auto mode started or stopped.
    Auto {
        /// On.
        on: bool,
    },
    /// The saved region this overlay shows, named when several overlays are up (none: one overlay, no name).
    Region {
        /// The region's name.
        name: Option<String>,
    },
    /// A line in the overlay's body for the job on screen (e.g. "no translation provider is enabled"), with a
    /// button when there is something to do about it.
    Notice {
        /// The job it belongs to; `None` for a notice of the app itself (shown until the next job).
        job: Option<u64>,
        /// The words, in the UI's language when it was sent.
        text: String,
        /// What the button does, if there is one.
        action: Option<NoticeAction>,
        /// The same as a sentence of the table, when it is one: the page words it, again when the UI's
        /// language changes.
        #[serde(skip_serializing_if = "Option::is_none")]
        words: Option<crate::text::Text>,
    },
    /// The notices on show say what is no longer so (no provider was enabled; one is now): they go.
    ClearNotice,
}

/// The button of an overlay notice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NoticeAction {
    /// Open the settings on the providers section.
    OpenProviders,
    /// Open the settings.
    OpenSettings,
}

/// The overlay window and where it is.
pub struct Overlay {
    /// The window and its page.
    pub page: PageWindow,
    visible: bool,
    /// The user is moving the overlay (a drag from its page): `Moved` events are the user's placement then,
    /// not ocrlay's own `set_outer_position`.
    user_moving: bool,
    /// Where ocrlay last put the overlay: until the window system reports the move, the reported position is
    /// the old one, and capture must keep clear of both.
    intended: Option<Rect>,
    /// The region the overlay was last placed for (beside it, over it, or where the user put it for that slot).
    placed_for: Option<Rect>,
    /// The overlay sits beside `placed_for` where ocrlay put it, on this monitor: it follows its own size.
    placed_beside: Option<Rect>,
    /// What a beside placement keeps clear of: the other regions read at the same time, and their overlays.
    avoid: Vec<Rect>,
    /// The side of its region a beside overlay is on for the job on screen: chosen when the job starts (and
    /// once more when its text is known, before any translation shows), kept while the translation streams in.
    side: Option<placement::Side>,
    /// The height (physical pixels) the job's text is expected to need: what the side is chosen for.
    expected: u32,
    /// Font size (CSS px), width (CSS px) and whether the recognised text shows: what the expected height is
    /// worked out from.
    look: (u32, u32, bool),
}

fn builder(s: &OverlaySettings) -> WindowBuilder {
    let b = WindowBuilder::new()
        .with_title("ocrlay")
        .with_decorations(false)
        .with_transparent(true)
        .with_always_on_top(true)
        .with_focusable(false)
        .with_focused(false)
        .with_resizable(true)
        .with_visible(false)
        .with_inner_size(LogicalSize::new(f64::from(s.width), 140.0));
    #[cfg(target_os = "linux")]
    let b = {
        use tao::platform::unix::WindowBuilderExtUnix;
        b.with_skip_taskbar(true)
    };
    match s.position {
        Some([x, y]) => b.with_position(PhysicalPosition::new(x, y)),
        None => b,
    }
}

impl Overlay {
    /// Opens overlay `n`, hidden, where the settings last left it.
    fn open(
        n: usize,
        target: &EventLoopWindowTarget<AppEvent>,
        settings: &OverlaySettings,
        proxy: &EventLoopProxy<AppEvent>,
        shots: &Shots,
    ) -> anyhow::Result<Overlay> {
        let spec = PageSpec {
            builder: builder(settings),
            page: "overlay.html",
            kind: Page::Overlay(n),
            transparent: true,
            centred: None,
            role: Some(super::Role::Overlay),
        };
        let mut page = super::open(target, spec, proxy, shots)?;
        if page.is_layer() {
            // A layer surface has no place until ocrlay gives it one: where the last session left it, else the
            // top-left corner of the first monitor.
            let [x, y] = settings.position.unwrap_or_else(|| {
                capture::monitors()
                    .ok()
                    .and_then(|m| m.first().map(|m| [m.rect.x, m.rect.y]))
                    .unwrap_or_default()
            });
            page.set_position(x, y);
            // The builder's size is in logical pixels already; only the place needed the output.
        }
        Ok(Overlay {
            page,
            visible: false,
            user_moving: false,
            intended: None,
            placed_for: None,
            placed_beside: None,
            avoid: Vec::new(),
            side: None,
            expected: 0,
            look: (settings.font_size, settings.width, settings.show_original),
        })
    }

    /// Hands a message to the page. A new job's text is known now: a beside overlay chooses its side again for
    /// the height that text will likely need, before any of the translation shows, so that it never has to
    /// jump across the region while the translation streams in.
    pub fn send(&mut self, msg: &OverlayOut) {
        if let OverlayOut::Job {
            source, providers, ..
        } = msg
        {
            let (font, width, original) = self.look;
            let css = placement::expected_height(source, providers.len(), font, width, original);
            self.expected = (f64::from(css) * self.page.scale_factor()) as u32;
            self.choose_side();
        }
        self.page.send(msg);
    }

    /// Whether it is on screen.
    pub fn visible(&self) -> bool {
        self.visible
    }

    /// Shows or hides it; `locked` is the click-through setting.
    pub fn show(&mut self, show: bool, locked: bool) {
        self.visible = show;
        // Click-through needs a realised window: the page window applies it once shown.
        self.page.set_click_through(locked);
        self.page.set_visible(show);
    }

    /// Fonts, colours and the language, and the lock.
    pub fn appearance(&mut self, settings: &OverlaySettings, ui_lang: &str) {
        self.look = (settings.font_size, settings.width, settings.show_original);
        self.send(&OverlayOut::Appearance {
            appearance: settings.clone(),
            ui_lang: ui_lang.into(),
        });
        self.page.set_click_through(settings.locked);
    }

    /// Click-through on or off, and the page's lock button with it.
    pub fn set_locked(&mut self, locked: bool) {
        self.page.set_click_through(locked);
        self.send(&OverlayOut::Locked { locked });
    }

    /// The region the overlay was last placed for.
    pub fn placed_for(&self) -> Option<Rect> {
        self.placed_for
    }

    /// Records the region the overlay belongs to, without moving it (the user placed it for that region).
    pub fn set_placed_for(&mut self, region: Option<Rect>) {
        self.placed_for = region;
    }

    /// Puts the overlay for `region`: over it (its place and width), or beside it on its monitor, clear of
    /// `avoid` where it can be (the other regions read at the same time, and their overlays).
    pub fn place_for(&mut self, region: Rect, mode: OverlayMode, avoid: Vec<Rect>) {
        self.placed_for = Some(region);
        self.avoid = avoid;
        if mode == OverlayMode::Over {
            // Over the text: same place and width as the region; the page grows it when the translation needs
            // more height (content_size).
            let size = self.size_over(region, region.height);
            self.move_to(region.x, region.y, Some(size));
            return;
        }
        let monitors = capture::monitors().unwrap_or_default();
        let Some(i) = capture::monitor_for(&region, &monitors) else {
            return;
        };
        // The job's text is not known yet: the side is chosen for the overlay as it is, and again once the
        // text is (see `send`).
        self.expected = 0;
        self.placed_beside = Some(monitors[i].rect);
        self.side = None;
        self.choose_side();
    }

    /// Beside mode, placed by ocrlay: the side of the region for the height expected now, and the overlay put
    /// there (a side already chosen for this height is kept).
    fn choose_side(&mut self) {
        let (Some(region), Some(monitor)) = (self.placed_for, self.placed_beside) else {
            return;
        };
        // Before it is first shown the window may report no outer size yet: its inner size then.
        let r = self.page.rect();
        let size = PhysicalSize::new(r.width, r.height);
        let side = placement::choose_side(
            region,
            (size.width, size.height),
            self.expected,
            monitor,
            &self.avoid,
        );
        self.side = Some(side);
        let (x, y, h) = placement::on_side(region, side, (size.width, size.height), monitor);
        tracing::debug!(
            ?side,
            x,
            y,
            h,
            ?size,
            expected = self.expected,
            "overlay beside its region"
        );
        let resized = (h != size.height).then(|| PhysicalSize::new(size.width, h));
        if let Some(s) = resized {
            self.page.set_size(s);
        }
        self.move_to(x, y, resized);
        self.placed_beside = Some(monitor);
        self.side = Some(side);
    }

    /// Over mode: each new line starts at the region's size again (a long translation grows it).
    pub fn fit_over(&mut self) {
        if let Some(r) = self.placed_for {
            self.size_over(r, r.height);
        }
    }

    /// Beside mode, placed by ocrlay: the overlay's content wants `size`. It stays on the side chosen for the
    /// job, the edge next to the region where it is, and takes at most the room on that side (the page scrolls
    /// past it). Returns false when the overlay is not placed beside by ocrlay (the caller sizes it as asked).
    fn replace_beside(&mut self, size: PhysicalSize<u32>) -> bool {
        let (Some(region), Some(monitor), Some(side)) =
            (self.placed_for, self.placed_beside, self.side)
        else {
            return false;
        };
        let (x, y, h) = placement::on_side(region, side, (size.width, size.height), monitor);
        let size = PhysicalSize::new(size.width, h);
        let now = self
            .intended
            .map(|r| (r.x, r.y))
            .unwrap_or_else(|| self.page.position());
        let growing = self.page.size().height < h;
        if now != (x, y) {
            // Moved and resized in two steps: in the order that never lets the window cross its region in
            // between (growing above the region: up first, then taller; shrinking: shorter first, then down).
            if growing {
                self.move_to(x, y, Some(size));
                self.page.set_size(size);
            } else {
                self.page.set_size(size);
                self.move_to(x, y, Some(size));
            }
        } else {
            self.page.set_size(size);
            self.intended = self.intended.map(|r| Rect {
                width: size.width,
                height: size.height,
                ..r
            });
        }
        self.placed_beside = Some(monitor);
        self.side = Some(side);
        true
    }

    /// "over" mode: the overlay gets the region's width and `height`.
    fn size_over(&mut self, region: Rect, height: u32) -> PhysicalSize<u32> {
        let size = PhysicalSize::new(region.width.max(120), height);
        self.page.set_size(size);
        size
    }

    /// Puts the overlay at (x, y) (ocrlay's own placement, not the user's). Where it goes counts at once for
    /// [`Overlay::keep_clear`]: the window system reports the move only later, and a capture in between must
    /// not read the overlay.
    pub fn move_to(&mut self, x: i32, y: i32, size: Option<PhysicalSize<u32>>) {
        self.user_moving = false;
        self.placed_beside = None;
        self.side = None;
        self.page.set_position(x, y);
        let size = size.unwrap_or_else(|| {
            if self.page.is_layer() {
                self.page.size()
            } else {
                self.page.window.outer_size()
            }
        });
        self.intended = Some(Rect {
            x,
            y,
            width: size.width,
            height: size.height,
        });
    }

    /// Whether the visible overlay is over `region`, or on its way there.
    pub fn covers(&self, region: Rect) -> bool {
        let covers = |r: Rect| r.intersect(&region).is_some();
        self.visible && (covers(self.page.rect()) || self.intended.is_some_and(covers))
    }

    /// Where the overlay is while it shows.
    pub fn shown_at(&self) -> Option<Rect> {
        self.visible.then(|| self.page.rect())
    }

    /// Puts the overlay above other topmost windows again (a borderless game that took the foreground), without
    /// taking the keyboard from it.
    pub fn keep_on_top(&self) {
        if self.visible {
            self.page.keep_on_top();
        }
    }

    /// Where capture must not read while the overlay shows (with whether captures leave it out anyway): where
    /// it is, and where ocrlay last sent it until the window system says it got there.
    pub fn keep_clear(&self) -> Vec<(Rect, bool)> {
        if !self.visible {
            return Vec::new();
        }
        let at = self.page.rect();
        let mut out = vec![(at, self.page.excluded)];
        if let Some(r) = self.intended.filter(|r| *r != at) {
            out.push((r, self.page.excluded));
        }
        out
    }

    /// Handles what the page asks of the window itself; what is for the app comes back.
    pub fn message(&mut self, m: OverlayIn, mode: OverlayMode) -> Option<OverlayIn> {
        match m {
            OverlayIn::Ready => {
                self.page.on_ready();
                tracing::debug!("overlay page ready");
                crate::probe::emit(crate::probe::Probe::PageReady {
                    page: "overlay".into(),
                });
            }
            OverlayIn::Drag => {
                self.user_moving = true;
                let _ = self.page.window.drag_window();
            }
            OverlayIn::ContentSize { height, .. }
                if mode == OverlayMode::Over && self.placed_for.is_some() =>
            {
                // Over the text: the region's width, and at least its height (more when the translation is long).
                let region = self.placed_for.unwrap_or_default();
                let scale = self.page.scale_factor();
                let h = ((height.clamp(40.0, 1600.0) * scale) as u32).max(region.height);
                self.size_over(region, h);
            }
            OverlayIn::Resize { width, height } => {
                // The user's grip: the top-left corner stays where it is.
                let size = LogicalSize::new(width.clamp(120.0, 2400.0), height.clamp(40.0, 1600.0));
                self.page
                    .set_size(size.to_physical(self.page.scale_factor()));
                self.placed_beside = None;
            }
            OverlayIn::ContentSize { width, height } => {
                let size = LogicalSize::new(width.clamp(120.0, 2400.0), height.clamp(40.0, 1600.0));
                let size = size.to_physical(self.page.scale_factor());
                if !self.replace_beside(size) {
                    self.page.set_size(size);
                }
            }
            other => return Some(other),
        }
        None
    }

    /// A window event of the overlay's. Returns where the user put it, when they did.
    pub fn window_event(&mut self, event: &WindowEvent) -> Option<[i32; 2]> {
        match event {
            WindowEvent::Moved(_) if !(self.visible && self.user_moving) => {
                // The window system says where it is now (after ocrlay's move, or the user's through it).
                self.intended = None;
                None
            }
            WindowEvent::Moved(pos) => {
                // The user put it there: it stays where they put it.
                self.intended = None;
                self.placed_beside = None;
                Some([pos.x, pos.y])
            }
            _ => None,
        }
    }
}

/// Opens overlay windows when asked for one: lent to [`Overlays::use_for`] by the event loop.
pub struct Opener<'a> {
    /// The loop's window target.
    pub target: &'a EventLoopWindowTarget<AppEvent>,
    /// The overlay settings in effect (look, lock, where the first one opens).
    pub settings: OverlaySettings,
    /// `zh` or `en`.
    pub ui_lang: &'a str,
    /// For the page's messages.
    pub proxy: &'a EventLoopProxy<AppEvent>,
    /// Screenshots of pages, for the tests.
    pub shots: &'a Shots,
}

/// An overlay window and the saved region it shows now (none: free, hidden).
struct Lane {
    overlay: Overlay,
    slot: Option<usize>,
}

/// The overlays: one for each saved region in use (the active one, and each watched one while auto mode runs).
/// A window once opened is kept: when its region no longer needs it, it is hidden and serves the next region
/// that does, so switching regions moves one overlay, as it always did.
pub struct Overlays {
    /// In the order they were opened: the index is the page's [`Page::Overlay`] number.
    lanes: Vec<Lane>,
}

impl Overlays {
    /// The first overlay, for saved region `slot`.
    pub fn open(slot: usize, opener: &Opener<'_>) -> anyhow::Result<Overlays> {
        let mut overlays = Overlays { lanes: Vec::new() };
        overlays.add(Some(slot), opener)?;
        Ok(overlays)
    }

    fn add(&mut self, slot: Option<usize>, o: &Opener<'_>) -> anyhow::Result<()> {
        let mut settings = o.settings.clone();
        if !self.lanes.is_empty() {
            // Only the first overlay opens where the last session left it; the others are placed for their
            // regions.
            settings.position = None;
        }
        let mut overlay = Overlay::open(self.lanes.len(), o.target, &settings, o.proxy, o.shots)?;
        overlay.appearance(&settings, o.ui_lang);
        self.lanes.push(Lane { overlay, slot });
        Ok(())
    }

    /// The overlay of saved region `slot`, if it has one.
    pub fn get(&self, slot: usize) -> Option<&Overlay> {
        self.lanes
            .iter()
            .find(|l| l.slot == Some(slot))
            .map(|l| &l.overlay)
    }

    /// The overlay of saved region `slot`, to change, if it has one.
    pub fn get_mut(&mut self, slot: usize) -> Option<&mut Overlay> {
        self.lanes
            .iter_mut()
            .find(|l| l.slot == Some(slot))
            .map(|l| &mut l.overlay)
    }

    /// Overlay `n` (its page's number) and the region it shows.
    pub fn by_page(&mut self, n: usize) -> Option<(&mut Overlay, Option<usize>)> {
        self.lanes.get_mut(n).map(|l| (&mut l.overlay, l.slot))
    }

    /// The overlay of window `id` and the region it shows.
    pub fn by_window(
        &mut self,
        id: tao::window::WindowId,
    ) -> Option<(&mut Overlay, Option<usize>)> {
        self.lanes
            .iter_mut()
            .find(|l| l.overlay.page.window.id() == id)
            .map(|l| (&mut l.overlay, l.slot))
    }

    /// Every overlay window, in use or not.
    pub fn all(&self) -> impl Iterator<Item = &Overlay> {
        self.lanes.iter().map(|l| &l.overlay)
    }

    /// Every overlay window, to change.
    pub fn all_mut(&mut self) -> impl Iterator<Item = &mut Overlay> {
        self.lanes.iter_mut().map(|l| &mut l.overlay)
    }

    /// The overlays in use, with their regions.
    pub fn in_use(&mut self) -> impl Iterator<Item = (usize, &mut Overlay)> {
        self.lanes
            .iter_mut()
            .filter_map(|l| l.slot.map(|s| (s, &mut l.overlay)))
    }

    /// The regions with an overlay now.
    pub fn slots(&self) -> Vec<usize> {
        self.lanes.iter().filter_map(|l| l.slot).collect()
    }

    /// One overlay for each of `slots` (`names[slot]` names them when there are several): a region that
    /// has one keeps it, one that has none takes a free window (or a new one, when `opener` can open it), and
    /// the windows of other regions are hidden and free. Returns the regions that got a window just now.
    pub fn use_for(
        &mut self,
        slots: &[usize],
        names: &[String],
        locked: bool,
        opener: Option<&Opener<'_>>,
    ) -> Vec<usize> {
        let mut got = Vec::new();
        for lane in &mut self.lanes {
            if lane.slot.is_some_and(|s| !slots.contains(&s)) {
                lane.slot = None;
            }
        }
        for &slot in slots {
            if self.get(slot).is_some() {
                continue;
            }
            if let Some(free) = self.lanes.iter_mut().find(|l| l.slot.is_none()) {
                free.slot = Some(slot);
            } else if let Some(o) = opener {
                if let Err(e) = self.add(Some(slot), o) {
                    tracing::warn!("another overlay could not open: {e:#}");
                    continue;
                }
            } else {
                continue;
            }
            got.push(slot);
        }
        let several = self.lanes.iter().filter(|l| l.slot.is_some()).count() > 1;
        for lane in &mut self.lanes {
            match lane.slot {
                None => {
                    if lane.overlay.visible() {
                        lane.overlay.show(false, locked);
                    }
                }
                Some(slot) => {
                    let name = several.then(|| names.get(slot).cloned().unwrap_or_default());
                    lane.overlay.send(&OverlayOut::Region { name });
                }
            }
        }
        got
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overlay_messages_in() {
        let m: OverlayIn = serde_json::from_str(r#"{"type":"lock","locked":true}"#).unwrap();
        assert_eq!(m, OverlayIn::Lock { locked: true });
        let m: OverlayIn = serde_json::from_str(r#"{"type":"painted","job":7}"#).unwrap();
        assert_eq!(m, OverlayIn::Painted { job: 7 });
        let m: OverlayIn =
            serde_json::from_str(r#"{"type":"resize","width":520,"height":180.5}"#).unwrap();
        assert_eq!(
            m,
            OverlayIn::Resize {
                width: 520.0,
                height: 180.5
            }
        );
        assert!(serde_json::from_str::<OverlayIn>(r#"{"type":"rm_rf"}"#).is_err());
    }

    #[test]
    fn overlay_messages_out() {
        let v = serde_json::to_value(OverlayOut::Delta {
            job: 3,
            provider: "deepseek".into(),
            text: "你好".into(),
        })
        .unwrap();
        assert_eq!(
            v,
            serde_json::json!({"type":"delta","job":3,"provider":"deepseek","text":"你好"})
        );
        let v = serde_json::to_value(OverlayOut::Appearance {
            appearance: OverlaySettings::default(),
            ui_lang: "zh".into(),
        })
        .unwrap();
        assert_eq!(v["appearance"]["font_size"], 20);
        assert_eq!(v["type"], "appearance");
    }
}
