//! The kinds people apply most: their metadata, workload specs and the rules each kind's
//! `Validate<Kind>` adds to its schema.

use super::names;
use super::pod;
use super::{cron, entries, items, text, At, Errs};
use crate::quantity;
use serde_json::Value;
use std::collections::HashSet;

const RBAC_GROUP: &str = "rbac.authorization.k8s.io";
const ALWAYS: &[&str] = &["Always"];
const JOB_RESTART: &[&str] = &["OnFailure", "Never"];
const PROTOCOLS: &[&str] = &["SCTP", "TCP", "UDP"];
/// Annotations may hold at most 256 KiB, keys and values together.
const MAX_ANNOTATIONS_BYTES: usize = 256 * 1024;
/// ConfigMaps and Secrets hold at most 1 MiB of data.
const MAX_DATA_BYTES: usize = 1024 * 1024;

/// How a kind's names are checked.
#[derive(Clone, Copy)]
enum NameRule {
    Subdomain,
    Label,
    Dns1035,
    PathSegment,
}

pub fn check(errs: &mut Errs, object: &Value) {
    let group = text(&object["apiVersion"])
        .rsplit_once('/')
        .map_or("", |(group, _)| group);
    let kind = text(&object["kind"]);
    let Some(name_rule) = name_rule(group, kind) else {
        return;
    };
    let root = At::root();
    metadata(errs, &root.key("metadata"), &object["metadata"], name_rule);
    let spec = &object["spec"];
    let at = root.key("spec");
    match (group, kind) {
        ("apps", "Deployment") => deployment(errs, &at, spec),
        ("apps", "StatefulSet" | "DaemonSet" | "ReplicaSet") => controller(errs, &at, spec, kind),
        ("batch", "Job") => job(errs, &at, spec, object),
        ("batch", "CronJob") => cron_job(errs, &at, spec, object),
        ("", "Service") => service(errs, &at, spec),
        ("", "ConfigMap") => config_map(errs, object),
        ("", "Secret") => secret(errs, object),
        ("", "PersistentVolumeClaim") => claim(errs, &at, spec),
        ("", "PersistentVolume") => volume(errs, &at, spec),
        (RBAC_GROUP, "Role" | "ClusterRole") => role(errs, object, kind == "Role"),
        (RBAC_GROUP, "RoleBinding" | "ClusterRoleBinding") => binding(errs, object, kind),
        ("networking.k8s.io", "NetworkPolicy") => network_policy(errs, &at, spec),
        ("networking.k8s.io", "Ingress") => ingress(errs, &at, spec),
        ("autoscaling", "HorizontalPodAutoscaler") => autoscaler(errs, &at, spec),
        ("policy", "PodDisruptionBudget") => disruption_budget(errs, &at, spec),
        _ => {}
    }
}

/// The kinds covered, and how each names its objects.
fn name_rule(group: &str, kind: &str) -> Option<NameRule> {
    Some(match (group, kind) {
        ("", "Namespace") => NameRule::Label,
        ("", "Service") => NameRule::Dns1035,
        (RBAC_GROUP, "Role" | "ClusterRole" | "RoleBinding" | "ClusterRoleBinding")
        | ("autoscaling", "HorizontalPodAutoscaler") => NameRule::PathSegment,
        ("apps", "Deployment" | "StatefulSet" | "DaemonSet" | "ReplicaSet")
        | ("batch", "Job" | "CronJob")
        | (
            "",
            "ConfigMap"
            | "Secret"
            | "PersistentVolumeClaim"
            | "PersistentVolume"
            | "ServiceAccount",
        )
        | ("networking.k8s.io", "NetworkPolicy" | "Ingress")
        | ("policy", "PodDisruptionBudget") => NameRule::Subdomain,
        _ => return None,
    })
}

/// `ValidateObjectMeta`: the name, the namespace, labels and annotations.
fn metadata(errs: &mut Errs, at: &At, metadata: &Value, rule: NameRule) {
    let name = text(&metadata["name"]);
    if name.is_empty() {
        if text(&metadata["generateName"]).is_empty() {
            errs.required(&at.key("name"), "name or generateName is required");
        }
    } else {
        let messages = match rule {
            NameRule::Subdomain => names::dns1123_subdomain(name),
            NameRule::Label => names::dns1123_label(name),
            NameRule::Dns1035 => names::dns1035_label(name),
            NameRule::PathSegment => names::path_segment_name(name),
        };
        errs.each_invalid(&at.key("name"), name, messages);
    }
    if let Some(namespace) = metadata["namespace"].as_str() {
        let messages = names::dns1123_label(namespace);
        errs.each_invalid(&at.key("namespace"), namespace, messages);
    }
    labels(errs, &at.key("labels"), &metadata["labels"]);
    annotations(errs, &at.key("annotations"), &metadata["annotations"]);
}

