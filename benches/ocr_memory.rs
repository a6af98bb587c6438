//! OCR memory over many image sizes (issue 15 item 5): one process reads 44 differently sized game-like images
//! (200×60 … 1920×1080; the fixtures of tests/fixtures/ocr and ocr-layout scaled, cropped, stacked and tiled
//! over a background) three times over, as auto mode does over a session, and reports its resident memory
//! (VmRSS after each round, VmHWM) and the time per read.
//!
//! Each mode runs in a child process of its own, one after another in the same run, and the table puts them side
//! by side. Since issue 29 the allocator on Linux is jemalloc with a one-second decay (`src/ocr/heap.rs`):
//! `off` = its decay alone, `always` = a purge after every read, `on` = what ocrlay does (a purge after a read of
//! a new size or of a large image). The figures of issue 15 in benches/RESULTS.md are glibc's.
//!
//! ```text
//! cargo test --locked --bench ocr_memory                       # dev profile (deps at opt 3)
//! cargo bench --bench ocr_memory                               # release
//! cargo test --locked --bench ocr_memory -- --modes off,always,on --rounds 3 --images 44
//! ```

#[path = "../tests/ocr_support/mod.rs"]
mod ocr_support;

use std::hash::{Hash, Hasher};
use std::path::PathBuf;
use std::process::Command;
use std::time::Instant;

use image::{imageops, Rgba, RgbaImage};
use ocrlay::lang::Lang;
use ocrlay::ocr::{heap, load_engine, EngineKind, EngineParams, RecognizeOptions};

struct Args {
    modes: Vec<String>,
    rounds: usize,
    images: usize,
    child: Option<String>,
}

fn parse_args() -> Args {
    let mut args = Args {
        modes: vec!["off".into(), "on".into()],
        rounds: 3,
        images: 44,
        child: None,
    };
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        let mut value = || it.next().expect("flag needs a value");
        match a.as_str() {
            "--modes" => args.modes = value().split(',').map(str::to_string).collect(),
            "--rounds" => args.rounds = value().parse().expect("--rounds N"),
            "--images" => args.images = value().parse().expect("--images N"),
            "--child" => args.child = Some(value()),
            // cargo passes --bench.
            _ => {}
        }
    }
    args
}

/// A field of /proc/self/status in KiB (`VmRSS`, `VmHWM`).
fn status_kib(field: &str) -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix(field)?.strip_prefix(':'))
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
        .unwrap_or(0)
}

fn mib(kib: u64) -> f64 {
    kib as f64 / 1024.0
}

/// The fixture images the bench images are made of (the 8000 px strip and the black edge case left out).
fn sources() -> Vec<PathBuf> {
    let root = ocr_support::fixtures_dir();
    let mut out = Vec::new();
    for dir in [root.clone(), root.with_file_name("ocr-layout")] {
        let mut pngs: Vec<PathBuf> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "png"))
            .filter(|p| {
                !p.file_name()
                    .unwrap()
                    .to_string_lossy()
                    .starts_with("edge_")
            })
            .collect();
        pngs.sort();
        out.extend(pngs);
    }
    out
}

/// A small deterministic generator (no dependency needed for a bench's layouts).
struct Lcg(u64);
impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

/// The size of image `i`: 44 distinct widths 200…1920 (step 40) and heights 60…1080 (step 30); the first two
/// are the extremes.
fn size(i: usize) -> (u32, u32) {
    match i {
        0 => (200, 60),
        1 => (1920, 1080),
        _ => (
            200 + ((i * 37) % 44) as u32 * 40,
            60 + ((i * 23 + 5) % 35) as u32 * 30,
        ),
    }
}

fn scaled_to_fit(src: &RgbaImage, max_w: u32, max_h: u32) -> RgbaImage {
    let s = (max_w as f32 / src.width() as f32).min(max_h as f32 / src.height() as f32);
    let w = ((src.width() as f32 * s) as u32).max(1);
    let h = ((src.height() as f32 * s) as u32).max(1);
    imageops::resize(src, w, h, imageops::FilterType::Triangle)
}

