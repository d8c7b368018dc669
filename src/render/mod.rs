//! Rendering: profile -> templates -> YAML text, parsed back to prove it is YAML.

pub mod context;
pub mod env;
pub mod stamp;
pub mod templates;

use crate::diag::{Code, Diagnostic};
use crate::error::{Error, Result};
use crate::layout::Component;
use crate::manifests::{parse_documents, Bundle, ManifestFile};
use crate::plan::Plan;
use crate::profile::LoadedProfile;
use crate::validate::{self, kube_schema::KubeSchemas, kube_schema::DEFAULT_VERSION};
use context::RenderContext;
use minijinja::value::{Serde, Value};
use minijinja::Environment;
use templates::{JOB_TEMPLATE, TEMPLATES};

/// Renders the templates of `components` for `profile`, in apply order. Every component is
/// rendered and validated, so references across components (the post-processing Jobs use
/// the core's claim) are checked whatever the user selects.
pub fn render_profile(loaded: &LoadedProfile, components: &[Component]) -> Result<Bundle> {
    render_plan(
        &Plan::new(&loaded.profile),
        &loaded.short_name(),
        components,
    )
}

/// [`render_profile`] of a plan made already; `profile_name` goes into every object's stamp.
pub fn render_plan(plan: &Plan, profile_name: &str, components: &[Component]) -> Result<Bundle> {
    let bundle = render_plan_unchecked(plan, profile_name)?;
    let schemas = KubeSchemas::load(DEFAULT_VERSION)
        .map_err(|e| Error::msg(Code::BundledSchema, e.to_string()))?;
    let mut findings = validate::validate_bundle(&bundle, schemas);
    if !findings.is_empty() {
        for file in &bundle.files {
            validate::locate(&mut findings, file.file, &file.text);
        }
        let diagnostics = findings
            .iter()
            .map(|finding| {
                let mut diagnostic = Diagnostic::from(finding);
                diagnostic.message = format!("rendered manifest is invalid: {}", diagnostic.message);
                diagnostic.with_help(format!(
                    "template {}.j2 produced it; a profile value Kubernetes rejects, or a bug in hfgen",
                    finding.file
                ))
            })
            .collect::<Vec<_>>();
        return Err(diagnostics.into());
    }
    Ok(bundle.only(components))
}

/// Renders every component without validating it; each object records hfgen's version and
/// the profile's name ([`stamp`]).
pub fn render_unchecked(loaded: &LoadedProfile) -> Result<Bundle> {
    render_plan_unchecked(&Plan::new(&loaded.profile), &loaded.short_name())
}

fn render_plan_unchecked(plan: &Plan, profile_name: &str) -> Result<Bundle> {
    let env = env::environment().map_err(|e| template_error("(environment)", e))?;
    let context = Value::from(Serde(RenderContext::new(plan)));
    let job_template = render_job_template(env, &context)?;
    let context = minijinja::context! {
        job_template => Value::from_safe_string(job_template),
        ..context
    };
    let mut bundle = Bundle {
        provided_claims: plan.provided_claims(),
        ..Bundle::default()
    };
    for spec in TEMPLATES {
        if !(spec.enabled)(plan) {
            continue;
        }
        let name = spec.template_name();
        let text = stamp::stamp(&render_template(env, &name, &context)?, profile_name);
        let documents = parse_documents(&name, &text)?;
        if documents.is_empty() {
            continue;
        }
        bundle.files.push(ManifestFile {
            file: spec.file,
            component: spec.component,
            text,
            documents,
        });
    }
    Ok(bundle)
}

/// The worker Job template the ConfigMap carries, with the engine's `${...}` placeholders.
fn render_job_template(env: &Environment<'_>, context: &Value) -> Result<String> {
    let name = JOB_TEMPLATE.template_name();
    let text = render_template(env, &name, context)?;
    parse_documents(&name, &text)?;
    Ok(text)
}

fn render_template(env: &Environment<'_>, name: &str, context: &Value) -> Result<String> {
    env.get_template(name)
        .and_then(|template| template.render(context))
        .map_err(|e| template_error(name, &e))
}

fn template_error(name: &str, error: &minijinja::Error) -> Error {
    Error::new(Diagnostic::error(
        Code::TemplateFailed,
        format!("template {name} failed (a bug in hfgen's templates): {error:#}"),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A template that cannot be rendered is a bug in hfgen: exit 70, not 2.
    #[test]
    fn a_template_that_fails_is_an_internal_error() {
        let env = env::environment().unwrap();
        let error = render_template(env, "no-such-template.yml.j2", &Value::UNDEFINED).unwrap_err();
        assert_eq!(error.exit_code(), crate::error::EXIT_INTERNAL, "{error}");
        assert!(
            error
                .to_string()
                .starts_with("internal error[HF9001]: template no-such-template.yml.j2 failed"),
            "{error}"
        );
    }
}
