//! The sub-processor registry: the operator adds, changes and removes entries; each change is
//! a dated feed item and a mail to every subscribed org; anyone reads the registry and the
//! feed; an org's admins subscribe an address and may object to a sub-processor.

use crate::access::{Action, Actor};
use crate::audit::AuditDraft;
use crate::change::{Change, Write};
use crate::directory::{Email, Name, OrgSlug};
use crate::error::{CoreError, CoreResult};
use crate::ids::{MailId, ObjectionId, RegistryEventId, SubProcessorId, SubscriptionId};
use crate::ports::{DeskStore, DirectoryStore, PrivacyStore};
use crate::privacy::{
    FeedEntry, Objection, RegistryChange, RegistryEvent, SubProcessor, SubProcessorInput,
    Subscription, differences,
};
use crate::service::{Directory, target};
use crate::support::OutboundMail;
use serde_json::json;

/// How many feed items the public feed carries.
pub const FEED_ITEMS: u32 = 100;

impl<S: DirectoryStore + DeskStore + PrivacyStore> Directory<S> {
    /// Every sub-processor, removed ones included (public).
    pub async fn subprocessors(&self) -> CoreResult<Vec<SubProcessor>> {
        self.store.subprocessors().await
    }

    /// A feed item as a mail to every subscribed address. Subscriptions belong to orgs, but
    /// the notice is the provider's: the mails name no org, so they go in the deployment's
    /// change and no org's chain is involved.
    pub(super) async fn announcement(&self, item: &FeedEntry) -> CoreResult<Vec<OutboundMail>> {
        let policy = self.desk_policy()?;
        let url = &policy.contacts.public_url;
        let now = self.now();
        let objecting = match item {
            FeedEntry::Registry(_) => {
                "To object to a sub-processor, an administrator of your organization can use \
                 POST /api/v1/orgs/<org>/privacy/objections.\n"
            }
            FeedEntry::Policy(_) => "",
        };
        let mut out = Vec::new();
        for sub in self.store.subscriptions().await? {
            out.push(OutboundMail {
                id: MailId::from_random(self.random()),
                org: None,
                ticket: None,
                from: policy.contacts.support.clone(),
                to: vec![sub.email.as_str().to_string()],
                subject: item.title(),
                text: format!(
                    "{}\n\n{}\n\nRead it: {url}{}\nThe feed: {url}/privacy/subprocessors.rss\n\
                     {objecting}\nYou receive this because your organization subscribed to \
                     changes of our GDPR policies and sub-processors.\n",
                    item.title(),
                    item.description(),
                    item.path(),
                ),
                message_id: self.mail_message_id(&policy, None),
                in_reply_to: None,
                references: Vec::new(),
                auto_reply: true,
                created_at: now,
            });
        }
        Ok(out)
    }

    async fn subprocessor(&self, slug: &Name) -> CoreResult<SubProcessor> {
        self.store
            .subprocessors()
            .await?
            .into_iter()
            .find(|s| &s.slug == slug)
            .ok_or_else(|| CoreError::not_found("sub-processor", slug.as_str()))
    }

    /// Records a registry change: the entry, the feed item, a mail to every subscription, and
    /// the audit event — one change.
    pub(super) async fn registry_change(
        &self,
        actor: &Actor,
        entry: SubProcessor,
        change: RegistryChange,
        note: String,
    ) -> CoreResult<SubProcessor> {
        let now = self.now();
        let event = RegistryEvent {
            id: RegistryEventId::from_random(self.random()),
            at: now,
            change,
            subprocessor: entry.clone(),
            note,
        };
        let mut audit = AuditDraft::new(
            actor,
            &Action::ManagePrivacyRegistry,
            target("subprocessor", entry.id),
            now,
        )
        .with_detail(json!({ "slug": entry.slug.as_str(), "change": change.as_str() }));
        audit.action = format!("subprocessor.{}", change.as_str());
        let mut writes = Change::new(None)
            .write(Write::PutSubProcessor(Box::new(entry.clone())))
            .write(Write::AddRegistryEvent(Box::new(event.clone())))
            .audit(audit);
        for m in self.announcement(&FeedEntry::Registry(event)).await? {
            writes = writes.write(Write::QueueMail(Box::new(m)));
        }
        self.store.commit(writes).await?;
        Ok(entry)
    }

