//! `$ref` resolution: the URL part names a document (as written, or joined to the base of the
//! document it is written in), the fragment a JSON pointer or an anchor.

use serde_json::Value;

use super::load::Loader;
use super::{join, NodeId};

impl Loader<'_> {
    /// Resolves `reference`, written in `document`, to the node of its target.
    pub(super) fn resolve(&mut self, document: usize, reference: &str) -> Result<NodeId, String> {
        let unresolved = || format!("$ref '{reference}' cannot be resolved");
        let documents = self.documents;
        let (url, fragment) = reference.split_once('#').unwrap_or((reference, ""));
        let target = if url.is_empty() {
            document
        } else {
            let candidates = [
                url.to_string(),
                join(documents[document].base.as_deref(), url),
            ];
            documents
                .iter()
                .position(|doc| doc.names.iter().any(|name| candidates.contains(name)))
                .ok_or_else(unresolved)?
        };
        let fragment = percent_decode(fragment);
        let pointer = if fragment.is_empty() || fragment.starts_with('/') {
            fragment
        } else {
            find_anchor(&documents[target].value, &fragment).ok_or_else(unresolved)?
        };
        if documents[target].value.pointer(&pointer).is_none() {
            return Err(unresolved());
        }
        Ok(self.node_for(target, pointer))
    }
}

pub(super) fn escape(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (byte, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Finds the JSON pointer of the subschema named `anchor` by `$anchor` or a `#anchor` `$id`.
fn find_anchor(root: &Value, anchor: &str) -> Option<String> {
    let hash_id = format!("#{anchor}");
    let mut stack = vec![(root, String::new())];
    while let Some((value, pointer)) = stack.pop() {
        match value {
            Value::Object(map) => {
                let named = map.get("$anchor").and_then(Value::as_str) == Some(anchor)
                    || ["$id", "id"]
                        .iter()
                        .any(|k| map.get(*k).and_then(Value::as_str) == Some(&hash_id));
                if named {
                    return Some(pointer);
                }
                for (key, child) in map {
                    stack.push((child, format!("{pointer}/{}", escape(key))));
                }
            }
            Value::Array(items) => {
                for (i, child) in items.iter().enumerate() {
                    stack.push((child, format!("{pointer}/{i}")));
                }
            }
            _ => {}
        }
    }
    None
}
