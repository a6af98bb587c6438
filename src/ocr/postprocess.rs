//! Language rules applied to recognised lines: no spaces between CJK characters, full-width punctuation in
//! Japanese and Chinese text, half-width forms in English text.

use crate::lang::Lang;

/// Whether `c` is written "wide", without spaces around it: kana, kanji/hanzi, CJK and full-width
/// punctuation.
pub fn is_wide(c: char) -> bool {
    matches!(c as u32,
        0x2E80..=0x2FDF      // radicals
        | 0x3000..=0x303F    // CJK symbols and punctuation (、。「」…)
        | 0x3040..=0x30FF    // hiragana, katakana, ー, ・
        | 0x31F0..=0x31FF    // katakana extensions
        | 0x3400..=0x4DBF    // CJK extension A
        | 0x4E00..=0x9FFF    // CJK unified ideographs
        | 0xF900..=0xFAFF    // compatibility ideographs
        | 0xFE30..=0xFE4F    // CJK compatibility forms
        | 0xFF01..=0xFF60    // full-width ASCII forms
        | 0xFF61..=0xFF9F    // half-width katakana
        | 0x20000..=0x2FA1F  // supplementary ideographs
    ) || c == '…'
        || c == '―'
}

fn is_kana(c: char) -> bool {
    matches!(c as u32, 0x3040..=0x309F | 0x30A0..=0x30FA | 0x30FD..=0x30FF | 0x31F0..=0x31FF | 0xFF66..=0xFF9F)
}

fn is_han(c: char) -> bool {
    matches!(c as u32, 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x2FA1F)
}

fn is_hangul(c: char) -> bool {
    matches!(c as u32, 0xAC00..=0xD7AF | 0x1100..=0x11FF | 0x3130..=0x318F)
}

/// Guesses the language of one line from its script: kana → Japanese, Han → Chinese, Hangul → Korean,
/// otherwise English.
pub fn guess_lang(text: &str) -> Lang {
    if text.chars().any(is_kana) {
        Lang::Japanese
    } else if text.chars().any(is_han) {
        Lang::ChineseSimplified
    } else if text.chars().any(is_hangul) {
        Lang::Korean
    } else {
        Lang::English
    }
}

/// Removes spaces that stand between two wide characters (the recogniser and line merging put them there).
pub fn remove_cjk_spaces(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == ' ' {
            let mut j = i;
            while j < chars.len() && chars[j] == ' ' {
                j += 1;
            }
            let before = out.chars().last();
            let after = chars.get(j).copied();
            if let (Some(b), Some(a)) = (before, after) {
                if is_wide(b) && is_wide(a) {
                    i = j;
                    continue;
                }
            }
            out.push(' ');
            i = j;
            continue;
        }
        out.push(c);
        i += 1;
    }
    out
}

/// Turns ASCII punctuation that follows a wide character into its full-width form (`!` → `！`); a comma
/// becomes `、` in Japanese and `，` in Chinese.
fn widen_punctuation(text: &str, lang: Lang) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    for (i, &c) in chars.iter().enumerate() {
        let prev_wide = i > 0 && is_wide(chars[i - 1]);
        let next_wide = chars.get(i + 1).is_some_and(|&n| is_wide(n));
        let wide = match c {
            '!' if prev_wide => '！',
            '?' if prev_wide => '？',
            ':' if prev_wide => '：',
            ';' if prev_wide => '；',
            ',' if prev_wide && lang == Lang::Japanese => '、',
            ',' if prev_wide => '，',
            '(' if next_wide => '（',
            ')' if prev_wide => '）',
            _ => c,
        };
        out.push(wide);
    }
    out
}

/// Turns full-width ASCII forms into ASCII (`Ｈｅｌｌｏ！` → `Hello!`) and the ideographic space into a space.
fn narrow_forms(text: &str) -> String {
    text.chars()
        .map(|c| match c as u32 {
            0xFF01..=0xFF5E => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            0x3000 => ' ',
            _ => match c {
                '。' => '.',
                '、' => ',',
                _ => c,
            },
        })
        .collect()
}

