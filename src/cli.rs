//! The command line: `accord serve`, `openapi`, `healthcheck`, the CI commands `check`,
//! `diff` and `register` (their flags live in [`crate::ci`]), and the everyday commands
//! (theirs live in [`crate::commands`]).
//!
//! `accord serve --config FILE` also reads a TOML file of settings: each becomes the flag it
//! names, so that the flags stay the one definition of every setting, and a flag or an
//! environment variable given as well wins over the file.

use std::ffi::OsString;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use clap::builder::Arg;
use clap::error::ErrorKind;
use clap::parser::ValueSource;
use clap::{ArgMatches, CommandFactory, FromArgMatches, Parser, Subcommand, ValueEnum};

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
    /// Check the schema files that accord.toml maps against the registry: exit 0 when all are
    /// compatible (or their breaks agreed in approved proposals), 1 on a breaking change, 2 on
    /// an error.
    Check(crate::ci::CheckArgs),
    /// Compare two schema files offline under a compatibility level (exit codes as `check`).
    Diff(crate::ci::DiffArgs),
    /// Register the schema files that accord.toml maps, references first, or with SUBJECT
    /// FILE one file; idempotent.
    Register(crate::ci::RegisterArgs),
    /// Open a proposal for each mapped file that would break its subject, naming the affected
    /// consumers who are to answer it; exit 0 when each has one, 2 on an error.
    Propose(crate::ci::ProposeArgs),
    /// List the open and approved proposals of the mapped subjects, with each consumer's answer.
    Proposals(crate::ci::ProposalsArgs),
    /// Copy a live Confluent-compatible registry into this one, keeping ids, versions,
    /// references, soft-deleted versions, settings and modes; exit 0 when the target then
    /// matches the source, 1 on a clash or a difference, 2 on an error.
    Import(crate::import::ImportArgs),
    #[command(flatten)]
    Everyday(crate::commands::Everyday),
}

impl Cli {
    /// Parses the command line. For `accord serve --config FILE`, each setting that neither a
    /// flag nor an environment variable gives is taken from FILE. A bad command line or file
    /// ends the process with clap's message and exit code 2.
    pub fn from_command_line() -> Cli {
        Cli::try_from_args(std::env::args_os().collect()).unwrap_or_else(|err| err.exit())
    }

    /// Parses `args` (the program's name first) as [`Cli::from_command_line`] does.
    pub fn try_from_args(mut args: Vec<OsString>) -> Result<Cli, clap::Error> {
        let matches = Cli::command().try_get_matches_from(&args)?;
        if let Some(("serve", serve)) = matches.subcommand() {
            if let Some(path) = serve.get_one::<PathBuf>("config") {
                // The file's settings become flags, so that they pass the flags' own parsers.
                args.extend(settings_from_file(path, serve)?);
                return Cli::try_parse_from(args);
            }
        }
        Cli::from_arg_matches(&matches)
    }
}

/// How `accord serve` runs. Its `Debug` shows neither the admin token nor the database
/// password.
#[derive(Clone, clap::Args)]
pub struct ServeConfig {
    /// A TOML file of settings named as these flags are, with `_` for `-`
    /// (`database_url = "postgres://..."`); a flag or an environment variable overrides it.
    #[arg(long, env = "ACCORD_CONFIG", value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// The address to listen on; port 0 lets the system choose one (see `--address-file`).
    #[arg(long, env = "ACCORD_LISTEN", default_value = "0.0.0.0:8081")]
    pub listen: SocketAddr,
    /// Once listening, write the bound address (such as `127.0.0.1:43817`) to this file: how a
    /// supervisor or a test learns the port the system chose for `--listen 127.0.0.1:0`.
    #[arg(long, env = "ACCORD_ADDRESS_FILE")]
    pub address_file: Option<PathBuf>,
    /// Where to keep the data: `sqlite://PATH` (created if absent) for one instance, or
    /// `postgres://USER@HOST/DB` for any number of instances sharing one database.
    /// Any other scheme is refused at startup.
    #[arg(
        long,
        env = "ACCORD_DATABASE_URL",
        default_value = "sqlite://accord.db"
    )]
    pub database_url: String,
    /// The most connections to PostgreSQL this instance opens.
    #[arg(long, env = "ACCORD_DB_MAX_CONNECTIONS", default_value_t = 10)]
    pub db_max_connections: u32,
    /// The connections to PostgreSQL kept open while idle.
    #[arg(long, env = "ACCORD_DB_MIN_CONNECTIONS", default_value_t = 0)]
    pub db_min_connections: u32,
    /// Seconds a request waits for a PostgreSQL connection (or for the database to answer a
    /// connection attempt) before it fails with 503 / 50001.
    #[arg(long, env = "ACCORD_DB_ACQUIRE_TIMEOUT", default_value = "3", value_parser = seconds)]
    pub db_acquire_timeout: Duration,
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
    /// Connections served at once; more are answered 503.
    #[arg(long, env = "ACCORD_MAX_CONNECTIONS", default_value_t = 4096)]
    pub max_connections: usize,
    /// Seconds a client may take to send a request's headers before it is disconnected.
    #[arg(long, env = "ACCORD_HEADER_TIMEOUT", default_value_t = 10)]
    pub header_timeout_secs: u64,
    /// The registry's URL as its users reach it: the `source` of every change event (by
    /// default `http://` and the listening address).
    #[arg(long, env = "ACCORD_PUBLIC_URL")]
    pub public_url: Option<String>,
    /// Deliver webhooks to link-local and cloud metadata addresses too (refused otherwise).
    #[arg(long, env = "ACCORD_WEBHOOKS_ALLOW_LINK_LOCAL")]
    pub webhooks_allow_link_local: bool,
    /// Milliseconds before the first retry of a failed webhook delivery; each further retry
    /// waits twice as long, up to six hours, for about three days.
    #[arg(long, env = "ACCORD_WEBHOOK_FIRST_RETRY_MS", default_value_t = 5000)]
    pub webhook_first_retry_ms: u64,
    /// Milliseconds an instance's claim on a webhook subscription lasts unless renewed: how
    /// soon another instance (or a restarted one) takes over the deliveries of one that died.
    /// The receiver's timeout is the shorter of 5 s and a third of this.
    #[arg(long, env = "ACCORD_WEBHOOK_LEASE_MS", default_value_t = 30000)]
    pub webhook_lease_ms: u64,
}

