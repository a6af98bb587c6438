//! `ocrlay ocr IMAGE` / `ocrlay ocr --region X,Y,W,H`: recognise the text of an image file or of a part of the
//! screen and print it.

use std::io::Write;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use anyhow::Context;
use clap::Args;
use ocrlay::capture::{self, Rect};
use ocrlay::lang::Lang;
use ocrlay::ocr::TextDirection;
use ocrlay::ocr::{load_engine, EngineKind, EngineParams, OcrOutput, RecognizeOptions};

/// Arguments of `ocrlay ocr`.
#[derive(Debug, Args)]
pub struct OcrArgs {
    /// The image file to read (PNG, JPEG, BMP or WebP); `-` reads it from standard input.
    #[arg(required_unless_present = "region", conflicts_with = "region")]
    pub image: Option<PathBuf>,
    /// Read this part of the screen instead of a file: X,Y,WIDTH,HEIGHT in physical pixels of the desktop
    /// (or of the monitor given with --monitor).
    #[arg(long, value_name = "X,Y,W,H", value_parser = parse_region, allow_hyphen_values = true)]
    pub region: Option<Rect>,
    /// With --region: the coordinates are relative to this monitor (0 is the first; see the list in the error
    /// of a wrong number).
    #[arg(
        long,
        value_name = "N",
        requires = "region",
        allow_negative_numbers = true
    )]
    pub monitor: Option<i64>,
    /// With --region, on Windows: how the screen is read — auto (GDI, then Windows.Graphics.Capture for a
    /// frame GDI reads as one colour), gdi or wgc. Other systems have one way.
    #[arg(long, value_name = "METHOD", requires = "region", value_parser = parse_method)]
    pub capture: Option<capture::Method>,
    /// OCR engine: ppocr (Japanese, Chinese, English; default) or ocrs (Latin only).
    #[arg(long, default_value = "ppocr", value_parser = parse_engine)]
    pub engine: EngineKind,
    /// Print JSON with each line's box and confidence instead of plain text.
    #[arg(long)]
    pub json: bool,
    /// Print stage timings to stderr: `timings: load=… detect=… recognize=… total=…`.
    #[arg(long)]
    pub timings: bool,
    /// Source language for post-processing: auto, ja, zh, en (also zh-TW).
    #[arg(long, default_value = "auto", value_parser = parse_lang)]
    pub lang: Lang,
    /// Which way the text runs: auto, horizontal, vertical (columns right to left).
    #[arg(long, default_value = "auto", value_parser = parse_direction)]
    pub direction: TextDirection,
    /// Keep furigana (small readings over kanji; left out of Japanese text by default).
    #[arg(long)]
    pub keep_furigana: bool,
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
    /// Narrowest recognition input in pixels at 48 px height (for measuring padding; PaddleOCR's is 320).
    #[arg(long, hide = true)]
    pub rec_min_width: Option<u32>,
    /// Run recognition this many times and report the median timings (for benchmarks).
    #[arg(long, hide = true, default_value_t = 1)]
    pub repeat: usize,
}

fn parse_engine(s: &str) -> Result<EngineKind, String> {
    s.parse().map_err(|e: ocrlay::ocr::OcrError| e.to_string())
}

fn parse_method(s: &str) -> Result<capture::Method, String> {
    toml::Value::String(s.to_string())
        .try_into()
        .map_err(|_| format!("{s}: use auto, gdi or wgc"))
}

fn parse_direction(s: &str) -> Result<TextDirection, String> {
    TextDirection::from_name(s).ok_or_else(|| format!("{s}: use auto, horizontal or vertical"))
}

fn parse_lang(s: &str) -> Result<Lang, String> {
    let lang: Lang = s
        .parse()
        .map_err(|e: ocrlay::lang::UnknownLang| e.to_string())?;
    lang.check_readable().map_err(|e| e.to_string())?;
    Ok(lang)
}

/// `X,Y,W,H` (spaces allowed; X and Y may be negative, left of or above the primary monitor).
fn parse_region(s: &str) -> Result<Rect, String> {
    let parts: Vec<&str> = s.split(',').map(str::trim).collect();
    let bad =
        || format!("'{s}' is not a region: give X,Y,WIDTH,HEIGHT, for example 100,200,640,120");
    let [x, y, w, h] = parts.as_slice() else {
        return Err(bad());
    };
    let (x, y) = (x.parse().map_err(|_| bad())?, y.parse().map_err(|_| bad())?);
    let (width, height): (u32, u32) =
        (w.parse().map_err(|_| bad())?, h.parse().map_err(|_| bad())?);
    if width == 0 || height == 0 {
        return Err(format!("'{s}': the width and height must be at least 1"));
    }
    Ok(Rect {
        x,
        y,
        width,
        height,
    })
}

