//! Semantic checks of `[network_policy]`: the node CIDRs must be CIDRs, or the API server
//! rejects the NetworkPolicy only at `kubectl apply` time.

use super::check::Findings;
use super::model::Profile;
use std::net::IpAddr;

/// One error per malformed entry of `network_policy.nfs_node_cidrs`.
pub fn nfs_node_cidrs(profile: &Profile, findings: &mut Findings) {
    for cidr in &profile.network_policy.nfs_node_cidrs {
        if !is_cidr(cidr) {
            findings.error(
                "network_policy.nfs_node_cidrs",
                format!("network_policy.nfs_node_cidrs: `{cidr}` is not a CIDR like 10.128.0.0/9 or fd00::/8"),
            );
        }
    }
}

/// An IPv4 or IPv6 network in prefix notation, as NetworkPolicy `ipBlock.cidr` takes it.
fn is_cidr(text: &str) -> bool {
    let Some((address, prefix)) = text.split_once('/') else {
        return false;
    };
    let Ok(address) = address.parse::<IpAddr>() else {
        return false;
    };
    let max_prefix = if address.is_ipv4() { 32 } else { 128 };
    // Digits only: Rust's integer parser would also take a sign ("+8").
    (1..=3).contains(&prefix.len())
        && prefix.bytes().all(|b| b.is_ascii_digit())
        && prefix.parse::<u8>().is_ok_and(|bits| bits <= max_prefix)
}

#[cfg(test)]
mod tests {
    use super::is_cidr;

    #[test]
    fn cidrs() {
        assert!(is_cidr("10.128.0.0/9"));
        assert!(is_cidr("192.168.49.0/24"));
        assert!(is_cidr("fd00::/8"));
        assert!(!is_cidr("10.128.0.0"));
        assert!(!is_cidr("10.128.0.0/33"));
        assert!(!is_cidr("fd00::/129"));
        assert!(!is_cidr("10.0.0.0/+8"));
        assert!(!is_cidr("nodes/8"));
    }
}
