//! Delivering queued events to their subscriptions: at least once and in order per
//! subscription, a bounded number at a time, with exponential backoff and jitter for about three
//! days before a subscription is marked failing.
//!
//! Every instance runs the same loop: every `poll`, lease the subscriptions that have events
//! due (or renew its own leases), and send each one's queue in order until it is empty or a
//! receiver fails. Between two polls a busy registry queues a batch, which is sent and recorded
//! as done in one write: the deliveries cost the registry's writes a few transactions a second,
//! however many events there are. A lease that is not renewed (a killed instance) runs out, and
//! another instance takes over; an event sent but not yet recorded as done when an instance dies
//! is sent again.

use std::collections::HashSet;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use tokio::sync::Semaphore;

use super::{cloud_event, glob_matches, signatures, type_matches, EventSettings, Events};
use crate::storage::{AuditRecord, Delivery, Retry, Store, Webhook};
use crate::types::now;
use crate::Result;

/// How long one subscription is served before the lease is given back for others to take.
const TURN: Duration = Duration::from_secs(20);
/// How long failures go on before a subscription is marked failing.
const GIVE_UP_AFTER: Duration = Duration::from_secs(3 * 24 * 3600);
/// The longest wait between two attempts.
const MAX_BACKOFF: Duration = Duration::from_secs(6 * 3600);
/// Events read from a queue at once: more than a busy registry queues between two polls, so
/// that each poll sends one batch and records it in one transaction.
const BATCH: i64 = 1000;

/// Starts the delivery loop of `events`, which ends when they are dropped.
pub(super) fn spawn(events: &Arc<Events>) {
    let client = match client(&events.settings) {
        Ok(client) => client,
        Err(err) => {
            tracing::error!(error = %err, "webhook delivery cannot start");
            return;
        }
    };
    let holder = holder_name();
    let weak = Arc::downgrade(events);
    let (poll, concurrency) = (events.settings.poll, events.settings.concurrency.max(1));
    tokio::spawn(async move {
        let permits = Arc::new(Semaphore::new(concurrency));
        // The subscriptions being served: a lease renewed at a poll while its turn goes on is
        // not served twice.
        let in_flight = Arc::new(Mutex::new(HashSet::<String>::new()));
        loop {
            tokio::time::sleep(poll).await;
            let Some(events) = weak.upgrade() else {
                return;
            };
            let free = permits.available_permits() as i64;
            if free == 0 {
                continue;
            }
            let serving = in_flight.lock().expect("not poisoned").len() as i64;
            let at = millis();
            let until = at + events.settings.lease.as_millis() as i64;
            let leased = events
                .store
                .lease_webhooks(&holder, at, until, free + serving)
                .await;
            let leased = match leased {
                Ok(leased) => leased,
                Err(err) => {
                    tracing::warn!(error = %err, "webhook queues could not be read");
                    continue;
                }
            };
            for webhook in leased {
                if !in_flight
                    .lock()
                    .expect("not poisoned")
                    .insert(webhook.id.clone())
                {
                    continue;
                }
                let Ok(permit) = permits.clone().acquire_owned().await else {
                    return;
                };
                let (events, client, holder) = (events.clone(), client.clone(), holder.clone());
                let in_flight = in_flight.clone();
                tokio::spawn(async move {
                    let mut lease = Lease {
                        holder: &holder,
                        until,
                    };
                    if let Err(err) = serve(&events, &client, &webhook, &mut lease).await {
                        tracing::warn!(webhook = %webhook.id, error = %err, "webhook delivery stopped");
                    }
                    in_flight.lock().expect("not poisoned").remove(&webhook.id);
                    drop(permit);
                });
            }
        }
    });
}

/// A subscription leased by this instance.
struct Lease<'a> {
    holder: &'a str,
    /// When it runs out (milliseconds since the epoch).
    until: i64,
}

impl Lease<'_> {
    /// Returns false when the lease is lost; renews it once half of it has passed, so that a
    /// lease runs out only when its holder stopped (killed, or cut off from the database).
    async fn hold(&mut self, events: &Events, id: &str) -> Result<bool> {
        let length = events.settings.lease.as_millis() as i64;
        let at = millis();
        if at < self.until - length / 2 {
            return Ok(true);
        }
        let until = at + length;
        let renewed = events
            .store
            .renew_webhook_lease(id, self.holder, until)
            .await?;
        self.until = until;
        Ok(renewed)
    }
}

