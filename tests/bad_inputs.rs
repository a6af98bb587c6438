//! Bad files and images given to the real `ocrlay` binary (issue 23): an image bomb, a long thin strip, an image
//! on standard input, a named pipe, `/dev/zero` and an oversized glossary as the settings file, a negative
//! monitor number. Each ends within its own deadline (waited on by the process's exit), with a bounded peak
//! resident memory (the child's own, from `wait4`), with words that name the size and the limit, and without
//! touching the user's file.

#![cfg(target_os = "linux")]

mod common;

use ocrlay::files::{FileError, Kind};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// What a run of the binary did.
struct Run {
    success: bool,
    stdout: String,
    stderr: String,
    /// The child's peak resident memory, in MB.
    peak_mb: u64,
    took: Duration,
}

/// Runs `cmd` with `stdin` fed to it, waits for it to exit for at most `deadline` (it is killed and the test
/// fails past that), and measures its peak resident memory.
// The child is reaped by `wait4` (which gives its own peak memory), not by `Child::wait`.
#[allow(clippy::zombie_processes)]
fn run(mut cmd: Command, stdin: &[u8], deadline: Duration) -> Run {
    cmd.stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .env_remove("RUST_LOG");
    let started = Instant::now();
    let mut child = cmd.spawn().expect("run ocrlay");
    let pid = child.id() as libc::pid_t;
    let mut input = child.stdin.take().unwrap();
    let stdin = stdin.to_vec();
    // The child may stop reading early (it refused the input): a broken pipe is its answer, not an error.
    let feeder = std::thread::spawn(move || {
        let _ = input.write_all(&stdin);
    });
    let drain = |mut r: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut s = Vec::new();
            let _ = r.read_to_end(&mut s);
            String::from_utf8_lossy(&s).into_owned()
        })
    };
    let out = drain(Box::new(child.stdout.take().unwrap()));
    let err = drain(Box::new(child.stderr.take().unwrap()));
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut status = 0;
        // SAFETY: an all-zero rusage is a valid value for wait4 to fill in.
        let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
        // SAFETY: `pid` is this test's own child, not yet waited for; the pointers are to live locals.
        let r = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
        let _ = tx.send((r, status, usage.ru_maxrss));
    });
    let Ok((r, status, maxrss_kb)) = rx.recv_timeout(deadline) else {
        // SAFETY: signalling this test's own child, which has not been reaped (wait4 has not returned).
        unsafe { libc::kill(pid, libc::SIGKILL) };
        panic!(
            "{:?} did not end within {deadline:?}; its stderr: {}",
            cmd,
            err.join().unwrap()
        );
    };
    let took = started.elapsed();
    assert_eq!(r, pid, "wait4 failed");
    let _ = feeder.join();
    Run {
        success: libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0,
        stdout: out.join().unwrap(),
        stderr: err.join().unwrap(),
        peak_mb: maxrss_kb as u64 / 1024,
        took,
    }
}

fn ocrlay(config: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_ocrlay"));
    cmd.env("OCRLAY_CONFIG", config)
        .env_remove("OCRLAY_API_KEY");
    cmd
}

/// The English words of a message of the string table, as the CLI prints them.
fn words(text: ocrlay::text::Text) -> String {
    text.render("en")
}

/// A valid PNG of `width`×`height` black grey pixels, written without ever holding its pixels: the zlib stream
/// is one literal zero and back-references of 258 zeros (fixed Huffman codes, 13 bits each), so a 20000×20000
/// image is a 2.5 MB file.
fn black_grey_png(width: u32, height: u32) -> Vec<u8> {
    let raw = u64::from(height) * (1 + u64::from(width)); // A filter byte (0) before each row; all zero.
    let mut bits = BitWriter::default();
    bits.put(1, 1); // The final block,
    bits.put(1, 2); // with fixed Huffman codes.
    let literal_zero = |b: &mut BitWriter| b.code(0b0011_0000, 8);
    literal_zero(&mut bits);
    let runs = (raw - 1) / 258;
    for _ in 0..runs {
        bits.code(0b1100_0101, 8); // Length 258 (code 285).
        bits.code(0, 5); // Distance 1 (code 0).
    }
    for _ in 0..(raw - 1) % 258 {
        literal_zero(&mut bits);
    }
    bits.code(0, 7); // End of block (code 256).
    let mut zlib = vec![0x78, 0x01];
    zlib.extend(bits.finish());
    // Adler-32 of zeros: a stays 1, b gains 1 a byte.
    let adler = ((raw % 65521) << 16) as u32 | 1;
    zlib.extend(adler.to_be_bytes());

    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut ihdr = Vec::new();
    ihdr.extend(width.to_be_bytes());
    ihdr.extend(height.to_be_bytes());
    ihdr.extend([8, 0, 0, 0, 0]); // 8-bit grey, deflate, no filter method, not interlaced.
    chunk(&mut png, b"IHDR", &ihdr);
    chunk(&mut png, b"IDAT", &zlib);
    chunk(&mut png, b"IEND", &[]);
    png
}

