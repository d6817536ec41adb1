//! Ready-to-send bodies for the reads serializers make on every message they have not cached:
//! a schema by id and a subject's latest version, in the default format.
//!
//! A body is kept next to the registry's cached value it was rendered from and reused only
//! while the registry still hands out that very value (`Arc::ptr_eq`). When the registry's
//! cache drops or replaces an entry, the next read renders afresh, so a body is never staler
//! than the registry's own cache.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::{Arc, RwLock};

use axum::body::Bytes;
use axum::http::header::CONTENT_TYPE;
use axum::http::HeaderValue;
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use super::wire::{SchemaByIdResponse, SchemaResponse};
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
    /// Returns the `GET /schemas/ids/{id}` body for `schema`.
    pub fn schema_by_id(&self, schema: &Arc<StoredSchema>) -> Bytes {
        self.by_id.body(schema.id, schema, |schema| {
            json(&SchemaByIdResponse::new(
                schema,
                schema.schema.clone(),
                None,
            ))
        })
    }

    /// Returns the `GET /subjects/{subject}/versions/latest` body for `version`.
    pub fn latest_version(&self, version: &Arc<StoredVersion>) -> Bytes {
        self.latest
            .body(version.subject.clone(), version, |version| {
                json(&SchemaResponse::from(version))
            })
    }
}

fn json(value: &impl Serialize) -> Bytes {
    // Serializing these plain structs cannot fail; an empty body would show it if it did.
    Bytes::from(serde_json::to_vec(value).unwrap_or_default())
}

/// Answers with a rendered `body` in `media_type`.
pub fn respond(body: Bytes, media_type: &'static str) -> Response {
    ([(CONTENT_TYPE, HeaderValue::from_static(media_type))], body).into_response()
}
