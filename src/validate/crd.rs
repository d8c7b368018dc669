//! Custom resources, validated by the `openAPIV3Schema` of their CustomResourceDefinitions
//! (`hfgen validate --crd FILE|DIR`).
//!
//! A CRD's schema is an OpenAPI 3.0 "structural schema". It is turned into a JSON Schema
//! (draft 4, whose boolean `exclusiveMinimum`/`exclusiveMaximum` are OpenAPI 3.0's) that
//! checks a custom resource as strictly as the vendored built-in schemas check built-in kinds:
//! - an object that lists `properties` and says nothing of others gets
//!   `additionalProperties: false` (the API server prunes, or with field validation rejects,
//!   unknown fields; kubeconform's strict CRD schemas draw the same line);
//! - `x-kubernetes-preserve-unknown-fields: true` keeps unknown fields allowed there;
//! - `x-kubernetes-int-or-string: true` accepts an integer or a string;
//! - `x-kubernetes-embedded-resource: true` is an object with `apiVersion`, `kind` (both
//!   required, as the API server requires them) and `metadata`;
//! - `nullable: true` accepts `null`;
//! - the root accepts `apiVersion`, `kind` and `metadata` whatever the schema lists.
//!
//! Other `x-kubernetes-*` keys (list and map types, CEL validations) are not checked here.

use super::files::yaml_error_message;
use super::kube_schema::{violations, SchemaViolation};
use crate::diag::Code;
use crate::error::{Error, Result};
use crate::input;
use crate::manifests::yaml;
use jsonschema::{Draft, Validator};
use serde_json::{json, Map, Value};
use std::path::{Path, PathBuf};

/// The most `--crd` reads of one file (KEDA's largest CRD is 0.1 MB).
const MAX_CRD_BYTES: u64 = 64 * 1024 * 1024;

const CRD_API_VERSION: &str = "apiextensions.k8s.io/v1";

/// The custom kinds of every `--crd` given.
#[derive(Default)]
pub struct CustomResources {
    kinds: Vec<CustomKind>,
}

struct CustomKind {
    api_version: String,
    kind: String,
    /// The file that defined it, for the message about a second definition.
    origin: String,
    validator: Validator,
}

impl CustomResources {
    /// Reads every CRD of `paths`: files, or folders whose `*.yaml`, `*.yml` and `*.json`
    /// files (not those of subfolders) are read in name order.
    ///
    /// # Errors
    /// Every path that cannot be read, is not YAML, holds something other than a
    /// CustomResourceDefinition, or defines a kind another CRD defined already.
    pub fn load(paths: &[String]) -> Result<CustomResources> {
        let mut resources = CustomResources::default();
        let mut problems = Vec::new();
        let mut seen = std::collections::HashSet::new();
        for file in paths.iter().flat_map(|path| crd_files(path)) {
            // A file named and also inside a named folder is read once.
            if let Ok(file) = &file {
                if !seen.insert(std::fs::canonicalize(file).unwrap_or_else(|_| file.clone())) {
                    continue;
                }
            }
            let added = file.and_then(|file| {
                // Shown escaped, read by its own bytes: a name that is not UTF-8 is still the
                // file it names (issue 27, item 10).
                let shown = crate::text::printable(&file.to_string_lossy());
                let text = input::read_text(&file, MAX_CRD_BYTES, input::Kind::AnyStream).map_err(
                    |why| {
                        Error::msg(
                            Code::Unreadable,
                            format!("--crd: cannot read {shown}: {why}"),
                        )
                    },
                )?;
                resources.add_text(&shown, &text)
            });
            if let Err(error) = added {
                problems.extend(error.diagnostics);
            }
        }
        if problems.is_empty() {
            Ok(resources)
        } else {
            Err(problems.into())
        }
    }

