//! `hfgen diagram`: every built-in profile drawn in every format. Mermaid and DOT outputs are
//! golden files in tests/diagram/, the README's picture is docs/architecture-gke.svg; run with
//! `HFGEN_BLESS=1` to rewrite them after an intended change.

mod common;
#[path = "diagram/geometry.rs"]
mod geometry;

use geometry::Picture;
use hfgen::diagram::{self, graph::Graph, Format};
use hfgen::layout::Component;
use hfgen::manifests::Bundle;
use hfgen::profile::{self, builtin};
use hfgen::render;
use std::path::Path;

const PINNED_IP: &str = "10.96.100.100";
const GKE_NFS_DNS: &str = "nfs-server.hyperflow.svc.cluster.local";

fn bundle(profile: &str, sets: &[&str]) -> Bundle {
    let sets: Vec<String> = sets.iter().map(|s| s.to_string()).collect();
    let loaded = profile::load(profile, &sets).expect("built-in profile loads");
    render::render_profile(&loaded, &[Component::Core, Component::Postprocess])
        .expect("built-in profile renders")
}

fn draw(profile: &str, format: Format) -> String {
    diagram::draw(&bundle(profile, &[]), format).expect("diagram draws")
}

/// The example profile with worker pools (its render is the golden variant `worker-pools`).
fn worker_pools() -> String {
    common::data_profile("worker-pools")
}

/// The built-in profiles and the worker pools variant, with the name of their golden files.
fn drawn_profiles() -> Vec<(String, String)> {
    builtin::names()
        .into_iter()
        .map(|name| (name.to_string(), name.to_string()))
        .chain([(worker_pools(), "worker-pools".to_string())])
        .collect()
}

/// Compares `actual` with the file at `path`, or rewrites it when HFGEN_BLESS is set.
fn check_golden(path: &Path, actual: &str) {
    if common::blessing() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(path).unwrap_or_else(|e| {
        panic!(
            "{}: {e}; run HFGEN_BLESS=1 cargo test --test diagram",
            path.display()
        )
    });
    if expected != actual {
        let diff = similar::TextDiff::from_lines(&expected, actual)
            .unified_diff()
            .header("expected", "actual")
            .to_string();
        panic!(
            "{} differs from the output (HFGEN_BLESS=1 rewrites it):\n{diff}",
            path.display()
        );
    }
}

/// The label lines of every node in an output, in a format-aware way.
fn label_lines(format: Format, output: &str) -> Vec<String> {
    match format {
        // Node labels: `id["<b>Kind</b><br/>name<br/>detail"]` and the like.
        Format::Mermaid => output
            .split("<br/>")
            .flat_map(|part| part.split('"'))
            .map(str::to_string)
            .collect(),
        Format::Dot => output
            .split("\\n")
            .flat_map(|part| part.split('"'))
            .map(str::to_string)
            .collect(),
        Format::Svg => {
            let document = roxmltree::Document::parse(output).expect("SVG is well-formed XML");
            document
                .descendants()
                .filter(|n| n.has_tag_name("text"))
                .filter_map(|n| n.text())
                .map(str::to_string)
                .collect()
        }
    }
}

#[test]
fn every_workload_service_and_claim_appears_in_every_format() {
    for name in builtin::names() {
        let bundle = bundle(name, &[]);
        let wanted: Vec<String> = bundle
            .documents()
            .filter(|d| {
                matches!(
                    d.kind(),
                    "Deployment" | "Job" | "Service" | "PersistentVolumeClaim" | "PersistentVolume"
                )
            })
            .map(|d| d.name().to_string())
            .collect();
        assert!(wanted.len() >= 9, "{name}: only {wanted:?}");
        for format in Format::ALL {
            let output = diagram::draw(&bundle, format).unwrap();
            let lines = label_lines(format, &output);
            for object in &wanted {
                assert!(
                    lines.iter().any(|l| l == object),
                    "{name} {}: no node named {object}",
                    format.name()
                );
            }
            // The Jobs the engine creates, with the worker image it will give them.
            assert!(
                lines.iter().any(|l| l == "job${jobName}"),
                "{name} {}",
                format.name()
            );
            assert!(
                lines
                    .iter()
                    .any(|l| l == "hyperflowwms/montage-worker:6.0-je1.4.0"),
                "{name} {}: worker image",
                format.name()
            );
        }
    }
}

