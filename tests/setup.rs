//! `hfgen setup`: the printed scripts are valid bash, shellcheck-clean, carry the manifests'
//! node selectors as node labels, keep every profile value one argument, and edit host files
//! only once. Scripts run here only against stub commands and a temporary root.

mod common;

use common::sandbox::{assert_success, find_call, flag, Call, Sandbox, GCLOUD_NOTHING_EXISTS};

use hfgen::profile::{self, builtin::BUILTIN_PROFILES};
use hfgen::render::templates::Component;
use serde_json::Value;
use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn data(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/setup")
        .join(path)
}

fn script(profile: &str, sets: &[String]) -> String {
    let loaded = profile::load(profile, sets).expect("profile loads");
    hfgen::setup::script(&loaded).expect("setup script")
}

fn gke_calls(sets: &[String], args: &[&str]) -> (Sandbox, Vec<Call>) {
    gke_profile_calls("gke", sets, args)
}

fn gke_profile_calls(profile: &str, sets: &[String], args: &[&str]) -> (Sandbox, Vec<Call>) {
    let sandbox = Sandbox::new(&[("gcloud", GCLOUD_NOTHING_EXISTS), ("kubectl", "")]);
    let output = sandbox.run(&script(profile, sets), args, &[]);
    assert_success(&output);
    let calls = sandbox.calls();
    (sandbox, calls)
}

/// The built-in profiles, the variants under `tests/setup/variants/` and the variant profiles
/// of the render (`tests/data/*.toml`).
fn all_profiles() -> Vec<String> {
    let mut profiles: Vec<String> = BUILTIN_PROFILES
        .iter()
        .map(|b| b.name.to_string())
        .collect();
    let mut variants: Vec<String> = fs::read_dir(data("variants"))
        .unwrap()
        .map(|entry| entry.unwrap().path().display().to_string())
        .collect();
    variants.sort();
    profiles.extend(variants);
    profiles.extend(common::variant_profiles());
    profiles
}

/// The example profile with worker pools (GKE), whose render is a golden variant.
fn worker_pools_profile() -> String {
    common::data_profile("worker-pools")
}

#[test]
fn every_script_passes_bash_n_and_shellcheck() {
    for profile in all_profiles() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("setup.sh");
        fs::write(&file, script(&profile, &[])).unwrap();
        let bash = Command::new("bash").arg("-n").arg(&file).output().unwrap();
        assert!(
            bash.status.success(),
            "{profile}: bash -n: {}",
            String::from_utf8_lossy(&bash.stderr)
        );
        let shellcheck = Command::new("shellcheck")
            .args(["-S", "warning"])
            .arg(&file)
            .output()
            .expect("shellcheck is installed (apt-get install shellcheck; .ci/run does it)");
        assert!(
            shellcheck.status.success(),
            "{profile}: shellcheck:\n{}",
            String::from_utf8_lossy(&shellcheck.stdout)
        );
    }
}

#[test]
fn script_is_deterministic_and_starts_strict() {
    for builtin in BUILTIN_PROFILES {
        let text = script(builtin.name, &[]);
        assert_eq!(text, script(builtin.name, &[]), "{}", builtin.name);
        assert!(
            text.starts_with("#!/usr/bin/env bash\n"),
            "{}",
            builtin.name
        );
        assert!(text.contains("\nset -euo pipefail\n"), "{}", builtin.name);
    }
}

/// `k=v,k2=v2` as gcloud reads `--node-labels` and kubectl reads `--selector`.
fn parse_labels(list: &str) -> BTreeMap<String, String> {
    list.split(',')
        .map(|pair| {
            let (key, value) = pair.split_once('=').expect("KEY=VALUE");
            (key.to_string(), value.to_string())
        })
        .collect()
}

/// Every `nodeSelector` below `value`, with the name of the object it came from.
fn node_selectors(value: &Value, owner: &str, found: &mut Vec<(String, BTreeMap<String, String>)>) {
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                if key == "nodeSelector" {
                    let selector = serde_json::from_value(child.clone()).unwrap();
                    found.push((owner.to_string(), selector));
                } else {
                    node_selectors(child, owner, found);
                }
            }
        }
        Value::Array(items) => items
            .iter()
            .for_each(|item| node_selectors(item, owner, found)),
        _ => {}
    }
}

fn assert_labels_match_selectors(sets: &[String]) {
    let loaded = profile::load("gke", sets).unwrap();
    let bundle =
        hfgen::render::render(&loaded, &[Component::Core, Component::Postprocess]).unwrap();
    let mut selectors = Vec::new();
    for document in bundle.documents() {
        node_selectors(&document.value, &document.id(), &mut selectors);
    }
    // The worker Job template travels as text inside the ConfigMap: parse it too.
    let config = bundle.find("ConfigMap", "hyperflow-config").unwrap();
    let job_template = config.value["data"]["job-template.yaml"].as_str().unwrap();
    let job_template: Value = serde_saphyr::from_str(job_template).unwrap();
    node_selectors(&job_template, "worker Job template", &mut selectors);

    let (_sandbox, calls) = gke_calls(sets, &[]);
    let create = find_call(&calls, &["gcloud", "container", "clusters", "create"]);
    let pool = find_call(&calls, &["gcloud", "container", "node-pools", "create"]);
    let master = parse_labels(flag(create, "--node-labels").unwrap());
    let worker = parse_labels(flag(pool, "--node-labels").unwrap());

    // Every pod selects one of the two pools: the engine's group the master pool, the
    // worker Jobs the worker pool.
    let selector_of = |owner: &str| {
        selectors
            .iter()
            .find(|(name, _)| name == owner)
            .map(|(_, selector)| selector)
            .unwrap_or_else(|| panic!("{owner} has no node selector"))
    };
    assert_eq!(*selector_of("Job/hyperflow-engine"), master);
    assert_eq!(*selector_of("worker Job template"), worker);
    for (owner, selector) in &selectors {
        assert!(
            *selector == master || *selector == worker,
            "{owner} selects {selector:?}, which neither node pool carries"
        );
    }
    // kubectl lists the nodes of exactly those labels.
    let shown: Vec<_> = calls
        .iter()
        .filter(|call| call[..3] == ["kubectl", "get", "nodes"])
        .map(|call| parse_labels(flag(call, "--selector").unwrap()))
        .collect();
    assert_eq!(shown, [master, worker]);
}

#[test]
fn gke_node_labels_equal_rendered_node_selectors() {
    assert_labels_match_selectors(&[]);
}

#[test]
fn gke_node_labels_follow_changed_node_selectors() {
    assert_labels_match_selectors(&[
        "nodes.master={ pool = \"control\", \"example.com/tier\" = \"hf-master\" }".into(),
        "nodes.worker={ pool = \"compute\" }".into(),
    ]);
}