    /// Adds the CRDs of one YAML stream; `origin` names it in messages.
    ///
    /// # Errors
    /// As [`CustomResources::load`].
    pub fn add_text(&mut self, origin: &str, text: &str) -> Result<()> {
        for served in served_schemas(origin, text)? {
            if let Some(earlier) = self.find(&served.api_version, &served.kind) {
                return Err(Error::msg(
                    Code::BadCrd,
                    format!(
                        "{}: {} {} is defined twice (first in {})",
                        served.place, served.api_version, served.kind, earlier.origin
                    ),
                ));
            }
            let validator = jsonschema::options()
                .with_draft(Draft::Draft4)
                .should_validate_formats(false)
                .build(&served.schema)
                .map_err(|e| {
                    Error::msg(
                        Code::BadCrd,
                        format!(
                            "{}: the schema of {} {} is not valid: {e}",
                            served.place, served.api_version, served.kind
                        ),
                    )
                })?;
            self.kinds.push(CustomKind {
                api_version: served.api_version,
                kind: served.kind,
                origin: origin.to_string(),
                validator,
            });
        }
        Ok(())
    }

    fn find(&self, api_version: &str, kind: &str) -> Option<&CustomKind> {
        self.kinds
            .iter()
            .find(|k| k.api_version == api_version && k.kind == kind)
    }

    /// The versions of `group`'s `kind` that the CRDs serve, sorted (none if no CRD defines it).
    pub fn served_versions(&self, group: &str, kind: &str) -> Vec<&str> {
        let mut versions: Vec<&str> = self
            .kinds
            .iter()
            .filter(|k| k.kind == kind)
            .filter_map(|k| k.api_version.strip_prefix(group)?.strip_prefix('/'))
            .collect();
        versions.sort_unstable();
        versions
    }

    /// The violations of a custom resource, or `None` when no CRD defines its kind.
    pub fn validate(
        &self,
        api_version: &str,
        kind: &str,
        doc: &Value,
    ) -> Option<Vec<SchemaViolation>> {
        let validator = &self.find(api_version, kind)?.validator;
        if validator.is_valid(doc) {
            return Some(Vec::new());
        }
        Some(violations(validator.iter_errors(doc)))
    }
}

/// The KEDA release whose CRDs are vendored (`schema/crds/keda/`, compiled in by
/// [`super::vendored_crds`]), and which `hfgen setup` installs for the worker pools
/// ([`keda_manifest_url`]): the render is checked against the KEDA that runs it.
pub const KEDA_VERSION: &str = "2.20.2";

/// KEDA's release manifest of [`KEDA_VERSION`] (its CRDs, operator, metrics server and
/// admission webhooks, in namespace `keda`), as KEDA's docs install it with `kubectl apply`.
pub fn keda_manifest_url() -> String {
    format!("https://github.com/kedacore/keda/releases/download/v{KEDA_VERSION}/keda-{KEDA_VERSION}.yaml")
}

/// The JSON Schema (draft 4) of one served version of a custom kind.
pub struct ServedSchema {
    /// Where it was defined, for messages: `--crd FILE: document N`.
    pub place: String,
    pub api_version: String,
    pub kind: String,
    pub schema: Value,
}

/// The schema of every served version of every CRD in one YAML stream (a `List` of CRDs
/// too), in the order they are defined.
///
/// # Errors
/// YAML that does not parse, a document that is not a CustomResourceDefinition, or one
/// without the fields a schema needs.
pub fn served_schemas(origin: &str, text: &str) -> Result<Vec<ServedSchema>> {
    let documents = yaml::from_multiple(text).map_err(|e| {
        let line = e
            .location()
            .map(|l| format!(":{}", l.line()))
            .unwrap_or_default();
        Error::msg(
            Code::BadCrd,
            format!(
                "--crd {origin}{line}: not valid YAML: {}",
                yaml_error_message(&e)
            ),
        )
    })?;
    let mut crds = Vec::new();
    for (index, document) in documents.into_iter().enumerate() {
        let place = format!("--crd {origin}: document {}", index + 1);
        if document.get("kind").and_then(Value::as_str) == Some("List") {
            let items = document.get("items").and_then(Value::as_array);
            crds.extend(
                items
                    .into_iter()
                    .flatten()
                    .cloned()
                    .enumerate()
                    .map(|(item, crd)| (format!("{place} items[{item}]"), crd)),
            );
        } else {
            crds.push((place, document));
        }
    }
    let mut schemas = Vec::new();
    for (place, crd) in crds {
        schemas.extend(crd_schemas(&place, &crd)?);
    }
    Ok(schemas)
}

