//! Memory over a long auto-mode session (issue 5): a game-like window shows 1200 distinct lines one after
//! another over a saved region, auto mode translates each through a loopback provider, and the resident memory
//! of the whole ocrlay process is sampled every 100 lines. The translation memory is bounded at 1000 entries
//! (`[memory] max_entries`, the smallest allowed), so the last 200 lines run with the bound reached and the
//! oldest answers being dropped.
//!
//! Run with `cargo bench --bench auto_memory [-- LINES]` (release, Linux; needs Xvfb, xcompmgr, xdotool,
//! ImageMagick, python3-tk). Takes about a second a line.

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

    /// `n` distinct dialogue lines (place + subject + ending; 1728 combinations), in a shuffled order so that
    /// neighbours rarely share a part.
    fn lines(n: usize) -> Vec<String> {
        const A: [&str; 12] = [
            "今日は",
            "明日は",
            "駅の前で",
            "森の奥で",
            "あの城で",
            "夜になると",
            "雨の日には",
            "朝早くに",
            "学校の帰りに",
            "海の近くで",
            "山の上で",
            "町の広場で",
        ];
        const B: [&str; 12] = [
            "古い友達に",
            "小さな猫が",
            "不思議な声を",
            "赤い花を",
            "秘密の地図を",
            "大きな船が",
            "静かな歌を",
            "冷たい風が",
            "白い鳥が",
            "懐かしい手紙を",
            "光る石を",
            "黒い影が",
        ];
        const C: [&str; 12] = [
            "見つけたよ。",
            "待っているよ。",
            "聞いたんだ。",
            "探している。",
            "忘れないで。",
            "持ってきた。",
            "見たことがある？",
            "呼んでいる。",
            "届けに行こう。",
            "知っているの？",
            "隠していた。",
            "歌っていた。",
        ];
        // A full-period LCG over 1728 (a − 1 divisible by 2 and 3, and by 4; c coprime to 1728).
        let mut k: usize = 7;
        (0..n.min(1728))
            .map(|_| {
                k = (k * 13 + 5) % 1728;
                format!("「{}{}{}」", A[k % 12], B[(k / 12) % 12], C[k / 144])
            })
            .collect()
    }

    pub fn run() {
        let n: usize = std::env::args()
            .skip(1)
            .find_map(|a| a.parse().ok())
            .unwrap_or(1200);
        let lines = lines(n);
        let mut x = XSession::start(1600, 900).unwrap_or_else(|e| panic!("cannot start Xvfb: {e}"));
        let refs: Vec<&str> = lines.iter().map(String::as_str).collect();
        let mut game = x.typewriter([100, 150, 1280, 120], 0, &refs);
        let region = x.client_rect(game.window.unwrap());

        let rt = tokio::runtime::Runtime::new().unwrap();
        let server = rt.block_on(MockServer::start());
        server.reply([answer("这是一句译文。")]);
        let home = tempfile::tempdir().unwrap();
        let config = app_config(
            home.path(),
            &server,
            "sk-bench",
            &format!(
                r#"
[auto]
start_on_launch = true
[memory]
max_entries = 1000
[regions]
slots = [{{ name = "Dialogue", rect = [{}, {}, {}, {}] }}]
"#,
                region[0], region[1], region[2], region[3],
            ),
        );
        let app = x11::App::start(&mut x, home.path(), &config, "warn,ocrlay=info");
        app.wait(Probe::AutoMode { on: true }, 1, Duration::from_secs(60));
        std::thread::sleep(Duration::from_secs(2));
        let start_rss = app.rss_kib();
        println!(
            "lines  requests  RSS MiB  (start: {:.1} MiB)",
            start_rss as f64 / 1024.0
        );
        let t0 = Instant::now();
        let mut missed = 0;
        let mut samples = vec![(0usize, start_rss)];
        for i in 1..=lines.len() {
            let before = server.requests().len();
            game.next(i);
            let t = Instant::now();
            while server.requests().len() == before {
                if t.elapsed() > Duration::from_secs(5) {
                    missed += 1;
                    break;
                }
                std::thread::sleep(Duration::from_millis(10));
            }
            // Let the answer land in the overlay and the store before the next line.
            std::thread::sleep(Duration::from_millis(100));
            if i % 100 == 0 {
                let rss = app.rss_kib();
                samples.push((i, rss));
                println!(
                    "{i:5}  {:8}  {:7.1}",
                    server.requests().len(),
                    rss as f64 / 1024.0
                );
            }
        }
        let secs = t0.elapsed().as_secs_f64();
        assert!(app.alive(), "the app died:\n{}", app.log_text());
        let (first, last) = (samples[1].1 as f64, samples.last().unwrap().1 as f64);
        let mid = samples
            .iter()
            .find(|(i, _)| *i == 500)
            .map(|s| s.1 as f64)
            .unwrap_or(first);
        let peak = samples.iter().map(|s| s.1).max().unwrap() as f64;
        println!(
            "{} lines in {secs:.0} s ({:.2} s a line): {} requests, {missed} lines without a request within 5 s",
            lines.len(),
            secs / lines.len() as f64,
            server.requests().len()
        );
        println!(
            "RSS: start {:.1} MiB, after 100 lines {:.1}, after 500 {:.1}, at the end {:.1} (peak {:.1}); \
             growth from line 100 to the end {:+.1} MiB",
            start_rss as f64 / 1024.0,
            first / 1024.0,
            mid / 1024.0,
            last / 1024.0,
            peak / 1024.0,
            (last - first) / 1024.0
        );
        if let Some(db) = find_db(home.path()) {
            let size = std::fs::metadata(&db).map(|m| m.len()).unwrap_or(0);
            println!("database {}: {:.1} KiB", db.display(), size as f64 / 1024.0);
            if let Ok(c) = rusqlite::Connection::open(&db) {
                let count = |t: &str| -> i64 {
                    c.query_row(&format!("SELECT count(*) FROM {t}"), [], |r| r.get(0))
                        .unwrap_or(-1)
                };
                println!(
                    "translation memory entries: {} (bound 1000); history rows: {}",
                    count("translations"),
                    count("history")
                );
            }
        }
        x.screenshot(&x11::artefact_dir("bench").join("auto_memory.png"));
    }

    fn find_db(dir: &Path) -> Option<std::path::PathBuf> {
        for e in std::fs::read_dir(dir).ok()?.flatten() {
            let p = e.path();
            if p.is_dir() {
                if let Some(f) = find_db(&p) {
                    return Some(f);
                }
            } else if p.file_name().is_some_and(|n| n == "history.sqlite3") {
                return Some(p);
            }
        }
        None
    }
}
