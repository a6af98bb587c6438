//! Auto mode as a player uses it, under Xvfb: a game-like window types lines out character by character
//! (tests/support/typewriter.py), ocrlay starts with a saved region over its dialogue box and
//! `[auto] start_on_launch`, and a loopback provider counts requests. Exactly one request per distinct line
//! (never a half-typed one; a line shown again is answered from the translation memory), each translation
//! reaches the overlay, and nothing is sent while the screen is still.

#![cfg(target_os = "linux")]

mod common;

use ocrlay::probe::Probe;

use common::x11;
use common::{answer as reply, app_config, delta, finish, MockServer, Reply};
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::Stdio;
use std::sync::mpsc;
use std::time::{Duration, Instant};

const LINES: [&str; 4] = [
    "「今日はいい天気ですね。」",
    "「そうだね、散歩にでも行こうか。」",
    "「今日はいい天気ですね。」",
    "「駅の前で待っているよ。」",
];

#[test]
fn auto_mode_translates_each_new_line_once() {
    let Some(mut x) = x11::start_or_skip(1600, 900) else {
        return;
    };
    let rt = tokio::runtime::Runtime::new().unwrap();
    let server = rt.block_on(MockServer::start());
    server.reply([
        reply("今天天气真好啊。"),
        reply("是啊，去散散步吧。"),
        reply("我在车站前等你。"),
    ]);
    let home = tempfile::tempdir().unwrap();
    let config = app_config(
        home.path(),
        &server,
        "sk-auto-e2e",
        r#"
[auto]
start_on_launch = true

[regions]
active = 0
slots = [{ name = "Dialogue", rect = [100, 150, 1000, 120] }]
"#,
    );

    let app = x11::App::start(&mut x, home.path(), &config, "ocrlay=debug");
    app.wait(Probe::EngineLoaded { ok: true }, 1, Duration::from_secs(60));
    app.wait(Probe::AutoMode { on: true }, 1, Duration::from_secs(20));

    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/support/typewriter.py");
    let mut child = x
        .command("python3")
        .arg(&script)
        .args(["100", "150", "1000", "120", "2500"])
        .args(LINES)
        .stdout(Stdio::piped())
        .spawn()
        .expect("python3 with tkinter runs (apt install python3-tk)");
    let out = child.stdout.take().unwrap();
    x.adopt(child);
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(out).lines().map_while(Result::ok) {
            let _ = tx.send((line, Instant::now()));
        }
    });
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let (line, _) = rx
            .recv_timeout(deadline.saturating_duration_since(Instant::now()))
            .unwrap_or_else(|_| panic!("the typewriter did not finish:\n{}", app.log_text()));
        if line == "all done" {
            break;
        }
    }
    // Still screen for a while: nothing more may be sent.
    let after_last = server.requests().len();
    std::thread::sleep(Duration::from_secs(3));
    let log = app.log_text();
    std::fs::write(x11::artefact_dir("e2e").join("auto.log"), &log).unwrap();
    x.screenshot(&x11::artefact_dir("e2e").join("auto.png"));

    let chats: Vec<String> = server
        .requests()
        .into_iter()
        .filter(|r| r.path == "/v1/chat/completions")
        .map(|r| r.body["messages"].to_string())
        .collect();
    assert_eq!(
        server.requests().len(),
        after_last,
        "requests were sent while the screen was still"
    );
    assert_eq!(
        chats.len(),
        3,
        "one request per distinct line (the repeated line comes from the memory): {chats:#?}\n{log}"
    );
    for (chat, needle) in chats.iter().zip([
        "いい天気ですね",
        "散歩にでも行こうか",
        "駅の前で待っているよ",
    ]) {
        assert!(
            chat.contains(needle),
            "expected the whole line '{needle}' in {chat}"
        );
    }
    let events = app.probes();
    assert!(
        events.iter().any(|e| matches!(e, Probe::MemoryHit { .. })),
        "the repeated line was not answered from memory:\n{log}"
    );
    // Each translation reached the overlay: three from the provider and one from the memory.
    let done = events
        .iter()
        .filter(|e| matches!(e, Probe::Done { .. }))
        .count();
    assert_eq!(done, 4, "{log}");
    assert!(app.alive(), "the app died");
}

