//! What the desk's use cases return: a ticket with its SLA readings, its messages as the
//! caller may see them, and a queue line. Customers never see internal notes; both sides see
//! the due times computed now from the ticket's history.

use crate::ids::{AttachmentId, StaffId, UserId};
use crate::secret::Personal;
use crate::support::{
    AttachmentMeta, Category, Channel, Eligibility, Identity, MessageAuthor, Queue, Satisfaction,
    Severity, SlaStatus, Ticket, TicketMessage, TicketSla, TicketStatus, Visibility,
    intake::Detail,
};
use jiff::Timestamp;

/// A ticket as shown to a caller.
#[derive(Debug, Clone)]
pub struct TicketView {
    /// The ticket's number, which is its id in every interface.
    pub number: u64,
    pub subject: Personal<String>,
    pub org_slug: String,
    pub category: Category,
    pub severity: Severity,
    pub status: TicketStatus,
    pub queue: Option<Queue>,
    pub eligibility: Eligibility,
    pub channel: Channel,
    pub identity: Identity,
    pub requester: UserId,
    pub assignee: Option<StaffId>,
    pub system: Option<String>,
    pub missing: Vec<Detail>,
    pub first_response: SlaStatus,
    pub resolution: SlaStatus,
    /// Business time targets are aims, not commitments (free plans).
    pub best_effort: bool,
    pub satisfaction: Option<Satisfaction>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    /// The conversation, in ticket detail views.
    pub messages: Option<Vec<MessageView>>,
}

impl TicketView {
    pub(super) fn of(t: &Ticket, org_slug: &str, sla: TicketSla, best_effort: bool) -> Self {
        Self {
            number: t.number,
            subject: Personal(t.subject.clone()),
            org_slug: org_slug.to_string(),
            category: t.category,
            severity: t.severity,
            status: t.status(),
            queue: t.queue,
            eligibility: t.eligibility.clone(),
            channel: t.channel,
            identity: t.identity.clone(),
            requester: t.requester,
            assignee: t.assignee,
            system: t.system.clone(),
            missing: t.missing.clone(),
            first_response: sla.first_response,
            resolution: sla.resolution,
            best_effort,
            satisfaction: t.satisfaction.clone(),
            created_at: t.created_at,
            updated_at: t.updated_at,
            messages: None,
        }
    }
}

/// One message as shown.
#[derive(Debug, Clone)]
pub struct MessageView {
    pub at: Timestamp,
    pub author: MessageAuthor,
    pub visibility: Visibility,
    pub body: Personal<String>,
    pub attachments: Vec<AttachmentMeta>,
}

impl MessageView {
    pub(super) fn of(m: &TicketMessage) -> Self {
        Self {
            at: m.at,
            author: m.author,
            visibility: m.visibility,
            body: Personal(m.body.clone()),
            attachments: m.attachments.clone(),
        }
    }

    /// Whether the message carries attachment `id`.
    pub fn has_attachment(&self, id: AttachmentId) -> bool {
        self.attachments.iter().any(|a| a.id == id)
    }
}

/// A line of the support queue.
#[derive(Debug, Clone)]
pub struct QueueItem {
    pub ticket: TicketView,
    /// The due time the queue orders by: the first response's until it is given, then the
    /// resolution's; `None` while the clocks are paused.
    pub next_due: Option<Timestamp>,
    /// Near breach or breached, by the policy's rule.
    pub urgency: crate::support::Urgency,
}
