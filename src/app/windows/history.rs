//! The history window (`ui/history.html`): the window, its messages, and the answers the translation store
//! gives them.
//!
//! The page browses the history newest first, a page at a time ("load more" asks for the lines before the
//! last one shown), filtered by a search text and a region or game window. It corrects a translation (the
//! correction becomes the remembered translation for that line, so it wins next time), deletes a line, exports
//! what the filter selects to a CSV or JSON file, and clears the whole history after a confirmation. See the
//! `History` section of `ui/PROTOCOL.md`.
//!
//! [`handle`] turns one page message into its answers; it never panics, and every failure becomes a
//! [`HistoryOut::Error`] with a sentence the user can act on.

use crate::memory::{self, HistoryEntry, HistoryQuery, MemoryError, Store};
use crate::text::Text;
use serde::{Deserialize, Serialize};
use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

/// The page the history window shows.
pub const PAGE: &str = "history.html";

/// Lines per page when the page does not say.
pub const PAGE_SIZE: u32 = 100;

/// The most lines one answer carries (a larger `limit` is cut to this).
pub const MAX_LIMIT: u32 = 1000;

/// The history window's title in the UI language (`zh` or `en`).
pub fn title(ui_lang: &str) -> String {
    Text::new("history.window_title").render(ui_lang)
}

/// The file format of an export.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ExportFormat {
    /// Comma-separated values with a header row and a UTF-8 byte-order mark (see [`Store::export_csv`]).
    Csv,
    /// A JSON array of objects (see [`Store::export_json`]).
    Json,
}

impl ExportFormat {
    /// The file name extension, without the dot.
    pub fn extension(self) -> &'static str {
        match self {
            ExportFormat::Csv => "csv",
            ExportFormat::Json => "json",
        }
    }
}

/// What the user was doing when something failed, so the page can say it in the UI language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HistoryAction {
    /// Listing or searching.
    Query,
    /// Saving a corrected translation.
    Edit,
    /// Deleting a line.
    Delete,
    /// Writing an export file.
    Export,
    /// Clearing the whole history.
    Clear,
    /// Opening the export folder.
    OpenFolder,
}

/// History page → core.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum HistoryIn {
    /// The page can receive messages. [`handle`] answers nothing: the app marks the page ready and sends
    /// [`initial`].
    Ready,
    /// List the lines matching a filter, newest first.
    Query {
        /// Echoed in the answer, so the page can drop answers to queries it has since replaced.
        #[serde(default)]
        seq: u64,
        /// Only lines whose source or translation contains this (trimmed; case-insensitive for ASCII
        /// letters). Empty: every line.
        #[serde(default)]
        search: String,
        /// Only lines of this region or game window (exact); `null`: every region.
        #[serde(default)]
        region: Option<String>,
        /// Only lines older than this id (the last one shown): "load more". `null`: the first page.
        #[serde(default)]
        before_id: Option<i64>,
        /// At most this many lines (1 to [`MAX_LIMIT`]); `null`: [`PAGE_SIZE`].
        #[serde(default)]
        limit: Option<u32>,
    },
    /// Replace a line's translation with the user's; it becomes the remembered translation for that source.
    Edit {
        /// The line.
        id: i64,
        /// The user's translation (kept as typed; whitespace only is refused).
        translation: String,
    },
    /// Delete one line from the history (a correction made from it stays remembered).
    Delete {
        /// The line.
        id: i64,
    },
    /// Write the lines the filter selects (every one, oldest first) to a new file in the export folder.
    Export {
        /// CSV or JSON.
        format: ExportFormat,
        /// As in `query`.
        #[serde(default)]
        search: String,
        /// As in `query`.
        #[serde(default)]
        region: Option<String>,
        /// The user's offset from UTC in minutes (east positive; JS: `-new Date().getTimezoneOffset()`), for
        /// the time in the file name. The times inside the file are UTC either way.
        #[serde(default)]
        utc_offset_min: i32,
    },
    /// Delete every line of the history (the translation memory, with the user's corrections, stays).
    Clear {
        /// Must be `true`: the page asked the user first.
        #[serde(default)]
        confirm: bool,
    },
    /// Open the export folder in the system's file manager.
    OpenFolder,
    /// Put text on the clipboard. [`handle`] answers nothing: the app does it, as for the overlay's `copy`.
    Copy {
        /// The text.
        text: String,
    },
    /// The user corrected a line's recognised text: translate the correction (no capture) and remember it for
    /// that region's future reads, as the overlay's pencil does. [`handle`] answers nothing: the app does it.
    CorrectSource {
        /// What OCR read (the line's source as shown).
        original: String,
        /// What the user made of it.
        corrected: String,
        /// The line's region (a saved region's name, or a window title).
        #[serde(default)]
        region: String,
    },
}

/// What the history page asks of the app itself (not of the store).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HistoryRequest {
    /// Put this on the clipboard.
    Copy(String),
    /// Translate the corrected text of a line of `region`, and remember the correction.
    CorrectSource {
        /// What OCR read.
        original: String,
        /// The user's text.
        corrected: String,
        /// The line's region.
        region: String,
    },
}

/// One history line as the page shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryLine {
    /// Row id: larger is newer.
    pub id: i64,
    /// When it was translated, RFC 3339 in UTC with milliseconds.
    pub time: String,
    /// The same instant in milliseconds since the Unix epoch (the page shows it in local time).
    pub time_ms: i64,
    /// The region's name or the game window's title.
    pub region: String,
    /// The text as OCR read it.
    pub source: String,
    /// The translation (the user's if `edited`).
    pub translation: String,
    /// Provider id, e.g. `deepseek`.
    pub provider: String,
    /// Model name.
    pub model: String,
    /// Source language code.
    pub from: String,
    /// Target language code.
    pub to: String,
    /// Whether the user corrected the translation.
    pub edited: bool,
}

impl From<HistoryEntry> for HistoryLine {
    fn from(e: HistoryEntry) -> Self {
        HistoryLine {
            id: e.id,
            time: memory::format_rfc3339_utc(e.time_ms),
            time_ms: e.time_ms,
            region: e.region,
            source: e.key.source,
            translation: e.translation,
            provider: e.key.provider,
            model: e.key.model,
            from: e.key.from,
            to: e.key.to,
            edited: e.edited,
        }
    }
}

