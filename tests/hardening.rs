//! Hardening of the generated deployment (issue 8): pod security, resources, network
//! policies, pinned images, checkov on every built-in profile, and a property test that no
//! profile string can change the shape of the output.

mod common;

use hfgen::layout::Component;
use hfgen::manifests::Bundle;
use hfgen::profile::{self, builtin::BUILTIN_PROFILES};
use hfgen::render;
use proptest::prelude::*;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

fn data_path(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/hardening")
        .join(name)
}

/// Non-comment, non-blank lines of a data file.
fn data_lines(name: &str) -> Vec<String> {
    std::fs::read_to_string(data_path(name))
        .unwrap()
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .map(String::from)
        .collect()
}

fn render_all(profile: &str, sets: &[String]) -> hfgen::Result<Bundle> {
    let loaded = profile::load(profile, sets)?;
    render::render_profile(&loaded, &Component::ALL)
}

/// The worker Job as the engine sends it for one task (the client library drops what its
/// Kubernetes 1.18 model lacks), in the namespace the engine creates it in, named `jobexample`
/// (the engine names it at random).
fn worker_job(bundle: &Bundle) -> Value {
    let namespace = bundle
        .find("ConfigMap", "hyperflow-config")
        .and_then(|config| config.namespace())
        .unwrap()
        .to_string();
    let mut job = common::worker_job_as_sent(bundle.documents().map(|doc| &doc.value));
    job["metadata"]["name"] = Value::from("jobexample");
    job["metadata"]["namespace"] = Value::from(namespace);
    job
}

/// Every object of a render plus the standalone worker Job.
fn objects(bundle: &Bundle) -> Vec<Value> {
    let mut all: Vec<Value> = bundle.documents().map(|doc| doc.value.clone()).collect();
    all.push(worker_job(bundle));
    all
}

fn name(object: &Value) -> &str {
    object["metadata"]["name"].as_str().unwrap_or_default()
}

fn pod_spec(object: &Value) -> Option<&Value> {
    match object["kind"].as_str()? {
        "Deployment" | "Job" => Some(&object["spec"]["template"]["spec"]),
        _ => None,
    }
}

#[test]
fn every_pod_follows_the_restricted_baseline_or_a_listed_exception() {
    let exceptions: BTreeMap<String, BTreeSet<String>> = data_lines("pod-exceptions.txt")
        .iter()
        .map(|line| {
            let mut words = line.split_whitespace().map(String::from);
            (words.next().unwrap(), words.collect())
        })
        .collect();
    for builtin in BUILTIN_PROFILES {
        let bundle = render_all(builtin.name, &[]).unwrap();
        let mut pods = 0;
        for object in objects(&bundle) {
            let Some(spec) = pod_spec(&object) else {
                continue;
            };
            pods += 1;
            let pod = name(&object);
            let allowed = exceptions.get(pod).cloned().unwrap_or_default();
            let at = format!("{}: {pod}", builtin.name);
            for container in spec["containers"].as_array().unwrap() {
                let context = &container["securityContext"];
                let resources = &container["resources"];
                for field in ["/requests/cpu", "/requests/memory"] {
                    assert!(
                        resources.pointer(field).is_some(),
                        "{at}: no resources{field}"
                    );
                }
                assert_eq!(
                    resources.pointer("/limits/memory").is_none(),
                    allowed.contains("no-memory-limit"),
                    "{at}: memory limit"
                );
                if allowed.contains("privileged") {
                    assert_eq!(context["privileged"], true, "{at}");
                    continue;
                }
                assert_eq!(context.get("privileged"), None, "{at}");
                let seccomp = spec["securityContext"]["seccompProfile"]["type"].as_str();
                if allowed.contains("no-seccomp") {
                    assert_eq!(seccomp, None, "{at}: the engine's client drops it");
                } else {
                    assert_eq!(seccomp, Some("RuntimeDefault"), "{at}");
                }
                assert_eq!(context["allowPrivilegeEscalation"], false, "{at}");
                assert_eq!(
                    context["capabilities"]["drop"],
                    serde_json::json!(["ALL"]),
                    "{at}"
                );
                assert!(context["capabilities"].get("add").is_none(), "{at}");
                let read_only = context["readOnlyRootFilesystem"] == true;
                assert_eq!(
                    !read_only,
                    allowed.contains("writable-root"),
                    "{at}: read-only root"
                );
                let user = context["runAsUser"]
                    .as_u64()
                    .or(spec["securityContext"]["runAsUser"].as_u64());
                if allowed.contains("root") {
                    assert_eq!(user, Some(0), "{at}: root pods say so explicitly");
                } else {
                    assert!(user.is_some_and(|uid| uid >= 10_000), "{at}: uid {user:?}");
                    assert_eq!(spec["securityContext"]["runAsNonRoot"], true, "{at}");
                }
            }
        }
        assert_eq!(
            pods, 8,
            "{}: engine, redis, nfs-server, 4 Jobs, worker",
            builtin.name
        );
    }
}

