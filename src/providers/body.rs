//! Reading a provider's answer from the network, bounded: every body is read through [`chunks`] (or
//! [`read_all`] / [`read_prefix`] on top of it), which stops at a size cap and at the call's overall deadline,
//! so no server can fill the memory or keep a call open, whatever it sends and however slowly.
//!
//! It also tells what a body is when it is not the API's answer: a web page ([`looks_like_html`], a wrong
//! address, a captive portal, a relay's login page); the caller tells text from bytes that are not UTF-8.

use futures_util::Stream;
use std::time::Duration;
use tokio::time::Instant;

/// The most bytes one answer may take on the wire (streamed or not, a translation or a model list): far beyond
/// any translation of a screen's text, and small enough that a server that never stops cannot fill the memory.
pub const MAX_BODY_BYTES: usize = 8 << 20;

/// The most bytes one SSE event may take (its lines together): a whole 64 000-character translation, every
/// character escaped as `\uXXXX`, takes under 400 KB.
pub const MAX_EVENT_BYTES: usize = 1 << 20;

/// The most bytes of an error answer (4xx/5xx) that are read: its words are shown in a line or two.
pub const MAX_ERROR_BODY_BYTES: usize = 64 << 10;

/// How much of a body is read at most.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Bytes in all.
    pub max_bytes: usize,
    /// Bytes of one SSE event (from one blank line to the next), for event streams.
    pub max_event_bytes: Option<usize>,
    /// When the whole call must be over.
    pub deadline: Instant,
    /// The overall limit the deadline came from, for the words of the error.
    pub total: Duration,
}

impl Limits {
    /// A body of at most `max_bytes`, read by `deadline`, which is `total` after the call began.
    pub fn new(max_bytes: usize, deadline: Instant, total: Duration) -> Self {
        Limits {
            max_bytes,
            max_event_bytes: None,
            deadline,
            total,
        }
    }

    /// The same limits, with a cap on each SSE event.
    pub fn with_event_cap(self, max_event_bytes: usize) -> Self {
        Limits {
            max_event_bytes: Some(max_event_bytes),
            ..self
        }
    }
}

/// Why reading a body stopped.
#[derive(Debug)]
pub enum BodyError {
    /// The connection failed.
    Transport(reqwest::Error),
    /// The server announced (`Content-Length`) more than the cap: nothing was read.
    Announced {
        /// The announced size in bytes.
        size: u64,
        /// The cap in bytes.
        limit: usize,
    },
    /// The body went past the cap.
    TooLarge {
        /// The cap in bytes.
        limit: usize,
    },
    /// One SSE event went past its cap.
    EventTooLarge {
        /// The cap in bytes.
        limit: usize,
    },
    /// The call's overall deadline passed while the body was still arriving.
    Deadline {
        /// The overall limit.
        after: Duration,
        /// Bytes received by then.
        received: usize,
    },
}

impl std::fmt::Display for BodyError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            BodyError::Transport(e) => e.fmt(f),
            BodyError::Announced { size, limit } => write!(
                f,
                "the answer is {} (the limit is {})",
                size_text(*size),
                size_text(*limit as u64)
            ),
            BodyError::TooLarge { limit } | BodyError::EventTooLarge { limit } => {
                write!(f, "the answer is larger than {}", size_text(*limit as u64))
            }
            BodyError::Deadline { after, received } => write!(
                f,
                "the answer did not end within {} s ({} arrived)",
                after.as_secs(),
                size_text(*received as u64)
            ),
        }
    }
}

