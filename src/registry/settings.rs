//! Compatibility settings and modes, per subject, per context and global, resolved as the
//! Confluent registry resolves them: the subject's own setting, else its context's (outside the
//! default context) or the global one (inside it), else the default.

use super::decide::read_only;
use super::{audit, AuditAction, Registry};
use crate::storage::{ConfigRecord, Include, ScopeSettings};
use crate::types::{Actor, Compatibility, Mode, SubjectName};
use crate::{Error, Result};

/// The compatibility level of a registry that was never configured.
pub const DEFAULT_COMPATIBILITY: Compatibility = Compatibility::Backward;

/// Returns the level `config` sets, or the default one.
fn level(config: &ConfigRecord) -> Compatibility {
    config.compatibility.unwrap_or(DEFAULT_COMPATIBILITY)
}

impl Registry {
    /// Returns the compatibility setting of `subject` (or the global one when `None`).
    ///
    /// A subject without its own setting is a 40408 unless `default_to_global`, when it gets
    /// the setting of the scope above it (see [`Self::inherited_config`]).
    pub async fn config(
        &self,
        subject: Option<&SubjectName>,
        default_to_global: bool,
    ) -> Result<ConfigRecord> {
        let Some(subject) = subject else {
            return self.scope_config(None).await;
        };
        if let Some(own) = self.stored_config(Some(subject)).await? {
            // Confluent shows a level beside a subject's own other settings: the default one,
            // whatever the context or global level.
            return Ok(ConfigRecord {
                compatibility: Some(level(&own)),
                ..own
            });
        }
        if !default_to_global {
            return Err(Error::SubjectCompatibilityNotConfigured(
                subject.to_string(),
            ));
        }
        self.inherited_config(subject).await
    }

    /// Returns the setting `subject` inherits: its context's (`:.ctx:`) outside the default
    /// context, where the global setting does not reach (as in Confluent), else the global one.
    async fn inherited_config(&self, subject: &SubjectName) -> Result<ConfigRecord> {
        match subject.context_scope() {
            Some(context) if context != *subject => self.scope_config(Some(&context)).await,
            Some(_) => self.scope_config(Some(subject)).await,
            None => self.scope_config(None).await,
        }
    }

    /// Returns the stored setting of a context's or the global scope, with the default level
    /// where it sets none.
    async fn scope_config(&self, scope: Option<&SubjectName>) -> Result<ConfigRecord> {
        let stored = self.stored_config(scope).await?.unwrap_or_default();
        Ok(ConfigRecord {
            compatibility: Some(level(&stored)),
            ..stored
        })
    }

    /// Returns the setting in force for `subject`: its own settings over the inherited ones.
    /// A subject with a config of its own has a level of its own, the default one when the
    /// config sets none (as Confluent 7.9 checks it; the recorded step config-scopes#9).
    pub(super) async fn effective_config(&self, subject: &SubjectName) -> Result<ConfigRecord> {
        let stored = self.stored_config(Some(subject)).await?;
        let own_level = stored.as_ref().map(level);
        let own = stored.unwrap_or_default();
        let inherited = self.inherited_config(subject).await?;
        Ok(ConfigRecord {
            compatibility: own_level.or(inherited.compatibility),
            normalize: own.normalize.or(inherited.normalize),
            contract: inherited.contract.overlaid(&own.contract),
        })
    }

    /// Returns the compatibility level in force for `subject`.
    pub async fn effective_compatibility(&self, subject: &SubjectName) -> Result<Compatibility> {
        Ok(level(&self.effective_config(subject).await?))
    }

    /// Updates the compatibility setting of `subject` (or the global one): the settings
    /// `config` sets replace the stored ones, and the others are kept, as Confluent keeps them.
    pub async fn set_config(
        &self,
        subject: Option<&SubjectName>,
        config: ConfigRecord,
        actor: &Actor,
    ) -> Result<()> {
        let mode = match subject {
            Some(subject) => self.effective_mode(subject).await?,
            None => self.mode(None, true).await?,
        };
        if mode.is_read_only() {
            return Err(match subject {
                Some(subject) => read_only(subject),
                None => {
                    Error::OperationNotPermitted("The registry is in read-only mode".to_string())
                }
            });
        }
        let details = serde_json::json!({
            "compatibility": config.compatibility,
            "normalize": config.normalize,
        });
        let old = self.stored_config(subject).await?.unwrap_or_default();
        let config = ConfigRecord {
            compatibility: config.compatibility.or(old.compatibility),
            normalize: config.normalize.or(old.normalize),
            contract: old.contract.overlaid(&config.contract),
        };
        let entry = audit(actor, AuditAction::ConfigChanged, subject, None, details);
        let scope = subject.map(SubjectName::as_str);
        let changed = self.store.set_config(subject, config, &entry).await;
        self.cache.invalidate_settings(scope);
        changed
    }

    /// Removes the compatibility setting of `subject` (or resets the global one) and returns
    /// the setting it replaced.
    pub async fn delete_config(
        &self,
        subject: Option<&SubjectName>,
        actor: &Actor,
    ) -> Result<ConfigRecord> {
        let old = self
            .config(subject, false)
            .await
            .map_err(|err| match (err, subject) {
                (Error::SubjectCompatibilityNotConfigured(s), Some(_)) => Error::SubjectNotFound(s),
                (err, _) => err,
            })?;
        let entry = audit(
            actor,
            AuditAction::ConfigDeleted,
            subject,
            None,
            serde_json::json!({}),
        );
        let scope = subject.map(SubjectName::as_str);
        let deleted = self.store.delete_config(subject, &entry).await;
        self.cache.invalidate_settings(scope);
        deleted?;
        Ok(old)
    }

