//! Diagnostics: what hfgen tells a person about bad input, with the file, line and column
//! and a caret under the offending text when it knows them, and the code of its kind.

pub mod codes;

pub use codes::{Class, Code};

use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};
use std::fmt;
use std::ops::Range;
use std::sync::Arc;

/// How bad a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    Error,
    Warning,
}

/// Where a diagnostic points: a span of a named source text (a file or a `--set` argument).
#[derive(Debug, Clone)]
pub struct Origin {
    /// A file path or built-in profile name; or a command-line option such as `--set`, whose
    /// source is the option's argument and which is shown as `--set ARGUMENT` (no line:column).
    pub name: String,
    pub source: Arc<str>,
    /// Byte range into `source`.
    pub span: Range<usize>,
}

impl Origin {
    /// Is this a command-line argument rather than a file?
    pub fn is_argument(&self) -> bool {
        self.name.starts_with("--")
    }
}

/// One message for the user.
#[derive(Debug, Clone)]
pub struct Diagnostic {
    pub severity: Severity,
    pub code: Code,
    pub message: String,
    pub origin: Option<Origin>,
    /// Short label under the caret.
    pub label: Option<String>,
    /// A hint shown after the snippet ("did you mean ...").
    pub help: Option<String>,
}

impl Diagnostic {
    pub fn error(code: Code, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            code,
            message: message.into(),
            origin: None,
            label: None,
            help: None,
        }
    }

    pub fn warning(code: Code, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(code, message)
        }
    }

    pub fn at(mut self, origin: Origin) -> Self {
        self.origin = Some(origin);
        self
    }

    pub fn with_label(mut self, label: impl Into<String>) -> Self {
        self.label = Some(label.into());
        self
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// 1-based line and column of the start of the span, if there is one.
    pub fn line_column(&self) -> Option<(usize, usize)> {
        let origin = self.origin.as_ref()?;
        Some(line_column(&origin.source, origin.span.start))
    }

    /// The diagnostic as plain text: `error[HF0005]: file:line:col: message` and a caret
    /// snippet; a bug in hfgen is an `internal error` and says so.
    pub fn to_text(&self) -> String {
        let text = self.render_report();
        match self.code.class() {
            Class::Internal => format!("{text}\nnote: {INTERNAL_NOTE}"),
            _ => text,
        }
    }

    fn render_report(&self) -> String {
        let level = match (self.severity, self.code.class()) {
            (Severity::Error, Class::Internal) => Level::ERROR.with_name("internal error"),
            (Severity::Error, _) => Level::ERROR,
            (Severity::Warning, _) => Level::WARNING,
        };
        let title = match (&self.origin, self.line_column()) {
            (Some(origin), _) if origin.is_argument() => {
                format!("{} {}: {}", origin.name, origin.source, self.message)
            }
            (Some(origin), Some((line, column))) => {
                format!("{}:{line}:{column}: {}", origin.name, self.message)
            }
            _ => self.message.clone(),
        };
        let mut group = Group::with_title(level.primary_title(title.as_str()).id(self.code.id()));
        if let Some(origin) = &self.origin {
            let span = clamp_span(&origin.source, origin.span.clone());
            let mut annotation = AnnotationKind::Primary.span(span);
            if let Some(label) = &self.label {
                annotation = annotation.label(label.as_str());
            }
            let mut snippet = Snippet::source(&*origin.source);
            if !origin.is_argument() {
                snippet = snippet.path(origin.name.as_str());
            }
            group = group.element(snippet.annotation(annotation));
        }
        let mut report = vec![group];
        match (&self.help, &self.origin) {
            (Some(help), Some(_)) => report.push(Group::with_title(
                Level::HELP.secondary_title(help.as_str()),
            )),
            // Without a snippet, a help group would start with a stray `|` line.
            (Some(help), None) => {
                let text = Renderer::plain().render(&report).to_string();
                return format!("{text}\nhelp: {help}");
            }
            (None, _) => {}
        }
        Renderer::plain().render(&report).to_string()
    }
}

/// What an internal error adds: the user did nothing wrong.
pub const INTERNAL_NOTE: &str =
    "this is a bug in hfgen; please report it, with the command that caused it";

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_text())
    }
}

/// Puts `diagnostics` in reading order: those without a place first, then files (by name and
/// position), then command-line arguments in the order they were found.
pub fn sort_by_place(diagnostics: &mut [Diagnostic]) {
    diagnostics.sort_by_key(|diagnostic| {
        diagnostic
            .origin
            .as_ref()
            .map(|origin| match origin.is_argument() {
                true => (true, String::new(), 0),
                false => (false, origin.name.clone(), origin.span.start),
            })
    });
}

/// 1-based line and column (in characters) of byte `offset` in `source`.
pub fn line_column(source: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(source.len());
    let before = &source[..floor_char_boundary(source, offset)];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |index| index + 1);
    let column = before[line_start..].chars().count() + 1;
    (line, column)
}

fn floor_char_boundary(source: &str, mut offset: usize) -> usize {
    while offset > 0 && !source.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

fn clamp_span(source: &str, span: Range<usize>) -> Range<usize> {
    let start = floor_char_boundary(source, span.start.min(source.len()));
    let end = floor_char_boundary(source, span.end.clamp(start, source.len()));
    start..end
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_file_line_column_and_caret() {
        let source: Arc<str> = Arc::from("a = 1\nnamspace = \"x\"\n");
        let text = Diagnostic::error(Code::UnknownKey, "unknown key `namspace`")
            .at(Origin {
                name: "my.toml".into(),
                source,
                span: 6..14,
            })
            .with_help("did you mean `namespace`?")
            .to_text();
        assert!(
            text.starts_with("error[HF0005]: my.toml:2:1: unknown key `namspace`"),
            "{text}"
        );
        assert!(text.contains("^^^^^^^^"), "{text}");
        assert!(text.contains("did you mean `namespace`?"), "{text}");
    }

    #[test]
    fn arguments_are_named_by_their_text_and_help_stands_alone() {
        let text = Diagnostic::error(Code::UnknownKey, "unknown key `nfs.adress`")
            .at(Origin {
                name: "--set".into(),
                source: Arc::from("nfs.adress=ip"),
                span: 0..10,
            })
            .to_text();
        assert!(
            text.starts_with("error[HF0005]: --set nfs.adress=ip: unknown key"),
            "{text}"
        );
        assert!(!text.contains("-->"), "{text}");
        let text = Diagnostic::error(Code::UnknownProfile, "unknown profile `gkee`")
            .with_help("did you mean `gke`?")
            .to_text();
        assert_eq!(
            text,
            "error[HF0001]: unknown profile `gkee`\nhelp: did you mean `gke`?"
        );
    }

    #[test]
    fn warnings_carry_their_code_and_internal_errors_say_they_are_a_bug() {
        let text =
            Diagnostic::warning(Code::UnpinnedImage, "images.worker `x` has no tag").to_text();
        assert_eq!(text, "warning[HF1016]: images.worker `x` has no tag");
        let text = Diagnostic::error(Code::TemplateFailed, "template a.yml.j2 failed").to_text();
        assert_eq!(
            text,
            format!("internal error[HF9001]: template a.yml.j2 failed\nnote: {INTERNAL_NOTE}")
        );
    }

    #[test]
    fn line_column_counts_characters() {
        assert_eq!(line_column("é = 1\nxy", 8), (2, 2));
    }
}
