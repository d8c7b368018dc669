//! Comparing a golden folder on disk with the files a render expects there.

use crate::diag::Code;
use crate::error::{Error, Result};
use crate::input;
use crate::text::printable;
use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

/// One file where the golden folder and the render disagree. Paths are relative to the golden
/// folder, with `/` separators.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileDrift {
    /// In both, with different bytes.
    Changed {
        path: String,
        golden: Vec<u8>,
        rendered: String,
    },
    /// Rendered, but absent from the golden folder.
    Missing { path: String, rendered: String },
    /// In the golden folder, but no longer rendered.
    Extra { path: String, golden: Vec<u8> },
}

impl FileDrift {
    pub fn path(&self) -> &str {
        match self {
            FileDrift::Changed { path, .. }
            | FileDrift::Missing { path, .. }
            | FileDrift::Extra { path, .. } => path,
        }
    }
}

/// How many files of each kind of drift: (changed, missing, extra).
pub fn counts(drift: &[FileDrift]) -> (usize, usize, usize) {
    let mut counts = (0, 0, 0);
    for file in drift {
        match file {
            FileDrift::Changed { .. } => counts.0 += 1,
            FileDrift::Missing { .. } => counts.1 += 1,
            FileDrift::Extra { .. } => counts.2 += 1,
        }
    }
    counts
}

/// The drift between `folder` and `expected` (relative path, content): changed and missing files
/// in the order of `expected`, then extra files sorted by path. Empty when they are equal.
/// Subfolders are compared too; empty folders are ignored, as git ignores them.
pub fn compare(folder: &Path, expected: &[(String, String)]) -> Result<Vec<FileDrift>> {
    let mut on_disk = list_files(folder)?;
    let mut drift = Vec::new();
    for (path, rendered) in expected {
        match on_disk.remove(path) {
            Some(file) => {
                let golden = read(&file)?;
                if golden != rendered.as_bytes() {
                    drift.push(FileDrift::Changed {
                        path: path.clone(),
                        golden,
                        rendered: rendered.clone(),
                    });
                }
            }
            None => drift.push(FileDrift::Missing {
                path: path.clone(),
                rendered: rendered.clone(),
            }),
        }
    }
    for (path, file) in on_disk {
        drift.push(FileDrift::Extra {
            golden: read(&file)?,
            path,
        });
    }
    Ok(drift)
}

/// Every file under `folder`, keyed by its `/`-separated path relative to `folder`. A symbolic
/// link, FIFO, socket or device is an error: hfgen writes only regular files, and following a
/// link would show (or block on) whatever it points at.
fn list_files(folder: &Path) -> Result<BTreeMap<String, PathBuf>> {
    // The folder itself too: a linked golden folder is not "up to date" (issue 27, item 12).
    if fs::symlink_metadata(folder).is_ok_and(|meta| meta.is_symlink()) {
        return Err(Error::msg(Code::ForeignFolder, format!(
            "{} is a symbolic link; a golden folder is a folder of its own, so hfgen does not follow it",
            printable(&folder.to_string_lossy())
        )));
    }
    let mut files = BTreeMap::new();
    let mut pending = vec![(folder.to_path_buf(), String::new())];
    while let Some((dir, prefix)) = pending.pop() {
        let entries = fs::read_dir(&dir).map_err(|e| {
            Error::msg(
                Code::Unreadable,
                format!("cannot read {}: {e}", dir.display()),
            )
        })?;
        for entry in entries {
            let entry = entry.map_err(|e| {
                Error::msg(
                    Code::Unreadable,
                    format!("cannot read {}: {e}", dir.display()),
                )
            })?;
            let relative = format!("{prefix}{}", entry.file_name().to_string_lossy());
            let kind = entry.file_type().map_err(|e| {
                Error::msg(
                    Code::Unreadable,
                    format!("cannot read {}: {e}", entry.path().display()),
                )
            })?;
            if kind.is_dir() {
                pending.push((entry.path(), format!("{relative}/")));
            } else if kind.is_file() {
                files.insert(relative, entry.path());
            } else {
                let what = match kind.is_symlink() {
                    true => "a symbolic link",
                    false => "not a regular file (a FIFO, socket or device)",
                };
                return Err(Error::msg(Code::ForeignFolder, format!(
                    "{} is {what}; a golden folder holds only the files hfgen writes, so hfgen does not follow or read it",
                    printable(&entry.path().to_string_lossy())
                )));
            }
        }
    }
    Ok(files)
}

/// The most bytes of one golden file read: hfgen's files are a few kilobytes.
pub const MAX_GOLDEN_FILE_BYTES: u64 = 64 * 1024 * 1024;

fn read(path: &Path) -> Result<Vec<u8>> {
    input::read_bytes(path, MAX_GOLDEN_FILE_BYTES, input::Kind::RegularOnly).map_err(|e| {
        Error::msg(
            Code::Unreadable,
            format!("cannot read {}: {e}", printable(&path.to_string_lossy())),
        )
    })
}
