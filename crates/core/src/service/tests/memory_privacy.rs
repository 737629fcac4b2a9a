//! The in-memory store's data-protection records: registry, feed, subscriptions, objections
//! and the DPA.

use super::memory::MemoryStore;
use crate::change::Write;
use crate::error::{CoreError, CoreResult};
use crate::ids::OrgId;
use crate::ports::PrivacyStore;
use crate::privacy::{
    DpaSignature, DpaVersion, Objection, RegistryEvent, SubProcessor, Subscription,
};

#[derive(Clone, Default)]
pub struct PrivacyState {
    subprocessors: Vec<SubProcessor>,
    events: Vec<RegistryEvent>,
    subscriptions: Vec<Subscription>,
    objections: Vec<Objection>,
    versions: Vec<DpaVersion>,
    signatures: Vec<DpaSignature>,
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
        Write::SignDpa(x) => s.signatures.push(*x),
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
}
