//! Translation memory and history in SQLite: a repeated line costs no request, and every line is kept to browse,
//! search, correct and export.
//!
//! One [`Store`] holds both in one database file ([`default_path`]):
//!
//! - the *translation memory*, keyed by provider, model, prompt, languages and the [normalised](normalize_source)
//!   source text. A translation the user corrected in the history window wins over the provider's answer from
//!   then on. It is bounded by [`StoreOptions::max_entries`]: beyond it the least recently used provider answers
//!   are dropped (user corrections never are);
//! - the *history*, one row per translated line (time, region or game window, source, translation, provider),
//!   newest first, with search, paging, corrections, deletion and export to CSV and JSON.
//!
//! The database runs in WAL mode, so a crash mid-write loses at most the transaction in flight. A file that is
//! not a database or fails SQLite's `quick_check` is moved aside (never deleted) and a new one started; the
//! caller gets a [`MovedAside`] to tell the user. Memory does not grow with the number of lines: SQLite's page
//! cache is capped at [`PAGE_CACHE_KIB`] per store and rows live on disk.
//!
//! The files follow the jobs: `schema.rs` opens the file (schema, damage checks, moving a damaged file aside),
//! `translations.rs` is the memory, `history.rs` the history, `export.rs` its CSV and JSON export, and
//! `normalize.rs` the form of a line the memory matches on.

mod export;
mod history;
mod normalize;
mod schema;
mod translations;

pub use export::format_rfc3339_utc;
pub use history::{HistoryEntry, HistoryQuery, NewHistoryEntry};
pub use normalize::{normalize_source, prompt_fingerprint};
pub use schema::{MovedAside, SCHEMA_VERSION};
pub use translations::{MemoryKey, PutOutcome, Remembered};

use rusqlite::{Connection, ErrorCode};
use std::fmt;
use std::io;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// How many translations the memory keeps by default.
pub const DEFAULT_MAX_ENTRIES: usize = 50_000;

/// SQLite's page cache per store, in KiB (`PRAGMA cache_size` = minus this). This, not the number of lines
/// translated, bounds the memory the store uses.
pub const PAGE_CACHE_KIB: i64 = 8 * 1024;

/// Why the store could not do what was asked. Every message names the file and what went wrong.
#[derive(Debug, thiserror::Error)]
pub enum MemoryError {
    /// The folder for the database could not be created.
    #[error("could not create the folder {path} for the history database: {cause}")]
    CreateDir {
        /// The folder.
        path: PathBuf,
        /// The I/O error.
        cause: io::Error,
    },
    /// SQLite could not open or set up the database (permissions, disk full, locked by another program…).
    #[error("could not open the history database {path}: {cause}")]
    Open {
        /// The database file.
        path: PathBuf,
        /// SQLite's error.
        cause: rusqlite::Error,
    },
    /// The database was written by a newer ocrlay; it is left alone.
    #[error(
        "the history database {path} was written by a newer ocrlay (schema version {found}; this version reads \
         up to {supported}); update ocrlay, or move the file away to start a new history"
    )]
    NewerSchema {
        /// The database file.
        path: PathBuf,
        /// The schema version in the file.
        found: i64,
        /// The newest schema version this build knows.
        supported: i64,
    },
    /// The database was damaged and could not be moved out of the way (it is still where it was).
    #[error(
        "the history database {from} is damaged ({reason}) and could not be moved aside to {to}: {cause}; close \
         other programs using it, or move it away yourself"
    )]
    MoveAside {
        /// The damaged file.
        from: PathBuf,
        /// Where it was to go.
        to: PathBuf,
        /// Why it counts as damaged.
        reason: String,
        /// The I/O error.
        cause: io::Error,
    },
    /// The damaged database was moved aside, but the new one is damaged too (a failing disk?).
    #[error(
        "the history database {path} was damaged and moved to {moved_to}, but the new one is damaged too \
         ({reason}); check the disk"
    )]
    StillDamaged {
        /// The database file.
        path: PathBuf,
        /// Where the first damaged file went.
        moved_to: PathBuf,
        /// What is wrong with the new one.
        reason: String,
    },
    /// A query or write failed on an open database.
    #[error("could not {action} in the history database {path}: {cause}")]
    Database {
        /// The database file (`:memory:` for an in-memory store).
        path: PathBuf,
        /// What was being done, e.g. "save a translation".
        action: &'static str,
        /// SQLite's error.
        cause: rusqlite::Error,
    },
    /// Writing an export failed.
    #[error("could not write the history export: {cause}")]
    Export {
        /// The I/O error (CSV and JSON errors are carried as I/O errors).
        cause: io::Error,
    },
}

