//! Where ocrlay keeps its files: the settings file, the data folder (translation memory and history), the
//! cache (downloaded ocrs models) and the instance lock — one rule for every platform.
//!
//! - **Installed** (the usual case): the platform's places. Linux: `~/.config/ocrlay/config.toml`,
//!   `~/.local/share/ocrlay/`, `~/.cache/ocrlay/`. Windows: `%APPDATA%\ocrlay\config\config.toml` (roams with
//!   the user), `%LOCALAPPDATA%\ocrlay\data\` and `%LOCALAPPDATA%\ocrlay\cache\` (stay on this PC: the history
//!   can grow large). macOS: `~/Library/Application Support/ocrlay/` and `~/Library/Caches/ocrlay/`.
//! - **Portable** (what users of LunaTranslator and Dango expect from a zip): a `config.toml` beside the
//!   executable makes ocrlay keep everything in that folder: `data\` and `cache\` next to it.
//! - `OCRLAY_CONFIG` names the settings file whatever the mode (the data folder stays where the mode puts it).

use std::io::Write;
use std::path::{Path, PathBuf};

/// The environment variable that names the settings file.
pub const CONFIG_ENV: &str = "OCRLAY_CONFIG";

/// The settings file's name, in the config folder or beside the executable (portable mode).
pub const CONFIG_FILE: &str = "config.toml";

/// Where ocrlay's files live for this run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Places {
    /// The settings file.
    pub config_file: PathBuf,
    /// The translation memory and history (`history.sqlite3`).
    pub data_dir: PathBuf,
    /// Downloaded model files and the instance lock when the platform has no runtime folder.
    pub cache_dir: PathBuf,
    /// The folder for the instance lock (Linux: `$XDG_RUNTIME_DIR`, else the cache).
    pub runtime_dir: PathBuf,
    /// Portable mode: everything is kept beside the executable.
    pub portable: bool,
}

/// What [`Places::resolve`] decides from, so the rule is tested without touching the real environment.
#[derive(Debug, Clone, Default)]
pub struct Inputs {
    /// `OCRLAY_CONFIG`, when set and not empty.
    pub config_env: Option<PathBuf>,
    /// The folder of the running executable.
    pub exe_dir: Option<PathBuf>,
    /// Whether `<exe_dir>/config.toml` exists.
    pub portable_config_exists: bool,
    /// The platform's folders, when there is a home folder.
    pub platform: Option<PlatformDirs>,
}

/// The platform's folders for ocrlay (from `directories`).
#[derive(Debug, Clone)]
pub struct PlatformDirs {
    /// Settings (roaming on Windows).
    pub config: PathBuf,
    /// Data that stays on this machine (`%LOCALAPPDATA%` on Windows).
    pub data_local: PathBuf,
    /// Cache.
    pub cache: PathBuf,
    /// Runtime files, where the platform has such a folder.
    pub runtime: Option<PathBuf>,
}

impl Places {
    /// The places for this process: its environment and where its executable is.
    pub fn current() -> Places {
        Places::resolve(&inputs())
    }

    /// Decides the places from `inputs`.
    pub fn resolve(inputs: &Inputs) -> Places {
        let portable_dir = inputs
            .exe_dir
            .as_ref()
            .filter(|_| inputs.portable_config_exists);
        if let Some(dir) = portable_dir {
            return Places {
                config_file: inputs
                    .config_env
                    .clone()
                    .unwrap_or_else(|| dir.join(CONFIG_FILE)),
                data_dir: dir.join("data"),
                cache_dir: dir.join("cache"),
                runtime_dir: dir.join("cache"),
                portable: true,
            };
        }
        // Without a home folder (a service account, a broken environment) the temp folder still works.
        let fallback = std::env::temp_dir().join("ocrlay");
        let (config_dir, data_dir, cache_dir, runtime_dir) = match &inputs.platform {
            Some(p) => (
                p.config.clone(),
                p.data_local.clone(),
                p.cache.clone(),
                p.runtime.clone().unwrap_or_else(|| p.cache.clone()),
            ),
            None => (
                fallback.clone(),
                fallback.clone(),
                fallback.clone(),
                fallback,
            ),
        };
        Places {
            config_file: inputs
                .config_env
                .clone()
                .unwrap_or_else(|| config_dir.join(CONFIG_FILE)),
            data_dir,
            cache_dir,
            runtime_dir,
            portable: false,
        }
    }
}

