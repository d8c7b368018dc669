//! Semantic checks of a typed profile: what the types alone cannot say.
//!
//! Each check is a function `fn(&Profile, &mut Findings)` listed in [`CHECKS`]; adding a check
//! is writing one and listing it. A check reports against the dotted key it is about, and the
//! report points at the file, line and column (or `--set`) where that key was written.
//!
//! The checks are files of this folder by subject; [`Findings`] places their messages and
//! [`quantities`] holds the quantity checkers several of them share.

pub mod cluster;
pub mod engine;
pub mod execution;
mod findings;
pub mod general;
pub mod network;
pub mod quantities;
pub mod storage;
pub mod workflow;
pub mod workflow_config;

pub use findings::Findings;

use crate::diag::Diagnostic;
use crate::error::Result;
use crate::profile::layer::Origins;
use crate::profile::model::Profile;

/// One semantic check.
pub type Check = fn(&Profile, &mut Findings);

/// Every semantic check, in the order of their messages.
pub const CHECKS: &[Check] = &[
    general::namespace,
    general::images,
    general::task_resources,
    general::component_resources,
    storage::storage,
    general::platform_sections,
    general::dns,
    cluster::cluster,
    cluster::node_sizes,
    general::int32_fields,
    general::node_selectors,
    workflow::data_source,
    workflow::custom_workflow,
    workflow_config::workflow_config,
    workflow::engine_env,
    engine::failure_handling,
    engine::deadline,
    engine::task_memory_limit,
    engine::engine_versions,
    execution::execution,
    general::rbac,
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
    let mut findings = Findings::new(origins, root);
    check(profile, &mut findings);
    findings.into_result()
}
