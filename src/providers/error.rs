//! Errors a provider call can end in, each worded so that the user knows what to do next.
//!
//! The words are sentences of the string table (`ui/strings.js`, keys `provider.err.*` and `provider.hint.*`):
//! [`ProviderError::text`] says an error in either language, and `Display` is its English.

use super::body::size_text;
use crate::text::Text;
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
            | ErrorKind::TooLarge { partial, .. }
            | ErrorKind::Looping { partial } => Some(partial.as_str()).filter(|s| !s.is_empty()),
            _ => None,
        }
    }
}

/// What went wrong, in words a user can act on.
#[derive(Debug)]
pub enum ErrorKind {
    /// No key is set for a provider that needs one.
    MissingKey {
        /// Where keys are made.
        key_page: String,
    },
    /// The key does not have the form the provider needs.
    KeyFormat,
    /// No model is set and the provider has no default.
    MissingModel {
        /// Where to find one.
        hint: Hint,
    },
    /// The configured address is unusable.
    Url(super::url::UrlError),
    /// The configured proxy is unusable.
    ProxyConfig(super::proxy::ProxyError),
    /// 401/403.
    Unauthorized {
        /// HTTP status.
        status: u16,
        /// The server's words, prefixed with ": ".
        detail: String,
        /// Where new keys are made, or empty.
        key_page: String,
    },
    /// The account is out of credit (402, `insufficient_quota`).
    Quota {
        /// HTTP status.
        status: u16,
        /// The server's words.
        detail: String,
    },
    /// The model is unknown.
    ModelNotFound {
        /// The model asked for.
        model: String,
        /// HTTP status.
        status: u16,
        /// The server's words.
        detail: String,
    },
    /// 404 that is not about the model: the address is wrong.
    EndpointNotFound {
        /// The URL requested.
        url: String,
    },
    /// 429.
    RateLimited {
        /// The server's words.
        detail: String,
        /// Retry-After, when given.
        retry_after: Option<Duration>,
    },
    /// The prompt exceeds the model's context.
    ContextTooLong {
        /// The server's words.
        detail: String,
    },
    /// The server is up but still loading the model (llama.cpp 503).
    Loading,
    /// 5xx.
    Server {
        /// HTTP status.
        status: u16,
        /// The server's words.
        detail: String,
    },
    /// Other 4xx.
    BadRequest {
        /// HTTP status.
        status: u16,
        /// The server's words.
        detail: String,
    },
    /// The proxy could not be used.
    Proxy {
        /// The proxy, password hidden.
        proxy: String,
        /// What failed.
        detail: String,
    },
    /// DNS lookup failed.
    Dns {
        /// The host name.
        host: String,
    },
    /// Nothing listens at the address.
    ConnectionRefused {
        /// Where we tried.
        url: String,
        /// What to start.
        hint: Hint,
    },
    /// Another connection failure.
    Connect {
        /// The host.
        host: String,
        /// What failed.
        detail: String,
    },
    /// No answer in time.
    Timeout {
        /// The limit that ran out.
        after: Duration,
    },
    /// The stream ended before the answer was complete.
    Truncated {
        /// What arrived.
        partial: String,
        /// What the transport said.
        detail: String,
    },
    /// The server sent an error object in the middle of a stream.
    Stream {
        /// The server's words.
        detail: String,
        /// What arrived before it.
        partial: String,
    },
    /// The body is text but not JSON (a proxy's error page in plain text…).
    NotJson {
        /// The start of the body.
        snippet: String,
    },
    /// The body is a web page, not the API's answer: a wrong address (a relay's website instead of its API
    /// address), a captive portal, a relay's login page.
    HtmlPage {
        /// The URL requested.
        url: String,
        /// The page's title, if it has one.
        title: Option<String>,
    },
    /// The body is not UTF-8 text: binary data, or text in another encoding (GBK).
    NotText {
        /// The URL requested.
        url: String,
    },
    /// An answer that is not a translation (a model list) is larger than the cap, so it was not read whole.
    BodyTooLarge {
        /// The URL requested.
        url: String,
        /// Its size in bytes, when the server announced it (then none of it was read).
        size: Option<u64>,
        /// The cap in bytes.
        limit: u64,
    },
    /// An answer that is not a translation (a model list, the health probe) did not end within the overall
    /// limit.
    BodyDeadline {
        /// The URL requested.
        url: String,
        /// The limit that ran out.
        after: Duration,
        /// Bytes received by then.
        received: u64,
    },
    /// The key would cross the network unencrypted.
    InsecureKey {
        /// The remote host.
        host: String,
    },
    /// The answer was well formed but had no text.
    Empty,
    /// The whole call took longer than its overall limit (a server that trickles keep-alives, streams only
    /// reasoning, or never ends).
    Deadline {
        /// The limit that ran out.
        after: Duration,
        /// What arrived.
        partial: String,
    },
    /// The model started repeating one short pattern over and over: the loop was cut.
    Looping {
        /// The answer before the loop, with one copy of the repeated pattern.
        partial: String,
    },
    /// The answer was far larger than any translation: the server does not stop.
    TooLarge {
        /// What arrived.
        partial: String,
        /// The cap that was reached, in bytes (of the whole answer, of one streamed event, or of its text).
        limit: u64,
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
    /// The hint, as a sentence of the string table.
    pub fn text(self) -> Text {
        match self {
            Hint::ArkEndpoint => Text::new("provider.hint.ark_endpoint"),
            Hint::OllamaList => Text::new("provider.hint.ollama_list"),
            Hint::ModelName => Text::new("provider.hint.model_name"),
            Hint::Tunnel => {
                Text::new("provider.hint.tunnel").with("command", super::catalog::TUNNEL_COMMAND)
            }
            Hint::StartOllama => Text::new("provider.hint.start_ollama"),
            Hint::StartTgw => Text::new("provider.hint.start_tgw"),
            Hint::StartSakura => Text::new("provider.hint.start_sakura"),
            Hint::CheckAddress => Text::new("provider.hint.check_address"),
        }
    }
}

/// The hint in English.
impl fmt::Display for Hint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.text().fmt(f)
    }
}

