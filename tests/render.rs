//! `hfgen render`: what a user applies to the cluster.

mod common;

use common::*;
use serde_json::Value;
use std::process::Command;

fn object_line(doc: &Value) -> String {
    let field = |pointer: &str| doc.pointer(pointer).and_then(Value::as_str).unwrap_or("-");
    format!(
        "{}/{} {}",
        field("/kind"),
        field("/metadata/name"),
        field("/metadata/namespace")
    )
}

fn render_all_components(profile: &str, extra: &[&str]) -> String {
    let mut args = vec!["render", "--profile", profile, "--component", "core"];
    args.extend(["--component", "postprocess"]);
    args.extend(extra);
    hfgen_ok(&args)
}

/// The objects of each built-in profile, in apply order, as listed in tests/render/<profile>.objects
/// (`HFGEN_BLESS=1` rewrites them).
#[test]
fn builtin_profiles_render_the_expected_objects_in_order() {
    for profile in builtin_profiles() {
        let yaml = hfgen_ok(&["render", "--profile", profile]);
        let actual: String = documents(&yaml)
            .iter()
            .map(|doc| object_line(doc) + "\n")
            .collect();
        let expected_path = repo_root().join(format!("tests/render/{profile}.objects"));
        if let Err(failure) = cases::snapshot(&expected_path, &actual) {
            panic!("objects of profile {profile}: {failure}");
        }
    }
}

#[test]
fn two_renders_are_byte_identical() {
    for profile in builtin_profiles() {
        for component in ["core", "postprocess"] {
            let args = ["render", "--profile", profile, "--component", component];
            assert_eq!(hfgen_ok(&args), hfgen_ok(&args), "{profile}/{component}");
        }
    }
}

/// Kind ranks never go down: RBAC, ConfigMap, Services, PV, PVC, Deployments, Jobs.
#[test]
fn documents_come_in_apply_order() {
    const ORDER: &[&str] = &[
        "Namespace",
        "NetworkPolicy",
        "ClusterRoleBinding",
        "ServiceAccount",
        "Role",
        "RoleBinding",
        "ConfigMap",
        "Service",
        "PersistentVolume",
        "PersistentVolumeClaim",
        "Deployment",
        // Before the run's Job: a drain from its first second on waits for it.
        "PodDisruptionBudget",
        "Job",
    ];
    for profile in builtin_profiles() {
        let yaml = render_all_components(profile, &["--set", "rbac.mode=cluster-admin"]);
        let ranks: Vec<usize> = documents(&yaml)
            .iter()
            .map(|doc| {
                let kind = doc["kind"].as_str().unwrap();
                ORDER
                    .iter()
                    .position(|k| *k == kind)
                    .unwrap_or_else(|| panic!("kind {kind} has no place in the apply order"))
            })
            .collect();
        assert!(
            ranks.windows(2).all(|pair| pair[0] <= pair[1]),
            "{profile}: {ranks:?}"
        );
    }
}

#[test]
fn kubernetes_validate_strict_accepts_every_builtin_profile() {
    let dir = tempfile::tempdir().unwrap();
    let mut files = Vec::new();
    for profile in builtin_profiles() {
        for component in ["core", "postprocess"] {
            let yaml = hfgen_ok(&["render", "--profile", profile, "--component", component]);
            files.push(write_file(
                dir.path(),
                &format!("{profile}-{component}.yaml"),
                &yaml,
            ));
        }
    }
    assert_kubernetes_validate_accepts(&files, "the built-in profiles' core and postprocess");
}

/// The worker Job template inside the ConfigMap is a valid Job once the engine fills it in.
#[test]
fn kubernetes_validate_strict_accepts_the_filled_in_job_template() {
    let dir = tempfile::tempdir().unwrap();
    let mut files = Vec::new();
    for profile in builtin_profiles() {
        let yaml = hfgen_ok(&["render", "--profile", profile]);
        let filled = hfgen::validate::job_template::fill(&job_template(&yaml));
        assert!(!filled.contains("${"), "unfilled placeholder in {filled}");
        files.push(write_file(
            dir.path(),
            &format!("{profile}-job.yaml"),
            &filled,
        ));
    }
    assert_kubernetes_validate_accepts(&files, "the built-in profiles' filled-in job templates");
}