/// Core → history page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum HistoryOut {
    /// Sent first (by [`initial`]), and again when the UI language changes.
    State {
        /// `zh` or `en`.
        ui_lang: String,
        /// Where exports go.
        export_dir: String,
        /// Lines per page.
        page_size: u32,
    },
    /// A page of lines.
    Entries {
        /// The query's `seq`.
        seq: u64,
        /// Whether these follow the lines shown (`before_id` was set) rather than replace them.
        append: bool,
        /// How many lines match the filter in all.
        total: u64,
        /// Whether older matching lines remain after these.
        more: bool,
        /// Every region and window title in the history, sorted, for the filter.
        regions: Vec<String>,
        /// The lines, newest first.
        entries: Vec<HistoryLine>,
    },
    /// A translation was corrected.
    Edited {
        /// The line as it is now.
        entry: HistoryLine,
    },
    /// A line was deleted (or was already gone).
    Deleted {
        /// The line.
        id: i64,
    },
    /// An export was written.
    Exported {
        /// CSV or JSON.
        format: ExportFormat,
        /// The new file.
        path: String,
        /// How many lines it holds.
        count: u64,
    },
    /// The history was cleared.
    Cleared {
        /// How many lines were deleted.
        count: u64,
    },
    /// Lines were added elsewhere (the app sends this after recording a line while the window is open); the
    /// page lists its query again when it is not in the middle of an edit.
    Changed,
    /// Something failed; nothing was changed unless the message says so.
    Error {
        /// What the user was doing.
        action: HistoryAction,
        /// The line concerned, if one.
        id: Option<i64>,
        /// A sentence for the user (the page words it in the UI language).
        message: Text,
    },
}

/// The folder exports go to: the user's Downloads folder, else Documents, else home, else the temporary folder.
pub fn export_dir() -> PathBuf {
    directories::UserDirs::new()
        .and_then(|u| {
            u.download_dir()
                .or_else(|| u.document_dir())
                .map(Path::to_path_buf)
                .or_else(|| Some(u.home_dir().to_path_buf()))
        })
        .unwrap_or_else(std::env::temp_dir)
}

/// The history window's store work on a thread of its own, on its own connection to the database (SQLite in
/// WAL mode lets it read while the pipeline writes): a search or an export of a long history never blocks the
/// event loop, nor the pipeline's lock on its store. Answers come back through `answer`.
pub struct Worker {
    tx: std::sync::mpsc::Sender<(HistoryIn, String)>,
}

impl Worker {
    /// Opens the database at `path` on a new thread; answers go to `answer`, in order.
    pub fn start(
        path: std::path::PathBuf,
        options: crate::memory::StoreOptions,
        answer: impl Fn(Vec<HistoryOut>) + Send + 'static,
    ) -> Worker {
        let (tx, rx) = std::sync::mpsc::channel::<(HistoryIn, String)>();
        let spawned = std::thread::Builder::new()
            .name("ocrlay-history".into())
            .spawn(move || {
                let mut store = match Store::open_with(&path, &options) {
                    Ok((store, _)) => store,
                    Err(e) => {
                        tracing::warn!("history window: {e}");
                        for _ in rx {
                            answer(vec![store_error(HistoryAction::Query, None, &e)]);
                        }
                        return;
                    }
                };
                let dir = export_dir();
                for (msg, lang) in rx {
                    let out = match msg {
                        HistoryIn::Ready => initial(&store, &lang, &dir),
                        m => handle(&mut store, m, &dir),
                    };
                    answer(out);
                }
            });
        if let Err(e) = spawned {
            tracing::error!("cannot start the history thread: {e}");
        }
        Worker { tx }
    }

    /// Queues a message of the page (`lang`: the UI language).
    pub fn send(&self, msg: HistoryIn, lang: &str) {
        let _ = self.tx.send((msg, lang.to_string()));
    }
}

/// The history window (when open) and its thread.
#[derive(Default)]
pub struct HistoryWindow {
    page: Option<super::PageWindow>,
    /// Started with the window's first message.
    worker: Option<Worker>,
}

impl HistoryWindow {
    /// The window, when open.
    pub fn page(&self) -> Option<&super::PageWindow> {
        self.page.as_ref()
    }

    /// Whether `id` is this window.
    pub fn is(&self, id: tao::window::WindowId) -> bool {
        self.page.as_ref().is_some_and(|p| p.window.id() == id)
    }

    /// Opens the window, or brings it forward.
    pub fn open(
        &mut self,
        target: &tao::event_loop::EventLoopWindowTarget<crate::app::event::AppEvent>,
        proxy: &tao::event_loop::EventLoopProxy<crate::app::event::AppEvent>,
        shots: &crate::app::webview::Shots,
        ui_lang: &str,
    ) -> anyhow::Result<()> {
        if let Some(w) = &self.page {
            w.bring_forward();
            return Ok(());
        }
        let spec = super::PageSpec::framed(
            &title(ui_lang),
            PAGE,
            crate::app::event::Page::History,
            (900.0, 640.0),
            (560.0, 400.0),
        );
        self.page = Some(super::open(target, spec, proxy, shots)?);
        Ok(())
    }

    /// The window was closed.
    pub fn close(&mut self) {
        self.page = None;
    }

    /// The UI's language changed: the title, and the page (its `state` again: it words itself anew).
    pub fn set_lang(&mut self, ui_lang: &str) {
        let Some(w) = &mut self.page else {
            return;
        };
        w.window.set_title(&title(ui_lang));
        w.send(&lang_state(ui_lang, &export_dir()));
    }

    /// Hands answers to the page, if the window is open.
    pub fn send(&mut self, answers: &[HistoryOut]) {
        if let Some(w) = &mut self.page {
            for a in answers {
                w.send(a);
            }
        }
    }

