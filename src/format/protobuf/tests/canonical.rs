use base64::Engine;
use prost_types::{DescriptorProto, FileDescriptorProto};

use super::{dependency, normalize, parse, proto, proto3};

const ORDER: &str = r#"
syntax = "proto3";
package acme.orders;

import "google/protobuf/timestamp.proto";

option java_package = "com.acme.orders";

// An order.
message Order {
  reserved 9, 20 to 25;
  reserved "legacy";
  string id = 1;
  repeated Line lines = 2 [deprecated = true];
  map<string, int64> totals = 3;
  google.protobuf.Timestamp created = 4;
  optional int32 priority = 5;
  oneof payment {
    string card = 6;
    Cash cash = 7;
  }
  message Line {
    string sku = 1;
    uint32 quantity = 2 [json_name = "qty", deprecated = true];
  }
  enum Status {
    STATUS_UNKNOWN = 0;
    STATUS_OPEN = 1;
  }
  Status status = 8;
}

message Cash { double amount = 1; }

enum Channel {
  option allow_alias = true;
  CHANNEL_UNKNOWN = 0;
  CHANNEL_WEB = 1;
  CHANNEL_ONLINE = 1;
}

service Orders {
  rpc Place (Order) returns (Order);
  rpc Watch (stream Order) returns (stream Order) { option deprecated = true; }
}
"#;

const PROTO2: &str = r#"
syntax = "proto2";
package legacy;

message Account {
  required string id = 1;
  optional int32 level = 2 [default = 3];
  optional string name = 3 [default = "a \"quoted\" name"];
  repeated int64 ids = 4 [packed = true];
  optional Kind kind = 5 [default = GOLD];
  optional group Extra = 6 {
    optional bool vip = 1;
  }
  extensions 100 to 199;
  enum Kind {
    reserved 10 to max;
    SILVER = 0;
    GOLD = 1;
  }
}

extend Account {
  optional string note = 100;
}
"#;

/// The descriptor with each message's fields in number order: the canonical text lists oneof
/// members after the other fields, which is the only order it does not keep.
fn by_number(file: &FileDescriptorProto) -> FileDescriptorProto {
    fn sort(message: &mut DescriptorProto) {
        message.field.sort_by_key(|f| f.number());
        message.nested_type.iter_mut().for_each(sort);
    }
    let mut file = file.clone();
    file.message_type.iter_mut().for_each(sort);
    file
}

fn reparsed(text: &str) -> String {
    let first = proto(text).canonical();
    parse(&first, &[])
        .unwrap_or_else(|err| panic!("canonical text should re-parse: {err}\n{first}"))
        .canonical()
}

#[test]
fn canonical_text_has_confluents_layout() {
    let canonical = proto(ORDER).canonical();
    assert!(canonical.starts_with(
        "syntax = \"proto3\";\npackage acme.orders;\n\nimport \"google/protobuf/timestamp.proto\";\n\noption java_package = \"com.acme.orders\";\n\nmessage Order {\n  reserved 9, 20 to 25;\n  reserved \"legacy\";\n\n  string id = 1;\n  repeated Line lines = 2 [deprecated = true];\n  map<string, int64> totals = 3;\n"
    ), "{canonical}");
    assert!(
        canonical.contains("  oneof payment {\n    string card = 6;\n    Cash cash = 7;\n  }\n")
    );
    assert!(canonical.contains(
        "    uint32 quantity = 2 [\n      deprecated = true,\n      json_name = \"qty\"\n    ];\n"
    ));
    assert!(canonical.contains("}\nmessage Cash {\n  double amount = 1;\n}\nenum Channel {\n  option allow_alias = true;\n  CHANNEL_UNKNOWN = 0;\n  CHANNEL_WEB = 1;\n  CHANNEL_ONLINE = 1;\n}\n"));
    assert!(canonical.ends_with(
        "\nservice Orders {\n  rpc Place (Order) returns (Order);\n  rpc Watch (stream Order) returns (stream Order) {\n    option deprecated = true;\n  };\n}\n"
    ), "{canonical}");
}

#[test]
fn comments_and_whitespace_do_not_change_the_canonical_text() {
    let compact = proto3("message A { int32 x = 1; /* note */ string y = 2; }");
    let spread =
        proto3("// A message.\nmessage   A {\n\n  int32 x = 1;   // first\n  string y = 2;\n}\n");
    assert_eq!(proto(&compact).canonical(), proto(&spread).canonical());
}

#[test]
fn canonical_text_keeps_the_declaration_order_of_fields() {
    let text = "syntax = \"proto2\";\nmessage A {\n  optional string b = 2;\n  optional int32 a = 1;\n  optional group G = 4 {\n    optional int32 y = 6;\n    optional int32 x = 5;\n  }\n}\n";
    let canonical = proto(text).canonical();
    assert!(
        canonical.contains("  optional string b = 2;\n  optional int32 a = 1;\n"),
        "{canonical}"
    );
    assert!(
        canonical.contains("    optional int32 y = 6;\n    optional int32 x = 5;\n"),
        "{canonical}"
    );
}

#[test]
fn canonical_text_reparses_to_the_same_descriptor() {
    for text in [ORDER, PROTO2] {
        let first = proto(text);
        let second = proto(&first.canonical());
        assert_eq!(second.canonical(), first.canonical());
        assert_eq!(
            by_number(second.file.file_descriptor_proto()),
            by_number(first.file.file_descriptor_proto()),
            "{}",
            first.canonical()
        );
    }
}

