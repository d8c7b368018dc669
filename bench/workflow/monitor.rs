//! CPU time and memory of what a run starts, from `/proc`: every process descended from the
//! benchmark, sorted by what its command line says it is.

use crate::harness::processes::descendants;
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

/// What a process of the run is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Component {
    /// hflow under Node 12.
    Engine,
    Redis,
    /// The Erlang VM, epmd and their helpers.
    RabbitMq,
    /// `hflow-job-execute` and `hflow-job-listener.js` (Node), in Jobs or pool workers.
    Executors,
}

impl Component {
    fn of(command_line: &str) -> Option<Component> {
        let has = |word: &str| command_line.contains(word);
        if has("hflow.js") {
            Some(Component::Engine)
        } else if has("redis-server") {
            Some(Component::Redis)
        } else if has("beam.smp") || has("epmd") || has("erl_child_setup") || has("inet_gethost") {
            Some(Component::RabbitMq)
        } else if has("jobexec.js") || has("hflow-job-listener.js") {
            Some(Component::Executors)
        } else {
            None
        }
    }
}

/// CPU seconds and the peak of the summed resident memory, per component.
#[derive(Clone, Debug, Default)]
pub struct Usage {
    pub cpu_seconds: BTreeMap<Component, f64>,
    pub peak_rss_bytes: BTreeMap<Component, u64>,
}

/// Samples every 200 ms until stopped.
pub struct Monitor {
    stop: Arc<AtomicBool>,
    thread: JoinHandle<Usage>,
}

/// How often the monitor reads `/proc`: short enough to see most of a 1 s executor.
const PERIOD: Duration = Duration::from_millis(200);

impl Monitor {
    pub fn start() -> Monitor {
        let stop = Arc::new(AtomicBool::new(false));
        let thread = {
            let stop = Arc::clone(&stop);
            std::thread::spawn(move || sample_until(&stop))
        };
        Monitor { stop, thread }
    }

    pub fn stop(self) -> Usage {
        self.stop.store(true, Ordering::SeqCst);
        self.thread.join().expect("the monitor thread")
    }
}

fn sample_until(stop: &AtomicBool) -> Usage {
    let me = std::process::id();
    // pid -> (component, last CPU ticks seen): a process's ticks only grow.
    let mut ticks: BTreeMap<u32, (Component, u64)> = BTreeMap::new();
    let mut usage = Usage::default();
    let page = page_size();
    while !stop.load(Ordering::SeqCst) {
        let mut rss: BTreeMap<Component, u64> = BTreeMap::new();
        for pid in descendants(&[me]) {
            let Some(component) = command_line(pid).as_deref().and_then(Component::of) else {
                continue;
            };
            if let Some((cpu, pages)) = cpu_and_rss(pid) {
                ticks.insert(pid, (component, cpu));
                *rss.entry(component).or_default() += pages * page;
            }
        }
        for (component, bytes) in rss {
            let peak = usage.peak_rss_bytes.entry(component).or_default();
            *peak = (*peak).max(bytes);
        }
        std::thread::sleep(PERIOD);
    }
    let per_second = clock_ticks() as f64;
    for (component, cpu) in ticks.values() {
        *usage.cpu_seconds.entry(*component).or_default() += *cpu as f64 / per_second;
    }
    usage
}

fn command_line(pid: u32) -> Option<String> {
    let raw = std::fs::read(format!("/proc/{pid}/cmdline")).ok()?;
    Some(String::from_utf8_lossy(&raw).replace('\0', " "))
}

/// utime + stime (clock ticks) and resident pages of `pid`.
fn cpu_and_rss(pid: u32) -> Option<(u64, u64)> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // Fields after `(comm)`: state is field 3, utime 14, stime 15.
    let (_, after_comm) = stat.rsplit_once(')')?;
    let fields: Vec<&str> = after_comm.split_whitespace().collect();
    let utime: u64 = fields.get(11)?.parse().ok()?;
    let stime: u64 = fields.get(12)?.parse().ok()?;
    let statm = std::fs::read_to_string(format!("/proc/{pid}/statm")).ok()?;
    let resident: u64 = statm.split_whitespace().nth(1)?.parse().ok()?;
    Some((utime + stime, resident))
}

fn clock_ticks() -> i64 {
    // SAFETY: sysconf reads a constant of the system.
    unsafe { libc::sysconf(libc::_SC_CLK_TCK) }.max(1)
}

fn page_size() -> u64 {
    // SAFETY: as above.
    unsafe { libc::sysconf(libc::_SC_PAGESIZE) }.max(1) as u64
}

/// CPU seconds used by this process and by its ended, reaped descendants, so far.
pub fn cpu_self_and_children() -> (f64, f64) {
    let seconds = |who| {
        // SAFETY: getrusage fills the zeroed struct it is given.
        let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
        unsafe { libc::getrusage(who, &mut usage) };
        let time = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
        time(usage.ru_utime) + time(usage.ru_stime)
    };
    (seconds(libc::RUSAGE_SELF), seconds(libc::RUSAGE_CHILDREN))
}
