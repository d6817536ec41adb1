//! Compatibility, as Confluent's protobuf-provider `diff` package decides it (`SchemaDiff`,
//! `MessageSchemaDiff`, `FieldSchemaDiff`), with the messages its `Difference` prints.
//!
//! Confluent diffs an *original* against an *update*; a BACKWARD check is `diff(old, new)`, so
//! the original is the writer and the update the reader. Fields are matched by number, messages
//! by name. Removing fields, enum constants, enums or whole oneofs and renaming fields are
//! compatible there; so are syntax, option and reserved-range changes, which it never looks at.

use std::collections::{BTreeSet, HashMap, HashSet};

use prost_reflect::{Cardinality, FieldDescriptor, FileDescriptor, Kind, MessageDescriptor};

use super::render::{declared_messages, real_oneof, scalar_name, wire_label};
use super::{java_order, ReaderIs, MAIN_FILE};

/// Returns every incompatible difference between `writer` (the original) and `reader` (the
/// update), formatted as Confluent does.
pub(super) fn can_read(
    reader: &FileDescriptor,
    writer: &FileDescriptor,
    reader_is: ReaderIs,
) -> Vec<String> {
    let mut ctx = Context::default();
    if writer.package_name() != reader.package_name() {
        ctx.add(DiffType::PackageChanged);
    }
    compare_types(
        &mut ctx,
        declared_messages(writer.messages(), &[]),
        declared_messages(reader.messages(), &[]),
    );
    ctx.diffs
        .iter()
        .filter(|d| !d.kind.is_compatible())
        .map(|d| d.describe(reader_is))
        .collect()
}

/// Confluent's `Difference.Type`, for the differences this checker records.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum DiffType {
    PackageChanged,
    MessageAdded,
    MessageRemoved,
    FieldAdded,
    FieldRemoved,
    FieldNameChanged,
    FieldKindChanged,
    FieldScalarKindChanged,
    FieldNamedTypeChanged,
    FieldNumericLabelChanged,
    FieldStringOrBytesLabelChanged,
    RequiredFieldAdded,
    RequiredFieldRemoved,
    OneofAdded,
    OneofRemoved,
    OneofFieldAdded,
    OneofFieldRemoved,
    OneofFieldMovedToTopLevel,
    MultipleFieldsMovedToOneof,
    FieldMovedToExistingOneof,
}

impl DiffType {
    /// `SchemaDiff.COMPATIBLE_CHANGES`.
    fn is_compatible(self) -> bool {
        matches!(
            self,
            DiffType::MessageAdded
                | DiffType::FieldAdded
                | DiffType::FieldRemoved
                | DiffType::FieldNameChanged
                | DiffType::FieldStringOrBytesLabelChanged
                | DiffType::OneofAdded
                | DiffType::OneofRemoved
                | DiffType::OneofFieldAdded
                | DiffType::OneofFieldMovedToTopLevel
        )
    }

    fn name(self) -> &'static str {
        match self {
            DiffType::PackageChanged => "PACKAGE_CHANGED",
            DiffType::MessageAdded => "MESSAGE_ADDED",
            DiffType::MessageRemoved => "MESSAGE_REMOVED",
            DiffType::FieldAdded => "FIELD_ADDED",
            DiffType::FieldRemoved => "FIELD_REMOVED",
            DiffType::FieldNameChanged => "FIELD_NAME_CHANGED",
            DiffType::FieldKindChanged => "FIELD_KIND_CHANGED",
            DiffType::FieldScalarKindChanged => "FIELD_SCALAR_KIND_CHANGED",
            DiffType::FieldNamedTypeChanged => "FIELD_NAMED_TYPE_CHANGED",
            DiffType::FieldNumericLabelChanged => "FIELD_NUMERIC_LABEL_CHANGED",
            DiffType::FieldStringOrBytesLabelChanged => "FIELD_STRING_OR_BYTES_LABEL_CHANGED",
            DiffType::RequiredFieldAdded => "REQUIRED_FIELD_ADDED",
            DiffType::RequiredFieldRemoved => "REQUIRED_FIELD_REMOVED",
            DiffType::OneofAdded => "ONEOF_ADDED",
            DiffType::OneofRemoved => "ONEOF_REMOVED",
            DiffType::OneofFieldAdded => "ONEOF_FIELD_ADDED",
            DiffType::OneofFieldRemoved => "ONEOF_FIELD_REMOVED",
            DiffType::OneofFieldMovedToTopLevel => "ONEOF_FIELD_MOVED_TO_TOP_LEVEL",
            DiffType::MultipleFieldsMovedToOneof => "MULTIPLE_FIELDS_MOVED_TO_ONEOF",
            DiffType::FieldMovedToExistingOneof => "FIELD_MOVED_TO_EXISTING_ONEOF",
        }
    }
}

