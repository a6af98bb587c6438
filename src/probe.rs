//! Typed events for the GUI tests and benchmarks: what happened, as data, never as the words a user reads.
//!
//! With `OCRLAY_PROBE=<file>` in its environment the app appends each [`Probe`] to that file as one JSON line;
//! without it [`emit`] does nothing. Tests wait on these (`tests/common/mod.rs`, `wait_for_probes`), so
//! rewording a log line or a status never breaks a test, and a test cannot pass on a look-alike sentence.

use serde::{Deserialize, Serialize};
use std::fs::File;
use std::io::Write;
use std::sync::{Mutex, OnceLock};

/// The environment variable naming the probe file.
pub const ENV: &str = "OCRLAY_PROBE";

/// One thing the app did.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum Probe {
    /// The event loop runs and the hotkeys are registered (or said to be taken).
    Running,
    /// A hotkey was registered.
    HotkeyRegistered {
        /// What it does (`SelectRegion`, `OpenSettings`, …).
        action: String,
        /// The keys, as written in the settings.
        keys: String,
    },
    /// Every hotkey was unregistered while a hotkey field of the settings records keys (`suspended`), or
    /// registered again after it.
    HotkeysSuspended {
        /// Suspended now.
        suspended: bool,
    },
    /// The UI's language changed and every open window was told (`zh` or `en`).
    LanguageChanged {
        /// The language now.
        lang: String,
    },
    /// A hotkey was pressed.
    Hotkey {
        /// What it does (`SelectRegion`, `OpenSettings`, …).
        action: String,
    },
    /// No tray icon could be shown (no tray host).
    NoTray,
    /// First start: the settings open by themselves, with the welcome.
    FirstStart,
    /// Another ocrlay process asked this one to show its settings.
    SettingsAsked,
    /// The overlays stay above every window (`on`), or step back while ocrlay's settings or history window is
    /// in front.
    OverlaysOnTop {
        /// Always on top.
        on: bool,
    },
    /// The X server went away: the app says so and ends.
    DisplayLost,
    /// The overlays' click-through was turned on or off (tray, overlay button, `ocrlay trigger`).
    OverlayLocked {
        /// Click-through on.
        locked: bool,
    },
    /// Another ocrlay process asked for `action` (`settings`, `select`, `unlock`, … as `ocrlay trigger` names
    /// them).
    Triggered {
        /// The request's word.
        action: String,
    },
    /// The OCR engine is loaded (or failed to: `ok` false).
    EngineLoaded {
        /// Whether it loaded.
        ok: bool,
    },
    /// The OCR thread had nothing to read for a while and gave its freed memory back (`ocr::heap`).
    HeapReleased,
    /// A page said it is ready.
    PageReady {
        /// `overlay`, `settings`, `history` or `selector`.
        page: String,
    },
    /// A capture came back one colour all over, and so did the whole screen or window around it: it was
    /// refused as blank (`capture::CaptureError::Blank`) instead of being read as "no text".
    CaptureBlank {
        /// The one colour (red, green, blue).
        colour: [u8; 3],
    },
    /// A ScreenCast portal session was opened (Wayland without wlroots screencopy, or asked for), and its
    /// streams are read.
    ScreenCastStarted {
        /// Its streams (one per monitor shared).
        streams: usize,
    },
    /// A capture failed on a Wayland desktop, and the desktop was asked what it lacks
    /// (`capture::wayland::WaylandLack`, as `no_bus`, `no_portal`, `no_screenshot`, `refused`, `declined`,
    /// `cast_failed`).
    WaylandCaptureFailed {
        /// What the desktop lacks.
        lack: String,
    },
    /// The monitors were frozen for the region selector.
    ScreensFrozen {
        /// How many.
        monitors: usize,
    },
    /// A selector shows its frozen monitor.
    SelectorShown {
        /// Which monitor.
        monitor: usize,
    },
    /// The selectors closed (a region chosen, or the choice cancelled).
    SelectionEnded {
        /// Frozen screenshots still held for the pages afterwards (none: they are freed).
        shots_held: usize,
    },
    /// Auto mode started or stopped in the pipeline.
    AutoMode {
        /// On.
        on: bool,
    },
    /// Another profile came into effect (none: the default).
    ProfileSwitched {
        /// Its name.
        name: Option<String>,
    },
    /// The active saved region changed (Alt+1…4).
    RegionSwitched {
        /// Its index (from 0).
        index: usize,
        /// Whether it has a region yet.
        set: bool,
    },
    /// The overlay's status line changed.
    Status {
        /// Whether it shows work under way (the spinner).
        busy: bool,
    },
    /// The overlay stepped aside so a capture could read what it covers.
    OverlayHidden {
        /// The job.
        job: u64,
    },
    /// A capture read a window under one of ocrlay's own windows.
    ReadUnderOwn,
    /// Auto mode cannot read its region: one of ocrlay's own windows covers it.
    AutoCovered,
    /// The translation memory answered a job (no provider was asked).
    MemoryHit {
        /// The job.
        job: u64,
    },
    /// A provider's translation of a job is complete in the overlay.
    Done {
        /// The job.
        job: u64,
        /// The provider id.
        provider: String,
        /// The saved region whose overlay shows it.
        #[serde(default)]
        slot: usize,
    },
    /// The first character of a job's translation is on screen, with the time each step took (ms).
    FirstPaint {
        /// The job.
        job: u64,
        /// The saved region whose overlay painted it.
        #[serde(default)]
        slot: usize,
        /// Hotkey (or auto mode's new line) → first character painted.
        total_ms: f64,
        /// Hotkey → captured.
        capture_ms: f64,
        /// Captured → recognised.
        ocr_ms: f64,
        /// Recognised → first translated text.
        translate_first_ms: f64,
        /// First text → painted.
        render_ms: f64,
        /// When it was painted, in ms since the Unix epoch (for benchmarks timing against another process).
        at_unix_ms: f64,
    },
    /// A job is over.
    JobEnded {
        /// The job.
        job: u64,
        /// How it ended (`Translated`, `NoProvider`, …).
        end: String,
    },
    /// Read-aloud handed a line to the system's speech (its length in characters; never its text).
    Spoken {
        /// How long the line is.
        chars: usize,
    },
}

