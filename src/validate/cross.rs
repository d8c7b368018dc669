//! Checks across objects, which no per-object schema can make: a Service that selects no
//! pod, a claim that binds to nothing, an engine that may not create Jobs.

use super::Finding;
use crate::diag::Code;
use crate::manifests::{Bundle, Document, Objects};
use serde_json::Value;

const ENGINE: &str = "hyperflow-engine";

/// The job template inside the ConfigMap, as the engine will use it (a pod spec of its own).
pub struct ExtraPod<'a> {
    /// The file and document that carry it.
    pub file: &'a str,
    pub document: usize,
    pub label: String,
    pub spec: &'a Value,
}

/// Every cross-object problem of `bundle`. `extra_pods` are pod specs that live inside other
/// objects (the worker Job template), checked for their references too.
pub fn check(bundle: &Bundle, extra_pods: &[ExtraPod<'_>]) -> Vec<Finding> {
    let objects = Objects::of(bundle);
    let mut findings = Vec::new();
    let documents: Vec<(&str, usize, &Document)> = bundle.located_documents().collect();
    let pods: Vec<PodTemplate<'_>> = documents
        .iter()
        .filter_map(|(file, index, doc)| {
            Some(PodTemplate {
                file,
                index: *index,
                owner: doc.id(),
                labels: doc.value.pointer("/spec/template/metadata/labels")?,
                spec: doc.value.pointer("/spec/template/spec")?,
            })
        })
        .collect();
    for (file, index, doc) in &documents {
        let mut finding = |path: &str, message: String| {
            findings.push(Finding::new(
                Code::BrokenReference,
                file,
                *index,
                doc,
                path,
                message,
            ));
        };
        match doc.kind() {
            "Service" => check_service(doc, &pods, &mut finding),
            "PersistentVolumeClaim" => check_claim(doc, &objects, &mut finding),
            "PersistentVolume" => check_volume(doc, &objects, &mut finding),
            "RoleBinding" | "ClusterRoleBinding" => check_binding(doc, &objects, &mut finding),
            _ => {}
        }
    }
    // Paths of a pod template are under /spec/template/spec; an extra pod is a spec already.
    let referencing = pods
        .iter()
        .map(|pod| {
            (
                pod.file,
                pod.index,
                &pod.owner,
                "/spec/template/spec",
                pod.spec,
            )
        })
        .chain(
            extra_pods
                .iter()
                .map(|pod| (pod.file, pod.document, &pod.label, "", pod.spec)),
        );
    for (file, document, object, prefix, spec) in referencing {
        for (path, message) in pod_references(spec, &objects) {
            findings.push(Finding {
                code: Code::BrokenReference,
                file: file.to_string(),
                document,
                object: object.clone(),
                path: format!("{prefix}{path}"),
                message,
                line: None,
                column: None,
            });
        }
    }
    if let Some(message) = engine_cannot_create_jobs(&objects) {
        let engine = documents
            .iter()
            .find(|(_, _, doc)| doc.kind() == "Job" && doc.name() == ENGINE);
        if let Some((file, index, doc)) = engine {
            findings.push(Finding::new(
                Code::BrokenReference,
                file,
                *index,
                doc,
                "/spec/template/spec/serviceAccountName",
                message,
            ));
        }
    }
    findings
}

struct PodTemplate<'a> {
    file: &'a str,
    index: usize,
    owner: String,
    labels: &'a Value,
    spec: &'a Value,
}

fn str_at<'a>(value: &'a Value, pointer: &str) -> Option<&'a str> {
    value.pointer(pointer).and_then(Value::as_str)
}

fn selects(selector: &serde_json::Map<String, Value>, labels: &Value) -> bool {
    selector
        .iter()
        .all(|(key, value)| labels.get(key) == Some(value))
}

