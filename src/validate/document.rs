//! What `hfgen validate` finds in one document of any input: built-in kinds against the
//! vendored schemas, custom resources against their CRDs, and the items of a `v1` `List`
//! each as its own object.

use super::crd::CustomResources;
use super::kube_schema::{KubeSchemas, SchemaLookupError, SchemaViolation};
use super::Finding;
use crate::manifests::Document;
use serde_json::Value;
use std::sync::Arc;

/// What documents are checked against.
#[derive(Clone)]
pub struct Checks {
    pub kube: &'static KubeSchemas,
    pub custom: Arc<CustomResources>,
    /// A kind without a schema is skipped instead of reported.
    pub ignore_missing_schemas: bool,
}

impl Checks {
    /// The built-in schemas of `kube` only.
    pub fn built_in(kube: &'static KubeSchemas) -> Self {
        Checks {
            kube,
            custom: Arc::default(),
            ignore_missing_schemas: false,
        }
    }
}

/// The findings of one document, and whether it was skipped (a kind without a schema, with
/// `--ignore-missing-schemas`).
#[derive(Default)]
pub struct Outcome {
    pub findings: Vec<Finding>,
    pub skipped: bool,
}

/// Checks document number `index` of `file`.
pub fn check(checks: &Checks, file: &str, index: usize, doc: &Document) -> Outcome {
    let mut outcome = Outcome::default();
    let finding = |object: String, path: String, message: String| Finding {
        file: file.to_string(),
        document: index,
        object,
        path,
        message,
        line: None,
    };
    match object_findings(checks, &doc.value) {
        Checked::Skipped => outcome.skipped = true,
        Checked::Findings(found) => outcome.findings.extend(
            found
                .into_iter()
                .map(|(path, message)| finding(doc.id(), path, message)),
        ),
    }
    if is_list(&doc.value) {
        let items = doc.value.get("items").and_then(Value::as_array);
        for (item, value) in items.into_iter().flatten().enumerate() {
            // An item of a kind without a schema is passed over; the List is still checked.
            if let Checked::Findings(found) = object_findings(checks, value) {
                let object = format!("items[{item}] {}", id_of(value));
                outcome
                    .findings
                    .extend(found.into_iter().map(|(path, message)| {
                        finding(object.clone(), format!("/items/{item}{path}"), message)
                    }));
            }
        }
    }
    outcome
}

/// `Kind/name`, as [`Document::id`] names a document.
fn id_of(value: &Value) -> String {
    let field = |pointer: &str| {
        value
            .pointer(pointer)
            .and_then(Value::as_str)
            .unwrap_or_default()
    };
    format!("{}/{}", field("/kind"), field("/metadata/name"))
}

/// `kind: List` of `apiVersion: v1`, what `kubectl get -o yaml` prints for several objects.
fn is_list(value: &Value) -> bool {
    value.get("apiVersion").and_then(Value::as_str) == Some("v1")
        && value.get("kind").and_then(Value::as_str) == Some("List")
}

enum Checked {
    Skipped,
    /// `(JSON pointer, message)`.
    Findings(Vec<(String, String)>),
}

/// One object alone (a List's own fields, not its items).
fn object_findings(checks: &Checks, value: &Value) -> Checked {
    if !value.is_object() {
        return Checked::Findings(vec![(
            String::new(),
            "the document is not a mapping".into(),
        )]);
    }
    let as_findings = |violations: Vec<SchemaViolation>| {
        Checked::Findings(
            violations
                .into_iter()
                .map(|v| (v.instance_path, v.message))
                .collect(),
        )
    };
    match checks.kube.validate(value) {
        Ok(violations) => as_findings(violations),
        Err(SchemaLookupError::UnknownKind { api_version, kind }) => {
            let custom = checks
                .custom
                .validate(&api_version, &kind, value)
                .or_else(|| super::vendored_crds::validate(&api_version, &kind, value));
            if let Some(violations) = custom {
                as_findings(violations)
            } else if checks.ignore_missing_schemas {
                Checked::Skipped
            } else {
                let group = api_version.split_once('/').map_or("", |(group, _)| group);
                let mut served = checks.custom.served_versions(group, &kind);
                if served.is_empty() {
                    served = super::vendored_crds::served_versions(group, &kind);
                }
                let served = served.join(", ");
                let error = SchemaLookupError::UnknownKind { api_version, kind };
                let mut message = error.describe_in(checks.kube.version());
                if !served.is_empty() {
                    message.push_str(&format!(" (its CustomResourceDefinition serves {served})"));
                } else if is_custom(value) {
                    message.push_str(
                        " (a custom resource: give its CustomResourceDefinition with --crd)",
                    );
                }
                Checked::Findings(vec![(String::new(), message)])
            }
        }
        Err(error) => Checked::Findings(vec![(
            String::new(),
            error.describe_in(checks.kube.version()),
        )]),
    }
}

/// Custom resources have a group with a dot (`keda.sh/v1alpha1`); built-in groups that have
/// one (`apps.k8s.io`-style names) are all known to the vendored schemas.
fn is_custom(value: &Value) -> bool {
    value
        .get("apiVersion")
        .and_then(Value::as_str)
        .and_then(|api_version| api_version.split_once('/'))
        .is_some_and(|(group, _)| group.contains('.') && !group.ends_with(".k8s.io"))
}
