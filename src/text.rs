//! Sentences for the user as data: a key of the one string table, `ui/strings.js`, and the values of its
//! placeholders.
//!
//! The pages load `ui/strings.js` as a script and render a [`Text`] the core sends them in the UI language
//! (`window.ocrlayI18n.text`); the core reads the same file (compiled in) to render a [`Text`] itself, for the
//! CLI, the log and window titles. So every string is written once, in both languages, next to each other.
//! The file is `window.ocrlayStrings = {…};` where `{…}` is JSON: `{"key": {"zh": "…", "en": "…"}, …}`, and
//! `{name}` in a string is a placeholder.
//!
//! Counts: where a sentence counts something, a language may give it one form per plural category instead of
//! a string, `{"one": "{n} line", "other": "{n} lines"}`, and the count is always the placeholder `{n}`. The
//! rule, the same in `ui/i18n.js` ([`plural_category`]): English says `one` for exactly 1 and `other` for any
//! other count; Chinese has no plural forms (`other` always). A form that is missing falls back to `other`.

use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;
use std::sync::OnceLock;

/// The table as the pages load it.
const SOURCE: &str = include_str!("../ui/strings.js");

/// What the script assigns the table to.
const ASSIGNED_TO: &str = "window.ocrlayStrings =";

/// One string in both languages.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Entry {
    /// Chinese (simplified).
    pub zh: Forms,
    /// English.
    pub en: Forms,
}

/// A string of one language: the same for every count, or one form per plural category (see the module's
/// docs: the count is `{n}`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(untagged)]
pub enum Forms {
    /// The same words whatever the count.
    One(String),
    /// By the plural category of `{n}`.
    Plural {
        /// For a count of exactly 1 (English).
        #[serde(default)]
        one: Option<String>,
        /// For every other count, and where a language has no plural forms.
        other: String,
    },
}

impl Forms {
    /// The words for the plural category `category` (`one` or `other`).
    pub fn pick(&self, category: &str) -> &str {
        match self {
            Forms::One(s) => s,
            Forms::Plural { one, other } => match (category, one) {
                ("one", Some(one)) => one,
                _ => other,
            },
        }
    }

    /// Every form, for checks of the table.
    pub fn all(&self) -> Vec<&str> {
        match self {
            Forms::One(s) => vec![s],
            Forms::Plural { one, other } => one
                .iter()
                .map(String::as_str)
                .chain([other.as_str()])
                .collect(),
        }
    }
}

/// The plural category of the count `n` in `lang`: `one` for exactly 1 in English, else `other` (Chinese has
/// no plural forms). `n` is the placeholder's value as text (`"1"`, `"1,234"`, `"1.5"`).
pub fn plural_category(lang: &str, n: &str) -> &'static str {
    if lang != "zh" && n.trim() == "1" {
        "one"
    } else {
        "other"
    }
}

/// A sentence for the user: a key of `ui/strings.js` and the values of its `{placeholders}`.
///
/// As JSON (what the pages get): `{"key": "err.range", "params": {"min": "0", "max": "2"}}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Text {
    /// The key in the table.
    pub key: Cow<'static, str>,
    /// The placeholders' values.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub params: BTreeMap<String, Param>,
}

/// The value of a placeholder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Param {
    /// Another sentence of the table, rendered in the same language.
    Text(Text),
    /// Words from elsewhere, shown as they are: a number, a file name, what the user typed, a library's
    /// reason.
    Plain(String),
}

impl Text {
    /// The sentence `key` of the table. Keys are written as literals here, so a test can find them all.
    pub fn new(key: &'static str) -> Text {
        Text {
            key: Cow::Borrowed(key),
            params: BTreeMap::new(),
        }
    }

    /// With `{name}` filled by `value`, shown as it is.
    pub fn with(mut self, name: &str, value: impl fmt::Display) -> Text {
        self.params
            .insert(name.to_string(), Param::Plain(value.to_string()));
        self
    }

    /// With `{name}` filled by `value`.
    pub fn with_param(mut self, name: &str, value: Param) -> Text {
        self.params.insert(name.to_string(), value);
        self
    }