/// The checkov skips accepted for `bundle`'s objects: `accepted-skips.txt` (every profile),
/// plus `accepted-skips-pools.txt` when it deploys worker pools (RabbitMQ, the pools, and the
/// engine's credentials as env).
fn accepted_skips(bundle: &Bundle) -> BTreeSet<String> {
    let mut rendered: Vec<String> = bundle.documents().map(|doc| doc.id()).collect();
    rendered.push("Job/jobexample".into());
    let mut lines = data_lines("accepted-skips.txt");
    if bundle.find("Deployment", "rabbitmq").is_some() {
        lines.extend(data_lines("accepted-skips-pools.txt"));
    }
    let fetches_from_s3 = bundle.find("Job", "nfs-data").is_some_and(|job| {
        job.value["spec"]["template"]["spec"]["initContainers"]
            .as_array()
            .is_some_and(|containers| containers.iter().any(|c| c["name"] == "fetch"))
    });
    if fetches_from_s3 {
        lines.extend(data_lines("accepted-skips-s3.txt"));
    }
    lines
        .into_iter()
        .filter(|line| {
            rendered
                .iter()
                .any(|id| line.starts_with(&format!("{id} ")))
        })
        .collect()
}

#[test]
fn checkov_skips_are_the_accepted_list_and_each_has_a_reason() {
    for profile in checkov_profiles() {
        let bundle = render_all(&profile, &[]).unwrap();
        let mut found = BTreeSet::new();
        for object in objects(&bundle) {
            let Some(annotations) = object["metadata"]["annotations"].as_object() else {
                continue;
            };
            for (key, value) in annotations {
                if !key.starts_with("checkov.io/skip") {
                    continue;
                }
                let (check, reason) = value.as_str().unwrap().split_once('=').unwrap();
                assert!(
                    reason.len() >= 30,
                    "{check} of {} needs a real reason",
                    name(&object)
                );
                found.insert(format!(
                    "{}/{} {check}",
                    object["kind"].as_str().unwrap(),
                    name(&object)
                ));
            }
        }
        assert_eq!(
            found,
            accepted_skips(&bundle),
            "{profile}: skips differ from accepted-skips*.txt"
        );
    }
}

/// The built-in profiles and every variant profile (each storage type and data source, the
/// engine 1.9 options, worker pools).
fn checkov_profiles() -> Vec<String> {
    let mut names: Vec<String> = BUILTIN_PROFILES
        .iter()
        .map(|p| p.name.to_string())
        .collect();
    names.extend(common::variant_profiles());
    names
}

#[test]
fn checkov_reports_no_failed_check_on_any_builtin_profile() {
    // Two checkov processes at a time (the machines that run this have two cores or more).
    for profiles in checkov_profiles().chunks(2) {
        std::thread::scope(|scope| {
            for name in profiles {
                scope.spawn(|| checkov_reports_no_failed_check(name));
            }
        });
    }
}

