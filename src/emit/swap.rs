//! Staging a folder's new content beside it and swapping it in: at once where the system can
//! exchange two folders (Linux), else by two renames through a folder of this run's own. What a
//! run killed by SIGKILL leaves, a later run removes.

use super::out_dir::{hfgen_file_name, io_error, parent_of};
use crate::error::Result;
use std::fs;
use std::path::{Path, PathBuf};

/// Staging and old-content folders are `.hfgen-stage-<pid>-<random>` and `.hfgen-old-<pid>-...`
/// beside the output folder, so a later run can tell its dead predecessors' leftovers.
const STAGE_PREFIX: &str = ".hfgen-stage-";
const OLD_PREFIX: &str = ".hfgen-old-";

/// A folder's new content, complete in a staging folder beside it.
pub struct Staged {
    dir: PathBuf,
    parent: PathBuf,
    stage: tempfile::TempDir,
}

impl Staged {
    pub fn new(dir: &Path, files: &[(String, String)]) -> Result<Staged> {
        let parent = parent_of(dir)?;
        fs::create_dir_all(&parent).map_err(|e| io_error("create", &parent, e))?;
        remove_stale(&parent);
        let stage = tempfile::Builder::new()
            .prefix(&own_prefix(STAGE_PREFIX))
            .tempdir_in(&parent)
            .map_err(|e| io_error("create a staging folder in", &parent, e))?;
        for (name, content) in files {
            let path = stage.path().join(name);
            if let Some(folder) = path.parent() {
                fs::create_dir_all(folder).map_err(|e| io_error("create", folder, e))?;
            }
            fs::write(&path, content).map_err(|e| io_error("write", &path, e))?;
        }
        Ok(Staged {
            dir: dir.to_path_buf(),
            parent,
            stage,
        })
    }

    /// Puts the staged folder at `dir`. On error, `dir` is as it was and the stage is removed.
    pub fn swap(self) -> Result<Swapped> {
        let replace_error = |e| io_error("replace", &self.dir, e);
        if fs::symlink_metadata(&self.dir).is_err() {
            fs::rename(self.stage.path(), &self.dir).map_err(replace_error)?;
            return Ok(Swapped {
                dir: self.dir,
                old: Old::None(self.stage),
            });
        }
        #[cfg(target_os = "linux")]
        {
            use rustix::fs::{renameat_with, RenameFlags, CWD};
            // One atomic step: readers see the old folder or the new one, never neither.
            if renameat_with(
                CWD,
                self.stage.path(),
                CWD,
                &self.dir,
                RenameFlags::EXCHANGE,
            )
            .is_ok()
            {
                return Ok(Swapped {
                    dir: self.dir,
                    old: Old::Exchanged(self.stage),
                });
            }
        }
        // No atomic exchange: move the old folder into a fresh folder of this run's own
        // (never a name the user may own), then the new one into place.
        let holder = tempfile::Builder::new()
            .prefix(&own_prefix(OLD_PREFIX))
            .tempdir_in(&self.parent)
            .map_err(|e| io_error("create a folder in", &self.parent, e))?;
        let old = holder.path().join("old");
        fs::rename(&self.dir, &old).map_err(replace_error)?;
        if let Err(e) = fs::rename(self.stage.path(), &self.dir) {
            let _ = fs::rename(&old, &self.dir);
            return Err(replace_error(e));
        }
        Ok(Swapped {
            dir: self.dir,
            old: Old::Moved {
                holder,
                stage: self.stage,
            },
        })
    }
}

/// A folder swapped in, whose old content is kept until [`Swapped::finish`].
pub struct Swapped {
    dir: PathBuf,
    old: Old,
}

enum Old {
    /// There was no folder; the stage's path is now free.
    None(tempfile::TempDir),
    /// The stage holds the old content.
    Exchanged(tempfile::TempDir),
    /// `holder/old` holds the old content; the stage's path is free.
    Moved {
        holder: tempfile::TempDir,
        stage: tempfile::TempDir,
    },
}

impl Swapped {
    /// Removes of the old content what the check approved (`removable`), and moves anything
    /// else found there into the new folder: a file the user wrote between the check and the
    /// swap ends up in the old content, and is not hfgen's to delete. What cannot be moved
    /// (the new folder has that name) stays in the old-content folder; the notes say where.
    pub fn finish(self, removable: &[PathBuf]) -> Vec<String> {
        let old = match self.old {
            // The stage's path is empty now: forget it rather than remove whatever is there.
            Old::None(stage) => {
                drop(stage.keep());
                return Vec::new();
            }
            Old::Exchanged(stage) => OldContent {
                folder: stage.keep(),
                holder: None,
            },
            Old::Moved { holder, stage } => {
                drop(stage.keep());
                let holder = holder.keep();
                OldContent {
                    folder: holder.join("old"),
                    holder: Some(holder),
                }
            }
        };
        old.clear(&self.dir, removable)
    }

