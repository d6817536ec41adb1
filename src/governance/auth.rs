//! Authentication: turning an `Authorization` header into a [`Principal`], and issuing, listing
//! and revoking the credentials it checks.
//!
//! Secrets are random, shown once, and stored only as SHA-256 hashes; a presented secret is
//! hashed and compared in constant time. The admin sends its token as `Bearer TOKEN` or as Basic
//! `admin:TOKEN`; a service sends `Basic service:secret` or `Bearer secret`.

use std::net::SocketAddr;

use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine;
use serde::Serialize;
use serde_json::json;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;
use utoipa::ToSchema;

use super::{entry, Action, Governance, Principal};
use crate::storage::{AuditAction, CredentialInfo, NewCredential};
use crate::types::now;
use crate::{Error, Result};

/// A new credential: the secret is shown this once and never again.
#[derive(Clone, Serialize, ToSchema)]
pub struct IssuedCredential {
    pub id: String,
    pub secret: String,
}

/// Never shows the secret.
impl std::fmt::Debug for IssuedCredential {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IssuedCredential")
            .field("id", &self.id)
            .field("secret", &"***")
            .finish()
    }
}

/// Returns the hex SHA-256 of `secret`, the only form in which secrets are stored.
pub fn hash_secret(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// Issues a new random credential id and secret; only [`hash_secret`] of the secret is stored.
pub fn issue() -> Result<IssuedCredential> {
    let mut id = [0u8; 8];
    let mut secret = [0u8; 32];
    getrandom::fill(&mut id)
        .and_then(|()| getrandom::fill(&mut secret))
        .map_err(|e| Error::Internal(format!("no randomness for a credential: {e}")))?;
    Ok(IssuedCredential {
        id: format!("cred_{}", hex::encode(id)),
        secret: format!("acs_{}", URL_SAFE_NO_PAD.encode(secret)),
    })
}

/// A credential as presented: a secret, and the user a Basic credential names.
struct Presented {
    user: Option<String>,
    secret: String,
}

impl Presented {
    /// Reads an `Authorization` header: `Bearer SECRET` or `Basic base64(user:secret)`.
    fn parse(header: &str) -> std::result::Result<Self, &'static str> {
        let (scheme, value) = header.trim().split_once(' ').unwrap_or((header, ""));
        let value = value.trim();
        if scheme.eq_ignore_ascii_case("bearer") {
            return Ok(Presented {
                user: None,
                secret: value.to_string(),
            });
        }
        if !scheme.eq_ignore_ascii_case("basic") {
            return Err("use the Basic or Bearer scheme");
        }
        let decoded = STANDARD
            .decode(value)
            .ok()
            .and_then(|bytes| String::from_utf8(bytes).ok())
            .ok_or("the Basic credential is not base64 of user:secret")?;
        let (user, secret) = decoded
            .split_once(':')
            .ok_or("the Basic credential is not user:secret")?;
        Ok(Presented {
            user: Some(user.to_string()),
            secret: secret.to_string(),
        })
    }
}

/// Logs a failed authentication (principal and source, never the secret) and returns the 401.
fn refuse(user: Option<&str>, source: Option<SocketAddr>, reason: &str) -> Error {
    let source = source.map_or_else(|| "unknown".to_string(), |addr| addr.ip().to_string());
    tracing::warn!(
        principal = user.unwrap_or("bearer"),
        %source,
        reason,
        "authentication failed"
    );
    metrics::counter!("accord_authentication_failures_total").increment(1);
    Error::Unauthorized(format!("Invalid credential: {reason}"))
}

fn same(a: &str, b: &str) -> bool {
    a.len() == b.len() && bool::from(a.as_bytes().ct_eq(b.as_bytes()))
}

impl Governance {
    /// Returns who presents `authorization` (the header's value, if any), sent from `source`.
    ///
    /// With authentication off every request is [`Principal::Open`]. With it on, a missing header
    /// is [`Principal::Nobody`], and a header that does not hold a valid, unrevoked credential is
    /// a 401 whatever the request; each such failure is logged with the claimed principal and
    /// the source, never with the secret.
    pub async fn authenticate(
        &self,
        authorization: Option<&str>,
        source: Option<SocketAddr>,
    ) -> Result<Principal> {
        match self.authenticate_at_once(authorization, source) {
            Some(decided) => decided,
            None => self.authenticate_stored(authorization, source).await,
        }
    }

