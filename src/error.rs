//! The one error type, and the one table that maps each error to its HTTP status and Confluent
//! `error_code`.
//!
//! Messages follow the Confluent registry's wording where it has one, because clients and people
//! match on them. Every response body has the Confluent shape `{"error_code": N, "message": "..."}`.

use axum::http::StatusCode;
use serde::Serialize;
use utoipa::ToSchema;

use crate::types::{sentence, Affected, SchemaId, Undeclared, Version};

/// A `Result` whose error is [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong in Accord, client mistakes and server failures alike.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("Subject '{0}' not found.")]
    SubjectNotFound(String),
    #[error("Version {0} not found.")]
    VersionNotFound(Version),
    #[error("Schema not found")]
    SchemaNotFound,
    #[error("Schema {0} not found")]
    SchemaIdNotFound(SchemaId),
    #[error("Subject '{0}' was soft deleted.Set permanent=true to delete permanently")]
    SubjectSoftDeleted(String),
    #[error("Subject '{0}' was not deleted first before being permanently deleted")]
    SubjectNotSoftDeleted(String),
    #[error("Subject '{0}' Version {1} was soft deleted.Set permanent=true to delete permanently")]
    VersionSoftDeleted(String, Version),
    #[error("Subject '{0}' Version {1} was not deleted first before being permanently deleted")]
    VersionNotSoftDeleted(String, Version),
    #[error("Subject '{0}' does not have subject-level compatibility configured")]
    SubjectCompatibilityNotConfigured(String),
    #[error("Subject '{0}' does not have subject-level mode configured")]
    SubjectModeNotConfigured(String),
    #[error("Association for '{0}' not found.")]
    AssociationNotFound(String),
    #[error("An association of type '{0}' already exists for resource '{1}'")]
    AssociationForResourceExists(String, String),
    #[error("An association already exists for subject '{0}'")]
    AssociationForSubjectExists(String),
    #[error("No active (non-deleted) version exists for subject '{0}'")]
    NoActiveSubjectVersion(String),
    #[error("The association specified an invalid value for property: '{0}', reason: {1}")]
    InvalidAssociation(&'static str, String),
    #[error("Schema being registered is incompatible with an earlier schema for subject \"{subject}\", details: [{}]{}{}", messages.join(", "), affected_sentence(affected, undeclared), propose_sentence(propose.as_deref()))]
    Incompatible {
        subject: String,
        messages: Vec<String>,
        /// For a governed subject, the path to POST a change proposal to; `None` keeps
        /// Confluent's message word for word.
        propose: Option<String>,
        /// The consumers the change would break, with their owners (empty when none are known).
        affected: Vec<Affected>,
        /// The services seen reading the subject without being declared on it.
        undeclared: Vec<Undeclared>,
    },
    #[error("Invalid schema: {0}")]
    InvalidSchema(String),
    /// A 42201 in Confluent's own words, which carry no `Invalid schema` prefix (a tag path
    /// that matches nothing).
    #[error("{0}")]
    SchemaRefused(String),
    /// A `schemaType` not spelt exactly `AVRO`, `PROTOBUF` or `JSON`.
    #[error("Invalid schema type {0}")]
    InvalidSchemaType(String),
    /// An explicit version, outside IMPORT mode, that is not the subject's next one.
    #[error("Version is not one more than previous version")]
    VersionNotNext,
    /// A registration without a schema; the hint, when there is one, says what the body lacks.
    #[error("Empty schema{0}")]
    EmptySchema(String),
    #[error("The specified version '{0}' is not a valid version id. Allowed values are between [1, 2^31-1] and the string \"latest\"")]
    InvalidVersion(String),
    /// An unknown level; the hint, when there is one, follows Confluent's sentence.
    #[error("Invalid compatibility level. Valid values are none, backward, forward, full, backward_transitive, forward_transitive, and full_transitive{0}")]
    InvalidCompatibilityLevel(&'static str),
    #[error("Invalid mode. Valid values are READWRITE, READONLY, and IMPORT.")]
    InvalidMode,
    #[error("{0}")]
    OperationNotPermitted(String),
    #[error("One or more references exist to the schema {{magic=1,keytype=SCHEMA,subject={0},version={1}}}.")]
    ReferenceExists(String, Version),
    #[error("Schema already registered with id {existing} instead of input id {requested}")]
    IdDoesNotMatch {
        existing: SchemaId,
        requested: SchemaId,
    },
    #[error("The specified subject '{0}' is not a valid.")]
    InvalidSubject(String),
    #[error("Schema too large: {0} bytes exceeds the limit of {1} bytes")]
    SchemaTooLarge(usize, usize),
    #[error("{0}")]
    Unauthorized(String),
    #[error("{0}")]
    Forbidden(String),
    #[error("Team '{0}' not found.")]
    TeamNotFound(String),
    #[error("Service '{0}' not found.")]
    ServiceNotFound(String),
    #[error("Credential '{1}' of service '{0}' not found.")]
    CredentialNotFound(String, String),
    #[error("Service '{0}' is not a consumer of subject '{1}'.")]
    GrantNotFound(String, String),
    #[error("Webhook '{0}' not found.")]
    WebhookNotFound(String),
    #[error("Proposal {0} not found.")]
    ProposalNotFound(i64),
    #[error("Proposal {0} is {1}: a decided proposal does not change.")]
    ProposalDecided(i64, crate::types::ProposalState),
    /// Applying a proposal that not every affected service is ready for.
    #[error("{0}")]
    ProposalNotApproved(String),
    /// Proposing a candidate that breaks nothing.
    #[error("{0}")]
    ProposalNeedless(String),
    #[error("{0}")]
    AlreadyExists(String),
    #[error("{0}")]
    InUse(String),
    #[error("{0}")]
    InvalidGovernance(String),
    #[error("{0}")]
    BadRequest(String),
    #[error("{0}")]
    UnprocessableEntity(String),
    #[error("HTTP 404 Not Found")]
    NotFound,
    #[error("HTTP 405 Method Not Allowed")]
    MethodNotAllowed,
    #[error("Request body too large: the limit is {0} bytes")]
    PayloadTooLarge(usize),
    #[error("Request timed out after {0} seconds")]
    RequestTimeout(u64),
    #[error("URI too long: the limit is {0} bytes")]
    UriTooLong(usize),
    #[error("Request header fields too large")]
    HeadersTooLarge,
    #[error("Malformed HTTP request: its request line or a header could not be parsed")]
    MalformedRequest,
    #[error("HTTP 415 Unsupported Media Type")]
    UnsupportedMediaType,
    #[error("Error in the backend data store")]
    Storage(sqlx::Error),
    /// The store cannot be reached (connection refused or lost, no free connection in time).
    #[error("The backend data store is unavailable; try again shortly")]
    StoreUnavailable(sqlx::Error),
    #[error("Error in the backend data store")]
    Migration(#[from] sqlx::migrate::MigrateError),
    #[error("Internal server error")]
    Internal(String),
}

impl Error {
    /// Returns the HTTP status and the Confluent `error_code` of this error.
    pub fn codes(&self) -> (StatusCode, u32) {
        use Error::*;
        match self {
            SubjectNotFound(_) => (StatusCode::NOT_FOUND, 40401),
            VersionNotFound(_) => (StatusCode::NOT_FOUND, 40402),
            SchemaNotFound | SchemaIdNotFound(_) => (StatusCode::NOT_FOUND, 40403),
            SubjectSoftDeleted(_) => (StatusCode::NOT_FOUND, 40404),
            SubjectNotSoftDeleted(_) => (StatusCode::NOT_FOUND, 40405),
            VersionSoftDeleted(..) => (StatusCode::NOT_FOUND, 40406),
            VersionNotSoftDeleted(..) => (StatusCode::NOT_FOUND, 40407),
            SubjectCompatibilityNotConfigured(_) => (StatusCode::NOT_FOUND, 40408),
            SubjectModeNotConfigured(_) => (StatusCode::NOT_FOUND, 40409),
            AssociationNotFound(_) => (StatusCode::NOT_FOUND, 40410),
            AssociationForResourceExists(..) => (StatusCode::CONFLICT, 40903),
            AssociationForSubjectExists(_) => (StatusCode::CONFLICT, 40904),
            NoActiveSubjectVersion(_) => (StatusCode::CONFLICT, 40907),
            InvalidAssociation(..) => (StatusCode::UNPROCESSABLE_ENTITY, 42212),
            Incompatible { .. } => (StatusCode::CONFLICT, 409),
            InvalidSchema(_) | SchemaRefused(_) | InvalidSchemaType(_) | EmptySchema(_)
            | VersionNotNext => (StatusCode::UNPROCESSABLE_ENTITY, 42201),
            InvalidVersion(_) => (StatusCode::UNPROCESSABLE_ENTITY, 42202),
            InvalidCompatibilityLevel(_) => (StatusCode::UNPROCESSABLE_ENTITY, 42203),
            InvalidMode => (StatusCode::UNPROCESSABLE_ENTITY, 42204),
            OperationNotPermitted(_) => (StatusCode::UNPROCESSABLE_ENTITY, 42205),
            ReferenceExists(..) => (StatusCode::UNPROCESSABLE_ENTITY, 42206),
            IdDoesNotMatch { .. } => (StatusCode::UNPROCESSABLE_ENTITY, 42207),
            InvalidSubject(_) => (StatusCode::UNPROCESSABLE_ENTITY, 42208),
            SchemaTooLarge(..) => (StatusCode::UNPROCESSABLE_ENTITY, 42209),
            Unauthorized(_) => (StatusCode::UNAUTHORIZED, 40101),
            Forbidden(_) => (StatusCode::FORBIDDEN, 40301),
            TeamNotFound(_) => (StatusCode::NOT_FOUND, 40411),
            ServiceNotFound(_) => (StatusCode::NOT_FOUND, 40412),
            CredentialNotFound(..) => (StatusCode::NOT_FOUND, 40413),
            GrantNotFound(..) => (StatusCode::NOT_FOUND, 40414),
            ProposalNotFound(_) => (StatusCode::NOT_FOUND, 40415),
            WebhookNotFound(_) => (StatusCode::NOT_FOUND, 40416),
            ProposalDecided(..) => (StatusCode::CONFLICT, 40913),
            ProposalNotApproved(_) => (StatusCode::CONFLICT, 40914),
            ProposalNeedless(_) => (StatusCode::UNPROCESSABLE_ENTITY, 42221),
            AlreadyExists(_) => (StatusCode::CONFLICT, 40911),
            InUse(_) => (StatusCode::CONFLICT, 40912),
            InvalidGovernance(_) => (StatusCode::UNPROCESSABLE_ENTITY, 42220),
            BadRequest(_) => (StatusCode::BAD_REQUEST, 400),
            UnprocessableEntity(_) => (StatusCode::UNPROCESSABLE_ENTITY, 422),
            NotFound => (StatusCode::NOT_FOUND, 404),
            MethodNotAllowed => (StatusCode::METHOD_NOT_ALLOWED, 405),
            PayloadTooLarge(_) => (StatusCode::PAYLOAD_TOO_LARGE, 413),
            RequestTimeout(_) => (StatusCode::REQUEST_TIMEOUT, 408),
            UriTooLong(_) => (StatusCode::URI_TOO_LONG, 414),
            HeadersTooLarge => (StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE, 431),
            MalformedRequest => (StatusCode::BAD_REQUEST, 400),
            UnsupportedMediaType => (StatusCode::UNSUPPORTED_MEDIA_TYPE, 415),
            Storage(_) | Migration(_) => (StatusCode::INTERNAL_SERVER_ERROR, 50001),
            StoreUnavailable(_) => (StatusCode::SERVICE_UNAVAILABLE, 50001),
            Internal(_) => (StatusCode::INTERNAL_SERVER_ERROR, 500),
        }
    }
}

impl From<sqlx::Error> for Error {
    /// Tells a store that cannot be reached, which clients may retry, from one that failed.
    fn from(err: sqlx::Error) -> Self {
        let is_unavailable = match &err {
            sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::Io(_) => true,
            // A connection cut during its handshake reads as a TLS or protocol error.
            sqlx::Error::Tls(_) | sqlx::Error::Protocol(_) => true,
            // PostgreSQL's connection exceptions (08xxx), shutdowns (57P01-57P03) and a full
            // server (53300).
            sqlx::Error::Database(db) => db.code().is_some_and(|code| {
                code.starts_with("08") || ["57P01", "57P02", "57P03", "53300"].contains(&&*code)
            }),
            _ => false,
        };
        match is_unavailable {
            true => Error::StoreUnavailable(err),
            false => Error::Storage(err),
        }
    }
}

fn propose_sentence(path: Option<&str>) -> String {
    path.map(|path| format!(" To agree on this break with its consumers, propose it: POST {path}"))
        .unwrap_or_default()
}

fn affected_sentence(affected: &[Affected], undeclared: &[Undeclared]) -> String {
    match sentence(affected, undeclared, time::OffsetDateTime::now_utc()) {
        s if s.is_empty() => s,
        s => format!(" {s}"),
    }
}

/// The Confluent error body: `{"error_code": 40401, "message": "Subject 'x' not found."}`.
///
/// A refused incompatible registration also lists the consumers it would break in `affected`,
/// and the services seen reading the subject without being declared in `undeclared`.
#[derive(Debug, Default, Serialize, ToSchema)]
pub struct ErrorBody {
    pub error_code: u32,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub affected: Option<Vec<Affected>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub undeclared: Option<Vec<Undeclared>>,
}
