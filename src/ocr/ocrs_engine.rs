//! The ocrs engine (Latin script only), with its official models fetched on first use into the cache
//! directory, or found in a models directory.

use std::path::{Path, PathBuf};
use std::time::Instant;

use image::RgbaImage;
use ocrs::{ImageSource, OcrEngineParams, TextItem};

use super::models::{self, Fetcher, HttpFetcher, ModelLocations};
use super::{
    postprocess, EngineKind, OcrEngine, OcrError, OcrLine, OcrOutput, Point, RecognizeOptions,
    Rect, StageTimings,
};

/// The ocrs detection model's file name.
pub const OCRS_DET_FILE: &str = "text-detection.rten";
/// The ocrs recognition model's file name.
pub const OCRS_REC_FILE: &str = "text-recognition.rten";
/// Where the ocrs project publishes its models.
pub const OCRS_MODEL_URL_BASE: &str = "https://ocrs-models.s3-accelerate.amazonaws.com";

/// Settings of the ocrs engine.
#[derive(Debug, Clone, PartialEq)]
pub struct OcrsParams {
    /// Base URL the model files are downloaded from (`<base>/text-detection.rten`).
    pub url_base: String,
    /// Whether missing files may be downloaded.
    pub allow_download: bool,
    /// Where downloaded files go; `None` means the user cache dir (`~/.cache/ocrlay/models` on Linux).
    pub cache_dir: Option<PathBuf>,
}

impl Default for OcrsParams {
    fn default() -> Self {
        OcrsParams {
            url_base: OCRS_MODEL_URL_BASE.to_string(),
            allow_download: true,
            cache_dir: None,
        }
    }
}

impl OcrsParams {
    /// The directory downloaded models are kept in.
    pub fn cache_dir(&self) -> Option<PathBuf> {
        self.cache_dir
            .clone()
            .or_else(|| Some(crate::paths::Places::current().cache_dir.join("models")))
    }
}

/// Finds `name` in the model directories or the cache, or downloads it into the cache.
pub fn locate_or_fetch(
    name: &str,
    locations: &ModelLocations,
    params: &OcrsParams,
    fetcher: &dyn Fetcher,
) -> Result<rten::Model, OcrError> {
    let cache = params.cache_dir();
    let mut dirs = locations.search_dirs();
    dirs.extend(cache.clone());
    if let Some(path) = dirs.iter().map(|d| d.join(name)).find(|p| p.is_file()) {
        let bytes = std::fs::read(&path).map_err(|source| OcrError::ModelRead {
            path: path.clone(),
            source,
        })?;
        return models::check_recorded_hash(&path, &bytes)
            .and_then(|()| models::load_rten(&path, bytes))
            .map_err(|e| match e {
                OcrError::ModelLoad { path, reason } => OcrError::ModelLoad {
                    reason: format!("{reason}; delete it to download it again"),
                    path,
                },
                other => other,
            });
    }
    let url = format!("{}/{name}", params.url_base.trim_end_matches('/'));
    let put_it = |why: String| OcrError::ModelMissing {
        file: name.to_string(),
        searched: dirs.iter().map(|d| d.join(name)).collect(),
        hint: format!(
            "{why} Download {url} yourself and put it in {}.",
            cache
                .as_deref()
                .or(locations.configured_dir.as_deref())
                .map(Path::display)
                .map(|d| d.to_string())
                .unwrap_or_else(|| "the models directory next to ocrlay".to_string())
        ),
    };
    if !params.allow_download {
        return Err(put_it("Downloading is turned off.".to_string()));
    }
    let Some(dest) = cache.as_ref().map(|c| c.join(name)) else {
        return Err(put_it(
            "There is no cache directory to download it to.".to_string(),
        ));
    };
    models::fetch_model(fetcher, &url, &dest)
        .map_err(|e| put_it(format!("Downloading it failed: {e}.")))
}

/// ocrs with its detection and recognition models.
pub struct OcrsEngine {
    engine: ocrs::OcrEngine,
}

impl OcrsEngine {
    /// Finds or downloads the models and builds the engine.
    pub fn load(locations: &ModelLocations, params: &OcrsParams) -> Result<OcrsEngine, OcrError> {
        Self::load_with(locations, params, &HttpFetcher)
    }

