//! A history of one million lines: how long opening the store takes (schema check, the index for memory hits,
//! the retention pass), the history window's first page, a search, a region's lines, and a memory hit's
//! `record_again`. Run with `cargo bench --bench history_scale [-- ROWS]`.

use ocrlay::memory::{now_ms, HistoryQuery, MemoryKey, NewHistoryEntry, Store, StoreOptions};
use std::time::{Duration, Instant};

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn main() {
    let rows: i64 = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(1_000_000);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("history.sqlite3");
    let keep_all = StoreOptions::default();
    drop(Store::open_with(&path, &keep_all).unwrap());
    // Filled in one transaction (ocrlay adds lines one by one; this only builds the fixture quickly).
    let t = Instant::now();
    {
        let mut conn = rusqlite::Connection::open(&path).unwrap();
        let tx = conn.transaction().unwrap();
        {
            let mut insert = tx
                .prepare(
                    "INSERT INTO history (time_ms, region, source, translation, provider, model, prompt, \
                     src_lang, dst_lang) VALUES (?1, ?2, ?3, ?4, 'deepseek', 'deepseek-chat', 'p', 'ja', 'zh-CN')",
                )
                .unwrap();
            let now = now_ms();
            for i in 0..rows {
                let region = format!("Game {}", i % 20);
                let source = format!("「第{i}行の台詞です。城へ行こう」");
                let translation = format!("第{i}行的台词。去城堡吧。");
                insert
                    .execute(rusqlite::params![
                        now - (rows - i) * 1000,
                        region,
                        source,
                        translation
                    ])
                    .unwrap();
            }
        }
        tx.commit().unwrap();
    }
    let size = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
    println!(
        "{rows} history lines ({:.0} MB), built in {:.1} s",
        size as f64 / 1e6,
        t.elapsed().as_secs_f64()
    );
    println!("| step | ms |");
    println!("|---|---|");
    let t = Instant::now();
    let (store, _) = Store::open_with(&path, &keep_all).unwrap();
    println!(
        "| open (schema, quick_check, retention pass with nothing to drop) | {:.0} |",
        ms(t.elapsed())
    );
    drop(store);
    let t = Instant::now();
    let (mut store2, _) = Store::open_with(&path, &keep_all).unwrap();
    println!("| open again | {:.1} |", ms(t.elapsed()));
    let page = |search: Option<&str>, region: Option<&str>| HistoryQuery {
        search: search.map(str::to_string),
        region: region.map(str::to_string),
        limit: Some(100),
        ..HistoryQuery::default()
    };
    let t = Instant::now();
    let first = store2.list(&page(None, None)).unwrap();
    println!("| first page (100 newest) | {:.1} |", ms(t.elapsed()));
    assert_eq!(first.len(), 100);
    let t = Instant::now();
    let hits = store2.list(&page(Some("第777777行"), None)).unwrap();
    println!(
        "| search a word (LIKE, whole table) | {:.0} |",
        ms(t.elapsed())
    );
    assert!(rows < 777_778 || !hits.is_empty());
    let t = Instant::now();
    let region = store2.list(&page(None, Some("Game 7"))).unwrap();
    println!("| a region's first page | {:.1} |", ms(t.elapsed()));
    assert_eq!(region.len(), 100);
    let entry = NewHistoryEntry {
        time_ms: now_ms(),
        region: "Game 3".into(),
        key: MemoryKey {
            provider: "deepseek".into(),
            model: "deepseek-chat".into(),
            prompt: "p".into(),
            from: "ja".into(),
            to: "zh-CN".into(),
            source: format!("「第{}行の台詞です。城へ行こう」", rows - 17),
        },
        translation: "x".into(),
    };
    let t = Instant::now();
    store2.record_again(&entry).unwrap();
    println!(
        "| a memory hit seen again (record_again) | {:.2} |",
        ms(t.elapsed())
    );
    let retention = StoreOptions {
        history_max_rows: 200_000,
        ..StoreOptions::default()
    };
    drop(store2);
    let t = Instant::now();
    let (store3, _) = Store::open_with(&path, &retention).unwrap();
    println!(
        "| open with the default retention (200 000 lines: drops {}) | {:.0} |",
        rows.saturating_sub(200_000),
        ms(t.elapsed())
    );
    drop(store3);
}
