//! Offline validation of Kubernetes objects against vendored strict JSON schemas.
//!
//! The schemas come from the PyPI package `kubernetes-validate` (Apache-2.0), see
//! `schema/kubernetes/README.md`. `scripts/vendor-k8s-schemas.py` turns each Kubernetes
//! version into one compact draft 2020-12 document that validates any supported object:
//!
//! ```text
//! {"$schema": "...2020-12...",
//!  "allOf": [{"if": <apiVersion is apps/v1 and kind is Deployment>,
//!             "then": {"$ref": "#/$defs/kind.apps.v1.Deployment"}}, ...],
//!  "x-kubernetes-version": "1.33",
//!  "x-kinds": {"apps/v1/Deployment": "kind.apps.v1.Deployment", ...},
//!  "$defs": {"kind.apps.v1.Deployment": {...}, "io.k8s.api.apps.v1.DeploymentSpec": {...}, ...}}
//! ```
//!
//! Each document is compiled into Rust when hfgen is built, by jsonschema's `validator` macro:
//! parsing the schemas and compiling validators at run time was two thirds of a render
//! (BENCHMARKS.md). A failing `if` reports nothing, so an object of a kind without a branch
//! would pass; `build.rs` lists each document's `x-kinds` so that such objects are reported
//! as unknown instead.
//!
//! Those documents hold the kinds hfgen renders. Every other kind of each version comes from a
//! second embedded document (`schema/kubernetes/every-kind/`), compiled one kind at a time on
//! first use ([`every_kind`]).
//!
//! This module is self-contained (no `crate::` imports) so it can be compiled and tested alone.

use std::fmt;

use serde_json::Value;

/// Kubernetes minor versions with a vendored schema.
pub const SUPPORTED_VERSIONS: &[&str] = &["1.25", "1.33", "1.37"];
/// The minor versions of Kubernetes 1.x that `hfgen validate -k` accepts; those without
/// vendored schemas are validated against the nearest vendored ones ([`KubeSchemas::nearest`]).
pub const ACCEPTED_MINORS: std::ops::RangeInclusive<u32> = 25..=37;
/// Version used when the profile / command line does not choose one.
pub const DEFAULT_VERSION: &str = "1.33";

mod every_kind;

use every_kind::EveryKind;

mod kinds {
    include!(concat!(env!("OUT_DIR"), "/kube_kinds.rs"));
}

#[jsonschema::validator(path = "schema/kubernetes/v1.25.json", validate_formats = false)]
struct Kubernetes125;

#[jsonschema::validator(path = "schema/kubernetes/v1.33.json", validate_formats = false)]
struct Kubernetes133;

#[jsonschema::validator(path = "schema/kubernetes/v1.37.json", validate_formats = false)]
struct Kubernetes137;

/// One entry per [`SUPPORTED_VERSIONS`], in the same order.
static SCHEMAS: [KubeSchemas; 3] = [
    KubeSchemas {
        version: "1.25",
        kinds: kinds::KINDS_1_25,
        is_valid: Kubernetes125::is_valid,
        iter_errors: Kubernetes125::iter_errors,
        every_kind: EveryKind::new(
            include_str!("../../schema/kubernetes/every-kind/v1.25.json"),
            kinds::EVERY_KIND_1_25,
        ),
    },
    KubeSchemas {
        version: "1.33",
        kinds: kinds::KINDS_1_33,
        is_valid: Kubernetes133::is_valid,
        iter_errors: Kubernetes133::iter_errors,
        every_kind: EveryKind::new(
            include_str!("../../schema/kubernetes/every-kind/v1.33.json"),
            kinds::EVERY_KIND_1_33,
        ),
    },
    KubeSchemas {
        version: "1.37",
        kinds: kinds::KINDS_1_37,
        is_valid: Kubernetes137::is_valid,
        iter_errors: Kubernetes137::iter_errors,
        every_kind: EveryKind::new(
            include_str!("../../schema/kubernetes/every-kind/v1.37.json"),
            kinds::EVERY_KIND_1_37,
        ),
    },
];

/// One schema violation of a document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchemaViolation {
    /// JSON pointer into the document, e.g. `/spec/replicas` (empty string = the document root).
    /// For unknown fields it points at the object that holds them; the message names the field.
    pub instance_path: String,
    /// Human-readable message from the validator, e.g. `"8080" is not of type "integer"`.
    pub message: String,
}

