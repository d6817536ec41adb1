//! Reader/writer compatibility, as Apache Avro's Java `SchemaCompatibility` decides it, with the
//! messages the Confluent registry prints for each incompatibility (its `Difference` class).
//!
//! Like Java, it memoizes each (reader node, writer node) pair, which ends recursion and also
//! reproduces Java's paths; it collects every incompatibility rather than stopping at the first.
//! Logical types are ignored: only the underlying types are compared.

use std::collections::{BTreeSet, HashMap};
use std::hash::{BuildHasherDefault, Hasher};

use super::incompatibility::{at, Incompatibility, IncompatibilityType, Step};
use super::{canonical, AvroSchema, Field, Kind, NodeId, Primitive, ReaderIs, Record};

/// Returns every reason `reader` cannot read what `writer` wrote, formatted as Confluent does.
pub(super) fn can_read(
    reader: &AvroSchema,
    writer: &AvroSchema,
    reader_is: ReaderIs,
) -> Vec<String> {
    let mut checker = Checker {
        reader,
        writer,
        memo: Memos::with_capacity_and_hasher(reader.nodes.len(), Default::default()),
    };
    match checker.root_compatibility(reader.root, writer.root) {
        Ok(found) => found.iter().map(|i| i.describe(reader_is)).collect(),
        Err(message) => vec![format!(
            "Unexpected exception during compatibility check: {message}"
        )],
    }
}

enum Memo {
    InProgress,
    Done(Vec<Incompatibility>),
}

/// The outcome of one pair: its incompatibilities (none means compatible), or Java's exception.
type Outcome = Result<Vec<Incompatibility>, String>;

/// The memo of (reader node, writer node) pairs. Its keys are small integers hashed on every
/// step of a check, so it uses a multiply-and-rotate hash rather than the DoS-resistant default:
/// the keys come from the registry's own parse, never from a client directly.
type Memos = HashMap<(NodeId, NodeId), Memo, BuildHasherDefault<PairHasher>>;

/// A fast hasher for pairs of node indices (the "Fx" hash of the Rust compiler).
#[derive(Default)]
struct PairHasher(u64);

impl Hasher for PairHasher {
    fn write(&mut self, bytes: &[u8]) {
        for byte in bytes {
            self.write_u64(u64::from(*byte));
        }
    }

    fn write_u64(&mut self, value: u64) {
        self.0 = (self.0.rotate_left(5) ^ value).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }

    fn write_usize(&mut self, value: usize) {
        self.write_u64(value as u64);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

struct Checker<'a> {
    reader: &'a AvroSchema,
    writer: &'a AvroSchema,
    memo: Memos,
}

impl Checker<'_> {
    /// Java's two-argument `getCompatibility`: a fresh location, the shared memo.
    fn root_compatibility(&mut self, reader: NodeId, writer: NodeId) -> Outcome {
        self.compatibility(Step::Key(""), reader, writer, &mut Vec::new())
    }

    fn compatibility(
        &mut self,
        step: Step,
        reader: NodeId,
        writer: NodeId,
        location: &mut Vec<Step>,
    ) -> Outcome {
        location.push(step);
        let result = match self.memo.get(&(reader, writer)) {
            // Break the recursion here: compatible unless proven otherwise.
            Some(Memo::InProgress) => Ok(Vec::new()),
            Some(Memo::Done(found)) => Ok(found.clone()),
            None => {
                self.memo.insert((reader, writer), Memo::InProgress);
                let found = self.calculate(reader, writer, location)?;
                self.memo
                    .insert((reader, writer), Memo::Done(found.clone()));
                Ok(found)
            }
        };
        location.pop();
        result
    }

    fn calculate(&mut self, reader: NodeId, writer: NodeId, location: &mut Vec<Step>) -> Outcome {
        let (reader_kind, writer_kind) = (
            &self.reader.node(reader).kind,
            &self.writer.node(writer).kind,
        );
        if reader_kind.type_label() == writer_kind.type_label() {
            return match (reader_kind, writer_kind) {
                (Kind::Array(r), Kind::Array(w)) => {
                    self.compatibility(Step::Key("items"), *r, *w, location)
                }
                (Kind::Map(r), Kind::Map(w)) => {
                    self.compatibility(Step::Key("values"), *r, *w, location)
                }
                (Kind::Fixed(r), Kind::Fixed(w)) => {
                    let mut found = self.check_names(reader_kind, writer_kind, location);
                    if r.size != w.size {
                        let message = format!("expected: {}, found: {}", w.size, r.size);
                        found.push(at(
                            IncompatibilityType::FixedSizeMismatch,
                            message,
                            location,
                            "size",
                        ));
                    }
                    Ok(found)
                }
                (Kind::Enum(r), Kind::Enum(w)) => {
                    let mut found = self.check_names(reader_kind, writer_kind, location);
                    let missing: BTreeSet<&String> = w
                        .symbols
                        .iter()
                        .filter(|s| !r.symbols.contains(s))
                        .collect();
                    let has_default = r.default.as_ref().is_some_and(|d| r.symbols.contains(d));
                    if !missing.is_empty() && !has_default {
                        let list: Vec<&str> = missing.iter().map(|s| s.as_str()).collect();
                        let message = format!("[{}]", list.join(", "));
                        found.push(at(
                            IncompatibilityType::MissingEnumSymbols,
                            message,
                            location,
                            "symbols",
                        ));
                    }
                    Ok(found)
                }
                (Kind::Record(r), Kind::Record(w)) => {
                    let mut found = self.check_names(reader_kind, writer_kind, location);
                    found.extend(self.check_fields(r, w, writer, location)?);
                    Ok(found)
                }
                (Kind::Union(_), Kind::Union(branches)) => {
                    self.writer_union_branches(reader, branches, location)
                }
                _ => Ok(Vec::new()),
            };
        }
        if let Kind::Union(branches) = writer_kind {
            let mut found = Vec::new();
            for (i, branch) in branches.iter().enumerate() {
                found.extend(self.compatibility(Step::Index(i), reader, *branch, location)?);
            }
            return Ok(found);
        }
        use Primitive::{Bytes, Double, Float, Int, Long, String as Str};
        let promotable = match (reader_kind, writer_kind) {
            (Kind::Primitive(Long), Kind::Primitive(Int)) => true,
            (Kind::Primitive(Float), Kind::Primitive(Int | Long)) => true,
            (Kind::Primitive(Double), Kind::Primitive(Int | Long | Float)) => true,
            (Kind::Primitive(Bytes), Kind::Primitive(Str)) => true,
            (Kind::Primitive(Str), Kind::Primitive(Bytes)) => true,
            (Kind::Union(branches), _) => {
                for branch in branches {
                    if self.root_compatibility(*branch, writer)?.is_empty() {
                        return Ok(Vec::new());
                    }
                }
                let message = format!(
                    "reader union lacking writer type: {}",
                    writer_kind.type_label()
                );
                return Ok(vec![Incompatibility::new(
                    IncompatibilityType::MissingUnionBranch,
                    message,
                    location,
                )]);
            }
            _ => false,
        };
        if promotable {
            return Ok(Vec::new());
        }
        let message = format!(
            "reader type: {} not compatible with writer type: {}",
            reader_kind.type_label(),
            writer_kind.type_label()
        );
        Ok(vec![Incompatibility::new(
            IncompatibilityType::TypeMismatch,
            message,
            location,
        )])
    }

