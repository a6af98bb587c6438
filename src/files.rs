//! Bounded reads of the files a user names or ocrlay saved a path to (the settings file, a shared profile, an
//! image for `ocrlay ocr`): one helper that refuses what is not a regular file (a named pipe would block for
//! ever, a device such as `/dev/zero` would be read until memory runs out, a folder cannot be read) and caps
//! the size, with words that name the size and the limit.

use crate::text::Text;
use std::fs::{self, File, Metadata};
use std::io::{self, Read};
use std::path::{Path, PathBuf};

/// The largest settings file read, in bytes. A settings file of every section with a dozen providers and
/// filters is under 20 kB; a glossary of 10 000 terms adds about 600 kB. Parsed TOML costs some 30 times its
/// size in memory (a 50 MB file cost 1.6 GB), so 4 MB bounds that to about 130 MB while no real file meets it.
pub const SETTINGS_MAX_BYTES: u64 = 4_000_000;

/// The largest shared profile file read (see [`crate::config::ProfileOp::Import`]), in bytes: a profile is a
/// part of the settings (its glossary is most of it), so the same bound as [`SETTINGS_MAX_BYTES`].
pub const PROFILE_MAX_BYTES: u64 = SETTINGS_MAX_BYTES;

/// The largest image file read, in bytes. The largest image decoded ([`crate::images::MAX_DECODED_BYTES`]) is
/// 256 MB of pixels; a file holding it uncompressed (BMP) is that and a header, compressed files are smaller.
pub const IMAGE_MAX_BYTES: u64 = 300_000_000;

/// What is at a path that is not a regular file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A folder.
    Directory,
    /// A named pipe (FIFO): reading it waits for a writer.
    Fifo,
    /// A character or block device (`/dev/zero`, a disk).
    Device,
    /// A Unix socket.
    Socket,
    /// Anything else the system has.
    Other,
}

impl Kind {
    /// What `meta` is, when it is not a regular file.
    fn of(meta: &Metadata) -> Option<Kind> {
        let t = meta.file_type();
        if t.is_file() {
            return None;
        }
        if t.is_dir() {
            return Some(Kind::Directory);
        }
        #[cfg(unix)]
        {
            use std::os::unix::fs::FileTypeExt;
            if t.is_fifo() {
                return Some(Kind::Fifo);
            }
            if t.is_char_device() || t.is_block_device() {
                return Some(Kind::Device);
            }
            if t.is_socket() {
                return Some(Kind::Socket);
            }
        }
        Some(Kind::Other)
    }

    /// The kind in words (a key of the string table).
    pub fn text(self) -> Text {
        match self {
            Kind::Directory => Text::new("file.kind_directory"),
            Kind::Fifo => Text::new("file.kind_fifo"),
            Kind::Device => Text::new("file.kind_device"),
            Kind::Socket => Text::new("file.kind_socket"),
            Kind::Other => Text::new("file.kind_other"),
        }
    }
}

/// Why a file was not read.
#[derive(Debug, thiserror::Error)]
pub enum FileError {
    /// Nothing is at the path.
    #[error("{} does not exist", path.display())]
    NotFound {
        /// The path.
        path: PathBuf,
    },
    /// The path is not a regular file: it is not read (nor moved, nor written over).
    #[error("{}", self.text())]
    NotRegular {
        /// The path.
        path: PathBuf,
        /// What it is.
        kind: Kind,
    },
    /// The file is larger than what is read of its kind.
    #[error("{}", self.text())]
    TooLarge {
        /// The path (`-` for standard input).
        path: PathBuf,
        /// Its size in bytes; `None` for a stream (standard input), of which only `limit + 1` bytes are read.
        size: Option<u64>,
        /// The limit in bytes.
        limit: u64,
    },
    /// The system refused the read (permissions, a disk error).
    #[error("cannot read {}: {source}", path.display())]
    Io {
        /// The path.
        path: PathBuf,
        /// Why.
        source: io::Error,
    },
}