/// Captures `region` (relative to monitor `monitor` when given) from the screen.
fn capture_screen(region: Rect, monitor: Option<i64>) -> anyhow::Result<image::RgbaImage> {
    let region = match monitor {
        None => region,
        Some(n) => {
            let m = find_monitor(n)?;
            Rect {
                x: m.rect.x.saturating_add(region.x),
                y: m.rect.y.saturating_add(region.y),
                ..region
            }
        }
    };
    capture::capture_region(region)
        .with_context(|| format!("cannot capture the screen region {region}"))
}

/// Monitor `n` of the list, or an error that lists the monitors there are.
fn find_monitor(n: i64) -> anyhow::Result<capture::MonitorInfo> {
    let monitors = match capture::monitors() {
        Ok(m) => m,
        Err(e) => {
            anyhow::bail!("cannot use --monitor {n}: the monitors cannot be listed ({e})")
        }
    };
    let found = usize::try_from(n).ok().and_then(|i| monitors.get(i));
    if let Some(m) = found {
        return Ok(m.clone());
    }
    let list: Vec<String> = monitors
        .iter()
        .enumerate()
        .map(|(i, m)| {
            format!("{i}: {} {} ", m.name, m.rect)
                .trim_end()
                .to_string()
        })
        .collect();
    anyhow::bail!(
        "there is no monitor {n}: give --monitor a number from 0 to {}; the monitors are: {}",
        monitors.len().saturating_sub(1),
        list.join("; ")
    )
}

fn ms(d: Duration) -> u128 {
    d.as_millis()
}

/// Runs `ocrlay ocr`.
pub fn run(args: OcrArgs) -> anyhow::Result<()> {
    // The image, what it is in words, and how many pixels of the stored image make one of `image` (a large
    // image is read scaled down: its boxes are given in the stored image's pixels).
    let (image, what, (sx, sy)) = match (&args.image, args.region) {
        (_, Some(region)) => (
            {
                capture::set_method(args.capture.unwrap_or_default());
                capture_screen(region, args.monitor)?
            },
            format!("the screen region {region}"),
            (1.0, 1.0),
        ),
        (Some(path), None) => {
            let decoded = read_image(path)?;
            let scale = decoded.scale_to_source();
            (decoded.image, path.display().to_string(), scale)
        }
        (None, None) => {
            anyhow::bail!("give an image file, - for standard input, or --region X,Y,W,H")
        }
    };

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

    if let Some(w) = args.rec_min_width {
        params.ppocr.recognition.min_width = w;
    }

    // Every --repeat run reads the same image: reusing the last read would time nothing.
    params.ppocr.reuse_unchanged = false;

    let load_start = Instant::now();
    let mut engine = load_engine(args.engine, &params)
        .with_context(|| format!("cannot start the {} OCR engine", args.engine))?;
    let load = load_start.elapsed();

    let opts = RecognizeOptions {
        direction: args.direction,
        keep_furigana: args.keep_furigana,
        ..RecognizeOptions::for_lang(args.lang)
    };
    let mut runs: Vec<OcrOutput> = Vec::new();
    for _ in 0..args.repeat.max(1) {
        let out = engine
            .recognize(&image, &opts)
            .with_context(|| format!("OCR of {what} failed"))?;
        runs.push(out);
    }
    runs.sort_by_key(|o| o.timings.total());
    let output = runs.swap_remove(runs.len() / 2).scaled(sx, sy);
    let output = &output;

    let mut stdout = std::io::stdout().lock();
    if args.json {
        // Which model files were read (a package test checks an installed ocrlay uses its own).
        let detection_model = match args.engine {
            EngineKind::PpOcr => params
                .locations
                .find(&params.ppocr.det_model, "")
                .ok()
                .map(|p| p.display().to_string()),
            EngineKind::Ocrs => None,
        };
        let json = serde_json::json!({
            "engine": args.engine,
            "detection_model": detection_model,
            "width": (image.width() as f32 * sx).round() as u32,
            "height": (image.height() as f32 * sy).round() as u32,
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

/// Reads the image file at `path`, or standard input for `-`: bounded in bytes and in pixels
/// ([`ocrlay::images`]), scaled down when larger than OCR reads.
fn read_image(path: &std::path::Path) -> anyhow::Result<ocrlay::images::Decoded> {
    if path.as_os_str() == "-" {
        return ocrlay::images::read_stream(std::io::stdin().lock())
            .map_err(|e| match e {
                ocrlay::images::ImageReadError::File(f) => {
                    ocrlay::images::ImageReadError::File(f.for_path("standard input".as_ref()))
                }
                e => e,
            })
            .context("cannot read the image from standard input");
    }
    ocrlay::images::read_file(path).with_context(|| format!("cannot read image {}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regions_parse() {
        assert_eq!(
            parse_region("100, 200,640,120"),
            Ok(Rect {
                x: 100,
                y: 200,
                width: 640,
                height: 120
            })
        );
        assert_eq!(
            parse_region("-1920,-40,10,10").map(|r| (r.x, r.y)),
            Ok((-1920, -40))
        );
        for bad in ["1,2,3", "a,b,c,d", "1,2,3,4,5", "1,2,-3,4", "1,2,0,4"] {
            assert!(parse_region(bad).is_err(), "{bad}");
        }
    }
}
