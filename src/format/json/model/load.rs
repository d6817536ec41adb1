//! The loader: one schema object at a time off a work queue, its annotations, then everit's
//! extractors in their order (enum, combinations, not, const, type, sniffed keyword groups,
//! if/then/else), each new subschema queued under its document and JSON pointer.

use std::collections::{HashMap, VecDeque};

use serde_json::{Map, Value};

use super::rules::{Group, ARRAY_KEYWORDS, NUMBER_KEYWORDS, OBJECT_KEYWORDS, STRING_KEYWORDS};
use super::{Criterion, Document, Kind, Node, NodeId};
use crate::format::json::Draft;

/// The state of one load: the documents, the nodes so far, and the nodes still to load.
pub(super) struct Loader<'d> {
    pub(super) documents: &'d [Document],
    pub(super) nodes: Vec<Node>,
    pub(super) index: HashMap<(usize, String), NodeId>,
    pub(super) queue: VecDeque<NodeId>,
}

impl<'d> Loader<'d> {
    /// Returns the node of the schema at `pointer` in `document`, queueing it if new.
    pub(super) fn node_for(&mut self, document: usize, pointer: String) -> NodeId {
        if let Some(id) = self.index.get(&(document, pointer.clone())) {
            return *id;
        }
        let id = self.push(Kind::Empty, document, pointer.clone(), None);
        self.index.insert((document, pointer), id);
        self.queue.push_back(id);
        id
    }

    fn push(
        &mut self,
        kind: Kind,
        document: usize,
        pointer: String,
        part: Option<usize>,
    ) -> NodeId {
        self.nodes.push(Node {
            kind,
            id: None,
            title: None,
            description: None,
            default: None,
            connect_type: None,
            document,
            pointer,
            part,
        });
        self.nodes.len() - 1
    }

    pub(super) fn load(&mut self, id: NodeId) -> Result<(), String> {
        let (document, pointer) = (self.nodes[id].document, self.nodes[id].pointer.clone());
        let documents = self.documents;
        let doc = &documents[document];
        let value = doc
            .value
            .pointer(&pointer)
            .ok_or_else(|| format!("no schema at '#{pointer}'"))?;
        let map = match value {
            Value::Bool(true) => return self.set_kind(id, Kind::True),
            Value::Bool(false) => return self.set_kind(id, Kind::False),
            Value::Object(map) => map,
            _ => return Err(format!("the schema at '#{pointer}' is not an object")),
        };
        let id_keyword = if doc.draft == Draft::Draft4 {
            "id"
        } else {
            "$id"
        };
        let text = |key: &str| map.get(key).and_then(Value::as_str).map(str::to_string);
        let node = &mut self.nodes[id];
        node.id = text(id_keyword);
        node.title = text("title");
        node.description = text("description");
        node.default = map.get("default").cloned();
        node.connect_type = text("connect.type");

        let kind = match map.get("$ref").and_then(Value::as_str) {
            Some(reference) => Kind::Reference(self.resolve(document, reference)?),
            None => self.load_keywords(document, &pointer, map, doc.draft)?,
        };
        self.set_kind(id, kind)
    }

    fn set_kind(&mut self, id: NodeId, kind: Kind) -> Result<(), String> {
        self.nodes[id].kind = kind;
        Ok(())
    }

    /// everit's extractors, in their order: enum, allOf/anyOf/oneOf, not, const, type, then
    /// keyword groups sniffed among the keywords no explicit type consumed, then if/then/else.
    fn load_keywords(
        &mut self,
        document: usize,
        pointer: &str,
        map: &Map<String, Value>,
        draft: Draft,
    ) -> Result<Kind, String> {
        let mut found: Vec<Kind> = Vec::new();
        if let Some(Value::Array(values)) = map.get("enum") {
            found.push(Kind::Enum(values.clone()));
        }
        for criterion in [Criterion::All, Criterion::Any, Criterion::One] {
            if let Some(Value::Array(items)) = map.get(criterion.keyword()) {
                let subschemas = (0..items.len())
                    .map(|i| {
                        self.node_for(document, format!("{pointer}/{}/{i}", criterion.keyword()))
                    })
                    .collect();
                found.push(Kind::Combined(criterion, subschemas));
            }
        }
        if map.contains_key("not") {
            found.push(Kind::Not(self.node_for(document, format!("{pointer}/not"))));
        }
        if draft != Draft::Draft4 {
            if let Some(value) = map.get("const") {
                found.push(Kind::Const(value.clone()));
            }
        }
        let mut consumed: Vec<Group> = Vec::new();
        match map.get("type") {
            Some(Value::String(name)) => {
                found.push(self.explicit_type(
                    name,
                    document,
                    pointer,
                    map,
                    draft,
                    &mut consumed,
                )?);
            }
            Some(Value::Array(names)) => {
                let mut parts = Vec::new();
                for name in names.iter().filter_map(Value::as_str) {
                    let kind =
                        self.explicit_type(name, document, pointer, map, draft, &mut consumed)?;
                    parts.push(kind);
                }
                let combined = self.synthetic(parts, document, pointer);
                found.push(Kind::Combined(Criterion::Any, combined));
            }
            _ => {}
        }
        for (group, keywords) in [
            (Group::Array, ARRAY_KEYWORDS),
            (Group::Object, OBJECT_KEYWORDS),
            (Group::Number, NUMBER_KEYWORDS),
            (Group::String, STRING_KEYWORDS),
        ] {
            if !consumed.contains(&group) && keywords.iter().any(|k| map.contains_key(*k)) {
                found.push(self.group(group, document, pointer, map, draft));
            }
        }
        if draft != Draft::Draft4 && draft != Draft::Draft6 && map.contains_key("if") {
            found.push(Kind::Conditional);
        }
        Ok(match found.len() {
            0 => Kind::Empty,
            1 => found.remove(0),
            _ => Kind::Combined(Criterion::All, self.synthetic(found, document, pointer)),
        })
    }

    fn synthetic(&mut self, kinds: Vec<Kind>, document: usize, pointer: &str) -> Vec<NodeId> {
        kinds
            .into_iter()
            .enumerate()
            .map(|(i, kind)| self.push(kind, document, pointer.to_string(), Some(i)))
            .collect()
    }

    fn explicit_type(
        &mut self,
        name: &str,
        document: usize,
        pointer: &str,
        map: &Map<String, Value>,
        draft: Draft,
        consumed: &mut Vec<Group>,
    ) -> Result<Kind, String> {
        let group = match name {
            "string" => Group::String,
            "integer" | "number" => Group::Number,
            "array" => Group::Array,
            "object" => Group::Object,
            "boolean" => return Ok(Kind::Boolean),
            "null" => return Ok(Kind::Null),
            other => return Err(format!("unknown type '{other}' at '#{pointer}'")),
        };
        consumed.push(group);
        let mut kind = self.group(group, document, pointer, map, draft);
        if let Kind::Number(rules) = &mut kind {
            rules.requires_integer = name == "integer";
        }
        Ok(kind)
    }
}
