//! Semantic checks of a typed profile: what the types alone cannot say.

use super::model::{NfsAddress, Platform, Profile, RbacMode};
use super::source::ProfileSource;
use crate::diag::Diagnostic;
use crate::error::Result;
use std::net::Ipv4Addr;

/// Every problem of `profile` at once; on success, the warnings.
pub fn check(profile: &Profile, source: &ProfileSource) -> Result<Vec<Diagnostic>> {
    let mut errors = Vec::new();
    let mut warnings = Vec::new();
    let at = |message: String| Diagnostic::error(format!("{}: {message}", source.name));

    if !is_dns_label(&profile.namespace) {
        errors.push(at(format!(
            "namespace `{}` is not a DNS-1123 label (lowercase letters, digits and '-', at most 63, starting and ending with a letter or digit)",
            profile.namespace
        )));
    }
    match profile.nfs.address {
        NfsAddress::Ip => check_pinned_ip(profile, &mut errors, &at),
        NfsAddress::Dns => {
            if profile.nfs.ip.is_some() {
                errors.push(at(
                    "nfs.ip is set but nfs.address = \"dns\"; remove nfs.ip or set nfs.address = \"ip\"".into(),
                ));
            }
        }
    }
    if profile.platform != Platform::Gke && profile.cluster.is_some() {
        errors.push(at(
            "[cluster] describes a GKE cluster; it is only allowed with platform = \"gke\"".into(),
        ));
    }
    if profile.platform != Platform::Minikube && profile.dns.is_some() {
        errors.push(at(
            "[dns] configures dnsmasq on a minikube host; it is only allowed with platform = \"minikube\"".into(),
        ));
    }
    errors.extend(super::check_network::check(profile, &source.name));
    errors.extend(super::check_workflow::check(profile, &source.name));
    if profile.rbac.mode == RbacMode::ClusterAdmin {
        warnings.push(Diagnostic::warning(format!(
            "{}: rbac.mode = \"cluster-admin\" makes every ServiceAccount of the cluster cluster-admin; the engine only needs rbac.mode = \"namespaced\"",
            source.name
        )));
    }
    if errors.is_empty() {
        Ok(warnings)
    } else {
        Err(errors.into())
    }
}

fn check_pinned_ip(
    profile: &Profile,
    errors: &mut Vec<Diagnostic>,
    at: &dyn Fn(String) -> Diagnostic,
) {
    let Some(ip_text) = &profile.nfs.ip else {
        errors.push(at(
            "nfs.address = \"ip\" needs nfs.ip, the ClusterIP to pin on the nfs-server Service".into(),
        ));
        return;
    };
    let Ok(ip) = ip_text.parse::<Ipv4Addr>() else {
        errors.push(at(format!("nfs.ip `{ip_text}` is not an IPv4 address")));
        return;
    };
    let Some(cidr_text) = &profile.nfs.service_cidr else {
        errors.push(at(
            "nfs.address = \"ip\" needs nfs.service_cidr, the cluster's service range (minikube: 10.96.0.0/12)".into(),
        ));
        return;
    };
    let Some((network, prefix)) = parse_cidr(cidr_text) else {
        errors.push(at(format!(
            "nfs.service_cidr `{cidr_text}` is not an IPv4 CIDR like 10.96.0.0/12"
        )));
        return;
    };
    let mask = if prefix == 0 { 0 } else { u32::MAX << (32 - prefix) };
    let first = u32::from(network) & mask;
    let last = first | !mask;
    let address = u32::from(ip);
    if address & mask != first {
        errors.push(at(format!(
            "nfs.ip {ip} is outside nfs.service_cidr {cidr_text}"
        )));
    } else if prefix < 31 && (address == first || address == last) {
        errors.push(at(format!(
            "nfs.ip {ip} is the network or broadcast address of {cidr_text}"
        )));
    }
}

fn parse_cidr(text: &str) -> Option<(Ipv4Addr, u32)> {
    let (address, prefix) = text.split_once('/')?;
    let prefix: u32 = prefix.parse().ok()?;
    (prefix <= 32).then_some((address.parse().ok()?, prefix))
}

/// RFC 1123 label, as Kubernetes requires for namespaces and most names.
pub fn is_dns_label(text: &str) -> bool {
    let bytes = text.as_bytes();
    !bytes.is_empty()
        && bytes.len() <= 63
        && bytes
            .iter()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || *b == b'-')
        && bytes[0] != b'-'
        && bytes[bytes.len() - 1] != b'-'
}
