//! The README's lifecycle commands return on failure (issue 30, defect 2): its `hf_wait` and
//! `hf_pod` shell functions, taken from the README, run in bash against a stand-in `kubectl`
//! that answers as the API server does for a Job's conditions and its pods.

mod common;

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::{Command, Output};
use std::time::{Duration, Instant};

fn readme() -> String {
    std::fs::read_to_string(common::repo_root().join("README.md")).expect("README.md")
}

/// The shell code between the README's `lifecycle-helpers` markers.
fn helpers() -> String {
    let readme = readme();
    let start = readme
        .find("<!-- lifecycle-helpers -->")
        .expect("the README marks its lifecycle helpers");
    let end = readme
        .find("<!-- /lifecycle-helpers -->")
        .expect("the helpers' end marker");
    let block = &readme[start..end];
    let code = block
        .split_once("```sh\n")
        .and_then(|(_, rest)| rest.split_once("```"))
        .expect("a sh code block between the markers")
        .0;
    code.to_string()
}

/// A `kubectl` that answers `get job ... conditions` with `$STATES_DIR/conditions` (the types
/// whose status is True, as the jsonpath prints them), the Failed reason with
/// `$STATES_DIR/reason`, and `get pod -l job-name=...` with nothing for the first
/// `$STATES_DIR/pod-after` calls, then `$STATES_DIR/pod`. `sleep` returns at once.
fn stand_in_bin(dir: &Path) {
    let kubectl = r#"#!/bin/sh
case "$*" in
  *"get job"*'@.type=="Failed"'*) cat "$STATES_DIR/reason" ;;
  *"get job"*'@.status=="True"'*) cat "$STATES_DIR/conditions" ;;
  *"get pod"*"job-name="*)
    n=$(cat "$STATES_DIR/pod-calls" 2>/dev/null || echo 0); n=$((n + 1)); echo "$n" > "$STATES_DIR/pod-calls"
    if [ "$n" -gt "$(cat "$STATES_DIR/pod-after")" ]; then cat "$STATES_DIR/pod"; fi ;;
  *) echo "unexpected: kubectl $*" >&2; exit 3 ;;
esac
"#;
    for (name, text) in [("kubectl", kubectl), ("sleep", "#!/bin/sh\nexit 0\n")] {
        let path = dir.join(name);
        std::fs::write(&path, text).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
}

/// Runs `call` after the helpers in bash, with the stand-in's states; at most 30 s.
fn run(call: &str, states: &[(&str, &str)]) -> (Output, Duration) {
    let dir = tempfile::tempdir().unwrap();
    let bin = dir.path().join("bin");
    let state_dir = dir.path().join("states");
    std::fs::create_dir_all(&bin).unwrap();
    std::fs::create_dir_all(&state_dir).unwrap();
    stand_in_bin(&bin);
    for (name, text) in states {
        std::fs::write(state_dir.join(name), text).unwrap();
    }
    let script = format!("{}\n{call}\n", helpers());
    let path = format!("{}:{}", bin.display(), std::env::var("PATH").unwrap());
    let started = Instant::now();
    let output = Command::new("timeout")
        .args(["30", "bash", "-c", &script])
        .env("PATH", path)
        .env("STATES_DIR", &state_dir)
        .output()
        .unwrap();
    (output, started.elapsed())
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[test]
fn hf_wait_returns_at_once_on_a_failed_run_and_says_why() {
    let (output, took) = run(
        "hf_wait hyperflow-engine 86400",
        &[
            ("conditions", "FailureTarget Failed "),
            ("reason", "BackoffLimitExceeded"),
        ],
    );
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    assert_eq!(
        stdout(&output),
        "hyperflow-engine: Failed (BackoffLimitExceeded)\n"
    );
    assert!(took < Duration::from_secs(10), "took {took:?}");
}

#[test]
fn hf_wait_returns_zero_on_complete_and_two_after_its_bound() {
    let (output, _) = run(
        "hf_wait hyperflow-engine",
        &[
            ("conditions", "SuccessCriteriaMet Complete "),
            ("reason", ""),
        ],
    );
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    assert_eq!(stdout(&output), "hyperflow-engine: Complete\n");

    // Running: no condition is True yet (a Job's "FailureTarget" alone is not the end).
    let (output, took) = run(
        "hf_wait hyperflow-engine 2",
        &[("conditions", ""), ("reason", "")],
    );
    assert_eq!(output.status.code(), Some(2), "{output:?}");
    assert!(took < Duration::from_secs(10), "took {took:?}");
}

#[test]
fn hf_pod_waits_for_the_jobs_pod_instead_of_failing_before_it_exists() {
    let (output, _) = run(
        "hf_pod hyperflow-results 300",
        &[("pod-after", "3"), ("pod", "hyperflow-results-x7k2p")],
    );
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    assert_eq!(stdout(&output), "hyperflow-results-x7k2p\n");
}

/// Every wait the README tells a user to run returns on failure: none waits for
/// `condition=complete` alone, and none waits on pods by label before they exist.
#[test]
fn no_readme_command_waits_only_for_complete_or_on_pods_by_label() {
    let readme = readme();
    let mut in_shell = false;
    for (number, line) in readme.lines().enumerate() {
        if line.starts_with("```") {
            in_shell = !in_shell && (line == "```sh" || line == "```bash");
            continue;
        }
        if in_shell && line.contains("kubectl") && line.contains(" wait ") {
            assert!(
                !line.contains("condition=complete") && !line.contains(" -l "),
                "README.md:{}: {line}",
                number + 1
            );
        }
    }
}

/// Every `kubectl ... create secret` the README gives works on a fresh cluster: the namespace
/// exists only once the render is applied, so the lines just before make it.
#[test]
fn every_readme_secret_is_created_after_its_namespace() {
    let readme = readme();
    let lines: Vec<&str> = readme.lines().collect();
    for (number, line) in lines.iter().enumerate() {
        if line.contains("create secret") {
            let before = &lines[number.saturating_sub(8)..number];
            assert!(
                before.iter().any(|line| line.contains("create namespace")),
                "README.md:{}: {line} (no `kubectl create namespace` before it)",
                number + 1
            );
        }
    }
}
