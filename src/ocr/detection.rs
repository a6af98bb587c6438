//! Text detection: the DB (differentiable binarization) model's probability map becomes rotated line boxes.
//!
//! Post-processing follows PaddleOCR's `DBPostProcess`: threshold the map, trace the outer contours of the
//! text regions, fit a minimum-area rotated rectangle to each, drop boxes whose mean probability is low,
//! and grow ("unclip") each box by `area × ratio / perimeter` because the model predicts shrunk regions.

use image::RgbImage;
use rten_imageproc::{convex_hull, find_contours, PointF, RetrievalMode, RotatedRect, Vec2};
use rten_tensor::prelude::*;
use rten_tensor::{NdTensor, NdTensorView};

use super::models::InferenceModel;
use super::preprocess::{prepare_detection, DetectionInputParams};
use super::OcrError;

/// Thresholds of the DB post-process.
#[derive(Debug, Clone, PartialEq)]
pub struct DbParams {
    /// A map pixel is text when its probability exceeds this (0..1).
    pub thresh: f32,
    /// A box is kept when the mean probability inside it exceeds this (0..1).
    pub box_thresh: f32,
    /// How much boxes are grown: distance = area × ratio / perimeter.
    pub unclip_ratio: f32,
    /// Boxes whose shorter side is below this (map pixels) are dropped.
    pub min_size: f32,
    /// At most this many regions are considered.
    pub max_candidates: usize,
}

impl Default for DbParams {
    fn default() -> Self {
        DbParams {
            thresh: 0.3,
            box_thresh: 0.5,
            unclip_ratio: 1.6,
            min_size: 3.0,
            max_candidates: 1000,
        }
    }
}

/// Everything that tunes detection.
#[derive(Debug, Clone, PartialEq)]
pub struct DetectionParams {
    /// Scaling and padding of the input.
    pub input: DetectionInputParams,
    /// Post-processing thresholds.
    pub db: DbParams,
    /// Boxes whose shorter side is below this many image pixels are dropped. Text that thin cannot be
    /// read, and on game captures such boxes are window borders and rounded corners at the edges.
    pub min_box_side: f32,
}

impl Default for DetectionParams {
    fn default() -> Self {
        DetectionParams {
            input: DetectionInputParams::default(),
            db: DbParams::default(),
            min_box_side: 10.0,
        }
    }
}

/// A detected text line: a rotated rectangle in image pixels.
#[derive(Debug, Clone, PartialEq)]
pub struct TextBox {
    /// Corners in the order top-left, top-right, bottom-right, bottom-left, as (x, y).
    pub corners: [(f32, f32); 4],
    /// Mean text probability inside the box (before growing).
    pub score: f32,
}

impl TextBox {
    /// Length of the top edge (along the text).
    pub fn width(&self) -> f32 {
        dist(self.corners[0], self.corners[1])
    }

    /// Length of the left edge (across the text).
    pub fn height(&self) -> f32 {
        dist(self.corners[0], self.corners[3])
    }
}

fn dist(a: (f32, f32), b: (f32, f32)) -> f32 {
    ((a.0 - b.0).powi(2) + (a.1 - b.1).powi(2)).sqrt()
}

/// Orders four corners as top-left, top-right, bottom-right, bottom-left (PaddleOCR's `get_mini_boxes`):
/// the two leftmost points are the left side, each side ordered by y.
pub fn order_corners(points: [PointF; 4]) -> [(f32, f32); 4] {
    let mut p: Vec<(f32, f32)> = points.iter().map(|p| (p.x, p.y)).collect();
    p.sort_by(|a, b| a.0.total_cmp(&b.0));
    let (tl, bl) = if p[0].1 <= p[1].1 {
        (p[0], p[1])
    } else {
        (p[1], p[0])
    };
    let (tr, br) = if p[2].1 <= p[3].1 {
        (p[2], p[3])
    } else {
        (p[3], p[2])
    };
    [tl, tr, br, bl]
}

