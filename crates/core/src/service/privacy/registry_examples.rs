//! The registry's starting entries: a new deployment lists the sub-processors its statement
//! names, each marked as an example until the operator confirms, replaces or removes it (see
//! `privacy::subprocessor`). Seeding happens once per deployment — the server asks at every
//! start, and a deployment marker written in the seeding change makes every later start (and
//! a second process starting at the same moment) a no-op — so an entry the operator removed
//! never comes back. A deployment whose registry already has entries is only marked.

use crate::access::{Action, Actor};
use crate::audit::AuditDraft;
use crate::change::{Change, Write};
use crate::directory::Name;
use crate::error::{CoreError, CoreResult};
use crate::ids::SubProcessorId;
use crate::ports::{DeskStore, DirectoryStore, PrivacyStore};
use crate::privacy::{RegistryChange, STATEMENT_EXAMPLES, SubProcessor};
use crate::service::{Directory, target};
use serde_json::json;

/// The deployment marker of the seeding.
pub const SEEDED: &str = "subprocessors.seeded";

impl<S: DirectoryStore + DeskStore + PrivacyStore> Directory<S> {
    /// Seeds the registry with the statement's sub-processors as examples, once per
    /// deployment; returns how many entries it added. Only skydir itself runs it.
    pub async fn seed_subprocessor_examples(&self, actor: &Actor) -> CoreResult<usize> {
        if !matches!(actor, Actor::System) {
            return Err(CoreError::forbidden(
                "the registry is seeded by skydir on a deployment's first start",
            ));
        }
        if self.store.deployment_marker(SEEDED).await?.is_some() {
            return Ok(0);
        }
        let now = self.now();
        let mut change = Change::new(None).write(Write::MarkDeployment {
            name: SEEDED.into(),
            at: now,
        });
        let mut added = Vec::new();
        if self.store.subprocessors().await?.is_empty() {
            for e in STATEMENT_EXAMPLES {
                let entry = SubProcessor {
                    id: SubProcessorId::from_random(self.random()),
                    slug: Name::parse(e.slug)?,
                    name: e.name.into(),
                    purpose: e.purpose.into(),
                    data_categories: e.data_categories.iter().map(|c| c.to_string()).collect(),
                    location: e.location.into(),
                    dpa_date: now.to_zoned(jiff::tz::TimeZone::UTC).date(),
                    added_at: now,
                    updated_at: now,
                    removed_at: None,
                    example: true,
                };
                added.push(e.slug);
                change = change.write(Write::PutSubProcessor(Box::new(entry)));
            }
        }
        let mut audit =
            AuditDraft::new(actor, &Action::ManagePrivacyRegistry, "subprocessors", now)
                .with_detail(json!({ "examples": added }));
        audit.action = "subprocessor.seeded".into();
        match self.store.commit(change.audit(audit)).await {
            Ok(()) => Ok(added.len()),
            // Another process seeded at the same moment.
            Err(CoreError::Conflict { .. }) => Ok(0),
            Err(e) => Err(e),
        }
    }

    /// Confirms an example entry as it stands (operators): from now on it is the provider's
    /// own statement, announced in the feed and to subscribers as an addition.
    pub async fn confirm_subprocessor(
        &self,
        actor: &Actor,
        slug: &Name,
    ) -> CoreResult<SubProcessor> {
        self.check(actor, &Action::ManagePrivacyRegistry, "subprocessors")
            .await?;
        let current = self
            .store
            .subprocessors()
            .await?
            .into_iter()
            .find(|s| &s.slug == slug)
            .ok_or_else(|| CoreError::not_found("sub-processor", slug.as_str()))?;
        if !current.example || current.removed_at.is_some() {
            return Err(CoreError::conflict(
                "slug",
                format!("'{slug}' is not an example waiting for confirmation"),
            ));
        }
        let now = self.now();
        let entry = SubProcessor {
            example: false,
            added_at: now,
            updated_at: now,
            ..current
        };
        self.registry_change(actor, entry, RegistryChange::Added, String::new())
            .await
    }

    /// Removes an example nobody confirmed: it was never announced, so there is nothing to
    /// tell the feed or the subscribers; the audit log records it.
    pub(super) async fn drop_example(
        &self,
        actor: &Actor,
        entry: SubProcessor,
    ) -> CoreResult<SubProcessor> {
        let mut audit = AuditDraft::new(
            actor,
            &Action::ManagePrivacyRegistry,
            target("subprocessor", entry.id),
            self.now(),
        )
        .with_detail(json!({ "slug": entry.slug.as_str(), "example": true }));
        audit.action = "subprocessor.removed".into();
        self.store
            .commit(
                Change::new(None)
                    .write(Write::PutSubProcessor(Box::new(entry.clone())))
                    .audit(audit),
            )
            .await?;
        Ok(entry)
    }
}
