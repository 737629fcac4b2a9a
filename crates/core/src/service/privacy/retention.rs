//! Retention rules as use cases (the retention job and `skydir privacy retention`). "We will
//! retain your data for as long as you continue using our services": nothing of an active
//! organization is deleted by the provider's choice. An organization's admins may opt into a
//! shorter retention for the files of closed tickets (their setting, audited); the job then
//! deletes the files of that organization's tickets closed longer ago — the conversation and
//! the files' names and sizes stay. Audit events are kept while the organization exists (they
//! name people by pseudonymous id only) and go with it; deleted organizations are purged by
//! `purge_due_orgs`.

use super::all_pages;
use crate::access::{Action, Actor, authorize};
use crate::audit::AuditDraft;
use crate::change::{Change, Write};
use crate::directory::OrgSlug;
use crate::error::{CoreError, CoreResult};
use crate::ports::{DeskStore, DirectoryStore, PrivacyStore, TicketFilter};
use crate::privacy::OrgRetention;
use crate::privacy::retention::check_days;
use crate::service::{Directory, target};
use jiff::Timestamp;
use serde::Serialize;
use serde_json::json;

/// An organization's retention choice as its admins see it.
#[derive(Debug, Clone, Serialize)]
pub struct RetentionView {
    /// Days after a ticket is closed that its files are deleted; `None`: kept while the
    /// organization uses the service (the default).
    pub attachment_days: Option<u32>,
    /// The choice in words.
    pub attachments: String,
    /// When an admin last chose, if ever.
    pub set_at: Option<Timestamp>,
}

/// The files of one closed ticket that the rule removes (or, in a dry run, would remove).
#[derive(Debug, Clone, Serialize)]
pub struct AttachmentPurge {
    pub organization: String,
    pub ticket: u64,
    pub files: u64,
    pub bytes: u64,
}

impl<S: DirectoryStore + DeskStore + PrivacyStore> Directory<S> {
    /// The org's retention choice (its admins).
    pub async fn org_retention(&self, actor: &Actor, slug: &OrgSlug) -> CoreResult<RetentionView> {
        let org = self.org_for(actor, slug, Action::ManageOrgPrivacy).await?;
        let choice = self.store.org_retention(Some(org.id)).await?.pop();
        let days = choice.and_then(|c| c.attachment_days);
        Ok(RetentionView {
            attachment_days: days,
            attachments: OrgRetention::describe(days),
            set_at: choice.map(|c| c.set_at),
        })
    }

    /// Sets the org's retention of closed tickets' files (its admins): `Some(days)` opts into
    /// deleting them that many days after the ticket is closed, `None` keeps them while the
    /// organization uses the service.
    pub async fn set_org_retention(
        &self,
        actor: &Actor,
        slug: &OrgSlug,
        attachment_days: Option<u32>,
    ) -> CoreResult<RetentionView> {
        let org = self.org_for(actor, slug, Action::ManageOrgPrivacy).await?;
        let set_by = actor.user().ok_or_else(|| {
            CoreError::forbidden("the organization's admins choose its retention")
        })?;
        let attachment_days = attachment_days.map(check_days).transpose()?;
        let now = self.now();
        let choice = OrgRetention {
            org: org.id,
            attachment_days,
            set_by,
            set_at: now,
        };
        let mut audit = AuditDraft::new(
            actor,
            &Action::ManageOrgPrivacy(org.id),
            target("org", org.id),
            now,
        )
        .with_detail(json!({ "attachment_days": attachment_days }));
        audit.action = "privacy.retention".into();
        self.store
            .commit(
                Change::new(Some(org.id))
                    .write(Write::SetOrgRetention(Box::new(choice)))
                    .audit(audit),
            )
            .await?;
        Ok(RetentionView {
            attachment_days,
            attachments: OrgRetention::describe(attachment_days),
            set_at: Some(now),
        })
    }

    /// Deletes the files of tickets closed longer ago than their organization's admins chose;
    /// organizations that chose nothing keep them.
    pub async fn purge_expired_attachments(
        &self,
        actor: &Actor,
        dry_run: bool,
    ) -> CoreResult<Vec<AttachmentPurge>> {
        authorize(actor, &Action::ManagePrivacyRegistry)?;
        let now = self.now();
        let filter = TicketFilter::default();
        let filter = &filter;
        let mut out = Vec::new();
        for choice in self.store.org_retention(None).await? {
            let Some(keep) = choice.attachment_period() else {
                continue;
            };
            let Some(org) = self.store.org_by_id(choice.org).await? else {
                continue;
            };
            let cutoff = now.checked_sub(keep).unwrap_or(now);
            let id = org.id;
            let tickets =
                all_pages(|p| async move { self.store.tickets(id, filter, &p).await }).await?;
            for t in tickets {
                if t.history.closed_at().is_none_or(|c| c > cutoff) {
                    continue;
                }
                let (files, bytes) = self.store.stored_files(org.id, t.id).await?;
                if files == 0 {
                    continue;
                }
                if !dry_run {
                    let mut audit = AuditDraft::new(
                        actor,
                        &Action::ManagePrivacyRegistry,
                        target("ticket", t.id),
                        now,
                    );
                    audit.action = "retention.attachments".into();
                    audit.detail = json!({
                        "files": files,
                        "bytes": bytes,
                        "days": choice.attachment_days,
                    });
                    self.store
                        .commit(
                            Change::new(Some(org.id))
                                .write(Write::PurgeAttachments(t.id))
                                .audit(audit),
                        )
                        .await?;
                }
                out.push(AttachmentPurge {
                    organization: org.slug.as_str().to_string(),
                    ticket: t.number,
                    files,
                    bytes,
                });
            }
        }
        Ok(out)
    }
}
