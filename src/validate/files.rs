//! `hfgen validate` on any manifests: files or stdin, every error of every document.

use super::report::FileReport;
use super::{kube_schema::KubeSchemas, locate, schema_findings, Finding};
use crate::error::{Error, Result};
use crate::input;
use crate::manifests::{yaml, Document};
use serde_json::Value;
use std::cell::Cell;
use std::path::Path;

/// The most `hfgen validate` reads of one input. Beyond it the input is refused with a message
/// that says so (exit 2): validating only its start could pass a stream whose later documents
/// are invalid.
pub const MAX_INPUT_BYTES: u64 = 512 * 1024 * 1024;

/// Reads `path` (`-` is stdin) as text: at most [`MAX_INPUT_BYTES`], no NUL bytes, UTF-8.
pub fn read_input(path: &str) -> Result<String> {
    let result = if path == "-" {
        input::read_stdin_text(MAX_INPUT_BYTES)
    } else {
        input::read_text(Path::new(path), MAX_INPUT_BYTES, input::Kind::AnyStream)
    };
    result.map_err(|why| Error::msg(format!("cannot read {}: {why}", shown(path))))
}

/// An input's name in messages: `-` as `stdin`, control characters escaped.
pub fn shown(path: &str) -> String {
    match path {
        "-" => "stdin".to_string(),
        path => super::report::printable(path),
    }
}

/// serde-saphyr's default budget caps a whole input at 1,024 documents, 250,000 nodes and
/// 1,000,000 parser events, which an honest stream of a few thousand manifests (a big
/// `kubectl kustomize` output) exceeds. Those counts are bounded by the input's length anyway
/// (every document, node and event but alias replays takes at least one byte), so limits
/// proportional to the length keep the cost linear without refusing honest input; alias
/// expansion and nesting depth keep their default limits.
pub fn yaml_options(text: &str) -> serde_saphyr::Options {
    let defaults = serde_saphyr::Budget::default();
    let bytes = text.len();
    serde_saphyr::options! {
        budget: serde_saphyr::budget! {
            max_documents: defaults.max_documents.max(bytes),
            max_nodes: defaults.max_nodes.max(bytes),
            max_events: defaults.max_events.max(bytes.saturating_mul(4)),
            max_total_scalar_bytes: defaults.max_total_scalar_bytes.max(bytes),
        },
    }
}

/// Validates every document of `text`. YAML that does not parse is a finding of the file (at
/// the line the parser names), as kubectl would refuse it too. With `ignore_missing_schemas`,
/// a kind without a vendored schema is counted as skipped instead of reported.
///
/// Documents are validated as they are parsed and dropped straight after, so memory stays flat
/// however long the stream is (20,000 manifests took 166 MB when all were parsed before the
/// first was validated, 34 MB this way) and each document is checked while it is still in the
/// CPU's caches. The fast reader ([`yaml`]) reads most streams; when it hands one over,
/// serde-saphyr reads it again from the start, and the documents checked so far are dropped.
pub fn validate_text(
    name: &str,
    text: &str,
    schemas: &'static KubeSchemas,
    ignore_missing_schemas: bool,
) -> FileReport {
    let previous = CONTEXT.replace(Some(Context {
        file: name.to_string(),
        schemas,
        ignore_missing_schemas,
    }));
    let mut fast = Checked::default();
    let parsed = match yaml::for_each_document(text, |value| fast.extend([value])) {
        Ok(()) => Ok(fast),
        Err(yaml::NeedsFullParser) => {
            let text = yaml::as_the_api_server_reads(text);
            serde_saphyr::from_str_multiple_with_options::<Value, Checked>(
                &text,
                yaml_options(&text),
            )
        }
    };
    CONTEXT.set(previous);
    let checked = match parsed {
        Ok(checked) => checked,
        Err(error) => return unparsable(name, text, &error),
    };
    let mut report = FileReport {
        file: name.to_string(),
        documents: checked.documents,
        findings: checked.findings,
        skipped: checked.skipped,
    };
    report.findings.extend(checked.references.finish(name));
    locate(&mut report.findings, name, text);
    report
}

