//! Per-game profiles (`[[profiles]]`): what of the settings is one game's own — its glossary, replacement rules
//! (with the corrections made while it ran), providers and prompt, the language read, the text direction and
//! its saved regions. A profile names only what differs; the rest comes from the global settings, which are
//! the default profile. A profile bound to a game (its window's program and title) is switched to while that
//! game's window is in front.

use super::read::{ConfigWarning, SectionReader};
use super::{persistent, RegionSettings, Settings};
use crate::capture::WindowInfo;
use crate::filters::Rule;
use crate::lang::Lang;
use crate::ocr::TextDirection;
use crate::providers::prompt::GlossaryEntry;
use crate::text::Text;
use serde::{Deserialize, Serialize};

/// Longest profile name, in characters.
pub const PROFILE_NAME_MAX: usize = 60;

/// The game a profile belongs to: its window, as the window list shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct GameMatch {
    /// Text the window's title contains (empty: any title).
    pub title: String,
    /// The program (`game.exe`; on X11 the window's class), case-insensitive (empty: any program).
    pub app: String,
}

impl GameMatch {
    /// Whether `w` is this game's window. A match that names nothing matches nothing.
    pub fn matches(&self, w: &WindowInfo) -> bool {
        let (title, app) = (self.title.trim(), self.app.trim());
        if title.is_empty() && app.is_empty() {
            return false;
        }
        (app.is_empty() || w.app.trim().eq_ignore_ascii_case(app))
            && (title.is_empty() || w.title.contains(title))
    }
}

/// One game's profile.
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct Profile {
    /// Shown in the settings and the status line; unique.
    pub name: String,
    /// The game it belongs to; none: chosen by hand only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub game: Option<GameMatch>,
    /// The language read.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<Lang>,
    /// Which way the text runs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub direction: Option<TextDirection>,
    /// The system prompt for general models.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub custom_prompt: Option<String>,
    /// The providers that translate (catalog ids; their URLs and keys come from the global settings).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub providers: Option<Vec<String>>,
    /// Terms with fixed translations.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub glossary: Option<Vec<GlossaryEntry>>,
    /// Replacement rules, corrections among them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub filters: Option<Vec<Rule>>,
    /// Saved regions.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub regions: Option<RegionSettings>,
}

/// Reads `[[profiles]]`: a profile that cannot be used is left out and reported; a bad field of a usable one
/// is reported and left to the global settings.
pub(super) fn read_profiles(root: &toml::Table, w: &mut Vec<ConfigWarning>) -> Vec<Profile> {
    let Some(v) = root.get("profiles") else {
        return Vec::new();
    };
    let Some(list) = v.as_array() else {
        w.push(ConfigWarning::ignored(
            "profiles",
            Text::new("config.not_profile_list"),
        ));
        return Vec::new();
    };
    let mut out: Vec<Profile> = Vec::new();
    for (i, item) in list.iter().enumerate() {
        let at = format!("profiles.{i}");
        let Some(t) = item.as_table() else {
            w.push(ConfigWarning::ignored(at, Text::new("config.not_profile")));
            continue;
        };
        match read_profile(t, &at, w) {
            Ok(p) if out.iter().any(|o| o.name == p.name) => w.push(ConfigWarning::ignored(
                format!("{at}.name"),
                Text::new("config.profile_dup").with("name", &p.name),
            )),
            Ok(p) => out.push(p),
            Err(e) => w.push(ConfigWarning::ignored(format!("{at}.name"), e)),
        }
    }
    out
}

