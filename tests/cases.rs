//! Every CLI case folder, run by the one data-driven runner (`tests/common/cases.rs` describes a
//! case: `NAME.args`, `NAME.stdin`, expected `NAME.stdout`, `NAME.stderr` or `NAME.codes`, and
//! `NAME.exit`). A new case is new files in a folder below; a new folder is a line here.
//! `HFGEN_BLESS=1 cargo test --test cases` rewrites the expected output: review the diff.

mod common;

use common::cases::{codes, run_folder, WorkDir};
use std::path::Path;

/// One test per case folder: `NAME: FOLDER from WORKDIR`.
macro_rules! case_folders {
    ($($test:ident: $folder:literal from $work_dir:ident,)*) => {
        $(
            #[test]
            fn $test() {
                let count = run_folder($folder, WorkDir::$work_dir);
                println!("{}: {count} cases hold", $folder);
            }
        )*
        const FOLDERS: &[&str] = &[$($folder),*];
    };
}

case_folders! {
    // The bad-profile corpus: profiles, `--set`s and `--profile`s that `render` or `setup`
    // refuses (exit 2, nothing written).
    bad_profiles: "tests/profiles/bad" from Folder,
    // Profiles that must render what an equivalent built-in with `--set` renders.
    good_profiles: "tests/profiles/good" from Folder,
    explain: "tests/explain" from Folder,
    // `hfgen validate` reports name the files as given from the repository root.
    validate: "tests/validate" from Root,
}

/// A folder holding `NAME.args` files that no test runs would be cases that never run.
#[test]
fn every_folder_with_cases_is_run() {
    let mut folders = vec![common::repo_root().join("tests")];
    let mut unlisted = Vec::new();
    while let Some(folder) = folders.pop() {
        let mut has_cases = false;
        for entry in std::fs::read_dir(&folder).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() && path.file_name().unwrap() != "node_modules" {
                folders.push(path);
            } else if path.extension().is_some_and(|ext| ext == "args") {
                has_cases = true;
            }
        }
        let relative = folder.strip_prefix(common::repo_root()).unwrap();
        if has_cases && !FOLDERS.iter().any(|listed| Path::new(listed) == relative) {
            unlisted.push(relative.display().to_string());
        }
    }
    assert!(
        unlisted.is_empty(),
        "case folders not in tests/cases.rs: {unlisted:?}"
    );
}

/// Every profile of the bad corpus is the input of a case (a `.toml` without `.args` is a case
/// someone forgot to finish).
#[test]
fn every_bad_profile_is_a_case() {
    let folder = common::repo_root().join("tests/profiles/bad");
    for entry in std::fs::read_dir(&folder).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|ext| ext == "toml") {
            assert!(
                path.with_extension("args").exists(),
                "{} has no .args",
                path.display()
            );
        }
    }
}

#[test]
fn codes_are_read_from_headers_with_and_without_a_code() {
    let stderr = "\
error[HF0101]: bad-choice.toml:2:12: `workflow` must be one of \"montage\", \"soykb\"
 --> bad-choice.toml:2:12
  |
2 | workflow = \"montage3\"
  |            ^^^^^^^^^^
help: did you mean \"montage\"?
error: bad-choice.toml:5:8: `rbac.mode` must be one of \"namespaced\", \"cluster-admin\"
warning[HF0420]: chain/my.toml:6:10: images.worker `w` has no tag
warning: --set engine.debug=maybe: `engine.debug` must be true or false, not a string
error[HF0202]: --set namespace: a key needs a value: --set KEY=VALUE
error: unknown profile `minikube-dns`
help: did you mean `minikube-ip`?
error[HF0300]: cluster.project is the built-in profile's placeholder: set it
--> gke:55:11
error[HF0070]: internal error: template `cm.yml.j2` failed; please report it
";
    assert_eq!(
        codes(stderr),
        "\
HF0101 bad-choice.toml:2:12
- bad-choice.toml:5:8
HF0420 chain/my.toml:6:10
- --set engine.debug
HF0202 --set namespace
- -
HF0300 gke:55:11
HF0070 -
"
    );
}

#[test]
fn lines_that_only_look_like_headers_are_not_diagnostics() {
    // (`\x20`: a string continuation would drop the leading spaces.)
    let stderr = "\
\x20 error: indented text is a snippet line, not a header
errors: 3
warning:no space after the colon
error[HF0101 unclosed: x.toml:1:1: message
gke: golden/gke is up to date
";
    assert_eq!(codes(stderr), "");
    // A place needs a file, a line and a column, all there.
    assert_eq!(codes("error: a.toml:x:1: m\n"), "- -\n");
    assert_eq!(codes("error: a.toml:3: m\n"), "- -\n");
    assert_eq!(codes("error: two words:1:2: m\n"), "- -\n");
}

/// The runner fails a case whose exit code, stdout, stderr, codes or `.same` command differ.
#[test]
fn the_runner_reports_each_kind_of_difference() {
    use common::cases::{cases_in, check_case, run_hfgen};
    let folder = tempfile::tempdir().unwrap();
    let write = |name: &str, text: &str| std::fs::write(folder.path().join(name), text).unwrap();
    // hfgen refuses an unknown profile (exit 2); its message, whatever the wording, is right.
    let args = ["render", "--profile", "no-such"].map(String::from);
    let refusal = run_hfgen(folder.path(), &args, None).stderr;
    assert!(refusal.contains("no-such"), "{refusal}");
    for name in ["exit", "stderr", "codes", "stdout", "same"] {
        write(&format!("{name}.args"), &(args.join("\n") + "\n"));
        write(&format!("{name}.exit"), "2\n");
        if name != "stderr" && name != "codes" {
            write(&format!("{name}.stderr"), &refusal);
        }
    }
    write("exit.exit", "0\n");
    write(
        "stderr.stderr",
        &refusal.replace("no-such", "no-such-other"),
    );
    write("codes.codes", "HF0001 elsewhere.toml:1:1\n");
    write("stdout.stdout", "kind: Namespace\n");
    write("same.same", "render\n--profile\ngke\n");
    let cases = cases_in(folder.path());
    assert_eq!(cases.len(), 5);
    for case in &cases {
        let failures = check_case(case, WorkDir::Folder);
        // Blessing rewrites expected output, so only the exit code and `.same` still differ.
        if common::bless() && !["exit", "same"].contains(&case.name.as_str()) {
            continue;
        }
        assert_eq!(failures.len(), 1, "{}: {failures:#?}", case.name);
    }
}
