//! Associations in the store: a resource (a Kafka topic) linked to the subjects of its keys and
//! values, with SQL both databases share. A create checks what stands in its way in its own
//! transaction and reports it as an [`AssociationClash`]: a fact, not a message.

use async_trait::async_trait;
use sqlx::{ColumnIndex, Database, Decode, Encode, Executor, IntoArguments, Row, Type};

use super::backend::{Args, Conn};
use super::SqlStore;
use crate::Result;

/// One association, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredAssociation {
    pub subject: String,
    pub resource_name: String,
    pub resource_namespace: String,
    pub resource_id: String,
    pub resource_type: String,
    /// `key` or `value`.
    pub association_type: String,
    /// `STRONG` or `WEAK`.
    pub lifecycle: String,
    pub is_frozen: bool,
    pub created_at: String,
}

/// Which associations a read wants: those of one resource (by id, or by name in a namespace,
/// `-` for any) or of one subject, of one resource type.
#[derive(Debug, Clone, Copy)]
pub enum AssociationQuery<'a> {
    ResourceId(&'a str, &'a str),
    ResourceName {
        namespace: &'a str,
        name: &'a str,
        resource_type: &'a str,
    },
    Subject(&'a str, &'a str),
}

/// What stands in the way of a create.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AssociationClash {
    /// The resource has an association of this type with another subject.
    ForResource {
        association_type: String,
        resource: String,
    },
    /// The subject is associated with another resource.
    ForSubject(String),
}

/// Where associations are kept.
#[async_trait]
pub trait AssociationStore: Send + Sync {
    /// Creates `new` in one transaction, keeping any that exist already as they are; refuses
    /// all of them when one clashes.
    async fn create_associations(
        &self,
        new: &[StoredAssociation],
    ) -> Result<std::result::Result<(), AssociationClash>>;
    /// Returns the associations `query` selects, by resource name, type and subject.
    async fn associations(&self, query: AssociationQuery<'_>) -> Result<Vec<StoredAssociation>>;
    /// Deletes the associations of a resource of the types given (every type when none).
    async fn delete_associations(
        &self,
        resource_id: &str,
        resource_type: &str,
        association_types: &[String],
    ) -> Result<()>;
}

const COLUMNS: &str = "subject, resource_name, resource_namespace, resource_id, resource_type, \
     association_type, lifecycle, frozen, created_at";

#[async_trait]
impl<S> AssociationStore for S
where
    S: SqlStore,
    for<'c> &'c mut Conn<S>: Executor<'c, Database = S::Db>,
    for<'c> &'c sqlx::Pool<S::Db>: Executor<'c, Database = S::Db>,
    for<'q> Args<'q, S::Db>: IntoArguments<'q, S::Db>,
    for<'q> &'q str: Encode<'q, S::Db> + Type<S::Db>,
    for<'q> i64: Encode<'q, S::Db> + Decode<'q, S::Db> + Type<S::Db>,
    for<'r> String: Decode<'r, S::Db> + Type<S::Db>,
    for<'n> &'n str: ColumnIndex<<S::Db as Database>::Row>,
{
    async fn create_associations(
        &self,
        new: &[StoredAssociation],
    ) -> Result<std::result::Result<(), AssociationClash>> {
        let mut tx = self.begin_write().await?;
        for association in new {
            let held = sqlx::query(
                "SELECT subject FROM associations \
                 WHERE resource_id = $1 AND resource_type = $2 AND association_type = $3",
            )
            .bind(association.resource_id.as_str())
            .bind(association.resource_type.as_str())
            .bind(association.association_type.as_str())
            .fetch_optional(tx.as_mut())
            .await?;
            let held: Option<String> = held.map(|row| row.try_get("subject")).transpose()?;
            match held {
                Some(subject) if subject == association.subject => continue,
                Some(_) => {
                    return Ok(Err(AssociationClash::ForResource {
                        association_type: association.association_type.clone(),
                        resource: association.resource_name.clone(),
                    }))
                }
                None => {}
            }
            let elsewhere = sqlx::query(
                "SELECT resource_id FROM associations WHERE subject = $1 AND resource_id <> $2",
            )
            .bind(association.subject.as_str())
            .bind(association.resource_id.as_str())
            .fetch_optional(tx.as_mut())
            .await?;
            if elsewhere.is_some() {
                return Ok(Err(AssociationClash::ForSubject(
                    association.subject.clone(),
                )));
            }
            let sql = format!(
                "INSERT INTO associations ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"
            );
            sqlx::query(&sql)
                .bind(association.subject.as_str())
                .bind(association.resource_name.as_str())
                .bind(association.resource_namespace.as_str())
                .bind(association.resource_id.as_str())
                .bind(association.resource_type.as_str())
                .bind(association.association_type.as_str())
                .bind(association.lifecycle.as_str())
                .bind(i64::from(association.is_frozen))
                .bind(association.created_at.as_str())
                .execute(tx.as_mut())
                .await?;
        }
        S::commit_unaudited(tx).await?;
        Ok(Ok(()))
    }

    async fn associations(&self, query: AssociationQuery<'_>) -> Result<Vec<StoredAssociation>> {
        let order = " ORDER BY resource_name, resource_namespace, resource_type, \
                     association_type, subject";
        let (filter, values): (&str, Vec<&str>) = match query {
            AssociationQuery::ResourceId(id, kind) => {
                ("resource_id = $1 AND resource_type = $2", vec![id, kind])
            }
            AssociationQuery::ResourceName {
                namespace: "-",
                name,
                resource_type,
            } => (
                "resource_name = $1 AND resource_type = $2",
                vec![name, resource_type],
            ),
            AssociationQuery::ResourceName {
                namespace,
                name,
                resource_type,
            } => (
                "resource_name = $1 AND resource_type = $2 AND resource_namespace = $3",
                vec![name, resource_type, namespace],
            ),
            AssociationQuery::Subject(subject, kind) => {
                ("subject = $1 AND resource_type = $2", vec![subject, kind])
            }
        };
        let sql = format!("SELECT {COLUMNS} FROM associations WHERE {filter}{order}");
        let mut select = sqlx::query(&sql);
        for value in values {
            select = select.bind(value);
        }
        let mut found = Vec::new();
        for row in select.fetch_all(self.pool()).await? {
            let frozen: i64 = row.try_get("frozen")?;
            found.push(StoredAssociation {
                subject: row.try_get("subject")?,
                resource_name: row.try_get("resource_name")?,
                resource_namespace: row.try_get("resource_namespace")?,
                resource_id: row.try_get("resource_id")?,
                resource_type: row.try_get("resource_type")?,
                association_type: row.try_get("association_type")?,
                lifecycle: row.try_get("lifecycle")?,
                is_frozen: frozen != 0,
                created_at: row.try_get("created_at")?,
            });
        }
        Ok(found)
    }

    async fn delete_associations(
        &self,
        resource_id: &str,
        resource_type: &str,
        association_types: &[String],
    ) -> Result<()> {
        let mut tx = self.begin_write().await?;
        if association_types.is_empty() {
            sqlx::query("DELETE FROM associations WHERE resource_id = $1 AND resource_type = $2")
                .bind(resource_id)
                .bind(resource_type)
                .execute(tx.as_mut())
                .await?;
        }
        for association_type in association_types {
            sqlx::query(
                "DELETE FROM associations \
                 WHERE resource_id = $1 AND resource_type = $2 AND association_type = $3",
            )
            .bind(resource_id)
            .bind(resource_type)
            .bind(association_type.as_str())
            .execute(tx.as_mut())
            .await?;
        }
        S::commit_unaudited(tx).await
    }
}