#[test]
fn gke_script_creates_the_profile_cluster() {
    let (_sandbox, calls) = gke_calls(&[], &[]);
    let commands: Vec<String> = calls.iter().map(|call| call[..4].join(" ")).collect();
    assert_eq!(
        commands,
        [
            "gcloud container clusters describe",
            "gcloud container clusters create",
            "gcloud container node-pools describe",
            "gcloud container node-pools create",
            "gcloud container clusters get-credentials",
            "kubectl get nodes --selector=nodetype=hfmaster",
            "kubectl get nodes --selector=nodetype=worker",
        ]
    );
    let create = &calls[1];
    assert_eq!(create[4], "hyperflow");
    for (name, value) in [
        ("--project", "my-gcp-project"),
        ("--zone", "europe-west2-a"),
        ("--num-nodes", "1"),
        ("--machine-type", "e2-standard-4"),
        ("--node-labels", "nodetype=hfmaster"),
    ] {
        assert_eq!(flag(create, name), Some(value), "{name} in {create:?}");
    }
    // No pinned version: GKE creates the release channel's default, never a minor it no
    // longer supports.
    assert_eq!(flag(create, "--cluster-version"), None, "{create:?}");
    let pool = &calls[3];
    assert_eq!(pool[4], "worker-pool");
    assert_eq!(flag(pool, "--cluster"), Some("hyperflow"));
    assert_eq!(flag(pool, "--num-nodes"), Some("3"));
}

#[test]
fn gke_cluster_gets_the_service_range_of_a_pinned_nfs_ip() {
    let profile = data("variants/gke-pinned-ip.toml").display().to_string();
    let (_sandbox, calls) = gke_profile_calls(&profile, &[], &[]);
    let create = find_call(&calls, &["gcloud", "container", "clusters", "create"]);
    assert_eq!(flag(create, "--services-ipv4-cidr"), Some("10.100.0.0/20"));
    assert!(create.contains(&"--enable-ip-alias".to_string()));
}

#[test]
fn gke_flags_of_unset_values_are_left_out() {
    let profile = data("variants/gke-bare.toml").display().to_string();
    let (_sandbox, calls) = gke_profile_calls(&profile, &[], &[]);
    for call in &calls {
        for name in ["--cluster-version", "--node-labels", "--services-ipv4-cidr"] {
            assert_eq!(flag(call, name), None, "{name} in {call:?}");
        }
    }
    let create = find_call(&calls, &["gcloud", "container", "clusters", "create"]);
    assert_eq!(create[4], "hyperflow", "the default cluster name");
    let kubectl: Vec<_> = calls.iter().filter(|call| call[0] == "kubectl").collect();
    assert_eq!(kubectl, [&["kubectl", "get", "nodes"]]);
}

#[test]
fn minikube_dnsmasq_without_dns_section_uses_the_seed_values() {
    let profile = data("variants/minikube-dnsmasq-defaults.toml")
        .display()
        .to_string();
    assert_eq!(script(&profile, &[]), script("minikube-dnsmasq", &[]));
}

#[test]
fn gke_script_skips_what_exists_and_resizes_on_request() {
    let sandbox = Sandbox::new(&[("gcloud", ""), ("kubectl", "")]);
    let text = script("gke", &[]);
    assert_success(&sandbox.run(&text, &[], &[]));
    let created = sandbox
        .calls()
        .iter()
        .filter(|call| call.contains(&"create".to_string()))
        .count();
    assert_eq!(
        created, 0,
        "an existing cluster and pool are not created again"
    );

    let sandbox = Sandbox::new(&[("gcloud", ""), ("kubectl", "")]);
    assert_success(&sandbox.run(&text, &["resize-to-zero"], &[]));
    let resized: Vec<(String, String)> = sandbox
        .calls()
        .iter()
        .map(|call| {
            assert_eq!(
                call[..5],
                ["gcloud", "container", "clusters", "resize", "hyperflow"]
            );
            let pool = flag(call, "--node-pool").unwrap().to_string();
            (pool, flag(call, "--num-nodes").unwrap().to_string())
        })
        .collect();
    assert_eq!(
        resized,
        [
            ("worker-pool".to_string(), "0".to_string()),
            ("default-pool".to_string(), "0".to_string())
        ]
    );

    let sandbox = Sandbox::new(&[("gcloud", ""), ("kubectl", "")]);
    let output = sandbox.run(&text, &["delete-everything"], &[]);
    assert_eq!(output.status.code(), Some(2));
    assert!(sandbox.calls().is_empty());
}

/// Values that a shell or gcloud would read as code or as options are refused where they were
/// written (issue 17): no script is printed, so none reaches gcloud. What is accepted, however
/// unusual, still reaches gcloud as one argument each.
#[test]
fn hostile_values_are_refused_and_unusual_ones_reach_gcloud_as_one_argument() {
    let marker = tempfile::tempdir().unwrap();
    let pwned = |n: u32| {
        marker
            .path()
            .join(format!("pwned{n}"))
            .display()
            .to_string()
    };
    let hostile = [
        ("cluster.zone", format!("x; touch {} #", pwned(1))),
        (
            "cluster.project",
            format!("it's \"quoted\" $(touch {})", pwned(2)),
        ),
        ("cluster.name", format!("`touch {}`", pwned(3))),
        ("cluster.name", "--flags-file=/tmp/x.yaml".to_string()),
        ("cluster.version", format!("1.33\ntouch {}\n", pwned(4))),
        (
            "cluster.master_pool.machine_type",
            format!("'; touch {}; '", pwned(5)),
        ),
        (
            "cluster.worker_pool.machine_type",
            format!("${{IFS}}*$(touch {})", pwned(6)),
        ),
    ];
    for (key, value) in &hostile {
        // Through --set, as a user would pass them; TOML strings keep the newlines.
        let set = format!("{key}={}", toml::Value::String(value.clone()));
        let error = profile::load("gke", std::slice::from_ref(&set)).unwrap_err();
        let diagnostic = &error.diagnostics[0];
        assert!(diagnostic.message.starts_with(key), "{key}: {diagnostic:?}");
        assert_eq!(diagnostic.origin.as_ref().unwrap().name, "--set");
    }
    let unusual = [
        ("cluster.project", "example.com:my-project-1"),
        ("cluster.version", "1.33.2-gke.1043000"),
        ("cluster.master_pool.machine_type", "n2-custom-4-8192"),
    ];
    let sets: Vec<String> = unusual
        .iter()
        .map(|(key, value)| format!("{key}={value}"))
        .collect();
    // hfgen does not know a custom machine type's size: the pool says what it offers.
    let mut sets = sets;
    sets.push("cluster.master_pool.allocatable={ cpu = \"3900m\", memory = \"6Gi\" }".into());
    let (_sandbox, calls) = gke_calls(&sets, &[]);
    let arguments: Vec<&String> = calls.iter().flatten().collect();
    for (key, value) in unusual {
        assert!(
            arguments.iter().any(|arg| {
                *arg == value || arg.split_once('=').is_some_and(|(_, rest)| rest == value)
            }),
            "{key} = {value:?} is not one argument of {calls:#?}"
        );
    }
    assert_eq!(fs::read_dir(marker.path()).unwrap().count(), 0);
}

