//! Will it fit? A stand-in for GKE and the scheduler judges what `hfgen setup` creates (the
//! gcloud calls of its script, run against a stub) against what `hfgen render` asks for (every
//! pod template of the render with its node selector, each worker pool at its ScaledObject's
//! `maxReplicaCount`, and one task Job as the real engine's code sends it), without hfgen's
//! capacity code. The stand-in knows machine types from Google's documentation and GKE's
//! reservation formula; the cluster's own pods are hfgen's stated allowance
//! (`data/node-capacity.toml`), an input both share. Then the capacity check's own messages,
//! `explain --capacity`, and that its cost grows linearly with the worker pools.

mod common;

use common::sandbox::{find_call, flag, Call, Sandbox, GCLOUD_NOTHING_EXISTS};
use common::{documents, hfgen, repo_root, stderr, stdout};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::Path;

/// vCPUs and memory (GiB) of the machine types the profiles under test use, from Google's
/// "General-purpose machine family for Compute Engine" tables.
const MACHINES: &[(&str, f64, f64)] = &[
    ("n1-standard-2", 2.0, 7.5),
    ("n1-standard-4", 4.0, 15.0),
    ("e2-standard-4", 4.0, 16.0),
    ("e2-standard-8", 8.0, 32.0),
];

/// A project id that is nobody's placeholder.
const PROJECT: &str = "cluster.project=hf-capacity-test";

/// `hfgen COMMAND --profile PROFILE --set SET...`.
fn run(command: &str, profile: &str, sets: &[&str]) -> std::process::Output {
    let mut args = vec![command, "--profile", profile];
    for set in sets {
        args.extend(["--set", set]);
    }
    hfgen(&args)
}

/// Fails unless `text` contains every one of `parts`.
fn assert_mentions(text: &str, parts: &[&str], what: &str) {
    for part in parts {
        assert!(text.contains(part), "{what}: `{part}` in:\n{text}");
    }
}

/// CPU cores and MiB a GKE node offers to pods ("Plan GKE Standard node sizes": 6 % of the
/// first core, 1 % of the second, 0.5 % of the next two, 0.25 % above; 25 % of the first 4 GiB
/// of memory, 20 % of the next 4, 10 % of the next 8, 6 % up to 128 GiB, 2 % above, and a
/// 100 MiB eviction threshold).
fn gke_allocatable(machine: &str) -> (f64, f64) {
    let &(_, cores, gib) = MACHINES
        .iter()
        .find(|(name, _, _)| *name == machine)
        .unwrap_or_else(|| panic!("add {machine}'s size from Google's documentation"));
    let mut cpu = cores;
    for core in 1..=(cores as u32) {
        cpu -= match core {
            1 => 0.06,
            2 => 0.01,
            3 | 4 => 0.005,
            _ => 0.0025,
        };
    }
    let mut reserved_gib = 0.0;
    let mut left = gib;
    for (width, share) in [
        (4.0, 0.25),
        (4.0, 0.2),
        (8.0, 0.1),
        (112.0, 0.06),
        (1e9, 0.02),
    ] {
        let part = f64::min(left, width);
        reserved_gib += part * share;
        left -= part;
    }
    (cpu, (gib - reserved_gib) * 1024.0 - 100.0)
}

/// A CPU quantity in cores, or a memory quantity in MiB.
fn quantity(text: &str) -> f64 {
    let units = [
        ("Ki", 1.0 / 1024.0),
        ("Mi", 1.0),
        ("Gi", 1024.0),
        ("Ti", 1024.0 * 1024.0),
        ("m", 0.001),
    ];
    for (suffix, scale) in units {
        if let Some(number) = text.strip_suffix(suffix) {
            return number.parse::<f64>().expect("a number") * scale;
        }
    }
    text.parse().unwrap_or_else(|_| panic!("quantity {text}"))
}

