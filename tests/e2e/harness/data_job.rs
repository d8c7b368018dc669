//! The data Job (`nfs-data`), run as a cluster runs it: applied with the engine, so both pods
//! start at once and the engine must wait for the data; the pod restarts in place on failure
//! (`restartPolicy: OnFailure`, `backoffLimit`). Its image's `/data` is the scenario's workflow
//! folder; an archive source (`data.source = "url"`) is served from loopback.
//!
//! A real volume is slower than this machine's disk (an NFS export, a 1000genome archive that
//! unpacks for minutes): [`DataSpeed::Slow`] makes `tar` write one 10 KiB record a second, so
//! the time between `workflow.json` and the last input file is seconds, as it is on a cluster.

use super::deployment::Deployment;
use super::job_controller::{self, RestartingOutcome};
use super::kubelet::{Node, Pod};
use std::collections::BTreeMap;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

/// How fast the data pod writes to the volume.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum DataSpeed {
    /// As fast as this machine's disk.
    Local,
    /// One tar record (10 KiB) a second.
    Slow,
}

/// The in-cluster address of the archive in a scenario with `data.source = "url"`; the
/// harness swaps it for the loopback file server.
pub const ARCHIVE_HOST: &str = "http://workflow-data.e2e.test";

/// What the data Job did, and what the volume held when it ended Complete.
pub struct DataOutcome {
    pub job: RestartingOutcome,
    /// Every regular file of the volume (relative path, contents) when the Job completed.
    pub staged: Option<BTreeMap<String, Vec<u8>>>,
}

/// Runs the data Job of `deployment` to its end (at most `time_bound`).
pub fn run(
    deployment: &Deployment,
    node: &Node,
    image_data: &Path,
    bin: &Path,
    swaps: &[(String, String)],
    kill_after: Option<Duration>,
    time_bound: Duration,
) -> DataOutcome {
    let job = deployment
        .find("Job", "nfs-data")
        .expect("the render has the data Job");
    let template = &job["spec"]["template"];
    let image_files = [("/data".to_string(), image_data.to_path_buf())];
    let start = |attempt: u32| -> Pod {
        // The same pod each time: its emptyDirs stay, its container starts anew.
        let prepared = node
            .prepare_pod_with_image("nfs-data-1", template, bin, swaps, &image_files)
            .unwrap_or_else(|problem| panic!("the data pod cannot start: {}", problem.0));
        let mut pod = prepared.start();
        pod.name = format!("nfs-data-1 (run {})", attempt + 1);
        pod
    };
    let outcome = job_controller::run_restarting(job, start, kill_after, time_bound);
    let staged = (outcome.status == job_controller::JobStatus::Complete)
        .then(|| files_under(node.shared_volume));
    DataOutcome {
        job: outcome,
        staged,
    }
}

/// The programs the data pod finds first on its PATH: none, or a `tar` that writes one
/// record a second (GNU tar's checkpoint action), for a slow volume.
pub fn data_bin(dir: &Path, speed: DataSpeed) -> PathBuf {
    std::fs::create_dir_all(dir).expect("create the data pod's bin folder");
    if speed == DataSpeed::Slow {
        let tar = dir.join("tar");
        let real = crate::common::external_tool("tar");
        std::fs::write(
            &tar,
            format!(
                "#!/bin/sh\nexec '{}' --checkpoint=1 --checkpoint-action=sleep=1 \"$@\"\n",
                real.display()
            ),
        )
        .expect("write the slow tar");
        std::fs::set_permissions(&tar, std::fs::Permissions::from_mode(0o755))
            .expect("make the slow tar executable");
    }
    dir.to_path_buf()
}

/// Every regular file under `root` with its contents, by path relative to `root`.
pub fn files_under(root: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut files = BTreeMap::new();
    let mut folders = vec![root.to_path_buf()];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                folders.push(path);
            } else if path.is_file() {
                let relative = path.strip_prefix(root).expect("under the root");
                files.insert(
                    relative.display().to_string(),
                    std::fs::read(&path).unwrap_or_default(),
                );
            }
        }
    }
    files
}

/// A `.tar.gz` of the workflow folder with `workflow.json` as its first member (as `tar` of a
/// folder whose workflow.json was written first often makes it), served on loopback.
pub struct ArchiveServer {
    server: crate::common::FileServer,
    pub sha256: String,
}

impl ArchiveServer {
    pub fn start(workflow: &Path, dir: &Path) -> ArchiveServer {
        std::fs::create_dir_all(dir).expect("create the archive folder");
        let archive = dir.join("workflow.tar.gz");
        let mut members: Vec<String> = std::fs::read_dir(workflow)
            .expect("the workflow folder")
            .flatten()
            .map(|entry| entry.file_name().to_string_lossy().into_owned())
            .filter(|name| name != "workflow.json")
            .collect();
        members.sort();
        members.insert(0, "workflow.json".to_string());
        let status = Command::new("tar")
            .arg("-czf")
            .arg(&archive)
            .arg("-C")
            .arg(workflow)
            .args(&members)
            .status()
            .expect("run tar");
        assert!(status.success(), "tar of {} failed", workflow.display());
        let sum = Command::new("sha256sum")
            .arg(&archive)
            .output()
            .expect("run sha256sum");
        let sha256 = String::from_utf8_lossy(&sum.stdout)
            .split_whitespace()
            .next()
            .expect("a checksum")
            .to_string();
        ArchiveServer {
            server: crate::common::FileServer::start(dir),
            sha256,
        }
    }

    /// The render's `--set`s for this archive.
    pub fn profile_sets(&self) -> Vec<String> {
        vec![
            "data.source=url".to_string(),
            format!("data.url={ARCHIVE_HOST}/workflow.tar.gz"),
            format!("data.sha256={}", self.sha256),
        ]
    }

    /// The in-cluster address, swapped for the loopback one.
    pub fn swap(&self) -> (String, String) {
        (
            ARCHIVE_HOST.to_string(),
            format!("http://127.0.0.1:{}", self.server.port),
        )
    }
}
