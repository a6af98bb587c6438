//! A 20 000-character reply streamed one character per chunk from a loopback server: the work the app does for
//! each token, at the start of the reply and at its end, with the overlay updates as they were (every token:
//! replacement rules over the whole text, the whole text serialised for the page) and as they are now
//! (coalesced by `DeltaThrottle` to 20 a second). Flat means the last tokens cost what the first did.
//! Run with `cargo bench --bench long_reply`.

use axum::body::{Body, Bytes};
use axum::response::Response;
use ocrlay::app::windows::overlay::OverlayOut;
use ocrlay::app::windows::script_for;
use ocrlay::filters::{Filters, Stage};
use ocrlay::lang::Lang;
use ocrlay::pipeline::DeltaThrottle;
use ocrlay::providers::{find, ApiKey, Endpoint, EndpointSpec, TranslateRequest};
use std::time::{Duration, Instant};

const CHARS: usize = 20_000;

async fn handle() -> Response {
    let (tx, rx) = tokio::sync::mpsc::channel::<Result<Bytes, std::io::Error>>(256);
    tokio::spawn(async move {
        for i in 0..CHARS as u64 {
            // Never a short repeating pattern (that would be cut as a loop).
            let c = char::from_u32(0x4e00 + (i * 7919 % 20000) as u32).unwrap();
            let ev = format!(
                "data: {}\n\n",
                serde_json::json!({"choices":[{"index":0,"delta":{"content": c.to_string()},"finish_reason":null}]})
            );
            if tx.send(Ok(Bytes::from(ev))).await.is_err() {
                return;
            }
        }
        let _ = tx
            .send(Ok(Bytes::from(
                "data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n",
            )))
            .await;
    });
    Response::builder()
        .header("content-type", "text/event-stream")
        .body(Body::from_stream(
            tokio_stream::wrappers::ReceiverStream::new(rx),
        ))
        .unwrap()
}

/// Mean time spent in the update path per token, for tokens `range` (µs).
fn mean_us(samples: &[Duration], range: std::ops::Range<usize>) -> f64 {
    let s = &samples[range];
    s.iter().map(Duration::as_secs_f64).sum::<f64>() / s.len() as f64 * 1e6
}

/// Median of the same (µs).
fn median_us(samples: &[Duration], range: std::ops::Range<usize>) -> f64 {
    let mut s = samples[range].to_vec();
    s.sort();
    s[s.len() / 2].as_secs_f64() * 1e6
}

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/v1/chat/completions", listener.local_addr().unwrap());
        let app = axum::Router::new().fallback(axum::routing::post(handle));
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        let mut spec = EndpointSpec::new(find("custom").unwrap());
        spec.url = Some(url);
        spec.key = Some(ApiKey::new("sk-bench"));
        spec.model = Some("m".into());
        spec.sampling.max_tokens = Some(100_000);
        let ep = Endpoint::new(spec).unwrap();
        let (filters, _) = Filters::compile(&[]);
        println!("{CHARS}-character reply, one character per chunk; µs of update work per token:");
        println!(
            "| overlay updates | mean, tokens 1–2000 | mean, 18001–20000 | median, 1–2000 | median, 18001–20000 | \
             wall ms per 1000 tokens, first / last 2000 | updates sent | whole call |"
        );
        println!("|---|---|---|---|---|---|---|---|");
        for throttled in [false, true] {
            let req = TranslateRequest::new("長い文章", Lang::Japanese, Lang::ChineseSimplified);
            let mut samples = Vec::with_capacity(CHARS);
            let mut arrivals = Vec::with_capacity(CHARS);
            let mut throttle = DeltaThrottle::default();
            let mut sent = 0usize;
            let mut bytes = 0usize;
            let t = Instant::now();
            let out = ep
                .translate(&req, &mut |u| {
                    let t0 = Instant::now();
                    if !throttled || throttle.due(t0) {
                        // What the pipeline and the UI thread do with each update they pass on.
                        let text = filters.apply(Stage::AfterTranslation, u.text).into_owned();
                        let script = script_for(&OverlayOut::Delta {
                            job: 1,
                            provider: "custom".into(),
                            text,
                        });
                        bytes += script.len();
                        sent += 1;
                    }
                    samples.push(t0.elapsed());
                    arrivals.push(t0);
                })
                .await
                .unwrap();
            let total = t.elapsed();
            assert_eq!(out.text.chars().count(), CHARS);
            let (first, last) = (mean_us(&samples, 0..2000), mean_us(&samples, CHARS - 2000..CHARS));
            let (mfirst, mlast) = (median_us(&samples, 0..2000), median_us(&samples, CHARS - 2000..CHARS));
            let wall = |a: usize, b: usize| (arrivals[b] - arrivals[a]).as_secs_f64() * 1e3 / ((b - a) as f64 / 1000.0);
            println!(
                "| {} | {first:.2} µs | {last:.2} µs | {mfirst:.2} µs | {mlast:.2} µs | {:.1} / {:.1} | {sent} ({:.1} MB) | {:.0} ms |",
                if throttled { "coalesced, ≤ 20/s (now)" } else { "every token (before)" },
                wall(0, 1999),
                wall(CHARS - 2000, CHARS - 1),
                bytes as f64 / 1e6,
                total.as_secs_f64() * 1e3
            );
        }
    });
}
