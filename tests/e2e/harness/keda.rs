//! A stand-in for KEDA, driven by the rendered objects. For each ScaledObject it reads its
//! queue's length as KEDA's `rabbitmq` scaler does with `protocol: http`: from RabbitMQ's
//! management API (`GET <host>/api/queues/%2F/<queueName>`, `messages` = ready and
//! unacknowledged), with the host URL and credentials that the TriggerAuthentication takes
//! from the Secret. Every `pollingInterval` it scales the target Deployment up to
//! ceil(messages / value) workers within `minReplicaCount..maxReplicaCount`, starting pods
//! from the Deployment's template. It never scales down: the harness ends the workers with
//! TERM, as KEDA's scale-down after `cooldownPeriod` would.

use super::deployment::Deployment;
use super::kubelet::{Node, Pod, Secrets};
use base64::Engine as _;
use serde_json::Value;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Workers started per pool at most, whatever maxReplicaCount says: the machine has two cores.
const MOST_REPLICAS: u64 = 2;

/// `bench/workflow` raises [`MOST_REPLICAS`] to its cluster's worker slots (0: the constant).
static MOST_REPLICAS_OVERRIDE: AtomicU64 = AtomicU64::new(0);

/// Pools started after this call get up to `replicas` workers (0: back to [`MOST_REPLICAS`]).
#[allow(dead_code)] // bench/workflow's, not the e2e tests'
pub fn set_most_replicas(replicas: u64) {
    MOST_REPLICAS_OVERRIDE.store(replicas, Ordering::SeqCst);
}

fn most_replicas() -> u64 {
    match MOST_REPLICAS_OVERRIDE.load(Ordering::SeqCst) {
        0 => MOST_REPLICAS,
        replicas => replicas,
    }
}

/// One ScaledObject, resolved against the render and the Secrets.
struct ScaledPool {
    deployment: String,
    template: Value,
    queue: String,
    messages_per_replica: u64,
    min: u64,
    max: u64,
    polling: Duration,
    api: ManagementApi,
}

/// Where the management API is, and the login, from the Secret's URL.
struct ManagementApi {
    address: String,
    authorization: String,
}

/// What the stand-in saw and did at one poll that changed something.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scaling {
    pub deployment: String,
    pub messages: u64,
    pub replicas: u64,
}

pub struct Keda {
    pools: Vec<ScaledPool>,
}

impl Keda {
    /// The ScaledObjects of the render; `management_swap` replaces the in-cluster
    /// `host:port` of the management API (as the Secret names it) with the local one.
    pub fn from_render(
        deployment: &Deployment,
        secrets: &Secrets,
        management_swap: &(String, String),
        scenario: &str,
    ) -> Keda {
        let mut pools = Vec::new();
        for scaled in deployment
            .objects
            .iter()
            .filter(|object| object["kind"] == "ScaledObject")
        {
            let spec = &scaled["spec"];
            let target = spec["scaleTargetRef"]["name"].as_str().unwrap_or_default();
            let template = deployment
                .find("Deployment", target)
                .unwrap_or_else(|| fail(scenario, format!("no Deployment {target} to scale")))
                ["spec"]["template"]
                .clone();
            let [trigger] = spec["triggers"]
                .as_array()
                .map(Vec::as_slice)
                .unwrap_or_default()
            else {
                fail(scenario, format!("{target}: the harness reads one trigger"));
            };
            let metadata = &trigger["metadata"];
            let text = |key: &str| metadata[key].as_str().unwrap_or_default().to_string();
            if trigger["type"] != "rabbitmq"
                || text("mode") != "QueueLength"
                || text("protocol") != "http"
            {
                fail(scenario, format!("{target}: the harness reads rabbitmq QueueLength over http only: {trigger}"));
            }
            let url = management_url(deployment, secrets, trigger, scenario);
            pools.push(ScaledPool {
                deployment: target.to_string(),
                template,
                queue: text("queueName"),
                messages_per_replica: text("value").parse().unwrap_or(0),
                min: spec["minReplicaCount"].as_u64().unwrap_or(0),
                max: spec["maxReplicaCount"].as_u64().unwrap_or(100),
                polling: Duration::from_secs(spec["pollingInterval"].as_u64().unwrap_or(30)),
                api: ManagementApi::from_url(&url.replace(&management_swap.0, &management_swap.1)),
            });
        }
        Keda { pools }
    }