fn crd_schemas(place: &str, crd: &Value) -> Result<Vec<ServedSchema>> {
    let field = |pointer: &str| crd.pointer(pointer).and_then(Value::as_str);
    if field("/kind") != Some("CustomResourceDefinition") {
        return Err(Error::msg(
            Code::BadCrd,
            format!(
                "{place} is not a CustomResourceDefinition (kind {:?})",
                field("/kind").unwrap_or_default()
            ),
        ));
    }
    if field("/apiVersion") != Some(CRD_API_VERSION) {
        return Err(Error::msg(
            Code::BadCrd,
            format!(
                "{place}: a CustomResourceDefinition must be {CRD_API_VERSION}, not {:?}",
                field("/apiVersion").unwrap_or_default()
            ),
        ));
    }
    let (Some(group), Some(kind)) = (field("/spec/group"), field("/spec/names/kind")) else {
        return Err(Error::msg(
            Code::BadCrd,
            format!("{place}: spec.group and spec.names.kind must be strings"),
        ));
    };
    let versions = crd
        .pointer("/spec/versions")
        .and_then(Value::as_array)
        .ok_or_else(|| {
            Error::msg(
                Code::BadCrd,
                format!("{place}: spec.versions must be a list"),
            )
        })?;
    let mut schemas = Vec::new();
    for version in versions {
        let Some(name) = version.get("name").and_then(Value::as_str) else {
            return Err(Error::msg(
                Code::BadCrd,
                format!("{place}: a version of {kind} has no name"),
            ));
        };
        // The API server refuses objects of a version it does not serve.
        if version.get("served").and_then(Value::as_bool) == Some(false) {
            continue;
        }
        let schema = version
            .pointer("/schema/openAPIV3Schema")
            .filter(|schema| schema.is_object())
            .ok_or_else(|| {
                Error::msg(
                    Code::BadCrd,
                    format!("{place}: version {name} of {kind} has no schema.openAPIV3Schema"),
                )
            })?;
        if let Some(at) = reference_in(schema, "") {
            return Err(Error::msg(Code::BadCrd, format!(
                "{place}: version {name} of {kind} has `$ref` at openAPIV3Schema{at}: the API server refuses $ref in a CustomResourceDefinition (its schema inlines every type)"
            )));
        }
        schemas.push(ServedSchema {
            place: place.to_string(),
            api_version: format!("{group}/{name}"),
            kind: kind.to_string(),
            schema: root_schema(schema),
        });
    }
    Ok(schemas)
}

/// Where a `$ref` keyword is in `schema` (a JSON pointer below `at`), looking only where
/// schemas are, so a property named `$ref` is not one (issue 27, item 10).
fn reference_in(schema: &Value, at: &str) -> Option<String> {
    let node = schema.as_object()?;
    if node.contains_key("$ref") {
        return Some(format!("{at}/$ref"));
    }
    node.iter().find_map(|(key, value)| match key.as_str() {
        "properties" | "patternProperties" | "definitions" => {
            value.as_object()?.iter().find_map(|(name, sub)| {
                let name = name.replace('~', "~0").replace('/', "~1");
                reference_in(sub, &format!("{at}/{key}/{name}"))
            })
        }
        "items" | "additionalProperties" | "not" => reference_in(value, &format!("{at}/{key}")),
        "allOf" | "anyOf" | "oneOf" => value
            .as_array()?
            .iter()
            .enumerate()
            .find_map(|(index, sub)| reference_in(sub, &format!("{at}/{key}/{index}"))),
        _ => None,
    })
}

