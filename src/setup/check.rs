//! What `hfgen setup` needs of a profile beyond what loading it checks: a GKE cluster to
//! create. Node labels and the `[dns]` values (each one address or name, so none can add a
//! line to /etc/dnsmasq.conf) are checked when the profile loads.

use crate::diag::Diagnostic;
use crate::error::Result;
use crate::profile::model::{Dns, Platform};
use crate::profile::LoadedProfile;

/// A GKE profile renders without `[cluster]`, but has no cluster to set up.
pub fn check(loaded: &LoadedProfile) -> Result<()> {
    let profile = &loaded.profile;
    if profile.platform == Platform::Gke && profile.cluster.is_none() {
        return Err(Diagnostic::error(format!(
            "{}: platform = \"gke\" needs a [cluster] section (project, zone, master_pool, worker_pool) for `hfgen setup` to create the cluster",
            loaded.name
        ))
        .into());
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