#[test]
fn svg_is_well_formed_and_names_every_node() {
    for (name, _) in drawn_profiles() {
        let bundle = bundle(&name, &[]);
        let graph = Graph::build(&bundle).unwrap();
        let svg = diagram::draw(&bundle, Format::Svg).unwrap();
        let document = roxmltree::Document::parse(&svg).expect("SVG is well-formed XML");
        let root = document.root_element();
        assert_eq!(root.tag_name().name(), "svg");
        assert_eq!(
            root.tag_name().namespace(),
            Some("http://www.w3.org/2000/svg")
        );
        for node in &graph.nodes {
            let id = format!("node-{}", node.id);
            assert!(
                document
                    .descendants()
                    .any(|n| n.attribute("id") == Some(id.as_str())),
                "{name}: no element {id}"
            );
        }
    }
}

#[test]
fn mermaid_and_dot_match_golden_files() {
    for (name, golden) in drawn_profiles() {
        for format in [Format::Mermaid, Format::Dot] {
            let path = common::repo_root()
                .join("tests/diagram")
                .join(format!("{golden}.{}", format.extension()));
            check_golden(&path, &draw(&name, format));
        }
    }
}

#[test]
fn dot_parses_as_graphviz() {
    for (name, _) in drawn_profiles() {
        let dot = draw(&name, Format::Dot);
        let mut parser = layout::gv::DotParser::new(&dot);
        if let Err(error) = parser.process() {
            parser.print_error();
            panic!("{name}: DOT does not parse: {error}");
        }
    }
    // The parser does reject broken DOT, so the check above means something.
    assert!(layout::gv::DotParser::new("digraph { a -> ; }")
        .process()
        .is_err());
}

#[test]
fn readme_picture_is_the_gke_svg() {
    check_golden(
        &common::repo_root().join("docs/architecture-gke.svg"),
        &draw("gke", Format::Svg),
    );
}

#[test]
fn output_is_deterministic() {
    for format in Format::ALL {
        // Separate bundles and graphs: nothing may depend on hash seeds or addresses.
        assert_eq!(draw("minikube-ip", format), draw("minikube-ip", format));
    }
}

#[test]
fn nfs_volume_names_the_server_by_pinned_ip_or_dns_name() {
    for format in Format::ALL {
        let ip = draw("minikube-ip", format);
        let dns = draw("gke", format);
        let edge = |output: &str, address: &str| output.contains(&format!("NFS {address}"));
        assert!(edge(&ip, PINNED_IP), "minikube-ip {}", format.name());
        assert!(!ip.contains(GKE_NFS_DNS), "minikube-ip {}", format.name());
        assert!(edge(&dns, GKE_NFS_DNS), "gke {}", format.name());
        assert!(!dns.contains(PINNED_IP), "gke {}", format.name());
    }
}

/// `(from, label, to)` with nodes as `Kind/name`, for the links the picture must show.
fn edges(graph: &Graph) -> Vec<(String, String, String)> {
    let key = |i: usize| format!("{}/{}", graph.nodes[i].kind, graph.nodes[i].name);
    graph
        .edges
        .iter()
        .map(|e| (key(e.from), e.label.clone(), key(e.to)))
        .collect()
}

