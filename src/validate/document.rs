//! What `hfgen validate` finds in one document of any input: built-in kinds against the
//! vendored schemas and the API server's rules, custom resources against their CRDs, and the
//! items of a `List` (or any `*List` kind, nested to any depth) each as its own object.

use super::api_rules;
use super::crd::CustomResources;
use super::kube_schema::{KubeSchemas, SchemaLookupError, SchemaViolation};
use super::Finding;
use crate::diag::Code;
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
    /// The Kubernetes version whose API-server rules apply (which may be newer or older than
    /// the vendored schemas `kube` stand in for); `None` checks the schemas only.
    pub rules: Option<api_rules::Version>,
}

impl Checks {
    /// The built-in schemas of `kube` only.
    pub fn built_in(kube: &'static KubeSchemas) -> Self {
        Checks {
            kube,
            custom: Arc::default(),
            ignore_missing_schemas: false,
            rules: Some(api_rules::Version::of(kube.version())),
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
    let finding = |object: String, (code, path, message): Problem| Finding {
        code,
        file: file.to_string(),
        document: index,
        object,
        path,
        message,
        line: None,
        column: None,
    };
    match object_findings(checks, &doc.value) {
        Checked::Skipped => outcome.skipped = true,
        Checked::Findings(found) => outcome
            .findings
            .extend(found.into_iter().map(|problem| finding(doc.id(), problem))),
    }
    let mut items = Vec::new();
    list_items(checks, &doc.value, "", "", &mut items);
    for (object, problem) in items {
        // A typed List's schema checks its items too: say each problem once.
        if !outcome
            .findings
            .iter()
            .any(|f| f.path == problem.1 && f.message == problem.2)
        {
            outcome.findings.push(finding(object, problem));
        }
    }
    outcome
}

/// The findings of the items of `value` if it is a List, and of their items in turn: `(object
/// label, JSON pointer, message)`, the label naming the item as `items[0].items[2] Kind/name`.
fn list_items(
    checks: &Checks,
    value: &Value,
    pointer: &str,
    label: &str,
    out: &mut Vec<(String, Problem)>,
) {
    let Some(item_kind) = list_item_kind(value) else {
        return;
    };
    let items = value.get("items").and_then(Value::as_array);
    for (index, item) in items.into_iter().flatten().enumerate() {
        let item = typed_item(value, item_kind, item);
        let pointer = format!("{pointer}/items/{index}");
        let label = format!("{label}items[{index}]");
        // An item of a kind without a schema is passed over; the List is still checked.
        if let Checked::Findings(found) = object_findings(checks, &item) {
            let object = format!("{label} {}", id_of(&item));
            out.extend(found.into_iter().map(|(code, path, message)| {
                (object.clone(), (code, format!("{pointer}{path}"), message))
            }));
        }
        list_items(checks, &item, &pointer, &format!("{label}."), out);
    }
}

/// `Some("")` for `kind: List` of `apiVersion: v1` (what `kubectl get -o yaml` prints, items of
/// any kind), `Some("Deployment")` for a `DeploymentList`; `None` for other objects.
fn list_item_kind(value: &Value) -> Option<&str> {
    let kind = value.get("kind").and_then(Value::as_str)?;
    let api_version = value.get("apiVersion").and_then(Value::as_str)?;
    let item_kind = kind.strip_suffix("List")?;
    (!item_kind.is_empty() || api_version == "v1").then_some(item_kind)
}

/// An item of a typed List may leave out its apiVersion and kind, which are the List's.
fn typed_item<'a>(list: &Value, item_kind: &str, item: &'a Value) -> std::borrow::Cow<'a, Value> {
    let Some(fields) = item.as_object() else {
        return std::borrow::Cow::Borrowed(item);
    };
    if item_kind.is_empty() || (fields.contains_key("kind") && fields.contains_key("apiVersion")) {
        return std::borrow::Cow::Borrowed(item);
    }
    let mut typed = item.clone();
    typed["apiVersion"] = list["apiVersion"].clone();
    typed["kind"] = Value::String(item_kind.to_string());
    std::borrow::Cow::Owned(typed)
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

/// `(code, JSON pointer, message)`.
type Problem = (Code, String, String);

enum Checked {
    Skipped,
    Findings(Vec<Problem>),
}

/// One object alone (a List's own fields, not its items).
fn object_findings(checks: &Checks, value: &Value) -> Checked {
    if !value.is_object() {
        return Checked::Findings(vec![(
            Code::ApiSchema,
            String::new(),
            "the document is not a mapping".into(),
        )]);
    }
    let as_findings = |violations: Vec<SchemaViolation>| {
        Checked::Findings(
            violations
                .into_iter()
                .map(|v| (Code::ApiSchema, v.instance_path, v.message))
                .collect(),
        )
    };
    match checks.kube.validate(value) {
        Ok(violations) => {
            let mut found = as_findings(violations);
            if let (Checked::Findings(found), Some(version)) = (&mut found, checks.rules) {
                let rules = api_rules::check(version, value);
                found.extend(rules.into_iter().map(|(p, m)| (Code::ApiRule, p, m)));
            }
            found
        }
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
                Checked::Findings(vec![(Code::UnknownKind, String::new(), message)])
            }
        }
        Err(error) => Checked::Findings(vec![(
            Code::UnknownKind,
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
