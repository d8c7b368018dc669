//! The checks of the profile as a whole: namespace, images, resources, platform sections,
//! DNS, node selectors, RBAC.

use super::quantities::{bytes_quantity, positive_quantity, volume_size};
use super::Findings;
use crate::diag::Code;
use crate::profile::formats::{self, ImageProblem, Placement};
use crate::profile::model::{NfsAddress, NfsExport, Platform, Profile, RbacMode};
use std::net::Ipv4Addr;

pub fn namespace(profile: &Profile, findings: &mut Findings) {
    if let Some(problem) = formats::dns_label_problem(&profile.namespace) {
        findings.error(
            Code::InvalidName,
            "namespace",
            format!(
                "namespace `{}` is not a DNS-1123 label: it {problem}",
                profile.namespace
            ),
        );
    }
}

pub fn images(profile: &Profile, findings: &mut Findings) {
    let images = &profile.images;
    let written = [
        ("images.engine", Some(&images.engine)),
        ("images.worker", images.worker.as_ref()),
        ("images.redis", Some(&images.redis)),
        ("images.nfs_server", Some(&images.nfs_server)),
        ("images.log_parser", Some(&images.log_parser)),
        ("images.viz_trace", Some(&images.viz_trace)),
        ("images.downloader", Some(&images.downloader)),
        ("images.rabbitmq", Some(&images.rabbitmq)),
        ("data.image", profile.data.image.as_ref()),
    ];
    for (key, reference) in written {
        let Some(reference) = reference else { continue };
        match formats::image_problem(reference) {
            Some(ImageProblem::Malformed(why)) => {
                findings.error(
                    Code::InvalidImage,
                    key,
                    format!(
                        "{key} `{}` is not an image reference: it {why}",
                        crate::text::printable(reference)
                    ),
                );
            }
            Some(ImageProblem::NoTag) => {
                findings
                    .warning(
                        Code::UnpinnedImage,
                        key,
                        format!("{key} `{reference}` has no tag, so it pulls whatever `latest` is"),
                    )
                    .help = Some(format!("pin a version: `{reference}:<version>`"));
            }
            Some(ImageProblem::Latest) => {
                let name = reference.trim_end_matches(":latest");
                findings
                    .warning(
                        Code::UnpinnedImage,
                        key,
                        format!("{key} `{reference}` pulls whatever `latest` is"),
                    )
                    .help = Some(format!("pin a version: `{name}:<version>`"));
            }
            None => {}
        }
    }
}

/// Worker pods have requests and no memory limit (see [`super::engine::task_memory_limit`]).
pub fn task_resources(profile: &Profile, findings: &mut Findings) {
    let tasks = &profile.tasks;
    positive_quantity(findings, "tasks.cpu_request", &tasks.cpu_request, "500m");
    bytes_quantity(
        findings,
        "tasks.memory_request",
        &tasks.memory_request,
        "512Mi",
    );
}

/// `[resources]`, judged with the defaults filled in: a larger memory request alone can
/// pass the default limit, which Kubernetes rejects.
pub fn component_resources(profile: &Profile, findings: &mut Findings) {
    let resolved = profile.resources.resolved();
    // Which limits the profile wrote: a default one is named as such (issue 27).
    let written = serde_json::to_value(&profile.resources).unwrap_or_default();
    for (component, quantities) in resolved.components() {
        let limit_written = written
            .pointer(&format!("/{component}/memory_limit"))
            .is_some_and(|limit| !limit.is_null());
        requests_and_limit(
            findings,
            limit_written,
            [
                &format!("resources.{component}.cpu"),
                &format!("resources.{component}.memory"),
                &format!("resources.{component}.memory_limit"),
            ],
            [
                &quantities.cpu,
                &quantities.memory,
                &quantities.memory_limit,
            ],
        );
    }
}

/// A CPU request, a memory request and a memory limit: positive quantities, limit >= request.
/// A limit the profile did not write is the default, and the request is what to blame.
fn requests_and_limit(
    findings: &mut Findings,
    limit_written: bool,
    keys: [&str; 3],
    values: [&str; 3],
) {
    let [cpu_key, request_key, limit_key] = keys;
    let [cpu, request_text, limit_text] = values;
    positive_quantity(findings, cpu_key, cpu, "500m");
    let request = bytes_quantity(findings, request_key, request_text, "512Mi");
    let limit = bytes_quantity(findings, limit_key, limit_text, "1Gi");
    if let (Some(request), Some(limit)) = (request, limit) {
        if limit < request && limit_written {
            findings.error(
                Code::RequestAboveLimit,
                limit_key,
                format!("{limit_key} `{limit_text}` is below {request_key} `{request_text}`"),
            );
        } else if limit < request {
            findings
                .error(
                    Code::RequestAboveLimit,
                    request_key,
                    format!("{request_key} `{request_text}` is above the default {limit_key}, `{limit_text}`"),
                )
                .help = Some(format!("set {limit_key} too, to at least `{request_text}`"));
        }
    }
}

/// `[nfs]` and the NFS node CIDRs: only where hfgen runs its own NFS server.
pub fn nfs(profile: &Profile, findings: &mut Findings) {
    volume_size(findings, "nfs.size", &profile.nfs.size);
    super::network::nfs_address(profile, findings);
    storage_class(profile, findings);
    super::network::nfs_node_cidrs(profile, findings);
}

