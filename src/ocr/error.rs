//! The typed errors of local OCR.

use std::path::PathBuf;

/// Why OCR could not be set up or run.
#[derive(Debug, thiserror::Error)]
pub enum OcrError {
    /// A model file is in none of the searched places.
    #[error(
        "OCR model file '{file}' not found (looked in: {searched}). {hint}",
        searched = display_paths(searched)
    )]
    ModelMissing {
        /// The file name that was looked for.
        file: String,
        /// Every path that was tried.
        searched: Vec<PathBuf>,
        /// What the user can do about it.
        hint: String,
    },
    /// A model file exists but its content is not the expected one.
    #[error(
        "OCR model file {path} is corrupt or a different version: sha256 {actual}, expected {expected}. \
         Re-fetch it with scripts/fetch-models.sh (or replace it with the file named in models/PROVENANCE.md)"
    )]
    ModelChecksum {
        /// The file that failed the check.
        path: PathBuf,
        /// The sha256 it should have.
        expected: String,
        /// The sha256 it has.
        actual: String,
    },
    /// A model file could not be read.
    #[error("cannot read OCR model file {path}: {source}")]
    ModelRead {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// rten could not parse a model file.
    #[error("cannot load OCR model {path}: {reason}")]
    ModelLoad {
        /// The file.
        path: PathBuf,
        /// rten's message.
        reason: String,
    },
    /// A model does not have the inputs/outputs this engine expects, or its dictionary does not match it.
    #[error("OCR model {name} does not fit: {reason}")]
    ModelMismatch {
        /// The model file name.
        name: String,
        /// What is wrong.
        reason: String,
    },
    /// A model name in the settings is not one ocrlay knows.
    #[error("unknown OCR model '{name}' (known: {known})")]
    UnknownModel {
        /// The name given.
        name: String,
        /// The names ocrlay knows.
        known: String,
    },
    /// An engine name in the settings is not one ocrlay knows.
    #[error("unknown OCR engine '{0}' (expected ppocr or ocrs)")]
    UnknownEngine(String),
    /// Downloading a model file failed.
    #[error("cannot download OCR model from {url}: {reason}")]
    Fetch {
        /// Where it was fetched from.
        url: String,
        /// What went wrong.
        reason: String,
    },
    /// Running a model failed.
    #[error("OCR inference failed in {stage}: {reason}")]
    Inference {
        /// `detection` or `recognition`.
        stage: &'static str,
        /// The runtime's message.
        reason: String,
    },
}

impl OcrError {
    /// The message in the UI's language: Chinese when `zh` (paths, file names and the engine's own words are
    /// kept as they are), else the English of `Display`.
    pub fn message(&self, zh: bool) -> String {
        if !zh {
            return self.to_string();
        }
        match self {
            OcrError::ModelMissing {
                file,
                searched,
                hint,
            } => format!(
                "找不到 OCR 模型文件“{file}”（找过：{}）。{hint}",
                display_paths(searched)
            ),
            OcrError::ModelChecksum {
                path,
                expected,
                actual,
            } => format!(
                "OCR 模型文件 {} 已损坏或版本不对：sha256 为 {actual}，应为 {expected}。请用 scripts/fetch-models.sh 重新获取（或换成 models/PROVENANCE.md 里写明的文件）",
                path.display()
            ),
            OcrError::ModelRead { path, source } => {
                format!("无法读取 OCR 模型文件 {}：{source}", path.display())
            }
            OcrError::ModelLoad { path, reason } => {
                format!("无法加载 OCR 模型 {}：{reason}", path.display())
            }
            OcrError::ModelMismatch { name, reason } => format!("OCR 模型 {name} 不匹配：{reason}"),
            OcrError::UnknownModel { name, known } => {
                format!("未知的 OCR 模型“{name}”（可用：{known}）")
            }
            OcrError::UnknownEngine(name) => format!("未知的 OCR 引擎“{name}”（应为 ppocr 或 ocrs）"),
            OcrError::Fetch { url, reason } => format!("无法从 {url} 下载 OCR 模型：{reason}"),
            OcrError::Inference { stage, reason } => format!("OCR 在 {stage} 阶段出错：{reason}"),
        }
    }
}

fn display_paths(paths: &[PathBuf]) -> String {
    if paths.is_empty() {
        return "nowhere".to_string();
    }
    paths
        .iter()
        .map(|p| p.display().to_string())
        .collect::<Vec<_>>()
        .join(", ")
}
