//! Wire types of tickets, shared by the customers' routes (`tickets`) and the agents'
//! (`support`). A ticket's `id` is its number; due times are RFC 3339 in UTC.

use crate::problem::ApiError;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use skydir_core::CoreError;
use skydir_core::service::{MessageView, NewAttachment, QueueItem, TicketView};
use skydir_core::support::{
    AttachmentMeta, ClockState, Effect, Impact, MediaType, MessageAuthor, SlaStatus, Urgency,
};
use utoipa::ToSchema;

/// A file sent with a ticket or reply.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AttachmentIn {
    pub filename: String,
    /// A media type (`type/subtype`, optionally `; name=value` parameters), printable ASCII,
    /// at most 255 characters; `application/octet-stream` when absent.
    #[serde(default)]
    pub content_type: Option<String>,
    /// The file, base64 (standard alphabet).
    pub content_base64: String,
}

/// Decodes attachments, naming the first bad one.
pub fn attachments(list: Vec<AttachmentIn>) -> Result<Vec<NewAttachment>, ApiError> {
    list.into_iter()
        .enumerate()
        .map(|(i, a)| {
            let content = STANDARD.decode(a.content_base64.trim()).map_err(|_| {
                CoreError::invalid(format!("attachments[{i}].content_base64"), "is not base64")
            })?;
            let content_type = match a.content_type.as_deref() {
                None => MediaType::octet_stream(),
                Some(t) => MediaType::parse(t)
                    .map_err(|e| super::prefixed(&format!("attachments[{i}]"), e))?,
            };
            Ok(NewAttachment {
                filename: a.filename,
                content_type,
                content,
            })
        })
        .collect()
}

/// How an issue affects the customer (decides the starting severity).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ImpactIn {
    /// `blocked`, `degraded`, `minor` or `none`.
    #[schema(value_type = String)]
    pub effect: Effect,
    /// The affected resources are in daily business use (default true).
    #[serde(default = "yes")]
    pub actively_used: bool,
    /// A reasonable workaround exists (default false).
    #[serde(default)]
    pub workaround: bool,
}

fn yes() -> bool {
    true
}

impl From<ImpactIn> for Impact {
    fn from(i: ImpactIn) -> Self {
        Impact {
            effect: i.effect,
            actively_used: i.actively_used,
            workaround: i.workaround,
        }
    }
}

/// One SLA clock's reading.
#[derive(Serialize, ToSchema)]
pub struct ClockOut {
    /// `running`, `paused` or `stopped`.
    pub state: Option<String>,
    /// When the target is reached if the clock keeps running; absent while paused or stopped.
    #[schema(value_type = Option<String>)]
    pub due: Option<Timestamp>,
    /// Business seconds left.
    pub remaining_seconds: i64,
    /// Business seconds counted so far.
    pub elapsed_seconds: i64,
    #[schema(value_type = Option<String>)]
    pub breached_at: Option<Timestamp>,
}

impl From<SlaStatus> for ClockOut {
    fn from(s: SlaStatus) -> Self {
        Self {
            state: s.state.map(|c| {
                match c {
                    ClockState::Running => "running",
                    ClockState::Paused => "paused",
                    ClockState::Stopped => "stopped",
                }
                .to_string()
            }),
            due: s.due,
            remaining_seconds: s.remaining.as_secs(),
            elapsed_seconds: s.elapsed.as_secs(),
            breached_at: s.breached_at,
        }
    }
}

/// Both SLA clocks.
#[derive(Serialize, ToSchema)]
pub struct SlaOut {
    pub first_response: ClockOut,
    pub resolution: ClockOut,
    /// The targets are aims on the customer's plan, not commitments.
    pub best_effort: bool,
}

/// An attachment's description (download it from its `url`).
#[derive(Serialize, ToSchema)]
pub struct AttachmentOut {
    pub id: String,
    pub filename: String,
    pub content_type: String,
    pub size: u64,
    pub sha256: String,
}

impl From<AttachmentMeta> for AttachmentOut {
    fn from(a: AttachmentMeta) -> Self {
        Self {
            id: a.id.to_string(),
            filename: a.filename,
            content_type: a.content_type,
            size: a.size,
            sha256: a.sha256,
        }
    }
}

/// One message of the conversation.
#[derive(Serialize, ToSchema)]
pub struct MessageOut {
    #[schema(value_type = String)]
    pub at: Timestamp,
    /// `customer`, `agent` or `desk` (automatic answers).
    pub author: String,
    /// The customer's user id or the agent's staff id.
    pub author_id: Option<String>,
    /// `public` or `internal` (agents only).
    pub visibility: String,
    pub body: String,
    pub attachments: Vec<AttachmentOut>,
}

