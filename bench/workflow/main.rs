//! `bench/workflow`: how fast a workflow runs on what hfgen deploys (issue 28). Generated
//! workflows (a fan-out of N short tasks, a Montage-shaped DAG) run through the e2e harness
//! (`tests/e2e/harness`) with the real HyperFlow engine 1.7 and job executor 1.4.2, Redis and
//! RabbitMQ, in Jobs mode, with worker pools and with agglomeration; per run it reports the
//! makespan, tasks/s, the overhead over the schedule's lower bound, where each task's time went,
//! and the CPU and memory of the engine, Redis, RabbitMQ and the worker pods.
//!
//! A benchmark, not a test: `cargo bench --profile dev --bench workflow` (BENCHMARKS.md);
//! `-- --help` lists the sizes and settings it takes.

#[path = "../../tests/common/mod.rs"]
mod common;
// The e2e tests use all of the harness; a benchmark run uses part of it.
#[allow(dead_code)]
#[path = "../../tests/e2e/harness/mod.rs"]
mod harness;
mod monitor;
mod shapes;
mod timeline;

use clap::Parser;
use harness::deployment::Deployment;
use harness::node::{model_pod_start, PodStart};
use harness::run::Scenario;
use monitor::{Component, Monitor, Usage};
use serde_json::{json, Value};
use shapes::Shape;
use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;
use timeline::{Breakdown, Timeline};

