//! The Namespace's `pod-security.kubernetes.io/enforce` label claims the strictest Pod
//! Security Standards level that every pod of the deployment passes: every pod hfgen renders
//! and the worker pods as the engine creates them. The rules are data
//! (`tests/pod_security/rules.txt`); each is implemented here by name.

mod common;

use common::*;
use serde_json::Value;

const LEVELS: [&str; 3] = ["privileged", "baseline", "restricted"];

struct Rule {
    level: usize,
    name: String,
    allowed: Vec<String>,
}

fn rules() -> Vec<Rule> {
    let text = std::fs::read_to_string(repo_root().join("tests/pod_security/rules.txt")).unwrap();
    text.lines()
        .filter(|line| !line.trim().is_empty() && !line.starts_with('#'))
        .map(|line| {
            let mut words = line.split_whitespace().map(String::from);
            let level = words.next().unwrap();
            Rule {
                level: LEVELS.iter().position(|known| *known == level).unwrap(),
                name: words.next().unwrap(),
                allowed: words.collect(),
            }
        })
        .collect()
}

/// Every container of a pod spec, init containers included.
fn containers(spec: &Value) -> Vec<&Value> {
    ["initContainers", "containers"]
        .iter()
        .flat_map(|key| spec[key].as_array().into_iter().flatten())
        .collect()
}

/// A container's setting, or the pod's where the container leaves it unset.
fn effective<'a>(spec: &'a Value, container: &'a Value, key: &str) -> &'a Value {
    match &container["securityContext"][key] {
        Value::Null => &spec["securityContext"][key],
        value => value,
    }
}

