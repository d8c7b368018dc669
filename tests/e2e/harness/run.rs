//! One scenario: render a profile, start Redis, the API stand-in and the engine pod, and
//! watch the workflow run until hflow ends or the scenario's time bound passes.

use super::api_server::{ApiServer, LoggedRequest, PodHost};
use super::data_job::{self, ArchiveServer, DataOutcome, DataSpeed};
use super::deployment::{engine_env_value, Deployment};
use super::job_controller::{self, JobStatus};
use super::keda::{Keda, Scaling};
use super::kubelet::Pod;
use super::kubelet::{Node, Secrets};
use super::node::NodePackages;
use super::pools::Broker;
use super::processes::{tail, wait_until};
use super::rabbitmq::Queue;
use super::rbac::ServiceAccount;
use super::redis::Redis;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};
use tempfile::TempDir;

/// A change to the rendered objects before the run.
type Edit = Box<dyn Fn(&mut Deployment) + Send>;

pub struct Scenario {
    workflow: String,
    render_args: Vec<String>,
    time_bound: Duration,
    edits: Vec<Edit>,
    restart_engine: bool,
    rotate_rabbitmq_password: bool,
    data_archive: bool,
    data_speed: DataSpeed,
    kill_data_pod_after: Option<Duration>,
}

/// What a scenario run showed.
pub struct Run {
    /// The engine Job's state when its pod ended (or `Active` at the time bound).
    pub job_status: JobStatus,
    /// The engine pod: its exit code and log.
    pub engine: PodOutcome,
    /// hflow's exit code of each time the engine ran the workflow.
    pub hflow_runs: Vec<i32>,
    pub requests: Vec<LoggedRequest>,
    /// Every Job the stand-in admitted, as the engine's client library sent it.
    pub jobs: Vec<Value>,
    /// The worker pods.
    pub pods: Vec<PodOutcome>,
    /// The worker pools' pods (`execution.mode = "pools"`).
    pub pool_workers: Vec<PodOutcome>,
    /// What the KEDA stand-in did: each worker it started, and the queue length it saw.
    pub scalings: Vec<Scaling>,
    /// RabbitMQ's queues after the run (pools only).
    pub queues: Vec<Queue>,
    /// The memory at which RabbitMQ blocks publishers, in bytes (pools only).
    pub broker_memory_limit: Option<u64>,
    /// The post-processing pods (log parser, viz-trace), when the render has them.
    pub postprocess: Vec<PodOutcome>,
    /// What the post-processing images' programs were asked to do, one line a call.
    pub postprocess_calls: String,
    /// A second pod of the same engine Job, started after the first ended (a node came back).
    pub restarted: Option<(JobStatus, PodOutcome)>,
    /// The data Job, started with the engine.
    pub data: DataOutcome,
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

impl Run {
    /// hflow's exit code of the first run; `None` if it never ended.
    pub fn hflow_exit_code(&self) -> Option<i32> {
        self.hflow_runs.first().copied()
    }

    /// Everything the engine said: its pod's log and hflow's own log on the shared volume.
    pub fn engine_output(&self) -> String {
        format!(
            "{}\n{}",
            self.engine.log,
            self.file("hfgen-engine.log").unwrap_or_default()
        )
    }

