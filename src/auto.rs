//! Auto mode's gates as pure logic: image gate, stable wait, text gate and the adaptive cadence.
//!
//! The timer thread captures the region, builds a [`Thumb`] of the frame and hands it to
//! [`Gate::on_frame`]; only when that says [`FrameDecision::Recognize`] does it run OCR on the same frame, and
//! only when [`Gate::on_text`] then says [`TextDecision::Translate`] is a request sent. [`Gate::next_delay`]
//! says how long to sleep before the next capture. Nothing here captures, sleeps or knows about threads, so
//! the tests (`tests/auto_gates.rs`) drive it with frames built from the OCR fixtures and a synthetic clock.
//!
//! # The fingerprint
//!
//! A [`Thumb`] is the mean luma of every 4×4-pixel cell of the frame (larger cells beyond ~1 MP), and a
//! change is measured over *windows* of 2×2 cells that overlap by one cell: noise is averaged over 64
//! pixels, yet a small glyph that straddles cell borders still lands mostly inside one window. Every pixel
//! is read once; sampling single pixels would miss the one-pixel strokes of small fonts.
//!
//! # The image threshold, and the measurements behind it
//!
//! A window counts as changed when its mean luma moved by more than [`GateSettings::image_threshold`] of
//! the 0–255 range; a frame when any window did. Measured by `measure_thresholds` in `tests/auto_gates.rs`
//! on `ja_dialogue.png` (1280×240, 24 px CJK) and `en_small.png` (820×90, 13 px Latin), both with textured,
//! noisy backgrounds, in luma steps of 255:
//!
//! | change                                              | ja_dialogue | en_small |
//! |-----------------------------------------------------|------------:|---------:|
//! | one more glyph (group) over the textless box, least |          39 |       45 |
//! | … a comma                                           |             |       10 |
//! | one 20-px column step of a left-to-right reveal     |          39 |       60 |
//! | a fade in 8 steps, per step, most                   |          20 |       11 |
//! | a fade in 20 steps, per step, most                  |           8 |        4 |
//! | ±3 luma of noise on every pixel                     |           2 |        1 |
//! | the same, plus 20 pixels flipped black/white        |           7 |        7 |
//! | noise, then JPEG quality 75 (stream jitter)         |           2 |        2 |
//!
//! The default, 0.03 (8/255), is above all the noise and below every glyph, even the comma (punctuation is
//! dropped by the text gate anyway). Slow fades are still caught because the stable wait compares with the
//! first frame of a run, so two steps add up (16 and 8 above; the latter, 20-step fade of small Latin
//! text, is the weakest case: it may be read a few frames before it ends).
//!
//! # Stable wait
//!
//! After a change the gate waits until [`GateSettings::stable_frames`] consecutive frames match the first
//! frame of the run. Windows whose luma went back and forth (brighter, darker, brighter) while the rest held
//! still — the bouncing "next" arrow of a dialogue box — are taken for animation, provided they cover no
//! more than [`GateSettings::animated_area`] of the region: they neither hold up the stable wait nor wake
//! the image gate afterwards. Text appearing, typing out or fading moves each window one way only, so it is
//! never mistaken for animation. Anything else that never settles (an animated background behind the text)
//! is recognised anyway after [`GateSettings::max_stable_wait_ms`], once nothing new is appearing.
//!
//! With the defaults a line is recognised 200–300 ms after its last glyph appears (two matching frames at
//! the 100 ms cadence); with a bouncing arrow after it, ~700 ms (the arrow must be seen going back and
//! forth first).
//!
//! # Cost
//!
//! [`Thumb::from_rgba`] on a 1280×240 RGBA frame takes 0.19 ms, and with [`Gate::on_frame`] on a still
//! frame 0.24 ms (rustc -O, one core of the 2-core dev machine, x86-64 baseline; the `gate_cost` test prints
//! the unoptimised figure, ~10 ms). It allocates the thumb (19 KB) and one row of column sums (5 KB). At
//! the default cadence that is under 0.3% of a core while changing and ~0.05% while still.

use serde::{Deserialize, Serialize};
use std::time::{Duration, Instant};

/// Smallest cell side in pixels; changes are measured over windows of 2×2 cells.
const MIN_CELL: u32 = 4;
/// Above this many cells they grow instead, so a full 4K screen costs no more than ~1 MP in comparisons.
const MAX_CELLS: u32 = 65_536;
/// However much new keeps appearing, the stable wait ends after this many times
/// [`GateSettings::max_stable_wait_ms`].
const HARD_WAIT_FACTOR: u32 = 4;
/// A window whose luma changed direction (brighter, then darker, or the reverse) this many times during one
/// stable wait is taken for animation. Text appearing, typing out or fading moves each window one way only.
const ANIMATION_REVERSALS: u8 = 2;

