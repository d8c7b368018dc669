//! `hfgen check` and golden files.
//!
//! The diff format is data: each folder under tests/check/diff/ holds `golden.yml` and/or
//! `rendered.yml` and the `expected.diff` (written by GNU `diff -u`, not by hfgen). The command
//! tests build a golden tree in a temporary folder with `hfgen check --update`, break it in one
//! way each, and check exit code, stdout and stderr.

mod common;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use tempfile::TempDir;

const BIN: &str = env!("CARGO_BIN_EXE_hfgen");

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/check")
}

/// Runs hfgen in `dir` with colour settings of the caller's environment removed.
fn hfgen(dir: &Path, args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .current_dir(dir)
        .env_remove("CLICOLOR_FORCE")
        .env_remove("CLICOLOR")
        .env_remove("NO_COLOR")
        .output()
        .expect("run hfgen")
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).expect("stdout is UTF-8")
}

fn stderr(output: &Output) -> String {
    String::from_utf8(output.stderr.clone()).expect("stderr is UTF-8")
}

fn assert_exit(output: &Output, code: i32) {
    assert_eq!(
        output.status.code(),
        Some(code),
        "stdout:\n{}\nstderr:\n{}",
        stdout(output),
        stderr(output)
    );
}

/// A temporary folder with `golden/` holding every built-in profile's golden folder.
fn golden_tree() -> TempDir {
    let dir = TempDir::new().expect("temp dir");
    let output = hfgen(dir.path(), &["check", "--update"]);
    assert_exit(&output, 0);
    dir
}

#[test]
fn diff_format_cases() {
    let cases = fixtures().join("diff");
    let mut names: Vec<_> = fs::read_dir(&cases)
        .expect("tests/check/diff")
        .map(|entry| entry.expect("entry"))
        .filter(|entry| entry.path().is_dir())
        .map(|entry| entry.file_name())
        .collect();
    names.sort();
    assert!(names.len() >= 8, "diff cases missing: {names:?}");
    for name in names {
        let case = cases.join(&name);
        let name = name.to_string_lossy();
        let scratch = TempDir::new().expect("temp dir");
        if case.join("golden.yml").exists() {
            fs::copy(case.join("golden.yml"), scratch.path().join("file.yml")).expect("copy");
        }
        let expected: Vec<(String, String)> = match fs::read_to_string(case.join("rendered.yml")) {
            Ok(rendered) => vec![("file.yml".into(), rendered)],
            Err(_) => Vec::new(),
        };
        let drift = hfgen::check::compare(scratch.path(), &expected).expect("compare");
        let diff = hfgen::check::diff::unified_diff(&format!("golden/{name}"), &drift, false);
        let want = fs::read_to_string(case.join("expected.diff")).expect("expected.diff");
        assert_eq!(diff, want, "case {name}");
    }
}

#[test]
fn repo_golden_files_are_up_to_date() {
    let output = hfgen(Path::new(env!("CARGO_MANIFEST_DIR")), &["check"]);
    assert!(
        output.status.success() && output.stdout.is_empty(),
        "golden/ does not match the templates; if the change is intended, run \
         `cargo run -- check --update` and commit golden/.\n{}{}",
        stdout(&output),
        stderr(&output)
    );
    for profile in hfgen::profile::builtin::names() {
        assert!(stderr(&output).contains(&format!("{profile}: golden/{profile} is up to date")));
    }
}

