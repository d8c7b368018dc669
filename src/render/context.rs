//! What templates see: the plan, and hfgen's own texts beside it. No profile field reaches a
//! template but through the plan.

use crate::plan::Plan;
use serde::Serialize;

/// The template context. Every field is named in at least one template.
#[derive(Debug, Serialize)]
pub struct RenderContext<'a> {
    #[serde(flatten)]
    pub plan: &'a Plan,
    /// RabbitMQ, KEDA's TriggerAuthentication and the worker pools are deployed.
    pub rabbitmq: bool,
    /// hfgen runs its own NFS server.
    pub nfs_server: bool,
    /// The preset's staging lines (hfgen's text, safe to print as it is).
    pub data_staging: Vec<minijinja::Value>,
    /// The ready marker's name on the shared volume (hfgen's text).
    pub data_ready_marker: minijinja::Value,
    /// The folder beside the final place where the data Job stages (hfgen's text).
    pub data_staging_dir: minijinja::Value,
    /// The engine Job's status-record script (hfgen's own file), carried by the ConfigMap.
    pub run_status_js: &'static str,
    /// The engine Job's wait for RabbitMQ's login before a run with worker pools (hfgen's own
    /// file), carried by the ConfigMap.
    pub rabbitmq_check_js: &'static str,
    /// How long that wait may take: RabbitMQ may still be starting when the engine is.
    pub rabbitmq_wait_seconds: u32,
}

impl<'a> RenderContext<'a> {
    pub fn new(plan: &'a Plan) -> Self {
        let safe = |text: &str| minijinja::Value::from_safe_string(text.to_string());
        RenderContext {
            plan,
            // Blocks that only some modes add are switched by the plan's exhaustive
            // matches; alternatives branch on the mode's tag and end in `unhandled`.
            rabbitmq: plan.execution.has_rabbitmq(),
            nfs_server: plan.storage.has_own_nfs_server(),
            data_staging: plan.data.staging.iter().map(|line| safe(line)).collect(),
            data_ready_marker: safe(DATA_READY_MARKER),
            data_staging_dir: safe(DATA_STAGING_DIR),
            run_status_js: include_str!("../../templates/run-status.js"),
            rabbitmq_check_js: include_str!("../../templates/rabbitmq-check.js"),
            rabbitmq_wait_seconds: RABBITMQ_WAIT_SECONDS,
        }
    }
}

/// The data Job's ready marker on the shared volume, written after everything else.
pub const DATA_READY_MARKER: &str = ".hfgen-staged";
/// Where the data Job stages before it renames each entry into place.
pub const DATA_STAGING_DIR: &str = ".hfgen-staging";

/// How long the engine Job waits for RabbitMQ's login before a pools run: RabbitMQ takes
/// some seconds to start, longer on a node that pulls its image first.
const RABBITMQ_WAIT_SECONDS: u32 = 300;
