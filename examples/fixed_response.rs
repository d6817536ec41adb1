//! The benchmark's reference: a minimal axum server that answers every request with one fixed
//! body, as fast as this machine serves HTTP at all. `bench/load.sh` measures Accord against it;
//! `bench/webhooks.sh` uses it as the receiver of webhook deliveries.
//!
//! Usage: `fixed_response ADDR BODY_BYTES`.

use axum::http::header::CONTENT_TYPE;
use axum::routing::any;
use axum::Router;

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let mut args = std::env::args().skip(1);
    let addr = args.next().unwrap_or_else(|| "127.0.0.1:18090".to_string());
    let size: usize = args.next().and_then(|s| s.parse().ok()).unwrap_or(332);
    let body = format!("{{\"schema\":\"{}\"}}", "x".repeat(size.saturating_sub(13)));
    let app = Router::new().fallback(any(move || {
        let body = body.clone();
        async move {
            (
                [(CONTENT_TYPE, "application/vnd.schemaregistry.v1+json")],
                body,
            )
        }
    }));
    let listener = tokio::net::TcpListener::bind(addr).await?;
    axum::serve(listener, app).await
}
