//! `hfgen explain`: the merged profile, each value with where it came from (a file of the
//! `extends` chain and its line, a `--set`, the workflow preset, or hfgen's default), in the
//! spirit of `helm show values` plus the provenance Helm does not give.

use super::layer::KeyPath;
use super::load::LoadedProfile;
use super::model::{ContainerResources, DataSource, Resources};
use super::presets::preset;
use super::resources::Quantities;
use super::schema_check::dotted;
use serde::Serialize;
use toml::{Table, Value};

/// Where one value of the merged profile came from.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Source {
    /// Written in a profile file (or a built-in profile) of the `extends` chain.
    File {
        file: String,
        builtin: bool,
        line: usize,
        column: usize,
    },
    /// Given on the command line as `--set ARGUMENT`.
    Set { argument: String },
    /// Not written anywhere: the workflow preset picks it (`images.worker`, `data.image`).
    Preset { workflow: String },
    /// Not written anywhere: hfgen's default.
    Default,
}

impl std::fmt::Display for Source {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Source::File {
                file,
                builtin: true,
                line,
                column,
            } => write!(f, "built-in profile {file}:{line}:{column}"),
            Source::File {
                file, line, column, ..
            } => write!(f, "{file}:{line}:{column}"),
            Source::Set { argument } => write!(f, "--set {argument}"),
            Source::Preset { workflow } => write!(f, "workflow preset {workflow}"),
            Source::Default => f.write_str("default"),
        }
    }
}

/// One value of the merged profile: a scalar, an array or an empty table.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub key: KeyPath,
    pub value: Value,
    pub source: Source,
}

/// Every value of `loaded`, in the order of the profile reference, with its source.
pub fn entries(loaded: &LoadedProfile) -> Vec<Entry> {
    let mut resolved = loaded.profile.clone();
    // The images the preset picks are values of the profile like any other: show them (a
    // custom workflow has no preset; its profile names them).
    if let Some(preset) = preset(resolved.workflow) {
        resolved
            .images
            .worker
            .get_or_insert_with(|| preset.worker_image.to_string());
        if resolved.data.source == DataSource::Image {
            resolved
                .data
                .image
                .get_or_insert_with(|| preset.data_image.to_string());
        }
    }
    resolved.resources = with_defaults(&resolved.resources);
    let table = Table::try_from(&resolved).expect("a typed profile is TOML");
    let mut out = Vec::new();
    collect(&table, &mut Vec::new(), loaded, &mut out);
    // `extends` is shown as the chain, not as a value of the merged profile.
    out.retain(|entry| entry.key != ["extends"]);
    out
}

/// `[resources]` with every component's defaults written in: explain shows the requests and
/// limits the pods get (marked `default` where no file or `--set` wrote them), not `{}`.
fn with_defaults(resources: &Resources) -> Resources {
    let resolved = resources.resolved();
    let written = |quantities: &Quantities| ContainerResources {
        cpu: Some(quantities.cpu.clone()),
        memory: Some(quantities.memory.clone()),
        memory_limit: Some(quantities.memory_limit.clone()),
    };
    Resources {
        engine: written(&resolved.engine),
        redis: written(&resolved.redis),
        nfs_server: written(&resolved.nfs_server),
        data: written(&resolved.data),
        log_parser: written(&resolved.log_parser),
        viz_trace: written(&resolved.viz_trace),
        rabbitmq: written(&resolved.rabbitmq),
    }
}

fn collect(table: &Table, path: &mut KeyPath, loaded: &LoadedProfile, out: &mut Vec<Entry>) {
    for (key, value) in table {
        path.push(key.clone());
        match value {
            Value::Table(inner) if !inner.is_empty() => collect(inner, path, loaded, out),
            _ => out.push(Entry {
                key: path.clone(),
                value: value.clone(),
                source: source_of(path, loaded),
            }),
        }
        path.pop();
    }
}

