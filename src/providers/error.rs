//! Errors a provider call can end in, each worded so that the user knows what to do next.

use std::fmt;
use std::time::Duration;

/// A failed provider call: which provider, and what went wrong.
#[derive(Debug, thiserror::Error)]
#[error("{provider}: {kind}")]
pub struct ProviderError {
    /// The provider's display name.
    pub provider: String,
    /// What went wrong.
    pub kind: ErrorKind,
}

impl ProviderError {
    /// Makes an error for a provider.
    pub fn new(provider: impl Into<String>, kind: ErrorKind) -> Self {
        ProviderError {
            provider: provider.into(),
            kind,
        }
    }

    /// Whether trying the same request again later may succeed.
    pub fn is_retryable(&self) -> bool {
        self.kind.is_retryable()
    }

    /// Text received before the failure (a truncated stream keeps what arrived).
    pub fn partial_text(&self) -> Option<&str> {
        match &self.kind {
            ErrorKind::Truncated { partial, .. }
            | ErrorKind::Stream { partial, .. }
            | ErrorKind::Deadline { partial, .. }
            | ErrorKind::TooLarge { partial }
            | ErrorKind::Looping { partial } => Some(partial.as_str()).filter(|s| !s.is_empty()),
            _ => None,
        }
    }
}

/// What went wrong, in words a user can act on.
#[derive(Debug, thiserror::Error)]
pub enum ErrorKind {
    /// No key is set for a provider that needs one.
    #[error("no API key is set. Create one at {key_page} and enter it in settings (or set OCRLAY_API_KEY)")]
    MissingKey {
        /// Where keys are made.
        key_page: String,
    },
    /// The key does not have the form the provider needs.
    #[error("the key must be APIKey:APISecret (both from the console, joined by a colon)")]
    KeyFormat,
    /// No model is set and the provider has no default.
    #[error("no model is set. {hint}")]
    MissingModel {
        /// Where to find one.
        hint: Hint,
    },
    /// The configured address is unusable.
    #[error("{0}")]
    Url(#[from] super::url::UrlError),
    /// The configured proxy is unusable.
    #[error("{0}")]
    ProxyConfig(#[from] super::proxy::ProxyError),
    /// 401/403.
    #[error("the API key was rejected ({status}{detail}). Check the key in settings{key_page}")]
    Unauthorized {
        /// HTTP status.
        status: u16,
        /// The server's words, prefixed with ": ".
        detail: String,
        /// " — new keys: URL", or empty.
        key_page: String,
    },
    /// The account is out of credit (402, `insufficient_quota`).
    #[error(
        "the account is out of credit or quota ({status}{detail}). Top it up or switch provider"
    )]
    Quota {
        /// HTTP status.
        status: u16,
        /// The server's words.
        detail: String,
    },
    /// The model is unknown.
    #[error("the model '{model}' does not exist here ({status}{detail}). Pick one from the model list in settings")]
    ModelNotFound {
        /// The model asked for.
        model: String,
        /// HTTP status.
        status: u16,
        /// The server's words.
        detail: String,
    },
    /// 404 that is not about the model: the address is wrong.
    #[error("nothing answers at {url} (404). Check the API address: it usually ends in /v1/chat/completions")]
    EndpointNotFound {
        /// The URL requested.
        url: String,
    },
    /// 429.
    #[error("too many requests (429{detail}). Wait a moment{}", retry_hint(*.retry_after))]
    RateLimited {
        /// The server's words.
        detail: String,
        /// Retry-After, when given.
        retry_after: Option<Duration>,
    },
    /// The prompt exceeds the model's context.
    #[error("the text is too long for the model's context{detail}. Select a smaller region, lower the context lines, or start the server with a larger context (llama.cpp: -c)")]
    ContextTooLong {
        /// The server's words.
        detail: String,
    },
    /// The server is up but still loading the model (llama.cpp 503).
    #[error(
        "the server is still loading the model (503). Wait until it has loaded, then try again"
    )]
    Loading,
    /// 5xx.
    #[error("the server failed ({status}{detail}). Try again later")]
    Server {
        /// HTTP status.
        status: u16,
        /// The server's words.
        detail: String,
    },
    /// Other 4xx.
    #[error("the request was refused ({status}{detail})")]
    BadRequest {
        /// HTTP status.
        status: u16,
        /// The server's words.
        detail: String,
    },
    /// The proxy could not be used.
    #[error("the proxy {proxy} could not be used ({detail}). Start your proxy program (Clash: 127.0.0.1:7890) or change the proxy in settings")]
    Proxy {
        /// The proxy, password hidden.
        proxy: String,
        /// What failed.
        detail: String,
    },
    /// DNS lookup failed.
    #[error(
        "cannot find the server '{host}' (DNS lookup failed). Check the address and your network"
    )]
    Dns {
        /// The host name.
        host: String,
    },
    /// Nothing listens at the address.
    #[error("nothing is listening at {url} (connection refused). {hint}")]
    ConnectionRefused {
        /// Where we tried.
        url: String,
        /// What to start.
        hint: Hint,
    },
    /// Another connection failure.
    #[error("cannot connect to {host} ({detail}). Check your network, or set a proxy in settings")]
    Connect {
        /// The host.
        host: String,
        /// What failed.
        detail: String,
    },
    /// No answer in time.
    #[error("no answer within {} s. The server is slow or unreachable; for slow local models raise the read timeout in settings", .after.as_secs())]
    Timeout {
        /// The limit that ran out.
        after: Duration,
    },
    /// The stream ended before the answer was complete.
    #[error("the answer was cut off before it was complete ({} characters arrived){detail}. Try again", .partial.chars().count())]
    Truncated {
        /// What arrived.
        partial: String,
        /// What the transport said.
        detail: String,
    },
    /// The server sent an error object in the middle of a stream.
    #[error("the server reported an error mid-answer: {detail}")]
    Stream {
        /// The server's words.
        detail: String,
        /// What arrived before it.
        partial: String,
    },
    /// The body is not JSON (an HTML page, a proxy's error page…).
    #[error("the answer is not JSON ({snippet}). Check the API address: it must be an OpenAI-compatible chat/completions URL")]
    NotJson {
        /// The start of the body.
        snippet: String,
    },
    /// The key would cross the network unencrypted.
    #[error("the address is plain http:// to {host}, so your API key would cross the network unencrypted. Use its https:// address (or, for a server that needs no key, leave the key empty)")]
    InsecureKey {
        /// The remote host.
        host: String,
    },
    /// The answer was well formed but had no text.
    #[error("the answer contained no translation")]
    Empty,
    /// The whole call took longer than its overall limit (a server that trickles keep-alives, streams only
    /// reasoning, or never ends).
    #[error("no complete answer within {} s, so ocrlay stopped waiting ({} characters had arrived). The server may be stuck or still thinking; for slow local models raise the overall time limit in settings (Network)", .after.as_secs(), .partial.chars().count())]
    Deadline {
        /// The limit that ran out.
        after: Duration,
        /// What arrived.
        partial: String,
    },
    /// The model started repeating one short pattern over and over: the loop was cut.
    #[error("the model started repeating itself, so ocrlay cut the answer there (shown above). Lower its temperature or raise its repetition penalty, or try again")]
    Looping {
        /// The answer before the loop, with one copy of the repeated pattern.
        partial: String,
    },
    /// The answer was far larger than any translation: the server does not stop.
    #[error("the answer grew past what any translation needs ({} characters arrived), so ocrlay stopped reading it. The model may be looping: check its settings (temperature, repetition penalty)", .partial.chars().count())]
    TooLarge {
        /// What arrived.
        partial: String,
    },
}

