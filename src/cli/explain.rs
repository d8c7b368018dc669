//! `hfgen explain`: the merged profile and where each value came from.

use crate::diag::{Code, Diagnostic};
use crate::error::Result;
use crate::profile::{explain, layer, schema, schema_check::dotted, suggest};
use clap::{Args, ValueEnum};

#[derive(Debug, Args)]
pub struct ExplainArgs {
    #[command(flatten)]
    pub profile: super::ProfileArgs,
    /// Only this key, or the keys of this table (a dotted key such as `nfs` or `cluster.zone`).
    #[arg(value_name = "KEY", add = super::completions::keys())]
    pub key: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = ExplainFormat::Text)]
    pub format: ExplainFormat,
    /// Instead of the profile: per node pool, the pods that run there, requested against
    /// allocatable, and the headroom (the capacity check's numbers); exit 2 if they do not fit.
    #[arg(long, conflicts_with = "key")]
    pub capacity: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExplainFormat {
    /// The merged profile as TOML, a comment after each value naming where it came from.
    Text,
    /// `{"profile", "extends": [...], "values": [{"key", "value", "source"}]}`.
    Json,
}

pub fn run(args: ExplainArgs) -> Result<u8> {
    let key = args.key.as_deref().map(key_path).transpose()?;
    let loaded = args.profile.load()?;
    if args.capacity {
        return capacity(&loaded, args.format);
    }
    let mut entries = explain::entries(&loaded);
    if let Some(key) = &key {
        entries = explain::select(entries, key);
        if entries.is_empty() {
            super::say(format!(
                "note: `{}` is not set by {} and has no default",
                dotted(key),
                explain::chain_text(&loaded)
            ));
        }
    }
    let text = match args.format {
        ExplainFormat::Text => explain::to_toml(&loaded, &entries),
        ExplainFormat::Json => {
            let mut text = serde_json::to_string_pretty(&explain::to_json(&loaded, &entries))
                .expect("plain JSON");
            text.push('\n');
            text
        }
    };
    super::write_stdout(&text)?;
    Ok(0)
}

/// `--capacity`: the table (text) or the plan (JSON) on stdout, then the check's verdict.
fn capacity(loaded: &crate::profile::LoadedProfile, format: ExplainFormat) -> Result<u8> {
    let plan = crate::plan::Plan::new(&loaded.profile);
    let text = match format {
        ExplainFormat::Text => crate::plan::capacity::table(&plan.capacity),
        ExplainFormat::Json => {
            let mut text = serde_json::to_string_pretty(&plan.capacity).expect("plain JSON");
            text.push('\n');
            text
        }
    };
    super::write_stdout(&text)?;
    super::capacity_check(loaded, &plan)?;
    Ok(0)
}

/// The KEY argument as a path of the profile schema; an unknown key gets a "did you mean".
fn key_path(text: &str) -> Result<Vec<String>> {
    let path = layer::parse_key(text).ok_or_else(|| {
        Diagnostic::error(
            Code::SetSyntax,
            format!("`{text}` is not a dotted key like `nfs.size`"),
        )
    })?;
    if schema::schema_at(&path).is_some() {
        return Ok(path);
    }
    let keys: Vec<String> = schema::all_keys().into_iter().map(|doc| doc.path).collect();
    let mut diagnostic =
        Diagnostic::error(Code::UnknownKey, format!("unknown key `{}`", dotted(&path)));
    if let Some(guess) = suggest::nearest(text, keys.iter().map(String::as_str)) {
        diagnostic = diagnostic.with_help(format!("did you mean `{guess}`?"));
    }
    Err(diagnostic.into())
}
