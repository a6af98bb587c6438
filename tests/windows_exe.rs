//! The Windows build as users download it: the zip from `scripts/package.sh`, unpacked and run under wine
//! (Debian's wine64), from another working directory. It must list the providers, read the fixtures exactly as
//! the Linux build does, stream a translation from a loopback server, read a region of the (Xvfb) screen
//! through the Windows capture path, keep everything beside itself in portable mode, and, with no WebView2
//! runtime (wine has none), stop with a message box that says what is missing instead of a crash.
//!
//! `OCRLAY_DIST` names the folder with the zip (scripts/test.sh sets it after packaging). Without it, or without
//! wine and mingw, these tests skip — unless `OCRLAY_REQUIRE_PACKAGES=1` (CI), which makes that a failure.
//!
//! Under wine only, a test copy gets shims (tests/support/wine), built here and never shipped: wine 8.0 lacks
//! `bcryptprimitives.dll` (the `ProcessPrng` that Rust's std imports) and `coremessaging.dll` (the
//! `CreateDispatcherQueueController` that the Windows.Graphics.Capture reader imports; the shim says "not
//! implemented", and wine has no WGC anyway, so capture goes through GDI there).
// Run on Linux, through wine and Xvfb: the Windows build of the tests has nothing to run it with.
#![cfg(target_os = "linux")]

mod common;
mod ocr_support;

use common::{sse, MockServer};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

const WINE: &str = "/usr/lib/wine/wine64";
const WINESERVER: &str = "/usr/lib/wine/wineserver";

fn required() -> bool {
    std::env::var("OCRLAY_REQUIRE_PACKAGES").is_ok_and(|v| v == "1")
}

/// The unpacked zip, ready to run under wine.
struct WinBuild {
    /// The folder unpacked from the zip (ocrlay.exe, WebView2Loader.dll, models/ …) plus the test-only shim.
    dir: PathBuf,
    /// Scratch space of this test run.
    root: PathBuf,
}

fn build() -> Option<&'static WinBuild> {
    static BUILD: OnceLock<Result<WinBuild, String>> = OnceLock::new();
    match BUILD.get_or_init(prepare) {
        Ok(b) => Some(b),
        Err(why) if !required() => {
            eprintln!("skipped: {why}; set OCRLAY_REQUIRE_PACKAGES=1 to make this fail");
            None
        }
        Err(why) => panic!("cannot run the Windows build: {why}"),
    }
}

fn run_ok(cmd: &mut Command, what: &str) -> Result<(), String> {
    let out = cmd.output().map_err(|e| format!("{what}: {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "{what} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        ))
    }
}

fn prepare() -> Result<WinBuild, String> {
    let dist = std::env::var_os("OCRLAY_DIST").ok_or("OCRLAY_DIST is not set")?;
    let dist = Path::new(env!("CARGO_MANIFEST_DIR")).join(dist);
    let zip = std::fs::read_dir(&dist)
        .map_err(|e| format!("{}: {e}", dist.display()))?
        .flatten()
        .map(|e| e.path())
        .find(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("ocrlay-") && n.ends_with("-windows-x86_64.zip"))
        })
        .ok_or_else(|| format!("no ocrlay-*-windows-x86_64.zip in {}", dist.display()))?;
    if !Path::new(WINE).exists() {
        return Err(format!("{WINE} is missing (apt install wine64)"));
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("target/wine-test")
        .join(std::process::id().to_string());
    let _ = std::fs::remove_dir_all(&root);
    std::fs::create_dir_all(&root).map_err(|e| e.to_string())?;
    run_ok(
        Command::new("python3")
            .args(["-m", "zipfile", "-e"])
            .arg(&zip)
            .arg(&root),
        "unzipping",
    )?;
    let stem = zip.file_stem().unwrap().to_string_lossy().into_owned();
    let dir = root.join(stem);
    for f in [
        "ocrlay.exe",
        "WebView2Loader.dll",
        "models/ppocrv5_det.onnx",
    ] {
        if !dir.join(f).is_file() {
            return Err(format!("the zip has no {f}"));
        }
    }
    // The shims are never in the zip: they are for wine only.
    for (shim, libs) in [
        ("bcryptprimitives", &["-ladvapi32"][..]),
        ("coremessaging", &[][..]),
    ] {
        let dll = format!("{shim}.dll");
        if dir.join(&dll).exists() {
            return Err(format!("the zip ships the wine-only {dll}"));
        }
        run_ok(
            Command::new("x86_64-w64-mingw32-gcc")
                .args(["-shared", "-O2", "-o"])
                .arg(dir.join(&dll))
                .arg(
                    Path::new(env!("CARGO_MANIFEST_DIR"))
                        .join(format!("tests/support/wine/{shim}.c")),
                )
                .args(libs),
            &format!("building the wine shim {dll} (x86_64-w64-mingw32-gcc)"),
        )?;
    }
    Ok(WinBuild { dir, root })
}

