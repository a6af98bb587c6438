//! The sections of the settings file, each with its defaults and checks.

use super::read::SectionReader;
use crate::lang::Lang;
use crate::ocr::EngineKind;
use crate::ocr::TextDirection;
use crate::providers::prompt::{GlossaryEntry, SakuraVersion};
use crate::providers::{ApiKey, Proxy};
use crate::text::Text;
use global_hotkey::hotkey::HotKey;
use serde::{Deserialize, Serialize};
use std::path::PathBuf;
use std::str::FromStr;

/// The language of ocrlay's own windows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum UiLanguage {
    /// Follow the system language.
    #[default]
    Auto,
    /// 中文.
    Zh,
    /// English.
    En,
}

impl UiLanguage {
    /// `zh` or `en`: the setting, or the system's language for `auto`.
    pub fn code(self) -> &'static str {
        match self {
            UiLanguage::Zh => "zh",
            UiLanguage::En => "en",
            UiLanguage::Auto => system_ui_lang(),
        }
    }
}

/// `zh` when the system speaks Chinese, else `en`.
pub fn system_ui_lang() -> &'static str {
    let locale = sys_locale::get_locale()
        .unwrap_or_default()
        .to_ascii_lowercase();
    if locale.starts_with("zh") {
        "zh"
    } else {
        "en"
    }
}

/// `[general]`: languages.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GeneralSettings {
    /// Language of the screen text (`auto` detects).
    pub source: Lang,
    /// Language to translate into.
    pub target: Lang,
    /// Language of ocrlay's windows.
    pub ui_language: UiLanguage,
    /// A provider has answered once (a translation or a passing test): the welcome no longer opens the
    /// settings at start. Set by ocrlay, not by the settings page.
    pub setup_done: bool,
}

impl Default for GeneralSettings {
    fn default() -> Self {
        GeneralSettings {
            source: Lang::Japanese,
            target: Lang::ChineseSimplified,
            ui_language: UiLanguage::Auto,
            setup_done: false,
        }
    }
}

impl GeneralSettings {
    pub(super) fn read(mut r: SectionReader<'_>) -> Self {
        let d = Self::default();
        let s = GeneralSettings {
            source: r.get_checked("source", d.source, |s| s.check_readable()),
            target: r.get_checked("target", d.target, |t| {
                if *t == Lang::Auto {
                    Err(Text::new("err.target_auto"))
                } else {
                    Ok(())
                }
            }),
            ui_language: r.get("ui_language", d.ui_language),
            setup_done: r.get("setup_done", d.setup_done),
        };
        r.finish();
        s
    }
}

/// `[network]`: the global proxy and time limits.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NetworkSettings {
    /// Global proxy: empty = the system's, `none` = direct, or an address (`127.0.0.1:7890`,
    /// `socks5://127.0.0.1:1080`). Addresses on this machine (127.0.0.1, localhost) never use it.
    pub proxy: Proxy,
    /// Seconds allowed to open a connection (1–120).
    pub connect_timeout_secs: u64,
    /// Seconds of silence allowed while waiting for an answer (5–3600). Unset: 60 for online providers,
    /// 300 for local models.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub read_timeout_secs: Option<u64>,
    /// Seconds one translation may take in all, retries included (10–7200). Unset: 120 for online providers,
    /// 600 for local models.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub total_timeout_secs: Option<u64>,
}

impl Default for NetworkSettings {
    fn default() -> Self {
        NetworkSettings {
            proxy: Proxy::System,
            connect_timeout_secs: 10,
            read_timeout_secs: None,
            total_timeout_secs: None,
        }
    }
}

impl NetworkSettings {
    pub(super) fn read(mut r: SectionReader<'_>) -> Self {
        let d = Self::default();
        let s = NetworkSettings {
            proxy: r.get("proxy", d.proxy),
            connect_timeout_secs: r.get_within("connect_timeout_secs", d.connect_timeout_secs),
            read_timeout_secs: r.get_within_if_set("read_timeout_secs", d.read_timeout_secs),
            total_timeout_secs: r.get_within_if_set("total_timeout_secs", d.total_timeout_secs),
        };
        r.finish();
        s
    }
}

/// `[translation]`: how text is sent to providers.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TranslationSettings {
    /// Stream answers as they are written (off: wait for the whole answer).
    pub stream: bool,
    /// Earlier lines of the same region sent as context (0–20; 0 = none).
    pub context_lines: u32,
    /// A system prompt for general models replacing the default; `{from}` and `{to}` are filled in.
    pub custom_prompt: String,
    /// Terms with fixed translations.
    pub glossary: Vec<GlossaryEntry>,
}

impl Default for TranslationSettings {
    fn default() -> Self {
        TranslationSettings {
            stream: true,
            context_lines: 0,
            custom_prompt: String::new(),
            glossary: Vec::new(),
        }
    }
}