/// What the user can do about a missing model or a server that is not running, in either language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hint {
    /// Doubao: an inference endpoint id from the Ark console.
    ArkEndpoint,
    /// ollama: a model name from `ollama list`.
    OllamaList,
    /// Any other provider: the model name it gives.
    ModelName,
    /// The rented GPU: the ssh tunnel must be open.
    Tunnel,
    /// ollama is not running.
    StartOllama,
    /// text-generation-webui is not running with its API.
    StartTgw,
    /// The Sakura server (llama.cpp) is not running.
    StartSakura,
    /// A remote address: check it.
    CheckAddress,
}

impl Hint {
    /// The hint in Chinese.
    pub fn zh(self) -> String {
        match self {
            Hint::ArkEndpoint => "请在火山方舟控制台创建推理接入点，并填入它的 ID（ep-…）。".into(),
            Hint::OllamaList => "请填入 `ollama list` 里列出的模型名。".into(),
            Hint::ModelName => "请填入服务商给出的模型名。".into(),
            Hint::Tunnel => format!(
                "请先打开 ssh 隧道（{}）并保持窗口开着",
                super::catalog::TUNNEL_COMMAND
            ),
            Hint::StartOllama => "请启动 ollama（`ollama serve`），或检查端口".into(),
            Hint::StartTgw => "请用 --api 启动 text-generation-webui，或检查端口".into(),
            Hint::StartSakura => {
                "请启动 Sakura 服务（llama 启动器 / llama-server），或检查端口".into()
            }
            Hint::CheckAddress => "请检查地址和端口".into(),
        }
    }
}

