//! The schema half of [`SqliteStore`]: subjects, versions, schemas, references, config, mode.

use async_trait::async_trait;
use sqlx::Row;

use super::{append_audit, SqliteStore};
use crate::storage::rows::{
    schema as schema_from_row, scope, to_json, version as version_from_row, VERSION_COLUMNS,
};
use crate::storage::{
    rows, AuditEntry, ConfigRecord, Include, NewVersion, Registration, SchemaStore, ScopeSettings,
    Seen, StoredSchema, StoredVersion, SubjectVersion,
};
use crate::types::{Compatibility, Mode, Reference, SchemaId, Version};
use crate::{Error, Result};

fn include_clause(include: Include) -> &'static str {
    match include {
        Include::Live => "v.is_deleted = 0",
        Include::LiveAndDeleted => "1 = 1",
        Include::DeletedOnly => "v.is_deleted = 1",
    }
}

#[async_trait]
impl SchemaStore for SqliteStore {
    async fn ping(&self) -> Result<()> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    async fn subjects(&self, include: Include) -> Result<Vec<String>> {
        let sql = match include {
            Include::DeletedOnly => {
                "SELECT subject FROM subject_versions GROUP BY subject \
                 HAVING MIN(is_deleted) = 1 ORDER BY subject"
            }
            Include::Live => {
                "SELECT DISTINCT subject FROM subject_versions WHERE is_deleted = 0 ORDER BY subject"
            }
            Include::LiveAndDeleted => {
                "SELECT DISTINCT subject FROM subject_versions ORDER BY subject"
            }
        };
        let rows = sqlx::query(sql).fetch_all(&self.pool).await?;
        rows.iter()
            .map(|row| row.try_get("subject").map_err(Error::from))
            .collect()
    }

    async fn versions(&self, subject: &str) -> Result<Vec<StoredVersion>> {
        let sql = format!(
            "SELECT {VERSION_COLUMNS} FROM subject_versions v JOIN schemas s ON s.id = v.schema_id \
             WHERE v.subject = ? ORDER BY v.version"
        );
        let rows = sqlx::query(&sql)
            .bind(subject)
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(version_from_row).collect()
    }

    async fn version(&self, subject: &str, version: Version) -> Result<Option<StoredVersion>> {
        let sql = format!(
            "SELECT {VERSION_COLUMNS} FROM subject_versions v JOIN schemas s ON s.id = v.schema_id \
             WHERE v.subject = ? AND v.version = ?"
        );
        let row = sqlx::query(&sql)
            .bind(subject)
            .bind(version.0)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(version_from_row).transpose()
    }

    async fn latest_version(
        &self,
        subject: &str,
        include: Include,
    ) -> Result<Option<StoredVersion>> {
        let sql = format!(
            "SELECT {VERSION_COLUMNS} FROM subject_versions v JOIN schemas s ON s.id = v.schema_id \
             WHERE v.subject = ? AND {} ORDER BY v.version DESC LIMIT 1",
            include_clause(include)
        );
        let row = sqlx::query(&sql)
            .bind(subject)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(version_from_row).transpose()
    }

    async fn schema(&self, id: SchemaId) -> Result<Option<StoredSchema>> {
        let row = sqlx::query(
            "SELECT id, fingerprint, schema_type, schema, refs, metadata, rule_set FROM schemas s \
             WHERE id = ? AND EXISTS (SELECT 1 FROM subject_versions v WHERE v.schema_id = s.id)",
        )
        .bind(id.0)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(schema_from_row).transpose()
    }

