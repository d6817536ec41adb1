//! Crash safety: the real binary, killed with SIGKILL, keeps every acknowledged registration.

use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use serde_json::{json, Value};

struct Server {
    child: Child,
    base: String,
}

impl Server {
    async fn start(database: &std::path::Path) -> Server {
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let child = Command::new(env!("CARGO_BIN_EXE_accord"))
            .args(["serve", "--listen", &format!("127.0.0.1:{port}")])
            .args([
                "--database-url",
                &format!("sqlite://{}", database.display()),
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("accord starts");
        let server = Server {
            child,
            base: format!("http://127.0.0.1:{port}"),
        };
        let client = reqwest::Client::new();
        for _ in 0..200 {
            if let Ok(response) = client.get(format!("{}/readyz", server.base)).send().await {
                if response.status().is_success() {
                    return server;
                }
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        panic!("accord did not become ready");
    }

    fn kill(mut self) {
        self.child.kill().expect("SIGKILL");
        self.child.wait().expect("reaped");
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[tokio::test]
async fn acknowledged_registrations_survive_sigkill() {
    let dir = tempfile::tempdir().unwrap();
    let database = dir.path().join("crash.db");
    let client = reqwest::Client::new();
    let server = Server::start(&database).await;
    let mut acknowledged = Vec::new();
    for n in 0..20 {
        let schema = format!(r#"{{"type":"record","name":"R{n}","fields":[]}}"#);
        let response = client
            .post(format!("{}/subjects/crash-{n}/versions", server.base))
            .header("content-type", "application/vnd.schemaregistry.v1+json")
            .body(json!({ "schema": schema }).to_string())
            .send()
            .await
            .unwrap();
        let body: Value = response.json().await.unwrap();
        acknowledged.push((n, body["id"].as_i64().unwrap()));
    }
    server.kill();

    let server = Server::start(&database).await;
    for (n, id) in acknowledged {
        let body: Value = client
            .get(format!("{}/subjects/crash-{n}/versions/1", server.base))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(body["id"], id, "crash-{n}");
    }
}