fn checkov_reports_no_failed_check(name: &str) {
    let bundle = render_all(name, &[]).unwrap();
    // Not tempfile's default `.tmp` prefix: checkov passes over hidden directories.
    let dir = tempfile::Builder::new()
        .prefix("hfgen-checkov-")
        .tempdir()
        .unwrap();
    for file in &bundle.files {
        std::fs::write(dir.path().join(file.file), &file.text).unwrap();
    }
    let job = serde_saphyr::to_string(&worker_job(&bundle)).unwrap();
    std::fs::write(dir.path().join("worker-job.yml"), job).unwrap();
    let output = Command::new(common::external_tool("checkov"))
        .args([
            "--framework",
            "kubernetes",
            "--compact",
            "--quiet",
            "--skip-download",
        ])
        .args(["--output", "json", "--directory"])
        .arg(dir.path())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let report: Value = serde_json::from_str(&stdout).unwrap_or_else(|e| {
        panic!(
            "checkov said no JSON ({e}): {stdout}\n{}",
            String::from_utf8_lossy(&output.stderr)
        )
    });
    let summary = &report["summary"];
    let failed = &report["results"]["failed_checks"];
    assert_eq!(summary["failed"], 0, "{}: {failed:#}", name);
    assert_eq!(summary["parsing_errors"], 0, "{}", name);
    // checkov counts each pod template as a resource of its own besides its owner.
    let objects = bundle.documents().count() as u64 + 1;
    let scanned = summary["resource_count"].as_u64().unwrap();
    assert!(
        scanned >= objects,
        "{}: {scanned} of {objects} objects scanned",
        name
    );
    assert!(
        summary["passed"].as_u64().unwrap() > 100,
        "{}: {summary}",
        name
    );
    // Every accepted skip of an object this render has is used.
    let skips = accepted_skips(&bundle).len() as u64;
    assert_eq!(
        summary["skipped"].as_u64(),
        Some(skips),
        "{}: every skip is used",
        name
    );
    assert!(output.status.success(), "{}: {stdout}", name);
}

#[test]
fn images_are_pinned_by_tag_in_every_builtin_profile() {
    for builtin in BUILTIN_PROFILES {
        let bundle = render_all(builtin.name, &[]).unwrap();
        let mut images = Vec::new();
        for object in objects(&bundle) {
            let Some(spec) = pod_spec(&object) else {
                continue;
            };
            for container in spec["containers"].as_array().unwrap() {
                images.push(container["image"].as_str().unwrap().to_string());
                for env in container["env"].as_array().into_iter().flatten() {
                    if env["name"] == "HF_VAR_WORKER_CONTAINER" {
                        images.push(env["value"].as_str().unwrap().to_string());
                    }
                }
            }
        }
        assert!(images.len() >= 8, "{}: {images:?}", builtin.name);
        for image in images {
            let last = image.rsplit('/').next().unwrap();
            let pinned = image.contains("@sha256:")
                || last
                    .split_once(':')
                    .is_some_and(|(_, tag)| !tag.is_empty() && tag != "latest");
            assert!(
                pinned,
                "{}: image {image} is not pinned by tag",
                builtin.name
            );
        }
    }
}

#[test]
fn network_policies_guard_redis_and_nfs_and_can_be_turned_off() {
    let bundle = render_all("gke", &[]).unwrap();
    let redis = bundle.find("NetworkPolicy", "redis").unwrap();
    let sources = &redis.value["spec"]["ingress"][0]["from"];
    let names: Vec<&str> = sources
        .as_array()
        .unwrap()
        .iter()
        .map(|peer| {
            peer["podSelector"]["matchLabels"]["app.kubernetes.io/name"]
                .as_str()
                .unwrap()
        })
        .collect();
    assert_eq!(names, ["hyperflow-engine", "hyperflow-worker"]);
    assert!(bundle
        .find("NetworkPolicy", "hyperflow-deny-ingress")
        .is_some());
    let nfs = bundle.find("NetworkPolicy", "nfs-server").unwrap();
    assert!(
        nfs.value["spec"]["ingress"][0].get("from").is_none(),
        "no CIDR: any source"
    );

    let cidr = ["network_policy.nfs_node_cidrs=[\"10.128.0.0/9\"]".to_string()];
    let narrowed = render_all("gke", &cidr).unwrap();
    let from =
        &narrowed.find("NetworkPolicy", "nfs-server").unwrap().value["spec"]["ingress"][0]["from"];
    assert_eq!(from[0]["ipBlock"]["cidr"], "10.128.0.0/9");
    assert_eq!(
        from[1]["podSelector"]["matchLabels"]["app.kubernetes.io/part-of"],
        "hyperflow"
    );

    let off = render_all("gke", &["network_policy.enabled=false".to_string()]).unwrap();
    assert_eq!(
        off.documents()
            .filter(|d| d.kind() == "NetworkPolicy")
            .count(),
        0
    );
    let others = |b: &Bundle| {
        b.documents()
            .filter(|d| d.kind() != "NetworkPolicy")
            .count()
    };
    assert_eq!(others(&off), others(&bundle));
}

