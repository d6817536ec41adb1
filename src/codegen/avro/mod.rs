//! Avro targets: the schema and its references parsed by apache-avro, every named type collected
//! once, then one writer per language (`java.rs`, `typescript.rs`, `python.rs`).

mod java;
mod java_support;
mod python;
mod python_support;
mod typescript;

use std::collections::BTreeMap;

use apache_avro::schema::{FixedSchema, InnerDecimalSchema, Name, UuidSchema};
use apache_avro::Schema;

use super::samples::{self, Sample};
use super::{Contract, File, Refusal, Target};

/// A parsed Avro schema with every named type it reaches, definitions in source order.
pub(super) struct Loaded {
    pub root: Schema,
    pub deps: Vec<Schema>,
    /// Full name → definition, for resolving `Schema::Ref`.
    named: BTreeMap<String, Schema>,
    /// Full names of the named types, in the order they are defined (dependencies first).
    pub order: Vec<String>,
    /// The schema texts as registered: the references, then the schema.
    pub texts: Vec<String>,
}

impl Loaded {
    /// Parses `contract`'s schema with its dependencies.
    pub fn parse(contract: Contract<'_>) -> Result<Self, Refusal> {
        let deps: Vec<&str> = contract.deps.iter().map(|d| d.schema.as_str()).collect();
        let (root, deps) = Schema::parse_str_with_list(contract.schema, deps)
            .map_err(|err| Refusal::Invalid(format!("the Avro schema does not parse: {err}")))?;
        let mut loaded = Loaded {
            root,
            deps,
            named: BTreeMap::new(),
            order: Vec::new(),
            texts: contract
                .deps
                .iter()
                .map(|d| d.schema.clone())
                .chain(std::iter::once(contract.schema.to_string()))
                .collect(),
        };
        for dep in loaded.deps.clone() {
            loaded.collect(&dep);
        }
        loaded.collect(&loaded.root.clone());
        Ok(loaded)
    }

    fn collect(&mut self, schema: &Schema) {
        let name = match schema {
            Schema::Record(r) => Some(&r.name),
            Schema::Enum(e) => Some(&e.name),
            other => fixed_of(other).map(|f| &f.name),
        };
        if let Some(name) = name {
            let full = full_name(name);
            if self.named.contains_key(&full) {
                return;
            }
            self.named.insert(full.clone(), schema.clone());
            self.order.push(full);
        }
        match schema {
            Schema::Record(r) => r.fields.iter().for_each(|f| self.collect(&f.schema)),
            Schema::Array(a) => self.collect(&a.items),
            Schema::Map(m) => self.collect(&m.types),
            Schema::Union(u) => u.variants().iter().for_each(|v| self.collect(v)),
            _ => {}
        }
    }

    /// Returns the definition `schema` stands for: itself, or the type a reference names.
    pub fn resolve<'a>(&'a self, schema: &'a Schema) -> &'a Schema {
        match schema {
            Schema::Ref { name } => self.named.get(&full_name(name)).unwrap_or(schema),
            other => other,
        }
    }

    /// Returns the named type called `full`.
    pub fn named(&self, full: &str) -> Option<&Schema> {
        self.named.get(full)
    }

    /// Returns the full name of the root type, when it is a named type.
    pub fn root_name(&self) -> Option<String> {
        match &self.root {
            Schema::Record(r) => Some(full_name(&r.name)),
            Schema::Enum(e) => Some(full_name(&e.name)),
            Schema::Fixed(f) => Some(full_name(&f.name)),
            _ => None,
        }
    }
}

/// Returns the named fixed type behind `schema`: a plain fixed, or the fixed a decimal, UUID or
/// duration logical type is written on (Avro spec, "Logical Types": the name is the fixed's).
pub(super) fn fixed_of(schema: &Schema) -> Option<&FixedSchema> {
    match schema {
        Schema::Fixed(f)
        | Schema::Duration(f)
        | Schema::Uuid(UuidSchema::Fixed(f))
        | Schema::Decimal(apache_avro::schema::DecimalSchema {
            inner: InnerDecimalSchema::Fixed(f),
            ..
        }) => Some(f),
        _ => None,
    }
}