#[derive(Parser, Debug)]
#[command(about = "Workflow throughput of hfgen's deployment with the real HyperFlow engine")]
struct Args {
    /// Fan-out sizes (independent tasks of one type; 0 for none).
    #[arg(long, value_delimiter = ',', default_value = "100,1000")]
    fanout: Vec<usize>,
    /// Montage image grids, WIDTHxHEIGHT ("" for none).
    #[arg(long, value_delimiter = ',', default_value = "5x5")]
    montage: Vec<String>,
    /// Modes: jobs, pools, agglomerated (Jobs of `--group` tasks), pools-agglomerated.
    #[arg(long, value_delimiter = ',', default_value = "jobs,pools,agglomerated")]
    modes: Vec<Mode>,
    /// Tasks per agglomerated Job or message (`job_agglomerations.size`).
    #[arg(long, default_value_t = 10)]
    group: u32,
    /// `job_agglomerations.timeout_ms`: how long a partial group waits for more tasks.
    #[arg(long, default_value_t = 1000)]
    group_timeout_ms: u32,
    /// Seconds of work per task (`sleep`).
    #[arg(long, default_value_t = 0.1)]
    work: f64,
    /// Worker pods the cluster runs at once: a Job's pod waits Pending for a slot; each
    /// pool gets this many replicas.
    #[arg(long, default_value_t = 4)]
    slots: usize,
    /// Pod start latencies to compare, seconds ("0" is the stand-in's process start only).
    /// Runs above 0 use the smallest fan-out.
    #[arg(long, value_delimiter = ',', default_value = "0,5")]
    pod_start: Vec<f64>,
    /// Extra `hfgen render --set` assignments for every run.
    #[arg(long = "set")]
    sets: Vec<String>,
    /// Overrides RABBIT_PREFETCH_SIZE in the rendered pools (an experiment on hfgen's default).
    #[arg(long)]
    prefetch: Option<u32>,
    /// Overrides the ScaledObjects' pollingInterval, seconds (an experiment on hfgen's default).
    #[arg(long)]
    keda_polling: Option<u64>,
    /// Per-run time bound, seconds.
    #[arg(long, default_value_t = 900)]
    time_bound: u64,
    /// Writes every run's figures here as JSON lines.
    #[arg(long)]
    out: Option<PathBuf>,
    /// Keeps each run's engine log and executor logs in DIR/case-N (for a closer look).
    #[arg(long)]
    keep: Option<PathBuf>,
    /// What cargo bench passes; ignored.
    #[arg(long, hide = true)]
    bench: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
enum Mode {
    Jobs,
    Pools,
    Agglomerated,
    PoolsAgglomerated,
}

impl Mode {
    fn pools(self) -> bool {
        matches!(self, Mode::Pools | Mode::PoolsAgglomerated)
    }
    fn agglomerated(self) -> bool {
        matches!(self, Mode::Agglomerated | Mode::PoolsAgglomerated)
    }
    fn label(self, group: u32) -> String {
        match self {
            Mode::Jobs => "Jobs".to_string(),
            Mode::Pools => "pools".to_string(),
            Mode::Agglomerated => format!("Jobs, groups of {group}"),
            Mode::PoolsAgglomerated => format!("pools, groups of {group}"),
        }
    }
}

/// One benchmark run.
struct Case {
    shape: Shape,
    mode: Mode,
    pod_start: f64,
}

/// What one run measured.
struct Figures {
    makespan: f64,
    wall: f64,
    lower_bound: f64,
    breakdown: Breakdown,
    usage: Usage,
    /// CPU seconds of the worker pods (executors, their shells and tasks), from the reaped
    /// children's total less the long-running components.
    pods_cpu: f64,
    /// CPU seconds of the harness itself (API server, kubelet and KEDA stand-ins).
    harness_cpu: f64,
    /// The machine's 1-minute load average at the run's end (other work on it included).
    load: f64,
}

fn main() {
    let args = Args::parse();
    let cases = cases(&args);
    let scratch = tempfile::Builder::new()
        .prefix("hfgen-bench-")
        .tempdir()
        .expect("a scratch folder");
    let mut out = args
        .out
        .as_ref()
        .map(|path| File::create(path).expect("create the --out file"));
    println!("{}", header());
    for (index, case) in cases.iter().enumerate() {
        let dir = scratch.path().join(format!("case-{index}"));
        let line = match run_case(&args, case, &dir) {
            Ok(figures) => {
                if let Some(out) = &mut out {
                    writeln!(out, "{}", record(&args, case, &figures)).expect("write --out");
                }
                row(&args, case, &figures)
            }
            Err(why) => {
                eprintln!("{why}");
                format!(
                    "| {} | {} | {} | failed: see above |",
                    case.shape.label(),
                    case.mode.label(args.group),
                    case.pod_start
                )
            }
        };
        println!("{line}");
    }
}

fn cases(args: &Args) -> Vec<Case> {
    let sizes = args.fanout.iter().copied().filter(|&n| n > 0);
    let mut shapes: Vec<Shape> = sizes.clone().map(Shape::Fanout).collect();
    for grid in args.montage.iter().filter(|grid| !grid.is_empty()) {
        let (width, height) = grid
            .split_once('x')
            .and_then(|(w, h)| Some((w.parse().ok()?, h.parse().ok()?)))
            .unwrap_or_else(|| panic!("--montage {grid}: WIDTHxHEIGHT"));
        shapes.push(Shape::Montage { width, height });
    }
    let smallest = sizes.min().map(Shape::Fanout);
    let mut cases = Vec::new();
    for &pod_start in &args.pod_start {
        let shapes: Vec<Shape> = if pod_start == 0.0 {
            shapes.clone()
        } else {
            smallest.into_iter().collect()
        };
        for &shape in &shapes {
            for &mode in &args.modes {
                cases.push(Case {
                    shape,
                    mode,
                    pod_start,
                });
            }
        }
    }
    cases
}

fn run_case(args: &Args, case: &Case, dir: &Path) -> Result<Figures, String> {
    let workflow = dir.join("workflow");
    case.shape.write(&workflow, args.work);
    let profile = dir.join("profile.toml");
    std::fs::write(&profile, profile_text(args, case)).expect("write the profile");
    let slots = dir.join("slots");
    // Open for the whole run: the pods' reads and writes of the FIFO never wait for an end.
    let _slots_open = slot_fifo(&slots, args.slots);
    harness::keda::set_most_replicas(args.slots as u64);
    model_pod_start(Some(PodStart {
        latency_seconds: case.pod_start,
        slots: Some(slots),
    }));

    let mut scenario = Scenario::new(&workflow.display().to_string())
        .profile(&profile.display().to_string())
        .time_bound(Duration::from_secs(args.time_bound));
    for set in &args.sets {
        scenario = scenario.set(set);
    }
    let (prefetch, polling) = (args.prefetch, args.keda_polling);
    scenario = scenario.edit(move |deployment| experiment(deployment, prefetch, polling));

    let (self_before, children_before) = monitor::cpu_self_and_children();
    let monitor = Monitor::start();
    let run = scenario.run();
    let usage = monitor.stop();
    // Every process of the run has ended and been reaped when `run` returns.
    let (self_after, children_after) = monitor::cpu_self_and_children();
    model_pod_start(None);

    let timeline = Timeline::read(&run.work_dir);
    if let Some(keep) = &args.keep {
        keep_logs(&run.work_dir, &keep.join(dir.file_name().expect("case-N")));
    }
    let tasks = case.shape.task_count();
    if run.hflow_exit_code() != Some(0) || timeline.executed.len() != tasks {
        return Err(format!(
            "{} / {}: hflow {:?}, {} of {tasks} tasks executed\n{}",
            case.shape.label(),
            case.mode.label(args.group),
            run.hflow_exit_code(),
            timeline.executed.len(),
            harness::processes::tail(&run.describe(), 60)
        ));
    }
    let makespan = timeline
        .makespan()
        .ok_or("the engine log has no task group times")?;
    let long_running: f64 = [Component::Engine, Component::Redis, Component::RabbitMq]
        .iter()
        .filter_map(|component| usage.cpu_seconds.get(component))
        .sum();
    Ok(Figures {
        makespan,
        wall: run.elapsed.as_secs_f64(),
        lower_bound: case.shape.lower_bound(args.work, args.slots),
        breakdown: timeline.breakdown(),
        pods_cpu: (children_after - children_before - long_running).max(0.0),
        harness_cpu: self_after - self_before,
        load: load_average(),
        usage,
    })
}

/// The 1-minute load average (`/proc/loadavg`).
fn load_average() -> f64 {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|text| text.split_whitespace().next()?.parse().ok())
        .unwrap_or(f64::NAN)
}

