//! Proxy settings: per provider, global, or the system's; loopback addresses never go through one.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;
use url::Url;

/// How requests reach the network.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Proxy {
    /// Use what the system says (environment variables; on Windows and macOS the system settings).
    #[default]
    System,
    /// Connect directly, ignoring any system proxy.
    Direct,
    /// Use this proxy (`http://`, `https://`, `socks5://` or `socks5h://`).
    Url(Url),
}

/// A proxy address that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("'{input}' is not a usable proxy: {reason} (examples: 127.0.0.1:7890, http://127.0.0.1:7890, socks5://127.0.0.1:1080)")]
pub struct ProxyError {
    /// What the user typed.
    pub input: String,
    /// Why it is refused.
    pub reason: String,
}

impl FromStr for Proxy {
    type Err = ProxyError;

    /// Parses what a user types: empty or `system`, `none`/`direct`, or an address. A bare `host:port`, as
    /// Clash users type it (`127.0.0.1:7890`), means an HTTP proxy.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim();
        let lower = t.to_ascii_lowercase();
        match lower.as_str() {
            "" | "system" => return Ok(Proxy::System),
            "none" | "direct" | "off" => return Ok(Proxy::Direct),
            _ => {}
        }
        let err = |reason: &str| ProxyError {
            input: mask_credentials(t),
            reason: reason.to_string(),
        };
        let with_scheme = if t.contains("://") {
            t.to_string()
        } else {
            format!("http://{t}")
        };
        let url = Url::parse(&with_scheme).map_err(|e| err(&e.to_string()))?;
        if !matches!(url.scheme(), "http" | "https" | "socks5" | "socks5h") {
            return Err(err("the scheme must be http, https, socks5 or socks5h"));
        }
        if url.host_str().is_none_or(str::is_empty) {
            return Err(err("no host"));
        }
        if url.port_or_known_default().is_none() {
            return Err(err("no port"));
        }
        Ok(Proxy::Url(url))
    }
}

/// Hides `user:password@` in a typed proxy address.
fn mask_credentials(s: &str) -> String {
    match s.rfind('@') {
        Some(at) => {
            let start = s.find("://").map(|i| i + 3).unwrap_or(0);
            format!("{}***{}", &s[..start], &s[at..])
        }
        None => s.to_string(),
    }
}

impl fmt::Display for Proxy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Proxy::System => f.write_str(""),
            Proxy::Direct => f.write_str("none"),
            Proxy::Url(u) => {
                // Never show a proxy password.
                let mut shown = u.clone();
                if shown.password().is_some() {
                    let _ = shown.set_password(Some("***"));
                }
                f.write_str(shown.as_str().trim_end_matches('/'))
            }
        }
    }
}

impl Proxy {
    /// The proxy a request to `target` uses, given the provider's own setting (`None`: not set) and the
    /// global one. Loopback targets always connect directly.
    pub fn select(target: &Url, provider: Option<&Proxy>, global: &Proxy) -> Proxy {
        if super::url::is_loopback(target) {
            return Proxy::Direct;
        }
        match provider {
            Some(p) if *p != Proxy::System => p.clone(),
            _ => global.clone(),
        }
    }

    /// The setting as written in the config file, password included (the file is private).
    pub fn to_config_string(&self) -> String {
        match self {
            Proxy::System => String::new(),
            Proxy::Direct => "none".into(),
            Proxy::Url(u) => u.as_str().trim_end_matches('/').to_string(),
        }
    }
}

impl Serialize for Proxy {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_config_string())
    }
}

impl<'de> Deserialize<'de> for Proxy {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_what_users_type() {
        assert_eq!("".parse::<Proxy>().unwrap(), Proxy::System);
        assert_eq!("none".parse::<Proxy>().unwrap(), Proxy::Direct);
        let clash: Proxy = "127.0.0.1:7890".parse().unwrap();
        assert_eq!(clash.to_string(), "http://127.0.0.1:7890");
        let socks: Proxy = "socks5://127.0.0.1:1080".parse().unwrap();
        assert_eq!(socks.to_string(), "socks5://127.0.0.1:1080");
        assert!("ftp://x:1".parse::<Proxy>().is_err());
        assert!("http://".parse::<Proxy>().is_err());
    }

    #[test]
    fn password_is_hidden_when_shown() {
        let p: Proxy = "http://me:secret@10.1.1.1:3128".parse().unwrap();
        assert!(!p.to_string().contains("secret"));
        assert!(p.to_config_string().contains("secret"));
    }

    #[test]
    fn loopback_is_never_proxied() {
        let global: Proxy = "127.0.0.1:7890".parse().unwrap();
        let provider: Proxy = "socks5://127.0.0.1:1080".parse().unwrap();
        let local = Url::parse("http://127.0.0.1:8080/v1/chat/completions").unwrap();
        let local6 = Url::parse("http://[::1]:8080/v1/chat/completions").unwrap();
        let localhost = Url::parse("http://localhost:11434/v1/chat/completions").unwrap();
        for u in [&local, &local6, &localhost] {
            assert_eq!(Proxy::select(u, Some(&provider), &global), Proxy::Direct);
        }
        let remote = Url::parse("https://api.openai.com/v1/chat/completions").unwrap();
        assert_eq!(Proxy::select(&remote, Some(&provider), &global), provider);
        assert_eq!(Proxy::select(&remote, None, &global), global);
        assert_eq!(
            Proxy::select(&remote, Some(&Proxy::System), &global),
            global
        );
        assert_eq!(
            Proxy::select(&remote, Some(&Proxy::Direct), &global),
            Proxy::Direct
        );
    }
}
