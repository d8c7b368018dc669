//! The manifest templates, compiled once into hfgen's template environment.

use super::templates::{JOB_TEMPLATE, MACROS, TEMPLATES};
use crate::templating::configured;
use minijinja::Environment;
use std::sync::OnceLock;

/// The environment with every manifest template compiled in. The templates do not depend on
/// the profile, so they are compiled once per process: `hfgen check` renders every profile.
pub fn environment() -> Result<&'static Environment<'static>, &'static minijinja::Error> {
    static ENVIRONMENT: OnceLock<Result<Environment<'static>, minijinja::Error>> = OnceLock::new();
    ENVIRONMENT
        .get_or_init(|| {
            let mut env = configured();
            for spec in TEMPLATES.iter().chain(std::iter::once(&JOB_TEMPLATE)) {
                env.add_template_owned(spec.template_name(), spec.source)?;
            }
            for (name, source) in MACROS {
                env.add_template(name, source)?;
            }
            Ok(env)
        })
        .as_ref()
}
