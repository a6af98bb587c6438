//! The `ocrlay` binary, run for real against a loopback server and temporary config files.

mod common;

use common::{json_status_reply, sse, MockServer};
use std::io::Write;
use std::process::{Command, Output, Stdio};

fn ocrlay(
    config: &std::path::Path,
    args: &[&str],
    stdin: Option<&str>,
    key: Option<&str>,
) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_ocrlay"));
    cmd.args(args)
        .env("OCRLAY_CONFIG", config)
        .env_remove("OCRLAY_API_KEY")
        .env_remove("RUST_LOG")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if let Some(k) = key {
        cmd.env("OCRLAY_API_KEY", k);
    }
    let mut child = cmd.spawn().expect("run ocrlay");
    {
        let mut pipe = child.stdin.take().unwrap();
        if let Some(text) = stdin {
            pipe.write_all(text.as_bytes()).unwrap();
        }
    }
    child.wait_with_output().unwrap()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

#[test]
fn providers_json_lists_the_whole_catalog() {
    let dir = tempfile::tempdir().unwrap();
    let out = ocrlay(
        &dir.path().join("c.toml"),
        &["providers", "--json"],
        None,
        None,
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let list = v.as_array().unwrap();
    assert_eq!(list.len(), ocrlay::providers::PROVIDERS.len());
    for p in list {
        for field in ["id", "name", "url", "key_page", "models", "region"] {
            assert!(p.get(field).is_some(), "{field} missing in {p}");
        }
    }
    let or = list.iter().find(|p| p["id"] == "openrouter").unwrap();
    assert_eq!(or["url"], "https://openrouter.ai/api/v1/chat/completions");
    assert_eq!(
        list.iter().find(|p| p["id"] == "ollama").unwrap()["region"],
        "local"
    );

    let out = ocrlay(&dir.path().join("c.toml"), &["providers"], None, None);
    let table = text(&out.stdout);
    assert!(
        table.contains("国内") && table.contains("sakura-llama"),
        "{table}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn translate_streams_to_stdout_with_a_relay_url() {
    let server = MockServer::start().await;
    server.reply([sse(&["你好", "，", "世界"])]);
    // No client callback here: let the gate time out quickly by signalling it up front.
    server.gate.notify_one();
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("c.toml");
    let url = format!("http://{}", server.addr);
    let out = tokio::task::spawn_blocking(move || {
        ocrlay(
            &cfg,
            &[
                "translate",
                "--url",
                &url,
                "--model",
                "gpt-4o",
                "--from",
                "ja",
                "こんにちは、世界",
            ],
            None,
            Some("sk-cli-secret"),
        )
    })
    .await
    .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), "你好，世界\n");
    let r = &server.requests()[0];
    assert_eq!(r.path, "/v1/chat/completions");
    assert_eq!(
        r.header("authorization").as_deref(),
        Some("Bearer sk-cli-secret")
    );
    assert_eq!(r.body["model"], "gpt-4o");
    assert_eq!(r.body["messages"][1]["content"], "こんにちは、世界");
}