/// Expected file under `tests/setup/<dir>`, with `{hostname}` filled in.
fn expected(dir: &str, file: &str) -> String {
    let hostname = Command::new("hostname").output().unwrap().stdout;
    let hostname = String::from_utf8(hostname).unwrap();
    fs::read_to_string(data(dir).join(file))
        .unwrap()
        .replace("{hostname}", hostname.trim_end())
}

/// A sandbox for the minikube-dnsmasq script, its root holding the `before` files of
/// `tests/setup/minikube-dnsmasq/before/etc`: (sandbox, root, that `before` folder).
fn dnsmasq_sandbox() -> (Sandbox, PathBuf, PathBuf) {
    let sandbox = Sandbox::new(&[("apt-get", ""), ("systemctl", "")]);
    let root = sandbox.path("root");
    let before = data("minikube-dnsmasq/before/etc");
    fs::create_dir(root.join("etc")).unwrap();
    for entry in fs::read_dir(&before).unwrap() {
        let entry = entry.unwrap();
        fs::copy(entry.path(), root.join("etc").join(entry.file_name())).unwrap();
    }
    (sandbox, root, before)
}

#[test]
fn minikube_dnsmasq_script_edits_each_file_once() {
    let (sandbox, root, _) = dnsmasq_sandbox();
    let text = script("minikube-dnsmasq", &[]);
    let files = ["etc/dnsmasq.conf", "etc/hosts", "etc/resolv.conf"];
    let mut first_run = Vec::new();
    for run in 0..2 {
        assert_success(&sandbox.run(&text, &[], &[("HFGEN_ROOT", &root)]));
        let contents: Vec<String> = files
            .iter()
            .map(|file| fs::read_to_string(root.join(file)).unwrap())
            .collect();
        if run == 0 {
            for (file, content) in files.iter().zip(&contents) {
                assert_eq!(*content, expected("minikube-dnsmasq/after", file), "{file}");
            }
            first_run = contents;
        } else {
            assert_eq!(contents, first_run, "the second run changed a file");
        }
    }
    assert!(
        sandbox.calls().is_empty(),
        "with HFGEN_ROOT nothing is installed or restarted: {:#?}",
        sandbox.calls()
    );
}

#[test]
fn minikube_dnsmasq_lines_follow_the_dns_section() {
    let text = script(
        "minikube-dnsmasq",
        &[
            "dns.cluster_domain=hf.example".into(),
            "dns.cluster_dns_ip=10.0.0.10".into(),
            "dns.upstream=1.1.1.1".into(),
        ],
    );
    let sandbox = Sandbox::new(&[]);
    let root = sandbox.path("root");
    assert_success(&sandbox.run(&text, &[], &[("HFGEN_ROOT", &root)]));
    assert_eq!(
        fs::read_to_string(root.join("etc/dnsmasq.conf")).unwrap(),
        "server=/hf.example/10.0.0.10\nserver=1.1.1.1\nlisten-address=127.0.0.1\n"
    );
    assert_eq!(
        fs::read_to_string(root.join("etc/resolv.conf")).unwrap(),
        "nameserver 127.0.0.1\nsearch svc.hf.example\noptions ndots:5 timeout:1\n"
    );
}

/// kubectl's answer for the API server pod, with `range` as its service range.
fn apiserver_with(range: &str) -> String {
    format!(
        "printf '%s' '[\"kube-apiserver\",\"--advertise-address=192.168.49.2\",\"--service-cluster-ip-range={range}\",\"--tls-cert-file=/x\"]'"
    )
}

/// Runs the minikube-ip script against stubs of minikube and kubectl.
fn run_minikube_ip(minikube: &str, kubectl: &str) -> (Sandbox, Output) {
    let sandbox = Sandbox::new(&[("minikube", minikube), ("kubectl", kubectl)]);
    let output = sandbox.run(&script("minikube-ip", &[]), &[], &[]);
    (sandbox, output)
}

#[test]
fn minikube_ip_script_starts_minikube_with_the_service_range() {
    let not_running = "case \"$1\" in status) exit 7 ;; esac";
    let (sandbox, output) = run_minikube_ip(not_running, &apiserver_with("10.96.0.0/12"));
    assert_success(&output);
    let calls = sandbox.calls();
    let start = find_call(&calls, &["minikube", "start"]);
    // The kubelet's seccomp default gives worker pods RuntimeDefault, which the engine's
    // client library drops from their Jobs (tests/e2e).
    assert_eq!(
        start[2..],
        [
            "--service-cluster-ip-range=10.96.0.0/12",
            "--extra-config=kubelet.seccomp-default=true",
            // The pods' requests: engine 500m + redis 250m + NFS 100m + data 100m +
            // viz-trace 250m + log parser 250m + one task 500m + the control plane 750m =
            // 2.7 CPUs, at most 85 % of the host: 4. Memory 1Gi + 256Mi + 128Mi + 128Mi +
            // 512Mi + 512Mi + 256Mi + 1Gi = 3840Mi / 0.85, up to 256Mi steps: 4608.
            "--cpus=4",
            "--memory=4608mb"
        ]
    );
    assert_eq!(calls.len(), 3, "status, start, the range check: {calls:#?}");
}

#[test]
fn minikube_ip_script_refuses_a_cluster_with_another_range() {
    let (sandbox, output) = run_minikube_ip("", &apiserver_with("10.0.0.0/24,fd00::/108"));
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains(
            "service range is 10.0.0.0/24,fd00::/108, not the profile's nfs.service_cidr 10.96.0.0/12"
        ),
        "{stderr}"
    );
    assert!(
        !sandbox.calls().iter().any(|call| call[1] == "start"),
        "a running minikube is not started again"
    );
    // A dual-stack cluster whose IPv4 range is the profile's is fine.
    let (_, output) = run_minikube_ip("", &apiserver_with("10.96.0.0/12,fd00::/108"));
    assert_success(&output);
}

#[test]
fn minikube_ip_script_warns_when_the_range_cannot_be_read() {
    let (_, output) = run_minikube_ip("", "exit 1");
    assert_success(&output);
    assert!(String::from_utf8_lossy(&output.stderr).contains("warning: could not read"));
}

