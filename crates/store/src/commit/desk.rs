//! Writes of the support desk: tickets (with optimistic versions), messages and attachments,
//! the mail thread index, the record of handled inbound mail, and the outbound queue. Every
//! statement names the change's org where the record has one.

use super::found;
use super::prepare::SealedDesk;
use crate::db::{Tx, args};
use crate::error::{StoreError, StoreResult};
use crate::rows::micros;
use crate::rows::ticket::ticket_args;
use jiff::Timestamp;
use skydir_core::CoreError;
use skydir_core::ids::{MailId, OrgId, TicketId};
use skydir_core::support::{MessageAuthor, OutboundMail, Ticket, TicketMessage};

fn refused(what: &str) -> StoreError {
    StoreError::Refused(CoreError::Internal(format!("{what} was not prepared")))
}

pub(super) async fn create_ticket(tx: &mut Tx, t: &Ticket, sealed: &SealedDesk) -> StoreResult<()> {
    let SealedDesk::Ticket(s) = sealed else {
        return Err(refused("a ticket"));
    };
    tx.execute(
        "INSERT INTO tickets (id, org_id, number, subject_ct, category, severity, status, \
         is_open, queue, requester_id, assignee_id, state, satisfaction_ct, created_at, \
         updated_at, version) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)",
        ticket_args(t, s)?,
    )
    .await?;
    Ok(())
}

/// Replaces the ticket if its stored version is the one before `t.version`.
pub(super) async fn update_ticket(
    tx: &mut Tx,
    org: OrgId,
    t: &Ticket,
    sealed: &SealedDesk,
) -> StoreResult<()> {
    let SealedDesk::Ticket(s) = sealed else {
        return Err(refused("a ticket"));
    };
    if t.org != org {
        return Err(StoreError::Refused(CoreError::Internal(
            "a ticket of another organization".into(),
        )));
    }
    let mut a = ticket_args(t, s)?;
    let previous = i64::try_from(t.version.saturating_sub(1))
        .map_err(|_| StoreError::corrupt("ticket version"))?;
    a.push(previous.into());
    let n = tx
        .execute(
            "UPDATE tickets SET number = $3, subject_ct = $4, category = $5, severity = $6, \
             status = $7, is_open = $8, queue = $9, requester_id = $10, assignee_id = $11, \
             state = $12, satisfaction_ct = $13, created_at = $14, updated_at = $15, \
             version = $16 WHERE id = $1 AND org_id = $2 AND version = $17",
            a,
        )
        .await?;
    if n == 1 {
        return Ok(());
    }
    let exists = tx
        .fetch_optional(
            "SELECT version FROM tickets WHERE id = $1 AND org_id = $2",
            args![t.id.to_string(), org.to_string()],
        )
        .await?;
    match exists {
        Some(_) => Err(StoreError::Refused(CoreError::conflict(
            "ticket",
            "the ticket was changed meanwhile; reload it and try again",
        ))),
        None => Err(StoreError::Refused(CoreError::not_found(
            "ticket",
            t.number.to_string(),
        ))),
    }
}

pub(super) async fn add_message(
    tx: &mut Tx,
    org: OrgId,
    m: &TicketMessage,
    sealed: &SealedDesk,
) -> StoreResult<()> {
    let SealedDesk::Message {
        content,
        sealed_for,
        attachments,
    } = sealed
    else {
        return Err(refused("a message"));
    };
    if m.org != org {
        return Err(StoreError::Refused(CoreError::Internal(
            "a message of another organization".into(),
        )));
    }
    let ord = tx
        .fetch_optional(
            "SELECT COALESCE(MAX(ord), 0) + 1 FROM ticket_messages WHERE ticket_id = $1",
            args![m.ticket.to_string()],
        )
        .await?
        .map(|r| r.int(0))
        .transpose()?
        .unwrap_or(1);
    let (kind, author) = match m.author {
        MessageAuthor::Customer { user } => ("customer", Some(user.to_string())),
        MessageAuthor::Agent { staff } => ("agent", Some(staff.to_string())),
        MessageAuthor::Desk => ("desk", None),
    };
    let n = tx
        .execute(
            "INSERT INTO ticket_messages (id, org_id, ticket_id, ord, at, author_kind, \
             author_id, visibility, sealed_for, content_ct) \
             SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10 \
             WHERE EXISTS (SELECT 1 FROM tickets WHERE org_id = $2 AND id = $3)",
            args![
                m.id.to_string(),
                org.to_string(),
                m.ticket.to_string(),
                ord,
                micros(m.at),
                kind,
                author,
                m.visibility.as_str(),
                sealed_for.map(|u| u.to_string()),
                content.as_str(),
            ],
        )
        .await?;
    found(n, "ticket", m.ticket)?;
    for (id, size, ct) in attachments {
        tx.execute(
            "INSERT INTO ticket_attachments (id, org_id, ticket_id, message_id, sealed_for, \
             size, content_ct) VALUES ($1, $2, $3, $4, $5, $6, $7)",
            args![
                id.as_str(),
                org.to_string(),
                m.ticket.to_string(),
                m.id.to_string(),
                sealed_for.map(|u| u.to_string()),
                *size,
                ct.as_str(),
            ],
        )
        .await?;
    }
    Ok(())
}

