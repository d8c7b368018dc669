//! The deployment plan: what a profile deploys, derived once, for the templates and the
//! render loop. Each mode is matched exhaustively here, so a new one shows every decision.

use crate::profile::model::{ExecutionMode, Profile, StorageType};
use crate::profile::pools::{resolved_pools, ResolvedPool};
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

#[derive(Debug, Clone, Serialize)]
pub struct DeploymentPlan {
    pub storage: StorageType,
    /// The claim every pod mounts the workflow directory from.
    pub claim_name: String,
    /// Size of the claim hfgen renders (empty when it renders none).
    pub claim_size: String,
    /// hfgen runs its own NFS server: its Service, Deployment, PersistentVolume, NetworkPolicy.
    pub nfs_server: bool,
    /// hfgen renders the claim (and, with its NFS server, the PersistentVolume).
    pub renders_claim: bool,
    pub create_namespace: bool,
    pub network_policy: bool,
    /// The Pod Security Standards level the Namespace enforces: the strictest that every pod
    /// hfgen renders (and the worker pods the engine creates) passes.
    pub pod_security_enforce: &'static str,
    /// RabbitMQ, KEDA's TriggerAuthentication and the worker pools are deployed.
    pub rabbitmq: bool,
    /// The Secret RabbitMQ's credentials come from ([`RABBITMQ_SECRET`]).
    pub rabbitmq_secret: &'static str,
    /// RabbitMQ's file under `/etc/rabbitmq/conf.d/` (ConfigMap `rabbitmq-config`).
    pub rabbitmq_config_file: &'static str,
    /// RabbitMQ's absolute memory watermark in bytes: 0.6 of its container's memory limit.
    pub rabbitmq_memory_watermark: u64,
    /// The storage class needs GKE's Filestore CSI driver and API, which `hfgen setup`
    /// enables.
    pub filestore: bool,
    /// The worker pools, each a Deployment and a ScaledObject (none in `jobs` mode).
    pub pools: Vec<ResolvedPool>,
    /// `HF_VAR_ADMISSION_CONTROLLER=0` is rendered: the profile has no
    /// `[engine.admission_controller]`, and the engine image may have one that is on unless
    /// told otherwise (engine 1.9 and later, or a tag that names no version).
    pub admission_controller_off: bool,
    /// The pods a node drain must not evict mid-run, by their `app.kubernetes.io/name`: one
    /// PodDisruptionBudget each (never the workers').
    pub disruption_budgets: Vec<&'static str>,
}

impl DeploymentPlan {
    pub fn new(profile: &Profile) -> DeploymentPlan {
        let storage = &profile.storage;
        let (claim_name, claim_size, nfs_server, renders_claim) = match storage.kind {
            StorageType::NfsServer => (NFS_CLAIM.to_string(), profile.nfs.size.clone(), true, true),
            StorageType::StorageClass => (
                STORAGE_CLASS_CLAIM.to_string(),
                storage.size.clone().unwrap_or_else(|| {
                    crate::profile::check_storage::class_minimum(profile)
                        .unwrap_or(DEFAULT_CLAIM_SIZE)
                        .to_string()
                }),
                false,
                true,
            ),
            StorageType::ExistingClaim => (
                storage.claim.clone().unwrap_or_default(),
                String::new(),
                false,
                false,
            ),
        };
        let rabbitmq = match profile.execution.mode {
            ExecutionMode::Jobs => false,
            ExecutionMode::Pools => true,
        };
        DeploymentPlan {
            storage: storage.kind,
            claim_name,
            claim_size,
            nfs_server,
            renders_claim,
            create_namespace: profile.create_namespace,
            network_policy: profile.network_policy.enabled,
            // The NFS server pod is privileged; without it, root pods (engine, data, post-
            // processing, workers) still pass baseline, not restricted.
            pod_security_enforce: if nfs_server { "privileged" } else { "baseline" },
            rabbitmq,
            rabbitmq_secret: RABBITMQ_SECRET,
            rabbitmq_config_file: RABBITMQ_CONFIG_FILE,
            rabbitmq_memory_watermark: rabbitmq_memory_watermark(profile),
            filestore: crate::profile::check_storage::class_minimum(profile).is_some(),
            pools: resolved_pools(profile),
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
        }
    }

    /// Claims the pods mount that the cluster provides, not the render.
    pub fn provided_claims(&self) -> Vec<String> {
        if self.renders_claim {
            Vec::new()
        } else {
            vec![self.claim_name.clone()]
        }
    }
}

/// RabbitMQ's absolute memory watermark: [`RABBITMQ_WATERMARK_SHARE`] of its memory limit,
/// in whole MiB (the profile checks made sure the limit is a memory quantity).
fn rabbitmq_memory_watermark(profile: &Profile) -> u64 {
    let limit = profile.resources.resolved().rabbitmq.memory_limit;
    let bytes = crate::profile::formats::parse_quantity(&limit).unwrap_or_default();
    let mib = (bytes * RABBITMQ_WATERMARK_SHARE / 1_048_576.0).floor() as u64;
    mib * 1_048_576
}

/// Engine 1.9's admission controller is on by default (`HF_VAR_ADMISSION_CONTROLLER` defaults to
/// 1 in its ADMISSION_CONTROLLER.md) and lists and watches pods, which the engine's Role does
/// not allow unless the profile asks for the controller: without the table, hfgen switches it
/// off for every engine that may have it. Engines before 1.9 do not read the variable.
fn admission_controller_off(profile: &Profile) -> bool {
    use crate::profile::check_engine::{tag_version, ENGINE_1_9};
    profile.engine.admission_controller.is_none()
        && tag_version(&profile.images.engine, "v").is_none_or(|version| version >= ENGINE_1_9)
}
