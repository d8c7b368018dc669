//! How big a minikube to start for a profile: every long-running pod's requests, the largest
//! one-off Job's, room for a few tasks at once, and headroom for Kubernetes itself.

use crate::profile::formats::parse_quantity;
use crate::profile::model::Profile;
use serde::Serialize;

/// Tasks that should be able to run side by side.
const PARALLEL_TASKS: f64 = 4.0;
/// What minikube's own control plane and add-ons take.
const HEADROOM_CPUS: f64 = 2.0;
const HEADROOM_MIB: f64 = 2048.0;

#[derive(Debug, Serialize)]
pub struct MinikubeSize {
    pub cpus: u64,
    pub memory_mib: u64,
}

pub fn minikube(profile: &Profile) -> MinikubeSize {
    let resources = profile.resources.resolved();
    let cpu = |text: &str| parse_quantity(text).unwrap_or(0.0);
    let mib = |text: &str| parse_quantity(text).unwrap_or(0.0) / (1024.0 * 1024.0);
    // The engine, Redis and the NFS server run for the whole run; the data and
    // post-processing Jobs one at a time.
    let always = [&resources.engine, &resources.redis, &resources.nfs_server];
    let one_off = [&resources.data, &resources.log_parser, &resources.viz_trace];
    let largest = |measure: &dyn Fn(&str) -> f64,
                   pick: fn(&crate::profile::resources::Quantities) -> &str| {
        one_off
            .iter()
            .map(|quantities| measure(pick(quantities)))
            .fold(0.0, f64::max)
    };
    let cpus = always.iter().map(|q| cpu(&q.cpu)).sum::<f64>()
        + largest(&cpu, |q| &q.cpu)
        + PARALLEL_TASKS * cpu(&profile.tasks.cpu_request)
        + HEADROOM_CPUS;
    let memory = always.iter().map(|q| mib(&q.memory)).sum::<f64>()
        + largest(&mib, |q| &q.memory)
        + PARALLEL_TASKS * mib(&profile.tasks.memory_request)
        + HEADROOM_MIB;
    MinikubeSize {
        cpus: cpus.ceil() as u64,
        // minikube takes whole MiB; round up to 256 MiB.
        memory_mib: ((memory / 256.0).ceil() * 256.0) as u64,
    }
}
