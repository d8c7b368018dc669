//! hfgen's template environment, for the manifests and the setup scripts alike: strict
//! about undefined values, and every value a YAML-safe scalar (`*.yml`) or one shell word
//! (`*.sh`).

pub mod shell_quote;
pub mod yaml_scalar;

use minijinja::syntax::SyntaxConfig;
use minijinja::{AutoEscape, Environment, ErrorKind, UndefinedBehavior};

const YAML_ESCAPE: &str = "yaml";
/// `*.sh.j2` templates (`hfgen setup`): every value becomes one single-quoted shell word.
const SHELL_ESCAPE: &str = "sh";

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
    env.add_function("unhandled", unhandled);
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

/// The end of a template's chain of branches on a mode (`{% else %}{{ unhandled("storage.kind",
/// storage.kind) }}`): a mode the template has no branch for fails the render, which is a bug
/// in hfgen, instead of leaving its objects out.
fn unhandled(mode: String, value: String) -> Result<String, minijinja::Error> {
    Err(minijinja::Error::new(
        ErrorKind::InvalidOperation,
        format!("no branch for {mode} = {value:?}"),
    ))
}
