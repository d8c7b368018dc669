//! apimachinery's name, label and key checks (`k8s.io/apimachinery/pkg/util/validation`),
//! each returning the API server's messages, empty when the text is valid.

const DNS1123_LABEL_FMT: &str = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";
const DNS1123_SUBDOMAIN_FMT: &str =
    "[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*";
const DNS1035_LABEL_FMT: &str = "[a-z]([-a-z0-9]*[a-z0-9])?";
const QUALIFIED_NAME_FMT: &str = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]";
const LABEL_VALUE_FMT: &str = "(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?";
const CONFIG_MAP_KEY_FMT: &str = "[-._a-zA-Z0-9]+";
const ENV_VAR_NAME_FMT: &str = "[-._a-zA-Z][-._a-zA-Z0-9]*";

/// What apimachinery's `RegexError` prints: the rule, examples and the regular expression.
fn regex_error(rule: &str, fmt: &str, examples: &[&str]) -> String {
    let examples = examples
        .iter()
        .map(|e| format!("'{e}'"))
        .collect::<Vec<_>>()
        .join(",  or ");
    format!("{rule} (e.g. {examples}, regex used for validation is '{fmt}')")
}

fn max_len(max: usize) -> String {
    format!("must be no more than {max} characters")
}

fn is_lower_alnum(b: u8) -> bool {
    b.is_ascii_lowercase() || b.is_ascii_digit()
}

fn matches_label(text: &str, first: fn(u8) -> bool) -> bool {
    let b = text.as_bytes();
    !b.is_empty()
        && first(b[0])
        && is_lower_alnum(b[b.len() - 1])
        && b.iter().all(|&c| is_lower_alnum(c) || c == b'-')
}

/// `IsDNS1123Label`.
pub fn dns1123_label(text: &str) -> Vec<String> {
    let mut errors = Vec::new();
    if text.len() > 63 {
        errors.push(max_len(63));
    }
    if !matches_label(text, is_lower_alnum) {
        errors.push(regex_error(
            "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character",
            DNS1123_LABEL_FMT,
            &["my-name", "123-abc"],
        ));
    }
    errors
}

/// `IsDNS1123Subdomain`.
pub fn dns1123_subdomain(text: &str) -> Vec<String> {
    let mut errors = Vec::new();
    if text.len() > 253 {
        errors.push(max_len(253));
    }
    if !text
        .split('.')
        .all(|part| matches_label(part, is_lower_alnum))
    {
        errors.push(regex_error(
            "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character",
            DNS1123_SUBDOMAIN_FMT,
            &["example.com"],
        ));
    }
    errors
}

/// `IsDNS1035Label` (Service names).
pub fn dns1035_label(text: &str) -> Vec<String> {
    let mut errors = Vec::new();
    if text.len() > 63 {
        errors.push(max_len(63));
    }
    if !matches_label(text, |b| b.is_ascii_lowercase()) {
        errors.push(regex_error(
            "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character",
            DNS1035_LABEL_FMT,
            &["my-name", "abc-123"],
        ));
    }
    errors
}

/// `ValidatePathSegmentName` (RBAC roles, HPAs).
pub fn path_segment_name(text: &str) -> Vec<String> {
    if text == "." || text == ".." {
        return vec![format!("may not be '{text}'")];
    }
    ["/", "%"]
        .iter()
        .filter(|bad| text.contains(*bad))
        .map(|bad| format!("may not contain '{bad}'"))
        .collect()
}

fn is_alnum(b: u8) -> bool {
    b.is_ascii_alphanumeric()
}

fn matches_qualified_part(text: &str) -> bool {
    let b = text.as_bytes();
    !b.is_empty()
        && is_alnum(b[0])
        && is_alnum(b[b.len() - 1])
        && b.iter()
            .all(|&c| is_alnum(c) || matches!(c, b'-' | b'_' | b'.'))
}

/// `IsQualifiedName`: label and annotation keys, `prefix/name` or `name`.
pub fn qualified_name(text: &str) -> Vec<String> {
    let rule = "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
    let examples = ["MyName", "my.name", "123-abc"];
    let parts: Vec<&str> = text.split('/').collect();
    let (prefix, name) = match parts.as_slice() {
        [name] => (None, *name),
        [prefix, name] => (Some(*prefix), *name),
        _ => {
            return vec![format!(
                "{} or {}",
                regex_error(
                    &format!("a qualified name {rule}"),
                    QUALIFIED_NAME_FMT,
                    &examples
                ),
                "an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"
            )]
        }
    };
    let mut errors = Vec::new();
    if let Some(prefix) = prefix {
        if prefix.is_empty() {
            errors.push("prefix part must be non-empty".to_string());
        } else {
            errors.extend(
                dns1123_subdomain(prefix)
                    .into_iter()
                    .map(|m| format!("prefix part {m}")),
            );
        }
    }
    if name.is_empty() {
        errors.push("name part must be non-empty".to_string());
    } else if name.len() > 63 {
        errors.push(format!("name part {}", max_len(63)));
    }
    if !name.is_empty() && !matches_qualified_part(name) {
        errors.push(regex_error(
            &format!("name part {rule}"),
            QUALIFIED_NAME_FMT,
            &examples,
        ));
    }
    errors
}

