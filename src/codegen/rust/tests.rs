//! The Rust packages generated for the contracts in `tests/fixtures/codegen`: what each file
//! holds. `tests/codegen/rust.sh` builds and runs them with cargo.

use crate::codegen::tests::{
    avro_deps, contract, file, json_deps, proto_deps, ORDER, PROTO_ORDER, SHIPMENT,
};
use crate::codegen::{generate, supported, Contract, Refusal, Target};
use crate::format::Dependency;
use crate::types::SchemaType;

#[test]
fn every_format_offers_rust() {
    for schema_type in [SchemaType::Avro, SchemaType::Protobuf, SchemaType::Json] {
        assert!(
            supported(schema_type).contains(&Target::Rust),
            "{schema_type}"
        );
    }
}

#[test]
fn avro_package_holds_rsgen_types_for_the_schema_and_its_references() {
    let deps = avro_deps();
    let files = generate(contract(SchemaType::Avro, ORDER, &deps), Target::Rust).unwrap();

    let paths: Vec<&str> = files.iter().map(|f| f.path.as_str()).collect();
    assert_eq!(paths, ["Cargo.toml", "src/lib.rs", "tests/sample.rs"]);
    let manifest = file(&files, "Cargo.toml");
    assert!(manifest.contains("name = \"order-types\""), "{manifest}");
    assert!(manifest.contains("apache-avro = \"0.22\""), "{manifest}");
    assert!(manifest.contains("serde = { version = \"1\", features = [\"derive\"] }"));
    let lib = file(&files, "src/lib.rs");
    assert!(lib.contains("pub struct Order {"), "{lib}");
    assert!(
        lib.contains("pub struct Money {"),
        "the referenced type is included: {lib}"
    );
    assert!(lib.contains("pub amount: apache_avro::Decimal,"), "{lib}");
    assert!(lib.contains("#[serde(rename = \"PENDING\")]"), "{lib}");
    assert!(lib.contains("/// An order a customer placed."), "{lib}");
    assert!(
        lib.contains("com.acme.orders.Order.created_at: timestamp-millis"),
        "{lib}"
    );
    assert!(
        lib.contains("//   com.acme.orders.Order.payment\n"),
        "the union rsgen-avro cannot read into is named: {lib}"
    );
}

#[test]
fn avro_starter_test_decodes_the_wire_body_with_the_registered_schemas() {
    let deps = avro_deps();
    let files = generate(contract(SchemaType::Avro, ORDER, &deps), Target::Rust).unwrap();

    let test = file(&files, "tests/sample.rs");
    assert!(test.contains("use order_types as types;"), "{test}");
    assert!(test.contains("const WIRE: &[u8] = &[\n    0x00, 0x00, 0x00, 0x00, 0x07,"));
    assert!(test.contains("assert_eq!(schema_id, 7, \"schema id\");"));
    assert!(
        test.contains("\"namespace\": \"com.acme.shared\""),
        "the reference's schema is there to resolve Money: {test}"
    );
    assert!(test.contains("let decoded: types::Order = apache_avro::from_value(&value).unwrap();"));
    assert!(
        test.contains("serde_json::to_value(&decoded.status).unwrap(),\n        serde_json::json!(\"PENDING\"),"),
        "{test}"
    );
}

#[test]
fn protobuf_package_nests_one_module_per_package_with_prost_messages() {
    let deps = proto_deps();
    let files = generate(
        contract(SchemaType::Protobuf, PROTO_ORDER, &deps),
        Target::Rust,
    )
    .unwrap();

    let manifest = file(&files, "Cargo.toml");
    assert!(manifest.contains("prost = \"0.14\""), "{manifest}");
    assert!(
        manifest.contains("prost-types = \"0.14\""),
        "google/protobuf/timestamp.proto is prost-types': {manifest}"
    );
    let lib = file(&files, "src/lib.rs");
    assert!(
        lib.contains("pub mod acme {\n    pub mod orders {"),
        "{lib}"
    );
    assert!(lib.contains("    pub mod shared {"), "{lib}");
    assert!(
        lib.contains("::core::option::Option<super::shared::Money>"),
        "{lib}"
    );
    assert!(
        lib.contains("::core::option::Option<::prost_types::Timestamp>"),
        "{lib}"
    );
    assert!(
        lib.contains("pub enum Payment {"),
        "the oneof is an enum: {lib}"
    );
    assert!(
        lib.contains("/// ISO 4217 code."),
        "comments are carried: {lib}"
    );
    let test = file(&files, "tests/sample.rs");
    assert!(
        test.contains("let decoded = types::acme::orders::Order::decode(&WIRE[6..]).unwrap();"),
        "{test}"
    );
    assert!(test.contains("assert_eq!(decoded.id, \"id-0\");"), "{test}");
}