#[test]
fn a_malformed_node_cidr_is_bad_input() {
    let sets = ["network_policy.nfs_node_cidrs=[\"10.0.0.0/8\", \"nodes\"]".to_string()];
    let error = render_all("gke", &sets).unwrap_err();
    assert_eq!(error.exit_code(), 2);
    assert!(
        error.to_string().contains("`nodes` is not a CIDR"),
        "{error}"
    );
}

#[test]
fn stateful_servers_recreate_probe_and_keep_gke_exports_on_a_claim() {
    let bundle = render_all("gke", &[]).unwrap();
    for server in ["nfs-server", "redis"] {
        let deployment = &bundle.find("Deployment", server).unwrap().value;
        assert_eq!(
            deployment["spec"]["strategy"]["type"], "Recreate",
            "{server}"
        );
        let container = &deployment["spec"]["template"]["spec"]["containers"][0];
        for probe in ["readinessProbe", "livenessProbe"] {
            assert!(container.get(probe).is_some(), "{server}: {probe}");
        }
    }
    let nfs = &bundle.find("Deployment", "nfs-server").unwrap().value["spec"]["template"]["spec"];
    assert_eq!(
        nfs["volumes"][0]["persistentVolumeClaim"]["claimName"],
        "nfs-exports"
    );
    let claim = &bundle
        .find("PersistentVolumeClaim", "nfs-exports")
        .unwrap()
        .value;
    assert_eq!(claim["spec"]["storageClassName"], "standard-rwo");
}

#[test]
fn resources_come_from_the_profile_with_defaults() {
    let sets = ["resources.redis.memory_limit=\"3Gi\"".to_string()];
    let bundle = render_all("minikube-ip", &sets).unwrap();
    let resources = |kind: &str, name: &str| {
        bundle.find(kind, name).unwrap().value["spec"]["template"]["spec"]["containers"][0]
            ["resources"]
            .clone()
    };
    assert_eq!(
        resources("Deployment", "redis"),
        serde_json::json!({"requests": {"cpu": "250m", "memory": "256Mi"}, "limits": {"memory": "3Gi"}})
    );
    assert_eq!(
        resources("Job", "hyperflow-engine")["requests"]["cpu"],
        "500m"
    );
}

/// What a document is made of, without its scalar values: keys, list lengths, kinds.
fn shape(value: &Value) -> Value {
    match value {
        Value::Object(map) => {
            Value::Object(map.iter().map(|(k, v)| (k.clone(), shape(v))).collect())
        }
        Value::Array(items) => Value::Array(items.iter().map(shape).collect()),
        _ => Value::Null,
    }
}

/// Shapes of every document and of the worker Job template carried as text in the ConfigMap.
fn shapes(bundle: &Bundle) -> Vec<Value> {
    let mut all: Vec<Value> = bundle.documents().map(|doc| shape(&doc.value)).collect();
    let config = bundle.find("ConfigMap", "hyperflow-config").unwrap();
    let template = config.value["data"]["job-template.yaml"].as_str().unwrap();
    all.push(shape(&serde_saphyr::from_str::<Value>(template).unwrap()));
    all
}