/// The minimum-area rotated rectangle holding `points` (rotating calipers over the convex hull).
///
/// rten-imageproc 0.26 has `min_area_rect`, but it assumes one hull orientation and, for some long
/// text-line contours, returns a rectangle one or two pixels thick; this version measures both sides of
/// every edge, so orientation does not matter.
pub fn min_area_rect(points: &[PointF]) -> Option<RotatedRect> {
    let hull = convex_hull(points);
    let first = *hull.first()?;
    if hull.len() < 3 {
        let (mut x0, mut y0, mut x1, mut y1) = (first.x, first.y, first.x, first.y);
        for p in &hull {
            x0 = x0.min(p.x);
            y0 = y0.min(p.y);
            x1 = x1.max(p.x);
            y1 = y1.max(p.y);
        }
        let center = PointF::from_yx((y0 + y1) / 2.0, (x0 + x1) / 2.0);
        return Some(RotatedRect::new(
            center,
            Vec2::from_yx(-1.0, 0.0),
            x1 - x0,
            y1 - y0,
        ));
    }
    let mut best: Option<(f32, RotatedRect)> = None;
    for (i, &start) in hull.iter().enumerate() {
        let end = hull[(i + 1) % hull.len()];
        let edge = start.vec_to(end);
        if edge.length() == 0.0 {
            continue;
        }
        let par = edge.normalized();
        let perp = par.perpendicular();
        let (mut min_a, mut max_a, mut min_b, mut max_b) = (f32::MAX, f32::MIN, f32::MAX, f32::MIN);
        for p in &hull {
            let d = start.vec_to(*p);
            let a = par.dot(d);
            let b = perp.dot(d);
            min_a = min_a.min(a);
            max_a = max_a.max(a);
            min_b = min_b.min(b);
            max_b = max_b.max(b);
        }
        let (width, height) = (max_a - min_a, max_b - min_b);
        let area = width * height;
        if best.as_ref().is_none_or(|(a, _)| area < *a) {
            let c = Vec2::from_yx(start.y, start.x)
                + par * ((min_a + max_a) / 2.0)
                + perp * ((min_b + max_b) / 2.0);
            let rect = RotatedRect::new(PointF::from_yx(c.y, c.x), perp, width, height);
            best = Some((area, rect));
        }
    }
    best.map(|(_, r)| r)
}

/// Mean of `prob` over the pixels inside `rect`.
fn box_score(prob: NdTensorView<f32, 2>, rect: &RotatedRect) -> f32 {
    let [h, w] = prob.shape();
    let corners = rect.corners();
    let (mut x0, mut y0, mut x1, mut y1) = (f32::MAX, f32::MAX, f32::MIN, f32::MIN);
    for c in corners {
        x0 = x0.min(c.x);
        y0 = y0.min(c.y);
        x1 = x1.max(c.x);
        y1 = y1.max(c.y);
    }
    let xs = (x0.floor().max(0.0) as usize)..=(x1.ceil().max(0.0) as usize).min(w - 1);
    let ys = (y0.floor().max(0.0) as usize)..=(y1.ceil().max(0.0) as usize).min(h - 1);
    let (mut sum, mut n) = (0.0f32, 0u32);
    for y in ys {
        for x in xs.clone() {
            if rect.contains(PointF::from_yx(y as f32, x as f32)) {
                sum += prob[[y, x]];
                n += 1;
            }
        }
    }
    if n == 0 {
        0.0
    } else {
        sum / n as f32
    }
}

