//! The one runner for CLI cases (`tests/cases.rs` lists the case folders).
//!
//! A case is the set of files `NAME.*` in a case folder; `NAME.args` makes it a case:
//! - `NAME.args`: the arguments of `hfgen`, one per line, taken literally (no shell, no
//!   quoting); `{tmp}` in an argument is an empty scratch folder of this case's own.
//! - `NAME.stdin`: what hfgen reads on its standard input (else nothing: /dev/null).
//! - `NAME.stdout`, `NAME.stderr`: the exact output; a missing file means empty.
//! - `NAME.codes` instead of `NAME.stderr`: only which diagnostics and where, one
//!   `CODE PLACE` line per diagnostic header on stderr (see [`codes`]).
//! - `NAME.same` instead of `NAME.stdout`: the arguments of another command whose stdout this
//!   one's must equal, apart from the `hfgen/profile:` annotation lines (two profiles with
//!   different names that must make the same objects).
//! - `NAME.exit`: the exit code; a missing file means 0.
//!
//! Every other file of the folder is input the cases name by relative path: hfgen runs in the
//! case folder, or in the repository root for folders whose expected output names files from
//! there. Each run is bounded in time; a case that fails must leave its `{tmp}` folder empty
//! (bad input writes nothing), no case may panic, and no case may change its folder.
//!
//! `HFGEN_BLESS=1` rewrites `.stdout`, `.stderr` and `.codes` from what hfgen prints now (an
//! empty output removes its file); `.exit` is compared, never rewritten. To compare a case by
//! codes and places only, delete its `NAME.stderr`, create an empty `NAME.codes` and bless.

use super::{bless, repo_root, without_profile_annotation, Ran};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

/// Where a folder's cases run.
#[derive(Clone, Copy)]
pub enum WorkDir {
    /// In the case folder: messages name its files by their own names.
    Folder,
    /// In the repository root: messages name files as `tests/...`.
    Root,
}

/// The suffixes of a case's files, besides its inputs.
const CASE_FILES: &[&str] = &["args", "stdin", "stdout", "stderr", "codes", "same", "exit"];

/// One case: `folder/NAME.*`.
pub struct Case {
    pub folder: PathBuf,
    pub name: String,
}

impl Case {
    fn path(&self, suffix: &str) -> PathBuf {
        self.folder.join(format!("{}.{suffix}", self.name))
    }

    fn read(&self, suffix: &str) -> Option<String> {
        fs::read_to_string(self.path(suffix)).ok()
    }

    /// The lines of `NAME.SUFFIX` with `{tmp}` replaced by `tmp`.
    fn arguments(&self, suffix: &str, tmp: &Path) -> Vec<String> {
        let text = self.read(suffix).unwrap_or_default();
        let tmp = tmp.display().to_string();
        text.lines()
            .map(|line| line.replace("{tmp}", &tmp))
            .collect()
    }

    /// Its arguments (`NAME.args`), with `{tmp}` left as written.
    pub fn args(&self) -> Vec<String> {
        self.arguments("args", Path::new("{tmp}"))
    }

    /// The expected exit code (`NAME.exit`, else 0).
    pub fn exit(&self) -> i32 {
        self.read("exit").map_or(0, |text| {
            text.trim()
                .parse()
                .unwrap_or_else(|_| panic!("{}: not an exit code", self.path("exit").display()))
        })
    }
}

/// The cases of `folder` (one per `NAME.args`), by name. Panics on a case file without
/// `NAME.args`, which would otherwise never run.
pub fn cases_in(folder: &Path) -> Vec<Case> {
    let mut names = Vec::new();
    let mut orphans = Vec::new();
    for entry in fs::read_dir(folder).unwrap_or_else(|e| panic!("{}: {e}", folder.display())) {
        let path = entry.expect("a folder entry").path();
        let (Some(stem), Some(suffix)) = (path.file_stem(), path.extension()) else {
            continue;
        };
        let stem = stem.to_string_lossy().into_owned();
        if suffix == "args" {
            names.push(stem);
        } else if CASE_FILES.iter().any(|case_file| suffix == *case_file)
            && !path.with_extension("args").exists()
        {
            orphans.push(path.display().to_string());
        }
    }
    assert!(
        orphans.is_empty(),
        "case files without NAME.args: {orphans:?}"
    );
    names.sort();
    names
        .into_iter()
        .map(|name| Case {
            folder: folder.to_path_buf(),
            name,
        })
        .collect()
}

