//! What `hfgen setup` needs of a profile beyond what loading it checks: a GKE cluster to
//! create, and dnsmasq values that are one address or name each (a newline in them would add
//! a line to /etc/dnsmasq.conf). Node labels are checked when the profile loads.

use crate::diag::Diagnostic;
use crate::error::Result;
use crate::profile::formats;
use crate::profile::model::{Dns, NfsAddress, Platform};
use crate::profile::LoadedProfile;
use std::net::IpAddr;

/// Every problem at once, each naming the profile and the key.
pub fn check(loaded: &LoadedProfile) -> Result<()> {
    let profile = &loaded.profile;
    let mut errors = Vec::new();
    let mut error = |message: String| {
        errors.push(Diagnostic::error(format!("{}: {message}", loaded.name)));
    };
    if profile.platform == Platform::Gke && profile.cluster.is_none() {
        error(
                "platform = \"gke\" needs a [cluster] section (project, zone, master_pool, worker_pool) for `hfgen setup` to create the cluster".into(),
            );
    }
    if profile.platform == Platform::Minikube && profile.nfs.address == NfsAddress::Dns {
        let dns = profile.dns.clone().unwrap_or_else(default_dns);
        for (key, value) in [
            ("dns.cluster_dns_ip", &dns.cluster_dns_ip),
            ("dns.upstream", &dns.upstream),
        ] {
            if value.parse::<IpAddr>().is_err() {
                error(format!("{key} `{value}` is not an IP address"));
            }
        }
        if !formats::is_dns_subdomain(&dns.cluster_domain) {
            error(format!(
                "dns.cluster_domain `{}` is not a DNS name (lowercase letters, digits, '-' and '.')",
                dns.cluster_domain
            ));
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors.into())
    }
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
