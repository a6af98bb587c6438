//! Lenient reading of one TOML section: a bad field is reported and replaced by its default, unknown keys
//! are reported, and nothing aborts the whole file.

use super::limits::{Limit, Number};
use crate::text::{Param, Text};
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::fmt;
use toml::{Table, Value};

/// A problem with one field (or section) of the settings, as data: where, what, and what is used instead.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ConfigWarning {
    /// The dotted path of the field, as the settings page names it: `auto.stable_frames`,
    /// `providers.deepseek.temperature`, `regions.slots.1` (a saved region), `filters.2.pattern` (a rule);
    /// a section's name for a whole section; empty for the whole file.
    pub field: String,
    /// What is wrong (not what happens instead: that is [`fallback`](Self::fallback)).
    pub message: Text,
    /// What is used instead.
    pub fallback: Fallback,
}

/// What is used instead of a refused setting.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Fallback {
    /// This value (as JSON; the default, so far).
    Value(serde_json::Value),
    /// The defaults, for all of it (a section, or the whole file).
    Defaults,
    /// Nothing: it is left out (an unknown key, a rule that is kept but not applied, a saved region).
    Ignored,
    /// Nothing was refused: a note about the file (it was moved aside).
    Note,
}

impl ConfigWarning {
    /// A problem with `field` that leaves it out.
    pub fn ignored(field: impl Into<String>, message: Text) -> Self {
        ConfigWarning {
            field: field.into(),
            message,
            fallback: Fallback::Ignored,
        }
    }

    /// Something to know about the settings file that refuses nothing.
    pub fn note(message: Text) -> Self {
        ConfigWarning {
            field: String::new(),
            message,
            fallback: Fallback::Note,
        }
    }

    /// A problem with `field` for which its defaults are used.
    pub fn defaults(field: impl Into<String>, message: Text) -> Self {
        ConfigWarning {
            field: field.into(),
            message,
            fallback: Fallback::Defaults,
        }
    }
}

impl Fallback {
    /// What is used instead, in words (none for a note).
    pub fn text(&self) -> Option<Text> {
        Some(match self {
            Fallback::Value(serde_json::Value::Null) => Text::new("warn.unset"),
            Fallback::Value(serde_json::Value::String(s)) if s.is_empty() => {
                Text::new("warn.empty")
            }
            Fallback::Value(serde_json::Value::String(s)) => {
                Text::new("warn.using").with("value", s)
            }
            Fallback::Value(v) => Text::new("warn.using").with("value", v),
            Fallback::Defaults => Text::new("warn.defaults"),
            Fallback::Ignored => Text::new("warn.ignored"),
            Fallback::Note => return None,
        })
    }
}

impl ConfigWarning {
    /// What is wrong and what is used instead, in one sentence (without the field).
    pub fn text(&self) -> Text {
        match self.fallback.text() {
            Some(fallback) => Text::new("warn.line")
                .with_text("message", self.message.clone())
                .with_text("fallback", fallback),
            None => self.message.clone(),
        }
    }
}

/// `field: what is wrong (what is used instead)`, in English (the CLI and the log).
impl fmt::Display for ConfigWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !self.field.is_empty() {
            write!(f, "{}: ", self.field)?;
        }
        write!(f, "{}", self.text())
    }
}

/// Reads the fields of one section, collecting problems.
pub struct SectionReader<'a> {
    section: String,
    table: Option<&'a Table>,
    seen: Vec<&'static str>,
    warnings: &'a mut Vec<ConfigWarning>,
}

impl<'a> SectionReader<'a> {
    /// Reads `[section]` of `root` (a missing section is all defaults; a non-table one is reported).
    pub fn new(root: &'a Table, section: &str, warnings: &'a mut Vec<ConfigWarning>) -> Self {
        let table = match root.get(section) {
            None => None,
            Some(Value::Table(t)) => Some(t),
            Some(other) => {
                warnings.push(ConfigWarning::defaults(
                    section,
                    Text::new("config.not_section").with("kind", other.type_str()),
                ));
                None
            }
        };
        SectionReader {
            section: section.to_string(),
            table,
            seen: Vec::new(),
            warnings,
        }
    }

