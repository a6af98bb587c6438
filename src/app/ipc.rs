//! Messages between the pages in `ui/` and the core (see `ui/PROTOCOL.md`), typed in both directions.

use crate::config::OverlaySettings;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;

/// A provider named in an overlay job.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProviderRef {
    /// Catalog id.
    pub id: String,
    /// Display name.
    pub name: String,
}

/// Overlay page → core.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum OverlayIn {
    /// The page can receive messages.
    Ready,
    /// The lock button.
    Lock {
        /// Click-through on or off.
        locked: bool,
    },
    /// Start a native window drag.
    Drag,
    /// The content wants this size (CSS px).
    Resize {
        /// Width.
        width: f64,
        /// Height.
        height: f64,
    },
    /// The text's natural size (CSS px): the window may fit it.
    ContentSize {
        /// Width.
        width: f64,
        /// Height.
        height: f64,
    },
    /// Put text on the clipboard.
    Copy {
        /// The text.
        text: String,
    },
    /// Hide the overlay.
    Hide,
    /// Open the settings window (on one of its sections, e.g. `providers`).
    OpenSettings {
        /// The section to show.
        #[serde(default)]
        section: Option<String>,
    },
    /// Translate the last region again.
    Retranslate,
    /// Start or stop auto mode.
    ToggleAuto,
    /// The first character of a job's translation is on screen.
    Painted {
        /// The job.
        job: u64,
    },
}

/// What the platform can do, for the settings page.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Platform {
    /// Whether a window covered by others (the overlay) can still be captured.
    pub covered_window_capture: bool,
    /// A sentence about it.
    pub note: String,
}

/// A window in the `windows` list.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WindowRef {
    /// Platform id.
    pub id: u32,
    /// Title.
    pub title: String,
    /// Program name.
    pub app: String,
    /// `[x, y, width, height]` in desktop pixels.
    pub rect: [i32; 4],
}

/// Core → overlay page.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum OverlayOut {
    /// How to look.
    Appearance {
        /// Fonts, colours, width.
        appearance: OverlaySettings,
        /// `zh` or `en`.
        ui_lang: String,
    },
    /// A new translation starts.
    Job {
        /// Job id.
        job: u64,
        /// The recognised text.
        source: String,
        /// One block per provider.
        providers: Vec<ProviderRef>,
    },
    /// The translation so far.
    Delta {
        /// Job id.
        job: u64,
        /// Provider id.
        provider: String,
        /// Whole text so far.
        text: String,
    },
    /// A provider finished.
    Done {
        /// Job id.
        job: u64,
        /// Provider id.
        provider: String,
        /// Final text.
        text: String,
        /// Duration.
        ms: u64,
    },
    /// A provider failed.
    Error {
        /// Job id.
        job: u64,
        /// Provider id.
        provider: String,
        /// The message for the user.
        message: String,
        /// Text that arrived before.
        partial: String,
    },
    /// The status line.
    Status {
        /// Text.
        text: String,
        /// Work is under way.
        busy: bool,
    },
    /// The lock state changed elsewhere.
    Locked {
        /// Click-through.
        locked: bool,
    },
    /// Auto mode started or stopped.
    Auto {
        /// On.
        on: bool,
    },
    /// A line in the overlay's body for the job on screen (e.g. "no translation provider is enabled"), with a
    /// button when there is something to do about it.
    Notice {
        /// The job it belongs to; `None` for a notice of the app itself (shown until the next job).
        job: Option<u64>,
        /// The words.
        text: String,
        /// What the button does, if there is one.
        action: Option<NoticeAction>,
    },
}

/// The button of an overlay notice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NoticeAction {
    /// Open the settings on the providers section.
    OpenProviders,
    /// Open the settings.
    OpenSettings,
}