/// Runs the DB post-process on a probability map `[H, W]`; boxes are in map pixels.
pub fn db_postprocess(prob: NdTensorView<f32, 2>, params: &DbParams) -> Vec<TextBox> {
    let mask = prob.map(|p| *p > params.thresh);
    let contours = find_contours(mask.view(), RetrievalMode::External);
    let mut boxes = Vec::new();
    for contour in contours.iter().take(params.max_candidates) {
        let points: Vec<PointF> = contour.iter().map(|p| p.to_f32()).collect();
        let Some(rect) = min_area_rect(&points) else {
            continue;
        };
        // Contour points are pixel centres: the region is one pixel wider than their span.
        let (rw, rh) = (rect.width() + 1.0, rect.height() + 1.0);
        if rw.min(rh) < params.min_size {
            continue;
        }
        let score = box_score(prob, &rect);
        if score < params.box_thresh {
            continue;
        }
        let distance = rw * rh * params.unclip_ratio / (2.0 * (rw + rh));
        let grown = RotatedRect::new(
            rect.center(),
            rect.up_axis(),
            rw + 2.0 * distance,
            rh + 2.0 * distance,
        );
        if grown.width().min(grown.height()) < params.min_size + 2.0 {
            continue;
        }
        boxes.push(TextBox {
            corners: order_corners(grown.corners()),
            score,
        });
    }
    boxes
}

/// The text detector: model plus post-processing.
pub struct Detector {
    model: Box<dyn InferenceModel>,
    params: DetectionParams,
}

impl Detector {
    /// Wraps a loaded detection model.
    pub fn new(model: Box<dyn InferenceModel>, params: DetectionParams) -> Detector {
        Detector { model, params }
    }

    /// The probability map for `image` (in detector-input pixels) and the input it came from (its tensor
    /// given to the model, which frees it as soon as its first layers have read it: the input is left empty).
    pub fn probability_map(
        &self,
        image: &RgbImage,
    ) -> Result<(NdTensor<f32, 2>, super::preprocess::DetectionInput), OcrError> {
        let mut input = prepare_detection(image, &self.params.input);
        let [_, _, th, tw] = input.tensor.shape();
        let tensor = std::mem::replace(&mut input.tensor, NdTensor::zeros([1, 3, 0, 0]));
        let out = self
            .model
            .run_owned(tensor)
            .map_err(|reason| OcrError::Inference {
                stage: "detection",
                reason,
            })?;
        let shape = out.shape().to_vec();
        if shape.len() != 4 || shape[2] != th || shape[3] != tw {
            return Err(OcrError::Inference {
                stage: "detection",
                reason: format!("unexpected output shape {shape:?} for input {th}x{tw}"),
            });
        }
        // The map is the output's data as it is (no copy).
        let map = NdTensor::from_data([th, tw], out.into_data());
        Ok((map, input))
    }

