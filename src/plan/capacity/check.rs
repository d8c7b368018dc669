//! The capacity check: every pod fits on a node of the pool it selects, and the pool has
//! the nodes for all of them at their most. Not fitting is an error with the numbers per
//! pool and what to change; nearly full is a warning.

use super::{machines, Amount, CapacityPlan, PoolCapacity, NEARLY_FULL};
use crate::diag::{Code, Diagnostic};
use crate::error::Result;
use crate::profile::checks::Findings;
use crate::profile::model::{Platform, Profile};
use crate::profile::LoadedProfile;

/// Runs the capacity check of `plan`, made from `loaded`: its warnings, or every error at once.
pub fn check(loaded: &LoadedProfile, plan: &CapacityPlan) -> Result<Vec<Diagnostic>> {
    let (profile, origins) = (&loaded.profile, &loaded.origins);
    crate::profile::checks::run_with(profile, origins, &loaded.name, |profile, findings| {
        report(plan, profile, findings)
    })
}

/// Reports what does not fit in `plan` (made from `profile`) to `findings`.
pub fn report(plan: &CapacityPlan, profile: &Profile, findings: &mut Findings) {
    for pool in &plan.pools {
        report_pool(pool, profile, findings);
    }
}

fn report_pool(pool: &PoolCapacity, profile: &Profile, findings: &mut Findings) {
    let key = where_to_change(pool, profile);
    let Some(free) = pool.free_per_node() else {
        findings
            .error(
                Code::UnknownMachineType,
                &key,
                format!(
                    "{}.machine_type `{}` is not in hfgen's table of machine types (data/node-capacity.toml), so hfgen cannot tell whether the pods of the {} fit",
                    pool.key, pool.machine, pool.name
                ),
            )
            .help = Some(format!(
            "use a listed type (e.g. e2-standard-4), or say what one node offers to pods: allocatable = {{ cpu = \"3920m\", memory = \"13Gi\" }} under [{}]",
            pool.key
        ));
        return;
    };
    let node = pool.node.expect("free_per_node is Some");
    let too_large = pool.too_large();
    for pod in &too_large {
        findings
            .error(
                Code::PodTooLarge,
                &key,
                format!(
                    "{} requests {} per pod, but one node of the {} ({}) offers {} to pods: {} ({}), less {} for the cluster's own pods on every node; it would stay Pending",
                    pod.name,
                    pod.each.text(),
                    pool.name,
                    pool.machine,
                    free.text(),
                    node.text(),
                    pool.node_source,
                    pool.system_per_node.text()
                ),
            )
            .help = Some(help(pool, profile));
    }
    if !too_large.is_empty() {
        return;
    }
    let needed = pool.nodes_needed().expect("every pod fits a node");
    let requested = pool.requested();
    let available = free.times(u64::from(pool.max_nodes));
    if needed > u64::from(pool.max_nodes) {
        let key = match bounded_by(pool, profile) {
            true => format!("{}.max_nodes", pool.key),
            false => key,
        };
        findings
            .error(
                Code::PoolTooSmall,
                &key,
                format!(
                    "the {} ({} x {}) cannot hold its pods: needed {} on {needed} nodes, available {} on {} ({} allocatable per node, from {}, less {} for the cluster's own pods on every node); pods: {}",
                    pool.name,
                    pool.max_nodes,
                    pool.machine,
                    requested.text(),
                    available.text(),
                    nodes_text(pool.max_nodes),
                    node.text(),
                    pool.node_source,
                    pool.system_per_node.text(),
                    pod_list(pool)
                ),
            )
            .help = Some(help(pool, profile));
        return;
    }
    let fullness = pool.fullness().unwrap_or_default();
    if !pool.sized_by_hfgen && fullness > NEARLY_FULL {
        findings
            .warning(
                Code::PoolNearlyFull,
                &key,
                format!(
                    "the {} ({} x {}) is {:.0} % full: needed {}, available {}; a larger system pod after an upgrade, and a pod stays Pending",
                    pool.name,
                    pool.max_nodes,
                    pool.machine,
                    fullness * 100.0,
                    requested.text(),
                    available.text()
                ),
            )
            .help = Some(help(pool, profile));
    }
}

/// The profile bounds the pool's size with `max_nodes`.
fn bounded_by(pool: &PoolCapacity, profile: &Profile) -> bool {
    let Some(cluster) = &profile.cluster else {
        return false;
    };
    let node_pool = match pool.key {
        "cluster.master_pool" => &cluster.master_pool,
        _ => &cluster.worker_pool,
    };
    node_pool.max_nodes.is_some()
}

fn nodes_text(count: u32) -> String {
    match count {
        1 => "1 node".into(),
        count => format!("{count} nodes"),
    }
}

/// The key a message points at: the pool's machine type (GKE), `host` (minikube, kind).
fn where_to_change(pool: &PoolCapacity, profile: &Profile) -> String {
    match profile.platform {
        Platform::Gke if pool.node_source.starts_with("the profile") => {
            format!("{}.allocatable", pool.key)
        }
        Platform::Gke => format!("{}.machine_type", pool.key),
        Platform::Minikube | Platform::Kind => "host".into(),
    }
}

/// `hyperflow-engine 1000m CPU, 2048Mi; ...`, with a count where there are several.
fn pod_list(pool: &PoolCapacity) -> String {
    pool.pods
        .iter()
        .filter(|group| group.count > 0)
        .map(|group| match group.count {
            1 => format!("{} {}", group.name, group.each.text()),
            count => format!("{count} x {} {}", group.name, group.each.text()),
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// What to change: a machine type that holds the pool's pods on its nodes, or more nodes;
/// for minikube and kind, the host size that holds them.
fn help(pool: &PoolCapacity, profile: &Profile) -> String {
    match profile.platform {
        Platform::Gke => {
            let nodes = match pool.name {
                "worker pool" => "raise max_nodes, lower the pools' max_replicas".to_string(),
                _ => "raise node_count".to_string(),
            };
            let machine = fitting_machine(pool).map_or(String::new(), |(name, amount)| {
                format!(
                    "set machine_type = \"{name}\" ({} allocatable), or ",
                    amount.text()
                )
            });
            format!(
                "under [{}]: {machine}{nodes}; or lower the requests under [resources] and [tasks]",
                pool.key
            )
        }
        Platform::Minikube | Platform::Kind => {
            let need = pool.requested().plus(pool.system_per_node);
            format!(
                "give the cluster more: [host] cpus = {} and memory = \"{}Mi\" or more (the pods request {}), or lower the requests under [resources] and [tasks]",
                need.cpu_m.div_ceil(1000),
                need.memory_mib,
                pool.requested().text()
            )
        }
    }
}

/// The first machine type of the table, in the pool's own series first, whose nodes hold
/// the pool's pods on as many nodes as it has.
fn fitting_machine(pool: &PoolCapacity) -> Option<(String, Amount)> {
    let series = pool
        .machine
        .rsplit_once('-')
        .map_or("", |(series, _)| series);
    let (same, other): (Vec<String>, Vec<String>) = machines::gke_machine_names()
        .partition(|name| name.rsplit_once('-').is_some_and(|(s, _)| s == series));
    same.into_iter().chain(other).find_map(|name| {
        let node = machines::gke_allocatable(machines::gke_machine(&name)?);
        let candidate = PoolCapacity {
            node: Some(node),
            ..pool.clone()
        };
        let fits = candidate
            .nodes_needed()
            .is_some_and(|needed| needed <= u64::from(pool.max_nodes))
            && candidate
                .fullness()
                .is_some_and(|share| share <= NEARLY_FULL);
        fits.then_some((name, node))
    })
}