/// Sends `webhook`'s queue in order until it is empty, a receiver fails, its turn is over or
/// the lease is lost. The events done with are recorded a batch at a time: a crash before that
/// sends them again, which at-least-once allows, and a busy registry is spared a write per
/// event and subscription.
async fn serve(
    events: &Events,
    client: &reqwest::Client,
    webhook: &Webhook,
    lease: &mut Lease<'_>,
) -> Result<()> {
    let started = Instant::now();
    let store = events.store.as_ref();
    let mut interest: Option<HashSet<String>> = None;
    while started.elapsed() < TURN {
        let queued = store.queued_events(&webhook.id, BATCH).await?;
        if queued.is_empty() {
            return Ok(());
        }
        let (mut done, mut delivered) = (Vec::new(), Vec::new());
        let mut stop = None;
        for record in queued {
            if !wanted(events, webhook, &record, &mut interest).await? {
                done.push(record.seq);
                continue;
            }
            if !lease.hold(events, &webhook.id).await? {
                stop = Some(None);
                break;
            }
            let delivery = send(events, client, webhook, &record).await;
            let succeeded = delivery
                .status
                .is_some_and(|status| (200..300).contains(&status));
            let outcome = if succeeded { "delivered" } else { "failed" };
            metrics::counter!("accord_webhook_deliveries_total", "outcome" => outcome).increment(1);
            if !succeeded {
                stop = Some(Some(delivery));
                break;
            }
            done.push(record.seq);
            delivered.push(delivery);
        }
        store.events_done(&webhook.id, &done, &delivered).await?;
        match stop {
            // A short batch emptied the queue: the next poll sends what arrives meanwhile.
            None if (done.len() as i64) < BATCH => return Ok(()),
            None => continue,
            Some(None) => return Ok(()),
            Some(Some(failed)) => {
                let retry = retry_after(&events.settings, webhook, failed.attempt);
                if retry.failing {
                    tracing::warn!(webhook = %webhook.id, url = %webhook.url_for_display(),
                        "webhook deliveries failed for three days: the subscription is marked failing");
                }
                return store.event_failed(&webhook.id, &failed, retry).await;
            }
        }
    }
    Ok(())
}

/// Returns true when `webhook` takes `record`: its types and subjects match, and a team's
/// subscription sees only what concerns the team (with `follow: consumed`, or with reads
/// enforced, only the streams its services produce, consume or read).
async fn wanted(
    events: &Events,
    webhook: &Webhook,
    record: &AuditRecord,
    interest: &mut Option<HashSet<String>>,
) -> Result<bool> {
    let kind = format!("{}{}", super::TYPE_PREFIX, record.action);
    if !webhook.events.iter().any(|p| type_matches(p, &kind)) {
        return Ok(false);
    }
    let subject = record.subject.as_deref();
    if !webhook.subjects.is_empty()
        && !subject.is_some_and(|s| webhook.subjects.iter().any(|g| glob_matches(g, s)))
    {
        return Ok(false);
    }
    let Some(team) = &webhook.team else {
        return Ok(true);
    };
    let streams_only = webhook.follow.is_some() || events.settings.enforce_reads;
    if interest.is_none() {
        *interest = Some(team_interest(events.store.as_ref(), team, streams_only).await?);
    }
    let interest = interest.as_ref().expect("filled above");
    let concerns_team = record
        .service
        .as_ref()
        .is_some_and(|s| interest.contains(s))
        || record.details.get("team").and_then(|t| t.as_str()) == Some(team.as_str());
    Ok(match (subject, streams_only) {
        (Some(subject), true) => interest.contains(subject),
        (Some(_), false) => true,
        (None, _) => concerns_team,
    })
}

