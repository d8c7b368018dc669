//! Draws each edge through the slots the layout reserved for it, with vertical and horizontal
//! pieces only: down (or up) through its slot in every rank it passes, sideways only in the
//! gap between two ranks, where no box is. So an edge touches no box but its own two.
//!
//! Edges leaving one side of a box share its middle as their port and one track of the first
//! gap (a comb, like a bus); so do edges arriving at one side of a box in the last gap. The
//! other horizontal pieces of a gap get tracks of their own where they overlap.

use super::layout::{Layout, Placed, Point2};
use std::collections::{BTreeMap, HashMap};

/// A rank is known by its centre line, to a tenth of a pixel.
type RankKey = i64;

fn rank_key(y: f64) -> RankKey {
    (y * 10.0).round() as RankKey
}

/// Horizontal pieces of one gap closer than this share no track.
const TRACK_CLEARANCE: f64 = 6.0;

/// A point an edge passes: a port on its box's side, or a slot in a rank.
#[derive(Debug, Clone, Copy)]
struct Station {
    x: f64,
    /// The centre line of its rank.
    rank_y: f64,
    /// Where the line stops: the box's side for a port, the rank's line for a slot.
    y: f64,
}

/// Who may share a horizontal track: the edges leaving or reaching one side of one box.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum Share {
    Leaving(usize, bool),
    Reaching(usize, bool),
    Alone(usize, usize),
}

/// One horizontal piece: the gap it is in, its extent, and what it shares a track with.
struct Piece {
    gap: (RankKey, RankKey),
    span: (f64, f64),
    share: Share,
}

/// The polyline of every link, from its source box to its target box, in link order.
pub fn routes(layout: &Layout, ends: &[(usize, usize)]) -> Vec<Vec<Point2>> {
    let bands = bands(layout);
    let stations: Vec<Vec<Station>> = ends
        .iter()
        .zip(&layout.slots)
        .map(|(&(from, to), slots)| stations(&layout.boxes[from], &layout.boxes[to], slots))
        .collect();
    let mut pieces = Vec::new();
    for (link, (line, &(from, to))) in stations.iter().zip(ends).enumerate() {
        let last = line.len() - 2;
        for (step, pair) in line.windows(2).enumerate() {
            let down = pair[1].rank_y > pair[0].rank_y;
            let share = match step {
                0 if last > 0 => Share::Leaving(from, down),
                step if step == last && last > 0 => Share::Reaching(to, down),
                step => Share::Alone(link, step),
            };
            let (a, b) = (rank_key(pair[0].rank_y), rank_key(pair[1].rank_y));
            pieces.push(Piece {
                gap: (a.min(b), a.max(b)),
                span: (pair[0].x.min(pair[1].x), pair[0].x.max(pair[1].x)),
                share,
            });
        }
    }
    let tracks = tracks(&pieces, &bands);
    let mut next = 0;
    stations
        .iter()
        .map(|line| {
            let mut points = vec![(line[0].x, line[0].y)];
            for pair in line.windows(2) {
                let y = tracks[&pieces[next].share_key()];
                next += 1;
                points.push((pair[0].x, y));
                points.push((pair[1].x, y));
            }
            let end = line[line.len() - 1];
            points.push((end.x, end.y));
            simplify(points)
        })
        .collect()
}

impl Piece {
    fn share_key(&self) -> ((RankKey, RankKey), Share) {
        (self.gap, self.share)
    }
}

/// Half the height of the tallest box, label or title of each rank.
fn bands(layout: &Layout) -> HashMap<RankKey, f64> {
    let mut bands: HashMap<RankKey, f64> = HashMap::new();
    let mut grow = |b: &Placed| {
        let half = bands.entry(rank_key(b.y + b.height / 2.0)).or_insert(0.0);
        *half = half.max(b.height / 2.0);
    };
    layout.boxes.iter().for_each(&mut grow);
    layout.label_boxes.iter().for_each(&mut grow);
    bands
}

/// The ports and slots of one edge, in order from its source to its target.
fn stations(from: &Placed, to: &Placed, slots: &[Point2]) -> Vec<Station> {
    let centre = |b: &Placed| b.y + b.height / 2.0;
    let first_y = slots.first().map_or(centre(to), |s| s.1);
    let last_y = slots.last().map_or(centre(from), |s| s.1);
    let leaves_down = first_y > centre(from);
    let arrives_down = centre(to) > last_y;
    let port = |b: &Placed, bottom: bool| Station {
        x: b.x + b.width / 2.0,
        rank_y: centre(b),
        y: if bottom { b.y + b.height } else { b.y },
    };
    let mut line = vec![port(from, leaves_down)];
    line.extend(slots.iter().map(|&(x, y)| Station { x, rank_y: y, y }));
    line.push(port(to, !arrives_down));
    line
}

/// The height of each track: per gap, the pieces that overlap sideways get tracks of their
/// own, spread evenly over the gap between the two ranks' tallest boxes.
fn tracks(
    pieces: &[Piece],
    bands: &HashMap<RankKey, f64>,
) -> HashMap<((RankKey, RankKey), Share), f64> {
    // Per gap, per sharing group, the extent of the group's pieces.
    let mut groups: BTreeMap<(RankKey, RankKey), BTreeMap<Share, (f64, f64)>> = BTreeMap::new();
    for piece in pieces {
        let span = groups
            .entry(piece.gap)
            .or_default()
            .entry(piece.share)
            .or_insert(piece.span);
        *span = (span.0.min(piece.span.0), span.1.max(piece.span.1));
    }
    let mut heights = HashMap::new();
    for (gap, members) in groups {
        let top = gap.0 as f64 / 10.0 + bands.get(&gap.0).copied().unwrap_or(0.0);
        let bottom = gap.1 as f64 / 10.0 - bands.get(&gap.1).copied().unwrap_or(0.0);
        let mut order: Vec<(Share, (f64, f64))> = members.into_iter().collect();
        order.sort_by(|a, b| a.1 .0.total_cmp(&b.1 .0).then(a.0.cmp(&b.0)));
        // Greedy interval colouring: the first track whose last piece ends before this one.
        let mut track_ends: Vec<f64> = Vec::new();
        let mut assigned = Vec::new();
        for (share, span) in &order {
            let free = track_ends
                .iter()
                .position(|&end| end + TRACK_CLEARANCE < span.0);
            let track = free.unwrap_or_else(|| {
                track_ends.push(f64::NEG_INFINITY);
                track_ends.len() - 1
            });
            track_ends[track] = span.1;
            assigned.push((*share, track));
        }
        let step = (bottom - top) / (track_ends.len() + 1) as f64;
        for (share, track) in assigned {
            heights.insert((gap, share), top + step * (track + 1) as f64);
        }
    }
    heights
}

/// Drops repeated points and the middle of three points on one line.
fn simplify(points: Vec<Point2>) -> Vec<Point2> {
    let near = |a: f64, b: f64| (a - b).abs() < 0.05;
    let mut out: Vec<Point2> = Vec::with_capacity(points.len());
    for p in points {
        if out.last().is_some_and(|q| near(q.0, p.0) && near(q.1, p.1)) {
            continue;
        }
        if out.len() >= 2 {
            let (a, b) = (out[out.len() - 2], out[out.len() - 1]);
            let vertical = near(a.0, b.0) && near(b.0, p.0);
            let horizontal = near(a.1, b.1) && near(b.1, p.1);
            if vertical || horizontal {
                out.pop();
            }
        }
        out.push(p);
    }
    out
}
