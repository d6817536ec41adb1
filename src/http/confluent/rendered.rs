//! The one rendering of a schema read: `GET /schemas/ids/{id}` and
//! `GET /subjects/{subject}/versions/{version}` answer through here, whether the handler or the
//! hot lane answers, in the default format or not.
//!
//! The reads serializers make on every message they have not cached — a schema by id and a
//! subject's latest version, in the default format — are rendered once: a body is kept next to
//! the registry's cached value it was rendered from and reused only while the registry still
//! hands out that very value (`Arc::ptr_eq`). When the registry's cache drops or replaces an
//! entry, the next read renders afresh, so a body is never staler than the registry's own cache.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::{Arc, RwLock};

use axum::body::Bytes;
use axum::http::header::CONTENT_TYPE;
use axum::http::HeaderValue;
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use super::wire::{SchemaByIdResponse, SchemaResponse};
use crate::http::extract::CONFLUENT_JSON;
use crate::http::reads::SchemaRead;
use crate::storage::{StoredSchema, StoredVersion};
use crate::types::SchemaId;

/// Bodies rendered from values of type `V`, keyed by `K`.
struct Bodies<K, V> {
    entries: RwLock<HashMap<K, (Arc<V>, Bytes)>>,
}

impl<K, V> Default for Bodies<K, V> {
    fn default() -> Self {
        Bodies {
            entries: RwLock::new(HashMap::new()),
        }
    }
}

impl<K: Eq + Hash, V> Bodies<K, V> {
    /// Returns the body of `value`, rendering it with `render` unless it is already known.
    fn body(&self, key: K, value: &Arc<V>, render: impl FnOnce(&V) -> Bytes) -> Bytes {
        let known = self
            .entries
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .get(&key)
            .filter(|(source, _)| Arc::ptr_eq(source, value))
            .map(|(_, body)| body.clone());
        if let Some(body) = known {
            return body;
        }
        let body = render(value);
        self.entries
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .insert(key, (value.clone(), body.clone()));
        body
    }
}

/// The rendered bodies of the hot reads.
#[derive(Default)]
pub struct Rendered {
    by_id: Bodies<SchemaId, StoredSchema>,
    latest: Bodies<String, StoredVersion>,
}

impl Rendered {
    /// Answers `GET /schemas/ids/{id}` for `schema` in the default format.
    pub fn schema_by_id(&self, schema: &Arc<StoredSchema>) -> Response {
        let body = self.by_id.body(schema.id, schema, |schema| {
            by_id_body(schema, schema.schema.clone(), None)
        });
        SchemaRead::by_id(schema.id).on(respond(body))
    }

    /// Answers `GET /subjects/{subject}/versions/latest` for `version` in the default format.
    pub fn latest_version(&self, version: &Arc<StoredVersion>) -> Response {
        let body = self
            .latest
            .body(version.subject.clone(), version, |version| {
                version_body(version, version.schema.schema.clone())
            });
        SchemaRead::of_version(version).on(respond(body))
    }
}

/// Answers `GET /schemas/ids/{id}` for `schema` with `text` (the schema in the format asked
/// for) and the highest id when asked for: rendered for this read alone.
pub fn schema_by_id_as(schema: &StoredSchema, text: String, max_id: Option<SchemaId>) -> Response {
    SchemaRead::by_id(schema.id).on(respond(by_id_body(schema, text, max_id)))
}

/// Answers `GET /subjects/{subject}/versions/{version}` for `version` with `text` (the schema in
/// the format asked for): rendered for this read alone.
pub fn version_as(version: &StoredVersion, text: String) -> Response {
    SchemaRead::of_version(version).on(respond(version_body(version, text)))
}

fn by_id_body(schema: &StoredSchema, text: String, max_id: Option<SchemaId>) -> Bytes {
    json(&SchemaByIdResponse::new(schema, text, max_id))
}

fn version_body(version: &StoredVersion, text: String) -> Bytes {
    json(&SchemaResponse {
        schema: text,
        ..SchemaResponse::from(version)
    })
}

fn json(value: &impl Serialize) -> Bytes {
    // Serializing these plain structs cannot fail; an empty body would show it if it did.
    Bytes::from(serde_json::to_vec(value).unwrap_or_default())
}

/// Answers with a rendered `body` in the Confluent media type (`observe` answers in another one
/// when the client asks for it).
fn respond(body: Bytes) -> Response {
    (
        [(CONTENT_TYPE, HeaderValue::from_static(CONFLUENT_JSON))],
        body,
    )
        .into_response()
}
