//! The one OpenAI-compatible chat-completions client every provider goes through.
//!
//! It builds the request each provider expects (prompt style, sampling fields, Qwen-MT options, Spark's
//! key and temperature), streams the answer over SSE, falls back to a plain JSON answer, retries what can be
//! retried, and turns every failure into a [`ProviderError`] a user can act on.

use super::body::{self, BodyError, Limits, MAX_ERROR_BODY_BYTES, MAX_EVENT_BYTES};
use super::catalog::{Dialect, KeyFormat, PromptStyle, ProviderInfo, Region};
use super::error::{classify_status, snippet, ErrorKind, Hint, ProviderError};
use super::prompt::{self, ContextPair, GlossaryEntry, PromptParams, SakuraVersion};
use super::stream::{self, Assembler, Change, Chunk};
use super::url::{chat_completions_url, health_url, is_loopback, models_url};
use super::{ApiKey, Proxy};
use crate::lang::Lang;
use eventsource_stream::Eventsource;
use futures_util::StreamExt;
use serde_json::{json, Value};
use std::time::{Duration, Instant};
use url::Url;

/// Sampling fields; each is sent only when set.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Sampling {
    /// `temperature` (0–2; Spark: (0, 1]).
    pub temperature: Option<f32>,
    /// `top_p` (0–1).
    pub top_p: Option<f32>,
    /// `max_tokens` (`max_completion_tokens` for OpenAI reasoning models).
    pub max_tokens: Option<u32>,
}

/// Network time limits.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Timeouts {
    /// Limit for opening a connection.
    pub connect: Duration,
    /// Limit for silence while waiting for (more of) the answer. Local models may think for a long time
    /// before their first token: prompt processing runs at ~80 tokens/s on a small CPU.
    pub read: Duration,
    /// Limit for the whole call, retries included: a server that trickles keep-alive comments, streams only
    /// reasoning, or never ends its answer stops here.
    pub total: Duration,
}

impl Default for Timeouts {
    fn default() -> Self {
        Timeouts {
            connect: Duration::from_secs(10),
            read: Duration::from_secs(60),
            total: Duration::from_secs(120),
        }
    }
}

pub use super::body::MAX_BODY_BYTES;

/// The most characters of translation shown for one answer.
pub const MAX_REPLY_CHARS: usize = 64_000;

impl Timeouts {
    /// The defaults for a provider: local servers get a much longer read limit.
    pub fn for_region(region: Region) -> Self {
        match region {
            Region::Local => Timeouts {
                connect: Duration::from_secs(5),
                read: Duration::from_secs(300),
                total: Duration::from_secs(600),
            },
            _ => Timeouts::default(),
        }
    }
}

/// How often and how long to retry.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RetryPolicy {
    /// Attempts in all, the first included.
    pub attempts: u32,
    /// Wait before the second attempt; doubled each time.
    pub base_delay: Duration,
    /// Longest wait, also for a server's Retry-After.
    pub max_delay: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            attempts: 3,
            base_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(8),
        }
    }
}

/// Everything needed to build an [`Endpoint`], usually from the settings.
#[derive(Debug, Clone)]
pub struct EndpointSpec {
    /// The catalog entry.
    pub info: &'static ProviderInfo,
    /// The address the user typed, if it overrides the catalog's (the URL rule is applied).
    pub url: Option<String>,
    /// The key, if any.
    pub key: Option<ApiKey>,
    /// The model; empty or `None` means the catalog's first recommendation.
    pub model: Option<String>,
    /// The provider's own proxy (`None`: use the global one).
    pub proxy: Option<Proxy>,
    /// The global proxy.
    pub global_proxy: Proxy,
    /// Sampling fields.
    pub sampling: Sampling,
    /// Sakura prompt format (Sakura providers only).
    pub sakura_version: SakuraVersion,
    /// Time limits.
    pub timeouts: Timeouts,
    /// Retries.
    pub retry: RetryPolicy,
}

impl EndpointSpec {
    /// A spec with the catalog's defaults for a provider.
    pub fn new(info: &'static ProviderInfo) -> Self {
        EndpointSpec {
            info,
            url: None,
            key: None,
            model: None,
            proxy: None,
            global_proxy: Proxy::System,
            sampling: Sampling {
                temperature: info.default_temperature,
                top_p: info.default_top_p,
                max_tokens: None,
            },
            sakura_version: SakuraVersion::default(),
            timeouts: Timeouts::for_region(info.region),
            retry: RetryPolicy::default(),
        }
    }
}

/// A text to translate.
#[derive(Debug, Clone)]
pub struct TranslateRequest {
    /// The text (OCR lines joined by `\n`).
    pub text: String,
    /// Source language.
    pub from: Lang,
    /// Target language.
    pub to: Lang,
    /// Earlier lines of the same region, oldest first.
    pub context: Vec<ContextPair>,
    /// Fixed term translations.
    pub glossary: Vec<GlossaryEntry>,
    /// A custom system prompt for general models.
    pub custom_prompt: Option<String>,
    /// Stream the answer (`false`: one JSON answer).
    pub stream: bool,
}