impl fmt::Display for SchemaViolation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let path = if self.instance_path.is_empty() {
            "/"
        } else {
            &self.instance_path
        };
        write!(f, "{path}: {}", self.message)
    }
}

/// Why a schema could not be selected.
#[derive(Debug)]
pub enum SchemaLookupError {
    /// The requested Kubernetes version has no vendored schema.
    UnknownVersion(String),
    /// No schema for this apiVersion/kind in the loaded Kubernetes version.
    UnknownKind { api_version: String, kind: String },
    /// The document has no string `apiVersion` and/or `kind`.
    MissingTypeMeta,
}

impl fmt::Display for SchemaLookupError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SchemaLookupError::UnknownVersion(v) => write!(
                f,
                "unknown Kubernetes version {v:?}; supported: 1.{} to 1.{} (schemas vendored for {}, the others use the nearest of those)",
                ACCEPTED_MINORS.start(),
                ACCEPTED_MINORS.end(),
                SUPPORTED_VERSIONS.join(", ")
            ),
            SchemaLookupError::UnknownKind { api_version, kind } => {
                // The variant does not carry the version; use `describe_in` to name it.
                write!(f, "no schema for apiVersion {api_version:?} kind {kind:?}")
            }
            SchemaLookupError::MissingTypeMeta => f.write_str("document has no apiVersion/kind"),
        }
    }
}

impl std::error::Error for SchemaLookupError {}

impl SchemaLookupError {
    /// Like `Display`, but names the Kubernetes version for [`SchemaLookupError::UnknownKind`]:
    /// `no schema for apiVersion "foo/v1" kind "Bar" in Kubernetes 1.33`.
    #[must_use]
    pub fn describe_in(&self, version: &str) -> String {
        match self {
            SchemaLookupError::UnknownKind { .. } => format!("{self} in Kubernetes {version}"),
            other => other.to_string(),
        }
    }
}

/// The vendored schemas of one Kubernetes version: those of the kinds hfgen renders compiled
/// into hfgen, every kind compiled on first use.
pub struct KubeSchemas {
    version: &'static str,
    /// `(apiVersion, kind)` hfgen renders, sorted; validated by `is_valid`/`iter_errors`.
    kinds: &'static [(&'static str, &'static str)],
    is_valid: fn(&Value) -> bool,
    iter_errors: for<'a> fn(&'a Value) -> jsonschema::ErrorIterator<'a>,
    every_kind: EveryKind,
}

impl fmt::Debug for KubeSchemas {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KubeSchemas")
            .field("version", &self.version)
            .field("kinds", &self.kinds)
            .finish_non_exhaustive()
    }
}

/// `"1.33"`, `"v1.33"`, `"1.33.0"`, `"v1.33.4"` -> `Some((1, 33))`.
fn major_minor(version: &str) -> Option<(u32, u32)> {
    let v = version.trim();
    let v = v.strip_prefix('v').unwrap_or(v);
    let mut parts = v.split('.');
    let (major, minor, patch) = (parts.next()?, parts.next()?, parts.next());
    let number = |p: &str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit());
    if parts.next().is_some()
        || !number(major)
        || !number(minor)
        || patch.is_some_and(|p| !number(p))
    {
        return None;
    }
    Some((major.parse().ok()?, minor.parse().ok()?))
}

/// `"1.33"`, `"v1.33"`, `"1.33.0"`, `"v1.33.4"` -> `Some("1.33")` if vendored.
fn canonical_version(version: &str) -> Option<&'static str> {
    let wanted = major_minor(version)?;
    SUPPORTED_VERSIONS
        .iter()
        .copied()
        .find(|s| major_minor(s) == Some(wanted))
}

