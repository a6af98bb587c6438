//! The URL rule users expect from relay shops and copied docs, and the URLs derived from a chat endpoint.

use url::Url;

/// A URL the user typed that cannot be used as an endpoint.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UrlError {
    /// Nothing was typed.
    #[error("the API address is empty")]
    Empty,
    /// Not a URL at all.
    #[error("'{input}' is not a valid address ({reason})")]
    Invalid {
        /// What the user typed.
        input: String,
        /// Why it failed to parse.
        reason: String,
    },
    /// A scheme other than http/https.
    #[error("'{0}' must start with http:// or https://")]
    Scheme(String),
}

impl UrlError {
    /// What is wrong, for the user (in the UI language on a page).
    pub fn text(&self) -> crate::text::Text {
        use crate::text::Text;
        match self {
            UrlError::Empty => Text::new("err.url_empty"),
            UrlError::Invalid { input, reason } => Text::new("err.url_invalid")
                .with("input", input)
                .with("reason", reason),
            UrlError::Scheme(input) => Text::new("err.url_scheme").with("input", input),
        }
    }
}

/// Completes what the user typed into a chat-completions URL.
///
/// - a URL ending in `/chat/completions` is used as is;
/// - one ending in a version segment (`/v1`…`/v9`, Ark's `/api/v3`, Zhipu's `/api/paas/v4`) gets
///   `/chat/completions`;
/// - a bare domain (no path) gets `/v1/chat/completions`;
/// - anything else is taken as a base and gets `/chat/completions`.
///
/// A missing scheme means `https://`, except for loopback hosts, which are local servers and get `http://`.
pub fn chat_completions_url(input: &str) -> Result<Url, UrlError> {
    let trimmed = input.trim();
    if trimmed.is_empty() {
        return Err(UrlError::Empty);
    }
    let with_scheme = if trimmed.contains("://") {
        trimmed.to_string()
    } else {
        let host = trimmed.split(['/', ':']).next().unwrap_or_default();
        let scheme = if is_loopback_host(host) {
            "http"
        } else {
            "https"
        };
        format!("{scheme}://{trimmed}")
    };
    let mut url = Url::parse(&with_scheme).map_err(|e| UrlError::Invalid {
        input: trimmed.to_string(),
        reason: e.to_string(),
    })?;
    if url.scheme() != "http" && url.scheme() != "https" {
        return Err(UrlError::Scheme(trimmed.to_string()));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(UrlError::Invalid {
            input: trimmed.to_string(),
            reason: "no host".into(),
        });
    }
    let path = url.path().trim_end_matches('/').to_string();
    let new_path = if path.ends_with("/chat/completions") {
        path
    } else if path.is_empty() {
        "/v1/chat/completions".to_string()
    } else {
        // A version segment (`/v1`, `/api/v3`, `/api/paas/v4`) or any other base path.
        format!("{path}/chat/completions")
    };
    url.set_path(&new_path);
    Ok(url)
}

/// The `GET …/models` URL that belongs to a chat-completions URL.
pub fn models_url(chat: &Url) -> Url {
    let mut url = chat.clone();
    let path = url.path().trim_end_matches('/');
    let base = path.strip_suffix("/chat/completions").unwrap_or(path);
    url.set_path(&format!("{base}/models"));
    url.set_query(None);
    url
}

/// The llama.cpp `GET /health` URL of the server behind a chat-completions URL.
pub fn health_url(chat: &Url) -> Url {
    let mut url = chat.clone();
    url.set_path("/health");
    url.set_query(None);
    url
}

/// Whether a host name is this machine (127.0.0.0/8, ::1, localhost), which is never reached through a proxy.
pub fn is_loopback_host(host: &str) -> bool {
    let host = host.trim_start_matches('[').trim_end_matches(']');
    if host.eq_ignore_ascii_case("localhost") || host.to_ascii_lowercase().ends_with(".localhost") {
        return true;
    }
    host.parse::<std::net::IpAddr>()
        .map(|ip| ip.is_loopback())
        .unwrap_or(false)
}

/// Whether a URL points at this machine.
pub fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(d)) => is_loopback_host(d),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(s: &str) -> String {
        chat_completions_url(s).unwrap().to_string()
    }

    #[test]
    fn full_urls_are_kept() {
        assert_eq!(
            rule("https://api.deepseek.com/chat/completions"),
            "https://api.deepseek.com/chat/completions"
        );
        assert_eq!(
            rule("https://x.com/v1/chat/completions/"),
            "https://x.com/v1/chat/completions"
        );
    }

    #[test]
    fn version_suffixes_get_chat_completions() {
        assert_eq!(
            rule("https://x.com/v1"),
            "https://x.com/v1/chat/completions"
        );
        assert_eq!(
            rule("https://x.com/v1/"),
            "https://x.com/v1/chat/completions"
        );
        assert_eq!(
            rule("https://ark.cn-beijing.volces.com/api/v3"),
            "https://ark.cn-beijing.volces.com/api/v3/chat/completions"
        );
        assert_eq!(
            rule("https://open.bigmodel.cn/api/paas/v4"),
            "https://open.bigmodel.cn/api/paas/v4/chat/completions"
        );
        assert_eq!(
            rule("https://dashscope.aliyuncs.com/compatible-mode/v1"),
            "https://dashscope.aliyuncs.com/compatible-mode/v1/chat/completions"
        );
    }

    #[test]
    fn bare_domains_get_v1() {
        assert_eq!(
            rule("https://xxx.com"),
            "https://xxx.com/v1/chat/completions"
        );
        assert_eq!(
            rule("https://xxx.com/"),
            "https://xxx.com/v1/chat/completions"
        );
        assert_eq!(rule("xxx.com"), "https://xxx.com/v1/chat/completions");
        assert_eq!(
            rule("127.0.0.1:8080"),
            "http://127.0.0.1:8080/v1/chat/completions"
        );
        assert_eq!(
            rule("localhost:11434/v1"),
            "http://localhost:11434/v1/chat/completions"
        );
    }

    #[test]
    fn bad_urls_are_refused() {
        assert_eq!(chat_completions_url("  "), Err(UrlError::Empty));
        assert!(matches!(
            chat_completions_url("ftp://x.com"),
            Err(UrlError::Scheme(_))
        ));
        assert!(matches!(
            chat_completions_url("http://"),
            Err(UrlError::Invalid { .. })
        ));
    }

    #[test]
    fn derived_urls() {
        let chat = chat_completions_url("http://127.0.0.1:8080/v1/chat/completions").unwrap();
        assert_eq!(
            models_url(&chat).as_str(),
            "http://127.0.0.1:8080/v1/models"
        );
        assert_eq!(health_url(&chat).as_str(), "http://127.0.0.1:8080/health");
        let ds = chat_completions_url("https://api.deepseek.com/chat/completions").unwrap();
        assert_eq!(models_url(&ds).as_str(), "https://api.deepseek.com/models");
    }

    #[test]
    fn loopback_detection() {
        for h in [
            "127.0.0.1",
            "127.3.2.1",
            "localhost",
            "LOCALHOST",
            "::1",
            "[::1]",
            "a.localhost",
        ] {
            assert!(is_loopback_host(h), "{h}");
        }
        for h in [
            "10.0.0.1",
            "192.168.1.2",
            "example.com",
            "localhost.example.com",
        ] {
            assert!(!is_loopback_host(h), "{h}");
        }
    }
}
