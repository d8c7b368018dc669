//! Places the whole picture in one layered layout with `dugong` (merman's Rust port of
//! dagre.js, the layout Mermaid draws flowcharts with): objects are nodes, groups are clusters
//! of them, relations are edges between the objects themselves. The layout ranks the objects,
//! keeps each cluster's members together, gives every edge a reserved slot (a dummy node) in
//! each rank it passes and its label a slot of its own; [`super::route`] draws the edges
//! through those slots.

use dugong::graphlib::{Graph as DagreGraph, GraphOptions};
use dugong::{EdgeLabel, GraphLabel, LabelPos, NodeLabel};

/// Gap between neighbouring boxes of a rank, and between ranks (halved by dagre when edges
/// carry labels, as the labels get ranks of their own).
const NODE_GAP: f64 = 36.0;
const EDGE_GAP: f64 = 14.0;
const RANK_GAP: f64 = 64.0;
/// dagre's room between an edge and its label, which sits right of the edge's line.
const LABEL_OFFSET: f64 = 4.0;

/// A box to place, `key` being the caller's handle for it.
#[derive(Debug, Clone, Copy)]
pub struct Item {
    pub key: usize,
    pub width: f64,
    pub height: f64,
    /// The index of the cluster it belongs to.
    pub cluster: Option<usize>,
}

/// An edge between two items (indices into the item list).
#[derive(Debug, Clone)]
pub struct Link {
    pub from: usize,
    pub to: usize,
    pub label: String,
    pub dashed: bool,
    pub label_width: f64,
    pub label_height: f64,
}

/// A placed box: top-left corner and size.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Placed {
    pub key: usize,
    pub x: f64,
    pub y: f64,
    pub width: f64,
    pub height: f64,
}

/// A point of the drawing, (x, y).
pub type Point2 = (f64, f64);

/// What the layout decided: boxes, cluster frames with their title slots, and for each link
/// the slots it passes through (its dummy nodes, top to bottom of its travel, label slot
/// included) and where its label sits.
#[derive(Debug, Clone, Default)]
pub struct Layout {
    pub boxes: Vec<Placed>,
    /// The frame of each cluster.
    pub frames: Vec<Placed>,
    pub slots: Vec<Vec<Point2>>,
    pub labels: Vec<Option<Point2>>,
    /// The room of each label, centred on its point (for the ranks' heights).
    pub label_boxes: Vec<Placed>,
    pub width: f64,
    pub height: f64,
}

fn item_id(index: usize) -> String {
    format!("n{index}")
}

fn cluster_id(index: usize) -> String {
    format!("c{index}")
}

fn sized(width: f64, height: f64) -> NodeLabel {
    NodeLabel {
        width,
        height,
        ..NodeLabel::default()
    }
}

/// Lays out `items`, grouped into `clusters`, joined by `links`, top to bottom.
pub fn arrange(items: &[Item], clusters: usize, links: &[Link]) -> Layout {
    let mut graph: DagreGraph<NodeLabel, EdgeLabel, GraphLabel> = DagreGraph::new(GraphOptions {
        directed: true,
        multigraph: true,
        compound: true,
    });
    graph.set_graph(GraphLabel {
        nodesep: NODE_GAP,
        edgesep: EDGE_GAP,
        ranksep: RANK_GAP,
        ..GraphLabel::default()
    });
    for index in 0..clusters {
        graph.set_node(cluster_id(index), NodeLabel::default());
    }
    for (index, item) in items.iter().enumerate() {
        graph.set_node(item_id(index), sized(item.width, item.height));
        if let Some(cluster) = item.cluster {
            graph.set_parent(item_id(index), cluster_id(cluster));
        }
    }
    for (index, link) in links.iter().enumerate() {
        let label = EdgeLabel {
            width: link.label_width,
            height: link.label_height,
            labelpos: LabelPos::R,
            labeloffset: LABEL_OFFSET,
            weight: 1.0,
            ..EdgeLabel::default()
        };
        graph.set_edge_named(
            item_id(link.from),
            item_id(link.to),
            Some(index.to_string()),
            Some(label),
        );
    }
    dugong::layout(&mut graph).expect("dugong lays out any graph without a work limit");
    read_back(&graph, items, clusters, links)
}

/// The top-left box of a dagre node (dagre gives centres).
fn placed(graph: &DagreGraph<NodeLabel, EdgeLabel, GraphLabel>, id: &str, key: usize) -> Placed {
    let node = graph.node(id).expect("dagre keeps every node");
    let (cx, cy) = (node.x.unwrap_or(0.0), node.y.unwrap_or(0.0));
    Placed {
        key,
        x: cx - node.width / 2.0,
        y: cy - node.height / 2.0,
        width: node.width,
        height: node.height,
    }
}

fn read_back(
    graph: &DagreGraph<NodeLabel, EdgeLabel, GraphLabel>,
    items: &[Item],
    clusters: usize,
    links: &[Link],
) -> Layout {
    let mut layout = Layout {
        boxes: (0..items.len())
            .map(|i| placed(graph, &item_id(i), items[i].key))
            .collect(),
        frames: (0..clusters)
            .map(|i| placed(graph, &cluster_id(i), i))
            .collect(),
        ..Layout::default()
    };
    for (index, link) in links.iter().enumerate() {
        let name = index.to_string();
        let edge = graph.edge(&item_id(link.from), &item_id(link.to), Some(&name));
        let edge = edge.expect("dagre keeps every edge");
        // dagre's first and last points are where the edge meets its boxes; the ones between
        // are the slots reserved for it, in order from `from` to `to`.
        let points = &edge.points;
        let inner = points.get(1..points.len().saturating_sub(1)).unwrap_or(&[]);
        layout
            .slots
            .push(inner.iter().map(|p| (p.x, p.y)).collect());
        layout.labels.push(edge.x.zip(edge.y));
    }
    let mut right: f64 = 0.0;
    let mut bottom: f64 = 0.0;
    for b in layout.boxes.iter().chain(&layout.frames) {
        right = right.max(b.x + b.width);
        bottom = bottom.max(b.y + b.height);
    }
    for (index, (link, label)) in links.iter().zip(&layout.labels).enumerate() {
        if let Some((x, y)) = *label {
            layout.label_boxes.push(Placed {
                key: index,
                x: x - link.label_width / 2.0,
                y: y - link.label_height / 2.0,
                width: link.label_width,
                height: link.label_height,
            });
            right = right.max(x + link.label_width / 2.0);
            bottom = bottom.max(y + link.label_height / 2.0);
        }
    }
    layout.width = right;
    layout.height = bottom;
    layout
}
