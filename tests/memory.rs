//! The translation memory and history against real SQLite files in temporary folders: hits and misses, user
//! corrections, the bound, history search and paging, CSV/JSON export, damaged files, and a crash mid-write
//! in a child process.

use ocrlay::memory::{
    format_rfc3339_utc, normalize_source, HistoryEntry, HistoryQuery, MemoryError, MemoryKey,
    NewHistoryEntry, PathProblem, PutOutcome, Store, StoreOptions, SCHEMA_VERSION,
};
use ocrlay::text::Text;
use std::path::{Path, PathBuf};
use std::process::Command;

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

fn line(time_ms: i64, region: &str, source: &str, translation: &str) -> NewHistoryEntry {
    NewHistoryEntry {
        time_ms,
        region: region.into(),
        key: key(source),
        translation: translation.into(),
    }
}

fn options(max_entries: usize) -> StoreOptions {
    StoreOptions {
        max_entries,
        ..StoreOptions::default()
    }
}

fn open(path: &Path) -> Store {
    let (store, moved) = Store::open(path).unwrap();
    assert!(moved.is_none(), "{moved:?}");
    store
}

fn sidecar(path: &Path, suffix: &str) -> PathBuf {
    let mut s = path.as_os_str().to_os_string();
    s.push(suffix);
    PathBuf::from(s)
}

/// Files in `dir` whose names contain `.corrupt-`.
fn moved_files(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().contains(".corrupt-"))
        .collect();
    v.sort();
    v
}

fn all() -> HistoryQuery {
    HistoryQuery::default()
}

/// The permission bits of `path` (not following a symbolic link).
#[cfg(unix)]
fn mode_of(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::symlink_metadata(path)
        .unwrap()
        .permissions()
        .mode()
        & 0o7777
}

/// Asserts the permission bits of `path`, saying both in octal.
#[cfg(unix)]
fn assert_mode(path: &Path, expected: u32) {
    let found = mode_of(path);
    assert_eq!(
        found,
        expected,
        "{}: {found:o}, expected {expected:o}",
        path.display()
    );
}

#[cfg(unix)]
fn set_mode(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

// ---------------------------------------------------------------------------------------------------------
// Translation memory

#[test]
fn put_then_lookup_hits_and_any_other_key_part_misses() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = open(&dir.path().join("h.sqlite3"));
    let k = key("体力が回復した");
    assert_eq!(store.lookup(&k).unwrap(), None);
    assert_eq!(store.put(&k, "HP restored").unwrap(), PutOutcome::Inserted);

    let hit = store.lookup(&k).unwrap().unwrap();
    assert_eq!(hit.translation, "HP restored");
    assert!(!hit.edited);

    let variants: [fn(&mut MemoryKey); 6] = [
        |k| k.provider = "deepseek".into(),
        |k| k.model = "gpt-4o".into(),
        |k| k.prompt = "with-glossary".into(),
        |k| k.from = "auto".into(),
        |k| k.to = "zh".into(),
        |k| k.source = "体力が回復しない".into(),
    ];
    for (i, change) in variants.iter().enumerate() {
        let mut other = k.clone();
        change(&mut other);
        assert_eq!(
            store.lookup(&other).unwrap(),
            None,
            "variant {i}: {other:?}"
        );
    }

    // The same key again replaces the answer.
    assert_eq!(
        store.put(&k, "Stamina recovered").unwrap(),
        PutOutcome::Replaced
    );
    assert_eq!(
        store.lookup(&k).unwrap().unwrap().translation,
        "Stamina recovered"
    );
    assert_eq!(store.translation_count().unwrap(), 1);
}

#[test]
fn whitespace_and_width_variants_of_a_line_hit_the_same_entry() {
    let mut store = Store::open_in_memory(&options(100)).unwrap();
    store
        .put(&key("Press  START\nto continue"), "スタートを押して続ける")
        .unwrap();
    for variant in [
        "Press START\nto continue",
        "  Press \t START \r\n\n to continue  ",
        "Ｐｒｅｓｓ ＳＴＡＲＴ\nto continue",
    ] {
        let hit = store.lookup(&key(variant)).unwrap();
        assert_eq!(
            hit.map(|h| h.translation).as_deref(),
            Some("スタートを押して続ける"),
            "{variant:?}"
        );
    }
    store.put(&key("こんにちは 世界"), "Hello world").unwrap();
    assert!(store.lookup(&key("こんにちは世界")).unwrap().is_some());
    // Words stay words: a space between Latin words is not dropped.
    assert!(store
        .lookup(&key("PressSTART\ntocontinue"))
        .unwrap()
        .is_none());
    assert_eq!(normalize_source(" a \n\n b "), "a\nb");
}

#[test]
fn a_user_correction_wins_over_provider_answers() {
    let mut store = Store::open_in_memory(&options(100)).unwrap();
    let k = key("宝箱を開けた");
    store.put(&k, "Opened the treasure box").unwrap();
    assert_eq!(
        store.put_edit(&k, "You opened the chest").unwrap(),
        PutOutcome::Replaced
    );

    assert_eq!(
        store.put(&k, "Treasure chest opened").unwrap(),
        PutOutcome::KeptEdit
    );
    let hit = store.lookup(&k).unwrap().unwrap();
    assert_eq!(hit.translation, "You opened the chest");
    assert!(hit.edited);
}

