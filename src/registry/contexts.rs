//! Schema contexts and subject aliases as Confluent 7.9 has them: subjects qualified as `:.ctx:name`, each context
//! with its own settings (see `settings.rs`), by-id reads that see the ids of one context, and
//! reads of an unqualified subject that fall back to the same name in the other contexts.
//!
//! Accord numbers ids once for the whole registry, so an id means one schema in every context;
//! a by-id read still finds an id only in a context where some subject holds it, as Confluent
//! finds it only in the context that numbered it.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use super::Registry;
use crate::storage::{Include, StoredSchema, SubjectVersion};
use crate::types::{context_of, SchemaId, SubjectName, DEFAULT_CONTEXT};
use crate::{Error, Result};

impl Registry {
    /// Returns every context that holds or held a subject, the default one first, then the
    /// others in order.
    pub async fn contexts(&self) -> Result<Vec<String>> {
        let subjects = self.store.subjects(Include::LiveAndDeleted).await?;
        let others: BTreeSet<&str> = subjects
            .iter()
            .map(|subject| context_of(subject))
            .filter(|context| *context != DEFAULT_CONTEXT)
            .collect();
        let mut contexts = vec![DEFAULT_CONTEXT.to_string()];
        contexts.extend(others.into_iter().map(str::to_string));
        Ok(contexts)
    }

    /// Returns, for each subject that others are aliases of, those aliases in order.
    pub async fn aliases(&self) -> Result<BTreeMap<String, Vec<String>>> {
        let mut by_target: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for (alias, target) in self.store.aliases().await? {
            by_target.entry(target).or_default().push(alias);
        }
        Ok(by_target)
    }

    /// Returns true when a subject outside the default context exists, from memory when this
    /// instance knows; false only when the cache knows there is none.
    pub fn contexts_known_unused(&self) -> bool {
        self.cache.contexts_in_use() == Some(false)
    }

    /// Returns true when some subject is outside the default context.
    async fn contexts_in_use(&self) -> Result<bool> {
        if let Some(known) = self.cache.contexts_in_use() {
            return Ok(known);
        }
        let seen = self.cache.generation();
        let subjects = self.store.subjects(Include::LiveAndDeleted).await?;
        let in_use = subjects.iter().any(|s| context_of(s) != DEFAULT_CONTEXT);
        self.cache.put_contexts_in_use(seen, in_use);
        Ok(in_use)
    }

    /// Returns schema `id` as a by-id read with the `subject` hint sees it: 40403 unless the
    /// id is held in the context the hint names (see [`Self::usages_in_context`]).
    pub async fn schema_in_context(
        &self,
        id: SchemaId,
        hint: Option<&str>,
    ) -> Result<Arc<StoredSchema>> {
        if self.contexts_in_use().await? && self.usages_in_context(id, hint).await?.is_empty() {
            return Err(Error::SchemaIdNotFound(id));
        }
        self.schema(id).await
    }

    /// Returns the subject versions holding `id` (deleted or not) in the context that a by-id
    /// read with the `subject` hint looks in: the hint's context when it is qualified, else
    /// the default context, else (for an unqualified hint) the first other context that holds
    /// the id, as Confluent's `getSchemaKeyUsingContexts` looks.
    pub async fn usages_in_context(
        &self,
        id: SchemaId,
        hint: Option<&str>,
    ) -> Result<Vec<SubjectVersion>> {
        let usages = self.store.schema_usages(id).await?;
        if !self.contexts_in_use().await? {
            return Ok(usages);
        }
        let in_context = |context: &str| -> Vec<SubjectVersion> {
            usages
                .iter()
                .filter(|usage| context_of(&usage.subject) == context)
                .cloned()
                .collect()
        };
        let context = hint.map_or(DEFAULT_CONTEXT, context_of);
        let found = in_context(context);
        if !found.is_empty() || hint.is_none() || context != DEFAULT_CONTEXT {
            return Ok(found);
        }
        let others: BTreeSet<&str> = usages.iter().map(|u| context_of(&u.subject)).collect();
        let first_other = others.into_iter().next().map(in_context);
        Ok(first_other.unwrap_or_default())
    }

    /// Returns the subjects a read of `subject` tries after `subject` itself finds nothing: the
    /// same name in every other context, in order, for an unqualified name while contexts are
    /// in use (Confluent's `getUsingContexts`); none otherwise.
    pub async fn fallbacks(&self, subject: &SubjectName) -> Result<Vec<SubjectName>> {
        if !subject.is_in_default_context() || !self.contexts_in_use().await? {
            return Ok(Vec::new());
        }
        let contexts = self.contexts().await?;
        Ok(contexts
            .iter()
            .filter(|context| *context != DEFAULT_CONTEXT)
            .map(|context| subject.in_context(context))
            .collect())
    }
}
