//! `hfgen diagram`.

use crate::diagram::{self, Format};
use crate::error::Result;
use crate::profile;
use crate::render::{self, templates::Component};
use clap::Args;

#[derive(Debug, Args)]
pub struct DiagramArgs {
    /// Built-in profile name (see `hfgen profiles`) or path of a profile file.
    #[arg(long, short = 'p', value_name = "NAME|FILE")]
    pub profile: String,
    /// Override a profile value: dotted key and TOML value (a bare word is a string).
    #[arg(long = "set", value_name = "KEY=VALUE")]
    pub sets: Vec<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Mermaid)]
    pub format: Format,
}

pub fn run(args: DiagramArgs) -> Result<u8> {
    let loaded = profile::load(&args.profile, &args.sets)?;
    for warning in &loaded.warnings {
        super::say(warning);
    }
    // The picture shows everything a profile deploys for a run, post-processing included
    // (not the pod that copies results out afterwards).
    let bundle = render::render(&loaded.profile, &[Component::Core, Component::Postprocess])?;
    super::write_stdout(&diagram::draw(&bundle, args.format)?)?;
    Ok(0)
}
