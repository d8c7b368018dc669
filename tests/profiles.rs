//! Profiles as input: errors, `extends`, `--set`, the schema and its documentation.
//!
//! Cases are files under `tests/profiles/`, run with the built binary from their own folder:
//! - `bad/NAME.stderr`: the exact stderr of `hfgen render [--profile NAME.toml] [NAME.args]`
//!   (`.args`: one argument per line). The command must exit 2, print nothing on stdout and
//!   leave no `--out` folder behind.
//! - `good/NAME.same`: `hfgen render [--profile NAME.toml] [NAME.args]` exits 0, its stdout
//!   equals that of the command in `NAME.same`, and its stderr equals `NAME.stderr` (or is empty).
//! - `common/`: profiles the cases extend.
//!
//! `HFGEN_BLESS=1 cargo test --test profiles` rewrites every `.stderr`, the committed schema
//! and the README's profile reference from what hfgen does now: review the diff before committing.

mod common;

use common::{blessing, repo_root};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const HFGEN: &str = env!("CARGO_BIN_EXE_hfgen");

fn cases_dir(kind: &str) -> PathBuf {
    repo_root().join("tests/profiles").join(kind)
}

/// Names of the cases in `dir` that have a file with `extension`.
fn cases(dir: &Path, extension: &str) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.expect("directory entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == extension))
        .map(|path| path.file_stem().unwrap().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// `render`, then `--profile NAME.toml` if that file exists, then the lines of `NAME.args`.
fn case_args(dir: &Path, name: &str) -> Vec<String> {
    let mut args = vec!["render".to_string()];
    if dir.join(format!("{name}.toml")).exists() {
        args.extend(["--profile".to_string(), format!("{name}.toml")]);
    }
    args.extend(lines(&dir.join(format!("{name}.args"))));
    args
}

fn lines(path: &Path) -> Vec<String> {
    fs::read_to_string(path)
        .map(|text| text.lines().map(String::from).collect())
        .unwrap_or_default()
}

fn run(dir: &Path, args: &[String]) -> Output {
    Command::new(HFGEN)
        .args(args)
        .current_dir(dir)
        .output()
        .expect("run hfgen")
}

/// Compares `actual` with the file at `path` (missing = empty), or rewrites it when blessing.
fn expect_file(path: &Path, actual: &str, failures: &mut Vec<String>) {
    let expected = fs::read_to_string(path).unwrap_or_default();
    if actual == expected {
        return;
    }
    if blessing() {
        if actual.is_empty() {
            let _ = fs::remove_file(path);
        } else {
            fs::write(path, actual).expect("bless");
        }
    } else {
        failures.push(format!(
            "{} differs.\n--- expected\n{expected}\n--- actual\n{actual}",
            path.display()
        ));
    }
}

#[test]
fn bad_profiles_fail_with_their_message_and_write_nothing() {
    let dir = cases_dir("bad");
    let names = bad_cases(&dir);
    assert!(names.len() >= 25, "only {} bad cases", names.len());
    let scratch = tempfile::tempdir().expect("temp dir");
    let mut failures = Vec::new();
    for name in &names {
        let out = scratch.path().join(name);
        let mut args = case_args(&dir, name);
        args.extend(["--out".to_string(), out.display().to_string()]);
        let output = run(&dir, &args);
        let stderr = String::from_utf8_lossy(&output.stderr);
        if output.status.code() != Some(2) {
            failures.push(format!(
                "{name}: exit {:?}, expected 2\n{stderr}",
                output.status.code()
            ));
        }
        if !output.stdout.is_empty() {
            failures.push(format!("{name}: wrote to stdout"));
        }
        if out.exists() {
            failures.push(format!("{name}: created the --out folder"));
        }
        if stderr.contains("panicked") {
            failures.push(format!("{name}: panicked\n{stderr}"));
        }
        expect_file(&dir.join(format!("{name}.stderr")), &stderr, &mut failures);
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// Every `NAME.toml` and `NAME.args` of bad/ is a case.
fn bad_cases(dir: &Path) -> Vec<String> {
    let mut names = cases(dir, "toml");
    names.extend(cases(dir, "args"));
    names.sort();
    names.dedup();
    names
}

#[test]
fn every_bad_profile_has_an_expected_error() {
    let dir = cases_dir("bad");
    let inputs = bad_cases(&dir);
    for name in &inputs {
        assert!(
            blessing() || dir.join(format!("{name}.stderr")).exists(),
            "bad/{name} has no bad/{name}.stderr"
        );
    }
    for name in cases(&dir, "stderr") {
        assert!(inputs.contains(&name), "bad/{name}.stderr has no input");
    }
}

#[test]
fn good_profiles_render_like_their_equivalent() {
    let dir = cases_dir("good");
    let names = cases(&dir, "same");
    assert!(names.len() >= 4, "only {} good cases", names.len());
    let mut failures = Vec::new();
    for name in &names {
        let output = run(&dir, &case_args(&dir, name));
        let stderr = String::from_utf8_lossy(&output.stderr);
        if !output.status.success() {
            failures.push(format!("{name}: exit {:?}\n{stderr}", output.status.code()));
            continue;
        }
        let same = run(&dir, &lines(&dir.join(format!("{name}.same"))));
        assert!(
            same.status.success(),
            "{name}.same failed: {}",
            String::from_utf8_lossy(&same.stderr)
        );
        // The two profiles have different names, which each object records.
        if common::without_profile_annotation(&output.stdout)
            != common::without_profile_annotation(&same.stdout)
        {
            failures.push(format!("{name}: output differs from {name}.same"));
        }
        expect_file(&dir.join(format!("{name}.stderr")), &stderr, &mut failures);
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
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
    let mut failures = Vec::new();
    expect_file(
        &repo_root().join("schema/profile.schema.json"),
        &printed,
        &mut failures,
    );
    assert!(
        failures.is_empty(),
        "schema/profile.schema.json is stale; run HFGEN_BLESS=1 cargo test --test profiles\n{}",
        failures.join("\n")
    );
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
        blessing(),
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
