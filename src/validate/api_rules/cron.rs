//! A CronJob's schedule, as the API server parses it (robfig/cron's `ParseStandard`: five
//! fields or a descriptor such as `@daily`).

const FIELDS: [(&str, u32, u32); 5] = [
    ("minute", 0, 59),
    ("hour", 0, 23),
    ("day of month", 1, 31),
    ("month", 1, 12),
    ("day of week", 0, 6),
];
const MONTHS: [&str; 12] = [
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
];
const DAYS: [&str; 7] = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];

/// Why `schedule` does not parse, in robfig/cron's words; `None` if it does.
pub fn schedule_problem(schedule: &str) -> Option<String> {
    if schedule.contains("TZ") {
        return Some("cannot use TZ or CRON_TZ in schedule, use timeZone field instead".into());
    }
    if let Some(descriptor) = schedule.strip_prefix('@') {
        return descriptor_problem(descriptor);
    }
    let fields: Vec<&str> = schedule.split_whitespace().collect();
    if fields.len() != 5 {
        return Some(format!(
            "expected exactly 5 fields, found {}: {}",
            fields.len(),
            schedule
        ));
    }
    fields
        .iter()
        .zip(FIELDS)
        .find_map(|(field, (_, min, max))| field_problem(field, min, max, names_for(min, max)))
}

fn names_for(min: u32, max: u32) -> &'static [&'static str] {
    match (min, max) {
        (1, 12) => &MONTHS,
        (0, 6) => &DAYS,
        _ => &[],
    }
}

fn descriptor_problem(descriptor: &str) -> Option<String> {
    const KNOWN: [&str; 7] = [
        "yearly", "annually", "monthly", "weekly", "daily", "midnight", "hourly",
    ];
    if KNOWN.contains(&descriptor) {
        return None;
    }
    if let Some(duration) = descriptor.strip_prefix("every ") {
        return (!is_go_duration(duration))
            .then(|| format!("failed to parse duration @every {duration}"));
    }
    Some(format!("unrecognized descriptor: @{descriptor}"))
}

/// Go's `time.ParseDuration` on what a schedule would hold: `1h30m`, `90s`, `1.5h`.
fn is_go_duration(text: &str) -> bool {
    let mut rest = text;
    if rest.is_empty() {
        return false;
    }
    while !rest.is_empty() {
        let number_end = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        if number_end == 0 {
            return false;
        }
        rest = &rest[number_end..];
        let Some(unit) = ["ns", "us", "µs", "ms", "s", "m", "h"]
            .iter()
            .find(|unit| rest.starts_with(**unit))
        else {
            return false;
        };
        rest = &rest[unit.len()..];
    }
    true
}

/// One field: comma-separated `*`, `?`, `N`, `N-M`, each optionally `/step`.
fn field_problem(field: &str, min: u32, max: u32, names: &[&str]) -> Option<String> {
    field
        .split(',')
        .find_map(|part| range_problem(part, min, max, names))
}

fn range_problem(part: &str, min: u32, max: u32, names: &[&str]) -> Option<String> {
    let (range, step) = match part.split_once('/') {
        Some((range, step)) => (range, Some(step)),
        None => (part, None),
    };
    let (start, end) = if range == "*" || range == "?" {
        (min, max)
    } else {
        let (low, high) = range.split_once('-').unwrap_or((range, range));
        match (value(low, names), value(high, names)) {
            // `N/step` runs from N to the field's maximum.
            (Ok(low), Ok(_)) if step.is_some() && !range.contains('-') => (low, max),
            (Ok(low), Ok(high)) => (low, high),
            (Err(problem), _) | (_, Err(problem)) => return Some(problem),
        }
    };
    if start < min {
        return Some(format!(
            "beginning of range ({start}) below minimum ({min}): {part}"
        ));
    }
    if end > max {
        return Some(format!(
            "end of range ({end}) above maximum ({max}): {part}"
        ));
    }
    if start > end {
        return Some(format!(
            "beginning of range ({start}) beyond end of range ({end}): {part}"
        ));
    }
    match step.map(str::parse::<u32>) {
        Some(Ok(0)) => Some(format!("step of range should be a positive number: {part}")),
        Some(Err(_)) => Some(format!(
            "failed to parse int from {}",
            step.unwrap_or_default()
        )),
        _ => None,
    }
}

/// A number or a month/day name (`jan`, `MON`).
fn value(text: &str, names: &[&str]) -> Result<u32, String> {
    let lower = text.to_ascii_lowercase();
    if let Some(index) = names.iter().position(|name| *name == lower) {
        // Months count from 1, days of the week from 0.
        return Ok(index as u32 + u32::from(names.len() == 12));
    }
    text.parse::<u32>()
        .map_err(|_| format!("failed to parse int from {text}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schedules_as_robfig_cron_reads_them() {
        for good in [
            "*/5 * * * *",
            "0 0 1 jan-mar MON-fri",
            "@daily",
            "@every 1h30m",
            "0,30 9-17 ? * 1/2",
        ] {
            assert_eq!(schedule_problem(good), None, "{good}");
        }
        for bad in [
            "* * * *",
            "60 * * * *",
            "* * 0 * *",
            "@fortnightly",
            "* * * * 7",
            "5-1 * * * *",
            "*/0 * * * *",
            "TZ=UTC * * * * *",
            "x * * * *",
            "@every 1y",
        ] {
            assert!(schedule_problem(bad).is_some(), "{bad}");
        }
    }
}
