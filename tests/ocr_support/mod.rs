//! Helpers shared by the OCR tests and the OCR benchmark: fixtures and character error rate.

#![allow(dead_code)]

use std::path::{Path, PathBuf};

use ocrlay::lang::Lang;

/// The directory of the golden OCR fixtures.
pub fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/ocr")
}

/// The file stems of the `.png` images in `dir`, sorted.
pub fn image_stems(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| {
            let name = e.ok()?.file_name().into_string().ok()?;
            name.strip_suffix(".png").map(str::to_string)
        })
        .collect();
    names.sort();
    names
}

/// The image `dir/<name>.png` and the lines `dir/<name>.expected.txt` says it shows.
pub fn read_fixture(dir: &Path, name: &str) -> (image::RgbaImage, Vec<String>) {
    let expected = std::fs::read_to_string(dir.join(format!("{name}.expected.txt")))
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect();
    let img = image::open(dir.join(format!("{name}.png")))
        .unwrap()
        .into_rgba8();
    (img, expected)
}

/// One golden fixture: an image and the lines it shows.
pub struct Fixture {
    /// File stem, e.g. `ja_dialogue`.
    pub name: String,
    /// `ja`, `en` or `zh`.
    pub lang_code: String,
    /// The image file.
    pub image: PathBuf,
    /// The expected lines, top to bottom.
    pub expected: Vec<String>,
}

impl Fixture {
    /// The language the fixture is written in.
    pub fn lang(&self) -> Lang {
        self.lang_code.parse().unwrap_or(Lang::Auto)
    }
}

/// Every fixture with an `*.expected.txt`, sorted by name.
pub fn fixtures() -> Vec<Fixture> {
    let mut out = Vec::new();
    let dir = fixtures_dir();
    let entries = std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    for entry in entries.flatten() {
        let path = entry.path();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let Some(stem) = name.strip_suffix(".expected.txt") else {
            continue;
        };
        let expected = std::fs::read_to_string(&path)
            .unwrap()
            .lines()
            .map(str::to_string)
            .filter(|l| !l.is_empty())
            .collect();
        out.push(Fixture {
            name: stem.to_string(),
            lang_code: stem.split('_').next().unwrap().to_string(),
            image: dir.join(format!("{stem}.png")),
            expected,
        });
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    out
}

/// Levenshtein distance over Unicode scalar values.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for i in 1..=a.len() {
        cur[0] = i;
        for j in 1..=b.len() {
            let sub = prev[j - 1] + usize::from(a[i - 1] != b[j - 1]);
            cur[j] = sub.min(prev[j] + 1).min(cur[j - 1] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

/// Text compared for CER: lines joined by newlines (so missing or extra lines count too).
pub fn joined(lines: &[String]) -> String {
    lines.join("\n")
}

/// (edit distance, reference length) of one fixture's output.
pub fn cer_parts(expected: &[String], actual: &[String]) -> (usize, usize) {
    let e = joined(expected);
    (edit_distance(&e, &joined(actual)), e.chars().count())
}

#[test]
fn edit_distance_counts_chars() {
    assert_eq!(edit_distance("日本語", "日本"), 1);
    assert_eq!(edit_distance("kitten", "sitting"), 3);
    assert_eq!(edit_distance("", "abc"), 3);
}