impl KubeSchemas {
    /// The schemas of `version` (`"1.33"` or `"v1.33"`; a patch level such as `"1.33.2"` is
    /// accepted and ignored).
    ///
    /// # Errors
    /// [`SchemaLookupError::UnknownVersion`] if `version` is not one of [`SUPPORTED_VERSIONS`].
    pub fn load(version: &str) -> Result<&'static KubeSchemas, SchemaLookupError> {
        let version = canonical_version(version)
            .ok_or_else(|| SchemaLookupError::UnknownVersion(version.to_string()))?;
        Ok(SCHEMAS
            .iter()
            .find(|schemas| schemas.version == version)
            .expect("every supported version has compiled schemas"))
    }

    /// The schemas that stand in for `version`, any minor of [`ACCEPTED_MINORS`], and that
    /// version as `"1.30"`: its own if vendored, else the nearest vendored version's (of two
    /// as near, the newer: a newer API still serves the older one's fields, so a valid object
    /// is not refused).
    ///
    /// # Errors
    /// [`SchemaLookupError::UnknownVersion`] outside 1.25–1.37.
    pub fn nearest(version: &str) -> Result<(String, &'static KubeSchemas), SchemaLookupError> {
        let unknown = || SchemaLookupError::UnknownVersion(version.to_string());
        let (major, minor) = major_minor(version).ok_or_else(unknown)?;
        if major != 1 || !ACCEPTED_MINORS.contains(&minor) {
            return Err(unknown());
        }
        let distance = |schemas: &&KubeSchemas| {
            let (_, vendored) = major_minor(schemas.version).expect("vendored versions are 1.N");
            (vendored.abs_diff(minor), std::cmp::Reverse(vendored))
        };
        let schemas = SCHEMAS
            .iter()
            .min_by_key(distance)
            .expect("schemas are vendored");
        Ok((format!("1.{minor}"), schemas))
    }

    /// The Kubernetes minor version, e.g. `"1.33"`.
    pub fn version(&self) -> &str {
        self.version
    }

    /// Every kind with a schema in this version as `(apiVersion, kind)`, sorted by
    /// `"<apiVersion>/<kind>"`.
    pub fn kinds(&self) -> impl Iterator<Item = (&'static str, &'static str)> + '_ {
        self.every_kind.kinds()
    }

    /// The kinds whose validators are compiled into hfgen (those it renders), sorted by
    /// `"<apiVersion>/<kind>"`.
    pub fn compiled_kinds(&self) -> impl Iterator<Item = (&str, &str)> {
        self.kinds.iter().copied()
    }

    /// Whether `apiVersion`/`kind` has a schema in this version.
    pub fn has_kind(&self, api_version: &str, kind: &str) -> bool {
        self.kinds.contains(&(api_version, kind)) || self.every_kind.has_kind(api_version, kind)
    }

    /// All violations of one document (every error, not only the first), sorted by instance path
    /// (segment-wise, array indices numerically) then message, without duplicates.
    /// An empty vector means the document is valid.
    ///
    /// # Errors
    /// [`SchemaLookupError::MissingTypeMeta`] if `doc` has no string `apiVersion`/`kind`,
    /// [`SchemaLookupError::UnknownKind`] if this version has no schema for them.
    pub fn validate(&self, doc: &Value) -> Result<Vec<SchemaViolation>, SchemaLookupError> {
        let api_version = doc.get("apiVersion").and_then(Value::as_str);
        let kind = doc.get("kind").and_then(Value::as_str);
        let (Some(api_version), Some(kind)) = (api_version, kind) else {
            return Err(SchemaLookupError::MissingTypeMeta);
        };
        // Most documents are valid, and answering that is about twice as fast as collecting
        // no errors.
        if self.kinds.contains(&(api_version, kind)) {
            if (self.is_valid)(doc) {
                return Ok(Vec::new());
            }
            return Ok(violations((self.iter_errors)(doc)));
        }
        match self.every_kind.validator(api_version, kind) {
            Some(validator) if validator.is_valid(doc) => Ok(Vec::new()),
            Some(validator) => Ok(violations(validator.iter_errors(doc))),
            None => Err(SchemaLookupError::UnknownKind {
                api_version: api_version.to_string(),
                kind: kind.to_string(),
            }),
        }
    }
}

/// The errors of a document, sorted by instance path (segment-wise, array indices
/// numerically) then message, without duplicates.
pub fn violations(errors: jsonschema::ErrorIterator<'_>) -> Vec<SchemaViolation> {
    let mut violations: Vec<SchemaViolation> = errors
        .map(|e| SchemaViolation {
            instance_path: e.instance_path().to_string(),
            message: e.to_string(),
        })
        .collect();
    violations.sort_by(|a, b| {
        cmp_pointer(&a.instance_path, &b.instance_path).then_with(|| a.message.cmp(&b.message))
    });
    violations.dedup();
    violations
}