#[test]
fn editing_a_history_line_wins_next_time() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("h.sqlite3");
    let mut store = open(&path);
    // The history keeps the source as OCR read it; the memory matches it normalised.
    let raw = " 体力 が\n 回復した ";
    store.put(&key(raw), "Physical strength recovered").unwrap();
    let id = store
        .record(&line(1_000, "Game", raw, "Physical strength recovered"))
        .unwrap();

    assert!(store.edit_translation(id, "HP restored").unwrap());
    let entry = store.get(id).unwrap().unwrap();
    assert_eq!(entry.translation, "HP restored");
    assert!(entry.edited);
    assert_eq!(entry.key.source, raw);

    let hit = store.lookup(&key("体力が\n回復した")).unwrap().unwrap();
    assert_eq!(hit.translation, "HP restored");
    assert!(hit.edited);
    // A provider answer for the same line later does not undo the correction …
    assert_eq!(
        store.put(&key(raw), "Stamina recovered").unwrap(),
        PutOutcome::KeptEdit
    );
    drop(store);
    // … nor does reopening.
    let mut store = open(&path);
    assert_eq!(
        store.lookup(&key(raw)).unwrap().unwrap().translation,
        "HP restored"
    );

    // Editing a line whose translation was never remembered (or was evicted) adds it to the memory.
    let id2 = store
        .record(&line(2_000, "Game", "扉が開いた", "The door opened"))
        .unwrap();
    assert_eq!(store.lookup(&key("扉が開いた")).unwrap(), None);
    assert!(store.edit_translation(id2, "The gate opens").unwrap());
    assert_eq!(
        store
            .lookup(&key("扉が開いた"))
            .unwrap()
            .unwrap()
            .translation,
        "The gate opens"
    );

    assert!(!store.edit_translation(999_999, "nothing").unwrap());
}

#[test]
fn eviction_keeps_the_bound_and_the_recently_used() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("h.sqlite3");
    let (mut store, _) = Store::open_with(&path, &options(10)).unwrap();
    for i in 0..10 {
        store
            .put(&key(&format!("line {i}")), &format!("t{i}"))
            .unwrap();
    }
    // Lines 0 and 1 are used again, so they are the most recent of the first ten.
    assert!(store.lookup(&key("line 0")).unwrap().is_some());
    assert!(store.lookup(&key("line 1")).unwrap().is_some());
    for i in 10..15 {
        store
            .put(&key(&format!("line {i}")), &format!("t{i}"))
            .unwrap();
        assert!(store.translation_count().unwrap() <= 10);
    }
    assert_eq!(store.translation_count().unwrap(), 10);
    for i in 0..15 {
        let hit = store.lookup(&key(&format!("line {i}"))).unwrap();
        let evicted = (2..=6).contains(&i);
        assert_eq!(hit.is_none(), evicted, "line {i}: {hit:?}");
    }
    drop(store);

    // A smaller bound applies on the next open.
    let (store, _) = Store::open_with(&path, &options(4)).unwrap();
    assert!(store.translation_count().unwrap() <= 4);
}

#[test]
fn user_corrections_are_not_evicted() {
    let mut store = Store::open_in_memory(&options(5)).unwrap();
    store.put_edit(&key("mine"), "my translation").unwrap();
    for i in 0..40 {
        store.put(&key(&format!("line {i}")), "t").unwrap();
    }
    assert!(store.translation_count().unwrap() <= 5);
    assert_eq!(
        store.lookup(&key("mine")).unwrap().unwrap().translation,
        "my translation"
    );
    assert!(store.lookup(&key("line 39")).unwrap().is_some());
}

#[test]
fn a_thousand_distinct_lines_stay_within_the_bound() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("h.sqlite3");
    let (mut store, _) = Store::open_with(&path, &options(100)).unwrap();
    for i in 0..1000 {
        let k = key(&format!("distinct line number {i} with some text"));
        assert!(store.lookup(&k).unwrap().is_none());
        store.put(&k, &format!("translation {i}")).unwrap();
        assert!(store.translation_count().unwrap() <= 100, "after {i}");
    }
    assert!(store
        .lookup(&key("distinct line number 999 with some text"))
        .unwrap()
        .is_some());
    assert!(store
        .lookup(&key("distinct line number 0 with some text"))
        .unwrap()
        .is_none());
    assert_eq!(store.max_entries(), 100);
    // A smaller bound in the settings: the store opened with it drops the excess at once.
    drop(store);
    let (store, _) = Store::open_with(&path, &options(20)).unwrap();
    assert!(store.translation_count().unwrap() <= 20);
}

// ---------------------------------------------------------------------------------------------------------
// History

#[test]
fn history_lists_newest_first_and_filters_by_region_and_search() {
    let mut store = Store::open_in_memory(&options(100)).unwrap();
    let rows = [
        ("Region 1", "Hello there", "こんにちは"),
        ("Game A", "50% off", "半額"),
        ("Game A", "snake_case name", "スネークケース"),
        ("Region 1", "5000 off", "5000円引き"),
        ("Game A", "snakeXcase", "違う"),
        ("Region 1", "back\\slash", "バックスラッシュ"),
    ];
    let mut ids = Vec::new();
    for (i, (region, source, translation)) in rows.iter().enumerate() {
        ids.push(
            store
                .record(&line(1_000 + i as i64, region, source, translation))
                .unwrap(),
        );
    }

    let listed = store.list(&all()).unwrap();
    let listed_ids: Vec<i64> = listed.iter().map(|e| e.id).collect();
    let mut newest_first = ids.clone();
    newest_first.reverse();
    assert_eq!(listed_ids, newest_first);
    assert_eq!(listed[0].key.source, "back\\slash");
    assert_eq!(listed[0].region, "Region 1");
    assert_eq!(listed[0].time_ms, 1_005);
    assert_eq!(listed[0].key.provider, "openai");
    assert!(!listed[0].edited);

    let search = |s: &str| -> Vec<String> {
        let q = HistoryQuery {
            search: Some(s.into()),
            ..Default::default()
        };
        let mut v: Vec<String> = store
            .list(&q)
            .unwrap()
            .into_iter()
            .map(|e| e.key.source)
            .collect();
        v.sort();
        v
    };
    assert_eq!(
        search("hello"),
        ["Hello there"],
        "case-insensitive for ASCII"
    );
    assert_eq!(search("%"), ["50% off"], "% is literal");
    assert_eq!(search("_"), ["snake_case name"], "_ is literal");
    assert_eq!(search("snake_"), ["snake_case name"]);
    assert_eq!(search("\\"), ["back\\slash"]);
    assert_eq!(search("半額"), ["50% off"], "searches translations too");
    assert_eq!(search("off"), ["50% off", "5000 off"]);
    assert_eq!(search("").len(), rows.len(), "empty search is no filter");
    assert!(search("nowhere").is_empty());

    let game_a = HistoryQuery {
        region: Some("Game A".into()),
        ..Default::default()
    };
    assert_eq!(store.list(&game_a).unwrap().len(), 3);
    assert_eq!(store.count(&game_a).unwrap(), 3);
    let game_a_snake = HistoryQuery {
        search: Some("snake".into()),
        ..game_a.clone()
    };
    assert_eq!(store.count(&game_a_snake).unwrap(), 2);
    assert_eq!(store.regions().unwrap(), ["Game A", "Region 1"]);
}