impl TranslateRequest {
    /// A request with no context or glossary, streamed.
    pub fn new(text: impl Into<String>, from: Lang, to: Lang) -> Self {
        TranslateRequest {
            text: text.into(),
            from,
            to,
            context: Vec::new(),
            glossary: Vec::new(),
            custom_prompt: None,
            stream: true,
        }
    }
}

/// Progress of a streamed translation, given to the caller as it arrives.
#[derive(Debug, Clone, Copy)]
pub struct Update<'a> {
    /// Newly arrived text (empty when the whole text was replaced).
    pub delta: &'a str,
    /// The whole translation so far.
    pub text: &'a str,
}

/// A finished translation.
#[derive(Debug, Clone, PartialEq)]
pub struct Translation {
    /// The translated text.
    pub text: String,
    /// The model that was asked.
    pub model: String,
    /// From sending the request to the first visible character.
    pub first_delta: Option<Duration>,
    /// From sending the request to the end of the answer.
    pub elapsed: Duration,
    /// Attempts used (1 when nothing was retried).
    pub attempts: u32,
}

/// What a provider test found.
#[derive(Debug, Clone)]
pub struct TestReport {
    /// The provider's display name.
    pub provider: String,
    /// The URL used.
    pub url: String,
    /// The model used.
    pub model: String,
    /// The sample sent.
    pub sample: String,
    /// The answer.
    pub reply: String,
    /// Time to the first character.
    pub first_delta: Option<Duration>,
    /// Time to the whole answer.
    pub elapsed: Duration,
}

/// A provider ready to be called: its URL, key, model, proxy and HTTP client.
#[derive(Debug, Clone)]
pub struct Endpoint {
    /// The catalog entry.
    pub info: &'static ProviderInfo,
    /// The chat-completions URL.
    pub url: Url,
    /// The model sent.
    pub model: String,
    /// The proxy in effect (direct for loopback).
    pub proxy: Proxy,
    /// Sampling fields.
    pub sampling: Sampling,
    /// Sakura prompt format.
    pub sakura_version: SakuraVersion,
    /// Time limits.
    pub timeouts: Timeouts,
    /// Retries.
    pub retry: RetryPolicy,
    key: Option<ApiKey>,
    http: reqwest::Client,
}

/// The reply cap when the provider sets none: a translation rarely takes more tokens than three per source
/// character; the floor leaves short lines room, the ceiling stops a model that loops (thousands of repeated
/// tags from a small local model were seen) from streaming on; reasoning models get room to think first.
pub fn derived_max_tokens(source: &str, reasoning: bool) -> u32 {
    let chars = u32::try_from(source.chars().count()).unwrap_or(u32::MAX);
    let n = chars.saturating_mul(3).clamp(256, 8192);
    if reasoning {
        n + 4096
    } else {
        n
    }
}

/// The proxy the system's settings give for `url` when ocrlay uses the system's proxy (`HTTPS_PROXY`,
/// `HTTP_PROXY`, `ALL_PROXY`, as reqwest reads them; loopback addresses and `NO_PROXY` hosts never use one),
/// with any password hidden.
fn system_proxy_for(url: &url::Url, proxy: &Proxy) -> Option<String> {
    if !matches!(proxy, Proxy::System) || is_loopback(url) {
        return None;
    }
    let var = |names: &[&str]| {
        names
            .iter()
            .find_map(|n| std::env::var(n).ok().filter(|v| !v.trim().is_empty()))
    };
    let host = url.host_str().unwrap_or_default();
    if let Some(no) = var(&["NO_PROXY", "no_proxy"]) {
        let skip = no.split(',').map(str::trim).any(|n| {
            n == "*"
                || (!n.is_empty()
                    && (host == n.trim_start_matches('.')
                        || host.ends_with(&format!(".{}", n.trim_start_matches('.')))))
        });
        if skip {
            return None;
        }
    }
    let found = match url.scheme() {
        "https" => var(&["HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy"]),
        _ => var(&["HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"]),
    }?;
    Some(match url::Url::parse(&found) {
        Ok(mut u) if u.password().is_some() => {
            let _ = u.set_password(Some("***"));
            u.to_string()
        }
        _ => found,
    })
}