fn job_template(yaml: &str) -> String {
    let docs = documents(yaml);
    let config_map = docs
        .iter()
        .find(|doc| doc["kind"] == "ConfigMap" && doc["metadata"]["name"] == "hyperflow-config")
        .expect("ConfigMap hyperflow-config");
    config_map["data"]["job-template.yaml"]
        .as_str()
        .unwrap()
        .to_string()
}

#[test]
fn job_template_keeps_engine_placeholders_and_fixes_upstream_bugs() {
    let template = job_template(&hfgen_ok(&["render", "--profile", "gke"]));
    for placeholder in [
        "${jobName}",
        "${containerName}",
        "${command}",
        "${volumePath}",
        "${cpuRequest}",
        "${memRequest}",
    ] {
        assert!(template.contains(placeholder), "missing {placeholder}");
    }
    // The engine replaces every ${name}; the template's own shell must not use that form.
    let known = [
        "jobName",
        "containerName",
        "command",
        "volumePath",
        "cpuRequest",
        "memRequest",
    ];
    let mut rest = template.as_str();
    while let Some(start) = rest.find("${") {
        let end = rest[start..].find('}').unwrap() + start;
        let name = &rest[start + 2..end];
        assert!(known.contains(&name), "unknown placeholder ${{{name}}}");
        rest = &rest[end..];
    }
    let job = &documents(&template)[0];
    assert_eq!(job["spec"]["ttlSecondsAfterFinished"], 100);
    let pod = &job["spec"]["template"]["spec"];
    assert_eq!(pod["automountServiceAccountToken"], false);
    assert_eq!(pod["nodeSelector"]["nodetype"], "worker");
    let env = pod["containers"][0]["env"].as_array().unwrap();
    let names: Vec<&str> = env.iter().map(|e| e["name"].as_str().unwrap()).collect();
    assert!(names.contains(&"HF_VAR_NUMBER_OF_RETRIES"));
    assert!(
        !names.contains(&"HF_VAR_NUM_RETRIES"),
        "the executor ignores it"
    );
}

fn pod_specs(docs: &[Value]) -> Vec<(String, &Value)> {
    docs.iter()
        .filter_map(|doc| {
            let spec = doc.pointer("/spec/template/spec")?;
            Some((object_line(doc), spec))
        })
        .collect()
}

#[test]
fn only_the_engine_gets_an_api_token_and_it_may_only_create_jobs() {
    for profile in builtin_profiles() {
        let yaml = render_all_components(profile, &[]);
        let docs = documents(&yaml);
        for (object, spec) in pod_specs(&docs) {
            let is_engine = object.starts_with("Job/hyperflow-engine ");
            assert_eq!(
                spec["automountServiceAccountToken"], is_engine,
                "{profile}: {object}"
            );
            if is_engine {
                assert_eq!(spec["serviceAccountName"], "hyperflow-engine");
            }
        }
        let role = docs.iter().find(|d| d["kind"] == "Role").unwrap();
        assert_eq!(
            role["rules"],
            serde_json::json!([{"apiGroups": ["batch"], "resources": ["jobs"], "verbs": ["create"]}])
        );
        assert!(!docs.iter().any(|d| d["kind"] == "ClusterRoleBinding"));
        let privileged: Vec<String> = pod_specs(&docs)
            .into_iter()
            .filter(|(_, spec)| spec.to_string().contains("\"privileged\":true"))
            .map(|(object, _)| object)
            .collect();
        assert_eq!(privileged, vec!["Deployment/nfs-server hyperflow"]);
    }
}

