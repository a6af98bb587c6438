//! The PP-OCR engine: PaddleOCR detection and recognition models on rten, glued stage by stage.

use std::time::Instant;

use image::RgbaImage;

use super::detection::TextBox;
use super::detection::{DetectionParams, Detector};
use super::layout::{reading_order_with, Fragment, LayoutParams};
use super::models::{self, InferenceModel, KnownFile, ModelLocations};
use super::recognition::{load_dictionary, RecognitionParams, RecognizedText, Recognizer};
use super::{
    postprocess, EngineKind, OcrEngine, OcrError, OcrLine, OcrOutput, Point, RecognizeOptions,
    Rect, StageTimings,
};

/// Settings of the PP-OCR engine.
#[derive(Debug, Clone, PartialEq)]
pub struct PpOcrParams {
    /// Detection model file name (one of [`models::DETECTION_MODELS`]).
    pub det_model: String,
    /// Recognition model file name (one of [`models::RECOGNITION_MODELS`]); its dictionary comes with it.
    pub rec_model: String,
    /// Detection tuning.
    pub detection: DetectionParams,
    /// Recognition tuning.
    pub recognition: RecognitionParams,
    /// Reading-order tuning.
    pub layout: LayoutParams,
    /// Skip the work a still region does not need: a frame identical to the last one read keeps its boxes
    /// and texts (no detection, no recognition), and a line whose crop is identical to one of the last
    /// frame's keeps its text. Costs a copy of the last frame and its line crops. Benchmarks turn it off.
    pub reuse_unchanged: bool,
}

impl Default for PpOcrParams {
    fn default() -> Self {
        PpOcrParams {
            det_model: DEFAULT_DET.name.to_string(),
            rec_model: DEFAULT_REC.name.to_string(),
            detection: DetectionParams::default(),
            recognition: RecognitionParams::default(),
            layout: LayoutParams::default(),
            reuse_unchanged: true,
        }
    }
}

/// The default detection model (chosen by measurement: see `models/PROVENANCE.md`).
pub const DEFAULT_DET: KnownFile = models::PPOCR_V5_DET;
/// The default recognition model (chosen by measurement: see `models/PROVENANCE.md`).
pub const DEFAULT_REC: KnownFile = models::PPOCR_V6_REC_SMALL;

fn known_names(files: impl Iterator<Item = &'static str>) -> String {
    files.collect::<Vec<_>>().join(", ")
}

/// PP-OCR detection + recognition.
pub struct PpOcrEngine {
    detector: Detector,
    recognizer: Recognizer,
    layout: LayoutParams,
    reuse_unchanged: bool,
    /// The last frame read, when `reuse_unchanged` is on.
    last: Option<LastRead>,
}

/// What the last call saw and read.
struct LastRead {
    image: image::RgbImage,
    boxes: Vec<TextBox>,
    lines: Vec<(image::RgbImage, RecognizedText)>,
}

impl PpOcrEngine {
    /// Finds, verifies and loads the model files named in `params`.
    pub fn load(locations: &ModelLocations, params: &PpOcrParams) -> Result<PpOcrEngine, OcrError> {
        let det_file = models::DETECTION_MODELS
            .iter()
            .find(|f| f.name == params.det_model)
            .ok_or_else(|| OcrError::UnknownModel {
                name: params.det_model.clone(),
                known: known_names(models::DETECTION_MODELS.iter().map(|f| f.name)),
            })?;
        let (rec_file, dict_file) = models::RECOGNITION_MODELS
            .iter()
            .find(|(f, _)| f.name == params.rec_model)
            .ok_or_else(|| OcrError::UnknownModel {
                name: params.rec_model.clone(),
                known: known_names(models::RECOGNITION_MODELS.iter().map(|(f, _)| f.name)),
            })?;
        let (det_path, det_bytes) = models::read_verified(locations, det_file)?;
        let (rec_path, rec_bytes) = models::read_verified(locations, rec_file)?;
        let (dict_path, dict_bytes) = models::read_verified(locations, dict_file)?;
        let det = super::staged::StagedModel::new(
            models::load_rten(&det_path, det_bytes)?,
            super::staged::cuts_for(det_file.name),
        );
        let rec = models::load_rten(&rec_path, rec_bytes)?;
        let dict = String::from_utf8(dict_bytes).map_err(|e| OcrError::ModelMismatch {
            name: dict_file.name.to_string(),
            reason: format!("not UTF-8 ({e}), at {}", dict_path.display()),
        })?;
        let classes = load_dictionary(&dict, rec.output_classes()).map_err(|reason| {
            OcrError::ModelMismatch {
                name: rec_file.name.to_string(),
                reason,
            }
        })?;
        Ok(PpOcrEngine::from_models(
            Box::new(det),
            Box::new(rec),
            classes,
            params,
        ))
    }

