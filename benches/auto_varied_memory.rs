//! The app's memory while auto mode reads a changing screen (issue 29): under Xvfb 1920×1080, a game-like
//! screen changes every few seconds through `--images` different pictures (text panels from a name box to the
//! whole screen, in three layouts: horizontal dialogue boxes, vertical columns, both scattered), and the app
//! watches three saved regions of it at once — the whole screen, a dialogue box and a vertical column — so
//! each new picture is read at three sizes, and the recogniser sees new line counts and widths each time.
//! The resident memory (VmRSS) of the app process is taken before the first picture and after each round
//! through all of them; its peak (VmHWM) at the end.
//!
//! Side by side with other builds in the same run: each `--baseline DIR/ocrlay` (the flag may be repeated; the
//! executable may be a script that `exec`s one with some environment, e.g. `LD_PRELOAD` of another allocator)
//! runs in turn after this build, each from a fresh start, over the same pictures, and one table shows them all.
//!
//! ```text
//! cargo bench --bench auto_varied_memory -- [--baseline DIR/ocrlay] [--rounds 3] [--images 44] [--every-ms 4000]
//! cargo bench --bench auto_varied_memory -- --rounds 1 --images 12        # a short run, ~1 min a build
//! ```
//! Linux only; needs Xvfb, xcompmgr, openbox, xdotool and ImageMagick (`display`). The provider is a loopback server
//! that answers at once; the translation memory is off, so every new text is sent.

#[cfg(target_os = "linux")]
#[path = "../tests/common/mod.rs"]
mod common;

#[cfg(not(target_os = "linux"))]
fn main() {
    eprintln!("this benchmark runs under Xvfb on Linux only");
}

#[cfg(target_os = "linux")]
fn main() {
    linux::run();
}

#[cfg(target_os = "linux")]
mod linux {
    use super::common::x11::{self, XSession};
    use super::common::{answer, app_config, MockServer};
    use image::{imageops, Rgba, RgbaImage};
    use ocrlay::probe::Probe;
    use std::path::{Path, PathBuf};
    use std::time::{Duration, Instant};

    const SCREEN: (u32, u32) = (1920, 1080);

    struct Args {
        baselines: Vec<PathBuf>,
        rounds: usize,
        images: usize,
        every: Duration,
    }

    fn parse_args() -> Args {
        let mut a = Args {
            baselines: Vec::new(),
            rounds: 3,
            images: 44,
            every: Duration::from_millis(4000),
        };
        let mut it = std::env::args().skip(1);
        while let Some(flag) = it.next() {
            let mut value = || it.next().expect("the flag needs a value");
            match flag.as_str() {
                "--baseline" => a.baselines.push(value().into()),
                "--rounds" => a.rounds = value().parse().expect("--rounds N"),
                "--images" => a.images = value().parse().expect("--images N"),
                "--every-ms" => {
                    a.every = Duration::from_millis(value().parse().expect("--every-ms MS"))
                }
                _ => {} // cargo's own (--bench)
            }
        }
        a
    }

