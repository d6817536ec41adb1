//! Observing reads: a response that served a schema carries a [`SchemaRead`] saying what it
//! served, and [`RecordReads`] — a layer of the stack, under authentication and over both the
//! hot lane and the router — tallies it for the principal that read it, with the client it
//! named. Who reads what is recorded in this one place, whichever path answered.

use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use axum::extract::Request;
use axum::http::header::USER_AGENT;
use axum::http::HeaderValue;
use axum::response::Response;
use tower::{Layer, Service};

use crate::governance::observed::Read;
use crate::governance::{Governance, Principal};
use crate::storage::StoredVersion;
use crate::types::SchemaId;

/// What a response served, put on it by whoever rendered it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchemaRead {
    /// The subject read; `None` for a read by id, which may name it in `?subject=`.
    pub subject: Option<String>,
    pub version: Option<i32>,
    pub id: Option<SchemaId>,
}

impl SchemaRead {
    /// A read of the schema `id` by id.
    pub fn by_id(id: SchemaId) -> Self {
        SchemaRead {
            subject: None,
            version: None,
            id: Some(id),
        }
    }

    /// A read of `version`.
    pub fn of_version(version: &StoredVersion) -> Self {
        SchemaRead {
            subject: Some(version.subject.clone()),
            version: Some(version.version.0),
            id: Some(version.schema.id),
        }
    }

    /// Puts this read on `response`.
    pub fn on(self, mut response: Response) -> Response {
        response.extensions_mut().insert(self);
        response
    }
}

/// The header a Confluent client names itself in, preferred to `User-Agent`.
const CLIENT_VERSION: &str = "confluent-client-version";

/// The longest client name kept.
const MAX_CLIENT: usize = 100;

/// Tallies the reads of the services under it (see the module documentation).
#[derive(Clone)]
pub struct RecordReadsLayer {
    governance: Arc<Governance>,
}

impl RecordReadsLayer {
    /// Tallies with `governance`.
    pub fn new(governance: Arc<Governance>) -> Self {
        RecordReadsLayer { governance }
    }
}

impl<S> Layer<S> for RecordReadsLayer {
    type Service = RecordReads<S>;

    fn layer(&self, inner: S) -> RecordReads<S> {
        RecordReads {
            governance: self.governance.clone(),
            inner,
        }
    }
}

/// `inner`, with its reads tallied.
#[derive(Clone)]
pub struct RecordReads<S> {
    governance: Arc<Governance>,
    inner: S,
}

impl<S> Service<Request> for RecordReads<S>
where
    S: Service<Request, Response = Response, Error = Infallible>,
{
    type Response = Response;
    type Error = Infallible;
    type Future = Recorded<S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request) -> Self::Future {
        let is_read = request.method().is_safe() || request.method() == "POST";
        let reader = is_read.then(|| Reader {
            principal: request.extensions().get::<Principal>().cloned(),
            client: request
                .headers()
                .get(CLIENT_VERSION)
                .or_else(|| request.headers().get(USER_AGENT))
                .cloned(),
            hint: request
                .uri()
                .query()
                .and_then(subject_hint)
                .map(str::to_string),
        });
        Recorded {
            answer: self.inner.call(request),
            reader,
            governance: self.governance.clone(),
        }
    }
}

/// Who made a read, as its request says.
struct Reader {
    principal: Option<Principal>,
    client: Option<HeaderValue>,
    /// The `subject` a by-id read names in its query.
    hint: Option<String>,
}

pin_project_lite::pin_project! {
    /// The answer of a request whose read is tallied when it is ready.
    pub struct Recorded<F> {
        #[pin]
        answer: F,
        reader: Option<Reader>,
        governance: Arc<Governance>,
    }
}

impl<F: Future<Output = Result<Response, Infallible>>> Future for Recorded<F> {
    type Output = Result<Response, Infallible>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        let Ok(response) = std::task::ready!(this.answer.poll(cx));
        let served = response.extensions().get::<SchemaRead>();
        if let (Some(served), Some(reader)) = (served, this.reader.take()) {
            if response.status().is_success() {
                let client = reader.client.as_ref().and_then(|c| c.to_str().ok());
                let read = Read {
                    subject: served.subject.as_deref().or(reader.hint.as_deref()),
                    version: served.version,
                    id: served.id,
                    client: client.map(|c| c.get(..MAX_CLIENT).unwrap_or(c)),
                };
                let principal = reader.principal.unwrap_or(Principal::Nobody);
                this.governance.observe(&principal, read);
            }
        }
        Poll::Ready(Ok(response))
    }
}

/// Returns the `subject` a query names, undecoded: only when it is plain (letters, digits,
/// `.`, `_`, `-`), as topic names are.
pub fn subject_hint(query: &str) -> Option<&str> {
    query
        .split('&')
        .find_map(|pair| pair.strip_prefix("subject="))
        .filter(|subject| {
            !subject.is_empty()
                && subject
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_plain_subject_hint_is_taken() {
        assert_eq!(subject_hint("subject=orders-value"), Some("orders-value"));
        assert_eq!(subject_hint("fetchMaxId=true&subject=a.b_c"), Some("a.b_c"));
        assert_eq!(subject_hint("subject=a%2Fb"), None);
        assert_eq!(subject_hint("subject="), None);
        assert_eq!(subject_hint("format=resolved"), None);
    }
}
