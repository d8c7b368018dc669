//! YAML streams into JSON values, the way serde-saphyr reads them, at about twice its speed.
//!
//! Parsing YAML back is most of a render and nearly all of `hfgen validate` (BENCHMARKS.md),
//! and most of serde-saphyr's time goes to its serde layer, not to its parser. Manifests use
//! a small part of YAML, so this module drives serde-saphyr's own parser (granit-parser)
//! and builds the values directly for that part: mappings with string keys, sequences, and
//! scalars without tags, anchors or aliases. Anything else (tags, anchors, aliases, merge
//! keys, duplicate keys, numbers in unusual notations, deep nesting, syntax errors) makes the
//! fast path give up, and the whole stream goes to serde-saphyr ([`from_multiple`],
//! [`from_str`]), which then decides and words the errors. So a stream reads the same either
//! way; a test compares the two on every YAML file in the repository and on generated scalars.

use granit_parser::{Event, Parser, ScalarStyle};
use serde_json::{Map, Number, Value};
use std::borrow::Cow;

/// serde-saphyr refuses nesting deeper than its budget's `max_depth` (64); stay below it and
/// let serde-saphyr report deeper documents.
const MAX_DEPTH: usize = 60;

/// The deepest nesting serde-saphyr's default budget reads, named in its error.
pub const MAX_READ_DEPTH: usize = 64;

/// The stream needs serde-saphyr: it uses YAML beyond the fast path, or is not valid YAML.
#[derive(Debug, PartialEq, Eq)]
pub struct NeedsFullParser;

type Fast<T> = Result<T, NeedsFullParser>;

enum Frame {
    Sequence(Vec<Value>),
    Mapping(Map<String, Value>, Option<String>),
}

/// Calls `on_document` with every document of `text` that is not empty or null, in order, as
/// `serde_saphyr::from_multiple::<Value>` would return them. On `Err` the documents passed so
/// far are not the whole story: read the stream with serde-saphyr instead.
pub fn for_each_document(text: &str, mut on_document: impl FnMut(Value)) -> Fast<()> {
    let mut parser = Parser::new_from_str(text);
    let mut stack: Vec<Frame> = Vec::new();
    while let Some(next) = parser.next_event() {
        let (event, _span) = next.map_err(|_| NeedsFullParser)?;
        let value = match event {
            Event::StreamStart | Event::DocumentEnd => continue,
            Event::StreamEnd => break,
            Event::DocumentStart(_, None) => continue,
            Event::Scalar(text, style, 0, None) => {
                if let Some(Frame::Mapping(_, key @ None)) = stack.last_mut() {
                    *key = Some(mapping_key(text, style)?);
                    continue;
                }
                scalar(text, style)?
            }
            Event::SequenceStart(_, 0, None) | Event::MappingStart(_, 0, None) => {
                if stack.len() >= MAX_DEPTH || matches!(stack.last(), Some(Frame::Mapping(_, None)))
                {
                    return Err(NeedsFullParser);
                }
                stack.push(match event {
                    Event::SequenceStart(..) => Frame::Sequence(Vec::new()),
                    _ => Frame::Mapping(Map::new(), None),
                });
                continue;
            }
            Event::SequenceEnd => match stack.pop() {
                Some(Frame::Sequence(items)) => Value::Array(items),
                _ => return Err(NeedsFullParser),
            },
            Event::MappingEnd => match stack.pop() {
                Some(Frame::Mapping(entries, None)) => Value::Object(entries),
                _ => return Err(NeedsFullParser),
            },
            // A `%YAML` directive, tags, anchors, aliases.
            _ => return Err(NeedsFullParser),
        };
        match stack.last_mut() {
            None if value.is_null() => {}
            None => on_document(value),
            Some(Frame::Sequence(items)) => items.push(value),
            Some(Frame::Mapping(entries, key)) => {
                let key = key.take().ok_or(NeedsFullParser)?;
                if entries.insert(key, value).is_some() {
                    return Err(NeedsFullParser);
                }
            }
        }
    }
    if stack.is_empty() {
        Ok(())
    } else {
        Err(NeedsFullParser)
    }
}

/// Every document of `text`, as [`for_each_document`] passes them.
pub fn documents(text: &str) -> Fast<Vec<Value>> {
    let mut documents = Vec::new();
    for_each_document(text, |value| documents.push(value))?;
    Ok(documents)
}

/// The documents of `text` as `serde_saphyr::from_multiple::<Value>` returns them: read by the
/// fast path when it can, else by serde-saphyr.
///
/// # Errors
/// serde-saphyr's, when `text` is not YAML it can read into values.
pub fn from_multiple(text: &str) -> Result<Vec<Value>, serde_saphyr::Error> {
    documents(text)
        .or_else(|NeedsFullParser| serde_saphyr::from_multiple(&as_the_api_server_reads(text)))
}

/// The one document of `text` as `serde_saphyr::from_str::<Value>` returns it: read by the
/// fast path when it finds exactly one document, else by serde-saphyr.
///
/// # Errors
/// serde-saphyr's, when `text` is not one YAML document it can read into a value.
pub fn from_str(text: &str) -> Result<Value, serde_saphyr::Error> {
    match documents(text) {
        Ok(mut documents) if documents.len() == 1 => Ok(documents.remove(0)),
        _ => serde_saphyr::from_str(&as_the_api_server_reads(text)),
    }
}

