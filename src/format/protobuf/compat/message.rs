//! `MessageSchemaDiff`: a message's fields matched by number, oneofs by name, members moved
//! into or out of oneofs, then its nested messages.

use std::collections::{BTreeSet, HashMap, HashSet};

use prost_reflect::{Cardinality, FieldDescriptor, MessageDescriptor};

use super::field::compare_field;
use super::{compare_types, Context, DiffType};
use crate::format::protobuf::declared::{declared_messages, real_oneof};

/// `MessageSchemaDiff.compare`: fields (once per original message on the stack), then nested
/// messages.
pub(super) fn compare_message(
    ctx: &mut Context,
    original: &MessageDescriptor,
    update: &MessageDescriptor,
) {
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
