//! Accesses that change nothing — LDAP searches — recorded after the fact, many per
//! transaction. Recording them one transaction per search would halve search throughput; a
//! batch per org keeps every access in the org's hash-chained audit log at a small cost.

use super::Directory;
use crate::access::{Action, Actor};
use crate::audit::{AuditDraft, Outcome};
use crate::change::Change;
use crate::error::CoreResult;
use crate::ids::OrgId;
use crate::ports::DirectoryStore;
use jiff::Timestamp;
use std::collections::BTreeMap;

/// One access to record. `detail` holds counts and codes only — never a filter or a name.
#[derive(Debug, Clone)]
pub struct AccessEvent {
    pub org: OrgId,
    pub actor: Actor,
    pub at: Timestamp,
    /// Stable action name, e.g. `ldap.search`.
    pub action: &'static str,
    /// Opaque target, e.g. `org:<uuid>`.
    pub target: String,
    pub outcome: Outcome,
    pub detail: serde_json::Value,
}

impl<S: DirectoryStore> Directory<S> {
    /// Appends `events` to their orgs' audit logs: one transaction per org in the batch.
    pub async fn record_access(&self, events: Vec<AccessEvent>) -> CoreResult<()> {
        let mut by_org: BTreeMap<OrgId, Change> = BTreeMap::new();
        for e in events {
            let mut draft =
                AuditDraft::new(&e.actor, &Action::ReadDirectory(e.org), e.target, e.at);
            draft.action = e.action.to_string();
            draft.outcome = e.outcome;
            draft.detail = e.detail;
            let change = by_org
                .remove(&e.org)
                .unwrap_or_else(|| Change::new(Some(e.org)));
            by_org.insert(e.org, change.audit(draft));
        }
        for (_, change) in by_org {
            self.store.commit(change).await?;
        }
        Ok(())
    }
}
