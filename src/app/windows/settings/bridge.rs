//! The settings window's data: settings to page JSON (without keys) and back (validated field by field).

use super::FieldError;
use crate::config::{self, ConfigWarning, HotkeySettings, ProviderSettings, Settings};
use crate::filters::{self, Rule};
use crate::providers;
#[cfg(test)]
use crate::providers::ApiKey;
use crate::text::{Param, Text};
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
    // Through text: `to_value` widens an f32 to f64 bits (0.03 → 0.029999999329447746), `to_string` writes
    // the f32's own shortest form, which is what the file holds and what the page shows and sends back.
    let mut v: Value = serde_json::to_string(s)
        .and_then(|t| serde_json::from_str(&t))
        .unwrap_or_else(|_| json!({}));
    let providers: Map<String, Value> = providers::PROVIDERS
        .iter()
        .map(|p| (p.id.to_string(), provider_json(&s.provider(p.id))))
        .collect();
    v["providers"] = Value::Object(providers);
    if v["network"].get("read_timeout_secs").is_none() {
        v["network"]["read_timeout_secs"] = Value::Null;
    }
    // The page shows "not set" / "not bound" for these; give it the fields rather than leave them out.
    if let Some(slots) = v
        .pointer_mut("/regions/slots")
        .and_then(Value::as_array_mut)
    {
        for slot in slots.iter_mut().filter_map(Value::as_object_mut) {
            slot.entry("rect").or_insert(Value::Null);
            slot.entry("window").or_insert(Value::Null);
            slot.entry("watch").or_insert(Value::Bool(false));
            slot.entry("overlay_mode").or_insert(Value::Null);
        }
    }
    v
}

/// Fields of a saved region that the app sets (selecting a region, binding a window, moving the overlay):
/// when the page leaves one out, the current value is kept; `null` clears it.
const APP_SET_SLOT_FIELDS: [&str; 6] = [
    "rect",
    "window",
    "overlay_position",
    "direction",
    "watch",
    "overlay_mode",
];

