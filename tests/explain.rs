//! `hfgen explain` and `hfgen profiles show`.
//!
//! The cases under `tests/explain/` (`NAME.args` and the exact `NAME.stdout`) run in
//! `tests/cases.rs`; the tests here read the JSON of one of them.
//! `chain/my.toml` extends `team.toml`, which extends `base.toml`, which extends `gke`.

mod common;

use common::{repo_root, stderr, stdout};
use serde_json::Value;
use std::fs;
use std::path::PathBuf;
use std::process::{Command, Output};

fn cases_dir() -> PathBuf {
    repo_root().join("tests/explain")
}

fn hfgen_in_cases(args: &[String]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_hfgen"))
        .args(args)
        .current_dir(cases_dir())
        .output()
        .expect("hfgen runs")
}

/// The arguments of the case `NAME` of `tests/explain/`.
fn args_of(name: &str) -> Vec<String> {
    common::cases::Case {
        folder: cases_dir(),
        name: name.to_string(),
    }
    .args()
}

/// The sources of the chain case, from JSON, keyed by dotted key.
fn json_values(case: &str) -> Vec<Value> {
    let output = hfgen_in_cases(&args_of(case));
    assert!(output.status.success(), "{}", stderr(&output));
    let json: Value = serde_json::from_str(&stdout(&output)).unwrap();
    let chain: Vec<&str> = json["extends"]
        .as_array()
        .unwrap()
        .iter()
        .map(|link| link["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        chain,
        ["chain/my.toml", "chain/team.toml", "chain/base.toml", "gke"]
    );
    json["values"].as_array().unwrap().clone()
}

fn source_of<'a>(values: &'a [Value], key: &str) -> &'a Value {
    &values
        .iter()
        .find(|value| value["key"] == key)
        .unwrap_or_else(|| panic!("{key} missing"))["source"]
}

#[test]
fn every_level_of_the_chain_and_set_is_named_as_the_source() {
    let values = json_values("chain-with-set-json");
    let file = |key: &str| {
        let source = source_of(&values, key);
        assert_eq!(source["kind"], "file", "{key}: {source}");
        (
            source["file"].as_str().unwrap().to_string(),
            source["line"].as_u64().unwrap(),
        )
    };
    // Each value where it was last written, with the line of its key.
    assert_eq!(file("tasks.retries"), ("chain/my.toml".into(), 5));
    assert_eq!(file("workflow"), ("chain/team.toml".into(), 3));
    assert_eq!(file("nfs.size"), ("chain/team.toml".into(), 6));
    assert_eq!(
        file("nodes.worker.\"cloud.google.com/gke-nodepool\""),
        ("chain/team.toml".into(), 9)
    );
    assert_eq!(file("description"), ("chain/base.toml".into(), 3));
    assert_eq!(file("cluster.project"), ("chain/base.toml".into(), 6));
    assert_eq!(
        file("cluster.worker_pool.machine_type"),
        ("chain/base.toml".into(), 9)
    );
    // Kept from the built-in profile; the line is where gke.toml writes it.
    let (name, line) = file("cluster.worker_pool.node_count");
    assert_eq!(name, "gke");
    let gke = fs::read_to_string(repo_root().join("profiles/gke.toml")).unwrap();
    assert_eq!(gke.lines().nth(line as usize - 1), Some("node_count = 3"));
    assert_eq!(
        source_of(&values, "cluster.worker_pool.node_count")["builtin"],
        true
    );
    // The last --set wins over every file.
    assert_eq!(
        source_of(&values, "namespace"),
        &serde_json::json!({ "kind": "set", "argument": "namespace=hf-set" })
    );
    assert_eq!(
        source_of(&values, "cluster.zone"),
        &serde_json::json!({ "kind": "set", "argument": "cluster.zone=us-east1-b" })
    );
    // Not written anywhere: the preset of the workflow team.toml chose, or hfgen's default.
    assert_eq!(
        source_of(&values, "images.worker"),
        &serde_json::json!({ "kind": "preset", "workflow": "soykb" })
    );
    assert_eq!(source_of(&values, "create_namespace")["kind"], "default");
    assert!(values.iter().all(|value| value["key"] != "extends"));
}

#[test]
fn text_output_is_the_same_profile_as_toml() {
    let text = stdout(&hfgen_in_cases(&args_of("chain-with-set")));
    let table: toml::Table = toml::from_str(&text).unwrap_or_else(|e| panic!("{e}\n{text}"));
    let as_json = serde_json::to_value(&table).unwrap();
    for value in json_values("chain-with-set-json") {
        let key = value["key"].as_str().unwrap();
        let parts: Vec<String> = toml::from_str::<toml::Table>(&format!("{key} = 0"))
            .map(|parsed| {
                let mut parts = Vec::new();
                let mut table = &parsed;
                while let Some((name, inner)) = table.iter().next() {
                    parts.push(name.clone());
                    match inner {
                        toml::Value::Table(next) => table = next,
                        _ => break,
                    }
                }
                parts
            })
            .unwrap();
        let pointer = format!(
            "/{}",
            parts
                .iter()
                .map(|p| p.replace('~', "~0").replace('/', "~1"))
                .collect::<Vec<_>>()
                .join("/")
        );
        assert_eq!(as_json.pointer(&pointer), Some(&value["value"]), "{key}");
    }
    // The text profile renders what the chain renders: it is a complete profile.
    let dir = tempfile::tempdir().unwrap();
    let flat = dir.path().join("flat.toml");
    fs::write(&flat, &text).unwrap();
    let from_flat = common::hfgen_ok(&["render", "--profile", flat.to_str().unwrap()]);
    let chain = cases_dir().join("chain/my.toml");
    let from_chain = common::hfgen_ok(&[
        "render",
        "--profile",
        chain.to_str().unwrap(),
        "--set",
        "namespace=hf-set",
        "--set",
        "cluster.zone=us-east1-b",
    ]);
    // The objects name their profile (`flat` vs `my`); everything else must agree.
    assert_eq!(
        common::without_profile_annotation(from_flat.as_bytes()),
        common::without_profile_annotation(from_chain.as_bytes())
    );
}

#[test]
fn profiles_show_prints_the_builtin_file() {
    for name in common::builtin_profiles() {
        let printed = common::hfgen_ok(&["profiles", "show", name]);
        let file = fs::read_to_string(repo_root().join(format!("profiles/{name}.toml"))).unwrap();
        assert_eq!(printed, file);
    }
    let output = common::hfgen(&["profiles", "show", "gk"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(output.stdout.is_empty());
    assert!(
        stderr(&output).contains("did you mean `gke`?"),
        "{}",
        stderr(&output)
    );
}
