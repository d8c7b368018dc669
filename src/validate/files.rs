//! `hfgen validate` on any manifests: files or stdin, every error of every document.

use super::document::{self, Checks};
use super::report::FileReport;
use super::{locate, split, Finding};
use crate::diag::Code;
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
    result.map_err(|why| {
        Error::msg(
            Code::Unreadable,
            format!("cannot read {}: {why}", shown(path)),
        )
    })
}

/// An input's name in messages: `-` as `stdin`, control characters escaped.
pub fn shown(path: &str) -> String {
    match path {
        "-" => "stdin".to_string(),
        path => crate::text::printable(path),
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

/// Below this many bytes a stream is validated on one core: starting threads costs more than
/// it saves (a render's 17 documents are 25 KB).
const PARALLEL_MIN_BYTES: usize = 256 * 1024;

/// Validates every document of `text`. YAML that does not parse is a finding of the file (at
/// the line the parser names), as kubectl would refuse it too.
///
/// Documents are validated as they are parsed and dropped straight after, so memory stays flat
/// however long the stream is (20,000 manifests took 166 MB when all were parsed before the
/// first was validated, 34 MB this way) and each document is checked while it is still in the
/// CPU's caches. The fast reader ([`yaml`]) reads most streams; when it hands one over,
/// serde-saphyr reads it again from the start, and the documents checked so far are dropped.
///
/// A long stream is cut at document boundaries into one piece per core
/// ([`split::at_document_boundaries`]); the pieces are validated at the same time and their
/// reports joined in order, so the report is the one a single core makes. If a piece does not
/// parse, the whole stream is read again in one piece, so that a syntax error is reported as
/// it always was.
pub fn validate_text(name: &str, text: &str, checks: &Checks) -> FileReport {
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    validate_on_cores(name, text, checks, cores)
}

fn validate_on_cores(name: &str, text: &str, checks: &Checks, cores: usize) -> FileReport {
    let pieces = if text.len() >= PARALLEL_MIN_BYTES {
        split::at_document_boundaries(text, cores)
    } else {
        vec![text]
    };
    let checked = if pieces.len() > 1 {
        let results: Vec<_> = std::thread::scope(|scope| {
            let workers: Vec<_> = pieces
                .iter()
                .map(|piece| scope.spawn(|| check_stream(name, piece, checks)))
                .collect();
            workers
                .into_iter()
                .map(|worker| worker.join().expect("validating a piece does not panic"))
                .collect()
        });
        match results.into_iter().collect::<Result<Vec<Checked>, _>>() {
            Ok(parts) => Ok(Checked::joined(parts)),
            Err(_) => check_stream(name, text, checks),
        }
    } else {
        check_stream(name, text, checks)
    };
    let checked = match checked {
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

/// Every document of one stream (or piece of one), checked on this thread.
fn check_stream(name: &str, text: &str, checks: &Checks) -> Result<Checked, serde_saphyr::Error> {
    let previous = CONTEXT.replace(Some(Context {
        file: name.to_string(),
        checks: checks.clone(),
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
    parsed
}

/// serde-saphyr's message without its position and source snippet, which hfgen gives as
/// `file:line` instead: `unclosed bracket '{'`.
pub fn yaml_error_message(error: &serde_saphyr::Error) -> String {
    let message = error.to_string();
    let message = message.lines().next().unwrap_or_default();
    let message = message.strip_prefix("error: ").unwrap_or(message);
    match message.split_once(": ") {
        Some((position, rest)) if position.starts_with("line ") => rest.to_string(),
        _ => message.to_string(),
    }
}

/// A document past the reader's budget is valid YAML that hfgen will not read: say which
/// budget, rather than "not valid YAML" (issue 27, item 10).
fn budget_message(message: &str) -> Option<String> {
    let breached = message.strip_prefix("budget breached: ")?;
    Some(match breached.strip_prefix("Depth { depth: ") {
        Some(_) => format!(
            "nested deeper than {} levels, the most hfgen reads (no Kubernetes object comes near)",
            crate::manifests::yaml::MAX_READ_DEPTH
        ),
        None => format!("past the size budget hfgen reads a YAML stream with ({breached})"),
    })
}

/// A file that is not YAML: one finding, in the document where the parser stopped.
fn unparsable(name: &str, text: &str, error: &serde_saphyr::Error) -> FileReport {
    let position = error
        .location()
        .map(|location| (location.line() as usize, location.column() as usize))
        .filter(|(line, _)| *line > 0);
    let line = position.map(|(line, _)| line);
    let before = line.map_or(text, |line| {
        let end = text
            .match_indices('\n')
            .nth(line.saturating_sub(2))
            .map_or(0, |(index, _)| index);
        &text[..end]
    });
    let separators = before.lines().filter(|l| l.starts_with("---")).count();
    let document = separators.saturating_sub(usize::from(text.starts_with("---")));
    let message = yaml_error_message(error);
    FileReport {
        file: name.to_string(),
        documents: (0..=document).map(|_| "-/-".to_string()).collect(),
        findings: vec![Finding {
            code: Code::NotYaml,
            file: name.to_string(),
            document,
            object: "-/-".into(),
            path: String::new(),
            message: budget_message(&message).unwrap_or(format!("not valid YAML: {message}")),
            line,
            column: position
                .map(|(_, column)| column)
                .filter(|column| *column > 0),
        }],
        skipped: 0,
    }
}

/// What the [`Checked`] collection of the running `check_stream` call validates with.
struct Context {
    file: String,
    checks: Checks,
}

thread_local! {
    /// serde-saphyr hands each parsed document to a collection it creates with `Default`, the
    /// one way to see documents one at a time while parsing a string; that collection cannot be
    /// handed arguments, so `check_stream` leaves them here for the length of the call.
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
            .expect("documents are only collected inside check_stream");
        for value in values {
            let index = self.documents.len();
            let doc = Document { value };
            self.documents.push(doc.id());
            self.references.add(index, &doc);
            let outcome = document::check(&context.checks, &context.file, index, &doc);
            self.skipped += usize::from(outcome.skipped);
            self.findings.extend(outcome.findings);
        }
        CONTEXT.set(Some(context));
    }
}

impl Checked {
    /// The pieces of one stream, in order, as one: document numbers continue from piece to
    /// piece.
    fn joined(parts: Vec<Checked>) -> Checked {
        let mut whole = Checked::default();
        for part in parts {
            let offset = whole.documents.len();
            whole.references.append(part.references, offset);
            whole.documents.extend(part.documents);
            whole.skipped += part.skipped;
            whole
                .findings
                .extend(part.findings.into_iter().map(|mut finding| {
                    finding.document += offset;
                    finding
                }));
        }
        whole
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::validate::kube_schema::{KubeSchemas, DEFAULT_VERSION};

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
        let checks = Checks::built_in(KubeSchemas::load(DEFAULT_VERSION).unwrap());
        let count = 1_500;
        let text = stream(count, 1_250);
        let report = validate_text("long.yaml", &text, &checks);
        assert_eq!(report.documents.len(), count);
        assert_eq!(report.documents[1_499], "ConfigMap/c1499");
        assert_eq!(report.findings.len(), 1, "{:?}", report.findings);
        let finding = &report.findings[0];
        assert_eq!(finding.document, 1_250);
        assert_eq!(finding.object, "ConfigMap/c1250");
        assert_eq!(finding.path, "/data/key");
        assert_eq!(finding.line, Some(1_250 * 7 + 7));
    }

    /// A stream long enough to be cut, with what could trip a cut: `---` lines inside block
    /// scalars, Lists, broken objects, and a piece that only serde-saphyr reads (an anchor).
    fn tricky_stream() -> String {
        let mut text = String::new();
        for i in 0..2_400 {
            text.push_str(&format!(
                "---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c{i}\ndata:\n  job.yaml: |\n    a: 1\n    ---\n    b: 2\n---\n    not a boundary\n"
            ));
            // The `---` above ends the block scalar: it is a boundary, and the line after it is
            // a document of its own (a string), as the API server would read it.
            if i % 97 == 0 {
                text.push_str("---\napiVersion: v1\nkind: List\nitems:\n  - {apiVersion: v1, kind: Secret, metadata: {name: s}, data: {k: 1}}\n");
            }
            if i == 700 {
                text.push_str("---\napiVersion: v1\nkind: ConfigMap\nmetadata: &m {name: anchored}\ndata: {k: v}\n");
            }
        }
        text
    }

    /// Cut into pieces for several cores or read whole on one, a stream gets the same report:
    /// the same documents in the same order, the same findings at the same lines.
    #[test]
    fn pieces_on_several_cores_report_what_one_core_reports() {
        let checks = Checks::built_in(KubeSchemas::load(DEFAULT_VERSION).unwrap());
        let text = tricky_stream();
        assert!(text.len() > PARALLEL_MIN_BYTES, "{} bytes", text.len());
        assert!(split::at_document_boundaries(&text, 3).len() == 3);
        let one = validate_on_cores("s.yaml", &text, &checks, 1);
        assert!(one.documents.len() > 4_800, "{}", one.documents.len());
        assert!(one.findings.len() > 2_400, "{}", one.findings.len());
        for cores in [2, 3, 7] {
            let many = validate_on_cores("s.yaml", &text, &checks, cores);
            assert_eq!(many.documents, one.documents, "{cores} cores");
            assert_eq!(many.findings, one.findings, "{cores} cores");
        }
        // A syntax error in one piece: the whole stream is read again as one.
        let broken = text.clone() + "---\nkey: [unclosed\n";
        let one = validate_on_cores("b.yaml", &broken, &checks, 1);
        let many = validate_on_cores("b.yaml", &broken, &checks, 3);
        assert_eq!(many.findings, one.findings);
        assert!(
            one.findings[0].message.starts_with("not valid YAML"),
            "{:?}",
            one.findings[0]
        );
    }

    #[test]
    fn a_syntax_error_late_in_a_stream_is_a_finding_at_its_line() {
        let checks = Checks::built_in(KubeSchemas::load(DEFAULT_VERSION).unwrap());
        let text = stream(1_100, usize::MAX) + "---\nkey: [unclosed\n";
        let report = validate_text("broken.yaml", &text, &checks);
        assert_eq!(report.findings.len(), 1);
        let finding = &report.findings[0];
        assert!(
            finding.message.starts_with("not valid YAML:"),
            "{finding:?}"
        );
        assert_eq!(finding.document, 1_100);
        assert_eq!(finding.line, Some(1_100 * 7 + 2));
        // The next call is not confused by the one that failed.
        let report = validate_text("ok.yaml", &stream(3, 1), &checks);
        assert_eq!(report.findings.len(), 1);
        assert_eq!(report.findings[0].file, "ok.yaml");
    }
}
