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
//! [`bound`] sets, once per process:
//! - `M_MMAP_THRESHOLD` = [`MMAP_THRESHOLD`]: blocks this large are mapped on their own and unmapped when
//!   freed, so a tensor's pages go back to the system with it (setting it also stops glibc from raising it);
//! - `M_TRIM_THRESHOLD` = [`TRIM_THRESHOLD`]: free space at the top of the main heap above this is returned;
//! - `M_ARENA_MAX` = [`ARENA_MAX`]: rten's worker threads share a few arenas instead of one each.
//!
//! [`release`] (`malloc_trim(0)`) gives back the free pages left inside the arenas after a read.
//!
//! The price is time: each read maps its large tensors afresh and faults their pages in, where glibc's defaults
//! reuse the pages kept from the read before. Measured ~5 % a read (+20–30 ms on a 1280×240 dialogue box in
//! the dev profile); the trim itself costs nothing measurable, and mmap thresholds of 1 or 4 MiB cost the same.
//!
//! Only on Linux with glibc. Elsewhere both are no-ops: Windows' heap (the Rust default on Windows) serves
//! blocks above ~512 KiB with their own `VirtualAlloc` and releases them on free, and musl and macOS have
//! allocators of their own that this tuning does not apply to.
//!
//! Set `OCRLAY_HEAP_BOUND=off` to leave glibc's defaults (for measuring), or `OCRLAY_HEAP_BOUND=no-trim` to
//! tune without the trim after each read.

use std::sync::OnceLock;

/// Blocks at least this large are mmapped (and unmapped on free): 256 KiB. Detector feature maps and
/// recogniser batches are megabytes; the many small blocks of a run stay in the arenas.
pub const MMAP_THRESHOLD: usize = 256 * 1024;
/// Free space at the top of the main heap beyond this is returned to the system: 1 MiB.
pub const TRIM_THRESHOLD: usize = 1024 * 1024;
/// Malloc arenas shared by all threads.
pub const ARENA_MAX: usize = 2;

/// The environment variable that turns the bound off (`off`) or its trim after each read (`no-trim`).
pub const ENV: &str = "OCRLAY_HEAP_BOUND";

/// What the process does about freed OCR buffers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// glibc's defaults (`OCRLAY_HEAP_BOUND=off`, or not Linux/glibc).
    Off,
    /// Tuned at load, no trim after reads (`OCRLAY_HEAP_BOUND=no-trim`).
    TuneOnly,
    /// Tuned at load and trimmed after each read (the default on Linux/glibc).
    TuneAndTrim,
}

static MODE: OnceLock<Mode> = OnceLock::new();

/// Applies the tuning once per process (later calls do nothing) and says what is in effect. Called where an
/// OCR engine loads ([`super::load_engine`]).
pub fn bound() -> Mode {
    *MODE.get_or_init(|| {
        let wanted = match std::env::var(ENV).as_deref().map(str::trim) {
            Ok("off") | Ok("0") | Ok("false") => Mode::Off,
            Ok("no-trim") => Mode::TuneOnly,
            _ => Mode::TuneAndTrim,
        };
        if wanted == Mode::Off || !sys::SUPPORTED {
            return Mode::Off;
        }
        if sys::tune() {
            wanted
        } else {
            tracing::warn!("malloc tuning refused; OCR memory may grow with new region sizes");
            Mode::Off
        }
    })
}

/// Gives the free pages of the malloc arenas back to the system, when [`bound`] turned it on. Called after a
/// read that ran the models.
pub fn release() {
    if MODE.get() == Some(&Mode::TuneAndTrim) {
        sys::trim();
    }
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

    pub fn tune() -> bool {
        let mmap = set(libc::M_MMAP_THRESHOLD, super::MMAP_THRESHOLD);
        let trim = set(libc::M_TRIM_THRESHOLD, super::TRIM_THRESHOLD);
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

    pub fn tune() -> bool {
        false
    }

    pub fn trim() {}
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bound_is_idempotent_and_release_is_safe() {
        let first = bound();
        assert_eq!(bound(), first);
        // Large blocks come and go; the trim must not disturb anything live.
        let keep: Vec<Vec<u8>> = (0..8).map(|i| vec![i as u8; 3 << 20]).collect();
        drop((0..8).map(|_| vec![0u8; 5 << 20]).collect::<Vec<_>>());
        release();
        assert!(keep
            .iter()
            .enumerate()
            .all(|(i, v)| v[v.len() - 1] == i as u8));
    }
}
