use base64::Engine;

use super::{dependency, parse, proto, proto3, refusal};

#[test]
fn a_syntax_error_is_refused_with_its_line_and_column() {
    let err = refusal("syntax = \"proto3\";\nmessage A {\n  int32 x = 1\n}\n");
    assert_eq!(err, "line 4, column 1: expected ';' or '[', but found '}'");
}

#[test]
fn an_unknown_type_is_refused_with_its_position() {
    let err = refusal(&proto3("message A {\n  Missing m = 1;\n}\n"));
    assert!(err.starts_with("line 5, column 3: "), "{err}");
    assert!(err.contains("Missing"), "{err}");
}

#[test]
fn a_duplicate_field_number_is_refused() {
    let err = refusal(&proto3("message A {\n  int32 x = 1;\n  int32 y = 1;\n}\n"));
    assert_eq!(err, "line 5, column 13: field number '1' is already used");
}

#[test]
fn an_import_naming_no_file_is_accepted_as_in_confluent_with_a_warning() {
    let schema = proto("syntax = \"proto3\";\nimport \"missing.proto\";\nmessage M {}\n");
    assert!(schema.canonical().contains("import \"missing.proto\";"));
    assert_eq!(schema.warnings().len(), 1);
    assert!(schema.warnings()[0].contains("'missing.proto'"));
    // A type it would have provided still resolves nowhere.
    let err =
        refusal("syntax = \"proto3\";\nimport \"missing.proto\";\nmessage M { x.Y y = 1; }\n");
    assert!(err.contains("x.Y"), "{err}");
}

#[test]
fn well_known_types_import_without_registration() {
    let text = proto3(
        "import \"google/protobuf/timestamp.proto\";\nimport \"google/protobuf/wrappers.proto\";\n\
         import \"google/protobuf/any.proto\";\nimport \"google/protobuf/struct.proto\";\n\
         import \"google/protobuf/duration.proto\";\nimport \"google/protobuf/empty.proto\";\n\
         import \"google/protobuf/field_mask.proto\";\n\
         message A {\n  google.protobuf.Timestamp at = 1;\n  google.protobuf.StringValue name = 2;\n\
         google.protobuf.Any any = 3;\n  google.protobuf.Struct meta = 4;\n}\n",
    );
    let schema = proto(&text);
    assert!(schema
        .canonical()
        .contains("google.protobuf.Timestamp at = 1;"));
}

#[test]
fn confluents_known_dependencies_import_without_registration() {
    // confluent-kafka's serializers never send these as references (`_is_builtin`), and
    // Confluent's registry resolves them itself (`ProtobufSchema.KNOWN_DEPENDENCIES`).
    let text = proto3(
        "import \"confluent/meta.proto\";\nimport \"confluent/type/decimal.proto\";\n\
         import \"google/type/date.proto\";\nimport \"google/type/money.proto\";\n\
         import \"google/type/color.proto\";\nimport \"google/type/datetime.proto\";\n\
         message A {\n  confluent.type.Decimal amount = 1 [(confluent.field_meta).doc = \"cents\"];\n\
         google.type.Date day = 2;\n  google.type.Money price = 3;\n  google.type.Color color = 4;\n\
         google.type.DateTime at = 5;\n}\n",
    );
    let canonical = proto(&text).canonical();
    assert!(
        canonical.contains("import \"google/type/date.proto\";"),
        "{canonical}"
    );
    assert!(canonical.contains("doc: \"cents\""), "{canonical}");
}

#[test]
fn imports_resolve_through_dependencies_in_order() {
    let common = "syntax = \"proto3\";\npackage common;\nimport \"google/protobuf/timestamp.proto\";\nmessage Audit { google.protobuf.Timestamp at = 1; }\n";
    let money = "syntax = \"proto3\";\npackage common;\nimport \"common/audit.proto\";\nmessage Money { int64 cents = 1; Audit audit = 2; }\n";
    let deps = [
        dependency("common/audit.proto", common),
        dependency("common/money.proto", money),
    ];
    let text =
        proto3("import \"common/money.proto\";\nmessage Order { common.Money total = 1; }\n");
    let schema = parse(&text, &deps).expect("imports resolve");
    assert!(schema
        .canonical()
        .contains("import \"common/money.proto\";\n"));
    assert!(schema.canonical().contains("  common.Money total = 1;\n"));
}

#[test]
fn an_error_in_a_dependency_names_the_import() {
    let deps = [dependency(
        "bad.proto",
        "syntax = \"proto3\";\nmessage B {\n  int32 x = ;\n}\n",
    )];
    let err = parse("syntax = \"proto3\";\nimport \"bad.proto\";\n", &deps).expect_err("refused");
    assert!(
        err.starts_with("in import 'bad.proto', line 3, column 13: "),
        "{err}"
    );
}

