//! End-to-end: hfgen's rendered deployment run with the real HyperFlow engine (npm
//! `@hyperflow/hyperflow` 1.7.0 under Node 12, as in the engine image) and job executor
//! (`@hyperflow/job-executor` 1.4.2), Redis, and a stand-in for the API server and kubelet
//! (`harness/`). Each scenario is a workflow folder under `workflows/` plus assertions, with a
//! time bound; a failure prints the API requests, the pods and the engine log.

#[path = "../common/mod.rs"]
mod common;
mod harness;

use harness::run::{Run, Scenario};

/// The workflow ran to its end: hflow exit 0, only Job creations, every pod exit 0.
fn assert_completed(run: &Run) {
    assert_eq!(run.hflow_exit_code, Some(0), "{}", run.describe());
    for request in &run.requests {
        assert_eq!(
            (request.method.as_str(), request.status),
            ("POST", 201),
            "{}",
            run.describe()
        );
    }
    for pod in &run.pods {
        assert_eq!(
            pod.exit,
            Some(Some(0)),
            "pod {}\n{}",
            pod.name,
            run.describe()
        );
    }
}

#[test]
fn fanout_runs_with_the_gke_profile() {
    let run = Scenario::new("fanout").profile("gke").run();
    assert_completed(&run);
    assert_eq!(
        run.file("result.txt").as_deref(),
        Some("4\nTHE QUICK BROWN FOX\nthe\n"),
        "{}",
        run.describe()
    );
}
