//! A small client for the registry endpoints the CI commands call: the impact check, the
//! lookup, and registration. Credentials come from the environment only:
//! `ACCORD_CREDENTIALS=service:secret` (HTTP Basic) or `ACCORD_TOKEN` (Bearer).
//!
//! Every failure becomes one line that says what to do: the registry cannot be reached, it
//! refused the credential (401) or the grant (403), or it answered with an error.
//!
//! The types here are the client's view of the registry's answers; their names say so, so that
//! they never read as the server's own types (`registry::Registry`, `storage::Registration`,
//! `governance::impact::Affected`, `storage::Contact`).

use std::time::Duration;

use anyhow::{anyhow, bail, Result};
use reqwest::{Method, RequestBuilder, Response, StatusCode};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use super::project::Contract;

/// A consumer a breaking change would affect, with its team and the team's contacts.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AffectedConsumer {
    pub service: String,
    pub team: String,
    #[serde(default)]
    pub contacts: Vec<ContactInfo>,
}

/// A service seen reading a subject without being declared on it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct UndeclaredReader {
    pub service: String,
    pub team: String,
    #[serde(default)]
    pub contacts: Vec<ContactInfo>,
    pub last_seen: String,
}

/// A way to reach a team, such as `email payments@example.com`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ContactInfo {
    pub kind: String,
    pub value: String,
}

/// The registry's answer to `POST /governance/subjects/{s}/impact`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Impact {
    pub compatible: bool,
    pub compatibility_level: String,
    pub messages: Vec<String>,
    #[serde(default)]
    pub affected: Vec<AffectedConsumer>,
    #[serde(default)]
    pub undeclared: Vec<UndeclaredReader>,
    /// The undecided proposal whose candidate is exactly this schema, if one exists.
    #[serde(default)]
    pub proposal: Option<ProposalRef>,
}

/// A proposal a check found for exactly the checked schema.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ProposalRef {
    pub id: i64,
    /// `open` or `approved`.
    pub state: String,
}

/// An affected service's answer to a proposal.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ProposalAnswer {
    pub service: String,
    pub team: String,
    #[serde(default)]
    pub contacts: Vec<ContactInfo>,
    /// `pending`, `ready` or `blocked`.
    pub response: String,
    #[serde(default)]
    pub comment: String,
}

/// A proposal as the registry shows it, in the fields the commands print.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ProposalInfo {
    pub id: i64,
    pub subject: String,
    pub state: String,
    pub summary: String,
    pub opened_by: String,
    pub opened_at: String,
    #[serde(default)]
    pub deadline: Option<String>,
    #[serde(default)]
    pub affected: Vec<ProposalAnswer>,
}

/// A registered version of a subject, as a lookup answers it.
#[derive(Debug, Deserialize)]
pub struct RegisteredVersion {
    pub id: i64,
    pub version: i64,
}

/// The registry's answer to one request: its status and its JSON body (`null` when empty).
#[derive(Debug)]
pub struct Reply {
    pub status: StatusCode,
    pub body: Value,
    /// The server's message, for an answer that is not a success.
    pub message: String,
}

impl Reply {
    /// Returns the Confluent `error_code` of a refusal, if the body has one.
    pub fn error_code(&self) -> Option<i64> {
        self.body["error_code"].as_i64()
    }
}

/// What a registration attempt came to.
pub enum RegistrationOutcome {
    Registered,
    /// Refused as incompatible (409); the message names the reasons and affected consumers.
    Incompatible(String),
}

/// How a client proves who it is.
pub enum Credential {
    /// HTTP Basic: a user and a password.
    Basic(String, String),
    /// A bearer token.
    Bearer(String),
}

/// The registry at one base URL, with the credential from the environment.
pub struct RegistryClient {
    http: reqwest::Client,
    base: String,
    credential: Option<Credential>,
    /// Where the credential comes from, for a refusal's advice.
    from: &'static str,
}

impl RegistryClient {
    /// Returns a client for `base`, reading `ACCORD_CREDENTIALS` or `ACCORD_TOKEN`.
    pub fn from_env(base: &str) -> Result<RegistryClient> {
        let credential = match (non_empty("ACCORD_CREDENTIALS"), non_empty("ACCORD_TOKEN")) {
            (Some(pair), _) => {
                let (service, secret) = pair.split_once(':').ok_or_else(|| {
                    anyhow!("ACCORD_CREDENTIALS must be service:secret (no ':' found)")
                })?;
                Some(Credential::Basic(service.to_string(), secret.to_string()))
            }
            (None, Some(token)) => Some(Credential::Bearer(token)),
            (None, None) => None,
        };
        RegistryClient::new(base, credential)
    }