/// `ValidateLabels`: qualified-name keys, label values (also node selectors).
pub fn labels(errs: &mut Errs, at: &At, labels: &Value) {
    for (key, value) in entries(labels) {
        let at = at.key(key);
        errs.each_invalid(&at, key, names::qualified_name(key));
        if let Some(value) = value.as_str() {
            errs.each_invalid(&at, value, names::label_value(value));
        }
    }
}

fn annotations(errs: &mut Errs, at: &At, annotations: &Value) {
    let mut total = 0;
    for (key, value) in entries(annotations) {
        total += key.len() + text(value).len();
        let messages = names::qualified_name(&key.to_lowercase());
        errs.each_invalid(&at.key(key), key, messages);
    }
    if total > MAX_ANNOTATIONS_BYTES {
        errs.too_long(at, MAX_ANNOTATIONS_BYTES);
    }
}

/// A `metav1.LabelSelector`; whether it selects anything at all.
fn selector(errs: &mut Errs, at: &At, selector: &Value) -> bool {
    labels(errs, &at.key("matchLabels"), &selector["matchLabels"]);
    for (index, requirement) in items(&selector["matchExpressions"]) {
        let at = at.key("matchExpressions").index(index);
        let key = text(&requirement["key"]);
        errs.each_invalid(&at.key("key"), key, names::qualified_name(key));
        let values = requirement["values"].as_array().map_or(0, Vec::len);
        match text(&requirement["operator"]) {
            "In" | "NotIn" if values == 0 => errs.required(
                &at.key("values"),
                "must be specified when `operator` is 'In' or 'NotIn'",
            ),
            "Exists" | "DoesNotExist" if values > 0 => errs.forbidden(
                &at.key("values"),
                "may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
            ),
            "In" | "NotIn" | "Exists" | "DoesNotExist" => {}
            _ => errs.invalid(
                &at.key("operator"),
                &requirement["operator"],
                "not a valid selector operator",
            ),
        }
    }
    let count = |key: &str| {
        selector[key]
            .as_object()
            .map(|m| m.len())
            .or_else(|| selector[key].as_array().map(Vec::len))
            .unwrap_or(0)
    };
    count("matchLabels") + count("matchExpressions") > 0
}

/// Whether `labels` satisfy `selector` (matchLabels and matchExpressions).
fn selects(selector: &Value, labels: &Value) -> bool {
    let label = |key: &str| labels[key].as_str();
    let by_labels = entries(&selector["matchLabels"]).all(|(k, v)| label(k) == v.as_str());
    by_labels
        && items(&selector["matchExpressions"]).all(|(_, requirement)| {
            let key = text(&requirement["key"]);
            let listed =
                |value: &str| items(&requirement["values"]).any(|(_, v)| v.as_str() == Some(value));
            match (text(&requirement["operator"]), label(key)) {
                ("In", Some(value)) => listed(value),
                ("NotIn", Some(value)) => !listed(value),
                ("NotIn" | "DoesNotExist", None) => true,
                ("Exists", Some(_)) => true,
                _ => false,
            }
        })
}

/// The selector of a workload and its pod template's labels; `empty` words an empty selector
/// (`None`: the API server requires a non-empty one without saying more).
fn selector_and_template(errs: &mut Errs, at: &At, spec: &Value, empty: Option<&str>) {
    let template_labels = &spec["template"]["metadata"]["labels"];
    labels(
        errs,
        &at.key("template").key("metadata").key("labels"),
        template_labels,
    );
    let sel = &spec["selector"];
    if sel.is_null() {
        errs.required(&at.key("selector"), "");
        return;
    }
    if !selector(errs, &at.key("selector"), sel) {
        match empty {
            Some(message) => errs.invalid(&at.key("selector"), sel, message),
            None => errs.required(&at.key("selector"), ""),
        }
    } else if !selects(sel, template_labels) {
        let at = at.key("template").key("metadata").key("labels");
        let shown = go_map(template_labels);
        errs.push(
            &at,
            format!("Invalid value: {shown}: `selector` does not match template `labels`"),
        );
    }
}

/// A label map as Go's `%#v` prints it: `map[string]string{"app":"web"}`.
fn go_map(labels: &Value) -> String {
    let mut pairs: Vec<(&String, &str)> = entries(labels).map(|(k, v)| (k, text(v))).collect();
    pairs.sort();
    let inner: Vec<String> = pairs.iter().map(|(k, v)| format!("{k:?}:{v:?}")).collect();
    format!("map[string]string{{{}}}", inner.join(", "))
}

