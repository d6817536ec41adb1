//! The request deadline: a request not answered within its time is answered 408 in the
//! Confluent shape. The timer is set only when the answer is not ready at once, so a read the
//! hot lane answers on its first poll never touches the timer wheel.

use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::extract::Request;
use axum::response::{IntoResponse, Response};
use tokio::time::Sleep;
use tower::{Layer, Service};

use crate::Error;

/// Answers 408 to a request not answered within `after`.
#[derive(Clone, Copy)]
pub struct DeadlineLayer {
    after: Duration,
}

impl DeadlineLayer {
    /// A deadline of `after` per request.
    pub fn new(after: Duration) -> Self {
        DeadlineLayer { after }
    }
}

impl<S> Layer<S> for DeadlineLayer {
    type Service = Deadline<S>;

    fn layer(&self, inner: S) -> Deadline<S> {
        Deadline {
            inner,
            after: self.after,
        }
    }
}

/// `inner`, under a deadline (see [`DeadlineLayer`]).
#[derive(Clone)]
pub struct Deadline<S> {
    inner: S,
    after: Duration,
}

impl<S> Service<Request> for Deadline<S>
where
    S: Service<Request, Response = Response, Error = Infallible>,
{
    type Response = Response;
    type Error = Infallible;
    type Future = Timed<S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request) -> Self::Future {
        Timed {
            answer: self.inner.call(request),
            timer: None,
            after: self.after,
        }
    }
}

pin_project_lite::pin_project! {
    /// An answer racing its deadline; the timer starts at the first poll that must wait.
    pub struct Timed<F> {
        #[pin]
        answer: F,
        #[pin]
        timer: Option<Sleep>,
        after: Duration,
    }
}

impl<F: Future<Output = Result<Response, Infallible>>> Future for Timed<F> {
    type Output = Result<Response, Infallible>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let mut this = self.project();
        if let Poll::Ready(answer) = this.answer.poll(cx) {
            return Poll::Ready(answer);
        }
        if this.timer.is_none() {
            this.timer.set(Some(tokio::time::sleep(*this.after)));
        }
        match this.timer.as_pin_mut().map(|timer| timer.poll(cx)) {
            Some(Poll::Ready(())) => Poll::Ready(Ok(
                Error::RequestTimeout(this.after.as_secs()).into_response()
            )),
            _ => Poll::Pending,
        }
    }
}

#[cfg(test)]
mod tests {
    use axum::body::Body;
    use axum::http::StatusCode;
    use tower::ServiceExt;

    use super::*;

    #[tokio::test]
    async fn a_request_past_its_deadline_is_answered_408_in_the_confluent_shape() {
        let slow = tower::service_fn(|_: Request| async {
            tokio::time::sleep(Duration::from_secs(60)).await;
            Ok::<_, Infallible>(StatusCode::OK.into_response())
        });
        let service = DeadlineLayer::new(Duration::from_millis(1100)).layer(slow);
        let answer = service.oneshot(Request::new(Body::empty())).await.unwrap();
        assert_eq!(answer.status(), StatusCode::REQUEST_TIMEOUT);
        let body = axum::body::to_bytes(answer.into_body(), 1024)
            .await
            .unwrap();
        let body: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(body["error_code"], 408);
        assert_eq!(body["message"], "Request timed out after 1 seconds");
    }

    #[tokio::test]
    async fn an_answer_ready_at_once_sets_no_timer() {
        let ready = tower::service_fn(|_: Request| async {
            Ok::<_, Infallible>(StatusCode::OK.into_response())
        });
        let mut service = DeadlineLayer::new(Duration::from_secs(30)).layer(ready);
        let mut timed = std::pin::pin!(service.call(Request::new(Body::empty())));
        let mut cx = Context::from_waker(std::task::Waker::noop());
        assert!(timed.as_mut().poll(&mut cx).is_ready());
        assert!(timed.timer.is_none());
    }
}
