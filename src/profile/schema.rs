//! The JSON Schema of profiles, derived from the typed model, and what hfgen reads from it:
//! the keys that exist (for "did you mean" and the README reference) and their types.

use super::model::Profile;
use serde_json::{Map, Value};
use std::sync::OnceLock;

/// The schema of a merged profile (after `extends` and `--set`), which hfgen checks before
/// typing it; built once. Editors get [`file_schema`].
pub fn profile_schema() -> &'static Value {
    static SCHEMA: OnceLock<Value> = OnceLock::new();
    SCHEMA.get_or_init(|| {
        let mut schema = schemars::schema_for!(Profile).to_value();
        drop_null(&mut schema);
        bound_integers(&mut schema);
        schema
    })
}

/// What identifies the published schema; it names the profile format, not a download address.
pub const SCHEMA_ID: &str = "urn:hfgen:profile-schema:v1";

/// The schema of one profile *file*, as `hfgen schema` prints it for editors: a file that
/// `extends` another may leave out any key, since the merged profile is what must be complete
/// (hfgen checks that one with [`profile_schema`]). A file without `extends` must still hold
/// every required key, down to the tables it writes (`[cluster]` needs `project`, ...).
pub fn file_schema() -> &'static Value {
    static SCHEMA: OnceLock<Value> = OnceLock::new();
    SCHEMA.get_or_init(|| {
        let strict = profile_schema();
        let required_when_standalone = required_tree(strict, resolve(strict, strict));
        let mut schema = strict.clone();
        drop_required(&mut schema);
        let object = schema.as_object_mut().expect("the schema is an object");
        let mut published = Map::new();
        published.insert(
            "$schema".into(),
            object.remove("$schema").unwrap_or_default(),
        );
        published.insert("$id".into(), SCHEMA_ID.into());
        published.extend(std::mem::take(object));
        published.insert("if".into(), serde_json::json!({ "required": ["extends"] }));
        published.insert("else".into(), required_when_standalone);
        Value::Object(published)
    })
}

/// `schema/profile.schema.json`, pretty-printed with a trailing newline.
pub fn profile_schema_json() -> String {
    let mut text = serde_json::to_string_pretty(file_schema()).expect("a schema is plain JSON");
    text.push('\n');
    text
}

/// Removes every `required` list: under `extends`, any key may come from the parent profile.
fn drop_required(schema: &mut Value) {
    match schema {
        Value::Object(object) => {
            if matches!(object.get("required"), Some(Value::Array(_))) {
                object.remove("required");
            }
            object.values_mut().for_each(drop_required);
        }
        Value::Array(items) => items.iter_mut().for_each(drop_required),
        _ => {}
    }
}

/// Only the `required` lists of `schema`, nested under `properties` as in the schema itself
/// (references followed), or null where nothing below is required.
fn required_tree(root: &Value, schema: &Value) -> Value {
    let mut tree = Map::new();
    if let Some(required) = schema.get("required") {
        tree.insert("required".into(), required.clone());
    }
    let mut nested = Map::new();
    for (name, property) in schema
        .get("properties")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        let inner = required_tree(root, resolve(root, property));
        if !inner.is_null() {
            nested.insert(name.clone(), inner);
        }
    }
    if !nested.is_empty() {
        tree.insert("properties".into(), Value::Object(nested));
    }
    if tree.is_empty() {
        Value::Null
    } else {
        Value::Object(tree)
    }
}