    /// The fixture images the pictures are made of: horizontal lines (tests/fixtures/ocr) and vertical
    /// columns (tests/fixtures/ocr-layout/vertical_*).
    fn sources() -> (Vec<RgbaImage>, Vec<RgbaImage>) {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
        let load = |dir: &str, keep: &dyn Fn(&str) -> bool| -> Vec<RgbaImage> {
            let mut paths: Vec<PathBuf> = std::fs::read_dir(root.join(dir))
                .unwrap()
                .flatten()
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|x| x == "png"))
                .filter(|p| keep(&p.file_name().unwrap().to_string_lossy()))
                .collect();
            paths.sort();
            paths
                .iter()
                .map(|p| image::open(p).unwrap().into_rgba8())
                .collect()
        };
        (
            load("ocr", &|n| !n.starts_with("edge_")),
            load("ocr-layout", &|n| n.starts_with("vertical_")),
        )
    }

    /// A small deterministic generator (no dependency needed for a bench's layouts).
    struct Lcg(u64);
    impl Lcg {
        fn below(&mut self, n: u64) -> u64 {
            self.0 = self
                .0
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (self.0 >> 33) % n.max(1)
        }
    }

    fn fit(src: &RgbaImage, max_w: u32, max_h: u32) -> RgbaImage {
        let s = (max_w as f32 / src.width() as f32).min(max_h as f32 / src.height() as f32);
        let w = ((src.width() as f32 * s) as u32).max(1);
        let h = ((src.height() as f32 * s) as u32).max(1);
        imageops::resize(src, w, h, imageops::FilterType::Triangle)
    }

    /// Picture `i` of `n`: a screen-sized background with one text panel whose size runs from a name box
    /// (200×60) to the whole screen over the pictures (in a shuffled order), laid out as horizontal lines
    /// (`i % 3 == 0`), vertical columns (1) or both scattered (2).
    fn picture(i: usize, n: usize, h_src: &[RgbaImage], v_src: &[RgbaImage]) -> RgbaImage {
        let mut rng = Lcg(i as u64 * 7919 + 17);
        let (sw, sh) = SCREEN;
        let c0 = [0, 1, 2].map(|_| rng.below(120) as u8);
        let mut img = RgbaImage::from_fn(sw, sh, |x, y| {
            let t = y as f32 / sh as f32;
            let grain = ((x.wrapping_mul(2654435761) ^ y.wrapping_mul(40503)) >> 28) as u8;
            let px = |k: usize| c0[k].saturating_add((t * 60.0) as u8).saturating_add(grain);
            Rgba([px(0), px(1), px(2), 255])
        });
        // Sizes in a shuffled order over the pictures, from 200×60 to 1920×1080.
        let k = (i * 17 + 5) % n.max(1);
        let f = k as f32 / (n.max(2) - 1) as f32;
        let pw = (200.0 + f * (sw - 200) as f32) as u32;
        let ph = (60.0 + f * (sh - 60) as f32) as u32;
        let (px, py) = (
            rng.below((sw - pw + 1) as u64) as u32,
            rng.below((sh - ph + 1) as u64) as u32,
        );
        let mut pick = |v: bool| {
            let src = if v { v_src } else { h_src };
            src[rng.below(src.len() as u64) as usize].clone()
        };
        match i % 3 {
            0 => {
                let mut y = 0;
                while y + 16 < ph {
                    let s = fit(&pick(false), pw, (ph - y).min(pw / 3).max(16));
                    imageops::overlay(&mut img, &s, px as i64, (py + y) as i64);
                    y += s.height() + 6;
                }
            }
            1 => {
                let mut x = pw;
                while x > 16 {
                    let s = fit(&pick(true), x.min(ph / 2).max(16), ph);
                    if s.width() > x {
                        break;
                    }
                    x -= s.width();
                    imageops::overlay(&mut img, &s, (px + x) as i64, py as i64);
                    x = x.saturating_sub(8);
                }
            }
            _ => {
                let cw = (pw / 2).max(100);
                for col in 0..2u32 {
                    let mut y = 0;
                    while y + 16 < ph {
                        let s = fit(&pick(col == 1 && y == 0), cw - 4, (ph - y).min(cw).max(16));
                        imageops::overlay(&mut img, &s, (px + col * cw) as i64, (py + y) as i64);
                        y += s.height() + 8;
                    }
                }
            }
        }
        img
    }

    fn status_kib(pid: u32, field: &str) -> u64 {
        std::fs::read_to_string(format!("/proc/{pid}/status"))
            .unwrap_or_default()
            .lines()
            .find_map(|l| l.strip_prefix(field)?.strip_prefix(':'))
            .and_then(|v| v.split_whitespace().next()?.parse().ok())
            .unwrap_or(0)
    }

    /// The process's resident memory by kind of mapping, KiB, from /proc/PID/smaps: the brk heap (glibc's main
    /// arena), anonymous mappings (the other arenas, blocks mapped on their own, other allocators' memory),
    /// shared memory (X shm segments, memfd: GTK/WebKit buffers) and files (code and data of the libraries).
    fn by_kind(pid: u32) -> [(&'static str, u64); 4] {
        let smaps = std::fs::read_to_string(format!("/proc/{pid}/smaps")).unwrap_or_default();
        let mut kinds = [
            ("brk heap", 0),
            ("anonymous", 0),
            ("shared", 0),
            ("files", 0),
        ];
        let mut kind = 1;
        for line in smaps.lines() {
            let mut words = line.split_whitespace();
            let first = words.next().unwrap_or("");
            if first.contains('-') && first.chars().next().is_some_and(|c| c.is_ascii_hexdigit()) {
                let path = line.split_whitespace().nth(5).unwrap_or("");
                let shared = line
                    .split_whitespace()
                    .nth(1)
                    .is_some_and(|p| p.ends_with('s'));
                kind = match path {
                    "[heap]" => 0,
                    "" | "[stack]" | "[anon]" => usize::from(shared) * 2 + usize::from(!shared),
                    p if p.starts_with("/memfd:")
                        || p.starts_with("/dev/shm")
                        || p.starts_with("/SYSV") =>
                    {
                        2
                    }
                    p if p.starts_with('[') => 1,
                    _ => 3,
                };
            } else if first == "Rss:" {
                kinds[kind].1 += words
                    .next()
                    .and_then(|v| v.parse::<u64>().ok())
                    .unwrap_or(0);
            }
        }
        kinds
    }

    /// What one build's run measured.
    struct Run {
        name: String,
        start_kib: u64,
        round_kib: Vec<u64>,
        peak_kib: u64,
        reads: usize,
        requests: usize,
        secs: f64,
    }

    pub fn run() {
        let args = parse_args();
        let this = Path::new(env!("CARGO_BIN_EXE_ocrlay")).to_path_buf();
        let mut builds = vec![("this build".to_string(), this)];
        for b in &args.baselines {
            builds.push((format!("baseline {}", b.display()), b.clone()));
        }
        let dir = tempfile::tempdir().unwrap();
        let (h_src, v_src) = sources();
        let t = Instant::now();
        let pictures: Vec<PathBuf> = (0..args.images)
            .map(|i| {
                let p = dir.path().join(format!("screen-{i:02}.png"));
                picture(i, args.images, &h_src, &v_src).save(&p).unwrap();
                p
            })
            .collect();
        eprintln!(
            "{} pictures made in {:.1} s",
            pictures.len(),
            t.elapsed().as_secs_f64()
        );
        let mut x = XSession::start(SCREEN.0, SCREEN.1)
            .unwrap_or_else(|e| panic!("cannot start Xvfb: {e}"));
        // A window manager: the overlays of the regions lie over the other regions, and ocrlay reads the game
        // window under its own windows only where window lists exist (as on a desktop).
        x.start_wm();
        let runs: Vec<Run> = builds
            .iter()
            .map(|(name, exe)| measure(&mut x, name, exe, &pictures, &args))
            .collect();

        let profile = if cfg!(debug_assertions) {
            "dev profile"
        } else {
            "release"
        };
        println!(
            "\nauto mode over {} pictures × {} rounds, a new one every {} ms, three watched regions (1920×1080, \
             1280×300, 340×720 vertical), {profile}",
            args.images,
            args.rounds,
            args.every.as_millis()
        );
        let heads: Vec<String> = (1..=args.rounds).map(|r| format!("round {r}")).collect();
        println!(
            "\n| build | started | {} | peak (VmHWM) | translations done | requests | s |",
            heads.join(" | ")
        );
        println!("|{}", "---|".repeat(6 + args.rounds));
        for r in &runs {
            let rounds: Vec<String> = r
                .round_kib
                .iter()
                .map(|k| format!("{:.0}", *k as f64 / 1024.0))
                .collect();
            println!(
                "| {} | {:.0} | {} | {:.0} | {} | {} | {:.0} |",
                r.name,
                r.start_kib as f64 / 1024.0,
                rounds.join(" | "),
                r.peak_kib as f64 / 1024.0,
                r.reads,
                r.requests,
                r.secs
            );
        }
        println!("(RSS of the app process in MiB)");
    }

    fn measure(x: &mut XSession, name: &str, exe: &Path, pictures: &[PathBuf], args: &Args) -> Run {
        let rt = tokio::runtime::Runtime::new().unwrap();
        let server = rt.block_on(MockServer::start());
        server.reply([answer("这是一句译文。")]);
        let home = tempfile::tempdir().unwrap();
        let config = app_config(
            home.path(),
            &server,
            "sk-bench",
            r#"
[memory]
cache = false
[auto]
start_on_launch = true
[regions]
active = 0
slots = [{ name = "Screen", rect = [0, 0, 1920, 1080], watch = true }, { name = "Dialogue", rect = [320, 760, 1280, 300], watch = true }, { name = "Column", rect = [1560, 40, 340, 720], direction = "vertical", watch = true }]
"#,
        );
        // The first picture is on screen before the app starts.
        let mut shown = show(x, &pictures[0], 0);
        let app = x11::App::start_exe(x, exe, home.path(), &config, "warn,ocrlay=info", &[]);
        app.wait(Probe::AutoMode { on: true }, 1, Duration::from_secs(60));
        std::thread::sleep(Duration::from_secs(3));
        let start_kib = app.rss_kib();
        eprintln!("{name}: started, {:.0} MiB", start_kib as f64 / 1024.0);
        let t0 = Instant::now();
        let mut round_kib = Vec::new();
        let mut n = 0usize;
        for round in 0..args.rounds {
            for p in pictures.iter().skip(usize::from(round == 0)) {
                n += 1;
                let next = show(x, p, n);
                kill(shown);
                shown = next;
                std::thread::sleep(args.every);
                assert!(app.alive(), "the app died:\n{}", app.log_text());
            }
            // The first picture again closes the round (the next round starts from it).
            n += 1;
            let next = show(x, &pictures[0], n);
            kill(shown);
            shown = next;
            std::thread::sleep(args.every);
            let kib = app.rss_kib();
            eprintln!(
                "{name}: round {} done, {:.0} MiB",
                round + 1,
                kib as f64 / 1024.0
            );
            round_kib.push(kib);
        }
        let peak_kib = status_kib(app.pid(), "VmHWM");
        let kinds = by_kind(app.pid());
        eprintln!(
            "{name}: resident by kind (MiB): {}",
            kinds
                .iter()
                .map(|(k, v)| format!("{k} {:.0}", *v as f64 / 1024.0))
                .collect::<Vec<_>>()
                .join(", ")
        );
        let reads = app
            .probes()
            .iter()
            .filter(|e| matches!(e, Probe::Done { .. }))
            .count();
        let requests = server
            .requests()
            .iter()
            .filter(|r| r.path == "/v1/chat/completions")
            .count();
        let log = app.log_text();
        let tail: Vec<&str> = log.lines().rev().take(12).collect();
        eprintln!(
            "{name}: the app's log ends with:\n{}",
            tail.into_iter().rev().collect::<Vec<_>>().join("\n")
        );
        let shot = format!(
            "auto_varied_memory-{}.png",
            exe.file_name().unwrap_or_default().to_string_lossy()
        );
        x.screenshot(&x11::artefact_dir("bench").join(shot));
        app.kill();
        kill(shown);
        Run {
            name: name.to_string(),
            start_kib,
            round_kib,
            peak_kib,
            reads,
            requests,
            secs: t0.elapsed().as_secs_f64(),
        }
    }

    /// Shows `path` full screen in a window of its own (ImageMagick's `display`), above the one before.
    fn show(x: &XSession, path: &Path, n: usize) -> std::process::Child {
        let title = format!("game-screen-{n}");
        let child = x
            .command("display")
            .args(["-title", &title, "-geometry", "+0+0", "-borderwidth", "0"])
            .arg(path)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("ImageMagick display starts");
        assert!(
            x.wait_window(&format!("^{title}$"), Duration::from_secs(15))
                .is_some(),
            "the picture's window did not appear"
        );
        child
    }

    fn kill(mut child: std::process::Child) {
        let _ = child.kill();
        let _ = child.wait();
    }
}