/// One profile's table; `at` is its place (`profiles.2`) for the warnings.
pub fn read_profile(
    t: &toml::Table,
    at: &str,
    w: &mut Vec<ConfigWarning>,
) -> Result<Profile, Text> {
    let name = t
        .get("name")
        .and_then(|v| v.as_str())
        .map(str::trim)
        .unwrap_or_default()
        .to_string();
    if name.is_empty() {
        return Err(Text::new("err.required"));
    }
    if name.chars().count() > PROFILE_NAME_MAX {
        return Err(Text::new("err.name_long").with("n", PROFILE_NAME_MAX));
    }
    let mut local = Vec::new();
    let mut field = |key: &str, message: Text| {
        local.push(ConfigWarning::ignored(format!("{at}.{key}"), message));
    };
    let known = [
        "name",
        "game",
        "source",
        "direction",
        "custom_prompt",
        "providers",
        "glossary",
        "filters",
        "regions",
    ];
    for key in t.keys().filter(|k| !known.contains(&k.as_str())) {
        let message = Text::new("config.unknown_key")
            .with("key", key)
            .with("known", known.join(", "));
        field(key, message);
    }
    fn get<T: serde::de::DeserializeOwned>(
        t: &toml::Table,
        key: &str,
        field: &mut impl FnMut(&str, Text),
    ) -> Option<T> {
        let v = t.get(key)?;
        match v.clone().try_into::<T>() {
            Ok(x) => Some(x),
            Err(e) => {
                let reason = e.to_string();
                field(
                    key,
                    Text::new("config.bad_value")
                        .with("reason", reason.lines().next().unwrap_or("invalid")),
                );
                None
            }
        }
    }
    let game: Option<GameMatch> = get(t, "game", &mut field);
    let source: Option<Lang> = get(t, "source", &mut field);
    let source = match source.map(|l| (l, l.check_readable())) {
        Some((_, Err(e))) => {
            field("source", e);
            None
        }
        Some((l, Ok(()))) => Some(l),
        None => None,
    };
    let p = Profile {
        name,
        game: game.filter(|g| !g.title.trim().is_empty() || !g.app.trim().is_empty()),
        source,
        direction: get(t, "direction", &mut field),
        custom_prompt: get(t, "custom_prompt", &mut field),
        providers: get(t, "providers", &mut field),
        glossary: get(t, "glossary", &mut field),
        filters: t
            .contains_key("filters")
            .then(|| persistent::read_filters(t, &mut local)),
        regions: t
            .contains_key("regions")
            .then(|| RegionSettings::read(SectionReader::new(t, "regions", &mut local))),
    };
    // The shared readers name the fields from the profile's own table: put them in their place.
    for mut warning in local {
        if !warning.field.starts_with(&format!("{at}.")) {
            warning.field = format!("{at}.{}", warning.field);
        }
        w.push(warning);
    }
    Ok(p)
}

impl Settings {
    /// The profile called `name`.
    pub fn profile(&self, name: &str) -> Option<&Profile> {
        self.profiles.iter().find(|p| p.name == name)
    }

    /// The profile whose game `w` is.
    pub fn profile_for(&self, w: &WindowInfo) -> Option<&Profile> {
        self.profiles
            .iter()
            .find(|p| p.game.as_ref().is_some_and(|g| g.matches(w)))
    }

    /// The settings in effect under profile `name` (these settings themselves for none, or a profile that is
    /// gone): the profile's own fields over these.
    pub fn effective(&self, name: Option<&str>) -> Settings {
        let mut s = self.clone();
        let Some(p) = name.and_then(|n| self.profile(n)) else {
            return s;
        };
        if let Some(v) = p.source {
            s.general.source = v;
        }
        if let Some(v) = p.direction {
            s.ocr.direction = v;
        }
        if let Some(v) = &p.custom_prompt {
            s.translation.custom_prompt = v.clone();
        }
        if let Some(v) = &p.glossary {
            s.translation.glossary = v.clone();
        }
        if let Some(v) = &p.filters {
            s.filters = v.clone();
        }
        if let Some(v) = &p.regions {
            s.regions = v.clone();
        }
        if let Some(ids) = &p.providers {
            // The profile's choice wins; URLs, keys and models stay the global settings'.
            let all: Vec<String> = s
                .providers
                .keys()
                .cloned()
                .chain(ids.iter().cloned())
                .collect();
            for id in all {
                let mut ps = s.provider(&id);
                ps.enabled = ids.contains(&id);
                s.providers.insert(id, ps);
            }
        }
        s
    }

    /// The saved regions in use under profile `name`, to change: the profile's own (made from these settings'
    /// when it had none), or these settings'.
    pub fn regions_for(&mut self, name: Option<&str>) -> &mut RegionSettings {
        let base = self.regions.clone();
        match name.and_then(|n| self.profiles.iter_mut().find(|p| p.name == n)) {
            Some(p) => p.regions.get_or_insert(base),
            None => &mut self.regions,
        }
    }

