//! The one read a registration decides on — the subject's versions, the highest version it
//! ever had, the id of the candidate's content and whether a requested id is taken — in SQL
//! that both databases accept, and its rows turned into a [`SubjectState`].

use sqlx::{ColumnIndex, Decode, Row, Type};

use super::rows::{self, VERSION_COLUMNS};
use super::SubjectState;
use crate::types::{SchemaId, Version};
use crate::Result;

/// Binds the subject (`$1`), the fingerprint (`$2`) and the requested id (`$3`, or NULL).
/// One row per version, oldest first, each carrying the scalar facts; one row of NULL version
/// columns when the subject has none.
pub(super) fn subject_state_sql() -> String {
    format!(
        "SELECT {VERSION_COLUMNS}, f.last_version, f.known_id, f.requested_taken FROM \
           (SELECT (SELECT last_version FROM subjects WHERE name = $1) AS last_version, \
             (SELECT id FROM schemas WHERE fingerprint = $2) AS known_id, \
             (SELECT COUNT(*) FROM schemas WHERE id = $3) AS requested_taken) f \
         LEFT JOIN subject_versions v ON v.subject = $1 \
         LEFT JOIN schemas s ON s.id = v.schema_id \
         ORDER BY v.version"
    )
}

/// Reads the rows of [`subject_state_sql`].
pub(super) fn subject_state<'r, R: Row>(found: &'r [R]) -> Result<SubjectState>
where
    for<'n> &'n str: ColumnIndex<R>,
    String: Decode<'r, R::Database> + Type<R::Database>,
    Option<String>: Decode<'r, R::Database> + Type<R::Database>,
    i32: Decode<'r, R::Database> + Type<R::Database>,
    Option<i32>: Decode<'r, R::Database> + Type<R::Database>,
    i64: Decode<'r, R::Database> + Type<R::Database>,
    bool: Decode<'r, R::Database> + Type<R::Database>,
{
    let mut state = SubjectState::default();
    for (i, row) in found.iter().enumerate() {
        if i == 0 {
            let last: Option<i32> = row.try_get("last_version")?;
            let known: Option<i32> = row.try_get("known_id")?;
            let taken: i64 = row.try_get("requested_taken")?;
            state.last_version = last.map(Version);
            state.known_id = known.map(SchemaId);
            state.requested_id_taken = taken > 0;
        }
        let version: Option<i32> = row.try_get("version")?;
        if version.is_some() {
            state.versions.push(rows::version(row)?);
        }
    }
    Ok(state)
}
