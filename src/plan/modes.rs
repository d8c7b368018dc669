//! The modes of a deployment, one enum each. Every consumer matches them exhaustively, and
//! each serialises with a tag (`kind`, `source`, `mode`) that the templates branch on: a
//! template chain ends in `unhandled(...)`, so a variant without its branch fails the
//! render (and `tests/plan.rs`, which renders every variant), never an empty file.

use super::{
    rabbitmq_host, rabbitmq_memory_watermark, ResolvedImages, DEFAULT_CLAIM_SIZE, NFS_CLAIM,
    STORAGE_CLASS_CLAIM,
};
use crate::profile::model::StorageType;
use crate::profile::model::{Data, DataSource, ExecutionMode, NfsAddress, NfsExport, Profile};
use crate::profile::pools::{resolved_pools, ResolvedPool};
use crate::profile::presets::Preset;
use crate::profile::resources::ResolvedResources;
use serde::Serialize;

/// Where the workflow directory lives: the claim every pod mounts it from.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum StoragePlan {
    /// hfgen's own NFS server: its Service, Deployment, a PersistentVolume on it and a claim.
    NfsServer(NfsServerPlan),
    /// A ReadWriteMany claim that a StorageClass provisions.
    StorageClass {
        claim: String,
        class: String,
        size: String,
        /// The class needs GKE's Filestore CSI driver and API, which `hfgen setup` enables.
        filestore: bool,
    },
    /// A claim the cluster already has: hfgen renders none.
    ExistingClaim { claim: String },
}

/// hfgen's NFS server and the volume on it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NfsServerPlan {
    pub claim: String,
    /// The PersistentVolume's and the claim's size.
    pub size: String,
    /// PersistentVolumes are cluster-wide: the namespace keeps two deployments apart.
    pub pv_name: String,
    /// The NFS server as the kubelet mounts it: a DNS name or the pinned ClusterIP.
    pub server_address: String,
    /// The ClusterIP pinned on the nfs-server Service (`nfs.address = "ip"`).
    pub cluster_ip: Option<String>,
    /// Where the server keeps its exports.
    pub exports: NfsExports,
}

/// Where the NFS server keeps its exports.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "on", rename_all = "kebab-case")]
pub enum NfsExports {
    /// An emptyDir: the data lives as long as the pod.
    EmptyDir,
    /// Their own claim `nfs-exports`, so the data survives a restart of the server.
    Claim {
        storage_class: Option<String>,
        size: String,
    },
}

impl StoragePlan {
    pub fn new(profile: &Profile, domain: &str) -> StoragePlan {
        let storage = &profile.storage;
        match storage.kind {
            StorageType::NfsServer => {
                let nfs = &profile.nfs;
                let namespace = &profile.namespace;
                StoragePlan::NfsServer(NfsServerPlan {
                    claim: NFS_CLAIM.to_string(),
                    size: nfs.size.clone(),
                    pv_name: format!("{namespace}-nfs"),
                    server_address: match nfs.address {
                        NfsAddress::Dns => format!("nfs-server.{namespace}.svc.{domain}"),
                        NfsAddress::Ip => nfs.ip.clone().unwrap_or_default(),
                    },
                    cluster_ip: match nfs.address {
                        NfsAddress::Dns => None,
                        NfsAddress::Ip => nfs.ip.clone(),
                    },
                    exports: match nfs.export {
                        NfsExport::EmptyDir => NfsExports::EmptyDir,
                        NfsExport::Claim => NfsExports::Claim {
                            storage_class: nfs.storage_class.clone(),
                            size: nfs.size.clone(),
                        },
                    },
                })
            }
            StorageType::StorageClass => {
                let minimum = crate::profile::checks::storage::class_minimum(profile);
                StoragePlan::StorageClass {
                    claim: STORAGE_CLASS_CLAIM.to_string(),
                    class: storage.class.clone().unwrap_or_default(),
                    size: storage
                        .size
                        .clone()
                        .unwrap_or_else(|| minimum.unwrap_or(DEFAULT_CLAIM_SIZE).to_string()),
                    filestore: minimum.is_some(),
                }
            }
            StorageType::ExistingClaim => StoragePlan::ExistingClaim {
                claim: storage.claim.clone().unwrap_or_default(),
            },
        }
    }

    /// The claim every pod mounts the workflow directory from.
    pub fn claim(&self) -> &str {
        match self {
            StoragePlan::NfsServer(nfs) => &nfs.claim,
            StoragePlan::StorageClass { claim, .. } | StoragePlan::ExistingClaim { claim } => claim,
        }
    }

    /// hfgen runs its own NFS server: its Service, Deployment, PersistentVolume, NetworkPolicy.
    pub fn has_own_nfs_server(&self) -> bool {
        match self {
            StoragePlan::NfsServer(_) => true,
            StoragePlan::StorageClass { .. } | StoragePlan::ExistingClaim { .. } => false,
        }
    }

