//! The typed profile: the whole input of hfgen.
//!
//! Every struct rejects unknown keys, so a typo is an error instead of a silently ignored
//! setting. The doc comments become the descriptions of `schema/profile.schema.json`.

use indexmap::IndexMap;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A HyperFlow deployment profile.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    /// One line that says what this profile is for (shown by `hfgen profiles`).
    pub description: String,
    /// A built-in profile name (`gke`, `kind`, `minikube-dnsmasq`, `minikube-ip`;
    /// `hfgen profiles` lists them) or a path relative to this file. Tables merge key by key;
    /// arrays and scalars are replaced.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extends: Option<String>,
    /// Dotted keys of the extended profile to remove before this file's keys apply, e.g.
    /// `unset = ["nodes.master", "nodes.worker"]` for a cluster without those node labels
    /// (tables merge key by key, so an empty table would keep the inherited keys).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unset: Vec<String>,
    /// The kind of cluster: `gke` (Google Kubernetes Engine), `minikube` (minikube or bare
    /// metal) or `kind` (Kubernetes in Docker).
    pub platform: Platform,
    /// Namespace of every generated object (a DNS-1123 label).
    pub namespace: String,
    /// Emit a Namespace object first, so `kubectl apply` works on a fresh cluster.
    #[serde(default = "yes")]
    pub create_namespace: bool,
    /// Workflow preset: picks the worker and data images (explicit `images.worker` and
    /// `data.image` win); `custom` for a workflow of your own.
    pub workflow: Workflow,
    /// HyperFlow's per-workflow configuration, written next to workflow.json as the
    /// `workflow.config.<name>.json` files the engine reads (they replace files of the same
    /// name that the data brings).
    #[serde(default, skip_serializing_if = "WorkflowConfig::is_empty")]
    pub workflow_config: WorkflowConfig,
    /// Container images.
    #[serde(default)]
    pub images: Images,
    /// Where the workflow data (workflow.json and inputs) comes from.
    #[serde(default)]
    pub data: Data,
    /// Where the workflow directory that the engine and the workers share lives.
    #[serde(default)]
    pub storage: Storage,
    /// hfgen's own NFS server, which shares the workflow directory (`storage.type =
    /// "nfs-server"`; ignored with the other storage types).
    #[serde(default)]
    pub nfs: Nfs,
    /// Permissions of the engine.
    #[serde(default)]
    pub rbac: Rbac,
    /// Node selectors of the pods.
    #[serde(default)]
    pub nodes: Nodes,
    /// How the engine runs the workflow.
    #[serde(default)]
    pub engine: Engine,
    /// Resources of the worker Jobs that the engine creates, one per task.
    #[serde(default)]
    pub tasks: Tasks,
    /// How tasks run: a Job each, or worker pools for the task types that have one.
    #[serde(default)]
    pub execution: Execution,
    /// The post-processing Jobs (component `postprocess`).
    #[serde(default)]
    pub postprocess: Postprocess,
    /// GKE cluster used by `hfgen setup` (platform `gke` only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cluster: Option<Cluster>,
    /// Host DNS set-up with dnsmasq, used by `hfgen setup` (platform `minikube`, `nfs.address = "dns"`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dns: Option<Dns>,
    /// CPUs and memory of the minikube or kind cluster (platforms `minikube` and `kind`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub host: Option<Host>,
    /// CPU and memory of the engine, Redis, the NFS server and the one-off Jobs.
    #[serde(default)]
    pub resources: Resources,
    /// NetworkPolicies that limit who may reach Redis and the NFS server.
    #[serde(default)]
    pub network_policy: NetworkPolicy,
}

fn yes() -> bool {
    true
}

/// The kind of cluster the profile targets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Platform {
    /// Google Kubernetes Engine.
    Gke,
    /// minikube or a bare-metal cluster.
    Minikube,
    /// kind (Kubernetes in Docker): `hfgen setup` prints its cluster config and commands.
    Kind,
}

/// `[workflow_config]`: what HyperFlow reads from `workflow.config.<name>.json`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct WorkflowConfig {
    /// `workflow.config.jobvars.json`: values of the worker Job template's placeholders for
    /// every task: `containerName` (the image), `cpuRequest`, `memRequest`. A task's own
    /// `executor.cpuRequest`/`memRequest` in workflow.json is replaced by these.
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub jobvars: IndexMap<String, String>,
    /// `workflow.config.jobAgglomerations.json`: tasks run together in one Job.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub job_agglomerations: Vec<JobAgglomeration>,
    /// `workflow.config.executionModels.json`: refused here, because hfgen writes it from
    /// `[[execution.pools]]` (a task sent to a queue that no pool consumes never runs).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub execution_models: Vec<ExecutionModel>,
}

