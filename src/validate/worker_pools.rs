//! The worker pools across objects (`execution.mode = "pools"`): every queue the engine sends
//! tasks to has workers, and every pool's Deployment is what its ScaledObject scales. These
//! are HyperFlow's rules, checked on hfgen's own render only.

use super::Finding;
use crate::diag::Code;
use crate::hyperflow::{
    execution_models, model_queue, EXECUTION_MODELS_FILE as EXECUTION_MODELS, QUEUE_NAME_ENV,
    RABBIT_HOSTNAME_ENV,
};
use crate::manifests::objects::PodTemplate;
use crate::manifests::{Bundle, Document, Objects};
use serde_json::Value;
use std::collections::{HashMap, HashSet};

/// Every broken link between the engine's execution models, the pools' Deployments, their
/// ScaledObjects and the TriggerAuthentication.
pub fn check(bundle: &Bundle) -> Vec<Finding> {
    let mut findings = Vec::new();
    let objects = Objects::of(bundle);
    let pools = Pools::of(bundle);
    for (file, index, doc) in bundle.located_documents() {
        let mut finding = |path: &str, message: String| {
            findings.push(Finding::new(
                Code::WorkerPools,
                file,
                index,
                doc,
                path,
                message,
            ));
        };
        match doc.kind() {
            "ConfigMap" => check_execution_models(doc, &objects, &pools, &mut finding),
            "ScaledObject" => check_scaled_object(doc, &objects, &pools, &mut finding),
            "Deployment" if env_value(doc, QUEUE_NAME_ENV).is_some() => {
                let targets = pools.scalers.get(doc.name()).copied().unwrap_or(0);
                if targets != 1 {
                    finding(
                        "/metadata/name",
                        format!("the worker pool {} is the target of {targets} ScaledObjects, not 1: KEDA would never start it, or two would fight over its size", doc.name()),
                    );
                }
            }
            _ => {}
        }
    }
    findings
}

/// The Deployments and ScaledObjects indexed once, so that each check is a lookup and the
/// whole costs the number of pools, not its square (issue 27).
struct Pools<'a> {
    /// Each Deployment's QUEUE_NAME, by the Deployment's name (the first of a name).
    queue_of: HashMap<&'a str, Option<&'a str>>,
    /// The queues some Deployment consumes.
    consumed: HashSet<&'a str>,
    /// How many ScaledObjects scale each target name.
    scalers: HashMap<&'a str, usize>,
}

impl<'a> Pools<'a> {
    fn of(bundle: &'a Bundle) -> Pools<'a> {
        let mut pools = Pools {
            queue_of: HashMap::new(),
            consumed: HashSet::new(),
            scalers: HashMap::new(),
        };
        for doc in bundle.documents() {
            match doc.kind() {
                "Deployment" => {
                    let queue = env_value(doc, QUEUE_NAME_ENV);
                    pools.queue_of.entry(doc.name()).or_insert(queue);
                    pools.consumed.extend(queue);
                }
                "ScaledObject" => {
                    if let Some(target) = scale_target(doc) {
                        *pools.scalers.entry(target).or_default() += 1;
                    }
                }
                _ => {}
            }
        }
        pools
    }
}

fn scale_target(doc: &Document) -> Option<&str> {
    doc.value
        .pointer("/spec/scaleTargetRef/name")
        .and_then(Value::as_str)
}

/// The queues of `workflow.config.executionModels.json` each have a pool, and the engine can
/// reach RabbitMQ.
fn check_execution_models(
    doc: &Document,
    objects: &Objects<'_>,
    pools: &Pools<'_>,
    finding: &mut impl FnMut(&str, String),
) {
    let path = format!("/data/{EXECUTION_MODELS}");
    let Some(text) = doc.value.pointer(&path).and_then(Value::as_str) else {
        return;
    };
    let Some(models) = execution_models(text) else {
        finding(&path, format!("{EXECUTION_MODELS} is not a JSON list"));
        return;
    };
    let namespace = doc.namespace().unwrap_or("default");
    for model in &models {
        let Some((task, queue)) = model_queue(model, namespace) else {
            finding(&path, format!("an entry of {EXECUTION_MODELS} has no name"));
            continue;
        };
        if !pools.consumed.contains(queue.as_str()) {
            finding(
                &path,
                format!("the engine sends the tasks of {task} to the queue {queue}, but no Deployment consumes it (QUEUE_NAME): they would never run"),
            );
        }
    }
    if !models.is_empty() {
        let engine = objects.find("Job", "hyperflow-engine");
        if engine.is_some_and(|engine| env_value(engine, RABBIT_HOSTNAME_ENV).is_none()) {
            finding(
                &path,
                "the engine sends tasks to RabbitMQ, but its pod has no RABBIT_HOSTNAME".into(),
            );
        }
    }
}

/// A ScaledObject scales a pool's Deployment by that pool's queue, with a known
/// TriggerAuthentication.
fn check_scaled_object(
    doc: &Document,
    objects: &Objects<'_>,
    pools: &Pools<'_>,
    finding: &mut impl FnMut(&str, String),
) {
    let target = scale_target(doc).unwrap_or_default();
    let Some(queue) = pools.queue_of.get(target) else {
        finding(
            "/spec/scaleTargetRef/name",
            format!(
                "the ScaledObject scales the Deployment {target}, which the render does not have"
            ),
        );
        return;
    };
    let triggers = doc
        .value
        .pointer("/spec/triggers")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default();
    for (index, trigger) in triggers.iter().enumerate() {
        let trigger_queue = trigger
            .pointer("/metadata/queueName")
            .and_then(Value::as_str);
        if trigger_queue != *queue {
            finding(
                &format!("/spec/triggers/{index}/metadata/queueName"),
                format!(
                    "the ScaledObject counts the queue {}, but its Deployment {target} consumes {}",
                    trigger_queue.unwrap_or("(none)"),
                    queue.unwrap_or("no queue")
                ),
            );
        }
        if let Some(auth) = trigger
            .pointer("/authenticationRef/name")
            .and_then(Value::as_str)
        {
            if objects.find("TriggerAuthentication", auth).is_none() {
                finding(
                    &format!("/spec/triggers/{index}/authenticationRef/name"),
                    format!("the TriggerAuthentication {auth} is not in the render"),
                );
            }
        }
    }
}

/// A literal env value of the workload's pod.
fn env_value<'a>(doc: &'a Document, name: &str) -> Option<&'a str> {
    PodTemplate::of(&doc.value)?.env(name)
}
