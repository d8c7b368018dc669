//! The fast YAML reader (`manifests::yaml`) reads every stream as serde-saphyr does (after
//! `as_the_api_server_reads`, which makes serde-saphyr's booleans go-yaml's), or hands it over:
//! it never returns different values.

mod common;

use common::{repo_root, repository_yaml_files};
use hfgen::manifests::yaml::{self, NeedsFullParser};
use proptest::prelude::*;
use serde_json::Value;

/// What the fast path and serde-saphyr make of `text`; `None` when the fast path hands over.
fn compare(text: &str) -> Option<Vec<Value>> {
    let fast = yaml::documents(text).ok()?;
    let full = serde_saphyr::from_multiple::<Value>(&yaml::as_the_api_server_reads(text));
    match full {
        Ok(full) => assert_eq!(fast, full, "fast path and serde-saphyr differ on {text:?}"),
        Err(e) => panic!("the fast path accepted what serde-saphyr refuses ({e}): {text:?}"),
    }
    Some(fast)
}

#[test]
fn every_yaml_file_of_the_repository_reads_the_same() {
    let files = repository_yaml_files();
    assert!(files.len() > 60, "{} files", files.len());
    for path in &files {
        // Test data about bytes that are not text is not YAML.
        let Ok(text) = std::fs::read_to_string(path) else {
            continue;
        };
        let fast = compare(&text);
        // hfgen's own output must take the fast path, or renders get slow again.
        if path.starts_with(repo_root().join("golden")) {
            assert!(fast.is_some(), "{} needs the full parser", path.display());
        }
    }
}

/// Plain scalars that YAML could read as something other than a string, and the value
/// serde-saphyr reads (the fast path must agree or hand over).
const SCALARS: &[&str] = &[
    "",
    "~",
    "null",
    "Null",
    "NULL",
    "nULL",
    "true",
    "True",
    "TRUE",
    "tRUE",
    "false",
    "yes",
    "Yes",
    "YES",
    "y",
    "Y",
    "no",
    "NO",
    "n",
    "N",
    "on",
    "On",
    "ON",
    "off",
    "Off",
    "0",
    "-0",
    "00",
    "007",
    "0755",
    "-0755",
    "8080",
    "-8080",
    "18446744073709551615",
    "18446744073709551616",
    "-9223372036854775808",
    "-9223372036854775809",
    "1_000",
    "0x1F",
    "0X1F",
    "0o17",
    "0O17",
    "0b101",
    "0B101",
    "+1",
    "+.5",
    "-.5",
    ".5",
    "5.",
    "1.5",
    "1.33",
    "10.0.0.1",
    "1e3",
    "1E3",
    "1e-3",
    "1e",
    "1E",
    "1e999",
    "-1e999",
    ".inf",
    "-.inf",
    "+.inf",
    ".Inf",
    ".INF",
    ".nan",
    ".NaN",
    "-.nan",
    "+.nan",
    "inf",
    "-inf",
    "nan",
    "NaN",
    "infinity",
    "-",
    "--",
    "-x",
    ".",
    "..",
    ".x",
    "50Mi",
    "500m",
    "0.5",
    "100Gi",
    "1:20",
    "12:30:00",
    "2024-01-01",
    "v1",
    "apps/v1",
    "<<",
    "=",
    "0.5.1",
    "1,000",
    "0e0",
    "-0.0",
    "1.0",
    "6.0-je1.4.0",
];

#[test]
fn tricky_plain_scalars_read_the_same_as_values_and_keys() {
    let mut fast = 0;
    for scalar in SCALARS {
        fast += usize::from(compare(&format!("key: {scalar}\n")).is_some());
        fast += usize::from(compare(&format!("- {scalar}\n- [{scalar}]\n")).is_some());
        compare(&format!("{scalar}: value\n"));
        compare(&format!("'{scalar}': value\n\"x\": \"{scalar}\"\n"));
    }
    // Most of them are common enough to stay on the fast path.
    assert!(fast > SCALARS.len(), "{fast} of {}", 2 * SCALARS.len());
}

#[test]
fn streams_read_the_same() {
    let streams = [
        "",
        "---\n",
        "---\n---\n",
        "~\n",
        "---\nnull\n---\na: 1\n",
        "# only a comment\n",
        "a: 1\n---\n# comment\n---\nb: [1, {c: d}]\n...\n",
        "just a string\n",
        "- 1\n- two\n",
        "a:\n  b:\n    - c: |\n        line 1\n        line 2\n      d: >-\n        folded\n        text\n",
        "a: 'single ''quoted'''\nb: \"double \\\"quoted\\\" \\u263A\"\nc: plain text # comment\n",
        "a: {x: 1, y: [2, 3], z: {}}\nb: []\n",
        "a:\nb: ~\nc: null\n",
        "multi: line\n  plain scalar\n",
        "? complex\n: key\n",
        "a: &anchor 1\nb: *anchor\n",
        "base: &b {x: 1}\nderived:\n  <<: *b\n  y: 2\n",
        "a: !!str 1\n",
        "a: !custom x\n",
        "%YAML 1.2\n---\na: 1\n",
        "a: 1\na: 2\n",
        "[1, 2]: x\n",
        "a: [unclosed\n",
        "a: 1\n b: 2\n",
        "\u{feff}a: 1\n",
    ];
    for text in streams {
        compare(text);
    }
}

#[test]
fn what_the_fast_path_hands_over() {
    for text in [
        "a: &anchor 1\nb: *anchor\n",
        "a: !!str 1\n",
        "a: 1\na: 2\n",
        "a: [unclosed\n",
        "a: 0x1F\n",
        "a: .inf\n",
        "<<: {a: 1}\n",
        "? [1, 2]\n: x\n",
    ] {
        assert_eq!(yaml::documents(text), Err(NeedsFullParser), "{text:?}");
    }
    let deep = "[".repeat(70) + &"]".repeat(70);
    assert_eq!(yaml::documents(&deep), Err(NeedsFullParser));
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2_000, .. ProptestConfig::default() })]

    /// Short plain scalars made of the characters that decide how YAML reads them.
    #[test]
    fn generated_plain_scalars_read_the_same(scalar in "[-+.0-9eExXoObB_a-fnNuUlLtTrRyYsS~:i ]{1,8}") {
        compare(&format!("key: {scalar}\n"));
        compare(&format!("{scalar}: value\n"));
        compare(&format!("- [{scalar}, x]\n"));
    }
}

/// The API server decodes YAML with go-yaml v2: `tRuE` and `oN` are strings there (only three
/// spellings of each YAML 1.1 word are booleans), on the fast path and on serde-saphyr's alike.
#[test]
fn booleans_are_the_api_servers() {
    let plain = "a: tRuE\nb: oN\nc: Yes\nd: OFF\ne: nO\n";
    let expected = serde_json::json!({"a": "tRuE", "b": "oN", "c": true, "d": false, "e": "nO"});
    assert_eq!(yaml::documents(plain).unwrap(), [expected]);
    // An anchor sends the stream to serde-saphyr.
    let anchored = format!("{plain}f: &x 1\ng: *x\n");
    assert_eq!(yaml::documents(&anchored), Err(NeedsFullParser));
    let full = yaml::from_multiple(&anchored).unwrap();
    assert_eq!(full[0]["a"], "tRuE");
    assert_eq!(full[0]["c"], true);
    assert_eq!(full[0]["e"], "nO");
    assert_eq!(
        yaml::as_the_api_server_reads("k: [tRuE, 'oN', True]\n"),
        "k: [\"tRuE\", 'oN', True]\n"
    );
}
