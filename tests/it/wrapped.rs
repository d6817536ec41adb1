//! A real store wrapped to misbehave on demand and to count the calls it answers: the tests of
//! panics and shutdown make its `subjects` call panic or hang, and the tests of query counts read
//! how many calls a request cost.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;

use async_trait::async_trait;
use tokio::sync::Notify;

use accord::storage::*;
use accord::types::{Compatibility, Mode, SchemaId, SubjectName, Version};
use accord::Result;

/// What the store does on its next `subjects` call.
#[derive(Default)]
pub struct Fault {
    /// Panic, once.
    pub panic_once: AtomicBool,
    /// Hold the call until `release` is notified, once; `entered` says it is being held.
    pub hold_once: AtomicBool,
    pub entered: Notify,
    pub release: Notify,
    /// How many calls the store has answered.
    pub calls: AtomicUsize,
}

/// A real store whose `subjects` call obeys a [`Fault`], and which counts its calls.
pub struct Faulty {
    inner: Arc<dyn Store>,
    fault: Arc<Fault>,
}

#[async_trait]
impl SchemaReads for Faulty {
    async fn ping(&self) -> Result<()> {
        self.fault.calls.fetch_add(1, Ordering::SeqCst);
        self.inner.ping().await
    }
    async fn subjects(&self, include: Include) -> Result<Vec<String>> {
        self.fault.calls.fetch_add(1, Ordering::SeqCst);
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
        self.fault.calls.fetch_add(1, Ordering::SeqCst);
        self.inner.versions(subject).await
    }
    async fn versions_under(&self, prefix: &str) -> Result<Vec<StoredVersion>> {
        self.fault.calls.fetch_add(1, Ordering::SeqCst);
        self.inner.versions_under(prefix).await
    }
    async fn version(
        &self,
        subject: &SubjectName,
        version: Version,
    ) -> Result<Option<StoredVersion>> {
        self.fault.calls.fetch_add(1, Ordering::SeqCst);
        self.inner.version(subject, version).await
    }
    async fn latest_version(
        &self,
        subject: &SubjectName,
        include: Include,
    ) -> Result<Option<StoredVersion>> {
        self.fault.calls.fetch_add(1, Ordering::SeqCst);
        self.inner.latest_version(subject, include).await
    }
    async fn schema(&self, id: SchemaId) -> Result<Option<StoredSchema>> {
        self.fault.calls.fetch_add(1, Ordering::SeqCst);
        self.inner.schema(id).await
    }
    async fn schema_usages(&self, id: SchemaId) -> Result<Vec<SubjectVersion>> {
        self.fault.calls.fetch_add(1, Ordering::SeqCst);
        self.inner.schema_usages(id).await
    }
    async fn usages_of(&self, ids: &[SchemaId]) -> Result<Vec<(SchemaId, SubjectVersion)>> {
        self.fault.calls.fetch_add(1, Ordering::SeqCst);
        self.inner.usages_of(ids).await
    }
    async fn max_schema_id(&self) -> Result<Option<SchemaId>> {
        self.fault.calls.fetch_add(1, Ordering::SeqCst);
        self.inner.max_schema_id().await
    }
    async fn referrers(
        &self,
        subject: &SubjectName,
        version: Version,
    ) -> Result<Vec<(SchemaId, SubjectVersion)>> {
        self.fault.calls.fetch_add(1, Ordering::SeqCst);
        self.inner.referrers(subject, version).await
    }
    async fn subject_state(
        &self,
        subject: &SubjectName,
        fingerprint: &str,
        requested_id: Option<SchemaId>,
    ) -> Result<SubjectState> {
        self.fault.calls.fetch_add(1, Ordering::SeqCst);
        self.inner
            .subject_state(subject, fingerprint, requested_id)
            .await
    }
    async fn settings(&self, subject: Option<&SubjectName>) -> Result<ScopeSettings> {
        self.fault.calls.fetch_add(1, Ordering::SeqCst);
        self.inner.settings(subject).await
    }
    async fn aliases(&self) -> Result<Vec<(String, String)>> {
        self.fault.calls.fetch_add(1, Ordering::SeqCst);
        self.inner.aliases().await
    }
}

