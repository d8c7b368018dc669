//! One scenario: render a profile, start Redis, the API stand-in and the engine pod, and
//! watch the workflow run until hflow ends or the scenario's time bound passes.

use super::api_server::{ApiServer, LoggedRequest, PodHost};
use super::deployment::{engine_env_value, Deployment};
use super::kubelet::Node;
use super::node::NodePackages;
use super::processes::wait_until;
use super::rbac::ServiceAccount;
use super::redis::Redis;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};
use tempfile::TempDir;

/// A change to the rendered objects before the run.
type Edit = Box<dyn Fn(&mut Deployment) + Send>;

pub struct Scenario {
    workflow: String,
    render_args: Vec<String>,
    time_bound: Duration,
    edits: Vec<Edit>,
}

/// What a scenario run showed.
pub struct Run {
    /// hflow's exit code; `None` if it was still running when the time bound passed.
    pub hflow_exit_code: Option<i32>,
    pub engine_log: String,
    pub requests: Vec<LoggedRequest>,
    /// Every Job the stand-in admitted, as the engine's client library sent it.
    pub jobs: Vec<Value>,
    pub pods: Vec<PodOutcome>,
    pub elapsed: Duration,
    /// The shared workflow volume (`/work_dir` in the pods).
    pub work_dir: PathBuf,
    scenario: String,
    _tmp: TempDir,
}

pub struct PodOutcome {
    pub name: String,
    /// `None` while still running at the end; `Some(None)` if a signal ended it.
    pub exit: Option<Option<i32>>,
    pub log: String,
}

impl Scenario {
    /// The workflow folder `tests/e2e/workflows/<workflow>`, run with the `gke` profile unless
    /// [`Scenario::profile`] says otherwise.
    pub fn new(workflow: &str) -> Scenario {
        Scenario {
            workflow: workflow.to_string(),
            render_args: Vec::new(),
            time_bound: Duration::from_secs(60),
            edits: Vec::new(),
        }
    }

    pub fn profile(mut self, profile: &str) -> Scenario {
        self.render_args
            .extend(["--profile".to_string(), profile.to_string()]);
        self
    }

    pub fn set(mut self, assignment: &str) -> Scenario {
        self.render_args
            .extend(["--set".to_string(), assignment.to_string()]);
        self
    }

    pub fn time_bound(mut self, limit: Duration) -> Scenario {
        self.time_bound = limit;
        self
    }

    /// Changes the rendered objects before the run (a scenario about a broken deployment).
    pub fn edit(mut self, edit: impl Fn(&mut Deployment) + Send + 'static) -> Scenario {
        self.edits.push(Box::new(edit));
        self
    }

