//! Profile loading: parse, follow `extends`, apply `--set`, check against the schema, type into
//! [`Profile`], then run the semantic checks. Every error points at where its key was written.

use super::layer::{Layer, Origins};
use super::model::Profile;
use super::source::{self, ProfileSource};
use super::{checks, schema, schema_check};
use crate::diag::{Code, Diagnostic};
use crate::error::{Error, Result};
use toml::Value;

/// A profile ready for rendering, with the warnings found while loading it.
#[derive(Debug, Clone)]
pub struct LoadedProfile {
    /// The built-in name or path the user gave.
    pub name: String,
    pub profile: Profile,
    pub warnings: Vec<Diagnostic>,
    /// Where each key of the merged profile was written (absent: hfgen's default).
    pub origins: Origins,
    /// The profile given, then the one it extends, and so on to a profile without `extends`.
    pub chain: Vec<ChainLink>,
}

/// One profile of an `extends` chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainLink {
    /// The built-in name, or the path as diagnostics show it.
    pub name: String,
    pub builtin: bool,
}

impl LoadedProfile {
    /// The name that rendered objects and golden folders record: a built-in profile's name, or
    /// a file's name without folder and `.toml` (so it does not depend on where hfgen ran).
    pub fn short_name(&self) -> String {
        // A built-in name has no folder and no extension: its stem is itself.
        std::path::Path::new(&self.name).file_stem().map_or_else(
            || self.name.clone(),
            |stem| stem.to_string_lossy().into_owned(),
        )
    }
}

