//! The schema half of [`PostgresStore`]: subjects, versions, schemas, references, config, mode.

use async_trait::async_trait;
use sqlx::{PgPool, Postgres, Transaction};

use super::{append_audit, is_retryable, listener, notify, retrying, PostgresStore};
use crate::storage::rows::{scope, to_json};
use crate::storage::{
    mark_applied, rows, AuditEntry, ChangeFeed, ConfigRecord, IdChoice, SchemaStore, VersionWrite,
    Written,
};
use crate::types::{Compatibility, Mode, Reference, SchemaId, SubjectName, Version};
use crate::{Error, Result};

#[async_trait]
impl SchemaStore for PostgresStore {
    fn changes(&self) -> Option<ChangeFeed> {
        Some(self.feed.subscribe())
    }

    async fn write_version(&self, write: &VersionWrite, audit: &AuditEntry) -> Result<Written> {
        match write_version(&self.pool, write, audit).await {
            // Another registration won a race on a key (the same new content, or the id an
            // import asked for): the decision is stale.
            Err(err) if is_retryable(&err) => Ok(Written::Moved),
            outcome => outcome,
        }
    }

    async fn delete_versions(
        &self,
        subject: &SubjectName,
        versions: &[Version],
        permanent: bool,
        audit: &AuditEntry,
    ) -> Result<()> {
        retrying!(self.delete_versions_once(subject, versions, permanent, audit))
    }

