//! The built-in profiles, compiled into the binary.

/// A profile shipped with hfgen.
pub struct BuiltinProfile {
    pub name: &'static str,
    pub source: &'static str,
}

pub const BUILTIN_PROFILES: &[BuiltinProfile] = &[
    BuiltinProfile {
        name: "gke",
        source: include_str!("../../profiles/gke.toml"),
    },
    BuiltinProfile {
        name: "kind",
        source: include_str!("../../profiles/kind.toml"),
    },
    BuiltinProfile {
        name: "minikube-dnsmasq",
        source: include_str!("../../profiles/minikube-dnsmasq.toml"),
    },
    BuiltinProfile {
        name: "minikube-ip",
        source: include_str!("../../profiles/minikube-ip.toml"),
    },
];

pub fn find(name: &str) -> Option<&'static BuiltinProfile> {
    BUILTIN_PROFILES.iter().find(|profile| profile.name == name)
}

pub fn names() -> Vec<&'static str> {
    BUILTIN_PROFILES
        .iter()
        .map(|profile| profile.name)
        .collect()
}
