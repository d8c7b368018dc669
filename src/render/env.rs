//! The minijinja environment: strict about undefined values, YAML-safe about every value.

use super::templates::{JOB_TEMPLATE, MACROS, TEMPLATES};
use super::yaml_scalar;
use crate::setup::shell_quote;
use minijinja::syntax::SyntaxConfig;
use minijinja::{AutoEscape, Environment, UndefinedBehavior};
use std::sync::OnceLock;

const YAML_ESCAPE: &str = "yaml";
/// `*.sh.j2` templates (`hfgen setup`): every value becomes one single-quoted shell word.
const SHELL_ESCAPE: &str = "sh";

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

/// An environment with hfgen's syntax, strictness and escaping, and no templates yet.
pub fn configured() -> Environment<'static> {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.set_syntax(
        SyntaxConfig::builder()
            .trim_blocks(true)
            .lstrip_blocks(true)
            .keep_trailing_newline(true)
            .build()
            .expect("the default delimiters are valid"),
    );
    env.set_auto_escape_callback(|name| {
        let base = name.strip_suffix(".j2").unwrap_or(name);
        if base.ends_with(".yml") || base.ends_with(".yaml") {
            AutoEscape::Custom(YAML_ESCAPE.into())
        } else if base.ends_with(".sh") {
            AutoEscape::Custom(SHELL_ESCAPE.into())
        } else {
            AutoEscape::None
        }
    });
    // A profile string in a container's env value, command or args: the kubelet expands
    // `$(VAR)` there and reduces `$$` to `$`, so every `$` is doubled to arrive unchanged.
    env.add_filter("kubelet_literal", |text: String| text.replace('$', "$$"));
    env.set_formatter(|out, state, value| {
        let write: fn(&mut String, &minijinja::Value) -> Result<(), minijinja::Error> =
            match state.auto_escape() {
                AutoEscape::Custom(name) if name == YAML_ESCAPE => yaml_scalar::write_value,
                AutoEscape::Custom(name) if name == SHELL_ESCAPE => shell_quote::write_value,
                _ => return minijinja::escape_formatter(out, state, value),
            };
        let mut text = String::new();
        write(&mut text, value)?;
        out.write_str(&text).map_err(minijinja::Error::from)
    });
    env
}