impl FileError {
    /// What went wrong as a sentence of the string table.
    pub fn text(&self) -> Text {
        match self {
            FileError::NotFound { path } => Text::new("config.cannot_read")
                .with("path", path.display())
                .with("error", io::Error::from(io::ErrorKind::NotFound)),
            FileError::NotRegular { path, kind } => Text::new("file.not_regular")
                .with("path", path.display())
                .with_text("kind", kind.text()),
            FileError::TooLarge {
                path,
                size: Some(size),
                limit,
            } => Text::new("file.too_large")
                .with("path", path.display())
                .with("size", size_in_words(*size))
                .with("limit", size_in_words(*limit)),
            FileError::TooLarge {
                path,
                size: None,
                limit,
            } => Text::new("file.too_large_stream")
                .with("path", path.display())
                .with("limit", size_in_words(*limit)),
            FileError::Io { path, source } => Text::new("config.cannot_read")
                .with("path", path.display())
                .with("error", source),
        }
    }
}

impl FileError {
    /// The same error, about `path`.
    pub fn for_path(self, path: &Path) -> FileError {
        let path = path.to_path_buf();
        match self {
            FileError::NotFound { .. } => FileError::NotFound { path },
            FileError::NotRegular { kind, .. } => FileError::NotRegular { path, kind },
            FileError::TooLarge { size, limit, .. } => FileError::TooLarge { path, size, limit },
            FileError::Io { source, .. } => FileError::Io { path, source },
        }
    }
}

/// A byte count as people read it: `4.2 MB`, `812 kB`, `97 bytes` (decimal units, as file managers show).
pub fn size_in_words(bytes: u64) -> String {
    match bytes {
        0..1_000 => format!("{bytes} bytes"),
        1_000..1_000_000 => format!("{:.0} kB", bytes as f64 / 1e3),
        1_000_000..1_000_000_000 => format!("{:.1} MB", bytes as f64 / 1e6),
        _ => format!("{:.1} GB", bytes as f64 / 1e9),
    }
}

/// Opens `path` for reading when it is a regular file of at most `limit` bytes. The file is looked at before it
/// is opened (opening a named pipe waits for a writer) and again once open (it may have been replaced in
/// between); on Linux it is opened without blocking for the same reason. Read it through
/// [`Read::take`]`(limit)` or [`read`]: a file may still grow after the check.
pub fn open(path: &Path, limit: u64) -> Result<File, FileError> {
    let io_err = |source: io::Error| match source.kind() {
        io::ErrorKind::NotFound => FileError::NotFound {
            path: path.to_path_buf(),
        },
        _ => FileError::Io {
            path: path.to_path_buf(),
            source,
        },
    };
    check(path, &fs::metadata(path).map_err(io_err)?, limit)?;
    let mut options = fs::OpenOptions::new();
    options.read(true);
    #[cfg(target_os = "linux")]
    {
        use std::os::unix::fs::OpenOptionsExt;
        // Reads of a regular file never block, so the flag changes nothing for the file that is read.
        options.custom_flags(libc::O_NONBLOCK);
    }
    let file = options.open(path).map_err(io_err)?;
    check(path, &file.metadata().map_err(io_err)?, limit)?;
    Ok(file)
}

/// Refuses what is not a regular file of at most `limit` bytes.
fn check(path: &Path, meta: &Metadata, limit: u64) -> Result<(), FileError> {
    if let Some(kind) = Kind::of(meta) {
        return Err(FileError::NotRegular {
            path: path.to_path_buf(),
            kind,
        });
    }
    if meta.len() > limit {
        return Err(FileError::TooLarge {
            path: path.to_path_buf(),
            size: Some(meta.len()),
            limit,
        });
    }
    Ok(())
}

/// The bytes of `path`, when it is a regular file of at most `limit` bytes (see [`open`]).
pub fn read(path: &Path, limit: u64) -> Result<Vec<u8>, FileError> {
    let file = open(path, limit)?;
    read_at_most(file, limit).map_err(|e| e.for_path(path))
}