fn template(errs: &mut Errs, at: &At, spec: &Value, restart: &[&str]) {
    let at = at.key("template").key("spec");
    pod::spec(errs, &at, &spec["template"]["spec"], Some(restart));
}

fn deployment(errs: &mut Errs, at: &At, spec: &Value) {
    errs.at_least(&at.key("replicas"), &spec["replicas"], 0);
    selector_and_template(
        errs,
        at,
        spec,
        Some("empty selector is invalid for deployment"),
    );
    template(errs, at, spec, ALWAYS);
    strategy(errs, &at.key("strategy"), &spec["strategy"]);
    errs.at_least(&at.key("minReadySeconds"), &spec["minReadySeconds"], 0);
    errs.at_least(
        &at.key("revisionHistoryLimit"),
        &spec["revisionHistoryLimit"],
        0,
    );
    let deadline = &spec["progressDeadlineSeconds"];
    errs.at_least(&at.key("progressDeadlineSeconds"), deadline, 0);
    if let Some(seconds) = deadline.as_i64() {
        if seconds <= spec["minReadySeconds"].as_i64().unwrap_or(0) {
            errs.invalid(
                &at.key("progressDeadlineSeconds"),
                deadline,
                "must be greater than minReadySeconds",
            );
        }
    }
}

fn strategy(errs: &mut Errs, at: &At, strategy: &Value) {
    errs.one_of(
        &at.key("type"),
        &strategy["type"],
        &["Recreate", "RollingUpdate"],
    );
    let rolling = &strategy["rollingUpdate"];
    if text(&strategy["type"]) == "Recreate" && !rolling.is_null() {
        errs.forbidden(
            &at.key("rollingUpdate"),
            "may not be specified when strategy `type` is 'Recreate'",
        );
        return;
    }
    let at = at.key("rollingUpdate");
    int_or_percent(errs, &at.key("maxUnavailable"), &rolling["maxUnavailable"]);
    int_or_percent(errs, &at.key("maxSurge"), &rolling["maxSurge"]);
    if is_zero(&rolling["maxUnavailable"]) && is_zero(&rolling["maxSurge"]) {
        errs.invalid(
            &at.key("maxUnavailable"),
            &rolling["maxUnavailable"],
            "may not be 0 when `maxSurge` is 0",
        );
    }
}

fn is_zero(value: &Value) -> bool {
    value.as_i64() == Some(0) || value.as_str() == Some("0%")
}

/// An IntOrString count or percentage: not negative, a percentage `N%` of at most 100.
fn int_or_percent(errs: &mut Errs, at: &At, value: &Value) {
    if value.is_number() {
        errs.at_least(at, value, 0);
        return;
    }
    let Some(text) = value.as_str() else { return };
    // `[0-9]+%`: Rust's parse would also take a sign.
    let digits = text
        .strip_suffix('%')
        .filter(|d| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit()));
    match digits.map(str::parse::<u64>) {
        Some(Ok(percent)) if percent > 100 => errs.invalid(at, value, "must not be greater than 100%"),
        Some(Ok(_)) => {}
        _ => errs.invalid(
            at,
            value,
            "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')",
        ),
    }
}

fn controller(errs: &mut Errs, at: &At, spec: &Value, kind: &str) {
    errs.at_least(&at.key("replicas"), &spec["replicas"], 0);
    errs.at_least(&at.key("minReadySeconds"), &spec["minReadySeconds"], 0);
    let empty = match kind {
        "StatefulSet" => Some("empty selector is invalid for statefulset"),
        "DaemonSet" => Some("empty selector is invalid for daemonset"),
        _ => None,
    };
    selector_and_template(errs, at, spec, empty);
    template(errs, at, spec, ALWAYS);
    let update = &at.key("updateStrategy").key("type");
    let update_type = &spec["updateStrategy"]["type"];
    match kind {
        "StatefulSet" => {
            errs.one_of(update, update_type, &["OnDelete", "RollingUpdate"]);
            let policy = &spec["podManagementPolicy"];
            errs.one_of(
                &at.key("podManagementPolicy"),
                policy,
                &["OrderedReady", "Parallel"],
            );
        }
        "DaemonSet" => errs.one_of(update, update_type, &["OnDelete", "RollingUpdate"]),
        _ => {}
    }
}

fn job(errs: &mut Errs, at: &At, spec: &Value, object: &Value) {
    // The API server labels the Job's pods with its name, so the name is a label value too.
    name_at_most(errs, object, 63);
    job_spec(errs, at, spec);
}

