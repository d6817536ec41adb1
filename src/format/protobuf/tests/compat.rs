use super::{backward, can_read, dependency, forward, parse, proto3, ReaderIs};

fn msg(fields: &str) -> String {
    proto3(&format!("message Msg {{\n{fields}\n}}\n"))
}

fn both_ways_compatible(old: &str, new: &str) {
    assert_eq!(backward(old, new), Vec::<String>::new(), "backward");
    assert_eq!(forward(old, new), Vec::<String>::new(), "forward");
}

#[test]
fn identical_schemas_are_compatible() {
    let schema = msg("  string id = 1;\n  repeated int64 ids = 2;\n  map<string, Msg> kids = 3;");
    both_ways_compatible(&schema, &schema);
}

#[test]
fn removing_adding_and_renaming_fields_are_compatible() {
    let old = msg("  string id = 1;\n  int32 age = 2;");
    both_ways_compatible(&old, &msg("  string id = 1;"));
    both_ways_compatible(&old, &msg("  string id = 1;\n  int32 years = 2;"));
    both_ways_compatible(
        &old,
        &msg("  string id = 1;\n  int32 age = 2;\n  bool vip = 3;"),
    );
}

#[test]
fn a_package_change_is_incompatible() {
    let old = msg("  string id = 1;");
    let new = old.replace("package acme;", "package other;");
    assert_eq!(
        backward(&old, &new),
        vec!["{errorType:\"PACKAGE_CHANGED\", description:\"The package at '#/' in the new schema does not match the package in the old schema\"}"]
    );
}

#[test]
fn removing_a_message_is_incompatible_but_adding_one_is_not() {
    let old = proto3("message Msg { string id = 1; }\nmessage Gone { int32 x = 1; }\n");
    let new = proto3("message Msg { string id = 1; }\n");
    assert_eq!(
        backward(&old, &new),
        vec!["{errorType:\"MESSAGE_REMOVED\", description:\"The new schema is missing a MESSAGE type at path '#/Gone' in the old schema\"}"]
    );
    assert!(
        forward(&old, &new).is_empty(),
        "an added message is compatible"
    );
}

#[test]
fn removing_a_nested_message_is_incompatible_but_map_entries_are_exempt() {
    let old = msg("  message Inner { int32 x = 1; }\n  map<string, int32> m = 1;");
    let new = msg("  int32 other = 2;");
    assert_eq!(
        backward(&old, &new),
        vec!["{errorType:\"MESSAGE_REMOVED\", description:\"The new schema is missing a MESSAGE type at path '#/Msg/Inner' in the old schema\"}"]
    );
}

#[test]
fn changing_a_field_between_scalar_message_and_map_changes_its_kind() {
    let scalar = msg("  string a = 1;\n  message Sub { int32 x = 1; }");
    let message = msg("  Sub a = 1;\n  message Sub { int32 x = 1; }");
    let map = msg("  map<string, string> a = 1;\n  message Sub { int32 x = 1; }");
    let kind = "{errorType:\"FIELD_KIND_CHANGED\", description:\"The type of a field at path '#/Msg/1' in the new schema does not match the old schema\"}";
    assert_eq!(backward(&scalar, &message), vec![kind]);
    assert_eq!(backward(&message, &map), vec![kind]);
    assert_eq!(
        forward(&scalar, &map),
        vec![kind.replace(
            "new schema does not match the old",
            "old schema does not match the new"
        )]
    );
}

#[test]
fn scalar_changes_within_a_group_are_compatible() {
    for (a, b) in [
        ("int32", "int64"),
        ("uint32", "bool"),
        ("sint32", "sint64"),
        ("string", "bytes"),
        ("fixed32", "sfixed32"),
        ("fixed64", "sfixed64"),
    ] {
        both_ways_compatible(
            &msg(&format!("  {a} f = 1;")),
            &msg(&format!("  {b} f = 1;")),
        );
    }
    let with_enum = msg("  E f = 1;\n  enum E { A = 0; }");
    both_ways_compatible(&msg("  int32 f = 1;\n  enum E { A = 0; }"), &with_enum);
}

