//! The model the JSON Schema writers share: named types found by walking the schema, with each
//! `$ref` target named once.

use std::collections::HashMap;

use serde_json::{Map, Value};

use crate::codegen::names::pascal;
use crate::codegen::{Contract, Refusal};

mod objects;

/// How deep the walk follows nested schemas before it refuses the schema.
const MAX_DEPTH: usize = 64;

/// A type in the model.
#[derive(Debug, Clone, PartialEq)]
pub(in crate::codegen) enum Ty {
    Any,
    Null,
    Bool,
    Integer {
        minimum: Option<i64>,
    },
    Number {
        minimum: Option<f64>,
    },
    String {
        format: Option<String>,
        min_length: u64,
    },
    Array(Box<Ty>),
    Map(Box<Ty>),
    Named(String),
    Union(Vec<Ty>),
    Literal(Value),
}

/// A property of an object type.
#[derive(Debug, Clone)]
pub(in crate::codegen) struct Prop {
    pub name: String,
    pub ty: Ty,
    pub required: bool,
    pub doc: Option<String>,
}

/// What a named type is.
#[derive(Debug, Clone)]
pub(in crate::codegen) enum NamedKind {
    Object {
        props: Vec<Prop>,
        /// Constraints the model does not carry, for the writers' comments.
        notes: Vec<String>,
    },
    Enum(Vec<String>),
}

/// A named type: an object or a string enum.
#[derive(Debug, Clone)]
pub(in crate::codegen) struct Named {
    pub name: String,
    pub doc: Option<String>,
    pub kind: NamedKind,
}

/// The named types of a schema and its references; the first is the root.
#[derive(Debug, Default)]
pub(in crate::codegen) struct Model {
    pub types: Vec<Named>,
    /// The root's own type, when it is not a named one (an array, say).
    pub root_ty: Option<Ty>,
    /// The documents: the schema (index 0), then each reference by name.
    docs: Vec<(String, Value)>,
    /// Named type by (document, JSON pointer).
    named: HashMap<(usize, String), String>,
}

impl Model {
    /// Reads `contract`'s schema and references into a model.
    pub fn load(contract: Contract<'_>) -> Result<Model, Refusal> {
        let parse = |text: &str| {
            serde_json::from_str::<Value>(text)
                .map_err(|err| Refusal::Invalid(format!("the JSON schema does not parse: {err}")))
        };
        let mut model = Model::default();
        model.docs.push((String::new(), parse(contract.schema)?));
        for dep in contract.deps {
            model.docs.push((dep.name.clone(), parse(&dep.schema)?));
        }
        let root = model.docs[0].1.clone();
        let name = title(&root).unwrap_or_else(|| "Root".to_string());
        let ty = model.ty(0, "", &root, &name, 0)?;
        if !matches!(ty, Ty::Named(_)) {
            model.root_ty = Some(ty);
        }
        Ok(model)
    }

    /// Returns the root named type, when the root is an object or an enum.
    pub fn root(&self) -> Option<&Named> {
        match self.root_ty {
            None => self.types.first(),
            Some(_) => None,
        }
    }

    /// Returns the root document's `$id`, when it has one.
    pub fn root_id(&self) -> Option<&str> {
        self.docs.first()?.1.get("$id")?.as_str()
    }

    /// Returns the named type called `name`.
    pub fn named(&self, name: &str) -> Option<&Named> {
        self.types.iter().find(|t| t.name == name)
    }

    /// Returns the document and pointer a `$ref` written in document `doc` points at.
    fn target(&self, doc: usize, reference: &str) -> Result<(usize, String), Refusal> {
        let (location, pointer) = reference.split_once('#').unwrap_or((reference, ""));
        let doc = if location.is_empty() {
            doc
        } else {
            self.docs
                .iter()
                .position(|(name, value)| {
                    name == location
                        || value.get("$id").and_then(Value::as_str) == Some(location)
                        || (!name.is_empty() && location.ends_with(&format!("/{name}")))
                })
                .ok_or_else(|| {
                    Refusal::Invalid(format!(
                        "$ref '{reference}' names no reference of the schema"
                    ))
                })?
        };
        Ok((doc, pointer.to_string()))
    }

