//! The settings window's data: settings to page JSON (without keys) and back (validated field by field).

use super::ipc::FieldError;
use crate::config::{ProviderSettings, Settings};
use crate::providers;
#[cfg(test)]
use crate::providers::ApiKey;
use serde_json::{json, Map, Value};

/// The catalog as the page sees it (same fields as `ocrlay providers --json`).
pub fn catalog_json() -> Value {
    Value::Array(
        providers::PROVIDERS
            .iter()
            .map(|p| {
                json!({
                    "id": p.id, "name": p.name, "name_zh": p.name_zh, "url": p.url,
                    "key_page": p.key_page, "models_page": p.models_page, "models": p.models,
                    "notes": p.notes, "notes_zh": p.notes_zh, "region": p.region,
                    "needs_proxy": p.needs_proxy, "key_format": p.key_format, "prompt": p.prompt,
                })
            })
            .collect(),
    )
}

fn provider_json(p: &ProviderSettings) -> Value {
    json!({
        "enabled": p.enabled,
        "url": p.url,
        "api_key": null,
        "api_key_set": !p.api_key.is_empty(),
        "api_key_hint": if p.api_key.is_empty() { String::new() } else { p.api_key.masked() },
        "model": p.model,
        "proxy": p.proxy.to_config_string(),
        "temperature": p.temperature,
        "top_p": p.top_p,
        "max_tokens": p.max_tokens,
        "sakura_version": p.sakura_version,
    })
}

/// Settings for the page: every catalog provider present, keys replaced by whether one is set.
pub fn settings_json(s: &Settings) -> Value {
    let mut v = serde_json::to_value(s).unwrap_or_else(|_| json!({}));
    let providers: Map<String, Value> = providers::PROVIDERS
        .iter()
        .map(|p| (p.id.to_string(), provider_json(&s.provider(p.id))))
        .collect();
    v["providers"] = Value::Object(providers);
    if v["network"].get("read_timeout_secs").is_none() {
        v["network"]["read_timeout_secs"] = Value::Null;
    }
    v
}

/// Removes nulls (TOML has none: a null field means "unset").
fn strip_nulls(v: &mut Value) {
    match v {
        Value::Object(m) => {
            m.retain(|_, x| !x.is_null());
            m.values_mut().for_each(strip_nulls);
        }
        Value::Array(a) => a.iter_mut().for_each(strip_nulls),
        _ => {}
    }
}

/// One provider's form values, with the stored key where the page sent none.
fn provider_table(id: &str, mut v: Value, current: &Settings) -> Value {
    if let Some(m) = v.as_object_mut() {
        m.remove("api_key_set");
        m.remove("api_key_hint");
        if m.get("api_key").is_none_or(Value::is_null) {
            let stored = current.provider(id).api_key;
            m.insert("api_key".into(), Value::String(stored.expose().to_string()));
        }
    }
    strip_nulls(&mut v);
    v
}

fn to_errors(warnings: Vec<crate::config::ConfigWarning>) -> Vec<FieldError> {
    warnings
        .into_iter()
        .map(|w| FieldError {
            field: w.field(),
            message: w
                .message
                .trim_end_matches("; using the default")
                .to_string(),
        })
        .collect()
}

/// Validates what the page sent. Any refused field refuses the whole save, with every reason.
pub fn settings_from_page(page: &Value, current: &Settings) -> Result<Settings, Vec<FieldError>> {
    let mut v = page.clone();
    if let Some(ps) = v.get_mut("providers").and_then(Value::as_object_mut) {
        let ids: Vec<String> = ps.keys().cloned().collect();
        for id in ids {
            let p = ps.remove(&id).unwrap_or(Value::Null);
            ps.insert(id.clone(), provider_table(&id, p, current));
        }
    }
    strip_nulls(&mut v);
    let table = match toml::Value::try_from(&v) {
        Ok(toml::Value::Table(t)) => t,
        Ok(_) | Err(_) => {
            return Err(vec![FieldError {
                field: String::new(),
                message: "the form could not be read".into(),
            }])
        }
    };
    let (mut settings, warnings) = Settings::from_table(&table);
    if !warnings.is_empty() {
        return Err(to_errors(warnings));
    }
    // Where the user left the overlay is not part of the form.
    settings.overlay.position = current.overlay.position;
    // Providers that are all defaults need no table in the file.
    settings
        .providers
        .retain(|_, p| *p != ProviderSettings::default());
    Ok(settings)
}

