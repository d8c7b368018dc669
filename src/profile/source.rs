//! Reading profile text: a built-in name or a file, with the limits that keep bad input cheap.

use super::builtin;
use crate::diag::Code;
use crate::diag::{Diagnostic, Origin};
use crate::error::{Error, Result};
use crate::input;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Profiles are a few kilobytes; anything this large is a mistake (a binary, a log file).
pub const MAX_PROFILE_BYTES: u64 = 1024 * 1024;

/// The text of one profile file and where it came from.
#[derive(Debug, Clone)]
pub struct ProfileSource {
    /// What diagnostics call it: the built-in name (`gke`) or the path as given.
    pub name: String,
    /// The directory that relative `extends` paths start from (none for built-ins).
    pub base_dir: Option<PathBuf>,
    pub text: Arc<str>,
}

impl ProfileSource {
    /// A profile compiled into hfgen (only files have a folder for their `extends` paths).
    pub fn is_builtin(&self) -> bool {
        self.base_dir.is_none()
    }

    pub fn origin(&self, span: std::ops::Range<usize>) -> Origin {
        Origin {
            name: self.name.clone(),
            source: self.text.clone(),
            span,
        }
    }
}

/// Is `spec` a path (as opposed to a built-in profile name)?
pub fn looks_like_path(spec: &str) -> bool {
    spec.contains('/') || spec.contains('\\') || spec.ends_with(".toml")
}

/// Resolves `--profile NAME|FILE`: a built-in name, else a file path.
pub fn resolve(spec: &str) -> Result<ProfileSource> {
    if !looks_like_path(spec) && (builtin::find(spec).is_some() || !Path::new(spec).exists()) {
        return resolve_builtin(spec);
    }
    read_file(Path::new(spec), input::Kind::AnyStream)
}

/// The built-in profile `name`, or an error that suggests the nearest one.
pub fn resolve_builtin(name: &str) -> Result<ProfileSource> {
    if let Some(profile) = builtin::find(name) {
        return Ok(ProfileSource {
            name: profile.name.to_string(),
            base_dir: None,
            text: Arc::from(profile.source),
        });
    }
    let help = match super::suggest::nearest(name, builtin::names()) {
        Some(known) => format!("did you mean `{known}`?"),
        None => format!(
            "built-in profiles: {}; a file needs a path with `/` or `.toml`",
            builtin::names().join(", ")
        ),
    };
    Err(Error::new(
        Diagnostic::error(Code::UnknownProfile, format!("unknown profile `{name}`"))
            .with_help(help),
    ))
}

/// Reads a profile file, refusing huge, binary or non-UTF-8 files with a clear message. The
/// profile the user names may be a pipe (`--profile <(...)`); a file named by `extends` must be
/// a regular file, since a FIFO there would block forever.
pub fn read_file(path: &Path, kind: input::Kind) -> Result<ProfileSource> {
    let name = path.display().to_string();
    let text = input::read_text(path, MAX_PROFILE_BYTES, kind).map_err(|why| {
        let why = match why {
            input::ReadError::Nul => {
                "it contains NUL bytes (a binary file?); a profile is TOML text".to_string()
            }
            input::ReadError::TooLarge { limit } => {
                format!("it is larger than {limit} bytes, the most a profile may be")
            }
            other => other.to_string(),
        };
        Error::msg(
            Code::Unreadable,
            format!("cannot read profile {name}: {why}"),
        )
    })?;
    Ok(ProfileSource {
        name,
        base_dir: Some(
            path.parent()
                .map(Path::to_path_buf)
                .unwrap_or_else(|| PathBuf::from(".")),
        ),
        text: Arc::from(text),
    })
}
