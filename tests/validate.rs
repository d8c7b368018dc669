//! `hfgen validate` and the cross-object checks, driven by the files under tests/validate/.
//!
//! The command's cases (`X.args` naming `X.yaml`, its report `X.stdout`, its `X.exit`) run in
//! `tests/cases.rs`. Each `cross/X.yaml` sits beside `X.expected`, the findings of the
//! cross-object checks. Set `HFGEN_BLESS=1` to rewrite the expected files from the current
//! output (then review the diff).

mod common;

use common::cases::snapshot;
use common::*;
use hfgen::manifests::{Bundle, Document, ManifestFile};
use hfgen::render::templates::Component;
use hfgen::validate::{cross, report};
use std::path::{Path, PathBuf};

/// The `*.yaml` files of `dir`, sorted.
fn yaml_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|e| e == "yaml"))
        .collect();
    files.sort();
    files
}

/// Issue 27, item 10: `--crd DIR` named a file whose name is not UTF-8 by its lossy form, a
/// file that does not exist, and could not read it.
#[cfg(unix)]
#[test]
fn crd_folder_file_with_a_non_utf8_name_is_read() {
    use std::os::unix::ffi::OsStrExt;
    let dir = tempfile::tempdir().unwrap();
    let keda = repo_root().join("tests/manifests/crds/keda");
    for entry in std::fs::read_dir(&keda).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|ext| ext != "yaml") {
            continue;
        }
        let mut name = path.file_stem().unwrap().as_bytes().to_vec();
        name.extend(b"\xff.yaml");
        std::fs::copy(&path, dir.path().join(std::ffi::OsStr::from_bytes(&name))).unwrap();
    }
    let document = "tests/validate/crd-keda.yaml";
    let renamed = hfgen(&["validate", "--crd", dir.path().to_str().unwrap(), document]);
    let original = hfgen(&["validate", "--crd", keda.to_str().unwrap(), document]);
    let stderr = String::from_utf8_lossy(&renamed.stderr);
    assert!(!stderr.contains("cannot read"), "{stderr}");
    assert_eq!(renamed.status.code(), original.status.code(), "{stderr}");
    assert_eq!(stdout(&renamed), stdout(&original));
}