impl fmt::Display for Hint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Hint::ArkEndpoint => f.write_str(
                "Create an inference endpoint in the Ark console and enter its id (ep-…).",
            ),
            Hint::OllamaList => f.write_str("Enter a model name from `ollama list`."),
            Hint::ModelName => f.write_str("Enter the model name your provider gives."),
            Hint::Tunnel => write!(
                f,
                "Open the ssh tunnel first ({}) and keep its window open",
                super::catalog::TUNNEL_COMMAND
            ),
            Hint::StartOllama => f.write_str("Start ollama (`ollama serve`) or check the port"),
            Hint::StartTgw => {
                f.write_str("Start text-generation-webui with --api, or check the port")
            }
            Hint::StartSakura => f.write_str(
                "Start the Sakura server (llama launcher / llama-server) or check the port",
            ),
            Hint::CheckAddress => f.write_str("Check the address and port"),
        }
    }
}

fn retry_hint(after: Option<Duration>) -> String {
    match after {
        Some(d) => format!(" (the server asks for {} s)", d.as_secs().max(1)),
        None => String::new(),
    }
}

impl ProviderError {
    /// The message in the UI's language: Chinese when `zh`, else the English of `Display`.
    pub fn message(&self, zh: bool) -> String {
        if zh {
            format!("{}：{}", self.provider, self.kind.zh())
        } else {
            self.to_string()
        }
    }
}

