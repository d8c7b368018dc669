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
            super::write_stdout(&source::resolve_builtin(&name)?.text)?;
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
