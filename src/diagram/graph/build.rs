//! Building the graph: one pass per kind of link, from the rendered objects' own references.

use super::{
    Class, Edge, Graph, Group, Node, JOB_TEMPLATE_PATH_ENV, REDIS_URL_ENV, WORKER_IMAGE_ENV,
    WORKER_IMAGE_PLACEHOLDER,
};
use crate::error::Result;
use crate::hyperflow::{
    execution_models, model_queue, EXECUTION_MODELS_FILE, NAMESPACE_ENV, QUEUE_NAME_ENV,
    RABBIT_HOSTNAME_ENV,
};
use crate::layout::Component;
use crate::manifests::objects::{
    host_is_service, is_workload, object_details, selects, url_host, PodTemplate,
};
use crate::manifests::{parse_documents, Bundle, Document};
use serde_json::Value;
use std::collections::{HashMap, HashSet};

/// The kind a link names for a RabbitMQ queue, which is no Kubernetes object.
const QUEUE: &str = "RabbitMQ queue";

/// One rendered object and the node drawn for it.
struct Entry<'a> {
    doc: &'a Document,
    component: Component,
    node: usize,
}

struct Builder<'a> {
    graph: Graph,
    entries: Vec<Entry<'a>>,
    /// Services that a PersistentVolume names as its NFS server.
    nfs_services: Vec<usize>,
    exports: Vec<usize>,
    // Indexes, so that a lookup per pool costs a pool, not all of them (issue 27).
    /// Every node id given out.
    ids: HashSet<String>,
    /// Every edge added.
    edge_set: HashSet<Edge>,
    /// The entry of each rendered object by (kind, name), the first of a name.
    by_name: HashMap<(String, String), usize>,
    /// The nodes made for what is not rendered (queues, external objects) by (kind, name).
    made: HashMap<(String, String), usize>,
}

impl<'a> Builder<'a> {
    fn new(bundle: &'a Bundle) -> Self {
        let mut builder = Builder {
            graph: Graph::default(),
            entries: Vec::new(),
            nfs_services: Vec::new(),
            exports: Vec::new(),
            ids: HashSet::new(),
            edge_set: HashSet::new(),
            by_name: HashMap::new(),
            made: HashMap::new(),
        };
        let mut namespace = None;
        for file in &bundle.files {
            for doc in &file.documents {
                if doc.kind() == "Namespace" {
                    namespace = Some(doc.name().to_string());
                    continue;
                }
                namespace = namespace.or_else(|| doc.namespace().map(str::to_string));
                let node = builder.add_node(
                    Class::of_kind(doc.kind()),
                    doc.kind(),
                    doc.name(),
                    object_details(&doc.value),
                );
                let entry = builder.entries.len();
                builder
                    .by_name
                    .entry((doc.kind().to_string(), doc.name().to_string()))
                    .or_insert(entry);
                builder.entries.push(Entry {
                    doc,
                    component: file.component,
                    node,
                });
            }
        }
        builder.graph.title = match namespace {
            Some(ns) => format!("HyperFlow on Kubernetes, namespace {ns}"),
            None => "HyperFlow on Kubernetes".to_string(),
        };
        builder
    }

