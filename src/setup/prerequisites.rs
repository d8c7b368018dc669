//! What `hfgen setup` needs of a profile beyond what loading it checks: something to do. Node
//! labels and the `[dns]` values (each one address or name, so none can add a line to
//! /etc/dnsmasq.conf) are checked when the profile loads.

use crate::diag::{Code, Diagnostic};
use crate::error::Result;
use crate::plan::Plan;
use crate::profile::model::Platform;
use crate::profile::LoadedProfile;

/// A GKE profile without `[cluster]` runs on a cluster that exists: its script sets up only
/// the worker pools, and without pools there is nothing for a script to do.
pub fn nothing_to_set_up(plan: &Plan) -> bool {
    plan.platform == Platform::Gke && plan.cluster.is_none() && !plan.execution.has_rabbitmq()
}

/// Refuses a profile that [`nothing_to_set_up`], saying what would give it a script.
pub fn check(loaded: &LoadedProfile, plan: &Plan) -> Result<()> {
    if nothing_to_set_up(plan) {
        let mut diagnostic = Diagnostic::error(Code::NothingToSetUp, format!(
            "{}: nothing to set up: platform = \"gke\" without a [cluster] section runs on an existing cluster, and with execution.mode = \"jobs\" it needs nothing installed there",
            loaded.name
        ));
        diagnostic.help = Some("add [cluster] (project, zone, master_pool, worker_pool) for `hfgen setup` to create the cluster, or deploy with `hfgen render` directly; with execution.mode = \"pools\" the script installs KEDA and the RabbitMQ Secret in the cluster kubectl points at".into());
        return Err(diagnostic.into());
    }
    Ok(())
}