    /// With `{name}` filled by another sentence.
    pub fn with_text(mut self, name: &str, value: Text) -> Text {
        self.params.insert(name.to_string(), Param::Text(value));
        self
    }

    /// The sentence in `lang` (`zh`; anything else is English). A key missing from the table comes back as
    /// the key itself, like the pages do.
    pub fn render(&self, lang: &str) -> String {
        let count = match self.params.get("n") {
            Some(Param::Plain(n)) => Some(n.as_str()),
            _ => None,
        };
        let Some(template) = lookup_count(&self.key, lang, count) else {
            return self.key.to_string();
        };
        fill(template, |name| {
            self.params.get(name).map(|p| match p {
                Param::Plain(s) => s.clone(),
                Param::Text(t) => t.render(lang),
            })
        })
    }
}

/// English: the CLI, the log and tests read it.
impl fmt::Display for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render("en"))
    }
}

/// A sentence can be an error (in English, like its Display), e.g. for the CLI's `?`.
impl std::error::Error for Text {}

/// `template` with each `{name}` replaced by `value(name)`; unknown names stay as they are.
fn fill(template: &str, value: impl Fn(&str) -> Option<String>) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let name_len = after
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(after.len());
        let (name, tail) = after.split_at(name_len);
        match (name.is_empty(), tail.strip_prefix('}')) {
            (false, Some(tail)) => {
                match value(name) {
                    Some(v) => out.push_str(&v),
                    None => {
                        out.push('{');
                        out.push_str(name);
                        out.push('}');
                    }
                }
                rest = tail;
            }
            _ => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// The string `key` in `lang` (`zh`, else English); for a sentence with plural forms, its `other` form.
pub fn lookup(key: &str, lang: &str) -> Option<&'static str> {
    lookup_count(key, lang, None)
}

/// The string `key` in `lang` for the count `n` (the value of `{n}`, if the sentence has one).
pub fn lookup_count(key: &str, lang: &str, n: Option<&str>) -> Option<&'static str> {
    let e = table().get(key)?;
    let forms = if lang == "zh" { &e.zh } else { &e.en };
    Some(forms.pick(n.map_or("other", |n| plural_category(lang, n))))
}

/// Every string, by key.
pub fn table() -> &'static BTreeMap<String, Entry> {
    static TABLE: OnceLock<BTreeMap<String, Entry>> = OnceLock::new();
    TABLE.get_or_init(|| {
        parse_table(SOURCE).unwrap_or_else(|e| {
            // Tests read the table on every build; a broken one is a bug of this source tree.
            tracing::error!("ui/strings.js: {e}");
            BTreeMap::new()
        })
    })
}

