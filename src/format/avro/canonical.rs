//! The canonical text: Java's compact `Schema.toString()` (Avro 1.11/1.12), which the Confluent
//! registry stores as `canonicalString()`. Key order, namespace elision and name references
//! follow Java's `toJson` so that equal schemas get equal text, and so one id.

use std::collections::HashSet;

use super::json::{write_str, write_value};
use super::{AvroSchema, Field, Kind, Name, NodeId, Order};

/// Writes the schema rooted at `root`; the dependencies' types are written as name references.
pub(super) fn write(schema: &AvroSchema, root: NodeId) -> String {
    write_with_known(
        schema,
        root,
        schema.dependency_names.iter().cloned().collect(),
    )
}

/// Writes the schema rooted at `root` with every named type inlined once, as Java's plain
/// `Schema.toString()` does.
pub(super) fn write_inline(schema: &AvroSchema, root: NodeId) -> String {
    write_with_known(schema, root, HashSet::new())
}

fn write_with_known(schema: &AvroSchema, root: NodeId, known: HashSet<String>) -> String {
    let mut writer = Writer {
        schema,
        known,
        out: String::new(),
    };
    writer.node(root, None);
    writer.out
}

struct Writer<'a> {
    schema: &'a AvroSchema,
    /// Full names already written once: later occurrences are written as references.
    known: HashSet<String>,
    out: String,
}

impl Writer<'_> {
    fn node(&mut self, id: NodeId, space: Option<&str>) {
        let node = self.schema.node(id);
        match &node.kind {
            Kind::Primitive(p) if node.props.is_empty() => write_str(&mut self.out, p.name()),
            Kind::Primitive(p) => {
                self.out.push_str("{\"type\":");
                write_str(&mut self.out, p.name());
                self.props(id);
                self.out.push('}');
            }
            Kind::Array(items) | Kind::Map(items) => {
                let (type_name, key) = match node.kind {
                    Kind::Array(_) => ("array", "items"),
                    _ => ("map", "values"),
                };
                self.out
                    .push_str(&format!("{{\"type\":\"{type_name}\",\"{key}\":"));
                self.node(*items, space);
                self.props(id);
                self.out.push('}');
            }
            Kind::Union(branches) => {
                self.out.push('[');
                for (i, branch) in branches.iter().enumerate() {
                    if i > 0 {
                        self.out.push(',');
                    }
                    self.node(*branch, space);
                }
                self.out.push(']');
            }
            Kind::Record(record) => {
                if self.reference(&record.name, space) {
                    return;
                }
                let type_name = if record.is_error { "error" } else { "record" };
                self.named_header(type_name, &record.name, space, record.doc.as_deref());
                self.out.push_str(",\"fields\":[");
                for (i, field) in record.fields.iter().enumerate() {
                    if i > 0 {
                        self.out.push(',');
                    }
                    self.field(field, record.name.space.as_deref());
                }
                self.out.push(']');
                self.props(id);
                self.aliases(&record.aliases, &record.name);
                self.out.push('}');
            }
            Kind::Enum(enumeration) => {
                if self.reference(&enumeration.name, space) {
                    return;
                }
                self.named_header("enum", &enumeration.name, space, enumeration.doc.as_deref());
                self.out.push_str(",\"symbols\":");
                write_value(&mut self.out, &enumeration.symbols.clone().into());
                if let Some(default) = &enumeration.default {
                    self.out.push_str(",\"default\":");
                    write_str(&mut self.out, default);
                }
                self.props(id);
                self.aliases(&enumeration.aliases, &enumeration.name);
                self.out.push('}');
            }
            Kind::Fixed(fixed) => {
                if self.reference(&fixed.name, space) {
                    return;
                }
                self.named_header("fixed", &fixed.name, space, fixed.doc.as_deref());
                self.out.push_str(&format!(",\"size\":{}", fixed.size));
                self.props(id);
                self.aliases(&fixed.aliases, &fixed.name);
                self.out.push('}');
            }
        }
    }

    /// Writes a name reference when the type was already written (Java's `writeNameRef`).
    fn reference(&mut self, name: &Name, space: Option<&str>) -> bool {
        if self.known.insert(name.full()) {
            return false;
        }
        write_str(&mut self.out, &name.qualified(space));
        true
    }

    /// Writes `{"type":…,"name":…[,"namespace":…][,"doc":…]` as Java's `writeName` does.
    fn named_header(
        &mut self,
        type_name: &str,
        name: &Name,
        space: Option<&str>,
        doc: Option<&str>,
    ) {
        self.out
            .push_str(&format!("{{\"type\":\"{type_name}\",\"name\":"));
        write_str(&mut self.out, &name.name);
        match (&name.space, space) {
            (Some(own), enclosing) if Some(own.as_str()) != enclosing => {
                self.out.push_str(",\"namespace\":");
                write_str(&mut self.out, own);
            }
            (None, Some(_)) => self.out.push_str(",\"namespace\":\"\""),
            _ => {}
        }
        if let Some(doc) = doc {
            self.out.push_str(",\"doc\":");
            write_str(&mut self.out, doc);
        }
    }

    fn field(&mut self, field: &Field, space: Option<&str>) {
        self.out.push_str("{\"name\":");
        write_str(&mut self.out, &field.name);
        self.out.push_str(",\"type\":");
        self.node(field.schema, space);
        if let Some(doc) = &field.doc {
            self.out.push_str(",\"doc\":");
            write_str(&mut self.out, doc);
        }
        if let Some(default) = &field.default {
            self.out.push_str(",\"default\":");
            write_value(&mut self.out, default);
        }
        if field.order != Order::Ascending {
            self.out
                .push_str(&format!(",\"order\":\"{}\"", field.order.name()));
        }
        if !field.aliases.is_empty() {
            self.out.push_str(",\"aliases\":");
            write_value(&mut self.out, &field.aliases.clone().into());
        }
        for (key, value) in &field.props {
            self.out.push(',');
            write_str(&mut self.out, key);
            self.out.push(':');
            write_value(&mut self.out, value);
        }
        self.out.push('}');
    }

    fn props(&mut self, id: NodeId) {
        for (key, value) in &self.schema.node(id).props {
            self.out.push(',');
            write_str(&mut self.out, key);
            self.out.push(':');
            write_value(&mut self.out, value);
        }
    }

    fn aliases(&mut self, aliases: &[Name], name: &Name) {
        if aliases.is_empty() {
            return;
        }
        let written: Vec<String> = aliases
            .iter()
            .map(|alias| alias.qualified(name.space.as_deref()))
            .collect();
        self.out.push_str(",\"aliases\":");
        write_value(&mut self.out, &written.into());
    }
}