#[test]
fn history_pages_by_offset_and_by_id() {
    let mut store = Store::open_in_memory(&options(100)).unwrap();
    for i in 0..25 {
        store
            .record(&line(i, "R", &format!("line {i}"), "t"))
            .unwrap();
    }
    let page = |limit, offset| HistoryQuery {
        limit: Some(limit),
        offset,
        ..Default::default()
    };
    let sizes: Vec<usize> = [0, 10, 20, 30]
        .iter()
        .map(|&o| store.list(&page(10, o)).unwrap().len())
        .collect();
    assert_eq!(sizes, [10, 10, 5, 0]);
    assert_eq!(
        store.count(&page(10, 20)).unwrap(),
        25,
        "count ignores paging"
    );

    // Keyset paging: each page continues below the last id of the one before.
    let mut seen = Vec::new();
    let mut before = None;
    loop {
        let q = HistoryQuery {
            before_id: before,
            limit: Some(7),
            ..Default::default()
        };
        let got = store.list(&q).unwrap();
        if got.is_empty() {
            break;
        }
        before = Some(got.last().unwrap().id);
        seen.extend(got.into_iter().map(|e| e.time_ms));
    }
    assert_eq!(seen, (0..25).rev().collect::<Vec<i64>>());
}

#[test]
fn history_lines_can_be_deleted_and_cleared() {
    let mut store = Store::open_in_memory(&options(100)).unwrap();
    let a = store.record(&line(1, "R", "a", "A")).unwrap();
    let b = store.record(&line(2, "R", "b", "B")).unwrap();
    assert!(store.delete(a).unwrap());
    assert!(!store.delete(a).unwrap());
    assert_eq!(store.get(a).unwrap(), None);
    assert_eq!(
        store
            .list(&all())
            .unwrap()
            .iter()
            .map(|e| e.id)
            .collect::<Vec<_>>(),
        [b]
    );
    // Ids are not reused after a delete.
    let c = store.record(&line(3, "R", "c", "C")).unwrap();
    assert!(c > b);
    assert_eq!(store.clear_history().unwrap(), 2);
    assert_eq!(store.count(&all()).unwrap(), 0);
}

// ---------------------------------------------------------------------------------------------------------
// Export

/// Lines meant to break a naive CSV writer or a page that renders them.
fn tricky_store() -> (Store, Vec<HistoryEntry>) {
    let mut store = Store::open_in_memory(&options(100)).unwrap();
    let rows = [
        (
            "Region 1",
            "一行目\n二行目\n三行目",
            "Line one\nLine two\nLine three",
        ),
        ("Game, \"Deluxe\"", "a, b, c", "He said \"hi\", then left"),
        ("Game A", "<script>alert(1)</script>", "<b>&amp;</b>"),
        ("Game A", "=1+1", "@SUM(A1)"),
        ("Game A", "crlf", "first\r\nsecond"),
        ("", "", ""),
    ];
    let mut ids = Vec::new();
    for (i, (region, source, translation)) in rows.iter().enumerate() {
        let time = 1_709_251_199_000 + i as i64 * 1_001;
        ids.push(
            store
                .record(&line(time, region, source, translation))
                .unwrap(),
        );
    }
    assert!(store
        .edit_translation(ids[1], "Edited, \"quoted\"\nand multi-line")
        .unwrap());
    let mut entries = store.list(&all()).unwrap();
    entries.reverse(); // Exports are oldest first.
    (store, entries)
}

#[test]
fn csv_export_round_trips_through_a_csv_reader() {
    let (store, entries) = tricky_store();
    let mut out = Vec::new();
    assert_eq!(store.export_csv(&mut out, &all()).unwrap(), entries.len());
    assert!(
        out.starts_with(b"\xEF\xBB\xBF"),
        "UTF-8 BOM for spreadsheets"
    );

    let mut reader = csv::Reader::from_reader(out.as_slice());
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(
        header,
        [
            "time",
            "region",
            "source",
            "translation",
            "provider",
            "model",
            "from",
            "to",
            "edited"
        ]
    );
    let records: Vec<Vec<String>> = reader
        .records()
        .map(|r| r.unwrap().iter().map(String::from).collect())
        .collect();
    // Text a spreadsheet would evaluate opens as text: a leading ' (OCR text comes from anyone's screen).
    let cell = |s: &str| {
        if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
            format!("'{s}")
        } else {
            s.to_string()
        }
    };
    let expected: Vec<Vec<String>> = entries
        .iter()
        .map(|e| {
            vec![
                format_rfc3339_utc(e.time_ms),
                cell(&e.region),
                cell(&e.key.source),
                cell(&e.translation),
                cell(&e.key.provider),
                cell(&e.key.model),
                e.key.from.clone(),
                e.key.to.clone(),
                e.edited.to_string(),
            ]
        })
        .collect();
    assert_eq!(records, expected);
    assert_eq!(records[0][0], "2024-02-29T23:59:59.000Z");
    assert_eq!(records[0][2], "一行目\n二行目\n三行目");
    assert_eq!(records[1][3], "Edited, \"quoted\"\nand multi-line");
    assert_eq!(records[1][8], "true");
    assert_eq!(records[4][3], "first\r\nsecond");
    // The exported bytes themselves: no cell starts with a formula character.
    let text = String::from_utf8(out.clone()).unwrap();
    assert!(text.contains(",'=1+1,'@SUM(A1),"), "{text}");
    assert!(!text.contains(",=1+1"), "{text}");
}

