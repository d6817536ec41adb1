//! Webhook subscriptions: who may manage them (the admin all of them, a team's services the
//! team's), what a valid one is, and a subscription as the API shows it (never its secret, but
//! once when it is made or rotated).

use serde::Serialize;
use utoipa::ToSchema;

use super::{entry, Action, Governance, Principal};
use crate::storage::{AuditAction, Delivery, Webhook};
use crate::types::now;
use crate::{Error, Result};

/// How long a rotated-out secret keeps signing, so that receivers can switch.
const ROTATION_OVERLAP_MS: i64 = 24 * 3600 * 1000;

/// What a subscription asks for.
#[derive(Debug, Clone, Default)]
pub struct WebhookSpec {
    pub url: String,
    pub events: Option<Vec<String>>,
    pub subjects: Option<Vec<String>>,
    pub team: Option<String>,
    pub follow: Option<String>,
}

/// A subscription as the API shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct WebhookView {
    pub id: String,
    pub url: String,
    pub events: Vec<String>,
    pub subjects: Vec<String>,
    pub team: Option<String>,
    pub follow: Option<String>,
    pub created_by: String,
    pub created_at: String,
    /// Deliveries failed for about three days and were given up; updating the subscription
    /// starts them again with new events.
    pub failing: bool,
    /// Failed attempts at the event now at the head of its queue.
    pub attempts: i64,
}

impl From<&Webhook> for WebhookView {
    fn from(webhook: &Webhook) -> Self {
        WebhookView {
            id: webhook.id.clone(),
            url: webhook.url.clone(),
            events: webhook.events.clone(),
            subjects: webhook.subjects.clone(),
            team: webhook.team.clone(),
            follow: webhook.follow.clone(),
            created_by: webhook.created_by.clone(),
            created_at: webhook.created_at.clone(),
            failing: webhook.failing,
            attempts: webhook.attempts,
        }
    }
}

/// A subscription with its secret, shown once.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct WebhookSecret {
    #[serde(flatten)]
    pub webhook: WebhookView,
    /// The Standard Webhooks secret (`whsec_...`) that signs deliveries.
    pub secret: String,
}

/// One delivery attempt, as the API shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct DeliveryView {
    /// The event's id.
    pub event_id: String,
    pub attempt: i64,
    pub at: String,
    /// The receiver's HTTP status; null when it did not answer.
    pub status: Option<i64>,
    pub latency_ms: i64,
    pub error: Option<String>,
}

impl From<Delivery> for DeliveryView {
    fn from(delivery: Delivery) -> Self {
        DeliveryView {
            event_id: delivery.seq.to_string(),
            attempt: delivery.attempt,
            at: delivery.at,
            status: delivery.status,
            latency_ms: delivery.latency_ms,
            error: delivery.error,
        }
    }
}

impl Governance {
    /// Creates a subscription for `caller`: the admin's own or any team's; a service's for its
    /// team. Returns it with its secret.
    pub async fn create_webhook(
        &self,
        caller: &Principal,
        mut spec: WebhookSpec,
    ) -> Result<WebhookSecret> {
        if spec.team.is_none() {
            spec.team = self.team_of(caller).await?;
        }
        self.authorize_webhook(caller, spec.team.as_deref()).await?;
        let mut id = [0u8; 8];
        getrandom::fill(&mut id).map_err(|e| Error::Internal(e.to_string()))?;
        let webhook = valid(Webhook {
            id: format!("wh_{}", hex::encode(id)),
            url: spec.url,
            events: spec
                .events
                .unwrap_or_else(|| vec!["dev.accord.*".to_string()]),
            subjects: spec.subjects.unwrap_or_default(),
            team: spec.team,
            follow: spec.follow,
            secret: crate::events::new_secret()?,
            previous_secret: None,
            previous_until: None,
            created_by: caller.actor().principal,
            created_at: now(),
            failing: false,
            failing_since: None,
            attempts: 0,
            next_attempt: 0,
        })?;
        let audit = self.webhook_entry(caller, AuditAction::WebhookCreated, &webhook);
        self.store
            .create_webhook(&webhook, &audit)
            .await?
            .map_err(Error::from)?;
        Ok(WebhookSecret {
            webhook: WebhookView::from(&webhook),
            secret: webhook.secret,
        })
    }

    /// Returns the subscriptions `caller` manages.
    pub async fn webhooks(&self, caller: &Principal) -> Result<Vec<WebhookView>> {
        let team = self.team_of(caller).await?;
        if matches!(caller, Principal::Nobody | Principal::Service(_)) && team.is_none() {
            self.authorize_webhook(caller, None).await?;
        }
        let all = self.store.webhooks().await?;
        let managed = all.iter().filter(|w| match caller {
            Principal::Service(_) => w.team.is_some() && w.team == team,
            _ => true,
        });
        Ok(managed.map(WebhookView::from).collect())
    }

    /// Returns subscription `id`, for one who manages it.
    pub async fn webhook(&self, caller: &Principal, id: &str) -> Result<Webhook> {
        let webhook = self
            .store
            .webhook(id)
            .await?
            .ok_or_else(|| Error::WebhookNotFound(id.to_string()))?;
        self.authorize_webhook(caller, webhook.team.as_deref())
            .await?;
        Ok(webhook)
    }

    /// Replaces subscription `id`'s url and filters; starts a failing one again.
    pub async fn update_webhook(
        &self,
        caller: &Principal,
        id: &str,
        spec: WebhookSpec,
    ) -> Result<WebhookView> {
        let current = self.webhook(caller, id).await?;
        let team = spec.team.or(current.team.clone());
        self.authorize_webhook(caller, team.as_deref()).await?;
        let webhook = valid(Webhook {
            url: spec.url,
            events: spec.events.unwrap_or(current.events.clone()),
            subjects: spec.subjects.unwrap_or(current.subjects.clone()),
            team,
            follow: spec.follow.or(current.follow.clone()),
            failing: false,
            attempts: 0,
            ..current
        })?;
        let audit = self.webhook_entry(caller, AuditAction::WebhookUpdated, &webhook);
        self.store
            .update_webhook(&webhook, &audit)
            .await?
            .map_err(Error::from)?;
        Ok(WebhookView::from(&webhook))
    }

