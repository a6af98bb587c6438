//! Read-aloud in the real app under Xvfb: with `[output] speak = "translation"`, Alt+W reads the dialogue
//! box, the loopback provider translates it, and the translation goes to speech-dispatcher (espeak-ng, a
//! Chinese voice chosen by name), which the app's libspeechd starts by itself; the app says so in its probe
//! file (`Spoken`, with the line's length only).
//!
//! Like tests/speech_dispatcher.rs, the speech-dispatcher gets a private configuration: libao's null output
//! (no sound device here or in CI) under a private HOME. Skipped where speech-dispatcher or espeak-ng is
//! missing unless `OCRLAY_REQUIRE_SPEECH=1`; skipped without an X server unless `OCRLAY_REQUIRE_X=1`.

#![cfg(target_os = "linux")]

mod common;

use common::x11;
use common::{answer as reply, app_config, MockServer};
use ocrlay::probe::Probe;
use std::path::Path;
use std::time::Duration;

const TRANSLATION: &str = "【爱丽丝】听说前面有一座古城……";

#[test]
fn the_translation_of_a_new_line_is_read_aloud() {
    let required = std::env::var("OCRLAY_REQUIRE_SPEECH").is_ok_and(|v| v == "1");
    let system = Path::new("/etc/speech-dispatcher");
    let installed = system.join("speechd.conf").is_file()
        && Path::new("/usr/lib/speech-dispatcher-modules/sd_espeak-ng").is_file();
    if !installed {
        assert!(
            !required,
            "OCRLAY_REQUIRE_SPEECH=1 but speech-dispatcher/espeak-ng are missing"
        );
        eprintln!("speech-dispatcher with espeak-ng is not installed: skipped");
        return;
    }
    let Some(mut x) = x11::start_or_skip(1600, 900) else {
        return;
    };
    let home = tempfile::tempdir().unwrap();
    // The app runs with XDG_CONFIG_HOME=home/config and XDG_RUNTIME_DIR=home/runtime (tests/common/x11.rs):
    // speech-dispatcher's private configuration goes there, libao's into HOME (this binary's only test).
    let speechd = home.path().join("config/speech-dispatcher");
    std::fs::create_dir_all(&speechd).unwrap();
    for entry in walk(system) {
        let target = speechd.join(entry.strip_prefix(system).unwrap());
        std::fs::create_dir_all(target.parent().unwrap()).unwrap();
        std::fs::copy(&entry, &target).unwrap();
    }
    let conf = std::fs::read_to_string(speechd.join("speechd.conf")).unwrap();
    let mut conf: String = conf
        .lines()
        .filter(|l| !l.trim_start().starts_with("AudioOutputMethod"))
        .map(|l| format!("{l}\n"))
        .collect();
    conf.push_str("AudioOutputMethod \"libao\"\nDefaultModule espeak-ng\n");
    std::fs::write(speechd.join("speechd.conf"), conf).unwrap();
    let libao_home = home.path().join("home");
    std::fs::create_dir_all(&libao_home).unwrap();
    std::fs::write(libao_home.join(".libao"), "default_driver=null\n").unwrap();
    std::env::set_var("HOME", &libao_home);
    // Ends the speech-dispatcher the app's libspeechd starts (by the pid it writes), also when the test fails.
    let _daemon = common::KillByPidFile(
        home.path()
            .join("runtime/speech-dispatcher/pid/speech-dispatcher.pid"),
    );

    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/ocr");
    x.show_image(&fixtures.join("ja_dialogue.png"), 100, 150, "ja-game");
    let rt = tokio::runtime::Runtime::new().unwrap();
    let server = rt.block_on(MockServer::start());
    server.reply([reply(TRANSLATION)]);
    let config = app_config(
        home.path(),
        &server,
        "sk-speech-e2e",
        r#"
[output]
speak = "translation"
voice = "Chinese (Mandarin, latin as English)"
rate = 1.2
[regions]
slots = [{ name = "Dialogue", rect = [100, 150, 1280, 240] }]
"#,
    );
    let app = x11::App::start(&mut x, home.path(), &config, "ocrlay=debug");
    app.wait(Probe::EngineLoaded { ok: true }, 1, Duration::from_secs(60));
    app.wait(Probe::Running, 1, Duration::from_secs(30));
    x.xdotool(&["key", "alt+w"]);
    app.wait(
        Probe::Spoken {
            chars: TRANSLATION.chars().count(),
        },
        1,
        Duration::from_secs(90),
    );
    let log = app.log_text();
    assert!(log.contains("read-aloud: speech engine open"), "{log}");
    // No problem with the service or the voice, and the spoken text is not in read-aloud's log lines.
    for line in log.lines().filter(|l| l.contains("read-aloud")) {
        eprintln!("{line}");
        assert!(!line.contains("WARN"), "{line}");
        assert!(!line.contains("古城"), "{line}");
    }
    assert!(app.alive(), "the app died");
}

/// Every file below `dir`.
fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
}