#[test]
fn json_export_parses_back() {
    let (store, entries) = tricky_store();
    let mut out = Vec::new();
    assert_eq!(store.export_json(&mut out, &all()).unwrap(), entries.len());
    let value: serde_json::Value = serde_json::from_slice(&out).unwrap();
    let array = value.as_array().unwrap();
    assert_eq!(array.len(), entries.len());
    for (got, e) in array.iter().zip(&entries) {
        let expected = serde_json::json!({
            "time": format_rfc3339_utc(e.time_ms),
            "region": e.region,
            "source": e.key.source,
            "translation": e.translation,
            "provider": e.key.provider,
            "model": e.key.model,
            "from": e.key.from,
            "to": e.key.to,
            "edited": e.edited,
        });
        assert_eq!(got, &expected);
    }
    assert_eq!(array[1]["edited"], serde_json::Value::Bool(true));
    assert_eq!(array[2]["source"], "<script>alert(1)</script>");
}

#[test]
fn exports_follow_the_query_and_handle_no_lines() {
    let (store, entries) = tricky_store();
    // The newest two lines of Game A, written oldest first.
    let q = HistoryQuery {
        region: Some("Game A".into()),
        limit: Some(2),
        ..Default::default()
    };
    let mut out = Vec::new();
    assert_eq!(store.export_json(&mut out, &q).unwrap(), 2);
    let value: serde_json::Value = serde_json::from_slice(&out).unwrap();
    let sources: Vec<&str> = value
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["source"].as_str().unwrap())
        .collect();
    assert_eq!(sources, ["=1+1", "crlf"]);
    assert_eq!(entries[3].key.source, "=1+1");

    let none = HistoryQuery {
        search: Some("no such text".into()),
        ..Default::default()
    };
    let mut json = Vec::new();
    assert_eq!(store.export_json(&mut json, &none).unwrap(), 0);
    assert_eq!(
        serde_json::from_slice::<serde_json::Value>(&json).unwrap(),
        serde_json::json!([])
    );
    let mut csv_out = Vec::new();
    assert_eq!(store.export_csv(&mut csv_out, &none).unwrap(), 0);
    let mut reader = csv::Reader::from_reader(csv_out.as_slice());
    assert_eq!(reader.headers().unwrap().len(), 9);
    assert_eq!(reader.records().count(), 0);
}

#[test]
fn an_export_write_failure_is_an_export_error() {
    struct Broken;
    impl std::io::Write for Broken {
        fn write(&mut self, _: &[u8]) -> std::io::Result<usize> {
            Err(std::io::Error::other("disk full"))
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let (store, _) = tricky_store();
    let err = store.export_json(Broken, &all()).unwrap_err();
    assert!(matches!(err, MemoryError::Export { .. }), "{err:?}");
    assert!(err.to_string().contains("disk full"), "{err}");
    let err = store.export_csv(Broken, &all()).unwrap_err();
    assert!(matches!(err, MemoryError::Export { .. }), "{err:?}");
}

// ---------------------------------------------------------------------------------------------------------
// Files: damage, crashes, reopening

#[test]
fn a_file_that_is_not_a_database_is_moved_aside_not_emptied() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("history.sqlite3");
    let garbage: Vec<u8> = (0..8192u32).map(|i| (i * 7 + 13) as u8).collect();
    std::fs::write(&path, &garbage).unwrap();
    // A stray WAL next to it must go along, not be replayed into the new database.
    std::fs::write(sidecar(&path, "-wal"), b"not a wal either").unwrap();

    let (mut store, moved) = Store::open(&path).unwrap();
    let moved = moved.expect("the damaged file is reported");
    assert_eq!(moved.from, path);
    assert!(
        std::fs::read(&moved.to).unwrap() == garbage,
        "kept byte for byte"
    );
    assert!(std::fs::read(sidecar(&moved.to, "-wal")).unwrap() == b"not a wal either");
    assert!(moved
        .to
        .file_name()
        .unwrap()
        .to_string_lossy()
        .starts_with("history.sqlite3.corrupt-"));
    assert!(moved.reason.contains("not a database"), "{}", moved.reason);
    let message = moved.to_string();
    assert!(
        message.starts_with("The history database was damaged ("),
        "{message}"
    );
    assert!(
        message.contains(&moved.to.display().to_string()),
        "{message}"
    );

    // The new database works and survives reopening.
    store.put(&key("a"), "A").unwrap();
    store.record(&line(1, "R", "a", "A")).unwrap();
    drop(store);
    let mut store = open(&path);
    assert_eq!(store.lookup(&key("a")).unwrap().unwrap().translation, "A");
    assert_eq!(store.count(&all()).unwrap(), 1);
    // The damaged file, its WAL and the index SQLite built while reading them; nothing else.
    let moved_name = moved.to.file_name().unwrap().to_string_lossy().into_owned();
    let files = moved_files(dir.path());
    assert!(
        files.contains(&moved.to) && files.contains(&sidecar(&moved.to, "-wal")),
        "{files:?}"
    );
    assert!(
        files.iter().all(|f| f
            .file_name()
            .unwrap()
            .to_string_lossy()
            .starts_with(&moved_name)),
        "{files:?}"
    );
}

#[test]
fn a_truncated_database_is_moved_aside() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("history.sqlite3");
    {
        let mut store = open(&path);
        for i in 0..400 {
            let text = format!("line {i} {}", "x".repeat(200));
            store.record(&line(i, "R", &text, &text)).unwrap();
            store.put(&key(&text), &text).unwrap();
        }
    } // Closing checkpoints the WAL into the main file.
    assert!(!sidecar(&path, "-wal").exists());
    let bytes = std::fs::read(&path).unwrap();
    assert!(bytes.len() > 64 * 1024, "{} bytes", bytes.len());
    let half = &bytes[..bytes.len() / 2];
    std::fs::write(&path, half).unwrap();

    let (store, moved) = Store::open(&path).unwrap();
    let moved = moved.expect("a truncated database is reported");
    eprintln!("truncated database: {}", moved.reason);
    assert!(
        std::fs::read(&moved.to).unwrap() == half,
        "kept byte for byte"
    );
    assert_eq!(store.count(&all()).unwrap(), 0);
    assert_eq!(store.translation_count().unwrap(), 0);
}

