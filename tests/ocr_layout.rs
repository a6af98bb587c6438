//! Layout golden tests on tests/fixtures/ocr-layout (scripts/render-layout-fixtures.py): vertical Japanese in
//! three game styles and two fonts, a horizontal name box over vertical dialogue, furigana over horizontal and
//! vertical text, and a small caption standing on its own. Lines must come out in reading order (columns right
//! to left), furigana left out, vertical punctuation in its ordinary form; fixtures the engine reads whole are
//! held to their exact text, and each family's character error rate to a bar measured on this set
//! (benches/RESULTS.md).

mod ocr_support;

use ocr_support::{cer_parts, edit_distance};
use ocrlay::lang::Lang;
use ocrlay::ocr::{load_engine, EngineKind, EngineParams, RecognizeOptions, TextDirection};
use std::collections::BTreeMap;
use std::path::Path;

/// Fixtures read exactly, character for character.
const EXACT: [&str; 4] = [
    "furigana_horizontal",
    "furigana_horizontal_serif",
    "small_standalone",
    "vertical_dialogue_serif",
];

/// Highest accepted CER per family, in percent (measured on this set, with a little headroom).
const CER_BARS: [(&str, f64); 3] = [("vertical", 13.0), ("furigana", 4.0), ("small", 0.0)];

fn read(name: &str, direction: TextDirection) -> (Vec<String>, Vec<String>) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/ocr-layout");
    let (img, expected) = ocr_support::read_fixture(&dir, name);
    let mut engine = load_engine(EngineKind::PpOcr, &EngineParams::default()).unwrap();
    let opts = RecognizeOptions {
        direction,
        ..RecognizeOptions::for_lang(Lang::Japanese)
    };
    let out = engine.recognize(&img, &opts).unwrap();
    (expected, out.lines.iter().map(|l| l.text.clone()).collect())
}

fn names() -> Vec<String> {
    ocr_support::image_stems(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/ocr-layout"),
    )
}

#[test]
fn lines_come_out_in_reading_order_without_furigana() {
    let mut families: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    let all = names();
    assert!(all.len() >= 9, "fixtures missing: {all:?}");
    for name in &all {
        let (expected, lines) = read(name, TextDirection::Auto);
        println!("{name}: {lines:?}");
        // Every line found, and each in its place: the closest expected line to output line i is line i.
        assert_eq!(lines.len(), expected.len(), "{name}: {lines:?}");
        for (i, line) in lines.iter().enumerate() {
            let closest = (0..expected.len())
                .min_by_key(|&j| edit_distance(&expected[j], line))
                .unwrap();
            assert_eq!(
                closest, i,
                "{name}: line {i} {line:?} is out of order: {lines:?}"
            );
        }
        if EXACT.contains(&name.as_str()) {
            assert_eq!(lines, expected, "{name}");
        }
        let family = name.split('_').next().unwrap();
        let (d, n) = cer_parts(&expected, &lines);
        let e = families.entry(family).or_default();
        e.0 += d;
        e.1 += n;
    }
    for (family, bar) in CER_BARS {
        let (d, n) = families[family];
        let cer = 100.0 * d as f64 / n as f64;
        println!("{family}: CER {cer:.2}% ({d}/{n}), bar {bar}%");
        assert!(cer <= bar, "{family}: CER {cer:.2}% above the bar {bar}%");
    }
}

#[test]
fn the_direction_setting_is_obeyed() {
    // Said vertical, a vertical page reads the same as when guessed.
    let (expected, lines) = read("vertical_dialogue_serif", TextDirection::Vertical);
    assert_eq!(lines, expected);
    // Said horizontal, the columns are read left to right (the old reading, kept for pages the guess gets
    // wrong): the last column comes first.
    let (_, lines) = read("vertical_dialogue_serif", TextDirection::Horizontal);
    assert_ne!(lines, expected);
    assert!(lines[0].starts_with("ゆっくり"), "{lines:?}");
}
