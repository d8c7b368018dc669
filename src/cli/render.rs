//! `hfgen render`.

use crate::emit;
use crate::error::{Error, Result};
use crate::render::{self, templates::Component};
use clap::Args;
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct RenderArgs {
    #[command(flatten)]
    pub profile: super::ProfileArgs,
    /// Write one file per template and a kustomization.yaml into DIR instead of stdout.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Render only these components: core, postprocess (default: core, and postprocess
    /// unless postprocess.automatic = false).
    #[arg(long = "component", value_name = "NAME", value_parser = parse_component,
          add = super::completions::components())]
    pub components: Vec<Component>,
}

fn parse_component(name: &str) -> std::result::Result<Component, String> {
    Component::from_name(name).ok_or_else(|| {
        let known: Vec<_> = Component::ALL.iter().map(|c| c.name()).collect();
        format!("unknown component `{name}`; known: {}", known.join(", "))
    })
}

pub fn run(args: RenderArgs) -> Result<u8> {
    let loaded = args.profile.load()?;
    let components = if args.components.is_empty() {
        Component::defaults(&loaded.profile)
    } else {
        args.components
    };
    let bundle = render::render(&loaded, &components)?;
    match args.out {
        Some(dir) => {
            emit::write_out_dir(&bundle, &dir)?;
            super::say(format_args!(
                "wrote {} files and kustomization.yaml to {}",
                bundle.files.len(),
                dir.display()
            ));
        }
        None => super::write_stdout(&bundle.to_stream())?,
    }
    Ok(0)
}

impl From<std::io::Error> for Error {
    fn from(error: std::io::Error) -> Self {
        Error::msg(error.to_string())
    }
}
