//! `kubectl apply -k` on an `--out` folder applies the objects in hfgen's order: kustomize's
//! default sort by kind would put the NetworkPolicies after the pods they protect.

mod common;

use common::*;
use std::process::Command;

fn objects(yaml: &str) -> Vec<String> {
    documents(yaml)
        .iter()
        .map(|doc| format!("{}/{}", doc["kind"], doc["metadata"]["name"]))
        .collect()
}

#[test]
fn kustomize_keeps_the_apply_order_of_render() {
    let kubectl = external_tool("kubectl");
    for profile in builtin_profiles() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        hfgen_ok(&["render", "-p", profile, "--out", out.to_str().unwrap()]);
        let output = Command::new(&kubectl)
            .args(["kustomize", out.to_str().unwrap()])
            .output()
            .expect("kubectl runs");
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        let kustomized = objects(&String::from_utf8(output.stdout).unwrap());
        let rendered = objects(&hfgen_ok(&["render", "-p", profile]));
        assert_eq!(kustomized, rendered, "{profile}");
        let policy = kustomized.iter().position(|o| o.contains("NetworkPolicy"));
        let first_pod = kustomized.iter().position(|o| o.contains("Deployment"));
        assert!(policy < first_pod, "{profile}: {kustomized:?}");
    }
}
