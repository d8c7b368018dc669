//! Cutting a YAML stream into pieces at document boundaries, so that the pieces can be
//! validated on several cores and their reports joined in order.
//!
//! A boundary is a `---` line starting in column 0, followed by a space, a tab, a line break
//! or the end of the text. YAML allows a document marker nowhere else: a block scalar's lines
//! are indented under their key (a `---` inside `data: |` is text), and a `---` in column 0
//! inside a quoted or flow scalar is a syntax error, which the caller handles by reading the
//! whole stream again in one piece. Directives (`%YAML`, `%TAG`) belong to the document after
//! them, so a stream with a directive line is not cut at all.

/// `text` in at most `parts` pieces of about equal length, each starting at a boundary (but
/// the first); one piece when there is no boundary to cut at or the stream has directives.
/// The pieces, joined, are `text`.
pub fn at_document_boundaries(text: &str, parts: usize) -> Vec<&str> {
    if parts <= 1 || has_directives(text) {
        return vec![text];
    }
    let target = text.len() / parts;
    let mut pieces = Vec::with_capacity(parts);
    let mut start = 0;
    for part in 1..parts {
        let Some(cut) = boundary_at_or_after(text, (part * target).max(start + 1)) else {
            break;
        };
        pieces.push(&text[start..cut]);
        start = cut;
    }
    pieces.push(&text[start..]);
    pieces
}

fn has_directives(text: &str) -> bool {
    text.starts_with('%') || text.contains("\n%")
}

/// The start of the first `---` marker line that begins at or after byte `from`.
fn boundary_at_or_after(text: &str, from: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut search = from.checked_sub(1)?;
    // Bytes, not `str::find`: `from` need not fall on a character boundary.
    while let Some(found) = bytes.get(search..)?.windows(4).position(|w| w == b"\n---") {
        let marker = search + found + 1;
        match bytes.get(marker + 3) {
            None | Some(b' ' | b'\t' | b'\r' | b'\n') => return Some(marker),
            Some(_) => search = marker,
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cuts_only_at_markers_in_column_zero() {
        let text = "a: 1\n---\nb: |\n  ---\n  not a boundary\n----\n--- # c\nc: 3\n---\n";
        assert_eq!(
            at_document_boundaries(text, 8),
            [
                "a: 1\n---\nb: |\n  ---\n  not a boundary\n----\n",
                "--- # c\nc: 3\n",
                "---\n"
            ]
        );
        for parts in 1..12 {
            let pieces = at_document_boundaries(text, parts);
            assert_eq!(pieces.concat(), text, "{parts}");
            assert!(pieces.len() <= parts.max(1));
            for piece in &pieces[1..] {
                assert!(
                    piece.starts_with("---") && !piece.starts_with("----"),
                    "{piece:?}"
                );
            }
        }
    }

    #[test]
    fn streams_without_markers_or_with_directives_stay_whole() {
        assert_eq!(at_document_boundaries("a: 1\nb: 2\n", 2), ["a: 1\nb: 2\n"]);
        let text = "a: 1\n...\n%YAML 1.2\n---\nb: 2\n";
        assert_eq!(at_document_boundaries(text, 2), [text]);
        assert_eq!(at_document_boundaries("", 4), [""]);
        assert_eq!(at_document_boundaries("---", 4), ["---"]);
    }
}