    fn ty(
        &mut self,
        doc: usize,
        pointer: &str,
        schema: &Value,
        name: &str,
        depth: usize,
    ) -> Result<Ty, Refusal> {
        if depth > MAX_DEPTH {
            return Err(Refusal::Invalid(format!(
                "the schema nests deeper than {MAX_DEPTH} levels"
            )));
        }
        let Some(object) = schema.as_object() else {
            return Ok(match schema {
                Value::Bool(false) => Ty::Null,
                _ => Ty::Any,
            });
        };
        if let Some(reference) = object.get("$ref").and_then(Value::as_str) {
            let (target_doc, target_pointer) = self.target(doc, reference)?;
            return self.referenced(target_doc, &target_pointer, depth);
        }
        if let Some(value) = object.get("const") {
            return Ok(Ty::Literal(value.clone()));
        }
        if let Some(Value::Array(symbols)) = object.get("enum") {
            if symbols.iter().all(Value::is_string) {
                let symbols = symbols
                    .iter()
                    .filter_map(Value::as_str)
                    .map(String::from)
                    .collect();
                return Ok(self.define(doc, pointer, name, object, NamedKind::Enum(symbols)));
            }
            return Ok(Ty::Union(
                symbols.iter().cloned().map(Ty::Literal).collect(),
            ));
        }
        if let Some(Value::Array(parts)) = object.get("allOf") {
            return self.all_of(doc, pointer, parts, name, object, depth);
        }
        for keyword in ["oneOf", "anyOf"] {
            if let Some(Value::Array(branches)) = object.get(keyword) {
                let mut tys = Vec::new();
                for (i, branch) in branches.iter().enumerate() {
                    let branch_name =
                        title(branch).unwrap_or_else(|| format!("{name}Option{}", i + 1));
                    let at = format!("{pointer}/{keyword}/{i}");
                    tys.push(self.ty(doc, &at, branch, &branch_name, depth + 1)?);
                }
                return Ok(Ty::Union(tys));
            }
        }
        match object.get("type") {
            Some(Value::Array(types)) => {
                let mut tys = Vec::new();
                for t in types.iter().filter_map(Value::as_str) {
                    let mut single = object.clone();
                    single.insert("type".to_string(), Value::String(t.to_string()));
                    tys.push(self.ty(doc, pointer, &Value::Object(single), name, depth + 1)?);
                }
                Ok(if tys.len() == 1 {
                    tys.remove(0)
                } else {
                    Ty::Union(tys)
                })
            }
            Some(Value::String(t)) => self.typed(doc, pointer, t, object, name, depth),
            _ if object.contains_key("properties") => {
                self.typed(doc, pointer, "object", object, name, depth)
            }
            _ => Ok(Ty::Any),
        }
    }