#[test]
fn scalar_changes_across_groups_are_incompatible() {
    let expected = "{errorType:\"FIELD_SCALAR_KIND_CHANGED\", description:\"The kind of a SCALAR field at path '#/Msg/1' in the new schema does not match its kind in the old schema\"}";
    for (a, b) in [
        ("int32", "sint32"),
        ("int64", "fixed64"),
        ("float", "double"),
        ("string", "int32"),
    ] {
        let (old, new) = (msg(&format!("  {a} f = 1;")), msg(&format!("  {b} f = 1;")));
        assert_eq!(backward(&old, &new), vec![expected], "{a} -> {b}");
    }
}

#[test]
fn map_values_are_compared_like_fields() {
    let old = msg("  map<string, int32> m = 1;");
    assert!(backward(&old, &msg("  map<string, int64> m = 1;")).is_empty());
    assert_eq!(
        backward(&old, &msg("  map<string, double> m = 1;")),
        vec!["{errorType:\"FIELD_SCALAR_KIND_CHANGED\", description:\"The kind of a SCALAR field at path '#/Msg/1' in the new schema does not match its kind in the old schema\"}"]
    );
}

#[test]
fn pointing_a_field_at_another_message_is_incompatible() {
    let old = proto3(
        "message A { int32 x = 1; }\nmessage B { int32 x = 1; }\nmessage Msg { A f = 1; }\n",
    );
    let new = proto3(
        "message A { int32 x = 1; }\nmessage B { int32 x = 1; }\nmessage Msg { B f = 1; }\n",
    );
    assert_eq!(
        backward(&old, &new),
        vec!["{errorType:\"FIELD_NAMED_TYPE_CHANGED\", description:\"The type of a MESSAGE field at path '#/Msg/1' in the new schema does not match its type in the old schema\"}"]
    );
}

#[test]
fn an_incompatible_change_inside_an_imported_type_is_reported_at_the_field_too() {
    let dep_v1 = "syntax = \"proto3\";\npackage dep;\nmessage D { int32 x = 1; }\n";
    let dep_v2 = "syntax = \"proto3\";\npackage dep;\nmessage D { string x = 1; }\n";
    let text = "syntax = \"proto3\";\nimport \"dep.proto\";\nmessage Msg { dep.D d = 1; }\n";
    let old = parse(text, &[dependency("dep.proto", dep_v1)]).expect("old parses");
    let new = parse(text, &[dependency("dep.proto", dep_v2)]).expect("new parses");
    assert_eq!(
        can_read(&new, &old, ReaderIs::New),
        vec![
            "{errorType:\"FIELD_SCALAR_KIND_CHANGED\", description:\"The kind of a SCALAR field at path '#/D/1' in the new schema does not match its kind in the old schema\"}",
            "{errorType:\"FIELD_NAMED_TYPE_CHANGED\", description:\"The type of a MESSAGE field at path '#/Msg/1' in the new schema does not match its type in the old schema\"}",
        ]
    );
}

#[test]
fn singular_to_repeated_is_flagged_for_numbers_with_an_explicit_label() {
    let old = "syntax = \"proto2\";\npackage acme;\nmessage Msg { optional int32 n = 1; optional string s = 2; }\n";
    let new = "syntax = \"proto2\";\npackage acme;\nmessage Msg { repeated int32 n = 1; repeated string s = 2; }\n";
    assert_eq!(
        backward(old, new),
        vec!["{errorType:\"FIELD_NUMERIC_LABEL_CHANGED\", description:\"The label for a NUMERIC field at path '#/Msg/1' in the new schema does not match its label in the old schema\"}"]
    );
    // proto3's implicit label is absent in Confluent's parse, so nothing is compared.
    both_ways_compatible(&msg("  int32 n = 1;"), &msg("  repeated int32 n = 1;"));
    assert_eq!(
        backward(
            &msg("  optional int32 n = 1;"),
            &msg("  repeated int32 n = 1;")
        )
        .len(),
        1
    );
}

