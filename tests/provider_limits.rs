//! Provider calls are bounded whatever the server does: servers on 127.0.0.1 that never finish — one trickles
//! SSE keep-alive comments forever, one streams reasoning only, one sends an endless answer, one sends an
//! endless plain body, one loops on a short pattern — each end in a clear error within the overall limit, with
//! memory bounded by the body cap; every request carries a reply cap (`max_tokens`).

use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use ocrlay::lang::Lang;
use ocrlay::providers::client::MAX_REPLY_CHARS;
use ocrlay::providers::{find, ApiKey, Endpoint, EndpointSpec, ErrorKind, TranslateRequest};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// What the server does after the headers.
#[derive(Clone, Copy)]
enum Behaviour {
    /// `: keep-alive` every 100 ms, forever.
    KeepAlive,
    /// `reasoning_content` chunks every 50 ms, forever.
    ReasoningOnly,
    /// Content chunks of 1 KiB as fast as the client reads, forever.
    EndlessContent,
    /// A JSON body that never ends (not streamed).
    EndlessPlain,
    /// A short answer, then `<strong>` over and over, forever.
    Looping,
}

#[derive(Clone)]
struct Server {
    behaviour: Behaviour,
    /// Bytes written so far.
    sent: Arc<AtomicUsize>,
    /// Set when the client hung up.
    closed: Arc<AtomicUsize>,
    /// The request bodies.
    bodies: Arc<Mutex<Vec<serde_json::Value>>>,
}

async fn handle(State(s): State<Server>, _h: HeaderMap, body: Bytes) -> Response {
    s.bodies
        .lock()
        .unwrap()
        .push(serde_json::from_slice(&body).unwrap_or_default());
    let (tx, rx) = tokio::sync::mpsc::channel::<Result<Bytes, std::io::Error>>(4);
    let sent = s.sent.clone();
    let closed = s.closed.clone();
    let behaviour = s.behaviour;
    tokio::spawn(async move {
        let chunk = |content: &str, field: &str| {
            format!(
                "data: {}\n\n",
                serde_json::json!({"choices":[{"index":0,"delta":{field: content},"finish_reason":null}]})
            )
        };
        let mut first = true;
        let mut n = 0u32;
        loop {
            let piece = match behaviour {
                Behaviour::KeepAlive => {
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    ": keep-alive\n\n".to_string()
                }
                Behaviour::ReasoningOnly => {
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    chunk("让我想一想这个句子……", "reasoning_content")
                }
                // Text that never repeats a short pattern (so it is not a loop): only its length grows.
                Behaviour::EndlessContent => {
                    n += 1;
                    let text: String = (0..341u32)
                        .map(|i| {
                            char::from_u32(0x4e00 + ((n * 341 + i) as u64 * 7919 % 20000) as u32)
                                .unwrap()
                        })
                        .collect();
                    chunk(&text, "content")
                }
                Behaviour::EndlessPlain if first => {
                    r#"{"choices":[{"message":{"role":"assistant","content":""#.to_string()
                }
                Behaviour::EndlessPlain => "很长".repeat(512),
                Behaviour::Looping if first => chunk("她说：", "content"),
                Behaviour::Looping => chunk("<strong>", "content"),
            };
            first = false;
            sent.fetch_add(piece.len(), Ordering::Relaxed);
            if tx.send(Ok(Bytes::from(piece))).await.is_err() {
                // The client hung up.
                closed.store(1, Ordering::Relaxed);
                return;
            }
        }
    });
    let content_type = match behaviour {
        Behaviour::EndlessPlain => "application/json",
        _ => "text/event-stream",
    };
    Response::builder()
        .status(200)
        .header("content-type", content_type)
        .body(Body::from_stream(
            tokio_stream::wrappers::ReceiverStream::new(rx),
        ))
        .unwrap()
}