fn check_service(doc: &Document, pods: &[PodTemplate<'_>], finding: &mut dyn FnMut(&str, String)) {
    let Some(selector) = doc
        .value
        .pointer("/spec/selector")
        .and_then(Value::as_object)
    else {
        finding(
            "/spec/selector",
            "the Service selects no pods (no selector)".into(),
        );
        return;
    };
    let selected: Vec<&PodTemplate<'_>> = pods
        .iter()
        .filter(|pod| selects(selector, pod.labels))
        .collect();
    if selected.is_empty() {
        finding(
            "/spec/selector",
            "the selector matches no pod template in the bundle".into(),
        );
        return;
    }
    let ports = doc
        .value
        .pointer("/spec/ports")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    for (index, port) in ports.iter().enumerate() {
        let target = port.get("targetPort").or_else(|| port.get("port"));
        let Some(target) = target else { continue };
        let found = selected
            .iter()
            .all(|pod| container_has_port(pod.spec, target));
        if !found {
            finding(
                &format!("/spec/ports/{index}/targetPort"),
                format!("targetPort {target} is not a container port of the selected pods"),
            );
        }
    }
}

fn container_has_port(spec: &Value, target: &Value) -> bool {
    let containers = spec.get("containers").and_then(Value::as_array);
    containers.into_iter().flatten().any(|container| {
        let ports = container.get("ports").and_then(Value::as_array);
        ports.into_iter().flatten().any(|port| match target {
            Value::String(name) => port.get("name").and_then(Value::as_str) == Some(name),
            number => port.get("containerPort") == Some(number),
        })
    })
}

/// What a pod refers to that must exist: ConfigMaps, claims and its ServiceAccount.
fn pod_references(spec: &Value, objects: &Objects<'_>) -> Vec<(String, String)> {
    let mut problems = Vec::new();
    let volumes = spec.get("volumes").and_then(Value::as_array);
    for (index, volume) in volumes.into_iter().flatten().enumerate() {
        if let Some(name) = str_at(volume, "/configMap/name") {
            if objects.find("ConfigMap", name).is_none() {
                problems.push((
                    format!("/volumes/{index}/configMap/name"),
                    format!("ConfigMap `{name}` is not in the bundle"),
                ));
            }
        }
        if let Some(name) = str_at(volume, "/persistentVolumeClaim/claimName") {
            let provided = objects
                .bundle
                .provided_claims
                .iter()
                .any(|claim| claim == name);
            if objects.find("PersistentVolumeClaim", name).is_none() && !provided {
                problems.push((
                    format!("/volumes/{index}/persistentVolumeClaim/claimName"),
                    format!("PersistentVolumeClaim `{name}` is not in the bundle"),
                ));
            }
        }
    }
    if let Some(name) = str_at(spec, "/serviceAccountName") {
        if objects.find("ServiceAccount", name).is_none() {
            problems.push((
                "/serviceAccountName".into(),
                format!("ServiceAccount `{name}` is not in the bundle"),
            ));
        }
    }
    problems
}

fn check_claim(claim: &Document, objects: &Objects<'_>, finding: &mut dyn FnMut(&str, String)) {
    let Some(volume_name) = str_at(&claim.value, "/spec/volumeName") else {
        return;
    };
    match objects.find("PersistentVolume", volume_name) {
        None => finding(
            "/spec/volumeName",
            format!("PersistentVolume `{volume_name}` is not in the bundle"),
        ),
        Some(volume) => {
            for (claim_path, volume_path, what) in [
                (
                    "/spec/resources/requests/storage",
                    "/spec/capacity/storage",
                    "size",
                ),
                ("/spec/accessModes", "/spec/accessModes", "access modes"),
                (
                    "/spec/storageClassName",
                    "/spec/storageClassName",
                    "storage class",
                ),
            ] {
                let claimed = claim.value.pointer(claim_path);
                let offered = volume.value.pointer(volume_path);
                if claimed != offered {
                    finding(
                        claim_path,
                        format!(
                            "{what} {} differs from PersistentVolume `{volume_name}` ({})",
                            show(claimed),
                            show(offered)
                        ),
                    );
                }
            }
        }
    }
}

fn show(value: Option<&Value>) -> String {
    value.map_or_else(|| "unset".into(), Value::to_string)
}

fn check_volume(volume: &Document, objects: &Objects<'_>, finding: &mut dyn FnMut(&str, String)) {
    let Some(claim_name) = str_at(&volume.value, "/spec/claimRef/name") else {
        finding(
            "/spec/claimRef",
            "the PersistentVolume has no claimRef: any matching claim of any namespace could bind it".into(),
        );
        return;
    };
    let claim_namespace = str_at(&volume.value, "/spec/claimRef/namespace");
    let claim = objects.find("PersistentVolumeClaim", claim_name);
    match claim {
        None => finding(
            "/spec/claimRef/name",
            format!(
                "claimRef names PersistentVolumeClaim `{claim_name}`, which is not in the bundle"
            ),
        ),
        Some(claim) if claim.namespace() != claim_namespace => finding(
            "/spec/claimRef/namespace",
            format!(
                "claimRef namespace {} differs from the claim's namespace {}",
                claim_namespace.unwrap_or("unset"),
                claim.namespace().unwrap_or("unset")
            ),
        ),
        Some(_) => {}
    }
}

fn check_binding(binding: &Document, objects: &Objects<'_>, finding: &mut dyn FnMut(&str, String)) {
    let subjects = binding.value.pointer("/subjects").and_then(Value::as_array);
    for (index, subject) in subjects.into_iter().flatten().enumerate() {
        if subject.get("kind").and_then(Value::as_str) != Some("ServiceAccount") {
            continue;
        }
        let name = str_at(subject, "/name").unwrap_or_default();
        if objects.find("ServiceAccount", name).is_none() {
            finding(
                &format!("/subjects/{index}/name"),
                format!("ServiceAccount `{name}` is not in the bundle"),
            );
        }
    }
    if str_at(&binding.value, "/roleRef/kind") == Some("Role") {
        let name = str_at(&binding.value, "/roleRef/name").unwrap_or_default();
        if objects.find("Role", name).is_none() {
            finding(
                "/roleRef/name",
                format!("Role `{name}` is not in the bundle"),
            );
        }
    }
}

/// The engine creates one Job per task; without that permission a workflow hangs.
fn engine_cannot_create_jobs(objects: &Objects<'_>) -> Option<String> {
    let engine = objects.find("Job", ENGINE)?;
    let account =
        str_at(&engine.value, "/spec/template/spec/serviceAccountName").unwrap_or("default");
    let namespace = engine.namespace();
    let bound = objects.bundle.documents().any(|binding| {
        let binds_account = binding
            .value
            .pointer("/subjects")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .any(|subject| {
                let kind = str_at(subject, "/kind");
                (kind == Some("ServiceAccount")
                    && str_at(subject, "/name") == Some(account)
                    && str_at(subject, "/namespace") == namespace)
                    || (kind == Some("Group")
                        && str_at(subject, "/name") == Some("system:serviceaccounts"))
            });
        binds_account && grants_job_creation(binding, objects)
    });
    (!bound).then(|| {
        format!(
            "the engine's ServiceAccount `{account}` is not bound to a Role that allows creating batch/jobs"
        )
    })
}

fn grants_job_creation(binding: &Document, objects: &Objects<'_>) -> bool {
    match binding.kind() {
        "ClusterRoleBinding" => str_at(&binding.value, "/roleRef/name") == Some("cluster-admin"),
        "RoleBinding" => {
            let role_name = str_at(&binding.value, "/roleRef/name").unwrap_or_default();
            let Some(role) = objects.find("Role", role_name) else {
                return false;
            };
            let rules = role.value.pointer("/rules").and_then(Value::as_array);
            rules.into_iter().flatten().any(|rule| {
                let has = |field: &str, wanted: &str| {
                    rule.get(field)
                        .and_then(Value::as_array)
                        .is_some_and(|items| items.iter().any(|i| i == wanted || i == "*"))
                };
                has("apiGroups", "batch") && has("resources", "jobs") && has("verbs", "create")
            })
        }
        _ => false,
    }
}