/// Every string-valued key a user can set, with a valid value to compare the shape against.
const STRING_KEYS: &[(&str, &str)] = &[
    ("description", "plain"),
    ("namespace", "plain"),
    ("images.engine", "plain"),
    ("images.worker", "plain"),
    ("images.redis", "plain"),
    ("images.nfs_server", "plain"),
    ("images.log_parser", "plain"),
    ("images.viz_trace", "plain"),
    ("data.image", "plain"),
    ("nfs.size", "20Gi"),
    ("nfs.storage_class", "plain"),
    ("nodes.master.nodetype", "plain"),
    ("nodes.worker.nodetype", "plain"),
    ("engine.env.HF_VAR_EXTRA", "plain"),
    ("tasks.cpu_request", "500m"),
    ("tasks.memory_request", "512Mi"),
    ("resources.engine.cpu", "500m"),
    ("resources.redis.memory", "256Mi"),
    ("resources.data.memory_limit", "512Mi"),
    ("resources.log_parser.cpu", "250m"),
    ("cluster.project", "my-project"),
    ("cluster.zone", "europe-west2-a"),
    ("cluster.name", "plain"),
];

fn toml_string(text: &str) -> String {
    toml::Value::String(text.to_string()).to_string()
}

fn tricky_text() -> impl Strategy<Value = String> {
    prop_oneof![
        1 => any::<String>(),
        3 => "[a-z0-9 :#'\"{}\\[\\]\\-\n\r\t|>&*!%@`$\\\\]{0,24}",
        1 => Just("x\n---\nkind: ClusterRoleBinding".to_string()),
        1 => Just("a: b\n  c: d".to_string()),
        1 => Just("${command}".to_string()),
        1 => Just("{{ namespace }}".to_string()),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, failure_persistence: None, ..ProptestConfig::default() })]

    /// A string in any key renders the same documents with the same keys as a plain word
    /// there, or is refused as bad input: it never panics and never injects structure.
    #[test]
    fn no_string_value_changes_the_shape_of_the_output(
        (key, baseline) in proptest::sample::select(STRING_KEYS),
        text in tricky_text(),
    ) {
        let baseline = render_all("gke", &[format!("{key}=\"{baseline}\"")]).unwrap();
        // The profile checks may refuse the value (bad input); once accepted, rendering must
        // succeed: a template that produces invalid YAML is hfgen's bug, not the user's.
        match profile::load("gke", &[format!("{key}={}", toml_string(&text))]) {
            Ok(loaded) => {
                let bundle = render::render_profile(&loaded, &Component::ALL);
                prop_assert!(bundle.is_ok(), "{key} = {text:?}: {}", bundle.unwrap_err());
                prop_assert_eq!(shapes(&bundle.unwrap()), shapes(&baseline));
            }
            Err(error) => prop_assert_eq!(error.exit_code(), 2),
        }
    }
}

/// The hostile strings of issue 4, each tried in every string key.
const HOSTILE_STRINGS: &[&str] = &[
    "x\nkind: ClusterRoleBinding",
    "x\n---\napiVersion: v1\nkind: Secret",
    "key: value",
    "x # not a comment",
    "{{ namespace }}",
    "{% raw %}",
    "\"double\" and 'single' quotes",
    "on",
    "no",
    "0755",
    "1e3",
    "${jobName}",
    "x\u{2028}kind: Secret",
    "x\u{85}y\u{2029}z",
    "- item",
    "&anchor *alias",
    "!!binary aGk=",
    "|\n  block",
    "",
    "   ",
];

/// Every string key, every hostile string: refused as bad input, or rendered with exactly the
/// structure of the normal render and the value arriving unchanged.
#[test]
fn every_string_key_resists_every_hostile_string() {
    assert!(HOSTILE_STRINGS.len() >= 15);
    for (key, baseline) in STRING_KEYS {
        let expected = shapes(&render_all("gke", &[format!("{key}=\"{baseline}\"")]).unwrap());
        for text in HOSTILE_STRINGS {
            let set = format!("{key}={}", toml_string(text));
            let loaded = match profile::load("gke", &[set]) {
                Ok(loaded) => loaded,
                Err(error) => {
                    assert_eq!(error.exit_code(), 2, "{key} = {text:?}");
                    continue;
                }
            };
            let bundle = render::render_profile(&loaded, &Component::ALL)
                .unwrap_or_else(|e| panic!("{key} = {text:?} loads but does not render: {e}"));
            assert_eq!(shapes(&bundle), expected, "{key} = {text:?}");
            let reaches_manifests = !(key.starts_with("cluster.") || *key == "description");
            if reaches_manifests {
                assert!(
                    bundle_has_scalar(&bundle, text),
                    "{key} = {text:?} was accepted but does not arrive unchanged"
                );
            }
        }
    }
}