impl WorkflowConfig {
    pub fn is_empty(&self) -> bool {
        self.jobvars.is_empty()
            && self.job_agglomerations.is_empty()
            && self.execution_models.is_empty()
    }
}

/// One group of small tasks that the engine runs in one Job.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct JobAgglomeration {
    /// Task (process) names of workflow.json whose tasks are grouped.
    pub match_task: Vec<String>,
    /// Tasks per Job.
    pub size: u32,
    /// Milliseconds the engine waits to fill a group before it runs a smaller one.
    pub timeout_ms: u32,
}

/// A task name whose tasks go to a worker pool.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ExecutionModel {
    /// The task (process) name in workflow.json.
    pub name: String,
}

/// The shared workflow directory.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Storage {
    /// `nfs-server`: hfgen's own NFS server pod (privileged; see `[nfs]`) exports it;
    /// `storage-class`: a ReadWriteMany claim on `storage.class`; `existing-claim`: a claim
    /// that someone else made (`storage.claim`), used as it is.
    #[serde(default, rename = "type")]
    pub kind: StorageType,
    /// StorageClass of the claim (`type = "storage-class"`); it must offer ReadWriteMany
    /// (e.g. GKE Filestore `standard-rwx`, or `nfs` from nfs-server-provisioner).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub class: Option<String>,
    /// Size of the claim (`type = "storage-class"`; default `20Gi`, or for a GKE Filestore
    /// class the smallest instance it makes, e.g. `1Ti` for `standard-rwx`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size: Option<String>,
    /// Name of the existing claim in the profile's namespace (`type = "existing-claim"`); it
    /// must be ReadWriteMany.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub claim: Option<String>,
}

/// Who provides the shared workflow directory.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum StorageType {
    /// hfgen's NFS server pod, a PersistentVolume on it and the claim `nfs`.
    #[default]
    NfsServer,
    /// A ReadWriteMany claim `workflow-data` on a StorageClass.
    StorageClass,
    /// A claim made by someone else.
    ExistingClaim,
}

impl StorageType {
    /// hfgen runs its own NFS server for this storage type (the plan's
    /// `StoragePlan::has_own_nfs_server` says the same of a checked profile).
    pub fn has_own_nfs_server(self) -> bool {
        match self {
            StorageType::NfsServer => true,
            StorageType::StorageClass | StorageType::ExistingClaim => false,
        }
    }
}

/// A known workflow whose images hfgen knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum Workflow {
    /// Montage v1 (Montage_v3.3).
    #[serde(rename = "montage")]
    Montage,
    /// Montage2 (Pegasus montage-workflow-v2).
    #[serde(rename = "montage2")]
    Montage2,
    /// SoyKB.
    #[serde(rename = "soykb")]
    Soykb,
    /// 1000 Genomes.
    #[serde(rename = "1000genome")]
    Genome1000,
    /// A workflow of your own: `images.worker` and the data source (`data.image`, or
    /// `data.source = "url"`) are required.
    #[serde(rename = "custom")]
    Custom,
}

impl Workflow {
    /// Every preset, for whatever must cover each one (the end-to-end tests do).
    pub const PRESETS: [Workflow; 4] = [
        Workflow::Montage,
        Workflow::Montage2,
        Workflow::Soykb,
        Workflow::Genome1000,
    ];
}

