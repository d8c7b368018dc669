//! External validators the tests run (installed by `.ci/run` into `.venv`).

use std::path::{Path, PathBuf};

/// `name` from this checkout's `.venv/bin`, else from PATH; a clear panic when missing.
pub fn tool(name: &str) -> PathBuf {
    let local = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join(".venv/bin")
        .join(name);
    if local.exists() {
        return local;
    }
    let found = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|dir| dir.join(name))
            .find(|path| path.exists())
    });
    found.unwrap_or_else(|| {
        panic!("{name} not found: run `bash .ci/run` once, or `.venv/bin/pip install -r .ci/requirements.txt`")
    })
}