fn source_of(path: &[String], loaded: &LoadedProfile) -> Source {
    if let Some(site) = loaded.origins.get(path) {
        if site.is_set() {
            return Source::Set {
                argument: site.source.to_string(),
            };
        }
        let (line, column) = crate::diag::line_column(&site.source, site.key.start);
        return Source::File {
            file: site.name.clone(),
            builtin: site.builtin,
            line,
            column,
        };
    }
    let from_preset = matches!(
        path,
        [table, key] if (table == "images" && key == "worker") || (table == "data" && key == "image")
    );
    if from_preset {
        let workflow = Value::try_from(loaded.profile.workflow).expect("a preset name");
        return Source::Preset {
            workflow: workflow.as_str().unwrap_or_default().to_string(),
        };
    }
    Source::Default
}

/// Only the entries at `key` or below it.
pub fn select(entries: Vec<Entry>, key: &[String]) -> Vec<Entry> {
    entries
        .into_iter()
        .filter(|entry| entry.key.starts_with(key))
        .collect()
}

/// The profile chain, e.g. `my.toml -> team.toml -> gke (built-in)`.
pub fn chain_text(loaded: &LoadedProfile) -> String {
    loaded
        .chain
        .iter()
        .map(|link| {
            if link.builtin {
                format!("{} (built-in)", link.name)
            } else {
                link.name.clone()
            }
        })
        .collect::<Vec<_>>()
        .join(" -> ")
}

/// The entries as a TOML document (a profile that sets every value) with a comment after
/// each value naming its source.
pub fn to_toml(loaded: &LoadedProfile, entries: &[Entry]) -> String {
    let mut lines: Vec<(String, Option<String>)> = vec![
        (format!("# profile {}", chain_text(loaded)), None),
        (
            "# after each value: the file:line:column or --set that wrote it, the workflow preset, or hfgen's default"
                .to_string(),
            None,
        ),
    ];
    // Keys of the root table first, then each table under its header, as TOML requires.
    let mut tables: Vec<&[String]> = Vec::new();
    for entry in entries {
        let parent = &entry.key[..entry.key.len() - 1];
        if !tables.contains(&parent) {
            tables.push(parent);
        }
    }
    // A table before its sub-tables: each at the first value below it, the shallower first.
    let first_below = |table: &[String]| {
        entries
            .iter()
            .position(|entry| entry.key.starts_with(table))
            .unwrap_or(0)
    };
    tables.sort_by_key(|table| (first_below(table), table.len()));
    for parent in tables {
        if !parent.is_empty() {
            lines.push((String::new(), None));
            lines.push((format!("[{}]", dotted(parent)), None));
        }
        for entry in entries
            .iter()
            .filter(|e| e.key[..e.key.len() - 1] == *parent)
        {
            let key = dotted(&entry.key[entry.key.len() - 1..]);
            lines.push((
                format!("{key} = {}", inline(&entry.value)),
                Some(entry.source.to_string()),
            ));
        }
    }
    let width = lines
        .iter()
        .filter(|(_, comment)| comment.is_some())
        .map(|(text, _)| text.chars().count())
        .max()
        .unwrap_or(0)
        .min(MAX_ALIGN);
    let mut text = String::new();
    for (line, comment) in lines {
        match comment {
            Some(comment) => {
                text.push_str(&format!("{line:<width$}  # {comment}\n"));
            }
            None => {
                text.push_str(&line);
                text.push('\n');
            }
        }
    }
    text
}

/// Comments line up unless a value is longer than this.
const MAX_ALIGN: usize = 56;

/// A value as TOML writes it on one line (arrays and tables inline).
fn inline(value: &Value) -> String {
    match value {
        Value::Table(table) if table.is_empty() => "{}".into(),
        other => other.to_string(),
    }
}

/// The entries as JSON: the chain, and each value with its dotted key and source.
pub fn to_json(loaded: &LoadedProfile, entries: &[Entry]) -> serde_json::Value {
    let chain: Vec<serde_json::Value> = loaded
        .chain
        .iter()
        .map(|link| serde_json::json!({ "name": link.name, "builtin": link.builtin }))
        .collect();
    let values: Vec<serde_json::Value> = entries
        .iter()
        .map(|entry| {
            serde_json::json!({
                "key": dotted(&entry.key),
                "value": entry.value,
                "source": entry.source,
            })
        })
        .collect();
    serde_json::json!({ "profile": loaded.name, "extends": chain, "values": values })
}
