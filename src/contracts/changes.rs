//! Changing contracts: deleting versions and subjects, and the compatibility settings and modes
//! of a subject or of the whole registry; each by a caller allowed to.

use super::Contracts;
use crate::governance::{Action, Principal};
use crate::storage::ConfigRecord;
use crate::types::{Mode, SubjectName, Version, VersionSelector};
use crate::Result;

/// Where a setting applies: one subject, or the whole registry.
#[derive(Debug, Clone, Copy)]
pub enum Scope<'a> {
    Global,
    Subject(&'a SubjectName),
}

impl<'a> Scope<'a> {
    fn subject(self) -> Option<&'a SubjectName> {
        match self {
            Scope::Global => None,
            Scope::Subject(subject) => Some(subject),
        }
    }

    fn read(self) -> Action<'a> {
        match self {
            Scope::Global => Action::ReadGlobal,
            Scope::Subject(subject) => Action::Read(subject),
        }
    }

    fn change(self, global: &'static str) -> Action<'a> {
        match self {
            Scope::Global => Action::Administer(global),
            Scope::Subject(subject) => Action::Change(subject),
        }
    }
}

const CHANGE_GLOBAL_LEVEL: &str = "change the global compatibility level";
const CHANGE_GLOBAL_MODE: &str = "change the global mode";

impl Contracts {
    /// Deletes every version of `subject`, softly or `permanent`ly; returns the versions.
    pub async fn delete_subject(
        &self,
        caller: &Principal,
        subject: &SubjectName,
        permanent: bool,
    ) -> Result<Vec<Version>> {
        self.governance
            .authorize(caller, Action::Change(subject))
            .await?;
        let deleted = self
            .registry
            .delete_subject(subject, permanent, &caller.actor())
            .await;
        self.governance.forget_read_permissions();
        deleted
    }

    /// Deletes one version of `subject`, softly or `permanent`ly.
    pub async fn delete_version(
        &self,
        caller: &Principal,
        subject: &SubjectName,
        selector: VersionSelector,
        permanent: bool,
    ) -> Result<Version> {
        self.governance
            .authorize(caller, Action::Change(subject))
            .await?;
        let deleted = self
            .registry
            .delete_version(subject, selector, permanent, &caller.actor())
            .await;
        self.governance.forget_read_permissions();
        deleted
    }

    /// Returns the compatibility setting of `scope` (a subject's own, or the global one when
    /// it has none and `default_to_global`).
    pub async fn config(
        &self,
        caller: &Principal,
        scope: Scope<'_>,
        default_to_global: bool,
    ) -> Result<ConfigRecord> {
        self.governance.authorize(caller, scope.read()).await?;
        self.registry
            .config(scope.subject(), default_to_global)
            .await
    }

    /// Replaces the compatibility setting of `scope`.
    pub async fn set_config(
        &self,
        caller: &Principal,
        scope: Scope<'_>,
        config: ConfigRecord,
    ) -> Result<()> {
        self.governance
            .authorize(caller, scope.change(CHANGE_GLOBAL_LEVEL))
            .await?;
        self.registry
            .set_config(scope.subject(), config, &caller.actor())
            .await
    }

    /// Removes the compatibility setting of `scope` and returns what it was.
    pub async fn delete_config(
        &self,
        caller: &Principal,
        scope: Scope<'_>,
    ) -> Result<ConfigRecord> {
        self.governance
            .authorize(caller, scope.change(CHANGE_GLOBAL_LEVEL))
            .await?;
        self.registry
            .delete_config(scope.subject(), &caller.actor())
            .await
    }

    /// Returns the mode of `scope` (a subject's own, or the global one when it has none and
    /// `default_to_global`).
    pub async fn mode(
        &self,
        caller: &Principal,
        scope: Scope<'_>,
        default_to_global: bool,
    ) -> Result<Mode> {
        self.governance.authorize(caller, scope.read()).await?;
        self.registry.mode(scope.subject(), default_to_global).await
    }

    /// Replaces the mode of `scope`; `force` allows IMPORT over existing schemas.
    pub async fn set_mode(
        &self,
        caller: &Principal,
        scope: Scope<'_>,
        mode: Mode,
        force: bool,
    ) -> Result<()> {
        self.governance
            .authorize(caller, scope.change(CHANGE_GLOBAL_MODE))
            .await?;
        self.registry
            .set_mode(scope.subject(), mode, force, &caller.actor())
            .await
    }

    /// Removes the mode of `scope` and returns what it was.
    pub async fn delete_mode(&self, caller: &Principal, scope: Scope<'_>) -> Result<Mode> {
        self.governance
            .authorize(caller, scope.change(CHANGE_GLOBAL_MODE))
            .await?;
        self.registry
            .delete_mode(scope.subject(), &caller.actor())
            .await
    }
}
