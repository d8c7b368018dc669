//! The generated workflows: HyperFlow `workflow.json` files of a given shape, every task a
//! `/bin/sh -c` that sleeps the task's work and writes its output file.

use serde_json::{json, Value};
use std::path::Path;

/// A workflow's shape, as the benchmark names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    /// N independent tasks of one type, all fed by the workflow's input.
    Fanout(usize),
    /// Montage's task types, levels and fan-in for an image grid of `width` x `height`
    /// (mProject per image, mDiffFit per overlapping pair, mConcatFit, mBgModel, mBackground
    /// per image, mImgtbl, mAdd, mShrink, mJPEG).
    Montage { width: usize, height: usize },
}

/// One task of the generated DAG: its type, the tasks it waits for (by index).
struct Task {
    name: &'static str,
    after: Vec<usize>,
}

impl Shape {
    pub fn label(&self) -> String {
        match self {
            Shape::Fanout(n) => format!("fan-out {n}"),
            Shape::Montage { width, height } => {
                format!("Montage {width}x{height} ({} tasks)", self.tasks().len())
            }
        }
    }

    /// The task types with more than one task: the stages worth a pool or agglomeration.
    pub fn fan_types(&self) -> Vec<&'static str> {
        // In the order the types first appear.
        let mut counts: Vec<(&'static str, usize)> = Vec::new();
        for task in self.tasks() {
            match counts.iter_mut().find(|(name, _)| *name == task.name) {
                Some((_, count)) => *count += 1,
                None => counts.push((task.name, 1)),
            }
        }
        counts
            .into_iter()
            .filter(|(_, count)| *count > 1)
            .map(|(name, _)| name)
            .collect()
    }

    pub fn task_count(&self) -> usize {
        self.tasks().len()
    }

    fn tasks(&self) -> Vec<Task> {
        match *self {
            Shape::Fanout(n) => (0..n)
                .map(|_| Task {
                    name: "task",
                    after: Vec::new(),
                })
                .collect(),
            Shape::Montage { width, height } => montage(width, height),
        }
    }

    /// The fewest seconds any schedule needs with `slots` tasks at a time and `work` seconds
    /// per task: the longer of the critical path and the total work spread over the slots.
    pub fn lower_bound(&self, work: f64, slots: usize) -> f64 {
        let tasks = self.tasks();
        let mut depth = vec![0usize; tasks.len()];
        for (index, task) in tasks.iter().enumerate() {
            depth[index] = 1 + task.after.iter().map(|&i| depth[i]).max().unwrap_or(0);
        }
        let critical = depth.iter().copied().max().unwrap_or(0) as f64 * work;
        let spread = (tasks.len() as f64 / slots.max(1) as f64).ceil() * work;
        critical.max(spread)
    }

    /// Writes `workflow.json` into `dir`; each task sleeps `work` seconds.
    pub fn write(&self, dir: &Path, work: f64) {
        let tasks = self.tasks();
        // Signal 0 is the workflow's input; signal i + 1 is task i's output file.
        let mut signals = vec![json!({"name": "start", "data": ["go"]})];
        let mut processes = Vec::with_capacity(tasks.len());
        for (index, task) in tasks.iter().enumerate() {
            let output = format!("{}-{index}.out", task.name);
            signals.push(json!({ "name": output }));
            let ins: Vec<usize> = if task.after.is_empty() {
                vec![0]
            } else {
                task.after.iter().map(|i| i + 1).collect()
            };
            processes.push(json!({
                "name": task.name,
                "function": "{{function}}",
                "type": "dataflow",
                "firingLimit": 1,
                "config": {"executor": {
                    "executable": "/bin/sh",
                    "args": ["-c", format!("sleep {work}; : > {output}")]
                }},
                "ins": ins,
                "outs": [index + 1],
            }));
        }
        // The workflow's outputs: the tasks nothing waits for.
        let outs: Vec<usize> = (0..tasks.len())
            .filter(|index| !tasks.iter().any(|task| task.after.contains(index)))
            .map(|index| index + 1)
            .collect();
        let workflow: Value = json!({
            "name": self.label(),
            "processes": processes,
            "signals": signals,
            "ins": [0],
            "outs": outs,
        });
        std::fs::create_dir_all(dir).expect("create the workflow folder");
        std::fs::write(
            dir.join("workflow.json"),
            serde_json::to_string_pretty(&workflow).expect("JSON"),
        )
        .expect("write workflow.json");
    }
}

/// Montage's DAG for a grid of images: each image overlaps its right, lower and lower-right
/// neighbours (about three mDiffFit per image, as in Montage's 2MASS mosaics).
fn montage(width: usize, height: usize) -> Vec<Task> {
    let mut tasks = Vec::new();
    let mut add = |name: &'static str, after: Vec<usize>| {
        tasks.push(Task { name, after });
        tasks.len() - 1
    };
    let images = width * height;
    let projects: Vec<usize> = (0..images).map(|_| add("mProject", Vec::new())).collect();
    let mut diffs = Vec::new();
    for row in 0..height {
        for column in 0..width {
            let image = row * width + column;
            let right = (column + 1 < width).then_some(image + 1);
            let below = (row + 1 < height).then_some(image + width);
            let diagonal = (column + 1 < width && row + 1 < height).then_some(image + width + 1);
            for other in [right, below, diagonal].into_iter().flatten() {
                diffs.push(add("mDiffFit", vec![projects[image], projects[other]]));
            }
        }
    }
    let concat = add("mConcatFit", diffs);
    let model = add("mBgModel", vec![concat]);
    let backgrounds: Vec<usize> = projects
        .iter()
        .map(|&project| add("mBackground", vec![project, model]))
        .collect();
    let table = add("mImgtbl", backgrounds.clone());
    let mut mosaic_inputs = vec![table];
    mosaic_inputs.extend(backgrounds);
    let mosaic = add("mAdd", mosaic_inputs);
    let shrunk = add("mShrink", vec![mosaic]);
    add("mJPEG", vec![shrunk]);
    tasks
}