/// Container images. Unset worker and data images come from the workflow preset.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Images {
    /// HyperFlow engine.
    #[serde(default = "default_engine_image")]
    pub engine: String,
    /// Worker image that runs the workflow's tasks (default: from the workflow preset).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub worker: Option<String>,
    /// Redis.
    #[serde(default = "default_redis_image")]
    pub redis: String,
    /// NFS server: the pod runs `/usr/local/bin/run_nfs.sh /exports /` privileged, as
    /// Kubernetes' e2e image `volume/nfs` does (exports `/exports` and `/`, ports 2049, 20048
    /// and 111); another image must do the same.
    #[serde(default = "default_nfs_server_image")]
    pub nfs_server: String,
    /// Log parser (component `postprocess`).
    #[serde(default = "default_log_parser_image")]
    pub log_parser: String,
    /// Execution-trace visualisation (component `postprocess`).
    #[serde(default = "default_viz_trace_image")]
    pub viz_trace: String,
    /// Downloads, checks and unpacks the workflow data (`data.source = "url"`); needs `wget`,
    /// `sha256sum`, `tar` and `gzip`.
    #[serde(default = "default_downloader_image")]
    pub downloader: String,
    /// Fetches the archive from S3-compatible storage (`data.source = "s3"`); runs
    /// `aws s3 cp`.
    #[serde(default = "default_s3_client_image")]
    pub s3_client: String,
    /// RabbitMQ with its management plugin, the queues of the worker pools
    /// (`execution.mode = "pools"`); KEDA reads the queue lengths from the management API.
    #[serde(default = "default_rabbitmq_image")]
    pub rabbitmq: String,
}

fn default_engine_image() -> String {
    "hyperflowwms/hyperflow:v1.7.2".into()
}
fn default_redis_image() -> String {
    "redis:5.0.7-buster".into()
}
fn default_nfs_server_image() -> String {
    "registry.k8s.io/e2e-test-images/volume/nfs:1.6.0".into()
}
fn default_log_parser_image() -> String {
    "hyperflowwms/log-parser:v1.4.2".into()
}
fn default_viz_trace_image() -> String {
    "hyperflowwms/viz-trace:v1.4.0-5-g3c19b5a".into()
}
fn default_downloader_image() -> String {
    "alpine:3.20.3".into()
}
fn default_s3_client_image() -> String {
    "amazon/aws-cli:2.17.0".into()
}
fn default_rabbitmq_image() -> String {
    "rabbitmq:3.13.7-management-alpine".into()
}

impl Default for Images {
    fn default() -> Self {
        Images {
            engine: default_engine_image(),
            worker: None,
            redis: default_redis_image(),
            nfs_server: default_nfs_server_image(),
            log_parser: default_log_parser_image(),
            viz_trace: default_viz_trace_image(),
            downloader: default_downloader_image(),
            s3_client: default_s3_client_image(),
            rabbitmq: default_rabbitmq_image(),
        }
    }
}

/// Where the workflow data comes from.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Data {
    /// `image`: copy `/data` of a data image; `url`: download and unpack an archive; `s3`:
    /// fetch and unpack an archive from S3-compatible storage.
    #[serde(default)]
    pub source: DataSource,
    /// Data image whose `/data` holds workflow.json and the inputs (default: from the workflow preset).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image: Option<String>,
    /// http(s) URL of a .tar.gz archive with workflow.json and the inputs (`source = "url"`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// The archive in S3-compatible storage (`source = "s3"`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub s3: Option<S3Object>,
    /// SHA-256 of the archive, 64 hex digits (`source = "url"` or `"s3"`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sha256: Option<String>,
    /// Stage the data again although the shared volume holds it already (its ready marker
    /// names the same data image or archive).
    #[serde(default)]
    pub overwrite: bool,
}

/// How the workflow data reaches the shared volume.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum DataSource {
    /// Copy `/data` from a data image.
    #[default]
    Image,
    /// Download an archive.
    Url,
    /// Fetch an archive from S3-compatible storage (AWS S3, MinIO, GCS interoperability).
    S3,
}

/// A .tar.gz archive in S3-compatible storage, with workflow.json at its top level.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct S3Object {
    /// The storage's https:// endpoint, e.g. `https://s3.eu-west-1.amazonaws.com` or a MinIO URL.
    pub endpoint: String,
    pub bucket: String,
    /// The object's key, e.g. `workflows/montage2.tar.gz`.
    pub object: String,
    /// An existing Secret in the namespace with `AWS_ACCESS_KEY_ID` and
    /// `AWS_SECRET_ACCESS_KEY`; they reach only the download container, as env.
    pub secret: String,
    /// The region requests are signed for (MinIO and most others accept the default).
    #[serde(default = "default_s3_region")]
    pub region: String,
}

fn default_s3_region() -> String {
    "us-east-1".into()
}

