//! Avro: parsing with references, the canonical text the registry stores, Confluent's
//! normalized form, and Apache Avro's reader/writer compatibility check.
//!
//! The schema is parsed into an arena that mirrors Java's object graph: a named type is one node
//! shared by every reference to it, an unnamed type is a fresh node at each occurrence. Canonical
//! text, normalization and the compatibility check walk that arena the way Java's `Schema`,
//! Confluent's `AvroSchemaUtils` and `SchemaCompatibility` walk their objects. Pure: no IO.

mod canonical;
mod compat;
mod cross_check;
mod defaults;
mod incompatibility;
mod json;
mod names;
mod normalize;
mod parse;

#[cfg(test)]
mod tests;

use serde_json::Value;

use super::{Dependency, ReaderIs};

/// A parsed Avro schema, with the named types of its dependencies resolved.
#[derive(Debug, Clone)]
pub struct AvroSchema {
    nodes: Vec<Node>,
    root: NodeId,
    /// Full names of the dependencies' top-level types: written as references, never inlined.
    dependency_names: Vec<String>,
    dependencies: Vec<Dependency>,
    canonical: String,
    /// Why field defaults are invalid: Confluent registers such a schema, but not normalized.
    invalid_defaults: Vec<String>,
    /// What Java accepts but other readers or code generators may not.
    warnings: Vec<String>,
}

impl AvroSchema {
    /// Returns the text the registry stores and serves: Java's compact `Schema.toString()`.
    pub fn canonical(&self) -> String {
        self.canonical.clone()
    }

    /// Returns what the stricter checks find: invalid field defaults (Java's
    /// `Schema.isValidDefault`), then what Java accepts but other languages may not.
    pub fn warnings(&self) -> Vec<String> {
        self.invalid_defaults
            .iter()
            .chain(&self.warnings)
            .cloned()
            .collect()
    }

    fn node(&self, id: NodeId) -> &Node {
        &self.nodes[id]
    }
}

/// Parses `text` as an Avro schema whose named types may come from `deps`, in dependency order.
///
/// The error is a human-readable reason naming the offending type, field or name.
pub fn parse(text: &str, deps: &[Dependency]) -> Result<AvroSchema, String> {
    parse::parse_with_dependencies(text, deps)
}

/// Returns Confluent's normalized text for `schema` (`normalize=true`). Normalizing validates
/// the field defaults, as Confluent's does: the error is the first invalid one.
pub fn normalize(schema: &AvroSchema) -> Result<String, String> {
    match schema.invalid_defaults.first() {
        Some(reason) => Err(reason.clone()),
        None => Ok(normalize::normalize(schema)),
    }
}

/// Returns why `reader` cannot read data written with `writer`, in Confluent's verbose form;
/// empty when it can.
pub fn can_read(reader: &AvroSchema, writer: &AvroSchema, reader_is: ReaderIs) -> Vec<String> {
    compat::can_read(reader, writer, reader_is)
}

/// An index into [`AvroSchema::nodes`].
type NodeId = usize;

/// One schema node; `props` are the non-reserved attributes, in source order.
#[derive(Debug, Clone)]
struct Node {
    kind: Kind,
    props: Vec<(String, Value)>,
}

#[derive(Debug, Clone)]
enum Kind {
    Primitive(Primitive),
    Record(Record),
    Enum(Enum),
    Fixed(Fixed),
    Array(NodeId),
    Map(NodeId),
    Union(Vec<NodeId>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Primitive {
    Null,
    Boolean,
    Int,
    Long,
    Float,
    Double,
    Bytes,
    String,
}

impl Primitive {
    fn from_name(name: &str) -> Option<Self> {
        Some(match name {
            "null" => Primitive::Null,
            "boolean" => Primitive::Boolean,
            "int" => Primitive::Int,
            "long" => Primitive::Long,
            "float" => Primitive::Float,
            "double" => Primitive::Double,
            "bytes" => Primitive::Bytes,
            "string" => Primitive::String,
            _ => return None,
        })
    }

    fn name(self) -> &'static str {
        match self {
            Primitive::Null => "null",
            Primitive::Boolean => "boolean",
            Primitive::Int => "int",
            Primitive::Long => "long",
            Primitive::Float => "float",
            Primitive::Double => "double",
            Primitive::Bytes => "bytes",
            Primitive::String => "string",
        }
    }
}

/// A (possibly namespaced) name, split as Java's `Schema.Name` splits it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Name {
    name: String,
    space: Option<String>,
}

