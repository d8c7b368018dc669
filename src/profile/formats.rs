//! The syntax of values Kubernetes and container registries accept: names, labels, quantities,
//! image references, IPv4 ranges. Each returns why a value is wrong, in words for a person.

use std::net::Ipv4Addr;

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

/// RFC 1123 subdomain: dot-separated labels, at most 253 characters (StorageClass names,
/// label prefixes).
pub fn is_dns_subdomain(text: &str) -> bool {
    text.len() <= 253 && text.split('.').all(is_dns_label)
}

/// Why `text` is not a DNS-1123 label, or `None` if it is one.
pub fn dns_label_problem(text: &str) -> Option<&'static str> {
    if text.is_empty() {
        Some("is empty")
    } else if text.len() > 63 {
        Some("is longer than 63 characters")
    } else if text.bytes().any(|b| b.is_ascii_uppercase()) {
        Some("has uppercase letters; use lowercase")
    } else if !is_dns_label(text) {
        Some("may only hold lowercase letters, digits and '-', starting and ending with a letter or digit")
    } else {
        None
    }
}

/// The name part of a label key, and every label value: at most 63 of `[A-Za-z0-9._-]`,
/// starting and ending with a letter or digit.
fn is_label_name(text: &str) -> bool {
    let bytes = text.as_bytes();
    !bytes.is_empty()
        && bytes.len() <= 63
        && bytes
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
        && bytes[0].is_ascii_alphanumeric()
        && bytes[bytes.len() - 1].is_ascii_alphanumeric()
}

/// Why `key` is not a Kubernetes label key (`[prefix/]name`), or `None`.
pub fn label_key_problem(key: &str) -> Option<&'static str> {
    let (prefix, name) = match key.split_once('/') {
        Some((prefix, name)) => (Some(prefix), name),
        None => (None, key),
    };
    if prefix.is_some_and(|prefix| !is_dns_subdomain(prefix)) {
        Some("has a prefix that is not a DNS subdomain (like `example.com`)")
    } else if !is_label_name(name) {
        Some("must be at most 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit, after an optional `prefix/`")
    } else {
        None
    }
}

/// Why `value` is not a Kubernetes label value, or `None` (empty values are allowed).
pub fn label_value_problem(value: &str) -> Option<&'static str> {
    if value.is_empty() || is_label_name(value) {
        None
    } else {
        Some("must be at most 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit")
    }
}

/// The value of a Kubernetes quantity (`500m`, `0.5`, `1Gi`, `1e3`), or `None` if `text` is
/// not one, parsed as the API server parses it ([`crate::quantity`]), then as f64 for the
/// checks' arithmetic.
pub fn parse_quantity(text: &str) -> Option<f64> {
    // One grammar for the profile and `hfgen validate`: the API server's own.
    crate::quantity::parse(text).map(|quantity| quantity.0 as f64 / 1e9)
}

/// What is wrong with a container image reference, if anything.
#[derive(Debug, PartialEq, Eq)]
pub enum ImageProblem {
    /// Not a reference at all: the reason.
    Malformed(&'static str),
    /// Well formed, but no tag (which means `:latest`) and no digest.
    NoTag,
    /// Well formed, but the `latest` tag: whatever was pushed last.
    Latest,
}

/// Checks `[registry[:port]/]path[:tag][@algorithm:digest]` (the distribution reference
/// grammar, without the rare upper-case registry names).
pub fn image_problem(reference: &str) -> Option<ImageProblem> {
    use ImageProblem::Malformed;
    if reference.is_empty() {
        return Some(Malformed("is empty"));
    }
    if reference.chars().any(char::is_whitespace) {
        return Some(Malformed("contains whitespace"));
    }
    let (name_tag, digest) = match reference.split_once('@') {
        Some((name_tag, digest)) => (name_tag, Some(digest)),
        None => (reference, None),
    };
    if let Some(digest) = digest {
        let valid = digest.split_once(':').is_some_and(|(algorithm, hex)| {
            !algorithm.is_empty()
                && algorithm
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
                && hex.len() >= 32
                && hex.bytes().all(|b| b.is_ascii_hexdigit())
        });
        if !valid {
            return Some(Malformed(
                "has a digest that is not like `@sha256:<64 hex digits>`",
            ));
        }
    }
    // A tag follows the last ':' that comes after the last '/' (a registry port has a '/' after it).
    let last_slash = name_tag.rfind('/').map_or(0, |index| index + 1);
    let (name, tag) = match name_tag[last_slash..].rfind(':') {
        Some(index) => (
            &name_tag[..last_slash + index],
            Some(&name_tag[last_slash + index + 1..]),
        ),
        None => (name_tag, None),
    };
    if let Some(tag) = tag {
        let valid = !tag.is_empty()
            && tag.len() <= 128
            && !tag.starts_with(['.', '-'])
            && tag
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-'));
        if !valid {
            return Some(Malformed(
                "has a tag that is not 1-128 letters, digits, '_', '.' or '-'",
            ));
        }
    }
    let mut components: Vec<&str> = name.split('/').collect();
    let first = components[0];
    let has_registry = components.len() > 1
        && (first.contains('.') || first.contains(':') || first == "localhost");
    if has_registry {
        let (host, port) = match first.split_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (first, None),
        };
        let host_ok = host.split('.').all(|part| {
            !part.is_empty() && part.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        });
        if !host_ok || port.is_some_and(|port| port.parse::<u16>().is_err()) {
            return Some(Malformed(
                "has a registry that is not a host name with an optional port",
            ));
        }
        components.remove(0);
    }
    let path_ok = components.iter().all(|component| {
        !component.is_empty()
            && component.bytes().all(|b| {
                b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'.' | b'_' | b'-')
            })
            && component.as_bytes()[0].is_ascii_alphanumeric()
            && component.as_bytes()[component.len() - 1].is_ascii_alphanumeric()
    });
    if !path_ok {
        return Some(Malformed(
            "has a repository name that is not lowercase letters, digits and separators ('.', '_', '-', '/')",
        ));
    }
    match (tag, digest) {
        (_, Some(_)) => None,
        (None, None) => Some(ImageProblem::NoTag),
        (Some("latest"), None) => Some(ImageProblem::Latest),
        (Some(_), None) => None,
    }
}

