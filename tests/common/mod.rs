//! A scripted OpenAI-compatible server on 127.0.0.1 for provider tests: it records every request and answers
//! with the replies a test queues (SSE streams that wait between chunks, error statuses, broken streams).

#![allow(dead_code)]

#[cfg(target_os = "linux")]
pub mod x11;

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use std::collections::VecDeque;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::{mpsc, Notify};

/// One request as the server saw it.
#[derive(Debug, Clone)]
pub struct Recorded {
    /// HTTP method.
    pub method: String,
    /// Path (for proxied requests, the path of the absolute URI).
    pub path: String,
    /// The request URI as sent (absolute-form through a proxy).
    pub uri: String,
    /// Headers.
    pub headers: HeaderMap,
    /// The body as JSON (Null when empty or not JSON).
    pub body: serde_json::Value,
}

impl Recorded {
    /// A header as text.
    pub fn header(&self, name: &str) -> Option<String> {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    }
}

/// What the server answers.
#[derive(Debug, Clone)]
pub enum Reply {
    /// An SSE stream: the first `before_gate` events, then (if a gate is set) a wait until the client signals
    /// it saw the first delta, then the rest. Each event is sent as `data: …\n\n`, comments as given.
    Sse {
        /// Raw SSE event texts (without the trailing blank line).
        events: Vec<String>,
        /// How many events go before the gate.
        before_gate: usize,
        /// Pause between events after the gate.
        pause: Duration,
        /// Break the connection (an I/O error) after the events instead of ending cleanly.
        abort: bool,
    },
    /// A status and a body with a content type.
    Status(u16, &'static str, String),
    /// A status with a Retry-After header.
    RetryAfter(u16, u64, String),
    /// Never answer.
    Hang,
}

/// A chunk event with `delta.content`.
pub fn delta(text: &str) -> String {
    format!(
        "data: {}",
        serde_json::json!({"id":"c","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":text},"finish_reason":null}]})
    )
}

/// The usual ending: a finish_reason chunk, then [DONE].
pub fn finish() -> Vec<String> {
    vec![
        format!(
            "data: {}",
            serde_json::json!({"choices":[{"index":0,"delta":{},"finish_reason":"stop"}]})
        ),
        "data: [DONE]".to_string(),
    ]
}

/// A stream of deltas with the usual ending; the gate sits after the first delta.
pub fn sse(pieces: &[&str]) -> Reply {
    let mut events: Vec<String> = pieces.iter().map(|p| delta(p)).collect();
    events.extend(finish());
    Reply::Sse {
        events,
        before_gate: 1,
        pause: Duration::from_millis(20),
        abort: false,
    }
}

/// An answer streamed at once: the whole text in one delta, then the usual ending.
pub fn answer(text: &str) -> Reply {
    let mut events = vec![delta(text)];
    events.extend(finish());
    Reply::Sse {
        events,
        before_gate: 0,
        pause: Duration::ZERO,
        abort: false,
    }
}

/// Writes `dir/config.toml` for the desktop app: Japanese → Simplified Chinese, English interface, the custom
/// provider at `server` with `key`, and the `extra` TOML (regions, auto mode, overlay…).
pub fn app_config(
    dir: &std::path::Path,
    server: &MockServer,
    key: &str,
    extra: &str,
) -> std::path::PathBuf {
    let path = dir.join("config.toml");
    std::fs::write(
        &path,
        format!(
            r#"
[general]
source = "ja"
target = "zh-CN"
ui_language = "en"

{extra}

[providers.custom]
enabled = true
url = "{}"
api_key = "{key}"
model = "mock-model"
"#,
            server.url("/v1/chat/completions")
        ),
    )
    .unwrap();
    path
}

/// A non-streamed completion.
pub fn completion(text: &str) -> Reply {
    Reply::Status(
        200,
        "application/json",
        serde_json::json!({"id":"c","object":"chat.completion","choices":[{"index":0,"message":{"role":"assistant","content":text},"finish_reason":"stop"}]}).to_string(),
    )
}

#[derive(Default)]
struct Inner {
    /// Replies for requests whose body contains a text, before the queue.
    when: Vec<(String, Reply)>,
    replies: VecDeque<Reply>,
    last: Option<Reply>,
    requests: Vec<Recorded>,
    /// Whether the client signalled its first delta before the server went on.
    gate_passed: Vec<bool>,
    /// The requests (by their place in `requests`) whose stream the client left before it ended.
    left: Vec<usize>,
}

