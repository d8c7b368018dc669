//! Processes the harness starts: each in its own process group, killed with the group when its
//! handle is dropped, so a failed assertion or a panic leaves nothing running.

use rustix::process::{kill_process, kill_process_group, Pid, Signal};
use std::collections::BTreeSet;
use std::net::TcpListener;
use std::os::unix::process::CommandExt;
use std::process::{Child, Command};
use std::time::{Duration, Instant};

pub struct ProcessGroup {
    child: Child,
    exit_code: Option<Option<i32>>,
}

impl ProcessGroup {
    /// Starts `command` as the leader of a new process group.
    pub fn spawn(mut command: Command, what: &str) -> ProcessGroup {
        command.process_group(0);
        let child = command
            .spawn()
            .unwrap_or_else(|err| panic!("cannot start {what}: {err}"));
        ProcessGroup {
            child,
            exit_code: None,
        }
    }

    /// The leader's process id, which is also the group's id.
    pub fn id(&self) -> u32 {
        self.child.id()
    }

    /// `None` while it runs; `Some(None)` if a signal ended it; `Some(Some(code))` otherwise.
    pub fn exit_code(&mut self) -> Option<Option<i32>> {
        if self.exit_code.is_none() {
            if let Ok(Some(status)) = self.child.try_wait() {
                self.exit_code = Some(status.code());
            }
        }
        self.exit_code
    }

    /// SIGTERM to the leader only, as a container runtime signals a container's main process.
    pub fn terminate(&self) {
        if let Some(pid) = Pid::from_raw(self.child.id() as i32) {
            let _ = kill_process(pid, Signal::TERM);
        }
    }
}

impl Drop for ProcessGroup {
    fn drop(&mut self) {
        // The whole group: the shell and everything it started (node, the task, sleep).
        if let Some(pid) = Pid::from_raw(self.child.id() as i32) {
            let _ = kill_process_group(pid, Signal::KILL);
        }
        let _ = self.child.wait();
    }
}

/// A TCP port on 127.0.0.1 that nothing listens on right now.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("a free port on 127.0.0.1")
        .port()
}

/// Polls `ready` every 50 ms for at most `limit`.
pub fn wait_until(limit: Duration, mut ready: impl FnMut() -> bool) -> bool {
    let start = Instant::now();
    loop {
        if ready() {
            return true;
        }
        if start.elapsed() >= limit {
            return false;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// The last `lines` lines of `text`, for failure messages.
pub fn tail(text: &str, lines: usize) -> String {
    let all: Vec<&str> = text.lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}

/// The state letter and the parent of process `pid`, from `/proc/<pid>/stat`.
fn state_and_parent(pid: u32) -> Option<(String, u32)> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // `pid (comm) state ppid ...`; comm may contain spaces and parentheses.
    let (_, after_comm) = stat.rsplit_once(')')?;
    let mut fields = after_comm.split_whitespace();
    let state = fields.next()?.to_string();
    let parent = fields.next()?.parse().ok()?;
    Some((state, parent))
}

/// `roots` and every living process descended from them, from `/proc`: what a process group
/// kill misses when a child starts a session of its own.
pub fn descendants(roots: &[u32]) -> BTreeSet<u32> {
    let parents: Vec<(u32, u32)> = std::fs::read_dir("/proc")
        .expect("read /proc")
        .flatten()
        .filter_map(|entry| entry.file_name().to_str()?.parse().ok())
        .filter_map(|pid| {
            let (state, parent) = state_and_parent(pid)?;
            (state != "Z").then_some((pid, parent))
        })
        .collect();
    let mut found: BTreeSet<u32> = roots
        .iter()
        .copied()
        .filter(|root| parents.iter().any(|(pid, _)| pid == root))
        .collect();
    loop {
        let more: Vec<u32> = parents
            .iter()
            .filter(|(pid, parent)| found.contains(parent) && !found.contains(pid))
            .map(|(pid, _)| *pid)
            .collect();
        if more.is_empty() {
            return found;
        }
        found.extend(more);
    }
}

/// Whether any of `pids` still runs (a zombie has ended; only its parent has yet to reap it).
pub fn any_alive(pids: &BTreeSet<u32>) -> bool {
    pids.iter()
        .any(|pid| state_and_parent(*pid).is_some_and(|(state, _)| state != "Z"))
}
