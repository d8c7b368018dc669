//! Bounded reads of input files and stdin: every byte hfgen reads from outside passes here, so
//! no file, device or pipe can make it read without end, and a file that cannot be waited for
//! (a FIFO named in `extends` or found in a golden folder) is refused instead of blocking.

use std::fs::File;
use std::io::{self, Read};
use std::path::Path;

/// Why a bounded read gave no text.
#[derive(Debug)]
pub enum ReadError {
    Io(io::Error),
    Directory,
    /// A FIFO, socket or device where only a regular file will do.
    NotRegular,
    /// More than the limit: the read stopped there.
    TooLarge {
        limit: u64,
    },
    /// A NUL byte: no text hfgen reads (TOML, YAML) may hold one.
    Nul,
    NotUtf8 {
        valid_up_to: usize,
    },
}

impl std::fmt::Display for ReadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ReadError::Io(error) => write!(f, "{error}"),
            ReadError::Directory => f.write_str("it is a directory"),
            ReadError::NotRegular => {
                f.write_str("it is not a regular file (a FIFO, socket or device)")
            }
            ReadError::TooLarge { limit } => write!(
                f,
                "it is larger than {limit} bytes, the most hfgen reads; nothing was read past that"
            ),
            ReadError::Nul => f.write_str("it contains NUL bytes (a binary file?), not text"),
            ReadError::NotUtf8 { valid_up_to } => write!(
                f,
                "it is not UTF-8 text (invalid byte at offset {valid_up_to})"
            ),
        }
    }
}

impl From<io::Error> for ReadError {
    fn from(error: io::Error) -> Self {
        ReadError::Io(error)
    }
}

/// What a caller accepts besides a regular file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Only a regular file: a FIFO would block and a device never ends.
    RegularOnly,
    /// Also a pipe or a device the user named (`hfgen validate <(kubectl kustomize ...)`).
    AnyStream,
}

/// The text of `path`, at most `limit` bytes, refusing NUL bytes as soon as they arrive.
pub fn read_text(path: &Path, limit: u64, kind: Kind) -> Result<String, ReadError> {
    text(read_file(path, limit, kind, true)?)
}

/// The bytes of `path`, at most `limit` of them (NUL bytes allowed).
pub fn read_bytes(path: &Path, limit: u64, kind: Kind) -> Result<Vec<u8>, ReadError> {
    read_file(path, limit, kind, false)
}

fn read_file(path: &Path, limit: u64, kind: Kind, stop_at_nul: bool) -> Result<Vec<u8>, ReadError> {
    let file = open(path, kind)?;
    let metadata = file.metadata()?;
    if metadata.is_dir() {
        return Err(ReadError::Directory);
    }
    if !metadata.is_file() && kind == Kind::RegularOnly {
        return Err(ReadError::NotRegular);
    }
    // A regular file's size is known: refuse a large one without reading it. Devices and
    // /proc files report 0, so the read below is bounded as well.
    if metadata.is_file() && metadata.len() > limit {
        return Err(ReadError::TooLarge { limit });
    }
    read_limited(file, limit, stop_at_nul)
}

/// The text of stdin, at most `limit` bytes; a closed stdin (`<&-`) is an error, not "empty".
pub fn read_stdin_text(limit: u64) -> Result<String, ReadError> {
    if stdio_was_closed(0) {
        return Err(ReadError::Io(io::Error::new(
            io::ErrorKind::NotConnected,
            "stdin is closed",
        )));
    }
    // Redirected from a regular file (`< big.yaml`): its size is known, as for a named file.
    #[cfg(unix)]
    {
        use std::os::fd::AsFd;
        let size = io::stdin()
            .as_fd()
            .try_clone_to_owned()
            .map(File::from)
            .and_then(|file| file.metadata());
        if let Ok(metadata) = size {
            if metadata.is_file() && metadata.len() > limit {
                return Err(ReadError::TooLarge { limit });
            }
        }
    }
    text(read_limited(io::stdin().lock(), limit, true)?)
}

