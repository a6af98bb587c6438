//! Text recognition: each detected box is cut out upright, scaled to the recogniser's 48 px height, batched
//! with crops of similar width, run through the CRNN/SVTR model and decoded with greedy CTC.

use std::cmp::Reverse;
use std::sync::Arc;

use image::{imageops, RgbImage};
use rten_tensor::prelude::*;
use rten_tensor::NdTensor;

use super::detection::TextBox;
use super::models::InferenceModel;
use super::preprocess::{crop_rotated, invert, is_light_on_dark};
use super::small_kana;
use super::workers::Workers;
use super::OcrError;

/// Input height of PP-OCR recognition models.
pub const REC_HEIGHT: u32 = 48;

/// Everything that tunes recognition.
#[derive(Debug, Clone, PartialEq)]
pub struct RecognitionParams {
    /// Crops per model run. Crops are sorted by width first, so a batch wastes little padding.
    pub batch_size: usize,
    /// A crop joins the current batch only while it is at most this many times as wide as the batch's
    /// narrowest crop; the rest of the batch is padding the model still computes (1.0 = same width only).
    pub batch_width_ratio: f32,
    /// Narrowest batch input, in pixels at 48 px height (PaddleOCR pads to 320).
    pub min_width: u32,
    /// Widest crop, in pixels at 48 px height; longer lines are squeezed to this (bounds time per line).
    pub max_width: u32,
    /// Margin added before and after a horizontal line's box, as a fraction of its height (see
    /// [`end_margins`] for the limits near other boxes). The detector leaves out marks of little ink at a line's ends (a
    /// trailing …… , a 「…… before the text) that the recogniser reads well once its crop holds them.
    pub end_margin: f32,
    /// Invert crops whose border is darker than their middle (light text on a dark box).
    pub invert_light_on_dark: bool,
    /// Lines whose mean character probability is below this are dropped (0..1).
    pub min_confidence: f32,
    /// At most this many boxes are recognised (the highest-scoring ones), bounding time on busy screens.
    pub max_lines: usize,
    /// Batches recognised side by side, each on a single-thread pool of its own (0 = one per core). With 1,
    /// or when there is one batch, batches run one after another on rten's pool of all cores. A batch's
    /// result does not depend on this: only which core computes it does.
    pub threads: usize,
}

impl Default for RecognitionParams {
    fn default() -> Self {
        RecognitionParams {
            batch_size: 8,
            batch_width_ratio: 1.3,
            min_width: 320,
            max_width: 3200,
            end_margin: 0.6,
            invert_light_on_dark: false,
            min_confidence: 0.6,
            max_lines: 200,
            threads: 0,
        }
    }
}

/// The text of one box.
#[derive(Debug, Clone, PartialEq)]
pub struct RecognizedText {
    /// Decoded characters.
    pub text: String,
    /// Mean probability of the emitted characters (0 when none).
    pub confidence: f32,
    /// For each character of `text`, the columns where the decoder emitted it: output steps from
    /// [`ctc_greedy_decode`], crop pixels once [`Recognizer`] has scaled them.
    pub spans: Vec<(f32, f32)>,
}

/// Builds the class list from a dictionary file: `blank` first, the file's characters, a space last.
///
/// Files that already hold `blank` first (ocrspine's `ppocr_keys_v5.txt`) are taken as they are.
/// CRLF line ends are accepted. When the model declares its class count, the list must match it.
pub fn load_dictionary(text: &str, num_classes: Option<usize>) -> Result<Vec<String>, String> {
    let mut lines: Vec<String> = text
        .split('\n')
        .map(|l| l.strip_suffix('\r').unwrap_or(l).to_string())
        .collect();
    if lines.last().is_some_and(|l| l.is_empty()) {
        lines.pop();
    }
    let classes = if lines.first().map(String::as_str) == Some("blank")
        && (num_classes == Some(lines.len()) || lines.last().map(String::as_str) == Some(" "))
    {
        lines
    } else {
        let mut c = Vec::with_capacity(lines.len() + 2);
        c.push("blank".to_string());
        c.extend(lines);
        c.push(" ".to_string());
        c
    };
    match num_classes {
        Some(n) if n != classes.len() => Err(format!(
            "the dictionary gives {} classes, the model outputs {n}",
            classes.len()
        )),
        _ => Ok(classes),
    }
}