/// Selector page → core.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum SelectorIn {
    /// The page can receive messages.
    Ready,
    /// The user chose a rectangle (CSS px of the page).
    Region {
        /// Left.
        x: f64,
        /// Top.
        y: f64,
        /// Width.
        width: f64,
        /// Height.
        height: f64,
        /// `devicePixelRatio`.
        #[serde(default)]
        scale: Option<f64>,
        /// `innerWidth`.
        #[serde(default)]
        view_width: Option<f64>,
        /// `innerHeight`.
        #[serde(default)]
        view_height: Option<f64>,
    },
    /// Esc or right-click.
    Cancel,
    /// The frozen screenshot is on show.
    Shown,
}

/// Core → selector page.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum SelectorOut {
    /// The frozen screenshot to show.
    Shot {
        /// Its `ocrlay://` URL.
        url: String,
        /// `zh` or `en`.
        ui_lang: String,
    },
}

/// A refused settings field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldError {
    /// Dotted path, e.g. `providers.deepseek.temperature`.
    pub field: String,
    /// Why.
    pub message: String,
}

/// Settings page → core.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum SettingsIn {
    /// The page can receive messages.
    Ready,
    /// Open the history window.
    OpenHistory,
    /// List the windows a region can be bound to.
    ListWindows,
    /// Save the whole form.
    Save {
        /// Settings as JSON (see PROTOCOL.md).
        settings: Value,
    },
    /// Test a provider with unsaved values.
    TestProvider {
        /// Catalog id.
        id: String,
        /// Its form values.
        provider: Value,
    },
    /// Fetch a provider's model list.
    ListModels {
        /// Catalog id.
        id: String,
        /// Its form values.
        provider: Value,
    },
    /// Apply the URL rule to what the user typed.
    ResolveUrl {
        /// Catalog id.
        id: String,
        /// What was typed.
        input: String,
    },
    /// Open a page in the system browser.
    OpenUrl {
        /// The URL.
        url: String,
    },
    /// Switch the UI language.
    SetUiLang {
        /// `auto`, `zh` or `en`.
        ui_lang: String,
    },
}

/// Core → settings page.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum SettingsOut {
    /// Show a section (and, on the first start, the welcome on the providers section).
    Show {
        /// `providers`, `general`, …
        section: String,
        /// Show the first-start welcome.
        welcome: bool,
    },
    /// Everything the page shows.
    State {
        /// The provider catalog.
        catalog: Value,
        /// Settings as JSON (no keys).
        settings: Value,
        /// Problems found in the config file.
        warnings: Vec<String>,
        /// Hotkeys that could not be registered, by setting name.
        hotkey_errors: BTreeMap<String, String>,
        /// `zh` or `en` in effect.
        ui_lang: String,
        /// The system's language.
        system_lang: String,
        /// Where settings are saved.
        config_path: String,
        /// What this platform can do.
        platform: Platform,
    },
    /// The windows a region can be bound to.
    Windows {
        /// Front to back.
        windows: Vec<WindowRef>,
    },
    /// Saved.
    Saved,
    /// Refused.
    SaveError {
        /// Field by field.
        errors: Vec<FieldError>,
    },
    /// A provider test finished.
    TestResult {
        /// Catalog id.
        id: String,
        /// Whether it worked.
        ok: bool,
        /// Latency and reply, or the precise error.
        message: String,
        /// Time to the whole answer.
        latency_ms: Option<u64>,
    },
    /// A model list.
    Models {
        /// Catalog id.
        id: String,
        /// Models.
        models: Vec<String>,
        /// Or why there are none.
        error: Option<String>,
    },
    /// A resolved URL.
    ResolvedUrl {
        /// Catalog id.
        id: String,
        /// What was typed.
        input: String,
        /// The chat-completions URL.
        url: Option<String>,
        /// Or why it is refused.
        error: Option<String>,
    },
}