/// A kind whose names are shorter than the DNS subdomains of other objects.
fn name_at_most(errs: &mut Errs, object: &Value, max: usize) {
    let name = &object["metadata"]["name"];
    if text(name).len() > max {
        let at = At::root().key("metadata").key("name");
        errs.invalid(&at, name, format!("must be no more than {max} characters"));
    }
}

fn job_spec(errs: &mut Errs, at: &At, spec: &Value) {
    for field in ["parallelism", "completions", "backoffLimit"] {
        errs.at_least(&at.key(field), &spec[field], 0);
    }
    errs.at_least_int64(
        &at.key("activeDeadlineSeconds"),
        &spec["activeDeadlineSeconds"],
        0,
    );
    errs.one_of(
        &at.key("completionMode"),
        &spec["completionMode"],
        &["NonIndexed", "Indexed"],
    );
    if !spec["selector"].is_null() {
        selector(errs, &at.key("selector"), &spec["selector"]);
    }
    let template_labels = &spec["template"]["metadata"]["labels"];
    labels(
        errs,
        &at.key("template").key("metadata").key("labels"),
        template_labels,
    );
    template(errs, at, spec, JOB_RESTART);
}

fn cron_job(errs: &mut Errs, at: &At, spec: &Value, object: &Value) {
    // Its Jobs are named `<name>-<11 digits>`, and their names must be label values.
    name_at_most(errs, object, 52);
    match spec["schedule"].as_str() {
        None | Some("") => errs.required(&at.key("schedule"), ""),
        Some(schedule) => {
            if let Some(problem) = cron::schedule_problem(schedule) {
                errs.invalid(&at.key("schedule"), &spec["schedule"], problem);
            }
        }
    }
    let policy = &spec["concurrencyPolicy"];
    errs.one_of(
        &at.key("concurrencyPolicy"),
        policy,
        &["Allow", "Forbid", "Replace"],
    );
    errs.at_least_int64(
        &at.key("startingDeadlineSeconds"),
        &spec["startingDeadlineSeconds"],
        0,
    );
    for field in ["successfulJobsHistoryLimit", "failedJobsHistoryLimit"] {
        errs.at_least(&at.key(field), &spec[field], 0);
    }
    let job_at = at.key("jobTemplate");
    labels(
        errs,
        &job_at.key("metadata").key("labels"),
        &spec["jobTemplate"]["metadata"]["labels"],
    );
    job_spec(errs, &job_at.key("spec"), &spec["jobTemplate"]["spec"]);
}

fn service(errs: &mut Errs, at: &At, spec: &Value) {
    const TYPES: &[&str] = &["ClusterIP", "ExternalName", "LoadBalancer", "NodePort"];
    errs.one_of(&at.key("type"), &spec["type"], TYPES);
    let kind = spec["type"].as_str().unwrap_or("ClusterIP");
    let headless = text(&spec["clusterIP"]) == "None";
    let ports = spec["ports"].as_array().map_or(0, Vec::len);
    if ports == 0 && !headless && kind != "ExternalName" {
        errs.required(&at.key("ports"), "");
    }
    if kind == "ExternalName" {
        match text(&spec["externalName"]) {
            "" => errs.required(&at.key("externalName"), ""),
            name => {
                let name = name.strip_suffix('.').unwrap_or(name);
                errs.each_invalid(
                    &at.key("externalName"),
                    name,
                    names::dns1123_subdomain(name),
                );
            }
        }
    }
    let mut seen = HashSet::new();
    for (index, port) in items(&spec["ports"]) {
        service_port(
            errs,
            &at.key("ports").index(index),
            port,
            ports > 1,
            kind,
            &mut seen,
        );
    }
    labels(errs, &at.key("selector"), &spec["selector"]);
    errs.one_of(
        &at.key("sessionAffinity"),
        &spec["sessionAffinity"],
        &["ClientIP", "None"],
    );
    let policy = &spec["externalTrafficPolicy"];
    errs.one_of(
        &at.key("externalTrafficPolicy"),
        policy,
        &["Cluster", "Local"],
    );
}

fn service_port<'a>(
    errs: &mut Errs,
    at: &At,
    port: &'a Value,
    several: bool,
    kind: &str,
    seen: &mut HashSet<&'a str>,
) {
    match text(&port["name"]) {
        "" if several => errs.required(&at.key("name"), ""),
        "" => {}
        name if !seen.insert(name) => errs.duplicate(&at.key("name"), name),
        name => errs.each_invalid(&at.key("name"), name, names::dns1123_label(name)),
    }
    errs.port_number(&at.key("port"), &port["port"]);
    errs.one_of(&at.key("protocol"), &port["protocol"], PROTOCOLS);
    target_port(errs, &at.key("targetPort"), &port["targetPort"]);
    if !port["nodePort"].is_null() {
        if kind != "NodePort" && kind != "LoadBalancer" {
            errs.forbidden(
                &at.key("nodePort"),
                &format!("may not be used when `type` is '{kind}'"),
            );
        } else {
            errs.port_number(&at.key("nodePort"), &port["nodePort"]);
        }
    }
}

