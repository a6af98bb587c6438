//! A headless sway 1.7 session for the Wayland end-to-end tests: sway (wlroots' headless backend, the pixman
//! renderer) with XWayland, inside its own D-Bus session, run as the unprivileged user `nobody` — sway refuses to
//! run as root — with its own `XDG_RUNTIME_DIR` (0700). Everything the tests start in it (ocrlay, the text
//! windows, `ocrlay trigger`) runs as that user too: XWayland only lets its own user in. A wlr virtual pointer
//! of the test's own makes drags (the seat has no pointer otherwise), and grim takes screenshots.
//!
//! Where sway (or grim, XWayland, setpriv) is missing the tests skip with a message; `OCRLAY_REQUIRE_WAYLAND=1`
//! (set by CI) makes that a failure.

#![allow(dead_code)]

use ocrlay::probe::Probe;
use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The unprivileged user the session runs as.
const USER: &str = "nobody";

/// Whether a missing compositor fails the test instead of skipping it.
pub fn wayland_required() -> bool {
    std::env::var("OCRLAY_REQUIRE_WAYLAND").is_ok_and(|v| v == "1")
}

/// What the session needs installed, missing ones first.
fn missing_tools() -> Vec<&'static str> {
    [
        "sway",
        "grim",
        "Xwayland",
        "setpriv",
        "dbus-run-session",
        "swaymsg",
    ]
    .into_iter()
    .filter(|t| {
        !Command::new("sh")
            .args(["-c", &format!("command -v {t}")])
            .stdout(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    })
    .collect()
}

/// Starts a session with one output of `width`×`height` physical pixels at `scale`, or skips (None) with a
/// message when sway cannot run here.
pub fn start_or_skip(width: u32, height: u32, scale: f64) -> Option<Sway> {
    outputs_or_skip(&[(width, height, scale)])
}

/// Like [`start_or_skip`] with several outputs (physical width, height, scale), side by side from the left.
pub fn outputs_or_skip(outputs: &[(u32, u32, f64)]) -> Option<Sway> {
    let missing = missing_tools();
    let why = if !missing.is_empty() {
        format!("missing: {}", missing.join(", "))
    } else {
        match Sway::start_outputs(outputs) {
            Ok(s) => return Some(s),
            Err(e) => e,
        }
    };
    if wayland_required() {
        panic!("OCRLAY_REQUIRE_WAYLAND=1 but sway cannot run here: {why}");
    }
    eprintln!(
        "skipped: no headless sway here ({why}); scripts/setup.sh installs it, OCRLAY_REQUIRE_WAYLAND=1 makes \
         this fail"
    );
    None
}

/// A running headless sway, its XWayland, and what the test started in it; all of it ends on drop.
pub struct Sway {
    /// The session's folder (owned by the session's user): its runtime dir, config and the apps' homes.
    pub dir: tempfile::TempDir,
    /// The session's environment: `WAYLAND_DISPLAY` (absolute), `DISPLAY` (XWayland), `SWAYSOCK`,
    /// `DBUS_SESSION_BUS_ADDRESS`.
    pub env: Vec<(String, String)>,
    /// The outputs' extent in logical pixels (what layer surfaces, the pointer and sway's positions use).
    pub logical: (u32, u32),
    /// The (first) output's scale.
    pub scale: f64,
    children: Vec<Child>,
    sway: Child,
}

fn chown_to_user(path: &Path) {
    let status = Command::new("chown")
        .args(["-R", &format!("{USER}:"), path.to_str().unwrap_or_default()])
        .status();
    assert!(
        status.is_ok_and(|s| s.success()),
        "chown {} failed",
        path.display()
    );
}

impl Sway {
    /// Starts sway; `Err` says why it did not come up.
    pub fn start(width: u32, height: u32, scale: f64) -> Result<Sway, String> {
        Self::start_outputs(&[(width, height, scale)])
    }

