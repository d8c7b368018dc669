//! Standalone SVG. Each group is laid out on its own, then the groups are laid out as boxes
//! joined by the edges between them (layout-rs has no nested clusters, so the nesting is
//! done here). Edges inside a group join the objects; edges between groups join the group
//! frames and say what links them. Shapes and colours tell the kinds apart.

mod bound;
mod layout;

pub use bound::MAX_POOLS_DRAWN;

use super::graph::{Class, Graph, Group, Node};
use super::style::{colours, EDGE_COLOUR, GROUP_FILL, GROUP_STROKE};
use crate::xml::escape;
use layout::{arrange, Item, Link, Placed, Route, Scene};
use std::fmt::Write;

const FONT_FAMILY: &str = "DejaVu Sans, Verdana, Helvetica, Arial, sans-serif";
const KIND_FONT: f64 = 11.0;
const NAME_FONT: f64 = 12.0;
const DETAIL_FONT: f64 = 10.0;
pub(crate) const LABEL_FONT: f64 = 10.0;
const TITLE_FONT: f64 = 16.0;
const GROUP_FONT: f64 = 13.0;
/// Inside a node: horizontal and vertical padding around the text.
const NODE_PAD: (f64, f64) = (14.0, 8.0);
/// Extra height of the cylinder shapes (claims, volumes, exports) for their top ellipse.
const CYLINDER_CAP: f64 = 10.0;
/// Extra width of the hexagons (RBAC objects) for their points.
const HEXAGON_POINT: f64 = 10.0;
/// Extra width of a queue for the message slots drawn at its right end.
const QUEUE_SLOTS: f64 = 18.0;
const GROUP_PAD: f64 = 16.0;
const GROUP_TITLE: f64 = 24.0;
const MARGIN: f64 = 20.0;

/// Width of `text` at `size` px in a sans-serif font: an upper estimate (0.62 em a
/// character), so boxes and label backgrounds never cut text off.
pub(crate) fn text_width(text: &str, size: f64) -> f64 {
    text.chars().count() as f64 * size * 0.62
}

fn font_of_line(index: usize) -> f64 {
    match index {
        0 => KIND_FONT,
        1 => NAME_FONT,
        _ => DETAIL_FONT,
    }
}

fn node_size(node: &Node) -> (f64, f64) {
    let lines = node.lines();
    let text_w = lines
        .iter()
        .enumerate()
        .map(|(i, line)| text_width(line, font_of_line(i)) * if i == 0 { 1.08 } else { 1.0 })
        .fold(0.0, f64::max);
    let text_h: f64 = (0..lines.len()).map(|i| font_of_line(i) + 4.0).sum();
    let mut size = (text_w + 2.0 * NODE_PAD.0, text_h + 2.0 * NODE_PAD.1);
    match node.class {
        Class::Claim | Class::Volume | Class::Export => size.1 += CYLINDER_CAP,
        Class::Access => size.0 += 2.0 * HEXAGON_POINT,
        Class::Queue => size.0 += 2.0 * QUEUE_SLOTS,
        _ => {}
    }
    size
}

/// A group laid out on its own, and the size of its frame.
struct GroupScene {
    group: Group,
    scene: Scene,
    width: f64,
    height: f64,
}

