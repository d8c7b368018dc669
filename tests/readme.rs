//! The README checked against the tool: what it says about the commands, the built-in
//! profiles, the files and objects of a render and the profile files hfgen prints is compared
//! with what the built binary does, or generated from it between markers.
//!
//! `HFGEN_BLESS=1 cargo test --test readme` rewrites the generated parts (the command column
//! of the commands table) from the CLI: review the diff before committing.

mod common;

use common::{documents, hfgen_ok, repo_root};
use serde_json::Value;

/// The values of `hfgen explain --format json`, keyed by dotted key.
fn explained(args: &[&str]) -> Vec<(String, Value, Value)> {
    let mut full = vec!["explain", "--format", "json"];
    full.extend_from_slice(args);
    let json: Value = serde_json::from_str(&hfgen_ok(&full)).expect("explain prints JSON");
    json["values"]
        .as_array()
        .expect("a list of values")
        .iter()
        .map(|value| {
            (
                value["key"].as_str().unwrap().to_string(),
                value["value"].clone(),
                value["source"].clone(),
            )
        })
        .collect()
}

/// `explain` shows a defaulted `[resources.*]` table with the values the pods get, each marked
/// `default`, not as `{}` (the README: "each value followed by its source").
#[test]
fn explain_shows_the_effective_values_of_defaulted_tables() {
    let values = explained(&["--profile", "gke", "resources"]);
    let empty: Vec<_> = values
        .iter()
        .filter(|(_, value, _)| value.as_object().is_some_and(|table| table.is_empty()))
        .map(|(key, ..)| key.clone())
        .collect();
    assert!(empty.is_empty(), "shown as {{}}: {empty:?}");
    let value_of = |key: &str| {
        let (_, value, source) = values
            .iter()
            .find(|(name, ..)| name == key)
            .unwrap_or_else(|| panic!("{key} is not shown"));
        assert_eq!(source["kind"], "default", "{key}");
        value.as_str().unwrap().to_string()
    };
    // What reaches the cluster: the NFS server's container, which gke leaves at the defaults.
    let render = documents(&hfgen_ok(&["render", "--profile", "gke"]));
    let nfs = render
        .iter()
        .find(|doc| doc["kind"] == "Deployment" && doc["metadata"]["name"] == "nfs-server")
        .expect("the NFS server's Deployment");
    let resources = &nfs["spec"]["template"]["spec"]["containers"][0]["resources"];
    assert_eq!(
        resources["requests"]["cpu"].as_str(),
        Some(value_of("resources.nfs_server.cpu").as_str())
    );
    assert_eq!(
        resources["requests"]["memory"].as_str(),
        Some(value_of("resources.nfs_server.memory").as_str())
    );
    assert_eq!(
        resources["limits"]["memory"].as_str(),
        Some(value_of("resources.nfs_server.memory_limit").as_str())
    );
}

/// `hfgen profiles show NAME`, saved alone in a folder of the user's, is a profile that loads
/// there and names no schema file relative to hfgen's repository (taplo stops at a
/// `#:schema` path that does not exist); its lines are where `explain` says they are.
#[test]
fn a_shown_profile_works_where_the_user_saves_it() {
    for name in common::builtin_profiles() {
        let shown = hfgen_ok(&["profiles", "show", name]);
        let relative: Vec<&str> = shown
            .lines()
            .filter(|line| line.starts_with("#:schema") && !line.contains("://"))
            .collect();
        assert!(relative.is_empty(), "{name}: {relative:?}");
        let builtin = std::fs::read_to_string(repo_root().join(format!("profiles/{name}.toml")))
            .expect("the built-in profile's file");
        assert_eq!(shown.lines().count(), builtin.lines().count(), "{name}");
        for (number, (printed, source)) in shown.lines().zip(builtin.lines()).enumerate() {
            if !source.starts_with("#:schema") {
                assert_eq!(printed, source, "{name}, line {}", number + 1);
            }
        }
        let folder = tempfile::tempdir().expect("a temp dir");
        let saved = common::write_file(folder.path(), "mine.toml", &shown);
        let from_file = hfgen_ok(&["render", "--profile", &saved]);
        let from_builtin = hfgen_ok(&["render", "--profile", name]);
        assert_eq!(
            common::without_profile_annotation(from_file.as_bytes()),
            common::without_profile_annotation(from_builtin.as_bytes()),
            "{name}"
        );
    }
}
