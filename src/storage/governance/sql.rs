//! One [`GovernanceStore`] for every database: the SQL that SQLite and PostgreSQL both accept
//! (`$1` placeholders, `ON CONFLICT`, `RETURNING`, `CAST`), run over the [`SqlStore`] each
//! backend implements with its own write discipline.
//!
//! A write checks what it depends on in its own transaction and, when something stands in the
//! way, returns the [`GovernanceConflict`] and drops the transaction, which writes nothing.

use async_trait::async_trait;
use sqlx::{ColumnIndex, Database, Decode, Encode, Executor, IntoArguments, Type};

use super::audit;
use super::backend::{exists, refuse, unless_taken, Args, Conn, SqlStore};
use super::{
    AuditEntry, AuditQuery, AuditRecord, Checked, ConsumerGrant, CredentialInfo,
    GovernanceConflict, GovernanceStore, NewCredential, Producer, Service, Team,
};
use crate::storage::rows;
use crate::types::SubjectName;
use crate::Result;

const TEAM_EXISTS: &str = "SELECT 1 FROM teams WHERE name = $1";
const SERVICE_EXISTS: &str = "SELECT 1 FROM services WHERE name = $1";
const TEAM_COLUMNS: &str = "SELECT name, contacts, created_at FROM teams";
const SERVICE_COLUMNS: &str = "SELECT name, team, description, created_at FROM services";
const CREDENTIAL_COLUMNS: &str =
    "SELECT id, service, created_at, last_used_at, revoked_at FROM credentials";

