//! What `hfgen setup` needs of a profile beyond what loading it checks: something to do. Node
//! labels and the `[dns]` values (each one address or name, so none can add a line to
//! /etc/dnsmasq.conf) are checked when the profile loads.

use crate::diag::{Code, Diagnostic};
use crate::error::Result;
use crate::profile::model::{Dns, Platform, Profile};
use crate::profile::LoadedProfile;
use crate::render::plan::DeploymentPlan;

/// A GKE profile without `[cluster]` runs on a cluster that exists: its script sets up only
/// the worker pools, and without pools there is nothing for a script to do.
pub fn nothing_to_set_up(profile: &Profile) -> bool {
    profile.platform == Platform::Gke
        && profile.cluster.is_none()
        && !DeploymentPlan::new(profile).rabbitmq
}

/// Refuses a profile that [`nothing_to_set_up`], saying what would give it a script.
pub fn check(loaded: &LoadedProfile) -> Result<()> {
    if nothing_to_set_up(&loaded.profile) {
        let mut diagnostic = Diagnostic::error(Code::NothingToSetUp, format!(
            "{}: nothing to set up: platform = \"gke\" without a [cluster] section runs on an existing cluster, and with execution.mode = \"jobs\" it needs nothing installed there",
            loaded.name
        ));
        diagnostic.help = Some("add [cluster] (project, zone, master_pool, worker_pool) for `hfgen setup` to create the cluster, or deploy with `hfgen render` directly; with execution.mode = \"pools\" the script installs KEDA and the RabbitMQ Secret in the cluster kubectl points at".into());
        return Err(diagnostic.into());
    }
    Ok(())
}

/// The `[dns]` section's defaults, for a profile that leaves it out.
pub fn default_dns() -> Dns {
    toml::Value::Table(toml::Table::new())
        .try_into()
        .expect("every field of [dns] has a default")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dns_defaults_are_the_seed_values() {
        let dns = default_dns();
        assert_eq!(dns.cluster_dns_ip, "10.96.0.10");
        assert_eq!(dns.cluster_domain, "cluster.local");
        assert_eq!(dns.upstream, "8.8.8.8");
    }
}
