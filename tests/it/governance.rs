//! Governance over HTTP: identities, grants, authorization, impact and the audit log.
