//! Replacement rules: the user's find-and-replace applied to OCR text before translation and to
//! translations after.
//!
//! Rules come from the settings (an array of tables in the TOML file, JSON from the settings page) and are
//! compiled once with [`Filters::compile`]. A rule whose regular expression does not compile is reported and
//! skipped; the others still apply. Rules of a stage apply in the order given, each to the output of the one
//! before.

use crate::text::Text;
use regex::{Regex, RegexBuilder};
use serde::{Deserialize, Serialize};
use std::borrow::Cow;

/// Cap on a compiled regular expression's size, so a hostile or careless pattern (`(a{1000}){1000}`) is
/// refused instead of eating memory.
const REGEX_SIZE_LIMIT: usize = 1 << 20;
/// Cap on the lazy DFA's cache per regular expression.
const REGEX_DFA_SIZE_LIMIT: usize = 2 << 20;

/// When a rule applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// To the OCR text, before it is translated (and before the memory lookup).
    #[default]
    #[serde(alias = "before")]
    BeforeTranslation,
    /// To the translation, before it is shown.
    #[serde(alias = "after")]
    AfterTranslation,
}

/// One find-and-replace rule, as stored in the settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Rule {
    /// What to find: literal text, or a regular expression (Rust `regex` syntax) when
    /// [`regex`](Self::regex) is set.
    pub pattern: String,
    /// What to put instead. For regular expressions `$1`, `${1}` and `${name}` insert groups (write `${1}x`,
    /// not `$1x`, when letters follow) and `$$` is a dollar sign; for literal rules it is used as is.
    pub replacement: String,
    /// Whether `pattern` is a regular expression.
    pub regex: bool,
    /// When the rule applies.
    pub stage: Stage,
    /// Off: kept in the settings but not applied.
    pub enabled: bool,
    /// Only for the text of this saved region (its name), as a correction made in its overlay is; none: every
    /// region.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
}

impl Default for Rule {
    fn default() -> Self {
        Rule {
            pattern: String::new(),
            replacement: String::new(),
            regex: false,
            stage: Stage::BeforeTranslation,
            enabled: true,
            region: None,
        }
    }
}

/// A rule that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("replacement rule {} ('{pattern}'): {message}", index + 1)]
pub struct RuleError {
    /// The rule's position in the list given to [`Filters::compile`] (from 0; shown from 1).
    pub index: usize,
    /// The rule's pattern.
    pub pattern: String,
    /// Why it cannot be used.
    pub message: Text,
}

/// Whether a rule can be used, with the reason if not (for the settings form). Disabled rules are checked too.
pub fn check(rule: &Rule) -> Result<(), Text> {
    compile_rule(rule).map(|_| ())
}

#[derive(Debug)]
enum Matcher {
    Literal(String),
    Regex(Regex),
}

#[derive(Debug)]
struct Compiled {
    stage: Stage,
    matcher: Matcher,
    replacement: String,
    region: Option<String>,
}

fn compile_rule(rule: &Rule) -> Result<Matcher, Text> {
    if rule.pattern.is_empty() {
        return Err(Text::new("err.rule_empty"));
    }
    if !rule.regex {
        return Ok(Matcher::Literal(rule.pattern.clone()));
    }
    RegexBuilder::new(&rule.pattern)
        .size_limit(REGEX_SIZE_LIMIT)
        .dfa_size_limit(REGEX_DFA_SIZE_LIMIT)
        .build()
        .map(Matcher::Regex)
        .map_err(|e| match e {
            regex::Error::CompiledTooBig(_) => Text::new("err.rule_too_big"),
            e => syntax_sentence(&e.to_string(), &rule.pattern),
        })
}

/// The gist of a regex syntax error, which the `regex` crate gives as a few lines with a caret under the
/// offending spot: "unclosed group", at character 1.
fn syntax_sentence(error: &str, pattern: &str) -> Text {
    let lines: Vec<&str> = error.lines().collect();
    let what = lines
        .iter()
        .rev()
        .find_map(|l| l.trim().strip_prefix("error: "))
        .or_else(|| lines.last().map(|l| l.trim()))
        .unwrap_or("unknown error")
        .trim_end_matches('.');
    // The caret line is indented by 4 like the echoed pattern; columns count characters.
    let caret = lines
        .iter()
        .find(|l| l.contains('^') && l.trim().chars().all(|c| c == '^' || c == '-'))
        .and_then(|l| l.find('^'));
    match caret {
        Some(col) if !pattern.contains('\n') => Text::new("err.rule_regex_at")
            .with("why", what)
            .with("at", col.saturating_sub(4) + 1),
        _ => Text::new("err.rule_regex").with("why", what),
    }
}

/// Compiled replacement rules, ready to apply.
#[derive(Debug, Default)]
pub struct Filters {
    rules: Vec<Compiled>,
}

