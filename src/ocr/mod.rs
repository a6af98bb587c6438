//! Local OCR: the engine trait, PP-OCR on rten (default) and ocrs.
//!
//! # API
//!
//! The rest of ocrlay needs three things from this module:
//!
//! ```no_run
//! use ocrlay::ocr::{load_engine, EngineKind, EngineParams, RecognizeOptions};
//! use ocrlay::lang::Lang;
//!
//! # fn main() -> Result<(), ocrlay::ocr::OcrError> {
//! // Once, at start-up or when the settings change (loads and verifies the model files).
//! let mut engine = load_engine(EngineKind::PpOcr, &EngineParams::default())?;
//! // For every capture.
//! let image = image::RgbaImage::new(640, 120);
//! let opts = RecognizeOptions::for_lang(Lang::Japanese);
//! let output = engine.recognize(&image, &opts)?;
//! for line in &output.lines {
//!     println!("{} ({:?})", line.text, line.confidence);
//! }
//! # Ok(())
//! # }
//! ```
//!
//! - [`OcrEngine`] is the trait both engines implement: an RGBA image in, [`OcrOutput`] out (lines in
//!   reading order with text, box and confidence, plus [`StageTimings`]).
//! - [`EngineKind`] names an engine in the settings file (`"ppocr"` or `"ocrs"`).
//! - [`EngineParams`] says where the model files are and tunes each stage; its `Default` is what the app uses.
//!
//! # Pipeline (PP-OCR)
//!
//! One file per stage, like ocrs: [`preprocess`] (image → detector tensor) → [`detection`] (probability map →
//! DB post-process → rotated boxes) → [`recognition`] (box crops → batched recogniser → CTC decode) →
//! [`layout`] (reading order, same-row merge) → [`postprocess`] (language rules: no spaces between CJK
//! characters, full-width punctuation). [`models`] finds, verifies (sha256) and loads the weight files;
//! [`ppocr`] and [`ocrs_engine`] glue the stages into the two engines. [`heap`] keeps the runtime's freed
//! buffers from staying resident as region sizes change.

pub mod detection;
pub mod error;
pub mod hard_swish;
pub mod heap;
pub mod layout;
pub use layout::TextDirection;
pub mod models;
pub mod ocrs_engine;
pub mod postprocess;
pub mod ppocr;
pub mod preprocess;
pub mod recognition;
pub mod small_kana;
pub mod staged;
pub mod subnormal;
pub mod workers;

use std::path::PathBuf;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::lang::Lang;

pub use error::OcrError;
pub use models::ModelLocations;
pub use ocrs_engine::OcrsParams;
pub use ppocr::PpOcrParams;

/// Which OCR engine to use; stored in the settings as `"ppocr"` or `"ocrs"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EngineKind {
    /// PaddleOCR PP-OCR models on rten: Japanese, Chinese and English. The default.
    #[default]
    PpOcr,
    /// The ocrs engine and models: Latin script only.
    Ocrs,
}

impl EngineKind {
    /// The name used in settings and on the command line.
    pub fn name(self) -> &'static str {
        match self {
            EngineKind::PpOcr => "ppocr",
            EngineKind::Ocrs => "ocrs",
        }
    }
}

impl std::fmt::Display for EngineKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl std::str::FromStr for EngineKind {
    type Err = OcrError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "ppocr" | "pp-ocr" | "paddle" => Ok(EngineKind::PpOcr),
            "ocrs" => Ok(EngineKind::Ocrs),
            _ => Err(OcrError::UnknownEngine(s.to_string())),
        }
    }
}

/// Everything needed to build an engine: where the models are and how each stage behaves.
#[derive(Debug, Clone, Default)]
pub struct EngineParams {
    /// Where to look for model files, in order (configured dir, next to the executable, the repo).
    pub locations: ModelLocations,
    /// Settings of the PP-OCR engine.
    pub ppocr: PpOcrParams,
    /// Settings of the ocrs engine (model download).
    pub ocrs: OcrsParams,
}

impl EngineParams {
    /// Default parameters, with `dir` searched first for model files.
    pub fn with_models_dir(dir: impl Into<PathBuf>) -> EngineParams {
        EngineParams {
            locations: ModelLocations {
                configured_dir: Some(dir.into()),
                ..Default::default()
            },
            ..Default::default()
        }
    }
}

/// Options of one recognition call.
#[derive(Debug, Clone, Default)]
pub struct RecognizeOptions {
    /// The source language: drives spacing and punctuation rules. `Auto` guesses per line from the script.
    pub lang: Lang,
    /// Which way the text runs (columns right to left when vertical).
    pub direction: TextDirection,
    /// Keep furigana (small readings over kanji). They are left out of Japanese text (and text of an unknown
    /// language) unless this is set.
    pub keep_furigana: bool,
}

