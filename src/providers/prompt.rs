//! Prompts: the default translation instruction, context lines, glossary, and the Sakura formats.

use crate::lang::Lang;
use serde::{Deserialize, Serialize};

/// One glossary entry: `src -> dst #note`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct GlossaryEntry {
    /// The term in the source text.
    pub src: String,
    /// Its translation.
    pub dst: String,
    /// An optional note (gender, role…), empty when none.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
}

/// A source line translated earlier, sent as context.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContextPair {
    /// The source text.
    pub source: String,
    /// Its translation.
    pub translation: String,
}

/// The Sakura model's prompt format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum SakuraVersion {
    /// v0.9 (and the 0.9.x GGUFs of the guide): no glossary.
    #[serde(rename = "0.9")]
    V0_9,
    /// v1.0: with a glossary (術語表) block.
    #[default]
    #[serde(rename = "1.0")]
    V1_0,
}

/// A chat message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Message {
    /// `system`, `user` or `assistant`.
    pub role: String,
    /// The text.
    pub content: String,
}

impl Message {
    fn new(role: &str, content: impl Into<String>) -> Self {
        Message {
            role: role.to_string(),
            content: content.into(),
        }
    }
}

/// The Sakura system prompt (fixed by the model's training).
pub const SAKURA_SYSTEM: &str =
    "你是一个轻小说翻译模型，可以流畅通顺地以日本轻小说的风格将日文翻译成简体中文，\
并联系上下文正确使用人称代词，不擅自添加原文中没有的代词。";

/// The default instruction for general chat models. `{from}` and `{to}` are replaced by language names.
pub const DEFAULT_SYSTEM_TEMPLATE: &str = "You are a professional translator of games and software. \
Translate the user's text from {from} into {to}. The text comes from OCR of a game or program screen: \
keep its line breaks, keep names consistent, and fix obvious OCR mistakes silently. \
Output only the translation, with no explanations, notes, quotation marks or romanization.";

/// Everything a prompt is built from.
#[derive(Debug, Clone, Default)]
pub struct PromptParams<'a> {
    /// The text to translate (OCR lines joined by `\n`).
    pub text: &'a str,
    /// The source language (`Auto` lets the model detect it).
    pub from: Lang,
    /// The target language.
    pub to: Lang,
    /// Earlier lines of the same region, oldest first.
    pub context: &'a [ContextPair],
    /// Terms with fixed translations.
    pub glossary: &'a [GlossaryEntry],
    /// A user-written system prompt replacing the default (`{from}`, `{to}` are filled in).
    pub custom_system: Option<&'a str>,
}

/// The messages for a general chat model: a system instruction (with the glossary), the context as earlier
/// turns, then the text.
pub fn general_messages(p: &PromptParams<'_>) -> Vec<Message> {
    let template = p
        .custom_system
        .filter(|s| !s.trim().is_empty())
        .unwrap_or(DEFAULT_SYSTEM_TEMPLATE);
    let from = if p.from == Lang::Auto {
        "whatever language it is in"
    } else {
        p.from.english_name()
    };
    let mut system = template
        .replace("{from}", from)
        .replace("{to}", p.to.english_name());
    if !p.glossary.is_empty() {
        system.push_str("\nUse these fixed translations (source -> translation #note):\n");
        system.push_str(&glossary_lines(p.glossary));
    }
    let mut messages = vec![Message::new("system", system)];
    for pair in p.context {
        messages.push(Message::new("user", pair.source.clone()));
        messages.push(Message::new("assistant", pair.translation.clone()));
    }
    messages.push(Message::new("user", p.text));
    messages
}

/// The messages for the Sakura model, in the format of its version.
pub fn sakura_messages(p: &PromptParams<'_>, version: SakuraVersion) -> Vec<Message> {
    let user = |text: &str| {
        match version {
        SakuraVersion::V0_9 => format!("将下面的日文文本翻译成中文：{text}"),
        SakuraVersion::V1_0 => format!(
            "根据以下术语表（可以为空）：\n{}\n将下面的日文文本根据对应关系和备注翻译成中文：{text}",
            glossary_lines(p.glossary)
        ),
    }
    };
    let mut messages = vec![Message::new("system", SAKURA_SYSTEM)];
    for pair in p.context {
        messages.push(Message::new("user", user(&pair.source)));
        messages.push(Message::new("assistant", pair.translation.clone()));
    }
    messages.push(Message::new("user", user(p.text)));
    messages
}