impl ErrorKind {
    /// The same message in Chinese (the server's own words and hints are kept as they came).
    pub fn zh(&self) -> String {
        let secs = |d: &Duration| d.as_secs();
        let chars = |s: &str| s.chars().count();
        match self {
            ErrorKind::MissingKey { key_page } => {
                format!("还没有设置 API 密钥。请在 {key_page} 创建一个，然后填入设置（或设置 OCRLAY_API_KEY）")
            }
            ErrorKind::KeyFormat => "密钥格式应为 APIKey:APISecret（控制台里的两项，用冒号连接）".into(),
            ErrorKind::MissingModel { hint } => format!("还没有设置模型。{}", hint.zh()),
            ErrorKind::Url(e) => format!("地址无法使用：{e}"),
            ErrorKind::ProxyConfig(e) => format!("代理设置无法使用：{e}"),
            ErrorKind::Unauthorized {
                status,
                detail,
                key_page,
            } => format!("API 密钥被拒绝（{status}{detail}）。请检查设置里的密钥{key_page}"),
            ErrorKind::Quota { status, detail } => {
                format!("账户余额或额度已用完（{status}{detail}）。请充值或换一个翻译源")
            }
            ErrorKind::ModelNotFound {
                model,
                status,
                detail,
            } => format!("这里没有模型“{model}”（{status}{detail}）。请在设置的模型列表里选一个"),
            ErrorKind::EndpointNotFound { url } => {
                format!("{url} 没有响应（404）。请检查 API 地址：通常以 /v1/chat/completions 结尾")
            }
            ErrorKind::RateLimited {
                detail,
                retry_after,
            } => {
                let wait = retry_after
                    .map(|d| format!("（服务器要求等待 {} 秒）", d.as_secs().max(1)))
                    .unwrap_or_default();
                format!("请求太频繁（429{detail}）。请稍等再试{wait}")
            }
            ErrorKind::ContextTooLong { detail } => format!(
                "文本超出了模型的上下文长度{detail}。请选小一点的区域、减少上下文行数，或用更大的上下文启动服务器（llama.cpp：-c）"
            ),
            ErrorKind::Loading => "服务器还在加载模型（503）。等加载完成后再试".into(),
            ErrorKind::Server { status, detail } => format!("服务器出错（{status}{detail}）。请稍后再试"),
            ErrorKind::BadRequest { status, detail } => format!("请求被拒绝（{status}{detail}）"),
            ErrorKind::Proxy { proxy, detail } => format!(
                "无法使用代理 {proxy}（{detail}）。请启动代理程序（Clash：127.0.0.1:7890）或在设置里修改代理"
            ),
            ErrorKind::Dns { host } => format!("找不到服务器“{host}”（域名解析失败）。请检查地址和网络"),
            ErrorKind::ConnectionRefused { url, hint } => {
                format!("{url} 没有程序在监听（连接被拒绝）。{}", hint.zh())
            }
            ErrorKind::Connect { host, detail } => {
                format!("无法连接到 {host}（{detail}）。请检查网络，或在设置里设置代理")
            }
            ErrorKind::Timeout { after } => format!(
                "{} 秒内没有回应。服务器太慢或无法访问；较慢的本地模型请在设置里调大读取超时",
                secs(after)
            ),
            ErrorKind::Truncated { partial, detail } => format!(
                "回答在完成前被中断（已收到 {} 个字符）{detail}。请重试",
                chars(partial)
            ),
            ErrorKind::Stream { detail, .. } => format!("服务器在回答中途报错：{detail}"),
            ErrorKind::NotJson { snippet } => format!(
                "回答不是 JSON（{snippet}）。请检查 API 地址：必须是兼容 OpenAI 的 chat/completions 地址"
            ),
            ErrorKind::InsecureKey { host } => format!(
                "地址是到 {host} 的明文 http://，API 密钥会不加密地在网络上传输。请改用它的 https:// 地址（不需要密钥的服务器可以把密钥留空）"
            ),
            ErrorKind::Empty => "回答里没有译文".into(),
            ErrorKind::Deadline { after, partial } => format!(
                "{} 秒内没有得到完整的回答，已停止等待（已收到 {} 个字符）。服务器可能卡住或还在思考；较慢的本地模型请在设置（网络）里调大总超时",
                secs(after),
                chars(partial)
            ),
            ErrorKind::Looping { .. } => {
                "模型开始不停地重复自己，已在那里截断回答（见上方）。请调低它的 temperature 或提高重复惩罚，或者重试".into()
            }
            ErrorKind::TooLarge { partial } => format!(
                "回答长到远超任何译文（已收到 {} 个字符），已停止读取。模型可能陷入了循环：请检查它的设置（temperature、重复惩罚）",
                chars(partial)
            ),
        }
    }

