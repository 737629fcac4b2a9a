//! The customer's side of a ticket: the org's admins list and read their tickets (public
//! messages only), reply, resolve, close or reopen them, and rate a resolved one. Mail replies
//! arrive here too, through [`Directory::customer_reply`].

use super::intake::{NewAttachment, within_limits};
use super::{MessageView, TicketView};
use crate::access::{Action, Actor};
use crate::audit::AuditDraft;
use crate::change::{Change, Write};
use crate::directory::{Org, OrgSlug, User};
use crate::error::{CoreError, CoreResult};
use crate::ids::{AttachmentId, MessageId};
use crate::page::{Page, PageRequest};
use crate::ports::{DeskStore, DirectoryStore, TicketFilter};
use crate::service::{Directory, target};
use crate::support::record::check_body;
use crate::support::{
    Author, HistoryEntry, MessageAuthor, Queue, Satisfaction, StoredAttachment, Ticket,
    TicketHistory, TicketMessage, TicketStatus, Visibility,
};
use serde_json::json;

/// How many times a change to a ticket is retried when someone else changed it meanwhile.
pub(super) const RETRIES: usize = 3;

impl<S: DirectoryStore + DeskStore> Directory<S> {
    /// The org's tickets, newest first.
    pub async fn list_tickets(
        &self,
        actor: &Actor,
        slug: &OrgSlug,
        filter: &TicketFilter,
        page: &PageRequest,
    ) -> CoreResult<Page<TicketView>> {
        let org = self.org_for(actor, slug, Action::ReadTickets).await?;
        let policy = self.desk_policy()?;
        let tickets = self.store.tickets(org.id, filter, page).await?;
        let mut items = Vec::with_capacity(tickets.items.len());
        for t in &tickets.items {
            let sla = self.sla(&policy, t)?;
            let best_effort = policy.targets.is_best_effort(t.plan_class);
            items.push(TicketView::of(t, org.slug.as_str(), sla, best_effort));
        }
        Ok(Page {
            items,
            next: tickets.next,
        })
    }

    /// One ticket with its public conversation, for the org's admins; the read is audited
    /// (the conversation is personal data).
    pub async fn get_ticket(
        &self,
        actor: &Actor,
        slug: &OrgSlug,
        number: u64,
    ) -> CoreResult<TicketView> {
        let org = self.org_for(actor, slug, Action::ReadTickets).await?;
        let ticket = self.ticket_in(&org, number).await?;
        self.ticket_detail(actor, &org, &ticket, false).await
    }

    /// A ticket with its conversation (`internal`: with internal notes), audited.
    pub(super) async fn ticket_detail(
        &self,
        actor: &Actor,
        org: &Org,
        ticket: &Ticket,
        internal: bool,
    ) -> CoreResult<TicketView> {
        let policy = self.desk_policy()?;
        let messages = self.store.messages(org.id, ticket.id).await?;
        let audit = AuditDraft::new(
            actor,
            &Action::ReadTickets(org.id),
            target("ticket", ticket.id),
            self.now(),
        )
        .with_detail(json!({ "number": ticket.number, "internal_notes": internal }));
        self.store
            .commit(Change::new(Some(org.id)).audit(audit))
            .await?;
        let sla = self.sla(&policy, ticket)?;
        let mut view = TicketView::of(
            ticket,
            org.slug.as_str(),
            sla,
            policy.targets.is_best_effort(ticket.plan_class),
        );
        view.messages = Some(
            messages
                .iter()
                .filter(|m| internal || m.visibility == Visibility::Public)
                .map(MessageView::of)
                .collect(),
        );
        Ok(view)
    }

    /// An attachment of a ticket, if the caller may read the message that carries it.
    pub async fn ticket_attachment(
        &self,
        actor: &Actor,
        slug: &OrgSlug,
        number: u64,
        id: AttachmentId,
    ) -> CoreResult<StoredAttachment> {
        let org = self.org_for(actor, slug, Action::ReadTickets).await?;
        let ticket = self.ticket_in(&org, number).await?;
        self.attachment_of(actor, &org, &ticket, id).await
    }

