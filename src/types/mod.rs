//! Shared newtypes and enums, each validated once where it enters the system.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

mod contexts;
mod owners;
mod proposals;

pub use contexts::{context_of, DEFAULT_CONTEXT};
pub use owners::{sentence, Affected, Contact, Undeclared};
pub use proposals::{Answer, ProposalState};

/// The format of a schema, spelled as Confluent spells it on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "UPPERCASE")]
pub enum SchemaType {
    Avro,
    Protobuf,
    Json,
}

impl SchemaType {
    /// Returns the wire name: `AVRO`, `PROTOBUF` or `JSON`.
    pub fn as_str(self) -> &'static str {
        match self {
            SchemaType::Avro => "AVRO",
            SchemaType::Protobuf => "PROTOBUF",
            SchemaType::Json => "JSON",
        }
    }
}

impl fmt::Display for SchemaType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for SchemaType {
    type Err = String;

    /// Parses a wire name, case-insensitively as the Confluent registry does.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_uppercase().as_str() {
            "AVRO" => Ok(SchemaType::Avro),
            "PROTOBUF" => Ok(SchemaType::Protobuf),
            "JSON" => Ok(SchemaType::Json),
            _ => Err(format!("Invalid schema type {s}")),
        }
    }
}

/// A subject name, validated once: not empty, no control characters, not a reserved name.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct SubjectName(String);

impl SubjectName {
    /// The longest subject name accepted, in bytes. Confluent has no limit; this one keeps a
    /// name within what a PostgreSQL index entry holds.
    pub const MAX_BYTES: usize = 2048;

    /// Validates `name` as the Confluent registry does before it writes (42208 when it is not
    /// a valid subject: blank, with a control character, or `__GLOBAL`/`__EMPTY`, also within
    /// a context as in `:.ctx:__GLOBAL`), and refuses names longer than [`Self::MAX_BYTES`].
    pub fn parse(name: &str) -> Result<Self, crate::Error> {
        let name = name.strip_prefix(":.:").unwrap_or(name);
        let unqualified = name
            .strip_prefix(":.")
            .and_then(|rest| rest.split_once(':'))
            .map_or(name, |(_, subject)| subject);
        let reserved = unqualified == "__GLOBAL" || unqualified == "__EMPTY";
        let too_long = name.len() > Self::MAX_BYTES;
        if name.is_empty() || reserved || too_long || name.chars().any(char::is_control) {
            return Err(crate::Error::InvalidSubject(name.to_string()));
        }
        Ok(Self::lookup(name))
    }

    /// Names a subject to read, unvalidated as Confluent reads: a name that could never be
    /// registered is simply not found. As in Confluent, the default context's qualifier is
    /// dropped (`:.:s` is `s`) and a context named alone is its subject `` (`:.c` is `:.c:`).
    pub fn lookup(name: &str) -> Self {
        let name = name.strip_prefix(":.:").unwrap_or(name);
        let names_a_context = name.len() > 2 && name.starts_with(":.") && !name[2..].contains(':');
        match names_a_context {
            true => SubjectName(format!("{name}:")),
            false => SubjectName(name.to_string()),
        }
    }

    /// Returns the name as a string slice.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for SubjectName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A version number within a subject: 1 to 2^31-1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Version(pub i32);

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// A version as a path names it: a number, or `latest` (also spelled `-1`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VersionSelector {
    Latest,
    Number(Version),
}

impl VersionSelector {
    /// Parses a version path segment, refusing 0, other negatives and non-numbers with 42202.
    pub fn parse(segment: &str) -> Result<Self, crate::Error> {
        if segment.eq_ignore_ascii_case("latest") {
            return Ok(VersionSelector::Latest);
        }
        // Confluent reads `1 ` as version 1; a blank segment stays invalid.
        match segment.trim().parse::<i32>() {
            Ok(-1) => Ok(VersionSelector::Latest),
            Ok(n) if n >= 1 => Ok(VersionSelector::Number(Version(n))),
            _ => Err(crate::Error::InvalidVersion(segment.to_string())),
        }
    }
}

/// A global schema id: the same schema text under any subject has one id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct SchemaId(pub i32);

impl fmt::Display for SchemaId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// A reference from a schema to a version of another subject, as sent in a registration.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
pub struct Reference {
    /// Avro: the full name of the referenced type; Protobuf: the import path; JSON: the `$ref`.
    pub name: String,
    pub subject: String,
    pub version: i32,
}

/// A compatibility level: which earlier versions a new schema is checked against, and how.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Compatibility {
    None,
    Backward,
    BackwardTransitive,
    Forward,
    ForwardTransitive,
    Full,
    FullTransitive,
}

