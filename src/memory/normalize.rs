//! The form of a line the memory matches on ([`normalize_source`]: OCR's whitespace and width noise folded
//! away), and the fingerprint of what else shapes a translation ([`prompt_fingerprint`]).

use sha2::{Digest, Sha256};

/// A short, stable fingerprint (32 hex digits of SHA-256) of the things besides the text that shape a
/// translation, e.g. the prompt template and the glossary, for [`MemoryKey::prompt`](super::MemoryKey::prompt). Parts are length-prefixed,
/// so `["ab", "c"]` and `["a", "bc"]` differ.
pub fn prompt_fingerprint(parts: &[&str]) -> String {
    let mut hash = Sha256::new();
    for part in parts {
        hash.update((part.len() as u64).to_le_bytes());
        hash.update(part.as_bytes());
    }
    hash.finalize()[..16]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The form of a source text the memory matches on, so that OCR's whitespace noise does not cost a request:
///
/// - line breaks become `\n`; each line is trimmed and blank lines are dropped;
/// - runs of whitespace (including the ideographic space U+3000) within a line become one space, and a space
///   between two CJK characters (kana, kanji/hanzi, CJK punctuation, full-width forms) is dropped — Hangul is
///   not included, since Korean spaces carry meaning;
/// - full-width ASCII letters and digits (`Ａ`, `１`) become ASCII; full-width punctuation is kept;
/// - zero-width spaces, word joiners and byte-order marks are dropped.
///
/// Unicode normalisation (NFC) is not applied.
pub fn normalize_source(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.split(['\n', '\r']) {
        let mut line_out = String::with_capacity(line.len());
        let mut prev: Option<char> = None;
        let mut pending_space = false;
        for c in line.chars().map(fold_width) {
            if is_invisible(c) {
                continue;
            }
            if c.is_whitespace() {
                pending_space = prev.is_some();
                continue;
            }
            if pending_space {
                if !prev.is_some_and(|p| is_cjk(p) && is_cjk(c)) {
                    line_out.push(' ');
                }
                pending_space = false;
            }
            line_out.push(c);
            prev = Some(c);
        }
        if !line_out.is_empty() {
            if !out.is_empty() {
                out.push('\n');
            }
            out.push_str(&line_out);
        }
    }
    out
}

/// Full-width ASCII letters and digits to ASCII.
fn fold_width(c: char) -> char {
    match c {
        '０'..='９' | 'Ａ'..='Ｚ' | 'ａ'..='ｚ' => {
            char::from_u32(c as u32 - 0xFEE0).unwrap_or(c)
        }
        _ => c,
    }
}

/// Characters that OCR or copy-paste leave in text without showing anything.
fn is_invisible(c: char) -> bool {
    matches!(c, '\u{200B}' | '\u{2060}' | '\u{FEFF}')
}

/// Scripts written without spaces between words (Chinese, Japanese), with their punctuation.
fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x2E80..=0x2FDF       // CJK radicals
        | 0x3000..=0x30FF     // CJK punctuation, hiragana, katakana
        | 0x31F0..=0x31FF     // katakana phonetic extensions
        | 0x3200..=0x33FF     // enclosed CJK, CJK compatibility
        | 0x3400..=0x4DBF     // CJK extension A
        | 0x4E00..=0x9FFF     // CJK unified ideographs
        | 0xF900..=0xFAFF     // CJK compatibility ideographs
        | 0xFE30..=0xFE4F     // CJK compatibility forms
        | 0xFF00..=0xFF9F     // full-width punctuation, half-width katakana
        | 0x20000..=0x3134F // CJK extensions B–G
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalize_collapses_whitespace_and_keeps_line_breaks() {
        assert_eq!(normalize_source("  Hello \t  world  "), "Hello world");
        assert_eq!(normalize_source("a\r\nb\rc\n\n\n d "), "a\nb\nc\nd");
        assert_eq!(normalize_source(" \n \t "), "");
        assert_eq!(
            normalize_source("Press\u{00A0}\u{00A0}Start"),
            "Press Start"
        );
    }

    #[test]
    fn normalize_drops_spaces_between_cjk_only() {
        assert_eq!(normalize_source("こんに ちは 世界"), "こんにちは世界");
        assert_eq!(
            normalize_source("今日は\u{3000}「晴れ」 です。"),
            "今日は「晴れ」です。"
        );
        assert_eq!(normalize_source("HP 回復 する"), "HP 回復する");
        // Korean word spacing is meaningful.
        assert_eq!(normalize_source("나는  학교에 간다"), "나는 학교에 간다");
        // Line breaks between CJK lines stay.
        assert_eq!(normalize_source("一行目\n二行目"), "一行目\n二行目");
    }

    #[test]
    fn normalize_folds_full_width_letters_and_digits_only() {
        assert_eq!(normalize_source("ＨＰ１００ ａｂｃ"), "HP100 abc");
        assert_eq!(normalize_source("本当？！"), "本当？！");
        assert_eq!(normalize_source("zero\u{200B}width\u{FEFF}"), "zerowidth");
    }

    #[test]
    fn normalize_is_idempotent() {
        for s in ["  a  b\n\n c ", "ＨＰ 回 復\r\nx", "「 あ 」 b"] {
            let once = normalize_source(s);
            assert_eq!(normalize_source(&once), once, "{s:?}");
        }
    }

    #[test]
    fn fingerprint_is_stable_and_separates_parts() {
        let a = prompt_fingerprint(&["ab", "c"]);
        assert_eq!(a, prompt_fingerprint(&["ab", "c"]));
        assert_ne!(a, prompt_fingerprint(&["a", "bc"]));
        assert_eq!(a.len(), 32);
        assert!(a.chars().all(|c| c.is_ascii_hexdigit()));
    }
}
