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

use rusqlite::config::DbConfig;
use rusqlite::types::Value;
use rusqlite::{params, params_from_iter, Connection, ErrorCode, OptionalExtension, Row};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::fmt;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// The schema this version of ocrlay writes, kept in SQLite's `user_version`.
pub const SCHEMA_VERSION: i64 = 1;

/// How many translations the memory keeps by default.
pub const DEFAULT_MAX_ENTRIES: usize = 50_000;

/// SQLite's page cache per store, in KiB (`PRAGMA cache_size` = minus this). This, not the number of lines
/// translated, bounds the memory the store uses.
pub const PAGE_CACHE_KIB: i64 = 8 * 1024;

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
                is_damage(cause)
            }
            MemoryError::StillDamaged { .. } => true,
            _ => false,
        }
    }
}

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

impl fmt::Display for MovedAside {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "The history database was damaged ({}); it was moved to {} and a new one started.",
            self.reason,
            self.to.display()
        )
    }
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

/// History lines added between two retention passes.
const PRUNE_EVERY: u32 = 500;

/// What identifies a translation in the memory: the same line sent the same way gets the same answer.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct MemoryKey {
    /// Provider id from the catalog, e.g. `"openai"`.
    pub provider: String,
    /// Model name as sent to the provider.
    pub model: String,
    /// What else shaped the answer: a prompt template id, or [`prompt_fingerprint`] of the template and glossary.
    pub prompt: String,
    /// Source language code (`"ja"`, `"auto"`…).
    pub from: String,
    /// Target language code.
    pub to: String,
    /// The text to translate, as OCR read it. The store matches it after [`normalize_source`], so callers need
    /// not normalise it (the history keeps it as given).
    pub source: String,
}

/// A translation found in the memory.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Remembered {
    /// The text to show.
    pub translation: String,
    /// Whether the user wrote it (in the history window) rather than the provider.
    pub edited: bool,
}

/// What [`Store::put`] and friends did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PutOutcome {
    /// A new row was added.
    Inserted,
    /// The row for this key was replaced.
    Replaced,
    /// The row for this key holds a user correction, which was kept; the provider's answer was not stored.
    KeptEdit,
}

/// A line to add to the history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewHistoryEntry {
    /// When it was translated, in milliseconds since the Unix epoch (see [`now_ms`]).
    pub time_ms: i64,
    /// The region's name or the game window's title.
    pub region: String,
    /// How it was translated, and the source text as OCR read it.
    pub key: MemoryKey,
    /// The translation shown.
    pub translation: String,
}

/// A line of the history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryEntry {
    /// Row id: larger is newer. Ids of deleted rows are not reused.
    pub id: i64,
    /// When it was translated, in milliseconds since the Unix epoch.
    pub time_ms: i64,
    /// The region's name or the game window's title.
    pub region: String,
    /// How it was translated, and the source text as OCR read it (not normalised). Serialised flat.
    #[serde(flatten)]
    pub key: MemoryKey,
    /// The translation (the user's, if [`edited`](Self::edited)).
    pub translation: String,
    /// Whether the user corrected the translation.
    pub edited: bool,
}

/// Which history lines to list, count or export. The default is every line.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct HistoryQuery {
    /// Only lines whose source or translation contains this text (case-insensitive for ASCII letters; `%` and
    /// `_` are literal). Empty means no filter.
    pub search: Option<String>,
    /// Only lines from this region or window title (exact).
    pub region: Option<String>,
    /// Only lines older than this id: the next page after a page ending in this id.
    pub before_id: Option<i64>,
    /// At most this many lines; `None` for all.
    pub limit: Option<usize>,
    /// Skip this many lines first (newest first).
    pub offset: usize,
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

/// A CSV cell a spreadsheet will not evaluate: text starting with a formula character gets a leading `'`
/// (OWASP's advice for CSV injection).
fn spreadsheet_safe(cell: &str) -> std::borrow::Cow<'_, str> {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        std::borrow::Cow::Owned(format!("'{cell}"))
    } else {
        std::borrow::Cow::Borrowed(cell)
    }
}

/// Milliseconds since the Unix epoch, now.
pub fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

