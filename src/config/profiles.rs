//! Per-game profiles (`[[profiles]]`): what of the settings is one game's own — its glossary, replacement rules
//! (with the corrections made while it ran), providers and prompt, the language read and the language it is
//! translated into, the text direction, how its screen is read and its saved regions ([`ProfileField`], the one list of them). A
//! profile names only what it has of its own; the rest comes from the global settings, which are the default
//! profile. A profile bound to a game (its window's program and title) is switched to while that
//! game's window is in front.

use super::read::{ConfigWarning, SectionReader};
use super::{persistent, RegionSettings, Settings};
use crate::capture::{Method, WindowInfo};
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
    /// The language translated into.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target: Option<Lang>,
    /// Which way the text runs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub direction: Option<TextDirection>,
    /// How the game's screen is read (`[capture] method`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub capture_method: Option<Method>,
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
    let known: Vec<&str> = ["name", "game"]
        .into_iter()
        .chain(ProfileField::ALL.map(ProfileField::key))
        .collect();
    for key in t.keys().filter(|k| !known.contains(&k.as_str())) {
        let message = Text::new("config.unknown_key")
            .with("key", key)
            .with("known", known.join(", "));
        local.push(ConfigWarning::ignored(key.as_str(), message));
    }
    let game: Option<GameMatch> = get(t, "game", &mut local);
    let mut p = Profile {
        name,
        game: game.filter(|g| !g.title.trim().is_empty() || !g.app.trim().is_empty()),
        ..Profile::default()
    };
    for f in ProfileField::ALL
        .into_iter()
        .filter(|f| t.contains_key(f.key()))
    {
        f.read(t, &mut p, &mut local);
    }
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
        for f in ProfileField::ALL {
            f.apply(p, &mut s);
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

/// What of the settings a profile can have as its own: the one list of them. Reading a profile, the settings in
/// effect under one ([`Settings::effective`]), saving the settings page while one is edited
/// ([`Settings::with_profile_edit`]) and the page itself (the `profile_fields` of its `state`) all go by it;
/// everything else is shared by all profiles.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ProfileField {
    /// The language read (`general.source`).
    Source,
    /// The language translated into (`general.target`).
    Target,
    /// Which way the text runs (`ocr.direction`).
    Direction,
    /// How the screen is read (`capture.method`).
    CaptureMethod,
    /// The system prompt for general models (`translation.custom_prompt`).
    CustomPrompt,
    /// Which providers translate (each provider's `enabled`; their addresses, keys and models are shared).
    Providers,
    /// Terms with fixed translations (`translation.glossary`).
    Glossary,
    /// Replacement rules, corrections among them (`filters`).
    Filters,
    /// Saved regions (`regions`).
    Regions,
}

impl ProfileField {
    /// Every field a profile can have as its own, in the order the page lists them.
    pub const ALL: [ProfileField; 9] = [
        ProfileField::Source,
        ProfileField::Target,
        ProfileField::Direction,
        ProfileField::CaptureMethod,
        ProfileField::CustomPrompt,
        ProfileField::Providers,
        ProfileField::Glossary,
        ProfileField::Filters,
        ProfileField::Regions,
    ];