    /// Both unions: every writer branch must be readable by the reader union.
    fn writer_union_branches(
        &mut self,
        reader: NodeId,
        branches: &[NodeId],
        location: &mut Vec<Step>,
    ) -> Outcome {
        let mut found = Vec::new();
        for (i, branch) in branches.iter().enumerate() {
            location.push(Step::Index(i));
            if !self.root_compatibility(reader, *branch)?.is_empty() {
                let label = self.writer.node(*branch).kind.type_label();
                let message = format!("reader union lacking writer type: {label}");
                found.push(Incompatibility::new(
                    IncompatibilityType::MissingUnionBranch,
                    message,
                    location,
                ));
            }
            location.pop();
        }
        Ok(found)
    }

    /// Unqualified names equal, or a reader alias equal to the writer's full name.
    fn check_names(
        &self,
        reader: &Kind,
        writer: &Kind,
        location: &mut [Step],
    ) -> Vec<Incompatibility> {
        let (Some(r), Some(w)) = (reader.named(), writer.named()) else {
            return Vec::new();
        };
        let aliases = match reader {
            Kind::Record(record) => &record.aliases,
            Kind::Enum(enumeration) => &enumeration.aliases,
            Kind::Fixed(fixed) => &fixed.aliases,
            _ => return Vec::new(),
        };
        let writer_full = w.full();
        if r.name == w.name || aliases.iter().any(|a| a.as_alias_of(r) == writer_full) {
            return Vec::new();
        }
        vec![at(
            IncompatibilityType::NameMismatch,
            format!("expected: {writer_full}"),
            location,
            "name",
        )]
    }

    fn check_fields(
        &mut self,
        reader: &Record,
        writer: &Record,
        writer_id: NodeId,
        location: &mut Vec<Step>,
    ) -> Outcome {
        let mut found = Vec::new();
        let by_name: HashMap<&str, &Field> =
            writer.fields.iter().map(|f| (f.name.as_str(), f)).collect();
        location.push(Step::Key("fields"));
        for (position, field) in reader.fields.iter().enumerate() {
            location.push(Step::Index(position));
            match self.writer_field(&by_name, writer_id, field, position)? {
                Some(writer_field) => found.extend(self.compatibility(
                    Step::Key("type"),
                    field.schema,
                    writer_field.schema,
                    location,
                )?),
                None if field.default.is_some() => {}
                None => match &self.reader.node(field.schema).kind {
                    // Java checks such an enum against the whole writer record.
                    Kind::Enum(e) if e.default.is_some() => found.extend(self.compatibility(
                        Step::Key("type"),
                        field.schema,
                        writer_id,
                        location,
                    )?),
                    _ => found.push(Incompatibility::new(
                        IncompatibilityType::ReaderFieldMissingDefaultValue,
                        field.name.clone(),
                        location,
                    )),
                },
            }
            location.pop();
        }
        location.pop();
        Ok(found)
    }

    /// The writer field matching the reader field by name or by one of its aliases.
    fn writer_field<'w>(
        &self,
        writer_fields: &HashMap<&str, &'w Field>,
        writer_id: NodeId,
        field: &Field,
        position: usize,
    ) -> Result<Option<&'w Field>, String> {
        let mut matches = std::iter::once(field.name.as_str())
            .chain(field.aliases.iter().map(String::as_str))
            .filter_map(|name| writer_fields.get(name).copied());
        match (matches.next(), matches.next()) {
            (None, _) => Ok(None),
            (Some(only), None) => Ok(Some(only)),
            _ => Err(format!(
                "Reader record field {} type:{} pos:{position} matches multiple fields in writer record schema {}",
                field.name,
                self.reader.node(field.schema).kind.type_label(),
                canonical::write_inline(self.writer, writer_id)
            )),
        }
    }
}