impl Name {
    fn full(&self) -> String {
        match &self.space {
            Some(space) => format!("{space}.{}", self.name),
            None => self.name.clone(),
        }
    }

    /// Java's `getAliases()` entry for this alias of `owner`: the full name, or `.name` for a
    /// global alias of a namespaced type.
    fn as_alias_of(&self, owner: &Name) -> String {
        match (&self.space, &owner.space) {
            (None, Some(_)) => format!(".{}", self.name),
            _ => self.full(),
        }
    }

    /// The name as written relative to `namespace` (Java's `Name.getQualified`).
    fn qualified(&self, namespace: Option<&str>) -> String {
        let same_space = self.space.is_some() && self.space.as_deref() == namespace;
        if same_space && !is_type_name(&self.name) {
            self.name.clone()
        } else {
            self.full()
        }
    }
}

/// Whether `name` is the name of one of Avro's types, which Java always writes fully qualified.
fn is_type_name(name: &str) -> bool {
    Primitive::from_name(name).is_some()
        || matches!(
            name,
            "record" | "enum" | "array" | "map" | "union" | "fixed"
        )
}

#[derive(Debug, Clone)]
struct Record {
    name: Name,
    doc: Option<String>,
    fields: Vec<Field>,
    aliases: Vec<Name>,
    is_error: bool,
}

#[derive(Debug, Clone)]
struct Field {
    name: String,
    schema: NodeId,
    doc: Option<String>,
    default: Option<Value>,
    order: Order,
    aliases: Vec<String>,
    props: Vec<(String, Value)>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Order {
    Ascending,
    Descending,
    Ignore,
}

impl Order {
    fn name(self) -> &'static str {
        match self {
            Order::Ascending => "ascending",
            Order::Descending => "descending",
            Order::Ignore => "ignore",
        }
    }
}

#[derive(Debug, Clone)]
struct Enum {
    name: Name,
    doc: Option<String>,
    symbols: Vec<String>,
    default: Option<String>,
    aliases: Vec<Name>,
}

#[derive(Debug, Clone)]
struct Fixed {
    name: Name,
    doc: Option<String>,
    size: i64,
    aliases: Vec<Name>,
}

impl Kind {
    /// The name of the type, upper case, as Java's `Schema.Type` prints it in messages.
    fn type_label(&self) -> &'static str {
        match self {
            Kind::Primitive(p) => match p {
                Primitive::Null => "NULL",
                Primitive::Boolean => "BOOLEAN",
                Primitive::Int => "INT",
                Primitive::Long => "LONG",
                Primitive::Float => "FLOAT",
                Primitive::Double => "DOUBLE",
                Primitive::Bytes => "BYTES",
                Primitive::String => "STRING",
            },
            Kind::Record(_) => "RECORD",
            Kind::Enum(_) => "ENUM",
            Kind::Fixed(_) => "FIXED",
            Kind::Array(_) => "ARRAY",
            Kind::Map(_) => "MAP",
            Kind::Union(_) => "UNION",
        }
    }

    /// The name of a named type, or `None` for unnamed types.
    fn named(&self) -> Option<&Name> {
        match self {
            Kind::Record(r) => Some(&r.name),
            Kind::Enum(e) => Some(&e.name),
            Kind::Fixed(f) => Some(&f.name),
            _ => None,
        }
    }

    /// Java's `getFullName()`: the full name of a named type, else the type's own name.
    fn full_name(&self) -> String {
        match self {
            Kind::Primitive(p) => p.name().to_string(),
            Kind::Array(_) => "array".to_string(),
            Kind::Map(_) => "map".to_string(),
            Kind::Union(_) => "union".to_string(),
            named => named.named().map(Name::full).unwrap_or_default(),
        }
    }
}