/// A new line supersedes the one still being translated: its request is aborted (never shown late, never
/// stored), and the new line is translated at once.
#[test]
fn a_new_line_supersedes_the_one_in_flight() {
    let Some(mut x) = x11::start_or_skip(1600, 900) else {
        return;
    };
    let mut game = x.typewriter([100, 150, 1000, 120], 20, &[LINES[0], LINES[1], LINES[0]]);
    let region = x.client_rect(game.window.unwrap());
    let rt = tokio::runtime::Runtime::new().unwrap();
    let server = rt.block_on(MockServer::start());
    // The first answer is slow: a comment at once, its text 4 s later.
    let mut slow = vec![": thinking".to_string(), delta("旧的译文")];
    slow.extend(finish());
    server.reply([
        Reply::Sse {
            events: slow,
            before_gate: 0,
            pause: Duration::from_secs(4),
            abort: false,
        },
        reply("是啊，去散散步吧。"),
        reply("今天天气真好啊。"),
    ]);
    let home = tempfile::tempdir().unwrap();
    let config = app_config(
        home.path(),
        &server,
        "sk-auto-e2e",
        &format!(
            r#"
[auto]
start_on_launch = true
[regions]
slots = [{{ name = "Dialogue", rect = [{}, {}, {}, {}] }}]
"#,
            region[0], region[1], region[2], region[3]
        ),
    );
    let app = x11::App::start(&mut x, home.path(), &config, "ocrlay=debug");
    app.wait(Probe::AutoMode { on: true }, 1, Duration::from_secs(60));
    let wait_requests = |n: usize| {
        let t = Instant::now();
        while server.requests().len() < n {
            assert!(
                t.elapsed() < Duration::from_secs(30),
                "waited for {n} requests:\n{}",
                app.log_text()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    };
    game.next(1);
    wait_requests(1);
    game.next(2);
    wait_requests(2);
    // The first line's call is stopped: its job ends cancelled, and the second line is translated.
    let events = app.wait_for(
        1,
        Duration::from_secs(10),
        |e| matches!(e, Probe::JobEnded { end, .. } if end == "Cancelled"),
    );
    let first = events
        .iter()
        .find_map(|e| match e {
            Probe::JobEnded { job, end } if end == "Cancelled" => Some(*job),
            _ => None,
        })
        .unwrap();
    app.wait_for(1, Duration::from_secs(10), |e| {
        matches!(e, Probe::Done { .. })
    });
    // When the first answer's text comes (4 s in), nobody reads it any more: the connection was dropped, so
    // nothing of it can be shown late or stored.
    let t = Instant::now();
    while !server.left().contains(&0) {
        assert!(
            t.elapsed() < Duration::from_secs(20),
            "the superseded stream is still read"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    // The first line again: it was never translated, so the memory cannot know it; it is asked again.
    game.next(3);
    wait_requests(3);
    let events = app.wait_for(2, Duration::from_secs(10), |e| {
        matches!(e, Probe::Done { .. })
    });
    let log = app.log_text();
    std::fs::write(x11::artefact_dir("e2e").join("supersede.log"), &log).unwrap();
    let chats: Vec<String> = server
        .requests()
        .into_iter()
        .map(|r| r.body["messages"].to_string())
        .collect();
    assert_eq!(chats.len(), 3, "{chats:#?}");
    assert!(chats[0].contains("いい天気ですね") && chats[2].contains("いい天気ですね"));
    assert!(chats[1].contains("散歩にでも行こうか"), "{}", chats[1]);
    assert!(
        !events.iter().any(|e| matches!(e, Probe::MemoryHit { .. })),
        "the aborted answer was stored: {events:#?}"
    );
    let done: Vec<u64> = events
        .iter()
        .filter_map(|e| match e {
            Probe::Done { job, .. } => Some(*job),
            _ => None,
        })
        .collect();
    assert_eq!(done.len(), 2, "{events:#?}");
    assert!(
        !done.contains(&first),
        "the superseded line's answer reached the overlay: {events:#?}"
    );
    assert!(app.alive(), "the app died");
}
