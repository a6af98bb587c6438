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

use crate::text::Text;
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
///
/// [`MemoryError::text`] says it with [what to do](MemoryError::advice), in either language (`memory.err.*`
/// in the string table); `Display` is what went wrong, in English.
#[derive(Debug)]
pub enum MemoryError {
    /// The folder for the database could not be created.
    CreateDir {
        /// The folder.
        path: PathBuf,
        /// The I/O error.
        cause: io::Error,
    },
    /// The database's path cannot be used as it is (a folder where the file should be, a file or folder marked
    /// read-only, permission denied). ocrlay changed nothing there.
    Unusable {
        /// The path at fault: the database file, or its folder.
        path: PathBuf,
        /// What is wrong with it.
        problem: PathProblem,
    },
    /// SQLite could not open or set up the database (disk full, locked by another program…).
    Open {
        /// The database file.
        path: PathBuf,
        /// SQLite's error.
        cause: rusqlite::Error,
    },
    /// The database was written by a newer ocrlay; it is left alone.
    NewerSchema {
        /// The database file.
        path: PathBuf,
        /// The schema version in the file.
        found: i64,
        /// The newest schema version this build knows.
        supported: i64,
    },
    /// The database was damaged and could not be moved out of the way (it is still where it was).
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
    StillDamaged {
        /// The database file.
        path: PathBuf,
        /// Where the first damaged file went.
        moved_to: PathBuf,
        /// What is wrong with the new one.
        reason: String,
    },
    /// A query or write failed on an open database.
    Database {
        /// The database file (`:memory:` for an in-memory store).
        path: PathBuf,
        /// What was being done.
        action: Action,
        /// SQLite's error.
        cause: rusqlite::Error,
    },
    /// Writing an export failed.
    Export {
        /// The I/O error (CSV and JSON errors are carried as I/O errors).
        cause: io::Error,
    },
}

/// Why the database's path cannot be used ([`MemoryError::Unusable`]). Each is found before anything is
/// changed there, and each has its own advice.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PathProblem {
    /// A folder stands where the database file should be.
    Folder,
    /// Something that is not a regular file (a device, a pipe, a socket) stands there.
    NotAFile,
    /// The database file is marked read-only. ocrlay does not make it writable: a read-only file is what its
    /// owner asked for, and a store that cannot record a line would fail on every line.
    ReadOnlyFile,
    /// The database's folder is marked read-only (or lies on a read-only disk): SQLite cannot create the
    /// database or its `-wal` and `-shm` files there. ocrlay does not make it writable.
    ReadOnlyFolder,
    /// The system refused ocrlay access (the path belongs to another user, or its permissions leave this user
    /// out).
    PermissionDenied,
}

impl PathProblem {
    /// What is wrong, naming `path`, as a sentence of the string table.
    fn what(self, path: &Path) -> Text {
        let key = match self {
            PathProblem::Folder => "memory.err.is_folder",
            PathProblem::NotAFile => "memory.err.not_a_file",
            PathProblem::ReadOnlyFile => "memory.err.read_only_file",
            PathProblem::ReadOnlyFolder => "memory.err.read_only_folder",
            PathProblem::PermissionDenied => "memory.err.permission_denied",
        };
        Text::new(key).with("path", path.display())
    }

    /// What the user can do about it.
    fn advice(self) -> Text {
        match self {
            PathProblem::Folder => Text::new("memory.advice.is_folder"),
            PathProblem::NotAFile => Text::new("memory.advice.not_a_file"),
            PathProblem::ReadOnlyFile => Text::new("memory.advice.read_only_file"),
            PathProblem::ReadOnlyFolder => Text::new("memory.advice.read_only_folder"),
            PathProblem::PermissionDenied => Text::new("memory.advice.permission_denied"),
        }
    }
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