impl RecognizeOptions {
    /// Options for `lang`, everything else as by default.
    pub fn for_lang(lang: Lang) -> RecognizeOptions {
        RecognizeOptions {
            lang,
            ..RecognizeOptions::default()
        }
    }

    /// Whether furigana are left out.
    pub fn drop_furigana(&self) -> bool {
        !self.keep_furigana && matches!(self.lang, Lang::Japanese | Lang::Auto)
    }
}

/// A point in image pixel coordinates (x to the right, y down).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Point {
    /// Horizontal position in pixels.
    pub x: f32,
    /// Vertical position in pixels.
    pub y: f32,
}

/// An axis-aligned rectangle in image pixel coordinates.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Rect {
    /// Left edge in pixels.
    pub x: f32,
    /// Top edge in pixels.
    pub y: f32,
    /// Width in pixels.
    pub width: f32,
    /// Height in pixels.
    pub height: f32,
}

impl Rect {
    /// The smallest rectangle holding all `points`.
    pub fn bounding(points: &[Point]) -> Rect {
        let (mut x0, mut y0, mut x1, mut y1) = (f32::MAX, f32::MAX, f32::MIN, f32::MIN);
        for p in points {
            x0 = x0.min(p.x);
            y0 = y0.min(p.y);
            x1 = x1.max(p.x);
            y1 = y1.max(p.y);
        }
        if points.is_empty() {
            return Rect {
                x: 0.0,
                y: 0.0,
                width: 0.0,
                height: 0.0,
            };
        }
        Rect {
            x: x0,
            y: y0,
            width: x1 - x0,
            height: y1 - y0,
        }
    }

    /// The rectangle's bottom edge.
    pub fn bottom(&self) -> f32 {
        self.y + self.height
    }

    /// The rectangle's right edge.
    pub fn right(&self) -> f32 {
        self.x + self.width
    }

    /// The smallest rectangle holding both.
    pub fn union(&self, other: &Rect) -> Rect {
        let x = self.x.min(other.x);
        let y = self.y.min(other.y);
        Rect {
            x,
            y,
            width: self.right().max(other.right()) - x,
            height: self.bottom().max(other.bottom()) - y,
        }
    }
}

/// One recognised line of text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OcrLine {
    /// The text, after language post-processing.
    pub text: String,
    /// The line's corners clockwise from top-left, in image pixels (a rotated rectangle).
    pub quad: [Point; 4],
    /// The axis-aligned bounding box of `quad`.
    pub rect: Rect,
    /// Mean per-character probability in 0..=1; `None` when the engine gives none (ocrs).
    pub confidence: Option<f32>,
}

/// Time spent in each stage of one recognition call (model loading excluded).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct StageTimings {
    /// Preprocessing, detector run and box extraction.
    pub detect: Duration,
    /// Line crops, recogniser runs and decoding.
    pub recognize: Duration,
    /// Reading order and language post-processing.
    pub post: Duration,
}

impl StageTimings {
    /// Detect + recognize + post-processing.
    pub fn total(&self) -> Duration {
        self.detect + self.recognize + self.post
    }
}

/// The result of one recognition call.
#[derive(Debug, Clone, Default)]
pub struct OcrOutput {
    /// Lines in reading order: top to bottom, left to right.
    pub lines: Vec<OcrLine>,
    /// Where the time went.
    pub timings: StageTimings,
}

impl OcrOutput {
    /// The same lines in the coordinates of an image `sx` times as wide and `sy` times as high (the image that
    /// was scaled down before it was read).
    pub fn scaled(mut self, sx: f32, sy: f32) -> OcrOutput {
        for line in &mut self.lines {
            for p in &mut line.quad {
                p.x *= sx;
                p.y *= sy;
            }
            line.rect = Rect {
                x: line.rect.x * sx,
                y: line.rect.y * sy,
                width: line.rect.width * sx,
                height: line.rect.height * sy,
            };
        }
        self
    }

    /// All lines joined with newlines.
    pub fn text(&self) -> String {
        self.lines
            .iter()
            .map(|l| l.text.as_str())
            .collect::<Vec<_>>()
            .join("\n")
    }
}

/// An OCR engine: image in, lines out.
pub trait OcrEngine: Send {
    /// Reads the text of `image`. An image without text gives an empty output, not an error.
    fn recognize(
        &mut self,
        image: &image::RgbaImage,
        opts: &RecognizeOptions,
    ) -> Result<OcrOutput, OcrError>;

    /// Which engine this is.
    fn kind(&self) -> EngineKind;
}

