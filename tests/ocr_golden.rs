//! Golden end-to-end OCR: every fixture in tests/fixtures/ocr through the default PP-OCR engine, with the
//! character error rate per language held under a bar measured on this fixture set (see benches/RESULTS.md).

mod ocr_support;

use std::collections::BTreeMap;

use ocr_support::{cer_parts, fixtures};
use ocrlay::ocr::{load_engine, EngineKind, EngineParams, RecognizeOptions};

/// Highest accepted CER per language, in percent. Set from the measurements in benches/RESULTS.md with
/// a little headroom; lower them when the pipeline gets better, never raise them to make a change pass.
const CER_BARS: [(&str, f64); 3] = [("ja", 1.0), ("en", 1.0), ("zh", 2.0)];

#[test]
fn fixture_cer_per_language_is_under_the_bar() {
    let mut engine = load_engine(EngineKind::PpOcr, &EngineParams::default())
        .expect("default PP-OCR models in models/ (scripts/fetch-models.sh)");
    let mut per_lang: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    let all = fixtures();
    assert!(all.len() >= 15, "fixtures missing: {}", all.len());
    for f in &all {
        let img = image::open(&f.image).expect("fixture image").into_rgba8();
        let out = engine
            .recognize(&img, &RecognizeOptions::for_lang(f.lang()))
            .expect("recognize");
        let lines: Vec<String> = out.lines.iter().map(|l| l.text.clone()).collect();
        let (d, n) = cer_parts(&f.expected, &lines);
        println!("{}: {d}/{n} edits  {:?}", f.name, lines);
        let e = per_lang.entry(f.lang_code.clone()).or_default();
        e.0 += d;
        e.1 += n;
        // Every line of every fixture must be found, in order (line count and rough content).
        assert_eq!(lines.len(), f.expected.len(), "{}: {lines:?}", f.name);
    }
    for (lang, bar) in CER_BARS {
        let (d, n) = per_lang[lang];
        let cer = 100.0 * d as f64 / n as f64;
        println!("{lang}: CER {cer:.2}% ({d}/{n}), bar {bar}%");
        assert!(cer <= bar, "{lang}: CER {cer:.2}% above the bar {bar}%");
    }
}
