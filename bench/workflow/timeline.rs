//! Where a run's time went, from the logs the real components write: the engine's
//! (`hfgen-engine.log`: its own millisecond clock at each task group's start and end, and the
//! moment it learned of each task's end) and the executor's per-task logs
//! (`logs-hf/task-<id>@<handler>.log`, log4js lines stamped to the millisecond).

use std::collections::BTreeMap;
use std::path::Path;

/// Seconds since the Unix epoch, as f64.
pub type Instant = f64;

#[derive(Clone, Debug, Default)]
pub struct Timeline {
    /// The first task group's start and the last one's end, on the engine's clock.
    pub first_submit: Option<Instant>,
    pub last_end: Option<Instant>,
    /// Per task id: when its executor started and ended it.
    pub executed: BTreeMap<String, (Instant, Instant)>,
    /// Per task id: when the engine learned it had ended.
    pub noticed: BTreeMap<String, Instant>,
    /// Per task id: when the engine sent it (a Job created, or a message queued).
    pub submitted: BTreeMap<String, Instant>,
}

/// Means over the tasks seen in all three logs, in seconds.
#[derive(Clone, Debug, Default)]
pub struct Breakdown {
    /// From the engine's submit to the executor's first log line (pod pending and start,
    /// Node start, or the wait in the queue and for KEDA).
    pub dispatch: f64,
    /// The executor's own span: the task's work plus its reporting to Redis.
    pub execute: f64,
    /// From the executor's last line to the engine's notice (the completion poll).
    pub notice: f64,
    pub tasks: usize,
}

impl Timeline {
    pub fn read(work_dir: &Path) -> Timeline {
        let mut timeline = Timeline::default();
        let engine = std::fs::read_to_string(work_dir.join("hfgen-engine.log")).unwrap_or_default();
        timeline.read_engine(&engine);
        let logs = std::fs::read_dir(work_dir.join("logs-hf"))
            .into_iter()
            .flatten();
        for entry in logs.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            let Some(id) = name
                .strip_prefix("task-")
                .and_then(|rest| rest.strip_suffix(".log"))
                .filter(|rest| !rest.contains("__std"))
                .and_then(|rest| rest.split('@').next())
            else {
                continue;
            };
            let text = std::fs::read_to_string(entry.path()).unwrap_or_default();
            let stamps: Vec<Instant> = text.lines().filter_map(log4js_time).collect();
            if let (Some(first), Some(last)) = (stamps.first(), stamps.last()) {
                timeline
                    .executed
                    .insert(id.replace("__", ":"), (*first, *last));
            }
        }
        timeline
    }

    fn read_engine(&mut self, log: &str) {
        let mut resolving: Option<String> = None;
        let mut group_start: Option<Instant> = None;
        for line in joined_arrays(log) {
            let line = line.as_str();
            if let Some(ms) = after(line, "k8sCommandGroup started, time: ") {
                let at = millis(ms);
                self.first_submit = min_of(self.first_submit, at);
                group_start = at;
            } else if let Some(ms) = after(line, "Ending k8sCommandGroup function, time: ") {
                self.last_end = max_of(self.last_end, millis(ms));
            } else if let Some(rest) = after(line, "Starting tasks ") {
                // Jobs: `Starting tasks [ 'id', ... ] time=ISO` when the Job is created.
                let at = rest.rsplit_once("time=").and_then(|(_, iso)| iso_time(iso));
                for id in quoted_ids(rest) {
                    if let Some(at) = at {
                        self.submitted.insert(id, at);
                    }
                }
            } else if let Some(rest) = after(line, "taskIdArr: ") {
                // Pools: the message's task ids, sent in the group that started last.
                let ids = rest.split(']').next().unwrap_or_default();
                for id in quoted_ids(ids) {
                    if let Some(at) = group_start {
                        self.submitted.entry(id).or_insert(at);
                    }
                }
            } else if let Some(id) = after(line, "[RemoteJobConnector] Resolving promise for task ")
            {
                resolving = id.split_whitespace().next().map(str::to_string);
            } else if let Some(rest) = after(line, "Job ended with result:") {
                let at = rest
                    .rsplit_once("time: ")
                    .and_then(|(_, iso)| iso_time(iso));
                if let (Some(id), Some(at)) = (resolving.take(), at) {
                    self.noticed.insert(id, at);
                }
            }
        }
    }

    /// Seconds from the first task group's start to the last one's end.
    pub fn makespan(&self) -> Option<f64> {
        Some(self.last_end? - self.first_submit?)
    }

    pub fn breakdown(&self) -> Breakdown {
        let mut sums = Breakdown::default();
        for (id, (start, end)) in &self.executed {
            let (Some(submitted), Some(noticed)) = (self.submitted.get(id), self.noticed.get(id))
            else {
                continue;
            };
            sums.dispatch += start - submitted;
            sums.execute += end - start;
            sums.notice += noticed - end;
            sums.tasks += 1;
        }
        let n = sums.tasks.max(1) as f64;
        Breakdown {
            dispatch: sums.dispatch / n,
            execute: sums.execute / n,
            notice: sums.notice / n,
            tasks: sums.tasks,
        }
    }
}