    /// A reader over a table that is not a top-level section (e.g. `[providers.deepseek]`).
    pub fn over(table: &'a Table, name: String, warnings: &'a mut Vec<ConfigWarning>) -> Self {
        SectionReader {
            section: name,
            table: Some(table),
            seen: Vec::new(),
            warnings,
        }
    }

    /// The value of `key`, or `default` (with a warning) when it has the wrong type.
    pub fn get<T: DeserializeOwned + Serialize>(&mut self, key: &'static str, default: T) -> T {
        self.seen.push(key);
        let Some(value) = self.table.and_then(|t| t.get(key)) else {
            return default;
        };
        match value.clone().try_into::<T>() {
            Ok(v) => v,
            Err(e) => {
                let reason = e.to_string();
                let reason = reason.lines().next().unwrap_or("invalid value").trim();
                let message = Text::new("config.wrong_type")
                    .with("reason", reason)
                    .with_param("found", shown(value));
                self.warn(key, message, value_of(&default));
                default
            }
        }
    }

    /// Like [`get`](Self::get), then checks the value with `check`; a refused value falls back too.
    pub fn get_checked<T: DeserializeOwned + Serialize + Clone>(
        &mut self,
        key: &'static str,
        default: T,
        check: impl FnOnce(&T) -> Result<(), Text>,
    ) -> T {
        let present = self.table.is_some_and(|t| t.contains_key(key));
        let v = self.get(key, default.clone());
        if !present {
            return v;
        }
        match check(&v) {
            Ok(()) => v,
            Err(reason) => {
                self.warn(key, reason, value_of(&default));
                default
            }
        }
    }

    /// Like [`get_checked`](Self::get_checked) with the range of `key` in [`super::limits`].
    pub fn get_within<T: Number + DeserializeOwned + Serialize>(
        &mut self,
        key: &'static str,
        default: T,
    ) -> T {
        let limit = self.limit(key);
        self.get_checked(key, default, |v| limit.check(*v))
    }

    /// Like [`get_within`](Self::get_within), for a number that may be unset.
    pub fn get_within_if_set<T: Number + DeserializeOwned + Serialize>(
        &mut self,
        key: &'static str,
        default: Option<T>,
    ) -> Option<T> {
        let limit = self.limit(key);
        self.get_checked(key, default, |v| v.map_or(Ok(()), |v| limit.check(v)))
    }

    fn limit(&self, key: &str) -> Limit {
        let path = format!("{}.{key}", self.section);
        let found = super::limit(&path);
        debug_assert!(found.is_some(), "no limit for {path} in config::limits");
        found.unwrap_or(Limit {
            min: f64::NEG_INFINITY,
            max: None,
        })
    }

    /// Reports a problem with `key` (a dotted path below the section, e.g. `slots.1`).
    pub fn warn(&mut self, key: &str, message: Text, fallback: Fallback) {
        let field = if self.section.is_empty() {
            key.to_string()
        } else {
            format!("{}.{key}", self.section)
        };
        self.warnings.push(ConfigWarning {
            field,
            message,
            fallback,
        });
    }

    /// Reports keys this section does not know (typos).
    pub fn finish(mut self) {
        let Some(t) = self.table else {
            return;
        };
        let unknown: Vec<&String> = t
            .keys()
            .filter(|k| !self.seen.contains(&k.as_str()))
            .collect();
        for key in unknown {
            let message = Text::new("config.unknown_key")
                .with("key", key)
                .with("known", self.seen.join(", "));
            self.warn(key, message, Fallback::Ignored);
        }
    }
}

/// A fallback value as JSON.
pub fn value_of(v: &impl Serialize) -> Fallback {
    Fallback::Value(serde_json::to_value(v).unwrap_or(serde_json::Value::Null))
}

/// A value of the file, for a message: long strings and anything with credentials in it are described, not
/// shown.
fn shown(v: &Value) -> Param {
    match v {
        Value::String(s) if s.chars().count() > 40 || s.contains('@') => {
            Param::Text(Text::new("config.found_long_string").with("n", s.chars().count()))
        }
        Value::String(s) => Param::Plain(format!("\"{s}\"")),
        Value::Table(_) => Param::Text(Text::new("config.found_table")),
        Value::Array(_) => Param::Text(Text::new("config.found_list")),
        other => Param::Plain(other.to_string()),
    }
}
