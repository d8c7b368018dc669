//! Layers of profile values: one per file of the `extends` chain and one per `--set`. Each layer
//! remembers where every key was written, and merging keeps that, so an error found in the
//! merged profile still points at the file, line and column (or the `--set`) it came from.

use super::source::ProfileSource;
use crate::diag::Code;
use crate::diag::{Diagnostic, Origin};
use crate::error::Error;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::ops::Range;
use std::sync::Arc;
use toml::de::{DeTable, DeValue};
use toml::{Spanned, Table, Value};

/// Keys from the root table down, e.g. `["nfs", "ip"]`.
pub type KeyPath = Vec<String>;

/// Where one key and its value were written.
#[derive(Debug, Clone)]
pub struct Site {
    /// A file name, or `--set` for a command-line value.
    pub name: String,
    /// Written in a built-in profile (whose `name` is then the profile's name, not a path).
    pub builtin: bool,
    pub source: Arc<str>,
    pub key: Range<usize>,
    pub value: Range<usize>,
}

impl Site {
    fn origin(&self, span: Range<usize>) -> Origin {
        Origin {
            name: self.name.clone(),
            source: self.source.clone(),
            span,
        }
    }

    pub fn key_origin(&self) -> Origin {
        self.origin(self.key.clone())
    }

    pub fn value_origin(&self) -> Origin {
        self.origin(self.value.clone())
    }

    /// Is this a command-line `--set` rather than a file?
    pub fn is_set(&self) -> bool {
        self.key_origin().is_argument()
    }
}

/// The site of every key of a layer.
#[derive(Debug, Clone, Default)]
pub struct Origins(BTreeMap<KeyPath, Site>);

impl Origins {
    pub fn get(&self, path: &[String]) -> Option<&Site> {
        self.0.get(path)
    }

    /// The site of `path`, or else of its nearest ancestor that has one.
    pub fn nearest(&self, path: &[String]) -> Option<&Site> {
        (0..=path.len())
            .rev()
            .find_map(|length| self.0.get(&path[..length]))
    }

    /// `path` and every key below it, in key order.
    fn subtree<'a>(&'a self, path: &'a [String]) -> impl Iterator<Item = (&'a KeyPath, &'a Site)> {
        self.0
            .range(path.to_vec()..)
            .take_while(move |(key, _)| key.starts_with(path))
    }

    fn replace_subtree(&mut self, path: &[String], from: &Origins) {
        let stale: Vec<KeyPath> = self.subtree(path).map(|(key, _)| key.clone()).collect();
        for key in stale {
            self.0.remove(&key);
        }
        for (key, site) in from.subtree(path) {
            self.0.insert(key.clone(), site.clone());
        }
    }
}

/// Profile values and where each was written.
#[derive(Debug, Clone, Default)]
pub struct Layer {
    pub table: Table,
    pub origins: Origins,
}

impl Layer {
    /// Parses one profile file; a syntax error points at its line.
    pub fn parse(source: &ProfileSource) -> Result<Layer, Error> {
        let spanned = DeTable::parse(&source.text).map_err(|e| syntax_error(source, &e))?;
        let mut origins = Origins::default();
        let site = |key: Range<usize>, value: Range<usize>| Site {
            name: source.name.clone(),
            builtin: source.is_builtin(),
            source: source.text.clone(),
            key,
            value,
        };
        record_table(spanned.get_ref(), &mut Vec::new(), &site, &mut origins);
        // The values come from the tree the spans came from: the text is parsed once.
        let table = Table::deserialize(toml::de::Deserializer::from(spanned))
            .map_err(|e| syntax_error(source, &e))?;
        Ok(Layer { table, origins })
    }

