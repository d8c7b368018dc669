//! `hfgen render`.

use crate::diag::{Code, Diagnostic};
use crate::emit;
use crate::error::{Error, Result};
use crate::layout::Component;
use crate::plan::Plan;
use crate::render::{
    self,
    templates::{TemplateSpec, TEMPLATES},
};
use clap::Args;
use std::path::{Path, PathBuf};

#[derive(Debug, Args)]
pub struct RenderArgs {
    #[command(flatten)]
    pub profile: super::ProfileArgs,
    /// Write one file per template and a kustomization.yaml into DIR instead of stdout.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Render only these components: core, postprocess, results (default: core, and
    /// postprocess unless postprocess.automatic = false).
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
    let plan = Plan::new(&loaded.profile);
    super::capacity_check(&loaded, &plan)?;
    let components = if args.components.is_empty() {
        plan.default_components.clone()
    } else {
        args.components
    };
    let bundle = render::render_plan(&plan, &loaded.short_name(), &components)?;
    match args.out {
        Some(dir) => {
            refuse_other_components(&dir, &components)?;
            for note in emit::write_out_dir(&bundle, &dir)? {
                super::say(Diagnostic::warning(Code::FileKeptAside, note));
            }
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

/// `render --component postprocess --out DIR` into the folder of the core render would replace
/// the core's files with the two post-processing Jobs: hfgen may replace its own folders, but
/// not one that holds what another component rendered. Each component gets a folder of its
/// own (`golden/<profile>/postprocess/` is the example), or they render together.
fn refuse_other_components(dir: &Path, selected: &[Component]) -> Result<()> {
    let found: Vec<&TemplateSpec> = TEMPLATES
        .iter()
        .filter(|spec| !selected.contains(&spec.component))
        .filter(|spec| {
            std::fs::symlink_metadata(dir.join(spec.file)).is_ok_and(|meta| meta.is_file())
        })
        .collect();
    let Some(first) = found.first() else {
        return Ok(());
    };
    let files: Vec<&str> = found.iter().map(|spec| spec.file).collect();
    let rendering: Vec<&str> = selected.iter().map(|c| c.name()).collect();
    Err(Diagnostic::error(Code::ForeignFolder, format!(
        "{} holds the render of component {} ({}); rendering only {} there would replace it",
        dir.display(),
        first.component.name(),
        files.join(", "),
        rendering.join(" and ")
    ))
    .with_help(format!(
        "write it to a folder of its own (e.g. --out {}), or add --component {} to render both together",
        dir.join(rendering.join("-")).display(),
        first.component.name()
    ))
    .into())
}

impl From<std::io::Error> for Error {
    fn from(error: std::io::Error) -> Self {
        Error::msg(Code::WriteFailed, error.to_string())
    }
}
