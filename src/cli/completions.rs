//! `hfgen completions SHELL`, and the completions themselves.
//!
//! The script a shell sources calls hfgen back (`COMPLETE=bash hfgen -- hfgen render ...`) and
//! hfgen answers from what it knows: built-in profile names with their descriptions (and
//! `.toml` files), components, and profile keys for `--set` (`nfs.address=` and then its
//! choices). A static script could list names but not files beside them, nor keys as they
//! change with the schema.

use crate::error::Result;
use crate::layout::Component;
use crate::profile::{builtin, schema, schema_check::choices};
use clap::{Args, CommandFactory};
use clap_complete::engine::{ArgValueCandidates, ArgValueCompleter, PathCompleter, ValueCompleter};
use clap_complete::env::Shells;
use clap_complete::{CompleteEnv, CompletionCandidate, Shell};
use std::ffi::OsStr;

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// bash, zsh, fish, elvish or powershell.
    pub shell: Shell,
}

/// The environment variable that makes hfgen answer a shell instead of running.
const TRIGGER: &str = "COMPLETE";

pub fn run(args: CompletionsArgs) -> Result<u8> {
    let name = args.shell.to_string();
    let shells = Shells::builtins();
    let shell = shells
        .completer(&name)
        .expect("clap_complete knows the shells it lists");
    let mut script = Vec::new();
    // The script calls `hfgen` from PATH, so it keeps working after hfgen is upgraded.
    shell
        .write_registration(TRIGGER, "hfgen", "hfgen", "hfgen", &mut script)
        .map_err(crate::error::Error::from)?;
    super::write_stdout(&String::from_utf8_lossy(&script))?;
    Ok(0)
}

/// Answers the shell and exits when hfgen runs under `COMPLETE=SHELL`; else returns.
pub fn answer_shell() {
    CompleteEnv::with_factory(super::Cli::command)
        .var(TRIGGER)
        .complete();
}

/// `--profile`: built-in names with their descriptions, then profile files and folders.
pub fn profiles() -> ArgValueCompleter {
    ArgValueCompleter::new(|current: &OsStr| {
        let mut candidates = builtin_names()
            .into_iter()
            .filter(|candidate| starts_with(candidate, current))
            .collect::<Vec<_>>();
        let files = PathCompleter::any()
            .filter(|path| path.extension().is_some_and(|ext| ext == "toml"))
            .complete(current);
        candidates.extend(files);
        candidates
    })
}

/// Built-in profile names, each with its description.
pub fn builtin_profiles() -> ArgValueCandidates {
    ArgValueCandidates::new(builtin_names)
}

fn builtin_names() -> Vec<CompletionCandidate> {
    builtin::BUILTIN_PROFILES
        .iter()
        .map(|profile| {
            let description = crate::profile::load(profile.name, &[])
                .map(|loaded| loaded.profile.description)
                .unwrap_or_default();
            CompletionCandidate::new(profile.name).help(Some(description.into()))
        })
        .collect()
}

/// `--component`: the component names.
pub fn components() -> ArgValueCandidates {
    ArgValueCandidates::new(|| {
        Component::ALL
            .iter()
            .map(|component| CompletionCandidate::new(component.name()))
            .collect()
    })
}

/// `--set`: `KEY=` for every key of the profile; after `KEY=`, the key's choices if it has any.
pub fn set_keys() -> ArgValueCompleter {
    ArgValueCompleter::new(|current: &OsStr| {
        let current = current.to_string_lossy();
        if let Some((key, _)) = current.split_once('=') {
            let path: Vec<String> = key.split('.').map(String::from).collect();
            return choices(&path)
                .into_iter()
                .map(|choice| format!("{key}={choice}"))
                .filter(|value| value.starts_with(&*current))
                .map(CompletionCandidate::new)
                .collect();
        }
        documented_keys()
            .into_iter()
            .filter(|(key, _, is_table)| !is_table && key.starts_with(&*current))
            .map(|(key, help, _)| {
                CompletionCandidate::new(format!("{key}=")).help(Some(help.into()))
            })
            .collect()
    })
}

/// `hfgen explain KEY`: every key and table of the profile.
pub fn keys() -> ArgValueCompleter {
    ArgValueCompleter::new(|current: &OsStr| {
        let current = current.to_string_lossy();
        documented_keys()
            .into_iter()
            .filter(|(key, _, _)| key.starts_with(&*current))
            .map(|(key, help, _)| CompletionCandidate::new(key).help(Some(help.into())))
            .collect()
    })
}

/// Dotted keys of the schema with their descriptions and whether each is a table; the
/// placeholders of free-form maps (`nodes.master.<label>`) are left out, as no one types them,
/// and so are the keys the checks always refuse.
fn documented_keys() -> Vec<(String, String, bool)> {
    schema::all_keys()
        .into_iter()
        .filter(|doc| !doc.path.contains('<'))
        .filter(|doc| !schema::ALWAYS_REFUSED.contains(&doc.path.as_str()))
        .map(|doc| {
            let is_table = doc.kind.starts_with("table");
            (doc.path, doc.description, is_table)
        })
        .collect()
}

fn starts_with(candidate: &CompletionCandidate, current: &OsStr) -> bool {
    candidate
        .get_value()
        .to_string_lossy()
        .starts_with(&*current.to_string_lossy())
}