    /// Polls and scales until `stop`; started pods go to `workers`, each scaling to `log`.
    pub fn run(
        &self,
        node: &Node,
        path: &Path,
        swaps: &[(String, String)],
        stop: &AtomicBool,
        workers: &Mutex<Vec<Pod>>,
        log: &Mutex<Vec<Scaling>>,
    ) {
        let mut replicas: Vec<u64> = vec![0; self.pools.len()];
        let mut next_poll = vec![Instant::now(); self.pools.len()];
        while !stop.load(Ordering::SeqCst) {
            for (index, pool) in self.pools.iter().enumerate() {
                if Instant::now() < next_poll[index] {
                    continue;
                }
                next_poll[index] = Instant::now() + pool.polling;
                let messages = pool.api.queue_messages(&pool.queue);
                let wanted = messages
                    .div_ceil(pool.messages_per_replica.max(1))
                    .clamp(pool.min, pool.max)
                    .min(most_replicas());
                while replicas[index] < wanted {
                    replicas[index] += 1;
                    let name = format!("{}-{}", pool.deployment, replicas[index]);
                    let pod = node
                        .prepare_pod(&name, &pool.template, path, swaps)
                        .unwrap_or_else(|problem| panic!("{name} cannot start: {}", problem.0));
                    workers.lock().expect("workers").push(pod.start());
                    log.lock().expect("scalings").push(Scaling {
                        deployment: pool.deployment.clone(),
                        messages,
                        replicas: replicas[index],
                    });
                }
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

/// The TriggerAuthentication's `host` parameter, read from its Secret.
fn management_url(
    deployment: &Deployment,
    secrets: &Secrets,
    trigger: &Value,
    scenario: &str,
) -> String {
    let auth_name = trigger["authenticationRef"]["name"]
        .as_str()
        .unwrap_or_default();
    let auth = deployment
        .find("TriggerAuthentication", auth_name)
        .unwrap_or_else(|| fail(scenario, format!("no TriggerAuthentication {auth_name}")));
    let reference = auth["spec"]["secretTargetRef"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|reference| reference["parameter"] == "host")
        .unwrap_or_else(|| fail(scenario, format!("{auth_name} gives no host parameter")));
    let secret = reference["name"].as_str().unwrap_or_default();
    let key = reference["key"].as_str().unwrap_or_default();
    secrets
        .get(secret)
        .and_then(|data| data.get(key))
        .cloned()
        .unwrap_or_else(|| fail(scenario, format!("Secret {secret} has no key {key}")))
}

fn fail(scenario: &str, why: String) -> ! {
    panic!("{scenario}: KEDA stand-in: {why}")
}

impl ManagementApi {
    /// `http://user:password@host:port` (the form `hfgen setup` writes).
    fn from_url(url: &str) -> ManagementApi {
        let rest = url
            .strip_prefix("http://")
            .expect("an http:// management URL");
        let (login, address) = rest.rsplit_once('@').expect("credentials in the URL");
        ManagementApi {
            address: address.trim_end_matches('/').to_string(),
            authorization: base64::engine::general_purpose::STANDARD.encode(login),
        }
    }

    /// `messages` of the queue in the default vhost; 0 while the queue does not exist yet
    /// (KEDA then reports an error and keeps the replicas it has).
    fn queue_messages(&self, queue: &str) -> u64 {
        let path = format!("/api/queues/%2F/{queue}");
        let request = format!(
            "GET {path} HTTP/1.0\r\nHost: {}\r\nAuthorization: Basic {}\r\n\r\n",
            self.address, self.authorization
        );
        let Ok(mut stream) = TcpStream::connect(&self.address) else {
            return 0;
        };
        let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
        let mut response = String::new();
        if stream.write_all(request.as_bytes()).is_err()
            || stream.read_to_string(&mut response).is_err()
        {
            return 0;
        }
        let status = response.split_whitespace().nth(1).unwrap_or_default();
        assert!(
            status != "401",
            "the management API refused the login from the Secret's management-url"
        );
        let body = response.split_once("\r\n\r\n").map_or("", |(_, body)| body);
        serde_json::from_str::<Value>(body)
            .ok()
            .and_then(|queue| queue["messages"].as_u64())
            .unwrap_or(0)
    }
}
