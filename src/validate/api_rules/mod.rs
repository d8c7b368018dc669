//! The API server's own validation rules, offline: what `kubectl apply` is refused with a 422
//! although the object fits its schema (a selector that does not match its template, a port
//! out of range, a request above its limit, ...). The rules and their wording follow
//! Kubernetes' `pkg/apis/*/validation` and apimachinery's `util/validation`; README.md lists
//! which are covered.
//!
//! Each finding is `(JSON pointer, message)`; the message is the API server's, without the
//! dotted field path it starts with (the pointer says where).

mod cron;
mod names;
mod objects;
mod pod;

use serde_json::Value;
use std::fmt::Display;

/// The rules that differ between Kubernetes versions, from the minor version validated for.
#[derive(Debug, Clone, Copy)]
pub struct Version {
    pub minor: u32,
}

impl Version {
    /// `"1.33"` -> minor 33.
    pub fn of(version: &str) -> Version {
        let minor = version
            .split('.')
            .nth(1)
            .and_then(|minor| minor.parse().ok())
            .unwrap_or(0);
        Version { minor }
    }

    /// RelaxedEnvironmentVariableValidation is on by default from 1.32.
    fn relaxed_env_names(self) -> bool {
        self.minor >= 32
    }
}

/// The API server's findings for one object of a built-in kind (none for other kinds).
pub fn check(version: Version, object: &Value) -> Vec<(String, String)> {
    let mut errs = Errs {
        version,
        found: Vec::new(),
    };
    objects::check(&mut errs, object);
    errs.found
}

/// A JSON pointer being built while walking an object.
#[derive(Clone)]
pub(crate) struct At(String);

impl At {
    fn root() -> At {
        At(String::new())
    }

    // Built for every field walked, found or not: one allocation, no formatting machinery.
    fn key(&self, key: &str) -> At {
        let mut pointer = String::with_capacity(self.0.len() + key.len() + 1);
        pointer.push_str(&self.0);
        pointer.push('/');
        if key.contains(['~', '/']) {
            pointer.push_str(&key.replace('~', "~0").replace('/', "~1"));
        } else {
            pointer.push_str(key);
        }
        At(pointer)
    }

    fn index(&self, index: usize) -> At {
        self.key(&index.to_string())
    }
}

/// Findings as the API server's `field.Error` constructors word them.
pub(crate) struct Errs {
    version: Version,
    found: Vec<(String, String)>,
}

impl Errs {
    fn push(&mut self, at: &At, message: String) {
        self.found.push((at.0.clone(), message));
    }

    fn invalid(&mut self, at: &At, value: &Value, detail: impl Display) {
        self.push(at, format!("Invalid value: {}: {detail}", shown(value)));
    }

    fn required(&mut self, at: &At, detail: &str) {
        let message = if detail.is_empty() {
            "Required value".to_string()
        } else {
            format!("Required value: {detail}")
        };
        self.push(at, message);
    }

    fn unsupported(&mut self, at: &At, value: &str, supported: &[&str]) {
        let supported = supported
            .iter()
            .map(|s| format!("{s:?}"))
            .collect::<Vec<_>>()
            .join(", ");
        self.push(
            at,
            format!("Unsupported value: {value:?}: supported values: {supported}"),
        );
    }

    fn duplicate(&mut self, at: &At, value: &str) {
        self.push(at, format!("Duplicate value: {value:?}"));
    }

    fn not_found(&mut self, at: &At, value: &str) {
        self.push(at, format!("Not found: {value:?}"));
    }

    fn forbidden(&mut self, at: &At, detail: &str) {
        self.push(at, format!("Forbidden: {detail}"));
    }

    fn too_long(&mut self, at: &At, max: usize) {
        self.push(at, format!("Too long: must have at most {max} bytes"));
    }

    /// One `Invalid value` per message of a name check.
    fn each_invalid(&mut self, at: &At, text: &str, messages: Vec<String>) {
        for message in messages {
            self.invalid(at, &Value::String(text.to_string()), message);
        }
    }

    /// `value` at `at`, if it is a string: one of `supported`.
    fn one_of(&mut self, at: &At, value: &Value, supported: &[&str]) {
        if let Some(text) = value.as_str() {
            if !supported.contains(&text) {
                self.unsupported(at, text, supported);
            }
        }
    }

