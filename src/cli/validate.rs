//! `hfgen validate`.

use crate::diag::{Code, Diagnostic};
use crate::error::{Error, Result};
use crate::validate::api_rules;
use crate::validate::crd::CustomResources;
use crate::validate::document::Checks;
use crate::validate::files::{read_input, shown, validate_text};
use crate::validate::kube_schema::{KubeSchemas, DEFAULT_VERSION};
use crate::validate::report::{self, Format};
use clap::Args;
use std::sync::Arc;

#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// Manifest files; `-` or nothing reads stdin.
    #[arg(value_name = "FILE|-")]
    pub files: Vec<String>,
    /// Kubernetes version to validate for, 1.25 to 1.37. Its API-server rules apply; versions
    /// without vendored schemas (all but 1.25, 1.33, 1.37) use the nearest vendored ones.
    #[arg(long, short = 'k', value_name = "V", default_value = DEFAULT_VERSION)]
    pub kubernetes_version: String,
    /// CustomResourceDefinitions whose schemas validate their custom resources: a file, or a
    /// folder of .yaml/.yml/.json files. Repeatable.
    #[arg(long, value_name = "FILE|DIR")]
    pub crd: Vec<String>,
    /// Count documents of a kind without a schema as skipped instead of invalid.
    #[arg(long)]
    pub ignore_missing_schemas: bool,
    /// Check the schemas only, not the API server's own rules (what kubeconform and
    /// kubernetes-validate check).
    #[arg(long)]
    pub schema_only: bool,
    /// Report format.
    #[arg(long, short = 'o', value_enum, default_value = "text")]
    pub output: Format,
}

pub fn run(args: ValidateArgs) -> Result<u8> {
    let (version, kube) = KubeSchemas::nearest(&args.kubernetes_version)
        .map_err(|e| Error::msg(Code::UnknownKubernetesVersion, e.to_string()))?;
    if kube.version() != version {
        // On stderr, so that JSON and JUnit reports stay what their readers parse.
        super::say(format!(
            "note: Kubernetes {version} has no vendored schemas: objects are checked against the nearest, {}'s, and against {version}'s API-server rules",
            kube.version()
        ));
    }
    let checks = Checks {
        kube,
        custom: Arc::new(CustomResources::load(&args.crd)?),
        ignore_missing_schemas: args.ignore_missing_schemas,
        rules: (!args.schema_only).then(|| api_rules::Version::of(&version)),
    };
    let files = if args.files.is_empty() {
        vec!["-".to_string()]
    } else {
        args.files
    };
    let mut reports = Vec::new();
    let mut errors = Vec::new();
    let mut empty_stdin = false;
    for file in &files {
        match read_input(file).map(|text| validate_text(file, &text, &checks)) {
            Ok(report) => {
                // A blank file is a valid file of no objects, but `kubectl kustomize missing/ |
                // hfgen validate -` must not pass having checked nothing.
                empty_stdin |= file == "-" && report.documents.is_empty();
                reports.push(report);
            }
            Err(error) => errors.extend(error.diagnostics),
        }
    }
    if !errors.is_empty() {
        return Err(errors.into());
    }
    super::write_stdout(&report::format_reports(&reports, args.output))?;
    if empty_stdin {
        super::report(&Error::new(Diagnostic::error(
            Code::EmptyInput,
            format!(
                "{}: no YAML documents (the input is empty), so nothing was validated",
                shown("-")
            ),
        )));
    }
    let valid = !empty_stdin && reports.iter().all(|r| r.findings.is_empty());
    Ok(if valid { 0 } else { 1 })
}
