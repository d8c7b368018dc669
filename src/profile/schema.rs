//! The JSON Schema of profiles, derived from the typed model.

use super::model::Profile;

/// `schema/profile.schema.json`, pretty-printed with a trailing newline.
pub fn profile_schema_json() -> String {
    let schema = schemars::schema_for!(Profile);
    let mut text = serde_json::to_string_pretty(&schema).expect("a schema is plain JSON");
    text.push('\n');
    text
}
