//! Rendered manifests: the text of each file and its documents parsed back into values.

pub mod objects;
pub mod yaml;

use crate::diag::Code;
use crate::error::{Error, Result};
use crate::layout::Component;
use serde_json::Value;
use std::collections::HashMap;

/// The output of one template: one upstream file.
#[derive(Debug, Clone)]
pub struct ManifestFile {
    /// File name, e.g. `redis.yml`.
    pub file: &'static str,
    pub component: Component,
    /// The YAML exactly as written to disk or stdout.
    pub text: String,
    pub documents: Vec<Document>,
}

/// One Kubernetes object.
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    pub value: Value,
}

impl Document {
    fn field(&self, pointer: &str) -> Option<&str> {
        self.value.pointer(pointer).and_then(Value::as_str)
    }

    pub fn api_version(&self) -> &str {
        self.field("/apiVersion").unwrap_or_default()
    }

    pub fn kind(&self) -> &str {
        self.field("/kind").unwrap_or_default()
    }

    pub fn name(&self) -> &str {
        self.field("/metadata/name").unwrap_or_default()
    }

    pub fn namespace(&self) -> Option<&str> {
        self.field("/metadata/namespace")
    }

    /// `Kind/name`, as kubectl prints it.
    pub fn id(&self) -> String {
        format!("{}/{}", self.kind(), self.name())
    }
}

/// The objects of a bundle by kind and name, built once: a [`Bundle::find`] per pod or per
/// pool would make the checks cost pools² (issue 27).
pub struct Objects<'a> {
    pub bundle: &'a Bundle,
    by_name: HashMap<(&'a str, &'a str), &'a Document>,
}

impl<'a> Objects<'a> {
    pub fn of(bundle: &'a Bundle) -> Objects<'a> {
        let mut by_name = HashMap::new();
        for doc in bundle.documents() {
            // The first of two objects with one name, as `Bundle::find` returns.
            by_name.entry((doc.kind(), doc.name())).or_insert(doc);
        }
        Objects { bundle, by_name }
    }

    /// The object of `kind` named `name`, if the bundle has it.
    pub fn find(&self, kind: &str, name: &str) -> Option<&'a Document> {
        self.by_name.get(&(kind, name)).copied()
    }
}

/// Everything one render produced, in apply order.
#[derive(Debug, Clone, Default)]
pub struct Bundle {
    pub files: Vec<ManifestFile>,
    /// Claims the pods mount that the cluster provides, not the bundle (`storage.type =
    /// "existing-claim"`).
    pub provided_claims: Vec<String>,
}

impl Bundle {
    pub fn documents(&self) -> impl Iterator<Item = &Document> {
        self.files.iter().flat_map(|file| file.documents.iter())
    }

    /// Every document with its file and its 0-based index in that file, for findings.
    pub fn located_documents(&self) -> impl Iterator<Item = (&'static str, usize, &Document)> {
        self.files.iter().flat_map(|file| {
            file.documents
                .iter()
                .enumerate()
                .map(move |(index, doc)| (file.file, index, doc))
        })
    }

    /// The object of `kind` named `name`, to change (tests edit renders this way).
    pub fn find_mut(&mut self, kind: &str, name: &str) -> Option<&mut Document> {
        self.files
            .iter_mut()
            .flat_map(|file| file.documents.iter_mut())
            .find(|doc| doc.kind() == kind && doc.name() == name)
    }

    /// The object of `kind` named `name`, if the bundle has it. This walks every document:
    /// checks that look up an object per pool use [`Objects`].
    pub fn find(&self, kind: &str, name: &str) -> Option<&Document> {
        self.documents()
            .find(|doc| doc.kind() == kind && doc.name() == name)
    }

    /// The files of `components` only.
    pub fn only(mut self, components: &[Component]) -> Bundle {
        self.files
            .retain(|file| components.contains(&file.component));
        self
    }

    /// One YAML stream: every file, each introduced by `---` and a `# Source:` comment.
    pub fn to_stream(&self) -> String {
        let mut out = String::new();
        for file in &self.files {
            out.push_str("---\n# Source: ");
            out.push_str(file.file);
            out.push('\n');
            out.push_str(&file.text);
            if !file.text.ends_with('\n') {
                out.push('\n');
            }
        }
        out
    }
}

/// Parses rendered YAML back into documents; invalid YAML is an error naming the template.
pub fn parse_documents(template: &str, text: &str) -> Result<Vec<Document>> {
    let values = yaml::from_multiple(text).map_err(|e| {
        Error::msg(
            Code::RenderedNotYaml,
            format!("template {template} produced invalid YAML (a bug in hfgen's templates): {e}"),
        )
    })?;
    values
        .into_iter()
        .filter(|value| !value.is_null())
        .map(|value| {
            if value.is_object() {
                Ok(Document { value })
            } else {
                Err(Error::msg(
                    Code::RenderedNotYaml,
                    format!(
                    "template {template} produced a YAML document that is not a mapping: {value}"
                ),
                ))
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use crate::error::EXIT_INTERNAL;

    /// Only hfgen's own templates are parsed here: text that is not a YAML mapping is a bug in
    /// hfgen, not bad input.
    #[test]
    fn a_render_that_is_not_a_yaml_mapping_is_an_internal_error() {
        for text in ["a: [", "- a list\n- not a mapping\n"] {
            let error = super::parse_documents("x.yml.j2", text).unwrap_err();
            assert_eq!(error.exit_code(), EXIT_INTERNAL, "{error}");
            let shown = error.to_string();
            assert!(
                shown.starts_with("internal error[HF9002]: template x.yml.j2 produced"),
                "{shown}"
            );
        }
    }
}
