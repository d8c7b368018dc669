//! Text from the user shown back to them: in a message, a file name or a report line.

/// `text` with every control character (C0, DEL, C1) written as Rust writes it in a string
/// literal (`\n`, `\u{1b}`), so the line stays one line and
/// reads the same on any terminal.
pub fn printable(text: &str) -> String {
    if !text.chars().any(char::is_control) {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if c.is_control() {
            out.extend(c.escape_debug());
        } else {
            out.push(c);
        }
    }
    out
}
