//! The architecture graph: one node per rendered object (plus the NFS export, the worker
//! Jobs the engine will create and, for worker pools, one node per RabbitMQ queue), edges
//! computed from the references between objects, and the groups of the upstream architecture
//! picture. The three renderers only draw this.

mod build;

use crate::manifests::objects::is_workload;

use crate::error::Result;
use crate::manifests::Bundle;

/// The engine reads the worker Job template from the file this variable names (facts §6).
const JOB_TEMPLATE_PATH_ENV: &str = "HF_VAR_JOB_TEMPLATE_PATH";
/// The worker image the engine substitutes for `${containerName}` in the template.
const WORKER_IMAGE_ENV: &str = "HF_VAR_WORKER_CONTAINER";
const WORKER_IMAGE_PLACEHOLDER: &str = "${containerName}";
/// The engine hands its Redis address to every task in the task command (`${command}`).
const REDIS_URL_ENV: &str = "REDIS_URL";

/// What a node is drawn as: one shape and colour per class.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Class {
    /// Deployments and other long-running workloads.
    Workload,
    /// Jobs in the rendered bundle.
    Job,
    /// Jobs the engine creates at run time from the template.
    Worker,
    Service,
    ConfigMap,
    /// ServiceAccounts, Roles and their bindings.
    Access,
    Claim,
    Volume,
    /// A directory the NFS server exports.
    Export,
    /// A RabbitMQ queue the engine sends tasks to (worker pools).
    Queue,
    /// Something referenced but not rendered by hfgen (a built-in ClusterRole, a group).
    External,
    /// A kind the diagram has no special meaning for.
    Other,
}

impl Class {
    pub const ALL: [Class; 12] = [
        Class::Workload,
        Class::Job,
        Class::Worker,
        Class::Service,
        Class::ConfigMap,
        Class::Access,
        Class::Claim,
        Class::Volume,
        Class::Export,
        Class::Queue,
        Class::External,
        Class::Other,
    ];

    /// Stable identifier for style classes in the outputs.
    pub fn name(self) -> &'static str {
        match self {
            Class::Workload => "workload",
            Class::Job => "job",
            Class::Worker => "worker",
            Class::Service => "service",
            Class::ConfigMap => "configmap",
            Class::Access => "access",
            Class::Claim => "claim",
            Class::Volume => "volume",
            Class::Export => "export",
            Class::Queue => "queue",
            Class::External => "external",
            Class::Other => "other",
        }
    }

    fn of_kind(kind: &str) -> Class {
        match kind {
            "Job" => Class::Job,
            "Service" => Class::Service,
            "ConfigMap" => Class::ConfigMap,
            "ServiceAccount" | "Role" | "ClusterRole" | "RoleBinding" | "ClusterRoleBinding" => {
                Class::Access
            }
            "PersistentVolumeClaim" => Class::Claim,
            "PersistentVolume" => Class::Volume,
            kind if is_workload(kind) => Class::Workload,
            _ => Class::Other,
        }
    }
}

/// The boxes of the upstream architecture picture (facts §1), plus the objects hfgen adds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Group {
    Engine,
    Access,
    NfsServer,
    SharedVolume,
    Workers,
    /// Worker pools: RabbitMQ, its queues, the pools' Deployments and what scales them (one
    /// box: the links among them are most of what a pools render adds).
    Pools,
    Postprocess,
}

impl Group {
    pub const ALL: [Group; 7] = [
        Group::Engine,
        Group::Access,
        Group::NfsServer,
        Group::SharedVolume,
        Group::Workers,
        Group::Pools,
        Group::Postprocess,
    ];

    pub fn id(self) -> &'static str {
        match self {
            Group::Engine => "engine",
            Group::Access => "access",
            Group::NfsServer => "nfs",
            Group::SharedVolume => "shared",
            Group::Workers => "workers",
            Group::Pools => "pools",
            Group::Postprocess => "postprocess",
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            Group::Engine => "HyperFlow engine",
            Group::Access => "Engine permissions",
            Group::NfsServer => "NFS server",
            Group::SharedVolume => "Persistent volume",
            Group::Workers => "Worker Jobs",
            Group::Pools => "Worker pools (RabbitMQ queues, KEDA)",
            Group::Postprocess => "Post-processing",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    /// Unique, made of `[a-z0-9_]` only, so every output format can use it as is.
    pub id: String,
    pub class: Class,
    /// What the first line says, e.g. `Deployment` or `Job (one per task)`.
    pub kind: String,
    pub name: String,
    /// Further lines: images, addresses, sizes.
    pub details: Vec<String>,
    pub group: Option<Group>,
}

impl Node {
    /// Every line of the node's label.
    pub fn lines(&self) -> Vec<&str> {
        let mut lines = vec![self.kind.as_str(), self.name.as_str()];
        lines.extend(self.details.iter().map(String::as_str));
        lines
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Edge {
    pub from: usize,
    pub to: usize,
    pub label: String,
    /// Happens while the workflow runs (the engine creating Jobs, tasks calling Redis)
    /// rather than being a reference between applied objects.
    pub runtime: bool,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Graph {
    pub title: String,
    pub nodes: Vec<Node>,
    pub edges: Vec<Edge>,
}

impl Graph {
    /// The nodes of `group`, in order.
    pub fn members(&self, group: Option<Group>) -> impl Iterator<Item = (usize, &Node)> {
        self.nodes
            .iter()
            .enumerate()
            .filter(move |(_, n)| n.group == group)
    }

    /// The nodes box by box, in [`Group::ALL`] order (empty boxes left out), then the nodes
    /// outside any box under `None`.
    pub fn sections(&self) -> Vec<(Option<Group>, Vec<&Node>)> {
        let boxes = Group::ALL.into_iter().map(Some).chain([None]);
        boxes
            .map(|group| {
                (
                    group,
                    self.members(group).map(|(_, n)| n).collect::<Vec<_>>(),
                )
            })
            .filter(|(group, nodes)| group.is_none() || !nodes.is_empty())
            .collect()
    }

    /// Builds the graph of everything in `bundle`.
    pub fn build(bundle: &Bundle) -> Result<Graph> {
        build::build(bundle)
    }
}
