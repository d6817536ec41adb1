//! Code and sample messages for stored schemas: the references resolved as for parsing, the
//! pure generator of `crate::codegen` run on the bounded pool, and the files kept per
//! (schema id, target). A schema id's content never changes, so an entry never goes stale;
//! the map is emptied when it reaches its bound.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use super::Registry;
use crate::codegen::{self, samples, Contract, File, Refusal, Target};
use crate::storage::StoredSchema;
use crate::types::SchemaId;
use crate::{Error, Result};

/// How many generated sets the registry keeps before it starts afresh.
const KEPT: usize = 256;

/// What a generated set is kept under.
type Key = (SchemaId, Target);

/// Generated files by (schema id, target).
#[derive(Debug, Default)]
pub(super) struct Generated {
    files: Mutex<HashMap<Key, Arc<Vec<File>>>>,
}

impl Generated {
    fn get(&self, key: Key) -> Option<Arc<Vec<File>>> {
        self.files.lock().ok()?.get(&key).cloned()
    }

    fn put(&self, key: Key, files: Arc<Vec<File>>) {
        if let Ok(mut map) = self.files.lock() {
            if map.len() >= KEPT {
                map.clear();
            }
            map.insert(key, files);
        }
    }
}

impl Registry {
    /// Returns the files of `target` for `stored`, generated once per schema id and target.
    ///
    /// A target that does not apply to the schema's format, or a schema the generator cannot
    /// map, is refused as unprocessable with the reason.
    pub async fn code(&self, stored: &StoredSchema, target: Target) -> Result<Arc<Vec<File>>> {
        if !codegen::supported(stored.schema_type).contains(&target) {
            return Err(Error::UnprocessableEntity(codegen::unsupported(
                target.as_str(),
                stored.schema_type,
            )));
        }
        let key = (stored.id, target);
        if let Some(files) = self.generated.get(key) {
            return Ok(files);
        }
        let files = self
            .on_contract(stored, move |contract| codegen::generate(contract, target))
            .await?;
        let files = Arc::new(files);
        self.generated.put(key, files.clone());
        Ok(files)
    }

    /// Returns `count` sample messages of `stored` (by default enough to use every union
    /// branch and enum symbol), carrying its id on the wire.
    pub async fn examples(
        &self,
        stored: &StoredSchema,
        count: Option<usize>,
    ) -> Result<Vec<samples::Sample>> {
        self.on_contract(stored, move |contract| samples::examples(contract, count))
            .await
    }

    /// Runs `work` on the worker pool over `stored` with its references resolved, carrying its
    /// id; a refusal is a 422.
    async fn on_contract<T: Send + 'static>(
        &self,
        stored: &StoredSchema,
        work: impl FnOnce(Contract<'_>) -> std::result::Result<T, Refusal> + Send + 'static,
    ) -> Result<T> {
        let deps = self.resolve(&stored.references).await?;
        let (schema_type, text, id) = (stored.schema_type, stored.schema.clone(), stored.id);
        self.workers
            .run(move || {
                work(Contract {
                    schema_type,
                    schema: &text,
                    deps: &deps,
                    id: i64::from(id.0),
                })
            })
            .await?
            .map_err(refused)
    }
}

fn refused(refusal: Refusal) -> Error {
    Error::UnprocessableEntity(refusal.to_string())
}
