//! `ocrlay ocr` as a user runs it: the real binary on fixture and temporary files.

mod ocr_support;

use std::process::Command;

fn ocrlay() -> Command {
    Command::new(env!("CARGO_BIN_EXE_ocrlay"))
}

fn fixture(name: &str) -> std::path::PathBuf {
    ocr_support::fixtures_dir().join(name)
}

#[test]
fn prints_lines_top_to_bottom_and_timings() {
    let out = ocrlay()
        .args(["ocr", "--lang", "ja", "--timings"])
        .arg(fixture("ja_dialogue.png"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 3, "{stdout}");
    assert_eq!(lines[0], "【アリス】");
    assert_eq!(lines[2], "本当に行くつもりなの？」");
    let stderr = String::from_utf8(out.stderr).unwrap();
    let timing = stderr
        .lines()
        .find(|l| l.starts_with("timings: "))
        .unwrap_or_else(|| panic!("no timings line in {stderr}"));
    let parts: Vec<&str> = timing["timings: ".len()..].split(' ').collect();
    let keys: Vec<&str> = parts.iter().map(|p| p.split('=').next().unwrap()).collect();
    assert_eq!(keys, ["load", "detect", "recognize", "total"], "{timing}");
    for p in parts {
        let v = p.split('=').nth(1).unwrap();
        assert!(v.ends_with("ms"), "{timing}");
        v.trim_end_matches("ms").parse::<u64>().expect(timing);
    }
}

#[test]
fn json_has_boxes_and_confidences() {
    let out = ocrlay()
        .args(["ocr", "--json"])
        .arg(fixture("en_parchment.png"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["engine"], "ppocr");
    let lines = v["lines"].as_array().unwrap();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["text"], "The ancient seal has been broken.");
    assert_eq!(lines[0]["quad"].as_array().unwrap().len(), 4);
    assert!(lines[0]["rect"]["width"].as_f64().unwrap() > 100.0);
    assert!(lines[0]["confidence"].as_f64().unwrap() > 0.8);
}

#[test]
fn image_without_text_prints_nothing() {
    let out = ocrlay()
        .args(["ocr", "--timings"])
        .arg(fixture("edge_black.png"))
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(
        out.stdout.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

#[test]
fn unreadable_image_fails_with_a_clear_message() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("not-an-image.png");
    std::fs::write(&bad, "hello").unwrap();
    let out = ocrlay().arg("ocr").arg(&bad).output().unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("not-an-image.png"), "{stderr}");
    assert!(stderr.contains("image"), "{stderr}");

    let missing = dir.path().join("missing.png");
    let out = ocrlay().arg("ocr").arg(&missing).output().unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("missing.png"));
}

#[test]
fn missing_models_dir_file_is_explained() {
    let dir = tempfile::tempdir().unwrap();
    // Only a configured dir without the files: the repo's models/ still holds them, so this must succeed…
    let out = ocrlay()
        .args(["ocr", "--models"])
        .arg(dir.path())
        .arg(fixture("edge_black.png"))
        .output()
        .unwrap();
    assert!(out.status.success());
    // …while an unknown model name is refused with the known ones listed.
    let out = ocrlay()
        .args(["ocr", "--rec-model", "nope.onnx"])
        .arg(fixture("edge_black.png"))
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("nope.onnx") && stderr.contains("PP-OCRv6_rec_small.onnx"),
        "{stderr}"
    );
}
