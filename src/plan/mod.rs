//! The plan: everything a checked profile deploys, derived once, for the templates, `hfgen
//! setup` and the capacity check. Neither reads the profile's raw fields: each mode is an
//! enum here, matched exhaustively, so a new mode shows every decision that depends on it,
//! and the templates select their branches from these enums.

pub mod capacity;
mod modes;

pub use modes::{DataPlan, DataSourcePlan, ExecutionPlan, NfsExports, NfsServerPlan, StoragePlan};

use crate::layout::Component;
use crate::profile::model::{
    Cluster, Dns, Engine, NetworkPolicy, NfsAddress, Nodes, Platform, Postprocess, Profile,
    RbacMode, Tasks, WorkflowConfig,
};
use crate::profile::presets::{preset, Preset};
use crate::profile::resources::ResolvedResources;
use capacity::CapacityPlan;
use serde::Serialize;

/// The claim name of the storage types where hfgen renders the claim.
const NFS_CLAIM: &str = "nfs";
const STORAGE_CLASS_CLAIM: &str = "workflow-data";
const DEFAULT_CLAIM_SIZE: &str = "20Gi";

/// The Secret with RabbitMQ's credentials, which `hfgen setup` creates with a random
/// password (keys `username`, `password`, `management-url`): no secret is in a render.
pub const RABBITMQ_SECRET: &str = "hyperflow-rabbitmq";
/// The user in that Secret (`username`).
pub const RABBITMQ_USER: &str = "hyperflow";
/// RabbitMQ's file of settings in `conf.d`, read after the image's own (`10-defaults.conf`,
/// `20-management_agent...`): the files are read in name order, and letters sort after digits.
pub const RABBITMQ_CONFIG_FILE: &str = "hfgen-memory.conf";
/// The share of RabbitMQ's memory limit at which it blocks publishers.
const RABBITMQ_WATERMARK_SHARE: f64 = 0.6;

/// RabbitMQ's Service (`templates/rabbitmq.yml.j2`): AMQP on 5672, the management API on 15672.
pub const RABBITMQ_SERVICE: &str = "rabbitmq";
/// The port of RabbitMQ's management API, which KEDA's scaler reads the queue lengths from.
pub const RABBITMQ_MANAGEMENT_PORT: u16 = 15672;

/// What a profile deploys. Serialised, it is what the manifest templates see (with hfgen's
/// own texts beside it, see `render::context`); every field is named in a template or read
/// by `hfgen setup` or the capacity check.
#[derive(Debug, Clone, Serialize)]
pub struct Plan {
    pub namespace: String,
    pub platform: Platform,
    /// The cluster domain of the in-cluster names (`cluster.local` unless `[dns]` says
    /// otherwise). The dnsmasq set-up forwards this domain to kube-dns: the names use it.
    pub domain: String,
    pub create_namespace: bool,
    pub rbac_mode: RbacMode,
    pub images: ResolvedImages,
    /// Where the workflow directory lives, with its claim.
    pub storage: StoragePlan,
    /// How the NFS server is addressed: read by `hfgen setup` on every storage type, as the
    /// host set-up depends on it.
    pub nfs_addressing: NfsAddressing,
    /// How the data Job stages the workflow data.
    pub data: DataPlan,
    /// How tasks run: a Job each, or queues and worker pools.
    pub execution: ExecutionPlan,
    pub nodes: Nodes,
    pub engine: Engine,
    pub tasks: Tasks,
    pub postprocess: Postprocess,
    pub network_policy: NetworkPolicy,
    /// Requests and memory limit of every container but the tasks', defaults filled in.
    pub resources: ResolvedResources,
    /// Redis as worker pods reach it: the engine hands this address on to them.
    pub redis_url: String,
    /// The Pod Security Standards level the Namespace enforces: the strictest that every pod
    /// hfgen renders (and the worker pods the engine creates) passes.
    pub pod_security_enforce: &'static str,
    /// The Secret RabbitMQ's credentials come from ([`RABBITMQ_SECRET`]).
    pub rabbitmq_secret: &'static str,
    /// RabbitMQ's file under `/etc/rabbitmq/conf.d/` (ConfigMap `rabbitmq-config`).
    pub rabbitmq_config_file: &'static str,
    /// `HF_VAR_ADMISSION_CONTROLLER=0` is rendered: the profile has no
    /// `[engine.admission_controller]`, and the engine image may have one that is on unless
    /// told otherwise (engine 1.9 and later, or a tag that names no version).
    pub admission_controller_off: bool,
    /// The pods a node drain must not evict mid-run, by their `app.kubernetes.io/name`: one
    /// PodDisruptionBudget each (never the workers').
    pub disruption_budgets: Vec<&'static str>,
    /// `[workflow_config]` as the files the engine reads: name -> JSON text.
    pub workflow_config_files: indexmap::IndexMap<String, String>,
    /// What `hfgen render` renders without `--component`.
    pub default_components: Vec<Component>,
    /// `[cluster]` (GKE), for `hfgen setup`.
    pub cluster: Option<Cluster>,
    /// The host's DNS set-up (`[dns]` with its defaults), for `hfgen setup`.
    pub dns: Dns,
    /// The nodes the pods need and the node pools the profile sets up.
    #[serde(skip)]
    pub capacity: CapacityPlan,
}

