//! Fuzz target: any bytes as a profile file -> `profile::load` -> `render::render`.
//!
//! Bad input must come back as an error, never a panic; and a profile that loads must
//! render (every template's output parses as YAML), or hfgen's templates have a bug.

use hfgen::render::templates::Component;

fn main() {
    // load() takes a path: the input goes to a per-process file under the temp directory.
    let path = std::env::temp_dir().join(format!("hfgen-fuzz-{}.toml", std::process::id()));
    let spec = path.to_str().expect("temp paths are UTF-8").to_string();
    afl::fuzz!(|data: &[u8]| {
        if std::fs::write(&path, data).is_err() {
            return;
        }
        if let Ok(loaded) = hfgen::profile::load(&spec, &[]) {
            if let Err(error) = hfgen::render::render(&loaded, &Component::ALL) {
                panic!("an accepted profile failed to render: {error}");
            }
        }
    });
}
