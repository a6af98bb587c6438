//! The database file: schema, opening, damaged-file detection and moving a damaged file aside, and the
//! file's private permissions.
//!
//! Permissions follow one rule: ocrlay makes private what it creates (the folder 0700, the database 0600, so
//! SQLite's `-wal` and `-shm` files are 0600 too) and otherwise only takes the group's and others' access away
//! from its own database files. It never changes a folder it did not create, never touches what is not a
//! regular file, and never widens a permission: a database or folder marked read-only is refused with a
//! sentence naming it ([`PathProblem`]) and left exactly as it is.

use super::{MemoryError, PathProblem, Store, StoreOptions, PAGE_CACHE_KIB};
use crate::text::Text;
use rusqlite::config::DbConfig;
use rusqlite::{Connection, ErrorCode};
use std::fmt;
use std::io;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// The schema this version of ocrlay writes, kept in SQLite's `user_version`.
pub const SCHEMA_VERSION: i64 = 1;

/// How long a write waits for another ocrlay process holding the database before giving up.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// The WAL file is truncated back to this size (bytes) after a checkpoint.
const JOURNAL_SIZE_LIMIT: i64 = 4 * 1024 * 1024;

/// Files SQLite keeps next to a database; they move aside with it.
const SIDECARS: [&str; 3] = ["-wal", "-shm", "-journal"];

/// Version 1: the translation memory and the history.
const SCHEMA_V1: &str = "
CREATE TABLE translations (
    id          INTEGER PRIMARY KEY,
    provider    TEXT NOT NULL,
    model       TEXT NOT NULL,
    prompt      TEXT NOT NULL,
    src_lang    TEXT NOT NULL,
    dst_lang    TEXT NOT NULL,
    source      TEXT NOT NULL,
    translation TEXT NOT NULL,
    edited      INTEGER NOT NULL DEFAULT 0,
    created_ms  INTEGER NOT NULL,
    updated_ms  INTEGER NOT NULL,
    last_used   INTEGER NOT NULL,
    hits        INTEGER NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX translations_key
    ON translations (provider, model, prompt, src_lang, dst_lang, source);
CREATE INDEX translations_lru ON translations (edited, last_used);
CREATE TABLE history (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    time_ms     INTEGER NOT NULL,
    region      TEXT NOT NULL,
    source      TEXT NOT NULL,
    translation TEXT NOT NULL,
    provider    TEXT NOT NULL,
    model       TEXT NOT NULL,
    prompt      TEXT NOT NULL,
    src_lang    TEXT NOT NULL,
    dst_lang    TEXT NOT NULL,
    edited      INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX history_region ON history (region, id);
";

/// What [`Store::open`] did with a damaged database: the user should be told.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MovedAside {
    /// Where the database was (and where the new, empty one now is).
    pub from: PathBuf,
    /// Where the damaged file is now (its `-wal`/`-shm` files, if any, sit next to it with those suffixes).
    pub to: PathBuf,
    /// What was wrong, in SQLite's words.
    pub reason: String,
}

impl MovedAside {
    /// What happened, for the user, as a sentence of the string table.
    pub fn text(&self) -> Text {
        Text::new("memory.err.moved_aside")
            .with("reason", &self.reason)
            .with("path", self.to.display())
    }
}

/// What happened, in English.
impl fmt::Display for MovedAside {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.text().fmt(f)
    }
}

pub(super) fn is_damage(e: &rusqlite::Error) -> bool {
    matches!(
        e.sqlite_error_code(),
        Some(ErrorCode::NotADatabase | ErrorCode::DatabaseCorrupt)
    )
}

/// Why opening failed: damage (move the file aside and start again) or anything else (give up).
enum OpenFailure {
    Damaged(String),
    Failed(MemoryError),
}

impl Store {
    /// Opens (or creates) the database at `path` with default options. See [`Store::open_with`].
    pub fn open(path: &Path) -> Result<(Store, Option<MovedAside>), MemoryError> {
        Self::open_with(path, &StoreOptions::default())
    }

