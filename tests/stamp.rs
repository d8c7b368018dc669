//! Every rendered object records the hfgen version and the profile that made it.

mod common;

use common::*;

fn assert_stamped(args: &[&str], profile_name: &str) {
    let yaml = hfgen_ok(args);
    let docs = documents(&yaml);
    assert!(docs.len() > 10, "{args:?}");
    for doc in docs {
        let annotations = &doc["metadata"]["annotations"];
        let id = format!("{}/{}", doc["kind"], doc["metadata"]["name"]);
        assert_eq!(
            annotations["hfgen/profile"], profile_name,
            "{id} ({args:?})"
        );
        assert_eq!(
            annotations["hfgen/version"],
            env!("CARGO_PKG_VERSION"),
            "{id} ({args:?})"
        );
    }
}

#[test]
fn every_object_of_every_builtin_profile_is_stamped() {
    for profile in builtin_profiles() {
        assert_stamped(
            &[
                "render",
                "--profile",
                profile,
                "--component",
                "core",
                "--component",
                "postprocess",
            ],
            profile,
        );
    }
}

#[test]
fn a_profile_file_is_named_without_folder_and_extension() {
    // Wherever hfgen runs from, the same file gives the same bytes.
    assert_stamped(
        &["render", "--profile", "tests/explain/chain/my.toml"],
        "my",
    );
    assert_stamped(
        &[
            "render",
            "--profile",
            "./tests/explain/chain/../chain/my.toml",
        ],
        "my",
    );
}
