//! Workflow presets: the worker and data images of each known workflow (facts §7).

use super::model::Workflow;

/// Images and staging of one workflow.
pub struct Preset {
    pub worker_image: &'static str,
    pub data_image: &'static str,
}

pub fn preset(workflow: Workflow) -> Preset {
    match workflow {
        // Montage v1 lives under the `je-*` tags of montage-worker.
        Workflow::Montage => Preset {
            worker_image: "hyperflowwms/montage-worker:je-1.3.4",
            data_image: "hyperflowwms/montage-workflow-data:montage0.25-bf0b1b4450c201ee5f549c7f473d2ef0",
        },
        // Montage2 lives under the `5.0-*`/`6.0-*` tags of the same repository.
        Workflow::Montage2 => Preset {
            worker_image: "hyperflowwms/montage-worker:6.0-je1.4.0",
            data_image: "hyperflowwms/montage2-workflow-data:montage2-2mass-025-latest",
        },
        Workflow::Soykb => Preset {
            worker_image: "hyperflowwms/soykb-worker:1.2-je1.4.2",
            data_image: "hyperflowwms/soykb-workflow-data:hyperflow-soykb-example-f6f69d6ca3ebd9fe2458804b59b4ef71",
        },
        Workflow::Genome1000 => Preset {
            worker_image: "hyperflowwms/1000genome-worker:1.7-je1.4.2",
            data_image: "hyperflowwms/1000genome-data:1.0",
        },
    }
}
