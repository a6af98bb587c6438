//! Auto mode's two costs (issue 5), release build under Xvfb + xcompmgr, loopback provider answering at once:
//! 1. CPU of the whole ocrlay process over 60 s of auto mode on an unchanging 1280×240 region (default
//!    cadence), from /proc/PID/stat (utime + stime), after a 5 s settle;
//! 2. new line finished (the typewriter window prints "line N done" the moment its last character is set)
//!    → the overlay reports that line's first translated character painted (the app's log), for 8 lines;
//! 3. CPU again over 60 s of a still region, with the overlay over it: auto mode reads the game window
//!    under the overlay (openbox + xcompmgr), only the region's part.
//!
//! Run with `cargo bench --bench auto_mode` (Linux; needs Xvfb, xcompmgr, xdotool, ImageMagick, python3-tk).

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
    use std::io::{BufRead, BufReader};
    use std::path::Path;
    use std::process::Stdio;
    use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

    fn cpu_ticks(pid: u32) -> u64 {
        let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap();
        let rest = &stat[stat.rfind(')').unwrap() + 2..];
        let f: Vec<&str> = rest.split_whitespace().collect();
        // Fields 14 and 15 of stat (utime, stime); `rest` starts at field 3.
        f[11].parse::<u64>().unwrap() + f[12].parse::<u64>().unwrap()
    }

    fn now_ms() -> f64 {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_secs_f64()
            * 1e3
    }

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

    pub fn run() {
        let mut x = XSession::start(1600, 900).unwrap_or_else(|e| panic!("cannot start Xvfb: {e}"));
        let rt = tokio::runtime::Runtime::new().unwrap();
        let server = rt.block_on(MockServer::start());
        server.reply([answer("译文")]);
        let home = tempfile::tempdir().unwrap();
        let config = app_config(
            home.path(),
            &server,
            "sk-bench",
            r#"
[auto]
start_on_launch = true
[regions]
slots = [{ name = "Dialogue", rect = [100, 150, 1280, 240] }]
"#,
        );

        // 1. A still 1280×240 dialogue box.
        let fixture =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/ocr/ja_dialogue.png");
        x.show_image(&fixture, 100, 150, "still-game");
        let app = x11::App::start(&mut x, home.path(), &config, "warn,ocrlay=info");
        app.wait(Probe::AutoMode { on: true }, 1, Duration::from_secs(60));
        app.wait_for(1, Duration::from_secs(30), |e| {
            matches!(e, Probe::FirstPaint { .. })
        });
        std::thread::sleep(Duration::from_secs(5));
        let tick = 100.0; // USER_HZ
        let (c0, t0) = (cpu_ticks(app.pid()), Instant::now());
        std::thread::sleep(Duration::from_secs(60));
        let (c1, secs) = (cpu_ticks(app.pid()), t0.elapsed().as_secs_f64());
        let cpu = (c1 - c0) as f64 / tick / secs * 100.0;
        let requests_still = server.requests().len();
        println!("auto mode, still 1280×240 region, default cadence: CPU {cpu:.2} % of one core over {secs:.1} s \
                  (target ≤ 2 %); RSS {} MiB; requests while still: {}", app.rss_kib() / 1024, requests_still - 1);

        // 2. Lines typed out over the same place.
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/support/typewriter.py");
        let lines = [
            "「今日はいい天気ですね。」",
            "「そうだね、散歩にでも行こうか。」",
            "「駅の前で待っているよ。」",
            "「この先に古い城があるって聞いたけど」",
            "「本当に行くつもりなの？」",
            "「もちろん、約束したからね。」",
            "「じゃあ、明日の朝に出発しよう。」",
            "「忘れ物はないか確認してね。」",
        ];
        let mut child = x
            .command("python3")
            .arg(&script)
            .args(["100", "150", "1280", "240", "2500"])
            .args(lines)
            .stdout(Stdio::piped())
            .spawn()
            .expect("python3-tk");
        let out = child.stdout.take().unwrap();
        x.adopt(child);
        let mut done_at = Vec::new();
        for line in BufReader::new(out).lines().map_while(Result::ok) {
            if line == "all done" {
                break;
            }
            if line.starts_with("line ") {
                done_at.push(now_ms());
            }
        }
        std::thread::sleep(Duration::from_secs(2));
        let painted: Vec<f64> = app
            .probes()
            .into_iter()
            .filter_map(|e| match e {
                Probe::FirstPaint { at_unix_ms, .. } => Some(at_unix_ms),
                _ => None,
            })
            .collect();
        let mut lat = Vec::new();
        for d in &done_at {
            if let Some(p) = painted.iter().find(|p| **p > *d) {
                lat.push(p - d);
            }
        }
        println!(
            "new line finished → first translated character painted: median {:.0} ms over {} lines \
             (min {:.0}, max {:.0}; target < 600 ms incl. the stable wait); RSS after {} MiB",
            median(&lat), lat.len(),
            lat.iter().copied().fold(f64::INFINITY, f64::min),
            lat.iter().copied().fold(0.0, f64::max),
            app.rss_kib() / 1024
        );
        x.screenshot(&x11::artefact_dir("bench").join("auto_mode.png"));
        drop(app);
        drop(x);
        over_mode_cpu();
    }

    /// Part 3: the same still region with the overlay over it. Auto mode reads the 1600×860 game window
    /// under the overlay (window manager + compositor), only the region's part of it, at the slow cadence.
    fn over_mode_cpu() {
        let mut x = XSession::start(1600, 900).unwrap_or_else(|e| panic!("cannot start Xvfb: {e}"));
        x.start_wm();
        let mut game = x.typewriter(
            [0, 0, 1600, 860],
            0,
            &["「この先に古い城があるって聞いたけど」"],
        );
        game.next(1);
        let client = x.client_rect(game.window.unwrap());
        // The label centres the line vertically: a 1280×240 box around the middle of the window.
        let region = [client[0] + 40, client[1] + client[3] / 2 - 120, 1280, 240];
        let rt = tokio::runtime::Runtime::new().unwrap();
        let server = rt.block_on(MockServer::start());
        server.reply([answer("译文")]);
        let home = tempfile::tempdir().unwrap();
        let config = app_config(
            home.path(),
            &server,
            "sk-bench",
            &format!(
                "[overlay]\nmode = \"over\"\n[auto]\nstart_on_launch = true\n[regions]\n\
                 slots = [{{ name = \"Dialogue\", rect = [{}, {}, {}, {}] }}]\n",
                region[0], region[1], region[2], region[3]
            ),
        );
        let app = x11::App::start(&mut x, home.path(), &config, "warn,ocrlay=debug");
        app.wait_for(1, Duration::from_secs(60), |e| {
            matches!(e, Probe::FirstPaint { .. })
        });
        std::thread::sleep(Duration::from_secs(5));
        let (c0, t0) = (cpu_ticks(app.pid()), Instant::now());
        std::thread::sleep(Duration::from_secs(60));
        let (c1, secs) = (cpu_ticks(app.pid()), t0.elapsed().as_secs_f64());
        let cpu = (c1 - c0) as f64 / 100.0 / secs * 100.0;
        println!(
            "auto mode, overlay over the still region, reading the 1600×860 window under it: CPU {cpu:.2} % of \
             one core over {secs:.1} s (target ≤ 2 %); requests: {}; read under the overlay: {}",
            server.requests().len(),
            app.probes().contains(&Probe::ReadUnderOwn)
        );
        x.screenshot(&x11::artefact_dir("bench").join("auto_mode_over.png"));
    }
}
