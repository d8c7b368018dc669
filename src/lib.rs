//! hfgen: compiles a HyperFlow deployment profile (TOML) into plain Kubernetes YAML.
//!
//! The pipeline, one module per stage: [`profile`] (load and check) -> [`render`] (templates)
//! -> [`manifests`] (parsed documents) -> [`emit`] (stdout or a folder).

pub mod check;
pub mod cli;
pub mod diag;
pub mod diagram;
pub mod emit;
pub mod error;
pub mod input;
pub mod layout;
pub mod manifests;
pub mod plan;
pub mod profile;
pub mod render;
pub mod setup;
pub mod templating;
pub mod validate;
pub mod xml;

pub use error::{Error, Result};
