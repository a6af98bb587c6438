//! `ocrlay ocr IMAGE`: recognise the text of an image file and print it.

use clap::Args;
use std::path::PathBuf;

/// Arguments of `ocrlay ocr`.
#[derive(Debug, Args)]
pub struct OcrArgs {
    /// The image file to read (PNG, JPEG, BMP or WebP).
    pub image: PathBuf,
}

/// Runs `ocrlay ocr`.
pub fn run(args: OcrArgs) -> anyhow::Result<()> {
    anyhow::bail!("OCR is not built yet (image {})", args.image.display())
}