    async fn schema_usages(&self, id: SchemaId) -> Result<Vec<SubjectVersion>> {
        let rows = sqlx::query(
            "SELECT subject, version, is_deleted FROM subject_versions \
             WHERE schema_id = ? ORDER BY subject, version",
        )
        .bind(id.0)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                Ok(SubjectVersion {
                    subject: row.try_get("subject")?,
                    version: Version(row.try_get("version")?),
                    is_deleted: row.try_get("is_deleted")?,
                })
            })
            .collect()
    }

    async fn max_schema_id(&self) -> Result<Option<SchemaId>> {
        let max: Option<i32> = sqlx::query_scalar("SELECT MAX(id) FROM schemas")
            .fetch_one(&self.pool)
            .await?;
        Ok(max.map(SchemaId))
    }

    async fn referrers(
        &self,
        subject: &str,
        version: Version,
    ) -> Result<Vec<(SchemaId, SubjectVersion)>> {
        let rows = sqlx::query(
            "SELECT r.schema_id, v.subject, v.version, v.is_deleted \
             FROM schema_references r JOIN subject_versions v ON v.schema_id = r.schema_id \
             WHERE r.subject = ? AND r.version = ? ORDER BY r.schema_id, v.subject, v.version",
        )
        .bind(subject)
        .bind(version.0)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                Ok((
                    SchemaId(row.try_get("schema_id")?),
                    SubjectVersion {
                        subject: row.try_get("subject")?,
                        version: Version(row.try_get("version")?),
                        is_deleted: row.try_get("is_deleted")?,
                    },
                ))
            })
            .collect()
    }

    async fn register(&self, new: NewVersion, audit: &AuditEntry) -> Result<Registration> {
        let mut tx = self.write().await?;
        let subject = new.subject.as_str();
        let content = &new.content;

        // Everything the registration decides on, in one statement: the live version that
        // already holds this content, the highest version ever used, the schema with this
        // content and the highest id.
        let (existing_id, existing_version, max_version, last_version, known, max_id): (
            Option<i32>,
            Option<i32>,
            Option<i32>,
            Option<i32>,
            Option<i32>,
            Option<i32>,
        ) = sqlx::query_as(
            "WITH existing AS (SELECT s.id, v.version FROM subject_versions v \
               JOIN schemas s ON s.id = v.schema_id \
               WHERE v.subject = ?1 AND v.is_deleted = 0 AND s.fingerprint = ?2 \
               ORDER BY v.version DESC LIMIT 1) \
             SELECT (SELECT id FROM existing), (SELECT version FROM existing), \
               (SELECT MAX(version) FROM subject_versions WHERE subject = ?1), \
               (SELECT last_version FROM subjects WHERE name = ?1), \
               (SELECT id FROM schemas WHERE fingerprint = ?2), \
               (SELECT MAX(id) FROM schemas)",
        )
        .bind(subject)
        .bind(&content.fingerprint)
        .fetch_one(&mut **tx)
        .await?;
        if let (Some(id), Some(version)) = (existing_id, existing_version) {
            if new.id.is_none_or(|requested| requested.0 == id) {
                return Ok(Registration::Existing {
                    id: SchemaId(id),
                    version: Version(version),
                });
            }
        }
        if let Seen::MaxVersion(seen) = new.seen {
            if max_version != seen.map(|v| v.0) {
                return Ok(Registration::Conflict);
            }
        }
        let version = match new.version {
            Some(version) => {
                let taken: Option<i32> = sqlx::query_scalar(
                    "SELECT schema_id FROM subject_versions WHERE subject = ? AND version = ?",
                )
                .bind(subject)
                .bind(version.0)
                .fetch_optional(&mut **tx)
                .await?;
                if taken.is_some() {
                    return Err(Error::OperationNotPermitted(format!(
                        "Version {version} of subject '{subject}' already exists"
                    )));
                }
                version
            }
            // Above every version ever used, so never taken.
            None => Version(max_version.max(last_version).unwrap_or(0) + 1),
        };

        let (id, is_new_schema) = match (known, new.id) {
            (Some(existing), Some(requested)) if existing != requested.0 => {
                return Err(Error::IdDoesNotMatch {
                    existing: SchemaId(existing),
                    requested,
                });
            }
            (Some(existing), _) => (SchemaId(existing), false),
            (None, Some(requested)) => {
                let used: Option<i32> = sqlx::query_scalar("SELECT id FROM schemas WHERE id = ?")
                    .bind(requested.0)
                    .fetch_optional(&mut **tx)
                    .await?;
                if used.is_some() {
                    return Err(Error::OperationNotPermitted(format!(
                        "Overwrite new schema with id {requested} is not permitted."
                    )));
                }
                (requested, true)
            }
            (None, None) => (SchemaId(max_id.unwrap_or(0) + 1), true),
        };

        // The schema when it is new, the subject's row, the version and its audit entry, in
        // one round trip to the database.
        let mut entry = audit.clone();
        entry.version = Some(version);
        entry.details["id"] = id.0.into();
        let references = serde_json::to_string(&content.references)
            .map_err(|e| Error::Internal(e.to_string()))?;
        // (Parameters are bound statement by statement, in order.)
        sqlx::query(
            "INSERT INTO schemas (id, fingerprint, schema_type, schema, refs, metadata, rule_set) \
               SELECT ?, ?, ?, ?, ?, ?, ? WHERE ?; \
             INSERT INTO subjects (name, last_version) VALUES (?, ?) \
               ON CONFLICT (name) DO UPDATE \
               SET last_version = MAX(last_version, excluded.last_version); \
             INSERT INTO subject_versions (subject, version, schema_id) VALUES (?, ?, ?); \
             INSERT INTO audit_log (at, principal, action, subject, version, service, details) \
               VALUES (?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(id.0)
        .bind(&content.fingerprint)
        .bind(content.schema_type.as_str())
        .bind(&content.schema)
        .bind(references)
        .bind(to_json(&content.metadata))
        .bind(to_json(&content.rule_set))
        .bind(is_new_schema)
        .bind(subject)
        .bind(version.0)
        .bind(subject)
        .bind(version.0)
        .bind(id.0)
        .bind(&entry.at)
        .bind(&entry.principal)
        .bind(entry.action.as_str())
        .bind(&entry.subject)
        .bind(version.0)
        .bind(&entry.service)
        .bind(entry.details.to_string())
        .execute(&mut **tx)
        .await?;
        if is_new_schema {
            for reference in &content.references {
                insert_reference(&mut tx, id, reference).await?;
            }
        }
        if let Some(service) = &new.claim_for {
            let claimed = sqlx::query(
                "INSERT INTO producers (subject, service, assigned_by, assigned_at) \
                 VALUES (?, ?, ?, ?) ON CONFLICT (subject) DO NOTHING",
            )
            .bind(subject)
            .bind(service)
            .bind(&audit.principal)
            .bind(&audit.at)
            .execute(&mut **tx)
            .await?;
            if claimed.rows_affected() == 1 {
                let claim = AuditEntry {
                    action: crate::storage::AuditAction::ProducerClaimed,
                    version: None,
                    service: Some(service.clone()),
                    details: serde_json::json!({ "service": service }),
                    ..audit.clone()
                };
                append_audit(&mut tx, &claim).await?;
            }
        }
        tx.commit().await?;
        Ok(Registration::Created { id, version })
    }

    async fn delete_versions(
        &self,
        subject: &str,
        versions: &[Version],
        permanent: bool,
        audit: &AuditEntry,
    ) -> Result<()> {
        let mut tx = self.write().await?;
        let sql = if permanent {
            "DELETE FROM subject_versions WHERE subject = ? AND version = ?"
        } else {
            "UPDATE subject_versions SET is_deleted = 1 WHERE subject = ? AND version = ?"
        };
        for version in versions {
            sqlx::query(sql)
                .bind(subject)
                .bind(version.0)
                .execute(&mut **tx)
                .await?;
        }
        let live: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM subject_versions WHERE subject = ? AND is_deleted = 0",
        )
        .bind(subject)
        .fetch_one(&mut **tx)
        .await?;
        if live == 0 {
            for table in ["configs", "modes"] {
                sqlx::query(&format!("DELETE FROM {table} WHERE subject = ?"))
                    .bind(subject)
                    .execute(&mut **tx)
                    .await?;
            }
        }
        append_audit(&mut tx, audit).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn settings(&self, subject: Option<&str>) -> Result<ScopeSettings> {
        let row = sqlx::query_as(
            "SELECT c.subject IS NOT NULL, c.compatibility, c.normalize, \
               (SELECT mode FROM modes WHERE subject = ?1) \
             FROM (SELECT 1) LEFT JOIN configs c ON c.subject = ?1",
        )
        .bind(scope(subject))
        .fetch_one(&self.pool)
        .await?;
        rows::scope_settings(row)
    }

    async fn set_config(
        &self,
        subject: Option<&str>,
        config: ConfigRecord,
        audit: &AuditEntry,
    ) -> Result<()> {
        let mut tx = self.write().await?;
        sqlx::query(
            "INSERT INTO configs (subject, compatibility, normalize) VALUES (?, ?, ?) \
             ON CONFLICT (subject) DO UPDATE SET compatibility = excluded.compatibility, \
             normalize = excluded.normalize",
        )
        .bind(scope(subject))
        .bind(config.compatibility.map(Compatibility::as_str))
        .bind(config.normalize)
        .execute(&mut **tx)
        .await?;
        append_audit(&mut tx, audit).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn delete_config(
        &self,
        subject: Option<&str>,
        audit: &AuditEntry,
    ) -> Result<Option<ConfigRecord>> {
        let mut tx = self.write().await?;
        let old: Option<(Option<String>, Option<bool>)> =
            sqlx::query_as("SELECT compatibility, normalize FROM configs WHERE subject = ?")
                .bind(scope(subject))
                .fetch_optional(&mut **tx)
                .await?;
        sqlx::query("DELETE FROM configs WHERE subject = ?")
            .bind(scope(subject))
            .execute(&mut **tx)
            .await?;
        append_audit(&mut tx, audit).await?;
        tx.commit().await?;
        old.map(rows::config_record).transpose()
    }

    async fn set_mode(&self, subject: Option<&str>, mode: Mode, audit: &AuditEntry) -> Result<()> {
        let mut tx = self.write().await?;
        sqlx::query(
            "INSERT INTO modes (subject, mode) VALUES (?, ?) \
             ON CONFLICT (subject) DO UPDATE SET mode = excluded.mode",
        )
        .bind(scope(subject))
        .bind(mode.as_str())
        .execute(&mut **tx)
        .await?;
        append_audit(&mut tx, audit).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn delete_mode(&self, subject: Option<&str>, audit: &AuditEntry) -> Result<Option<Mode>> {
        let mut tx = self.write().await?;
        let old: Option<String> = sqlx::query_scalar("SELECT mode FROM modes WHERE subject = ?")
            .bind(scope(subject))
            .fetch_optional(&mut **tx)
            .await?;
        sqlx::query("DELETE FROM modes WHERE subject = ?")
            .bind(scope(subject))
            .execute(&mut **tx)
            .await?;
        append_audit(&mut tx, audit).await?;
        tx.commit().await?;
        rows::mode(old)
    }
}

async fn insert_reference(
    tx: &mut sqlx::Transaction<'static, sqlx::Sqlite>,
    id: SchemaId,
    reference: &Reference,
) -> Result<()> {
    sqlx::query(
        "INSERT OR IGNORE INTO schema_references (schema_id, name, subject, version) VALUES (?, ?, ?, ?)",
    )
    .bind(id.0)
    .bind(&reference.name)
    .bind(&reference.subject)
    .bind(reference.version)
    .execute(&mut **tx)
    .await?;
    Ok(())
}
