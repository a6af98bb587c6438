//! Turning streamed chat-completion chunks into translation text: deltas or cumulative chunks, with reasoning
//! (`reasoning_content`, `<think>…</think>`) kept out of what the user sees.

use serde_json::Value;

/// What one parsed SSE data event means.
#[derive(Debug, PartialEq)]
pub enum Chunk {
    /// Answer text (a delta, or the whole text so far for cumulative providers).
    Content(String),
    /// The server's `finish_reason` arrived.
    Finished,
    /// Nothing for the user: role-only deltas, reasoning, usage chunks with `choices: []`.
    Nothing,
    /// An `error` object in the stream.
    Error(super::error::ServerWords),
}

/// Reads the JSON of one SSE data event. Returns several chunks when a content delta and its
/// `finish_reason` come together.
pub fn parse_chunk(v: &Value) -> Vec<Chunk> {
    if let Some(err) = v.get("error").filter(|e| !e.is_null()) {
        let body = serde_json::json!({ "error": err }).to_string();
        return vec![Chunk::Error(super::error::ServerWords::parse(&body))];
    }
    let Some(choice) = v
        .get("choices")
        .and_then(Value::as_array)
        .and_then(|c| c.first())
    else {
        return vec![Chunk::Nothing];
    };
    let mut out = Vec::new();
    // Streams carry `delta`; a few relays send `message` even when streaming.
    let body = choice.get("delta").or_else(|| choice.get("message"));
    if let Some(text) = body
        .and_then(|d| d.get("content"))
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
    {
        out.push(Chunk::Content(text.to_string()));
    }
    if choice
        .get("finish_reason")
        .is_some_and(|f| !f.is_null() && f.as_str() != Some(""))
    {
        out.push(Chunk::Finished);
    }
    if out.is_empty() {
        out.push(Chunk::Nothing);
    }
    out
}

/// The text of a non-streamed completion (`choices[0].message.content`).
pub fn completion_text(v: &Value) -> Option<String> {
    v.get("choices")?
        .as_array()?
        .first()?
        .get("message")?
        .get("content")?
        .as_str()
        .map(str::to_string)
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum ThinkState {
    /// At the start of the answer (or just after a think block): whitespace is held back, a `<think>` may
    /// still come.
    Start,
    /// Inside `<think>…</think>`.
    Thinking,
    /// Showing text.
    Passing,
}

/// Removes a leading `<think>…</think>` block from streamed text, across chunk boundaries.
#[derive(Debug)]
pub struct ThinkFilter {
    state: ThinkState,
    held: String,
}

impl Default for ThinkFilter {
    fn default() -> Self {
        ThinkFilter {
            state: ThinkState::Start,
            held: String::new(),
        }
    }
}

const OPEN: &str = "<think>";
const CLOSE: &str = "</think>";

impl ThinkFilter {
    /// Feeds a piece of text; returns what may be shown now.
    pub fn push(&mut self, piece: &str) -> String {
        match self.state {
            ThinkState::Passing => piece.to_string(),
            ThinkState::Start | ThinkState::Thinking => {
                self.held.push_str(piece);
                self.drain()
            }
        }
    }

    fn drain(&mut self) -> String {
        loop {
            match self.state {
                ThinkState::Start => {
                    let t = self.held.trim_start();
                    if t.is_empty() || (OPEN.starts_with(t) && t.len() < OPEN.len()) {
                        return String::new();
                    }
                    if let Some(rest) = t.strip_prefix(OPEN) {
                        self.held = rest.to_string();
                        self.state = ThinkState::Thinking;
                        continue;
                    }
                    self.state = ThinkState::Passing;
                    let shown = t.to_string();
                    self.held.clear();
                    return shown;
                }
                ThinkState::Thinking => {
                    if let Some(i) = self.held.find(CLOSE) {
                        self.held = self.held[i + CLOSE.len()..].to_string();
                        self.state = ThinkState::Start;
                        continue;
                    }
                    return String::new();
                }
                ThinkState::Passing => return std::mem::take(&mut self.held),
            }
        }
    }

    /// The end of the stream: returns held text that turned out not to be a think tag.
    pub fn finish(&mut self) -> String {
        match self.state {
            ThinkState::Start => {
                self.state = ThinkState::Passing;
                std::mem::take(&mut self.held).trim_start().to_string()
            }
            _ => String::new(),
        }
    }
}

/// What changed in the visible translation after a chunk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// Text was appended.
    Append(String),
    /// The whole text was replaced (a cumulative stream that rewrote its beginning).
    Replace,
    /// Nothing visible changed.
    None,
}

