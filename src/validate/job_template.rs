//! The worker Job template inside ConfigMap `hyperflow-config`, filled in as the engine would.

use crate::manifests::{yaml, Bundle, Document};
use serde_json::Value;

/// Representative values for the engine's `${...}` placeholders (facts §3.4).
pub const PLACEHOLDER_VALUES: &[(&str, &str)] = &[
    ("jobName", "a1b2c3-mprojectpp-1-1"),
    ("containerName", "hyperflowwms/montage-worker:6.0-je1.4.0"),
    ("volumePath", "/work_dir"),
    (
        "command",
        "hflow-job-execute redis://redis:6379 -a -- \"-L32qt_pY:41:9:1\" \"task-2\"",
    ),
    ("cpuRequest", "0.5"),
    ("memRequest", "50Mi"),
];

/// Replaces placeholders textually, as the engine does before parsing the YAML.
pub fn fill(template: &str) -> String {
    PLACEHOLDER_VALUES
        .iter()
        .fold(template.to_string(), |text, (name, value)| {
            text.replace(&format!("${{{name}}}"), value)
        })
}

/// The ConfigMap carrying the template and the filled-in Job (or why it cannot be read).
pub type WorkerJob<'a> = (&'a str, usize, &'a Document, Result<Value, String>);

pub fn worker_job(bundle: &Bundle) -> Option<WorkerJob<'_>> {
    bundle.files.iter().find_map(|file| {
        file.documents.iter().enumerate().find_map(|(index, doc)| {
            if doc.kind() != "ConfigMap" || doc.name() != "hyperflow-config" {
                return None;
            }
            let template = doc.value.pointer("/data/job-template.yaml")?.as_str()?;
            let filled = fill(template);
            if let Some(start) = filled.find("${") {
                let rest: String = filled[start..].chars().take(30).collect();
                return Some((
                    file.file,
                    index,
                    doc,
                    Err(format!(
                        "the job template uses a placeholder the engine does not fill: {rest}"
                    )),
                ));
            }
            let job = yaml::from_str(&filled)
                .map_err(|e| format!("the job template is not valid YAML once filled in: {e}"));
            Some((file.file, index, doc, job))
        })
    })
}