#[async_trait]
impl SchemaStore for Faulty {
    async fn write_version(&self, write: &VersionWrite, audit: &AuditEntry) -> Result<Written> {
        self.fault.calls.fetch_add(1, Ordering::SeqCst);
        self.inner.write_version(write, audit).await
    }
    async fn delete_versions(
        &self,
        subject: &SubjectName,
        versions: &[Version],
        permanent: bool,
        audit: &AuditEntry,
    ) -> Result<()> {
        self.fault.calls.fetch_add(1, Ordering::SeqCst);
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
        self.fault.calls.fetch_add(1, Ordering::SeqCst);
        self.inner.set_config(subject, config, audit).await
    }
    async fn delete_config(
        &self,
        subject: Option<&SubjectName>,
        audit: &AuditEntry,
    ) -> Result<Option<ConfigRecord>> {
        self.fault.calls.fetch_add(1, Ordering::SeqCst);
        self.inner.delete_config(subject, audit).await
    }
    async fn set_mode(
        &self,
        subject: Option<&SubjectName>,
        mode: Mode,
        audit: &AuditEntry,
    ) -> Result<()> {
        self.fault.calls.fetch_add(1, Ordering::SeqCst);
        self.inner.set_mode(subject, mode, audit).await
    }
    async fn delete_mode(
        &self,
        subject: Option<&SubjectName>,
        audit: &AuditEntry,
    ) -> Result<Option<Mode>> {
        self.fault.calls.fetch_add(1, Ordering::SeqCst);
        self.inner.delete_mode(subject, audit).await
    }
}

#[async_trait]
impl GovernanceStore for Faulty {
    async fn create_team(&self, team: &Team, audit: &AuditEntry) -> Result<Checked> {
        self.fault.calls.fetch_add(1, Ordering::SeqCst);
        self.inner.create_team(team, audit).await
    }
    async fn teams(&self) -> Result<Vec<Team>> {
        self.fault.calls.fetch_add(1, Ordering::SeqCst);
        self.inner.teams().await
    }
    async fn team(&self, name: &str) -> Result<Option<Team>> {
        self.fault.calls.fetch_add(1, Ordering::SeqCst);
        self.inner.team(name).await
    }
    async fn update_team(&self, team: &Team, audit: &AuditEntry) -> Result<Checked> {
        self.fault.calls.fetch_add(1, Ordering::SeqCst);
        self.inner.update_team(team, audit).await
    }
    async fn delete_team(&self, name: &str, audit: &AuditEntry) -> Result<Checked> {
        self.fault.calls.fetch_add(1, Ordering::SeqCst);
        self.inner.delete_team(name, audit).await
    }
    async fn create_service(&self, service: &Service, audit: &AuditEntry) -> Result<Checked> {
        self.fault.calls.fetch_add(1, Ordering::SeqCst);
        self.inner.create_service(service, audit).await
    }
    async fn services(&self) -> Result<Vec<Service>> {
        self.fault.calls.fetch_add(1, Ordering::SeqCst);
        self.inner.services().await
    }
    async fn service(&self, name: &str) -> Result<Option<Service>> {
        self.fault.calls.fetch_add(1, Ordering::SeqCst);
        self.inner.service(name).await
    }
    async fn update_service(&self, service: &Service, audit: &AuditEntry) -> Result<Checked> {
        self.fault.calls.fetch_add(1, Ordering::SeqCst);
        self.inner.update_service(service, audit).await
    }
    async fn delete_service(&self, name: &str, audit: &AuditEntry) -> Result<Checked> {
        self.fault.calls.fetch_add(1, Ordering::SeqCst);
        self.inner.delete_service(name, audit).await
    }
    async fn create_credential(
        &self,
        credential: &NewCredential,
        audit: &AuditEntry,
    ) -> Result<Checked> {
        self.fault.calls.fetch_add(1, Ordering::SeqCst);
        self.inner.create_credential(credential, audit).await
    }
    async fn credentials(&self, service: &str) -> Result<Vec<CredentialInfo>> {
        self.fault.calls.fetch_add(1, Ordering::SeqCst);
        self.inner.credentials(service).await
    }
    async fn credential_by_hash(&self, secret_hash: &str) -> Result<Option<CredentialInfo>> {
        self.fault.calls.fetch_add(1, Ordering::SeqCst);
        self.inner.credential_by_hash(secret_hash).await
    }
    async fn touch_credential(&self, id: &str, at: &str) -> Result<()> {
        self.fault.calls.fetch_add(1, Ordering::SeqCst);
        self.inner.touch_credential(id, at).await
    }
    async fn revoke_credential(
        &self,
        service: &str,
        id: &str,
        audit: &AuditEntry,
    ) -> Result<Checked> {
        self.fault.calls.fetch_add(1, Ordering::SeqCst);
        self.inner.revoke_credential(service, id, audit).await
    }
    async fn producer(&self, subject: &SubjectName) -> Result<Option<Producer>> {
        self.fault.calls.fetch_add(1, Ordering::SeqCst);
        self.inner.producer(subject).await
    }
    async fn set_producer(&self, producer: &Producer, audit: &AuditEntry) -> Result<Checked> {
        self.fault.calls.fetch_add(1, Ordering::SeqCst);
        self.inner.set_producer(producer, audit).await
    }
    async fn consumers(&self, subject: &SubjectName) -> Result<Vec<ConsumerGrant>> {
        self.fault.calls.fetch_add(1, Ordering::SeqCst);
        self.inner.consumers(subject).await
    }
    async fn grant_consumer(&self, grant: &ConsumerGrant, audit: &AuditEntry) -> Result<Checked> {
        self.fault.calls.fetch_add(1, Ordering::SeqCst);
        self.inner.grant_consumer(grant, audit).await
    }
    async fn revoke_consumer(
        &self,
        subject: &SubjectName,
        service: &str,
        audit: &AuditEntry,
    ) -> Result<Checked> {
        self.fault.calls.fetch_add(1, Ordering::SeqCst);
        self.inner.revoke_consumer(subject, service, audit).await
    }
    async fn produced_by(&self, service: &str) -> Result<Vec<String>> {
        self.fault.calls.fetch_add(1, Ordering::SeqCst);
        self.inner.produced_by(service).await
    }
    async fn consumed_by(&self, service: &str) -> Result<Vec<String>> {
        self.fault.calls.fetch_add(1, Ordering::SeqCst);
        self.inner.consumed_by(service).await
    }
    async fn record(&self, audit: &AuditEntry) -> Result<()> {
        self.fault.calls.fetch_add(1, Ordering::SeqCst);
        self.inner.record(audit).await
    }
    async fn audit_records(&self, query: &AuditQuery) -> Result<Vec<AuditRecord>> {
        self.fault.calls.fetch_add(1, Ordering::SeqCst);
        self.inner.audit_records(query).await
    }
}

