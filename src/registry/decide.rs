//! Registration decided once: given the subject's mode, its current state and the candidate,
//! one pure function says what registering it means — an existing version, a new version with
//! its id, or a refusal carrying its Confluent error. Storage only persists the decision (and
//! answers that the state moved, when it did); every refusal is built here.

use crate::storage::{IdChoice, StoredVersion, SubjectState};
use crate::types::{Mode, SchemaId, SubjectName, Version};
use crate::{Error, Result};

/// What a client asks to register, once its schema is parsed.
#[derive(Debug, Clone)]
pub struct Ask {
    pub subject: SubjectName,
    pub mode: Mode,
    /// Identifies the candidate's content (see [`super::fingerprint`]).
    pub fingerprint: String,
    /// An explicit id (IMPORT mode only).
    pub id: Option<SchemaId>,
    /// An explicit version.
    pub version: Option<Version>,
}

/// What registering a candidate means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// A live version of the subject already holds the content: nothing to write.
    Existing { id: SchemaId, version: Version },
    /// A new version, with how its schema gets an id.
    Create { version: Version, id: IdChoice },
}

/// Refuses a registration the subject's mode does not allow, before any work is done on the
/// candidate.
pub fn admit(subject: &SubjectName, mode: Mode, id: Option<SchemaId>) -> Result<()> {
    if mode.is_read_only() {
        return Err(read_only(subject));
    }
    if id.is_some() && mode != Mode::Import {
        return Err(Error::OperationNotPermitted(format!(
            "Subject '{subject}' is not in import mode; only IMPORT mode accepts an id"
        )));
    }
    Ok(())
}

/// Decides what registering `ask` in a subject in `state` means. `incompatibilities` checks
/// the candidate against the subject's versions under its level (Confluent's messages; empty
/// when compatible); it runs only when a new version would be created outside IMPORT mode.
pub fn decide(
    ask: &Ask,
    state: &SubjectState,
    incompatibilities: impl FnOnce() -> Vec<String>,
) -> Result<Decision> {
    let is_import = ask.mode == Mode::Import;
    if let Some(existing) = live_holder(&state.versions, &ask.fingerprint) {
        // An import under another id is not the same registration: see the id rules below.
        if ask.id.is_none_or(|id| id == existing.schema.id) {
            return Ok(Decision::Existing {
                id: existing.schema.id,
                version: existing.version,
            });
        }
    }
    let max_version = state.max_version();
    if !is_import {
        if let Some(requested) = ask.version {
            if requested.0 != max_version.map_or(1, |v| v.0 + 1) {
                return Err(Error::InvalidSchema(
                    "Version is not one more than previous version".to_string(),
                ));
            }
        }
        let messages = incompatibilities();
        if !messages.is_empty() {
            return Err(Error::Incompatible {
                subject: ask.subject.to_string(),
                messages,
                propose: None,
                affected: Vec::new(),
                undeclared: Vec::new(),
            });
        }
    }
    let version = match ask.version {
        Some(requested) => {
            if state.versions.iter().any(|v| v.version == requested) {
                return Err(Error::OperationNotPermitted(format!(
                    "Version {requested} of subject '{}' already exists",
                    ask.subject
                )));
            }
            requested
        }
        // Above every version ever used, so never taken.
        None => Version(max_version.max(state.last_version).map_or(0, |v| v.0) + 1),
    };
    let id = match (state.known_id, ask.id) {
        (Some(known), Some(requested)) if known != requested => {
            return Err(Error::IdDoesNotMatch {
                existing: known,
                requested,
            });
        }
        (Some(known), _) => IdChoice::Known(known),
        (None, Some(requested)) if state.requested_id_taken => {
            return Err(Error::OperationNotPermitted(format!(
                "Overwrite new schema with id {requested} is not permitted."
            )));
        }
        (None, Some(requested)) => IdChoice::Requested(requested),
        (None, None) => IdChoice::Next,
    };
    Ok(Decision::Create { version, id })
}

/// Returns the newest live version holding the content with `fingerprint`.
pub(super) fn live_holder<'a>(
    versions: &'a [StoredVersion],
    fingerprint: &str,
) -> Option<&'a StoredVersion> {
    versions
        .iter()
        .rev()
        .find(|v| !v.is_deleted && v.schema.fingerprint == fingerprint)
}

