//! Offline validation of Kubernetes objects against vendored strict JSON schemas.
//!
//! The schemas come from the PyPI package `kubernetes-validate` (Apache-2.0), see
//! `schema/kubernetes/README.md`. `scripts/vendor-k8s-schemas.py` turns each Kubernetes
//! version into one compact draft 2020-12 document:
//!
//! ```text
//! {"$schema": "...2020-12...", "x-kubernetes-version": "1.33",
//!  "x-kinds": {"apps/v1/Deployment": "kind.apps.v1.Deployment", ...},
//!  "$defs": {"kind.apps.v1.Deployment": {...}, "io.k8s.api.apps.v1.DeploymentSpec": {...}, ...}}
//! ```
//!
//! where every `$ref` is local (`#/$defs/X`). The document is embedded with `include_str!`.
//!
//! How it is compiled: [`KubeSchemas::load`] parses the document once and registers it in a
//! [`jsonschema::Registry`] under a private URI. Per kind, a one-line root schema
//! `{"$ref": "<uri>#/$defs/kind.apps.v1.Deployment"}` is compiled against that registry the first
//! time a document of that kind is validated; the validator is cached. jsonschema always
//! meta-validates the root it is given, so this keeps the root tiny instead of embedding all
//! `$defs` in it, and only the definitions reachable from that kind get compiled.
//! The workload kinds (everything with a pod template) share one validator, see
//! `POD_TEMPLATE_KINDS`.
//!
//! This module is self-contained (no `crate::` imports) so it can be compiled and tested alone.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::OnceLock;

use serde_json::Value;

/// Kubernetes minor versions with a vendored schema.
pub const SUPPORTED_VERSIONS: &[&str] = &["1.25", "1.33", "1.37"];
/// Version used when the profile / command line does not choose one.
pub const DEFAULT_VERSION: &str = "1.33";

/// Embedded schema documents, one per entry of [`SUPPORTED_VERSIONS`].
const SCHEMA_DOCS: &[(&str, &str)] = &[
    ("1.25", include_str!("../../schema/kubernetes/v1.25.json")),
    ("1.33", include_str!("../../schema/kubernetes/v1.33.json")),
    ("1.37", include_str!("../../schema/kubernetes/v1.37.json")),
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
                "unknown Kubernetes version {v:?}; supported: {}",
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

/// Kinds that embed a `PodTemplateSpec`. Compiling the pod spec dominates the cost of their
/// validators (~0.9 ms each in release), so they share ONE validator that dispatches on
/// apiVersion/kind: jsonschema then compiles the pod spec once for all of them.
/// (Release build, 2 cores: load + 10 typical kinds went from ~7 ms to ~5 ms cold.)
const POD_TEMPLATE_KINDS: &[&str] = &[
    "apps/v1/Deployment",
    "apps/v1/StatefulSet",
    "apps/v1/DaemonSet",
    "batch/v1/Job",
    "batch/v1/CronJob",
];

/// Kinds validated by one compiled validator, compiled on first use.
struct ValidatorGroup {
    /// `(apiVersion, kind, $defs name)` of every member, e.g. `("apps/v1", "Deployment",
    /// "kind.apps.v1.Deployment")`.
    members: Vec<(String, String, String)>,
    validator: OnceLock<jsonschema::Validator>,
}

/// The vendored schemas of one Kubernetes version, with per-kind validators compiled lazily.
pub struct KubeSchemas {
    version: &'static str,
    /// URI under which the schema document is registered, e.g. `urn:hfgen:kubernetes:1.33`.
    base_uri: String,
    registry: jsonschema::Registry<'static>,
    /// `"<apiVersion>/<kind>"` (e.g. `apps/v1/Deployment`, `v1/Service`) -> index in `groups`.
    kinds: BTreeMap<String, usize>,
    groups: Vec<ValidatorGroup>,
}

impl fmt::Debug for KubeSchemas {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KubeSchemas")
            .field("version", &self.version)
            .field("kinds", &self.kinds.keys().collect::<Vec<_>>())
            .finish_non_exhaustive()
    }
}