    /// Like [`OcrsEngine::load`], with a given way to download.
    pub fn load_with(
        locations: &ModelLocations,
        params: &OcrsParams,
        fetcher: &dyn Fetcher,
    ) -> Result<OcrsEngine, OcrError> {
        let det = locate_or_fetch(OCRS_DET_FILE, locations, params, fetcher)?;
        let rec = locate_or_fetch(OCRS_REC_FILE, locations, params, fetcher)?;
        let engine = ocrs::OcrEngine::new(OcrEngineParams {
            detection_model: Some(det),
            recognition_model: Some(rec),
            ..Default::default()
        })
        .map_err(|e| OcrError::ModelMismatch {
            name: "ocrs".to_string(),
            reason: format!("{e:#}"),
        })?;
        Ok(OcrsEngine { engine })
    }
}

fn inference(stage: &'static str) -> impl Fn(anyhow::Error) -> OcrError {
    move |e| OcrError::Inference {
        stage,
        reason: format!("{e:#}"),
    }
}

impl OcrEngine for OcrsEngine {
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
        let source = ImageSource::from_bytes(rgb.as_raw(), rgb.dimensions()).map_err(|e| {
            OcrError::Inference {
                stage: "detection",
                reason: e.to_string(),
            }
        })?;
        let input = self
            .engine
            .prepare_input(source)
            .map_err(inference("detection"))?;
        let words = self
            .engine
            .detect_words(&input)
            .map_err(inference("detection"))?;
        let line_rects = self.engine.find_text_lines(&input, &words);
        timings.detect = start.elapsed();

        let start = Instant::now();
        let lines = self
            .engine
            .recognize_text(&input, &line_rects)
            .map_err(inference("recognition"))?;
        super::heap::release(image.dimensions());
        timings.recognize = start.elapsed();

        let start = Instant::now();
        let lines = lines
            .into_iter()
            .flatten()
            .filter_map(|line| {
                let text = postprocess::apply(&line.to_string(), opts.lang);
                if text.is_empty() {
                    return None;
                }
                let corners = line.rotated_rect().corners();
                let mut quad = corners.map(|p| Point { x: p.x, y: p.y });
                // Start at the top-left corner, clockwise.
                quad.sort_by(|a, b| (a.x + a.y).total_cmp(&(b.x + b.y)));
                let [tl, m1, m2, br] = quad;
                let (tr, bl) = if m1.x > m2.x { (m1, m2) } else { (m2, m1) };
                let quad = [tl, tr, br, bl];
                Some(OcrLine {
                    text,
                    rect: Rect::bounding(&quad),
                    quad,
                    confidence: None,
                })
            })
            .collect();
        timings.post = start.elapsed();
        Ok(OcrOutput { lines, timings })
    }

    fn kind(&self) -> EngineKind {
        EngineKind::Ocrs
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Offline;
    impl Fetcher for Offline {
        fn fetch(&self, _url: &str) -> Result<Vec<u8>, String> {
            Err("network unreachable".to_string())
        }
    }

    #[test]
    fn missing_models_error_says_where_to_put_them() {
        let models = tempfile::tempdir().unwrap();
        let cache = tempfile::tempdir().unwrap();
        let locations = ModelLocations {
            configured_dir: Some(models.path().to_path_buf()),
            only_configured: true,
        };
        let params = OcrsParams {
            cache_dir: Some(cache.path().to_path_buf()),
            ..Default::default()
        };
        let err = OcrsEngine::load_with(&locations, &params, &Offline)
            .err()
            .unwrap();
        let msg = err.to_string();
        assert!(msg.contains(OCRS_DET_FILE), "{msg}");
        assert!(msg.contains("network unreachable"), "{msg}");
        assert!(msg.contains(&cache.path().display().to_string()), "{msg}");
        assert!(msg.contains(OCRS_MODEL_URL_BASE), "{msg}");
    }

    #[test]
    fn download_can_be_turned_off() {
        let cache = tempfile::tempdir().unwrap();
        let params = OcrsParams {
            cache_dir: Some(cache.path().to_path_buf()),
            allow_download: false,
            ..Default::default()
        };
        let locations = ModelLocations {
            configured_dir: None,
            only_configured: true,
        };
        let err = locate_or_fetch(OCRS_REC_FILE, &locations, &params, &Offline).unwrap_err();
        assert!(err.to_string().contains("turned off"), "{err}");
    }
}
