//! The URL forms Confluent reads as others, rewritten before anything else reads the request:
//! repeated slashes are one (as Jetty reads `/subjects/s//versions`), and the
//! `/contexts/{context}/...` forms are the qualified-subject forms they stand for, as
//! Confluent's `ContextFilter` rewrites them:
//!
//! | URL form | is read as |
//! |---|---|
//! | `/contexts/.c/subjects` | `/subjects?subjectPrefix=:.c:` |
//! | `/contexts/.c/subjects/s/...` | `/subjects/:.c:s/...` |
//! | `/contexts/.c/schemas` | `/schemas?subjectPrefix=:.c:` |
//! | `/contexts/.c/schemas/ids/1/...` | `/schemas/ids/1/...?subject=:.c:` |
//! | `/contexts/.c/config`, `.../mode` | `/config/:.c:`, `/mode/:.c:` |
//! | `/contexts/.c/config/s`, `.../mode/s` | `/config/:.c:s`, `/mode/:.c:s` |
//! | `/contexts/.c/compatibility/subjects/s/...` | `/compatibility/subjects/:.c:s/...` |
//!
//! A context named without its leading dot gets one; a context name with a colon is a 400. A
//! subject or prefix the request already names is qualified with the context in front of it.

use std::convert::Infallible;
use std::task::{Context, Poll};

use axum::extract::Request;
use axum::http::uri::PathAndQuery;
use axum::http::Uri;
use axum::response::{IntoResponse, Response};
use futures_util::future::{ready, Either, Ready};
use percent_encoding::percent_decode_str;
use tower::{Layer, Service};

use crate::Error;

/// Rewrites the URL forms Confluent reads as others (see the module's documentation).
#[derive(Clone, Copy, Default)]
pub struct UrlFormsLayer;

impl<S> Layer<S> for UrlFormsLayer {
    type Service = UrlForms<S>;

    fn layer(&self, inner: S) -> UrlForms<S> {
        UrlForms { inner }
    }
}

/// `inner`, reached with the URL forms rewritten.
#[derive(Clone)]
pub struct UrlForms<S> {
    inner: S,
}

impl<S> Service<Request> for UrlForms<S>
where
    S: Service<Request, Response = Response, Error = Infallible>,
{
    type Response = Response;
    type Error = Infallible;
    type Future = Either<Ready<Result<Response, Infallible>>, S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut request: Request) -> Self::Future {
        if request.uri().path().contains("//") {
            if let Some(uri) = single_slashes(request.uri()) {
                *request.uri_mut() = uri;
            }
        }
        match rewrite(request.uri()) {
            None => {}
            Some(Ok(uri)) => *request.uri_mut() = uri,
            Some(Err(err)) => return Either::Left(ready(Ok(err.into_response()))),
        }
        Either::Right(self.inner.call(request))
    }
}

/// Returns `uri` with each run of slashes in its path made one.
fn single_slashes(uri: &Uri) -> Option<Uri> {
    let mut path = String::with_capacity(uri.path().len());
    for c in uri.path().chars() {
        if !(c == '/' && path.ends_with('/')) {
            path.push(c);
        }
    }
    with_target(uri, path, uri.query().unwrap_or(""))
}

/// Returns `uri` with `path` and `query` as its target.
fn with_target(uri: &Uri, path: String, query: &str) -> Option<Uri> {
    let target = match query.is_empty() {
        true => path,
        false => format!("{path}?{query}"),
    };
    let mut parts = uri.clone().into_parts();
    parts.path_and_query = Some(PathAndQuery::try_from(target).ok()?);
    Uri::from_parts(parts).ok()
}