#[test]
fn adding_or_removing_a_required_field_is_incompatible() {
    let old = "syntax = \"proto2\";\npackage acme;\nmessage Msg { optional int32 a = 1; }\n";
    let new = "syntax = \"proto2\";\npackage acme;\nmessage Msg { optional int32 a = 1; required int32 b = 2; }\n";
    assert_eq!(
        backward(old, new),
        vec!["{errorType:\"REQUIRED_FIELD_ADDED\", description:\"A required field  at path '#/Msg/2' in the new schema is missing in the old schema\"}"]
    );
    assert_eq!(
        backward(new, old),
        vec!["{errorType:\"REQUIRED_FIELD_REMOVED\", description:\"The new schema is missing a required field at path: '#/Msg/2' in the old schema\"}"]
    );
}

#[test]
fn removing_a_oneof_member_is_incompatible_unless_the_whole_oneof_goes() {
    let old = msg("  oneof choice {\n    int32 a = 1;\n    string b = 2;\n  }");
    assert_eq!(
        backward(&old, &msg("  oneof choice {\n    int32 a = 1;\n  }")),
        vec!["{errorType:\"ONEOF_FIELD_REMOVED\", description:\"The new schema is missing a oneof field at path '#/Msg/choice/2' in the old schema\"}"]
    );
    both_ways_compatible(&old, &msg("  int32 other = 3;"));
}

#[test]
fn moving_a_oneof_member_to_the_top_level_is_compatible() {
    let old = msg("  oneof choice {\n    int32 a = 1;\n    string b = 2;\n  }");
    assert!(backward(&old, &msg("  int32 a = 1;\n  string b = 2;")).is_empty());
}

#[test]
fn merging_several_fields_into_a_oneof_is_incompatible() {
    let old = msg("  int32 a = 1;\n  string b = 2;");
    let new = msg("  oneof choice {\n    int32 a = 1;\n    string b = 2;\n  }");
    assert_eq!(
        backward(&old, &new),
        vec!["{errorType:\"MULTIPLE_FIELDS_MOVED_TO_ONEOF\", description:\"Multiple fields in the oneof at path '#/Msg/choice' in the new schema are outside a oneof in the old schema\"}"]
    );
    assert!(
        backward(
            &msg("  int32 a = 1;"),
            &msg("  oneof choice {\n    int32 a = 1;\n  }")
        )
        .is_empty(),
        "one field into a new oneof is fine"
    );
}

#[test]
fn moving_a_field_into_an_existing_oneof_is_incompatible() {
    let old = msg("  int32 a = 1;\n  oneof choice {\n    string b = 2;\n  }");
    let new = msg("  oneof choice {\n    int32 a = 1;\n    string b = 2;\n  }");
    assert_eq!(
        backward(&old, &new),
        vec!["{errorType:\"FIELD_MOVED_TO_EXISTING_ONEOF\", description:\"A field in the oneof at path '#/Msg/choice' in the new schema is outside an existing oneof in the old schema\"}"]
    );
}

#[test]
fn enum_changes_syntax_changes_and_reserved_ranges_are_not_flagged() {
    let old = msg("  E e = 1;\n  enum E { A = 0; B = 1; }");
    both_ways_compatible(&old, &msg("  E e = 1;\n  enum E { A = 0; }"));
    both_ways_compatible(
        &old,
        &msg("  reserved 5 to 9;\n  E e = 1;\n  enum E { A = 0; B = 1; C = 2; }"),
    );
    let proto2 = "syntax = \"proto2\";\npackage acme;\nmessage Msg { optional E e = 1; enum E { A = 0; B = 1; } }\n";
    assert!(backward(&old, proto2).is_empty());
}

#[test]
fn nested_messages_are_compared_field_by_field() {
    let old = msg("  message Inner { int32 x = 1; }\n  Inner i = 1;");
    let new = msg("  message Inner { double x = 1; }\n  Inner i = 1;");
    assert_eq!(
        backward(&old, &new),
        vec!["{errorType:\"FIELD_SCALAR_KIND_CHANGED\", description:\"The kind of a SCALAR field at path '#/Msg/Inner/1' in the new schema does not match its kind in the old schema\"}"]
    );
}

#[test]
fn recursive_messages_terminate() {
    let old = msg("  Msg next = 1;\n  int32 x = 2;");
    let new = msg("  Msg next = 1;\n  int64 x = 2;");
    both_ways_compatible(&old, &new);
}
