//! Will it fit? The nodes a profile sets up, what each offers to pods, and the pods that
//! select them with their requests: derived once from the profile and its deployment plan,
//! read by the capacity check (`render`, `setup`), by `hfgen explain --capacity` and by the
//! setup scripts (the worker pool's autoscaling bounds, minikube's and kind's host size).
//!
//! A pool holds: its share of the cluster's own pods (a stated allowance, see
//! `data/node-capacity.toml`), and the pods that select its labels at their most: the engine
//! and the services, the data Job and the post-processing Jobs (which wait on the shared
//! volume for the whole run) on the master pool; one task Job of the largest task, the log
//! parser and every worker pool at `max_replicas` on the worker pool.

mod check;
pub mod machines;

pub use check::{check, report};

use crate::plan::Plan;
use crate::profile::formats::parse_quantity;
use crate::profile::model::{NodePool, Platform, Profile};
use serde::Serialize;

/// Above this share of a pool's CPU or memory, the check warns: one more pod, a larger
/// system pod after an upgrade, and something stays Pending.
const NEARLY_FULL: f64 = 0.9;
/// The share of its host that a default minikube or kind size leaves the pods, so that a
/// default size is never nearly full.
const DEFAULT_HOST_SHARE: f64 = 0.85;
/// kind's nodes: the cluster config of `hfgen setup` makes one master and two worker nodes.
pub const KIND_MASTER_NODES: u32 = 1;
pub const KIND_WORKER_NODES: u32 = 2;

/// CPU in millicores and memory in MiB: requests rounded up, allocatable rounded down.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Amount {
    pub cpu_m: u64,
    pub memory_mib: u64,
}

impl Amount {
    /// A CPU and a memory quantity, or `None` if either does not parse.
    pub fn of(cpu: &str, memory: &str) -> Option<Amount> {
        Some(Amount {
            cpu_m: (parse_quantity(cpu)? * 1000.0 - 1e-6).ceil().max(0.0) as u64,
            memory_mib: (parse_quantity(memory)? / 1_048_576.0 - 1e-6)
                .ceil()
                .max(0.0) as u64,
        })
    }

    fn fits_in(self, room: Amount) -> bool {
        self.cpu_m <= room.cpu_m && self.memory_mib <= room.memory_mib
    }

    fn times(self, count: u64) -> Amount {
        Amount {
            cpu_m: self.cpu_m * count,
            memory_mib: self.memory_mib * count,
        }
    }

    fn plus(self, other: Amount) -> Amount {
        Amount {
            cpu_m: self.cpu_m + other.cpu_m,
            memory_mib: self.memory_mib + other.memory_mib,
        }
    }

    fn minus(self, other: Amount) -> Amount {
        Amount {
            cpu_m: self.cpu_m.saturating_sub(other.cpu_m),
            memory_mib: self.memory_mib.saturating_sub(other.memory_mib),
        }
    }

    /// How many of `each` fit in `self` (unbounded for a pod that requests nothing).
    fn how_many(self, each: Amount) -> u64 {
        let ratio = |room: u64, one: u64| room.checked_div(one).unwrap_or(u64::MAX);
        ratio(self.cpu_m, each.cpu_m).min(ratio(self.memory_mib, each.memory_mib))
    }

    /// `1930m CPU, 5839Mi`.
    pub fn text(self) -> String {
        format!("{}m CPU, {}Mi", self.cpu_m, self.memory_mib)
    }
}

/// Pods of one kind on a pool: `count` alike, each requesting `each`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PodGroup {
    pub name: String,
    pub each: Amount,
    pub count: u64,
}

