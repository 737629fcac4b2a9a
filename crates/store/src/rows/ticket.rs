//! Tickets, their messages and attachments as rows. What the desk filters and orders by —
//! number, category, severity, status, queue, requester, assignee, times — is in columns; the
//! rest of a ticket's state (history, identity, eligibility …) is one JSON column holding no
//! customer text. Customer text is sealed: a ticket's subject and rating comment under the
//! org key; a message's content (body, mail id, attachment names) and its attachments under
//! the author's key when a customer wrote it, else the org key.

use super::{id, micros, parsed, ts};
use crate::crypto::{self, DataKey};
use crate::db::{Arg, Row, args};
use crate::error::{StoreError, StoreResult};
use serde::{Deserialize, Serialize};
use skydir_core::ids::{OrgId, StaffId, TicketId, UserId};
use skydir_core::support::{
    AttachmentMeta, Category, Channel, Eligibility, HistoryEntry, Identity, PlanClass, Queue,
    Satisfaction, Severity, SlaMarks, Ticket, TicketHistory, intake::Detail,
};

/// Columns read by [`open_ticket`], in order.
macro_rules! ticket_cols {
    () => {
        "id, org_id, number, subject_ct, category, severity, requester_id, assignee_id, state, \
         satisfaction_ct, created_at, updated_at, version, queue"
    };
}
pub(crate) use ticket_cols;

/// The part of a ticket kept as JSON.
#[derive(Serialize, Deserialize)]
struct State {
    plan_class: PlanClass,
    channel: Channel,
    identity: Identity,
    eligibility: Eligibility,
    system: Option<String>,
    missing: Vec<Detail>,
    history: Vec<HistoryEntry>,
    #[serde(default)]
    sla_marks: SlaMarks,
}

/// The content of a message, sealed as one value.
#[derive(Serialize, Deserialize)]
pub(crate) struct MessageContent {
    pub body: String,
    pub mail_id: Option<String>,
    pub attachments: Vec<AttachmentMeta>,
}

fn aad(org: &str, table: &str, record: &str, field: &str) -> String {
    format!("skydir/v1|{org}|{table}|{record}|{field}")
}

fn json<T: Serialize>(v: &T, what: &str) -> StoreResult<String> {
    serde_json::to_string(v).map_err(|_| StoreError::corrupt(format!("{what} does not serialize")))
}

/// The sealed columns of a ticket.
#[derive(Debug, Clone)]
pub(crate) struct SealedTicket {
    pub subject: String,
    pub satisfaction: Option<String>,
}

/// Seals a ticket's customer text under the org key.
pub(crate) fn seal_ticket(t: &Ticket, org_key: &DataKey) -> StoreResult<SealedTicket> {
    let (org, tid) = (t.org.to_string(), t.id.to_string());
    let subject = crypto::seal(
        org_key.bytes(),
        aad(&org, "tickets", &tid, "subject").as_bytes(),
        t.subject.as_bytes(),
    )?;
    let satisfaction = t
        .satisfaction
        .as_ref()
        .map(|s| {
            crypto::seal(
                org_key.bytes(),
                aad(&org, "tickets", &tid, "satisfaction").as_bytes(),
                json(s, "tickets.satisfaction")?.as_bytes(),
            )
        })
        .transpose()?;
    Ok(SealedTicket {
        subject,
        satisfaction,
    })
}

/// Values for the ticket columns, in the order of `INSERT INTO tickets (id, org_id, number,
/// subject_ct, category, severity, status, is_open, queue, requester_id, assignee_id, state,
/// satisfaction_ct, created_at, updated_at, version)`.
pub(crate) fn ticket_args(t: &Ticket, s: &SealedTicket) -> StoreResult<Vec<Arg>> {
    let state = State {
        plan_class: t.plan_class,
        channel: t.channel,
        identity: t.identity.clone(),
        eligibility: t.eligibility.clone(),
        system: t.system.clone(),
        missing: t.missing.clone(),
        history: t.history.entries().to_vec(),
        sla_marks: t.sla_marks,
    };
    let number = i64::try_from(t.number).map_err(|_| StoreError::corrupt("ticket number"))?;
    let version = i64::try_from(t.version).map_err(|_| StoreError::corrupt("ticket version"))?;
    Ok(args![
        t.id.to_string(),
        t.org.to_string(),
        number,
        s.subject.as_str(),
        t.category.as_str(),
        t.severity.as_str(),
        t.status().as_str(),
        i64::from(t.is_open()),
        t.queue.map(queue_name).map(str::to_string),
        t.requester.to_string(),
        t.assignee.map(|a| a.to_string()),
        json(&state, "tickets.state")?,
        s.satisfaction.clone(),
        micros(t.created_at),
        micros(t.updated_at),
        version,
    ])
}

fn queue_name(q: Queue) -> &'static str {
    match q {
        Queue::Support => "support",
        Queue::DedicatedSpecialist => "dedicated_specialist",
        Queue::CustomerSuccess => "customer_success",
        Queue::Feedback => "feedback",
    }
}

