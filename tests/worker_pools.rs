//! Worker pools (`execution.mode = "pools"`): what the render holds, and the cross-object
//! checks that catch a pool that no longer matches the engine's queues.

mod common;

use common::{builtin_profiles, documents, hfgen_ok, repo_root};
use hfgen::manifests::{Bundle, Document};
use hfgen::validate::kube_schema::{KubeSchemas, DEFAULT_VERSION};
use serde_json::{json, Value};

fn pools_profile() -> String {
    common::data_profile("worker-pools")
}

fn find<'a>(objects: &'a [Value], kind: &str, name: &str) -> &'a Value {
    objects
        .iter()
        .find(|o| o["kind"] == kind && o["metadata"]["name"] == name)
        .unwrap_or_else(|| panic!("the render has no {kind}/{name}"))
}

fn env(object: &Value) -> &[Value] {
    object
        .pointer("/spec/template/spec/containers/0/env")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default()
}

fn env_entry<'a>(object: &'a Value, name: &str) -> Option<&'a Value> {
    env(object).iter().find(|var| var["name"] == name)
}

#[test]
fn each_pool_is_a_deployment_on_its_queue_scaled_by_keda() {
    let objects = documents(&hfgen_ok(&["render", "--profile", &pools_profile()]));
    let config = find(&objects, "ConfigMap", "hyperflow-workflow-config");
    let models: Value = serde_json::from_str(
        config["data"]["workflow.config.executionModels.json"]
            .as_str()
            .unwrap(),
    )
    .unwrap();
    assert_eq!(
        models,
        json!([{"name": "mProject"}, {"name": "mDiffFit"}, {"name": "mBackground"}])
    );
    // Unset requests are the profile's tasks.* (gke: 0.7 CPU, 500Mi).
    for (pool, task, cpu, memory, max) in [
        ("mproject", "mProject", "1", "1Gi", 20),
        ("mdifffit", "mDiffFit", "0.7", "500Mi", 30),
        ("mbackground", "mBackground", "0.7", "500Mi", 20),
    ] {
        let name = format!("hyperflow-pool-{pool}");
        let deployment = find(&objects, "Deployment", &name);
        let queue = format!("hyperflow.{task}");
        assert_eq!(env_entry(deployment, "QUEUE_NAME").unwrap()["value"], queue);
        assert_eq!(
            deployment["spec"]["template"]["spec"]["containers"][0]["command"],
            json!(["hflow-job-listener.js"])
        );
        let requests = &deployment["spec"]["template"]["spec"]["containers"][0]["resources"];
        assert_eq!(requests["requests"]["cpu"], cpu, "{name}");
        assert_eq!(requests["requests"]["memory"], memory, "{name}");
        // KEDA owns the size: a replicas field would reset it on every apply.
        assert!(deployment["spec"].get("replicas").is_none(), "{name}");
        let scaled = find(&objects, "ScaledObject", &name);
        assert_eq!(scaled["spec"]["scaleTargetRef"]["name"], name.as_str());
        assert_eq!(scaled["spec"]["maxReplicaCount"], max);
        // One idle worker keeps the queue from expiring (issue 30, defect 5).
        assert_eq!(scaled["spec"]["minReplicaCount"], 1);
        let trigger = &scaled["spec"]["triggers"][0];
        assert_eq!(trigger["type"], "rabbitmq");
        assert_eq!(trigger["metadata"]["queueName"], queue);
        // http counts unacknowledged messages too: a busy worker is not scaled away.
        assert_eq!(trigger["metadata"]["protocol"], "http");
        assert_eq!(trigger["authenticationRef"]["name"], "hyperflow-rabbitmq");
    }
    let limit = &find(&objects, "Deployment", "hyperflow-pool-mbackground")["spec"]["template"]
        ["spec"]["containers"][0]["resources"]["limits"]["memory"];
    assert_eq!(limit, "1Gi");
}

#[test]
fn credentials_come_from_the_setup_secret_and_no_manifest_holds_one() {
    let objects = documents(&hfgen_ok(&["render", "--profile", &pools_profile()]));
    assert!(objects.iter().all(|o| o["kind"] != "Secret"));
    let engine = find(&objects, "Job", "hyperflow-engine");
    let pool = find(&objects, "Deployment", "hyperflow-pool-mproject");
    for workload in [engine, pool] {
        for (var, key) in [
            ("RABBITMQ_USERNAME", "username"),
            ("RABBITMQ_PASSWORD", "password"),
        ] {
            let entry = env_entry(workload, var).unwrap();
            assert_eq!(
                entry["valueFrom"]["secretKeyRef"],
                json!({"name": "hyperflow-rabbitmq", "key": key})
            );
        }
        assert_eq!(
            env_entry(workload, "RABBIT_HOSTNAME").unwrap()["value"],
            "$(RABBITMQ_USERNAME):$(RABBITMQ_PASSWORD)@rabbitmq.hyperflow.svc.cluster.local:5672"
        );
    }
    let rabbitmq = find(&objects, "Deployment", "rabbitmq");
    assert_eq!(
        env_entry(rabbitmq, "RABBITMQ_DEFAULT_PASS").unwrap()["valueFrom"]["secretKeyRef"]["name"],
        "hyperflow-rabbitmq"
    );
    let auth = find(&objects, "TriggerAuthentication", "hyperflow-rabbitmq");
    assert_eq!(
        auth["spec"]["secretTargetRef"],
        json!([{"parameter": "host", "name": "hyperflow-rabbitmq", "key": "management-url"}])
    );
}