fn sink() -> Option<&'static Mutex<File>> {
    static SINK: OnceLock<Option<Mutex<File>>> = OnceLock::new();
    SINK.get_or_init(|| {
        let path = std::env::var_os(ENV)?;
        let file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&path)
            .inspect_err(|e| tracing::warn!("{ENV}: {e}"))
            .ok()?;
        Some(Mutex::new(file))
    })
    .as_ref()
}

/// Records `p` in the probe file, if there is one.
pub fn emit(p: Probe) {
    let Some(sink) = sink() else {
        return;
    };
    let Ok(mut line) = serde_json::to_string(&p) else {
        return;
    };
    line.push('\n');
    if let Ok(mut f) = sink.lock() {
        let _ = f.write_all(line.as_bytes());
    }
}

/// Reads a probe file: the events in order (a line being written is skipped).
pub fn read(text: &str) -> Vec<Probe> {
    text.lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_round_trip_as_json_lines() {
        let events = vec![
            Probe::Running,
            Probe::Done {
                job: 3,
                provider: "deepseek".into(),
                slot: 0,
            },
            Probe::JobEnded {
                job: 3,
                end: "NoProvider".into(),
            },
        ];
        let text: String = events
            .iter()
            .map(|e| serde_json::to_string(e).unwrap() + "\n")
            .collect();
        assert!(text.starts_with("{\"event\":\"running\"}\n"), "{text}");
        // A half-written last line is not an event yet.
        assert_eq!(read(&(text + "{\"event\":\"do")), events);
    }
}