impl MemoryError {
    /// Whether SQLite reported the file as damaged while it was in use. Opening the store again moves such a
    /// file aside and starts a new one.
    pub fn is_damaged(&self) -> bool {
        match self {
            MemoryError::Database { cause, .. } | MemoryError::Open { cause, .. } => {
                schema::is_damage(cause)
            }
            MemoryError::StillDamaged { .. } => true,
            _ => false,
        }
    }

    /// What the user can do about it, as one sentence: restart (a damaged file is then moved aside), close the
    /// other program holding the database, free disk space, check the folder's permissions, or try again.
    pub fn advice(&self) -> &'static str {
        match self.remedy() {
            Remedy::Restart => {
                "The database is damaged: restart ocrlay, which moves the damaged file aside and starts a \
                 new history."
            }
            Remedy::CloseOther => {
                "Another program (a second ocrlay?) is using the database; close it and try again."
            }
            Remedy::FreeSpace => "The disk is full; free some space and try again.",
            Remedy::Permissions => {
                "Check that you may write to the database's folder, then restart ocrlay."
            }
            Remedy::Retry => "Try again; if it keeps failing, restart ocrlay.",
        }
    }

    /// [`MemoryError::advice`] in Chinese.
    pub fn advice_zh(&self) -> &'static str {
        match self.remedy() {
            Remedy::Restart => {
                "数据库已损坏：请重启 ocrlay，它会把损坏的文件移到一旁并开始新的历史记录。"
            }
            Remedy::CloseOther => "另一个程序（第二个 ocrlay？）正在使用数据库，请关闭它后重试。",
            Remedy::FreeSpace => "磁盘已满，请腾出空间后重试。",
            Remedy::Permissions => "请确认你有权限写入数据库所在的文件夹，然后重启 ocrlay。",
            Remedy::Retry => "请重试；如果一直失败，请重启 ocrlay。",
        }
    }

    fn remedy(&self) -> Remedy {
        if self.is_damaged() {
            return Remedy::Restart;
        }
        let code = match self {
            MemoryError::Database { cause, .. } | MemoryError::Open { cause, .. } => {
                cause.sqlite_error_code()
            }
            _ => None,
        };
        match code {
            Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => Remedy::CloseOther,
            Some(ErrorCode::DiskFull) => Remedy::FreeSpace,
            Some(ErrorCode::ReadOnly | ErrorCode::PermissionDenied | ErrorCode::CannotOpen) => {
                Remedy::Permissions
            }
            _ => Remedy::Retry,
        }
    }

    /// The error as sentences for the user: what went wrong (naming the file), then [what to do](Self::advice).
    pub fn message(&self) -> String {
        let what = self.to_string();
        let mut chars = what.chars();
        let what: String = match chars.next() {
            Some(c) => c.to_uppercase().chain(chars).collect(),
            None => String::new(),
        };
        format!("{what}. {}", self.advice())
    }
}

/// What the user can do about a [`MemoryError`].
enum Remedy {
    Restart,
    CloseOther,
    FreeSpace,
    Permissions,
    Retry,
}

/// How a [`Store`] behaves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoreOptions {
    /// The most translations the memory keeps (at least 1). Beyond it the least recently used provider answers
    /// are dropped, about 1% at a time. User corrections are never dropped, but count towards the bound.
    /// Default [`DEFAULT_MAX_ENTRIES`].
    pub max_entries: usize,
    /// History lines older than this are dropped when the store opens and as lines are added (`None`: kept
    /// however old).
    pub history_max_age: Option<Duration>,
    /// The most history lines kept; the oldest go first (at least 1).
    pub history_max_rows: u64,
}

impl StoreOptions {
    /// How the store keeps things, from the `[memory]` settings.
    pub fn from_settings(m: &crate::config::MemorySettings) -> StoreOptions {
        StoreOptions {
            max_entries: m.max_entries as usize,
            history_max_age: (m.history_days > 0)
                .then(|| Duration::from_secs(u64::from(m.history_days) * 86_400)),
            history_max_rows: m.history_max_rows,
        }
    }
}

/// Opens the translation memory and history the settings ask for (none when both are off); what went wrong
/// goes into `notes` for the user, in Chinese when `zh`.
pub fn open_for(
    m: &crate::config::MemorySettings,
    zh: bool,
    notes: &mut Vec<String>,
) -> Option<std::sync::Arc<std::sync::Mutex<Store>>> {
    if !m.cache && !m.history {
        return None;
    }
    let path = default_path()?;
    match Store::open_with(&path, &StoreOptions::from_settings(m)) {
        Ok((store, aside)) => {
            if let Some(aside) = aside {
                tracing::warn!("{aside}");
                notes.push(aside.to_string());
            }
            Some(std::sync::Arc::new(std::sync::Mutex::new(store)))
        }
        Err(e) => {
            tracing::error!("translation memory unavailable: {e}");
            notes.push(if zh {
                format!("翻译记忆与历史这次无法使用（{e}）。{}", e.advice_zh())
            } else {
                format!("The translation memory and history are off this time: {e}")
            });
            None
        }
    }
}