/// `nfs.address`, `nfs.ip` and `nfs.service_cidr`: how the kubelet reaches the NFS server,
/// and what `hfgen setup` makes the cluster's service range.
#[derive(Debug, Clone, Serialize)]
pub struct NfsAddressing {
    pub address: NfsAddress,
    /// The ClusterIP pinned on the nfs-server Service (`address = "ip"`).
    pub ip: Option<String>,
    /// The cluster's service range, which holds `ip`.
    pub service_cidr: Option<String>,
}

impl NfsAddressing {
    /// The service range a cluster must have for the pinned ClusterIP.
    pub fn pinned_service_cidr(&self) -> Option<&str> {
        match self.address {
            NfsAddress::Ip => self.service_cidr.as_deref(),
            NfsAddress::Dns => None,
        }
    }
}

/// Every image, with the workflow preset filling what the profile leaves out.
#[derive(Debug, Clone, Serialize)]
pub struct ResolvedImages {
    pub engine: String,
    pub worker: String,
    pub data: String,
    pub redis: String,
    pub nfs_server: String,
    pub log_parser: String,
    pub viz_trace: String,
    pub downloader: String,
    pub s3_client: String,
    pub rabbitmq: String,
}

impl Plan {
    /// The plan of a profile that passed its checks.
    pub fn new(profile: &Profile) -> Plan {
        let namespace = profile.namespace.clone();
        let domain = cluster_domain(profile).to_string();
        let preset = preset(profile.workflow);
        let images = resolved_images(profile, preset.as_ref());
        let storage = StoragePlan::new(profile, &domain);
        let resources = profile.resources.resolved();
        let execution = ExecutionPlan::new(profile, &domain, &resources);
        let nfs_server = storage.has_own_nfs_server();
        let rabbitmq = execution.has_rabbitmq();
        let mut plan = Plan {
            redis_url: format!("redis://redis.{namespace}.svc.{domain}:6379"),
            platform: profile.platform,
            create_namespace: profile.create_namespace,
            rbac_mode: profile.rbac.mode,
            data: DataPlan::new(&profile.data, &images, preset.as_ref()),
            nfs_addressing: NfsAddressing {
                address: profile.nfs.address,
                ip: profile.nfs.ip.clone(),
                service_cidr: profile.nfs.service_cidr.clone(),
            },
            images,
            nodes: profile.nodes.clone(),
            engine: profile.engine.clone(),
            tasks: profile.tasks.clone(),
            postprocess: profile.postprocess.clone(),
            network_policy: profile.network_policy.clone(),
            resources,
            // The NFS server pod is privileged; without it, root pods (engine, data, post-
            // processing, workers) still pass baseline, not restricted.
            pod_security_enforce: if nfs_server { "privileged" } else { "baseline" },
            rabbitmq_secret: RABBITMQ_SECRET,
            rabbitmq_config_file: RABBITMQ_CONFIG_FILE,
            admission_controller_off: admission_controller_off(profile),
            disruption_budgets: [
                Some("hyperflow-engine"),
                Some("redis"),
                nfs_server.then_some("nfs-server"),
                rabbitmq.then_some(RABBITMQ_SERVICE),
            ]
            .into_iter()
            .flatten()
            .collect(),
            workflow_config_files: workflow_config_files(&profile.workflow_config, &execution),
            default_components: default_components(&profile.postprocess),
            cluster: profile.cluster.clone(),
            dns: profile.dns.clone().unwrap_or_else(default_dns),
            // Filled in below, from the rest of the plan.
            capacity: CapacityPlan {
                platform: profile.platform,
                pools: Vec::new(),
                host: None,
            },
            storage,
            execution,
            namespace,
            domain,
        };
        plan.capacity = CapacityPlan::new(profile, &plan);
        plan
    }

    /// Claims the pods mount that the cluster provides, not the render.
    pub fn provided_claims(&self) -> Vec<String> {
        match &self.storage {
            StoragePlan::ExistingClaim { claim } => vec![claim.clone()],
            StoragePlan::NfsServer(_) | StoragePlan::StorageClass { .. } => Vec::new(),
        }
    }

    /// RabbitMQ's in-cluster name (worker pools): the engine's and workers' RABBIT_HOSTNAME and
    /// the management URL that `hfgen setup` writes into the Secret for KEDA.
    pub fn rabbitmq_host(&self) -> String {
        rabbitmq_host(&self.namespace, &self.domain)
    }
}

/// What `hfgen render` renders without `--component`: the core, and the post-processing
/// Jobs too when they follow the run by themselves (`postprocess.automatic`).
fn default_components(postprocess: &Postprocess) -> Vec<Component> {
    if postprocess.automatic {
        vec![Component::Core, Component::Postprocess]
    } else {
        vec![Component::Core]
    }
}