#[test]
fn a_database_with_a_scrambled_page_is_moved_aside() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("history.sqlite3");
    {
        let mut store = open(&path);
        for i in 0..400 {
            let text = format!("line {i} {}", "y".repeat(200));
            store.record(&line(i, "R", &text, &text)).unwrap();
        }
    }
    // The header stays valid; one page in the middle of the history table is overwritten.
    let mut bytes = std::fs::read(&path).unwrap();
    let page = 4096;
    let start = (bytes.len() / page / 2) * page;
    for (i, b) in bytes[start..start + page].iter_mut().enumerate() {
        *b = (i * 31 % 251) as u8;
    }
    std::fs::write(&path, &bytes).unwrap();

    let (store, moved) = Store::open(&path).unwrap();
    let moved = moved.expect("a scrambled page is reported");
    eprintln!("scrambled page: {}", moved.reason);
    assert!(
        std::fs::read(&moved.to).unwrap() == bytes,
        "kept byte for byte"
    );
    assert_eq!(store.count(&all()).unwrap(), 0);
}

#[test]
fn a_database_failing_quick_check_is_moved_aside() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("history.sqlite3");
    {
        let mut store = open(&path);
        store.record(&line(1, "R", "a", "A")).unwrap();
    }
    // Every page is readable, but one belongs to nothing: the header counts a page that was appended behind
    // SQLite's back. Only the check finds this.
    let mut bytes = std::fs::read(&path).unwrap();
    let pages = u32::from_be_bytes(bytes[28..32].try_into().unwrap());
    bytes[28..32].copy_from_slice(&(pages + 1).to_be_bytes());
    bytes.extend(std::iter::repeat_n(0u8, 4096));
    std::fs::write(&path, &bytes).unwrap();

    let (_store, moved) = Store::open(&path).unwrap();
    let moved = moved.expect("a database failing quick_check is reported");
    assert!(moved.reason.contains("never used"), "{}", moved.reason);
    assert!(
        std::fs::read(&moved.to).unwrap() == bytes,
        "kept byte for byte"
    );
}

#[test]
fn moving_aside_twice_in_a_second_picks_a_free_name() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("history.sqlite3");
    for round in 0..2u8 {
        std::fs::write(&path, vec![round; 4096]).unwrap();
        let (_store, moved) = Store::open(&path).unwrap();
        assert!(moved.is_some());
    }
    let moved = moved_files(dir.path());
    assert_eq!(moved.len(), 2, "{moved:?}");
    let contents: Vec<Vec<u8>> = moved.iter().map(|p| std::fs::read(p).unwrap()).collect();
    assert!(contents.contains(&vec![0u8; 4096]) && contents.contains(&vec![1u8; 4096]));
}

#[test]
fn a_database_from_a_newer_version_is_refused_and_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("history.sqlite3");
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.execute_batch("CREATE TABLE future (x); PRAGMA user_version = 99;")
            .unwrap();
    }
    let before = std::fs::read(&path).unwrap();
    let err = Store::open(&path).unwrap_err();
    assert!(
        matches!(err, MemoryError::NewerSchema { found: 99, .. }),
        "{err:?}"
    );
    let message = err.to_string();
    assert!(
        message.contains(&path.display().to_string()) && message.contains("newer"),
        "{message}"
    );
    assert!(std::fs::read(&path).unwrap() == before, "not modified");
    assert!(moved_files(dir.path()).is_empty());
}

/// A folder where the database file should be: refused with the path and the reason as a sentence of the
/// string table, and the folder keeps its mode and content (an older ocrlay chmod-ed it 0600, locking its owner
/// out). The mode is what this checks; root could still enter a 0600 folder, so the lock-out itself shows only
/// for other users.
#[cfg(unix)]
#[test]
fn a_folder_at_the_database_path_is_named_and_left_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("history.sqlite3");
    std::fs::create_dir(&path).unwrap();
    std::fs::write(path.join("notes.txt"), "mine").unwrap();
    set_mode(&path, 0o755);
    let err = Store::open(&path).unwrap_err();
    assert!(
        matches!(&err, MemoryError::Unusable { path: p, problem: PathProblem::Folder } if *p == path),
        "{err:?}"
    );
    assert_eq!(
        err.what(),
        Text::new("memory.err.is_folder").with("path", path.display())
    );
    assert_eq!(err.advice(), Text::new("memory.advice.is_folder"));
    for lang in ["en", "zh"] {
        assert!(err
            .text()
            .render(lang)
            .contains(&path.display().to_string()));
    }
    assert!(!err.is_damaged());
    assert_mode(&path, 0o755);
    assert_eq!(
        std::fs::read_to_string(path.join("notes.txt")).unwrap(),
        "mine"
    );
    assert!(moved_files(dir.path()).is_empty());
}

