//! OCR benchmark: timings on the dialogue boxes, CER on the golden fixtures, memory of `ocrlay ocr`, and the
//! same measurements through RapidOCR (Python, onnxruntime) in the same run when asked.
//!
//! ```text
//! cargo bench --bench ocr                                  # ocrlay only
//! cargo bench --bench ocr -- --rapidocr .venv-ocr/bin/python   # side by side with RapidOCR
//! cargo bench --bench ocr -- --det PP-OCRv6_det_small.onnx --rec ppocrv5_rec.onnx --models DIR
//! ```
//! Other flags: `--iters N` (default 15), `--det-scale F`, `--invert true|false`, `--verbose`.

#[path = "../tests/ocr_support/mod.rs"]
mod ocr_support;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use ocr_support::{cer_parts, fixtures, fixtures_dir};
use ocrlay::ocr::{load_engine, EngineKind, EngineParams, RecognizeOptions};

/// Images the timings are measured on.
const TIMED: [&str; 2] = ["ja_dialogue", "en_dialogue"];

struct Args {
    iters: usize,
    params: EngineParams,
    rapidocr: Option<String>,
    verbose: bool,
}

fn parse_args() -> Args {
    let mut args = Args {
        iters: 15,
        // Every iteration reads the same image: reusing the last read would time nothing.
        params: EngineParams {
            ppocr: ocrlay::ocr::PpOcrParams {
                reuse_unchanged: false,
                ..Default::default()
            },
            ..EngineParams::default()
        },
        rapidocr: None,
        verbose: false,
    };
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        let mut value = || it.next().expect("flag needs a value");
        match a.as_str() {
            "--iters" => args.iters = value().parse().expect("--iters N"),
            "--models" => args.params.locations.configured_dir = Some(PathBuf::from(value())),
            "--det" => args.params.ppocr.det_model = value(),
            "--rec" => args.params.ppocr.rec_model = value(),
            "--det-scale" => {
                args.params.ppocr.detection.input.scale = value().parse().expect("--det-scale F")
            }
            "--invert" => {
                args.params.ppocr.recognition.invert_light_on_dark =
                    value().parse().expect("--invert true|false")
            }
            "--rapidocr" => args.rapidocr = Some(value()),
            "--verbose" => args.verbose = true,
            // cargo bench passes --bench.
            _ => {}
        }
    }
    args
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// Peak resident memory (VmHWM) of `ocrlay ocr IMAGE`, polled from /proc while it runs.
fn peak_rss_kib(image: &Path, models: Option<&Path>) -> Option<u64> {
    let exe = env!("CARGO_BIN_EXE_ocrlay");
    let mut cmd = Command::new(exe);
    cmd.arg("ocr").arg(image);
    if let Some(dir) = models {
        cmd.arg("--models").arg(dir);
    }
    let mut child = cmd.stdout(std::process::Stdio::null()).spawn().ok()?;
    let status_path = format!("/proc/{}/status", child.id());
    let mut peak = None;
    loop {
        if let Ok(status) = std::fs::read_to_string(&status_path) {
            if let Some(line) = status.lines().find(|l| l.starts_with("VmHWM:")) {
                peak = line
                    .split_whitespace()
                    .nth(1)
                    .and_then(|v| v.parse::<u64>().ok())
                    .or(peak);
            }
        }
        if child.try_wait().ok()?.is_some() {
            return peak;
        }
        std::thread::sleep(Duration::from_millis(2));
    }
}

