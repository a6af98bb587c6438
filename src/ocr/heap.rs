//! Keeps the OCR runtime's freed buffers from staying resident: the process's allocator, and a purge after
//! reads.
//!
//! rten allocates its tensors with the process's allocator, and their sizes follow the input: every new region
//! size brings a new set of multi-megabyte buffers. glibc's malloc kept them: the blocks came from its heap
//! arenas (the mmap threshold rises to 32 MiB once large blocks have been freed, and each thread may get an
//! arena of its own), and freed space inside an arena is reused but rarely given back, so the process kept the
//! high-water mark of every size it had seen, fragmented. Trimming after reads (issue 15) bounded the OCR's
//! share, but the app as a whole still kept ~370 MiB after auto mode read a changing screen at three region
//! sizes, with GTK's and WebKit's allocations in the same arenas.
//!
//! On Linux the process's allocator is therefore jemalloc (`tikv-jemallocator`, overriding `malloc` for the C
//! libraries too), set up by [`MALLOC_CONF`]: two arenas, a background thread that returns freed pages to the
//! system once they have been unused for a second (`dirty_decay_ms:1000`, `muzzy_decay_ms:0`). Measured with
//! `cargo bench --bench auto_varied_memory` (benches/RESULTS.md, "Memory while working (issue 29)"): 217–235
//! MiB after rounds of auto mode over differently sized pictures where glibc kept 317–363 and mimalloc ~320.
//! A five-second decay kept 375 MiB there (the pictures changed every four seconds); it may have made hotkey
//! reads of a new line faster (their buffers stay between presses), but the hotkey bench was too noisy on
//! this machine to tell.
//!
//! By default ([`Mode::BySize`]) [`release`] also purges at once (jemalloc's `arena.<all>.purge`) after a read
//! of another size than the one before, or of a large image: memory follows the region in use, and a small
//! region read again and again reuses its pages. The OCR thread purges once it has had nothing to
//! read for [`IDLE_RELEASE`] ([`release_idle`]).
//!
//! `OCRLAY_HEAP_BOUND=always` ([`Mode::TuneAndTrim`]) purges after every read; `off` and `no-trim` never purge
//! (jemalloc's decay alone). [`bound`] says what is in effect.
//!
//! Elsewhere both are no-ops: Windows' heap (the Rust default on Windows) serves blocks above ~512 KiB with
//! their own `VirtualAlloc` and releases them on free, and macOS has an allocator of its own.

use std::sync::OnceLock;

/// jemalloc's settings, read when the process starts (its `malloc_conf` symbol; the `MALLOC_CONF` environment
/// variable overrides them): two arenas for all threads, freed pages given back by a background thread once
/// unused for a second.
#[cfg(target_os = "linux")]
pub const MALLOC_CONF: &[u8] =
    b"background_thread:true,narenas:2,dirty_decay_ms:1000,muzzy_decay_ms:0\0";

/// jemalloc reads its settings from this symbol before `main`: a `const char *`, which a reference to the first
/// byte of the NUL-terminated [`MALLOC_CONF`] is.
#[cfg(target_os = "linux")]
#[export_name = "malloc_conf"]
static MALLOC_CONF_SYMBOL: &u8 = &MALLOC_CONF[0];

/// The process's allocator on Linux: jemalloc, for Rust's allocations and (the crate overrides `malloc`) the C
/// libraries' too.
#[cfg(target_os = "linux")]
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

/// The environment variable that chooses the mode (`off`, `no-trim`, `always`; anything else: by size).
pub const ENV: &str = "OCRLAY_HEAP_BOUND";

/// What the process does about freed OCR buffers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// No purges, the allocator's decay alone (`OCRLAY_HEAP_BOUND=off`, or not Linux).
    Off,
    /// The same (`OCRLAY_HEAP_BOUND=no-trim`; the name of issue 15's glibc tuning without trims).
    TuneOnly,
    /// A purge after each read (`OCRLAY_HEAP_BOUND=always`).
    TuneAndTrim,
    /// The default on Linux: a purge after a read of another size than the one before, or of a large image
    /// ([`KEEP_PIXELS`]). A small region read again and again (a dialogue box in auto mode, Alt+W) keeps its
    /// pages between reads closer than the decay (a second); a new size or a large region gives its buffers
    /// back at once.
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

/// Chooses the mode once per process (later calls do nothing) and says what is in effect. Called where an OCR
/// engine loads ([`super::load_engine`]).
pub fn bound() -> Mode {
    *MODE.get_or_init(|| {
        let wanted = match std::env::var(ENV).as_deref().map(str::trim) {
            Ok("off") | Ok("0") | Ok("false") => Mode::Off,
            Ok("no-trim") => Mode::TuneOnly,
            Ok("always") => Mode::TuneAndTrim,
            _ => Mode::BySize,
        };
        if !sys::SUPPORTED {
            return Mode::Off;
        }
        wanted
    })
}

/// Gives the free pages of the allocator's arenas back to the system, as [`bound`]'s mode says. Called after a
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

/// Gives the freed pages back at once, whatever the mode but `off` (and not at all where there is nothing to
/// purge). Called between the stages of a large image's detection ([`super::staged`]): without it the pages one
/// stage freed would stay resident, waiting for the decay, while the next stage maps its own (one 1920×1080
/// read: ~325 MiB at its peak with, 355–400 without).
pub fn purge_now() {
    if MODE.get().is_some_and(|m| *m != Mode::Off) {
        sys::trim();
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
/// purged. Called by the OCR thread after [`idle_release_after`] without a read (jemalloc's decay has given
/// most of them back by then; this makes it certain and says so).
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

#[cfg(target_os = "linux")]
mod sys {
    pub const SUPPORTED: bool = true;

    pub fn trim() {
        // `arena.<MALLCTL_ARENAS_ALL>.purge`: every arena's unused dirty pages go back to the system now.
        const PURGE_ALL: &[u8] = b"arena.4096.purge\0";
        // SAFETY: the name is a NUL-terminated string; the command reads and writes no value (null pointers,
        // length 0), as jemalloc's documentation of `arena.<i>.purge` says.
        unsafe {
            tikv_jemalloc_sys::mallctl(
                PURGE_ALL.as_ptr().cast(),
                std::ptr::null_mut(),
                std::ptr::null_mut(),
                std::ptr::null_mut(),
                0,
            );
        }
    }
}

#[cfg(not(target_os = "linux"))]
mod sys {
    pub const SUPPORTED: bool = false;

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