#[derive(Debug, Clone)]
struct Difference {
    kind: DiffType,
    /// Confluent's path: `#/` then message names, oneof names and field numbers.
    path: String,
}

impl Difference {
    /// Confluent's `Difference.toString()`, the reader's word first as in its `error()`.
    fn describe(&self, reader_is: ReaderIs) -> String {
        let (r, w) = reader_is.labels();
        let p = &self.path;
        let description = match self.kind {
            DiffType::PackageChanged => format!(
                "The package at '{p}' in the {r} schema does not match the package in the {w} schema"
            ),
            DiffType::MessageRemoved => {
                format!("The {r} schema is missing a MESSAGE type at path '{p}' in the {w} schema")
            }
            DiffType::FieldKindChanged => format!(
                "The type of a field at path '{p}' in the {r} schema does not match the {w} schema"
            ),
            DiffType::FieldScalarKindChanged => format!(
                "The kind of a SCALAR field at path '{p}' in the {r} schema does not match its kind in the {w} schema"
            ),
            DiffType::FieldNamedTypeChanged => format!(
                "The type of a MESSAGE field at path '{p}' in the {r} schema does not match its type in the {w} schema"
            ),
            DiffType::FieldNumericLabelChanged => format!(
                "The label for a NUMERIC field at path '{p}' in the {r} schema does not match its label in the {w} schema"
            ),
            DiffType::RequiredFieldAdded => format!(
                "A required field  at path '{p}' in the {r} schema is missing in the {w} schema"
            ),
            DiffType::RequiredFieldRemoved => format!(
                "The {r} schema is missing a required field at path: '{p}' in the {w} schema"
            ),
            DiffType::OneofFieldRemoved => {
                format!("The {r} schema is missing a oneof field at path '{p}' in the {w} schema")
            }
            DiffType::MultipleFieldsMovedToOneof => format!(
                "Multiple fields in the oneof at path '{p}' in the {r} schema are outside a oneof in the {w} schema"
            ),
            DiffType::FieldMovedToExistingOneof => format!(
                "A field in the oneof at path '{p}' in the {r} schema is outside an existing oneof in the {w} schema"
            ),
            _ => String::new(),
        };
        format!(
            "{{errorType:\"{}\", description:\"{description}\"}}",
            self.kind.name()
        )
    }
}

#[derive(Default)]
struct Context {
    path: Vec<String>,
    diffs: Vec<Difference>,
    /// Original messages whose fields are being compared, which ends recursion.
    in_progress: HashSet<String>,
}

impl Context {
    fn add(&mut self, kind: DiffType) {
        self.diffs.push(Difference {
            kind,
            path: format!("#/{}", self.path.join("/")),
        });
    }

    fn add_at(&mut self, segments: &[String], kind: DiffType) {
        let depth = self.path.len();
        self.path.extend(segments.iter().cloned());
        self.add(kind);
        self.path.truncate(depth);
    }

    fn within<T>(&mut self, segments: &[String], f: impl FnOnce(&mut Self) -> T) -> T {
        let depth = self.path.len();
        self.path.extend(segments.iter().cloned());
        let out = f(self);
        self.path.truncate(depth);
        out
    }
}

