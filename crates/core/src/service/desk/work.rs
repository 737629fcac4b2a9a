//! The agents' workspace: the support queue across orgs (most urgent first: severity, then the
//! next due time), a ticket with its internal notes, public replies (mailed to the requester,
//! threaded) and internal notes, and changes of status, severity, category and assignee.
//!
//! What agents may *not* do — passwords, access, memberships, roles, deleting or disclosing
//! account data — is refused by `authorize` before any of this runs, whatever a ticket asks.

use super::customer::RETRIES;
use super::intake::{NewAttachment, within_limits};
use super::{QueueItem, TicketView};
use crate::access::{Action, Actor};
use crate::audit::AuditDraft;
use crate::change::{Change, Write};
use crate::directory::Org;
use crate::error::{CoreError, CoreResult};
use crate::ids::{MessageId, OrgId, StaffId};
use crate::ports::{DeskStore, DirectoryStore};
use crate::service::{Directory, target};
use crate::support::record::check_body;
use crate::support::{
    Author, Category, HistoryEntry, MessageAuthor, Severity, Ticket, TicketHistory, TicketMessage,
    TicketStatus, Visibility,
};
use jiff::Timestamp;
use serde_json::json;
use std::collections::HashMap;

/// Changes an agent makes to a ticket; `None` leaves a field as it is, and so does its current
/// value (a form that posts every field changes, and audits, only what differs).
#[derive(Debug, Clone, Default)]
pub struct TicketPatch {
    pub status: Option<TicketStatus>,
    pub severity: Option<Severity>,
    pub category: Option<Category>,
    /// `Some(None)` unassigns.
    pub assignee: Option<Option<StaffId>>,
}

impl<S: DirectoryStore + DeskStore> Directory<S> {
    /// Loads a ticket by number for staff, with its org.
    pub(super) async fn staff_ticket(
        &self,
        actor: &Actor,
        number: u64,
    ) -> CoreResult<(Org, Ticket)> {
        let ticket = self
            .store
            .ticket_by_number(number)
            .await?
            .ok_or_else(|| CoreError::not_found("ticket", number.to_string()))?;
        let org = self
            .store
            .org_by_id(ticket.org)
            .await?
            .ok_or_else(|| CoreError::not_found("ticket", number.to_string()))?;
        self.check(
            actor,
            &Action::WorkTickets(org.id),
            &target("ticket", ticket.id),
        )
        .await?;
        Ok((org, ticket))
    }

    /// The support queue: every open ticket, most urgent first.
    pub async fn support_queue(&self, actor: &Actor) -> CoreResult<Vec<QueueItem>> {
        self.check(actor, &Action::SupportQueue, "queue").await?;
        let policy = self.desk_policy()?;
        let tickets = self.store.open_tickets().await?;
        let mut slugs: HashMap<OrgId, String> = HashMap::new();
        let mut items = Vec::with_capacity(tickets.len());
        for t in &tickets {
            if let std::collections::hash_map::Entry::Vacant(e) = slugs.entry(t.org) {
                let slug = self.store.org_by_id(t.org).await?;
                e.insert(slug.map_or_else(String::new, |o| o.slug.as_str().to_string()));
            }
            let sla = self.sla(&policy, t)?;
            let targets = policy.targets.for_class(t.plan_class, t.severity);
            let (next_due, urgency) = if t.history.first_response_at().is_none() {
                (
                    sla.first_response.due,
                    policy
                        .targets
                        .urgency(targets.first_response, &sla.first_response),
                )
            } else {
                (
                    sla.resolution.due,
                    policy.targets.urgency(targets.resolution, &sla.resolution),
                )
            };
            let best_effort = policy.targets.is_best_effort(t.plan_class);
            let slug = slugs.get(&t.org).cloned().unwrap_or_default();
            items.push(QueueItem {
                ticket: TicketView::of(t, &slug, sla, best_effort),
                next_due,
                urgency,
            });
        }
        items.sort_by_key(|i| {
            (
                i.ticket.severity,
                i.next_due.unwrap_or(Timestamp::MAX),
                i.ticket.number,
            )
        });
        Ok(items)
    }

    /// A ticket with its whole conversation, internal notes included, for staff.
    pub async fn get_ticket_as_staff(&self, actor: &Actor, number: u64) -> CoreResult<TicketView> {
        let (org, ticket) = self.staff_ticket(actor, number).await?;
        self.ticket_detail(actor, &org, &ticket, true).await
    }