/// Copies the engine's log and the executors' logs of a run to `to`.
fn keep_logs(work_dir: &Path, to: &Path) {
    let logs = to.join("logs-hf");
    std::fs::create_dir_all(&logs).expect("create the --keep folder");
    let _ = std::fs::copy(
        work_dir.join("hfgen-engine.log"),
        to.join("hfgen-engine.log"),
    );
    for entry in std::fs::read_dir(work_dir.join("logs-hf"))
        .into_iter()
        .flatten()
        .flatten()
    {
        let _ = std::fs::copy(entry.path(), logs.join(entry.file_name()));
    }
}

/// The profile of a case: gke, no post-processing Jobs (they only wait for the run's end),
/// pools or agglomeration for the shape's fan stages.
fn profile_text(args: &Args, case: &Case) -> String {
    let fans = case.shape.fan_types();
    let mut text = String::from("extends = \"gke\"\n\n[postprocess]\nautomatic = false\n");
    if case.mode.pools() {
        text.push_str("\n[execution]\nmode = \"pools\"\n");
        for fan in &fans {
            text.push_str(&format!(
                "\n[[execution.pools]]\ntask = \"{fan}\"\nmax_replicas = {}\n",
                args.slots
            ));
        }
    }
    if case.mode.agglomerated() {
        let names: Vec<String> = fans.iter().map(|fan| format!("\"{fan}\"")).collect();
        text.push_str(&format!(
            "\n[[workflow_config.job_agglomerations]]\nmatch_task = [{}]\nsize = {}\ntimeout_ms = {}\n",
            names.join(", "),
            args.group,
            args.group_timeout_ms
        ));
    }
    text
}

/// A FIFO with one byte per slot; the returned handle keeps it open for reading and writing
/// while the run lasts (so a pod's open of either end never waits for the other).
fn slot_fifo(path: &Path, slots: usize) -> File {
    let name = std::ffi::CString::new(path.display().to_string()).expect("a path without NUL");
    // SAFETY: mkfifo reads the NUL-terminated path.
    let made = unsafe { libc::mkfifo(name.as_ptr(), 0o600) };
    assert_eq!(made, 0, "mkfifo {}", path.display());
    let mut fifo = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open(path)
        .expect("open the slot FIFO");
    fifo.write_all(&vec![b'x'; slots]).expect("fill the slots");
    fifo
}