#[test]
fn edges_come_from_the_objects() {
    let graph = Graph::build(&bundle("minikube-ip", &[])).unwrap();
    let edges = edges(&graph);
    let expected = [
        ("Service/redis", "selects", "Deployment/redis"),
        ("Service/nfs-server", "selects", "Deployment/nfs-server"),
        ("Job/hyperflow-engine", "REDIS_URL", "Service/redis"),
        (
            "Job/hyperflow-engine",
            "job template",
            "ConfigMap/hyperflow-config",
        ),
        (
            "Job/hyperflow-engine",
            "mounts",
            "PersistentVolumeClaim/nfs",
        ),
        (
            "Job/hyperflow-engine",
            "runs as",
            "ServiceAccount/hyperflow-engine",
        ),
        (
            "PersistentVolumeClaim/nfs",
            "bound to",
            "PersistentVolume/hyperflow-nfs",
        ),
        (
            "PersistentVolume/hyperflow-nfs",
            "NFS 10.96.100.100",
            "Service/nfs-server",
        ),
        ("Deployment/nfs-server", "exports", "NFS export/exports"),
        (
            "RoleBinding/hyperflow-engine-job-creator",
            "subject",
            "ServiceAccount/hyperflow-engine",
        ),
        (
            "RoleBinding/hyperflow-engine-job-creator",
            "grants",
            "Role/hyperflow-engine-job-creator",
        ),
        (
            "Job/hyperflow-engine",
            "creates",
            "Job (one per task)/job${jobName}",
        ),
        (
            "Job (one per task)/job${jobName}",
            "REDIS_URL in task command",
            "Service/redis",
        ),
        (
            "Job (one per task)/job${jobName}",
            "mounts",
            "PersistentVolumeClaim/nfs",
        ),
        ("Job/nfs-data", "mounts", "PersistentVolumeClaim/nfs"),
    ];
    for (from, label, to) in expected {
        let edge = (from.to_string(), label.to_string(), to.to_string());
        assert!(edges.contains(&edge), "missing {edge:?} in {edges:#?}");
    }
    // Nothing selects the engine, and nothing but the engine runs as its account.
    assert!(!edges
        .iter()
        .any(|e| e.1 == "selects" && e.2 == "Job/hyperflow-engine"));
    assert_eq!(edges.iter().filter(|e| e.1 == "runs as").count(), 1);
}

#[test]
fn selectors_and_addresses_follow_set_values() {
    // Another namespace: the DNS names change and must still resolve to the Services.
    let graph = Graph::build(&bundle("gke", &["namespace=hf-test"])).unwrap();
    let edges = edges(&graph);
    assert!(edges.contains(&(
        "PersistentVolume/hf-test-nfs".to_string(),
        "NFS nfs-server.hf-test.svc.cluster.local".to_string(),
        "Service/nfs-server".to_string()
    )));
    assert!(edges
        .iter()
        .any(|e| e.1 == "REDIS_URL" && e.2 == "Service/redis"));
}

#[test]
fn cluster_admin_binding_reaches_every_service_account() {
    let graph = Graph::build(&bundle("minikube-ip", &["rbac.mode=cluster-admin"])).unwrap();
    let edges = edges(&graph);
    let binding = "ClusterRoleBinding/serviceaccounts-cluster-admin-hyperflow";
    for (from, label, to) in [
        (
            binding,
            "grants",
            "ClusterRole (not rendered)/cluster-admin",
        ),
        (
            binding,
            "subject",
            "Group (not rendered)/system:serviceaccounts",
        ),
        (
            "Group (not rendered)/system:serviceaccounts",
            "includes",
            "ServiceAccount/hyperflow-engine",
        ),
    ] {
        let edge = (from.to_string(), label.to_string(), to.to_string());
        assert!(edges.contains(&edge), "missing {edge:?} in {edges:#?}");
    }
}

#[test]
fn broken_job_template_is_an_error_not_a_panic() {
    let mut bundle = bundle("gke", &[]);
    let config_map = bundle
        .files
        .iter_mut()
        .flat_map(|f| f.documents.iter_mut())
        .find(|d| d.kind() == "ConfigMap")
        .unwrap();
    config_map.value["data"]["job-template.yaml"] = "spec: [unclosed".into();
    for format in Format::ALL {
        let error = diagram::draw(&bundle, format).unwrap_err();
        assert!(error.to_string().contains("job-template.yaml"), "{error}");
    }
}

#[test]
fn cli_prints_the_chosen_format() {
    let default = common::hfgen(&["diagram", "--profile", "gke"]);
    assert!(default.status.success());
    assert_eq!(
        String::from_utf8(default.stdout).unwrap(),
        draw("gke", Format::Mermaid)
    );
    let svg = common::hfgen(&["diagram", "-p", "minikube-ip", "--format", "svg"]);
    assert!(svg.status.success());
    assert_eq!(
        String::from_utf8(svg.stdout).unwrap(),
        draw("minikube-ip", Format::Svg)
    );
    let set = common::hfgen(&[
        "diagram",
        "-p",
        "gke",
        "--set",
        "namespace=hf-x",
        "--format",
        "dot",
    ]);
    assert!(String::from_utf8(set.stdout)
        .unwrap()
        .contains("nfs-server.hf-x.svc.cluster.local"));
}

