//! What the compatibility check reports: Java's incompatibility types, each with its message and
//! its location as a JSON pointer, worded as the Confluent registry prints them.

use super::ReaderIs;

#[derive(Debug, Clone, Copy)]
pub(super) enum IncompatibilityType {
    NameMismatch,
    FixedSizeMismatch,
    MissingEnumSymbols,
    ReaderFieldMissingDefaultValue,
    TypeMismatch,
    MissingUnionBranch,
}

#[derive(Debug, Clone)]
pub(super) struct Incompatibility {
    kind: IncompatibilityType,
    message: String,
    /// The JSON pointer Java's `Incompatibility.getLocation()` computes.
    location: String,
}

impl Incompatibility {
    pub(super) fn new(kind: IncompatibilityType, message: String, location: &[Step]) -> Self {
        let tokens: Vec<String> = location
            .iter()
            .skip(1)
            .map(|step| step.text().replace('~', "~0").replace('/', "~1"))
            .collect();
        Incompatibility {
            kind,
            message,
            location: format!("/{}", tokens.join("/")),
        }
    }

    /// Confluent's `Difference.error()`, with the reader's and the writer's words filled in.
    pub(super) fn describe(&self, reader_is: ReaderIs) -> String {
        let (reader, writer) = reader_is.labels();
        let (path, info) = (&self.location, &self.message);
        let (error_type, description) = match self.kind {
            IncompatibilityType::FixedSizeMismatch => ("FIXED_SIZE_MISMATCH", format!(
                "The size of FIXED type field at path '{path}' in the {reader} schema does not match with the {writer} schema"
            )),
            IncompatibilityType::TypeMismatch => ("TYPE_MISMATCH", format!(
                "The type (path '{path}') of a field in the {reader} schema does not match with the {writer} schema"
            )),
            IncompatibilityType::NameMismatch => {
                ("NAME_MISMATCH", format!("The name of the schema has changed (path '{path}')"))
            }
            IncompatibilityType::MissingEnumSymbols => ("MISSING_ENUM_SYMBOLS", format!(
                "The {reader} schema is missing enum symbols '{info}' at path '{path}' in the {writer} schema"
            )),
            IncompatibilityType::MissingUnionBranch => ("MISSING_UNION_BRANCH", format!(
                "The {reader} schema is missing a type inside a union field at path '{path}' in the {writer} schema"
            )),
            IncompatibilityType::ReaderFieldMissingDefaultValue => ("READER_FIELD_MISSING_DEFAULT_VALUE", format!(
                "The field '{info}' at path '{path}' in the {reader} schema has no default value and is missing in the {writer} schema"
            )),
        };
        format!(
            "{{errorType:'{error_type}', description:'{description}', additionalInfo:'{info}'}}"
        )
    }
}

/// One step of Java's location path: a key such as `fields` or `type`, or an index. Steps are
/// turned into text only when an incompatibility is reported, so compatible checks allocate none.
#[derive(Debug, Clone, Copy)]
pub(super) enum Step {
    Key(&'static str),
    Index(usize),
}

impl Step {
    fn text(self) -> String {
        match self {
            Step::Key(key) => key.to_string(),
            Step::Index(index) => index.to_string(),
        }
    }
}

/// An incompatibility found under the extra path token `token` (`name`, `size`, `symbols`).
pub(super) fn at(
    kind: IncompatibilityType,
    message: String,
    location: &mut [Step],
    token: &'static str,
) -> Incompatibility {
    let mut path = location.to_vec();
    path.push(Step::Key(token));
    Incompatibility::new(kind, message, &path)
}
