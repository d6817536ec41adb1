//! The application: its shared state, and serving it on a bound listener until shutdown.

use std::future::Future;
use std::sync::{Arc, OnceLock};

use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use tokio::net::TcpListener;

use crate::governance::{Governance, ReadAccess};
use crate::registry::Registry;
use crate::storage::Store;

/// What every request handler shares.
#[derive(Clone)]
pub struct AppState {
    pub registry: Arc<Registry>,
    pub governance: Arc<Governance>,
    pub metrics: PrometheusHandle,
}

/// Who may do what: the admin token (authentication is off without one) and the read policy.
#[derive(Debug, Clone, Default)]
pub struct AccessSettings {
    pub admin_token: Option<String>,
    pub read_access: ReadAccess,
}

impl AppState {
    /// Creates the state over `store`, with authentication off.
    pub fn new(store: Arc<dyn Store>) -> Self {
        Self::with_access(store, AccessSettings::default())
    }

    /// Creates the state over `store` with the given access settings.
    pub fn with_access(store: Arc<dyn Store>, access: AccessSettings) -> Self {
        AppState {
            registry: Arc::new(Registry::new(store.clone())),
            governance: Arc::new(Governance::new(
                store,
                access.admin_token,
                access.read_access,
            )),
            metrics: metrics_handle(),
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
            handle
        })
        .clone()
}

/// Serves `state` on `listener` until `shutdown` completes, then finishes in-flight requests.
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let service = crate::http::service(state);
    let service = axum::ServiceExt::<axum::extract::Request>::into_make_service(service);
    axum::serve(listener, service)
        .with_graceful_shutdown(shutdown)
        .await
}
