use std::io::IsTerminal;
use std::net::SocketAddr;
use std::process::ExitCode;

use anyhow::Context;
use clap::ValueEnum;
use tracing_subscriber::EnvFilter;

use accord::app::{self, AccessSettings, AppState};
use accord::cli::{Cli, Command, LogFormat, ServeConfig};

/// Runs the command; an error ends it with one line on standard error and exit code 1.
#[tokio::main]
async fn main() -> ExitCode {
    match run(Cli::from_command_line().command).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("accord: error: {err:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run(command: Command) -> anyhow::Result<()> {
    match command {
        Command::Serve(config) => serve(config).await,
        Command::Openapi => {
            accord::outln!("{}", accord::http::openapi().to_pretty_json()?);
            Ok(())
        }
        Command::Healthcheck { url } => accord::healthcheck(&url).await,
        Command::Check(args) => accord::ci::check(args).await.exit(),
        Command::Diff(args) => accord::ci::diff(args).exit(),
        Command::Register(args) => accord::ci::register(args).await.exit(),
        Command::Propose(args) => accord::ci::propose(args).await.exit(),
        Command::Proposals(args) => accord::ci::proposals(args).await.exit(),
        Command::Import(args) => accord::import::import(args).await.exit(),
        Command::Everyday(command) => accord::commands::run(command).await.exit(),
    }
}

async fn serve(config: ServeConfig) -> anyhow::Result<()> {
    init_tracing(config.log_format);
    let database = config.database_for_display();
    let url = config.database().map_err(anyhow::Error::msg)?;
    let store = accord::storage::open(&url, &config.pool_settings())
        .await
        .map_err(|err| {
            let cause = accord::storage::cause(&err);
            anyhow::anyhow!("cannot open the store at {database}: {cause}")
        })?;
    let listener = tokio::net::TcpListener::bind(config.listen)
        .await
        .with_context(|| format!("cannot listen on {}", config.listen))?;
    let listen = listener.local_addr()?;
    if let Some(path) = &config.address_file {
        write_address(path, listen)
            .with_context(|| format!("cannot write the address to {}", path.display()))?;
    }
    if config.admin_token.is_none() {
        tracing::warn!(
            "authentication is OFF: anyone who can reach this server may change every schema; \
             set --admin-token (ACCORD_ADMIN_TOKEN) to turn it on"
        );
    }
    let authentication = match config.admin_token {
        Some(_) => "on",
        None => "off",
    };
    let read_access = config.read_access.to_possible_value();
    let read_access = read_access.as_ref().map_or("", |value| value.get_name());
    tracing::info!(
        version = %env!("CARGO_PKG_VERSION"),
        %listen,
        %authentication,
        %read_access,
        %database,
        ui = %ui_url(listen),
        "accord is serving"
    );
    let events = config.event_settings(listen);
    let access = AccessSettings {
        admin_token: config.admin_token,
        read_access: config.read_access,
    };
    let limits = app::ConnectionLimits {
        max_connections: config.max_connections,
        header_read_timeout: std::time::Duration::from_secs(config.header_timeout_secs),
        ..app::ConnectionLimits::default()
    };
    let state = AppState::configured(store, access, events);
    let governance = state.governance.clone();
    app::serve(listener, state, shutdown_signal(), limits).await?;
    if let Err(err) = governance.flush_observations().await {
        tracing::warn!(error = %err, "the last observed reads could not be written");
    }
    tracing::info!("accord stopped");
    Ok(())
}

/// Writes `address` to `path` whole: written under another name, then renamed, so that a reader
/// polling for the file never sees half an address.
fn write_address(path: &std::path::Path, address: std::net::SocketAddr) -> std::io::Result<()> {
    let mut partial = path.as_os_str().to_owned();
    partial.push(".partial");
    std::fs::write(&partial, format!("{address}\n"))?;
    std::fs::rename(&partial, path)
}

/// Returns where a person on this machine finds the web UI: a wildcard address (`0.0.0.0`) is
/// reached as `localhost`.
fn ui_url(listen: SocketAddr) -> String {
    let host = match listen.ip().is_unspecified() {
        true => format!("localhost:{}", listen.port()),
        false => listen.to_string(),
    };
    format!("http://{host}{}", accord::http::UI_PATH)
}

/// The log filter when `RUST_LOG` is unset. sqlx reports PostgreSQL's notices at INFO, such as
/// "relation \"_sqlx_migrations\" already exists, skipping" on every start: no news to an
/// operator.
const DEFAULT_LOG_FILTER: &str = "info,sqlx=warn";

fn init_tracing(format: LogFormat) {
    let filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(DEFAULT_LOG_FILTER));
    // Colour for a person at a terminal; a file or a log collector gets plain text.
    let is_colour = std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(is_colour);
    match format {
        LogFormat::Text => builder.init(),
        LogFormat::Json => builder.json().init(),
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down: finishing in-flight requests");
}