    /// Finds the text lines of `image`, in image pixels, in no particular order.
    pub fn detect(&self, image: &RgbImage) -> Result<Vec<TextBox>, OcrError> {
        let (map, input) = self.probability_map(image)?;
        let (iw, ih) = (image.width() as f32, image.height() as f32);
        let boxes = db_postprocess(map.view(), &self.params.db)
            .into_iter()
            .map(|b| TextBox {
                corners: b.corners.map(|(x, y)| {
                    let (x, y) = input.to_image(x + 0.5, y + 0.5);
                    (x.clamp(0.0, iw), y.clamp(0.0, ih))
                }),
                score: b.score,
            })
            .filter(|b| b.width().min(b.height()) >= self.params.min_box_side)
            .collect();
        Ok(boxes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rten_tensor::Tensor;

    fn map_with(
        rects: &[(usize, usize, usize, usize, f32)],
        h: usize,
        w: usize,
    ) -> NdTensor<f32, 2> {
        let mut m = NdTensor::<f32, 2>::zeros([h, w]);
        for &(x0, y0, x1, y1, p) in rects {
            for y in y0..y1 {
                for x in x0..x1 {
                    m[[y, x]] = p;
                }
            }
        }
        m
    }

    #[test]
    fn finds_two_lines_and_grows_them() {
        let m = map_with(&[(10, 10, 110, 20, 0.9), (10, 40, 60, 50, 0.8)], 64, 128);
        let mut boxes = db_postprocess(m.view(), &DbParams::default());
        boxes.sort_by(|a, b| a.corners[0].1.total_cmp(&b.corners[0].1));
        assert_eq!(boxes.len(), 2);
        let b = &boxes[0];
        // 100×10 region grown by 100*10*1.6/220 ≈ 7.3 on each side.
        assert!((b.width() - (100.0 + 14.5)).abs() < 1.5, "{b:?}");
        assert!((b.height() - (10.0 + 14.5)).abs() < 1.5, "{b:?}");
        assert!(b.corners[0].0 < b.corners[1].0 && b.corners[0].1 < b.corners[3].1);
        assert!((b.score - 0.9).abs() < 0.05);
    }

    #[test]
    fn drops_faint_and_tiny_regions() {
        // Above thresh but below box_thresh; and a 2×2 speck.
        let m = map_with(&[(10, 10, 60, 20, 0.4), (80, 40, 82, 42, 0.99)], 64, 128);
        assert!(db_postprocess(m.view(), &DbParams::default()).is_empty());
    }

    #[test]
    fn rotated_region_gives_rotated_box() {
        let mut m = NdTensor::<f32, 2>::zeros([100, 100]);
        // A band along the diagonal, 6 px thick.
        for i in 10..90 {
            for t in 0..6 {
                m[[i, (i + t).min(99)]] = 0.9;
            }
        }
        let boxes = db_postprocess(m.view(), &DbParams::default());
        assert_eq!(boxes.len(), 1);
        let [tl, tr, _, _] = boxes[0].corners;
        let angle = (tr.1 - tl.1).atan2(tr.0 - tl.0).to_degrees();
        assert!((angle.abs() - 45.0).abs() < 5.0, "angle {angle}");
    }

    #[test]
    fn min_area_rect_ignores_point_order() {
        // A 200×20 bar traced both ways round, with a ragged right end.
        let mut pts: Vec<PointF> = Vec::new();
        for x in 0..200 {
            pts.push(PointF::from_yx(0.0, x as f32));
        }
        for y in 0..20 {
            pts.push(PointF::from_yx(y as f32, 199.0 + (y % 3) as f32));
        }
        for x in (0..200).rev() {
            pts.push(PointF::from_yx(19.0, x as f32));
        }
        for forward in [true, false] {
            let mut p = pts.clone();
            if !forward {
                p.reverse();
            }
            let r = min_area_rect(&p).unwrap();
            let (long, short) = (r.width().max(r.height()), r.width().min(r.height()));
            assert!(
                (long - 201.0).abs() < 1.5 && (short - 19.0).abs() < 1.5,
                "{long}x{short}"
            );
        }
    }

    #[test]
    fn empty_map_gives_nothing() {
        let m = NdTensor::<f32, 2>::zeros([32, 32]);
        assert!(db_postprocess(m.view(), &DbParams::default()).is_empty());
    }

    /// A fake detector that marks a fixed rectangle of its input as text.
    struct FakeDet;
    impl InferenceModel for FakeDet {
        fn run(&self, input: NdTensorView<f32, 4>) -> Result<Tensor<f32>, String> {
            let [_, _, h, w] = input.shape();
            let mut out = Tensor::zeros(&[1, 1, h, w]);
            for y in 20..30 {
                for x in 20..60 {
                    out[[0, 0, y, x]] = 0.95;
                }
            }
            Ok(out)
        }
    }

    #[test]
    fn detector_maps_boxes_back_to_image_pixels() {
        let det = Detector::new(Box::new(FakeDet), DetectionParams::default());
        let img = RgbImage::new(200, 100);
        let boxes = det.detect(&img).unwrap();
        assert_eq!(boxes.len(), 1);
        let (x, y) = boxes[0].corners[0];
        // Region starts at tensor (20, 20) = image (12, 12) with the 8 px border, minus ~5 px of growth.
        assert!((x - 7.0).abs() < 2.0 && (y - 7.0).abs() < 2.0, "{x},{y}");
    }
}
