//! References by name and namespace across the objects of one `hfgen validate` input: a
//! PersistentVolume's `claimRef`, an NFS volume's server `name.namespace.svc...`, a Service
//! host in an env URL (`redis://redis.hyperflow.svc.cluster.local:6379`), a pod's claim. A
//! kustomize overlay that changes the namespace rewrites `metadata.namespace` but none of these,
//! and every object stays valid on its own; the deployment then waits for a claim or a Service
//! that is not there.
//!
//! Only a reference whose target the input holds *in another namespace* is reported: a target
//! the input does not hold at all may live in the cluster already. Documents are not kept, only
//! these names, so `hfgen validate` still reads a long stream in flat memory.

use super::Finding;
use crate::diag::Code;
use crate::manifests::objects::url_host;
use crate::manifests::Document;
use serde_json::Value;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Service,
    Claim,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::Service => "Service",
            Kind::Claim => "PersistentVolumeClaim",
        }
    }
}

/// One reference: where it is written and what it names.
#[derive(Debug)]
struct Reference {
    document: usize,
    object: String,
    path: String,
    /// What the reference is, for the message: `claimRef`, `env REDIS_URL`, ...
    what: String,
    kind: Kind,
    namespace: String,
    name: String,
}

/// Names of the targets and the references of one input, collected document by document.
#[derive(Debug, Default)]
pub struct Collector {
    targets: Vec<(Kind, Option<String>, String)>,
    references: Vec<Reference>,
}

/// Where the pod spec of each workload kind is.
const POD_SPECS: &[(&str, &str)] = &[
    ("Pod", "/spec"),
    ("Deployment", "/spec/template/spec"),
    ("StatefulSet", "/spec/template/spec"),
    ("DaemonSet", "/spec/template/spec"),
    ("ReplicaSet", "/spec/template/spec"),
    ("ReplicationController", "/spec/template/spec"),
    ("Job", "/spec/template/spec"),
    ("CronJob", "/spec/jobTemplate/spec/template/spec"),
];

impl Collector {
    /// Notes what document `index` is and what it names.
    pub fn add(&mut self, index: usize, doc: &Document) {
        let namespace = doc.namespace().map(String::from);
        let mut refer = |path: String, what: String, kind: Kind, namespace: &str, name: &str| {
            self.references.push(Reference {
                document: index,
                object: doc.id(),
                path,
                what,
                kind,
                namespace: namespace.to_string(),
                name: name.to_string(),
            })
        };
        match doc.kind() {
            "Service" => {
                self.targets
                    .push((Kind::Service, namespace, doc.name().to_string()));
                return;
            }
            "PersistentVolumeClaim" => {
                self.targets
                    .push((Kind::Claim, namespace, doc.name().to_string()));
                return;
            }
            "PersistentVolume" => {
                let claim = doc.value.pointer("/spec/claimRef");
                let field = |key: &str| claim?.get(key)?.as_str();
                if let (Some(claim_namespace), Some(name)) = (field("namespace"), field("name")) {
                    refer(
                        "/spec/claimRef".into(),
                        "claimRef".into(),
                        Kind::Claim,
                        claim_namespace,
                        name,
                    );
                }
                let server = doc
                    .value
                    .pointer("/spec/nfs/server")
                    .and_then(Value::as_str);
                if let Some((name, service_namespace)) = server.and_then(service_host) {
                    refer(
                        "/spec/nfs/server".into(),
                        "the NFS server".into(),
                        Kind::Service,
                        service_namespace,
                        name,
                    );
                }
                return;
            }
            _ => {}
        }
        let (Some(namespace), Some((_, spec_path))) = (
            namespace,
            POD_SPECS.iter().find(|(kind, _)| *kind == doc.kind()),
        ) else {
            return;
        };
        let Some(spec) = doc.value.pointer(spec_path) else {
            return;
        };
        for (list, containers) in ["initContainers", "containers"]
            .iter()
            .filter_map(|list| Some((list, spec.get(list)?.as_array()?)))
        {
            for (c, container) in containers.iter().enumerate() {
                let env = container.get("env").and_then(Value::as_array);
                for (e, variable) in env.into_iter().flatten().enumerate() {
                    let value = variable.get("value").and_then(Value::as_str);
                    let Some(host) = value.and_then(url_host) else {
                        continue;
                    };
                    // A bare name is a Service of the pod's own namespace.
                    let (name, service_namespace) =
                        service_host(host).unwrap_or((host, namespace.as_str()));
                    let variable_name = variable.get("name").and_then(Value::as_str);
                    refer(
                        format!("{spec_path}/{list}/{c}/env/{e}/value"),
                        format!("env {}", variable_name.unwrap_or("?")),
                        Kind::Service,
                        service_namespace,
                        name,
                    );
                }
            }
        }
        let volumes = spec.get("volumes").and_then(Value::as_array);
        for (v, volume) in volumes.into_iter().flatten().enumerate() {
            let claim = volume.pointer("/persistentVolumeClaim/claimName");
            if let Some(name) = claim.and_then(Value::as_str) {
                refer(
                    format!("{spec_path}/volumes/{v}/persistentVolumeClaim/claimName"),
                    "the volume's claim".into(),
                    Kind::Claim,
                    &namespace,
                    name,
                );
            }
        }
    }

    /// Appends what the next piece of the same input collected; its documents are numbered
    /// from `offset` on.
    pub fn append(&mut self, other: Collector, offset: usize) {
        self.targets.extend(other.targets);
        self.references
            .extend(other.references.into_iter().map(|mut reference| {
                reference.document += offset;
                reference
            }));
    }

    /// The references of the input `file` whose target the input holds only in other
    /// namespaces.
    pub fn finish(self, file: &str) -> Vec<Finding> {
        let mut findings = Vec::new();
        for reference in self.references {
            let same_name = |(kind, _, name): &&(Kind, Option<String>, String)| {
                *kind == reference.kind && *name == reference.name
            };
            let elsewhere: Vec<&str> = self
                .targets
                .iter()
                .filter(same_name)
                .filter_map(|(_, namespace, _)| namespace.as_deref())
                .collect();
            let found = elsewhere.contains(&reference.namespace.as_str());
            if found || elsewhere.is_empty() {
                continue;
            }
            findings.push(Finding {
                code: Code::BrokenReference,
                file: file.to_string(),
                document: reference.document,
                object: reference.object,
                path: reference.path,
                message: format!(
                    "{} names {} {} in namespace {}, but this input has {} {} only in namespace {} (an overlay that changed the namespace without this reference?)",
                    reference.what,
                    reference.kind.name(),
                    reference.name,
                    reference.namespace,
                    reference.kind.name(),
                    reference.name,
                    elsewhere.join(", ")
                ),
                line: None,
                column: None,
            });
        }
        findings
    }
}

/// `(name, namespace)` of a Service's DNS name: `name.namespace`, `name.namespace.svc` or
/// `name.namespace.svc.<cluster domain>`.
fn service_host(host: &str) -> Option<(&str, &str)> {
    let mut labels = host.split('.');
    let name = labels.next()?;
    let namespace = labels.next()?;
    match labels.next() {
        None | Some("svc") => Some((name, namespace)),
        Some(_) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_service_names() {
        assert_eq!(
            service_host("redis.hf.svc.cluster.local"),
            Some(("redis", "hf"))
        );
        assert_eq!(service_host("redis.hf"), Some(("redis", "hf")));
        assert_eq!(service_host("example.org"), Some(("example", "org")));
        assert_eq!(service_host("www.example.org"), None);
        assert_eq!(service_host("redis"), None);
    }
}
