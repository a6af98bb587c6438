//! Settings: one TOML file, read leniently (raw table → validated [`Settings`]), saved privately.
//!
//! The file lives in the platform config dir (`~/.config/ocrlay/config.toml`,
//! `%APPDATA%\ocrlay\config\config.toml`, …) unless `OCRLAY_CONFIG` names another path. Every section has
//! defaults; a bad field is reported and falls back to its default; a file that cannot be parsed at all is
//! never overwritten: it is moved aside (and the user told) before anything is saved over it.

mod limits;
mod persistent;
mod profiles;
mod read;
mod sections;

pub use limits::{limit, limits, Limit, Number};
pub use persistent::*;
pub use profiles::{
    read_profile, GameMatch, Profile, ProfileChange, ProfileField, ProfileOp, PROFILE_NAME_MAX,
};
pub use sections::*;

use crate::files::FileError;
use crate::providers::{self, EndpointSpec, ProviderInfo};
use crate::text::Text;
use read::SectionReader;
pub use read::{ConfigWarning, Fallback};
use serde::Serialize;
use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The environment variable that overrides the config file path.
pub use crate::paths::CONFIG_ENV;

/// All settings, validated.
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct Settings {
    /// Languages and UI language.
    pub general: GeneralSettings,
    /// Proxy and time limits.
    pub network: NetworkSettings,
    /// Which providers translate, and how.
    pub translation: TranslationSettings,
    /// Local OCR.
    pub ocr: OcrSettings,
    /// How the screen is read (Windows: GDI or Windows.Graphics.Capture).
    pub capture: CaptureSettings,
    /// Global hotkeys.
    pub hotkeys: HotkeySettings,
    /// The overlay's look and place.
    pub overlay: OverlaySettings,
    /// Automatic re-translation (persistent mode).
    pub auto: AutoSettings,
    /// Saved regions and their window bindings.
    pub regions: RegionSettings,
    /// Translation memory and history.
    pub memory: MemorySettings,
    /// Where each new line goes besides the overlay: clipboard, a local WebSocket.
    pub output: OutputSettings,
    /// Per-provider settings, by catalog id. Providers not listed use the catalog's defaults.
    pub providers: BTreeMap<String, ProviderSettings>,
    /// Replacement rules for OCR text and translations, in order.
    pub filters: Vec<crate::filters::Rule>,
    /// Per-game profiles (these settings are the default one).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub profiles: Vec<Profile>,
}

/// The state the file was found in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileState {
    /// No file yet: defaults.
    Missing,
    /// Read (possibly with warnings).
    Read,
    /// Present but unreadable (bad TOML, not UTF-8, no permission, too large, not a regular file): defaults are
    /// used and the file is kept.
    Unreadable(Text),
}

/// Settings as loaded, with what was wrong in the file.
#[derive(Debug, Clone)]
pub struct Loaded {
    /// The validated settings.
    pub settings: Settings,
    /// Where they came from.
    pub path: PathBuf,
    /// The file's state.
    pub state: FileState,
    /// One per field that was refused or unknown.
    pub warnings: Vec<ConfigWarning>,
}

/// Errors of finding or saving the config file.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// Writing failed.
    #[error("cannot save settings to {path}: {source}")]
    Write {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The settings file is marked read-only: ocrlay does not save over it (that would make it writable again).
    #[error(
        "the settings file {path} is read-only, so this change was not saved; ocrlay keeps it read-only as you \
         set it: make it writable (chmod u+w) to save settings again"
    )]
    ReadOnly {
        /// The file.
        path: PathBuf,
    },
    /// The settings path is not a regular file (a named pipe, a device, a folder): nothing is saved there, and
    /// nothing is moved.
    #[error("cannot save settings to {}: {}", path.display(), kind.text())]
    NotAFile {
        /// The path.
        path: PathBuf,
        /// What is there.
        kind: crate::files::Kind,
    },
    /// Serialising failed (a bug).
    #[error("cannot write settings as TOML: {0}")]
    Serialize(#[from] toml::ser::Error),
}

/// The config file path: `OCRLAY_CONFIG`, else `config.toml` beside the executable (portable mode), else the
/// platform config dir (see [`crate::paths`]).
pub fn default_path() -> Result<PathBuf, ConfigError> {
    Ok(crate::paths::Places::current().config_file)
}