/// Greedy CTC decoding of one sequence: `probs` is `[T, C]`; repeats collapse, class 0 is the blank.
pub fn ctc_greedy_decode(
    probs: rten_tensor::NdTensorView<f32, 2>,
    classes: &[String],
) -> RecognizedText {
    let [steps, num_classes] = probs.shape();
    let mut text = String::new();
    let mut prob_sum = 0.0f32;
    let mut emitted = 0u32;
    let mut prev = 0usize;
    let mut spans: Vec<(f32, f32)> = Vec::new();
    let contiguous = probs.to_contiguous();
    let rows = contiguous.data().chunks_exact(num_classes.max(1));
    for (t, row) in rows.take(steps).enumerate() {
        // The first of equal maxima wins, as before.
        let (mut best, mut best_p) = (0usize, f32::MIN);
        for (c, &p) in row.iter().enumerate() {
            if p > best_p {
                best = c;
                best_p = p;
            }
        }
        if best != 0 && best != prev {
            if let Some(ch) = classes.get(best) {
                text.push_str(ch);
                spans.extend(ch.chars().map(|_| (t as f32, t as f32 + 1.0)));
                prob_sum += best_p;
                emitted += 1;
            }
        } else if best != 0 && best == prev {
            // The same character held over more steps: its span grows.
            if let Some(last) = spans.last_mut() {
                last.1 = t as f32 + 1.0;
            }
        }
        prev = best;
    }
    RecognizedText {
        text,
        confidence: if emitted == 0 {
            0.0
        } else {
            prob_sum / emitted as f32
        },
        spans,
    }
}

/// Cuts `b` out of `image` upright and scales it to [`REC_HEIGHT`]; tall boxes (vertical text) are
/// turned a quarter to the left, as PaddleOCR does.
pub fn line_crop(image: &RgbImage, b: &TextBox, params: &RecognitionParams) -> RgbImage {
    line_crop_with_ends(image, b, (0.0, 0.0), params)
}

/// Whether the crop of `b` is turned a quarter (a tall box: vertical text), its characters lying on their side.
pub fn is_turned(b: &TextBox) -> bool {
    let (w, h) = (b.width().round().max(1.0), b.height().round().max(1.0));
    h >= 1.5 * w
}

/// Like [`line_crop`], with `ends` pixels more before and after the box along the text (horizontal boxes).
pub fn line_crop_with_ends(
    image: &RgbImage,
    b: &TextBox,
    ends: (f32, f32),
    params: &RecognitionParams,
) -> RgbImage {
    let [tl, tr, _, bl] = b.corners;
    let (mut u, v) = ((tr.0 - tl.0, tr.1 - tl.1), (bl.0 - tl.0, bl.1 - tl.1));
    let mut w = b.width().round().max(1.0) as u32;
    let h = b.height().round().max(1.0) as u32;
    let vertical = is_turned(b);
    let mut origin = tl;
    let (before, after) = (ends.0.max(0.0), ends.1.max(0.0));
    if !vertical && before + after > 0.0 {
        let len = b.width().max(1e-3);
        let e = (u.0 / len, u.1 / len);
        origin = (tl.0 - e.0 * before, tl.1 - e.1 * before);
        let len = len + before + after;
        u = (e.0 * len, e.1 * len);
        w = len.round().max(1.0) as u32;
    }
    let mut crop = crop_rotated(image, origin, u, v, w, h);
    if vertical {
        crop = imageops::rotate270(&crop);
    }
    let (cw, ch) = crop.dimensions();
    let target_w =
        ((REC_HEIGHT as f32 * cw as f32 / ch as f32).ceil() as u32).clamp(1, params.max_width);
    let mut crop = imageops::resize(&crop, target_w, REC_HEIGHT, imageops::FilterType::Triangle);
    if params.invert_light_on_dark && is_light_on_dark(&crop) {
        invert(&mut crop);
    }
    crop
}

