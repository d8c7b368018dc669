//! `hfgen setup`: prints the preparation script; runs nothing.

use crate::error::Result;
use clap::Args;

#[derive(Debug, Args)]
pub struct SetupArgs {
    #[command(flatten)]
    pub profile: super::ProfileArgs,
}

pub fn run(args: SetupArgs) -> Result<u8> {
    let loaded = args.profile.load()?;
    crate::profile::checks::cluster::placeholders(&loaded)?;
    let plan = crate::plan::Plan::new(&loaded.profile);
    super::capacity_check(&loaded, &plan)?;
    let script = crate::setup::script_of(&loaded, &plan)?;
    super::write_stdout(&script)?;
    Ok(0)
}