#[test]
fn jobs_mode_deploys_no_queue_and_keeps_the_engine_env() {
    for profile in builtin_profiles() {
        let objects = documents(&hfgen_ok(&["render", "--profile", profile]));
        assert!(
            objects.iter().all(|o| o["metadata"]["name"] != "rabbitmq"
                && !o["apiVersion"].as_str().unwrap().starts_with("keda.sh/")),
            "{profile}"
        );
        let engine = find(&objects, "Job", "hyperflow-engine");
        assert!(env_entry(engine, "RABBIT_HOSTNAME").is_none(), "{profile}");
    }
}

#[test]
fn rabbitmq_admits_the_engine_workers_and_keda_only() {
    let objects = documents(&hfgen_ok(&["render", "--profile", &pools_profile()]));
    let policy = find(&objects, "NetworkPolicy", "rabbitmq");
    let ingress = policy["spec"]["ingress"].as_array().unwrap();
    assert_eq!(ingress.len(), 2);
    assert_eq!(
        ingress[0]["ports"],
        json!([{"protocol": "TCP", "port": 5672}])
    );
    let sources: Vec<&Value> = ingress[0]["from"]
        .as_array()
        .unwrap()
        .iter()
        .map(|from| &from["podSelector"]["matchLabels"]["app.kubernetes.io/name"])
        .collect();
    assert_eq!(
        sources,
        [&json!("hyperflow-engine"), &json!("hyperflow-worker")]
    );
    assert_eq!(
        ingress[1]["ports"],
        json!([{"protocol": "TCP", "port": 15672}])
    );
    assert_eq!(
        ingress[1]["from"][0]["namespaceSelector"]["matchLabels"]["kubernetes.io/metadata.name"],
        "keda"
    );
    // Pool workers carry the worker label, so the Redis policy admits them as it does Jobs.
    let pool = find(&objects, "Deployment", "hyperflow-pool-mproject");
    assert_eq!(
        pool["spec"]["template"]["metadata"]["labels"]["app.kubernetes.io/name"],
        "hyperflow-worker"
    );
}

fn pools_bundle() -> Bundle {
    let loaded = hfgen::profile::load(&pools_profile(), &[]).unwrap();
    hfgen::render::render_unchecked(&loaded).unwrap()
}

fn edit(bundle: &mut Bundle, kind: &str, name: &str, change: impl FnOnce(&mut Value)) {
    let document = bundle
        .find_mut(kind, name)
        .unwrap_or_else(|| panic!("no {kind}/{name}"));
    change(&mut document.value);
}

fn remove(bundle: &mut Bundle, kind: &str, name: &str) {
    for file in &mut bundle.files {
        file.documents
            .retain(|doc: &Document| !(doc.kind() == kind && doc.name() == name));
    }
}

fn messages(bundle: &Bundle) -> Vec<String> {
    let schemas = KubeSchemas::load(DEFAULT_VERSION).unwrap();
    hfgen::validate::validate_bundle(bundle, schemas)
        .into_iter()
        .map(|finding| format!("{}: {}", finding.object, finding.message))
        .collect()
}

