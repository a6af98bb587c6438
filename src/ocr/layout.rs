//! Reading order: recognised boxes are grouped into rows (top to bottom), ordered left to right, and boxes
//! of one row that sit close together are merged into one line (the detector sometimes splits a line at a
//! wide gap, e.g. between a speaker's name and the speech).

use super::{Point, Rect};

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

/// A row being built: top, bottom, members.
type Row = (f32, f32, Vec<(Rect, Fragment)>);

/// Orders `fragments` for reading: returns output lines top to bottom, each a left-to-right run of
/// fragments that belong together.
pub fn reading_order(fragments: Vec<Fragment>, params: &LayoutParams) -> Vec<Vec<Fragment>> {
    let mut frags: Vec<(Rect, Fragment)> = fragments.into_iter().map(|f| (f.rect(), f)).collect();
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
    for (_, _, mut members) in rows {
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
                lines.push(std::mem::take(&mut current));
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
            lines.push(current);
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
}