/// The NFS server and the shared volume.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Nfs {
    /// How the PersistentVolume names the NFS server: `dns` (its Service DNS name) or `ip`
    /// (a pinned ClusterIP, for nodes that cannot resolve cluster DNS).
    #[serde(default)]
    pub address: NfsAddress,
    /// ClusterIP pinned on the nfs-server Service and used by the PersistentVolume (`address = "ip"`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ip: Option<String>,
    /// The cluster's service CIDR, which must contain `ip` (minikube default 10.96.0.0/12).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_cidr: Option<String>,
    /// Size of the shared volume (a Kubernetes quantity).
    #[serde(default = "default_volume_size")]
    pub size: String,
    /// Where the NFS server keeps its exports.
    #[serde(default)]
    pub export: NfsExport,
    /// Storage class of the exports' claim (`export = "claim"`; unset: the cluster default).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub storage_class: Option<String>,
}

fn default_volume_size() -> String {
    "20Gi".into()
}

impl Default for Nfs {
    fn default() -> Self {
        Nfs {
            address: NfsAddress::default(),
            ip: None,
            service_cidr: None,
            size: default_volume_size(),
            export: NfsExport::default(),
            storage_class: None,
        }
    }
}

/// How the PersistentVolume reaches the NFS server.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum NfsAddress {
    /// `nfs-server.<namespace>.svc.cluster.local`.
    #[default]
    Dns,
    /// The pinned `nfs.ip`.
    Ip,
}

/// Storage behind the NFS exports.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum NfsExport {
    /// An emptyDir: the data is lost when the NFS server pod goes.
    #[default]
    EmptyDir,
    /// A PersistentVolumeClaim `nfs-exports`: the data survives NFS server restarts.
    Claim,
}

/// Permissions of the engine.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Rbac {
    /// `namespaced`: the engine may only create Jobs in its namespace. `cluster-admin`: the
    /// seed's binding of cluster-admin to every ServiceAccount (unsafe, warned).
    #[serde(default)]
    pub mode: RbacMode,
}

/// How much the engine may do.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum RbacMode {
    /// A Role that allows only `create` on `batch/jobs`, bound to the engine's ServiceAccount.
    #[default]
    Namespaced,
    /// cluster-admin for every ServiceAccount of the cluster, as the seed's crb.yml.
    ClusterAdmin,
}

/// Node selectors: the labels that pick nodes for each group of pods.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Nodes {
    /// Engine, Redis, NFS server and data staging.
    #[serde(default)]
    pub master: IndexMap<String, String>,
    /// Worker Jobs and the log parser.
    #[serde(default)]
    pub worker: IndexMap<String, String>,
}

/// How the engine runs the workflow.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Engine {
    /// Do not run the workflow: the engine waits for `kubectl exec ... hflow run .`.
    #[serde(default)]
    pub debug: bool,
    /// Times the engine submits a failed task again (`HF_VAR_BACKOFF_LIMIT`). Must be 0: the
    /// engine 1.7 resubmits and then exits at once, or waits forever. Use `tasks.retries`.
    #[serde(default)]
    pub backoff_limit: u32,
    /// Stop the whole workflow when a task fails. Must be true: otherwise the engine 1.7
    /// never reports the failed task and the run waits forever.
    #[serde(default = "yes")]
    pub stop_on_failure: bool,
    /// Seconds a finished worker Job is kept before Kubernetes deletes it.
    #[serde(default = "default_job_ttl")]
    pub job_ttl_seconds: u32,
    /// Seconds the run may take: the engine Job's `activeDeadlineSeconds`. A run still going
    /// then is stopped and the Job fails with reason DeadlineExceeded (a task killed by the
    /// OOM killer otherwise leaves the run waiting forever).
    #[serde(default = "default_deadline")]
    pub deadline_seconds: u32,
    /// How tasks report their end: `set` (Redis sets; every engine) or `stream` (Redis
    /// Streams, `HF_VAR_COMPLETION_TRANSPORT=stream`; needs engine v1.9.0 or later, and job
    /// executor 1.4.0 or later in the worker image, or the run never completes a task).
    #[serde(default)]
    pub completion_transport: CompletionTransport,
    /// Engine 1.9's admission controller (`HF_VAR_ADMISSION_CONTROLLER=1`), which paces the
    /// worker pods it creates. On: the Role also allows listing and watching pods, and the
    /// worker pods carry the label `app: hyperflow` it watches.
    #[serde(default)]
    pub admission_controller: Option<AdmissionController>,
    /// `HF_VAR_CONSOLE_LOG_LEVEL` of the engine (1.9) and the job executor (1.4.2).
    #[serde(default)]
    pub console_log_level: Option<ConsoleLogLevel>,
    /// Accept `completion_transport = "stream"` and the admission controller although the
    /// image tags do not show the versions they need (an image of your own, say).
    #[serde(default)]
    pub unverified_versions: bool,
    /// Extra `HF_VAR_*` variables for the engine.
    #[serde(default)]
    pub env: IndexMap<String, String>,
}

