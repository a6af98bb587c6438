//! Reading order: recognised boxes are grouped into rows (top to bottom), ordered left to right, and boxes
//! of one row that sit close together are merged into one line (the detector sometimes splits a line at a
//! wide gap, e.g. between a speaker's name and the speech).
//!
//! Vertical text (縦書き) is read in columns, right to left, each top to bottom; small punctuation the
//! detector found on its own (a 。 in the top-right of its cell) joins its column. A page that mixes both (a
//! horizontal name box over vertical dialogue) reads the horizontal lines above the columns first, then the
//! columns, then what lies below. Furigana (small readings just over a horizontal line, or just right of a
//! vertical one, spanning only part of it) are left out when asked; small text standing on its own is kept.

use super::{Point, Rect};
use serde::{Deserialize, Serialize};

/// Which way the text runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TextDirection {
    /// Each box says: a tall box of two or more characters is a vertical column.
    #[default]
    Auto,
    /// Rows only, left to right (the layout before vertical text was known).
    Horizontal,
    /// Columns only, right to left.
    Vertical,
}

impl TextDirection {
    /// The setting's name (`auto`, `horizontal`, `vertical`).
    pub fn name(self) -> &'static str {
        match self {
            TextDirection::Auto => "auto",
            TextDirection::Horizontal => "horizontal",
            TextDirection::Vertical => "vertical",
        }
    }

    /// The direction a setting's name says.
    pub fn from_name(name: &str) -> Option<TextDirection> {
        match name {
            "auto" => Some(TextDirection::Auto),
            "horizontal" => Some(TextDirection::Horizontal),
            "vertical" => Some(TextDirection::Vertical),
            _ => None,
        }
    }
}

/// How rows are formed and when neighbours merge.
#[derive(Debug, Clone, PartialEq)]
pub struct LayoutParams {
    /// Two boxes are on the same row when their vertical overlap is at least this fraction of the
    /// shorter box's height (0..1).
    pub same_row_overlap: f32,
    /// Neighbours on a row merge into one line when the gap between them is at most this many times the
    /// row's height.
    pub merge_gap: f32,
    /// Neighbours merge only when the taller is at most this many times the height of the shorter
    /// (a title next to body text, or a stray box, stays apart).
    pub max_height_ratio: f32,
}

impl Default for LayoutParams {
    fn default() -> Self {
        LayoutParams {
            same_row_overlap: 0.5,
            merge_gap: 1.5,
            max_height_ratio: 2.0,
        }
    }
}

/// A recognised box, before ordering.
#[derive(Debug, Clone, PartialEq)]
pub struct Fragment {
    /// Corners top-left, top-right, bottom-right, bottom-left in image pixels.
    pub quad: [Point; 4],
    /// Recognised text.
    pub text: String,
    /// Confidence of the text (0..1).
    pub confidence: f32,
}

impl Fragment {
    /// The axis-aligned bounding box.
    pub fn rect(&self) -> Rect {
        Rect::bounding(&self.quad)
    }
}

/// A column being built: left, right, members.
type Column = (f32, f32, Vec<(Rect, Fragment)>);

/// A row being built: top, bottom, members.
type Row = (f32, f32, Vec<(Rect, Fragment)>);

/// Orders `fragments` for reading (rows only: see [`reading_order_with`]).
pub fn reading_order(fragments: Vec<Fragment>, params: &LayoutParams) -> Vec<Vec<Fragment>> {
    rows(
        fragments.into_iter().map(|f| (f.rect(), f)).collect(),
        params,
    )
}