impl From<MessageView> for MessageOut {
    fn from(m: MessageView) -> Self {
        let (author, author_id) = match m.author {
            MessageAuthor::Customer { user } => ("customer", Some(user.to_string())),
            MessageAuthor::Agent { staff } => ("agent", Some(staff.to_string())),
            MessageAuthor::Desk => ("desk", None),
        };
        Self {
            at: m.at,
            author: author.into(),
            author_id,
            visibility: m.visibility.as_str().into(),
            body: m.body.get().clone(),
            attachments: m.attachments.into_iter().map(Into::into).collect(),
        }
    }
}

/// A ticket.
#[derive(Serialize, ToSchema)]
pub struct TicketOut {
    /// The ticket number.
    pub id: u64,
    /// The org's slug.
    pub org: String,
    pub subject: String,
    pub category: String,
    /// `s1` (critical) … `s4` (question).
    pub severity: String,
    /// `new`, `open`, `waiting_on_customer`, `resolved` or `closed`.
    pub status: String,
    /// Where it is worked; absent when support does not cover it.
    pub queue: Option<String>,
    /// The intake decision: `{"outcome": "covered", "queue": …}`,
    /// `{"outcome": "routed_to_sales", "reason": …}` or
    /// `{"outcome": "not_covered", "reason": …, "remedy": …}`.
    #[schema(value_type = Object)]
    pub eligibility: serde_json::Value,
    /// `email`, `portal` or `api`.
    pub channel: String,
    /// How the requester was identified: `session`, `verified_mail` or `unverified_mail`.
    #[schema(value_type = Object)]
    pub identity: serde_json::Value,
    pub requester: String,
    pub assignee: Option<String>,
    pub system: Option<String>,
    /// Ticket details asked for at intake and still missing: `description`, `troubleshooting`,
    /// `error_messages`, `logs` (the logs of the system's client, e.g. SSSD's).
    pub missing: Vec<String>,
    /// When a first response is due (absent while the clock is paused or stopped).
    #[schema(value_type = Option<String>)]
    pub first_response_due: Option<Timestamp>,
    /// When resolution is due (absent while the clock is paused or stopped).
    #[schema(value_type = Option<String>)]
    pub resolution_due: Option<Timestamp>,
    pub sla: SlaOut,
    #[schema(value_type = Option<Object>)]
    pub satisfaction: Option<serde_json::Value>,
    #[schema(value_type = String)]
    pub created_at: Timestamp,
    #[schema(value_type = String)]
    pub updated_at: Timestamp,
    /// The conversation (single-ticket responses only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub messages: Option<Vec<MessageOut>>,
}

fn wire<T: Serialize>(v: &T) -> serde_json::Value {
    serde_json::to_value(v).unwrap_or(serde_json::Value::Null)
}

fn name<T: Serialize>(v: &T) -> String {
    match wire(v) {
        serde_json::Value::String(s) => s,
        other => other.to_string(),
    }
}

impl From<TicketView> for TicketOut {
    fn from(t: TicketView) -> Self {
        Self {
            id: t.number,
            org: t.org_slug,
            subject: t.subject.get().clone(),
            category: t.category.as_str().into(),
            severity: t.severity.as_str().into(),
            status: t.status.as_str().into(),
            queue: t.queue.map(|q| name(&q)),
            eligibility: wire(&t.eligibility),
            channel: t.channel.as_str().into(),
            identity: wire(&t.identity),
            requester: t.requester.to_string(),
            assignee: t.assignee.map(|a| a.to_string()),
            system: t.system,
            missing: t.missing.iter().map(name).collect(),
            first_response_due: t.first_response.due,
            resolution_due: t.resolution.due,
            sla: SlaOut {
                first_response: t.first_response.into(),
                resolution: t.resolution.into(),
                best_effort: t.best_effort,
            },
            satisfaction: t.satisfaction.as_ref().map(wire),
            created_at: t.created_at,
            updated_at: t.updated_at,
            messages: t
                .messages
                .map(|m| m.into_iter().map(MessageOut::from).collect()),
        }
    }
}

/// A line of the support queue.
#[derive(Serialize, ToSchema)]
pub struct QueueItemOut {
    #[serde(flatten)]
    pub ticket: TicketOut,
    /// The due time the queue is ordered by (first response until given, then resolution).
    #[schema(value_type = Option<String>)]
    pub next_due: Option<Timestamp>,
    /// `on_track`, `near_breach` or `breached`.
    pub urgency: String,
}

impl From<QueueItem> for QueueItemOut {
    fn from(i: QueueItem) -> Self {
        Self {
            urgency: match i.urgency {
                Urgency::OnTrack => "on_track",
                Urgency::NearBreach => "near_breach",
                Urgency::Breached => "breached",
            }
            .into(),
            next_due: i.next_due,
            ticket: i.ticket.into(),
        }
    }
}
