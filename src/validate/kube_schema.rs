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
//! How it is compiled: [`KubeSchemas::load`] parses the document once per process (it is cached,
//! see [`KubeSchemas::load`]) and registers it in a [`jsonschema::Registry`] under a private URI.
//! Validators are compiled from tiny root schemas that `$ref` into that document, so only the
//! definitions reachable from the kinds in use get compiled, and jsonschema (which always
//! meta-validates the root it is given) checks a few bytes instead of all `$defs`:
//! - [`KubeSchemas::prepare`] compiles ONE validator for every kind a set of documents needs
//!   (`{"allOf": [{"if": <apiVersion and kind are X>, "then": {"$ref": ...X}}, ...]}`), so the
//!   definitions they share (ObjectMeta, the pod spec of every workload kind) are compiled once.
//!   Rendering and `hfgen validate` call it with the kinds of all their documents first.
//! - A kind nobody prepared is compiled alone (`{"$ref": ...}`) the first time it is validated.
//!
//! Either way the validator is cached per kind for the life of the process.
//!
//! This module is self-contained (no `crate::` imports) so it can be compiled and tested alone.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::{Arc, OnceLock};

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

/// One kind's schema and its validator, compiled on first use (alone or with other kinds).
struct KindSchema {
    api_version: String,
    kind: String,
    /// `$defs` name of the kind, e.g. `kind.apps.v1.Deployment`.
    def_name: String,
    validator: OnceLock<Arc<jsonschema::Validator>>,
}

/// The vendored schemas of one Kubernetes version, with per-kind validators compiled lazily.
pub struct KubeSchemas {
    version: &'static str,
    /// URI under which the schema document is registered, e.g. `urn:hfgen:kubernetes:1.33`.
    base_uri: String,
    registry: jsonschema::Registry<'static>,
    /// `"<apiVersion>/<kind>"` (e.g. `apps/v1/Deployment`, `v1/Service`) -> its schema.
    kinds: BTreeMap<String, KindSchema>,
}

