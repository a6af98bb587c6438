//! Start-up checks: a display to draw on, and only one ocrlay per user.

use std::fs::File;
use std::path::PathBuf;

/// Why the app cannot start here.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// No graphical session.
    #[error(
        "no graphical display: ocrlay needs a desktop session (on Linux DISPLAY must be set: {0})"
    )]
    NoDisplay(String),
    /// Another instance holds the lock.
    #[error("ocrlay is already running (see its tray icon, or press Alt+Q). Quit it first to start a new one")]
    AlreadyRunning,
    /// The lock file could not be made.
    #[error("cannot create the instance lock {path}: {source}")]
    Lock {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
}

/// Checks that there is an X11 display to connect to (Linux).
pub fn check_display() -> Result<(), StartError> {
    #[cfg(target_os = "linux")]
    {
        let display = std::env::var("DISPLAY").unwrap_or_default();
        if display.is_empty() {
            return Err(StartError::NoDisplay("DISPLAY is not set".into()));
        }
        // A local display ":N" has a socket in /tmp/.X11-unix; remote ones are left to GTK.
        if let Some(n) = display.strip_prefix(':') {
            let n = n.split('.').next().unwrap_or(n);
            let socket = format!("/tmp/.X11-unix/X{n}");
            if std::os::unix::net::UnixStream::connect(&socket).is_err() {
                return Err(StartError::NoDisplay(format!(
                    "nothing answers on {display} ({socket})"
                )));
            }
        }
    }
    Ok(())
}

/// Held while this instance runs.
pub struct InstanceLock {
    _file: File,
}

/// Takes the per-user lock, or says another ocrlay runs.
pub fn lock() -> Result<InstanceLock, StartError> {
    let dir = crate::paths::Places::current().runtime_dir;
    let _ = std::fs::create_dir_all(&dir);
    let path = dir.join(format!("ocrlay-{}.lock", display_tag()));
    let file = File::create(&path).map_err(|source| StartError::Lock {
        path: path.clone(),
        source,
    })?;
    match file.try_lock() {
        Ok(()) => Ok(InstanceLock { _file: file }),
        Err(std::fs::TryLockError::WouldBlock) => Err(StartError::AlreadyRunning),
        Err(std::fs::TryLockError::Error(source)) => Err(StartError::Lock { path, source }),
    }
}

/// One instance per display: tests run several Xvfb servers side by side.
fn display_tag() -> String {
    std::env::var("DISPLAY")
        .unwrap_or_default()
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect()
}