/// The org a row of `ticket_cols!()` belongs to.
pub(crate) fn ticket_org(r: &Row) -> StoreResult<OrgId> {
    id(&r.text(1)?, OrgId::parse, "tickets.org_id")
}

/// A ticket from a row of `ticket_cols!()`, opening its sealed columns with the org key.
pub(crate) fn open_ticket(r: &Row, org_key: &DataKey) -> StoreResult<Ticket> {
    let tid = id(&r.text(0)?, TicketId::parse, "tickets.id")?;
    let org = ticket_org(r)?;
    let (org_s, tid_s) = (org.to_string(), tid.to_string());
    let subject = crypto::open(
        org_key.bytes(),
        aad(&org_s, "tickets", &tid_s, "subject").as_bytes(),
        &r.text(3)?,
        || format!("tickets.subject of ticket {tid_s}"),
    )?;
    let subject = String::from_utf8(subject.to_vec())
        .map_err(|_| StoreError::corrupt("tickets.subject is not text"))?;
    let state: State = serde_json::from_str(&r.text(8)?).map_err(|_| {
        StoreError::corrupt(format!("tickets.state of ticket {tid_s} is malformed"))
    })?;
    let satisfaction = match r.opt_text(9)? {
        Some(ct) => {
            let plain = crypto::open(
                org_key.bytes(),
                aad(&org_s, "tickets", &tid_s, "satisfaction").as_bytes(),
                &ct,
                || format!("tickets.satisfaction of ticket {tid_s}"),
            )?;
            Some(
                serde_json::from_slice::<Satisfaction>(&plain)
                    .map_err(|_| StoreError::corrupt("tickets.satisfaction is malformed"))?,
            )
        }
        None => None,
    };
    let number = u64::try_from(r.int(2)?).map_err(|_| StoreError::corrupt("tickets.number"))?;
    let version = u64::try_from(r.int(12)?).map_err(|_| StoreError::corrupt("tickets.version"))?;
    let queue: Option<Queue> = r
        .opt_text(13)?
        .map(|q| {
            serde_json::from_value(serde_json::Value::String(q))
                .map_err(|_| StoreError::corrupt("tickets.queue has an unknown value"))
        })
        .transpose()?;
    Ok(Ticket {
        id: tid,
        org,
        number,
        subject,
        category: parsed(&r.text(4)?, Category::parse, "tickets.category")?,
        severity: parsed(&r.text(5)?, Severity::parse, "tickets.severity")?,
        plan_class: state.plan_class,
        requester: id(&r.text(6)?, UserId::parse, "tickets.requester_id")?,
        channel: state.channel,
        identity: state.identity,
        eligibility: state.eligibility,
        queue,
        assignee: r
            .opt_text(7)?
            .map(|a| id(&a, StaffId::parse, "tickets.assignee_id"))
            .transpose()?,
        system: state.system,
        missing: state.missing,
        history: TicketHistory::new(state.history).map_err(|_| {
            StoreError::corrupt(format!("tickets.state of ticket {tid_s} has a bad history"))
        })?,
        satisfaction,
        sla_marks: state.sla_marks,
        created_at: ts(r.int(10)?, "tickets.created_at")?,
        updated_at: ts(r.int(11)?, "tickets.updated_at")?,
        version,
    })
}

/// Seals a message's content under `key` (the author's or the org's).
pub(crate) fn seal_message(
    org: OrgId,
    message: &str,
    content: &MessageContent,
    key: &DataKey,
) -> StoreResult<String> {
    crypto::seal(
        key.bytes(),
        aad(&org.to_string(), "ticket_messages", message, "content").as_bytes(),
        json(content, "ticket_messages.content")?.as_bytes(),
    )
}

/// Opens a message's content.
pub(crate) fn open_message(
    org: OrgId,
    message: &str,
    sealed: &str,
    key: &DataKey,
) -> StoreResult<MessageContent> {
    let plain = crypto::open(
        key.bytes(),
        aad(&org.to_string(), "ticket_messages", message, "content").as_bytes(),
        sealed,
        || format!("ticket_messages.content of message {message}"),
    )?;
    serde_json::from_slice(&plain).map_err(|_| {
        StoreError::corrupt(format!(
            "ticket_messages.content of message {message} is malformed"
        ))
    })
}

/// Seals an attachment's bytes under `key`.
pub(crate) fn seal_attachment(
    org: OrgId,
    attachment: &str,
    content: &[u8],
    key: &DataKey,
) -> StoreResult<String> {
    crypto::seal(
        key.bytes(),
        aad(
            &org.to_string(),
            "ticket_attachments",
            attachment,
            "content",
        )
        .as_bytes(),
        content,
    )
}

/// Opens an attachment's bytes.
pub(crate) fn open_attachment(
    org: OrgId,
    attachment: &str,
    sealed: &str,
    key: &DataKey,
) -> StoreResult<Vec<u8>> {
    Ok(crypto::open(
        key.bytes(),
        aad(
            &org.to_string(),
            "ticket_attachments",
            attachment,
            "content",
        )
        .as_bytes(),
        sealed,
        || format!("ticket_attachments.content of attachment {attachment}"),
    )?
    .to_vec())
}
