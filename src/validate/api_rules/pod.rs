//! A pod template's spec (`ValidatePodSpec` and what it calls), as workloads carry it.

use super::names;
use super::{entries, items, text, At, Errs};
use crate::quantity;
use serde_json::Value;
use std::collections::HashSet;

const PULL_POLICIES: &[&str] = &["Always", "IfNotPresent", "Never"];
const RESTART_POLICIES: &[&str] = &["Always", "OnFailure", "Never"];
const DNS_POLICIES: &[&str] = &["ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"];
const PROTOCOLS: &[&str] = &["SCTP", "TCP", "UDP"];
const MESSAGE_POLICIES: &[&str] = &["File", "FallbackToLogsOnError"];

/// The pod spec at `at`; `restart` is what the workload allows (`None`: any policy).
pub fn spec(errs: &mut Errs, at: &At, spec: &Value, restart: Option<&[&str]>) {
    let volumes = volumes(errs, &at.key("volumes"), &spec["volumes"]);
    let mut container_names = HashSet::new();
    for list in ["initContainers", "containers"] {
        for (index, container) in items(&spec[list]) {
            let at = at.key(list).index(index);
            self::container(errs, &at, container, &volumes, &mut container_names);
        }
    }
    if spec["containers"].as_array().is_none_or(Vec::is_empty) {
        errs.required(&at.key("containers"), "");
    }
    restart_policy(errs, at, spec, restart);
    errs.one_of(&at.key("dnsPolicy"), &spec["dnsPolicy"], DNS_POLICIES);
    if text(&spec["dnsPolicy"]) == "None" && spec["dnsConfig"].is_null() {
        errs.required(
            &at.key("dnsConfig"),
            "must provide `dnsConfig` when `dnsPolicy` is None",
        );
    }
    if let Some(account) = spec["serviceAccountName"].as_str() {
        let messages = names::dns1123_subdomain(account);
        errs.each_invalid(&at.key("serviceAccountName"), account, messages);
    }
    errs.at_least_int64(
        &at.key("terminationGracePeriodSeconds"),
        &spec["terminationGracePeriodSeconds"],
        0,
    );
    if let Some(seconds) = spec["activeDeadlineSeconds"].as_i64() {
        if !(1..=i64::from(i32::MAX)).contains(&seconds) {
            errs.invalid(
                &at.key("activeDeadlineSeconds"),
                &spec["activeDeadlineSeconds"],
                "must be between 1 and 2147483647, inclusive",
            );
        }
    }
    super::objects::labels(errs, &at.key("nodeSelector"), &spec["nodeSelector"]);
}

/// A pod's restartPolicy defaults to Always, which Jobs refuse.
fn restart_policy(errs: &mut Errs, at: &At, spec: &Value, allowed: Option<&[&str]>) {
    let at = at.key("restartPolicy");
    let policy = spec["restartPolicy"].as_str().unwrap_or("Always");
    match allowed {
        Some(allowed) if !allowed.contains(&policy) => errs.unsupported(&at, policy, allowed),
        _ => errs.one_of(&at, &spec["restartPolicy"], RESTART_POLICIES),
    }
}

/// Volume names: DNS labels, unique. Returns the names.
fn volumes<'a>(errs: &mut Errs, at: &At, volumes: &'a Value) -> HashSet<&'a str> {
    let mut seen = HashSet::new();
    for (index, volume) in items(volumes) {
        let at = at.index(index).key("name");
        let name = text(&volume["name"]);
        if name.is_empty() {
            errs.required(&at, "");
        } else if !seen.insert(name) {
            errs.duplicate(&at, name);
        } else {
            errs.each_invalid(&at, name, names::dns1123_label(name));
        }
    }
    seen
}

