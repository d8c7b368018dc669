//! `hfgen setup`: prints the preparation script; runs nothing.

use crate::error::Result;
use crate::profile;
use clap::Args;

#[derive(Debug, Args)]
pub struct SetupArgs {
    /// Built-in profile name (see `hfgen profiles`) or path of a profile file.
    #[arg(long, short = 'p', value_name = "NAME|FILE")]
    pub profile: String,
    /// Override a profile value: dotted key and TOML value (a bare word is a string).
    #[arg(long = "set", value_name = "KEY=VALUE")]
    pub sets: Vec<String>,
}

pub fn run(args: SetupArgs) -> Result<u8> {
    let loaded = profile::load(&args.profile, &args.sets)?;
    for warning in &loaded.warnings {
        super::say(warning);
    }
    let script = crate::setup::script(&loaded)?;
    super::write_stdout(&script)?;
    Ok(0)
}