    /// Returns a client for `base` that sends `credential`.
    pub fn new(base: &str, credential: Option<Credential>) -> Result<RegistryClient> {
        let base = base.trim_end_matches('/');
        if !(base.starts_with("http://") || base.starts_with("https://")) {
            bail!(
                "the registry URL '{base}' does not start with http:// or https://; did you mean \
                 http://{}?",
                base.split_once("://").map_or(base, |(_, rest)| rest)
            );
        }
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(10))
            .timeout(Duration::from_secs(60))
            .user_agent(concat!("accord/", env!("CARGO_PKG_VERSION")))
            .build()?;
        Ok(RegistryClient {
            http,
            base: base.to_string(),
            credential,
            from: "ACCORD_CREDENTIALS=service:secret or ACCORD_TOKEN",
        })
    }

    /// Names where this client's credential comes from (such as flags) in the advice of a
    /// refusal.
    pub fn credential_from(self, from: &'static str) -> RegistryClient {
        RegistryClient { from, ..self }
    }

    /// Asks whether `contract` would break its subject, and whom it would affect.
    pub async fn impact(&self, contract: &Contract) -> Result<Impact> {
        let path = format!("/governance/subjects/{}/impact", segment(&contract.subject));
        let response = self
            .send(self.http.post(self.url(&path)).json(&body(contract)))
            .await?;
        Ok(self.check_status(response, &path).await?.json().await?)
    }

    /// Opens a proposal to land `contract`'s schema in its subject, with `summary` and an
    /// optional `deadline` (RFC 3339).
    pub async fn propose(
        &self,
        contract: &Contract,
        summary: &str,
        deadline: Option<&str>,
    ) -> Result<ProposalInfo> {
        let path = format!(
            "/governance/subjects/{}/proposals",
            segment(&contract.subject)
        );
        let mut request = body(contract);
        request["summary"] = summary.into();
        if let Some(deadline) = deadline {
            request["deadline"] = deadline.into();
        }
        let created = self.json(Method::POST, &path, Some(&request)).await?;
        Ok(serde_json::from_value(created)?)
    }

    /// Returns the proposals of `subject`, newest first.
    pub async fn proposals(&self, subject: &str) -> Result<Vec<ProposalInfo>> {
        let path = format!("/governance/proposals?subject={}", segment(subject));
        let mut list = self.json(Method::GET, &path, None).await?;
        Ok(serde_json::from_value(list["proposals"].take())?)
    }

    /// Returns the version of `contract`'s subject that already holds this schema, if any.
    pub async fn lookup(&self, contract: &Contract) -> Result<Option<RegisteredVersion>> {
        let path = format!("/subjects/{}", segment(&contract.subject));
        let response = self
            .send(self.http.post(self.url(&path)).json(&body(contract)))
            .await?;
        if response.status() == StatusCode::NOT_FOUND {
            return Ok(None);
        }
        Ok(Some(
            self.check_status(response, &path).await?.json().await?,
        ))
    }

    /// Registers `contract` under its subject; the registry returns the existing id when the
    /// schema is already there.
    pub async fn register(&self, contract: &Contract) -> Result<RegistrationOutcome> {
        let path = format!("/subjects/{}/versions", segment(&contract.subject));
        let response = self
            .send(self.http.post(self.url(&path)).json(&body(contract)))
            .await?;
        if response.status() == StatusCode::CONFLICT {
            return Ok(RegistrationOutcome::Incompatible(
                error_message(response).await,
            ));
        }
        self.check_status(response, &path).await?;
        Ok(RegistrationOutcome::Registered)
    }

    /// Returns the compatibility level that applies to `subject` when the registry holds no
    /// live version of it; `None` when it does.
    pub async fn new_subject_level(&self, subject: &str) -> Result<Option<String>> {
        let path = format!("/subjects/{}/versions", segment(subject));
        let response = self.send(self.http.get(self.url(&path))).await?;
        if response.status() != StatusCode::NOT_FOUND {
            self.check_status(response, &path).await?;
            return Ok(None);
        }
        let path = format!("/config/{}?defaultToGlobal=true", segment(subject));
        let response = self.send(self.http.get(self.url(&path))).await?;
        let config: Value = self.check_status(response, &path).await?.json().await?;
        Ok(config["compatibilityLevel"].as_str().map(str::to_string))
    }

    /// Sends `method path` with an optional JSON `body` and returns whatever the registry
    /// answered; only failing to get an answer at all is an error.
    pub async fn call(&self, method: Method, path: &str, body: Option<&Value>) -> Result<Reply> {
        let mut request = self.http.request(method, self.url(path));
        if let Some(body) = body {
            request = request.json(body);
        }
        let response = self.send(request).await?;
        let status = response.status();
        let text = response.text().await.unwrap_or_default();
        let body = match text.trim().is_empty() {
            true => Value::Null,
            false => serde_json::from_str(&text).unwrap_or(Value::String(text.clone())),
        };
        let message = message_of(status, &text);
        Ok(Reply {
            status,
            body,
            message,
        })
    }

    /// GETs `path` asking for JSON (`Accept: application/json`), for endpoints that answer
    /// another media type by default; the body of a success, else the server's message.
    pub async fn get_json(&self, path: &str) -> Result<Value> {
        let request = self
            .http
            .request(Method::GET, self.url(path))
            .header(reqwest::header::ACCEPT, "application/json");
        let response = self.send(request).await?;
        let status = response.status();
        let text = response.text().await.unwrap_or_default();
        let message = message_of(status, &text);
        let body = serde_json::from_str(&text).unwrap_or(Value::String(text));
        self.success(
            Reply {
                status,
                body,
                message,
            },
            path,
        )
    }

    /// Sends `method path` like [`RegistryClient::call`] and returns the body of a success; any
    /// other answer is an error carrying the server's message.
    pub async fn json(&self, method: Method, path: &str, body: Option<&Value>) -> Result<Value> {
        let reply = self.call(method, path, body).await?;
        self.success(reply, path)
    }

    /// Returns the body of `reply` when it is a success, else the error that says what to do.
    pub fn success(&self, reply: Reply, path: &str) -> Result<Value> {
        match reply.status.is_success() {
            true => Ok(reply.body),
            false => Err(self.failure(reply.status, &reply.message, path)),
        }
    }

    /// Sends `request` with the credential; failing to get an answer at all is an error.
    async fn send(&self, request: RequestBuilder) -> Result<Response> {
        self.authorized(request)
            .send()
            .await
            .map_err(|err| self.unreachable(err))
    }

    async fn check_status(&self, response: Response, path: &str) -> Result<Response> {
        let status = response.status();
        if status.is_success() {
            return Ok(response);
        }
        let message = error_message(response).await;
        Err(self.failure(status, &message, path))
    }

    /// The error for a refused request: what the status means for the caller, and the message.
    fn failure(&self, status: StatusCode, message: &str, path: &str) -> anyhow::Error {
        match status {
            StatusCode::UNAUTHORIZED if self.credential.is_none() => anyhow!(
                "the registry at {} requires a credential (401: {message}); set {}",
                self.base,
                self.from
            ),
            StatusCode::UNAUTHORIZED => anyhow!(
                "the registry at {} refused the credential (401: {message}); check {}",
                self.base,
                self.from
            ),
            StatusCode::FORBIDDEN => anyhow!(
                "the registry at {} denied the credential access (403: {message})",
                self.base
            ),
            _ => anyhow!(
                "the registry answered {} to {path}: {message}",
                status.as_u16()
            ),
        }
    }

    fn authorized(&self, request: RequestBuilder) -> RequestBuilder {
        match &self.credential {
            Some(Credential::Basic(user, secret)) => request.basic_auth(user, Some(secret)),
            Some(Credential::Bearer(token)) => request.bearer_auth(token),
            None => request,
        }
    }

    fn unreachable(&self, err: reqwest::Error) -> anyhow::Error {
        let mut cause: &dyn std::error::Error = &err;
        while let Some(source) = cause.source() {
            cause = source;
        }
        anyhow!("cannot reach the registry at {}: {cause}", self.base)
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }
}

/// The registration body: the file's text, its type, and references to the latest versions of
/// the subjects it references (`-1` means latest).
fn body(contract: &Contract) -> Value {
    let references: Vec<Value> = contract
        .references
        .iter()
        .map(|r| json!({ "name": r.name, "subject": r.subject, "version": -1 }))
        .collect();
    json!({
        "schema": contract.text,
        "schemaType": contract.schema_type.as_str(),
        "references": references,
    })
}

async fn error_message(response: Response) -> String {
    let status = response.status();
    let text = response.text().await.unwrap_or_default();
    message_of(status, &text)
}

/// The message of an answer: the Confluent body's `message`, else its first line.
fn message_of(status: StatusCode, text: &str) -> String {
    match serde_json::from_str::<Value>(text) {
        Ok(body) => match body["message"].as_str() {
            Some(message) => message.to_string(),
            None => body.to_string(),
        },
        Err(_) if text.trim().is_empty() => status.to_string(),
        Err(_) => text.lines().next().unwrap_or_default().to_string(),
    }
}

pub use crate::types::path_segment as segment;

fn non_empty(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|value| !value.is_empty())
}