/// One pool of nodes and what it must hold.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PoolCapacity {
    /// `master pool`, `worker pool`, `minikube node`.
    pub name: &'static str,
    /// The profile key to change for more room (`cluster.master_pool`, `host`).
    pub key: &'static str,
    /// What the nodes are, for messages: a machine type, or the host's CPUs and memory.
    pub machine: String,
    /// What one node offers to pods, `None` for a machine type hfgen does not know.
    pub node: Option<Amount>,
    /// Where `node` comes from, for messages.
    pub node_source: &'static str,
    /// The cluster's own pods on every node.
    pub system_per_node: Amount,
    pub min_nodes: u32,
    /// Most nodes the pool may have.
    pub max_nodes: u32,
    /// `max_nodes` is hfgen's choice (sized from the pods), not the profile's.
    pub sized_by_hfgen: bool,
    /// The pods, the cluster's own once-per-cluster pods first when they land here.
    pub pods: Vec<PodGroup>,
}

impl PoolCapacity {
    /// What one node has left for the pods after the per-node system pods.
    pub fn free_per_node(&self) -> Option<Amount> {
        self.node.map(|node| node.minus(self.system_per_node))
    }

    /// Every pod's requests together.
    pub fn requested(&self) -> Amount {
        self.pods.iter().fold(Amount::default(), |sum, group| {
            sum.plus(group.each.times(group.count))
        })
    }

    /// The pods that fit on no node of this pool, whatever its size.
    pub fn too_large(&self) -> Vec<&PodGroup> {
        let Some(free) = self.free_per_node() else {
            return Vec::new();
        };
        self.pods
            .iter()
            .filter(|group| group.count > 0 && !group.each.fits_in(free))
            .collect()
    }

    /// Nodes the pods take, packed largest first, each kind of pod filling the last node
    /// before opening new ones (next fit, decreasing: linear in the number of kinds); `None`
    /// if the node is unknown or a pod fits on none.
    pub fn nodes_needed(&self) -> Option<u64> {
        let free = self.free_per_node()?;
        if !self.too_large().is_empty() {
            return None;
        }
        let mut groups: Vec<&PodGroup> = self.pods.iter().filter(|g| g.count > 0).collect();
        groups.sort_by_key(|group| std::cmp::Reverse((group.each.cpu_m, group.each.memory_mib)));
        let mut nodes = 0u64;
        let mut room = Amount::default();
        for group in groups {
            let here = group.count.min(room.how_many(group.each));
            room = room.minus(group.each.times(here));
            let left = group.count - here;
            if left > 0 {
                let per_node = free.how_many(group.each);
                let full = (left - 1) / per_node;
                nodes += full + 1;
                room = free.minus(group.each.times(left - full * per_node));
            }
        }
        Some(nodes.max(1))
    }

    /// Lets the pool grow (by the cluster autoscaler) to the nodes its pods need, where that
    /// is more than it has.
    fn grow_to_fit(&mut self) {
        if let Some(needed) = self.nodes_needed() {
            let needed = u32::try_from(needed).unwrap_or(u32::MAX);
            self.sized_by_hfgen = needed > self.max_nodes;
            self.max_nodes = self.max_nodes.max(needed);
        }
    }

    /// Share of the pool's allocatable at `max_nodes` that the pods take, the larger of CPU
    /// and memory.
    pub fn fullness(&self) -> Option<f64> {
        let node = self.node?;
        let total = node.times(u64::from(self.max_nodes));
        let used = self
            .requested()
            .plus(self.system_per_node.times(u64::from(self.max_nodes)));
        let share = |used: u64, total: u64| used as f64 / (total.max(1)) as f64;
        Some(share(used.cpu_m, total.cpu_m).max(share(used.memory_mib, total.memory_mib)))
    }
}

/// The host of a minikube or kind cluster: minikube's `--cpus` and `--memory`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct HostSize {
    pub cpus: u64,
    pub memory_mib: u64,
    /// From the pods' requests, not the profile.
    pub default: bool,
}

/// The capacity facts of a profile.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CapacityPlan {
    pub platform: Platform,
    /// The pools, empty when hfgen does not know the nodes (GKE without `[cluster]`).
    pub pools: Vec<PoolCapacity>,
    /// minikube and kind: the host's size.
    pub host: Option<HostSize>,
}

