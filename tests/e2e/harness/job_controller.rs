//! The Job controller's part for the engine Job: one pod, never restarted (`backoffLimit: 0`,
//! `restartPolicy: Never`), ended at the Job's `activeDeadlineSeconds` with SIGTERM and, after
//! the pod's grace period, SIGKILL; the Job's state follows from how its pod ended.

use super::kubelet::Pod;
use serde_json::Value;
use std::time::{Duration, Instant};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum JobStatus {
    /// Still running when the scenario's time bound passed.
    Active,
    Complete,
    /// With the reason Kubernetes gives (`BackoffLimitExceeded`, `DeadlineExceeded`).
    Failed(&'static str),
}

/// Waits for the pod of `job` to end, at most `time_bound`, and says the Job's state.
pub fn run_to_end(job: &Value, pod: &mut Pod, time_bound: Duration) -> JobStatus {
    assert_eq!(
        (
            job["spec"]["backoffLimit"].as_u64(),
            job["spec"]["template"]["spec"]["restartPolicy"].as_str()
        ),
        (Some(0), Some("Never")),
        "the harness runs Jobs whose pod is never restarted or replaced"
    );
    let deadline = job["spec"]["activeDeadlineSeconds"]
        .as_u64()
        .map(Duration::from_secs);
    let grace = Duration::from_secs(
        job["spec"]["template"]["spec"]["terminationGracePeriodSeconds"]
            .as_u64()
            .unwrap_or(30),
    );
    let start = Instant::now();
    let mut terminated: Option<Instant> = None;
    loop {
        if let Some(code) = pod.process.exit_code() {
            return match (terminated, code) {
                (Some(_), _) => JobStatus::Failed("DeadlineExceeded"),
                (None, Some(0)) => JobStatus::Complete,
                (None, _) => JobStatus::Failed("BackoffLimitExceeded"),
            };
        }
        if terminated.is_none() && deadline.is_some_and(|deadline| start.elapsed() >= deadline) {
            pod.process.terminate();
            terminated = Some(Instant::now());
        }
        if terminated.is_some_and(|at| at.elapsed() >= grace) {
            // The pod is killed when its handle is dropped.
            return JobStatus::Failed("DeadlineExceeded");
        }
        if start.elapsed() >= time_bound {
            return JobStatus::Active;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}
