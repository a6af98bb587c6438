//! Auto mode's gates on image sequences built from the OCR fixtures: a still screen, typewriter text, a fade,
//! the same line again, background noise and compression jitter, an animated background, a bouncing and a
//! blinking "next" arrow, and the adaptive cadence.
//!
//! The dialogue box of `tests/fixtures/ocr/ja_dialogue.png` is split into its textless background (the text
//! painted out) and its glyphs, so frames can show any part of the text over the real, textured background.
//! OCR is faked: a frame's text is the part of the fixture's expected text that the scene shows, so these
//! tests check the gates, not the OCR engine.

use image::{Rgba, RgbaImage};
use ocrlay::auto::{FrameDecision, Gate, GateSettings, TextDecision, Thumb};
use std::time::{Duration, Instant};

// ---------------------------------------------------------------------------------------------------------
// The dialogue box: background, text mask, glyphs.

fn fixture(name: &str) -> RgbaImage {
    let path = format!(
        "{}/tests/fixtures/ocr/{name}.png",
        env!("CARGO_MANIFEST_DIR")
    );
    image::open(&path)
        .unwrap_or_else(|e| panic!("{path}: {e}"))
        .into_rgba8()
}

fn expected_text(name: &str) -> String {
    let path = format!(
        "{}/tests/fixtures/ocr/{name}.expected.txt",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{path}: {e}"))
        .trim()
        .to_string()
}

fn luma(p: &Rgba<u8>) -> u32 {
    (77 * p[0] as u32 + 150 * p[1] as u32 + 29 * p[2] as u32) >> 8
}

/// A horizontal slice of one text line: the columns `x0..x1` of the rows `y0..y1`.
#[derive(Debug, Clone, Copy)]
struct Span {
    x0: u32,
    x1: u32,
    y0: u32,
    y1: u32,
}

/// A fixture split into a textless background and its text.
struct Dialogue {
    full: RgbaImage,
    empty: RgbaImage,
    /// Text pixels (with their anti-aliased edges and shadow), row-major.
    mask: Vec<bool>,
    /// Glyph-sized groups of ink column runs (a CJK glyph is one or a few runs), in reading order.
    glyphs: Vec<Span>,
}

impl Dialogue {
    /// Splits a fixture whose text is light (core luma > 190) inside a box with a one-line border `inset`
    /// pixels from the edge.
    fn load(name: &str, inset: u32) -> Dialogue {
        let full = fixture(name);
        let (w, h) = full.dimensions();
        // Clear of the border and its rounded corners.
        let m = inset + 8;
        let inside = |x: u32, y: u32| x >= m && x + m < w && y >= m && y + m < h;
        let core: Vec<bool> = full
            .enumerate_pixels()
            .map(|(x, y, p)| inside(x, y) && luma(p) > 190)
            .collect();
        // Grow the core by 2 pixels to take the glyphs' soft edges and shadow.
        let mut mask = vec![false; core.len()];
        for y in 0..h as i32 {
            for x in 0..w as i32 {
                if !core[(y as u32 * w + x as u32) as usize] {
                    continue;
                }
                for dy in -2..=2 {
                    for dx in -2..=2 {
                        let (nx, ny) = (x + dx, y + dy);
                        if nx >= 0 && ny >= 0 && (nx as u32) < w && (ny as u32) < h {
                            mask[(ny as u32 * w + nx as u32) as usize] = true;
                        }
                    }
                }
            }
        }
        // Paint the text out: each masked run of a row becomes a blend of the pixels either side of it.
        let mut empty = full.clone();
        for y in 0..h {
            let mut x = 0;
            while x < w {
                if !mask[(y * w + x) as usize] {
                    x += 1;
                    continue;
                }
                let start = x;
                while x < w && mask[(y * w + x) as usize] {
                    x += 1;
                }
                let left = *full.get_pixel(start.saturating_sub(1), y);
                let right = *full.get_pixel(x.min(w - 1), y);
                let n = (x - start + 1) as f32;
                for (i, px) in (start..x).enumerate() {
                    let t = (i + 1) as f32 / n;
                    let mut p = [0u8; 4];
                    for c in 0..4 {
                        p[c] = (left[c] as f32 * (1.0 - t) + right[c] as f32 * t).round() as u8;
                    }
                    empty.put_pixel(px, y, Rgba(p));
                }
            }
        }
        // Lines: runs of rows with text; segments: runs of columns with text within a line.
        let row_has = |y: u32| (0..w).any(|x| core[(y * w + x) as usize]);
        let mut segments = Vec::new();
        let mut glyphs = Vec::new();
        let mut y = 0;
        while y < h {
            if !row_has(y) {
                y += 1;
                continue;
            }
            let y0 = y;
            while y < h && row_has(y) {
                y += 1;
            }
            let (y0, y1) = (y0.saturating_sub(2), (y + 2).min(h));
            let col_has = |x: u32| (y0..y1).any(|yy| mask[(yy * w + x) as usize]);
            let line_start = segments.len();
            let mut x = 0;
            while x < w {
                if !col_has(x) {
                    x += 1;
                    continue;
                }
                let x0 = x;
                while x < w && col_has(x) {
                    x += 1;
                }
                segments.push(Span { x0, x1: x, y0, y1 });
            }
            // Greedy glyphs: segments joined while the group stays within one em (the line's height).
            let em = y1 - y0 - 4;
            let mut current: Option<Span> = None;
            for s in &segments[line_start..] {
                current = match current {
                    Some(g) if s.x1 - g.x0 <= em => Some(Span { x1: s.x1, ..g }),
                    Some(g) => {
                        glyphs.push(g);
                        Some(*s)
                    }
                    None => Some(*s),
                };
            }
            glyphs.extend(current);
        }
        Dialogue {
            full,
            empty,
            mask,
            glyphs,
        }
    }

    /// The box showing the text inside `spans` only.
    fn showing(&self, spans: &[Span]) -> RgbaImage {
        self.showing_over(&self.empty, spans)
    }

    /// `background` showing this box's text inside `spans` only.
    fn showing_over(&self, background: &RgbaImage, spans: &[Span]) -> RgbaImage {
        let mut img = background.clone();
        let w = img.width();
        for s in spans {
            for y in s.y0..s.y1 {
                for x in s.x0..s.x1 {
                    if self.mask[(y * w + x) as usize] {
                        img.put_pixel(x, y, *self.full.get_pixel(x, y));
                    }
                }
            }
        }
        img
    }

    /// The box with the text blended in at `alpha` (0: empty, 1: full).
    fn faded(&self, alpha: f32) -> RgbaImage {
        let mut img = self.empty.clone();
        for (i, (p, f)) in img.pixels_mut().zip(self.full.pixels()).enumerate() {
            if self.mask[i] {
                for c in 0..3 {
                    p[c] = (p[c] as f32 * (1.0 - alpha) + f[c] as f32 * alpha).round() as u8;
                }
            }
        }
        img
    }
}

// ---------------------------------------------------------------------------------------------------------
// Frame effects.

/// A tiny deterministic generator (xorshift), so noisy frames are the same on every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// ±`amp` luma of noise on every pixel, and `flips` random pixels turned black or white.
fn noisy(img: &RgbaImage, rng: &mut Rng, amp: i32, flips: u32) -> RgbaImage {
    let mut out = img.clone();
    for p in out.pixels_mut() {
        let d = rng.below(2 * amp as u64 + 1) as i32 - amp;
        for c in 0..3 {
            p[c] = (p[c] as i32 + d).clamp(0, 255) as u8;
        }
    }
    for _ in 0..flips {
        let (x, y) = (
            rng.below(img.width() as u64) as u32,
            rng.below(img.height() as u64) as u32,
        );
        let v = if rng.below(2) == 0 { 0 } else { 255 };
        out.put_pixel(x, y, Rgba([v, v, v, 255]));
    }
    out
}

/// The image after a round trip through JPEG at `quality`.
fn jpeg(img: &RgbaImage, quality: u8) -> RgbaImage {
    let rgb = image::DynamicImage::ImageRgba8(img.clone()).into_rgb8();
    let mut bytes = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut bytes, quality)
        .encode_image(&rgb)
        .expect("jpeg encode");
    image::load_from_memory(&bytes)
        .expect("jpeg decode")
        .into_rgba8()
}