/// Returns the team's services, and with `streams` the subjects they produce, consume or
/// were seen reading.
async fn team_interest(store: &dyn Store, team: &str, streams: bool) -> Result<HashSet<String>> {
    let mut interest = HashSet::new();
    for service in store.services().await? {
        if service.team != team {
            continue;
        }
        if streams {
            interest.extend(store.produced_by(&service.name).await?);
            interest.extend(store.consumed_by(&service.name).await?);
            interest.extend(
                store
                    .reads_by(&service.name)
                    .await?
                    .into_iter()
                    .map(|r| r.subject),
            );
        }
        interest.insert(service.name);
    }
    Ok(interest)
}

/// Sends one event; the delivery records what the receiver answered.
async fn send(
    events: &Events,
    client: &reqwest::Client,
    webhook: &Webhook,
    record: &AuditRecord,
) -> Delivery {
    let event = cloud_event(&events.settings.source, record);
    let body = serde_json::to_vec(&event).unwrap_or_default();
    let timestamp = millis() / 1000;
    let mut secrets = vec![webhook.secret.as_str()];
    if let (Some(previous), Some(until)) = (&webhook.previous_secret, webhook.previous_until) {
        if until > millis() {
            secrets.push(previous);
        }
    }
    let started = Instant::now();
    let outcome = match literal_refusal(&events.settings, &webhook.url) {
        Some(refusal) => Err(refusal),
        None => client
            .post(&webhook.url)
            .header("content-type", "application/cloudevents+json")
            .header("webhook-id", &event.id)
            .header("webhook-timestamp", timestamp.to_string())
            .header(
                "webhook-signature",
                signatures(&secrets, &event.id, timestamp, &body),
            )
            .body(body)
            .send()
            .await
            .map_err(|err| describe(&err)),
    };
    let latency_ms = started.elapsed().as_millis() as i64;
    let (status, error) = match outcome {
        Ok(response) => {
            let status = response.status();
            let error = (!status.is_success()).then(|| format!("the receiver answered {status}"));
            (Some(i64::from(status.as_u16())), error)
        }
        Err(error) => (None, Some(error)),
    };
    Delivery {
        seq: record.seq,
        attempt: webhook.attempts + 1,
        at: now(),
        status,
        latency_ms,
        error,
    }
}

/// When to try again after failed attempt number `attempt`: the first retry after
/// `first_retry`, each next one twice as late (at most [`MAX_BACKOFF`]), give or take a fifth;
/// after failing for [`GIVE_UP_AFTER`], never.
fn retry_after(settings: &EventSettings, webhook: &Webhook, attempt: i64) -> Retry {
    let at = millis();
    let failing_since = webhook.failing_since.unwrap_or(at);
    let doubling = 2u32.saturating_pow(attempt.clamp(1, 30) as u32 - 1);
    let backoff = settings
        .first_retry
        .saturating_mul(doubling)
        .min(MAX_BACKOFF);
    let mut byte = [0u8; 1];
    let _ = getrandom::fill(&mut byte);
    // A fifth either way: from 0.8 to 1.2 times the backoff.
    let jitter = 0.8 + 0.4 * f64::from(byte[0]) / 255.0;
    let wait = backoff.mul_f64(jitter).as_millis() as i64;
    Retry {
        next_attempt: at + wait,
        failing_since,
        failing: at - failing_since >= GIVE_UP_AFTER.as_millis() as i64,
    }
}

/// The client deliveries are sent with: a short timeout, no redirects (a receiver could
/// otherwise point them anywhere), and names resolved only to permitted addresses.
fn client(settings: &EventSettings) -> reqwest::Result<reqwest::Client> {
    reqwest::Client::builder()
        .timeout(settings.timeout)
        .connect_timeout(settings.timeout)
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(concat!("accord/", env!("CARGO_PKG_VERSION"), " webhooks"))
        .dns_resolver(Arc::new(Permitted {
            allow_link_local: settings.allow_link_local,
        }))
        .build()
}

/// A resolver that drops link-local and metadata addresses (unless allowed).
struct Permitted {
    allow_link_local: bool,
}

