//! `[workflow_config]`: the files HyperFlow reads next to workflow.json, checked for what the
//! engine 1.7 does with them (`functions/kubernetes/k8sCommand.js`, `buffer_manager.js`).

use super::quantities::{bytes_quantity, positive_quantity};
use super::Findings;
use crate::diag::Code;
use crate::profile::formats;
use crate::profile::model::Profile;

/// The job template placeholders that jobvars may fill. The engine replaces `${name}` in the
/// template text with these values before it parses the YAML, so each is checked for what it
/// stands for (and so that no value can add YAML structure). Others (`command`, `jobName`,
/// `volumePath`, `jobTemplatePath`, `kubeConfigPath`) would break the run or redirect it.
const JOBVARS: &[&str] = &["containerName", "cpuRequest", "memRequest"];

/// Engine 1.7's completion poll (`RemoteJobConnector(rcl, wfId, 3000)`): while a stage runs,
/// its ready tasks reach the agglomeration buffer at most this far apart, so a partial group
/// that waits longer gathers little more and idles at each stage's end (measured: BENCHMARKS.md,
/// issue 28).
const AGGLOMERATION_WAIT_MS: u32 = 3000;

pub fn workflow_config(profile: &Profile, findings: &mut Findings) {
    let config = &profile.workflow_config;
    for (name, value) in &config.jobvars {
        let key = ["workflow_config", "jobvars", name.as_str()];
        let problem = match name.as_str() {
            "containerName" => formats::image_problem(value)
                .map(|_| format!("`{value}` is not an image reference (name[:tag][@digest])")),
            // The same checks as the same quantities under `tasks.*` (issue 27, item 6).
            "cpuRequest" => {
                positive_quantity(findings, &key.join("."), value, "500m");
                None
            }
            "memRequest" => {
                bytes_quantity(findings, &key.join("."), value, "512Mi");
                None
            }
            _ => {
                findings
                    .key_error(
                        Code::NotUserSetting,
                        &key,
                        format!("workflow_config.jobvars: `{name}` is not a placeholder that hfgen's job template takes from jobvars"),
                    )
                    .help = Some(format!("use one of: {}", JOBVARS.join(", ")));
                continue;
            }
        };
        if let Some(problem) = problem {
            findings.value_error(
                Code::InvalidImage,
                &key,
                format!("workflow_config.jobvars.{name}: {problem}"),
            );
        }
    }
    // Each problem at the value that has it (issue 27).
    for (index, group) in config.job_agglomerations.iter().enumerate() {
        let index = index.to_string();
        let key = |name| {
            [
                "workflow_config",
                "job_agglomerations",
                index.as_str(),
                name,
            ]
        };
        let empty_name = group.match_task.iter().any(|task| task.trim().is_empty());
        if group.match_task.is_empty() || empty_name {
            findings.value_error(
                Code::MissingSetting,
                &key("match_task"),
                "workflow_config.job_agglomerations: match_task must list the task names of workflow.json to group, none empty",
            );
        }
        for (name, value) in [("size", group.size), ("timeout_ms", group.timeout_ms)] {
            if value < 1 {
                findings.value_error(
                    Code::OutOfRange,
                    &key(name),
                    format!(
                        "workflow_config.job_agglomerations: {name} ({value}) must be at least 1"
                    ),
                );
            }
        }
        if group.timeout_ms > AGGLOMERATION_WAIT_MS {
            findings
                .warning(
                    Code::SlowSetting,
                    &format!("workflow_config.job_agglomerations.{index}.timeout_ms"),
                    format!(
                        "workflow_config.job_agglomerations.{index}.timeout_ms = {} holds a group that is not full for that long after its last task, at the end of every stage; engine 1.7 hands out ready tasks at its {} ms completion poll, so waiting longer mostly idles (bench/workflow, Montage DAG, groups of 10: 35-39 s at 5000 ms, 29-30 s at 1000 ms)",
                        group.timeout_ms, AGGLOMERATION_WAIT_MS
                    ),
                )
                .help = Some(format!("a timeout_ms of 1000 to {AGGLOMERATION_WAIT_MS}"));
        }
    }
    if !config.execution_models.is_empty() {
        findings
            .error(
                Code::NotUserSetting,
                "workflow_config.execution_models",
                "workflow_config.execution_models is written by hfgen from the worker pools: a task sent to a queue that no pool consumes never runs",
            )
            .help = Some("declare a pool per task type instead: execution.mode = \"pools\" and [[execution.pools]] task = \"...\"".into());
    }
}