    /// The run's status record (`hfgen-run.json` on the shared volume).
    pub fn status_record(&self) -> Value {
        self.file("hfgen-run.json")
            .and_then(|text| serde_json::from_str(&text).ok())
            .unwrap_or(Value::Null)
    }
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
            restart_engine: false,
            rotate_rabbitmq_password: false,
            data_archive: false,
            data_speed: DataSpeed::Local,
            kill_data_pod_after: None,
        }
    }

    /// The workflow data comes as a `.tar.gz` with `workflow.json` first (`data.source =
    /// "url"`), not from the data image.
    pub fn data_from_archive(mut self) -> Scenario {
        self.data_archive = true;
        self
    }

    /// The data pod writes to a slow volume ([`DataSpeed::Slow`]).
    pub fn slow_data_volume(mut self) -> Scenario {
        self.data_speed = DataSpeed::Slow;
        self
    }

    /// The data pod's first run is killed this long after it started; its Job restarts it.
    pub fn kill_data_pod_after(mut self, after: Duration) -> Scenario {
        self.kill_data_pod_after = Some(after);
        self
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

    /// After the engine pod ends, start another pod of the same Job, as if its node came back.
    pub fn restart_engine_after_the_run(mut self) -> Scenario {
        self.restart_engine = true;
        self
    }

    /// After RabbitMQ started, its Secret gets another password (a second Secret made by
    /// hand): the engine and the workers then log in with one RabbitMQ does not know.
    pub fn rotate_rabbitmq_password(mut self) -> Scenario {
        self.rotate_rabbitmq_password = true;
        self
    }

    pub fn run(self) -> Run {
        let packages = NodePackages::installed();
        let tmp = tempfile::Builder::new()
            .prefix("hfgen-e2e-")
            .tempdir()
            .expect("a temporary folder");
        // The data image's /data: the workflow folder.
        let image_data = crate::common::repo_root()
            .join("tests/e2e/workflows")
            .join(&self.workflow);
        let archive = self
            .data_archive
            .then(|| ArchiveServer::start(&image_data, &tmp.path().join("archive")));
        let mut render_args = self.render_args.clone();
        if !render_args.iter().any(|arg| arg == "--profile") {
            render_args.extend(["--profile".to_string(), "gke".to_string()]);
        }
        for set in archive.iter().flat_map(ArchiveServer::profile_sets) {
            render_args.extend(["--set".to_string(), set]);
        }
        let args: Vec<&str> = render_args.iter().map(String::as_str).collect();
        let mut deployment = Deployment::render(&args);
        for edit in &self.edits {
            edit(&mut deployment);
        }
        let scenario = format!(
            "workflow {} with `hfgen render {}`",
            self.workflow,
            args.join(" ")
        );

        let work_dir = tmp.path().join("volume");
        std::fs::create_dir_all(&work_dir).expect("create the shared volume");
        let redis = Redis::start(tmp.path());
        // What `hfgen setup` would have created in the namespace; the job mode reads none.
        let mut secrets = Secrets::new();
        super::pools::create_secret(&deployment, &mut secrets);
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
                secrets: secrets.clone(),
            },
            ServiceAccount {
                namespace,
                name: service_account.clone(),
            },
        );

        let node = Node {
            deployment: &deployment,
            shared_volume: &work_dir,
            pods_dir: &tmp.path().join("pods"),
            secrets: &secrets,
        };
        let broker = Broker::start(&deployment, &node, tmp.path(), &scenario);
        let rotated = super::pools::rotated_password(&secrets);
        let node = if self.rotate_rabbitmq_password {
            Node {
                secrets: &rotated,
                ..node
            }
        } else {
            node
        };
        let exit_file = tmp.path().join("hflow-exit-codes");
        let engine_pod = EnginePod {
            template: engine_pod,
            path: packages.engine_bin(&tmp.path().join("engine-bin"), &exit_file),
            // The in-cluster Redis and RabbitMQ addresses, swapped for the local ones.
            swaps: engine_env_value(deployment.engine_pod(), "REDIS_URL")
                .map(|cluster_url| (cluster_url, redis.url()))
                .into_iter()
                .chain(broker.as_ref().map(|broker| broker.swap.clone()))
                .collect(),
            kubeconfig: mounts_token(&deployment, deployment.engine_pod(), &service_account)
                .then(|| api.kubeconfig()),
        };
        let keda = broker.as_ref().map(|broker| {
            Keda::from_render(
                &deployment,
                node.secrets,
                &broker.management_swap,
                &scenario,
            )
        });
        let pool_path = packages.worker_bin(&tmp.path().join("pool-bin"));
        let pool_workers: Mutex<Vec<Pod>> = Mutex::default();
        let scalings: Mutex<Vec<Scaling>> = Mutex::default();
        let keda_stop = AtomicBool::new(false);
        let start = Instant::now();
        let mut engine = engine_pod.start(&node, "hyperflow-engine-1", &scenario);
        // Applied with the run, the post-processing Jobs start at once and wait for its end.
        let calls = tmp.path().join("postprocess-calls");
        let postprocess_path =
            packages.postprocess_bin(&tmp.path().join("postprocess-bin"), &calls);
        let mut postprocess: Vec<Pod> = ["logs-parser", "viz-exec-trace"]
            .into_iter()
            .filter_map(|name| deployment.find("Job", name))
            .map(|job| {
                let name = format!("{}-1", job["metadata"]["name"].as_str().unwrap());
                node.prepare_pod(&name, &job["spec"]["template"], &postprocess_path, &[])
                    .unwrap_or_else(|problem| panic!("{scenario}: {}", problem.0))
                    .start()
            })
            .collect();

        let job = deployment.engine_workload();
        let data_bin = data_job::data_bin(&tmp.path().join("data-bin"), self.data_speed);
        let data_swaps: Vec<(String, String)> = archive.iter().map(ArchiveServer::swap).collect();
        // The data Job is applied with the engine: both pods start now. KEDA sizes the pools
        // while the run goes on.
        let (job_status, data) = std::thread::scope(|scope| {
            let data = scope.spawn(|| {
                data_job::run(
                    &deployment,
                    &node,
                    &image_data,
                    &data_bin,
                    &data_swaps,
                    self.kill_data_pod_after,
                    self.time_bound,
                )
            });
            if let Some(keda) = &keda {
                scope.spawn(|| {
                    keda.run(
                        &node,
                        &pool_path,
                        &engine_pod.swaps,
                        &keda_stop,
                        &pool_workers,
                        &scalings,
                    )
                });
            }
            let status = job_controller::run_to_end(job, &mut engine, self.time_bound);
            keda_stop.store(true, Ordering::SeqCst);
            (status, data.join().expect("the data Job's thread"))
        });
        drop(archive);
        let elapsed = start.elapsed();
        if job_status != JobStatus::Active {
            // They poll every 5 s; the bound leaves room for a machine loaded by other test
            // binaries (a 20 s bound let a logs-parser pod still be waiting under load 15).
            wait_all_ended(&mut postprocess, Duration::from_secs(60));
        }
        let engine = PodOutcome::of(engine);
        let restarted = self.restart_engine.then(|| {
            let mut pod = engine_pod.start(&node, "hyperflow-engine-2", &scenario);
            let status = job_controller::run_to_end(job, &mut pod, Duration::from_secs(30));
            (status, PodOutcome::of(pod))
        });
        let postprocess = postprocess.into_iter().map(PodOutcome::of).collect();
        let hflow_runs = std::fs::read_to_string(&exit_file)
            .unwrap_or_default()
            .lines()
            .filter_map(|code| code.trim().parse().ok())
            .collect();

        let queues = broker.as_ref().map(Broker::queues).unwrap_or_default();
        let broker_memory_limit = broker.as_ref().map(Broker::memory_limit);
        // KEDA scales an idle pool down: each worker gets TERM and stops taking messages.
        let mut pool_workers = pool_workers.into_inner().expect("pool workers");
        for pod in &pool_workers {
            pod.process.terminate();
        }
        wait_all_ended(&mut pool_workers, Duration::from_secs(15));
        let pool_workers = pool_workers.into_iter().map(PodOutcome::of).collect();
        drop(broker);
        let mut state = api.state.lock().expect("cluster state");
        let pods = state.pods.drain(..).map(PodOutcome::of).collect();
        let requests = state.requests.clone();
        let jobs = state.jobs.clone();
        drop(state);
        drop(api);
        drop(redis);
        Run {
            job_status,
            engine,
            hflow_runs,
            requests,
            jobs,
            pods,
            pool_workers,
            scalings: scalings.into_inner().expect("scalings"),
            queues,
            broker_memory_limit,
            postprocess,
            postprocess_calls: std::fs::read_to_string(&calls).unwrap_or_default(),
            restarted,
            data,
            elapsed,
            work_dir,
            scenario,
            _tmp: tmp,
        }
    }
}