    /// Handles a page message: store work goes to the history thread (started on the first message, with its
    /// own connection to the store at `store`); text to copy comes back for the app's clipboard. Without a
    /// store the page is told why.
    pub fn message(
        &mut self,
        m: HistoryIn,
        store: impl FnOnce() -> Option<(std::path::PathBuf, crate::memory::StoreOptions)>,
        ui_lang: &str,
        proxy: &tao::event_loop::EventLoopProxy<crate::app::event::AppEvent>,
    ) -> Option<HistoryRequest> {
        match m {
            HistoryIn::Copy { text } => return Some(HistoryRequest::Copy(text)),
            HistoryIn::CorrectSource {
                original,
                corrected,
                region,
            } => {
                return Some(HistoryRequest::CorrectSource {
                    original,
                    corrected,
                    region,
                })
            }
            _ => {}
        }
        if matches!(m, HistoryIn::Ready) {
            crate::probe::emit(crate::probe::Probe::PageReady {
                page: "history".into(),
            });
            if let Some(w) = &mut self.page {
                w.on_ready();
            }
        }
        // The store's place is asked for once, when the history thread starts (not on every message).
        if self.worker.is_none() {
            if let Some((path, options)) = store() {
                // Off the event loop, on the history thread's own connection.
                let proxy = std::sync::Mutex::new(proxy.clone());
                self.worker = Some(Worker::start(path, options, move |out| {
                    if let Ok(p) = proxy.lock() {
                        let _ = p.send_event(crate::app::event::AppEvent::ToHistory(out));
                    }
                }));
            }
        }
        match &self.worker {
            Some(worker) => worker.send(m, ui_lang),
            None => {
                self.send(&[HistoryOut::Error {
                    action: HistoryAction::Query,
                    id: None,
                    message: Text::new("history.err_no_store"),
                }]);
            }
        }
        None
    }
}

/// What the app sends once the page is ready: the [`HistoryOut::State`] and the first page of every line.
pub fn initial(store: &Store, ui_lang: &str, export_dir: &Path) -> Vec<HistoryOut> {
    vec![
        lang_state(ui_lang, export_dir),
        query(store, 0, "", None, None, None),
    ]
}

/// The [`HistoryOut::State`] for `ui_lang`: first, and again when the UI's language changes.
fn lang_state(ui_lang: &str, export_dir: &Path) -> HistoryOut {
    HistoryOut::State {
        ui_lang: if ui_lang == "zh" { "zh" } else { "en" }.into(),
        export_dir: export_dir.display().to_string(),
        page_size: PAGE_SIZE,
    }
}

/// Answers one message of the page. Exports are written into `export_dir` (created if missing).
pub fn handle(store: &mut Store, msg: HistoryIn, export_dir: &Path) -> Vec<HistoryOut> {
    match msg {
        HistoryIn::Ready | HistoryIn::Copy { .. } | HistoryIn::CorrectSource { .. } => Vec::new(),
        HistoryIn::Query {
            seq,
            search,
            region,
            before_id,
            limit,
        } => vec![query(store, seq, &search, region, before_id, limit)],
        HistoryIn::Edit { id, translation } => vec![edit(store, id, &translation)],
        HistoryIn::Delete { id } => vec![match store.delete(id) {
            Ok(_) => HistoryOut::Deleted { id },
            Err(e) => store_error(HistoryAction::Delete, Some(id), &e),
        }],
        HistoryIn::Export {
            format,
            search,
            region,
            utc_offset_min,
        } => {
            let q = filter(&search, region);
            let now = memory::now_ms().saturating_add(i64::from(utc_offset_min) * 60_000);
            vec![match export(store, format, &q, export_dir, now) {
                Ok((path, count)) => HistoryOut::Exported {
                    format,
                    path: path.display().to_string(),
                    count: count as u64,
                },
                Err(message) => HistoryOut::Error {
                    action: HistoryAction::Export,
                    id: None,
                    message,
                },
            }]
        }
        HistoryIn::Clear { confirm: false } => vec![HistoryOut::Error {
            action: HistoryAction::Clear,
            id: None,
            message: Text::new("history.err_unconfirmed"),
        }],
        HistoryIn::Clear { confirm: true } => vec![match store.clear_history() {
            Ok(count) => HistoryOut::Cleared { count },
            Err(e) => store_error(HistoryAction::Clear, None, &e),
        }],
        HistoryIn::OpenFolder => match open_folder(export_dir) {
            Ok(()) => Vec::new(),
            Err(message) => vec![HistoryOut::Error {
                action: HistoryAction::OpenFolder,
                id: None,
                message,
            }],
        },
    }
}

/// The store's filter for a search text and region.
fn filter(search: &str, region: Option<String>) -> HistoryQuery {
    let search = search.trim();
    HistoryQuery {
        search: (!search.is_empty()).then(|| search.to_string()),
        region,
        ..HistoryQuery::default()
    }
}

fn query(
    store: &Store,
    seq: u64,
    search: &str,
    region: Option<String>,
    before_id: Option<i64>,
    limit: Option<u32>,
) -> HistoryOut {
    let limit = limit.unwrap_or(PAGE_SIZE).clamp(1, MAX_LIMIT) as usize;
    let mut q = filter(search, region);
    q.before_id = before_id;
    // One more than asked tells whether older lines remain.
    q.limit = Some(limit + 1);
    let answer = store.list(&q).and_then(|mut entries| {
        let more = entries.len() > limit;
        entries.truncate(limit);
        Ok(HistoryOut::Entries {
            seq,
            append: before_id.is_some(),
            total: store.count(&q)?,
            more,
            regions: store.regions()?,
            entries: entries.into_iter().map(HistoryLine::from).collect(),
        })
    });
    answer.unwrap_or_else(|e| store_error(HistoryAction::Query, None, &e))
}

fn edit(store: &mut Store, id: i64, translation: &str) -> HistoryOut {
    let error = |message: Text| HistoryOut::Error {
        action: HistoryAction::Edit,
        id: Some(id),
        message,
    };
    if translation.trim().is_empty() {
        return error(Text::new("history.err_empty_edit"));
    }
    match store.edit_translation(id, translation) {
        Ok(false) => error(Text::new("history.err_line_gone")),
        Ok(true) => match store.get(id) {
            Ok(Some(entry)) => HistoryOut::Edited {
                entry: entry.into(),
            },
            Ok(None) => error(Text::new("history.err_saved_line_gone")),
            Err(e) => store_error(HistoryAction::Edit, Some(id), &e),
        },
        Err(e) => store_error(HistoryAction::Edit, Some(id), &e),
    }
}

