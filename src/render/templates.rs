//! The templates, one per upstream manifest file, in apply order.

use super::plan::DeploymentPlan;

/// A group of objects a user renders together.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Component {
    /// Everything needed to run a workflow.
    Core,
    /// The log-parser and viz-trace Jobs: with the core unless `postprocess.automatic = false`.
    Postprocess,
    /// A pod that mounts the shared volume read-only, for `kubectl cp` of the results.
    Results,
}

impl Component {
    pub const ALL: [Component; 3] = [Component::Core, Component::Postprocess, Component::Results];

    /// What `hfgen render` renders without `--component`: the core, and the post-processing
    /// Jobs too when they follow the run by themselves (`postprocess.automatic`).
    pub fn defaults(profile: &crate::profile::Profile) -> Vec<Component> {
        if profile.postprocess.automatic {
            vec![Component::Core, Component::Postprocess]
        } else {
            vec![Component::Core]
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Component::Core => "core",
            Component::Postprocess => "postprocess",
            Component::Results => "results",
        }
    }

    pub fn from_name(name: &str) -> Option<Component> {
        Component::ALL.into_iter().find(|c| c.name() == name)
    }
}

/// One template and the file it renders to.
#[derive(Debug)]
pub struct TemplateSpec {
    /// Output file name, e.g. `redis.yml`; the template is `<file>.j2`.
    pub file: &'static str,
    pub component: Component,
    /// Whether the plan deploys this file's objects at all.
    pub enabled: fn(&DeploymentPlan) -> bool,
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
    template!("network-policy.yml", Core, |plan| plan.network_policy),
    template!("rbac.yml", Core),
    template!("cm.yml", Core),
    template!("nfs-server-service.yml", Core, |plan| plan.nfs_server),
    template!("redis-service.yml", Core),
    template!("rabbitmq.yml", Core, |plan| plan.rabbitmq),
    template!("pv-pvc.yml", Core, |plan| plan.renders_claim),
    template!("nfs-server.yml", Core, |plan| plan.nfs_server),
    template!("redis.yml", Core),
    template!("worker-pools.yml", Core, |plan| plan.rabbitmq),
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