fn default_job_ttl() -> u32 {
    100
}

fn default_deadline() -> u32 {
    86_400
}

impl Default for Engine {
    fn default() -> Self {
        Engine {
            debug: false,
            backoff_limit: 0,
            stop_on_failure: true,
            job_ttl_seconds: default_job_ttl(),
            deadline_seconds: default_deadline(),
            completion_transport: CompletionTransport::Set,
            admission_controller: None,
            console_log_level: None,
            unverified_versions: false,
            env: IndexMap::new(),
        }
    }
}

/// How a task's end reaches the engine.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum CompletionTransport {
    /// Redis sets, polled every 3 s: every engine and job executor.
    #[default]
    Set,
    /// Redis Streams: engine v1.9.0 or later, job executor 1.4.0 or later.
    Stream,
}

/// The engine 1.9 admission controller's knobs (unset: the engine's defaults).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AdmissionController {
    /// Most worker pods pending at once (`HF_VAR_ADMISSION_PENDING_MAX`, engine default 200).
    #[serde(default)]
    pub pending_max: Option<u32>,
    /// Pods admitted per second (`HF_VAR_ADMISSION_FILL_RATE`, engine default 1).
    #[serde(default)]
    pub fill_rate: Option<u32>,
    /// Pods admitted at once after a pause (`HF_VAR_ADMISSION_BURST`, engine default 20).
    #[serde(default)]
    pub burst: Option<u32>,
    /// Adapt the rate to how fast pods start (`HF_VAR_ADMISSION_ADAPTIVE`).
    #[serde(default)]
    pub adaptive: Option<bool>,
}

/// `HF_VAR_CONSOLE_LOG_LEVEL`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum ConsoleLogLevel {
    Error,
    Warn,
    Info,
    Debug,
}

/// Resources of each worker Job.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Tasks {
    /// CPU request of a task (`HF_VAR_CPU_REQUEST`).
    #[serde(default = "default_task_cpu")]
    pub cpu_request: String,
    /// Memory request of a task (`HF_VAR_MEM_REQUEST`).
    #[serde(default = "default_task_memory")]
    pub memory_request: String,
    /// No longer supported (an error if set): a task's memory request comes from the
    /// workflow, and a fixed limit below it made its Job invalid. Worker pods have no limit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub memory_limit: Option<String>,
    /// Times the job executor runs a failed task's command again inside its pod (0: no
    /// retry). The executor's `HF_VAR_NUMBER_OF_RETRIES` counts attempts: this value + 1.
    #[serde(default = "default_task_retries")]
    pub retries: u32,
}

fn default_task_cpu() -> String {
    "0.5".into()
}
fn default_task_memory() -> String {
    "500Mi".into()
}
fn default_task_retries() -> u32 {
    1
}

impl Default for Tasks {
    fn default() -> Self {
        Tasks {
            cpu_request: default_task_cpu(),
            memory_request: default_task_memory(),
            memory_limit: None,
            retries: default_task_retries(),
        }
    }
}

/// `[execution]`: how the engine runs tasks.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Execution {
    /// `jobs`: a Kubernetes Job per task (or per group of `job_agglomerations`). `pools`: the
    /// task types of `[[execution.pools]]` go to RabbitMQ queues that long-running worker
    /// Deployments consume, scaled by KEDA; every other task still runs as a Job.
    #[serde(default)]
    pub mode: ExecutionMode,
    /// The worker pools (`mode = "pools"`), one per task type.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub pools: Vec<WorkerPool>,
}

/// How tasks run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum ExecutionMode {
    /// A Job per task.
    #[default]
    Jobs,
    /// Worker pools for the listed task types (RabbitMQ and KEDA), Jobs for the rest.
    Pools,
}