/// Returns the URI that `uri`, a `/contexts/{context}/...` form, stands for; `None` for any
/// other URI (`/contexts` itself included), or the refusal of a context name with a colon.
fn rewrite(uri: &Uri) -> Option<Result<Uri, Error>> {
    let rest = uri.path().strip_prefix("/contexts/")?;
    let (context, rest) = rest.split_once('/')?;
    let context = percent_decode_str(context).decode_utf8_lossy();
    if context.contains(':') {
        return Some(Err(Error::BadRequest(
            "Context name cannot contain a colon".to_string(),
        )));
    }
    let dot = if context.starts_with('.') { "" } else { "." };
    // The qualifier, percent-encoded as the path segment it begins.
    let qualifier = format!("%3A{dot}{}%3A", encode(&context));
    let query = uri.query().unwrap_or("");
    let (path, query) = match rest.split_once('/') {
        None if rest == "subjects" || rest == "schemas" => (
            format!("/{rest}"),
            qualify_param(query, "subjectPrefix", &qualifier),
        ),
        None if rest == "config" || rest == "mode" => {
            (format!("/{rest}/{qualifier}"), query.to_string())
        }
        Some(("subjects" | "config" | "mode", subject)) => {
            let family = &rest[..rest.len() - subject.len() - 1];
            (format!("/{family}/{qualifier}{subject}"), query.to_string())
        }
        Some(("compatibility", tail)) => {
            let subject = tail.strip_prefix("subjects/")?;
            (
                format!("/compatibility/subjects/{qualifier}{subject}"),
                query.to_string(),
            )
        }
        Some(("schemas", tail)) if tail.starts_with("ids/") => (
            format!("/schemas/{tail}"),
            qualify_param(query, "subject", &qualifier),
        ),
        _ => return None,
    };
    with_target(uri, path, &query).map(Ok)
}

/// Returns `query` with the value of `key` prefixed by `qualifier` (the parameter is added
/// when absent).
fn qualify_param(query: &str, key: &str, qualifier: &str) -> String {
    let mut found = false;
    let mut pairs: Vec<String> = query
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| match pair.split_once('=') {
            Some((k, value)) if k == key && !found => {
                found = true;
                format!("{key}={qualifier}{value}")
            }
            None if pair == key && !found => {
                found = true;
                format!("{key}={qualifier}")
            }
            _ => pair.to_string(),
        })
        .collect();
    if !found {
        pairs.push(format!("{key}={qualifier}"));
    }
    pairs.join("&")
}

/// Percent-encodes what a path segment cannot hold as it is.
fn encode(text: &str) -> String {
    percent_encoding::utf8_percent_encode(text, percent_encoding::NON_ALPHANUMERIC)
        .to_string()
        .replace("%2E", ".")
        .replace("%2D", "-")
        .replace("%5F", "_")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rewritten(uri: &str) -> String {
        let uri: Uri = uri.parse().unwrap();
        rewrite(&uri).unwrap().unwrap().to_string()
    }

    #[test]
    fn every_url_form_is_read_as_the_qualified_subject_it_stands_for() {
        let cases = [
            ("/contexts/.c/subjects", "/subjects?subjectPrefix=%3A.c%3A"),
            (
                "/contexts/.c/subjects?subjectPrefix=o&deleted=true",
                "/subjects?subjectPrefix=%3A.c%3Ao&deleted=true",
            ),
            (
                "/contexts/c/subjects/s/versions",
                "/subjects/%3A.c%3As/versions",
            ),
            (
                "/contexts/.c/schemas/ids/7/versions",
                "/schemas/ids/7/versions?subject=%3A.c%3A",
            ),
            (
                "/contexts/.c/schemas/ids/7?subject=s",
                "/schemas/ids/7?subject=%3A.c%3As",
            ),
            ("/contexts/.c/schemas", "/schemas?subjectPrefix=%3A.c%3A"),
            ("/contexts/.c/config", "/config/%3A.c%3A"),
            ("/contexts/.c/mode/s", "/mode/%3A.c%3As"),
            (
                "/contexts/.c/compatibility/subjects/s/versions/latest",
                "/compatibility/subjects/%3A.c%3As/versions/latest",
            ),
        ];
        for (form, expected) in cases {
            assert_eq!(rewritten(form), expected, "{form}");
        }
    }

    #[test]
    fn repeated_slashes_are_one() {
        let uri: Uri = "/subjects/s//versions?deleted=true".parse().unwrap();
        let single = single_slashes(&uri).unwrap();
        assert_eq!(single.to_string(), "/subjects/s/versions?deleted=true");
    }

    #[test]
    fn other_paths_pass_unchanged_and_a_colon_in_a_context_is_refused() {
        for other in [
            "/contexts",
            "/subjects/s",
            "/contexts/.c",
            "/contexts/.c/other",
        ] {
            assert!(rewrite(&other.parse().unwrap()).is_none(), "{other}");
        }
        let colon = rewrite(&"/contexts/.bad:name/subjects".parse().unwrap());
        assert!(matches!(colon, Some(Err(Error::BadRequest(_)))));
    }
}
