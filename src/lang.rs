//! Language codes shared by OCR post-processing, prompts and settings.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// A language as the user names it: a source (`auto` allowed) or a target of translation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
pub enum Lang {
    /// Detect from the text (source only).
    #[default]
    #[serde(rename = "auto")]
    Auto,
    /// Japanese.
    #[serde(rename = "ja")]
    Japanese,
    /// Simplified Chinese.
    #[serde(rename = "zh-CN")]
    ChineseSimplified,
    /// Traditional Chinese.
    #[serde(rename = "zh-TW")]
    ChineseTraditional,
    /// English.
    #[serde(rename = "en")]
    English,
    /// Korean.
    #[serde(rename = "ko")]
    Korean,
}

impl Lang {
    /// Every language, in the order settings list them.
    pub const ALL: [Lang; 6] = [
        Lang::Auto,
        Lang::Japanese,
        Lang::ChineseSimplified,
        Lang::ChineseTraditional,
        Lang::English,
        Lang::Korean,
    ];

    /// The short code used in config files and on the command line.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Auto => "auto",
            Lang::Japanese => "ja",
            Lang::ChineseSimplified => "zh-CN",
            Lang::ChineseTraditional => "zh-TW",
            Lang::English => "en",
            Lang::Korean => "ko",
        }
    }

    /// The language's name in English, as prompts for general models use it.
    pub fn english_name(self) -> &'static str {
        match self {
            Lang::Auto => "the source language",
            Lang::Japanese => "Japanese",
            Lang::ChineseSimplified => "Simplified Chinese",
            Lang::ChineseTraditional => "Traditional Chinese",
            Lang::English => "English",
            Lang::Korean => "Korean",
        }
    }

    /// Whether text in this language is written without spaces between words.
    pub fn is_cjk(self) -> bool {
        matches!(
            self,
            Lang::Japanese | Lang::ChineseSimplified | Lang::ChineseTraditional
        )
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl Lang {
    /// Whether ocrlay's OCR can read text in this language (the source languages it offers).
    pub fn readable(self) -> bool {
        self != Lang::Korean
    }

    /// Checks that ocrlay can read this language (for a source language); the refusal says why. Korean has no
    /// OCR model here (neither engine reads Hangul, and no PP-OCR Korean recogniser with its dictionary is
    /// published in a package registry ocrlay can pin).
    pub fn check_readable(self) -> Result<(), crate::text::Text> {
        if self.readable() {
            Ok(())
        } else {
            Err(crate::text::Text::new("err.not_readable"))
        }
    }
}

/// A language code that ocrlay does not know.
#[derive(Debug, thiserror::Error)]
#[error("unknown language '{0}' (expected one of: auto, ja, zh-CN, zh-TW, en, ko)")]
pub struct UnknownLang(pub String);

impl FromStr for Lang {
    type Err = UnknownLang;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let lower = s.trim().to_ascii_lowercase().replace('_', "-");
        Ok(match lower.as_str() {
            "auto" | "" => Lang::Auto,
            "ja" | "jp" | "jpn" | "japanese" => Lang::Japanese,
            "zh" | "zh-cn" | "zh-hans" | "chs" | "chinese" => Lang::ChineseSimplified,
            "zh-tw" | "zh-hk" | "zh-hant" | "cht" => Lang::ChineseTraditional,
            "en" | "eng" | "english" => Lang::English,
            "ko" | "kr" | "kor" | "korean" => Lang::Korean,
            _ => return Err(UnknownLang(s.to_string())),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip() {
        for lang in Lang::ALL {
            assert_eq!(lang.code().parse::<Lang>().unwrap(), lang);
        }
        assert_eq!("zh".parse::<Lang>().unwrap(), Lang::ChineseSimplified);
        assert!("xx".parse::<Lang>().is_err());
    }
}