/// Order JSON pointers segment by segment; numeric segments (array indices) numerically.
fn cmp_pointer(a: &str, b: &str) -> std::cmp::Ordering {
    let mut sa = a.split('/');
    let mut sb = b.split('/');
    loop {
        match (sa.next(), sb.next()) {
            (None, None) => return std::cmp::Ordering::Equal,
            (None, Some(_)) => return std::cmp::Ordering::Less,
            (Some(_), None) => return std::cmp::Ordering::Greater,
            (Some(x), Some(y)) => {
                let ord = match (x.parse::<u64>(), y.parse::<u64>()) {
                    (Ok(nx), Ok(ny)) => nx.cmp(&ny),
                    _ => x.cmp(y),
                };
                if ord.is_ne() {
                    return ord;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn deployment() -> Value {
        json!({
            "apiVersion": "apps/v1",
            "kind": "Deployment",
            "metadata": {"name": "web", "labels": {"app": "web"}},
            "spec": {
                "replicas": 2,
                "selector": {"matchLabels": {"app": "web"}},
                "template": {
                    "metadata": {"labels": {"app": "web"}},
                    "spec": {
                        "containers": [{
                            "name": "web",
                            "image": "nginx:1.27",
                            "ports": [{"containerPort": 8080, "name": "http"}],
                            "env": [{"name": "FEATURE_X", "value": "on"}],
                            "resources": {"limits": {"cpu": "500m", "memory": "128Mi"},
                                          "requests": {"cpu": 0.1, "memory": 1024}}
                        }]
                    }
                }
            }
        })
    }

    #[test]
    fn valid_deployment_passes_in_every_version() {
        for v in SUPPORTED_VERSIONS {
            let s = KubeSchemas::load(v).unwrap();
            assert_eq!(s.validate(&deployment()).unwrap(), vec![], "Kubernetes {v}");
        }
    }

    #[test]
    fn unknown_field_and_wrong_type_are_both_reported() {
        let s = KubeSchemas::load(DEFAULT_VERSION).unwrap();
        let mut doc = deployment();
        doc["spec"]["replica"] = json!(1);
        doc["spec"]["template"]["spec"]["containers"][0]["ports"][0]["containerPort"] =
            json!("8080");
        let v = s.validate(&doc).unwrap();
        assert_eq!(v.len(), 2, "{v:#?}");
        assert_eq!(v[0].instance_path, "/spec");
        assert!(
            v[0].message.contains("'replica' was unexpected"),
            "{}",
            v[0].message
        );
        assert_eq!(
            v[1].instance_path,
            "/spec/template/spec/containers/0/ports/0/containerPort"
        );
        assert_eq!(v[1].message, r#""8080" is not of type "integer""#);
        assert_eq!(
            v[1].to_string(),
            r#"/spec/template/spec/containers/0/ports/0/containerPort: "8080" is not of type "integer""#
        );
    }

    #[test]
    fn norway_boolean_in_configmap_is_rejected() {
        let s = KubeSchemas::load("1.37").unwrap();
        // a ConfigMap with a boolean value (the YAML "Norway problem": `FEATURE_X: on`)
        let doc = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"},
                         "data": {"FEATURE_X": true, "OK": "yes"}});
        let v = s.validate(&doc).unwrap();
        assert_eq!(v.len(), 1, "{v:#?}");
        assert_eq!(v[0].instance_path, "/data/FEATURE_X");
    }

    #[test]
    fn int_or_string_and_quantity() {
        let s = KubeSchemas::load(DEFAULT_VERSION).unwrap();
        let svc = |target: Value| {
            json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "s"},
                   "spec": {"ports": [{"port": 80, "targetPort": target}]}})
        };
        for ok in [json!(8080), json!("http"), Value::Null] {
            assert_eq!(
                s.validate(&svc(ok.clone())).unwrap(),
                vec![],
                "targetPort {ok}"
            );
        }
        let v = s.validate(&svc(json!(true))).unwrap();
        assert_eq!(v.len(), 1, "{v:#?}");
        assert_eq!(v[0].instance_path, "/spec/ports/0/targetPort");
        let v = s.validate(&svc(json!(80.5))).unwrap();
        assert_eq!(v.len(), 1, "{v:#?}");
    }

    #[test]
    fn errors_are_sorted_with_numeric_indices() {
        let s = KubeSchemas::load(DEFAULT_VERSION).unwrap();
        let mut doc = deployment();
        let c = doc["spec"]["template"]["spec"]["containers"][0].clone();
        let mut containers = vec![];
        for i in 0..12 {
            let mut c = c.clone();
            c["name"] = json!(format!("c{i}"));
            if i == 2 || i == 10 {
                c["image"] = json!(1);
            }
            containers.push(c);
        }
        doc["spec"]["template"]["spec"]["containers"] = Value::Array(containers);
        doc["bogus"] = json!(1);
        let paths: Vec<_> = s
            .validate(&doc)
            .unwrap()
            .into_iter()
            .map(|v| v.instance_path)
            .collect();
        assert_eq!(
            paths,
            [
                "",
                "/spec/template/spec/containers/2/image",
                "/spec/template/spec/containers/10/image"
            ]
        );
    }

    /// Every minor from 1.25 to 1.37 has schemas: its own or the nearest vendored (the newer
    /// of two as near); nothing outside.
    #[test]
    fn every_minor_maps_to_the_nearest_vendored_schemas() {
        let expected = [
            (25, "1.25"),
            (26, "1.25"),
            (28, "1.25"),
            (29, "1.33"),
            (30, "1.33"),
            (33, "1.33"),
            (34, "1.33"),
            (35, "1.37"),
            (36, "1.37"),
            (37, "1.37"),
        ];
        for (minor, schemas) in expected {
            let (version, found) = KubeSchemas::nearest(&format!("v1.{minor}.2")).unwrap();
            assert_eq!(version, format!("1.{minor}"));
            assert_eq!(found.version(), schemas, "1.{minor}");
        }
        for bad in ["1.24", "1.38", "2.30", "1.3x", ""] {
            assert!(KubeSchemas::nearest(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn lookup_errors() {
        let s = KubeSchemas::load("v1.33").unwrap();
        assert_eq!(s.version(), "1.33");
        let e = s
            .validate(&json!({"apiVersion": "foo/v1", "kind": "Bar"}))
            .unwrap_err();
        assert!(
            matches!(&e, SchemaLookupError::UnknownKind { api_version, kind }
                         if api_version == "foo/v1" && kind == "Bar")
        );
        assert_eq!(
            e.describe_in(s.version()),
            r#"no schema for apiVersion "foo/v1" kind "Bar" in Kubernetes 1.33"#
        );
        // known kind, wrong group
        let e = s
            .validate(&json!({"apiVersion": "v1", "kind": "Deployment"}))
            .unwrap_err();
        assert!(matches!(e, SchemaLookupError::UnknownKind { .. }));

        let e = s.validate(&json!({"kind": "Service"})).unwrap_err();
        assert!(matches!(e, SchemaLookupError::MissingTypeMeta));
        assert_eq!(e.to_string(), "document has no apiVersion/kind");
        assert!(matches!(
            s.validate(&json!([1, 2])),
            Err(SchemaLookupError::MissingTypeMeta)
        ));

        let e = KubeSchemas::load("1.40").unwrap_err();
        assert_eq!(
            e.to_string(),
            r#"unknown Kubernetes version "1.40"; supported: 1.25 to 1.37 (schemas vendored for 1.25, 1.33, 1.37, the others use the nearest of those)"#
        );
        for bad in ["", "1", "1.3", "1.33.x", "1.33.", "v", "1.33.0.1", "11.33"] {
            assert!(
                matches!(
                    KubeSchemas::load(bad),
                    Err(SchemaLookupError::UnknownVersion(_))
                ),
                "{bad:?}"
            );
        }
        for good in ["1.25", "v1.37", "1.33.0", "v1.33.7", " 1.33 "] {
            assert!(KubeSchemas::load(good).is_ok(), "{good:?}");
        }
    }

    #[test]
    fn every_version_loads_and_every_kind_compiles() {
        let expected = [
            "apps/v1/DaemonSet",
            "apps/v1/Deployment",
            "apps/v1/StatefulSet",
            "batch/v1/CronJob",
            "batch/v1/Job",
            "networking.k8s.io/v1/NetworkPolicy",
            "policy/v1/PodDisruptionBudget",
            "rbac.authorization.k8s.io/v1/ClusterRole",
            "rbac.authorization.k8s.io/v1/ClusterRoleBinding",
            "rbac.authorization.k8s.io/v1/Role",
            "rbac.authorization.k8s.io/v1/RoleBinding",
            "v1/ConfigMap",
            "v1/Namespace",
            "v1/PersistentVolume",
            "v1/PersistentVolumeClaim",
            "v1/Secret",
            "v1/Service",
            "v1/ServiceAccount",
        ];
        assert_eq!(
            SCHEMAS.iter().map(|s| s.version).collect::<Vec<_>>(),
            SUPPORTED_VERSIONS
        );
        assert!(SUPPORTED_VERSIONS.contains(&DEFAULT_VERSION));
        for v in SUPPORTED_VERSIONS {
            let s = KubeSchemas::load(v).unwrap();
            assert_eq!(s.version(), *v);
            let compiled: Vec<String> = s
                .compiled_kinds()
                .map(|(a, k)| format!("{a}/{k}"))
                .collect();
            assert_eq!(compiled, expected, "Kubernetes {v}");
            let every: Vec<String> = s.kinds().map(|(a, k)| format!("{a}/{k}")).collect();
            assert!(every.len() > 100, "Kubernetes {v}: {} kinds", every.len());
            let mut sorted = every.clone();
            sorted.sort();
            assert_eq!(every, sorted, "Kubernetes {v}");
            for kind in &expected {
                assert!(every.contains(&kind.to_string()), "Kubernetes {v}: {kind}");
            }
            for (api_version, kind) in s.kinds() {
                let key = format!("{api_version}/{kind}");
                assert!(s.has_kind(api_version, kind));
                // Minimal object: strict schemas reject wrong apiVersion/kind only via enums,
                // so a bare object of the right type must validate cleanly...
                let minimal = json!({"apiVersion": api_version, "kind": kind, "metadata": {}});
                let violations = s.validate(&minimal).unwrap();
                // ...except where upstream marks fields as required (roleRef, subjects' kind...).
                for viol in &violations {
                    assert!(
                        viol.message.contains("is a required property"),
                        "{v} {key}: {viol}"
                    );
                }
                // ...and an unknown top-level field is always rejected (strict schemas).
                let mut extra = minimal.clone();
                extra["unexpected"] = json!(1);
                let violations = s.validate(&extra).unwrap();
                assert!(
                    violations.iter().any(|x| x.instance_path.is_empty()
                        && x.message.contains("'unexpected' was unexpected")),
                    "{v} {key}: {violations:?}"
                );
            }
        }
    }

    #[test]
    fn workload_kinds_dispatch_to_their_own_schema() {
        let s = KubeSchemas::load(DEFAULT_VERSION).unwrap();
        let template = deployment()["spec"]["template"].clone();
        let selector = json!({"matchLabels": {"app": "web"}});
        let meta = json!({"name": "w"});
        let valid = [
            deployment(),
            json!({"apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": meta,
                   "spec": {"serviceName": "w", "selector": selector, "template": template}}),
            json!({"apiVersion": "apps/v1", "kind": "DaemonSet", "metadata": meta,
                   "spec": {"selector": selector, "template": template}}),
            json!({"apiVersion": "batch/v1", "kind": "Job", "metadata": meta,
                   "spec": {"template": template}}),
            json!({"apiVersion": "batch/v1", "kind": "CronJob", "metadata": meta,
                   "spec": {"schedule": "@daily", "jobTemplate": {"spec": {"template": template}}}}),
        ];
        for doc in &valid {
            assert_eq!(s.validate(doc).unwrap(), vec![], "{}", doc["kind"]);
        }
        // A Deployment spec relabelled as StatefulSet: `strategy` is Deployment-only.
        let mut doc = deployment();
        doc["spec"]["strategy"] = json!({"type": "Recreate"});
        assert_eq!(s.validate(&doc).unwrap(), vec![]);
        doc["kind"] = json!("StatefulSet");
        let v = s.validate(&doc).unwrap();
        assert_eq!(v.len(), 1, "{v:#?}");
        assert_eq!(v[0].instance_path, "/spec");
        assert!(
            v[0].message.contains("'strategy' was unexpected"),
            "{}",
            v[0].message
        );
    }

    #[test]
    fn load_gives_one_instance_per_version() {
        assert!(std::ptr::eq(
            KubeSchemas::load("1.33").unwrap(),
            KubeSchemas::load("v1.33.4").unwrap()
        ));
        assert!(!std::ptr::eq(
            KubeSchemas::load("1.33").unwrap(),
            KubeSchemas::load("1.37").unwrap()
        ));
    }

    #[test]
    fn schemas_are_shareable_across_threads() {
        fn assert_send_sync<T: Send + Sync>() {}
        assert_send_sync::<KubeSchemas>();
    }
}
