//! Validation: every document against the strict Kubernetes API schemas and the API server's
//! own rules, plus the checks across objects that no schema can make.

pub mod api_rules;
pub mod crd;
pub mod cross;
pub mod document;
pub mod files;
pub mod job_template;
pub mod kube_schema;
pub mod located;
pub mod references;
pub mod report;
pub mod split;
pub mod vendored_crds;
pub mod worker_pools;

use crate::diag::Code;
use crate::manifests::{Bundle, Document};
use kube_schema::KubeSchemas;

/// One problem of one document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// The kind of problem: schema, API rule, reference, ...
    pub code: Code,
    /// The template's output file (render) or the input file (`hfgen validate`).
    pub file: String,
    /// 0-based index of the document in its file.
    pub document: usize,
    /// `Kind/name`.
    pub object: String,
    /// JSON pointer into the document (empty for the whole object).
    pub path: String,
    pub message: String,
    /// 1-based line in the file, when known.
    pub line: Option<usize>,
    /// 1-based column of the offending key (or item) on that line, when known.
    pub column: Option<usize>,
}

impl Finding {
    pub fn new(
        code: Code,
        file: &str,
        document: usize,
        doc: &Document,
        path: &str,
        message: String,
    ) -> Self {
        Finding {
            code,
            file: file.to_string(),
            document,
            object: doc.id(),
            path: path.to_string(),
            message,
            line: None,
            column: None,
        }
    }
}

/// Everything wrong with a rendered bundle: schemas, the job template, cross-object checks.
pub fn validate_bundle(bundle: &Bundle, schemas: &'static KubeSchemas) -> Vec<Finding> {
    let worker_job = job_template::worker_job(bundle);
    let checks = document::Checks::built_in(schemas);
    let mut findings = Vec::new();
    for file in &bundle.files {
        for (index, doc) in file.documents.iter().enumerate() {
            findings.extend(document::check(&checks, file.file, index, doc).findings);
        }
    }
    let mut extra_pods = Vec::new();
    if let Some((file, index, config_map, job)) = &worker_job {
        match job {
            Ok(job) => {
                let label = format!("{} (job-template.yaml)", config_map.id());
                // The Jobs the engine creates meet the API server's rules as well as its schema.
                let schema = schemas.validate(job).unwrap_or_default();
                let rules = api_rules::check(api_rules::Version::of(schemas.version()), job);
                let problems = schema
                    .into_iter()
                    .map(|v| (Code::ApiSchema, v.instance_path, v.message))
                    .chain(rules.into_iter().map(|(p, m)| (Code::ApiRule, p, m)));
                for (code, path, message) in problems {
                    findings.push(Finding {
                        code,
                        file: file.to_string(),
                        document: *index,
                        object: label.clone(),
                        path: format!("/data/job-template.yaml{path}"),
                        message,
                        line: None,
                        column: None,
                    });
                }
                if let Some(spec) = job.pointer("/spec/template/spec") {
                    extra_pods.push(cross::ExtraPod {
                        file,
                        document: *index,
                        label,
                        spec,
                    });
                }
            }
            Err(message) => findings.push(Finding::new(
                Code::JobTemplate,
                file,
                *index,
                config_map,
                "/data/job-template.yaml",
                message.clone(),
            )),
        }
    }
    findings.extend(cross::check(bundle, &extra_pods));
    findings.extend(worker_pools::check(bundle));
    findings
}

const JOB_TEMPLATE_POINTER: &str = "/data/job-template.yaml";

/// Fills in `line` and `column` of each finding from the YAML text it came from: the key of
/// the offending field, or for an unknown field the field itself.
pub fn locate(findings: &mut [Finding], file: &str, text: &str) {
    if !findings.iter().any(|f| f.file == file) {
        return;
    }
    let Some(nodes) = located::parse(text) else {
        return;
    };
    for finding in findings.iter_mut().filter(|f| f.file == file) {
        if let Some(node) = nodes.get(finding.document) {
            // Lines inside the job template are lines of a string: point at the string.
            let pointer = match finding.path.find(JOB_TEMPLATE_POINTER) {
                Some(start) => &finding.path[..start + JOB_TEMPLATE_POINTER.len()],
                None => finding.path.as_str(),
            };
            let (line, column) = match unexpected_field(&finding.message) {
                Some(field) if pointer == finding.path => {
                    let field = field.replace('~', "~0").replace('/', "~1");
                    node.position_of(&format!("{pointer}/{field}"))
                }
                _ => node.position_of(pointer),
            };
            finding.line = Some(line);
            finding.column = Some(column);
        }
    }
}

/// The first field a schema's "Additional properties are not allowed ('x' was unexpected)"
/// names: the finding's path is the object that holds it, the user wants the field.
fn unexpected_field(message: &str) -> Option<&str> {
    let rest = message.strip_prefix("Additional properties are not allowed ('")?;
    rest.split_once('\'').map(|(field, _)| field)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layout::Component;
    use crate::manifests::ManifestFile;
    use serde_json::json;

    /// The Jobs the engine will create from the template are held to the API server's rules:
    /// a template whose pods would restart Always is refused at render time, not at run time.
    #[test]
    fn the_worker_job_template_meets_the_api_servers_rules() {
        let template = "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: ${jobName}\nspec:\n  template:\n    spec:\n      containers:\n        - name: worker\n          image: ${containerName}\n";
        let config_map = json!({"apiVersion": "v1", "kind": "ConfigMap",
            "metadata": {"name": "hyperflow-config"}, "data": {"job-template.yaml": template}});
        let bundle = Bundle {
            files: vec![ManifestFile {
                file: "hyperflow-config.yml",
                component: Component::Core,
                text: String::new(),
                documents: vec![Document { value: config_map }],
            }],
            provided_claims: Vec::new(),
        };
        let schemas = KubeSchemas::load(kube_schema::DEFAULT_VERSION).unwrap();
        let findings: Vec<(String, String)> = validate_bundle(&bundle, schemas)
            .into_iter()
            .filter(|f| f.object.ends_with("(job-template.yaml)"))
            .map(|f| (f.path, f.message))
            .collect();
        assert_eq!(
            findings,
            [(
                "/data/job-template.yaml/spec/template/spec/restartPolicy".to_string(),
                r#"Unsupported value: "Always": supported values: "OnFailure", "Never""#
                    .to_string()
            )]
        );
    }
}