fn chunk(png: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
    png.extend((data.len() as u32).to_be_bytes());
    png.extend(kind);
    png.extend(data);
    let mut crc = Crc::new();
    crc.update(kind);
    crc.update(data);
    png.extend(crc.finish().to_be_bytes());
}

/// Deflate's bit order: fields least significant bit first, Huffman codes most significant bit first.
#[derive(Default)]
struct BitWriter {
    out: Vec<u8>,
    acc: u32,
    n: u32,
}

impl BitWriter {
    fn put(&mut self, value: u32, count: u32) {
        for i in 0..count {
            self.acc |= ((value >> i) & 1) << self.n;
            self.n += 1;
            if self.n == 8 {
                self.out.push(self.acc as u8);
                (self.acc, self.n) = (0, 0);
            }
        }
    }

    fn code(&mut self, code: u32, len: u32) {
        for i in (0..len).rev() {
            self.put((code >> i) & 1, 1);
        }
    }

    fn finish(mut self) -> Vec<u8> {
        if self.n > 0 {
            self.out.push(self.acc as u8);
        }
        self.out
    }
}

/// CRC-32 (PNG chunks), table driven.
struct Crc {
    table: [u32; 256],
    crc: u32,
}

impl Crc {
    fn new() -> Crc {
        let mut table = [0u32; 256];
        for (n, t) in table.iter_mut().enumerate() {
            let mut c = n as u32;
            for _ in 0..8 {
                c = if c & 1 == 1 {
                    0xEDB8_8320 ^ (c >> 1)
                } else {
                    c >> 1
                };
            }
            *t = c;
        }
        Crc { table, crc: !0 }
    }

    fn update(&mut self, data: &[u8]) {
        for &b in data {
            self.crc = self.table[((self.crc ^ u32::from(b)) & 0xff) as usize] ^ (self.crc >> 8);
        }
    }

    fn finish(&self) -> u32 {
        !self.crc
    }
}

#[test]
fn the_generated_png_is_a_real_image() {
    // The generator itself, on a size small enough to decode here: every pixel is there, and black.
    let bytes = black_grey_png(300, 7);
    let img = image::load_from_memory(&bytes).unwrap().to_luma8();
    assert_eq!(img.dimensions(), (300, 7));
    assert!(img.pixels().all(|p| p.0 == [0]));
}

#[test]
fn an_image_bomb_is_refused_from_its_header_with_its_size_and_the_limit() {
    let dir = tempfile::tempdir().unwrap();
    let bomb = dir.path().join("bomb.png");
    let bytes = black_grey_png(20000, 20000);
    assert!(bytes.len() < 3_000_000, "{} bytes", bytes.len());
    std::fs::write(&bomb, &bytes).unwrap();
    let mut cmd = ocrlay(&dir.path().join("c.toml"));
    cmd.arg("ocr").arg(&bomb);
    // Read whole, it took 3.3 GB and 85 s.
    let r = run(cmd, b"", Duration::from_secs(30));
    assert!(!r.success, "{}", r.stdout);
    assert!(r.peak_mb < 100, "peak {} MB", r.peak_mb);
    assert!(r.took < Duration::from_secs(10), "{:?}", r.took);
    let limit = ocrlay::images::check(20000, 20000, 1).unwrap_err();
    assert!(r.stderr.contains(&limit.to_string()), "{}", r.stderr);
    assert!(r.stderr.contains("bomb.png"), "{}", r.stderr);

    // The same from standard input.
    let mut cmd = ocrlay(&dir.path().join("c.toml"));
    cmd.args(["ocr", "-"]);
    let r = run(cmd, &bytes, Duration::from_secs(30));
    assert!(!r.success);
    assert!(r.peak_mb < 100, "peak {} MB", r.peak_mb);
    assert!(r.stderr.contains(&limit.to_string()), "{}", r.stderr);
}

/// `ocrlay ocr --json` of a white 8-bit grey PNG of `width`×`height`, made in `dir`.
fn read_white(dir: &Path, width: u32, height: u32) -> Run {
    let path = dir.join(format!("white-{width}x{height}.png"));
    image::GrayImage::from_pixel(width, height, image::Luma([255]))
        .save(&path)
        .unwrap();
    let mut cmd = ocrlay(&dir.join("c.toml"));
    cmd.args(["ocr", "--json"]).arg(&path);
    let r = run(cmd, b"", Duration::from_secs(180));
    assert!(r.success, "{}", r.stderr);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(
        (v["width"].as_u64(), v["height"].as_u64()),
        (Some(u64::from(width)), Some(u64::from(height)))
    );
    r
}

#[test]
fn a_long_thin_strip_costs_no_more_memory_than_a_screen() {
    let dir = tempfile::tempdir().unwrap();
    // The detector reads a 2560×1440 screen at (almost) its largest input: what a capture may cost.
    let screen = read_white(dir.path(), 2560, 1440);
    // Raised to the detector's 64 px short side and padded to 32 columns, its input took 1.28 GB.
    for (w, h) in [(1, 30000), (30000, 1)] {
        let strip = read_white(dir.path(), w, h);
        assert!(
            strip.peak_mb <= screen.peak_mb * 105 / 100,
            "{w}×{h}: peak {} MB, a 2560×1440 screen {} MB",
            strip.peak_mb,
            screen.peak_mb
        );
    }
}

