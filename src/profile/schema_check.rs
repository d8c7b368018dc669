//! Checks the merged profile table against the profile JSON Schema before it is typed, so that
//! every unknown key, wrong type and bad choice is reported at once, each at the place it was
//! written, instead of serde's first error without a location.

use super::layer::{KeyPath, Layer, Site};
use super::schema::{keys_at, profile_schema, schema_at};
use super::suggest::nearest;
use crate::diag::{Code, Diagnostic};
use jsonschema::error::ValidationErrorKind;
use jsonschema::paths::LocationSegment;
use jsonschema::{ValidationError, Validator};
use serde_json::Value as Json;
use std::sync::OnceLock;
use toml::Value;

fn validator() -> &'static Validator {
    static VALIDATOR: OnceLock<Validator> = OnceLock::new();
    VALIDATOR.get_or_init(|| {
        jsonschema::options()
            .offline()
            .build(profile_schema())
            .expect("the derived profile schema compiles")
    })
}

/// Every schema violation of `layer`; `root` names the profile for errors without a place.
pub fn violations(layer: &Layer, root: &str) -> Vec<Diagnostic> {
    let instance = serde_json::to_value(&layer.table).expect("TOML values convert to JSON");
    let mut diagnostics = Vec::new();
    for error in validator().iter_errors(&instance) {
        let path: KeyPath = error
            .instance_path()
            .segments()
            .map(|segment| match segment {
                LocationSegment::Property(name) => name.into_owned(),
                LocationSegment::Index(index) => index.to_string(),
            })
            .collect();
        diagnostics.extend(describe(&error, &path, layer, root));
    }
    whole_floats(&layer.table, &mut Vec::new(), layer, root, &mut diagnostics);
    // The root cause first: a misspelt `extends` is why the top-level keys are missing, so
    // those are left out; errors with a place come before those without (issue 27).
    let extends_misspelt = layer
        .table
        .keys()
        .any(|key| key != "extends" && nearest(key, ["extends"]).is_some());
    if extends_misspelt {
        let missing = format!("{root}: missing key");
        diagnostics.retain(|diagnostic| !diagnostic.message.starts_with(&missing));
    }
    diagnostics.sort_by_key(|diagnostic| {
        let place = diagnostic
            .origin
            .as_ref()
            .map(|origin| (origin.is_argument(), origin.name.clone(), origin.span.start));
        (place.is_none(), place)
    });
    diagnostics
}

fn describe(
    error: &ValidationError<'_>,
    path: &[String],
    layer: &Layer,
    root: &str,
) -> Vec<Diagnostic> {
    let site = layer.origins.nearest(path);
    let shown = dotted(path);
    match error.kind() {
        ValidationErrorKind::AdditionalProperties { unexpected } => unexpected
            .iter()
            .map(|key| unknown_key(path, key, layer, root))
            .collect(),
        ValidationErrorKind::Required { property } => {
            let name = property.as_str().unwrap_or_default();
            if misspelt_beside(layer, path, name) {
                // The unknown key's "did you mean" is the root cause.
                return Vec::new();
            }
            let mut full = path.to_vec();
            full.push(name.to_string());
            let message = format!("missing key `{}`", dotted(&full));
            let mut diagnostic = match site {
                Some(site) => Diagnostic::error(Code::MissingKey, message).at(site.key_origin()),
                None => Diagnostic::error(Code::MissingKey, format!("{root}: {message}")),
            };
            if let Some(about) = description(&full) {
                diagnostic = diagnostic.with_help(format!("`{}`: {about}", dotted(&full)));
            }
            vec![diagnostic]
        }
        ValidationErrorKind::Type { .. } => {
            let expected = schema_at(path).map_or("something else".into(), expected_type);
            let found = lookup(&layer.table, path).map_or("this", toml_type);
            vec![at_value(
                site,
                root,
                format!("`{shown}` must be {expected}, not {found}"),
            )]
        }
        ValidationErrorKind::OneOfNotValid { .. } | ValidationErrorKind::Enum { .. } => {
            let choices = choices(path);
            let written = error.instance().as_str().unwrap_or_default();
            let listed: Vec<String> = choices.iter().map(|c| format!("\"{c}\"")).collect();
            let mut diagnostic = at_value(
                site,
                root,
                format!("`{shown}` must be one of {}", listed.join(", ")),
            );
            if let Some(guess) = nearest(written, choices.iter().map(String::as_str)) {
                diagnostic = diagnostic.with_help(format!("did you mean \"{guess}\"?"));
            }
            vec![diagnostic]
        }
        ValidationErrorKind::Minimum { limit } => {
            vec![at_value(
                site,
                root,
                format!("`{shown}` must be at least {limit}"),
            )]
        }
        ValidationErrorKind::Maximum { limit } => {
            vec![at_value(
                site,
                root,
                format!("`{shown}` must be at most {limit}"),
            )]
        }
        _ => vec![at_value(site, root, format!("`{shown}`: {error}"))],
    }
}

/// JSON Schema counts `1.0` as an integer, serde does not: report such floats where an
/// integer belongs as the type error they are.
fn whole_floats(
    table: &toml::Table,
    path: &mut KeyPath,
    layer: &Layer,
    root: &str,
    out: &mut Vec<Diagnostic>,
) {
    for (key, value) in table {
        path.push(key.clone());
        match value {
            Value::Float(number) if number.fract() == 0.0 => {
                let integer = schema_at(path).and_then(|schema| schema.get("type"))
                    == Some(&Json::from("integer"));
                if integer {
                    let message = format!("`{}` must be an integer, not a float", dotted(path));
                    out.push(at_value(layer.origins.nearest(path), root, message));
                }
            }
            Value::Table(inner) => whole_floats(inner, path, layer, root, out),
            _ => {}
        }
        path.pop();
    }
}