/// A store failure for the page.
fn store_error(action: HistoryAction, id: Option<i64>, e: &MemoryError) -> HistoryOut {
    HistoryOut::Error {
        action,
        id,
        message: Text::new("history.err_store").with_text("detail", e.text()),
    }
}

/// `ocrlay-history-YYYYMMDD-HHMMSS` for the instant `ms` (already shifted to the user's time zone).
fn export_stem(ms: i64) -> String {
    // 2024-02-29T23:59:59.999Z
    let t = memory::format_rfc3339_utc(ms);
    let digits = |r: std::ops::Range<usize>| t.get(r).unwrap_or("00").to_string();
    format!(
        "ocrlay-history-{}{}{}-{}{}{}",
        digits(0..4),
        digits(5..7),
        digits(8..10),
        digits(11..13),
        digits(14..16),
        digits(17..19)
    )
}

/// Creates a new file `<stem>.<ext>` in `dir`, or `<stem>-1.<ext>`, `-2`… if taken: an existing file is never
/// opened, so never overwritten. `None` when a thousand such names are taken.
fn create_new(dir: &Path, stem: &str, ext: &str) -> io::Result<Option<(PathBuf, File)>> {
    for n in 0..1000 {
        let name = if n == 0 {
            format!("{stem}.{ext}")
        } else {
            format!("{stem}-{n}.{ext}")
        };
        let path = dir.join(name);
        // Exports hold what OCR read from the screen: readable by the user alone.
        match crate::paths::private_file_options()
            .write(true)
            .create_new(true)
            .open(&path)
        {
            Ok(file) => return Ok(Some((path, file))),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
    }
    Ok(None)
}

/// Writes the lines `q` selects to a new file in `dir` named for `now_ms`; returns the file and the count, or
/// what went wrong.
fn export(
    store: &Store,
    format: ExportFormat,
    q: &HistoryQuery,
    dir: &Path,
    now_ms: i64,
) -> Result<(PathBuf, usize), Text> {
    std::fs::create_dir_all(dir).map_err(|e| {
        Text::new("history.err_export_folder")
            .with("dir", dir.display())
            .with("error", e)
    })?;
    let stem = export_stem(now_ms);
    let cannot_create = Text::new("history.err_export_file").with("dir", dir.display());
    let (path, file) = match create_new(dir, &stem, format.extension()) {
        Ok(Some(created)) => created,
        Ok(None) => {
            return Err(cannot_create.with_text(
                "error",
                Text::new("history.err_export_names_taken").with("stem", stem),
            ))
        }
        Err(e) => return Err(cannot_create.with("error", e)),
    };
    let mut w = BufWriter::new(file);
    let written = match format {
        ExportFormat::Csv => store.export_csv(&mut w, q),
        ExportFormat::Json => store.export_json(&mut w, q),
    }
    .and_then(|n| {
        w.flush()
            .and_then(|()| w.get_ref().sync_all())
            .map(|()| n)
            .map_err(|cause| MemoryError::Export { cause })
    });
    match written {
        Ok(n) => Ok((path, n)),
        Err(e) => {
            drop(w);
            // A half-written file would look like a complete export; it is ours (just created), so remove it.
            let _ = std::fs::remove_file(&path);
            Err(match e {
                MemoryError::Export { cause } => Text::new("history.err_export_write")
                    .with("path", path.display())
                    .with("error", cause),
                other => Text::new("history.err_store").with_text("detail", other.text()),
            })
        }
    }
}

fn open_folder(dir: &Path) -> Result<(), Text> {
    std::fs::create_dir_all(dir).map_err(|e| {
        Text::new("history.err_folder")
            .with("dir", dir.display())
            .with("error", e)
    })?;
    open::that_detached(dir).map_err(|e| {
        Text::new("history.err_open_folder")
            .with("dir", dir.display())
            .with("error", e)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::memory::{MemoryKey, NewHistoryEntry, StoreOptions};
    use serde_json::json;

    const HOSTILE: &str =
        "<script>alert(1)</script><img src=x onerror=alert(2)></div>\"; DROP TABLE history;--, 100% a_b\n二行目";

    fn key(source: &str) -> MemoryKey {
        MemoryKey {
            provider: "deepseek".into(),
            model: "deepseek-chat".into(),
            prompt: "general-v1".into(),
            from: "ja".into(),
            to: "zh-CN".into(),
            source: source.into(),
        }
    }

    fn store() -> Store {
        Store::open_in_memory(&StoreOptions::default()).unwrap()
    }

    #[test]
    fn the_worker_answers_on_its_own_connection_in_order() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("history.sqlite3");
        // The pipeline's store writes a line; the worker's own connection sees it.
        let (mut writer, _) = Store::open(&path).unwrap();
        record(&mut writer, 1_000, "Game", "城の話", "城堡的事");
        let (tx, rx) = std::sync::mpsc::channel();
        let tx = std::sync::Mutex::new(tx);
        let worker = Worker::start(path, StoreOptions::default(), move |out| {
            let _ = tx.lock().unwrap().send(out);
        });
        worker.send(HistoryIn::Ready, "en");
        worker.send(
            HistoryIn::Query {
                seq: 7,
                search: "城".into(),
                region: None,
                before_id: None,
                limit: None,
            },
            "en",
        );
        let wait = || rx.recv_timeout(std::time::Duration::from_secs(10)).unwrap();
        let first = wait();
        assert!(matches!(first[0], HistoryOut::State { .. }), "{first:?}");
        let second = wait();
        let v = serde_json::to_value(&second[0]).unwrap();
        assert_eq!(v["seq"], 7, "{v}");
        assert_eq!(v["entries"][0]["source"], "城の話", "{v}");
    }

    fn record(store: &mut Store, t: i64, region: &str, source: &str, translation: &str) -> i64 {
        store
            .record(&NewHistoryEntry {
                time_ms: t,
                region: region.into(),
                key: key(source),
                translation: translation.into(),
            })
            .unwrap()
    }

    /// 25 lines: even ones from "Ys", odd ones from "Region 1"; source `line N`, translation `行 N`.
    fn filled() -> Store {
        let mut s = store();
        for i in 0..25 {
            let region = if i % 2 == 0 { "Ys" } else { "Region 1" };
            record(
                &mut s,
                1_700_000_000_000 + i,
                region,
                &format!("line {i}"),
                &format!("行 {i}"),
            );
        }
        s
    }

    fn q(search: &str, region: Option<&str>, before_id: Option<i64>, limit: u32) -> HistoryIn {
        HistoryIn::Query {
            seq: 9,
            search: search.into(),
            region: region.map(String::from),
            before_id,
            limit: Some(limit),
        }
    }

    fn entries(out: Vec<HistoryOut>) -> (u64, bool, bool, Vec<HistoryLine>) {
        match out.as_slice() {
            [HistoryOut::Entries {
                seq: 9,
                total,
                more,
                append,
                entries,
                ..
            }] => (*total, *more, *append, entries.clone()),
            other => panic!("not entries: {other:?}"),
        }
    }

    fn ids(lines: &[HistoryLine]) -> Vec<i64> {
        lines.iter().map(|l| l.id).collect()
    }

    fn no_dir() -> PathBuf {
        PathBuf::from("/nonexistent/ocrlay-test-export")
    }

    #[test]
    fn pages_newest_first_until_no_more() {
        let mut s = filled();
        let (total, more, append, page1) =
            entries(handle(&mut s, q("", None, None, 10), &no_dir()));
        assert_eq!((total, more, append), (25, true, false));
        assert_eq!(ids(&page1), (16..=25).rev().collect::<Vec<_>>());
        let last = page1.last().unwrap().id;
        let (total, more, append, page2) =
            entries(handle(&mut s, q("", None, Some(last), 10), &no_dir()));
        assert_eq!((total, more, append), (25, true, true));
        assert_eq!(ids(&page2), (6..=15).rev().collect::<Vec<_>>());
        let (_, more, _, page3) = entries(handle(&mut s, q("", None, Some(6), 10), &no_dir()));
        assert!(!more);
        assert_eq!(ids(&page3), (1..=5).rev().collect::<Vec<_>>());
        // Exactly a page left: no "more".
        let (_, more, _, page) = entries(handle(&mut s, q("", None, Some(11), 10), &no_dir()));
        assert_eq!((page.len(), more), (10, false));
    }

    /// Issue 24: a line answered again from the memory is brought up to now; the list stays in time order,
    /// page after page, and so does an export.
    #[test]
    fn lines_seen_again_are_listed_in_time_order() {
        let mut s = store();
        let at = |hms: i64| 1_700_000_000_000 + hms * 1000;
        // Recorded in this order (ids 1..=4); the first comes back from the memory later.
        let old = record(&mut s, at(100), "Ys", "again", "再次");
        record(&mut s, at(167), "Ys", "b", "b");
        record(&mut s, at(243), "Ys", "c", "c");
        record(&mut s, at(245), "Ys", "d", "d");
        s.record_again(&NewHistoryEntry {
            time_ms: at(216),
            region: "Ys".into(),
            key: key("again"),
            translation: "再次".into(),
        })
        .unwrap();
        let (_, _, _, all) = entries(handle(&mut s, q("", None, None, 10), &no_dir()));
        let times: Vec<i64> = all.iter().map(|l| l.time_ms).collect();
        assert_eq!(times, vec![at(245), at(243), at(216), at(167)], "{all:?}");
        assert_eq!(all[2].id, old);
        // Paging follows the same order: the page after the line seen again holds what is older than it.
        let (_, more, _, first) = entries(handle(&mut s, q("", None, None, 3), &no_dir()));
        assert!(more);
        let last = first.last().unwrap().id;
        assert_eq!(last, old);
        let (_, more, _, next) = entries(handle(&mut s, q("", None, Some(last), 3), &no_dir()));
        assert_eq!((ids(&next), more), (vec![2], false));
        // A page after a line deleted meanwhile still comes (by id, the best guess left).
        let c = first[1].id;
        s.delete(c).unwrap();
        let (_, _, _, after_gone) = entries(handle(&mut s, q("", None, Some(c), 3), &no_dir()));
        assert_eq!(ids(&after_gone), vec![old, 2]);
        // Exports are oldest first by time.
        let dir = tempfile::tempdir().unwrap();
        record(&mut s, at(10), "Ys", "e", "e");
        let out = handle(
            &mut s,
            HistoryIn::Export {
                format: ExportFormat::Json,
                search: String::new(),
                region: None,
                utc_offset_min: 0,
            },
            dir.path(),
        );
        let (path, _) = exported(out, ExportFormat::Json);
        let v: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        let sources: Vec<&str> = v
            .as_array()
            .unwrap()
            .iter()
            .map(|l| l["source"].as_str().unwrap())
            .collect();
        assert_eq!(sources, vec!["e", "b", "again", "d"]);
    }

    #[test]
    fn limit_is_clamped_and_defaults_to_a_page() {
        let mut s = filled();
        let (_, _, _, one) = entries(handle(&mut s, q("", None, None, 0), &no_dir()));
        assert_eq!(one.len(), 1);
        let msg: HistoryIn = serde_json::from_value(json!({"type": "query", "seq": 9})).unwrap();
        let (total, more, _, all) = entries(handle(&mut s, msg, &no_dir()));
        assert_eq!((total, more, all.len()), (25, false, 25));
        assert_eq!(PAGE_SIZE.clamp(1, MAX_LIMIT), PAGE_SIZE);
    }

    #[test]
    fn search_matches_source_or_translation_and_region_filters() {
        let mut s = filled();
        // "line 1" matches 1, 10…19.
        let (total, _, _, found) =
            entries(handle(&mut s, q("  LINE 1 ", None, None, 50), &no_dir()));
        assert_eq!(total, 11);
        assert!(found.iter().all(|l| l.source.starts_with("line 1")));
        let (total, _, _, found) = entries(handle(&mut s, q("行 2", None, None, 50), &no_dir()));
        assert_eq!(total, 6, "行 2, 行 20…24");
        assert!(found.iter().all(|l| l.translation.starts_with("行 2")));
        let (total, _, _, found) = entries(handle(&mut s, q("", Some("Ys"), None, 50), &no_dir()));
        assert_eq!(total, 13);
        assert!(found.iter().all(|l| l.region == "Ys"));
        let (total, _, _, found) = entries(handle(
            &mut s,
            q("line 1", Some("Region 1"), None, 50),
            &no_dir(),
        ));
        assert_eq!(total, 6, "1, 11, 13, 15, 17, 19");
        assert!(found.iter().all(|l| l.region == "Region 1"));
        let (total, more, _, found) = entries(handle(&mut s, q("%", None, None, 50), &no_dir()));
        assert_eq!((total, more, found.len()), (0, false, 0), "% is literal");
        match handle(&mut s, q("", None, None, 1), &no_dir()).as_slice() {
            [HistoryOut::Entries { regions, .. }] => assert_eq!(regions, &["Region 1", "Ys"]),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn initial_sends_state_then_the_first_page() {
        let s = filled();
        let out = initial(&s, "zh", Path::new("/home/u/Downloads"));
        assert_eq!(
            out[0],
            HistoryOut::State {
                ui_lang: "zh".into(),
                export_dir: "/home/u/Downloads".into(),
                page_size: PAGE_SIZE
            }
        );
        match &out[1] {
            HistoryOut::Entries {
                seq: 0,
                append: false,
                total: 25,
                more: false,
                entries,
                ..
            } => assert_eq!(entries.len(), 25),
            other => panic!("{other:?}"),
        }
        assert!(
            matches!(&initial(&s, "fr", &no_dir())[0], HistoryOut::State { ui_lang, .. } if ui_lang == "en")
        );
    }

    #[test]
    fn an_edit_wins_next_time() {
        let mut s = store();
        let k = key("今日は いい天気");
        s.put(&k, "Provider's answer").unwrap();
        let id = record(&mut s, 1, "Ys", &k.source, "Provider's answer");
        let out = handle(
            &mut s,
            HistoryIn::Edit {
                id,
                translation: "今天天气真好".into(),
            },
            &no_dir(),
        );
        match out.as_slice() {
            [HistoryOut::Edited { entry }] => {
                assert_eq!(entry.id, id);
                assert_eq!(entry.translation, "今天天气真好");
                assert!(entry.edited);
            }
            other => panic!("{other:?}"),
        }
        let hit = s.lookup(&k).unwrap().unwrap();
        assert_eq!(hit.translation, "今天天气真好");
        assert!(hit.edited);
        // The same line read with OCR's whitespace noise, and a provider answering again: the edit still wins.
        s.put(&k, "Another answer").unwrap();
        let hit = s.lookup(&key("今日は  いい天気 ")).unwrap().unwrap();
        assert_eq!(hit.translation, "今天天气真好");
    }

    #[test]
    fn edit_refuses_blank_and_missing_lines() {
        let mut s = filled();
        let out = handle(
            &mut s,
            HistoryIn::Edit {
                id: 3,
                translation: " \n ".into(),
            },
            &no_dir(),
        );
        assert!(matches!(
            out.as_slice(),
            [HistoryOut::Error { action: HistoryAction::Edit, id: Some(3), message }] if message.key == "history.err_empty_edit"
        ));
        assert_eq!(s.get(3).unwrap().unwrap().translation, "行 2");
        let out = handle(
            &mut s,
            HistoryIn::Edit {
                id: 999,
                translation: "x".into(),
            },
            &no_dir(),
        );
        assert!(matches!(
            out.as_slice(),
            [HistoryOut::Error { action: HistoryAction::Edit, id: Some(999), message }] if message.to_string().contains("no longer")
        ));
    }

    #[test]
    fn delete_removes_one_line() {
        let mut s = filled();
        assert_eq!(
            handle(&mut s, HistoryIn::Delete { id: 7 }, &no_dir()),
            vec![HistoryOut::Deleted { id: 7 }]
        );
        assert!(s.get(7).unwrap().is_none());
        let (total, _, _, lines) = entries(handle(&mut s, q("", None, None, 100), &no_dir()));
        assert_eq!(total, 24);
        assert!(!ids(&lines).contains(&7));
        // Deleting again is not an error: the page just drops the row.
        assert_eq!(
            handle(&mut s, HistoryIn::Delete { id: 7 }, &no_dir()),
            vec![HistoryOut::Deleted { id: 7 }]
        );
    }

    #[test]
    fn clear_needs_confirmation() {
        let mut s = filled();
        let out = handle(&mut s, HistoryIn::Clear { confirm: false }, &no_dir());
        assert!(matches!(
            out.as_slice(),
            [HistoryOut::Error {
                action: HistoryAction::Clear,
                ..
            }]
        ));
        assert_eq!(s.count(&HistoryQuery::default()).unwrap(), 25);
        let out = handle(&mut s, HistoryIn::Clear { confirm: true }, &no_dir());
        assert_eq!(out, vec![HistoryOut::Cleared { count: 25 }]);
        let (total, more, _, lines) = entries(handle(&mut s, q("", None, None, 10), &no_dir()));
        assert_eq!((total, more, lines.len()), (0, false, 0));
    }

    #[test]
    fn ready_and_copy_are_for_the_app() {
        let mut s = filled();
        assert!(handle(&mut s, HistoryIn::Ready, &no_dir()).is_empty());
        assert!(handle(&mut s, HistoryIn::Copy { text: "x".into() }, &no_dir()).is_empty());
    }

    fn exported(out: Vec<HistoryOut>, format: ExportFormat) -> (PathBuf, u64) {
        match out.as_slice() {
            [HistoryOut::Exported {
                format: f,
                path,
                count,
            }] if *f == format => (PathBuf::from(path), *count),
            other => panic!("not exported: {other:?}"),
        }
    }

    #[test]
    fn export_csv_writes_the_filtered_lines_oldest_first() {
        let mut s = filled();
        let dir = tempfile::tempdir().unwrap();
        let out_dir = dir.path().join("new").join("Downloads");
        let msg = HistoryIn::Export {
            format: ExportFormat::Csv,
            search: "line 1".into(),
            region: Some("Region 1".into()),
            utc_offset_min: 480,
        };
        let (path, count) = exported(handle(&mut s, msg, &out_dir), ExportFormat::Csv);
        assert_eq!(count, 6);
        assert_eq!(path.parent().unwrap(), out_dir, "created the folder");
        let name = path.file_name().unwrap().to_str().unwrap();
        assert!(
            name.starts_with("ocrlay-history-") && name.ends_with(".csv") && name.len() == 34,
            "{name}"
        );
        let text = std::fs::read_to_string(&path).unwrap();
        let text = text.strip_prefix('\u{FEFF}').expect("byte-order mark");
        let mut lines = text.lines();
        assert_eq!(
            lines.next().unwrap(),
            "time,region,source,translation,provider,model,from,to,edited"
        );
        assert_eq!(
            lines.next().unwrap(),
            "2023-11-14T22:13:20.001Z,Region 1,line 1,行 1,deepseek,deepseek-chat,ja,zh-CN,false"
        );
        assert_eq!(lines.count(), 5);
    }

    #[test]
    fn export_json_parses_and_keeps_hostile_text_literally() {
        let mut s = store();
        let id = record(&mut s, 0, HOSTILE, HOSTILE, HOSTILE);
        handle(
            &mut s,
            HistoryIn::Edit {
                id,
                translation: format!("{HOSTILE} (edited)"),
            },
            &no_dir(),
        );
        let dir = tempfile::tempdir().unwrap();
        let msg = HistoryIn::Export {
            format: ExportFormat::Json,
            search: String::new(),
            region: None,
            utc_offset_min: 0,
        };
        let (path, count) = exported(handle(&mut s, msg, dir.path()), ExportFormat::Json);
        assert_eq!(count, 1);
        let v: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        assert_eq!(
            v,
            json!([{
                "time": "1970-01-01T00:00:00.000Z", "region": HOSTILE, "source": HOSTILE,
                "translation": format!("{HOSTILE} (edited)"), "provider": "deepseek", "model": "deepseek-chat",
                "from": "ja", "to": "zh-CN", "edited": true
            }])
        );
        // CSV too: the csv crate reads back exactly what was stored.
        let msg = HistoryIn::Export {
            format: ExportFormat::Csv,
            search: "DROP TABLE".into(),
            region: Some(HOSTILE.into()),
            utc_offset_min: 0,
        };
        let (path, _) = exported(handle(&mut s, msg, dir.path()), ExportFormat::Csv);
        let bytes = std::fs::read(&path).unwrap();
        let mut r = csv::Reader::from_reader(&bytes[3..]);
        let row = r.records().next().unwrap().unwrap();
        assert_eq!(&row[1], HOSTILE);
        assert_eq!(&row[2], HOSTILE);
        assert_eq!(row[3], format!("{HOSTILE} (edited)"));
        // And the page gets the text as it is, inside JSON strings.
        let (_, _, _, lines) = entries(handle(&mut s, q(HOSTILE, None, None, 5), &no_dir()));
        assert_eq!(lines[0].source, HOSTILE);
        let script = crate::app::windows::script_for(&HistoryOut::Entries {
            seq: 1,
            append: false,
            total: 1,
            more: false,
            regions: vec![HOSTILE.into()],
            entries: lines,
        });
        // evaluate_script runs JavaScript, not HTML, so `</script>` inside the JSON string is inert; the JSON
        // part reads back as the same text.
        let json = &script["window.ocrlay && window.ocrlay.receive(".len()..script.len() - 2];
        let v: serde_json::Value = serde_json::from_str(json).unwrap();
        assert_eq!(v["entries"][0]["source"], HOSTILE);
        assert_eq!(v["regions"][0], HOSTILE);
    }

    #[test]
    fn export_never_overwrites() {
        let s = filled();
        let dir = tempfile::tempdir().unwrap();
        let now = 1_709_251_199_000; // 2024-02-29T23:59:59Z
        let stem = dir.path().join("ocrlay-history-20240229-235959");
        std::fs::write(stem.with_extension("csv"), "precious").unwrap();
        let all = HistoryQuery::default();
        let (p1, n) = export(&s, ExportFormat::Csv, &all, dir.path(), now).unwrap();
        assert_eq!(n, 25);
        assert_eq!(p1, dir.path().join("ocrlay-history-20240229-235959-1.csv"));
        let (p2, _) = export(&s, ExportFormat::Csv, &all, dir.path(), now).unwrap();
        assert_eq!(p2, dir.path().join("ocrlay-history-20240229-235959-2.csv"));
        let (p3, _) = export(&s, ExportFormat::Json, &all, dir.path(), now).unwrap();
        assert_eq!(p3, dir.path().join("ocrlay-history-20240229-235959.json"));
        assert_eq!(
            std::fs::read_to_string(stem.with_extension("csv")).unwrap(),
            "precious"
        );
    }

    #[test]
    fn export_into_an_unwritable_place_is_a_sentence() {
        let mut s = filled();
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("a file");
        std::fs::write(&file, "x").unwrap();
        let msg = HistoryIn::Export {
            format: ExportFormat::Csv,
            search: String::new(),
            region: None,
            utc_offset_min: 0,
        };
        match handle(&mut s, msg, &file.join("sub")).as_slice() {
            [HistoryOut::Error {
                action: HistoryAction::Export,
                id: None,
                message,
            }] => {
                let message = message.to_string();
                assert!(
                    message.starts_with("Could not create the folder"),
                    "{message}"
                );
                assert!(message.contains("a file"), "{message}");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn export_stem_uses_the_shifted_time() {
        assert_eq!(
            export_stem(1_709_251_199_999),
            "ocrlay-history-20240229-235959"
        );
        assert_eq!(export_stem(0), "ocrlay-history-19700101-000000");
    }

    #[test]
    fn store_errors_read_as_sentences_with_advice() {
        let e = MemoryError::Database {
            path: PathBuf::from("/d/history.sqlite3"),
            action: crate::memory::Action::ReadHistory,
            cause: rusqlite::Error::SqliteFailure(
                rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_BUSY),
                None,
            ),
        };
        match store_error(HistoryAction::Query, None, &e) {
            HistoryOut::Error { message, .. } => {
                let message = message.to_string();
                assert!(
                    message.starts_with(
                        "Could not read the history in the history database /d/history.sqlite3"
                    ),
                    "{message}"
                );
                assert!(message.contains("close it and try again"), "{message}");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn export_dir_is_absolute() {
        assert!(export_dir().is_absolute() || export_dir() == std::env::temp_dir());
    }

    #[test]
    fn messages_in_match_the_protocol() {
        let cases = [
            (json!({"type": "ready"}), HistoryIn::Ready),
            (
                json!({"type": "correct_source", "original": "魔土", "corrected": "魔王", "region": "Dialogue"}),
                HistoryIn::CorrectSource {
                    original: "魔土".into(),
                    corrected: "魔王".into(),
                    region: "Dialogue".into(),
                },
            ),
            (
                json!({"type": "query", "seq": 4, "search": "勇者", "region": "Ys", "before_id": 120, "limit": 100}),
                HistoryIn::Query {
                    seq: 4,
                    search: "勇者".into(),
                    region: Some("Ys".into()),
                    before_id: Some(120),
                    limit: Some(100),
                },
            ),
            (
                json!({"type": "edit", "id": 42, "translation": "你好"}),
                HistoryIn::Edit {
                    id: 42,
                    translation: "你好".into(),
                },
            ),
            (
                json!({"type": "delete", "id": 42}),
                HistoryIn::Delete { id: 42 },
            ),
            (
                json!({"type": "export", "format": "json", "search": "", "region": null, "utc_offset_min": 480}),
                HistoryIn::Export {
                    format: ExportFormat::Json,
                    search: String::new(),
                    region: None,
                    utc_offset_min: 480,
                },
            ),
            (
                json!({"type": "clear", "confirm": true}),
                HistoryIn::Clear { confirm: true },
            ),
            (json!({"type": "open_folder"}), HistoryIn::OpenFolder),
            (
                json!({"type": "copy", "text": "x"}),
                HistoryIn::Copy { text: "x".into() },
            ),
        ];
        for (v, msg) in cases {
            assert_eq!(serde_json::from_value::<HistoryIn>(v.clone()).unwrap(), msg);
            assert_eq!(serde_json::to_value(&msg).unwrap(), v);
        }
        // Optional fields may be left out.
        assert_eq!(
            serde_json::from_value::<HistoryIn>(json!({"type": "query"})).unwrap(),
            HistoryIn::Query {
                seq: 0,
                search: String::new(),
                region: None,
                before_id: None,
                limit: None
            }
        );
        assert_eq!(
            serde_json::from_value::<HistoryIn>(json!({"type": "clear"})).unwrap(),
            HistoryIn::Clear { confirm: false }
        );
        for bad in [
            json!({"type": "export", "format": "xlsx"}),
            json!({"type": "edit", "id": "1; DROP", "translation": "x"}),
            json!({"type": "rm_rf"}),
        ] {
            assert!(serde_json::from_value::<HistoryIn>(bad).is_err());
        }
    }

    #[test]
    fn messages_out_match_the_protocol() {
        let line = HistoryLine {
            id: 42,
            time: "2024-03-02T06:32:05.120Z".into(),
            time_ms: 1_709_361_125_120,
            region: "Ys".into(),
            source: "勇者よ".into(),
            translation: "勇者啊".into(),
            provider: "deepseek".into(),
            model: "deepseek-chat".into(),
            from: "ja".into(),
            to: "zh-CN".into(),
            edited: false,
        };
        let line_json = json!({"id": 42, "time": "2024-03-02T06:32:05.120Z", "time_ms": 1_709_361_125_120_i64,
            "region": "Ys", "source": "勇者よ", "translation": "勇者啊", "provider": "deepseek",
            "model": "deepseek-chat", "from": "ja", "to": "zh-CN", "edited": false});
        let cases = [
            (
                HistoryOut::State {
                    ui_lang: "zh".into(),
                    export_dir: "/home/u/Downloads".into(),
                    page_size: 100,
                },
                json!({"type": "state", "ui_lang": "zh", "export_dir": "/home/u/Downloads", "page_size": 100}),
            ),
            (
                HistoryOut::Entries {
                    seq: 4,
                    append: false,
                    total: 1,
                    more: false,
                    regions: vec!["Ys".into()],
                    entries: vec![line.clone()],
                },
                json!({"type": "entries", "seq": 4, "append": false, "total": 1, "more": false,
                       "regions": ["Ys"], "entries": [line_json.clone()]}),
            ),
            (
                HistoryOut::Edited {
                    entry: line.clone(),
                },
                json!({"type": "edited", "entry": line_json}),
            ),
            (
                HistoryOut::Deleted { id: 42 },
                json!({"type": "deleted", "id": 42}),
            ),
            (
                HistoryOut::Exported {
                    format: ExportFormat::Csv,
                    path: "/home/u/Downloads/ocrlay-history-20240302-143205.csv".into(),
                    count: 12,
                },
                json!({"type": "exported", "format": "csv",
                       "path": "/home/u/Downloads/ocrlay-history-20240302-143205.csv", "count": 12}),
            ),
            (
                HistoryOut::Cleared { count: 25 },
                json!({"type": "cleared", "count": 25}),
            ),
            (HistoryOut::Changed, json!({"type": "changed"})),
            (
                HistoryOut::Error {
                    action: HistoryAction::OpenFolder,
                    id: None,
                    message: Text::new("history.err_folder").with("dir", "/d"),
                },
                json!({"type": "error", "action": "open_folder", "id": null,
                       "message": {"key": "history.err_folder", "params": {"dir": "/d"}}}),
            ),
        ];
        for (msg, v) in cases {
            assert_eq!(serde_json::to_value(&msg).unwrap(), v);
            assert_eq!(serde_json::from_value::<HistoryOut>(v).unwrap(), msg);
        }
    }

    #[test]
    fn the_page_is_embedded() {
        for name in [PAGE, "history.js", "history.css", "window.css", "common.js"] {
            assert!(
                crate::app::webview::UI_FILES
                    .iter()
                    .any(|(n, _)| *n == name),
                "{name} is not in UI_FILES"
            );
        }
    }

    #[test]
    fn title_follows_the_language() {
        assert_eq!(title("zh"), "ocrlay 历史记录");
        assert_eq!(title("en"), "ocrlay history");
    }
}