/// Reads up to `limit` bytes, and one more to tell a file of exactly `limit` bytes from a
/// longer one. With `stop_at_nul`, a NUL byte ends the read at once (`/dev/zero` is refused
/// after one block, not after the limit).
fn read_limited(reader: impl Read, limit: u64, stop_at_nul: bool) -> Result<Vec<u8>, ReadError> {
    let mut reader = reader.take(limit.saturating_add(1));
    let mut bytes = Vec::new();
    let mut block = vec![0u8; 64 * 1024];
    loop {
        let count = match reader.read(&mut block) {
            Ok(0) => break,
            Ok(count) => count,
            Err(error) if error.kind() == io::ErrorKind::Interrupted => continue,
            Err(error) => return Err(error.into()),
        };
        if stop_at_nul && block[..count].contains(&0) {
            return Err(ReadError::Nul);
        }
        bytes.extend_from_slice(&block[..count]);
    }
    if bytes.len() as u64 > limit {
        return Err(ReadError::TooLarge { limit });
    }
    Ok(bytes)
}

fn text(bytes: Vec<u8>) -> Result<String, ReadError> {
    if bytes.contains(&0) {
        return Err(ReadError::Nul);
    }
    String::from_utf8(bytes).map_err(|e| ReadError::NotUtf8 {
        valid_up_to: e.utf8_error().valid_up_to(),
    })
}

/// Opens `path` for reading. For [`Kind::RegularOnly`] the open itself must not block: opening
/// a FIFO waits for a writer, so it is opened non-blocking and then refused by its type.
fn open(path: &Path, kind: Kind) -> io::Result<File> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    if kind == Kind::RegularOnly {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK);
    }
    #[cfg(not(unix))]
    let _ = kind;
    options.open(path)
}

/// Was standard descriptor `fd` (0, 1 or 2) closed when hfgen started (`<&-`, `>&-`)?
///
/// Rust's runtime opens `/dev/null` read-write on a closed standard descriptor before `main`,
/// so a closed stdin reads as empty and a closed stdout swallows the product; a shell's
/// `</dev/null` or `>/dev/null` opens it for reading or writing only. A read-write `/dev/null`
/// is therefore taken as "closed".
pub fn stdio_was_closed(fd: i32) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        // SAFETY: F_GETFL only reads the descriptor's flags; any int is a valid argument.
        let flags = unsafe { libc::fcntl(fd, libc::F_GETFL) };
        if flags == -1 {
            return true;
        }
        if flags & libc::O_ACCMODE != libc::O_RDWR {
            return false;
        }
        let path = format!("/proc/self/fd/{fd}");
        let device = |path: &str| std::fs::metadata(path).ok().map(|m| (m.dev(), m.rdev()));
        device(&path).is_some_and(|own| Some(own) == device("/dev/null"))
    }
    #[cfg(not(unix))]
    {
        let _ = fd;
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_limit_is_an_error_not_a_truncation() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ten");
        std::fs::write(&path, "0123456789").unwrap();
        assert_eq!(
            read_text(&path, 10, Kind::RegularOnly).unwrap(),
            "0123456789"
        );
        assert!(matches!(
            read_text(&path, 9, Kind::RegularOnly),
            Err(ReadError::TooLarge { limit: 9 })
        ));
        // A stream's size is not known beforehand: the read stops one byte past the limit.
        assert!(matches!(
            read_limited(&b"0123456789"[..], 9, true),
            Err(ReadError::TooLarge { limit: 9 })
        ));
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn devices_end_and_fifos_do_not_block() {
        let zero = Path::new("/dev/zero");
        assert!(matches!(
            read_text(zero, 1 << 30, Kind::AnyStream),
            Err(ReadError::Nul)
        ));
        assert!(matches!(
            read_text(zero, 1 << 30, Kind::RegularOnly),
            Err(ReadError::NotRegular)
        ));
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("fifo");
        let status = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap();
        assert!(status.success());
        assert!(matches!(
            read_text(&fifo, 100, Kind::RegularOnly),
            Err(ReadError::NotRegular)
        ));
    }
}
