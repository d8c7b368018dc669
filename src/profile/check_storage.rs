//! `[storage]`: each storage type's own keys, and the `[nfs]` checks only where hfgen runs its
//! NFS server. The match is exhaustive: a new storage type must say what it checks.

use super::check::Findings;
use super::formats;
use super::model::{Profile, StorageType};

pub fn storage(profile: &Profile, findings: &mut Findings) {
    let storage = &profile.storage;
    // The key the type needs (with what to write), and the keys it uses at all.
    let (needed, used): (Option<(&str, &str)>, &[&str]) = match storage.kind {
        StorageType::NfsServer => {
            super::check::nfs(profile, findings);
            (None, &[])
        }
        StorageType::StorageClass => {
            if let Some(size) = &storage.size {
                super::check::volume_size(findings, "storage.size", size);
            }
            (
                Some(("class", "name a StorageClass that offers ReadWriteMany, e.g. storage.class = \"standard-rwx\" (GKE Filestore)")),
                &["class", "size"],
            )
        }
        StorageType::ExistingClaim => (
            Some(("claim", "name the ReadWriteMany PersistentVolumeClaim in the profile's namespace, e.g. storage.claim = \"workflow-data\"")),
            &["claim"],
        ),
    };
    let keys = [
        ("class", &storage.class),
        ("size", &storage.size),
        ("claim", &storage.claim),
    ];
    let type_name = serde_json::to_value(storage.kind).unwrap_or_default();
    let type_name = type_name.as_str().unwrap_or_default();
    if let Some((key, help)) = needed {
        match keys
            .iter()
            .find(|(name, _)| *name == key)
            .and_then(|(_, value)| value.as_ref())
        {
            None => {
                findings
                    .error(
                        "storage.type",
                        format!("storage.type = \"{type_name}\" needs storage.{key}"),
                    )
                    .help = Some(help.into());
            }
            Some(name) if !formats::is_dns_subdomain(name) => {
                findings.error(
                    &format!("storage.{key}"),
                    format!("storage.{key} `{name}` is not a Kubernetes object name (lowercase letters, digits, '-' and '.')"),
                );
            }
            Some(_) => {}
        }
    }
    for (key, value) in keys {
        if value.is_some() && !used.contains(&key) {
            findings.error(
                &format!("storage.{key}"),
                format!("storage.{key} is not used with storage.type = \"{type_name}\""),
            );
        }
    }
}