/// A key is a string: quoted, or plain and not read as anything else (`<<` merges).
fn mapping_key(text: Cow<'_, str>, style: ScalarStyle) -> Fast<String> {
    match scalar(text, style)? {
        Value::String(key) if key != "<<" => Ok(key),
        _ => Err(NeedsFullParser),
    }
}

/// A scalar without a tag, resolved as serde-saphyr resolves it for a `serde_json::Value`:
/// YAML 1.1 booleans (`on`, `yes`, `y`, ... in the spellings of [`TRUE_WORDS`]), null, decimal
/// integers and floats; quoted and block scalars are strings.
fn scalar(text: Cow<'_, str>, style: ScalarStyle) -> Fast<Value> {
    if style != ScalarStyle::Plain {
        return Ok(Value::String(text.into_owned()));
    }
    match text.as_ref() {
        "" | "~" | "null" | "Null" | "NULL" => return Ok(Value::Null),
        t if TRUE_WORDS.contains(&t) => return Ok(Value::Bool(true)),
        t if FALSE_WORDS.contains(&t) => return Ok(Value::Bool(false)),
        _ => {}
    }
    let t = text.as_ref();
    // A plus sign makes it a number or a string in ways not worth repeating here.
    if t.starts_with('+') {
        return Err(NeedsFullParser);
    }
    let unsigned = t.strip_prefix('-').unwrap_or(t);
    if !unsigned.starts_with(|c: char| c.is_ascii_digit() || c == '.') {
        return Ok(Value::String(text.into_owned()));
    }
    match number(t, unsigned) {
        Some(number) => number.map(Value::Number),
        None => Ok(Value::String(text.into_owned())),
    }
}

/// `Some` when `t` (`unsigned` without its `-`) is a number; `None` when it is a string.
fn number(t: &str, unsigned: &str) -> Option<Fast<Number>> {
    let negative = t.len() != unsigned.len();
    let bytes = unsigned.as_bytes();
    // Radix prefixes, underscores and `.inf`/`.nan` spellings: serde-saphyr decides.
    if bytes.len() >= 2 && bytes[0] == b'0' && bytes[1].is_ascii_alphabetic()
        || bytes.contains(&b'_')
        || bytes.len() >= 2 && bytes[0] == b'.' && bytes[1].is_ascii_alphabetic()
    {
        return Some(Err(NeedsFullParser));
    }
    let decimal = !bytes.is_empty() && bytes.iter().all(u8::is_ascii_digit);
    if decimal && (bytes[0] != b'0' || bytes.len() == 1) {
        let parsed = if negative {
            t.parse::<i64>().ok().map(Number::from)
        } else {
            t.parse::<u64>().ok().map(Number::from)
        };
        // Too big for 64 bits: serde-saphyr reads a float.
        return Some(parsed.ok_or(NeedsFullParser));
    }
    match t.parse::<f64>() {
        Ok(float) => Some(Number::from_f64(float).ok_or(NeedsFullParser)),
        Err(_) => None,
    }
}

/// The plain scalars that the API server and kubectl read as `true`: they decode YAML with
/// sigs.k8s.io/yaml, that is go-yaml v2, whose YAML 1.1 table has each word in three spellings
/// only. serde-saphyr takes any case (`tRuE`, `oN`), which go-yaml reads as a string.
pub const TRUE_WORDS: [&str; 11] = [
    "y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON",
];

/// The plain scalars read as `false`, likewise.
pub const FALSE_WORDS: [&str; 11] = [
    "n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF",
];

/// `text` with every plain, untagged scalar that serde-saphyr would read as a boolean but
/// go-yaml reads as a string (`tRuE`, `oN`) put in double quotes, so that serde-saphyr reads
/// the stream as the API server does. Lines do not move. A stream that does not parse is
/// rewritten up to where it fails; serde-saphyr then reports the failure.
pub fn as_the_api_server_reads(text: &str) -> Cow<'_, str> {
    let mut spans = Vec::new();
    let mut parser = Parser::new_from_str(text);
    while let Some(Ok((event, span))) = parser.next_event() {
        let Event::Scalar(word, ScalarStyle::Plain, _, None) = event else {
            continue;
        };
        let any_case = |words: &[&str]| words.iter().any(|w| word.eq_ignore_ascii_case(w));
        let exact = TRUE_WORDS.contains(&word.as_ref()) || FALSE_WORDS.contains(&word.as_ref());
        if !exact && (any_case(&TRUE_WORDS) || any_case(&FALSE_WORDS)) {
            let start = byte_offset(text, span.start);
            if text.get(start..start + word.len()) == Some(word.as_ref()) {
                spans.push(start..start + word.len());
            }
        }
    }
    if spans.is_empty() {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 2 * spans.len());
    let mut done = 0;
    for span in spans {
        out.push_str(&text[done..span.start]);
        out.push('"');
        out.push_str(&text[span.clone()]);
        out.push('"');
        done = span.end;
    }
    out.push_str(&text[done..]);
    Cow::Owned(out)
}

fn byte_offset(text: &str, marker: granit_parser::Marker) -> usize {
    marker.byte_offset().unwrap_or_else(|| {
        text.char_indices()
            .nth(marker.index())
            .map_or(text.len(), |(index, _)| index)
    })
}
