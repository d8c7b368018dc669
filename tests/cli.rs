//! The command line around the commands: help, version, completions, stdout vs stderr.

mod common;

use common::*;

#[test]
fn help_lists_every_command_of_the_contract() {
    let help = hfgen_ok(&["--help"]);
    for command in [
        "render",
        "check",
        "validate",
        "profiles",
        "schema",
        "setup",
        "diagram",
        "completions",
        "explain",
    ] {
        assert!(help.contains(command), "--help lacks {command}:\n{help}");
    }
}

#[test]
fn completions_are_scripts_for_each_shell() {
    for shell in ["bash", "zsh", "fish"] {
        let script = hfgen_ok(&["completions", shell]);
        assert!(script.contains("hfgen"), "{shell}");
        // Options and values come from hfgen itself when the shell asks: tests/completions.rs.
        assert!(script.contains("COMPLETE="), "{shell} calls hfgen back");
    }
    let output = hfgen(&["completions", "tcsh"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stdout(&output).is_empty());
}

#[test]
fn a_missing_argument_is_bad_input_on_stderr() {
    let output = hfgen(&["render"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stdout(&output).is_empty());
    assert!(stderr(&output).contains("--profile"));
}