impl Resolve for Permitted {
    fn resolve(&self, name: Name) -> Resolving {
        let allow = self.allow_link_local;
        Box::pin(async move {
            let host = name.as_str().to_string();
            let found = tokio::net::lookup_host((host.as_str(), 0)).await?;
            let permitted: Vec<SocketAddr> = found
                .filter(|addr| allow || !is_forbidden_address(addr.ip()))
                .collect();
            if permitted.is_empty() {
                let refusal = format!("{host} resolves only to link-local or metadata addresses");
                return Err(refusal.into());
            }
            Ok(Box::new(permitted.into_iter()) as Addrs)
        })
    }
}

/// Refuses a URL whose host is a literal forbidden address (a name is checked as it resolves).
fn literal_refusal(settings: &EventSettings, url: &str) -> Option<String> {
    let url = reqwest::Url::parse(url).ok()?;
    let host = url
        .host_str()?
        .trim_start_matches('[')
        .trim_end_matches(']');
    let ip: IpAddr = host.parse().ok()?;
    (!settings.allow_link_local && is_forbidden_address(ip))
        .then(|| format!("{ip} is a link-local or metadata address"))
}

/// Returns true for link-local addresses (where cloud metadata services answer) and the
/// well-known metadata addresses.
pub fn is_forbidden_address(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => v4.is_link_local() || v4.octets() == [100, 100, 100, 200],
        IpAddr::V6(v6) => {
            let segments = v6.segments();
            (segments[0] & 0xffc0) == 0xfe80
                || v6
                    == "fd00:ec2::254"
                        .parse::<std::net::Ipv6Addr>()
                        .expect("an address")
                || v6.to_ipv4_mapped().is_some_and(|v4| v4.is_link_local())
        }
    }
}

/// Says why a request got no answer, without the URL's query (which may hold a token).
fn describe(err: &reqwest::Error) -> String {
    let what = if err.is_timeout() {
        "the receiver did not answer in time"
    } else if err.is_connect() {
        "the receiver could not be reached"
    } else {
        "the request failed"
    };
    let mut cause = String::new();
    let mut source = std::error::Error::source(err);
    while let Some(inner) = source {
        cause = inner.to_string();
        source = inner.source();
    }
    match cause.is_empty() {
        true => what.to_string(),
        false => format!("{what}: {cause}"),
    }
}

/// Milliseconds since the epoch.
fn millis() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}

/// A name for this instance's leases.
fn holder_name() -> String {
    let mut bytes = [0u8; 8];
    let _ = getrandom::fill(&mut bytes);
    format!("{}-{}", std::process::id(), hex::encode(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn link_local_and_metadata_addresses_are_forbidden_and_loopback_is_not() {
        for forbidden in [
            "169.254.169.254",
            "169.254.0.1",
            "fe80::1",
            "fd00:ec2::254",
            "100.100.100.200",
            "::ffff:169.254.169.254",
        ] {
            assert!(
                is_forbidden_address(forbidden.parse().unwrap()),
                "{forbidden}"
            );
        }
        for allowed in ["127.0.0.1", "10.0.0.1", "::1", "192.168.1.1", "8.8.8.8"] {
            assert!(!is_forbidden_address(allowed.parse().unwrap()), "{allowed}");
        }
    }

    #[test]
    fn retries_double_from_the_first_wait_and_give_up_after_three_days() {
        let settings = EventSettings {
            first_retry: Duration::from_secs(10),
            ..EventSettings::default()
        };
        let mut webhook = Webhook {
            id: "w".into(),
            url: "http://localhost".into(),
            events: vec![],
            subjects: vec![],
            team: None,
            follow: None,
            secret: "s".into(),
            previous_secret: None,
            previous_until: None,
            created_by: "admin".into(),
            created_at: now(),
            failing: false,
            failing_since: None,
            attempts: 0,
            next_attempt: 0,
        };
        let first = retry_after(&settings, &webhook, 1);
        let wait = first.next_attempt - millis();
        assert!((7_000..=12_100).contains(&wait), "{wait}");
        assert!(!first.failing);
        let fourth = retry_after(&settings, &webhook, 4);
        let wait = fourth.next_attempt - millis();
        assert!((60_000..=96_100).contains(&wait), "{wait}");
        webhook.failing_since = Some(millis() - GIVE_UP_AFTER.as_millis() as i64 - 1);
        assert!(retry_after(&settings, &webhook, 30).failing);
    }
}
