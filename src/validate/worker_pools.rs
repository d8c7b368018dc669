//! The worker pools across objects (`execution.mode = "pools"`): every queue the engine sends
//! tasks to has workers, and every pool's Deployment is what its ScaledObject scales. These
//! are HyperFlow's rules, checked on hfgen's own render only.

use super::Finding;
use crate::manifests::hyperflow::{
    execution_models, model_queue, EXECUTION_MODELS_FILE as EXECUTION_MODELS, QUEUE_NAME_ENV,
    RABBIT_HOSTNAME_ENV,
};
use crate::manifests::objects::PodTemplate;
use crate::manifests::{Bundle, Document};
use serde_json::Value;

/// Every broken link between the engine's execution models, the pools' Deployments, their
/// ScaledObjects and the TriggerAuthentication.
pub fn check(bundle: &Bundle) -> Vec<Finding> {
    let mut findings = Vec::new();
    let documents: Vec<(&str, usize, &Document)> = bundle.located_documents().collect();
    let deployments: Vec<(&Document, Option<&str>)> = documents
        .iter()
        .filter(|(_, _, doc)| doc.kind() == "Deployment")
        .map(|(_, _, doc)| (*doc, env_value(doc, QUEUE_NAME_ENV)))
        .collect();
    let scaled: Vec<&Document> = documents
        .iter()
        .filter(|(_, _, doc)| doc.kind() == "ScaledObject")
        .map(|(_, _, doc)| *doc)
        .collect();
    for (file, index, doc) in &documents {
        let mut finding = |path: &str, message: String| {
            findings.push(Finding::new(file, *index, doc, path, message));
        };
        match doc.kind() {
            "ConfigMap" => {
                check_execution_models(doc, bundle, &deployments, &mut finding);
            }
            "ScaledObject" => check_scaled_object(doc, bundle, &deployments, &mut finding),
            "Deployment" if env_value(doc, QUEUE_NAME_ENV).is_some() => {
                let targets = scaled
                    .iter()
                    .filter(|object| {
                        object.value.pointer("/spec/scaleTargetRef/name")
                            == Some(&Value::from(doc.name()))
                    })
                    .count();
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

/// The queues of `workflow.config.executionModels.json` each have a pool, and the engine can
/// reach RabbitMQ.
fn check_execution_models(
    doc: &Document,
    bundle: &Bundle,
    deployments: &[(&Document, Option<&str>)],
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
        if !deployments.iter().any(|(_, q)| *q == Some(queue.as_str())) {
            finding(
                &path,
                format!("the engine sends the tasks of {task} to the queue {queue}, but no Deployment consumes it (QUEUE_NAME): they would never run"),
            );
        }
    }
    if !models.is_empty() {
        let engine = bundle.find("Job", "hyperflow-engine");
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
    bundle: &Bundle,
    deployments: &[(&Document, Option<&str>)],
    finding: &mut impl FnMut(&str, String),
) {
    let target = doc
        .value
        .pointer("/spec/scaleTargetRef/name")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let Some((_, queue)) = deployments.iter().find(|(d, _)| d.name() == target) else {
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
            if bundle.find("TriggerAuthentication", auth).is_none() {
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
