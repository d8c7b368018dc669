//! Profiles: hfgen's input. A profile is TOML, typed by [`model::Profile`].
//!
//! Loading goes: [`source`] (read a built-in or a file) -> [`layer`] (parse, remembering where
//! each key was written; merge `extends` and `--set`) -> [`validate`] (the JSON Schema of the
//! model) -> [`model`] (typed) -> [`check`] (semantic checks).

pub mod builtin;
pub mod checks;
pub mod explain;
pub mod formats;
pub mod layer;
pub mod load;
pub mod model;
pub mod pools;
pub mod presets;
pub mod resources;
pub mod schema;
pub mod schema_check;
pub mod source;
pub mod suggest;

pub use load::{load, ChainLink, LoadedProfile};
pub use model::Profile;