    /// A session with `outputs` (physical width, height, scale) side by side from the left, top-aligned.
    pub fn start_outputs(outputs: &[(u32, u32, f64)]) -> Result<Sway, String> {
        let scale = outputs[0].2;
        let dir = tempfile::Builder::new()
            .prefix("ocrlay-sway")
            .tempdir()
            .map_err(|e| e.to_string())?;
        let root = dir.path();
        let _ = fs::set_permissions(root, fs::Permissions::from_mode(0o755));
        let runtime = root.join("runtime");
        fs::create_dir_all(&runtime).map_err(|e| e.to_string())?;
        fs::set_permissions(&runtime, fs::Permissions::from_mode(0o700))
            .map_err(|e| e.to_string())?;
        let env_file = runtime.join("session.env");
        let config = root.join("sway.conf");
        // Windows of the tests are floated and placed exactly (no borders), by their app id or title.
        fs::write(
            &config,
            format!(
                "{outputs}xwayland enable\n\
                 default_border none\n\
                 default_floating_border none\n\
                 include {root}/windows.conf\n\
                 exec env > {env}\n",
                outputs = output_lines(outputs),
                root = root.display(),
                env = env_file.display()
            ),
        )
        .map_err(|e| e.to_string())?;
        fs::write(root.join("windows.conf"), "").map_err(|e| e.to_string())?;
        chown_to_user(root);
        let log = fs::File::create(root.join("sway.log")).map_err(|e| e.to_string())?;
        let sway = as_user()
            .args(["dbus-run-session", "--", "sway", "-c"])
            .arg(&config)
            .env_clear()
            .env("PATH", "/usr/local/bin:/usr/bin:/bin")
            .env("HOME", root)
            .env("XDG_RUNTIME_DIR", &runtime)
            .env("WLR_BACKENDS", "headless")
            .env("WLR_HEADLESS_OUTPUTS", outputs.len().to_string())
            .env("WLR_LIBINPUT_NO_DEVICES", "1")
            .env("WLR_RENDERER", "pixman")
            .current_dir(root)
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .map_err(|e| format!("sway did not start: {e}"))?;
        let mut s = Sway {
            dir,
            env: Vec::new(),
            logical: (
                outputs
                    .iter()
                    .map(|&(w, _, k)| (f64::from(w) / k).round() as u32)
                    .sum(),
                outputs
                    .iter()
                    .map(|&(_, h, k)| (f64::from(h) / k).round() as u32)
                    .max()
                    .unwrap_or(0),
            ),
            scale,
            children: Vec::new(),
            sway,
        };
        // sway writes the session's environment once it runs (with XWayland's DISPLAY).
        let t = Instant::now();
        let text = loop {
            if let Ok(text) = fs::read_to_string(&env_file) {
                if text.contains("DISPLAY=") && text.contains("SWAYSOCK=") {
                    break text;
                }
            }
            if t.elapsed() > Duration::from_secs(20) || s.sway.try_wait().ok().flatten().is_some() {
                return Err(format!(
                    "sway did not come up; its log:\n{}",
                    fs::read_to_string(root_log(&s)).unwrap_or_default()
                ));
            }
            std::thread::sleep(Duration::from_millis(50));
        };
        for line in text.lines() {
            let Some((k, v)) = line.split_once('=') else {
                continue;
            };
            match k {
                "WAYLAND_DISPLAY" => s
                    .env
                    .push((k.into(), runtime.join(v).to_string_lossy().into_owned())),
                "DISPLAY" | "SWAYSOCK" | "DBUS_SESSION_BUS_ADDRESS" => {
                    s.env.push((k.into(), v.into()))
                }
                _ => {}
            }
        }
        s.env.push(("NO_AT_BRIDGE".into(), "1".into()));
        // sway answers on its socket once its config (and the outputs) are set up.
        let t = Instant::now();
        let last = format!("HEADLESS-{}", outputs.len());
        while !s.swaymsg(&["-t", "get_outputs"]).contains(&last) {
            if t.elapsed() > Duration::from_secs(20) {
                return Err(format!("sway's IPC never listed {last}"));
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        Ok(s)
    }

    /// Whether the session's user can read `path` (every folder above it must let that user through: a
    /// checkout under /root does not).
    pub fn reachable(&self, path: &Path) -> bool {
        as_user()
            .args(["test", "-r"])
            .arg(path)
            .status()
            .is_ok_and(|s| s.success())
    }

    /// `path` as the session's user can read it: itself, or a copy in the session's folder (`name`).
    pub fn readable_copy(&self, path: &Path, name: &str) -> PathBuf {
        if self.reachable(path) {
            return path.to_path_buf();
        }
        let to = self.dir.path().join("staged").join(name);
        fs::create_dir_all(to.parent().expect("a parent")).expect("the staging folder");
        fs::copy(path, &to).expect("a copy for the session's user");
        chown_to_user(&to);
        to
    }

    /// This build's `ocrlay` as the session's user can run it: itself, or — when the checkout is out of that
    /// user's reach — a copy with the OCR models beside it (where ocrlay looks first).
    pub fn ocrlay_binary(&self) -> PathBuf {
        let binary = Path::new(env!("CARGO_BIN_EXE_ocrlay"));
        let models = Path::new(env!("CARGO_MANIFEST_DIR")).join("models");
        if self.reachable(binary) && self.reachable(&models.join("ppocrv5_det.onnx")) {
            return binary.to_path_buf();
        }
        let bin = self.dir.path().join("staged");
        let staged = bin.join("ocrlay");
        if !staged.exists() {
            fs::create_dir_all(bin.join("models")).expect("the staging folder");
            fs::copy(binary, &staged).expect("a copy of ocrlay");
            for e in fs::read_dir(&models).expect("the models").flatten() {
                fs::copy(e.path(), bin.join("models").join(e.file_name())).expect("a model");
            }
            chown_to_user(&bin);
        }
        staged
    }

    /// The session's runtime dir (the compositor's sockets).
    pub fn runtime(&self) -> PathBuf {
        self.dir.path().join("runtime")
    }

    /// A command run as the session's user, in the session (its displays and bus), with `XDG_RUNTIME_DIR` the
    /// session's (a caller may set another: `WAYLAND_DISPLAY` is absolute).
    pub fn command(&self, program: impl AsRef<std::ffi::OsStr>) -> Command {
        let mut c = as_user();
        c.arg(program)
            .env("XDG_RUNTIME_DIR", self.runtime())
            .env("HOME", self.dir.path())
            .envs(self.env.iter().map(|(k, v)| (k, v)))
            .env_remove("XDG_SESSION_TYPE")
            .current_dir(self.dir.path());
        c
    }

    /// `swaymsg ARGS`' output.
    pub fn swaymsg(&self, args: &[&str]) -> String {
        self.command("swaymsg")
            .args(args)
            .output()
            .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
            .unwrap_or_default()
    }

    /// Keeps `child` until the session ends.
    pub fn adopt(&mut self, child: Child) {
        self.children.push(child);
    }

    /// Places the next window whose `criteria` match (sway's, e.g. `app_id="x"`) at (x, y), `w`×`h` logical
    /// pixels, floating.
    pub fn place_windows(&self, criteria: &str, rect: [u32; 4]) {
        let [x, y, w, h] = rect;
        let rule = format!(
            "for_window [{criteria}] floating enable, resize set {w} {h}, move absolute position {x} {y}"
        );
        // In sway's config, not through IPC: there a comma would end the `for_window` command.
        let file = self.dir.path().join("windows.conf");
        let mut rules = fs::read_to_string(&file).unwrap_or_default();
        rules.push_str(&rule);
        rules.push('\n');
        fs::write(&file, rules).expect("the session's window rules");
        let out = self.swaymsg(&["reload"]);
        assert!(
            out.contains("success"),
            "sway did not reload `{rule}`: {out}"
        );
    }

    /// Shows a native Wayland window (GTK3) with `lines` of black text on white at `rect` (logical pixels),
    /// and waits until it has drawn.
    pub fn native_text_window(&mut self, app_id: &str, rect: [u32; 4], lines: &[&str]) {
        self.place_windows(&format!("app_id=\"{app_id}\""), rect);
        let script = self.readable_copy(
            &Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/support/gtk_text_window.py"),
            "gtk_text_window.py",
        );
        let mut child = self
            .command("/usr/bin/python3")
            .arg(script)
            .arg(app_id)
            .args(lines)
            .env("GDK_BACKEND", "wayland")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("python3 with GTK (python3-gi) runs");
        let out = child.stdout.take().expect("piped");
        self.adopt(child);
        wait_line(out, "shown", Duration::from_secs(20), "the GTK window");
    }

    /// Shows a Tk window under XWayland (the case of a Wine/Proton game) with `lines` at `rect` (logical
    /// pixels), through tests/support/typewriter.py at once, and waits until its text is shown.
    pub fn xwayland_text_window(&mut self, rect: [u32; 4], lines: &[&str]) {
        self.place_windows("title=\"typewriter-game\"", rect);
        let script = self.readable_copy(
            &Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/support/typewriter.py"),
            "typewriter.py",
        );
        let [x, y, w, h] = rect;
        let mut child = self
            .command("/usr/bin/python3")
            .arg(script)
            .args([x, y, w, h].iter().map(|v| v.to_string()))
            .arg("600000")
            .args(lines)
            .env("TYPEWRITER_CHAR_MS", "0")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("python3 with tkinter (python3-tk) runs");
        let out = child.stdout.take().expect("piped");
        self.adopt(child);
        wait_line(out, "line 1 done", Duration::from_secs(20), "the Tk window");
        // Drawn once the line is set: XWayland's frame follows within the next commit.
        self.wait_frame();
    }

    /// Waits until the compositor has shown what clients committed: a screenshot round trip.
    pub fn wait_frame(&self) {
        let _ = self.screenshot(&self.dir.path().join("frame.png"));
    }

    /// A screenshot of the output (physical pixels), by grim.
    pub fn screenshot(&self, path: &Path) -> image::RgbaImage {
        let out = self.command("grim").arg(path).output().expect("grim runs");
        assert!(
            out.status.success(),
            "grim failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        image::open(path).expect("grim's PNG").to_rgba8()
    }

    /// The views sway manages (app ids and titles, from its tree): layer surfaces are not among them.
    pub fn views(&self) -> Vec<String> {
        let tree: serde_json::Value =
            serde_json::from_str(&self.swaymsg(&["-t", "get_tree"])).unwrap_or_default();
        let mut out = Vec::new();
        fn walk(n: &serde_json::Value, out: &mut Vec<String>) {
            if n.get("pid").is_some() {
                let id = n["app_id"]
                    .as_str()
                    .or_else(|| n["window_properties"]["class"].as_str())
                    .unwrap_or("");
                out.push(format!("{id} {}", n["name"].as_str().unwrap_or("")));
            }
            for k in ["nodes", "floating_nodes"] {
                for c in n[k].as_array().into_iter().flatten() {
                    walk(c, out);
                }
            }
        }
        walk(&tree, &mut out);
        out
    }

    /// A home for an app of this session (owned by its user).
    pub fn home(&self, name: &str) -> PathBuf {
        let home = self.dir.path().join(name);
        for d in ["data", "cache", "runtime", "config"] {
            fs::create_dir_all(home.join(d)).unwrap();
        }
        let _ = fs::set_permissions(home.join("runtime"), fs::Permissions::from_mode(0o700));
        home
    }

    /// Hands every file under the session's folder to its user (a test wrote config files as root).
    pub fn give_files(&self) {
        chown_to_user(self.dir.path());
    }
}

/// sway's config lines for `outputs`, side by side from the left in logical pixels.
fn output_lines(outputs: &[(u32, u32, f64)]) -> String {
    let mut x = 0u32;
    let mut lines = String::new();
    for (i, &(w, h, k)) in outputs.iter().enumerate() {
        lines.push_str(&format!(
            "output HEADLESS-{} resolution {w}x{h} scale {k} position {x} 0\n",
            i + 1
        ));
        x += (f64::from(w) / k).round() as u32;
    }
    lines
}

fn root_log(s: &Sway) -> PathBuf {
    s.dir.path().join("sway.log")
}

fn as_user() -> Command {
    let mut c = Command::new("setpriv");
    c.args([
        &format!("--reuid={USER}"),
        "--regid=nogroup",
        "--clear-groups",
        "--",
    ]);
    c
}

fn wait_line(out: std::process::ChildStdout, want: &str, timeout: Duration, what: &str) {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        use std::io::BufRead;
        for line in std::io::BufReader::new(out).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    let t = Instant::now();
    while let Some(left) = timeout.checked_sub(t.elapsed()) {
        match rx.recv_timeout(left) {
            Ok(line) if line.trim() == want => return,
            Ok(_) => {}
            Err(_) => break,
        }
    }
    panic!("{what} did not say \"{want}\" within {timeout:?}");
}

impl Drop for Sway {
    fn drop(&mut self) {
        // Screenshots for people to look at, when asked for (`OCRLAY_SCREENSHOTS=folder`), passed or failed.
        if let Ok(to) = std::env::var("OCRLAY_SCREENSHOTS") {
            let _ = fs::create_dir_all(&to);
            for e in fs::read_dir(self.dir.path())
                .into_iter()
                .flatten()
                .flatten()
            {
                let p = e.path();
                if p.extension().is_some_and(|x| x == "png") && !p.ends_with("frame.png") {
                    let _ = fs::copy(&p, Path::new(&to).join(e.file_name()));
                }
            }
        }
        for c in &mut self.children {
            let _ = c.kill();
            let _ = c.wait();
        }
        // The session's user owns what sway started (XWayland, the bus): `swaymsg exit` ends them with it.
        let _ = self.swaymsg(&["exit"]);
        let t = Instant::now();
        while self.sway.try_wait().ok().flatten().is_none() && t.elapsed() < Duration::from_secs(5)
        {
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.sway.kill();
        let _ = self.sway.wait();
    }
}

/// The app running in a sway session as the session's user, its log and its typed events in files.
pub struct App {
    /// The log (stderr).
    pub log: PathBuf,
    /// The probe file (`OCRLAY_PROBE`).
    pub probe: PathBuf,
    env: Vec<(String, std::ffi::OsString)>,
    /// The executable it runs (this build's, or a copy the session's user can reach).
    binary: PathBuf,
}

impl App {
    /// Starts this build's `ocrlay` with `config` and private XDG folders under `home` (see [`Sway::home`]).
    pub fn start(s: &mut Sway, home: &Path, config: &Path, rust_log: &str) -> App {
        Self::start_with(s, home, config, rust_log, &[])
    }

    /// Like [`App::start`], with more environment (`GDK_BACKEND=x11`, as a user may set it).
    pub fn start_with(
        s: &mut Sway,
        home: &Path,
        config: &Path,
        rust_log: &str,
        extra: &[(&str, &str)],
    ) -> App {
        let log = home.join("ocrlay.log");
        let probe = home.join("probe.jsonl");
        let env: Vec<(String, std::ffi::OsString)> = vec![
            ("OCRLAY_CONFIG".into(), config.into()),
            ("XDG_DATA_HOME".into(), home.join("data").into()),
            ("XDG_CACHE_HOME".into(), home.join("cache").into()),
            ("XDG_RUNTIME_DIR".into(), home.join("runtime").into()),
            ("XDG_CONFIG_HOME".into(), home.join("config").into()),
            ("HOME".into(), home.into()),
        ];
        s.give_files();
        let file = fs::File::create(&log).unwrap();
        let binary = s.ocrlay_binary();
        let child = s
            .command(&binary)
            .envs(env.iter().map(|(k, v)| (k, v)))
            .env("RUST_LOG", rust_log)
            .env(ocrlay::probe::ENV, &probe)
            .envs(extra.iter().copied())
            .stdout(Stdio::null())
            .stderr(file)
            .spawn()
            .expect("ocrlay starts");
        s.adopt(child);
        App {
            log,
            probe,
            env,
            binary,
        }
    }

    /// Runs `ocrlay trigger ACTION` as the session's user beside this app; whether it succeeded, and its
    /// stderr.
    pub fn trigger(&self, s: &Sway, action: &str) -> (bool, String) {
        let out = s
            .command(&self.binary)
            .args(["trigger", action])
            .envs(self.env.iter().map(|(k, v)| (k, v)))
            .output()
            .expect("ocrlay trigger runs");
        (
            out.status.success(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    }

    /// The log so far.
    pub fn log_text(&self) -> String {
        fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// The app's events so far.
    pub fn probes(&self) -> Vec<Probe> {
        ocrlay::probe::read(&fs::read_to_string(&self.probe).unwrap_or_default())
    }

    /// Waits until `count` events match `want`; panics with the events and the log after `timeout`.
    pub fn wait_for(
        &self,
        count: usize,
        timeout: Duration,
        want: impl Fn(&Probe) -> bool,
    ) -> Vec<Probe> {
        crate::common::wait_for_probes(&self.probe, &self.log, count, timeout, want)
    }
}

/// A wlr virtual pointer (zwlr_virtual_pointer_v1) of the test's own on the session's seat: sway's headless
/// seat has no pointer, so drags are made through this, in the output's logical pixels.
pub struct Pointer {
    conn: wayland_client::Connection,
    queue: wayland_client::EventQueue<PointerState>,
    state: PointerState,
    pointer: wayland_protocols_wlr::virtual_pointer::v1::client::zwlr_virtual_pointer_v1::ZwlrVirtualPointerV1,
    extent: (u32, u32),
    started: Instant,
}

/// The globals the pointer needs.
#[derive(Default)]
pub struct PointerState {
    manager: Option<
        wayland_protocols_wlr::virtual_pointer::v1::client::zwlr_virtual_pointer_manager_v1::ZwlrVirtualPointerManagerV1,
    >,
}

mod dispatch {
    use super::PointerState;
    use wayland_client::protocol::wl_registry;
    use wayland_client::{Connection, Dispatch, QueueHandle};
    use wayland_protocols_wlr::virtual_pointer::v1::client::{
        zwlr_virtual_pointer_manager_v1::ZwlrVirtualPointerManagerV1,
        zwlr_virtual_pointer_v1::ZwlrVirtualPointerV1,
    };

    impl Dispatch<wl_registry::WlRegistry, ()> for PointerState {
        fn event(
            state: &mut Self,
            registry: &wl_registry::WlRegistry,
            event: wl_registry::Event,
            _: &(),
            _: &Connection,
            qh: &QueueHandle<Self>,
        ) {
            if let wl_registry::Event::Global {
                name, interface, ..
            } = event
            {
                if interface == "zwlr_virtual_pointer_manager_v1" {
                    state.manager = Some(registry.bind(name, 1, qh, ()));
                }
            }
        }
    }

    impl Dispatch<ZwlrVirtualPointerManagerV1, ()> for PointerState {
        fn event(
            _: &mut Self,
            _: &ZwlrVirtualPointerManagerV1,
            _: <ZwlrVirtualPointerManagerV1 as wayland_client::Proxy>::Event,
            _: &(),
            _: &Connection,
            _: &QueueHandle<Self>,
        ) {
        }
    }

    impl Dispatch<ZwlrVirtualPointerV1, ()> for PointerState {
        fn event(
            _: &mut Self,
            _: &ZwlrVirtualPointerV1,
            _: <ZwlrVirtualPointerV1 as wayland_client::Proxy>::Event,
            _: &(),
            _: &Connection,
            _: &QueueHandle<Self>,
        ) {
        }
    }
}

/// `BTN_LEFT` of linux/input-event-codes.h.
const BTN_LEFT: u32 = 0x110;

impl Pointer {
    /// A virtual pointer on the session's seat.
    pub fn new(s: &Sway) -> Pointer {
        let socket = s
            .env
            .iter()
            .find(|(k, _)| k == "WAYLAND_DISPLAY")
            .map(|(_, v)| v.clone())
            .expect("the session's WAYLAND_DISPLAY");
        let stream =
            std::os::unix::net::UnixStream::connect(&socket).expect("the compositor's socket");
        let conn = wayland_client::Connection::from_socket(stream).expect("a Wayland connection");
        let mut queue = conn.new_event_queue();
        let qh = queue.handle();
        conn.display().get_registry(&qh, ());
        let mut state = PointerState::default();
        queue.roundtrip(&mut state).expect("the registry");
        let manager = state
            .manager
            .clone()
            .expect("sway offers zwlr_virtual_pointer_manager_v1");
        let pointer = manager.create_virtual_pointer(None, &qh, ());
        queue.roundtrip(&mut state).expect("the pointer");
        Pointer {
            conn,
            queue,
            state,
            pointer,
            extent: s.logical,
            started: Instant::now(),
        }
    }

    fn time(&self) -> u32 {
        self.started.elapsed().as_millis() as u32
    }

    fn flush(&mut self) {
        self.queue
            .roundtrip(&mut self.state)
            .expect("the compositor answers");
        let _ = self.conn.flush();
    }

    /// Moves to (x, y), logical pixels of the output.
    pub fn move_to(&mut self, x: u32, y: u32) {
        let t = self.time();
        self.pointer
            .motion_absolute(t, x, y, self.extent.0, self.extent.1);
        self.pointer.frame();
        self.flush();
    }

    /// Presses or releases the left button.
    pub fn button(&mut self, down: bool) {
        use wayland_client::protocol::wl_pointer::ButtonState;
        let t = self.time();
        let state = if down {
            ButtonState::Pressed
        } else {
            ButtonState::Released
        };
        self.pointer.button(t, BTN_LEFT, state);
        self.pointer.frame();
        self.flush();
    }

    /// A drag with the left button from `from` to `to` (logical pixels), in steps as a hand makes it.
    pub fn drag(&mut self, from: (u32, u32), to: (u32, u32)) {
        self.move_to(from.0, from.1);
        self.button(true);
        for i in 1..=10u32 {
            let x = from.0 + (to.0 - from.0) * i / 10;
            let y = from.1 + (to.1 - from.1) * i / 10;
            self.move_to(x, y);
        }
        self.button(false);
    }
}