/// A port by number or by a container port's name.
fn target_port(errs: &mut Errs, at: &At, value: &Value) {
    match value.as_str() {
        Some(name) => errs.each_invalid(at, name, names::port_name(name)),
        None => errs.port_number(at, value),
    }
}

/// Data keys, a key in both `data` and `binaryData`, the total size. Each field is named with
/// whether its values are base64, whose decoded bytes are what count.
fn data_keys(errs: &mut Errs, object: &Value, data_fields: &[(&str, bool)]) {
    let mut total = 0;
    let mut seen = HashSet::new();
    for (field, base64) in data_fields {
        for (key, value) in entries(&object[*field]) {
            let at = At::root().key(field).key(key);
            let length = text(value).len();
            total += if *base64 { length / 4 * 3 } else { length };
            errs.each_invalid(&at, key, names::config_map_key(key));
            if !seen.insert(key) {
                errs.invalid(
                    &at,
                    &Value::String(key.clone()),
                    format!("duplicate of key present in {}", data_fields[0].0),
                );
            }
        }
    }
    if total > MAX_DATA_BYTES {
        errs.too_long(&At::root(), MAX_DATA_BYTES);
    }
}

fn config_map(errs: &mut Errs, object: &Value) {
    data_keys(errs, object, &[("data", false), ("binaryData", true)]);
}

fn secret(errs: &mut Errs, object: &Value) {
    data_keys(errs, object, &[("data", true), ("stringData", false)]);
    for (key, value) in entries(&object["data"]) {
        if value.as_str().is_some_and(|v| !is_base64(v)) {
            errs.invalid(
                &At::root().key("data").key(key),
                value,
                "illegal base64 data",
            );
        }
    }
    let has = |key: &str| !object["data"][key].is_null() || !object["stringData"][key].is_null();
    let required: &[&str] = match text(&object["type"]) {
        "kubernetes.io/tls" => &["tls.crt", "tls.key"],
        "kubernetes.io/dockerconfigjson" => &[".dockerconfigjson"],
        "kubernetes.io/dockercfg" => &[".dockercfg"],
        "kubernetes.io/ssh-auth" => &["ssh-privatekey"],
        _ => &[],
    };
    for key in required.iter().filter(|key| !has(key)) {
        errs.required(&At::root().key("data").key(key), "");
    }
}

/// Standard base64 with padding, as Go's encoding/json reads `[]byte` (which skips line
/// breaks, so a folded block scalar is fine).
fn is_base64(text: &str) -> bool {
    let text: String = text.chars().filter(|c| *c != '\n' && *c != '\r').collect();
    let body = text.trim_end_matches('=');
    text.len().is_multiple_of(4)
        && text.len() - body.len() <= 2
        && body
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'+' || b == b'/')
}

fn access_modes(errs: &mut Errs, at: &At, modes: &Value) {
    let mut supported = vec!["ReadOnlyMany", "ReadWriteMany", "ReadWriteOnce"];
    // ReadWriteOncePod is on by default from 1.27.
    if errs.version.minor >= 27 {
        supported.push("ReadWriteOncePod");
    }
    if modes.as_array().is_none_or(Vec::is_empty) {
        errs.required(at, "at least 1 access mode is required");
    }
    for (index, mode) in items(modes) {
        errs.one_of(&at.index(index), mode, &supported);
    }
}

/// A storage amount that must be given and above zero.
fn storage(errs: &mut Errs, at: &At, amount: &Value, required_at: &At) {
    match quantity::text_of(amount) {
        None => errs.required(required_at, ""),
        Some(text) => match quantity::parse(&text) {
            None => errs.invalid(at, amount, quantity::FORMAT_ERROR),
            Some(q) if q.0 <= 0 => errs.invalid(at, amount, "must be greater than zero"),
            Some(_) => {}
        },
    }
}

fn claim(errs: &mut Errs, at: &At, spec: &Value) {
    access_modes(errs, &at.key("accessModes"), &spec["accessModes"]);
    let requests = at.key("resources").key("requests");
    storage(
        errs,
        &requests.key("storage"),
        &spec["resources"]["requests"]["storage"],
        &requests,
    );
    errs.one_of(
        &at.key("volumeMode"),
        &spec["volumeMode"],
        &["Block", "Filesystem"],
    );
}