/// Values that land in int32 fields of Kubernetes objects (or that the engine puts there): the
/// profile's unsigned 32-bit integers reach twice as far, and the API server would refuse.
pub fn int32_fields(profile: &Profile, findings: &mut Findings) {
    for (key, value) in [
        ("engine.job_ttl_seconds", profile.engine.job_ttl_seconds),
        ("engine.backoff_limit", profile.engine.backoff_limit),
    ] {
        if i32::try_from(value).is_err() {
            findings.error(
                Code::OutOfRange,
                key,
                format!(
                    "{key} {value} does not fit the int32 field it fills (at most {})",
                    i32::MAX
                ),
            );
        }
    }
}

fn storage_class(profile: &Profile, findings: &mut Findings) {
    let Some(class) = &profile.nfs.storage_class else {
        return;
    };
    if profile.nfs.export != NfsExport::Claim {
        findings
            .error(
                Code::UnusedSetting,
                "nfs.storage_class",
                "nfs.storage_class is only used with nfs.export = \"claim\"",
            )
            .help = Some("remove nfs.storage_class, or set nfs.export = \"claim\"".into());
    } else if !formats::is_dns_subdomain(class) {
        findings.error(
            Code::InvalidName,
            "nfs.storage_class",
            format!("nfs.storage_class `{class}` is not a StorageClass name (lowercase DNS-1123 subdomain)"),
        );
    }
}

pub fn platform_sections(profile: &Profile, findings: &mut Findings) {
    if profile.platform != Platform::Gke && profile.cluster.is_some() {
        findings.error(
            Code::PlatformMismatch,
            "cluster",
            "[cluster] describes a GKE cluster; it needs platform = \"gke\"",
        );
    }
    if profile.dns.is_some() {
        if profile.platform != Platform::Minikube {
            findings.error(
                Code::PlatformMismatch,
                "dns",
                "[dns] sets up a minikube host; it needs platform = \"minikube\"",
            );
        } else if profile.nfs.address != NfsAddress::Dns {
            findings.error(
                Code::UnusedSetting,
                "dns",
                "[dns] makes the NFS Service name resolvable; it needs nfs.address = \"dns\"",
            );
        }
    }
    if profile.platform == Platform::Kind
        && profile.storage.kind.has_own_nfs_server()
        && profile.nfs.address == NfsAddress::Dns
    {
        findings
            .error(
                Code::PlatformMismatch,
                "nfs.address",
                "platform = \"kind\" with nfs.address = \"dns\": the kubelet in a kind node cannot resolve cluster DNS names, so no pod could mount the share",
            )
            .help = Some("set nfs.address = \"ip\" with nfs.ip in nfs.service_cidr, as the built-in kind profile does".into());
    }
}

pub fn dns(profile: &Profile, findings: &mut Findings) {
    let Some(dns) = &profile.dns else { return };
    let cluster_ip = dns.cluster_dns_ip.parse::<Ipv4Addr>();
    if cluster_ip.is_err() {
        findings.error(
            Code::InvalidFormat,
            "dns.cluster_dns_ip",
            format!(
                "dns.cluster_dns_ip `{}` is not an IPv4 address",
                dns.cluster_dns_ip
            ),
        );
    }
    if dns.upstream.parse::<Ipv4Addr>().is_err() {
        findings.error(
            Code::InvalidFormat,
            "dns.upstream",
            format!("dns.upstream `{}` is not an IPv4 address", dns.upstream),
        );
    }
    if !formats::is_dns_subdomain(&dns.cluster_domain) {
        findings.error(
            Code::InvalidFormat,
            "dns.cluster_domain",
            format!(
                "dns.cluster_domain `{}` is not a DNS name like cluster.local",
                dns.cluster_domain
            ),
        );
    }
    let range = profile
        .nfs
        .service_cidr
        .as_deref()
        .and_then(formats::parse_cidr);
    if let (Ok(ip), Some((network, prefix))) = (cluster_ip, range) {
        if formats::placement(ip, network, prefix) != Placement::Usable {
            findings.error(
                Code::InvalidFormat,
                "dns.cluster_dns_ip",
                format!(
                    "dns.cluster_dns_ip {ip} is not a usable address of nfs.service_cidr {}",
                    profile.nfs.service_cidr.as_deref().unwrap_or_default()
                ),
            );
        }
    }
}

pub fn node_selectors(profile: &Profile, findings: &mut Findings) {
    for (group, labels) in [
        ("master", &profile.nodes.master),
        ("worker", &profile.nodes.worker),
    ] {
        for (key, value) in labels {
            if let Some(problem) = formats::label_key_problem(key) {
                findings.key_error(
                    Code::InvalidName,
                    &["nodes", group, key],
                    format!("nodes.{group}: label key `{key}` {problem}"),
                );
            }
            if let Some(problem) = formats::label_value_problem(value) {
                findings.value_error(
                    Code::InvalidName,
                    &["nodes", group, key],
                    format!("nodes.{group}: label value `{value}` {problem}"),
                );
            }
        }
    }
}

pub fn rbac(profile: &Profile, findings: &mut Findings) {
    if profile.rbac.mode == RbacMode::ClusterAdmin {
        findings.warning(
            Code::ClusterAdmin,
            "rbac.mode",
            "rbac.mode = \"cluster-admin\" makes every ServiceAccount of the cluster cluster-admin; the engine only needs \"namespaced\"",
        );
    }
}
