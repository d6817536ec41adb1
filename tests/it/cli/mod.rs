//! The command line as a user runs it: the CI gate (`accord check`, `register`, `diff`) and
//! the everyday commands, run as the real binary against a real server on 127.0.0.1, over a
//! copy of `accord.toml` and the example contracts.
//! This file starts the server and runs the binary; the tests are in the modules below.

mod check;
mod codegen;
mod diff;
mod governance;
mod hints;
mod import;
mod init;
mod pipes;
mod proposals;
mod register;
mod schemas;

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{json, Value};

use crate::backend::Process;

const ADMIN: &str = "s3cret";

/// `accord serve` on a loopback port of the system's choosing over a fresh SQLite file.
struct Server {
    base: String,
    http: reqwest::Client,
    /// Declared before the data: the server stops before its database goes.
    _process: Process,
    _data: tempfile::TempDir,
}

impl Server {
    async fn start(admin_token: Option<&str>) -> Server {
        let data = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", data.path().join("accord.db").display());
        let args: Vec<&str> = match admin_token {
            Some(token) => vec!["--admin-token", token],
            None => vec![],
        };
        let process = Process::start(&url, &args).await;
        Server {
            base: process.base.clone(),
            http: reqwest::Client::new(),
            _process: process,
            _data: data,
        }
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

/// An address nobody listens on, and the socket that keeps it so: the port is bound, so no one
/// else can take it, but never listened on, so connecting to it is refused.
fn refusing_address() -> (tokio::net::TcpSocket, String) {
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.bind("127.0.0.1:0".parse().unwrap()).unwrap();
    let address = socket.local_addr().unwrap();
    (socket, format!("http://{address}"))
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
