//! Colours shared by every format, so a kind looks the same in mermaid, DOT and SVG.

use super::graph::Class;

/// Fill and stroke colour of a node class.
pub fn colours(class: Class) -> (&'static str, &'static str) {
    match class {
        Class::Workload => ("#dbeafe", "#1d4ed8"),
        Class::Job => ("#e0e7ff", "#4338ca"),
        Class::Worker => ("#ede9fe", "#6d28d9"),
        Class::Service => ("#dcfce7", "#15803d"),
        Class::ConfigMap => ("#fef9c3", "#a16207"),
        Class::Access => ("#fee2e2", "#b91c1c"),
        Class::Claim => ("#ffedd5", "#c2410c"),
        Class::Volume => ("#fed7aa", "#9a3412"),
        Class::Export => ("#ccfbf1", "#0f766e"),
        Class::Queue => ("#fce7f3", "#be185d"),
        Class::External => ("#f3f4f6", "#6b7280"),
        Class::Other => ("#ffffff", "#374151"),
    }
}

/// Background of a group box.
pub const GROUP_FILL: &str = "#f8fafc";
pub const GROUP_STROKE: &str = "#94a3b8";
/// Lines of edges that happen at run time (dashed).
pub const EDGE_COLOUR: &str = "#475569";