    /// Where the settings page has the field: its inputs' path, or the start of their paths (`regions` holds
    /// `regions.slots.1.name`); `providers.*.enabled` is every provider's switch.
    pub fn path(self) -> &'static str {
        match self {
            ProfileField::Source => "general.source",
            ProfileField::Target => "general.target",
            ProfileField::Direction => "ocr.direction",
            ProfileField::CaptureMethod => "capture.method",
            ProfileField::CustomPrompt => "translation.custom_prompt",
            ProfileField::Providers => "providers.*.enabled",
            ProfileField::Glossary => "translation.glossary",
            ProfileField::Filters => "filters",
            ProfileField::Regions => "regions",
        }
    }

    /// The field's key in a `[[profiles]]` table (and in a shared profile file).
    pub fn key(self) -> &'static str {
        match self {
            ProfileField::Source => "source",
            ProfileField::Target => "target",
            ProfileField::Direction => "direction",
            ProfileField::CaptureMethod => "capture_method",
            ProfileField::CustomPrompt => "custom_prompt",
            ProfileField::Providers => "providers",
            ProfileField::Glossary => "glossary",
            ProfileField::Filters => "filters",
            ProfileField::Regions => "regions",
        }
    }

    /// The field whose page path is `path` (as [`ProfileField::path`] writes it).
    pub fn from_path(path: &str) -> Option<ProfileField> {
        ProfileField::ALL.into_iter().find(|f| f.path() == path)
    }

    /// Whether profile `p` has this field of its own.
    pub fn owned_by(self, p: &Profile) -> bool {
        match self {
            ProfileField::Source => p.source.is_some(),
            ProfileField::Target => p.target.is_some(),
            ProfileField::Direction => p.direction.is_some(),
            ProfileField::CaptureMethod => p.capture_method.is_some(),
            ProfileField::CustomPrompt => p.custom_prompt.is_some(),
            ProfileField::Providers => p.providers.is_some(),
            ProfileField::Glossary => p.glossary.is_some(),
            ProfileField::Filters => p.filters.is_some(),
            ProfileField::Regions => p.regions.is_some(),
        }
    }

    /// Gives the field back: profile `p` follows the global settings in it again.
    pub fn give_back(self, p: &mut Profile) {
        match self {
            ProfileField::Source => p.source = None,
            ProfileField::Target => p.target = None,
            ProfileField::Direction => p.direction = None,
            ProfileField::CaptureMethod => p.capture_method = None,
            ProfileField::CustomPrompt => p.custom_prompt = None,
            ProfileField::Providers => p.providers = None,
            ProfileField::Glossary => p.glossary = None,
            ProfileField::Filters => p.filters = None,
            ProfileField::Regions => p.regions = None,
        }
    }

    /// Makes `s`'s value of this field profile `p`'s own.
    pub fn take(self, p: &mut Profile, s: &Settings) {
        match self {
            ProfileField::Source => p.source = Some(s.general.source),
            ProfileField::Target => p.target = Some(s.general.target),
            ProfileField::Direction => p.direction = Some(s.ocr.direction),
            ProfileField::CaptureMethod => p.capture_method = Some(s.capture.method),
            ProfileField::CustomPrompt => {
                p.custom_prompt = Some(s.translation.custom_prompt.clone())
            }
            ProfileField::Providers => p.providers = Some(enabled_ids(s)),
            ProfileField::Glossary => p.glossary = Some(s.translation.glossary.clone()),
            ProfileField::Filters => p.filters = Some(s.filters.clone()),
            ProfileField::Regions => p.regions = Some(s.regions.clone()),
        }
    }

    /// Whether `a` and `b` hold the same value of this field.
    pub fn same(self, a: &Settings, b: &Settings) -> bool {
        match self {
            ProfileField::Source => a.general.source == b.general.source,
            ProfileField::Target => a.general.target == b.general.target,
            ProfileField::Direction => a.ocr.direction == b.ocr.direction,
            ProfileField::CaptureMethod => a.capture.method == b.capture.method,
            ProfileField::CustomPrompt => {
                a.translation.custom_prompt == b.translation.custom_prompt
            }
            ProfileField::Providers => enabled_ids(a) == enabled_ids(b),
            ProfileField::Glossary => a.translation.glossary == b.translation.glossary,
            ProfileField::Filters => a.filters == b.filters,
            ProfileField::Regions => a.regions == b.regions,
        }
    }

    /// `s` with profile `p`'s value of this field, when it has one of its own.
    fn apply(self, p: &Profile, s: &mut Settings) {
        match self {
            ProfileField::Source => s.general.source = p.source.unwrap_or(s.general.source),
            ProfileField::Target => s.general.target = p.target.unwrap_or(s.general.target),
            ProfileField::Direction => s.ocr.direction = p.direction.unwrap_or(s.ocr.direction),
            ProfileField::CaptureMethod => {
                s.capture.method = p.capture_method.unwrap_or(s.capture.method)
            }
            ProfileField::CustomPrompt => {
                if let Some(v) = &p.custom_prompt {
                    s.translation.custom_prompt = v.clone();
                }
            }
            ProfileField::Providers => {
                let Some(ids) = &p.providers else {
                    return;
                };
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
            ProfileField::Glossary => {
                if let Some(v) = &p.glossary {
                    s.translation.glossary = v.clone();
                }
            }
            ProfileField::Filters => {
                if let Some(v) = &p.filters {
                    s.filters = v.clone();
                }
            }
            ProfileField::Regions => {
                if let Some(v) = &p.regions {
                    s.regions = v.clone();
                }
            }
        }
    }

    /// Reads the field from a profile's table `t` into `p`. A value that cannot be used is reported in `w`
    /// (named by its key in the profile) and left to the global settings.
    fn read(self, t: &toml::Table, p: &mut Profile, w: &mut Vec<ConfigWarning>) {
        let key = self.key();
        match self {
            ProfileField::Source => {
                p.source = get::<Lang>(t, key, w).filter(|l| match l.check_readable() {
                    Ok(()) => true,
                    Err(e) => {
                        w.push(ConfigWarning::ignored(key, e));
                        false
                    }
                });
            }
            ProfileField::Target => {
                p.target = get::<Lang>(t, key, w).filter(|l| {
                    let auto = *l == Lang::Auto;
                    if auto {
                        w.push(ConfigWarning::ignored(key, Text::new("err.target_auto")));
                    }
                    !auto
                });
            }
            ProfileField::Direction => p.direction = get(t, key, w),
            ProfileField::CaptureMethod => p.capture_method = get(t, key, w),
            ProfileField::CustomPrompt => p.custom_prompt = get(t, key, w),
            ProfileField::Providers => p.providers = get(t, key, w),
            ProfileField::Glossary => p.glossary = get(t, key, w),
            ProfileField::Filters => p.filters = Some(persistent::read_filters(t, w)),
            ProfileField::Regions => {
                p.regions = Some(RegionSettings::read(SectionReader::new(t, key, w)));
            }
        }
    }
}

