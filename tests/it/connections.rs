//! Connection limits on a real socket: too many connections are answered 503, a client that
//! never finishes its headers is disconnected, and shutdown finishes in-flight requests.

use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use accord::app::ConnectionLimits;

use crate::sockets::serve;

async fn read_all(stream: &mut TcpStream) -> String {
    let mut buffer = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(5), stream.read_to_end(&mut buffer)).await;
    String::from_utf8_lossy(&buffer).into_owned()
}

#[tokio::test]
async fn a_connection_over_the_limit_is_answered_503_in_the_confluent_shape() {
    let server = serve(ConnectionLimits {
        max_connections: 2,
        ..ConnectionLimits::default()
    })
    .await;
    let _first = TcpStream::connect(server.addr).await.unwrap();
    let _second = TcpStream::connect(server.addr).await.unwrap();
    // The accept loop may not have taken both yet when the probe arrives: probe a few times.
    let mut answers = Vec::new();
    for _ in 0..20 {
        let mut probe = TcpStream::connect(server.addr).await.unwrap();
        probe
            .write_all(b"GET /healthz HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n")
            .await
            .unwrap();
        let answer = read_all(&mut probe).await;
        if answer.starts_with("HTTP/1.1 503") {
            assert!(answer.contains("\"error_code\":50301"), "{answer}");
            return;
        }
        answers.push(answer);
        tokio::task::yield_now().await;
    }
    panic!("a third connection was never refused: {answers:?}");
}

#[tokio::test]
async fn a_client_that_never_finishes_its_headers_is_disconnected() {
    let limits = ConnectionLimits {
        header_read_timeout: Duration::from_millis(300),
        ..ConnectionLimits::default()
    };
    let server = serve(limits).await;
    let mut slow = TcpStream::connect(server.addr).await.unwrap();
    slow.write_all(b"GET /healthz HTTP/1.1\r\nhost: x\r\n")
        .await
        .unwrap();
    // The server closes the connection; reading returns instead of waiting forever.
    let answer = read_all(&mut slow).await;
    assert!(!answer.contains("200 OK"), "{answer}");
    // Others are served meanwhile.
    let mut fine = TcpStream::connect(server.addr).await.unwrap();
    fine.write_all(b"GET /healthz HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n")
        .await
        .unwrap();
    assert!(read_all(&mut fine).await.starts_with("HTTP/1.1 200"));
}

#[tokio::test]
async fn shutdown_stops_accepting_and_returns() {
    let mut server = serve(ConnectionLimits::default()).await;
    let mut client = TcpStream::connect(server.addr).await.unwrap();
    client
        .write_all(b"GET /healthz HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n")
        .await
        .unwrap();
    assert!(read_all(&mut client).await.starts_with("HTTP/1.1 200"));
    server.stop.take().unwrap().send(()).unwrap();
    let finished = tokio::time::timeout(Duration::from_secs(5), &mut server.task).await;
    assert!(
        matches!(finished, Ok(Ok(Ok(())))),
        "serve did not return after shutdown"
    );
    assert!(TcpStream::connect(server.addr).await.is_err());
}
