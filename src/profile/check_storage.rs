//! `[storage]`: each storage type's own keys, and the `[nfs]` checks only where hfgen runs its
//! NFS server. The match is exhaustive: a new storage type must say what it checks.

use super::check::Findings;
use super::formats;
use super::model::{Profile, StorageType};

pub fn storage(profile: &Profile, findings: &mut Findings) {
    let storage = &profile.storage;
    let (needs, unused): (Option<&str>, &[&str]) = match storage.kind {
        StorageType::NfsServer => {
            super::check::nfs(profile, findings);
            (None, &["class", "size", "claim"])
        }
        StorageType::StorageClass => {
            if let Some(size) = &storage.size {
                super::check::volume_size(findings, "storage.size", size);
            }
            (Some("class"), &["claim"])
        }
        StorageType::ExistingClaim => (Some("claim"), &["class", "size"]),
    };
    let type_name = serde_json::to_value(storage.kind).unwrap_or_default();
    let type_name = type_name.as_str().unwrap_or_default();
    if let Some(key) = needs {
        let value = if key == "class" {
            &storage.class
        } else {
            &storage.claim
        };
        match value {
            None => {
                findings
                    .error(
                        "storage.type",
                        format!("storage.type = \"{type_name}\" needs storage.{key}"),
                    )
                    .help = Some(match key {
                    "class" => "name a StorageClass that offers ReadWriteMany, e.g. storage.class = \"standard-rwx\" (GKE Filestore)".into(),
                    _ => "name the ReadWriteMany PersistentVolumeClaim in the profile's namespace, e.g. storage.claim = \"workflow-data\"".into(),
                });
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
    for key in unused {
        let set = match *key {
            "class" => storage.class.is_some(),
            "size" => storage.size.is_some(),
            _ => storage.claim.is_some(),
        };
        if set {
            findings.error(
                &format!("storage.{key}"),
                format!("storage.{key} is not used with storage.type = \"{type_name}\""),
            );
        }
    }
}