    fn add_node(&mut self, class: Class, kind: &str, name: &str, details: Vec<String>) -> usize {
        // `deployment_redis`, `worker_job_jobname`: the kind's first word and the name.
        let prefix = match class {
            Class::Worker => "worker",
            Class::Export => "export",
            Class::Queue => "queue",
            _ => kind.split_whitespace().next().unwrap_or("object"),
        };
        let mut base = String::new();
        for c in format!("{prefix}_{name}").chars() {
            let c = if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            };
            if !(c == '_' && (base.is_empty() || base.ends_with('_'))) {
                base.push(c);
            }
        }
        let base = base.trim_end_matches('_').to_string();
        let mut id = base.clone();
        let mut n = 2;
        while self.ids.contains(&id) {
            id = format!("{base}_{n}");
            n += 1;
        }
        self.ids.insert(id.clone());
        self.graph.nodes.push(Node {
            id,
            class,
            kind: kind.to_string(),
            name: name.to_string(),
            details,
            group: None,
        });
        self.graph.nodes.len() - 1
    }

    fn add_edge(&mut self, from: usize, to: usize, label: impl Into<String>, runtime: bool) {
        let edge = Edge {
            from,
            to,
            label: label.into(),
            runtime,
        };
        if self.edge_set.insert(edge.clone()) {
            self.graph.edges.push(edge);
        }
    }

    fn of_kind(&self, kind: &'static str) -> impl Iterator<Item = &Entry<'a>> + '_ {
        self.entries.iter().filter(move |e| e.doc.kind() == kind)
    }

    fn find(&self, kind: &str, name: &str) -> Option<usize> {
        self.entry(kind, name).map(|e| e.node)
    }

    fn entry(&self, kind: &str, name: &str) -> Option<&Entry<'a>> {
        let index = self.by_name.get(&(kind.to_string(), name.to_string()))?;
        Some(&self.entries[*index])
    }

    /// The node drawn for `name` of `kind` that is not a rendered object, made on first use.
    fn made_node(&mut self, class: Class, kind: &str, name: &str) -> usize {
        let key = (kind.to_string(), name.to_string());
        if let Some(&node) = self.made.get(&key) {
            return node;
        }
        let node = self.add_node(class, kind, name, Vec::new());
        self.made.insert(key, node);
        node
    }

    /// The node of an object that is not rendered (a built-in ClusterRole, a user group).
    fn external(&mut self, kind: &str, name: &str) -> usize {
        self.made_node(Class::External, &format!("{kind} (not rendered)"), name)
    }

    /// The Service that `host` names as seen from a pod in `namespace`.
    fn service_at(&self, host: &str, namespace: Option<&str>) -> Option<usize> {
        self.of_kind("Service")
            .find(|e| host_is_service(host, &e.doc.value, namespace))
            .map(|e| e.node)
    }

    /// Service -> every workload whose pod template carries all the selector's labels.
    fn link_services(&mut self) {
        let mut edges = Vec::new();
        for service in self.of_kind("Service") {
            let selector = service.doc.value.pointer("/spec/selector");
            for workload in self.entries.iter().filter(|e| is_workload(e.doc.kind())) {
                let labels = PodTemplate::of(&workload.doc.value).and_then(|p| p.labels);
                if selects(selector, labels) {
                    edges.push((service.node, workload.node));
                }
            }
        }
        for (from, to) in edges {
            self.add_edge(from, to, "selects", false);
        }
    }

    /// NetworkPolicy -> every workload whose pods it selects (`spec.podSelector`; an empty
    /// selector selects every pod of the namespace), so a policy box is tied to what it guards.
    fn link_network_policies(&mut self) {
        self.link_pod_selectors("NetworkPolicy", "/spec/podSelector", "applies to");
    }

    /// PodDisruptionBudget -> every workload whose pods it selects (`spec.selector`, read as
    /// a policy's), so a budget is drawn next to what a node drain may not evict.
    fn link_disruption_budgets(&mut self) {
        self.link_pod_selectors("PodDisruptionBudget", "/spec/selector", "limits evictions");
    }

    /// `kind` -> every workload whose pod template its label selector at `pointer` selects.
    fn link_pod_selectors(&mut self, kind: &'static str, pointer: &str, label: &str) {
        let mut edges = Vec::new();
        for policy in self.of_kind(kind) {
            let selector = policy.doc.value.pointer(pointer);
            let match_labels = selector.and_then(|s| s.get("matchLabels"));
            let empty = |key: &str| {
                selector.and_then(|s| s.get(key)).is_none_or(|v| {
                    v.as_object().is_some_and(|m| m.is_empty())
                        || v.as_array().is_some_and(|a| a.is_empty())
                })
            };
            let selects_all =
                selector.is_some() && empty("matchLabels") && empty("matchExpressions");
            for workload in self.entries.iter().filter(|e| is_workload(e.doc.kind())) {
                let labels = PodTemplate::of(&workload.doc.value).and_then(|p| p.labels);
                if selects_all || selects(match_labels, labels) {
                    edges.push((policy.node, workload.node));
                }
            }
        }
        for (from, to) in edges {
            self.add_edge(from, to, label, false);
        }
    }

    /// Claim -> the volume it binds, by `spec.volumeName` or the volume's `claimRef`.
    fn link_claims(&mut self) {
        let mut edges = Vec::new();
        for claim in self.of_kind("PersistentVolumeClaim") {
            let value = &claim.doc.value;
            let by_name = value.pointer("/spec/volumeName").and_then(Value::as_str);
            let volume = self.of_kind("PersistentVolume").find(|pv| {
                let claim_ref = |key: &str| {
                    pv.doc
                        .value
                        .pointer(&format!("/spec/claimRef/{key}"))
                        .and_then(Value::as_str)
                };
                by_name == Some(pv.doc.name())
                    || (claim_ref("name") == Some(claim.doc.name())
                        && claim_ref("namespace") == claim.doc.namespace())
            });
            if let Some(volume) = volume {
                edges.push((claim.node, volume.node));
            }
        }
        for (from, to) in edges {
            self.add_edge(from, to, "bound to", false);
        }
    }

    /// NFS volume -> the Service its `nfs.server` names, by DNS name or pinned ClusterIP.
    fn link_nfs_volumes(&mut self) {
        let volumes: Vec<(usize, String, Option<String>)> = self
            .of_kind("PersistentVolume")
            .filter_map(|pv| {
                let server = pv.doc.value.pointer("/spec/nfs/server")?.as_str()?;
                let claim_ns = pv.doc.value.pointer("/spec/claimRef/namespace");
                let claim_ns = claim_ns.and_then(Value::as_str).map(str::to_string);
                Some((pv.node, server.to_string(), claim_ns))
            })
            .collect();
        for (volume, server, namespace) in volumes {
            let target = match self.service_at(&server, namespace.as_deref()) {
                Some(service) => {
                    if !self.nfs_services.contains(&service) {
                        self.nfs_services.push(service);
                    }
                    service
                }
                None => self.external("NFS server", &server),
            };
            self.add_edge(volume, target, format!("NFS {server}"), false);
        }
    }

    fn link_workloads(&mut self) -> Result<()> {
        let workloads: Vec<usize> = (0..self.entries.len())
            .filter(|&i| is_workload(self.entries[i].doc.kind()))
            .collect();
        for index in workloads {
            let (doc, node): (&'a Document, usize) =
                (self.entries[index].doc, self.entries[index].node);
            let namespace = doc.namespace();
            let Some(pod) = PodTemplate::of(&doc.value) else {
                continue;
            };
            if let Some(account) = pod.service_account() {
                if let Some(account) = self.find("ServiceAccount", account) {
                    self.add_edge(node, account, "runs as", false);
                }
            }
            for (name, value) in pod.env_vars() {
                // RABBIT_HOSTNAME is a URL without its scheme (`user:pass@host:port`).
                let url = match name {
                    RABBIT_HOSTNAME_ENV => format!("amqp://{value}"),
                    _ => value.to_string(),
                };
                let service = url_host(&url).and_then(|host| self.service_at(host, namespace));
                if let Some(service) = service {
                    self.add_edge(node, service, name, false);
                }
            }
            let template = self.link_job_template(node, &pod)?;
            // A Service's only links to workloads are its selections (`link_services`).
            let serves_nfs = self.nfs_services.iter().any(|&service| {
                self.edge_set.contains(&Edge {
                    from: service,
                    to: node,
                    label: "selects".into(),
                    runtime: false,
                })
            });
            self.link_volumes(node, &pod, template.as_ref(), serves_nfs);
            if let Some(template) = template {
                self.add_worker(node, &pod, &template.2)?;
            }
        }
        Ok(())
    }

    /// Engine -> the ConfigMap holding its worker Job template (the file `HF_VAR_JOB_TEMPLATE_PATH`
    /// names): returns (ConfigMap name, key, template text).
    fn link_job_template(
        &mut self,
        node: usize,
        pod: &PodTemplate<'a>,
    ) -> Result<Option<(String, String, String)>> {
        let Some(path) = pod.env(JOB_TEMPLATE_PATH_ENV) else {
            return Ok(None);
        };
        let Some((config_map, key)) = pod.config_map_file(path) else {
            return Ok(None);
        };
        let Some(entry) = self
            .of_kind("ConfigMap")
            .find(|e| e.doc.name() == config_map)
        else {
            return Ok(None);
        };
        let text = entry.doc.value.pointer("/data").and_then(|d| d.get(&key));
        let Some(text) = text.and_then(Value::as_str) else {
            return Ok(None);
        };
        let config_map_node = entry.node;
        self.add_edge(node, config_map_node, "job template", false);
        Ok(Some((config_map.to_string(), key, text.to_string())))
    }

    /// Pod -> the claims and ConfigMaps it mounts; the NFS server's volumes become exports.
    fn link_volumes(
        &mut self,
        node: usize,
        pod: &PodTemplate<'_>,
        template: Option<&(String, String, String)>,
        serves_nfs: bool,
    ) {
        for volume in pod.volumes() {
            let name = volume
                .get("name")
                .and_then(Value::as_str)
                .unwrap_or_default();
            let claim = volume.pointer("/persistentVolumeClaim/claimName");
            let claim = claim
                .and_then(Value::as_str)
                .and_then(|c| self.find("PersistentVolumeClaim", c));
            if serves_nfs {
                let export = self.add_export(node, pod, volume, name);
                if let Some(claim) = claim {
                    self.add_edge(export, claim, "stored on", false);
                }
                continue;
            }
            if let Some(claim) = claim {
                self.add_edge(node, claim, "mounts", false);
            }
            let config_map = volume.pointer("/configMap/name").and_then(Value::as_str);
            let is_template = template.is_some_and(|t| Some(t.0.as_str()) == config_map);
            if let Some(config_map) = config_map.filter(|_| !is_template) {
                if let Some(config_map) = self.find("ConfigMap", config_map) {
                    self.add_edge(node, config_map, "mounts", false);
                }
            }
        }
    }

    fn add_export(
        &mut self,
        server: usize,
        pod: &PodTemplate<'_>,
        volume: &Value,
        name: &str,
    ) -> usize {
        let source = match volume.as_object() {
            Some(fields) => fields
                .iter()
                .find(|(k, _)| k.as_str() != "name")
                .map(|(k, v)| match v.get("claimName").and_then(Value::as_str) {
                    Some(claim) => format!("on claim {claim}"),
                    None => format!("on {k}"),
                })
                .unwrap_or_default(),
            None => String::new(),
        };
        let mut details = Vec::new();
        if let Some((path, _)) = pod.mount_of(name) {
            details.push(path.to_string());
        }
        details.push(source);
        let export = self.add_node(Class::Export, "NFS export", name, details);
        self.exports.push(export);
        self.add_edge(server, export, "exports", false);
        export
    }

    /// The Jobs the engine creates from its template: their image, claims and Redis.
    fn add_worker(
        &mut self,
        engine: usize,
        engine_pod: &PodTemplate<'a>,
        text: &str,
    ) -> Result<()> {
        let documents = parse_documents("job-template.yaml (worker Job template)", text)?;
        for template in documents {
            let Some(pod) = PodTemplate::of(&template.value) else {
                continue;
            };
            let worker_image = engine_pod.env(WORKER_IMAGE_ENV);
            let images: Vec<String> = pod
                .images()
                .into_iter()
                .map(|image| match worker_image {
                    Some(worker) if image.contains(WORKER_IMAGE_PLACEHOLDER) => {
                        image.replace(WORKER_IMAGE_PLACEHOLDER, worker)
                    }
                    _ => image.to_string(),
                })
                .collect();
            let kind = format!("{} (one per task)", template.kind());
            let worker = self.add_node(Class::Worker, &kind, template.name(), images);
            self.add_edge(engine, worker, "creates", true);
            let services: Vec<usize> = self
                .graph
                .edges
                .iter()
                .filter(|e| e.from == engine && e.label == REDIS_URL_ENV)
                .map(|e| e.to)
                .collect();
            for service in services {
                self.add_edge(worker, service, "REDIS_URL in task command", true);
            }
            self.link_volumes(worker, &pod, None, false);
        }
        Ok(())
    }

    /// The node of RabbitMQ queue `name`, drawn once however many objects name it.
    /// ([`QUEUE`] stands for it where links name their targets by kind.)
    fn queue(&mut self, name: &str) -> usize {
        self.made_node(Class::Queue, QUEUE, name)
    }

    /// Worker pools: the engine sends the task types of its execution models to RabbitMQ
    /// queues (`<HF_VAR_NAMESPACE>.<task>` unless a model names its queue), RabbitMQ holds
    /// them, pool workers consume the queue their QUEUE_NAME names, and KEDA's ScaledObjects
    /// scale their target by a queue's length.
    fn link_queues(&mut self) {
        let mut sends: Vec<(usize, String, String)> = Vec::new();
        let mut consumes: Vec<(usize, String)> = Vec::new();
        for entry in self.entries.iter().filter(|e| is_workload(e.doc.kind())) {
            let Some(pod) = PodTemplate::of(&entry.doc.value) else {
                continue;
            };
            if let Some(queue) = pod.env(QUEUE_NAME_ENV) {
                consumes.push((entry.node, queue.to_string()));
            }
            if pod.env_vars().all(|(name, _)| name != RABBIT_HOSTNAME_ENV) {
                continue;
            }
            // HF_VAR_NAMESPACE comes from the pod's own namespace (a fieldRef) unless set.
            let namespace = pod
                .env(NAMESPACE_ENV)
                .or(entry.doc.namespace())
                .unwrap_or("default");
            for (queue, task) in self.execution_models(&pod, namespace) {
                sends.push((entry.node, queue, task));
            }
        }
        let mut brokers: HashMap<usize, Vec<usize>> = HashMap::new();
        for (engine, queue, task) in sends {
            let node = self.queue(&queue);
            let detail = format!("tasks of {task}");
            if !self.graph.nodes[node].details.contains(&detail) {
                self.graph.nodes[node].details.push(detail);
            }
            self.add_edge(engine, node, "sends tasks", true);
            // The queue lives in the RabbitMQ that the engine's RABBIT_HOSTNAME names.
            let of_engine = brokers
                .entry(engine)
                .or_insert_with(|| self.brokers_of(engine))
                .clone();
            for broker in of_engine {
                self.add_edge(broker, node, "holds", true);
            }
        }
        for (worker, queue) in consumes {
            let node = self.queue(&queue);
            self.add_edge(node, worker, "consumed by", true);
        }
        self.link_scaled_objects();
    }

    /// The workloads behind the Services that `workload`'s RABBIT_HOSTNAME names (the Service
    /// itself if it selects none).
    fn brokers_of(&self, workload: usize) -> Vec<usize> {
        let services = self
            .graph
            .edges
            .iter()
            .filter(|e| e.from == workload && e.label == RABBIT_HOSTNAME_ENV)
            .map(|e| e.to);
        let mut brokers = Vec::new();
        for service in services {
            let selected: Vec<usize> = self
                .graph
                .edges
                .iter()
                .filter(|e| e.from == service && e.label == "selects")
                .map(|e| e.to)
                .collect();
            if selected.is_empty() {
                brokers.push(service);
            }
            brokers.extend(selected);
        }
        brokers
    }

    /// The (queue, task) pairs of the execution models in the ConfigMaps `pod` mounts.
    fn execution_models(&self, pod: &PodTemplate<'_>, namespace: &str) -> Vec<(String, String)> {
        let mut models = Vec::new();
        for volume in pod.volumes() {
            let Some(name) = volume.pointer("/configMap/name").and_then(Value::as_str) else {
                continue;
            };
            let Some(config_map) = self.entry("ConfigMap", name) else {
                continue;
            };
            let text = config_map
                .doc
                .value
                .pointer("/data")
                .and_then(|d| d.get(EXECUTION_MODELS_FILE));
            let list = text.and_then(Value::as_str).and_then(execution_models);
            for model in list.iter().flatten() {
                if let Some((task, queue)) = model_queue(model, namespace) {
                    models.push((queue, task));
                }
            }
        }
        models
    }

    /// ScaledObject -> the workload it scales (`scaleTargetRef`), the queues its RabbitMQ
    /// triggers count, and its TriggerAuthentication; TriggerAuthentication -> the Secrets it
    /// reads, drawn as not rendered when `hfgen setup` makes them.
    fn link_scaled_objects(&mut self) {
        let mut links: Vec<(usize, String, String, &'static str)> = Vec::new();
        let text =
            |value: &Value, key: &str| value.get(key).and_then(Value::as_str).map(str::to_string);
        for object in self.of_kind("ScaledObject") {
            let value = &object.doc.value;
            if let Some(target) = value.pointer("/spec/scaleTargetRef") {
                // KEDA's default target kind is a Deployment.
                let kind = text(target, "kind").unwrap_or_else(|| "Deployment".to_string());
                if let Some(name) = text(target, "name") {
                    links.push((object.node, kind, name, "scales"));
                }
            }
            let triggers = value.pointer("/spec/triggers").and_then(Value::as_array);
            for trigger in triggers.into_iter().flatten() {
                if trigger.get("type").and_then(Value::as_str) == Some("rabbitmq") {
                    if let Some(queue) = trigger
                        .pointer("/metadata/queueName")
                        .and_then(Value::as_str)
                    {
                        links.push((object.node, QUEUE.to_string(), queue.to_string(), "counts"));
                    }
                }
                if let Some(auth) = trigger
                    .pointer("/authenticationRef/name")
                    .and_then(Value::as_str)
                {
                    links.push((
                        object.node,
                        "TriggerAuthentication".to_string(),
                        auth.to_string(),
                        "authenticates with",
                    ));
                }
            }
        }
        for auth in self.of_kind("TriggerAuthentication") {
            let refs = auth
                .doc
                .value
                .pointer("/spec/secretTargetRef")
                .and_then(Value::as_array);
            for secret in refs.into_iter().flatten() {
                if let Some(name) = secret.get("name").and_then(Value::as_str) {
                    links.push((auth.node, "Secret".to_string(), name.to_string(), "reads"));
                }
            }
        }
        for (from, kind, name, label) in links {
            let target = match kind.as_str() {
                QUEUE => Some(self.queue(&name)),
                kind => self.find(kind, &name),
            };
            let target = target.unwrap_or_else(|| self.external(&kind, &name));
            self.add_edge(from, target, label, false);
        }
    }

    /// RoleBinding -> its subjects and its role; what is not rendered is drawn as external.
    fn link_bindings(&mut self) {
        let mut links = Vec::new();
        for binding in self.entries.iter() {
            if !matches!(binding.doc.kind(), "RoleBinding" | "ClusterRoleBinding") {
                continue;
            }
            let doc: &'a Document = binding.doc;
            let value = &doc.value;
            let field =
                |v: &'a Value, key: &str| v.get(key).and_then(Value::as_str).unwrap_or_default();
            let subjects = value.get("subjects").and_then(Value::as_array);
            for subject in subjects.into_iter().flatten() {
                links.push((
                    binding.node,
                    field(subject, "kind"),
                    field(subject, "name"),
                    "subject",
                ));
            }
            if let Some(role) = value.get("roleRef") {
                links.push((
                    binding.node,
                    field(role, "kind"),
                    field(role, "name"),
                    "grants",
                ));
            }
        }
        for (binding, kind, name, label) in links {
            let target = match self.find(kind, name) {
                Some(node) => node,
                None => self.external(kind, name),
            };
            self.add_edge(binding, target, label, false);
            // Kubernetes puts every ServiceAccount in `system:serviceaccounts` and those of
            // namespace N in `system:serviceaccounts:N`: show who such a binding reaches.
            if kind == "Group" {
                let accounts: Vec<usize> = self
                    .of_kind("ServiceAccount")
                    .filter(|sa| {
                        let ns = sa.doc.namespace().unwrap_or_default();
                        name == "system:serviceaccounts"
                            || name.strip_prefix("system:serviceaccounts:") == Some(ns)
                    })
                    .map(|sa| sa.node)
                    .collect();
                for account in accounts {
                    self.add_edge(target, account, "includes", false);
                }
            }
        }
    }

    /// Puts each node in the box of the upstream picture it belongs to, judged by its links.
    fn assign_groups(&mut self) {
        let edges = self.graph.edges.clone();
        let mut outgoing: HashMap<usize, Vec<&Edge>> = HashMap::new();
        for edge in &edges {
            outgoing.entry(edge.from).or_default().push(edge);
        }
        let targets = |from: usize, label: &str| -> Vec<usize> {
            let out = outgoing.get(&from).map(Vec::as_slice).unwrap_or_default();
            out.iter()
                .filter(|e| label.is_empty() || e.label == label)
                .map(|e| e.to)
                .collect()
        };
        let mut groups: Vec<(usize, Group)> = Vec::new();
        // The shared volume: NFS volumes and the claims bound to them.
        let nfs_volumes: Vec<usize> = edges
            .iter()
            .filter(|e| e.label.starts_with("NFS "))
            .map(|e| e.from)
            .collect();
        let shared_claims: Vec<usize> = edges
            .iter()
            .filter(|e| e.label == "bound to" && nfs_volumes.contains(&e.to))
            .map(|e| e.from)
            .collect();
        groups.extend(
            nfs_volumes
                .iter()
                .chain(&shared_claims)
                .map(|&n| (n, Group::SharedVolume)),
        );
        // The NFS server: its Service, pods, exports and their claims, and the Jobs of the
        // core component that fill the shared volume (data staging).
        let with_targets = |node: usize, label: &str| {
            let mut nodes = vec![node];
            nodes.extend(targets(node, label));
            nodes
        };
        for &service in &self.nfs_services {
            let nodes = with_targets(service, "selects");
            groups.extend(nodes.into_iter().map(|n| (n, Group::NfsServer)));
        }
        for &export in &self.exports {
            let nodes = with_targets(export, "stored on");
            groups.extend(nodes.into_iter().map(|n| (n, Group::NfsServer)));
        }
        // The engine: workloads with a worker template, the template, and what they call.
        for edge in edges.iter().filter(|e| e.label == "job template") {
            groups.push((edge.from, Group::Engine));
            groups.push((edge.to, Group::Engine));
            for service in targets(edge.from, REDIS_URL_ENV) {
                let nodes = with_targets(service, "selects");
                groups.extend(nodes.into_iter().map(|n| (n, Group::Engine)));
            }
        }
        // Worker pools: the Services that RABBIT_HOSTNAME names and the workloads they select
        // (RabbitMQ),
        for edge in edges.iter().filter(|e| e.label == RABBIT_HOSTNAME_ENV) {
            let nodes = with_targets(edge.to, "selects");
            groups.extend(nodes.into_iter().map(|n| (n, Group::Pools)));
        }
        // the workloads that consume a queue, what scales them and its TriggerAuthentication,
        // and (below) the queues.
        for edge in &edges {
            match edge.label.as_str() {
                "consumed by" => groups.push((edge.to, Group::Pools)),
                "scales" | "authenticates with" => {
                    groups.push((edge.from, Group::Pools));
                    groups.push((edge.to, Group::Pools));
                }
                _ => {}
            }
        }
        for entry in &self.entries {
            let node = entry.node;
            let mounts_shared = targets(node, "mounts")
                .iter()
                .any(|c| shared_claims.contains(c));
            let group = match (entry.component, &self.graph.nodes[node].class) {
                (Component::Postprocess, _) => Some(Group::Postprocess),
                (Component::Core, Class::Job) if mounts_shared => Some(Group::NfsServer),
                (_, Class::Access) => Some(Group::Access),
                _ => None,
            };
            groups.extend(group.map(|g| (node, g)));
        }
        let access_targets: HashSet<usize> = edges
            .iter()
            .filter(|e| e.label == "subject" || e.label == "grants")
            .map(|e| e.to)
            .collect();
        for (index, node) in self.graph.nodes.iter().enumerate() {
            match node.class {
                Class::Worker => groups.push((index, Group::Workers)),
                Class::Queue => groups.push((index, Group::Pools)),
                Class::External if access_targets.contains(&index) => {
                    groups.push((index, Group::Access))
                }
                _ => {}
            }
        }
        // First claim wins: a node belongs to one box only.
        for (node, group) in groups {
            let slot = &mut self.graph.nodes[node].group;
            if slot.is_none() {
                *slot = Some(group);
            }
        }
    }
}

/// The graph of everything in `bundle`.
pub(super) fn build(bundle: &Bundle) -> Result<Graph> {
    let mut builder = Builder::new(bundle);
    builder.link_services();
    builder.link_network_policies();
    builder.link_disruption_budgets();
    builder.link_claims();
    builder.link_nfs_volumes();
    builder.link_workloads()?;
    builder.link_queues();
    builder.link_bindings();
    builder.assign_groups();
    let mut graph = builder.graph;
    graph.edges = merge_repeated(graph.edges);
    Ok(graph)
}

/// The relations from one object to another become one edge whose label names each, in order
/// of first appearance, dashed only if all of them happen at run time: a picture shows one
/// arrow per pair. (Merged last: the links above look each other up by label.)
fn merge_repeated(edges: Vec<Edge>) -> Vec<Edge> {
    let mut merged: Vec<Edge> = Vec::with_capacity(edges.len());
    let mut index: HashMap<(usize, usize), usize> = HashMap::new();
    for edge in edges {
        let Some(&at) = index.get(&(edge.from, edge.to)) else {
            index.insert((edge.from, edge.to), merged.len());
            merged.push(edge);
            continue;
        };
        let kept = &mut merged[at];
        if !kept.label.split(", ").any(|l| l == edge.label) {
            kept.label.push_str(", ");
            kept.label.push_str(&edge.label);
        }
        kept.runtime &= edge.runtime;
    }
    merged
}