#[test]
fn the_cross_object_checks_catch_a_pool_that_drifted_from_the_engine() {
    assert_eq!(messages(&pools_bundle()), Vec::<String>::new());

    let mut bundle = pools_bundle();
    edit(&mut bundle, "Deployment", "hyperflow-pool-mdifffit", |d| {
        d["spec"]["template"]["spec"]["containers"][0]["env"]
            .as_array_mut()
            .unwrap()
            .iter_mut()
            .find(|var| var["name"] == "QUEUE_NAME")
            .unwrap()["value"] = json!("default.mDiffFit");
    });
    let found = messages(&bundle);
    assert!(
        found
            .iter()
            .any(|m| m.starts_with("ConfigMap/hyperflow-workflow-config")
                && m.contains("queue hyperflow.mDiffFit, but no Deployment consumes it")),
        "{found:#?}"
    );
    assert!(
        found.iter().any(|m| m.contains("counts the queue hyperflow.mDiffFit, but its Deployment hyperflow-pool-mdifffit consumes default.mDiffFit")),
        "{found:#?}"
    );

    let mut bundle = pools_bundle();
    remove(&mut bundle, "ScaledObject", "hyperflow-pool-mproject");
    assert_eq!(
        messages(&bundle),
        ["Deployment/hyperflow-pool-mproject: the worker pool hyperflow-pool-mproject is the target of 0 ScaledObjects, not 1: KEDA would never start it, or two would fight over its size"]
    );

    let mut bundle = pools_bundle();
    edit(
        &mut bundle,
        "ScaledObject",
        "hyperflow-pool-mproject",
        |s| {
            s["spec"]["scaleTargetRef"]["name"] = json!("hyperflow-pool-typo");
        },
    );
    let found = messages(&bundle);
    assert!(
        found.iter().any(|m| m
            .contains("scales the Deployment hyperflow-pool-typo, which the render does not have")),
        "{found:#?}"
    );

    let mut bundle = pools_bundle();
    remove(&mut bundle, "TriggerAuthentication", "hyperflow-rabbitmq");
    assert!(messages(&bundle)
        .iter()
        .any(|m| m.contains("TriggerAuthentication hyperflow-rabbitmq is not in the render")));

    let mut bundle = pools_bundle();
    edit(&mut bundle, "Job", "hyperflow-engine", |job| {
        job["spec"]["template"]["spec"]["containers"][0]["env"]
            .as_array_mut()
            .unwrap()
            .retain(|var| var["name"] != "RABBIT_HOSTNAME");
    });
    assert!(messages(&bundle)
        .iter()
        .any(|m| m.contains("its pod has no RABBIT_HOSTNAME")));
}

#[test]
fn keda_objects_are_checked_against_the_vendored_crds() {
    let mut bundle = pools_bundle();
    edit(
        &mut bundle,
        "ScaledObject",
        "hyperflow-pool-mproject",
        |s| {
            s["spec"]["minReplicas"] = json!(1);
            s["spec"]["triggers"][0]["metadata"]["value"] = json!(1);
        },
    );
    let found = messages(&bundle);
    assert!(
        found
            .iter()
            .any(|m| m.contains("'minReplicas' was unexpected")),
        "{found:#?}"
    );
    assert!(
        found
            .iter()
            .any(|m| m.contains("is not of type \"string\"")),
        "{found:#?}"
    );
}

/// The KEDA kinds compiled into hfgen judge exactly as `--crd` with KEDA's own CRDs does.
#[test]
fn compiled_keda_schemas_judge_as_the_crds_do() {
    let yaml = hfgen_ok(&["render", "--profile", &pools_profile()])
        .replace("minReplicaCount: 1", "minReplicaCount: one")
        .replace(
            "protocol: http",
            "protocol: http\n        excludeUnacknowledged: false",
        )
        .replace(
            "      key: management-url",
            "      key: management-url\n      extra: 1",
        );
    let dir = tempfile::tempdir().unwrap();
    let file = common::write_file(dir.path(), "pools.yaml", &yaml);
    let built_in = common::hfgen(&["validate", &file]);
    let crds = repo_root().join("schema/crds/keda");
    let with_crds = common::hfgen(&["validate", "--crd", crds.to_str().unwrap(), &file]);
    let report = common::stdout(&built_in);
    assert_eq!(report, common::stdout(&with_crds));
    assert_eq!(built_in.status.code(), Some(1), "{report}");
    for expected in [
        "\"one\" is not of type \"integer\"",
        "false is not of type \"string\"",
        "'extra' was unexpected",
    ] {
        assert!(report.contains(expected), "{expected}: {report}");
    }
}

/// The engine talks to RabbitMQ, not to the API server: its permissions stay those of jobs
/// mode, and no other pod gets a token.
#[test]
fn pools_give_the_engine_no_new_permission() {
    let rbac = |objects: &[Value]| -> Vec<Value> {
        objects
            .iter()
            .filter(|o| {
                ["Role", "RoleBinding", "ClusterRole", "ClusterRoleBinding"]
                    .contains(&o["kind"].as_str().unwrap())
            })
            .map(|o| {
                json!([
                    o["kind"],
                    o["metadata"]["name"],
                    o["rules"],
                    o["subjects"],
                    o["roleRef"]
                ])
            })
            .collect()
    };
    let jobs = documents(&hfgen_ok(&["render", "--profile", "gke"]));
    let pools = documents(&hfgen_ok(&["render", "--profile", &pools_profile()]));
    assert_eq!(rbac(&pools), rbac(&jobs));
    for object in &pools {
        let Some(spec) = object.pointer("/spec/template/spec") else {
            continue;
        };
        let token = spec["automountServiceAccountToken"].as_bool();
        let name = object["metadata"]["name"].as_str().unwrap();
        assert_eq!(token, Some(name == "hyperflow-engine"), "{name}");
    }
}
