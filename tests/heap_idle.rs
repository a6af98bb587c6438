//! The OCR thread gives back what it kept for the region in use once it has had nothing to read for a while
//! (`ocr::heap`, issue 15 item 5): the real pipeline and models read one dialogue box again and again (its
//! pages are kept between reads, so a read pays no page faults), then go idle; the process's resident memory
//! must fall once the pipeline says it gave the memory back. Linux only (jemalloc, see src/ocr/heap.rs):
//! elsewhere there is no purging to do.
#![cfg(target_os = "linux")]

mod common;

use ocrlay::config::Settings;
use ocrlay::pipeline::{PipelineEvent, Source};
use std::path::Path;
use std::time::{Duration, Instant};

fn rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .unwrap()
        .lines()
        .find(|l| l.starts_with("VmRSS:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap()
}

#[test]
fn memory_kept_for_a_region_goes_back_once_the_reads_stop() {
    // Before any thread starts: the pipeline reads these when it starts, the probe on its first event.
    let dir = tempfile::tempdir().unwrap();
    let probe = dir.path().join("probe.jsonl");
    std::env::set_var("OCRLAY_HEAP_IDLE_MS", "500");
    std::env::set_var(ocrlay::probe::ENV, &probe);
    std::env::remove_var(ocrlay::ocr::heap::ENV);

    let rt = tokio::runtime::Runtime::new().unwrap();
    let (settings, _) =
        Settings::parse("[general]\nsource = \"ja\"\n[memory]\ncache = false\nhistory = false\n")
            .unwrap();
    let (pipeline, rx) = common::start_pipeline(&settings, rt.handle().clone());
    let next = || {
        rx.recv_timeout(Duration::from_secs(60))
            .expect("the pipeline went quiet")
    };
    assert!(matches!(next(), PipelineEvent::EngineReady(Ok(()))));

    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/ocr/ja_dialogue.png");
    let image = image::open(fixture).unwrap().to_rgba8();
    // Different pixels each time, the same size: the models run every time (nothing is reused).
    for k in 0..4u8 {
        let mut img = image.clone();
        img.put_pixel(0, 0, image::Rgba([k, 0, 0, 255]));
        let id = pipeline.next_id();
        pipeline.submit(common::test_job(id, Source::Image(img)));
        loop {
            match next() {
                PipelineEvent::Recognized { job, .. } if job == id => {}
                PipelineEvent::Ended { job, .. } if job == id => break,
                _ => {}
            }
        }
    }
    let read = rss_kib();
    // The pipeline says when it gave the memory back (a probe event), half a second after the last read.
    let t = Instant::now();
    while !std::fs::read_to_string(&probe)
        .unwrap_or_default()
        .contains("\"heap_released\"")
    {
        assert!(
            t.elapsed() < Duration::from_secs(30),
            "no heap_released event"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    let idle = rss_kib();
    println!(
        "resident after the reads {} MiB, once idle {} MiB",
        read / 1024,
        idle / 1024
    );
    // A 1280×240 box keeps tens of MiB between reads (the detector's working set).
    assert!(
        idle + 16 * 1024 < read,
        "only {} KiB given back ({} → {} KiB)",
        read.saturating_sub(idle),
        read,
        idle
    );
}
