//! The in-memory store's data-protection records: registry, feed, subscriptions, objections
//! and the DPA.

use super::memory::MemoryStore;
use crate::change::Write;
use crate::error::{CoreError, CoreResult};
use crate::ids::OrgId;
use crate::ports::PrivacyStore;
use crate::privacy::{
    Connector, DpaSignature, DpaVersion, ErasureRequest, Objection, RegistryEvent, SubProcessor,
    Subscription,
};

#[derive(Clone, Default)]
pub struct PrivacyState {
    subprocessors: Vec<SubProcessor>,
    events: Vec<RegistryEvent>,
    subscriptions: Vec<Subscription>,
    objections: Vec<Objection>,
    versions: Vec<DpaVersion>,
    signatures: Vec<DpaSignature>,
    connectors: Vec<Connector>,
    erasures: Vec<ErasureRequest>,
    breaches: Vec<crate::privacy::Breach>,
    deletions: Vec<crate::privacy::OrgDeletion>,
    requests: Vec<crate::privacy::DataRequest>,
    policy_events: Vec<crate::privacy::PolicyEvent>,
    statements: Vec<crate::privacy::StatementVersion>,
    markers: Vec<(String, jiff::Timestamp)>,
    retention: Vec<crate::privacy::OrgRetention>,
}

/// Drops an organization's own records (what the store's purge deletes with it).
pub fn purge_org(s: &mut PrivacyState, org: OrgId) {
    s.retention.retain(|r| r.org != org);
}

/// Applies one data-protection write.
pub fn apply(s: &mut PrivacyState, w: Write) -> CoreResult<()> {
    match w {
        Write::PutSubProcessor(e) => {
            s.subprocessors.retain(|x| x.id != e.id);
            s.subprocessors.push(*e);
        }
        Write::AddRegistryEvent(e) => s.events.push(*e),
        Write::Subscribe(x) => s.subscriptions.push(*x),
        Write::Unsubscribe(id) => s.subscriptions.retain(|x| x.id != id),
        Write::RecordObjection(o) => s.objections.push(*o),
        Write::PublishDpa(v) => s.versions.push(*v),
        Write::AddPolicyEvent(e) => s.policy_events.push(*e),
        Write::PublishStatement(v) => {
            if s.statements.iter().any(|x| x.version == v.version) {
                return Err(CoreError::conflict("id", "version already published"));
            }
            s.statements.push(*v);
        }
        Write::MarkDeployment { name, at } => {
            if s.markers.iter().any(|(n, _)| *n == name) {
                return Err(CoreError::conflict("id", "already marked"));
            }
            s.markers.push((name, at));
        }
        Write::SetOrgRetention(r) => {
            s.retention.retain(|x| x.org != r.org);
            s.retention.push(*r);
        }
        Write::SignDpa(x) => s.signatures.push(*x),
        Write::PutConnector(c) => {
            s.connectors.retain(|x| x.id != c.id);
            s.connectors.push(*c);
        }
        Write::PutDataRequest(d) => {
            let stored = s.requests.iter().find(|x| x.id == d.id).map(|x| x.version);
            if stored.map_or(d.version != 1, |v| v + 1 != d.version) {
                return Err(CoreError::conflict("request", "changed concurrently"));
            }
            s.requests.retain(|x| x.id != d.id);
            s.requests.push(*d);
        }
        Write::PutOrgDeletion(d) => {
            let stored = s.deletions.iter().find(|x| x.id == d.id).map(|x| x.version);
            if stored.map_or(d.version != 1, |v| v + 1 != d.version) {
                return Err(CoreError::conflict("deletion", "changed concurrently"));
            }
            s.deletions.retain(|x| x.id != d.id);
            s.deletions.push(*d);
        }
        Write::PutBreach(b) => {
            let stored = s.breaches.iter().find(|x| x.id == b.id).map(|x| x.version);
            if stored.map_or(b.version != 1, |v| v + 1 != b.version) {
                return Err(CoreError::conflict("breach", "changed concurrently"));
            }
            s.breaches.retain(|x| x.id != b.id);
            s.breaches.push(*b);
        }
        Write::PutErasure(r) => {
            let stored = s.erasures.iter().find(|x| x.id == r.id).map(|x| x.version);
            if stored.map_or(r.version != 1, |v| v + 1 != r.version) {
                return Err(CoreError::conflict("erasure", "changed concurrently"));
            }
            s.erasures.retain(|x| x.id != r.id);
            s.erasures.push(*r);
        }
        _ => return Err(CoreError::Internal("not a privacy write".into())),
    }
    Ok(())
}

impl PrivacyStore for MemoryStore {
    async fn subprocessors(&self) -> CoreResult<Vec<SubProcessor>> {
        self.with_privacy(|p| {
            let mut v = p.subprocessors.clone();
            v.sort_by(|a, b| a.name.cmp(&b.name));
            v
        })
    }