    /// hfgen renders the claim (and, with its NFS server, the PersistentVolume).
    pub fn renders_claim(&self) -> bool {
        match self {
            StoragePlan::NfsServer(_) | StoragePlan::StorageClass { .. } => true,
            StoragePlan::ExistingClaim { .. } => false,
        }
    }

    /// `hfgen setup` enables GKE's Filestore CSI driver and API.
    pub fn needs_filestore(&self) -> bool {
        match self {
            StoragePlan::StorageClass { filestore, .. } => *filestore,
            StoragePlan::NfsServer(_) | StoragePlan::ExistingClaim { .. } => false,
        }
    }
}

/// How the data Job stages the workflow data.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DataPlan {
    #[serde(flatten)]
    pub from: DataSourcePlan,
    /// Stage again even when the ready marker names the same data.
    pub overwrite: bool,
    /// What the data Job stages, as its ready marker names it: the data image, or the
    /// archive's sha256. The engine starts once the marker names this.
    pub identity: String,
    /// The preset's staging lines (hfgen's text, safe to print as it is).
    #[serde(skip)]
    pub staging: Vec<&'static str>,
}

/// Where the workflow data comes from.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "source", rename_all = "kebab-case")]
pub enum DataSourcePlan {
    /// Copied out of the data image.
    Image,
    /// A `.tar.gz` downloaded over HTTP(S) and checked against its sha256.
    Url { archive: String, sha256: String },
    /// A `.tar.gz` fetched from S3 with the Secret's credentials, checked the same way.
    S3 {
        /// `s3://bucket/object`.
        archive: String,
        sha256: String,
        endpoint: String,
        region: String,
        secret: String,
    },
}

impl DataPlan {
    pub fn new(data: &Data, images: &ResolvedImages, preset: Option<&Preset>) -> DataPlan {
        // `sha256sum` prints lowercase; the checks made sure a sum is set for an archive.
        let sha256 = data
            .sha256
            .as_deref()
            .unwrap_or_default()
            .to_ascii_lowercase();
        let from = match data.source {
            DataSource::Image => DataSourcePlan::Image,
            DataSource::Url => DataSourcePlan::Url {
                archive: data.url.clone().unwrap_or_default(),
                sha256,
            },
            DataSource::S3 => {
                let s3 = data.s3.clone().unwrap_or_default();
                DataSourcePlan::S3 {
                    archive: format!("s3://{}/{}", s3.bucket, s3.object),
                    sha256,
                    endpoint: s3.endpoint,
                    region: s3.region,
                    secret: s3.secret,
                }
            }
        };
        DataPlan {
            identity: match &from {
                DataSourcePlan::Image => format!("image {}", images.data),
                DataSourcePlan::Url { sha256, .. } | DataSourcePlan::S3 { sha256, .. } => {
                    format!("sha256 {sha256}")
                }
            },
            from,
            overwrite: data.overwrite,
            staging: preset
                .iter()
                .flat_map(|preset| preset.staging)
                .copied()
                .collect(),
        }
    }
}

/// How tasks run.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "mode", rename_all = "kebab-case")]
pub enum ExecutionPlan {
    /// The engine creates a Job per task (or group of tasks).
    Jobs,
    /// The engine sends the pools' task types to RabbitMQ; KEDA scales a Deployment per queue.
    Pools {
        /// The worker pools, each a Deployment and a ScaledObject.
        pools: Vec<ResolvedPool>,
        /// `RABBIT_HOSTNAME` of the engine and the pool workers, which connect to
        /// `amqp://${RABBIT_HOSTNAME}`: RabbitMQ's Service, with credentials that the
        /// kubelet expands from the env vars it took from the Secret.
        rabbit_hostname: String,
        /// RabbitMQ's absolute memory watermark in bytes: 0.6 of its container's memory
        /// limit.
        memory_watermark: u64,
    },
}

impl ExecutionPlan {
    pub fn new(profile: &Profile, domain: &str, resources: &ResolvedResources) -> ExecutionPlan {
        match profile.execution.mode {
            ExecutionMode::Jobs => ExecutionPlan::Jobs,
            ExecutionMode::Pools => ExecutionPlan::Pools {
                pools: resolved_pools(profile),
                rabbit_hostname: format!(
                    "$(RABBITMQ_USERNAME):$(RABBITMQ_PASSWORD)@{}:5672",
                    rabbitmq_host(&profile.namespace, domain)
                ),
                memory_watermark: rabbitmq_memory_watermark(resources),
            },
        }
    }

    /// RabbitMQ, KEDA's TriggerAuthentication and the worker pools are deployed.
    pub fn has_rabbitmq(&self) -> bool {
        match self {
            ExecutionPlan::Jobs => false,
            ExecutionPlan::Pools { .. } => true,
        }
    }

    /// The worker pools (none in `jobs` mode).
    pub fn pools(&self) -> &[ResolvedPool] {
        match self {
            ExecutionPlan::Jobs => &[],
            ExecutionPlan::Pools { pools, .. } => pools,
        }
    }
}
