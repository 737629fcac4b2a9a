//! Tickets and their messages as the desk keeps them.
//!
//! A [`Ticket`] is the unit of work: who asked (an org admin, by user id), what about
//! ([`Category`], [`Severity`], the system involved), where it is worked ([`Queue`], assignee),
//! its [`TicketHistory`] — from which status and both SLA clocks are derived, never counted —
//! and how the requester's identity was established ([`Identity`]). Its conversation is a list
//! of [`TicketMessage`]s: the customer's messages, agents' public replies and internal notes,
//! and the desk's own automatic answers; each may carry [`StoredAttachment`]s.
//!
//! Tickets are numbered across the deployment (`#1042`), because the number is what people
//! quote and what the mail tag `[#1042]` carries; the [`TicketId`] is the stable key.

use super::category::Category;
use super::eligibility::{Eligibility, Queue};
use super::intake::Detail;
use super::severity::Severity;
use super::targets::PlanClass;
use super::ticket::{TicketHistory, TicketStatus};
use crate::error::{CoreError, CoreResult};
use crate::ids::{AttachmentId, MessageId, OrgId, StaffId, TicketId, UserId};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use std::fmt;

/// Largest subject kept (characters); longer ones are cut.
pub const MAX_SUBJECT_CHARS: usize = 200;
/// Largest message body accepted (bytes of UTF-8).
pub const MAX_BODY_BYTES: usize = 256 * 1024;
/// Largest single attachment stored (bytes).
pub const MAX_ATTACHMENT_BYTES: usize = 10 * 1024 * 1024;
/// Most bytes of attachments stored with one message.
pub const MAX_ATTACHMENTS_BYTES: usize = 25 * 1024 * 1024;
/// Most attachments stored with one message.
pub const MAX_ATTACHMENTS: usize = 20;

/// Where a ticket came in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    Email,
    Portal,
    Api,
}

impl Channel {
    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Email => "email",
            Self::Portal => "portal",
            Self::Api => "api",
        }
    }
}

/// How the requester's identity was established when the ticket was opened.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Identity {
    /// Logged in to the portal or API with their own credentials.
    Session,
    /// Mail whose sender our MTA authenticated (`method`: `dmarc` or `spf+dkim`).
    VerifiedMail { method: String },
    /// Mail whose sender could not be authenticated; `reason` says why. The ticket is worked,
    /// but nothing sensitive is done or disclosed on its strength.
    UnverifiedMail { reason: String },
}

impl Identity {
    /// Whether the requester is known to be who they say (still never enough, alone, for a
    /// sensitive action: those need a verification).
    pub fn is_verified(&self) -> bool {
        !matches!(self, Self::UnverifiedMail { .. })
    }
}

/// A support ticket.
#[derive(Clone, PartialEq, Eq)]
pub struct Ticket {
    pub id: TicketId,
    pub org: OrgId,
    /// The deployment-wide number people quote (`#1042`).
    pub number: u64,
    /// Customer text: sealed at rest.
    pub subject: String,
    pub category: Category,
    pub severity: Severity,
    /// The org's plan class when the ticket was opened: it fixes the SLA targets.
    pub plan_class: PlanClass,
    /// The admin who opened it.
    pub requester: UserId,
    pub channel: Channel,
    pub identity: Identity,
    /// The eligibility decision at intake (or after a re-categorization).
    pub eligibility: Eligibility,
    /// The queue it is worked in; `None` when support does not cover it.
    pub queue: Option<Queue>,
    pub assignee: Option<StaffId>,
    /// The system it is about, by hostname, if one was named.
    pub system: Option<String>,
    /// Ticket details still missing (the ticket waits on the customer for them).
    pub missing: Vec<Detail>,
    pub history: TicketHistory,
    /// Satisfaction rating after resolution (1–5) and its comment.
    pub satisfaction: Option<Satisfaction>,
    /// SLA warnings already sent and breaches already recorded, so each is done once.
    pub sla_marks: SlaMarks,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    /// Optimistic-concurrency version: a write must name the version it read.
    pub version: u64,
}

impl Ticket {
    /// The current status (from the history).
    pub fn status(&self) -> TicketStatus {
        self.history.status()
    }

    /// Whether the ticket is still being worked (not resolved or closed).
    pub fn is_open(&self) -> bool {
        !matches!(self.status(), TicketStatus::Resolved | TicketStatus::Closed)
    }
}

/// Shape only: the subject is customer text.
impl fmt::Debug for Ticket {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Ticket")
            .field("id", &self.id)
            .field("org", &self.org)
            .field("number", &self.number)
            .field("category", &self.category)
            .field("severity", &self.severity)
            .field("status", &self.status())
            .finish_non_exhaustive()
    }
}

/// A customer's satisfaction rating of a resolved ticket.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Satisfaction {
    /// 1 (very unhappy) to 5 (very happy).
    pub rating: u8,
    pub comment: String,
    pub at: Timestamp,
}

impl Satisfaction {
    /// Checks a rating and its comment.
    pub fn new(rating: u8, comment: &str, at: Timestamp) -> CoreResult<Self> {
        if !(1..=5).contains(&rating) {
            return Err(CoreError::invalid(
                "rating",
                "must be a whole number from 1 (very unhappy) to 5 (very happy)",
            ));
        }
        let comment = comment.trim();
        if comment.chars().count() > 2000 {
            return Err(CoreError::invalid(
                "comment",
                "must be at most 2000 characters",
            ));
        }
        Ok(Self {
            rating,
            comment: comment.to_string(),
            at,
        })
    }
}

