//! Hostile use (issue 17): every promise of "What hfgen guarantees" in the README, held against
//! the inputs, files, devices and streams that broke it.
//!
//! Each case is a file `tests/hostile/<class>/<name>.case`, run with the built binary in a
//! fresh scratch folder. Lines are `key: value`; `#` starts a comment line.
//! - Preparing the scratch folder, in order: `write: PATH = TEXT` (`\n` for newlines),
//!   `copy: NAME` (from `tests/hostile/files/`), `mkdir: PATH`, `mkfifo: PATH`,
//!   `symlink: LINK -> TARGET`, (`{TAB}` and `{NL}` in paths and arguments stand for a tab and
//!   a newline), `sparse: PATH BYTES` (a file of that size that takes no disk),
//!   `chain: N` (profiles `c0.toml` .. `cN.toml`, each extending the next, `cN` the built-in
//!   gke), `before: ARGS` (an hfgen run that must exit 0), `stale: NAME` (a staging folder of a
//!   process that no longer exists).
//! - The run: `run: ARGS` (split on spaces), `stdin: closed|empty|PATH`,
//!   `stdout: closed|full`, `stderr: closed|full` (default: captured).
//! - What must hold: `exit: N`, `stderr-has: TEXT`, `stderr-lacks: TEXT`, `stdout-has: TEXT`,
//!   `stdout-empty: yes`,
//!   `stdout-xml: yes` (well-formed XML), `stdout-no-controls: yes` (no control character but
//!   the newline),
//!   `kept: PATH` (still exists), `gone: PATH`, `no-leftovers: DIR` (no `.hfgen-*` entry),
//!   `same: PATH` (its bytes are what they were before the run).
//!
//! Every run is killed after 60 seconds (a blocked read must fail the case, not hang the test),
//! and the test prints how many cases of each class hold.

mod common;

use common::{wait_bounded, Ran};
use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const HFGEN: &str = env!("CARGO_BIN_EXE_hfgen");
const TIMEOUT: Duration = Duration::from_secs(60);

fn hostile_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/hostile")
}

/// One line of a case: its key and value, with the line number for messages.
struct Line {
    number: usize,
    key: String,
    value: String,
}

fn parse_case(text: &str) -> Vec<Line> {
    text.lines()
        .enumerate()
        .filter(|(_, line)| !line.trim().is_empty() && !line.trim_start().starts_with('#'))
        .map(|(index, line)| {
            let (key, value) = line
                .split_once(':')
                .unwrap_or_else(|| panic!("line {}: expected `key: value`", index + 1));
            Line {
                number: index + 1,
                key: key.trim().to_string(),
                value: value.trim().to_string(),
            }
        })
        .collect()
}

/// Arguments split on spaces; `{TAB}` and `{NL}` stand for a tab and a newline.
fn words(value: &str) -> Vec<String> {
    value.split_whitespace().map(unescape).collect()
}

fn unescape(text: &str) -> String {
    text.replace("{TAB}", "\t").replace("{NL}", "\n")
}

/// Runs hfgen in `dir` and waits at most [`TIMEOUT`]; returns (exit code, stdout, stderr).
fn run(dir: &Path, args: &[String], stdin: &str, stdout: &str, stderr: &str) -> Ran {
    let mut command = Command::new(HFGEN);
    command.args(args).current_dir(dir);
    let mut closed = Vec::new();
    command.stdin(match stdin {
        "" => Stdio::null(),
        "empty" => Stdio::from(fs::File::open("/dev/null").unwrap()),
        "closed" => {
            closed.push(0);
            Stdio::null()
        }
        path => Stdio::from(fs::File::open(dir.join(path)).expect("stdin file")),
    });
    for (fd, how) in [(1, stdout), (2, stderr)] {
        let stdio = match how {
            "" => Stdio::piped(),
            "full" => Stdio::from(
                fs::OpenOptions::new()
                    .write(true)
                    .open("/dev/full")
                    .unwrap(),
            ),
            "closed" => {
                closed.push(fd);
                Stdio::null()
            }
            other => panic!("unknown stdio `{other}`"),
        };
        if fd == 1 {
            command.stdout(stdio);
        } else {
            command.stderr(stdio);
        }
    }
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        // SAFETY: close(2) is async-signal-safe and the child only execs after it.
        unsafe {
            command.pre_exec(move || {
                for fd in &closed {
                    libc::close(*fd);
                }
                Ok(())
            });
        }
    }
    let child = command.spawn().expect("start hfgen");
    wait_bounded(child, TIMEOUT)
}

