//! Standalone SVG, laid out by hfgen in one layout of every object: groups are clusters of
//! it, and each edge is routed from the object it leaves to the object it reaches through
//! slots the layout keeps free for it ([`layout`], [`route`]), so no line crosses a box it
//! does not join. Shapes and colours tell the kinds apart.

mod layout;
mod route;

use super::graph::{Class, Graph, Group, Node};
use super::style::{colours, EDGE_COLOUR, GROUP_FILL, GROUP_STROKE};
use crate::xml::escape;
use layout::{arrange, Item, Layout, Link, Placed, Point2};
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

/// Height of the room a label takes: its text and the white box behind it.
const LABEL_HEIGHT: f64 = LABEL_FONT + 6.0;

pub fn to_svg(graph: &Graph) -> String {
    let groups: Vec<Group> = Group::ALL
        .into_iter()
        .filter(|&g| graph.members(Some(g)).next().is_some())
        .collect();
    let items: Vec<Item> = graph
        .nodes
        .iter()
        .enumerate()
        .map(|(key, node)| {
            let (width, height) = node_size(node);
            Item {
                key,
                width,
                height,
                cluster: node.group.and_then(|g| groups.iter().position(|&x| x == g)),
            }
        })
        .collect();
    let links: Vec<Link> = graph
        .edges
        .iter()
        .map(|e| Link {
            from: e.from,
            to: e.to,
            label: e.label.clone(),
            dashed: e.runtime,
            label_width: text_width(&e.label, LABEL_FONT) + 8.0,
            label_height: LABEL_HEIGHT,
        })
        .collect();
    let layout = arrange(&items, groups.len(), &links);
    let ends: Vec<(usize, usize)> = links.iter().map(|l| (l.from, l.to)).collect();
    let lines = route::routes(&layout, &ends);
    draw(graph, &groups, &layout, &links, &lines)
}

fn draw(
    graph: &Graph,
    groups: &[Group],
    layout: &Layout,
    links: &[Link],
    lines: &[Vec<Point2>],
) -> String {
    let top = MARGIN + TITLE_FONT + 14.0;
    let title_width = text_width(&graph.title, TITLE_FONT);
    let width = (layout.width.max(title_width) + 2.0 * MARGIN).ceil();
    let height = (layout.height + top + MARGIN).ceil();
    let (dx, dy) = (MARGIN + (width - 2.0 * MARGIN - layout.width) / 2.0, top);
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
    for frame in &layout.frames {
        out.push_str(&draw_frame(groups[frame.key], frame));
    }
    for (link, line) in links.iter().zip(lines) {
        out.push_str(&draw_line(link, line));
    }
    for frame in &layout.frames {
        out.push_str(&draw_title(groups[frame.key], frame));
    }
    for placed in &layout.boxes {
        out.push_str(&draw_node(&graph.nodes[placed.key], placed));
    }
    for (link, label) in links.iter().zip(&layout.labels) {
        if let Some(at) = label {
            out.push_str(&draw_label(&link.label, *at));
        }
    }
    out.push_str("</g>\n</svg>\n");
    out
}

/// A group's frame (its title is drawn over the edges, by [`draw_title`]).
fn draw_frame(group: Group, frame: &Placed) -> String {
    format!(
        "<g class=\"group\" id=\"group-{}\"><rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"10\" fill=\"{GROUP_FILL}\" stroke=\"{GROUP_STROKE}\" stroke-width=\"1.5\"/></g>\n",
        group.id(),
        num(frame.x),
        num(frame.y),
        num(frame.width),
        num(frame.height),
    )
}

/// A group's title in the top left corner of its frame, on the frame's colour: an edge that
/// enters the group there passes under it, as under an edge label.
fn draw_title(group: Group, frame: &Placed) -> String {
    let (x, baseline) = (frame.x + GROUP_PAD, frame.y + GROUP_PAD + GROUP_FONT * 0.5);
    // Bold text is about 8% wider than the estimate for regular text.
    let width = text_width(group.title(), GROUP_FONT) * 1.08 + 8.0;
    format!(
        "<g class=\"group-title\"><rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"3\" fill=\"{GROUP_FILL}\" fill-opacity=\"0.9\"/><text x=\"{}\" y=\"{}\" font-size=\"{GROUP_FONT}\" font-weight=\"bold\" fill=\"#334155\">{}</text></g>\n",
        num(x - 4.0),
        num(baseline - GROUP_FONT),
        num(width),
        num(GROUP_FONT + 6.0),
        num(x),
        num(baseline),
        escape(group.title())
    )
}

fn draw_label(text: &str, (x, y): Point2) -> String {
    let w = text_width(text, LABEL_FONT) + 8.0;
    format!(
        "<g class=\"label\"><rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"3\" fill=\"#ffffff\" fill-opacity=\"0.9\"/><text x=\"{}\" y=\"{}\" font-size=\"{LABEL_FONT}\" text-anchor=\"middle\" fill=\"#334155\">{}</text></g>\n",
        num(x - w / 2.0),
        num(y - LABEL_HEIGHT / 2.0),
        num(w),
        num(LABEL_HEIGHT),
        num(x),
        num(y + LABEL_FONT * 0.35),
        escape(text)
    )
}

/// An edge's routed line, from its source to its target, the head at the target.
fn draw_line(link: &Link, line: &[Point2]) -> String {
    let mut d = String::new();
    for (index, (x, y)) in line.iter().enumerate() {
        let command = if index == 0 { 'M' } else { 'L' };
        let _ = write!(
            d,
            "{}{command}{},{}",
            if index == 0 { "" } else { " " },
            num(*x),
            num(*y)
        );
    }
    let dash = if link.dashed {
        " stroke-dasharray=\"6,4\""
    } else {
        ""
    };
    format!("<path class=\"edge\" d=\"{d}\" fill=\"none\" stroke=\"{EDGE_COLOUR}\" stroke-width=\"1.4\" stroke-linejoin=\"round\"{dash} marker-end=\"url(#head)\"/>\n")
}

fn defs() -> String {
    format!(
        "<defs>\n<marker id=\"head\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"8\" markerHeight=\"8\" orient=\"auto\"><path d=\"M0,0 L10,5 L0,10 z\" fill=\"{EDGE_COLOUR}\"/></marker>\n</defs>\n"
    )
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
