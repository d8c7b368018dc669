//! `[execution]`: worker pools, checked for what the engine, RabbitMQ and KEDA do with them.

use super::engine::{show, tag_version};
use super::quantities::{bytes_quantity, positive_quantity};
use super::Findings;
use crate::diag::Code;
use crate::profile::formats;
use crate::profile::model::{ExecutionMode, Profile};
use crate::profile::pools::resolved_pools;
use std::collections::HashMap;

/// The first engine that reads `RABBIT_HOSTNAME` and routes tasks to queues (1c006ea and
/// later; facts §3).
const ENGINE_1_6: (u32, u32, u32) = (1, 6, 0);

/// RabbitMQ refuses queue names over 255 bytes; the namespace and a dot come first.
const MAX_QUEUE_BYTES: usize = 255;

pub fn execution(profile: &Profile, findings: &mut Findings) {
    let execution = &profile.execution;
    match execution.mode {
        ExecutionMode::Jobs => {
            if !execution.pools.is_empty() {
                findings
                    .error(
                        Code::UnusedSetting,
                        "execution.pools",
                        "execution.pools are declared, but execution.mode is \"jobs\": every task would run as a Job and the pools would never be deployed",
                    )
                    .help = Some("set execution.mode = \"pools\", or remove the pools".into());
            }
            return;
        }
        ExecutionMode::Pools => {}
    }
    if execution.pools.is_empty() {
        findings
            .error(
                Code::MissingSetting,
                "execution.mode",
                "execution.mode = \"pools\" needs at least one [[execution.pools]]",
            )
            .help = Some("add a pool: [[execution.pools]] task = \"mProject\"".into());
        return;
    }
    engine_routes_to_queues(profile, findings);
    let mut tasks = HashMap::new();
    let mut names = HashMap::new();
    for (index, (pool, resolved)) in execution
        .pools
        .iter()
        .zip(resolved_pools(profile))
        .enumerate()
    {
        let index = index.to_string();
        let key = |field: &str| format!("execution.pools.{index}.{field}");
        let task_path = ["execution", "pools", index.as_str(), "task"];
        let task_problem = task_problem(&pool.task);
        if let Some(problem) = task_problem {
            findings.value_error(
                Code::InvalidName,
                &task_path,
                format!(
                    "execution.pools.{index}.task `{}` {problem}",
                    crate::text::printable(&pool.task)
                ),
            );
        } else if resolved.queue.len() > MAX_QUEUE_BYTES {
            findings.value_error(
                Code::InvalidName,
                &task_path,
                format!("execution.pools.{index}.task: the queue name `{}` is longer than RabbitMQ's {MAX_QUEUE_BYTES} bytes", resolved.queue),
            );
        }
        let first_with_task = tasks.get(&pool.task).cloned();
        tasks
            .entry(pool.task.clone())
            .or_insert_with(|| index.clone());
        if let Some(first) = &first_with_task {
            findings
                .value_error(
                    Code::Duplicate,
                    &task_path,
                    format!("execution.pools.{index}.task `{}` has a pool already (execution.pools.{first}): the engine sends a task type to one queue", pool.task),
                );
        }
        // The name becomes `hyperflow-pool-<name>`, a Deployment name and a label value. A
        // name made from a task that is wrong already, or taken already, says nothing new.
        let name_made_from_bad_task =
            pool.name.is_none() && (task_problem.is_some() || first_with_task.is_some());
        if !name_made_from_bad_task {
            pool_name(findings, &index, pool, &resolved, &mut names);
        }
        if let Some(image) = &pool.image {
            if let Some(formats::ImageProblem::Malformed(why)) = formats::image_problem(image) {
                findings.error(
                    Code::InvalidImage,
                    &key("image"),
                    format!(
                        "execution.pools.{index}.image `{}` is not an image reference: it {why}",
                        crate::text::printable(image)
                    ),
                );
            }
        }
        quantities(findings, &index, &resolved);
        replicas(findings, &index, pool);
        queue_outlives_idle(profile, findings, &index, pool);
    }
}

/// The pool's name (given, or made from the task) is a DNS label short enough for its
/// objects, and no other pool has it.
fn pool_name(
    findings: &mut Findings,
    index: &str,
    pool: &crate::profile::model::WorkerPool,
    resolved: &crate::profile::pools::ResolvedPool,
    names: &mut HashMap<String, String>,
) {
    let task_path = ["execution", "pools", index, "task"];
    let name_problem = formats::dns_label_problem(&resolved.name)
        .or((resolved.deployment.len() > 63).then_some("is longer than 48 characters"));
    let shown = crate::text::printable(&resolved.name);
    if let Some(problem) = name_problem {
        if pool.name.is_some() {
            findings.error(
                Code::InvalidName,
                &format!("execution.pools.{index}.name"),
                format!("execution.pools.{index}.name `{shown}` {problem}"),
            );
        } else {
            findings
                .value_error(Code::InvalidName, &task_path, format!("execution.pools.{index}: the pool name made from the task, `{shown}`, {problem}"))
                .help = Some("give the pool a name: execution.pools.N.name = \"a-dns-label\"".into());
        }
    } else if let Some(first) = names.get(&resolved.name) {
        let message = format!(
            "execution.pools.{index}: the pool name `{shown}` is taken by execution.pools.{first}"
        );
        if pool.name.is_some() {
            findings.error(
                Code::Duplicate,
                &format!("execution.pools.{index}.name"),
                message,
            );
        } else {
            findings.value_error(Code::Duplicate, &task_path, message);
        }
    } else {
        names.insert(resolved.name.clone(), index.to_string());
    }
}