/// Auto mode's thresholds and timings, as read from the settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct GateSettings {
    /// Capture interval while something is changing and for [`slow_after_ms`](Self::slow_after_ms) after,
    /// in milliseconds (20–5000; default 100).
    pub fast_interval_ms: u64,
    /// Capture interval once the region has been still for a while, in milliseconds (at least
    /// `fast_interval_ms`, at most 60000; default 500).
    pub slow_interval_ms: u64,
    /// How long the region must stay still before the slow interval is used, in milliseconds (0–600000;
    /// default 3000).
    pub slow_after_ms: u64,
    /// How much a window's mean luma must move, as a fraction of the 0–255 range, for it to count as
    /// changed (0.005–1; default 0.03, i.e. 8/255). A frame is changed when any window is. See the module
    /// docs for the measurements behind the default.
    pub image_threshold: f32,
    /// After a change, how many consecutive frames must match before OCR runs (0–50; default 2, i.e.
    /// ~200 ms at the fast interval). 0 runs OCR on the first changed frame.
    pub stable_frames: u32,
    /// Give up waiting for the region to settle after this long and run OCR anyway, in milliseconds
    /// (100–60000; default 3000) — at the first frame after it in which nothing new appeared, so a long
    /// line still being typed out is waited for (up to four times as long).
    pub max_stable_wait_ms: u64,
    /// Largest share of the region (0–0.25; default 0.02) that may keep moving — a bouncing "next" arrow —
    /// without holding up the stable wait; 0 turns this off.
    pub animated_area: f32,
    /// Similarity (normalised edit distance, 0.5–1; default 0.9) at or above which recognised text counts
    /// as the text last translated: no request. 1 sends a request for any difference.
    pub text_threshold: f32,
}

impl Default for GateSettings {
    fn default() -> Self {
        GateSettings {
            fast_interval_ms: 100,
            slow_interval_ms: 500,
            slow_after_ms: 3000,
            image_threshold: 0.03,
            stable_frames: 2,
            max_stable_wait_ms: 3000,
            animated_area: 0.02,
            text_threshold: 0.9,
        }
    }
}

/// One refused setting: which field, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SettingProblem {
    /// The field's name as in the config file, e.g. `image_threshold`.
    pub field: &'static str,
    /// What is wrong ("must be between 20 and 5000 (found 1)").
    pub message: crate::text::Text,
}

impl std::fmt::Display for SettingProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.field, self.message)
    }
}

fn range_problem<T: crate::config::Number>(
    field: &'static str,
    value: T,
) -> Option<SettingProblem> {
    let (_, lo, hi) = GateSettings::RANGES
        .into_iter()
        .find(|(f, ..)| *f == field)?;
    // `!(lo <= v && v <= hi)`, in the field's own type, so that NaN is refused too.
    let inside = T::from_f64(lo) <= value && value <= T::from_f64(hi);
    (!inside).then(|| SettingProblem {
        field,
        message: crate::text::Text::new("err.range_found")
            .with("min", lo)
            .with("max", hi)
            .with("found", value),
    })
}

