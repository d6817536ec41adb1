//! Requests over the server's size limits, on a real socket: a body over 8 MiB is answered 413
//! and a URI over 8 KiB 414, both in the Confluent error shape, and the client receives the
//! answer — it is not reset while it is still sending.

use std::time::Duration;

use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use accord::app::ConnectionLimits;

use crate::sockets::{exchange, serve};
use crate::support::CONFLUENT_JSON;

const FIFTY_MB: usize = 50_000_000;

/// Writes `head`, then `body_len` spaces in 1 MiB writes (each wrapped as a chunk when
/// `chunked`), every byte of it, then reads the whole answer: what a client that sends first and
/// reads afterwards sees. Panics when a write fails, as a client reset mid-body would.
async fn send_all_then_read(
    addr: std::net::SocketAddr,
    head: &str,
    body_len: usize,
    chunked: bool,
) -> String {
    let mut stream = TcpStream::connect(addr).await.unwrap();
    stream.write_all(head.as_bytes()).await.unwrap();
    let chunk = vec![b' '; 1 << 20];
    let mut sent = 0;
    while sent < body_len {
        let n = chunk.len().min(body_len - sent);
        if chunked {
            let size = format!("{n:x}\r\n");
            stream
                .write_all(size.as_bytes())
                .await
                .expect("the server reads the body");
        }
        stream
            .write_all(&chunk[..n])
            .await
            .expect("the server reads the body");
        if chunked {
            stream
                .write_all(b"\r\n")
                .await
                .expect("the server reads the body");
        }
        sent += n;
    }
    if chunked {
        stream
            .write_all(b"0\r\n\r\n")
            .await
            .expect("the server reads the body");
    }
    let mut answer = Vec::new();
    tokio::time::timeout(Duration::from_secs(20), stream.read_to_end(&mut answer))
        .await
        .expect("an answer within 20 s")
        .expect("the answer is read, not reset");
    String::from_utf8_lossy(&answer).into_owned()
}

/// The body of a raw HTTP answer, parsed as JSON.
fn json_body(answer: &str) -> Value {
    let (_, body) = answer.split_once("\r\n\r\n").expect("a head and a body");
    serde_json::from_str(body).unwrap_or_else(|_| panic!("a JSON body: {answer}"))
}

#[tokio::test]
async fn a_50_megabyte_body_sent_with_reqwest_is_answered_413_in_the_confluent_shape() {
    let server = serve(ConnectionLimits::default()).await;

    let reply = reqwest::Client::new()
        .post(format!("http://{}/subjects/big/versions", server.addr))
        .header("content-type", CONFLUENT_JSON)
        .body(vec![b' '; FIFTY_MB])
        .send()
        .await
        .expect("the client receives the answer");

    assert_eq!(reply.status(), 413);
    assert_eq!(reply.headers()["connection"], "close");
    assert_eq!(reply.headers()["content-type"], CONFLUENT_JSON);
    let body: Value = reply.json().await.expect("a JSON body");
    assert_eq!(body["error_code"], 413, "{body}");
    assert!(
        body["message"].as_str().unwrap().contains("8388608"),
        "{body}"
    );
}

#[tokio::test]
async fn a_client_that_sends_all_50_megabytes_before_reading_receives_the_413() {
    let server = serve(ConnectionLimits::default()).await;
    let head = format!(
        "POST /subjects/big/versions HTTP/1.1\r\nhost: x\r\ncontent-type: {CONFLUENT_JSON}\r\n\
         content-length: {FIFTY_MB}\r\n\r\n"
    );

    let answer = send_all_then_read(server.addr, &head, FIFTY_MB, false).await;

    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    assert!(
        answer
            .to_ascii_lowercase()
            .contains("\r\nconnection: close\r\n"),
        "{answer}"
    );
    assert_eq!(json_body(&answer)["error_code"], 413);
}

#[tokio::test]
async fn a_chunked_body_over_the_limit_is_answered_413_once_the_client_has_sent_it() {
    let server = serve(ConnectionLimits::default()).await;
    let head = format!(
        "POST /subjects/big/versions HTTP/1.1\r\nhost: x\r\ncontent-type: {CONFLUENT_JSON}\r\n\
         transfer-encoding: chunked\r\n\r\n"
    );

    let answer = send_all_then_read(server.addr, &head, 20_000_000, true).await;

    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    assert_eq!(json_body(&answer)["error_code"], 413);
}

#[tokio::test]
async fn a_client_that_expects_100_continue_gets_the_413_without_sending_the_body() {
    let server = serve(ConnectionLimits::default()).await;
    let head = format!(
        "POST /subjects/big/versions HTTP/1.1\r\nhost: x\r\ncontent-type: {CONFLUENT_JSON}\r\n\
         content-length: {FIFTY_MB}\r\nexpect: 100-continue\r\n\r\n"
    );

    let answer = exchange(server.addr, head.as_bytes()).await;

    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    assert_eq!(json_body(&answer)["error_code"], 413);
}

/// Asserts that `answer` is `status` with a Confluent body whose `error_code` is `status`.
fn assert_refused(answer: &str, status: u16) -> Value {
    assert!(
        answer.starts_with(&format!("HTTP/1.1 {status} ")),
        "{answer}"
    );
    let head = answer
        .split("\r\n\r\n")
        .next()
        .unwrap()
        .to_ascii_lowercase();
    assert!(
        head.contains(&format!("content-type: {CONFLUENT_JSON}")),
        "{answer}"
    );
    let body = json_body(answer);
    assert_eq!(body["error_code"], status, "{answer}");
    assert!(!body["message"].as_str().unwrap().is_empty(), "{answer}");
    body
}

#[tokio::test]
async fn a_uri_over_the_limit_is_answered_414_in_the_confluent_shape() {
    let server = serve(ConnectionLimits::default()).await;
    for length in [9_000, 70_000] {
        let subject = "a".repeat(length);
        let request = format!(
            "GET /subjects/{subject}/versions HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n"
        );

        let answer = exchange(server.addr, request.as_bytes()).await;

        let body = assert_refused(&answer, 414);
        assert!(body["message"].as_str().unwrap().contains("8192"), "{body}");
    }
}

#[tokio::test]
async fn requests_hyper_refuses_before_routing_get_the_confluent_body_too() {
    let server = serve(ConnectionLimits::default()).await;
    let huge_header = format!(
        "GET /subjects HTTP/1.1\r\nhost: x\r\nx-padding: {}\r\n\r\n",
        "a".repeat(500_000)
    );
    let cases: [(&[u8], u16); 3] = [
        (huge_header.as_bytes(), 431),
        (
            b"GET /subjects HTTP/1.1\r\nhost: x\r\nno colon here\r\n\r\n",
            400,
        ),
        (b"NOT HTTP AT ALL\r\n\r\n", 400),
    ];
    for (request, status) in cases {
        let answer = exchange(server.addr, request).await;

        assert_refused(&answer, status);
    }
}

#[tokio::test]
async fn a_request_after_one_within_the_limits_is_answered_as_usual() {
    let server = serve(ConnectionLimits::default()).await;
    let request = b"GET /subjects HTTP/1.1\r\nhost: x\r\n\r\nGET /subjects HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n";

    let answer = exchange(server.addr, request).await;

    assert_eq!(answer.matches("HTTP/1.1 200 OK").count(), 2, "{answer}");
    assert_eq!(answer.matches("\r\n\r\n[]").count(), 2, "{answer}");
}
