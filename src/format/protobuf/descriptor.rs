//! Checks a base64 `FileDescriptorProto` before it reaches protox: its syntax is `proto2` or
//! `proto3`, and every name it declares is an identifier (the package a dotted one), as the
//! `.proto` grammar requires.
//!
//! A compiler checks these in source; nothing checks them in a descriptor. Both were found by the
//! `protobuf_descriptor` fuzz target: any other syntax (even empty) made prost-reflect 0.16 panic
//! (indexing a file it had not stored yet), and an empty name, or one with a space, rendered as
//! `.proto` text that no longer parses.

use prost_types::{DescriptorProto, EnumDescriptorProto, FileDescriptorProto};

/// Returns why `file` is not a descriptor of a `.proto` file, if it is not.
pub(super) fn check(file: &FileDescriptorProto) -> Result<(), String> {
    if let Some(syntax) = file.syntax.as_deref() {
        if syntax != "proto2" && syntax != "proto3" {
            return Err(format!("unknown syntax '{syntax}': use proto2 or proto3"));
        }
    }
    let package = file.package();
    if !package.is_empty() && !package.split('.').all(is_identifier) {
        return Err(invalid("package", package));
    }
    for message in &file.message_type {
        check_message(message)?;
    }
    for enumeration in &file.enum_type {
        check_enum(enumeration)?;
    }
    for field in &file.extension {
        check_name("field", field.name())?;
    }
    for service in &file.service {
        check_name("service", service.name())?;
        for method in &service.method {
            check_name("method", method.name())?;
        }
    }
    Ok(())
}

fn check_message(message: &DescriptorProto) -> Result<(), String> {
    check_name("message", message.name())?;
    for field in message.field.iter().chain(&message.extension) {
        check_name("field", field.name())?;
    }
    for oneof in &message.oneof_decl {
        check_name("oneof", oneof.name())?;
    }
    for nested in &message.nested_type {
        check_message(nested)?;
    }
    for enumeration in &message.enum_type {
        check_enum(enumeration)?;
    }
    Ok(())
}

fn check_enum(enumeration: &EnumDescriptorProto) -> Result<(), String> {
    check_name("enum", enumeration.name())?;
    for value in &enumeration.value {
        check_name("enum value", value.name())?;
    }
    Ok(())
}

fn check_name(kind: &str, name: &str) -> Result<(), String> {
    if is_identifier(name) {
        Ok(())
    } else {
        Err(invalid(kind, name))
    }
}

fn invalid(kind: &str, name: &str) -> String {
    format!("the {kind} name '{name}' is not a valid identifier")
}

/// Letters, digits and underscores, not starting with a digit.
fn is_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}
