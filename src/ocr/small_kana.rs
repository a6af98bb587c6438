//! Small kana told from full-size ones by where their ink sits in the line.
//!
//! The recogniser reads a small ぁ after a kana that ends in the same vowel (なぁ, わぁ, すごぉい) as あ: scaled to
//! its 48 px input, a small kana is the same shape as the full-size one. What tells them apart on the screen is
//! their place in the line: a small kana is drawn at about three quarters of the size, on the same baseline, so
//! its ink starts well below the top of the line's full-size characters. This pass measures that on the line
//! crop: the columns of each character come from where the CTC decoder emitted it; the line's top and bottom are
//! the medians of its ideographs and of kana whose ink reaches the top of the em; a character that has a small
//! form becomes it when its ink starts lower than halfway between where the full-size and the small glyph start.
//!
//! Those two heights come from Noto Sans and Serif CJK JP, regular and bold (ink top, relative to the ideographs'
//! ink top and height, averaged over the four faces): the two forms are 0.17–0.24 of the line's height apart
//! in every face; the midpoint leaves about 0.09 either side. Lines with fewer than two reference characters are
//! left as read (a row of small kana alone has nothing to be small beside), and so are turned (vertical) crops.

use image::RgbImage;

/// Full-size kana with a small form: (full, small, ink top of the full-size glyph, of the small glyph), tops
/// relative to the line (0 = the ideographs' ink top, 1 = their ink bottom).
const PAIRS: [(char, char, f32, f32); 22] = [
    ('あ', 'ぁ', 0.04, 0.23),
    ('い', 'ぃ', 0.15, 0.33),
    ('う', 'ぅ', 0.04, 0.25),
    ('え', 'ぇ', 0.04, 0.23),
    ('お', 'ぉ', 0.05, 0.26),
    ('つ', 'っ', 0.21, 0.39),
    ('や', 'ゃ', 0.04, 0.25),
    ('ゆ', 'ゅ', 0.06, 0.28),
    ('よ', 'ょ', 0.07, 0.27),
    ('わ', 'ゎ', 0.04, 0.24),
    ('ア', 'ァ', 0.12, 0.32),
    ('イ', 'ィ', 0.07, 0.26),
    ('ウ', 'ゥ', 0.04, 0.25),
    ('エ', 'ェ', 0.20, 0.38),
    ('オ', 'ォ', 0.06, 0.26),
    ('ツ', 'ッ', 0.12, 0.32),
    ('ヤ', 'ャ', 0.06, 0.27),
    ('ユ', 'ュ', 0.19, 0.38),
    ('ヨ', 'ョ', 0.16, 0.34),
    ('ワ', 'ヮ', 0.14, 0.34),
    ('カ', 'ヵ', 0.06, 0.27),
    ('ケ', 'ヶ', 0.05, 0.26),
];

/// Kana whose ink reaches the top of the em in common faces, like an ideograph's: references for the line's
/// top and bottom besides the ideographs.
const TALL_KANA: &str = "かきくけさしすせたちてとなにぬねのはひふほまみむめもらりるれろをきがぎぐげござじずぜぞだぢづでどばびぶべぼぱぴぷぺぽクサシスセタチテトナヌネノハヒフホマミムメモラリルレロヲンガギグゲゴザジズゼゾダヂヅデドバビブベボパピプペポ";

/// The part of a character's cell (its pitch, centred where the decoder emitted it) whose ink is measured.
const CELL_MIDDLE: f32 = 0.3;

/// A line this short (ink height in crop pixels) is too coarse to measure.
const MIN_LINE_HEIGHT: f32 = 12.0;

fn is_ideograph(c: char) -> bool {
    matches!(c, '\u{4E00}'..='\u{9FFF}' | '\u{3400}'..='\u{4DBF}' | '\u{F900}'..='\u{FAFF}')
}

