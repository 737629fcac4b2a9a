//! The SLA watch and the desk's reports. The server runs [`Directory::sla_watch`] every minute:
//! each near-breach warning and each breach is acted on once per ticket and clock — an
//! internal note on the ticket, a mail to the escalation address, an audit event (breaches are
//! thereby recorded) — and remembered in the ticket's SLA marks in the same change, so several
//! server processes or a restart never repeat one.

use crate::access::{Action, Actor};
use crate::audit::AuditDraft;
use crate::change::{Change, Write};
use crate::error::{CoreError, CoreResult};
use crate::ids::{MailId, MessageId};
use crate::ports::{DeskStore, DirectoryStore};
use crate::service::{Directory, target};
use crate::support::replies::ticket_subject;
use crate::support::watch::{Clock, ComplianceRow, SlaEvent, compliance, describe, due_events};
use crate::support::{MessageAuthor, OutboundMail, TicketMessage, Visibility};
use jiff::Timestamp;
use serde_json::json;

/// What one round of the watch did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct WatchRound {
    pub warnings: usize,
    pub breaches: usize,
}

impl<S: DirectoryStore + DeskStore> Directory<S> {
    /// Acts on every SLA warning and breach due now (see the module docs). Only skydir itself
    /// runs it.
    pub async fn sla_watch(&self, actor: &Actor) -> CoreResult<WatchRound> {
        if !matches!(actor, Actor::System) {
            return Err(CoreError::forbidden("only skydir's SLA watch runs this"));
        }
        let policy = self.desk_policy()?;
        let mut round = WatchRound::default();
        for ticket in self.store.open_tickets().await? {
            let sla = self.sla(&policy, &ticket)?;
            let (events, marks) = due_events(&policy, &ticket, &sla);
            if events.is_empty() {
                continue;
            }
            let now = self.now();
            let mut updated = ticket.clone();
            updated.sla_marks = marks;
            updated.version += 1;
            let mut change = Change::new(Some(ticket.org));
            let mut lines = Vec::new();
            for e in &events {
                let text = describe(&policy, ticket.number, ticket.severity, e);
                let (action, clock, when) = match e {
                    SlaEvent::NearBreach { clock, due } => ("ticket.sla_warning", clock, due),
                    SlaEvent::Breached { clock, at } => ("ticket.sla_breach", clock, at),
                };
                let mut audit = AuditDraft::new(
                    actor,
                    &Action::WorkTickets(ticket.org),
                    target("ticket", ticket.id),
                    now,
                )
                .with_detail(json!({
                    "number": ticket.number,
                    "clock": match clock { Clock::FirstResponse => "first_response", Clock::Resolution => "resolution" },
                    "severity": ticket.severity.as_str(),
                    "at": when.to_string(),
                }));
                audit.action = action.into();
                change = change
                    .write(Write::AddMessage {
                        message: Box::new(TicketMessage {
                            id: MessageId::from_random(self.random()),
                            ticket: ticket.id,
                            org: ticket.org,
                            at: now,
                            author: MessageAuthor::Desk,
                            visibility: Visibility::Internal,
                            body: text.clone(),
                            mail_id: None,
                            attachments: Vec::new(),
                        }),
                        attachments: Vec::new(),
                    })
                    .audit(audit);
                lines.push(text);
                match e {
                    SlaEvent::NearBreach { .. } => round.warnings += 1,
                    SlaEvent::Breached { .. } => round.breaches += 1,
                }
            }
            let mail = OutboundMail {
                id: MailId::from_random(self.random()),
                org: Some(ticket.org),
                ticket: Some(ticket.id),
                from: policy.contacts.support.clone(),
                to: vec![policy.contacts.escalations.clone()],
                subject: ticket_subject(ticket.number, "SLA escalation"),
                text: format!(
                    "{}\n\nQueue: {}/api/v1/support/queue\nTicket: {}/api/v1/support/tickets/{}\n",
                    lines.join("\n"),
                    policy.contacts.public_url,
                    policy.contacts.public_url,
                    ticket.number
                ),
                message_id: self.mail_message_id(&policy, Some(ticket.id)),
                in_reply_to: None,
                references: Vec::new(),
                auto_reply: true,
                created_at: now,
            };
            change = change
                .write(Write::UpdateTicket(Box::new(updated)))
                .write(Write::QueueMail(Box::new(mail)));
            match self.store.commit(change).await {
                Ok(()) => {}
                // Someone changed the ticket meanwhile (or another watch got there first):
                // the next round sees the new state.
                Err(CoreError::Conflict { field, .. }) if field == "ticket" => {}
                Err(e) => return Err(e),
            }
        }
        Ok(round)
    }

    /// SLA compliance and satisfaction per severity and month, for tickets opened in
    /// `[from, to)`.
    pub async fn sla_report(
        &self,
        actor: &Actor,
        from: Timestamp,
        to: Timestamp,
    ) -> CoreResult<Vec<ComplianceRow>> {
        self.check(actor, &Action::SupportReports, "report:sla")
            .await?;
        if to <= from {
            return Err(CoreError::invalid("to", "must be after from"));
        }
        let policy = self.desk_policy()?;
        let mut rows = Vec::new();
        for t in self.store.tickets_created_between(from, to).await? {
            let sla = self.sla(&policy, &t)?;
            rows.push((t, sla));
        }
        compliance(&policy, &rows)
    }
}