pub fn render(graph: &Graph) -> String {
    let graph: &Graph = &bound::drawable(graph);
    // Inner layouts: the members of each group and the edges between them.
    let mut groups = Vec::new();
    for group in Group::ALL {
        let members: Vec<usize> = graph.members(Some(group)).map(|(i, _)| i).collect();
        if members.is_empty() {
            continue;
        }
        let scene = arrange_nodes(graph, &members);
        let width = (scene.width + 2.0 * GROUP_PAD)
            .max(text_width(group.title(), GROUP_FONT) * 1.1 + 2.0 * GROUP_PAD);
        let height = scene.height + GROUP_TITLE + 2.0 * GROUP_PAD;
        groups.push(GroupScene {
            group,
            scene,
            width,
            height,
        });
    }
    // Outer layout: one item per group and per node outside any group.
    let loose: Vec<usize> = graph.members(None).map(|(i, _)| i).collect();
    let mut items: Vec<Item> = groups
        .iter()
        .enumerate()
        .map(|(key, g)| Item {
            key,
            width: g.width,
            height: g.height,
        })
        .collect();
    let item_of_node = |node: usize| -> usize {
        match graph.nodes[node].group {
            Some(group) => groups.iter().position(|g| g.group == group).unwrap_or(0),
            None => groups.len() + loose.iter().position(|&n| n == node).unwrap_or(0),
        }
    };
    for &node in &loose {
        let (width, height) = node_size(&graph.nodes[node]);
        items.push(Item {
            key: items.len(),
            width,
            height,
        });
    }
    let (links, pairs) = outer_links(graph, item_of_node);
    let mut outer = arrange(&items, &links, false);

    let mut frames = Vec::new();
    let mut node_boxes: Vec<(usize, Placed)> = Vec::new();
    let mut scenes = vec![];
    for placed in &outer.boxes {
        match groups.get(placed.key) {
            Some(g) => {
                frames.push((g.group, *placed));
                let mut scene = g.scene.clone();
                let dx = placed.x + (placed.width - scene.width) / 2.0;
                let dy = placed.y + GROUP_TITLE + GROUP_PAD;
                scene.translate(dx, dy);
                node_boxes.extend(scene.boxes.iter().map(|b| (b.key, *b)));
                scenes.push((Some(g.group), scene));
            }
            None => node_boxes.push((loose[placed.key - groups.len()], *placed)),
        }
    }
    outer.routes = attach_to_objects(&outer.routes, &pairs, &node_boxes);
    scenes.push((None, outer.clone()));
    draw(graph, &outer, &frames, &node_boxes, &scenes)
}

/// Lays out the nodes `members` of `graph` with the edges among them.
fn arrange_nodes(graph: &Graph, members: &[usize]) -> Scene {
    let items: Vec<Item> = members
        .iter()
        .map(|&node| {
            let (width, height) = node_size(&graph.nodes[node]);
            Item {
                key: node,
                width,
                height,
            }
        })
        .collect();
    let links: Vec<Link> = graph
        .edges
        .iter()
        .filter_map(|e| {
            let from = members.iter().position(|&m| m == e.from)?;
            let to = members.iter().position(|&m| m == e.to)?;
            Some(Link {
                from,
                to,
                label: e.label.clone(),
                dashed: e.runtime,
            })
        })
        .collect();
    arrange(&items, &links, false)
}

/// The edges between groups, one per pair of outer items, labelled with every relation
/// between them (in order of first appearance), dashed only if all are run-time ones; and for
/// each, the (from, to) pairs of nodes whose edges it stands for.
fn outer_links(
    graph: &Graph,
    item_of_node: impl Fn(usize) -> usize,
) -> (Vec<Link>, Vec<Vec<(usize, usize)>>) {
    let mut links: Vec<Link> = Vec::new();
    let mut pairs: Vec<Vec<(usize, usize)>> = Vec::new();
    for edge in &graph.edges {
        let (from, to) = (item_of_node(edge.from), item_of_node(edge.to));
        if from == to {
            continue;
        }
        let index = match links.iter().position(|l| l.from == from && l.to == to) {
            Some(index) => {
                let link = &mut links[index];
                if !link.label.split(", ").any(|l| l == edge.label) {
                    link.label.push_str(", ");
                    link.label.push_str(&edge.label);
                }
                link.dashed &= edge.runtime;
                index
            }
            None => {
                links.push(Link {
                    from,
                    to,
                    label: edge.label.clone(),
                    dashed: edge.runtime,
                });
                pairs.push(Vec::new());
                links.len() - 1
            }
        };
        if !pairs[index].contains(&(edge.from, edge.to)) {
            pairs[index].push((edge.from, edge.to));
        }
    }
    (links, pairs)
}