/// A partial agglomeration group idles `timeout_ms` at the end of each stage; above engine
/// 1.7's 3 s completion poll that costs time and gathers little (BENCHMARKS.md, issue 28).
#[test]
fn an_agglomeration_wait_beyond_the_engines_poll_renders_with_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    for (timeout_ms, warns) in [(3000, false), (5000, true)] {
        let profile = write_file(
            dir.path(),
            &format!("wait-{timeout_ms}.toml"),
            &format!(
                "extends = \"gke\"\n\n[[workflow_config.job_agglomerations]]\n\
                 match_task = [\"mDiffFit\"]\nsize = 10\ntimeout_ms = {timeout_ms}\n"
            ),
        );
        let output = hfgen(&["render", "--profile", &profile]);
        assert!(output.status.success(), "{}", stderr(&output));
        assert_eq!(
            stderr(&output).contains("warning") && stderr(&output).contains("timeout_ms = 5000"),
            warns,
            "timeout_ms {timeout_ms}: {}",
            stderr(&output)
        );
    }
}

#[test]
fn cluster_admin_mode_is_the_v1_binding_and_warns() {
    let output = hfgen(&[
        "render",
        "--profile",
        "gke",
        "--set",
        "rbac.mode=cluster-admin",
    ]);
    assert!(output.status.success());
    assert!(
        stderr(&output).contains("warning") && stderr(&output).contains("cluster-admin"),
        "{}",
        stderr(&output)
    );
    let docs = documents(&stdout(&output));
    let binding = docs
        .iter()
        .find(|d| d["kind"] == "ClusterRoleBinding")
        .unwrap();
    assert_eq!(binding["apiVersion"], "rbac.authorization.k8s.io/v1");
    assert_eq!(binding["roleRef"]["name"], "cluster-admin");
    assert_eq!(binding["subjects"][0]["name"], "system:serviceaccounts");
    assert!(!docs.iter().any(|d| d["kind"] == "Role"));
}

#[test]
fn minikube_ip_pins_the_same_address_on_service_and_volume() {
    let docs = documents(&hfgen_ok(&["render", "--profile", "minikube-ip"]));
    let service = docs
        .iter()
        .find(|d| d["kind"] == "Service" && d["metadata"]["name"] == "nfs-server")
        .unwrap();
    let volume = docs
        .iter()
        .find(|d| d["kind"] == "PersistentVolume")
        .unwrap();
    assert_eq!(service["spec"]["clusterIP"], "10.96.100.100");
    assert_eq!(
        volume["spec"]["nfs"]["server"],
        service["spec"]["clusterIP"]
    );
}

#[test]
fn gke_names_the_nfs_server_by_dns_in_its_namespace() {
    let docs = documents(&hfgen_ok(&["render", "--profile", "gke"]));
    let volume = docs
        .iter()
        .find(|d| d["kind"] == "PersistentVolume")
        .unwrap();
    assert_eq!(
        volume["spec"]["nfs"]["server"],
        "nfs-server.hyperflow.svc.cluster.local"
    );
    assert_eq!(volume["spec"]["claimRef"]["name"], "nfs");
    assert_eq!(volume["spec"]["claimRef"]["namespace"], "hyperflow");
}

#[test]
fn a_user_namespace_leaves_no_trace_of_default() {
    let dir = tempfile::tempdir().unwrap();
    let profile = write_file(
        dir.path(),
        "hf-test.toml",
        "extends = \"minikube-dnsmasq\"\nnamespace = \"hf-test\"\n",
    );
    for component in ["core", "postprocess"] {
        let yaml = hfgen_ok(&["render", "--profile", &profile, "--component", component]);
        assert!(!yaml.contains("default"), "{component} mentions default");
        for doc in documents(&yaml) {
            let kind = doc["kind"].as_str().unwrap();
            if kind != "PersistentVolume" && kind != "Namespace" {
                assert_eq!(
                    doc["metadata"]["namespace"],
                    "hf-test",
                    "{}",
                    object_line(&doc)
                );
            }
        }
        if component == "core" {
            assert!(yaml.contains("redis://redis.hf-test.svc.cluster.local:6379"));
            assert!(yaml.contains("server: nfs-server.hf-test.svc.cluster.local"));
        }
    }
}