impl CapacityPlan {
    /// The capacity facts of `profile`, whose deployment is `plan` (all but its capacity).
    pub fn new(profile: &Profile, plan: &Plan) -> CapacityPlan {
        let (master, worker) = (master_pods(plan), worker_pods(profile, plan));
        let system = machines::system_pods(profile.platform);
        let once = PodGroup {
            name: system_once_name(profile.platform).into(),
            each: system.once,
            count: u64::from(system.once != Amount::default()),
        };
        match profile.platform {
            Platform::Gke => {
                let Some(cluster) = &profile.cluster else {
                    return CapacityPlan {
                        platform: profile.platform,
                        pools: Vec::new(),
                        host: None,
                    };
                };
                // The master pool keeps its nodes; the worker pool grows to what its
                // workers need at their most, unless the profile bounds it.
                let master = gke_pool(
                    ("master pool", "cluster.master_pool"),
                    &cluster.master_pool,
                    system.per_node,
                    [vec![once], master].concat(),
                );
                let mut worker = gke_pool(
                    ("worker pool", "cluster.worker_pool"),
                    &cluster.worker_pool,
                    system.per_node,
                    worker,
                );
                if cluster.worker_pool.max_nodes.is_none() {
                    worker.grow_to_fit();
                }
                CapacityPlan {
                    platform: profile.platform,
                    pools: vec![master, worker],
                    host: None,
                }
            }
            Platform::Minikube => {
                let pods = [vec![once], master, worker].concat();
                let host = host_size(profile, pods.iter(), system.per_node);
                let node = PoolCapacity {
                    name: "minikube node",
                    key: "host",
                    machine: format!(
                        "minikube --cpus={} --memory={}mb",
                        host.cpus, host.memory_mib
                    ),
                    node: Some(host_amount(host)),
                    node_source: "minikube's --cpus and --memory",
                    system_per_node: system.per_node,
                    min_nodes: 1,
                    max_nodes: 1,
                    sized_by_hfgen: host.default,
                    pods,
                };
                CapacityPlan {
                    platform: profile.platform,
                    pools: vec![node],
                    host: Some(host),
                }
            }
            Platform::Kind => {
                // Every kind node reports the whole host as its capacity, so the scheduler
                // places each node's pods against all of it; the host runs them all, with
                // the control plane's node.
                let nodes = u64::from(KIND_MASTER_NODES + KIND_WORKER_NODES);
                let everything = master.iter().chain(&worker).chain([&once]);
                let host = host_size(profile, everything, system.per_node.times(nodes));
                let pool = |(name, key), nodes: u32, pods: Vec<PodGroup>| PoolCapacity {
                    name,
                    key,
                    machine: format!(
                        "kind node on a host of {} CPUs, {}Mi",
                        host.cpus, host.memory_mib
                    ),
                    node: Some(host_amount(host)),
                    node_source: "the Docker host's CPUs and memory, which every kind node reports",
                    system_per_node: system.per_node,
                    min_nodes: nodes,
                    max_nodes: nodes,
                    sized_by_hfgen: host.default,
                    pods,
                };
                CapacityPlan {
                    platform: profile.platform,
                    pools: vec![
                        pool(("master node", "host"), KIND_MASTER_NODES, master),
                        pool(("worker nodes", "host"), KIND_WORKER_NODES, worker),
                    ],
                    host: Some(host),
                }
            }
        }
    }

    /// The pool named `name`.
    pub fn pool(&self, name: &str) -> Option<&PoolCapacity> {
        self.pools.iter().find(|pool| pool.name == name)
    }
}

fn system_once_name(platform: Platform) -> &'static str {
    match platform {
        Platform::Gke => "GKE system pods (kube-dns, metrics-server, ...)",
        Platform::Minikube => "Kubernetes control plane and CoreDNS",
        Platform::Kind => "kind system pods",
    }
}

fn total<'a>(pods: impl Iterator<Item = &'a PodGroup>) -> Amount {
    pods.fold(Amount::default(), |sum, group| {
        sum.plus(group.each.times(group.count))
    })
}

fn host_amount(host: HostSize) -> Amount {
    Amount {
        cpu_m: host.cpus * 1000,
        memory_mib: host.memory_mib,
    }
}

