//! Where each new line goes besides the overlay (`[output]`, everything off by default): the clipboard, a
//! WebSocket on 127.0.0.1 for texthooker pages and dictionaries (Yomitan), and read-aloud ([`crate::speech`]:
//! the source when a line is recognised, or the first provider's translation, one utterance per line). The
//! WebSocket sends the plain source text of each line on `/` (what texthooker pages read) and one JSON object
//! per translation on `/json` (source, translation, provider, region, time). It never listens on another
//! address.

use crate::config::{LinePart, OutputSettings};
use crate::speech::Speech;
use futures_util::{SinkExt, StreamExt};
use serde::Serialize;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;
use tokio::net::TcpListener;
use tokio::sync::broadcast;
use tokio_tungstenite::tungstenite::handshake::server::{Request, Response};
use tokio_tungstenite::tungstenite::Message;

/// One translated line, as the JSON stream sends it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Line {
    /// The recognised (or corrected) text.
    pub source: String,
    /// The translation.
    pub translation: String,
    /// The provider's catalog id.
    pub provider: String,
    /// The saved region's name.
    pub region: String,
    /// When, in ms since the Unix epoch.
    pub time_ms: i64,
}

/// What the server sends, and to which clients.
#[derive(Debug, Clone)]
enum Sent {
    /// Plain text for `/`.
    Source(Arc<str>),
    /// A JSON line for `/json`.
    Json(Arc<str>),
}

/// Lines queued per client before a slow one starts losing the oldest.
const BACKLOG: usize = 256;

/// The WebSocket server; it stops when dropped.
pub struct WebSocket {
    addr: SocketAddr,
    tx: broadcast::Sender<Sent>,
    task: tokio::task::AbortHandle,
}

impl WebSocket {
    /// Listens on 127.0.0.1:`port` (0: any free port).
    pub async fn bind(port: u16) -> std::io::Result<WebSocket> {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, port)).await?;
        let addr = listener.local_addr()?;
        let (tx, _) = broadcast::channel(BACKLOG);
        let clients = tx.clone();
        let task = tokio::spawn(async move {
            loop {
                let Ok((stream, peer)) = listener.accept().await else {
                    continue;
                };
                let rx = clients.subscribe();
                tokio::spawn(async move {
                    if let Err(e) = serve(stream, rx).await {
                        tracing::debug!(%peer, "WebSocket client: {e}");
                    }
                });
            }
        })
        .abort_handle();
        tracing::info!(%addr, "WebSocket output listening");
        Ok(WebSocket { addr, tx, task })
    }

    /// Where it listens.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// A new line's source text, to `/` clients.
    pub fn source(&self, text: &str) {
        let _ = self.tx.send(Sent::Source(text.into()));
    }

    /// A translation, to `/json` clients.
    pub fn line(&self, line: &Line) {
        if let Ok(json) = serde_json::to_string(line) {
            let _ = self.tx.send(Sent::Json(json.into()));
        }
    }
}

impl Drop for WebSocket {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// One client: the handshake (its path chooses plain text or JSON), then every line until it goes.
// The handshake callback's error type is tungstenite's (an HTTP response); it is never built here.
#[allow(clippy::result_large_err)]
async fn serve(
    stream: tokio::net::TcpStream,
    mut rx: broadcast::Receiver<Sent>,
) -> Result<(), tokio_tungstenite::tungstenite::Error> {
    let mut json = false;
    let ws = tokio_tungstenite::accept_hdr_async(stream, |req: &Request, resp: Response| {
        json = req.uri().path().trim_end_matches('/') == "/json";
        Ok(resp)
    })
    .await?;
    let (mut out, mut incoming) = ws.split();
    loop {
        tokio::select! {
            sent = rx.recv() => match sent {
                Ok(Sent::Source(text)) if !json => out.send(Message::text(text.to_string())).await?,
                Ok(Sent::Json(text)) if json => out.send(Message::text(text.to_string())).await?,
                Ok(_) => {}
                // A slow client lost the oldest lines; it goes on with the newest.
                Err(broadcast::error::RecvError::Lagged(n)) => tracing::debug!(lost = n, "WebSocket client too slow"),
                Err(broadcast::error::RecvError::Closed) => return Ok(()),
            },
            msg = incoming.next() => match msg {
                None | Some(Err(_)) | Some(Ok(Message::Close(_))) => return Ok(()),
                Some(Ok(_)) => {}
            },
        }
    }
}

/// The outputs the settings ask for.
#[derive(Default)]
pub struct Outputs {
    settings: OutputSettings,
    ws: Option<WebSocket>,
    /// The last job whose first translation came: the clipboard and read-aloud take that one only (one copy
    /// and one utterance per line, the first provider's).
    first_translated: Option<u64>,
    /// The last line read: its job and text (each translation of it is sent with it).
    last: Option<(u64, String)>,
    /// Read-aloud, when the app has it (tests without speech leave it out).
    speech: Option<Speech>,
}

impl Outputs {
    /// Outputs that can read lines aloud through `speech`.
    pub fn with_speech(speech: Speech) -> Self {
        Outputs {
            speech: Some(speech),
            ..Outputs::default()
        }
    }

    /// Read-aloud, when the app has it (for the settings page's voice list).
    pub fn speech(&mut self) -> Option<&mut Speech> {
        self.speech.as_mut()
    }

