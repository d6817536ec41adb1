//! Compatibility, as Confluent's protobuf-provider `diff` package decides it (`SchemaDiff`,
//! `MessageSchemaDiff`, `FieldSchemaDiff`), with the messages its `Difference` prints.
//!
//! Confluent diffs an *original* against an *update*; a BACKWARD check is `diff(old, new)`, so
//! the original is the writer and the update the reader. Fields are matched by number, messages
//! by name. Removing fields, enum constants, enums or whole oneofs and renaming fields are
//! compatible there; so are syntax, option and reserved-range changes, which it never looks at.
//!
//! This file walks the messages of the two files by name; `message.rs` compares a message's
//! fields and oneofs, `field.rs` one field's label and type, `difference.rs` names and words
//! what was found.

mod difference;
mod field;
mod message;

use std::collections::{HashMap, HashSet};

use prost_reflect::{FileDescriptor, MessageDescriptor};

use super::declared::declared_messages;
use super::{java_order, ReaderIs};
use difference::{DiffType, Difference};
use message::compare_message;

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
