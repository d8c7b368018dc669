//! `hfgen check`: render each profile and compare with its golden folder; `--update` rewrites.
//!
//! Exit codes: 0 every folder equal (or updated), 1 drift (diff on stdout), 2 bad input,
//! including a golden folder that does not exist: a check that compares with nothing must not
//! pass.

use crate::diag::{Code, Diagnostic};
use crate::emit::out_dir::{write_folders, written_by_hfgen, Replace};
use crate::error::{Error, Result, EXIT_BAD_INPUT};
use crate::golden::{self, compare::counts, diff};
use crate::profile::{self, builtin, LoadedProfile};
use clap::Args;
use std::path::{Path, PathBuf};

/// Exit code when a golden folder differs from the render.
pub const EXIT_DRIFT: u8 = 1;

const DEFAULT_GOLDEN: &str = "golden";

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Built-in profile name or profile file; repeat for several [default: every built-in profile].
    #[arg(long = "profile", short = 'p', value_name = "NAME|FILE")]
    pub profiles: Vec<String>,
    /// Folder of golden folders: DIR/<name>/ for a built-in profile, DIR/<file stem>/ for a file.
    #[arg(long, value_name = "DIR", default_value = DEFAULT_GOLDEN)]
    pub golden: PathBuf,
    /// Rewrite the golden folders with the current render (creating them if needed).
    #[arg(long)]
    pub update: bool,
}

/// One profile, rendered, and the golden folder it is compared with.
struct Target {
    spec: String,
    loaded: LoadedProfile,
    folder: PathBuf,
    shown: String,
    files: Vec<(String, String)>,
}

pub fn run(args: CheckArgs) -> Result<u8> {
    let targets = prepare(&args)?;
    if args.update {
        return update_all(&targets);
    }
    // Honours NO_COLOR and CLICOLOR_FORCE; otherwise colour only when stdout is a terminal.
    let colour = anstream::AutoStream::choice(&std::io::stdout()) != anstream::ColorChoice::Never;
    let mut code = 0;
    for target in &targets {
        match compare(target, &args, colour) {
            Ok(outcome) => code = code.max(outcome),
            Err(error) => {
                super::report(&error);
                code = EXIT_BAD_INPUT;
            }
        }
    }
    Ok(code)
}

/// Loads and renders every profile before anything is compared or written, so bad input in
/// any of them stops the command with every problem reported and nothing written.
fn prepare(args: &CheckArgs) -> Result<Vec<Target>> {
    let mut specs: Vec<String> = if args.profiles.is_empty() {
        builtin::names().into_iter().map(String::from).collect()
    } else {
        args.profiles.clone()
    };
    let mut seen = std::collections::HashSet::new();
    specs.retain(|spec| seen.insert(spec.clone()));
    let mut targets: Vec<Target> = Vec::new();
    let mut problems: Vec<Diagnostic> = Vec::new();
    for spec in specs {
        let prepared = profile::load(&spec, &[]).and_then(|loaded| {
            let files = golden::expected_files(&loaded)?;
            Ok((loaded, files))
        });
        let (loaded, files) = match prepared {
            Ok(prepared) => prepared,
            Err(error) => {
                problems.extend(error.diagnostics);
                continue;
            }
        };
        for warning in &loaded.warnings {
            super::say(warning);
        }
        let folder = match golden::folder(&args.golden, &loaded) {
            Ok(folder) => folder,
            Err(error) => {
                problems.extend(error.diagnostics);
                continue;
            }
        };
        if let Some(other) = targets.iter().find(|t| t.folder == folder) {
            problems.push(Diagnostic::error(Code::GoldenName, format!(
                "profiles `{}` and `{spec}` would share the golden folder {}",
                other.spec,
                folder.display()
            )).with_help("a profile file's golden folder is named after its file stem; rename one of the files"));
            continue;
        }
        targets.push(Target {
            shown: diff::shown_path(&folder),
            spec,
            loaded,
            folder,
            files,
        });
    }
    if problems.is_empty() {
        Ok(targets)
    } else {
        Err(problems.into())
    }
}