/// Game-like image `i`: a background (gradient and grain) with fixtures laid out in one of four ways.
fn make_image(i: usize, sources: &[PathBuf]) -> RgbaImage {
    let (w, h) = size(i);
    let mut rng = Lcg(i as u64 * 7919 + 1);
    let (c0, c1) = (
        [
            rng.below(200) as u8,
            rng.below(200) as u8,
            rng.below(200) as u8,
        ],
        [
            rng.below(256) as u8,
            rng.below(256) as u8,
            rng.below(256) as u8,
        ],
    );
    let mut img = RgbaImage::from_fn(w, h, |x, y| {
        let t = y as f32 / h as f32;
        let grain = ((x.wrapping_mul(2654435761) ^ y.wrapping_mul(40503)) >> 27) as f32;
        let px = |k: usize| (c0[k] as f32 * (1.0 - t) + c1[k] as f32 * t + grain) as u8;
        Rgba([px(0), px(1), px(2), 255])
    });
    let mut pick = || {
        let path = &sources[rng.below(sources.len() as u64) as usize];
        image::open(path)
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
            .into_rgba8()
    };
    match i % 4 {
        // One fixture, scaled to fit, centred.
        0 => {
            let s = scaled_to_fit(&pick(), w, h);
            let (x, y) = ((w - s.width()) / 2, (h - s.height()) / 2);
            imageops::overlay(&mut img, &s, x as i64, y as i64);
        }
        // A part of a fixture with the canvas's shape, stretched over it.
        1 => {
            let src = pick();
            let aspect = w as f32 / h as f32;
            let cw = (src.height() as f32 * aspect).min(src.width() as f32) as u32;
            let ch = (cw as f32 / aspect).min(src.height() as f32) as u32;
            let (x, y) = ((src.width() - cw) / 2, (src.height() - ch) / 3);
            let part = imageops::crop_imm(&src, x, y, cw.max(1), ch.max(1)).to_image();
            img = imageops::resize(&part, w, h, imageops::FilterType::Triangle);
        }
        // Fixtures stacked top to bottom at 90 % of the width.
        2 => {
            let mut y = 0;
            while y < h {
                let s = scaled_to_fit(&pick(), w * 9 / 10, h - y);
                if s.height() < 8 {
                    break;
                }
                imageops::overlay(&mut img, &s, (w / 20) as i64, y as i64);
                y += s.height() + 4;
            }
        }
        // Two columns of fixtures.
        _ => {
            for col in 0..2 {
                let mut y = 0;
                while y < h {
                    let s = scaled_to_fit(&pick(), w / 2 - 4, h - y);
                    if s.height() < 8 {
                        break;
                    }
                    imageops::overlay(&mut img, &s, (col * w / 2) as i64, y as i64);
                    y += s.height() + 6;
                }
            }
        }
    }
    img
}

/// One mode's run, in this process.
fn child(mode: &str, args: &Args) {
    let sources = sources();
    let start_rss = status_kib("VmRSS");
    let mut engine = load_engine(EngineKind::PpOcr, &EngineParams::default())
        .unwrap_or_else(|e| panic!("cannot load the PP-OCR engine: {e}"));
    let in_effect = heap::bound();
    let load_rss = status_kib("VmRSS");
    let (rounds, images) = (args.rounds, args.images);
    // The app reads on a thread of its own (the pipeline's), not on the main thread: so does the bench.
    let result = std::thread::spawn(move || {
        let mut round_rss = Vec::new();
        let mut ms = Vec::new();
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        let mut chars = 0usize;
        let opts = RecognizeOptions::for_lang(Lang::Auto);
        for _ in 0..rounds {
            for i in 0..images {
                let img = make_image(i, &sources);
                let t = Instant::now();
                let out = engine.recognize(&img, &opts).expect("recognize");
                ms.push(t.elapsed().as_secs_f64() * 1000.0);
                let text = out.text();
                chars += text.chars().count();
                text.hash(&mut hasher);
            }
            round_rss.push(status_kib("VmRSS"));
        }
        (round_rss, ms, hasher.finish(), chars)
    })
    .join()
    .expect("reader thread");
    let (round_rss, ms, hash, chars) = result;
    let json = serde_json::json!({
        "mode": mode,
        "in_effect": format!("{in_effect:?}"),
        "start_kib": start_rss,
        "load_kib": load_rss,
        "round_kib": round_rss,
        "peak_kib": status_kib("VmHWM"),
        "final_kib": status_kib("VmRSS"),
        "ms": ms,
        "text_hash": format!("{hash:016x}"),
        "chars": chars,
    });
    println!("RESULT {json}");
}

