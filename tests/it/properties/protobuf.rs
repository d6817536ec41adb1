//! Protobuf: messages with varied field types and labels, and proto3 messages over one
//! vocabulary of fields.

use proptest::prelude::*;

use accord::types::SchemaType;

use super::{compatible_with_itself, config, round_trips, verdicts_hold};

const PROTO_SCALARS: [&str; 10] = [
    "int32", "int64", "uint32", "sint64", "fixed32", "bool", "string", "bytes", "double", "float",
];

/// A message `M` with fields of varied types and labels, a nested message and an enum.
fn proto_schema() -> impl Strategy<Value = String> {
    let field = (0usize..PROTO_SCALARS.len() + 2, 0usize..3);
    (prop::collection::vec(field, 1..8), any::<bool>()).prop_map(|(fields, proto3)| {
        let mut body = String::new();
        for (i, (kind, label)) in fields.iter().enumerate() {
            let t = match *kind {
                k if k < PROTO_SCALARS.len() => PROTO_SCALARS[k],
                k if k == PROTO_SCALARS.len() => "Inner",
                _ => "Kind",
            };
            let label = match (label, proto3) {
                (0, _) => "repeated ",
                (1, true) => "",
                (1, false) => "optional ",
                (_, true) => "optional ",
                (_, false) => "required ",
            };
            body.push_str(&format!("  {label}{t} f{i} = {};\n", i + 1));
        }
        let (syntax, inner_label) = if proto3 {
            ("proto3", "")
        } else {
            ("proto2", "optional ")
        };
        format!(
            "syntax = \"{syntax}\";\npackage gen;\n\nmessage M {{\n{body}  message Inner {{\n    \
             {inner_label}string name = 1;\n  }}\n}}\nenum Kind {{\n  K0 = 0;\n  K1 = 1;\n}}\n"
        )
    })
}

/// A proto3 message `M` over a small vocabulary of fields: same numbers, varied types.
fn proto_message_in_vocabulary() -> impl Strategy<Value = String> {
    let field = (0usize..5, 0usize..6, any::<bool>());
    prop::collection::vec(field, 0..5).prop_map(|fields| {
        let mut seen = std::collections::BTreeSet::new();
        let mut body = String::new();
        for (number, kind, repeated) in fields {
            if !seen.insert(number) {
                continue;
            }
            let t = ["int32", "int64", "string", "bytes", "double", "Kind"][kind];
            let label = if repeated { "repeated " } else { "" };
            body.push_str(&format!("  {label}{t} f{number} = {};\n", number + 1));
        }
        format!(
            "syntax = \"proto3\";\npackage gen;\n\nmessage M {{\n{body}}}\nenum Kind {{\n  K0 = 0;\n}}\n"
        )
    })
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn protobuf_schemas_are_compatible_with_themselves_at_every_level(text in proto_schema()) {
        compatible_with_itself(SchemaType::Protobuf, &text);
    }

    #[test]
    fn protobuf_canonical_and_normalized_texts_are_stable(text in proto_schema()) {
        round_trips(SchemaType::Protobuf, &text);
    }

    #[test]
    fn protobuf_verdicts_survive_normalization_and_full_is_both_directions(
        old in proto_message_in_vocabulary(),
        new in proto_message_in_vocabulary(),
    ) {
        verdicts_hold(SchemaType::Protobuf, &old, &new);
    }
}