    /// One `--set KEY=VALUE`: a dotted TOML key and a TOML value. A value that is not TOML, or
    /// any value of a key whose type is a string, is taken as the text written.
    pub fn from_set(arg: &str, is_string_key: impl Fn(&[String]) -> bool) -> Result<Layer, Error> {
        let source: Arc<str> = Arc::from(arg);
        let site = |key: Range<usize>, value: Range<usize>| Site {
            name: "--set".into(),
            builtin: false,
            source: source.clone(),
            key,
            value,
        };
        let Some(equals) = arg.find('=') else {
            return Err(Diagnostic::error(Code::SetSyntax, "expected KEY=VALUE")
                .at(site(0..arg.len(), 0..arg.len()).key_origin())
                .into());
        };
        let key_text = &arg[..equals];
        let key_span = trimmed(arg, 0..equals);
        let value_span = trimmed(arg, equals + 1..arg.len());
        let path = parse_key(key_text).ok_or_else(|| {
            Diagnostic::error(Code::SetSyntax, format!(
                "`{}` is not a dotted key like `nfs.size`",
                key_text.trim()
            ))
            .at(site(key_span.clone(), value_span.clone()).key_origin())
            // A label key (`cloud.google.com/gke-nodepool`) is one part: quoted (issue 27).
            .with_help("quote a part that holds dots or `/`, e.g. --set 'nodes.worker.\"cloud.google.com/gke-nodepool\"=pool-1'")
        })?;
        let raw = &arg[value_span.clone()];
        if !is_string_key(&path) && parse_value(raw).is_none() && looks_like_integer(raw) {
            return Err(
                Diagnostic::error(Code::SetSyntax, format!("`{raw}` {OUT_OF_RANGE}"))
                    .at(site(key_span.clone(), value_span.clone()).value_origin())
                    .into(),
            );
        }
        // An array or inline table that TOML refuses is not meant as text: its own error is
        // the cause, not "must be an array, not a string" (issue 27, item 13).
        if !is_string_key(&path) && raw.starts_with(['[', '{']) {
            if let Err(error) = toml::from_str::<Table>(&format!("value = {raw}")) {
                return Err(Diagnostic::error(
                    Code::SetSyntax,
                    format!(
                        "`{}` is not a TOML value: {}",
                        key_text.trim(),
                        error.message()
                    ),
                )
                .at(site(key_span.clone(), value_span.clone()).value_origin())
                .into());
            }
        }
        let value = match parse_value(raw) {
            Some(Value::String(text)) => Value::String(text),
            Some(_) if is_string_key(&path) => Value::String(raw.to_string()),
            Some(value) => value,
            None => Value::String(raw.to_string()),
        };
        let mut origins = Origins::default();
        for length in 1..=path.len() {
            origins.0.insert(
                path[..length].to_vec(),
                site(key_span.clone(), value_span.clone()),
            );
        }
        // Keys inside an inline table value point at the whole value.
        record_value(
            &value,
            &mut path.clone(),
            &|_| site(value_span.clone(), value_span.clone()),
            &mut origins,
        );
        let mut table = Table::new();
        let (last, parents) = path.split_last().expect("a parsed key has a part");
        let leaf = parents
            .iter()
            .rev()
            .fold(Table::from_iter([(last.clone(), value)]), |inner, key| {
                Table::from_iter([(key.clone(), Value::Table(inner))])
            });
        table.extend(leaf);
        Ok(Layer { table, origins })
    }

    /// Removes the value at `path` (and where it was written); false if there is none.
    pub fn remove(&mut self, path: &[String]) -> bool {
        let Some((last, parents)) = path.split_last() else {
            return false;
        };
        let mut table = &mut self.table;
        for key in parents {
            match table.get_mut(key) {
                Some(Value::Table(inner)) => table = inner,
                _ => return false,
            }
        }
        if table.remove(last).is_none() {
            return false;
        }
        self.origins.replace_subtree(path, &Origins::default());
        true
    }

    /// Puts `overlay` on top: tables merge key by key; arrays and scalars are replaced.
    pub fn merge(&mut self, overlay: Layer) {
        merge_tables(
            &mut self.table,
            overlay.table,
            &mut self.origins,
            &overlay.origins,
            &mut Vec::new(),
        );
    }
}

fn merge_tables(
    base: &mut Table,
    overlay: Table,
    origins: &mut Origins,
    overlay_origins: &Origins,
    path: &mut KeyPath,
) {
    for (key, value) in overlay {
        path.push(key.clone());
        match (base.get_mut(&key), value) {
            (Some(Value::Table(base_table)), Value::Table(overlay_table)) => {
                if let Some(site) = overlay_origins.get(path) {
                    origins.0.insert(path.clone(), site.clone());
                }
                merge_tables(base_table, overlay_table, origins, overlay_origins, path);
            }
            (_, value) => {
                origins.replace_subtree(path, overlay_origins);
                base.insert(key, value);
            }
        }
        path.pop();
    }
}