    /// Returns who presents `authorization` when that is known without the store: always
    /// with authentication off, without a credential, with a malformed one, the admin's, or a
    /// service's that the store confirmed recently. `None` means the credential is to look up
    /// ([`Governance::authenticate`]).
    pub fn authenticate_at_once(
        &self,
        authorization: Option<&str>,
        source: Option<SocketAddr>,
    ) -> Option<Result<Principal>> {
        let Some(admin_token) = &self.admin_token else {
            return Some(Ok(Principal::Open));
        };
        let Some(header) = authorization else {
            return Some(Ok(Principal::Nobody));
        };
        let credential = match Presented::parse(header) {
            Ok(credential) => credential,
            Err(reason) => return Some(Err(refuse(None, source, reason))),
        };
        let claims_admin = credential
            .user
            .as_deref()
            .is_none_or(|user| user == "admin");
        if claims_admin && same(&credential.secret, admin_token) {
            return Some(Ok(Principal::Admin));
        }
        let hash = hash_secret(&credential.secret);
        let service = self.verified.service(&hash, credential.user.as_deref())?;
        Some(Ok(Principal::Service(service)))
    }

    /// Looks up the service credential in `authorization`.
    async fn authenticate_stored(
        &self,
        authorization: Option<&str>,
        source: Option<SocketAddr>,
    ) -> Result<Principal> {
        let header = authorization.unwrap_or_default();
        let credential = Presented::parse(header).map_err(|reason| refuse(None, source, reason))?;
        let hash = hash_secret(&credential.secret);
        let generation = self.verified.generation();
        let stored = self.store.credential_by_hash(&hash).await?;
        let user = credential.user.as_deref();
        let Some(stored) = stored.filter(|c| user.is_none_or(|u| u == c.service)) else {
            return Err(refuse(user, source, "unknown or revoked"));
        };
        self.note_use(&stored.id, stored.last_used_at.as_deref())
            .await?;
        self.verified.remember(generation, hash, &stored);
        Ok(Principal::Service(stored.service))
    }

    /// Records a credential's use, at most about once a minute so that reads stay reads.
    async fn note_use(&self, id: &str, last_used_at: Option<&str>) -> Result<()> {
        let now = now();
        let is_stale = last_used_at.is_none_or(|last| now.get(..16) != last.get(..16));
        if is_stale {
            self.store.touch_credential(id, &now).await?;
        }
        Ok(())
    }
}

impl Governance {
    /// Issues a credential for `service`; its secret is shown this once.
    pub async fn issue_credential(
        &self,
        by: &Principal,
        service: &str,
    ) -> Result<IssuedCredential> {
        self.authorize(by, Action::Administer("issue credentials"))
            .await?;
        let issued = issue()?;
        let credential = NewCredential {
            id: issued.id.clone(),
            service: service.to_string(),
            secret_hash: hash_secret(&issued.secret),
            created_at: now(),
        };
        let audit = entry(
            by,
            AuditAction::CredentialIssued,
            None,
            Some(service),
            json!({ "id": issued.id }),
        );
        self.store.create_credential(&credential, &audit).await??;
        Ok(issued)
    }

    /// Returns a service's credentials, without their secrets.
    pub async fn credentials(&self, by: &Principal, service: &str) -> Result<Vec<CredentialInfo>> {
        self.authorize(by, Action::Administer("list credentials"))
            .await?;
        self.service(by, service).await?;
        self.store.credentials(service).await
    }

    /// Revokes a credential of `service`.
    pub async fn revoke_credential(&self, by: &Principal, service: &str, id: &str) -> Result<()> {
        self.authorize(by, Action::Administer("revoke credentials"))
            .await?;
        let audit = entry(
            by,
            AuditAction::CredentialRevoked,
            None,
            Some(service),
            json!({ "id": id }),
        );
        let revoked = self.store.revoke_credential(service, id, &audit).await;
        self.verified.forget_all();
        Ok(revoked??)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn issued_secrets_are_random_and_their_hash_does_not_hold_them() {
        let a = issue().unwrap();
        let b = issue().unwrap();
        assert_ne!(a.secret, b.secret);
        assert_ne!(a.id, b.id);
        let hash = hash_secret(&a.secret);
        assert_eq!(hash.len(), 64);
        assert!(!hash.contains(&a.secret));
    }

    #[test]
    fn comparison_needs_equal_length_and_bytes() {
        assert!(same("token", "token"));
        assert!(!same("token", "tokem"));
        assert!(!same("token", "token2"));
    }
}
