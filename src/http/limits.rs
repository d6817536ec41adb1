//! Limits on a request's size, answered in the Confluent error shape and in a way the client
//! receives: a URI over [`MAX_URI_BYTES`] is 414, a body over [`MAX_BODY_BYTES`] is 413.
//!
//! Both are refused by a layer of the stack, before routing: hyper's own limits (a URI over
//! 64 KiB, a head over its read buffer) answer with empty bodies, so ours sit well below them.
//! A declared `Content-Length` over the limit is refused before a byte of the body is read;
//! a chunked body over it is refused by the extractor that reads it.
//!
//! A client still sending a body the server no longer reads is reset when the connection
//! closes, and loses the answer with it. So on a real connection ([`lingering`]), a body left
//! unread when its request is answered is read to its end and discarded, in the background, up
//! to [`DRAIN_BYTES`] within [`DRAIN_TIME`]: the client finishes sending, then reads the answer.
//! A client that asked for `100-continue` has sent no body, and is not invited to.
//!
//! What hyper refuses itself — a request line over its 64 KiB, a head over its buffer, a
//! request it cannot parse — it answers with an empty body before any layer sees a request.
//! [`Refusals`] wraps each connection so that those answers carry the Confluent body too.

use std::future::poll_fn;
use std::io::IoSlice;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::Request;
use axum::http::header::{CONTENT_LENGTH, EXPECT};
use axum::response::{IntoResponse, Response};
use hyper::body::{Body as _, Frame, Incoming, SizeHint};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

pub use super::extract::MAX_BODY_BYTES;
use super::middleware::Shortcut;
use crate::error::ErrorBody;
use crate::Error;

/// The longest request target (path and query) accepted, in bytes.
pub const MAX_URI_BYTES: usize = 8 * 1024;

/// The most of an unread body drained after its request is answered.
pub const DRAIN_BYTES: u64 = 128 * 1024 * 1024;

/// How long an unread body is drained at most.
pub const DRAIN_TIME: Duration = Duration::from_secs(10);

/// Refuses requests over the size limits before anything else reads them.
#[derive(Clone, Copy, Default)]
pub struct SizeLimits;

impl Shortcut for SizeLimits {
    fn answer(&self, request: &Request) -> Option<Response> {
        over_limit(request).map(IntoResponse::into_response)
    }
}

/// Returns why `request` is over a limit, if it is.
fn over_limit(request: &Request) -> Option<Error> {
    let uri = request.uri();
    let target = uri
        .path_and_query()
        .map_or(0, |target| target.as_str().len());
    let authority = uri
        .authority()
        .map_or(0, |authority| authority.as_str().len());
    if target + authority > MAX_URI_BYTES {
        return Some(Error::UriTooLong(MAX_URI_BYTES));
    }
    let declared = request
        .headers()
        .get(CONTENT_LENGTH)
        .and_then(|length| length.to_str().ok()?.parse::<u64>().ok());
    match declared {
        Some(length) if length > MAX_BODY_BYTES as u64 => {
            Some(Error::PayloadTooLarge(MAX_BODY_BYTES))
        }
        _ => None,
    }
}

/// Returns `request` from a connection with its body drained in the background if it is
/// dropped unread (see the module documentation).
pub fn lingering(request: hyper::Request<Incoming>) -> Request {
    let expects_continue = request
        .headers()
        .get(EXPECT)
        .is_some_and(|expect| expect.as_bytes().eq_ignore_ascii_case(b"100-continue"));
    request.map(|body| {
        Body::new(Lingering {
            body: Some(body),
            expects_continue,
        })
    })
}

/// A request body that, dropped before its end, is drained in the background.
struct Lingering {
    /// `None` once the body has ended.
    body: Option<Incoming>,
    expects_continue: bool,
}

impl hyper::body::Body for Lingering {
    type Data = Bytes;
    type Error = hyper::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, hyper::Error>>> {
        let Some(body) = self.body.as_mut() else {
            return Poll::Ready(None);
        };
        let frame = std::task::ready!(Pin::new(body).poll_frame(cx));
        if !matches!(frame, Some(Ok(_))) {
            self.body = None;
        }
        Poll::Ready(frame)
    }

    fn is_end_stream(&self) -> bool {
        self.body.as_ref().is_none_or(Incoming::is_end_stream)
    }

    fn size_hint(&self) -> SizeHint {
        self.body
            .as_ref()
            .map_or_else(|| SizeHint::with_exact(0), Incoming::size_hint)
    }
}

impl Drop for Lingering {
    fn drop(&mut self) {
        let Some(body) = self.body.take() else {
            return;
        };
        if body.is_end_stream() || self.expects_continue {
            return;
        }
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            runtime.spawn(drain(body));
        }
    }
}

/// Reads `body` to its end and discards it, at most [`DRAIN_BYTES`] within [`DRAIN_TIME`].
async fn drain(mut body: Incoming) {
    let mut left = DRAIN_BYTES;
    let read = async {
        while left > 0 {
            let frame = poll_fn(|cx| Pin::new(&mut body).poll_frame(cx)).await;
            let Some(Ok(frame)) = frame else { break };
            if let Some(data) = frame.data_ref() {
                left = left.saturating_sub(data.len() as u64);
            }
        }
    };
    if tokio::time::timeout(DRAIN_TIME, read).await.is_err() {
        tracing::debug!("stopped draining a refused request body: too slow");
    }
}