/// Returns `name` with its namespace, dot separated.
/// The name Avro's JSON encoding (and avsc) wraps a union branch's value in.
pub(in crate::codegen) fn branch_name(schema: &Schema) -> String {
    match schema {
        Schema::Record(r) => full_name(&r.name),
        Schema::Enum(e) => full_name(&e.name),
        Schema::Fixed(f) | Schema::Duration(f) => full_name(&f.name),
        Schema::Decimal(d) => match &d.inner {
            InnerDecimalSchema::Bytes => "bytes".to_string(),
            InnerDecimalSchema::Fixed(f) => full_name(&f.name),
        },
        Schema::Uuid(UuidSchema::Fixed(f)) => full_name(&f.name),
        Schema::Uuid(UuidSchema::String) => "string".to_string(),
        Schema::Uuid(UuidSchema::Bytes) | Schema::BigDecimal => "bytes".to_string(),
        Schema::Date | Schema::TimeMillis => "int".to_string(),
        Schema::TimeMicros
        | Schema::TimestampMillis
        | Schema::TimestampMicros
        | Schema::TimestampNanos
        | Schema::LocalTimestampMillis
        | Schema::LocalTimestampMicros
        | Schema::LocalTimestampNanos => "long".to_string(),
        Schema::Array(_) => "array".to_string(),
        Schema::Map(_) => "map".to_string(),
        other => primitive_name(other).to_string(),
    }
}

pub(super) fn full_name(name: &Name) -> String {
    match name.namespace() {
        Some(space) if !space.is_empty() => format!("{space}.{}", name.name()),
        _ => name.name().to_string(),
    }
}

/// Generates `target`'s files for an Avro contract.
pub(super) fn generate(contract: Contract<'_>, target: Target) -> Result<Vec<File>, Refusal> {
    let loaded = Loaded::parse(contract)?;
    let Some(root) = loaded.root_name() else {
        return Err(Refusal::Invalid(
            "code is generated for named Avro types (record, enum, fixed); this schema's root is not one"
                .to_string(),
        ));
    };
    let sample = samples::avro::samples(&loaded, contract.id, 1)?
        .into_iter()
        .next()
        .ok_or_else(|| Refusal::Invalid("no sample message could be built".to_string()))?;
    let check = Check::of(&loaded, &sample);
    match target {
        Target::Java => Ok(java::generate(&loaded, &root, &sample, check.as_ref())),
        Target::TypeScript => Ok(typescript::generate(
            &loaded,
            &root,
            contract,
            &sample,
            check.as_ref(),
        )),
        Target::Python => Ok(python::generate(
            &loaded,
            &root,
            contract,
            &sample,
            check.as_ref(),
        )),
        Target::Rust => {
            super::rust::avro::generate(&loaded, &root, contract.id, &sample, check.as_ref())
        }
        Target::Proto => Err(Refusal::Unsupported(super::unsupported(
            target.as_str(),
            contract.schema_type,
        ))),
    }
}

/// The field a starter test checks: the root record's first field of a simple type, and the
/// value the sample gave it.
pub(super) struct Check {
    pub field: String,
    pub value: CheckValue,
}

/// A value a starter test compares against, in a form every target can write as a literal.
pub(super) enum CheckValue {
    Text(String),
    Integer(i64),
    Boolean(bool),
}

impl Check {
    fn of(loaded: &Loaded, sample: &Sample) -> Option<Check> {
        let Schema::Record(record) = &loaded.root else {
            return None;
        };
        record.fields.iter().find_map(|field| {
            let value = sample.json.get(&field.name)?;
            let value = match loaded.resolve(&field.schema) {
                Schema::String => CheckValue::Text(value.as_str()?.to_string()),
                Schema::Enum(_) => CheckValue::Text(value.as_str()?.to_string()),
                Schema::Int | Schema::Long => CheckValue::Integer(value.as_i64()?),
                Schema::Boolean => CheckValue::Boolean(value.as_bool()?),
                _ => return None,
            };
            Some(Check {
                field: field.name.clone(),
                value,
            })
        })
    }
}

/// Returns the documentation of `schema` when it is a named type that has some.
pub(super) fn doc_of(schema: &Schema) -> Option<&str> {
    match schema {
        Schema::Record(r) => r.doc.as_deref(),
        Schema::Enum(e) => e.doc.as_deref(),
        other => fixed_of(other).and_then(|f| f.doc.as_deref()),
    }
}

/// The type name of a primitive schema, as Avro writes it.
pub(super) fn primitive_name(schema: &Schema) -> &'static str {
    match schema {
        Schema::Null => "null",
        Schema::Boolean => "boolean",
        Schema::Int => "int",
        Schema::Long => "long",
        Schema::Float => "float",
        Schema::Double => "double",
        Schema::Bytes => "bytes",
        _ => "string",
    }
}
