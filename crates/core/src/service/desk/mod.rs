//! The support desk's use cases: opening tickets (portal, API, mail), the customer's side of a
//! ticket, the agents' workspace, and the outbound mail queue. Each follows the services'
//! pattern — authorize, apply the policy's rules (`support::*`), build one `Change` holding
//! the ticket, its messages, the mail it sends and the audit events, commit.
//!
//! Mail is never sent inside a use case: it is queued in the same transaction as the change
//! that causes it (a transactional outbox), and a dispatcher delivers it afterwards. A crash
//! between the two therefore delays a mail; it never loses one, and never sends one for a
//! change that did not happen.

mod customer;
mod intake;
mod kb;
mod mail_in;
mod outbox;
mod team;
mod verify;
mod views;
mod watch;
mod work;

pub use intake::{NewAttachment, NewTicket};
pub use mail_in::MailOutcome;
pub use outbox::MailFate;
pub use verify::{Decision, VerificationPrompt, VerificationView};
pub use views::{MessageView, QueueItem, TicketView};
pub use watch::WatchRound;
pub use work::TicketPatch;

use super::Directory;
use crate::directory::{Org, User};
use crate::error::{CoreError, CoreResult};
use crate::ids::{MailId, TicketId};
use crate::ports::{DeskStore, DirectoryStore};
use crate::support::replies::ticket_subject;
use crate::support::{Contacts, DeskPolicy, OutboundMail, Ticket, TicketMessage, TicketSla};
use std::sync::{Arc, OnceLock};

/// The default policy, built once (its data is fixed; tests prove it builds).
fn default_policy() -> CoreResult<Arc<DeskPolicy>> {
    static DEFAULT: OnceLock<Result<Arc<DeskPolicy>, CoreError>> = OnceLock::new();
    DEFAULT
        .get_or_init(|| DeskPolicy::with_contacts(Contacts::local()).map(Arc::new))
        .clone()
}

impl<S: DirectoryStore> Directory<S> {
    /// The desk's policy.
    pub fn desk_policy(&self) -> CoreResult<Arc<DeskPolicy>> {
        match &self.desk {
            Some(p) => Ok(p.clone()),
            None => default_policy(),
        }
    }

    /// A fresh `Message-ID` (without angle brackets) in the desk's mail domain.
    pub(in crate::service) fn mail_message_id(
        &self,
        policy: &DeskPolicy,
        ticket: Option<TicketId>,
    ) -> String {
        let r: [u8; 12] = self.random();
        match ticket {
            Some(t) => format!(
                "ticket-{}.{}@{}",
                t.0.simple(),
                hex::encode(r),
                policy.contacts.mail_domain()
            ),
            None => format!("desk.{}@{}", hex::encode(r), policy.contacts.mail_domain()),
        }
    }
}

impl<S: DirectoryStore + DeskStore> Directory<S> {
    /// Both SLA clocks of `ticket` now.
    fn sla(&self, policy: &DeskPolicy, ticket: &Ticket) -> CoreResult<TicketSla> {
        let targets = policy.targets.for_class(ticket.plan_class, ticket.severity);
        ticket.history.sla(&policy.calendar, targets, self.now())
    }

    /// A mail from the desk to `user` about `ticket`, threaded after `thread` (the ids of the
    /// ticket's mail so far, oldest first).
    fn ticket_mail(
        &self,
        policy: &DeskPolicy,
        ticket: &Ticket,
        to: &User,
        text: String,
        thread: &[String],
        auto_reply: bool,
    ) -> OutboundMail {
        OutboundMail {
            id: MailId::from_random(self.random()),
            org: Some(ticket.org),
            ticket: Some(ticket.id),
            from: policy.contacts.support.clone(),
            to: vec![to.email.as_str().to_string()],
            subject: ticket_subject(ticket.number, &ticket.subject),
            text,
            message_id: self.mail_message_id(policy, Some(ticket.id)),
            in_reply_to: thread.last().cloned(),
            references: thread.iter().rev().take(20).rev().cloned().collect(),
            auto_reply,
            created_at: self.now(),
        }
    }

    /// The mail ids of a ticket's conversation, oldest first.
    fn thread_ids(messages: &[TicketMessage]) -> Vec<String> {
        messages.iter().filter_map(|m| m.mail_id.clone()).collect()
    }

    /// The ticket numbered `number` in `org`, or not found.
    async fn ticket_in(&self, org: &Org, number: u64) -> CoreResult<Ticket> {
        match self.store.ticket_by_number(number).await? {
            Some(t) if t.org == org.id => Ok(t),
            _ => Err(CoreError::not_found("ticket", number.to_string())),
        }
    }

    /// The requester's user record (for mail), if they still exist.
    async fn requester(&self, ticket: &Ticket) -> CoreResult<Option<User>> {
        self.store.user_by_id(ticket.org, ticket.requester).await
    }
}