/// The profile's `[host]`, and what it leaves out sized from `pods` so that they take at most
/// [`DEFAULT_HOST_SHARE`] of it: whole CPUs, memory in steps of 256 MiB, and at least
/// minikube's own minimum of 2 CPUs and 2 GiB.
fn host_size<'a>(
    profile: &Profile,
    pods: impl Iterator<Item = &'a PodGroup>,
    per_node: Amount,
) -> HostSize {
    let need = total(pods).plus(per_node);
    let set = profile.host.clone().unwrap_or_default();
    let cpus = set.cpus.map(u64::from).unwrap_or_else(|| {
        ((need.cpu_m as f64 / DEFAULT_HOST_SHARE / 1000.0).ceil() as u64).max(2)
    });
    let memory_mib = set
        .memory
        .as_deref()
        .and_then(|memory| Amount::of("0", memory))
        .map(|amount| amount.memory_mib)
        .unwrap_or_else(|| {
            (((need.memory_mib as f64 / DEFAULT_HOST_SHARE / 256.0).ceil() * 256.0) as u64)
                .max(2048)
        });
    // The profile's own values stand as written: the check says if they are too small.
    HostSize {
        cpus,
        memory_mib,
        default: set.cpus.is_none() || set.memory.is_none(),
    }
}

fn gke_pool(
    (name, key): (&'static str, &'static str),
    pool: &NodePool,
    per_node: Amount,
    pods: Vec<PodGroup>,
) -> PoolCapacity {
    let (node, node_source) = match &pool.allocatable {
        Some(set) => (
            Amount::of(&set.cpu, &set.memory),
            "the profile's allocatable",
        ),
        None => (
            machines::gke_machine(&pool.machine_type).map(machines::gke_allocatable),
            "the machine type less GKE's reservation",
        ),
    };
    let min_nodes = pool.min_nodes.unwrap_or(pool.node_count);
    PoolCapacity {
        name,
        key,
        machine: pool.machine_type.clone(),
        node,
        node_source,
        system_per_node: per_node,
        min_nodes,
        max_nodes: pool.max_nodes.unwrap_or(pool.node_count),
        sized_by_hfgen: false,
        pods,
    }
}

fn group(name: impl Into<String>, cpu: &str, memory: &str, count: u64) -> PodGroup {
    PodGroup {
        name: name.into(),
        // The profile checks refuse a request that does not parse before this runs.
        each: Amount::of(cpu, memory).unwrap_or_default(),
        count,
    }
}

/// The pods that select `nodes.master`: the engine, the services, the data Job and, with
/// the run, the trace visualisation.
fn master_pods(plan: &Plan) -> Vec<PodGroup> {
    let resources = &plan.resources;
    let mut pods = vec![
        group(
            "hyperflow-engine",
            &resources.engine.cpu,
            &resources.engine.memory,
            1,
        ),
        group("redis", &resources.redis.cpu, &resources.redis.memory, 1),
    ];
    if plan.storage.has_own_nfs_server() {
        let nfs = &resources.nfs_server;
        pods.push(group("nfs-server", &nfs.cpu, &nfs.memory, 1));
    }
    if plan.execution.has_rabbitmq() {
        let rabbitmq = &resources.rabbitmq;
        pods.push(group("rabbitmq", &rabbitmq.cpu, &rabbitmq.memory, 1));
    }
    pods.push(group(
        "data Job",
        &resources.data.cpu,
        &resources.data.memory,
        1,
    ));
    if plan.postprocess.automatic {
        let viz = &resources.viz_trace;
        pods.push(group("viz-trace Job", &viz.cpu, &viz.memory, 1));
    }
    pods
}