/// Changes a rendered setting as a different hfgen default would.
fn experiment(deployment: &mut Deployment, prefetch: Option<u32>, polling: Option<u64>) {
    for object in &mut deployment.objects {
        if let (Some(seconds), "ScaledObject") = (polling, object["kind"].as_str().unwrap_or("")) {
            object["spec"]["pollingInterval"] = json!(seconds);
        }
        let Some(prefetch) = prefetch else { continue };
        let containers = object["spec"]["template"]["spec"]["containers"].as_array_mut();
        for container in containers.into_iter().flatten() {
            let env = container["env"].as_array_mut().into_iter().flatten();
            for var in env.filter(|var| var["name"] == "RABBIT_PREFETCH_SIZE") {
                var["value"] = json!(prefetch.to_string());
            }
        }
    }
}

fn header() -> String {
    "| workflow | mode | pod start s | tasks | makespan s | tasks/s | lower bound s | overhead/task s | dispatch s | execute s | notice s | CPU s engine / Redis / RabbitMQ / pods / harness | peak MB engine / Redis / RabbitMQ / executors | load |\n\
     |---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
        .to_string()
}

fn row(args: &Args, case: &Case, figures: &Figures) -> String {
    let tasks = case.shape.task_count();
    let cpu = |component| {
        figures
            .usage
            .cpu_seconds
            .get(&component)
            .copied()
            .unwrap_or(0.0)
    };
    let mb = |component| {
        figures
            .usage
            .peak_rss_bytes
            .get(&component)
            .copied()
            .unwrap_or(0) as f64
            / 1048576.0
    };
    let b = &figures.breakdown;
    format!(
        "| {} | {} | {} | {tasks} | {:.1} | {:.2} | {:.1} | {:.3} | {:.2} | {:.2} | {:.2} | {:.1} / {:.1} / {:.1} / {:.1} / {:.1} | {:.0} / {:.0} / {:.0} / {:.0} | {:.1} |",
        case.shape.label(),
        case.mode.label(args.group),
        case.pod_start,
        figures.makespan,
        tasks as f64 / figures.makespan,
        figures.lower_bound,
        (figures.makespan - figures.lower_bound) / tasks as f64,
        b.dispatch,
        b.execute,
        b.notice,
        cpu(Component::Engine),
        cpu(Component::Redis),
        cpu(Component::RabbitMq),
        figures.pods_cpu,
        figures.harness_cpu,
        mb(Component::Engine),
        mb(Component::Redis),
        mb(Component::RabbitMq),
        mb(Component::Executors),
        figures.load,
    )
}

fn record(args: &Args, case: &Case, figures: &Figures) -> Value {
    let per_component = |map: &std::collections::BTreeMap<Component, f64>| {
        map.iter()
            .map(|(component, value)| (format!("{component:?}"), json!(value)))
            .collect::<serde_json::Map<_, _>>()
    };
    let rss: std::collections::BTreeMap<Component, f64> = figures
        .usage
        .peak_rss_bytes
        .iter()
        .map(|(component, bytes)| (*component, *bytes as f64))
        .collect();
    json!({
        "workflow": case.shape.label(),
        "tasks": case.shape.task_count(),
        "mode": case.mode.label(args.group),
        "pod_start_s": case.pod_start,
        "work_s": args.work,
        "slots": args.slots,
        "prefetch": args.prefetch,
        "keda_polling_s": args.keda_polling,
        "sets": args.sets,
        "makespan_s": figures.makespan,
        "wall_s": figures.wall,
        "lower_bound_s": figures.lower_bound,
        "dispatch_s": figures.breakdown.dispatch,
        "execute_s": figures.breakdown.execute,
        "notice_s": figures.breakdown.notice,
        "tasks_timed": figures.breakdown.tasks,
        "cpu_s": per_component(&figures.usage.cpu_seconds),
        "pods_cpu_s": figures.pods_cpu,
        "harness_cpu_s": figures.harness_cpu,
        "load_1min": figures.load,
        "peak_rss_bytes": per_component(&rss),
    })
}