    /// Adds a sub-processor (operators).
    pub async fn add_subprocessor(
        &self,
        actor: &Actor,
        slug: &Name,
        input: SubProcessorInput,
    ) -> CoreResult<SubProcessor> {
        self.check(actor, &Action::ManagePrivacyRegistry, "subprocessors")
            .await?;
        // An example from the statement is replaced by the real entry of the same name.
        let example = match self.subprocessor(slug).await {
            Ok(s) if s.example => Some(s.id),
            Ok(_) => {
                return Err(CoreError::conflict(
                    "slug",
                    format!("a sub-processor '{slug}' is already in the registry"),
                ));
            }
            Err(_) => None,
        };
        let i = input.checked()?;
        let now = self.now();
        let entry = SubProcessor {
            id: example.unwrap_or_else(|| SubProcessorId::from_random(self.random())),
            slug: slug.clone(),
            name: i.name,
            purpose: i.purpose,
            data_categories: i.data_categories,
            location: i.location,
            dpa_date: i.dpa_date,
            added_at: now,
            updated_at: now,
            removed_at: None,
            example: false,
        };
        self.registry_change(actor, entry, RegistryChange::Added, String::new())
            .await
    }

    /// Changes a sub-processor's entry (operators); the feed says what changed.
    pub async fn update_subprocessor(
        &self,
        actor: &Actor,
        slug: &Name,
        input: SubProcessorInput,
    ) -> CoreResult<SubProcessor> {
        self.check(actor, &Action::ManagePrivacyRegistry, "subprocessors")
            .await?;
        let current = self.subprocessor(slug).await?;
        if current.removed_at.is_some() {
            return Err(CoreError::conflict(
                "slug",
                format!("'{slug}' was removed; add it again under a new name"),
            ));
        }
        let i = input.checked()?;
        let note = differences(&current, &i);
        if note.is_empty() && !current.example {
            return Ok(current);
        }
        let now = self.now();
        let was_example = current.example;
        let entry = SubProcessor {
            name: i.name,
            purpose: i.purpose,
            data_categories: i.data_categories,
            location: i.location,
            dpa_date: i.dpa_date,
            updated_at: now,
            example: false,
            ..current
        };
        if was_example {
            // Edited, an example becomes the operator's own entry: its addition is the news.
            let entry = SubProcessor {
                added_at: now,
                ..entry
            };
            return self
                .registry_change(actor, entry, RegistryChange::Added, String::new())
                .await;
        }
        self.registry_change(
            actor,
            entry,
            RegistryChange::Changed,
            format!("Changed: {note}."),
        )
        .await
    }

    /// Removes a sub-processor (operators): it stays listed as removed.
    pub async fn remove_subprocessor(
        &self,
        actor: &Actor,
        slug: &Name,
    ) -> CoreResult<SubProcessor> {
        self.check(actor, &Action::ManagePrivacyRegistry, "subprocessors")
            .await?;
        let current = self.subprocessor(slug).await?;
        if current.removed_at.is_some() {
            return Err(CoreError::conflict(
                "slug",
                format!("'{slug}' was already removed"),
            ));
        }
        let now = self.now();
        let entry = SubProcessor {
            removed_at: Some(now),
            updated_at: now,
            ..current
        };
        if entry.example {
            return self.drop_example(actor, entry).await;
        }
        self.registry_change(actor, entry, RegistryChange::Removed, String::new())
            .await
    }

    /// Subscribes an address of the org to registry changes (the org's admins).
    pub async fn subscribe_registry(
        &self,
        actor: &Actor,
        slug: &OrgSlug,
        email: Email,
    ) -> CoreResult<Subscription> {
        let org = self.org_for(actor, slug, Action::ManageOrgPrivacy).await?;
        let existing = self.org_subscriptions(actor, slug).await?;
        if let Some(s) = existing.into_iter().find(|s| s.email == email) {
            return Ok(s);
        }
        let sub = Subscription {
            id: SubscriptionId::from_random(self.random()),
            org: org.id,
            email,
            created_at: self.now(),
        };
        let mut audit = AuditDraft::new(
            actor,
            &Action::ManageOrgPrivacy(org.id),
            target("subscription", sub.id),
            sub.created_at,
        );
        audit.action = "privacy.subscribe".into();
        self.store
            .commit(
                Change::new(Some(org.id))
                    .write(Write::Subscribe(Box::new(sub.clone())))
                    .audit(audit),
            )
            .await?;
        Ok(sub)
    }

