//! The command line: argument definitions and one small module per subcommand.

mod check;
mod completions;
mod diagram;
mod explain;
mod profiles;
mod render;
mod schema;
mod setup;
mod validate;

use crate::diag::Code;
use crate::error::{Error, Result};
use crate::profile::LoadedProfile;
use clap::{Args, Parser, Subcommand};
use std::io::Write;

/// Compile a HyperFlow deployment profile into plain, validated Kubernetes YAML.
#[derive(Debug, Parser)]
#[command(name = "hfgen", version, about, propagate_version = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Render the manifests of a profile: one YAML stream on stdout, or a folder with --out.
    Render(render::RenderArgs),
    /// Validate any manifests against the bundled strict Kubernetes API schemas.
    Validate(validate::ValidateArgs),
    /// Compare fresh renders with golden files: a diff and exit 1 on drift; --update rewrites them.
    Check(check::CheckArgs),
    /// List the built-in profiles; `profiles show NAME` prints one.
    Profiles(profiles::ProfilesArgs),
    /// Print the merged profile, each value with the file and line, --set, preset or default
    /// it came from.
    Explain(explain::ExplainArgs),
    /// Print the JSON Schema of profiles.
    Schema,
    /// Print the bash script that prepares the cluster or host for a profile (runs nothing).
    Setup(setup::SetupArgs),
    /// Print a shell completion script.
    Completions(completions::CompletionsArgs),
    /// Draw the architecture (mermaid, DOT or SVG) from the objects a profile renders.
    Diagram(diagram::DiagramArgs),
}

/// The profile a command works on, and its `--set` overrides.
#[derive(Debug, Args)]
pub struct ProfileArgs {
    /// Built-in profile name (see `hfgen profiles`) or path of a profile file.
    #[arg(long, short = 'p', value_name = "NAME|FILE", add = completions::profiles())]
    pub profile: String,
    /// Override a profile value: dotted key and TOML value (a bare word is a string).
    #[arg(long = "set", value_name = "KEY=VALUE", add = completions::set_keys())]
    pub sets: Vec<String>,
}

impl ProfileArgs {
    /// Loads the profile; its warnings go to stderr.
    pub fn load(&self) -> Result<LoadedProfile> {
        let loaded = crate::profile::load(&self.profile, &self.sets)?;
        for warning in &loaded.warnings {
            say(warning);
        }
        Ok(loaded)
    }
}

/// Writes clap's `--help` or `--version` text to stdout: 0, or 2 if it cannot be written.
fn print_help(help: &clap::Error) -> u8 {
    use std::io::IsTerminal;
    let text = help.render();
    let text = if std::io::stdout().is_terminal() {
        text.ansi().to_string()
    } else {
        text.to_string()
    };
    match write_stdout(&text) {
        Ok(()) => 0,
        Err(error) => {
            report(&error);
            error.exit_code()
        }
    }
}

/// The capacity check of `plan`, made from `loaded` (`render`, `setup`, `explain
/// --capacity`): its warnings go to stderr.
fn capacity_check(loaded: &LoadedProfile, plan: &crate::plan::Plan) -> Result<()> {
    for warning in crate::plan::capacity::check(loaded, &plan.capacity)? {
        say(warning);
    }
    Ok(())
}

/// Parses the arguments, runs the command and returns the process exit code.
pub fn main() -> u8 {
    // `COMPLETE=bash hfgen ...`, as the script of `hfgen completions` calls it: answers the
    // shell and exits.
    completions::answer_shell();
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) if error.use_stderr() => {
            say(usage_error(&error));
            return crate::error::EXIT_BAD_INPUT;
        }
        // `--help` and `--version` are the product here: a closed or full stdout is an error,
        // as for every other command (issue 27, item 11).
        Err(help) => return print_help(&help),
    };
    let result = match cli.command {
        Command::Render(args) => render::run(args),
        Command::Validate(args) => validate::run(args),
        Command::Check(args) => check::run(args),
        Command::Profiles(args) => profiles::run(args),
        Command::Explain(args) => explain::run(args),
        Command::Schema => schema::run(),
        Command::Setup(args) => setup::run(args),
        Command::Completions(args) => completions::run(args),
        Command::Diagram(args) => diagram::run(args),
    };
    match result {
        Ok(code) => code,
        Err(error) => {
            report(&error);
            error.exit_code()
        }
    }
}

/// clap's message for a command line that does not parse, its header carrying the code as
/// every diagnostic's does (plain, as hfgen's diagnostics are).
fn usage_error(error: &clap::Error) -> String {
    let text = error.render().to_string();
    let text = text.trim_end();
    match text.strip_prefix("error:") {
        Some(rest) => format!("error[{}]:{rest}", Code::Usage.id()),
        None => text.to_string(),
    }
}

/// Prints every diagnostic of `error` on stderr.
pub fn report(error: &Error) {
    say(error);
}

/// Writes one message to stderr. A message that cannot be written (stderr closed, full, or a
/// closed pipe) is dropped: `eprintln!` would panic instead, losing the product on stdout and
/// the exit code that tells a script what happened.
pub fn say(message: impl std::fmt::Display) {
    let _ = writeln!(std::io::stderr().lock(), "{message}");
}

/// Writes the product to stdout; a closed pipe (`hfgen render | head`) is not an error.
pub fn write_stdout(text: &str) -> Result<(), Error> {
    // `hfgen render >&-` must not exit 0 having written nothing.
    if crate::input::stdio_was_closed(1) {
        return Err(Error::msg(
            Code::WriteFailed,
            "cannot write to stdout: it is closed",
        ));
    }
    let mut stdout = std::io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|_| stdout.flush())
    {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(Error::msg(
            Code::WriteFailed,
            format!("cannot write to stdout: {e}"),
        )),
    }
}