/// Runs every case of `folder` (relative to the repository root) from `work_dir`; fails with
/// every case that does not hold. Returns the number of cases.
pub fn run_folder(folder: &str, work_dir: WorkDir) -> usize {
    let shown = folder;
    let folder = repo_root().join(folder);
    let cases = cases_in(&folder);
    assert!(!cases.is_empty(), "no cases in {}", folder.display());
    let before = listing(&folder);
    let failures: Vec<String> = cases
        .iter()
        .flat_map(|case| {
            check_case(case, work_dir)
                .into_iter()
                .map(move |failure| format!("{shown}/{}: {failure}", case.name))
        })
        .collect();
    let after = listing(&folder);
    assert!(
        failures.is_empty(),
        "{} of {} cases fail (HFGEN_BLESS=1 rewrites expected output after an intended change):\n\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n\n")
    );
    // Blessing writes expected files; otherwise the folder is read only.
    assert!(
        bless() || before == after,
        "the cases changed {}",
        folder.display()
    );
    cases.len()
}

/// Every path under `folder`, sorted.
fn listing(folder: &Path) -> Vec<PathBuf> {
    let mut paths = Vec::new();
    let mut folders = vec![folder.to_path_buf()];
    while let Some(folder) = folders.pop() {
        for entry in fs::read_dir(&folder).expect("a readable folder") {
            let path = entry.expect("a folder entry").path();
            if path.is_dir() {
                folders.push(path.clone());
            }
            paths.push(path);
        }
    }
    paths.sort();
    paths
}

/// A run of hfgen may take this long before it counts as hung.
const TIMEOUT: Duration = Duration::from_secs(120);

/// Runs the built hfgen with `args` in `dir`, `stdin` on its standard input, with the caller's
/// colour settings removed (output goes to pipes, never coloured).
pub fn run_hfgen(dir: &Path, args: &[String], stdin: Option<&str>) -> Ran {
    let mut child = Command::new(env!("CARGO_BIN_EXE_hfgen"))
        .args(args)
        .current_dir(dir)
        .env_remove("CLICOLOR_FORCE")
        .env_remove("CLICOLOR")
        .env_remove("NO_COLOR")
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("hfgen starts");
    if let Some(text) = stdin {
        use std::io::Write;
        let mut pipe = child.stdin.take().expect("a stdin pipe");
        // hfgen may exit before it reads everything: a broken pipe is its answer, not ours.
        let _ = pipe.write_all(text.as_bytes());
    }
    super::wait_bounded(child, TIMEOUT)
}

/// What does not hold of `case`, each a message.
pub fn check_case(case: &Case, work_dir: WorkDir) -> Vec<String> {
    let dir = match work_dir {
        WorkDir::Folder => case.folder.clone(),
        WorkDir::Root => repo_root(),
    };
    let tmp = tempfile::tempdir().expect("a scratch folder");
    let ran = run_hfgen(
        &dir,
        &case.arguments("args", tmp.path()),
        case.read("stdin").as_deref(),
    );
    let mut failures = Vec::new();
    if ran.timed_out {
        failures.push(format!("still running after {TIMEOUT:?}: killed"));
    }
    if ran.code != Some(case.exit()) {
        failures.push(format!(
            "exit {:?}, expected {}\n--- stderr\n{}",
            ran.code,
            case.exit(),
            ran.stderr
        ));
    }
    if ran.stderr.contains("panicked") {
        failures.push(format!("panicked:\n{}", ran.stderr));
    }
    if ran.code != Some(0) && fs::read_dir(tmp.path()).unwrap().next().is_some() {
        failures.push("failed, yet wrote into {tmp}".to_string());
    }
    failures.extend(check_stdout(case, &dir, tmp.path(), &ran.stdout));
    failures.extend(check_stderr(case, &ran.stderr));
    failures
}

fn check_stdout(case: &Case, dir: &Path, tmp: &Path, stdout: &str) -> Option<String> {
    if case.path("same").exists() {
        assert!(
            !case.path("stdout").exists(),
            "{}: .same and .stdout",
            case.name
        );
        let same = run_hfgen(dir, &case.arguments("same", tmp), None);
        if same.code != Some(0) {
            return Some(format!("its .same command failed:\n{}", same.stderr));
        }
        let equal = without_profile_annotation(stdout.as_bytes())
            == without_profile_annotation(same.stdout.as_bytes());
        return (!equal).then(|| "stdout differs from that of its .same command".to_string());
    }
    snapshot_or_empty(&case.path("stdout"), stdout).err()
}

