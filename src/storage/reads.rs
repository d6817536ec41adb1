//! The reads of the schema half of the store, once for both databases: SQL that SQLite and
//! PostgreSQL both accept (`$n` placeholders, `NOT is_deleted`, `TRUE`), over the pool each
//! backend's [`SqlStore`] gives. Writes stay with each backend, where locking and change
//! notifications differ.

use async_trait::async_trait;
use sqlx::{ColumnIndex, Database, Decode, Encode, Executor, IntoArguments, Row, Type};

use super::governance::SqlStore;
use super::rows::{self, scope, VERSION_COLUMNS};
use super::state;
use super::{Include, ScopeSettings, StoredSchema, StoredVersion, SubjectState, SubjectVersion};
use crate::types::{SchemaId, SubjectName, Version};
use crate::Result;

/// What the registry reads of schemas, subjects and settings.
#[async_trait]
pub trait SchemaReads: Send + Sync + 'static {
    /// Checks that the database answers.
    async fn ping(&self) -> Result<()>;

    /// Returns the names of subjects that have versions admitted by `include`, sorted.
    async fn subjects(&self, include: Include) -> Result<Vec<String>>;

    /// Returns every version of `subject`, deleted or not, oldest first.
    async fn versions(&self, subject: &SubjectName) -> Result<Vec<StoredVersion>>;

    /// Returns the versions of every subject starting with `prefix`, deleted or not, by subject
    /// and oldest first.
    async fn versions_under(&self, prefix: &str) -> Result<Vec<StoredVersion>>;

    /// Returns one version of `subject`, deleted or not.
    async fn version(
        &self,
        subject: &SubjectName,
        version: Version,
    ) -> Result<Option<StoredVersion>>;

    /// Returns the highest version of `subject` admitted by `include`.
    async fn latest_version(
        &self,
        subject: &SubjectName,
        include: Include,
    ) -> Result<Option<StoredVersion>>;

    /// Returns the schema with `id` while any subject version (deleted or not) still uses it.
    async fn schema(&self, id: SchemaId) -> Result<Option<StoredSchema>>;

    /// Returns the subject versions that use schema `id`, deleted or not.
    async fn schema_usages(&self, id: SchemaId) -> Result<Vec<SubjectVersion>>;

    /// Returns the subject versions that use each of `ids`, deleted or not, in a few queries
    /// however many ids there are.
    async fn usages_of(&self, ids: &[SchemaId]) -> Result<Vec<(SchemaId, SubjectVersion)>>;

    /// Returns the highest schema id ever assigned.
    async fn max_schema_id(&self) -> Result<Option<SchemaId>>;

    /// Returns the subject versions whose schemas reference `subject` at `version`.
    async fn referrers(
        &self,
        subject: &SubjectName,
        version: Version,
    ) -> Result<Vec<(SchemaId, SubjectVersion)>>;

    /// Returns what registering content with `fingerprint` in `subject` decides on, in one
    /// read; `requested_id` is the id an import asks for.
    async fn subject_state(
        &self,
        subject: &SubjectName,
        fingerprint: &str,
        requested_id: Option<SchemaId>,
    ) -> Result<SubjectState>;

    /// Returns the compatibility setting and mode of `subject`, or the global ones.
    async fn settings(&self, subject: Option<&SubjectName>) -> Result<ScopeSettings>;

    /// Returns each subject whose config names an alias, with the alias, by subject.
    async fn aliases(&self) -> Result<Vec<(String, String)>>;
}

fn include_clause(include: Include) -> &'static str {
    match include {
        Include::Live => "NOT v.is_deleted",
        Include::LiveAndDeleted => "TRUE",
        Include::DeletedOnly => "v.is_deleted",
    }
}

fn versions_where(condition: &str) -> String {
    format!(
        "SELECT {VERSION_COLUMNS} FROM subject_versions v JOIN schemas s ON s.id = v.schema_id \
         WHERE {condition}"
    )
}

/// The most values bound in one statement by the queries that take a list: within SQLite's
/// limit (32,766) and PostgreSQL's (65,535) whatever the number of columns per row.
pub(crate) const MAX_BOUND: usize = 500;

