//! Runs a pod's container as a local process, the way a kubelet would: the container's
//! `command` and `args`, its env (values, the downward API's fieldRefs, Secret keys, and
//! `$(VAR)` references between them), its `workingDir`, and its volumes. The one shared claim is a temporary folder; a mount path becomes that
//! folder's path wherever it appears in the command, env and working directory (the process
//! has no mount namespace of its own). The image is not run: its programs come from `PATH`.

use super::deployment::Deployment;
use super::processes::ProcessGroup;
use serde_json::Value;
use std::collections::BTreeMap;
use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The cluster's Secrets in the deployment's namespace: Secret name, then key, then value.
/// `hfgen setup` creates them, so they are not among the rendered objects.
pub type Secrets = BTreeMap<String, BTreeMap<String, String>>;

/// Where pods run: the deployment they belong to and the host folders that stand in for volumes.
pub struct Node<'a> {
    pub deployment: &'a Deployment,
    /// The shared workflow volume: every claim of the deployment maps here.
    pub shared_volume: &'a Path,
    /// Per-pod folders (emptyDir, ConfigMap files) and logs.
    pub pods_dir: &'a Path,
    /// What the pods' `secretKeyRef`s read.
    pub secrets: &'a Secrets,
}

pub struct PodSpecError(pub String);

/// A started pod: its process group (killed when dropped) and its log file (stdout and stderr).
pub struct Pod {
    pub name: String,
    pub log: PathBuf,
    pub process: ProcessGroup,
}

/// A pod whose process is ready to start: the harness may still place files in its volumes.
pub struct PreparedPod {
    name: String,
    dir: PathBuf,
    command: Command,
    env: Vec<(String, String)>,
}

impl PreparedPod {
    /// An env value as the process gets it (paths already mapped). Of a variable defined
    /// twice, the process gets the last definition.
    pub fn env(&self, name: &str) -> Option<&str> {
        self.env_vars()
            .filter(|(var, _)| *var == name)
            .map(|(_, value)| value)
            .last()
    }

    /// The env the process gets, in order.
    pub fn env_vars(&self) -> impl Iterator<Item = (&str, &str)> {
        self.env
            .iter()
            .map(|(name, value)| (name.as_str(), value.as_str()))
    }

    /// The command and its arguments as the process gets them (references expanded, paths
    /// mapped).
    pub fn argv(&self) -> Vec<String> {
        std::iter::once(self.command.get_program())
            .chain(self.command.get_args())
            .map(|word| word.to_string_lossy().into_owned())
            .collect()
    }

    pub fn start(mut self) -> Pod {
        self.command
            .envs(self.env.iter().map(|(name, value)| (name, value)));
        let log = self.dir.join("log");
        let log_file = File::create(&log).expect("create the pod log");
        self.command
            .stdin(Stdio::null())
            .stdout(log_file.try_clone().expect("clone the log handle"))
            .stderr(log_file);
        Pod {
            process: ProcessGroup::spawn(self.command, &format!("pod {}", self.name)),
            name: self.name,
            log,
        }
    }
}

