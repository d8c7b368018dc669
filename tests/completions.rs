//! Shell completion: `hfgen completions SHELL` prints a script that asks hfgen for candidates.
//! The bash script is sourced in a real bash and its completion function called as bash would,
//! so what a user gets on TAB is tested, not only the text of the script.

mod common;

use common::{hfgen_ok, repo_root, stdout_lines};
use std::process::Command;

/// Candidates bash offers for the command line `words` (the last word is being completed).
fn bash_candidates(words: &[&str]) -> Vec<String> {
    let bin_dir = std::path::Path::new(env!("CARGO_BIN_EXE_hfgen"))
        .parent()
        .unwrap()
        .to_path_buf();
    let quoted: Vec<String> = words.iter().map(|w| format!("'{w}'")).collect();
    let current = words.last().unwrap();
    let previous = words[words.len() - 2];
    let script = format!(
        "source <(hfgen completions bash)\nCOMP_WORDS=({})\nCOMP_CWORD={}\nCOMP_TYPE=9\n_clap_complete_hfgen hfgen '{current}' '{previous}'\nprintf '%s\\n' \"${{COMPREPLY[@]}}\"\n",
        quoted.join(" "),
        words.len() - 1
    );
    let path = format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    stdout_lines(
        Command::new("bash")
            .arg("-c")
            .arg(script)
            .env("PATH", path)
            .current_dir(repo_root().join("tests/explain/chain")),
        "bash completion",
    )
}

#[test]
fn profile_names_and_profile_files_complete() {
    assert_eq!(
        bash_candidates(&["hfgen", "render", "--profile", "m"]),
        ["minikube-dnsmasq", "minikube-ip", "my.toml"]
    );
    // Every built-in profile (the library's list), then the profile files of the folder.
    let mut expected: Vec<&str> = hfgen::profile::builtin::names();
    expected.extend(["base.toml", "my.toml", "team.toml"]);
    assert_eq!(bash_candidates(&["hfgen", "setup", "-p", ""]), expected);
    assert_eq!(
        bash_candidates(&["hfgen", "profiles", "show", "g"]),
        ["gke"]
    );
}

#[test]
fn set_completes_profile_keys_then_their_choices() {
    assert_eq!(
        bash_candidates(&["hfgen", "render", "--set", "nfs.add"]),
        ["nfs.address="]
    );
    assert_eq!(
        bash_candidates(&["hfgen", "render", "-p", "gke", "--set", "workflow=m"]),
        ["workflow=montage", "workflow=montage2"]
    );
    assert_eq!(
        bash_candidates(&["hfgen", "explain", "-p", "gke", "cluster.z"]),
        ["cluster.zone"]
    );
}

/// Issue 27: keys that the checks refuse whatever their value were offered.
#[test]
fn always_refused_keys_are_not_offered() {
    assert_eq!(
        bash_candidates(&["hfgen", "render", "--set", "tasks.m"]),
        ["tasks.memory_request="]
    );
    let config = bash_candidates(&["hfgen", "render", "--set", "workflow_config.e"]);
    assert!(config.iter().all(String::is_empty), "{config:?}");
}

#[test]
fn subcommands_and_options_complete() {
    assert_eq!(bash_candidates(&["hfgen", "exp"]), ["explain"]);
    assert_eq!(
        bash_candidates(&["hfgen", "render", "--pro"]),
        ["--profile"]
    );
}

#[test]
fn components_complete() {
    assert_eq!(
        bash_candidates(&["hfgen", "render", "--component", ""]),
        hfgen::layout::Component::ALL.map(|component| component.name())
    );
}

#[test]
fn every_shell_gets_a_script_that_calls_hfgen_back() {
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let script = hfgen_ok(&["completions", shell]);
        assert!(script.contains("COMPLETE"), "{shell}: {script}");
        assert!(script.contains("hfgen"), "{shell}: {script}");
    }
    // The fish answer, as fish's script asks for it: value and description.
    let output = Command::new(env!("CARGO_BIN_EXE_hfgen"))
        .args(["--", "hfgen", "render", "--profile", "gk"])
        .env("COMPLETE", "fish")
        .output()
        .unwrap();
    let answer = String::from_utf8(output.stdout).unwrap();
    assert!(
        answer.starts_with("gke\tGoogle Kubernetes Engine"),
        "{answer}"
    );
}
