//! Places boxes and routes edges with `layout-rs` (a Sugiyama-style layered layout in pure
//! Rust) and keeps only the geometry: hfgen draws the shapes itself.

use layout::core::base::Orientation;
use layout::core::format::{ClipHandle, RenderBackend};
use layout::core::geometry::Point;
use layout::core::style::{LineStyleKind, StyleAttr};
use layout::std_shapes::shapes::{Arrow, Element, LineEndKind, ShapeKind};
use layout::topo::layout::VisualGraph;

/// Size layout-rs reserves per character of an edge label, per line: it allots
/// `font_size` pixels a character, so 7 leaves room for the 10px labels hfgen draws.
const LABEL_SIZING_FONT: usize = 7;

/// A box to place, `key` being the caller's handle for it.
#[derive(Debug, Clone, Copy)]
pub struct Item {
    pub key: usize,
    pub width: f64,
    pub height: f64,
}

/// An edge between two items (indices into the item list).
#[derive(Debug, Clone)]
pub struct Link {
    pub from: usize,
    pub to: usize,
    pub label: String,
    pub dashed: bool,
}

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

/// A routed edge: a cubic Bézier path in layout-rs's `(point, control)` form.
#[derive(Debug, Clone)]
pub struct Route {
    pub path: Vec<(f64, f64, f64, f64)>,
    /// Arrow heads at (start, end); layout-rs turns edges around to break cycles.
    pub heads: (bool, bool),
    pub dashed: bool,
    /// The index of the link it draws.
    pub link: usize,
    /// Straight pieces drawn before the path's first point and after its last: from and to
    /// an object inside a group, when the layout routed the edge between the group frames.
    pub lead: (Option<Point2>, Option<Point2>),
}

#[derive(Debug, Clone)]
pub struct Label {
    pub x: f64,
    pub y: f64,
    pub text: String,
}

/// The placed boxes, routes and labels, with the top-left corner at (0, 0).
#[derive(Debug, Clone, Default)]
pub struct Scene {
    pub boxes: Vec<Placed>,
    pub routes: Vec<Route>,
    pub labels: Vec<Label>,
    pub width: f64,
    pub height: f64,
}

impl Scene {
    /// Moves everything by (dx, dy).
    pub fn translate(&mut self, dx: f64, dy: f64) {
        for b in &mut self.boxes {
            b.x += dx;
            b.y += dy;
        }
        for route in &mut self.routes {
            for p in &mut route.path {
                *p = (p.0 + dx, p.1 + dy, p.2 + dx, p.3 + dy);
            }
            for point in [&mut route.lead.0, &mut route.lead.1].into_iter().flatten() {
                *point = (point.0 + dx, point.1 + dy);
            }
        }
        for label in &mut self.labels {
            label.x += dx;
            label.y += dy;
        }
    }
}

/// Lays out `items` joined by `links`, top to bottom or left to right.
pub fn arrange(items: &[Item], links: &[Link], left_to_right: bool) -> Scene {
    if items.is_empty() {
        return Scene::default();
    }
    let orientation = if left_to_right {
        Orientation::LeftToRight
    } else {
        Orientation::TopToBottom
    };
    let mut graph = VisualGraph::new(orientation);
    let handles: Vec<_> = items
        .iter()
        .enumerate()
        .map(|(index, item)| {
            graph.add_node(Element::create_with_properties(
                ShapeKind::new_box(""),
                StyleAttr::simple(),
                orientation,
                Point::new(item.width, item.height),
                index.to_string(),
            ))
        })
        .collect();
    for (index, link) in links.iter().enumerate() {
        let mut look = StyleAttr::simple();
        look.font_size = LABEL_SIZING_FONT;
        let style = if link.dashed {
            LineStyleKind::Dashed
        } else {
            LineStyleKind::Normal
        };
        let arrow = Arrow::with_properties(
            LineEndKind::None,
            LineEndKind::Arrow,
            style,
            &link.label,
            &look,
            index.to_string(),
            &None,
            &None,
        );
        graph.add_edge(arrow, handles[link.from], handles[link.to]);
    }
    let mut recorder = Recorder::default();
    graph.do_it(false, false, false, &mut recorder);
    let mut scene = recorder.scene;
    for placed in &mut scene.boxes {
        let item = items[placed.key];
        placed.key = item.key;
    }
    normalise(&mut scene);
    scene
}

/// Moves the scene to (0, 0) and records its size (labels included).
fn normalise(scene: &mut Scene) {
    let mut min = (f64::INFINITY, f64::INFINITY);
    let mut max = (f64::NEG_INFINITY, f64::NEG_INFINITY);
    let mut grow = |x: f64, y: f64| {
        min = (min.0.min(x), min.1.min(y));
        max = (max.0.max(x), max.1.max(y));
    };
    for b in &scene.boxes {
        grow(b.x, b.y);
        grow(b.x + b.width, b.y + b.height);
    }
    for route in &scene.routes {
        for p in &route.path {
            grow(p.0, p.1);
        }
    }
    for label in &scene.labels {
        let half = super::text_width(&label.text, super::LABEL_FONT) / 2.0 + 4.0;
        grow(label.x - half, label.y - 8.0);
        grow(label.x + half, label.y + 8.0);
    }
    scene.translate(-min.0, -min.1);
    scene.width = max.0 - min.0;
    scene.height = max.1 - min.1;
}

/// A layout-rs backend that keeps positions instead of drawing.
#[derive(Default)]
struct Recorder {
    scene: Scene,
}

fn key_of(properties: Option<String>) -> Option<usize> {
    properties.and_then(|p| p.parse().ok())
}

impl RenderBackend for Recorder {
    fn draw_rect(
        &mut self,
        xy: Point,
        size: Point,
        _look: &StyleAttr,
        properties: Option<String>,
        _clip: Option<ClipHandle>,
    ) {
        if let Some(key) = key_of(properties) {
            self.scene.boxes.push(Placed {
                key,
                x: xy.x,
                y: xy.y,
                width: size.x,
                height: size.y,
            });
        }
    }

    fn draw_line(&mut self, _: Point, _: Point, _: &StyleAttr, _: Option<String>) {}

    fn draw_circle(&mut self, _: Point, _: Point, _: &StyleAttr, _: Option<String>) {}

    fn draw_text(&mut self, xy: Point, text: &str, _look: &StyleAttr) {
        // Boxes carry no text, so every text is an edge label.
        if !text.is_empty() {
            self.scene.labels.push(Label {
                x: xy.x,
                y: xy.y,
                text: text.to_string(),
            });
        }
    }

    fn draw_arrow(
        &mut self,
        path: &[(Point, Point)],
        dashed: bool,
        heads: (bool, bool),
        _look: &StyleAttr,
        properties: Option<String>,
        _text: &str,
    ) {
        if let Some(link) = key_of(properties) {
            self.scene.routes.push(Route {
                path: path.iter().map(|(p, c)| (p.x, p.y, c.x, c.y)).collect(),
                heads,
                dashed,
                link,
                lead: (None, None),
            });
        }
    }

    fn create_clip(&mut self, _: Point, _: Point, _: usize) -> ClipHandle {
        0
    }
}