/// How the harness starts a pod of the engine Job.
struct EnginePod {
    template: Value,
    path: PathBuf,
    swaps: Vec<(String, String)>,
    /// In the cluster the client library reads the mounted token; here it reads a kubeconfig
    /// in $HOME with the same identity (`None`: the pod gets no token).
    kubeconfig: Option<String>,
}

/// The uid Kubernetes gives the engine Job, as its pods' label.
const ENGINE_JOB_UID: &str = "00000000-0000-0000-0000-0000000e2e01";

impl EnginePod {
    fn start(&self, node: &Node, name: &str, scenario: &str) -> Pod {
        let mut template = self.template.clone();
        // The Job controller labels every pod of a Job with the Job's uid.
        template["metadata"]["labels"]["batch.kubernetes.io/controller-uid"] =
            Value::from(ENGINE_JOB_UID);
        let prepared = node
            .prepare_pod(name, &template, &self.path, &self.swaps)
            .unwrap_or_else(|problem| {
                panic!("{scenario}: the engine pod cannot start: {}", problem.0)
            });
        if let Some(kubeconfig) = &self.kubeconfig {
            let home = prepared
                .env("HOME")
                .unwrap_or_else(|| panic!("{scenario}: the engine pod sets no HOME"));
            let kube = Path::new(home).join(".kube");
            std::fs::create_dir_all(&kube).expect("create $HOME/.kube");
            std::fs::write(kube.join("config"), kubeconfig).expect("write the kubeconfig");
        }
        prepared.start()
    }
}

