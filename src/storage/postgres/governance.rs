//! The governance half of [`PostgresStore`]: teams, services, credentials, ownership, grants and
//! the audit log.

use async_trait::async_trait;

use super::{append_audit, PostgresStore};
use crate::storage::{
    rows, AuditEntry, AuditQuery, AuditRecord, ConsumerGrant, CredentialInfo, GovernanceStore,
    NewCredential, Producer, Service, Team,
};
use crate::{Error, Result};

async fn exists(
    tx: &mut sqlx::Transaction<'static, sqlx::Postgres>,
    sql: &str,
    key: &str,
) -> Result<bool> {
    Ok(sqlx::query(sql)
        .bind(key)
        .fetch_optional(&mut **tx)
        .await?
        .is_some())
}

/// Turns the unique violation of a name that another instance took meanwhile into a conflict.
fn taken(err: sqlx::Error, message: String) -> Error {
    match &err {
        sqlx::Error::Database(db) if db.is_unique_violation() => Error::AlreadyExists(message),
        _ => Error::from(err),
    }
}

const TEAM_EXISTS: &str = "SELECT 1 FROM teams WHERE name = $1";
const SERVICE_EXISTS: &str = "SELECT 1 FROM services WHERE name = $1";

#[async_trait]
impl GovernanceStore for PostgresStore {
    async fn create_team(&self, team: &Team, audit: &AuditEntry) -> Result<()> {
        let mut tx = self.write().await?;
        if exists(&mut tx, TEAM_EXISTS, &team.name).await? {
            return Err(Error::AlreadyExists(format!(
                "Team '{}' already exists.",
                team.name
            )));
        }
        sqlx::query("INSERT INTO teams (name, contacts, created_at) VALUES ($1, $2, $3)")
            .bind(&team.name)
            .bind(rows::contacts_json(team))
            .bind(&team.created_at)
            .execute(&mut *tx)
            .await
            .map_err(|e| taken(e, format!("Team '{}' already exists.", team.name)))?;
        append_audit(&mut tx, audit).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn teams(&self) -> Result<Vec<Team>> {
        let rows = sqlx::query("SELECT name, contacts, created_at FROM teams ORDER BY name")
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(rows::team).collect()
    }

    async fn team(&self, name: &str) -> Result<Option<Team>> {
        let row = sqlx::query("SELECT name, contacts, created_at FROM teams WHERE name = $1")
            .bind(name)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(rows::team).transpose()
    }

    async fn update_team(&self, team: &Team, audit: &AuditEntry) -> Result<()> {
        let mut tx = self.write().await?;
        let updated = sqlx::query("UPDATE teams SET contacts = $1 WHERE name = $2")
            .bind(rows::contacts_json(team))
            .bind(&team.name)
            .execute(&mut *tx)
            .await?;
        if updated.rows_affected() == 0 {
            return Err(Error::TeamNotFound(team.name.clone()));
        }
        append_audit(&mut tx, audit).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn delete_team(&self, name: &str, audit: &AuditEntry) -> Result<()> {
        let mut tx = self.write().await?;
        if !exists(&mut tx, TEAM_EXISTS, name).await? {
            return Err(Error::TeamNotFound(name.to_string()));
        }
        let owned: Vec<String> =
            sqlx::query_scalar("SELECT name FROM services WHERE team = $1 ORDER BY name")
                .bind(name)
                .fetch_all(&mut *tx)
                .await?;
        if !owned.is_empty() {
            return Err(Error::InUse(format!(
                "Team '{name}' still owns services: {}.",
                owned.join(", ")
            )));
        }
        sqlx::query("DELETE FROM teams WHERE name = $1")
            .bind(name)
            .execute(&mut *tx)
            .await?;
        append_audit(&mut tx, audit).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn create_service(&self, service: &Service, audit: &AuditEntry) -> Result<()> {
        let mut tx = self.write().await?;
        if exists(&mut tx, SERVICE_EXISTS, &service.name).await? {
            return Err(Error::AlreadyExists(format!(
                "Service '{}' already exists.",
                service.name
            )));
        }
        if !exists(&mut tx, TEAM_EXISTS, &service.team).await? {
            return Err(Error::TeamNotFound(service.team.clone()));
        }
        sqlx::query(
            "INSERT INTO services (name, team, description, created_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(&service.name)
        .bind(&service.team)
        .bind(&service.description)
        .bind(&service.created_at)
        .execute(&mut *tx)
        .await
        .map_err(|e| taken(e, format!("Service '{}' already exists.", service.name)))?;
        append_audit(&mut tx, audit).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn services(&self) -> Result<Vec<Service>> {
        let rows =
            sqlx::query("SELECT name, team, description, created_at FROM services ORDER BY name")
                .fetch_all(&self.pool)
                .await?;
        rows.iter().map(rows::service).collect()
    }

    async fn service(&self, name: &str) -> Result<Option<Service>> {
        let row =
            sqlx::query("SELECT name, team, description, created_at FROM services WHERE name = $1")
                .bind(name)
                .fetch_optional(&self.pool)
                .await?;
        row.as_ref().map(rows::service).transpose()
    }

    async fn update_service(&self, service: &Service, audit: &AuditEntry) -> Result<()> {
        let mut tx = self.write().await?;
        if !exists(&mut tx, SERVICE_EXISTS, &service.name).await? {
            return Err(Error::ServiceNotFound(service.name.clone()));
        }
        if !exists(&mut tx, TEAM_EXISTS, &service.team).await? {
            return Err(Error::TeamNotFound(service.team.clone()));
        }
        sqlx::query("UPDATE services SET team = $1, description = $2 WHERE name = $3")
            .bind(&service.team)
            .bind(&service.description)
            .bind(&service.name)
            .execute(&mut *tx)
            .await?;
        append_audit(&mut tx, audit).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn delete_service(&self, name: &str, audit: &AuditEntry) -> Result<()> {
        let mut tx = self.write().await?;
        if !exists(&mut tx, SERVICE_EXISTS, name).await? {
            return Err(Error::ServiceNotFound(name.to_string()));
        }
        let produced: Vec<String> =
            sqlx::query_scalar("SELECT subject FROM producers WHERE service = $1 ORDER BY subject")
                .bind(name)
                .fetch_all(&mut *tx)
                .await?;
        if !produced.is_empty() {
            return Err(Error::InUse(format!(
                "Service '{name}' still produces subjects: {}.",
                produced.join(", ")
            )));
        }
        sqlx::query("DELETE FROM services WHERE name = $1")
            .bind(name)
            .execute(&mut *tx)
            .await?;
        append_audit(&mut tx, audit).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn create_credential(
        &self,
        credential: &NewCredential,
        audit: &AuditEntry,
    ) -> Result<()> {
        let mut tx = self.write().await?;
        if !exists(&mut tx, SERVICE_EXISTS, &credential.service).await? {
            return Err(Error::ServiceNotFound(credential.service.clone()));
        }
        sqlx::query(
            "INSERT INTO credentials (id, service, secret_hash, created_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(&credential.id)
        .bind(&credential.service)
        .bind(&credential.secret_hash)
        .bind(&credential.created_at)
        .execute(&mut *tx)
        .await?;
        append_audit(&mut tx, audit).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn credentials(&self, service: &str) -> Result<Vec<CredentialInfo>> {
        let rows = sqlx::query(
            "SELECT id, service, created_at, last_used_at, revoked_at FROM credentials \
             WHERE service = $1 ORDER BY created_at, id",
        )
        .bind(service)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(rows::credential).collect()
    }

    async fn credential_by_hash(&self, secret_hash: &str) -> Result<Option<CredentialInfo>> {
        let row = sqlx::query(
            "SELECT id, service, created_at, last_used_at, revoked_at FROM credentials \
             WHERE secret_hash = $1 AND revoked_at IS NULL",
        )
        .bind(secret_hash)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(rows::credential).transpose()
    }

    async fn touch_credential(&self, id: &str, at: &str) -> Result<()> {
        sqlx::query("UPDATE credentials SET last_used_at = $1 WHERE id = $2")
            .bind(at)
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn revoke_credential(&self, service: &str, id: &str, audit: &AuditEntry) -> Result<()> {
        let mut tx = self.write().await?;
        let revoked = sqlx::query(
            "UPDATE credentials SET revoked_at = $1 WHERE service = $2 AND id = $3 AND revoked_at IS NULL",
        )
        .bind(&audit.at)
        .bind(service)
        .bind(id)
        .execute(&mut *tx)
        .await?;
        if revoked.rows_affected() == 0 {
            return Err(Error::CredentialNotFound(
                service.to_string(),
                id.to_string(),
            ));
        }
        append_audit(&mut tx, audit).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn producer(&self, subject: &str) -> Result<Option<Producer>> {
        let row: Option<(String, String, String, String)> = sqlx::query_as(
            "SELECT subject, service, assigned_by, assigned_at FROM producers WHERE subject = $1",
        )
        .bind(subject)
        .fetch_optional(&self.pool)
        .await?;
        Ok(
            row.map(|(subject, service, assigned_by, assigned_at)| Producer {
                subject,
                service,
                assigned_by,
                assigned_at,
            }),
        )
    }

    async fn set_producer(&self, producer: &Producer, audit: &AuditEntry) -> Result<()> {
        let mut tx = self.write().await?;
        if !exists(&mut tx, SERVICE_EXISTS, &producer.service).await? {
            return Err(Error::ServiceNotFound(producer.service.clone()));
        }
        sqlx::query(
            "INSERT INTO producers (subject, service, assigned_by, assigned_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (subject) DO UPDATE SET service = excluded.service, \
             assigned_by = excluded.assigned_by, assigned_at = excluded.assigned_at",
        )
        .bind(&producer.subject)
        .bind(&producer.service)
        .bind(&producer.assigned_by)
        .bind(&producer.assigned_at)
        .execute(&mut *tx)
        .await?;
        // A producer does not consume its own stream through a grant.
        sqlx::query("DELETE FROM consumers WHERE subject = $1 AND service = $2")
            .bind(&producer.subject)
            .bind(&producer.service)
            .execute(&mut *tx)
            .await?;
        append_audit(&mut tx, audit).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn consumers(&self, subject: &str) -> Result<Vec<ConsumerGrant>> {
        let rows: Vec<(String, String, String, String)> = sqlx::query_as(
            "SELECT subject, service, granted_by, granted_at FROM consumers \
             WHERE subject = $1 ORDER BY service",
        )
        .bind(subject)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|(subject, service, granted_by, granted_at)| ConsumerGrant {
                subject,
                service,
                granted_by,
                granted_at,
            })
            .collect())
    }

    async fn grant_consumer(&self, grant: &ConsumerGrant, audit: &AuditEntry) -> Result<()> {
        let mut tx = self.write().await?;
        if !exists(&mut tx, SERVICE_EXISTS, &grant.service).await? {
            return Err(Error::ServiceNotFound(grant.service.clone()));
        }
        let producer: Option<String> =
            sqlx::query_scalar("SELECT service FROM producers WHERE subject = $1")
                .bind(&grant.subject)
                .fetch_optional(&mut *tx)
                .await?;
        if producer.as_deref() == Some(grant.service.as_str()) {
            return Err(Error::InvalidGovernance(format!(
                "Service '{}' produces subject '{}' and cannot also be granted as its consumer.",
                grant.service, grant.subject
            )));
        }
        sqlx::query(
            "INSERT INTO consumers (subject, service, granted_by, granted_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (subject, service) DO UPDATE SET granted_by = excluded.granted_by, \
             granted_at = excluded.granted_at",
        )
        .bind(&grant.subject)
        .bind(&grant.service)
        .bind(&grant.granted_by)
        .bind(&grant.granted_at)
        .execute(&mut *tx)
        .await?;
        append_audit(&mut tx, audit).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn revoke_consumer(
        &self,
        subject: &str,
        service: &str,
        audit: &AuditEntry,
    ) -> Result<()> {
        let mut tx = self.write().await?;
        let revoked = sqlx::query("DELETE FROM consumers WHERE subject = $1 AND service = $2")
            .bind(subject)
            .bind(service)
            .execute(&mut *tx)
            .await?;
        if revoked.rows_affected() == 0 {
            return Err(Error::GrantNotFound(
                service.to_string(),
                subject.to_string(),
            ));
        }
        append_audit(&mut tx, audit).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn produced_by(&self, service: &str) -> Result<Vec<String>> {
        Ok(
            sqlx::query_scalar("SELECT subject FROM producers WHERE service = $1 ORDER BY subject")
                .bind(service)
                .fetch_all(&self.pool)
                .await?,
        )
    }

    async fn consumed_by(&self, service: &str) -> Result<Vec<String>> {
        Ok(
            sqlx::query_scalar("SELECT subject FROM consumers WHERE service = $1 ORDER BY subject")
                .bind(service)
                .fetch_all(&self.pool)
                .await?,
        )
    }

    async fn audit_records(&self, query: &AuditQuery) -> Result<Vec<AuditRecord>> {
        let rows = sqlx::query(
            "SELECT seq, at, principal, action, subject, version, service, details FROM audit_log \
             WHERE ($1::text IS NULL OR subject = $1) \
               AND ($2::text IS NULL OR service = $2 OR principal = $2) \
               AND ($3::text IS NULL OR principal = $3) \
               AND ($4::text IS NULL OR at >= $4) \
               AND ($5::bigint IS NULL OR seq < $5) \
             ORDER BY seq DESC LIMIT $6",
        )
        .bind(&query.subject)
        .bind(&query.service)
        .bind(&query.principal)
        .bind(&query.since)
        .bind(query.before_seq)
        .bind(query.limit)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(rows::audit).collect()
    }
}
