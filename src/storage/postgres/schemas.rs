//! The schema half of [`PostgresStore`]: subjects, versions, schemas, references, config, mode.

use async_trait::async_trait;
use sqlx::postgres::PgRow;
use sqlx::{Postgres, Row, Transaction};

use super::{append_audit, notify, retrying, PostgresStore};
use crate::storage::rows::{
    schema as schema_from_row, scope, to_json, version as version_from_row, VERSION_COLUMNS,
};
use crate::storage::{
    rows, AuditEntry, ChangeFeed, ConfigRecord, Include, NewVersion, Registration, SchemaStore,
    ScopeSettings, Seen, StoredSchema, StoredVersion, SubjectVersion,
};
use crate::types::{Compatibility, Mode, Reference, SchemaId, Version};
use crate::{Error, Result};

fn usage_from_row(row: &PgRow) -> Result<SubjectVersion> {
    Ok(SubjectVersion {
        subject: row.try_get("subject")?,
        version: Version(row.try_get("version")?),
        is_deleted: row.try_get("is_deleted")?,
    })
}

fn include_clause(include: Include) -> &'static str {
    match include {
        Include::Live => "NOT v.is_deleted",
        Include::LiveAndDeleted => "TRUE",
        Include::DeletedOnly => "v.is_deleted",
    }
}

#[async_trait]
impl SchemaStore for PostgresStore {
    async fn ping(&self) -> Result<()> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    fn changes(&self) -> Option<ChangeFeed> {
        Some(self.feed.subscribe())
    }

    async fn subjects(&self, include: Include) -> Result<Vec<String>> {
        let sql = match include {
            Include::DeletedOnly => {
                "SELECT subject FROM subject_versions GROUP BY subject \
                 HAVING bool_and(is_deleted) ORDER BY subject"
            }
            Include::Live => {
                "SELECT DISTINCT subject FROM subject_versions WHERE NOT is_deleted ORDER BY subject"
            }
            Include::LiveAndDeleted => {
                "SELECT DISTINCT subject FROM subject_versions ORDER BY subject"
            }
        };
        Ok(sqlx::query_scalar(sql).fetch_all(&self.pool).await?)
    }

    async fn versions(&self, subject: &str) -> Result<Vec<StoredVersion>> {
        let sql = format!(
            "SELECT {VERSION_COLUMNS} FROM subject_versions v JOIN schemas s ON s.id = v.schema_id \
             WHERE v.subject = $1 ORDER BY v.version"
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
             WHERE v.subject = $1 AND v.version = $2"
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
             WHERE v.subject = $1 AND {} ORDER BY v.version DESC LIMIT 1",
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
             WHERE id = $1 AND EXISTS (SELECT 1 FROM subject_versions v WHERE v.schema_id = s.id)",
        )
        .bind(id.0)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(schema_from_row).transpose()
    }