    pub fn run(self) -> Run {
        let packages = NodePackages::installed();
        let mut args: Vec<&str> = self.render_args.iter().map(String::as_str).collect();
        if !args.contains(&"--profile") {
            args.extend(["--profile", "gke"]);
        }
        let mut deployment = Deployment::render(&args);
        for edit in &self.edits {
            edit(&mut deployment);
        }
        let scenario = format!(
            "workflow {} with `hfgen render {}`",
            self.workflow,
            args.join(" ")
        );

        let tmp = tempfile::Builder::new()
            .prefix("hfgen-e2e-")
            .tempdir()
            .expect("a temporary folder");
        let work_dir = tmp.path().join("volume");
        copy_workflow(&self.workflow, &work_dir);
        let redis = Redis::start(tmp.path());
        let engine_pod = deployment.engine_pod().clone();
        let namespace = deployment.namespace();
        let service_account = engine_pod["spec"]["serviceAccountName"]
            .as_str()
            .unwrap_or("default")
            .to_string();
        let api = ApiServer::start(
            PodHost {
                deployment: Deployment {
                    objects: deployment.objects.clone(),
                },
                shared_volume: work_dir.clone(),
                pods_dir: tmp.path().join("pods"),
                worker_path: packages.worker_bin(&tmp.path().join("worker-bin")),
            },
            ServiceAccount {
                namespace,
                name: service_account.clone(),
            },
        );

        // The engine pod, with the in-cluster Redis address swapped for the local one.
        let exit_file = tmp.path().join("hflow-exit-code");
        let engine_path = packages.engine_bin(&tmp.path().join("engine-bin"), &exit_file);
        let swaps: Vec<(String, String)> = engine_env_value(&engine_pod, "REDIS_URL")
            .map(|cluster_url| (cluster_url, redis.url()))
            .into_iter()
            .collect();
        let node = Node {
            deployment: &deployment,
            shared_volume: &work_dir,
            pods_dir: &tmp.path().join("pods"),
        };
        let prepared = node
            .prepare_pod("hyperflow-engine-0", &engine_pod, &engine_path, &swaps)
            .unwrap_or_else(|problem| {
                panic!("{scenario}: the engine pod cannot start: {}", problem.0)
            });
        if mounts_token(&deployment, &engine_pod, &service_account) {
            // In the cluster the client library reads the mounted token; here it reads a
            // kubeconfig in $HOME with the same identity.
            let home = prepared
                .env("HOME")
                .unwrap_or_else(|| panic!("{scenario}: the engine pod sets no HOME"));
            let kube = Path::new(home).join(".kube");
            std::fs::create_dir_all(&kube).expect("create $HOME/.kube");
            std::fs::write(kube.join("config"), api.kubeconfig()).expect("write the kubeconfig");
        }
        let mut engine = prepared.start();

        let start = Instant::now();
        let ended = wait_until(self.time_bound, || {
            exit_file.exists() || engine.process.exit_code().is_some()
        });
        let elapsed = start.elapsed();
        if ended {
            // What the start-up script does after hflow (the postprocStart marker) takes a moment.
            wait_until(Duration::from_secs(2), || {
                engine.process.exit_code().is_some()
            });
        }
        let hflow_exit_code = std::fs::read_to_string(&exit_file)
            .ok()
            .and_then(|code| code.trim().parse().ok());
        drop(engine.process);
        let engine_log = std::fs::read_to_string(&engine.log).unwrap_or_default();

        let mut state = api.state.lock().expect("cluster state");
        let pods = state
            .pods
            .iter_mut()
            .map(|pod| PodOutcome {
                name: pod.name.clone(),
                exit: pod.process.exit_code(),
                log: std::fs::read_to_string(&pod.log).unwrap_or_default(),
            })
            .collect();
        let requests = state.requests.clone();
        let jobs = state.jobs.clone();
        drop(state);
        drop(api);
        drop(redis);
        Run {
            hflow_exit_code,
            engine_log,
            requests,
            jobs,
            pods,
            elapsed,
            work_dir,
            scenario,
            _tmp: tmp,
        }
    }
}

/// Whether the pod gets its ServiceAccount's token: the pod's own setting wins over the
/// ServiceAccount's, and both default to yes.
fn mounts_token(deployment: &Deployment, pod: &Value, service_account: &str) -> bool {
    let account_setting = deployment
        .find("ServiceAccount", service_account)
        .and_then(|account| account["automountServiceAccountToken"].as_bool());
    pod["spec"]["automountServiceAccountToken"]
        .as_bool()
        .or(account_setting)
        .unwrap_or(true)
}

fn copy_workflow(workflow: &str, to: &Path) {
    let from = crate::common::repo_root()
        .join("tests/e2e/workflows")
        .join(workflow);
    std::fs::create_dir_all(to).expect("create the shared volume");
    let entries = std::fs::read_dir(&from)
        .unwrap_or_else(|err| panic!("workflow folder {}: {err}", from.display()));
    for entry in entries {
        let entry = entry.expect("a workflow file");
        std::fs::copy(entry.path(), to.join(entry.file_name())).expect("copy a workflow file");
    }
}

impl Run {
    /// A file of the shared volume, if it exists.
    pub fn file(&self, name: &str) -> Option<String> {
        std::fs::read_to_string(self.work_dir.join(name)).ok()
    }

    /// Everything a failed assertion should show: the scenario, hflow's end, the API requests,
    /// each pod's end and log tail, and the engine log's tail.
    pub fn describe(&self) -> String {
        let mut text = format!(
            "{}\nhflow exit code: {:?} after {:.1} s\nAPI requests:\n",
            self.scenario,
            self.hflow_exit_code,
            self.elapsed.as_secs_f64()
        );
        for request in &self.requests {
            text.push_str(&format!("  {request}\n"));
        }
        for pod in &self.pods {
            text.push_str(&format!(
                "pod {} exit {:?}:\n{}\n",
                pod.name,
                pod.exit,
                tail(&pod.log, 15)
            ));
        }
        text.push_str(&format!("engine log:\n{}", tail(&self.engine_log, 40)));
        text
    }
}

fn tail(text: &str, lines: usize) -> String {
    let all: Vec<&str> = text.lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}