/// The body of `response` as a stream of chunks that ends in an error at the first limit it meets: the
/// announced size, the byte cap, an event's cap, or the deadline. Nothing past the cap is kept: the stream
/// ends there and the connection is dropped with it.
pub fn chunks(
    response: reqwest::Response,
    limits: Limits,
) -> impl Stream<Item = Result<impl AsRef<[u8]> + Send, BodyError>> + Send + Unpin {
    struct State {
        response: reqwest::Response,
        limits: Limits,
        /// The size the server announced, when it is over the cap.
        announced: Option<u64>,
        received: usize,
        events: EventSizes,
        /// Whether the stream has ended (with its error).
        done: bool,
    }
    let announced = response
        .content_length()
        .filter(|&n| n > limits.max_bytes as u64);
    let state = State {
        response,
        limits,
        announced,
        received: 0,
        events: EventSizes::default(),
        done: false,
    };
    Box::pin(futures_util::stream::unfold(state, |mut s| async move {
        if s.done {
            return None;
        }
        // A body announced larger than the cap is refused before a byte of it is read.
        if let Some(size) = s.announced {
            s.done = true;
            let limit = s.limits.max_bytes;
            return Some((Err(BodyError::Announced { size, limit }), s));
        }
        let next = tokio::time::timeout_at(s.limits.deadline, s.response.chunk()).await;
        let item = match next {
            Err(_) => Err(BodyError::Deadline {
                after: s.limits.total,
                received: s.received,
            }),
            Ok(Err(e)) => Err(BodyError::Transport(e)),
            Ok(Ok(None)) => return None,
            Ok(Ok(Some(chunk))) => {
                s.received += chunk.len();
                if s.received > s.limits.max_bytes {
                    Err(BodyError::TooLarge {
                        limit: s.limits.max_bytes,
                    })
                } else if let Some(limit) = s
                    .limits
                    .max_event_bytes
                    .filter(|&cap| s.events.feed(&chunk) > cap)
                {
                    Err(BodyError::EventTooLarge { limit })
                } else {
                    Ok(chunk)
                }
            }
        };
        s.done = item.is_err();
        Some((item, s))
    }))
}

/// The whole body of `response`, within `limits`.
pub async fn read_all(response: reqwest::Response, limits: Limits) -> Result<Vec<u8>, BodyError> {
    collect(chunks(response, limits)).await
}

/// Every chunk of a [`chunks`] stream (or of one whose first chunks were already taken), joined.
pub async fn collect<S, C>(mut body: S) -> Result<Vec<u8>, BodyError>
where
    S: Stream<Item = Result<C, BodyError>> + Unpin,
    C: AsRef<[u8]>,
{
    use futures_util::StreamExt;
    let mut out = Vec::new();
    while let Some(chunk) = body.next().await {
        out.extend_from_slice(chunk?.as_ref());
    }
    Ok(out)
}

/// The first `limits.max_bytes` of the body of `response` (an error answer, whose words are shown in a
/// line): what arrived by the deadline, or before the connection failed, is kept and the rest is not read.
pub async fn read_prefix(response: reqwest::Response, limits: Limits) -> Vec<u8> {
    use futures_util::StreamExt;
    let cap = limits.max_bytes;
    // One byte past the cap tells the cap was reached; the bytes past it are not kept.
    let mut body = chunks(
        response,
        Limits {
            max_bytes: usize::MAX,
            ..limits
        },
    );
    let mut out = Vec::new();
    while let Some(Ok(chunk)) = body.next().await {
        let chunk = chunk.as_ref();
        let room = cap - out.len();
        out.extend_from_slice(&chunk[..chunk.len().min(room)]);
        if out.len() >= cap {
            break;
        }
    }
    out
}

/// The size of the SSE event being read: the bytes since the last blank line.
#[derive(Debug, Default)]
struct EventSizes {
    /// Bytes of the current event (its lines, without their line ends).
    event: usize,
    /// Whether the current line is still empty.
    line_empty: bool,
    /// The last byte seen was a CR (so a following LF ends no further line).
    after_cr: bool,
}

impl EventSizes {
    /// Reads a chunk; returns the largest event size reached in it.
    fn feed(&mut self, chunk: &[u8]) -> usize {
        let mut largest = self.event;
        for &b in chunk {
            match b {
                b'\n' if self.after_cr => self.after_cr = false,
                b'\r' | b'\n' => {
                    if self.line_empty {
                        // A blank line: the event ended.
                        self.event = 0;
                    }
                    self.line_empty = true;
                    self.after_cr = b == b'\r';
                }
                _ => {
                    self.event += 1;
                    self.line_empty = false;
                    self.after_cr = false;
                    largest = largest.max(self.event);
                }
            }
        }
        largest
    }
}