#[tokio::test(flavor = "multi_thread")]
async fn translate_reads_stdin_and_uses_the_config() {
    let server = MockServer::start().await;
    server.reply([common::completion("第一行\n第二行")]);
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("c.toml");
    std::fs::write(
        &cfg,
        format!(
            "[providers.sakura-llama]\nenabled = true\nurl = \"http://{}/v1/chat/completions\"\nsakura_version = \"0.9\"\n",
            server.addr
        ),
    )
    .unwrap();
    let out = tokio::task::spawn_blocking(move || {
        ocrlay(
            &cfg,
            &["translate", "--no-stream", "-"],
            Some("一行目\n二行目\n"),
            None,
        )
    })
    .await
    .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), "第一行\n第二行\n");
    let r = &server.requests()[0];
    assert!(r.header("authorization").is_none());
    assert_eq!(
        r.body["messages"][1]["content"],
        "将下面的日文文本翻译成中文：一行目\n二行目"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_wrong_key_fails_with_a_clear_message_and_no_key() {
    let server = MockServer::start().await;
    server.reply([json_status_reply(
        401,
        r#"{"error":{"message":"Authentication Fails, your api key: sk-cli-****cret is invalid"}}"#,
    )]);
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("c.toml");
    let url = server.url("/chat/completions");
    let out = tokio::task::spawn_blocking(move || {
        ocrlay(
            &cfg,
            &["translate", "--provider", "deepseek", "--url", &url, "hi"],
            None,
            Some("sk-cli-secret"),
        )
    })
    .await
    .unwrap();
    assert!(!out.status.success());
    let err = text(&out.stderr);
    assert!(
        err.contains("DeepSeek: the API key was rejected (401"),
        "{err}"
    );
    assert!(!err.contains("sk-cli-secret"), "{err}");
    assert!(out.stdout.is_empty());
}

#[test]
fn a_missing_key_and_an_unknown_provider_are_explained() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("c.toml");
    let out = ocrlay(&cfg, &["translate", "--provider", "kimi", "hi"], None, None);
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("no API key is set"),
        "{}",
        text(&out.stderr)
    );
    let out = ocrlay(&cfg, &["translate", "--provider", "nope", "hi"], None, None);
    assert!(text(&out.stderr).contains("unknown provider 'nope'"));
    let out = ocrlay(&cfg, &["translate", "hi"], None, None);
    assert!(text(&out.stderr).contains("no provider chosen"));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_broken_config_is_reported_and_kept() {
    let server = MockServer::start().await;
    server.reply([common::completion("好")]);
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("c.toml");
    std::fs::write(&cfg, "[providers.deepseek\napi_key = \"sk-precious\"\n").unwrap();
    let url = format!("http://{}", server.addr);
    let cfg2 = cfg.clone();
    let out = tokio::task::spawn_blocking(move || {
        ocrlay(
            &cfg2,
            &[
                "translate",
                "--no-stream",
                "--url",
                &url,
                "--model",
                "m",
                "hi",
            ],
            None,
            None,
        )
    })
    .await
    .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("not valid TOML"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(
        std::fs::read_to_string(&cfg).unwrap(),
        "[providers.deepseek\napi_key = \"sk-precious\"\n"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn provider_test_prints_latency() {
    let server = MockServer::start().await;
    server.reply([
        json_status_reply(200, r#"{"status":"ok"}"#),
        common::completion("你好，初次见面。"),
    ]);
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("c.toml");
    std::fs::write(
        &cfg,
        format!(
            "[providers.sakura-llama]\nurl = \"http://{}\"\n",
            server.addr
        ),
    )
    .unwrap();
    let out = tokio::task::spawn_blocking(move || {
        ocrlay(&cfg, &["provider-test", "sakura-llama"], None, None)
    })
    .await
    .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let s = text(&out.stdout);
    assert!(s.starts_with("OK: Sakura (llama.cpp)"), "{s}");
    assert!(s.contains(" ms"), "{s}");
    assert!(s.contains("你好，初次见面。"), "{s}");
}

/// The system's proxy (here `HTTPS_PROXY`, as Clash users set it) is not running: the error names the proxy,
/// not the provider, so the user starts the proxy instead of doubting the key.
#[test]
fn a_dead_system_proxy_is_named_as_the_proxy() {
    let dir = tempfile::tempdir().unwrap();
    let proxy = format!("http://127.0.0.1:{}", common::dead_port());
    let out = Command::new(env!("CARGO_BIN_EXE_ocrlay"))
        .args([
            "translate",
            "--url",
            "https://api.example.invalid/v1",
            "--model",
            "m",
            "hello",
        ])
        .env("OCRLAY_CONFIG", dir.path().join("c.toml"))
        .env("OCRLAY_API_KEY", "sk-proxy-test")
        .env("HTTPS_PROXY", &proxy)
        .env_remove("NO_PROXY")
        .env_remove("no_proxy")
        .env_remove("ALL_PROXY")
        .env_remove("all_proxy")
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = text(&out.stderr);
    assert!(
        err.contains(&proxy) && err.contains("the system's proxy"),
        "{err}"
    );
    assert!(!err.contains("sk-proxy-test"), "{err}");
}

/// Each problem of the settings file is said once on stderr, naming the file (it was said twice: once by the
/// command, once more by the library's log).
#[test]
fn each_config_warning_is_printed_once() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("c.toml");
    std::fs::write(
        &cfg,
        "[zzz_section]\nx = 1\n[general]\nzzz_unknown_key = true\n",
    )
    .unwrap();
    // No provider is chosen: the command stops after reading the settings, without any network.
    let out = ocrlay(&cfg, &["translate", "hi"], None, None);
    assert!(!out.status.success());
    let err = text(&out.stderr);
    for name in ["zzz_section", "zzz_unknown_key"] {
        let lines: Vec<&str> = err.lines().filter(|l| l.contains(name)).collect();
        assert_eq!(lines.len(), 1, "{name} in:\n{err}");
        assert!(lines[0].contains(&cfg.display().to_string()), "{err}");
    }
}