    /// The replacement rules in use under profile `name`, to change (as [`Settings::regions_for`]).
    pub fn filters_for(&mut self, name: Option<&str>) -> &mut Vec<Rule> {
        let base = self.filters.clone();
        match name.and_then(|n| self.profiles.iter_mut().find(|p| p.name == n)) {
            Some(p) => p.filters.get_or_insert(base),
            None => &mut self.filters,
        }
    }

    /// Keeps what changed while profile `name` was in effect (`now`: the regions chosen and moved, the
    /// corrections made) where it belongs: in the profile when it differs from what the profile gave, else
    /// nowhere (nothing changed).
    pub fn keep_changes(&mut self, name: Option<&str>, now: &Settings) {
        let was = self.effective(name);
        if now.regions != was.regions {
            *self.regions_for(name) = now.regions.clone();
        }
        if now.filters != was.filters {
            *self.filters_for(name) = now.filters.clone();
        }
    }
}

/// What of the settings a profile can have as its own, by the page's field paths (the settings page marks
/// them while a profile is edited; everything else is shared by all profiles).
pub const PROFILE_FIELDS: [&str; 7] = [
    "general.source",
    "ocr.direction",
    "translation.custom_prompt",
    "translation.glossary",
    "filters",
    "regions",
    "providers.*.enabled",
];

/// A change to the profiles, as the settings page asks for it.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum ProfileOp {
    /// A new profile that has nothing of its own yet (everything comes from the global settings).
    New {
        /// Its name.
        name: String,
    },
    /// A copy of profile `name`, called `to` (bound to no game: two profiles of one game would clash).
    Duplicate {
        /// The profile copied.
        name: String,
        /// The copy's name.
        to: String,
    },
    /// Profile `name` is now called `to`.
    Rename {
        /// Its name.
        name: String,
        /// The new one.
        to: String,
    },
    /// Profile `name` is removed.
    Delete {
        /// Its name.
        name: String,
    },
    /// Profile `name` belongs to this game (none: chosen by hand only).
    Bind {
        /// Its name.
        name: String,
        /// The game's window.
        game: Option<GameMatch>,
    },
    /// A profile file someone shared (see [`Profile::to_toml`]).
    Import {
        /// The file's text.
        toml: String,
    },
}

/// A change made to the profiles.
#[derive(Debug, Clone, PartialEq)]
pub struct ProfileChange {
    /// The settings with the change.
    pub settings: Settings,
    /// The profile changed, created or removed.
    pub name: String,
    /// Fields of an imported profile that could not be used (left to the global settings).
    pub warnings: Vec<ConfigWarning>,
}

impl Profile {
    /// The profile as a file to share: the profile's own fields at the top level. It holds no API keys (a
    /// profile names its providers only).
    pub fn to_toml(&self) -> Result<String, toml::ser::Error> {
        let body = toml::to_string_pretty(self)?;
        Ok(format!(
            "# An ocrlay profile: import it in the settings (Profiles). It holds no API keys.\n\n{body}"
        ))
    }

    /// The file name an export is saved under: `ocrlay-profile-<name>.toml`, with what no file system takes
    /// replaced.
    pub fn file_name(&self) -> String {
        let safe: String = self
            .name
            .chars()
            .map(|c| {
                if c.is_control() || "<>:\"/\\|?*".contains(c) {
                    '_'
                } else {
                    c
                }
            })
            .collect();
        format!("ocrlay-profile-{}.toml", safe.trim().trim_end_matches('.'))
    }
}

impl Settings {
    /// `name` as a profile's new name, trimmed: refused when empty, too long, or another profile's
    /// (`except`: the profile being renamed).
    fn new_profile_name(&self, name: &str, except: Option<&str>) -> Result<String, Text> {
        let name = name.trim();
        if name.is_empty() {
            return Err(Text::new("err.required"));
        }
        if name.chars().count() > PROFILE_NAME_MAX {
            return Err(Text::new("err.name_long").with("n", PROFILE_NAME_MAX));
        }
        if Some(name) != except && self.profile(name).is_some() {
            return Err(Text::new("config.profile_dup").with("name", name));
        }
        Ok(name.to_string())
    }