/// The layout routes edges between groups from frame to frame; drawn so, "creates worker
/// Jobs" would seem to leave whatever box sits at the frame's edge. Each route becomes one
/// per pair of objects it stands for, led in from the source object and out to the target
/// object by a straight piece to the nearest point of each box.
fn attach_to_objects(
    routes: &[Route],
    pairs: &[Vec<(usize, usize)>],
    node_boxes: &[(usize, Placed)],
) -> Vec<Route> {
    let box_of = |node: usize| node_boxes.iter().find(|(n, _)| *n == node).map(|(_, b)| b);
    let mut attached = Vec::new();
    for route in routes {
        let (Some(first), Some(last)) = (route.path.first(), route.path.last()) else {
            continue;
        };
        let (start, end) = ((first.0, first.1), (last.2, last.3));
        // layout-rs turns an edge around to break a cycle; its arrow head is then at the start.
        let reversed = route.heads == (true, false);
        for &(from, to) in pairs.get(route.link).into_iter().flatten() {
            let (Some(from_box), Some(to_box)) = (box_of(from), box_of(to)) else {
                continue;
            };
            let (start_box, end_box) = if reversed {
                (to_box, from_box)
            } else {
                (from_box, to_box)
            };
            let mut piece = route.clone();
            piece.lead = (lead(start_box, start), lead(end_box, end));
            attached.push(piece);
        }
    }
    attached
}

/// The point of `target`'s box nearest to `point`, unless `point` is already on it.
fn lead(target: &Placed, point: (f64, f64)) -> Option<(f64, f64)> {
    let nearest = (
        point.0.clamp(target.x, target.x + target.width),
        point.1.clamp(target.y, target.y + target.height),
    );
    let distance = ((nearest.0 - point.0).powi(2) + (nearest.1 - point.1).powi(2)).sqrt();
    (distance > 1.0).then_some(nearest)
}

fn draw(
    graph: &Graph,
    outer: &Scene,
    frames: &[(Group, Placed)],
    nodes: &[(usize, Placed)],
    scenes: &[(Option<Group>, Scene)],
) -> String {
    let top = MARGIN + TITLE_FONT + 14.0;
    let title_width = text_width(&graph.title, TITLE_FONT);
    let width = (outer.width.max(title_width) + 2.0 * MARGIN).ceil();
    let height = (outer.height + top + MARGIN).ceil();
    let (dx, dy) = (MARGIN + (width - 2.0 * MARGIN - outer.width) / 2.0, top);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\" font-family=\"{FONT_FAMILY}\">",
        w = num(width),
        h = num(height)
    );
    let _ = writeln!(out, "<title>{}</title>", escape(&graph.title));
    out.push_str(&defs());
    let _ = writeln!(
        out,
        "<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>"
    );
    let _ = writeln!(
        out,
        "<text x=\"{}\" y=\"{}\" font-size=\"{TITLE_FONT}\" font-weight=\"bold\" text-anchor=\"middle\" fill=\"#111827\">{}</text>",
        num(width / 2.0),
        num(MARGIN + TITLE_FONT),
        escape(&graph.title)
    );
    let _ = writeln!(out, "<g transform=\"translate({},{})\">", num(dx), num(dy));
    for (group, frame) in frames {
        let _ = writeln!(
            out,
            "<g class=\"group\" id=\"group-{}\"><rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"10\" fill=\"{GROUP_FILL}\" stroke=\"{GROUP_STROKE}\" stroke-width=\"1.5\"/><text x=\"{}\" y=\"{}\" font-size=\"{GROUP_FONT}\" font-weight=\"bold\" text-anchor=\"middle\" fill=\"#334155\">{}</text></g>",
            group.id(),
            num(frame.x),
            num(frame.y),
            num(frame.width),
            num(frame.height),
            num(frame.x + frame.width / 2.0),
            num(frame.y + GROUP_PAD + GROUP_FONT * 0.5),
            escape(group.title())
        );
    }
    for (_, scene) in scenes {
        for route in &scene.routes {
            out.push_str(&draw_route(route));
        }
    }
    for (node, placed) in nodes {
        out.push_str(&draw_node(&graph.nodes[*node], placed));
    }
    for (_, scene) in scenes {
        for label in &scene.labels {
            let w = text_width(&label.text, LABEL_FONT) + 8.0;
            let _ = writeln!(
                out,
                "<g class=\"label\"><rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"3\" fill=\"#ffffff\" fill-opacity=\"0.9\"/><text x=\"{}\" y=\"{}\" font-size=\"{LABEL_FONT}\" text-anchor=\"middle\" fill=\"#334155\">{}</text></g>",
                num(label.x - w / 2.0),
                num(label.y - LABEL_FONT * 0.5 - 3.0),
                num(w),
                num(LABEL_FONT + 6.0),
                num(label.x),
                num(label.y + LABEL_FONT * 0.35),
                escape(&label.text)
            );
        }
    }
    out.push_str("</g>\n</svg>\n");
    out
}