    /// Deletes subscription `id` with what it had yet to receive.
    pub async fn delete_webhook(&self, caller: &Principal, id: &str) -> Result<()> {
        let webhook = self.webhook(caller, id).await?;
        let audit = self.webhook_entry(caller, AuditAction::WebhookDeleted, &webhook);
        self.store
            .delete_webhook(id, &audit)
            .await?
            .map_err(Error::from)
    }

    /// Gives subscription `id` a new secret; the old one signs too for a day.
    pub async fn rotate_webhook_secret(
        &self,
        caller: &Principal,
        id: &str,
    ) -> Result<WebhookSecret> {
        let current = self.webhook(caller, id).await?;
        let now_ms = time::OffsetDateTime::now_utc().unix_timestamp() * 1000;
        let webhook = Webhook {
            previous_secret: Some(current.secret.clone()),
            previous_until: Some(now_ms + ROTATION_OVERLAP_MS),
            secret: crate::events::new_secret()?,
            ..current
        };
        let audit = self.webhook_entry(caller, AuditAction::WebhookSecretRotated, &webhook);
        self.store
            .update_webhook(&webhook, &audit)
            .await?
            .map_err(Error::from)?;
        Ok(WebhookSecret {
            webhook: WebhookView::from(&webhook),
            secret: webhook.secret,
        })
    }

    /// Returns subscription `id`'s recent delivery attempts, newest first.
    pub async fn webhook_deliveries(
        &self,
        caller: &Principal,
        id: &str,
    ) -> Result<Vec<DeliveryView>> {
        self.webhook(caller, id).await?;
        let deliveries = self.store.deliveries(id, 100).await?;
        Ok(deliveries.into_iter().map(DeliveryView::from).collect())
    }

    /// Queues event `event_id` for subscription `id` again.
    pub async fn redeliver(&self, caller: &Principal, id: &str, event_id: &str) -> Result<()> {
        self.webhook(caller, id).await?;
        let unknown = || Error::InvalidGovernance(format!("No event has the id '{event_id}'"));
        let seq: i64 = event_id.parse().map_err(|_| unknown())?;
        match self.store.requeue_event(id, seq).await? {
            true => Ok(()),
            false => Err(unknown()),
        }
    }

    /// Returns the audit entry of a change to `webhook`: its id, team and URL without a query
    /// (which may hold a token), never its secret.
    fn webhook_entry(
        &self,
        caller: &Principal,
        action: AuditAction,
        webhook: &Webhook,
    ) -> crate::storage::AuditEntry {
        let url = webhook.url_for_display();
        let details = serde_json::json!({ "id": webhook.id, "url": url, "team": webhook.team });
        entry(caller, action, None, None, details)
    }

    /// Refuses managing a subscription of `team` (`None`: the admin's) to anyone but the admin
    /// and that team's services.
    async fn authorize_webhook(&self, caller: &Principal, team: Option<&str>) -> Result<()> {
        if let Principal::Service(service) = caller {
            let own = self.team_of(caller).await?;
            if team.is_none() || own.as_deref() != team {
                let whose = team.map_or("the admin's".to_string(), |t| format!("team '{t}''s"));
                return Err(Error::Forbidden(format!(
                    "Service '{service}' may not manage {whose} webhooks: a team's services \
                     manage their team's, the admin all of them"
                )));
            }
            return Ok(());
        }
        self.authorize(caller, Action::Administer("manage webhooks"))
            .await
    }

    /// Returns the team of `caller` when it is a service.
    async fn team_of(&self, caller: &Principal) -> Result<Option<String>> {
        match caller {
            Principal::Service(service) => Ok(self.store.service(service).await?.map(|s| s.team)),
            _ => Ok(None),
        }
    }
}

/// Returns `webhook` when its URL, patterns and follow are valid.
fn valid(webhook: Webhook) -> Result<Webhook> {
    let invalid = |message: String| Err(Error::InvalidGovernance(message));
    match reqwest::Url::parse(&webhook.url) {
        Ok(url) if matches!(url.scheme(), "http" | "https") && url.host_str().is_some() => {}
        _ => {
            return invalid(format!(
                "Invalid webhook url '{}': use an http:// or https:// URL",
                webhook.url
            ))
        }
    }
    if webhook.events.is_empty() {
        return invalid("A webhook needs at least one event type pattern".to_string());
    }
    for pattern in &webhook.events {
        let stem = pattern.strip_suffix('*').unwrap_or(pattern);
        let is_valid = (pattern == "*" || pattern.starts_with(crate::events::TYPE_PREFIX))
            && !stem.contains('*');
        if !is_valid {
            return invalid(format!(
                "Invalid event type pattern '{pattern}': use a type such as \
                 dev.accord.schema.registered, a family such as dev.accord.schema.*, or *"
            ));
        }
    }
    if webhook.subjects.iter().any(|glob| glob.is_empty()) {
        return invalid("A subject glob may not be empty".to_string());
    }
    match (webhook.follow.as_deref(), &webhook.team) {
        (None, _) | (Some("consumed"), Some(_)) => Ok(webhook),
        (Some("consumed"), None) => {
            invalid("follow: consumed follows a team's streams: name the team".to_string())
        }
        (Some(other), _) => invalid(format!(
            "Invalid follow '{other}': the one value is consumed"
        )),
    }
}
