//! Semantic checks of a typed profile: what the types alone cannot say.
//!
//! Each check is a function `fn(&Profile, &mut Findings)` listed in [`CHECKS`]; adding a check
//! is writing one and listing it. A check reports against the dotted key it is about, and the
//! report points at the file, line and column (or `--set`) where that key was written.

use super::formats::{self, ImageProblem, Placement};
use super::layer::{Origins, Site};
use super::model::{NfsAddress, NfsExport, Platform, Profile, RbacMode};
use crate::diag::{Code, Diagnostic};
use crate::error::Result;
use std::net::Ipv4Addr;

/// One semantic check.
pub type Check = fn(&Profile, &mut Findings);

/// Every semantic check, in the order of their messages.
pub const CHECKS: &[Check] = &[
    namespace,
    images,
    task_resources,
    component_resources,
    super::check_storage::storage,
    platform_sections,
    dns,
    super::check_cluster::cluster,
    super::check_cluster::node_sizes,
    int32_fields,
    node_selectors,
    super::check_workflow::data_source,
    super::check_workflow::custom_workflow,
    super::check_workflow_config::workflow_config,
    super::check_workflow::engine_env,
    super::check_engine::failure_handling,
    super::check_engine::deadline,
    super::check_engine::task_memory_limit,
    super::check_engine::engine_versions,
    super::check_execution::execution,
    rbac,
];

/// Runs every check; all errors at once, or the warnings.
pub fn check(profile: &Profile, origins: &Origins, root: &str) -> Result<Vec<Diagnostic>> {
    run(profile, origins, root, CHECKS)
}

/// Runs `checks`, each message placed where its key was written; all errors at once, or the
/// warnings.
pub fn run(
    profile: &Profile,
    origins: &Origins,
    root: &str,
    checks: &[Check],
) -> Result<Vec<Diagnostic>> {
    run_with(profile, origins, root, |profile, findings| {
        for check in checks {
            check(profile, findings);
        }
    })
}

/// Runs `check`, which may carry what it needs beyond the profile (the capacity check's
/// plan), like [`run`].
pub fn run_with(
    profile: &Profile,
    origins: &Origins,
    root: &str,
    check: impl FnOnce(&Profile, &mut Findings),
) -> Result<Vec<Diagnostic>> {
    let mut findings = Findings {
        origins,
        root,
        errors: Vec::new(),
        warnings: Vec::new(),
    };
    check(profile, &mut findings);
    crate::diag::sort_by_place(&mut findings.errors);
    crate::diag::sort_by_place(&mut findings.warnings);
    if findings.errors.is_empty() {
        Ok(findings.warnings)
    } else {
        Err(findings.errors.into())
    }
}

/// What the checks found, each placed where its key was written.
pub struct Findings<'a> {
    origins: &'a Origins,
    root: &'a str,
    errors: Vec<Diagnostic>,
    warnings: Vec<Diagnostic>,
}

impl Findings<'_> {
    /// An error about the value of `key` (dotted, e.g. `nfs.ip`).
    pub fn error(&mut self, code: Code, key: &str, message: impl Into<String>) -> &mut Diagnostic {
        let diagnostic = self.place(
            &split(key),
            Diagnostic::error(code, message),
            Site::value_origin,
        );
        self.errors.push(diagnostic);
        self.errors.last_mut().expect("just pushed")
    }

    /// An error about a key itself; `path` may hold keys with dots (node selector labels).
    pub fn key_error(
        &mut self,
        code: Code,
        path: &[&str],
        message: impl Into<String>,
    ) -> &mut Diagnostic {
        let path: Vec<String> = path.iter().map(|key| key.to_string()).collect();
        let diagnostic = self.place(&path, Diagnostic::error(code, message), Site::key_origin);
        self.errors.push(diagnostic);
        self.errors.last_mut().expect("just pushed")
    }

    /// An error about the value at `path` (keys may hold dots).
    pub fn value_error(
        &mut self,
        code: Code,
        path: &[&str],
        message: impl Into<String>,
    ) -> &mut Diagnostic {
        let path: Vec<String> = path.iter().map(|key| key.to_string()).collect();
        let diagnostic = self.place(&path, Diagnostic::error(code, message), Site::value_origin);
        self.errors.push(diagnostic);
        self.errors.last_mut().expect("just pushed")
    }

    /// A warning about the value of `key`.
    pub fn warning(
        &mut self,
        code: Code,
        key: &str,
        message: impl Into<String>,
    ) -> &mut Diagnostic {
        let diagnostic = self.place(
            &split(key),
            Diagnostic::warning(code, message),
            Site::value_origin,
        );
        self.warnings.push(diagnostic);
        self.warnings.last_mut().expect("just pushed")
    }

    /// Places `diagnostic` at `path`, or the nearest key above it that was written; a key
    /// that only has its default value is reported against the profile as a whole.
    fn place(
        &self,
        path: &[String],
        diagnostic: Diagnostic,
        span: fn(&Site) -> crate::diag::Origin,
    ) -> Diagnostic {
        match self.origins.get(path) {
            Some(site) => diagnostic.at(span(site)),
            None => match self.origins.nearest(path) {
                Some(site) => diagnostic.at(site.key_origin()),
                None => Diagnostic {
                    message: format!("{}: {}", self.root, diagnostic.message),
                    ..diagnostic
                },
            },
        }
    }
}