/// The shared implementation. The bounds say what its statements need of a database: to bind
/// text and integers, to read them back by column name or position, and to run on a pooled or
/// a transaction's connection. SQLite and PostgreSQL have them all.
#[async_trait]
impl<S> GovernanceStore for S
where
    S: SqlStore,
    for<'c> &'c mut Conn<S>: Executor<'c, Database = S::Db>,
    for<'q> Args<'q, S::Db>: IntoArguments<'q, S::Db>,
    for<'q> &'q str: Encode<'q, S::Db> + Type<S::Db>,
    for<'q> Option<&'q str>: Encode<'q, S::Db>,
    for<'q> Option<i64>: Encode<'q, S::Db>,
    for<'q> i64: Encode<'q, S::Db> + Decode<'q, S::Db> + Type<S::Db>,
    for<'r> i32: Decode<'r, S::Db> + Type<S::Db>,
    for<'r> String: Decode<'r, S::Db> + Type<S::Db>,
    usize: ColumnIndex<<S::Db as Database>::Row>,
    for<'n> &'n str: ColumnIndex<<S::Db as Database>::Row>,
{
    async fn create_team(&self, team: &Team, audit: &AuditEntry) -> Result<Checked> {
        let mut tx = self.begin_write().await?;
        let contacts = rows::contacts_json(team);
        let inserted =
            sqlx::query("INSERT INTO teams (name, contacts, created_at) VALUES ($1, $2, $3)")
                .bind(team.name.as_str())
                .bind(contacts.as_str())
                .bind(team.created_at.as_str())
                .execute(tx.as_mut())
                .await;
        let taken = GovernanceConflict::TeamExists(team.name.clone());
        if let Err(conflict) = unless_taken(inserted, taken)? {
            return refuse(conflict);
        }
        S::commit(tx, audit).await.map(Ok)
    }

    async fn teams(&self) -> Result<Vec<Team>> {
        let sql = format!("{TEAM_COLUMNS} ORDER BY name");
        let rows = sqlx::query(&sql).fetch_all(self.pool()).await?;
        rows.iter().map(rows::team).collect()
    }

    async fn team(&self, name: &str) -> Result<Option<Team>> {
        let sql = format!("{TEAM_COLUMNS} WHERE name = $1");
        let row = sqlx::query(&sql)
            .bind(name)
            .fetch_optional(self.pool())
            .await?;
        row.as_ref().map(rows::team).transpose()
    }

    async fn update_team(&self, team: &Team, audit: &AuditEntry) -> Result<Checked> {
        let mut tx = self.begin_write().await?;
        let contacts = rows::contacts_json(team);
        let updated = sqlx::query("UPDATE teams SET contacts = $1 WHERE name = $2 RETURNING name")
            .bind(contacts.as_str())
            .bind(team.name.as_str())
            .fetch_optional(tx.as_mut())
            .await?;
        if updated.is_none() {
            return refuse(GovernanceConflict::NoSuchTeam(team.name.clone()));
        }
        S::commit(tx, audit).await.map(Ok)
    }

    async fn delete_team(&self, name: &str, audit: &AuditEntry) -> Result<Checked> {
        let mut tx = self.begin_write().await?;
        // A team that does not exist owns nothing: `services.team` references `teams`.
        let services: Vec<String> =
            sqlx::query_scalar("SELECT name FROM services WHERE team = $1 ORDER BY name")
                .bind(name)
                .fetch_all(tx.as_mut())
                .await?;
        if !services.is_empty() {
            let team = name.to_string();
            return refuse(GovernanceConflict::TeamOwnsServices { team, services });
        }
        let deleted = sqlx::query("DELETE FROM teams WHERE name = $1 RETURNING name")
            .bind(name)
            .fetch_optional(tx.as_mut())
            .await?;
        if deleted.is_none() {
            return refuse(GovernanceConflict::NoSuchTeam(name.to_string()));
        }
        S::commit(tx, audit).await.map(Ok)
    }

    async fn create_service(&self, service: &Service, audit: &AuditEntry) -> Result<Checked> {
        let mut tx = self.begin_write().await?;
        let taken = || GovernanceConflict::ServiceExists(service.name.clone());
        if exists::<S>(&mut tx, SERVICE_EXISTS, &service.name).await? {
            return refuse(taken());
        }
        if !exists::<S>(&mut tx, TEAM_EXISTS, &service.team).await? {
            return refuse(GovernanceConflict::NoSuchTeam(service.team.clone()));
        }
        let inserted = sqlx::query(
            "INSERT INTO services (name, team, description, created_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(service.name.as_str())
        .bind(service.team.as_str())
        .bind(service.description.as_str())
        .bind(service.created_at.as_str())
        .execute(tx.as_mut())
        .await;
        if let Err(conflict) = unless_taken(inserted, taken())? {
            return refuse(conflict);
        }
        S::commit(tx, audit).await.map(Ok)
    }

    async fn services(&self) -> Result<Vec<Service>> {
        let sql = format!("{SERVICE_COLUMNS} ORDER BY name");
        let rows = sqlx::query(&sql).fetch_all(self.pool()).await?;
        rows.iter().map(rows::service).collect()
    }

    async fn service(&self, name: &str) -> Result<Option<Service>> {
        let sql = format!("{SERVICE_COLUMNS} WHERE name = $1");
        let row = sqlx::query(&sql)
            .bind(name)
            .fetch_optional(self.pool())
            .await?;
        row.as_ref().map(rows::service).transpose()
    }

    async fn update_service(&self, service: &Service, audit: &AuditEntry) -> Result<Checked> {
        let mut tx = self.begin_write().await?;
        if !exists::<S>(&mut tx, SERVICE_EXISTS, &service.name).await? {
            return refuse(GovernanceConflict::NoSuchService(service.name.clone()));
        }
        if !exists::<S>(&mut tx, TEAM_EXISTS, &service.team).await? {
            return refuse(GovernanceConflict::NoSuchTeam(service.team.clone()));
        }
        sqlx::query("UPDATE services SET team = $1, description = $2 WHERE name = $3")
            .bind(service.team.as_str())
            .bind(service.description.as_str())
            .bind(service.name.as_str())
            .execute(tx.as_mut())
            .await?;
        S::commit(tx, audit).await.map(Ok)
    }

    async fn delete_service(&self, name: &str, audit: &AuditEntry) -> Result<Checked> {
        let mut tx = self.begin_write().await?;
        // A service that does not exist produces nothing: `producers.service` references it.
        let subjects: Vec<String> =
            sqlx::query_scalar("SELECT subject FROM producers WHERE service = $1 ORDER BY subject")
                .bind(name)
                .fetch_all(tx.as_mut())
                .await?;
        if !subjects.is_empty() {
            let service = name.to_string();
            return refuse(GovernanceConflict::ServiceProducesSubjects { service, subjects });
        }
        let deleted = sqlx::query("DELETE FROM services WHERE name = $1 RETURNING name")
            .bind(name)
            .fetch_optional(tx.as_mut())
            .await?;
        if deleted.is_none() {
            return refuse(GovernanceConflict::NoSuchService(name.to_string()));
        }
        S::commit(tx, audit).await.map(Ok)
    }

    async fn create_credential(
        &self,
        credential: &NewCredential,
        audit: &AuditEntry,
    ) -> Result<Checked> {
        let mut tx = self.begin_write().await?;
        if !exists::<S>(&mut tx, SERVICE_EXISTS, &credential.service).await? {
            return refuse(GovernanceConflict::NoSuchService(
                credential.service.clone(),
            ));
        }
        sqlx::query(
            "INSERT INTO credentials (id, service, secret_hash, created_at) \
             VALUES ($1, $2, $3, $4)",
        )
        .bind(credential.id.as_str())
        .bind(credential.service.as_str())
        .bind(credential.secret_hash.as_str())
        .bind(credential.created_at.as_str())
        .execute(tx.as_mut())
        .await?;
        S::commit(tx, audit).await.map(Ok)
    }

    async fn credentials(&self, service: &str) -> Result<Vec<CredentialInfo>> {
        let sql = format!("{CREDENTIAL_COLUMNS} WHERE service = $1 ORDER BY created_at, id");
        let rows = sqlx::query(&sql)
            .bind(service)
            .fetch_all(self.pool())
            .await?;
        rows.iter().map(rows::credential).collect()
    }

    async fn credential_by_hash(&self, secret_hash: &str) -> Result<Option<CredentialInfo>> {
        let sql = format!("{CREDENTIAL_COLUMNS} WHERE secret_hash = $1 AND revoked_at IS NULL");
        let row = sqlx::query(&sql)
            .bind(secret_hash)
            .fetch_optional(self.pool())
            .await?;
        row.as_ref().map(rows::credential).transpose()
    }

    async fn touch_credential(&self, id: &str, at: &str) -> Result<()> {
        sqlx::query("UPDATE credentials SET last_used_at = $1 WHERE id = $2")
            .bind(at)
            .bind(id)
            .execute(self.pool())
            .await?;
        Ok(())
    }

    async fn revoke_credential(
        &self,
        service: &str,
        id: &str,
        audit: &AuditEntry,
    ) -> Result<Checked> {
        let mut tx = self.begin_write().await?;
        let revoked = sqlx::query(
            "UPDATE credentials SET revoked_at = $1 \
             WHERE service = $2 AND id = $3 AND revoked_at IS NULL RETURNING id",
        )
        .bind(audit.at.as_str())
        .bind(service)
        .bind(id)
        .fetch_optional(tx.as_mut())
        .await?;
        if revoked.is_none() {
            let (service, id) = (service.to_string(), id.to_string());
            return refuse(GovernanceConflict::NoSuchCredential { service, id });
        }
        S::commit(tx, audit).await.map(Ok)
    }

    async fn producer(&self, subject: &SubjectName) -> Result<Option<Producer>> {
        let sql =
            "SELECT subject, service, assigned_by, assigned_at FROM producers WHERE subject = $1";
        let producer = sqlx::query_as(sql)
            .bind(subject.as_str())
            .fetch_optional(self.pool())
            .await?;
        Ok(producer)
    }

    async fn set_producer(&self, producer: &Producer, audit: &AuditEntry) -> Result<Checked> {
        let mut tx = self.begin_write().await?;
        if !exists::<S>(&mut tx, SERVICE_EXISTS, &producer.service).await? {
            return refuse(GovernanceConflict::NoSuchService(producer.service.clone()));
        }
        sqlx::query(
            "INSERT INTO producers (subject, service, assigned_by, assigned_at) \
             VALUES ($1, $2, $3, $4) \
             ON CONFLICT (subject) DO UPDATE SET service = excluded.service, \
             assigned_by = excluded.assigned_by, assigned_at = excluded.assigned_at",
        )
        .bind(producer.subject.as_str())
        .bind(producer.service.as_str())
        .bind(producer.assigned_by.as_str())
        .bind(producer.assigned_at.as_str())
        .execute(tx.as_mut())
        .await?;
        // A producer does not consume its own stream through a grant.
        sqlx::query("DELETE FROM consumers WHERE subject = $1 AND service = $2")
            .bind(producer.subject.as_str())
            .bind(producer.service.as_str())
            .execute(tx.as_mut())
            .await?;
        S::commit(tx, audit).await.map(Ok)
    }

    async fn consumers(&self, subject: &SubjectName) -> Result<Vec<ConsumerGrant>> {
        let sql = "SELECT subject, service, granted_by, granted_at FROM consumers \
                   WHERE subject = $1 ORDER BY service";
        let grants = sqlx::query_as(sql)
            .bind(subject.as_str())
            .fetch_all(self.pool())
            .await?;
        Ok(grants)
    }

    async fn grant_consumer(&self, grant: &ConsumerGrant, audit: &AuditEntry) -> Result<Checked> {
        let mut tx = self.begin_write().await?;
        if !exists::<S>(&mut tx, SERVICE_EXISTS, &grant.service).await? {
            return refuse(GovernanceConflict::NoSuchService(grant.service.clone()));
        }
        let producer: Option<String> =
            sqlx::query_scalar("SELECT service FROM producers WHERE subject = $1")
                .bind(grant.subject.as_str())
                .fetch_optional(tx.as_mut())
                .await?;
        if producer.as_deref() == Some(grant.service.as_str()) {
            let (service, subject) = (grant.service.clone(), grant.subject.clone());
            return refuse(GovernanceConflict::ProducerOfSubject { service, subject });
        }
        let granted: Option<String> = sqlx::query_scalar(
            "INSERT INTO consumers (subject, service, granted_by, granted_at) \
             VALUES ($1, $2, $3, $4) ON CONFLICT (subject, service) DO NOTHING RETURNING service",
        )
        .bind(grant.subject.as_str())
        .bind(grant.service.as_str())
        .bind(grant.granted_by.as_str())
        .bind(grant.granted_at.as_str())
        .fetch_optional(tx.as_mut())
        .await?;
        // Granted already: the first grant, its time and its audit entry stand alone.
        if granted.is_none() {
            return Ok(Ok(()));
        }
        S::commit(tx, audit).await.map(Ok)
    }

    async fn revoke_consumer(
        &self,
        subject: &SubjectName,
        service: &str,
        audit: &AuditEntry,
    ) -> Result<Checked> {
        let mut tx = self.begin_write().await?;
        let revoked = sqlx::query(
            "DELETE FROM consumers WHERE subject = $1 AND service = $2 RETURNING service",
        )
        .bind(subject.as_str())
        .bind(service)
        .fetch_optional(tx.as_mut())
        .await?;
        if revoked.is_none() {
            let (service, subject) = (service.to_string(), subject.to_string());
            return refuse(GovernanceConflict::NoSuchGrant { service, subject });
        }
        // A revoked consumer is no longer affected by the subject's open proposals.
        sqlx::query(
            "DELETE FROM proposal_responses WHERE service = $1 AND proposal IN \
             (SELECT id FROM proposals WHERE subject = $2 AND state = 'open')",
        )
        .bind(service)
        .bind(subject.as_str())
        .execute(tx.as_mut())
        .await?;
        S::commit(tx, audit).await.map(Ok)
    }

    async fn produced_by(&self, service: &str) -> Result<Vec<String>> {
        let sql = "SELECT subject FROM producers WHERE service = $1 ORDER BY subject";
        Ok(sqlx::query_scalar(sql)
            .bind(service)
            .fetch_all(self.pool())
            .await?)
    }

    async fn consumed_by(&self, service: &str) -> Result<Vec<String>> {
        let sql = "SELECT subject FROM consumers WHERE service = $1 ORDER BY subject";
        Ok(sqlx::query_scalar(sql)
            .bind(service)
            .fetch_all(self.pool())
            .await?)
    }

    async fn record(&self, audit: &AuditEntry) -> Result<()> {
        let tx = self.begin_write().await?;
        S::commit_uncached(tx, audit).await
    }

    async fn audit_records(&self, query: &AuditQuery) -> Result<Vec<AuditRecord>> {
        audit::records::<S::Db>(self.pool(), query).await
    }
}
