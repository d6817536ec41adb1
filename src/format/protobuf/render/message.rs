//! Message blocks: reserved ranges, options, plain fields, oneofs, groups, extension ranges,
//! nested `extend` blocks, then nested messages and enums, each section sorted when normalized.

use prost_reflect::{ExtensionDescriptor, FieldDescriptor, MessageDescriptor, OneofDescriptor};

use super::Renderer;
use crate::format::protobuf::declared::{declared_fields, declared_messages, real_oneof};

/// wire's `MAX_TAG_VALUE`: the largest field number, written `max` in ranges.
const MAX_TAG_VALUE: u32 = 536_870_911;

impl Renderer<'_> {
    pub(super) fn message(&self, message: &MessageDescriptor) -> String {
        let scope = message.full_name();
        let proto = message.descriptor_proto();
        let mut out = format!("message {} {{", message.name());
        let ranges: Vec<(u32, u32)> = message
            .reserved_ranges()
            .map(|r| (r.start, r.end.saturating_sub(1)))
            .collect();
        let names: Vec<&str> = message.reserved_names().collect();
        self.section(
            &mut out,
            self.ranges("reserved", &ranges, &names, MAX_TAG_VALUE),
        );
        let options = self.options(&message.options());
        self.section(
            &mut out,
            options
                .iter()
                .map(|o| format!("option {};\n", o.text()))
                .collect(),
        );
        let fields = declared_fields(message);
        let mut plain: Vec<&FieldDescriptor> = fields
            .iter()
            .filter(|f| real_oneof(f).is_none() && !f.is_group())
            .collect();
        if self.normalize {
            plain.sort_by_key(|f| f.number());
        }
        self.section(
            &mut out,
            plain.iter().map(|f| self.field(f, scope)).collect(),
        );
        self.section(&mut out, self.oneofs(message, scope));
        let mut groups: Vec<&FieldDescriptor> = fields
            .iter()
            .filter(|f| real_oneof(f).is_none() && f.is_group())
            .collect();
        if self.normalize {
            groups.sort_by_key(|f| f.number());
        }
        self.section(
            &mut out,
            groups.iter().map(|f| self.group(f, scope)).collect(),
        );
        let extension_ranges: Vec<(u32, u32)> = proto
            .extension_range
            .iter()
            .filter(|_| !self.ignore_extensions)
            .map(|r| (r.start() as u32, (r.end() as u32).saturating_sub(1)))
            .collect();
        self.section(
            &mut out,
            self.ranges("extensions", &extension_ranges, &[], MAX_TAG_VALUE),
        );
        let extensions: Vec<ExtensionDescriptor> = message.child_extensions().collect();
        if !extensions.is_empty() && !self.ignore_extensions {
            self.section(&mut out, vec![self.extends(&extensions, scope)]);
        }
        let mut nested: Vec<String> = declared_messages(message.child_messages(), &fields)
            .iter()
            .map(|m| self.message(m))
            .collect();
        nested.extend(message.child_enums().map(|e| self.enumeration(&e)));
        self.section(&mut out, nested);
        out.push_str("}\n");
        out
    }

    fn oneofs(&self, message: &MessageDescriptor, scope: &str) -> Vec<String> {
        let mut oneofs: Vec<(OneofDescriptor, Vec<FieldDescriptor>)> = message
            .oneofs()
            .filter(|o| !o.is_synthetic())
            .map(|o| {
                let fields = o.fields().collect();
                (o, fields)
            })
            .collect();
        if self.normalize {
            oneofs.retain(|(_, fields)| !fields.is_empty());
            for (_, fields) in &mut oneofs {
                fields.sort_by_key(|f| f.number());
            }
            oneofs.sort_by_key(|(_, fields)| fields.first().map(|f| f.number()));
        }
        oneofs
            .iter()
            .map(|(oneof, fields)| {
                let mut out = format!("oneof {} {{", oneof.name());
                let options = self.options(&oneof.options());
                self.section(
                    &mut out,
                    options
                        .iter()
                        .map(|o| format!("option {};\n", o.text()))
                        .collect(),
                );
                let (groups, plain): (Vec<&FieldDescriptor>, Vec<&FieldDescriptor>) =
                    fields.iter().partition(|f| f.is_group());
                self.section(
                    &mut out,
                    plain.iter().map(|f| self.field(f, scope)).collect(),
                );
                self.section(
                    &mut out,
                    groups.iter().map(|f| self.group(f, scope)).collect(),
                );
                out.push_str("}\n");
                out
            })
            .collect()
    }
}