fn unknown_key(parent: &[String], key: &str, layer: &Layer, root: &str) -> Diagnostic {
    let mut path = parent.to_vec();
    path.push(key.to_string());
    let message = format!("unknown key `{}`", dotted(&path));
    let diagnostic = match layer.origins.nearest(&path) {
        Some(site) => Diagnostic::error(Code::UnknownKey, message).at(site.key_origin()),
        None => Diagnostic::error(Code::UnknownKey, format!("{root}: {message}")),
    };
    let siblings = keys_at(parent);
    if let Some(guess) = nearest(key, siblings.iter().copied()) {
        let mut guess_path = parent.to_vec();
        guess_path.push(guess.to_string());
        return diagnostic.with_help(format!("did you mean `{}`?", dotted(&guess_path)));
    }
    // A key written in the wrong table, e.g. `size` at the top instead of under [nfs].
    let elsewhere: Vec<String> = super::schema::all_keys()
        .into_iter()
        .map(|doc| doc.path)
        .filter(|other| other.rsplit('.').next() == Some(key))
        .collect();
    match elsewhere.as_slice() {
        [] if siblings.is_empty() => diagnostic,
        [] => diagnostic.with_help(format!(
            "valid keys here: {}",
            siblings
                .iter()
                .map(|k| format!("`{k}`"))
                .collect::<Vec<_>>()
                .join(", ")
        )),
        found => diagnostic.with_help(format!("did you mean `{}`?", found.join("` or `"))),
    }
}

fn at_value(site: Option<&Site>, root: &str, message: String) -> Diagnostic {
    match site {
        Some(site) => Diagnostic::error(Code::ProfileSchema, message).at(site.value_origin()),
        None => Diagnostic::error(Code::ProfileSchema, format!("{root}: {message}")),
    }
}

/// The allowed values of an enumerated key, from the schema.
pub fn choices(path: &[String]) -> Vec<String> {
    let Some(schema) = schema_at(path) else {
        return Vec::new();
    };
    let from_one_of = schema
        .get("oneOf")
        .and_then(Json::as_array)
        .into_iter()
        .flatten()
        .filter_map(|branch| branch.get("const"));
    let from_enum = schema
        .get("enum")
        .and_then(Json::as_array)
        .into_iter()
        .flatten();
    from_one_of
        .chain(from_enum)
        .filter_map(|value| value.as_str().map(String::from))
        .collect()
}

fn description(path: &[String]) -> Option<String> {
    let (last, parent) = path.split_last()?;
    let parent_schema = schema_at(parent)?;
    let text = parent_schema
        .get("properties")?
        .get(last)?
        .get("description")
        .or_else(|| schema_at(path)?.get("description"))?
        .as_str()?;
    Some(text.replace('\n', " "))
}

fn lookup<'a>(table: &'a toml::Table, path: &[String]) -> Option<&'a Value> {
    let (first, rest) = path.split_first()?;
    rest.iter()
        .try_fold(table.get(first)?, |value, key| match value {
            Value::Table(inner) => inner.get(key),
            Value::Array(items) => items.get(key.parse::<usize>().ok()?),
            _ => None,
        })
}

/// Is a key beside the missing `name` at `path` a misspelling of it (`timeoutMs`)?
fn misspelt_beside(layer: &Layer, path: &[String], name: &str) -> bool {
    let table = match path {
        [] => Some(&layer.table),
        _ => lookup(&layer.table, path).and_then(Value::as_table),
    };
    let known = keys_at(path);
    table.is_some_and(|table| {
        table.keys().any(|key| {
            !known.contains(&key.as_str()) && nearest(key, known.iter().copied()) == Some(name)
        })
    })
}

/// The type a schema wants, in words: "an array of strings" rather than "an array".
fn expected_type(schema: &Json) -> String {
    let named = |schema: &Json| {
        schema
            .get("type")
            .and_then(Json::as_str)
            .map_or("something else", article_type)
    };
    let items = schema
        .get("items")
        .and_then(|items| items.get("type"))
        .and_then(Json::as_str);
    match (named(schema), items) {
        ("an array", Some(item)) => format!("an array of {}", plural(item)),
        (one, _) => one.to_string(),
    }
}

fn plural(json_type: &str) -> &'static str {
    match json_type {
        "string" => "strings",
        "integer" => "integers",
        "number" => "numbers",
        "boolean" => "booleans",
        "object" => "tables",
        _ => "values",
    }
}

fn article_type(json_type: &str) -> &'static str {
    match json_type {
        "string" => "a string",
        "integer" => "an integer",
        "number" => "a number",
        "boolean" => "true or false",
        "object" => "a table",
        "array" => "an array",
        _ => "something else",
    }
}

fn toml_type(value: &Value) -> &'static str {
    match value {
        Value::String(_) => "a string",
        Value::Integer(_) => "an integer",
        Value::Float(_) => "a float",
        Value::Boolean(_) => "a boolean",
        Value::Datetime(_) => "a date",
        Value::Array(_) => "an array",
        Value::Table(_) => "a table",
    }
}

pub fn dotted(path: &[String]) -> String {
    path.iter()
        .map(|key| {
            let bare = !key.is_empty()
                && key
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
            if bare {
                key.clone()
            } else {
                format!("\"{key}\"")
            }
        })
        .collect::<Vec<_>>()
        .join(".")
}