    /// An attachment of a ticket, for staff (internal notes' files included).
    pub async fn ticket_attachment_as_staff(
        &self,
        actor: &Actor,
        number: u64,
        id: crate::ids::AttachmentId,
    ) -> CoreResult<crate::support::StoredAttachment> {
        let (org, ticket) = self.staff_ticket(actor, number).await?;
        self.attachment_of(actor, &org, &ticket, id).await
    }

    /// An agent's public reply (mailed to the requester) or internal note, optionally moving
    /// the ticket to `status` in the same change. A first public reply stops the
    /// first-response clock; a reply to a new ticket opens it.
    pub async fn agent_reply(
        &self,
        actor: &Actor,
        number: u64,
        body: String,
        visibility: Visibility,
        status: Option<TicketStatus>,
        attachments: Vec<NewAttachment>,
    ) -> CoreResult<TicketView> {
        let Actor::SupportAgent { staff } = *actor else {
            return Err(CoreError::forbidden(
                "replies are written by support agents",
            ));
        };
        let (org, mut ticket) = self.staff_ticket(actor, number).await?;
        check_body("body", &body)?;
        if visibility == Visibility::Public {
            crate::support::security::never_ask_for_a_password("body", &body)?;
        }
        let (files, _) = within_limits(attachments, true)?;
        let stored = self.store_attachments(files);
        let policy = self.desk_policy()?;
        for attempt in 0..RETRIES {
            let now = self.now();
            let mut entries = ticket.history.entries().to_vec();
            let public = visibility == Visibility::Public;
            if public {
                entries.push(HistoryEntry::Reply {
                    at: now,
                    by: Author::Agent,
                });
            }
            let target_status = status.or_else(|| {
                (public && ticket.status() == TicketStatus::New).then_some(TicketStatus::Open)
            });
            if let Some(to) = target_status
                && to != ticket.status()
            {
                entries.push(HistoryEntry::Status { at: now, to });
            }
            let mut updated = ticket.clone();
            updated.history = TicketHistory::new(entries)?;
            if updated.assignee.is_none() {
                updated.assignee = Some(staff);
            }
            updated.updated_at = now;
            updated.version += 1;
            let messages = self.store.messages(org.id, ticket.id).await?;
            let mut change = Change::new(Some(org.id));
            let mut mail_id = None;
            if public && let Some(requester) = self.requester(&ticket).await? {
                let mut text = body.clone();
                if updated.status() == TicketStatus::Resolved {
                    text.push_str(&resolved_note(&policy.contacts.public_url, ticket.number));
                }
                let mail = self.ticket_mail(
                    &policy,
                    &updated,
                    &requester,
                    text,
                    &Self::thread_ids(&messages),
                    false,
                );
                mail_id = Some(mail.message_id.clone());
                change = change
                    .write(Write::LinkMail {
                        ticket: ticket.id,
                        message_ids: vec![mail.message_id.clone()],
                    })
                    .write(Write::QueueMail(Box::new(mail)));
            }
            let message = TicketMessage {
                id: MessageId::from_random(self.random()),
                ticket: ticket.id,
                org: org.id,
                at: now,
                author: MessageAuthor::Agent { staff },
                visibility,
                body: body.clone(),
                mail_id,
                attachments: stored.iter().map(|s| s.meta.clone()).collect(),
            };
            let mut audit = AuditDraft::new(
                actor,
                &Action::WorkTickets(org.id),
                target("ticket", ticket.id),
                now,
            )
            .with_detail(json!({
                "number": number,
                "visibility": visibility.as_str(),
                "status": updated.status().as_str(),
                "attachments": stored.len(),
            }));
            audit.action = if public {
                "ticket.reply"
            } else {
                "ticket.note"
            }
            .into();
            change = change
                .write(Write::UpdateTicket(Box::new(updated)))
                .write(Write::AddMessage {
                    message: Box::new(message),
                    attachments: stored.clone(),
                })
                .audit(audit);
            match self.store.commit(change).await {
                Ok(()) => {
                    let t = self.ticket_in(&org, number).await?;
                    return self.ticket_detail(actor, &org, &t, true).await;
                }
                Err(CoreError::Conflict { field, .. })
                    if field == "ticket" && attempt + 1 < RETRIES =>
                {
                    ticket = self.ticket_in(&org, number).await?;
                }
                Err(e) => return Err(e),
            }
        }
        Err(CoreError::conflict(
            "ticket",
            "the ticket keeps changing; please try again",
        ))
    }