/// Loads settings from `path`. Never fails: problems become warnings and defaults.
///
/// The warnings are returned, not logged: the caller says them once, where its user reads them (the app in
/// its log and on the settings page, [`Loaded::log_warnings`]; a command on stderr). [`update`] reads the file
/// again at every save and says nothing.
pub fn load(path: &Path) -> Loaded {
    let mut warnings = Vec::new();
    // A path that is not a regular file (a named pipe, a device, a folder) is not read, and not moved aside:
    // it is not the user's settings and not ours to move.
    let mut not_a_file = false;
    let (settings, state) = match crate::files::read(path, crate::files::SETTINGS_MAX_BYTES) {
        Err(FileError::NotFound { .. }) => (Settings::default(), FileState::Missing),
        Err(e) => {
            not_a_file = matches!(e, FileError::NotRegular { .. });
            (Settings::default(), FileState::Unreadable(e.text()))
        }
        Ok(bytes) => match String::from_utf8(bytes) {
            Err(_) => (
                Settings::default(),
                FileState::Unreadable(Text::new("config.not_utf8").with("path", path.display())),
            ),
            Ok(text) => match Settings::parse(&text) {
                Ok((s, w)) => {
                    warnings = w;
                    (s, FileState::Read)
                }
                Err(e) => (Settings::default(), FileState::Unreadable(e)),
            },
        },
    };
    if let FileState::Unreadable(why) = &state {
        let key = if not_a_file {
            "config.not_a_file"
        } else {
            "config.unreadable_file"
        };
        warnings.insert(
            0,
            ConfigWarning::defaults(
                "",
                Text::new(key)
                    .with_text("why", why.clone())
                    .with("path", path.display()),
            ),
        );
    }
    Loaded {
        settings,
        path: path.to_path_buf(),
        state,
        warnings,
    }
}

impl Loaded {
    /// Writes each warning to the log, once (the app's start-up; a command prints them to its user instead).
    pub fn log_warnings(&self) {
        for w in &self.warnings {
            tracing::warn!("config: {}: {w}", self.path.display());
        }
    }
}

/// What saving did besides writing the file.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Saved {
    /// Where an unreadable old file was moved, if it was.
    pub moved_aside: Option<PathBuf>,
}

/// Saves settings to `path` atomically with mode 0600 (the file holds API keys). An existing file that
/// cannot be parsed is moved aside first, never overwritten.
pub fn save(settings: &Settings, path: &Path) -> Result<Saved, ConfigError> {
    let _held = SaveLock::take(path)?;
    save_unlocked(settings, path)
}

/// Changes the settings file where it stands: reads the file as it is now, applies `change`, writes it back —
/// all under the file's save lock, so a save of another ocrlay process in between is never lost (its changes
/// are in what `change` is applied to). Not for an unreadable file, nor a path that is not a file (those are
/// left as they are: `Ok(false)`).
pub fn update(path: &Path, change: impl FnOnce(&mut Settings)) -> Result<bool, ConfigError> {
    // A path that is not a file is not read, so it is left as it is like an unreadable file.
    if crate::files::not_regular(path).is_some() {
        return Ok(false);
    }
    let _held = SaveLock::take(path)?;
    let mut on_disk = load(path);
    if matches!(on_disk.state, FileState::Unreadable(_)) {
        return Ok(false);
    }
    let before = on_disk.settings.clone();
    change(&mut on_disk.settings);
    if on_disk.settings != before {
        save_unlocked(&on_disk.settings, path)?;
    }
    Ok(true)
}

/// An exclusive lock on `<settings file>.lock` while a save reads and writes the file (advisory: ocrlay's own
/// processes take it).
struct SaveLock {
    _file: fs::File,
}

