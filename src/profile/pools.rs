//! Worker pools with the defaults filled in: the profile checks and the render read the same
//! names, queues and quantities.

use super::model::{ExecutionMode, Profile, WorkerPool};
use serde::Serialize;

/// One pool as it is deployed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ResolvedPool {
    /// The DNS label in its object names.
    pub name: String,
    /// The Deployment, its ScaledObject and its pods' `hyperflow-pool` label.
    pub deployment: String,
    /// The task type (workflow.json process name).
    pub task: String,
    /// The queue the engine sends the task type to: `<HF_VAR_NAMESPACE>.<task>`
    /// (`functions/kubernetes/amqpConnector.js`, `getQueueName`).
    pub queue: String,
    pub image: String,
    pub cpu_request: String,
    pub memory_request: String,
    pub memory_limit: Option<String>,
    pub min_replicas: u32,
    pub max_replicas: u32,
    pub messages_per_replica: u32,
    pub drain_seconds: u32,
}

/// The pools that run, in profile order: none unless `execution.mode = "pools"`.
pub fn resolved_pools(profile: &Profile) -> Vec<ResolvedPool> {
    match profile.execution.mode {
        ExecutionMode::Jobs => Vec::new(),
        ExecutionMode::Pools => profile
            .execution
            .pools
            .iter()
            .map(|pool| resolve(profile, pool))
            .collect(),
    }
}

fn resolve(profile: &Profile, pool: &WorkerPool) -> ResolvedPool {
    let name = pool
        .name
        .clone()
        .unwrap_or_else(|| default_pool_name(&pool.task));
    ResolvedPool {
        deployment: format!("hyperflow-pool-{name}"),
        queue: crate::hyperflow::default_queue(&profile.namespace, &pool.task),
        task: pool.task.clone(),
        image: pool
            .image
            .clone()
            .or_else(|| super::presets::worker_image(profile))
            .unwrap_or_default(),
        cpu_request: pool
            .cpu_request
            .clone()
            .unwrap_or_else(|| profile.tasks.cpu_request.clone()),
        memory_request: pool
            .memory_request
            .clone()
            .unwrap_or_else(|| profile.tasks.memory_request.clone()),
        memory_limit: pool.memory_limit.clone(),
        min_replicas: pool.min_replicas,
        max_replicas: pool.max_replicas,
        messages_per_replica: pool.messages_per_replica,
        drain_seconds: pool.drain_seconds,
        name,
    }
}

/// A pool's name when the profile gives none: the task name in lower case, with `_` and `.`
/// as `-` (`mProject` -> `mproject`).
pub fn default_pool_name(task: &str) -> String {
    task.to_ascii_lowercase().replace(['_', '.'], "-")
}