impl Node<'_> {
    /// Prepares the one container of `pod` (a pod template: `metadata` and `spec`).
    /// `path` comes first in the process's PATH; `swaps` replace in-cluster addresses in env
    /// values, command and args (after `$(VAR)` expansion) with the loopback addresses of the
    /// stand-ins.
    pub fn prepare_pod(
        &self,
        name: &str,
        pod: &Value,
        path: &Path,
        swaps: &[(String, String)],
    ) -> Result<PreparedPod, PodSpecError> {
        self.prepare_pod_with_image(name, pod, path, swaps, &[])
    }

    /// [`Node::prepare_pod`] for a pod whose image brings files the command reads:
    /// `image_files` maps a path of the image (the data image's `/data`) to a host folder.
    pub fn prepare_pod_with_image(
        &self,
        name: &str,
        pod: &Value,
        path: &Path,
        swaps: &[(String, String)],
        image_files: &[(String, PathBuf)],
    ) -> Result<PreparedPod, PodSpecError> {
        let spec = &pod["spec"];
        let container = only_container(name, pod)?;
        let pod_dir = self.pods_dir.join(name);
        std::fs::create_dir_all(&pod_dir).expect("create the pod folder");
        let mut mounts = self.mounts(name, spec, container, &pod_dir)?;
        mounts.extend(image_files.iter().cloned());
        mounts.sort_by_key(|(mount_path, _)| std::cmp::Reverse(mount_path.len()));
        let map = |text: &str| map_paths(text, &mounts);

        if container["command"].as_array().is_none_or(Vec::is_empty) {
            return Err(PodSpecError(format!(
                "pod {name}: no command; the harness cannot run an image's entrypoint"
            )));
        }
        let container_env = self.container_env(name, pod, container)?;
        // What the process sees of an expanded string of the spec: mount paths mapped, then
        // in-cluster addresses swapped.
        let localize = |text: &str| {
            let mut text = map(text);
            for (cluster, loopback) in swaps {
                text = text.replace(cluster.as_str(), loopback);
            }
            text
        };
        // Kubernetes expands command and args from the container's whole env.
        let mut argv: Vec<String> = Vec::new();
        for key in ["command", "args"] {
            for word in container[key]
                .as_array()
                .map(Vec::as_slice)
                .unwrap_or_default()
            {
                let word = expand(word.as_str().unwrap_or_default(), &container_env);
                argv.push(localize(&word));
            }
        }
        let mut command = Command::new(&argv[0]);
        command.args(&argv[1..]).env_clear();
        let system_path = std::env::var("PATH").unwrap_or_default();
        let mut env = vec![
            (
                "PATH".to_string(),
                format!("{}:{system_path}", path.display()),
            ),
            ("HOSTNAME".to_string(), name.to_string()),
        ];
        for var in &container_env {
            let value = match var.source {
                EnvSource::Value => localize(&var.spec_value),
                EnvSource::Reference => var.spec_value.clone(),
            };
            env.push((var.name.clone(), value));
        }
        let working_dir = match container["workingDir"].as_str() {
            Some(dir) => PathBuf::from(map(dir)),
            None => pod_dir.clone(),
        };
        std::fs::create_dir_all(&working_dir).expect("create the working directory");
        command.current_dir(working_dir);
        Ok(PreparedPod {
            name: name.to_string(),
            dir: pod_dir,
            command,
            env,
        })
    }

    /// The env of the one container of `pod` as the kubelet gives it, for a container whose
    /// image entrypoint the harness does not run (RabbitMQ): Secrets and `$(VAR)` resolved.
    pub fn resolved_env(
        &self,
        name: &str,
        pod: &Value,
    ) -> Result<Vec<(String, String)>, PodSpecError> {
        let container = only_container(name, pod)?;
        Ok(self
            .container_env(name, pod, container)?
            .into_iter()
            .map(|var| (var.name, var.spec_value))
            .collect())
    }

    /// The container's env as Kubernetes defines it, in order: literal values with their
    /// `$(VAR)` references expanded, fieldRefs and secretKeyRefs. An optional secretKeyRef
    /// whose Secret or key is missing defines nothing.
    fn container_env(
        &self,
        pod_name: &str,
        pod: &Value,
        container: &Value,
    ) -> Result<Vec<EnvVar>, PodSpecError> {
        let mut env: Vec<EnvVar> = Vec::new();
        for var in container["env"]
            .as_array()
            .map(Vec::as_slice)
            .unwrap_or_default()
        {
            let var_name = var["name"].as_str().unwrap_or_default();
            let from = &var["valueFrom"];
            let (spec_value, source) = if let Value::String(value) = &var["value"] {
                // From the variables before it only.
                (expand(value, &env), EnvSource::Value)
            } else if let Some(field) = from["fieldRef"]["fieldPath"].as_str() {
                (self.field_ref(pod_name, pod, field)?, EnvSource::Reference)
            } else if from.get("secretKeyRef").is_some() {
                match self.secret_key_ref(pod_name, var_name, &from["secretKeyRef"])? {
                    Some(value) => (value, EnvSource::Reference),
                    None => continue,
                }
            } else {
                return Err(PodSpecError(format!(
                    "pod {pod_name}: env {var_name} is neither a value, a fieldRef nor a secretKeyRef"
                )));
            };
            env.push(EnvVar {
                name: var_name.to_string(),
                spec_value,
                source,
            });
        }
        Ok(env)
    }

    /// A Secret's key; a missing Secret or key keeps the container from starting
    /// (CreateContainerConfigError) unless the reference is optional (then `None`).
    fn secret_key_ref(
        &self,
        pod_name: &str,
        var_name: &str,
        reference: &Value,
    ) -> Result<Option<String>, PodSpecError> {
        let secret = reference["name"].as_str().unwrap_or_default();
        let key = reference["key"].as_str().unwrap_or_default();
        let optional = reference["optional"].as_bool().unwrap_or(false);
        let problem = match self.secrets.get(secret) {
            Some(data) => match data.get(key) {
                Some(value) => return Ok(Some(value.clone())),
                None => format!("Secret {secret:?} has no key {key:?}"),
            },
            None => format!("Secret {secret:?} not found"),
        };
        if optional {
            return Ok(None);
        }
        Err(PodSpecError(format!(
            "pod {pod_name}: env {var_name}: {problem} (CreateContainerConfigError)"
        )))
    }

    /// `(mount path, host path)` for each volumeMount, longest mount path first.
    fn mounts(
        &self,
        pod_name: &str,
        spec: &Value,
        container: &Value,
        pod_dir: &Path,
    ) -> Result<Vec<(String, PathBuf)>, PodSpecError> {
        let namespace = self.deployment.namespace();
        let mut mounts = Vec::new();
        for mount in container["volumeMounts"]
            .as_array()
            .map(Vec::as_slice)
            .unwrap_or_default()
        {
            let volume_name = mount["name"].as_str().unwrap_or_default();
            let mount_path = mount["mountPath"].as_str().unwrap_or_default();
            let volume = spec["volumes"]
                .as_array()
                .and_then(|volumes| volumes.iter().find(|volume| volume["name"] == volume_name))
                .ok_or_else(|| {
                    PodSpecError(format!(
                        "pod {pod_name}: no volume {volume_name:?} for {mount_path}"
                    ))
                })?;
            let host_path = if let Some(claim) =
                volume["persistentVolumeClaim"]["claimName"].as_str()
            {
                let claim_exists = self.deployment.objects.iter().any(|object| {
                    object["kind"] == "PersistentVolumeClaim"
                        && object["metadata"]["name"] == claim
                        && object["metadata"]["namespace"] == namespace.as_str()
                });
                if !claim_exists {
                    return Err(PodSpecError(format!(
                        "pod {pod_name}: claim {claim:?} is not in the deployment; the pod would stay Pending"
                    )));
                }
                self.shared_volume.to_path_buf()
            } else if let Some(config_map) = volume["configMap"]["name"].as_str() {
                let data = &self
                    .deployment
                    .find("ConfigMap", config_map)
                    .ok_or_else(|| {
                        PodSpecError(format!(
                            "pod {pod_name}: ConfigMap {config_map:?} is not in the deployment"
                        ))
                    })?["data"];
                let dir = pod_dir.join(volume_name);
                std::fs::create_dir_all(&dir).expect("create the ConfigMap folder");
                for (key, text) in data.as_object().into_iter().flatten() {
                    std::fs::write(dir.join(key), text.as_str().unwrap_or_default())
                        .expect("write a ConfigMap key");
                }
                match mount["subPath"].as_str() {
                    Some(key) => dir.join(key),
                    None => dir,
                }
            } else if volume.get("emptyDir").is_some() {
                let dir = pod_dir.join(volume_name);
                std::fs::create_dir_all(&dir).expect("create the emptyDir folder");
                dir
            } else {
                return Err(PodSpecError(format!(
                    "pod {pod_name}: volume {volume_name:?} is of a type the harness does not run"
                )));
            };
            mounts.push((mount_path.to_string(), host_path));
        }
        mounts.sort_by_key(|(mount_path, _)| std::cmp::Reverse(mount_path.len()));
        Ok(mounts)
    }

    /// The downward API fields the rendered pods use.
    fn field_ref(&self, pod_name: &str, pod: &Value, field: &str) -> Result<String, PodSpecError> {
        let spec = &pod["spec"];
        if let Some(key) = field
            .strip_prefix("metadata.labels['")
            .and_then(|rest| rest.strip_suffix("']"))
        {
            // A label the pod does not have gives an empty value.
            return Ok(pod["metadata"]["labels"][key]
                .as_str()
                .unwrap_or_default()
                .to_string());
        }
        Ok(match field {
            "metadata.name" => pod_name.to_string(),
            "metadata.namespace" => self.deployment.namespace(),
            "spec.nodeName" => "e2e-node".to_string(),
            "status.podIP" => "127.0.0.1".to_string(),
            "spec.serviceAccountName" => spec["serviceAccountName"]
                .as_str()
                .unwrap_or("default")
                .to_string(),
            other => {
                return Err(PodSpecError(format!(
                    "pod {pod_name}: fieldRef {other} is not one the harness knows"
                )))
            }
        })
    }
}