impl ProviderError {
    /// The error as a sentence: the provider's name, then what went wrong.
    pub fn text(&self) -> Text {
        Text::new("provider.err.line")
            .with("provider", &self.provider)
            .with_text("kind", self.kind.text())
    }

    /// [`ProviderError::text`] in the UI's language: Chinese when `zh`, else the English of `Display`.
    pub fn message(&self, zh: bool) -> String {
        self.text().render(if zh { "zh" } else { "en" })
    }
}

impl ErrorKind {
    /// What went wrong, as a sentence of the string table (the server's own words are kept as they came).
    pub fn text(&self) -> Text {
        let chars = |s: &str| s.chars().count();
        match self {
            ErrorKind::MissingKey { key_page } => {
                Text::new("provider.err.missing_key").with("key_page", key_page)
            }
            ErrorKind::KeyFormat => Text::new("provider.err.key_format"),
            ErrorKind::MissingModel { hint } => {
                Text::new("provider.err.missing_model").with_text("hint", hint.text())
            }
            ErrorKind::Url(e) => Text::new("provider.err.url").with("reason", e),
            ErrorKind::ProxyConfig(e) => Text::new("provider.err.proxy_config").with("reason", e),
            ErrorKind::Unauthorized {
                status,
                detail,
                key_page,
            } => {
                let t = Text::new("provider.err.unauthorized")
                    .with("status", status)
                    .with("detail", detail);
                if key_page.is_empty() {
                    t.with("key_page", "")
                } else {
                    t.with_text(
                        "key_page",
                        Text::new("provider.err.new_keys").with("url", key_page),
                    )
                }
            }
            ErrorKind::Quota { status, detail } => Text::new("provider.err.quota")
                .with("status", status)
                .with("detail", detail),
            ErrorKind::ModelNotFound {
                model,
                status,
                detail,
            } => Text::new("provider.err.model_not_found")
                .with("model", model)
                .with("status", status)
                .with("detail", detail),
            ErrorKind::EndpointNotFound { url } => {
                Text::new("provider.err.endpoint_not_found").with("url", url)
            }
            ErrorKind::RateLimited {
                detail,
                retry_after,
            } => {
                let t = Text::new("provider.err.rate_limited").with("detail", detail);
                match retry_after {
                    Some(d) => t.with_text(
                        "wait",
                        Text::new("provider.err.retry_after").with("secs", d.as_secs().max(1)),
                    ),
                    None => t.with("wait", ""),
                }
            }
            ErrorKind::ContextTooLong { detail } => {
                Text::new("provider.err.context_too_long").with("detail", detail)
            }
            ErrorKind::Loading => Text::new("provider.err.loading"),
            ErrorKind::Server { status, detail } => Text::new("provider.err.server")
                .with("status", status)
                .with("detail", detail),
            ErrorKind::BadRequest { status, detail } => Text::new("provider.err.bad_request")
                .with("status", status)
                .with("detail", detail),
            ErrorKind::Proxy { proxy, detail } => Text::new("provider.err.proxy")
                .with("proxy", proxy)
                .with("detail", detail),
            ErrorKind::Dns { host } => Text::new("provider.err.dns").with("host", host),
            ErrorKind::ConnectionRefused { url, hint } => {
                Text::new("provider.err.connection_refused")
                    .with("url", url)
                    .with_text("hint", hint.text())
            }
            ErrorKind::Connect { host, detail } => Text::new("provider.err.connect")
                .with("host", host)
                .with("detail", detail),
            ErrorKind::Timeout { after } => {
                Text::new("provider.err.timeout").with("secs", after.as_secs())
            }
            ErrorKind::Truncated { partial, detail } => Text::new("provider.err.truncated")
                .with("chars", chars(partial))
                .with("detail", detail),
            ErrorKind::Stream { detail, .. } => {
                Text::new("provider.err.stream").with("detail", detail)
            }
            ErrorKind::NotJson { snippet } => {
                Text::new("provider.err.not_json").with("snippet", snippet)
            }
            ErrorKind::HtmlPage { url, title } => {
                let t = Text::new("provider.err.html_page").with("url", url);
                match title {
                    Some(title) => t.with_text(
                        "title",
                        Text::new("provider.err.html_title").with("title", title),
                    ),
                    None => t.with("title", ""),
                }
            }
            ErrorKind::NotText { url } => Text::new("provider.err.not_text").with("url", url),
            ErrorKind::BodyTooLarge { url, size, limit } => match size {
                Some(size) => Text::new("provider.err.body_too_large")
                    .with("url", url)
                    .with("size", size_text(*size))
                    .with("limit", size_text(*limit)),
                None => Text::new("provider.err.body_over_limit")
                    .with("url", url)
                    .with("limit", size_text(*limit)),
            },
            ErrorKind::BodyDeadline {
                url,
                after,
                received,
            } => Text::new("provider.err.body_deadline")
                .with("url", url)
                .with("secs", after.as_secs())
                .with("size", size_text(*received)),
            ErrorKind::InsecureKey { host } => {
                Text::new("provider.err.insecure_key").with("host", host)
            }
            ErrorKind::Empty => Text::new("provider.err.empty"),
            ErrorKind::Deadline { after, partial } => Text::new("provider.err.deadline")
                .with("secs", after.as_secs())
                .with("chars", chars(partial)),
            ErrorKind::Looping { .. } => Text::new("provider.err.looping"),
            ErrorKind::TooLarge { partial, limit } => Text::new("provider.err.too_large")
                .with("limit", size_text(*limit))
                .with("chars", chars(partial)),
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

/// What went wrong, in English (after the provider's name in a [`ProviderError`]).
impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.text().fmt(f)
    }
}

impl std::error::Error for ErrorKind {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            ErrorKind::Url(e) => Some(e),
            ErrorKind::ProxyConfig(e) => Some(e),
            _ => None,
        }
    }
}