/// `[dns]` with every default: the seed's minikube values.
pub fn default_dns() -> Dns {
    toml::Value::Table(toml::Table::new())
        .try_into()
        .expect("every field of [dns] has a default")
}

fn resolved_images(profile: &Profile, preset: Option<&Preset>) -> ResolvedImages {
    // A custom workflow has no preset: the checks made sure the profile names both images
    // (or a data source without an image).
    let from_preset = |pick: fn(&Preset) -> &'static str| preset.map(pick).unwrap_or_default();
    ResolvedImages {
        engine: profile.images.engine.clone(),
        worker: crate::profile::presets::worker_image(profile).unwrap_or_default(),
        data: profile
            .data
            .image
            .clone()
            .unwrap_or_else(|| from_preset(|preset| preset.data_image).to_string()),
        redis: profile.images.redis.clone(),
        nfs_server: profile.images.nfs_server.clone(),
        log_parser: profile.images.log_parser.clone(),
        viz_trace: profile.images.viz_trace.clone(),
        downloader: profile.images.downloader.clone(),
        s3_client: profile.images.s3_client.clone(),
        rabbitmq: profile.images.rabbitmq.clone(),
    }
}

/// The cluster domain of the in-cluster names.
fn cluster_domain(profile: &Profile) -> &str {
    profile
        .dns
        .as_ref()
        .map_or("cluster.local", |dns| dns.cluster_domain.as_str())
}

fn rabbitmq_host(namespace: &str, domain: &str) -> String {
    format!("{RABBITMQ_SERVICE}.{namespace}.svc.{domain}")
}

/// `workflow.config.<name>.json` texts, in the shapes the engine reads.
fn workflow_config_files(
    config: &WorkflowConfig,
    execution: &ExecutionPlan,
) -> indexmap::IndexMap<String, String> {
    let mut files = indexmap::IndexMap::new();
    let json = |value: serde_json::Value| {
        serde_json::to_string_pretty(&value).expect("JSON values serialise") + "\n"
    };
    if !config.jobvars.is_empty() {
        files.insert(
            "workflow.config.jobvars.json".to_string(),
            json(serde_json::json!(config.jobvars)),
        );
    }
    if !config.job_agglomerations.is_empty() {
        let groups: Vec<serde_json::Value> = config
            .job_agglomerations
            .iter()
            .map(|group| {
                serde_json::json!({
                    "matchTask": group.match_task,
                    "size": group.size,
                    "timeoutMs": group.timeout_ms,
                })
            })
            .collect();
        files.insert(
            "workflow.config.jobAgglomerations.json".to_string(),
            json(serde_json::Value::from(groups)),
        );
    }
    // The task types the engine sends to RabbitMQ instead of creating Jobs; it names each
    // queue `<namespace>.<task>` itself, which is the queue of the pool's workers.
    match execution {
        ExecutionPlan::Jobs => {}
        ExecutionPlan::Pools { pools, .. } => {
            let models: Vec<serde_json::Value> = pools
                .iter()
                .map(|pool| serde_json::json!({ "name": pool.task }))
                .collect();
            files.insert(
                crate::hyperflow::EXECUTION_MODELS_FILE.to_string(),
                json(serde_json::Value::from(models)),
            );
        }
    }
    files
}

/// RabbitMQ's absolute memory watermark: [`RABBITMQ_WATERMARK_SHARE`] of its memory limit,
/// in whole MiB (the profile checks made sure the limit is a memory quantity).
fn rabbitmq_memory_watermark(resources: &ResolvedResources) -> u64 {
    let limit = &resources.rabbitmq.memory_limit;
    let bytes = crate::profile::formats::parse_quantity(limit).unwrap_or_default();
    let mib = (bytes * RABBITMQ_WATERMARK_SHARE / 1_048_576.0).floor() as u64;
    mib * 1_048_576
}

/// Engine 1.9's admission controller is on by default (`HF_VAR_ADMISSION_CONTROLLER` defaults to
/// 1 in its ADMISSION_CONTROLLER.md) and lists and watches pods, which the engine's Role does
/// not allow unless the profile asks for the controller: without the table, hfgen switches it
/// off for every engine that may have it. Engines before 1.9 do not read the variable.
fn admission_controller_off(profile: &Profile) -> bool {
    use crate::profile::checks::engine::{tag_version, ENGINE_1_9};
    profile.engine.admission_controller.is_none()
        && tag_version(&profile.images.engine, "v").is_none_or(|version| version >= ENGINE_1_9)
}

#[cfg(test)]
mod tests {
    #[test]
    fn dns_defaults_are_the_seed_values() {
        let dns = super::default_dns();
        assert_eq!(dns.cluster_dns_ip, "10.96.0.10");
        assert_eq!(dns.cluster_domain, "cluster.local");
        assert_eq!(dns.upstream, "8.8.8.8");
    }
}