    async fn schema_usages(&self, id: SchemaId) -> Result<Vec<SubjectVersion>> {
        let rows = sqlx::query(
            "SELECT subject, version, is_deleted FROM subject_versions \
             WHERE schema_id = $1 ORDER BY subject, version",
        )
        .bind(id.0)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(usage_from_row).collect()
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
             WHERE r.subject = $1 AND r.version = $2 ORDER BY r.schema_id, v.subject, v.version",
        )
        .bind(subject)
        .bind(version.0)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| Ok((SchemaId(row.try_get("schema_id")?), usage_from_row(row)?)))
            .collect()
    }

    async fn register(&self, new: NewVersion, audit: &AuditEntry) -> Result<Registration> {
        retrying!(self.register_once(&new, audit))
    }

    async fn delete_versions(
        &self,
        subject: &str,
        versions: &[Version],
        permanent: bool,
        audit: &AuditEntry,
    ) -> Result<()> {
        retrying!(self.delete_versions_once(subject, versions, permanent, audit))
    }

    async fn settings(&self, subject: Option<&str>) -> Result<ScopeSettings> {
        let row = sqlx::query_as(
            "SELECT c.subject IS NOT NULL, c.compatibility, c.normalize, \
               (SELECT mode FROM modes WHERE subject = $1) \
             FROM (SELECT 1) AS one LEFT JOIN configs c ON c.subject = $1",
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
            "INSERT INTO configs (subject, compatibility, normalize) VALUES ($1, $2, $3) \
             ON CONFLICT (subject) DO UPDATE SET compatibility = EXCLUDED.compatibility, \
             normalize = EXCLUDED.normalize",
        )
        .bind(scope(subject))
        .bind(config.compatibility.map(Compatibility::as_str))
        .bind(config.normalize)
        .execute(&mut *tx)
        .await?;
        append_audit(&mut tx, audit).await?;
        notify(&mut tx, subject, &[]).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn delete_config(
        &self,
        subject: Option<&str>,
        audit: &AuditEntry,
    ) -> Result<Option<ConfigRecord>> {
        let mut tx = self.write().await?;
        let old: Option<(Option<String>, Option<bool>)> = sqlx::query_as(
            "DELETE FROM configs WHERE subject = $1 RETURNING compatibility, normalize",
        )
        .bind(scope(subject))
        .fetch_optional(&mut *tx)
        .await?;
        append_audit(&mut tx, audit).await?;
        notify(&mut tx, subject, &[]).await?;
        tx.commit().await?;
        old.map(rows::config_record).transpose()
    }

    async fn set_mode(&self, subject: Option<&str>, mode: Mode, audit: &AuditEntry) -> Result<()> {
        let mut tx = self.write().await?;
        sqlx::query(
            "INSERT INTO modes (subject, mode) VALUES ($1, $2) \
             ON CONFLICT (subject) DO UPDATE SET mode = EXCLUDED.mode",
        )
        .bind(scope(subject))
        .bind(mode.as_str())
        .execute(&mut *tx)
        .await?;
        append_audit(&mut tx, audit).await?;
        notify(&mut tx, subject, &[]).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn delete_mode(&self, subject: Option<&str>, audit: &AuditEntry) -> Result<Option<Mode>> {
        let mut tx = self.write().await?;
        let old: Option<String> =
            sqlx::query_scalar("DELETE FROM modes WHERE subject = $1 RETURNING mode")
                .bind(scope(subject))
                .fetch_optional(&mut *tx)
                .await?;
        append_audit(&mut tx, audit).await?;
        notify(&mut tx, subject, &[]).await?;
        tx.commit().await?;
        rows::mode(old)
    }
}

impl PostgresStore {
    /// One attempt at [`SchemaStore::register`]: the subject's row lock serializes it with
    /// every other registration and deletion in the subject, on any instance.
    async fn register_once(&self, new: &NewVersion, audit: &AuditEntry) -> Result<Registration> {
        let mut tx = self.write().await?;
        let outcome = register_in(&mut tx, new, audit).await;
        match outcome {
            Ok(Registration::Created { .. }) => tx.commit().await?,
            // Release the subject's lock now rather than when the connection is next used.
            _ => {
                let _ = tx.rollback().await;
            }
        }
        outcome
    }

    /// One attempt at [`SchemaStore::delete_versions`], under the subject's row lock.
    async fn delete_versions_once(
        &self,
        subject: &str,
        versions: &[Version],
        permanent: bool,
        audit: &AuditEntry,
    ) -> Result<()> {
        let mut tx = self.write().await?;
        lock_subject(&mut tx, subject).await?;
        let numbers: Vec<i32> = versions.iter().map(|v| v.0).collect();
        let ids: Vec<i32> = sqlx::query_scalar(
            "SELECT DISTINCT schema_id FROM subject_versions \
             WHERE subject = $1 AND version = ANY($2) ORDER BY schema_id",
        )
        .bind(subject)
        .bind(&numbers)
        .fetch_all(&mut *tx)
        .await?;
        let sql = if permanent {
            "DELETE FROM subject_versions WHERE subject = $1 AND version = ANY($2)"
        } else {
            "UPDATE subject_versions SET is_deleted = TRUE WHERE subject = $1 AND version = ANY($2)"
        };
        sqlx::query(sql)
            .bind(subject)
            .bind(&numbers)
            .execute(&mut *tx)
            .await?;
        let live: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM subject_versions WHERE subject = $1 AND NOT is_deleted",
        )
        .bind(subject)
        .fetch_one(&mut *tx)
        .await?;
        if live == 0 {
            for table in ["configs", "modes"] {
                sqlx::query(&format!("DELETE FROM {table} WHERE subject = $1"))
                    .bind(subject)
                    .execute(&mut *tx)
                    .await?;
            }
        }
        append_audit(&mut tx, audit).await?;
        let ids: Vec<SchemaId> = ids.into_iter().map(SchemaId).collect();
        notify(&mut tx, Some(subject), &ids).await?;
        tx.commit().await?;
        Ok(())
    }
}