/// `SchemaDiff.compareTypeElements` for messages (enum differences are all compatible), in the
/// order Java's hash set of names yields.
fn compare_types(
    ctx: &mut Context,
    original: Vec<MessageDescriptor>,
    update: Vec<MessageDescriptor>,
) {
    let names = |messages: &[MessageDescriptor]| -> Vec<String> {
        messages.iter().map(|m| m.name().to_string()).collect()
    };
    let order = java_order::union_order(&names(&original), &names(&update));
    let by_name = |messages: Vec<MessageDescriptor>| -> HashMap<String, MessageDescriptor> {
        messages
            .into_iter()
            .map(|m| (m.name().to_string(), m))
            .collect()
    };
    let (original, update) = (by_name(original), by_name(update));
    for name in order {
        ctx.within(std::slice::from_ref(&name), |ctx| {
            match (original.get(&name), update.get(&name)) {
                (Some(o), Some(u)) => compare_message(ctx, o, u),
                (Some(_), None) => ctx.add(DiffType::MessageRemoved),
                (None, Some(_)) => ctx.add(DiffType::MessageAdded),
                (None, None) => {}
            }
        });
    }
}

/// `MessageSchemaDiff.compare`: fields (once per original message on the stack), then nested
/// messages.
fn compare_message(ctx: &mut Context, original: &MessageDescriptor, update: &MessageDescriptor) {
    let key = original.full_name().to_string();
    if ctx.in_progress.insert(key.clone()) {
        compare_fields(ctx, original, update);
        ctx.in_progress.remove(&key);
    }
    let original_fields: Vec<FieldDescriptor> = original.fields().collect();
    let update_fields: Vec<FieldDescriptor> = update.fields().collect();
    compare_types(
        ctx,
        declared_messages(original.child_messages(), &original_fields),
        declared_messages(update.child_messages(), &update_fields),
    );
}

/// A message's fields as wire's parser sees them: by number, with the oneof each belongs to.
/// Groups are not fields there, so they are left out.
struct Fields {
    by_tag: HashMap<u32, FieldDescriptor>,
    tag_to_oneof: HashMap<u32, String>,
    oneofs: Vec<(String, Vec<u32>)>,
}

impl Fields {
    fn of(message: &MessageDescriptor) -> Self {
        let mut fields = Fields {
            by_tag: HashMap::new(),
            tag_to_oneof: HashMap::new(),
            oneofs: Vec::new(),
        };
        for field in message.fields().filter(|f| !f.is_group()) {
            if let Some(oneof) = real_oneof(&field) {
                fields
                    .tag_to_oneof
                    .insert(field.number(), oneof.name().to_string());
            }
            fields.by_tag.insert(field.number(), field);
        }
        for oneof in message.oneofs().filter(|o| !o.is_synthetic()) {
            let tags = oneof
                .fields()
                .filter(|f| !f.is_group())
                .map(|f| f.number())
                .collect();
            fields.oneofs.push((oneof.name().to_string(), tags));
        }
        fields
    }

    fn has_oneof(&self, name: &str) -> bool {
        self.oneofs.iter().any(|(n, _)| n == name)
    }
}

