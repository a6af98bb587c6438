//! Every failure a user can meet, from a server on 127.0.0.1 that really answers that way, and the stream
//! quirks of real servers (llama.cpp, OpenRouter, reasoning models, relays that ignore `stream`).

mod common;

use common::{completion, dead_port, delta, finish, sse, MockServer, Reply};
use ocrlay::lang::Lang;
use ocrlay::providers::{find, ApiKey, Endpoint, EndpointSpec, ErrorKind, Proxy, TranslateRequest};
use std::time::Duration;

fn spec_for(id: &str, url: String) -> EndpointSpec {
    let mut spec = EndpointSpec::new(find(id).unwrap());
    spec.url = Some(url);
    spec.key = Some(ApiKey::new("sk-secret-key-0123456789"));
    spec.retry.base_delay = Duration::from_millis(10);
    spec
}

async fn run(
    server: &MockServer,
    id: &str,
) -> Result<ocrlay::providers::Translation, ocrlay::providers::ProviderError> {
    let ep = Endpoint::new(spec_for(id, server.url("/v1/chat/completions"))).unwrap();
    let req = TranslateRequest::new("テスト", Lang::Japanese, Lang::ChineseSimplified);
    let gate = server.gate.clone();
    ep.translate(&req, &mut |_| gate.notify_one()).await
}

async fn fails_with(reply: Reply, id: &str) -> (ocrlay::providers::ProviderError, MockServer) {
    let server = MockServer::start().await;
    server.reply([reply]);
    let e = run(&server, id).await.unwrap_err();
    let text = e.to_string();
    assert!(!text.contains("sk-secret-key"), "key leaked: {text}");
    assert!(
        text.starts_with(find(id).unwrap().name),
        "provider not named: {text}"
    );
    (e, server)
}

fn json_status(code: u16, body: &str) -> Reply {
    Reply::Status(code, "application/json", body.to_string())
}