/// `"1.33"`, `"v1.33"`, `"1.33.0"`, `"v1.33.4"` -> `Some("1.33")` if vendored.
fn canonical_version(version: &str) -> Option<&'static str> {
    let v = version.trim();
    let v = v.strip_prefix('v').unwrap_or(v);
    let mut parts = v.split('.');
    let (major, minor, patch) = (parts.next()?, parts.next()?, parts.next());
    if parts.next().is_some()
        || patch.is_some_and(|p| p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()))
    {
        return None;
    }
    SUPPORTED_VERSIONS.iter().copied().find(|s| {
        let (smaj, smin) = s
            .split_once('.')
            .expect("SUPPORTED_VERSIONS are MAJOR.MINOR");
        smaj == major && smin == minor
    })
}

impl KubeSchemas {
    /// Parse the embedded schema of `version` (`"1.33"` or `"v1.33"`; a patch level such as
    /// `"1.33.2"` is accepted and ignored). Validators are compiled on first use per kind.
    ///
    /// # Errors
    /// [`SchemaLookupError::UnknownVersion`] if `version` is not one of [`SUPPORTED_VERSIONS`].
    ///
    /// # Panics
    /// Only if the embedded (build-time vendored) schema document is malformed, which the unit
    /// tests rule out for every supported version.
    pub fn load(version: &str) -> Result<KubeSchemas, SchemaLookupError> {
        let version = canonical_version(version)
            .ok_or_else(|| SchemaLookupError::UnknownVersion(version.to_string()))?;
        let text = SCHEMA_DOCS
            .iter()
            .find(|(v, _)| *v == version)
            .map(|(_, text)| *text)
            .expect("every supported version has an embedded schema");
        let doc: Value = serde_json::from_str(text).unwrap_or_else(|e| {
            panic!("embedded Kubernetes {version} schema is not valid JSON: {e}")
        });
        assert_eq!(
            doc.get("x-kubernetes-version").and_then(Value::as_str),
            Some(version),
            "embedded schema file for Kubernetes {version} declares another version"
        );
        let x_kinds = doc
            .get("x-kinds")
            .and_then(Value::as_object)
            .unwrap_or_else(|| panic!("embedded Kubernetes {version} schema has no x-kinds"));
        let mut kinds = BTreeMap::new();
        let mut groups: Vec<ValidatorGroup> = Vec::new();
        let mut pod_group: Option<usize> = None;
        for (key, def) in x_kinds {
            let (api_version, kind) = key
                .rsplit_once('/')
                .expect("x-kinds keys are apiVersion/kind");
            let def_name = def.as_str().expect("x-kinds values are $defs names");
            let member = (
                api_version.to_string(),
                kind.to_string(),
                def_name.to_string(),
            );
            let index = match pod_group {
                Some(i) if POD_TEMPLATE_KINDS.contains(&key.as_str()) => {
                    groups[i].members.push(member);
                    i
                }
                _ => {
                    groups.push(ValidatorGroup {
                        members: vec![member],
                        validator: OnceLock::new(),
                    });
                    if POD_TEMPLATE_KINDS.contains(&key.as_str()) {
                        pod_group = Some(groups.len() - 1);
                    }
                    groups.len() - 1
                }
            };
            kinds.insert(key.clone(), index);
        }

        let base_uri = format!("urn:hfgen:kubernetes:{version}");
        let registry = jsonschema::Registry::new()
            .add(&base_uri, jsonschema::Resource::from_contents(doc))
            .and_then(jsonschema::RegistryBuilder::prepare)
            .unwrap_or_else(|e| panic!("cannot index embedded Kubernetes {version} schema: {e}"));

        Ok(KubeSchemas {
            version,
            base_uri,
            registry,
            kinds,
            groups,
        })
    }

    /// The Kubernetes minor version, e.g. `"1.33"`.
    pub fn version(&self) -> &str {
        self.version
    }

    /// The supported kinds as `"<apiVersion>/<kind>"`, sorted: `"apps/v1/Deployment"`,
    /// `"v1/Service"`, ...
    pub fn kinds(&self) -> impl Iterator<Item = &str> {
        self.kinds.keys().map(String::as_str)
    }

