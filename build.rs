//! Lists the kinds of each vendored Kubernetes schema (`x-kinds`) as Rust constants, so that
//! hfgen knows which objects have a schema without parsing the schema documents at run time.
//! The schemas of the kinds hfgen renders are compiled into validators by jsonschema's
//! `validator` macro; the other kinds are compiled on first use (src/validate/every_kind.rs).
//! Every `schema/kubernetes/*.json` document gets a constant named after its
//! `x-kubernetes-version` (`KINDS_1_33` for 1.33), every `schema/kubernetes/every-kind/*.json`
//! one too (`EVERY_KIND_1_33`).

use std::fmt::Write as _;
use std::path::Path;

const SCHEMA_FOLDER: &str = "schema/kubernetes";
const EVERY_KIND_FOLDER: &str = "schema/kubernetes/every-kind";

fn main() {
    let mut out = String::new();
    write_kind_lists(&mut out, SCHEMA_FOLDER, "KINDS");
    write_kind_lists(&mut out, EVERY_KIND_FOLDER, "EVERY_KIND");
    let out_dir = std::env::var("OUT_DIR").expect("cargo sets OUT_DIR");
    std::fs::write(Path::new(&out_dir).join("kube_kinds.rs"), out).expect("write kube_kinds.rs");
}

/// One `pub const PREFIX_1_33: &[(&str, &str)]` of `(apiVersion, kind)`, sorted, per JSON
/// document of `folder`.
fn write_kind_lists(out: &mut String, folder: &str, prefix: &str) {
    println!("cargo::rerun-if-changed={folder}");
    let mut paths: Vec<String> = std::fs::read_dir(folder)
        .unwrap_or_else(|e| panic!("{folder}: {e}"))
        .map(|entry| entry.expect("readable schema folder").path())
        .filter(|path| path.extension().is_some_and(|e| e == "json"))
        .map(|path| path.display().to_string())
        .collect();
    paths.sort();
    for path in paths {
        println!("cargo::rerun-if-changed={path}");
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
        let doc: serde_json::Value =
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"));
        let version = doc["x-kubernetes-version"]
            .as_str()
            .unwrap_or_else(|| panic!("{path}: no x-kubernetes-version"));
        let kinds = doc["x-kinds"]
            .as_object()
            .unwrap_or_else(|| panic!("{path}: no x-kinds"));
        let constant = format!("{prefix}_{}", version.replace('.', "_"));
        writeln!(out, "pub const {constant}: &[(&str, &str)] = &[").unwrap();
        let mut keys: Vec<&String> = kinds.keys().collect();
        keys.sort();
        for key in keys {
            let (api_version, kind) = key
                .rsplit_once('/')
                .unwrap_or_else(|| panic!("{path}: x-kinds key {key:?} is not apiVersion/kind"));
            writeln!(out, "    ({api_version:?}, {kind:?}),").unwrap();
        }
        writeln!(out, "];").unwrap();
    }
}
