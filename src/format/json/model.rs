//! The schema graph the compatibility check walks, loaded as Confluent's everit `SchemaLoader`
//! loads a document: each keyword group becomes a typed schema (`type: "string"` → string
//! schema, `enum` → enum schema, ...), a document with several groups becomes a synthetic
//! `allOf` of them, a `type` array becomes a synthetic `anyOf`, and keywords without a `type`
//! are sniffed into a schema of their group. A `$ref` is a node that points at its target.
//!
//! Loading is iterative (a work queue, no recursion), and nodes are keyed by document and JSON
//! pointer, so a recursive schema loads into a finite graph.

use std::collections::{HashMap, VecDeque};

use serde_json::{Map, Value};

use super::parse::Draft;

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

const ARRAY_KEYWORDS: &[&str] = &[
    "items",
    "additionalItems",
    "minItems",
    "maxItems",
    "uniqueItems",
    "contains",
    "prefixItems",
];
const OBJECT_KEYWORDS: &[&str] = &[
    "properties",
    "required",
    "minProperties",
    "maxProperties",
    "dependencies",
    "patternProperties",
    "additionalProperties",
    "propertyNames",
    "dependentRequired",
    "dependentSchemas",
];
const NUMBER_KEYWORDS: &[&str] = &[
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "multipleOf",
];
const STRING_KEYWORDS: &[&str] = &["minLength", "maxLength", "pattern", "format"];

#[derive(Clone, Copy, PartialEq, Eq)]
enum Group {
    Array,
    Object,
    Number,
    String,
}

struct Loader<'d> {
    documents: &'d [Document],
    nodes: Vec<Node>,
    index: HashMap<(usize, String), NodeId>,
    queue: VecDeque<NodeId>,
}

impl<'d> Loader<'d> {
    /// Returns the node of the schema at `pointer` in `document`, queueing it if new.
    fn node_for(&mut self, document: usize, pointer: String) -> NodeId {
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

    fn load(&mut self, id: NodeId) -> Result<(), String> {
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

    fn group(
        &mut self,
        group: Group,
        document: usize,
        pointer: &str,
        map: &Map<String, Value>,
        draft: Draft,
    ) -> Kind {
        let number = |key: &str| map.get(key).and_then(Value::as_f64);
        match group {
            Group::String => Kind::String(StringRules {
                max_length: number("maxLength"),
                min_length: number("minLength"),
                pattern: map
                    .get("pattern")
                    .and_then(Value::as_str)
                    .map(str::to_string),
            }),
            Group::Number => Kind::Number(NumberRules {
                requires_integer: false,
                maximum: number("maximum"),
                minimum: number("minimum"),
                // Draft 4's boolean exclusiveMaximum only flags `maximum`; everit has no limit.
                exclusive_maximum: number("exclusiveMaximum"),
                exclusive_minimum: number("exclusiveMinimum"),
                multiple_of: number("multipleOf"),
            }),
            Group::Object => Kind::Object(self.object_rules(document, pointer, map, draft)),
            Group::Array => Kind::Array(self.array_rules(document, pointer, map, draft)),
        }
    }

    fn object_rules(
        &mut self,
        document: usize,
        pointer: &str,
        map: &Map<String, Value>,
        draft: Draft,
    ) -> ObjectRules {
        let mut rules = ObjectRules {
            permits_additional: true,
            max_properties: map.get("maxProperties").and_then(Value::as_f64),
            min_properties: map.get("minProperties").and_then(Value::as_f64),
            ..ObjectRules::default()
        };
        if let Some(Value::Object(properties)) = map.get("properties") {
            for key in properties.keys() {
                let child = format!("{pointer}/properties/{}", escape(key));
                rules
                    .properties
                    .push((key.clone(), self.node_for(document, child)));
            }
        }
        if let Some(Value::Array(required)) = map.get("required") {
            rules.required = required
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect();
        }
        match map.get("additionalProperties") {
            Some(Value::Bool(permits)) => rules.permits_additional = *permits,
            Some(Value::Object(_)) => {
                let child = format!("{pointer}/additionalProperties");
                rules.additional_schema = Some(self.node_for(document, child));
            }
            _ => {}
        }
        if let Some(Value::Object(patterns)) = map.get("patternProperties") {
            for key in patterns.keys() {
                let child = format!("{pointer}/patternProperties/{}", escape(key));
                rules
                    .pattern_properties
                    .push((key.clone(), self.node_for(document, child)));
            }
        }
        let mut dependency_keywords = vec![("dependencies", true, true)];
        if matches!(draft, Draft::Draft201909 | Draft::Draft202012) {
            dependency_keywords.push(("dependentRequired", true, false));
            dependency_keywords.push(("dependentSchemas", false, true));
        }
        for (keyword, arrays, schemas) in dependency_keywords {
            let Some(Value::Object(dependencies)) = map.get(keyword) else {
                continue;
            };
            for (key, value) in dependencies {
                match value {
                    Value::Array(names) if arrays => rules.property_dependencies.push((
                        key.clone(),
                        names
                            .iter()
                            .filter_map(Value::as_str)
                            .map(str::to_string)
                            .collect(),
                    )),
                    Value::Object(_) | Value::Bool(_) if schemas => {
                        let child = format!("{pointer}/{keyword}/{}", escape(key));
                        rules
                            .schema_dependencies
                            .push((key.clone(), self.node_for(document, child)));
                    }
                    _ => {}
                }
            }
        }
        rules
    }

    fn array_rules(
        &mut self,
        document: usize,
        pointer: &str,
        map: &Map<String, Value>,
        draft: Draft,
    ) -> ArrayRules {
        let mut rules = ArrayRules {
            permits_additional: true,
            max_items: map.get("maxItems").and_then(Value::as_f64),
            min_items: map.get("minItems").and_then(Value::as_f64),
            unique_items: map
                .get("uniqueItems")
                .and_then(Value::as_bool)
                .unwrap_or(false),
            ..ArrayRules::default()
        };
        // Draft 2020-12 spells a tuple `prefixItems` and its additional items `items`.
        let (tuple_keyword, additional_keyword) =
            if draft == Draft::Draft202012 && map.contains_key("prefixItems") {
                ("prefixItems", "items")
            } else {
                ("items", "additionalItems")
            };
        match map.get(tuple_keyword) {
            Some(Value::Array(items)) => {
                rules.item_schemas = (0..items.len())
                    .map(|i| self.node_for(document, format!("{pointer}/{tuple_keyword}/{i}")))
                    .collect();
            }
            Some(_) if tuple_keyword == "items" => {
                rules.all_items = Some(self.node_for(document, format!("{pointer}/items")));
            }
            _ => {}
        }
        match map.get(additional_keyword) {
            Some(Value::Bool(permits)) => rules.permits_additional = *permits,
            Some(Value::Object(_)) => {
                let child = format!("{pointer}/{additional_keyword}");
                rules.additional_schema = Some(self.node_for(document, child));
            }
            _ => {}
        }
        rules
    }

    /// Resolves `reference`, written in `document`, to the node of its target.
    fn resolve(&mut self, document: usize, reference: &str) -> Result<NodeId, String> {
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

fn escape(key: &str) -> String {
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