    /// Opens (or creates, with its folders) the database at `path` in WAL mode, checks it and brings its schema
    /// up to date.
    ///
    /// A file that is not a database or fails `PRAGMA quick_check` is renamed to `<name>.corrupt-<unix time>`
    /// (with its `-wal`/`-shm` files) and a new database started; the second value then says so, for the user.
    /// A database from a newer ocrlay is an error and is left alone, and so is a path that cannot be used as it
    /// is ([`MemoryError::Unusable`]: a folder where the file should be, a file or folder marked read-only,
    /// permission denied).
    pub fn open_with(
        path: &Path,
        options: &StoreOptions,
    ) -> Result<(Store, Option<MovedAside>), MemoryError> {
        prepare_folder(path)?;
        let reason = match Self::try_open(path, options) {
            Ok(store) => return Ok((store, None)),
            Err(OpenFailure::Failed(e)) => return Err(e),
            Err(OpenFailure::Damaged(reason)) => reason,
        };
        let to = move_aside(path, &reason)?;
        tracing::warn!(
            from = %path.display(),
            to = %to.display(),
            %reason,
            "history database damaged; moved aside, starting a new one"
        );
        match Self::try_open(path, options) {
            Ok(store) => Ok((
                store,
                Some(MovedAside {
                    from: path.to_path_buf(),
                    to,
                    reason,
                }),
            )),
            Err(OpenFailure::Failed(e)) => Err(e),
            Err(OpenFailure::Damaged(reason)) => Err(MemoryError::StillDamaged {
                path: path.to_path_buf(),
                moved_to: to,
                reason,
            }),
        }
    }

    /// A store that lives in memory only (for tests and for running without a data directory).
    pub fn open_in_memory(options: &StoreOptions) -> Result<Store, MemoryError> {
        let path = PathBuf::from(":memory:");
        let conn = Connection::open_in_memory().map_err(|cause| MemoryError::Open {
            path: path.clone(),
            cause,
        })?;
        match Self::init(conn, path, options) {
            Ok(store) => Ok(store),
            Err(OpenFailure::Failed(e)) => Err(e),
            Err(OpenFailure::Damaged(reason)) => Err(MemoryError::StillDamaged {
                path: PathBuf::from(":memory:"),
                moved_to: PathBuf::from(":memory:"),
                reason,
            }),
        }
    }

    fn try_open(path: &Path, options: &StoreOptions) -> Result<Store, OpenFailure> {
        prepare_file(path).map_err(OpenFailure::Failed)?;
        let conn = Connection::open(path).map_err(|e| open_failure(path, e))?;
        Self::init(conn, path.to_path_buf(), options)
    }