fn record_table(
    table: &DeTable<'_>,
    path: &mut KeyPath,
    site: &dyn Fn(Range<usize>, Range<usize>) -> Site,
    origins: &mut Origins,
) {
    for (key, value) in table {
        path.push(key.get_ref().to_string());
        origins
            .0
            .insert(path.clone(), site(key.span(), value_span(key, value)));
        record_spanned(value.get_ref(), path, site, origins);
        path.pop();
    }
}

fn record_spanned(
    value: &DeValue<'_>,
    path: &mut KeyPath,
    site: &dyn Fn(Range<usize>, Range<usize>) -> Site,
    origins: &mut Origins,
) {
    match value {
        DeValue::Table(table) => record_table(table, path, site, origins),
        DeValue::Array(items) => {
            for (index, item) in items.iter().enumerate() {
                path.push(index.to_string());
                origins
                    .0
                    .insert(path.clone(), site(item.span(), item.span()));
                record_spanned(item.get_ref(), path, site, origins);
                path.pop();
            }
        }
        _ => {}
    }
}

/// A `[table]` header has no value text of its own: errors about the table point at its name.
fn value_span(
    key: &Spanned<std::borrow::Cow<'_, str>>,
    value: &Spanned<DeValue<'_>>,
) -> Range<usize> {
    let span = value.span();
    if span.is_empty() || span.start < key.span().start {
        key.span()
    } else {
        span
    }
}

fn record_value(
    value: &Value,
    path: &mut KeyPath,
    site: &dyn Fn(&[String]) -> Site,
    origins: &mut Origins,
) {
    if let Value::Table(table) = value {
        for (key, inner) in table {
            path.push(key.clone());
            origins.0.insert(path.clone(), site(path));
            record_value(inner, path, site, origins);
            path.pop();
        }
    }
}

/// The parts of a dotted TOML key (`a.b`, `nodes.master."cloud.google.com/pool"`).
pub fn parse_key(text: &str) -> Option<KeyPath> {
    let document = format!("{text} = 0");
    let parsed = DeTable::parse(&document).ok()?;
    let mut path = Vec::new();
    let mut table = parsed.into_inner();
    loop {
        if table.len() != 1 {
            return None;
        }
        let (key, value) = table.into_iter().next()?;
        path.push(key.into_inner().into_owned());
        match value.into_inner() {
            DeValue::Table(inner) => table = inner,
            _ => return Some(path),
        }
    }
}

/// Why an integer that TOML cannot hold is refused.
const OUT_OF_RANGE: &str =
    "is out of range: TOML integers are 64-bit (-9223372036854775808 to 9223372036854775807)";

/// Digits with an optional sign (and TOML's `_` separators): an integer, even if too large.
fn looks_like_integer(raw: &str) -> bool {
    let digits = raw.strip_prefix(['+', '-']).unwrap_or(raw);
    digits.starts_with(|c: char| c.is_ascii_digit())
        && digits.bytes().all(|b| b.is_ascii_digit() || b == b'_')
}

fn parse_value(raw: &str) -> Option<Value> {
    toml::from_str::<Table>(&format!("value = {raw}"))
        .ok()
        .and_then(|mut table| table.remove("value"))
}

fn trimmed(text: &str, span: Range<usize>) -> Range<usize> {
    let part = &text[span.clone()];
    let start = span.start + (part.len() - part.trim_start().len());
    let end = span.end - (part.len() - part.trim_end().len());
    start..end.max(start)
}

