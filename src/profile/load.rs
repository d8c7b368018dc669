//! Profile loading: parse, follow `extends`, apply `--set`, then type-check into [`Profile`].

use super::model::Profile;
use super::source::{self, ProfileSource};
use crate::diag::{Diagnostic, Origin};
use crate::error::{Error, Result};
use std::sync::Arc;
use toml::{Table, Value};

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
    let mut chain = Vec::new();
    let (table, sources) = load_with_parents(root.clone(), &mut chain)?;
    let mut table = table;
    let mut set_diagnostics = Vec::new();
    for set in sets {
        if let Err(error) = apply_set(&mut table, set) {
            set_diagnostics.extend(error.diagnostics);
        }
    }
    if !set_diagnostics.is_empty() {
        return Err(set_diagnostics.into());
    }
    let profile = if sources.len() == 1 && sets.is_empty() {
        // One file: deserialize from the text, so type errors point at their line.
        toml::from_str::<Profile>(&root.text).map_err(|e| toml_error(&root, &e))?
    } else {
        Value::Table(table)
            .try_into::<Profile>()
            .map_err(|e| merged_error(&root, sets, &e))?
    };
    let warnings = super::check::check(&profile, &root)?;
    Ok(LoadedProfile {
        name: root.name,
        profile,
        warnings,
    })
}

/// Parses `source` and the profiles it extends; returns the merged table and every file read.
fn load_with_parents(
    source: ProfileSource,
    chain: &mut Vec<String>,
) -> Result<(Table, Vec<ProfileSource>)> {
    let identity = source_identity(&source);
    if chain.contains(&identity) {
        chain.push(identity);
        return Err(Error::msg(format!(
            "`extends` forms a cycle: {}",
            chain.join(" -> ")
        )));
    }
    chain.push(identity);
    let table = toml::from_str::<Table>(&source.text).map_err(|e| toml_error(&source, &e))?;
    let parent_spec = match table.get("extends") {
        None => None,
        Some(Value::String(parent)) => Some(parent.clone()),
        Some(_) => {
            return Err(Error::msg(format!(
                "{}: `extends` must be a string: a built-in profile name or a path",
                source.name
            )))
        }
    };
    let Some(parent_spec) = parent_spec else {
        return Ok((table, vec![source]));
    };
    let parent = match &source.base_dir {
        Some(dir) if source::looks_like_path(&parent_spec) => {
            source::read_file(&dir.join(&parent_spec))?
        }
        _ => source::resolve(&parent_spec)?,
    };
    let (mut merged, mut sources) = load_with_parents(parent, chain)?;
    merge(&mut merged, table);
    sources.push(source);
    Ok((merged, sources))
}

fn source_identity(source: &ProfileSource) -> String {
    match &source.base_dir {
        None => source.name.clone(),
        Some(_) => std::fs::canonicalize(&source.name)
            .map(|path| path.display().to_string())
            .unwrap_or_else(|_| source.name.clone()),
    }
}

/// Tables merge key by key; arrays and scalars in `overlay` replace those in `base`.
pub fn merge(base: &mut Table, overlay: Table) {
    for (key, value) in overlay {
        match (base.get_mut(&key), value) {
            (Some(Value::Table(base_table)), Value::Table(overlay_table)) => {
                merge(base_table, overlay_table)
            }
            (_, value) => {
                base.insert(key, value);
            }
        }
    }
}

/// Applies one `--set KEY=VALUE`: a dotted key and a TOML value (a bare word is a string).
fn apply_set(table: &mut Table, set: &str) -> Result<()> {
    let origin = |span: std::ops::Range<usize>| Origin {
        name: "--set".into(),
        source: Arc::from(set),
        span,
    };
    let Some((key, raw_value)) = set.split_once('=') else {
        return Err(
            Diagnostic::error(format!("--set `{set}`: expected KEY=VALUE"))
                .at(origin(0..set.len()))
                .into(),
        );
    };
    let path: Vec<&str> = key.trim().split('.').collect();
    if path.iter().any(|part| part.is_empty()) {
        return Err(
            Diagnostic::error(format!("--set `{key}`: the key has an empty part"))
                .at(origin(0..key.len()))
                .into(),
        );
    }
    let value = parse_set_value(raw_value.trim());
    let (last, parents) = path.split_last().expect("split yields at least one part");
    let mut current = table;
    for (depth, part) in parents.iter().enumerate() {
        let entry = current
            .entry(part.to_string())
            .or_insert_with(|| Value::Table(Table::new()));
        current = match entry {
            Value::Table(inner) => inner,
            _ => {
                let prefix = path[..=depth].join(".");
                return Err(
                    Diagnostic::error(format!("--set `{key}`: `{prefix}` is not a table"))
                        .at(origin(0..key.len()))
                        .into(),
                );
            }
        };
    }
    current.insert(last.to_string(), value);
    Ok(())
}

fn parse_set_value(raw: &str) -> Value {
    toml::from_str::<Table>(&format!("value = {raw}"))
        .ok()
        .and_then(|mut table| table.remove("value"))
        .unwrap_or_else(|| Value::String(raw.to_string()))
}

fn toml_error(source: &ProfileSource, error: &toml::de::Error) -> Error {
    let mut diagnostic = Diagnostic::error(error.message().trim().to_string());
    if let Some(span) = error.span() {
        diagnostic = diagnostic.at(source.origin(span));
    } else {
        diagnostic.message = format!("{}: {}", source.name, diagnostic.message);
    }
    Error::new(diagnostic)
}

fn merged_error(root: &ProfileSource, sets: &[String], error: &toml::de::Error) -> Error {
    let mut context = format!("profile {}", root.name);
    if !sets.is_empty() {
        context.push_str(" with --set ");
        context.push_str(&sets.join(", --set "));
    }
    Error::msg(format!("{context}: {}", error.message().trim()))
}
