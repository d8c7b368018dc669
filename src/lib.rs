//! hfgen: compiles a HyperFlow deployment profile (TOML) into plain Kubernetes YAML.
//!
//! The pipeline, one module per stage, each importing only from the stages before it and the
//! shared modules below them all:
//!
//! - [`profile`] (load, schema check, semantic checks) -> [`plan`] (what the profile deploys,
//!   derived once: modes as enums, capacity) -> [`render`] (manifest templates) and [`setup`]
//!   (the cluster script), both reading only the plan -> [`validate`] (Kubernetes validation of
//!   any manifests, used by `render`) -> [`emit`] (stdout or a folder) -> [`golden`] (golden
//!   folders) and [`diagram`] (pictures of the rendered objects); [`cli`] on top.
//! - Shared, below every stage: [`diag`] and [`error`] (what hfgen says), [`input`] (bounded
//!   reads), [`layout`] (components, folders, file names), [`manifests`] (parsed documents),
//!   [`hyperflow`] (the engine's names), [`templating`] (the template environment and its
//!   escapes), [`text`] (user text shown back), [`xml`].

pub mod cli;
pub mod diag;
pub mod diagram;
pub mod emit;
pub mod error;
pub mod golden;
pub mod hyperflow;
pub mod input;
pub mod layout;
pub mod manifests;
pub mod plan;
pub mod profile;
pub mod quantity;
pub mod render;
pub mod setup;
pub mod templating;
pub mod text;
pub mod validate;
pub mod xml;

pub use error::{Error, Result};
