//! The outputs of each new line besides the overlay: a real WebSocket server on 127.0.0.1 with real clients
//! (plain source text on `/`, JSON on `/json`), the clipboard choice, and the port errors.

use futures_util::StreamExt;
use ocrlay::config::{LinePart, OutputSettings};
use ocrlay::outputs::{Outputs, WebSocket};
use std::time::Duration;
use tokio_tungstenite::connect_async;
use tokio_tungstenite::tungstenite::Message;

async fn next_text<S>(client: &mut S) -> String
where
    S: futures_util::Stream<Item = Result<Message, tokio_tungstenite::tungstenite::Error>> + Unpin,
{
    let msg = tokio::time::timeout(Duration::from_secs(5), client.next())
        .await
        .expect("a line within 5 s")
        .expect("the connection is open")
        .expect("a message");
    msg.into_text().expect("text").to_string()
}

#[test]
fn lines_reach_websocket_clients_in_order_and_the_clipboard_gets_one_copy_per_line() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let mut outputs = Outputs::default();
    // A free port, found by binding port 0 once.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let settings = OutputSettings {
        copy: LinePart::Translation,
        websocket: true,
        websocket_port: port,
        ..OutputSettings::default()
    };
    outputs.configure(&settings, rt.handle(), false).unwrap();
    let addr = outputs.websocket_addr().unwrap();
    assert!(addr.ip().is_loopback(), "{addr}");
    let (mut plain, _) = rt.block_on(connect_async(format!("ws://{addr}/"))).unwrap();
    let (mut json, _) = rt
        .block_on(connect_async(format!("ws://{addr}/json")))
        .unwrap();

    assert_eq!(outputs.recognized(1, "「今日はいい天気ですね。」"), None);
    assert_eq!(
        outputs.translated(1, "deepseek", "“今天天气真好啊。”", "Dialogue"),
        Some("“今天天气真好啊。”".to_string())
    );
    // A second provider's answer of the same line goes to the WebSocket, not to the clipboard again.
    assert_eq!(
        outputs.translated(1, "qwen", "今天天气不错。", "Dialogue"),
        None
    );
    outputs.recognized(2, "駅の前で待っているよ。");
    // A late answer of an older line is not sent as the new line's.
    assert_eq!(outputs.translated(1, "deepseek", "旧", "Dialogue"), None);
    outputs.translated(2, "deepseek", "我在车站前等你。", "Dialogue");

    rt.block_on(async {
        assert_eq!(next_text(&mut plain).await, "「今日はいい天気ですね。」");
        assert_eq!(next_text(&mut plain).await, "駅の前で待っているよ。");
        let lines: Vec<serde_json::Value> = vec![
            serde_json::from_str(&next_text(&mut json).await).unwrap(),
            serde_json::from_str(&next_text(&mut json).await).unwrap(),
            serde_json::from_str(&next_text(&mut json).await).unwrap(),
        ];
        assert_eq!(lines[0]["source"], "「今日はいい天気ですね。」");
        assert_eq!(lines[0]["translation"], "“今天天气真好啊。”");
        assert_eq!(lines[0]["provider"], "deepseek");
        assert_eq!(lines[0]["region"], "Dialogue");
        assert!(lines[0]["time_ms"].as_i64().unwrap() > 1_700_000_000_000);
        assert_eq!(lines[1]["provider"], "qwen");
        assert_eq!(lines[2]["translation"], "我在车站前等你。");
    });

    // Copying the source instead; and the server stops when switched off.
    let source = OutputSettings {
        copy: LinePart::Source,
        websocket: false,
        ..settings.clone()
    };
    outputs.configure(&source, rt.handle(), false).unwrap();
    assert_eq!(outputs.recognized(3, "次の行"), Some("次の行".to_string()));
    assert!(outputs.websocket_addr().is_none());
    assert!(rt
        .block_on(connect_async(format!("ws://{addr}/json")))
        .is_err());
}

#[test]
fn a_port_in_use_is_said_in_the_ui_language() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let taken = rt.block_on(WebSocket::bind(0)).unwrap();
    let settings = OutputSettings {
        websocket: true,
        websocket_port: taken.addr().port(),
        ..OutputSettings::default()
    };
    let mut outputs = Outputs::default();
    let en = outputs
        .configure(&settings, rt.handle(), false)
        .unwrap_err();
    assert!(en.contains("choose another port"), "{en}");
    let zh = outputs.configure(&settings, rt.handle(), true).unwrap_err();
    assert!(zh.contains("换一个端口"), "{zh}");
    // Nothing else is given up: lines still go to the clipboard choice.
    assert!(outputs.websocket_addr().is_none());
}