fn bundle_has_scalar(bundle: &Bundle, text: &str) -> bool {
    fn has(value: &Value, text: &str) -> bool {
        match value {
            Value::String(s) => s == text,
            Value::Object(map) => map.iter().any(|(k, v)| k == text || has(v, text)),
            Value::Array(items) => items.iter().any(|v| has(v, text)),
            _ => false,
        }
    }
    // What reaches a process is the env and command after the kubelet's expansion.
    bundle
        .documents()
        .any(|doc| has(&common::as_containers_get_it(&doc.value), text))
}

/// Issue 30, defect 3: every profile string that reaches an env value, a command or args
/// arrives in the container unchanged after the kubelet's `$(VAR)` and `$$` expansion (an S3
/// object `x$(HOME)` was fetched as `x/tmp`). Every string key of the profile that accepts the
/// text is tried, the data sources' keys among them.
#[test]
fn profile_strings_reach_the_container_unchanged_after_the_kubelets_expansion() {
    const TEXT: &str = "a$(HOME)b$$c$(HFGEN_DATA_ID)d$";
    let s3 = common::data_profile("s3-source");
    let url = common::data_profile("url-source");
    let mut cases: Vec<(&str, String)> = STRING_KEYS
        .iter()
        .filter(|(key, _)| !(key.starts_with("cluster.") || *key == "description"))
        .map(|(key, _)| ("gke", key.to_string()))
        .collect();
    for key in ["data.s3.endpoint", "data.s3.region", "data.s3.object"] {
        cases.push((s3.as_str(), key.to_string()));
    }
    cases.push((url.as_str(), "data.url".to_string()));
    let mut accepted = Vec::new();
    for (profile, key) in &cases {
        let value = match key.as_str() {
            "data.s3.endpoint" | "data.url" => format!("https://example.org/{TEXT}"),
            _ => TEXT.to_string(),
        };
        let Ok(loaded) = profile::load(profile, &[format!("{key}={}", toml_string(&value))]) else {
            continue;
        };
        let bundle = render::render_profile(&loaded, &Component::ALL).unwrap();
        // Within a longer value too: the S3 object is part of S3_URI.
        let reaches = bundle.documents().any(|doc| {
            common::as_containers_get_it(&doc.value)
                .to_string()
                .contains(
                    &serde_json::to_string(&value)
                        .unwrap()
                        .trim_matches('"')
                        .to_string(),
                )
        });
        assert!(
            reaches,
            "{key} = {value:?} does not reach the container unchanged"
        );
        accepted.push(key.clone());
    }
    // The keys that take free text; a check that refuses `$` there is a regression too.
    for key in [
        "engine.env.HF_VAR_EXTRA",
        "data.url",
        "data.s3.object",
        "data.s3.region",
    ] {
        assert!(
            accepted.iter().any(|k| k == key),
            "{key} refused {TEXT:?}: {accepted:?}"
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, failure_persistence: None, ..ProptestConfig::default() })]

    /// Any string as the worker image is refused, or reaches the engine exactly as written.
    #[test]
    fn worker_image_round_trips_or_is_refused(text in tricky_text()) {
        match profile::load("gke", &[format!("images.worker={}", toml_string(&text))]) {
            Err(error) => prop_assert_eq!(error.exit_code(), 2),
            Ok(loaded) => {
                let bundle = render::render_profile(&loaded, &Component::ALL).unwrap();
                let engine = bundle.find("Job", "hyperflow-engine").unwrap();
                let env = engine.value.pointer("/spec/template/spec/containers/0/env").unwrap();
                let worker = env
                    .as_array()
                    .unwrap()
                    .iter()
                    .find(|e| e["name"] == "HF_VAR_WORKER_CONTAINER")
                    .unwrap();
                prop_assert_eq!(worker["value"].as_str(), Some(text.as_str()));
            }
        }
    }
}