impl SaveLock {
    fn take(path: &Path) -> Result<SaveLock, ConfigError> {
        // Checked before anything is created beside the path (`/dev/zero.toml.lock`) or renamed over it.
        if let Some(kind) = crate::files::not_regular(path) {
            return Err(ConfigError::NotAFile {
                path: path.to_path_buf(),
                kind,
            });
        }
        let werr = |source| ConfigError::Write {
            path: path.to_path_buf(),
            source,
        };
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            crate::paths::create_private_dir(dir).map_err(werr)?;
        }
        let file = crate::paths::private_file_options()
            .write(true)
            .create(true)
            .truncate(false)
            .open(path.with_extension("toml.lock"))
            .map_err(werr)?;
        file.lock().map_err(werr)?;
        Ok(SaveLock { _file: file })
    }
}

fn save_unlocked(settings: &Settings, path: &Path) -> Result<Saved, ConfigError> {
    let werr = |source| ConfigError::Write {
        path: path.to_path_buf(),
        source,
    };
    let text = settings.to_toml()?;
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        crate::paths::create_private_dir(dir).map_err(werr)?;
    }
    // Saving writes a new file over the old one: a file its owner made read-only would silently become
    // writable (0600) again.
    if fs::metadata(path).is_ok_and(|m| m.is_file() && m.permissions().readonly()) {
        return Err(ConfigError::ReadOnly {
            path: path.to_path_buf(),
        });
    }
    let mut saved = Saved::default();
    let before = match crate::files::read(path, crate::files::SETTINGS_MAX_BYTES) {
        Ok(bytes) => Some(Some(bytes)),
        // Too large to be read: unreadable, so moved aside like a file that is not TOML.
        Err(FileError::TooLarge { .. }) => Some(None),
        Err(_) => None,
    };
    if let Some(bytes) = before {
        let readable = bytes
            .as_ref()
            .and_then(|b| std::str::from_utf8(b).ok())
            .is_some_and(|t| t.parse::<toml::Table>().is_ok());
        if !readable {
            let stamp = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap_or(Duration::ZERO)
                .as_secs();
            let mut aside = path.as_os_str().to_owned();
            aside.push(format!(".broken-{stamp}"));
            let aside = PathBuf::from(aside);
            fs::rename(path, &aside).map_err(werr)?;
            tracing::warn!(
                "config: the unreadable {} was moved to {}",
                path.display(),
                aside.display()
            );
            saved.moved_aside = Some(aside);
        } else if let Some(bytes) = bytes {
            // Keep the previous version: fields ocrlay did not understand are not written back.
            let bak = path.with_extension("toml.bak");
            write_private(&bak, &bytes).map_err(werr)?;
        }
    }
    // A temporary file of this save alone (two processes saving at once never write the same one).
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    let tmp = path.with_extension(format!("toml.{}-{nanos}.tmp", std::process::id()));
    write_private(&tmp, text.as_bytes()).map_err(werr)?;
    fs::rename(&tmp, path).map_err(|e| {
        let _ = fs::remove_file(&tmp);
        werr(e)
    })?;
    Ok(saved)
}

use crate::paths::write_private;

impl Settings {
    /// Parses TOML text. `Err` only when the text is not TOML at all; field problems are warnings.
    pub fn parse(text: &str) -> Result<(Settings, Vec<ConfigWarning>), Text> {
        let root: toml::Table = text.parse().map_err(|e: toml::de::Error| {
            Text::new("config.not_toml").with("reason", e.message())
        })?;
        Ok(Settings::from_table(&root))
    }

    /// Validates a parsed table (from the file, or from the settings window).
    pub fn from_table(root: &toml::Table) -> (Settings, Vec<ConfigWarning>) {
        let mut w = Vec::new();
        let known = [
            "general",
            "network",
            "translation",
            "ocr",
            "capture",
            "hotkeys",
            "overlay",
            "auto",
            "regions",
            "memory",
            "output",
            "providers",
            "filters",
            "profiles",
        ];
        for key in root.keys() {
            if !known.contains(&key.as_str()) {
                w.push(ConfigWarning::ignored(
                    key.clone(),
                    Text::new("config.unknown_section"),
                ));
            }
        }
        let general = GeneralSettings::read(SectionReader::new(root, "general", &mut w));
        let network = NetworkSettings::read(SectionReader::new(root, "network", &mut w));
        let translation =
            TranslationSettings::read(SectionReader::new(root, "translation", &mut w));
        let ocr = OcrSettings::read(SectionReader::new(root, "ocr", &mut w));
        let capture = CaptureSettings::read(SectionReader::new(root, "capture", &mut w));
        let hotkeys = HotkeySettings::read(SectionReader::new(root, "hotkeys", &mut w));
        let overlay = OverlaySettings::read(SectionReader::new(root, "overlay", &mut w));
        let auto = AutoSettings::read(SectionReader::new(root, "auto", &mut w));
        let regions = RegionSettings::read(SectionReader::new(root, "regions", &mut w));
        let memory = MemorySettings::read(SectionReader::new(root, "memory", &mut w));
        let output = OutputSettings::read(SectionReader::new(root, "output", &mut w));
        let providers = read_providers(root, &mut w);
        let filters = persistent::read_filters(root, &mut w);
        let profiles = profiles::read_profiles(root, &mut w);
        (
            Settings {
                general,
                network,
                translation,
                ocr,
                capture,
                hotkeys,
                overlay,
                auto,
                regions,
                memory,
                output,
                providers,
                filters,
                profiles,
            },
            w,
        )
    }

