//! The published profile schema (`hfgen schema`, `schema/profile.schema.json`) is what editors
//! check a profile *file* against. Every profile hfgen accepts, in this repository and in the
//! README, must be valid against it, and a file that hfgen refuses for a schema reason must not
//! be. Checked with two independent JSON Schema validators: the Rust `jsonschema` crate and
//! Python's `jsonschema` (installed into `.venv` by `.ci/run`).

mod common;

use common::{external_tool, repo_root, stdout_lines};
use serde_json::Value;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

/// A profile file: where it is shown from, and its text.
struct ProfileFile {
    label: String,
    path: PathBuf,
}

/// Every `.toml` under `dir`, recursively, in name order.
fn toml_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.unwrap().path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            toml_files(&path, out);
        } else if path.extension().is_some_and(|ext| ext == "toml") {
            out.push(path);
        }
    }
}

/// The repository's profiles that hfgen loads: the built-ins, the test cases and fuzz seeds.
fn repository_profiles() -> Vec<ProfileFile> {
    let mut paths = Vec::new();
    for dir in ["profiles", "tests", "fuzz/seeds"] {
        toml_files(&repo_root().join(dir), &mut paths);
    }
    paths
        .into_iter()
        .filter(|path| hfgen::profile::load(path.to_str().unwrap(), &[]).is_ok())
        .map(|path| ProfileFile {
            label: path
                .strip_prefix(repo_root())
                .unwrap()
                .display()
                .to_string(),
            path,
        })
        .collect()
}

/// The TOML the README shows: its ```toml blocks and the `<<'TOML'` here-documents.
fn readme_examples() -> Vec<String> {
    let readme = fs::read_to_string(repo_root().join("README.md")).unwrap();
    let mut examples = Vec::new();
    let mut current: Option<String> = None;
    for line in readme.lines() {
        match &mut current {
            None if line.trim_start().starts_with("```toml") || line.ends_with("<<'TOML'") => {
                current = Some(String::new())
            }
            Some(text) if line.trim_start().starts_with("```") || line == "TOML" => {
                examples.push(std::mem::take(text));
                current = None;
            }
            Some(text) => {
                text.push_str(line);
                text.push('\n');
            }
            None => {}
        }
    }
    examples
}

fn to_json(text: &str) -> Value {
    let table: toml::Table = toml::from_str(text).unwrap_or_else(|e| panic!("{e}\n{text}"));
    serde_json::to_value(table).unwrap()
}

