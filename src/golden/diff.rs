//! Drift as a unified diff, in the shape `git diff` prints, so reviewers read it as usual and
//! `git apply` (or `patch -p1`) run where the paths were shown brings the golden files up to date.

use super::compare::FileDrift;
use anstyle::{AnsiColor, Style};
use similar::TextDiff;
use std::path::Path;

/// Lines of unchanged context around each change, as `git diff` uses.
pub const CONTEXT_LINES: usize = 3;

const HEADER: Style = Style::new().bold();
const HUNK: Style = AnsiColor::Cyan.on_default();
const REMOVED: Style = AnsiColor::Red.on_default();
const ADDED: Style = AnsiColor::Green.on_default();

/// A folder path as diff headers show it: `/` separators and no trailing slash.
pub fn shown_path(folder: &Path) -> String {
    let shown = folder.to_string_lossy().replace('\\', "/");
    match shown.trim_end_matches('/') {
        "" => shown,
        trimmed => trimmed.to_string(),
    }
}

/// A unified diff from the golden folder (`a/`) to the render (`b/`), one section per drifting
/// file. `shown_folder` (see [`shown_path`]) prefixes every path, e.g. `golden/gke/redis.yml`;
/// a missing file comes from `/dev/null` and an extra one goes to it. With `colour`, lines are
/// coloured as git colours them.
pub fn unified_diff(shown_folder: &str, drift: &[FileDrift], colour: bool) -> String {
    let mut out = String::new();
    for file in drift {
        let path = format!("{shown_folder}/{}", file.path());
        let (old_name, new_name, old, new) = match file {
            FileDrift::Changed {
                golden, rendered, ..
            } => (
                quoted(&format!("a/{path}")),
                quoted(&format!("b/{path}")),
                golden.as_slice(),
                rendered.as_bytes(),
            ),
            FileDrift::Missing { rendered, .. } => (
                "/dev/null".to_string(),
                quoted(&format!("b/{path}")),
                &[][..],
                rendered.as_bytes(),
            ),
            FileDrift::Extra { golden, .. } => (
                quoted(&format!("a/{path}")),
                "/dev/null".to_string(),
                golden.as_slice(),
                &[][..],
            ),
        };
        let (Ok(old), Ok(new)) = (std::str::from_utf8(old), std::str::from_utf8(new)) else {
            // A line diff of bytes that are not text helps no one; say what git says.
            push_line(
                &mut out,
                &format!("Binary files {old_name} and {new_name} differ"),
                HEADER,
                colour,
            );
            continue;
        };
        push_line(&mut out, &format!("--- {old_name}"), HEADER, colour);
        push_line(&mut out, &format!("+++ {new_name}"), HEADER, colour);
        let text_diff = TextDiff::from_lines(old, new);
        for hunk in text_diff
            .unified_diff()
            .context_radius(CONTEXT_LINES)
            .iter_hunks()
        {
            // Every line of a hunk starts with its tag: `@`, `-`, `+`, ` ` or `\`. Split on
            // `\n` only: a `\r` of a CRLF golden file is content and must stay visible.
            let text = hunk.to_string();
            for line in text.split_inclusive('\n') {
                let line = line.strip_suffix('\n').unwrap_or(line);
                let style = match line.as_bytes().first() {
                    Some(b'@') => HUNK,
                    Some(b'-') => REMOVED,
                    Some(b'+') => ADDED,
                    _ => Style::new(),
                };
                push_line(&mut out, line, style, colour);
            }
        }
    }
    out
}

/// A path as git writes it in a diff header: as it is, unless it holds a control character, a
/// `"` or a `\\`; then in double quotes with C escapes, which `git apply` reads back. (A tab or
/// newline in a bare path would end the header line early.)
pub fn quoted(path: &str) -> String {
    if !path
        .chars()
        .any(|c| c.is_ascii_control() || c == '"' || c == '\\')
    {
        return path.to_string();
    }
    let mut out = String::from("\"");
    for c in path.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c if c.is_ascii_control() => out.push_str(&format!("\\{:03o}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn push_line(out: &mut String, line: &str, style: Style, colour: bool) {
    if colour && !style.is_plain() {
        out.push_str(&format!("{style}{line}{style:#}\n"));
    } else {
        out.push_str(line);
        out.push('\n');
    }
}

#[cfg(test)]
mod tests {
    use super::quoted;

    #[test]
    fn paths_with_controls_or_quotes_are_quoted_as_git_quotes_them() {
        assert_eq!(quoted("a/golden/gke/cm.yml"), "a/golden/gke/cm.yml");
        assert_eq!(quoted("a/g\tx/cm.yml"), "\"a/g\\tx/cm.yml\"");
        assert_eq!(quoted("a/\"q\"\\\n\u{1}"), "\"a/\\\"q\\\"\\\\\\n\\001\"");
    }
}