impl Default for StoreOptions {
    fn default() -> Self {
        StoreOptions {
            max_entries: DEFAULT_MAX_ENTRIES,
            // The app passes the settings' retention (a year, 200 000 lines by default); a bare store keeps all.
            history_max_age: None,
            history_max_rows: 10_000_000,
        }
    }
}

/// `history.sqlite3` in ocrlay's data folder (on Linux `~/.local/share/ocrlay/`, on Windows
/// `%LOCALAPPDATA%\ocrlay\data\`, in portable mode `data` beside the executable; see [`crate::paths`]).
pub fn default_path() -> Option<PathBuf> {
    Some(
        crate::paths::Places::current()
            .data_dir
            .join("history.sqlite3"),
    )
}

/// Milliseconds since the Unix epoch, now.
pub fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

/// The translation memory and history, in one SQLite database. Used from one thread at a time (it is `Send`,
/// not `Sync`).
pub struct Store {
    conn: Connection,
    /// The database file, or `:memory:`.
    path: PathBuf,
    max_entries: u64,
    /// Rows in `translations` as far as this store knows (another process may have added some).
    entries: u64,
    /// Last value given to `translations.last_used`: higher is more recently used.
    clock: i64,
    /// History retention: the oldest line kept, and the most lines.
    history_max_age: Option<Duration>,
    history_max_rows: u64,
    /// Lines recorded since the last retention pass.
    since_prune: u32,
}

impl fmt::Debug for Store {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Store")
            .field("path", &self.path)
            .field("max_entries", &self.max_entries)
            .field("entries", &self.entries)
            .finish_non_exhaustive()
    }
}

impl Store {
    /// The database file (`:memory:` for an in-memory store).
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The bound on the translation memory.
    pub fn max_entries(&self) -> usize {
        self.max_entries as usize
    }

    fn db_error(&self, action: &'static str) -> impl FnOnce(rusqlite::Error) -> MemoryError + '_ {
        move |cause| MemoryError::Database {
            path: self.path.clone(),
            action,
            cause,
        }
    }

    fn tick(&mut self) -> i64 {
        self.clock += 1;
        self.clock
    }
}

/// What the unit tests of the memory's files share.
#[cfg(test)]
mod test_support {
    use super::{MemoryKey, Store, StoreOptions};

    pub(super) fn key(source: &str) -> MemoryKey {
        MemoryKey {
            provider: "openai".into(),
            model: "gpt-4o-mini".into(),
            prompt: "general-v1".into(),
            from: "ja".into(),
            to: "en".into(),
            source: source.into(),
        }
    }

    /// An in-memory store keeping at most `max_entries` translations.
    pub(super) fn store_with(max_entries: usize) -> Store {
        Store::open_in_memory(&StoreOptions {
            max_entries,
            ..StoreOptions::default()
        })
        .unwrap()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sqlite_error(code: std::ffi::c_int) -> rusqlite::Error {
        rusqlite::Error::SqliteFailure(rusqlite::ffi::Error::new(code), None)
    }

    #[test]
    fn errors_advise_by_what_sqlite_said() {
        let database = |code| MemoryError::Database {
            path: PathBuf::from("/d/history.sqlite3"),
            action: "read the history",
            cause: sqlite_error(code),
        };
        let busy = database(rusqlite::ffi::SQLITE_BUSY);
        assert!(busy.advice().contains("close it and try again"));
        assert!(busy.advice_zh().contains("请关闭它后重试"));
        assert!(database(rusqlite::ffi::SQLITE_FULL)
            .advice()
            .contains("The disk is full"));
        assert!(database(rusqlite::ffi::SQLITE_CORRUPT)
            .advice()
            .contains("moves the damaged file aside"));
        let open = MemoryError::Open {
            path: PathBuf::from("/d/history.sqlite3"),
            cause: sqlite_error(rusqlite::ffi::SQLITE_CANTOPEN),
        };
        assert!(open.advice().contains("may write to the database's folder"));
        let export = MemoryError::Export {
            cause: io::Error::other("boom"),
        };
        assert_eq!(
            export.advice(),
            "Try again; if it keeps failing, restart ocrlay."
        );
        assert_eq!(
            busy.message(),
            format!(
                "Could not read the history in the history database /d/history.sqlite3: {}. {}",
                sqlite_error(rusqlite::ffi::SQLITE_BUSY),
                busy.advice()
            )
        );
    }
}