/// The refusal of a change to a subject in read-only mode.
pub(super) fn read_only(subject: &SubjectName) -> Error {
    Error::OperationNotPermitted(format!("Subject {subject} is in read-only mode"))
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::storage::StoredSchema;
    use crate::types::SchemaType;

    fn version(n: i32, id: i32, fingerprint: &str, is_deleted: bool) -> StoredVersion {
        StoredVersion {
            subject: "s".to_string(),
            version: Version(n),
            is_deleted,
            schema: Arc::new(StoredSchema {
                id: SchemaId(id),
                fingerprint: fingerprint.to_string(),
                schema_type: SchemaType::Avro,
                schema: "\"string\"".to_string(),
                references: Vec::new(),
                metadata: None,
                rule_set: None,
            }),
        }
    }

    fn ask(mode: Mode, id: Option<i32>, version: Option<i32>) -> Ask {
        Ask {
            subject: SubjectName::parse("s").unwrap(),
            mode,
            fingerprint: "new".to_string(),
            id: id.map(SchemaId),
            version: version.map(Version),
        }
    }

    fn compatible() -> Vec<String> {
        Vec::new()
    }

    #[test]
    fn content_a_live_version_holds_is_that_version_and_a_deleted_one_is_not() {
        let state = SubjectState {
            versions: vec![version(1, 7, "new", false), version(2, 8, "other", false)],
            ..SubjectState::default()
        };
        let decided = decide(&ask(Mode::Readwrite, None, None), &state, compatible);
        assert_eq!(
            decided.unwrap(),
            Decision::Existing {
                id: SchemaId(7),
                version: Version(1)
            }
        );
        let state = SubjectState {
            versions: vec![version(1, 7, "new", true)],
            last_version: Some(Version(1)),
            known_id: Some(SchemaId(7)),
            ..SubjectState::default()
        };
        let decided = decide(&ask(Mode::Readwrite, None, None), &state, compatible);
        assert_eq!(
            decided.unwrap(),
            Decision::Create {
                version: Version(2),
                id: IdChoice::Known(SchemaId(7))
            }
        );
    }

    #[test]
    fn a_new_version_goes_above_every_version_ever_used_with_a_fresh_id() {
        let state = SubjectState {
            versions: vec![version(1, 1, "a", false)],
            last_version: Some(Version(4)),
            ..SubjectState::default()
        };
        let decided = decide(&ask(Mode::Readwrite, None, None), &state, compatible);
        assert_eq!(
            decided.unwrap(),
            Decision::Create {
                version: Version(5),
                id: IdChoice::Next
            }
        );
    }

    #[test]
    fn an_incompatible_candidate_is_refused_and_the_check_runs_only_when_needed() {
        let state = SubjectState {
            versions: vec![version(1, 1, "a", false)],
            ..SubjectState::default()
        };
        let refused = decide(&ask(Mode::Readwrite, None, None), &state, || {
            vec!["READER_FIELD_MISSING_DEFAULT_VALUE".to_string()]
        });
        assert!(matches!(refused, Err(Error::Incompatible { .. })));
        let imported = decide(&ask(Mode::Import, Some(9), Some(3)), &state, || {
            panic!("IMPORT mode checks nothing")
        });
        assert_eq!(
            imported.unwrap(),
            Decision::Create {
                version: Version(3),
                id: IdChoice::Requested(SchemaId(9))
            }
        );
    }

    #[test]
    fn explicit_versions_and_ids_are_refused_with_confluents_errors() {
        let state = SubjectState {
            versions: vec![version(1, 1, "a", false)],
            known_id: Some(SchemaId(5)),
            ..SubjectState::default()
        };
        let not_next = decide(&ask(Mode::Readwrite, None, Some(3)), &state, compatible);
        assert!(matches!(not_next, Err(Error::InvalidSchema(_))));
        let taken = decide(&ask(Mode::Import, None, Some(1)), &state, compatible);
        assert!(matches!(taken, Err(Error::OperationNotPermitted(_))));
        let other_id = decide(&ask(Mode::Import, Some(6), None), &state, compatible);
        assert!(matches!(other_id, Err(Error::IdDoesNotMatch { .. })));
        let state = SubjectState {
            requested_id_taken: true,
            ..SubjectState::default()
        };
        let overwrite = decide(&ask(Mode::Import, Some(6), None), &state, compatible);
        assert!(
            matches!(overwrite, Err(Error::OperationNotPermitted(m)) if m.contains("Overwrite"))
        );
        assert!(admit(
            &SubjectName::parse("s").unwrap(),
            Mode::Readwrite,
            Some(SchemaId(1))
        )
        .is_err());
        assert!(admit(&SubjectName::parse("s").unwrap(), Mode::Readonly, None).is_err());
    }
}
