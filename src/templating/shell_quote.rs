//! Formats template values as single shell words that bash never expands.
//!
//! Every `{{ value }}` in a `*.sh.j2` template goes through [`write_value`]: a string is always
//! single-quoted (inside single quotes bash expands nothing: no `$(...)`, no backticks, no
//! globs, and a newline is just a character), and a `'` inside becomes `'\''` (close the
//! quote, an escaped quote, reopen). So no profile value can end a command or start another.

use minijinja::value::{Value, ValueKind};
use std::fmt::Write;

/// `text` as one bash word, or an error if no bash word can hold it (a NUL byte).
pub fn quote(text: &str) -> Result<String, String> {
    if text.contains('\0') {
        return Err(format!(
            "{text:?} contains a NUL byte, which no shell argument can hold"
        ));
    }
    let mut out = String::with_capacity(text.len() + 2);
    out.push('\'');
    for c in text.chars() {
        if c == '\'' {
            out.push_str("'\\''");
        } else {
            out.push(c);
        }
    }
    out.push('\'');
    Ok(out)
}

/// Appends `value` to `out` as one shell word: strings quoted, numbers and booleans as they
/// are (only digits, `.`, `-` and letters), `|safe` text as written by the template.
pub fn write_value(out: &mut String, value: &Value) -> Result<(), minijinja::Error> {
    let error =
        |message: String| minijinja::Error::new(minijinja::ErrorKind::BadSerialization, message);
    if value.is_safe() {
        out.push_str(value.as_str().unwrap_or_default());
        return Ok(());
    }
    match value.kind() {
        ValueKind::String => {
            out.push_str(&quote(value.as_str().unwrap_or_default()).map_err(error)?);
        }
        ValueKind::Bool => out.push_str(if value.is_true() { "true" } else { "false" }),
        ValueKind::Number => {
            if let Ok(integer) = i64::try_from(value.clone()) {
                write!(out, "{integer}").ok();
            } else {
                let float = f64::try_from(value.clone())?;
                if !float.is_finite() {
                    return Err(error("a non-finite number is not a shell word".into()));
                }
                write!(out, "{float:?}").ok();
            }
        }
        // A missing value or a list would have to become zero or several words: the
        // template must test or loop over it instead.
        kind => return Err(error(format!("a {kind} value is not one shell word"))),
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_string_is_single_quoted() {
        assert_eq!(quote("europe-west2-a").unwrap(), "'europe-west2-a'");
        assert_eq!(quote("").unwrap(), "''");
        assert_eq!(quote("x; touch /tmp/p #").unwrap(), "'x; touch /tmp/p #'");
        assert_eq!(
            quote("$(id) `id` ${HOME} *").unwrap(),
            "'$(id) `id` ${HOME} *'"
        );
        assert_eq!(quote("a\nb").unwrap(), "'a\nb'");
    }

    #[test]
    fn single_quotes_close_escape_and_reopen() {
        assert_eq!(quote("it's").unwrap(), "'it'\\''s'");
        assert_eq!(quote("'").unwrap(), "''\\'''");
        assert_eq!(quote("a\"b\\c").unwrap(), "'a\"b\\c'");
    }

    #[test]
    fn nul_is_refused() {
        assert!(quote("a\0b").unwrap_err().contains("NUL"));
    }

    #[test]
    fn scalars_are_words_and_collections_are_refused() {
        let render = |value: Value| {
            let mut word = String::new();
            write_value(&mut word, &value).map(|()| word)
        };
        assert_eq!(render(Value::from(3)).unwrap(), "3");
        assert_eq!(render(Value::from(true)).unwrap(), "true");
        assert_eq!(render(Value::from("3")).unwrap(), "'3'");
        let safe = Value::from_safe_string("\"$root\"".into());
        assert_eq!(render(safe).unwrap(), "\"$root\"");
        assert!(render(Value::from(vec!["a", "b"])).is_err());
        assert!(render(Value::from(())).is_err());
        assert!(render(Value::from("a\0b")).is_err());
    }

    /// bash itself reads each quoted word back as the original text.
    #[test]
    fn bash_reads_back_the_original() {
        let texts = [
            "plain",
            "x; touch /tmp/p #",
            "it's \"q\"",
            "$(id)`id`",
            "a\nb\tc",
            "'''",
            "\\",
        ];
        let script: String = texts
            .iter()
            .map(|text| format!("printf '%s\\0' {}\n", quote(text).unwrap()))
            .collect();
        let output = std::process::Command::new("bash")
            .arg("-c")
            .arg(&script)
            .output()
            .expect("bash runs");
        assert!(output.status.success());
        let words: Vec<&str> = std::str::from_utf8(&output.stdout)
            .unwrap()
            .split_terminator('\0')
            .collect();
        assert_eq!(words, texts);
    }
}
