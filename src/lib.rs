//! Accord: a schema registry that speaks the Confluent Schema Registry REST API.
//!
//! A tour, top to bottom (dependencies point down):
//!
//! - [`cli`]: the `accord` command line; `main.rs` runs the chosen command.
//! - [`ci`]: `accord check`, `diff` and `register`, the CI gate; reads `accord.toml`, reuses
//!   [`format`] and the compatibility engine, and talks to a registry over HTTP.
//! - [`commands`]: the everyday commands (`subjects`, `get`, `compat`, `who`, `team`, ...,
//!   `init`, `completions`): a registry from a terminal, through the CI commands' client.
//! - [`import`]: `accord import`, copying a live Confluent-compatible registry into this one
//!   through both REST APIs, ids and versions kept.
//! - [`app`]: the shared state and `serve(listener, state, shutdown)`.
//! - [`http`]: the router, extractors that speak the Confluent wire format, the OpenAPI document.
//! - [`contracts`]: every operation that needs both the registry and governance — register,
//!   check, impact, who may read, delete, settings — each one function that authorizes and acts.
//! - [`governance`]: service identities, owners, consumer grants, authorization, impact, audit.
//! - [`registry`]: Confluent semantics — ids, versions, references, deletes, config, mode,
//!   compatibility levels — and the read cache.
//! - [`format`]: pure parsing, canonical text and reader/writer checks, one module per format.
//! - [`storage`]: the `Store` trait and its SQLite and PostgreSQL implementations.
//! - [`types`] and [`error`]: newtypes, and the one error type with its status table.

pub mod app;
pub mod ci;
pub mod cli;
pub mod codegen;
pub mod commands;
pub mod contracts;
pub mod error;
pub mod events;
pub mod format;
pub mod governance;
pub mod http;
pub mod import;
pub mod registry;
pub mod storage;
pub mod types;

pub use error::{Error, Result};

/// Asks the server at `url` whether it is ready; an error says why not.
pub async fn healthcheck(url: &str) -> anyhow::Result<()> {
    use anyhow::Context;
    let (host, port) = parse_http_url(url)?;
    let ready = format!("{}/readyz", url.trim_end_matches('/'));
    let mut stream = tokio::net::TcpStream::connect((host.as_str(), port))
        .await
        .with_context(|| format!("cannot reach {ready}"))?;
    let request = format!("GET /readyz HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n");
    let mut response = Vec::new();
    async {
        tokio::io::AsyncWriteExt::write_all(&mut stream, request.as_bytes()).await?;
        tokio::io::AsyncReadExt::read_to_end(&mut stream, &mut response).await
    }
    .await
    .with_context(|| format!("no answer from {ready}"))?;
    let status_line = String::from_utf8_lossy(&response);
    let status_line = status_line.lines().next().unwrap_or_default();
    anyhow::ensure!(
        status_line.contains(" 200 "),
        "{ready} is not ready: {status_line}"
    );
    Ok(())
}

fn parse_http_url(url: &str) -> anyhow::Result<(String, u16)> {
    let rest = url
        .strip_prefix("http://")
        .ok_or_else(|| anyhow::anyhow!("only http:// URLs are supported, got {url}"))?;
    let authority = rest.split('/').next().unwrap_or_default();
    let (host, port) = match authority.rsplit_once(':') {
        Some((host, port)) => (host, port.parse()?),
        None => (authority, 80),
    };
    Ok((host.to_string(), port))
}
