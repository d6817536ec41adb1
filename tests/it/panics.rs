//! No panic reaches a client, and shutdown finishes what is in flight: the router over a store
//! that panics on, or holds, one call (`GET /subjects`), everything else delegated to SQLite.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use axum::http::StatusCode;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::sync::{oneshot, Notify};

use accord::app::{self, AppState, ConnectionLimits};
use accord::storage::*;
use accord::types::{Mode, SchemaId, SubjectName, Version};
use accord::Result;

/// What the store does on its next `subjects` call.
#[derive(Default)]
struct Fault {
    /// Panic, once.
    panic_once: AtomicBool,
    /// Hold the call until `release` is notified, once; `entered` says it is being held.
    hold_once: AtomicBool,
    entered: Notify,
    release: Notify,
}

/// A real store whose `subjects` call obeys a [`Fault`].
struct Faulty {
    inner: Arc<dyn Store>,
    fault: Arc<Fault>,
}

#[async_trait]
impl SchemaReads for Faulty {
    async fn ping(&self) -> Result<()> {
        self.inner.ping().await
    }
    async fn subjects(&self, include: Include) -> Result<Vec<String>> {
        if self.fault.panic_once.swap(false, Ordering::SeqCst) {
            panic!("the store broke an invariant");
        }
        if self.fault.hold_once.swap(false, Ordering::SeqCst) {
            self.fault.entered.notify_one();
            self.fault.release.notified().await;
        }
        self.inner.subjects(include).await
    }
    async fn versions(&self, subject: &SubjectName) -> Result<Vec<StoredVersion>> {
        self.inner.versions(subject).await
    }
    async fn versions_under(&self, prefix: &str) -> Result<Vec<StoredVersion>> {
        self.inner.versions_under(prefix).await
    }
    async fn version(
        &self,
        subject: &SubjectName,
        version: Version,
    ) -> Result<Option<StoredVersion>> {
        self.inner.version(subject, version).await
    }
    async fn latest_version(
        &self,
        subject: &SubjectName,
        include: Include,
    ) -> Result<Option<StoredVersion>> {
        self.inner.latest_version(subject, include).await
    }
    async fn schema(&self, id: SchemaId) -> Result<Option<StoredSchema>> {
        self.inner.schema(id).await
    }
    async fn schema_usages(&self, id: SchemaId) -> Result<Vec<SubjectVersion>> {
        self.inner.schema_usages(id).await
    }
    async fn max_schema_id(&self) -> Result<Option<SchemaId>> {
        self.inner.max_schema_id().await
    }
    async fn referrers(
        &self,
        subject: &SubjectName,
        version: Version,
    ) -> Result<Vec<(SchemaId, SubjectVersion)>> {
        self.inner.referrers(subject, version).await
    }
    async fn subject_state(
        &self,
        subject: &SubjectName,
        fingerprint: &str,
        requested_id: Option<SchemaId>,
    ) -> Result<SubjectState> {
        self.inner
            .subject_state(subject, fingerprint, requested_id)
            .await
    }
    async fn settings(&self, subject: Option<&SubjectName>) -> Result<ScopeSettings> {
        self.inner.settings(subject).await
    }
}

#[async_trait]
impl SchemaStore for Faulty {
    async fn write_version(&self, write: &VersionWrite, audit: &AuditEntry) -> Result<Written> {
        self.inner.write_version(write, audit).await
    }
    async fn delete_versions(
        &self,
        subject: &SubjectName,
        versions: &[Version],
        permanent: bool,
        audit: &AuditEntry,
    ) -> Result<()> {
        self.inner
            .delete_versions(subject, versions, permanent, audit)
            .await
    }
    async fn set_config(
        &self,
        subject: Option<&SubjectName>,
        config: ConfigRecord,
        audit: &AuditEntry,
    ) -> Result<()> {
        self.inner.set_config(subject, config, audit).await
    }
    async fn delete_config(
        &self,
        subject: Option<&SubjectName>,
        audit: &AuditEntry,
    ) -> Result<Option<ConfigRecord>> {
        self.inner.delete_config(subject, audit).await
    }
    async fn set_mode(
        &self,
        subject: Option<&SubjectName>,
        mode: Mode,
        audit: &AuditEntry,
    ) -> Result<()> {
        self.inner.set_mode(subject, mode, audit).await
    }
    async fn delete_mode(
        &self,
        subject: Option<&SubjectName>,
        audit: &AuditEntry,
    ) -> Result<Option<Mode>> {
        self.inner.delete_mode(subject, audit).await
    }
}

