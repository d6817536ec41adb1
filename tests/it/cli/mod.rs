//! The CI gate: `accord check`, `accord register` and `accord diff`, run as the real binary
//! against a real server on 127.0.0.1, over a copy of `accord.toml` and the example contracts.
//! This file starts the server and runs the binary; the tests are in the modules below.

mod check;
mod diff;
mod register;

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

const ADMIN: &str = "s3cret";

/// `accord serve` on a free loopback port over a fresh SQLite file.
struct Server {
    child: Child,
    base: String,
    http: reqwest::Client,
    _data: tempfile::TempDir,
}

impl Server {
    async fn start(admin_token: Option<&str>) -> Server {
        let data = tempfile::tempdir().unwrap();
        let port = free_port();
        let mut command = Command::new(env!("CARGO_BIN_EXE_accord"));
        command
            .args(["serve", "--listen", &format!("127.0.0.1:{port}")])
            .arg("--database-url")
            .arg(format!(
                "sqlite://{}",
                data.path().join("accord.db").display()
            ))
            .env_remove("ACCORD_ADMIN_TOKEN")
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        if let Some(token) = admin_token {
            command.args(["--admin-token", token]);
        }
        let server = Server {
            child: command.spawn().expect("accord starts"),
            base: format!("http://127.0.0.1:{port}"),
            http: reqwest::Client::new(),
            _data: data,
        };
        let deadline = Instant::now() + Duration::from_secs(30);
        while Instant::now() < deadline {
            let ready = server
                .http
                .get(format!("{}/readyz", server.base))
                .send()
                .await;
            if ready.is_ok_and(|r| r.status().is_success()) {
                return server;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        panic!("accord did not become ready within 30 s");
    }

    /// Sends `method path` with `body` as the admin and returns the JSON answer.
    async fn admin(&self, method: reqwest::Method, path: &str, body: Value) -> Value {
        let response = self
            .http
            .request(method, format!("{}{path}", self.base))
            .bearer_auth(ADMIN)
            .json(&body)
            .send()
            .await
            .unwrap();
        assert!(
            response.status().is_success(),
            "{path}: {}",
            response.status()
        );
        response.json().await.unwrap_or(Value::Null)
    }

    async fn get(&self, path: &str) -> Value {
        let response = self
            .http
            .get(format!("{}{path}", self.base))
            .bearer_auth(ADMIN);
        response.send().await.unwrap().json().await.unwrap()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

/// A copy of the repository's `accord.toml` and `schemas/` in a temporary directory.
struct Project {
    dir: tempfile::TempDir,
}

/// What a run of the binary printed, and its exit code.
struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

impl Project {
    fn examples() -> Project {
        let dir = tempfile::tempdir().unwrap();
        copy_tree(&repo().join("schemas"), &dir.path().join("schemas"));
        std::fs::copy(repo().join("accord.toml"), dir.path().join("accord.toml")).unwrap();
        Project { dir }
    }

    fn write(&self, path: &str, text: &str) {
        std::fs::write(self.dir.path().join(path), text).unwrap();
    }

    /// Replaces a mapped file with another example file.
    fn change(&self, path: &str, to_example: &str) {
        self.write(
            path,
            &std::fs::read_to_string(repo().join(to_example)).unwrap(),
        );
    }

    fn accord(&self, server: &Server, args: &[&str], env: &[(&str, &str)]) -> Run {
        let mut env = env.to_vec();
        env.push(("ACCORD_REGISTRY", &server.base));
        accord(self.dir.path(), args, &env)
    }
}

fn accord(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Run {
    let output = Command::new(env!("CARGO_BIN_EXE_accord"))
        .current_dir(dir)
        .args(args)
        .env_remove("ACCORD_REGISTRY")
        .env_remove("ACCORD_CREDENTIALS")
        .env_remove("ACCORD_TOKEN")
        .envs(env.iter().copied())
        .output()
        .expect("accord runs");
    Run {
        code: output.status.code().expect("exited"),
        stdout: String::from_utf8(output.stdout).unwrap(),
        stderr: String::from_utf8(output.stderr).unwrap(),
    }
}

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &to.join(entry.file_name()));
        } else {
            std::fs::copy(entry.path(), to.join(entry.file_name())).unwrap();
        }
    }
}

/// Registers the examples, makes `billing` (team payments) a consumer of
/// `orders.order-created-value`, and replaces that file with its breaking version.
async fn breaking_change_with_a_consumer() -> (Server, Project) {
    let server = Server::start(Some(ADMIN)).await;
    let project = Project::examples();
    assert_eq!(
        project
            .accord(&server, &["register"], &[("ACCORD_TOKEN", ADMIN)])
            .code,
        0
    );
    let team = json!({"name": "payments", "contacts": [{"kind": "email", "value": "payments@example.com"}]});
    server
        .admin(reqwest::Method::POST, "/governance/teams", team)
        .await;
    let service = json!({"name": "billing", "team": "payments"});
    server
        .admin(reqwest::Method::POST, "/governance/services", service)
        .await;
    let grant = "/governance/subjects/orders.order-created-value/consumers/billing";
    server.admin(reqwest::Method::PUT, grant, Value::Null).await;
    project.change(
        "schemas/orders/order-created.avsc",
        "schemas/orders/order-created-breaking.avsc",
    );
    (server, project)
}