    /// Sets up a fresh connection. On failure `conn` is dropped (closed) before returning, so the file can be
    /// renamed.
    fn init(
        mut conn: Connection,
        path: PathBuf,
        options: &StoreOptions,
    ) -> Result<Store, OpenFailure> {
        let fail = |e| open_failure(&path, e);
        conn.busy_timeout(BUSY_TIMEOUT).map_err(fail)?;
        // Until the file has passed the checks below, closing this connection must not checkpoint a WAL into
        // it or delete the WAL: a damaged file is moved aside as found.
        conn.set_db_config(DbConfig::SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, true)
            .map_err(fail)?;
        conn.pragma_update(None, "cache_size", -PAGE_CACHE_KIB)
            .map_err(fail)?;

        // Read-only checks first. The first read of the file fails for a file that is not a database.
        let version: i64 = conn
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .map_err(fail)?;
        if version > SCHEMA_VERSION {
            return Err(OpenFailure::Failed(MemoryError::NewerSchema {
                path,
                found: version,
                supported: SCHEMA_VERSION,
            }));
        }
        let problems: Vec<String> = conn
            .prepare("PRAGMA quick_check(5)")
            .and_then(|mut s| {
                s.query_map([], |r| r.get::<_, String>(0))?
                    .collect::<rusqlite::Result<_>>()
            })
            .map_err(fail)?;
        if problems.len() != 1 || problems[0] != "ok" {
            return Err(OpenFailure::Damaged(problems.join("; ")));
        }

        conn.set_db_config(DbConfig::SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, false)
            .map_err(fail)?;
        let mode: String = conn
            .pragma_update_and_check(None, "journal_mode", "WAL", |r| r.get(0))
            .map_err(fail)?;
        if !mode.eq_ignore_ascii_case("wal") && !mode.eq_ignore_ascii_case("memory") {
            tracing::warn!(path = %path.display(), %mode, "history database is not in WAL mode");
        }
        conn.pragma_update(None, "synchronous", "NORMAL")
            .map_err(fail)?;
        conn.pragma_update(None, "journal_size_limit", JOURNAL_SIZE_LIMIT)
            .map_err(fail)?;

        if version < 1 {
            let tx = conn.transaction().map_err(fail)?;
            tx.execute_batch(SCHEMA_V1).map_err(fail)?;
            tx.pragma_update(None, "user_version", SCHEMA_VERSION)
                .map_err(fail)?;
            tx.commit().map_err(fail)?;
        }

        let (entries, clock): (i64, i64) = conn
            .query_row(
                "SELECT COUNT(*), COALESCE(MAX(last_used), 0) FROM translations",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .map_err(fail)?;
        // Finding the row a line already has (a memory hit seen again) must not scan the whole history, nor
        // listing it newest first (by time: a line seen again is brought up to now).
        conn.execute_batch(
            "CREATE INDEX IF NOT EXISTS history_source ON history (source, provider);
             CREATE INDEX IF NOT EXISTS history_time ON history (time_ms, id);",
        )
        .map_err(fail)?;
        let mut store = Store {
            conn,
            path,
            max_entries: options.max_entries.max(1) as u64,
            entries: entries.max(0) as u64,
            clock,
            history_max_age: options.history_max_age,
            history_max_rows: options.history_max_rows.max(1),
            since_prune: 0,
        };
        store.evict_if_needed().map_err(OpenFailure::Failed)?;
        store.prune_history().map_err(OpenFailure::Failed)?;
        Ok(store)
    }
}

fn open_failure(path: &Path, cause: rusqlite::Error) -> OpenFailure {
    if is_damage(&cause) {
        return OpenFailure::Damaged(cause.to_string());
    }
    let refused = matches!(
        cause.sqlite_error_code(),
        Some(ErrorCode::CannotOpen | ErrorCode::PermissionDenied | ErrorCode::ReadOnly)
    );
    // SQLite says only "unable to open database file": ask the file system which path refused and why.
    if let Some(found) = refused.then(|| diagnose(path)).flatten() {
        return OpenFailure::Failed(found);
    }
    OpenFailure::Failed(MemoryError::Open {
        path: path.to_path_buf(),
        cause,
    })
}

/// `path`'s problem as a [`MemoryError::Unusable`].
fn unusable(path: &Path, problem: PathProblem) -> MemoryError {
    MemoryError::Unusable {
        path: path.to_path_buf(),
        problem,
    }
}

/// The folder of the database at `path`, if the path names one.
fn folder_of(path: &Path) -> Option<&Path> {
    path.parent().filter(|d| !d.as_os_str().is_empty())
}

/// The database's folder: created, private (0700), with its missing parents when it is missing; left exactly
/// as it is when it exists, and refused when it is marked read-only (SQLite could create neither the database
/// nor its `-wal` and `-shm` files in it).
fn prepare_folder(path: &Path) -> Result<(), MemoryError> {
    let Some(dir) = folder_of(path) else {
        return Ok(());
    };
    if crate::paths::dir_is_read_only(dir) {
        return Err(unusable(dir, PathProblem::ReadOnlyFolder));
    }
    crate::paths::create_private_dir(dir).map_err(|cause| match cause.kind() {
        io::ErrorKind::ReadOnlyFilesystem => unusable(dir, PathProblem::ReadOnlyFolder),
        _ => MemoryError::CreateDir {
            path: dir.to_path_buf(),
            cause,
        },
    })
}

/// Checks the database's path before SQLite opens it, changing nothing a user set:
///
/// - a folder, or anything else that is not a regular file, is refused (and not touched);
/// - a file marked read-only is refused and stays read-only;
/// - an existing database and its `-wal`/`-shm`/`-journal` files lose the group's and others' access, nothing
///   more ([`crate::paths::tighten`]; older versions left them 0644);
/// - a missing database is created here, 0600, so SQLite's own files get the same mode.
///
/// Best effort where the file system has no permissions (a FAT stick in portable mode): that still works.
fn prepare_file(path: &Path) -> Result<(), MemoryError> {
    match std::fs::metadata(path) {
        Ok(meta) => {
            if let Some(problem) = problem_of(&meta) {
                return Err(unusable(path, problem));
            }
            for file in std::iter::once(path.to_path_buf())
                .chain(SIDECARS.iter().map(|s| with_suffix(path, s)))
            {
                let _ = crate::paths::tighten(&file);
            }
            Ok(())
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            match crate::paths::private_file_options()
                .write(true)
                .create_new(true)
                .open(path)
            {
                Err(e) => match refusal(&e) {
                    // Which path refused: the folder ocrlay may not create the file in.
                    Some(problem) => Err(unusable(folder_of(path).unwrap_or(path), problem)),
                    // Anything else (another process created it meanwhile, a full disk…): SQLite tries and
                    // says what it finds.
                    None => Ok(()),
                },
                Ok(_) => Ok(()),
            }
        }
        Err(e) => match refusal(&e) {
            Some(problem) => Err(unusable(path, problem)),
            None => Ok(()),
        },
    }
}

/// What is wrong with an existing path for a database, if anything.
fn problem_of(meta: &std::fs::Metadata) -> Option<PathProblem> {
    if meta.is_dir() {
        Some(PathProblem::Folder)
    } else if !meta.is_file() {
        Some(PathProblem::NotAFile)
    } else if meta.permissions().readonly() {
        Some(PathProblem::ReadOnlyFile)
    } else {
        None
    }
}

/// The [`PathProblem`] an I/O error stands for, when it is a refusal a user can act on.
fn refusal(e: &io::Error) -> Option<PathProblem> {
    match e.kind() {
        io::ErrorKind::PermissionDenied => Some(PathProblem::PermissionDenied),
        io::ErrorKind::ReadOnlyFilesystem => Some(PathProblem::ReadOnlyFolder),
        _ => None,
    }
}

/// After SQLite refused to open or write `path`: which path the file system refuses and why, when it says.
/// Opens the file for reading and writing to ask, and writes nothing.
fn diagnose(path: &Path) -> Option<MemoryError> {
    if path == Path::new(":memory:") {
        return None;
    }
    if let Some(dir) = folder_of(path).filter(|d| crate::paths::dir_is_read_only(d)) {
        return Some(unusable(dir, PathProblem::ReadOnlyFolder));
    }
    match std::fs::metadata(path) {
        Ok(meta) => {
            if let Some(problem) = problem_of(&meta) {
                return Some(unusable(path, problem));
            }
        }
        Err(e) => return refusal(&e).map(|problem| unusable(path, problem)),
    }
    match std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open(path)
    {
        Err(e) => match e.kind() {
            io::ErrorKind::ReadOnlyFilesystem => Some(unusable(
                folder_of(path).unwrap_or(path),
                PathProblem::ReadOnlyFolder,
            )),
            _ => refusal(&e).map(|problem| unusable(path, problem)),
        },
        // The file itself may be written: SQLite could not make its -wal/-shm files next to it. Its own words
        // say that best.
        Ok(_) => None,
    }
}

/// `path` with `suffix` appended to its file name.
fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_os_string();
    name.push(suffix);
    PathBuf::from(name)
}

