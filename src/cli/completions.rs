//! `hfgen completions SHELL`.

use crate::error::Result;
use clap::{Args, CommandFactory};
use clap_complete::Shell;

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// bash, zsh, fish, elvish or powershell.
    pub shell: Shell,
}

pub fn run(args: CompletionsArgs) -> Result<u8> {
    let mut command = super::Cli::command();
    clap_complete::generate(args.shell, &mut command, "hfgen", &mut std::io::stdout());
    Ok(0)
}