    async fn registry_events(&self, limit: u32) -> CoreResult<Vec<RegistryEvent>> {
        self.with_privacy(|p| {
            p.events
                .iter()
                .rev()
                .take(limit as usize)
                .cloned()
                .collect()
        })
    }

    async fn subscriptions(&self) -> CoreResult<Vec<Subscription>> {
        self.with_privacy(|p| p.subscriptions.clone())
    }

    async fn objections(&self, org: Option<OrgId>) -> CoreResult<Vec<Objection>> {
        self.with_privacy(|p| {
            p.objections
                .iter()
                .filter(|o| org.is_none_or(|x| o.org == x))
                .cloned()
                .collect()
        })
    }

    async fn dpa_versions(&self) -> CoreResult<Vec<DpaVersion>> {
        self.with_privacy(|p| p.versions.clone())
    }

    async fn dpa_signatures(&self, org: OrgId) -> CoreResult<Vec<DpaSignature>> {
        self.with_privacy(|p| {
            p.signatures
                .iter()
                .filter(|s| s.org == org)
                .cloned()
                .collect()
        })
    }

    async fn connectors(&self) -> CoreResult<Vec<Connector>> {
        self.with_privacy(|p| {
            let mut v = p.connectors.clone();
            v.sort_by(|a, b| a.slug.cmp(&b.slug));
            v
        })
    }

    async fn erasure(&self, id: crate::ids::ErasureId) -> CoreResult<Option<ErasureRequest>> {
        self.with_privacy(|p| p.erasures.iter().find(|r| r.id == id).cloned())
    }

    async fn erasures(&self, org: Option<OrgId>) -> CoreResult<Vec<ErasureRequest>> {
        self.with_privacy(|p| {
            let mut v: Vec<ErasureRequest> = p
                .erasures
                .iter()
                .filter(|r| org.is_none_or(|o| r.org == o))
                .cloned()
                .collect();
            v.sort_by_key(|r| std::cmp::Reverse(r.requested_at));
            v
        })
    }

    async fn erasures_due(&self, now: jiff::Timestamp) -> CoreResult<Vec<ErasureRequest>> {
        self.with_privacy(|p| {
            p.erasures
                .iter()
                .filter(|r| r.next_due().is_some_and(|t| t <= now))
                .cloned()
                .collect()
        })
    }

    async fn breaches(&self) -> CoreResult<Vec<crate::privacy::Breach>> {
        self.with_privacy(|p| {
            let mut v = p.breaches.clone();
            v.sort_by_key(|b| std::cmp::Reverse(b.facts.aware_at));
            v
        })
    }

    async fn policy_events(&self, limit: u32) -> CoreResult<Vec<crate::privacy::PolicyEvent>> {
        self.with_privacy(|p| {
            p.policy_events
                .iter()
                .rev()
                .take(limit as usize)
                .cloned()
                .collect()
        })
    }

    async fn latest_statement(&self) -> CoreResult<Option<crate::privacy::StatementVersion>> {
        self.with_privacy(|p| p.statements.iter().max_by_key(|v| v.version).cloned())
    }

    async fn deployment_marker(&self, name: &str) -> CoreResult<Option<jiff::Timestamp>> {
        self.with_privacy(|p| p.markers.iter().find(|(n, _)| n == name).map(|(_, at)| *at))
    }

    async fn org_retention(
        &self,
        org: Option<OrgId>,
    ) -> CoreResult<Vec<crate::privacy::OrgRetention>> {
        self.with_privacy(|p| {
            p.retention
                .iter()
                .filter(|r| org.is_none_or(|o| r.org == o))
                .copied()
                .collect()
        })
    }

    async fn org_deletions(
        &self,
        org: Option<OrgId>,
    ) -> CoreResult<Vec<crate::privacy::OrgDeletion>> {
        self.with_privacy(|p| {
            let mut v: Vec<_> = p
                .deletions
                .iter()
                .filter(|d| org.is_none_or(|o| d.org == o))
                .cloned()
                .collect();
            v.sort_by_key(|d| std::cmp::Reverse(d.requested_at));
            v
        })
    }

    async fn data_request_by_token(
        &self,
        token_hash: &str,
    ) -> CoreResult<Option<crate::privacy::DataRequest>> {
        self.with_privacy(|p| {
            p.requests
                .iter()
                .find(|r| r.token_hash.as_deref() == Some(token_hash))
                .cloned()
        })
    }

    async fn data_requests(
        &self,
        org: Option<OrgId>,
    ) -> CoreResult<Vec<crate::privacy::DataRequest>> {
        self.with_privacy(|p| {
            let mut v: Vec<_> = p
                .requests
                .iter()
                .filter(|d| org.is_none_or(|o| d.org == o))
                .cloned()
                .collect();
            v.sort_by_key(|d| std::cmp::Reverse(d.received_at));
            v
        })
    }
}