#[test]
fn json_schema_package_bundles_references_and_merges_all_of_with_typify() {
    let deps = json_deps();
    let files = generate(contract(SchemaType::Json, SHIPMENT, &deps), Target::Rust).unwrap();

    let manifest = file(&files, "Cargo.toml");
    assert!(manifest.contains("name = \"shipment-types\""), "{manifest}");
    assert!(
        manifest.contains("uuid = "),
        "customer.id is a uuid: {manifest}"
    );
    assert!(
        manifest.contains("chrono = "),
        "tracking.eta is a date-time: {manifest}"
    );
    let lib = file(&files, "src/lib.rs");
    assert!(lib.contains("pub struct Shipment {"), "{lib}");
    assert!(lib.contains("pub customer: Customer,"), "{lib}");
    assert!(lib.contains("pub id: ::uuid::Uuid,"), "{lib}");
    assert!(
        lib.contains("pub eta: ::chrono::DateTime<::chrono::offset::Utc>,"),
        "allOf merges Tracked and eta: {lib}"
    );
    assert!(
        lib.contains("pub signed_by: ::std::option::Option<::std::string::String>,"),
        "{lib}"
    );
    assert!(lib.contains("///A parcel on its way."), "{lib}");
    assert!(lib.contains("the string format `email`"), "{lib}");
    assert!(
        lib.contains("Not checked here: `minimum` on `number`s"),
        "weight_kg's minimum: {lib}"
    );
    let test = file(&files, "tests/sample.rs");
    assert!(
        test.contains(
            "let decoded: types::Shipment = serde_json::from_slice(&WIRE[5..]).unwrap();"
        ),
        "{test}"
    );
}

#[test]
fn a_referenced_json_schema_keeps_its_definitions_apart_from_the_schemas_own() {
    let address =
        r#"{"type": "object", "properties": {"line": {"type": "string"}}, "required": ["line"]}"#;
    let dep = format!(
        r##"{{"title": "Customer", "type": "object", "definitions": {{"Address": {address}}},
            "properties": {{"home": {{"$ref": "#/definitions/Address"}}}}, "required": ["home"]}}"##
    );
    let schema = r##"{"title": "Order", "type": "object",
        "definitions": {"Address": {"type": "object", "properties": {"city": {"type": "string"}}}},
        "properties": {
            "customer": {"$ref": "customer.json"},
            "home": {"$ref": "customer.json#/definitions/Address"},
            "ship_to": {"$ref": "#/definitions/Address"}
        }}"##;
    let deps = vec![Dependency {
        name: "customer.json".to_string(),
        schema_type: SchemaType::Json,
        schema: dep,
    }];

    let files = generate(contract(SchemaType::Json, schema, &deps), Target::Rust).unwrap();

    let lib = file(&files, "src/lib.rs");
    assert!(
        lib.contains("pub struct CustomerAddress {\n    pub line:"),
        "{lib}"
    );
    assert!(lib.contains("pub struct Address {"), "{lib}");
    assert!(lib.contains("pub home: CustomerAddress,"), "{lib}");
    assert!(
        lib.contains("pub home: ::std::option::Option<CustomerAddress>,"),
        "{lib}"
    );
    assert!(
        lib.contains("pub ship_to: ::std::option::Option<Address>,"),
        "{lib}"
    );
}

#[test]
fn avro_types_of_one_name_in_two_namespaces_are_refused_naming_both() {
    let schema = r#"{"type": "record", "name": "Order", "namespace": "com.acme", "fields": [
        {"name": "line", "type": {"type": "record", "name": "Line", "fields": []}},
        {"name": "old", "type": {"type": "record", "name": "Line", "namespace": "com.legacy", "fields": []}}
    ]}"#;

    let refusal = generate(contract(SchemaType::Avro, schema, &[]), Target::Rust).unwrap_err();

    assert!(
        matches!(&refusal, Refusal::Invalid(reason)
            if reason.contains("'com.acme.Line' and 'com.legacy.Line'")),
        "{refusal:?}"
    );
}

#[test]
fn a_union_of_records_reads_its_record_branches_and_a_decimal_on_a_named_fixed_is_used_by_name() {
    let schema = r#"{"type":"record","name":"Pay","namespace":"p","fields":[
        {"name":"amount","type":{"type":"fixed","name":"Amount","size":8,"logicalType":"decimal","precision":18,"scale":4}},
        {"name":"refunded","type":["null","p.Amount"],"default":null},
        {"name":"method","type":[
            {"type":"record","name":"Card","fields":[{"name":"last4","type":"string"}]},
            {"type":"record","name":"Wallet","fields":[{"name":"provider","type":"string"}]},
            "string"]}]}"#;
    let files = rust_of(SchemaType::Avro, schema);
    let lib = &files
        .iter()
        .find(|f| f.path == "src/lib.rs")
        .unwrap()
        .content;
    assert!(lib.contains("fn visit_map"), "{lib}");
    assert!(
        lib.contains("return Ok(UnionCardWalletString::Card(v))"),
        "{lib}"
    );
    assert!(
        lib.contains("pub refunded: Option<apache_avro::Decimal>"),
        "{lib}"
    );
    let manifest = &files
        .iter()
        .find(|f| f.path == "Cargo.toml")
        .unwrap()
        .content;
    assert!(manifest.contains("serde-value"), "{manifest}");
}

#[test]
fn a_protobuf_message_using_a_well_known_type_gets_prost_types() {
    let schema = "syntax = \"proto3\";\npackage p;\nimport \"google/protobuf/timestamp.proto\";\n\
                  message Paid {\n  string id = 1;\n  google.protobuf.Timestamp at = 2;\n}\n";
    let files = rust_of(SchemaType::Protobuf, schema);
    let lib = &files
        .iter()
        .find(|f| f.path == "src/lib.rs")
        .unwrap()
        .content;
    assert!(lib.contains("::prost_types::Timestamp"), "{lib}");
    assert!(!lib.contains("pub mod google"), "{lib}");
}

/// The Rust package generated for `schema`, which has no references.
fn rust_of(schema_type: SchemaType, schema: &str) -> Vec<crate::codegen::File> {
    let contract = Contract {
        schema_type,
        schema,
        deps: &[],
        id: 7,
    };
    generate(contract, Target::Rust).expect("generates")
}
