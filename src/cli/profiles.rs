//! `hfgen profiles` and `hfgen profiles show NAME`.

use crate::diag::Code;
use crate::error::Result;
use crate::profile::{builtin::BUILTIN_PROFILES, load, source};
use clap::{Args, Subcommand};

#[derive(Debug, Args)]
pub struct ProfilesArgs {
    #[command(subcommand)]
    pub action: Option<ProfilesAction>,
}

#[derive(Debug, Subcommand)]
pub enum ProfilesAction {
    /// Print the file of a built-in profile, as it is compiled into hfgen (a start for your
    /// own profile; `hfgen explain` shows every value with its origin).
    Show {
        /// Built-in profile name.
        #[arg(value_name = "NAME", add = super::completions::builtin_profiles())]
        name: String,
    },
}

pub fn run(args: ProfilesArgs) -> Result<u8> {
    match args.action {
        None => list(),
        Some(ProfilesAction::Show { name }) => {
            if source::looks_like_path(&name) {
                // Not "a file needs a path with `/` or `.toml`": this one has it (issue 27).
                return Err(crate::diag::Diagnostic::error(
                    Code::NotBuiltIn,
                    format!(
                        "`profiles show` prints the built-in profiles only; `{name}` is a file"
                    ),
                )
                .with_help(format!(
                    "`hfgen explain --profile {name}` shows its values and where each comes from"
                ))
                .into());
            }
            super::write_stdout(&as_saved(&source::resolve_builtin(&name)?.text))?;
            Ok(0)
        }
    }
}

fn list() -> Result<u8> {
    let mut out = String::new();
    for builtin in BUILTIN_PROFILES {
        let loaded = load(builtin.name, &[])?;
        out.push_str(&format!(
            "{:<18} {}\n",
            builtin.name, loaded.profile.description
        ));
    }
    super::write_stdout(&out)?;
    Ok(0)
}

/// The file of a built-in profile as a user saves it. Its `#:schema ../schema/...` line holds
/// only inside hfgen's repository and makes taplo fail anywhere else, so it becomes a comment
/// that says how to get the schema; the line count stays, so `hfgen explain`'s `built-in
/// profile gke:56:1` still points at the same line of the printed file.
fn as_saved(text: &str) -> String {
    text.split_inclusive('\n')
        .map(|line| {
            let relative_schema = line
                .strip_prefix("#:schema ")
                .is_some_and(|target| !target.contains("://"));
            if relative_schema {
                SCHEMA_HINT
            } else {
                line
            }
        })
        .collect()
}

/// What replaces a relative `#:schema` line (not itself a directive: it starts with `# `).
const SCHEMA_HINT: &str = "# Editor support: `hfgen schema > profile.schema.json`, then start this file with `#:schema ./profile.schema.json`\n";
