//! What templates see: the profile, with presets applied and derived names computed once.

use super::plan::{DeploymentPlan, RABBITMQ_SERVICE};
use crate::profile::model::{
    Data, DataSource, Engine, NetworkPolicy, Nfs, NfsAddress, Nodes, Postprocess, Profile,
    RbacMode, Storage, Tasks,
};
use crate::profile::presets::preset;
use crate::profile::resources::ResolvedResources;
use serde::Serialize;

/// The template context. Every field is named in at least one template.
#[derive(Debug, Serialize)]
pub struct RenderContext<'a> {
    pub namespace: &'a str,
    pub create_namespace: bool,
    pub rbac_mode: RbacMode,
    pub images: ResolvedImages,
    pub data: &'a Data,
    pub nfs: &'a Nfs,
    pub nodes: &'a Nodes,
    pub engine: &'a Engine,
    pub tasks: &'a Tasks,
    pub postprocess: &'a Postprocess,
    /// Redis as worker pods reach it: the engine hands this address on to them.
    pub redis_url: String,
    /// `RABBIT_HOSTNAME` of the engine and the pool workers (`execution.mode = "pools"`),
    /// which connect to `amqp://${RABBIT_HOSTNAME}`: RabbitMQ's Service, with credentials
    /// that the kubelet expands from the env vars it took from the Secret.
    pub rabbit_hostname: String,
    /// The NFS server as the kubelet mounts it: a DNS name or the pinned ClusterIP.
    pub nfs_server_address: String,
    /// PersistentVolumes are cluster-wide: the namespace keeps two deployments apart.
    pub pv_name: String,
    /// Requests and memory limit of every container but the tasks', defaults filled in.
    pub resources: ResolvedResources,
    pub network_policy: &'a NetworkPolicy,
    /// The preset's staging lines (hfgen's text, safe to print as it is).
    pub data_staging: Vec<minijinja::Value>,
    /// `data.sha256` in the lowercase that `sha256sum` prints.
    pub data_sha256: Option<String>,
    /// Where the data archive is (`data.source` url or s3): its URL, or `s3://bucket/object`.
    pub data_archive: Option<String>,
    /// What the data Job stages, as its ready marker names it: the data image, or the
    /// archive's sha256. The engine starts once the marker names this.
    pub data_identity: String,
    /// The ready marker's name on the shared volume (hfgen's text).
    pub data_ready_marker: minijinja::Value,
    /// The folder beside the final place where the data Job stages (hfgen's text).
    pub data_staging_dir: minijinja::Value,
    /// The engine Job's status-record script (hfgen's own file), carried by the ConfigMap.
    pub run_status_js: &'static str,
    /// The engine Job's wait for RabbitMQ's login before a run with worker pools (hfgen's own
    /// file), carried by the ConfigMap.
    pub rabbitmq_check_js: &'static str,
    /// How long that wait may take: RabbitMQ may still be starting when the engine is.
    pub rabbitmq_wait_seconds: u32,
    /// What this profile deploys, decided once.
    pub plan: DeploymentPlan,
    /// `[workflow_config]` as the files the engine reads: name -> JSON text.
    pub workflow_config_files: indexmap::IndexMap<String, String>,
    pub storage: &'a Storage,
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