    /// The org's subscriptions (the org's admins).
    pub async fn org_subscriptions(
        &self,
        actor: &Actor,
        slug: &OrgSlug,
    ) -> CoreResult<Vec<Subscription>> {
        let org = self.org_for(actor, slug, Action::ManageOrgPrivacy).await?;
        Ok(self
            .store
            .subscriptions()
            .await?
            .into_iter()
            .filter(|s| s.org == org.id)
            .collect())
    }

    /// Ends a subscription (the org's admins).
    pub async fn unsubscribe_registry(
        &self,
        actor: &Actor,
        slug: &OrgSlug,
        id: SubscriptionId,
    ) -> CoreResult<()> {
        let org = self.org_for(actor, slug, Action::ManageOrgPrivacy).await?;
        if !self
            .org_subscriptions(actor, slug)
            .await?
            .iter()
            .any(|s| s.id == id)
        {
            return Err(CoreError::not_found("subscription", id.to_string()));
        }
        let mut audit = AuditDraft::new(
            actor,
            &Action::ManageOrgPrivacy(org.id),
            target("subscription", id),
            self.now(),
        );
        audit.action = "privacy.unsubscribe".into();
        self.store
            .commit(
                Change::new(Some(org.id))
                    .write(Write::Unsubscribe(id))
                    .audit(audit),
            )
            .await
    }

    /// Records the org's objection to a sub-processor and tells the provider (the org's
    /// admins).
    pub async fn object_to_subprocessor(
        &self,
        actor: &Actor,
        slug: &OrgSlug,
        subprocessor: &Name,
        reason: &str,
    ) -> CoreResult<Objection> {
        let org = self.org_for(actor, slug, Action::ManageOrgPrivacy).await?;
        let by = actor
            .user()
            .ok_or_else(|| CoreError::forbidden("objections come from an org's admins"))?;
        let sp = self.subprocessor(subprocessor).await?;
        let reason = reason.trim();
        if reason.is_empty() || reason.chars().count() > 2000 {
            return Err(CoreError::invalid("reason", "must be 1-2000 characters"));
        }
        let now = self.now();
        let objection = Objection {
            id: ObjectionId::from_random(self.random()),
            org: org.id,
            subprocessor: sp.slug.as_str().to_string(),
            reason: reason.to_string(),
            by,
            at: now,
        };
        let policy = self.desk_policy()?;
        let mut audit = AuditDraft::new(
            actor,
            &Action::ManageOrgPrivacy(org.id),
            target("objection", objection.id),
            now,
        )
        .with_detail(json!({ "subprocessor": sp.slug.as_str() }));
        audit.action = "privacy.object".into();
        let notice = OutboundMail {
            id: MailId::from_random(self.random()),
            org: Some(org.id),
            ticket: None,
            from: policy.contacts.support.clone(),
            to: vec![policy.contacts.support.clone()],
            subject: format!("Objection to sub-processor {} by {}", sp.name, org.slug),
            text: format!(
                "The organization '{}' objects to the sub-processor {} ({}).\n\nReason given:\n{}\n\n\
                 Objections: GET /api/v1/privacy/objections\n",
                org.slug, sp.name, sp.slug, objection.reason
            ),
            message_id: self.mail_message_id(&policy, None),
            in_reply_to: None,
            references: Vec::new(),
            auto_reply: true,
            created_at: now,
        };
        self.store
            .commit(
                Change::new(Some(org.id))
                    .write(Write::RecordObjection(Box::new(objection.clone())))
                    .write(Write::QueueMail(Box::new(notice)))
                    .audit(audit),
            )
            .await?;
        Ok(objection)
    }

    /// Objections: the org's own for its admins, all for operators.
    pub async fn objections(
        &self,
        actor: &Actor,
        slug: Option<&OrgSlug>,
    ) -> CoreResult<Vec<Objection>> {
        match slug {
            Some(s) => {
                let org = self.org_for(actor, s, Action::ManageOrgPrivacy).await?;
                self.store.objections(Some(org.id)).await
            }
            None => {
                self.check(actor, &Action::ManagePrivacyRegistry, "objections")
                    .await?;
                self.store.objections(None).await
            }
        }
    }
}