pub(super) async fn link_mail(
    tx: &mut Tx,
    org: OrgId,
    ticket: TicketId,
    sealed: &SealedDesk,
) -> StoreResult<()> {
    let SealedDesk::Hashes(hashes) = sealed else {
        return Err(refused("a mail link"));
    };
    for h in hashes {
        tx.execute(
            "INSERT INTO mail_threads (mail_hash, org_id, ticket_id) \
             SELECT $1, $2, $3 WHERE EXISTS (SELECT 1 FROM tickets WHERE org_id = $2 AND id = $3) \
             ON CONFLICT (mail_hash) DO NOTHING",
            args![h.as_str(), org.to_string(), ticket.to_string()],
        )
        .await?;
    }
    Ok(())
}

pub(super) async fn record_inbound(
    tx: &mut Tx,
    org: Option<OrgId>,
    outcome: &str,
    ticket: Option<TicketId>,
    at: Timestamp,
    sealed: &SealedDesk,
) -> StoreResult<()> {
    let SealedDesk::Hashes(hashes) = sealed else {
        return Err(refused("an inbound record"));
    };
    for h in hashes {
        tx.execute(
            "INSERT INTO inbound_mail (key_hash, org_id, ticket_id, outcome, at) \
             VALUES ($1, $2, $3, $4, $5)",
            args![
                h.as_str(),
                org.map(|o| o.to_string()),
                ticket.map(|t| t.to_string()),
                outcome,
                micros(at),
            ],
        )
        .await?;
    }
    Ok(())
}

pub(super) async fn queue_mail(
    tx: &mut Tx,
    org: Option<OrgId>,
    m: &OutboundMail,
    sealed: &SealedDesk,
) -> StoreResult<()> {
    let SealedDesk::Mail(ct) = sealed else {
        return Err(refused("a mail"));
    };
    if m.org != org {
        return Err(StoreError::Refused(CoreError::Internal(
            "a mail of another organization".into(),
        )));
    }
    tx.execute(
        "INSERT INTO outbox (id, org_id, ticket_id, mail_ct, state, attempts, next_attempt_at, \
         lease_until, error, created_at) \
         VALUES ($1, $2, $3, $4, 'queued', 0, $5, NULL, NULL, $5)",
        args![
            m.id.to_string(),
            m.org.map(|o| o.to_string()),
            m.ticket.map(|t| t.to_string()),
            ct.as_str(),
            micros(m.created_at),
        ],
    )
    .await?;
    Ok(())
}

pub(super) async fn mail_delivered(tx: &mut Tx, id: MailId) -> StoreResult<()> {
    tx.execute("DELETE FROM outbox WHERE id = $1", args![id.to_string()])
        .await?;
    Ok(())
}

pub(super) async fn mail_failed(
    tx: &mut Tx,
    id: MailId,
    attempts: u32,
    retry_at: Option<Timestamp>,
    error: &str,
) -> StoreResult<()> {
    let n = match retry_at {
        Some(at) => {
            tx.execute(
                "UPDATE outbox SET attempts = $2, next_attempt_at = $3, lease_until = NULL, \
                 error = $4 WHERE id = $1 AND state = 'queued'",
                args![id.to_string(), attempts, micros(at), error],
            )
            .await?
        }
        None => {
            tx.execute(
                "UPDATE outbox SET attempts = $2, state = 'failed', lease_until = NULL, \
                 error = $3 WHERE id = $1 AND state = 'queued'",
                args![id.to_string(), attempts, error],
            )
            .await?
        }
    };
    found(n, "queued mail", id)
}

pub(super) async fn record_answer(
    tx: &mut Tx,
    at: Timestamp,
    sealed: &SealedDesk,
) -> StoreResult<()> {
    let SealedDesk::Hashes(hashes) = sealed else {
        return Err(refused("an answer record"));
    };
    for h in hashes {
        tx.execute(
            "INSERT INTO auto_answers (address_hash, last_at) VALUES ($1, $2) \
             ON CONFLICT (address_hash) DO UPDATE SET last_at = excluded.last_at",
            args![h.as_str(), micros(at)],
        )
        .await?;
    }
    Ok(())
}

/// Deletes a ticket's stored files (the retention rule for closed tickets).
pub(super) async fn purge_attachments(
    tx: &mut Tx,
    org: OrgId,
    ticket: TicketId,
) -> StoreResult<()> {
    tx.execute(
        "DELETE FROM ticket_attachments WHERE org_id = $1 AND ticket_id = $2",
        args![org.to_string(), ticket.to_string()],
    )
    .await?;
    Ok(())
}