fn median(v: &mut [f32]) -> f32 {
    v.sort_by(f32::total_cmp);
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

/// The ink of a crop: how far each pixel's luminance is from the background's (the median of the top and
/// bottom rows, which the box's growth leaves clear of text), and the level above which a pixel is ink.
struct Ink {
    width: usize,
    height: usize,
    contrast: Vec<f32>,
    level: f32,
}

impl Ink {
    fn of(crop: &RgbImage) -> Option<Ink> {
        let (width, height) = (crop.width() as usize, crop.height() as usize);
        if width == 0 || height < 4 {
            return None;
        }
        let lum: Vec<f32> = crop
            .pixels()
            .map(|p| 0.299 * p[0] as f32 + 0.587 * p[1] as f32 + 0.114 * p[2] as f32)
            .collect();
        let mut border: Vec<f32> = lum[..width]
            .iter()
            .chain(&lum[(height - 1) * width..])
            .copied()
            .collect();
        let bg = median(&mut border);
        let contrast: Vec<f32> = lum.iter().map(|l| (l - bg).abs()).collect();
        let mut sorted = contrast.clone();
        let k = (sorted.len() * 99 / 100).min(sorted.len() - 1);
        let (_, &mut strong, _) = sorted.select_nth_unstable_by(k, f32::total_cmp);
        if strong < 40.0 {
            return None;
        }
        Some(Ink {
            width,
            height,
            contrast,
            level: (0.4 * strong).max(30.0),
        })
    }

    /// First and last rows with ink between columns `x0..x1`, or `None` when there is none.
    fn rows(&self, x0: usize, x1: usize) -> Option<(f32, f32)> {
        let (x0, x1) = (x0.min(self.width), x1.min(self.width));
        if x1 <= x0 {
            return None;
        }
        // One stray pixel (noise, a neighbour's serif) does not make a row of ink.
        let need = ((x1 - x0) / 10).max(2);
        let inked = |y: usize| {
            self.contrast[y * self.width + x0..y * self.width + x1]
                .iter()
                .filter(|&&c| c > self.level)
                .count()
                >= need
        };
        let top = (0..self.height).find(|&y| inked(y))?;
        let bottom = (0..self.height).rev().find(|&y| inked(y))?;
        Some((top as f32, bottom as f32 + 1.0))
    }
}

/// `text` as read from `crop` (its characters, each with the columns of the crop the decoder emitted it at),
/// with full-size kana set low in the line turned into their small forms.
pub fn restore(crop: &RgbImage, text: &str, spans: &[(f32, f32)]) -> Option<String> {
    let chars: Vec<char> = text.chars().collect();
    if chars.len() != spans.len() || chars.len() < 3 {
        return None;
    }
    if !chars.iter().any(|c| PAIRS.iter().any(|p| p.0 == *c)) {
        return None;
    }
    let ink = Ink::of(crop)?;
    // Each character's columns, around where the decoder emitted it, a pitch (the median distance between
    // neighbours) apart.
    let centers: Vec<f32> = spans.iter().map(|(a, b)| (a + b) / 2.0).collect();
    let mut pitches: Vec<f32> = centers.windows(2).map(|w| w[1] - w[0]).collect();
    let pitch = median(&mut pitches).max(1.0);
    // The middle of its cell only: a neighbour's dakuten or a long stroke reaching over the cell's edge
    // would set its top too high.
    let columns = |i: usize| {
        let half = CELL_MIDDLE * pitch;
        let (left, right) = (centers[i] - half, centers[i] + half);
        (
            left.max(0.0).round() as usize,
            right.max(0.0).round() as usize,
        )
    };
    let rows: Vec<Option<(f32, f32)>> = (0..chars.len())
        .map(|i| {
            let (x0, x1) = columns(i);
            ink.rows(x0, x1)
        })
        .collect();
    let (mut tops, mut bottoms) = (Vec::new(), Vec::new());
    for (c, r) in chars.iter().zip(&rows) {
        if let (true, Some((t, b))) = (is_ideograph(*c) || TALL_KANA.contains(*c), r) {
            tops.push(*t);
            bottoms.push(*b);
        }
    }
    if tops.len() < 2 {
        return None;
    }
    let (top, bottom) = (median(&mut tops), median(&mut bottoms));
    let height = bottom - top;
    if height < MIN_LINE_HEIGHT {
        return None;
    }
    let mut changed = false;
    let out: String = chars
        .iter()
        .zip(&rows)
        .map(|(&c, r)| {
            let (Some(&(_, small, full_top, small_top)), Some((t, _))) =
                (PAIRS.iter().find(|p| p.0 == c), r)
            else {
                return c;
            };
            if (t - top) / height > (full_top + small_top) / 2.0 {
                changed = true;
                small
            } else {
                c
            }
        })
        .collect();
    changed.then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::Rgb;

    /// A crop with dark blocks standing for glyphs: (x0, x1, top, bottom) each, on a light background.
    fn crop(blocks: &[(u32, u32, u32, u32)]) -> RgbImage {
        RgbImage::from_fn(400, 48, |x, y| {
            let ink = blocks
                .iter()
                .any(|&(x0, x1, t, b)| (x0..x1).contains(&x) && (t..b).contains(&y));
            if ink {
                Rgb([20, 20, 30])
            } else {
                Rgb([235, 225, 200])
            }
        })
    }

    /// Characters 40 px apart, each with its span 8 px wide in the middle of its cell.
    fn spans(n: usize) -> Vec<(f32, f32)> {
        (0..n)
            .map(|i| (i as f32 * 40.0 + 16.0, i as f32 * 40.0 + 24.0))
            .collect()
    }

    #[test]
    fn a_kana_set_low_becomes_small_and_a_full_one_stays() {
        // 行く な あ あ: ideographs and tall kana from row 8 to 40; the first あ as tall, the second starting
        // at row 16 (a quarter of the line down), as a small ぁ is drawn.
        let blocks = [
            (4, 36, 8, 40),
            (44, 76, 8, 40),
            (84, 116, 9, 40),
            (124, 156, 9, 40),
            (164, 190, 16, 40),
        ];
        let img = crop(&blocks);
        let got = restore(&img, "行くなああ", &spans(5));
        assert_eq!(got.as_deref(), Some("行くなあぁ"));
        // The same line with every あ full-size: nothing changes.
        let mut tall = blocks;
        tall[4].2 = 9;
        assert_eq!(restore(&crop(&tall), "行くなああ", &spans(5)), None);
    }

    #[test]
    fn lines_it_cannot_judge_are_left_as_read() {
        // Small kana alone: no reference characters.
        let low = [(4, 36, 16, 40), (44, 76, 16, 40), (84, 116, 16, 40)];
        assert_eq!(restore(&crop(&low), "あいう", &spans(3)), None);
        // Spans that do not match the text, and a blank crop.
        assert_eq!(restore(&crop(&low), "行く行くあ", &spans(3)), None);
        assert_eq!(restore(&crop(&[]), "行く行あ", &spans(4)), None);
        // Nothing with a small form.
        let tall = [(4, 36, 8, 40), (44, 76, 8, 40), (84, 116, 8, 40)];
        assert_eq!(restore(&crop(&tall), "行く本", &spans(3)), None);
    }
}
