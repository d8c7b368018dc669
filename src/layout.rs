//! What hfgen's output is made of, named once for every stage: the components a user renders
//! together, the folder each one is written to, and the setup script's file name. Rendering,
//! writing a folder and comparing golden folders all read these names from here.

/// A group of objects a user renders together.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Component {
    /// Everything needed to run a workflow.
    Core,
    /// The log-parser and viz-trace Jobs: with the core unless `postprocess.automatic = false`.
    Postprocess,
    /// A pod that mounts the shared volume read-only, for `kubectl cp` of the results.
    Results,
}

impl Component {
    pub const ALL: [Component; 3] = [Component::Core, Component::Postprocess, Component::Results];

    pub fn name(self) -> &'static str {
        match self {
            Component::Core => "core",
            Component::Postprocess => "postprocess",
            Component::Results => "results",
        }
    }

    pub fn from_name(name: &str) -> Option<Component> {
        Component::ALL.into_iter().find(|c| c.name() == name)
    }
}

/// The `hfgen setup` script, kept beside the manifests it prepares the cluster for.
pub const SETUP_SCRIPT: &str = "setup.sh";

/// Subfolders of a golden folder holding what `render --component NAME --out` writes, for
/// each component but the core.
pub fn component_folders() -> impl Iterator<Item = Component> {
    Component::ALL
        .into_iter()
        .filter(|component| *component != Component::Core)
}

/// Whether `name` is the subfolder of one of [`component_folders`].
pub fn is_component_folder(name: &str) -> bool {
    component_folders().any(|component| component.name() == name)
}
