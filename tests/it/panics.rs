//! No panic reaches a client, and shutdown finishes what is in flight: the router over a store
//! that panics on, or holds, one call (`GET /subjects`), everything else delegated to SQLite.

use std::sync::atomic::Ordering;
use std::time::Duration;

use axum::http::StatusCode;
use tokio::sync::oneshot;

use accord::app::{self, AppState, ConnectionLimits};

use crate::sockets::get;
use crate::wrapped::faulty_store;

#[tokio::test]
async fn a_panicking_handler_answers_500_in_the_confluent_shape_and_the_next_request_is_served() {
    let (store, fault, _dir) = faulty_store().await;
    let app = crate::support::TestApp::with_store(store).await;
    fault.panic_once.store(true, Ordering::SeqCst);

    let (status, body) = app.get("/subjects").await;

    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR, "{body}");
    assert_eq!(body["error_code"], 500);
    let message = body["message"].as_str().unwrap();
    assert!(
        !message.contains("invariant"),
        "the panic's text reached the client: {message}"
    );
    let (status, body) = app.get("/subjects").await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

#[tokio::test]
async fn shutdown_finishes_a_request_in_flight() {
    let (store, fault, _dir) = faulty_store().await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = oneshot::channel::<()>();
    let server = tokio::spawn(app::serve(
        listener,
        AppState::new(store),
        async move {
            let _ = stopped.await;
        },
        ConnectionLimits::default(),
    ));
    fault.hold_once.store(true, Ordering::SeqCst);
    let in_flight = tokio::spawn(get(addr, "/subjects"));
    fault.entered.notified().await;

    stop.send(()).unwrap();
    // Shutdown has begun: new connections are refused while the request is still held.
    crate::backend::eventually("the listener closes", Duration::from_secs(5), || async {
        tokio::net::TcpStream::connect(addr)
            .await
            .is_err()
            .then_some(())
    })
    .await;
    assert!(
        !server.is_finished(),
        "serve returned with a request in flight"
    );
    fault.release.notify_one();

    let answer = in_flight.await.unwrap();
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(answer.ends_with("[]"), "{answer}");
    let finished = tokio::time::timeout(Duration::from_secs(5), server).await;
    assert!(matches!(finished, Ok(Ok(Ok(())))), "serve did not return");
}