#[async_trait]
impl GovernanceStore for Faulty {
    async fn create_team(&self, team: &Team, audit: &AuditEntry) -> Result<Checked> {
        self.inner.create_team(team, audit).await
    }
    async fn teams(&self) -> Result<Vec<Team>> {
        self.inner.teams().await
    }
    async fn team(&self, name: &str) -> Result<Option<Team>> {
        self.inner.team(name).await
    }
    async fn update_team(&self, team: &Team, audit: &AuditEntry) -> Result<Checked> {
        self.inner.update_team(team, audit).await
    }
    async fn delete_team(&self, name: &str, audit: &AuditEntry) -> Result<Checked> {
        self.inner.delete_team(name, audit).await
    }
    async fn create_service(&self, service: &Service, audit: &AuditEntry) -> Result<Checked> {
        self.inner.create_service(service, audit).await
    }
    async fn services(&self) -> Result<Vec<Service>> {
        self.inner.services().await
    }
    async fn service(&self, name: &str) -> Result<Option<Service>> {
        self.inner.service(name).await
    }
    async fn update_service(&self, service: &Service, audit: &AuditEntry) -> Result<Checked> {
        self.inner.update_service(service, audit).await
    }
    async fn delete_service(&self, name: &str, audit: &AuditEntry) -> Result<Checked> {
        self.inner.delete_service(name, audit).await
    }
    async fn create_credential(
        &self,
        credential: &NewCredential,
        audit: &AuditEntry,
    ) -> Result<Checked> {
        self.inner.create_credential(credential, audit).await
    }
    async fn credentials(&self, service: &str) -> Result<Vec<CredentialInfo>> {
        self.inner.credentials(service).await
    }
    async fn credential_by_hash(&self, secret_hash: &str) -> Result<Option<CredentialInfo>> {
        self.inner.credential_by_hash(secret_hash).await
    }
    async fn touch_credential(&self, id: &str, at: &str) -> Result<()> {
        self.inner.touch_credential(id, at).await
    }
    async fn revoke_credential(
        &self,
        service: &str,
        id: &str,
        audit: &AuditEntry,
    ) -> Result<Checked> {
        self.inner.revoke_credential(service, id, audit).await
    }
    async fn producer(&self, subject: &SubjectName) -> Result<Option<Producer>> {
        self.inner.producer(subject).await
    }
    async fn set_producer(&self, producer: &Producer, audit: &AuditEntry) -> Result<Checked> {
        self.inner.set_producer(producer, audit).await
    }
    async fn consumers(&self, subject: &SubjectName) -> Result<Vec<ConsumerGrant>> {
        self.inner.consumers(subject).await
    }
    async fn grant_consumer(&self, grant: &ConsumerGrant, audit: &AuditEntry) -> Result<Checked> {
        self.inner.grant_consumer(grant, audit).await
    }
    async fn revoke_consumer(
        &self,
        subject: &SubjectName,
        service: &str,
        audit: &AuditEntry,
    ) -> Result<Checked> {
        self.inner.revoke_consumer(subject, service, audit).await
    }
    async fn produced_by(&self, service: &str) -> Result<Vec<String>> {
        self.inner.produced_by(service).await
    }
    async fn consumed_by(&self, service: &str) -> Result<Vec<String>> {
        self.inner.consumed_by(service).await
    }
    async fn audit_records(&self, query: &AuditQuery) -> Result<Vec<AuditRecord>> {
        self.inner.audit_records(query).await
    }
}

/// A faulty store over a fresh SQLite file (kept alive by the returned folder).
async fn faulty_store() -> (Arc<dyn Store>, Arc<Fault>, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("p.db").display());
    let inner = accord::storage::connect(&url).await.unwrap();
    let fault = Arc::new(Fault::default());
    let store = Faulty {
        inner,
        fault: fault.clone(),
    };
    (Arc::new(store), fault, dir)
}

/// Sends `GET path` on a fresh connection and returns the whole answer.
async fn get(addr: std::net::SocketAddr, path: &str) -> String {
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let request = format!("GET {path} HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    tokio::time::timeout(Duration::from_secs(10), stream.read_to_end(&mut answer))
        .await
        .expect("an answer within 10 s")
        .unwrap();
    String::from_utf8_lossy(&answer).into_owned()
}

#[tokio::test]
async fn a_panicking_handler_answers_500_in_the_confluent_shape_and_the_next_request_is_served() {
    let (store, fault, _dir) = faulty_store().await;
    let app = crate::support::TestApp::with_store(store).await;
    fault.panic_once.store(true, Ordering::SeqCst);

    let (status, body) = app.get("/subjects").await;

    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR, "{body}");
    assert_eq!(body["error_code"], 500);
    let message = body["message"].as_str().unwrap();
    assert!(
        !message.contains("invariant"),
        "the panic's text reached the client: {message}"
    );
    let (status, body) = app.get("/subjects").await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

#[tokio::test]
async fn shutdown_finishes_a_request_in_flight() {
    let (store, fault, _dir) = faulty_store().await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = oneshot::channel::<()>();
    let server = tokio::spawn(app::serve(
        listener,
        AppState::new(store),
        async move {
            let _ = stopped.await;
        },
        ConnectionLimits::default(),
    ));
    fault.hold_once.store(true, Ordering::SeqCst);
    let in_flight = tokio::spawn(get(addr, "/subjects"));
    fault.entered.notified().await;

    stop.send(()).unwrap();
    // Shutdown has begun: new connections are refused while the request is still held.
    crate::backend::eventually("the listener closes", Duration::from_secs(5), || async {
        tokio::net::TcpStream::connect(addr)
            .await
            .is_err()
            .then_some(())
    })
    .await;
    assert!(
        !server.is_finished(),
        "serve returned with a request in flight"
    );
    fault.release.notify_one();

    let answer = in_flight.await.unwrap();
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(answer.ends_with("[]"), "{answer}");
    let finished = tokio::time::timeout(Duration::from_secs(5), server).await;
    assert!(matches!(finished, Ok(Ok(Ok(())))), "serve did not return");
}
