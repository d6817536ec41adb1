//! The schema graph the compatibility check walks, loaded as Confluent's everit `SchemaLoader`
//! loads a document: each keyword group becomes a typed schema (`type: "string"` → string
//! schema, `enum` → enum schema, ...), a document with several groups becomes a synthetic
//! `allOf` of them, a `type` array becomes a synthetic `anyOf`, and keywords without a `type`
//! are sniffed into a schema of their group. A `$ref` is a node that points at its target.
//!
//! Loading is iterative (a work queue, no recursion), and nodes are keyed by document and JSON
//! pointer, so a recursive schema loads into a finite graph. This file holds the graph and the
//! entry point; `load.rs` is the loader, `rules.rs` turns keyword groups into rules and
//! `reference.rs` resolves `$ref`s.

mod load;
mod reference;
mod rules;

use std::collections::{HashMap, VecDeque};

use serde_json::Value;

use super::parse::Draft;
use load::Loader;

pub(super) type NodeId = usize;

/// The loaded graph: the nodes of the main schema and of the dependencies it reaches.
#[derive(Debug, Clone)]
pub(super) struct Model {
    pub(super) nodes: Vec<Node>,
    pub(super) root: NodeId,
    documents: Vec<Value>,
}

impl Model {
    pub(super) fn node(&self, id: NodeId) -> &Node {
        &self.nodes[id]
    }

    /// Follows `$ref` nodes to the schema they stand for (Confluent's `normalizeSchema`).
    pub(super) fn deref(&self, mut id: NodeId) -> NodeId {
        for _ in 0..self.nodes.len() {
            match self.nodes[id].kind {
                Kind::Reference(target) => id = target,
                _ => return id,
            }
        }
        id
    }

    /// The JSON a node was loaded from, with the part index of a synthetic subschema; two
    /// subschemas with the same source are equal, as Confluent's `JsonSchema.equals` finds.
    pub(super) fn source(&self, id: NodeId) -> (Option<&Value>, Option<usize>) {
        let node = &self.nodes[id];
        let value = self
            .documents
            .get(node.document)
            .and_then(|doc| doc.pointer(&node.pointer));
        (value, node.part)
    }
}

/// One schema: its keyword group and the annotations every everit schema carries.
#[derive(Debug, Clone)]
pub(super) struct Node {
    pub(super) kind: Kind,
    pub(super) id: Option<String>,
    pub(super) title: Option<String>,
    pub(super) description: Option<String>,
    pub(super) default: Option<Value>,
    /// The `connect.type` annotation Kafka Connect writes (`bytes` fields may change type).
    pub(super) connect_type: Option<String>,
    document: usize,
    pointer: String,
    /// For a synthetic subschema, its index within the synthetic combination.
    part: Option<usize>,
}

#[derive(Debug, Clone)]
pub(super) enum Kind {
    Empty,
    True,
    False,
    Reference(NodeId),
    String(StringRules),
    Number(NumberRules),
    Boolean,
    Null,
    Enum(Vec<Value>),
    Const(Value),
    Combined(Criterion, Vec<NodeId>),
    Not(NodeId),
    Object(ObjectRules),
    Array(ArrayRules),
    Conditional,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Criterion {
    All,
    Any,
    One,
}

impl Criterion {
    pub(super) fn keyword(self) -> &'static str {
        match self {
            Criterion::All => "allOf",
            Criterion::Any => "anyOf",
            Criterion::One => "oneOf",
        }
    }
}

#[derive(Debug, Clone, Default)]
pub(super) struct StringRules {
    pub(super) max_length: Option<f64>,
    pub(super) min_length: Option<f64>,
    pub(super) pattern: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub(super) struct NumberRules {
    pub(super) requires_integer: bool,
    pub(super) maximum: Option<f64>,
    pub(super) minimum: Option<f64>,
    pub(super) exclusive_maximum: Option<f64>,
    pub(super) exclusive_minimum: Option<f64>,
    pub(super) multiple_of: Option<f64>,
}

#[derive(Debug, Clone, Default)]
pub(super) struct ObjectRules {
    pub(super) properties: Vec<(String, NodeId)>,
    pub(super) required: Vec<String>,
    pub(super) permits_additional: bool,
    pub(super) additional_schema: Option<NodeId>,
    pub(super) pattern_properties: Vec<(String, NodeId)>,
    pub(super) property_dependencies: Vec<(String, Vec<String>)>,
    pub(super) schema_dependencies: Vec<(String, NodeId)>,
    pub(super) max_properties: Option<f64>,
    pub(super) min_properties: Option<f64>,
}

impl ObjectRules {
    pub(super) fn property(&self, name: &str) -> Option<NodeId> {
        self.properties
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, id)| *id)
    }
}

#[derive(Debug, Clone, Default)]
pub(super) struct ArrayRules {
    pub(super) all_items: Option<NodeId>,
    pub(super) item_schemas: Vec<NodeId>,
    pub(super) permits_additional: bool,
    pub(super) additional_schema: Option<NodeId>,
    pub(super) max_items: Option<f64>,
    pub(super) min_items: Option<f64>,
    pub(super) unique_items: bool,
}

/// A document the main schema may reach: itself or one of its dependencies.
pub(super) struct Document {
    pub(super) value: Value,
    pub(super) draft: Draft,
    /// The URLs by which a `$ref` names this document.
    pub(super) names: Vec<String>,
    /// The base against which this document's relative `$ref`s resolve.
    pub(super) base: Option<String>,
}

/// Loads the graph of `documents[0]`, resolving `$ref`s into the other documents.
pub(super) fn load(documents: Vec<Document>) -> Result<Model, String> {
    let mut loader = Loader {
        documents: &documents,
        nodes: Vec::new(),
        index: HashMap::new(),
        queue: VecDeque::new(),
    };
    let root = loader.node_for(0, String::new());
    while let Some(id) = loader.queue.pop_front() {
        loader.load(id)?;
    }
    let nodes = loader.nodes;
    let model = Model {
        nodes,
        root,
        documents: documents.into_iter().map(|d| d.value).collect(),
    };
    for id in 0..model.nodes.len() {
        if let Kind::Reference(_) = model.node(model.deref(id)).kind {
            return Err(format!(
                "$ref at '#{}' only refers to itself",
                model.nodes[id].pointer
            ));
        }
    }
    Ok(model)
}

/// Resolves a relative URL against a base URL (enough for the names registries use).
pub(super) fn join(base: Option<&str>, relative: &str) -> String {
    let is_absolute = relative.contains("://") || relative.starts_with("urn:");
    match base {
        Some(base) if !is_absolute => match base.rfind('/') {
            Some(at) => format!("{}{relative}", &base[..=at]),
            None => relative.to_string(),
        },
        _ => relative.to_string(),
    }
}
