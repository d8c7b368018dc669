//! In-process timings of each stage of hfgen, in a release (`bench` profile) build:
//!
//! ```sh
//! cargo bench --bench stages            # every stage
//! cargo bench --bench stages -- render  # only stages whose name contains "render"
//! ```
//!
//! A plain `harness = false` binary that prints a table (median and fastest of many runs), so
//! it needs no benchmark framework and `cargo test` never builds it. Whole-process figures
//! (start-up included) come from `bench/run.sh`.

use hfgen::emit::out_dir::folder_files;
use hfgen::golden::expected_files;
use hfgen::layout::Component;
use hfgen::manifests::parse_documents;
use hfgen::profile::{self, LoadedProfile};
use hfgen::render;
use hfgen::validate::document::Checks;
use hfgen::validate::files::validate_text;
use hfgen::validate::kube_schema::{KubeSchemas, DEFAULT_VERSION};
use hfgen::validate::validate_bundle;
use std::hint::black_box;
use std::time::{Duration, Instant};

/// Runs `f` until `budget` is spent (at least 5 times, after 2 warm-up runs).
fn measure<T>(budget: Duration, mut f: impl FnMut() -> T) -> (usize, Duration, Duration) {
    for _ in 0..2 {
        black_box(f());
    }
    let mut times = Vec::new();
    let start = Instant::now();
    while times.len() < 5 || (start.elapsed() < budget && times.len() < 100_000) {
        let t = Instant::now();
        black_box(f());
        times.push(t.elapsed());
    }
    times.sort_unstable();
    (times.len(), times[times.len() / 2], times[0])
}

struct Table {
    filter: Option<String>,
    budget: Duration,
}

impl Table {
    fn row<T>(&self, name: &str, per: Option<(usize, &str)>, f: impl FnMut() -> T) {
        if self
            .filter
            .as_deref()
            .is_some_and(|word| !name.contains(word))
        {
            return;
        }
        let (runs, median, min) = measure(self.budget, f);
        let per_item = match per {
            Some((count, unit)) => format!(
                "{:>10.2} µs/{unit}",
                median.as_secs_f64() * 1e6 / count as f64
            ),
            None => String::new(),
        };
        println!(
            "{name:<44} {runs:>7} {:>11.3} {:>11.3} {per_item}",
            median.as_secs_f64() * 1e3,
            min.as_secs_f64() * 1e3
        );
    }
}

/// `documents` documents cycling through the rendered gke stream, copy `i` of an object renamed
/// `<name>-<i>`: the same rule as `bench/corpus.sh`, so both measure the same text.
fn corpus(stream: &str, documents: usize) -> String {
    let mut docs: Vec<Vec<&str>> = vec![Vec::new()];
    for line in stream.lines() {
        if line == "---" {
            docs.push(Vec::new());
        } else {
            docs.last_mut().expect("never empty").push(line);
        }
    }
    docs.retain(|doc| doc.iter().any(|line| line.starts_with("kind:")));
    let mut out = String::new();
    for i in 0..documents {
        out.push_str("---\n");
        let mut in_metadata = false;
        for line in &docs[i % docs.len()] {
            out.push_str(line);
            if in_metadata && line.starts_with("  name: ") {
                out.push_str(&format!("-{i}"));
                in_metadata = false;
            }
            if *line == "metadata:" {
                in_metadata = true;
            }
            out.push('\n');
        }
    }
    out
}

fn main() {
    // `cargo bench` passes `--bench`; any other argument filters stages by name.
    let filter = std::env::args().skip(1).find(|a| !a.starts_with("--"));
    let budget = Duration::from_millis(
        std::env::var("HFGEN_BENCH_MS")
            .ok()
            .and_then(|ms| ms.parse().ok())
            .unwrap_or(1000),
    );
    let table = Table { filter, budget };
    // Paths in profiles and golden folders are relative to the repository root.
    std::env::set_current_dir(env!("CARGO_MANIFEST_DIR")).expect("repository root");

    let loaded: LoadedProfile = profile::load("gke", &[]).expect("gke loads");
    let bundle = render::render_unchecked(&loaded).expect("gke renders");
    let texts: Vec<(String, String)> = bundle
        .files
        .iter()
        .map(|f| (format!("{}.j2", f.file), f.text.clone()))
        .collect();
    let documents = bundle.documents().count();
    let stream = render::render_profile(&loaded, &[Component::Core])
        .expect("gke renders")
        .to_stream();
    let schemas = KubeSchemas::load(DEFAULT_VERSION).expect("default version");

    println!(
        "{:<44} {:>7} {:>11} {:>11}",
        "stage (gke unless named)", "runs", "median ms", "min ms"
    );
    table.row("profile load", None, || profile::load("gke", &[]).unwrap());
    table.row("render templates + parse YAML", None, || {
        render::render_unchecked(&loaded).unwrap()
    });
    table.row("parse YAML of the render", Some((documents, "doc")), || {
        texts
            .iter()
            .map(|(name, text)| parse_documents(name, text).unwrap().len())
            .sum::<usize>()
    });
    table.row(
        "validate bundle (schemas + cross checks)",
        Some((documents, "doc")),
        || validate_bundle(&bundle, schemas),
    );
    table.row("emit: YAML stream", None, || bundle.to_stream());
    table.row("emit: folder files", None, || folder_files(&bundle));
    table.row("render (all stages, in process)", None, || {
        render::render_profile(&loaded, &[Component::Core]).unwrap()
    });
    table.row("check: expected files of gke", None, || {
        expected_files(&loaded).unwrap()
    });
    for size in [200, 2_000, 20_000] {
        let text = corpus(&stream, size);
        table.row(
            &format!("validate: {size} documents"),
            Some((size, "doc")),
            || validate_text("corpus.yaml", &text, &Checks::built_in(schemas)),
        );
    }
}
