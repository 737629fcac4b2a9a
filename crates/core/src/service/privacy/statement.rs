//! The privacy statement and the privacy feed as use cases. The statement is generated from
//! the inventory, the processing location and the privacy contact, so it changes only when the
//! deployment does — an upgrade, or a restart with other settings. The server therefore calls
//! [`Directory::publish_privacy_statement`] at every start: when the statement's text differs
//! from the latest published version, the new text becomes the next dated version, a feed
//! item and a mail to every subscribed address, in one change (the first start publishes
//! version 1). That is what a data-protection officer expects: the statement never changes
//! without a dated, announced version. DPA versions are announced the same way when the
//! operator publishes them (`service::privacy::dpa`).

use super::REGISTRY_FEED_ITEMS;
use crate::access::{Action, Actor};
use crate::audit::AuditDraft;
use crate::change::{Change, Write};
use crate::error::{CoreError, CoreResult};
use crate::ids::RegistryEventId;
use crate::ports::{DeskStore, DirectoryStore, PrivacyStore};
use crate::privacy::feed::merge;
use crate::privacy::statement::{changes, digest};
use crate::privacy::{
    FeedEntry, PolicyDocument, PolicyEvent, ProcessingLocation, Statement, StatementVersion,
};
use crate::service::Directory;
use serde_json::json;

impl<S: DirectoryStore + DeskStore + PrivacyStore> Directory<S> {
    /// Where the provider says it processes the data: the operator's `processing_location`,
    /// or the documented default naming the privacy contact.
    pub fn processing_location(&self) -> CoreResult<ProcessingLocation> {
        let policy = self.desk_policy()?;
        Ok(ProcessingLocation::new(
            self.location.as_deref(),
            &policy.contacts.privacy,
        ))
    }

    /// The privacy statement as it stands (public).
    pub fn privacy_statement(&self) -> CoreResult<Statement> {
        let policy = self.desk_policy()?;
        Ok(Statement::current(
            &self.processing_location()?,
            &policy.contacts.privacy,
        ))
    }

    /// The latest published version of the statement (public).
    pub async fn statement_version(&self) -> CoreResult<Option<StatementVersion>> {
        self.store.latest_statement().await
    }

    /// Publishes the statement as a new version when its text changed (see the module docs);
    /// `None` when the latest version is current. Only skydir itself runs it.
    pub async fn publish_privacy_statement(
        &self,
        actor: &Actor,
    ) -> CoreResult<Option<StatementVersion>> {
        if !matches!(actor, Actor::System) {
            return Err(CoreError::forbidden(
                "the statement is published by skydir when its content changes",
            ));
        }
        let text = self.privacy_statement()?.text();
        let latest = self.store.latest_statement().await?;
        let digest = digest(&text);
        if latest.as_ref().is_some_and(|l| l.digest == digest) {
            return Ok(None);
        }
        let now = self.now();
        let (version, note) = match &latest {
            Some(l) => (l.version + 1, changes(&l.text, &text)),
            None => (1, "First published version.".to_string()),
        };
        let published = StatementVersion {
            version,
            digest,
            text,
            published_at: now,
        };
        let event = PolicyEvent {
            id: RegistryEventId::from_random(self.random()),
            at: now,
            document: PolicyDocument::Statement,
            version: version.to_string(),
            note,
        };
        let mut audit = AuditDraft::new(
            actor,
            &Action::ManagePrivacyRegistry,
            format!("privacy_statement:{version}"),
            now,
        )
        .with_detail(json!({ "version": version, "digest": published.digest }));
        audit.action = "privacy.statement.publish".into();
        let mut change = Change::new(None)
            .write(Write::PublishStatement(Box::new(published.clone())))
            .write(Write::AddPolicyEvent(Box::new(event.clone())))
            .audit(audit);
        for m in self.announcement(&FeedEntry::Policy(event)).await? {
            change = change.write(Write::QueueMail(Box::new(m)));
        }
        match self.store.commit(change).await {
            Ok(()) => Ok(Some(published)),
            // Another process published this version first.
            Err(CoreError::Conflict { .. }) => {
                let now_latest = self.store.latest_statement().await?;
                if now_latest.is_some_and(|l| l.digest == published.digest) {
                    Ok(None)
                } else {
                    Err(CoreError::conflict(
                        "statement",
                        "another server published a different statement at the same time",
                    ))
                }
            }
            Err(e) => Err(e),
        }
    }

    /// The privacy feed, newest first (public): registry changes and policy versions.
    pub async fn privacy_feed(&self) -> CoreResult<Vec<FeedEntry>> {
        let registry = self.store.registry_events(REGISTRY_FEED_ITEMS).await?;
        let policy = self.store.policy_events(REGISTRY_FEED_ITEMS).await?;
        Ok(merge(registry, policy, REGISTRY_FEED_ITEMS as usize))
    }
}