/// Whether `spec` breaks `rule`; the reason if it does.
fn breaks(rule: &Rule, spec: &Value) -> Option<String> {
    let allowed = |value: &str| rule.allowed.iter().any(|item| item == value);
    let each =
        |test: &dyn Fn(&Value) -> Option<String>| containers(spec).into_iter().find_map(test);
    match rule.name.as_str() {
        "no-host-namespaces" => ["hostNetwork", "hostPID", "hostIPC"]
            .into_iter()
            .find(|key| spec[key] == true)
            .map(|key| format!("{key}: true")),
        "no-privileged" => {
            each(&|c| (c["securityContext"]["privileged"] == true).then(|| "privileged".into()))
        }
        "capabilities-add-within" => each(&|c| {
            c["securityContext"]["capabilities"]["add"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .find(|cap| !allowed(cap))
                .map(|cap| format!("adds capability {cap}"))
        }),
        "no-host-path" => spec["volumes"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|volume| volume.get("hostPath").is_some())
            .map(|_| "hostPath volume".into()),
        "no-host-ports" => each(&|c| {
            c["ports"]
                .as_array()
                .into_iter()
                .flatten()
                .find(|port| port["hostPort"].as_u64().is_some_and(|port| port != 0))
                .map(|_| "hostPort".into())
        }),
        "seccomp-not-unconfined" => each(&|c| {
            (effective(spec, c, "seccompProfile")["type"] == "Unconfined")
                .then(|| "seccomp Unconfined".into())
        }),
        "proc-mount-default" => each(&|c| {
            let mount = &c["securityContext"]["procMount"];
            (!mount.is_null() && mount != "Default").then(|| "procMount".into())
        }),
        "sysctls-within" => spec["securityContext"]["sysctls"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|sysctl| sysctl["name"].as_str())
            .find(|name| !allowed(name))
            .map(|name| format!("sysctl {name}")),
        "volume-types-within" => {
            spec["volumes"]
                .as_array()
                .into_iter()
                .flatten()
                .find_map(|volume| {
                    let kind = volume.as_object()?.keys().find(|key| *key != "name")?;
                    (!allowed(kind)).then(|| format!("volume type {kind}"))
                })
        }
        "no-privilege-escalation" => each(&|c| {
            (c["securityContext"]["allowPrivilegeEscalation"] != false)
                .then(|| "allowPrivilegeEscalation is not false".into())
        }),
        "run-as-non-root" => each(&|c| {
            (effective(spec, c, "runAsNonRoot") != true).then(|| "runAsNonRoot is not true".into())
        }),
        "no-root-uid" => {
            each(&|c| (effective(spec, c, "runAsUser") == 0).then(|| "runAsUser 0".into()))
        }
        "seccomp-runtime-default-or-localhost" => each(&|c| {
            let kind = effective(spec, c, "seccompProfile")["type"].as_str();
            (!matches!(kind, Some("RuntimeDefault" | "Localhost")))
                .then(|| format!("seccomp {kind:?}"))
        }),
        "capabilities-drop-all" => each(&|c| {
            let drops = c["securityContext"]["capabilities"]["drop"].as_array();
            (!drops.is_some_and(|drops| drops.iter().any(|cap| cap == "ALL")))
                .then(|| "does not drop ALL".into())
        }),
        other => panic!("rules.txt names a rule this test does not implement: {other}"),
    }
}

/// The highest level whose rules every pod passes, and what breaks the next one.
fn strictest_level(pods: &[(String, &Value)], rules: &[Rule]) -> (usize, Option<String>) {
    for level in 1..LEVELS.len() {
        for (name, spec) in pods {
            if let Some(reason) = rules
                .iter()
                .filter(|rule| rule.level <= level)
                .find_map(|rule| breaks(rule, spec))
            {
                return (level - 1, Some(format!("{name}: {reason}")));
            }
        }
    }
    (LEVELS.len() - 1, None)
}

#[test]
fn the_namespace_enforces_the_strictest_level_every_pod_passes() {
    let rules = rules();
    let mut cases: Vec<(String, Vec<&str>)> = builtin_profiles()
        .iter()
        .map(|profile| (profile.to_string(), vec![]))
        .collect();
    let storage_class = [
        "--set",
        "storage.type=storage-class",
        "--set",
        "storage.class=standard-rwx",
    ];
    let existing_claim = [
        "--set",
        "storage.type=existing-claim",
        "--set",
        "storage.claim=shared",
    ];
    cases.push(("gke".into(), storage_class.to_vec()));
    cases.push(("minikube-ip".into(), existing_claim.to_vec()));
    // RabbitMQ and the pool workers (Deployments) join the pods.
    cases.push((common::data_profile("worker-pools"), vec![]));
    for (profile, sets) in cases {
        let mut args = vec!["render", "--profile", &profile];
        for component in ["core", "postprocess", "results"] {
            args.extend(["--component", component]);
        }
        args.extend(&sets);
        let documents = documents(&hfgen_ok(&args));
        let worker = worker_job_as_sent(&documents);
        let pods: Vec<(String, &Value)> = documents
            .iter()
            .chain(std::iter::once(&worker))
            .filter_map(|doc| {
                let spec = doc.pointer("/spec/template/spec")?;
                Some((
                    format!(
                        "{}/{}",
                        doc["kind"].as_str()?,
                        doc["metadata"]["name"].as_str()?
                    ),
                    spec,
                ))
            })
            .collect();
        assert!(pods.len() >= 7, "{profile} {sets:?}: {} pods", pods.len());
        let (level, next_broken_by) = strictest_level(&pods, &rules);
        let labels = &documents[0]["metadata"]["labels"];
        assert_eq!(
            labels["pod-security.kubernetes.io/enforce"], LEVELS[level],
            "{profile} {sets:?}: the next level is broken by {next_broken_by:?}"
        );
        assert_eq!(labels["pod-security.kubernetes.io/warn"], "restricted");
        assert_eq!(labels["pod-security.kubernetes.io/audit"], "restricted");
        // Without hfgen's NFS server nothing is privileged: baseline or better.
        let nfs_server = documents
            .iter()
            .any(|doc| doc["metadata"]["name"] == "nfs-server");
        assert_eq!(
            level == 0,
            nfs_server,
            "{profile} {sets:?}: {next_broken_by:?}"
        );
    }
}
