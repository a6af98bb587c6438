//! `ocrlay ocr --region` on a Wayland desktop whose screen cannot be read says which component is missing
//! (asked of the session bus), and fails; it never asks for an X11 session there, never reads "no text".
//! No compositor runs here: `WAYLAND_DISPLAY` names none, so xcap's every Wayland path fails, as on a desktop
//! without a portal and without wlroots screencopy.

#![cfg(target_os = "linux")]

#[path = "common/portal.rs"]
mod portal;

use ocrlay::probe::Probe;
use portal::Bus;
use std::process::Command;

/// Runs `ocrlay ocr --region` as on a Wayland desktop with the session bus `bus`; returns whether it
/// succeeded and what the desktop was found to lack.
fn capture_on_wayland(bus: &str) -> (bool, Vec<String>) {
    let dir = tempfile::tempdir().unwrap();
    let probe = dir.path().join("probe.jsonl");
    let out = Command::new(env!("CARGO_BIN_EXE_ocrlay"))
        .args(["ocr", "--lang", "en", "--region", "0,0,200,50"])
        .env_remove("DISPLAY")
        .env("WAYLAND_DISPLAY", "wayland-ocrlay-none")
        .env("XDG_SESSION_TYPE", "wayland")
        .env("XDG_RUNTIME_DIR", dir.path())
        .env("DBUS_SESSION_BUS_ADDRESS", bus)
        .env("OCRLAY_CONFIG", "/nonexistent/config.toml")
        .env(ocrlay::probe::ENV, &probe)
        .output()
        .unwrap();
    let lacks = ocrlay::probe::read(&std::fs::read_to_string(&probe).unwrap_or_default())
        .into_iter()
        .filter_map(|p| match p {
            Probe::WaylandCaptureFailed { lack } => Some(lack),
            _ => None,
        })
        .collect();
    (out.status.success(), lacks)
}

#[test]
fn a_wayland_capture_failure_names_what_the_desktop_lacks() {
    // No session bus at all.
    let (ok, lacks) = capture_on_wayland("unix:path=/nonexistent/ocrlay-bus");
    assert!(!ok);
    assert_eq!(
        lacks.first().map(String::as_str),
        Some("no_bus"),
        "{lacks:?}"
    );
    // A session bus with no portal on it (and none to start: no service folders, whatever is installed).
    let Some(bus) = Bus::start(false) else {
        return;
    };
    let (ok, lacks) = capture_on_wayland(&bus.address);
    assert!(!ok);
    assert_eq!(
        lacks.first().map(String::as_str),
        Some("no_portal"),
        "{lacks:?}"
    );
}
