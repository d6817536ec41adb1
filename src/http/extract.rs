//! Extractors and responders that speak the Confluent wire format: its media types, its lenient
//! query booleans, and its error shape for every malformed request.

use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, FailedToBufferBody};
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::header::CONTENT_TYPE;
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::de::{DeserializeOwned, Deserializer};
use serde::{Deserialize, Serialize};

use crate::governance::Principal;
use crate::Error;

/// The media type of every JSON response, as the Confluent registry answers by default.
pub const CONFLUENT_JSON: &str = "application/vnd.schemaregistry.v1+json";

/// Request media types the Confluent registry accepts.
const ACCEPTED_MEDIA_TYPES: [&str; 4] = [
    "application/vnd.schemaregistry.v1+json",
    "application/vnd.schemaregistry+json",
    "application/json",
    "application/octet-stream",
];

/// The largest request body accepted, in bytes.
pub const MAX_BODY_BYTES: usize = 8 * 1024 * 1024;

/// A JSON body in the Confluent media type: a request extractor and a response.
#[derive(Debug, Clone, Copy, Default)]
pub struct ConfluentJson<T>(pub T);

impl<T: Serialize> ConfluentJson<T> {
    /// Renders the body with `status`.
    pub fn into_response_with_status(self, status: StatusCode) -> Response {
        match serde_json::to_vec(&self.0) {
            Ok(body) => (
                status,
                [(CONTENT_TYPE, HeaderValue::from_static(CONFLUENT_JSON))],
                body,
            )
                .into_response(),
            Err(err) => {
                tracing::error!(error = %err, "response serialization failed");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "response serialization failed",
                )
                    .into_response()
            }
        }
    }
}

impl<T: Serialize> IntoResponse for ConfluentJson<T> {
    fn into_response(self) -> Response {
        self.into_response_with_status(StatusCode::OK)
    }
}

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for ConfluentJson<T> {
    type Rejection = Error;

    async fn from_request(req: Request, state: &S) -> Result<Self, Error> {
        decode_body(&body_bytes(req, state).await?).map(ConfluentJson)
    }
}

/// Returns the body of `req`, refusing a media type the Confluent registry does not accept and
/// a body over [`MAX_BODY_BYTES`].
pub async fn body_bytes<S: Send + Sync>(req: Request, state: &S) -> Result<Bytes, Error> {
    if let Some(content_type) = req.headers().get(CONTENT_TYPE) {
        let essence = content_type
            .to_str()
            .unwrap_or_default()
            .split(';')
            .next()
            .unwrap_or_default()
            .trim();
        if !ACCEPTED_MEDIA_TYPES
            .iter()
            .any(|t| t.eq_ignore_ascii_case(essence))
        {
            return Err(Error::UnsupportedMediaType);
        }
    }
    let bytes = Bytes::from_request(req, state)
        .await
        .map_err(|rejection| match rejection {
            BytesRejection::FailedToBufferBody(FailedToBufferBody::LengthLimitError(_)) => {
                Error::PayloadTooLarge(MAX_BODY_BYTES)
            }
            other => Error::BadRequest(other.body_text()),
        })?;
    Ok(bytes)
}

/// Decodes a JSON request body as [`ConfluentJson`] does: blank is a 422, malformed JSON a 400,
/// JSON of the wrong shape a 422.
pub fn decode_body<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, Error> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(Error::UnprocessableEntity(
            "Request body is missing".to_string(),
        ));
    }
    serde_json::from_slice(bytes).map_err(|err| {
        if err.is_data() {
            Error::UnprocessableEntity(format!("Invalid request body: {err}"))
        } else {
            Error::BadRequest(format!("Invalid JSON in request body: {err}"))
        }
    })
}

/// Decodes a query string as [`Params`] does. As in JAX-RS, a repeated parameter counts once,
/// with its first value, and a value that does not parse (`limit=x`) is a plain 404.
pub fn decode_query<T: DeserializeOwned>(query: &str) -> Result<T, Error> {
    let pairs: Vec<(String, String)> =
        serde_urlencoded::from_str(query).map_err(|_| Error::NotFound)?;
    let mut first: Vec<(String, String)> = Vec::with_capacity(pairs.len());
    for (key, value) in pairs {
        if !first.iter().any(|(seen, _)| *seen == key) {
            first.push((key, value));
        }
    }
    let query = serde_urlencoded::to_string(&first).map_err(|_| Error::NotFound)?;
    serde_urlencoded::from_str(&query).map_err(|_| Error::NotFound)
}

/// Query parameters, parsed leniently as the Confluent registry does (see [`decode_query`]).
#[derive(Debug, Clone, Copy, Default)]
pub struct Params<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for Params<T> {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Error> {
        decode_query(parts.uri.query().unwrap_or_default()).map(Params)
    }
}

/// Query parameters of Accord's own API (`/governance/...`): a value of the wrong kind is a 400
/// that names it, rather than the Confluent endpoints' plain 404.
#[derive(Debug, Clone, Copy, Default)]
pub struct Query<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for Query<T> {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Error> {
        serde_urlencoded::from_str(parts.uri.query().unwrap_or_default())
            .map(Query)
            .map_err(|err| Error::BadRequest(format!("Invalid query parameter: {err}")))
    }
}

/// Path parameters; a segment that cannot be decoded is a 400 in the Confluent shape.
#[derive(Debug, Clone)]
pub struct PathParams<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned + Send> FromRequestParts<S> for PathParams<T> {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Error> {
        axum::extract::Path::<T>::from_request_parts(parts, state)
            .await
            .map(|axum::extract::Path(value)| PathParams(value))
            .map_err(|rejection| Error::BadRequest(rejection.body_text()))
    }
}

/// Reads a query boolean as JAX-RS does: `true` in any case is true, anything else false.
pub fn lenient_bool<'de, D: Deserializer<'de>>(deserializer: D) -> Result<bool, D::Error> {
    let text = String::deserialize(deserializer)?;
    Ok(text.trim().eq_ignore_ascii_case("true"))
}

/// Paging parameters shared by the list endpoints: `offset` (default 0) and `limit`
/// (default, 0 and any negative: no limit), each a Java `int`.
#[derive(Debug, Clone, Copy, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Page {
    #[serde(default)]
    pub offset: i32,
    #[serde(default)]
    pub limit: i32,
}

impl Page {
    /// Returns the page of `items` these parameters select.
    pub fn apply<T>(self, items: Vec<T>) -> Result<Vec<T>, Error> {
        // Confluent answers a negative offset with a 500; a 400 says what is wrong.
        if self.offset < 0 {
            return Err(Error::BadRequest(format!(
                "Invalid query parameter: offset must not be negative, got {}",
                self.offset
            )));
        }
        let offset = usize::try_from(self.offset).unwrap_or(usize::MAX);
        let limit = match usize::try_from(self.limit) {
            Ok(0) | Err(_) => usize::MAX,
            Ok(limit) => limit,
        };
        Ok(items.into_iter().skip(offset).take(limit).collect())
    }
}

/// The caller of a request, as the authentication middleware established it.
#[derive(Debug, Clone)]
pub struct Caller(pub Principal);

impl<S: Send + Sync> FromRequestParts<S> for Caller {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Error> {
        parts
            .extensions
            .get::<Principal>()
            .cloned()
            .map(Caller)
            .ok_or_else(|| Error::Internal("the request was not authenticated".to_string()))
    }
}
