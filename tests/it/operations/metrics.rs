//! `GET /metrics` on a fresh server: every metric described, and the counters of events that
//! have not happened yet shown at zero.

use std::path::Path;

use crate::backend::Process;

/// Returns what a fresh server answers on `/metrics`.
async fn fresh_metrics() -> String {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("accord.db").display());
    let server = Process::start(&url, &[]).await;
    let response = reqwest::get(format!("{}/metrics", server.base))
        .await
        .unwrap();
    assert!(response.status().is_success());
    response.text().await.unwrap()
}

/// Returns the name of every metric the source code records (`counter!("name"`, ...).
fn metrics_in_the_source(dir: &Path, names: &mut Vec<String>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            metrics_in_the_source(&path, names);
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        for macro_name in ["counter!(\"", "histogram!(\"", "gauge!(\""] {
            for (at, _) in text.match_indices(macro_name) {
                let rest = &text[at + macro_name.len()..];
                let name = &rest[..rest.find('"').unwrap()];
                if !names.iter().any(|known| known == name) {
                    names.push(name.to_string());
                }
            }
        }
    }
}

#[tokio::test]
async fn every_metric_the_code_records_has_a_help_line() {
    let mut names = Vec::new();
    metrics_in_the_source(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
        &mut names,
    );
    assert!(names.len() >= 8, "{names:?}");

    let metrics = fresh_metrics().await;

    for name in names {
        assert!(
            metrics.contains(&format!("# HELP {name} ")),
            "# HELP {name} in {metrics}"
        );
    }
}

#[tokio::test]
async fn counters_of_events_that_have_not_happened_are_at_zero() {
    let metrics = fresh_metrics().await;

    for counter in [
        "accord_registrations_total",
        "accord_compatibility_refusals_total",
        "accord_authentication_failures_total",
        "accord_connections_refused_total",
        "accord_observed_reads_dropped_total",
    ] {
        assert!(
            metrics.lines().any(|line| line == format!("{counter} 0")),
            "{counter} 0 in {metrics}"
        );
    }
}