    /// Applies `settings`: sets read-aloud's voice and rate (or stops it), starts, moves or stops the
    /// WebSocket. The error says why it cannot listen, in the UI's language.
    pub fn configure(
        &mut self,
        settings: &OutputSettings,
        runtime: &tokio::runtime::Handle,
        zh: bool,
    ) -> Result<(), String> {
        if let Some(speech) = &mut self.speech {
            if settings.speak == LinePart::Off {
                speech.stop();
            } else {
                speech.configure(&settings.voice, settings.rate);
            }
        }
        let port = settings.websocket_port;
        let running = self.ws.as_ref().map(|w| w.addr().port());
        self.settings = settings.clone();
        if !settings.websocket {
            self.ws = None;
            return Ok(());
        }
        if running == Some(port) {
            return Ok(());
        }
        self.ws = None;
        match runtime.block_on(WebSocket::bind(port)) {
            Ok(ws) => {
                self.ws = Some(ws);
                Ok(())
            }
            Err(e) => Err(crate::text::Text::new("status.ws_bind_failed")
                .with("port", port)
                .with("reason", e)
                .render(if zh { "zh" } else { "en" })),
        }
    }

    /// Where the WebSocket listens, when it does.
    pub fn websocket_addr(&self) -> Option<SocketAddr> {
        self.ws.as_ref().map(WebSocket::addr)
    }

    /// Job `job` read a new line (read aloud if the settings say so): the text for the clipboard, if the
    /// settings copy the source.
    pub fn recognized(&mut self, job: u64, source: &str) -> Option<String> {
        if let Some(ws) = &self.ws {
            ws.source(source);
        }
        self.last = Some((job, source.to_string()));
        if self.settings.speak == LinePart::Source {
            if let Some(speech) = &mut self.speech {
                speech.say(source);
            }
        }
        (self.settings.copy == LinePart::Source).then(|| source.to_string())
    }

    /// `provider` translated job `job`'s line (of saved region `region`): the text for the clipboard, if the
    /// settings copy the translation and it is the line's first (which is also the one read aloud).
    pub fn translated(
        &mut self,
        job: u64,
        provider: &str,
        translation: &str,
        region: &str,
    ) -> Option<String> {
        let source = match &self.last {
            Some((j, s)) if *j == job => s.clone(),
            _ => return None,
        };
        let line = Line {
            source,
            translation: translation.to_string(),
            provider: provider.to_string(),
            region: region.to_string(),
            time_ms: crate::memory::now_ms(),
        };
        if let Some(ws) = &self.ws {
            ws.line(&line);
        }
        if self.first_translated.replace(job) == Some(job) {
            return None;
        }
        if self.settings.speak == LinePart::Translation {
            if let Some(speech) = &mut self.speech {
                speech.say(&line.translation);
            }
        }
        (self.settings.copy == LinePart::Translation).then_some(line.translation)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::speech::fake::{self, Call};

    #[test]
    fn one_utterance_per_line_of_the_part_the_settings_read() {
        let rt = tokio::runtime::Runtime::new().unwrap();
        let (speech, rec) = fake::speech();
        let mut outputs = Outputs::with_speech(speech);
        let mut settings = OutputSettings {
            speak: LinePart::Translation,
            voice: "Microsoft Huihui".into(),
            rate: 1.0,
            ..OutputSettings::default()
        };
        outputs.configure(&settings, rt.handle(), true).unwrap();
        outputs.recognized(1, "「今日はいい天気ですね。」");
        outputs.translated(1, "deepseek", "“今天天气真好啊。”", "Dialogue");
        // A second provider's answer of the same line is not read.
        outputs.translated(1, "qwen", "今天天气不错。", "Dialogue");
        outputs.recognized(2, "駅の前で待っているよ。");
        // A late answer of an older line is not read as the new line's.
        outputs.translated(1, "deepseek", "旧", "Dialogue");
        outputs.translated(2, "qwen", "我在车站前等你。", "Dialogue");
        assert_eq!(rec.next(), Call::Open);
        assert_eq!(rec.next(), Call::SetVoice("HKLM\\Voices\\Huihui".into()));
        assert_eq!(rec.next(), Call::SetRate(0.0));
        let speak = |text: &str| Call::Speak {
            text: text.into(),
            interrupt: true,
        };
        assert_eq!(rec.next(), speak("“今天天气真好啊。”"));
        assert_eq!(rec.next(), speak("我在车站前等你。"));

        // The source instead: read as it is recognised.
        settings.speak = LinePart::Source;
        outputs.configure(&settings, rt.handle(), true).unwrap();
        outputs.recognized(3, "次の行");
        outputs.translated(3, "deepseek", "下一行", "Dialogue");
        assert_eq!(rec.next(), speak("次の行"));
        // Switched off: the line being read stops, and nothing more is read.
        settings.speak = LinePart::Off;
        outputs.configure(&settings, rt.handle(), true).unwrap();
        assert_eq!(rec.next(), Call::Stop);
        outputs.recognized(4, "もう読まない");
        outputs.translated(4, "deepseek", "不再朗读", "Dialogue");
        drop(outputs);
        assert_eq!(rec.next(), Call::Retire);
    }
}
