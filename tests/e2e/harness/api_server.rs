//! A stand-in for the Kubernetes API server, on loopback: it authenticates the engine's
//! ServiceAccount by its token, authorises every request against the rendered RBAC objects,
//! admits a posted Job only if kubernetes-validate's strict schemas and the API server's own
//! rules that matter here accept it (`admission.rs`, nothing of hfgen's validator), answers as the API server does, and starts the Job's pod like a
//! kubelet. Every request is logged. It serves only what the engine uses: creating Jobs.

use super::admission::Admission;
use super::deployment::Deployment;
use super::kubelet::{Node, Pod, Secrets};
use super::rbac::{self, Access, ServiceAccount};
use serde_json::{json, Value};
use std::io::Read;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;
use tiny_http::{Header, Response, Server};

/// One request as the stand-in saw and answered it.
#[derive(Clone, Debug)]
pub struct LoggedRequest {
    pub method: String,
    pub path: String,
    pub user: String,
    pub status: u16,
    pub message: String,
}

impl std::fmt::Display for LoggedRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} {} as {} -> {}",
            self.method, self.path, self.user, self.status
        )?;
        if !self.message.is_empty() {
            write!(f, " ({})", self.message)?;
        }
        Ok(())
    }
}

/// What the cluster has seen so far.
#[derive(Default)]
pub struct ClusterState {
    pub requests: Vec<LoggedRequest>,
    /// Every Job admitted, exactly as the engine's client library sent it.
    pub jobs: Vec<Value>,
    pub pods: Vec<Pod>,
}

/// Where admitted Jobs' pods run.
pub struct PodHost {
    pub deployment: Deployment,
    pub shared_volume: PathBuf,
    pub pods_dir: PathBuf,
    /// Folder with the worker image's programs (`hflow-job-execute`).
    pub worker_path: PathBuf,
    /// The Secrets the worker pods may read.
    pub secrets: Secrets,
}

pub struct ApiServer {
    pub port: u16,
    /// The bearer token of the engine's ServiceAccount.
    pub token: String,
    pub state: Arc<Mutex<ClusterState>>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl ApiServer {
    /// Serves on a free loopback port; `engine` is the ServiceAccount whose token it issues.
    pub fn start(host: PodHost, engine: ServiceAccount) -> ApiServer {
        let server = Server::http("127.0.0.1:0").expect("bind the API stand-in on 127.0.0.1");
        let port = server.server_addr().to_ip().expect("an IP listener").port();
        let token = format!("e2e-token-for-{}", engine.name);
        let state = Arc::new(Mutex::new(ClusterState::default()));
        let stop = Arc::new(AtomicBool::new(false));
        let cluster = Cluster {
            host,
            engine,
            token: token.clone(),
            state: Arc::clone(&state),
            admission: Mutex::new(Admission::start()),
        };
        let thread = {
            let stop = Arc::clone(&stop);
            std::thread::spawn(move || {
                while !stop.load(Ordering::Relaxed) {
                    if let Ok(Some(request)) = server.recv_timeout(Duration::from_millis(50)) {
                        cluster.serve(request);
                    }
                }
            })
        };
        ApiServer {
            port,
            token,
            state,
            stop,
            thread: Some(thread),
        }
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// A kubeconfig that points the engine's client library at this stand-in with the
    /// ServiceAccount's token (in the cluster it reads the same from its mounted token).
    pub fn kubeconfig(&self) -> String {
        format!(
            "apiVersion: v1\nkind: Config\nclusters:\n- name: e2e\n  cluster:\n    server: {}\n\
             users:\n- name: engine\n  user:\n    token: {}\ncontexts:\n- name: e2e\n  context:\n    \
             cluster: e2e\n    user: engine\ncurrent-context: e2e\n",
            self.url(),
            self.token
        )
    }
}

impl Drop for ApiServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
        // Dropping the pods kills their process groups.
        if let Ok(mut state) = self.state.lock() {
            state.pods.clear();
        }
    }
}

struct Cluster {
    host: PodHost,
    engine: ServiceAccount,
    token: String,
    state: Arc<Mutex<ClusterState>>,
    admission: Mutex<Admission>,
}

/// An answer: HTTP status and body.
struct Answer {
    status: u16,
    body: Value,
}

fn status_answer(code: u16, reason: &str, message: String) -> Answer {
    Answer {
        status: code,
        body: json!({
            "kind": "Status", "apiVersion": "v1", "metadata": {},
            "status": "Failure", "message": message, "reason": reason, "code": code,
        }),
    }
}