impl GateSettings {
    /// The range of each field (name, lowest, highest): [`check`](Self::check) refuses values outside it,
    /// and the settings page gets them (`config::limits`).
    pub const RANGES: [(&'static str, f64, f64); 8] = [
        ("fast_interval_ms", 20.0, 5000.0),
        ("slow_interval_ms", 20.0, 60_000.0),
        ("slow_after_ms", 0.0, 600_000.0),
        ("image_threshold", 0.005, 1.0),
        ("stable_frames", 0.0, 50.0),
        ("max_stable_wait_ms", 100.0, 60_000.0),
        ("animated_area", 0.0, 0.25),
        ("text_threshold", 0.5, 1.0),
    ];

    /// Every field that is out of range, with a message for the user; empty when all is well.
    pub fn check(&self) -> Vec<SettingProblem> {
        let mut problems: Vec<SettingProblem> = [
            range_problem("fast_interval_ms", self.fast_interval_ms),
            range_problem("slow_interval_ms", self.slow_interval_ms),
            range_problem("slow_after_ms", self.slow_after_ms),
            range_problem("image_threshold", self.image_threshold),
            range_problem("stable_frames", self.stable_frames),
            range_problem("max_stable_wait_ms", self.max_stable_wait_ms),
            range_problem("animated_area", self.animated_area),
            range_problem("text_threshold", self.text_threshold),
        ]
        .into_iter()
        .flatten()
        .collect();
        if self.slow_interval_ms < self.fast_interval_ms
            && !problems.iter().any(|p| p.field == "slow_interval_ms")
        {
            problems.push(SettingProblem {
                field: "slow_interval_ms",
                message: crate::text::Text::new("err.slow_below_fast")
                    .with("fast", self.fast_interval_ms)
                    .with("slow", self.slow_interval_ms),
            });
        }
        problems
    }

    /// These settings with every refused field replaced by its default, and what was refused.
    pub fn fixed(mut self) -> (Self, Vec<SettingProblem>) {
        let problems = self.check();
        let d = Self::default();
        for p in &problems {
            match p.field {
                "fast_interval_ms" => self.fast_interval_ms = d.fast_interval_ms,
                "slow_interval_ms" => self.slow_interval_ms = d.slow_interval_ms,
                "slow_after_ms" => self.slow_after_ms = d.slow_after_ms,
                "image_threshold" => self.image_threshold = d.image_threshold,
                "stable_frames" => self.stable_frames = d.stable_frames,
                "max_stable_wait_ms" => self.max_stable_wait_ms = d.max_stable_wait_ms,
                "animated_area" => self.animated_area = d.animated_area,
                "text_threshold" => self.text_threshold = d.text_threshold,
                _ => {}
            }
        }
        // A default slow interval can still be below a (valid) long fast interval.
        self.slow_interval_ms = self.slow_interval_ms.max(self.fast_interval_ms);
        (self, problems)
    }

    /// The luma step (0–255) above which a window counts as changed.
    fn level(&self) -> u8 {
        level_of(self.image_threshold)
    }
}

/// A frame's fingerprint: the mean luma of each cell of a grid laid over it.
///
/// Changes are measured over *windows* of 2×2 cells that overlap by one cell (8×8 pixels every 4 pixels for
/// the usual 4-pixel cells): noise is averaged over 64 pixels, yet a small glyph that straddles cell borders
/// still falls mostly inside some window.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Thumb {
    width: u32,
    height: u32,
    cell: u32,
    cols: u32,
    rows: u32,
    cells: Vec<u8>,
}

impl Thumb {
    /// The fingerprint of a frame given as tightly packed RGBA rows (`width * 4` bytes each; alpha is
    /// ignored). If `rgba` holds fewer than `height` rows, only the complete rows present are used.
    pub fn from_rgba(width: u32, height: u32, rgba: &[u8]) -> Thumb {
        let stride = width as usize * 4;
        let complete_rows = rgba.len().checked_div(stride).unwrap_or(0);
        let height = height.min(complete_rows.min(u32::MAX as usize) as u32);
        let cell = cell_side(width, height);
        // Whole cells only: the last column and row take the remainder (up to 2×cell-1 pixels), so no cell
        // is a sliver that a single noisy pixel could swing.
        let cols = if height == 0 {
            0
        } else {
            (width / cell).max(1)
        };
        let rows = if width == 0 {
            0
        } else {
            (height / cell).max(1)
        };
        let mut cells = Vec::with_capacity(cols as usize * rows as usize);
        // Per band of `cell` rows: luma summed down each pixel column (a flat loop the compiler vectorises),
        // then across each cell's columns. Luma is (R + 2G + B) / 4: no multiplies, and as good as Rec. 601
        // for telling whether something changed.
        let mut columns = vec![0u32; width as usize];
        for cy in 0..rows {
            let y0 = cy * cell;
            let y1 = if cy + 1 == rows { height } else { y0 + cell };
            columns.fill(0);
            for y in y0..y1 {
                let line = &rgba[y as usize * stride..][..stride];
                for (sum, px) in columns.iter_mut().zip(line.chunks_exact(4)) {
                    *sum += px[0] as u32 + 2 * px[1] as u32 + px[2] as u32;
                }
            }
            let cell_h = (y1 - y0) as u64;
            for cx in 0..cols {
                let x0 = (cx * cell) as usize;
                let x1 = if cx + 1 == cols {
                    width as usize
                } else {
                    x0 + cell as usize
                };
                let sum: u64 = columns[x0..x1].iter().map(|&c| c as u64).sum();
                let n = (x1 - x0) as u64 * cell_h * 4;
                cells.push(((sum + n / 2) / n) as u8);
            }
        }
        Thumb {
            width,
            height,
            cell,
            cols,
            rows,
            cells,
        }
    }