/// A database its owner made read-only (0400) is refused with a sentence naming it, and left as it was: still
/// 0400, byte for byte, nothing moved aside. Root may write a 0400 file, so here the OS would not have stopped
/// ocrlay: the refusal is ocrlay respecting the mark, which is what this shows.
#[cfg(unix)]
#[test]
fn a_read_only_database_stays_read_only_and_is_refused_in_words() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("history.sqlite3");
    {
        let mut store = open(&path);
        store.put(&key("a"), "A").unwrap();
    }
    set_mode(&path, 0o400);
    let before = std::fs::read(&path).unwrap();
    let err = Store::open(&path).unwrap_err();
    assert!(
        matches!(&err, MemoryError::Unusable { path: p, problem: PathProblem::ReadOnlyFile } if *p == path),
        "{err:?}"
    );
    assert_eq!(
        err.what(),
        Text::new("memory.err.read_only_file").with("path", path.display())
    );
    assert_eq!(err.advice(), Text::new("memory.advice.read_only_file"));
    assert_mode(&path, 0o400);
    assert!(std::fs::read(&path).unwrap() == before, "not modified");
    assert!(!sidecar(&path, "-wal").exists() && !sidecar(&path, "-shm").exists());
    assert!(moved_files(dir.path()).is_empty());
}

/// A database folder its owner made read-only (0500): refused, naming the folder; the folder stays 0500 and
/// nothing is created in it. (Root may write into a 0500 folder: the refusal is ocrlay respecting the mark.)
#[cfg(unix)]
#[test]
fn a_read_only_folder_stays_read_only_and_is_refused_in_words() {
    let root = tempfile::tempdir().unwrap();
    let dir = root.path().join("data");
    std::fs::create_dir(&dir).unwrap();
    set_mode(&dir, 0o500);
    let path = dir.join("history.sqlite3");
    let err = Store::open(&path).unwrap_err();
    assert!(
        matches!(&err, MemoryError::Unusable { path: p, problem: PathProblem::ReadOnlyFolder } if *p == dir),
        "{err:?}"
    );
    assert_eq!(
        err.what(),
        Text::new("memory.err.read_only_folder").with("path", dir.display())
    );
    assert_mode(&dir, 0o500);
    assert_eq!(
        std::fs::read_dir(&dir).unwrap().count(),
        0,
        "nothing created"
    );
    set_mode(&dir, 0o700);
}

/// A pipe where the database file should be: refused, named, not touched (SQLite would block on it).
#[cfg(unix)]
#[test]
fn a_pipe_at_the_database_path_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("history.sqlite3");
    let made = Command::new("mkfifo")
        .arg("-m")
        .arg("644")
        .arg(&path)
        .status()
        .unwrap();
    assert!(made.success());
    let err = Store::open(&path).unwrap_err();
    assert!(
        matches!(
            &err,
            MemoryError::Unusable {
                problem: PathProblem::NotAFile,
                ..
            }
        ),
        "{err:?}"
    );
    assert_mode(&path, 0o644);
}
#[test]
fn open_creates_folders_and_data_survives_reopening() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("deep").join("er").join("history.sqlite3");
    {
        let mut store = open(&path);
        assert_eq!(store.path(), path);
        store.put(&key("a"), "A").unwrap();
        store.record(&line(42, "R", "a", "A")).unwrap();
    }
    let mut store = open(&path);
    assert_eq!(store.lookup(&key("a")).unwrap().unwrap().translation, "A");
    assert_eq!(store.list(&all()).unwrap()[0].time_ms, 42);
    drop(store);

    let conn = rusqlite::Connection::open(&path).unwrap();
    let version: i64 = conn
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .unwrap();
    assert_eq!(version, SCHEMA_VERSION);
    let mode: String = conn
        .pragma_query_value(None, "journal_mode", |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "wal", "WAL mode is persistent");
}

#[test]
fn rows_committed_before_an_unclean_exit_are_recovered_from_the_wal() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("history.sqlite3");
    let mut store = open(&path);
    for i in 0..20 {
        store.put(&key(&format!("line {i}")), "t").unwrap();
        store
            .record(&line(i, "R", &format!("line {i}"), "t"))
            .unwrap();
    }
    // No close, no checkpoint: the rows live only in the WAL.
    std::mem::forget(store);
    assert!(std::fs::metadata(sidecar(&path, "-wal")).unwrap().len() > 0);

    let mut store = open(&path);
    assert_eq!(store.count(&all()).unwrap(), 20);
    assert!(store.lookup(&key("line 19")).unwrap().is_some());
}

/// Set in the child process of [`a_crash_mid_write_keeps_committed_rows_only`]: the database to write to.
const CRASH_CHILD_DB: &str = "OCRLAY_MEMORY_TEST_CRASH_DB";

/// Not a test on its own: does nothing unless started by the crash test, and then never returns.
#[test]
fn crash_child() {
    let Some(path) = std::env::var_os(CRASH_CHILD_DB) else {
        return;
    };
    let path = PathBuf::from(path);
    let mut store = open(&path);
    for i in 0..50 {
        store.put(&key(&format!("line {i}")), "t").unwrap();
        store
            .record(&line(i, "R", &format!("line {i}"), "t"))
            .unwrap();
    }
    // A write in flight: a large transaction on a second connection, big enough for SQLite to spill
    // uncommitted pages into the WAL, never committed.
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute_batch("PRAGMA cache_size = 16; BEGIN IMMEDIATE;")
        .unwrap();
    let filler = "x".repeat(1000);
    for i in 0..3000 {
        conn.execute(
            "INSERT INTO history (time_ms, region, source, translation, provider, model, prompt, src_lang, \
             dst_lang) VALUES (?1, 'uncommitted', ?2, ?2, 'p', 'm', 'x', 'ja', 'en')",
            rusqlite::params![i, filler],
        )
        .unwrap();
    }
    // End the process here, as a crash would: no destructor runs, no connection is closed, nothing is
    // checkpointed or rolled back. (SQLite writes with plain write calls and has no exit hooks, so for the
    // files this is the same as being killed.)
    std::process::exit(77);
}

