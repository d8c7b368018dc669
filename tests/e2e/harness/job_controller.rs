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

/// The kubelet's first back-off before it starts a failed container again (CrashLoopBackOff:
/// 10 s, doubling, at most 5 min; `pkg/kubelet/kubelet.go` `backOffPeriod`).
const RESTART_BACKOFF: Duration = Duration::from_secs(10);

/// How a Job whose pod restarts in place ended, and each attempt's exit and log.
pub struct RestartingOutcome {
    pub status: JobStatus,
    /// Each run of the container: its exit (`None`: a signal ended it) and its log.
    pub attempts: Vec<(Option<i32>, String)>,
}

/// A Job with `restartPolicy: OnFailure` (the data Job): the kubelet starts the failed
/// container again in the same pod after a back-off, and the Job fails once its failures
/// exceed `backoffLimit`. `kill_after` kills the first attempt that long after it started (a
/// node's OOM kill or a crash mid-work). `start(attempt)` starts the container anew.
pub fn run_restarting(
    job: &Value,
    mut start: impl FnMut(u32) -> Pod,
    kill_after: Option<Duration>,
    time_bound: Duration,
) -> RestartingOutcome {
    assert_eq!(
        job["spec"]["template"]["spec"]["restartPolicy"].as_str(),
        Some("OnFailure"),
        "run_restarting runs Jobs whose pod restarts in place"
    );
    let backoff_limit = job["spec"]["backoffLimit"].as_u64().unwrap_or(6);
    let begin = Instant::now();
    let mut attempts = Vec::new();
    let mut backoff = RESTART_BACKOFF;
    loop {
        let attempt = attempts.len() as u32;
        let mut pod = start(attempt);
        let started = Instant::now();
        let exit = loop {
            if let Some(code) = pod.process.exit_code() {
                break Some(code);
            }
            if attempt == 0 && kill_after.is_some_and(|after| started.elapsed() >= after) {
                drop(pod.process);
                break Some(None);
            }
            if begin.elapsed() >= time_bound {
                break None;
            }
            std::thread::sleep(Duration::from_millis(50));
        };
        let log = std::fs::read_to_string(&pod.log).unwrap_or_default();
        let Some(exit) = exit else {
            attempts.push((None, log));
            return RestartingOutcome {
                status: JobStatus::Active,
                attempts,
            };
        };
        attempts.push((exit, log));
        if exit == Some(0) {
            return RestartingOutcome {
                status: JobStatus::Complete,
                attempts,
            };
        }
        if attempts.len() as u64 > backoff_limit {
            return RestartingOutcome {
                status: JobStatus::Failed("BackoffLimitExceeded"),
                attempts,
            };
        }
        std::thread::sleep(backoff);
        backoff = (backoff * 2).min(Duration::from_secs(300));
    }
}
