//! Every rendered object records which hfgen made it and from which profile, in annotations
//! (`app.kubernetes.io/version` is the application's version by Kubernetes' recommended
//! labels, i.e. the engine's, so hfgen's own version needs a key of its own). Added here, once,
//! after templating, rather than by every template.

use crate::templating::yaml_scalar::write_string;

/// Annotation naming the hfgen version that rendered the object.
pub const VERSION_KEY: &str = "hfgen/version";
/// Annotation naming the profile (a built-in name, or a file's name without `.toml`).
pub const PROFILE_KEY: &str = "hfgen/profile";

/// The annotation lines, indented for a top-level `metadata.annotations`.
fn annotation_lines(profile: &str) -> String {
    let mut lines = String::new();
    for (key, value) in [
        (PROFILE_KEY, profile),
        (VERSION_KEY, env!("CARGO_PKG_VERSION")),
    ] {
        lines.push_str("    ");
        lines.push_str(key);
        lines.push_str(": ");
        write_string(&mut lines, value);
        lines.push('\n');
    }
    lines
}

/// `text` (one rendered file, documents separated by `---`) with the annotations added to the
/// top-level `metadata` of each document: under its `annotations:` if it has one, else in a
/// new `annotations:` at the end of `metadata`. hfgen's templates write `metadata:` and its
/// keys in block style at columns 0 and 2; the result is parsed and validated like any render,
/// so a template written otherwise fails loudly instead of losing the stamp.
pub fn stamp(text: &str, profile: &str) -> String {
    let annotations = annotation_lines(profile);
    let mut out = String::with_capacity(text.len() + 4 * annotations.len());
    // Byte offset in `out` after the last line that belongs to the open `metadata:`, if any.
    let mut metadata_end: Option<usize> = None;
    let close = |out: &mut String, end: &mut Option<usize>| {
        if let Some(at) = end.take() {
            out.insert_str(at, &format!("  annotations:\n{annotations}"));
        }
    };
    for line in text.split_inclusive('\n') {
        let top_level = !line.starts_with(' ') && !line.starts_with('#') && !line.trim().is_empty();
        if metadata_end.is_some() && top_level {
            close(&mut out, &mut metadata_end);
        }
        out.push_str(line);
        if line.trim_end() == "metadata:" {
            metadata_end = Some(out.len());
        } else if metadata_end.is_some() && line.trim_end() == "  annotations:" {
            out.push_str(&annotations);
            metadata_end = None;
        } else if metadata_end.is_some() && line.starts_with("  ") {
            metadata_end = Some(out.len());
        }
    }
    if !out.ends_with('\n') && metadata_end == Some(out.len()) {
        out.push('\n');
        metadata_end = Some(out.len());
    }
    close(&mut out, &mut metadata_end);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const V: &str = env!("CARGO_PKG_VERSION");

    #[test]
    fn adds_annotations_to_metadata_without_any() {
        let text = "kind: A\nmetadata:\n  name: a\n  labels:\n    x: y\nspec: 1\n---\nkind: B\nmetadata:\n  name: b\n";
        assert_eq!(
            stamp(text, "gke"),
            format!(
                "kind: A\nmetadata:\n  name: a\n  labels:\n    x: y\n  annotations:\n    hfgen/profile: gke\n    hfgen/version: \"{V}\"\nspec: 1\n---\nkind: B\nmetadata:\n  name: b\n  annotations:\n    hfgen/profile: gke\n    hfgen/version: \"{V}\"\n"
            )
        );
    }

    #[test]
    fn joins_existing_annotations_and_leaves_nested_metadata_alone() {
        let text = "metadata:\n  annotations:\n    a: b\nspec:\n  template:\n    metadata:\n      labels: {}\n";
        assert_eq!(
            stamp(text, "my profile"),
            format!(
                "metadata:\n  annotations:\n    hfgen/profile: \"my profile\"\n    hfgen/version: \"{V}\"\n    a: b\nspec:\n  template:\n    metadata:\n      labels: {{}}\n"
            )
        );
    }

    #[test]
    fn comments_between_objects_stay_outside_metadata() {
        let text = "metadata:\n  name: a\n# next\n---\n";
        assert_eq!(
            stamp(text, "p"),
            format!("metadata:\n  name: a\n  annotations:\n    hfgen/profile: p\n    hfgen/version: \"{V}\"\n# next\n---\n")
        );
    }
}