/// A short, stable fingerprint (32 hex digits of SHA-256) of the things besides the text that shape a
/// translation, e.g. the prompt template and the glossary, for [`MemoryKey::prompt`]. Parts are length-prefixed,
/// so `["ab", "c"]` and `["a", "bc"]` differ.
pub fn prompt_fingerprint(parts: &[&str]) -> String {
    let mut hash = Sha256::new();
    for part in parts {
        hash.update((part.len() as u64).to_le_bytes());
        hash.update(part.as_bytes());
    }
    hash.finalize()[..16]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The form of a source text the memory matches on, so that OCR's whitespace noise does not cost a request:
///
/// - line breaks become `\n`; each line is trimmed and blank lines are dropped;
/// - runs of whitespace (including the ideographic space U+3000) within a line become one space, and a space
///   between two CJK characters (kana, kanji/hanzi, CJK punctuation, full-width forms) is dropped — Hangul is
///   not included, since Korean spaces carry meaning;
/// - full-width ASCII letters and digits (`Ａ`, `１`) become ASCII; full-width punctuation is kept;
/// - zero-width spaces, word joiners and byte-order marks are dropped.
///
/// Unicode normalisation (NFC) is not applied.
pub fn normalize_source(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.split(['\n', '\r']) {
        let mut line_out = String::with_capacity(line.len());
        let mut prev: Option<char> = None;
        let mut pending_space = false;
        for c in line.chars().map(fold_width) {
            if is_invisible(c) {
                continue;
            }
            if c.is_whitespace() {
                pending_space = prev.is_some();
                continue;
            }
            if pending_space {
                if !prev.is_some_and(|p| is_cjk(p) && is_cjk(c)) {
                    line_out.push(' ');
                }
                pending_space = false;
            }
            line_out.push(c);
            prev = Some(c);
        }
        if !line_out.is_empty() {
            if !out.is_empty() {
                out.push('\n');
            }
            out.push_str(&line_out);
        }
    }
    out
}

/// Full-width ASCII letters and digits to ASCII.
fn fold_width(c: char) -> char {
    match c {
        '０'..='９' | 'Ａ'..='Ｚ' | 'ａ'..='ｚ' => {
            char::from_u32(c as u32 - 0xFEE0).unwrap_or(c)
        }
        _ => c,
    }
}

/// Characters that OCR or copy-paste leave in text without showing anything.
fn is_invisible(c: char) -> bool {
    matches!(c, '\u{200B}' | '\u{2060}' | '\u{FEFF}')
}

/// Scripts written without spaces between words (Chinese, Japanese), with their punctuation.
fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x2E80..=0x2FDF       // CJK radicals
        | 0x3000..=0x30FF     // CJK punctuation, hiragana, katakana
        | 0x31F0..=0x31FF     // katakana phonetic extensions
        | 0x3200..=0x33FF     // enclosed CJK, CJK compatibility
        | 0x3400..=0x4DBF     // CJK extension A
        | 0x4E00..=0x9FFF     // CJK unified ideographs
        | 0xF900..=0xFAFF     // CJK compatibility ideographs
        | 0xFE30..=0xFE4F     // CJK compatibility forms
        | 0xFF00..=0xFF9F     // full-width punctuation, half-width katakana
        | 0x20000..=0x3134F // CJK extensions B–G
    )
}

/// `ms` (milliseconds since the Unix epoch) as an RFC 3339 UTC time with milliseconds,
/// e.g. `2024-02-29T23:59:59.999Z`. Valid for years 0 to 9999.
pub fn format_rfc3339_utc(ms: i64) -> String {
    let secs = ms.div_euclid(1000);
    let milli = ms.rem_euclid(1000);
    let (year, month, day) = civil_from_days(secs.div_euclid(86_400));
    let sod = secs.rem_euclid(86_400);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{milli:03}Z",
        sod / 3600,
        sod % 3600 / 60,
        sod % 60
    )
}

/// Days since 1970-01-01 to a proleptic Gregorian (year, month, day) — Howard Hinnant's `civil_from_days`.
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// `text` as a LIKE pattern matching it anywhere, with `\` as the escape character.
fn like_contains(text: &str) -> String {
    let mut pattern = String::with_capacity(text.len() + 2);
    pattern.push('%');
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    pattern
}

fn is_damage(e: &rusqlite::Error) -> bool {
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

/// Whether a write may replace a user correction, and whether it is one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Origin {
    /// A provider's answer; a user correction for the key is kept.
    Provider,
    /// A provider's answer that replaces a user correction too.
    ProviderForced,
    /// The user's correction.
    User,
}

const KEY_WHERE: &str =
    "provider = ?1 AND model = ?2 AND prompt = ?3 AND src_lang = ?4 AND dst_lang = ?5 AND source = ?6";

const HISTORY_COLUMNS: &str =
    "id, time_ms, region, source, translation, provider, model, prompt, src_lang, dst_lang, edited";

/// The export's columns, in order.
const EXPORT_HEADER: [&str; 9] = [
    "time",
    "region",
    "source",
    "translation",
    "provider",
    "model",
    "from",
    "to",
    "edited",
];