    /// Whether trying again may succeed: 429 (not quota), 5xx, and a connection reset.
    pub fn is_retryable(&self) -> bool {
        match self {
            ErrorKind::RateLimited { .. } | ErrorKind::Server { .. } | ErrorKind::Loading => true,
            ErrorKind::Connect { detail, .. } => {
                let d = detail.to_ascii_lowercase();
                d.contains("reset") || d.contains("aborted") || d.contains("broken pipe")
            }
            _ => false,
        }
    }
}

/// What an HTTP error body says, pulled from the shapes servers use.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct ServerWords {
    /// `error.message`, `message`, `detail`, or the raw text.
    pub message: String,
    /// `error.type`.
    pub kind: String,
    /// `error.code`.
    pub code: String,
    /// Whether the body was JSON.
    pub json: bool,
}

impl ServerWords {
    /// Reads an error body.
    pub fn parse(body: &str) -> Self {
        let Ok(v) = serde_json::from_str::<serde_json::Value>(body) else {
            return ServerWords {
                message: snippet(body, 200),
                ..Default::default()
            };
        };
        let err = v.get("error").unwrap_or(&v);
        let text = |key: &str| -> String {
            match err.get(key) {
                Some(serde_json::Value::String(s)) => s.clone(),
                Some(serde_json::Value::Number(n)) => n.to_string(),
                _ => String::new(),
            }
        };
        let mut message = text("message");
        if message.is_empty() {
            message = text("detail");
        }
        if message.is_empty() {
            message = text("msg");
        }
        if message.is_empty() {
            if let Some(s) = v.get("error").and_then(|e| e.as_str()) {
                message = s.to_string();
            }
        }
        ServerWords {
            message: snippet(&message, 300),
            kind: text("type"),
            code: text("code"),
            json: true,
        }
    }

    fn all_lower(&self) -> String {
        format!("{} {} {}", self.message, self.kind, self.code).to_ascii_lowercase()
    }

    /// Whether the words speak of the context length.
    pub fn is_context(&self) -> bool {
        let s = self.all_lower();
        s.contains("exceed_context_size")
            || s.contains("context_length_exceeded")
            || s.contains("maximum context length")
            || s.contains("context size")
            || s.contains("context length")
            || s.contains("too many tokens")
    }

    /// Whether the words speak of quota or balance.
    pub fn is_quota(&self) -> bool {
        let s = self.all_lower();
        s.contains("insufficient_quota")
            || s.contains("insufficient balance")
            || s.contains("insufficient_balance")
            || s.contains("quota")
            || s.contains("balance")
            || s.contains("credit")
            || self.message.contains("余额")
            || self.message.contains("欠费")
    }

    /// Whether the words speak of the model.
    pub fn is_model(&self) -> bool {
        let s = self.all_lower();
        s.contains("model")
    }

    /// Whether a 503 means "loading" (llama.cpp's `unavailable_error`).
    pub fn is_loading(&self) -> bool {
        let s = self.all_lower();
        s.contains("unavailable_error") || s.contains("loading")
    }

    /// ": message" for use after a status, or empty.
    pub fn suffix(&self) -> String {
        if self.message.is_empty() {
            String::new()
        } else {
            format!(": {}", self.message)
        }
    }
}