/// Prepares the scratch folder from one preparation line.
fn prepare(dir: &Path, line: &Line) -> Result<(), String> {
    let value = &line.value;
    match line.key.as_str() {
        "write" => {
            let (path, text) = value.split_once(" = ").ok_or("write: PATH = TEXT")?;
            let path = dir.join(unescape(path));
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(path, text.replace("\\n", "\n")).unwrap();
        }
        "copy" => {
            fs::copy(hostile_dir().join("files").join(value), dir.join(value))
                .map_err(|e| format!("copy {value}: {e}"))?;
        }
        "mkdir" => fs::create_dir_all(dir.join(unescape(value))).unwrap(),
        "mkfifo" => {
            let status = Command::new("mkfifo")
                .arg(dir.join(value))
                .status()
                .unwrap();
            assert!(status.success(), "mkfifo {value}");
        }
        "symlink" => {
            let (link, target) = value.split_once(" -> ").ok_or("symlink: LINK -> TARGET")?;
            std::os::unix::fs::symlink(target, dir.join(link)).unwrap();
        }
        "sparse" => {
            let [path, size] = <[String; 2]>::try_from(words(value)).map_err(|_| "PATH BYTES")?;
            let file = fs::File::create(dir.join(path)).unwrap();
            file.set_len(size.parse().unwrap()).unwrap();
        }
        "chain" => {
            let count: usize = value.parse().unwrap();
            for index in 0..count {
                fs::write(
                    dir.join(format!("c{index}.toml")),
                    format!("extends = \"c{}.toml\"\n", index + 1),
                )
                .unwrap();
            }
            fs::write(dir.join(format!("c{count}.toml")), "extends = \"gke\"\n").unwrap();
        }
        "before" => {
            let result = run(dir, &words(value), "", "", "");
            if result.code != Some(0) {
                return Err(format!("before `{value}` failed:\n{}", result.stderr));
            }
        }
        "stale" => {
            // A process id that cannot exist (above Linux's pid_max), so provably dead.
            let stale = dir.join(format!(".hfgen-stage-{}-xyz", 4_194_304 + 17));
            fs::create_dir_all(stale.join(value)).unwrap();
            fs::write(stale.join("cm.yml"), "stale\n").unwrap();
            fs::write(stale.join(value).join("parser-job.yml"), "stale\n").unwrap();
        }
        other => return Err(format!("unknown key `{other}`")),
    }
    Ok(())
}

/// Runs one case; returns what failed, if anything.
fn run_case(path: &Path) -> Vec<String> {
    let text = fs::read_to_string(path).unwrap();
    let lines = parse_case(&text);
    let scratch = tempfile::tempdir().unwrap();
    let dir = scratch.path();
    let mut failures = Vec::new();
    let value_of = |key: &str| {
        lines
            .iter()
            .find(|line| line.key == key)
            .map(|line| line.value.clone())
            .unwrap_or_default()
    };
    let expectations = [
        "exit",
        "stderr-has",
        "stderr-lacks",
        "stdout-has",
        "stdout-empty",
        "stdout-xml",
        "stdout-no-controls",
        "kept",
        "gone",
        "no-leftovers",
        "same",
    ];
    let run_keys = ["run", "stdin", "stdout", "stderr"];
    for line in &lines {
        if expectations.contains(&line.key.as_str()) || run_keys.contains(&line.key.as_str()) {
            continue;
        }
        if let Err(error) = prepare(dir, line) {
            failures.push(format!("line {}: {error}", line.number));
            return failures;
        }
    }
    let before: BTreeMap<String, Vec<u8>> = lines
        .iter()
        .filter(|line| line.key == "same")
        .map(|line| (line.value.clone(), fs::read(dir.join(&line.value)).unwrap()))
        .collect();
    let result = run(
        dir,
        &words(&value_of("run")),
        &value_of("stdin"),
        &value_of("stdout"),
        &value_of("stderr"),
    );
    if result.timed_out {
        failures.push(format!("still running after {TIMEOUT:?}: killed"));
    }
    if result.stderr.contains("panicked") {
        failures.push(format!("panicked:\n{}", result.stderr));
    }
    for line in &lines {
        let value = &line.value;
        let failed = match line.key.as_str() {
            "exit" => result.code.map(|code| code.to_string()) != Some(value.clone()),
            "stderr-has" => !result.stderr.contains(value.as_str()),
            "stderr-lacks" => result.stderr.contains(value.as_str()),
            "stdout-has" => !result.stdout.contains(value.as_str()),
            "stdout-empty" => !result.stdout.is_empty(),
            "stdout-xml" => roxmltree::Document::parse(&result.stdout).is_err(),
            "stdout-no-controls" => result.stdout.chars().any(|c| c.is_control() && c != '\n'),
            "kept" => fs::symlink_metadata(dir.join(value)).is_err(),
            "gone" => fs::symlink_metadata(dir.join(value)).is_ok(),
            "no-leftovers" => fs::read_dir(dir.join(value)).unwrap().any(|entry| {
                entry
                    .unwrap()
                    .file_name()
                    .to_string_lossy()
                    .starts_with(".hfgen-")
            }),
            "same" => fs::read(dir.join(value)).ok() != before.get(value).cloned(),
            _ => false,
        };
        if failed {
            failures.push(format!(
                "line {}: `{}: {value}` does not hold",
                line.number, line.key
            ));
        }
    }
    if !failures.is_empty() {
        failures.push(format!(
            "exit {:?}\n--- stdout (first 2000 bytes)\n{}\n--- stderr\n{}",
            result.code,
            &result.stdout[..result.stdout.len().min(2000)],
            result.stderr
        ));
    }
    failures
}