#[test]
fn validate_json_and_junit_carry_the_same_findings() {
    let args = ["validate", "tests/validate/bad-deployment.yaml", "--output"];
    let json: serde_json::Value =
        serde_json::from_str(&stdout(&hfgen(&[&args[..], &["json"]].concat()))).unwrap();
    let findings = json["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 3);
    assert_eq!(findings[1]["line"], 20);
    assert_eq!(findings[1]["document"], 1);
    assert_eq!(findings[1]["object"], "Deployment/broken");
    assert_eq!(
        findings[1]["path"],
        "/spec/template/spec/containers/0/ports/0/containerPort"
    );
    assert_eq!(json["summary"]["invalid"], 2);

    let junit = stdout(&hfgen(&[&args[..], &["junit"]].concat()));
    assert!(junit.starts_with("<?xml"));
    assert_eq!(junit.matches("<failure ").count(), 3);
    assert!(junit.contains("failures=\"2\""));
    assert!(junit.contains("&quot;8080&quot; is not of type &quot;integer&quot;"));
}

/// Schema and API-server findings alike point at the offending key (line and column), in all
/// three formats; an unknown field is pointed at itself, not at the object holding it.
#[test]
fn findings_point_at_the_key_in_every_format() {
    let args = ["validate", "tests/validate/api-resources.yaml", "--output"];
    let json: serde_json::Value =
        serde_json::from_str(&stdout(&hfgen(&[&args[..], &["json"]].concat()))).unwrap();
    let first = &json["findings"][0];
    assert_eq!(
        first["path"],
        "/spec/template/spec/containers/0/resources/requests/memory"
    );
    assert_eq!(
        (first["line"].as_u64(), first["column"].as_u64()),
        (Some(14), Some(24))
    );
    let junit = stdout(&hfgen(&[&args[..], &["junit"]].concat()));
    assert!(
        junit.contains("tests/validate/api-resources.yaml:14:24: document 1 Job/resources"),
        "{junit}"
    );
    let text = stdout(&hfgen(&["validate", "tests/validate/bad-deployment.yaml"]));
    // `replica:` is on line 7, column 3 (its parent `spec:` is line 6).
    assert!(
        text.starts_with("tests/validate/bad-deployment.yaml:7:3: document 1 Deployment/broken: /spec: Additional properties"),
        "{text}"
    );
}

/// Every minor from 1.25 to 1.37 is accepted; one without vendored schemas says which it
/// uses, and its own API-server rules apply (env var names are relaxed from 1.32 on).
#[test]
fn every_minor_version_is_accepted() {
    let file = "tests/validate/api-env-1.25.yaml";
    for minor in 25..=37 {
        let version = format!("1.{minor}");
        let output = hfgen(&["validate", "-k", &version, file]);
        let relaxed = minor >= 32;
        assert_eq!(
            output.status.code(),
            Some(if relaxed { 0 } else { 1 }),
            "{version}"
        );
        let vendored = [25, 33, 37].contains(&minor);
        assert_eq!(
            stderr(&output).contains(&format!(
                "note: Kubernetes {version} has no vendored schemas"
            )),
            !vendored,
            "{version}: {}",
            stderr(&output)
        );
    }
    for outside in ["1.24", "1.38"] {
        assert_eq!(
            hfgen(&["validate", "-k", outside, file]).status.code(),
            Some(2)
        );
    }
}

#[test]
fn validate_bad_input_is_exit_two() {
    for args in [
        vec!["validate", "tests/validate/no-such-file.yaml"],
        vec!["validate", "-k", "1.40", "tests/validate/valid.yaml"],
    ] {
        let output = hfgen(&args);
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        assert!(stdout(&output).is_empty());
        assert!(!stderr(&output).is_empty());
    }
    let output = hfgen(&["validate", "-k", "1.40", "tests/validate/valid.yaml"]);
    assert!(
        stderr(&output).contains("1.25, 1.33, 1.37"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn every_supported_version_accepts_the_builtin_profiles() {
    let dir = tempfile::tempdir().unwrap();
    for profile in builtin_profiles() {
        let yaml = hfgen_ok(&["render", "--profile", profile]);
        let file = write_file(dir.path(), "out.yaml", &yaml);
        for version in ["1.25", "1.33", "1.37"] {
            let output = hfgen(&["validate", "-k", version, &file]);
            assert_eq!(
                output.status.code(),
                Some(0),
                "{profile} {version}: {}",
                stdout(&output)
            );
        }
        // Piped, as `hfgen render | hfgen validate -`: no reference is stale either.
        let output = hfgen_with_stdin(&["validate", "-"], &yaml);
        assert_eq!(
            output.status.code(),
            Some(0),
            "{profile}: {}",
            stdout(&output)
        );
    }
}

#[test]
fn cross_object_checks_find_what_schemas_cannot() {
    let cases = yaml_files(&repo_root().join("tests/validate/cross"));
    assert!(cases.len() >= 5, "cross cases: {cases:?}");
    for case in cases {
        let text = std::fs::read_to_string(&case).unwrap();
        let bundle = Bundle {
            files: vec![ManifestFile {
                file: "bundle.yml",
                component: Component::Core,
                documents: documents(&text)
                    .into_iter()
                    .map(|value| Document { value })
                    .collect(),
                text,
            }],
            provided_claims: Vec::new(),
        };
        let findings = cross::check(&bundle, &[]);
        let actual: String = findings
            .iter()
            .map(|finding| report::text_line(finding) + "\n")
            .collect();
        assert!(!findings.is_empty(), "{} finds nothing", case.display());
        if let Err(failure) = snapshot(&case.with_extension("expected"), &actual) {
            panic!("{failure}");
        }
    }
}

#[test]
fn builtin_bundles_pass_the_cross_object_checks() {
    for profile in builtin_profiles() {
        let loaded = hfgen::profile::load(profile, &[]).unwrap();
        let bundle = hfgen::render::render_unchecked(&loaded).unwrap();
        assert_eq!(cross::check(&bundle, &[]), vec![], "{profile}");
    }
}

/// The vendored schemas are exactly what the regeneration script makes from the pinned
/// kubernetes-validate package (which `.ci/run` installs into .venv).
#[test]
fn vendored_schemas_match_the_regeneration_script() {
    let python = external_tool("python3");
    let site_packages = std::fs::read_dir(repo_root().join(".venv/lib"))
        .expect(".venv exists: run bash .ci/run")
        .map(|entry| {
            entry
                .unwrap()
                .path()
                .join("site-packages/kubernetes_validate")
        })
        .find(|path| path.exists())
        .expect("kubernetes_validate is installed in .venv");
    let output = std::process::Command::new(python)
        .arg(repo_root().join("scripts/vendor-k8s-schemas.py"))
        .args(["--check", "--source"])
        .arg(site_packages)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "schema/kubernetes is stale: {}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

fn corpus(folder: &str) -> Vec<PathBuf> {
    yaml_files(&repo_root().join("tests/manifests").join(folder))
}

/// kubernetes-validate's verdict on one file: its error paths (dotted), or none if it passes.
fn kubernetes_validate(file: &Path) -> Option<Vec<String>> {
    let output = std::process::Command::new(external_tool("kubernetes-validate"))
        .args(["--strict", "--kubernetes-version", "1.33"])
        .arg(file)
        .output()
        .unwrap();
    if output.status.success() {
        return None;
    }
    let text = String::from_utf8_lossy(&output.stdout).into_owned()
        + &String::from_utf8_lossy(&output.stderr);
    Some(
        text.lines()
            .filter_map(|line| line.split_once(" against version 1.33: "))
            .map(|(_, rest)| rest.split(": ").next().unwrap_or_default().to_string())
            .collect(),
    )
}

/// kubernetes-validate prints paths dotted (`spec.ports.0.port`); keys may hold dots, so
/// compare in that form.
fn pointer_to_dotted(pointer: &str) -> String {
    pointer
        .split('/')
        .skip(1)
        .map(|part| part.replace("~1", "/").replace("~0", "~"))
        .collect::<Vec<_>>()
        .join(".")
}

fn stricter_than_kubernetes_validate() -> Vec<String> {
    std::fs::read_to_string(
        repo_root().join("tests/manifests/stricter-than-kubernetes-validate.txt"),
    )
    .unwrap()
    .lines()
    .filter(|line| !line.starts_with('#') && !line.trim().is_empty())
    .map(|line| line.split(':').next().unwrap().to_string())
    .collect()
}

/// Whatever kubernetes-validate --strict rejects, hfgen rejects too, at the same path; where
/// hfgen is stricter, tests/manifests/stricter-than-kubernetes-validate.txt says why.
#[test]
fn validate_agrees_with_kubernetes_validate_on_the_corpus() {
    let invalid = corpus("invalid");
    assert!(invalid.len() >= 20, "{} invalid cases", invalid.len());
    let stricter = stricter_than_kubernetes_validate();
    for file in &invalid {
        let name = file.file_name().unwrap().to_str().unwrap().to_string();
        let output = hfgen(&["validate", "--output", "json", file.to_str().unwrap()]);
        assert_eq!(
            output.status.code(),
            Some(1),
            "hfgen accepts {name}: {}",
            stderr(&output)
        );
        let report: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
        let paths: Vec<&str> = report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["path"].as_str().unwrap())
            .collect();
        match kubernetes_validate(file) {
            None => assert!(
                stricter.contains(&name),
                "kubernetes-validate accepts {name}, and it is not in stricter-than-kubernetes-validate.txt"
            ),
            Some(their_paths) => {
                assert!(!stricter.contains(&name), "{name} is listed as stricter, yet kubernetes-validate rejects it");
                for their_path in their_paths {
                    assert!(
                        paths.iter().any(|ours| pointer_to_dotted(ours) == their_path),
                        "{name}: kubernetes-validate reports {their_path:?}, hfgen only {paths:?}"
                    );
                }
            }
        }
    }
    for file in corpus("valid") {
        assert_eq!(kubernetes_validate(&file), None, "{}", file.display());
        let output = hfgen(&["validate", file.to_str().unwrap()]);
        assert_eq!(
            output.status.code(),
            Some(0),
            "{}: {}",
            file.display(),
            stdout(&output)
        );
    }
}

#[test]
fn ignore_missing_schemas_lets_unknown_kinds_pass() {
    let file = "tests/manifests/invalid/removed-rbac-v1beta1.yaml";
    assert_eq!(hfgen(&["validate", file]).status.code(), Some(1));
    let output = hfgen(&["validate", "--ignore-missing-schemas", file]);
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
    assert!(stdout(&output).contains("1 skipped"), "{}", stdout(&output));
}

/// The validators compiled into hfgen by jsonschema's macro report exactly what jsonschema's
/// run-time validator reports for the same vendored document, on every object of the
/// repository's YAML (golden files, the validation corpus with its broken objects, the
/// cross-object cases) in every Kubernetes version.
#[test]
fn compiled_schemas_report_what_the_run_time_validator_reports() {
    use hfgen::validate::kube_schema::{KubeSchemas, SUPPORTED_VERSIONS};
    use serde_json::Value;

    let documents: Vec<Value> = repository_yaml_files()
        .iter()
        .filter_map(|path| std::fs::read_to_string(path).ok())
        .filter_map(|text| serde_saphyr::from_multiple::<Value>(&text).ok())
        .flatten()
        .filter(Value::is_object)
        .collect();
    assert!(documents.len() > 100, "{} documents", documents.len());

    let mut errors = 0;
    for version in SUPPORTED_VERSIONS {
        let compiled = KubeSchemas::load(version).unwrap();
        let path = repo_root().join(format!("schema/kubernetes/v{version}.json"));
        let schema: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        let run_time = jsonschema::options()
            .should_validate_formats(false)
            .build(&schema)
            .unwrap();
        let compiled_kinds: Vec<(&str, &str)> = compiled.compiled_kinds().collect();
        for doc in &documents {
            let api_version = doc["apiVersion"].as_str().unwrap_or_default();
            let kind = doc["kind"].as_str().unwrap_or_default();
            if !compiled_kinds.contains(&(api_version, kind)) {
                continue;
            }
            let violations = compiled.validate(doc).unwrap();
            let mut actual: Vec<(String, String)> = violations
                .into_iter()
                .map(|v| (v.instance_path, v.message))
                .collect();
            let mut expected: Vec<(String, String)> = run_time
                .iter_errors(doc)
                .map(|e| (e.instance_path().to_string(), e.to_string()))
                .collect();
            actual.sort();
            expected.sort();
            expected.dedup();
            errors += expected.len();
            assert_eq!(actual, expected, "Kubernetes {version}: {doc}");
        }
    }
    assert!(
        errors >= 50,
        "the broken documents must have errors: {errors}"
    );
}

/// kubernetes-validate's report on one file of the every-kind corpus: the error path (dotted)
/// of every object it rejects, by the object's name.
fn kubernetes_validate_by_name(
    file: &Path,
    version: &str,
) -> std::collections::BTreeMap<String, String> {
    let output = std::process::Command::new(external_tool("kubernetes-validate"))
        .args(["--strict", "--quiet", "--kubernetes-version", version])
        .arg(file)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&output.stdout);
    let marker = format!(" against version {version}: ");
    text.lines()
        .filter_map(|line| {
            let (head, rest) = line.split_once(&marker)?;
            let name = head.rsplit_once('/')?.1.to_string();
            Some((
                name,
                rest.split(": ").next().unwrap_or_default().to_string(),
            ))
        })
        .collect()
}

/// Every kind of every supported version (tests/manifests/kinds/, written by
/// scripts/make-kind-corpus.py from the vendored schemas): hfgen and kubernetes-validate
/// --strict both accept the valid object of each kind, both reject each broken one (an unknown
/// field, a value of the wrong type), and hfgen reports the path kubernetes-validate reports.
#[test]
fn every_kind_agrees_with_kubernetes_validate() {
    use hfgen::validate::kube_schema::{KubeSchemas, SUPPORTED_VERSIONS};
    assert_corpus_is_fresh("scripts/make-kind-corpus.py", "tests/manifests/kinds");
    std::thread::scope(|scope| {
        for version in SUPPORTED_VERSIONS {
            scope.spawn(move || {
                let dir = repo_root().join("tests/manifests/kinds");
                let valid = dir.join(format!("v{version}-valid.yaml"));
                let invalid = dir.join(format!("v{version}-invalid.yaml"));

                // The corpus has an object of every kind hfgen knows (but the Lists).
                let text = std::fs::read_to_string(&valid).unwrap();
                let objects: Vec<(String, String)> = documents(&text)
                    .iter()
                    .map(|d| {
                        (
                            d["apiVersion"].as_str().unwrap().into(),
                            d["kind"].as_str().unwrap().into(),
                        )
                    })
                    .collect();
                let kinds: Vec<(String, String)> = KubeSchemas::load(version)
                    .unwrap()
                    .kinds()
                    .filter(|(_, kind)| !kind.ends_with("List"))
                    .map(|(a, k)| (a.to_string(), k.to_string()))
                    .collect();
                assert_eq!(objects, kinds, "Kubernetes {version}");
                assert!(
                    kinds.len() >= 60,
                    "Kubernetes {version}: {} kinds",
                    kinds.len()
                );

                // Schema-valid objects, most of them too bare for the API server's own rules.
                let ours = hfgen(&[
                    "validate",
                    "--schema-only",
                    "-k",
                    version,
                    valid.to_str().unwrap(),
                ]);
                assert_eq!(ours.status.code(), Some(0), "{version}: {}", stdout(&ours));
                assert_eq!(
                    kubernetes_validate_by_name(&valid, version),
                    Default::default()
                );

                let theirs = kubernetes_validate_by_name(&invalid, version);
                let output = hfgen(&[
                    "validate",
                    "-k",
                    version,
                    "-o",
                    "json",
                    invalid.to_str().unwrap(),
                ]);
                assert_eq!(output.status.code(), Some(1));
                let report: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
                let text = std::fs::read_to_string(&invalid).unwrap();
                let names: Vec<String> = documents(&text)
                    .iter()
                    .map(|d| d["metadata"]["name"].as_str().unwrap().to_string())
                    .collect();
                assert_eq!(
                    theirs.len(),
                    names.len(),
                    "{version}: kubernetes-validate rejects {} of {}",
                    theirs.len(),
                    names.len()
                );
                for name in &names {
                    let our_paths: Vec<String> = report["findings"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .filter(|f| f["object"].as_str().unwrap().ends_with(&format!("/{name}")))
                        .map(|f| pointer_to_dotted(f["path"].as_str().unwrap()))
                        .collect();
                    assert!(
                        our_paths.contains(&theirs[name]),
                        "{version} {name}: kubernetes-validate reports {:?}, hfgen {our_paths:?}",
                        theirs[name]
                    );
                }
            });
        }
    });
}

/// Empty standard input is a failure (nothing was validated); a blank file is a valid file of
/// no objects, even beside it.
#[test]
fn empty_stdin_fails_and_a_blank_file_passes() {
    let run = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_hfgen"))
            .args(args)
            .stdin(std::process::Stdio::null())
            .output()
            .unwrap()
    };
    let output = run(&["validate", "-"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("stdin: no YAML documents"),
        "{}",
        stderr(&output)
    );
    let output = run(&["validate", "tests/validate/blank.yaml", "-"]);
    assert_eq!(output.status.code(), Some(1));
    let output = run(&["validate", "tests/validate/blank.yaml"]);
    assert_eq!(output.status.code(), Some(0));
    assert!(stderr(&output).is_empty());
}

/// `--crd` input that is not a set of CustomResourceDefinitions is bad input (exit 2) with the
/// file and document named.
#[test]
fn bad_crd_input_is_exit_two() {
    for (crd, message) in [
        ("tests/validate/valid.yaml", "tests/validate/valid.yaml: document 1 is not a CustomResourceDefinition"),
        ("tests/validate/no-such-file.yaml", "--crd: cannot read tests/validate/no-such-file.yaml"),
        ("tests/validate/not-yaml.yaml", "--crd tests/validate/not-yaml.yaml:3: not valid YAML: unclosed bracket"),
        ("tests/validate/cross", "tests/validate/cross/engine-cannot-create-jobs.yaml: document 1 is not a CustomResourceDefinition"),
    ] {
        let output = hfgen(&["validate", "--crd", crd, "tests/validate/crd-keda.yaml"]);
        assert_eq!(output.status.code(), Some(2), "{crd}");
        assert!(stdout(&output).is_empty());
        assert!(stderr(&output).contains(message), "{crd}: {}", stderr(&output));
    }
}

/// The KEDA CRDs' schemas that hfgen compiles in (`schema/crds/keda/compiled/`) are what
/// `--crd` makes of the vendored CRDs: one draft-4 document per served kind and version.
/// `HFGEN_BLESS=1` regenerates them after the CRDs change.
#[test]
fn compiled_crd_schemas_are_made_from_the_vendored_crds() {
    let folder = repo_root().join("schema/crds/keda");
    let mut expected_files = Vec::new();
    for crd in yaml_files(&folder) {
        let origin = crd.strip_prefix(repo_root()).unwrap().display().to_string();
        let text = std::fs::read_to_string(&crd).unwrap();
        for served in hfgen::validate::crd::served_schemas(&origin, &text).unwrap() {
            let version = served.api_version.rsplit_once('/').unwrap().1;
            let name = format!("{}.{version}.json", served.kind);
            let mut document = serde_json::json!({
                "$schema": "http://json-schema.org/draft-04/schema#",
                "x-source": origin,
                "x-api-version": served.api_version,
                "x-kind": served.kind,
            });
            for (key, value) in served.schema.as_object().unwrap() {
                document[key] = value.clone();
            }
            let text = serde_json::to_string_pretty(&document).unwrap() + "\n";
            let path = folder.join("compiled").join(&name);
            if let Err(failure) = snapshot(&path, &text) {
                panic!("{failure}\nrun HFGEN_BLESS=1 cargo test --test validate compiled_crd");
            }
            expected_files.push(name);
        }
    }
    let mut committed: Vec<String> = std::fs::read_dir(folder.join("compiled"))
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    committed.sort();
    expected_files.sort();
    assert_eq!(committed, expected_files);
}

/// `kubectl kustomize` of an overlay that moves golden/gke's core render to namespace hf-test.
fn namespace_overlay() -> String {
    let dir = tempfile::tempdir().unwrap();
    let base = dir.path().join("base");
    hfgen_ok(&[
        "render",
        "-p",
        "gke",
        "--component",
        "core",
        "--out",
        base.to_str().unwrap(),
    ]);
    std::fs::write(
        dir.path().join("kustomization.yaml"),
        "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nnamespace: hf-test\nresources:\n  - base\n",
    )
    .unwrap();
    let lines = stdout_lines(
        std::process::Command::new(external_tool("kubectl"))
            .arg("kustomize")
            .arg(dir.path()),
        "kubectl kustomize",
    );
    lines.join("\n") + "\n"
}

/// `hfgen validate` reports references by namespace that a kustomize overlay left behind: the
/// namespace of every object changed, the PersistentVolume's claimRef, its NFS server name and
/// the engine's REDIS_URL did not.
#[test]
fn an_overlay_that_moves_the_namespace_is_reported_at_each_stale_reference() {
    let overlay = namespace_overlay();
    assert!(overlay.contains("namespace: hf-test"));
    let output = hfgen_with_stdin(&["validate", "-"], &overlay);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let report = stdout(&output);
    for expected in [
        "PersistentVolume/hyperflow-nfs: /spec/claimRef: claimRef names PersistentVolumeClaim nfs in namespace hyperflow, but this input has PersistentVolumeClaim nfs only in namespace hf-test",
        "PersistentVolume/hyperflow-nfs: /spec/nfs/server: the NFS server names Service nfs-server in namespace hyperflow, but this input has Service nfs-server only in namespace hf-test",
        "Job/hyperflow-engine: /spec/template/spec/containers/0/env/1/value: env REDIS_URL names Service redis in namespace hyperflow, but this input has Service redis only in namespace hf-test",
    ] {
        assert!(report.contains(expected), "missing: {expected}\n{report}");
    }
    assert!(report.contains("3 errors"), "{report}");
}

/// Annotations hold at most 256 KiB, keys and values together: one byte more is refused at
/// `metadata.annotations`, as the API server does.
#[test]
fn annotations_over_256_kib_are_refused() {
    let account = |value_bytes: usize| {
        format!(
            "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: big\n  annotations:\n    note: {}\n",
            "x".repeat(value_bytes)
        )
    };
    let limit = 256 * 1024 - "note".len();
    let output = hfgen_with_stdin(&["validate", "-"], &account(limit));
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
    let output = hfgen_with_stdin(&["validate", "-"], &account(limit + 1));
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stdout(&output).contains(
            "-:5:3: document 1 ServiceAccount/big: /metadata/annotations: Too long: must have at most 262144 bytes"
        ),
        "{}",
        stdout(&output)
    );
}

/// A corpus that `script` writes is what `script --check` would write now.
fn assert_corpus_is_fresh(script: &str, folder: &str) {
    let mut generator = std::process::Command::new(external_tool("python3"));
    generator.args([repo_root().join(script).to_str().unwrap(), "--check"]);
    let checked = generator.current_dir(repo_root()).output().unwrap();
    let why = String::from_utf8_lossy(&checked.stderr);
    assert!(
        checked.status.success(),
        "{folder} is stale: run python3 {script}: {why}"
    );
}

/// Cases from Kubernetes' own validation tests (tests/validate/kubernetes-corpus/, written by
/// scripts/make-k8s-rule-corpus.py with the source file of each): hfgen agrees with the
/// verdict of every one.
#[test]
fn validate_agrees_with_kubernetes_own_validation_tests() {
    assert_corpus_is_fresh(
        "scripts/make-k8s-rule-corpus.py",
        "tests/validate/kubernetes-corpus",
    );
    let (mut cases, mut disagreements) = (0, Vec::new());
    for file in yaml_files(&repo_root().join("tests/validate/kubernetes-corpus")) {
        let text = std::fs::read_to_string(&file).unwrap();
        let expected: Vec<&str> = text
            .lines()
            .filter_map(|line| line.strip_prefix("# expect: "))
            .collect();
        let output = hfgen(&["validate", "-o", "json", file.to_str().unwrap()]);
        let report: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
        assert_eq!(
            report["summary"]["documents"],
            expected.len(),
            "{}",
            file.display()
        );
        let refused: Vec<u64> = report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["document"].as_u64().unwrap())
            .collect();
        for (index, case) in expected.iter().enumerate() {
            cases += 1;
            let invalid = case.starts_with("invalid ");
            if invalid != refused.contains(&(index as u64 + 1)) {
                disagreements.push(format!("{} document {}: {case}", file.display(), index + 1));
            }
        }
    }
    println!(
        "agreement with Kubernetes' validation tests: {} of {cases} cases",
        cases - disagreements.len()
    );
    assert!(cases >= 300, "{cases} cases");
    assert!(disagreements.is_empty(), "{disagreements:#?}");
}
