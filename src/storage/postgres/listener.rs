//! The change feed: `LISTEN accord_changes` on a dedicated connection, turned into [`Change`]s.
//!
//! A notification is delivered to every listening instance right after the transaction that
//! sent it commits, normally within milliseconds. So that a dead connection cannot hide changes,
//! each instance also sends itself a ping on the channel every [`HEARTBEAT`]; when the
//! connection ends, or no ping has come back for [`ECHO_DEADLINE`], the feed reports
//! [`Change::Lost`], reconnects with back-off, and reports [`Change::Resumed`] once listening
//! again.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use sqlx::postgres::PgListener;
use sqlx::PgPool;
use tokio::sync::{broadcast, mpsc};
use tokio::task::JoinHandle;

use super::CHANNEL;
use crate::storage::{Change, ChangeFeed};
use crate::types::SchemaId;
use crate::Result;

/// How often an instance pings itself through the channel.
pub const HEARTBEAT: Duration = Duration::from_secs(1);

/// How long without a ping coming back before the connection is taken for dead.
pub const ECHO_DEADLINE: Duration = Duration::from_secs(5);

/// The longest wait between two attempts to listen again.
const MAX_BACK_OFF: Duration = Duration::from_secs(2);

/// PostgreSQL refuses payloads of 8000 bytes or more.
const MAX_PAYLOAD: usize = 7900;

/// The running listener of one store; dropping it stops the listener.
#[derive(Debug)]
pub struct Feed {
    sender: broadcast::Sender<Change>,
    is_live: Arc<AtomicBool>,
    task: JoinHandle<()>,
}

impl Feed {
    /// Starts listening on a connection of `pool`; fails when the first `LISTEN` does.
    pub async fn start(pool: PgPool) -> Result<Feed> {
        let listener = listen(&pool).await?;
        let (sender, _) = broadcast::channel(1024);
        let is_live = Arc::new(AtomicBool::new(true));
        let task = tokio::spawn(run(pool, listener, sender.clone(), is_live.clone()));
        Ok(Feed {
            sender,
            is_live,
            task,
        })
    }

    /// Subscribes to the changes reported from now on.
    pub fn subscribe(&self) -> ChangeFeed {
        let receiver = self.sender.subscribe();
        ChangeFeed {
            is_live: self.is_live.load(Ordering::SeqCst),
            receiver,
        }
    }
}