/// How far each horizontal box's crop may reach before and after it, in pixels, at most `margin` × its
/// height and never past the image's sides. Other boxes on the same row (overlapping it by more than half the
/// smaller height) limit it: a box with one before it gets nothing before (the gap is the other one's to
/// read), and one with a box after it reaches into the gap only where the gap is wider than half its height
/// (a word space in Latin text is not; a …… the detector left out between 「 and the text is), stopping half a
/// height short of the next box. Only boxes at least twice as long as high get margins: a lone mark or one
/// character (a 。 beside a vertical column) is left as detected.
pub fn end_margins(boxes: &[TextBox], margin: f32, image_width: f32) -> Vec<(f32, f32)> {
    let rect = |b: &TextBox| {
        let xs = b.corners.map(|c| c.0);
        let ys = b.corners.map(|c| c.1);
        let min = |a: [f32; 4]| a.into_iter().fold(f32::MAX, f32::min);
        let max = |a: [f32; 4]| a.into_iter().fold(f32::MIN, f32::max);
        (min(xs), min(ys), max(xs), max(ys))
    };
    let rects: Vec<_> = boxes.iter().map(rect).collect();
    boxes
        .iter()
        .enumerate()
        .map(|(i, b)| {
            let (w, h) = (b.width(), b.height());
            if margin <= 0.0 || w < 2.0 * h {
                return (0.0, 0.0);
            }
            let (x0, y0, x1, y1) = rects[i];
            let centre = (x0 + x1) / 2.0;
            let mut before = (margin * h).min(x0);
            let mut after = (margin * h).min(image_width - x1);
            for (j, &(ox0, oy0, ox1, oy1)) in rects.iter().enumerate() {
                let overlap = y1.min(oy1) - y0.max(oy0);
                if j == i || overlap <= 0.5 * (y1 - y0).min(oy1 - oy0) {
                    continue;
                }
                if (ox0 + ox1) / 2.0 > centre {
                    after = after.min(ox0 - x1 - 0.5 * h);
                } else {
                    before = 0.0;
                }
            }
            (before.max(0.0), after.max(0.0))
        })
        .collect()
}

/// The recogniser: model, its classes and parameters.
pub struct Recognizer {
    model: Box<dyn InferenceModel>,
    classes: Vec<String>,
    params: RecognitionParams,
    /// Where batches run side by side.
    workers: Workers,
}

impl Recognizer {
    /// Wraps a loaded recognition model and its class list (see [`load_dictionary`]).
    pub fn new(
        model: Box<dyn InferenceModel>,
        classes: Vec<String>,
        params: RecognitionParams,
    ) -> Recognizer {
        Recognizer {
            model,
            classes,
            workers: Workers::new(params.threads),
            params,
        }
    }

    /// The parameters in use.
    pub fn params(&self) -> &RecognitionParams {
        &self.params
    }

    /// Splits crop indices (sorted by width) into batches of similar padded width.
    fn batches(&self, order: &[usize], crops: &[RgbImage]) -> Vec<Vec<usize>> {
        let padded = |i: usize| crops[i].width().max(self.params.min_width) as f32;
        let mut batches: Vec<Vec<usize>> = Vec::new();
        for &i in order {
            match batches.last_mut() {
                Some(b)
                    if b.len() < self.params.batch_size.max(1)
                        && padded(i) <= padded(b[0]) * self.params.batch_width_ratio =>
                {
                    b.push(i)
                }
                _ => batches.push(vec![i]),
            }
        }
        batches
    }