    /// The fingerprint of a captured image.
    pub fn from_image(image: &image::RgbaImage) -> Thumb {
        Thumb::from_rgba(image.width(), image.height(), image.as_raw())
    }

    /// The frame's size in pixels.
    pub fn size(&self) -> (u32, u32) {
        (self.width, self.height)
    }

    /// The side of one cell in pixels (4 up to ~1 MP frames, larger beyond).
    pub fn cell(&self) -> u32 {
        self.cell
    }

    /// The grid's size in cells (columns, rows).
    pub fn grid(&self) -> (u32, u32) {
        (self.cols, self.rows)
    }

    /// The mean luma (0–255) of each cell, row by row.
    pub fn cells(&self) -> &[u8] {
        &self.cells
    }

    /// How many windows changes are measured over.
    pub fn windows(&self) -> usize {
        let (wc, wr, _, _) = self.window_grid();
        wc * wr
    }

    /// The largest change of any window's mean luma, from 0 (same) to 1; frames of different sizes give 1.
    pub fn diff(&self, other: &Thumb) -> f32 {
        if !self.same_grid(other) {
            return 1.0;
        }
        let mut max = 0f32;
        self.each_window(other, |_, sum, n| {
            max = max.max(sum.unsigned_abs() as f32 / n as f32);
            true
        });
        max / 255.0
    }

    /// How many windows moved by more than `threshold` (a fraction of the 0–255 range, like
    /// [`GateSettings::image_threshold`]); frames of different sizes count every window.
    pub fn changed_windows(&self, other: &Thumb, threshold: f32) -> usize {
        if !self.same_grid(other) {
            return self.windows().max(other.windows());
        }
        let level = level_of(threshold);
        let mut count = 0;
        self.each_window(other, |_, sum, n| {
            count += usize::from(exceeds(sum, n, level));
            true
        });
        count
    }

    fn same_grid(&self, other: &Thumb) -> bool {
        self.width == other.width && self.height == other.height && self.cell == other.cell
    }

    /// Windows per row, windows per column, and their span in cells across and down.
    fn window_grid(&self) -> (usize, usize, usize, usize) {
        let (cols, rows) = (self.cols as usize, self.rows as usize);
        if cols == 0 || rows == 0 {
            return (0, 0, 0, 0);
        }
        let (span_x, span_y) = (cols.min(2), rows.min(2));
        (
            (cols + 1).saturating_sub(span_x),
            (rows + 1).saturating_sub(span_y),
            span_x,
            span_y,
        )
    }

    /// Calls `f(window, sum, cells)` for every window in row order, where `sum` is the window's summed
    /// signed cell change from `other` to `self`; stops when `f` returns false. Both must share a grid.
    fn each_window(&self, other: &Thumb, mut f: impl FnMut(usize, i32, i32) -> bool) {
        let (wc, wr, sx, sy) = self.window_grid();
        let cols = self.cols as usize;
        let n = (sx * sy) as i32;
        let delta = |i: usize| self.cells[i] as i32 - other.cells[i] as i32;
        for wy in 0..wr {
            for wx in 0..wc {
                let mut sum = 0;
                for y in wy..wy + sy {
                    for x in wx..wx + sx {
                        sum += delta(y * cols + x);
                    }
                }
                if !f(wy * wc + wx, sum, n) {
                    return;
                }
            }
        }
    }

    /// Whether any window moved by more than `level`, not counting windows where `ignore` is true.
    fn any_changed(&self, other: &Thumb, level: u8, ignore: &[bool]) -> bool {
        if !self.same_grid(other) {
            return true;
        }
        let masked = ignore.len() == self.windows();
        let mut changed = false;
        self.each_window(other, |w, sum, n| {
            changed = exceeds(sum, n, level) && !(masked && ignore[w]);
            !changed
        });
        changed
    }
}

/// A threshold as a fraction of the 0–255 range, in luma steps.
fn level_of(threshold: f32) -> u8 {
    (threshold.clamp(0.0, 1.0) * 255.0).round() as u8
}

/// Whether a window whose `n` cells changed by `sum` in total moved by more than `level` on average.
fn exceeds(sum: i32, n: i32, level: u8) -> bool {
    sum.abs() > level as i32 * n
}

/// The cell side for a frame: 4 pixels, more for frames so large that 4×4 cells would exceed `MAX_CELLS`.
fn cell_side(width: u32, height: u32) -> u32 {
    let area = width as u64 * height as u64;
    let mut cell = MIN_CELL;
    while area / (cell as u64 * cell as u64) > MAX_CELLS as u64 && cell < 256 {
        cell += 1;
    }
    cell
}