#[test]
fn cli_prints_the_script_on_stdout_only() {
    let output = Command::new(env!("CARGO_BIN_EXE_hfgen"))
        .args([
            "setup",
            "--profile",
            "minikube-ip",
            "--set",
            "nfs.ip=10.96.0.7",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    assert!(output.stderr.is_empty());
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert_eq!(stdout, script("minikube-ip", &["nfs.ip=10.96.0.7".into()]));
    assert!(stdout.contains("\nnfs_ip='10.96.0.7'\n"));
}

#[test]
fn gke_script_deletes_the_cluster_it_created_and_lets_gcloud_ask_first() {
    let (_sandbox, calls) = gke_calls(&[], &["delete"]);
    assert_eq!(calls.len(), 1, "{calls:#?}");
    let delete = find_call(&calls, &["gcloud", "container", "clusters", "delete"]);
    let create_args = {
        let (_sandbox, calls) = gke_calls(&[], &[]);
        find_call(&calls, &["gcloud", "container", "clusters", "create"]).clone()
    };
    // The same cluster, project and zone as `create`.
    assert_eq!(delete[4], create_args[4]);
    for name in ["--project", "--zone"] {
        assert_eq!(flag(delete, name), flag(&create_args, name), "{name}");
    }
    assert!(!delete.iter().any(|arg| arg == "--quiet"), "{delete:?}");
}

#[test]
fn minikube_dnsmasq_undo_removes_exactly_what_the_script_added() {
    let (sandbox, root, before) = dnsmasq_sandbox();
    // A line the user adds after the set-up stays after the undo.
    let text = script("minikube-dnsmasq", &[]);
    assert_success(&sandbox.run(&text, &[], &[("HFGEN_ROOT", &root)]));
    let mut hosts = fs::read_to_string(root.join("etc/hosts")).unwrap();
    hosts.push_str("10.0.0.7 mine\n");
    fs::write(root.join("etc/hosts"), &hosts).unwrap();
    assert_success(&sandbox.run(&text, &["undo"], &[("HFGEN_ROOT", &root)]));
    for file in ["dnsmasq.conf", "hosts", "resolv.conf"] {
        // As it was, byte for byte: the newline the set-up put after a last line that had
        // none is taken away too (issue 27, item 15).
        let mut expected = fs::read_to_string(before.join(file)).unwrap_or_default();
        if file == "hosts" {
            expected.push_str("10.0.0.7 mine\n");
        }
        assert_eq!(
            fs::read_to_string(root.join("etc").join(file)).unwrap(),
            expected,
            "{file}"
        );
    }
    assert!(!root.join("etc/hfgen-dnsmasq.added").exists());
    // Nothing left to undo: a second undo changes nothing and says so.
    let again = sandbox.run(&text, &["undo"], &[("HFGEN_ROOT", &root)]);
    assert_success(&again);
    assert!(String::from_utf8_lossy(&again.stderr).contains("nothing to undo"));
}

/// Issue 27, item 15: `undo` removed the first line equal to the one it appended, which may be
/// the user's own copy written above it since.
#[test]
fn minikube_dnsmasq_undo_keeps_the_users_copy_of_an_added_line() {
    let (sandbox, root, _) = dnsmasq_sandbox();
    let text = script("minikube-dnsmasq", &[]);
    assert_success(&sandbox.run(&text, &[], &[("HFGEN_ROOT", &root)]));
    let conf = root.join("etc/dnsmasq.conf");
    let applied = fs::read_to_string(&conf).unwrap();
    let added = applied.lines().last().unwrap().to_string();
    // The user writes the same line at the top, as a setting of their own.
    let mine = format!("# mine\n{added}\n# end of mine\n");
    fs::write(&conf, format!("{mine}{applied}")).unwrap();
    assert_success(&sandbox.run(&text, &["undo"], &[("HFGEN_ROOT", &root)]));
    assert_eq!(fs::read_to_string(&conf).unwrap(), mine);
}

/// Issue 27, item 15: the resolver reads only the last `search` line, so the one the script
/// appended replaced the host's search domains.
#[test]
fn minikube_dnsmasq_keeps_the_hosts_search_domains() {
    let (sandbox, root, _) = dnsmasq_sandbox();
    let resolv = root.join("etc/resolv.conf");
    fs::write(
        &resolv,
        "nameserver 192.168.1.1\nsearch corp.example.org lab.example.org\n",
    )
    .unwrap();
    let text = script("minikube-dnsmasq", &[]);
    for _ in 0..2 {
        assert_success(&sandbox.run(&text, &[], &[("HFGEN_ROOT", &root)]));
    }
    let applied = fs::read_to_string(&resolv).unwrap();
    let searches: Vec<&str> = applied
        .lines()
        .filter(|l| l.starts_with("search"))
        .collect();
    assert_eq!(
        searches,
        [
            "search corp.example.org lab.example.org",
            "search corp.example.org lab.example.org svc.cluster.local"
        ],
        "{applied}"
    );
    assert_success(&sandbox.run(&text, &["undo"], &[("HFGEN_ROOT", &root)]));
    assert_eq!(
        fs::read_to_string(&resolv).unwrap(),
        "nameserver 192.168.1.1\nsearch corp.example.org lab.example.org\n"
    );
}

/// A `kind` stub: no cluster exists yet; `create` keeps its config (stdin) in the sandbox;
/// the new cluster has two nodes.
const KIND_STUB: &str = "case \"$1 $2\" in\n  'get clusters') ;;\n  'create cluster') cat > \"$STUB_LOG/../kind-config.yaml\" ;;\n  'get nodes') printf 'hyperflow-worker\\nhyperflow-worker2\\n' ;;\nesac";

#[test]
fn kind_script_creates_labelled_nodes_with_the_service_range_and_seccomp_default() {
    let sandbox = Sandbox::new(&[("kind", KIND_STUB), ("docker", ""), ("kubectl", "")]);
    assert_success(&sandbox.run(&script("kind", &[]), &[], &[]));
    let calls = sandbox.calls();
    let create = find_call(&calls, &["kind", "create", "cluster"]);
    assert_eq!(create[3..], ["--name", "hyperflow", "--config=-"]);
    // The NFS client goes into every node the cluster has.
    let execs: Vec<&Call> = calls.iter().filter(|call| call[0] == "docker").collect();
    assert_eq!(execs.len(), 2, "{calls:#?}");
    assert!(execs
        .iter()
        .all(|call| call[1] == "exec" && call[5].contains("nfs-common")));

    let config: Value =
        serde_saphyr::from_str(&fs::read_to_string(sandbox.path("kind-config.yaml")).unwrap())
            .unwrap();
    let loaded = profile::load("kind", &[]).unwrap();
    let profile = &loaded.profile;
    assert_eq!(
        config["networking"]["serviceSubnet"],
        profile.nfs.service_cidr.as_deref().unwrap()
    );
    let workers: Vec<&Value> = config["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|node| node["role"] == "worker")
        .collect();
    let labels_of = |node: &&Value| serde_json::to_string(&node["labels"]).unwrap();
    let master = serde_json::to_string(&profile.nodes.master).unwrap();
    let worker = serde_json::to_string(&profile.nodes.worker).unwrap();
    assert_eq!(
        workers
            .iter()
            .filter(|node| labels_of(node) == master)
            .count(),
        1
    );
    assert_eq!(
        workers
            .iter()
            .filter(|node| labels_of(node) == worker)
            .count(),
        2
    );
    for node in workers {
        let patch = node["kubeadmConfigPatches"][0].as_str().unwrap();
        assert!(patch.contains("seccomp-default: \"true\""), "{patch}");
    }
}

#[test]
fn kind_script_deletes_its_cluster() {
    let sandbox = Sandbox::new(&[("kind", KIND_STUB)]);
    assert_success(&sandbox.run(&script("kind", &[]), &["delete"], &[]));
    assert_eq!(
        sandbox.calls(),
        [["kind", "delete", "cluster", "--name", "hyperflow"]]
    );
}

#[test]
fn gke_cluster_enforces_network_policies_when_the_profile_renders_them() {
    for (sets, enforced) in [
        (vec![], true),
        (vec!["network_policy.enabled=false".to_string()], false),
    ] {
        let (_sandbox, calls) = gke_calls(&sets, &[]);
        let create = find_call(&calls, &["gcloud", "container", "clusters", "create"]);
        assert_eq!(
            create.iter().any(|arg| arg == "--enable-dataplane-v2"),
            enforced,
            "{sets:?}: {create:?}"
        );
    }
}

/// KEDA's release manifest at the version of the vendored CRDs (schema/crds/keda).
const KEDA_MANIFEST: &str =
    "https://github.com/kedacore/keda/releases/download/v2.20.2/keda-2.20.2.yaml";

/// A kubectl stub for the worker pools' steps. Every call's stdin goes to `stdin/NNNN` next to
/// the log (the namespace manifest piped to `apply -f -`); `get secret` fails the first time
/// and succeeds from then on, as if the first run had created it; `create secret` keeps the
/// env file it is given (content and mode) in `secret/`, because the script removes it.
/// minikube-ip's range check gets the profile's range. The current context is `stub-context`,
/// and only the nodes.master labels of the built-in profiles have a node.
const KUBECTL_POOLS_STUB: &str = r#"mkdir -p "$STUB_LOG/../stdin" "$STUB_LOG/../secret"
cat > "$STUB_LOG/../stdin/$(printf %04d "$n")-$$"
case " $* " in
  *' get secret '*)
    if [ -e "$STUB_LOG/../secret-seen" ]; then exit 0; fi
    touch "$STUB_LOG/../secret-seen"
    exit 1
    ;;
  *' create namespace '*)
    printf 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: %s\n' "$3"
    ;;
  *' create secret '*)
    for arg in "$@"; do
      case "$arg" in
        --from-env-file=*)
          file=${arg#--from-env-file=}
          cp "$file" "$STUB_LOG/../secret/$(printf %04d "$n")-$$.env"
          stat -c %a "$file" > "$STUB_LOG/../secret/$(printf %04d "$n")-$$.mode"
          ;;
      esac
    done
    ;;
  *' get pods '*)
    printf '%s' '["kube-apiserver","--service-cluster-ip-range=10.96.0.0/12"]'
    ;;
  *' current-context '*)
    printf 'stub-context\n'
    ;;
  *' get nodes '*)
    case " $* " in
      *nodetype=hfmaster*) printf 'node/master-1\n' ;;
    esac
    ;;
