//! Reading a Wayland screen through the ScreenCast portal and PipeWire (issue 25 item 2), on a headless sway
//! (its outputs) with a real PipeWire daemon and session manager (pipewire, wireplumber) in the session. The
//! portal is the test's own, on a bus of its own, as xdg-desktop-portal documents the interface: Debian 12's
//! xdg-desktop-portal-wlr 0.7.0 cannot cast from a pixman-rendered sway (it requires a DMA-BUF format from
//! screencopy, which such a sway has none of). The stream it hands over is a real PipeWire video node
//! (GStreamer's videotestsrc with the dialogue box drawn on it, into pipewiresink) showing text.
//!
//! Checked: `ocrlay ocr --region` reads the text from the stream's frame; the session asks to persist, the
//! desktop's restore token is kept beside the settings readable by its owner only and handed back at the next
//! start; a declined share is an error that says so, not "no text".

#![cfg(target_os = "linux")]

mod common;
#[path = "common/portal.rs"]
mod portal;
#[path = "common/wayland.rs"]
mod wayland;

use ocrlay::probe::Probe;
use portal::{create_session, request_path, respond, respond_with, Bus, PATH};
use std::collections::HashMap;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use zbus::zvariant::{OwnedObjectPath, OwnedValue, Value};

/// What ocrlay asked the fake portal.
#[derive(Default)]
struct Asked {
    /// SelectSources' options, one map per call.
    selects: Vec<HashMap<String, OwnedValue>>,
    /// Start calls.
    starts: u32,
}

/// The ScreenCast portal for one client: one stream (`node`) of a monitor at (0, 0) of `size`.
struct FakeCast {
    asked: Arc<Mutex<Asked>>,
    node: Arc<AtomicU32>,
    size: (i32, i32),
    pipewire: PathBuf,
    decline: Arc<AtomicBool>,
}

fn text_of(v: &OwnedValue) -> Option<String> {
    String::try_from(v.try_clone().ok()?).ok()
}

#[zbus::interface(name = "org.freedesktop.portal.ScreenCast")]
impl FakeCast {
    async fn create_session(
        &self,
        options: HashMap<String, OwnedValue>,
        #[zbus(header)] header: zbus::message::Header<'_>,
        #[zbus(connection)] conn: &zbus::Connection,
    ) -> zbus::fdo::Result<OwnedObjectPath> {
        let sender = header.sender().unwrap().to_string();
        Ok(create_session(conn, &sender, &options).await?.1)
    }

    async fn select_sources(
        &self,
        _session: OwnedObjectPath,
        options: HashMap<String, OwnedValue>,
        #[zbus(header)] header: zbus::message::Header<'_>,
        #[zbus(connection)] conn: &zbus::Connection,
    ) -> zbus::fdo::Result<OwnedObjectPath> {
        let request = request_path(header.sender().unwrap(), &options);
        let kept = options
            .iter()
            .map(|(k, v)| (k.clone(), v.try_clone().unwrap()))
            .collect();
        self.asked.lock().unwrap().selects.push(kept);
        respond(conn, &request, HashMap::new()).await
    }

    async fn start(
        &self,
        _session: OwnedObjectPath,
        _parent_window: String,
        options: HashMap<String, OwnedValue>,
        #[zbus(header)] header: zbus::message::Header<'_>,
        #[zbus(connection)] conn: &zbus::Connection,
    ) -> zbus::fdo::Result<OwnedObjectPath> {
        let request = request_path(header.sender().unwrap(), &options);
        let n = {
            let mut a = self.asked.lock().unwrap();
            a.starts += 1;
            a.starts
        };
        if self.decline.load(Ordering::SeqCst) {
            return respond_with(conn, &request, 1, HashMap::new()).await;
        }
        let stream: HashMap<&str, Value<'_>> = HashMap::from([
            ("position", Value::from((0i32, 0i32))),
            ("size", Value::from(self.size)),
            ("source_type", Value::from(1u32)),
        ]);
        let streams = vec![(self.node.load(Ordering::SeqCst), stream)];
        respond(
            conn,
            &request,
            HashMap::from([
                ("streams", Value::from(streams)),
                ("restore_token", Value::from(format!("restore-token-{n}"))),
            ]),
        )
        .await
    }

    async fn open_pipe_wire_remote(
        &self,
        _session: OwnedObjectPath,
        _options: HashMap<String, OwnedValue>,
    ) -> zbus::fdo::Result<zbus::zvariant::OwnedFd> {
        let socket = std::os::unix::net::UnixStream::connect(&self.pipewire)
            .map_err(|e| zbus::fdo::Error::Failed(format!("PipeWire: {e}")))?;
        Ok(std::os::fd::OwnedFd::from(socket).into())
    }

    #[zbus(property, name = "version")]
    fn version(&self) -> u32 {
        4
    }

    #[zbus(property, name = "AvailableSourceTypes")]
    fn available_source_types(&self) -> u32 {
        1
    }
}