/// The log's lines, with an array Node printed over several lines (`[\n  'a',\n  'b'\n] x`)
/// joined into one.
fn joined_arrays(log: &str) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut open = false;
    for line in log.lines() {
        match lines.last_mut() {
            // Node indents the elements and puts the `]` first on its line.
            Some(last) if open && (line.starts_with(' ') || line.starts_with(']')) => {
                last.push(' ');
                last.push_str(line.trim());
            }
            _ => lines.push(line.to_string()),
        }
        let last = lines.last().expect("a line");
        open = last.matches('[').count() > last.matches(']').count();
    }
    lines
}

fn after<'a>(line: &'a str, marker: &str) -> Option<&'a str> {
    line.find(marker).map(|at| &line[at + marker.len()..])
}

fn millis(text: &str) -> Option<Instant> {
    let digits: String = text.chars().take_while(char::is_ascii_digit).collect();
    digits.parse::<f64>().ok().map(|ms| ms / 1000.0)
}

fn min_of(a: Option<Instant>, b: Option<Instant>) -> Option<Instant> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

fn max_of(a: Option<Instant>, b: Option<Instant>) -> Option<Instant> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.max(b)),
        (a, b) => a.or(b),
    }
}

/// The task ids (`<hfId>:<wfId>:<procId>:<firingId>`) in `'...'` or `"..."` quotes.
fn quoted_ids(text: &str) -> Vec<String> {
    text.split(['\'', '"'])
        .skip(1)
        .step_by(2)
        .filter(|part| part.matches(':').count() == 3 && !part.contains(' '))
        .map(str::to_string)
        .collect()
}

/// `2026-12-04T04:42:01.123Z` (the engine's toISOString) as epoch seconds.
fn iso_time(text: &str) -> Option<Instant> {
    let text = text.trim();
    let stamp = text.get(..23)?;
    civil_seconds(stamp)
}

/// A log4js line's `[2026-12-04T04:42:01.123]` (local time; the benchmark's machine runs on
/// UTC, as the pods' containers do).
fn log4js_time(line: &str) -> Option<Instant> {
    civil_seconds(line.strip_prefix('[')?.get(..23)?)
}

/// `YYYY-MM-DDTHH:MM:SS.mmm` in UTC as epoch seconds.
fn civil_seconds(stamp: &str) -> Option<Instant> {
    let number = |range: std::ops::Range<usize>| stamp.get(range)?.parse::<i64>().ok();
    let (year, month, day) = (number(0..4)?, number(5..7)?, number(8..10)?);
    let (hour, minute) = (number(11..13)?, number(14..16)?);
    let seconds: f64 = stamp.get(17..23)?.parse().ok()?;
    // Days from the civil date (Howard Hinnant's algorithm).
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let year_of_era = y - era * 400;
    let day_of_year = (153 * ((month + 9) % 12) + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    let days = era * 146_097 + day_of_era - 719_468;
    Some((days * 86_400 + hour * 3600 + minute * 60) as f64 + seconds)
}