/// A value from a profile is one scalar, whatever characters it holds. (Image references are
/// checked when the profile loads, so the free-form engine variables carry the hostile text.)
#[test]
fn hostile_values_cannot_add_keys_or_documents() {
    let clean = documents(&hfgen_ok(&["render", "--profile", "gke"]));
    let hostile = [
        "x\nkind: ClusterRoleBinding",
        "x\n---\napiVersion: v1\nkind: Secret",
        "x: y",
        "x # comment",
        "'\"{[&*!|>%@`",
        "x\u{2028}kind: Secret\u{85}y",
        "on",
    ];
    for value in hostile {
        let toml_value = toml::Value::String(value.into()).to_string();
        let set = format!("engine.env.HF_VAR_PROBE={toml_value}");
        let yaml = hfgen_ok(&["render", "--profile", "gke", "--set", &set]);
        let docs = documents(&yaml);
        assert_eq!(
            docs.len(),
            clean.len(),
            "{value:?} changed the document count"
        );
        let engine = docs
            .iter()
            .find(|d| d["kind"] == "Job" && d["metadata"]["name"] == "hyperflow-engine")
            .unwrap();
        let env = engine["spec"]["template"]["spec"]["containers"][0]["env"]
            .as_array()
            .unwrap();
        let probe = env.iter().find(|e| e["name"] == "HF_VAR_PROBE").unwrap();
        assert_eq!(probe["value"], value, "the value arrives unchanged");
        let kinds: Vec<&Value> = docs.iter().map(|d| &d["kind"]).collect();
        let clean_kinds: Vec<&Value> = clean.iter().map(|d| &d["kind"]).collect();
        assert_eq!(kinds, clean_kinds);
    }
}

#[test]
fn postprocess_jobs_run_each_step_on_its_own_line() {
    let docs = documents(&hfgen_ok(&[
        "render",
        "--profile",
        "gke",
        "--component",
        "postprocess",
    ]));
    let names: Vec<&str> = docs
        .iter()
        .map(|d| d["metadata"]["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["logs-parser", "viz-exec-trace"]);
    let script = docs[0]["spec"]["template"]["spec"]["containers"][0]["command"][2]
        .as_str()
        .unwrap();
    // Upstream's folded scalar joined these two into one command, so tar never ran.
    assert!(script.contains("\ntar cvfz logs-hf.tar.gz logs-hf/\n"));
    assert!(script.contains("\necho 1 > \"$work_dir/parsingFinished\"\n"));
}

#[test]
fn out_folder_is_a_kustomization_that_kubectl_accepts() {
    let kubectl = external_tool("kubectl");
    let dir = tempfile::tempdir().unwrap();
    for profile in builtin_profiles() {
        let out = dir.path().join(profile);
        let out_arg = out.display().to_string();
        hfgen_ok(&["render", "--profile", profile, "--out", &out_arg]);
        let output = Command::new(&kubectl)
            .args(["kustomize", &out_arg])
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "kubectl kustomize {profile}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        let kustomized = documents(&String::from_utf8(output.stdout).unwrap());
        let rendered = documents(&hfgen_ok(&["render", "--profile", profile]));
        // `kubectl apply -k` applies in hfgen's order: kustomize's default sort by kind would
        // put the NetworkPolicies after the pods they protect.
        let order = |docs: &[Value]| -> Vec<String> {
            docs.iter()
                .map(|doc| format!("{}/{}", doc["kind"], doc["metadata"]["name"]))
                .collect()
        };
        let kustomized_order = order(&kustomized);
        assert_eq!(kustomized_order, order(&rendered), "{profile}");
        let policy = kustomized_order
            .iter()
            .position(|o| o.contains("NetworkPolicy"));
        let first_pod = kustomized_order
            .iter()
            .position(|o| o.contains("Deployment"));
        assert!(policy < first_pod, "{profile}: {kustomized_order:?}");
        let mut from_kustomize: Vec<String> = kustomized.iter().map(object_line).collect();
        let mut from_stream: Vec<String> = rendered.iter().map(object_line).collect();
        from_kustomize.sort();
        from_stream.sort();
        assert_eq!(from_kustomize, from_stream, "{profile}");
    }
}

#[test]
fn out_folder_has_one_file_per_template_in_apply_order() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    hfgen_ok(&["render", "--profile", "gke", "--out", out.to_str().unwrap()]);
    let kustomization = std::fs::read_to_string(out.join("kustomization.yaml")).unwrap();
    let listed: Vec<&str> = kustomization
        .lines()
        .filter_map(|line| line.strip_prefix("  - "))
        .collect();
    assert_eq!(
        listed,
        [
            "namespace.yml",
            "network-policy.yml",
            "rbac.yml",
            "cm.yml",
            "nfs-server-service.yml",
            "redis-service.yml",
            "pv-pvc.yml",
            "nfs-server.yml",
            "redis.yml",
            "pdb.yml",
            "hyperflow-engine-job.yml",
            "nfs-data-job.yml",
            "parser-job.yml",
            "viz-trace-job.yml",
        ]
    );
    let mut on_disk: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().into_string().unwrap())
        .filter(|name| name != "kustomization.yaml")
        .collect();
    on_disk.sort();
    let mut expected: Vec<String> = listed.iter().map(|s| s.to_string()).collect();
    expected.sort();
    assert_eq!(on_disk, expected);
}