fn split(key: &str) -> Vec<String> {
    key.split('.').map(String::from).collect()
}

fn namespace(profile: &Profile, findings: &mut Findings) {
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

fn images(profile: &Profile, findings: &mut Findings) {
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

/// The largest quantity Kubernetes stores (an int64 count of milli-units would overflow past
/// this many units, and the API server rejects it).
const MAX_QUANTITY: f64 = 9.2e15;

/// `key` must be a Kubernetes quantity greater than zero; returns its value.
pub(super) fn positive_quantity(
    findings: &mut Findings,
    key: &str,
    text: &str,
    example: &str,
) -> Option<f64> {
    match formats::parse_quantity(text) {
        Some(value) if !value.is_finite() || value.abs() > MAX_QUANTITY => {
            findings.error(
                Code::InvalidQuantity,
                key,
                format!("{key} `{text}` is too large for a Kubernetes quantity"),
            );
            None
        }
        None => {
            findings
                .error(
                    Code::InvalidQuantity,
                    key,
                    format!("{key} `{text}` is not a Kubernetes quantity"),
                )
                .help = Some(format!(
                "write a number with an optional suffix, e.g. `{example}`"
            ));
            None
        }
        Some(value) if value <= 0.0 => {
            findings.error(
                Code::InvalidQuantity,
                key,
                format!("{key} `{text}` must be greater than zero"),
            );
            None
        }
        Some(value) => Some(value),
    }
}

/// Worker pods have requests and no memory limit (see [`super::check_engine::task_memory_limit`]).
fn task_resources(profile: &Profile, findings: &mut Findings) {
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
fn component_resources(profile: &Profile, findings: &mut Findings) {
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

/// The least memory or volume size that makes sense: 1Mi.
const MIN_BYTES: f64 = 1024.0 * 1024.0;

/// `[nfs]` and the NFS node CIDRs: only where hfgen runs its own NFS server.
pub fn nfs(profile: &Profile, findings: &mut Findings) {
    volume_size(findings, "nfs.size", &profile.nfs.size);
    super::check_network::nfs_address(profile, findings);
    storage_class(profile, findings);
    super::check_network::nfs_node_cidrs(profile, findings);
}

/// A volume size: a positive quantity of at least 1Mi.
pub fn volume_size(findings: &mut Findings, key: &str, text: &str) {
    bytes_quantity(findings, key, text, "20Gi");
}

/// A byte count under 1Mi is a quantity whose unit was left out (`20` is 20 bytes): no volume
/// or container works with that little.
/// A memory or volume size: a positive quantity (returned) of at least 1Mi.
pub(super) fn bytes_quantity(
    findings: &mut Findings,
    key: &str,
    text: &str,
    example: &str,
) -> Option<f64> {
    let bytes = positive_quantity(findings, key, text, example);
    at_least_a_mebibyte(findings, key, text, bytes);
    bytes
}

fn at_least_a_mebibyte(findings: &mut Findings, key: &str, text: &str, bytes: Option<f64>) {
    if bytes.is_some_and(|bytes| bytes < MIN_BYTES) {
        findings
            .error(
                Code::InvalidQuantity,
                key,
                format!("{key} `{text}` is less than 1Mi: did you leave out the unit?"),
            )
            .help = Some(byte_unit_help(text));
    }
}

/// How to write `text` in bytes: its number with a byte unit. A suffix it already has is not
/// one (`1500m` is 1.5 bytes: `m` is a thousandth), so the advice replaces it rather than
/// appending to it (`1500mGi`, issue 27).
fn byte_unit_help(text: &str) -> String {
    let number = text.trim_end_matches(|c: char| c.is_ascii_alphabetic());
    if number.len() == text.len() {
        return format!("write the unit, e.g. `{text}Gi` or `{text}Mi`");
    }
    let suffix = &text[number.len()..];
    format!("`{suffix}` is not a byte unit here (`m` is a thousandth); write e.g. `{number}Mi` or `{number}Gi`")
}

/// Values that land in int32 fields of Kubernetes objects (or that the engine puts there): the
/// profile's unsigned 32-bit integers reach twice as far, and the API server would refuse.
fn int32_fields(profile: &Profile, findings: &mut Findings) {
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

fn platform_sections(profile: &Profile, findings: &mut Findings) {
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

fn dns(profile: &Profile, findings: &mut Findings) {
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

fn node_selectors(profile: &Profile, findings: &mut Findings) {
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

fn rbac(profile: &Profile, findings: &mut Findings) {
    if profile.rbac.mode == RbacMode::ClusterAdmin {
        findings.warning(
            Code::ClusterAdmin,
            "rbac.mode",
            "rbac.mode = \"cluster-admin\" makes every ServiceAccount of the cluster cluster-admin; the engine only needs \"namespaced\"",
        );
    }
}