impl Compatibility {
    /// Returns the wire name, e.g. `BACKWARD_TRANSITIVE`.
    pub fn as_str(self) -> &'static str {
        match self {
            Compatibility::None => "NONE",
            Compatibility::Backward => "BACKWARD",
            Compatibility::BackwardTransitive => "BACKWARD_TRANSITIVE",
            Compatibility::Forward => "FORWARD",
            Compatibility::ForwardTransitive => "FORWARD_TRANSITIVE",
            Compatibility::Full => "FULL",
            Compatibility::FullTransitive => "FULL_TRANSITIVE",
        }
    }

    /// Parses a level name case-insensitively; an unknown name is a 42203.
    pub fn parse(name: &str) -> Result<Self, crate::Error> {
        const ALL: [Compatibility; 7] = [
            Compatibility::None,
            Compatibility::Backward,
            Compatibility::BackwardTransitive,
            Compatibility::Forward,
            Compatibility::ForwardTransitive,
            Compatibility::Full,
            Compatibility::FullTransitive,
        ];
        ALL.into_iter()
            .find(|level| level.as_str().eq_ignore_ascii_case(name))
            .ok_or(crate::Error::InvalidCompatibilityLevel(""))
    }

    /// Returns true when new schemas must be able to read data written with old ones.
    pub fn is_backward(self) -> bool {
        matches!(
            self,
            Compatibility::Backward
                | Compatibility::BackwardTransitive
                | Compatibility::Full
                | Compatibility::FullTransitive
        )
    }

    /// Returns true when old schemas must be able to read data written with new ones.
    pub fn is_forward(self) -> bool {
        matches!(
            self,
            Compatibility::Forward
                | Compatibility::ForwardTransitive
                | Compatibility::Full
                | Compatibility::FullTransitive
        )
    }

    /// Returns true when every earlier version is checked, not only the latest.
    pub fn is_transitive(self) -> bool {
        matches!(
            self,
            Compatibility::BackwardTransitive
                | Compatibility::ForwardTransitive
                | Compatibility::FullTransitive
        )
    }
}

impl fmt::Display for Compatibility {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A registry mode: whether writes are allowed, and whether ids come from the client (IMPORT).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Mode {
    Readwrite,
    Readonly,
    ReadonlyOverride,
    Import,
}

impl Mode {
    /// Returns the wire name, e.g. `READWRITE`.
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Readwrite => "READWRITE",
            Mode::Readonly => "READONLY",
            Mode::ReadonlyOverride => "READONLY_OVERRIDE",
            Mode::Import => "IMPORT",
        }
    }

    /// Parses a mode name case-insensitively; an unknown name is a 42204.
    pub fn parse(name: &str) -> Result<Self, crate::Error> {
        [
            Mode::Readwrite,
            Mode::Readonly,
            Mode::ReadonlyOverride,
            Mode::Import,
        ]
        .into_iter()
        .find(|mode| mode.as_str().eq_ignore_ascii_case(name))
        .ok_or(crate::Error::InvalidMode)
    }

    /// Returns true when the mode refuses registrations, deletions and config changes.
    pub fn is_read_only(self) -> bool {
        matches!(self, Mode::Readonly | Mode::ReadonlyOverride)
    }
}

impl fmt::Display for Mode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latest_and_minus_one_select_the_latest_version() {
        assert_eq!(
            VersionSelector::parse("latest").unwrap(),
            VersionSelector::Latest
        );
        assert_eq!(
            VersionSelector::parse("-1").unwrap(),
            VersionSelector::Latest
        );
        assert_eq!(
            VersionSelector::parse("7").unwrap(),
            VersionSelector::Number(Version(7))
        );
    }

    #[test]
    fn zero_other_negatives_and_words_are_invalid_versions() {
        for bad in ["0", "-2", "abc", "2147483648", ""] {
            assert!(
                VersionSelector::parse(bad).is_err(),
                "{bad} should be invalid"
            );
        }
    }

    #[test]
    fn reserved_and_control_character_subjects_are_invalid() {
        assert!(SubjectName::parse("__GLOBAL").is_err());
        assert!(SubjectName::parse("a\u{7}b").is_err());
        assert!(SubjectName::parse("orders/v1-value").is_ok());
        assert!(SubjectName::parse(&"s".repeat(2048)).is_ok());
        assert!(SubjectName::parse(&"s".repeat(2049)).is_err());
    }

    #[test]
    fn levels_and_modes_parse_case_insensitively() {
        assert_eq!(
            Compatibility::parse("full_transitive").unwrap(),
            Compatibility::FullTransitive
        );
        assert_eq!(Mode::parse("import").unwrap(), Mode::Import);
        assert!(Compatibility::parse("SIDEWAYS").is_err());
    }
}

/// Who makes a change: recorded in the audit log, and, for a service, the producer a
/// registration claims an unowned subject for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    /// `admin`, a service name, or `anonymous` when authentication is off.
    pub principal: String,
    /// The service acting, when the principal is one.
    pub service: Option<String>,
}

impl Actor {
    /// The actor of changes made while authentication is off.
    pub fn anonymous() -> Self {
        Actor {
            principal: "anonymous".to_string(),
            service: None,
        }
    }
}

/// Returns the current time as an RFC 3339 string in UTC, as Accord stores times.
pub fn now() -> String {
    time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_else(|_| "1970-01-01T00:00:00Z".to_string())
}

/// Percent-encodes `text` (a subject, say) for use as one path segment.
pub fn path_segment(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}
