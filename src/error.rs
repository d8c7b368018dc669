//! The error of every hfgen command: one or more diagnostics, about bad input or, rarely, a
//! bug in hfgen; and the exit code each kind of error gives.

use crate::diag::{Class, Code, Diagnostic};
use std::fmt;

/// Exit code of `validate` with findings and of `check` with drift: the command worked.
pub const EXIT_INVALID: u8 = 1;
/// Exit code for bad input of any kind (profile, `--set`, arguments, unreadable files).
pub const EXIT_BAD_INPUT: u8 = 2;
/// Exit code for a bug in hfgen (sysexits' EX_SOFTWARE), so a script can tell it from bad input.
pub const EXIT_INTERNAL: u8 = 70;

/// Whose fault a failed command is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    BadInput,
    Internal,
}

impl ErrorKind {
    pub fn exit_code(self) -> u8 {
        match self {
            ErrorKind::BadInput => EXIT_BAD_INPUT,
            ErrorKind::Internal => EXIT_INTERNAL,
        }
    }
}

/// A failed command: every problem found, not only the first.
#[derive(Debug, Clone)]
pub struct Error {
    pub diagnostics: Vec<Diagnostic>,
}

impl Error {
    pub fn new(diagnostic: Diagnostic) -> Self {
        Error {
            diagnostics: vec![diagnostic],
        }
    }

    pub fn msg(code: Code, message: impl Into<String>) -> Self {
        Error::new(Diagnostic::error(code, message))
    }

    /// Internal if any diagnostic is a bug in hfgen: that is what must be reported.
    pub fn kind(&self) -> ErrorKind {
        let internal = |d: &Diagnostic| d.code.class() == Class::Internal;
        match self.diagnostics.iter().any(internal) {
            true => ErrorKind::Internal,
            false => ErrorKind::BadInput,
        }
    }

    pub fn exit_code(&self) -> u8 {
        self.kind().exit_code()
    }
}

impl From<Diagnostic> for Error {
    fn from(diagnostic: Diagnostic) -> Self {
        Error::new(diagnostic)
    }
}

impl From<Vec<Diagnostic>> for Error {
    fn from(diagnostics: Vec<Diagnostic>) -> Self {
        Error { diagnostics }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (index, diagnostic) in self.diagnostics.iter().enumerate() {
            if index > 0 {
                writeln!(f)?;
            }
            write!(f, "{}", diagnostic.to_text())?;
        }
        Ok(())
    }
}

impl std::error::Error for Error {}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// The error a panic becomes (main's panic hook): an internal error with the panic's message
/// and where in hfgen's source it happened.
pub fn panic_error(payload: &(dyn std::any::Any + Send), location: Option<String>) -> Error {
    let message = payload
        .downcast_ref::<&str>()
        .copied()
        .or_else(|| payload.downcast_ref::<String>().map(String::as_str))
        .unwrap_or("(no message)");
    let at = location.map(|at| format!(" at {at}")).unwrap_or_default();
    Error::msg(Code::Panic, format!("hfgen panicked{at}: {message}"))
}

/// The exit code a code's class gives, as the reference lists it.
fn exit_text(class: Class) -> String {
    match class {
        Class::Input => EXIT_BAD_INPUT.to_string(),
        Class::Finding => {
            format!("{EXIT_INVALID} (`validate`), {EXIT_BAD_INPUT} (`render`, `check`)")
        }
        Class::Warning => "- (warning)".into(),
        Class::Internal => EXIT_INTERNAL.to_string(),
    }
}

/// `docs/error-codes.md`: every code with its name, meaning and exit code, from the one table.
pub fn codes_reference() -> String {
    let mut out = String::from(
        "# hfgen error codes\n\n\
         <!-- Generated from src/diag/codes.rs by `HFGEN_BLESS=1 cargo test --test error_codes`; do not edit. -->\n\n\
         Every diagnostic hfgen prints starts with its code: `error[HF0005]: my.toml:2:1: unknown key ...`.\n\
         The first digit is the stage that finds the problem: 0 reading the input, 1 the profile checks,\n\
         2 rendering (node capacity), 3 Kubernetes validation, 4 setup, 5 output folders and golden\n\
         checks, 9 a bug in hfgen (`internal error`, exit 70: please report it). A code keeps its\n\
         meaning when a message is reworded. Exit codes: 0 success, 1 drift (`check`) or findings\n\
         (`validate`), 2 bad input, 70 a bug in hfgen.\n\n\
         | code | name | meaning | exit |\n|---|---|---|---|\n",
    );
    for code in Code::ALL {
        out.push_str(&format!(
            "| {} | `{}` | {} | {} |\n",
            code.id(),
            code.name(),
            code.meaning().replace('|', "\\|"),
            exit_text(code.class())
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_input_exits_2_and_a_bug_in_hfgen_exits_70() {
        let bad = Error::msg(Code::UnknownKey, "unknown key `x`");
        assert_eq!((bad.kind(), bad.exit_code()), (ErrorKind::BadInput, 2));
        // One internal diagnostic among bad input makes the whole error internal.
        let mut mixed = bad.clone();
        mixed
            .diagnostics
            .push(Diagnostic::error(Code::TemplateFailed, "template x failed"));
        assert_eq!((mixed.kind(), mixed.exit_code()), (ErrorKind::Internal, 70));
        for code in Code::ALL {
            let expected = match code.class() {
                Class::Internal => EXIT_INTERNAL,
                _ => EXIT_BAD_INPUT,
            };
            assert_eq!(Error::msg(*code, "x").exit_code(), expected, "{code:?}");
        }
    }

    #[test]
    fn a_panic_is_an_internal_error_with_its_message_and_place() {
        let error = panic_error(&"index out of bounds", Some("src/x.rs:3".into()));
        assert_eq!(error.exit_code(), EXIT_INTERNAL);
        let text = error.to_string();
        assert!(
            text.starts_with(
                "internal error[HF9004]: hfgen panicked at src/x.rs:3: index out of bounds\n"
            ),
            "{text}"
        );
        assert!(text.ends_with(crate::diag::INTERNAL_NOTE), "{text}");
        let error = panic_error(&String::from("formatted 7"), None);
        assert!(error.to_string().contains("hfgen panicked: formatted 7"));
    }
}