#[test]
fn out_folder_is_left_alone_on_bad_input_and_replaced_whole_on_success() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let out_arg = out.to_str().unwrap();
    hfgen_ok(&["render", "--profile", "gke", "--out", out_arg]);
    let before = std::fs::read_to_string(out.join("cm.yml")).unwrap();

    let output = hfgen(&[
        "render",
        "--profile",
        "gke",
        "--set",
        "namespace=Bad_Name",
        "--out",
        out_arg,
    ]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stdout(&output).is_empty());
    assert_eq!(std::fs::read_to_string(out.join("cm.yml")).unwrap(), before);

    // A profile that no longer renders a file (one component into another's folder is
    // refused: tests/out_components.rs).
    hfgen_ok(&[
        "render",
        "--profile",
        "gke",
        "--set",
        "network_policy.enabled=false",
        "--out",
        out_arg,
    ]);
    assert!(
        !out.join("network-policy.yml").exists(),
        "stale files are gone"
    );
    assert!(out.join("cm.yml").exists());
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(leftovers, ["out"], "no staging folders left behind");
}

#[test]
fn out_refuses_to_replace_a_folder_hfgen_did_not_write() {
    let dir = tempfile::tempdir().unwrap();
    write_file(dir.path(), "notes.txt", "mine");
    let output = hfgen(&[
        "render",
        "--profile",
        "gke",
        "--out",
        dir.path().to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("did not write"),
        "{}",
        stderr(&output)
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("notes.txt")).unwrap(),
        "mine"
    );
}

