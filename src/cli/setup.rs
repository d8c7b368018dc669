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
    crate::profile::check_cluster::placeholders(&loaded)?;
    super::capacity_check(&loaded)?;
    let script = crate::setup::script(&loaded)?;
    super::write_stdout(&script)?;
    Ok(0)
}