/// What the timer thread should do with the frame it just captured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FrameDecision {
    /// Nothing changed since the last recognised frame: nothing else runs.
    Idle,
    /// Something changed and is still changing (or has not yet been still for long enough): wait.
    Settling,
    /// Run OCR on this frame now.
    Recognize {
        /// True when the region never settled and [`GateSettings::max_stable_wait_ms`] ran out.
        timed_out: bool,
    },
}

/// What to do with the text OCR read from a recognised frame.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TextDecision {
    /// New text: translate it (the OCR text with its ends trimmed; the comparison key is not sent).
    Translate(String),
    /// The same (or nearly the same) text as last translated: no request.
    Same,
    /// No text at all (an empty box, or only punctuation): no request, and the last text is kept, so the same
    /// line shown again after a blank is not translated again.
    Empty,
}

#[derive(Debug)]
enum State {
    /// No frame yet (auto mode just turned on, or [`Gate::reset`]).
    Fresh,
    /// Waiting for a change from `anchor`, the last recognised frame.
    Idle { anchor: Thumb },
    /// A change was seen; waiting for the frames to stop changing.
    Settling(Settle),
}

#[derive(Debug)]
struct Settle {
    /// When the change was first seen.
    since: Instant,
    /// The recognised frame the change was seen against (none for the first frame).
    from: Option<Thumb>,
    /// The previous frame.
    prev: Thumb,
    /// The first frame of the current run of matching frames.
    run_start: Thumb,
    /// How many frames after `run_start` matched it.
    run: u32,
    /// Per window, how it has moved from one frame to the next during this wait.
    motion: Vec<Motion>,
}

/// How one window has moved during a stable wait.
#[derive(Debug, Clone, Copy, Default)]
struct Motion {
    /// The sign of its last change above the threshold (0: none yet).
    last: i8,
    /// How many times that sign flipped (saturating).
    reversals: u8,
}

impl Motion {
    fn is_animated(&self) -> bool {
        self.reversals >= ANIMATION_REVERSALS
    }
}

/// Auto mode's state machine for one region: feed it every captured frame and every OCR result.
///
/// Besides the thresholds it learns which small parts of the region move without changing the text, and
/// stops looking at them: windows that went back and forth during a stable wait (a bouncing arrow), and
/// windows whose change led to a recognition that read the same text as before (a blinking arrow, a
/// sparkle). What it learned is dropped when a new text is translated, and never covers more than
/// [`GateSettings::animated_area`] of the region.
///
/// One gate serves one region; call [`reset`](Self::reset) when the region moves or is resized.
#[derive(Debug)]
pub struct Gate {
    settings: GateSettings,
    state: State,
    /// Windows the image gate ignores (empty: none).
    ignored: Vec<bool>,
    /// Windows found animated in the stable wait that led to the last recognition.
    settle_animated: Vec<bool>,
    /// Windows that differ between the last recognised frame and the one before it.
    recognized_change: Vec<bool>,
    /// When the region last changed or was recognised; the cadence slows down a while after it.
    last_activity: Option<Instant>,
    /// The comparison key of the text last sent for translation.
    last_text: Option<String>,
}

impl Gate {
    /// A gate with these settings (out-of-range values are replaced by defaults; see
    /// [`GateSettings::fixed`]).
    pub fn new(settings: GateSettings) -> Gate {
        Gate {
            settings: settings.fixed().0,
            state: State::Fresh,
            ignored: Vec::new(),
            settle_animated: Vec::new(),
            recognized_change: Vec::new(),
            last_activity: None,
            last_text: None,
        }
    }

    /// Forget everything (the region moved or auto mode restarted): the next frame is treated as the first
    /// and any text read from it is translated.
    pub fn reset(&mut self) {
        *self = Gate::new(self.settings.clone());
    }

    /// Forget the last translated text only (its request failed or was cancelled), so the same text read
    /// again is translated again.
    pub fn forget_text(&mut self) {
        self.last_text = None;
    }

    /// Whether the gate is waiting for the region to settle (or for its first frame).
    pub fn is_settling(&self) -> bool {
        matches!(self.state, State::Settling(_) | State::Fresh)
    }

    /// The image gate and the stable wait: called once per captured frame, in capture order.
    pub fn on_frame(&mut self, now: Instant, frame: Thumb) -> FrameDecision {
        let level = self.settings.level();
        match std::mem::replace(&mut self.state, State::Fresh) {
            State::Fresh => self.start_settling(now, None, frame),
            State::Idle { anchor } => {
                if frame.any_changed(&anchor, level, &self.ignored) {
                    self.start_settling(now, Some(anchor), frame)
                } else {
                    self.state = State::Idle { anchor };
                    FrameDecision::Idle
                }
            }
            State::Settling(settle) => self.keep_settling(now, settle, frame, level),
        }
    }

