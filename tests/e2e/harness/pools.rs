//! Worker pools in the harness: RabbitMQ from Debian (with its management API) in place of
//! the rendered `rabbitmq` Deployment, its user from that container's env, and the Secret
//! `hfgen setup` would create. The workers are started by the KEDA stand-in
//! ([`super::keda`]).

use super::deployment::Deployment;
use super::kubelet::{Node, Secrets};
use super::rabbitmq::{Queue, RabbitMq};
use hfgen::plan::{
    RABBITMQ_MANAGEMENT_PORT, RABBITMQ_SECRET as SECRET, RABBITMQ_SERVICE, RABBITMQ_USER as USER,
};
use std::path::Path;

/// A stand-in for the 48 hex characters `hfgen setup` draws.
const PASSWORD: &str = "0123456789abcdef0123456789abcdef0123456789abcdef";

/// RabbitMQ and what the pods need to reach it.
pub struct Broker {
    rabbitmq: RabbitMq,
    /// The in-cluster AMQP address the render names, and the broker's loopback one.
    pub swap: (String, String),
    /// The same for the management API (the Secret's management-url names it).
    pub management_swap: (String, String),
}

/// What `hfgen setup` creates when the render deploys RabbitMQ: the Secret with its
/// credentials (the management URL names the in-cluster Service, as setup writes it).
pub fn create_secret(deployment: &Deployment, secrets: &mut Secrets) {
    if deployment.find("Service", RABBITMQ_SERVICE).is_none() {
        return;
    }
    let host = in_cluster_host(deployment);
    secrets.insert(
        SECRET.to_string(),
        [
            ("username", USER.to_string()),
            ("password", PASSWORD.to_string()),
            (
                "management-url",
                format!("http://{USER}:{PASSWORD}@{host}:{RABBITMQ_MANAGEMENT_PORT}"),
            ),
        ]
        .into_iter()
        .map(|(key, value)| (key.to_string(), value))
        .collect(),
    );
}

/// RabbitMQ's Service as the render's pods name it.
fn in_cluster_host(deployment: &Deployment) -> String {
    format!(
        "{RABBITMQ_SERVICE}.{}.svc.cluster.local",
        deployment.namespace()
    )
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
        let service = deployment.find("Service", RABBITMQ_SERVICE)?;
        let rabbitmq = deployment
            .find("Deployment", RABBITMQ_SERVICE)
            .unwrap_or_else(|| panic!("{scenario}: a rabbitmq Service without its Deployment"));
        let env = node
            .resolved_env("rabbitmq-1", &rabbitmq["spec"]["template"])
            .unwrap_or_else(|problem| panic!("{scenario}: RabbitMQ cannot start: {}", problem.0));
        let port = |name: &str| {
            service["spec"]["ports"]
                .as_array()
                .into_iter()
                .flatten()
                .find(|port| port["name"] == name)
                .and_then(|port| port["port"].as_u64())
                .unwrap_or_else(|| panic!("{scenario}: the rabbitmq Service has no {name} port"))
        };
        let conf_d = conf_d_files(deployment, &rabbitmq["spec"]["template"], scenario);
        let rabbitmq = RabbitMq::start(&dir.join("rabbitmq"), &env, &conf_d);
        let in_cluster = in_cluster_host(deployment);
        let management = rabbitmq.management_port;
        Some(Broker {
            swap: (
                format!("{in_cluster}:{}", port("amqp")),
                format!("127.0.0.1:{}", rabbitmq.port),
            ),
            management_swap: (
                format!("{in_cluster}:{}", port("management")),
                format!("127.0.0.1:{management}"),
            ),
            rabbitmq,
        })
    }

    pub fn queues(&self) -> Vec<Queue> {
        self.rabbitmq.queues()
    }

    /// The memory at which the broker blocks publishers, in bytes.
    pub fn memory_limit(&self) -> u64 {
        self.rabbitmq.memory_limit()
    }
}

/// The image's own settings directory: the official image keeps `10-defaults.conf` there.
const CONF_D: &str = "/etc/rabbitmq/conf.d";

/// The files the rabbitmq pod mounts into the image's `conf.d`, as the kubelet places them:
/// each a ConfigMap key by `subPath`. A mount over the whole directory hides the image's
/// `10-defaults.conf` (`log.console = true`): the broker would log to a file on the read-only
/// root and stop, which the harness refuses to pretend otherwise.
fn conf_d_files(
    deployment: &Deployment,
    pod: &serde_json::Value,
    scenario: &str,
) -> Vec<(String, String)> {
    let spec = &pod["spec"];
    let mut files = Vec::new();
    for mount in spec["containers"][0]["volumeMounts"]
        .as_array()
        .into_iter()
        .flatten()
    {
        let path = mount["mountPath"].as_str().unwrap_or_default();
        if path == CONF_D || CONF_D.starts_with(&format!("{path}/")) {
            panic!("{scenario}: a volume at {path} hides the image's {CONF_D}/10-defaults.conf");
        }
        let Some(name) = path.strip_prefix(&format!("{CONF_D}/")) else {
            continue;
        };
        let volume = spec["volumes"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|volume| volume["name"] == mount["name"])
            .unwrap_or_else(|| panic!("{scenario}: no volume for {path}"));
        let config_map = volume["configMap"]["name"].as_str().unwrap_or_default();
        let key = mount["subPath"].as_str().unwrap_or_default();
        let text = deployment
            .find("ConfigMap", config_map)
            .and_then(|map| map["data"][key].as_str())
            .unwrap_or_else(|| {
                panic!("{scenario}: {path}: no key {key:?} in ConfigMap {config_map:?}")
            });
        files.push((name.to_string(), text.to_string()));
    }
    files
}
