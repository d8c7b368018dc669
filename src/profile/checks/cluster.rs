//! Semantic checks of `[cluster]`: every value becomes an argument of a `gcloud` command in the
//! setup script, so each must mean what gcloud takes it for. A cluster name such as
//! `--flags-file=/tmp/x.yaml` would be read by gcloud as an option, not a name; the formats
//! below all start with a letter or digit, so no value can.

use super::Findings;
use crate::diag::{Code, Diagnostic};
use crate::error::{Error, Result};
use crate::profile::model::{Platform, Profile};
use crate::profile::LoadedProfile;

/// Cloud identifiers only the user can know. The built-in `gke` profile holds a placeholder
/// project so that it renders; `hfgen setup` must not hand that to gcloud, which would try to
/// create the cluster in a project that is not the user's (or one that does not exist) and
/// stop halfway through the script.
const USER_ONLY: &[(&[&str], &str)] = &[(&["cluster", "project"], "your Google Cloud project id")];

/// Project ids that hfgen's own profiles and README show as examples: someone who copied one
/// has not yet named their project. A test keeps this list complete.
pub const PLACEHOLDER_PROJECTS: &[&str] = &["my-gcp-project", "your-gcp-project"];

/// For `hfgen setup`: every user-only identifier that the profile did not set itself (it is
/// still the built-in profile's placeholder), and a project id copied from hfgen's examples,
/// is an error that says which key to set.
pub fn placeholders(loaded: &LoadedProfile) -> Result<()> {
    let Some(cluster) = &loaded.profile.cluster else {
        return Ok(());
    };
    let mut errors = Vec::new();
    let project_site = loaded
        .origins
        .get(&["cluster".to_string(), "project".to_string()]);
    if PLACEHOLDER_PROJECTS.contains(&cluster.project.as_str())
        && !project_site.is_some_and(|site| site.builtin)
    {
        let mut error = Diagnostic::error(Code::Placeholder, format!(
            "cluster.project `{}` is a placeholder from hfgen's examples: set it to your Google Cloud project id",
            cluster.project
        ))
        .with_help("write your project id as `project = \"...\"` under [cluster], or add --set cluster.project=...");
        if let Some(site) = project_site {
            error = error.at(site.value_origin());
        }
        errors.push(error);
    }
    for (path, what) in USER_ONLY {
        let path: Vec<String> = path.iter().map(|key| key.to_string()).collect();
        let Some(site) = loaded.origins.get(&path).filter(|site| site.builtin) else {
            continue;
        };
        let key = path.join(".");
        let (table, name) = (&path[..path.len() - 1].join("."), &path[path.len() - 1]);
        errors.push(
            Diagnostic::error(
                Code::Placeholder,
                format!(
                    "{key} is the built-in profile's placeholder `{}`: set it to {what}",
                    &site.source[site.value.clone()].trim_matches('"')
                ),
            )
            .at(site.value_origin())
            .with_help(format!(
                "write `{name} = \"...\"` under [{table}] in your profile, or add --set {key}=..."
            )),
        );
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(Error::from(errors))
    }
}

/// One error per `[cluster]` value that is not what gcloud expects there.
pub fn cluster(profile: &Profile, findings: &mut Findings) {
    let Some(cluster) = &profile.cluster else {
        return;
    };
    let mut expect = |key: &str, value: &str, valid: bool, what: &str| {
        if value.trim().is_empty() {
            findings.error(
                Code::InvalidFormat,
                key,
                format!("{key} is empty: set it to {what}"),
            );
        } else if !valid {
            findings.error(
                Code::InvalidFormat,
                key,
                format!("{key} `{}` is not {what}", crate::text::printable(value)),
            );
        }
    };
    expect(
        "cluster.name",
        &cluster.name,
        is_cluster_name(&cluster.name),
        "a GKE cluster name (1-40 lowercase letters, digits and '-', starting with a letter and not ending with '-')",
    );
    expect(
        "cluster.project",
        &cluster.project,
        is_project_id(&cluster.project),
        "a Google Cloud project id (6-30 lowercase letters, digits and '-', starting with a letter and not ending with '-', optionally after `domain:`)",
    );
    // A region (`us-central1`) is the common slip: say so, and name a zone of it (issue 27).
    let zone_wanted = if is_zone(&format!("{}-a", cluster.zone)) {
        format!(
            "a zone but a region: name one of its zones, e.g. `{}-a`",
            cluster.zone
        )
    } else {
        "a Compute Engine zone like europe-west2-a".to_string()
    };
    expect(
        "cluster.zone",
        &cluster.zone,
        is_zone(&cluster.zone),
        &zone_wanted,
    );
    if let Some(version) = &cluster.version {
        expect(
            "cluster.version",
            version,
            is_gke_version(version),
            "a GKE version like 1.33 or 1.33.2-gke.1043000, or `latest`",
        );
    }
    for (key, pool) in [
        ("cluster.master_pool.machine_type", &cluster.master_pool),
        ("cluster.worker_pool.machine_type", &cluster.worker_pool),
    ] {
        expect(
            key,
            &pool.machine_type,
            is_machine_type(&pool.machine_type),
            "a machine type like e2-standard-4 (lowercase letters, digits and '-')",
        );
    }
}