impl From<super::url::UrlError> for ErrorKind {
    fn from(e: super::url::UrlError) -> Self {
        ErrorKind::Url(e)
    }
}

impl From<super::proxy::ProxyError> for ErrorKind {
    fn from(e: super::proxy::ProxyError) -> Self {
        ErrorKind::ProxyConfig(e)
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
            key_page: key_page.to_string(),
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

    /// Every kind is a sentence of the string table in both languages, with every placeholder filled.
    #[test]
    fn every_kind_reads_in_both_languages() {
        let d = Duration::from_secs(5);
        let mut kinds = vec![
            ErrorKind::MissingKey {
                key_page: "https://k".into(),
            },
            ErrorKind::KeyFormat,
            ErrorKind::Url(super::super::url::UrlError::Empty),
            ErrorKind::ProxyConfig(super::super::proxy::ProxyError {
                input: "x".into(),
                reason: "no port".into(),
            }),
            ErrorKind::Unauthorized {
                status: 401,
                detail: ": bad key".into(),
                key_page: "https://k".into(),
            },
            ErrorKind::Unauthorized {
                status: 403,
                detail: String::new(),
                key_page: String::new(),
            },
            ErrorKind::Quota {
                status: 402,
                detail: String::new(),
            },
            ErrorKind::ModelNotFound {
                model: "m".into(),
                status: 404,
                detail: String::new(),
            },
            ErrorKind::EndpointNotFound {
                url: "http://x/v1".into(),
            },
            ErrorKind::RateLimited {
                detail: String::new(),
                retry_after: Some(d),
            },
            ErrorKind::RateLimited {
                detail: ": slow down".into(),
                retry_after: None,
            },
            ErrorKind::ContextTooLong {
                detail: String::new(),
            },
            ErrorKind::Loading,
            ErrorKind::Server {
                status: 502,
                detail: String::new(),
            },
            ErrorKind::BadRequest {
                status: 400,
                detail: String::new(),
            },
            ErrorKind::Proxy {
                proxy: "http://127.0.0.1:7890".into(),
                detail: "refused".into(),
            },
            ErrorKind::Dns { host: "x".into() },
            ErrorKind::Connect {
                host: "x".into(),
                detail: "reset".into(),
            },
            ErrorKind::Timeout { after: d },
            ErrorKind::Truncated {
                partial: "abc".into(),
                detail: String::new(),
            },
            ErrorKind::Stream {
                detail: "boom".into(),
                partial: String::new(),
            },
            ErrorKind::NotJson {
                snippet: "<html>".into(),
            },
            ErrorKind::InsecureKey { host: "x".into() },
            ErrorKind::Empty,
            ErrorKind::Deadline {
                after: d,
                partial: "abc".into(),
            },
            ErrorKind::Looping {
                partial: "abc".into(),
            },
            ErrorKind::TooLarge {
                partial: "abc".into(),
                limit: 8 << 20,
            },
            ErrorKind::HtmlPage {
                url: "http://x/v1/models".into(),
                title: Some("Wi-Fi Login".into()),
            },
            ErrorKind::HtmlPage {
                url: "http://x/v1/models".into(),
                title: None,
            },
            ErrorKind::NotText {
                url: "http://x/v1/models".into(),
            },
            ErrorKind::BodyTooLarge {
                url: "http://x/v1/models".into(),
                size: Some(200_000_000),
                limit: 8 << 20,
            },
            ErrorKind::BodyTooLarge {
                url: "http://x/v1/models".into(),
                size: None,
                limit: 8 << 20,
            },
            ErrorKind::BodyDeadline {
                url: "http://x/v1/models".into(),
                after: d,
                received: 3,
            },
        ];
        for hint in [
            Hint::ArkEndpoint,
            Hint::OllamaList,
            Hint::ModelName,
            Hint::Tunnel,
            Hint::StartOllama,
            Hint::StartTgw,
            Hint::StartSakura,
            Hint::CheckAddress,
        ] {
            kinds.push(ErrorKind::MissingModel { hint });
            kinds.push(ErrorKind::ConnectionRefused {
                url: "http://127.0.0.1:8080".into(),
                hint,
            });
        }
        let unfilled = regex::Regex::new(r"\{\w+\}|provider\.(err|hint)\.").unwrap();
        for kind in kinds {
            let e = ProviderError::new("P", kind);
            assert_eq!(e.message(false), e.to_string());
            for lang in ["zh", "en"] {
                let s = e.message(lang == "zh");
                assert!(s.starts_with('P') && !unfilled.is_match(&s), "{s}");
            }
        }
    }

    #[test]
    fn sentences_keep_their_words() {
        let limited = ProviderError::new(
            "DeepSeek",
            ErrorKind::RateLimited {
                detail: ": slow down".into(),
                retry_after: Some(Duration::from_millis(200)),
            },
        );
        assert_eq!(
            limited.to_string(),
            "DeepSeek: too many requests (429: slow down). Wait a moment (the server asks for 1 s)"
        );
        assert_eq!(
            limited.message(true),
            "DeepSeek：请求太频繁（429: slow down）。请稍等再试（服务器要求等待 1 秒）"
        );
        let e = ProviderError::new("OpenAI", kind(401, r#"{"error":{"message":"bad key"}}"#));
        assert_eq!(
            e.to_string(),
            "OpenAI: the API key was rejected (401: bad key). Check the key in settings — new keys: https://k"
        );
        let tunnel = ErrorKind::MissingModel { hint: Hint::Tunnel };
        assert!(tunnel
            .to_string()
            .starts_with("no model is set. Open the ssh tunnel first (ssh -N"));
    }

    #[test]
    fn snippets_are_bounded() {
        let long = "a".repeat(500);
        assert_eq!(snippet(&long, 10), format!("{}…", "a".repeat(10)));
        assert_eq!(snippet(" x\ny ", 10), "x y");
    }
}