impl WinBuild {
    /// A wine prefix of this run, made once per name (console tests share one; the GUI test has its own, so
    /// that its X display is the only one its wineserver knows).
    fn prefix(&self, name: &'static str) -> PathBuf {
        static MADE: OnceLock<std::sync::Mutex<Vec<&'static str>>> = OnceLock::new();
        let prefix = self.root.join(format!("prefix-{name}"));
        let made = MADE.get_or_init(Default::default);
        let mut made = made.lock().unwrap();
        if !made.contains(&name) {
            let status = Command::new(WINE)
                .args(["wineboot", "--init"])
                .env("WINEPREFIX", &prefix)
                .env("WINEDEBUG", "-all")
                .env("WINEDLLOVERRIDES", "mscoree,mshtml=")
                .env_remove("DISPLAY")
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()
                .expect("wine runs");
            assert!(status.success(), "wineboot failed");
            let _ = Command::new(WINESERVER)
                .arg("-w")
                .env("WINEPREFIX", &prefix)
                .status();
            made.push(name);
        }
        prefix
    }

    /// `ocrlay.exe ARGS` under wine, started from a working directory far from the exe.
    fn command(&self, exe_dir: &Path, prefix: &'static str, args: &[&str]) -> Command {
        let cwd = self.root.join("elsewhere");
        std::fs::create_dir_all(&cwd).unwrap();
        let mut c = Command::new(WINE);
        c.arg(exe_dir.join("ocrlay.exe"))
            .args(args)
            .current_dir(&cwd)
            .env("WINEPREFIX", self.prefix(prefix))
            .env("WINEDEBUG", "-all")
            .env("WINEDLLOVERRIDES", "mscoree,mshtml=")
            .env_remove("DISPLAY")
            .env_remove("OCRLAY_CONFIG")
            .env_remove("OCRLAY_API_KEY")
            .env_remove("RUST_LOG")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        c
    }

    fn run(&self, args: &[&str]) -> Output {
        self.command(&self.dir, "console", args)
            .output()
            .expect("wine runs")
    }
}