/// The volume sources a PersistentVolume may name, one of which it must.
const VOLUME_SOURCES: &[&str] = &[
    "awsElasticBlockStore",
    "azureDisk",
    "azureFile",
    "cephfs",
    "cinder",
    "csi",
    "fc",
    "flexVolume",
    "flocker",
    "gcePersistentDisk",
    "glusterfs",
    "hostPath",
    "iscsi",
    "local",
    "nfs",
    "photonPersistentDisk",
    "portworxVolume",
    "quobyte",
    "rbd",
    "scaleIO",
    "storageos",
    "vsphereVolume",
];

fn volume(errs: &mut Errs, at: &At, spec: &Value) {
    access_modes(errs, &at.key("accessModes"), &spec["accessModes"]);
    let capacity = at.key("capacity");
    storage(
        errs,
        &capacity.key("storage"),
        &spec["capacity"]["storage"],
        &capacity,
    );
    let policy = &spec["persistentVolumeReclaimPolicy"];
    let reclaim = at.key("persistentVolumeReclaimPolicy");
    errs.one_of(&reclaim, policy, &["Delete", "Recycle", "Retain"]);
    errs.one_of(
        &at.key("volumeMode"),
        &spec["volumeMode"],
        &["Block", "Filesystem"],
    );
    let sources: Vec<&&str> = VOLUME_SOURCES
        .iter()
        .filter(|source| !spec[**source].is_null())
        .collect();
    match sources.len() {
        0 => errs.required(at, "must specify a volume type"),
        1 => {}
        _ => errs.forbidden(
            &at.key(sources[1]),
            "may not specify more than 1 volume type",
        ),
    }
    if !spec["local"].is_null() && spec["nodeAffinity"].is_null() {
        errs.required(
            &at.key("nodeAffinity"),
            "Local volume requires node affinity",
        );
    }
    if !spec["hostPath"].is_null() && text(&spec["hostPath"]["path"]).is_empty() {
        errs.required(&at.key("hostPath").key("path"), "");
    }
}

fn role(errs: &mut Errs, object: &Value, namespaced: bool) {
    for (index, rule) in items(&object["rules"]) {
        let at = At::root().key("rules").index(index);
        let count = |key: &str| rule[key].as_array().map_or(0, Vec::len);
        if count("verbs") == 0 {
            errs.required(&at.key("verbs"), "verbs must contain at least one value");
        }
        if count("nonResourceURLs") > 0 {
            let urls = &rule["nonResourceURLs"];
            if namespaced {
                let detail = "namespaced rules cannot apply to non-resource URLs";
                errs.invalid(&at.key("nonResourceURLs"), urls, detail);
            }
            if count("apiGroups") > 0 || count("resources") > 0 {
                let detail = "rules cannot apply to both regular resources and non-resource URLs";
                errs.invalid(&at.key("nonResourceURLs"), urls, detail);
            }
            continue;
        }
        if count("apiGroups") == 0 {
            let detail = "resource rules must supply at least one api group";
            errs.required(&at.key("apiGroups"), detail);
        }
        if count("resources") == 0 {
            let detail = "resource rules must supply at least one resource";
            errs.required(&at.key("resources"), detail);
        }
    }
}

fn binding(errs: &mut Errs, object: &Value, kind: &str) {
    let role_ref = &object["roleRef"];
    let at = At::root().key("roleRef");
    errs.one_of(&at.key("apiGroup"), &role_ref["apiGroup"], &[RBAC_GROUP]);
    let kinds: &[&str] = if kind == "RoleBinding" {
        &["Role", "ClusterRole"]
    } else {
        &["ClusterRole"]
    };
    errs.one_of(&at.key("kind"), &role_ref["kind"], kinds);
    match text(&role_ref["name"]) {
        "" => errs.required(&at.key("name"), ""),
        name => errs.each_invalid(&at.key("name"), name, names::path_segment_name(name)),
    }
    for (index, subject) in items(&object["subjects"]) {
        let at = At::root().key("subjects").index(index);
        binding_subject(errs, &at, subject, kind == "RoleBinding");
    }
}

