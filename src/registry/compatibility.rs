//! Compatibility levels applied to a subject's history, the same for every format.
//!
//! A level says which earlier versions a candidate is checked against (the latest, or all of
//! them) and in which direction (the candidate reads old data, old schemas read the candidate's
//! data, or both). Whether one schema can read another is the format's business.

use crate::format::{ParsedSchema, ReaderIs};
use crate::types::{Compatibility, Version};

/// A registered version a candidate is checked against.
#[derive(Debug, Clone, Copy)]
pub struct Previous<'a> {
    pub version: Version,
    pub schema: &'a ParsedSchema,
    pub text: &'a str,
}

/// Returns the versions that `level` checks a candidate against, from `live` (newest first).
pub fn versions_to_check<T>(level: Compatibility, live_newest_first: &[T]) -> &[T] {
    match level {
        Compatibility::None => &[],
        _ if level.is_transitive() => live_newest_first,
        _ => &live_newest_first[..live_newest_first.len().min(1)],
    }
}

/// Checks `candidate` against `previous` (newest first) under `level`.
///
/// Returns the Confluent verbose messages: empty when compatible; otherwise the reasons
/// followed by the version and text of the first incompatible version, and the level. Like
/// the Confluent registry, a transitive check stops at the first incompatible version.
pub fn check(
    level: Compatibility,
    candidate: &ParsedSchema,
    previous: &[Previous<'_>],
) -> Vec<String> {
    let level_message = format!(
        "{{validateFields: 'false', compatibility: '{}'}}",
        level.as_str()
    );
    for old in previous {
        // Confluent answers a change of type with the reason and the level alone.
        if candidate.schema_type() != old.schema.schema_type() {
            return vec![
                "Incompatible because of different schema type".to_string(),
                level_message,
            ];
        }
        // Confluent reports the old schema reading the candidate first (FULL checks both).
        let mut messages = Vec::new();
        if level.is_forward() {
            messages.extend(ParsedSchema::can_read(old.schema, candidate, ReaderIs::Old));
        }
        let forward_only = messages.len();
        if level.is_backward() {
            messages.extend(ParsedSchema::can_read(candidate, old.schema, ReaderIs::New));
        }
        if messages.is_empty() {
            continue;
        }
        // Under FULL, Confluent names the old version only when the candidate cannot read it;
        // the old schema failing to read the candidate alone is reported without it.
        let names_old =
            !(level.is_forward() && level.is_backward()) || messages.len() > forward_only;
        if names_old {
            messages.push(format!("{{oldSchemaVersion: {}}}", old.version));
            messages.push(format!(
                "{{oldSchema: '{}'}}",
                truncate(old.text, 10 * 1024)
            ));
        }
        messages.push(level_message);
        return messages;
    }
    Vec::new()
}

fn truncate(text: &str, max_bytes: usize) -> &str {
    if text.len() <= max_bytes {
        return text;
    }
    let mut end = max_bytes;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::SchemaType;

    fn avro(text: &str) -> ParsedSchema {
        ParsedSchema::parse(SchemaType::Avro, text, &[]).expect("valid Avro")
    }

    fn record(fields: &str) -> String {
        format!(r#"{{"type":"record","name":"Order","fields":[{fields}]}}"#)
    }

    const ID: &str = r#"{"name":"id","type":"string"}"#;
    const QTY_NO_DEFAULT: &str = r#"{"name":"qty","type":"int"}"#;
    const QTY_DEFAULT: &str = r#"{"name":"qty","type":"int","default":0}"#;

    fn verdict(level: Compatibility, candidate: &str, history_oldest_first: &[String]) -> bool {
        let parsed: Vec<ParsedSchema> = history_oldest_first.iter().map(|t| avro(t)).collect();
        let mut previous: Vec<Previous<'_>> = parsed
            .iter()
            .zip(history_oldest_first)
            .enumerate()
            .map(|(i, (schema, text))| Previous {
                version: Version(i as i32 + 1),
                schema,
                text,
            })
            .collect();
        previous.reverse();
        let to_check = versions_to_check(level, &previous);
        check(level, &avro(candidate), to_check).is_empty()
    }

    #[test]
    fn adding_a_field_without_default_breaks_backward_but_not_forward() {
        let v1 = vec![record(ID)];
        let v2 = record(&format!("{ID},{QTY_NO_DEFAULT}"));
        assert!(!verdict(Compatibility::Backward, &v2, &v1));
        assert!(verdict(Compatibility::Forward, &v2, &v1));
        assert!(!verdict(Compatibility::Full, &v2, &v1));
        assert!(verdict(Compatibility::None, &v2, &v1));
    }

    #[test]
    fn removing_a_field_without_default_breaks_forward_but_not_backward() {
        let v1 = vec![record(&format!("{ID},{QTY_NO_DEFAULT}"))];
        let v2 = record(ID);
        assert!(verdict(Compatibility::Backward, &v2, &v1));
        assert!(!verdict(Compatibility::Forward, &v2, &v1));
        assert!(!verdict(Compatibility::FullTransitive, &v2, &v1));
    }

    #[test]
    fn transitive_levels_check_every_version_and_plain_levels_only_the_latest() {
        // v1 has only id; v2 adds qty with a default; v3 drops qty's default.
        let history = vec![record(ID), record(&format!("{ID},{QTY_DEFAULT}"))];
        let v3 = record(&format!("{ID},{QTY_NO_DEFAULT}"));
        // Against v2, v3 reads v2's data (qty is present): backward holds.
        assert!(verdict(Compatibility::Backward, &v3, &history));
        // Against v1, v3 cannot fill qty: the transitive check fails.
        assert!(!verdict(Compatibility::BackwardTransitive, &v3, &history));
        // Forward: v1 and v2 can both read v3's data.
        assert!(verdict(Compatibility::ForwardTransitive, &v3, &history));
        assert!(!verdict(Compatibility::FullTransitive, &v3, &history));
        assert!(verdict(Compatibility::Full, &v3, &history));
    }

    #[test]
    fn a_failure_reports_the_version_the_schema_and_the_level() {
        let v1 = [record(ID)];
        let v2 = avro(&record(&format!("{ID},{QTY_NO_DEFAULT}")));
        let old = avro(&v1[0]);
        let previous = [Previous {
            version: Version(1),
            schema: &old,
            text: &v1[0],
        }];
        let messages = check(Compatibility::Backward, &v2, &previous);
        assert!(
            messages[0].contains("READER_FIELD_MISSING_DEFAULT_VALUE"),
            "{messages:?}"
        );
        assert_eq!(messages[messages.len() - 3], "{oldSchemaVersion: 1}");
        assert_eq!(
            messages[messages.len() - 1],
            "{validateFields: 'false', compatibility: 'BACKWARD'}"
        );
    }

    #[test]
    fn under_full_a_failure_only_the_old_schema_reading_the_candidate_names_no_version() {
        let old_text = record(&format!("{ID},{QTY_NO_DEFAULT}"));
        let old = avro(&old_text);
        let previous = [Previous {
            version: Version(4),
            schema: &old,
            text: &old_text,
        }];
        // The old schema cannot read the candidate's data (qty has no default); the candidate
        // reads the old data fine.
        let messages = check(Compatibility::Full, &avro(&record(ID)), &previous);
        assert_eq!(messages.len(), 2, "{messages:?}");
        assert!(messages[0].contains("in the old schema has no default value"));
        // The other way round, the old version is named.
        let new_text = record(ID);
        let new_old = avro(&new_text);
        let previous = [Previous {
            version: Version(1),
            schema: &new_old,
            text: &new_text,
        }];
        let messages = check(Compatibility::Full, &old, &previous);
        assert_eq!(messages[messages.len() - 3], "{oldSchemaVersion: 1}");
    }
}