#[test]
fn a_base64_descriptor_is_read_as_the_file_it_describes() {
    let text = proto3("import \"google/protobuf/timestamp.proto\";\nmessage A {\n  google.protobuf.Timestamp at = 1;\n  repeated string tags = 2;\n}\n");
    let original = proto(&text);
    let decoded = proto(&original.serialized());
    assert_eq!(decoded.canonical(), original.canonical());
}

#[test]
fn a_base64_descriptor_may_import_dependencies() {
    let dep = "syntax = \"proto3\";\npackage other;\nmessage O { string s = 1; }\n";
    let deps = [dependency("other.proto", dep)];
    let text = "syntax = \"proto3\";\nimport \"other.proto\";\nmessage A { other.O o = 1; }\n";
    let original = parse(text, &deps).expect("parses");
    let decoded = parse(&original.serialized(), &deps).expect("descriptor parses");
    assert_eq!(decoded.canonical(), original.canonical());
    let missing = parse(&original.serialized(), &[]).expect_err("import is needed");
    assert!(missing.contains("other.O"), "{missing}");
}

#[test]
fn a_dependency_may_itself_be_a_base64_descriptor() {
    let dep = proto("syntax = \"proto3\";\npackage other;\nmessage O { string s = 1; }\n");
    let deps = [dependency("other.proto", &dep.serialized())];
    let schema = parse(
        "syntax = \"proto3\";\nimport \"other.proto\";\nmessage A { other.O o = 1; }\n",
        &deps,
    );
    assert!(schema.is_ok(), "{schema:?}");
}

#[test]
fn deep_nesting_is_refused_rather_than_overflowing_the_stack() {
    let deep = format!(
        "syntax = \"proto3\";\noption (x) = {}{}{};\n",
        "{ a ".repeat(5000),
        "",
        "}".repeat(5000)
    );
    let err = refusal(&deep);
    assert!(err.contains("nesting is deeper than"), "{err}");
    let messages = format!(
        "syntax = \"proto3\";\n{}{}",
        "message M { ".repeat(200),
        "}".repeat(200)
    );
    assert!(parse(&messages, &[]).is_err());
}

#[test]
fn arbitrary_input_never_panics() {
    let engine = base64::engine::general_purpose::STANDARD;
    let inputs = [
        String::new(),
        "{".to_string(),
        "\u{0}\u{1}".to_string(),
        "message".to_string(),
        "AAAA".to_string(),
        engine.encode([0xff_u8; 12]),
        engine.encode(b"\x0a\x03abc\x12"),
        "syntax = \"proto4\";".to_string(),
        "message A { map<A, int32> m = 1; }".to_string(),
        "message A { oneof o { } }".to_string(),
        "enum E { }".to_string(),
        "\"unterminated".to_string(),
        "/* unterminated".to_string(),
    ];
    for input in inputs {
        let _ = parse(&input, &[]);
    }
}

#[test]
fn the_empty_text_is_an_empty_file() {
    assert_eq!(proto("").canonical(), "");
}

#[test]
fn a_descriptor_that_renders_no_valid_proto_is_refused() {
    // Found by the `protobuf_descriptor` fuzz target: a service with an empty name (field 6,
    // length 0) decoded and rendered as `service  {}`, stored text that no longer parses.
    let message = refusal("MgA=");
    assert!(
        message.contains("service name '' is not a valid identifier"),
        "{message}"
    );
    // An empty `syntax` (field 12, length 0) made prost-reflect panic; the panic was caught, and
    // the schema refused only with a generic message.
    let message = refusal("YgA=");
    assert!(message.contains("unknown syntax ''"), "{message}");
    // Names that are not identifiers, in a message and in a field.
    let mut file = prost_types::FileDescriptorProto {
        name: Some("bad.proto".to_string()),
        message_type: vec![prost_types::DescriptorProto {
            name: Some("my message".to_string()),
            ..Default::default()
        }],
        ..Default::default()
    };
    let encoded = |file: &prost_types::FileDescriptorProto| {
        base64::engine::general_purpose::STANDARD.encode(prost::Message::encode_to_vec(file))
    };
    refusal(&encoded(&file));
    file.message_type[0].name = Some("M".to_string());
    assert!(parse(&encoded(&file), &[]).is_ok());
}

#[test]
fn confluents_meta_options_need_no_import_and_the_text_adds_none() {
    let text = "syntax = \"proto3\";\nmessage M {\n  string a = 1 [(confluent.field_meta) = { tags: [\"PII\"] }];\n}\n";
    let schema = proto(text);
    assert!(
        !schema.canonical().contains("import"),
        "{}",
        schema.canonical()
    );
    assert!(schema.canonical().contains("(confluent.field_meta)"));
    // Messages keep the schema's own line numbers.
    let err = refusal("syntax = \"proto3\";\nmessage M {\n  string a = 1 [(confluent.field_meta) = { nope: 1 }];\n}\n");
    assert!(err.starts_with("line 3"), "{err}");
}