/// TOML has no null: an optional key is simply absent. schemars writes `Option<T>` as
/// "T or null", which would make editors offer `null` and turn every error inside an optional
/// table into an opaque `anyOf` failure, so the null alternative is removed everywhere.
fn drop_null(schema: &mut Value) {
    match schema {
        Value::Object(object) => {
            if let Some(Value::Array(types)) = object.get_mut("type") {
                types.retain(|kind| kind != "null");
                if types.len() == 1 {
                    let only = types.remove(0);
                    object.insert("type".into(), only);
                }
            }
            if let Some(Value::Array(branches)) = object.get("anyOf") {
                let rest: Vec<&Value> = branches.iter().filter(|b| !is_null_schema(b)).collect();
                if rest.len() == 1 {
                    if let Value::Object(inner) = rest[0].clone() {
                        object.remove("anyOf");
                        for (key, value) in inner {
                            object.entry(key).or_insert(value);
                        }
                    }
                }
            }
            object.values_mut().for_each(drop_null);
        }
        Value::Array(items) => items.iter_mut().for_each(drop_null),
        _ => {}
    }
}

/// schemars marks `u32` as `format: uint32, minimum: 0` only; the maximum makes a too-large
/// number a schema error at its line (editors flag it too) instead of a failure while typing.
fn bound_integers(schema: &mut Value) {
    match schema {
        Value::Object(object) => {
            let range = match object.get("format").and_then(Value::as_str) {
                Some("uint8") => Some((0, i64::from(u8::MAX))),
                Some("uint16") => Some((0, i64::from(u16::MAX))),
                Some("uint32") => Some((0, i64::from(u32::MAX))),
                Some("int32") => Some((i64::from(i32::MIN), i64::from(i32::MAX))),
                _ => None,
            };
            if let Some((minimum, maximum)) = range {
                object.entry("minimum").or_insert(minimum.into());
                object.entry("maximum").or_insert(maximum.into());
            }
            object.values_mut().for_each(bound_integers);
        }
        Value::Array(items) => items.iter_mut().for_each(bound_integers),
        _ => {}
    }
}

fn is_null_schema(schema: &Value) -> bool {
    schema.get("type").and_then(Value::as_str) == Some("null")
}

/// The subschema of `schema` at a local `$ref`, or `schema` itself.
fn resolve<'a>(root: &'a Value, schema: &'a Value) -> &'a Value {
    match schema.get("$ref").and_then(Value::as_str) {
        Some(reference) => reference
            .strip_prefix('#')
            .and_then(|pointer| root.pointer(pointer))
            .map_or(schema, |target| resolve(root, target)),
        None => schema,
    }
}

/// Keys the schema keeps so that the checks can say why they are refused (whatever their
/// value): completion does not offer them.
pub const ALWAYS_REFUSED: &[&str] = &["tasks.memory_limit", "workflow_config.execution_models"];

/// The schema of the value at `path` (keys from the root table), if the path can exist.
pub fn schema_at(path: &[String]) -> Option<&'static Value> {
    let root = profile_schema();
    let mut schema = resolve(root, root);
    for key in path {
        // An element of an array (`execution.pools.0`): the schema of its items.
        if let Some(items) = schema.get("items").filter(|_| key.parse::<usize>().is_ok()) {
            schema = resolve(root, items);
            continue;
        }
        let properties = schema.get("properties").and_then(Value::as_object);
        schema = match properties.and_then(|p| p.get(key)) {
            Some(property) => resolve(root, property),
            None => match schema.get("additionalProperties") {
                Some(any @ Value::Object(_)) => resolve(root, any),
                _ => return None,
            },
        };
    }
    Some(schema)
}

/// The keys a table at `path` may hold (empty for free-form maps such as node selectors).
pub fn keys_at(path: &[String]) -> Vec<&'static str> {
    schema_at(path)
        .and_then(|schema| schema.get("properties"))
        .and_then(Value::as_object)
        .map(|properties| properties.keys().map(String::as_str).collect())
        .unwrap_or_default()
}

/// Is the value at `path` a string (so that `--set KEY=1.33` means the text `1.33`)?
pub fn is_string_at(path: &[String]) -> bool {
    schema_at(path).and_then(|schema| schema.get("type")) == Some(&Value::from("string"))
}