    /// Changes status, severity, category or assignee. Resolving a ticket tells the requester
    /// by mail, with the way to reopen it and to rate the answer.
    pub async fn update_ticket(
        &self,
        actor: &Actor,
        number: u64,
        patch: TicketPatch,
    ) -> CoreResult<TicketView> {
        let (org, mut ticket) = self.staff_ticket(actor, number).await?;
        if let Some(Some(staff)) = patch.assignee {
            let known = self
                .store
                .list_staff()
                .await?
                .iter()
                .any(|s| s.id == staff && s.role == crate::access::StaffRole::Agent);
            if !known {
                return Err(CoreError::invalid(
                    "assignee",
                    "is not a support agent of this deployment",
                ));
            }
        }
        let policy = self.desk_policy()?;
        for attempt in 0..RETRIES {
            let now = self.now();
            let mut updated = ticket.clone();
            let mut fields = Vec::new();
            if let Some(to) = patch.status
                && to != ticket.status()
            {
                let mut entries = ticket.history.entries().to_vec();
                entries.push(HistoryEntry::Status { at: now, to });
                updated.history = TicketHistory::new(entries)?;
                fields.push("status");
            }
            if let Some(s) = patch.severity
                && s != ticket.severity
            {
                updated.severity = s;
                fields.push("severity");
            }
            if let Some(c) = patch.category
                && c != ticket.category
            {
                updated.category = c;
                fields.push("category");
            }
            if let Some(a) = patch.assignee
                && a != ticket.assignee
            {
                updated.assignee = a;
                fields.push("assignee");
            }
            if fields.is_empty() {
                return self.ticket_detail(actor, &org, &ticket, true).await;
            }
            updated.updated_at = now;
            updated.version += 1;
            let mut change = Change::new(Some(org.id));
            let resolved = updated.status() == TicketStatus::Resolved
                && ticket.status() != TicketStatus::Resolved;
            if resolved && let Some(requester) = self.requester(&ticket).await? {
                let messages = self.store.messages(org.id, ticket.id).await?;
                let text = format!(
                    "Hello,\n\nWe have marked ticket #{} as resolved.{}\n\n-- \n{}\n",
                    number,
                    resolved_note(&policy.contacts.public_url, number),
                    crate::support::replies::footer(&policy)
                );
                let mail = self.ticket_mail(
                    &policy,
                    &updated,
                    &requester,
                    text,
                    &Self::thread_ids(&messages),
                    true,
                );
                change = change
                    .write(Write::LinkMail {
                        ticket: ticket.id,
                        message_ids: vec![mail.message_id.clone()],
                    })
                    .write(Write::QueueMail(Box::new(mail)));
            }
            let mut audit = AuditDraft::new(
                actor,
                &Action::WorkTickets(org.id),
                target("ticket", ticket.id),
                now,
            )
            .with_detail(json!({
                "number": number,
                "fields": fields,
                "status": updated.status().as_str(),
                "severity": updated.severity.as_str(),
                "category": updated.category.as_str(),
            }));
            audit.action = "ticket.update".into();
            change = change
                .write(Write::UpdateTicket(Box::new(updated)))
                .audit(audit);
            match self.store.commit(change).await {
                Ok(()) => {
                    let t = self.ticket_in(&org, number).await?;
                    return self.ticket_detail(actor, &org, &t, true).await;
                }
                Err(CoreError::Conflict { field, .. })
                    if field == "ticket" && attempt + 1 < RETRIES =>
                {
                    ticket = self.ticket_in(&org, number).await?;
                }
                Err(e) => return Err(e),
            }
        }
        Err(CoreError::conflict(
            "ticket",
            "the ticket keeps changing; please try again",
        ))
    }
}

/// What a resolved ticket's mail adds: how to reopen, and how to rate.
fn resolved_note(public_url: &str, number: u64) -> String {
    format!(
        "\n\nIf this does not solve your issue, reply to this message and the ticket will be \
         reopened. We would also like to know how we did: rate this ticket from 1 to 5 in the \
         portal ({public_url}/portal/tickets/{number}) or with \
         PUT /api/v1/orgs/<org>/tickets/{number}/satisfaction."
    )
}
