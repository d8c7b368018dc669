//! Fuzz target: any text -> hfgen's fast YAML reader and serde-saphyr.
//!
//! The fast path may hand a stream over (`NeedsFullParser`), but when it returns documents,
//! serde-saphyr must accept the same stream and return the same values.

use hfgen::manifests::yaml;
use serde_json::Value;

fn main() {
    afl::fuzz!(|data: &[u8]| {
        let Ok(text) = std::str::from_utf8(data) else {
            return;
        };
        if let Ok(fast) = yaml::documents(text) {
            match serde_saphyr::from_multiple::<Value>(text) {
                Ok(full) => assert_eq!(fast, full, "the readers differ on {text:?}"),
                Err(error) => panic!("fast path accepted what serde-saphyr refuses ({error}): {text:?}"),
            }
        }
    });
}
