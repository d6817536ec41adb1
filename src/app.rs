//! The application: its shared state, and serving it on a bound listener until shutdown.

use std::future::Future;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use axum::extract::ConnectInfo;
use axum::http::Request;
use hyper::body::Incoming;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto;
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tower::ServiceExt;

use crate::contracts::Contracts;
use crate::events::{EventSettings, Events};
use crate::governance::{Governance, ReadAccess};
use crate::http::confluent::rendered::Rendered;
use crate::registry::Registry;
use crate::storage::Store;

/// What every request handler shares.
#[derive(Clone)]
pub struct AppState {
    /// Every operation that needs both the registry and governance.
    pub contracts: Arc<Contracts>,
    pub registry: Arc<Registry>,
    pub governance: Arc<Governance>,
    pub metrics: PrometheusHandle,
    /// Ready-to-send bodies of the hot reads, by id and by subject.
    pub rendered: Arc<Rendered>,
    /// Change events: their delivery to webhooks, and the feed.
    pub events: Arc<Events>,
}

/// Who may do what: the admin token (authentication is off without one) and the read policy.
/// Its `Debug` does not show the token.
#[derive(Clone, Default)]
pub struct AccessSettings {
    pub admin_token: Option<String>,
    pub read_access: ReadAccess,
}

impl std::fmt::Debug for AccessSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let AccessSettings {
            admin_token,
            read_access,
        } = self;
        let redacted = crate::cli::REDACTED;
        f.debug_struct("AccessSettings")
            .field("admin_token", &admin_token.as_ref().map(|_| redacted))
            .field("read_access", read_access)
            .finish()
    }
}

impl AppState {
    /// Creates the state over `store`, with authentication off.
    pub fn new(store: Arc<dyn Store>) -> Self {
        Self::with_access(store, AccessSettings::default())
    }

    /// Creates the state over `store` with the given access settings.
    pub fn with_access(store: Arc<dyn Store>, access: AccessSettings) -> Self {
        Self::configured(store, access, EventSettings::default())
    }

    /// Creates the state over `store` with the given access and event settings.
    pub fn configured(
        store: Arc<dyn Store>,
        access: AccessSettings,
        events: EventSettings,
    ) -> Self {
        // The recorder first: the registry registers its metric handles when it is built.
        let metrics = metrics_handle();
        let events = Events::start(
            store.clone(),
            EventSettings {
                enforce_reads: access.read_access == ReadAccess::Enforce,
                ..events
            },
        );
        let registry = Arc::new(Registry::new(store.clone()));
        let governance = Arc::new(Governance::new(
            store,
            access.admin_token,
            access.read_access,
        ));
        AppState {
            contracts: Arc::new(Contracts::new(registry.clone(), governance.clone())),
            registry,
            governance,
            metrics,
            rendered: Arc::new(Rendered::default()),
            events,
        }
    }
}

/// Returns the handle of the process's Prometheus recorder, installing it on first use.
///
/// The `metrics` facade has one recorder per process, so every server in the process (tests
/// run several) reports into the same one.
pub fn metrics_handle() -> PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE
        .get_or_init(|| {
            let builder = PrometheusBuilder::new()
                .set_buckets_for_metric(
                    Matcher::Full("accord_http_request_duration_seconds".to_string()),
                    &[
                        0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 5.0,
                    ],
                )
                .unwrap_or_else(|_| PrometheusBuilder::new());
            let recorder = builder.build_recorder();
            let handle = recorder.handle();
            if metrics::set_global_recorder(recorder).is_err() {
                tracing::warn!("a metrics recorder was already installed; /metrics may be empty");
            }
            describe_metrics();
            handle
        })
        .clone()
}

/// The counters without labels: registered at zero on startup, so that `/metrics` lists them
/// before their first event and a rate over them starts from 0.
const COUNTERS: [(&str, &str); 5] = [
    ("accord_registrations_total", "Schema versions registered."),
    (
        "accord_compatibility_refusals_total",
        "Registrations refused because the schema is incompatible with the subject's history.",
    ),
    (
        "accord_authentication_failures_total",
        "Requests refused because their credential was missing, unknown or wrong.",
    ),
    (
        "accord_connections_refused_total",
        "Connections answered 503 and closed because --max-connections were being served.",
    ),
    (
        "accord_observed_reads_dropped_total",
        "Reads left out of the observed reads because the most (reader, subject) pairs were tallied already since the last write.",
    ),
];