fn value_text(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

/// A pod the scheduler must place: its requests (cores, MiB) and node selector.
#[derive(Debug, Clone)]
struct Pod {
    name: String,
    cpu: f64,
    memory: f64,
    selector: BTreeMap<String, String>,
}

/// The pod's requests as the scheduler counts them: the containers together, or the largest
/// init container if that is more.
fn pod_of(name: &str, spec: &Value) -> Pod {
    let request = |container: &Value, key: &str| {
        // The engine sends a task's `cpu: 0.7` as a number.
        let value = &container["resources"]["requests"][key];
        match value {
            Value::Null => 0.0,
            value => quantity(&value_text(value)),
        }
    };
    let list = |key: &str| spec[key].as_array().cloned().unwrap_or_default();
    let sum = |key: &str| -> f64 { list("containers").iter().map(|c| request(c, key)).sum() };
    let init = |key: &str| {
        list("initContainers")
            .iter()
            .map(|c| request(c, key))
            .fold(0.0, f64::max)
    };
    let selector = spec["nodeSelector"]
        .as_object()
        .map(|labels| {
            labels
                .iter()
                .map(|(key, value)| (key.clone(), value_text(value)))
                .collect()
        })
        .unwrap_or_default();
    Pod {
        name: name.to_string(),
        cpu: sum("cpu").max(init("cpu")),
        memory: sum("memory").max(init("memory")),
        selector,
    }
}

/// Every pod of a render at once, at its most: Deployments at their ScaledObject's
/// `maxReplicaCount` (else `replicas`), Jobs at their parallelism, and one task Job as the
/// engine sends it.
fn pods_of(objects: &[Value]) -> Vec<Pod> {
    let max_replicas = |name: &str| {
        objects
            .iter()
            .find(|o| o["kind"] == "ScaledObject" && o["spec"]["scaleTargetRef"]["name"] == name)
            .and_then(|o| o["spec"]["maxReplicaCount"].as_u64())
    };
    let mut pods = Vec::new();
    for object in objects {
        let name = object["metadata"]["name"].as_str().unwrap_or_default();
        let count = match object["kind"].as_str() {
            Some("Deployment" | "StatefulSet") => max_replicas(name)
                .or(object["spec"]["replicas"].as_u64())
                .unwrap_or(1),
            Some("Job") => object["spec"]["parallelism"].as_u64().unwrap_or(1),
            _ => continue,
        };
        let pod = pod_of(name, &object["spec"]["template"]["spec"]);
        pods.extend(std::iter::repeat_n(pod, count as usize));
    }
    let task = common::worker_job_as_sent(objects);
    pods.push(pod_of("task Job", &task["spec"]["template"]["spec"]));
    pods
}

/// One node of a pool, with what is left of it.
#[derive(Debug)]
struct Node {
    pool: String,
    labels: BTreeMap<String, String>,
    cpu: f64,
    memory: f64,
}

/// The stated allowance for the cluster's own pods: (per node, once on the first pool).
fn gke_system() -> ((f64, f64), (f64, f64)) {
    let text = std::fs::read_to_string(repo_root().join("data/node-capacity.toml")).unwrap();
    let table: toml::Table = toml::from_str(&text).unwrap();
    let amount = |key: &str| {
        let entry = &table["gke"]["system"][key];
        (
            quantity(entry["cpu"].as_str().unwrap()),
            quantity(entry["memory"].as_str().unwrap()),
        )
    };
    (amount("per_node"), amount("once"))
}

fn labels(list: Option<&str>) -> BTreeMap<String, String> {
    list.unwrap_or_default()
        .split(',')
        .filter_map(|pair| pair.split_once('='))
        .map(|(key, value)| (key.to_string(), value.to_string()))
        .collect()
}

/// The nodes the script's gcloud calls create, each pool at its most (`--max-nodes` when it
/// autoscales), less the cluster's own pods.
fn gke_nodes(calls: &[Call]) -> Vec<Node> {
    let ((daemon_cpu, daemon_memory), (once_cpu, once_memory)) = gke_system();
    let mut nodes = Vec::new();
    for call in calls {
        let pool = match &call[..4.min(call.len())] {
            [_, _, kind, verb] if kind == "clusters" && verb == "create" => "default-pool",
            [_, _, kind, verb] if kind == "node-pools" && verb == "create" => call[4].as_str(),
            _ => continue,
        };
        let machine = flag(call, "--machine-type").expect("a machine type");
        let count: u32 = flag(call, "--max-nodes")
            .or(flag(call, "--num-nodes"))
            .expect("a node count")
            .parse()
            .unwrap();
        let (cpu, memory) = gke_allocatable(machine);
        for _ in 0..count {
            nodes.push(Node {
                pool: format!("{pool} ({machine})"),
                labels: labels(flag(call, "--node-labels")),
                cpu: cpu - daemon_cpu,
                memory: memory - daemon_memory,
            });
        }
    }
    // kube-dns, metrics-server and the rest land on the pool made with the cluster.
    let first = nodes.first_mut().expect("the cluster has nodes");
    first.cpu -= once_cpu;
    first.memory -= once_memory;
    nodes
}

/// Places the pods largest first on the first node that has their labels and room; returns
/// those that stay Pending.
fn schedule(nodes: &mut [Node], mut pods: Vec<Pod>) -> Vec<Pod> {
    pods.sort_by(|a, b| b.cpu.total_cmp(&a.cpu).then(b.memory.total_cmp(&a.memory)));
    let mut pending = Vec::new();
    for pod in pods {
        let fits = |node: &&mut Node| {
            pod.selector
                .iter()
                .all(|(key, value)| node.labels.get(key) == Some(value))
                && node.cpu + 1e-9 >= pod.cpu
                && node.memory + 1e-9 >= pod.memory
        };
        match nodes.iter_mut().find(|node| fits(node)) {
            Some(node) => {
                node.cpu -= pod.cpu;
                node.memory -= pod.memory;
            }
            None => pending.push(pod),
        }
    }
    pending
}

/// Renders `profile`, runs its setup script against a gcloud stub, and schedules the render
/// on the nodes the script creates: the pods that stay Pending.
fn pending_on_gke(profile: &str, sets: &[&str]) -> (Vec<Pod>, Vec<Node>) {
    let render = run("render", profile, sets);
    assert!(
        render.status.success(),
        "render {profile}: {}",
        stderr(&render)
    );
    let setup = run("setup", profile, sets);
    assert!(
        setup.status.success(),
        "setup {profile}: {}",
        stderr(&setup)
    );
    let sandbox = Sandbox::new(&[("gcloud", GCLOUD_NOTHING_EXISTS), ("kubectl", "")]);
    let run = sandbox.run(&stdout(&setup), &[], &[]);
    assert!(
        run.status.success(),
        "setup.sh: {}",
        String::from_utf8_lossy(&run.stderr)
    );
    let mut nodes = gke_nodes(&sandbox.calls());
    let pending = schedule(&mut nodes, pods_of(&documents(&stdout(&render))));
    (pending, nodes)
}

/// The README's ```toml blocks that extend the gke profile and keep its `[cluster]`.
fn readme_gke_profiles() -> Vec<String> {
    let readme = std::fs::read_to_string(repo_root().join("README.md")).unwrap();
    readme
        .split("```toml\n")
        .skip(1)
        .filter_map(|rest| rest.split_once("```").map(|(block, _)| block.to_string()))
        .filter(|block| block.contains("extends = \"gke\"") && !block.contains("\"cluster\""))
        .collect()
}

#[test]
fn every_readme_gke_profile_and_the_builtin_fit_the_cluster_their_setup_creates() {
    let dir = tempfile::tempdir().unwrap();
    let mut profiles = vec!["gke".to_string()];
    for (n, block) in readme_gke_profiles().iter().enumerate() {
        profiles.push(common::write_file(
            dir.path(),
            &format!("readme-{n}.toml"),
            block,
        ));
    }
    assert!(
        profiles.len() >= 5,
        "the README's gke examples: {profiles:?}"
    );
    assert!(
        readme_gke_profiles()
            .iter()
            .any(|block| block.contains("mode = \"pools\"")),
        "the README's worker-pools example is among them"
    );
    for profile in &profiles {
        let (pending, nodes) = pending_on_gke(profile, &[PROJECT]);
        let names: Vec<&str> = pending.iter().map(|pod| pod.name.as_str()).collect();
        let left: Vec<String> = nodes
            .iter()
            .map(|node| {
                format!(
                    "{}: {:.2} CPU, {:.0} MiB left",
                    node.pool, node.cpu, node.memory
                )
            })
            .collect();
        assert!(
            pending.is_empty(),
            "{profile}: these pods stay Pending: {names:?}\nnodes after scheduling: {left:#?}"
        );
    }
}

/// What the issue found: one n1-standard-2 cannot hold the engine, the services and GKE's own
/// pods. The stand-in agrees with the check, and the check says so with the numbers.
#[test]
fn an_n1_standard_2_master_pool_is_refused_with_needed_and_available() {
    let machine = "cluster.master_pool.machine_type=n1-standard-2";
    let output = run("render", "gke", &[machine]);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(output.stdout.is_empty());
    let parts = [
        "the master pool (1 x n1-standard-2) cannot hold its pods",
        // system 700m + engine 1000m + Redis 250m + NFS 100m + data 100m + viz-trace 250m.
        "needed 2400m CPU",
        // 1930m allocatable less 250m of DaemonSets.
        "available 1680m CPU",
        "1930m CPU, 5839Mi allocatable per node",
        "hyperflow-engine 1000m CPU, 2048Mi",
        "machine_type = \"n1-standard-4\"",
    ];
    assert_mentions(&stderr(&output), &parts, "render");
    let setup = run("setup", "gke", &[PROJECT, machine]);
    assert_eq!(setup.status.code(), Some(2));
    assert!(stderr(&setup).contains("cannot hold its pods"));
}

#[test]
fn every_refusal_names_its_pool_with_needed_and_available() {
    let pools = common::data_profile("worker-pools");
    let cases: [(&str, &[&str], &[&str]); 4] = [
        (
            pools.as_str(),
            &["cluster.worker_pool.max_nodes=4"],
            &["the worker pool (4 x n1-standard-2) cannot hold its pods", "needed 55950m CPU, 46492Mi on 46 nodes", "available 6720m CPU", "20 x hyperflow-pool-mproject 1000m CPU, 1024Mi", "raise max_nodes"],
        ),
        (
            "gke",
            &["tasks.cpu_request=\"3\""],
            &["task Job requests 3000m CPU, 500Mi per pod, but one node of the worker pool (n1-standard-2) offers 1680m CPU, 5519Mi to pods", "stay Pending"],
        ),
        (
            "minikube-ip",
            // A size the profile gives stands as written, however small.
            &["host.cpus=1"],
            &["the minikube node (1 x minikube --cpus=1 --memory=4608mb) cannot hold its pods", "needed 2700m CPU", "available 1000m CPU", "[host] cpus = 3"],
        ),
        (
            "gke",
            &["cluster.master_pool.machine_type=e2-medium"],
            &["cluster.master_pool.machine_type `e2-medium` is not in hfgen's table", "allocatable = { cpu"],
        ),
    ];
    for (profile, sets, parts) in cases {
        let output = run("render", profile, sets);
        assert_eq!(
            output.status.code(),
            Some(2),
            "{sets:?}: {}",
            stderr(&output)
        );
        assert_mentions(&stderr(&output), parts, &format!("{profile} {sets:?}"));
    }
    // A machine type hfgen does not know, with what one node offers.
    let allocatable = "cluster.master_pool.allocatable={ cpu = \"1900m\", memory = \"3Gi\" }";
    let output = run(
        "render",
        "gke",
        &["cluster.master_pool.machine_type=e2-medium", allocatable],
    );
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("from the profile's allocatable"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn a_nearly_full_pool_is_a_warning() {
    // 2400m of the 3920m - 250m an e2-standard-4 leaves: fine; with a 1.5 CPU engine, 95 %.
    let output = run("render", "gke", &["resources.engine.cpu=\"2.2\""]);
    assert!(output.status.success(), "{}", stderr(&output));
    let message = stderr(&output);
    assert!(
        message.contains("warning") && message.contains("the master pool (1 x e2-standard-4) is 9"),
        "{message}"
    );
}

#[test]
fn explain_capacity_prints_each_pool_with_requested_allocatable_and_headroom() {
    let output = hfgen(&["explain", "--profile", "gke", "--capacity"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let lines = [
        "master pool (e2-standard-4): 1 node(s); per node 3920m CPU, 13621Mi allocatable",
        "hyperflow-engine",
        "requested",
        "headroom",
        "fits on 1 node(s)",
        "worker pool (n1-standard-2): 3 node(s)",
    ];
    assert_mentions(&stdout(&output), &lines, "explain --capacity");
    let refused = hfgen(&[
        "explain",
        "--profile",
        "gke",
        "--capacity",
        "--set",
        "cluster.master_pool.machine_type=n1-standard-2",
    ]);
    assert_eq!(refused.status.code(), Some(2));
    assert!(
        stdout(&refused).contains("DOES NOT FIT: needs 2 nodes"),
        "{}",
        stdout(&refused)
    );
}

/// A profile with `count` worker pools of 5 workers each.
fn pools_profile(dir: &Path, count: usize) -> String {
    let mut text = String::from("extends = \"gke\"\n[execution]\nmode = \"pools\"\n");
    for n in 0..count {
        text.push_str(&format!(
            "[[execution.pools]]\ntask = \"task{n}\"\nmax_replicas = 5\n"
        ));
    }
    common::write_file(dir, &format!("pools-{count}.toml"), &text)
}

/// The plan and the check loop over the pools (and the nodes they need): their cost at 4n
/// pools stays near 4 times their cost at n.
#[test]
fn capacity_cost_grows_linearly_with_the_pools() {
    let dir = tempfile::tempdir().unwrap();
    let time = |count: usize| {
        let loaded = hfgen::profile::load(&pools_profile(dir.path(), count), &[]).unwrap();
        let start = std::time::Instant::now();
        for _ in 0..20 {
            let plan = hfgen::plan::Plan::new(&loaded.profile);
            std::hint::black_box(hfgen::plan::capacity::table(&plan.capacity));
            std::hint::black_box(hfgen::plan::capacity::check(&loaded, &plan.capacity).unwrap());
        }
        start.elapsed().as_secs_f64()
    };
    time(50);
    let (small, large) = (time(250), time(1000));
    assert!(
        large / small < 8.0,
        "250 pools {small:.3}s, 1000 pools {large:.3}s"
    );
}

/// minikube's size comes from the profile, and the script refuses a host smaller than that
/// before it starts anything.
#[test]
fn minikube_size_comes_from_the_profile_and_the_host_is_checked_first() {
    let script = |sets: &[&str]| {
        let output = run("setup", "minikube-ip", sets);
        assert!(output.status.success(), "{}", stderr(&output));
        stdout(&output)
    };
    let not_running = "case \"$1\" in status) exit 7 ;; esac";
    let sandbox = Sandbox::new(&[("minikube", not_running), ("kubectl", "")]);
    sandbox.run(&script(&["host.cpus=6", "host.memory=\"12Gi\""]), &[], &[]);
    let calls = sandbox.calls();
    let start = find_call(&calls, &["minikube", "start"]);
    assert_eq!(flag(start, "--cpus"), Some("6"));
    assert_eq!(flag(start, "--memory"), Some("12288mb"));

    let small = Sandbox::new(&[("minikube", not_running), ("kubectl", "")]);
    small.set_host(2, 3000);
    let output = small.run(&script(&[]), &[], &[]);
    assert_eq!(output.status.code(), Some(1));
    let message = String::from_utf8_lossy(&output.stderr);
    assert!(
        message.contains(
            "this machine has 2 CPUs and 3000 MiB of memory; the cluster needs 4 CPUs and 4608 MiB"
        ),
        "{message}"
    );
    assert!(
        !small
            .calls()
            .iter()
            .any(|call| call[..2] == ["minikube", "start"]),
        "minikube started on a host too small"
    );
}

/// A Filestore claim without a size asks for the smallest instance its class makes, and
/// says so; the NFS server's claim keeps its size.
#[test]
fn a_filestore_claim_without_a_size_takes_its_class_minimum_with_a_note() {
    let output = run(
        "render",
        "gke",
        &["storage.type=storage-class", "storage.class=premium-rwx"],
    );
    assert!(output.status.success(), "{}", stderr(&output));
    let claim = documents(&stdout(&output))
        .into_iter()
        .find(|object| object["kind"] == "PersistentVolumeClaim")
        .expect("a claim");
    assert_eq!(claim["spec"]["resources"]["requests"]["storage"], "2560Gi");
    assert!(
        stderr(&output).contains("the claim on `premium-rwx` asks for 2560Gi"),
        "{}",
        stderr(&output)
    );
}

/// The capacity plan lists the pods the render holds: per node selector, its pods' requests
/// add up to what the rendered pod templates (at their most) and the engine's task Job ask
/// for, so a pod added to a template cannot be left out of the check.
#[test]
fn the_capacity_plan_counts_every_rendered_pod_on_its_pool() {
    let profiles = [
        "gke".to_string(),
        common::data_profile("worker-pools"),
        common::data_profile("storage-class"),
        "kind".to_string(),
    ];
    for profile in &profiles {
        let loaded = hfgen::profile::load(profile, &[]).unwrap();
        let render = run("render", profile, &[]);
        assert!(render.status.success(), "{}", stderr(&render));
        let pods = pods_of(&documents(&stdout(&render)));
        let plan = hfgen::plan::Plan::new(&loaded.profile).capacity;
        for (labels, pool) in [
            (&loaded.profile.nodes.master, &plan.pools[0]),
            (&loaded.profile.nodes.worker, &plan.pools[1]),
        ] {
            let selector: BTreeMap<String, String> = labels.clone().into_iter().collect();
            let rendered = pods.iter().filter(|pod| pod.selector == selector);
            let (cpu, memory) = rendered.fold((0.0, 0.0), |(cpu, memory), pod| {
                (cpu + pod.cpu, memory + pod.memory)
            });
            let planned: Vec<_> = pool
                .pods
                .iter()
                .filter(|group| !group.name.contains("system pods"))
                .collect();
            let planned_cpu: u64 = planned.iter().map(|g| g.each.cpu_m * g.count).sum();
            let planned_mib: u64 = planned.iter().map(|g| g.each.memory_mib * g.count).sum();
            assert_eq!(
                ((cpu * 1000.0).round() as u64, memory.round() as u64),
                (planned_cpu, planned_mib),
                "{profile}, {}: rendered pods vs the plan's {planned:#?}",
                pool.name
            );
        }
    }
}