/// What is being read from the server, for the words of an error that stops the reading.
#[derive(Debug, Clone, Copy)]
enum Reading<'a> {
    /// A translation, with the text shown so far.
    Translation(&'a str),
    /// Another answer (the model list, the health probe) from this URL.
    Answer(&'a Url),
}

/// Makes ring the process's TLS provider (reqwest is built without one, see Cargo.toml).
fn install_tls_provider() {
    // `Err` means one is installed already, which is all we need.
    let _ = rustls::crypto::ring::default_provider().install_default();
}

impl Endpoint {
    /// Checks the spec (URL, key format, model, proxy) and builds the HTTP client.
    pub fn new(spec: EndpointSpec) -> Result<Self, ProviderError> {
        let info = spec.info;
        let err = |kind: ErrorKind| ProviderError::new(info.name, kind);
        let typed = spec
            .url
            .as_deref()
            .map(str::trim)
            .filter(|u| !u.is_empty())
            .unwrap_or(info.url);
        let url = chat_completions_url(typed).map_err(|e| err(e.into()))?;
        let key = spec.key.filter(|k| !k.is_empty());
        // A key in clear text over the network: refused (a server on this machine, or one that needs no key,
        // may use plain http).
        if key.is_some() && url.scheme() == "http" && !is_loopback(&url) {
            return Err(err(ErrorKind::InsecureKey {
                host: url.host_str().unwrap_or_default().to_string(),
            }));
        }
        match (info.key_format, &key) {
            (KeyFormat::Optional, _) => {}
            // A relay or custom server on this machine may need no key.
            (_, None) if is_loopback(&url) => {}
            (_, None) => {
                return Err(err(ErrorKind::MissingKey {
                    key_page: if info.key_page.is_empty() {
                        "your provider's console".into()
                    } else {
                        info.key_page.into()
                    },
                }))
            }
            (KeyFormat::KeyColonSecret, Some(k)) => {
                let mut parts = k.expose().splitn(2, ':');
                let (a, b) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
                if a.is_empty() || b.is_empty() {
                    return Err(err(ErrorKind::KeyFormat));
                }
            }
            (KeyFormat::Bearer, Some(_)) => {}
        }
        let model = match spec
            .model
            .as_deref()
            .map(str::trim)
            .filter(|m| !m.is_empty())
        {
            Some(m) => m.to_string(),
            None => match (info.models.first(), info.dialect, info.prompt) {
                (Some(m), _, _) => m.to_string(),
                // llama.cpp ignores the model field.
                (None, Dialect::LlamaCpp, _) | (None, _, PromptStyle::Sakura) => "sakura".into(),
                (None, _, _) => {
                    let hint = match info.id {
                        "doubao" => Hint::ArkEndpoint,
                        "ollama" => Hint::OllamaList,
                        _ => Hint::ModelName,
                    };
                    return Err(err(ErrorKind::MissingModel { hint }));
                }
            },
        };
        let proxy = Proxy::select(&url, spec.proxy.as_ref(), &spec.global_proxy);
        install_tls_provider();
        let mut builder = reqwest::Client::builder()
            .connect_timeout(spec.timeouts.connect)
            .read_timeout(spec.timeouts.read)
            .tcp_nodelay(true)
            .user_agent(concat!("ocrlay/", env!("CARGO_PKG_VERSION")));
        builder = match &proxy {
            Proxy::System => builder,
            Proxy::Direct => builder.no_proxy(),
            Proxy::Url(u) => builder.proxy(reqwest::Proxy::all(u.as_str()).map_err(|e| {
                err(ErrorKind::ProxyConfig(super::proxy::ProxyError {
                    input: proxy.to_string(),
                    reason: e.to_string(),
                }))
            })?),
        };
        let http = builder.build().map_err(|e| {
            err(ErrorKind::Connect {
                host: url.host_str().unwrap_or_default().to_string(),
                detail: e.to_string(),
            })
        })?;
        Ok(Endpoint {
            info,
            url,
            model,
            proxy,
            sampling: spec.sampling,
            sakura_version: spec.sakura_version,
            timeouts: spec.timeouts,
            retry: spec.retry,
            key,
            http,
        })
    }

    fn error(&self, kind: ErrorKind) -> ProviderError {
        ProviderError::new(self.info.name, kind)
    }

    /// Removes the key from server text before it is shown: servers sometimes echo it.
    fn redact(&self, text: &str) -> String {
        match &self.key {
            Some(k) => k.redact(text),
            None => text.to_string(),
        }
    }

    /// Whether the model is a Qwen-MT translation model (single user message, cumulative stream).
    pub fn is_qwen_mt(&self) -> bool {
        model_base(&self.model).starts_with("qwen-mt")
    }

    fn is_openai_reasoning(&self) -> bool {
        let m = model_base(&self.model);
        ["o1", "o3", "o4", "gpt-5"]
            .iter()
            .any(|p| m == *p || m.starts_with(&format!("{p}-")))
    }

    /// The JSON body of a request, exactly as it is sent.
    pub fn request_body(&self, req: &TranslateRequest, stream: bool) -> Value {
        let params = PromptParams {
            text: &req.text,
            from: req.from,
            to: req.to,
            context: &req.context,
            glossary: &req.glossary,
            custom_system: req.custom_prompt.as_deref(),
        };
        let qwen_mt = self.is_qwen_mt();
        let messages = if qwen_mt {
            prompt::qwen_mt_messages(&params)
        } else {
            match self.info.prompt {
                PromptStyle::General => prompt::general_messages(&params),
                PromptStyle::Sakura => prompt::sakura_messages(&params, self.sakura_version),
            }
        };
        let mut body = json!({
            "model": self.model,
            "messages": messages,
            "stream": stream,
        });
        let obj = body.as_object_mut().expect("a JSON object literal");
        if qwen_mt {
            let mut options = json!({
                "source_lang": prompt::qwen_mt_lang(req.from),
                "target_lang": prompt::qwen_mt_lang(req.to),
            });
            let terms: Vec<Value> = req
                .glossary
                .iter()
                .filter(|g| !g.src.trim().is_empty())
                .map(|g| json!({"source": g.src.trim(), "target": g.dst.trim()}))
                .collect();
            if !terms.is_empty() {
                options["terms"] = Value::Array(terms);
            }
            obj.insert("translation_options".into(), options);
            return body;
        }
        let reasoning = self.is_openai_reasoning();
        if let Some(t) = self.sampling.temperature.filter(|_| !reasoning) {
            let t = match self.info.dialect {
                Dialect::Spark => t.clamp(0.01, 1.0),
                _ => t.clamp(0.0, 2.0),
            };
            obj.insert("temperature".into(), json!(round3(t)));
        }
        if let Some(p) = self.sampling.top_p.filter(|_| !reasoning) {
            obj.insert("top_p".into(), json!(round3(p.clamp(0.0, 1.0))));
        }
        // Always a cap on the reply: the provider's setting, or one from the source's length.
        let n = self
            .sampling
            .max_tokens
            .unwrap_or_else(|| derived_max_tokens(&req.text, reasoning));
        let field = if reasoning {
            "max_completion_tokens"
        } else {
            "max_tokens"
        };
        obj.insert(field.into(), json!(n));
        body
    }

    /// Translates, calling `on_update` as text arrives, and returns the whole translation.
    ///
    /// Retries 429, 5xx and connection resets with backoff, but only while nothing has been shown yet.
    /// Dropping the future cancels the request.
    pub async fn translate(
        &self,
        req: &TranslateRequest,
        on_update: &mut (dyn FnMut(Update<'_>) + Send),
    ) -> Result<Translation, ProviderError> {
        let deadline = tokio::time::Instant::now() + self.timeouts.total;
        self.translate_until(req, on_update, deadline).await
    }

    /// [`Endpoint::translate`], over by `deadline` (the overall limit, counted from the start of a call that
    /// may have done more before).
    async fn translate_until(
        &self,
        req: &TranslateRequest,
        on_update: &mut (dyn FnMut(Update<'_>) + Send),
        deadline: tokio::time::Instant,
    ) -> Result<Translation, ProviderError> {
        // The text shown so far, kept for the error if the overall limit runs out.
        let mut shown = String::new();
        let limit = self.timeouts.total;
        let outcome = tokio::time::timeout_at(deadline, async {
            self.translate_with_retries(req, deadline, &mut |u: Update<'_>| {
                shown.clear();
                shown.push_str(u.text);
                on_update(u)
            })
            .await
        })
        .await;
        match outcome {
            Ok(result) => result,
            Err(_) => {
                tracing::warn!(
                    provider = self.info.id,
                    ?limit,
                    "overall time limit reached"
                );
                Err(self.error(ErrorKind::Deadline {
                    after: limit,
                    partial: shown,
                }))
            }
        }
    }

    async fn translate_with_retries(
        &self,
        req: &TranslateRequest,
        deadline: tokio::time::Instant,
        on_update: &mut (dyn FnMut(Update<'_>) + Send),
    ) -> Result<Translation, ProviderError> {
        let started = Instant::now();
        let mut attempt = 1;
        loop {
            let mut shown_any = false;
            let mut wrapped = |u: Update<'_>| {
                shown_any = true;
                on_update(u)
            };
            let result = self.attempt(req, started, deadline, &mut wrapped).await;
            match result {
                Ok(mut t) => {
                    t.attempts = attempt;
                    return Ok(t);
                }
                Err(e) if e.is_retryable() && !shown_any && attempt < self.retry.attempts => {
                    let backoff = self.retry.base_delay * 2u32.pow(attempt - 1);
                    let wait = match &e.kind {
                        ErrorKind::RateLimited {
                            retry_after: Some(d),
                            ..
                        } => *d,
                        _ => backoff,
                    }
                    .min(self.retry.max_delay);
                    tracing::warn!(provider = self.info.id, attempt, ?wait, error = %e, "retrying");
                    tokio::time::sleep(wait).await;
                    attempt += 1;
                }
                Err(e) => return Err(e),
            }
        }
    }

    fn authorized(&self, rb: reqwest::RequestBuilder) -> reqwest::RequestBuilder {
        match &self.key {
            Some(k) => rb.bearer_auth(k.expose()),
            None => rb,
        }
    }

    async fn attempt(
        &self,
        req: &TranslateRequest,
        started: Instant,
        deadline: tokio::time::Instant,
        on_update: &mut (dyn FnMut(Update<'_>) + Send),
    ) -> Result<Translation, ProviderError> {
        let body = self.request_body(req, req.stream);
        tracing::debug!(
            provider = self.info.id,
            url = %self.url,
            model = %self.model,
            stream = req.stream,
            chars = req.text.chars().count(),
            "provider request"
        );
        let rb = self
            .authorized(self.http.post(self.url.clone()))
            .header(
                reqwest::header::ACCEPT,
                if req.stream {
                    "text/event-stream"
                } else {
                    "application/json"
                },
            )
            .json(&body);
        let response = self.send(rb, deadline, Reading::Translation("")).await?;
        let response = self.check_status(response, deadline).await?;
        let is_sse = response
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|ct| ct.contains("text/event-stream"));
        let mut asm = Assembler::new(self.is_qwen_mt());
        let mut first_delta = None;
        let mut emit = |asm: &Assembler, change: Change, first: &mut Option<Duration>| match change
        {
            Change::Append(delta) => {
                first.get_or_insert_with(|| started.elapsed());
                on_update(Update {
                    delta: &delta,
                    text: asm.text(),
                });
            }
            Change::Replace => {
                first.get_or_insert_with(|| started.elapsed());
                on_update(Update {
                    delta: "",
                    text: asm.text(),
                });
            }
            Change::None => {}
        };
        // Counted on the wire: an endless body, or one event that never ends, stops at its cap; a body still
        // arriving at the deadline stops there.
        let mut limits = self.limits(body::MAX_BODY_BYTES, deadline);
        if req.stream && is_sse {
            limits = limits.with_event_cap(MAX_EVENT_BYTES);
        }
        let mut chunks = body::chunks(response, limits);
        // An event stream never starts with `<`: a web page sent as one (a portal, a relay's login page) is
        // read as a plain body, which tells it apart.
        let mut first = None;
        if req.stream && is_sse {
            first = chunks.next().await;
        }
        let markup = matches!(&first, Some(Ok(c)) if starts_with_markup(c.as_ref()));
        let chunks = futures_util::stream::iter(first).chain(chunks);
        if req.stream && is_sse && !markup {
            let mut events = chunks.eventsource();
            let mut next_loop_check = 0usize;
            let mut done = false;
            let mut finished = false;
            while let Some(event) = events.next().await {
                let event = match event {
                    Ok(ev) => ev,
                    Err(eventsource_stream::EventStreamError::Transport(e)) => {
                        return Err(self.body_error(e, Reading::Translation(asm.text())));
                    }
                    Err(eventsource_stream::EventStreamError::Utf8(_)) => {
                        return Err(self.error(ErrorKind::NotText {
                            url: self.url.to_string(),
                        }))
                    }
                    Err(e) => {
                        return Err(self.error(ErrorKind::Truncated {
                            partial: asm.text().to_string(),
                            detail: format!(": {e}"),
                        }))
                    }
                };
                let data = event.data.trim();
                if data.is_empty() {
                    continue;
                }
                if data == "[DONE]" {
                    done = true;
                    break;
                }
                let value: Value = serde_json::from_str(data).map_err(|_| {
                    self.error(ErrorKind::NotJson {
                        snippet: snippet(&self.redact(data), 120),
                    })
                })?;
                for chunk in stream::parse_chunk(&value) {
                    match chunk {
                        Chunk::Content(text) => {
                            let change = asm.push(&text);
                            emit(&asm, change, &mut first_delta);
                            if asm.text().len() > MAX_REPLY_CHARS * 4 {
                                return Err(self.error(ErrorKind::TooLarge {
                                    partial: asm.text().to_string(),
                                    limit: (MAX_REPLY_CHARS * 4) as u64,
                                }));
                            }
                            // A model stuck repeating one short pattern: cut it (checked every 64 bytes).
                            if asm.text().len() >= next_loop_check {
                                next_loop_check = asm.text().len() + 64;
                                if let Some(cut) = stream::loop_cut(asm.text()) {
                                    return Err(self.error(ErrorKind::Looping {
                                        partial: asm.text()[..cut].to_string(),
                                    }));
                                }
                            }
                        }
                        Chunk::Finished => finished = true,
                        Chunk::Nothing => {}
                        Chunk::Error(words) => {
                            let kind = if words.is_context() {
                                ErrorKind::ContextTooLong {
                                    detail: words.suffix(),
                                }
                            } else {
                                ErrorKind::Stream {
                                    detail: self.redact(&words.message),
                                    partial: asm.text().to_string(),
                                }
                            };
                            return Err(self.error(kind));
                        }
                    }
                }
            }
            let change = asm.finish();
            emit(&asm, change, &mut first_delta);
            if !done && !finished {
                return Err(self.error(ErrorKind::Truncated {
                    partial: asm.text().to_string(),
                    detail: String::new(),
                }));
            }
        } else {
            // Not streamed, or a server that ignored `stream: true` and sent plain JSON (or a web page).
            let bytes = body::collect(chunks)
                .await
                .map_err(|e| self.body_error(e, Reading::Translation("")))?;
            let text = self.text_of(&bytes, &self.url)?;
            let value: Value = serde_json::from_str(text).map_err(|_| {
                self.error(ErrorKind::NotJson {
                    snippet: snippet(&self.redact(text), 120),
                })
            })?;
            if let Some(Chunk::Error(words)) = stream::parse_chunk(&value).into_iter().next() {
                return Err(self.error(ErrorKind::Stream {
                    detail: self.redact(&words.message),
                    partial: String::new(),
                }));
            }
            let content = stream::completion_text(&value).unwrap_or_default();
            if let Some(cut) = stream::loop_cut(&content) {
                return Err(self.error(ErrorKind::Looping {
                    partial: stream::strip_think(&content[..cut]),
                }));
            }
            let change = asm.push(&content);
            emit(&asm, change, &mut first_delta);
            let change = asm.finish();
            emit(&asm, change, &mut first_delta);
        }
        let text = asm.text().trim_end().to_string();
        if text.is_empty() {
            return Err(self.error(ErrorKind::Empty));
        }
        tracing::debug!(
            provider = self.info.id,
            first_ms = first_delta.map(|d| d.as_millis()),
            total_ms = started.elapsed().as_millis(),
            chars = text.chars().count(),
            "provider answer"
        );
        Ok(Translation {
            text,
            model: self.model.clone(),
            first_delta,
            elapsed: started.elapsed(),
            attempts: 1,
        })
    }

    /// Sends a request, giving up at `deadline`.
    async fn send(
        &self,
        rb: reqwest::RequestBuilder,
        deadline: tokio::time::Instant,
        reading: Reading<'_>,
    ) -> Result<reqwest::Response, ProviderError> {
        match tokio::time::timeout_at(deadline, rb.send()).await {
            Ok(Ok(response)) => Ok(response),
            Ok(Err(e)) => Err(self.transport_error(&e, "")),
            Err(_) => Err(self.body_error(
                BodyError::Deadline {
                    after: self.timeouts.total,
                    received: 0,
                },
                reading,
            )),
        }
    }

    /// A body of at most `max_bytes`, read by `deadline`.
    fn limits(&self, max_bytes: usize, deadline: tokio::time::Instant) -> Limits {
        Limits::new(max_bytes, deadline, self.timeouts.total)
    }

    /// The error for a body whose reading stopped, in the words of what was being read.
    fn body_error(&self, e: BodyError, reading: Reading<'_>) -> ProviderError {
        let url = match reading {
            Reading::Translation(_) => &self.url,
            Reading::Answer(url) => url,
        };
        let kind = match (e, reading) {
            (BodyError::Transport(e), Reading::Translation(partial)) => {
                return self.transport_error(&e, partial)
            }
            (BodyError::Transport(e), Reading::Answer(_)) => return self.transport_error(&e, ""),
            (BodyError::Announced { size, limit }, _) => ErrorKind::BodyTooLarge {
                url: url.to_string(),
                size: Some(size),
                limit: limit as u64,
            },
            (
                BodyError::TooLarge { limit } | BodyError::EventTooLarge { limit },
                Reading::Translation(partial),
            ) => ErrorKind::TooLarge {
                partial: partial.to_string(),
                limit: limit as u64,
            },
            (BodyError::TooLarge { limit } | BodyError::EventTooLarge { limit }, _) => {
                ErrorKind::BodyTooLarge {
                    url: url.to_string(),
                    size: None,
                    limit: limit as u64,
                }
            }
            (BodyError::Deadline { after, .. }, Reading::Translation(partial)) => {
                ErrorKind::Deadline {
                    after,
                    partial: partial.to_string(),
                }
            }
            (BodyError::Deadline { after, received }, _) => ErrorKind::BodyDeadline {
                url: url.to_string(),
                after,
                received: received as u64,
            },
        };
        self.error(kind)
    }

    /// A whole body as text: a web page and bytes that are not UTF-8 are told as such.
    fn text_of<'b>(&self, bytes: &'b [u8], url: &Url) -> Result<&'b str, ProviderError> {
        if body::looks_like_html(bytes) {
            return Err(self.error(ErrorKind::HtmlPage {
                url: url.to_string(),
                title: body::html_title(bytes).map(|t| self.redact(&t)),
            }));
        }
        std::str::from_utf8(bytes).map_err(|_| {
            self.error(ErrorKind::NotText {
                url: url.to_string(),
            })
        })
    }

    /// The response when its status is a success; else the error its status and (the start of) its body say.
    async fn check_status(
        &self,
        response: reqwest::Response,
        deadline: tokio::time::Instant,
    ) -> Result<reqwest::Response, ProviderError> {
        let status = response.status();
        if status.is_success() {
            return Ok(response);
        }
        let retry_after = response
            .headers()
            .get(reqwest::header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|s| s.trim().parse::<u64>().ok())
            .map(Duration::from_secs);
        // Only the start of an error body is read (its words fit in a line), and only until the deadline.
        let bytes = body::read_prefix(response, self.limits(MAX_ERROR_BODY_BYTES, deadline)).await;
        // A web page (a proxy's or a server's error page) says what it is in its title, not in its markup.
        let body = if body::looks_like_html(&bytes) {
            body::html_title(&bytes).unwrap_or_default()
        } else {
            String::from_utf8_lossy(&bytes).into_owned()
        };
        let body = self.redact(&body);
        Err(self.error(classify_status(
            status.as_u16(),
            &body,
            &self.model,
            self.url.as_str(),
            self.info.key_page,
            retry_after,
        )))
    }

    fn transport_error(&self, e: &reqwest::Error, partial: &str) -> ProviderError {
        let host = self.url.host_str().unwrap_or_default().to_string();
        let chain = error_chain(e);
        let lower = chain.to_ascii_lowercase();
        let io_kind = io_error_kind(e);
        let kind = if e.is_timeout() || io_kind == Some(std::io::ErrorKind::TimedOut) {
            ErrorKind::Timeout {
                after: if e.is_connect() {
                    self.timeouts.connect
                } else {
                    self.timeouts.read
                },
            }
        } else if e.is_connect() && matches!(self.proxy, Proxy::Url(_)) {
            ErrorKind::Proxy {
                proxy: self.proxy.to_string(),
                detail: snippet(&chain, 160),
            }
        } else if let Some(system) = e
            .is_connect()
            .then(|| system_proxy_for(&self.url, &self.proxy))
            .flatten()
        {
            // The system's proxy refused or is gone: say so, not that the provider refused.
            ErrorKind::Proxy {
                proxy: format!("{system} (the system's proxy)"),
                detail: snippet(&chain, 160),
            }
        } else if e.is_connect()
            && (lower.contains("dns error")
                || lower.contains("failed to lookup")
                || lower.contains("name or service not known")
                || lower.contains("no such host")
                || lower.contains("nodename nor servname"))
        {
            ErrorKind::Dns { host }
        } else if io_kind == Some(std::io::ErrorKind::ConnectionRefused)
            || lower.contains("connection refused")
        {
            ErrorKind::ConnectionRefused {
                url: self.url.to_string(),
                hint: self.start_hint(),
            }
        } else if !partial.is_empty() || e.is_body() || e.is_decode() {
            ErrorKind::Truncated {
                partial: partial.to_string(),
                detail: format!(": {}", snippet(&chain, 160)),
            }
        } else {
            ErrorKind::Connect {
                host,
                detail: snippet(&chain, 160),
            }
        };
        self.error(kind)
    }

    fn start_hint(&self) -> Hint {
        match (self.info.region, self.info.id) {
            (_, "rented-gpu") => Hint::Tunnel,
            (Region::Local, "ollama") => Hint::StartOllama,
            (Region::Local, "sakura-tgw") => Hint::StartTgw,
            (Region::Local, _) => Hint::StartSakura,
            _ => Hint::CheckAddress,
        }
    }

    /// Lists the models the server offers (`GET …/models`), sorted.
    pub async fn list_models(&self) -> Result<Vec<String>, ProviderError> {
        let url = models_url(&self.url);
        let deadline = tokio::time::Instant::now() + self.timeouts.total;
        let reading = Reading::Answer(&url);
        let rb = self.authorized(self.http.get(url.clone()));
        let response = self.send(rb, deadline, reading).await?;
        let response = self.check_status(response, deadline).await?;
        let bytes = body::read_all(response, self.limits(body::MAX_BODY_BYTES, deadline))
            .await
            .map_err(|e| self.body_error(e, reading))?;
        let text = self.text_of(&bytes, &url)?;
        let value: Value = serde_json::from_str(text).map_err(|_| {
            self.error(ErrorKind::NotJson {
                snippet: snippet(&self.redact(text), 120),
            })
        })?;
        // OpenAI: {"data":[{"id":…}]}; ollama's native form: {"models":[{"name":…}]}.
        let list = value
            .get("data")
            .or_else(|| value.get("models"))
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        let mut models: Vec<String> = list
            .iter()
            .filter_map(|m| {
                m.get("id")
                    .or_else(|| m.get("name"))
                    .or_else(|| m.get("model"))
                    .and_then(Value::as_str)
                    .map(str::to_string)
            })
            .collect();
        models.sort();
        models.dedup();
        Ok(models)
    }

    /// Sends a tiny real request and reports how long it took, or the precise error. For llama.cpp servers
    /// it first asks `/health`, which tells a loading model from a dead server. The whole test, probe
    /// included, ends within the overall time limit.
    pub async fn test(&self, from: Lang, to: Lang) -> Result<TestReport, ProviderError> {
        let deadline = tokio::time::Instant::now() + self.timeouts.total;
        if self.info.dialect == Dialect::LlamaCpp {
            let url = health_url(&self.url);
            let response = self
                .send(self.http.get(url.clone()), deadline, Reading::Answer(&url))
                .await?;
            // Only the status counts: the body is not read, and the connection closes with the response.
            if response.status().as_u16() == 503 {
                return Err(self.error(ErrorKind::Loading));
            }
        }
        let sample = match from {
            Lang::English => "Hello! Nice to meet you.",
            Lang::ChineseSimplified | Lang::ChineseTraditional => "你好，很高兴认识你。",
            Lang::Korean => "안녕하세요, 만나서 반갑습니다.",
            _ => "こんにちは、はじめまして。",
        };
        let mut req = TranslateRequest::new(sample, from, to);
        req.stream = true;
        let t = self.translate_until(&req, &mut |_| {}, deadline).await?;
        Ok(TestReport {
            provider: self.info.name.to_string(),
            url: self.url.to_string(),
            model: self.model.clone(),
            sample: sample.to_string(),
            reply: t.text,
            first_delta: t.first_delta,
            elapsed: t.elapsed,
        })
    }
}

/// The model name without a vendor prefix (`openai/gpt-4o` → `gpt-4o`), lower-cased.
fn model_base(model: &str) -> String {
    model
        .rsplit('/')
        .next()
        .unwrap_or(model)
        .to_ascii_lowercase()
}

/// Whether a body starts (after a byte-order mark and whitespace) with `<`, as markup does and an event stream
/// never does.
fn starts_with_markup(bytes: &[u8]) -> bool {
    let bytes = bytes
        .strip_prefix(b"\xef\xbb\xbf".as_slice())
        .unwrap_or(bytes);
    bytes.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'<')
}

fn round3(x: f32) -> f64 {
    (f64::from(x) * 1000.0).round() / 1000.0
}

fn error_chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut parts = vec![e.to_string()];
    let mut source = e.source();
    while let Some(s) = source {
        let text = s.to_string();
        if !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        source = s.source();
    }
    parts.join(": ")
}

fn io_error_kind(e: &(dyn std::error::Error + 'static)) -> Option<std::io::ErrorKind> {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(s) = source {
        if let Some(io) = s.downcast_ref::<std::io::Error>() {
            return Some(io.kind());
        }
        source = s.source();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_never_goes_over_plain_http_to_another_machine() {
        let spec = |url: &str, key: Option<&str>| {
            let mut spec = EndpointSpec::new(find("custom").unwrap());
            spec.url = Some(url.into());
            spec.key = key.map(ApiKey::new);
            spec.model = Some("m".into());
            Endpoint::new(spec)
        };
        let e = spec("http://relay.example.com/v1", Some("sk-x")).unwrap_err();
        assert!(matches!(e.kind, ErrorKind::InsecureKey { .. }), "{e}");
        assert!(!e.to_string().contains("sk-x"));
        // https, this machine, or no key at all: fine.
        assert!(spec("https://relay.example.com/v1", Some("sk-x")).is_ok());
        assert!(spec("http://127.0.0.1:8080/v1", Some("sk-x")).is_ok());
        assert!(spec("http://localhost:5000/v1", Some("sk-x")).is_ok());
        // A Sakura server on another PC of the home network needs no key.
        let mut lan = EndpointSpec::new(find("sakura-llama").unwrap());
        lan.url = Some("http://192.168.1.20:8080/v1".into());
        assert!(Endpoint::new(lan).is_ok());
    }

    #[test]
    fn the_reply_cap_follows_the_source() {
        assert_eq!(derived_max_tokens("短い", false), 256);
        assert_eq!(derived_max_tokens(&"あ".repeat(500), false), 1500);
        assert_eq!(derived_max_tokens(&"a".repeat(100_000), false), 8192);
        assert_eq!(derived_max_tokens("短い", true), 256 + 4096);
    }
    use crate::providers::catalog::find;

    fn endpoint(
        id: &str,
        model: Option<&str>,
        key: Option<&str>,
    ) -> Result<Endpoint, ProviderError> {
        let mut spec = EndpointSpec::new(find(id).unwrap());
        spec.model = model.map(str::to_string);
        spec.key = key.map(ApiKey::new);
        Endpoint::new(spec)
    }

    #[test]
    fn missing_and_malformed_keys_are_refused_before_any_request() {
        let e = endpoint("deepseek", None, None).unwrap_err();
        assert!(matches!(e.kind, ErrorKind::MissingKey { .. }));
        assert!(e
            .to_string()
            .contains("https://platform.deepseek.com/api_keys"));
        let e = endpoint("spark", None, Some("onlykey")).unwrap_err();
        assert!(matches!(e.kind, ErrorKind::KeyFormat));
        assert!(endpoint("spark", None, Some("key:secret")).is_ok());
        assert!(endpoint("sakura-llama", None, None).is_ok());
    }

    #[test]
    fn doubao_needs_an_endpoint_id() {
        let e = endpoint("doubao", None, Some("k")).unwrap_err();
        assert!(e.to_string().contains("ep-"), "{e}");
    }

    #[test]
    fn reasoning_models_get_no_temperature() {
        let ep = endpoint("openai", Some("o3-mini"), Some("k")).unwrap();
        let mut ep2 = ep.clone();
        // Without a setting, the cap comes from the source's length.
        let derived = ep2.request_body(
            &TranslateRequest::new("こんにちは", Lang::Japanese, Lang::ChineseSimplified),
            true,
        );
        assert_eq!(derived["max_completion_tokens"], 256 + 4096);
        ep2.sampling.max_tokens = Some(100);
        let body = ep2.request_body(
            &TranslateRequest::new("x", Lang::English, Lang::ChineseSimplified),
            true,
        );
        assert!(body.get("temperature").is_none());
        assert_eq!(body["max_completion_tokens"], 100);
        let ep = endpoint("openai", Some("gpt-4o"), Some("k")).unwrap();
        let body = ep.request_body(
            &TranslateRequest::new("x", Lang::English, Lang::ChineseSimplified),
            true,
        );
        assert_eq!(body["temperature"], 0.3);
    }

    #[test]
    fn spark_temperature_is_kept_in_range() {
        let mut ep = endpoint("spark", None, Some("a:b")).unwrap();
        ep.sampling.temperature = Some(0.0);
        let body = ep.request_body(
            &TranslateRequest::new("x", Lang::English, Lang::ChineseSimplified),
            true,
        );
        assert_eq!(body["temperature"], 0.01);
        ep.sampling.temperature = Some(1.5);
        let body = ep.request_body(
            &TranslateRequest::new("x", Lang::English, Lang::ChineseSimplified),
            true,
        );
        assert_eq!(body["temperature"], 1.0);
    }

    #[test]
    fn keys_are_not_in_debug_output() {
        let ep = endpoint("deepseek", None, Some("sk-verysecretkey123")).unwrap();
        assert!(!format!("{ep:?}").contains("verysecret"));
    }
}