/// The files one `--crd` names: itself, or a folder's YAML and JSON files in name order.
fn crd_files(path: &str) -> Vec<Result<PathBuf>> {
    let unreadable = |why: std::io::Error| {
        Error::msg(
            Code::Unreadable,
            format!("--crd: cannot read {path}: {why}"),
        )
    };
    if !Path::new(path).is_dir() {
        return vec![Ok(PathBuf::from(path))];
    }
    let entries = match std::fs::read_dir(path) {
        Ok(entries) => entries,
        Err(why) => return vec![Err(unreadable(why))],
    };
    let mut files: Vec<PathBuf> = entries
        .filter_map(|entry| entry.ok().map(|entry| entry.path()))
        .filter(|file| {
            file.is_file()
                && file
                    .extension()
                    .is_some_and(|e| e == "yaml" || e == "yml" || e == "json")
        })
        .collect();
    files.sort();
    if files.is_empty() {
        return vec![Err(Error::msg(
            Code::BadCrd,
            format!("--crd {path}: the folder has no .yaml, .yml or .json file"),
        ))];
    }
    files.into_iter().map(Ok).collect()
}

/// The JSON Schema of a custom resource: its structural schema with the root's type meta.
fn root_schema(openapi: &Value) -> Value {
    let mut schema = structural(openapi);
    if let Some(root) = schema.as_object_mut() {
        let properties = root
            .entry("properties")
            .or_insert_with(|| json!({}))
            .as_object_mut()
            .expect("structural() keeps properties a map");
        for (name, default) in [
            ("apiVersion", json!({"type": "string"})),
            ("kind", json!({"type": "string"})),
            ("metadata", json!({"type": "object"})),
        ] {
            properties.entry(name).or_insert(default);
        }
        if !root.contains_key("additionalProperties") && !preserves_unknown_fields(openapi) {
            root.insert("additionalProperties".into(), Value::Bool(false));
        }
    }
    schema
}

fn preserves_unknown_fields(schema: &Value) -> bool {
    schema.get("x-kubernetes-preserve-unknown-fields") == Some(&Value::Bool(true))
}

fn flag(schema: &Map<String, Value>, name: &str) -> bool {
    schema.get(name) == Some(&Value::Bool(true))
}

/// One structural-schema node as JSON Schema (see the module documentation).
fn structural(schema: &Value) -> Value {
    let Some(node) = schema.as_object() else {
        return schema.clone();
    };
    let mut out = Map::new();
    for (key, value) in node {
        let converted = match key.as_str() {
            "properties" | "patternProperties" | "definitions" => match value.as_object() {
                Some(map) => Value::Object(
                    map.iter()
                        .map(|(name, sub)| (name.clone(), structural(sub)))
                        .collect(),
                ),
                None => value.clone(),
            },
            "items" | "additionalProperties" | "not" => structural(value),
            "allOf" | "anyOf" | "oneOf" => match value.as_array() {
                Some(list) => Value::Array(list.iter().map(structural).collect()),
                None => value.clone(),
            },
            // Annotations, and extensions handled below or not checked offline.
            "description" | "example" | "externalDocs" | "nullable" => continue,
            _ if key.starts_with("x-kubernetes-") => continue,
            _ => value.clone(),
        };
        out.insert(key.clone(), converted);
    }
    if flag(node, "x-kubernetes-int-or-string") {
        out.insert("type".into(), json!(["integer", "string"]));
        // controller-gen writes `anyOf: [{type: integer}, {type: string}]` beside the flag:
        // the same test, which would report every wrong value twice.
        if out.get("anyOf") == Some(&json!([{"type": "integer"}, {"type": "string"}])) {
            out.remove("anyOf");
        }
    }
    if flag(node, "x-kubernetes-embedded-resource") {
        let properties = out.entry("properties").or_insert_with(|| json!({}));
        if let Some(properties) = properties.as_object_mut() {
            properties
                .entry("apiVersion")
                .or_insert_with(|| json!({"type": "string", "minLength": 1}));
            properties
                .entry("kind")
                .or_insert_with(|| json!({"type": "string", "minLength": 1}));
            properties
                .entry("metadata")
                .or_insert_with(|| json!({"type": "object"}));
        }
        let required = out.entry("required").or_insert_with(|| json!([]));
        if let Some(required) = required.as_array_mut() {
            for name in ["apiVersion", "kind"] {
                if !required.iter().any(|r| r == name) {
                    required.push(json!(name));
                }
            }
        }
    }
    if out.contains_key("properties")
        && !out.contains_key("additionalProperties")
        && !flag(node, "x-kubernetes-preserve-unknown-fields")
    {
        out.insert("additionalProperties".into(), Value::Bool(false));
    }
    if flag(node, "nullable") {
        allow_null(&mut out);
    }
    Value::Object(out)
}

