//! Node sizes: the table of `data/node-capacity.toml` (machine types and the stated allowances
//! for the cluster's own pods), and GKE's reservation formula that turns a machine's capacity
//! into what pods may request.

use super::Amount;
use crate::profile::model::Platform;
use serde::Deserialize;
use std::sync::OnceLock;

/// The file, with its sources named at its top.
const TABLE: &str = include_str!("../../../data/node-capacity.toml");

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Table {
    gke: Gke,
    minikube: PlatformTable,
    kind: PlatformTable,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Gke {
    family: Vec<Family>,
    system: System,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PlatformTable {
    system: System,
}

/// One series of machine types: `<prefix>-<vcpus>` for each listed vCPU count.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Family {
    prefix: String,
    memory_gib_per_vcpu: f64,
    vcpus: Vec<u32>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct System {
    per_node: Requests,
    once: Requests,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Requests {
    cpu: String,
    memory: String,
}

fn table() -> &'static Table {
    static PARSED: OnceLock<Table> = OnceLock::new();
    PARSED.get_or_init(|| {
        toml::from_str(TABLE).expect("data/node-capacity.toml is valid (a unit test reads it)")
    })
}

/// What the cluster's own pods request: on every node, and once per cluster on the first pool.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SystemPods {
    pub per_node: Amount,
    pub once: Amount,
}

pub fn system_pods(platform: Platform) -> SystemPods {
    let system = match platform {
        Platform::Gke => &table().gke.system,
        Platform::Minikube => &table().minikube.system,
        Platform::Kind => &table().kind.system,
    };
    let amount = |requests: &Requests| {
        Amount::of(&requests.cpu, &requests.memory).expect("the table's quantities parse")
    };
    SystemPods {
        per_node: amount(&system.per_node),
        once: amount(&system.once),
    }
}

/// A machine type's capacity.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Machine {
    pub vcpus: u32,
    pub memory_mib: f64,
}

/// The machine type `name` of the table, if it is there.
pub fn gke_machine(name: &str) -> Option<Machine> {
    let (prefix, vcpus) = name.rsplit_once('-')?;
    let vcpus: u32 = vcpus.parse().ok()?;
    table()
        .gke
        .family
        .iter()
        .find(|family| family.prefix == prefix && family.vcpus.contains(&vcpus))
        .map(|family| Machine {
            vcpus,
            memory_mib: f64::from(vcpus) * family.memory_gib_per_vcpu * 1024.0,
        })
}

/// Every machine type of the table, smallest first within each series, series in table order.
pub fn gke_machine_names() -> impl Iterator<Item = String> {
    table().gke.family.iter().flat_map(|family| {
        family
            .vcpus
            .iter()
            .map(move |vcpus| format!("{}-{vcpus}", family.prefix))
    })
}

/// GKE's allocatable for a machine ("Plan GKE Standard node sizes", node allocatable): CPU
/// less 6 % of the first core, 1 % of the second, 0.5 % of cores 3 and 4 and 0.25 % of the
/// rest; memory less 255 MiB on a machine under 1 GiB, else 25 % of the first 4 GiB, 20 % of
/// the next 4, 10 % of the next 8, 6 % of the next 112 and 2 % above 128 GiB, and less the
/// kubelet's 100 MiB eviction threshold.
pub fn gke_allocatable(machine: Machine) -> Amount {
    let cores = f64::from(machine.vcpus);
    let cpu_tiers = [
        (1.0, 0.06),
        (1.0, 0.01),
        (2.0, 0.005),
        (f64::INFINITY, 0.0025),
    ];
    let reserved_cpu = reserved(cores, &cpu_tiers);
    let gib = machine.memory_mib / 1024.0;
    let reserved_mib = if gib < 1.0 {
        255.0
    } else {
        let memory_tiers = [
            (4.0, 0.25),
            (4.0, 0.20),
            (8.0, 0.10),
            (112.0, 0.06),
            (f64::INFINITY, 0.02),
        ];
        reserved(gib, &memory_tiers) * 1024.0
    };
    const EVICTION_MIB: f64 = 100.0;
    Amount {
        cpu_m: floor((cores - reserved_cpu) * 1000.0),
        memory_mib: floor(machine.memory_mib - reserved_mib - EVICTION_MIB),
    }
}

/// Rounded down, but not below a whole number that float arithmetic missed by a hair.
fn floor(value: f64) -> u64 {
    (value + 1e-6).floor().max(0.0) as u64
}

/// The reservation of `total` under tiers of (width, share), taken in order.
fn reserved(total: f64, tiers: &[(f64, f64)]) -> f64 {
    let mut left = total;
    let mut reserved = 0.0;
    for (width, share) in tiers {
        let part = left.min(*width);
        reserved += part * share;
        left -= part;
    }
    reserved
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_parses_and_lists_the_common_types() {
        assert_eq!(
            gke_machine("n1-standard-2"),
            Some(Machine {
                vcpus: 2,
                memory_mib: 7680.0
            })
        );
        assert_eq!(gke_machine("e2-standard-4").unwrap().memory_mib, 16384.0);
        assert_eq!(gke_machine("n1-standard-3"), None);
        assert_eq!(gke_machine("e2-medium"), None);
        assert_eq!(gke_machine("custom-2-4096"), None);
        assert!(gke_machine_names().any(|name| name == "n2d-standard-224"));
        for platform in [Platform::Gke, Platform::Minikube, Platform::Kind] {
            system_pods(platform);
        }
    }

    /// The figures of GKE's own worked examples: 1.93 CPUs of an n1-standard-2 (2 - 0.06 -
    /// 0.01), 3.92 of a 4-core machine; 7.5 GiB less 1 GiB, 0.7 GiB and the 100 MiB threshold.
    #[test]
    fn gke_reservation_follows_the_documented_tiers() {
        let n1 = gke_allocatable(gke_machine("n1-standard-2").unwrap());
        assert_eq!(n1.cpu_m, 1930);
        assert_eq!(n1.memory_mib, 7680 - 1024 - 716 - 100 - 1);
        let e2 = gke_allocatable(gke_machine("e2-standard-4").unwrap());
        assert_eq!(e2.cpu_m, 3920);
        // 16 GiB: 1 GiB + 0.8 GiB + 0.8 GiB reserved, 100 MiB eviction.
        assert_eq!(e2.memory_mib, 16384 - 1024 - 819 - 820 - 100);
        let big = gke_allocatable(gke_machine("n1-standard-8").unwrap());
        assert_eq!(big.cpu_m, 8000 - 60 - 10 - 10 - 10);
        let tiny = gke_allocatable(Machine {
            vcpus: 1,
            memory_mib: 600.0,
        });
        assert_eq!(tiny.memory_mib, 600 - 255 - 100);
    }
}
