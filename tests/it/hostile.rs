//! Hostile input, as a new user might send it with curl: a 100 MB body, schemas nested 100,000
//! levels deep in every format, ten subjects whose Avro records reference each other round a
//! ring, invalid UTF-8 everywhere, and a flood of connections. Each gets a clear 4xx (or 503 for
//! the flood) and the server keeps serving.

use std::time::Duration;

use axum::http::{Method, StatusCode};
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use accord::app::ConnectionLimits;

use crate::sockets::serve;

use crate::support::*;

/// Reads until the peer closes (or 10 s pass) and returns what came.
async fn answer(stream: &mut TcpStream) -> String {
    let mut buffer = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(10), stream.read_to_end(&mut buffer)).await;
    String::from_utf8_lossy(&buffer).into_owned()
}

async fn healthz(addr: std::net::SocketAddr) -> String {
    let mut stream = TcpStream::connect(addr).await.unwrap();
    stream
        .write_all(b"GET /healthz HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n")
        .await
        .unwrap();
    answer(&mut stream).await
}

#[tokio::test]
async fn a_100_megabyte_body_is_refused_413_without_reading_it_all() {
    let server = serve(ConnectionLimits::default()).await;
    let mut stream = TcpStream::connect(server.addr).await.unwrap();
    let head = format!(
        "POST /subjects/big/versions HTTP/1.1\r\nhost: x\r\ncontent-type: {CONFLUENT_JSON}\r\n\
         content-length: {}\r\nconnection: close\r\n\r\n",
        100_000_000
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    // Send zeros until the server has answered and stopped reading, or all 100 MB are gone.
    let chunk = vec![b' '; 1 << 20];
    let mut sent = 0usize;
    while sent < 100_000_000 {
        if stream.write_all(&chunk).await.is_err() {
            break;
        }
        sent += chunk.len();
    }
    let reply = answer(&mut stream).await;
    assert!(reply.starts_with("HTTP/1.1 413"), "{reply}");
    assert!(reply.contains("\"error_code\":413"), "{reply}");
    assert!(healthz(server.addr).await.starts_with("HTTP/1.1 200"));
}

/// `open` repeated `depth` times, then `core`, then `close` as many times.
fn nested(open: &str, core: &str, close: &str, depth: usize) -> String {
    format!("{}{core}{}", open.repeat(depth), close.repeat(depth))
}

#[tokio::test]
async fn schemas_nested_100000_levels_deep_are_42201_in_every_format() {
    let app = TestApp::new().await;
    let cases = [
        ("JSON", nested(r#"{"items":"#, "{}", "}", 100_000)),
        ("JSON", nested("[", "", "]", 100_000)),
        (
            "AVRO",
            nested(r#"{"type":"array","items":"#, r#""int""#, "}", 100_000),
        ),
        ("AVRO", nested("[", r#""int""#, "]", 100_000)),
        (
            "PROTOBUF",
            format!(
                "syntax = \"proto3\";\n{}",
                nested("message M { ", "int32 x = 1; ", "} ", 100_000)
            ),
        ),
    ];
    for (schema_type, schema) in cases {
        let body = json!({ "schemaType": schema_type, "schema": schema });
        let reply = app.post("/subjects/deep/versions", body).await;
        let code = reply.1["error_code"].as_i64();
        // Within the 1 MiB schema limit the parser refuses the depth (42201); beyond it the
        // size is refused first (42209). Either way: a clear 422, no stack overflow.
        assert!(
            code == Some(42201) || code == Some(42209),
            "{schema_type} at {} bytes: {}",
            schema.len(),
            reply.1
        );
        assert_eq!(reply.0, StatusCode::UNPROCESSABLE_ENTITY);
    }
    // A JSON Schema 100,000 levels deep that fits within 1 MiB is refused for its depth.
    let fits = nested(r#"{"not":"#, "{}", "}", 100_000);
    assert!(fits.len() < 1 << 20);
    let reply = app
        .post(
            "/subjects/deep/versions",
            json!({ "schemaType": "JSON", "schema": fits }),
        )
        .await;
    let message = assert_error(&reply, StatusCode::UNPROCESSABLE_ENTITY, 42201);
    assert!(message.contains("recursion limit"), "{message}");
    // The request body itself nested 100,000 levels deep, where it is read (metadata) is a
    // 400; where it is ignored (an unknown field) it is skipped without recursion.
    let deep = nested("[", "", "]", 100_000);
    let body = format!(r#"{{"schema":"\"int\"","metadata":{deep}}}"#);
    let reply = app
        .send(
            Method::POST,
            "/subjects/deep/versions",
            &[("content-type", CONFLUENT_JSON)],
            body.into_bytes(),
        )
        .await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{}", reply.body);
    assert!(reply.body["message"]
        .as_str()
        .unwrap()
        .contains("recursion limit"));
    assert_eq!(app.get("/subjects").await.1, json!([]));
    let body = format!(r#"{{"schema":"\"int\"","unknown":{deep}}}"#);
    let reply = app
        .send(
            Method::POST,
            "/subjects/deep/versions",
            &[("content-type", CONFLUENT_JSON)],
            body.into_bytes(),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
}

/// Avro record `A{i}` with an optional field of the type `A{next}`, from subject `ring-{next}`.
fn ring_member(i: usize, next: usize) -> Value {
    let schema = json!({"type": "record", "name": format!("A{i}"), "fields": [
        {"name": "next", "type": ["null", format!("A{next}")], "default": null}
    ]});
    json!({
        "schema": schema.to_string(),
        "references": [{"name": format!("A{next}"), "subject": format!("ring-{next}"), "version": -1}]
    })
}

#[tokio::test]
async fn an_avro_record_referencing_itself_through_ten_subjects_is_refused() {
    let app = TestApp::new().await;
    app.register("ring-0", &record("A0", &[])).await;
    for i in (1..10).rev() {
        let reply = app
            .post(
                &format!("/subjects/ring-{i}/versions"),
                ring_member(i, (i + 1) % 10),
            )
            .await;
        assert_eq!(reply.0, StatusCode::OK, "ring-{i}: {}", reply.1);
    }
    // Closing the ring: A0 → A1 → ... → A9 → A0.
    let started = std::time::Instant::now();
    let reply = app
        .post("/subjects/ring-0/versions", ring_member(0, 1))
        .await;
    let message = assert_error(&reply, StatusCode::UNPROCESSABLE_ENTITY, 42201);
    assert!(message.contains("A0"), "{message}");
    assert!(started.elapsed() < Duration::from_secs(5));
    // `latest` is pinned when registered, so the stored graph can never form a cycle.
    let (_, ring_9) = app.get("/subjects/ring-9/versions/latest").await;
    assert_eq!(ring_9["references"][0]["version"], 1);
    assert_eq!(app.get("/subjects/ring-0/versions").await.1, json!([1]));
}

#[tokio::test]
async fn invalid_utf8_is_400_in_the_body_the_path_and_escapes() {
    let app = TestApp::new().await;
    let cases: [(&str, &[u8]); 3] = [
        ("/subjects/s/versions", b"{\"schema\": \"\xff\xfe\xfd\"}"),
        ("/subjects/s/versions", b"{\"schema\": \"\\ud800\"}"),
        (
            "/subjects/%ff%fe/versions",
            b"{\"schema\": \"\\\"int\\\"\"}",
        ),
    ];
    for (path, body) in cases {
        let reply = app
            .send(
                Method::POST,
                path,
                &[("content-type", CONFLUENT_JSON)],
                body.to_vec(),
            )
            .await;
        assert_eq!(
            reply.status,
            StatusCode::BAD_REQUEST,
            "{path}: {}",
            reply.body
        );
        assert_eq!(reply.body["error_code"], 400);
    }
    let (status, _) = app.get("/subjects?subjectPrefix=%ff").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(app.get("/subjects").await.1, json!([]));
}

/// The soft limit on open files of this process, from `/proc/self/limits`.
fn open_files_limit() -> usize {
    std::fs::read_to_string("/proc/self/limits")
        .ok()
        .and_then(|limits| {
            let line = limits.lines().find(|l| l.starts_with("Max open files"))?;
            line.split_whitespace().nth(3)?.parse().ok()
        })
        .unwrap_or(1024)
}

#[tokio::test]
async fn a_flood_of_connections_gets_answers_and_the_server_stays_up() {
    // 1,500 connections at once against a limit of 500, fewer when file descriptors are short
    // (each connection costs two here: the client's and the server's).
    let flood = 1_500.min(open_files_limit().saturating_sub(256) / 2);
    let max_connections = flood / 3;
    let server = serve(ConnectionLimits {
        max_connections,
        ..ConnectionLimits::default()
    })
    .await;
    let clients: Vec<_> = (0..flood)
        .map(|_| {
            let addr = server.addr;
            tokio::spawn(async move {
                let mut stream = TcpStream::connect(addr)
                    .await
                    .map_err(|e| format!("connect: {e}"))?;
                let request = b"GET /subjects HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n";
                stream
                    .write_all(request)
                    .await
                    .map_err(|e| format!("write: {e}"))?;
                let mut buffer = Vec::new();
                // Generous: the rest of the suite runs on the same cores meanwhile, and what is
                // checked is that every connection gets an answer, not how fast.
                let read =
                    tokio::time::timeout(Duration::from_secs(30), stream.read_to_end(&mut buffer))
                        .await;
                let reply = String::from_utf8_lossy(&buffer).into_owned();
                reply
                    .lines()
                    .next()
                    .map(str::to_string)
                    .ok_or(format!("read: {read:?}"))
            })
        })
        .collect();
    let (mut served, mut refused) = (0, 0);
    for client in clients {
        match client.await.unwrap().as_deref() {
            Ok("HTTP/1.1 200 OK") => served += 1,
            Ok("HTTP/1.1 503 Service Unavailable") => refused += 1,
            other => panic!("a connection got no clear answer: {other:?}"),
        }
    }
    assert_eq!(served + refused, flood);
    assert!(served >= max_connections.min(flood), "served {served}");
    assert!(healthz(server.addr).await.starts_with("HTTP/1.1 200"));
}

/// A registration request written in full on a new connection, which is then closed after
/// `delay` — before, while or after the server registers it.
async fn register_and_hang_up(addr: std::net::SocketAddr, n: usize, delay: Duration) {
    let schema = json!({ "schema": record(&format!("Gone{n}"), &[ID]) }).to_string();
    let request = format!(
        "POST /subjects/gone-{n}/versions HTTP/1.1\r\nhost: x\r\ncontent-type: {CONFLUENT_JSON}\r\n\
         content-length: {}\r\n\r\n{schema}",
        schema.len()
    );
    if let Ok(mut stream) = TcpStream::connect(addr).await {
        let _ = stream.write_all(request.as_bytes()).await;
        tokio::time::sleep(delay).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn clients_that_hang_up_mid_registration_leave_the_store_writable() {
    let server = serve(ConnectionLimits::default()).await;
    // Hang-ups at every moment of a registration, many at once, so that some land while a
    // transaction is being opened or is open.
    for round in 0..10 {
        let clients: Vec<_> = (0..20)
            .map(|k| {
                let delay = Duration::from_micros(((round * 20 + k) as u64 * 97) % 3_000);
                tokio::spawn(register_and_hang_up(server.addr, round * 20 + k, delay))
            })
            .collect();
        for client in clients {
            client.await.unwrap();
        }
    }
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(20))
        .build()
        .unwrap();
    let reply = client
        .post(format!("http://{}/subjects/after/versions", server.addr))
        .header("content-type", CONFLUENT_JSON)
        .body(json!({ "schema": record("After", &[ID]) }).to_string())
        .send()
        .await
        .expect("the registry still answers a registration");
    assert_eq!(reply.status(), 200, "{:?}", reply.text().await);
}
