//! Golden files: everything hfgen generates for a profile, kept in a folder under version
//! control and compared with a fresh render, so a template change shows up as a diff in review
//! and an unintended one fails CI.
//!
//! [`expected_files`] is the one list of what a golden folder holds; [`compare()`] finds the
//! drift between it and a folder on disk; [`diff`] turns the drift into a unified diff.

pub mod compare;
pub mod diff;

pub use compare::{compare, FileDrift};

use crate::diag::Code;
use crate::emit::out_dir::folder_files;
use crate::error::{Error, Result};
use crate::layout::{component_folders, Component, SETUP_SCRIPT};
use crate::manifests::Bundle;
use crate::plan::Plan;
use crate::profile::LoadedProfile;
use crate::render::render_plan;
use crate::setup;
use std::path::{Path, PathBuf};

/// Every file the golden folder of `loaded` must hold, as (path relative to the folder with `/`
/// separators, content), in a fixed order.
///
/// The folder itself is exactly what `hfgen render --profile P --out DIR` writes, so it can be
/// applied with `kubectl apply -k`; other generated outputs live beside it. A feature whose output
/// should be guarded by golden files adds one line here, e.g.
/// `files.push(("setup.sh".into(), setup::script(loaded)?));`
pub fn expected_files(loaded: &LoadedProfile) -> Result<Vec<(String, String)>> {
    let plan = Plan::new(&loaded.profile);
    // One render (and validation) of every component, selected as `render` and
    // `render --component NAME` would.
    let all = render_plan(&plan, &loaded.short_name(), &Component::ALL)?;
    let defaults = &plan.default_components;
    let selected = |component: &dyn Fn(Component) -> bool| Bundle {
        provided_claims: all.provided_claims.clone(),
        files: all
            .files
            .iter()
            .filter(|file| component(file.component))
            .cloned()
            .collect(),
    };
    let mut files = folder_files(&selected(&|component| defaults.contains(&component)));
    for only in component_folders() {
        files.extend(in_subfolder(
            only.name(),
            folder_files(&selected(&|component| component == only)),
        ));
    }
    // A GKE profile with neither [cluster] nor worker pools renders fine but has nothing
    // to set up.
    if !setup::prerequisites::nothing_to_set_up(&plan) {
        files.push((SETUP_SCRIPT.into(), setup::script_of(loaded, &plan)?));
    }
    Ok(files)
}

/// The name of a profile's golden folder: the built-in name (`gke`), or the file stem of a
/// profile file (`deploy/my.toml` -> `my`).
pub fn folder_name(loaded: &LoadedProfile) -> String {
    loaded.short_name()
}

/// The golden folder of `loaded` under `golden_dir`: a folder of its own, never `golden_dir`
/// itself or its parent (a profile file named `..toml` has the stem `.`), and a name that
/// diffs and `git apply` carry as it is (no control characters).
pub fn folder(golden_dir: &Path, loaded: &LoadedProfile) -> Result<PathBuf> {
    let name = folder_name(loaded);
    let plain = !matches!(name.as_str(), "" | "." | "..")
        && !name.contains(['/', '\\'])
        && !name.chars().any(char::is_control);
    if !plain {
        return Err(Error::msg(Code::GoldenName, format!(
            "{}: the golden folder would be named {:?}, which is not a folder name of its own; rename the profile file",
            crate::text::printable(&loaded.name),
            name
        )));
    }
    Ok(golden_dir.join(name))
}

fn in_subfolder(subfolder: &str, files: Vec<(String, String)>) -> Vec<(String, String)> {
    files
        .into_iter()
        .map(|(name, content)| (format!("{subfolder}/{name}"), content))
        .collect()
}