#[test]
fn cli_bad_input_exits_2_with_nothing_on_stdout() {
    for args in [
        &["diagram", "--profile", "no-such-profile"][..],
        &["diagram", "--profile", "gke", "--format", "png"],
        &[
            "diagram",
            "--profile",
            "gke",
            "--set",
            "nfs.address=carrier-pigeon",
        ],
    ] {
        let output = common::hfgen(args);
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        assert!(output.stdout.is_empty(), "{args:?}");
        assert!(!output.stderr.is_empty(), "{args:?}");
    }
}

#[test]
fn each_network_policy_points_at_the_pods_it_selects() {
    let bundle = bundle("gke", &[]);
    let graph = Graph::build(&bundle).unwrap();
    let applies: Vec<(String, String)> = edges(&graph)
        .into_iter()
        .filter(|(_, label, _)| label == "applies to")
        .map(|(from, _, to)| (from, to))
        .collect();
    let targets = |policy: &str| -> Vec<&str> {
        applies
            .iter()
            .filter(|(from, _)| from == policy)
            .map(|(_, to)| to.as_str())
            .collect()
    };
    assert_eq!(targets("NetworkPolicy/redis"), ["Deployment/redis"]);
    assert_eq!(
        targets("NetworkPolicy/nfs-server"),
        ["Deployment/nfs-server"]
    );
    // The default-deny policy selects every pod of the deployment.
    let all = targets("NetworkPolicy/hyperflow-deny-ingress");
    for workload in [
        "Deployment/redis",
        "Deployment/nfs-server",
        "Job/hyperflow-engine",
        "Job/nfs-data",
        "Job/logs-parser",
        "Job/viz-exec-trace",
    ] {
        assert!(all.contains(&workload), "{workload}: {all:?}");
    }
}

/// The drawn (from, to) of every arrow of the SVG of `profile`, by the objects its ends touch.
fn svg_arrow_ends(picture: &Picture) -> Vec<(String, String)> {
    picture
        .arrows
        .iter()
        .map(|arrow| {
            let (from, to) = picture.ends(arrow);
            let name = |end: Option<&str>| end.unwrap_or("(no object)").to_string();
            (name(from), name(to))
        })
        .collect()
}

/// The (from, to) node ids of the graph's edges, sorted, each pair once.
fn related_pairs(graph: &Graph) -> Vec<(String, String)> {
    let mut related: Vec<(String, String)> = graph
        .edges
        .iter()
        .map(|e| (graph.nodes[e.from].id.clone(), graph.nodes[e.to].id.clone()))
        .collect();
    related.sort();
    related.dedup();
    related
}

