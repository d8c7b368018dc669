//! End-to-end: hfgen's rendered deployment run with the real HyperFlow engine (npm
//! `@hyperflow/hyperflow` 1.7.0 under Node 12, as in the engine image) and job executor
//! (`@hyperflow/job-executor` 1.4.2), Redis, and a stand-in for the API server and kubelet
//! (`harness/`). Each scenario is a workflow folder under `workflows/` plus assertions, with a
//! time bound; a failure prints the API requests, the pods and the engine log.

#[path = "../common/mod.rs"]
mod common;
mod harness;
mod stand_ins;

use harness::job_controller::JobStatus;
use harness::run::{Run, Scenario};
use hfgen::profile::model::Workflow;
use hfgen::profile::presets::preset;
use serde_json::Value;
use std::collections::BTreeSet;
use std::time::Duration;

/// What the fanout workflow's `join` task writes to result.txt.
const FANOUT_RESULT: &str = "4\nTHE QUICK BROWN FOX\nthe\n";

/// A profile of `tests/e2e/profiles/`, as `--profile` takes it.
fn e2e_profile(name: &str) -> String {
    common::repo_root()
        .join(format!("tests/e2e/profiles/{name}.toml"))
        .display()
        .to_string()
}

/// Runs scenarios side by side (each mostly waits for the engine's 3 s completion poll).
fn run_all(scenarios: Vec<Scenario>) -> Vec<Run> {
    std::thread::scope(|scope| {
        let handles: Vec<_> = scenarios
            .into_iter()
            .map(|scenario| scope.spawn(move || scenario.run()))
            .collect();
        handles
            .into_iter()
            .map(|handle| handle.join().expect("a scenario thread"))
            .collect()
    })
}

