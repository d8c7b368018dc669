//! The README checked against the tool: what it says about the commands, the built-in
//! profiles, the files and objects of a render and the profile files hfgen prints is compared
//! with what the built binary does, or generated from it between markers.
//!
//! `HFGEN_BLESS=1 cargo test --test readme` rewrites the generated parts (the command column
//! of the commands table) from the CLI: review the diff before committing.

mod common;

use common::{documents, hfgen_ok};
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