/// Maps an HTTP error status and body to what the user needs to know.
pub fn classify_status(
    status: u16,
    body: &str,
    model: &str,
    url: &str,
    key_page: &str,
    retry_after: Option<Duration>,
) -> ErrorKind {
    let w = ServerWords::parse(body);
    let detail = w.suffix();
    match status {
        400 | 413 | 422 if w.is_context() || status == 413 => ErrorKind::ContextTooLong { detail },
        400 | 422
            if w.is_model()
                && (w.all_lower().contains("not exist")
                    || w.all_lower().contains("not found")
                    || w.all_lower().contains("model_not_found")
                    || w.all_lower().contains("invalid model")) =>
        {
            ErrorKind::ModelNotFound {
                model: model.to_string(),
                status,
                detail,
            }
        }
        401 | 403 if w.is_quota() => ErrorKind::Quota { status, detail },
        401 | 403 => ErrorKind::Unauthorized {
            status,
            detail,
            key_page: if key_page.is_empty() {
                String::new()
            } else {
                format!(" — new keys: {key_page}")
            },
        },
        402 => ErrorKind::Quota { status, detail },
        404 if w.json && (w.is_model() || w.code.contains("model")) => ErrorKind::ModelNotFound {
            model: model.to_string(),
            status,
            detail,
        },
        404 => ErrorKind::EndpointNotFound {
            url: url.to_string(),
        },
        429 if w.is_quota() => ErrorKind::Quota { status, detail },
        429 => ErrorKind::RateLimited {
            detail,
            retry_after,
        },
        503 if w.is_loading() => ErrorKind::Loading,
        500..=599 => ErrorKind::Server { status, detail },
        _ => ErrorKind::BadRequest { status, detail },
    }
}

/// The first `max` characters of a body, on one line.
pub fn snippet(body: &str, max: usize) -> String {
    let one_line: String = body
        .trim()
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    if one_line.chars().count() > max {
        format!("{}…", one_line.chars().take(max).collect::<String>())
    } else {
        one_line
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(status: u16, body: &str) -> ErrorKind {
        classify_status(
            status,
            body,
            "m",
            "http://x/v1/chat/completions",
            "https://k",
            None,
        )
    }

    #[test]
    fn statuses_map_to_actions() {
        assert!(matches!(
            kind(401, r#"{"error":{"message":"bad key"}}"#),
            ErrorKind::Unauthorized { .. }
        ));
        assert!(matches!(
            kind(403, "forbidden"),
            ErrorKind::Unauthorized { .. }
        ));
        assert!(matches!(
            kind(402, r#"{"error":{"message":"Insufficient Balance"}}"#),
            ErrorKind::Quota { .. }
        ));
        assert!(matches!(
            kind(
                429,
                r#"{"error":{"message":"You exceeded your current quota","type":"insufficient_quota"}}"#
            ),
            ErrorKind::Quota { .. }
        ));
        assert!(matches!(
            kind(429, r#"{"error":{"message":"slow down"}}"#),
            ErrorKind::RateLimited { .. }
        ));
        assert!(matches!(
            kind(
                404,
                r#"{"error":{"message":"The model `x` does not exist","code":"model_not_found"}}"#
            ),
            ErrorKind::ModelNotFound { .. }
        ));
        assert!(matches!(
            kind(404, "<html>Not Found</html>"),
            ErrorKind::EndpointNotFound { .. }
        ));
        assert!(matches!(
            kind(
                400,
                r#"{"error":{"code":400,"message":"the request exceeds the available context size","type":"exceed_context_size_error"}}"#
            ),
            ErrorKind::ContextTooLong { .. }
        ));
        assert!(matches!(
            kind(
                503,
                r#"{"error":{"code":503,"message":"Loading model","type":"unavailable_error"}}"#
            ),
            ErrorKind::Loading
        ));
        assert!(matches!(
            kind(502, "bad gateway"),
            ErrorKind::Server { status: 502, .. }
        ));
        assert!(matches!(
            kind(400, r#"{"error":{"message":"bad"}}"#),
            ErrorKind::BadRequest { .. }
        ));
    }

    #[test]
    fn retryable_kinds() {
        assert!(kind(429, "{}").is_retryable());
        assert!(kind(500, "{}").is_retryable());
        assert!(!kind(400, "{}").is_retryable());
        assert!(!kind(401, "{}").is_retryable());
        assert!(!kind(403, "{}").is_retryable());
        assert!(!kind(404, "{}").is_retryable());
    }

    #[test]
    fn snippets_are_bounded() {
        let long = "a".repeat(500);
        assert_eq!(snippet(&long, 10), format!("{}…", "a".repeat(10)));
        assert_eq!(snippet(" x\ny ", 10), "x y");
    }
}