fn binding_subject(errs: &mut Errs, at: &At, subject: &Value, namespaced: bool) {
    let name = text(&subject["name"]);
    if name.is_empty() {
        errs.required(&at.key("name"), "");
    }
    let group = &subject["apiGroup"];
    match text(&subject["kind"]) {
        "ServiceAccount" => {
            if !name.is_empty() {
                errs.each_invalid(&at.key("name"), name, names::dns1123_subdomain(name));
            }
            if group.as_str().is_some_and(|g| !g.is_empty()) {
                errs.unsupported(&at.key("apiGroup"), text(group), &[""]);
            }
            if !namespaced && text(&subject["namespace"]).is_empty() {
                errs.required(&at.key("namespace"), "");
            }
        }
        // An empty apiGroup is defaulted to RBAC's.
        "User" | "Group" if !text(group).is_empty() => {
            errs.one_of(&at.key("apiGroup"), group, &[RBAC_GROUP])
        }
        "User" | "Group" => {}
        other => errs.unsupported(&at.key("kind"), other, &["ServiceAccount", "User", "Group"]),
    }
}

fn network_policy(errs: &mut Errs, at: &At, spec: &Value) {
    selector(errs, &at.key("podSelector"), &spec["podSelector"]);
    for (index, policy_type) in items(&spec["policyTypes"]) {
        let supported = ["Ingress", "Egress"];
        errs.one_of(&at.key("policyTypes").index(index), policy_type, &supported);
    }
    for (direction, peers) in [("ingress", "from"), ("egress", "to")] {
        for (index, rule) in items(&spec[direction]) {
            let at = at.key(direction).index(index);
            for (p, port) in items(&rule["ports"]) {
                network_policy_port(errs, &at.key("ports").index(p), port);
            }
            for (p, peer) in items(&rule[peers]) {
                network_policy_peer(errs, &at.key(peers).index(p), peer);
            }
        }
    }
}

fn network_policy_port(errs: &mut Errs, at: &At, port: &Value) {
    errs.one_of(&at.key("protocol"), &port["protocol"], PROTOCOLS);
    target_port(errs, &at.key("port"), &port["port"]);
    let end = &port["endPort"];
    if end.is_null() {
        return;
    }
    match port["port"].as_i64() {
        None if port["port"].is_string() => errs.forbidden(
            &at.key("endPort"),
            "may not be specified when `port` is non-numeric",
        ),
        None => errs.required(
            &at.key("port"),
            "must be specified when `endPort` is specified",
        ),
        Some(start) if end.as_i64().is_some_and(|e| e < start) => errs.invalid(
            &at.key("endPort"),
            end,
            "must be greater than or equal to `port`",
        ),
        Some(_) => errs.port_number(&at.key("endPort"), end),
    }
}

fn network_policy_peer(errs: &mut Errs, at: &At, peer: &Value) {
    let given = ["podSelector", "namespaceSelector", "ipBlock"].map(|k| !peer[k].is_null());
    if !given.contains(&true) {
        errs.required(at, "must specify a peer");
        return;
    }
    if given[2] && (given[0] || given[1]) {
        errs.forbidden(at, "may not specify both ipBlock and another peer");
    }
    for key in ["podSelector", "namespaceSelector"] {
        if !peer[key].is_null() {
            selector(errs, &at.key(key), &peer[key]);
        }
    }
    let cidr = &peer["ipBlock"]["cidr"];
    if given[2] {
        match cidr.as_str() {
            None | Some("") => errs.required(&at.key("ipBlock").key("cidr"), ""),
            Some(text) if !is_cidr(text) => errs.invalid(
                &at.key("ipBlock").key("cidr"),
                cidr,
                "must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)",
            ),
            Some(_) => {}
        }
    }
}

fn is_cidr(text: &str) -> bool {
    let Some((address, bits)) = text.split_once('/') else {
        return false;
    };
    let Ok(bits) = bits.parse::<u8>() else {
        return false;
    };
    match address.parse::<std::net::IpAddr>() {
        Ok(std::net::IpAddr::V4(_)) => bits <= 32,
        Ok(std::net::IpAddr::V6(_)) => bits <= 128,
        Err(_) => false,
    }
}

fn ingress(errs: &mut Errs, at: &At, spec: &Value) {
    if spec["defaultBackend"].is_null() && spec["rules"].as_array().is_none_or(Vec::is_empty) {
        errs.invalid(
            at,
            spec,
            "either `defaultBackend` or `rules` must be specified",
        );
    }
    if !spec["defaultBackend"].is_null() {
        ingress_backend(errs, &at.key("defaultBackend"), &spec["defaultBackend"]);
    }
    for (index, rule) in items(&spec["rules"]) {
        let at = at.key("rules").index(index);
        if let Some(host) = rule["host"].as_str() {
            ingress_host(errs, &at.key("host"), host);
        }
        if rule["http"].is_null() {
            continue;
        }
        let paths = &rule["http"]["paths"];
        let paths_at = at.key("http").key("paths");
        if paths.as_array().is_none_or(Vec::is_empty) {
            errs.required(&paths_at, "");
        }
        for (p, path) in items(paths) {
            ingress_path(errs, &paths_at.index(p), path);
        }
    }
}