/// Reads the table out of the script `window.ocrlayStrings = {…};` (comment lines may come first).
pub fn parse_table(js: &str) -> Result<BTreeMap<String, Entry>, String> {
    // The assignment starts a line (comments above it may name it too).
    let start = js
        .match_indices(ASSIGNED_TO)
        .map(|(i, _)| i)
        .find(|&i| i == 0 || js[..i].ends_with('\n'))
        .ok_or_else(|| format!("no line starting with `{ASSIGNED_TO}`"))?;
    let json = js[start + ASSIGNED_TO.len()..].trim_end();
    let json = json.strip_suffix(';').unwrap_or(json);
    serde_json::from_str(json).map_err(|e| format!("not a table of strings: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;
    use std::path::Path;

    fn placeholders(s: &str) -> BTreeSet<String> {
        let re = regex::Regex::new(r"\{(\w+)\}").unwrap();
        re.captures_iter(s).map(|c| c[1].to_string()).collect()
    }

    #[test]
    fn the_table_reads_and_every_string_is_in_both_languages() {
        let t = parse_table(SOURCE).unwrap();
        assert!(t.len() > 300, "{}", t.len());
        for (key, e) in &t {
            let first = placeholders(e.zh.all()[0]);
            for form in e.zh.all().into_iter().chain(e.en.all()) {
                assert!(!form.trim().is_empty(), "{key}");
                assert_eq!(
                    placeholders(form),
                    first,
                    "{key}: the languages' (or forms') placeholders differ"
                );
            }
            if matches!(e.en, Forms::Plural { .. }) || matches!(e.zh, Forms::Plural { .. }) {
                assert!(first.contains("n"), "{key}: plural forms count {{n}}");
            }
        }
    }

    /// Every `Text::new("…")` of the core names a string of the table.
    #[test]
    fn every_key_the_core_uses_is_in_the_table() {
        fn walk(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
            for e in std::fs::read_dir(dir).unwrap().flatten() {
                let p = e.path();
                if p.is_dir() {
                    walk(&p, out);
                } else if p.extension().is_some_and(|x| x == "rs") {
                    out.push(p);
                }
            }
        }
        let mut files = Vec::new();
        walk(
            &Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
            &mut files,
        );
        let re = regex::Regex::new(r#"Text::new\(\s*"([a-z0-9_.-]+)"\s*\)"#).unwrap();
        let mut used = 0;
        for f in files {
            let src = std::fs::read_to_string(&f).unwrap();
            for c in re.captures_iter(&src) {
                used += 1;
                let key = &c[1];
                if f.ends_with("text.rs") && key.starts_with("test.") {
                    continue;
                }
                assert!(
                    table().contains_key(key),
                    "{}: `{key}` is not in ui/strings.js",
                    f.display()
                );
            }
        }
        assert!(
            used > 30,
            "only {used} keys found: is the pattern still right?"
        );
    }

    /// Issue 24: counts read right in both languages, by the one rule of `ui/i18n.js` (its browser test
    /// checks the same sentences).
    #[test]
    fn counts_take_the_plural_form_of_the_language() {
        let models = |n: u32| Text::new("providers.models_n").with("n", n);
        assert_eq!(models(1).render("en"), "1 model found");
        assert_eq!(models(2).render("en"), "2 models found");
        assert_eq!(models(0).render("en"), "0 models found");
        assert_eq!(models(1).render("zh"), "获取到 1 个模型");
        let exported = |n: &str| {
            Text::new("history.exported")
                .with("n", n)
                .with("fmt", "CSV")
        };
        assert_eq!(exported("1").render("en"), "Exported 1 line (CSV) to");
        assert_eq!(
            exported("1,234").render("en"),
            "Exported 1,234 lines (CSV) to"
        );
        assert_eq!(exported("1").render("zh"), "已导出 1 条记录（CSV）到");
        assert_eq!(plural_category("en", "1"), "one");
        assert_eq!(plural_category("en", "1.5"), "other");
        assert_eq!(plural_category("zh", "1"), "other");
        // Without a count the `other` form is the sentence.
        assert_eq!(lookup("providers.models_n", "en"), Some("{n} models found"));
    }

    #[test]
    fn sentences_render_in_either_language_with_their_parts() {
        let t = Text::new("err.range").with("min", 0).with("max", 2.5);
        assert_eq!(t.to_string(), "Must be between 0 and 2.5");
        assert_eq!(t.render("zh"), "必须在 0 到 2.5 之间");
        let nested =
            Text::new("err.hotkey_dup").with_text("other", Text::new("hotkey.open_settings"));
        assert_eq!(nested.render("en"), "Same hotkey as \"Open the settings\"");
        assert_eq!(
            serde_json::to_value(&nested).unwrap(),
            serde_json::json!({"key": "err.hotkey_dup", "params": {"other": {"key": "hotkey.open_settings"}}})
        );
        let back: Text = serde_json::from_value(serde_json::to_value(&t).unwrap()).unwrap();
        assert_eq!(back, t);
        // A key that is not in the table shows as itself; placeholders without a value stay.
        assert_eq!(
            Text::new("test.no_such_key").to_string(),
            "test.no_such_key"
        );
        assert_eq!(
            fill("{a} {b} {} {c", |n| (n == "a").then(|| "A".into())),
            "A {b} {} {c"
        );
    }
}
