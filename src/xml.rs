//! Text for XML documents (JUnit reports, SVG pictures): the one escaping rule both need.

/// `text` as XML character data or attribute value. XML 1.0 cannot carry most control
/// characters, nor U+FFFE and U+FFFF, even as references, so they become `?`.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => out.push('?'),
            '\u{FFFE}' | '\u{FFFF}' => out.push('?'),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn markup_and_controls_are_escaped() {
        assert_eq!(
            super::escape("<a href=\"x\">'&'</a>\u{1}\t"),
            "&lt;a href=&quot;x&quot;&gt;&apos;&amp;&apos;&lt;/a&gt;?\t"
        );
        assert_eq!(super::escape("a\u{FFFE}b\u{FFFF}"), "a?b?");
    }
}
