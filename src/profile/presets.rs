//! Workflow presets: the worker and data images of each known workflow (facts §7).

use super::model::Workflow;

/// Images and staging of one workflow.
pub struct Preset {
    pub worker_image: &'static str,
    pub data_image: &'static str,
    /// Shell lines the data Job runs in the workflow directory after the data arrived (hfgen's
    /// own text, never profile values); each step checks that its input is there.
    pub staging: &'static [&'static str],
}

/// 1000genome's data image ships gzipped VCFs under 20130502/ and the populations under
/// populations/, but its tasks open bare file names in the workflow directory.
const GENOME1000_STAGING: &[&str] = &[
    "if [ -d 20130502 ]; then",
    "  echo \"Decompressing and flattening the 1000genome inputs\"",
    "  for f in 20130502/*.vcf.gz; do if [ -f \"$f\" ]; then gunzip -kf \"$f\"; fi; done",
    "  cp 20130502/*.vcf 20130502/columns.txt .",
    "  if [ -d populations ]; then cp populations/* .; fi",
    "fi",
];

/// The worker image: the profile's, or the workflow preset's (`None` for a custom workflow
/// without one, which the checks refuse).
pub fn worker_image(profile: &super::model::Profile) -> Option<String> {
    profile
        .images
        .worker
        .clone()
        .or_else(|| preset(profile.workflow).map(|preset| preset.worker_image.to_string()))
}

/// The preset of a known workflow; `None` for a custom one.
pub fn preset(workflow: Workflow) -> Option<Preset> {
    Some(match workflow {
        // Montage v1 lives under the `je-*` tags of montage-worker.
        Workflow::Montage => Preset {
            worker_image: "hyperflowwms/montage-worker:je-1.3.4",
            data_image: "hyperflowwms/montage-workflow-data:montage0.25-bf0b1b4450c201ee5f549c7f473d2ef0",
            staging: &[],
        },
        // Montage2 lives under the `5.0-*`/`6.0-*` tags of the same repository.
        Workflow::Montage2 => Preset {
            worker_image: "hyperflowwms/montage-worker:6.0-je1.4.0",
            data_image: "hyperflowwms/montage2-workflow-data:montage2-2mass-025-latest",
            staging: &[],
        },
        Workflow::Soykb => Preset {
            worker_image: "hyperflowwms/soykb-worker:1.2-je1.4.2",
            data_image: "hyperflowwms/soykb-workflow-data:hyperflow-soykb-example-f6f69d6ca3ebd9fe2458804b59b4ef71",
            staging: &[],
        },
        Workflow::Genome1000 => Preset {
            worker_image: "hyperflowwms/1000genome-worker:1.7-je1.4.2",
            data_image: "hyperflowwms/1000genome-data:1.0",
            staging: GENOME1000_STAGING,
        },
        Workflow::Custom => return None,
    })
}