impl<'a> RenderContext<'a> {
    pub fn new(profile: &'a Profile) -> Self {
        let namespace = profile.namespace.as_str();
        // A custom workflow has no preset: the checks made sure the profile names both images
        // (or a data source without an image).
        let preset = preset(profile.workflow);
        let from_preset = |pick: fn(&crate::profile::presets::Preset) -> &'static str| {
            preset.as_ref().map(pick).unwrap_or_default().to_string()
        };
        let images = ResolvedImages {
            engine: profile.images.engine.clone(),
            worker: crate::profile::presets::worker_image(profile).unwrap_or_default(),
            data: profile
                .data
                .image
                .clone()
                .unwrap_or_else(|| from_preset(|preset| preset.data_image)),
            redis: profile.images.redis.clone(),
            nfs_server: profile.images.nfs_server.clone(),
            log_parser: profile.images.log_parser.clone(),
            viz_trace: profile.images.viz_trace.clone(),
            downloader: profile.images.downloader.clone(),
            s3_client: profile.images.s3_client.clone(),
            rabbitmq: profile.images.rabbitmq.clone(),
        };
        let domain = cluster_domain(profile);
        let nfs_server_address = match profile.nfs.address {
            NfsAddress::Dns => format!("nfs-server.{namespace}.svc.{domain}"),
            NfsAddress::Ip => profile.nfs.ip.clone().unwrap_or_default(),
        };
        let plan = DeploymentPlan::new(profile);
        let data_sha256 = profile
            .data
            .sha256
            .as_ref()
            .map(|sum| sum.to_ascii_lowercase());
        let data_identity = data_identity(profile.data.source, &images, data_sha256.as_deref());
        RenderContext {
            namespace,
            create_namespace: profile.create_namespace,
            rbac_mode: profile.rbac.mode,
            images,
            data: &profile.data,
            nfs: &profile.nfs,
            nodes: &profile.nodes,
            engine: &profile.engine,
            tasks: &profile.tasks,
            postprocess: &profile.postprocess,
            redis_url: format!("redis://redis.{namespace}.svc.{domain}:6379"),
            rabbit_hostname: format!(
                "$(RABBITMQ_USERNAME):$(RABBITMQ_PASSWORD)@{}:5672",
                rabbitmq_host(profile)
            ),
            nfs_server_address,
            pv_name: format!("{namespace}-nfs"),
            resources: profile.resources.resolved(),
            network_policy: &profile.network_policy,
            data_staging: preset
                .iter()
                .flat_map(|preset| preset.staging)
                .map(|line| minijinja::Value::from_safe_string(line.to_string()))
                .collect(),
            data_archive: match profile.data.source {
                DataSource::Url => profile.data.url.clone(),
                DataSource::S3 => profile
                    .data
                    .s3
                    .as_ref()
                    .map(|s3| format!("s3://{}/{}", s3.bucket, s3.object)),
                DataSource::Image => None,
            },
            data_identity,
            data_ready_marker: minijinja::Value::from_safe_string(DATA_READY_MARKER.to_string()),
            data_staging_dir: minijinja::Value::from_safe_string(DATA_STAGING_DIR.to_string()),
            data_sha256,
            run_status_js: include_str!("../../templates/run-status.js"),
            rabbitmq_check_js: include_str!("../../templates/rabbitmq-check.js"),
            rabbitmq_wait_seconds: RABBITMQ_WAIT_SECONDS,
            workflow_config_files: workflow_config_files(&profile.workflow_config, &plan),
            plan,
            storage: &profile.storage,
        }
    }
}

/// The data Job's ready marker on the shared volume, written after everything else.
pub const DATA_READY_MARKER: &str = ".hfgen-staged";
/// Where the data Job stages before it renames each entry into place.
pub const DATA_STAGING_DIR: &str = ".hfgen-staging";

/// What the data Job stages, as its ready marker names it: staging the same data again is
/// skipped, other data is staged anew, and the engine waits for exactly this.
fn data_identity(source: DataSource, images: &ResolvedImages, sha256: Option<&str>) -> String {
    match source {
        DataSource::Image => format!("image {}", images.data),
        DataSource::Url | DataSource::S3 => format!("sha256 {}", sha256.unwrap_or_default()),
    }
}

/// How long the engine Job waits for RabbitMQ's login before a pools run: RabbitMQ takes
/// some seconds to start, longer on a node that pulls its image first.
const RABBITMQ_WAIT_SECONDS: u32 = 300;

/// `workflow.config.<name>.json` texts, in the shapes the engine reads.
fn workflow_config_files(
    config: &crate::profile::model::WorkflowConfig,
    plan: &DeploymentPlan,
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
    if !plan.pools.is_empty() {
        let models: Vec<serde_json::Value> = plan
            .pools
            .iter()
            .map(|pool| serde_json::json!({ "name": pool.task }))
            .collect();
        files.insert(
            crate::manifests::hyperflow::EXECUTION_MODELS_FILE.to_string(),
            json(serde_json::Value::from(models)),
        );
    }
    files
}

/// The cluster domain of the in-cluster names (`cluster.local` unless `[dns]` says
/// otherwise). The dnsmasq set-up forwards this domain to kube-dns: the names must use the
/// same one.
pub fn cluster_domain(profile: &Profile) -> &str {
    profile
        .dns
        .as_ref()
        .map_or("cluster.local", |dns| dns.cluster_domain.as_str())
}

/// RabbitMQ's in-cluster name (worker pools): the engine's and workers' RABBIT_HOSTNAME and the
/// management URL that `hfgen setup` writes into the Secret for KEDA.
pub fn rabbitmq_host(profile: &Profile) -> String {
    format!(
        "{RABBITMQ_SERVICE}.{}.svc.{}",
        profile.namespace,
        cluster_domain(profile)
    )
}