/// A connection whose answers from hyper itself (to a request it refused before any layer saw
/// it) carry the Confluent error body. Everything else passes through unchanged.
///
/// Hyper writes such an answer as one head, `connection: close` and `content-length: 0`, and
/// then closes the connection; no answer of the stack has that head, since every one of them
/// has a body.
pub struct Refusals<IO> {
    io: IO,
    /// The answer written in place of hyper's, and how much of it is written.
    replacing: Option<(Vec<u8>, usize)>,
}

impl<IO> Refusals<IO> {
    /// Wraps a connection.
    pub fn new(io: IO) -> Self {
        Refusals {
            io,
            replacing: None,
        }
    }
}

/// The head hyper writes for a request it refuses, after its status line.
const HYPERS_REFUSAL: &[u8] = b"\r\nconnection: close\r\ncontent-length: 0\r\n";

/// Returns the answer to write instead of `head` when `head` is hyper's empty refusal.
fn with_body(head: &[u8]) -> Option<Vec<u8>> {
    let error = match head.strip_prefix(b"HTTP/1.1 ")?.get(..3)? {
        b"400" => Error::MalformedRequest,
        b"414" => Error::UriTooLong(MAX_URI_BYTES),
        b"431" => Error::HeadersTooLarge,
        _ => return None,
    };
    if !head.ends_with(b"\r\n\r\n") {
        return None;
    }
    let at = head
        .windows(HYPERS_REFUSAL.len())
        .position(|window| window == HYPERS_REFUSAL)?;
    let body = serde_json::to_vec(&ErrorBody {
        error_code: error.codes().1,
        message: error.to_string(),
        ..ErrorBody::default()
    })
    .ok()?;
    let mut answer = head[..at].to_vec();
    answer.extend_from_slice(b"\r\nconnection: close\r\ncontent-type: ");
    answer.extend_from_slice(super::extract::CONFLUENT_JSON.as_bytes());
    answer.extend_from_slice(format!("\r\ncontent-length: {}\r\n", body.len()).as_bytes());
    answer.extend_from_slice(&head[at + HYPERS_REFUSAL.len()..]);
    answer.extend_from_slice(&body);
    Some(answer)
}

impl<IO: AsyncWrite + Unpin> Refusals<IO> {
    /// Writes the rest of the replacing answer; ready once it is all written.
    fn poll_replacing(&mut self, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        while let Some((answer, written)) = self.replacing.as_mut() {
            if *written == answer.len() {
                break;
            }
            let n = std::task::ready!(Pin::new(&mut self.io).poll_write(cx, &answer[*written..]))?;
            if n == 0 {
                return Poll::Ready(Err(std::io::ErrorKind::WriteZero.into()));
            }
            *written += n;
        }
        Poll::Ready(Ok(()))
    }
}

impl<IO: AsyncRead + Unpin> AsyncRead for Refusals<IO> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.io).poll_read(cx, buf)
    }
}

impl<IO: AsyncWrite + Unpin> AsyncWrite for Refusals<IO> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        if self.replacing.is_none() {
            match with_body(buf) {
                Some(answer) => self.replacing = Some((answer, 0)),
                None => return Pin::new(&mut self.io).poll_write(cx, buf),
            }
        }
        // Hyper's head counts as written once the answer replacing it is.
        std::task::ready!(self.poll_replacing(cx))?;
        Poll::Ready(Ok(buf.len()))
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[IoSlice<'_>],
    ) -> Poll<std::io::Result<usize>> {
        match bufs {
            [head] if self.replacing.is_some() || with_body(head).is_some() => {
                self.poll_write(cx, head)
            }
            _ => Pin::new(&mut self.io).poll_write_vectored(cx, bufs),
        }
    }

    fn is_write_vectored(&self) -> bool {
        self.io.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.io).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.io).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hypers_empty_refusals_get_the_confluent_body_and_nothing_else_changes() {
        let refusal = b"HTTP/1.1 414 URI Too Long\r\nconnection: close\r\ncontent-length: 0\r\n\
                        date: Wed, 02 Dec 2026 22:21:10 GMT\r\n\r\n";
        let answer = String::from_utf8(with_body(refusal).unwrap()).unwrap();
        let (head, body) = answer.split_once("\r\n\r\n").unwrap();
        assert!(head.starts_with("HTTP/1.1 414 URI Too Long\r\n"), "{head}");
        assert!(head.contains("\r\nconnection: close\r\n"), "{head}");
        assert!(head.contains("\r\ndate: Wed, 02 Dec 2026"), "{head}");
        assert!(head.contains(&format!("content-length: {}", body.len())));
        let body: serde_json::Value = serde_json::from_str(body).unwrap();
        assert_eq!(body["error_code"], 414);

        let answered = b"HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\n\r\n";
        assert_eq!(with_body(answered), None);
        let ok = b"HTTP/1.1 200 OK\r\nconnection: close\r\ncontent-length: 0\r\n\r\n";
        assert_eq!(with_body(ok), None);
        let with_a_body =
            b"HTTP/1.1 400 Bad Request\r\nconnection: close\r\ncontent-length: 0\r\n\r\n{}";
        assert_eq!(with_body(with_a_body), None);
    }
}
