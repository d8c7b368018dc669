//! The images hfgen's defaults make a cluster pull (issue 30): none on the registries that
//! today's clusters cannot pull from, and the README's table of default images lists exactly
//! the images that renders of the built-in profiles (every workflow preset) and of the example
//! profiles with URL, S3 and worker-pool data paths use.

mod common;

use hfgen::layout::Component;
use hfgen::profile::{self, builtin::BUILTIN_PROFILES, model::Workflow};
use serde_json::Value;
use std::collections::BTreeSet;
use std::fs;

/// The engine gets the worker image as this env value, not as a container's `image`.
const WORKER_IMAGE_ENV: &str = "HF_VAR_WORKER_CONTAINER";

/// Every container image in `value`, and the worker image the engine is told to use.
fn collect_images(value: &Value, images: &mut BTreeSet<String>) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(image)) = map.get("image") {
                images.insert(image.clone());
            }
            if map.get("name").and_then(Value::as_str) == Some(WORKER_IMAGE_ENV) {
                images.insert(map["value"].as_str().unwrap().to_string());
            }
            map.values().for_each(|child| collect_images(child, images));
        }
        Value::Array(items) => items.iter().for_each(|item| collect_images(item, images)),
        _ => {}
    }
}

fn images_of(profile: &str, sets: &[String]) -> BTreeSet<String> {
    let loaded = profile::load(profile, sets).unwrap_or_else(|e| panic!("{profile}: {e:?}"));
    let bundle = hfgen::render::render_profile(&loaded, &Component::ALL)
        .unwrap_or_else(|e| panic!("{profile} {sets:?}: {e:?}"));
    let mut images = BTreeSet::new();
    for document in bundle.documents() {
        collect_images(&document.value, &mut images);
    }
    images
}

/// The images of the default renders: each built-in profile with each workflow preset, and the
/// example profiles whose data comes by URL or from S3 or whose tasks go to worker pools.
fn default_images() -> BTreeSet<String> {
    let mut images = BTreeSet::new();
    for builtin in BUILTIN_PROFILES {
        for workflow in Workflow::PRESETS {
            let name = serde_json::to_value(workflow).unwrap();
            let set = format!("workflow={}", name.as_str().unwrap());
            images.extend(images_of(builtin.name, &[set]));
        }
    }
    for example in ["url-source", "s3-source", "worker-pools"] {
        images.extend(images_of(&common::data_profile(example), &[]));
    }
    images
}

/// The first cell of each row of the README's table of default images.
fn readme_images() -> BTreeSet<String> {
    let readme = fs::read_to_string(common::repo_root().join("README.md")).unwrap();
    let start = readme
        .find("<!-- default-images:start -->")
        .expect("README has the default-images table");
    let end = readme.find("<!-- default-images:end -->").unwrap();
    readme[start..end]
        .lines()
        .filter_map(|line| line.strip_prefix("| `"))
        .map(|rest| rest.split('`').next().unwrap().to_string())
        .collect()
}

#[test]
fn readme_table_lists_exactly_the_default_images() {
    let rendered = default_images();
    let listed = readme_images();
    assert_eq!(
        listed,
        rendered,
        "README only: {:?}\nrender only: {:?}",
        listed.difference(&rendered).collect::<Vec<_>>(),
        rendered.difference(&listed).collect::<Vec<_>>()
    );
}

/// Google's Container Registry project `google_containers` and `k8s.gcr.io` are frozen: their
/// images are no longer maintained, and the old ones there are often Docker schema-1 images,
/// which containerd 2.0 (GKE 1.33 and later) refuses to pull.
#[test]
fn no_default_image_comes_from_a_frozen_registry() {
    for image in default_images() {
        for frozen in [
            "gcr.io/google_containers/",
            "gcr.io/google-containers/",
            "k8s.gcr.io/",
        ] {
            assert!(!image.starts_with(frozen), "{image}");
        }
    }
}

/// What `registry.k8s.io/e2e-test-images/volume/nfs` does, from kubernetes/kubernetes
/// `test/images/volume/nfs`: its `Dockerfile` installs `run_nfs.sh` here and exposes nfsd and
/// mountd; `run_nfs.sh` exports each of its arguments (`rw,fsid=0,insecure,no_root_squash`),
/// starts rpcbind on its standard port, and mounts nfsd, which needs a privileged container.
const NFS_SCRIPT: &str = "/usr/local/bin/run_nfs.sh";
const NFS_PORTS: [u64; 3] = [2049, 20048, 111];

/// Each built-in profile's NFS server runs the image's script with the folder the pod mounts
/// the exports on and the path the PersistentVolume mounts among its exports, privileged, with
/// the image's ports on the container and the Service.
#[test]
fn nfs_server_pod_matches_the_volume_nfs_image() {
    for builtin in BUILTIN_PROFILES {
        let loaded = profile::load(builtin.name, &[]).unwrap();
        let bundle = hfgen::render::render_profile(&loaded, &[Component::Core]).unwrap();
        let deployment = bundle.find("Deployment", "nfs-server").unwrap();
        let container = &deployment.value["spec"]["template"]["spec"]["containers"][0];
        let command: Vec<&str> = container["command"]
            .as_array()
            .unwrap()
            .iter()
            .map(|word| word.as_str().unwrap())
            .collect();
        assert_eq!(command[0], NFS_SCRIPT, "{}", builtin.name);
        let exports = &command[1..];
        let mount = container["volumeMounts"][0]["mountPath"].as_str().unwrap();
        assert!(exports.contains(&mount), "{}: {exports:?}", builtin.name);
        let pv = bundle
            .documents()
            .find(|doc| doc.kind() == "PersistentVolume")
            .unwrap();
        let path = pv.value["spec"]["nfs"]["path"].as_str().unwrap();
        assert!(exports.contains(&path), "{}: PV path {path}", builtin.name);
        assert_eq!(container["securityContext"]["privileged"], true);
        let ports = |list: &Value, key: &str| -> BTreeSet<u64> {
            list.as_array()
                .unwrap()
                .iter()
                .map(|port| port[key].as_u64().unwrap())
                .collect()
        };
        let expected = BTreeSet::from(NFS_PORTS);
        assert_eq!(ports(&container["ports"], "containerPort"), expected);
        let service = bundle.find("Service", "nfs-server").unwrap();
        assert_eq!(ports(&service.value["spec"]["ports"], "port"), expected);
    }
}
