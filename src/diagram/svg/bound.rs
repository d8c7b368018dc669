//! How many worker pools the SVG draws. layout-rs's layered layout costs about the cube of the
//! nodes of a box (100 pools took 51 s), so past [`MAX_POOLS_DRAWN`] queues the SVG draws the
//! first ones and one node that counts the rest; mermaid and DOT, laid out by their own tools,
//! draw every pool.

use super::super::graph::{Class, Edge, Graph, Group, Node};
use std::borrow::Cow;
use std::collections::HashSet;

/// Enough to show the pattern of a pools render; past it a box of pools is a wall of copies.
pub const MAX_POOLS_DRAWN: usize = 12;

/// `graph`, or a copy without the queues past the first [`MAX_POOLS_DRAWN`] and the pool
/// objects (Deployment, ScaledObject) that only they link to, plus a node naming how many
/// pools are left out.
pub fn drawable(graph: &Graph) -> Cow<'_, Graph> {
    let queues: Vec<usize> = graph
        .members(Some(Group::Pools))
        .filter(|(_, node)| node.class == Class::Queue)
        .map(|(index, _)| index)
        .collect();
    if queues.len() <= MAX_POOLS_DRAWN {
        return Cow::Borrowed(graph);
    }
    let dropped_queues: HashSet<usize> = queues[MAX_POOLS_DRAWN..].iter().copied().collect();
    let kept_queues: HashSet<usize> = queues[..MAX_POOLS_DRAWN].iter().copied().collect();
    let mut linked_to_dropped = HashSet::new();
    let mut linked_to_kept = HashSet::new();
    for edge in &graph.edges {
        for (queue, other) in [(edge.from, edge.to), (edge.to, edge.from)] {
            if dropped_queues.contains(&queue) {
                linked_to_dropped.insert(other);
            } else if kept_queues.contains(&queue) {
                linked_to_kept.insert(other);
            }
        }
    }
    let drop = |index: usize| {
        dropped_queues.contains(&index)
            || (graph.nodes[index].group == Some(Group::Pools)
                && linked_to_dropped.contains(&index)
                && !linked_to_kept.contains(&index))
    };
    let mut new_index = vec![None; graph.nodes.len()];
    let mut nodes = Vec::new();
    for (index, node) in graph.nodes.iter().enumerate() {
        if !drop(index) {
            new_index[index] = Some(nodes.len());
            nodes.push(node.clone());
        }
    }
    nodes.push(Node {
        id: "more_pools".into(),
        class: Class::Other,
        kind: format!("and {} more worker pools", dropped_queues.len()),
        name: "hfgen diagram --format dot draws them all".into(),
        details: Vec::new(),
        group: Some(Group::Pools),
    });
    let edges = graph
        .edges
        .iter()
        .filter_map(|edge| {
            Some(Edge {
                from: new_index[edge.from]?,
                to: new_index[edge.to]?,
                ..edge.clone()
            })
        })
        .collect();
    Cow::Owned(Graph {
        title: graph.title.clone(),
        nodes,
        edges,
    })
}
