//! `hfgen setup`: the bash script that prepares a cluster or host for a profile.
//!
//! The script comes from a template per kind of profile (`templates/setup/*.sh.j2`), rendered
//! with the manifests' environment, whose `.sh` auto-escape quotes every value as one shell
//! word ([`crate::templating::shell_quote`]). The GKE node pools' labels are the same `nodes.master` and
//! `nodes.worker` maps that the manifests use as node selectors. A profile with worker pools
//! also gets `templates/setup/_pools.sh.j2`: KEDA at the version of the vendored CRDs, and
//! RabbitMQ's Secret, which no render holds, in the normal run where the script makes the
//! cluster and in its `pools` subcommand for a cluster that exists. A GKE profile without
//! `[cluster]` describes a cluster that exists: its script (`pools.sh.j2`) does only that part.

mod kind;
pub mod prerequisites;

use crate::diag::{Code, Diagnostic};
use crate::error::{Error, Result};
use crate::plan::capacity::{HostSize, PoolCapacity};
use crate::plan::{NfsAddressing, Plan, RABBITMQ_MANAGEMENT_PORT, RABBITMQ_SECRET, RABBITMQ_USER};
use crate::profile::model::{Cluster, Dns, NfsAddress, Platform};
use crate::profile::LoadedProfile;
use crate::validate::crd::keda_manifest_url;
use indexmap::IndexMap;
use minijinja::value::{Serde, Value};
use serde::Serialize;

/// One setup script template.
struct SetupTemplate {
    name: &'static str,
    source: &'static str,
}

macro_rules! setup_template {
    ($file:literal) => {
        SetupTemplate {
            name: concat!("setup/", $file, ".sh.j2"),
            source: include_str!(concat!("../../templates/setup/", $file, ".sh.j2")),
        }
    };
}

const GKE: SetupTemplate = setup_template!("gke");
const MINIKUBE_DNSMASQ: SetupTemplate = setup_template!("minikube-dnsmasq");
const MINIKUBE_IP: SetupTemplate = setup_template!("minikube-ip");
const KIND: SetupTemplate = setup_template!("kind");
/// A GKE profile with worker pools and no `[cluster]`: the pools' part alone.
const POOLS_ONLY: SetupTemplate = setup_template!("pools");
/// Included by the four above when the profile has worker pools.
const POOLS: SetupTemplate = setup_template!("_pools");
/// Included by the scripts that start a minikube or kind cluster: the host check.
const HOST: SetupTemplate = setup_template!("_host");

/// What the setup templates see.
#[derive(Debug, Serialize)]
struct SetupContext<'a> {
    cluster: Option<&'a Cluster>,
    dns: Dns,
    nfs: &'a NfsAddressing,
    /// `nodes.master` as `KEY=VALUE,...`: gcloud's `--node-labels` and kubectl's `--selector`.
    master_labels: String,
    worker_labels: String,
    /// The service range a GKE cluster must have when the NFS server's ClusterIP is pinned.
    service_cidr: Option<&'a str>,
    namespace: &'a str,
    /// The profile renders NetworkPolicies: the cluster must enforce them.
    network_policy: bool,
    /// The kind cluster config (platform `kind`), YAML.
    kind_config: Option<String>,
    /// minikube and kind: the host's CPUs and memory (`[host]`, or sized from the requests),
    /// which the script checks before it starts the cluster.
    host: Option<HostSize>,
    /// GKE: node bounds of the master and worker pools (autoscaling where they differ).
    master_nodes: Option<NodeBounds>,
    worker_nodes: Option<NodeBounds>,
    /// The storage class needs the Filestore CSI driver add-on and the Filestore API.
    filestore: bool,
    /// `execution.mode = "pools"`: install KEDA and create RabbitMQ's Secret.
    pools: bool,
    /// KEDA's release manifest, the version of the vendored CRDs.
    keda_manifest: String,
    rabbitmq_secret: &'static str,
    rabbitmq_user: &'static str,
    /// `host:port` of RabbitMQ's management API, as the rendered objects name it.
    rabbitmq_management: String,
}

/// The setup script of `loaded`: the same profile always gives the same bytes.
pub fn script(loaded: &LoadedProfile) -> Result<String> {
    script_of(loaded, &Plan::new(&loaded.profile))
}

/// The setup script of `plan`, made from `loaded` (whose name and places the errors use).
pub fn script_of(loaded: &LoadedProfile, plan: &Plan) -> Result<String> {
    prerequisites::check(loaded, plan)?;
    // What does not fit is refused here too; `hfgen setup` prints the warnings.
    crate::plan::capacity::check(loaded, &plan.capacity)?;
    let template = match (plan.platform, plan.nfs_addressing.address) {
        (Platform::Gke, _) if plan.cluster.is_none() => &POOLS_ONLY,
        (Platform::Gke, _) => &GKE,
        (Platform::Minikube, NfsAddress::Dns) => &MINIKUBE_DNSMASQ,
        (Platform::Minikube, NfsAddress::Ip) => &MINIKUBE_IP,
        (Platform::Kind, _) => &KIND,
    };
    let capacity = &plan.capacity;
    let context = SetupContext {
        cluster: plan.cluster.as_ref(),
        dns: plan.dns.clone(),
        nfs: &plan.nfs_addressing,
        master_labels: label_list(&plan.nodes.master),
        worker_labels: label_list(&plan.nodes.worker),
        service_cidr: plan.nfs_addressing.pinned_service_cidr(),
        namespace: &plan.namespace,
        network_policy: plan.network_policy.enabled,
        kind_config: match plan.platform {
            Platform::Kind => Some(kind::config(plan)),
            Platform::Gke | Platform::Minikube => None,
        },
        host: capacity.host,
        master_nodes: capacity.pool("master pool").map(NodeBounds::of),
        worker_nodes: capacity.pool("worker pool").map(NodeBounds::of),
        filestore: plan.storage.needs_filestore(),
        pools: plan.execution.has_rabbitmq(),
        keda_manifest: keda_manifest_url(),
        rabbitmq_secret: RABBITMQ_SECRET,
        rabbitmq_user: RABBITMQ_USER,
        rabbitmq_management: format!("{}:{RABBITMQ_MANAGEMENT_PORT}", plan.rabbitmq_host()),
    };
    render_script(template, &context).map_err(|error| {
        Error::new(Diagnostic::error(
            Code::TemplateFailed,
            format!("{}: cannot write the setup script: {error}", loaded.name),
        ))
    })
}

/// A node pool's size: fixed where `min == max`, else autoscaled between them.
#[derive(Debug, Serialize)]
struct NodeBounds {
    min: u32,
    max: u32,
}

impl NodeBounds {
    fn of(pool: &PoolCapacity) -> NodeBounds {
        NodeBounds {
            min: pool.min_nodes,
            max: pool.max_nodes,
        }
    }
}

/// `KEY=VALUE` pairs joined by commas, in the profile's order. [`check`] has made sure that
/// no key or value holds a `,` or `=`, so gcloud splits the list back into the same map.
fn label_list(labels: &IndexMap<String, String>) -> String {
    labels
        .iter()
        .map(|(key, value)| format!("{key}={value}"))
        .collect::<Vec<_>>()
        .join(",")
}

fn render_script(
    template: &SetupTemplate,
    context: &SetupContext<'_>,
) -> Result<String, minijinja::Error> {
    let mut env = crate::templating::configured();
    env.add_template(POOLS.name, POOLS.source)?;
    env.add_template(HOST.name, HOST.source)?;
    env.add_template(template.name, template.source)?;
    env.get_template(template.name)?
        .render(Value::from(Serde(context)))
}