    /// Applies a change the settings page asked for; the error says why it cannot be made.
    pub fn change_profiles(&self, op: ProfileOp) -> Result<ProfileChange, Text> {
        let mut s = self.clone();
        let mut warnings = Vec::new();
        let gone = |name: &str| Text::new("err.profile_gone").with("name", name);
        let name = match op {
            ProfileOp::New { name } => {
                let name = self.new_profile_name(&name, None)?;
                s.profiles.push(Profile {
                    name: name.clone(),
                    ..Profile::default()
                });
                name
            }
            ProfileOp::Duplicate { name, to } => {
                let from = self.profile(&name).ok_or_else(|| gone(&name))?;
                let to = self.new_profile_name(&to, None)?;
                s.profiles.push(Profile {
                    name: to.clone(),
                    game: None,
                    ..from.clone()
                });
                to
            }
            ProfileOp::Rename { name, to } => {
                let to = self.new_profile_name(&to, Some(&name))?;
                let p = s
                    .profiles
                    .iter_mut()
                    .find(|p| p.name == name)
                    .ok_or_else(|| gone(&name))?;
                p.name = to.clone();
                to
            }
            ProfileOp::Delete { name } => {
                let before = s.profiles.len();
                s.profiles.retain(|p| p.name != name);
                if s.profiles.len() == before {
                    return Err(gone(&name));
                }
                name
            }
            ProfileOp::Bind { name, game } => {
                let p = s
                    .profiles
                    .iter_mut()
                    .find(|p| p.name == name)
                    .ok_or_else(|| gone(&name))?;
                p.game = game.filter(|g| !g.title.trim().is_empty() || !g.app.trim().is_empty());
                name
            }
            ProfileOp::Import { toml } => {
                // Checked before parsing: parsed TOML costs some 30 times its size in memory.
                let (size, limit) = (toml.len() as u64, crate::files::PROFILE_MAX_BYTES);
                if size > limit {
                    return Err(Text::new("err.profile_too_large")
                        .with("size", crate::files::size_in_words(size))
                        .with("limit", crate::files::size_in_words(limit)));
                }
                let table: toml::Table = toml.parse().map_err(|e: toml::de::Error| {
                    Text::new("err.profile_file").with("reason", e.message())
                })?;
                let mut p = read_profile(&table, "profile", &mut warnings)?;
                // A shared profile does not replace one of the same name: it gets a name of its own.
                let base = p.name.clone();
                let mut n = 2;
                while s.profile(&p.name).is_some() {
                    p.name = format!("{base} ({n})");
                    n += 1;
                }
                let name = p.name.clone();
                s.profiles.push(p);
                name
            }
        };
        Ok(ProfileChange {
            settings: s,
            name,
            warnings,
        })
    }

    /// The global settings after the settings page edited profile `name`: `edited` is what the form held
    /// (the profile's settings in effect, changed). What a profile can have of its own
    /// ([`PROFILE_FIELDS`]) goes to the profile — only where it differs from the global settings, so the
    /// profile keeps following them elsewhere; everything else is shared and goes to the global settings.
    pub fn with_profile_edit(&self, name: &str, edited: &Settings) -> Settings {
        let mut s = edited.clone();
        s.profiles = self.profiles.clone();
        s.general.source = self.general.source;
        s.ocr.direction = self.ocr.direction;
        s.translation.custom_prompt = self.translation.custom_prompt.clone();
        s.translation.glossary = self.translation.glossary.clone();
        s.filters = self.filters.clone();
        s.regions = self.regions.clone();
        // Provider addresses, keys and models are shared; whether one translates is the profile's.
        for (id, p) in s.providers.iter_mut() {
            p.enabled = self.providers.get(id).is_some_and(|g| g.enabled);
        }
        let enabled = |x: &Settings| -> Vec<String> {
            x.enabled_providers()
                .iter()
                .map(|p| p.id.to_string())
                .collect()
        };
        let (own_providers, global_providers) = (enabled(edited), enabled(&s));
        let Some(p) = s.profiles.iter_mut().find(|p| p.name == name) else {
            return s;
        };
        fn own<T: PartialEq + Clone>(edited: &T, global: &T) -> Option<T> {
            (edited != global).then(|| edited.clone())
        }
        p.source = own(&edited.general.source, &self.general.source);
        p.direction = own(&edited.ocr.direction, &self.ocr.direction);
        p.custom_prompt = own(
            &edited.translation.custom_prompt,
            &self.translation.custom_prompt,
        );
        p.glossary = own(&edited.translation.glossary, &self.translation.glossary);
        p.filters = own(&edited.filters, &self.filters);
        p.regions = own(&edited.regions, &self.regions);
        p.providers = own(&own_providers, &global_providers);
        s
    }
}
