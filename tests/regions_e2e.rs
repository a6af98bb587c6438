//! Saved regions, window binding and the overlay over the text, in the real app under Xvfb (issue 5):
//! - "over" mode with an unbound region: the overlay covers the dialogue box, and auto mode reads the game
//!   window under it (window manager + compositor), never the overlay;
//! - a region bound to a game window follows the window when it moves;
//! - without a window to read under it, auto mode waits while an ocrlay window covers the region, and reads
//!   the region as soon as it is clear;
//! - Alt+1…4 switch between saved regions.
//!
//! The game is tests/support/typewriter.py driven line by line; a loopback provider counts requests.

#![cfg(target_os = "linux")]

mod common;

use ocrlay::probe::Probe;

use common::x11::{self, XSession};
use common::{answer as reply, app_config, MockServer};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// A config with the loopback provider and `extra` TOML (regions, auto, overlay).
fn config(home: &Path, server: &MockServer, extra: &str) -> PathBuf {
    app_config(home, server, "sk-regions-e2e", extra)
}

/// The messages of every chat request so far.
fn chats(server: &MockServer) -> Vec<String> {
    server
        .requests()
        .into_iter()
        .filter(|r| r.path == "/v1/chat/completions")
        .map(|r| r.body["messages"].to_string())
        .collect()
}

/// The line each chat request asked to translate (its last user message), exactly.
fn asked(server: &MockServer) -> Vec<String> {
    server
        .requests()
        .into_iter()
        .filter(|r| r.path == "/v1/chat/completions")
        .map(|r| {
            r.body["messages"]
                .as_array()
                .and_then(|m| m.last())
                .and_then(|m| m["content"].as_str())
                .unwrap_or_default()
                .to_string()
        })
        .collect()
}

