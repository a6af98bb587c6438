//! Keeps the OCR runtime's freed buffers from staying resident: glibc malloc tuning at engine load and a trim
//! after each read.
//!
//! rten allocates its tensors with the system allocator, and their sizes follow the input: every new region
//! size brings a new set of multi-megabyte buffers. With glibc's defaults those blocks come from the heap
//! arenas (the mmap threshold rises to 32 MiB once large blocks have been freed, and each thread that
//! allocates may get an arena of its own), and freed space inside an arena is reused but rarely given back, so
//! the process keeps the high-water mark of every size it has seen, fragmented. Measured with
//! `cargo test --bench ocr_memory` (44 differently sized images, 132 reads): see benches/RESULTS.md,
//! "OCR memory over many image sizes (issue 15 item 5)".
//!
//! By default ([`Mode::BySize`]) [`bound`] sets `M_ARENA_MAX` = [`ARENA_MAX`] once per process (rten's
//! worker threads share a few arenas instead of one each), and [`release`] (`malloc_trim(0)`, which gives back
//! the free pages inside the arenas) runs after a read of another size than the one before, or of a large
//! image: memory follows the region in use, and a small region read again and again reuses its pages. The OCR
//! thread gives those pages back too once it has had nothing to read for [`IDLE_RELEASE`] ([`release_idle`]).
//!
//! `OCRLAY_HEAP_BOUND=always` ([`Mode::TuneAndTrim`]) also sets `M_MMAP_THRESHOLD` = [`MMAP_THRESHOLD`] and
//! `M_TRIM_THRESHOLD` = [`TRIM_THRESHOLD`] and trims after every read: the least memory between reads, but
//! every read maps its tensors afresh and faults their pages in. Measured in the release build on a 1280×240
//! dialogue box (`cargo bench --bench ocr`, 2026-12-03): off 184–189 ms, always 213–234 ms, by size 189–192
//! ms; after 88 reads of 44 sizes (`ocr_memory`, dev): off 386 MiB, always 45 MiB, by size 95 MiB.
//!
//! Only on Linux with glibc. Elsewhere both are no-ops: Windows' heap (the Rust default on Windows) serves
//! blocks above ~512 KiB with their own `VirtualAlloc` and releases them on free, and musl and macOS have
//! allocators of their own that this tuning does not apply to.
//!
//! Set `OCRLAY_HEAP_BOUND=off` to leave glibc's defaults (for measuring), `no-trim` to tune the thresholds
//! without trimming, or `always` for the thresholds and a trim after every read.

use std::sync::OnceLock;

/// Blocks at least this large are mmapped (and unmapped on free): 256 KiB. Detector feature maps and
/// recogniser batches are megabytes; the many small blocks of a run stay in the arenas.
pub const MMAP_THRESHOLD: usize = 256 * 1024;
/// Free space at the top of the main heap beyond this is returned to the system: 1 MiB.
pub const TRIM_THRESHOLD: usize = 1024 * 1024;
/// Malloc arenas shared by all threads.
pub const ARENA_MAX: usize = 2;

/// The environment variable that chooses the mode (`off`, `no-trim`, `always`; anything else: by size).
pub const ENV: &str = "OCRLAY_HEAP_BOUND";

/// What the process does about freed OCR buffers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// glibc's defaults (`OCRLAY_HEAP_BOUND=off`, or not Linux/glibc).
    Off,
    /// Tuned at load, no trim after reads (`OCRLAY_HEAP_BOUND=no-trim`).
    TuneOnly,
    /// Tuned at load and trimmed after each read (`OCRLAY_HEAP_BOUND=always`).
    TuneAndTrim,
    /// The default on Linux/glibc: arenas bounded at load, glibc's own thresholds, and a trim after a read of
    /// another size than the one before, or of a large image ([`KEEP_PIXELS`]). A small region read again and
    /// again (a dialogue box in auto mode, Alt+W) keeps its pages and pays no page faults; a new size or a
    /// large region gives its buffers back.
    BySize,
}

/// Reads of images up to this many pixels keep their buffers for the next read of the same size (a
/// 1280×240 dialogue box's keep ~50 MiB); larger ones are trimmed after every read.
pub const KEEP_PIXELS: u64 = 600_000;

/// What [`Mode::BySize`] remembers between reads.
#[derive(Debug, Default)]
struct Kept {
    /// The size of the last image read.
    last_size: Option<(u32, u32)>,
    /// When the models last ran without a trim after them (pages are kept for that size since then).
    since: Option<std::time::Instant>,
}

impl Kept {
    /// After a read of `size` at `now`: whether to trim (a new size, or a large image).
    fn after_read(&mut self, size: (u32, u32), now: std::time::Instant) -> bool {
        let large = size.0 as u64 * size.1 as u64 > KEEP_PIXELS;
        let trim = self.last_size.replace(size).is_some_and(|l| l != size) || large;
        self.since = if trim { None } else { Some(now) };
        trim
    }

    /// Once idle: whether there is anything kept to trim (and it is no longer kept after).
    fn idle(&mut self) -> bool {
        self.since.take().is_some()
    }
}

static KEPT: std::sync::Mutex<Kept> = std::sync::Mutex::new(Kept {
    last_size: None,
    since: None,
});

static MODE: OnceLock<Mode> = OnceLock::new();