#[test]
fn unknown_profile_and_component_are_bad_input() {
    let output = hfgen(&["render", "--profile", "gkee"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("unknown profile `gkee`"));
    assert!(stderr(&output).contains("did you mean `gke`?"));
    let output = hfgen(&["render", "--profile", "nothing-like-it"]);
    assert!(stderr(&output).contains("gke, kind, minikube-dnsmasq, minikube-ip"));
    assert!(stdout(&output).is_empty());

    let output = hfgen(&["render", "--profile", "gke", "--component", "extras"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("unknown component `extras`"));
}

#[test]
fn a_hostile_image_reference_is_refused_before_rendering() {
    let set = format!(
        "images.worker={}",
        toml::Value::String("x\nkind: ClusterRoleBinding".into())
    );
    let output = hfgen(&["render", "--profile", "gke", "--set", &set]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stdout(&output).is_empty());
    assert!(stderr(&output).contains("is not an image reference"));
}

/// dnsmasq forwards the profile's cluster domain to kube-dns; the DNS names use the same one.
#[test]
fn dns_names_follow_the_profile_cluster_domain() {
    let yaml = hfgen_ok(&[
        "render",
        "--profile",
        "minikube-dnsmasq",
        "--set",
        "dns.cluster_domain=example.internal",
    ]);
    assert!(yaml.contains("server: nfs-server.hyperflow.svc.example.internal\n"));
    assert!(yaml.contains("redis://redis.hyperflow.svc.example.internal:6379"));
    assert!(!yaml.contains("cluster.local"));
}

/// yamllint, with the settings the repository ships, finds nothing in any output.
#[test]
fn yamllint_accepts_every_output() {
    let dir = tempfile::tempdir().unwrap();
    let mut files = Vec::new();
    for profile in builtin_profiles() {
        let yaml = render_all_components(profile, &[]);
        files.push(write_file(dir.path(), &format!("{profile}.yaml"), &yaml));
        let out = dir.path().join(profile);
        hfgen_ok(&[
            "render",
            "--profile",
            profile,
            "--out",
            out.to_str().unwrap(),
        ]);
        files.push(out.display().to_string());
    }
    let output = Command::new(external_tool("yamllint"))
        .arg("-c")
        .arg(repo_root().join(".yamllint.yaml"))
        .arg("--strict")
        .args(&files)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "yamllint:\n{}",
        String::from_utf8_lossy(&output.stdout)
    );
}

/// `kubectl delete -l app.kubernetes.io/instance=<namespace>` (or `hfgen render | kubectl
/// delete -f -`) finds everything a deployment made: every rendered object, the cluster-wide
/// ones too, and the worker Jobs the engine creates from the template.
#[test]
fn every_object_carries_the_deployments_instance_label() {
    for profile in builtin_profiles() {
        for extra in [
            &[][..],
            &[
                "--set",
                "namespace=hf-two",
                "--set",
                "rbac.mode=cluster-admin",
            ],
        ] {
            let yaml = render_all_components(profile, extra);
            let mut objects = documents(&yaml);
            let namespace = objects[0]["metadata"]["name"].as_str().unwrap().to_string();
            let template = objects
                .iter()
                .find(|doc| doc["kind"] == "ConfigMap")
                .and_then(|config| config["data"]["job-template.yaml"].as_str())
                .unwrap()
                .replace("${", "x{");
            objects.push(serde_saphyr::from_str(&template).unwrap());
            for object in &objects {
                assert_eq!(
                    object["metadata"]["labels"]["app.kubernetes.io/instance"],
                    namespace.as_str(),
                    "{profile} {extra:?}: {}",
                    object_line(object)
                );
            }
        }
    }
}

/// An existing cluster whose nodes lack the built-in profile's labels: `unset` removes the
/// inherited node selectors, everywhere, the worker Job template included.
#[test]
fn unset_removes_inherited_node_selectors() {
    let profile = repo_root().join("tests/profiles/common/own-cluster.toml");
    let yaml = hfgen_ok(&["render", "--profile", profile.to_str().unwrap()]);
    assert!(!yaml.contains("nodeSelector"), "{yaml}");
    assert!(hfgen_ok(&["render", "--profile", "gke"]).contains("nodeSelector"));
}

/// Engine 1.9 options render everything they need, and only when on: the admission
/// controller's permission and pod label, the completion transport, the log level.
#[test]
fn engine_1_9_options_render_what_they_need_only_when_on() {
    let profile = repo_root().join("tests/data/engine-1.9.toml");
    for (args, on) in [
        (vec!["render", "--profile", profile.to_str().unwrap()], true),
        (vec!["render", "--profile", "gke"], false),
    ] {
        let documents = documents(&hfgen_ok(&args));
        let role = documents.iter().find(|doc| doc["kind"] == "Role").unwrap();
        let pods_rule = role["rules"]
            .as_array()
            .unwrap()
            .iter()
            .find(|rule| rule["resources"] == serde_json::json!(["pods"]));
        assert_eq!(
            pods_rule.map(|rule| rule["verbs"].clone()),
            on.then(|| serde_json::json!(["list", "watch"]))
        );
        let config = documents
            .iter()
            .find(|doc| doc["kind"] == "ConfigMap")
            .unwrap();
        let template = config["data"]["job-template.yaml"].as_str().unwrap();
        assert_eq!(template.contains("        app: hyperflow\n"), on);
        let engine = documents
            .iter()
            .find(|doc| doc["kind"] == "Job" && doc["metadata"]["name"] == "hyperflow-engine")
            .unwrap();
        let env =
            serde_json::to_string(&engine["spec"]["template"]["spec"]["containers"][0]["env"])
                .unwrap();
        for name in [
            "HF_VAR_COMPLETION_TRANSPORT",
            "HF_VAR_ADMISSION_CONTROLLER",
            "HF_VAR_CONSOLE_LOG_LEVEL",
        ] {
            assert_eq!(env.contains(name), on, "{name}");
        }
    }
}

/// Whether a `matchLabels` selector selects a pod with `labels`.
fn selects(selector: &Value, labels: &Value) -> bool {
    selector["matchLabels"]
        .as_object()
        .is_some_and(|wanted| wanted.iter().all(|(key, value)| labels[key] == *value))
}

/// Issue 30, defect 6: a node drain must not evict the engine, Redis, the NFS server or
/// RabbitMQ mid-run: each has a PodDisruptionBudget that allows no eviction and selects its own
/// pods only, and no budget selects a worker pod (a Job's, from the engine's template, or a
/// pool's), which would block every drain and the autoscaler's scale-down.
#[test]
fn disruption_budgets_cover_the_run_services_and_never_a_worker() {
    let mut profiles: Vec<String> = builtin_profiles().iter().map(|p| p.to_string()).collect();
    profiles.push(data_profile("worker-pools"));
    for profile in &profiles {
        let yaml = hfgen_ok(&["render", "--profile", profile]);
        let docs = documents(&yaml);
        let budgets: Vec<&Value> = docs
            .iter()
            .filter(|doc| doc["kind"] == "PodDisruptionBudget")
            .collect();
        let mut pods: Vec<(String, Value)> = docs
            .iter()
            .filter(|doc| doc["spec"]["template"]["metadata"]["labels"].is_object())
            .map(|doc| {
                (
                    object_line(doc),
                    doc["spec"]["template"]["metadata"]["labels"].clone(),
                )
            })
            .collect();
        let worker = documents(&job_template(&yaml)).remove(0);
        pods.push((
            "the worker Job template".to_string(),
            worker["spec"]["template"]["metadata"]["labels"].clone(),
        ));
        for (pod, labels) in &pods {
            let covering: Vec<&&Value> = budgets
                .iter()
                .filter(|budget| selects(&budget["spec"]["selector"], labels))
                .collect();
            let name = labels["app.kubernetes.io/name"]
                .as_str()
                .unwrap_or_default();
            let service = ["hyperflow-engine", "redis", "nfs-server", "rabbitmq"].contains(&name);
            assert_eq!(covering.len(), usize::from(service), "{profile}: {pod}");
            for budget in covering {
                assert_eq!(budget["spec"]["maxUnavailable"], 0, "{profile}: {pod}");
            }
        }
        // Every budget selects some pod of the render.
        for budget in &budgets {
            assert!(
                pods.iter()
                    .any(|(_, labels)| selects(&budget["spec"]["selector"], labels)),
                "{profile}: {} selects nothing",
                object_line(budget)
            );
        }
    }
}
