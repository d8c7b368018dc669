//! Engine and task settings checked against what the engine 1.7 and the job executor 1.4.2
//! actually do with them (measured by the end-to-end harness, `tests/e2e/`).

use super::check::Findings;
use super::model::Profile;

/// `engine.stop_on_failure` and `engine.backoff_limit`: the engine handles a failed task
/// correctly only when it stops the run and does not resubmit
/// (`functions/kubernetes/k8sCommand.js` of `@hyperflow/hyperflow` 1.7.0).
pub fn failure_handling(profile: &Profile, findings: &mut Findings) {
    let engine = &profile.engine;
    if !engine.stop_on_failure {
        findings
            .error(
                "engine.stop_on_failure",
                "engine.stop_on_failure = false: the engine never reports a task that failed, so the run waits forever",
            )
            .help = Some(
            "keep it true: a failed task (after tasks.retries) ends the run with exit code 1".into(),
        );
    }
    if engine.backoff_limit > 0 {
        findings
            .error(
                "engine.backoff_limit",
                format!(
                    "engine.backoff_limit = {}: the engine submits the failed task again and then exits at once (with stop_on_failure) or waits forever (without)",
                    engine.backoff_limit
                ),
            )
            .help = Some(
            "set it to 0 and use tasks.retries: the job executor runs a failed task again inside its pod".into(),
        );
    }
}

/// `tasks.memory_limit` is gone: the engine fills each task's memory request from the
/// workflow, and a fixed limit below it makes the Job invalid (the API server refuses it).
pub fn task_memory_limit(profile: &Profile, findings: &mut Findings) {
    if profile.tasks.memory_limit.is_some() {
        findings
            .key_error(
                &["tasks", "memory_limit"],
                "tasks.memory_limit is no longer supported: a workflow task whose executor.memRequest is above it gets a Job the API server refuses, and the engine then stops",
            )
            .help = Some(
            "remove it; worker pods have a memory request (tasks.memory_request or the task's executor.memRequest) and no memory limit, as upstream".into(),
        );
    }
}