fn defs() -> String {
    format!(
        "<defs>\n<marker id=\"head\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"8\" markerHeight=\"8\" orient=\"auto\"><path d=\"M0,0 L10,5 L0,10 z\" fill=\"{EDGE_COLOUR}\"/></marker>\n<marker id=\"tail\" viewBox=\"0 0 10 10\" refX=\"0\" refY=\"5\" markerWidth=\"8\" markerHeight=\"8\" orient=\"auto\"><path d=\"M10,0 L0,5 L10,10 z\" fill=\"{EDGE_COLOUR}\"/></marker>\n</defs>\n"
    )
}

/// layout-rs paths: the first pair is (start, exit control), every later pair is
/// (entry control, point), i.e. `M p C c, c' p' S c'' p''...`.
fn draw_route(route: &Route) -> String {
    let path = &route.path;
    if path.len() < 2 {
        return String::new();
    }
    let mut d = match route.lead.0 {
        Some((x, y)) => format!("M{},{} L", num(x), num(y)),
        None => "M".to_string(),
    };
    let _ = write!(
        d,
        "{},{} C{},{} {},{} {},{}",
        num(path[0].0),
        num(path[0].1),
        num(path[0].2),
        num(path[0].3),
        num(path[1].0),
        num(path[1].1),
        num(path[1].2),
        num(path[1].3)
    );
    for p in &path[2..] {
        let _ = write!(d, " S{},{} {},{}", num(p.0), num(p.1), num(p.2), num(p.3));
    }
    if let Some((x, y)) = route.lead.1 {
        let _ = write!(d, " L{},{}", num(x), num(y));
    }
    let dash = if route.dashed {
        " stroke-dasharray=\"6,4\""
    } else {
        ""
    };
    let start = if route.heads.0 {
        " marker-start=\"url(#tail)\""
    } else {
        ""
    };
    let end = if route.heads.1 {
        " marker-end=\"url(#head)\""
    } else {
        ""
    };
    format!("<path class=\"edge\" d=\"{d}\" fill=\"none\" stroke=\"{EDGE_COLOUR}\" stroke-width=\"1.4\"{dash}{start}{end}/>\n")
}

