//! The one event type background threads send to the event loop.

use super::windows::settings::SettingsOut;
use crate::capture::{CaptureError, Frozen};
use crate::pipeline::PipelineEvent;
use std::time::Instant;

/// Which page an IPC message came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Page {
    /// Translation overlay `n` (in the order they were opened).
    Overlay(usize),
    /// The region selector of monitor `n`.
    Selector(usize),
    /// The settings window.
    Settings,
    /// The history window.
    History,
}

/// What a hotkey does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum HotkeyAction {
    /// Select a region and translate it.
    SelectRegion,
    /// Translate the last region again.
    RepeatLast,
    /// Hide or show the overlay.
    ToggleOverlay,
    /// Start or stop automatic translation.
    ToggleAuto,
    /// Switch to saved region `n` (from 0).
    Region(usize),
    /// Open (or bring forward) the settings window.
    OpenSettings,
    /// Esc while the region selector is up: no region.
    CancelSelection,
}

/// Everything that reaches the event loop from elsewhere.
#[derive(Debug)]
pub enum AppEvent {
    /// A global hotkey was pressed at `at`.
    Hotkey {
        /// What it does.
        action: HotkeyAction,
        /// When the press arrived.
        at: Instant,
    },
    /// The desktop's GlobalShortcuts portal bound ocrlay's keys, or cannot (Wayland).
    Portal(super::portal::PortalNews),
    /// A tray menu item, by id.
    Menu(String),
    /// A page sent a message.
    Ipc {
        /// Which page.
        page: Page,
        /// The raw JSON.
        body: String,
    },
    /// The screenshots for the region selector are ready.
    Shots {
        /// One per monitor.
        monitors: Vec<Frozen>,
        /// When the hotkey was pressed.
        at: Instant,
    },
    /// Screenshots failed.
    ShotsFailed(CaptureError),
    /// Something happened in the capture/OCR/translate pipeline.
    Pipeline(PipelineEvent),
    /// An answer for the settings page (provider test, model list).
    ToSettings(SettingsOut),
    /// Another `ocrlay` process asks this one for something: `ocrlay settings` or a second start for the
    /// settings, `ocrlay trigger ACTION` for what a hotkey or the tray does.
    Request(super::instance::Request),
    /// Answers of the history thread for the history window.
    ToHistory(Vec<super::windows::history::HistoryOut>),
    /// Another window came to the front (only while a profile is bound to a game).
    Foreground(crate::capture::Foreground),
    /// Read-aloud could not read (said once per problem).
    Speech(crate::speech::SpeechError),
}
