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
    /// A new version, with how its schema gets an id; `replaces` is the id of the version an
    /// import overwrites (IMPORT mode may register a version number that exists).
    Create {
        version: Version,
        id: IdChoice,
        replaces: Option<SchemaId>,
    },
}

/// Refuses a registration the subject's mode does not allow, as the Confluent registry does
/// once it knows the candidate is not already registered: an explicit id only in IMPORT mode,
/// none in IMPORT mode.
pub fn admit(subject: &SubjectName, mode: Mode, id: Option<SchemaId>) -> Result<()> {
    if mode.is_read_only() {
        return Err(read_only(subject));
    }
    match (id, mode) {
        (Some(_), mode) if mode != Mode::Import => Err(Error::OperationNotPermitted(format!(
            "Subject {subject} is not in import mode"
        ))),
        (None, Mode::Import) => Err(Error::OperationNotPermitted(format!(
            "Subject {subject} is not in read-write mode"
        ))),
        _ => Ok(()),
    }
}

/// Decides what registering `ask` in a subject in `state` means. `incompatibilities` checks
/// the candidate against the subject's versions under its level (Confluent's messages; empty
/// when compatible); it runs only when a new version would be created outside IMPORT mode.
///
/// As in the Confluent registry, content a live version already holds is that version
/// whatever the mode, unless the ask names another version or another id; ids are not unique to
/// content in IMPORT mode, and a version number counts from the highest one the subject has
/// now (permanently deleted ones are gone).
pub fn decide(
    ask: &Ask,
    state: &SubjectState,
    incompatibilities: impl FnOnce() -> Vec<String>,
) -> Result<Decision> {
    let is_import = ask.mode == Mode::Import;
    let holder = live_holder(&state.versions, &ask.fingerprint, state.known_id)
        .filter(|existing| ask.id.is_none_or(|id| id == existing.schema.id));
    // In IMPORT mode a version named without an id is an import that lacks its id, even when
    // that version holds the content: Confluent refuses it as not in read-write mode.
    let asks_another_version = |existing: &StoredVersion| {
        ask.version
            .is_some_and(|version| version != existing.version || (is_import && ask.id.is_none()))
    };
    if let Some(existing) = holder.filter(|existing| !asks_another_version(existing)) {
        return Ok(Decision::Existing {
            id: existing.schema.id,
            version: existing.version,
        });
    }
    admit(&ask.subject, ask.mode, ask.id)?;
    if let Some(existing) = holder.filter(|_| is_import) {
        return Ok(Decision::Existing {
            id: existing.schema.id,
            version: existing.version,
        });
    }
    let next = Version(state.max_version().map_or(0, |v| v.0) + 1);
    if !is_import {
        if ask.version.is_some_and(|requested| requested != next) {
            return Err(Error::VersionNotNext);
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
    let version = ask.version.unwrap_or(next);
    let replaces = state
        .versions
        .iter()
        .find(|v| v.version == version)
        .map(|v| v.schema.id);
    let id = match ask.id {
        Some(requested) => match &state.requested_id_content {
            Some(held) if *held == ask.fingerprint => IdChoice::Known(requested),
            Some(_) => {
                return Err(Error::OperationNotPermitted(format!(
                    "Overwrite new schema with id {requested} is not permitted."
                )))
            }
            None => IdChoice::Requested(requested),
        },
        None => state.known_id.map_or(IdChoice::Next, IdChoice::Known),
    };
    Ok(Decision::Create {
        version,
        id,
        replaces,
    })
}

/// Returns the newest live version holding the content with `fingerprint` under its current
/// id (`known`): as in the Confluent registry, where content maps to the id it was last
/// registered under, a version holding it under an older imported id does not count.
fn live_holder<'a>(
    versions: &'a [StoredVersion],
    fingerprint: &str,
    known: Option<SchemaId>,
) -> Option<&'a StoredVersion> {
    versions.iter().rev().find(|v| {
        !v.is_deleted && v.schema.fingerprint == fingerprint && Some(v.schema.id) == known
    })
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
            known_id: Some(SchemaId(7)),
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
            known_id: Some(SchemaId(7)),
            ..SubjectState::default()
        };
        let decided = decide(&ask(Mode::Readwrite, None, None), &state, compatible);
        assert_eq!(
            decided.unwrap(),
            Decision::Create {
                version: Version(2),
                id: IdChoice::Known(SchemaId(7)),
                replaces: None,
            }
        );
    }

    #[test]
    fn a_new_version_follows_the_highest_version_the_subject_has_with_a_fresh_id() {
        let state = SubjectState {
            versions: vec![version(1, 1, "a", false), version(4, 2, "b", true)],
            ..SubjectState::default()
        };
        let decided = decide(&ask(Mode::Readwrite, None, None), &state, compatible);
        assert_eq!(
            decided.unwrap(),
            Decision::Create {
                version: Version(5),
                id: IdChoice::Next,
                replaces: None,
            }
        );
        let emptied = decide(
            &ask(Mode::Readwrite, None, None),
            &SubjectState::default(),
            compatible,
        );
        assert!(matches!(
            emptied,
            Ok(Decision::Create {
                version: Version(1),
                ..
            })
        ));
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
                id: IdChoice::Requested(SchemaId(9)),
                replaces: None,
            }
        );
    }

    #[test]
    fn an_import_overwrites_a_version_and_reuses_an_id_only_for_its_own_content() {
        let state = SubjectState {
            versions: vec![version(1, 1, "a", false)],
            known_id: Some(SchemaId(5)),
            requested_id_content: Some("new".to_string()),
        };
        let same_content = decide(&ask(Mode::Import, Some(6), Some(1)), &state, compatible);
        assert_eq!(
            same_content.unwrap(),
            Decision::Create {
                version: Version(1),
                id: IdChoice::Known(SchemaId(6)),
                replaces: Some(SchemaId(1)),
            }
        );
        let state = SubjectState {
            requested_id_content: Some("other".to_string()),
            ..state
        };
        let overwrite = decide(&ask(Mode::Import, Some(6), None), &state, compatible);
        assert!(
            matches!(overwrite, Err(Error::OperationNotPermitted(m)) if m.contains("Overwrite"))
        );
    }

    #[test]
    fn ids_and_versions_are_refused_with_confluents_errors_once_the_content_is_new() {
        let state = SubjectState {
            versions: vec![version(1, 1, "new", false)],
            known_id: Some(SchemaId(1)),
            ..SubjectState::default()
        };
        let its_own_id = decide(&ask(Mode::Readwrite, Some(1), None), &state, compatible);
        assert!(matches!(its_own_id, Ok(Decision::Existing { .. })));
        let older_import = SubjectState {
            known_id: Some(SchemaId(9)),
            ..state.clone()
        };
        let under_older_id = decide(
            &ask(Mode::Readwrite, Some(1), None),
            &older_import,
            compatible,
        );
        assert!(matches!(
            under_older_id,
            Err(Error::OperationNotPermitted(_))
        ));
        // The version that holds the content, named, is that version; another is refused.
        let its_own_version = decide(&ask(Mode::Readwrite, None, Some(1)), &state, compatible);
        assert!(matches!(its_own_version, Ok(Decision::Existing { .. })));
        // In IMPORT mode, naming that version without an id is an import missing its id.
        let import_without_id = decide(&ask(Mode::Import, None, Some(1)), &state, compatible);
        assert!(
            matches!(import_without_id, Err(Error::OperationNotPermitted(m)) if m == "Subject s is not in read-write mode")
        );
        let not_next = decide(&ask(Mode::Readwrite, None, Some(3)), &state, compatible);
        assert!(matches!(not_next, Err(Error::VersionNotNext)));
        let other_id = decide(&ask(Mode::Readwrite, Some(2), None), &state, compatible);
        assert!(
            matches!(other_id, Err(Error::OperationNotPermitted(m)) if m == "Subject s is not in import mode")
        );
        let no_id = decide(
            &ask(Mode::Import, None, None),
            &SubjectState::default(),
            compatible,
        );
        assert!(
            matches!(no_id, Err(Error::OperationNotPermitted(m)) if m == "Subject s is not in read-write mode")
        );
        let read_only = decide(
            &ask(Mode::Readonly, None, None),
            &SubjectState::default(),
            compatible,
        );
        assert!(
            matches!(read_only, Err(Error::OperationNotPermitted(m)) if m == "Subject s is in read-only mode")
        );
    }
}