fn compare_fields(ctx: &mut Context, original: &MessageDescriptor, update: &MessageDescriptor) {
    let (orig, upd) = (Fields::of(original), Fields::of(update));

    // A oneof gone by name with none of its members left anywhere was deleted as a whole.
    let deleted_oneofs: HashSet<&str> = orig
        .oneofs
        .iter()
        .filter(|(name, tags)| {
            !upd.has_oneof(name) && !tags.iter().any(|t| upd.by_tag.contains_key(t))
        })
        .map(|(name, _)| name.as_str())
        .collect();

    // Newly introduced mutual exclusivity: an update oneof drawing on several original groups.
    for (name, tags) in &upd.oneofs {
        let mut origins: HashSet<String> = HashSet::new();
        let mut moved_in = 0;
        for tag in tags {
            if let Some(oneof) = orig.tag_to_oneof.get(tag) {
                origins.insert(format!("oneof:{oneof}"));
            } else if orig.by_tag.contains_key(tag) {
                origins.insert(format!("field:{tag}"));
                moved_in += 1;
            }
        }
        if origins.len() > 1 {
            let kind = if moved_in > 1 {
                DiffType::MultipleFieldsMovedToOneof
            } else {
                DiffType::FieldMovedToExistingOneof
            };
            ctx.add_at(std::slice::from_ref(name), kind);
        }
    }

    let names: BTreeSet<&String> = orig
        .oneofs
        .iter()
        .chain(&upd.oneofs)
        .map(|(n, _)| n)
        .collect();
    for name in names {
        if !upd.has_oneof(name) {
            ctx.add_at(std::slice::from_ref(name), DiffType::OneofRemoved);
        } else if !orig.has_oneof(name) {
            ctx.add_at(std::slice::from_ref(name), DiffType::OneofAdded);
        }
    }

    let tags: BTreeSet<u32> = orig
        .by_tag
        .keys()
        .chain(upd.by_tag.keys())
        .copied()
        .collect();
    for tag in tags {
        let here = tag.to_string();
        let (orig_oneof, upd_oneof) = (orig.tag_to_oneof.get(&tag), upd.tag_to_oneof.get(&tag));
        match (orig.by_tag.get(&tag), upd.by_tag.get(&tag)) {
            (Some(o), None) => match orig_oneof {
                Some(oneof) if !deleted_oneofs.contains(oneof.as_str()) => {
                    ctx.add_at(&[oneof.clone(), here], DiffType::OneofFieldRemoved);
                }
                Some(_) => {}
                None if o.cardinality() == Cardinality::Required => {
                    ctx.add_at(&[here], DiffType::RequiredFieldRemoved);
                }
                None => ctx.add_at(&[here], DiffType::FieldRemoved),
            },
            (None, Some(u)) => match upd_oneof {
                Some(oneof) => ctx.add_at(&[oneof.clone(), here], DiffType::OneofFieldAdded),
                None if u.cardinality() == Cardinality::Required => {
                    ctx.add_at(&[here], DiffType::RequiredFieldAdded);
                }
                None => ctx.add_at(&[here], DiffType::FieldAdded),
            },
            (Some(o), Some(u)) => {
                if orig_oneof.is_some() && upd_oneof.is_none() {
                    ctx.add_at(
                        std::slice::from_ref(&here),
                        DiffType::OneofFieldMovedToTopLevel,
                    );
                }
                let at = match upd_oneof {
                    Some(oneof) => vec![oneof.clone(), here],
                    None => vec![here],
                };
                ctx.within(&at, |ctx| compare_field(ctx, o, u));
            }
            (None, None) => {}
        }
    }
}

/// A field's type as `FieldSchemaDiff` classifies it.
#[derive(Clone)]
enum TypeRef {
    Scalar(&'static str),
    Enum,
    Message(MessageDescriptor),
    Map(Box<TypeRef>, Box<TypeRef>),
}

#[derive(Debug, PartialEq, Eq)]
enum FieldKind {
    Scalar,
    Map,
    Message,
}

/// Confluent's scalar groups: a change inside one group is compatible.
#[derive(Debug, PartialEq, Eq)]
enum ScalarKind {
    GeneralNumber,
    SignedNumber,
    StringOrBytes,
    Fixed32,
    Fixed64,
    Float,
    Double,
}

impl TypeRef {
    fn of_field(field: &FieldDescriptor) -> Self {
        match field.kind() {
            Kind::Message(entry) if field.is_map() => TypeRef::Map(
                Box::new(TypeRef::of_kind(entry.map_entry_key_field().kind())),
                Box::new(TypeRef::of_kind(entry.map_entry_value_field().kind())),
            ),
            kind => TypeRef::of_kind(kind),
        }
    }

    fn of_kind(kind: Kind) -> Self {
        match kind {
            Kind::Message(m) => TypeRef::Message(m),
            Kind::Enum(_) => TypeRef::Enum,
            scalar => TypeRef::Scalar(scalar_name(&scalar).unwrap_or_default()),
        }
    }

    fn kind(&self) -> FieldKind {
        match self {
            TypeRef::Scalar(_) | TypeRef::Enum => FieldKind::Scalar,
            TypeRef::Map(..) => FieldKind::Map,
            TypeRef::Message(_) => FieldKind::Message,
        }
    }