impl Filters {
    /// Compiles the enabled rules, in order. Rules that cannot be used are left out and reported.
    pub fn compile(rules: &[Rule]) -> (Filters, Vec<RuleError>) {
        let mut compiled = Vec::new();
        let mut errors = Vec::new();
        for (index, rule) in rules.iter().enumerate().filter(|(_, r)| r.enabled) {
            match compile_rule(rule) {
                Ok(matcher) => compiled.push(Compiled {
                    stage: rule.stage,
                    matcher,
                    replacement: rule.replacement.clone(),
                    region: rule.region.clone(),
                }),
                Err(message) => errors.push(RuleError {
                    index,
                    pattern: rule.pattern.clone(),
                    message,
                }),
            }
        }
        (Filters { rules: compiled }, errors)
    }

    /// Whether no rule applies at all.
    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }

    /// `text` with every rule of `stage` applied in order, whatever region it is for; borrowed when nothing
    /// matched.
    pub fn apply<'a>(&self, stage: Stage, text: &'a str) -> Cow<'a, str> {
        self.apply_rules(stage, text, |_| true)
    }

    /// `text` of saved region `region` with the rules of `stage` for every region and for that one applied in
    /// order; borrowed when nothing matched.
    pub fn apply_for<'a>(&self, stage: Stage, text: &'a str, region: &str) -> Cow<'a, str> {
        self.apply_rules(stage, text, |r| {
            r.region.as_deref().is_none_or(|n| n == region)
        })
    }

    fn apply_rules<'a>(
        &self,
        stage: Stage,
        text: &'a str,
        wanted: impl Fn(&Compiled) -> bool,
    ) -> Cow<'a, str> {
        let mut out = Cow::Borrowed(text);
        for rule in self.rules.iter().filter(|r| r.stage == stage && wanted(r)) {
            let replaced = match &rule.matcher {
                Matcher::Literal(p) => out
                    .contains(p.as_str())
                    .then(|| out.replace(p, &rule.replacement)),
                Matcher::Regex(re) => match re.replace_all(&out, rule.replacement.as_str()) {
                    Cow::Borrowed(_) => None,
                    Cow::Owned(s) => Some(s),
                },
            };
            if let Some(s) = replaced {
                out = Cow::Owned(s);
            }
        }
        out
    }
}

/// What the rules do to a sample text, for the settings page's "try it" box.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Trial {
    /// The sample after the enabled rules of [`Stage::BeforeTranslation`].
    pub before_translation: String,
    /// The sample after the enabled rules of [`Stage::AfterTranslation`] (applied to the sample itself, as if
    /// it were a translation).
    pub after_translation: String,
    /// Every rule that cannot be used, enabled or not, in order.
    pub errors: Vec<RuleError>,
}

