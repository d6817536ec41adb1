//! `format=serialized`: the bytes Confluent 7.9 served for these files, as recorded.

use super::proto;

#[test]
fn a_map_a_oneof_and_reserved_ranges_serialize_as_confluent_builds_them() {
    let schema = proto(
        "syntax = \"proto3\";\nmessage M {\n  map<string, int32> m = 1;\n  oneof o {\n    string x = 2;\n    int32 y = 3;\n  }\n  reserved 5, 7 to 9;\n  reserved \"z\";\n}\n",
    );
    // The oneof's fields first, labelled; the map's entry named `mEntry` after the field; no
    // JSON names; the oneof with empty options.
    assert_eq!(
        schema.serialized(),
        "CgdkZWZhdWx0ImoKAU0SCwoBeBgCIAEoCUgAEgsKAXkYAyABKAVIABIPCgFtGAEgAzIGbUVudHJ5GiQKBm1FbnRyeRIJCgNrZXkYASgJEgsKBXZhbHVlGAIoBToCOAFCBQoBbxIASgQIBRAGSgQIBxAKUgF6YgZwcm90bzM="
    );
}

#[test]
fn type_names_stay_as_written_with_their_kind() {
    let schema = proto(
        "syntax = \"proto3\";\npackage a.b;\nmessage Outer {\n  message Inner {\n    string x = 1;\n  }\n  Inner i = 1;\n  repeated Inner is = 2;\n  enum Kind {\n    K0 = 0;\n  }\n  Kind k = 3;\n}\n",
    );
    assert_eq!(
        schema.serialized(),
        "CgdkZWZhdWx0EgNhLmIiWwoFT3V0ZXISDgoBaRgBKAsyBUlubmVyEhEKAmlzGAIgAygLMgVJbm5lchINCgFrGAMoDjIES2luZBoQCgVJbm5lchIHCgF4GAEoCSIOCgRLaW5kEgYKAkswEABiBnByb3RvMw=="
    );
}

#[test]
fn a_declared_proto2_keeps_its_syntax_in_the_text_and_the_descriptor() {
    let declared =
        proto("syntax = \"proto2\";\nmessage M {\n  optional string a = 1 [default = \"x\"];\n}\n");
    let undeclared = proto("message M {\n  optional string a = 1;\n}\n");

    assert!(declared
        .canonical()
        .starts_with("syntax = \"proto2\";\n\nmessage M {"));
    assert_eq!(
        declared.serialized(),
        "CgdkZWZhdWx0IhEKAU0SDAoBYRgBIAEoCToBeGIGcHJvdG8y"
    );
    assert!(undeclared.canonical().starts_with("\nmessage M {"));
    assert_eq!(
        undeclared.serialized(),
        "CgdkZWZhdWx0Ig4KAU0SCQoBYRgBIAEoCQ=="
    );
}

#[test]
fn methods_state_both_streaming_flags_and_options_are_interpreted() {
    let schema = proto(
        "syntax = \"proto3\";\noption java_package = \"a.b\";\nmessage M {\n  string a = 1 [deprecated = true, json_name = \"A\"];\n}\nservice S {\n  rpc Get (M) returns (M);\n}\n",
    );
    assert_eq!(
        schema.serialized(),
        "CgdkZWZhdWx0IhMKAU0SDgoBYRgBKAlCAhgBUgFBMhQKAVMSDwoDR2V0EgFNGgFNKAAwAEIFCgNhLmJiBnByb3RvMw=="
    );
}