esac"#;

/// The env files kubectl got for `create secret`, each with its mode, in call order.
fn secret_env_files(sandbox: &Sandbox) -> Vec<(String, String)> {
    let dir = sandbox.path("secret");
    let Ok(entries) = fs::read_dir(&dir) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "env"))
        .collect();
    files.sort();
    files
        .iter()
        .map(|file| {
            let mode = fs::read_to_string(file.with_extension("mode")).unwrap();
            (fs::read_to_string(file).unwrap(), mode.trim().to_string())
        })
        .collect()
}

/// `KEY=VALUE` lines as a map (kubectl's `--from-env-file`).
fn env_file(text: &str) -> BTreeMap<String, String> {
    text.lines()
        .map(|line| {
            let (key, value) = line.split_once('=').expect("KEY=VALUE");
            (key.to_string(), value.to_string())
        })
        .collect()
}

fn is_kubectl(call: &Call, words: &[&str]) -> bool {
    call[0] == "kubectl" && words.iter().all(|word| call.iter().any(|arg| arg == word))
}

/// The calls of one run: the KEDA install and its bounded wait, then the namespace and the
/// Secret check, in that order.
fn assert_pools_steps(calls: &[Call], namespace: &str) {
    let position = |words: &[&str]| {
        calls
            .iter()
            .position(|call| is_kubectl(call, words))
            .unwrap_or_else(|| panic!("no kubectl call with {words:?} in {calls:#?}"))
    };
    let apply = position(&["apply", "--server-side"]);
    assert_eq!(
        calls[apply][1..],
        ["apply", "--server-side", "-f", KEDA_MANIFEST]
    );
    let wait = position(&["rollout", "status"]);
    assert_eq!(
        calls[wait][1..],
        [
            "-n",
            "keda",
            "rollout",
            "status",
            "deployment/keda-operator",
            "--timeout=300s"
        ]
    );
    let namespace_call = position(&["create", "namespace"]);
    assert_eq!(
        calls[namespace_call][1..],
        [
            "create",
            "namespace",
            namespace,
            "--dry-run=client",
            "-o",
            "yaml"
        ]
    );
    let get = position(&["get", "secret"]);
    assert_eq!(
        calls[get][1..],
        ["-n", namespace, "get", "secret", "hyperflow-rabbitmq"]
    );
    assert!(
        apply < wait && wait < namespace_call && namespace_call < get,
        "{calls:#?}"
    );
}

#[test]
fn pools_scripts_install_pinned_keda_and_create_the_secret_jobs_scripts_do_not() {
    let pools: Vec<String> = [
        "kind",
        "minikube-ip",
        "minikube-dnsmasq",
        "minikube-dnsmasq-domain",
    ]
    .iter()
    .map(|name| {
        data(&format!("variants/pools-{name}.toml"))
            .display()
            .to_string()
    })
    .chain([worker_pools_profile(), existing_gke_pools_profile()])
    .collect();
    for profile in &pools {
        let text = script(profile, &[]);
        assert!(
            text.contains(&format!("\nkeda_manifest='{KEDA_MANIFEST}'\n")),
            "{profile}"
        );
        assert!(text.contains("\n  create_rabbitmq_secret\n"), "{profile}");
        assert!(text.contains("--from-env-file="), "{profile}");
    }
    for builtin in BUILTIN_PROFILES {
        let text = script(builtin.name, &[]).to_lowercase();
        for word in ["keda", "rabbitmq", "secret"] {
            assert!(!text.contains(word), "{}: {word}", builtin.name);
        }
    }
}