#[tokio::test]
async fn wrong_key_401_is_not_retried() {
    let (e, server) = fails_with(
        json_status(401, r#"{"error":{"message":"Incorrect API key provided: sk-secret-key-0123456789","type":"invalid_request_error","code":"invalid_api_key"}}"#),
        "openai",
    )
    .await;
    assert!(
        matches!(e.kind, ErrorKind::Unauthorized { status: 401, .. }),
        "{e}"
    );
    assert!(e.to_string().contains("platform.openai.com"), "{e}");
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn forbidden_403() {
    let (e, server) = fails_with(
        json_status(403, r#"{"error":{"message":"forbidden"}}"#),
        "kimi",
    )
    .await;
    assert!(
        matches!(e.kind, ErrorKind::Unauthorized { status: 403, .. }),
        "{e}"
    );
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn unknown_model_404() {
    let (e, server) = fails_with(
        json_status(404, r#"{"error":{"message":"The model `gpt-9` does not exist","type":"invalid_request_error","code":"model_not_found"}}"#),
        "openai",
    )
    .await;
    assert!(
        matches!(e.kind, ErrorKind::ModelNotFound { status: 404, .. }),
        "{e}"
    );
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn wrong_address_404_html() {
    let (e, _) = fails_with(
        Reply::Status(
            404,
            "text/html",
            "<html><body>Not Found</body></html>".into(),
        ),
        "custom",
    )
    .await;
    assert!(matches!(e.kind, ErrorKind::EndpointNotFound { .. }), "{e}");
}

#[tokio::test]
async fn quota_429_is_not_retried() {
    let (e, server) = fails_with(
        json_status(429, r#"{"error":{"message":"You exceeded your current quota","type":"insufficient_quota"}}"#),
        "openai",
    )
    .await;
    assert!(matches!(e.kind, ErrorKind::Quota { .. }), "{e}");
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn deepseek_402_insufficient_balance() {
    let (e, _) = fails_with(
        json_status(402, r#"{"error":{"message":"Insufficient Balance"}}"#),
        "deepseek",
    )
    .await;
    assert!(
        matches!(e.kind, ErrorKind::Quota { status: 402, .. }),
        "{e}"
    );
}

#[tokio::test]
async fn rate_limit_429_is_retried_then_reported() {
    let (e, server) = fails_with(
        Reply::RetryAfter(
            429,
            0,
            r#"{"error":{"message":"Rate limit reached"}}"#.into(),
        ),
        "groq",
    )
    .await;
    assert!(matches!(e.kind, ErrorKind::RateLimited { .. }), "{e}");
    assert_eq!(server.requests().len(), 3, "3 attempts in all");
}

#[tokio::test]
async fn a_429_then_success_recovers() {
    let server = MockServer::start().await;
    server.reply([
        json_status(429, r#"{"error":{"message":"slow down"}}"#),
        json_status(502, "bad gateway"),
        sse(&["好的"]),
    ]);
    let t = run(&server, "deepseek").await.unwrap();
    assert_eq!(t.text, "好的");
    assert_eq!(t.attempts, 3);
}

#[tokio::test]
async fn bad_request_400_is_not_retried() {
    let (e, server) = fails_with(
        json_status(400, r#"{"error":{"message":"Unsupported value: 'temperature'","type":"invalid_request_error"}}"#),
        "openai",
    )
    .await;
    assert!(
        matches!(e.kind, ErrorKind::BadRequest { status: 400, .. }),
        "{e}"
    );
    assert!(e.to_string().contains("temperature"));
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn llama_cpp_context_too_long_even_when_streaming() {
    let (e, _) = fails_with(
        json_status(400, r#"{"error":{"code":400,"message":"the request exceeds the available context size, try increasing it","type":"exceed_context_size_error","n_prompt_tokens":5000,"n_ctx":4096}}"#),
        "sakura-llama",
    )
    .await;
    assert!(matches!(e.kind, ErrorKind::ContextTooLong { .. }), "{e}");
    assert!(e.to_string().contains("-c"), "{e}");
}

#[tokio::test]
async fn llama_cpp_still_loading_503() {
    let (e, server) = fails_with(
        json_status(
            503,
            r#"{"error":{"code":503,"message":"Loading model","type":"unavailable_error"}}"#,
        ),
        "sakura-llama",
    )
    .await;
    assert!(matches!(e.kind, ErrorKind::Loading), "{e}");
    assert_eq!(server.requests().len(), 3);
}

#[tokio::test]
async fn provider_test_asks_llama_cpp_health_first() {
    let server = MockServer::start().await;
    server.reply([json_status(
        503,
        r#"{"error":{"code":503,"message":"Loading model","type":"unavailable_error"}}"#,
    )]);
    let ep = Endpoint::new(spec_for("sakura-llama", server.url("/v1/chat/completions"))).unwrap();
    let e = ep
        .test(Lang::Japanese, Lang::ChineseSimplified)
        .await
        .unwrap_err();
    assert!(matches!(e.kind, ErrorKind::Loading), "{e}");
    assert_eq!(server.requests()[0].path, "/health");
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn provider_test_reports_latency_and_reply() {
    let server = MockServer::start().await;
    // The test's own callback is internal: no gate in this stream.
    let mut events: Vec<String> = ["你好", "，初次见面。"].iter().map(|p| delta(p)).collect();
    events.extend(finish());
    server.reply([
        json_status(200, r#"{"status":"ok"}"#),
        Reply::Sse {
            events,
            before_gate: 0,
            pause: Duration::from_millis(5),
            abort: false,
        },
    ]);
    let ep = Endpoint::new(spec_for("sakura-llama", server.url("/v1/chat/completions"))).unwrap();
    let report = ep
        .test(Lang::Japanese, Lang::ChineseSimplified)
        .await
        .unwrap();
    assert_eq!(report.reply, "你好，初次见面。");
    assert!(report.first_delta.unwrap() <= report.elapsed);
    let reqs = server.requests();
    assert_eq!(reqs[0].path, "/health");
    assert_eq!(reqs[1].path, "/v1/chat/completions");
}

#[tokio::test]
async fn server_error_500_is_retried() {
    let (e, server) = fails_with(
        json_status(500, r#"{"error":{"message":"internal"}}"#),
        "kimi",
    )
    .await;
    assert!(
        matches!(e.kind, ErrorKind::Server { status: 500, .. }),
        "{e}"
    );
    assert_eq!(server.requests().len(), 3);
}

#[tokio::test]
async fn nothing_listening_says_what_to_start() {
    let ep = Endpoint::new(spec_for(
        "sakura-llama",
        format!("http://127.0.0.1:{}/v1/chat/completions", dead_port()),
    ))
    .unwrap();
    let req = TranslateRequest::new("テスト", Lang::Japanese, Lang::ChineseSimplified);
    let e = ep.translate(&req, &mut |_| {}).await.unwrap_err();
    assert!(matches!(e.kind, ErrorKind::ConnectionRefused { .. }), "{e}");
    assert!(e.to_string().contains("Start the Sakura server"), "{e}");
    // Under the Chinese interface the hint is Chinese too, not an English sentence inside a Chinese one.
    let zh = e.message(true);
    assert!(zh.contains("请启动 Sakura 服务"), "{zh}");
    assert!(!zh.contains("Start the"), "{zh}");
    let ep = Endpoint::new(spec_for(
        "rented-gpu",
        format!("http://127.0.0.1:{}/v1/chat/completions", dead_port()),
    ))
    .unwrap();
    let e = ep.translate(&req, &mut |_| {}).await.unwrap_err();
    assert!(
        e.to_string().contains("ssh -N -L 8080:127.0.0.1:6006"),
        "{e}"
    );
}

#[tokio::test]
async fn a_dead_proxy_is_named() {
    // A keyless server elsewhere on the network over plain http (a key is never sent that way).
    let mut spec = spec_for(
        "sakura-llama",
        "http://api.openai.test/v1/chat/completions".into(),
    );
    spec.key = None;
    spec.global_proxy = format!("127.0.0.1:{}", dead_port()).parse().unwrap();
    let ep = Endpoint::new(spec).unwrap();
    let req = TranslateRequest::new("test", Lang::English, Lang::ChineseSimplified);
    let e = ep.translate(&req, &mut |_| {}).await.unwrap_err();
    assert!(matches!(e.kind, ErrorKind::Proxy { .. }), "{e}");
    assert!(e.to_string().contains("Start your proxy program"), "{e}");
}

#[tokio::test]
async fn remote_providers_go_through_the_proxy() {
    // The mock server plays the proxy: a request for a remote host arrives in absolute form.
    let proxy = MockServer::start().await;
    proxy.reply([sse(&["好"])]);
    // Plain http so that the proxy sees the request (a key is never sent that way: a keyless server).
    let mut spec = spec_for(
        "sakura-llama",
        "http://api.openai.test/v1/chat/completions".into(),
    );
    spec.key = None;
    spec.proxy = Some(format!("http://{}", proxy.addr).parse().unwrap());
    let ep = Endpoint::new(spec).unwrap();
    assert!(matches!(ep.proxy, Proxy::Url(_)));
    let req = TranslateRequest::new("ok", Lang::English, Lang::ChineseSimplified);
    let gate = proxy.gate.clone();
    let t = ep
        .translate(&req, &mut |_| gate.notify_one())
        .await
        .unwrap();
    assert_eq!(t.text, "好");
    let r = &proxy.requests()[0];
    assert_eq!(r.uri, "http://api.openai.test/v1/chat/completions");
    assert_eq!(r.header("host").as_deref(), Some("api.openai.test"));
}

#[tokio::test]
async fn loopback_bypasses_a_dead_global_proxy() {
    let server = MockServer::start().await;
    server.reply([sse(&["好"])]);
    let mut spec = spec_for("sakura-llama", server.url("/v1/chat/completions"));
    spec.global_proxy = format!("127.0.0.1:{}", dead_port()).parse().unwrap();
    spec.proxy = Some(
        format!("socks5://127.0.0.1:{}", dead_port())
            .parse()
            .unwrap(),
    );
    let ep = Endpoint::new(spec).unwrap();
    assert_eq!(ep.proxy, Proxy::Direct);
    let req = TranslateRequest::new("テスト", Lang::Japanese, Lang::ChineseSimplified);
    let gate = server.gate.clone();
    assert_eq!(
        ep.translate(&req, &mut |_| gate.notify_one())
            .await
            .unwrap()
            .text,
        "好"
    );
}

#[tokio::test]
async fn silence_times_out() {
    let server = MockServer::start().await;
    server.reply([Reply::Hang]);
    let mut spec = spec_for("deepseek", server.url("/chat/completions"));
    spec.timeouts.read = Duration::from_millis(300);
    let ep = Endpoint::new(spec).unwrap();
    let req = TranslateRequest::new("テスト", Lang::Japanese, Lang::ChineseSimplified);
    let e = ep.translate(&req, &mut |_| {}).await.unwrap_err();
    assert!(matches!(e.kind, ErrorKind::Timeout { .. }), "{e}");
}

#[tokio::test]
async fn a_stream_that_ends_without_done_is_truncated_and_keeps_its_text() {
    let server = MockServer::start().await;
    server.reply([Reply::Sse {
        events: vec![delta("前半"), delta("部分")],
        before_gate: 1,
        pause: Duration::ZERO,
        abort: false,
    }]);
    let e = run(&server, "deepseek").await.unwrap_err();
    assert!(matches!(e.kind, ErrorKind::Truncated { .. }), "{e}");
    assert_eq!(e.partial_text(), Some("前半部分"));
    // Text had been shown: no retry that would show it twice.
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn a_broken_connection_mid_stream_is_truncated() {
    let server = MockServer::start().await;
    server.reply([Reply::Sse {
        events: vec![delta("前半")],
        before_gate: 0,
        pause: Duration::ZERO,
        abort: true,
    }]);
    let e = run(&server, "deepseek").await.unwrap_err();
    assert!(matches!(e.kind, ErrorKind::Truncated { .. }), "{e}");
    assert_eq!(e.partial_text(), Some("前半"));
}

#[tokio::test]
async fn an_error_event_mid_stream() {
    let server = MockServer::start().await;
    server.reply([Reply::Sse {
        events: vec![
            delta("前"),
            r#"data: {"error":{"message":"upstream provider overloaded","code":502}}"#.into(),
        ],
        before_gate: 1,
        pause: Duration::ZERO,
        abort: false,
    }]);
    let e = run(&server, "openrouter").await.unwrap_err();
    assert!(matches!(e.kind, ErrorKind::Stream { .. }), "{e}");
    assert!(e.to_string().contains("upstream provider overloaded"));
    assert_eq!(e.partial_text(), Some("前"));
}

#[tokio::test]
async fn a_body_that_is_not_json() {
    let (e, _) = fails_with(
        Reply::Status(200, "text/plain", "upstream unavailable, retry".into()),
        "custom",
    )
    .await;
    assert!(matches!(e.kind, ErrorKind::NotJson { .. }), "{e}");
    assert!(e.to_string().contains("upstream unavailable"), "{e}");
}

#[tokio::test]
async fn a_web_page_is_named_as_one() {
    let (e, server) = fails_with(
        Reply::Status(
            200,
            "text/html",
            "<html><head><title>Welcome to nginx!</title></head></html>".into(),
        ),
        "custom",
    )
    .await;
    match &e.kind {
        ErrorKind::HtmlPage { url, title } => {
            assert_eq!(url, &server.url("/v1/chat/completions"));
            assert_eq!(title.as_deref(), Some("Welcome to nginx!"));
        }
        _ => panic!("{e}"),
    }
}

#[tokio::test]
async fn openrouter_comments_and_llama_cpp_chunks_are_understood() {
    let server = MockServer::start().await;
    let mut events = vec![
        ": OPENROUTER PROCESSING".to_string(),
        r#"data: {"choices":[{"index":0,"delta":{"role":"assistant","content":null},"finish_reason":null}]}"#.into(),
        delta("你"),
        ": OPENROUTER PROCESSING".to_string(),
        delta("好"),
    ];
    events.extend(finish());
    events.insert(
        events.len() - 1,
        r#"data: {"choices":[],"usage":{"prompt_tokens":5,"completion_tokens":2}}"#.into(),
    );
    server.reply([Reply::Sse {
        events,
        before_gate: 3,
        pause: Duration::ZERO,
        abort: false,
    }]);
    assert_eq!(run(&server, "openrouter").await.unwrap().text, "你好");
}

#[tokio::test]
async fn reasoning_is_never_shown() {
    let server = MockServer::start().await;
    let mut events = vec![
        r#"data: {"choices":[{"delta":{"reasoning_content":"The user wants Chinese."}}]}"#
            .to_string(),
        delta("<think>\nhmm"),
        delta("</think>\n\n"),
        delta("你好"),
    ];
    events.extend(finish());
    server.reply([Reply::Sse {
        events,
        before_gate: 4,
        pause: Duration::ZERO,
        abort: false,
    }]);
    let ep = Endpoint::new(spec_for("deepseek", server.url("/chat/completions"))).unwrap();
    let req = TranslateRequest::new("こんにちは", Lang::Japanese, Lang::ChineseSimplified);
    let mut shown = String::new();
    let gate = server.gate.clone();
    let t = ep
        .translate(&req, &mut |u| {
            gate.notify_one();
            shown.push_str(u.delta)
        })
        .await
        .unwrap();
    assert_eq!(t.text, "你好");
    assert_eq!(shown, "你好");
}

#[tokio::test]
async fn qwen_mt_cumulative_chunks() {
    let server = MockServer::start().await;
    server.reply([sse(&["你", "你好", "你好，世界"])]);
    let mut spec = spec_for("qwen", server.url("/compatible-mode/v1/chat/completions"));
    spec.model = Some("qwen-mt-turbo".into());
    let ep = Endpoint::new(spec).unwrap();
    let req = TranslateRequest::new("こんにちは、世界", Lang::Japanese, Lang::ChineseSimplified);
    let mut deltas = Vec::new();
    let gate = server.gate.clone();
    let t = ep
        .translate(&req, &mut |u| {
            gate.notify_one();
            deltas.push(u.delta.to_string())
        })
        .await
        .unwrap();
    assert_eq!(t.text, "你好，世界");
    assert_eq!(deltas, ["你", "好", "，世界"]);
}

#[tokio::test]
async fn non_streaming_and_relays_that_ignore_stream() {
    let server = MockServer::start().await;
    server.reply([completion("<think>x</think>你好"), completion("世界")]);
    let ep = Endpoint::new(spec_for("custom", server.url("/v1/chat/completions"))).unwrap();
    let mut req = TranslateRequest::new("hello", Lang::English, Lang::ChineseSimplified);
    req.stream = false;
    assert_eq!(ep.translate(&req, &mut |_| {}).await.unwrap().text, "你好");
    assert_eq!(server.requests()[0].body["stream"], false);
    // Asked to stream, answered with plain JSON.
    req.stream = true;
    assert_eq!(ep.translate(&req, &mut |_| {}).await.unwrap().text, "世界");
}

#[tokio::test]
async fn an_empty_answer_is_an_error() {
    let (e, _) = fails_with(completion(""), "deepseek").await;
    assert!(matches!(e.kind, ErrorKind::Empty), "{e}");
}

#[test]
fn missing_key_is_refused_before_sending() {
    let mut spec = EndpointSpec::new(find("deepseek").unwrap());
    spec.url = Some("https://api.deepseek.com/chat/completions".into());
    let e = Endpoint::new(spec).unwrap_err();
    assert!(matches!(e.kind, ErrorKind::MissingKey { .. }), "{e}");
}