impl ServeConfig {
    /// Returns the database `--database-url` names, or why Accord cannot open it. Checked
    /// here rather than by clap, whose message would repeat the URL with its password.
    pub fn database(&self) -> Result<crate::storage::DatabaseUrl, String> {
        self.database_url.parse()
    }

    /// Returns the database URL with its password masked, an SQLite file by its absolute path,
    /// for logs and `Debug`.
    pub fn database_for_display(&self) -> String {
        match self.database() {
            Ok(url) => url.to_string(),
            Err(_) => redacted_url(&self.database_url),
        }
    }

    /// The change-event settings the flags ask for; `listen` is the bound address.
    pub fn event_settings(&self, listen: SocketAddr) -> crate::events::EventSettings {
        let source = match &self.public_url {
            Some(url) => url.trim_end_matches('/').to_string(),
            None if listen.ip().is_unspecified() => format!("http://localhost:{}", listen.port()),
            None => format!("http://{listen}"),
        };
        let defaults = crate::events::EventSettings::default();
        let lease = Duration::from_millis(self.webhook_lease_ms.max(300));
        crate::events::EventSettings {
            source,
            allow_link_local: self.webhooks_allow_link_local,
            first_retry: Duration::from_millis(self.webhook_first_retry_ms.max(1)),
            timeout: defaults.timeout.min(lease / 3),
            lease,
            ..defaults
        }
    }

    /// The database pool settings the flags ask for.
    pub fn pool_settings(&self) -> crate::storage::PoolSettings {
        crate::storage::PoolSettings {
            max_connections: self.db_max_connections.max(1),
            min_connections: self.db_min_connections.min(self.db_max_connections),
            acquire_timeout: self.db_acquire_timeout,
        }
    }
}

impl std::fmt::Debug for ServeConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Destructured, so that a new field cannot be added without deciding how it shows.
        let ServeConfig {
            config,
            listen,
            address_file,
            database_url: _,
            db_max_connections,
            db_min_connections,
            db_acquire_timeout,
            admin_token,
            read_access,
            log_format,
            max_connections,
            header_timeout_secs,
            public_url,
            webhooks_allow_link_local,
            webhook_first_retry_ms,
            webhook_lease_ms,
        } = self;
        f.debug_struct("ServeConfig")
            .field("config", config)
            .field("listen", listen)
            .field("address_file", address_file)
            .field("database_url", &self.database_for_display())
            .field("db_max_connections", db_max_connections)
            .field("db_min_connections", db_min_connections)
            .field("db_acquire_timeout", db_acquire_timeout)
            .field("admin_token", &admin_token.as_ref().map(|_| REDACTED))
            .field("read_access", read_access)
            .field("log_format", log_format)
            .field("max_connections", max_connections)
            .field("header_timeout_secs", header_timeout_secs)
            .field("public_url", public_url)
            .field("webhooks_allow_link_local", webhooks_allow_link_local)
            .field("webhook_first_retry_ms", webhook_first_retry_ms)
            .field("webhook_lease_ms", webhook_lease_ms)
            .finish()
    }
}