/// Gives every metric Accord exports its `# HELP` line, and registers the counters whose
/// label sets are known up front. Each `metrics::counter!` or `histogram!` in the code names
/// one of the metrics here.
fn describe_metrics() {
    for (name, help) in COUNTERS {
        metrics::describe_counter!(name, help);
        metrics::counter!(name).increment(0);
    }
    metrics::describe_counter!(
        "accord_http_requests_total",
        "HTTP requests answered, by method, route and status."
    );
    metrics::describe_histogram!(
        "accord_http_request_duration_seconds",
        metrics::Unit::Seconds,
        "Time to answer an HTTP request, by method, route and status."
    );
    metrics::describe_counter!(
        "accord_cache_lookups_total",
        "Lookups in the registry's read caches, by cache and outcome (hit or miss)."
    );
    metrics::describe_counter!(
        "accord_webhook_deliveries_total",
        "Webhook delivery attempts, by outcome (delivered or failed)."
    );
    for outcome in ["delivered", "failed"] {
        metrics::counter!("accord_webhook_deliveries_total", "outcome" => outcome).increment(0);
    }
}

/// Limits on connections, so that slow, idle or too many clients cannot exhaust the server.
#[derive(Debug, Clone, Copy)]
pub struct ConnectionLimits {
    /// Connections served at once; more are answered 503 and closed.
    pub max_connections: usize,
    /// How long a client may take to send a request's headers.
    pub header_read_timeout: Duration,
    /// How long shutdown waits for in-flight requests.
    pub shutdown_grace: Duration,
}

impl Default for ConnectionLimits {
    fn default() -> Self {
        ConnectionLimits {
            max_connections: 4096,
            header_read_timeout: Duration::from_secs(10),
            shutdown_grace: Duration::from_secs(30),
        }
    }
}

/// The answer to a connection over the limit, written before it is closed.
const OVER_CAPACITY: &[u8] = b"HTTP/1.1 503 Service Unavailable\r\n\
content-type: application/vnd.schemaregistry.v1+json\r\n\
connection: close\r\ncontent-length: 77\r\n\r\n\
{\"error_code\":50301,\"message\":\"Too many connections: try again in a moment.\"}";

/// Answers a connection over the limit with a 503 and closes it.
///
/// The request's head is read first (briefly, and at most 16 KiB): a client still writing after
/// the socket closed, or closing with unread input, resets the connection and the client loses
/// the answer. After the answer, what else comes is drained until the client closes.
async fn refuse(mut stream: tokio::net::TcpStream) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    const PATIENCE: Duration = Duration::from_secs(2);
    let mut head = Vec::with_capacity(1024);
    let mut chunk = [0u8; 1024];
    let read_head = async {
        while head.len() < 16 * 1024 && !head.windows(4).any(|w| w == b"\r\n\r\n") {
            match stream.read(&mut chunk).await {
                Ok(n) if n > 0 => head.extend_from_slice(&chunk[..n]),
                _ => break,
            }
        }
    };
    let _ = tokio::time::timeout(PATIENCE, read_head).await;
    if stream.write_all(OVER_CAPACITY).await.is_err() {
        return;
    }
    let _ = stream.shutdown().await;
    let drain = async { while matches!(stream.read(&mut chunk).await, Ok(n) if n > 0) {} };
    let _ = tokio::time::timeout(PATIENCE, drain).await;
}

/// Serves `state` on `listener` until `shutdown` completes, then finishes in-flight requests
/// (for at most `limits.shutdown_grace`).
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
    limits: ConnectionLimits,
) -> std::io::Result<()> {
    let service = crate::http::service(state);
    let slots = Arc::new(Semaphore::new(limits.max_connections));
    let graceful = GracefulShutdown::new();
    let mut builder = auto::Builder::new(TokioExecutor::new());
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_read_timeout);
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(err) => {
                    // Out of file descriptors and the like: back off instead of spinning.
                    tracing::warn!(error = %err, "accepting a connection failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let Ok(slot) = slots.clone().try_acquire_owned() else {
            metrics::counter!("accord_connections_refused_total").increment(1);
            tracing::warn!(%peer, "connection refused: too many connections");
            tokio::spawn(refuse(stream));
            continue;
        };
        // Handlers and logs learn the client's address from the request's extensions; a body
        // left unread is drained so that its client receives the answer.
        let service = service
            .clone()
            .map_request(move |request: Request<Incoming>| {
                let mut request = crate::http::limits::lingering(request);
                request.extensions_mut().insert(ConnectInfo(peer));
                request
            });
        let connection = builder
            .serve_connection_with_upgrades(
                TokioIo::new(crate::http::limits::Refusals::new(stream)),
                TowerToHyperService::new(service),
            )
            .into_owned();
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            if let Err(err) = connection.await {
                tracing::debug!(%peer, error = %err, "connection ended with an error");
            }
            drop(slot);
        });
    }
    drop(listener);
    tokio::select! {
        () = graceful.shutdown() => {}
        () = tokio::time::sleep(limits.shutdown_grace) => {
            tracing::warn!("shutdown grace period over: closing the remaining connections");
        }
    }
    Ok(())
}
