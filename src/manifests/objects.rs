//! Read-only views of Kubernetes objects: pod templates, their containers, environment and
//! volumes, Service selectors and in-cluster addresses. The diagram links objects with them;
//! the validators read references and env through them.

use serde_json::{Map, Value};

/// Kinds whose objects run pods from `spec.template`.
const WORKLOAD_KINDS: &[&str] = &[
    "Deployment",
    "Job",
    "StatefulSet",
    "DaemonSet",
    "ReplicaSet",
];

pub fn is_workload(kind: &str) -> bool {
    WORKLOAD_KINDS.contains(&kind) || kind == "Pod"
}

/// The pod template of a workload (or the spec of a bare Pod): its labels and pod spec.
pub struct PodTemplate<'a> {
    pub labels: Option<&'a Map<String, Value>>,
    pub spec: &'a Value,
}

impl<'a> PodTemplate<'a> {
    pub fn of(object: &'a Value) -> Option<Self> {
        let kind = object
            .get("kind")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let (metadata, spec) = if kind == "Pod" {
            (object.get("metadata"), object.get("spec")?)
        } else {
            let template = object.pointer("/spec/template")?;
            (template.get("metadata"), template.get("spec")?)
        };
        let labels = metadata
            .and_then(|m| m.get("labels"))
            .and_then(Value::as_object);
        Some(PodTemplate { labels, spec })
    }

    pub fn containers(&self) -> impl Iterator<Item = &'a Value> {
        let spec = self.spec;
        ["initContainers", "containers"]
            .into_iter()
            .filter_map(move |key| spec.get(key).and_then(Value::as_array))
            .flatten()
    }

    /// Images of the pod's containers, in order.
    pub fn images(&self) -> Vec<&'a str> {
        self.containers()
            .filter_map(|c| c.get("image").and_then(Value::as_str))
            .collect()
    }

    /// The literal value of environment variable `name` in the first container that sets it.
    pub fn env(&self, name: &str) -> Option<&'a str> {
        self.env_vars().find(|(n, _)| *n == name).map(|(_, v)| v)
    }

    /// Every environment variable with a literal value: (name, value), in order.
    pub fn env_vars(&self) -> impl Iterator<Item = (&'a str, &'a str)> {
        self.containers()
            .filter_map(|c| c.get("env").and_then(Value::as_array))
            .flatten()
            .filter_map(|e| Some((e.get("name")?.as_str()?, e.get("value")?.as_str()?)))
    }

    pub fn volumes(&self) -> impl Iterator<Item = &'a Value> {
        self.spec
            .get("volumes")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
    }

    /// Where the containers mount volume `name` (first mount wins), with its subPath.
    pub fn mount_of(&self, volume: &str) -> Option<(&'a str, Option<&'a str>)> {
        self.mounts()
            .find(|m| m.get("name").and_then(Value::as_str) == Some(volume))
            .and_then(|m| {
                let path = m.get("mountPath")?.as_str()?;
                Some((path, m.get("subPath").and_then(Value::as_str)))
            })
    }

    fn mounts(&self) -> impl Iterator<Item = &'a Value> {
        self.containers()
            .filter_map(|c| c.get("volumeMounts").and_then(Value::as_array))
            .flatten()
    }

    pub fn service_account(&self) -> Option<&'a str> {
        self.spec.get("serviceAccountName").and_then(Value::as_str)
    }

    /// The volume and ConfigMap key that the file at `path` comes from, if a ConfigMap
    /// volume is mounted there (as the whole directory or as one key by subPath).
    pub fn config_map_file(&self, path: &str) -> Option<(&'a str, String)> {
        self.volumes().find_map(|volume| {
            let config_map = volume.pointer("/configMap/name")?.as_str()?;
            let name = volume.get("name")?.as_str()?;
            let (mount_path, sub_path) = self.mount_of(name)?;
            let key = match sub_path {
                Some(key) if mount_path == path => key.to_string(),
                None => path
                    .strip_prefix(mount_path.trim_end_matches('/'))?
                    .strip_prefix('/')?
                    .to_string(),
                Some(_) => return None,
            };
            Some((config_map, key))
        })
    }
}

/// True when every key of a Service's `selector` has the same value in `labels`.
/// An empty or missing selector selects nothing (Kubernetes leaves such Services alone).
pub fn selects(selector: Option<&Value>, labels: Option<&Map<String, Value>>) -> bool {
    let Some(selector) = selector.and_then(Value::as_object) else {
        return false;
    };
    let Some(labels) = labels else {
        return false;
    };
    !selector.is_empty() && selector.iter().all(|(k, v)| labels.get(k) == Some(v))
}

/// The host part of a URL such as `redis://user@redis.ns.svc.cluster.local:6379/0`.
pub fn url_host(url: &str) -> Option<&str> {
    let rest = url.split_once("://")?.1;
    let authority = rest.split(['/', '?', '#']).next()?;
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let host = match host_port.strip_prefix('[') {
        Some(v6) => v6.split(']').next()?,
        None => host_port.split(':').next()?,
    };
    (!host.is_empty()).then_some(host)
}

