//! The translation memory: a line sent the same way again is answered from here, the user's correction
//! first; the least recently used provider answers go once the memory is full.

use super::{normalize_source, now_ms, Action, MemoryError, Store};
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

/// What identifies a translation in the memory: the same line sent the same way gets the same answer.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct MemoryKey {
    /// Provider id from the catalog, e.g. `"openai"`.
    pub provider: String,
    /// Model name as sent to the provider.
    pub model: String,
    /// What else shaped the answer: a prompt template id, or [`prompt_fingerprint`](super::prompt_fingerprint) of
    /// the template and glossary.
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

/// Whether a write may replace a user correction, and whether it is one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Origin {
    /// A provider's answer; a user correction for the key is kept.
    Provider,
    /// The user's correction.
    User,
}

const KEY_WHERE: &str =
    "provider = ?1 AND model = ?2 AND prompt = ?3 AND src_lang = ?4 AND dst_lang = ?5 AND source = ?6";

impl Store {
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
            .map_err(self.db_error(Action::LookUp))
    }

    /// Remembers a provider's answer for `key`. A user correction for the same key is kept
    /// ([`PutOutcome::KeptEdit`]): only a new correction ([`Store::put_edit`], [`Store::edit_translation`])
    /// replaces it.
    pub fn put(&mut self, key: &MemoryKey, translation: &str) -> Result<PutOutcome, MemoryError> {
        self.write_translation(key, translation, Origin::Provider)
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
            .map_err(self.db_error(Action::SaveTranslation))?;
        self.after_write(outcome)?;
        Ok(outcome)
    }

    pub(super) fn after_write(&mut self, outcome: PutOutcome) -> Result<(), MemoryError> {
        if outcome == PutOutcome::Inserted {
            self.entries += 1;
            self.evict_if_needed()?;
        }
        Ok(())
    }

    /// How many translations the memory holds.
    pub fn translation_count(&self) -> Result<u64, MemoryError> {
        self.conn
            .query_row("SELECT COUNT(*) FROM translations", [], |r| {
                r.get::<_, i64>(0)
            })
            .map(|n| n.max(0) as u64)
            .map_err(self.db_error(Action::CountTranslations))
    }

    /// Drops least recently used provider answers once the memory holds more than the bound, down to 1% under
    /// it, so the work happens once per that many inserts.
    pub(super) fn evict_if_needed(&mut self) -> Result<(), MemoryError> {
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
            .map_err(self.db_error(Action::DropOldTranslations))?;
        self.entries = actual.saturating_sub(deleted as u64);
        tracing::debug!(deleted, left = self.entries, "translation memory trimmed");
        Ok(())
    }
}

/// Inserts or replaces the translation for `key` within the caller's transaction.
pub(super) fn upsert(
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

#[cfg(test)]
mod tests {
    use super::super::test_support::{key, store_with};

    #[test]
    fn eviction_runs_in_batches_and_tracks_count() {
        let mut store = store_with(200);
        for i in 0..450 {
            store.put(&key(&format!("line {i}")), "t").unwrap();
            assert!(store.entries <= 200, "after {i}: {}", store.entries);
            assert_eq!(store.entries, store.translation_count().unwrap());
        }
        let mut store = store_with(200);
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
        let mut store = store_with(10);
        store.put(&key("a"), "A").unwrap();
        let c0 = store.clock;
        store.lookup(&key("a")).unwrap().unwrap();
        let used: i64 = store
            .conn
            .query_row("SELECT last_used FROM translations", [], |r| r.get(0))
            .unwrap();
        assert!(used > c0);
    }
}
