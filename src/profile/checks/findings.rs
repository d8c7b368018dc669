//! Where the checks' messages go: each is placed at the key it is about.

use crate::diag::{Code, Diagnostic};
use crate::error::Result;
use crate::profile::layer::{Origins, Site};

/// What the checks found, each placed where its key was written.
pub struct Findings<'a> {
    origins: &'a Origins,
    root: &'a str,
    errors: Vec<Diagnostic>,
    warnings: Vec<Diagnostic>,
}

impl<'a> Findings<'a> {
    /// No findings yet, placed by `origins`; `root` names the profile for a default value.
    pub fn new(origins: &'a Origins, root: &'a str) -> Self {
        Findings {
            origins,
            root,
            errors: Vec::new(),
            warnings: Vec::new(),
        }
    }

    /// Every error at once, in reading order; or the warnings.
    pub fn into_result(mut self) -> Result<Vec<Diagnostic>> {
        crate::diag::sort_by_place(&mut self.errors);
        crate::diag::sort_by_place(&mut self.warnings);
        if self.errors.is_empty() {
            Ok(self.warnings)
        } else {
            Err(self.errors.into())
        }
    }

    /// An error about the value of `key` (dotted, e.g. `nfs.ip`).
    pub fn error(&mut self, code: Code, key: &str, message: impl Into<String>) -> &mut Diagnostic {
        let diagnostic = self.place(
            &split(key),
            Diagnostic::error(code, message),
            Site::value_origin,
        );
        self.errors.push(diagnostic);
        self.errors.last_mut().expect("just pushed")
    }

    /// An error about a key itself; `path` may hold keys with dots (node selector labels).
    pub fn key_error(
        &mut self,
        code: Code,
        path: &[&str],
        message: impl Into<String>,
    ) -> &mut Diagnostic {
        let path: Vec<String> = path.iter().map(|key| key.to_string()).collect();
        let diagnostic = self.place(&path, Diagnostic::error(code, message), Site::key_origin);
        self.errors.push(diagnostic);
        self.errors.last_mut().expect("just pushed")
    }

    /// An error about the value at `path` (keys may hold dots).
    pub fn value_error(
        &mut self,
        code: Code,
        path: &[&str],
        message: impl Into<String>,
    ) -> &mut Diagnostic {
        let path: Vec<String> = path.iter().map(|key| key.to_string()).collect();
        let diagnostic = self.place(&path, Diagnostic::error(code, message), Site::value_origin);
        self.errors.push(diagnostic);
        self.errors.last_mut().expect("just pushed")
    }

    /// A warning about the value of `key`.
    pub fn warning(
        &mut self,
        code: Code,
        key: &str,
        message: impl Into<String>,
    ) -> &mut Diagnostic {
        let diagnostic = self.place(
            &split(key),
            Diagnostic::warning(code, message),
            Site::value_origin,
        );
        self.warnings.push(diagnostic);
        self.warnings.last_mut().expect("just pushed")
    }

    /// Places `diagnostic` at `path`, or the nearest key above it that was written; a key
    /// that only has its default value is reported against the profile as a whole.
    fn place(
        &self,
        path: &[String],
        diagnostic: Diagnostic,
        span: fn(&Site) -> crate::diag::Origin,
    ) -> Diagnostic {
        match self.origins.get(path) {
            Some(site) => diagnostic.at(span(site)),
            None => match self.origins.nearest(path) {
                Some(site) => diagnostic.at(site.key_origin()),
                None => Diagnostic {
                    message: format!("{}: {}", self.root, diagnostic.message),
                    ..diagnostic
                },
            },
        }
    }
}

fn split(key: &str) -> Vec<String> {
    key.split('.').map(String::from).collect()
}