    fn start_settling(&mut self, now: Instant, from: Option<Thumb>, frame: Thumb) -> FrameDecision {
        self.last_activity = Some(now);
        if self.ignored.len() != frame.windows() {
            self.ignored.clear();
        }
        if self.settings.stable_frames == 0 {
            return self.recognized(now, from, frame, Vec::new(), false);
        }
        let motion = vec![Motion::default(); frame.windows()];
        self.state = State::Settling(Settle {
            since: now,
            from,
            prev: frame.clone(),
            run_start: frame,
            run: 0,
            motion,
        });
        FrameDecision::Settling
    }

    fn keep_settling(
        &mut self,
        now: Instant,
        mut s: Settle,
        frame: Thumb,
        level: u8,
    ) -> FrameDecision {
        if !frame.same_grid(&s.prev) {
            // The capture changed size under us: start over with this frame.
            return self.start_settling(now, None, frame);
        }
        // Whether something changed that had not changed before in this wait: text still being typed.
        let mut fresh = false;
        frame.each_window(&s.prev, |w, sum, n| {
            if exceeds(sum, n, level) {
                let m = &mut s.motion[w];
                let sign = sum.signum() as i8;
                fresh |= m.last == 0;
                if m.last == -sign {
                    m.reversals = m.reversals.saturating_add(1);
                }
                m.last = sign;
            }
            true
        });
        let animated = self.animation_mask(&s.motion);
        if frame.any_changed(&s.run_start, level, &animated) {
            s.run = 0;
            s.run_start = frame.clone();
        } else {
            s.run += 1;
        }
        s.prev = frame;
        let waited = now.saturating_duration_since(s.since);
        let max_wait = Duration::from_millis(self.settings.max_stable_wait_ms);
        let settled = s.run >= self.settings.stable_frames;
        let gave_up = waited >= max_wait && (!fresh || waited >= max_wait * HARD_WAIT_FACTOR);
        if settled || gave_up {
            return self.recognized(now, s.from, s.prev, animated, !settled);
        }
        self.state = State::Settling(s);
        FrameDecision::Settling
    }

    /// The windows that went back and forth often enough to be animation, or none if they cover too much
    /// of the region.
    fn animation_mask(&self, motion: &[Motion]) -> Vec<bool> {
        let busy = motion.iter().filter(|m| m.is_animated()).count();
        if busy == 0 || busy > self.area_cap(motion.len()) {
            return Vec::new();
        }
        motion.iter().map(Motion::is_animated).collect()
    }

    /// How many of `windows` may be ignored as animation.
    fn area_cap(&self, windows: usize) -> usize {
        (self.settings.animated_area as f64 * windows as f64).floor() as usize
    }

    /// Adds `windows` to the ignored ones, unless together they would cover more than the allowed area.
    fn learn(&mut self, windows: &[bool]) {
        if windows.is_empty() {
            return;
        }
        if self.ignored.len() != windows.len() {
            self.ignored = vec![false; windows.len()];
        }
        let union = self
            .ignored
            .iter()
            .zip(windows)
            .filter(|(a, b)| **a || **b)
            .count();
        if union <= self.area_cap(windows.len()) {
            for (i, &c) in self.ignored.iter_mut().zip(windows) {
                *i |= c;
            }
        }
    }

    fn recognized(
        &mut self,
        now: Instant,
        from: Option<Thumb>,
        frame: Thumb,
        animated: Vec<bool>,
        timed_out: bool,
    ) -> FrameDecision {
        self.last_activity = Some(now);
        let level = self.settings.level();
        self.recognized_change = match from {
            Some(from) if from.same_grid(&frame) => {
                let mut changed = vec![false; frame.windows()];
                frame.each_window(&from, |w, sum, n| {
                    changed[w] = exceeds(sum, n, level);
                    true
                });
                changed
            }
            _ => Vec::new(),
        };
        self.learn(&animated);
        self.settle_animated = animated;
        self.state = State::Idle { anchor: frame };
        FrameDecision::Recognize { timed_out }
    }