/// Compares one golden folder; prints the diff on stdout and a summary on stderr.
fn compare(target: &Target, args: &CheckArgs, colour: bool) -> Result<u8> {
    if !target.folder.exists() {
        let mut create = format!("hfgen check --profile {}", target.spec);
        if args.golden != Path::new(DEFAULT_GOLDEN) {
            create.push_str(&format!(" --golden {}", args.golden.display()));
        }
        return Err(Error::new(
            Diagnostic::error(
                Code::GoldenMissing,
                format!(
                    "{}: golden folder {} does not exist",
                    target.loaded.name, target.shown
                ),
            )
            .with_help(format!("create it with `{create} --update`")),
        ));
    }
    require_folder(target)?;
    let drift = golden::compare(&target.folder, &target.files)?;
    if drift.is_empty() {
        super::say(format_args!(
            "{}: {} is up to date ({} files)",
            target.loaded.name,
            target.shown,
            target.files.len()
        ));
        return Ok(0);
    }
    super::write_stdout(&diff::unified_diff(&target.shown, &drift, colour))?;
    let (changed, missing, extra) = counts(&drift);
    super::say(format_args!(
        "{}: {} has drifted: {changed} changed, {missing} missing, {extra} extra; rerun with --update to accept the render",
        target.loaded.name, target.shown
    ));
    Ok(EXIT_DRIFT)
}

/// What `--update` does to one golden folder.
enum Update {
    Create,
    UpToDate,
    Replace(Vec<golden::FileDrift>),
}

/// Rewrites every drifting golden folder, all or nothing: each folder is compared and checked
/// first, and only when none is refused are they written, together (see [`write_folders`]).
fn update_all(targets: &[Target]) -> Result<u8> {
    let mut plans = Vec::new();
    let mut problems = Vec::new();
    for target in targets {
        match plan_update(target) {
            Ok(plan) => plans.push((target, plan)),
            Err(error) => problems.extend(error.diagnostics),
        }
    }
    if !problems.is_empty() {
        let mut error = Error::from(problems);
        error.diagnostics.push(Diagnostic::error(
            Code::UpdateRefused,
            "no golden folder was changed: --update rewrites all of them or none",
        ));
        return Err(error);
    }
    let writes: Vec<(PathBuf, Vec<(String, String)>)> = plans
        .iter()
        .filter(|(_, plan)| !matches!(plan, Update::UpToDate))
        .map(|(target, _)| (target.folder.clone(), target.files.clone()))
        .collect();
    for note in write_folders(&writes, Replace::ReviewedFolder)? {
        super::say(Diagnostic::warning(Code::FileKeptAside, note));
    }
    for (target, plan) in &plans {
        let (name, shown, count) = (&target.loaded.name, &target.shown, target.files.len());
        match plan {
            Update::Create => super::say(format_args!("{name}: created {shown} ({count} files)")),
            Update::UpToDate => super::say(format_args!(
                "{name}: {shown} is up to date ({count} files)"
            )),
            Update::Replace(drift) => {
                let (changed, added, removed) = counts(drift);
                let mut line = format!(
                    "{name}: updated {shown}: {changed} changed, {added} added, {removed} removed"
                );
                let extra: Vec<String> = drift
                    .iter()
                    .filter(|file| matches!(file, golden::FileDrift::Extra { .. }))
                    .map(|file| crate::text::printable(file.path()))
                    .collect();
                if !extra.is_empty() {
                    line.push_str(&format!(" ({})", extra.join(", ")));
                }
                super::say(line)
            }
        }
    }
    Ok(0)
}

/// Decides what `--update` does to one golden folder, refusing one hfgen did not write.
fn plan_update(target: &Target) -> Result<Update> {
    if std::fs::symlink_metadata(&target.folder).is_err() {
        return Ok(Update::Create);
    }
    require_folder(target)?;
    let drift = golden::compare(&target.folder, &target.files)?;
    if drift.is_empty() {
        return Ok(Update::UpToDate);
    }
    if !written_by_hfgen(&target.folder) {
        return Err(Error::new(
            Diagnostic::error(Code::ForeignFolder, format!(
                "{}: {} has no kustomization.yaml written by hfgen; refusing to replace a folder hfgen did not write",
                target.loaded.name, target.shown
            ))
            .with_help("move its files away, or pass --golden with another folder"),
        ));
    }
    Ok(Update::Replace(drift))
}

fn require_folder(target: &Target) -> Result<()> {
    if target.folder.is_dir() {
        Ok(())
    } else {
        Err(Error::msg(
            Code::ForeignFolder,
            format!(
                "{}: golden folder {} exists and is not a folder",
                target.loaded.name, target.shown
            ),
        ))
    }
}