#[test]
fn an_image_is_read_from_standard_input() {
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/ocr/en_parchment.png");
    let bytes = std::fs::read(&fixture).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = ocrlay(&dir.path().join("c.toml"));
    cmd.args(["ocr", "-"]);
    let r = run(cmd, &bytes, Duration::from_secs(120));
    assert!(r.success, "{}", r.stderr);
    assert_eq!(
        r.stdout.lines().next(),
        Some("The ancient seal has been broken."),
        "{}",
        r.stdout
    );
    // Not an image: said as such, naming standard input.
    let mut cmd = ocrlay(&dir.path().join("c.toml"));
    cmd.args(["ocr", "-"]);
    let r = run(cmd, b"hello", Duration::from_secs(30));
    assert!(!r.success);
    assert!(r.stderr.contains("standard input"), "{}", r.stderr);
}

/// A settings command that reads the settings file and stops: `translate` with no provider chosen.
fn load_settings_from(config: &Path, deadline: Duration) -> Run {
    let mut cmd = ocrlay(config);
    cmd.args(["translate", "hi"]);
    run(cmd, b"", deadline)
}

#[test]
fn a_named_pipe_as_the_settings_file_is_not_read_and_not_replaced() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("config.toml");
    assert!(Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap()
        .success());
    // No writer ever opens it: opening it to read waited for ever.
    let r = load_settings_from(&fifo, Duration::from_secs(20));
    let why = FileError::NotRegular {
        path: fifo.clone(),
        kind: Kind::Fifo,
    };
    // Said once (the log repeated every warning of the settings file).
    assert_eq!(
        r.stderr.matches(&words(why.text())).count(),
        1,
        "{}",
        r.stderr
    );
    // Still the pipe, and nothing made beside it.
    assert_eq!(ocrlay::files::not_regular(&fifo), Some(Kind::Fifo));
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
}

#[test]
fn dev_zero_as_the_settings_file_is_not_read() {
    let zero = PathBuf::from("/dev/zero");
    let mut cmd = ocrlay(&zero);
    cmd.args(["translate", "hi"]);
    // Read whole, it took memory until there was none: bounded to 1 GB of address space here, so that a
    // regression fails this test instead of the machine.
    // SAFETY: setrlimit is async-signal-safe, as pre_exec requires.
    unsafe {
        use std::os::unix::process::CommandExt;
        cmd.pre_exec(|| {
            let limit = libc::rlimit {
                rlim_cur: 1 << 30,
                rlim_max: 1 << 30,
            };
            if libc::setrlimit(libc::RLIMIT_AS, &limit) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    let r = run(cmd, b"", Duration::from_secs(20));
    let why = FileError::NotRegular {
        path: zero,
        kind: Kind::Device,
    };
    assert!(r.stderr.contains(&words(why.text())), "{}", r.stderr);
    assert!(r.peak_mb < 100, "peak {} MB", r.peak_mb);
}

#[test]
fn a_glossary_over_the_cap_is_refused_with_its_size_and_the_file_is_kept() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config.toml");
    let mut text = String::from("[translation]\nglossary = [\n");
    while text.len() < 5_000_000 {
        text.push_str("  { src = \"アドル\", dst = \"亚特鲁\", note = \"主人公\" },\n");
    }
    text.push_str("]\n");
    std::fs::write(&config, &text).unwrap();
    let r = load_settings_from(&config, Duration::from_secs(60));
    let why = FileError::TooLarge {
        path: config.clone(),
        size: Some(text.len() as u64),
        limit: ocrlay::files::SETTINGS_MAX_BYTES,
    };
    assert!(r.stderr.contains(&words(why.text())), "{}", r.stderr);
    assert!(r.peak_mb < 100, "peak {} MB", r.peak_mb);
    assert_eq!(std::fs::read_to_string(&config).unwrap(), text);
}

#[test]
fn a_negative_monitor_number_lists_the_monitors() {
    let Some(x) = common::x11::start_or_skip(1280, 720) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let listed = regex::Regex::new(r"\b0: .*0,0 1280×720").unwrap();
    for n in ["-1", "7"] {
        let mut cmd = ocrlay(&dir.path().join("c.toml"));
        cmd.env("DISPLAY", &x.display)
            .env_remove("WAYLAND_DISPLAY")
            .env("XDG_SESSION_TYPE", "x11")
            .args(["ocr", "--region", "0,0,10,10", "--monitor", n]);
        let r = run(cmd, b"", Duration::from_secs(30));
        assert!(!r.success);
        // The number given, and the one monitor of the test's X server, numbered and placed as `--region`
        // counts (`0: NAME 0,0 1280×720`).
        assert!(r.stderr.contains(&format!(" {n}")), "{}", r.stderr);
        assert!(listed.is_match(&r.stderr), "{}", r.stderr);
    }
}
