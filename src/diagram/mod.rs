//! `hfgen diagram`: the architecture picture, drawn from the rendered objects.
//!
//! [`graph`] turns a [`Bundle`] into nodes, groups and edges once; [`mermaid`], [`dot`] and
//! [`svg`] only draw that graph. Everything here is pure: same bundle, same bytes.

pub mod dot;
pub mod graph;
pub mod mermaid;
pub mod style;
pub mod svg;

use crate::error::Result;
use crate::manifests::Bundle;
pub use graph::Graph;
use graph::{Group, Node};

/// An output format of `hfgen diagram`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Mermaid flowchart (renders on GitHub and GitLab).
    Mermaid,
    /// Graphviz DOT.
    Dot,
    /// Standalone SVG, laid out by hfgen itself.
    Svg,
}

impl Format {
    pub const ALL: [Format; 3] = [Format::Mermaid, Format::Dot, Format::Svg];

    pub fn name(self) -> &'static str {
        match self {
            Format::Mermaid => "mermaid",
            Format::Dot => "dot",
            Format::Svg => "svg",
        }
    }

    /// File extension of a saved picture.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Mermaid => "mmd",
            Format::Dot => "dot",
            Format::Svg => "svg",
        }
    }
}

/// Draws the architecture of `bundle` in `format`.
pub fn draw(bundle: &Bundle, format: Format) -> Result<String> {
    let graph = Graph::build(bundle)?;
    Ok(match format {
        Format::Mermaid => mermaid::to_mermaid(&graph),
        Format::Dot => dot::to_dot(&graph),
        Format::Svg => svg::to_svg(&graph),
    })
}

/// Writes the nodes of the text formats box by box: `open(group)` starts a box, `close`
/// ends it, `line(node)` is one node; nodes outside any box come last, unindented.
fn write_sections(
    out: &mut String,
    graph: &Graph,
    open: impl Fn(Group) -> String,
    close: &str,
    line: impl Fn(&Node) -> String,
) {
    for (group, nodes) in graph.sections() {
        let indent = match group {
            Some(group) => {
                out.push_str(&open(group));
                "    "
            }
            None => "  ",
        };
        for node in nodes {
            out.push_str(indent);
            out.push_str(&line(node));
            out.push('\n');
        }
        if group.is_some() {
            out.push_str(close);
        }
    }
}
