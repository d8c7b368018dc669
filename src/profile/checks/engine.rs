//! Engine and task settings checked against what the engine 1.7 and the job executor 1.4.2
//! actually do with them (measured by the end-to-end harness, `tests/e2e/`).

use super::Findings;
use crate::diag::Code;
use crate::profile::model::{CompletionTransport, Profile};

/// `engine.stop_on_failure` and `engine.backoff_limit`: the engine handles a failed task
/// correctly only when it stops the run and does not resubmit
/// (`functions/kubernetes/k8sCommand.js` of `@hyperflow/hyperflow` 1.7.0).
pub fn failure_handling(profile: &Profile, findings: &mut Findings) {
    let engine = &profile.engine;
    if !engine.stop_on_failure {
        findings
            .error(
                Code::RunWouldFail,
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
                Code::RunWouldFail,
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

/// `engine.deadline_seconds = 0` would render `activeDeadlineSeconds: 0`: the engine Job
/// fails with DeadlineExceeded as it starts (issue 27, item 8).
pub fn deadline(profile: &Profile, findings: &mut Findings) {
    if profile.engine.deadline_seconds == 0 {
        findings
            .error(
                Code::RunWouldFail,
                "engine.deadline_seconds",
                "engine.deadline_seconds = 0: the engine Job's activeDeadlineSeconds would end the run as soon as it starts",
            )
            .help = Some(
            "give the seconds the run may take (at least 1), or leave the key out for the default, 86400 (one day)".into(),
        );
    }
}

/// `tasks.memory_limit` is gone: the engine fills each task's memory request from the
/// workflow, and a fixed limit below it makes the Job invalid (the API server refuses it).
pub fn task_memory_limit(profile: &Profile, findings: &mut Findings) {
    if profile.tasks.memory_limit.is_some() {
        findings
            .key_error(
                Code::NotUserSetting,
                &["tasks", "memory_limit"],
                "tasks.memory_limit is no longer supported: a workflow task whose executor.memRequest is above it gets a Job the API server refuses, and the engine then stops",
            )
            .help = Some(
            "remove it; worker pods have a memory request (tasks.memory_request or the task's executor.memRequest) and no memory limit, as upstream".into(),
        );
    }
}

/// The first engine version with Redis Streams completion and the admission controller
/// (hyperflow-wms/hyperflow 4b99f77 and b8e53ab, released as v1.9.0).
pub const ENGINE_1_9: (u32, u32, u32) = (1, 9, 0);
/// The first job executor that reports through Redis Streams.
const EXECUTOR_1_4: (u32, u32, u32) = (1, 4, 0);

/// Engine 1.9 options need the versions that implement them, read from the image tags:
/// `hyperflowwms/hyperflow:v1.9.1`, and the job executor in the worker image's tag
/// (`...:6.0-je1.4.0`, `...:je-1.3.4`). `engine.unverified_versions` accepts other tags.
pub fn engine_versions(profile: &Profile, findings: &mut Findings) {
    let engine = &profile.engine;
    if engine.unverified_versions {
        return;
    }
    let engine_version = tag_version(&profile.images.engine, "v");
    let engine_ok = engine_version.is_some_and(|version| version >= ENGINE_1_9);
    let engine_shown = engine_version.map_or("an unknown version".to_string(), show);
    let help = "set images.engine to hyperflowwms/hyperflow:v1.9.1 or later, or engine.unverified_versions = true if your images have what it needs";
    if engine.completion_transport == CompletionTransport::Stream {
        if !engine_ok {
            findings
                .error(
                    Code::VersionTooOld,
                    "engine.completion_transport",
                    format!("engine.completion_transport = \"stream\" needs engine v1.9.0 or later; images.engine `{}` is {engine_shown}", profile.images.engine),
                )
                .help = Some(help.into());
        }
        let worker = crate::profile::presets::worker_image(profile);
        let executor = worker.as_deref().and_then(|image| tag_version(image, "je"));
        if executor.is_none_or(|version| version < EXECUTOR_1_4) {
            findings
                .error(
                    Code::VersionTooOld,
                    "engine.completion_transport",
                    format!(
                        "engine.completion_transport = \"stream\" needs job executor 1.4.0 or later in the worker image; `{}` shows {}: an older executor never reports a task, and the run waits forever",
                        worker.unwrap_or_default(),
                        executor.map_or("no executor version (a tag such as 6.0-je1.4.0)".to_string(), show)
                    ),
                )
                .help = Some("use a worker image whose tag names je1.4.0 or later, or engine.unverified_versions = true".into());
        }
    }
    if engine.admission_controller.is_some() && !engine_ok {
        findings
            .error(
                Code::VersionTooOld,
                "engine.admission_controller",
                format!("engine.admission_controller needs engine v1.9.0 or later; images.engine `{}` is {engine_shown}", profile.images.engine),
            )
            .help = Some(help.into());
    }
}

/// `MAJOR.MINOR.PATCH` that follows `marker` in an image's tag (`v1.9.1`, `6.0-je1.4.0`,
/// `je-1.3.4`).
pub fn tag_version(image: &str, marker: &str) -> Option<(u32, u32, u32)> {
    let tag = image.split('@').next()?.rsplit_once(':')?.1;
    let start = tag.find(marker)? + marker.len();
    let digits = tag[start..].trim_start_matches('-');
    let mut parts = digits
        .split(|c: char| !c.is_ascii_digit())
        .take(3)
        .map(|part| part.parse::<u32>().ok());
    Some((parts.next()??, parts.next()??, parts.next()??))
}

pub(super) fn show((major, minor, patch): (u32, u32, u32)) -> String {
    format!("{major}.{minor}.{patch}")
}

#[cfg(test)]
mod tests {
    use super::tag_version;

    #[test]
    fn versions_come_from_tags() {
        assert_eq!(
            tag_version("hyperflowwms/hyperflow:v1.9.1", "v"),
            Some((1, 9, 1))
        );
        assert_eq!(
            tag_version("hyperflowwms/hyperflow:v1.7.2", "v"),
            Some((1, 7, 2))
        );
        assert_eq!(
            tag_version("hyperflowwms/montage-worker:6.0-je1.4.0", "je"),
            Some((1, 4, 0))
        );
        assert_eq!(
            tag_version("hyperflowwms/montage-worker:je-1.3.4", "je"),
            Some((1, 3, 4))
        );
        assert_eq!(tag_version("registry:5000/hyperflow:latest", "v"), None);
        assert_eq!(tag_version("hyperflow", "v"), None);
    }
}
