//! Cost grows with the input, not faster (issue 27, item 4): each command that loops over the
//! worker pools is timed at n and 4n pools, and the ratio must stay near 4 (a cost in n² gives
//! about 16). Before the fix, render took 0.68 s at 250 pools and 8.3 s at 1,000 (debug build);
//! `diagram --format svg` took 86 s at 50 pools.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const HFGEN: &str = env!("CARGO_BIN_EXE_hfgen");
/// Linear is 4; the constant start-up cost pulls it lower, noise on a shared machine higher.
const MAX_RATIO: f64 = 6.5;
/// A run that takes longer is killed and the test fails.
const TIMEOUT: Duration = Duration::from_secs(90);

/// A profile with `pools` worker pools, one per task type.
fn pools_profile(dir: &Path, pools: usize) -> String {
    let mut text = String::from("extends = \"gke\"\n[execution]\nmode = \"pools\"\n");
    for index in 0..pools {
        text.push_str(&format!("[[execution.pools]]\ntask = \"task{index}\"\n"));
    }
    let path = dir.join(format!("pools-{pools}.toml"));
    std::fs::write(&path, text).unwrap();
    path.to_string_lossy().into_owned()
}

/// The shortest of `runs` timed runs of hfgen with `args`, each of which must exit 0.
fn best_time(args: &[&str], runs: usize) -> Duration {
    (0..runs)
        .map(|_| {
            let start = Instant::now();
            let mut child = Command::new(HFGEN)
                .args(args)
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .unwrap();
            loop {
                if let Some(status) = child.try_wait().unwrap() {
                    assert!(status.success(), "hfgen {args:?} failed");
                    break;
                }
                if start.elapsed() > TIMEOUT {
                    let _ = child.kill();
                    let _ = child.wait();
                    panic!("hfgen {args:?} took more than {TIMEOUT:?}");
                }
                std::thread::sleep(Duration::from_millis(5));
            }
            start.elapsed()
        })
        .min()
        .unwrap()
}

/// The cost of `command` (with `extra` arguments) at `small` and 4×`small` pools.
fn ratio(command: &str, extra: &[&str], small: usize, runs: usize) -> f64 {
    let dir = tempfile::tempdir().unwrap();
    let times: Vec<Duration> = [small, 4 * small]
        .iter()
        .map(|&pools| {
            let profile = pools_profile(dir.path(), pools);
            let mut args = vec![command, "--profile", profile.as_str()];
            args.extend(extra);
            best_time(&args, runs)
        })
        .collect();
    let ratio = times[1].as_secs_f64() / times[0].as_secs_f64();
    eprintln!(
        "{command} {extra:?}: {small} pools {:?}, {} pools {:?}, ratio {ratio:.2}",
        times[0],
        4 * small,
        times[1]
    );
    ratio
}

#[test]
fn render_is_linear_in_the_pools() {
    let ratio = ratio("render", &[], 250, 2);
    assert!(ratio < MAX_RATIO, "render: 4x the pools cost {ratio:.1}x");
}

#[test]
fn diagram_is_linear_in_the_pools() {
    let ratio = ratio("diagram", &["--format", "dot"], 250, 2);
    assert!(ratio < MAX_RATIO, "diagram: 4x the pools cost {ratio:.1}x");
}

/// The SVG lays every object out in one layered layout (dugong, a port of dagre.js) and draws
/// every pool: 200 pools cost about 4x what 50 do (issue 29; before, the layout cost about the
/// cube of a box's nodes and the SVG drew only the first 12 pools).
#[test]
fn svg_diagram_is_linear_in_the_pools() {
    let ratio = ratio("diagram", &["--format", "svg"], 50, 2);
    assert!(
        ratio < MAX_RATIO,
        "diagram --format svg: 4x the pools cost {ratio:.1}x"
    );
    // The ratio means something only if the 4x picture holds all of them.
    let dir = tempfile::tempdir().unwrap();
    let profile = pools_profile(dir.path(), 200);
    let output = Command::new(HFGEN)
        .args(["diagram", "--profile", &profile, "--format", "svg"])
        .output()
        .unwrap();
    assert!(output.status.success());
    let svg = String::from_utf8(output.stdout).unwrap();
    assert_eq!(svg.matches("class=\"node queue\"").count(), 200);
}