    fn typed(
        &mut self,
        doc: usize,
        pointer: &str,
        t: &str,
        object: &Map<String, Value>,
        name: &str,
        depth: usize,
    ) -> Result<Ty, Refusal> {
        Ok(match t {
            "null" => Ty::Null,
            "boolean" => Ty::Bool,
            "integer" => Ty::Integer {
                minimum: object
                    .get("minimum")
                    .and_then(Value::as_f64)
                    .map(|m| m.ceil() as i64),
            },
            "number" => Ty::Number {
                minimum: object.get("minimum").and_then(Value::as_f64),
            },
            "string" => Ty::String {
                format: object
                    .get("format")
                    .and_then(Value::as_str)
                    .map(String::from),
                min_length: object.get("minLength").and_then(Value::as_u64).unwrap_or(0),
            },
            "array" => {
                let items = object.get("items").cloned().unwrap_or(Value::Bool(true));
                let item_name = title(&items).unwrap_or_else(|| format!("{name}Item"));
                Ty::Array(Box::new(self.ty(
                    doc,
                    &format!("{pointer}/items"),
                    &items,
                    &item_name,
                    depth + 1,
                )?))
            }
            "object" => {
                let has_properties = object
                    .get("properties")
                    .and_then(Value::as_object)
                    .is_some_and(|p| !p.is_empty());
                if !has_properties {
                    if let Some(values) =
                        object.get("additionalProperties").filter(|v| v.is_object())
                    {
                        let value_name = format!("{name}Value");
                        let at = format!("{pointer}/additionalProperties");
                        return Ok(Ty::Map(Box::new(self.ty(
                            doc,
                            &at,
                            values,
                            &value_name,
                            depth + 1,
                        )?)));
                    }
                }
                let key = (doc, pointer.to_string());
                if let Some(existing) = self.named.get(&key) {
                    return Ok(Ty::Named(existing.clone()));
                }
                let unique = self.unique(name);
                self.named.insert(key, unique.clone());
                let index = self.types.len();
                self.types.push(Named {
                    name: unique.clone(),
                    doc: description(object),
                    kind: NamedKind::Enum(Vec::new()),
                });
                let (props, notes) = self.props(doc, pointer, object, &unique, depth)?;
                self.types[index].kind = NamedKind::Object { props, notes };
                Ty::Named(unique)
            }
            _ => Ty::Any,
        })
    }

    fn referenced(&mut self, doc: usize, pointer: &str, depth: usize) -> Result<Ty, Refusal> {
        let key = (doc, pointer.to_string());
        if let Some(existing) = self.named.get(&key) {
            return Ok(Ty::Named(existing.clone()));
        }
        let target = self.at(doc, pointer)?;
        let name = title(&target).unwrap_or_else(|| {
            let last = pointer.rsplit('/').next().filter(|s| !s.is_empty());
            let stem = self.docs[doc]
                .0
                .rsplit('/')
                .next()
                .unwrap_or("")
                .split('.')
                .next()
                .unwrap_or("")
                .to_string();
            pascal(last.unwrap_or(if stem.is_empty() { "Root" } else { &stem }))
        });
        self.ty(doc, pointer, &target, &name, depth + 1)
    }

    fn at(&self, doc: usize, pointer: &str) -> Result<Value, Refusal> {
        self.docs[doc]
            .1
            .pointer(pointer)
            .cloned()
            .ok_or_else(|| Refusal::Invalid(format!("$ref target '#{pointer}' does not exist")))
    }

    fn define(
        &mut self,
        doc: usize,
        pointer: &str,
        name: &str,
        object: &Map<String, Value>,
        kind: NamedKind,
    ) -> Ty {
        let key = (doc, pointer.to_string());
        if let Some(existing) = self.named.get(&key) {
            return Ty::Named(existing.clone());
        }
        let unique = self.unique(name);
        self.named.insert(key, unique.clone());
        self.types.push(Named {
            name: unique.clone(),
            doc: description(object),
            kind,
        });
        Ty::Named(unique)
    }

    fn unique(&self, name: &str) -> String {
        let base = pascal(name);
        let base = if base.is_empty() || base.starts_with(|c: char| c.is_ascii_digit()) {
            format!("T{base}")
        } else {
            base
        };
        let mut candidate = base.clone();
        let mut n = 2;
        while self.types.iter().any(|t| t.name == candidate) {
            candidate = format!("{base}{n}");
            n += 1;
        }
        candidate
    }
}

pub(super) fn title(schema: &Value) -> Option<String> {
    schema
        .get("title")
        .and_then(Value::as_str)
        .map(pascal)
        .filter(|t| !t.is_empty())
}

pub(super) fn description(object: &Map<String, Value>) -> Option<String> {
    object
        .get("description")
        .and_then(Value::as_str)
        .map(String::from)
}

pub(super) fn escape_pointer(segment: &str) -> String {
    segment.replace('~', "~0").replace('/', "~1")
}