    /// The settings as TOML text.
    pub fn to_toml(&self) -> Result<String, toml::ser::Error> {
        let body = toml::to_string_pretty(self)?;
        Ok(format!(
            "# ocrlay settings. Written by ocrlay; comments are not kept. See config.example.toml.\n\
             # This file holds API keys: keep it private.\n\n{body}"
        ))
    }

    /// The settings of a provider (the catalog's defaults when it has none).
    pub fn provider(&self, id: &str) -> ProviderSettings {
        self.providers.get(id).cloned().unwrap_or_default()
    }

    /// Providers switched on, in catalog order.
    pub fn enabled_providers(&self) -> Vec<&'static ProviderInfo> {
        providers::PROVIDERS
            .iter()
            .filter(|p| self.providers.get(p.id).is_some_and(|s| s.enabled))
            .collect()
    }

    /// Everything needed to call a provider, from these settings.
    pub fn endpoint_spec(&self, info: &'static ProviderInfo) -> EndpointSpec {
        let p = self.provider(info.id);
        let mut spec = EndpointSpec::new(info);
        spec.url = Some(p.url.clone()).filter(|u| !u.trim().is_empty());
        spec.key = Some(p.api_key.clone()).filter(|k| !k.is_empty());
        spec.model = Some(p.model.clone()).filter(|m| !m.trim().is_empty());
        spec.proxy = Some(p.proxy.clone());
        spec.global_proxy = self.network.proxy.clone();
        if p.temperature.is_some() {
            spec.sampling.temperature = p.temperature;
        }
        if p.top_p.is_some() {
            spec.sampling.top_p = p.top_p;
        }
        spec.sampling.max_tokens = p.max_tokens;
        spec.sakura_version = p.sakura_version;
        spec.timeouts.connect = Duration::from_secs(self.network.connect_timeout_secs);
        if let Some(read) = self.network.read_timeout_secs {
            spec.timeouts.read = Duration::from_secs(read);
        }
        if let Some(total) = self.network.total_timeout_secs {
            spec.timeouts.total = Duration::from_secs(total);
        }
        spec
    }
}

fn read_providers(
    root: &toml::Table,
    w: &mut Vec<ConfigWarning>,
) -> BTreeMap<String, ProviderSettings> {
    let mut out = BTreeMap::new();
    let Some(value) = root.get("providers") else {
        return out;
    };
    let Some(table) = value.as_table() else {
        w.push(ConfigWarning::ignored(
            "providers",
            Text::new("config.providers_not_section"),
        ));
        return out;
    };
    for (id, v) in table {
        let Some(t) = v.as_table() else {
            w.push(ConfigWarning::ignored(
                format!("providers.{id}"),
                Text::new("config.not_table"),
            ));
            continue;
        };
        if providers::find(id).is_none() {
            w.push(ConfigWarning::ignored(
                format!("providers.{id}"),
                Text::new("config.unknown_provider")
                    .with("known", providers::catalog::ids().join(", ")),
            ));
            continue;
        }
        let reader = SectionReader::over(t, format!("providers.{id}"), w);
        out.insert(id.clone(), ProviderSettings::read(reader));
    }
    out
}

#[cfg(test)]
mod tests;