/// The pods that select `nodes.worker`: one task Job of the largest task (the profile's task
/// requests, or jobvars' where they replace them), the log parser with the run, and every
/// worker pool at `max_replicas`.
fn worker_pods(profile: &Profile, plan: &Plan) -> Vec<PodGroup> {
    let resources = &plan.resources;
    let jobvars = &profile.workflow_config.jobvars;
    let task_cpu = jobvars.get("cpuRequest").unwrap_or(&plan.tasks.cpu_request);
    let task_memory = jobvars
        .get("memRequest")
        .unwrap_or(&plan.tasks.memory_request);
    let mut pods = vec![group("task Job", task_cpu, task_memory, 1)];
    if plan.postprocess.automatic {
        let parser = &resources.log_parser;
        pods.push(group("log-parser Job", &parser.cpu, &parser.memory, 1));
    }
    pods.extend(plan.execution.pools().iter().map(|pool| {
        group(
            pool.deployment.clone(),
            &pool.cpu_request,
            &pool.memory_request,
            u64::from(pool.max_replicas),
        )
    }));
    pods
}

/// `hfgen explain --capacity`: per pool, its nodes, the pods with their requests, the sums
/// against allocatable and the headroom.
pub fn table(plan: &CapacityPlan) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    if plan.pools.is_empty() {
        out.push_str(
            "# no [cluster]: hfgen does not know the nodes of the cluster this profile runs on\n",
        );
        return out;
    }
    let row = |out: &mut String, what: &str, count: &str, amount: Option<Amount>| {
        let (cpu, memory) = amount.map_or(("?".into(), "?".into()), |amount| {
            (
                format!("{}m", amount.cpu_m),
                format!("{}Mi", amount.memory_mib),
            )
        });
        writeln!(out, "  {what:<48} {count:>6} {cpu:>9} {memory:>10}").ok();
    };
    for pool in &plan.pools {
        let bounds = if pool.min_nodes == pool.max_nodes {
            format!("{} node(s)", pool.max_nodes)
        } else {
            let by = if pool.sized_by_hfgen {
                ", max sized from the pods"
            } else {
                ""
            };
            format!("{}..{} nodes{by}", pool.min_nodes, pool.max_nodes)
        };
        let per_node = pool.node.map_or("unknown".into(), Amount::text);
        writeln!(
            out,
            "{} ({}): {bounds}; per node {per_node} allocatable ({})",
            pool.name, pool.machine, pool.node_source
        )
        .ok();
        row(&mut out, "pod", "count", None);
        out.truncate(out.len() - 20);
        writeln!(out, "{:>9} {:>10}", "CPU each", "mem each").ok();
        for group in pool.pods.iter().filter(|group| group.count > 0) {
            row(
                &mut out,
                &group.name,
                &group.count.to_string(),
                Some(group.each),
            );
        }
        let per_node = format!("{} x", pool.max_nodes);
        row(
            &mut out,
            "cluster's own pods on every node",
            &per_node,
            Some(pool.system_per_node),
        );
        let nodes = u64::from(pool.max_nodes);
        let requested = pool.requested().plus(pool.system_per_node.times(nodes));
        row(&mut out, "requested", "", Some(requested));
        let allocatable = pool.node.map(|node| node.times(nodes));
        row(&mut out, "allocatable", "", allocatable);
        let headroom = allocatable.map(|total| {
            let signed = |total: u64, used: u64| total as i64 - used as i64;
            (
                signed(total.cpu_m, requested.cpu_m),
                signed(total.memory_mib, requested.memory_mib),
            )
        });
        let verdict = match (pool.nodes_needed(), headroom) {
            (None, _) if pool.node.is_none() => "unknown machine type".to_string(),
            (None, _) => "DOES NOT FIT: a pod is larger than a node".to_string(),
            (Some(needed), _) if needed > nodes => format!("DOES NOT FIT: needs {needed} nodes"),
            (Some(needed), _) => format!("fits on {needed} node(s)"),
        };
        match headroom {
            Some((cpu, memory)) => writeln!(
                out,
                "  {:<48} {:>6} {:>9} {:>10}  {verdict}",
                "headroom",
                "",
                format!("{cpu}m"),
                format!("{memory}Mi")
            ),
            None => writeln!(out, "  {verdict}"),
        }
        .ok();
        out.push('\n');
    }
    out
}