/// The pictures the geometric tests read: the README's (gke) and the worker pools render.
fn pictured_profiles() -> [(String, &'static str); 2] {
    [("gke".to_string(), "gke"), (worker_pools(), "worker pools")]
}

/// The layout routes every arrow between the two objects it joins, around every other one.
#[test]
fn svg_arrows_pass_through_no_object_they_do_not_join() {
    let mut failures = Vec::new();
    for (profile, what) in pictured_profiles() {
        let picture = Picture::parse(&draw(&profile, Format::Svg));
        assert!(
            picture.boxes.len() > 15,
            "{what}: {} objects",
            picture.boxes.len()
        );
        let crossings = picture.crossings();
        if !crossings.is_empty() {
            let list: Vec<String> = crossings
                .iter()
                .map(|c| format!("  {} -> {} through {}", c.from, c.to, c.through.join(", ")))
                .collect();
            failures.push(format!(
                "{what}: {} of {} arrows run through objects they do not join:\n{}",
                crossings.len(),
                picture.arrows.len(),
                list.join("\n")
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// One arrow per pair of related objects, from the one to the other: none lands on a group
/// frame or on a neighbour, none is drawn twice.
#[test]
fn svg_arrows_join_the_objects_of_each_relation() {
    for (profile, what) in pictured_profiles() {
        let graph = Graph::build(&bundle(&profile, &[])).unwrap();
        let related = related_pairs(&graph);
        let picture = Picture::parse(&draw(&profile, Format::Svg));
        let mut drawn = svg_arrow_ends(&picture);
        drawn.sort();
        let wrong: Vec<_> = drawn.iter().filter(|d| !related.contains(d)).collect();
        let missing: Vec<_> = related.iter().filter(|r| !drawn.contains(r)).collect();
        assert!(
            wrong.is_empty() && missing.is_empty() && drawn.len() == related.len(),
            "{what}: {} arrows for {} relations; drawn between unrelated objects: {wrong:#?}; not drawn: {missing:#?}",
            drawn.len(),
            related.len()
        );
    }
}

type Pair = (String, String);

/// What the rendered objects say about the worker pools, read without the diagram's code:
/// (queue, pool Deployment) from each Deployment's QUEUE_NAME, and each ScaledObject with
/// the Deployment it scales.
fn pools_in_render(bundle: &Bundle) -> (Vec<Pair>, Vec<Pair>) {
    let mut consumers = Vec::new();
    let mut scaled = Vec::new();
    for doc in bundle.documents() {
        match doc.kind() {
            "Deployment" => {
                let env = doc.value["spec"]["template"]["spec"]["containers"][0]["env"]
                    .as_array()
                    .cloned()
                    .unwrap_or_default();
                let queue = env
                    .iter()
                    .find(|var| var["name"] == "QUEUE_NAME")
                    .and_then(|var| var["value"].as_str());
                if let Some(queue) = queue {
                    consumers.push((queue.to_string(), doc.name().to_string()));
                }
            }
            "ScaledObject" => {
                let target = doc.value["spec"]["scaleTargetRef"]["name"]
                    .as_str()
                    .unwrap();
                scaled.push((doc.name().to_string(), target.to_string()));
            }
            _ => {}
        }
    }
    (consumers, scaled)
}

#[test]
fn every_queue_and_pool_is_drawn_and_linked() {
    let bundle = bundle(&worker_pools(), &[]);
    let (consumers, scaled) = pools_in_render(&bundle);
    assert_eq!(consumers.len(), 3, "{consumers:?}");
    assert_eq!(scaled.len(), 3, "{scaled:?}");
    let graph = Graph::build(&bundle).unwrap();
    let edges = edges(&graph);
    let has = |from: &str, label: &str, to: &str| {
        let edge = (from.to_string(), label.to_string(), to.to_string());
        assert!(edges.contains(&edge), "missing {edge:?} in {edges:#?}");
    };
    for (queue, pool) in &consumers {
        let queue_node = format!("RabbitMQ queue/{queue}");
        let pool_node = format!("Deployment/{pool}");
        has("Job/hyperflow-engine", "sends tasks", &queue_node);
        has("Deployment/rabbitmq", "holds", &queue_node);
        has(&queue_node, "consumed by", &pool_node);
        // The pool workers reach Redis and the shared volume as the worker Jobs do.
        has(&pool_node, "REDIS_URL", "Service/redis");
        has(&pool_node, "mounts", "PersistentVolumeClaim/nfs");
        has(&pool_node, "RABBIT_HOSTNAME", "Service/rabbitmq");
    }
    for (object, target) in &scaled {
        let object_node = format!("ScaledObject/{object}");
        has(&object_node, "scales", &format!("Deployment/{target}"));
        has(
            &object_node,
            "authenticates with",
            "TriggerAuthentication/hyperflow-rabbitmq",
        );
    }
    has(
        "TriggerAuthentication/hyperflow-rabbitmq",
        "reads",
        "Secret (not rendered)/hyperflow-rabbitmq",
    );
    // One node per queue, however many objects name it; the queues and the pools in the
    // pools' box.
    let queues: Vec<&str> = graph
        .nodes
        .iter()
        .filter(|n| n.kind == "RabbitMQ queue")
        .map(|n| n.name.as_str())
        .collect();
    let mut expected: Vec<&str> = consumers.iter().map(|(q, _)| q.as_str()).collect();
    expected.sort();
    let mut sorted = queues.clone();
    sorted.sort();
    assert_eq!(sorted, expected);
    for node in &graph.nodes {
        if node.kind == "RabbitMQ queue" {
            assert_eq!(node.group, Some(diagram::graph::Group::Pools), "{node:?}");
        }
        if consumers.iter().any(|(_, pool)| *pool == node.name) {
            assert_eq!(node.group, Some(diagram::graph::Group::Pools), "{node:?}");
        }
    }
    // And in every format's picture.
    for format in Format::ALL {
        let lines = label_lines(format, &diagram::draw(&bundle, format).unwrap());
        for (queue, pool) in &consumers {
            for name in [queue, pool] {
                assert!(
                    lines.iter().any(|l| l == name),
                    "{}: no node named {name}",
                    format.name()
                );
            }
        }
    }
}

/// A queue nobody consumes, or a pool whose queue the engine never fills, still shows; a jobs
/// render has no queue at all.
#[test]
fn queues_come_from_the_objects_not_the_profile() {
    let mut changed = bundle(&worker_pools(), &[]);
    let pool = changed
        .find_mut("Deployment", "hyperflow-pool-mdifffit")
        .unwrap();
    let env = pool.value["spec"]["template"]["spec"]["containers"][0]["env"]
        .as_array_mut()
        .unwrap();
    let queue = env
        .iter_mut()
        .find(|var| var["name"] == "QUEUE_NAME")
        .unwrap();
    queue["value"] = "elsewhere.mDiffFit".into();
    let graph = Graph::build(&changed).unwrap();
    let edges = edges(&graph);
    assert!(edges.contains(&(
        "RabbitMQ queue/elsewhere.mDiffFit".to_string(),
        "consumed by".to_string(),
        "Deployment/hyperflow-pool-mdifffit".to_string()
    )));
    // The engine still fills hyperflow.mDiffFit, which now only KEDA counts.
    assert!(edges.contains(&(
        "Job/hyperflow-engine".to_string(),
        "sends tasks".to_string(),
        "RabbitMQ queue/hyperflow.mDiffFit".to_string()
    )));
    assert!(!edges
        .iter()
        .any(|e| e.0 == "RabbitMQ queue/hyperflow.mDiffFit" && e.1 == "consumed by"));

    for name in builtin::names() {
        let graph = Graph::build(&bundle(name, &[])).unwrap();
        assert!(
            graph.nodes.iter().all(|n| n.kind != "RabbitMQ queue"),
            "{name}"
        );
    }
}

/// Two relations from the engine to Redis (REDIS_URL and a second variable naming it) are one
/// arrow labelled with both, in every format.
#[test]
fn repeated_relations_are_one_labelled_arrow() {
    let mut bundle = bundle("gke", &[]);
    let engine = bundle.find_mut("Job", "hyperflow-engine").unwrap();
    let env = engine.value["spec"]["template"]["spec"]["containers"][0]["env"]
        .as_array_mut()
        .unwrap();
    env.push(serde_json::json!({"name": "CACHE_URL", "value": "redis://redis:6379/1"}));
    let graph = Graph::build(&bundle).unwrap();
    let between: Vec<(String, String, String)> = edges(&graph)
        .into_iter()
        .filter(|(from, _, to)| from == "Job/hyperflow-engine" && to == "Service/redis")
        .collect();
    assert_eq!(
        between,
        [(
            "Job/hyperflow-engine".to_string(),
            "REDIS_URL, CACHE_URL".to_string(),
            "Service/redis".to_string()
        )]
    );
    let mermaid = diagram::draw(&bundle, Format::Mermaid).unwrap();
    let arrows = |text: &str, from: &str, to: &str| {
        text.lines()
            .filter(|l| l.trim_start().starts_with(from) && l.trim_end().ends_with(to))
            .count()
    };
    assert_eq!(
        arrows(&mermaid, "job_hyperflow_engine -->", "service_redis"),
        1
    );
    let dot = diagram::draw(&bundle, Format::Dot).unwrap();
    let dot_arrows = dot
        .lines()
        .filter(|l| l.contains("job_hyperflow_engine -> service_redis "))
        .count();
    assert_eq!(dot_arrows, 1, "{dot}");
    let svg = diagram::draw(&bundle, Format::Svg).unwrap();
    let picture = Picture::parse(&svg);
    let engine_to_redis = svg_arrow_ends(&picture)
        .into_iter()
        .filter(|(from, to)| from == "job_hyperflow_engine" && to == "service_redis")
        .count();
    assert_eq!(engine_to_redis, 1);
    assert!(label_lines(Format::Svg, &svg).contains(&"REDIS_URL, CACHE_URL".to_string()));
}

/// Each PodDisruptionBudget points at the workload whose pods it keeps from being evicted.
#[test]
fn each_disruption_budget_points_at_the_workload_it_selects() {
    for (profile, budgets) in [
        (
            "gke".to_string(),
            &["hyperflow-engine", "redis", "nfs-server"][..],
        ),
        (
            worker_pools(),
            &["hyperflow-engine", "redis", "nfs-server", "rabbitmq"],
        ),
    ] {
        let bundle = bundle(&profile, &[]);
        let graph = Graph::build(&bundle).unwrap();
        let limits: Vec<(String, String)> = edges(&graph)
            .into_iter()
            .filter(|(_, label, _)| label == "limits evictions")
            .map(|(from, _, to)| (from, to))
            .collect();
        let mut expected: Vec<(String, String)> = budgets
            .iter()
            .map(|name| {
                let kind = if *name == "hyperflow-engine" {
                    "Job"
                } else {
                    "Deployment"
                };
                (
                    format!("PodDisruptionBudget/{name}"),
                    format!("{kind}/{name}"),
                )
            })
            .collect();
        let mut limits_sorted = limits.clone();
        limits_sorted.sort();
        expected.sort();
        assert_eq!(limits_sorted, expected, "{profile}");
        // And in the picture: no budget box is left unconnected.
        let picture = Picture::parse(&diagram::draw(&bundle, Format::Svg).unwrap());
        let ends = svg_arrow_ends(&picture);
        for name in budgets {
            let id = format!("poddisruptionbudget_{}", name.replace('-', "_"));
            assert!(ends.iter().any(|(from, _)| *from == id), "{profile}: {id}");
        }
    }
}

/// A graph of `sizes.len()` nodes (each in the group its `groups` entry picks, or in none) and
/// the edges `pairs` names, self-loops and repeats left out as the builder leaves them out.
fn random_graph(groups: &[Option<usize>], sizes: &[usize], pairs: &[(usize, usize)]) -> Graph {
    use diagram::graph::{Class, Edge, Group, Node};
    let nodes = groups
        .iter()
        .zip(sizes)
        .enumerate()
        .map(|(i, (group, &size))| Node {
            id: format!("n{i}"),
            class: Class::ALL[i % Class::ALL.len()],
            kind: "Kind".repeat(size),
            name: format!("object-{i}"),
            details: vec!["detail".repeat(size); size % 3],
            group: group.map(|g| Group::ALL[g]),
        })
        .collect::<Vec<_>>();
    let mut edges: Vec<Edge> = Vec::new();
    for &(from, to) in pairs {
        let (from, to) = (from % nodes.len(), to % nodes.len());
        if from != to && !edges.iter().any(|e| e.from == from && e.to == to) {
            edges.push(Edge {
                from,
                to,
                label: format!("rel {from}-{to}"),
                runtime: (from + to) % 2 == 0,
            });
        }
    }
    Graph {
        title: "random".to_string(),
        nodes,
        edges,
    }
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig {
        cases: 64,
        failure_persistence: None,
        ..proptest::prelude::ProptestConfig::default()
    })]
    /// Not only the built-in pictures: on any graph, cycles and edges between groups included,
    /// the routes pass through no box but their own two and join the right ones.
    #[test]
    fn svg_routes_avoid_every_other_box_on_any_graph(
        groups in proptest::collection::vec(proptest::option::of(0usize..7), 2..24),
        sizes in proptest::collection::vec(1usize..6, 24),
        pairs in proptest::collection::vec((0usize..24, 0usize..24), 0..40),
    ) {
        let graph = random_graph(&groups, &sizes[..groups.len()], &pairs);
        let picture = Picture::parse(&diagram::svg::to_svg(&graph));
        let crossings = picture.crossings();
        proptest::prop_assert!(crossings.is_empty(), "{crossings:#?}");
        let mut drawn = svg_arrow_ends(&picture);
        drawn.sort();
        proptest::prop_assert_eq!(drawn, related_pairs(&graph));
    }
}