/// Loads `spec` (a built-in name or a path), applies `sets` (`KEY=VALUE`) and checks the result.
pub fn load(spec: &str, sets: &[String]) -> Result<LoadedProfile> {
    let root = source::resolve(spec)?;
    let mut chain = Vec::new();
    let mut layer = load_chain(&root, identity(&root), &mut chain)?;
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
    errors.extend(nul_characters(&layer));
    let typed = Value::Table(layer.table.clone()).try_into::<Profile>();
    if typed.is_err() || !errors.is_empty() || has_datetime(&layer.table) {
        errors.extend(schema_check::violations(&layer, &root.name));
    }
    if !errors.is_empty() {
        return Err(in_set_order(errors, sets).into());
    }
    let profile = typed.map_err(|e| {
        Error::msg(
            Code::ProfileSchema,
            format!("{}: {}", root.name, e.message().trim()),
        )
    })?;
    let warnings = checks::check(&profile, &layer.origins, &root.name)
        .map_err(|error| Error::from(in_set_order(error.diagnostics, sets)))?;
    Ok(LoadedProfile {
        name: root.name,
        profile,
        warnings,
        origins: layer.origins,
        chain: chain
            .into_iter()
            .map(|(identity, name)| ChainLink {
                builtin: identity.starts_with(BUILTIN_IDENTITY),
                name,
            })
            .collect(),
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
    // `--set nfs=1` would replace the profile's whole [nfs] table, and a later
    // `--set nfs.size=1Gi` would then build a new one: the profile's other nfs keys would be
    // dropped without a word.
    if let Some((path, site)) = scalar_for_table(&layer) {
        let key = path.join(".");
        return Err(Diagnostic::error(
            Code::SetNotAllowed,
            format!("`{key}` is a table; --set changes one of its keys"),
        )
        .at(site.value_origin())
        .with_help(format!("e.g. --set {key}.KEY=VALUE"))
        .into());
    }
    if layer.table.contains_key("extends") {
        let site = layer
            .origins
            .get(&["extends".to_string()])
            .expect("recorded");
        return Err(Diagnostic::error(
            Code::SetNotAllowed,
            "`extends` cannot be changed with --set",
        )
        .at(site.key_origin())
        .with_help("name the profile to start from with --profile")
        .into());
    }
    Ok(layer)
}

/// The most profiles an `extends` chain may hold: real chains are two or three long, and each
/// level is a stack frame and a file read.
pub const MAX_EXTENDS_DEPTH: usize = 32;

/// The first key of a `--set` layer whose value is not a table where the profile has a table.
fn scalar_for_table(layer: &Layer) -> Option<(Vec<String>, &super::layer::Site)> {
    let mut path = Vec::new();
    let mut table = &layer.table;
    while let Some((key, value)) = table.iter().next() {
        path.push(key.clone());
        match value {
            Value::Table(inner) => table = inner,
            _ if schema::is_table_at(&path) => {
                return layer.origins.get(&path).map(|site| (path, site));
            }
            _ => return None,
        }
    }
    None
}

/// Every string value holding a NUL character, which no Kubernetes object, file name or command
/// argument can carry: an error where it was written, before anything tries to use it.
fn nul_characters(layer: &Layer) -> Vec<Diagnostic> {
    // Arrays too: their strings (`match_task`, `unset`) and tables (`[[execution.pools]]`),
    // each element named by its index (issue 27, item 7).
    fn walk(value: &Value, path: &mut Vec<String>, layer: &Layer, out: &mut Vec<Diagnostic>) {
        let children: Vec<(String, &Value)> = match value {
            Value::Table(table) => table.iter().map(|(k, v)| (k.clone(), v)).collect(),
            Value::Array(items) => items
                .iter()
                .enumerate()
                .map(|(i, v)| (i.to_string(), v))
                .collect(),
            Value::String(text) if text.contains('\0') => {
                let mut diagnostic = Diagnostic::error(Code::NulCharacter, format!(
                    "`{}` holds a NUL character, which no Kubernetes object or command argument can carry",
                    path.join(".")
                ));
                if let Some(site) = layer.origins.nearest(path) {
                    diagnostic = diagnostic.at(site.value_origin());
                }
                out.push(diagnostic);
                return;
            }
            _ => return,
        };
        for (key, child) in children {
            path.push(key);
            walk(child, path, layer, out);
            path.pop();
        }
    }
    let mut out = Vec::new();
    for (key, value) in &layer.table {
        walk(value, &mut vec![key.clone()], layer, &mut out);
    }
    out
}

/// The layer of `source` on top of the layers of the profiles it extends. `chain` holds the
/// files on the way down, to name a cycle.
fn load_chain(
    source: &ProfileSource,
    source_identity: String,
    chain: &mut Vec<(String, String)>,
) -> Result<Layer> {
    chain.push((source_identity, source.name.clone()));
    let extended = chain.len() > 1;
    let layer = Layer::parse(source).map_err(|error| quote_nothing(error, source, extended))?;
    let Some(extends) = layer.table.get("extends") else {
        return no_unset_without_extends(layer);
    };
    let site = layer
        .origins
        .get(&["extends".to_string()])
        .expect("a parsed key has a site")
        .value_origin();
    let Value::String(parent_spec) = extends else {
        return Err(Diagnostic::error(
            Code::Extends,
            "`extends` must be a string: a built-in profile name or a path",
        )
        .at(site)
        .into());
    };
    if chain.len() >= MAX_EXTENDS_DEPTH {
        return Err(Diagnostic::error(
            Code::Extends,
            format!("`extends` goes deeper than {MAX_EXTENDS_DEPTH} profiles; hfgen stops here"),
        )
        .at(site)
        .with_help("extend a built-in profile, or a profile that does, directly")
        .into());
    }
    // A name is a built-in; a path is relative to the extending file, never to the cwd.
    let parent = match &source.base_dir {
        Some(dir) if source::looks_like_path(parent_spec) => {
            source::read_file(&dir.join(parent_spec), crate::input::Kind::RegularOnly)
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
        return Err(Diagnostic::error(
            Code::Extends,
            format!("`extends` forms a cycle: {}", names.join(" -> ")),
        )
        .at(site)
        .into());
    }
    let mut base = load_chain(&parent, parent_identity, chain)?;
    unset_inherited(&mut base, &layer)?;
    base.merge(layer);
    Ok(base)
}

const UNSET_FORM: &str = "`unset` must be a list of dotted keys of the extended profile, e.g. unset = [\"nodes.master\"]";

/// `unset = ["nodes.master", ...]` removes those keys of the extended profile before this
/// file's own keys apply: tables merge key by key, so nothing else takes an inherited key away.
fn unset_inherited(base: &mut Layer, layer: &Layer) -> Result<()> {
    let Some(unset) = layer.table.get("unset") else {
        return Ok(());
    };
    let site = layer
        .origins
        .get(&["unset".to_string()])
        .expect("a parsed key has a site")
        .value_origin();
    let Value::Array(items) = unset else {
        return Err(Diagnostic::error(Code::Unset, UNSET_FORM).at(site).into());
    };
    let mut diagnostics = Vec::new();
    for (index, item) in items.iter().enumerate() {
        // Each error at its own element (issue 27, item 5).
        let at = layer
            .origins
            .get(&["unset".to_string(), index.to_string()])
            .map_or_else(|| site.clone(), |element| element.value_origin());
        let Some(key) = item.as_str() else {
            diagnostics.push(Diagnostic::error(Code::Unset, UNSET_FORM).at(at));
            continue;
        };
        // Dotted as `--set` takes it: a part that holds dots (a label key) is quoted.
        let Some(path) = super::layer::parse_key(key) else {
            diagnostics.push(
                Diagnostic::error(Code::Unset, format!("`unset` entry `{key}` is not a dotted key"))
                    .at(at)
                    .with_help(
                        "quote the parts that hold dots, as --set takes them: 'nodes.worker.\"cloud.google.com/gke-nodepool\"'",
                    ),
            );
            continue;
        };
        if !base.remove(&path) {
            diagnostics.push(
                Diagnostic::error(Code::Unset, format!(
                    "`unset` names `{key}`, which the extended profile does not set"
                ))
                .at(at)
                .with_help("name a key the extended profile sets, e.g. `nodes.master`; `hfgen profiles` lists the built-in ones"),
            );
        }
    }
    if diagnostics.is_empty() {
        Ok(())
    } else {
        Err(diagnostics.into())
    }
}

/// `unset` takes keys away from the extended profile: without `extends` it would do nothing.
fn no_unset_without_extends(layer: Layer) -> Result<Layer> {
    let Some(site) = layer.origins.get(&["unset".to_string()]) else {
        return Ok(layer);
    };
    Err(Diagnostic::error(
        Code::Unset,
        "`unset` removes keys of the extended profile, but this profile has no `extends`",
    )
    .at(site.key_origin())
    .with_help("remove `unset`, or add extends = \"NAME\" to name the profile it takes keys from")
    .into())
}

/// An extended file that is not TOML may be anything readable (`extends = "/etc/shadow"`
/// from someone else's profile): its errors keep their line and column but quote none of its
/// text, which would reach the CI log (issue 27, item 14). A `.toml` file's snippet is shown.
fn quote_nothing(mut error: Error, source: &ProfileSource, extended: bool) -> Error {
    if !extended || source.name.ends_with(".toml") {
        return error;
    }
    for diagnostic in &mut error.diagnostics {
        let Some(origin) = diagnostic.origin.take() else {
            continue;
        };
        let (line, column) = crate::diag::line_column(&origin.source, origin.span.start);
        diagnostic.message = format!(
            "{}:{line}:{column}: {} ({} is not a TOML profile; none of it is shown)",
            origin.name, diagnostic.message, origin.name
        );
    }
    error
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

const BUILTIN_IDENTITY: &str = "builtin:";

/// Built-ins by name; files by canonical path, so `./a.toml` and `a.toml` are one file.
fn identity(source: &ProfileSource) -> String {
    match &source.base_dir {
        None => format!("{BUILTIN_IDENTITY}{}", source.name),
        Some(_) => std::fs::canonicalize(&source.name)
            .map(|path| path.display().to_string())
            .unwrap_or_else(|_| source.name.clone()),
    }
}
