//! `ocrlay ocr IMAGE`: recognise the text of an image file and print it.

use std::io::Write;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use anyhow::Context;
use clap::Args;
use ocrlay::lang::Lang;
use ocrlay::ocr::{load_engine, EngineKind, EngineParams, OcrOutput, RecognizeOptions};

/// Arguments of `ocrlay ocr`.
#[derive(Debug, Args)]
pub struct OcrArgs {
    /// The image file to read (PNG, JPEG, BMP or WebP).
    pub image: PathBuf,
    /// OCR engine: ppocr (Japanese, Chinese, English; default) or ocrs (Latin only).
    #[arg(long, default_value = "ppocr", value_parser = parse_engine)]
    pub engine: EngineKind,
    /// Print JSON with each line's box and confidence instead of plain text.
    #[arg(long)]
    pub json: bool,
    /// Print stage timings to stderr: `timings: load=… detect=… recognize=… total=…`.
    #[arg(long)]
    pub timings: bool,
    /// Source language for post-processing: auto, ja, zh, en (also zh-TW, ko).
    #[arg(long, default_value = "auto", value_parser = parse_lang)]
    pub lang: Lang,
    /// Directory searched first for model files.
    #[arg(long, value_name = "DIR")]
    pub models: Option<PathBuf>,
    /// PP-OCR detection model file name (for comparing models).
    #[arg(long, hide = true)]
    pub det_model: Option<String>,
    /// PP-OCR recognition model file name (for comparing models).
    #[arg(long, hide = true)]
    pub rec_model: Option<String>,
    /// Extra detector scale factor (for measuring preprocessing).
    #[arg(long, hide = true)]
    pub det_scale: Option<f32>,
    /// Border added around the image before detection, in pixels (for measuring preprocessing).
    #[arg(long, hide = true)]
    pub det_border: Option<u32>,
    /// Invert light-on-dark line crops before recognition (for measuring preprocessing).
    #[arg(long, hide = true)]
    pub invert: Option<bool>,
    /// Recognition batch size and width ratio, `N:R` (for measuring batching).
    #[arg(long, hide = true)]
    pub rec_batch: Option<String>,
    /// Run recognition this many times and report the median timings (for benchmarks).
    #[arg(long, hide = true, default_value_t = 1)]
    pub repeat: usize,
}

fn parse_engine(s: &str) -> Result<EngineKind, String> {
    s.parse().map_err(|e: ocrlay::ocr::OcrError| e.to_string())
}

fn parse_lang(s: &str) -> Result<Lang, String> {
    s.parse()
        .map_err(|e: ocrlay::lang::UnknownLang| e.to_string())
}

fn ms(d: Duration) -> u128 {
    d.as_millis()
}

/// Runs `ocrlay ocr`.
pub fn run(args: OcrArgs) -> anyhow::Result<()> {
    let image = image::ImageReader::open(&args.image)
        .with_context(|| format!("cannot open image {}", args.image.display()))?
        .with_guessed_format()
        .with_context(|| format!("cannot read image {}", args.image.display()))?
        .decode()
        .with_context(|| format!("cannot decode image {}", args.image.display()))?
        .into_rgba8();

    let mut params = match &args.models {
        Some(dir) => EngineParams::with_models_dir(dir),
        None => EngineParams::default(),
    };
    if let Some(det) = &args.det_model {
        params.ppocr.det_model = det.clone();
    }
    if let Some(rec) = &args.rec_model {
        params.ppocr.rec_model = rec.clone();
    }
    if let Some(scale) = args.det_scale {
        params.ppocr.detection.input.scale = scale;
    }
    if let Some(border) = args.det_border {
        params.ppocr.detection.input.border = border;
    }
    if let Some(invert) = args.invert {
        params.ppocr.recognition.invert_light_on_dark = invert;
    }

    if let Some(spec) = &args.rec_batch {
        let (n, r) = spec.split_once(':').unwrap_or((spec, "1.3"));
        params.ppocr.recognition.batch_size = n.parse().context("--rec-batch N:R")?;
        params.ppocr.recognition.batch_width_ratio = r.parse().context("--rec-batch N:R")?;
    }

    let load_start = Instant::now();
    let mut engine = load_engine(args.engine, &params)
        .with_context(|| format!("cannot start the {} OCR engine", args.engine))?;
    let load = load_start.elapsed();

    let opts = RecognizeOptions { lang: args.lang };
    let mut runs: Vec<OcrOutput> = Vec::new();
    for _ in 0..args.repeat.max(1) {
        let out = engine
            .recognize(&image, &opts)
            .with_context(|| format!("OCR of {} failed", args.image.display()))?;
        runs.push(out);
    }
    runs.sort_by_key(|o| o.timings.total());
    let output = &runs[runs.len() / 2];

    let mut stdout = std::io::stdout().lock();
    if args.json {
        let json = serde_json::json!({
            "engine": args.engine,
            "width": image.width(),
            "height": image.height(),
            "lines": output.lines,
        });
        writeln!(stdout, "{}", serde_json::to_string_pretty(&json)?)?;
    } else {
        for line in &output.lines {
            writeln!(stdout, "{}", line.text)?;
        }
    }
    stdout.flush()?;
    if args.timings {
        let t = &output.timings;
        eprintln!(
            "timings: load={}ms detect={}ms recognize={}ms total={}ms",
            ms(load),
            ms(t.detect),
            ms(t.recognize),
            ms(t.total())
        );
    }
    Ok(())
}