/// Puts the current values of [`APP_SET_SLOT_FIELDS`] into the page's slots where the page sent none, so a
/// region selected while the settings window was open is not lost by saving the form.
fn keep_app_set_slot_fields(page: &mut Value, current: &Settings) {
    let Some(slots) = page
        .pointer_mut("/regions/slots")
        .and_then(Value::as_array_mut)
    else {
        return;
    };
    for (slot, cur) in slots.iter_mut().zip(&current.regions.slots) {
        let (Some(m), Ok(cur)) = (slot.as_object_mut(), serde_json::to_value(cur)) else {
            continue;
        };
        for key in APP_SET_SLOT_FIELDS {
            if let (false, Some(v)) = (m.contains_key(key), cur.get(key)) {
                m.insert(key.to_string(), v.clone());
            }
        }
    }
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
fn provider_table(id: &str, mut v: Value, current: &Settings) -> Result<Value, FieldError> {
    if let Some(m) = v.as_object_mut() {
        m.remove("api_key_set");
        m.remove("api_key_hint");
        if m.get("api_key").is_none_or(Value::is_null) {
            let saved = current.provider(id);
            if !saved.api_key.is_empty() {
                // The saved key goes only to the host it was saved for: a changed address needs it again.
                let typed = m.get("url").and_then(Value::as_str).unwrap_or_default();
                let (then, now) = (endpoint_origin(id, &saved.url), endpoint_origin(id, typed));
                if then != now {
                    let host = |h: Option<String>, unknown: Text| match h {
                        Some(h) => Param::Plain(h),
                        None => Param::Text(unknown),
                    };
                    return Err(FieldError {
                        field: format!("providers.{id}.api_key"),
                        message: Text::new("err.key_new_host")
                            .with_param("now", host(now, Text::new("err.host_unreadable")))
                            .with_param("then", host(then, Text::new("err.host_other"))),
                    });
                }
            }
            m.insert(
                "api_key".into(),
                Value::String(saved.api_key.expose().to_string()),
            );
        }
    }
    strip_nulls(&mut v);
    Ok(v)
}

/// `scheme://host[:port]` of the address a provider's requests go to (the catalog's when `typed` is empty).
fn endpoint_origin(id: &str, typed: &str) -> Option<String> {
    let typed = typed.trim();
    let typed = if typed.is_empty() {
        crate::providers::find(id)?.url
    } else {
        typed
    };
    let url = crate::providers::url::chat_completions_url(typed).ok()?;
    Some(url.origin().ascii_serialization())
}

/// The reader's warnings as refusals of the form: the same field (its dotted path) and reason; what the
/// reader would use instead does not apply to a form, which is refused as a whole.
fn to_errors(warnings: Vec<ConfigWarning>) -> Vec<FieldError> {
    warnings
        .into_iter()
        .map(|w| FieldError {
            field: w.field,
            message: w.message,
        })
        .collect()
}

/// The "try it" box: the page's rules (by their place in the form) applied to `sample`, and every rule that
/// cannot be used. A row with neither a pattern nor a replacement is one the user has not filled yet: it is
/// neither applied nor refused (saving drops it).
pub fn try_rules(rows: &[Value], sample: &str) -> (Vec<FieldError>, filters::Trial) {
    let mut errors = Vec::new();
    let mut rules = Vec::new();
    let mut places = Vec::new();
    for (i, v) in rows.iter().enumerate() {
        match serde_json::from_value::<Rule>(v.clone()) {
            Err(e) => errors.push((
                i,
                FieldError {
                    field: format!("filters.{i}"),
                    message: Text::new("config.not_rule").with("reason", e),
                },
            )),
            Ok(r) if r.pattern.is_empty() && r.replacement.is_empty() => {}
            Ok(r) => {
                rules.push(r);
                places.push(i);
            }
        }
    }
    let trial = filters::try_rules(&rules, sample);
    errors.extend(trial.errors.iter().map(|e| {
        let i = places[e.index];
        (
            i,
            FieldError {
                field: format!("filters.{i}.pattern"),
                message: e.message.clone(),
            },
        )
    }));
    errors.sort_by_key(|(i, _)| *i);
    (errors.into_iter().map(|(_, e)| e).collect(), trial)
}

/// The hotkeys of the form (`{"select_region": "Alt+Q", …}`, as typed) checked by the settings' own parser
/// and clash rule ([`config::hotkey_problems`]): `hotkeys.<name>` with the reason, for each refused one.
pub fn check_hotkeys(form: &Value) -> Vec<FieldError> {
    let names = HotkeySettings::default().entries().map(|(name, _)| name);
    let typed = names.map(|name| {
        let text = form.get(name).and_then(Value::as_str).unwrap_or_default();
        (name, text)
    });
    config::hotkey_problems(typed)
        .into_iter()
        .map(|(name, message)| FieldError {
            field: format!("hotkeys.{name}"),
            message,
        })
        .collect()
}

/// Validates what the page sent. Any refused field refuses the whole save, with every reason.
///
/// The checks are those of reading the file (which include [`crate::auto::GateSettings::check`] for `auto`
/// and [`filters::check`] for every replacement rule: a broken rule is kept in a file, but the form is
/// refused with its place, `filters.2.pattern`). In saved regions, `rect`, `window` and `overlay_position`
/// the page does not send keep their current values.
pub fn settings_from_page(page: &Value, current: &Settings) -> Result<Settings, Vec<FieldError>> {
    let mut v = page.clone();
    keep_app_set_slot_fields(&mut v, current);
    if let Some(ps) = v.get_mut("providers").and_then(Value::as_object_mut) {
        let ids: Vec<String> = ps.keys().cloned().collect();
        let mut key_errors = Vec::new();
        for id in ids {
            let p = ps.remove(&id).unwrap_or(Value::Null);
            match provider_table(&id, p, current) {
                Ok(t) => {
                    ps.insert(id.clone(), t);
                }
                Err(e) => key_errors.push(e),
            }
        }
        if !key_errors.is_empty() {
            return Err(key_errors);
        }
    }
    strip_nulls(&mut v);
    let table = match toml::Value::try_from(&v) {
        Ok(toml::Value::Table(t)) => t,
        Ok(_) | Err(_) => {
            return Err(vec![FieldError {
                field: String::new(),
                message: Text::new("err.form_unreadable"),
            }])
        }
    };
    let (mut settings, warnings) = Settings::from_table(&table);
    let mut errors = to_errors(warnings);
    // Two actions on the same keys: the file reader lets the app report it, the form refuses it (once: the
    // reader now warns about it too).
    if let Some(hotkeys) = v.get("hotkeys") {
        let clashes: Vec<FieldError> = check_hotkeys(hotkeys)
            .into_iter()
            .filter(|e| e.message.key == "err.hotkey_dup" && !errors.contains(e))
            .collect();
        errors.extend(clashes);
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    // Where the user left the overlay, and whether a provider ever worked, are not part of the form.
    settings.overlay.position = current.overlay.position;
    settings.general.setup_done = current.general.setup_done;
    let sent = |section: &str| page.get(section).is_some_and(|s| !s.is_null());
    if !sent("general") {
        settings.general = current.general.clone();
    }
    if !sent("network") {
        settings.network = current.network.clone();
    }
    if !sent("translation") {
        settings.translation = current.translation.clone();
    }
    if !sent("ocr") {
        settings.ocr = current.ocr.clone();
    }
    if !sent("capture") {
        settings.capture = current.capture.clone();
    }
    if !sent("hotkeys") {
        settings.hotkeys = current.hotkeys.clone();
    }
    if !sent("overlay") {
        settings.overlay = current.overlay.clone();
    }
    if !sent("auto") {
        settings.auto = current.auto.clone();
    }
    if !sent("regions") {
        settings.regions = current.regions.clone();
    }
    if !sent("memory") {
        settings.memory = current.memory.clone();
    }
    if !sent("output") {
        settings.output = current.output.clone();
    }
    if !sent("filters") {
        settings.filters = current.filters.clone();
    }
    // Providers that are all defaults need no table in the file.
    settings
        .providers
        .retain(|_, p| *p != ProviderSettings::default());
    Ok(settings)
}

/// The global settings (with every profile) after the form was saved: `page` is the form, which showed
/// profile `editing`'s settings in effect (none: the global settings). While a profile is edited only that
/// profile changes: the fields of `own` (page paths, [`config::ProfileField::path`]) become its own, the
/// others follow the global settings ([`Settings::with_profile_edit`]). Profiles themselves change through
/// their own messages, never through the form.
pub fn save_form(
    page: &Value,
    base: &Settings,
    editing: Option<&str>,
    own: Option<&[String]>,
) -> Result<Settings, Vec<FieldError>> {
    let edited = settings_from_page(page, &base.effective(editing))?;
    let own: Option<Vec<config::ProfileField>> = own.map(|paths| {
        paths
            .iter()
            .filter_map(|p| config::ProfileField::from_path(p))
            .collect()
    });
    Ok(match editing {
        Some(name) => base.with_profile_edit(name, &edited, own.as_deref()),
        None => Settings {
            profiles: base.profiles.clone(),
            ..edited
        },
    })
}

/// Settings with one provider's unsaved form values, for a test or a model list.
pub fn with_provider(
    current: &Settings,
    id: &str,
    form: &Value,
) -> Result<Settings, Vec<FieldError>> {
    let table = provider_table(id, form.clone(), current).map_err(|e| vec![e])?;
    let mut root = toml::Table::new();
    let mut providers = toml::Table::new();
    match toml::Value::try_from(&table) {
        Ok(t @ toml::Value::Table(_)) => {
            providers.insert(id.to_string(), t);
        }
        _ => {
            return Err(vec![FieldError {
                field: format!("providers.{id}"),
                message: Text::new("err.form_unreadable"),
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
    use crate::config::{OverlayMode, SavedRegion, WindowBinding};
    use crate::filters::Stage;

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
    fn a_profile_edited_in_the_form_keeps_what_is_its_own_and_shares_the_rest() {
        let mut cur = current();
        cur.translation.custom_prompt = "global".into();
        cur.profiles.push(crate::config::Profile {
            name: "Game".into(),
            glossary: Some(vec![crate::providers::prompt::GlossaryEntry {
                src: "アドル".into(),
                dst: "亚特鲁".into(),
                ..Default::default()
            }]),
            ..Default::default()
        });
        // The page shows the profile's settings in effect: its glossary, the global prompt.
        let mut page = settings_json(&cur.effective(Some("Game")));
        assert_eq!(page["translation"]["glossary"][0]["src"], "アドル");
        page["translation"]["custom_prompt"] = json!("the game's");
        page["network"]["connect_timeout_secs"] = json!(9);
        // A page that sends stale profiles changes none.
        page["profiles"] = json!([]);
        let new = save_form(&page, &cur, Some("Game"), None).unwrap();
        let p = new.profile("Game").unwrap();
        assert_eq!(p.custom_prompt.as_deref(), Some("the game's"));
        assert_eq!(p.glossary.as_ref().unwrap()[0].dst, "亚特鲁");
        assert_eq!(new.translation.custom_prompt, "global");
        assert!(new.translation.glossary.is_empty());
        // Shared by all profiles: not changed by a profile's edit (the page does not let it be edited then).
        assert_eq!(
            new.network.connect_timeout_secs,
            cur.network.connect_timeout_secs
        );
        assert_eq!(key_of(&new, "deepseek").expose(), "sk-stored-secret-1234");
        // Saving the global settings keeps the profiles as they are.
        let mut page = settings_json(&new);
        page["profiles"] = json!([]);
        page["translation"]["custom_prompt"] = json!("new global");
        let again = save_form(&page, &new, None, None).unwrap();
        assert_eq!(again.profiles, new.profiles);
        assert_eq!(again.translation.custom_prompt, "new global");
    }

    /// The page's form with another value of `field` than `page` holds.
    fn edit_on_the_page(field: config::ProfileField, page: &mut Value) {
        use config::ProfileField as F;
        match field {
            F::Source => page["general"]["source"] = json!("en"),
            F::Target => page["general"]["target"] = json!("en"),
            F::Direction => page["ocr"]["direction"] = json!("vertical"),
            F::CaptureMethod => page["capture"]["method"] = json!("wgc"),
            F::CustomPrompt => page["translation"]["custom_prompt"] = json!("the game's"),
            F::Providers => page["providers"]["qwen"]["enabled"] = json!(true),
            F::Glossary => {
                page["translation"]["glossary"] = json!([{"src": "アドル", "dst": "亚特鲁"}])
            }
            F::Filters => page["filters"] = json!([{"pattern": "♪", "replacement": ""}]),
            F::Regions => page["regions"]["slots"][1]["name"] = json!("Menu"),
        }
    }

    #[test]
    fn each_profile_field_saved_from_the_form_lands_in_the_profile_only() {
        let mut cur = current();
        cur.profiles.push(crate::config::Profile {
            name: "Game".into(),
            ..Default::default()
        });
        let globals = |s: &Settings| Settings {
            profiles: Vec::new(),
            ..s.clone()
        };
        for field in config::ProfileField::ALL {
            let mut page = settings_json(&cur.effective(Some("Game")));
            edit_on_the_page(field, &mut page);
            // The page says the field is the profile's own now (editing it made it so).
            let own = [field.path().to_string()];
            let new = save_form(&page, &cur, Some("Game"), Some(&own)).unwrap();
            let p = new.profile("Game").unwrap();
            for f in config::ProfileField::ALL {
                assert_eq!(f.owned_by(p), f == field, "{field:?}: {f:?}");
            }
            let in_effect = new.effective(Some("Game"));
            assert!(!field.same(&in_effect, &cur), "{field:?}: not in effect");
            assert_eq!(
                globals(&new),
                globals(&cur),
                "{field:?} changed the global settings"
            );
        }
        // The target language the issue names: the profile translates into English, the default still into
        // Chinese, and the translation plan of the profile in effect says so.
        let mut page = settings_json(&cur.effective(Some("Game")));
        page["general"]["target"] = json!("en");
        let own = ["general.target".to_string()];
        let new = save_form(&page, &cur, Some("Game"), Some(&own)).unwrap();
        assert_eq!(new.general.target, crate::lang::Lang::ChineseSimplified);
        let plan = crate::pipeline::TranslationPlan::from_settings(&new.effective(Some("Game")));
        assert_eq!(plan.to, crate::lang::Lang::English);
        // A shared field edited while a profile is edited reaches nothing.
        let mut page = settings_json(&cur.effective(Some("Game")));
        page["network"]["connect_timeout_secs"] = json!(9);
        page["overlay"]["font_size"] = json!(31);
        let new = save_form(&page, &cur, Some("Game"), Some(&[])).unwrap();
        assert_eq!(new, cur);
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
    fn a_saved_key_follows_no_new_host() {
        let cur = current();
        // Another host typed into the address, no key entered: refused, the key is not sent there.
        let mut page = settings_json(&cur);
        page["providers"]["deepseek"]["url"] = json!("https://relay.example.com/v1");
        let errors = settings_from_page(&page, &cur).unwrap_err();
        assert_eq!(errors[0].field, "providers.deepseek.api_key");
        assert!(
            errors[0]
                .message
                .to_string()
                .contains("https://relay.example.com"),
            "{}",
            errors[0].message
        );
        let errors = with_provider(&cur, "deepseek", &page["providers"]["deepseek"]).unwrap_err();
        assert_eq!(errors[0].field, "providers.deepseek.api_key");
        // With the key entered again, it goes.
        page["providers"]["deepseek"]["api_key"] = json!("sk-for-the-relay");
        let s = settings_from_page(&page, &cur).unwrap();
        assert_eq!(key_of(&s, "deepseek").expose(), "sk-for-the-relay");
        // The same host written another way (a path, the version suffix) keeps the saved key.
        let mut page = settings_json(&cur);
        page["providers"]["deepseek"]["url"] =
            json!("https://api.deepseek.com/v1/chat/completions");
        let s = with_provider(&cur, "deepseek", &page["providers"]["deepseek"]).unwrap();
        assert_eq!(key_of(&s, "deepseek").expose(), "sk-stored-secret-1234");
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
        // What the file reader would use instead does not apply to a form.
        assert!(errors
            .iter()
            .all(|e| !e.message.to_string().contains("instead")));
    }

    /// Settings with every section of persistent mode away from its defaults.
    fn persistent() -> Settings {
        let mut s = current();
        s.auto.start_on_launch = true;
        s.auto.gates.fast_interval_ms = 80;
        s.auto.gates.slow_interval_ms = 1200;
        s.auto.gates.image_threshold = 0.045;
        s.auto.gates.stable_frames = 3;
        s.auto.gates.animated_area = 0.1;
        s.auto.gates.text_threshold = 0.85;
        s.overlay.mode = OverlayMode::Over;
        s.hotkeys.region_3 = "Ctrl+Alt+3".into();
        s.regions.active = 2;
        s.regions.slots[0] = SavedRegion {
            name: "对话".into(),
            rect: Some([100, 600, 1000, 160]),
            window: None,
            overlay_position: Some([120, 400]),
            direction: None,
            watch: false,
            overlay_mode: None,
        };
        s.regions.slots[2] = SavedRegion {
            name: "Menu".into(),
            rect: Some([40, 50, 300, 200]),
            window: Some(WindowBinding {
                title: "Game <1>".into(),
                app: "game.exe".into(),
                offset: [30, 20, 300, 200],
            }),
            overlay_position: None,
            direction: None,
            watch: false,
            overlay_mode: None,
        };
        s.memory.cache = false;
        s.memory.max_entries = 2000;
        s.filters = vec![
            Rule {
                pattern: "♪".into(),
                ..Default::default()
            },
            Rule {
                pattern: r"(\w+)-san".into(),
                replacement: "${1}さん".into(),
                regex: true,
                stage: Stage::AfterTranslation,
                enabled: false,
                region: None,
            },
        ];
        s
    }

    #[test]
    fn the_persistent_sections_survive_a_round_trip() {
        let cur = persistent();
        let page = settings_json(&cur);
        assert_eq!(page["auto"]["start_on_launch"], true);
        assert_eq!(page["auto"]["fast_interval_ms"], 80);
        assert_eq!(page["overlay"]["mode"], "over");
        assert_eq!(page["hotkeys"]["region_3"], "Ctrl+Alt+3");
        assert_eq!(page["regions"]["active"], 2);
        assert_eq!(page["regions"]["slots"][2]["window"]["app"], "game.exe");
        assert_eq!(page["regions"]["slots"][1]["rect"], Value::Null);
        assert_eq!(page["regions"]["slots"][1]["window"], Value::Null);
        assert_eq!(page["memory"]["max_entries"], 2000);
        assert_eq!(page["filters"][1]["stage"], "after_translation");
        let back = settings_from_page(&page, &cur).unwrap();
        assert_eq!(back, cur);
    }

    #[test]
    fn region_fields_the_app_sets_are_kept_unless_cleared() {
        let cur = persistent();
        let mut page = settings_json(&cur);
        // The page leaves out what the app sets; the core's values stay.
        for slot in page["regions"]["slots"].as_array_mut().unwrap() {
            let m = slot.as_object_mut().unwrap();
            m.remove("rect");
            m.remove("overlay_position");
        }
        page["regions"]["slots"][0]["name"] = json!("Dialogue");
        let s = settings_from_page(&page, &cur).unwrap();
        assert_eq!(s.regions.slots[0].name, "Dialogue");
        assert_eq!(s.regions.slots[0].rect, Some([100, 600, 1000, 160]));
        assert_eq!(s.regions.slots[0].overlay_position, Some([120, 400]));
        assert_eq!(s.regions.slots[2].window, cur.regions.slots[2].window);
        // null clears (the slot's "clear" and "unbind" buttons).
        page["regions"]["slots"][0]["rect"] = Value::Null;
        page["regions"]["slots"][0]["overlay_position"] = Value::Null;
        page["regions"]["slots"][2]["window"] = Value::Null;
        let s = settings_from_page(&page, &cur).unwrap();
        assert_eq!(s.regions.slots[0].rect, None);
        assert_eq!(s.regions.slots[0].overlay_position, None);
        assert_eq!(s.regions.slots[2].window, None);
        assert_eq!(s.regions.slots[2].rect, Some([40, 50, 300, 200]));
        // A binding made in the page is taken as sent.
        page["regions"]["slots"][1]["window"] =
            json!({"title": "记事本", "app": "notepad", "offset": [0, 0, 800, 600]});
        let s = settings_from_page(&page, &cur).unwrap();
        let b = s.regions.slots[1].window.as_ref().unwrap();
        assert_eq!((b.title.as_str(), b.offset), ("记事本", [0, 0, 800, 600]));
    }

    #[test]
    fn sections_the_page_leaves_out_keep_their_values() {
        let cur = persistent();
        let mut page = settings_json(&cur);
        for k in ["auto", "regions", "memory", "filters", "general"] {
            page.as_object_mut().unwrap().remove(k);
        }
        assert_eq!(settings_from_page(&page, &cur).unwrap(), cur);
        // An empty list is a choice, not an omission.
        page["filters"] = json!([]);
        assert!(settings_from_page(&page, &cur).unwrap().filters.is_empty());
    }

    #[test]
    fn gates_out_of_range_are_refused_by_name() {
        let cur = current();
        let mut page = settings_json(&cur);
        page["auto"]["image_threshold"] = json!(2.0);
        page["auto"]["text_threshold"] = json!(0.3);
        page["auto"]["stable_frames"] = json!(51);
        let errors = settings_from_page(&page, &cur).unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "auto.image_threshold",
                "auto.stable_frames",
                "auto.text_threshold"
            ]
        );
        assert_eq!(
            errors[0].message.to_string(),
            "Must be between 0.005 and 1 (found 2)"
        );
        assert_eq!(
            errors[0].message.render("zh"),
            "必须在 0.005 到 1 之间（现在是 2）"
        );
        // The cross-field rule of GateSettings::check.
        let mut page = settings_json(&cur);
        page["auto"]["fast_interval_ms"] = json!(800);
        page["auto"]["slow_interval_ms"] = json!(500);
        let errors = settings_from_page(&page, &cur).unwrap_err();
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].field, "auto.slow_interval_ms");
        assert_eq!(
            errors[0].message,
            Text::new("err.slow_below_fast")
                .with("fast", 800)
                .with("slow", 500)
        );
    }

    #[test]
    fn rules_that_do_not_compile_are_refused_by_place() {
        let cur = persistent();
        let mut page = settings_json(&cur);
        page["filters"] = json!([
            {"pattern": "ok", "replacement": "", "regex": false, "stage": "before_translation", "enabled": true},
            {"pattern": "(unclosed", "replacement": "", "regex": true, "stage": "after_translation", "enabled": false},
            {"pattern": "", "replacement": "x", "regex": false, "stage": "before_translation", "enabled": true},
            {"pattern": "a", "stage": "sometimes"},
        ]);
        let errors = settings_from_page(&page, &cur).unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            ["filters.1.pattern", "filters.2.pattern", "filters.3"]
        );
        let message = errors[0].message.to_string();
        assert!(message.contains("unclosed group"), "{message}");
        assert!(!message.contains("ignored"), "{message}");
    }

    #[test]
    fn rules_are_tried_by_their_place_in_the_form() {
        let rows = [
            json!({"pattern": "", "replacement": "", "regex": false, "stage": "before_translation", "enabled": true}),
            json!({"pattern": "(?P<n>\\w+)-san", "replacement": "${n}さん", "regex": true, "stage": "after_translation", "enabled": true}),
            json!({"pattern": "(unclosed", "replacement": "", "regex": true, "stage": "before_translation", "enabled": true}),
            json!({"pattern": "a", "stage": "sometimes"}),
            json!({"pattern": "", "replacement": "x", "regex": false, "stage": "before_translation", "enabled": false}),
        ];
        let (errors, trial) = try_rules(&rows, "Alice-san");
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            ["filters.2.pattern", "filters.3", "filters.4.pattern"]
        );
        assert_eq!(trial.before_translation, "Alice-san");
        assert_eq!(trial.after_translation, "Aliceさん");
    }

    #[test]
    fn hotkeys_are_checked_as_typed_and_clashes_refuse_a_save() {
        let errors = check_hotkeys(&json!({
            "select_region": "Ctrl+Alt+T", "repeat_last": "Q", "toggle_overlay": "alt+ctrl+t",
            "toggle_auto": "", "region_1": "Hyper+1"
        }));
        let got: Vec<(&str, &str)> = errors
            .iter()
            .map(|e| (e.field.as_str(), &*e.message.key))
            .collect();
        assert_eq!(
            got,
            [
                ("hotkeys.repeat_last", "err.hotkey_needmod"),
                ("hotkeys.toggle_overlay", "err.hotkey_dup"),
                ("hotkeys.region_1", "err.hotkey_mod"),
            ]
        );
        let cur = current();
        let mut page = settings_json(&cur);
        page["hotkeys"]["region_2"] = json!("Alt+Q");
        let errors = settings_from_page(&page, &cur).unwrap_err();
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].field, "hotkeys.region_2");
        assert_eq!(
            errors[0].message.render("zh"),
            "与“选择区域并翻译”的热键重复"
        );
    }

    #[test]
    fn a_bad_slot_is_refused_on_its_slot() {
        let cur = persistent();
        let mut page = settings_json(&cur);
        page["regions"]["slots"][1]["name"] = json!("x".repeat(61));
        page["regions"]["active"] = json!(4);
        let errors = settings_from_page(&page, &cur).unwrap_err();
        let got: Vec<(&str, String)> = errors
            .iter()
            .map(|e| (e.field.as_str(), e.message.to_string()))
            .collect();
        assert_eq!(
            got,
            [
                ("regions.active", "Must be between 0 and 3".into()),
                ("regions.slots.1", "At most 60 characters".into()),
            ]
        );
    }

    #[test]
    fn testing_unsaved_values_keeps_the_stored_key() {
        let cur = current();
        // Unsaved values for the same host: the stored key is used for the test.
        let form = json!({"enabled": true, "url": "https://api.deepseek.com/v1", "api_key": null, "model": "m"});
        let s = with_provider(&cur, "deepseek", &form).unwrap();
        let p = s.provider("deepseek");
        assert_eq!(p.url, "https://api.deepseek.com/v1");
        assert_eq!(p.api_key.expose(), "sk-stored-secret-1234");
        // Another host (even this machine): the key must be entered for it.
        let form =
            json!({"enabled": true, "url": "http://127.0.0.1:9/v1", "api_key": null, "model": "m"});
        assert!(with_provider(&cur, "deepseek", &form).is_err());
        let bad = json!({"temperature": "hot"});
        assert!(with_provider(&cur, "deepseek", &bad).is_err());
    }
}
