//! What the API stand-in admits, judged by nothing of hfgen's: kubernetes-validate's strict
//! schemas (a Python process beside the stand-in, `admission.py`) and the few API-server rules
//! the engine's Jobs meet, written here from Kubernetes' validation code. hfgen's own validator
//! must not be the judge: a wrong rule there would pass both.

use serde_json::Value;
use std::io::{BufRead, BufReader, Write};
use std::path::PathBuf;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::Duration;

/// The Kubernetes version whose schemas the stand-in serves.
const KUBERNETES_VERSION: &str = "1.33.0";
/// The longest kubernetes-validate may take over one Job (it loads its schemas once, first).
const ANSWER_TIMEOUT: Duration = Duration::from_secs(60);

/// The running schema checker.
pub struct Admission {
    child: Child,
    stdin: ChildStdin,
    answers: Receiver<String>,
}

impl Admission {
    /// Starts kubernetes-validate from the repository's `.venv` (`bash .ci/run` installs it).
    pub fn start() -> Admission {
        let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
        let python = root.join(".venv/bin/python3");
        assert!(
            python.exists(),
            "{} is missing: run `bash .ci/run` once (it installs kubernetes-validate into .venv)",
            python.display()
        );
        let mut child = Command::new(python)
            .arg(root.join("tests/e2e/harness/admission.py"))
            .arg(KUBERNETES_VERSION)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("start kubernetes-validate");
        let stdin = child.stdin.take().expect("piped stdin");
        let stdout = child.stdout.take().expect("piped stdout");
        let (sender, answers) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if sender.send(line).is_err() {
                    break;
                }
            }
        });
        Admission {
            child,
            stdin,
            answers,
        }
    }

    /// What the API server would refuse in `job` posted to `namespace`; empty if it admits it.
    pub fn problems(&mut self, namespace: &str, job: &Value) -> Vec<String> {
        let mut problems = self.schema_problems(job);
        problems.extend(rule_problems(namespace, job));
        problems
    }

    fn schema_problems(&mut self, job: &Value) -> Vec<String> {
        let line = format!("{job}\n");
        if let Err(error) = self.stdin.write_all(line.as_bytes()) {
            return vec![format!("kubernetes-validate is not running: {error}")];
        }
        match self.answers.recv_timeout(ANSWER_TIMEOUT) {
            Ok(answer) => serde_json::from_str(&answer)
                .unwrap_or_else(|_| vec![format!("kubernetes-validate answered {answer:?}")]),
            Err(RecvTimeoutError::Timeout) => {
                vec![format!(
                    "kubernetes-validate gave no answer in {ANSWER_TIMEOUT:?}"
                )]
            }
            Err(RecvTimeoutError::Disconnected) => vec!["kubernetes-validate stopped".into()],
        }
    }
}