/// Waits until `f` holds, or panics with `what` after `timeout`.
fn wait_until(timeout: Duration, what: &str, mut f: impl FnMut() -> bool) {
    let t = Instant::now();
    while !f() {
        assert!(t.elapsed() < timeout, "{what} after {timeout:?}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// The id of the PipeWire node named `name`, as `pw-cli ls Node` lists it.
fn node_id(s: &wayland::Sway, name: &str) -> Option<u32> {
    let out = s.command("pw-cli").args(["ls", "Node"]).output().ok()?;
    let text = String::from_utf8_lossy(&out.stdout);
    let mut id = None;
    for line in text.lines() {
        let line = line.trim();
        if let Some(rest) = line.strip_prefix("id ") {
            id = rest.split(',').next().and_then(|n| n.trim().parse().ok());
        } else if line == format!("node.name = \"{name}\"") {
            return id;
        }
    }
    None
}

#[test]
fn the_screen_is_read_through_the_screencast_portal_and_its_grant_is_kept() {
    const W: u32 = 1280;
    const H: u32 = 720;
    const X0: u32 = 100;
    const Y0: u32 = 300;
    let Some(mut s) = wayland::start_or_skip(W, H, 1.0) else {
        return;
    };
    for tool in ["pipewire", "wireplumber", "gst-launch-1.0", "pw-cli"] {
        let found = std::process::Command::new("sh")
            .args(["-c", &format!("command -v {tool}")])
            .stdout(Stdio::null())
            .status()
            .is_ok_and(|st| st.success());
        assert!(
            found,
            "{tool} is not installed (scripts/setup.sh installs it)"
        );
    }
    let Some(bus) = Bus::start(true) else {
        return;
    };
    // PipeWire and its session manager, in the session (its runtime folder).
    let runtime = s.runtime();
    for daemon in ["pipewire", "wireplumber"] {
        let child = s
            .command(daemon)
            .env("DBUS_SESSION_BUS_ADDRESS", &bus.address)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("{daemon} does not start: {e}"));
        s.adopt(child);
        if daemon == "pipewire" {
            let socket = runtime.join("pipewire-0");
            wait_until(Duration::from_secs(20), "no PipeWire socket", || {
                socket.exists()
            });
        }
    }
    // The "screen": a live stream of the monitor's size (white, the dialogue box drawn at (X0, Y0)), paced by
    // itself as a desktop's screen-cast stream is (`mode=provide`: a driver).
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/ocr/en_dialogue.png");
    let dialogue = image::image_dimensions(&fixture).unwrap();
    let shown = s.readable_copy(&fixture, "en_dialogue.png");
    let source = s
        .command("gst-launch-1.0")
        .args([
            "-q",
            "videotestsrc",
            "is-live=true",
            "pattern=white",
            "!",
            &format!("video/x-raw,width={W},height={H},framerate=5/1"),
            "!",
            "gdkpixbufoverlay",
            &format!("location={}", shown.display()),
            &format!("offset-x={X0}"),
            &format!("offset-y={Y0}"),
            "!",
            "videoconvert",
            "!",
            "video/x-raw,format=BGRx",
            "!",
            "pipewiresink",
            "mode=provide",
            "stream-properties=props,media.class=Video/Source,node.name=ocrlay-test-screen",
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("gst-launch-1.0 starts");
    s.adopt(source);
    let mut node = None;
    wait_until(
        Duration::from_secs(20),
        "the test's screen never showed as a PipeWire node",
        || {
            node = node_id(&s, "ocrlay-test-screen");
            node.is_some()
        },
    );

    let asked = Arc::new(Mutex::new(Asked::default()));
    let decline = Arc::new(AtomicBool::new(false));
    let _portal = zbus::blocking::connection::Builder::address(bus.address.as_str())
        .unwrap()
        .name("org.freedesktop.portal.Desktop")
        .unwrap()
        .serve_at(
            PATH,
            FakeCast {
                asked: asked.clone(),
                node: Arc::new(AtomicU32::new(node.unwrap())),
                size: (W as i32, H as i32),
                pipewire: runtime.join("pipewire-0"),
                decline: decline.clone(),
            },
        )
        .unwrap()
        .build()
        .unwrap();

    let home = s.home("app");
    let config = home.join("config").join("config.toml");
    std::fs::write(&config, "[general]\nui_language = \"en\"\n").unwrap();
    let probe = home.join("probe.jsonl");
    s.give_files();
    let ocr = |s: &wayland::Sway| {
        s.command(s.ocrlay_binary())
            .args(["ocr", "--lang", "en", "--region"])
            .arg(format!("{X0},{Y0},{},{}", dialogue.0, dialogue.1))
            .env("OCRLAY_CONFIG", &config)
            .env("XDG_CONFIG_HOME", home.join("config"))
            .env("XDG_DATA_HOME", home.join("data"))
            .env("XDG_CACHE_HOME", home.join("cache"))
            .env("DBUS_SESSION_BUS_ADDRESS", &bus.address)
            .env(ocrlay::capture::screencast::ENV, "screencast")
            .env(ocrlay::probe::ENV, &probe)
            .output()
            .expect("ocrlay ocr runs")
    };

    // First read: the desktop is asked (to persist), the text is read from the stream's frame.
    let out = ocr(&s);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let expected =
        std::fs::read_to_string(fixture.with_file_name("en_dialogue.expected.txt")).unwrap();
    let words: Vec<&str> = expected.split_whitespace().collect();
    let found = words.iter().filter(|w| stdout.contains(**w)).count();
    assert!(
        found * 10 >= words.len() * 9,
        "read {stdout:?}, expected {expected:?}"
    );
    let probes = ocrlay::probe::read(&std::fs::read_to_string(&probe).unwrap_or_default());
    assert!(
        probes.contains(&Probe::ScreenCastStarted { streams: 1 }),
        "{probes:?}"
    );
    {
        let a = asked.lock().unwrap();
        let first = &a.selects[0];
        assert_eq!(
            first
                .get("persist_mode")
                .and_then(|v| u32::try_from(v).ok()),
            Some(2)
        );
        assert_eq!(
            first.get("types").and_then(|v| u32::try_from(v).ok()),
            Some(1)
        );
        assert!(!first.contains_key("restore_token"), "{first:?}");
    }
    // The grant is kept beside the settings, for the owner only.
    let token = home.join("config").join("screencast.token");
    assert_eq!(std::fs::read_to_string(&token).unwrap(), "restore-token-1");
    assert_eq!(
        std::fs::metadata(&token).unwrap().permissions().mode() & 0o777,
        0o600
    );

    // The next start hands the token back, so a desktop that keeps grants asks nothing.
    let out = ocr(&s);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    {
        let a = asked.lock().unwrap();
        let second = &a.selects[1];
        assert_eq!(
            second.get("restore_token").and_then(text_of).as_deref(),
            Some("restore-token-1")
        );
    }
    assert_eq!(std::fs::read_to_string(&token).unwrap(), "restore-token-2");

    // Declined: an error that says so, never "no text".
    decline.store(true, Ordering::SeqCst);
    let out = ocr(&s);
    assert!(
        !out.status.success(),
        "a declined share read as: {}",
        String::from_utf8_lossy(&out.stdout)
    );
    let probes = ocrlay::probe::read(&std::fs::read_to_string(&probe).unwrap_or_default());
    assert!(
        probes.contains(&Probe::WaylandCaptureFailed {
            lack: "declined".into()
        }),
        "{probes:?}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
