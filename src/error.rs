//! The error of every hfgen command: one or more diagnostics, all about bad input.

use crate::diag::Diagnostic;
use std::fmt;

/// Exit code for bad input of any kind (profile, `--set`, arguments, unreadable files).
pub const EXIT_BAD_INPUT: u8 = 2;

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

    pub fn msg(message: impl Into<String>) -> Self {
        Error::new(Diagnostic::error(message))
    }

    pub fn exit_code(&self) -> u8 {
        EXIT_BAD_INPUT
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
            write!(f, "{}", diagnostic.render())?;
        }
        Ok(())
    }
}

impl std::error::Error for Error {}

pub type Result<T, E = Error> = std::result::Result<T, E>;
