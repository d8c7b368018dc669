//! Semantic checks of addresses and ranges: the pinned NFS Service address and its service
//! range (which `minikube start` and the API server take), and the `[network_policy]` node
//! CIDRs, which the API server would otherwise reject only at `kubectl apply` time.

use super::Findings;
use crate::diag::Code;
use crate::profile::formats::{self, Placement};
use crate::profile::model::{NfsAddress, Profile};
use std::net::{IpAddr, Ipv4Addr};

pub fn nfs_address(profile: &Profile, findings: &mut Findings) {
    let nfs = &profile.nfs;
    match nfs.address {
        NfsAddress::Dns => {
            if nfs.ip.is_some() {
                findings
                    .error(
                        Code::UnusedSetting,
                        "nfs.ip",
                        "nfs.ip is only used with nfs.address = \"ip\"",
                    )
                    .help = Some("remove nfs.ip, or set nfs.address = \"ip\"".into());
            }
        }
        NfsAddress::Ip => pinned_ip(profile, findings),
    }
}

fn pinned_ip(profile: &Profile, findings: &mut Findings) {
    let nfs = &profile.nfs;
    let Some(ip_text) = &nfs.ip else {
        findings.error(
            Code::MissingSetting,
            "nfs.address",
            "nfs.address = \"ip\" needs nfs.ip, the ClusterIP to pin on the nfs-server Service",
        );
        return;
    };
    let Ok(ip) = ip_text.parse::<Ipv4Addr>() else {
        findings.error(
            Code::InvalidFormat,
            "nfs.ip",
            format!("nfs.ip `{ip_text}` is not an IPv4 address"),
        );
        return;
    };
    let Some(cidr_text) = &nfs.service_cidr else {
        findings
            .error(
                Code::MissingSetting,
                "nfs.address",
                "nfs.address = \"ip\" needs nfs.service_cidr, the cluster's service range",
            )
            .help = Some("minikube's default is nfs.service_cidr = \"10.96.0.0/12\"".into());
        return;
    };
    let Some((network, prefix)) = service_cidr(findings, cidr_text) else {
        return;
    };
    match formats::placement(ip, network, prefix) {
        Placement::Usable => reserved_ip(findings, ip, network, prefix, cidr_text),
        Placement::Outside => {
            findings.error(
                Code::InvalidFormat,
                "nfs.ip",
                format!("nfs.ip {ip} is outside nfs.service_cidr {cidr_text}"),
            );
        }
        Placement::NetworkOrBroadcast => {
            findings.error(
                Code::InvalidFormat,
                "nfs.ip",
                format!("nfs.ip {ip} is the network or broadcast address of {cidr_text}"),
            );
        }
    }
}

/// The addresses of a service range that Kubernetes gives away itself: the first to the
/// `kubernetes` API Service, the tenth to the cluster DNS Service (kubeadm and minikube).
fn reserved_ip(findings: &mut Findings, ip: Ipv4Addr, network: Ipv4Addr, prefix: u32, cidr: &str) {
    let first = u32::from(network) & formats::mask(prefix);
    let taken_by = match u32::from(ip).wrapping_sub(first) {
        1 => "the `kubernetes` API Service",
        10 => "the cluster DNS Service",
        _ => return,
    };
    findings
        .error(
            Code::InvalidFormat,
            "nfs.ip",
            format!("nfs.ip {ip} is the address of {cidr} that {taken_by} gets"),
        )
        .help = Some("pick another address of the range, e.g. its 100th".into());
}

/// The prefix lengths the API server takes for an IPv4 service range (a /12 holds 2^20
/// addresses, the most it allows) that still leave addresses to pin.
const SERVICE_PREFIXES: std::ops::RangeInclusive<u32> = 12..=28;

fn service_cidr(findings: &mut Findings, cidr_text: &str) -> Option<(Ipv4Addr, u32)> {
    let parsed = formats::parse_cidr(cidr_text);
    match parsed {
        None => {
            findings.error(
                Code::InvalidFormat,
                "nfs.service_cidr",
                format!(
                    "nfs.service_cidr `{}` is not an IPv4 CIDR like 10.96.0.0/12",
                    crate::text::printable(cidr_text)
                ),
            );
            None
        }
        Some((_, prefix)) if !SERVICE_PREFIXES.contains(&prefix) => {
            findings.error(
                Code::InvalidFormat,
                "nfs.service_cidr",
                format!(
                    "nfs.service_cidr {cidr_text}: the prefix length must be {} to {} for a service range",
                    SERVICE_PREFIXES.start(),
                    SERVICE_PREFIXES.end()
                ),
            );
            None
        }
        parsed => parsed,
    }
}

/// One error per malformed entry of `network_policy.nfs_node_cidrs`.
pub fn nfs_node_cidrs(profile: &Profile, findings: &mut Findings) {
    for cidr in &profile.network_policy.nfs_node_cidrs {
        if !is_cidr(cidr) {
            findings.error(
                Code::InvalidFormat,
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