/// A filled disc.
fn disc(img: &mut RgbaImage, cx: i32, cy: i32, r: i32, color: [u8; 3]) {
    for y in (cy - r).max(0)..(cy + r).min(img.height() as i32) {
        for x in (cx - r).max(0)..(cx + r).min(img.width() as i32) {
            if (x - cx).pow(2) + (y - cy).pow(2) <= r * r {
                img.put_pixel(
                    x as u32,
                    y as u32,
                    Rgba([color[0], color[1], color[2], 255]),
                );
            }
        }
    }
}

/// A light downward triangle ("next" arrow), `size` wide, its top-left at (x, y).
fn arrow(img: &mut RgbaImage, x: u32, y: u32, size: u32) {
    for dy in 0..size / 2 {
        for dx in dy..size - dy {
            img.put_pixel(x + dx, y + dy, Rgba([250, 240, 200, 255]));
        }
    }
}

// ---------------------------------------------------------------------------------------------------------
// A simulated timer thread.

/// One step of a simulation.
#[derive(Debug)]
struct Step {
    t_ms: u64,
    decision: FrameDecision,
    text: Option<TextDecision>,
}

/// Runs the gate like the timer thread would: capture at `t`, gate, OCR if asked, sleep `next_delay`.
/// `scene(t_ms)` gives the frame and the text it shows (the fake OCR).
fn simulate(
    settings: GateSettings,
    until_ms: u64,
    mut scene: impl FnMut(u64) -> (RgbaImage, String),
) -> Vec<Step> {
    let start = Instant::now();
    let mut gate = Gate::new(settings);
    let mut t_ms = 0;
    let mut steps = Vec::new();
    while t_ms <= until_ms {
        let now = start + Duration::from_millis(t_ms);
        let (frame, text) = scene(t_ms);
        let decision = gate.on_frame(now, Thumb::from_image(&frame));
        let text = matches!(decision, FrameDecision::Recognize { .. }).then(|| gate.on_text(&text));
        steps.push(Step {
            t_ms,
            decision,
            text,
        });
        t_ms += gate.next_delay(now).as_millis() as u64;
    }
    println!(
        "{} captures; recognitions:\n{}",
        steps.len(),
        describe(&steps)
    );
    steps
}

