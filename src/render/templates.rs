//! The templates, one per upstream manifest file, in apply order.

use crate::layout::Component;
use crate::plan::Plan;

/// One template and the file it renders to.
#[derive(Debug)]
pub struct TemplateSpec {
    /// Output file name, e.g. `redis.yml`; the template is `<file>.j2`.
    pub file: &'static str,
    pub component: Component,
    /// Whether the plan deploys this file's objects at all.
    pub enabled: fn(&Plan) -> bool,
    pub source: &'static str,
}

impl TemplateSpec {
    pub fn template_name(&self) -> String {
        format!("{}.j2", self.file)
    }
}

macro_rules! template {
    ($file:literal, $component:ident) => {
        template!($file, $component, |_| true)
    };
    ($file:literal, $component:ident, $enabled:expr) => {
        TemplateSpec {
            file: $file,
            component: Component::$component,
            enabled: $enabled,
            source: include_str!(concat!("../../templates/", $file, ".j2")),
        }
    };
}

/// Every manifest template, in the order `kubectl apply` needs them: namespace, network
/// policies (before any pod, so no pod starts unprotected), RBAC, ConfigMap, Services, PV,
/// PVC, Deployments, Jobs (the engine's run, the data it waits for, the post-processing).
pub const TEMPLATES: &[TemplateSpec] = &[
    template!("namespace.yml", Core, |plan| plan.create_namespace),
    template!("network-policy.yml", Core, |plan| plan
        .network_policy
        .enabled),
    template!("rbac.yml", Core),
    template!("cm.yml", Core),
    template!("nfs-server-service.yml", Core, |plan| plan
        .storage
        .has_own_nfs_server()),
    template!("redis-service.yml", Core),
    template!("rabbitmq.yml", Core, |plan| plan.execution.has_rabbitmq()),
    template!("pv-pvc.yml", Core, |plan| plan.storage.renders_claim()),
    template!("nfs-server.yml", Core, |plan| plan
        .storage
        .has_own_nfs_server()),
    template!("redis.yml", Core),
    template!("worker-pools.yml", Core, |plan| plan
        .execution
        .has_rabbitmq()),
    template!("pdb.yml", Core),
    template!("hyperflow-engine-job.yml", Core),
    template!("nfs-data-job.yml", Core),
    template!("parser-job.yml", Postprocess),
    template!("viz-trace-job.yml", Postprocess),
    template!("results-job.yml", Results),
];

/// Macros the templates import (`{% import "_pod.yml.j2" as pod %}`): (name, source).
pub const MACROS: &[(&str, &str)] = &[("_pod.yml.j2", include_str!("../../templates/_pod.yml.j2"))];

/// The worker Job template that the ConfigMap carries; rendered before `cm.yml`.
pub const JOB_TEMPLATE: TemplateSpec = template!("job-template.yaml", Core);