/// `[host]` (minikube, kind) and the node pools' sizes: what the capacity check reads.
pub fn node_sizes(profile: &Profile, findings: &mut Findings) {
    if let Some(host) = &profile.host {
        if profile.platform == Platform::Gke {
            findings
                .error(Code::PlatformMismatch, "host", "[host] sizes a minikube or kind cluster; a GKE cluster's nodes are [cluster.master_pool] and [cluster.worker_pool]");
        }
        if host.cpus == Some(0) {
            findings.error(
                Code::OutOfRange,
                "host.cpus",
                "host.cpus is 0: set it to the CPUs the cluster gets",
            );
        }
        if let Some(memory) = &host.memory {
            super::quantities::bytes_quantity(findings, "host.memory", memory, "8Gi");
        }
    }
    for (key, pool) in profile.cluster.iter().flat_map(|cluster| {
        [
            ("cluster.master_pool", &cluster.master_pool),
            ("cluster.worker_pool", &cluster.worker_pool),
        ]
    }) {
        if let Some(allocatable) = &pool.allocatable {
            super::quantities::positive_quantity(
                findings,
                &format!("{key}.allocatable.cpu"),
                &allocatable.cpu,
                "3920m",
            );
            super::quantities::bytes_quantity(
                findings,
                &format!("{key}.allocatable.memory"),
                &allocatable.memory,
                "12Gi",
            );
        }
        let min = pool.min_nodes.unwrap_or(pool.node_count);
        if pool
            .max_nodes
            .is_some_and(|max| max < min.max(pool.node_count))
        {
            findings.error(
                Code::OutOfRange,
                &format!("{key}.max_nodes"),
                format!("{key}.max_nodes is below min_nodes or node_count"),
            );
        }
        if pool.min_nodes.is_some_and(|min| min > pool.node_count) {
            findings.error(
                Code::OutOfRange,
                &format!("{key}.min_nodes"),
                format!("{key}.min_nodes is above node_count, the nodes the pool starts with"),
            );
        }
    }
}

fn lower_alnum_dash(text: &str) -> bool {
    text.bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

fn starts_with_letter_ends_alnum(text: &str) -> bool {
    text.starts_with(|c: char| c.is_ascii_lowercase()) && !text.ends_with('-')
}

/// GKE: at most 40 characters of `[a-z0-9-]`, a letter first, not `-` last.
fn is_cluster_name(text: &str) -> bool {
    (1..=40).contains(&text.len()) && lower_alnum_dash(text) && starts_with_letter_ends_alnum(text)
}

/// 6-30 characters of `[a-z0-9-]`, a letter first, not `-` last; or `domain.com:project`.
fn is_project_id(text: &str) -> bool {
    let id = match text.rsplit_once(':') {
        Some((domain, id)) if crate::profile::formats::is_dns_subdomain(domain) => id,
        Some(_) => return false,
        None => text,
    };
    (6..=30).contains(&id.len()) && lower_alnum_dash(id) && starts_with_letter_ends_alnum(id)
}

/// `region-location<digit>-<letter>`, e.g. `europe-west2-a`, `us-central1-f`.
fn is_zone(text: &str) -> bool {
    let parts: Vec<&str> = text.split('-').collect();
    let letters = |part: &str| !part.is_empty() && part.bytes().all(|b| b.is_ascii_lowercase());
    match parts.as_slice() {
        [region, location, zone] => {
            letters(region)
                && location.starts_with(|c: char| c.is_ascii_lowercase())
                && location.ends_with(|c: char| c.is_ascii_digit())
                && location
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
                && zone.len() == 1
                && letters(zone)
        }
        _ => false,
    }
}

/// `latest`, `1.33`, `1.33.2` or `1.33.2-gke.1043000`.
fn is_gke_version(text: &str) -> bool {
    if text == "latest" {
        return true;
    }
    let (numbers, gke) = match text.split_once("-gke.") {
        Some((numbers, build)) => (numbers, Some(build)),
        None => (text, None),
    };
    let number = |part: &str| !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit());
    let parts: Vec<&str> = numbers.split('.').collect();
    (1..=3).contains(&parts.len())
        && parts.iter().all(|part| number(part))
        && gke.is_none_or(number)
}

/// `e2-standard-4`, `n2-custom-4-8192`, `custom-2-4096`: `[a-z0-9]` words joined by `-`.
fn is_machine_type(text: &str) -> bool {
    (1..=64).contains(&text.len())
        && text.starts_with(|c: char| c.is_ascii_alphanumeric())
        && lower_alnum_dash(text)
        && !text.ends_with('-')
        && !text.contains("--")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gcloud_values() {
        assert!(is_cluster_name("hyperflow"));
        assert!(!is_cluster_name("--flags-file=/tmp/x.yaml"));
        assert!(!is_cluster_name("-x"));
        assert!(!is_cluster_name(&"a".repeat(41)));
        assert!(is_project_id("my-project-123"));
        assert!(is_project_id("example.com:my-project"));
        assert!(!is_project_id("--project=x"));
        assert!(!is_project_id("short"));
        assert!(is_zone("europe-west2-a"));
        assert!(is_zone("us-central1-f"));
        assert!(!is_zone("--zone"));
        assert!(!is_zone("europe-west2"));
        assert!(is_gke_version("1.33"));
        assert!(is_gke_version("1.33.2-gke.1043000"));
        assert!(is_gke_version("latest"));
        assert!(!is_gke_version("--version"));
        assert!(!is_gke_version("1..2"));
        assert!(is_machine_type("e2-standard-4"));
        assert!(is_machine_type("n2-custom-4-8192"));
        assert!(!is_machine_type("--machine-type=x"));
    }
}
