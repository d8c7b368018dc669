//! The custom resources hfgen renders, checked like built-in kinds: KEDA's ScaledObject and
//! TriggerAuthentication (worker pools). Their schemas are what `--crd` makes of KEDA
//! v2.20.2's CRDs (`schema/crds/keda/`), kept as `schema/crds/keda/compiled/*.json` (a test
//! keeps them in step with the CRDs) and compiled into hfgen by jsonschema's `validator`
//! macro, so a render with pools compiles nothing at run time.

use super::kube_schema::{violations, SchemaViolation};
use serde_json::Value;

#[jsonschema::validator(
    path = "schema/crds/keda/compiled/ScaledObject.v1alpha1.json",
    validate_formats = false
)]
struct KedaScaledObject;

#[jsonschema::validator(
    path = "schema/crds/keda/compiled/TriggerAuthentication.v1alpha1.json",
    validate_formats = false
)]
struct KedaTriggerAuthentication;

/// One compiled custom kind.
struct VendoredKind {
    api_version: &'static str,
    kind: &'static str,
    is_valid: fn(&Value) -> bool,
    iter_errors: for<'a> fn(&'a Value) -> jsonschema::ErrorIterator<'a>,
}

const VENDORED: &[VendoredKind] = &[
    VendoredKind {
        api_version: "keda.sh/v1alpha1",
        kind: "ScaledObject",
        is_valid: KedaScaledObject::is_valid,
        iter_errors: KedaScaledObject::iter_errors,
    },
    VendoredKind {
        api_version: "keda.sh/v1alpha1",
        kind: "TriggerAuthentication",
        is_valid: KedaTriggerAuthentication::is_valid,
        iter_errors: KedaTriggerAuthentication::iter_errors,
    },
];

/// The violations of a vendored custom kind, or `None` when `kind` is not one.
pub fn validate(api_version: &str, kind: &str, doc: &Value) -> Option<Vec<SchemaViolation>> {
    let vendored = VENDORED
        .iter()
        .find(|k| k.api_version == api_version && k.kind == kind)?;
    if (vendored.is_valid)(doc) {
        return Some(Vec::new());
    }
    Some(violations((vendored.iter_errors)(doc)))
}

/// The versions of `group`'s `kind` that the vendored CRDs serve.
pub fn served_versions(group: &str, kind: &str) -> Vec<&'static str> {
    VENDORED
        .iter()
        .filter(|k| k.kind == kind)
        .filter_map(|k| k.api_version.strip_prefix(group)?.strip_prefix('/'))
        .collect()
}

/// Each compiled kind is the one its schema file says.
#[cfg(test)]
mod tests {
    #[test]
    fn each_compiled_kind_matches_its_schema_file() {
        for (file, text) in [
            (
                "ScaledObject",
                include_str!("../../schema/crds/keda/compiled/ScaledObject.v1alpha1.json"),
            ),
            (
                "TriggerAuthentication",
                include_str!("../../schema/crds/keda/compiled/TriggerAuthentication.v1alpha1.json"),
            ),
        ] {
            let schema: serde_json::Value = serde_json::from_str(text).unwrap();
            let kind = super::VENDORED.iter().find(|k| k.kind == file).unwrap();
            assert_eq!(schema["x-kind"], kind.kind);
            assert_eq!(schema["x-api-version"], kind.api_version);
        }
    }
}