fn syntax_error(source: &ProfileSource, error: &toml::de::Error) -> Error {
    let mut message = error.message().trim().to_string();
    // The toml crate reads integers as i128 first and says so.
    if message.starts_with("invalid type: integer") && message.contains("as i128") {
        let number = error.span().map_or("", |span| &source.text[span]);
        message = format!("integer `{number}` {OUT_OF_RANGE}");
    }
    if message == "recursion limit" {
        message = "keys, tables or arrays nest too deep: the TOML reader stops at 80 levels".into();
    }
    let span = error
        .span()
        .or_else(|| first_failing_line(&source.text, error.message()));
    Error::new(match span {
        Some(span) => Diagnostic::error(Code::TomlSyntax, message).at(source.origin(span)),
        None => Diagnostic::error(Code::TomlSyntax, format!("{}: {message}", source.name)),
    })
}

/// The line where parsing first fails with `message`, for the errors the toml crate gives
/// without a place (a dotted key of 80 parts or more: "recursion limit"). Found by parsing ever
/// longer runs of whole lines, halving the range each time.
fn first_failing_line(text: &str, message: &str) -> Option<Range<usize>> {
    let ends: Vec<usize> = text
        .match_indices('\n')
        .map(|(index, _)| index + 1)
        .chain(std::iter::once(text.len()))
        .collect();
    let fails = |lines: usize| {
        DeTable::parse(&text[..ends[lines - 1]]).is_err_and(|error| error.message() == message)
    };
    let (mut low, mut high) = (1, ends.len());
    if !fails(high) {
        return None;
    }
    while low < high {
        let middle = (low + high) / 2;
        if fails(middle) {
            high = middle;
        } else {
            low = middle + 1;
        }
    }
    let start = if low == 1 { 0 } else { ends[low - 2] };
    let line = &text[start..ends[low - 1]];
    Some(start..start + line.trim_end().len())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn source(text: &str) -> ProfileSource {
        ProfileSource {
            name: "t.toml".into(),
            base_dir: None,
            text: Arc::from(text),
        }
    }

    fn key(dotted: &str) -> KeyPath {
        dotted.split('.').map(String::from).collect()
    }

    fn at<'a>(layer: &'a Layer, dotted: &str) -> &'a str {
        let site = layer.origins.get(&key(dotted)).expect(dotted);
        &site.source[site.value.clone()]
    }

    #[test]
    fn records_where_each_key_was_written() {
        let layer = Layer::parse(&source("a = 1\n[nfs]\nip = \"x\"\n[t.u]\nv = [1, 2]\n")).unwrap();
        assert_eq!(at(&layer, "a"), "1");
        assert_eq!(at(&layer, "nfs.ip"), "\"x\"");
        assert_eq!(at(&layer, "t.u.v"), "[1, 2]");
        assert_eq!(at(&layer, "t.u.v.1"), "2");
    }

    #[test]
    fn merge_keeps_the_origin_of_the_last_writer() {
        let mut base = Layer::parse(&source(
            "[nfs]\nip = \"a\"\nsize = \"1Gi\"\n[n]\nm = { x = \"1\" }\n",
        ))
        .unwrap();
        let overlay = Layer::parse(&source("[nfs]\nip = \"b\"\n[n]\nm = \"flat\"\n")).unwrap();
        base.merge(overlay);
        assert_eq!(base.table["nfs"]["ip"].as_str(), Some("b"));
        assert_eq!(base.table["nfs"]["size"].as_str(), Some("1Gi"));
        assert_eq!(at(&base, "nfs.ip"), "\"b\"");
        assert_eq!(at(&base, "n.m"), "\"flat\"");
        assert!(base.origins.get(&key("n.m.x")).is_none());
    }

    #[test]
    fn set_takes_dotted_keys_and_bare_words() {
        let layer =
            Layer::from_set("nodes.master.\"cloud.google.com/pool\"=big", |_| false).unwrap();
        assert_eq!(
            layer.table["nodes"]["master"]["cloud.google.com/pool"].as_str(),
            Some("big")
        );
        let layer = Layer::from_set("cluster.version=1.33", |_| true).unwrap();
        assert_eq!(layer.table["cluster"]["version"].as_str(), Some("1.33"));
        let layer = Layer::from_set("engine.debug = true", |_| false).unwrap();
        assert_eq!(layer.table["engine"]["debug"].as_bool(), Some(true));
        assert_eq!(at(&layer, "engine.debug"), "true");
        assert!(Layer::from_set("namespace", |_| false).is_err());
        assert!(Layer::from_set("a..b=1", |_| false).is_err());
    }
}
