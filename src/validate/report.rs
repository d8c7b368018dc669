//! Findings as text, JSON or JUnit XML, the three formats CI systems read.

use super::Finding;
use crate::diag::Diagnostic;
use crate::text::printable;
use serde_json::json;

/// Output format of `hfgen validate`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Text,
    Json,
    Junit,
}

/// One validated input: its name, how many documents it had, and what is wrong with them.
#[derive(Debug, Clone)]
pub struct FileReport {
    pub file: String,
    pub documents: Vec<String>,
    pub findings: Vec<Finding>,
    /// Documents of a kind without a schema, with `--ignore-missing-schemas`.
    pub skipped: usize,
}

pub fn format_reports(reports: &[FileReport], format: Format) -> String {
    match format {
        Format::Text => text(reports),
        Format::Json => json(reports),
        Format::Junit => junit(reports),
    }
}

/// `file:line:column: document N Kind/name: /path: message`, one line per finding, then a summary.
pub fn text(reports: &[FileReport]) -> String {
    let mut out = String::new();
    for finding in reports.iter().flat_map(|r| &r.findings) {
        out.push_str(&text_line(finding));
        out.push('\n');
    }
    let totals = Totals::of(reports);
    out.push_str(&format!(
        "Summary: {} documents in {} files, {} valid, {} invalid, {} skipped, {} errors\n",
        totals.documents,
        reports.len(),
        totals.valid(),
        totals.invalid,
        totals.skipped,
        totals.errors,
    ));
    out
}

/// One finding as one line of text. File names, object names, paths and messages come from
/// the input, so their control characters are escaped: a terminal must not act on them and a
/// newline must not start a line that reads as another finding.
pub fn text_line(finding: &Finding) -> String {
    let file = printable(&finding.file);
    let location = match (finding.line, finding.column) {
        (Some(line), Some(column)) => format!("{file}:{line}:{column}"),
        (Some(line), None) => format!("{file}:{line}"),
        _ => file,
    };
    let path = if finding.path.is_empty() {
        "/"
    } else {
        &finding.path
    };
    format!(
        "{location}: document {} {}: {}: {}",
        finding.document + 1,
        printable(&finding.object),
        printable(path),
        printable(&finding.message)
    )
}

/// A finding told as a diagnostic (hfgen's own render): its code, and its text line, which
/// names the rendered file, line and column.
impl From<&Finding> for Diagnostic {
    fn from(finding: &Finding) -> Self {
        Diagnostic::error(finding.code, text_line(finding))
    }
}

struct Totals {
    documents: usize,
    invalid: usize,
    skipped: usize,
    errors: usize,
}

impl Totals {
    fn of(reports: &[FileReport]) -> Totals {
        Totals {
            documents: reports.iter().map(|r| r.documents.len()).sum(),
            invalid: reports.iter().map(invalid_documents).sum(),
            skipped: reports.iter().map(|r| r.skipped).sum(),
            errors: reports.iter().map(|r| r.findings.len()).sum(),
        }
    }

    fn valid(&self) -> usize {
        self.documents - self.invalid - self.skipped
    }
}

fn invalid_documents(report: &FileReport) -> usize {
    let mut documents: Vec<usize> = report.findings.iter().map(|f| f.document).collect();
    documents.sort_unstable();
    documents.dedup();
    documents.len()
}

fn json(reports: &[FileReport]) -> String {
    let findings: Vec<_> = reports
        .iter()
        .flat_map(|r| &r.findings)
        .map(|f| {
            json!({
                "code": f.code.id(),
                "file": f.file,
                "line": f.line,
                "column": f.column,
                "document": f.document + 1,
                "object": f.object,
                "path": f.path,
                "message": f.message,
            })
        })
        .collect();
    let totals = Totals::of(reports);
    let value = json!({
        "findings": findings,
        "summary": {
            "files": reports.len(),
            "documents": totals.documents,
            "valid": totals.valid(),
            "invalid": totals.invalid,
            "skipped": totals.skipped,
        },
    });
    let mut text = serde_json::to_string_pretty(&value).expect("plain JSON");
    text.push('\n');
    text
}

/// One test suite per file, one test case per document, one failure per finding.
fn junit(reports: &[FileReport]) -> String {
    let total: usize = reports.iter().map(|r| r.documents.len()).sum();
    let failures: usize = reports.iter().map(invalid_documents).sum();
    let mut out = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"hfgen validate\" tests=\"{total}\" failures=\"{failures}\">\n"
    );
    for report in reports {
        out.push_str(&format!(
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" skipped=\"{}\">\n",
            crate::xml::escape(&report.file),
            report.documents.len(),
            invalid_documents(report),
            report.skipped
        ));
        for (index, object) in report.documents.iter().enumerate() {
            let findings: Vec<&Finding> = report
                .findings
                .iter()
                .filter(|f| f.document == index)
                .collect();
            let name = crate::xml::escape(&format!("document {} {object}", index + 1));
            if findings.is_empty() {
                out.push_str(&format!("    <testcase name=\"{name}\"/>\n"));
                continue;
            }
            out.push_str(&format!("    <testcase name=\"{name}\">\n"));
            for finding in findings {
                out.push_str(&format!(
                    "      <failure message=\"{}\" type=\"{}\">{}</failure>\n",
                    crate::xml::escape(&finding.message),
                    finding.code.id(),
                    crate::xml::escape(&text_line(finding))
                ));
            }
            out.push_str("    </testcase>\n");
        }
        out.push_str("  </testsuite>\n");
    }
    out.push_str("</testsuites>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::Code;

    #[test]
    fn a_finding_becomes_a_diagnostic_with_its_code_and_place() {
        let finding = Finding {
            code: Code::ApiRule,
            file: "rbac.yml".into(),
            document: 1,
            object: "Role/x".into(),
            path: "/metadata/name".into(),
            message: "Invalid value".into(),
            line: Some(7),
            column: Some(3),
        };
        let diagnostic = Diagnostic::from(&finding);
        assert_eq!(diagnostic.code, Code::ApiRule);
        assert_eq!(
            diagnostic.to_text(),
            "error[HF3003]: rbac.yml:7:3: document 2 Role/x: /metadata/name: Invalid value"
        );
    }
}