fn linux(args: &[&str]) -> Output {
    let home = tempfile::tempdir().unwrap();
    Command::new(env!("CARGO_BIN_EXE_ocrlay"))
        .args(args)
        .env("OCRLAY_CONFIG", home.path().join("none.toml"))
        .env_remove("RUST_LOG")
        .output()
        .expect("ocrlay runs")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn ms_of(stderr: &str, key: &str) -> Option<u64> {
    let line = stderr.lines().find(|l| l.starts_with("timings: "))?;
    line.split(' ')
        .find_map(|p| p.strip_prefix(&format!("{key}=")))
        .and_then(|v| v.trim_end_matches("ms").parse().ok())
}

#[test]
fn providers_json_is_the_same_catalog_as_on_linux() {
    let Some(b) = build() else { return };
    let out = b.run(&["providers", "--json"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let win: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", text(&out.stdout)));
    assert_eq!(
        win.as_array().map(Vec::len),
        Some(ocrlay::providers::PROVIDERS.len())
    );
    let lin: serde_json::Value =
        serde_json::from_slice(&linux(&["providers", "--json"]).stdout).unwrap();
    assert_eq!(win, lin);
}

#[test]
fn ocr_of_the_fixtures_matches_the_linux_build() {
    let Some(b) = build() else { return };
    for (name, lang) in [
        ("ja_dialogue", "ja"),
        ("zh_dialogue", "zh"),
        ("en_dialogue", "en"),
    ] {
        let image = ocr_support::fixtures_dir().join(format!("{name}.png"));
        let image = image.to_str().unwrap();
        // wine maps the Unix root to Z:, so the Linux path works as it is.
        let win = b.run(&["ocr", "--lang", lang, "--timings", image]);
        assert!(win.status.success(), "{name}: {}", text(&win.stderr));
        let lin = linux(&["ocr", "--lang", lang, "--timings", image]);
        assert!(lin.status.success(), "{name}: {}", text(&lin.stderr));
        assert!(!text(&win.stdout).trim().is_empty(), "{name}: nothing read");
        assert_eq!(text(&win.stdout), text(&lin.stdout), "{name}");
        let expected = std::fs::read_to_string(
            ocr_support::fixtures_dir().join(format!("{name}.expected.txt")),
        )
        .unwrap();
        eprintln!(
            "{name}: OCR total under wine {:?} ms, native {:?} ms; expected {} lines, read {}",
            ms_of(&text(&win.stderr), "total"),
            ms_of(&text(&lin.stderr), "total"),
            expected.lines().count(),
            text(&win.stdout).lines().count()
        );
    }
}

#[test]
fn the_exe_reads_the_models_beside_itself() {
    let Some(b) = build() else { return };
    let image = ocr_support::fixtures_dir().join("en_dialogue.png");
    let out = b.run(&["ocr", "--json", image.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let used = v["detection_model"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    // Z:\…\<zip folder>\models\ppocrv5_det.onnx: the unpacked zip's own models, not the source tree's.
    let unix = used.trim_start_matches("Z:").replace('\\', "/");
    assert_eq!(
        Path::new(&unix),
        b.dir.join("models/ppocrv5_det.onnx"),
        "{used}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn translate_streams_from_a_loopback_server() {
    let Some(b) = build() else { return };
    let server = MockServer::start().await;
    server.reply([sse(&["你好", "，", "世界"])]);
    server.gate.notify_one();
    let url = server.url("/v1");
    let out = tokio::task::spawn_blocking(move || {
        b.command(
            &b.dir,
            "console",
            &[
                "translate",
                "--url",
                &url,
                "--model",
                "m",
                "--from",
                "ja",
                "こんにちは、世界",
            ],
        )
        .env("OCRLAY_API_KEY", "sk-wine")
        .output()
        .unwrap()
    })
    .await
    .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), "你好，世界\n");
    let r = &server.requests()[0];
    assert_eq!(r.path, "/v1/chat/completions");
    assert_eq!(r.header("authorization").as_deref(), Some("Bearer sk-wine"));
    assert_eq!(r.body["messages"][1]["content"], "こんにちは、世界");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_config_beside_the_exe_makes_it_portable() {
    let Some(b) = build() else { return };
    // A copy of the exe in a folder of its own, with a config.toml beside it.
    let portable = b.root.join("portable");
    std::fs::create_dir_all(&portable).unwrap();
    for f in [
        "ocrlay.exe",
        "WebView2Loader.dll",
        "bcryptprimitives.dll",
        "coremessaging.dll",
    ] {
        std::fs::copy(b.dir.join(f), portable.join(f)).unwrap();
    }
    let server = MockServer::start().await;
    server.reply([sse(&["便携"])]);
    server.gate.notify_one();
    std::fs::write(
        portable.join("config.toml"),
        format!(
            "[providers.custom]\nenabled = true\nurl = \"{}\"\napi_key = \"sk-portable\"\nmodel = \"m\"\n",
            server.url("/v1/chat/completions")
        ),
    )
    .unwrap();
    let out = tokio::task::spawn_blocking(move || {
        b.command(
            &portable,
            "console",
            &["translate", "--provider", "custom", "portable"],
        )
        .output()
        .unwrap()
    })
    .await
    .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), "便携\n");
    // The key came from the config beside the exe.
    assert_eq!(
        server.requests()[0].header("authorization").as_deref(),
        Some("Bearer sk-portable")
    );
}

/// The two things that need a screen, on one Xvfb with its own wine prefix: `ocr --region` reads a fixture
/// shown on the screen through the Windows capture path (GDI, as on a real PC); starting the app without
/// WebView2 shows a message box that says so, and the process ends non-zero without a panic.
#[test]
fn on_a_screen_region_capture_and_the_missing_webview2_message() {
    let Some(b) = build() else { return };
    // A screen wide enough for the whole 1280-px image at x = 60: a region cut by the screen's edge reads a
    // different image than the file the Linux build reads.
    let Some(mut x) = common::x11::start_bare_or_skip(1600, 900) else {
        return;
    };
    let fixture = ocr_support::fixtures_dir().join("ja_dialogue.png");
    x.show_image(&fixture, 60, 90, "game-text");
    let id = x.wait_window("game-text", Duration::from_secs(10)).unwrap();
    let (gx, gy, gw, gh) = x.geometry(id);
    let region = format!("{gx},{gy},{gw},{gh}");
    let out = b
        .command(&b.dir, "gui", &["ocr", "--lang", "ja", "--region", &region])
        .env("DISPLAY", &x.display)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let lin = linux(&["ocr", "--lang", "ja", fixture.to_str().unwrap()]);
    assert_eq!(text(&out.stdout), text(&lin.stdout));
    // Asked for Windows.Graphics.Capture where there is none (wine has none): GDI reads it all the same, and
    // GDI asked for by name too.
    for method in ["wgc", "gdi"] {
        let out = b
            .command(
                &b.dir,
                "gui",
                &[
                    "ocr",
                    "--lang",
                    "ja",
                    "--region",
                    &region,
                    "--capture",
                    method,
                ],
            )
            .env("DISPLAY", &x.display)
            .output()
            .unwrap();
        assert!(out.status.success(), "{method}: {}", text(&out.stderr));
        assert_eq!(text(&out.stdout), text(&lin.stdout), "{method}");
    }
    // Monitor-relative: the same region from monitor 0 (at 0,0 here).
    let out = b
        .command(
            &b.dir,
            "gui",
            &["ocr", "--lang", "ja", "--monitor", "0", "--region", &region],
        )
        .env("DISPLAY", &x.display)
        .output()
        .unwrap();
    assert_eq!(text(&out.stdout), text(&lin.stdout));
    let out = b
        .command(
            &b.dir,
            "gui",
            &["ocr", "--monitor", "7", "--region", &region],
        )
        .env("DISPLAY", &x.display)
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("there is no monitor 7"),
        "{}",
        text(&out.stderr)
    );

    // The app: no WebView2 under wine.
    let mut app = b
        .command(&b.dir, "gui", &[])
        .env("DISPLAY", &x.display)
        .spawn()
        .unwrap();
    let boxed = x.wait_window("^ocrlay$", Duration::from_secs(60));
    let shot = common::x11::artefact_dir("e2e").join("wine-no-webview2.png");
    x.screenshot(&shot);
    let Some(boxed) = boxed else {
        let _ = app.kill();
        let out = app.wait_with_output().unwrap();
        panic!(
            "no message box appeared (screenshot {}); stderr: {}",
            shot.display(),
            text(&out.stderr)
        );
    };
    // The box waits for the user: press its button.
    x.xdotool(&["windowfocus", "--sync", &boxed.to_string()]);
    x.xdotool(&["key", "--window", &boxed.to_string(), "Return"]);
    let started = Instant::now();
    let status = loop {
        if let Some(s) = app.try_wait().unwrap() {
            break s;
        }
        if started.elapsed() > Duration::from_secs(30) {
            x.xdotool(&["key", "Return"]);
        }
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "the app did not end after its message box was closed"
        );
        std::thread::sleep(Duration::from_millis(100));
    };
    let out = app.wait_with_output().unwrap();
    let stderr = text(&out.stderr);
    assert!(!status.success(), "exit status {status:?}: {stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    let error = stderr
        .lines()
        .find(|l| l.starts_with("error: "))
        .unwrap_or_else(|| panic!("no error line: {stderr}"));
    assert!(error.contains("WebView2"), "{error}");
    assert!(stderr.contains(ocrlay::app::os::WEBVIEW2_URL), "{stderr}");
    assert!(!error.contains("HRESULT"), "{error}");
    // And the log line for whoever reads the log: on stderr, and in the log file in %LOCALAPPDATA%, since a
    // program started from Explorer has no console.
    assert!(
        stderr.contains("the WebView2 runtime is missing"),
        "{stderr}"
    );
    let users = b.root.join("prefix-gui/drive_c/users");
    let log = std::fs::read_dir(&users)
        .unwrap()
        .flatten()
        .map(|u| u.path().join("AppData/Local/ocrlay/data/ocrlay.log"))
        .find(|p| p.is_file())
        .unwrap_or_else(|| panic!("no ocrlay.log under {}", users.display()));
    let log = std::fs::read_to_string(log).unwrap();
    assert!(log.contains("the WebView2 runtime is missing"), "{log}");
}

/// Started from Explorer, the app opens no console window: the exe is a Windows GUI program (PE subsystem 2),
/// while the tests above show that its subcommands still print.
#[test]
fn the_exe_is_a_gui_program() {
    let Some(b) = build() else { return };
    let exe = std::fs::read(b.dir.join("ocrlay.exe")).unwrap();
    let at = |o: usize, n: usize| exe[o..o + n].to_vec();
    assert_eq!(at(0, 2), b"MZ");
    let pe = u32::from_le_bytes(at(0x3c, 4).try_into().unwrap()) as usize;
    assert_eq!(at(pe, 4), b"PE\0\0");
    // The optional header follows the 20-byte COFF header; its Subsystem field is at offset 68.
    let optional = pe + 4 + 20;
    assert_eq!(at(optional, 2), [0x0b, 0x02], "not a PE32+ (64-bit) image");
    let subsystem = u16::from_le_bytes(at(optional + 68, 2).try_into().unwrap());
    assert_eq!(subsystem, 2, "IMAGE_SUBSYSTEM_WINDOWS_GUI");
}