#[test]
fn every_hostile_case_holds() {
    let mut classes: Vec<PathBuf> = fs::read_dir(hostile_dir())
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.is_dir() && path.file_name().unwrap() != "files")
        .collect();
    classes.sort();
    assert!(classes.len() >= 10, "only {} classes", classes.len());
    let mut failures = Vec::new();
    let mut summary = Vec::new();
    for class in &classes {
        let mut cases: Vec<PathBuf> = fs::read_dir(class)
            .unwrap()
            .map(|entry| entry.unwrap().path())
            .filter(|path| path.extension().is_some_and(|ext| ext == "case"))
            .collect();
        cases.sort();
        assert!(!cases.is_empty(), "{} has no cases", class.display());
        let mut holding = 0;
        for case in &cases {
            let case_failures = run_case(case);
            if case_failures.is_empty() {
                holding += 1;
            } else {
                failures.push(format!(
                    "{}:\n{}",
                    case.strip_prefix(hostile_dir()).unwrap().display(),
                    case_failures.join("\n")
                ));
            }
        }
        summary.push(format!(
            "{}: {} cases, {holding} hold",
            class.file_name().unwrap().to_string_lossy(),
            cases.len()
        ));
    }
    println!("{}", summary.join("\n"));
    assert!(
        failures.is_empty(),
        "{}\n\n{}",
        summary.join("\n"),
        failures.join("\n\n")
    );
}

/// SIGTERM at every moment of `render --out` (spread over the time one run takes): each run
/// leaves the old folder or the new one, complete, and no staging folder beside it.
#[cfg(unix)]
#[test]
fn interrupted_renders_leave_a_whole_folder_and_nothing_else() {
    let scratch = tempfile::tempdir().unwrap();
    let dir = scratch.path();
    let args: Vec<String> = words("render --profile gke --out out");
    let start = Instant::now();
    assert_eq!(run(dir, &args, "", "", "").code, Some(0));
    let one_run = start.elapsed();
    let tries = 40u32;
    for attempt in 0..tries {
        let mut child = Command::new(HFGEN)
            .args(&args)
            .current_dir(dir)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(one_run * attempt / tries);
        // SAFETY: kill(2) on the child we started and have not reaped.
        unsafe {
            libc::kill(child.id() as i32, libc::SIGTERM);
        }
        child.wait().unwrap();
        let leftovers: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|name| name.starts_with(".hfgen-"))
            .collect();
        assert!(
            leftovers.is_empty(),
            "attempt {attempt}: left {leftovers:?}"
        );
        let kustomization = fs::read_to_string(dir.join("out/kustomization.yaml")).unwrap();
        for file in kustomization.lines().filter_map(|l| l.strip_prefix("  - ")) {
            assert!(
                dir.join("out").join(file).is_file(),
                "attempt {attempt}: no {file}"
            );
        }
    }
}