fn check_stderr(case: &Case, stderr: &str) -> Option<String> {
    if case.path("codes").exists() {
        assert!(
            !case.path("stderr").exists(),
            "{}: .codes and .stderr",
            case.name
        );
        return snapshot_or_empty(&case.path("codes"), &codes(stderr)).err();
    }
    snapshot_or_empty(&case.path("stderr"), stderr).err()
}

/// Compares `actual` with the file at `path` (which must exist), or rewrites it when
/// blessing (`HFGEN_BLESS=1`); the error shows a unified diff.
pub fn snapshot(path: &Path, actual: &str) -> Result<(), String> {
    if !path.exists() && !bless() {
        return Err(format!(
            "{} is missing; HFGEN_BLESS=1 writes it",
            path.display()
        ));
    }
    snapshot_or_empty(path, actual)
}

/// [`snapshot`] where a missing file stands for empty output and blessing an empty output
/// removes the file.
pub fn snapshot_or_empty(path: &Path, actual: &str) -> Result<(), String> {
    let expected = fs::read_to_string(path).unwrap_or_default();
    if expected == actual {
        return Ok(());
    }
    if bless() {
        if actual.is_empty() {
            fs::remove_file(path).expect("remove a blessed empty output");
        } else {
            fs::create_dir_all(path.parent().expect("a parent folder")).expect("mkdir");
            fs::write(path, actual).expect("bless");
        }
        return Ok(());
    }
    let diff = similar::TextDiff::from_lines(&expected, actual)
        .unified_diff()
        .header(&path.display().to_string(), "actual")
        .to_string();
    Err(format!("{} differs:\n{diff}", path.display()))
}

/// The code and place of each diagnostic on `stderr`, one `CODE PLACE` line each, from headers
/// `error[HF1234]: PLACE: message` or `warning[HF1234]: ...`; `-` stands for a header without a
/// code. The place is the header's `file:line:col` or `--set KEY`, else the diagnostic's first
/// `--> file:line:col` line, else `-`.
pub fn codes(stderr: &str) -> String {
    let mut lines: Vec<String> = Vec::new();
    let mut pending: Option<String> = None;
    for line in stderr.lines() {
        if let Some((code, place)) = header(line) {
            lines.extend(pending.take().map(|code| format!("{code} -")));
            match place {
                Some(place) => lines.push(format!("{code} {place}")),
                None => pending = Some(code),
            }
        } else if let Some(arrow) = line.trim_start().strip_prefix("--> ") {
            if let Some(code) = pending.take() {
                lines.push(format!("{code} {}", arrow.trim()));
            }
        }
    }
    lines.extend(pending.map(|code| format!("{code} -")));
    lines.iter().map(|line| format!("{line}\n")).collect()
}

/// A diagnostic header's code (`-` if none) and the place its message starts with, if any.
fn header(line: &str) -> Option<(String, Option<String>)> {
    let rest = ["error", "warning"]
        .iter()
        .find_map(|severity| line.strip_prefix(severity))?;
    let (code, rest) = match rest.strip_prefix('[') {
        Some(coded) => {
            let (code, rest) = coded.split_once(']')?;
            (code.to_string(), rest)
        }
        None => ("-".to_string(), rest),
    };
    let message = rest.strip_prefix(": ")?;
    Some((code, place(message)))
}

/// `file:line:col` or `--set KEY` at the start of a message.
fn place(message: &str) -> Option<String> {
    if let Some(set) = message.strip_prefix("--set ") {
        let assignment = set.split(": ").next()?;
        let key = assignment.split('=').next()?.trim();
        return Some(format!("--set {key}"));
    }
    let candidate = message.split(": ").next()?;
    let mut parts = candidate.rsplitn(3, ':');
    let (column, line, file) = (parts.next()?, parts.next()?, parts.next()?);
    let numeric = |text: &str| !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit());
    (numeric(line) && numeric(column) && !file.is_empty() && !file.contains(' '))
        .then(|| candidate.to_string())
}
