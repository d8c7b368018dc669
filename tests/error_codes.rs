//! The diagnostic codes: one table (src/diag/codes.rs), every code used in src/, none twice,
//! and docs/error-codes.md generated from the table (`HFGEN_BLESS=1` rewrites it).

mod common;

use common::{blessing, repo_root};
use hfgen::diag::Code;
use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

const REFERENCE: &str = "docs/error-codes.md";

#[test]
fn the_reference_is_generated_from_the_table() {
    let path = repo_root().join(REFERENCE);
    let generated = hfgen::error::codes_reference();
    if blessing() {
        std::fs::write(&path, &generated).unwrap();
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "{REFERENCE} differs from the table in src/diag/codes.rs; rerun with HFGEN_BLESS=1 and review the diff"
    );
    for code in Code::ALL {
        let row = format!("| {} | `{}` |", code.id(), code.name());
        assert!(committed.contains(&row), "{REFERENCE} lacks {row}");
    }
}

#[test]
fn codes_are_unique_and_well_formed() {
    let mut ids = HashSet::new();
    for code in Code::ALL {
        let id = code.id();
        assert!(
            id.len() == 6 && id.starts_with("HF") && id[2..].bytes().all(|b| b.is_ascii_digit()),
            "{id} is not HF and four digits"
        );
        assert!(ids.insert(id), "{id} is used by two codes");
        assert!(!code.meaning().is_empty(), "{id} has no meaning");
    }
}

/// A code in the table that no diagnostic uses is a promise the tool does not keep (or a
/// kind of problem that went away: then its code is retired with it).
#[test]
fn every_code_is_used_in_the_source() {
    let mut uses: BTreeMap<&str, usize> = Code::ALL.iter().map(|code| (code.name(), 0)).collect();
    let table = repo_root().join("src/diag/codes.rs");
    for file in rust_files(&repo_root().join("src")) {
        if file == table {
            continue;
        }
        let text = std::fs::read_to_string(&file).unwrap();
        for (name, count) in uses.iter_mut() {
            *count += used(&text, name);
        }
    }
    let unused: Vec<&str> = uses
        .iter()
        .filter(|(_, count)| **count == 0)
        .map(|(name, _)| *name)
        .collect();
    assert!(unused.is_empty(), "codes used nowhere in src/: {unused:?}");
}

/// Occurrences of `Code::NAME` not followed by more of an identifier.
fn used(text: &str, name: &str) -> usize {
    let pattern = format!("Code::{name}");
    text.match_indices(&pattern)
        .filter(|(at, _)| {
            let next = text[at + pattern.len()..].chars().next();
            !next.is_some_and(|c| c.is_alphanumeric() || c == '_')
        })
        .count()
}

fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files.extend(rust_files(&path));
        } else if path.extension().is_some_and(|ext| ext == "rs") {
            files.push(path);
        }
    }
    files
}

#[test]
fn the_scan_sees_a_code_only_as_a_whole_name() {
    assert_eq!(used("Code::UnknownKey, Code::UnknownKeys", "UnknownKey"), 1);
    assert_eq!(used("Code::Panic)", "Panic"), 1);
}

/// The header carries the code, as `error[HF0005]: place: message`.
#[test]
fn diagnostics_show_their_code_in_the_header() {
    let output = common::hfgen(&["render", "--profile", "gke", "--set", "nfs.adress=ip"]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = common::stderr(&output);
    assert!(
        stderr.starts_with("error[HF0005]: --set nfs.adress=ip: unknown key `nfs.adress`"),
        "{stderr}"
    );
}

/// `validate`'s findings carry their rule family's code in JSON (`code`) and JUnit (`type`);
/// the text report keeps its format.
#[test]
fn validate_reports_carry_the_code_of_each_finding() {
    let stream = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: Bad_Name}\n---\n\
                  apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ok}\ndata: 5\n---\n\
                  apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\n";
    let output = common::hfgen_with_stdin(&["validate", "--output", "json", "-"], stream);
    assert_eq!(output.status.code(), Some(1), "{}", common::stderr(&output));
    let report: serde_json::Value = serde_json::from_str(&common::stdout(&output)).unwrap();
    let codes: Vec<(u64, &str)> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["document"].as_u64().unwrap(), f["code"].as_str().unwrap()))
        .collect();
    assert_eq!(codes, [(1, "HF3003"), (2, "HF3002"), (3, "HF3004")]);
    let output = common::hfgen_with_stdin(&["validate", "--output", "junit", "-"], stream);
    let junit = common::stdout(&output);
    for code in ["HF3003", "HF3002", "HF3004"] {
        assert!(junit.contains(&format!("type=\"{code}\">")), "{junit}");
    }
}

/// A command line clap refuses is bad input with a code too.
#[test]
fn usage_errors_carry_a_code() {
    let output = common::hfgen(&["render", "--profile", "gke", "--no-such-option"]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = common::stderr(&output);
    assert!(
        stderr.starts_with("error[HF0013]: unexpected argument '--no-such-option' found"),
        "{stderr}"
    );
    assert!(stderr.contains("Usage: hfgen render"), "{stderr}");
}