#[test]
fn pools_secret_is_created_once_with_a_hidden_random_password() {
    let sandbox = Sandbox::new(&[
        ("gcloud", GCLOUD_NOTHING_EXISTS),
        ("kubectl", KUBECTL_POOLS_STUB),
    ]);
    let text = script(&worker_pools_profile(), &[]);
    let mut outputs = Vec::new();
    let mut runs = Vec::new();
    for _ in 0..2 {
        let before = sandbox.calls().len();
        let output = sandbox.run(&text, &[], &[]);
        assert_success(&output);
        runs.push(sandbox.calls()[before..].to_vec());
        outputs.push(output);
    }
    for run in &runs {
        assert_pools_steps(run, "hyperflow");
    }
    let all_calls = sandbox.calls();
    let creates: Vec<&Call> = all_calls
        .iter()
        .filter(|call| is_kubectl(call, &["create", "secret"]))
        .collect();
    assert_eq!(creates.len(), 1, "one Secret over two runs: {creates:#?}");
    assert!(
        runs[0]
            .iter()
            .any(|call| is_kubectl(call, &["create", "secret"])),
        "the first run creates it"
    );
    let create = creates[0];
    assert_eq!(
        create[1..6],
        ["-n", "hyperflow", "create", "secret", "generic"]
    );
    assert_eq!(create[6], "hyperflow-rabbitmq");
    let env_path = flag(create, "--from-env-file").unwrap();
    assert!(
        !Path::new(env_path).exists(),
        "the env file {env_path} is removed"
    );

    let files = secret_env_files(&sandbox);
    assert_eq!(files.len(), 1);
    let (content, mode) = &files[0];
    assert_eq!(mode, "600", "only its owner reads the password file");
    let secret = env_file(content);
    assert_eq!(
        secret.keys().collect::<Vec<_>>(),
        ["management-url", "password", "username"]
    );
    assert_eq!(secret["username"], "hyperflow");
    let password = &secret["password"];
    assert_eq!(password.len(), 48, "{password}");
    assert!(
        password
            .chars()
            .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase()),
        "{password}"
    );
    assert_eq!(
        secret["management-url"],
        format!("http://hyperflow:{password}@rabbitmq.hyperflow.svc.cluster.local:15672")
    );
    // Nowhere on a command line, on the terminal, or in the namespace manifest.
    for call in &all_calls {
        assert!(
            !call.iter().any(|arg| arg.contains(password.as_str())),
            "the password is an argument of {call:?}"
        );
    }
    for output in &outputs {
        for stream in [&output.stdout, &output.stderr] {
            assert!(!String::from_utf8_lossy(stream).contains(password.as_str()));
        }
    }
    let stdin_dir = sandbox.path("stdin");
    let mut namespaces = 0;
    for entry in fs::read_dir(&stdin_dir).unwrap() {
        let stdin = fs::read_to_string(entry.unwrap().path()).unwrap();
        assert!(!stdin.contains(password.as_str()));
        if stdin.contains("kind: Namespace") {
            assert!(stdin.contains("name: hyperflow\n"), "{stdin}");
            namespaces += 1;
        }
    }
    assert_eq!(namespaces, 2, "each run applies the namespace");
    // A second Secret would have a second password: two runs, two different ones.
    let again = Sandbox::new(&[("gcloud", ""), ("kubectl", KUBECTL_POOLS_STUB)]);
    assert_success(&again.run(&text, &[], &[]));
    let other = env_file(&secret_env_files(&again)[0].0);
    assert_ne!(other["password"], *password, "the password is random");
}

/// The management URL names RabbitMQ as the rendered RABBIT_HOSTNAME does, in the profile's
/// namespace and cluster domain.
#[test]
fn pools_secret_names_rabbitmq_as_the_render_does() {
    let profile = data("variants/pools-minikube-dnsmasq-domain.toml")
        .display()
        .to_string();
    let loaded = profile::load(&profile, &[]).unwrap();
    let bundle = hfgen::render::render(&loaded, &[Component::Core]).unwrap();
    let engine = bundle.find("Job", "hyperflow-engine").unwrap();
    let env = engine.value["spec"]["template"]["spec"]["containers"][0]["env"]
        .as_array()
        .unwrap();
    let rabbit = env
        .iter()
        .find(|var| var["name"] == "RABBIT_HOSTNAME")
        .unwrap()["value"]
        .as_str()
        .unwrap();
    let host = rabbit
        .rsplit_once('@')
        .unwrap()
        .1
        .strip_suffix(":5672")
        .unwrap();
    assert_eq!(host, "rabbitmq.hf-pools.svc.hf.example");

    let sandbox = Sandbox::new(&[("kubectl", KUBECTL_POOLS_STUB)]);
    assert_success(&sandbox.run(&script(&profile, &[]), &["pools"], &[]));
    assert_pools_steps(&sandbox.calls(), "hf-pools");
    let secret = env_file(&secret_env_files(&sandbox)[0].0);
    let url = &secret["management-url"];
    assert_eq!(
        url.rsplit_once('@').unwrap().1,
        format!("{host}:15672"),
        "{url}"
    );
}

#[test]
fn pools_steps_run_on_every_platform() {
    // kind: after the cluster is created and kubectl points at it.
    let sandbox = Sandbox::new(&[
        ("kind", KIND_STUB),
        ("docker", ""),
        ("kubectl", KUBECTL_POOLS_STUB),
    ]);
    let kind = data("variants/pools-kind.toml").display().to_string();
    assert_success(&sandbox.run(&script(&kind, &[]), &[], &[]));
    let calls = sandbox.calls();
    let context = calls
        .iter()
        .position(|call| call[1..] == ["config", "use-context", "kind-hyperflow"])
        .unwrap();
    assert!(calls[..context].iter().all(|call| call[0] != "kubectl"));
    assert_pools_steps(&calls[context..], "hyperflow");
    assert_eq!(secret_env_files(&sandbox).len(), 1);
    // kind's delete removes the cluster, and KEDA and the Secret with it.
    let sandbox = Sandbox::new(&[("kind", KIND_STUB), ("kubectl", KUBECTL_POOLS_STUB)]);
    assert_success(&sandbox.run(&script(&kind, &[]), &["delete"], &[]));
    assert_eq!(
        sandbox.calls(),
        [["kind", "delete", "cluster", "--name", "hyperflow"]]
    );

    // minikube-ip: in the minikube context, before the range check.
    let sandbox = Sandbox::new(&[("minikube", ""), ("kubectl", KUBECTL_POOLS_STUB)]);
    let ip = data("variants/pools-minikube-ip.toml")
        .display()
        .to_string();
    assert_success(&sandbox.run(&script(&ip, &[]), &[], &[]));
    let calls = sandbox.calls();
    assert_eq!(
        calls[1][1..],
        ["config", "use-context", "minikube"],
        "{calls:#?}"
    );
    assert_pools_steps(&calls, "hyperflow");
    assert!(is_kubectl(calls.last().unwrap(), &["get", "pods"]));
    assert_eq!(secret_env_files(&sandbox).len(), 1);

    // minikube-dnsmasq: `apply` edits the host only; `pools`, run as a user, does the cluster.
    let dnsmasq = script(
        &data("variants/pools-minikube-dnsmasq.toml")
            .display()
            .to_string(),
        &[],
    );
    let (sandbox, root, _) = dnsmasq_sandbox();
    assert_success(&sandbox.run(&dnsmasq, &[], &[("HFGEN_ROOT", &root)]));
    assert!(sandbox.calls().is_empty(), "{:#?}", sandbox.calls());
    let sandbox = Sandbox::new(&[("kubectl", KUBECTL_POOLS_STUB)]);
    let output = sandbox.run(&dnsmasq, &["pools"], &[]);
    assert_success(&output);
    assert_pools_steps(&sandbox.calls(), "hyperflow");
    assert_eq!(secret_env_files(&sandbox).len(), 1);
    assert!(
        sandbox.calls().iter().all(|call| call[0] == "kubectl"),
        "pools touches nothing on the host: {:#?}",
        sandbox.calls()
    );
    // A jobs profile's script has no such subcommand.
    let sandbox = Sandbox::new(&[("kubectl", KUBECTL_POOLS_STUB)]);
    let output = sandbox.run(&script("minikube-dnsmasq", &[]), &["pools"], &[]);
    assert_ne!(output.status.code(), Some(0));
    assert!(sandbox.calls().is_empty());
}