    /// The text gate: called with what OCR read from the frame of the latest
    /// [`FrameDecision::Recognize`]. Remembers the text when it says [`TextDecision::Translate`].
    ///
    /// Texts are compared on a key: whitespace and punctuation dropped, full-width Latin letters and digits
    /// folded to ASCII, lower case. The same key, a similarity of at least
    /// [`GateSettings::text_threshold`], or a key that is a beginning of the last one (a line being typed
    /// out again) is [`TextDecision::Same`]; a key that *extends* the last one (the rest of a line that was
    /// read before it was finished) is new.
    ///
    /// When the text is the same or empty, the small change that woke the gate did not matter: its windows
    /// are ignored from now on (within [`GateSettings::animated_area`]). New text drops what was learned
    /// before, since the screen's layout has changed.
    pub fn on_text(&mut self, text: &str) -> TextDecision {
        let change = std::mem::take(&mut self.recognized_change);
        let key = text_key(text);
        let new = !key.is_empty()
            && match &self.last_text {
                Some(last) => is_new_text(last, &key, self.settings.text_threshold),
                None => true,
            };
        if !new {
            self.learn(&change);
            return if key.is_empty() {
                TextDecision::Empty
            } else {
                TextDecision::Same
            };
        }
        self.ignored.clear();
        let animated = std::mem::take(&mut self.settle_animated);
        self.learn(&animated);
        self.last_text = Some(key);
        TextDecision::Translate(text.trim().to_string())
    }

    /// How long to wait before capturing the next frame: the fast interval while settling and for
    /// [`GateSettings::slow_after_ms`] after the last change, the slow interval after that.
    pub fn next_delay(&self, now: Instant) -> Duration {
        let s = &self.settings;
        let fast = Duration::from_millis(s.fast_interval_ms);
        if self.is_settling() {
            return fast;
        }
        match self.last_activity {
            Some(t)
                if now.saturating_duration_since(t) < Duration::from_millis(s.slow_after_ms) =>
            {
                fast
            }
            _ => Duration::from_millis(s.slow_interval_ms),
        }
    }
}

/// The text gate's comparison key: letters and digits only, full-width ASCII folded, lower case.
pub fn text_key(text: &str) -> String {
    let mut key = String::with_capacity(text.len());
    for c in text.chars() {
        let c = match c as u32 {
            // Full-width forms of ASCII ！ to ～.
            0xFF01..=0xFF5E => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            _ => c,
        };
        if c.is_alphanumeric() {
            key.extend(c.to_lowercase());
        }
    }
    key
}