/// The workflow ran to its end: hflow exit 0, the engine Job Complete, only Job creations,
/// every pod exit 0.
fn assert_completed(run: &Run) {
    assert_eq!(run.hflow_exit_code(), Some(0), "{}", run.describe());
    assert_eq!(run.job_status, JobStatus::Complete, "{}", run.describe());
    for request in &run.requests {
        assert_eq!(
            (request.method.as_str(), request.status),
            ("POST", 201),
            "{}",
            run.describe()
        );
        assert!(request.path.ends_with("/jobs"), "{}", run.describe());
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

/// The task ids a worker Job runs (`hflow-job-execute URL -a -- "id" "id"...`).
fn task_ids(job: &Value) -> Vec<String> {
    let script = job["spec"]["template"]["spec"]["containers"][0]["command"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect::<Vec<_>>()
        .join(" ");
    let ids = script.split(" -a -- ").nth(1).unwrap_or_default();
    ids.lines()
        .next()
        .unwrap_or_default()
        .split_whitespace()
        .map(|id| id.trim_matches('"').to_string())
        .collect()
}

fn jobs_of_task<'a>(run: &'a Run, task: &str) -> Vec<&'a Value> {
    let needle = format!("-{}-", task.replace('_', "-"));
    run.jobs
        .iter()
        .filter(|job| {
            job["metadata"]["name"]
                .as_str()
                .unwrap_or_default()
                .contains(&needle)
        })
        .collect()
}

fn lines_of(run: &Run, file: &str) -> usize {
    run.file(file).map_or(0, |text| text.lines().count())
}

#[test]
fn every_builtin_profile_runs_a_fanout_workflow_to_its_end() {
    let mut scenarios: Vec<Scenario> = common::builtin_profiles()
        .into_iter()
        .map(|profile| Scenario::new("fanout").profile(profile))
        .collect();
    scenarios.push(Scenario::new("fanout").set("rbac.mode=cluster-admin"));
    scenarios.push(
        Scenario::new("fanout")
            .set("storage.type=storage-class")
            .set("storage.class=standard-rwx"),
    );
    scenarios.push(
        Scenario::new("fanout")
            .set("storage.type=existing-claim")
            .set("storage.claim=team-share")
            .edit(|deployment| {
                // The claim the cluster's admin made, which hfgen does not render.
                assert!(deployment.find("PersistentVolumeClaim", "team-share").is_none());
                deployment.objects.push(serde_json::json!({
                    "apiVersion": "v1", "kind": "PersistentVolumeClaim",
                    "metadata": {"name": "team-share", "namespace": "hyperflow"},
                    "spec": {"accessModes": ["ReadWriteMany"], "resources": {"requests": {"storage": "1Gi"}}}
                }));
            }),
    );
    for run in run_all(scenarios) {
        assert_completed(&run);
        assert_eq!(run.jobs.len(), 5, "one Job per task\n{}", run.describe());
        assert_eq!(
            run.file("result.txt").as_deref(),
            Some(FANOUT_RESULT),
            "{}",
            run.describe()
        );
        // The engine marked the finished run for the post-processing Jobs, which followed.
        assert!(run.file("parsingFinished").is_none(), "{}", run.describe());
        assert_eq!(
            run.status_record()["state"],
            "Succeeded",
            "{}",
            run.describe()
        );
        assert!(run.postprocess_calls.contains("viz "), "{}", run.describe());
    }
}

#[test]
fn every_workflow_preset_gives_a_job_template_the_engine_runs() {
    let scenarios = Workflow::PRESETS.map(|workflow| {
        let name = serde_json::to_value(workflow).unwrap();
        Scenario::new("fanout").set(&format!("workflow={}", name.as_str().unwrap()))
    });
    for (workflow, run) in Workflow::PRESETS.iter().zip(run_all(scenarios.into())) {
        assert_completed(&run);
        for job in &run.jobs {
            assert_eq!(
                job["spec"]["template"]["spec"]["containers"][0]["image"],
                preset(*workflow).unwrap().worker_image,
                "{}",
                run.describe()
            );
        }
    }
}

#[test]
fn an_agglomerated_group_runs_as_one_job() {
    let run = Scenario::new("agglomerated").run();
    assert_completed(&run);
    assert_eq!(
        run.jobs.len(),
        3,
        "source, the 3 fans together, join\n{}",
        run.describe()
    );
    let fans = jobs_of_task(&run, "fan");
    assert_eq!(fans.len(), 1, "{}", run.describe());
    assert_eq!(task_ids(fans[0]).len(), 3, "{}", run.describe());
    assert!(run.file("result.txt").is_some(), "{}", run.describe());
}

/// The fields of the worker Job template that the engine's client (Kubernetes 1.18 model)
/// does not send: the template filled as the engine fills it, against a Job it posted.
fn dropped_by_the_client(run: &Run) -> BTreeSet<String> {
    let deployment = harness::deployment::Deployment::render(&["--profile", "gke"]);
    let template = deployment.find("ConfigMap", "hyperflow-config").unwrap()["data"]
        ["job-template.yaml"]
        .as_str()
        .unwrap();
    let template: Value =
        serde_saphyr::from_str(&hfgen::validate::job_template::fill(template)).unwrap();
    leaf_paths(&template)
        .difference(&leaf_paths(&run.jobs[0]))
        .cloned()
        .collect()
}

fn leaf_paths(value: &Value) -> BTreeSet<String> {
    fn walk(value: &Value, path: String, into: &mut BTreeSet<String>) {
        match value {
            Value::Object(map) => map
                .iter()
                .for_each(|(key, value)| walk(value, format!("{path}/{key}"), into)),
            Value::Array(items) => items
                .iter()
                .enumerate()
                .for_each(|(index, value)| walk(value, format!("{path}/{index}"), into)),
            _ => {
                into.insert(path);
            }
        }
    }
    let mut paths = BTreeSet::new();
    walk(value, String::new(), &mut paths);
    paths
}

#[test]
fn a_task_above_the_default_memory_request_gets_a_valid_job() {
    let run = Scenario::new("big-memory").run();
    assert_completed(&run);
    let job = jobs_of_task(&run, "big_memory");
    let resources = &job[0]["spec"]["template"]["spec"]["containers"][0]["resources"];
    assert_eq!(resources["requests"]["memory"], "3Gi", "{}", run.describe());
    assert_eq!(resources.get("limits"), None, "{}", run.describe());
}

/// A failing task is retried `tasks.retries` times, then stops the run; the run ends Failed and
/// post-processing says why.
#[test]
fn a_failing_task_stops_the_run_after_its_retries() {
    let runs = run_all(vec![
        Scenario::new("failing"),
        Scenario::new("failing").set("tasks.retries=0"),
    ]);
    for (run, attempts) in runs.iter().zip([2, 1]) {
        assert_eq!(run.hflow_exit_code(), Some(1), "{}", run.describe());
        assert!(
            run.engine_output().contains("stopping workflow"),
            "{}",
            run.describe()
        );
        assert_eq!(
            lines_of(run, "attempts.txt"),
            attempts,
            "{}",
            run.describe()
        );
        assert!(jobs_of_task(run, "after").is_empty(), "{}", run.describe());
        assert!(
            run.engine_output()
                .contains("hflow run ended with exit code 1"),
            "the start-up script reports the end\n{}",
            run.describe()
        );
    }
    // The failed run ends Failed, and post-processing says why (the run without retries).
    let run = &runs[1];
    assert_eq!(
        run.job_status,
        JobStatus::Failed("BackoffLimitExceeded"),
        "{}",
        run.describe()
    );
    let record = run.status_record();
    assert_eq!(record["state"], "Failed", "{}", run.describe());
    assert_eq!(record["exitCode"], 1, "{}", run.describe());
    assert_eq!(
        record["tasks"],
        serde_json::json!({"succeeded": 1, "failed": 1}),
        "{}",
        run.describe()
    );
    assert_eq!(run.postprocess.len(), 2, "{}", run.describe());
    for pod in &run.postprocess {
        assert_eq!(pod.exit, Some(Some(1)), "{}\n{}", pod.name, run.describe());
        assert!(
            pod.log.contains("The workflow run failed"),
            "{}",
            run.describe()
        );
    }
    assert_eq!(run.postprocess_calls, "", "{}", run.describe());
    // The failure marker is consumed too: the next run's post-processing waits for its own.
    assert!(run.file("postprocFailed").is_none(), "{}", run.describe());
}

#[test]
fn engine_retry_settings_that_hang_or_end_early_are_refused_and_the_harness_shows_why() {
    for (set, because) in [
        ("engine.stop_on_failure=false", "waits forever"),
        ("engine.backoff_limit=2", "exits at once"),
    ] {
        let output = common::hfgen(&["render", "--profile", "gke", "--set", set]);
        assert_eq!(output.status.code(), Some(2), "{set}");
        let message = common::stderr(&output);
        assert!(message.contains(because), "{set}: {message}");
    }
    let set_engine_env = |name: &'static str, value: &'static str| {
        move |deployment: &mut harness::deployment::Deployment| {
            let engine = deployment.find_mut("Job", "hyperflow-engine").unwrap();
            let env = engine["spec"]["template"]["spec"]["containers"][0]["env"]
                .as_array_mut()
                .unwrap();
            let var = env.iter_mut().find(|var| var["name"] == name).unwrap();
            var["value"] = Value::from(value);
        }
    };
    let runs = run_all(vec![
        Scenario::new("failing")
            .edit(set_engine_env("HF_VAR_STOP_WORKFLOW_WHEN_JOB_FAILED", "0"))
            .time_bound(Duration::from_secs(30)),
        Scenario::new("failing").edit(set_engine_env("HF_VAR_BACKOFF_LIMIT", "2")),
    ]);
    // Not stopping on failure: the failed task is never reported, the run never ends.
    let waiting = &runs[0];
    assert_eq!(waiting.hflow_exit_code(), None, "{}", waiting.describe());
    let failing = jobs_of_task(waiting, "failing");
    assert_eq!(failing.len(), 1, "{}", waiting.describe());
    // Resubmission with stop-on-failure: the task goes back to the buffer, then the engine
    // exits before submitting it again.
    let early = &runs[1];
    assert_eq!(early.hflow_exit_code(), Some(1), "{}", early.describe());
    assert!(
        early.engine_output().contains("Readding task"),
        "{}",
        early.describe()
    );
    assert_eq!(
        jobs_of_task(early, "failing").len(),
        1,
        "{}",
        early.describe()
    );
}

#[test]
fn a_task_killed_by_a_signal_never_reports_and_the_deadline_ends_the_run() {
    // What the OOM killer does: the executor gets exit code null, its Redis report fails, it
    // dies without reporting, and the engine would wait without a time limit (upstream:
    // job-executor 1.4.2 handler.js, notifyJobCompletion). The Job's deadline ends the run.
    let run = Scenario::new("killed")
        .set("engine.deadline_seconds=25")
        .time_bound(Duration::from_secs(60))
        .run();
    assert_eq!(
        run.job_status,
        JobStatus::Failed("DeadlineExceeded"),
        "{}",
        run.describe()
    );
    assert!(run.elapsed < Duration::from_secs(40), "{}", run.describe());
    assert_eq!(
        lines_of(&run, "attempts.txt"),
        2,
        "the task and its retry\n{}",
        run.describe()
    );
    let killed = run
        .pods
        .iter()
        .find(|pod| pod.name.contains("-killed-"))
        .unwrap();
    assert!(
        matches!(killed.exit, Some(Some(code)) if code != 0),
        "{}",
        run.describe()
    );
    assert!(jobs_of_task(&run, "after").is_empty(), "{}", run.describe());
    let record = run.status_record();
    assert_eq!(record["state"], "Failed", "{}", run.describe());
    assert_eq!(record["exitCode"], 143, "{}", run.describe());
    assert!(
        record["reason"]
            .as_str()
            .unwrap_or_default()
            .contains("engine.deadline_seconds"),
        "{}",
        run.describe()
    );
}

#[test]
fn a_successful_run_completes_records_its_status_and_is_post_processed_once() {
    let run = Scenario::new("fanout").restart_engine_after_the_run().run();
    assert_completed(&run);
    // What reached the API server is the template without its seccomp profile only.
    assert_eq!(
        dropped_by_the_client(&run),
        BTreeSet::from(["/spec/template/spec/securityContext/seccompProfile/type".to_string()]),
        "fields of the template that the engine's client (Kubernetes 1.18 model) does not send"
    );
    let record = run.status_record();
    assert_eq!(record["state"], "Succeeded", "{}", run.describe());
    assert_eq!(record["exitCode"], 0, "{}", run.describe());
    assert_eq!(
        record["tasks"],
        serde_json::json!({"succeeded": 5, "failed": 0}),
        "{}",
        run.describe()
    );
    assert!(
        record["started"].as_str() < record["ended"].as_str(),
        "{}",
        run.describe()
    );
    // The post-processing Jobs, applied with the run, followed it.
    for pod in &run.postprocess {
        assert_eq!(pod.exit, Some(Some(0)), "{}\n{}", pod.name, run.describe());
    }
    assert_eq!(run.postprocess.len(), 2, "{}", run.describe());
    assert!(
        run.postprocess_calls.starts_with("parser /parser.py -s"),
        "{}",
        run.describe()
    );
    assert!(
        run.postprocess_calls.contains("\nviz "),
        "{}",
        run.describe()
    );
    assert!(
        run.file("parsed/workflow/trace.png").is_some(),
        "{}",
        run.describe()
    );
    // A pod of the same Job that starts again (its node came back) does not run it again.
    let (status, pod) = run.restarted.as_ref().unwrap();
    assert_eq!(*status, JobStatus::Complete, "{}", run.describe());
    assert!(
        pod.log.contains("already ran the workflow"),
        "{}",
        run.describe()
    );
    assert_eq!(run.hflow_runs, [0], "{}", run.describe());
    assert_eq!(run.requests.len(), 5, "{}", run.describe());
}

#[test]
fn debug_mode_keeps_the_engine_pod_up_without_running_the_workflow() {
    let run = Scenario::new("fanout")
        .set("engine.debug=true")
        .time_bound(Duration::from_secs(8))
        .run();
    assert_eq!(run.job_status, JobStatus::Active, "{}", run.describe());
    assert!(run.hflow_runs.is_empty(), "{}", run.describe());
    assert!(run.requests.is_empty(), "{}", run.describe());
    assert!(run.engine.log.contains("Debug mode"), "{}", run.describe());
}

#[test]
fn a_role_without_create_on_jobs_fails_the_run_visibly() {
    let run = Scenario::new("fanout")
        .edit(|deployment| {
            let role = deployment
                .find_mut("Role", "hyperflow-engine-job-creator")
                .unwrap();
            role["rules"][0]["verbs"] = serde_json::json!(["get", "list"]);
        })
        .time_bound(Duration::from_secs(30))
        .run();
    assert!(
        run.requests.iter().any(|request| request.status == 403),
        "{}",
        run.describe()
    );
    assert!(
        matches!(run.hflow_exit_code(), Some(code) if code != 0),
        "the engine must end, not hang\n{}",
        run.describe()
    );
    assert!(
        run.engine_output().contains("forbidden"),
        "{}",
        run.describe()
    );
}

#[test]
fn workflow_config_from_the_profile_reaches_the_engine() {
    let runs = run_all(vec![
        Scenario::new("fanout")
            .set("workflow_config.jobvars.cpuRequest=300m")
            .set("workflow_config.job_agglomerations=[{match_task = [\"fan\"], size = 3, timeout_ms = 3000}]"),
        Scenario::new("fanout")
            .set("workflow=custom")
            .set("images.worker=example.org/my-worker:1.0")
            .set("data.image=example.org/my-data:1.0"),
    ]);
    let configured = &runs[0];
    assert_completed(configured);
    assert!(
        configured.file("workflow.config.jobvars.json").is_some(),
        "{}",
        configured.describe()
    );
    assert_eq!(configured.jobs.len(), 3, "{}", configured.describe());
    assert_eq!(task_ids(jobs_of_task(configured, "fan")[0]).len(), 3);
    for job in &configured.jobs {
        let requests = &job["spec"]["template"]["spec"]["containers"][0]["resources"]["requests"];
        assert_eq!(requests["cpu"], "300m", "{}", configured.describe());
    }
    let custom = &runs[1];
    assert_completed(custom);
    for job in &custom.jobs {
        assert_eq!(
            job["spec"]["template"]["spec"]["containers"][0]["image"],
            "example.org/my-worker:1.0"
        );
    }
}

/// Worker pools: the engine sends the `fan` tasks to RabbitMQ and the pool's workers, started
/// from the rendered Deployment with the rendered env (credentials from the Secret, expanded
/// by the kubelet), run them; `source` and `join` still run as Jobs.
#[test]
fn a_workflow_split_between_a_pool_and_jobs_completes() {
    let mut runs = run_all(vec![
        Scenario::new("fanout")
            .profile(&e2e_profile("fanout-pools"))
            .time_bound(Duration::from_secs(120)),
        Scenario::new("failing")
            .profile(&e2e_profile("failing-pool"))
            .time_bound(Duration::from_secs(120)),
    ]);
    // Issue 30, defect 4: RabbitMQ blocks publishers before its container's memory limit,
    // whatever memory the node has (this machine's is far above the limit).
    for run in &runs {
        let limit = run.broker_memory_limit.expect("a broker ran");
        let container_limit = 1024 * 1024 * 1024; // resources.rabbitmq.memory_limit, 1Gi
        assert!(
            limit < container_limit * 7 / 10 && limit >= container_limit / 2,
            "RabbitMQ's memory watermark is {limit} bytes for a {container_limit}-byte limit\n{}",
            run.describe()
        );
    }
    // A task that fails in a pool worker is retried there, then stops the run as in a Job.
    let failed = runs.pop().unwrap();
    assert_eq!(
        failed.pool_workers.len(),
        1,
        "maxReplicaCount 1\n{}",
        failed.describe()
    );
    assert_eq!(failed.hflow_exit_code(), Some(1), "{}", failed.describe());
    assert_eq!(
        failed.job_status,
        JobStatus::Failed("BackoffLimitExceeded"),
        "{}",
        failed.describe()
    );
    assert_eq!(
        lines_of(&failed, "attempts.txt"),
        2,
        "{}",
        failed.describe()
    );
    assert!(
        jobs_of_task(&failed, "failing").is_empty(),
        "{}",
        failed.describe()
    );
    assert!(
        jobs_of_task(&failed, "after").is_empty(),
        "{}",
        failed.describe()
    );
    assert!(
        failed.engine_output().contains("stopping workflow"),
        "{}",
        failed.describe()
    );
    let run = runs.pop().unwrap();
    assert_completed(&run);
    assert_eq!(
        run.file("result.txt").as_deref(),
        Some(FANOUT_RESULT),
        "{}",
        run.describe()
    );
    // Only the tasks outside the pool became Jobs.
    let job_tasks: Vec<String> = run
        .jobs
        .iter()
        .map(|job| job["metadata"]["name"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(job_tasks.len(), 2, "{job_tasks:?}\n{}", run.describe());
    assert!(
        job_tasks.iter().all(|name| !name.contains("-fan-")),
        "{job_tasks:?}\n{}",
        run.describe()
    );
    // The engine read the executionModels hfgen wrote and declared the queue the pool
    // consumes: the rendered QUEUE_NAME, `<namespace>.<task>`.
    assert_eq!(
        run.file("workflow.config.executionModels.json").as_deref(),
        Some("[\n  {\n    \"name\": \"fan\"\n  }\n]\n"),
        "{}",
        run.describe()
    );
    // The start-up script waited for RabbitMQ's login before the run.
    assert!(
        run.engine.log.contains("accepted the login of hyperflow"),
        "{}",
        run.describe()
    );
    assert!(
        run.engine_output()
            .contains("[AMQP] Creating channel for queue hyperflow.fan"),
        "{}",
        run.describe()
    );
    let names: Vec<&str> = run.queues.iter().map(|q| q.name.as_str()).collect();
    assert_eq!(names, ["hyperflow.fan"], "{}", run.describe());
    let queue = &run.queues[0];
    assert_eq!(
        (
            queue.messages,
            queue.unacknowledged,
            queue.consumers as usize
        ),
        (0, 0, run.pool_workers.len()),
        "every message taken and acknowledged, every worker still listening\n{}",
        run.describe()
    );
    // The three fan tasks ran in the pool's workers (the engine saw each one end).
    let handled: usize = run
        .pool_workers
        .iter()
        .map(|pod| pod.log.matches("[hf-job] finished: fan (").count())
        .sum();
    // KEDA (the stand-in, reading the queue as the rendered ScaledObject says) started the
    // pool from zero once the engine had queued tasks, up to maxReplicaCount. (The 3 fan tasks
    // are queued within milliseconds, so it normally starts 2 at once; a poll that falls
    // between two of them may start 1, which then runs all 3.)
    let workers = run.pool_workers.len();
    assert!((1..=2).contains(&workers), "{}", run.describe());
    assert_eq!(run.scalings.len(), workers, "{}", run.describe());
    for scaling in &run.scalings {
        assert_eq!(
            scaling.deployment,
            "hyperflow-pool-fan",
            "{}",
            run.describe()
        );
        assert!(scaling.messages >= 1, "{}", run.describe());
    }
    assert_eq!(handled, 3, "{}", run.describe());
    // KEDA's scale-down sends TERM: an idle worker closes its connections and exits 0.
    for pod in &run.pool_workers {
        assert_eq!(pod.exit, Some(Some(0)), "{}\n{}", pod.name, run.describe());
    }
}

/// The engine does not hang on a RabbitMQ that refuses its login (the engine alone would log
/// the error and wait for its tasks forever): the start-up script's check ends the run at
/// once, Failed, with the reason in the status record, and sends no task anywhere.
#[test]
fn a_rabbitmq_that_refuses_the_login_fails_the_run_at_once() {
    let run = Scenario::new("fanout")
        .profile(&e2e_profile("fanout-pools"))
        .rotate_rabbitmq_password()
        .time_bound(Duration::from_secs(90))
        .run();
    assert_eq!(
        run.job_status,
        JobStatus::Failed("BackoffLimitExceeded"),
        "{}",
        run.describe()
    );
    assert_eq!(
        run.hflow_exit_code(),
        None,
        "hflow never ran\n{}",
        run.describe()
    );
    assert!(run.jobs.is_empty(), "{}", run.describe());
    assert!(
        run.engine.log.contains("refused the login of hyperflow"),
        "{}",
        run.describe()
    );
    let record = run.status_record();
    assert_eq!(record["state"], "Failed", "{}", run.describe());
    assert!(
        record["reason"]
            .as_str()
            .unwrap_or_default()
            .contains("RabbitMQ refused the engine's login"),
        "{}",
        run.describe()
    );
    // The post-processing Jobs followed the failed run's marker and failed too.
    assert_eq!(run.postprocess.len(), 2, "{}", run.describe());
    for pod in &run.postprocess {
        assert_eq!(pod.exit, Some(Some(1)), "{}\n{}", pod.name, run.describe());
    }
    assert!(run.elapsed < Duration::from_secs(30), "{}", run.describe());
}

/// The staged workflow's inputs, as its tasks must copy them: every file of the workflow folder.
fn staged_workflow_files() -> std::collections::BTreeMap<String, Vec<u8>> {
    harness::data_job::files_under(&common::repo_root().join("tests/e2e/workflows/staged"))
}

/// Each `copy` task of the staged workflow copied its whole input (`inputs`: the workflow's files).
fn assert_copied_every_input(run: &Run, inputs: &std::collections::BTreeMap<String, Vec<u8>>) {
    for (name, contents) in inputs {
        if let Some(index) = name.strip_prefix("input-") {
            let out = run.work_dir.join(format!("out-{index}"));
            assert!(
                std::fs::read(&out).is_ok_and(|copied| copied == *contents),
                "out-{index} is not a whole copy of {name}\n{}",
                run.describe()
            );
        }
    }
}

/// Issue 30, defect 1: the data Job and the engine start together (one apply), the archive's
/// first member is workflow.json and the volume is slow: the engine must not start the run
/// until every input is in place (on a workflow.json-only wait, tasks copy missing or
/// half-written inputs). A data pod killed mid-unpack is restarted by its Job and must not
/// take the half-staged folder for staged data.
#[test]
fn the_run_starts_only_on_fully_staged_data_even_when_the_data_pod_restarts() {
    let runs = run_all(vec![
        Scenario::new("staged")
            .data_from_archive()
            .slow_data_volume()
            .time_bound(Duration::from_secs(90)),
        Scenario::new("staged")
            .data_from_archive()
            .slow_data_volume()
            .kill_data_pod_after(Duration::from_secs(4))
            .time_bound(Duration::from_secs(120)),
    ]);
    let workflow_files = staged_workflow_files();
    for run in &runs {
        let staged = run
            .data
            .staged
            .as_ref()
            .unwrap_or_else(|| panic!("the data Job did not complete\n{}", run.describe()));
        for (name, contents) in &workflow_files {
            assert_eq!(
                staged.get(name),
                Some(contents),
                "{name} was not (wholly) staged when the data Job completed\n{}",
                run.describe()
            );
        }
    }
    for run in &runs {
        assert_completed(run);
        assert_copied_every_input(run, &workflow_files);
    }
    let restarted = &runs[1].data.job.attempts;
    assert_eq!(
        restarted.iter().map(|(exit, _)| *exit).collect::<Vec<_>>(),
        [None, Some(0)],
        "the data pod: killed once, then restarted by its Job\n{}",
        runs[1].describe()
    );
}
