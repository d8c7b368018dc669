//! `hfgen validate` reports references by namespace that a kustomize overlay left behind:
//! the namespace of every object changed, the PersistentVolume's claimRef, its NFS server name
//! and the engine's REDIS_URL did not.

mod common;

use common::*;
use std::fs;
use std::process::{Command, Stdio};

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
    fs::write(
        dir.path().join("kustomization.yaml"),
        "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nnamespace: hf-test\nresources:\n  - base\n",
    )
    .unwrap();
    let lines = stdout_lines(
        Command::new(external_tool("kubectl"))
            .arg("kustomize")
            .arg(dir.path()),
        "kubectl kustomize",
    );
    lines.join("\n") + "\n"
}

fn validate_stdin(yaml: &str) -> std::process::Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_hfgen"))
        .args(["validate", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(yaml.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

#[test]
fn an_overlay_that_moves_the_namespace_is_reported_at_each_stale_reference() {
    let overlay = namespace_overlay();
    assert!(overlay.contains("namespace: hf-test"));
    let output = validate_stdin(&overlay);
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

#[test]
fn every_builtin_render_has_no_stale_reference() {
    for profile in builtin_profiles() {
        let yaml = hfgen_ok(&["render", "-p", profile]);
        let output = validate_stdin(&yaml);
        assert_eq!(
            output.status.code(),
            Some(0),
            "{profile}: {}",
            stdout(&output)
        );
    }
}
