//! Reads the geometry back out of an SVG picture, with no help from hfgen's drawing code: the
//! outline of every object (`<g class="node ..." id="node-ID">`) and the line of every arrow
//! (`<path class="edge">`), so a test can ask which boxes an arrow passes through.

use roxmltree::{Document, Node};

/// An axis-aligned rectangle: (left, top, right, bottom).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rect {
    pub left: f64,
    pub top: f64,
    pub right: f64,
    pub bottom: f64,
}

impl Rect {
    fn around(points: &[(f64, f64)]) -> Rect {
        points.iter().fold(
            Rect {
                left: f64::INFINITY,
                top: f64::INFINITY,
                right: f64::NEG_INFINITY,
                bottom: f64::NEG_INFINITY,
            },
            |r, p| Rect {
                left: r.left.min(p.0),
                top: r.top.min(p.1),
                right: r.right.max(p.0),
                bottom: r.bottom.max(p.1),
            },
        )
    }

    fn shrunk(self, by: f64) -> Rect {
        Rect {
            left: self.left + by,
            top: self.top + by,
            right: self.right - by,
            bottom: self.bottom - by,
        }
    }

    /// How far `p` is from the rectangle (0 inside it).
    fn distance(&self, p: (f64, f64)) -> f64 {
        let dx = (self.left - p.0).max(p.0 - self.right).max(0.0);
        let dy = (self.top - p.1).max(p.1 - self.bottom).max(0.0);
        (dx * dx + dy * dy).sqrt()
    }

    /// Whether the segment a-b passes through the inside of the rectangle (Liang-Barsky).
    fn cut_by(&self, a: (f64, f64), b: (f64, f64)) -> bool {
        let (dx, dy) = (b.0 - a.0, b.1 - a.1);
        let (mut low, mut high) = (0.0f64, 1.0f64);
        for (p, q) in [
            (-dx, a.0 - self.left),
            (dx, self.right - a.0),
            (-dy, a.1 - self.top),
            (dy, self.bottom - a.1),
        ] {
            if p == 0.0 {
                if q < 0.0 {
                    return false;
                }
                continue;
            }
            let t = q / p;
            if p < 0.0 {
                low = low.max(t);
            } else {
                high = high.min(t);
            }
        }
        low < high
    }
}

/// One drawn arrow: its line as a polyline (curves sampled) and which ends carry a head.
#[derive(Debug, Clone)]
pub struct Arrow {
    pub line: Vec<(f64, f64)>,
    pub head_at_start: bool,
    pub head_at_end: bool,
}

#[derive(Debug, Clone)]
pub struct Picture {
    /// (node id without the `node-` prefix, outline).
    pub boxes: Vec<(String, Rect)>,
    pub arrows: Vec<Arrow>,
}

/// An arrow passing through a box it does not connect.
#[derive(Debug, Clone)]
pub struct Crossing {
    pub from: String,
    pub to: String,
    pub through: Vec<String>,
}

/// How near an arrow's end must come to a box to count as touching it: arrow heads stop a
/// little short, and the cylinders' arcs bulge past their end points.
const TOUCH: f64 = 8.0;
/// An arrow may graze a box's outline (the stroke is 1.5 px wide); only its inside counts.
const INSET: f64 = 2.0;

impl Picture {
    pub fn parse(svg: &str) -> Picture {
        let document = Document::parse(svg).expect("SVG is well-formed XML");
        let boxes = document
            .descendants()
            .filter(|n| n.attribute("class").is_some_and(|c| c.starts_with("node ")))
            .map(|n| {
                let id = n.attribute("id").expect("node group has an id");
                let id = id.strip_prefix("node-").unwrap_or(id).to_string();
                (id, outline(n))
            })
            .collect();
        let arrows = document
            .descendants()
            .filter(|n| n.attribute("class") == Some("edge"))
            .map(|n| {
                let d = n.attribute("d").expect("edge has a path");
                let (dx, dy) = offset(n);
                let line = polyline(d)
                    .into_iter()
                    .map(|(x, y)| (x + dx, y + dy))
                    .collect();
                Arrow {
                    line,
                    head_at_start: n.attribute("marker-start").is_some(),
                    head_at_end: n.attribute("marker-end").is_some(),
                }
            })
            .collect();
        Picture { boxes, arrows }
    }