impl Drop for Feed {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Returns the payload that reports a change of `subject` and of the usages of `ids`.
pub fn payload(subject: Option<&str>, ids: &[SchemaId]) -> String {
    let text = json!({ "subject": subject, "ids": ids.iter().map(|id| id.0).collect::<Vec<_>>() })
        .to_string();
    if text.len() <= MAX_PAYLOAD {
        return text;
    }
    // Too long to say precisely: ask every instance to forget everything.
    json!({ "all": true }).to_string()
}

/// The payload that reports a change of teams, services, credentials or grants.
pub const GOVERNANCE_PAYLOAD: &str = r#"{"governance":true}"#;

/// Reads a payload back; `None` for one that is not a change (another instance's ping).
fn parse(payload: &str) -> Option<Change> {
    let value: Value = match serde_json::from_str(payload) {
        Ok(value) => value,
        Err(_) => return Some(Change::All),
    };
    if value.get("ping").is_some() {
        return None;
    }
    if value.get("all").is_some() {
        return Some(Change::All);
    }
    if value.get("governance").is_some() {
        return Some(Change::Governance);
    }
    let subject = value["subject"].as_str().map(str::to_string);
    let ids = value["ids"]
        .as_array()
        .map(|ids| {
            ids.iter()
                .filter_map(Value::as_i64)
                .filter_map(|id| i32::try_from(id).ok())
                .map(SchemaId)
                .collect()
        })
        .unwrap_or_default();
    Some(Change::Subject { subject, ids })
}

async fn listen(pool: &PgPool) -> Result<PgListener> {
    let mut listener = PgListener::connect_with(pool).await?;
    listener.listen(CHANNEL).await?;
    Ok(listener)
}

async fn run(
    pool: PgPool,
    mut listener: PgListener,
    sender: broadcast::Sender<Change>,
    is_live: Arc<AtomicBool>,
) {
    let ping = json!({ "ping": instance_id() }).to_string();
    loop {
        follow(&pool, listener, &sender, &ping).await;
        is_live.store(false, Ordering::SeqCst);
        let _ = sender.send(Change::Lost);
        tracing::warn!(
            "change notifications from other instances are interrupted; \
             cached latest versions are not used until they are back"
        );
        listener = relisten(&pool).await;
        is_live.store(true, Ordering::SeqCst);
        let _ = sender.send(Change::Resumed);
        tracing::info!("change notifications from other instances are back");
    }
}

/// Forwards notifications until the connection ends or stops echoing this instance's pings.
async fn follow(
    pool: &PgPool,
    listener: PgListener,
    sender: &broadcast::Sender<Change>,
    ping: &str,
) {
    let (payloads, mut received) = mpsc::channel::<String>(1024);
    // The reader owns the listener, so that abandoning it never cancels a half-read message.
    let reader = tokio::spawn(read(listener, payloads));
    let _reader = AbortOnDrop(reader);
    let mut heartbeat = tokio::time::interval(HEARTBEAT);
    let mut last_echo = Instant::now();
    loop {
        tokio::select! {
            payload = received.recv() => match payload {
                None => return,
                Some(payload) if payload == ping => last_echo = Instant::now(),
                Some(payload) => {
                    if let Some(change) = parse(&payload) {
                        let _ = sender.send(change);
                    }
                }
            },
            _ = heartbeat.tick() => {
                if last_echo.elapsed() > ECHO_DEADLINE {
                    tracing::warn!("no ping came back through the notification channel");
                    return;
                }
                let sent = sqlx::query("SELECT pg_notify($1, $2)")
                    .bind(CHANNEL)
                    .bind(ping)
                    .execute(pool)
                    .await;
                if let Err(err) = sent {
                    tracing::debug!(error = ?err, "cannot ping the notification channel");
                }
            }
        }
    }
}

async fn read(mut listener: PgListener, payloads: mpsc::Sender<String>) {
    loop {
        match listener.try_recv().await {
            Ok(Some(notification)) => {
                if payloads
                    .send(notification.payload().to_string())
                    .await
                    .is_err()
                {
                    return;
                }
            }
            Ok(None) => return,
            Err(err) => {
                tracing::debug!(error = ?err, "the notification connection failed");
                return;
            }
        }
    }
}

/// Listens again, waiting longer after each failure, up to [`MAX_BACK_OFF`].
async fn relisten(pool: &PgPool) -> PgListener {
    let mut wait = Duration::from_millis(100);
    loop {
        match listen(pool).await {
            Ok(listener) => return listener,
            Err(err) => tracing::debug!(error = ?err, "cannot listen for changes yet"),
        }
        tokio::time::sleep(wait).await;
        wait = (wait * 2).min(MAX_BACK_OFF);
    }
}

fn instance_id() -> String {
    let mut bytes = [0u8; 8];
    let _ = getrandom::fill(&mut bytes);
    hex::encode(bytes)
}

struct AbortOnDrop(JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_payload_reads_back_as_the_change_it_reports() {
        let text = payload(Some("orders-value"), &[SchemaId(3), SchemaId(7)]);
        assert_eq!(
            parse(&text),
            Some(Change::Subject {
                subject: Some("orders-value".to_string()),
                ids: vec![SchemaId(3), SchemaId(7)],
            })
        );
        assert_eq!(
            parse(&payload(None, &[])),
            Some(Change::Subject {
                subject: None,
                ids: vec![]
            })
        );
    }

    #[test]
    fn a_payload_too_long_for_postgres_asks_to_forget_everything() {
        let ids: Vec<SchemaId> = (1_000_000..1_002_000).map(SchemaId).collect();
        assert_eq!(parse(&payload(Some("s"), &ids)), Some(Change::All));
    }

    #[test]
    fn governance_changes_are_reported_as_such() {
        assert_eq!(parse(GOVERNANCE_PAYLOAD), Some(Change::Governance));
    }

    #[test]
    fn pings_are_not_changes() {
        assert_eq!(parse(r#"{"ping":"abc"}"#), None);
    }
}