    /// Builds the engine from already loaded models (tests pass fakes here).
    pub fn from_models(
        det: Box<dyn InferenceModel>,
        rec: Box<dyn InferenceModel>,
        classes: Vec<String>,
        params: &PpOcrParams,
    ) -> PpOcrEngine {
        PpOcrEngine {
            detector: Detector::new(det, params.detection.clone()),
            recognizer: Recognizer::new(rec, classes, params.recognition.clone()),
            layout: params.layout.clone(),
            reuse_unchanged: params.reuse_unchanged,
            last: None,
        }
    }
}

impl OcrEngine for PpOcrEngine {
    fn recognize(
        &mut self,
        image: &RgbaImage,
        opts: &RecognizeOptions,
    ) -> Result<OcrOutput, OcrError> {
        let mut timings = StageTimings::default();
        if image.width() == 0 || image.height() == 0 {
            return Ok(OcrOutput::default());
        }
        let start = Instant::now();
        let rgb = super::preprocess::flatten_alpha(image);
        let still = self.reuse_unchanged && self.last.as_ref().is_some_and(|l| l.image == rgb);
        let (boxes, texts) = if still {
            let last = self.last.as_ref().expect("checked above");
            timings.detect = start.elapsed();
            let texts = last.lines.iter().map(|(_, t)| t.clone()).collect();
            (last.boxes.clone(), texts)
        } else {
            let mut boxes = self.detector.detect(&rgb)?;
            let max_lines = self.recognizer.params().max_lines;
            if boxes.len() > max_lines {
                boxes.sort_by(|a, b| b.score.total_cmp(&a.score));
                boxes.truncate(max_lines);
            }
            timings.detect = start.elapsed();

            let start = Instant::now();
            let texts = if self.reuse_unchanged {
                let crops = self.recognizer.crops(&rgb, &boxes);
                let previous = self.last.take().map(|l| l.lines).unwrap_or_default();
                let turned: Vec<bool> = boxes.iter().map(super::recognition::is_turned).collect();
                let texts = self
                    .recognizer
                    .recognize_crops_reusing(&crops, &turned, &previous)?;
                self.last = Some(LastRead {
                    image: rgb,
                    boxes: boxes.clone(),
                    lines: crops.into_iter().zip(texts.iter().cloned()).collect(),
                });
                texts
            } else {
                self.recognizer.recognize(&rgb, &boxes)?
            };
            // The models' buffers for this input size are free now: give their pages back.
            super::heap::release(image.dimensions());
            timings.recognize = start.elapsed();
            (boxes, texts)
        };

        let start = Instant::now();
        let min_conf = self.recognizer.params().min_confidence;
        let fragments: Vec<Fragment> = boxes
            .iter()
            .zip(texts)
            .filter(|(_, t)| !t.text.trim().is_empty() && t.confidence >= min_conf)
            .map(|(b, t)| Fragment {
                quad: b.corners.map(|(x, y)| Point { x, y }),
                text: t.text,
                confidence: t.confidence,
            })
            .collect();
        let lines = reading_order_with(
            fragments,
            &self.layout,
            opts.direction,
            opts.drop_furigana(),
        )
        .into_iter()
        .filter_map(|group| merge_group(group, opts))
        .collect();
        timings.post = start.elapsed();
        Ok(OcrOutput { lines, timings })
    }