/// Whether a body is a web page (HTML) rather than an API's answer: it starts with a doctype or an `<html>`,
/// `<head>` or `<body>` tag, after any byte-order mark, whitespace and comments.
pub fn looks_like_html(body: &[u8]) -> bool {
    let head = &body[..body.len().min(4096)];
    let text = String::from_utf8_lossy(head).to_ascii_lowercase();
    let t = text.trim_start_matches('\u{feff}').trim_start();
    if !t.starts_with('<') {
        return false;
    }
    [
        "<!doctype html",
        "<html",
        "<head",
        "<body",
        "<meta",
        "<title",
    ]
    .iter()
    .any(|tag| t.contains(tag))
}

/// The `<title>` of a web page, on one line, if it has one in its first 4 KB.
pub fn html_title(body: &[u8]) -> Option<String> {
    let head = String::from_utf8_lossy(&body[..body.len().min(4096)]).into_owned();
    let lower = head.to_ascii_lowercase();
    let open = lower.find("<title")?;
    let start = open + lower[open..].find('>')? + 1;
    let end = start + lower[start..].find("</title")?;
    let title = super::error::snippet(&head[start..end], 80);
    Some(title).filter(|t| !t.is_empty())
}

/// A size for people: `512 B`, `64 KB`, `8 MB`, `1.5 GB` (units of 1024, as file managers show them).
pub fn size_text(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["KB", "MB", "GB", "TB"];
    if bytes < 1024 {
        return format!("{bytes} B");
    }
    let mut value = bytes as f64 / 1024.0;
    let mut unit = 0;
    while value >= 1024.0 && unit < UNITS.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    if value >= 10.0 || value.fract() < 0.05 {
        format!("{:.0} {}", value, UNITS[unit])
    } else {
        format!("{:.1} {}", value, UNITS[unit])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_as_people_write_them() {
        assert_eq!(size_text(0), "0 B");
        assert_eq!(size_text(1023), "1023 B");
        assert_eq!(size_text(64 << 10), "64 KB");
        assert_eq!(size_text(MAX_BODY_BYTES as u64), "8 MB");
        assert_eq!(size_text(MAX_BODY_BYTES as u64 + 1), "8 MB");
        assert_eq!(size_text(1536 << 10), "1.5 MB");
        assert_eq!(size_text(200_000_000), "191 MB");
        assert_eq!(size_text(3 << 30), "3 GB");
    }

    #[test]
    fn web_pages_are_told_from_api_answers() {
        assert!(looks_like_html(b"<!DOCTYPE html><html><head>"));
        assert!(looks_like_html(b"\xef\xbb\xbf\n  <html lang=\"zh\">"));
        assert!(looks_like_html(b"<!-- portal --><HTML><BODY>"));
        assert!(looks_like_html(b"<head><title>Login</title>"));
        assert!(!looks_like_html(br#"{"data":[{"id":"<html>"}]}"#));
        assert!(!looks_like_html(b"data: {}\n\n"));
        assert!(!looks_like_html(b"<?xml version=\"1.0\"?><Error/>"));
        assert!(!looks_like_html(b""));
    }

    #[test]
    fn a_page_title_is_found() {
        assert_eq!(
            html_title(b"<html><head><TITLE>\n Wi-Fi Login </TITLE></head>").as_deref(),
            Some("Wi-Fi Login")
        );
        assert_eq!(html_title(b"<html><body>hi</body></html>"), None);
        assert_eq!(html_title(b"<title></title>"), None);
    }

    #[test]
    fn event_sizes_restart_at_each_blank_line() {
        let mut e = EventSizes::default();
        assert_eq!(e.feed(b"data: abc\n\n"), 9);
        // Across chunks, LF and CRLF, a comment line and a data line make one event.
        assert_eq!(e.feed(b": x\r\nda"), 5);
        assert_eq!(e.feed(b"ta: 12\r\n\r\n"), 11);
        assert_eq!(e.feed(b"data: 1\r\rdata: 2"), 7);
        // A line that never ends keeps growing.
        let mut e = EventSizes::default();
        e.feed(&[b'x'; 1000]);
        assert_eq!(e.feed(&[b'x'; 1000]), 2000);
    }
}
