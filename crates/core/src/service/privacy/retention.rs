//! Retention rules as use cases (the retention job and `skydir privacy retention`): the files
//! of tickets closed longer ago than the retention period are deleted — the conversation and
//! the files' names and sizes stay. Audit events are kept while the organization exists (they
//! name people by pseudonymous id only) and go with it; deleted organizations are purged by
//! `purge_due_orgs`.

use super::all_pages;
use crate::access::{Action, Actor, authorize};
use crate::audit::AuditDraft;
use crate::change::{Change, Write};
use crate::error::CoreResult;
use crate::ports::{DeskStore, DirectoryStore, PrivacyStore, TicketFilter};
use crate::service::{Directory, target};
use jiff::SignedDuration;
use serde::Serialize;
use serde_json::json;

/// The files of one closed ticket that the rule removes (or, in a dry run, would remove).
#[derive(Debug, Clone, Serialize)]
pub struct AttachmentPurge {
    pub organization: String,
    pub ticket: u64,
    pub files: u64,
    pub bytes: u64,
}

impl<S: DirectoryStore + DeskStore + PrivacyStore> Directory<S> {
    /// Deletes the files of tickets closed more than `keep` ago.
    pub async fn purge_expired_attachments(
        &self,
        actor: &Actor,
        keep: SignedDuration,
        dry_run: bool,
    ) -> CoreResult<Vec<AttachmentPurge>> {
        authorize(actor, &Action::ManagePrivacyRegistry)?;
        let now = self.now();
        let cutoff = now.checked_sub(keep).unwrap_or(now);
        let orgs = all_pages(|p| async move { self.store.list_orgs(&p).await }).await?;
        let filter = TicketFilter::default();
        let filter = &filter;
        let mut out = Vec::new();
        for org in orgs {
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
                    audit.detail = json!({ "files": files, "bytes": bytes });
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