    /// What went wrong, naming the file, as a sentence of the string table.
    pub fn what(&self) -> Text {
        match self {
            MemoryError::CreateDir { path, cause } => Text::new("memory.err.create_dir")
                .with("path", path.display())
                .with("cause", cause),
            MemoryError::Unusable { path, problem } => problem.what(path),
            MemoryError::Open { path, cause } => Text::new("memory.err.open")
                .with("path", path.display())
                .with("cause", cause),
            MemoryError::NewerSchema {
                path,
                found,
                supported,
            } => Text::new("memory.err.newer_schema")
                .with("path", path.display())
                .with("found", found)
                .with("supported", supported),
            MemoryError::MoveAside {
                from,
                to,
                reason,
                cause,
            } => Text::new("memory.err.move_aside")
                .with("from", from.display())
                .with("to", to.display())
                .with("reason", reason)
                .with("cause", cause),
            MemoryError::StillDamaged {
                path,
                moved_to,
                reason,
            } => Text::new("memory.err.still_damaged")
                .with("path", path.display())
                .with("moved_to", moved_to.display())
                .with("reason", reason),
            MemoryError::Database {
                path,
                action,
                cause,
            } => Text::new("memory.err.database")
                .with_text("action", action.text())
                .with("path", path.display())
                .with("cause", cause),
            MemoryError::Export { cause } => Text::new("memory.err.export").with("cause", cause),
        }
    }

    /// What the user can do about it, as one sentence: restart (a damaged file is then moved aside), close the
    /// other program holding the database, free disk space, check the folder's permissions, make the file or
    /// folder writable, move a folder out of the way, or try again.
    pub fn advice(&self) -> Text {
        if let MemoryError::Unusable { problem, .. } = self {
            return problem.advice();
        }
        match self.remedy() {
            Remedy::Restart => Text::new("memory.advice.restart"),
            Remedy::CloseOther => Text::new("memory.advice.close_other"),
            Remedy::FreeSpace => Text::new("memory.advice.free_space"),
            Remedy::Permissions => Text::new("memory.advice.permissions"),
            Remedy::Retry => Text::new("memory.advice.retry"),
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

    /// The error as sentences for the user: [what went wrong](Self::what) (naming the file), then
    /// [what to do](Self::advice).
    pub fn text(&self) -> Text {
        Text::new("memory.err.with_advice")
            .with_text("what", self.what())
            .with_text("advice", self.advice())
    }
}

/// What went wrong, in English, starting in lower case (it follows a colon in the log).
impl fmt::Display for MemoryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = self.what().to_string();
        let mut chars = what.chars();
        if let Some(first) = chars.next() {
            write!(f, "{}", first.to_lowercase())?;
        }
        f.write_str(chars.as_str())
    }
}

impl std::error::Error for MemoryError {}

/// What the store was doing when a query or write failed ([`MemoryError::Database`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// "Drop old history lines".
    DropOldLines,
    /// "Drop the oldest history lines".
    DropOldestLines,
    /// "Find a history line".
    FindLine,
    /// "Update a history line".
    UpdateLine,
    /// "Record a line".
    RecordLine,
    /// "Read the history".
    ReadHistory,
    /// "Count the history".
    CountHistory,
    /// "Save a corrected translation".
    SaveCorrection,
    /// "Delete a history line".
    DeleteLine,
    /// "Clear the history".
    ClearHistory,
    /// "Read the history for export".
    ReadForExport,
    /// "Look up a translation".
    LookUp,
    /// "Save a translation".
    SaveTranslation,
    /// "Count translations".
    CountTranslations,
    /// "Drop old translations".
    DropOldTranslations,
}