/// One line of a JSON export.
#[derive(Serialize)]
struct ExportRow<'a> {
    time: String,
    region: &'a str,
    source: &'a str,
    translation: &'a str,
    provider: &'a str,
    model: &'a str,
    from: &'a str,
    to: &'a str,
    edited: bool,
}

impl<'a> From<&'a HistoryEntry> for ExportRow<'a> {
    fn from(e: &'a HistoryEntry) -> Self {
        ExportRow {
            time: format_rfc3339_utc(e.time_ms),
            region: &e.region,
            source: &e.key.source,
            translation: &e.translation,
            provider: &e.key.provider,
            model: &e.key.model,
            from: &e.key.from,
            to: &e.key.to,
            edited: e.edited,
        }
    }
}

fn history_row(r: &Row<'_>) -> rusqlite::Result<HistoryEntry> {
    Ok(HistoryEntry {
        id: r.get(0)?,
        time_ms: r.get(1)?,
        region: r.get(2)?,
        translation: r.get(4)?,
        key: MemoryKey {
            source: r.get(3)?,
            provider: r.get(5)?,
            model: r.get(6)?,
            prompt: r.get(7)?,
            from: r.get(8)?,
            to: r.get(9)?,
        },
        edited: r.get(10)?,
    })
}

/// The WHERE clause (possibly empty) and its arguments for `q`; paging (`before_id`) only when asked.
fn history_filter(q: &HistoryQuery, paging: bool) -> (String, Vec<Value>) {
    let mut clauses = Vec::new();
    let mut args = Vec::new();
    if let Some(search) = q.search.as_deref().filter(|s| !s.is_empty()) {
        clauses.push("(source LIKE ? ESCAPE '\\' OR translation LIKE ? ESCAPE '\\')");
        let pattern = like_contains(search);
        args.push(Value::Text(pattern.clone()));
        args.push(Value::Text(pattern));
    }
    if let Some(region) = &q.region {
        clauses.push("region = ?");
        args.push(Value::Text(region.clone()));
    }
    if let (true, Some(before)) = (paging, q.before_id) {
        clauses.push("id < ?");
        args.push(Value::Integer(before));
    }
    let sql = if clauses.is_empty() {
        String::new()
    } else {
        format!(" WHERE {}", clauses.join(" AND "))
    };
    (sql, args)
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
    /// Opens (or creates) the database at `path` with default options. See [`Store::open_with`].
    pub fn open(path: &Path) -> Result<(Store, Option<MovedAside>), MemoryError> {
        Self::open_with(path, &StoreOptions::default())
    }

    /// Opens (or creates, with its folders) the database at `path` in WAL mode, checks it and brings its schema
    /// up to date.
    ///
    /// A file that is not a database or fails `PRAGMA quick_check` is renamed to `<name>.corrupt-<unix time>`
    /// (with its `-wal`/`-shm` files) and a new database started; the second value then says so, for the user.
    /// A database from a newer ocrlay is an error and is left alone.
    pub fn open_with(
        path: &Path,
        options: &StoreOptions,
    ) -> Result<(Store, Option<MovedAside>), MemoryError> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            crate::paths::create_private_dir(dir).map_err(|cause| MemoryError::CreateDir {
                path: dir.to_path_buf(),
                cause,
            })?;
        }
        make_db_private(path);
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
        make_db_private(path);
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
        // Finding the row a line already has (a memory hit seen again) must not scan the whole history.
        conn.execute_batch(
            "CREATE INDEX IF NOT EXISTS history_source ON history (source, provider);",
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

    /// The database file (`:memory:` for an in-memory store).
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The bound on the translation memory.
    pub fn max_entries(&self) -> usize {
        self.max_entries as usize
    }

    /// Changes the bound on the translation memory, dropping least recently used rows now if it shrank.
    pub fn set_max_entries(&mut self, max_entries: usize) -> Result<(), MemoryError> {
        self.max_entries = max_entries.max(1) as u64;
        self.evict_if_needed()
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

    /// The translation remembered for `key`, if any: the user's correction if there is one, else the provider's
    /// answer. A hit marks the row as recently used.
    pub fn lookup(&mut self, key: &MemoryKey) -> Result<Option<Remembered>, MemoryError> {
        let source = normalize_source(&key.source);
        let tick = self.tick();
        let sql = format!(
            "UPDATE translations SET last_used = ?7, hits = hits + 1 WHERE {KEY_WHERE} \
             RETURNING translation, edited"
        );
        self.conn
            .prepare_cached(&sql)
            .and_then(|mut s| {
                s.query_row(
                    params![
                        key.provider,
                        key.model,
                        key.prompt,
                        key.from,
                        key.to,
                        source,
                        tick
                    ],
                    |r| {
                        Ok(Remembered {
                            translation: r.get(0)?,
                            edited: r.get(1)?,
                        })
                    },
                )
                .optional()
            })
            .map_err(self.db_error("look up a translation"))
    }

    /// Remembers a provider's answer for `key`. A user correction for the same key is kept
    /// ([`PutOutcome::KeptEdit`]); use [`Store::put_forced`] to replace it.
    pub fn put(&mut self, key: &MemoryKey, translation: &str) -> Result<PutOutcome, MemoryError> {
        self.write_translation(key, translation, Origin::Provider)
    }

    /// Remembers a provider's answer for `key`, replacing a user correction too (for "translate again").
    pub fn put_forced(
        &mut self,
        key: &MemoryKey,
        translation: &str,
    ) -> Result<PutOutcome, MemoryError> {
        self.write_translation(key, translation, Origin::ProviderForced)
    }

    /// Remembers the user's own translation for `key`: it wins over providers' answers from now on.
    pub fn put_edit(
        &mut self,
        key: &MemoryKey,
        translation: &str,
    ) -> Result<PutOutcome, MemoryError> {
        self.write_translation(key, translation, Origin::User)
    }

    fn write_translation(
        &mut self,
        key: &MemoryKey,
        translation: &str,
        origin: Origin,
    ) -> Result<PutOutcome, MemoryError> {
        let tick = self.tick();
        let outcome = self
            .conn
            .transaction()
            .and_then(|tx| {
                let outcome = upsert(&tx, key, translation, origin, tick)?;
                tx.commit()?;
                Ok(outcome)
            })
            .map_err(self.db_error("save a translation"))?;
        self.after_write(outcome)?;
        Ok(outcome)
    }

    fn after_write(&mut self, outcome: PutOutcome) -> Result<(), MemoryError> {
        if outcome == PutOutcome::Inserted {
            self.entries += 1;
            self.evict_if_needed()?;
        }
        Ok(())
    }

    /// Forgets the translation remembered for `key` (the provider's or the user's), so the next lookup misses.
    /// Returns whether there was one.
    pub fn forget(&mut self, key: &MemoryKey) -> Result<bool, MemoryError> {
        let source = normalize_source(&key.source);
        let sql = format!("DELETE FROM translations WHERE {KEY_WHERE}");
        let n = self
            .conn
            .execute(
                &sql,
                params![
                    key.provider,
                    key.model,
                    key.prompt,
                    key.from,
                    key.to,
                    source
                ],
            )
            .map_err(self.db_error("forget a translation"))?;
        self.entries = self.entries.saturating_sub(n as u64);
        Ok(n > 0)
    }

    /// How many translations the memory holds.
    pub fn translation_count(&self) -> Result<u64, MemoryError> {
        self.conn
            .query_row("SELECT COUNT(*) FROM translations", [], |r| {
                r.get::<_, i64>(0)
            })
            .map(|n| n.max(0) as u64)
            .map_err(self.db_error("count translations"))
    }

    /// Drops least recently used provider answers once the memory holds more than the bound, down to 1% under
    /// it, so the work happens once per that many inserts.
    fn evict_if_needed(&mut self) -> Result<(), MemoryError> {
        if self.entries <= self.max_entries {
            return Ok(());
        }
        let actual = self.translation_count()?;
        self.entries = actual;
        if actual <= self.max_entries {
            return Ok(());
        }
        let low_water = self.max_entries - self.max_entries / 100;
        let excess = actual - low_water;
        let deleted = self
            .conn
            .execute(
                "DELETE FROM translations WHERE id IN \
                 (SELECT id FROM translations WHERE edited = 0 ORDER BY last_used LIMIT ?1)",
                [excess as i64],
            )
            .map_err(self.db_error("drop old translations"))?;
        self.entries = actual.saturating_sub(deleted as u64);
        tracing::debug!(deleted, left = self.entries, "translation memory trimmed");
        Ok(())
    }

    /// Drops the history lines past the retention limits (age, then count, oldest first); returns how many.
    pub fn prune_history(&mut self) -> Result<usize, MemoryError> {
        self.since_prune = 0;
        let mut dropped = 0;
        if let Some(age) = self.history_max_age {
            let age_ms = i64::try_from(age.as_millis()).unwrap_or(i64::MAX);
            let cutoff = now_ms().saturating_sub(age_ms);
            dropped += self
                .conn
                .execute("DELETE FROM history WHERE time_ms < ?1", params![cutoff])
                .map_err(self.db_error("drop old history lines"))?;
        }
        let keep = i64::try_from(self.history_max_rows).unwrap_or(i64::MAX);
        dropped += self
            .conn
            .execute(
                "DELETE FROM history WHERE id <= \
                 (SELECT id FROM history ORDER BY id DESC LIMIT 1 OFFSET ?1)",
                params![keep],
            )
            .map_err(self.db_error("drop the oldest history lines"))?;
        if dropped > 0 {
            tracing::debug!(dropped, "history trimmed to its retention");
        }
        Ok(dropped)
    }

    /// A line answered again from the translation memory: its latest history line is brought up to now
    /// instead of a new one (the history shows each line once, not each time the memory answered it). Added
    /// like [`Store::record`] when the history does not have it. Returns the line's id.
    pub fn record_again(&mut self, entry: &NewHistoryEntry) -> Result<i64, MemoryError> {
        let k = &entry.key;
        let existing: Option<i64> = self
            .conn
            .prepare_cached(
                "SELECT id FROM history WHERE source = ?1 AND provider = ?2 AND model = ?3 AND prompt = ?4 \
                 AND src_lang = ?5 AND dst_lang = ?6 AND region = ?7 ORDER BY id DESC LIMIT 1",
            )
            .and_then(|mut s| {
                s.query_row(
                    params![k.source, k.provider, k.model, k.prompt, k.from, k.to, entry.region],
                    |r| r.get(0),
                )
                .optional()
            })
            .map_err(self.db_error("find a history line"))?;
        match existing {
            Some(id) => {
                self.conn
                    .execute(
                        "UPDATE history SET time_ms = ?1 WHERE id = ?2",
                        params![entry.time_ms, id],
                    )
                    .map_err(self.db_error("update a history line"))?;
                Ok(id)
            }
            None => self.record(entry),
        }
    }

    /// Adds a line to the history; returns its id. Every [`PRUNE_EVERY`] lines the retention limits apply.
    pub fn record(&mut self, entry: &NewHistoryEntry) -> Result<i64, MemoryError> {
        self.since_prune += 1;
        if self.since_prune >= PRUNE_EVERY {
            self.prune_history()?;
        }
        let k = &entry.key;
        self.conn
            .prepare_cached(
                "INSERT INTO history (time_ms, region, source, translation, provider, model, prompt, src_lang, \
                 dst_lang) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            )
            .and_then(|mut s| {
                s.insert(params![
                    entry.time_ms,
                    entry.region,
                    k.source,
                    entry.translation,
                    k.provider,
                    k.model,
                    k.prompt,
                    k.from,
                    k.to
                ])
            })
            .map_err(self.db_error("record a line"))
    }

    /// History lines matching `query`, newest first.
    pub fn list(&self, query: &HistoryQuery) -> Result<Vec<HistoryEntry>, MemoryError> {
        let mut out = Vec::new();
        self.for_each(query, false, |e| {
            out.push(e);
            Ok(())
        })
        .map_err(|e| match e {
            EachError::Db(cause) => self.db_error("read the history")(cause),
            EachError::Io(cause) => MemoryError::Export { cause },
        })?;
        Ok(out)
    }

    /// One history line by id.
    pub fn get(&self, id: i64) -> Result<Option<HistoryEntry>, MemoryError> {
        self.conn
            .query_row(
                &format!("SELECT {HISTORY_COLUMNS} FROM history WHERE id = ?1"),
                [id],
                history_row,
            )
            .optional()
            .map_err(self.db_error("read the history"))
    }

    /// How many history lines match `query`'s search and region (its paging fields are ignored).
    pub fn count(&self, query: &HistoryQuery) -> Result<u64, MemoryError> {
        let (filter, args) = history_filter(query, false);
        self.conn
            .query_row(
                &format!("SELECT COUNT(*) FROM history{filter}"),
                params_from_iter(args),
                |r| r.get::<_, i64>(0),
            )
            .map(|n| n.max(0) as u64)
            .map_err(self.db_error("count the history"))
    }

    /// The distinct regions and window titles in the history, sorted.
    pub fn regions(&self) -> Result<Vec<String>, MemoryError> {
        self.conn
            .prepare("SELECT DISTINCT region FROM history ORDER BY region")
            .and_then(|mut s| s.query_map([], |r| r.get(0))?.collect())
            .map_err(self.db_error("read the history"))
    }

    /// Replaces the translation of history line `id` with the user's and makes it the remembered translation for
    /// that line's source and settings, so it wins next time. Returns `false` if there is no such line.
    pub fn edit_translation(&mut self, id: i64, translation: &str) -> Result<bool, MemoryError> {
        let tick = self.tick();
        let outcome = self
            .conn
            .transaction()
            .and_then(|tx| {
                let key = tx
                    .query_row(
                        &format!("SELECT {HISTORY_COLUMNS} FROM history WHERE id = ?1"),
                        [id],
                        history_row,
                    )
                    .optional()?
                    .map(|e| e.key);
                let Some(key) = key else {
                    return Ok(None);
                };
                tx.execute(
                    "UPDATE history SET translation = ?1, edited = 1 WHERE id = ?2",
                    params![translation, id],
                )?;
                let outcome = upsert(&tx, &key, translation, Origin::User, tick)?;
                tx.commit()?;
                Ok(Some(outcome))
            })
            .map_err(self.db_error("save a corrected translation"))?;
        match outcome {
            Some(outcome) => {
                self.after_write(outcome)?;
                Ok(true)
            }
            None => Ok(false),
        }
    }

    /// Deletes history line `id` (a correction made from it stays in the memory). Returns whether it existed.
    pub fn delete(&mut self, id: i64) -> Result<bool, MemoryError> {
        self.conn
            .execute("DELETE FROM history WHERE id = ?1", [id])
            .map(|n| n > 0)
            .map_err(self.db_error("delete a history line"))
    }

    /// Deletes every history line (the translation memory stays). Returns how many there were.
    pub fn clear_history(&mut self) -> Result<u64, MemoryError> {
        self.conn
            .execute("DELETE FROM history", [])
            .map(|n| n as u64)
            .map_err(self.db_error("clear the history"))
    }

    /// Writes the history lines `query` selects to `w` as CSV, oldest first, and returns how many. The file
    /// starts with a UTF-8 byte-order mark (so spreadsheet programs read CJK text right) and a header row: `time`
    /// (RFC 3339, UTC), `region`, `source`, `translation`, `provider`, `model`, `from`, `to`, `edited`
    /// (`true`/`false`). Fields with line breaks, commas or quotes are quoted. A text cell that a spreadsheet
    /// would run as a formula (starting with `=`, `+`, `-`, `@`, a tab or a carriage return: OCR text comes from
    /// anyone's screen) gets a leading `'`, so it opens as text.
    pub fn export_csv<W: Write>(
        &self,
        mut w: W,
        query: &HistoryQuery,
    ) -> Result<usize, MemoryError> {
        let export = |cause| MemoryError::Export { cause };
        w.write_all(b"\xEF\xBB\xBF").map_err(export)?;
        let mut csv = csv::Writer::from_writer(w);
        csv.write_record(EXPORT_HEADER)
            .map_err(|e| export(e.into()))?;
        let n = self.export_each(query, |e| {
            let time = format_rfc3339_utc(e.time_ms);
            let k = &e.key;
            csv.write_record([
                time.as_str(),
                &spreadsheet_safe(&e.region),
                &spreadsheet_safe(&k.source),
                &spreadsheet_safe(&e.translation),
                &spreadsheet_safe(&k.provider),
                &spreadsheet_safe(&k.model),
                &k.from,
                &k.to,
                if e.edited { "true" } else { "false" },
            ])
            .map_err(io::Error::from)
        })?;
        csv.flush().map_err(export)?;
        Ok(n)
    }

    /// Writes the history lines `query` selects to `w` as a JSON array, oldest first, one object per line with
    /// the fields of [`Store::export_csv`] (`edited` a boolean); returns how many.
    pub fn export_json<W: Write>(
        &self,
        mut w: W,
        query: &HistoryQuery,
    ) -> Result<usize, MemoryError> {
        let export = |cause| MemoryError::Export { cause };
        w.write_all(b"[").map_err(export)?;
        let mut first = true;
        let n = self.export_each(query, |e| {
            let sep: &[u8] = if first { b"\n" } else { b",\n" };
            w.write_all(sep)?;
            first = false;
            serde_json::to_writer(&mut w, &ExportRow::from(&e)).map_err(io::Error::from)
        })?;
        let end: &[u8] = if n == 0 { b"]\n" } else { b"\n]\n" };
        w.write_all(end).map_err(export)?;
        w.flush().map_err(export)?;
        Ok(n)
    }

    fn export_each(
        &self,
        query: &HistoryQuery,
        mut f: impl FnMut(HistoryEntry) -> io::Result<()>,
    ) -> Result<usize, MemoryError> {
        let mut n = 0;
        self.for_each(query, true, |e| {
            n += 1;
            f(e)
        })
        .map_err(|e| match e {
            EachError::Db(cause) => self.db_error("read the history for export")(cause),
            EachError::Io(cause) => MemoryError::Export { cause },
        })?;
        Ok(n)
    }

    /// Runs `f` on each history line `query` selects (newest first, or oldest first among those), streaming.
    fn for_each(
        &self,
        query: &HistoryQuery,
        oldest_first: bool,
        mut f: impl FnMut(HistoryEntry) -> io::Result<()>,
    ) -> Result<(), EachError> {
        let (filter, mut args) = history_filter(query, true);
        let limit = query
            .limit
            .map_or(-1, |l| i64::try_from(l).unwrap_or(i64::MAX));
        args.push(Value::Integer(limit));
        args.push(Value::Integer(
            i64::try_from(query.offset).unwrap_or(i64::MAX),
        ));
        let mut sql = format!(
            "SELECT {HISTORY_COLUMNS} FROM history{filter} ORDER BY id DESC LIMIT ? OFFSET ?"
        );
        if oldest_first {
            sql = format!("SELECT * FROM ({sql}) ORDER BY id ASC");
        }
        let mut stmt = self.conn.prepare(&sql).map_err(EachError::Db)?;
        let mut rows = stmt.query(params_from_iter(args)).map_err(EachError::Db)?;
        while let Some(row) = rows.next().map_err(EachError::Db)? {
            f(history_row(row).map_err(EachError::Db)?).map_err(EachError::Io)?;
        }
        Ok(())
    }
}

enum EachError {
    Db(rusqlite::Error),
    Io(io::Error),
}

/// Inserts or replaces the translation for `key` within the caller's transaction.
fn upsert(
    conn: &Connection,
    key: &MemoryKey,
    translation: &str,
    origin: Origin,
    tick: i64,
) -> rusqlite::Result<PutOutcome> {
    let source = normalize_source(&key.source);
    let now = now_ms();
    let edited = origin == Origin::User;
    let existing: Option<(i64, bool)> = conn
        .prepare_cached(&format!(
            "SELECT id, edited FROM translations WHERE {KEY_WHERE}"
        ))?
        .query_row(
            params![
                key.provider,
                key.model,
                key.prompt,
                key.from,
                key.to,
                source
            ],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    match existing {
        Some((_, true)) if origin == Origin::Provider => Ok(PutOutcome::KeptEdit),
        Some((id, _)) => {
            conn.prepare_cached(
                "UPDATE translations SET translation = ?1, edited = ?2, updated_ms = ?3, last_used = ?4 \
                 WHERE id = ?5",
            )?
            .execute(params![translation, edited, now, tick, id])?;
            Ok(PutOutcome::Replaced)
        }
        None => {
            conn.prepare_cached(
                "INSERT INTO translations (provider, model, prompt, src_lang, dst_lang, source, translation, \
                 edited, created_ms, updated_ms, last_used) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9, ?10)",
            )?
            .execute(params![
                key.provider,
                key.model,
                key.prompt,
                key.from,
                key.to,
                source,
                translation,
                edited,
                now,
                tick
            ])?;
            Ok(PutOutcome::Inserted)
        }
    }
}

fn open_failure(path: &Path, cause: rusqlite::Error) -> OpenFailure {
    if is_damage(&cause) {
        OpenFailure::Damaged(cause.to_string())
    } else {
        OpenFailure::Failed(MemoryError::Open {
            path: path.to_path_buf(),
            cause,
        })
    }
}

/// `path` with `suffix` appended to its file name.
fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_os_string();
    name.push(suffix);
    PathBuf::from(name)
}

/// The database holds what OCR read from the screen: created, or made, readable by its owner only (0600 on
/// Unix). SQLite gives its `-wal`/`-shm`/`-journal` files the database file's permissions. Best effort: a
/// filesystem without permissions (a FAT stick in portable mode) still works.
fn make_db_private(path: &Path) {
    if path.exists() {
        for file in
            std::iter::once(path.to_path_buf()).chain(SIDECARS.iter().map(|s| with_suffix(path, s)))
        {
            if file.exists() {
                let _ = crate::paths::make_private(&file);
            }
        }
    } else {
        let _ = crate::paths::private_file_options()
            .write(true)
            .create_new(true)
            .open(path);
    }
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
            let _ = crate::paths::make_private(&dest);
        }
    }
    std::fs::rename(path, &to).map_err(|e| fail(path, &to, e))?;
    // The copy keeps what was read from the screen: private like the database.
    let _ = crate::paths::make_private(&to);
    Ok(to)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(source: &str) -> MemoryKey {
        MemoryKey {
            provider: "openai".into(),
            model: "gpt-4o-mini".into(),
            prompt: "general-v1".into(),
            from: "ja".into(),
            to: "en".into(),
            source: source.into(),
        }
    }

    fn memory(max_entries: usize) -> Store {
        Store::open_in_memory(&StoreOptions {
            max_entries,
            ..StoreOptions::default()
        })
        .unwrap()
    }

    #[test]
    fn normalize_collapses_whitespace_and_keeps_line_breaks() {
        assert_eq!(normalize_source("  Hello \t  world  "), "Hello world");
        assert_eq!(normalize_source("a\r\nb\rc\n\n\n d "), "a\nb\nc\nd");
        assert_eq!(normalize_source(" \n \t "), "");
        assert_eq!(
            normalize_source("Press\u{00A0}\u{00A0}Start"),
            "Press Start"
        );
    }

    #[test]
    fn normalize_drops_spaces_between_cjk_only() {
        assert_eq!(normalize_source("こんに ちは 世界"), "こんにちは世界");
        assert_eq!(
            normalize_source("今日は\u{3000}「晴れ」 です。"),
            "今日は「晴れ」です。"
        );
        assert_eq!(normalize_source("HP 回復 する"), "HP 回復する");
        // Korean word spacing is meaningful.
        assert_eq!(normalize_source("나는  학교에 간다"), "나는 학교에 간다");
        // Line breaks between CJK lines stay.
        assert_eq!(normalize_source("一行目\n二行目"), "一行目\n二行目");
    }

    #[test]
    fn normalize_folds_full_width_letters_and_digits_only() {
        assert_eq!(normalize_source("ＨＰ１００ ａｂｃ"), "HP100 abc");
        assert_eq!(normalize_source("本当？！"), "本当？！");
        assert_eq!(normalize_source("zero\u{200B}width\u{FEFF}"), "zerowidth");
    }

    #[test]
    fn normalize_is_idempotent() {
        for s in ["  a  b\n\n c ", "ＨＰ 回 復\r\nx", "「 あ 」 b"] {
            let once = normalize_source(s);
            assert_eq!(normalize_source(&once), once, "{s:?}");
        }
    }

    #[test]
    fn rfc3339_formats_known_instants() {
        assert_eq!(format_rfc3339_utc(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(
            format_rfc3339_utc(951_782_400_000),
            "2000-02-29T00:00:00.000Z"
        );
        assert_eq!(
            format_rfc3339_utc(1_709_251_199_999),
            "2024-02-29T23:59:59.999Z"
        );
        assert_eq!(
            format_rfc3339_utc(1_709_251_200_000),
            "2024-03-01T00:00:00.000Z"
        );
        assert_eq!(format_rfc3339_utc(-1), "1969-12-31T23:59:59.999Z");
        assert_eq!(
            format_rfc3339_utc(4_102_444_800_000),
            "2100-01-01T00:00:00.000Z"
        );
    }

    #[test]
    fn like_pattern_escapes_wildcards() {
        assert_eq!(like_contains("50%"), "%50\\%%");
        assert_eq!(like_contains("a_b\\c"), "%a\\_b\\\\c%");
    }

    #[test]
    fn fingerprint_is_stable_and_separates_parts() {
        let a = prompt_fingerprint(&["ab", "c"]);
        assert_eq!(a, prompt_fingerprint(&["ab", "c"]));
        assert_ne!(a, prompt_fingerprint(&["a", "bc"]));
        assert_eq!(a.len(), 32);
        assert!(a.chars().all(|c| c.is_ascii_hexdigit()));
    }

    #[test]
    fn page_cache_is_bounded_and_schema_set() {
        let store = memory(10);
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
    fn eviction_runs_in_batches_and_tracks_count() {
        let mut store = memory(200);
        for i in 0..450 {
            store.put(&key(&format!("line {i}")), "t").unwrap();
            assert!(store.entries <= 200, "after {i}: {}", store.entries);
            assert_eq!(store.entries, store.translation_count().unwrap());
        }
        let mut store = memory(200);
        for i in 0..201 {
            store.put(&key(&format!("line {i}")), "t").unwrap();
        }
        // Trimmed to 1% under the bound, so the next inserts do not trim again until it is passed.
        assert_eq!(store.entries, 198);
        store.put(&key("one more"), "t").unwrap();
        store.put(&key("and another"), "t").unwrap();
        assert_eq!(store.translation_count().unwrap(), 200);
    }

    #[test]
    fn lookup_moves_clock_forward() {
        let mut store = memory(10);
        store.put(&key("a"), "A").unwrap();
        let c0 = store.clock;
        store.lookup(&key("a")).unwrap().unwrap();
        let used: i64 = store
            .conn
            .query_row("SELECT last_used FROM translations", [], |r| r.get(0))
            .unwrap();
        assert!(used > c0);
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