/// A pool of workers that run the tasks of one task type from its RabbitMQ queue.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct WorkerPool {
    /// The task type: a process name of workflow.json (e.g. `mProject`). The engine sends
    /// its tasks to the queue `<namespace>.<task>`.
    pub task: String,
    /// The pool's name in object names (`hyperflow-pool-<name>`), a DNS label (default: the
    /// task name in lower case, `_` and `.` as `-`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Worker image (default: the worker image); it must have the job executor's
    /// `hflow-job-listener.js`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image: Option<String>,
    /// CPU request of each worker (default: `tasks.cpu_request`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cpu_request: Option<String>,
    /// Memory request of each worker (default: `tasks.memory_request`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub memory_request: Option<String>,
    /// Memory limit of each worker (unset: none, as for the worker Jobs).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub memory_limit: Option<String>,
    /// Workers while the queue is empty. 0 lets KEDA remove them all, but RabbitMQ deletes a
    /// queue that has had no consumer for 100 minutes (the engine declares it so), and tasks
    /// sent after are lost: 0 is refused unless `engine.deadline_seconds` is at most 6000.
    #[serde(default = "default_min_replicas")]
    pub min_replicas: u32,
    /// Most workers.
    #[serde(default = "default_max_replicas")]
    pub max_replicas: u32,
    /// Queued and running messages per worker that KEDA aims at (a message carries one task,
    /// or one group of `job_agglomerations`).
    #[serde(default = "default_messages_per_replica")]
    pub messages_per_replica: u32,
    /// Seconds a worker that KEDA scales down may take to finish the task it runs: it stops
    /// taking messages at once and exits when the task ends (the pod's
    /// `terminationGracePeriodSeconds`). A task still running then is killed, and RabbitMQ
    /// hands its message to another worker.
    #[serde(default = "default_drain_seconds")]
    pub drain_seconds: u32,
}

fn default_min_replicas() -> u32 {
    1
}

fn default_max_replicas() -> u32 {
    10
}
fn default_messages_per_replica() -> u32 {
    1
}
fn default_drain_seconds() -> u32 {
    600
}

/// The post-processing Jobs: log parser and trace visualisation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Postprocess {
    /// Render the post-processing Jobs with the run (`hfgen render` without `--component`):
    /// they start after a successful run and fail with the run's exit code after a failed one.
    /// `false`: render them with `--component postprocess` after the run.
    #[serde(default = "yes")]
    pub automatic: bool,
    /// Seconds each Job waits for its marker file (postprocStart, parsingFinished) before it fails.
    #[serde(default = "default_postprocess_wait")]
    pub wait_seconds: u32,
}

fn default_postprocess_wait() -> u32 {
    86_400
}

impl Default for Postprocess {
    fn default() -> Self {
        Postprocess {
            automatic: true,
            wait_seconds: default_postprocess_wait(),
        }
    }
}

/// The GKE cluster that `hfgen setup` creates. Its two node pools carry exactly the labels of
/// `nodes.master` and `nodes.worker`, so the pods' node selectors always find their nodes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Cluster {
    /// Google Cloud project id.
    pub project: String,
    /// Compute zone, e.g. `europe-west2-a`.
    pub zone: String,
    /// Cluster name.
    #[serde(default = "default_cluster_name")]
    pub name: String,
    /// GKE version (unset: the default of the cluster's release channel, which GKE always
    /// creates; a pinned minor is refused by GKE once its support ends).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// Pool for the engine, Redis and the NFS server; labelled with `nodes.master`.
    pub master_pool: NodePool,
    /// Pool for the worker Jobs; labelled with `nodes.worker`.
    pub worker_pool: NodePool,
}

fn default_cluster_name() -> String {
    "hyperflow".into()
}

/// One GKE node pool.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NodePool {
    /// Machine type, e.g. `e2-standard-4`. hfgen knows the general-purpose types of
    /// `data/node-capacity.toml`; another needs `allocatable`.
    pub machine_type: String,
    /// Number of nodes the pool starts with.
    pub node_count: u32,
    /// Fewest nodes the cluster autoscaler keeps (default: `node_count`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_nodes: Option<u32>,
    /// Most nodes the cluster autoscaler adds. Unset: the master pool keeps `node_count`
    /// nodes, and the worker pool may grow to the nodes its workers need at their most
    /// (worker pools at `max_replicas`, one task Job, the log parser).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_nodes: Option<u32>,
    /// What one node offers to pods, for a machine type hfgen does not know (unset: from the
    /// machine type, with GKE's reservation taken off).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allocatable: Option<Allocatable>,
}