    /// The box an arrow's end point touches (the nearest within [`TOUCH`]).
    pub fn box_at(&self, point: (f64, f64)) -> Option<&str> {
        self.boxes
            .iter()
            .map(|(id, rect)| (id, rect.distance(point)))
            .filter(|(_, distance)| *distance <= TOUCH)
            .min_by(|a, b| a.1.total_cmp(&b.1))
            .map(|(id, _)| id.as_str())
    }

    /// (from, to) of an arrow, by the boxes its ends touch and the end its head is at.
    pub fn ends(&self, arrow: &Arrow) -> (Option<&str>, Option<&str>) {
        let start = self.box_at(arrow.line[0]);
        let end = self.box_at(arrow.line[arrow.line.len() - 1]);
        if arrow.head_at_start && !arrow.head_at_end {
            (end, start)
        } else {
            (start, end)
        }
    }

    /// Every arrow that passes through the inside of a box other than the two it joins.
    pub fn crossings(&self) -> Vec<Crossing> {
        let mut found = Vec::new();
        for arrow in &self.arrows {
            let (from, to) = self.ends(arrow);
            let through: Vec<String> = self
                .boxes
                .iter()
                .filter(|(id, _)| Some(id.as_str()) != from && Some(id.as_str()) != to)
                .filter(|(_, rect)| {
                    let inside = rect.shrunk(INSET);
                    arrow.line.windows(2).any(|s| inside.cut_by(s[0], s[1]))
                })
                .map(|(id, _)| id.clone())
                .collect();
            if !through.is_empty() {
                found.push(Crossing {
                    from: from.unwrap_or("?").to_string(),
                    to: to.unwrap_or("?").to_string(),
                    through,
                });
            }
        }
        found
    }
}

/// The sum of the `translate(x,y)` transforms of `node` and its ancestors.
fn offset(node: Node<'_, '_>) -> (f64, f64) {
    let mut total = (0.0, 0.0);
    for ancestor in node.ancestors() {
        let Some(transform) = ancestor.attribute("transform") else {
            continue;
        };
        let inner = transform
            .strip_prefix("translate(")
            .and_then(|t| t.strip_suffix(')'))
            .unwrap_or_else(|| panic!("only translate() is read, got {transform}"));
        let values = numbers(inner);
        total.0 += values[0];
        total.1 += values.get(1).copied().unwrap_or(0.0);
    }
    total
}

/// The outline of what a node group draws: its rects and outline paths, moved by their
/// transforms.
fn outline(group: Node<'_, '_>) -> Rect {
    let mut points = Vec::new();
    let (dx, dy) = offset(group);
    for shape in group.children().filter(|c| c.is_element()) {
        let attr = |name: &str| {
            shape
                .attribute(name)
                .and_then(|v| v.parse::<f64>().ok())
                .unwrap_or(0.0)
        };
        match shape.tag_name().name() {
            "rect" => {
                let (x, y) = (attr("x"), attr("y"));
                points.push((x, y));
                points.push((x + attr("width"), y + attr("height")));
            }
            "path" => points.extend(polyline(shape.attribute("d").unwrap_or_default())),
            _ => {}
        }
    }
    let rect = Rect::around(&points);
    Rect {
        left: rect.left + dx,
        top: rect.top + dy,
        right: rect.right + dx,
        bottom: rect.bottom + dy,
    }
}

fn numbers(text: &str) -> Vec<f64> {
    text.split(|c: char| c == ',' || c.is_whitespace())
        .filter(|t| !t.is_empty())
        .map(|t| t.parse().unwrap_or_else(|_| panic!("not a number: {t}")))
        .collect()
}

