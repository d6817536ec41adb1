//! The differences the check records, as Confluent's `Difference` names them, and the
//! messages it prints for the incompatible ones.

use crate::format::ReaderIs;

/// Confluent's `Difference.Type`, for the differences this checker records.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum DiffType {
    PackageChanged,
    MessageAdded,
    MessageRemoved,
    FieldAdded,
    FieldRemoved,
    FieldNameChanged,
    FieldKindChanged,
    FieldScalarKindChanged,
    FieldNamedTypeChanged,
    FieldNumericLabelChanged,
    FieldStringOrBytesLabelChanged,
    RequiredFieldAdded,
    RequiredFieldRemoved,
    OneofAdded,
    OneofRemoved,
    OneofFieldAdded,
    OneofFieldRemoved,
    OneofFieldMovedToTopLevel,
    MultipleFieldsMovedToOneof,
    FieldMovedToExistingOneof,
}

impl DiffType {
    /// `SchemaDiff.COMPATIBLE_CHANGES`.
    pub(super) fn is_compatible(self) -> bool {
        matches!(
            self,
            DiffType::MessageAdded
                | DiffType::FieldAdded
                | DiffType::FieldRemoved
                | DiffType::FieldNameChanged
                | DiffType::FieldStringOrBytesLabelChanged
                | DiffType::OneofAdded
                | DiffType::OneofRemoved
                | DiffType::OneofFieldAdded
                | DiffType::OneofFieldMovedToTopLevel
        )
    }

    fn name(self) -> &'static str {
        match self {
            DiffType::PackageChanged => "PACKAGE_CHANGED",
            DiffType::MessageAdded => "MESSAGE_ADDED",
            DiffType::MessageRemoved => "MESSAGE_REMOVED",
            DiffType::FieldAdded => "FIELD_ADDED",
            DiffType::FieldRemoved => "FIELD_REMOVED",
            DiffType::FieldNameChanged => "FIELD_NAME_CHANGED",
            DiffType::FieldKindChanged => "FIELD_KIND_CHANGED",
            DiffType::FieldScalarKindChanged => "FIELD_SCALAR_KIND_CHANGED",
            DiffType::FieldNamedTypeChanged => "FIELD_NAMED_TYPE_CHANGED",
            DiffType::FieldNumericLabelChanged => "FIELD_NUMERIC_LABEL_CHANGED",
            DiffType::FieldStringOrBytesLabelChanged => "FIELD_STRING_OR_BYTES_LABEL_CHANGED",
            DiffType::RequiredFieldAdded => "REQUIRED_FIELD_ADDED",
            DiffType::RequiredFieldRemoved => "REQUIRED_FIELD_REMOVED",
            DiffType::OneofAdded => "ONEOF_ADDED",
            DiffType::OneofRemoved => "ONEOF_REMOVED",
            DiffType::OneofFieldAdded => "ONEOF_FIELD_ADDED",
            DiffType::OneofFieldRemoved => "ONEOF_FIELD_REMOVED",
            DiffType::OneofFieldMovedToTopLevel => "ONEOF_FIELD_MOVED_TO_TOP_LEVEL",
            DiffType::MultipleFieldsMovedToOneof => "MULTIPLE_FIELDS_MOVED_TO_ONEOF",
            DiffType::FieldMovedToExistingOneof => "FIELD_MOVED_TO_EXISTING_ONEOF",
        }
    }
}

#[derive(Debug, Clone)]
pub(super) struct Difference {
    pub(super) kind: DiffType,
    /// Confluent's path: `#/` then message names, oneof names and field numbers.
    pub(super) path: String,
}

impl Difference {
    /// Confluent's `Difference.toString()`, the reader's word first as in its `error()`.
    pub(super) fn describe(&self, reader_is: ReaderIs) -> String {
        let (r, w) = reader_is.labels();
        let p = &self.path;
        let description = match self.kind {
            DiffType::PackageChanged => format!(
                "The package at '{p}' in the {r} schema does not match the package in the {w} schema"
            ),
            DiffType::MessageRemoved => {
                format!("The {r} schema is missing a MESSAGE type at path '{p}' in the {w} schema")
            }
            DiffType::FieldKindChanged => format!(
                "The type of a field at path '{p}' in the {r} schema does not match the {w} schema"
            ),
            DiffType::FieldScalarKindChanged => format!(
                "The kind of a SCALAR field at path '{p}' in the {r} schema does not match its kind in the {w} schema"
            ),
            DiffType::FieldNamedTypeChanged => format!(
                "The type of a MESSAGE field at path '{p}' in the {r} schema does not match its type in the {w} schema"
            ),
            DiffType::FieldNumericLabelChanged => format!(
                "The label for a NUMERIC field at path '{p}' in the {r} schema does not match its label in the {w} schema"
            ),
            DiffType::RequiredFieldAdded => format!(
                "A required field  at path '{p}' in the {r} schema is missing in the {w} schema"
            ),
            DiffType::RequiredFieldRemoved => format!(
                "The {r} schema is missing a required field at path: '{p}' in the {w} schema"
            ),
            DiffType::OneofFieldRemoved => {
                format!("The {r} schema is missing a oneof field at path '{p}' in the {w} schema")
            }
            DiffType::MultipleFieldsMovedToOneof => format!(
                "Multiple fields in the oneof at path '{p}' in the {r} schema are outside a oneof in the {w} schema"
            ),
            DiffType::FieldMovedToExistingOneof => format!(
                "A field in the oneof at path '{p}' in the {r} schema is outside an existing oneof in the {w} schema"
            ),
            _ => String::new(),
        };
        format!(
            "{{errorType:\"{}\", description:\"{description}\"}}",
            self.kind.name()
        )
    }
}