impl Drop for Admission {
    fn drop(&mut self) {
        // The process this stand-in started, by its handle (its pid), and no other.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The API server's rules the engine's Jobs meet: the name (a DNS subdomain, and at most 63
/// characters as its pods' `job-name` label value), the namespace of the request, a restart
/// policy a Job allows (a pod's default, Always, is not one), requests within limits.
fn rule_problems(namespace: &str, job: &Value) -> Vec<String> {
    let mut problems = Vec::new();
    let name = job["metadata"]["name"].as_str().unwrap_or_default();
    if !is_dns_subdomain(name) || name.len() > 63 {
        problems.push(format!(
            "metadata.name: Invalid value: {name:?}: a lowercase RFC 1123 subdomain of at most 63 characters"
        ));
    }
    if let Some(sent) = job["metadata"]["namespace"].as_str() {
        if sent != namespace {
            problems.push(format!(
                "metadata.namespace: Invalid value: {sent:?}: does not match the namespace of the request"
            ));
        }
    }
    let pod = &job["spec"]["template"]["spec"];
    let restart = pod["restartPolicy"].as_str().unwrap_or("Always");
    if restart != "Never" && restart != "OnFailure" {
        problems.push(format!(
            "spec.template.spec.restartPolicy: Unsupported value: {restart:?}: supported values: \"OnFailure\", \"Never\""
        ));
    }
    let containers = pod["containers"].as_array().into_iter().flatten();
    for (index, container) in containers.enumerate() {
        problems.extend(over_limits(index, &container["resources"]));
    }
    problems
}

/// `a.b-c`: dot-separated lowercase RFC 1123 labels, at most 253 characters.
fn is_dns_subdomain(name: &str) -> bool {
    let label = |part: &str| {
        let b = part.as_bytes();
        let edge = |c: &u8| c.is_ascii_lowercase() || c.is_ascii_digit();
        !b.is_empty()
            && b.len() <= 63
            && b.first().is_some_and(edge)
            && b.last().is_some_and(edge)
            && b.iter().all(|c| edge(c) || *c == b'-')
    };
    name.len() <= 253 && name.split('.').all(label)
}

fn over_limits(index: usize, resources: &Value) -> Vec<String> {
    let mut problems = Vec::new();
    for (resource, limit) in resources["limits"].as_object().into_iter().flatten() {
        let request = &resources["requests"][resource.as_str()];
        let (Some(wanted), Some(allowed)) = (amount(request), amount(limit)) else {
            continue;
        };
        if wanted > allowed {
            problems.push(format!(
                "spec.template.spec.containers[{index}].resources.requests[{resource}]: Invalid value: {}: must be less than or equal to {resource} limit of {}",
                text(request),
                text(limit)
            ));
        }
    }
    problems
}

fn text(value: &Value) -> String {
    value
        .as_str()
        .map_or_else(|| value.to_string(), str::to_string)
}

/// A quantity (`500Mi`, `0.5`, `100m`, `2G`) as a number; close enough to compare a request
/// with its limit as the engine's Jobs write them.
fn amount(value: &Value) -> Option<f64> {
    let text = text(value);
    let split = text
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(text.len());
    let (number, suffix) = text.split_at(split);
    let factor = match suffix {
        "" => 1.0,
        "m" => 1e-3,
        "k" => 1e3,
        "M" => 1e6,
        "G" => 1e9,
        "T" => 1e12,
        "Ki" => 1024.0,
        "Mi" => 1024.0 * 1024.0,
        "Gi" => 1024.0 * 1024.0 * 1024.0,
        "Ti" => 1024.0 * 1024.0 * 1024.0 * 1024.0,
        _ => return None,
    };
    number.parse::<f64>().ok().map(|n| n * factor)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn job(name: &str, restart: Option<&str>, request: &str, limit: &str) -> Value {
        json!({
            "apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": name},
            "spec": {"template": {"spec": {
                "restartPolicy": restart,
                "containers": [{"name": "c", "image": "busybox",
                    "resources": {"requests": {"memory": request}, "limits": {"memory": limit}}}]
            }}}
        })
    }

    /// The stand-in refuses what the API server refuses, by its own judgement.
    #[test]
    fn admission_refuses_what_the_api_server_refuses() {
        let mut admission = Admission::start();
        let good = job("task-1", Some("Never"), "50Mi", "0.5Gi");
        assert_eq!(admission.problems("default", &good), Vec::<String>::new());
        let mut unknown_field = good.clone();
        unknown_field["spec"]["bogus"] = json!(1);
        let problems = admission.problems("default", &unknown_field);
        assert!(
            problems[0].contains("'bogus' was unexpected"),
            "{problems:?}"
        );
        let mut wrong_type = good.clone();
        wrong_type["spec"]["backoffLimit"] = json!("3");
        let problems = admission.problems("default", &wrong_type);
        assert!(
            problems[0].starts_with("spec.backoffLimit: "),
            "{problems:?}"
        );
        let problems = admission.problems("default", &job("Task_1", None, "2Gi", "1Gi"));
        assert_eq!(problems.len(), 3, "{problems:?}");
        assert!(problems[0].starts_with("metadata.name: Invalid value: \"Task_1\""));
        assert!(problems[1].contains("Unsupported value: \"Always\""));
        assert!(problems[2].contains("must be less than or equal to memory limit of 1Gi"));
        let problems = admission.problems("other", &{
            let mut sent = good.clone();
            sent["metadata"]["namespace"] = json!("default");
            sent
        });
        assert_eq!(problems.len(), 1, "{problems:?}");
    }
}