/// Which SLA events the desk has already acted on for a ticket.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct SlaMarks {
    #[serde(default)]
    pub first_response_warned: bool,
    #[serde(default)]
    pub first_response_breached: Option<Timestamp>,
    #[serde(default)]
    pub resolution_warned: bool,
    #[serde(default)]
    pub resolution_breached: Option<Timestamp>,
}

/// Who wrote a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum MessageAuthor {
    /// A user of the ticket's org (the requester or another admin).
    Customer { user: UserId },
    /// A support agent.
    Agent { staff: StaffId },
    /// The desk itself (acknowledgements, policy answers, notifications).
    Desk,
}

/// Who may read a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Visibility {
    /// The customer and support.
    Public,
    /// Support staff only.
    Internal,
}

impl Visibility {
    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Public => "public",
            Self::Internal => "internal",
        }
    }
}

/// One message of a ticket's conversation.
#[derive(Clone, PartialEq, Eq)]
pub struct TicketMessage {
    pub id: MessageId,
    pub ticket: TicketId,
    pub org: OrgId,
    pub at: Timestamp,
    pub author: MessageAuthor,
    pub visibility: Visibility,
    /// Customer or agent text: sealed at rest — under the author's own key when a customer
    /// wrote it, so that erasing them shreds it.
    pub body: String,
    /// The mail `Message-ID` it came in as, or went out as.
    pub mail_id: Option<String>,
    pub attachments: Vec<AttachmentMeta>,
}

impl fmt::Debug for TicketMessage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TicketMessage")
            .field("id", &self.id)
            .field("ticket", &self.ticket)
            .field("author", &self.author)
            .field("visibility", &self.visibility)
            .field("attachments", &self.attachments.len())
            .finish_non_exhaustive()
    }
}

/// What is known of an attachment without reading it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttachmentMeta {
    pub id: AttachmentId,
    /// Sanitized file name (no path, no control characters).
    pub filename: String,
    pub content_type: String,
    pub size: u64,
    /// Hex SHA-256 of the content, for integrity and de-duplication.
    pub sha256: String,
}

/// An attachment with its content, as written or read back.
#[derive(Clone, PartialEq, Eq)]
pub struct StoredAttachment {
    pub meta: AttachmentMeta,
    pub content: Vec<u8>,
}

impl fmt::Debug for StoredAttachment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StoredAttachment")
            .field("meta", &self.meta)
            .finish_non_exhaustive()
    }
}

/// A file name safe to store and show: the last path component, without control characters
/// or characters that mean something to shells and headers, at most 120 characters;
/// `attachment` when nothing is left.
pub fn sanitize_filename(name: &str) -> String {
    let last = name.rsplit(['/', '\\']).next().unwrap_or("");
    let cleaned: String = last
        .chars()
        .filter(|c| !c.is_control() && !"\"<>|:*?;".contains(*c))
        .collect();
    let trimmed = cleaned.trim().trim_start_matches('.').trim();
    let cut: String = trimmed.chars().take(120).collect();
    if cut.is_empty() {
        "attachment".to_string()
    } else {
        cut
    }
}

/// A subject as kept: trimmed, control characters removed, at most [`MAX_SUBJECT_CHARS`];
/// `(no subject)` when empty.
pub fn clean_subject(subject: &str) -> String {
    let one_line: String = subject
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let t = one_line.split_whitespace().collect::<Vec<_>>().join(" ");
    let cut: String = t.chars().take(MAX_SUBJECT_CHARS).collect();
    if cut.is_empty() {
        "(no subject)".to_string()
    } else {
        cut
    }
}

/// Checks a message body: not empty and within [`MAX_BODY_BYTES`].
pub fn check_body(field: &str, body: &str) -> CoreResult<()> {
    if body.trim().is_empty() {
        return Err(CoreError::invalid(field, "must not be empty"));
    }
    if body.len() > MAX_BODY_BYTES {
        return Err(CoreError::invalid(
            field,
            format!("must be at most {} KiB", MAX_BODY_BYTES / 1024),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filenames_lose_paths_and_dangerous_characters() {
        assert_eq!(
            sanitize_filename("C:\\Windows\\Temp\\skydir-agent.log"),
            "skydir-agent.log"
        );
        assert_eq!(sanitize_filename("../../etc/passwd"), "passwd");
        assert_eq!(sanitize_filename("a\"b<c>\r\n.png"), "abc.png");
        assert_eq!(sanitize_filename("..."), "attachment");
        assert_eq!(sanitize_filename(""), "attachment");
        assert_eq!(sanitize_filename(&"x".repeat(500)).chars().count(), 120);
    }

    #[test]
    fn subjects_are_one_clean_line() {
        assert_eq!(clean_subject("  Re:\r\n LDAP\tdown "), "Re: LDAP down");
        assert_eq!(clean_subject(""), "(no subject)");
        assert_eq!(clean_subject(&"é".repeat(500)).chars().count(), 200);
    }

    #[test]
    fn ratings_are_one_to_five() {
        let at = Timestamp::UNIX_EPOCH;
        assert!(Satisfaction::new(0, "", at).is_err());
        assert!(Satisfaction::new(6, "", at).is_err());
        assert_eq!(
            Satisfaction::new(5, " great ", at).map(|s| s.comment),
            Ok("great".into())
        );
    }

    #[test]
    fn bodies_must_say_something_within_the_limit() {
        assert!(check_body("body", " \n").is_err());
        assert!(check_body("body", &"a".repeat(MAX_BODY_BYTES + 1)).is_err());
        assert!(check_body("body", "LDAP binds fail since 9am").is_ok());
    }
}