/// The engine image must be one that sends tasks to RabbitMQ at all.
fn engine_routes_to_queues(profile: &Profile, findings: &mut Findings) {
    if profile.engine.unverified_versions {
        return;
    }
    let version = tag_version(&profile.images.engine, "v");
    if version.is_none_or(|version| version < ENGINE_1_6) {
        findings
            .error(
                Code::VersionTooOld,
                "execution.mode",
                format!(
                    "execution.mode = \"pools\" needs engine v1.6.0 or later (RABBIT_HOSTNAME, executionModels); images.engine `{}` is {}",
                    profile.images.engine,
                    version.map_or("an unknown version".to_string(), show)
                ),
            )
            .help = Some("use hyperflowwms/hyperflow:v1.7.2 (the default), or engine.unverified_versions = true".into());
    }
}

/// A workflow.json process name that can travel as a queue name, a JSON string and an env
/// value without quoting: letters, digits, `_`, `-`, `.`.
fn task_problem(task: &str) -> Option<&'static str> {
    if task.is_empty() {
        Some("is empty")
    } else if !task
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.'))
    {
        Some("may only hold letters, digits, '_', '-' and '.' (a process name of workflow.json)")
    } else {
        None
    }
}

fn quantities(findings: &mut Findings, index: &str, pool: &crate::profile::pools::ResolvedPool) {
    let key = |field: &str| format!("execution.pools.{index}.{field}");
    positive_quantity(findings, &key("cpu_request"), &pool.cpu_request, "500m");
    let request = bytes_quantity(
        findings,
        &key("memory_request"),
        &pool.memory_request,
        "512Mi",
    );
    let Some(limit_text) = &pool.memory_limit else {
        return;
    };
    let limit = bytes_quantity(findings, &key("memory_limit"), limit_text, "1Gi");
    if let (Some(request), Some(limit)) = (request, limit) {
        if limit < request {
            findings.error(
                Code::RequestAboveLimit,
                &key("memory_limit"),
                format!(
                    "execution.pools.{index}.memory_limit `{limit_text}` is below the memory request `{}`",
                    pool.memory_request
                ),
            );
        }
    }
}

/// The `x-expires` (ms) with which the engine (`amqpConnector.js`) and hflow-job-listener.js
/// declare every queue: RabbitMQ deletes a queue left without a consumer that long, and a
/// policy cannot lengthen it (the lower of the two wins). Later publishes are dropped.
pub const QUEUE_EXPIRES_SECONDS: u32 = 6_000;

/// `min_replicas = 0` lets KEDA remove a pool's last worker, and with it the queue's only
/// consumer: a run that can last longer than the queue's expiry may lose its queue.
fn queue_outlives_idle(
    profile: &Profile,
    findings: &mut Findings,
    index: &str,
    pool: &crate::profile::model::WorkerPool,
) {
    let deadline = profile.engine.deadline_seconds;
    if pool.min_replicas == 0 && deadline > QUEUE_EXPIRES_SECONDS {
        findings
            .error(
                Code::RunWouldFail,
                &format!("execution.pools.{index}.min_replicas"),
                format!(
                    "execution.pools.{index}.min_replicas = 0 with engine.deadline_seconds = {deadline}: RabbitMQ deletes a queue that has had no consumer for {QUEUE_EXPIRES_SECONDS} s (the engine declares it with x-expires), and the tasks the engine sends to it later are lost while the run waits for them"
                ),
            )
            .help = Some(format!(
            "keep one idle worker (min_replicas = 1, the default), or bound the run with engine.deadline_seconds <= {QUEUE_EXPIRES_SECONDS}"
        ));
    }
}

fn replicas(findings: &mut Findings, index: &str, pool: &crate::profile::model::WorkerPool) {
    let key = |field: &str| format!("execution.pools.{index}.{field}");
    for (field, value) in [
        ("min_replicas", pool.min_replicas),
        ("max_replicas", pool.max_replicas),
        ("messages_per_replica", pool.messages_per_replica),
        ("drain_seconds", pool.drain_seconds),
    ] {
        if i32::try_from(value).is_err() {
            findings.error(
                Code::OutOfRange,
                &key(field),
                format!(
                    "execution.pools.{index}.{field} {value} does not fit the int32 field it fills"
                ),
            );
        }
    }
    if pool.max_replicas < 1 {
        findings.error(
            Code::OutOfRange,
            &key("max_replicas"),
            format!("execution.pools.{index}.max_replicas must be at least 1: a pool of no worker never runs its tasks"),
        );
    } else if pool.min_replicas > pool.max_replicas {
        findings.error(
            Code::OutOfRange,
            &key("min_replicas"),
            format!(
                "execution.pools.{index}.min_replicas ({}) is above max_replicas ({})",
                pool.min_replicas, pool.max_replicas
            ),
        );
    }
    if pool.messages_per_replica < 1 {
        findings.error(
            Code::OutOfRange,
            &key("messages_per_replica"),
            format!("execution.pools.{index}.messages_per_replica must be at least 1"),
        );
    }
}
