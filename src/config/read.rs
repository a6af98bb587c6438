//! Lenient reading of one TOML section: a bad field is reported and replaced by its default, unknown keys
//! are reported, and nothing aborts the whole file.

use serde::de::DeserializeOwned;
use std::fmt;
use toml::{Table, Value};

/// A problem with one field (or section) of the settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigWarning {
    /// The section, e.g. `network` or `providers.deepseek`.
    pub section: String,
    /// The field, when the problem is one field's.
    pub key: Option<String>,
    /// What is wrong and what happens instead.
    pub message: String,
}

impl ConfigWarning {
    /// A problem with a whole section or the file.
    pub fn section(section: impl Into<String>, message: impl Into<String>) -> Self {
        ConfigWarning {
            section: section.into(),
            key: None,
            message: message.into(),
        }
    }

    /// The dotted path of the field, e.g. `providers.deepseek.temperature`.
    pub fn field(&self) -> String {
        match &self.key {
            Some(k) if self.section.is_empty() => k.clone(),
            Some(k) => format!("{}.{k}", self.section),
            None => self.section.clone(),
        }
    }
}

impl fmt::Display for ConfigWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.key, self.section.is_empty()) {
            (Some(k), false) => write!(f, "[{}] {k}: {}", self.section, self.message),
            (None, false) => write!(f, "[{}] {}", self.section, self.message),
            (_, true) => f.write_str(&self.message),
        }
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
                warnings.push(ConfigWarning::section(
                    section,
                    format!(
                        "should be a section but is a {}; using defaults for all of it",
                        other.type_str()
                    ),
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
    pub fn get<T: DeserializeOwned>(&mut self, key: &'static str, default: T) -> T {
        self.seen.push(key);
        let Some(value) = self.table.and_then(|t| t.get(key)) else {
            return default;
        };
        match value.clone().try_into::<T>() {
            Ok(v) => v,
            Err(e) => {
                let reason = e.to_string();
                let reason = reason.lines().next().unwrap_or("invalid value").trim();
                let message = format!("{reason} (found {}); using the default", shown(value));
                self.push(key, message);
                default
            }
        }
    }

    /// Like [`get`](Self::get), then checks the value with `check`; a refused value falls back too.
    pub fn get_checked<T: DeserializeOwned + Clone>(
        &mut self,
        key: &'static str,
        default: T,
        check: impl FnOnce(&T) -> Result<(), String>,
    ) -> T {
        let present = self.table.is_some_and(|t| t.contains_key(key));
        let v = self.get(key, default.clone());
        if !present {
            return v;
        }
        match check(&v) {
            Ok(()) => v,
            Err(reason) => {
                self.push(key, format!("{reason}; using the default"));
                default
            }
        }
    }

    /// Reports a problem with `key`.
    pub fn warn(&mut self, key: &str, message: String) {
        self.push(key, message);
    }

    fn push(&mut self, key: &str, message: String) {
        self.warnings.push(ConfigWarning {
            section: self.section.clone(),
            key: Some(key.to_string()),
            message,
        });
    }

    /// Reports keys this section does not know (typos).
    pub fn finish(self) {
        if let Some(t) = self.table {
            for key in t.keys() {
                if !self.seen.contains(&key.as_str()) {
                    self.warnings.push(ConfigWarning {
                        section: self.section.clone(),
                        key: Some(key.clone()),
                        message: format!(
                            "unknown setting '{key}' is ignored (known: {})",
                            self.seen.join(", ")
                        ),
                    });
                }
            }
        }
    }
}

fn shown(v: &Value) -> String {
    match v {
        // Long strings and anything with credentials in it are described, not shown.
        Value::String(s) if s.chars().count() > 40 || s.contains('@') => {
            format!("a {}-character string", s.chars().count())
        }
        Value::String(s) => format!("\"{s}\""),
        Value::Table(_) => "a table".into(),
        Value::Array(_) => "a list".into(),
        other => other.to_string(),
    }
}
