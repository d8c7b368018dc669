//! Graphviz DOT: groups become clusters, classes get a shape and colours.

use super::graph::{Class, Graph, Group, Node};
use super::style::{colours, EDGE_COLOUR, GROUP_FILL, GROUP_STROKE};
use std::fmt::Write;

pub fn to_dot(graph: &Graph) -> String {
    let mut out = String::new();
    out.push_str("digraph hyperflow {\n");
    let _ = writeln!(out, "  label={};", quote(&graph.title));
    out.push_str("  labelloc=t;\n  rankdir=TB;\n  fontname=\"Helvetica\";\n");
    out.push_str("  node [fontname=\"Helvetica\", fontsize=11, style=\"filled\"];\n");
    let _ = writeln!(
        out,
        "  edge [fontname=\"Helvetica\", fontsize=9, color=\"{EDGE_COLOUR}\"];"
    );
    let open = |group: Group| {
        format!(
            "  subgraph cluster_{} {{\n    label={};\n    style=\"rounded,filled\";\n    fillcolor=\"{GROUP_FILL}\";\n    color=\"{GROUP_STROKE}\";\n",
            group.id(),
            quote(group.title())
        )
    };
    super::write_sections(&mut out, graph, open, "  }\n", node_line);
    for edge in &graph.edges {
        let style = if edge.runtime { ", style=dashed" } else { "" };
        let _ = writeln!(
            out,
            "  {} -> {} [label={}{style}];",
            graph.nodes[edge.from].id,
            graph.nodes[edge.to].id,
            quote(&edge.label)
        );
    }
    out.push_str("}\n");
    out
}

fn node_line(node: &Node) -> String {
    let shape = match node.class {
        Class::Workload | Class::Other => "box",
        Class::Job | Class::Worker => "box3d",
        Class::Service => "ellipse",
        Class::ConfigMap => "note",
        Class::Access => "hexagon",
        Class::Claim | Class::Volume | Class::Export => "cylinder",
        Class::External => "box",
        Class::Queue => "cds",
    };
    let dashed = if matches!(node.class, Class::Worker | Class::External) {
        ",dashed"
    } else {
        ""
    };
    let (fill, stroke) = colours(node.class);
    format!(
        "{} [shape={shape}, style=\"filled{dashed}\", fillcolor=\"{fill}\", color=\"{stroke}\", label={}];",
        node.id,
        quote(&node.lines().join("\n"))
    )
}

/// A DOT double-quoted string; newlines become `\n` line breaks.
fn quote(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}
