//! Source positions of YAML nodes and keys, so a finding at `/spec/replicas` can say where the
//! `replicas:` key is.

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_saphyr::Spanned;
use std::fmt;

/// 1-based line and column.
pub type Position = (usize, usize);

/// A YAML node with the position it starts at; children keep their own positions, and a
/// mapping's entries the positions of their keys.
#[derive(Debug)]
pub struct LocatedNode {
    pub line: usize,
    pub column: usize,
    children: Children,
}

#[derive(Debug)]
enum Children {
    Leaf,
    Seq(Vec<LocatedNode>),
    Map(Vec<(String, Position, LocatedNode)>),
}

impl LocatedNode {
    /// The line of the node at JSON pointer `pointer`, or of its closest existing parent.
    pub fn line_of(&self, pointer: &str) -> usize {
        self.position_of(pointer).0
    }

    /// Where the field at JSON pointer `pointer` is: its key for a mapping entry, the item
    /// itself for a sequence item. A pointer past what exists gives its closest existing
    /// parent field.
    pub fn position_of(&self, pointer: &str) -> Position {
        let mut node = self;
        let mut position = (self.line, self.column);
        for token in pointer.split('/').skip(1) {
            let token = token.replace("~1", "/").replace("~0", "~");
            let next = match &node.children {
                Children::Map(entries) => entries
                    .iter()
                    .find(|(k, _, _)| *k == token)
                    .map(|(_, key, v)| (*key, v)),
                Children::Seq(items) => token
                    .parse::<usize>()
                    .ok()
                    .and_then(|i| items.get(i))
                    .map(|item| ((item.line, item.column), item)),
                Children::Leaf => None,
            };
            match next {
                Some((at, child)) => {
                    position = at;
                    node = child;
                }
                None => break,
            }
        }
        position
    }
}

/// Parses every document of `text` with lines; `None` when the text is not YAML.
pub fn parse(text: &str) -> Option<Vec<LocatedNode>> {
    let documents: Vec<Option<LocatedNode>> =
        serde_saphyr::from_multiple_with_options(text, super::files::yaml_options(text)).ok()?;
    Some(documents.into_iter().flatten().collect())
}

impl<'de> Deserialize<'de> for LocatedNode {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let spanned = Spanned::<Children>::deserialize(deserializer)?;
        Ok(LocatedNode {
            line: spanned.referenced.line() as usize,
            column: spanned.referenced.column() as usize,
            children: spanned.value,
        })
    }
}

impl<'de> Deserialize<'de> for Children {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(ChildrenVisitor)
    }
}

struct ChildrenVisitor;

macro_rules! leaf {
    ($($method:ident: $ty:ty),*) => {
        $(fn $method<E: de::Error>(self, _: $ty) -> Result<Children, E> { Ok(Children::Leaf) })*
    };
}

impl<'de> Visitor<'de> for ChildrenVisitor {
    type Value = Children;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any YAML node")
    }

    leaf!(visit_bool: bool, visit_i64: i64, visit_u64: u64, visit_i128: i128, visit_u128: u128,
          visit_f64: f64, visit_str: &str, visit_bytes: &[u8]);

    fn visit_unit<E: de::Error>(self) -> Result<Children, E> {
        Ok(Children::Leaf)
    }

    fn visit_none<E: de::Error>(self) -> Result<Children, E> {
        Ok(Children::Leaf)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Children, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element::<LocatedNode>()? {
            items.push(item);
        }
        Ok(Children::Seq(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Children, A::Error> {
        let mut entries = Vec::new();
        while let Some(key) = map.next_key::<Spanned<serde_json::Value>>()? {
            let position = (
                key.referenced.line() as usize,
                key.referenced.column() as usize,
            );
            let key = match key.value {
                serde_json::Value::String(text) => text,
                other => other.to_string(),
            };
            entries.push((key, position, map.next_value::<LocatedNode>()?));
        }
        Ok(Children::Map(entries))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_lines_of_nested_nodes() {
        let text = "---\napiVersion: apps/v1\nkind: Deployment\nspec:\n  replica: 1\n  template:\n    spec:\n      containers:\n        - name: a\n          ports:\n            - containerPort: \"80\"\n---\nkind: Service\n";
        let documents = parse(text).unwrap();
        assert_eq!(documents.len(), 2);
        assert_eq!(documents[0].position_of("/spec/replica"), (5, 3));
        assert_eq!(
            documents[0].position_of("/spec/template/spec/containers/0/ports/0/containerPort"),
            (11, 15)
        );
        assert_eq!(
            documents[0].position_of("/spec/template/spec/containers/0"),
            (9, 11)
        );
        // A missing key points at its closest existing parent's key.
        assert_eq!(documents[0].position_of("/spec/missing"), (4, 1));
        assert_eq!(documents[1].position_of("/kind"), (13, 1));
    }
}