    /// Returns the mode of `subject` (or the global one when `None`).
    ///
    /// A subject without its own mode is a 40409 unless `default_to_global`, when it gets its
    /// context's mode outside the default context (the global one does not reach there), else
    /// the global one. A global READONLY_OVERRIDE is the mode of every subject, as in Confluent.
    pub async fn mode(
        &self,
        subject: Option<&SubjectName>,
        default_to_global: bool,
    ) -> Result<Mode> {
        let global = self.stored_mode(None).await?;
        let Some(subject) = subject else {
            return Ok(global.unwrap_or(Mode::Readwrite));
        };
        if global == Some(Mode::ReadonlyOverride) {
            return Ok(Mode::ReadonlyOverride);
        }
        if let Some(own) = self.stored_mode(Some(subject)).await? {
            return Ok(own);
        }
        if !default_to_global {
            return Err(Error::SubjectModeNotConfigured(subject.to_string()));
        }
        let inherited = match subject.context_scope() {
            Some(context) => self.stored_mode(Some(&context)).await?,
            None => global,
        };
        Ok(inherited.unwrap_or(Mode::Readwrite))
    }

    /// Returns the subject that `subject` is an alias of (the `alias` of its own config), which
    /// its reads and writes reach instead, as Confluent's `AliasFilter` rewrites them; aliases
    /// do not chain.
    pub async fn alias_of(&self, subject: &SubjectName) -> Result<Option<SubjectName>> {
        let config = self.stored_config(Some(subject)).await?;
        let alias = config.and_then(|config| config.contract.alias);
        Ok(alias
            .filter(|alias| !alias.is_empty())
            .map(|alias| SubjectName::lookup(&alias)))
    }

    /// Returns the store's own compatibility setting of `scope` (a subject, or global).
    async fn stored_config(&self, scope: Option<&SubjectName>) -> Result<Option<ConfigRecord>> {
        Ok(self.stored_settings(scope).await?.config)
    }

    /// Returns the store's own mode of `scope` (a subject, or global).
    async fn stored_mode(&self, scope: Option<&SubjectName>) -> Result<Option<Mode>> {
        Ok(self.stored_settings(scope).await?.mode)
    }

    async fn stored_settings(&self, scope: Option<&SubjectName>) -> Result<ScopeSettings> {
        // `:.:` names the default context's subject ``, not the global scope the store keeps
        // under that key.
        if scope.is_some_and(|subject| subject.as_str().is_empty()) {
            return Ok(ScopeSettings::default());
        }
        let key = scope.map(SubjectName::to_string);
        if let Some(cached) = self.cache.settings(&key) {
            return Ok(cached.as_ref().clone());
        }
        let seen = self.cache.generation();
        let settings = self.store.settings(scope).await?;
        self.cache.put_settings(seen, key, settings.clone());
        Ok(settings)
    }

    /// Returns the mode in force for `subject`.
    pub async fn effective_mode(&self, subject: &SubjectName) -> Result<Mode> {
        self.mode(Some(subject), true).await
    }

    /// Sets the mode of `subject` (or the global one). Entering IMPORT requires that no live
    /// subject is in scope, unless `force`; without `force` it also permanently deletes the
    /// soft-deleted versions in scope, as the Confluent registry does.
    pub async fn set_mode(
        &self,
        subject: Option<&SubjectName>,
        mode: Mode,
        force: bool,
        actor: &Actor,
    ) -> Result<()> {
        let current = self.mode(subject, true).await?;
        if mode == Mode::Import && current != Mode::Import && !force {
            let has_subjects = match subject {
                Some(subject) => self
                    .subjects(subject.as_str(), Include::Live)
                    .await?
                    .contains(&subject.to_string()),
                None => !self.store.subjects(Include::Live).await?.is_empty(),
            };
            if has_subjects {
                return Err(Error::OperationNotPermitted(
                    "Cannot import since found existing subjects".to_string(),
                ));
            }
            self.clear_deleted(subject, actor).await?;
        }
        let entry = audit(
            actor,
            AuditAction::ModeChanged,
            subject,
            None,
            serde_json::json!({ "mode": mode }),
        );
        let scope = subject.map(SubjectName::as_str);
        let changed = self.store.set_mode(subject, mode, &entry).await;
        self.cache.invalidate_settings(scope);
        changed
    }

    /// Removes the mode of `subject` (or resets the global one) and returns the mode it replaced.
    pub async fn delete_mode(&self, subject: Option<&SubjectName>, actor: &Actor) -> Result<Mode> {
        let old = self
            .mode(subject, false)
            .await
            .map_err(|err| match (err, subject) {
                (Error::SubjectModeNotConfigured(s), Some(_)) => Error::SubjectNotFound(s),
                (err, _) => err,
            })?;
        let entry = audit(
            actor,
            AuditAction::ModeDeleted,
            subject,
            None,
            serde_json::json!({}),
        );
        let scope = subject.map(SubjectName::as_str);
        let deleted = self.store.delete_mode(subject, &entry).await;
        self.cache.invalidate_settings(scope);
        deleted?;
        Ok(old)
    }
}