/// Writes a file readable by its owner only (0600 on Unix; Windows profiles are private already). A file that
/// was there before keeps its owner's permissions and loses only those of the group and others (see
/// [`tighten`]): ocrlay never widens what a user set.
pub fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut f = private_file_options()
        .write(true)
        .create(true)
        .truncate(true)
        .open(path)?;
    // A file that existed before may be readable by others.
    tighten(path)?;
    f.write_all(bytes)?;
    f.sync_all()
}

/// Creates `dir` (and its parents) readable by its owner only where it creates them (0700 on Unix): the data
/// folder holds what OCR read from the screen. A folder that exists already is left exactly as it is, whoever
/// made it: ocrlay changes the permissions only of folders it creates.
pub fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    // Windows: the user's profile folders are private already.
    builder.create(dir)
}

/// Takes the permissions of the group and of others away from an existing regular file (Unix; nothing to do
/// on Windows), leaving its owner's as they are: 0644 becomes 0600, 0400 stays 0400, 0600 is not touched.
///
/// Anything that is not a regular file — a folder, a symbolic link (its target is not followed), a device, a
/// pipe — and a path that does not exist are left alone: this never locks anyone out of a folder and never
/// widens a permission.
pub fn tighten(path: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let meta = match std::fs::symlink_metadata(path) {
            Ok(meta) => meta,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
            Err(e) => return Err(e),
        };
        if !meta.file_type().is_file() {
            return Ok(());
        }
        let mode = meta.permissions().mode() & 0o7777;
        let private = mode & !0o077;
        if private != mode {
            std::fs::set_permissions(path, std::fs::Permissions::from_mode(private))?;
        }
        Ok(())
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        Ok(())
    }
}

/// Whether the folder `dir` is marked read-only for everyone (Unix: no write permission bit at all, as after
/// `chmod a-w`). Root may still write into such a folder; ocrlay respects the mark instead. Always `false` on
/// Windows, where the read-only attribute of a folder does not stop anyone writing into it.
pub fn dir_is_read_only(dir: &Path) -> bool {
    #[cfg(unix)]
    {
        std::fs::metadata(dir).is_ok_and(|m| m.is_dir() && m.permissions().readonly())
    }
    #[cfg(not(unix))]
    {
        let _ = dir;
        false
    }
}

/// Options that create a new file readable by its owner only (0600 on Unix).
pub fn private_file_options() -> std::fs::OpenOptions {
    #[allow(unused_mut)]
    let mut opts = std::fs::OpenOptions::new();
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    opts
}

/// The folder of the running executable.
pub fn exe_dir() -> Option<PathBuf> {
    std::env::current_exe()
        .ok()
        .and_then(|p| p.parent().map(Path::to_path_buf))
}