/// Registers within `tx`, locking the subject first; the caller commits only a
/// [`Registration::Created`].
async fn register_in(
    tx: &mut Transaction<'static, Postgres>,
    new: &NewVersion,
    audit: &AuditEntry,
) -> Result<Registration> {
    let subject = new.subject.as_str();
    let content = &new.content;
    let last_version = lock_subject(tx, subject).await?;

    let existing: Option<(i32, i32)> = sqlx::query_as(
        "SELECT s.id, v.version FROM subject_versions v JOIN schemas s ON s.id = v.schema_id \
         WHERE v.subject = $1 AND NOT v.is_deleted AND s.fingerprint = $2 \
         ORDER BY v.version DESC LIMIT 1",
    )
    .bind(subject)
    .bind(&content.fingerprint)
    .fetch_optional(&mut **tx)
    .await?;
    if let Some((id, version)) = existing {
        if new.id.is_none_or(|requested| requested.0 == id) {
            return Ok(Registration::Existing {
                id: SchemaId(id),
                version: Version(version),
            });
        }
    }

    let max_version: Option<i32> =
        sqlx::query_scalar("SELECT MAX(version) FROM subject_versions WHERE subject = $1")
            .bind(subject)
            .fetch_one(&mut **tx)
            .await?;
    if let Seen::MaxVersion(seen) = new.seen {
        if max_version != seen.map(|v| v.0) {
            return Ok(Registration::Conflict);
        }
    }
    let version = match new.version {
        Some(version) => version,
        None => Version(max_version.unwrap_or(0).max(last_version) + 1),
    };
    let taken: Option<i32> = sqlx::query_scalar(
        "SELECT schema_id FROM subject_versions WHERE subject = $1 AND version = $2",
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

    let id = match known_id(tx, &content.fingerprint).await? {
        Some(known) => known,
        None => {
            // Ids are global: serialize their assignment across subjects and instances.
            // Readers are not blocked; only other new schemas wait.
            sqlx::query("LOCK TABLE schemas IN SHARE ROW EXCLUSIVE MODE")
                .execute(&mut **tx)
                .await?;
            match known_id(tx, &content.fingerprint).await? {
                Some(known) => known,
                None => insert_schema(tx, new).await?,
            }
        }
    };
    if let Some(requested) = new.id {
        if requested != id {
            return Err(Error::IdDoesNotMatch {
                existing: id,
                requested,
            });
        }
    }

    sqlx::query("UPDATE subjects SET last_version = GREATEST(last_version, $2) WHERE name = $1")
        .bind(subject)
        .bind(version.0)
        .execute(&mut **tx)
        .await?;
    sqlx::query("INSERT INTO subject_versions (subject, version, schema_id) VALUES ($1, $2, $3)")
        .bind(subject)
        .bind(version.0)
        .bind(id.0)
        .execute(&mut **tx)
        .await?;
    let mut entry = audit.clone();
    entry.version = Some(version);
    entry.details["id"] = id.0.into();
    append_audit(tx, &entry).await?;
    if let Some(service) = &new.claim_for {
        claim(tx, subject, service, audit).await?;
    }
    notify(tx, Some(subject), &[]).await?;
    Ok(Registration::Created { id, version })
}

/// Locks `subject`'s row until `tx` ends, creating it if needed, and returns the highest
/// version the subject ever had (0 for a new subject).
///
/// A concurrent transaction creating the same row waits for this one, then finds it.
async fn lock_subject(tx: &mut Transaction<'static, Postgres>, subject: &str) -> Result<i32> {
    sqlx::query(
        "INSERT INTO subjects (name, last_version) VALUES ($1, 0) ON CONFLICT (name) DO NOTHING",
    )
    .bind(subject)
    .execute(&mut **tx)
    .await?;
    Ok(
        sqlx::query_scalar("SELECT last_version FROM subjects WHERE name = $1 FOR UPDATE")
            .bind(subject)
            .fetch_one(&mut **tx)
            .await?,
    )
}

async fn known_id(
    tx: &mut Transaction<'static, Postgres>,
    fingerprint: &str,
) -> Result<Option<SchemaId>> {
    let id: Option<i32> = sqlx::query_scalar("SELECT id FROM schemas WHERE fingerprint = $1")
        .bind(fingerprint)
        .fetch_optional(&mut **tx)
        .await?;
    Ok(id.map(SchemaId))
}

/// Inserts new content under the requested id, or the next one; the caller holds the lock on
/// `schemas`.
async fn insert_schema(
    tx: &mut Transaction<'static, Postgres>,
    new: &NewVersion,
) -> Result<SchemaId> {
    let content = &new.content;
    let id = match new.id {
        Some(id) => {
            let used: Option<i32> = sqlx::query_scalar("SELECT id FROM schemas WHERE id = $1")
                .bind(id.0)
                .fetch_optional(&mut **tx)
                .await?;
            if used.is_some() {
                return Err(Error::OperationNotPermitted(format!(
                    "Overwrite new schema with id {id} is not permitted."
                )));
            }
            id
        }
        None => {
            let max: Option<i32> = sqlx::query_scalar("SELECT MAX(id) FROM schemas")
                .fetch_one(&mut **tx)
                .await?;
            SchemaId(max.unwrap_or(0) + 1)
        }
    };
    let refs =
        serde_json::to_string(&content.references).map_err(|e| Error::Internal(e.to_string()))?;
    sqlx::query(
        "INSERT INTO schemas (id, fingerprint, schema_type, schema, refs, metadata, rule_set) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(id.0)
    .bind(&content.fingerprint)
    .bind(content.schema_type.as_str())
    .bind(&content.schema)
    .bind(refs)
    .bind(to_json(&content.metadata))
    .bind(to_json(&content.rule_set))
    .execute(&mut **tx)
    .await?;
    for reference in &content.references {
        insert_reference(tx, id, reference).await?;
    }
    Ok(id)
}

/// Makes `service` the producer of `subject` if it has none, with its own audit entry.
async fn claim(
    tx: &mut Transaction<'static, Postgres>,
    subject: &str,
    service: &str,
    audit: &AuditEntry,
) -> Result<()> {
    let claimed = sqlx::query(
        "INSERT INTO producers (subject, service, assigned_by, assigned_at) \
         VALUES ($1, $2, $3, $4) ON CONFLICT (subject) DO NOTHING",
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
            service: Some(service.to_string()),
            details: serde_json::json!({ "service": service }),
            ..audit.clone()
        };
        append_audit(tx, &claim).await?;
    }
    Ok(())
}

async fn insert_reference(
    tx: &mut Transaction<'static, Postgres>,
    id: SchemaId,
    reference: &Reference,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO schema_references (schema_id, name, subject, version) \
         VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
    )
    .bind(id.0)
    .bind(&reference.name)
    .bind(&reference.subject)
    .bind(reference.version)
    .execute(&mut **tx)
    .await?;
    Ok(())
}