fn ingress_host(errs: &mut Errs, at: &At, host: &str) {
    if host.parse::<std::net::IpAddr>().is_ok() {
        let value = Value::String(host.to_string());
        errs.invalid(at, &value, "must be a DNS name, not an IP address");
        return;
    }
    let name = host.strip_prefix("*.").unwrap_or(host);
    errs.each_invalid(at, host, names::dns1123_subdomain(name));
}

fn ingress_path(errs: &mut Errs, at: &At, path: &Value) {
    const TYPES: &[&str] = &["Exact", "ImplementationSpecific", "Prefix"];
    match path["pathType"].as_str() {
        None => errs.required(&at.key("pathType"), "pathType must be specified"),
        Some(kind) if !TYPES.contains(&kind) => errs.unsupported(&at.key("pathType"), kind, TYPES),
        Some("Exact" | "Prefix") if !text(&path["path"]).starts_with('/') => {
            errs.invalid(&at.key("path"), &path["path"], "must be an absolute path")
        }
        Some(_) => {}
    }
    ingress_backend(errs, &at.key("backend"), &path["backend"]);
}

fn ingress_backend(errs: &mut Errs, at: &At, backend: &Value) {
    let service = &backend["service"];
    match (service.is_null(), backend["resource"].is_null()) {
        (true, true) => {
            return errs.required(
                at,
                "one backend (`service` or `resource`) must be specified",
            )
        }
        (false, false) => {
            return errs.invalid(
                at,
                backend,
                "cannot set both `service` and `resource` backends",
            )
        }
        (true, false) => return,
        (false, true) => {}
    }
    let at = at.key("service");
    match text(&service["name"]) {
        "" => errs.required(&at.key("name"), ""),
        name => errs.each_invalid(&at.key("name"), name, names::dns1035_label(name)),
    }
    let port = &service["port"];
    match (port["name"].as_str(), port["number"].is_null()) {
        (Some(_), false) => errs.invalid(
            &at.key("port"),
            port,
            "cannot set both port name & port number",
        ),
        (None, true) => errs.required(&at.key("port"), "port name or number is required"),
        (Some(name), true) => {
            errs.each_invalid(&at.key("port").key("name"), name, names::port_name(name))
        }
        (None, false) => errs.port_number(&at.key("port").key("number"), &port["number"]),
    }
}

fn autoscaler(errs: &mut Errs, at: &At, spec: &Value) {
    let min = &spec["minReplicas"];
    errs.at_least(&at.key("minReplicas"), min, 1);
    let max = &spec["maxReplicas"];
    errs.at_least(&at.key("maxReplicas"), max, 1);
    if let (Some(low), Some(high)) = (min.as_i64(), max.as_i64()) {
        if high < low {
            errs.invalid(
                &at.key("maxReplicas"),
                max,
                "must be greater than or equal to `minReplicas`",
            );
        }
    }
    let target = at.key("scaleTargetRef");
    for key in ["kind", "name"] {
        match text(&spec["scaleTargetRef"][key]) {
            "" => errs.required(&target.key(key), ""),
            value => errs.each_invalid(&target.key(key), value, names::path_segment_name(value)),
        }
    }
    const METRICS: &[&str] = &[
        "ContainerResource",
        "External",
        "Object",
        "Pods",
        "Resource",
    ];
    for (index, metric) in items(&spec["metrics"]) {
        errs.one_of(
            &at.key("metrics").index(index).key("type"),
            &metric["type"],
            METRICS,
        );
    }
    errs.at_least(
        &at.key("targetCPUUtilizationPercentage"),
        &spec["targetCPUUtilizationPercentage"],
        1,
    );
}

fn disruption_budget(errs: &mut Errs, at: &At, spec: &Value) {
    let (min, max) = (&spec["minAvailable"], &spec["maxUnavailable"]);
    if !min.is_null() && !max.is_null() {
        errs.invalid(
            at,
            spec,
            "minAvailable and maxUnavailable cannot be both set",
        );
    }
    int_or_percent(errs, &at.key("minAvailable"), min);
    int_or_percent(errs, &at.key("maxUnavailable"), max);
    if !spec["selector"].is_null() {
        selector(errs, &at.key("selector"), &spec["selector"]);
    }
    let policy = &spec["unhealthyPodEvictionPolicy"];
    let supported = ["AlwaysAllow", "IfHealthyBudget"];
    errs.one_of(&at.key("unhealthyPodEvictionPolicy"), policy, &supported);
}