    async fn set_config(
        &self,
        subject: Option<&SubjectName>,
        config: ConfigRecord,
        audit: &AuditEntry,
    ) -> Result<()> {
        let mut tx = self.write().await?;
        sqlx::query(
            "INSERT INTO configs (subject, compatibility, normalize, contract) \
             VALUES ($1, $2, $3, $4) \
             ON CONFLICT (subject) DO UPDATE SET compatibility = EXCLUDED.compatibility, \
             normalize = EXCLUDED.normalize, contract = EXCLUDED.contract",
        )
        .bind(scope(subject))
        .bind(config.compatibility.map(Compatibility::as_str))
        .bind(config.normalize)
        .bind(config.contract.to_column())
        .execute(&mut *tx)
        .await?;
        append_audit(&mut tx, audit).await?;
        notify(&mut tx, subject.map(SubjectName::as_str), &[]).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn delete_config(
        &self,
        subject: Option<&SubjectName>,
        audit: &AuditEntry,
    ) -> Result<Option<ConfigRecord>> {
        let mut tx = self.write().await?;
        let old: Option<rows::ConfigColumns> = sqlx::query_as(
            "DELETE FROM configs WHERE subject = $1 RETURNING compatibility, normalize, contract",
        )
        .bind(scope(subject))
        .fetch_optional(&mut *tx)
        .await?;
        append_audit(&mut tx, audit).await?;
        notify(&mut tx, subject.map(SubjectName::as_str), &[]).await?;
        tx.commit().await?;
        old.map(rows::config_record).transpose()
    }

    async fn set_mode(
        &self,
        subject: Option<&SubjectName>,
        mode: Mode,
        audit: &AuditEntry,
    ) -> Result<()> {
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
        notify(&mut tx, subject.map(SubjectName::as_str), &[]).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn delete_mode(
        &self,
        subject: Option<&SubjectName>,
        audit: &AuditEntry,
    ) -> Result<Option<Mode>> {
        let mut tx = self.write().await?;
        let old: Option<String> =
            sqlx::query_scalar("DELETE FROM modes WHERE subject = $1 RETURNING mode")
                .bind(scope(subject))
                .fetch_optional(&mut *tx)
                .await?;
        append_audit(&mut tx, audit).await?;
        notify(&mut tx, subject.map(SubjectName::as_str), &[]).await?;
        tx.commit().await?;
        rows::mode(old)
    }
}

impl PostgresStore {
    /// One attempt at [`SchemaStore::delete_versions`], under the subject's row lock.
    async fn delete_versions_once(
        &self,
        subject: &SubjectName,
        versions: &[Version],
        permanent: bool,
        audit: &AuditEntry,
    ) -> Result<()> {
        let mut tx = self.write().await?;
        lock_subject(&mut tx, subject.as_str()).await?;
        let numbers: Vec<i32> = versions.iter().map(|v| v.0).collect();
        let ids: Vec<i32> = sqlx::query_scalar(
            "SELECT DISTINCT schema_id FROM subject_versions \
             WHERE subject = $1 AND version = ANY($2) ORDER BY schema_id",
        )
        .bind(subject.as_str())
        .bind(&numbers)
        .fetch_all(&mut *tx)
        .await?;
        let sql = if permanent {
            "DELETE FROM subject_versions WHERE subject = $1 AND version = ANY($2)"
        } else {
            "UPDATE subject_versions SET is_deleted = TRUE WHERE subject = $1 AND version = ANY($2)"
        };
        sqlx::query(sql)
            .bind(subject.as_str())
            .bind(&numbers)
            .execute(&mut *tx)
            .await?;
        let live: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM subject_versions WHERE subject = $1 AND NOT is_deleted",
        )
        .bind(subject.as_str())
        .fetch_one(&mut *tx)
        .await?;
        if live == 0 {
            for table in ["configs", "modes"] {
                sqlx::query(&format!("DELETE FROM {table} WHERE subject = $1"))
                    .bind(subject.as_str())
                    .execute(&mut *tx)
                    .await?;
            }
        }
        append_audit(&mut tx, audit).await?;
        let ids: Vec<SchemaId> = ids.into_iter().map(SchemaId).collect();
        notify(&mut tx, Some(subject.as_str()), &ids).await?;
        tx.commit().await?;
        Ok(())
    }
}

/// Calls `accord_write_version` (migrations/postgres/0008): the whole write in one round trip.
async fn write_version(pool: &PgPool, write: &VersionWrite, audit: &AuditEntry) -> Result<Written> {
    let content = &write.content;
    let (id_choice, id) = match write.id {
        IdChoice::Known(id) => ("known", Some(id.0)),
        IdChoice::Requested(id) => ("requested", Some(id.0)),
        IdChoice::Next => ("next", None),
    };
    let references =
        serde_json::to_string(&content.references).map_err(|e| Error::Internal(e.to_string()))?;
    let column = |f: fn(&Reference) -> String| content.references.iter().map(f).collect::<Vec<_>>();
    let ref_versions: Vec<i32> = content.references.iter().map(|r| r.version).collect();
    let claim = write.claim.as_ref();
    let stale: Vec<SchemaId> = write.replaces.into_iter().chain(id.map(SchemaId)).collect();
    let call = sqlx::query_scalar(
        "SELECT accord_write_version($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, \
           $14, $15, $16, $17, $18, $19, $20, $21, $22, $23)",
    )
    .bind(write.subject.as_str())
    .bind(write.expected_max.map(|v| v.0))
    .bind(write.version.0)
    .bind(id_choice)
    .bind(id)
    .bind(&content.fingerprint)
    .bind(content.schema_type.as_str())
    .bind(&content.schema)
    .bind(references)
    .bind(to_json(&content.metadata))
    .bind(to_json(&content.rule_set))
    .bind(column(|r| r.name.clone()))
    .bind(column(|r| r.subject.clone()))
    .bind(ref_versions)
    .bind(&audit.at)
    .bind(&audit.principal)
    .bind(audit.action.as_str())
    .bind(audit.details.to_string())
    .bind(claim.map(|c| c.service.as_str()))
    .bind(claim.map(|c| c.audit.action.as_str()))
    .bind(claim.map(|c| c.audit.details.to_string()))
    // Other instances drop what they cached under an overwritten version's id, or under an
    // imported id whose earlier content was permanently deleted.
    .bind(listener::payload(Some(write.subject.as_str()), &stale))
    .bind(write.replaces.is_some());
    let Some(applying) = &write.applies else {
        let written: Option<i32> = call.fetch_one(pool).await?;
        return Ok(written.map_or(Written::Moved, |id| Written::Created(SchemaId(id))));
    };
    // Applying a proposal: the version and the proposal's decision commit together.
    let mut tx = pool.begin().await?;
    let written: Option<i32> = call.fetch_one(&mut *tx).await?;
    let Some(id) = written else {
        return Ok(Written::Moved);
    };
    if !mark_applied::<Postgres>(&mut *tx, applying, write.version).await? {
        return Ok(Written::Lapsed);
    }
    tx.commit().await?;
    Ok(Written::Created(SchemaId(id)))
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
