//! Worker pools in the harness: RabbitMQ from Debian in place of the rendered `rabbitmq`
//! Deployment (its user from that container's env), the Secret `hfgen setup` would create, and each pool's workers started from
//! the rendered Deployment's pod template. KEDA is not run: each pool gets the replicas KEDA
//! would scale it to for a queue that holds more messages than workers (its
//! `maxReplicaCount`, at most [`MOST_REPLICAS`] here).

use super::deployment::Deployment;
use super::kubelet::{Node, Pod, Secrets};
use super::rabbitmq::{Queue, RabbitMq};
use serde_json::Value;
use std::path::Path;

/// The Secret the render reads RabbitMQ's credentials from (`hfgen setup` makes it).
pub const SECRET: &str = "hyperflow-rabbitmq";
const USER: &str = "hyperflow";
/// A stand-in for the 48 hex characters `hfgen setup` draws.
const PASSWORD: &str = "0123456789abcdef0123456789abcdef0123456789abcdef";
/// Workers started per pool, whatever maxReplicaCount says: the machine has two cores.
const MOST_REPLICAS: u64 = 2;

/// RabbitMQ and what the pods need to reach it.
pub struct Broker {
    pub rabbitmq: RabbitMq,
    /// The in-cluster AMQP address the render names, and the broker's loopback one.
    pub swap: (String, String),
}

/// What `hfgen setup` creates when the render deploys RabbitMQ: the Secret with its
/// credentials (the management URL names the in-cluster Service, as setup writes it).
pub fn create_secret(deployment: &Deployment, secrets: &mut Secrets) {
    if deployment.find("Service", "rabbitmq").is_none() {
        return;
    }
    let namespace = deployment.namespace();
    secrets.insert(
        SECRET.to_string(),
        [
            ("username", USER.to_string()),
            ("password", PASSWORD.to_string()),
            (
                "management-url",
                format!("http://{USER}:{PASSWORD}@rabbitmq.{namespace}.svc.cluster.local:15672"),
            ),
        ]
        .into_iter()
        .map(|(key, value)| (key.to_string(), value))
        .collect(),
    );
}

/// `secrets` with another RabbitMQ password, as if someone made the Secret anew.
pub fn rotated_password(secrets: &Secrets) -> Secrets {
    let mut rotated = secrets.clone();
    if let Some(secret) = rotated.get_mut(SECRET) {
        secret.insert("password".to_string(), PASSWORD.replace('0', "f"));
    }
    rotated
}

impl Broker {
    /// A broker in place of the rendered `rabbitmq` Deployment, if the render has one: its
    /// user comes from that container's env as the kubelet resolves it from the Secret.
    pub fn start(
        deployment: &Deployment,
        node: &Node,
        dir: &Path,
        scenario: &str,
    ) -> Option<Broker> {
        let service = deployment.find("Service", "rabbitmq")?;
        let rabbitmq = deployment
            .find("Deployment", "rabbitmq")
            .unwrap_or_else(|| panic!("{scenario}: a rabbitmq Service without its Deployment"));
        let env = node
            .resolved_env("rabbitmq-1", &rabbitmq["spec"]["template"])
            .unwrap_or_else(|problem| panic!("{scenario}: RabbitMQ cannot start: {}", problem.0));
        let amqp_port = service["spec"]["ports"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|port| port["name"] == "amqp")
            .and_then(|port| port["port"].as_u64())
            .expect("the rabbitmq Service has an amqp port");
        let rabbitmq = RabbitMq::start_from_container_env(&dir.join("rabbitmq"), &env);
        let loopback = format!("127.0.0.1:{}", rabbitmq.port);
        Some(Broker {
            rabbitmq,
            swap: (
                format!(
                    "rabbitmq.{}.svc.cluster.local:{amqp_port}",
                    deployment.namespace()
                ),
                loopback,
            ),
        })
    }

    pub fn queues(&self) -> Vec<Queue> {
        self.rabbitmq.queues()
    }
}

/// The pools of the render: Deployments whose workers consume a queue (`QUEUE_NAME`).
pub fn pool_deployments(deployment: &Deployment) -> Vec<&Value> {
    deployment
        .objects
        .iter()
        .filter(|object| object["kind"] == "Deployment")
        .filter(|object| {
            object["spec"]["template"]["spec"]["containers"][0]["env"]
                .as_array()
                .is_some_and(|env| env.iter().any(|var| var["name"] == "QUEUE_NAME"))
        })
        .collect()
}

/// Starts each pool's workers, as KEDA would scale them up for a full queue.
pub fn start_workers(
    deployment: &Deployment,
    node: &Node,
    path: &Path,
    swaps: &[(String, String)],
    scenario: &str,
) -> Vec<Pod> {
    let mut pods = Vec::new();
    for pool in pool_deployments(deployment) {
        let name = pool["metadata"]["name"].as_str().unwrap_or_default();
        let scaled = deployment
            .find("ScaledObject", name)
            .unwrap_or_else(|| panic!("{scenario}: no ScaledObject scales the pool {name}"));
        let replicas = scaled["spec"]["maxReplicaCount"]
            .as_u64()
            .unwrap_or(1)
            .min(MOST_REPLICAS);
        for replica in 1..=replicas {
            let pod = node
                .prepare_pod(
                    &format!("{name}-{replica}"),
                    &pool["spec"]["template"],
                    path,
                    swaps,
                )
                .unwrap_or_else(|problem| {
                    panic!("{scenario}: a worker of {name} cannot start: {}", problem.0)
                });
            pods.push(pod.start());
        }
    }
    pods
}