/// Orders `fragments` for reading in `direction`, leaving furigana out when `drop_furigana`: returns the
/// output lines in reading order, each a run of fragments that belong together.
pub fn reading_order_with(
    fragments: Vec<Fragment>,
    params: &LayoutParams,
    direction: TextDirection,
    drop_furigana: bool,
) -> Vec<Vec<Fragment>> {
    let mut frags: Vec<(Rect, Fragment)> = fragments.into_iter().map(|f| (f.rect(), f)).collect();
    if drop_furigana {
        frags = without_furigana(frags);
    }
    let (mut vertical, mut horizontal): (Vec<_>, Vec<_>) = frags
        .into_iter()
        .partition(|(r, f)| is_column(r, f, direction));
    if vertical.is_empty() {
        return rows(horizontal, params);
    }
    // On a page with columns, a tall box read as one character is a column the recogniser misread.
    if direction == TextDirection::Auto {
        let (tall, rest): (Vec<_>, Vec<_>) = horizontal
            .into_iter()
            .partition(|(r, _)| r.height >= 1.5 * r.width);
        vertical.extend(tall);
        horizontal = rest;
    }
    // Small boxes at a column (punctuation the detector found on its own) belong to it.
    let width = median(vertical.iter().map(|(r, _)| r.width));
    let (attached, rest): (Vec<_>, Vec<_>) = horizontal.into_iter().partition(|(r, _)| {
        r.width.max(r.height) <= 1.2 * width
            && vertical.iter().any(|(c, _)| {
                // Over the column, or just right of it (a 。 in the top-right corner of its cell).
                let overlap = c.right().min(r.right()) - c.x.max(r.x);
                overlap >= -0.3 * width && r.y >= c.y - width && r.y <= c.bottom() + 0.8 * width
            })
    });
    horizontal = rest;
    vertical.extend(attached.into_iter().map(|(r, mut f)| {
        f.text = column_punctuation(&f.text);
        (r, f)
    }));
    let top = vertical.iter().map(|(r, _)| r.y).fold(f32::MAX, f32::min);
    let mut lines: Vec<(f32, Vec<Fragment>)> = rows_with_centres(horizontal, params);
    let at = lines
        .iter()
        .position(|(y, _)| *y > top)
        .unwrap_or(lines.len());
    let columns = columns(vertical, params);
    lines.splice(at..at, columns.into_iter().map(|c| (top, c)));
    lines.into_iter().map(|(_, l)| l).collect()
}

/// Whether a box is a vertical column of text.
fn is_column(r: &Rect, f: &Fragment, direction: TextDirection) -> bool {
    // Said vertical, every box is part of a column (small ones are marks in a column's cells).
    match direction {
        TextDirection::Horizontal => false,
        TextDirection::Vertical => true,
        TextDirection::Auto => r.height >= 1.5 * r.width && f.text.chars().count() >= 2,
    }
}

/// A lone mark beside a column, as the recogniser reads it turned: 。 comes out as a letter O or a zero, 、 as
/// a comma or a quote.
fn column_punctuation(text: &str) -> String {
    match text.trim() {
        "O" | "o" | "0" | "〇" | "°" | "゜" | "○" => "。".into(),
        "," | "，" | "`" | "'" | "丶" | "ヽ" => "、".into(),
        t => t.to_string(),
    }
}

fn is_kana(c: char) -> bool {
    matches!(c, '\u{3041}'..='\u{309F}' | '\u{30A0}'..='\u{30FF}')
}

fn median(values: impl Iterator<Item = f32>) -> f32 {
    let mut v: Vec<f32> = values.collect();
    v.sort_by(f32::total_cmp);
    v.get(v.len() / 2).copied().unwrap_or(1.0).max(1.0)
}