/// Returns `$first, $first+1, ...`: `count` numbered placeholders, as both databases take them.
pub(crate) fn placeholders(first: usize, count: usize) -> String {
    (first..first + count)
        .map(|n| format!("${n}"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn usage<'r, R: Row>(row: &'r R) -> Result<SubjectVersion>
where
    for<'n> &'n str: ColumnIndex<R>,
    String: Decode<'r, R::Database> + Type<R::Database>,
    i32: Decode<'r, R::Database> + Type<R::Database>,
    bool: Decode<'r, R::Database> + Type<R::Database>,
{
    Ok(SubjectVersion {
        subject: row.try_get("subject")?,
        version: Version(row.try_get("version")?),
        is_deleted: row.try_get("is_deleted")?,
    })
}

/// The shared implementation, for any store whose database binds and reads these types.
#[async_trait]
impl<S> SchemaReads for S
where
    S: SqlStore,
    for<'c> &'c mut <S::Db as Database>::Connection: Executor<'c, Database = S::Db>,
    for<'q> <S::Db as Database>::Arguments<'q>: IntoArguments<'q, S::Db>,
    for<'q> &'q str: Encode<'q, S::Db> + Type<S::Db>,
    for<'q> i32: Encode<'q, S::Db> + Decode<'q, S::Db> + Type<S::Db>,
    for<'q> Option<i32>: Encode<'q, S::Db> + Decode<'q, S::Db>,
    for<'r> i64: Decode<'r, S::Db> + Type<S::Db>,
    for<'r> bool: Decode<'r, S::Db> + Type<S::Db>,
    for<'r> Option<bool>: Decode<'r, S::Db>,
    for<'r> String: Decode<'r, S::Db> + Type<S::Db>,
    for<'r> Option<String>: Decode<'r, S::Db>,
    usize: ColumnIndex<<S::Db as Database>::Row>,
    for<'n> &'n str: ColumnIndex<<S::Db as Database>::Row>,
{
    async fn ping(&self) -> Result<()> {
        sqlx::query("SELECT 1").execute(self.pool()).await?;
        Ok(())
    }

    async fn subjects(&self, include: Include) -> Result<Vec<String>> {
        let sql = match include {
            Include::DeletedOnly => {
                "SELECT subject FROM subject_versions GROUP BY subject \
                 HAVING MIN(CASE WHEN is_deleted THEN 1 ELSE 0 END) = 1 ORDER BY subject"
            }
            Include::Live => {
                "SELECT DISTINCT subject FROM subject_versions WHERE NOT is_deleted ORDER BY subject"
            }
            Include::LiveAndDeleted => {
                "SELECT DISTINCT subject FROM subject_versions ORDER BY subject"
            }
        };
        Ok(sqlx::query_scalar(sql).fetch_all(self.pool()).await?)
    }

    async fn versions(&self, subject: &SubjectName) -> Result<Vec<StoredVersion>> {
        let sql = versions_where("v.subject = $1 ORDER BY v.version");
        let found = sqlx::query(&sql)
            .bind(subject.as_str())
            .fetch_all(self.pool())
            .await?;
        found.iter().map(rows::version).collect()
    }

    async fn versions_under(&self, prefix: &str) -> Result<Vec<StoredVersion>> {
        let sql =
            versions_where("substr(v.subject, 1, length($1)) = $1 ORDER BY v.subject, v.version");
        let found = sqlx::query(&sql)
            .bind(prefix)
            .fetch_all(self.pool())
            .await?;
        found.iter().map(rows::version).collect()
    }

    async fn version(
        &self,
        subject: &SubjectName,
        version: Version,
    ) -> Result<Option<StoredVersion>> {
        let sql = versions_where("v.subject = $1 AND v.version = $2");
        let found = sqlx::query(&sql)
            .bind(subject.as_str())
            .bind(version.0)
            .fetch_optional(self.pool())
            .await?;
        found.as_ref().map(rows::version).transpose()
    }

    async fn latest_version(
        &self,
        subject: &SubjectName,
        include: Include,
    ) -> Result<Option<StoredVersion>> {
        let sql = versions_where(&format!(
            "v.subject = $1 AND {} ORDER BY v.version DESC LIMIT 1",
            include_clause(include)
        ));
        let found = sqlx::query(&sql)
            .bind(subject.as_str())
            .fetch_optional(self.pool())
            .await?;
        found.as_ref().map(rows::version).transpose()
    }

    async fn schema(&self, id: SchemaId) -> Result<Option<StoredSchema>> {
        let found = sqlx::query(
            "SELECT id, fingerprint, schema_type, schema, refs, metadata, rule_set FROM schemas s \
             WHERE id = $1 AND EXISTS (SELECT 1 FROM subject_versions v WHERE v.schema_id = s.id)",
        )
        .bind(id.0)
        .fetch_optional(self.pool())
        .await?;
        found.as_ref().map(rows::schema).transpose()
    }

    async fn schema_usages(&self, id: SchemaId) -> Result<Vec<SubjectVersion>> {
        let found = sqlx::query(
            "SELECT subject, version, is_deleted FROM subject_versions \
             WHERE schema_id = $1 ORDER BY subject, version",
        )
        .bind(id.0)
        .fetch_all(self.pool())
        .await?;
        found.iter().map(usage).collect()
    }

    async fn usages_of(&self, ids: &[SchemaId]) -> Result<Vec<(SchemaId, SubjectVersion)>> {
        let mut usages = Vec::new();
        for chunk in ids.chunks(MAX_BOUND) {
            let placeholders = placeholders(1, chunk.len());
            let sql = format!(
                "SELECT schema_id, subject, version, is_deleted FROM subject_versions \
                 WHERE schema_id IN ({placeholders}) ORDER BY schema_id, subject, version"
            );
            let mut query = sqlx::query(&sql);
            for id in chunk {
                query = query.bind(id.0);
            }
            for row in query.fetch_all(self.pool()).await? {
                usages.push((SchemaId(row.try_get("schema_id")?), usage(&row)?));
            }
        }
        Ok(usages)
    }

    async fn max_schema_id(&self) -> Result<Option<SchemaId>> {
        let max: Option<i32> = sqlx::query_scalar("SELECT MAX(id) FROM schemas")
            .fetch_one(self.pool())
            .await?;
        Ok(max.map(SchemaId))
    }

    async fn referrers(
        &self,
        subject: &SubjectName,
        version: Version,
    ) -> Result<Vec<(SchemaId, SubjectVersion)>> {
        let found = sqlx::query(
            "SELECT r.schema_id, v.subject, v.version, v.is_deleted \
             FROM schema_references r JOIN subject_versions v ON v.schema_id = r.schema_id \
             WHERE r.subject = $1 AND r.version = $2 ORDER BY r.schema_id, v.subject, v.version",
        )
        .bind(subject.as_str())
        .bind(version.0)
        .fetch_all(self.pool())
        .await?;
        found
            .iter()
            .map(|row| Ok((SchemaId(row.try_get("schema_id")?), usage(row)?)))
            .collect()
    }

    async fn subject_state(
        &self,
        subject: &SubjectName,
        fingerprint: &str,
        requested_id: Option<SchemaId>,
    ) -> Result<SubjectState> {
        let found = sqlx::query(&state::subject_state_sql())
            .bind(subject.as_str())
            .bind(fingerprint)
            .bind(requested_id.map(|id| id.0))
            .fetch_all(self.pool())
            .await?;
        state::subject_state(&found)
    }

    async fn settings(&self, subject: Option<&SubjectName>) -> Result<ScopeSettings> {
        let row = sqlx::query_as(
            "SELECT c.subject IS NOT NULL, c.compatibility, c.normalize, c.contract, \
               (SELECT mode FROM modes WHERE subject = $1) \
             FROM (SELECT 1) AS one LEFT JOIN configs c ON c.subject = $1",
        )
        .bind(scope(subject))
        .fetch_one(self.pool())
        .await?;
        rows::scope_settings(row)
    }

    async fn aliases(&self) -> Result<Vec<(String, String)>> {
        let found: Vec<(String, Option<String>)> = sqlx::query_as(
            "SELECT subject, contract FROM configs \
             WHERE contract IS NOT NULL AND subject <> '' ORDER BY subject",
        )
        .fetch_all(self.pool())
        .await?;
        let mut aliases = Vec::new();
        for (subject, contract) in found {
            let config = rows::config_record((None, None, contract))?;
            if let Some(alias) = config.contract.alias.filter(|a| !a.is_empty()) {
                aliases.push((subject, alias));
            }
        }
        Ok(aliases)
    }
}
