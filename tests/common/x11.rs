//! A private X server for GUI tests and benchmarks: Xvfb on a free display number, a compositor (so the
//! overlay's transparency is real), xdotool for keys and the mouse, ImageMagick for windows and screenshots,
//! and the `ocrlay` app started against it with its log in a file.
//!
//! Where no X server can be started, `XSession::start` says why; tests skip then, unless
//! `OCRLAY_REQUIRE_X=1` (set by CI) makes that a failure.

#![allow(dead_code)]

use ocrlay::probe::Probe;
use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Whether a missing X server must fail the test instead of skipping it.
pub fn x_required() -> bool {
    std::env::var("OCRLAY_REQUIRE_X").is_ok_and(|v| v == "1")
}

fn have(program: &str) -> bool {
    Command::new("sh")
        .args(["-c", &format!("command -v {program}")])
        .stdout(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// Starts an X session or returns `None` (after printing why) when the test may be skipped.
pub fn start_or_skip(width: u32, height: u32) -> Option<XSession> {
    session_or_skip(XSession::start(width, height))
}

/// Like [`start_or_skip`], without a compositor (covered windows cannot be read then).
pub fn start_bare_or_skip(width: u32, height: u32) -> Option<XSession> {
    session_or_skip(XSession::start_with(width, height, false))
}

fn session_or_skip(started: Result<XSession, String>) -> Option<XSession> {
    match started {
        Ok(x) => Some(x),
        Err(why) if !x_required() => {
            eprintln!(
                "skipped: no X server here ({why}); set OCRLAY_REQUIRE_X=1 to make this fail"
            );
            None
        }
        Err(why) => panic!("cannot start an X server: {why}"),
    }
}

/// A running Xvfb with the helpers started on it; everything is killed on drop.
pub struct XSession {
    /// `:N`.
    pub display: String,
    children: Vec<Child>,
}

impl XSession {
    /// Starts Xvfb (`width`×`height`, 24-bit) on a free display, and xcompmgr on it.
    pub fn start(width: u32, height: u32) -> Result<XSession, String> {
        Self::start_with(width, height, true)
    }

    /// Starts Xvfb, with or without a compositor.
    pub fn start_with(width: u32, height: u32, compositor: bool) -> Result<XSession, String> {
        for p in ["Xvfb", "xdotool", "import", "display"] {
            if !have(p) {
                return Err(format!(
                    "{p} is not installed (scripts/setup.sh installs it)"
                ));
            }
        }
        // Xvfb picks a free display itself (-displayfd: race-free when tests start servers in parallel) and
        // writes its number to stdout once it accepts connections.
        let mut xvfb = Command::new("Xvfb")
            .args([
                "-displayfd",
                "1",
                "-screen",
                "0",
                &format!("{width}x{height}x24"),
                "-nolisten",
                "tcp",
                "-noreset",
            ])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("Xvfb: {e}"))?;
        let out = xvfb.stdout.take().unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            use std::io::BufRead;
            let mut line = String::new();
            let _ = std::io::BufReader::new(out).read_line(&mut line);
            let _ = tx.send(line);
        });
        let mut x = XSession {
            display: String::new(),
            children: vec![xvfb],
        };
        let n: u32 = rx
            .recv_timeout(Duration::from_secs(15))
            .ok()
            .and_then(|l| l.trim().parse().ok())
            .ok_or("Xvfb did not start (no display number on -displayfd)")?;
        x.display = format!(":{n}");
        if compositor && have("xcompmgr") {
            let c = x.command("xcompmgr").stderr(Stdio::null()).spawn();
            if let Ok(c) = c {
                x.children.push(c);
            }
        }
        Ok(x)
    }

    /// Starts a window manager (openbox): window lists (`_NET_CLIENT_LIST_STACKING`), which window binding and
    /// "the window under the region" need, exist only under one. Waits until it manages the screen.
    pub fn start_wm(&mut self) {
        if !have("openbox") {
            panic!("openbox is not installed (scripts/setup.sh installs it)");
        }
        let c = self
            .command("openbox")
            .args(["--sm-disable"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("openbox starts");
        self.adopt(c);
        let t = Instant::now();
        loop {
            let out = self
                .command("xprop")
                .args(["-root", "_NET_SUPPORTING_WM_CHECK"])
                .output()
                .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
                .unwrap_or_default();
            if out.contains("window id") {
                break;
            }
            assert!(
                t.elapsed() < Duration::from_secs(15),
                "openbox did not start"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Starts tests/support/typewriter.py in step mode (each line starts on [`Typewriter::next`]), its
    /// window at (x, y) with size w×h; waits until it is mapped.
    pub fn typewriter(&mut self, rect: [i32; 4], char_ms: u32, lines: &[&str]) -> Typewriter {
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/support/typewriter.py");
        let mut child = self
            .command("python3")
            .arg(&script)
            .args(rect.iter().map(|v| v.to_string()))
            .arg("0")
            .args(lines)
            .env("TYPEWRITER_STEP", "1")
            .env("TYPEWRITER_CHAR_MS", char_ms.to_string())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("python3 with tkinter runs (apt install python3-tk)");
        let stdin = child.stdin.take().unwrap();
        let out = child.stdout.take().unwrap();
        self.adopt(child);
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            use std::io::BufRead;
            for line in std::io::BufReader::new(out).lines().map_while(Result::ok) {
                let _ = tx.send(line);
            }
        });
        let mut t = Typewriter {
            stdin,
            rx,
            window: None,
        };
        t.expect("ready", Duration::from_secs(20));
        let id = self
            .wait_window("^typewriter-game$", Duration::from_secs(10))
            .expect("the typewriter window is visible");
        t.window = Some(id);
        // Let it draw.
        std::thread::sleep(Duration::from_millis(300));
        t
    }

    /// A command that runs on this display (and never on a Wayland session).
    pub fn command(&self, program: &str) -> Command {
        let mut c = Command::new(program);
        c.env("DISPLAY", &self.display)
            .env_remove("WAYLAND_DISPLAY")
            .env("XDG_SESSION_TYPE", "x11");
        c
    }

    /// The window under the pointer once it is at `at`, as the X server decides where a click goes (input shapes
    /// honoured): the client window's id, as xdotool finds it.
    pub fn window_under(&self, at: (i32, i32)) -> u64 {
        self.xdotool(&["mousemove", &at.0.to_string(), &at.1.to_string()]);
        let out = self.xdotool(&["getmouselocation", "--shell"]);
        out.lines()
            .find_map(|l| l.strip_prefix("WINDOW="))
            .and_then(|v| v.trim().parse().ok())
            .unwrap_or(0)
    }

    /// Whether window `top` is `id` or holds it (a window manager's frame around a client window).
    pub fn holds(&self, top: u64, id: u64) -> bool {
        if top == id {
            return true;
        }
        // The desktop itself (the pointer over no window) holds every window but is none of them.
        let root = self
            .command("xwininfo")
            .arg("-root")
            .output()
            .expect("xwininfo runs");
        if String::from_utf8_lossy(&root.stdout).contains(&format!("Window id: 0x{top:x} ")) {
            return false;
        }
        let out = self
            .command("xwininfo")
            .args(["-tree", "-id", &top.to_string()])
            .output()
            .expect("xwininfo runs");
        let wanted = format!("0x{id:x} ");
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .any(|l| l.trim_start().starts_with(&wanted))
    }

    /// Ends the X server (as a crash or the end of the desktop session would), leaving the apps on it running.
    pub fn kill_server(&mut self) {
        if let Some(x) = self.children.first_mut() {
            let _ = x.kill();
            let _ = x.wait();
        }
    }

    /// Keeps a child to be killed with the session.
    pub fn adopt(&mut self, child: Child) {
        // Killed first: apps before the X server.
        self.children.insert(1, child);
    }

    /// Runs xdotool; returns its stdout.
    pub fn xdotool(&self, args: &[&str]) -> String {
        let out = self
            .command("xdotool")
            .args(args)
            .output()
            .expect("xdotool runs");
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Shows an image in a window of its own at (x, y) (ImageMagick's `display`) and waits for it. Under a
    /// loaded CI run `display` now and then never mapped its window: one that has not shown within 10 s is
    /// ended and started again (three tries), and the last one's stderr is kept for the failure.
    pub fn show_image(&mut self, path: &Path, x: i32, y: i32, title: &str) {
        let mut why = String::new();
        let mut shown = false;
        for _ in 0..3 {
            let mut child = self
                .command("display")
                .args([
                    "-title",
                    title,
                    "-geometry",
                    &format!("+{x}+{y}"),
                    "-borderwidth",
                    "0",
                ])
                .arg(path)
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
                .expect("ImageMagick display starts");
            if self.wait_window(title, Duration::from_secs(10)).is_some() {
                // Its stderr is left unread: a pipe nobody fills past its buffer.
                self.adopt(child);
                shown = true;
                break;
            }
            let _ = child.kill();
            if let Ok(out) = child.wait_with_output() {
                why = String::from_utf8_lossy(&out.stderr).into_owned();
            }
        }
        assert!(shown, "the test image window did not appear: {why}");
        // Let it draw.
        std::thread::sleep(Duration::from_millis(300));
    }

    /// The first visible window whose name matches the regex, waiting up to `timeout`.
    pub fn wait_window(&self, name_regex: &str, timeout: Duration) -> Option<u64> {
        let t = Instant::now();
        loop {
            let out = self.xdotool(&["search", "--onlyvisible", "--name", name_regex]);
            if let Some(id) = out.lines().find_map(|l| l.trim().parse().ok()) {
                return Some(id);
            }
            if t.elapsed() > timeout {
                return None;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// A window's position and size on the screen.
    pub fn geometry(&self, id: u64) -> (i32, i32, u32, u32) {
        let out = self.xdotool(&["getwindowgeometry", "--shell", &id.to_string()]);
        let get = |k: &str| -> i64 {
            out.lines()
                .find_map(|l| l.strip_prefix(&format!("{k}=")))
                .and_then(|v| v.trim().parse().ok())
                .unwrap_or(0)
        };
        (
            get("X") as i32,
            get("Y") as i32,
            get("WIDTH") as u32,
            get("HEIGHT") as u32,
        )
    }

    /// Where a window's client area is on the screen (`xwininfo`; xdotool's geometry is off under a
    /// reparenting window manager).
    pub fn client_rect(&self, id: u64) -> [i32; 4] {
        let out = self
            .command("xwininfo")
            .args(["-id", &id.to_string()])
            .output()
            .expect("xwininfo runs");
        let out = String::from_utf8_lossy(&out.stdout);
        let get = |k: &str| -> i32 {
            out.lines()
                .find_map(|l| l.trim().strip_prefix(k))
                .and_then(|v| v.trim().parse().ok())
                .unwrap_or_else(|| panic!("no '{k}' in xwininfo's output:\n{out}"))
        };
        [
            get("Absolute upper-left X:"),
            get("Absolute upper-left Y:"),
            get("Width:"),
            get("Height:"),
        ]
    }

    /// Saves a screenshot of the whole screen as PNG.
    pub fn screenshot(&self, path: &Path) {
        if let Some(dir) = path.parent() {
            fs::create_dir_all(dir).unwrap();
        }
        let status = self
            .command("import")
            .args(["-window", "root"])
            .arg(path)
            .status()
            .expect("ImageMagick import runs");
        assert!(status.success(), "screenshot failed");
    }

    /// Drags with the left button from one point to another, in small steps like a hand.
    pub fn drag(&self, from: (i32, i32), to: (i32, i32)) {
        self.press_and_move(from, to);
        self.release();
    }

    /// The first half of a drag: press at `from` and move to `to` in small steps, the button still down.
    pub fn press_and_move(&self, from: (i32, i32), to: (i32, i32)) {
        self.xdotool(&["mousemove", &from.0.to_string(), &from.1.to_string()]);
        std::thread::sleep(Duration::from_millis(60));
        self.xdotool(&["mousedown", "1"]);
        for i in 1..=8 {
            let x = from.0 + (to.0 - from.0) * i / 8;
            let y = from.1 + (to.1 - from.1) * i / 8;
            std::thread::sleep(Duration::from_millis(25));
            self.xdotool(&["mousemove", &x.to_string(), &y.to_string()]);
        }
        std::thread::sleep(Duration::from_millis(60));
    }

    /// Lets the left button go.
    pub fn release(&self) {
        self.xdotool(&["mouseup", "1"]);
    }
}

impl Drop for XSession {
    fn drop(&mut self) {
        // Apps first, the X server last.
        for c in self.children.iter_mut().skip(1) {
            let _ = c.kill();
            let _ = c.wait();
        }
        if let Some(x) = self.children.first_mut() {
            let _ = x.kill();
            let _ = x.wait();
        }
    }
}

/// The game-like window of tests/support/typewriter.py, driven line by line.
pub struct Typewriter {
    stdin: std::process::ChildStdin,
    rx: std::sync::mpsc::Receiver<String>,
    /// Its X window id.
    pub window: Option<u64>,
}

impl Typewriter {
    /// Waits for a line of its output; panics after `timeout`.
    pub fn expect(&mut self, what: &str, timeout: Duration) {
        let t = Instant::now();
        loop {
            match self.rx.recv_timeout(timeout.saturating_sub(t.elapsed())) {
                Ok(l) if l == what => return,
                Ok(_) => {}
                Err(_) => panic!("the typewriter did not say '{what}' within {timeout:?}"),
            }
        }
    }

    /// Types the next line out; returns when it is fully shown (`line N done`), and that moment.
    pub fn next(&mut self, n: usize) -> Instant {
        use std::io::Write;
        writeln!(self.stdin, "go").unwrap();
        self.stdin.flush().unwrap();
        self.expect(&format!("line {n} done"), Duration::from_secs(30));
        Instant::now()
    }
}

/// The app running on a session, with its log in a file and its typed events ([`Probe`]) in another.
pub struct App {
    /// The log file (stderr, `RUST_LOG` as given): for people reading a failure, never waited on.
    pub log: PathBuf,
    /// The probe file (`OCRLAY_PROBE`): what tests wait on.
    pub probe: PathBuf,
    pid: u32,
    /// The environment it was started with (settings file, private XDG folders, display), for `ocrlay trigger`.
    env: Vec<(String, std::ffi::OsString)>,
}

impl App {
    /// Starts the `ocrlay` binary of this build with the config file and private XDG dirs under `home`; logs at
    /// `rust_log`.
    pub fn start(x: &mut XSession, home: &Path, config: &Path, rust_log: &str) -> App {
        Self::start_with(x, home, config, rust_log, &[])
    }

    /// Like [`App::start`], with arguments (`ocrlay settings`).
    pub fn start_with(
        x: &mut XSession,
        home: &Path,
        config: &Path,
        rust_log: &str,
        args: &[&str],
    ) -> App {
        let binary = Path::new(env!("CARGO_BIN_EXE_ocrlay"));
        Self::start_exe(x, binary, home, config, rust_log, args)
    }

    /// Like [`App::start_with`], with another build's executable (benchmarks compare builds in one run).
    pub fn start_exe(
        x: &mut XSession,
        binary: &Path,
        home: &Path,
        config: &Path,
        rust_log: &str,
        args: &[&str],
    ) -> App {
        Self::start_exe_env(x, binary, home, config, rust_log, args, &[])
    }

    /// Like [`App::start_exe`], with more environment (a session bus of the test's own, a Wayland session's
    /// variables) set last.
    pub fn start_exe_env(
        x: &mut XSession,
        binary: &Path,
        home: &Path,
        config: &Path,
        rust_log: &str,
        args: &[&str],
        more_env: &[(&str, &std::ffi::OsStr)],
    ) -> App {
        let log = home.join("ocrlay.log");
        let file = fs::File::create(&log).unwrap();
        let probe = home.join("probe.jsonl");
        let _ = fs::remove_file(&probe);
        for d in ["data", "cache", "runtime", "config"] {
            fs::create_dir_all(home.join(d)).unwrap();
        }
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let _ = fs::set_permissions(home.join("runtime"), fs::Permissions::from_mode(0o700));
        }
        let env: Vec<(String, std::ffi::OsString)> = vec![
            ("OCRLAY_CONFIG".into(), config.into()),
            ("XDG_DATA_HOME".into(), home.join("data").into()),
            ("XDG_CACHE_HOME".into(), home.join("cache").into()),
            ("XDG_RUNTIME_DIR".into(), home.join("runtime").into()),
            ("XDG_CONFIG_HOME".into(), home.join("config").into()),
        ];
        let child = x
            .command(binary.to_str().unwrap())
            .args(args)
            .envs(env.iter().map(|(k, v)| (k, v)))
            .env("RUST_LOG", rust_log)
            .env(ocrlay::probe::ENV, &probe)
            .env("NO_AT_BRIDGE", "1")
            .envs(more_env.iter().copied())
            .stdout(Stdio::null())
            .stderr(file)
            .spawn()
            .expect("ocrlay starts");
        let pid = child.id();
        x.adopt(child);
        App {
            log,
            probe,
            pid,
            env,
        }
    }

    /// Runs `ocrlay trigger ACTION` (this build's binary) as a user would beside this app; returns whether it
    /// succeeded, and what it printed on stderr.
    pub fn trigger(&self, x: &XSession, action: &str) -> (bool, String) {
        let out = x
            .command(env!("CARGO_BIN_EXE_ocrlay"))
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
        let mut s = String::new();
        if let Ok(mut f) = fs::File::open(&self.log) {
            let _ = f.read_to_string(&mut s);
        }
        s
    }

    /// The app's events so far.
    pub fn probes(&self) -> Vec<Probe> {
        ocrlay::probe::read(&fs::read_to_string(&self.probe).unwrap_or_default())
    }

    /// Waits until `count` events match `want`, and returns every event so far; panics with the events and the
    /// log after `timeout`.
    pub fn wait_for(
        &self,
        count: usize,
        timeout: Duration,
        want: impl Fn(&Probe) -> bool,
    ) -> Vec<Probe> {
        crate::common::wait_for_probes(&self.probe, &self.log, count, timeout, want)
    }

    /// Waits until `count` events equal `event`.
    pub fn wait(&self, event: Probe, count: usize, timeout: Duration) -> Vec<Probe> {
        self.wait_for(count, timeout, |e| *e == event)
    }

    /// Presses `keys` (xdotool's names) until the app says it heard hotkey `action` once more than before.
    /// global-hotkey grabs keys on a thread of its own after `register` has returned, so a press right after
    /// start-up may come before the grab; a press that was heard is never repeated.
    pub fn press_hotkey(&self, x: &XSession, keys: &str, action: &str) {
        let heard = |app: &App| {
            app.probes()
                .iter()
                .filter(|e| matches!(e, Probe::Hotkey { action: a } if a == action))
                .count()
        };
        let before = heard(self);
        let t = Instant::now();
        for _ in 0..10 {
            x.xdotool(&["key", keys]);
            let pressed = Instant::now();
            while pressed.elapsed() < Duration::from_secs(2) {
                if heard(self) > before {
                    return;
                }
                std::thread::sleep(Duration::from_millis(20));
            }
        }
        panic!(
            "{keys} was not heard as {action} in {:?}; the app's events:\n{:#?}\nits log:\n{}",
            t.elapsed(),
            self.probes(),
            self.log_text()
        );
    }

    /// The process id.
    pub fn pid(&self) -> u32 {
        self.pid
    }

    /// Ends the app (SIGKILL) and waits until it has exited, so that another can take its hotkeys.
    pub fn kill(&self) {
        let _ = Command::new("kill")
            .args(["-KILL", &self.pid.to_string()])
            .status();
        let t = Instant::now();
        // Gone, or a zombie waiting for the session to reap it: either way its X connection is closed.
        while fs::read_to_string(format!("/proc/{}/stat", self.pid))
            .map(|s| {
                !s.rsplit(')')
                    .next()
                    .unwrap_or("")
                    .trim_start()
                    .starts_with('Z')
            })
            .unwrap_or(false)
        {
            assert!(
                t.elapsed() < Duration::from_secs(10),
                "the app did not exit"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Resident memory of the process, KiB.
    pub fn rss_kib(&self) -> u64 {
        fs::read_to_string(format!("/proc/{}/status", self.pid))
            .unwrap_or_default()
            .lines()
            .find(|l| l.starts_with("VmRSS:"))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse().ok())
            .unwrap_or(0)
    }

    /// CPU time the process has used so far (user + system), in clock ticks (USER_HZ, 100 a second).
    pub fn cpu_ticks(&self) -> u64 {
        let stat = fs::read_to_string(format!("/proc/{}/stat", self.pid)).unwrap_or_default();
        let Some(end) = stat.rfind(')') else {
            return 0;
        };
        let f: Vec<&str> = stat[end + 2..].split_whitespace().collect();
        // Fields 14 and 15 of stat (utime, stime); the slice starts at field 3.
        let field = |i: usize| f.get(i).and_then(|v| v.parse::<u64>().ok()).unwrap_or(0);
        field(11) + field(12)
    }

    /// Whether the process still runs.
    pub fn alive(&self) -> bool {
        Path::new(&format!("/proc/{}", self.pid)).exists()
            && !fs::read_to_string(format!("/proc/{}/stat", self.pid))
                .unwrap_or_default()
                .contains(") Z ")
    }
}

/// `target/<sub>` (the CI artefacts folder), created.
pub fn artefact_dir(sub: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("target")
        .join(sub);
    fs::create_dir_all(&dir).unwrap();
    dir
}
