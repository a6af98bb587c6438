//! The history: one row per translated line, newest first, with search, paging, retention, corrections
//! and deletion.

use super::translations::{upsert, Origin};
use super::{now_ms, Action, MemoryError, MemoryKey, Store};
use rusqlite::types::Value;
use rusqlite::{params, params_from_iter, OptionalExtension, Row};
use serde::{Deserialize, Serialize};
use std::io;

/// History lines added between two retention passes.
const PRUNE_EVERY: u32 = 500;

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
    /// Only lines listed after the line with this id (older, or as old with a smaller id): the next page
    /// after a page ending in this line.
    pub before_id: Option<i64>,
    /// At most this many lines; `None` for all.
    pub limit: Option<usize>,
    /// Skip this many lines first (newest first, by time).
    pub offset: usize,
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

const HISTORY_COLUMNS: &str =
    "id, time_ms, region, source, translation, provider, model, prompt, src_lang, dst_lang, edited";

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

/// Where the next page starts: the line the last page ended with, by its time and id (the order of the list).
#[derive(Debug, Clone, Copy)]
enum Cursor {
    /// Lines listed after this one: older, or as old with a smaller id.
    After { time_ms: i64, id: i64 },
    /// The line is gone (deleted meanwhile): lines with a smaller id, the best guess left.
    BeforeId(i64),
}

/// The WHERE clause (possibly empty) and its arguments for `q`; paging (from `cursor`) only when given.
fn history_filter(q: &HistoryQuery, cursor: Option<Cursor>) -> (String, Vec<Value>) {
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
    match cursor {
        Some(Cursor::After { time_ms, id }) => {
            clauses.push("(time_ms < ? OR (time_ms = ? AND id < ?))");
            args.extend([
                Value::Integer(time_ms),
                Value::Integer(time_ms),
                Value::Integer(id),
            ]);
        }
        Some(Cursor::BeforeId(id)) => {
            clauses.push("id < ?");
            args.push(Value::Integer(id));
        }
        None => {}
    }
    let sql = if clauses.is_empty() {
        String::new()
    } else {
        format!(" WHERE {}", clauses.join(" AND "))
    };
    (sql, args)
}

impl Store {
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
                .map_err(self.db_error(Action::DropOldLines))?;
        }
        let keep = i64::try_from(self.history_max_rows).unwrap_or(i64::MAX);
        dropped += self
            .conn
            .execute(
                "DELETE FROM history WHERE id <= \
                 (SELECT id FROM history ORDER BY id DESC LIMIT 1 OFFSET ?1)",
                params![keep],
            )
            .map_err(self.db_error(Action::DropOldestLines))?;
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
            .map_err(self.db_error(Action::FindLine))?;
        match existing {
            Some(id) => {
                self.conn
                    .execute(
                        "UPDATE history SET time_ms = ?1 WHERE id = ?2",
                        params![entry.time_ms, id],
                    )
                    .map_err(self.db_error(Action::UpdateLine))?;
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
            .map_err(self.db_error(Action::RecordLine))
    }

    /// History lines matching `query`, newest first (by time, then id).
    pub fn list(&self, query: &HistoryQuery) -> Result<Vec<HistoryEntry>, MemoryError> {
        let mut out = Vec::new();
        self.for_each(query, false, |e| {
            out.push(e);
            Ok(())
        })
        .map_err(|e| match e {
            EachError::Db(cause) => self.db_error(Action::ReadHistory)(cause),
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
            .map_err(self.db_error(Action::ReadHistory))
    }

    /// How many history lines match `query`'s search and region (its paging fields are ignored).
    pub fn count(&self, query: &HistoryQuery) -> Result<u64, MemoryError> {
        let (filter, args) = history_filter(query, None);
        self.conn
            .query_row(
                &format!("SELECT COUNT(*) FROM history{filter}"),
                params_from_iter(args),
                |r| r.get::<_, i64>(0),
            )
            .map(|n| n.max(0) as u64)
            .map_err(self.db_error(Action::CountHistory))
    }

    /// The distinct regions and window titles in the history, sorted.
    pub fn regions(&self) -> Result<Vec<String>, MemoryError> {
        self.conn
            .prepare("SELECT DISTINCT region FROM history ORDER BY region")
            .and_then(|mut s| s.query_map([], |r| r.get(0))?.collect())
            .map_err(self.db_error(Action::ReadHistory))
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
            .map_err(self.db_error(Action::SaveCorrection))?;
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
            .map_err(self.db_error(Action::DeleteLine))
    }

    /// Deletes every history line (the translation memory stays). Returns how many there were.
    pub fn clear_history(&mut self) -> Result<u64, MemoryError> {
        self.conn
            .execute("DELETE FROM history", [])
            .map(|n| n as u64)
            .map_err(self.db_error(Action::ClearHistory))
    }

    /// Runs `f` on each history line `query` selects (newest first, or oldest first among those), streaming.
    pub(super) fn for_each(
        &self,
        query: &HistoryQuery,
        oldest_first: bool,
        mut f: impl FnMut(HistoryEntry) -> io::Result<()>,
    ) -> Result<(), EachError> {
        // The list is in time order, newest first: a line answered again from the memory is brought up to
        // now (`record_again`), so ids alone are not in time order. Ties of the same millisecond go by id.
        let cursor = match query.before_id {
            Some(id) => Some(
                self.conn
                    .query_row("SELECT time_ms FROM history WHERE id = ?1", [id], |r| {
                        r.get(0)
                    })
                    .optional()
                    .map_err(EachError::Db)?
                    .map_or(Cursor::BeforeId(id), |time_ms| Cursor::After {
                        time_ms,
                        id,
                    }),
            ),
            None => None,
        };
        let (filter, mut args) = history_filter(query, cursor);
        let limit = query
            .limit
            .map_or(-1, |l| i64::try_from(l).unwrap_or(i64::MAX));
        args.push(Value::Integer(limit));
        args.push(Value::Integer(
            i64::try_from(query.offset).unwrap_or(i64::MAX),
        ));
        let mut sql = format!(
            "SELECT {HISTORY_COLUMNS} FROM history{filter} ORDER BY time_ms DESC, id DESC LIMIT ? OFFSET ?"
        );
        if oldest_first {
            sql = format!("SELECT * FROM ({sql}) ORDER BY time_ms ASC, id ASC");
        }
        let mut stmt = self.conn.prepare(&sql).map_err(EachError::Db)?;
        let mut rows = stmt.query(params_from_iter(args)).map_err(EachError::Db)?;
        while let Some(row) = rows.next().map_err(EachError::Db)? {
            f(history_row(row).map_err(EachError::Db)?).map_err(EachError::Io)?;
        }
        Ok(())
    }
}

/// Why streaming the history stopped: the database, or the caller's writer.
pub(super) enum EachError {
    Db(rusqlite::Error),
    Io(io::Error),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn like_pattern_escapes_wildcards() {
        assert_eq!(like_contains("50%"), "%50\\%%");
        assert_eq!(like_contains("a_b\\c"), "%a\\_b\\\\c%");
    }
}