/// The server.
#[derive(Clone)]
pub struct MockServer {
    /// Where it listens.
    pub addr: SocketAddr,
    inner: Arc<Mutex<Inner>>,
    /// Signalled by the test when the client has shown its first delta.
    pub gate: Arc<Notify>,
}

impl MockServer {
    /// Starts a server on 127.0.0.1 with a free port.
    pub async fn start() -> MockServer {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let server = MockServer {
            addr,
            inner: Arc::new(Mutex::new(Inner::default())),
            gate: Arc::new(Notify::new()),
        };
        let app = axum::Router::new()
            .fallback(handle)
            .with_state(server.clone());
        tokio::spawn(async move {
            // Like real servers, answer without Nagle's delay on small writes.
            use axum::serve::ListenerExt;
            let listener = listener.tap_io(|tcp| {
                let _ = tcp.set_nodelay(true);
            });
            axum::serve(listener, app).await.unwrap();
        });
        server
    }

    /// Queues replies; the last one repeats for any further request.
    pub fn reply(&self, replies: impl IntoIterator<Item = Reply>) {
        let mut inner = self.inner.lock().unwrap();
        inner.replies.extend(replies);
    }

    /// Answers every request whose body contains `text` with `reply` (before the queued replies): for requests
    /// that run at the same time, whose order is not known.
    pub fn reply_when(&self, text: &str, reply: Reply) {
        self.inner
            .lock()
            .unwrap()
            .when
            .push((text.to_string(), reply));
    }

    /// `http://127.0.0.1:PORT` + path.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }

    /// The requests seen so far.
    pub fn requests(&self) -> Vec<Recorded> {
        self.inner.lock().unwrap().requests.clone()
    }

    /// For each gated stream: whether the client saw the first delta before the rest was sent.
    pub fn gates(&self) -> Vec<bool> {
        self.inner.lock().unwrap().gate_passed.clone()
    }

    /// The requests (by their place in [`MockServer::requests`]) whose streamed answer the client stopped
    /// reading before it ended: seen when the server next had something to send.
    pub fn left(&self) -> Vec<usize> {
        self.inner.lock().unwrap().left.clone()
    }
}

async fn handle(State(server): State<MockServer>, req: Request) -> Response {
    let (parts, body) = req.into_parts();
    let bytes = axum::body::to_bytes(body, 16 << 20)
        .await
        .unwrap_or_default();
    let recorded = Recorded {
        method: parts.method.to_string(),
        path: parts.uri.path().to_string(),
        uri: parts.uri.to_string(),
        headers: parts.headers.clone(),
        body: serde_json::from_slice(&bytes).unwrap_or(serde_json::Value::Null),
    };
    let reply = {
        let mut inner = server.inner.lock().unwrap();
        let text = String::from_utf8_lossy(&bytes).into_owned();
        let body = recorded.body.to_string();
        let matched = inner
            .when
            .iter()
            .find(|(t, _)| text.contains(t.as_str()) || body.contains(t.as_str()))
            .map(|(_, r)| r.clone());
        inner.requests.push(recorded);
        let index = inner.requests.len() - 1;
        let reply = match matched {
            Some(r) => Some(r),
            None => {
                let next = inner.replies.pop_front().or_else(|| inner.last.clone());
                inner.last = next.clone();
                next
            }
        };
        (reply, index)
    };
    let (reply, index) = reply;
    match reply {
        None => Response::builder()
            .status(500)
            .body(Body::from("no reply scripted"))
            .unwrap(),
        Some(Reply::Status(code, ct, body)) => Response::builder()
            .status(StatusCode::from_u16(code).unwrap())
            .header("content-type", ct)
            .body(Body::from(body))
            .unwrap(),
        Some(Reply::RetryAfter(code, secs, body)) => Response::builder()
            .status(StatusCode::from_u16(code).unwrap())
            .header("content-type", "application/json")
            .header("retry-after", secs.to_string())
            .body(Body::from(body))
            .unwrap(),
        Some(Reply::Hang) => {
            tokio::time::sleep(Duration::from_secs(3600)).await;
            Response::new(Body::empty())
        }
        Some(Reply::Sse {
            events,
            before_gate,
            pause,
            abort,
        }) => {
            let (tx, rx) = mpsc::channel::<Result<Bytes, std::io::Error>>(64);
            let gate = server.gate.clone();
            let inner = server.inner.clone();
            tokio::spawn(async move {
                for (i, ev) in events.iter().enumerate() {
                    if i == before_gate && before_gate > 0 {
                        let passed = tokio::time::timeout(Duration::from_secs(5), gate.notified())
                            .await
                            .is_ok();
                        inner.lock().unwrap().gate_passed.push(passed);
                    } else if i > 0 {
                        tokio::time::sleep(pause).await;
                    }
                    if tx.send(Ok(Bytes::from(format!("{ev}\n\n")))).await.is_err() {
                        inner.lock().unwrap().left.push(index);
                        return;
                    }
                }
                if abort {
                    // Let what was sent reach the client before the connection breaks.
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    let _ = tx
                        .send(Err(std::io::Error::new(
                            std::io::ErrorKind::ConnectionReset,
                            "server went away",
                        )))
                        .await;
                }
            });
            let stream = tokio_stream::wrappers::ReceiverStream::new(rx);
            Response::builder()
                .status(200)
                .header("content-type", "text/event-stream")
                .header("cache-control", "no-cache")
                .body(Body::from_stream(stream))
                .unwrap()
        }
    }
}

