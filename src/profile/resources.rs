//! Requests and limits of each component, with the defaults filled in where the profile is
//! silent. Profile checks and templates both read these, so they judge the same numbers.

use super::model::{ContainerResources, Resources};
use serde::Serialize;

/// Requests and memory limit of each component.
#[derive(Debug, Clone, Serialize)]
pub struct ResolvedResources {
    pub engine: Quantities,
    pub redis: Quantities,
    pub nfs_server: Quantities,
    pub data: Quantities,
    pub log_parser: Quantities,
    pub viz_trace: Quantities,
    pub rabbitmq: Quantities,
}

/// One container's CPU request, memory request and memory limit.
#[derive(Debug, Clone, Serialize)]
pub struct Quantities {
    pub cpu: String,
    pub memory: String,
    pub memory_limit: String,
}

impl Quantities {
    /// `set` with the component defaults `(cpu, memory, memory_limit)` where it is silent.
    fn resolve(set: &ContainerResources, defaults: (&str, &str, &str)) -> Self {
        let pick = |value: &Option<String>, default: &str| {
            value.clone().unwrap_or_else(|| default.to_string())
        };
        Quantities {
            cpu: pick(&set.cpu, defaults.0),
            memory: pick(&set.memory, defaults.1),
            memory_limit: pick(&set.memory_limit, defaults.2),
        }
    }
}

impl Resources {
    /// Every component's quantities; the defaults are documented on [`Resources`].
    pub fn resolved(&self) -> ResolvedResources {
        let set = self;
        ResolvedResources {
            engine: Quantities::resolve(&set.engine, ("500m", "1Gi", "2Gi")),
            redis: Quantities::resolve(&set.redis, ("250m", "256Mi", "1Gi")),
            nfs_server: Quantities::resolve(&set.nfs_server, ("100m", "128Mi", "512Mi")),
            data: Quantities::resolve(&set.data, ("100m", "128Mi", "512Mi")),
            log_parser: Quantities::resolve(&set.log_parser, ("250m", "512Mi", "2Gi")),
            viz_trace: Quantities::resolve(&set.viz_trace, ("250m", "512Mi", "2Gi")),
            rabbitmq: Quantities::resolve(&set.rabbitmq, ("250m", "512Mi", "1Gi")),
        }
    }
}

impl ResolvedResources {
    /// (profile key, quantities) of every component, in the order of `[resources]`.
    pub fn components(&self) -> [(&'static str, &Quantities); 7] {
        [
            ("engine", &self.engine),
            ("redis", &self.redis),
            ("nfs_server", &self.nfs_server),
            ("data", &self.data),
            ("log_parser", &self.log_parser),
            ("viz_trace", &self.viz_trace),
            ("rabbitmq", &self.rabbitmq),
        ]
    }
}