fn draw_node(node: &Node, at: &Placed) -> String {
    let (fill, stroke) = colours(node.class);
    let (x, y, w, h) = (at.x, at.y, at.width, at.height);
    let paint = format!("fill=\"{fill}\" stroke=\"{stroke}\" stroke-width=\"1.5\"");
    let dashed = " stroke-dasharray=\"5,3\"";
    let mut text_top = y + NODE_PAD.1;
    let shape = match node.class {
        Class::Workload | Class::Other => {
            format!(
                "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"4\" {paint}/>",
                num(x),
                num(y),
                num(w),
                num(h)
            )
        }
        Class::Job | Class::Worker => {
            // A stack of cards: one Job may run many pods, the worker template many Jobs.
            let dash = if node.class == Class::Worker {
                dashed
            } else {
                ""
            };
            format!(
                "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" {paint}{dash}/><rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" {paint}{dash}/>",
                num(x + 4.0),
                num(y - 4.0),
                num(w),
                num(h),
                num(x),
                num(y),
                num(w),
                num(h)
            )
        }
        Class::Service => format!(
            "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"{}\" {paint}/>",
            num(x),
            num(y),
            num(w),
            num(h),
            num(h / 2.0)
        ),
        Class::ConfigMap => {
            let fold = 12.0;
            format!(
                "<path d=\"M{},{} H{} L{},{} V{} H{} z M{},{} V{} H{}\" {paint}/>",
                num(x),
                num(y),
                num(x + w - fold),
                num(x + w),
                num(y + fold),
                num(y + h),
                num(x),
                num(x + w - fold),
                num(y),
                num(y + fold),
                num(x + w)
            )
        }
        Class::Access => {
            let p = HEXAGON_POINT;
            format!(
                "<path d=\"M{},{} H{} L{},{} L{},{} H{} L{},{} z\" {paint}/>",
                num(x + p),
                num(y),
                num(x + w - p),
                num(x + w),
                num(y + h / 2.0),
                num(x + w - p),
                num(y + h),
                num(x + p),
                num(x),
                num(y + h / 2.0)
            )
        }
        Class::Claim | Class::Volume | Class::Export => {
            let r = CYLINDER_CAP / 2.0;
            text_top += CYLINDER_CAP;
            format!(
                "<path d=\"M{x0},{y0} A{rx},{r} 0 0 1 {x1},{y0} V{y1} A{rx},{r} 0 0 1 {x0},{y1} z\" {paint}/><path d=\"M{x0},{y0} A{rx},{r} 0 0 0 {x1},{y0}\" fill=\"none\" stroke=\"{stroke}\" stroke-width=\"1.5\"/>",
                x0 = num(x),
                x1 = num(x + w),
                y0 = num(y + r),
                y1 = num(y + h - r),
                rx = num(w / 2.0),
                r = num(r)
            )
        }
        Class::Queue => {
            // A box with three message slots at its head, the end the workers take from.
            let mut slots = String::new();
            for i in 1..=3 {
                let slot_x = x + w - QUEUE_SLOTS + 6.0 * (i as f64) - 6.0;
                let _ = write!(slots, " M{},{} V{}", num(slot_x), num(y), num(y + h));
            }
            format!(
                "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"3\" {paint}/><path d=\"{}\" fill=\"none\" stroke=\"{stroke}\" stroke-width=\"1\"/>",
                num(x),
                num(y),
                num(w),
                num(h),
                slots.trim_start()
            )
        }
        Class::External => format!(
            "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" {paint}{dashed}/>",
            num(x),
            num(y),
            num(w),
            num(h)
        ),
    };
    let mut text = String::new();
    let mut baseline = text_top;
    for (index, line) in node.lines().iter().enumerate() {
        let size = font_of_line(index);
        baseline += size + if index == 0 { 0.0 } else { 4.0 };
        let (weight, colour) = match index {
            0 => (" font-weight=\"bold\"", stroke),
            1 => ("", "#111827"),
            _ => ("", "#4b5563"),
        };
        let _ = write!(
            text,
            "<text x=\"{}\" y=\"{}\" font-size=\"{size}\"{weight} text-anchor=\"middle\" fill=\"{colour}\">{}</text>",
            num(x + w / 2.0),
            num(baseline),
            escape(line)
        );
    }
    format!(
        "<g class=\"node {}\" id=\"node-{}\"><title>{} {}</title>{shape}{text}</g>\n",
        node.class.name(),
        node.id,
        escape(&node.kind),
        escape(&node.name)
    )
}

/// A coordinate with one decimal; never `-0.0`.
fn num(value: f64) -> String {
    let rounded = (value * 10.0).round() / 10.0;
    if rounded == 0.0 {
        "0".to_string()
    } else if rounded.fract() == 0.0 {
        format!("{rounded:.0}")
    } else {
        format!("{rounded:.1}")
    }
}