impl Cluster {
    fn serve(&self, mut request: tiny_http::Request) {
        let method = request.method().to_string();
        let path = request.url().to_string();
        let bearer = request
            .headers()
            .iter()
            .find(|header| header.field.equiv("Authorization"))
            .map(|header| {
                header
                    .value
                    .as_str()
                    .trim_start_matches("Bearer ")
                    .to_string()
            });
        let mut body = String::new();
        let read = request.as_reader().take(16 << 20).read_to_string(&mut body);

        let authenticated = bearer.as_deref() == Some(self.token.as_str());
        let user = if authenticated {
            self.engine.user()
        } else {
            "system:anonymous".to_string()
        };
        let answer = if !authenticated {
            status_answer(401, "Unauthorized", "Unauthorized".to_string())
        } else if read.is_err() {
            status_answer(400, "BadRequest", "the body is not UTF-8 text".to_string())
        } else {
            self.answer(&method, &path, &body)
        };

        let message = answer.body["message"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        self.state
            .lock()
            .expect("cluster state")
            .requests
            .push(LoggedRequest {
                method,
                path,
                user,
                status: answer.status,
                message,
            });
        let response = Response::from_string(answer.body.to_string())
            .with_status_code(answer.status)
            .with_header(
                Header::from_bytes("Content-Type", "application/json").expect("a valid header"),
            );
        let _ = request.respond(response);
    }

    fn answer(&self, method: &str, path: &str, body: &str) -> Answer {
        let route = path.split('?').next().unwrap_or_default();
        let parts: Vec<&str> = route.trim_matches('/').split('/').collect();
        // /apis/GROUP/VERSION/namespaces/NS/RESOURCE[/NAME] or /api/v1/namespaces/NS/RESOURCE[/NAME]
        let (group, rest) = match parts.as_slice() {
            ["apis", group, _version, rest @ ..] => (*group, rest),
            ["api", _version, rest @ ..] => ("", rest),
            _ => {
                return status_answer(404, "NotFound", format!("the server could not find {path}"))
            }
        };
        let (namespace, resource, name) = match rest {
            ["namespaces", namespace, resource] => (*namespace, *resource, None),
            ["namespaces", namespace, resource, name, ..] => (*namespace, *resource, Some(*name)),
            _ => return status_answer(404, "NotFound", format!("the stand-in serves no {path}")),
        };
        let verb = match (method, name) {
            ("POST", _) => "create",
            ("GET", Some(_)) => "get",
            ("GET", None) if path.contains("watch=true") => "watch",
            ("GET", None) => "list",
            ("PUT", _) => "update",
            ("PATCH", _) => "patch",
            ("DELETE", Some(_)) => "delete",
            ("DELETE", None) => "deletecollection",
            _ => {
                return status_answer(
                    405,
                    "MethodNotAllowed",
                    format!("{method} is not a Kubernetes verb"),
                )
            }
        };
        let access = Access {
            verb,
            group,
            resource,
            namespace,
        };
        if !rbac::allows(&self.host.deployment.objects, &self.engine, &access) {
            return status_answer(403, "Forbidden", access.forbidden_message(&self.engine));
        }
        if (group, resource, verb) != ("batch", "jobs", "create") {
            return status_answer(
                404,
                "NotFound",
                format!("the stand-in serves only job creation, not {verb} {resource}"),
            );
        }
        match serde_json::from_str::<Value>(body) {
            Ok(job) => self.create_job(namespace, job),
            Err(err) => status_answer(400, "BadRequest", format!("the body is not JSON: {err}")),
        }
    }

    fn create_job(&self, namespace: &str, mut job: Value) -> Answer {
        let name = job["metadata"]["name"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        let problems = self
            .admission
            .lock()
            .expect("admission")
            .problems(namespace, &job);
        if !problems.is_empty() {
            return status_answer(
                422,
                "Invalid",
                format!("Job.batch {name:?} is invalid: {}", problems.join(", ")),
            );
        }
        let mut state = self.state.lock().expect("cluster state");
        if state
            .jobs
            .iter()
            .any(|known| known["metadata"]["name"] == name.as_str())
        {
            return status_answer(
                409,
                "AlreadyExists",
                format!("jobs.batch {name:?} already exists"),
            );
        }
        state.jobs.push(job.clone());
        let pod_name = format!("{name}-{:05}", state.jobs.len());
        let node = Node {
            deployment: &self.host.deployment,
            shared_volume: &self.host.shared_volume,
            pods_dir: &self.host.pods_dir,
            secrets: &self.host.secrets,
        };
        match node.prepare_pod(
            &pod_name,
            &job["spec"]["template"],
            &self.host.worker_path,
            &[],
        ) {
            Ok(pod) => state.pods.push(pod.start()),
            // Admitted, but its pod cannot start: the Job stays active, as in a cluster.
            Err(problem) => eprintln!("e2e: {}", problem.0),
        }
        let metadata = &mut job["metadata"];
        metadata["namespace"] = json!(namespace);
        metadata["uid"] = json!(format!("00000000-0000-0000-0000-{:012}", state.jobs.len()));
        metadata["creationTimestamp"] = json!("2026-01-01T00:00:00Z");
        Answer {
            status: 201,
            body: job,
        }
    }
}