/// Renames the damaged database at `path` (and its -wal/-shm/-journal files, first, so a stale WAL can never be
/// replayed into the new database) to a free `<name>.corrupt-<unix time>[-n]`. Nothing is deleted.
fn move_aside(path: &Path, reason: &str) -> Result<PathBuf, MemoryError> {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let base = with_suffix(path, &format!(".corrupt-{secs}"));
    let taken = |p: &Path| p.exists() || SIDECARS.iter().any(|s| with_suffix(p, s).exists());
    let mut to = base.clone();
    let mut n = 1;
    while taken(&to) {
        to = with_suffix(&base, &format!("-{n}"));
        n += 1;
    }
    let fail = |from: &Path, dest: &Path, cause| MemoryError::MoveAside {
        from: from.to_path_buf(),
        to: dest.to_path_buf(),
        reason: reason.to_string(),
        cause,
    };
    for suffix in SIDECARS {
        let from = with_suffix(path, suffix);
        if from.exists() {
            let dest = with_suffix(&to, suffix);
            std::fs::rename(&from, &dest).map_err(|e| fail(&from, &dest, e))?;
            let _ = crate::paths::tighten(&dest);
        }
    }
    std::fs::rename(path, &to).map_err(|e| fail(path, &to, e))?;
    // The copy keeps what was read from the screen: private like the database (a read-only one stays so).
    let _ = crate::paths::tighten(&to);
    Ok(to)
}

#[cfg(test)]
mod tests {
    use super::super::test_support::store_with;
    use super::*;

    #[test]
    fn page_cache_is_bounded_and_schema_set() {
        let store = store_with(10);
        let cache_size: i64 = store
            .conn
            .pragma_query_value(None, "cache_size", |r| r.get(0))
            .unwrap();
        assert_eq!(cache_size, -PAGE_CACHE_KIB);
        let version: i64 = store
            .conn
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .unwrap();
        assert_eq!(version, SCHEMA_VERSION);
    }

    #[test]
    fn file_store_is_wal_with_normal_sync() {
        let dir = tempfile::tempdir().unwrap();
        let (store, moved) = Store::open(&dir.path().join("h.sqlite3")).unwrap();
        assert!(moved.is_none());
        let mode: String = store
            .conn
            .pragma_query_value(None, "journal_mode", |r| r.get(0))
            .unwrap();
        assert_eq!(mode, "wal");
        let sync: i64 = store
            .conn
            .pragma_query_value(None, "synchronous", |r| r.get(0))
            .unwrap();
        assert_eq!(sync, 1, "NORMAL");
    }

    #[test]
    fn moved_aside_message_reads_as_a_sentence() {
        let m = MovedAside {
            from: PathBuf::from("/d/history.sqlite3"),
            to: PathBuf::from("/d/history.sqlite3.corrupt-1"),
            reason: "file is not a database".into(),
        };
        assert_eq!(
            m.to_string(),
            "The history database was damaged (file is not a database); it was moved to \
             /d/history.sqlite3.corrupt-1 and a new one started."
        );
    }

    #[test]
    fn with_suffix_appends_to_file_name() {
        assert_eq!(
            with_suffix(Path::new("/a/b.sqlite3"), "-wal"),
            PathBuf::from("/a/b.sqlite3-wal")
        );
    }
}