/// Applies the tuning once per process (later calls do nothing) and says what is in effect. Called where an
/// OCR engine loads ([`super::load_engine`]).
pub fn bound() -> Mode {
    *MODE.get_or_init(|| {
        let wanted = match std::env::var(ENV).as_deref().map(str::trim) {
            Ok("off") | Ok("0") | Ok("false") => Mode::Off,
            Ok("no-trim") => Mode::TuneOnly,
            Ok("always") => Mode::TuneAndTrim,
            _ => Mode::BySize,
        };
        if wanted == Mode::Off || !sys::SUPPORTED {
            return Mode::Off;
        }
        if sys::tune(wanted != Mode::BySize) {
            wanted
        } else {
            tracing::warn!("malloc tuning refused; OCR memory may grow with new region sizes");
            Mode::Off
        }
    })
}

/// Gives the free pages of the malloc arenas back to the system, when [`bound`] turned it on. Called after a
/// read of an image of `size` that ran the models.
pub fn release(size: (u32, u32)) {
    match MODE.get() {
        Some(Mode::TuneAndTrim) => sys::trim(),
        Some(Mode::BySize) => {
            let mut kept = KEPT.lock().unwrap_or_else(|e| e.into_inner());
            if kept.after_read(size, std::time::Instant::now()) {
                sys::trim();
            }
        }
        _ => {}
    }
}

/// After this long without a read, the OCR thread gives back what [`Mode::BySize`] kept for the region in use
/// ([`release_idle`]): 20 s. Reads closer together than that (auto mode, a line read after another) keep their
/// pages and pay no page faults; a process that stopped reading goes back to the size it had before it read.
/// `OCRLAY_HEAP_IDLE_MS` sets another delay (tests, benchmarks).
pub const IDLE_RELEASE: std::time::Duration = std::time::Duration::from_secs(20);

/// The idle delay in effect: [`IDLE_RELEASE`], or `OCRLAY_HEAP_IDLE_MS`.
pub fn idle_release_after() -> std::time::Duration {
    std::env::var("OCRLAY_HEAP_IDLE_MS")
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .map_or(IDLE_RELEASE, std::time::Duration::from_millis)
}

/// Gives back the free pages kept for the region in use, when [`Mode::BySize`] kept them; says whether it
/// trimmed. Called by the OCR thread after [`idle_release_after`] without a read. Measured in the app (the
/// hotkey bench): ~322 MiB kept after the first reads of a 1288×248 region, ~250 MiB once trimmed; a trim
/// after every read instead would cost each read ~15 ms of page faults (release, ja_dialogue 154–160 → 172–174
/// ms).
pub fn release_idle() -> bool {
    let mut kept = KEPT.lock().unwrap_or_else(|e| e.into_inner());
    let trim = kept.idle();
    if trim {
        sys::trim();
    }
    trim
}

/// Since when pages are kept for the region in use (the last model run not followed by a trim), if they are.
pub fn kept_since() -> Option<std::time::Instant> {
    KEPT.lock().unwrap_or_else(|e| e.into_inner()).since
}

#[cfg(all(target_os = "linux", target_env = "gnu"))]
mod sys {
    use std::ffi::c_int;

    pub const SUPPORTED: bool = true;

    fn set(param: c_int, value: usize) -> bool {
        let value = c_int::try_from(value).unwrap_or(c_int::MAX);
        // SAFETY: mallopt only changes allocator parameters; it is thread-safe and any value is accepted or
        // refused (returns 0).
        unsafe { libc::mallopt(param, value) == 1 }
    }

    pub fn tune(thresholds: bool) -> bool {
        let mmap = !thresholds || set(libc::M_MMAP_THRESHOLD, super::MMAP_THRESHOLD);
        let trim = !thresholds || set(libc::M_TRIM_THRESHOLD, super::TRIM_THRESHOLD);
        let arenas = set(libc::M_ARENA_MAX, super::ARENA_MAX);
        mmap && trim && arenas
    }

    pub fn trim() {
        // SAFETY: malloc_trim only returns free memory to the system; it takes the arenas' locks itself.
        unsafe {
            libc::malloc_trim(0);
        }
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
mod sys {
    pub const SUPPORTED: bool = false;

    pub fn tune(_thresholds: bool) -> bool {
        false
    }

    pub fn trim() {}
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_region_read_again_keeps_its_pages_until_idle() {
        let (t0, t1) = (std::time::Instant::now(), std::time::Instant::now());
        let mut k = Kept::default();
        // The first read keeps its pages; a read of a new size is trimmed at once, nothing kept.
        assert!(!k.after_read((1280, 240), t0));
        assert_eq!(k.since, Some(t0));
        assert!(k.after_read((640, 120), t0));
        assert_eq!(k.since, None);
        assert!(!k.idle());
        // The same size again: kept, until the thread is idle; then given back once.
        assert!(!k.after_read((640, 120), t1));
        assert_eq!(k.since, Some(t1));
        assert!(k.idle());
        assert!(!k.idle());
        // A large image is trimmed after every read, so nothing is ever kept for it.
        assert!(k.after_read((1920, 1080), t1));
        assert!(k.after_read((1920, 1080), t1));
        assert!(!k.idle());
    }

    #[test]
    fn bound_is_idempotent_and_release_is_safe() {
        let first = bound();
        assert_eq!(bound(), first);
        // Large blocks come and go; the trim must not disturb anything live.
        let keep: Vec<Vec<u8>> = (0..8).map(|i| vec![i as u8; 3 << 20]).collect();
        drop((0..8).map(|_| vec![0u8; 5 << 20]).collect::<Vec<_>>());
        release((1, 1));
        assert!(keep
            .iter()
            .enumerate()
            .all(|(i, v)| v[v.len() - 1] == i as u8));
    }
}