    fn kind(&self) -> EngineKind {
        EngineKind::PpOcr
    }
}

/// Joins a left-to-right run of fragments into one output line.
fn merge_group(group: Vec<Fragment>, opts: &RecognizeOptions) -> Option<OcrLine> {
    let raw = group
        .iter()
        .map(|f| f.text.as_str())
        .collect::<Vec<_>>()
        .join(" ");
    let text = postprocess::apply(&raw, opts.lang);
    if text.is_empty() {
        return None;
    }
    let weight: f32 = group.iter().map(|f| f.text.chars().count() as f32).sum();
    let confidence = group
        .iter()
        .map(|f| f.confidence * f.text.chars().count() as f32)
        .sum::<f32>()
        / weight.max(1.0);
    let quad = if group.len() == 1 {
        group[0].quad
    } else {
        let r = group
            .iter()
            .map(Fragment::rect)
            .reduce(|a, b| a.union(&b))
            .unwrap_or(group[0].rect());
        [
            Point { x: r.x, y: r.y },
            Point {
                x: r.right(),
                y: r.y,
            },
            Point {
                x: r.right(),
                y: r.bottom(),
            },
            Point {
                x: r.x,
                y: r.bottom(),
            },
        ]
    };
    Some(OcrLine {
        text,
        rect: Rect::bounding(&quad),
        quad,
        confidence: Some(confidence),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::Lang;
    use rten_tensor::prelude::*;
    use rten_tensor::{NdTensorView, Tensor};

    /// Marks two horizontal bands of the input as text: rows 20..36 and 60..76, columns 20..220.
    struct TwoLines;
    impl InferenceModel for TwoLines {
        fn run(&self, input: NdTensorView<f32, 4>) -> Result<Tensor<f32>, String> {
            let [_, _, h, w] = input.shape();
            let mut out = Tensor::zeros(&[1, 1, h, w]);
            for (y0, y1) in [(20, 36), (60, 76)] {
                for y in y0..y1.min(h) {
                    for x in 20..220.min(w) {
                        out[[0, 0, y, x]] = 0.9;
                    }
                }
            }
            Ok(out)
        }
    }

    /// Reads the crop's mean brightness: dark crops say "日本", light ones "語 だ".
    struct ByBrightness;
    impl InferenceModel for ByBrightness {
        fn run(&self, input: NdTensorView<f32, 4>) -> Result<Tensor<f32>, String> {
            let [n, _, _, w] = input.shape();
            let t = w / 8;
            let mut out = Tensor::zeros(&[n, t, 6]);
            for i in 0..n {
                let mean = input.slice(i).iter().sum::<f32>() / (input.slice(i).len() as f32);
                for s in 0..t {
                    out[[i, s, 0]] = 0.5;
                }
                let seq: &[usize] = if mean < 0.0 { &[1, 2] } else { &[3, 5, 4] };
                for (k, &c) in seq.iter().enumerate() {
                    out[[i, k, c]] = 0.95;
                }
            }
            Ok(out)
        }
    }

    #[test]
    fn end_to_end_with_fake_models() {
        let classes = load_dictionary("日\n本\n語\nだ\n", None).unwrap();
        let mut engine = PpOcrEngine::from_models(
            Box::new(TwoLines),
            Box::new(ByBrightness),
            classes,
            &PpOcrParams::default(),
        );
        // Dark top half, light bottom half.
        let img = RgbaImage::from_fn(256, 96, |_, y| {
            if y < 40 {
                image::Rgba([0, 0, 0, 255])
            } else {
                image::Rgba([255, 255, 255, 255])
            }
        });
        let out = engine
            .recognize(&img, &RecognizeOptions::for_lang(Lang::Japanese))
            .unwrap();
        let texts: Vec<&str> = out.lines.iter().map(|l| l.text.as_str()).collect();
        assert_eq!(texts, vec!["日本", "語だ"]);
        assert!(out.lines[0].rect.y < out.lines[1].rect.y);
        assert!(out.lines[0].confidence.unwrap() > 0.9);
    }

    /// Counts the crops it is given, and wraps another model.
    struct Counting<M>(M, std::sync::Arc<std::sync::atomic::AtomicUsize>);
    impl<M: InferenceModel> InferenceModel for Counting<M> {
        fn run(&self, input: NdTensorView<f32, 4>) -> Result<Tensor<f32>, String> {
            self.1
                .fetch_add(input.shape()[0], std::sync::atomic::Ordering::SeqCst);
            self.0.run(input)
        }
    }

    #[test]
    fn a_still_frame_and_unchanged_lines_are_not_read_again() {
        use std::sync::atomic::{AtomicUsize, Ordering};
        use std::sync::Arc;
        let (dets, recs) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
        let mut engine = PpOcrEngine::from_models(
            Box::new(Counting(TwoLines, dets.clone())),
            Box::new(Counting(ByBrightness, recs.clone())),
            load_dictionary("日\n本\n語\nだ\n", None).unwrap(),
            &PpOcrParams::default(),
        );
        let frame = |bottom: u8| {
            RgbaImage::from_fn(256, 96, |x, y| match y {
                0..40 => image::Rgba([0, 0, 0, 255]),
                // A change below the lower line's box leaves both crops as they were.
                90.. if x < 4 => image::Rgba([bottom, bottom, bottom, 255]),
                _ => image::Rgba([255, 255, 255, 255]),
            })
        };
        let opts = RecognizeOptions::for_lang(Lang::Japanese);
        let texts =
            |out: OcrOutput| -> Vec<String> { out.lines.into_iter().map(|l| l.text).collect() };
        let first = texts(engine.recognize(&frame(255), &opts).unwrap());
        assert_eq!(first, vec!["日本", "語だ"]);
        assert_eq!(
            (dets.load(Ordering::SeqCst), recs.load(Ordering::SeqCst)),
            (1, 2)
        );
        // The same frame: nothing runs, same text.
        assert_eq!(texts(engine.recognize(&frame(255), &opts).unwrap()), first);
        assert_eq!(
            (dets.load(Ordering::SeqCst), recs.load(Ordering::SeqCst)),
            (1, 2)
        );
        // A changed frame whose lines are unchanged: detection runs, recognition does not.
        assert_eq!(texts(engine.recognize(&frame(0), &opts).unwrap()), first);
        assert_eq!(
            (dets.load(Ordering::SeqCst), recs.load(Ordering::SeqCst)),
            (2, 2)
        );

        // Turned off, every call reads everything.
        let (dets, recs) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
        let mut engine = PpOcrEngine::from_models(
            Box::new(Counting(TwoLines, dets.clone())),
            Box::new(Counting(ByBrightness, recs.clone())),
            load_dictionary("日\n本\n語\nだ\n", None).unwrap(),
            &PpOcrParams {
                reuse_unchanged: false,
                ..Default::default()
            },
        );
        for _ in 0..2 {
            assert_eq!(texts(engine.recognize(&frame(255), &opts).unwrap()), first);
        }
        assert_eq!(
            (dets.load(Ordering::SeqCst), recs.load(Ordering::SeqCst)),
            (2, 4)
        );
    }

    #[test]
    fn empty_image_gives_no_lines() {
        let mut engine = PpOcrEngine::from_models(
            Box::new(TwoLines),
            Box::new(ByBrightness),
            load_dictionary("a\n", None).unwrap(),
            &PpOcrParams::default(),
        );
        let out = engine
            .recognize(&RgbaImage::new(0, 0), &RecognizeOptions::default())
            .unwrap();
        assert!(out.lines.is_empty());
    }

    #[test]
    fn unknown_model_name_is_reported() {
        let params = PpOcrParams {
            det_model: "nope.onnx".into(),
            ..Default::default()
        };
        let err = PpOcrEngine::load(&ModelLocations::default(), &params)
            .err()
            .unwrap();
        assert!(err.to_string().contains("nope.onnx"), "{err}");
    }
}