    fn scalar_kind(&self) -> Option<ScalarKind> {
        Some(match self {
            TypeRef::Enum => ScalarKind::GeneralNumber,
            TypeRef::Scalar("int32" | "int64" | "uint32" | "uint64" | "bool") => {
                ScalarKind::GeneralNumber
            }
            TypeRef::Scalar("sint32" | "sint64") => ScalarKind::SignedNumber,
            TypeRef::Scalar("string" | "bytes") => ScalarKind::StringOrBytes,
            TypeRef::Scalar("fixed32" | "sfixed32") => ScalarKind::Fixed32,
            TypeRef::Scalar("fixed64" | "sfixed64") => ScalarKind::Fixed64,
            TypeRef::Scalar("float") => ScalarKind::Float,
            TypeRef::Scalar("double") => ScalarKind::Double,
            _ => return None,
        })
    }
}

/// The label wire's parser gives `field` in the canonical text.
fn label(field: &FieldDescriptor) -> Option<&'static str> {
    let syntax = field
        .parent_file()
        .file_descriptor_proto()
        .syntax()
        .to_string();
    wire_label(
        field.cardinality(),
        field.is_map(),
        real_oneof(field).is_some(),
        field.field_descriptor_proto(),
        &syntax,
    )
}

/// `FieldSchemaDiff.compare`.
fn compare_field(ctx: &mut Context, original: &FieldDescriptor, update: &FieldDescriptor) {
    if original.name() != update.name() {
        ctx.add(DiffType::FieldNameChanged);
    }
    compare_labels_and_types(
        ctx,
        label(original),
        label(update),
        &TypeRef::of_field(original),
        &TypeRef::of_field(update),
    );
}

fn compare_labels_and_types(
    ctx: &mut Context,
    original_label: Option<&str>,
    update_label: Option<&str>,
    original: &TypeRef,
    update: &TypeRef,
) {
    if original.kind() != update.kind() {
        ctx.add(DiffType::FieldKindChanged);
        return;
    }
    match (original, update) {
        (TypeRef::Message(o), TypeRef::Message(u)) => compare_message_types(ctx, o, u),
        (TypeRef::Map(ok, ov), TypeRef::Map(uk, uv)) => {
            compare_labels_and_types(ctx, None, None, ok, uk);
            compare_labels_and_types(ctx, None, None, ov, uv);
        }
        _ => {
            let kind = original.scalar_kind();
            if kind != update.scalar_kind() {
                ctx.add(DiffType::FieldScalarKindChanged);
            } else if let (Some(o), Some(u)) = (original_label, update_label) {
                if o != u {
                    ctx.add(match kind {
                        Some(ScalarKind::StringOrBytes) => DiffType::FieldStringOrBytesLabelChanged,
                        _ => DiffType::FieldNumericLabelChanged,
                    });
                }
            }
        }
    }
}

/// The name of `message` without its file's package, what Confluent calls the local name.
fn local_name(message: &MessageDescriptor) -> String {
    let package = message.package_name();
    match message.full_name().strip_prefix(package) {
        Some(rest) if !package.is_empty() => rest.trim_start_matches('.').to_string(),
        _ => message.full_name().to_string(),
    }
}

/// `FieldSchemaDiff.compareMessageTypes`: the local names must match; a type that comes from an
/// import (where the two sides may differ) is compared in a context of its own.
fn compare_message_types(
    ctx: &mut Context,
    original: &MessageDescriptor,
    update: &MessageDescriptor,
) {
    let name = local_name(original);
    if name != local_name(update) {
        ctx.add(DiffType::FieldNamedTypeChanged);
        return;
    }
    let is_local = |m: &MessageDescriptor| m.parent_file().name() == MAIN_FILE;
    if is_local(original) && is_local(update) {
        // Both are compared where they are declared.
        return;
    }
    let mut sub = Context {
        path: name.split('.').map(str::to_string).collect(),
        diffs: Vec::new(),
        in_progress: ctx.in_progress.clone(),
    };
    compare_message(&mut sub, original, update);
    let is_compatible = sub.diffs.iter().all(|d| d.kind.is_compatible());
    ctx.diffs.append(&mut sub.diffs);
    if !is_compatible {
        ctx.add(DiffType::FieldNamedTypeChanged);
    }
}
