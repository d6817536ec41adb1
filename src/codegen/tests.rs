//! Generation over the contracts in `tests/fixtures/codegen`: what each target writes, and that
//! the samples decode with the format's own library.

use std::io::Cursor;

use apache_avro::reader::datum::GenericDatumReader;
use apache_avro::types::Value;
use apache_avro::Schema;
use prost_reflect::DynamicMessage;

use super::samples::examples;
use super::{generate, Contract, File, Refusal, Target};
use crate::format::Dependency;
use crate::types::SchemaType;

pub(super) const MONEY: &str = include_str!("../../tests/fixtures/codegen/avro/money.avsc");
pub(super) const ORDER: &str = include_str!("../../tests/fixtures/codegen/avro/order.avsc");
pub(super) const PROTO_MONEY: &str =
    include_str!("../../tests/fixtures/codegen/protobuf/acme/shared/money.proto");
pub(super) const PROTO_ORDER: &str =
    include_str!("../../tests/fixtures/codegen/protobuf/order.proto");

pub(super) fn avro_deps() -> Vec<Dependency> {
    vec![Dependency {
        name: "com.acme.shared.Money".to_string(),
        schema_type: SchemaType::Avro,
        schema: MONEY.to_string(),
    }]
}

pub(super) fn proto_deps() -> Vec<Dependency> {
    vec![Dependency {
        name: "acme/shared/money.proto".to_string(),
        schema_type: SchemaType::Protobuf,
        schema: PROTO_MONEY.to_string(),
    }]
}

pub(super) fn contract<'a>(
    schema_type: SchemaType,
    schema: &'a str,
    deps: &'a [Dependency],
) -> Contract<'a> {
    Contract {
        schema_type,
        schema,
        deps,
        id: 7,
    }
}

pub(super) fn file<'a>(files: &'a [File], path: &str) -> &'a str {
    &files
        .iter()
        .find(|f| f.path == path)
        .unwrap_or_else(|| {
            panic!(
                "no {path} among {:?}",
                files.iter().map(|f| &f.path).collect::<Vec<_>>()
            )
        })
        .content
}

#[test]
fn avro_samples_carry_the_wire_header_and_decode_with_apache_avro() {
    let deps = avro_deps();
    let samples = examples(contract(SchemaType::Avro, ORDER, &deps), None).unwrap();

    let (order, schemata) = Schema::parse_str_with_list(ORDER, [MONEY]).unwrap();
    for sample in &samples {
        assert_eq!(&sample.wire[..5], &[0, 0, 0, 0, 7]);
        let mut body = Cursor::new(&sample.wire[5..]);
        let mut writers: Vec<&Schema> = schemata.iter().collect();
        writers.push(&order);
        let reader = GenericDatumReader::builder(&order)
            .writer_schemata(writers)
            .unwrap()
            .build()
            .unwrap();
        let decoded = reader.read_value(&mut body).unwrap();
        let Value::Record(fields) = decoded else {
            panic!("not a record")
        };
        assert_eq!(fields[0].0, "id");
        assert_eq!(
            body.position() as usize,
            sample.wire.len() - 5,
            "trailing bytes"
        );
    }
}