/// Returns `--name=value` for each setting in the file at `path` that `given` (the parsed
/// command line and environment of `accord serve`) does not set. A key that names no flag, or
/// a value its flag refuses, is an error naming the file and the key.
fn settings_from_file(path: &Path, given: &ArgMatches) -> Result<Vec<OsString>, clap::Error> {
    let mut cli = Cli::command();
    cli.build();
    let serve = cli
        .find_subcommand("serve")
        .expect("accord has a serve command")
        .clone();
    let fail = |message: String| {
        serve.clone().error(
            ErrorKind::InvalidValue,
            format!("{}: {message}", path.display()),
        )
    };
    let text =
        std::fs::read_to_string(path).map_err(|err| fail(format!("cannot read it: {err}")))?;
    let table: toml::Table = toml::from_str(&text).map_err(|err| fail(err.to_string()))?;
    let settings = settings(&serve);
    let mut flags = Vec::new();
    for (key, value) in &table {
        let Some((_, arg)) = settings.iter().find(|(name, _)| name == key) else {
            let names: Vec<&str> = settings.iter().map(|(name, _)| name.as_str()).collect();
            return Err(fail(format!(
                "unknown setting '{key}'; the settings are {}",
                names.join(", ")
            )));
        };
        let text = match value {
            toml::Value::String(text) => text.clone(),
            toml::Value::Integer(number) => number.to_string(),
            toml::Value::Float(number) => number.to_string(),
            toml::Value::Boolean(yes) => yes.to_string(),
            _ => return Err(fail(format!("'{key}' must be a string or a number"))),
        };
        let long = arg.get_long().expect("every setting has a long flag");
        let flag = format!("--{long}={text}");
        if let Err(err) = serve.clone().try_get_matches_from(["serve", flag.as_str()]) {
            return Err(fail(format!("'{key}': {}", reason(arg, &text, &err))));
        }
        let id = arg.get_id().as_str();
        if matches!(
            given.value_source(id),
            Some(ValueSource::CommandLine | ValueSource::EnvVariable)
        ) {
            continue;
        }
        flags.push(flag.into());
    }
    Ok(flags)
}

/// The settings a file may give, by name: each flag of `serve` that takes a value, `--config`
/// aside, its name with `_` for `-`.
fn settings(serve: &clap::Command) -> Vec<(String, &Arg)> {
    serve
        .get_arguments()
        .filter(|arg| arg.get_action().takes_values() && arg.get_id() != "config")
        .filter_map(|arg| Some((arg.get_long()?.replace('-', "_"), arg)))
        .collect()
}

/// Says why `arg` refused `text`: its parser's words, or the values it accepts.
fn reason(arg: &Arg, text: &str, err: &clap::Error) -> String {
    match std::error::Error::source(err) {
        Some(source) => format!("'{text}': {source}"),
        None => {
            let values: Vec<String> = arg
                .get_possible_values()
                .iter()
                .map(|value| value.get_name().to_string())
                .collect();
            format!("'{text}' is not one of {}", values.join(", "))
        }
    }
}

/// What `Debug` shows in place of a secret.
pub const REDACTED: &str = "***";

/// A URL with its password and query masked, for `Debug` and logs (the registry's URL of the
/// client commands, the database's of `serve`).
pub use crate::storage::masked_url as redacted_url;

/// Writes a line to standard output as `println!` does, through [`write_line`]: a reader that
/// went away (`accord openapi | head -1`) ends the output quietly.
#[macro_export]
macro_rules! outln {
    () => {
        $crate::cli::write_line(format_args!(""))
    };
    ($($arg:tt)*) => {
        $crate::cli::write_line(format_args!($($arg)*))
    };
}

/// Writes `line` and a newline to standard output. A closed pipe is the reader saying it has
/// read enough: the line is dropped without a word, and the command goes on to exit with its
/// outcome's code. Any other failure to write ends the process with a message and exit code 2.
pub fn write_line(line: std::fmt::Arguments<'_>) {
    use std::io::Write;
    match writeln!(std::io::stdout().lock(), "{line}") {
        Ok(()) => {}
        Err(err) if err.kind() == std::io::ErrorKind::BrokenPipe => {}
        Err(err) => {
            eprintln!("accord: error: cannot write to standard output: {err}");
            std::process::exit(crate::ci::Outcome::Failed as i32);
        }
    }
}

/// Parses a positive number of seconds, such as `3` or `0.5`.
fn seconds(text: &str) -> Result<Duration, String> {
    match text.parse::<f64>() {
        Ok(secs) if secs > 0.0 && secs.is_finite() => Ok(Duration::from_secs_f64(secs)),
        _ => Err(format!("'{text}' is not a positive number of seconds")),
    }
}

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
}