/// Whether `host` names the Service `name` in namespace `namespace` as seen from a pod in
/// `from_namespace`: `name` (same namespace), `name.ns`, `name.ns.svc` or
/// `name.ns.svc.<cluster domain>`, or the Service's pinned `clusterIP`.
pub fn host_is_service(host: &str, service: &Value, from_namespace: Option<&str>) -> bool {
    let name = service.pointer("/metadata/name").and_then(Value::as_str);
    let namespace = service
        .pointer("/metadata/namespace")
        .and_then(Value::as_str);
    let cluster_ip = service.pointer("/spec/clusterIP").and_then(Value::as_str);
    if cluster_ip.is_some_and(|ip| ip != "None" && ip == host) {
        return true;
    }
    let (Some(name), Some(namespace)) = (name, namespace) else {
        return false;
    };
    let host = host.trim_end_matches('.');
    let mut labels = host.split('.');
    if labels.next() != Some(name) {
        return false;
    }
    match labels.next() {
        None => from_namespace == Some(namespace),
        Some(ns) if ns == namespace => match labels.next() {
            None => true,
            Some("svc") => true,
            Some(_) => false,
        },
        Some(_) => false,
    }
}

/// The lines under a node's name: what a reader needs to recognise the object.
pub fn object_details(object: &Value) -> Vec<String> {
    let text = |pointer: &str| object.pointer(pointer).and_then(Value::as_str);
    let kind = text("/kind").unwrap_or_default();
    let mut details = Vec::new();
    if let Some(pod) = PodTemplate::of(object) {
        details.extend(pod.images().into_iter().map(str::to_string));
        return details;
    }
    match kind {
        "Service" => {
            if let Some(ip) = text("/spec/clusterIP") {
                details.push(format!("clusterIP {ip}"));
            }
            let ports: Vec<String> = object
                .pointer("/spec/ports")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(|p| p.get("port").map(|port| port.to_string()))
                .collect();
            if !ports.is_empty() {
                details.push(format!("ports {}", ports.join(", ")));
            }
        }
        "PersistentVolume" => {
            if let (Some(server), Some(path)) = (text("/spec/nfs/server"), text("/spec/nfs/path")) {
                details.push(format!("nfs {server}:{path}"));
            }
            details.extend(text("/spec/capacity/storage").map(str::to_string));
        }
        "PersistentVolumeClaim" => {
            details.extend(text("/spec/resources/requests/storage").map(str::to_string));
            details.extend(
                text("/spec/storageClassName")
                    .filter(|c| !c.is_empty())
                    .map(|c| format!("class {c}")),
            );
        }
        "ConfigMap" => {
            let keys = object
                .get("data")
                .and_then(Value::as_object)
                .into_iter()
                .flatten();
            details.extend(keys.map(|(key, _)| key.clone()));
        }
        "Role" | "ClusterRole" => {
            let rules = object
                .get("rules")
                .and_then(Value::as_array)
                .into_iter()
                .flatten();
            for rule in rules {
                let list = |key: &str| -> String {
                    let items = rule
                        .get(key)
                        .and_then(Value::as_array)
                        .into_iter()
                        .flatten();
                    items
                        .filter_map(Value::as_str)
                        .collect::<Vec<_>>()
                        .join(",")
                };
                details.push(format!("{} {}", list("verbs"), list("resources")));
            }
        }
        _ => {}
    }
    details
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn url_hosts() {
        assert_eq!(
            url_host("redis://redis.hf.svc.cluster.local:6379"),
            Some("redis.hf.svc.cluster.local")
        );
        assert_eq!(url_host("redis://:pw@redis:6379/0"), Some("redis"));
        assert_eq!(url_host("http://[fd00::1]:80"), Some("fd00::1"));
        assert_eq!(url_host("redis"), None);
        assert_eq!(url_host("redis://:6379"), None);
    }

    #[test]
    fn service_addresses() {
        let service = json!({"metadata": {"name": "nfs-server", "namespace": "hf"},
                             "spec": {"clusterIP": "10.96.100.100"}});
        for host in [
            "nfs-server.hf.svc.cluster.local",
            "nfs-server.hf.svc",
            "nfs-server.hf",
            "10.96.100.100",
        ] {
            assert!(host_is_service(host, &service, None), "{host}");
        }
        assert!(host_is_service("nfs-server", &service, Some("hf")));
        for host in [
            "nfs-server",
            "nfs-server.other.svc.cluster.local",
            "redis.hf",
            "10.96.100.101",
            "nfs-server.hf.pod",
        ] {
            assert!(!host_is_service(host, &service, Some("other")), "{host}");
        }
    }

    #[test]
    fn selectors() {
        let labels = json!({"app": "redis", "tier": "db"});
        let labels = labels.as_object();
        assert!(selects(Some(&json!({"app": "redis"})), labels));
        assert!(!selects(Some(&json!({"app": "nfs"})), labels));
        assert!(!selects(Some(&json!({})), labels));
        assert!(!selects(None, labels));
    }
}
