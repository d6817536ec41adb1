//! The schema half of [`SqliteStore`]: subjects, versions, schemas, references, config, mode.

use async_trait::async_trait;
use sqlx::Sqlite;

use super::{append_audit, SqliteStore};
use crate::storage::rows::{scope, to_json};
use crate::storage::{
    mark_applied, rows, AuditEntry, ConfigRecord, IdChoice, SchemaStore, VersionWrite, Written,
};
use crate::types::{Compatibility, Mode, Reference, SchemaId, SubjectName, Version};
use crate::{Error, Result};

#[async_trait]
impl SchemaStore for SqliteStore {
    async fn write_version(&self, write: &VersionWrite, audit: &AuditEntry) -> Result<Written> {
        let mut tx = self.write().await?;
        let subject = &write.subject;
        let content = &write.content;

        // What the decision assumed, checked in one statement under the write lock. A schema
        // row counts only while some version uses it.
        let (max_version, known, max_id, requested, version_taken): (
            Option<i32>,
            Option<i32>,
            Option<i32>,
            Option<String>,
            bool,
        ) = sqlx::query_as(
            "SELECT (SELECT MAX(version) FROM subject_versions WHERE subject = $1), \
               (SELECT MAX(k.id) FROM schemas k WHERE k.fingerprint = $2 \
                 AND EXISTS (SELECT 1 FROM subject_versions u WHERE u.schema_id = k.id)), \
               (SELECT MAX(id) FROM schemas), \
               (SELECT r.fingerprint FROM schemas r WHERE r.id = $3 \
                 AND EXISTS (SELECT 1 FROM subject_versions u WHERE u.schema_id = r.id)), \
               EXISTS (SELECT 1 FROM subject_versions WHERE subject = $1 AND version = $4)",
        )
        .bind(subject.as_str())
        .bind(&content.fingerprint)
        .bind(match write.id {
            IdChoice::Requested(id) | IdChoice::Known(id) => Some(id.0),
            IdChoice::Next => None,
        })
        .bind(write.version.0)
        .fetch_one(&mut **tx)
        .await?;
        let id = match write.id {
            IdChoice::Known(id) if requested.as_ref() == Some(&content.fingerprint) => id,
            IdChoice::Requested(id) if requested.is_none() => id,
            IdChoice::Next if known.is_none() => SchemaId(max_id.unwrap_or(0) + 1),
            _ => return Ok(Written::Moved),
        };
        if max_version != write.expected_max.map(|v| v.0)
            || version_taken != write.replaces.is_some()
        {
            return Ok(Written::Moved);
        }
        let is_new_schema = !matches!(write.id, IdChoice::Known(_));
        if matches!(write.id, IdChoice::Requested(_)) {
            // The id's earlier content, permanently deleted, makes way for the import's.
            for table_key in ["schema_references WHERE schema_id", "schemas WHERE id"] {
                sqlx::query(&format!("DELETE FROM {table_key} = ?"))
                    .bind(id.0)
                    .execute(&mut **tx)
                    .await?;
            }
        }

        // The schema when it is new, the subject's row, the version (after the one an import
        // overwrites, and without the soft-deleted versions of the same id it supersedes, as
        // Confluent's registry drops them) and its audit entry, in one round trip.
        let mut entry = audit.clone();
        entry.version = Some(write.version);
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
             DELETE FROM subject_versions WHERE subject = ? \
               AND (version = ? OR (schema_id = ? AND is_deleted AND version < ?)); \
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
        .bind(subject.as_str())
        .bind(write.version.0)
        .bind(subject.as_str())
        .bind(write.version.0)
        .bind(id.0)
        .bind(write.version.0)
        .bind(subject.as_str())
        .bind(write.version.0)
        .bind(id.0)
        .bind(&entry.at)
        .bind(&entry.principal)
        .bind(entry.action.as_str())
        .bind(&entry.subject)
        .bind(write.version.0)
        .bind(&entry.service)
        .bind(entry.details.to_string())
        .execute(&mut **tx)
        .await?;
        if is_new_schema {
            for reference in &content.references {
                insert_reference(&mut tx, id, reference).await?;
            }
        }
        if let Some(claim) = &write.claim {
            let claimed = sqlx::query(
                "INSERT INTO producers (subject, service, assigned_by, assigned_at) \
                 VALUES (?, ?, ?, ?) ON CONFLICT (subject) DO NOTHING",
            )
            .bind(subject.as_str())
            .bind(&claim.service)
            .bind(&claim.audit.principal)
            .bind(&claim.audit.at)
            .execute(&mut **tx)
            .await?;
            if claimed.rows_affected() == 1 {
                append_audit(&mut tx, &claim.audit).await?;
            }
        }
        if let Some(applying) = &write.applies {
            if !mark_applied::<Sqlite>(&mut **tx, applying, write.version).await? {
                return Ok(Written::Lapsed);
            }
        }
        tx.commit().await?;
        Ok(Written::Created(id))
    }

    async fn delete_versions(
        &self,
        subject: &SubjectName,
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
                .bind(subject.as_str())
                .bind(version.0)
                .execute(&mut **tx)
                .await?;
        }
        let live: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM subject_versions WHERE subject = ? AND is_deleted = 0",
        )
        .bind(subject.as_str())
        .fetch_one(&mut **tx)
        .await?;
        if live == 0 {
            for table in ["configs", "modes"] {
                sqlx::query(&format!("DELETE FROM {table} WHERE subject = ?"))
                    .bind(subject.as_str())
                    .execute(&mut **tx)
                    .await?;
            }
        }
        append_audit(&mut tx, audit).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn set_config(
        &self,
        subject: Option<&SubjectName>,
        config: ConfigRecord,
        audit: &AuditEntry,
    ) -> Result<()> {
        let mut tx = self.write().await?;
        sqlx::query(
            "INSERT INTO configs (subject, compatibility, normalize, contract) VALUES (?, ?, ?, ?) \
             ON CONFLICT (subject) DO UPDATE SET compatibility = excluded.compatibility, \
             normalize = excluded.normalize, contract = excluded.contract",
        )
        .bind(scope(subject))
        .bind(config.compatibility.map(Compatibility::as_str))
        .bind(config.normalize)
        .bind(config.contract.to_column())
        .execute(&mut **tx)
        .await?;
        append_audit(&mut tx, audit).await?;
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
            "SELECT compatibility, normalize, contract FROM configs WHERE subject = ?",
        )
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

    async fn set_mode(
        &self,
        subject: Option<&SubjectName>,
        mode: Mode,
        audit: &AuditEntry,
    ) -> Result<()> {
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

    async fn delete_mode(
        &self,
        subject: Option<&SubjectName>,
        audit: &AuditEntry,
    ) -> Result<Option<Mode>> {
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
