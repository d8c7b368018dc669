//! The kind cluster config of a `platform = "kind"` profile: nodes carrying the labels the
//! pods select, the service range of the pinned NFS ClusterIP, and the kubelet's seccomp
//! default (worker pods get RuntimeDefault only from it; the engine's client drops theirs).

use crate::plan::Plan;
use serde_json::json;

// Worker nodes of each label set: upstream's README starts with one `hfmaster` and two
// `hfworker` nodes; the capacity check counts the same nodes.
use crate::plan::capacity::{KIND_MASTER_NODES as MASTER_NODES, KIND_WORKER_NODES as WORKER_NODES};

/// The kubeadm patch that turns on the kubelet's seccomp default on a joining node.
const SECCOMP_DEFAULT_JOIN: &str = "kind: JoinConfiguration\nnodeRegistration:\n  kubeletExtraArgs:\n    seccomp-default: \"true\"\n";

pub fn config(plan: &Plan) -> String {
    let worker = |labels: &indexmap::IndexMap<String, String>| {
        json!({
            "role": "worker",
            "labels": labels,
            "kubeadmConfigPatches": [SECCOMP_DEFAULT_JOIN],
        })
    };
    let mut nodes = vec![json!({"role": "control-plane"})];
    nodes.extend((0..MASTER_NODES).map(|_| worker(&plan.nodes.master)));
    nodes.extend((0..WORKER_NODES).map(|_| worker(&plan.nodes.worker)));
    let mut config = json!({
        "kind": "Cluster",
        "apiVersion": "kind.x-k8s.io/v1alpha4",
        "nodes": nodes,
    });
    if let Some(cidr) = &plan.nfs_addressing.service_cidr {
        config["networking"] = json!({"serviceSubnet": cidr});
    }
    serde_saphyr::to_string(&config).expect("a JSON value serialises as YAML")
}