/// Ends the process whose pid a daemon wrote to this file (a speech-dispatcher that libspeechd started), when
/// dropped: also when the test fails.
pub struct KillByPidFile(pub std::path::PathBuf);

impl Drop for KillByPidFile {
    fn drop(&mut self) {
        let pid = std::fs::read_to_string(&self.0).unwrap_or_default();
        let pid = pid.trim();
        if !pid.is_empty() && pid.chars().all(|c| c.is_ascii_digit()) {
            let _ = std::process::Command::new("kill").arg(pid).status();
        }
    }
}

/// A port on 127.0.0.1 with nothing listening.
pub fn dead_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    drop(l);
    port
}

/// A JSON reply with a status.
pub fn json_status_reply(code: u16, body: &str) -> Reply {
    Reply::Status(code, "application/json", body.to_string())
}

/// Starts the real pipeline (default OCR models) with `settings` on `runtime`, as the app does; its events
/// arrive on the receiver, the first of them `EngineReady`.
pub fn start_pipeline(
    settings: &ocrlay::config::Settings,
    runtime: tokio::runtime::Handle,
) -> (
    ocrlay::pipeline::Pipeline,
    std::sync::mpsc::Receiver<ocrlay::pipeline::PipelineEvent>,
) {
    let (tx, rx) = std::sync::mpsc::channel();
    let tx = Mutex::new(tx);
    let sink: ocrlay::pipeline::Sink = Arc::new(move |e| {
        let _ = tx.lock().unwrap().send(e);
    });
    let pipeline = ocrlay::pipeline::Pipeline::start(
        settings.ocr.engine,
        ocrlay::ocr::EngineParams::default(),
        ocrlay::pipeline::TranslationPlan::from_settings(settings),
        runtime,
        None,
        Arc::default(),
        sink,
    );
    (pipeline, rx)
}

/// A job of region "test", slot 0, reading `source` now: no settle, the translation memory skipped.
pub fn test_job(id: u64, source: ocrlay::pipeline::Source) -> ocrlay::pipeline::Job {
    ocrlay::pipeline::Job {
        id,
        source,
        started: std::time::Instant::now(),
        region: "test".into(),
        slot: 0,
        use_memory: false,
        settle: Duration::ZERO,
        direction: None,
    }
}

/// Waits until `count` of the app's events (the probe file `probe`) match `want`, and returns every event so
/// far; panics with the events and the app's log (`log`) after `timeout`. The one wait of the X11 and Wayland
/// sessions' `App`.
pub fn wait_for_probes(
    probe: &std::path::Path,
    log: &std::path::Path,
    count: usize,
    timeout: Duration,
    want: impl Fn(&ocrlay::probe::Probe) -> bool,
) -> Vec<ocrlay::probe::Probe> {
    let t = std::time::Instant::now();
    loop {
        let events = ocrlay::probe::read(&std::fs::read_to_string(probe).unwrap_or_default());
        if events.iter().filter(|e| want(e)).count() >= count {
            return events;
        }
        if t.elapsed() > timeout {
            panic!(
                "waited {timeout:?} for {count} such events; the app's events:\n{events:#?}\nits log:\n{}",
                std::fs::read_to_string(log).unwrap_or_default()
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}
