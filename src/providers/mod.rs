//! Translation providers: the catalog, the one OpenAI-compatible client, prompts, URLs and proxies.

pub mod body;
pub mod catalog;
pub mod client;
pub mod error;
pub mod prompt;
pub mod proxy;
pub mod stream;
pub mod url;

pub use catalog::{find, ProviderInfo, Region, PROVIDERS};
pub use client::{
    Endpoint, EndpointSpec, Sampling, TestReport, Timeouts, TranslateRequest, Translation, Update,
};
pub use error::{ErrorKind, Hint, ProviderError};
pub use proxy::Proxy;

use serde::{Deserialize, Serialize};
use std::fmt;

/// An API key. Its `Debug` and `Display` never show it; only [`ApiKey::expose`] does, for the request header
/// and the private config file.
#[derive(Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ApiKey(String);

impl ApiKey {
    /// Wraps a key, trimming the spaces and newlines that copy-paste brings.
    pub fn new(key: impl Into<String>) -> Self {
        ApiKey(key.into().trim().to_string())
    }

    /// The key itself. Use only to build the Authorization header or to save the config.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Whether no key is set.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// A hint safe to show: the first 3 and last 4 characters of a long key.
    pub fn masked(&self) -> String {
        let chars: Vec<char> = self.0.chars().collect();
        if chars.len() <= 10 {
            "*".repeat(chars.len().min(8))
        } else {
            format!(
                "{}…{}",
                chars[..3].iter().collect::<String>(),
                chars[chars.len() - 4..].iter().collect::<String>()
            )
        }
    }

    /// Removes the key from a text that is about to be shown or logged.
    pub fn redact(&self, text: &str) -> String {
        if self.0.len() < 4 {
            return text.to_string();
        }
        let mut out = text.replace(&self.0, "***");
        // Spark keys are APIKey:APISecret: hide each half too.
        for part in self.0.split(':').filter(|p| p.len() >= 6) {
            out = out.replace(part, "***");
        }
        out
    }
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "ApiKey({})",
            if self.0.is_empty() { "none" } else { "***" }
        )
    }
}

impl fmt::Display for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.masked())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_never_print() {
        let k = ApiKey::new(" sk-abcdefghijklmnop\n");
        assert_eq!(k.expose(), "sk-abcdefghijklmnop");
        assert!(!format!("{k:?}").contains("abcdef"));
        assert!(!format!("{k}").contains("abcdef"));
        assert_eq!(k.masked(), "sk-…mnop");
        assert_eq!(k.redact("key sk-abcdefghijklmnop bad"), "key *** bad");
        let spark = ApiKey::new("0123456789ab:secretsecret");
        assert_eq!(spark.redact("got 0123456789ab only"), "got *** only");
    }
}
