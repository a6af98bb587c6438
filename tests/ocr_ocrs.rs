//! The ocrs engine's model handling: download on first use from a local HTTP server (standing in for the
//! ocrs model hosting, which tests never reach), atomic write into the cache, reuse of the cached file,
//! and refusal of broken downloads. The served "models" are the repo's PP-OCR ONNX files: rten loads them
//! like the real `.rten` files, which is what the loadability check needs.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use ocrlay::ocr::models::HttpFetcher;
use ocrlay::ocr::ocrs_engine::{locate_or_fetch, OcrsEngine, OCRS_DET_FILE, OCRS_REC_FILE};
use ocrlay::ocr::{ModelLocations, OcrEngine, OcrsParams, RecognizeOptions};

/// Serves `routes` (path → (announced length, body)) on 127.0.0.1; counts requests.
fn serve(routes: Vec<(String, usize, Vec<u8>)>) -> (String, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let hits = Arc::new(AtomicUsize::new(0));
    let counter = hits.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming().take(16) {
            let Ok(mut stream) = stream else { continue };
            counter.fetch_add(1, Ordering::SeqCst);
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut request = String::new();
            reader.read_line(&mut request).unwrap();
            loop {
                let mut h = String::new();
                if reader.read_line(&mut h).unwrap() == 0 || h == "\r\n" {
                    break;
                }
            }
            let path = request.split_whitespace().nth(1).unwrap_or("").to_string();
            match routes.iter().find(|(p, _, _)| *p == path) {
                Some((_, len, body)) => {
                    let head = format!(
                        "HTTP/1.1 200 OK\r\nContent-Length: {len}\r\nConnection: close\r\n\r\n"
                    );
                    let _ = stream.write_all(head.as_bytes());
                    let _ = stream.write_all(body);
                }
                None => {
                    let _ = stream.write_all(
                        b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
                    );
                }
            }
        }
    });
    (format!("http://{addr}"), hits)
}

fn model_bytes(name: &str) -> Vec<u8> {
    std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("models")
            .join(name),
    )
    .unwrap()
}

fn nowhere() -> ModelLocations {
    ModelLocations {
        configured_dir: None,
        only_configured: true,
    }
}

#[test]
fn downloads_once_into_the_cache_then_reuses_it() {
    let det = model_bytes("ppocrv5_det.onnx");
    let (base, hits) = serve(vec![
        (format!("/{OCRS_DET_FILE}"), det.len(), det.clone()),
        (format!("/{OCRS_REC_FILE}"), det.len(), det.clone()),
    ]);
    let cache = tempfile::tempdir().unwrap();
    let params = OcrsParams {
        url_base: base,
        allow_download: true,
        cache_dir: Some(cache.path().join("models")),
    };
    let mut engine = OcrsEngine::load_with(&nowhere(), &params, &HttpFetcher).unwrap();
    assert_eq!(hits.load(Ordering::SeqCst), 2);
    for name in [OCRS_DET_FILE, OCRS_REC_FILE] {
        let saved = std::fs::read(cache.path().join("models").join(name)).unwrap();
        assert_eq!(saved.len(), det.len());
    }
    // No temporary files are left behind: the two models and the hash recorded for each.
    let mut names: Vec<String> = std::fs::read_dir(cache.path().join("models"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            OCRS_DET_FILE.to_string(),
            format!("{OCRS_DET_FILE}.sha256"),
            OCRS_REC_FILE.to_string(),
            format!("{OCRS_REC_FILE}.sha256"),
        ]
    );

    // Second start: from the cache, no download, even with downloading turned off.
    let offline = OcrsParams {
        allow_download: false,
        ..params
    };
    OcrsEngine::load_with(&nowhere(), &offline, &HttpFetcher).unwrap();
    assert_eq!(hits.load(Ordering::SeqCst), 2);

    // These stand-in models do not have ocrs's fixed input size: recognition reports an error, no panic.
    let img = image::RgbaImage::from_pixel(64, 32, image::Rgba([255, 255, 255, 255]));
    assert!(engine
        .recognize(&img, &RecognizeOptions::default())
        .is_err());
}

#[test]
fn truncated_or_garbage_downloads_are_not_kept() {
    let det = model_bytes("ppocrv5_det.onnx");
    let (base, _) = serve(vec![
        // Announces more than it sends.
        (format!("/{OCRS_DET_FILE}"), det.len() + 1000, det.clone()),
        (format!("/{OCRS_REC_FILE}"), 11, b"not a model".to_vec()),
    ]);
    let cache = tempfile::tempdir().unwrap();
    let params = OcrsParams {
        url_base: base,
        allow_download: true,
        cache_dir: Some(cache.path().to_path_buf()),
    };
    for name in [OCRS_DET_FILE, OCRS_REC_FILE] {
        let err = locate_or_fetch(name, &nowhere(), &params, &HttpFetcher).unwrap_err();
        let msg = err.to_string();
        assert!(msg.contains(name), "{msg}");
        assert!(msg.contains(&cache.path().display().to_string()), "{msg}");
    }
    assert_eq!(std::fs::read_dir(cache.path()).unwrap().count(), 0);
}

#[test]
fn a_broken_file_in_the_cache_is_reported() {
    let cache = tempfile::tempdir().unwrap();
    std::fs::write(cache.path().join(OCRS_DET_FILE), b"garbage").unwrap();
    let params = OcrsParams {
        allow_download: false,
        cache_dir: Some(cache.path().to_path_buf()),
        ..Default::default()
    };
    let err = locate_or_fetch(OCRS_DET_FILE, &nowhere(), &params, &HttpFetcher).unwrap_err();
    let msg = err.to_string();
    assert!(
        msg.contains(OCRS_DET_FILE) && msg.contains("delete it"),
        "{msg}"
    );
}

#[test]
fn a_downloaded_model_changed_on_disk_is_not_loaded() {
    let det = model_bytes("ppocrv5_det.onnx");
    let (base, hits) = serve(vec![(format!("/{OCRS_DET_FILE}"), det.len(), det.clone())]);
    let cache = tempfile::tempdir().unwrap();
    let params = OcrsParams {
        url_base: base,
        allow_download: true,
        cache_dir: Some(cache.path().to_path_buf()),
    };
    locate_or_fetch(OCRS_DET_FILE, &nowhere(), &params, &HttpFetcher).unwrap();
    // Loaded again as it was: fine, and no second download.
    locate_or_fetch(OCRS_DET_FILE, &nowhere(), &params, &HttpFetcher).unwrap();
    assert_eq!(hits.load(Ordering::SeqCst), 1);
    // One byte changed (still a loadable file for all ocrlay can tell otherwise): refused, with what to do.
    let path = cache.path().join(OCRS_DET_FILE);
    let mut bytes = std::fs::read(&path).unwrap();
    let last = bytes.len() - 1;
    bytes[last] ^= 0x01;
    std::fs::write(&path, &bytes).unwrap();
    let Err(err) = locate_or_fetch(OCRS_DET_FILE, &nowhere(), &params, &HttpFetcher) else {
        panic!("a changed model was loaded");
    };
    let msg = err.to_string();
    assert!(msg.contains("changed since ocrlay downloaded it"), "{msg}");
    assert!(msg.contains("delete it to download it again"), "{msg}");
}
