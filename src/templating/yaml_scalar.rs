//! Formats template values as YAML that cannot change the structure around them.
//!
//! Every `{{ value }}` in a template goes through [`write_value`]: a string is either a plain
//! scalar that YAML reads back as the same string, or a double-quoted scalar with every
//! line break and control character escaped. So no profile value can start a new key, a new
//! list item or a new document, and `on`, `no` or `0755` stay strings.

use minijinja::value::{Value, ValueKind};
use std::fmt::Write;

/// Words that YAML 1.1 readers (kubectl, PyYAML) turn into booleans, nulls or numbers.
const RESERVED_WORDS: &[&str] = &[
    "true", "false", "yes", "no", "on", "off", "y", "n", "null", "nan", "inf",
];

/// Appends `value` to `out` as one YAML flow node.
pub fn write_value(out: &mut String, value: &Value) -> Result<(), minijinja::Error> {
    if value.is_safe() {
        out.push_str(value.as_str().unwrap_or_default());
        return Ok(());
    }
    match value.kind() {
        ValueKind::Undefined | ValueKind::None => out.push_str("null"),
        ValueKind::Bool => out.push_str(if value.is_true() { "true" } else { "false" }),
        ValueKind::Number => write_number(out, value)?,
        ValueKind::String => write_string(out, value.as_str().unwrap_or_default()),
        ValueKind::Seq | ValueKind::Iterable => {
            out.push('[');
            for (index, item) in value.try_iter()?.enumerate() {
                if index > 0 {
                    out.push_str(", ");
                }
                write_value(out, &item)?;
            }
            out.push(']');
        }
        ValueKind::Map => {
            out.push('{');
            for (index, key) in value.try_iter()?.enumerate() {
                if index > 0 {
                    out.push_str(", ");
                }
                write_string(out, &key.to_string());
                out.push_str(": ");
                write_value(out, &value.get_item(&key)?)?;
            }
            out.push('}');
        }
        _ => {
            return Err(minijinja::Error::new(
                minijinja::ErrorKind::BadSerialization,
                format!("a {} value cannot be written as YAML", value.kind()),
            ))
        }
    }
    Ok(())
}

fn write_number(out: &mut String, value: &Value) -> Result<(), minijinja::Error> {
    if let Ok(integer) = i64::try_from(value.clone()) {
        write!(out, "{integer}").ok();
        return Ok(());
    }
    let float = f64::try_from(value.clone())?;
    if !float.is_finite() {
        return Err(minijinja::Error::new(
            minijinja::ErrorKind::BadSerialization,
            "a non-finite number cannot be written as YAML",
        ));
    }
    write!(out, "{float:?}").ok();
    Ok(())
}

/// Writes a string as a plain scalar when YAML reads it back unchanged, else double-quoted.
pub fn write_string(out: &mut String, text: &str) {
    if is_plain_safe(text) {
        out.push_str(text);
    } else {
        write_double_quoted(out, text);
    }
}

fn is_plain_safe(text: &str) -> bool {
    let mut chars = text.chars();
    let starts_with_letter = chars.next().is_some_and(|c| c.is_ascii_alphabetic());
    starts_with_letter
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '/' | ':' | '-'))
        && !text.ends_with(':')
        && !text.contains("::")
        && !RESERVED_WORDS.contains(&text.to_ascii_lowercase().as_str())
}

fn write_double_quoted(out: &mut String, text: &str) {
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            // C0/C1 controls, DEL, YAML 1.1 line breaks (NEL, LS, PS), BOM and non-characters
            // are not printable in YAML: escape them.
            c if c.is_control()
                || matches!(
                    c,
                    '\u{2028}' | '\u{2029}' | '\u{feff}' | '\u{fffe}' | '\u{ffff}'
                ) =>
            {
                write!(out, "\\u{:04x}", c as u32).ok();
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(value: Value) -> String {
        let mut out = String::new();
        write_value(&mut out, &value).unwrap();
        out
    }

    #[test]
    fn plain_words_stay_plain() {
        assert_eq!(render(Value::from("nginx:1.27")), "nginx:1.27");
        assert_eq!(
            render(Value::from("hyperflowwms/hyperflow:v1.7.2")),
            "hyperflowwms/hyperflow:v1.7.2"
        );
    }

    #[test]
    fn ambiguous_strings_are_quoted() {
        assert_eq!(render(Value::from("on")), "\"on\"");
        assert_eq!(render(Value::from("No")), "\"No\"");
        assert_eq!(render(Value::from("8080")), "\"8080\"");
        assert_eq!(render(Value::from("0755")), "\"0755\"");
        assert_eq!(render(Value::from("")), "\"\"");
        assert_eq!(render(Value::from("key:")), "\"key:\"");
        assert_eq!(render(Value::from("a: b # c")), "\"a: b # c\"");
    }

    #[test]
    fn line_breaks_and_controls_are_escaped() {
        assert_eq!(
            render(Value::from("x\nkind: ClusterRoleBinding")),
            "\"x\\nkind: ClusterRoleBinding\""
        );
        assert_eq!(
            render(Value::from("a\u{2028}b\u{85}")),
            "\"a\\u2028b\\u0085\""
        );
        assert_eq!(render(Value::from("q\"\\")), "\"q\\\"\\\\\"");
    }

    #[test]
    fn scalars_and_collections() {
        assert_eq!(render(Value::from(true)), "true");
        assert_eq!(render(Value::from(42)), "42");
        assert_eq!(render(Value::from(0.5)), "0.5");
        assert_eq!(render(Value::from(())), "null");
        assert_eq!(render(Value::from(vec!["a", "on"])), "[a, \"on\"]");
    }
}
