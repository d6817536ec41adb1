//! Seeds a registry for the load benchmark: `SUBJECTS` subjects × `VERSIONS` versions, a third
//! each Avro, JSON Schema and Protobuf, every version a compatible evolution of the one before.
//!
//! Usage: `seed URL SUBJECTS VERSIONS CONCURRENCY [OUT_DIR]`. With `OUT_DIR`, it writes the
//! request bodies the benchmark's scripts replay (a lookup and a compatibility check).

use std::time::Instant;

use serde_json::{json, Value};

/// The registration body of version `version` (1-based) of subject number `subject`.
fn body(subject: usize, version: usize) -> Value {
    match subject % 3 {
        0 => {
            let fields: Vec<Value> = (0..version)
                .map(|f| json!({ "name": format!("f{f}"), "type": ["null", "string"], "default": null }))
                .collect();
            let schema = json!({ "type": "record", "name": format!("Event{subject}"), "namespace": "bench", "fields": fields });
            json!({ "schema": schema.to_string() })
        }
        1 => {
            let properties: serde_json::Map<String, Value> = (0..version)
                .map(|p| (format!("p{p}"), json!({ "type": "string" })))
                .collect();
            let schema = json!({
                "title": format!("Event{subject}"),
                "type": "object",
                "properties": properties,
                "additionalProperties": false,
            });
            json!({ "schemaType": "JSON", "schema": schema.to_string() })
        }
        _ => {
            let fields: String = (0..version)
                .map(|f| format!("  string f{f} = {};\n", f + 1))
                .collect();
            let schema = format!(
                "syntax = \"proto3\";\npackage bench;\n\nmessage Event{subject} {{\n{fields}}}\n"
            );
            json!({ "schemaType": "PROTOBUF", "schema": schema })
        }
    }
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let url = args
        .get(1)
        .cloned()
        .unwrap_or_else(|| "http://127.0.0.1:8081".to_string());
    let subjects: usize = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(1000);
    let versions: usize = args.get(3).and_then(|s| s.parse().ok()).unwrap_or(5);
    let concurrency: usize = args.get(4).and_then(|s| s.parse().ok()).unwrap_or(16);
    let client = reqwest::Client::new();
    let started = Instant::now();
    let mut workers = Vec::new();
    for worker in 0..concurrency {
        let client = client.clone();
        let url = url.clone();
        workers.push(tokio::spawn(async move {
            for subject in (worker..subjects).step_by(concurrency) {
                for version in 1..=versions {
                    let response = client
                        .post(format!("{url}/subjects/bench-{subject}-value/versions"))
                        .header("content-type", "application/vnd.schemaregistry.v1+json")
                        .body(body(subject, version).to_string())
                        .send()
                        .await?;
                    anyhow::ensure!(
                        response.status().is_success(),
                        "bench-{subject}-value v{version}: {}",
                        response.text().await?
                    );
                }
            }
            anyhow::Ok(())
        }));
    }
    for worker in workers {
        worker.await??;
    }
    let elapsed = started.elapsed().as_secs_f64();
    let total = subjects * versions;
    println!(
        "seeded {total} schemas in {elapsed:.1} s ({:.0}/s)",
        total as f64 / elapsed
    );
    if let Some(out) = args.get(5) {
        std::fs::create_dir_all(out)?;
        std::fs::write(format!("{out}/lookup.json"), body(0, versions).to_string())?;
        std::fs::write(
            format!("{out}/check.json"),
            body(0, versions + 1).to_string(),
        )?;
    }
    Ok(())
}