    /// Whether `apiVersion`/`kind` has a schema in this version.
    pub fn has_kind(&self, api_version: &str, kind: &str) -> bool {
        self.kinds.contains_key(&format!("{api_version}/{kind}"))
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
        let validator = self.validator(api_version, kind)?;
        let mut violations: Vec<SchemaViolation> = validator
            .iter_errors(doc)
            .map(|e| SchemaViolation {
                instance_path: e.instance_path().to_string(),
                message: e.to_string(),
            })
            .collect();
        violations.sort_by(|a, b| {
            cmp_pointer(&a.instance_path, &b.instance_path).then_with(|| a.message.cmp(&b.message))
        });
        violations.dedup();
        Ok(violations)
    }

    /// The compiled validator for one kind (compiled on first use, then cached).
    fn validator(
        &self,
        api_version: &str,
        kind: &str,
    ) -> Result<&jsonschema::Validator, SchemaLookupError> {
        let &group = self
            .kinds
            .get(&format!("{api_version}/{kind}"))
            .ok_or_else(|| SchemaLookupError::UnknownKind {
                api_version: api_version.to_string(),
                kind: kind.to_string(),
            })?;
        let group = &self.groups[group];
        Ok(group.validator.get_or_init(|| self.compile(group)))
    }

    /// Root schema `{"$ref": "<uri>#/$defs/<kind def>"}` for a single kind; for several kinds
    /// `{"allOf": [{"if": <apiVersion and kind are X>, "then": {"$ref": ...}}, ...]}`. A failing
    /// `if` reports nothing, so the violations are exactly those of the matching kind.
    fn compile(&self, group: &ValidatorGroup) -> jsonschema::Validator {
        let reference = |def_name: &str| format!("{}#/$defs/{def_name}", self.base_uri);
        let root = match group.members.as_slice() {
            [(_, _, def_name)] => serde_json::json!({
                "$schema": "https://json-schema.org/draft/2020-12/schema",
                "$ref": reference(def_name),
            }),
            members => serde_json::json!({
                "$schema": "https://json-schema.org/draft/2020-12/schema",
                "allOf": members.iter().map(|(api_version, kind, def_name)| serde_json::json!({
                    "if": {
                        "properties": {"apiVersion": {"const": api_version}, "kind": {"const": kind}},
                        "required": ["apiVersion", "kind"],
                    },
                    "then": {"$ref": reference(def_name)},
                })).collect::<Vec<_>>(),
            }),
        };
        jsonschema::options()
            .with_draft(jsonschema::Draft::Draft202012)
            .offline()
            .with_registry(&self.registry)
            .build(&root)
            .unwrap_or_else(|e| {
                let names: Vec<&str> = group.members.iter().map(|m| m.2.as_str()).collect();
                panic!(
                    "embedded Kubernetes {} schema {names:?} does not compile: {e}",
                    self.version
                )
            })
    }
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
            r#"unknown Kubernetes version "1.40"; supported: 1.25, 1.33, 1.37"#
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
            SCHEMA_DOCS.iter().map(|(v, _)| *v).collect::<Vec<_>>(),
            SUPPORTED_VERSIONS
        );
        assert!(SUPPORTED_VERSIONS.contains(&DEFAULT_VERSION));
        for v in SUPPORTED_VERSIONS {
            let s = KubeSchemas::load(v).unwrap();
            assert_eq!(s.version(), *v);
            assert_eq!(s.kinds().collect::<Vec<_>>(), expected, "Kubernetes {v}");
            for key in s.kinds() {
                let (api_version, kind) = key.rsplit_once('/').unwrap();
                assert!(s.has_kind(api_version, kind));
                // Minimal object: strict schemas reject wrong apiVersion/kind only via enums,
                // so a bare object of the right type must validate cleanly...
                let minimal =
                    json!({"apiVersion": api_version, "kind": kind, "metadata": {"name": "x"}});
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
    fn schemas_are_shareable_across_threads() {
        fn assert_send_sync<T: Send + Sync>() {}
        assert_send_sync::<KubeSchemas>();
    }
}
