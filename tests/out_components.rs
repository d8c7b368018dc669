//! `render --out` keeps each component's render in a folder of its own: rendering one
//! component into the folder of another is refused, not a silent replacement.

mod common;

use common::*;
use std::fs;

#[test]
fn a_component_does_not_replace_another_components_folder() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    assert!(render_into(&["core"], &out).status.success());
    let before: Vec<(String, String)> = folder_files(&out);

    let output = render_into(&["postprocess"], &out);
    assert_eq!(output.status.code(), Some(2));
    assert!(output.stdout.is_empty());
    let message = stderr(&output);
    assert!(
        message.contains("holds the render of component core (namespace.yml, network-policy.yml"),
        "{message}"
    );
    assert!(
        message.contains("--component core to render both together"),
        "{message}"
    );
    assert_eq!(folder_files(&out), before, "nothing changed");

    // A folder of its own, as golden/<profile>/postprocess/, or both together, are fine.
    let own = out.join("postprocess");
    assert!(render_into(&["postprocess"], &own).status.success());
    assert!(render_into(&["core", "postprocess"], &out).status.success());
    assert!(out.join("parser-job.yml").is_file());
    // The core alone into the folder of both is refused the same way.
    let output = render_into(&["core"], &out);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("component postprocess (parser-job.yml, viz-trace-job.yml)"));
}

/// `hfgen render -p gke` with `--component` for each of `components`, into `out`.
fn render_into(components: &[&str], out: &std::path::Path) -> std::process::Output {
    let mut args = vec!["render", "-p", "gke", "--out", out.to_str().unwrap()];
    for component in components {
        args.extend(["--component", component]);
    }
    hfgen(&args)
}

fn folder_files(dir: &std::path::Path) -> Vec<(String, String)> {
    let mut files: Vec<(String, String)> = fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.is_file())
        .map(|path| {
            (
                path.file_name().unwrap().to_string_lossy().into_owned(),
                fs::read_to_string(&path).unwrap(),
            )
        })
        .collect();
    files.sort();
    files
}