    /// An integer field at least `min`.
    fn at_least(&mut self, at: &At, value: &Value, min: i64) {
        match value.as_i64() {
            Some(number) if number < min => {
                self.invalid(at, value, format!("must be greater than or equal to {min}"))
            }
            _ => self.int32(at, value),
        }
    }

    /// An int64 field at least `min` (`activeDeadlineSeconds` of a Job,
    /// `terminationGracePeriodSeconds`, `startingDeadlineSeconds`).
    fn at_least_int64(&mut self, at: &At, value: &Value, min: i64) {
        if value.as_i64().is_some_and(|number| number < min) {
            self.invalid(at, value, format!("must be greater than or equal to {min}"));
        }
    }

    /// An int32 field: the API server cannot read a larger number into it.
    fn int32(&mut self, at: &At, value: &Value) {
        let fits = value.as_i64().is_none_or(|n| i32::try_from(n).is_ok());
        if value.is_number() && (!fits || value.is_u64() && value.as_i64().is_none()) {
            self.invalid(
                at,
                value,
                "must be a 32-bit integer (at most 2147483647, at least -2147483648)",
            );
        }
    }

    /// A port number: 1 to 65535.
    fn port_number(&mut self, at: &At, value: &Value) {
        if let Some(number) = value.as_i64().or_else(|| value.as_u64().map(|_| i64::MAX)) {
            if !(1..=65535).contains(&number) {
                self.invalid(at, value, "must be between 1 and 65535, inclusive");
            }
        }
    }
}

/// A value as the API server prints it in `Invalid value: ...`: strings quoted, numbers bare.
fn shown(value: &Value) -> String {
    match value {
        Value::String(text) => format!("{text:?}"),
        other => other.to_string(),
    }
}

/// `value` as a string, `""` when absent or not a string.
fn text(value: &Value) -> &str {
    value.as_str().unwrap_or_default()
}

/// The entries of a mapping, none when absent.
fn entries(value: &Value) -> impl Iterator<Item = (&String, &Value)> {
    value.as_object().into_iter().flatten()
}

/// The items of a sequence with their index, none when absent.
fn items(value: &Value) -> impl Iterator<Item = (usize, &Value)> {
    value.as_array().into_iter().flatten().enumerate()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use std::time::{Duration, Instant};

    /// A Deployment with `n` of everything a user sizes: labels, selector requirements,
    /// volumes, containers with their ports, env vars and mounts.
    fn deployment(n: usize) -> Value {
        let labels: serde_json::Map<String, Value> =
            (0..n).map(|i| (format!("l{i}"), json!("v"))).collect();
        let expressions: Vec<Value> = (0..n)
            .map(|i| json!({"key": format!("l{i}"), "operator": "In", "values": ["v"]}))
            .collect();
        let containers: Vec<Value> = (0..n)
            .map(|i| {
                json!({"name": format!("c{i}"), "image": "busybox",
                       "ports": [{"name": "http", "containerPort": 80}],
                       "env": [{"name": format!("E{i}"), "value": "x"}],
                       "volumeMounts": [{"name": format!("v{i}"), "mountPath": "/v"}],
                       "resources": {"requests": {"cpu": "1"}, "limits": {"cpu": "2"}}})
            })
            .collect();
        let volumes: Vec<Value> = (0..n)
            .map(|i| json!({"name": format!("v{i}"), "emptyDir": {}}))
            .collect();
        json!({"apiVersion": "apps/v1", "kind": "Deployment",
               "metadata": {"name": "d", "labels": labels},
               "spec": {"selector": {"matchExpressions": expressions},
                        "template": {"metadata": {"labels": labels},
                                     "spec": {"containers": containers, "volumes": volumes}}}})
    }

    fn fastest_check(object: &Value) -> Duration {
        (0..5)
            .map(|_| {
                let started = Instant::now();
                assert!(check(Version { minor: 33 }, object).is_empty());
                started.elapsed()
            })
            .min()
            .unwrap()
    }

    /// The rules' cost grows with the lists, not with their square: four times the items
    /// cost about four times as much (at most 8x, well below the 16x of a quadratic walk).
    #[test]
    fn cost_grows_linearly_with_the_lists() {
        let n = 2_000;
        let small = fastest_check(&deployment(n));
        let large = fastest_check(&deployment(4 * n));
        let ratio = large.as_secs_f64() / small.as_secs_f64();
        assert!(
            ratio < 8.0,
            "{n} items: {small:?}, {}: {large:?} ({ratio:.1}x)",
            4 * n
        );
    }
}