fn published_schema() -> Value {
    let text = fs::read_to_string(repo_root().join("schema/profile.schema.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

/// Names of the instances the Rust validator rejects, each with its first error.
fn rust_rejects(instances: &[(String, Value)]) -> Vec<String> {
    let validator = jsonschema::options()
        .offline()
        .build(&published_schema())
        .expect("schema compiles");
    instances
        .iter()
        .filter_map(|(label, instance)| {
            validator
                .iter_errors(instance)
                .next()
                .map(|error| format!("{label}: {error} at {}", error.instance_path()))
        })
        .collect()
}

/// The same with Python's jsonschema, in one process for all instances.
fn python_rejects(instances: &[(String, Value)]) -> Vec<String> {
    let dir = tempfile::tempdir().unwrap();
    let listed: Vec<Value> = instances
        .iter()
        .map(|(label, instance)| serde_json::json!({ "label": label, "instance": instance }))
        .collect();
    fs::write(
        dir.path().join("instances.json"),
        Value::from(listed).to_string(),
    )
    .unwrap();
    let script = r#"
import json, sys, jsonschema
schema = json.load(open(sys.argv[1]))
jsonschema.Draft202012Validator.check_schema(schema)
validator = jsonschema.Draft202012Validator(schema)
for case in json.load(open(sys.argv[2])):
    errors = list(validator.iter_errors(case["instance"]))
    if errors:
        print(case["label"] + ": " + errors[0].message)
"#;
    stdout_lines(
        Command::new(external_tool("python3"))
            .arg("-c")
            .arg(script)
            .arg(repo_root().join("schema/profile.schema.json"))
            .arg(dir.path().join("instances.json")),
        "python jsonschema (installed into .venv by .ci/run)",
    )
}

fn both_reject(instances: &[(String, Value)]) -> (Vec<String>, Vec<String>) {
    (rust_rejects(instances), python_rejects(instances))
}

#[test]
fn every_profile_of_the_repository_is_valid_for_editors() {
    let profiles = repository_profiles();
    // The built-ins, the good cases, setup variants, data cases and fuzz seeds: a number that
    // only grows; far fewer means the walk or loading broke.
    assert!(
        profiles.len() >= 15,
        "only {} profiles found",
        profiles.len()
    );
    let instances: Vec<(String, Value)> = profiles
        .iter()
        .map(|file| {
            let text = fs::read_to_string(&file.path).unwrap();
            (file.label.clone(), to_json(&text))
        })
        .collect();
    let (rust, python) = both_reject(&instances);
    assert!(
        rust.is_empty(),
        "rejected by jsonschema (Rust):\n{}",
        rust.join("\n")
    );
    assert!(
        python.is_empty(),
        "rejected by jsonschema (Python):\n{}",
        python.join("\n")
    );
}

#[test]
fn every_readme_profile_loads_and_is_valid_for_editors() {
    let examples = readme_examples();
    assert!(examples.len() >= 3, "README examples: {examples:?}");
    let dir = tempfile::tempdir().unwrap();
    let mut instances = Vec::new();
    for (index, text) in examples.iter().enumerate() {
        let path = dir.path().join(format!("readme-{index}.toml"));
        fs::write(&path, text).unwrap();
        if let Err(error) = hfgen::profile::load(path.to_str().unwrap(), &[]) {
            panic!("README example {index} does not load:\n{text}\n{error}");
        }
        instances.push((format!("README example {index}"), to_json(text)));
    }
    let (rust, python) = both_reject(&instances);
    assert!(rust.is_empty(), "{}", rust.join("\n"));
    assert!(python.is_empty(), "{}", python.join("\n"));
}

#[test]
fn schema_still_rejects_what_hfgen_refuses() {
    let cases = [
        // A profile of its own must hold every required key.
        ("no extends, no platform", "description = \"x\"\nnamespace = \"a\"\nworkflow = \"montage\"\n"),
        // ...and inside the tables it writes.
        (
            "standalone cluster without zone",
            "description = \"x\"\nplatform = \"gke\"\nnamespace = \"a\"\nworkflow = \"montage\"\n[cluster]\nproject = \"my-project-1\"\n[cluster.master_pool]\nmachine_type = \"e2-standard-2\"\nnode_count = 1\n[cluster.worker_pool]\nmachine_type = \"e2-standard-2\"\nnode_count = 1\n",
        ),
        ("unknown key", "extends = \"gke\"\nnamepsace = \"a\"\n"),
        ("unknown nested key", "extends = \"gke\"\n[nfs]\nsise = \"1Gi\"\n"),
        ("bad choice", "extends = \"gke\"\nworkflow = \"montage3\"\n"),
        ("wrong type", "extends = \"gke\"\n[engine]\ndebug = \"yes\"\n"),
    ];
    let instances: Vec<(String, Value)> = cases
        .iter()
        .map(|(label, text)| (label.to_string(), to_json(text)))
        .collect();
    let (rust, python) = both_reject(&instances);
    for (label, _) in &cases {
        assert!(
            rust.iter().any(|line| line.starts_with(label)),
            "Rust validator accepted `{label}`"
        );
        assert!(
            python.iter().any(|line| line.starts_with(label)),
            "Python validator accepted `{label}`"
        );
    }
}

#[test]
fn extending_profiles_need_no_key_but_extends() {
    // The README's three-line profile, and a partial [cluster] over the built-in one.
    let text = "extends = \"gke\"\n[cluster]\nproject = \"your-gcp-project\"\n";
    let instances = vec![("partial cluster".to_string(), to_json(text))];
    let (rust, python) = both_reject(&instances);
    assert!(rust.is_empty(), "{rust:?}");
    assert!(python.is_empty(), "{python:?}");
    let schema = published_schema();
    assert_eq!(schema["$id"], hfgen::profile::schema::SCHEMA_ID);
    assert!(schema.get("required").is_none());
}