/// One instance per supported version for the whole process: parsing and indexing the schema
/// document and compiling validators is most of the cost of a render, so `hfgen check` (several
/// renders) and the tests pay it once. Never dropped: freeing compiled validators at exit is
/// work nobody needs.
static LOADED: [OnceLock<KubeSchemas>; SUPPORTED_VERSIONS.len()] =
    [const { OnceLock::new() }; SUPPORTED_VERSIONS.len()];

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
    /// The embedded schema of `version` (`"1.33"` or `"v1.33"`; a patch level such as
    /// `"1.33.2"` is accepted and ignored), parsed on the first call in the process and shared
    /// by every later one. Validators are compiled on first use per kind, or by [`prepare`].
    ///
    /// [`prepare`]: KubeSchemas::prepare
    ///
    /// # Errors
    /// [`SchemaLookupError::UnknownVersion`] if `version` is not one of [`SUPPORTED_VERSIONS`].
    ///
    /// # Panics
    /// Only if the embedded (build-time vendored) schema document is malformed, which the unit
    /// tests rule out for every supported version.
    pub fn load(version: &str) -> Result<&'static KubeSchemas, SchemaLookupError> {
        let version = canonical_version(version)
            .ok_or_else(|| SchemaLookupError::UnknownVersion(version.to_string()))?;
        let index = SUPPORTED_VERSIONS
            .iter()
            .position(|v| *v == version)
            .expect("canonical versions are supported");
        Ok(LOADED[index].get_or_init(|| KubeSchemas::parse(version)))
    }

    /// A fresh, uncached instance with nothing compiled: what [`KubeSchemas::load`] costs the
    /// first time in a process. For benchmarks; everything else should use `load`.
    ///
    /// # Errors
    /// As [`KubeSchemas::load`].
    pub fn load_uncached(version: &str) -> Result<KubeSchemas, SchemaLookupError> {
        canonical_version(version)
            .map(KubeSchemas::parse)
            .ok_or_else(|| SchemaLookupError::UnknownVersion(version.to_string()))
    }

    fn parse(version: &'static str) -> KubeSchemas {
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
        for (key, def) in x_kinds {
            let (api_version, kind) = key
                .rsplit_once('/')
                .expect("x-kinds keys are apiVersion/kind");
            let def_name = def.as_str().expect("x-kinds values are $defs names");
            kinds.insert(
                key.clone(),
                KindSchema {
                    api_version: api_version.to_string(),
                    kind: kind.to_string(),
                    def_name: def_name.to_string(),
                    validator: OnceLock::new(),
                },
            );
        }

        let base_uri = format!("urn:hfgen:kubernetes:{version}");
        let registry = jsonschema::Registry::new()
            .add(&base_uri, jsonschema::Resource::from_contents(doc))
            .and_then(jsonschema::RegistryBuilder::prepare)
            .unwrap_or_else(|e| panic!("cannot index embedded Kubernetes {version} schema: {e}"));

        KubeSchemas {
            version,
            base_uri,
            registry,
            kinds,
        }
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
        // Most documents are valid, and answering that is about twice as fast as collecting
        // no errors.
        if validator.is_valid(doc) {
            return Ok(Vec::new());
        }
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

    /// Compiles one validator for every kind in `kinds` (`(apiVersion, kind)`) that has none
    /// yet, so the definitions they share are compiled once; unknown kinds are left to
    /// [`KubeSchemas::validate`] to report. Call it with the kinds of all the documents about to
    /// be validated: compiling the gke render's 10 kinds this way (the pod spec once, not once
    /// per workload kind) takes about a third less time than kind by kind.
    pub fn prepare<'a>(&self, kinds: impl IntoIterator<Item = (&'a str, &'a str)>) {
        let mut missing: Vec<&KindSchema> = Vec::new();
        for (api_version, kind) in kinds {
            if let Some(schema) = self.kinds.get(&format!("{api_version}/{kind}")) {
                if schema.validator.get().is_none()
                    && !missing.iter().any(|m| std::ptr::eq(*m, schema))
                {
                    missing.push(schema);
                }
            }
        }
        if missing.is_empty() {
            return;
        }
        let validator = Arc::new(self.compile(&missing));
        for schema in missing {
            // Another thread may have compiled it meanwhile; either validator is the same.
            let _ = schema.validator.set(Arc::clone(&validator));
        }
    }

    /// The compiled validator for one kind (compiled on first use, then cached).
    fn validator(
        &self,
        api_version: &str,
        kind: &str,
    ) -> Result<&jsonschema::Validator, SchemaLookupError> {
        let schema = self
            .kinds
            .get(&format!("{api_version}/{kind}"))
            .ok_or_else(|| SchemaLookupError::UnknownKind {
                api_version: api_version.to_string(),
                kind: kind.to_string(),
            })?;
        Ok(schema
            .validator
            .get_or_init(|| Arc::new(self.compile(&[schema]))))
    }

    /// Root schema `{"$ref": "<uri>#/$defs/<kind def>"}` for a single kind; for several kinds
    /// `{"allOf": [{"if": <apiVersion and kind are X>, "then": {"$ref": ...}}, ...]}`. A failing
    /// `if` reports nothing, so the violations are exactly those of the matching kind.
    ///
    /// The root is a draft 7 schema: jsonschema meta-validates every root it compiles, and the
    /// draft 7 meta-schema's validator is built in under half the time of the 2020-12 one
    /// (~0.5 ms against ~1.2 ms, once per process). The root only uses keywords whose meaning
    /// is the same in both drafts, and every `$ref` lands in the vendored document, which
    /// declares 2020-12 and is compiled as such. Formats stay annotations, as 2020-12 has them.
    fn compile(&self, kinds: &[&KindSchema]) -> jsonschema::Validator {
        let reference = |def_name: &str| format!("{}#/$defs/{def_name}", self.base_uri);
        let root = match kinds {
            [schema] => serde_json::json!({
                "$schema": "http://json-schema.org/draft-07/schema#",
                "$ref": reference(&schema.def_name),
            }),
            kinds => serde_json::json!({
                "$schema": "http://json-schema.org/draft-07/schema#",
                "allOf": kinds.iter().map(|schema| serde_json::json!({
                    "if": {
                        "properties": {
                            "apiVersion": {"const": schema.api_version},
                            "kind": {"const": schema.kind},
                        },
                        "required": ["apiVersion", "kind"],
                    },
                    "then": {"$ref": reference(&schema.def_name)},
                })).collect::<Vec<_>>(),
            }),
        };
        jsonschema::options()
            .with_draft(jsonschema::Draft::Draft7)
            .should_validate_formats(false)
            .offline()
            .with_registry(&self.registry)
            .build(&root)
            .unwrap_or_else(|e| {
                let names: Vec<&str> = kinds.iter().map(|k| k.def_name.as_str()).collect();
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

    /// One validator compiled by `prepare` for several kinds reports exactly what each kind's
    /// own validator reports, for valid documents, broken ones and other kinds.
    #[test]
    fn prepared_validator_reports_what_each_kind_reports_alone() {
        let alone = KubeSchemas::load_uncached(DEFAULT_VERSION).unwrap();
        let prepared = KubeSchemas::load_uncached(DEFAULT_VERSION).unwrap();
        let kinds = [
            ("apps/v1", "Deployment"),
            ("batch/v1", "Job"),
            ("v1", "Service"),
            ("v1", "ConfigMap"),
        ];
        prepared.prepare(kinds);
        assert!(kinds
            .iter()
            .all(|(a, k)| prepared.kinds[&format!("{a}/{k}")]
                .validator
                .get()
                .is_some()));

        let mut broken = deployment();
        broken["spec"]["replica"] = json!(1);
        broken["spec"]["template"]["spec"]["containers"][0]["ports"][0]["containerPort"] =
            json!("8080");
        let mut job = json!({"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": "j"},
                             "spec": {"template": deployment()["spec"]["template"].clone()}});
        job["spec"]["template"]["spec"]["restartPolicy"] = json!(7);
        job["spec"]["selector"] = json!({"matchLabels": {"app": 1}});
        let documents = [
            deployment(),
            broken,
            job,
            json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "s"},
                   "spec": {"ports": [{"port": "80", "targetPort": true}], "bogus": 1}}),
            json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"},
                   "data": {"a": true}}),
            // Not prepared: compiled alone on first use either way.
            json!({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "x"},
                   "data": {"a": 1}}),
        ];
        let mut errors = 0;
        for doc in &documents {
            let expected = alone.validate(doc).unwrap();
            errors += expected.len();
            assert_eq!(prepared.validate(doc).unwrap(), expected, "{}", doc["kind"]);
        }
        assert!(
            errors >= 8,
            "the broken documents must have errors: {errors}"
        );
    }

    #[test]
    fn load_is_shared_by_the_process() {
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
