//! OCR edge cases through the real default models: degenerate images, a very long strip, and broken or
//! missing model files.

mod ocr_support;

use std::path::Path;
use std::time::{Duration, Instant};

use image::RgbaImage;
use ocrlay::ocr::{
    load_engine, EngineKind, EngineParams, ModelLocations, OcrError, RecognizeOptions,
};

fn engine() -> Box<dyn ocrlay::ocr::OcrEngine> {
    load_engine(EngineKind::PpOcr, &EngineParams::default())
        .expect("default PP-OCR models in models/ (scripts/fetch-models.sh)")
}

fn repo_models() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("models")
}

#[test]
fn degenerate_images_give_no_lines() {
    let mut e = engine();
    let opts = RecognizeOptions::default();
    for (w, h) in [(0, 0), (1, 1), (0, 50), (3, 400)] {
        let out = e.recognize(&RgbaImage::new(w, h), &opts).unwrap();
        assert!(out.lines.is_empty(), "{w}x{h}: {:?}", out.lines);
    }
    let black = RgbaImage::from_pixel(640, 200, image::Rgba([0, 0, 0, 255]));
    assert!(e.recognize(&black, &opts).unwrap().lines.is_empty());
    let white = RgbaImage::from_pixel(300, 300, image::Rgba([255, 255, 255, 255]));
    assert!(e.recognize(&white, &opts).unwrap().lines.is_empty());
}

#[test]
fn long_strip_is_read_in_bounded_time() {
    let mut e = engine();
    let img = image::open(ocr_support::fixtures_dir().join("edge_strip_8000x100.png"))
        .unwrap()
        .into_rgba8();
    let start = Instant::now();
    let out = e
        .recognize(
            &img,
            &RecognizeOptions::for_lang(ocrlay::lang::Lang::English),
        )
        .unwrap();
    let took = start.elapsed();
    let text = out.text();
    assert!(text.contains("quick brown fox"), "{text}");
    // Generous: debug test builds on a loaded 2-core machine. Release takes well under a second.
    assert!(took < Duration::from_secs(60), "{took:?}");
}

fn copy_models(to: &Path) {
    for name in [
        "ppocrv5_det.onnx",
        "PP-OCRv6_rec_small.onnx",
        "ppocrv6_dict.txt",
    ] {
        std::fs::copy(repo_models().join(name), to.join(name)).unwrap();
    }
}

fn only(dir: &Path) -> EngineParams {
    EngineParams {
        locations: ModelLocations {
            configured_dir: Some(dir.to_path_buf()),
            only_configured: true,
        },
        ..Default::default()
    }
}

#[test]
fn corrupt_model_file_is_refused_by_name() {
    let dir = tempfile::tempdir().unwrap();
    copy_models(dir.path());
    let det = dir.path().join("ppocrv5_det.onnx");
    let mut bytes = std::fs::read(&det).unwrap();
    let mid = bytes.len() / 2;
    bytes[mid] ^= 0xff;
    std::fs::write(&det, bytes).unwrap();
    let err = load_engine(EngineKind::PpOcr, &only(dir.path()))
        .err()
        .expect("corrupt file must not load");
    assert!(matches!(err, OcrError::ModelChecksum { .. }), "{err}");
    let msg = err.to_string();
    assert!(msg.contains(&det.display().to_string()), "{msg}");
    assert!(msg.contains("scripts/fetch-models.sh"), "{msg}");
}

#[test]
fn missing_model_file_is_named() {
    let dir = tempfile::tempdir().unwrap();
    copy_models(dir.path());
    std::fs::remove_file(dir.path().join("ppocrv6_dict.txt")).unwrap();
    let err = load_engine(EngineKind::PpOcr, &only(dir.path()))
        .err()
        .expect("missing file must not load");
    assert!(matches!(err, OcrError::ModelMissing { .. }), "{err}");
    let msg = err.to_string();
    assert!(msg.contains("ppocrv6_dict.txt"), "{msg}");
    assert!(msg.contains("fetch-models.sh"), "{msg}");
}

#[test]
fn configured_dir_with_good_models_loads() {
    let dir = tempfile::tempdir().unwrap();
    copy_models(dir.path());
    let mut e = load_engine(EngineKind::PpOcr, &only(dir.path())).unwrap();
    let img = image::open(ocr_support::fixtures_dir().join("en_outlined.png"))
        .unwrap()
        .into_rgba8();
    let out = e.recognize(&img, &RecognizeOptions::default()).unwrap();
    assert_eq!(out.text(), "LEVEL UP!\nAttack increased by 5.");
    let line = &out.lines[0];
    assert!(line.confidence.unwrap() > 0.8);
    assert!(line.rect.x >= 0.0 && line.rect.right() <= img.width() as f32);
    assert!(line.rect.y < out.lines[1].rect.y);
}
