//! The one read a registration decides on — the subject's versions, the id of the candidate's
//! content and what a requested id holds — in SQL that both databases accept, and its rows
//! turned into a [`SubjectState`]. A schema row counts only while some version uses it: the
//! ids of permanently deleted content are not given again.

use sqlx::{ColumnIndex, Decode, Row, Type};

use super::rows::{self, VERSION_COLUMNS};
use super::SubjectState;
use crate::types::SchemaId;
use crate::Result;

/// Binds the subject (`$1`), the fingerprint (`$2`) and the requested id (`$3`, or NULL).
/// One row per version, oldest first, each carrying the scalar facts; one row of NULL version
/// columns when the subject has none.
pub(super) fn subject_state_sql() -> String {
    format!(
        "SELECT {VERSION_COLUMNS}, f.known_id, f.requested_content FROM \
           (SELECT (SELECT MAX(k.id) FROM schemas k WHERE k.fingerprint = $2 \
               AND EXISTS (SELECT 1 FROM subject_versions u WHERE u.schema_id = k.id)) AS known_id, \
             (SELECT r.fingerprint FROM schemas r WHERE r.id = $3 \
               AND EXISTS (SELECT 1 FROM subject_versions u WHERE u.schema_id = r.id)) \
               AS requested_content) f \
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
            let known: Option<i32> = row.try_get("known_id")?;
            state.known_id = known.map(SchemaId);
            state.requested_id_content = row.try_get("requested_content")?;
        }
        let version: Option<i32> = row.try_get("version")?;
        if version.is_some() {
            state.versions.push(rows::version(row)?);
        }
    }
    Ok(state)
}
