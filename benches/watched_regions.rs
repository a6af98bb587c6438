//! Issue 16: what each watched region costs on a still screen. The app runs twice under Xvfb + xcompmgr with
//! auto mode on still game boxes, once reading one region and once three (the active one and two watched), and
//! the CPU of the whole process is read from /proc/PID/stat over the same span after a settle, side by side.
//!
//! Run with `cargo bench --bench watched_regions` (Linux; needs Xvfb, xcompmgr, xdotool, ImageMagick).
//! `WATCH_SECS` sets the span (default 60 s).

#[cfg(target_os = "linux")]
#[path = "../tests/common/mod.rs"]
mod common;

#[cfg(not(target_os = "linux"))]
fn main() {
    eprintln!("this benchmark runs under Xvfb on Linux only");
}

#[cfg(target_os = "linux")]
fn main() {
    let secs: u64 = std::env::var("WATCH_SECS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(60);
    let one = linux::still_cpu(1, secs);
    let three = linux::still_cpu(3, secs);
    println!("\nwatched regions on a still screen, {secs} s each (CPU of the whole process, % of one core):");
    println!("| regions read | CPU % | per region | RSS MiB |");
    println!("|---|---|---|---|");
    for (n, (cpu, rss)) in [(1, one), (3, three)] {
        println!("| {n} | {cpu:.2} | {:.2} | {rss} |", cpu / n as f64);
    }
}

#[cfg(target_os = "linux")]
mod linux {
    use super::common::x11::{self, XSession};
    use super::common::{answer, app_config, MockServer};
    use ocrlay::probe::Probe;
    use std::path::Path;
    use std::time::{Duration, Instant};

    /// Auto mode over `n` still regions (1–3): the CPU share of one core over `secs`, and the RSS in MiB. The
    /// boxes are far enough apart that each overlay (beside its box) covers no other box.
    pub fn still_cpu(n: usize, secs: u64) -> (f64, u64) {
        let mut x =
            XSession::start(1600, 1300).unwrap_or_else(|e| panic!("cannot start Xvfb: {e}"));
        let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/ocr");
        let boxes = [
            ("ja_dialogue.png", [20, 20, 1280, 240]),
            ("en_dialogue.png", [20, 440, 1280, 240]),
            ("ja_parchment.png", [20, 860, 900, 200]),
        ];
        let mut slots = Vec::new();
        for (i, (file, r)) in boxes.iter().take(n).enumerate() {
            x.show_image(&fixtures.join(file), r[0], r[1], &format!("game-{i}"));
            slots.push(format!(
                "{{ name = \"Box {i}\", rect = [{}, {}, {}, {}], watch = {} }}",
                r[0],
                r[1],
                r[2],
                r[3],
                i > 0
            ));
        }
        let rt = tokio::runtime::Runtime::new().unwrap();
        let server = rt.block_on(MockServer::start());
        server.reply([answer("译文")]);
        let home = tempfile::tempdir().unwrap();
        let config = app_config(
            home.path(),
            &server,
            "sk-bench",
            &format!(
                "[auto]\nstart_on_launch = true\n[regions]\nslots = [{}]\n",
                slots.join(", ")
            ),
        );
        let app = x11::App::start(&mut x, home.path(), &config, "warn");
        app.wait(Probe::AutoMode { on: true }, 1, Duration::from_secs(60));
        // Every region's line translated and painted: from then on the screen is still.
        app.wait_for(n, Duration::from_secs(120), |e| {
            matches!(e, Probe::FirstPaint { .. })
        });
        std::thread::sleep(Duration::from_secs(5));
        let (c0, t0) = (app.cpu_ticks(), Instant::now());
        std::thread::sleep(Duration::from_secs(secs));
        let (c1, span) = (app.cpu_ticks(), t0.elapsed().as_secs_f64());
        let cpu = (c1 - c0) as f64 / 100.0 / span * 100.0;
        let requests = server.requests().len();
        println!(
            "{n} region(s): CPU {cpu:.2} % of one core over {span:.1} s; RSS {} MiB; requests {requests}",
            app.rss_kib() / 1024
        );
        assert_eq!(requests, n, "a still screen asks nothing more");
        (cpu, app.rss_kib() / 1024)
    }
}
