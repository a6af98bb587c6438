//! Hotkey to first character, as a person sees it: under Xvfb + xcompmgr, a game-like window shows the
//! 1280×240 Japanese dialogue fixture; `ocrlay` (this release build) runs against a loopback OpenAI-compatible
//! server that answers at once; the region is chosen once (Alt+Q and a drag, not measured), then `Alt+W` is
//! pressed with xdotool again and again. Each press is measured two ways:
//! - inside the app, from the hotkey event to the overlay page reporting its first painted character, split
//!   into stages (capture, OCR, first provider delta, render) — the app's "first character painted" log line;
//! - outside, from just before xdotool is started to that log line being seen (polled every 2 ms), which adds
//!   xdotool's own start-up, the X server and the log file.
//!
//! Two series of presses, in the same run: a **new line** each press (two 1280×240 Japanese dialogue boxes in
//! windows at the same place, the other one raised before each press: the OCR reads the whole box every time,
//! as for a new line of a game), then the **same line** again and again (the OCR reuses what it read of an
//! unchanged frame). The translation memory is off so that every press goes to the provider.
//! Run with `cargo bench --bench hotkey_first_char` (Linux, needs Xvfb, xcompmgr, xdotool, ImageMagick).
//!
//! Side by side with another build: `cargo bench --bench hotkey_first_char -- --baseline DIR/ocrlay
//! [--rounds N]` runs both executables in turn, N rounds (default 2) of both series each, this build first,
//! and reports each build over all its rounds (the other executable needs its `models/` beside it).
//! With `OCRLAY_HEAP_IDLE_MS=2000` in the environment, each round also waits for the app's OCR thread to give
//! its memory back once idle, and reports the app's resident memory then.

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
    use ocrlay::probe::Probe;
    use std::path::Path;
    use std::time::{Duration, Instant};

    const PRESSES: usize = 10;
    const WARMUP: usize = 2;

    fn median(v: &[f64]) -> f64 {
        let mut s = v.to_vec();
        s.sort_by(f64::total_cmp);
        let n = s.len();
        if n % 2 == 1 {
            s[n / 2]
        } else {
            (s[n / 2 - 1] + s[n / 2]) / 2.0
        }
    }

    /// The stage timings of each first paint so far: total, capture, OCR, first text, render (ms).
    fn paints(app: &x11::App) -> Vec<[f64; 5]> {
        app.probes()
            .into_iter()
            .filter_map(|e| match e {
                Probe::FirstPaint {
                    total_ms,
                    capture_ms,
                    ocr_ms,
                    translate_first_ms,
                    render_ms,
                    ..
                } => Some([total_ms, capture_ms, ocr_ms, translate_first_ms, render_ms]),
                _ => None,
            })
            .collect()
    }

    pub fn run() {
        let mut baseline: Option<std::path::PathBuf> = None;
        let mut rounds = 2usize;
        let mut args = std::env::args().skip(1);
        while let Some(a) = args.next() {
            match a.as_str() {
                "--baseline" => baseline = args.next().map(Into::into),
                "--rounds" => {
                    rounds = args
                        .next()
                        .and_then(|n| n.parse().ok())
                        .expect("--rounds N")
                }
                _ => {} // cargo's own (--bench)
            }
        }
        let this = Path::new(env!("CARGO_BIN_EXE_ocrlay")).to_path_buf();
        let mut x = XSession::start(1600, 900).unwrap_or_else(|e| {
            panic!("cannot start Xvfb for the benchmark: {e}");
        });
        let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/ocr");
        // Two different lines of the same size at the same place; raising one shows a new line.
        x.show_image(&fixtures.join("ja_hidpi.png"), 100, 150, "game-line-b");
        x.show_image(&fixtures.join("ja_dialogue.png"), 100, 150, "game-line-a");
        let lines = [
            x.wait_window("^game-line-a$", Duration::from_secs(5))
                .unwrap(),
            x.wait_window("^game-line-b$", Duration::from_secs(5))
                .unwrap(),
        ];
        let builds: Vec<(String, std::path::PathBuf)> = match &baseline {
            None => vec![("this build".into(), this)],
            Some(b) => vec![
                ("this build".into(), this),
                (format!("baseline {}", b.display()), b.clone()),
            ],
        };
        let rounds = if baseline.is_some() { rounds } else { 1 };
        let mut results: Vec<(Series, Series)> = builds
            .iter()
            .map(|_| (Series::default(), Series::default()))
            .collect();
        for _ in 0..rounds {
            for (k, (_, exe)) in builds.iter().enumerate() {
                let shot = if k == 0 {
                    "hotkey_first_char.png".to_string()
                } else {
                    format!("hotkey_first_char-baseline-{k}.png")
                };
                let (new_line, same_line) = measure(&mut x, exe, &lines, &shot);
                results[k].0.extend(new_line);
                results[k].1.extend(same_line);
            }
        }
        let profile = if cfg!(debug_assertions) {
            "dev profile"
        } else {
            "release"
        };
        println!("hotkey → first character, {profile}, Xvfb 1600×900, 1280×240 ja dialogue, loopback provider");
        println!(
            "presses: {PRESSES} per series and round (after {WARMUP} warm-up), {rounds} round(s); every one sent a request"
        );
        for ((name, _), (new_line, same_line)) in builds.iter().zip(&results) {
            println!("\n## {name}");
            report("a new line each press", new_line);
            report(
                "the same line again (OCR reuses the unchanged frame)",
                same_line,
            );
        }
    }

    /// One round on `exe`: the app started afresh, the region chosen, then both series of presses; the screen
    /// at the end is saved as `shot` in target/bench.
    fn measure(x: &mut XSession, exe: &Path, lines: &[u64; 2], shot: &str) -> (Series, Series) {
        let rt = tokio::runtime::Runtime::new().unwrap();
        let server = rt.block_on(MockServer::start());
        server.reply([answer("【爱丽丝】\n听说前面有一座古城……\n你真的要去吗？")]);
        let home = tempfile::tempdir().unwrap();
        let config = app_config(
            home.path(),
            &server,
            "sk-bench",
            r#"
[memory]
cache = false
"#,
        );
        // The first line shows when the region is chosen.
        x.xdotool(&["windowraise", &lines[0].to_string()]);
        let app = x11::App::start_exe(x, exe, home.path(), &config, "warn,ocrlay=info", &[]);
        app.wait(Probe::EngineLoaded { ok: true }, 1, Duration::from_secs(60));
        app.wait(
            Probe::PageReady {
                page: "selector".into(),
            },
            1,
            Duration::from_secs(30),
        );

        let start_mib = app.rss_kib() as f64 / 1024.0;
        // Choose the region once, as a user does.
        x.xdotool(&["key", "alt+q"]);
        assert!(
            x.wait_window("^ocrlay region$", Duration::from_secs(10))
                .is_some(),
            "the region selector did not appear"
        );
        app.wait_for(1, Duration::from_secs(20), |e| {
            matches!(e, Probe::SelectorShown { .. })
        });
        std::thread::sleep(Duration::from_millis(300));
        x.drag((96, 146), (1384, 394));
        app.wait_for(1, Duration::from_secs(60), |e| {
            matches!(e, Probe::FirstPaint { .. })
        });
        std::thread::sleep(Duration::from_millis(500));

        let mut new_line = presses(x, &app, lines, true, 0);
        new_line.start_mib.push(start_mib);
        let mut same_line = presses(x, &app, lines, false, WARMUP + PRESSES);
        // With OCRLAY_HEAP_IDLE_MS set (the app inherits it), wait for the OCR thread to give back what it kept
        // for the region once idle, and measure the app then too.
        // A build without that event (the baseline) is measured after 10 s of idling.
        if std::env::var_os("OCRLAY_HEAP_IDLE_MS").is_some() {
            let t = Instant::now();
            while !app.probes().contains(&Probe::HeapReleased)
                && t.elapsed() < Duration::from_secs(10)
            {
                std::thread::sleep(Duration::from_millis(20));
            }
            same_line.idle_mib.push(app.rss_kib() as f64 / 1024.0);
        }
        x.screenshot(&x11::artefact_dir("bench").join(shot));

        let chats = server
            .requests()
            .iter()
            .filter(|r| r.path == "/v1/chat/completions")
            .count();
        assert_eq!(
            chats,
            1 + 2 * (WARMUP + PRESSES),
            "every press must reach the provider"
        );
        app.kill();
        (new_line, same_line)
    }

    /// What one series measured: in-app totals, outside (wall) times and the four stages, per press.
    #[derive(Default)]
    struct Series {
        inside: Vec<f64>,
        outside: Vec<f64>,
        stages: [Vec<f64>; 4],
        /// Resident memory of the app process at the end of the series, MiB (one per round).
        rss_mib: Vec<f64>,
        /// The same when the app had started, before any read (the first series only).
        start_mib: Vec<f64>,
        /// The same once the OCR thread, idle, gave its memory back (the last series, with
        /// OCRLAY_HEAP_IDLE_MS).
        idle_mib: Vec<f64>,
    }

    impl Series {
        fn extend(&mut self, other: Series) {
            self.inside.extend(other.inside);
            self.outside.extend(other.outside);
            self.rss_mib.extend(other.rss_mib);
            self.start_mib.extend(other.start_mib);
            self.idle_mib.extend(other.idle_mib);
            for (a, b) in self.stages.iter_mut().zip(other.stages) {
                a.extend(b);
            }
        }
    }

    /// Presses Alt+W `WARMUP + PRESSES` times (`before` first paints happened already); with `new_line`, the
    /// other dialogue box is raised before each press.
    fn presses(
        x: &mut XSession,
        app: &x11::App,
        lines: &[u64; 2],
        new_line: bool,
        before: usize,
    ) -> Series {
        let mut s = Series::default();
        for i in 0..WARMUP + PRESSES {
            if new_line {
                let shown = lines[(i + 1) % 2];
                x.xdotool(&["windowraise", &shown.to_string()]);
                // Let the X server repaint the raised window before the press (not measured).
                std::thread::sleep(Duration::from_millis(300));
            }
            let want = before + i + 2;
            let t = Instant::now();
            x.xdotool(&["key", "alt+w"]);
            let paint = loop {
                let all = paints(app);
                if all.len() >= want {
                    break all[want - 1];
                }
                assert!(
                    t.elapsed() < Duration::from_secs(30),
                    "no first character after Alt+W:\n{}",
                    app.log_text()
                );
                std::thread::sleep(Duration::from_millis(2));
            };
            let wall = t.elapsed().as_secs_f64() * 1e3;
            if i < WARMUP {
                continue;
            }
            s.inside.push(paint[0]);
            s.outside.push(wall);
            for (k, stage) in s.stages.iter_mut().enumerate() {
                stage.push(paint[k + 1]);
            }
            // Let the answer finish and the overlay settle before the next press.
            std::thread::sleep(Duration::from_millis(400));
        }
        s.rss_mib.push(app.rss_kib() as f64 / 1024.0);
        s
    }

    fn report(name: &str, s: &Series) {
        let (inside, outside, stages) = (&s.inside, &s.outside, &s.stages);
        let total = median(inside);
        println!("\n{name}:");
        println!(
            "in-app (hotkey event → first character painted): median {total:.1} ms, min {:.1}, max {:.1}",
            inside.iter().copied().fold(f64::INFINITY, f64::min),
            inside.iter().copied().fold(0.0, f64::max)
        );
        println!(
            "outside (xdotool started → log line seen): median {:.1} ms",
            median(outside)
        );
        let sum: f64 = stages.iter().map(|s| median(s)).sum();
        for (k, name) in [
            "capture",
            "OCR",
            "provider first delta",
            "render (page paint)",
        ]
        .iter()
        .enumerate()
        {
            let m = median(&stages[k]);
            println!(
                "  {name:<22} median {m:7.1} ms  {:5.1} %",
                100.0 * m / sum.max(1e-9)
            );
        }
        let mib = |v: &[f64]| {
            v.iter()
                .map(|m| format!("{m:.0}"))
                .collect::<Vec<_>>()
                .join(" / ")
        };
        if !s.start_mib.is_empty() {
            println!(
                "resident memory of the app process when started: {} MiB",
                mib(&s.start_mib)
            );
        }
        println!(
            "resident memory of the app process after the series: {} MiB",
            mib(&s.rss_mib)
        );
        if !s.idle_mib.is_empty() {
            println!(
                "resident memory of the app process once idle (OCR memory given back): {} MiB",
                mib(&s.idle_mib)
            );
        }
        println!(
            "target (issue 15): median ≤ 200 ms → {}",
            if total <= 200.0 { "met" } else { "NOT met" }
        );
    }
}