/// `a.b.c.d/n` as the network address and prefix length. The prefix is one or two digits:
/// Rust's integer parser would also take `+12`, which minikube and Kubernetes do not.
pub fn parse_cidr(text: &str) -> Option<(Ipv4Addr, u32)> {
    let (address, prefix) = text.split_once('/')?;
    if !(1..=2).contains(&prefix.len()) || !prefix.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let prefix: u32 = prefix.parse().ok()?;
    (prefix <= 32).then_some((address.parse().ok()?, prefix))
}

/// The network mask of a prefix length.
pub fn mask(prefix: u32) -> u32 {
    match prefix {
        0 => 0,
        prefix => u32::MAX << (32 - prefix.min(32)),
    }
}

/// Where `ip` lies relative to the range `network/prefix`.
#[derive(Debug, PartialEq, Eq)]
pub enum Placement {
    Usable,
    Outside,
    NetworkOrBroadcast,
}

pub fn placement(ip: Ipv4Addr, network: Ipv4Addr, prefix: u32) -> Placement {
    let mask = mask(prefix);
    let first = u32::from(network) & mask;
    let last = first | !mask;
    let address = u32::from(ip);
    if address & mask != first {
        Placement::Outside
    } else if prefix < 31 && (address == first || address == last) {
        Placement::NetworkOrBroadcast
    } else {
        Placement::Usable
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantities() {
        assert_eq!(parse_quantity("500m"), Some(0.5));
        assert_eq!(parse_quantity("0.5"), Some(0.5));
        assert_eq!(parse_quantity("1Gi"), parse_quantity("1024Mi"));
        assert_eq!(parse_quantity("1e3"), Some(1000.0));
        assert_eq!(parse_quantity(".5"), Some(0.5));
        assert_eq!(parse_quantity("-1"), Some(-1.0));
        for bad in ["", "Mi", "500MB", "1.2.3", "half", "1 Gi", "1e", "."] {
            assert_eq!(parse_quantity(bad), None, "{bad}");
        }
    }

    #[test]
    fn images() {
        for good in [
            "redis:5.0.7-buster",
            "gcr.io/google_containers/volume-nfs:0.8",
            "localhost:5000/team/app:v1",
            "hyperflowwms/hyperflow@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
        ] {
            assert_eq!(image_problem(good), None, "{good}");
        }
        assert_eq!(image_problem("redis"), Some(ImageProblem::NoTag));
        assert_eq!(
            image_problem("localhost:5000/redis"),
            Some(ImageProblem::NoTag)
        );
        assert_eq!(image_problem("redis:latest"), Some(ImageProblem::Latest));
        for bad in [
            "Redis:1",
            "redis:",
            "redis: 1",
            "a//b:1",
            "redis:1@sha256:xyz",
            "-a:1",
            "reg.io:port/a:1",
        ] {
            assert!(
                matches!(image_problem(bad), Some(ImageProblem::Malformed(_))),
                "{bad}"
            );
        }
    }

    #[test]
    fn labels() {
        assert_eq!(label_key_problem("cloud.google.com/gke-nodepool"), None);
        assert_eq!(label_key_problem("nodetype"), None);
        assert!(label_key_problem("-bad").is_some());
        assert!(label_key_problem("Bad_Prefix.com/x").is_some());
        assert!(label_key_problem("a/b/c").is_some());
        assert_eq!(label_value_problem(""), None);
        assert!(label_value_problem("has space").is_some());
    }

    #[test]
    fn ranges() {
        let (network, prefix) = parse_cidr("10.96.0.0/12").unwrap();
        let ip = |text: &str| text.parse::<Ipv4Addr>().unwrap();
        assert_eq!(
            placement(ip("10.96.100.100"), network, prefix),
            Placement::Usable
        );
        assert_eq!(
            placement(ip("10.112.0.1"), network, prefix),
            Placement::Outside
        );
        assert_eq!(
            placement(ip("10.111.255.255"), network, prefix),
            Placement::NetworkOrBroadcast
        );
        assert!(parse_cidr("10.96.0.0/33").is_none());
        assert!(parse_cidr("10.96.0.0/+12").is_none());
        assert!(parse_cidr("10.96.0.0/012").is_none());
    }
}