fn container(
    errs: &mut Errs,
    at: &At,
    container: &Value,
    volumes: &HashSet<&str>,
    names_seen: &mut HashSet<String>,
) {
    let name = text(&container["name"]);
    let name_at = at.key("name");
    if name.is_empty() {
        errs.required(&name_at, "");
    } else if !names_seen.insert(name.to_string()) {
        errs.duplicate(&name_at, name);
    } else {
        errs.each_invalid(&name_at, name, names::dns1123_label(name));
    }
    if text(&container["image"]).is_empty() {
        errs.required(&at.key("image"), "");
    }
    errs.one_of(
        &at.key("imagePullPolicy"),
        &container["imagePullPolicy"],
        PULL_POLICIES,
    );
    errs.one_of(
        &at.key("terminationMessagePolicy"),
        &container["terminationMessagePolicy"],
        MESSAGE_POLICIES,
    );
    ports(errs, &at.key("ports"), &container["ports"]);
    env(errs, &at.key("env"), &container["env"]);
    mounts(
        errs,
        &at.key("volumeMounts"),
        &container["volumeMounts"],
        volumes,
    );
    resources(errs, &at.key("resources"), &container["resources"]);
}

fn ports(errs: &mut Errs, at: &At, ports: &Value) {
    let mut seen = HashSet::new();
    for (index, port) in items(ports) {
        let at = at.index(index);
        if let Some(name) = port["name"].as_str() {
            if !seen.insert(name) {
                errs.duplicate(&at.key("name"), name);
            } else {
                errs.each_invalid(&at.key("name"), name, names::port_name(name));
            }
        }
        if port["containerPort"].is_null() {
            errs.required(&at.key("containerPort"), "");
        }
        errs.port_number(&at.key("containerPort"), &port["containerPort"]);
        if port["hostPort"].as_i64() != Some(0) {
            errs.port_number(&at.key("hostPort"), &port["hostPort"]);
        }
        errs.one_of(&at.key("protocol"), &port["protocol"], PROTOCOLS);
    }
}

fn env(errs: &mut Errs, at: &At, env: &Value) {
    let relaxed = errs.version.relaxed_env_names();
    for (index, var) in items(env) {
        let at = at.index(index).key("name");
        match text(&var["name"]) {
            "" => errs.required(&at, ""),
            name => errs.each_invalid(&at, name, names::env_var_name(name, relaxed)),
        }
    }
}

fn mounts(errs: &mut Errs, at: &At, mounts: &Value, volumes: &HashSet<&str>) {
    let mut paths = HashSet::new();
    for (index, mount) in items(mounts) {
        let at = at.index(index);
        match text(&mount["name"]) {
            "" => errs.required(&at.key("name"), ""),
            name if !volumes.contains(name) => errs.not_found(&at.key("name"), name),
            _ => {}
        }
        match text(&mount["mountPath"]) {
            "" => errs.required(&at.key("mountPath"), ""),
            path if !paths.insert(path) => {
                errs.invalid(&at.key("mountPath"), &mount["mountPath"], "must be unique")
            }
            _ => {}
        }
    }
}

/// Quantities that parse and are not negative, and each request at most its limit.
fn resources(errs: &mut Errs, at: &At, resources: &Value) {
    for part in ["limits", "requests"] {
        for (resource, value) in entries(&resources[part]) {
            let at = at.key(part).key(resource);
            match quantity::text_of(value)
                .as_deref()
                .and_then(quantity::parse)
            {
                None => errs.invalid(&at, value, quantity::FORMAT_ERROR),
                Some(amount) if amount.0 < 0 => {
                    errs.invalid(&at, value, "must be greater than or equal to 0")
                }
                Some(_) => {}
            }
        }
    }
    for (resource, limit) in entries(&resources["limits"]) {
        let request = &resources["requests"][resource.as_str()];
        let (Some(request_text), Some(limit_text)) =
            (quantity::text_of(request), quantity::text_of(limit))
        else {
            continue;
        };
        if let (Some(wanted), Some(allowed)) =
            (quantity::parse(&request_text), quantity::parse(&limit_text))
        {
            if wanted > allowed {
                errs.invalid(
                    &at.key("requests").key(resource),
                    &Value::String(request_text),
                    format!("must be less than or equal to {resource} limit of {limit_text}"),
                );
            }
        }
    }
}
