//! `hfgen diagram`.

use crate::diagram::{self, Format};
use crate::error::Result;
use crate::layout::Component;
use crate::render;
use clap::Args;

#[derive(Debug, Args)]
pub struct DiagramArgs {
    #[command(flatten)]
    pub profile: super::ProfileArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Mermaid)]
    pub format: Format,
}

pub fn run(args: DiagramArgs) -> Result<u8> {
    let loaded = args.profile.load()?;
    // The picture shows everything a profile deploys for a run, post-processing included
    // (not the pod that copies results out afterwards).
    let bundle = render::render_profile(&loaded, &[Component::Core, Component::Postprocess])?;
    super::write_stdout(&diagram::draw(&bundle, args.format)?)?;
    Ok(0)
}