/// Is the value at `path` a table (a section like `nfs`, or a map like `nodes.master`)?
pub fn is_table_at(path: &[String]) -> bool {
    schema_at(path).and_then(|schema| schema.get("type")) == Some(&Value::from("object"))
}

/// One key of the profile, for the reference table.
#[derive(Debug, Clone, PartialEq)]
pub struct KeyDoc {
    /// Dotted path; `<label>` / `<name>` stand for the keys of free-form maps.
    pub path: String,
    pub kind: String,
    pub default: Option<String>,
    pub required: bool,
    pub description: String,
}

/// Every key of the profile, depth first in declaration order.
pub fn all_keys() -> Vec<KeyDoc> {
    let root = profile_schema();
    let mut keys = Vec::new();
    collect_keys(root, resolve(root, root), "", &mut keys);
    keys
}

fn collect_keys(root: &Value, schema: &Value, prefix: &str, out: &mut Vec<KeyDoc>) {
    let empty = Map::new();
    let properties = schema
        .get("properties")
        .and_then(Value::as_object)
        .unwrap_or(&empty);
    let required: Vec<&str> = schema
        .get("required")
        .and_then(Value::as_array)
        .map(|names| names.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    for (name, property) in properties {
        let path = format!("{prefix}{name}");
        let target = resolve(root, property);
        let description = property
            .get("description")
            .or_else(|| target.get("description"))
            .and_then(Value::as_str)
            .unwrap_or_default()
            .replace('\n', " ");
        let is_table = target.get("properties").is_some();
        out.push(KeyDoc {
            path: path.clone(),
            kind: kind_name(target),
            default: property
                .get("default")
                .filter(|_| !is_table)
                .map(|value| value.to_string()),
            required: required.contains(&name.as_str()),
            description,
        });
        if is_table {
            collect_keys(root, target, &format!("{path}."), out);
        }
    }
}

/// What a value of `schema` looks like, in TOML words.
fn kind_name(schema: &Value) -> String {
    if let Some(Value::Array(branches)) = schema.get("oneOf") {
        let values: Vec<String> = branches
            .iter()
            .filter_map(|branch| branch.get("const"))
            .map(|value| format!("`{value}`"))
            .collect();
        if values.len() == branches.len() {
            return values.join(" \\| ");
        }
    }
    if schema.get("properties").is_some() {
        return "table".into();
    }
    match schema.get("type").and_then(Value::as_str) {
        Some("object") => match schema
            .get("additionalProperties")
            .and_then(|v| v.get("type"))
        {
            Some(Value::String(inner)) => format!("table of {inner}s"),
            _ => "table".into(),
        },
        Some(other) => other.into(),
        None => "any".into(),
    }
}

/// The "Profile reference" section of the README: every key, its type, default and meaning.
pub fn reference_markdown() -> String {
    let mut text = String::from("| key | type | default | description |\n|---|---|---|---|\n");
    for key in all_keys() {
        let default = match (&key.default, key.required) {
            (_, true) => "required".to_string(),
            (Some(value), false) => format!("`{value}`"),
            (None, false) => String::new(),
        };
        text.push_str(&format!(
            "| `{}` | {} | {} | {} |\n",
            key.path,
            key.kind,
            default,
            key.description.replace('|', "\\|")
        ));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn path(dotted: &str) -> Vec<String> {
        dotted.split('.').map(String::from).collect()
    }

    #[test]
    fn optional_keys_have_no_null_alternative() {
        let text = profile_schema_json();
        assert!(!text.contains("\"null\""), "{text}");
        assert!(schema_at(&path("cluster.zone")).is_some());
    }

    #[test]
    fn knows_keys_and_string_types() {
        assert!(keys_at(&path("nfs")).contains(&"address"));
        assert!(is_string_at(&path("cluster.version")));
        assert!(is_string_at(&path("nodes.master.anything")));
        assert!(!is_string_at(&path("engine.debug")));
        assert!(schema_at(&path("nfs.nope")).is_none());
    }
}