/// A faulty store over a fresh SQLite file (kept alive by the returned folder).
pub async fn faulty_store() -> (Arc<dyn Store>, Arc<Fault>, tempfile::TempDir) {
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

#[async_trait]
impl ObservationStore for Faulty {
    async fn record_reads(&self, reads: &[ObservedRead]) -> Result<()> {
        self.fault.calls.fetch_add(1, Ordering::SeqCst);
        self.inner.record_reads(reads).await
    }
    async fn observed_reads(&self, subject: Option<&str>) -> Result<Vec<ObservedRead>> {
        self.fault.calls.fetch_add(1, Ordering::SeqCst);
        self.inner.observed_reads(subject).await
    }
    async fn reads_by(&self, reader: &str) -> Result<Vec<ObservedRead>> {
        self.fault.calls.fetch_add(1, Ordering::SeqCst);
        self.inner.reads_by(reader).await
    }
}

#[async_trait]
impl ProposalStore for Faulty {
    async fn create_proposal(&self, proposal: &StoredProposal, audit: &AuditEntry) -> Result<i64> {
        self.fault.calls.fetch_add(1, Ordering::SeqCst);
        self.inner.create_proposal(proposal, audit).await
    }
    async fn proposals(&self, query: &ProposalQuery) -> Result<Vec<StoredProposal>> {
        self.fault.calls.fetch_add(1, Ordering::SeqCst);
        self.inner.proposals(query).await
    }
    async fn proposal(&self, id: i64) -> Result<Option<StoredProposal>> {
        self.fault.calls.fetch_add(1, Ordering::SeqCst);
        self.inner.proposal(id).await
    }
    async fn answer_proposal(
        &self,
        id: i64,
        response: &StoredResponse,
        audit: &AuditEntry,
        approved: Option<&AuditEntry>,
    ) -> Result<Checked> {
        self.fault.calls.fetch_add(1, Ordering::SeqCst);
        self.inner
            .answer_proposal(id, response, audit, approved)
            .await
    }
    async fn rebase_proposal(
        &self,
        id: i64,
        based_on: Option<Version>,
        compatibility: Compatibility,
        messages: &[String],
    ) -> Result<()> {
        self.fault.calls.fetch_add(1, Ordering::SeqCst);
        self.inner
            .rebase_proposal(id, based_on, compatibility, messages)
            .await
    }
    async fn close_proposal(
        &self,
        id: i64,
        closing: &Closing,
        audit: &AuditEntry,
    ) -> Result<Checked> {
        self.fault.calls.fetch_add(1, Ordering::SeqCst);
        self.inner.close_proposal(id, closing, audit).await
    }
}

#[async_trait]
impl WebhookStore for Faulty {
    async fn create_webhook(&self, webhook: &Webhook, audit: &AuditEntry) -> Result<Checked> {
        self.inner.create_webhook(webhook, audit).await
    }
    async fn webhooks(&self) -> Result<Vec<Webhook>> {
        self.inner.webhooks().await
    }
    async fn webhook(&self, id: &str) -> Result<Option<Webhook>> {
        self.inner.webhook(id).await
    }
    async fn update_webhook(&self, webhook: &Webhook, audit: &AuditEntry) -> Result<Checked> {
        self.inner.update_webhook(webhook, audit).await
    }
    async fn delete_webhook(&self, id: &str, audit: &AuditEntry) -> Result<Checked> {
        self.inner.delete_webhook(id, audit).await
    }
    // The delivery loop's calls are not counted: they run on their own schedule.
    async fn lease_webhooks(
        &self,
        holder: &str,
        now: i64,
        until: i64,
        limit: i64,
    ) -> Result<Vec<Webhook>> {
        self.inner.lease_webhooks(holder, now, until, limit).await
    }
    async fn queued_events(&self, id: &str, limit: i64) -> Result<Vec<AuditRecord>> {
        self.inner.queued_events(id, limit).await
    }
    async fn renew_webhook_lease(&self, id: &str, holder: &str, until: i64) -> Result<bool> {
        self.inner.renew_webhook_lease(id, holder, until).await
    }
    async fn events_done(&self, id: &str, seqs: &[i64], deliveries: &[Delivery]) -> Result<()> {
        self.inner.events_done(id, seqs, deliveries).await
    }
    async fn event_failed(&self, id: &str, delivery: &Delivery, retry: Retry) -> Result<()> {
        self.inner.event_failed(id, delivery, retry).await
    }
    async fn deliveries(&self, id: &str, limit: i64) -> Result<Vec<Delivery>> {
        self.inner.deliveries(id, limit).await
    }
    async fn requeue_event(&self, id: &str, seq: i64) -> Result<bool> {
        self.inner.requeue_event(id, seq).await
    }
    async fn events_after(
        &self,
        after: i64,
        subject: Option<&str>,
        action: Option<&str>,
        limit: i64,
    ) -> Result<Vec<AuditRecord>> {
        self.inner.events_after(after, subject, action, limit).await
    }
}

#[async_trait]
impl AssociationStore for Faulty {
    async fn create_associations(
        &self,
        new: &[StoredAssociation],
    ) -> Result<std::result::Result<(), AssociationClash>> {
        self.fault.calls.fetch_add(1, Ordering::SeqCst);
        self.inner.create_associations(new).await
    }
    async fn associations(&self, query: AssociationQuery<'_>) -> Result<Vec<StoredAssociation>> {
        self.fault.calls.fetch_add(1, Ordering::SeqCst);
        self.inner.associations(query).await
    }
    async fn delete_associations(&self, id: &str, kind: &str, types: &[String]) -> Result<()> {
        self.fault.calls.fetch_add(1, Ordering::SeqCst);
        self.inner.delete_associations(id, kind, types).await
    }
}