/// The catalog ids of the providers switched on in `s`, in catalog order.
fn enabled_ids(s: &Settings) -> Vec<String> {
    s.enabled_providers()
        .iter()
        .map(|p| p.id.to_string())
        .collect()
}

/// Field `key` of table `t` as a `T`; a value of another shape is reported in `w` (named by `key`) and gives
/// none.
fn get<T: serde::de::DeserializeOwned>(
    t: &toml::Table,
    key: &str,
    w: &mut Vec<ConfigWarning>,
) -> Option<T> {
    let v = t.get(key)?;
    match v.clone().try_into::<T>() {
        Ok(x) => Some(x),
        Err(e) => {
            let reason = e.to_string();
            let message = Text::new("config.bad_value")
                .with("reason", reason.lines().next().unwrap_or("invalid"));
            w.push(ConfigWarning::ignored(key, message));
            None
        }
    }
}

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

    /// The global settings after the settings page edited profile `name`: `edited` is what the form held (the
    /// profile's settings in effect, changed), `own` the fields the profile has of its own now. Only the
    /// profile changes: it takes `edited`'s value of each field in `own` and follows the global settings in
    /// every other; the global settings, and what is shared by all profiles, stay as they are (the page does
    /// not let a shared field be edited while a profile is). Without `own` (a page that does not say), a field
    /// is the profile's where `edited` differs from the global settings.
    pub fn with_profile_edit(
        &self,
        name: &str,
        edited: &Settings,
        own: Option<&[ProfileField]>,
    ) -> Settings {
        let mut s = self.clone();
        let Some(p) = s.profiles.iter_mut().find(|p| p.name == name) else {
            return s;
        };
        for f in ProfileField::ALL {
            let keep = match own {
                Some(own) => own.contains(&f),
                None => !f.same(edited, self),
            };
            if keep {
                f.take(p, edited);
            } else {
                f.give_back(p);
            }
        }
        s
    }
}