    /// An attachment of `ticket`, if a message `actor` may read carries it; the read is
    /// audited.
    pub(super) async fn attachment_of(
        &self,
        actor: &Actor,
        org: &Org,
        ticket: &Ticket,
        id: AttachmentId,
    ) -> CoreResult<StoredAttachment> {
        let number = ticket.number;
        let staff = matches!(actor, Actor::SupportAgent { .. } | Actor::System);
        let messages = self.store.messages(org.id, ticket.id).await?;
        let visible = messages.iter().any(|m| {
            (staff || m.visibility == Visibility::Public)
                && m.attachments.iter().any(|a| a.id == id)
        });
        let found = if visible {
            self.store.attachment(org.id, ticket.id, id).await?
        } else {
            None
        };
        let a = found.ok_or_else(|| CoreError::not_found("attachment", id.to_string()))?;
        let audit = AuditDraft::new(
            actor,
            &Action::ReadTickets(org.id),
            target("attachment", id),
            self.now(),
        )
        .with_detail(json!({ "number": number }));
        self.store
            .commit(Change::new(Some(org.id)).audit(audit))
            .await?;
        Ok(a)
    }

    /// A reply from one of the org's admins (portal or API).
    pub async fn reply_as_customer(
        &self,
        actor: &Actor,
        slug: &OrgSlug,
        number: u64,
        body: String,
        attachments: Vec<NewAttachment>,
    ) -> CoreResult<TicketView> {
        let org = self.org_for(actor, slug, Action::OpenTicket).await?;
        let me = actor
            .user()
            .ok_or_else(|| CoreError::forbidden("replies come from the org's admins"))?;
        let user = self
            .store
            .user_by_id(org.id, me)
            .await?
            .ok_or_else(|| CoreError::not_found("user", me.to_string()))?;
        check_body("body", &body)?;
        let (files, _) = within_limits(attachments, true)?;
        let ticket = self.ticket_in(&org, number).await?;
        if ticket.status() == TicketStatus::Closed {
            return Err(CoreError::conflict(
                "status",
                format!("ticket #{number} is closed; please open a new ticket"),
            ));
        }
        self.customer_reply(
            actor,
            &org,
            &user,
            ticket,
            body,
            files,
            None,
            Change::new(Some(org.id)),
        )
        .await?;
        let ticket = self.ticket_in(&org, number).await?;
        self.ticket_detail(actor, &org, &ticket, false).await
    }

    /// Adds a customer's message to `ticket`: a ticket waiting on them, or resolved, opens
    /// again (its clocks run again); one support did not cover goes to the support queue for
    /// a person to read. `with` is committed in the same change (mail: its inbound record).
    #[allow(clippy::too_many_arguments)]
    pub(super) async fn customer_reply(
        &self,
        actor: &Actor,
        org: &Org,
        user: &User,
        mut ticket: Ticket,
        body: String,
        files: Vec<NewAttachment>,
        mail_id: Option<String>,
        with: Change,
    ) -> CoreResult<()> {
        let stored = self.store_attachments(files);
        for attempt in 0..RETRIES {
            let now = self.now();
            let mut entries = ticket.history.entries().to_vec();
            entries.push(HistoryEntry::Reply {
                at: now,
                by: Author::Customer,
            });
            let before = ticket.status();
            if matches!(
                before,
                TicketStatus::WaitingOnCustomer | TicketStatus::Resolved
            ) {
                entries.push(HistoryEntry::Status {
                    at: now,
                    to: TicketStatus::Open,
                });
            }
            let mut updated = ticket.clone();
            updated.history = TicketHistory::new(entries)?;
            if before == TicketStatus::WaitingOnCustomer {
                updated.missing.clear();
            }
            if updated.queue.is_none() {
                updated.queue = Some(Queue::Support);
            }
            updated.updated_at = now;
            updated.version += 1;
            let message = TicketMessage {
                id: MessageId::from_random(self.random()),
                ticket: ticket.id,
                org: org.id,
                at: now,
                author: MessageAuthor::Customer { user: user.id },
                visibility: Visibility::Public,
                body: body.clone(),
                mail_id: mail_id.clone(),
                attachments: stored.iter().map(|s| s.meta.clone()).collect(),
            };
            let mut audit = AuditDraft::new(
                actor,
                &Action::OpenTicket(org.id),
                target("ticket", ticket.id),
                now,
            )
            .with_detail(json!({
                "number": ticket.number,
                "status": updated.status().as_str(),
                "attachments": stored.len(),
            }));
            audit.action = "ticket.reply".into();
            let mut change = with
                .clone()
                .write(Write::UpdateTicket(Box::new(updated)))
                .write(Write::AddMessage {
                    message: Box::new(message),
                    attachments: stored.clone(),
                })
                .audit(audit);
            if let Some(id) = &mail_id {
                change = change.write(Write::LinkMail {
                    ticket: ticket.id,
                    message_ids: vec![id.clone()],
                });
            }
            match self.store.commit(change).await {
                Err(CoreError::Conflict { field, .. })
                    if field == "ticket" && attempt + 1 < RETRIES =>
                {
                    ticket = self.ticket_in(org, ticket.number).await?;
                }
                other => return other,
            }
        }
        Err(CoreError::conflict(
            "ticket",
            "the ticket keeps changing; please try again",
        ))
    }

