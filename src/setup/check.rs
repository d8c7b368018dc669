//! What `hfgen setup` needs of a profile beyond what loading it checks: a GKE cluster to
//! create, node labels that gcloud and Kubernetes accept, and dnsmasq values that are one
//! address or name each (a newline in them would add a line to /etc/dnsmasq.conf).

use crate::diag::Diagnostic;
use crate::error::Result;
use crate::profile::model::{Dns, NfsAddress, Platform};
use crate::profile::LoadedProfile;
use indexmap::IndexMap;
use std::net::IpAddr;

/// Every problem at once, each naming the profile and the key.
pub fn check(loaded: &LoadedProfile) -> Result<()> {
    let profile = &loaded.profile;
    let mut errors = Vec::new();
    let mut error = |message: String| {
        errors.push(Diagnostic::error(format!("{}: {message}", loaded.name)));
    };
    if profile.platform == Platform::Gke {
        if profile.cluster.is_none() {
            error(
                "platform = \"gke\" needs a [cluster] section (project, zone, master_pool, worker_pool) for `hfgen setup` to create the cluster".into(),
            );
        }
        for (group, labels) in [
            ("nodes.master", &profile.nodes.master),
            ("nodes.worker", &profile.nodes.worker),
        ] {
            check_labels(group, labels, &mut error);
        }
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
        if !is_dns_subdomain(&dns.cluster_domain) {
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

fn check_labels(group: &str, labels: &IndexMap<String, String>, error: &mut impl FnMut(String)) {
    for (key, value) in labels {
        if !is_label_key(key) {
            error(format!(
                "{group}: `{key}` is not a Kubernetes label key ([prefix/]name: a name of at most 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit)"
            ));
        }
        if !value.is_empty() && !is_label_name(value) {
            error(format!(
                "{group}.{key}: `{value}` is not a Kubernetes label value (at most 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit)"
            ));
        }
    }
}

/// `[prefix/]name`, the prefix a DNS subdomain.
fn is_label_key(key: &str) -> bool {
    match key.split_once('/') {
        Some((prefix, name)) => is_dns_subdomain(prefix) && is_label_name(name),
        None => is_label_name(key),
    }
}

/// A label name or non-empty value.
fn is_label_name(text: &str) -> bool {
    let bytes = text.as_bytes();
    !bytes.is_empty()
        && bytes.len() <= 63
        && bytes[0].is_ascii_alphanumeric()
        && bytes[bytes.len() - 1].is_ascii_alphanumeric()
        && bytes
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
}

/// RFC 1123 subdomain: dot-separated labels, at most 253 characters.
fn is_dns_subdomain(text: &str) -> bool {
    text.len() <= 253 && text.split('.').all(crate::profile::check::is_dns_label)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn label_keys_and_values() {
        assert!(is_label_key("nodetype"));
        assert!(is_label_key("cloud.google.com/gke-nodepool"));
        assert!(!is_label_key("a,b"));
        assert!(!is_label_key("a=b"));
        assert!(!is_label_key("/name"));
        assert!(!is_label_key("Bad_Prefix/name"));
        assert!(is_label_name("hf.master_1"));
        assert!(!is_label_name("-x"));
        assert!(!is_label_name("x y"));
        assert!(!is_label_name(&"a".repeat(64)));
    }

    #[test]
    fn dns_defaults_are_the_seed_values() {
        let dns = default_dns();
        assert_eq!(dns.cluster_dns_ip, "10.96.0.10");
        assert_eq!(dns.cluster_domain, "cluster.local");
        assert_eq!(dns.upstream, "8.8.8.8");
    }
}
