//! `hfgen validate` on any manifests: files or stdin, every error of every document.

use super::report::FileReport;
use super::{kube_schema::KubeSchemas, locate, schema_findings, Finding};
use crate::diag::Diagnostic;
use crate::error::{Error, Result};
use crate::manifests::Document;
use std::io::Read;

/// Manifests larger than this are not a mistake to catch early, but they are not ours either.
const MAX_INPUT_BYTES: u64 = 512 * 1024 * 1024;

/// Reads `path` (`-` is stdin) as text.
pub fn read_input(path: &str) -> Result<String> {
    let mut bytes = Vec::new();
    let result = if path == "-" {
        std::io::stdin()
            .take(MAX_INPUT_BYTES)
            .read_to_end(&mut bytes)
            .map(|_| ())
    } else {
        std::fs::File::open(path).and_then(|file| {
            file.take(MAX_INPUT_BYTES)
                .read_to_end(&mut bytes)
                .map(|_| ())
        })
    };
    result.map_err(|e| Error::msg(format!("cannot read {path}: {e}")))?;
    String::from_utf8(bytes)
        .map_err(|_| Error::msg(format!("cannot read {path}: it is not UTF-8 text")))
}

/// Validates every document of `text`; YAML that does not parse is bad input.
pub fn validate_text(name: &str, text: &str, schemas: &KubeSchemas) -> Result<FileReport> {
    let values: Vec<serde_json::Value> = serde_saphyr::from_multiple(text)
        .map_err(|e| Error::new(Diagnostic::error(format!("{name}: not valid YAML: {e}"))))?;
    let mut report = FileReport {
        file: name.to_string(),
        documents: Vec::new(),
        findings: Vec::new(),
    };
    for (index, value) in values.into_iter().enumerate() {
        let doc = Document { value };
        report.documents.push(doc.id());
        if !doc.value.is_object() {
            report.findings.push(Finding::new(
                name,
                index,
                &doc,
                "",
                "the document is not a mapping".into(),
            ));
            continue;
        }
        report
            .findings
            .extend(schema_findings(schemas, name, index, &doc));
    }
    locate(&mut report.findings, name, text);
    Ok(report)
}
