//! Turning schema, settings and governance rows into their types, and the stored forms of
//! scopes, JSON values and contacts: the same for every database, so both implementations share
//! them.

use std::str::FromStr;
use std::sync::Arc;

use sqlx::{ColumnIndex, Decode, Row, Type};

use super::{
    AuditRecord, ConfigRecord, CredentialInfo, ScopeSettings, Service, StoredSchema, StoredVersion,
    Team,
};
use crate::types::{Compatibility, Mode, SchemaId, SchemaType, SubjectName, Version};
use crate::{Error, Result};

/// Reports a stored value that does not parse: the database was changed behind Accord's back.
pub(super) fn corrupt(what: &str, detail: impl std::fmt::Display) -> Error {
    Error::Internal(format!("stored {what} is unreadable: {detail}"))
}

/// The key under which global settings are stored in the `configs` and `modes` tables.
const GLOBAL: &str = "";

/// The key of `subject`'s settings, or of the global ones.
pub(super) fn scope(subject: Option<&SubjectName>) -> &str {
    subject.map_or(GLOBAL, SubjectName::as_str)
}

/// The columns [`version`] reads, from `subject_versions v` joined with `schemas s`.
pub(super) const VERSION_COLUMNS: &str = "v.subject, v.version, v.is_deleted, \
     s.id, s.fingerprint, s.schema_type, s.schema, s.refs, s.metadata, s.rule_set";

/// The stored text of an optional JSON value.
pub(super) fn to_json(value: &Option<serde_json::Value>) -> Option<String> {
    value.as_ref().map(serde_json::Value::to_string)
}

/// Reads a `schemas` row.
pub(super) fn schema<'r, R: Row>(row: &'r R) -> Result<StoredSchema>
where
    for<'n> &'n str: ColumnIndex<R>,
    String: Decode<'r, R::Database> + Type<R::Database>,
    Option<String>: Decode<'r, R::Database> + Type<R::Database>,
    i32: Decode<'r, R::Database> + Type<R::Database>,
{
    let schema_type: String = get(row, "schema_type")?;
    let refs: String = get(row, "refs")?;
    let json = |column: &str| -> Result<Option<serde_json::Value>> {
        let text: Option<String> = get(row, column)?;
        text.map(|t| serde_json::from_str(&t).map_err(|e| corrupt(column, e)))
            .transpose()
    };
    Ok(StoredSchema {
        id: SchemaId(get(row, "id")?),
        fingerprint: get(row, "fingerprint")?,
        schema_type: SchemaType::from_str(&schema_type).map_err(|e| corrupt("schema type", e))?,
        schema: get(row, "schema")?,
        references: serde_json::from_str(&refs).map_err(|e| corrupt("references", e))?,
        metadata: json("metadata")?,
        rule_set: json("rule_set")?,
    })
}

/// Reads a subject version with its schema ([`VERSION_COLUMNS`]).
pub(super) fn version<'r, R: Row>(row: &'r R) -> Result<StoredVersion>
where
    for<'n> &'n str: ColumnIndex<R>,
    String: Decode<'r, R::Database> + Type<R::Database>,
    Option<String>: Decode<'r, R::Database> + Type<R::Database>,
    i32: Decode<'r, R::Database> + Type<R::Database>,
    bool: Decode<'r, R::Database> + Type<R::Database>,
{
    Ok(StoredVersion {
        subject: get(row, "subject")?,
        version: Version(get(row, "version")?),
        is_deleted: get(row, "is_deleted")?,
        schema: Arc::new(schema(row)?),
    })
}

/// The columns of a `configs` row: compatibility, normalize and the data-contract settings.
pub(super) type ConfigColumns = (Option<String>, Option<bool>, Option<String>);

/// Reads a `configs` row.
pub(super) fn config_record(
    (compatibility, normalize, contract): ConfigColumns,
) -> Result<ConfigRecord> {
    Ok(ConfigRecord {
        compatibility: compatibility
            .map(|level| Compatibility::parse(&level).map_err(|e| corrupt("config", e)))
            .transpose()?,
        normalize,
        contract: contract
            .map(|text| serde_json::from_str(&text).map_err(|e| corrupt("config", e)))
            .transpose()?
            .unwrap_or_default(),
    })
}