/// Settings with one provider's unsaved form values, for a test or a model list.
pub fn with_provider(
    current: &Settings,
    id: &str,
    form: &Value,
) -> Result<Settings, Vec<FieldError>> {
    let table = provider_table(id, form.clone(), current);
    let mut root = toml::Table::new();
    let mut providers = toml::Table::new();
    match toml::Value::try_from(&table) {
        Ok(t @ toml::Value::Table(_)) => {
            providers.insert(id.to_string(), t);
        }
        _ => {
            return Err(vec![FieldError {
                field: format!("providers.{id}"),
                message: "the form could not be read".into(),
            }])
        }
    }
    root.insert("providers".into(), toml::Value::Table(providers));
    let (parsed, warnings) = Settings::from_table(&root);
    if !warnings.is_empty() {
        return Err(to_errors(warnings));
    }
    let mut s = current.clone();
    s.providers.insert(id.to_string(), parsed.provider(id));
    Ok(s)
}

/// The stored key of a provider, for tests of this module.
#[cfg(test)]
fn key_of(s: &Settings, id: &str) -> ApiKey {
    s.provider(id).api_key
}

#[cfg(test)]
mod tests {
    use super::*;

    fn current() -> Settings {
        let mut s = Settings::default();
        s.providers.insert(
            "deepseek".into(),
            ProviderSettings {
                enabled: true,
                api_key: ApiKey::new("sk-stored-secret-1234"),
                ..Default::default()
            },
        );
        s
    }

    #[test]
    fn keys_never_reach_the_page() {
        let v = settings_json(&current());
        let text = v.to_string();
        assert!(!text.contains("sk-stored-secret"), "{text}");
        assert_eq!(v["providers"]["deepseek"]["api_key_set"], true);
        assert_eq!(v["providers"]["deepseek"]["api_key_hint"], "sk-…1234");
        assert_eq!(v["providers"]["kimi"]["api_key_set"], false);
        assert_eq!(
            v["providers"].as_object().unwrap().len(),
            providers::PROVIDERS.len()
        );
    }

    #[test]
    fn a_round_trip_through_the_page_keeps_everything() {
        let cur = current();
        let page = settings_json(&cur);
        let back = settings_from_page(&page, &cur).unwrap();
        assert_eq!(back, cur);
        assert_eq!(key_of(&back, "deepseek").expose(), "sk-stored-secret-1234");
    }

    #[test]
    fn new_keys_replace_and_empty_keys_remove() {
        let cur = current();
        let mut page = settings_json(&cur);
        page["providers"]["deepseek"]["api_key"] = json!("sk-new");
        page["providers"]["kimi"]["api_key"] = json!("sk-kimi");
        let s = settings_from_page(&page, &cur).unwrap();
        assert_eq!(key_of(&s, "deepseek").expose(), "sk-new");
        assert_eq!(key_of(&s, "kimi").expose(), "sk-kimi");
        page["providers"]["deepseek"]["api_key"] = json!("");
        let s = settings_from_page(&page, &cur).unwrap();
        assert!(key_of(&s, "deepseek").is_empty());
    }

    #[test]
    fn bad_fields_are_refused_with_their_names() {
        let cur = current();
        let mut page = settings_json(&cur);
        page["providers"]["deepseek"]["temperature"] = json!(9.0);
        page["network"]["proxy"] = json!("ftp://x");
        page["hotkeys"]["select_region"] = json!("Hyper+Q");
        page["translation"]["context_lines"] = json!(50);
        let errors = settings_from_page(&page, &cur).unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        for f in [
            "providers.deepseek.temperature",
            "network.proxy",
            "hotkeys.select_region",
            "translation.context_lines",
        ] {
            assert!(fields.contains(&f), "{f} not in {fields:?}");
        }
        assert!(errors
            .iter()
            .all(|e| !e.message.contains("using the default")));
    }

    #[test]
    fn testing_unsaved_values_keeps_the_stored_key() {
        let cur = current();
        let form =
            json!({"enabled": true, "url": "http://127.0.0.1:9/v1", "api_key": null, "model": "m"});
        let s = with_provider(&cur, "deepseek", &form).unwrap();
        let p = s.provider("deepseek");
        assert_eq!(p.url, "http://127.0.0.1:9/v1");
        assert_eq!(p.api_key.expose(), "sk-stored-secret-1234");
        let bad = json!({"temperature": "hot"});
        assert!(with_provider(&cur, "deepseek", &bad).is_err());
    }
}
