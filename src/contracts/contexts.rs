//! Contexts and aliases where a read meets them: the contexts a caller may list, the subject
//! an alias stands for, and the other contexts a read of an unqualified subject falls back to.

use std::collections::BTreeMap;

use futures_util::future::BoxFuture;

use super::Contracts;
use crate::governance::{Action, Principal};
use crate::types::SubjectName;
use crate::{Error, Result};

impl Contracts {
    /// Returns the contexts, the default one first.
    pub async fn contexts(&self, caller: &Principal) -> Result<Vec<String>> {
        self.governance
            .authorize(caller, Action::ReadGlobal)
            .await?;
        self.registry.contexts().await
    }

    /// Returns, for each subject that others are aliases of, those aliases.
    pub async fn aliases(&self, caller: &Principal) -> Result<BTreeMap<String, Vec<String>>> {
        self.governance
            .authorize(caller, Action::ReadGlobal)
            .await?;
        self.registry.aliases().await
    }

    /// Returns the subject that requests naming `subject` reach: the subject it is an alias
    /// of, or itself.
    pub async fn aliased(&self, subject: SubjectName) -> Result<SubjectName> {
        Ok(self.registry.alias_of(&subject).await?.unwrap_or(subject))
    }

    /// Runs `read` on `subject` and, when it finds nothing there, on the same name in each
    /// other context in turn (see `Registry::fallbacks`); the first that finds it answers.
    pub(super) async fn or_in_other_contexts<'a, T>(
        &self,
        subject: &SubjectName,
        read: impl Fn(SubjectName) -> BoxFuture<'a, Result<T>>,
    ) -> Result<T> {
        let first = read(subject.clone()).await;
        let found_nothing = matches!(
            first,
            Err(Error::SubjectNotFound(_) | Error::VersionNotFound(_) | Error::SchemaNotFound)
        );
        if !found_nothing {
            return first;
        }
        for other in self.registry.fallbacks(subject).await? {
            if let Ok(found) = read(other).await {
                return Ok(found);
            }
        }
        first
    }
}