/// A variable of the container's env as Kubernetes defines it (before the harness maps paths
/// and swaps addresses).
struct EnvVar {
    name: String,
    /// The value with its references expanded.
    spec_value: String,
    source: EnvSource,
}

enum EnvSource {
    /// A literal `value`: the harness maps its paths and swaps its addresses.
    Value,
    /// From a fieldRef or secretKeyRef: passed as it is.
    Reference,
}

/// The harness runs pods of one container.
fn only_container<'a>(name: &str, pod: &'a Value) -> Result<&'a Value, PodSpecError> {
    let containers = pod["spec"]["containers"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default();
    match containers {
        [container] => Ok(container),
        _ => Err(PodSpecError(format!(
            "pod {name}: the harness runs pods of one container, this one has {}",
            containers.len()
        ))),
    }
}

/// The kubelet's expansion of `text` from the variables of `defined` (the last definition of a
/// name wins).
fn expand(text: &str, defined: &[EnvVar]) -> String {
    crate::common::kubelet_expand(text, |name| {
        defined
            .iter()
            .rev()
            .find(|var| var.name == name)
            .map(|var| var.spec_value.clone())
    })
}

/// `text` with every mount path replaced by its host folder, in one pass (a host folder may
/// itself start with a mount path such as `/tmp`). A mount path counts only as a whole path:
/// `/tmp` in `/usr/tmp`, `x_/tmp` or `/tmpfile` stays; in `${DIR:-/tmp}` it is mapped.
fn map_paths(text: &str, mounts: &[(String, PathBuf)]) -> String {
    let is_path_char = |c: char| c.is_ascii_alphanumeric() || "._-".contains(c);
    let mut mapped = String::with_capacity(text.len());
    let mut rest = text;
    let mut previous: Option<char> = None;
    'scan: while let Some(next) = rest.chars().next() {
        if previous.is_none_or(|c| !(c.is_ascii_alphanumeric() || "._/".contains(c))) {
            for (mount_path, host_path) in mounts {
                if let Some(after) = rest.strip_prefix(mount_path.as_str()) {
                    if after.chars().next().is_none_or(|c| !is_path_char(c)) {
                        mapped.push_str(&host_path.display().to_string());
                        previous = mount_path.chars().last();
                        rest = after;
                        continue 'scan;
                    }
                }
            }
        }
        mapped.push(next);
        previous = Some(next);
        rest = &rest[next.len_utf8()..];
    }
    mapped
}
