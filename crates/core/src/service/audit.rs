//! Reading and verifying the audit log. Verification walks every chain from its first event and
//! compares the end with the separately recorded head.

use super::Directory;
use crate::access::{Action, Actor};
use crate::audit::{AuditEvent, ChainBreak, ChainKey, verify_chain};
use crate::directory::OrgSlug;
use crate::error::{CoreError, CoreResult};
use crate::ports::DirectoryStore;
use serde::Serialize;

/// Events read per store round trip while verifying.
const VERIFY_BATCH: u32 = 5000;

/// Result of verifying one chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChainReport {
    pub chain: String,
    pub events: u64,
    /// `None` when intact; otherwise what broke.
    pub broken: Option<String>,
}

impl<S: DirectoryStore> Directory<S> {
    /// Verifies every audit chain (operator or system).
    pub async fn verify_audit(&self, actor: &Actor) -> CoreResult<Vec<ChainReport>> {
        crate::access::authorize(actor, &Action::ManageStaff)?;
        let mut out = Vec::new();
        for chain in self.store.audit_chains().await? {
            out.push(self.verify_one(chain).await?);
        }
        Ok(out)
    }

    async fn verify_one(&self, chain: ChainKey) -> CoreResult<ChainReport> {
        let mut events = Vec::new();
        let mut after = 0;
        loop {
            let batch = self.store.audit_events(chain, after, VERIFY_BATCH).await?;
            let Some(last) = batch.last() else { break };
            after = last.seq;
            let n = batch.len();
            events.extend(batch);
            if n < VERIFY_BATCH as usize {
                break;
            }
        }
        let head = self.store.audit_head(chain).await?;
        let name = chain.as_text();
        let count = events.len() as u64;
        let broken = verify_chain(&name, events, head)
            .err()
            .map(|b: ChainBreak| b.to_string());
        Ok(ChainReport {
            chain: name,
            events: count,
            broken,
        })
    }

    /// Reads an org's audit events after `after`, oldest first.
    pub async fn org_audit(
        &self,
        actor: &Actor,
        slug: &OrgSlug,
        after: u64,
        limit: u32,
    ) -> CoreResult<Vec<AuditEvent>> {
        let org = self.org_for(actor, slug, Action::ReadAudit).await?;
        if limit == 0 || limit > 1000 {
            return Err(CoreError::invalid("limit", "must be between 1 and 1000"));
        }
        self.store
            .audit_events(ChainKey::Org(org.id), after, limit)
            .await
    }

    /// Verifies one org's chain, for its admins' console: the same check as
    /// [`Directory::verify_audit`], limited to what the admin may read.
    pub async fn verify_org_audit(&self, actor: &Actor, slug: &OrgSlug) -> CoreResult<ChainReport> {
        let org = self.org_for(actor, slug, Action::ReadAudit).await?;
        self.verify_one(ChainKey::Org(org.id)).await
    }

    /// The sequence number of an org's newest audit event (0 before the first), so a viewer
    /// can page backwards from the newest.
    pub async fn org_audit_head(&self, actor: &Actor, slug: &OrgSlug) -> CoreResult<u64> {
        let org = self.org_for(actor, slug, Action::ReadAudit).await?;
        Ok(self
            .store
            .audit_head(ChainKey::Org(org.id))
            .await?
            .map_or(0, |(seq, _)| seq))
    }
}