#[test]
fn gke_pools_delete_only_deletes_the_cluster() {
    let (_sandbox, calls) = gke_profile_calls(&worker_pools_profile(), &[], &["delete"]);
    assert_eq!(calls.len(), 1, "{calls:#?}");
    find_call(&calls, &["gcloud", "container", "clusters", "delete"]);
}

/// A GKE profile with worker pools and no `[cluster]` (an existing cluster).
fn existing_gke_pools_profile() -> String {
    data("variants/pools-gke-existing.toml")
        .display()
        .to_string()
}

/// Without `[cluster]` there is no cluster to create: the script installs KEDA and the Secret
/// in kubectl's current cluster, touches nothing else (no gcloud), and warns about the label
/// set no node carries, naming the labels.
#[test]
fn gke_without_cluster_sets_up_the_pools_of_the_current_cluster() {
    let text = script(&existing_gke_pools_profile(), &[]);
    assert!(!text.contains("gcloud container clusters create"), "{text}");
    for args in [&[][..], &["pools"][..]] {
        let sandbox = Sandbox::new(&[
            ("gcloud", GCLOUD_NOTHING_EXISTS),
            ("kubectl", KUBECTL_POOLS_STUB),
        ]);
        let output = sandbox.run(&text, args, &[]);
        assert_success(&output);
        let calls = sandbox.calls();
        assert!(calls.iter().all(|call| call[0] == "kubectl"), "{calls:#?}");
        assert_eq!(calls[0][1..], ["config", "current-context"], "{calls:#?}");
        assert_pools_steps(&calls, "hyperflow");
        assert_eq!(secret_env_files(&sandbox).len(), 1);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains("kubectl context stub-context"), "{stderr}");
        // The rendered pods' node selectors, as in the render.
        let selectors: Vec<&str> = calls
            .iter()
            .filter_map(|call| flag(call, "--selector"))
            .collect();
        assert_eq!(selectors, ["nodetype=hfmaster", "nodetype=worker"]);
        assert!(stderr.contains("  node/master-1"), "{stderr}");
        assert!(
            stderr.contains("warning: no node has the labels nodetype=worker"),
            "{stderr}"
        );
        assert!(!stderr.contains("labels nodetype=hfmaster,"), "{stderr}");
    }
    let sandbox = Sandbox::new(&[("kubectl", KUBECTL_POOLS_STUB)]);
    let output = sandbox.run(&text, &["create"], &[]);
    assert_eq!(output.status.code(), Some(2));
    assert!(sandbox.calls().is_empty());
}

/// Every platform's script has a `pools` subcommand for a cluster that exists: it points
/// kubectl at the profile's cluster and sets up KEDA and the Secret, and creates, starts or
/// edits nothing else.
#[test]
fn pools_subcommand_sets_up_an_existing_cluster_on_every_platform() {
    let variant = |name: &str| data(&format!("variants/{name}.toml")).display().to_string();
    // (profile, the call that points kubectl at the cluster, if any)
    let cases: [(String, Option<Vec<&str>>); 4] = [
        (
            worker_pools_profile(),
            Some(vec!["gcloud", "container", "clusters", "get-credentials"]),
        ),
        (
            variant("pools-kind"),
            Some(vec!["kubectl", "config", "use-context", "kind-hyperflow"]),
        ),
        (
            variant("pools-minikube-ip"),
            Some(vec!["kubectl", "config", "use-context", "minikube"]),
        ),
        (variant("pools-minikube-dnsmasq"), None),
    ];
    for (profile, context) in &cases {
        let sandbox = Sandbox::new(&[
            ("gcloud", GCLOUD_NOTHING_EXISTS),
            ("kind", KIND_STUB),
            ("minikube", ""),
            ("docker", ""),
            ("kubectl", KUBECTL_POOLS_STUB),
        ]);
        let output = sandbox.run(&script(profile, &[]), &["pools"], &[]);
        assert_success(&output);
        let calls = sandbox.calls();
        let first_kubectl = match context {
            Some(words) => {
                assert_eq!(calls[0][..words.len()], words[..], "{profile}: {calls:#?}");
                1
            }
            None => 0,
        };
        assert_eq!(
            calls[first_kubectl][1..],
            ["config", "current-context"],
            "{profile}: {calls:#?}"
        );
        assert_pools_steps(&calls, "hyperflow");
        assert_eq!(secret_env_files(&sandbox).len(), 1, "{profile}");
        for call in &calls[first_kubectl..] {
            assert_eq!(call[0], "kubectl", "{profile}: {calls:#?}");
        }
        assert!(
            !calls.iter().any(|call| is_kubectl(call, &["get", "pods"])),
            "{profile}: no range check: {calls:#?}"
        );
    }
}

/// The README's section on worker pools on an existing cluster: its profile gets the
/// pools-only script, its hand-made Secret has the keys and URL the script writes, and the
/// names its "does it work" commands use are the names the render gives.
#[test]
fn readme_existing_cluster_pools_match_the_script_and_the_render() {
    let readme = fs::read_to_string(common::repo_root().join("README.md")).unwrap();
    let start = readme
        .find("### Worker pools on an existing cluster")
        .unwrap();
    let section = &readme[start..start + readme[start..].find("\n## ").unwrap()];
    let toml_block = section
        .split("```toml\n")
        .nth(1)
        .and_then(|rest| rest.split("```").next())
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let profile = common::write_file(dir.path(), "my-pools.toml", toml_block);

    // setup: the pools-only script; the hand commands are the script's.
    let text = script(&profile, &[]);
    assert!(text.contains("\n    setup_pools\n"), "{text}");
    assert!(!text.contains("clusters create"), "{text}");
    assert!(section.contains(&format!("kubectl apply --server-side -f {KEDA_MANIFEST}\n")));
    let sandbox = Sandbox::new(&[("kubectl", KUBECTL_POOLS_STUB)]);
    assert_success(&sandbox.run(&text, &[], &[]));
    let secret = env_file(&secret_env_files(&sandbox)[0].0);
    let by_hand = section
        .lines()
        .find(|line| line.contains("printf 'username="))
        .unwrap();
    let format = by_hand.split('\'').nth(1).unwrap().replace("\\n", "\n");
    let password = &secret["password"];
    let written = format.replacen("%s", password, 2);
    assert_eq!(env_file(&written), secret, "{by_hand}");

    // The render: the names the checks use.
    let loaded = profile::load(&profile, &[]).unwrap();
    let bundle = hfgen::render::render(&loaded, &[Component::Core]).unwrap();
    let scaled = bundle
        .find("ScaledObject", "hyperflow-pool-mproject")
        .unwrap();
    let queue = scaled.value["spec"]["triggers"][0]["metadata"]["queueName"]
        .as_str()
        .unwrap();
    assert!(section.contains(&format!("rabbitmqctl purge_queue {queue}\n")));
    assert!(section.contains(&format!("(`{queue}`)")));
    let hpa = format!(
        "keda-hpa-{}",
        scaled.value["metadata"]["name"].as_str().unwrap()
    );
    assert!(section.contains(&hpa));
    let pool = bundle
        .find("Deployment", "hyperflow-pool-mproject")
        .unwrap();
    let label = pool.value["metadata"]["labels"]["app.kubernetes.io/name"]
        .as_str()
        .unwrap();
    assert!(section.contains(&format!("-l app.kubernetes.io/name={label}")));
    let rabbitmq = bundle.find("Deployment", "rabbitmq").unwrap();
    assert_eq!(
        rabbitmq.value["spec"]["template"]["spec"]["containers"][0]["name"],
        "rabbitmq"
    );
    assert!(section.contains("exec deploy/rabbitmq -- rabbitmqctl list_queues"));
    // The node labels the section names are the profile's selectors.
    let master = &loaded.profile.nodes.master;
    let worker = &loaded.profile.nodes.worker;
    for (key, value) in master.iter().chain(worker.iter()) {
        assert!(
            section.contains(&format!("`{key}={value}`")),
            "{key}={value}"
        );
    }
}