#[test]
fn avro_default_samples_use_every_enum_symbol_and_union_branch() {
    let deps = avro_deps();
    let samples = examples(contract(SchemaType::Avro, ORDER, &deps), None).unwrap();

    assert_eq!(
        samples.len(),
        4,
        "the widest enum and union have four members"
    );
    let statuses: Vec<&str> = samples
        .iter()
        .map(|s| s.json["status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses, ["PENDING", "PAID", "SHIPPED", "CANCELLED"]);
    let payments: Vec<String> = samples
        .iter()
        .map(|s| match &s.json["payment"] {
            serde_json::Value::Object(branch) => branch.keys().next().unwrap().clone(),
            other => other.to_string(),
        })
        .collect();
    assert_eq!(
        payments,
        [
            "null",
            "com.acme.orders.Card",
            "com.acme.orders.BankTransfer",
            "string"
        ]
    );
}

#[test]
fn avro_samples_are_deterministic() {
    let deps = avro_deps();
    let first = examples(contract(SchemaType::Avro, ORDER, &deps), Some(3)).unwrap();
    let second = examples(contract(SchemaType::Avro, ORDER, &deps), Some(3)).unwrap();
    assert_eq!(first, second);
    assert_eq!(first.len(), 3);
}

#[test]
fn typescript_types_tag_unions_and_spell_enums_as_literals() {
    let deps = avro_deps();
    let files = generate(contract(SchemaType::Avro, ORDER, &deps), Target::TypeScript).unwrap();

    let types = file(&files, "src/types.ts");
    assert!(types.contains("export interface Order {"), "{types}");
    assert!(types
        .contains("export type Status = \"PENDING\" | \"PAID\" | \"SHIPPED\" | \"CANCELLED\";"));
    assert!(
        types.contains("note: null | { \"string\": string };"),
        "{types}"
    );
    assert!(types.contains("{ \"com.acme.orders.Card\": Card }"));
    assert!(types.contains("total: Money;"));
    assert!(types.contains("An order a customer placed."));
    let test = file(&files, "src/sample.test.ts");
    assert!(test.contains("type.fromBuffer(wire.subarray(5))"));
}

#[test]
fn python_dataclasses_convert_enums_and_nested_records() {
    let deps = avro_deps();
    let files = generate(contract(SchemaType::Avro, ORDER, &deps), Target::Python).unwrap();

    let models = file(&files, "models.py");
    assert!(
        models.contains("@dataclass(kw_only=True)\nclass Order:"),
        "{models}"
    );
    assert!(models.contains("class Status(str, enum.Enum):"));
    assert!(
        models.contains("status: \"Status\" = Status.PENDING"),
        "{models}"
    );
    assert!(
        models.contains("total=Money.from_avro(data[\"total\"])"),
        "{models}"
    );
    assert!(models.contains("created_at: datetime.datetime"));
    assert!(file(&files, "schema.py").contains("named_schemas=NAMED"));
    assert!(
        file(&files, "test_sample.py").contains("assert decoded.status.value == \"PENDING\""),
        "{}",
        file(&files, "test_sample.py")
    );
}

#[test]
fn java_classes_follow_the_avro_namespaces() {
    let deps = avro_deps();
    let files = generate(contract(SchemaType::Avro, ORDER, &deps), Target::Java).unwrap();

    let order = file(&files, "src/main/java/com/acme/orders/Order.java");
    assert!(order.starts_with("// Generated by Accord"));
    assert!(order.contains("package com.acme.orders;"));
    assert!(order.contains("private com.acme.shared.Money total;"));
    assert!(order.contains("public java.time.Instant getCreatedAtInstant()"));
    assert!(
        order.contains("Java has no faithful type for it"),
        "{order}"
    );
    let money = file(&files, "src/main/java/com/acme/shared/Money.java");
    assert!(money.contains("getAmountDecimal()"));
    assert!(
        file(&files, "src/main/java/com/acme/orders/AccordSchemas.java").contains("parser.parse(")
    );
    assert!(
        file(&files, "src/test/java/com/acme/orders/OrderSampleTest.java")
            .contains("SpecificDatumReader<Order>")
    );
}

#[test]
fn protobuf_bundle_lays_out_imports_by_path() {
    let deps = proto_deps();
    let files = generate(
        contract(SchemaType::Protobuf, PROTO_ORDER, &deps),
        Target::Proto,
    )
    .unwrap();

    let paths: Vec<&str> = files.iter().map(|f| f.path.as_str()).collect();
    assert_eq!(
        paths,
        [
            "acme/orders/order.proto",
            "acme/shared/money.proto",
            "decode_sample.sh",
            "README.md"
        ]
    );
    assert_eq!(file(&files, "acme/shared/money.proto"), PROTO_MONEY);
    assert!(file(&files, "README.md").contains("google/protobuf/timestamp.proto"));
    assert!(file(&files, "decode_sample.sh")
        .contains("--decode=acme.orders.Order acme/orders/order.proto"));
}

#[test]
fn protobuf_samples_set_each_oneof_member_and_decode_with_prost_reflect() {
    let deps = proto_deps();
    let parsed = crate::format::protobuf::parse(PROTO_ORDER, &deps).unwrap();
    let message = parsed.file().messages().next().unwrap();
    let samples = examples(contract(SchemaType::Protobuf, PROTO_ORDER, &deps), None).unwrap();

    assert_eq!(samples.len(), 3);
    let mut members = Vec::new();
    for sample in &samples {
        assert_eq!(&sample.wire[..6], &[0, 0, 0, 0, 7, 0]);
        let decoded = DynamicMessage::decode(message.clone(), &sample.wire[6..]).unwrap();
        let oneof = message.oneofs().find(|o| o.name() == "payment").unwrap();
        let set = oneof.fields().find(|f| decoded.has_field(f)).unwrap();
        members.push(set.name().to_string());
        assert!(sample.json["id"].is_string());
    }
    assert_eq!(members, ["card", "bank_transfer", "voucher"]);
}

#[test]
fn a_language_the_format_has_no_generator_for_is_refused_naming_the_supported_ones() {
    let deps = proto_deps();
    let refusal = generate(
        contract(SchemaType::Protobuf, PROTO_ORDER, &deps),
        Target::Java,
    )
    .unwrap_err();
    assert_eq!(
        refusal,
        Refusal::Unsupported(
            "language 'java' is not supported for PROTOBUF schemas; supported: proto, typescript, rust"
                .to_string()
        )
    );
}

#[test]
fn an_avro_schema_whose_root_is_not_named_is_refused() {
    let refusal =
        generate(contract(SchemaType::Avro, "\"string\"", &[]), Target::Java).unwrap_err();
    assert!(matches!(refusal, Refusal::Invalid(reason) if reason.contains("named Avro types")));
}

pub(super) const CUSTOMER: &str =
    include_str!("../../tests/fixtures/codegen/json/customer.schema.json");
pub(super) const SHIPMENT: &str =
    include_str!("../../tests/fixtures/codegen/json/shipment.schema.json");

pub(super) fn json_deps() -> Vec<Dependency> {
    vec![Dependency {
        name: "customer.schema.json".to_string(),
        schema_type: SchemaType::Json,
        schema: CUSTOMER.to_string(),
    }]
}

#[test]
fn json_samples_validate_and_take_each_enum_value_and_oneof_branch_in_turn() {
    let deps = json_deps();
    let samples = examples(contract(SchemaType::Json, SHIPMENT, &deps), None).unwrap();

    assert_eq!(samples.len(), 4);
    let statuses: Vec<&str> = samples
        .iter()
        .map(|s| s.json["status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses, ["created", "in_transit", "delivered", "returned"]);
    assert!(samples[0].json["contact"].get("phone").is_some());
    assert!(samples[1].json["contact"].get("address").is_some());
    for sample in &samples {
        assert_eq!(&sample.wire[..5], &[0, 0, 0, 0, 7]);
        let body: serde_json::Value = serde_json::from_slice(&sample.wire[5..]).unwrap();
        assert_eq!(body, sample.json);
        crate::format::json::validate(SHIPMENT, &deps, &body).unwrap();
    }
}

#[test]
fn json_schema_types_follow_refs_merge_all_of_and_mark_nullable_properties() {
    let deps = json_deps();
    let files = generate(
        contract(SchemaType::Json, SHIPMENT, &deps),
        Target::TypeScript,
    )
    .unwrap();

    let types = file(&files, "src/types.ts");
    assert!(types.contains("export interface Shipment {"), "{types}");
    assert!(types.contains("  customer: Customer;"), "{types}");
    assert!(types.contains("  signed_by?: string | null;"), "{types}");
    assert!(types.contains("  contact?: Phone | Email;"), "{types}");
    assert!(
        types.contains("  carrier: string;") && types.contains("  eta: string;"),
        "{types}"
    );
    assert!(
        types.contains("export type ShipmentStatus = \"created\" | \"in_transit\""),
        "{types}"
    );

    let java = generate(contract(SchemaType::Json, SHIPMENT, &deps), Target::Java).unwrap();
    let shipment = file(&java, "src/main/java/com/acme/schemas/Shipment.java");
    assert!(shipment.contains("public record Shipment("), "{shipment}");
    assert!(
        shipment.contains(
            "@com.fasterxml.jackson.annotation.JsonProperty(\"shipment_id\") String shipmentId"
        ),
        "{shipment}"
    );
}

#[test]
fn a_json_schema_whose_sample_cannot_satisfy_a_pattern_is_refused_with_the_reason() {
    let schema = r#"{"type":"object","properties":{"code":{"type":"string","pattern":"^[A-Z]{3}$"}},"required":["code"]}"#;
    let refusal = examples(contract(SchemaType::Json, schema, &[]), None).unwrap_err();
    assert!(
        matches!(&refusal, Refusal::Invalid(reason) if reason.contains("no valid sample")),
        "{refusal:?}"
    );
}

#[test]
fn protobuf_typescript_tags_each_oneof_on_its_discriminant_and_carries_the_proto_files() {
    let deps = proto_deps();
    let files = generate(
        contract(SchemaType::Protobuf, PROTO_ORDER, &deps),
        Target::TypeScript,
    )
    .unwrap();

    let types = file(&files, "src/types.ts");
    assert!(
        types.contains("| { payment: \"bankTransfer\"; bankTransfer: BankTransfer }"),
        "{types}"
    );
    assert!(
        types.contains("export type Order = OrderFields & OrderPayment;"),
        "{types}"
    );
    assert!(
        types.contains("  units?: string;"),
        "int64 is a string with longs: String: {types}"
    );
    assert_eq!(file(&files, "proto/acme/shared/money.proto"), PROTO_MONEY);
    assert!(
        file(&files, "src/sample.test.ts").contains("assert.strictEqual(decoded.id, \"id-0\");")
    );
}

const DECIMAL_ON_FIXED: &str = r#"{
  "type": "record", "name": "Payment", "namespace": "com.acme.payments",
  "fields": [
    {"name": "amount", "type": {"type": "fixed", "name": "Amount", "size": 8, "logicalType": "decimal", "precision": 18, "scale": 4}},
    {"name": "refund", "type": ["null", "com.acme.payments.Amount"], "default": null}
  ]
}"#;

#[test]
fn a_decimal_on_a_named_fixed_gets_a_type_of_its_own_in_every_target() {
    let contract = contract(SchemaType::Avro, DECIMAL_ON_FIXED, &[]);

    let java = generate(contract, Target::Java).unwrap();
    let typescript = generate(contract, Target::TypeScript).unwrap();
    let python = generate(contract, Target::Python).unwrap();

    let amount = file(&java, "src/main/java/com/acme/payments/Amount.java");
    assert!(
        amount.contains("@org.apache.avro.specific.FixedSize(8)"),
        "{amount}"
    );
    assert!(
        amount.contains("public class Amount extends org.apache.avro.specific.SpecificFixed"),
        "{amount}"
    );
    let types = file(&typescript, "src/types.ts");
    assert!(types.contains("export type Amount = Buffer;"), "{types}");
    let models = file(&python, "models.py");
    assert!(models.contains("Amount = decimal.Decimal"), "{models}");
}