#[test]
fn a_crash_mid_write_keeps_committed_rows_only() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("history.sqlite3");
    let child = Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "crash_child", "--nocapture", "--test-threads=1"])
        .env(CRASH_CHILD_DB, &path)
        .output()
        .unwrap();
    assert_eq!(
        child.status.code(),
        Some(77),
        "the child must reach the crash point; its output:\n{}\n{}",
        String::from_utf8_lossy(&child.stdout),
        String::from_utf8_lossy(&child.stderr)
    );
    let wal = std::fs::metadata(sidecar(&path, "-wal")).unwrap().len();
    assert!(
        wal > 1024 * 1024,
        "uncommitted pages spilled into the WAL ({wal} bytes)"
    );

    let (mut store, moved) = Store::open(&path).unwrap();
    assert!(moved.is_none(), "{moved:?}");
    assert_eq!(store.count(&all()).unwrap(), 50);
    let uncommitted = HistoryQuery {
        region: Some("uncommitted".into()),
        ..Default::default()
    };
    assert_eq!(store.count(&uncommitted).unwrap(), 0);
    assert!(store.lookup(&key("line 49")).unwrap().is_some());
    // And the recovered database takes new writes.
    store.record(&line(100, "R", "after", "crash")).unwrap();
    assert_eq!(store.count(&all()).unwrap(), 51);
}

#[test]
fn two_stores_on_one_file_see_each_others_writes() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("history.sqlite3");
    let mut a = open(&path);
    let mut b = open(&path);
    a.put(&key("shared"), "from a").unwrap();
    a.record(&line(1, "R", "shared", "from a")).unwrap();
    assert_eq!(
        b.lookup(&key("shared")).unwrap().unwrap().translation,
        "from a"
    );
    b.record(&line(2, "R", "other", "from b")).unwrap();
    assert_eq!(a.count(&all()).unwrap(), 2);
}

#[test]
fn the_store_can_move_to_the_pipeline_thread() {
    fn assert_send<T: Send>() {}
    assert_send::<Store>();
    let mut store = Store::open_in_memory(&StoreOptions::default()).unwrap();
    store.put(&key("a"), "A").unwrap();
    let hit = std::thread::spawn(move || store.lookup(&key("a")).unwrap())
        .join()
        .unwrap();
    assert_eq!(hit.unwrap().translation, "A");
}

#[test]
fn default_path_is_in_the_data_dir() {
    if let Some(p) = ocrlay::memory::default_path() {
        assert_eq!(p.file_name().unwrap(), "history.sqlite3");
        assert!(
            p.to_string_lossy().to_lowercase().contains("ocrlay"),
            "{}",
            p.display()
        );
    }
}

/// What OCR read from the screen is private on disk: the folder ocrlay makes is 0700, the database and its
/// WAL/SHM files 0600 (checked with `stat`), even when an older ocrlay left the database 0644; a damaged file
/// moved aside stays 0600.
#[cfg(unix)]
#[test]
fn the_store_is_private_on_disk() {
    let mode = |p: &Path| -> String {
        let out = Command::new("stat")
            .args(["-c", "%a"])
            .arg(p)
            .output()
            .unwrap();
        String::from_utf8(out.stdout).unwrap().trim().to_string()
    };
    let root = tempfile::tempdir().unwrap();
    let dir = root.path().join("share/ocrlay");
    let path = dir.join("history.sqlite3");
    {
        let (mut store, _) = Store::open(&path).unwrap();
        store
            .record(&line(1_000, "r", "秘密の台詞", "秘密的台词"))
            .unwrap();
        assert_eq!(mode(&dir), "700");
        for p in [path.clone(), sidecar(&path, "-wal"), sidecar(&path, "-shm")] {
            assert!(p.exists(), "{}", p.display());
            assert_eq!(mode(&p), "600", "{}", p.display());
        }
    }
    // A database an older version left readable by everyone is made private when opened.
    std::fs::set_permissions(&path, std::os::unix::fs::PermissionsExt::from_mode(0o644)).unwrap();
    drop(Store::open(&path).unwrap());
    assert_eq!(mode(&path), "600");
    // A damaged one is moved aside, and the copy stays private.
    drop(std::fs::remove_file(sidecar(&path, "-wal")));
    drop(std::fs::remove_file(sidecar(&path, "-shm")));
    std::fs::write(&path, vec![7u8; 8192]).unwrap();
    std::fs::set_permissions(&path, std::os::unix::fs::PermissionsExt::from_mode(0o644)).unwrap();
    let (_store, moved) = Store::open(&path).unwrap();
    let moved = moved.expect("moved aside");
    assert_eq!(mode(&moved.to), "600");
    assert_eq!(mode(&path), "600");
}

/// A line answered again from the memory is the same history line seen again: its time moves, no new row.
#[test]
fn a_memory_hit_is_not_a_new_history_line() {
    let mut store = Store::open_in_memory(&options(1000)).unwrap();
    let first = store
        .record(&line(1_000, "r", "同じ台詞", "同样的台词"))
        .unwrap();
    let again = store
        .record_again(&line(2_000, "r", "同じ台詞", "同样的台词"))
        .unwrap();
    assert_eq!(again, first);
    let rows = store.list(&all()).unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].time_ms, 2_000);
    // Another region's line, or one the history does not have, is added.
    store
        .record_again(&line(3_000, "other", "同じ台詞", "同样的台词"))
        .unwrap();
    store
        .record_again(&line(4_000, "r", "新しい", "新的"))
        .unwrap();
    assert_eq!(store.list(&all()).unwrap().len(), 3);
}