/// Accumulates the visible translation from content chunks.
#[derive(Debug, Default)]
pub struct Assembler {
    cumulative: bool,
    raw: String,
    think: ThinkFilter,
    visible: String,
}

impl Assembler {
    /// A new assembler; `cumulative` is for providers whose chunks repeat the whole text so far (Qwen-MT).
    pub fn new(cumulative: bool) -> Self {
        Assembler {
            cumulative,
            ..Default::default()
        }
    }

    /// Feeds one content chunk.
    pub fn push(&mut self, content: &str) -> Change {
        if self.cumulative {
            let prev = std::mem::replace(&mut self.raw, content.to_string());
            match content.strip_prefix(prev.as_str()) {
                Some(delta) => self.append(delta),
                None => {
                    let mut f = ThinkFilter::default();
                    let mut text = f.push(content);
                    text.push_str(&f.finish());
                    self.think = ThinkFilter::default();
                    self.think.push(content);
                    self.visible = text;
                    Change::Replace
                }
            }
        } else {
            self.raw.push_str(content);
            self.append(content)
        }
    }

    fn append(&mut self, delta: &str) -> Change {
        let shown = self.think.push(delta);
        if shown.is_empty() {
            Change::None
        } else {
            self.visible.push_str(&shown);
            Change::Append(shown)
        }
    }

    /// Ends the stream; returns text held back at the end, if any.
    pub fn finish(&mut self) -> Change {
        let rest = self.think.finish();
        if rest.is_empty() {
            Change::None
        } else {
            self.visible.push_str(&rest);
            Change::Append(rest)
        }
    }

    /// The translation so far.
    pub fn text(&self) -> &str {
        &self.visible
    }
}

/// Characters at the end of a reply that must repeat one short pattern before it counts as a loop.
pub const LOOP_WINDOW: usize = 240;
/// The longest pattern a loop is looked for with, in characters.
pub const LOOP_MAX_PERIOD: usize = 40;

/// Where a reply that has degenerated into repeating one short pattern (thousands of `<strong>` from a small
/// local model with repetition-prone settings) should be cut: the byte index after the text before the loop
/// and one copy of the pattern. `None` while the last [`LOOP_WINDOW`] characters are not a repetition of a
/// pattern of at most [`LOOP_MAX_PERIOD`] characters (so "ははは" or a few repeated words are not a loop).
/// Looks at the end only: the cost does not grow with the reply.
pub fn loop_cut(text: &str) -> Option<usize> {
    let tail: Vec<(usize, char)> = text
        .char_indices()
        .rev()
        .take(LOOP_WINDOW)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    if tail.len() < LOOP_WINDOW {
        return None;
    }
    let chars: Vec<char> = tail.iter().map(|(_, c)| *c).collect();
    let period =
        (1..=LOOP_MAX_PERIOD).find(|&p| (p..chars.len()).all(|i| chars[i] == chars[i - p]))?;
    // Walk back from the window while the pattern goes on, to where the loop began.
    let all: Vec<(usize, char)> = text.char_indices().collect();
    let mut start = all.len() - LOOP_WINDOW;
    while start > 0 && all[start - 1].1 == all[start - 1 + period].1 {
        start -= 1;
    }
    // Keep one copy of the pattern.
    let keep = start + period;
    Some(all.get(keep).map_or(text.len(), |(i, _)| *i))
}