fn inputs() -> Inputs {
    let exe_dir = exe_dir();
    let portable_config_exists = exe_dir
        .as_ref()
        .is_some_and(|d| d.join(CONFIG_FILE).is_file());
    Inputs {
        config_env: std::env::var_os(CONFIG_ENV)
            .filter(|p| !p.is_empty())
            .map(PathBuf::from),
        exe_dir,
        portable_config_exists,
        platform: directories::ProjectDirs::from("", "", "ocrlay").map(|d| PlatformDirs {
            config: d.config_dir().to_path_buf(),
            data_local: d.data_local_dir().to_path_buf(),
            cache: d.cache_dir().to_path_buf(),
            runtime: d.runtime_dir().map(Path::to_path_buf),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn windows_dirs() -> PlatformDirs {
        PlatformDirs {
            config: PathBuf::from(r"C:\Users\u\AppData\Roaming\ocrlay\config"),
            data_local: PathBuf::from(r"C:\Users\u\AppData\Local\ocrlay\data"),
            cache: PathBuf::from(r"C:\Users\u\AppData\Local\ocrlay\cache"),
            runtime: None,
        }
    }

    #[test]
    fn installed_uses_the_platform_places() {
        let p = Places::resolve(&Inputs {
            config_env: None,
            exe_dir: Some(PathBuf::from(r"C:\Program Files\ocrlay")),
            portable_config_exists: false,
            platform: Some(windows_dirs()),
        });
        assert!(!p.portable);
        assert_eq!(
            p.config_file,
            PathBuf::from(r"C:\Users\u\AppData\Roaming\ocrlay\config").join("config.toml")
        );
        // The history stays on this PC, not in the roaming profile.
        assert_eq!(
            p.data_dir,
            PathBuf::from(r"C:\Users\u\AppData\Local\ocrlay\data")
        );
        // No runtime folder on Windows: the lock goes to the cache.
        assert_eq!(p.runtime_dir, p.cache_dir);
    }

    #[test]
    fn a_config_beside_the_exe_keeps_everything_there() {
        let exe = PathBuf::from(r"D:\Games\ocrlay");
        let p = Places::resolve(&Inputs {
            config_env: None,
            exe_dir: Some(exe.clone()),
            portable_config_exists: true,
            platform: Some(windows_dirs()),
        });
        assert!(p.portable);
        assert_eq!(p.config_file, exe.join("config.toml"));
        for dir in [&p.data_dir, &p.cache_dir, &p.runtime_dir] {
            assert!(dir.starts_with(&exe), "{dir:?} is outside {exe:?}");
        }
    }

    #[test]
    fn the_environment_names_the_settings_file() {
        let named = PathBuf::from("/tmp/x/config.toml");
        let p = Places::resolve(&Inputs {
            config_env: Some(named.clone()),
            exe_dir: Some(PathBuf::from("/usr/bin")),
            portable_config_exists: false,
            platform: Some(PlatformDirs {
                config: PathBuf::from("/home/u/.config/ocrlay"),
                data_local: PathBuf::from("/home/u/.local/share/ocrlay"),
                cache: PathBuf::from("/home/u/.cache/ocrlay"),
                runtime: Some(PathBuf::from("/run/user/1000/ocrlay")),
            }),
        });
        assert_eq!(p.config_file, named);
        assert_eq!(p.data_dir, PathBuf::from("/home/u/.local/share/ocrlay"));
        assert_eq!(p.runtime_dir, PathBuf::from("/run/user/1000/ocrlay"));
    }

    /// The permission bits of `path`, not following a symbolic link.
    #[cfg(unix)]
    fn mode(path: &Path) -> u32 {
        use std::os::unix::fs::PermissionsExt;
        std::fs::symlink_metadata(path)
            .unwrap()
            .permissions()
            .mode()
            & 0o7777
    }

    #[cfg(unix)]
    fn set_mode(path: &Path, mode: u32) {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
    }

    /// Tightening takes only the group's and others' bits from regular files; it never adds a bit and never
    /// touches a folder or what a symbolic link points to.
    #[cfg(unix)]
    #[test]
    fn tighten_only_narrows_regular_files() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("f");
        std::fs::write(&file, "x").unwrap();
        for (before, after) in [
            (0o644, 0o600),
            (0o400, 0o400),
            (0o600, 0o600),
            (0o751, 0o700),
        ] {
            set_mode(&file, before);
            tighten(&file).unwrap();
            assert_eq!(mode(&file), after, "{before:o}");
        }
        let sub = dir.path().join("d");
        std::fs::create_dir(&sub).unwrap();
        set_mode(&sub, 0o755);
        tighten(&sub).unwrap();
        assert_eq!(mode(&sub), 0o755);
        set_mode(&file, 0o644);
        let link = dir.path().join("l");
        std::os::unix::fs::symlink(&file, &link).unwrap();
        tighten(&link).unwrap();
        assert_eq!(mode(&file), 0o644);
        tighten(&dir.path().join("missing")).unwrap();
    }

    /// Folders ocrlay creates are 0700; one that exists keeps its mode, even 0500.
    #[cfg(unix)]
    #[test]
    fn create_private_dir_leaves_existing_folders_alone() {
        let root = tempfile::tempdir().unwrap();
        let made = root.path().join("a/b");
        create_private_dir(&made).unwrap();
        assert_eq!(mode(&root.path().join("a")), 0o700);
        assert_eq!(mode(&made), 0o700);
        for kept in [0o500, 0o755] {
            set_mode(&made, kept);
            create_private_dir(&made).unwrap();
            assert_eq!(mode(&made), kept);
        }
        assert!(!dir_is_read_only(&made));
        set_mode(&made, 0o500);
        assert!(dir_is_read_only(&made));
        set_mode(&made, 0o700);
    }

    /// A file that was there keeps its owner's bits: a 0400 file written by root stays 0400.
    #[cfg(unix)]
    #[test]
    fn write_private_creates_0600_and_never_widens() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("port");
        write_private(&file, b"1").unwrap();
        assert_eq!(mode(&file), 0o600);
        set_mode(&file, 0o644);
        write_private(&file, b"2").unwrap();
        assert_eq!(mode(&file), 0o600);
    }

    #[test]
    fn no_home_still_gives_places() {
        let p = Places::resolve(&Inputs::default());
        assert!(p.config_file.ends_with("config.toml"));
        assert!(!p.portable);
    }
}