/// `IsValidLabelValue`.
pub fn label_value(text: &str) -> Vec<String> {
    let mut errors = Vec::new();
    if text.len() > 63 {
        errors.push(max_len(63));
    }
    if !text.is_empty() && !matches_qualified_part(text) {
        errors.push(regex_error(
            "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character",
            LABEL_VALUE_FMT,
            &["MyValue", "my_value", "12345"],
        ));
    }
    errors
}

/// `IsConfigMapKey`: ConfigMap and Secret data keys.
pub fn config_map_key(text: &str) -> Vec<String> {
    let mut errors = Vec::new();
    if text.len() > 253 {
        errors.push(max_len(253));
    }
    let valid = !text.is_empty() && text.bytes().all(is_key_char);
    errors.extend(key_errors(
        text,
        valid,
        "a valid config key must consist of alphanumeric characters, '-', '_' or '.'",
        CONFIG_MAP_KEY_FMT,
        &["key.name", "KEY_NAME", "key-name"],
    ));
    errors
}

fn is_key_char(c: u8) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.')
}

/// A config key's or an env var name's pattern error, then its dots.
fn key_errors(text: &str, valid: bool, rule: &str, fmt: &str, examples: &[&str]) -> Vec<String> {
    let mut errors = Vec::new();
    if !valid {
        errors.push(regex_error(rule, fmt, examples));
    }
    errors.extend(dots_only(text));
    errors
}

fn dots_only(text: &str) -> Option<String> {
    match text {
        "." => Some("must not be '.'".into()),
        ".." => Some("must not be '..'".into()),
        t if t.starts_with("..") => Some("must not start with '..'".into()),
        _ => None,
    }
}

/// `IsEnvVarName`, or from Kubernetes 1.32 on (RelaxedEnvironmentVariableValidation on by
/// default) `IsRelaxedEnvVarName`.
pub fn env_var_name(text: &str, relaxed: bool) -> Vec<String> {
    let mut errors = Vec::new();
    if relaxed {
        if !text
            .bytes()
            .all(|c| (b' '..=b'~').contains(&c) && c != b'=')
        {
            errors.push("a valid environment variable name must consist only of printable ASCII characters other than '='".to_string());
        }
        return errors;
    }
    let b = text.as_bytes();
    let valid = !b.is_empty() && !b[0].is_ascii_digit() && b.iter().all(|&c| is_key_char(c));
    key_errors(
        text,
        valid,
        "a valid environment variable name must consist of alphabetic characters, digits, '_', '-', or '.', and must not start with a digit",
        ENV_VAR_NAME_FMT,
        &["my.env-name", "MY_ENV.NAME", "MyEnvName1"],
    )
}

/// `IsValidPortName` (IANA_SVC_NAME): container port names, named target ports.
pub fn port_name(text: &str) -> Vec<String> {
    let mut errors = Vec::new();
    if text.len() > 15 {
        errors.push(max_len(15));
    }
    let b = text.as_bytes();
    if !b.iter().all(|&c| is_lower_alnum(c) || c == b'-') {
        errors
            .push("must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)".into());
    }
    if text.contains("--") {
        errors.push("must not contain consecutive hyphens".into());
    }
    if !b.iter().any(u8::is_ascii_lowercase) {
        errors.push("must contain at least one letter (a-z)".into());
    }
    if text.starts_with('-') || text.ends_with('-') {
        errors.push("must not begin or end with a hyphen".into());
    }
    errors
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_as_apimachinery_judges_them() {
        assert!(dns1123_label("my-name").is_empty());
        assert_eq!(dns1123_label("My").len(), 1);
        assert_eq!(dns1123_label(&"a".repeat(64)).len(), 1);
        assert!(dns1123_subdomain("a.b-c.d").is_empty());
        assert_eq!(dns1123_subdomain("a..b").len(), 1);
        assert_eq!(dns1035_label("1abc").len(), 1);
        assert!(qualified_name("example.com/My_Name.1").is_empty());
        assert_eq!(qualified_name("a/b/c").len(), 1);
        assert_eq!(qualified_name("/b"), ["prefix part must be non-empty"]);
        assert!(label_value("").is_empty());
        assert_eq!(label_value("-a").len(), 1);
        assert!(port_name("http-1").is_empty());
        assert_eq!(port_name("123"), ["must contain at least one letter (a-z)"]);
        assert_eq!(env_var_name("1A", false).len(), 1);
        assert!(env_var_name("1A", true).is_empty());
        assert_eq!(env_var_name("A=B", true).len(), 1);
        assert_eq!(config_map_key("a b").len(), 1);
        assert_eq!(config_map_key(".."), ["must not be '..'"]);
    }
}
