//! Profile loading: parse, follow `extends`, apply `--set`, check against the schema, type into
//! [`Profile`], then run the semantic checks. Every error points at where its key was written.

use super::layer::Layer;
use super::model::Profile;
use super::source::{self, ProfileSource};
use super::{check, schema, validate};
use crate::diag::Diagnostic;
use crate::error::{Error, Result};
use toml::Value;

/// A profile ready for rendering, with the warnings found while loading it.
#[derive(Debug, Clone)]
pub struct LoadedProfile {
    /// The built-in name or path the user gave.
    pub name: String,
    pub profile: Profile,
    pub warnings: Vec<Diagnostic>,
}

/// Loads `spec` (a built-in name or a path), applies `sets` (`KEY=VALUE`) and checks the result.
pub fn load(spec: &str, sets: &[String]) -> Result<LoadedProfile> {
    let root = source::resolve(spec)?;
    let mut layer = load_chain(&root, identity(&root), &mut Vec::new())?;
    let mut errors = Vec::new();
    for set in sets {
        match set_layer(set) {
            Ok(overlay) => layer.merge(overlay),
            Err(error) => errors.extend(error.diagnostics),
        }
    }
    // Typing stops at the first problem and cannot say where it was written; only then is the
    // table checked against the schema, which finds every problem with its place. (The schema
    // admits what the model reads, so a typed profile has nothing for the schema to report,
    // and a valid profile skips compiling the schema validator.)
    let typed = Value::Table(layer.table.clone()).try_into::<Profile>();
    if typed.is_err() || !errors.is_empty() || has_datetime(&layer.table) {
        errors.extend(validate::validate(&layer, &root.name));
    }
    if !errors.is_empty() {
        return Err(in_set_order(errors, sets).into());
    }
    let profile =
        typed.map_err(|e| Error::msg(format!("{}: {}", root.name, e.message().trim())))?;
    let warnings = check::check(&profile, &layer.origins, &root.name)
        .map_err(|error| Error::from(in_set_order(error.diagnostics, sets)))?;
    Ok(LoadedProfile {
        name: root.name,
        profile,
        warnings,
    })
}

/// TOML dates type into string fields without complaint; the schema says no profile key is a
/// date, so a date anywhere takes the schema check.
fn has_datetime(table: &toml::Table) -> bool {
    fn any(value: &Value) -> bool {
        match value {
            Value::Datetime(_) => true,
            Value::Table(table) => table.values().any(any),
            Value::Array(items) => items.iter().any(any),
            _ => false,
        }
    }
    table.values().any(any)
}

/// Diagnostics about `--set` values after the others, in the order the options were given.
fn in_set_order(mut diagnostics: Vec<Diagnostic>, sets: &[String]) -> Vec<Diagnostic> {
    diagnostics.sort_by_key(|diagnostic| {
        let origin = diagnostic
            .origin
            .as_ref()
            .filter(|origin| origin.is_argument())?;
        sets.iter().position(|set| **set == *origin.source)
    });
    diagnostics
}

fn set_layer(set: &str) -> Result<Layer> {
    let layer = Layer::from_set(set, schema::is_string_at)?;
    if layer.table.contains_key("extends") {
        let site = layer
            .origins
            .get(&["extends".to_string()])
            .expect("recorded");
        return Err(Diagnostic::error("`extends` cannot be changed with --set")
            .at(site.key_origin())
            .with_help("name the profile to start from with --profile")
            .into());
    }
    Ok(layer)
}

/// The layer of `source` on top of the layers of the profiles it extends. `chain` holds the
/// files on the way down, to name a cycle.
fn load_chain(
    source: &ProfileSource,
    source_identity: String,
    chain: &mut Vec<(String, String)>,
) -> Result<Layer> {
    chain.push((source_identity, source.name.clone()));
    let layer = Layer::parse(source)?;
    let Some(extends) = layer.table.get("extends") else {
        return Ok(layer);
    };
    let site = layer
        .origins
        .get(&["extends".to_string()])
        .expect("a parsed key has a site")
        .value_origin();
    let Value::String(parent_spec) = extends else {
        return Err(Diagnostic::error(
            "`extends` must be a string: a built-in profile name or a path",
        )
        .at(site)
        .into());
    };
    // A name is a built-in; a path is relative to the extending file, never to the cwd.
    let parent = match &source.base_dir {
        Some(dir) if source::looks_like_path(parent_spec) => {
            source::read_file(&dir.join(parent_spec))
        }
        _ => source::resolve_builtin(parent_spec),
    }
    .map_err(|error| place(error, &site))?;
    let parent_identity = identity(&parent);
    let parent = ProfileSource {
        name: tidy(&parent.name),
        ..parent
    };
    if chain.iter().any(|(known, _)| *known == parent_identity) {
        let mut names: Vec<&str> = chain.iter().map(|(_, name)| name.as_str()).collect();
        names.push(&parent.name);
        return Err(
            Diagnostic::error(format!("`extends` forms a cycle: {}", names.join(" -> ")))
                .at(site)
                .into(),
        );
    }
    let mut base = load_chain(&parent, parent_identity, chain)?;
    base.merge(layer);
    Ok(base)
}

/// Points diagnostics that have no place of their own at `site` (the `extends` value).
fn place(mut error: Error, site: &crate::diag::Origin) -> Error {
    for diagnostic in &mut error.diagnostics {
        if diagnostic.origin.is_none() {
            diagnostic.origin = Some(site.clone());
        }
    }
    error
}

/// `a/../b/c.toml` as `b/c.toml`, for messages; files are still read by the joined path.
fn tidy(name: &str) -> String {
    use std::path::{Component, Path, PathBuf};
    let mut tidy = PathBuf::new();
    for component in Path::new(name).components() {
        let after_normal = matches!(tidy.components().next_back(), Some(Component::Normal(_)));
        match component {
            Component::CurDir => {}
            Component::ParentDir if after_normal => {
                tidy.pop();
            }
            other => tidy.push(other),
        }
    }
    tidy.display().to_string()
}

/// Built-ins by name; files by canonical path, so `./a.toml` and `a.toml` are one file.
fn identity(source: &ProfileSource) -> String {
    match &source.base_dir {
        None => format!("builtin:{}", source.name),
        Some(_) => std::fs::canonicalize(&source.name)
            .map(|path| path.display().to_string())
            .unwrap_or_else(|_| source.name.clone()),
    }
}