impl Action {
    /// What was being done, as words of the string table ("could not … in the history database").
    pub fn text(self) -> Text {
        match self {
            Action::DropOldLines => Text::new("memory.action.drop_old_lines"),
            Action::DropOldestLines => Text::new("memory.action.drop_oldest_lines"),
            Action::FindLine => Text::new("memory.action.find_line"),
            Action::UpdateLine => Text::new("memory.action.update_line"),
            Action::RecordLine => Text::new("memory.action.record_line"),
            Action::ReadHistory => Text::new("memory.action.read_history"),
            Action::CountHistory => Text::new("memory.action.count_history"),
            Action::SaveCorrection => Text::new("memory.action.save_correction"),
            Action::DeleteLine => Text::new("memory.action.delete_line"),
            Action::ClearHistory => Text::new("memory.action.clear_history"),
            Action::ReadForExport => Text::new("memory.action.read_for_export"),
            Action::LookUp => Text::new("memory.action.look_up"),
            Action::SaveTranslation => Text::new("memory.action.save_translation"),
            Action::CountTranslations => Text::new("memory.action.count_translations"),
            Action::DropOldTranslations => Text::new("memory.action.drop_old_translations"),
        }
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
    let lang = if zh { "zh" } else { "en" };
    let path = default_path()?;
    match Store::open_with(&path, &StoreOptions::from_settings(m)) {
        Ok((store, aside)) => {
            if let Some(aside) = aside {
                tracing::warn!("{aside}");
                notes.push(aside.text().render(lang));
            }
            Some(std::sync::Arc::new(std::sync::Mutex::new(store)))
        }
        Err(e) => {
            tracing::error!("translation memory unavailable: {e}");
            notes.push(
                Text::new("memory.err.off")
                    .with_text("error", e.what())
                    .with_text("advice", e.advice())
                    .render(lang),
            );
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

    fn db_error(&self, action: Action) -> impl FnOnce(rusqlite::Error) -> MemoryError + '_ {
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
    fn every_error_reads_in_both_languages() {
        let path = || PathBuf::from("/d/history.sqlite3");
        let unfilled = regex::Regex::new(r"\{\w+\}|memory\.(err|advice|action)\.").unwrap();
        for e in [
            MemoryError::CreateDir {
                path: path(),
                cause: io::Error::other("denied"),
            },
            MemoryError::Open {
                path: path(),
                cause: sqlite_error(rusqlite::ffi::SQLITE_CANTOPEN),
            },
            MemoryError::Unusable {
                path: path(),
                problem: PathProblem::Folder,
            },
            MemoryError::Unusable {
                path: path(),
                problem: PathProblem::NotAFile,
            },
            MemoryError::Unusable {
                path: path(),
                problem: PathProblem::ReadOnlyFile,
            },
            MemoryError::Unusable {
                path: path(),
                problem: PathProblem::ReadOnlyFolder,
            },
            MemoryError::Unusable {
                path: path(),
                problem: PathProblem::PermissionDenied,
            },
            MemoryError::NewerSchema {
                path: path(),
                found: 9,
                supported: 2,
            },
            MemoryError::MoveAside {
                from: path(),
                to: path(),
                reason: "not a database".into(),
                cause: io::Error::other("busy"),
            },
            MemoryError::StillDamaged {
                path: path(),
                moved_to: path(),
                reason: "not a database".into(),
            },
            MemoryError::Database {
                path: path(),
                action: Action::SaveTranslation,
                cause: sqlite_error(rusqlite::ffi::SQLITE_FULL),
            },
            MemoryError::Export {
                cause: io::Error::other("boom"),
            },
        ] {
            for lang in ["zh", "en"] {
                let s = e.text().render(lang);
                assert!(!unfilled.is_match(&s), "{s}");
                // Every sentence about a file names it.
                if !matches!(e, MemoryError::Export { .. }) {
                    assert!(s.contains("/d/history.sqlite3"), "{s}");
                }
            }
            assert!(e.to_string().starts_with(char::is_lowercase), "{e}");
        }
    }

    #[test]
    fn errors_advise_by_what_sqlite_said() {
        let database = |code| MemoryError::Database {
            path: PathBuf::from("/d/history.sqlite3"),
            action: Action::ReadHistory,
            cause: sqlite_error(code),
        };
        let busy = database(rusqlite::ffi::SQLITE_BUSY);
        assert!(busy.advice().to_string().contains("close it and try again"));
        assert!(busy.advice().render("zh").contains("请关闭它后重试"));
        assert!(database(rusqlite::ffi::SQLITE_FULL)
            .advice()
            .to_string()
            .contains("The disk is full"));
        assert!(database(rusqlite::ffi::SQLITE_CORRUPT)
            .advice()
            .to_string()
            .contains("moves the damaged file aside"));
        let open = MemoryError::Open {
            path: PathBuf::from("/d/history.sqlite3"),
            cause: sqlite_error(rusqlite::ffi::SQLITE_CANTOPEN),
        };
        assert!(open
            .advice()
            .to_string()
            .contains("may write to the database's folder"));
        let export = MemoryError::Export {
            cause: io::Error::other("boom"),
        };
        assert_eq!(
            export.advice().to_string(),
            "Try again; if it keeps failing, restart ocrlay."
        );
        assert_eq!(
            busy.text().to_string(),
            format!(
                "Could not read the history in the history database /d/history.sqlite3: {}. {}",
                sqlite_error(rusqlite::ffi::SQLITE_BUSY),
                busy.advice()
            )
        );
        assert_eq!(
            busy.text().render("zh"),
            format!(
                "无法在历史数据库 /d/history.sqlite3 中读取历史记录：{}。{}",
                sqlite_error(rusqlite::ffi::SQLITE_BUSY),
                busy.advice().render("zh")
            )
        );
        // The log's English follows a colon.
        assert!(busy.to_string().starts_with("could not read the history"));
    }
}