impl PodOutcome {
    /// Stops the pod (if it still runs) and keeps how it ended and what it logged.
    fn of(mut pod: Pod) -> PodOutcome {
        let exit = pod.process.exit_code();
        drop(pod.process);
        PodOutcome {
            name: pod.name,
            exit,
            log: std::fs::read_to_string(&pod.log).unwrap_or_default(),
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

impl Run {
    /// A file of the shared volume, if it exists.
    pub fn file(&self, name: &str) -> Option<String> {
        std::fs::read_to_string(self.work_dir.join(name)).ok()
    }

    /// Everything a failed assertion should show: the scenario, hflow's end, the API requests,
    /// each pod's end and log tail, and the engine log's tail.
    pub fn describe(&self) -> String {
        let mut text = format!(
            "{}\nengine Job {:?} after {:.1} s, hflow runs {:?}, status record {}\nAPI requests:\n",
            self.scenario,
            self.job_status,
            self.elapsed.as_secs_f64(),
            self.hflow_runs,
            self.status_record()
        );
        for request in &self.requests {
            text.push_str(&format!("  {request}\n"));
        }
        for scaling in &self.scalings {
            text.push_str(&format!("  KEDA {scaling:?}\n"));
        }
        for queue in &self.queues {
            text.push_str(&format!("  queue {queue:?}\n"));
        }
        for pod in self
            .pods
            .iter()
            .chain(&self.pool_workers)
            .chain(&self.postprocess)
        {
            text.push_str(&format!(
                "pod {} exit {:?}:\n{}\n",
                pod.name,
                pod.exit,
                tail(&pod.log, 15)
            ));
        }
        for (run, (exit, log)) in self.data.job.attempts.iter().enumerate() {
            text.push_str(&format!(
                "data pod run {} exit {exit:?}:\n{}\n",
                run + 1,
                tail(log, 10)
            ));
        }
        if let Some((status, pod)) = &self.restarted {
            text.push_str(&format!(
                "restarted engine pod: {status:?}, exit {:?}:\n{}\n",
                pod.exit,
                tail(&pod.log, 10)
            ));
        }
        text.push_str(&format!(
            "engine pod exit {:?}, log:\n{}",
            self.engine.exit,
            tail(&self.engine.log, 40)
        ));
        text
    }
}

/// Waits at most `limit` until every pod of `pods` has ended.
fn wait_all_ended(pods: &mut [Pod], limit: Duration) {
    wait_until(limit, || {
        pods.iter_mut().all(|pod| pod.process.exit_code().is_some())
    });
}
