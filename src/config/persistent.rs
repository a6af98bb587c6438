//! The sections of persistent mode: `[auto]` (the gates), `[[filters]]` (replacement rules), `[regions]`
//! (saved regions and their window bindings) and `[memory]` (translation memory and history).

use super::read::{ConfigWarning, Fallback, SectionReader};
use crate::auto::GateSettings;
use crate::capture::{Rect, Target};
use crate::filters::{self, Rule};
use crate::ocr::TextDirection;
use crate::text::Text;
use serde::{Deserialize, Serialize};

/// How many regions can be saved (`Alt+1` … `Alt+4`).
pub const REGION_SLOTS: usize = 4;

/// The longest name of a saved region, in characters.
pub const REGION_NAME_MAX: usize = 60;

/// `[auto]`: automatic re-translation of the active region.
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct AutoSettings {
    /// Start auto mode with the app (for the active region, when it has one).
    pub start_on_launch: bool,
    /// The gates' thresholds and timings.
    #[serde(flatten)]
    pub gates: GateSettings,
}

impl AutoSettings {
    pub(super) fn read(mut r: SectionReader<'_>) -> Self {
        let d = GateSettings::default();
        let start_on_launch = r.get("start_on_launch", false);
        let raw = GateSettings {
            fast_interval_ms: r.get("fast_interval_ms", d.fast_interval_ms),
            slow_interval_ms: r.get("slow_interval_ms", d.slow_interval_ms),
            slow_after_ms: r.get("slow_after_ms", d.slow_after_ms),
            image_threshold: r.get("image_threshold", d.image_threshold),
            stable_frames: r.get("stable_frames", d.stable_frames),
            max_stable_wait_ms: r.get("max_stable_wait_ms", d.max_stable_wait_ms),
            animated_area: r.get("animated_area", d.animated_area),
            text_threshold: r.get("text_threshold", d.text_threshold),
        };
        let (gates, problems) = raw.fixed();
        let fixed = serde_json::to_value(&gates).unwrap_or_default();
        for p in problems {
            let fallback = Fallback::Value(fixed.get(p.field).cloned().unwrap_or_default());
            r.warn(p.field, p.message, fallback);
        }
        r.finish();
        AutoSettings {
            start_on_launch,
            gates,
        }
    }
}

/// Where the overlay goes relative to the region.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum OverlayMode {
    /// Next to the region (below it, or above when there is no room).
    #[default]
    Beside,
    /// On top of the region, covering the original text.
    Over,
}

pub use crate::capture::WindowBinding;

/// One saved region.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedRegion {
    /// Shown in the overlay and the history ("Dialogue", "Menu", a game's name…).
    pub name: String,
    /// The region in desktop pixels, `[x, y, width, height]`; none until one is selected.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rect: Option<[i32; 4]>,
    /// The window the region follows, if bound.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub window: Option<WindowBinding>,
    /// Where the user left the overlay for this region (physical desktop pixels).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub overlay_position: Option<[i32; 2]>,
    /// Which way this region's text runs (`auto`, `horizontal`, `vertical`); none: `[ocr] direction`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub direction: Option<TextDirection>,
    /// Auto mode reads this region too, even when another one is active, with an overlay of its own.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub watch: bool,
    /// Where this region's overlay goes (`beside`, `over`); none: `[overlay] mode`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub overlay_mode: Option<OverlayMode>,
}

impl SavedRegion {
    /// An empty slot `n` (from 0).
    pub fn empty(n: usize) -> Self {
        SavedRegion {
            name: format!("{} {}", "Region", n + 1),
            rect: None,
            window: None,
            overlay_position: None,
            direction: None,
            watch: false,
            overlay_mode: None,
        }
    }

    /// What reading this region reads: its window (wherever the window is now) when bound, else its place on
    /// the desktop; `None` before a region was chosen.
    pub fn target(&self) -> Option<Target> {
        match &self.window {
            Some(w) => Some(Target::Window(w.clone())),
            None => self.rect().map(Target::Region),
        }
    }