    /// Runs one batch (crop indices of similar width) and decodes it; on `pool` when given, else on rten's
    /// global pool.
    fn run_batch(
        &self,
        batch: &[usize],
        crops: &[RgbImage],
        turned: &[bool],
        pool: Option<&Arc<rten::ThreadPool>>,
    ) -> Result<Vec<(usize, RecognizedText)>, OcrError> {
        let widest = batch.iter().map(|&i| crops[i].width()).max().unwrap_or(1);
        let width = widest.max(self.params.min_width).div_ceil(8) * 8;
        let (h, w) = (REC_HEIGHT as usize, width as usize);
        let mut input = NdTensor::<f32, 4>::zeros([batch.len(), 3, h, w]);
        // Straight into the NCHW buffer: BGR, (x / 255 - 0.5) / 0.5.
        let data = input.data_mut().expect("a new tensor is contiguous");
        for (n, &i) in batch.iter().enumerate() {
            let crop = &crops[i];
            let cw = crop.width() as usize;
            for (y, row) in crop.as_raw().chunks_exact(cw * 3).enumerate() {
                for c in 0..3 {
                    let start = ((n * 3 + c) * h + y) * w;
                    let dst = &mut data[start..start + cw];
                    for (d, p) in dst.iter_mut().zip(row.chunks_exact(3)) {
                        *d = p[2 - c] as f32 / 127.5 - 1.0;
                    }
                }
            }
        }
        let out = match pool {
            Some(pool) => self.model.run_in(input.view(), pool),
            None => self.model.run(input.view()),
        }
        .map_err(|reason| OcrError::Inference {
            stage: "recognition",
            reason,
        })?;
        let shape = out.shape().to_vec();
        if shape.len() != 3 || shape[0] != batch.len() {
            return Err(OcrError::Inference {
                stage: "recognition",
                reason: format!("unexpected output shape {shape:?}"),
            });
        }
        let out = NdTensor::<f32, 3>::from_data([shape[0], shape[1], shape[2]], out.to_vec());
        Ok(batch
            .iter()
            .enumerate()
            .map(|(n, &i)| {
                let mut r = ctc_greedy_decode(out.slice(n), &self.classes);
                // Columns of padding can only add noise at the end.
                r.text = r.text.trim_end().to_string();
                r.spans.truncate(r.text.chars().count());
                // Output steps → crop pixels.
                let stride = w as f32 / shape[1].max(1) as f32;
                for span in &mut r.spans {
                    *span = (span.0 * stride, span.1 * stride);
                }
                if !turned.get(i).copied().unwrap_or(false) {
                    if let Some(text) = small_kana::restore(&crops[i], &r.text, &r.spans) {
                        r.text = text;
                    }
                }
                (i, r)
            })
            .collect())
    }

    /// Recognises upright 48 px crops; results are in the order of `crops`.
    ///
    /// When there are several batches they run side by side, one per core, each on a single-thread pool:
    /// the model's small per-line operators keep one core busy each far better than they split across two.
    /// `turned[i]` says crop `i` is a turned (vertical) line (see [`is_turned`]).
    pub fn recognize_crops(
        &self,
        crops: &[RgbImage],
        turned: &[bool],
    ) -> Result<Vec<RecognizedText>, OcrError> {
        let mut order: Vec<usize> = (0..crops.len()).collect();
        order.sort_by_key(|&i| crops[i].width());
        let mut batches = self.batches(&order, crops);
        let mut results: Vec<Option<RecognizedText>> = vec![None; crops.len()];
        let workers = self.workers.count().min(batches.len());
        let done: Vec<(usize, RecognizedText)> = if workers <= 1 {
            let mut done = Vec::with_capacity(crops.len());
            for batch in &batches {
                done.extend(self.run_batch(batch, crops, turned, None)?);
            }
            done
        } else {
            // Costliest batches first, so the ones left for the end are short.
            let cost = |b: &Vec<usize>| {
                let widest = b.iter().map(|&i| crops[i].width()).max().unwrap_or(1);
                widest.max(self.params.min_width) as usize * b.len()
            };
            batches.sort_by_key(|b| Reverse(cost(b)));
            self.workers
                .run(batches.len(), "recognition", |i, pool| {
                    self.run_batch(&batches[i], crops, turned, Some(pool))
                })?
                .into_iter()
                .flatten()
                .collect()
        };
        for (i, r) in done {
            results[i] = Some(r);
        }
        Ok(results.into_iter().flatten().collect())
    }