/// Whether `key` is a different text from `last` (both [`text_key`]s) at similarity threshold `threshold`.
fn is_new_text(last: &str, key: &str, threshold: f32) -> bool {
    if key == last || last.starts_with(key) {
        return false;
    }
    if key.starts_with(last) {
        return true;
    }
    strsim::normalized_levenshtein(last, key) < threshold as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    fn flat(width: u32, height: u32, luma: u8) -> Vec<u8> {
        [luma, luma, luma, 255].repeat((width * height) as usize)
    }

    #[test]
    fn thumb_cells_are_box_means() {
        let mut px = flat(8, 4, 0);
        // Left cell: half its pixels white → mean 128 (rounded).
        for y in 0..4 {
            for x in 0..2 {
                let i = (y * 8 + x) * 4;
                px[i..i + 3].copy_from_slice(&[255, 255, 255]);
            }
        }
        let t = Thumb::from_rgba(8, 4, &px);
        assert_eq!(t.grid(), (2, 1));
        assert_eq!(t.cells(), &[128, 0]);
        assert_eq!(t.windows(), 1);
    }

    #[test]
    fn thumb_edges_and_short_buffers() {
        // 10×9 with 4-pixel cells: the last column is 6 wide, the last row 5 tall.
        let t = Thumb::from_rgba(10, 9, &flat(10, 9, 200));
        assert_eq!(t.grid(), (2, 2));
        assert!(t.cells().iter().all(|&c| c == 200));
        // Only 3 complete rows present.
        let short = Thumb::from_rgba(10, 9, &flat(10, 4, 50)[..10 * 4 * 3 + 7]);
        assert_eq!(short.size(), (10, 3));
        assert_eq!(short.grid(), (2, 1));
        assert_eq!(short.cells(), &[50, 50]);
        assert_eq!(Thumb::from_rgba(0, 5, &[]).windows(), 0);
        assert_eq!(Thumb::from_rgba(3, 2, &flat(3, 2, 7)).cells(), &[7]);
    }

    #[test]
    fn large_frames_use_larger_cells() {
        assert_eq!(cell_side(1280, 240), 4);
        let c = cell_side(3840, 2160);
        assert!((3840 / c) * (2160 / c) <= MAX_CELLS, "{c}");
    }

    #[test]
    fn windows_catch_marks_across_cell_borders() {
        // A 4×4 white mark at (6, 6): split over four cells, whole in the window at (4, 4).
        let mut px = flat(16, 16, 0);
        for y in 6..10 {
            for x in 6..10 {
                let i = (y * 16 + x) * 4;
                px[i..i + 3].copy_from_slice(&[255, 255, 255]);
            }
        }
        let blank = Thumb::from_rgba(16, 16, &flat(16, 16, 0));
        let marked = Thumb::from_rgba(16, 16, &px);
        assert_eq!(marked.windows(), 9);
        assert!(
            (marked.diff(&blank) - 0.25).abs() < 0.01,
            "{}",
            marked.diff(&blank)
        );
        // Every window holds at least a quarter of the mark; only the middle one all of it.
        assert_eq!(marked.changed_windows(&blank, 0.04), 9);
        assert_eq!(marked.changed_windows(&blank, 0.2), 1);
    }

    #[test]
    fn diff_of_different_sizes_is_total() {
        let a = Thumb::from_rgba(16, 16, &flat(16, 16, 9));
        let b = Thumb::from_rgba(16, 8, &flat(16, 8, 9));
        assert_eq!(a.diff(&b), 1.0);
        assert_eq!(a.diff(&a.clone()), 0.0);
        assert_eq!(a.changed_windows(&b, 0.04), 9);
    }

    #[test]
    fn settings_check_and_fix() {
        assert!(GateSettings::default().check().is_empty());
        let bad = GateSettings {
            fast_interval_ms: 1,
            image_threshold: f32::NAN,
            text_threshold: 2.0,
            ..Default::default()
        };
        let fields: Vec<_> = bad.check().iter().map(|p| p.field).collect();
        assert_eq!(
            fields,
            ["fast_interval_ms", "image_threshold", "text_threshold"]
        );
        let (fixed, problems) = bad.fixed();
        assert_eq!(problems.len(), 3);
        assert_eq!(fixed, GateSettings::default());

        let slow_too_short = GateSettings {
            fast_interval_ms: 1000,
            slow_interval_ms: 500,
            ..Default::default()
        };
        assert_eq!(slow_too_short.check()[0].field, "slow_interval_ms");
        assert_eq!(slow_too_short.fixed().0.slow_interval_ms, 1000);
    }

    #[test]
    fn settings_read_partially_from_toml_shaped_json() {
        let s: GateSettings = serde_json::from_str(r#"{"stable_frames": 4}"#).unwrap();
        assert_eq!(s.stable_frames, 4);
        assert_eq!(s.fast_interval_ms, 100);
    }

    #[test]
    fn text_key_drops_spacing_and_punctuation() {
        assert_eq!(text_key(" 「本当に 行くの？」\n"), "本当に行くの");
        assert_eq!(text_key("ＨＰ　１２０ / Max"), "hp120max");
        assert_eq!(text_key("……！？"), "");
    }

    #[test]
    fn text_gate() {
        let mut g = Gate::new(GateSettings::default());
        let line = "「この先に古い城があるって聞いたけど……\n本当に行くつもりなの？」";
        assert_eq!(g.on_text(line), TextDecision::Translate(line.to_string()));
        assert_eq!(g.on_text(line), TextDecision::Same);
        // One OCR slip and different punctuation: still the same line.
        assert_eq!(
            g.on_text("「この先に古い域があるって聞いたけど...\n本当に行くつもりなの?」"),
            TextDecision::Same
        );
        assert_eq!(g.on_text("   "), TextDecision::Empty);
        assert_eq!(g.on_text(line), TextDecision::Same);
        // Read again while being typed out: a beginning of the last line.
        assert_eq!(g.on_text("「この先に古い城があるって"), TextDecision::Same);
        // A different line.
        assert!(matches!(g.on_text("はい。"), TextDecision::Translate(_)));
        // The same line, finished: extends the last one, however similar.
        assert!(matches!(
            g.on_text("はい。そうです"),
            TextDecision::Translate(_)
        ));
        g.forget_text();
        assert!(matches!(
            g.on_text("はい。そうです"),
            TextDecision::Translate(_)
        ));
    }

    #[test]
    fn stable_frames_zero_recognizes_at_once() {
        let mut g = Gate::new(GateSettings {
            stable_frames: 0,
            ..Default::default()
        });
        let t0 = Instant::now();
        let f = Thumb::from_rgba(16, 16, &flat(16, 16, 0));
        assert_eq!(
            g.on_frame(t0, f.clone()),
            FrameDecision::Recognize { timed_out: false }
        );
        assert_eq!(g.on_frame(t0, f), FrameDecision::Idle);
    }
}
