//! Profiles: hfgen's input. A profile is TOML, typed by [`model::Profile`].

pub mod builtin;
pub mod check;
pub mod check_network;
pub mod check_workflow;
pub mod load;
pub mod model;
pub mod presets;
pub mod schema;
pub mod source;

pub use load::{load, LoadedProfile};
pub use model::Profile;