/// `hfgen check --update` keeps the pools-only script of a GKE profile without `[cluster]`
/// under review with its render, and none for a profile with nothing to set up.
#[test]
fn golden_tree_holds_the_pools_only_script() {
    let golden = tempfile::tempdir().unwrap();
    for (profile, folder, expected) in [
        (existing_gke_pools_profile(), "pools-gke-existing", true),
        (
            common::repo_root()
                .join("tests/profiles/bad/gke-without-cluster.toml")
                .display()
                .to_string(),
            "gke-without-cluster",
            false,
        ),
    ] {
        let golden_arg = golden.path().display().to_string();
        common::hfgen_ok(&[
            "check",
            "--update",
            "--golden",
            &golden_arg,
            "--profile",
            &profile,
        ]);
        let file = golden.path().join(folder).join("setup.sh");
        assert_eq!(file.exists(), expected, "{}", file.display());
        if expected {
            assert_eq!(fs::read_to_string(&file).unwrap(), script(&profile, &[]));
        }
    }
}

/// Every project id that hfgen's own profiles and README show is one `hfgen setup` refuses.
#[test]
fn every_example_project_id_is_a_refused_placeholder() {
    let mut texts = vec![fs::read_to_string(common::repo_root().join("README.md")).unwrap()];
    texts.extend(
        BUILTIN_PROFILES
            .iter()
            .map(|builtin| builtin.source.to_string()),
    );
    let mut found = Vec::new();
    for text in &texts {
        for line in text.lines() {
            let line = line.trim();
            if let Some(value) = line.strip_prefix("project = \"") {
                found.push(value.split('"').next().unwrap().to_string());
            }
        }
    }
    assert!(found.len() >= 2, "{found:?}");
    for project in found {
        assert!(
            hfgen::profile::check_cluster::PLACEHOLDER_PROJECTS.contains(&project.as_str()),
            "`{project}` is an example project id that setup would hand to gcloud"
        );
    }
}

/// A Filestore class: setup enables the Filestore API before the cluster, creates the cluster
/// with the CSI driver add-on, and turns the add-on on in a cluster that exists.
#[test]
fn gke_setup_enables_what_a_filestore_class_needs() {
    let profile = common::data_profile("storage-class");
    let (_sandbox, calls) = gke_profile_calls(&profile, &[], &[]);
    let enable = calls
        .iter()
        .position(|call| {
            call[1..]
                == [
                    "services",
                    "enable",
                    "file.googleapis.com",
                    "--project=my-gcp-project",
                ]
        })
        .unwrap_or_else(|| panic!("no Filestore API in {calls:#?}"));
    let create = calls
        .iter()
        .position(|call| call[1..4] == ["container", "clusters", "create"])
        .unwrap();
    assert!(enable < create, "{calls:#?}");
    assert_eq!(
        flag(&calls[create], "--addons"),
        Some("GcpFilestoreCsiDriver")
    );

    let exists = Sandbox::new(&[("gcloud", ""), ("kubectl", "")]);
    assert_success(&exists.run(&script(&profile, &[]), &[], &[]));
    let update = find_call(
        &exists.calls(),
        &["gcloud", "container", "clusters", "update"],
    )
    .clone();
    assert!(
        update.contains(&"--update-addons=GcpFilestoreCsiDriver=ENABLED".to_string()),
        "{update:?}"
    );

    // The NFS server needs neither.
    let (_sandbox, calls) = gke_calls(&[], &[]);
    assert!(
        !calls.iter().flatten().any(|arg| arg.contains("ilestore")),
        "{calls:#?}"
    );
}

/// The worker pool autoscales up to what the workers need at their most; a profile without
/// worker pools keeps the fixed pool it asked for.
#[test]
fn gke_worker_pool_autoscales_to_what_its_workers_need() {
    let (_sandbox, calls) = gke_profile_calls(&worker_pools_profile(), &[], &[]);
    let pool = find_call(&calls, &["gcloud", "container", "node-pools", "create"]);
    assert!(
        pool.contains(&"--enable-autoscaling".to_string()),
        "{pool:?}"
    );
    assert_eq!(flag(pool, "--min-nodes"), Some("3"));
    // 20 x 1 CPU, 50 x 0.7 CPU, a task Job and the log parser on n1-standard-2 nodes with
    // 1680m free each: 20 + 15 + 10 + 1.
    assert_eq!(flag(pool, "--max-nodes"), Some("46"));

    let bounded = [
        "cluster.worker_pool.min_nodes=1".to_string(),
        "cluster.worker_pool.max_nodes=60".to_string(),
    ];
    let (_sandbox, calls) = gke_profile_calls(&worker_pools_profile(), &bounded, &[]);
    let pool = find_call(&calls, &["gcloud", "container", "node-pools", "create"]);
    assert_eq!(
        (flag(pool, "--min-nodes"), flag(pool, "--max-nodes")),
        (Some("1"), Some("60"))
    );

    let (_sandbox, calls) = gke_calls(&[], &[]);
    let pool = find_call(&calls, &["gcloud", "container", "node-pools", "create"]);
    assert_eq!(flag(pool, "--max-nodes"), None, "{pool:?}");
}

/// kind: the host must have the CPUs and memory the pods need before a cluster is created.
#[test]
fn kind_script_refuses_a_host_smaller_than_the_pods_need() {
    let sandbox = Sandbox::new(&[("kind", KIND_STUB), ("docker", ""), ("kubectl", "")]);
    sandbox.set_host(2, 3000);
    let output = sandbox.run(&script("kind", &["host.cpus=3".into()]), &[], &[]);
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("this machine has 2 CPUs and 3000 MiB of memory; the cluster needs 3 CPUs"),
        "{stderr}"
    );
    let calls = sandbox.calls();
    assert!(
        !calls.iter().any(|call| call[..2] == ["kind", "create"]),
        "{calls:#?}"
    );
}
