//! Mermaid flowchart: groups become subgraphs, classes get a shape and a `classDef`.

use super::graph::{Class, Graph, Group, Node};
use super::style::{colours, GROUP_FILL, GROUP_STROKE};
use std::fmt::Write;

pub fn to_mermaid(graph: &Graph) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "---\ntitle: {}\n---", escape(&graph.title));
    out.push_str("flowchart TB\n");
    let open = |group: Group| format!("  subgraph {}[\"{}\"]\n", group.id(), escape(group.title()));
    super::write_sections(&mut out, graph, open, "  end\n", node_line);
    for edge in &graph.edges {
        let arrow = if edge.runtime { "-.->" } else { "-->" };
        let _ = writeln!(
            out,
            "  {} {arrow}|\"{}\"| {}",
            graph.nodes[edge.from].id,
            escape(&edge.label),
            graph.nodes[edge.to].id
        );
    }
    for class in Class::ALL {
        let ids: Vec<&str> = graph
            .nodes
            .iter()
            .filter(|n| n.class == class)
            .map(|n| n.id.as_str())
            .collect();
        if ids.is_empty() {
            continue;
        }
        let (fill, stroke) = colours(class);
        let dash = if matches!(class, Class::Worker | Class::External) {
            ",stroke-dasharray:5 3"
        } else {
            ""
        };
        let _ = writeln!(
            out,
            "  classDef {} fill:{fill},stroke:{stroke},color:#111827{dash}",
            class.name()
        );
        let _ = writeln!(out, "  class {} {}", ids.join(","), class.name());
    }
    for group in Group::ALL {
        if graph.members(Some(group)).next().is_some() {
            let _ = writeln!(
                out,
                "  style {} fill:{GROUP_FILL},stroke:{GROUP_STROKE}",
                group.id()
            );
        }
    }
    out
}

fn node_line(node: &Node) -> String {
    let mut label = format!("<b>{}</b>", escape(&node.kind));
    for line in &node.lines()[1..] {
        label.push_str("<br/>");
        label.push_str(&escape(line));
    }
    let (open, close) = match node.class {
        Class::Workload | Class::Other => ("[", "]"),
        Class::Job | Class::Worker => ("[[", "]]"),
        Class::Service => ("([", "])"),
        Class::ConfigMap => ("[/", "/]"),
        Class::Access => ("{{", "}}"),
        Class::Claim | Class::Volume | Class::Export => ("[(", ")]"),
        Class::External => (">", "]"),
        // A trapezoid: the queue's mouth.
        Class::Queue => ("[/", "\\]"),
    };
    format!("{}{open}\"{label}\"{close}", node.id)
}

/// Mermaid labels take HTML entities as `#name;`; quotes and angle brackets must be escaped.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '"' => out.push_str("#quot;"),
            '<' => out.push_str("#lt;"),
            '>' => out.push_str("#gt;"),
            '#' => out.push_str("#35;"),
            '&' => out.push_str("#amp;"),
            '\n' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}