/// Vertical text's presentation forms (︒︑﹁﹂︙…, as a vertical line reads) in their ordinary form: the text
/// is the same whichever way it was printed.
pub fn horizontal_forms(text: &str) -> std::borrow::Cow<'_, str> {
    fn form(c: char) -> Option<char> {
        Some(match c {
            '︒' => '。',
            '︑' => '、',
            '︐' => '，',
            '﹁' => '「',
            '﹂' => '」',
            '﹃' => '『',
            '﹄' => '』',
            '︵' => '（',
            '︶' => '）',
            '︷' => '｛',
            '︸' => '｝',
            '︹' => '〔',
            '︺' => '〕',
            '︻' => '【',
            '︼' => '】',
            '︽' => '《',
            '︾' => '》',
            '︿' => '〈',
            '﹀' => '〉',
            '︙' => '…',
            '︰' => '‥',
            '︓' => '：',
            '︔' => '；',
            '︕' => '！',
            '︖' => '？',
            '︱' | '︲' => 'ー',
            _ => return None,
        })
    }
    if !text.chars().any(|c| form(c).is_some()) {
        return std::borrow::Cow::Borrowed(text);
    }
    std::borrow::Cow::Owned(text.chars().map(|c| form(c).unwrap_or(c)).collect())
}

/// Applies the rules of `lang` (or of the language guessed from the line, for `Auto`) to one line.
pub fn apply(text: &str, lang: Lang) -> String {
    let text = &horizontal_forms(text);
    let lang = if lang == Lang::Auto {
        guess_lang(text)
    } else {
        lang
    };
    let text = match lang {
        Lang::Japanese | Lang::ChineseSimplified | Lang::ChineseTraditional => {
            widen_punctuation(&remove_cjk_spaces(text), lang)
        }
        Lang::English => narrow_forms(text),
        Lang::Korean | Lang::Auto => remove_cjk_spaces(text),
    };
    // Collapse runs of spaces and trim.
    let mut out = String::with_capacity(text.len());
    for word in text.split(' ').filter(|w| !w.is_empty()) {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vertical_forms_read_as_ordinary_text() {
        assert_eq!(
            apply("﹁ここが︑約束の場所だ︒﹂", Lang::Japanese),
            "「ここが、約束の場所だ。」"
        );
        assert_eq!(apply("︙︙本当に︖", Lang::Japanese), "……本当に？");
        assert_eq!(apply("ス︱パ︱", Lang::Japanese), "スーパー");
    }

    #[test]
    fn no_spaces_between_japanese_characters() {
        assert_eq!(
            apply("今日は 良い 天気ですね。", Lang::Japanese),
            "今日は良い天気ですね。"
        );
        assert_eq!(apply("「 ありがとう 」", Lang::Auto), "「ありがとう」");
        // Latin words inside Japanese keep their spaces.
        assert_eq!(
            apply("HP が 100 回復した", Lang::Japanese),
            "HP が 100 回復した"
        );
        assert_eq!(apply("Game Over です", Lang::Japanese), "Game Over です");
    }

    #[test]
    fn full_width_punctuation_kept_and_added() {
        assert_eq!(apply("本当に？！", Lang::Japanese), "本当に？！");
        assert_eq!(apply("本当に?!", Lang::Japanese), "本当に？!");
        assert_eq!(apply("你好,世界!", Lang::ChineseSimplified), "你好，世界！");
        assert_eq!(apply("はい,そうです", Lang::Japanese), "はい、そうです");
        assert_eq!(apply("Hello, world!", Lang::Japanese), "Hello, world!");
    }

    #[test]
    fn english_gets_half_width_forms() {
        assert_eq!(apply("Ｈｅｌｌｏ！  World", Lang::English), "Hello! World");
        assert_eq!(apply("  spaced   out ", Lang::English), "spaced out");
    }

    #[test]
    fn auto_guesses_per_script() {
        assert_eq!(guess_lang("こんにちは"), Lang::Japanese);
        assert_eq!(guess_lang("漢字だけ"), Lang::Japanese);
        assert_eq!(guess_lang("你好世界"), Lang::ChineseSimplified);
        assert_eq!(guess_lang("안녕하세요"), Lang::Korean);
        assert_eq!(guess_lang("Hello"), Lang::English);
        assert_eq!(apply("你好 世界", Lang::Auto), "你好世界");
        assert_eq!(apply("안녕 하세요", Lang::Auto), "안녕 하세요");
    }
}