/// Applies `rules` to `sample` the way the pipeline does, each stage on its own, and checks every rule (a
/// disabled one too, so the form can say what is wrong with it before it is switched on).
pub fn try_rules(rules: &[Rule], sample: &str) -> Trial {
    let (filters, _) = Filters::compile(rules);
    let errors = rules
        .iter()
        .enumerate()
        .filter_map(|(index, rule)| {
            check(rule).err().map(|message| RuleError {
                index,
                pattern: rule.pattern.clone(),
                message,
            })
        })
        .collect();
    Trial {
        before_translation: filters.apply(Stage::BeforeTranslation, sample).into_owned(),
        after_translation: filters.apply(Stage::AfterTranslation, sample).into_owned(),
        errors,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plain(pattern: &str, replacement: &str) -> Rule {
        Rule {
            pattern: pattern.into(),
            replacement: replacement.into(),
            ..Default::default()
        }
    }

    fn regex(pattern: &str, replacement: &str) -> Rule {
        Rule {
            regex: true,
            ..plain(pattern, replacement)
        }
    }

    fn filters(rules: &[Rule]) -> Filters {
        let (f, errors) = Filters::compile(rules);
        assert!(errors.is_empty(), "{errors:?}");
        f
    }

    const BEFORE: Stage = Stage::BeforeTranslation;
    const AFTER: Stage = Stage::AfterTranslation;

    #[test]
    fn plain_rules_replace_every_literal_occurrence() {
        // Regex metacharacters in a plain rule are literal, and so is `$1` in its replacement.
        let f = filters(&[plain("a.b", "$1")]);
        assert_eq!(f.apply(BEFORE, "a.b axb a.b"), "$1 axb $1");
    }

    #[test]
    fn nothing_matched_borrows() {
        let f = filters(&[plain("x", "y"), regex(r"\d+", "#")]);
        assert!(matches!(f.apply(BEFORE, "abc"), Cow::Borrowed("abc")));
        assert!(Filters::default().is_empty());
    }

    #[test]
    fn regex_groups() {
        let f = filters(&[
            regex(r"(\w+)@(\w+)", "$2 at ${1}x"),
            regex(r"(?P<n>\d+)G", "${n} gold"),
        ]);
        assert_eq!(f.apply(BEFORE, "bob@home, 50G"), "home at bobx, 50 gold");
    }

    #[test]
    fn invalid_regex_is_reported_and_skipped() {
        let rules = [plain("a", "b"), regex("(unclosed", "x"), regex("c+", "d")];
        let (f, errors) = Filters::compile(&rules);
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].index, 1);
        assert_eq!(errors[0].pattern, "(unclosed");
        assert_eq!(
            errors[0].to_string(),
            "replacement rule 2 ('(unclosed'): Not a valid regular expression: unclosed group (at \
             character 1)"
        );
        let cjk = check(&regex("名前[あ-", "")).unwrap_err();
        assert_eq!(
            cjk,
            Text::new("err.rule_regex_at")
                .with("why", "unclosed character class")
                .with("at", 3)
        );
        assert_eq!(
            cjk.render("zh"),
            "不是有效的正则表达式：unclosed character class（第 3 个字符处）"
        );
        assert_eq!(f.apply(BEFORE, "a (x ccc"), "b (x d");
        assert!(check(&rules[1]).is_err());
        assert!(check(&rules[2]).is_ok());
    }

    #[test]
    fn empty_and_huge_patterns_are_refused() {
        assert_eq!(check(&plain("", "x")), Err(Text::new("err.rule_empty")));
        let huge = regex(r"(\w{100}){100}", "");
        assert_eq!(check(&huge), Err(Text::new("err.rule_too_big")));
    }

    #[test]
    fn rules_apply_in_order() {
        let f = filters(&[plain("a", "b"), plain("b", "c")]);
        assert_eq!(f.apply(BEFORE, "ab"), "cc");
        let f = filters(&[plain("b", "c"), plain("a", "b")]);
        assert_eq!(f.apply(BEFORE, "ab"), "bc");
    }

    #[test]
    fn stages_are_separate_and_disabled_rules_skipped() {
        let f = filters(&[
            plain("x", "before"),
            Rule {
                stage: AFTER,
                ..plain("x", "after")
            },
            Rule {
                enabled: false,
                ..plain("x", "off")
            },
        ]);
        assert_eq!(f.apply(BEFORE, "x"), "before");
        assert_eq!(f.apply(AFTER, "x"), "after");
    }

    #[test]
    fn cjk_text() {
        let f = filters(&[
            // OCR reads the name plate's brackets inconsistently.
            regex(r"^【(.+?)】\n?", "$1："),
            plain("……", "…"),
            Rule {
                stage: AFTER,
                ..plain("爱丽丝", "艾莉丝")
            },
            Rule {
                stage: AFTER,
                ..regex(r"(\p{Han})\s+(\p{Han})", "$1$2")
            },
        ]);
        assert_eq!(
            f.apply(BEFORE, "【アリス】\n「聞いたけど……」"),
            "アリス：「聞いたけど…」"
        );
        assert_eq!(f.apply(AFTER, "爱丽丝：听 说"), "艾莉丝：听说");
    }

    #[test]
    fn rules_read_from_json_and_toml() {
        let json = r#"[{"pattern": "a", "replacement": "b", "stage": "after_translation"},
                       {"pattern": "(x)", "regex": true, "enabled": false}]"#;
        let rules: Vec<Rule> = serde_json::from_str(json).unwrap();
        assert_eq!(rules[0].stage, AFTER);
        assert!(rules[0].enabled);
        assert!(rules[1].regex && !rules[1].enabled);
        assert_eq!(rules[1].stage, BEFORE);

        #[derive(Deserialize)]
        struct File {
            rules: Vec<Rule>,
        }
        let toml = "[[rules]]\npattern = '\\d+'\nregex = true\nstage = 'after'\n";
        let file: File = toml::from_str(toml).unwrap();
        assert_eq!(file.rules[0].pattern, r"\d+");
        assert_eq!(file.rules[0].stage, AFTER);
        let back = toml::to_string(&file.rules[0]).unwrap();
        assert!(back.contains("stage = \"after_translation\""), "{back}");
    }

    #[test]
    fn a_trial_shows_both_stages_and_every_broken_rule() {
        let rules = [
            plain("♪", ""),
            Rule {
                stage: AFTER,
                ..regex(r"(\w+)-san", "${1}さん")
            },
            regex("(unclosed", "x"),
            Rule {
                enabled: false,
                ..regex("[", "")
            },
        ];
        let t = try_rules(&rules, "Alice-san ♪");
        assert_eq!(t.before_translation, "Alice-san ");
        assert_eq!(t.after_translation, "Aliceさん ♪");
        let places: Vec<usize> = t.errors.iter().map(|e| e.index).collect();
        assert_eq!(places, [2, 3]);
        assert!(
            t.errors[0].message.to_string().contains("unclosed group"),
            "{:?}",
            t.errors
        );
    }
}