/// Qwen-MT takes a single user message and no system role: the languages and terms travel in
/// `translation_options`.
pub fn qwen_mt_messages(p: &PromptParams<'_>) -> Vec<Message> {
    vec![Message::new("user", p.text)]
}

/// The language names Qwen-MT's `translation_options` expect.
pub fn qwen_mt_lang(lang: Lang) -> &'static str {
    match lang {
        Lang::Auto => "auto",
        Lang::Japanese => "Japanese",
        Lang::ChineseSimplified => "Chinese",
        Lang::ChineseTraditional => "Traditional Chinese",
        Lang::English => "English",
        Lang::Korean => "Korean",
    }
}

/// The glossary as `src->dst #note` lines (the Sakura v1.0 form, also readable by general models).
pub fn glossary_lines(glossary: &[GlossaryEntry]) -> String {
    glossary
        .iter()
        .filter(|g| !g.src.trim().is_empty())
        .map(|g| {
            if g.note.trim().is_empty() {
                format!("{}->{}", g.src.trim(), g.dst.trim())
            } else {
                format!("{}->{} #{}", g.src.trim(), g.dst.trim(), g.note.trim())
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params<'a>(
        text: &'a str,
        context: &'a [ContextPair],
        glossary: &'a [GlossaryEntry],
    ) -> PromptParams<'a> {
        PromptParams {
            text,
            from: Lang::Japanese,
            to: Lang::ChineseSimplified,
            context,
            glossary,
            custom_system: None,
        }
    }

    #[test]
    fn general_prompt_keeps_lines_and_names_languages() {
        let m = general_messages(&params("一行目\n二行目", &[], &[]));
        assert_eq!(m.len(), 2);
        assert_eq!(m[0].role, "system");
        assert!(m[0]
            .content
            .contains("from Japanese into Simplified Chinese"));
        assert!(m[0].content.contains("Output only the translation"));
        assert_eq!(m[1].content, "一行目\n二行目");
    }

    #[test]
    fn context_becomes_earlier_turns_and_glossary_goes_in_system() {
        let ctx = [ContextPair {
            source: "おはよう".into(),
            translation: "早上好".into(),
        }];
        let gl = [GlossaryEntry {
            src: "アリス".into(),
            dst: "爱丽丝".into(),
            note: "女主角".into(),
        }];
        let m = general_messages(&params("こんにちは", &ctx, &gl));
        let roles: Vec<_> = m.iter().map(|m| m.role.as_str()).collect();
        assert_eq!(roles, ["system", "user", "assistant", "user"]);
        assert!(m[0].content.contains("アリス->爱丽丝 #女主角"));
    }

    #[test]
    fn custom_system_prompt_is_filled_in() {
        let mut p = params("x", &[], &[]);
        p.custom_system = Some("把{from}翻成{to}");
        p.from = Lang::English;
        assert_eq!(
            general_messages(&p)[0].content,
            "把English翻成Simplified Chinese"
        );
    }

    #[test]
    fn sakura_formats() {
        let gl = [GlossaryEntry {
            src: "アリス".into(),
            dst: "爱丽丝".into(),
            note: String::new(),
        }];
        let v09 = sakura_messages(&params("猫だ", &[], &gl), SakuraVersion::V0_9);
        assert_eq!(v09[0].content, SAKURA_SYSTEM);
        assert_eq!(v09[1].content, "将下面的日文文本翻译成中文：猫だ");
        let v10 = sakura_messages(&params("猫だ", &[], &gl), SakuraVersion::V1_0);
        assert_eq!(
            v10[1].content,
            "根据以下术语表（可以为空）：\nアリス->爱丽丝\n将下面的日文文本根据对应关系和备注翻译成中文：猫だ"
        );
        let empty = sakura_messages(&params("猫だ", &[], &[]), SakuraVersion::V1_0);
        assert_eq!(
            empty[1].content,
            "根据以下术语表（可以为空）：\n\n将下面的日文文本根据对应关系和备注翻译成中文：猫だ"
        );
    }
}