/// Removes a `<think>…</think>` block from a whole (non-streamed) answer.
pub fn strip_think(text: &str) -> String {
    let mut f = ThinkFilter::default();
    let mut out = f.push(text);
    out.push_str(&f.finish());
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_looping_reply_is_cut_after_one_copy_of_its_pattern() {
        let text = format!("她说：{}", "<strong>".repeat(500));
        let cut = loop_cut(&text).expect("a loop");
        assert_eq!(&text[..cut], "她说：<strong>");
        let text = format!("你好。{}", "哈".repeat(300));
        assert_eq!(&text[..loop_cut(&text).unwrap()], "你好。哈");
        // Ordinary text, short repeats, and a long reply without a loop are left alone.
        assert_eq!(loop_cut("哈哈哈哈哈哈，真好笑。"), None);
        assert_eq!(loop_cut(&"不要。".repeat(20)), None);
        let prose: String = (0..2000)
            .map(|i| char::from_u32(0x4e00 + (i * 7919) % 20000).unwrap())
            .collect();
        assert_eq!(loop_cut(&prose), None);
    }

    #[test]
    fn llama_cpp_chunks() {
        assert_eq!(
            parse_chunk(
                &json!({"choices":[{"index":0,"delta":{"role":"assistant","content":null}}]})
            ),
            [Chunk::Nothing]
        );
        assert_eq!(
            parse_chunk(&json!({"choices":[{"delta":{"content":"你好"},"finish_reason":null}]})),
            [Chunk::Content("你好".into())]
        );
        assert_eq!(
            parse_chunk(&json!({"choices":[{"delta":{},"finish_reason":"stop"}]})),
            [Chunk::Finished]
        );
        assert_eq!(
            parse_chunk(&json!({"choices":[],"usage":{"prompt_tokens":3}})),
            [Chunk::Nothing]
        );
        assert!(matches!(
            parse_chunk(&json!({"error":{"message":"boom"}}))[0],
            Chunk::Error(_)
        ));
    }

    #[test]
    fn reasoning_content_is_not_shown() {
        assert_eq!(
            parse_chunk(&json!({"choices":[{"delta":{"reasoning_content":"let me think"}}]})),
            [Chunk::Nothing]
        );
    }

    #[test]
    fn think_blocks_are_removed_across_chunks() {
        let mut a = Assembler::new(false);
        let mut shown = String::new();
        for piece in ["\n<th", "ink>I shou", "ld say hi</thi", "nk>\n\n你", "好"] {
            if let Change::Append(s) = a.push(piece) {
                shown.push_str(&s);
            }
        }
        a.finish();
        assert_eq!(shown, "你好");
        assert_eq!(a.text(), "你好");
    }

    #[test]
    fn text_that_only_looks_like_a_tag_is_kept() {
        let mut a = Assembler::new(false);
        a.push("<th");
        a.push("e end>");
        assert_eq!(a.text(), "<the end>");
        let mut b = Assembler::new(false);
        b.push("<thi");
        b.finish();
        assert_eq!(b.text(), "<thi");
    }

    #[test]
    fn cumulative_chunks_become_deltas() {
        let mut a = Assembler::new(true);
        assert_eq!(a.push("你"), Change::Append("你".into()));
        assert_eq!(a.push("你好"), Change::Append("好".into()));
        assert_eq!(a.push("你好，世界"), Change::Append("，世界".into()));
        assert_eq!(a.push("您好，世界"), Change::Replace);
        assert_eq!(a.text(), "您好，世界");
    }

    #[test]
    fn whole_answers_lose_their_think_block() {
        assert_eq!(strip_think("<think>hmm</think>\n\n你好"), "你好");
        assert_eq!(strip_think("你好"), "你好");
    }
}
