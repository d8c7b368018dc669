//! `[storage]`: each storage type's own keys, and the `[nfs]` checks only where hfgen runs its
//! NFS server. The match is exhaustive: a new storage type must say what it checks.

use super::Findings;
use crate::diag::Code;
use crate::profile::formats;
use crate::profile::model::{Platform, Profile, StorageType};

/// GKE's Filestore StorageClasses: the smallest instance each makes. They all need the
/// Filestore CSI driver, which is off on Standard clusters (`--addons=GcpFilestoreCsiDriver`)
/// and the `file.googleapis.com` API. Source: Filestore documentation, "Service tiers" (basic
/// HDD from 1 TiB, basic SSD from 2.5 TiB, zonal and enterprise from 1 TiB) and GKE's "Access
/// Filestore instances with the Filestore CSI driver" (the classes and their tiers).
pub const FILESTORE_CLASSES: &[(&str, &str)] = &[
    ("standard-rwx", "1Ti"),
    ("premium-rwx", "2560Gi"),
    ("enterprise-rwx", "1Ti"),
    ("zonal-rwx", "1Ti"),
];

/// The smallest claim that `profile`'s storage class provisions, where hfgen knows it: a GKE
/// Filestore class.
pub fn class_minimum(profile: &Profile) -> Option<&'static str> {
    let class = profile.storage.class.as_deref()?;
    (profile.platform == Platform::Gke && profile.storage.kind == StorageType::StorageClass)
        .then(|| FILESTORE_CLASSES.iter().find(|(name, _)| *name == class))
        .flatten()
        .map(|(_, minimum)| *minimum)
}

/// A Filestore claim below its tier's minimum is refused by the driver (or billed as the
/// minimum): refused here; an unset size takes the minimum, with a note.
fn class_size(profile: &Profile, findings: &mut Findings) {
    let Some(minimum) = class_minimum(profile) else {
        return;
    };
    let class = profile.storage.class.as_deref().unwrap_or_default();
    let bytes = |text: &str| formats::parse_quantity(text).unwrap_or(0.0);
    match &profile.storage.size {
        None => {
            findings.warning(
                Code::StorageSizeUnset,
                "storage.class",
                format!("storage.size is unset: the claim on `{class}` asks for {minimum}, the smallest Filestore instance of that class makes"),
            );
        }
        Some(size) if bytes(size) < bytes(minimum) => {
            findings
                .error(
                    Code::StorageTooSmall,
                    "storage.size",
                    format!("storage.size {size} is below {minimum}, the smallest Filestore instance that `{class}` makes: the claim would be refused or billed as {minimum}"),
                )
                .help = Some(format!("set storage.size = \"{minimum}\" or more, or use a class of your own with a smaller minimum"));
        }
        Some(_) => {}
    }
}

pub fn storage(profile: &Profile, findings: &mut Findings) {
    let storage = &profile.storage;
    // The key the type needs (with what to write), and the keys it uses at all.
    let (needed, used): (Option<(&str, &str)>, &[&str]) = match storage.kind {
        StorageType::NfsServer => {
            super::general::nfs(profile, findings);
            (None, &[])
        }
        StorageType::StorageClass => {
            if let Some(size) = &storage.size {
                super::quantities::volume_size(findings, "storage.size", size);
            }
            kind_local_path(profile, findings);
            class_size(profile, findings);
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
                        Code::MissingSetting,
                        "storage.type",
                        format!("storage.type = \"{type_name}\" needs storage.{key}"),
                    )
                    .help = Some(help.into());
            }
            Some(name) if !formats::is_dns_subdomain(name) => {
                findings.error(
                    Code::InvalidName,
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
                Code::UnusedSetting,
                &format!("storage.{key}"),
                format!("storage.{key} is not used with storage.type = \"{type_name}\""),
            );
        }
    }
}

/// kind's default StorageClass (`standard`, rancher local-path) offers ReadWriteOnce only: the
/// shared claim, ReadWriteMany, would stay Pending ("NodePath only supports ReadWriteOnce and
/// ReadWriteOncePod").
const KIND_LOCAL_PATH_CLASS: &str = "standard";

fn kind_local_path(profile: &Profile, findings: &mut Findings) {
    if profile.platform == Platform::Kind
        && profile.storage.class.as_deref() == Some(KIND_LOCAL_PATH_CLASS)
    {
        findings
            .error(
                Code::PlatformMismatch,
                "storage.class",
                "storage.class = \"standard\" on kind is rancher's local-path provisioner, which offers ReadWriteOnce only: the workflow's ReadWriteMany claim would stay Pending",
            )
            .help = Some("use storage.type = \"nfs-server\" (the kind profile's own), or \"existing-claim\" with a ReadWriteMany claim you made, or a class of a ReadWriteMany provisioner you installed".into());
    }
}