/// CPU and memory of a node that pods may request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Allocatable {
    /// CPU, e.g. `3920m`.
    pub cpu: String,
    /// Memory, e.g. `12Gi`.
    pub memory: String,
}

/// The machine a minikube or kind cluster runs on (platforms `minikube` and `kind`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Host {
    /// CPUs: minikube's `--cpus`; for kind, the cores the Docker host must have (default:
    /// what the pods request, with room for Kubernetes itself).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cpus: Option<u32>,
    /// Memory: minikube's `--memory`; for kind, what the Docker host must have, e.g. `8Gi`
    /// (default: what the pods request, with room for Kubernetes itself).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub memory: Option<String>,
}

/// Host DNS set-up with dnsmasq (minikube, `nfs.address = "dns"`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Dns {
    /// IP of the cluster's DNS Service (kube-dns).
    #[serde(default = "default_cluster_dns_ip")]
    pub cluster_dns_ip: String,
    /// Cluster domain.
    #[serde(default = "default_cluster_domain")]
    pub cluster_domain: String,
    /// Upstream DNS server for every other name.
    #[serde(default = "default_upstream_dns")]
    pub upstream: String,
}

fn default_cluster_dns_ip() -> String {
    "10.96.0.10".into()
}
fn default_cluster_domain() -> String {
    "cluster.local".into()
}
fn default_upstream_dns() -> String {
    "8.8.8.8".into()
}

/// CPU and memory of the long-running pods and the one-off Jobs (tasks have `[tasks]`).
/// Unset values take the defaults named on each field.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Resources {
    /// The HyperFlow engine (default: cpu 500m, memory 1Gi, memory_limit 2Gi).
    #[serde(default)]
    pub engine: ContainerResources,
    /// Redis, which holds the state of every task (default: cpu 250m, memory 256Mi, memory_limit 1Gi).
    #[serde(default)]
    pub redis: ContainerResources,
    /// The NFS server's user-space daemons (default: cpu 100m, memory 128Mi, memory_limit 512Mi).
    #[serde(default)]
    pub nfs_server: ContainerResources,
    /// The Job that stages the workflow data (default: cpu 100m, memory 128Mi, memory_limit 512Mi).
    #[serde(default)]
    pub data: ContainerResources,
    /// The log-parser Job (default: cpu 250m, memory 512Mi, memory_limit 2Gi).
    #[serde(default)]
    pub log_parser: ContainerResources,
    /// The viz-trace Job (default: cpu 250m, memory 512Mi, memory_limit 2Gi).
    #[serde(default)]
    pub viz_trace: ContainerResources,
    /// RabbitMQ, with `execution.mode = "pools"` (default: cpu 250m, memory 512Mi,
    /// memory_limit 1Gi).
    #[serde(default)]
    pub rabbitmq: ContainerResources,
}

/// Requests and memory limit of one container. There is no CPU limit on purpose: it only
/// throttles a pod that the scheduler already gave its request.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ContainerResources {
    /// CPU request (a Kubernetes quantity, e.g. `500m`; unset: the component's default).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cpu: Option<String>,
    /// Memory request (e.g. `1Gi`; unset: the component's default).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub memory: Option<String>,
    /// Memory limit; the container is killed above it (unset: the component's default).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub memory_limit: Option<String>,
}

/// NetworkPolicies of the deployment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NetworkPolicy {
    /// Emit the NetworkPolicies. Turn off on clusters without a policy controller, where they
    /// would only suggest an isolation that nothing enforces.
    #[serde(default = "yes")]
    pub enabled: bool,
    /// CIDRs of the cluster's nodes, allowed to reach the NFS ports. The kubelet mounts the
    /// share from the node's network, not from a pod, so no pod selector can admit it. Empty:
    /// the NFS ports accept any source (every other port of the NFS server stays closed).
    /// Set it where the policy engine matches node addresses with `ipBlock` (e.g. Calico;
    /// Cilium only with its nodes CIDR match mode).
    #[serde(default)]
    pub nfs_node_cidrs: Vec<String>,
}

impl Default for NetworkPolicy {
    fn default() -> Self {
        NetworkPolicy {
            enabled: true,
            nfs_node_cidrs: Vec::new(),
        }
    }
}
