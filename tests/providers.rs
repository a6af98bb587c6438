//! Every catalog provider against a real HTTP server on 127.0.0.1: the exact request it expects, and a
//! streamed answer whose first delta must reach the caller before the server sends the rest.

mod common;

use common::{sse, MockServer};
use ocrlay::lang::Lang;
use ocrlay::providers::prompt::{GlossaryEntry, SAKURA_SYSTEM};
use ocrlay::providers::{
    find, ApiKey, Endpoint, EndpointSpec, ErrorKind, TranslateRequest, PROVIDERS,
};
use serde_json::Value;
use std::sync::{Arc, Mutex};

/// What a provider's request must look like.
struct Expect {
    key: Option<&'static str>,
    auth: Option<&'static str>,
    model: &'static str,
    roles: &'static [&'static str],
    temperature: Option<f64>,
    top_p: Option<f64>,
}

const GENERAL: &[&str] = &["system", "user"];

fn general(model: &'static str) -> Expect {
    Expect {
        key: Some("sk-test-123456"),
        auth: Some("Bearer sk-test-123456"),
        model,
        roles: GENERAL,
        temperature: Some(0.3),
        top_p: None,
    }
}

/// Points the provider at the mock server, keeping the catalog URL's path, and runs one streamed translation.
async fn check(id: &str, expect: Expect) -> Value {
    let info = find(id).unwrap();
    let server = MockServer::start().await;
    if expect.model.starts_with("qwen-mt") {
        // Qwen-MT's chunks repeat the whole text so far.
        server.reply([sse(&["你好", "你好，", "你好，世界"])]);
    } else {
        server.reply([sse(&["你好", "，", "世界"])]);
    }
    let path = if info.url.is_empty() {
        // A relay shop's bare domain: the URL rule adds /v1/chat/completions.
        String::new()
    } else {
        url::Url::parse(info.url).unwrap().path().to_string()
    };
    let mut spec = EndpointSpec::new(info);
    spec.url = Some(server.url(&path));
    spec.key = expect.key.map(ApiKey::new);
    if info.models.is_empty() {
        spec.model = Some(expect.model.to_string());
    }
    let ep = Endpoint::new(spec).unwrap();
    let deltas = Arc::new(Mutex::new(Vec::<String>::new()));
    let gate = server.gate.clone();
    let seen = deltas.clone();
    let req = TranslateRequest::new("こんにちは\n世界", Lang::Japanese, Lang::ChineseSimplified);
    let t = ep
        .translate(&req, &mut |u| {
            let mut d = seen.lock().unwrap();
            if d.is_empty() {
                gate.notify_one();
            }
            d.push(u.delta.to_string());
        })
        .await
        .unwrap();
    assert_eq!(t.text, "你好，世界");
    assert_eq!(*deltas.lock().unwrap(), ["你好", "，", "世界"]);
    assert_eq!(
        server.gates(),
        [true],
        "the first delta did not reach the caller before the rest was sent"
    );

    let reqs = server.requests();
    assert_eq!(reqs.len(), 1);
    let r = &reqs[0];
    assert_eq!(r.method, "POST");
    let want_path = if path.is_empty() {
        "/v1/chat/completions"
    } else {
        path.as_str()
    };
    assert_eq!(r.path, want_path);
    assert_eq!(r.header("authorization").as_deref(), expect.auth);
    assert_eq!(
        r.header("content-type").as_deref(),
        Some("application/json")
    );
    let b = &r.body;
    assert_eq!(b["model"], expect.model);
    assert_eq!(b["stream"], true);
    let roles: Vec<&str> = b["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["role"].as_str().unwrap())
        .collect();
    assert_eq!(roles, expect.roles);
    let last = b["messages"].as_array().unwrap().last().unwrap();
    assert!(
        last["content"]
            .as_str()
            .unwrap()
            .contains("こんにちは\n世界"),
        "line structure lost: {last}"
    );
    assert_eq!(
        b.get("temperature").and_then(Value::as_f64),
        expect.temperature
    );
    assert_eq!(b.get("top_p").and_then(Value::as_f64), expect.top_p);
    b.clone()
}

#[tokio::test]
async fn deepseek() {
    check("deepseek", general("deepseek-chat")).await;
}

#[tokio::test]
async fn doubao_sends_the_endpoint_id_as_model() {
    check("doubao", general("ep-20250101-abcde")).await;
}

#[tokio::test]
async fn kimi() {
    check("kimi", general("moonshot-v1-8k")).await;
}

#[tokio::test]
async fn chatglm() {
    check("chatglm", general("glm-4-flash")).await;
}

#[tokio::test]
async fn siliconflow() {
    check("siliconflow", general("Qwen/Qwen2.5-7B-Instruct")).await;
}

#[tokio::test]
async fn hunyuan() {
    check("hunyuan", general("hunyuan-lite")).await;
}

#[tokio::test]
async fn qwen_mt_sends_one_user_message_and_translation_options() {
    let b = check(
        "qwen",
        Expect {
            roles: &["user"],
            temperature: None,
            ..general("qwen-mt-turbo")
        },
    )
    .await;
    assert_eq!(b["messages"][0]["content"], "こんにちは\n世界");
    assert_eq!(b["translation_options"]["source_lang"], "Japanese");
    assert_eq!(b["translation_options"]["target_lang"], "Chinese");
}

#[tokio::test]
async fn spark_sends_key_colon_secret() {
    check(
        "spark",
        Expect {
            key: Some("myapikey:myapisecret"),
            auth: Some("Bearer myapikey:myapisecret"),
            ..general("lite")
        },
    )
    .await;
}

#[tokio::test]
async fn openai() {
    check("openai", general("gpt-3.5-turbo-1106")).await;
}

#[tokio::test]
async fn grok() {
    check("grok", general("grok-2-1212")).await;
}

#[tokio::test]
async fn groq() {
    check("groq", general("llama3-8b-8192")).await;
}

#[tokio::test]
async fn openrouter() {
    check("openrouter", general("openai/gpt-4o")).await;
}

#[tokio::test]
async fn mistral() {
    check("mistral", general("pixtral-12b-2409")).await;
}

fn sakura() -> Expect {
    Expect {
        key: None,
        auth: None,
        model: "sakura-14b-qwen2beta-v0.9.2-iq4xs",
        roles: GENERAL,
        temperature: Some(0.1),
        top_p: Some(0.3),
    }
}

#[tokio::test]
async fn sakura_llama_cpp_uses_the_sakura_prompt_and_no_key() {
    let b = check("sakura-llama", sakura()).await;
    assert_eq!(b["messages"][0]["content"], SAKURA_SYSTEM);
    assert!(b["messages"][1]["content"]
        .as_str()
        .unwrap()
        .starts_with("根据以下术语表（可以为空）：\n"));
}

#[tokio::test]
async fn sakura_tgw() {
    let b = check("sakura-tgw", sakura()).await;
    assert_eq!(b["messages"][0]["content"], SAKURA_SYSTEM);
}

#[tokio::test]
async fn rented_gpu_through_a_tunnel() {
    check(
        "rented-gpu",
        Expect {
            model: "sakura-14b-qwen2beta-v0.9.2-iq4xs",
            ..sakura()
        },
    )
    .await;
}

#[tokio::test]
async fn ollama_sends_the_model_name() {
    check(
        "ollama",
        Expect {
            key: None,
            auth: None,
            model: "qwen2.5:7b",
            roles: GENERAL,
            temperature: Some(0.3),
            top_p: None,
        },
    )
    .await;
}

#[tokio::test]
async fn custom_relay_from_a_bare_domain() {
    check("custom", general("gpt-4o")).await;
}

#[test]
fn every_catalog_entry_has_a_request_test() {
    // Keep this list in step with the tests above: one test per provider.
    let tested = [
        "deepseek",
        "doubao",
        "kimi",
        "chatglm",
        "siliconflow",
        "hunyuan",
        "qwen",
        "spark",
        "openai",
        "grok",
        "groq",
        "openrouter",
        "mistral",
        "sakura-llama",
        "sakura-tgw",
        "rented-gpu",
        "ollama",
        "custom",
    ];
    for p in PROVIDERS {
        assert!(tested.contains(&p.id), "{} has no request-shape test", p.id);
    }
}

#[tokio::test]
async fn context_and_glossary_reach_the_request() {
    let server = MockServer::start().await;
    server.reply([sse(&["好"])]);
    let mut spec = EndpointSpec::new(find("deepseek").unwrap());
    spec.url = Some(server.url("/chat/completions"));
    spec.key = Some(ApiKey::new("k"));
    let ep = Endpoint::new(spec).unwrap();
    let mut req = TranslateRequest::new("はい", Lang::Japanese, Lang::ChineseSimplified);
    req.context.push(ocrlay::providers::prompt::ContextPair {
        source: "いいえ".into(),
        translation: "不".into(),
    });
    req.glossary.push(GlossaryEntry {
        src: "アリス".into(),
        dst: "爱丽丝".into(),
        note: String::new(),
    });
    let gate = server.gate.clone();
    ep.translate(&req, &mut |_| gate.notify_one())
        .await
        .unwrap();
    let b = &server.requests()[0].body;
    let roles: Vec<&str> = b["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["role"].as_str().unwrap())
        .collect();
    assert_eq!(roles, ["system", "user", "assistant", "user"]);
    assert_eq!(b["messages"][2]["content"], "不");
    assert!(b["messages"][0]["content"]
        .as_str()
        .unwrap()
        .contains("アリス->爱丽丝"));
}

#[tokio::test]
async fn list_models_from_the_server() {
    let server = MockServer::start().await;
    server.reply([common::Reply::Status(
        200,
        "application/json",
        r#"{"object":"list","data":[{"id":"sakura-14b","object":"model"},{"id":"a-model","object":"model"}]}"#.into(),
    )]);
    let mut spec = EndpointSpec::new(find("sakura-llama").unwrap());
    spec.url = Some(server.url("/v1/chat/completions"));
    let models = Endpoint::new(spec).unwrap().list_models().await.unwrap();
    assert_eq!(models, ["a-model", "sakura-14b"]);
    assert_eq!(server.requests()[0].path, "/v1/models");
    assert_eq!(server.requests()[0].method, "GET");
}

/// A relay that echoes the request (key included) in an error page for `/models`, as a web page or as plain
/// text: what the user sees (the page's title, the text's snippet) never holds the key.
#[tokio::test]
async fn a_model_list_error_never_shows_the_key() {
    let server = MockServer::start().await;
    server.reply([
        common::Reply::Status(
            200,
            "text/html",
            "<html><head><title>bad gateway; Authorization: Bearer sk-relay-secret-987654321</title></head></html>"
                .into(),
        ),
        common::Reply::Status(
            200,
            "text/plain",
            "bad gateway; Authorization: Bearer sk-relay-secret-987654321".into(),
        ),
    ]);
    let mut spec = EndpointSpec::new(find("custom").unwrap());
    spec.url = Some(server.url("/v1/chat/completions"));
    spec.key = Some(ApiKey::new("sk-relay-secret-987654321"));
    spec.model = Some("m".into());
    let ep = Endpoint::new(spec).unwrap();
    let e = ep.list_models().await.unwrap_err();
    assert!(matches!(e.kind, ErrorKind::HtmlPage { .. }), "{e}");
    let text = e.to_string();
    assert!(text.contains("bad gateway"), "{text}");
    assert!(!text.contains("sk-relay-secret-987654321"), "{text}");
    let e = ep.list_models().await.unwrap_err();
    assert!(matches!(e.kind, ErrorKind::NotJson { .. }), "{e}");
    let text = e.to_string();
    assert!(text.contains("bad gateway"), "{text}");
    assert!(!text.contains("sk-relay-secret-987654321"), "{text}");
}