fn recognitions(steps: &[Step]) -> Vec<&Step> {
    steps.iter().filter(|s| s.text.is_some()).collect()
}

fn translations(steps: &[Step]) -> Vec<(u64, String)> {
    steps
        .iter()
        .filter_map(|s| match &s.text {
            Some(TextDecision::Translate(t)) => Some((s.t_ms, t.clone())),
            _ => None,
        })
        .collect()
}

fn describe(steps: &[Step]) -> String {
    recognitions(steps)
        .iter()
        .map(|s| format!("{} ms {:?} {:?}", s.t_ms, s.decision, s.text))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The part of `text` a scene shows when `shown` of `total` glyphs are visible (the fake OCR).
fn prefix(text: &str, shown: usize, total: usize) -> String {
    let n = text.chars().count() * shown / total.max(1);
    text.chars().take(n).collect()
}

// ---------------------------------------------------------------------------------------------------------
// Scenarios.

#[test]
fn still_screen_is_recognised_once() {
    let d = Dialogue::load("ja_dialogue", 8);
    let text = expected_text("ja_dialogue");
    let steps = simulate(GateSettings::default(), 60_000, |_| {
        (d.full.clone(), text.clone())
    });
    let rec = recognitions(&steps);
    assert_eq!(rec.len(), 1, "{}", describe(&steps));
    // The first frame, then two matching ones at the fast cadence.
    assert_eq!(rec[0].t_ms, 200);
    assert_eq!(translations(&steps), [(200, text)]);
    // Fast for slow_after_ms after that, then slow: ~2 captures a second for the rest of the minute.
    let fast = steps.iter().filter(|s| s.t_ms < 3200).count();
    let slow = steps.iter().filter(|s| s.t_ms >= 3200).count();
    assert_eq!(
        fast,
        32,
        "{:?}",
        steps.iter().map(|s| s.t_ms).collect::<Vec<_>>()
    );
    assert!(
        (112..=115).contains(&slow),
        "{slow} captures in the slow part"
    );
}

/// A typewriter: how many of the box's glyphs (name plate, then each line in turn) show at `t_ms` when the
/// first appears at `start_ms` and one more every `per_glyph_ms`.
fn typed(d: &Dialogue, t_ms: u64, start_ms: u64, per_glyph_ms: u64) -> usize {
    if t_ms < start_ms {
        0
    } else {
        (((t_ms - start_ms) / per_glyph_ms) as usize + 1).min(d.glyphs.len())
    }
}

#[test]
fn typewriter_line_is_translated_once_when_finished() {
    let d = Dialogue::load("ja_dialogue", 8);
    let text = expected_text("ja_dialogue");
    let n = d.glyphs.len();
    // 20 fast frames for the whole text.
    let per_glyph = 2000 / n as u64;
    let start = 1000;
    let done = start + per_glyph * (n as u64 - 1);
    let steps = simulate(GateSettings::default(), 8000, |t| {
        let k = typed(&d, t, start, per_glyph);
        (d.showing(&d.glyphs[..k]), prefix(&text, k, n))
    });
    let rec = recognitions(&steps);
    // The empty box when auto mode starts, then the finished line.
    assert_eq!(rec.len(), 2, "{}", describe(&steps));
    assert_eq!(rec[0].text, Some(TextDecision::Empty));
    assert_eq!(translations(&steps), [(rec[1].t_ms, text)]);
    let latency = rec[1].t_ms - done;
    assert!(
        (200..=300).contains(&latency),
        "recognised {latency} ms after the last glyph\n{}",
        describe(&steps)
    );
    assert_eq!(
        rec[1].decision,
        FrameDecision::Recognize { timed_out: false }
    );
}

#[test]
fn typewriter_after_a_long_still_wakes_the_fast_cadence() {
    let d = Dialogue::load("ja_dialogue", 8);
    let text = expected_text("ja_dialogue");
    let n = d.glyphs.len();
    let per_glyph = 2000 / n as u64;
    let start = 10_000;
    let done = start + per_glyph * (n as u64 - 1);
    let steps = simulate(GateSettings::default(), 16_000, |t| {
        let k = typed(&d, t, start, per_glyph);
        (d.showing(&d.glyphs[..k]), prefix(&text, k, n))
    });
    // Slow while the box is empty, fast as soon as the typing is seen.
    let gaps: Vec<u64> = steps.windows(2).map(|w| w[1].t_ms - w[0].t_ms).collect();
    let first_change = steps.iter().position(|s| s.t_ms >= start).unwrap();
    assert!(
        gaps[first_change - 3..first_change]
            .iter()
            .all(|&g| g == 500),
        "{gaps:?}"
    );
    assert!(
        gaps[first_change..first_change + 15]
            .iter()
            .all(|&g| g == 100),
        "{gaps:?}"
    );
    let tr = translations(&steps);
    assert_eq!(tr.len(), 1, "{}", describe(&steps));
    assert_eq!(tr[0].1, text);
    assert!(tr[0].0 - done <= 300, "{}", describe(&steps));
}

#[test]
fn fade_in_is_translated_once_after_it_ends() {
    let d = Dialogue::load("ja_dialogue", 8);
    let text = expected_text("ja_dialogue");
    for (frames, label) in [(8u64, "8-frame fade"), (20, "20-frame fade")] {
        let start = 1000;
        let end = start + frames * 100;
        let steps = simulate(GateSettings::default(), 8000, |t| {
            let alpha = (t.saturating_sub(start) as f32 / (end - start) as f32).min(1.0);
            let alpha = if t < start { 0.0 } else { alpha };
            // The fake OCR reads the line once it is at least half visible.
            let read = if alpha >= 0.5 {
                text.clone()
            } else {
                String::new()
            };
            (d.faded(alpha), read)
        });
        let rec = recognitions(&steps);
        assert_eq!(rec.len(), 2, "{label}\n{}", describe(&steps));
        // Recognised on a frame showing the whole line, at most 300 ms after the fade ended.
        assert!(
            rec[1].t_ms >= end && rec[1].t_ms <= end + 300,
            "{label}: recognised at {} ms, fade ends at {end} ms\n{}",
            rec[1].t_ms,
            describe(&steps)
        );
        assert_eq!(
            translations(&steps),
            [(rec[1].t_ms, text.clone())],
            "{label}"
        );
    }
}

#[test]
fn same_line_after_a_blank_box_is_not_translated_again() {
    let d = Dialogue::load("ja_dialogue", 8);
    let text = expected_text("ja_dialogue");
    let n = d.glyphs.len();
    let steps = simulate(GateSettings::default(), 12_000, |t| match t {
        // The line, the box cleared, the same line again at once, cleared, the same line typed out again.
        0..3000 | 4000..6000 => (d.full.clone(), text.clone()),
        3000..4000 | 6000..7000 => (d.empty.clone(), String::new()),
        _ => {
            let k = typed(&d, t, 7000, 100);
            (d.showing(&d.glyphs[..k]), prefix(&text, k, n))
        }
    });
    let rec = recognitions(&steps);
    assert!(rec.len() >= 5, "{}", describe(&steps));
    assert_eq!(translations(&steps), [(200, text)], "{}", describe(&steps));
}

#[test]
fn background_noise_and_compression_jitter_are_ignored() {
    let d = Dialogue::load("ja_dialogue", 8);
    let text = expected_text("ja_dialogue");
    let mut rng = Rng(0x5eed);
    let noise = simulate(GateSettings::default(), 20_000, |_| {
        (noisy(&d.full, &mut rng, 3, 20), text.clone())
    });
    assert_eq!(recognitions(&noise).len(), 1, "{}", describe(&noise));
    let mut rng = Rng(0xbeef);
    let jitter = simulate(GateSettings::default(), 5_000, |_| {
        (jpeg(&noisy(&d.full, &mut rng, 2, 0), 75), text.clone())
    });
    assert_eq!(recognitions(&jitter).len(), 1, "{}", describe(&jitter));
}

#[test]
fn animated_background_is_recognised_after_the_longest_wait() {
    let d = Dialogue::load("ja_dialogue", 8);
    let text = expected_text("ja_dialogue");
    // Large discs swaying through the right third of the box, a cycle every 2 s: never still.
    let steps = simulate(GateSettings::default(), 10_000, |t| {
        let mut img = d.full.clone();
        for i in 0..4u64 {
            let phase = ((t + i * 300) % 2000) as f32 / 2000.0 * std::f32::consts::TAU;
            let x = 1050.0 + 150.0 * phase.sin();
            disc(&mut img, x as i32, 40 + 50 * i as i32, 36, [40, 90, 160]);
        }
        (img, text.clone())
    });
    let rec = recognitions(&steps);
    assert!(!rec.is_empty(), "{}", describe(&steps));
    assert_eq!(rec[0].t_ms, 3000, "{}", describe(&steps));
    assert_eq!(
        rec[0].decision,
        FrameDecision::Recognize { timed_out: true }
    );
    // It keeps costing an OCR every max_stable_wait_ms, but never a second request.
    assert!(rec.len() <= 4, "{}", describe(&steps));
    assert_eq!(translations(&steps).len(), 1);
}

#[test]
fn bouncing_arrow_after_the_line_is_ignored() {
    let d = Dialogue::load("ja_dialogue", 8);
    let text = expected_text("ja_dialogue");
    let n = d.glyphs.len();
    let last = *d.glyphs.last().unwrap();
    let en = fixture("en_dialogue");
    let en_text = expected_text("en_dialogue");
    let start = 1000;
    let done = start + 100 * (n as u64 - 1);
    // Typed out at a glyph per frame, for longer than max_stable_wait_ms; then an arrow bounces after the
    // last glyph, 3 px a frame; at 15 s the next line (another box entirely) replaces it.
    let steps = simulate(GateSettings::default(), 20_000, |t| {
        if t >= 15_000 {
            return (en.clone(), en_text.clone());
        }
        let k = typed(&d, t, start, 100);
        let mut img = d.showing(&d.glyphs[..k]);
        if t > done {
            let bounce = [0, 3, 6, 3][(t / 100 % 4) as usize];
            arrow(&mut img, last.x1 + 6, last.y1 - 14 + bounce, 16);
        }
        (img, prefix(&text, k, n))
    });
    let tr = translations(&steps);
    println!("typed out by {done} ms");
    assert_eq!(tr.len(), 2, "{}", describe(&steps));
    assert_eq!(
        tr[0].1,
        text,
        "typed out by {done} ms\n{}",
        describe(&steps)
    );
    assert!(done - start > GateSettings::default().max_stable_wait_ms);
    assert!(
        tr[0].0 - done <= 800,
        "line recognised {} ms after it ended\n{}",
        tr[0].0 - done,
        describe(&steps)
    );
    assert_eq!(tr[1].1, en_text);
    // While the arrow bounces (from 1 s after the line until the next one), nothing runs.
    let busy: Vec<_> = recognitions(&steps)
        .into_iter()
        .filter(|s| s.t_ms > tr[0].0 + 1000 && s.t_ms < 15_000)
        .collect();
    assert!(busy.is_empty(), "{}", describe(&steps));
}

#[test]
fn next_line_typed_over_the_last_with_a_bouncing_arrow() {
    let ja = Dialogue::load("ja_dialogue", 8);
    let en = Dialogue::load("en_dialogue", 8);
    let (ja_text, en_text) = (expected_text("ja_dialogue"), expected_text("en_dialogue"));
    let n = en.glyphs.len();
    let last = *en.glyphs.last().unwrap();
    // The Japanese line; at 3 s the box clears and the English line types out in its place over 20
    // frames (the two overlap), then an arrow bounces after it.
    let start = 3000;
    let per_glyph = 2000 / n as u64;
    let done = start + per_glyph * (n as u64 - 1);
    let steps = simulate(GateSettings::default(), 12_000, |t| {
        if t < start {
            return (ja.full.clone(), ja_text.clone());
        }
        let k = typed(&en, t, start, per_glyph);
        let mut img = en.showing_over(&ja.empty, &en.glyphs[..k]);
        if t > done {
            let bounce = [0, 3, 6, 3][(t / 100 % 4) as usize];
            arrow(&mut img, last.x1 + 6, last.y1 - 14 + bounce, 16);
        }
        (img, prefix(&en_text, k, n))
    });
    let tr = translations(&steps);
    println!("typed out by {done} ms");
    assert_eq!(tr.len(), 2, "{}", describe(&steps));
    assert_eq!((tr[0].0, &tr[0].1), (200, &ja_text));
    assert_eq!(
        tr[1].1,
        en_text,
        "typed out by {done} ms\n{}",
        describe(&steps)
    );
    assert!(
        tr[1].0 - done <= 800,
        "typed out by {done} ms\n{}",
        describe(&steps)
    );
    let later = recognitions(&steps)
        .into_iter()
        .filter(|s| s.t_ms > tr[1].0 + 1000)
        .count();
    assert_eq!(later, 0, "{}", describe(&steps));
}

#[test]
fn blinking_arrow_costs_at_most_one_extra_ocr() {
    let d = Dialogue::load("ja_dialogue", 8);
    let text = expected_text("ja_dialogue");
    let last = *d.glyphs.last().unwrap();
    // On for 500 ms, off for 500 ms: stable between blinks, so every blink looks like a new screen.
    let steps = simulate(GateSettings::default(), 20_000, |t| {
        let mut img = d.full.clone();
        if t >= 1000 && (t / 500) % 2 == 0 {
            arrow(&mut img, last.x1 + 6, last.y1 - 14, 16);
        }
        (img, text.clone())
    });
    let rec = recognitions(&steps);
    assert_eq!(translations(&steps).len(), 1, "{}", describe(&steps));
    assert!(rec.len() <= 3, "{}", describe(&steps));
}

#[test]
fn resized_capture_counts_as_a_change() {
    let d = Dialogue::load("ja_dialogue", 8);
    let text = expected_text("ja_dialogue");
    let small = image::imageops::crop_imm(&d.full, 0, 0, 1200, 240).to_image();
    let steps = simulate(GateSettings::default(), 3000, |t| {
        (
            if t < 1500 {
                d.full.clone()
            } else {
                small.clone()
            },
            text.clone(),
        )
    });
    assert_eq!(recognitions(&steps).len(), 2, "{}", describe(&steps));
}

#[test]
fn reset_starts_over() {
    let d = Dialogue::load("ja_dialogue", 8);
    let start = Instant::now();
    let mut gate = Gate::new(GateSettings::default());
    let thumb = Thumb::from_image(&d.full);
    let at = |ms: u64| start + Duration::from_millis(ms);
    for ms in [0, 100, 200] {
        gate.on_frame(at(ms), thumb.clone());
    }
    assert!(matches!(
        gate.on_text("テキスト"),
        TextDecision::Translate(_)
    ));
    assert_eq!(gate.on_frame(at(300), thumb.clone()), FrameDecision::Idle);
    assert_eq!(gate.next_delay(at(300)), Duration::from_millis(100));
    assert_eq!(gate.next_delay(at(3300)), Duration::from_millis(500));
    gate.reset();
    assert_eq!(
        gate.on_frame(at(400), thumb.clone()),
        FrameDecision::Settling
    );
    assert_eq!(gate.next_delay(at(400)), Duration::from_millis(100));
    gate.on_frame(at(500), thumb.clone());
    assert_eq!(
        gate.on_frame(at(600), thumb),
        FrameDecision::Recognize { timed_out: false }
    );
    assert!(matches!(
        gate.on_text("テキスト"),
        TextDecision::Translate(_)
    ));
}

// ---------------------------------------------------------------------------------------------------------
// Measurements behind the defaults (run with `-- --nocapture` to read them).

/// The largest cell change, in luma steps (0–255), between two frames.
fn step(a: &RgbaImage, b: &RgbaImage) -> u32 {
    (Thumb::from_image(a).diff(&Thumb::from_image(b)) * 255.0).round() as u32
}

#[test]
fn measure_thresholds() {
    let level = (GateSettings::default().image_threshold * 255.0).round() as u32;
    for (name, inset) in [("ja_dialogue", 8), ("en_small", 4)] {
        let d = Dialogue::load(name, inset);
        let (w, h) = d.full.dimensions();
        // Pixels where the text is clearly brighter than the box behind it.
        let ink = |s: &Span| {
            (s.y0..s.y1)
                .flat_map(|y| (s.x0..s.x1).map(move |x| (x, y)))
                .filter(|&(x, y)| luma(d.full.get_pixel(x, y)) > luma(d.empty.get_pixel(x, y)) + 60)
                .count()
        };
        // One more glyph over what was there: letters and CJK glyphs, and punctuation (under 20 ink pixels).
        let steps: Vec<(u32, usize)> = (0..d.glyphs.len())
            .map(|k| {
                (
                    step(&d.showing(&d.glyphs[..k]), &d.showing(&d.glyphs[..=k])),
                    ink(&d.glyphs[k]),
                )
            })
            .collect();
        let letter = steps
            .iter()
            .filter(|s| s.1 >= 20)
            .map(|s| s.0)
            .min()
            .unwrap();
        let mark = steps.iter().map(|s| s.0).min().unwrap();
        println!(
            "{name}: {} glyph groups; weakest new glyph {letter}/255, weakest including punctuation {mark}/255",
            d.glyphs.len()
        );
        // A column-by-column reveal, 20 px at a time, over the whole box.
        let reveal = |x: u32| {
            d.showing(&[Span {
                x0: 0,
                x1: x,
                y0: 0,
                y1: h,
            }])
        };
        let columns = (20..w)
            .step_by(20)
            .filter(|&x| {
                ink(&Span {
                    x0: x - 20,
                    x1: x,
                    y0: 0,
                    y1: h,
                }) > 0
            })
            .map(|x| step(&reveal(x - 20), &reveal(x)))
            .min()
            .unwrap();
        println!("{name}: weakest 20-px column step of a reveal {columns}/255");
        // Fades in 8 and 20 steps: the largest change per step, around the middle.
        for n in [8, 20] {
            let per_step = step(&d.faded(0.5), &d.faded(0.5 + 1.0 / n as f32));
            println!("{name}: a fade in {n} steps moves a window by up to {per_step}/255 per step");
        }
        // Noise and jitter against the clean frame, and frame against frame.
        let mut rng = Rng(7);
        let noise = (0..20)
            .map(|_| step(&d.full, &noisy(&d.full, &mut rng, 3, 0)))
            .max()
            .unwrap();
        let flips = (0..20)
            .map(|_| {
                step(
                    &noisy(&d.full, &mut rng, 3, 20),
                    &noisy(&d.full, &mut rng, 3, 20),
                )
            })
            .max()
            .unwrap();
        let jitter = (0..10)
            .map(|_| {
                let a = jpeg(&noisy(&d.full, &mut rng, 2, 0), 75);
                step(&a, &jpeg(&noisy(&d.full, &mut rng, 2, 0), 75))
            })
            .max()
            .unwrap();
        println!(
            "{name}: ±3 noise {noise}/255; noise and 20 flipped pixels, frame to frame {flips}/255; \
             JPEG q75 jitter {jitter}/255"
        );
        assert!(
            noise.max(flips).max(jitter) < level,
            "{name}: noise at or above the threshold"
        );
        assert!(
            letter > level && columns > level,
            "{name}: a glyph at or below the threshold"
        );
    }
    println!("threshold {level}/255");
}

#[test]
fn gate_cost() {
    // Unoptimised in `cargo test`; see the module docs of ocrlay::auto for the optimised figure.
    let d = Dialogue::load("ja_dialogue", 8);
    let mut gate = Gate::new(GateSettings::default());
    let start = Instant::now();
    for i in 0..3 {
        gate.on_frame(
            start + Duration::from_millis(i * 100),
            Thumb::from_image(&d.full),
        );
    }
    let runs = 50;
    let t = Instant::now();
    for i in 0..runs {
        let thumb = Thumb::from_rgba(d.full.width(), d.full.height(), d.full.as_raw());
        let decision = gate.on_frame(start + Duration::from_millis(300 + i * 500), thumb);
        assert_eq!(decision, FrameDecision::Idle);
    }
    println!(
        "Thumb::from_rgba + Gate::on_frame on a still 1280x240 frame: {:.3} ms (this build)",
        t.elapsed().as_secs_f64() * 1000.0 / runs as f64
    );
}
