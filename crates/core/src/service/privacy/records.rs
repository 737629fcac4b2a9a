//! The Art. 30(2) record of processing as a use case (operators and the CLI).

use super::all_pages;
use crate::access::{Action, Actor, authorize};
use crate::error::CoreResult;
use crate::ports::{DeskStore, DirectoryStore, PrivacyStore};
use crate::privacy::records::{Controller, Party, ProcessingRecord, record};
use crate::service::Directory;

impl<S: DirectoryStore + DeskStore + PrivacyStore> Directory<S> {
    /// The record of processing activities as of now.
    pub async fn processing_record(&self, actor: &Actor) -> CoreResult<ProcessingRecord> {
        authorize(actor, &Action::ManagePrivacyRegistry)?;
        let policy = self.desk_policy()?;
        let orgs = all_pages(|p| async move { self.store.list_orgs(&p).await }).await?;
        let mut controllers = Vec::with_capacity(orgs.len());
        for o in orgs {
            let dpa = self.store.dpa_signatures(o.id).await?.last().map(|s| {
                format!(
                    "version {} signed {}",
                    s.version,
                    s.signed_at.strftime("%Y-%m-%d")
                )
            });
            controllers.push(Controller {
                organization: o.name,
                slug: o.slug.as_str().to_string(),
                plan: o.plan.kind.as_str().to_string(),
                dpa,
                customer_since: o.created_at,
            });
        }
        let processor = Party {
            name: format!(
                "the provider of the skydir service at {}",
                policy.contacts.public_url
            ),
            contact: policy.contacts.privacy.clone(),
            location: self.processing_location()?.describe(),
        };
        let confirmed: Vec<_> = self
            .store
            .subprocessors()
            .await?
            .into_iter()
            .filter(|s| !s.example)
            .collect();
        Ok(record(self.now(), processor, controllers, &confirmed))
    }
}