/// A file that is not YAML: one finding, in the document where the parser stopped.
fn unparsable(name: &str, text: &str, error: &serde_saphyr::Error) -> FileReport {
    let line = error
        .location()
        .map(|location| location.line() as usize)
        .filter(|line| *line > 0);
    let before = line.map_or(text, |line| {
        let end = text
            .match_indices('\n')
            .nth(line.saturating_sub(2))
            .map_or(0, |(index, _)| index);
        &text[..end]
    });
    let separators = before.lines().filter(|l| l.starts_with("---")).count();
    let document = separators.saturating_sub(usize::from(text.starts_with("---")));
    let message = error.to_string();
    let message = message.lines().next().unwrap_or_default();
    let message = message.strip_prefix("error: ").unwrap_or(message);
    let message = match message.split_once(": ") {
        Some((position, rest)) if position.starts_with("line ") => rest,
        _ => message,
    };
    FileReport {
        file: name.to_string(),
        documents: (0..=document).map(|_| "-/-".to_string()).collect(),
        findings: vec![Finding {
            file: name.to_string(),
            document,
            object: "-/-".into(),
            path: String::new(),
            message: format!("not valid YAML: {message}"),
            line,
        }],
        skipped: 0,
    }
}

/// What the [`Checked`] collection of the running `validate_text` call validates with.
struct Context {
    file: String,
    schemas: &'static KubeSchemas,
    ignore_missing_schemas: bool,
}

thread_local! {
    /// serde-saphyr hands each parsed document to a collection it creates with `Default`, the
    /// one way to see documents one at a time while parsing a string; that collection cannot be
    /// handed arguments, so `validate_text` leaves them here for the length of the call.
    static CONTEXT: Cell<Option<Context>> = const { Cell::new(None) };
}

/// The documents of one file, validated as they arrive: their `Kind/name` and the findings.
#[derive(Default)]
struct Checked {
    documents: Vec<String>,
    findings: Vec<Finding>,
    skipped: usize,
    references: super::references::Collector,
}

impl Extend<Value> for Checked {
    fn extend<I: IntoIterator<Item = Value>>(&mut self, values: I) {
        let context = CONTEXT
            .take()
            .expect("documents are only collected inside validate_text");
        for value in values {
            let index = self.documents.len();
            let doc = Document { value };
            self.documents.push(doc.id());
            self.references.add(index, &doc);
            if context.ignore_missing_schemas
                && doc.value.is_object()
                && !context.schemas.has_kind(doc.api_version(), doc.kind())
            {
                self.skipped += 1;
            } else if doc.value.is_object() {
                self.findings
                    .extend(schema_findings(context.schemas, &context.file, index, &doc));
            } else {
                self.findings.push(Finding::new(
                    &context.file,
                    index,
                    &doc,
                    "",
                    "the document is not a mapping".into(),
                ));
            }
        }
        CONTEXT.set(Some(context));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::validate::kube_schema::DEFAULT_VERSION;

    /// `count` ConfigMaps; number `bad` has a boolean where Kubernetes wants a string.
    fn stream(count: usize, bad: usize) -> String {
        (0..count)
            .map(|i| {
                let value = if i == bad { "true" } else { "\"x\"" };
                format!("---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c{i}\ndata:\n  key: {value}\n")
            })
            .collect()
    }

    /// More documents than serde-saphyr's default budget allows in one input (1,024): a long
    /// but honest stream must not be refused, and a finding deep inside it keeps its document
    /// number and line.
    #[test]
    fn long_streams_are_validated_document_by_document() {
        let schemas = KubeSchemas::load(DEFAULT_VERSION).unwrap();
        let count = 1_500;
        let text = stream(count, 1_250);
        let report = validate_text("long.yaml", &text, schemas, false);
        assert_eq!(report.documents.len(), count);
        assert_eq!(report.documents[1_499], "ConfigMap/c1499");
        assert_eq!(report.findings.len(), 1, "{:?}", report.findings);
        let finding = &report.findings[0];
        assert_eq!(finding.document, 1_250);
        assert_eq!(finding.object, "ConfigMap/c1250");
        assert_eq!(finding.path, "/data/key");
        assert_eq!(finding.line, Some(1_250 * 7 + 7));
    }

    #[test]
    fn a_syntax_error_late_in_a_stream_is_a_finding_at_its_line() {
        let schemas = KubeSchemas::load(DEFAULT_VERSION).unwrap();
        let text = stream(1_100, usize::MAX) + "---\nkey: [unclosed\n";
        let report = validate_text("broken.yaml", &text, schemas, false);
        assert_eq!(report.findings.len(), 1);
        let finding = &report.findings[0];
        assert!(
            finding.message.starts_with("not valid YAML:"),
            "{finding:?}"
        );
        assert_eq!(finding.document, 1_100);
        assert_eq!(finding.line, Some(1_100 * 7 + 2));
        // The next call is not confused by the one that failed.
        let report = validate_text("ok.yaml", &stream(3, 1), schemas, false);
        assert_eq!(report.findings.len(), 1);
        assert_eq!(report.findings[0].file, "ok.yaml");
    }
}