fn percentile(v: &[f64], p: f64) -> f64 {
    let mut v = v.to_vec();
    v.sort_by(f64::total_cmp);
    v[((v.len() - 1) as f64 * p).round() as usize]
}

fn main() {
    let args = parse_args();
    if let Some(mode) = &args.child {
        child(mode, &args);
        return;
    }
    let exe = std::env::current_exe().expect("own path");
    println!("# OCR memory over many image sizes");
    println!(
        "{} images (200×60 … 1920×1080) × {} rounds = {} reads per mode, one process per mode, reads on a \
         thread of their own",
        args.images,
        args.rounds,
        args.images * args.rounds
    );
    let mut rows = Vec::new();
    for mode in &args.modes {
        let t = Instant::now();
        let out = Command::new(&exe)
            .args(["--child", mode])
            .args(["--rounds", &args.rounds.to_string()])
            .args(["--images", &args.images.to_string()])
            .env(heap::ENV, mode)
            .output()
            .expect("run the bench's child");
        let stdout = String::from_utf8_lossy(&out.stdout);
        let Some(json) = stdout.lines().find_map(|l| l.strip_prefix("RESULT ")) else {
            eprintln!(
                "mode {mode}: no result\n{stdout}\n{}",
                String::from_utf8_lossy(&out.stderr)
            );
            std::process::exit(1);
        };
        let v: serde_json::Value = serde_json::from_str(json).expect("child JSON");
        eprintln!("mode {mode}: {:.0} s", t.elapsed().as_secs_f64());
        rows.push(v);
    }
    let kib = |v: &serde_json::Value| mib(v.as_u64().unwrap_or(0));
    println!();
    let rounds: Vec<String> = (1..=args.rounds)
        .map(|r| format!("after round {r}"))
        .collect();
    println!(
        "| mode | in effect | RSS MiB at start | after load | {} | peak (VmHWM) | final | ms/read median | p90 | mean | text hash, chars |",
        rounds.join(" | ")
    );
    println!("|{}", "---|".repeat(10 + args.rounds));
    for v in &rows {
        let ms: Vec<f64> = v["ms"]
            .as_array()
            .map(|a| a.iter().filter_map(|x| x.as_f64()).collect())
            .unwrap_or_default();
        let rounds: Vec<String> = v["round_kib"]
            .as_array()
            .map(|a| a.iter().map(|x| format!("{:.1}", kib(x))).collect())
            .unwrap_or_default();
        println!(
            "| {} | {} | {:.1} | {:.1} | {} | **{:.1}** | {:.1} | {:.0} | {:.0} | {:.0} | {} {} |",
            v["mode"].as_str().unwrap_or("?"),
            v["in_effect"].as_str().unwrap_or("?"),
            kib(&v["start_kib"]),
            kib(&v["load_kib"]),
            rounds.join(" | "),
            kib(&v["peak_kib"]),
            kib(&v["final_kib"]),
            percentile(&ms, 0.5),
            percentile(&ms, 0.9),
            ms.iter().sum::<f64>() / ms.len().max(1) as f64,
            v["text_hash"].as_str().unwrap_or("?"),
            v["chars"],
        );
    }
}
