//! The stages import only downwards: each top-level module of `src/` has a rank, and a module
//! may name (`crate::NAME`) only modules of a lower rank. Two modules of one rank never import
//! each other, so there is no cycle; a new module gets a rank here.

mod common;

use std::collections::BTreeMap;
use std::path::Path;

/// Every top-level module and its rank, lowest first.
const RANKS: &[(&str, u32)] = &[
    // Shared names, below every stage.
    ("xml", 0),
    ("text", 0),
    ("quantity", 0),
    ("input", 0),
    ("hyperflow", 0),
    ("layout", 0),
    ("templating", 0),
    ("diag", 1),
    ("error", 2),
    ("manifests", 3),
    // The stages, in pipeline order.
    ("profile", 4),
    ("validate", 4),
    ("plan", 5),
    ("render", 6),
    ("setup", 6),
    ("emit", 7),
    ("diagram", 7),
    ("golden", 8),
    ("cli", 9),
    ("lib", 10),
    ("main", 10),
];

/// `crate::NAME` references in `text`.
fn crate_references(text: &str) -> Vec<String> {
    text.match_indices("crate::")
        .filter(|(at, _)| {
            !text[..*at].ends_with(|c: char| c.is_alphanumeric() || c == '_' || c == ':')
        })
        .map(|(at, prefix)| {
            text[at + prefix.len()..]
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect()
        })
        .collect()
}

fn files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files(&path, out);
        } else if path.extension().is_some_and(|ext| ext == "rs") {
            out.push(path);
        }
    }
}

/// (importing module, imported module, file) for each reference that does not go down.
fn upward_references() -> Vec<(String, String, String)> {
    let ranks: BTreeMap<&str, u32> = RANKS.iter().copied().collect();
    let src = common::repo_root().join("src");
    let mut all = Vec::new();
    files(&src, &mut all);
    let mut problems = Vec::new();
    for path in all {
        let relative = path.strip_prefix(&src).unwrap();
        let module = relative
            .components()
            .next()
            .unwrap()
            .as_os_str()
            .to_string_lossy()
            .trim_end_matches(".rs")
            .to_string();
        let rank = *ranks
            .get(module.as_str())
            .unwrap_or_else(|| panic!("src/{module} has no rank in tests/layers.rs"));
        let text = std::fs::read_to_string(&path).unwrap();
        for name in crate_references(&text) {
            if name == module {
                continue;
            }
            let Some(&other) = ranks.get(name.as_str()) else {
                continue; // a crate-level item, e.g. `crate::Result`
            };
            if other >= rank {
                problems.push((module.clone(), name, relative.display().to_string()));
            }
        }
    }
    problems.sort();
    problems.dedup();
    problems
}

#[test]
fn every_module_imports_only_from_lower_stages() {
    let problems = upward_references();
    assert!(
        problems.is_empty(),
        "imports that do not go down (module -> module, file):\n{}",
        problems
            .iter()
            .map(|(from, to, file)| format!("  {from} -> {to} (src/{file})"))
            .collect::<Vec<_>>()
            .join("\n")
    );
}

#[test]
fn crate_references_are_found_at_word_starts() {
    assert_eq!(
        crate_references("use crate::plan::Plan; x::crate::no; crate::diag::line_column"),
        vec!["plan", "diag"]
    );
}
