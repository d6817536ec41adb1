//! Compatibility settings and modes, per subject and global, resolved as the Confluent registry
//! resolves them: the subject's own setting, else the global one, else the default.

use super::decide::read_only;
use super::{audit, AuditAction, Registry};
use crate::storage::{ConfigRecord, Include, ScopeSettings};
use crate::types::{Actor, Compatibility, Mode, SubjectName};
use crate::{Error, Result};

/// The compatibility level of a registry that was never configured.
pub const DEFAULT_COMPATIBILITY: Compatibility = Compatibility::Backward;

impl Registry {
    /// Returns the compatibility setting of `subject` (or the global one when `None`).
    ///
    /// A subject without its own setting is a 40408 unless `default_to_global`.
    pub async fn config(
        &self,
        subject: Option<&SubjectName>,
        default_to_global: bool,
    ) -> Result<ConfigRecord> {
        if let Some(subject) = subject {
            if let Some(own) = self.stored_config(Some(subject)).await? {
                // Confluent shows the level in force beside a subject's own other settings.
                let compatibility = match own.compatibility {
                    Some(level) => level,
                    None => self.global_compatibility().await?,
                };
                return Ok(ConfigRecord {
                    compatibility: Some(compatibility),
                    ..own
                });
            }
            if !default_to_global {
                return Err(Error::SubjectCompatibilityNotConfigured(
                    subject.to_string(),
                ));
            }
        }
        let global = self.stored_config(None).await?.unwrap_or_default();
        Ok(ConfigRecord {
            compatibility: Some(global.compatibility.unwrap_or(DEFAULT_COMPATIBILITY)),
            ..global
        })
    }

    /// Returns the global compatibility level, or the default one.
    async fn global_compatibility(&self) -> Result<Compatibility> {
        let global = self.stored_config(None).await?.unwrap_or_default();
        Ok(global.compatibility.unwrap_or(DEFAULT_COMPATIBILITY))
    }

    /// Returns the setting in force for `subject`, falling back to the global one.
    pub(super) async fn effective_config(&self, subject: &SubjectName) -> Result<ConfigRecord> {
        let own = self.stored_config(Some(subject)).await?.unwrap_or_default();
        let global = self.config(None, true).await?;
        Ok(ConfigRecord {
            compatibility: own.compatibility.or(global.compatibility),
            normalize: own.normalize.or(global.normalize),
            contract: global.contract.overlaid(&own.contract),
        })
    }

    /// Returns the compatibility level in force for `subject`.
    pub async fn effective_compatibility(&self, subject: &SubjectName) -> Result<Compatibility> {
        Ok(self
            .effective_config(subject)
            .await?
            .compatibility
            .unwrap_or(DEFAULT_COMPATIBILITY))
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
    /// A subject without its own mode is a 40409 unless `default_to_global`.
    pub async fn mode(
        &self,
        subject: Option<&SubjectName>,
        default_to_global: bool,
    ) -> Result<Mode> {
        if let Some(subject) = subject {
            if let Some(own) = self.stored_mode(Some(subject)).await? {
                return Ok(own);
            }
            if !default_to_global {
                return Err(Error::SubjectModeNotConfigured(subject.to_string()));
            }
        }
        Ok(self.stored_mode(None).await?.unwrap_or(Mode::Readwrite))
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