    /// The upright 48 px crops of `boxes` (see [`line_crop`]), with [`RecognitionParams::end_margin`].
    pub fn crops(&self, image: &RgbImage, boxes: &[TextBox]) -> Vec<RgbImage> {
        let ends = end_margins(boxes, self.params.end_margin, image.width() as f32);
        boxes
            .iter()
            .zip(ends)
            .map(|(b, e)| line_crop_with_ends(image, b, e, &self.params))
            .collect()
    }

    /// Crops and recognises every box of `image`; results are in the order of `boxes`.
    pub fn recognize(
        &self,
        image: &RgbImage,
        boxes: &[TextBox],
    ) -> Result<Vec<RecognizedText>, OcrError> {
        let turned: Vec<bool> = boxes.iter().map(is_turned).collect();
        self.recognize_crops(&self.crops(image, boxes), &turned)
    }

    /// Like [`Recognizer::recognize_crops`], but a crop identical, pixel for pixel, to one of `previous`
    /// takes that one's text without running the model (a line that did not change since the last read).
    pub fn recognize_crops_reusing(
        &self,
        crops: &[RgbImage],
        turned: &[bool],
        previous: &[(RgbImage, RecognizedText)],
    ) -> Result<Vec<RecognizedText>, OcrError> {
        let reused: Vec<Option<&RecognizedText>> = crops
            .iter()
            .map(|c| previous.iter().find(|(p, _)| p == c).map(|(_, t)| t))
            .collect();
        let fresh_idx: Vec<usize> = (0..crops.len()).filter(|&i| reused[i].is_none()).collect();
        if fresh_idx.len() == crops.len() {
            return self.recognize_crops(crops, turned);
        }
        let fresh_crops: Vec<RgbImage> = fresh_idx.iter().map(|&i| crops[i].clone()).collect();
        let fresh_turned: Vec<bool> = fresh_idx
            .iter()
            .map(|&i| turned.get(i).copied().unwrap_or(false))
            .collect();
        let mut fresh = self
            .recognize_crops(&fresh_crops, &fresh_turned)?
            .into_iter();
        Ok(reused
            .into_iter()
            .map(|r| match r {
                Some(t) => t.clone(),
                None => fresh.next().unwrap_or(RecognizedText {
                    text: String::new(),
                    confidence: 0.0,
                    spans: Vec::new(),
                }),
            })
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rten_tensor::{NdTensorView, Tensor};

    fn classes() -> Vec<String> {
        load_dictionary("a\nb\nc\n", None).unwrap()
    }

    fn one_hot(seq: &[usize], c: usize) -> NdTensor<f32, 2> {
        let mut t = NdTensor::<f32, 2>::zeros([seq.len(), c]);
        for (i, &k) in seq.iter().enumerate() {
            t[[i, k]] = 0.9;
            t[[i, (k + 1) % c]] = 0.1;
        }
        t
    }

    #[test]
    fn dictionary_gets_blank_and_space() {
        let c = classes();
        assert_eq!(c, vec!["blank", "a", "b", "c", " "]);
        // CRLF and a file that already has blank + space.
        assert_eq!(
            load_dictionary("x\r\ny\r\n", Some(4)).unwrap(),
            vec!["blank", "x", "y", " "]
        );
        assert_eq!(
            load_dictionary("blank\nx\n \n", Some(3)).unwrap(),
            vec!["blank", "x", " "]
        );
        assert!(load_dictionary("x\ny\n", Some(7)).is_err());
    }

    #[test]
    fn ctc_collapses_repeats_and_drops_blanks() {
        let c = classes();
        // a a _ a b b _ _ c space -> "aab c"? No: a a collapse, blank separates the next a.
        let t = one_hot(&[1, 1, 0, 1, 2, 2, 0, 0, 4, 3], 5);
        let r = ctc_greedy_decode(t.view(), &c);
        assert_eq!(r.text, "aab c");
        assert!((r.confidence - 0.9).abs() < 1e-5);
        let empty = one_hot(&[0, 0, 0], 5);
        let r = ctc_greedy_decode(empty.view(), &c);
        assert_eq!(r.text, "");
        assert_eq!(r.confidence, 0.0);
    }

    /// Emits "a" for every crop, "b" too when the batch is wider than 320 px (a long line).
    struct FakeRec;
    impl InferenceModel for FakeRec {
        fn run(&self, input: NdTensorView<f32, 4>) -> Result<Tensor<f32>, String> {
            let [n, _, _, w] = input.shape();
            let t = w / 8;
            let mut out = Tensor::zeros(&[n, t, 5]);
            for i in 0..n {
                for s in 0..t {
                    out[[i, s, 0]] = 1.0;
                }
                out[[i, 0, 1]] = 2.0;
                if w > 320 {
                    out[[i, 1, 2]] = 2.0;
                }
            }
            Ok(out)
        }
    }

    #[test]
    fn batches_keep_input_order() {
        let rec = Recognizer::new(
            Box::new(FakeRec),
            classes(),
            RecognitionParams {
                batch_size: 2,
                ..Default::default()
            },
        );
        let crops = vec![
            RgbImage::new(600, 48),
            RgbImage::new(100, 48),
            RgbImage::new(200, 48),
        ];
        let out = rec
            .recognize_crops(&crops, &vec![false; crops.len()])
            .unwrap();
        let texts: Vec<&str> = out.iter().map(|r| r.text.as_str()).collect();
        // The 600 px crop shares no batch with the short ones (sorted by width: 100,200 | 600).
        assert_eq!(texts, vec!["ab", "a", "a"]);
    }

    fn boxed(x0: f32, y0: f32, x1: f32, y1: f32) -> TextBox {
        TextBox {
            corners: [(x0, y0), (x1, y0), (x1, y1), (x0, y1)],
            score: 1.0,
        }
    }

    #[test]
    fn end_margins_reach_into_wide_gaps_only_and_stop_at_the_image() {
        let boxes = [
            // A line alone on its row, 40 px high, near the image's left side.
            boxed(10.0, 0.0, 400.0, 40.0),
            // Two words with a narrow gap, then a wide gap before a third box.
            boxed(0.0, 100.0, 200.0, 140.0),
            boxed(210.0, 100.0, 400.0, 140.0),
            boxed(500.0, 100.0, 700.0, 140.0),
            // A single character: no margins.
            boxed(800.0, 100.0, 840.0, 140.0),
            // A vertical column.
            boxed(900.0, 0.0, 940.0, 300.0),
        ];
        let m = end_margins(&boxes, 0.6, 1000.0);
        assert_eq!(m[0], (10.0, 24.0));
        // Nothing reaches into a word space; the box before a wide gap reads into it, half a height short.
        assert_eq!(m[1], (0.0, 0.0));
        assert_eq!(m[2], (0.0, 24.0));
        assert_eq!(m[3], (0.0, 24.0));
        assert_eq!(m[4], (0.0, 0.0));
        assert_eq!(m[5], (0.0, 0.0));
        assert!(end_margins(&boxes, 0.0, 1000.0)
            .iter()
            .all(|&e| e == (0.0, 0.0)));
    }

    #[test]
    fn end_margins_widen_the_crop() {
        let img = RgbImage::new(600, 100);
        let b = boxed(100.0, 10.0, 300.0, 58.0);
        let params = RecognitionParams::default();
        assert_eq!(line_crop(&img, &b, &params).width(), 200);
        assert_eq!(
            line_crop_with_ends(&img, &b, (24.0, 24.0), &params).width(),
            248
        );
    }

    #[test]
    fn vertical_boxes_are_turned_and_long_lines_capped() {
        let img = RgbImage::new(100, 400);
        let tall = TextBox {
            corners: [(10.0, 10.0), (40.0, 10.0), (40.0, 310.0), (10.0, 310.0)],
            score: 1.0,
        };
        let params = RecognitionParams::default();
        let crop = line_crop(&img, &tall, &params);
        assert_eq!(crop.height(), REC_HEIGHT);
        assert_eq!(crop.width(), 480);
        let strip = TextBox {
            corners: [(0.0, 0.0), (8000.0, 0.0), (8000.0, 20.0), (0.0, 20.0)],
            score: 1.0,
        };
        let crop = line_crop(&RgbImage::new(8000, 20), &strip, &params);
        assert_eq!(crop.width(), params.max_width);
    }
}