/// `nullable: true`: `null` passes the node's `type` and `enum`.
fn allow_null(node: &mut Map<String, Value>) {
    match node.get_mut("type") {
        Some(Value::String(single)) => {
            let single = std::mem::take(single);
            node.insert("type".into(), json!([single, "null"]));
        }
        Some(Value::Array(types)) if !types.iter().any(|t| t == "null") => {
            types.push(json!("null"));
        }
        _ => {}
    }
    if let Some(Value::Array(values)) = node.get_mut("enum") {
        if !values.contains(&Value::Null) {
            values.push(Value::Null);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The KEDA that `hfgen setup` installs is the one whose CRDs are vendored.
    #[test]
    fn installed_keda_is_the_vendored_version() {
        let readme = include_str!("../../schema/crds/keda/README.md");
        assert!(
            readme.contains(&format!("tag v{KEDA_VERSION} ")),
            "schema/crds/keda/README.md names another tag than v{KEDA_VERSION}"
        );
        assert_eq!(
            keda_manifest_url(),
            "https://github.com/kedacore/keda/releases/download/v2.20.2/keda-2.20.2.yaml"
        );
    }

    #[test]
    fn openapi_extensions_become_json_schema() {
        let openapi = json!({
            "type": "object",
            "properties": {
                "spec": {
                    "type": "object",
                    "required": ["port"],
                    "properties": {
                        "port": {"x-kubernetes-int-or-string": true,
                                 "anyOf": [{"type": "integer"}, {"type": "string"}]},
                        "note": {"type": "string", "nullable": true},
                        "free": {"type": "object", "x-kubernetes-preserve-unknown-fields": true},
                        "template": {"type": "object", "x-kubernetes-embedded-resource": true,
                                     "x-kubernetes-preserve-unknown-fields": true},
                        "count": {"type": "integer", "minimum": 1, "exclusiveMinimum": true}
                    }
                }
            }
        });
        let validator = jsonschema::options()
            .with_draft(Draft::Draft4)
            .build(&root_schema(&openapi))
            .unwrap();
        let object = |spec: Value| json!({"apiVersion": "x.io/v1", "kind": "X", "metadata": {"name": "a"}, "spec": spec});
        let template = json!({"apiVersion": "v1", "kind": "Pod", "spec": {"anything": 1}});
        for valid in [
            json!({"port": 80}),
            json!({"port": "http", "note": null, "free": {"any": {"thing": 1}}}),
            json!({"port": 1, "template": template, "count": 2}),
        ] {
            let doc = object(valid);
            let errors: Vec<String> = validator.iter_errors(&doc).map(|e| e.to_string()).collect();
            assert!(errors.is_empty(), "{doc}: {errors:?}");
        }
        for (invalid, path) in [
            (json!({"port": true}), "/spec/port"),
            (json!({"port": 1, "unknown": 1}), "/spec"),
            (json!({"port": 1, "note": 5}), "/spec/note"),
            (
                json!({"port": 1, "template": {"kind": "Pod"}}),
                "/spec/template",
            ),
            (json!({"port": 1, "count": 1}), "/spec/count"),
            (json!({}), "/spec"),
        ] {
            let doc = object(invalid.clone());
            let paths: Vec<String> = validator
                .iter_errors(&doc)
                .map(|e| e.instance_path().to_string())
                .collect();
            assert_eq!(paths, [path], "{invalid}");
        }
        let mut doc = object(json!({"port": 1}));
        doc["status"] = json!({});
        assert!(!validator.is_valid(&doc), "unknown root field");
    }
}