/// The script that hands a message to a page. JSON is a valid JS expression, so nothing from OCR or a
/// provider is ever evaluated as code: it arrives as a string field.
pub fn script_for<T: Serialize>(msg: &T) -> String {
    let json = serde_json::to_string(msg).unwrap_or_else(|_| "{}".into());
    format!("window.ocrlay && window.ocrlay.receive({json});")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overlay_messages_in() {
        let m: OverlayIn = serde_json::from_str(r#"{"type":"lock","locked":true}"#).unwrap();
        assert_eq!(m, OverlayIn::Lock { locked: true });
        let m: OverlayIn = serde_json::from_str(r#"{"type":"painted","job":7}"#).unwrap();
        assert_eq!(m, OverlayIn::Painted { job: 7 });
        let m: OverlayIn =
            serde_json::from_str(r#"{"type":"resize","width":520,"height":180.5}"#).unwrap();
        assert_eq!(
            m,
            OverlayIn::Resize {
                width: 520.0,
                height: 180.5
            }
        );
        assert!(serde_json::from_str::<OverlayIn>(r#"{"type":"rm_rf"}"#).is_err());
    }

    #[test]
    fn overlay_messages_out() {
        let v = serde_json::to_value(OverlayOut::Delta {
            job: 3,
            provider: "deepseek".into(),
            text: "你好".into(),
        })
        .unwrap();
        assert_eq!(
            v,
            serde_json::json!({"type":"delta","job":3,"provider":"deepseek","text":"你好"})
        );
        let v = serde_json::to_value(OverlayOut::Appearance {
            appearance: OverlaySettings::default(),
            ui_lang: "zh".into(),
        })
        .unwrap();
        assert_eq!(v["appearance"]["font_size"], 20);
        assert_eq!(v["type"], "appearance");
    }

    #[test]
    fn selector_region_with_and_without_view_size() {
        let m: SelectorIn = serde_json::from_str(
            r#"{"type":"region","x":10,"y":20,"width":300,"height":80,"scale":1.5,"view_width":1280,"view_height":720}"#,
        )
        .unwrap();
        assert!(matches!(m, SelectorIn::Region { view_width: Some(w), .. } if w == 1280.0));
        let m: SelectorIn =
            serde_json::from_str(r#"{"type":"region","x":1,"y":2,"width":3,"height":4}"#).unwrap();
        assert!(matches!(m, SelectorIn::Region { scale: None, .. }));
        let m: SelectorIn = serde_json::from_str(r#"{"type":"cancel"}"#).unwrap();
        assert_eq!(m, SelectorIn::Cancel);
    }

    #[test]
    fn settings_messages_both_ways() {
        let m: SettingsIn = serde_json::from_str(
            r#"{"type":"test_provider","id":"deepseek","provider":{"enabled":true,"api_key":null}}"#,
        )
        .unwrap();
        assert!(matches!(m, SettingsIn::TestProvider { ref id, .. } if id == "deepseek"));
        let v = serde_json::to_value(SettingsOut::SaveError {
            errors: vec![FieldError {
                field: "providers.deepseek.temperature".into(),
                message: "must be between 0 and 2".into(),
            }],
        })
        .unwrap();
        assert_eq!(v["type"], "save_error");
        assert_eq!(v["errors"][0]["field"], "providers.deepseek.temperature");
        let v = serde_json::to_value(SettingsOut::Saved).unwrap();
        assert_eq!(v, serde_json::json!({"type":"saved"}));
    }

    #[test]
    fn hostile_text_stays_inside_a_json_string() {
        let s = script_for(&OverlayOut::Delta {
            job: 1,
            provider: "x".into(),
            text: "</script><script>alert(1)</script>\"); alert(2); (\"".into(),
        });
        assert!(s.starts_with("window.ocrlay && window.ocrlay.receive({"));
        assert!(s.contains(r#"\"); alert(2); (\""#), "{s}");
        // The JSON part parses back to the same text.
        let json = &s["window.ocrlay && window.ocrlay.receive(".len()..s.len() - 2];
        let v: Value = serde_json::from_str(json).unwrap();
        assert_eq!(
            v["text"],
            "</script><script>alert(1)</script>\"); alert(2); (\""
        );
    }
}