/// Vertical boxes grouped into columns, right to left; in a column, top to bottom, parts close together
/// joined into one line.
fn columns(frags: Vec<(Rect, Fragment)>, params: &LayoutParams) -> Vec<Vec<Fragment>> {
    // A column: left, right, members.
    let mut cols: Vec<Column> = Vec::new();
    let width = median(frags.iter().map(|(r, _)| r.width));
    let (marks, mut text): (Vec<_>, Vec<_>) = frags
        .into_iter()
        .partition(|(r, _)| r.width.max(r.height) <= 1.2 * width && r.height < 1.5 * r.width);
    // Widest first, so a column's extent comes from its text, not from a stray mark.
    text.sort_by(|a, b| b.0.width.total_cmp(&a.0.width));
    for (rect, frag) in text {
        // Boxes come out of the detector widened (thick outlines widen them more), so neighbouring columns'
        // boxes overlap: a box is in a column when its centre is near the column's.
        let col = cols.iter_mut().find(|(left, right, _)| {
            let apart = ((left + right) / 2.0 - (rect.x + rect.width / 2.0)).abs();
            apart <= 0.5 * (right - left).min(rect.width).max(1.0)
        });
        match col {
            Some(col) => col.2.push((rect, frag)),
            None => cols.push((rect.x, rect.right(), vec![(rect, frag)])),
        }
    }
    // A mark (a 。 in the top-right of its cell) goes to the column it overlaps most.
    for (rect, mut frag) in marks {
        frag.text = column_punctuation(&frag.text);
        let best = cols
            .iter_mut()
            .map(|c| {
                let overlap = c.1.min(rect.right()) - c.0.max(rect.x);
                (overlap, c)
            })
            .filter(|(overlap, _)| *overlap >= -0.3 * width)
            .max_by(|a, b| a.0.total_cmp(&b.0));
        match best {
            Some((_, col)) => col.2.push((rect, frag)),
            None => cols.push((rect.x, rect.right(), vec![(rect, frag)])),
        }
    }
    cols.sort_by(|a, b| (b.0 + b.1).total_cmp(&(a.0 + a.1)));
    let mut lines = Vec::new();
    for (left, right, mut members) in cols {
        let width = (right - left).max(1.0);
        members.sort_by(|a, b| a.0.y.total_cmp(&b.0.y));
        let mut current: Vec<Fragment> = Vec::new();
        let mut bottom = f32::MIN;
        for (rect, frag) in members {
            if !current.is_empty() && rect.y - bottom > params.merge_gap * width {
                lines.push(std::mem::take(&mut current));
            }
            bottom = bottom.max(rect.bottom());
            current.push(frag);
        }
        if !current.is_empty() {
            lines.push(current);
        }
    }
    lines
}

/// Leaves out furigana: a box of small text just over a horizontal line (or just right of a vertical one)
/// that spans only part of it. Small text with room around it (a caption) stays.
fn without_furigana(frags: Vec<(Rect, Fragment)>) -> Vec<(Rect, Fragment)> {
    let ruby: Vec<bool> = frags
        .iter()
        .map(|(f, text)| {
            // Readings are kana; a mark beside a column (a 。 in its cell's corner) is not one.
            text.text.chars().any(is_kana)
                && frags.iter().any(|(b, _)| {
                    if b.width >= b.height {
                        // Over a horizontal line.
                        let gap = b.y - f.bottom();
                        f.height <= 0.6 * b.height
                            && f.width <= 0.8 * b.width
                            && f.x >= b.x - 0.2 * b.height
                            && f.right() <= b.right() + 0.2 * b.height
                            && gap >= -0.6 * f.height
                            && gap <= 0.35 * b.height
                    } else {
                        // Right of a vertical column.
                        let gap = f.x - b.right();
                        f.width <= 0.6 * b.width
                            && f.height <= 0.8 * b.height
                            && f.y >= b.y - 0.2 * b.width
                            && f.bottom() <= b.bottom() + 0.2 * b.width
                            && gap >= -0.6 * f.width
                            && gap <= 0.35 * b.width
                    }
                })
        })
        .collect();
    frags
        .into_iter()
        .zip(ruby)
        .filter(|(_, r)| !r)
        .map(|(f, _)| f)
        .collect()
}

