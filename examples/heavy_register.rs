//! The heavy half of `bench/heavy.sh`: registers large Protobuf schemas as fast as `CLIENTS`
//! concurrent clients can, each a distinct `.proto` file of just under 1 MiB (hundreds of
//! messages, tens of thousands of fields, enums, maps and references between messages) in a
//! subject of its own, `heavy-N`.
//!
//! Usage:
//! - `heavy_register URL CLIENTS SECONDS [FIRST]`: starts registrations for `SECONDS`, lets the
//!   ones in flight finish, then prints one line: `registrations R errors E p50_ms A p99_ms B
//!   max_ms C per_s D schema_bytes S`. Subjects are numbered from `FIRST` (default 1).
//! - `heavy_register body N`: prints the registration body of schema `N`, for a single `curl`.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::json;

/// The registry refuses a schema over 1 MiB of text (`MAX_SCHEMA_BYTES`); stay just under.
const TARGET_BYTES: usize = 1024 * 1024 - 4096;

/// Fields per message; every type a field can have comes round in turn.
const FIELDS_PER_MESSAGE: usize = 40;

/// Returns `.proto` text number `n`: distinct for every `n`, just under [`TARGET_BYTES`].
fn proto(n: usize) -> String {
    let mut text = format!("syntax = \"proto3\";\npackage heavy.s{n};\n\n");
    text.push_str("enum Status {\n  STATUS_UNSPECIFIED = 0;\n  STATUS_ACTIVE = 1;\n");
    text.push_str("  STATUS_SUSPENDED = 2;\n  STATUS_CLOSED = 3;\n}\n");
    for m in 0.. {
        let message = message(n, m);
        if text.len() + message.len() > TARGET_BYTES {
            break;
        }
        text.push_str(&message);
    }
    text
}

/// Message `m` of schema `n`: scalars, repeated and map fields, the enum, and references to the
/// messages declared before it.
fn message(n: usize, m: usize) -> String {
    let mut out = format!("\nmessage Entity{m} {{\n");
    for f in 0..FIELDS_PER_MESSAGE {
        let number = f + 1;
        let line = match (f + m) % 10 {
            0 => format!("  string name_{f} = {number};"),
            1 => format!("  int64 count_{f} = {number};"),
            2 => format!("  double amount_{f} = {number};"),
            3 => format!("  repeated string tags_{f} = {number};"),
            4 => format!("  Status status_{f} = {number};"),
            5 => format!("  map<string, int64> totals_{f} = {number};"),
            6 if m > 0 => format!("  Entity{} parent_{f} = {number};", (m * 7 + f) % m),
            7 => format!("  optional bytes blob_{f} = {number};"),
            8 if m > 0 => format!("  repeated Entity{} items_{f} = {number};", (m + f) % m),
            _ => format!("  bool flag_{f}_s{n} = {number};"),
        };
        out.push_str(&line);
        out.push('\n');
    }
    out.push_str("}\n");
    out
}

fn body(n: usize) -> String {
    json!({ "schemaType": "PROTOBUF", "schema": proto(n) }).to_string()
}

/// What one client saw: the latency of each registration that succeeded, and the failures.
#[derive(Default)]
struct Seen {
    latencies_ms: Vec<f64>,
    errors: usize,
}

async fn client(
    http: reqwest::Client,
    url: String,
    next: Arc<AtomicUsize>,
    deadline: Instant,
) -> Seen {
    let mut seen = Seen::default();
    while Instant::now() < deadline {
        let n = next.fetch_add(1, Ordering::Relaxed);
        let request = http
            .post(format!("{url}/subjects/heavy-{n}/versions"))
            .header("content-type", "application/vnd.schemaregistry.v1+json")
            .body(body(n));
        let started = Instant::now();
        match request.send().await {
            Ok(response) if response.status().is_success() => {
                seen.latencies_ms
                    .push(started.elapsed().as_secs_f64() * 1000.0);
            }
            Ok(response) => {
                let status = response.status();
                let text = response.text().await.unwrap_or_default();
                if seen.errors == 0 {
                    eprintln!("heavy-{n}: {status} {}", &text[..text.len().min(300)]);
                }
                seen.errors += 1;
            }
            Err(err) => {
                if seen.errors == 0 {
                    eprintln!("heavy-{n}: {err}");
                }
                seen.errors += 1;
            }
        }
    }
    seen
}

/// The `q` quantile (0..=1) of sorted values, nearest rank.
fn quantile(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = (q * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("body") {
        let n = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(0);
        println!("{}", body(n));
        return Ok(());
    }
    let url = args
        .first()
        .cloned()
        .unwrap_or_else(|| "http://127.0.0.1:8081".to_string());
    let clients: usize = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(4);
    let seconds: f64 = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(10.0);
    let first: usize = args.get(3).and_then(|s| s.parse().ok()).unwrap_or(1);

    let http = reqwest::Client::new();
    let next = Arc::new(AtomicUsize::new(first));
    let started = Instant::now();
    let deadline = started + Duration::from_secs_f64(seconds);
    let workers: Vec<_> = (0..clients)
        .map(|_| tokio::spawn(client(http.clone(), url.clone(), next.clone(), deadline)))
        .collect();
    let mut latencies = Vec::new();
    let mut errors = 0;
    for worker in workers {
        let seen = worker.await?;
        latencies.extend(seen.latencies_ms);
        errors += seen.errors;
    }
    let elapsed = started.elapsed().as_secs_f64();
    latencies.sort_by(f64::total_cmp);
    println!(
        "registrations {} errors {errors} p50_ms {:.0} p99_ms {:.0} max_ms {:.0} per_s {:.2} schema_bytes {}",
        latencies.len(),
        quantile(&latencies, 0.50),
        quantile(&latencies, 0.99),
        latencies.last().copied().unwrap_or(0.0),
        latencies.len() as f64 / elapsed,
        proto(first).len(),
    );
    Ok(())
}