async fn server(behaviour: Behaviour) -> (String, Server) {
    let state = Server {
        behaviour,
        sent: Arc::default(),
        closed: Arc::default(),
        bodies: Arc::default(),
    };
    let app = axum::Router::new()
        .fallback(axum::routing::post(handle))
        .with_state(state.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!(
        "http://{}/v1/chat/completions",
        listener.local_addr().unwrap()
    );
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (url, state)
}

/// A custom provider at `url` with an overall limit of `total`.
fn endpoint(url: String, total: Duration, stream: bool) -> (Endpoint, TranslateRequest) {
    let mut spec = EndpointSpec::new(find("custom").unwrap());
    spec.url = Some(url);
    spec.key = Some(ApiKey::new("sk-limits"));
    spec.model = Some("m".into());
    spec.timeouts.total = total;
    let mut req = TranslateRequest::new("こんにちは", Lang::Japanese, Lang::ChineseSimplified);
    req.stream = stream;
    (Endpoint::new(spec).unwrap(), req)
}

#[tokio::test(flavor = "multi_thread")]
async fn keep_alive_comments_forever_end_at_the_overall_limit() {
    let (url, _s) = server(Behaviour::KeepAlive).await;
    let (ep, req) = endpoint(url, Duration::from_secs(2), true);
    let t = Instant::now();
    let e = ep.translate(&req, &mut |_| {}).await.unwrap_err();
    assert!(matches!(e.kind, ErrorKind::Deadline { .. }), "{e}");
    assert!(t.elapsed() < Duration::from_secs(5), "{:?}", t.elapsed());
    assert!(e.to_string().contains("within 2 s"), "{e}");
}

#[tokio::test(flavor = "multi_thread")]
async fn reasoning_only_forever_ends_at_the_overall_limit() {
    let (url, _s) = server(Behaviour::ReasoningOnly).await;
    let (ep, req) = endpoint(url, Duration::from_secs(2), true);
    let mut shown = 0;
    let e = ep.translate(&req, &mut |_| shown += 1).await.unwrap_err();
    assert!(matches!(e.kind, ErrorKind::Deadline { .. }), "{e}");
    // Reasoning is never shown as the translation.
    assert_eq!(shown, 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn an_endless_answer_stops_at_the_cap() {
    let (url, s) = server(Behaviour::EndlessContent).await;
    let (ep, req) = endpoint(url, Duration::from_secs(60), true);
    let e = ep.translate(&req, &mut |_| {}).await.unwrap_err();
    assert!(matches!(e.kind, ErrorKind::TooLarge { .. }), "{e}");
    // What was read is bounded: the reply cap, plus what was in flight.
    let partial = e.partial_text().unwrap_or_default().len();
    assert!(partial <= MAX_REPLY_CHARS * 4 + 4096, "{partial}");
    hung_up(&s).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn an_endless_plain_body_stops_at_the_byte_cap() {
    let (url, s) = server(Behaviour::EndlessPlain).await;
    let (ep, req) = endpoint(url, Duration::from_secs(60), false);
    let e = ep.translate(&req, &mut |_| {}).await.unwrap_err();
    assert!(matches!(e.kind, ErrorKind::TooLarge { .. }), "{e}");
    hung_up(&s).await;
}

/// The client hung up on the endless body: it read no further than the cap (and the sockets' buffers).
async fn hung_up(s: &Server) {
    let t = Instant::now();
    while s.closed.load(Ordering::Relaxed) == 0 {
        assert!(
            t.elapsed() < Duration::from_secs(10),
            "the client kept the endless body open ({} bytes sent)",
            s.sent.load(Ordering::Relaxed)
        );
        tokio::task::yield_now().await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_looping_model_is_cut_and_every_request_has_a_reply_cap() {
    let (url, s) = server(Behaviour::Looping).await;
    let (ep, req) = endpoint(url, Duration::from_secs(60), true);
    let mut last = String::new();
    let e = ep
        .translate(&req, &mut |u| last = u.text.to_string())
        .await
        .unwrap_err();
    assert!(matches!(e.kind, ErrorKind::Looping { .. }), "{e}");
    assert_eq!(e.partial_text(), Some("她说：<strong>"));
    // It stopped within a few hundred characters of the loop, not thousands.
    assert!(last.chars().count() < 600, "{}", last.chars().count());
    let bodies = s.bodies.lock().unwrap();
    assert_eq!(bodies[0]["max_tokens"], 256, "{}", bodies[0]);
}
