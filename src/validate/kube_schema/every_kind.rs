//! Every kind of one Kubernetes version, from an embedded copy of its schemas
//! (`schema/kubernetes/every-kind/v1.XX.json`). A kind's validator is compiled the first time
//! an object of that kind is validated and kept for the process: compiling all ~170 kinds
//! would cost every `hfgen validate` run time that most inputs (a few kinds) never use, and
//! compiling them into hfgen as the rendered kinds are would make the binary and its build far
//! bigger (BENCHMARKS.md).

use jsonschema::{Draft, Registry, Validator};
use serde_json::Value;
use std::sync::OnceLock;

/// The base URI of the embedded document in the registry; never fetched (hfgen has no
/// network resolver), it only names the document that `#/$defs/...` references point into.
const DOCUMENT_URI: &str = "urn:hfgen:kubernetes-schemas";

pub struct EveryKind {
    /// The vendored document, as text: parsed on first use.
    pub(super) text: &'static str,
    /// `(apiVersion, kind)` with a schema in the document, as `build.rs` listed them.
    pub(super) kinds: &'static [(&'static str, &'static str)],
    pub(super) registry: OnceLock<Registry<'static>>,
    /// One slot per entry of `kinds`, filled when that kind is first validated.
    pub(super) validators: OnceLock<Box<[OnceLock<Validator>]>>,
}

impl EveryKind {
    pub const fn new(text: &'static str, kinds: &'static [(&'static str, &'static str)]) -> Self {
        EveryKind {
            text,
            kinds,
            registry: OnceLock::new(),
            validators: OnceLock::new(),
        }
    }

    pub fn has_kind(&self, api_version: &str, kind: &str) -> bool {
        self.position(api_version, kind).is_some()
    }

    pub fn kinds(&self) -> impl Iterator<Item = (&'static str, &'static str)> {
        self.kinds.iter().copied()
    }

    fn position(&self, api_version: &str, kind: &str) -> Option<usize> {
        self.kinds
            .iter()
            .position(|&(a, k)| a == api_version && k == kind)
    }

    /// The validator of `apiVersion`/`kind`, compiled now if this is its first use; `None`
    /// when the version has no such kind.
    pub fn validator(&self, api_version: &str, kind: &str) -> Option<&Validator> {
        let index = self.position(api_version, kind)?;
        let slots = self
            .validators
            .get_or_init(|| self.kinds.iter().map(|_| OnceLock::new()).collect());
        Some(slots[index].get_or_init(|| self.compile(api_version, kind)))
    }

    fn compile(&self, api_version: &str, kind: &str) -> Validator {
        let registry = self.registry.get_or_init(|| {
            let document: Value =
                serde_json::from_str(self.text).expect("the vendored schema document is JSON");
            Registry::new()
                .draft(Draft::Draft202012)
                .add(DOCUMENT_URI, document)
                .and_then(|builder| builder.prepare())
                .expect("the vendored schema document is a valid registry resource")
        });
        let (group, version) = api_version.split_once('/').unwrap_or(("core", api_version));
        let root = serde_json::json!({
            "$ref": format!("{DOCUMENT_URI}#/$defs/kind.{group}.{version}.{kind}")
        });
        jsonschema::options()
            .with_draft(Draft::Draft202012)
            .should_validate_formats(false)
            .with_registry(registry)
            .build(&root)
            .expect("every vendored kind compiles (tested for every kind of every version)")
    }
}