impl TranslationSettings {
    pub(super) fn read(mut r: SectionReader<'_>) -> Self {
        let d = Self::default();
        let s = TranslationSettings {
            stream: r.get("stream", d.stream),
            context_lines: r.get_within("context_lines", d.context_lines),
            custom_prompt: r.get("custom_prompt", d.custom_prompt),
            glossary: r.get_checked("glossary", d.glossary, |g: &Vec<GlossaryEntry>| {
                match g.iter().position(|e| e.src.trim().is_empty()) {
                    Some(i) => Err(Text::new("err.glossary_src").with("n", i + 1)),
                    None => Ok(()),
                }
            }),
        };
        r.finish();
        s
    }
}

/// `[ocr]`: local text recognition.
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct OcrSettings {
    /// Which engine reads the screen: `ppocr` (Japanese, Chinese, English) or `ocrs` (Latin only).
    pub engine: EngineKind,
    /// The language of the text (`auto`, `ja`, `zh-CN`, `en`): affects spacing and punctuation.
    pub language: Lang,
    /// A directory with the model files, when they are not next to the program.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub model_dir: Option<PathBuf>,
    /// Which way text runs (`auto`: each box says; `vertical`: columns right to left). A saved region may say
    /// otherwise.
    pub direction: TextDirection,
    /// Keep furigana (small readings over kanji); by default they are left out of Japanese text.
    pub keep_furigana: bool,
}

impl OcrSettings {
    pub(super) fn read(mut r: SectionReader<'_>) -> Self {
        let d = Self::default();
        let s = OcrSettings {
            engine: r.get("engine", d.engine),
            language: r.get_checked("language", d.language, |l| l.check_readable()),
            model_dir: r.get("model_dir", d.model_dir),
            direction: r.get("direction", d.direction),
            keep_furigana: r.get("keep_furigana", d.keep_furigana),
        };
        r.finish();
        s
    }
}

/// `[capture]`: how the screen and windows are read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
pub struct CaptureSettings {
    /// Windows: `auto` (GDI, and a WGC session for a window GDI reads as one flat colour, remembered per game),
    /// `gdi` or `wgc`. Other systems have one way and ignore it. Per profile.
    pub method: crate::capture::Method,
}

impl CaptureSettings {
    pub(super) fn read(mut r: SectionReader<'_>) -> Self {
        let d = Self::default();
        let s = CaptureSettings {
            method: r.get("method", d.method),
        };
        r.finish();
        s
    }
}

/// `[hotkeys]`: global shortcuts, written like `Alt+Q` or `Ctrl+Shift+F1`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HotkeySettings {
    /// Select a region and translate it.
    pub select_region: String,
    /// Translate the last region again.
    pub repeat_last: String,
    /// Hide or show the overlay.
    pub toggle_overlay: String,
    /// Start or stop automatic translation of the region.
    pub toggle_auto: String,
    /// Switch to saved region 1…4.
    pub region_1: String,
    /// Saved region 2.
    pub region_2: String,
    /// Saved region 3.
    pub region_3: String,
    /// Saved region 4.
    pub region_4: String,
    /// Open the settings (for systems without a tray icon, and full-screen games).
    pub open_settings: String,
}

impl Default for HotkeySettings {
    fn default() -> Self {
        HotkeySettings {
            select_region: "Alt+Q".into(),
            repeat_last: "Alt+W".into(),
            toggle_overlay: "Alt+H".into(),
            toggle_auto: "Alt+A".into(),
            region_1: "Alt+1".into(),
            region_2: "Alt+2".into(),
            region_3: "Alt+3".into(),
            region_4: "Alt+4".into(),
            open_settings: "Alt+Shift+S".into(),
        }
    }
}

/// The modifiers a hotkey may name (as global-hotkey reads them), lower case.
const MODIFIERS: [&str; 9] = [
    "alt", "option", "ctrl", "control", "shift", "super", "meta", "cmd", "command",
];

/// Parses a hotkey as the settings write it (`Alt+Q`, `Ctrl+Shift+F1`): the one parser of hotkeys, used to
/// read the file, to check the settings form as the user types, and to register them. Empty: off (`None`).
/// A key without a modifier is refused, except F1–F24: a plain letter would be taken from every program.
pub fn parse_hotkey(s: &str) -> Result<Option<HotKey>, Text> {
    let s = s.trim();
    if s.is_empty() {
        return Ok(None);
    }
    let parts: Vec<&str> = s.split('+').map(str::trim).collect();
    let Some((key, mods)) = parts.split_last() else {
        return Err(Text::new("err.hotkey_nokey"));
    };
    if let Some(m) = mods
        .iter()
        .find(|m| !MODIFIERS.contains(&m.to_ascii_lowercase().as_str()))
    {
        return Err(Text::new("err.hotkey_mod").with("mod", m));
    }
    if key.is_empty() || MODIFIERS.contains(&key.to_ascii_lowercase().as_str()) {
        return Err(Text::new("err.hotkey_nokey"));
    }
    let function_key = key
        .strip_prefix(['F', 'f'])
        .and_then(|n| n.parse::<u8>().ok())
        .is_some_and(|n| (1..=24).contains(&n));
    if mods.is_empty() && !function_key {
        return Err(Text::new("err.hotkey_needmod").with("key", key));
    }
    HotKey::from_str(&parts.join("+")).map(Some).map_err(|e| {
        Text::new("hotkey.err_invalid")
            .with("hotkey", s)
            .with("reason", e)
    })
}

