//! Every read from a provider's server is bounded and says what it got, whatever the server sends: servers on
//! 127.0.0.1 that drip a byte a second, send a body one byte past the cap or announce 200 MB, answer with a
//! web page or with bytes that are not UTF-8, or never answer at all — for the model list, the provider test
//! (with llama.cpp's `/health` probe) and a translation, and through the real binary for `ocrlay models`.
//!
//! Errors are matched by their string-table key and their parameters, never by their wording.

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::response::Response;
use ocrlay::lang::Lang;
use ocrlay::providers::client::MAX_BODY_BYTES;
use ocrlay::providers::{find, Endpoint, EndpointSpec, ProviderError, TranslateRequest};
use ocrlay::text::Param;
use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The most bytes of one streamed event (`providers::body::MAX_EVENT_BYTES`).
const MAX_EVENT_BYTES: usize = 1 << 20;

/// What the server answers on one path.
#[derive(Clone)]
enum Answer {
    /// A status, a content type and a body, at once.
    Whole(u16, &'static str, Vec<u8>),
    /// 200 and a body of which one byte comes each second, forever.
    Drip(&'static str),
    /// 200 and a model list of exactly this many bytes, in 64 KiB chunks, with no Content-Length.
    Sized(usize),
    /// 200 and a Content-Length of this many bytes, sent only as fast as the client reads.
    Announced(u64),
    /// A status and a body that never ends.
    Endless(u16, &'static str),
    /// 200 and one SSE event that never ends.
    EndlessEvent,
    /// No answer at all, not even the headers.
    Hang,
}

#[derive(Clone)]
struct Server {
    answers: Arc<HashMap<&'static str, Answer>>,
    /// Bytes of body handed to the connection so far.
    sent: Arc<AtomicUsize>,
    /// Signalled when the client hung up on a body.
    closed: Arc<tokio::sync::Notify>,
}

/// Makes the chunks of a body: `next(0)`, `next(1)`, … until `None`.
type Chunks = Box<dyn FnMut(usize) -> Option<Bytes> + Send>;

async fn handle(State(s): State<Server>, request: Request) -> Response {
    let answer = s
        .answers
        .get(request.uri().path())
        .cloned()
        .unwrap_or(Answer::Whole(404, "text/plain", b"no such path".to_vec()));
    let mut length = None;
    let mut pause = None;
    let (status, content_type, chunks): (u16, &str, Chunks) = match answer {
        Answer::Hang => std::future::pending().await,
        Answer::Whole(status, ct, body) => {
            let body = Bytes::from(body);
            (
                status,
                ct,
                Box::new(move |i| (i == 0).then(|| body.clone())),
            )
        }
        Answer::Drip(ct) => {
            pause = Some(Duration::from_secs(1));
            (
                200,
                ct,
                Box::new(|i| Some(Bytes::from(if i == 0 { "{" } else { " " }))),
            )
        }
        Answer::Sized(n) => {
            let mut body = br#"{"data":[{"id":"m1"}]}"#.to_vec();
            body.resize(n, b' ');
            let body = Bytes::from(body);
            let step = 64 << 10;
            (
                200,
                "application/json",
                Box::new(move |i| {
                    let start = i * step;
                    (start < body.len()).then(|| body.slice(start..(start + step).min(body.len())))
                }),
            )
        }
        Answer::Announced(n) => {
            length = Some(n);
            let chunk = Bytes::from(vec![b' '; 64 << 10]);
            let mut left = n as usize;
            (
                200,
                "application/json",
                Box::new(move |_| {
                    (left > 0).then(|| {
                        let take = left.min(chunk.len());
                        left -= take;
                        chunk.slice(..take)
                    })
                }),
            )
        }
        Answer::Endless(status, ct) => {
            let chunk = Bytes::from(vec![b'x'; 64 << 10]);
            (status, ct, Box::new(move |_| Some(chunk.clone())))
        }
        Answer::EndlessEvent => {
            let chunk = Bytes::from(vec![b'a'; 64 << 10]);
            let head = Bytes::from_static(b"data: {\"choices\":[{\"delta\":{\"content\":\"");
            (
                200,
                "text/event-stream",
                Box::new(move |i| Some(if i == 0 { head.clone() } else { chunk.clone() })),
            )
        }
    };
    let mut response = Response::builder()
        .status(status)
        .header("content-type", content_type);
    if let Some(n) = length {
        response = response.header("content-length", n);
    }
    response.body(body(&s, chunks, pause)).unwrap()
}

/// A body made of `chunks`, sent as fast as the client reads them, or one per `pause`; the server's state
/// counts what was sent and sees the client hang up.
fn body(s: &Server, mut chunks: Chunks, pause: Option<Duration>) -> Body {
    let (tx, rx) = tokio::sync::mpsc::channel::<Result<Bytes, std::io::Error>>(2);
    let sent = s.sent.clone();
    let closed = s.closed.clone();
    tokio::spawn(async move {
        let mut i = 0;
        while let Some(chunk) = chunks(i) {
            if let Some(p) = pause.filter(|_| i > 0) {
                tokio::time::sleep(p).await;
            }
            i += 1;
            let n = chunk.len();
            if tx.send(Ok(chunk)).await.is_err() {
                closed.notify_one();
                return;
            }
            sent.fetch_add(n, Ordering::Relaxed);
        }
    });
    Body::from_stream(tokio_stream::wrappers::ReceiverStream::new(rx))
}

/// Starts a server with these answers; returns its base URL and its state.
async fn server(answers: &[(&'static str, Answer)]) -> (String, Server) {
    let state = Server {
        answers: Arc::new(answers.iter().cloned().collect()),
        sent: Arc::default(),
        closed: Arc::default(),
    };
    let app = axum::Router::new()
        .fallback(handle)
        .with_state(state.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (base, state)
}

/// A provider at `base` (the custom relay, or `id`) with an overall limit of `total`.
fn endpoint(id: &str, base: &str, total: Duration) -> Endpoint {
    let mut spec = EndpointSpec::new(find(id).unwrap());
    spec.url = Some(format!("{base}/v1/chat/completions"));
    spec.model = Some("m".into());
    spec.timeouts.total = total;
    spec.retry.base_delay = Duration::from_millis(10);
    Endpoint::new(spec).unwrap()
}

/// The string-table key of an error's sentence.
fn key(e: &ProviderError) -> String {
    e.kind.text().key.into_owned()
}

/// A parameter of an error's sentence, as shown.
fn param(e: &ProviderError, name: &str) -> String {
    match e.kind.text().params.get(name) {
        Some(Param::Plain(s)) => s.clone(),
        Some(Param::Text(t)) => t.to_string(),
        None => panic!("{e}: no {name}"),
    }
}

/// Runs a call, failing the test if it is still running after `limit` (what main did: it never ended).
async fn within<T>(limit: Duration, call: impl std::future::Future<Output = T>) -> (T, Duration) {
    let t = Instant::now();
    match tokio::time::timeout(limit, call).await {
        Ok(out) => (out, t.elapsed()),
        Err(_) => panic!("still running after {limit:?}"),
    }
}

/// The client hung up on the body: it read no further than the cap (and the sockets' buffers).
async fn hung_up(s: &Server) {
    within(Duration::from_secs(10), async {
        // The permit is kept if the client hung up before this waits.
        s.closed.notified().await
    })
    .await;
}

fn request() -> TranslateRequest {
    TranslateRequest::new("こんにちは", Lang::Japanese, Lang::ChineseSimplified)
}

const TWO_S: Duration = Duration::from_secs(2);
const GUARD: Duration = Duration::from_secs(30);

// The model list.

#[tokio::test(flavor = "multi_thread")]
async fn a_model_list_dripping_a_byte_a_second_ends_at_the_overall_limit() {
    let (base, s) = server(&[("/v1/models", Answer::Drip("application/json"))]).await;
    let ep = endpoint("custom", &base, TWO_S);
    let (result, took) = within(GUARD, ep.list_models()).await;
    let e = result.unwrap_err();
    assert_eq!(key(&e), "provider.err.body_deadline", "{e}");
    assert_eq!(param(&e, "secs"), "2");
    assert_eq!(param(&e, "url"), format!("{base}/v1/models"));
    assert!(took < Duration::from_secs(4), "{took:?}");
    hung_up(&s).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_model_list_is_read_up_to_the_cap_and_not_one_byte_more() {
    let (base, _) = server(&[("/v1/models", Answer::Sized(MAX_BODY_BYTES))]).await;
    let ep = endpoint("custom", &base, GUARD);
    let (models, _) = within(GUARD, ep.list_models()).await;
    assert_eq!(models.unwrap(), ["m1"]);

    let (base, _) = server(&[("/v1/models", Answer::Sized(MAX_BODY_BYTES + 1))]).await;
    let ep = endpoint("custom", &base, GUARD);
    let (result, _) = within(GUARD, ep.list_models()).await;
    let e = result.unwrap_err();
    assert_eq!(key(&e), "provider.err.body_over_limit", "{e}");
    assert_eq!(param(&e, "limit"), "8 MB");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_model_list_announced_at_200_mb_is_not_read() {
    let (base, s) = server(&[("/v1/models", Answer::Announced(200_000_000))]).await;
    let ep = endpoint("custom", &base, GUARD);
    let (result, _) = within(GUARD, ep.list_models()).await;
    let e = result.unwrap_err();
    assert_eq!(key(&e), "provider.err.body_too_large", "{e}");
    assert_eq!(param(&e, "size"), "191 MB");
    assert_eq!(param(&e, "limit"), "8 MB");
    hung_up(&s).await;
    // Only what the sockets' buffers took was sent, far from the 200 MB.
    let sent = s.sent.load(Ordering::Relaxed);
    assert!(sent < 50_000_000, "{sent}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_model_list_that_is_a_web_page_says_so() {
    let page = b"<!DOCTYPE html>\n<html><head><title>Wi-Fi Login</title></head><body>Sign in</body></html>";
    let (base, _) = server(&[("/v1/models", Answer::Whole(200, "text/html", page.to_vec()))]).await;
    let ep = endpoint("custom", &base, GUARD);
    let e = within(GUARD, ep.list_models()).await.0.unwrap_err();
    assert_eq!(key(&e), "provider.err.html_page", "{e}");
    assert_eq!(param(&e, "url"), format!("{base}/v1/models"));
    assert!(param(&e, "title").contains("Wi-Fi Login"), "{e}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_model_list_that_is_not_utf8_says_so() {
    // A relay answering in GBK: 模型 is CE C4 D0 CD there, not UTF-8.
    let mut body = br#"{"data":[{"id":""#.to_vec();
    body.extend_from_slice(b"\xc4\xa3\xd0\xcd");
    body.extend_from_slice(br#""}]}"#);
    let (base, _) = server(&[("/v1/models", Answer::Whole(200, "application/json", body))]).await;
    let ep = endpoint("custom", &base, GUARD);
    let e = within(GUARD, ep.list_models()).await.0.unwrap_err();
    assert_eq!(key(&e), "provider.err.not_text", "{e}");
}

#[tokio::test(flavor = "multi_thread")]
async fn an_error_status_with_an_endless_body_is_reported_at_once() {
    let (base, s) = server(&[("/v1/models", Answer::Endless(500, "text/plain"))]).await;
    let ep = endpoint("custom", &base, GUARD);
    let (result, took) = within(GUARD, ep.list_models()).await;
    let e = result.unwrap_err();
    assert_eq!(key(&e), "provider.err.server", "{e}");
    assert!(took < Duration::from_secs(10), "{took:?}");
    hung_up(&s).await;
}

// The provider test.

#[tokio::test(flavor = "multi_thread")]
async fn a_health_probe_that_never_answers_ends_at_the_overall_limit() {
    let (base, _) = server(&[("/health", Answer::Hang)]).await;
    let ep = endpoint("sakura-llama", &base, TWO_S);
    let (result, took) = within(GUARD, ep.test(Lang::Japanese, Lang::ChineseSimplified)).await;
    let e = result.unwrap_err();
    assert_eq!(key(&e), "provider.err.body_deadline", "{e}");
    assert_eq!(param(&e, "url"), format!("{base}/health"));
    assert!(took < Duration::from_secs(4), "{took:?}");
}

/// llama.cpp's health answer.
fn healthy() -> (&'static str, Answer) {
    (
        "/health",
        Answer::Whole(200, "application/json", br#"{"status":"ok"}"#.to_vec()),
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn a_provider_test_answered_by_a_web_page_says_so() {
    let page = b"<html><head><title>Relay - Sign in</title></head></html>".to_vec();
    let (base, _) = server(&[
        healthy(),
        (
            "/v1/chat/completions",
            Answer::Whole(200, "text/html; charset=utf-8", page),
        ),
    ])
    .await;
    let ep = endpoint("sakura-llama", &base, GUARD);
    let e = within(GUARD, ep.test(Lang::Japanese, Lang::ChineseSimplified))
        .await
        .0
        .unwrap_err();
    assert_eq!(key(&e), "provider.err.html_page", "{e}");
    assert!(param(&e, "title").contains("Relay - Sign in"), "{e}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_provider_test_streamed_in_another_encoding_says_so() {
    let mut body = b"data: {\"choices\":[{\"delta\":{\"content\":\"".to_vec();
    body.extend_from_slice(b"\xc4\xe3\xba\xc3"); // 你好 in GBK.
    body.extend_from_slice(b"\"}}]}\n\ndata: [DONE]\n\n");
    let (base, _) = server(&[
        healthy(),
        (
            "/v1/chat/completions",
            Answer::Whole(200, "text/event-stream", body),
        ),
    ])
    .await;
    let ep = endpoint("sakura-llama", &base, GUARD);
    let e = within(GUARD, ep.test(Lang::Japanese, Lang::ChineseSimplified))
        .await
        .0
        .unwrap_err();
    assert_eq!(key(&e), "provider.err.not_text", "{e}");
}

// A translation.

#[tokio::test(flavor = "multi_thread")]
async fn a_web_page_sent_as_an_event_stream_says_so() {
    let page = b"\n<!doctype html><html><head><title>Portal</title></head></html>".to_vec();
    let (base, _) = server(&[(
        "/v1/chat/completions",
        Answer::Whole(200, "text/event-stream", page),
    )])
    .await;
    let ep = endpoint("custom", &base, GUARD);
    let e = within(GUARD, ep.translate(&request(), &mut |_| {}))
        .await
        .0
        .unwrap_err();
    assert_eq!(key(&e), "provider.err.html_page", "{e}");
    assert_eq!(param(&e, "url"), format!("{base}/v1/chat/completions"));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_plain_answer_that_is_not_utf8_is_not_shown_as_a_translation() {
    let mut body = br#"{"choices":[{"message":{"role":"assistant","content":""#.to_vec();
    body.extend_from_slice(b"\xc4\xe3\xba\xc3");
    body.extend_from_slice(br#""},"finish_reason":"stop"}]}"#);
    let (base, _) = server(&[(
        "/v1/chat/completions",
        Answer::Whole(200, "application/json", body),
    )])
    .await;
    let ep = endpoint("custom", &base, GUARD);
    let mut req = request();
    req.stream = false;
    let e = within(GUARD, ep.translate(&req, &mut |_| {}))
        .await
        .0
        .unwrap_err();
    assert_eq!(key(&e), "provider.err.not_text", "{e}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_translation_announced_at_200_mb_is_not_read() {
    let (base, s) = server(&[("/v1/chat/completions", Answer::Announced(200_000_000))]).await;
    let ep = endpoint("custom", &base, GUARD);
    let e = within(GUARD, ep.translate(&request(), &mut |_| {}))
        .await
        .0
        .unwrap_err();
    assert_eq!(key(&e), "provider.err.body_too_large", "{e}");
    assert_eq!(param(&e, "size"), "191 MB");
    hung_up(&s).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn one_streamed_event_that_never_ends_stops_at_the_event_cap() {
    let (base, s) = server(&[("/v1/chat/completions", Answer::EndlessEvent)]).await;
    let ep = endpoint("custom", &base, GUARD);
    let e = within(GUARD, ep.translate(&request(), &mut |_| {}))
        .await
        .0
        .unwrap_err();
    assert_eq!(key(&e), "provider.err.too_large", "{e}");
    assert_eq!(param(&e, "limit"), "1 MB");
    hung_up(&s).await;
    // Read no further than the event cap and what was in flight: far from the whole-answer cap.
    let sent = s.sent.load(Ordering::Relaxed);
    assert!(sent > MAX_EVENT_BYTES, "{sent}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_translation_dripping_a_byte_a_second_ends_at_the_overall_limit() {
    let (base, _) = server(&[("/v1/chat/completions", Answer::Drip("application/json"))]).await;
    let ep = endpoint("custom", &base, TWO_S);
    let (result, took) = within(GUARD, ep.translate(&request(), &mut |_| {})).await;
    let e = result.unwrap_err();
    assert_eq!(key(&e), "provider.err.deadline", "{e}");
    assert!(took < Duration::from_secs(4), "{took:?}");
}

// `ocrlay models`, the real binary.

#[cfg(target_os = "linux")]
/// What a run of the binary gave.
struct Run {
    /// The exit code (`None`: killed by a signal).
    code: Option<i32>,
    /// What it wrote on stderr.
    stderr: String,
    /// Its peak resident memory, in KiB.
    max_rss_kib: i64,
    /// How long it ran.
    took: Duration,
}

#[cfg(target_os = "linux")]
/// Runs `ocrlay models custom` with a config whose custom relay is `base` and whose overall limit is `total_secs`,
/// and reaps it with `wait4` to learn its peak memory. Kills it (by its pid) if it runs past `limit`.
fn ocrlay_models(base: &str, total_secs: u64, limit: Duration) -> Run {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config.toml");
    std::fs::write(
        &config,
        format!(
            "[network]\ntotal_timeout_secs = {total_secs}\n\n[providers.custom]\nurl = \"{base}/v1\"\nmodel = \"m\"\n"
        ),
    )
    .unwrap();
    let stderr_path = dir.path().join("stderr");
    let t = Instant::now();
    let child = std::process::Command::new(env!("CARGO_BIN_EXE_ocrlay"))
        .args(["models", "custom"])
        .env("OCRLAY_CONFIG", &config)
        .env_remove("OCRLAY_API_KEY")
        .env_remove("RUST_LOG")
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::fs::File::create(&stderr_path).unwrap())
        .spawn()
        .unwrap();
    let pid = child.id() as libc::pid_t;
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut status = 0;
        // SAFETY: `rusage` is plain data that wait4 fills; `pid` is our own child, reaped only here.
        let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
        let r = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
        assert_eq!(r, pid, "wait4: {}", std::io::Error::last_os_error());
        let code = libc::WIFEXITED(status).then(|| libc::WEXITSTATUS(status));
        let _ = tx.send((code, usage.ru_maxrss));
    });
    let (code, max_rss_kib) = match rx.recv_timeout(limit) {
        Ok(done) => done,
        Err(_) => {
            // SAFETY: a signal to the child this test started, by its pid.
            unsafe { libc::kill(pid, libc::SIGKILL) };
            let _ = rx.recv();
            panic!("`ocrlay models` was still running after {limit:?}");
        }
    };
    // The child was reaped by wait4: the std handle must not wait for it again.
    std::mem::forget(child);
    Run {
        code,
        stderr: std::fs::read_to_string(&stderr_path).unwrap(),
        max_rss_kib,
        took: t.elapsed(),
    }
}

/// Whether `text` holds the sentence `key` of the string table (English, as the CLI says it), whatever fills
/// its placeholders.
#[cfg(target_os = "linux")]
fn says(text: &str, key: &str) -> bool {
    let template = ocrlay::text::lookup(key, "en").unwrap();
    let pattern = regex::Regex::new(r"\\\{\w+\\\}")
        .unwrap()
        .replace_all(&regex::escape(template), ".*?")
        .into_owned();
    regex::Regex::new(&pattern).unwrap().is_match(text)
}

#[cfg(target_os = "linux")]
#[tokio::test(flavor = "multi_thread")]
async fn ocrlay_models_against_a_dripping_server_exits_at_the_overall_limit() {
    let (base, _) = server(&[("/v1/models", Answer::Drip("application/json"))]).await;
    let run = tokio::task::spawn_blocking(move || ocrlay_models(&base, 10, GUARD))
        .await
        .unwrap();
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    assert!(
        says(&run.stderr, "provider.err.body_deadline"),
        "{}",
        run.stderr
    );
    assert!(run.took < Duration::from_secs(15), "{:?}", run.took);
}

#[cfg(target_os = "linux")]
#[tokio::test(flavor = "multi_thread")]
async fn ocrlay_models_against_a_200_mb_answer_stops_at_the_cap_in_bounded_memory() {
    let (base, s) = server(&[("/v1/models", Answer::Sized(200_000_000))]).await;
    let run = tokio::task::spawn_blocking(move || ocrlay_models(&base, 60, GUARD))
        .await
        .unwrap();
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    assert!(
        says(&run.stderr, "provider.err.body_over_limit"),
        "{}",
        run.stderr
    );
    // main read all 200 MB (678 MB at its peak); now the answer is dropped at the cap. The same command
    // with no answer to read peaks at ~65 MiB (debug build).
    let sent = s.sent.load(Ordering::Relaxed);
    assert!(sent < 50_000_000, "{sent} bytes sent");
    eprintln!(
        "peak RSS of `ocrlay models`: {} MiB",
        run.max_rss_kib / 1024
    );
    assert!(run.max_rss_kib < 120 * 1024, "{} KiB", run.max_rss_kib);
}

#[cfg(target_os = "linux")]
#[tokio::test(flavor = "multi_thread")]
async fn ocrlay_models_against_a_web_page_names_the_page() {
    let page = b"<html><head><title>Relay - Sign in</title></head></html>".to_vec();
    let (base, _) = server(&[("/v1/models", Answer::Whole(200, "text/html", page))]).await;
    let run = tokio::task::spawn_blocking(move || ocrlay_models(&base, 60, GUARD))
        .await
        .unwrap();
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    assert!(
        says(&run.stderr, "provider.err.html_page"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("Relay - Sign in"), "{}", run.stderr);
}