#[test]
fn variant_golden_files_are_up_to_date() {
    // Profiles beside the built-in ones whose every rendered file is under review too: each
    // storage type, each data source, the engine 1.9 options and worker pools.
    let variants = common::variant_profiles();
    let mut args = vec!["check", "--golden", "tests/golden-variants"];
    for profile in &variants {
        args.extend(["--profile", profile]);
    }
    let mut folders: Vec<String> = fs::read_dir(fixtures().join("../golden-variants"))
        .expect("tests/golden-variants")
        .map(|entry| {
            entry
                .expect("entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    folders.sort();
    let stems: Vec<String> = variants
        .iter()
        .map(|path| {
            Path::new(path)
                .file_stem()
                .unwrap()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    assert_eq!(
        folders, stems,
        "a golden folder per variant profile, and no other"
    );
    let output = hfgen(Path::new(env!("CARGO_MANIFEST_DIR")), &args);
    assert!(
        output.status.success() && output.stdout.is_empty(),
        "tests/golden-variants/ does not match; if the change is intended, run \
         `cargo run -- {} --update` and commit it.\n{}{}",
        args.join(" "),
        stdout(&output),
        stderr(&output)
    );
}

#[test]
fn golden_folder_is_what_render_out_writes() {
    let tree = golden_tree();
    // Each component in a folder of its own: one component may not replace another's render.
    for (args, folder, golden) in [
        (vec!["--out", "out"], "out", "golden/gke"),
        (
            vec!["--component", "postprocess", "--out", "out-postprocess"],
            "out-postprocess",
            "golden/gke/postprocess",
        ),
    ] {
        let out = tree.path().join(folder);
        let mut render = vec!["render", "--profile", "gke"];
        render.extend(args);
        assert_exit(&hfgen(tree.path(), &render), 0);
        for entry in fs::read_dir(&out).expect("out") {
            let entry = entry.expect("entry");
            let golden = tree.path().join(golden).join(entry.file_name());
            assert_eq!(
                fs::read(entry.path()).expect("rendered"),
                fs::read(&golden).unwrap_or_default(),
                "{}",
                golden.display()
            );
        }
    }
}

#[test]
fn one_changed_line_is_one_hunk_with_three_lines_of_context() {
    let tree = golden_tree();
    let file = tree.path().join("golden/gke/redis.yml");
    let original = fs::read_to_string(&file).expect("redis.yml");
    let lines: Vec<&str> = original.lines().collect();
    let changed = lines.len() / 2;
    let mut edited: Vec<&str> = lines.clone();
    edited[changed] = "  drifted: true";
    fs::write(&file, edited.join("\n") + "\n").expect("edit");

    let output = hfgen(tree.path(), &["check"]);
    assert_exit(&output, 1);
    let (start, end) = (changed - 3, changed + 4);
    let mut want = format!(
        "--- a/golden/gke/redis.yml\n+++ b/golden/gke/redis.yml\n@@ -{0},7 +{0},7 @@\n",
        start + 1
    );
    for (index, line) in lines.iter().enumerate().take(end).skip(start) {
        if index == changed {
            want.push_str(&format!("-  drifted: true\n+{line}\n"));
        } else {
            want.push_str(&format!(" {line}\n"));
        }
    }
    assert_eq!(stdout(&output), want);
    let log = stderr(&output);
    assert!(log.contains("gke: golden/gke has drifted: 1 changed, 0 missing, 0 extra"));
    assert!(log.contains("minikube-ip: golden/minikube-ip is up to date ("));
    assert!(
        !stdout(&output).contains('\x1b'),
        "no colour off a terminal"
    );
}

#[test]
fn missing_file_is_a_diff_from_dev_null() {
    let tree = golden_tree();
    let file = tree.path().join("golden/gke/postprocess/parser-job.yml");
    let content = fs::read_to_string(&file).expect("parser-job.yml");
    fs::remove_file(&file).expect("remove");

    let output = hfgen(tree.path(), &["check"]);
    assert_exit(&output, 1);
    let mut want = format!(
        "--- /dev/null\n+++ b/golden/gke/postprocess/parser-job.yml\n@@ -0,0 +1,{} @@\n",
        content.lines().count()
    );
    for line in content.lines() {
        want.push_str(&format!("+{line}\n"));
    }
    assert_eq!(stdout(&output), want);
    assert!(stderr(&output).contains("gke: golden/gke has drifted: 0 changed, 1 missing, 0 extra"));
}

#[test]
fn extra_files_are_diffs_to_dev_null() {
    let tree = golden_tree();
    let golden = tree.path().join("golden/minikube-dnsmasq");
    fs::write(golden.join("old.yml"), "kind: Old\n").expect("write");
    fs::create_dir(golden.join("notes")).expect("mkdir");
    fs::write(golden.join("notes/a.txt"), "one\ntwo\n").expect("write");

    let output = hfgen(tree.path(), &["check"]);
    assert_exit(&output, 1);
    assert_eq!(
        stdout(&output),
        "--- a/golden/minikube-dnsmasq/notes/a.txt\n+++ /dev/null\n@@ -1,2 +0,0 @@\n-one\n-two\n\
         --- a/golden/minikube-dnsmasq/old.yml\n+++ /dev/null\n@@ -1 +0,0 @@\n-kind: Old\n"
    );
    assert!(stderr(&output).contains(
        "minikube-dnsmasq: golden/minikube-dnsmasq has drifted: 0 changed, 0 missing, 2 extra"
    ));
}

#[test]
fn missing_golden_folder_is_an_error_not_a_pass() {
    let tree = golden_tree();
    fs::remove_dir_all(tree.path().join("golden/minikube-ip")).expect("remove");
    let output = hfgen(tree.path(), &["check"]);
    assert_exit(&output, 2);
    assert_eq!(stdout(&output), "");
    let log = stderr(&output);
    assert!(log.contains("minikube-ip: golden folder golden/minikube-ip does not exist"));
    assert!(log.contains("hfgen check --profile minikube-ip --update"));
    assert!(log.contains("gke: golden/gke is up to date"));

    let empty = TempDir::new().expect("temp dir");
    let output = hfgen(
        empty.path(),
        &["check", "--profile", "gke", "--golden", "nowhere"],
    );
    assert_exit(&output, 2);
    assert!(stderr(&output).contains("golden folder nowhere/gke does not exist"));
    assert!(stderr(&output).contains("--golden nowhere --update"));
    assert!(
        !empty.path().join("nowhere").exists(),
        "a check writes nothing"
    );
}

#[test]
fn update_rewrites_the_folder_then_check_passes() {
    let tree = golden_tree();
    let golden = tree.path().join("golden/gke");
    fs::write(golden.join("redis.yml"), "edited\n").expect("edit");
    fs::remove_file(golden.join("cm.yml")).expect("remove");
    fs::create_dir_all(golden.join("stale/deeper")).expect("mkdir");
    fs::write(golden.join("stale/deeper/x.yml"), "x: 1\n").expect("write");

    let output = hfgen(tree.path(), &["check", "--update"]);
    assert_exit(&output, 0);
    assert_eq!(stdout(&output), "");
    let log = stderr(&output);
    assert!(
        log.contains("gke: updated golden/gke: 1 changed, 1 added, 1 removed"),
        "{log}"
    );
    assert!(log.contains("minikube-ip: golden/minikube-ip is up to date"));
    assert!(!golden.join("stale").exists(), "stale files are removed");
    let leftovers: Vec<_> = fs::read_dir(tree.path().join("golden"))
        .expect("golden")
        .map(|entry| entry.expect("entry").file_name())
        .filter(|name| name.to_string_lossy().starts_with('.'))
        .collect();
    assert!(leftovers.is_empty(), "staging folders left: {leftovers:?}");

    let output = hfgen(tree.path(), &["check"]);
    assert_exit(&output, 0);
    assert_eq!(stdout(&output), "");
}

#[test]
fn several_profiles_report_only_the_drifting_one() {
    let tree = golden_tree();
    fs::write(
        tree.path().join("golden/minikube-ip/pv-pvc.yml"),
        "edited\n",
    )
    .expect("edit");
    // Not selected: its drift must not show.
    fs::write(
        tree.path().join("golden/minikube-dnsmasq/pv-pvc.yml"),
        "edited\n",
    )
    .expect("edit");

    let output = hfgen(
        tree.path(),
        &["check", "--profile", "gke", "--profile", "minikube-ip"],
    );
    assert_exit(&output, 1);
    let diff = stdout(&output);
    assert!(diff
        .starts_with("--- a/golden/minikube-ip/pv-pvc.yml\n+++ b/golden/minikube-ip/pv-pvc.yml\n"));
    assert!(
        !diff.contains("golden/gke") && !diff.contains("minikube-dnsmasq"),
        "{diff}"
    );
    let log = stderr(&output);
    assert!(log.contains("gke: golden/gke is up to date"));
    assert!(log.contains("minikube-ip: golden/minikube-ip has drifted: 1 changed"));
    assert!(!log.contains("minikube-dnsmasq"), "{log}");
}

#[test]
fn user_profile_uses_golden_dir_and_file_stem() {
    let dir = TempDir::new().expect("temp dir");
    let profile = fixtures().join("my-profile.toml");
    let profile = profile.to_str().expect("UTF-8 path");
    let check = ["check", "--profile", profile, "--golden", "deploy/golden"];

    let output = hfgen(dir.path(), &check);
    assert_exit(&output, 2);
    assert!(stderr(&output).contains("golden folder deploy/golden/my-profile does not exist"));

    let output = hfgen(dir.path(), &[&check[..], &["--update"]].concat());
    assert_exit(&output, 0);
    let golden = dir.path().join("deploy/golden/my-profile");
    let cm = fs::read_to_string(golden.join("cm.yml")).expect("cm.yml");
    assert!(cm.contains("namespace: hf-test"), "{cm}");
    assert!(golden.join("postprocess/kustomization.yaml").exists());
    assert!(
        !dir.path().join("golden").exists(),
        "default golden dir untouched"
    );

    assert_exit(&hfgen(dir.path(), &check), 0);
    fs::write(golden.join("cm.yml"), "edited\n").expect("edit");
    let output = hfgen(dir.path(), &check);
    assert_exit(&output, 1);
    assert!(stdout(&output).starts_with("--- a/deploy/golden/my-profile/cm.yml\n"));
}

#[test]
fn bad_profile_is_exit_2_and_writes_nothing() {
    let dir = TempDir::new().expect("temp dir");
    let bad = fixtures().join("bad-profile.toml");
    let output = hfgen(
        dir.path(),
        &[
            "check",
            "--update",
            "--profile",
            "gke",
            "--profile",
            bad.to_str().expect("UTF-8 path"),
            "--profile",
            "no-such-profile",
        ],
    );
    assert_exit(&output, 2);
    let log = stderr(&output);
    assert!(log.contains("bad-profile.toml:3:21"), "{log}");
    assert!(log.contains("unknown profile `no-such-profile`"), "{log}");
    assert!(!dir.path().join("golden").exists(), "nothing written");
}

#[test]
fn profiles_sharing_a_golden_folder_are_rejected() {
    let dir = TempDir::new().expect("temp dir");
    for sub in ["a", "b"] {
        fs::create_dir(dir.path().join(sub)).expect("mkdir");
        fs::write(dir.path().join(sub).join("p.toml"), "extends = \"gke\"\n").expect("write");
    }
    let output = hfgen(
        dir.path(),
        &[
            "check",
            "--update",
            "--profile",
            "a/p.toml",
            "--profile",
            "b/p.toml",
        ],
    );
    assert_exit(&output, 2);
    assert!(stderr(&output).contains("would share the golden folder golden/p"));
    assert!(!dir.path().join("golden").exists());
}

#[test]
fn update_refuses_a_folder_hfgen_did_not_write() {
    let dir = TempDir::new().expect("temp dir");
    fs::create_dir_all(dir.path().join("golden/gke")).expect("mkdir");
    fs::write(dir.path().join("golden/gke/notes.txt"), "mine\n").expect("write");
    let output = hfgen(dir.path(), &["check", "--update", "--profile", "gke"]);
    assert_exit(&output, 2);
    assert!(stderr(&output).contains("refusing to replace"));
    assert_eq!(
        fs::read_to_string(dir.path().join("golden/gke/notes.txt")).expect("kept"),
        "mine\n"
    );
}

#[test]
fn diff_is_a_patch_that_git_apply_takes() {
    let tree = golden_tree();
    let golden = tree.path().join("golden");
    fs::write(golden.join("gke/redis.yml"), "edited\n").expect("edit");
    fs::remove_file(golden.join("minikube-ip/postprocess/viz-trace-job.yml")).expect("remove");
    fs::write(golden.join("minikube-dnsmasq/old.yml"), "kind: Old\n").expect("write");
    let output = hfgen(tree.path(), &["check"]);
    assert_exit(&output, 1);
    fs::write(tree.path().join("drift.diff"), &output.stdout).expect("write");

    let git = Command::new("git")
        .args(["apply", "drift.diff"])
        .current_dir(tree.path())
        .output()
        .expect("run git apply");
    assert!(
        git.status.success(),
        "{}",
        String::from_utf8_lossy(&git.stderr)
    );
    assert_exit(&hfgen(tree.path(), &["check"]), 0);
}

#[test]
fn colour_only_when_asked_or_on_a_terminal() {
    let tree = golden_tree();
    fs::write(tree.path().join("golden/gke/redis.yml"), "edited\n").expect("edit");
    let plain = hfgen(tree.path(), &["check", "--profile", "gke"]);
    assert!(!stdout(&plain).contains('\x1b'));
    // CLICOLOR_FORCE stands in for a terminal, which a test cannot open.
    let forced = Command::new(BIN)
        .args(["check", "--profile", "gke"])
        .current_dir(tree.path())
        .env_remove("NO_COLOR")
        .env("CLICOLOR_FORCE", "1")
        .output()
        .expect("run hfgen");
    let coloured = stdout(&forced);
    assert!(coloured.contains("\x1b[31m-edited\x1b[0m"), "{coloured:?}");
    assert!(coloured.contains("\x1b[1m--- a/golden/gke/redis.yml\x1b[0m"));
}