    /// The customer resolves, closes or reopens their ticket.
    pub async fn set_ticket_status_as_customer(
        &self,
        actor: &Actor,
        slug: &OrgSlug,
        number: u64,
        to: TicketStatus,
    ) -> CoreResult<TicketView> {
        let org = self.org_for(actor, slug, Action::OpenTicket).await?;
        if !matches!(
            to,
            TicketStatus::Resolved | TicketStatus::Closed | TicketStatus::Open
        ) {
            return Err(CoreError::invalid(
                "status",
                "customers may set a ticket resolved, closed or open (to reopen it)",
            ));
        }
        let ticket = self.ticket_in(&org, number).await?;
        if to == TicketStatus::Open && ticket.is_open() {
            return Err(CoreError::conflict(
                "status",
                format!("ticket #{number} is already open"),
            ));
        }
        let updated = self
            .change_status(actor, &org, ticket, to, Action::OpenTicket(org.id))
            .await?;
        self.ticket_detail(actor, &org, &updated, false).await
    }

    /// Moves a ticket to `to`, audited as `action`; retried if it changed meanwhile.
    pub(super) async fn change_status(
        &self,
        actor: &Actor,
        org: &Org,
        mut ticket: Ticket,
        to: TicketStatus,
        action: Action,
    ) -> CoreResult<Ticket> {
        for attempt in 0..RETRIES {
            let now = self.now();
            let from = ticket.status();
            if !from.may_become(to) {
                return Err(CoreError::conflict(
                    "status",
                    format!("a {} ticket cannot become {}", from.as_str(), to.as_str()),
                ));
            }
            let mut entries = ticket.history.entries().to_vec();
            entries.push(HistoryEntry::Status { at: now, to });
            let mut updated = ticket.clone();
            updated.history = TicketHistory::new(entries)?;
            updated.updated_at = now;
            updated.version += 1;
            let mut audit = AuditDraft::new(actor, &action, target("ticket", ticket.id), now)
                .with_detail(json!({
                    "number": ticket.number,
                    "from": from.as_str(),
                    "to": to.as_str(),
                }));
            audit.action = "ticket.status".into();
            let change = Change::new(Some(org.id))
                .write(Write::UpdateTicket(Box::new(updated.clone())))
                .audit(audit);
            match self.store.commit(change).await {
                Ok(()) => return Ok(updated),
                Err(CoreError::Conflict { field, .. })
                    if field == "ticket" && attempt + 1 < RETRIES =>
                {
                    ticket = self.ticket_in(org, ticket.number).await?;
                }
                Err(e) => return Err(e),
            }
        }
        Err(CoreError::conflict(
            "ticket",
            "the ticket keeps changing; please try again",
        ))
    }

    /// The customer's satisfaction rating of a resolved or closed ticket (once; a second
    /// rating replaces the first).
    pub async fn rate_ticket(
        &self,
        actor: &Actor,
        slug: &OrgSlug,
        number: u64,
        rating: u8,
        comment: &str,
    ) -> CoreResult<TicketView> {
        let org = self.org_for(actor, slug, Action::OpenTicket).await?;
        let ticket = self.ticket_in(&org, number).await?;
        if ticket.is_open() {
            return Err(CoreError::conflict(
                "status",
                format!("ticket #{number} can be rated once it is resolved"),
            ));
        }
        let now = self.now();
        let mut updated = ticket.clone();
        updated.satisfaction = Some(Satisfaction::new(rating, comment, now)?);
        updated.updated_at = now;
        updated.version += 1;
        let mut audit = AuditDraft::new(
            actor,
            &Action::OpenTicket(org.id),
            target("ticket", ticket.id),
            now,
        )
        .with_detail(json!({ "number": number, "rating": rating }));
        audit.action = "ticket.rate".into();
        self.store
            .commit(
                Change::new(Some(org.id))
                    .write(Write::UpdateTicket(Box::new(updated.clone())))
                    .audit(audit),
            )
            .await?;
        self.ticket_detail(actor, &org, &updated, false).await
    }
}
