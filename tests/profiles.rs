//! Profiles as input: `extends`, the schema and its documentation. The cases under
//! `tests/profiles/` (`bad/`, the bad-profile corpus, and `good/`, profiles that render what an
//! equivalent command does; `common/` holds profiles they extend) run in `tests/cases.rs`.
//!
//! `HFGEN_BLESS=1 cargo test --test profiles` rewrites the committed schema and the README's
//! profile reference from what hfgen does now: review the diff before committing.

mod common;

use common::cases::snapshot;
use common::{bless, repo_root};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const HFGEN: &str = env!("CARGO_BIN_EXE_hfgen");

fn cases_dir(kind: &str) -> PathBuf {
    repo_root().join("tests/profiles").join(kind)
}

fn run(dir: &Path, args: &[String]) -> Output {
    Command::new(HFGEN)
        .args(args)
        .current_dir(dir)
        .output()
        .expect("run hfgen")
}

/// Compares `actual` with the committed file at `path`, or rewrites it when blessing.
fn expect_file(path: &Path, actual: &str) {
    if let Err(failure) = snapshot(path, actual) {
        panic!(
            "{failure}
run HFGEN_BLESS=1 cargo test --test profiles"
        );
    }
}

#[test]
fn a_failed_render_leaves_an_existing_out_folder_alone() {
    let scratch = tempfile::tempdir().expect("temp dir");
    let out = scratch.path().join("out");
    fs::create_dir(&out).unwrap();
    fs::write(out.join("keep.yml"), "kept: true\n").unwrap();
    let output = run(
        scratch.path(),
        &[
            "render",
            "--profile",
            "gke",
            "--set",
            "namespace=Bad_NS",
            "--out",
            "out",
        ]
        .map(String::from),
    );
    assert_eq!(output.status.code(), Some(2));
    let entries: Vec<_> = fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(entries, ["keep.yml"]);
    assert_eq!(
        fs::read_to_string(out.join("keep.yml")).unwrap(),
        "kept: true\n"
    );
}

#[test]
fn huge_profiles_are_refused_before_reading() {
    let scratch = tempfile::tempdir().expect("temp dir");
    let path = scratch.path().join("huge.toml");
    let file = fs::File::create(&path).unwrap();
    file.set_len(2 * 1024 * 1024).unwrap();
    let output = run(
        scratch.path(),
        &["render", "--profile", "huge.toml"].map(String::from),
    );
    assert_eq!(output.status.code(), Some(2));
    assert!(output.stdout.is_empty());
    assert_eq!(
        String::from_utf8_lossy(&output.stderr),
        "error[HF0002]: cannot read profile huge.toml: it is larger than 1048576 bytes, the most a profile may be\n"
    );
}

#[test]
fn committed_schema_is_current_and_printed_by_hfgen_schema() {
    let output = run(&repo_root(), &["schema".to_string()]);
    assert!(output.status.success());
    let printed = String::from_utf8(output.stdout).unwrap();
    assert_eq!(printed, hfgen::profile::schema::profile_schema_json());
    expect_file(&repo_root().join("schema/profile.schema.json"), &printed);
}

const REFERENCE_START: &str = "<!-- profile-reference:start (generated from the schema: HFGEN_BLESS=1 cargo test --test profiles) -->\n";
const REFERENCE_END: &str = "<!-- profile-reference:end -->\n";

#[test]
fn readme_profile_reference_matches_the_schema() {
    let path = repo_root().join("README.md");
    let readme = fs::read_to_string(&path).unwrap();
    let start = readme
        .find(REFERENCE_START)
        .expect("README has the profile reference markers")
        + REFERENCE_START.len();
    let end = readme[start..]
        .find(REFERENCE_END)
        .expect("README has the end marker")
        + start;
    let generated = hfgen::profile::schema::reference_markdown();
    if readme[start..end] == generated {
        return;
    }
    assert!(
        bless(),
        "README's profile reference is stale; run HFGEN_BLESS=1 cargo test --test profiles\n--- expected\n{generated}\n--- README\n{}",
        &readme[start..end]
    );
    fs::write(
        &path,
        format!("{}{generated}{}", &readme[..start], &readme[end..]),
    )
    .unwrap();
}

#[test]
fn reference_covers_every_key_of_the_schema() {
    let generated = hfgen::profile::schema::reference_markdown();
    for key in hfgen::profile::schema::all_keys() {
        assert!(
            generated.contains(&format!("| `{}` |", key.path)),
            "{} missing",
            key.path
        );
    }
    for key in [
        "namespace",
        "nfs.ip",
        "cluster.master_pool.node_count",
        "dns.upstream",
    ] {
        assert!(generated.contains(&format!("| `{key}` |")), "{key} missing");
    }
}

#[test]
fn profiles_lists_every_builtin_with_its_description() {
    let output = run(&repo_root(), &["profiles".to_string()]);
    assert!(output.status.success());
    let listed = String::from_utf8(output.stdout).unwrap();
    let mut expected = String::new();
    let mut names: Vec<_> = fs::read_dir(repo_root().join("profiles"))
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .collect();
    names.sort();
    for path in names {
        let text = fs::read_to_string(&path).unwrap();
        let table: toml::Table = toml::from_str(&text).unwrap();
        let name = path.file_stem().unwrap().to_string_lossy();
        expected.push_str(&format!(
            "{name:<18} {}\n",
            table["description"].as_str().unwrap()
        ));
    }
    assert_eq!(listed, expected);
}

#[test]
fn builtin_profiles_name_their_schema_for_editors() {
    for entry in fs::read_dir(repo_root().join("profiles")).unwrap() {
        let path = entry.unwrap().path();
        let text = fs::read_to_string(&path).unwrap();
        assert!(
            text.starts_with("#:schema ../schema/profile.schema.json\n"),
            "{} lacks the #:schema line",
            path.display()
        );
    }
}

#[test]
fn extends_paths_are_relative_to_the_extending_file() {
    let from_root = run(
        &repo_root(),
        &[
            "render",
            "--profile",
            "tests/profiles/good/extends-file.toml",
        ]
        .map(String::from),
    );
    let from_own_folder = run(
        &cases_dir("good"),
        &["render", "--profile", "extends-file.toml"].map(String::from),
    );
    assert!(
        from_root.status.success(),
        "{}",
        String::from_utf8_lossy(&from_root.stderr)
    );
    assert_eq!(from_root.stdout, from_own_folder.stdout);
}