    /// Puts the old content back (best effort: this runs only after another swap failed).
    pub fn undo(self) {
        match self.old {
            Old::None(stage) => {
                let _ = fs::rename(&self.dir, stage.path());
            }
            #[cfg(target_os = "linux")]
            Old::Exchanged(stage) => {
                use rustix::fs::{renameat_with, RenameFlags, CWD};
                let _ = renameat_with(CWD, stage.path(), CWD, &self.dir, RenameFlags::EXCHANGE);
            }
            #[cfg(not(target_os = "linux"))]
            Old::Exchanged(_) => unreachable!("only Linux exchanges"),
            Old::Moved { holder, stage } => {
                let _ = fs::rename(&self.dir, stage.path());
                let _ = fs::rename(holder.path().join("old"), &self.dir);
            }
        }
    }
}

/// The old content of a swapped folder, and the folder of this run's that holds it (when it
/// was moved rather than exchanged).
struct OldContent {
    folder: PathBuf,
    holder: Option<PathBuf>,
}

impl OldContent {
    fn clear(self, dir: &Path, removable: &[PathBuf]) -> Vec<String> {
        // Deepest first, as the check listed them; a folder that is not empty now holds
        // something the check did not see, and stays.
        for relative in removable {
            let path = self.folder.join(relative);
            match fs::symlink_metadata(&path) {
                Ok(meta) if meta.is_dir() => drop(fs::remove_dir(&path)),
                Ok(_) => drop(fs::remove_file(&path)),
                Err(_) => {}
            }
        }
        let mut clashing = Vec::new();
        for entry in fs::read_dir(&self.folder).into_iter().flatten().flatten() {
            let target = dir.join(entry.file_name());
            let moved =
                fs::symlink_metadata(&target).is_err() && fs::rename(entry.path(), &target).is_ok();
            if !moved {
                clashing.push(entry);
            }
        }
        let notes = keep_aside(dir, &clashing);
        // Empty now, unless something could not be moved aside (then the notes name it).
        let _ = fs::remove_dir(&self.folder);
        if let Some(holder) = &self.holder {
            let _ = fs::remove_dir(holder);
        }
        notes
    }
}

/// Moves `entries` of the old content, which clash with names of the new `dir`, into a folder
/// `<dir>.kept-<random>` beside it (a name no later run removes as its leftovers), and says so.
fn keep_aside(dir: &Path, entries: &[fs::DirEntry]) -> Vec<String> {
    if entries.is_empty() {
        return Vec::new();
    }
    let name = dir.file_name().unwrap_or_default().to_string_lossy();
    let kept = parent_of(dir).ok().and_then(|parent| {
        tempfile::Builder::new()
            .prefix(&format!("{name}.kept-"))
            .tempdir_in(parent)
            .ok()
            .map(tempfile::TempDir::keep)
    });
    let mut notes = Vec::new();
    for entry in entries {
        let mut place = entry.path();
        if let Some(kept) = &kept {
            let aside = kept.join(entry.file_name());
            if fs::rename(entry.path(), &aside).is_ok() {
                place = aside;
            }
        }
        notes.push(format!(
            "{} is not hfgen's to remove and the new {} has that name: kept as {}",
            dir.join(entry.file_name()).display(),
            dir.display(),
            place.display()
        ));
    }
    notes
}

/// `prefix` followed by this process's id and a dash.
fn own_prefix(prefix: &str) -> String {
    format!("{prefix}{}-", std::process::id())
}

/// Removes the staging and old-content folders in `parent` that a run killed by SIGKILL left:
/// those whose process is gone and that hold nothing but files hfgen writes. Anything else is
/// left alone.
fn remove_stale(parent: &Path) {
    let Ok(entries) = fs::read_dir(parent) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(pid) = [STAGE_PREFIX, OLD_PREFIX]
            .iter()
            .find_map(|prefix| name.strip_prefix(prefix))
            .and_then(|rest| rest.split_once('-'))
            .and_then(|(pid, _)| pid.parse::<u32>().ok())
        else {
            continue;
        };
        let is_dir = entry.file_type().is_ok_and(|kind| kind.is_dir());
        if is_dir && !process_alive(pid) && only_hfgen_files(&entry.path(), 0) {
            let _ = fs::remove_dir_all(entry.path());
        }
    }
}

/// Does `dir` hold only files with hfgen's names, in folders hfgen makes (`postprocess`, the
/// `old` of an old-content folder), at most three levels deep?
fn only_hfgen_files(dir: &Path, depth: usize) -> bool {
    let Ok(entries) = fs::read_dir(dir) else {
        return false;
    };
    entries.into_iter().all(|entry| {
        let Ok(entry) = entry else { return false };
        let name = entry.file_name().to_string_lossy().into_owned();
        match entry.file_type() {
            Ok(kind) if kind.is_file() => hfgen_file_name(&name),
            Ok(kind) if kind.is_dir() => {
                depth < 3
                    && (name == "old" || crate::layout::is_component_folder(&name))
                    && only_hfgen_files(&entry.path(), depth + 1)
            }
            _ => false,
        }
    })
}

fn process_alive(pid: u32) -> bool {
    #[cfg(unix)]
    {
        let Ok(pid) = i32::try_from(pid) else {
            return false;
        };
        // SAFETY: signal 0 sends nothing; it only asks whether the process exists.
        let result = unsafe { libc::kill(pid, 0) };
        result == 0 || std::io::Error::last_os_error().raw_os_error() != Some(libc::ESRCH)
    }
    #[cfg(not(unix))]
    {
        let _ = pid;
        true
    }
}