    /// The region as a [`Rect`], when one was selected.
    pub fn rect(&self) -> Option<Rect> {
        self.rect.map(|[x, y, w, h]| Rect {
            x,
            y,
            width: w.max(1) as u32,
            height: h.max(1) as u32,
        })
    }
}

/// `[regions]`: up to four saved regions and which one is in use.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RegionSettings {
    /// The slot in use (0–3).
    pub active: usize,
    /// Exactly [`REGION_SLOTS`] slots.
    pub slots: Vec<SavedRegion>,
}

impl Default for RegionSettings {
    fn default() -> Self {
        RegionSettings {
            active: 0,
            slots: (0..REGION_SLOTS).map(SavedRegion::empty).collect(),
        }
    }
}

fn check_slot(s: &SavedRegion) -> Result<(), Text> {
    if let Some([_, _, w, h]) = s.rect {
        if w < 4 || h < 4 {
            return Err(Text::new("err.region_small").with("w", w).with("h", h));
        }
    }
    if let Some(b) = &s.window {
        if b.offset[2] < 4 || b.offset[3] < 4 {
            return Err(Text::new("err.bound_region_small"));
        }
    }
    if s.name.chars().count() > REGION_NAME_MAX {
        return Err(Text::new("err.name_long").with("n", REGION_NAME_MAX));
    }
    Ok(())
}

impl RegionSettings {
    pub(super) fn read(mut r: SectionReader<'_>) -> Self {
        let d = Self::default();
        let active = r.get_within("active", d.active);
        let raw: Vec<toml::Value> = r.get("slots", Vec::new());
        let mut slots = Vec::new();
        for (i, v) in raw.into_iter().enumerate() {
            if i >= REGION_SLOTS {
                r.warn(
                    &format!("slots.{i}"),
                    Text::new("config.too_many_regions").with("n", REGION_SLOTS),
                    Fallback::Ignored,
                );
                break;
            }
            // A saved region that cannot be used is left out: its slot is empty.
            match v.try_into::<SavedRegion>() {
                Ok(s) => match check_slot(&s) {
                    Ok(()) => slots.push(s),
                    Err(e) => {
                        r.warn(&format!("slots.{i}"), e, Fallback::Ignored);
                        slots.push(SavedRegion::empty(i));
                    }
                },
                Err(e) => {
                    let reason = e.to_string();
                    let reason = reason.lines().next().unwrap_or("invalid").to_string();
                    let message = Text::new("config.not_region").with("reason", reason);
                    r.warn(&format!("slots.{i}"), message, Fallback::Ignored);
                    slots.push(SavedRegion::empty(i));
                }
            }
        }
        while slots.len() < REGION_SLOTS {
            slots.push(SavedRegion::empty(slots.len()));
        }
        r.finish();
        RegionSettings { active, slots }
    }

    /// The slot in use.
    pub fn current(&self) -> &SavedRegion {
        &self.slots[self.active.min(self.slots.len() - 1)]
    }

    /// The slot in use, to change.
    pub fn current_mut(&mut self) -> &mut SavedRegion {
        let i = self.active.min(self.slots.len() - 1);
        &mut self.slots[i]
    }
}

/// `[memory]`: the translation memory (a repeated line costs no request) and the history of every line.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MemorySettings {
    /// Answer repeated lines from the memory.
    pub cache: bool,
    /// Keep a history of every translated line.
    pub history: bool,
    /// Most remembered translations (1 000 – 10 000 000); the least recently used go first. User edits stay.
    pub max_entries: u64,
    /// History lines older than this many days are dropped (0: kept however old; at most 36 500).
    pub history_days: u32,
    /// Most history lines kept (1 000 – 10 000 000); the oldest go first.
    pub history_max_rows: u64,
}