/// Builds an engine, loading and verifying its model files. The first call also bounds the process's malloc
/// arenas ([`heap::bound`]). The engine reads images larger than [`crate::images::MAX_OCR_PIXELS`] (a capture
/// of a very large screen) scaled down to it, and gives their lines in the image's own pixels.
pub fn load_engine(
    kind: EngineKind,
    params: &EngineParams,
) -> Result<Box<dyn OcrEngine>, OcrError> {
    heap::bound();
    let engine: Box<dyn OcrEngine> = match kind {
        EngineKind::PpOcr => Box::new(ppocr::PpOcrEngine::load(&params.locations, &params.ppocr)?),
        EngineKind::Ocrs => Box::new(ocrs_engine::OcrsEngine::load(
            &params.locations,
            &params.ocrs,
        )?),
    };
    Ok(Box::new(Bounded(engine)))
}

/// An engine that reads images over [`crate::images::MAX_OCR_PIXELS`] scaled down: every image OCR reads, from
/// a file, a capture or the region selector, passes here.
pub struct Bounded(pub Box<dyn OcrEngine>);

impl OcrEngine for Bounded {
    fn recognize(
        &mut self,
        image: &image::RgbaImage,
        opts: &RecognizeOptions,
    ) -> Result<OcrOutput, OcrError> {
        let Some(small) = crate::images::fit_for_ocr(image) else {
            return self.0.recognize(image, opts);
        };
        tracing::debug!(
            from = ?image.dimensions(),
            to = ?small.dimensions(),
            "image scaled down for OCR"
        );
        let sx = image.width() as f32 / small.width() as f32;
        let sy = image.height() as f32 / small.height() as f32;
        Ok(self.0.recognize(&small, opts)?.scaled(sx, sy))
    }

    fn kind(&self) -> EngineKind {
        self.0.kind()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn engine_kind_serializes_lowercase() {
        #[derive(Serialize, Deserialize)]
        struct S {
            engine: EngineKind,
        }
        let s = toml::to_string(&S {
            engine: EngineKind::PpOcr,
        })
        .unwrap();
        assert_eq!(s.trim(), "engine = \"ppocr\"");
        let back: S = toml::from_str("engine = \"ocrs\"").unwrap();
        assert_eq!(back.engine, EngineKind::Ocrs);
        assert_eq!("PPOCR".parse::<EngineKind>().unwrap(), EngineKind::PpOcr);
        assert!("tesseract".parse::<EngineKind>().is_err());
    }

    /// Says the size of the image it was given, with one line over all of it.
    struct Measures(std::sync::Arc<std::sync::Mutex<Vec<(u32, u32)>>>);
    impl OcrEngine for Measures {
        fn recognize(
            &mut self,
            image: &image::RgbaImage,
            _: &RecognizeOptions,
        ) -> Result<OcrOutput, OcrError> {
            self.0.lock().unwrap().push(image.dimensions());
            let (w, h) = (image.width() as f32, image.height() as f32);
            let quad = [
                Point { x: 0.0, y: 0.0 },
                Point { x: w, y: 0.0 },
                Point { x: w, y: h },
                Point { x: 0.0, y: h },
            ];
            Ok(OcrOutput {
                lines: vec![OcrLine {
                    text: "x".into(),
                    rect: Rect::bounding(&quad),
                    quad,
                    confidence: None,
                }],
                timings: StageTimings::default(),
            })
        }
        fn kind(&self) -> EngineKind {
            EngineKind::PpOcr
        }
    }

    #[test]
    fn a_capture_larger_than_ocr_reads_is_read_scaled_down_in_its_own_coordinates() {
        let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let mut engine = Bounded(Box::new(Measures(seen.clone())));
        let opts = RecognizeOptions::default();
        let small = engine
            .recognize(&image::RgbaImage::new(640, 120), &opts)
            .unwrap();
        assert_eq!(small.lines[0].rect.width, 640.0);
        // 6000×4000 = 24 megapixels, a desktop of three large screens.
        let big = engine
            .recognize(&image::RgbaImage::new(6000, 4000), &opts)
            .unwrap();
        let (w, h) = seen.lock().unwrap()[1];
        assert!(
            u64::from(w) * u64::from(h) <= crate::images::MAX_OCR_PIXELS,
            "{w}×{h}"
        );
        let r = big.lines[0].rect;
        assert!(
            (r.width - 6000.0).abs() < 1.0 && (r.height - 4000.0).abs() < 1.0,
            "{r:?}"
        );
        assert_eq!(
            big.lines[0].quad[2],
            Point {
                x: r.width,
                y: r.height
            }
        );
    }

    #[test]
    fn rect_bounding_and_union() {
        let r = Rect::bounding(&[Point { x: 3.0, y: 4.0 }, Point { x: 1.0, y: 9.0 }]);
        assert_eq!((r.x, r.y, r.width, r.height), (1.0, 4.0, 2.0, 5.0));
        let u = r.union(&Rect {
            x: 0.0,
            y: 0.0,
            width: 1.0,
            height: 1.0,
        });
        assert_eq!((u.x, u.y, u.right(), u.bottom()), (0.0, 0.0, 3.0, 9.0));
    }
}