/// Rows top to bottom (see the module's doc).
fn rows(frags: Vec<(Rect, Fragment)>, params: &LayoutParams) -> Vec<Vec<Fragment>> {
    rows_with_centres(frags, params)
        .into_iter()
        .map(|(_, l)| l)
        .collect()
}

/// Rows top to bottom, each line with its row's vertical centre.
fn rows_with_centres(
    mut frags: Vec<(Rect, Fragment)>,
    params: &LayoutParams,
) -> Vec<(f32, Vec<Fragment>)> {
    frags.sort_by(|a, b| (a.0.y + a.0.height / 2.0).total_cmp(&(b.0.y + b.0.height / 2.0)));
    let mut rows: Vec<Row> = Vec::new();
    for (rect, frag) in frags {
        let row = rows.iter_mut().find(|(top, bottom, _)| {
            let overlap = bottom.min(rect.bottom()) - top.max(rect.y);
            let shorter = (bottom - top).min(rect.height).max(1.0);
            overlap >= params.same_row_overlap * shorter
        });
        match row {
            Some(row) => {
                row.0 = row.0.min(rect.y);
                row.1 = row.1.max(rect.bottom());
                row.2.push((rect, frag));
            }
            None => rows.push((rect.y, rect.bottom(), vec![(rect, frag)])),
        }
    }
    rows.sort_by(|a, b| ((a.0 + a.1) / 2.0).total_cmp(&((b.0 + b.1) / 2.0)));
    let mut lines = Vec::new();
    for (top, bottom, mut members) in rows {
        let centre = (top + bottom) / 2.0;
        members.sort_by(|a, b| a.0.x.total_cmp(&b.0.x));
        let mut current: Vec<Fragment> = Vec::new();
        let mut current_right = f32::MIN;
        let mut current_height = 0.0f32;
        for (rect, frag) in members {
            let gap = rect.x - current_right;
            let height = current_height.max(rect.height);
            let similar = rect.height.max(current_height)
                <= params.max_height_ratio * rect.height.min(current_height).max(1.0);
            if !current.is_empty() && (gap > params.merge_gap * height || !similar) {
                lines.push((centre, std::mem::take(&mut current)));
                current_height = 0.0;
            }
            current_right = current_right.max(rect.right());
            if current.is_empty() {
                current_right = rect.right();
            }
            current_height = current_height.max(rect.height);
            current.push(frag);
        }
        if !current.is_empty() {
            lines.push((centre, current));
        }
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frag(text: &str, x: f32, y: f32, w: f32, h: f32) -> Fragment {
        Fragment {
            quad: [
                Point { x, y },
                Point { x: x + w, y },
                Point { x: x + w, y: y + h },
                Point { x, y: y + h },
            ],
            text: text.to_string(),
            confidence: 0.9,
        }
    }

    fn texts(lines: &[Vec<Fragment>]) -> Vec<Vec<&str>> {
        lines
            .iter()
            .map(|l| l.iter().map(|f| f.text.as_str()).collect())
            .collect()
    }

    #[test]
    fn rows_top_to_bottom_then_left_to_right() {
        let lines = reading_order(
            vec![
                frag("second", 10.0, 60.0, 100.0, 20.0),
                frag("b", 130.0, 12.0, 40.0, 20.0),
                frag("a", 10.0, 10.0, 100.0, 20.0),
            ],
            &LayoutParams::default(),
        );
        assert_eq!(texts(&lines), vec![vec!["a", "b"], vec!["second"]]);
    }

    #[test]
    fn far_apart_boxes_on_a_row_stay_separate_lines() {
        let lines = reading_order(
            vec![
                frag("right", 500.0, 10.0, 50.0, 20.0),
                frag("left", 10.0, 10.0, 50.0, 20.0),
            ],
            &LayoutParams::default(),
        );
        assert_eq!(texts(&lines), vec![vec!["left"], vec!["right"]]);
    }

    #[test]
    fn slightly_skewed_lines_keep_their_order() {
        // Two lines of a slightly tilted capture: the right end of line 1 is lower than the left end of
        // line 2's top, but the overlap test still separates them.
        let lines = reading_order(
            vec![
                frag("line2", 10.0, 42.0, 300.0, 24.0),
                frag("line1", 10.0, 10.0, 300.0, 26.0),
            ],
            &LayoutParams::default(),
        );
        assert_eq!(texts(&lines), vec![vec!["line1"], vec!["line2"]]);
    }

    #[test]
    fn boxes_of_very_different_height_do_not_merge() {
        let lines = reading_order(
            vec![
                frag("text", 20.0, 40.0, 300.0, 40.0),
                frag("stray", 0.0, 20.0, 10.0, 100.0),
            ],
            &LayoutParams::default(),
        );
        assert_eq!(texts(&lines), vec![vec!["stray"], vec!["text"]]);
    }

    #[test]
    fn empty_input() {
        assert!(reading_order(vec![], &LayoutParams::default()).is_empty());
    }

    fn order(frags: Vec<Fragment>, direction: TextDirection, ruby: bool) -> Vec<Vec<String>> {
        reading_order_with(frags, &LayoutParams::default(), direction, ruby)
            .iter()
            .map(|l| l.iter().map(|f| f.text.clone()).collect())
            .collect()
    }

    #[test]
    fn columns_read_right_to_left_with_their_marks() {
        let frags = vec![
            frag("うなずいた", 50.0, 30.0, 50.0, 190.0),
            frag("彼女は静かに", 110.0, 30.0, 48.0, 220.0),
            frag("約束の場所だ", 165.0, 30.0, 52.0, 225.0),
            // A 。 in the top-right corner of the cell after だ, read turned.
            frag("O", 212.0, 250.0, 12.0, 12.0),
        ];
        assert_eq!(
            order(frags.clone(), TextDirection::Auto, true),
            vec![
                vec!["約束の場所だ", "。"],
                vec!["彼女は静かに"],
                vec!["うなずいた"]
            ]
        );
        // Said horizontal: the old reading, left to right.
        assert_eq!(
            order(frags, TextDirection::Horizontal, true)[0][0],
            "うなずいた"
        );
    }

    #[test]
    fn a_name_box_over_columns_comes_first() {
        let frags = vec![
            frag("行くのか？", 60.0, 100.0, 48.0, 180.0),
            frag("……本当に", 120.0, 100.0, 48.0, 180.0),
            frag("【アリス】", 30.0, 20.0, 150.0, 36.0),
        ];
        assert_eq!(
            order(frags, TextDirection::Auto, true),
            vec![vec!["【アリス】"], vec!["……本当に"], vec!["行くのか？"]]
        );
    }

    #[test]
    fn furigana_go_but_a_caption_with_room_stays() {
        let frags = vec![
            frag("魔王を倒すために旅に出た。", 40.0, 60.0, 470.0, 40.0),
            frag("まおう", 48.0, 42.0, 50.0, 17.0),
            frag("たび", 300.0, 42.0, 30.0, 17.0),
            // Small, but with a line's height of room below it: a caption.
            frag("第三章", 40.0, 0.0, 60.0, 17.0),
        ];
        assert_eq!(
            order(frags.clone(), TextDirection::Auto, true),
            vec![vec!["第三章"], vec!["魔王を倒すために旅に出た。"]]
        );
        // Kept when asked.
        assert_eq!(order(frags, TextDirection::Auto, false).len(), 4);
        // Right of a column.
        let frags = vec![
            frag("勇者は剣を抜いた", 140.0, 40.0, 55.0, 300.0),
            frag("ゆうしゃ", 187.0, 48.0, 24.0, 70.0),
            frag("。", 190.0, 320.0, 13.0, 13.0),
        ];
        assert_eq!(
            order(frags, TextDirection::Auto, true),
            vec![vec!["勇者は剣を抜いた", "。"]]
        );
    }
}