/// All of `reader` (standard input, a file that is open already), refused when it holds more than `limit`
/// bytes: at most `limit + 1` bytes are ever held. The error's path is `-` (say which input it was with
/// [`FileError::for_path`]).
pub fn read_at_most(reader: impl Read, limit: u64) -> Result<Vec<u8>, FileError> {
    let mut bytes = Vec::new();
    reader
        .take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|source| FileError::Io {
            path: PathBuf::from("-"),
            source,
        })?;
    if bytes.len() as u64 > limit {
        return Err(FileError::TooLarge {
            path: PathBuf::from("-"),
            size: None,
            limit,
        });
    }
    Ok(bytes)
}

/// What is at `path` when it is there and is not a regular file (saving over it would replace a pipe or a
/// device node; moving it aside would move someone's folder).
pub fn not_regular(path: &Path) -> Option<Kind> {
    fs::metadata(path).ok().as_ref().and_then(Kind::of)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_regular_file_within_the_limit_is_read() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.toml");
        fs::write(&path, "x = 1\n").unwrap();
        assert_eq!(read(&path, 6).unwrap(), b"x = 1\n");
        assert!(not_regular(&path).is_none());
    }

    #[test]
    fn a_file_over_the_limit_is_refused_with_its_size_and_the_limit() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("big.toml");
        fs::write(&path, vec![b'#'; 2_500_000]).unwrap();
        let e = read(&path, 2_000_000).unwrap_err();
        assert!(
            matches!(
                e,
                FileError::TooLarge {
                    size: Some(2_500_000),
                    limit: 2_000_000,
                    ..
                }
            ),
            "{e:?}"
        );
        let text = e.text();
        assert_eq!(text.key, "file.too_large");
        let rendered = text.render("en");
        assert!(
            rendered.contains("2.5 MB") && rendered.contains("2.0 MB"),
            "{rendered}"
        );
    }

    #[test]
    fn a_folder_is_refused_as_a_folder() {
        let dir = tempfile::tempdir().unwrap();
        let e = read(dir.path(), 1000).unwrap_err();
        assert!(
            matches!(
                e,
                FileError::NotRegular {
                    kind: Kind::Directory,
                    ..
                }
            ),
            "{e:?}"
        );
        assert_eq!(not_regular(dir.path()), Some(Kind::Directory));
    }

    #[test]
    fn missing_is_not_found() {
        let dir = tempfile::tempdir().unwrap();
        let e = read(&dir.path().join("none"), 1000).unwrap_err();
        assert!(matches!(e, FileError::NotFound { .. }), "{e:?}");
    }

    #[cfg(unix)]
    #[test]
    fn a_device_and_a_named_pipe_are_refused_without_reading() {
        let e = read(Path::new("/dev/zero"), 1000).unwrap_err();
        assert!(
            matches!(
                e,
                FileError::NotRegular {
                    kind: Kind::Device,
                    ..
                }
            ),
            "{e:?}"
        );
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("pipe");
        let made = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap();
        assert!(made.success());
        // No writer ever opens the pipe: a read that opened it would wait for ever.
        let e = read(&fifo, 1000).unwrap_err();
        assert!(
            matches!(
                e,
                FileError::NotRegular {
                    kind: Kind::Fifo,
                    ..
                }
            ),
            "{e:?}"
        );
        assert_eq!(e.text().key, "file.not_regular");
    }

    #[test]
    fn a_stream_is_read_up_to_the_limit_and_no_further() {
        assert_eq!(read_at_most(&b"abc"[..], 3).unwrap(), b"abc");
        // An endless stream: one byte past the limit is read, no more.
        let e = read_at_most(io::repeat(0), 1000).unwrap_err();
        assert!(
            matches!(
                e,
                FileError::TooLarge {
                    size: None,
                    limit: 1000,
                    ..
                }
            ),
            "{e:?}"
        );
        assert_eq!(e.text().key, "file.too_large_stream");
    }

    #[test]
    fn sizes_read_as_people_say_them() {
        assert_eq!(size_in_words(97), "97 bytes");
        assert_eq!(size_in_words(812_300), "812 kB");
        assert_eq!(size_in_words(4_000_000), "4.0 MB");
        assert_eq!(size_in_words(52_428_800), "52.4 MB");
    }
}
