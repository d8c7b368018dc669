//! `hfgen validate`.

use crate::diag::Diagnostic;
use crate::error::{Error, Result};
use crate::validate::files::{read_input, shown, validate_text};
use crate::validate::kube_schema::{KubeSchemas, DEFAULT_VERSION};
use crate::validate::report::{self, Format};
use clap::Args;

#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// Manifest files; `-` or nothing reads stdin.
    #[arg(value_name = "FILE|-")]
    pub files: Vec<String>,
    /// Kubernetes version whose API schemas to use (1.25, 1.33 or 1.37).
    #[arg(long, short = 'k', value_name = "V", default_value = DEFAULT_VERSION)]
    pub kubernetes_version: String,
    /// Count documents of a kind without a bundled schema as skipped instead of invalid.
    #[arg(long)]
    pub ignore_missing_schemas: bool,
    /// Report format.
    #[arg(long, short = 'o', value_enum, default_value = "text")]
    pub output: Format,
}

pub fn run(args: ValidateArgs) -> Result<u8> {
    let schemas =
        KubeSchemas::load(&args.kubernetes_version).map_err(|e| Error::msg(e.to_string()))?;
    let files = if args.files.is_empty() {
        vec!["-".to_string()]
    } else {
        args.files
    };
    let mut reports = Vec::new();
    let mut errors = Vec::new();
    for file in &files {
        match read_input(file)
            .map(|text| validate_text(file, &text, schemas, args.ignore_missing_schemas))
        {
            // `kubectl kustomize missing/ | hfgen validate -` must not pass having checked
            // nothing; kubectl too refuses to apply no objects.
            Ok(report) if report.documents.is_empty() => errors.push(Diagnostic::error(format!(
                "{}: no YAML documents (the input is empty), so nothing was validated",
                shown(file)
            ))),
            Ok(report) => reports.push(report),
            Err(error) => errors.extend(error.diagnostics),
        }
    }
    if !errors.is_empty() {
        return Err(errors.into());
    }
    super::write_stdout(&report::render(&reports, args.output))?;
    let valid = reports.iter().all(|r| r.findings.is_empty());
    Ok(if valid { 0 } else { 1 })
}