/// The history keeps at most the configured number of lines and none older than the configured age: the rest
/// go when the store opens and as lines are added.
#[test]
fn the_history_keeps_to_its_retention() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("history.sqlite3");
    let now = ocrlay::memory::now_ms();
    let day = 86_400_000;
    {
        let keep_all = StoreOptions {
            history_max_age: None,
            history_max_rows: 10_000_000,
            ..StoreOptions::default()
        };
        let (mut store, _) = Store::open_with(&path, &keep_all).unwrap();
        for i in 0..30 {
            // Lines of the last 30 days, one a day, the oldest first.
            store
                .record(&line(now - (30 - i) * day, "r", &format!("台詞{i}"), "x"))
                .unwrap();
        }
    }
    // Ten days at most: the lines of the last 9 days stay (day 10 is just past it).
    let ten_days = StoreOptions {
        history_max_age: Some(std::time::Duration::from_secs(10 * 86_400)),
        history_max_rows: 1_000,
        ..StoreOptions::default()
    };
    let (store, _) = Store::open_with(&path, &ten_days).unwrap();
    let rows = store.list(&all()).unwrap();
    assert_eq!(
        rows.len(),
        9,
        "{:?}",
        rows.iter().map(|r| r.time_ms).collect::<Vec<_>>()
    );
    assert!(rows.iter().all(|r| r.time_ms >= now - 10 * day));
    drop(store);
    // At most 4 lines: the newest 4.
    let four = StoreOptions {
        history_max_age: None,
        history_max_rows: 4,
        ..StoreOptions::default()
    };
    let (mut store, _) = Store::open_with(&path, &four).unwrap();
    let sources: Vec<String> = store
        .list(&all())
        .unwrap()
        .into_iter()
        .map(|r| r.key.source)
        .collect();
    assert_eq!(sources, ["台詞29", "台詞28", "台詞27", "台詞26"]);
    // As lines are added, the bound holds (a pass every few hundred lines).
    for i in 0..1200 {
        store
            .record(&line(now, "r", &format!("新{i}"), "y"))
            .unwrap();
    }
    assert!(store.list(&all()).unwrap().len() <= 4 + 500);
    store.prune_history().unwrap();
    assert_eq!(store.list(&all()).unwrap().len(), 4);
}

/// Set in the child process of the data-folder tests: which case to run. The child finds its data folder as
/// the app does, through `XDG_DATA_HOME` (the parent sets it to a temporary folder).
const DATA_DIR_CHILD: &str = "OCRLAY_MEMORY_TEST_DATA_DIR";

/// Not a test on its own: does nothing unless started by a data-folder test. Opens the store as the app does
/// at start-up (`memory::open_for`, in Chinese) and checks what it answers.
#[test]
fn data_dir_child() {
    let Some(case) = std::env::var(DATA_DIR_CHILD).ok() else {
        return;
    };
    let xdg = PathBuf::from(std::env::var_os("XDG_DATA_HOME").unwrap());
    let dir = ocrlay::paths::Places::current().data_dir;
    assert_eq!(dir, xdg.join("ocrlay"), "the data folder the app uses");
    let settings = ocrlay::config::MemorySettings::default();
    let mut notes = Vec::new();
    let store = ocrlay::memory::open_for(&settings, true, &mut notes);
    match case.as_str() {
        "opens" => assert!(store.is_some() && notes.is_empty(), "{notes:?}"),
        "read-only" => {
            assert!(store.is_none());
            let path = ocrlay::memory::default_path().unwrap();
            let err = Store::open_with(&path, &StoreOptions::from_settings(&settings)).unwrap_err();
            assert!(
                matches!(&err, MemoryError::Unusable { path: p, problem: PathProblem::ReadOnlyFolder } if *p == dir),
                "{err:?}"
            );
            // The start-up status says it, in the UI's language, naming the folder.
            let said = Text::new("memory.err.off")
                .with_text("error", err.what())
                .with_text("advice", err.advice())
                .render("zh");
            assert_eq!(notes, vec![said]);
            assert!(notes[0].contains(&dir.display().to_string()));
        }
        other => panic!("unknown case {other}"),
    }
}

/// Runs [`data_dir_child`] with `case`, its data folder under `xdg` (the tests that do are Unix-only).
#[cfg(unix)]
fn run_data_dir_child(case: &str, xdg: &Path) {
    let child = Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "data_dir_child",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(DATA_DIR_CHILD, case)
        .env("XDG_DATA_HOME", xdg)
        .env("HOME", xdg)
        .output()
        .unwrap();
    assert!(
        child.status.success(),
        "the child's case {case} failed:\n{}\n{}",
        String::from_utf8_lossy(&child.stdout),
        String::from_utf8_lossy(&child.stderr)
    );
}

/// The data folder and database ocrlay creates are private (0700 and 0600); a data folder that exists is left
/// with the mode its owner gave it (an older ocrlay forced its own data folder to 0700 at every start).
#[cfg(unix)]
#[test]
fn the_data_folder_is_private_when_ocrlay_makes_it_and_kept_as_set_otherwise() {
    let xdg = tempfile::tempdir().unwrap();
    let dir = xdg.path().join("ocrlay");
    run_data_dir_child("opens", xdg.path());
    assert_mode(&dir, 0o700);
    assert_mode(&dir.join("history.sqlite3"), 0o600);

    // Its owner shares the folder with their group (a backup tool): ocrlay keeps that.
    set_mode(&dir, 0o750);
    run_data_dir_child("opens", xdg.path());
    assert_mode(&dir, 0o750);
    assert_mode(&dir.join("history.sqlite3"), 0o600);
}

/// A data folder its owner made read-only (0500): the app starts without memory and history, says so naming
/// the folder, and the folder stays 0500 with nothing new in it (an older ocrlay made it 0700 and wrote
/// there). Root may write into a 0500 folder: the refusal is ocrlay respecting the mark.
#[cfg(unix)]
#[test]
fn a_read_only_data_folder_is_kept_and_named_at_start_up() {
    let xdg = tempfile::tempdir().unwrap();
    let dir = xdg.path().join("ocrlay");
    std::fs::create_dir(&dir).unwrap();
    set_mode(&dir, 0o500);
    run_data_dir_child("read-only", xdg.path());
    assert_mode(&dir, 0o500);
    assert_eq!(
        std::fs::read_dir(&dir).unwrap().count(),
        0,
        "nothing created"
    );
    set_mode(&dir, 0o700);
}