/// Reads a stored mode.
pub(super) fn mode(mode: Option<String>) -> Result<Option<Mode>> {
    mode.map(|m| Mode::parse(&m).map_err(|e| corrupt("mode", e)))
        .transpose()
}

/// Reads the settings of a scope: whether it has a `configs` row, that row, and its mode.
pub(super) fn scope_settings(
    (has_config, compatibility, normalize, contract, stored_mode): (
        bool,
        Option<String>,
        Option<bool>,
        Option<String>,
        Option<String>,
    ),
) -> Result<ScopeSettings> {
    Ok(ScopeSettings {
        config: match has_config {
            true => Some(config_record((compatibility, normalize, contract))?),
            false => None,
        },
        mode: mode(stored_mode)?,
    })
}

/// Reads column `name` of `row` as a `T`.
fn get<'r, R, T>(row: &'r R, name: &str) -> Result<T>
where
    R: Row,
    for<'n> &'n str: ColumnIndex<R>,
    T: Decode<'r, R::Database> + Type<R::Database>,
{
    Ok(row.try_get(name)?)
}

/// Reads a `teams` row.
pub(super) fn team<'r, R: Row>(row: &'r R) -> Result<Team>
where
    for<'n> &'n str: ColumnIndex<R>,
    String: Decode<'r, R::Database> + Type<R::Database>,
{
    let contacts: String = get(row, "contacts")?;
    Ok(Team {
        name: get(row, "name")?,
        contacts: serde_json::from_str(&contacts).map_err(|e| corrupt("contacts", e))?,
        created_at: get(row, "created_at")?,
    })
}

/// Reads a `services` row.
pub(super) fn service<'r, R: Row>(row: &'r R) -> Result<Service>
where
    for<'n> &'n str: ColumnIndex<R>,
    String: Decode<'r, R::Database> + Type<R::Database>,
{
    Ok(Service {
        name: get(row, "name")?,
        team: get(row, "team")?,
        description: get(row, "description")?,
        created_at: get(row, "created_at")?,
    })
}

/// Reads a `credentials` row, without its secret hash.
pub(super) fn credential<'r, R: Row>(row: &'r R) -> Result<CredentialInfo>
where
    for<'n> &'n str: ColumnIndex<R>,
    String: Decode<'r, R::Database> + Type<R::Database>,
    Option<String>: Decode<'r, R::Database> + Type<R::Database>,
{
    Ok(CredentialInfo {
        id: get(row, "id")?,
        service: get(row, "service")?,
        created_at: get(row, "created_at")?,
        last_used_at: get(row, "last_used_at")?,
        revoked_at: get(row, "revoked_at")?,
    })
}

/// Reads an `audit_log` row.
pub(super) fn audit<'r, R: Row>(row: &'r R) -> Result<AuditRecord>
where
    for<'n> &'n str: ColumnIndex<R>,
    String: Decode<'r, R::Database> + Type<R::Database>,
    Option<String>: Decode<'r, R::Database> + Type<R::Database>,
    Option<i32>: Decode<'r, R::Database> + Type<R::Database>,
    i64: Decode<'r, R::Database> + Type<R::Database>,
{
    let details: String = get(row, "details")?;
    Ok(AuditRecord {
        seq: get(row, "seq")?,
        at: get(row, "at")?,
        principal: get(row, "principal")?,
        action: get(row, "action")?,
        subject: get(row, "subject")?,
        version: get(row, "version")?,
        service: get(row, "service")?,
        details: serde_json::from_str(&details).map_err(|e| corrupt("audit details", e))?,
    })
}

/// The stored form of a team's contacts: a JSON array of `{kind, value}`.
pub(super) fn contacts_json(team: &Team) -> String {
    serde_json::to_string(&team.contacts).unwrap_or_else(|_| "[]".to_string())
}