/// Checks a hotkey with [`parse_hotkey`].
pub fn check_hotkey(s: &str) -> Result<(), Text> {
    parse_hotkey(s).map(|_| ())
}

/// What is wrong with a set of hotkeys, by setting name: each one [`parse_hotkey`] refuses, and each one set
/// to the same keys as one before it (`err.hotkey_dup`, naming that one's action).
pub fn hotkey_problems<'a>(
    hotkeys: impl IntoIterator<Item = (&'static str, &'a str)>,
) -> Vec<(&'static str, Text)> {
    let mut seen: Vec<(u32, &'static str)> = Vec::new();
    let mut problems = Vec::new();
    for (name, text) in hotkeys {
        match parse_hotkey(text) {
            Err(e) => problems.push((name, e)),
            Ok(None) => {}
            Ok(Some(h)) => match seen.iter().find(|(id, _)| *id == h.id()) {
                Some((_, first)) => problems.push((
                    name,
                    Text::new("err.hotkey_dup").with_text("other", hotkey_label(first)),
                )),
                None => seen.push((h.id(), name)),
            },
        }
    }
    problems
}

/// The action of a hotkey setting, in words (`hotkey.select_region` …).
fn hotkey_label(name: &str) -> Text {
    match name {
        "select_region" => Text::new("hotkey.select_region"),
        "repeat_last" => Text::new("hotkey.repeat_last"),
        "toggle_overlay" => Text::new("hotkey.toggle_overlay"),
        "toggle_auto" => Text::new("hotkey.toggle_auto"),
        "region_1" => Text::new("hotkey.region_1"),
        "region_2" => Text::new("hotkey.region_2"),
        "region_3" => Text::new("hotkey.region_3"),
        "region_4" => Text::new("hotkey.region_4"),
        _ => Text::new("hotkey.open_settings"),
    }
}

impl HotkeySettings {
    /// Every hotkey with its setting name, in the order of the file (an earlier one wins a clash).
    pub fn entries(&self) -> [(&'static str, &str); 9] {
        [
            ("select_region", &self.select_region),
            ("repeat_last", &self.repeat_last),
            ("toggle_overlay", &self.toggle_overlay),
            ("toggle_auto", &self.toggle_auto),
            ("region_1", &self.region_1),
            ("region_2", &self.region_2),
            ("region_3", &self.region_3),
            ("region_4", &self.region_4),
            ("open_settings", &self.open_settings),
        ]
    }
}

impl HotkeySettings {
    pub(super) fn read(mut r: SectionReader<'_>) -> Self {
        let d = Self::default();
        let check = |v: &String| check_hotkey(v);
        let s = HotkeySettings {
            select_region: r.get_checked("select_region", d.select_region, check),
            repeat_last: r.get_checked("repeat_last", d.repeat_last, check),
            toggle_overlay: r.get_checked("toggle_overlay", d.toggle_overlay, check),
            toggle_auto: r.get_checked("toggle_auto", d.toggle_auto, check),
            region_1: r.get_checked("region_1", d.region_1, check),
            region_2: r.get_checked("region_2", d.region_2, check),
            region_3: r.get_checked("region_3", d.region_3, check),
            region_4: r.get_checked("region_4", d.region_4, check),
            open_settings: r.get_checked("open_settings", d.open_settings, check),
        };
        // Two actions on the same keys: the later one is not registered (the app and the settings page say so
        // too); a command's user hears it here, from the one rule.
        for (name, why) in hotkey_problems(s.entries()) {
            if why.key == "err.hotkey_dup" {
                r.warn(name, why, super::read::Fallback::Ignored);
            }
        }
        r.finish();
        s
    }
}

/// `[providers.ID]`: one provider's settings.
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct ProviderSettings {
    /// Translate with this provider.
    pub enabled: bool,
    /// The API address, when not the catalog's (a relay's URL; a bare domain gets /v1/chat/completions).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub url: String,
    /// The API key (Spark: `APIKey:APISecret`).
    #[serde(skip_serializing_if = "ApiKey::is_empty")]
    pub api_key: ApiKey,
    /// The model (Doubao: the inference endpoint id `ep-…`). Empty: the catalog's first recommendation.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub model: String,
    /// This provider's proxy: empty = the global one, `none` = direct, or an address.
    #[serde(skip_serializing_if = "is_system")]
    pub proxy: Proxy,
    /// Sampling temperature (0–2); unset: the catalog's default.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub temperature: Option<f32>,
    /// `top_p` (0–1); unset: the catalog's default.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub top_p: Option<f32>,
    /// Cap on the answer's length in tokens; unset: none sent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_tokens: Option<u32>,
    /// Sakura prompt format (`"1.0"` or `"0.9"`), for the Sakura providers.
    pub sakura_version: SakuraVersion,
}

fn is_system(p: &Proxy) -> bool {
    *p == Proxy::System
}

impl ProviderSettings {
    pub(super) fn read(mut r: SectionReader<'_>) -> Self {
        let d = Self::default();
        let s = ProviderSettings {
            enabled: r.get("enabled", d.enabled),
            url: r.get_checked("url", d.url, |u: &String| {
                if u.trim().is_empty() {
                    return Ok(());
                }
                crate::providers::url::chat_completions_url(u)
                    .map(|_| ())
                    .map_err(|e| e.text())
            }),
            api_key: r.get("api_key", d.api_key),
            model: r.get("model", d.model),
            proxy: r.get("proxy", d.proxy),
            temperature: r.get_within_if_set("temperature", d.temperature),
            top_p: r.get_within_if_set("top_p", d.top_p),
            max_tokens: r.get_within_if_set("max_tokens", d.max_tokens),
            sakura_version: r.get("sakura_version", d.sakura_version),
        };
        r.finish();
        s
    }
}

/// `[overlay]`: how the translation window looks, and where it was left.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OverlaySettings {
    /// CSS font family list.
    pub font_family: String,
    /// Font size in CSS pixels (10–72).
    pub font_size: u32,
    /// Text colour, `#rrggbb`.
    pub text_color: String,
    /// Outline colour, `#rrggbb`.
    pub outline_color: String,
    /// Outline width in pixels (0–6).
    pub outline_width: u32,
    /// Background colour, `#rrggbb`.
    pub background_color: String,
    /// Background opacity (0 = invisible, 1 = solid).
    pub background_opacity: f32,
    /// Width in CSS pixels (200–2000).
    pub width: u32,
    /// Show the recognised text above the translation.
    pub show_original: bool,
    /// Click-through: the overlay ignores the mouse.
    pub locked: bool,
    /// Beside the region (default) or over it, covering the original text.
    pub mode: super::OverlayMode,
    /// Where the user last left the overlay (physical desktop pixels); unset: next to the region.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub position: Option<[i32; 2]>,
}

impl Default for OverlaySettings {
    fn default() -> Self {
        OverlaySettings {
            font_family: "\"Noto Sans CJK SC\", \"Microsoft YaHei\", \"PingFang SC\", sans-serif"
                .into(),
            font_size: 20,
            text_color: "#ffffff".into(),
            outline_color: "#000000".into(),
            outline_width: 2,
            background_color: "#101014".into(),
            background_opacity: 0.6,
            width: 560,
            show_original: false,
            locked: false,
            mode: super::OverlayMode::Beside,
            position: None,
        }
    }
}

fn check_color(c: &String) -> Result<(), Text> {
    let hex = c.strip_prefix('#').unwrap_or("");
    if hex.len() == 6 && hex.chars().all(|ch| ch.is_ascii_hexdigit()) {
        Ok(())
    } else {
        Err(Text::new("err.color").with("found", c))
    }
}

impl OverlaySettings {
    pub(super) fn read(mut r: SectionReader<'_>) -> Self {
        let d = Self::default();
        let s = OverlaySettings {
            font_family: r.get_checked("font_family", d.font_family, |f: &String| {
                // It ends up in CSS: refuse anything that could close the declaration.
                if f.trim().is_empty() || f.contains([';', '{', '}', '<', '>', '\\']) {
                    Err(Text::new("err.font"))
                } else {
                    Ok(())
                }
            }),
            font_size: r.get_within("font_size", d.font_size),
            text_color: r.get_checked("text_color", d.text_color, check_color),
            outline_color: r.get_checked("outline_color", d.outline_color, check_color),
            outline_width: r.get_within("outline_width", d.outline_width),
            background_color: r.get_checked("background_color", d.background_color, check_color),
            background_opacity: r.get_within("background_opacity", d.background_opacity),
            width: r.get_within("width", d.width),
            show_original: r.get("show_original", d.show_original),
            locked: r.get("locked", d.locked),
            mode: r.get("mode", d.mode),
            position: r.get("position", d.position),
        };
        r.finish();
        s
    }
}