/// Waits until `n` chat requests have arrived; panics with the log after `timeout`.
fn wait_requests(server: &MockServer, app: &x11::App, n: usize, timeout: Duration) -> Vec<String> {
    let t = Instant::now();
    loop {
        let c = chats(server);
        if c.len() >= n {
            return c;
        }
        if t.elapsed() > timeout {
            panic!(
                "waited {timeout:?} for {n} requests, got {}: {c:#?}\n{}",
                c.len(),
                app.log_text()
            );
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Starts the app and waits until its engine is loaded and its hotkeys are registered (a key pressed before
/// that would be lost).
fn start_app(x: &mut XSession, home: &Path, config: &Path) -> x11::App {
    let app = x11::App::start(x, home, config, "ocrlay=debug");
    app.wait(Probe::EngineLoaded { ok: true }, 1, Duration::from_secs(60));
    app.wait(Probe::Running, 1, Duration::from_secs(60));
    app
}

fn rect_toml(r: [i32; 4]) -> String {
    format!("[{}, {}, {}, {}]", r[0], r[1], r[2], r[3])
}

/// A game window (the typewriter, 1000×120 at (100, 150)), a loopback provider with `replies`, and ocrlay
/// started with auto mode on over the game's dialogue box (`mode`: "over" or "beside"; `bound`: the slot
/// bound to the game window).
struct AutoScene {
    game: x11::Typewriter,
    server: MockServer,
    app: x11::App,
    _rt: tokio::runtime::Runtime,
    _home: tempfile::TempDir,
}

fn auto_scene(
    x: &mut XSession,
    mode: &str,
    bound: bool,
    lines: &[&str],
    replies: &[&str],
) -> AutoScene {
    let game = x.typewriter([100, 150, 1000, 120], 20, lines);
    let region = x.client_rect(game.window.unwrap());
    let rt = tokio::runtime::Runtime::new().unwrap();
    let server = rt.block_on(MockServer::start());
    server.reply(replies.iter().map(|r| reply(r)));
    let home = tempfile::tempdir().unwrap();
    let window = if bound {
        r#", window = { title = "typewriter-game", app = "", offset = [0, 0, 1000, 120] }"#
    } else {
        ""
    };
    let config = config(
        home.path(),
        &server,
        &format!(
            "[overlay]\nmode = \"{mode}\"\n[auto]\nstart_on_launch = true\n[regions]\n\
             slots = [{{ name = \"Dialogue\", rect = {}{window} }}]\n",
            rect_toml(region)
        ),
    );
    let app = start_app(x, home.path(), &config);
    app.wait(Probe::AutoMode { on: true }, 1, Duration::from_secs(20));
    AutoScene {
        game,
        server,
        app,
        _rt: rt,
        _home: home,
    }
}

const LINE_1: &str = "「今日はいい天気ですね。」";
const LINE_2: &str = "「駅の前で待っているよ。」";

#[test]
fn over_mode_reads_the_game_window_under_the_overlay() {
    let Some(mut x) = x11::start_or_skip(1600, 900) else {
        return;
    };
    x.start_wm();
    let mut scene = auto_scene(
        &mut x,
        "over",
        false,
        &[LINE_1, LINE_2],
        &["今天天气真好啊。", "我在车站前等你。"],
    );
    let (game, server, app) = (&mut scene.game, &scene.server, &scene.app);
    // The overlay sits on the region before the first line appears.
    std::thread::sleep(Duration::from_millis(800));

    game.next(1);
    wait_requests(server, app, 1, Duration::from_secs(30));
    app.wait_for(1, Duration::from_secs(10), |e| {
        matches!(e, Probe::Done { .. })
    });
    game.next(2);
    let chats = wait_requests(server, app, 2, Duration::from_secs(30));
    let events = app.wait_for(2, Duration::from_secs(10), |e| {
        matches!(e, Probe::Done { .. })
    });
    // The second line on screen before the screenshot. (The first line's paint report can be lost when its
    // animation frame comes after the second line replaced it: only the last line's is waited for.)
    let last = events
        .iter()
        .rev()
        .find_map(|e| match e {
            Probe::Done { job, .. } => Some(*job),
            _ => None,
        })
        .unwrap();
    app.wait_for(
        1,
        Duration::from_secs(10),
        |e| matches!(e, Probe::FirstPaint { job, .. } if *job == last),
    );
    let log = app.log_text();
    std::fs::write(x11::artefact_dir("e2e").join("over-mode.log"), &log).unwrap();
    x.screenshot(&x11::artefact_dir("e2e").join("over-mode.png"));

    let events = app.probes();
    assert!(
        events.contains(&Probe::ReadUnderOwn),
        "the overlay never covered the region, or the window under it was not read:\n{log}"
    );
    assert!(
        !events.contains(&Probe::AutoCovered),
        "auto mode waited instead of reading under the overlay:\n{log}"
    );
    assert_eq!(chats.len(), 2, "{chats:#?}");
    // Exactly the game's lines: nothing of the overlay (its status or the first translation) was read.
    assert_eq!(asked(server), [LINE_1, LINE_2]);
    assert!(app.alive(), "the app died");
}

#[test]
fn a_bound_region_follows_its_window_with_the_overlay_over_it() {
    bound_region_follows_its_window("over");
}

#[test]
fn a_bound_region_follows_its_window_with_the_overlay_beside_it() {
    bound_region_follows_its_window("beside");
}

fn bound_region_follows_its_window(mode: &str) {
    let Some(mut x) = x11::start_or_skip(1600, 900) else {
        return;
    };
    x.start_wm();
    let mut scene = auto_scene(
        &mut x,
        mode,
        true,
        &[LINE_1, LINE_2],
        &["今天天气真好啊。", "我在车站前等你。"],
    );
    let (game, server, app) = (&mut scene.game, &scene.server, &scene.app);
    let id = game.window.unwrap();

    game.next(1);
    wait_requests(server, app, 1, Duration::from_secs(30));
    app.wait_for(1, Duration::from_secs(10), |e| {
        matches!(e, Probe::Done { .. })
    });

    // The game window moves across the screen: the region goes with it.
    x.xdotool(&["windowmove", &id.to_string(), "450", "600"]);
    let t = Instant::now();
    while x.client_rect(id)[1] < 500 {
        assert!(
            t.elapsed() < Duration::from_secs(10),
            "the window did not move"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    let moved = x.client_rect(id);
    // The overlay goes with it: over the text, or right above or below it.
    let overlay = x
        .wait_window("^ocrlay$", Duration::from_secs(5))
        .expect("the overlay is visible");
    let t = Instant::now();
    loop {
        let o = x.client_rect(overlay);
        let followed = if mode == "over" {
            (o[0] - moved[0]).abs() <= 2 && (o[1] - moved[1]).abs() <= 2 && o[2] >= moved[2] - 2
        } else {
            let below = (o[1] - (moved[1] + moved[3])).abs() <= 40;
            let above = ((o[1] + o[3]) - moved[1]).abs() <= 40;
            let overlaps_x = o[0] < moved[0] + moved[2] && moved[0] < o[0] + o[2];
            (below || above) && overlaps_x
        };
        if followed {
            break;
        }
        assert!(
            t.elapsed() < Duration::from_secs(10),
            "the overlay stayed at {o:?}, the region is at {moved:?}\n{}",
            app.log_text()
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    game.next(2);
    let chats = wait_requests(server, app, 2, Duration::from_secs(30));
    app.wait_for(2, Duration::from_secs(10), |e| {
        matches!(e, Probe::Done { .. })
    });
    let log = app.log_text();
    std::fs::write(
        x11::artefact_dir("e2e").join(format!("bound-{mode}.log")),
        &log,
    )
    .unwrap();
    x.screenshot(&x11::artefact_dir("e2e").join(format!("bound-{mode}.png")));
    assert!(moved[0] >= 400 && moved[1] >= 500, "{moved:?}");
    assert_eq!(chats.len(), 2, "{chats:#?}\n{log}");
    assert_eq!(asked(server), [LINE_1, LINE_2], "{log}");
    assert!(app.alive(), "the app died");
}

#[test]
fn auto_mode_waits_while_its_own_window_covers_the_region() {
    // No window manager: nothing can be listed, so nothing can be read under the overlay.
    let Some(mut x) = x11::start_or_skip(1600, 900) else {
        return;
    };
    let mut scene = auto_scene(&mut x, "over", false, &[LINE_1], &["今天天气真好啊。"]);
    let (game, server, app) = (&mut scene.game, &scene.server, &scene.app);
    game.next(1);
    app.wait(Probe::AutoCovered, 1, Duration::from_secs(10));
    std::thread::sleep(Duration::from_secs(3));
    assert_eq!(
        chats(server).len(),
        0,
        "a region under ocrlay's own window was read:\n{}",
        app.log_text()
    );

    // The overlay is moved off the region: the line is read at once.
    let overlay = x
        .wait_window("^ocrlay$", Duration::from_secs(5))
        .expect("the overlay is visible");
    x.xdotool(&["windowmove", &overlay.to_string(), "100", "500"]);
    let chats = wait_requests(server, app, 1, Duration::from_secs(20));
    app.wait_for(1, Duration::from_secs(10), |e| {
        matches!(e, Probe::Done { .. })
    });
    x.screenshot(&x11::artefact_dir("e2e").join("covered.png"));
    assert_eq!(chats.len(), 1);
    assert!(chats[0].contains("いい天気ですね"), "{}", chats[0]);
    assert!(app.alive(), "the app died");
}

#[test]
fn alt_number_switches_the_saved_region() {
    let Some(mut x) = x11::start_or_skip(1600, 900) else {
        return;
    };
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/ocr");
    x.show_image(&fixtures.join("ja_dialogue.png"), 20, 20, "ja-game");
    x.show_image(&fixtures.join("en_dialogue.png"), 20, 640, "en-game");
    let rt = tokio::runtime::Runtime::new().unwrap();
    let server = rt.block_on(MockServer::start());
    server.reply([reply("英文的译文"), reply("日文的译文")]);
    let home = tempfile::tempdir().unwrap();
    let config = config(
        home.path(),
        &server,
        r#"
[regions]
active = 0
slots = [{ name = "Japanese box", rect = [20, 20, 1280, 240] }, { name = "English box", rect = [20, 640, 1280, 240] }]
"#,
    );
    let app = start_app(&mut x, home.path(), &config);

    x.xdotool(&["key", "alt+2"]);
    let switched = |index| Probe::RegionSwitched { index, set: true };
    app.wait(switched(1), 1, Duration::from_secs(10));
    x.xdotool(&["key", "alt+w"]);
    let first = wait_requests(&server, &app, 1, Duration::from_secs(30));
    app.wait_for(1, Duration::from_secs(10), |e| {
        matches!(e, Probe::Done { .. })
    });
    x.xdotool(&["key", "alt+1"]);
    app.wait(switched(0), 1, Duration::from_secs(10));
    x.xdotool(&["key", "alt+w"]);
    let both = wait_requests(&server, &app, 2, Duration::from_secs(30));
    assert!(
        first[0].contains("old castle"),
        "Alt+2 did not read the English box: {}",
        first[0]
    );
    assert!(
        both[1].contains("古い城"),
        "Alt+1 did not read the Japanese box: {}",
        both[1]
    );
    assert!(app.alive(), "the app died");
}

#[test]
fn without_a_compositor_the_overlay_steps_aside_for_a_manual_capture() {
    let Some(mut x) = x11::start_bare_or_skip(1600, 900) else {
        return;
    };
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/ocr");
    x.show_image(&fixtures.join("ja_dialogue.png"), 100, 150, "ja-game");
    let rt = tokio::runtime::Runtime::new().unwrap();
    let server = rt.block_on(MockServer::start());
    server.reply([reply("【爱丽丝】听说前面有一座古城……你真的要去吗？")]);
    let home = tempfile::tempdir().unwrap();
    let config = config(
        home.path(),
        &server,
        r#"
[overlay]
mode = "over"
[regions]
slots = [{ name = "Dialogue", rect = [100, 150, 1280, 240] }]
"#,
    );
    let app = start_app(&mut x, home.path(), &config);
    // First Alt+W: the overlay shows "Reading…" over the region, then the translation.
    x.xdotool(&["key", "alt+w"]);
    wait_requests(&server, &app, 1, Duration::from_secs(30));
    app.wait_for(1, Duration::from_secs(10), |e| {
        matches!(e, Probe::Done { .. })
    });
    std::thread::sleep(Duration::from_millis(500));
    // Second Alt+W with the translation over the text: the dialogue is read again, not the overlay, so the
    // translation memory answers it.
    x.xdotool(&["key", "alt+w"]);
    app.wait_for(2, Duration::from_secs(30), |e| {
        matches!(e, Probe::Done { .. })
    });
    let log = app.log_text();
    x.screenshot(&x11::artefact_dir("e2e").join("bare-over.png"));
    let events = app.probes();
    assert!(
        events
            .iter()
            .any(|e| matches!(e, Probe::OverlayHidden { .. })),
        "{log}"
    );
    assert!(
        events.iter().any(|e| matches!(e, Probe::MemoryHit { .. })),
        "the second capture did not read the dialogue:\n{log}"
    );
    assert_eq!(chats(&server).len(), 1, "{:#?}", chats(&server));
    assert!(
        chats(&server)[0].contains("古い城"),
        "{}",
        chats(&server)[0]
    );
    // Auto mode cannot hide the overlay on every beat: it waits, and says why.
    x.xdotool(&["key", "alt+a"]);
    app.wait(Probe::AutoCovered, 1, Duration::from_secs(10));
    std::thread::sleep(Duration::from_secs(2));
    assert_eq!(
        chats(&server).len(),
        1,
        "auto mode read the region under the overlay"
    );
    assert!(app.alive(), "the app died");
}

#[test]
fn each_new_line_is_copied_and_served_on_the_local_websocket() {
    let Some(mut x) = x11::start_or_skip(1600, 900) else {
        return;
    };
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/ocr");
    x.show_image(&fixtures.join("ja_dialogue.png"), 100, 150, "ja-game");
    let rt = tokio::runtime::Runtime::new().unwrap();
    let server = rt.block_on(MockServer::start());
    server.reply([reply("【爱丽丝】听说前面有一座古城……")]);
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let home = tempfile::tempdir().unwrap();
    let config = config(
        home.path(),
        &server,
        &format!(
            r#"
[output]
copy = "translation"
websocket = true
websocket_port = {port}
[regions]
slots = [{{ name = "Dialogue", rect = [100, 150, 1280, 240] }}]
"#
        ),
    );
    let app = start_app(&mut x, home.path(), &config);
    app.wait(Probe::Running, 1, Duration::from_secs(30));
    let (mut ws, _) = rt
        .block_on(tokio_tungstenite::connect_async(format!(
            "ws://127.0.0.1:{port}/json"
        )))
        .expect("the WebSocket output listens");
    x.xdotool(&["key", "alt+w"]);
    app.wait_for(1, Duration::from_secs(60), |e| {
        matches!(e, Probe::Done { .. })
    });
    let line: serde_json::Value = rt.block_on(async {
        use futures_util::StreamExt;
        let msg = tokio::time::timeout(Duration::from_secs(10), ws.next())
            .await
            .expect("a line on the WebSocket")
            .unwrap()
            .unwrap();
        serde_json::from_str(msg.to_text().unwrap()).unwrap()
    });
    assert!(
        line["source"].as_str().unwrap().contains("古い城"),
        "{line}"
    );
    assert_eq!(line["translation"], "【爱丽丝】听说前面有一座古城……");
    assert_eq!(line["region"], "Dialogue");
    // The clipboard holds the translation (read back through the X server, as another program would).
    let out = x
        .command("xclip")
        .args(["-o", "-selection", "clipboard"])
        .output()
        .expect("xclip runs (scripts/setup.sh installs it)");
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "【爱丽丝】听说前面有一座古城……",
        "{}",
        app.log_text()
    );
    assert!(app.alive(), "the app died");
}

/// Issue 16: two saved regions read at once in auto mode, each into an overlay of its own next to it, each
/// with its own translation; a new line in one does not stop the other's.
#[test]
fn auto_mode_reads_two_watched_regions_into_two_overlays() {
    let Some(mut x) = x11::start_or_skip(1600, 900) else {
        return;
    };
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/ocr");
    x.show_image(&fixtures.join("en_dialogue.png"), 20, 20, "en-game");
    x.show_image(&fixtures.join("ja_dialogue.png"), 20, 620, "ja-game");
    let rt = tokio::runtime::Runtime::new().unwrap();
    let server = rt.block_on(MockServer::start());
    // The two regions' requests run at the same time: each is answered by what it asks.
    server.reply_when("古い城", reply("【爱丽丝】听说前面有一座古城……"));
    server.reply_when("old castle", reply("听说前面有一座古老的城堡。"));
    let home = tempfile::tempdir().unwrap();
    let config = config(
        home.path(),
        &server,
        r#"
[auto]
start_on_launch = true
[regions]
active = 0
slots = [{ name = "Dialogue", rect = [20, 620, 1280, 240] }, { name = "Quest log", rect = [20, 20, 1280, 240], watch = true }]
"#,
    );
    let app = start_app(&mut x, home.path(), &config);
    app.wait(Probe::AutoMode { on: true }, 1, Duration::from_secs(20));
    let done =
        |slot: usize| move |e: &Probe| matches!(e, Probe::Done { slot: s, .. } if *s == slot);
    let painted =
        |slot: usize| move |e: &Probe| matches!(e, Probe::FirstPaint { slot: s, .. } if *s == slot);
    app.wait_for(1, Duration::from_secs(60), done(0));
    app.wait_for(1, Duration::from_secs(60), done(1));
    app.wait_for(1, Duration::from_secs(20), painted(0));
    app.wait_for(1, Duration::from_secs(20), painted(1));
    let asked = asked(&server);
    assert_eq!(asked.len(), 2, "one request per region: {asked:#?}");
    assert!(asked.iter().any(|a| a.contains("古い城")), "{asked:#?}");
    assert!(asked.iter().any(|a| a.contains("old castle")), "{asked:#?}");
    // Neither line stopped the other's translation.
    let ended: Vec<String> = app
        .probes()
        .into_iter()
        .filter_map(|e| match e {
            Probe::JobEnded { end, .. } => Some(end),
            _ => None,
        })
        .collect();
    assert_eq!(
        ended,
        vec!["Translated", "Translated"],
        "{}",
        app.log_text()
    );

    // Two overlays are up, each next to its own region (beside mode: above or below it, not over it).
    let overlays: Vec<u64> = x
        .xdotool(&["search", "--onlyvisible", "--name", "^ocrlay$"])
        .lines()
        .filter_map(|l| l.trim().parse().ok())
        .collect();
    assert_eq!(overlays.len(), 2, "{}", app.log_text());
    let mut tops: Vec<i32> = overlays.iter().map(|&id| x.geometry(id).1).collect();
    tops.sort();
    // The quest log's overlay below it (its region ends at y 260), the dialogue's above its region (y 620).
    assert!(tops[0] >= 255 && tops[0] < 620, "{tops:?}");
    assert!(tops[1] >= 255 && tops[1] < 620, "{tops:?}");
    // Neither covers the other, nor the other region.
    let boxes: Vec<(i32, i32, i32, i32)> = overlays
        .iter()
        .map(|&id| x.geometry(id))
        .map(|(x, y, w, h)| (x, y, w as i32, h as i32))
        .collect();
    let apart = |a: (i32, i32, i32, i32), b: (i32, i32, i32, i32)| {
        a.0 + a.2 <= b.0 || b.0 + b.2 <= a.0 || a.1 + a.3 <= b.1 || b.1 + b.3 <= a.1
    };
    assert!(apart(boxes[0], boxes[1]), "the overlays overlap: {boxes:?}");
    for b in &boxes {
        for region in [(20, 620, 1280, 240), (20, 20, 1280, 240)] {
            assert!(apart(*b, region), "an overlay covers a region: {boxes:?}");
        }
    }
    let shot = x11::artefact_dir("regions").join("two-watched-regions.png");
    x.screenshot(&shot);
    assert!(app.alive(), "the app died");
}

/// Issue 16: a profile bound to a game comes into effect while the game's window is in front (focus moved
/// with xdotool), and its glossary goes with the requests; another window in front brings the default back.
#[test]
fn a_games_profile_follows_its_window_in_front() {
    let Some(mut x) = x11::start_or_skip(1600, 900) else {
        return;
    };
    x.start_wm();
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/ocr");
    x.show_image(&fixtures.join("ja_dialogue.png"), 100, 150, "alice-game");
    x.show_image(
        &fixtures.join("en_dialogue.png"),
        100,
        560,
        "another-program",
    );
    let game = x
        .wait_window("^alice-game$", Duration::from_secs(10))
        .unwrap();
    let other = x
        .wait_window("^another-program$", Duration::from_secs(10))
        .unwrap();
    let region = x.client_rect(game);
    let rt = tokio::runtime::Runtime::new().unwrap();
    let server = rt.block_on(MockServer::start());
    server.reply([reply("译文")]);
    let home = tempfile::tempdir().unwrap();
    let config = config(
        home.path(),
        &server,
        &format!(
            r#"
[memory]
cache = false
[regions]
slots = [{{ name = "Dialogue", rect = {} }}]
[[profiles]]
name = "Alice's game"
game = {{ title = "alice-game" }}
glossary = [{{ src = "アリス", dst = "爱丽丝（主角）" }}]
"#,
            rect_toml(region)
        ),
    );
    let app = start_app(&mut x, home.path(), &config);
    app.wait(Probe::Running, 1, Duration::from_secs(30));
    let switched = |name: Option<&str>| Probe::ProfileSwitched {
        name: name.map(str::to_string),
    };
    x.xdotool(&["windowactivate", "--sync", &game.to_string()]);
    app.wait(switched(Some("Alice's game")), 1, Duration::from_secs(10));
    x.xdotool(&["key", "alt+w"]);
    let first = wait_requests(&server, &app, 1, Duration::from_secs(60));
    assert!(first[0].contains("爱丽丝（主角）"), "{}", first[0]);

    x.xdotool(&["windowactivate", "--sync", &other.to_string()]);
    app.wait(switched(None), 1, Duration::from_secs(10));
    x.xdotool(&["key", "alt+w"]);
    let both = wait_requests(&server, &app, 2, Duration::from_secs(60));
    assert!(both[1].contains("古い城"), "{}", both[1]);
    assert!(!both[1].contains("爱丽丝（主角）"), "{}", both[1]);
    assert!(app.alive(), "the app died");
}
