//! The command line: `accord serve`, `accord openapi`, `accord healthcheck`.

use std::net::SocketAddr;

use clap::{Parser, Subcommand, ValueEnum};

use crate::governance::ReadAccess;

/// Accord: a Confluent-compatible schema registry with contract governance.
#[derive(Debug, Parser)]
#[command(name = "accord", version, about)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

/// What `accord` should do.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the registry's HTTP server.
    Serve(ServeConfig),
    /// Print the OpenAPI document to standard output.
    Openapi,
    /// Exit 0 when a server answers on its readiness endpoint, 1 otherwise.
    Healthcheck {
        /// The server's base URL.
        #[arg(long, env = "ACCORD_URL", default_value = "http://127.0.0.1:8081")]
        url: String,
    },
}

/// How `accord serve` runs.
#[derive(Debug, Clone, clap::Args)]
pub struct ServeConfig {
    /// The address to listen on.
    #[arg(long, env = "ACCORD_LISTEN", default_value = "0.0.0.0:8081")]
    pub listen: SocketAddr,
    /// Where to keep the data: `sqlite://PATH` (created if absent).
    #[arg(
        long,
        env = "ACCORD_DATABASE_URL",
        default_value = "sqlite://accord.db"
    )]
    pub database_url: String,
    /// The admin credential, sent as `Bearer TOKEN` or Basic `admin:TOKEN`. Setting it turns
    /// authentication on; without it the server is open to everyone.
    #[arg(long, env = "ACCORD_ADMIN_TOKEN", hide_env_values = true)]
    pub admin_token: Option<String>,
    /// Whether reading a subject needs a grant (`enforce`) or not (`open`).
    #[arg(long, env = "ACCORD_READ_ACCESS", value_enum, default_value_t = ReadAccess::Open)]
    pub read_access: ReadAccess,
    /// The log format.
    #[arg(long, env = "ACCORD_LOG_FORMAT", value_enum, default_value_t = LogFormat::Text)]
    pub log_format: LogFormat,
}

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
}
