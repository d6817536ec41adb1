//! Who may do what: the principals, the actions, and the one decision function.

use crate::types::{Actor, SubjectName};
use crate::{Error, Result};

/// Whether reading a subject's schemas needs a grant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum ReadAccess {
    /// Anyone may read (the default, as with the Confluent registry).
    #[default]
    Open,
    /// Reading a subject needs the admin, its producer or a granted consumer.
    Enforce,
}

/// Who is calling, once the credential is checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Principal {
    /// Authentication is off: everyone may do everything.
    Open,
    /// Authentication is on and no credential was presented.
    Nobody,
    /// The admin credential.
    Admin,
    /// A service's credential.
    Service(String),
}

impl Principal {
    /// Returns the actor recorded in the audit log for this principal's changes.
    pub fn actor(&self) -> Actor {
        match self {
            Principal::Open => Actor::anonymous(),
            Principal::Nobody => Actor {
                principal: "nobody".to_string(),
                service: None,
            },
            Principal::Admin => Actor {
                principal: "admin".to_string(),
                service: None,
            },
            Principal::Service(name) => Actor {
                principal: name.clone(),
                service: Some(name.clone()),
            },
        }
    }
}

/// What a principal wants to do.
#[derive(Debug, Clone, Copy)]
pub enum Action<'a> {
    /// Register a version in a subject (an unowned subject is claimed by a registering service).
    Register(&'a SubjectName),
    /// Delete in a subject, or change its config or mode.
    Change(&'a SubjectName),
    /// Read a subject's schemas, settings, or check a schema against it.
    Read(&'a SubjectName),
    /// Read what belongs to no subject: global settings, listings, schema types.
    ReadGlobal,
    /// Grant or revoke consumers of a subject.
    GrantConsumers(&'a SubjectName),
    /// Read a subject's audit entries, or all of them.
    ReadAudit(Option<&'a SubjectName>),
    /// Everything else: global settings, teams, services, credentials, producers.
    Administer(&'a str),
}

/// What is known of a subject's ownership when deciding.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Ownership {
    pub producer: Option<String>,
    pub consumers: Vec<String>,
}

/// Decides whether `principal` may perform `action`, given the subject's `ownership`.
///
/// Refusals are 401 without a credential and 403 without the grant, saying which grant is
/// missing.
pub fn is_allowed(
    principal: &Principal,
    action: Action<'_>,
    ownership: &Ownership,
    read_access: ReadAccess,
) -> Result<()> {
    let service = match principal {
        Principal::Open | Principal::Admin => return Ok(()),
        Principal::Nobody => {
            let is_open_read = read_access == ReadAccess::Open
                && matches!(action, Action::Read(_) | Action::ReadGlobal);
            return if is_open_read {
                Ok(())
            } else {
                Err(Error::Unauthorized(
                    "Authentication required: send a service credential (HTTP Basic \
                     service:secret or Bearer) or the admin token"
                        .to_string(),
                ))
            };
        }
        Principal::Service(name) => name.as_str(),
    };
    let is_producer = ownership.producer.as_deref() == Some(service);
    let producer_name = || {
        ownership
            .producer
            .as_deref()
            .map_or("none".to_string(), |p| format!("'{p}'"))
    };
    match action {
        Action::ReadGlobal => Ok(()),
        Action::Read(subject) => {
            let is_consumer = ownership.consumers.iter().any(|c| c == service);
            if read_access == ReadAccess::Open || is_producer || is_consumer {
                Ok(())
            } else {
                Err(Error::Forbidden(format!(
                    "Service '{service}' may not read subject '{subject}': it needs a consumer \
                     grant from the subject's producer ({})",
                    producer_name()
                )))
            }
        }
        Action::Register(subject) if ownership.producer.is_none() => {
            let _ = subject;
            Ok(())
        }
        Action::Register(subject) | Action::Change(subject) if !is_producer => {
            Err(Error::Forbidden(format!(
                "Service '{service}' may not change subject '{subject}': only its producer ({}) \
                 or the admin may",
                producer_name()
            )))
        }
        Action::Register(_) | Action::Change(_) => Ok(()),
        Action::GrantConsumers(subject) if !is_producer => Err(Error::Forbidden(format!(
            "Service '{service}' may not grant or revoke consumers of subject '{subject}': only \
             its producer ({}) or the admin may",
            producer_name()
        ))),
        Action::GrantConsumers(_) => Ok(()),
        Action::ReadAudit(Some(subject)) if !is_producer => Err(Error::Forbidden(format!(
            "Service '{service}' may not read the audit log of subject '{subject}': only its \
             producer ({}) or the admin may",
            producer_name()
        ))),
        Action::ReadAudit(Some(_)) => Ok(()),
        Action::ReadAudit(None) => Err(Error::Forbidden(format!(
            "Service '{service}' may not read the whole audit log: only the admin may; a \
             producer may read its subject's entries with ?subject="
        ))),
        Action::Administer(what) => Err(Error::Forbidden(format!(
            "Service '{service}' may not {what}: only the admin may"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn subject() -> SubjectName {
        SubjectName::parse("orders-value").unwrap()
    }

    fn owned() -> Ownership {
        Ownership {
            producer: Some("orders".to_string()),
            consumers: vec!["billing".to_string()],
        }
    }

    fn service(name: &str) -> Principal {
        Principal::Service(name.to_string())
    }

    fn code(result: Result<()>) -> u32 {
        result.map_or_else(|e| e.codes().1, |()| 200)
    }

    #[test]
    fn the_admin_and_an_open_server_may_do_everything() {
        let s = subject();
        for principal in [Principal::Admin, Principal::Open] {
            for action in [
                Action::Change(&s),
                Action::Administer("x"),
                Action::ReadAudit(None),
            ] {
                assert!(is_allowed(&principal, action, &owned(), ReadAccess::Enforce).is_ok());
            }
        }
    }

    #[test]
    fn without_a_credential_only_open_reads_pass() {
        let s = subject();
        let nobody = Principal::Nobody;
        assert_eq!(
            code(is_allowed(
                &nobody,
                Action::Read(&s),
                &owned(),
                ReadAccess::Open
            )),
            200
        );
        assert_eq!(
            code(is_allowed(
                &nobody,
                Action::Read(&s),
                &owned(),
                ReadAccess::Enforce
            )),
            40101
        );
        assert_eq!(
            code(is_allowed(
                &nobody,
                Action::Register(&s),
                &owned(),
                ReadAccess::Open
            )),
            40101
        );
    }

    #[test]
    fn only_the_producer_changes_an_owned_subject_and_anyone_claims_an_unowned_one() {
        let s = subject();
        let open = ReadAccess::Open;
        assert_eq!(
            code(is_allowed(
                &service("orders"),
                Action::Register(&s),
                &owned(),
                open
            )),
            200
        );
        assert_eq!(
            code(is_allowed(
                &service("billing"),
                Action::Register(&s),
                &owned(),
                open
            )),
            40301
        );
        assert_eq!(
            code(is_allowed(
                &service("billing"),
                Action::Change(&s),
                &owned(),
                open
            )),
            40301
        );
        let unowned = Ownership::default();
        assert_eq!(
            code(is_allowed(
                &service("billing"),
                Action::Register(&s),
                &unowned,
                open
            )),
            200
        );
        assert_eq!(
            code(is_allowed(
                &service("billing"),
                Action::Change(&s),
                &unowned,
                open
            )),
            40301
        );
    }

    #[test]
    fn enforced_reads_need_the_producer_or_a_grant() {
        let s = subject();
        let enforce = ReadAccess::Enforce;
        assert_eq!(
            code(is_allowed(
                &service("orders"),
                Action::Read(&s),
                &owned(),
                enforce
            )),
            200
        );
        assert_eq!(
            code(is_allowed(
                &service("billing"),
                Action::Read(&s),
                &owned(),
                enforce
            )),
            200
        );
        let refused = is_allowed(&service("stranger"), Action::Read(&s), &owned(), enforce);
        let message = refused.unwrap_err().to_string();
        assert!(
            message.contains("consumer grant") && message.contains("'orders'"),
            "{message}"
        );
    }

    #[test]
    fn grants_and_subject_audit_belong_to_the_producer_and_the_rest_to_the_admin() {
        let s = subject();
        let open = ReadAccess::Open;
        assert_eq!(
            code(is_allowed(
                &service("orders"),
                Action::GrantConsumers(&s),
                &owned(),
                open
            )),
            200
        );
        assert_eq!(
            code(is_allowed(
                &service("billing"),
                Action::GrantConsumers(&s),
                &owned(),
                open
            )),
            40301
        );
        assert_eq!(
            code(is_allowed(
                &service("orders"),
                Action::ReadAudit(Some(&s)),
                &owned(),
                open
            )),
            200
        );
        assert_eq!(
            code(is_allowed(
                &service("orders"),
                Action::ReadAudit(None),
                &owned(),
                open
            )),
            40301
        );
        assert_eq!(
            code(is_allowed(
                &service("orders"),
                Action::Administer("create teams"),
                &owned(),
                open
            )),
            40301
        );
    }
}