#[test]
fn proto2_labels_defaults_groups_and_extensions_are_rendered() {
    let canonical = proto(PROTO2).canonical();
    for line in [
        "  required string id = 1;\n",
        "  optional int32 level = 2 [default = 3];\n",
        "  optional string name = 3 [default = \"a \\\"quoted\\\" name\"];\n",
        "  repeated int64 ids = 4 [packed = true];\n",
        "  optional Kind kind = 5 [default = GOLD];\n",
        "  optional group Extra = 6 {\n    optional bool vip = 1;\n  }\n",
        "  extensions 100 to 199;\n",
        "    reserved 10 to max;\n",
        "extend Account {\n  optional string note = 100;\n}\n",
    ] {
        assert!(canonical.contains(line), "missing {line:?} in\n{canonical}");
    }
    assert_eq!(reparsed(PROTO2), canonical);
}

#[test]
fn type_names_and_file_options_are_kept_as_written_as_confluent_keeps_them() {
    let text = proto3("message Other {}\nmessage Msg {\n  message Other {}\n  .acme.Other outer = 1;\n  Other inner = 2;\n}\n");
    let canonical = proto(&text).canonical();
    assert!(
        canonical.contains("  .acme.Other outer = 1;\n  Other inner = 2;\n"),
        "{canonical}"
    );
    assert_eq!(reparsed(&text), canonical);
    let options = proto(
        "syntax = \"proto3\";\noption go_package = \"x/y\";\noption optimize_for = SPEED;\nmessage M {}\n",
    );
    assert!(
        options
            .canonical()
            .contains("option go_package = \"x/y\";\noption optimize_for = SPEED;\n"),
        "{}",
        options.canonical()
    );
}

#[test]
fn custom_options_are_kept() {
    let text = r#"syntax = "proto3";
package acme;
import "google/protobuf/descriptor.proto";
message Rule { string expr = 1; repeated string tags = 2; }
extend google.protobuf.FieldOptions { Rule rule = 50001; string label = 50002; }
message Msg {
  string id = 1 [(label) = "key", (rule) = { expr: "size > 0", tags: ["a", "b"] }];
}
"#;
    let canonical = proto(text).canonical();
    assert!(canonical.contains("(acme.label) = \"key\""), "{canonical}");
    assert!(canonical.contains("(acme.rule) = {"), "{canonical}");
    assert_eq!(reparsed(text), canonical);
}

#[test]
fn serialized_is_the_base64_descriptor_and_parses_back_to_the_same_text() {
    let schema = proto(ORDER);
    let serialized = schema.serialized();
    let bytes = base64::engine::general_purpose::STANDARD.decode(&serialized);
    assert!(bytes.is_ok(), "standard padded base64: {serialized}");
    let again = parse(&serialized, &[]).expect("serialized form should parse");
    assert_eq!(again.canonical(), schema.canonical());
}

#[test]
fn normalized_text_sorts_fields_and_imports_and_qualifies_types() {
    let deps = [
        dependency(
            "b.proto",
            "syntax = \"proto3\";\npackage b;\nmessage B {}\n",
        ),
        dependency(
            "a.proto",
            "syntax = \"proto3\";\npackage a;\nmessage A {}\n",
        ),
    ];
    let one = "syntax = \"proto3\";\nimport \"b.proto\";\nimport \"a.proto\";\nmessage M {\n  b.B second = 2;\n  a.A first = 1;\n  oneof o { int32 z = 4; int32 y = 3; }\n}\n";
    let two = "syntax = \"proto3\";\nimport \"a.proto\";\nimport \"b.proto\";\nmessage M {\n  a.A first = 1;\n  .b.B second = 2;\n  oneof o { int32 y = 3; int32 z = 4; }\n}\n";
    let one = parse(one, &deps).expect("one parses");
    let two = parse(two, &deps).expect("two parses");
    assert_ne!(one.canonical(), two.canonical());
    assert_eq!(normalize(&one), normalize(&two));
    assert_eq!(
        normalize(&one),
        "syntax = \"proto3\";\n\nimport \"a.proto\";\nimport \"b.proto\";\n\nmessage M {\n  .a.A first = 1;\n  .b.B second = 2;\n\n  oneof o {\n    int32 y = 3;\n    int32 z = 4;\n  }\n}\n"
    );
}

#[test]
fn normalizing_is_idempotent() {
    for text in [ORDER, PROTO2] {
        let once = normalize(&proto(text));
        let deps = [];
        let twice = normalize(&parse(&once, &deps).expect("normalized text should parse"));
        assert_eq!(once, twice);
    }
}

#[test]
fn normalized_proto2_omits_the_syntax_line_and_splits_reserved_ranges() {
    let normalized = normalize(&proto(PROTO2));
    assert!(normalized.starts_with("package legacy;\n"), "{normalized}");
    let text =
        proto3("message M {\n  reserved 7, 2 to 3;\n  reserved \"b\", \"a\";\n  int32 x = 1;\n}\n");
    let normalized = normalize(&proto(&text));
    assert!(
        normalized
            .contains("  reserved 2 to 3;\n  reserved 7;\n  reserved \"a\";\n  reserved \"b\";\n"),
        "{normalized}"
    );
}

#[test]
fn ignore_extensions_leaves_out_extension_ranges_and_extend_blocks() {
    let schema = proto(
        "syntax = \"proto2\";\nmessage M {\n  optional int32 a = 1;\n  extensions 100 to 199;\n}\n\
         extend M {\n  optional int32 ext = 100;\n}\n",
    );
    assert!(schema.canonical().contains("extensions 100 to 199;"));
    assert_eq!(
        schema.without_extensions(),
        "syntax = \"proto2\";\n\nmessage M {\n  optional int32 a = 1;\n}\n"
    );
}