impl Default for MemorySettings {
    fn default() -> Self {
        MemorySettings {
            cache: true,
            history: true,
            max_entries: 50_000,
            history_days: 365,
            history_max_rows: 200_000,
        }
    }
}

impl MemorySettings {
    pub(super) fn read(mut r: SectionReader<'_>) -> Self {
        let d = Self::default();
        let s = MemorySettings {
            cache: r.get("cache", d.cache),
            history: r.get("history", d.history),
            max_entries: r.get_within("max_entries", d.max_entries),
            history_days: r.get_within("history_days", d.history_days),
            history_max_rows: r.get_within("history_max_rows", d.history_max_rows),
        };
        r.finish();
        s
    }
}

/// Reads `[[filters]]`: every rule is kept (a bad one is reported and not applied, never dropped).
pub(super) fn read_filters(root: &toml::Table, w: &mut Vec<ConfigWarning>) -> Vec<Rule> {
    let Some(v) = root.get("filters") else {
        return Vec::new();
    };
    let Some(list) = v.as_array() else {
        w.push(ConfigWarning::ignored(
            "filters",
            Text::new("config.not_rule_list"),
        ));
        return Vec::new();
    };
    let mut out = Vec::new();
    for (i, item) in list.iter().enumerate() {
        match item.clone().try_into::<Rule>() {
            Ok(rule) => {
                // Kept (so the user can mend it) but not applied.
                if let Err(e) = filters::check(&rule) {
                    w.push(ConfigWarning::ignored(format!("filters.{i}.pattern"), e));
                }
                out.push(rule);
            }
            Err(e) => {
                let reason = e.to_string();
                w.push(ConfigWarning::ignored(
                    format!("filters.{i}"),
                    Text::new("config.not_rule")
                        .with("reason", reason.lines().next().unwrap_or("invalid")),
                ));
            }
        }
    }
    out
}

/// What of each new line goes somewhere.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LinePart {
    /// Nothing.
    #[default]
    Off,
    /// The recognised text.
    Source,
    /// The first provider's translation.
    Translation,
}

/// `[output]`: where each new line goes besides the overlay. Everything is off by default.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OutputSettings {
    /// Copy the source or the translation of every new line to the clipboard.
    pub copy: LinePart,
    /// Serve each line on a WebSocket on 127.0.0.1 (never another address): plain source text on `/` (for
    /// texthooker pages), JSON (source, translation, provider, region, time) on `/json`.
    pub websocket: bool,
    /// The WebSocket's port (1024–65535).
    pub websocket_port: u16,
    /// Read the source or the translation of every new line aloud through the system's speech; a new line
    /// interrupts the one being read.
    pub speak: LinePart,
    /// The voice, by name (or the system's id); empty: the system's default voice.
    pub voice: String,
    /// How fast, as a multiple of the voice's normal rate (0.5–2.0).
    pub rate: f32,
}

/// The WebSocket's usual port (the one texthooker pages try first).
pub const DEFAULT_WEBSOCKET_PORT: u16 = 6677;

impl Default for OutputSettings {
    fn default() -> Self {
        OutputSettings {
            copy: LinePart::Off,
            websocket: false,
            websocket_port: DEFAULT_WEBSOCKET_PORT,
            speak: LinePart::Off,
            voice: String::new(),
            rate: 1.0,
        }
    }
}

impl OutputSettings {
    pub(super) fn read(mut r: SectionReader<'_>) -> Self {
        let d = Self::default();
        let s = OutputSettings {
            copy: r.get("copy", d.copy),
            websocket: r.get("websocket", d.websocket),
            websocket_port: r.get_within("websocket_port", d.websocket_port),
            speak: r.get("speak", d.speak),
            voice: r.get::<String>("voice", d.voice).trim().to_string(),
            rate: r.get_within("rate", d.rate),
        };
        r.finish();
        s
    }
}