/// The points a path passes through, curves sampled: absolute M, L, H, V, C, S, Q, A and Z
/// (an arc counts as its end point and the point `ry` past it, enough for an outline).
pub fn polyline(d: &str) -> Vec<(f64, f64)> {
    let mut commands: Vec<(char, Vec<f64>)> = Vec::new();
    let mut number = String::new();
    for c in d.chars().chain([' ']) {
        if c.is_ascii_alphabetic() && c != 'e' {
            if let Some(last) = commands.last_mut() {
                last.1.extend(numbers(&number));
            }
            number.clear();
            commands.push((c, Vec::new()));
        } else {
            number.push(c);
        }
    }
    if let Some(last) = commands.last_mut() {
        last.1.extend(numbers(&number));
    }
    let mut points: Vec<(f64, f64)> = Vec::new();
    let mut at = (0.0, 0.0);
    let mut start = (0.0, 0.0);
    let mut last_control: Option<(f64, f64)> = None;
    for (command, args) in commands {
        let mut control = None;
        match command {
            'M' | 'L' => {
                for (i, pair) in args.chunks(2).enumerate() {
                    at = (pair[0], pair[1]);
                    if command == 'M' && i == 0 {
                        start = at;
                    }
                    points.push(at);
                }
            }
            'H' => {
                at.0 = args[0];
                points.push(at);
            }
            'V' => {
                at.1 = args[0];
                points.push(at);
            }
            'C' | 'S' | 'Q' => {
                let step = match command {
                    'C' => 6,
                    _ => 4,
                };
                for piece in args.chunks(step) {
                    let (c1, c2, end) = match command {
                        'C' => (
                            (piece[0], piece[1]),
                            (piece[2], piece[3]),
                            (piece[4], piece[5]),
                        ),
                        'S' => {
                            let c1 =
                                last_control.map_or(at, |c| (2.0 * at.0 - c.0, 2.0 * at.1 - c.1));
                            (c1, (piece[0], piece[1]), (piece[2], piece[3]))
                        }
                        _ => {
                            let q = (piece[0], piece[1]);
                            let end = (piece[2], piece[3]);
                            let c1 = (
                                at.0 + 2.0 / 3.0 * (q.0 - at.0),
                                at.1 + 2.0 / 3.0 * (q.1 - at.1),
                            );
                            let c2 = (
                                end.0 + 2.0 / 3.0 * (q.0 - end.0),
                                end.1 + 2.0 / 3.0 * (q.1 - end.1),
                            );
                            (c1, c2, end)
                        }
                    };
                    points.extend(cubic(at, c1, c2, end));
                    at = end;
                    last_control = Some(c2);
                    control = last_control;
                }
            }
            'A' => {
                for piece in args.chunks(7) {
                    at = (piece[5], piece[6]);
                    points.push(at);
                    points.push((at.0, at.1 - piece[1]));
                    points.push((at.0, at.1 + piece[1]));
                }
            }
            'Z' | 'z' => {
                at = start;
                points.push(at);
            }
            other => panic!("path command {other} is not read: {d}"),
        }
        last_control = control;
    }
    points
}

/// Points along a cubic Bézier curve, its end included, its start not.
fn cubic(
    p0: (f64, f64),
    c1: (f64, f64),
    c2: (f64, f64),
    p1: (f64, f64),
) -> impl Iterator<Item = (f64, f64)> {
    const STEPS: usize = 24;
    (1..=STEPS).map(move |i| {
        let t = i as f64 / STEPS as f64;
        let u = 1.0 - t;
        let (a, b, c, d) = (u * u * u, 3.0 * u * u * t, 3.0 * u * t * t, t * t * t);
        (
            a * p0.0 + b * c1.0 + c * c2.0 + d * p1.0,
            a * p0.1 + b * c1.1 + c * c2.1 + d * p1.1,
        )
    })
}