fn main() {
    let args = parse_args();
    let all = fixtures();
    println!("# OCR benchmark");
    println!(
        "det={} rec={} det_scale={} invert={} iters={} threads={}",
        args.params.ppocr.det_model,
        args.params.ppocr.rec_model,
        args.params.ppocr.detection.input.scale,
        args.params.ppocr.recognition.invert_light_on_dark,
        args.iters,
        std::thread::available_parallelism().map_or(0, |n| n.get())
    );

    let load_start = Instant::now();
    let mut engine = match load_engine(EngineKind::PpOcr, &args.params) {
        Ok(e) => e,
        Err(e) => {
            eprintln!("cannot load the PP-OCR engine: {e}");
            std::process::exit(1);
        }
    };
    println!("model load: {:.0} ms", ms(load_start.elapsed()));

    // Timings.
    println!(
        "\n## Timings (median of {} runs, model load excluded)\n",
        args.iters
    );
    println!("| image | engine | detect ms | recognize ms | total ms |");
    println!("|---|---|---|---|---|");
    let mut ours_total = BTreeMap::new();
    for name in TIMED {
        let path = fixtures_dir().join(format!("{name}.png"));
        let img = image::open(&path).expect("fixture").into_rgba8();
        let lang = name
            .split('_')
            .next()
            .unwrap_or("auto")
            .parse()
            .unwrap_or_default();
        let opts = RecognizeOptions::for_lang(lang);
        for _ in 0..2 {
            engine.recognize(&img, &opts).expect("warm-up");
        }
        let (mut det, mut rec, mut tot) = (Vec::new(), Vec::new(), Vec::new());
        for _ in 0..args.iters {
            let start = Instant::now();
            let out = engine.recognize(&img, &opts).expect("recognize");
            let wall = start.elapsed();
            det.push(out.timings.detect);
            rec.push(out.timings.recognize);
            tot.push(wall);
        }
        let total = median(tot);
        ours_total.insert(name, total);
        println!(
            "| {name} | ocrlay | {:.0} | {:.0} | {:.0} |",
            ms(median(det)),
            ms(median(rec)),
            ms(total)
        );
    }

    // CER.
    let mut per_lang: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    let mut per_fixture = Vec::new();
    for f in &all {
        let img = image::open(&f.image).expect("fixture").into_rgba8();
        let out = engine
            .recognize(&img, &RecognizeOptions::for_lang(f.lang()))
            .expect("recognize");
        let lines: Vec<String> = out.lines.iter().map(|l| l.text.clone()).collect();
        let (d, n) = cer_parts(&f.expected, &lines);
        let e = per_lang.entry(f.lang_code.clone()).or_default();
        e.0 += d;
        e.1 += n;
        per_fixture.push((f.name.clone(), d, n));
        if args.verbose && d > 0 {
            println!(
                "{}: {d}/{n}\n  want {:?}\n  got  {:?}",
                f.name, f.expected, lines
            );
        }
    }

    // RapidOCR, same images, same run.
    let mut rapid: Option<serde_json::Value> = None;
    if let Some(python) = &args.rapidocr {
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/rapidocr_compare.py");
        let mut cmd = Command::new(python);
        cmd.arg(&script)
            .arg("--iters")
            .arg(args.iters.to_string())
            .arg("--fixtures")
            .arg(fixtures_dir());
        for name in TIMED {
            cmd.arg("--timed").arg(name);
        }
        match cmd.output() {
            Ok(out) if out.status.success() => {
                rapid = serde_json::from_slice(&out.stdout).ok();
                if rapid.is_none() {
                    eprintln!("RapidOCR script printed no JSON");
                }
            }
            Ok(out) => eprintln!(
                "RapidOCR script failed: {}",
                String::from_utf8_lossy(&out.stderr)
            ),
            Err(e) => eprintln!("cannot run {python}: {e}"),
        }
    }
    if let Some(r) = &rapid {
        for name in TIMED {
            let t = &r["timings"][name];
            let total = t["total_ms"].as_f64().unwrap_or(f64::NAN);
            println!(
                "| {name} | RapidOCR | {:.0} | {:.0} (+cls {:.0}) | {:.0} |",
                t["det_ms"].as_f64().unwrap_or(f64::NAN),
                t["rec_ms"].as_f64().unwrap_or(f64::NAN),
                t["cls_ms"].as_f64().unwrap_or(f64::NAN),
                total
            );
        }
        println!();
        for name in TIMED {
            let total = r["timings"][name]["total_ms"].as_f64().unwrap_or(f64::NAN);
            println!(
                "{name}: ocrlay/RapidOCR total = {:.2}",
                ms(ours_total[name]) / total
            );
        }
    }

    println!("\n## Character error rate on tests/fixtures/ocr\n");
    let mut rapid_lang: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    if let Some(r) = &rapid {
        for f in &all {
            let lines: Vec<String> = r["texts"][&f.name]
                .as_array()
                .map(|a| {
                    a.iter()
                        .filter_map(|v| v.as_str().map(str::to_string))
                        .collect()
                })
                .unwrap_or_default();
            let (d, n) = cer_parts(&f.expected, &lines);
            let e = rapid_lang.entry(f.lang_code.clone()).or_default();
            e.0 += d;
            e.1 += n;
            if args.verbose && d > 0 {
                println!("rapidocr {}: {d}/{n} got {:?}", f.name, lines);
            }
        }
    }
    println!("| lang | ocrlay CER | RapidOCR CER |");
    println!("|---|---|---|");
    for (lang, (d, n)) in &per_lang {
        let theirs = rapid_lang
            .get(lang)
            .map(|(d, n)| format!("{:.2}% ({d}/{n})", 100.0 * *d as f64 / *n as f64))
            .unwrap_or_else(|| "-".to_string());
        println!(
            "| {lang} | {:.2}% ({d}/{n}) | {theirs} |",
            100.0 * *d as f64 / *n as f64
        );
    }
    println!("\nper fixture (ocrlay edits/chars):");
    for (name, d, n) in per_fixture {
        println!("  {name}: {d}/{n}");
    }

    let image = fixtures_dir().join("ja_dialogue.png");
    match peak_rss_kib(&image, args.params.locations.configured_dir.as_deref()) {
        Some(kib) => println!(
            "\npeak RSS of `ocrlay ocr ja_dialogue.png`: {:.0} MiB",
            kib as f64 / 1024.0
        ),
        None => println!("\npeak RSS: not measurable here"),
    }
    if let Some(r) = &rapid {
        if let Some(rss) = r["peak_rss_mib"].as_f64() {
            println!("peak RSS of the RapidOCR Python process: {rss:.0} MiB");
        }
    }
}
