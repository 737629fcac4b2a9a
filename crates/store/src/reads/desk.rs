//! Reads of the support desk. Tickets are opened with their org's key; messages and
//! attachments with the key they were sealed under — a customer's own, or the org's. A
//! message whose author's key was destroyed (the author was erased) reads as erased instead
//! of failing the whole conversation.

use super::page_limit;
use crate::crypto::global_email_index;
use crate::db::{Arg, Row, args};
use crate::error::{StoreError, StoreResult};
use crate::keyring::KeyId;
use crate::rows::mail::{inbound_hash, open_mail, thread_hash};
use crate::rows::ticket::{open_attachment, open_message, open_ticket, ticket_cols, ticket_org};
use crate::rows::{id, micros, ts};
use crate::store::Store;
use jiff::Timestamp;
use skydir_core::directory::Email;
use skydir_core::ids::{AttachmentId, MessageId, OrgId, StaffId, TicketId, UserId};
use skydir_core::page::{Page, PageRequest};
use skydir_core::ports::{QueuedMail, TicketFilter};
use skydir_core::support::{MessageAuthor, StoredAttachment, Ticket, TicketMessage, Visibility};
use sqlx::AssertSqlSafe;
use std::collections::HashMap;

/// What an erased author's message reads as.
pub const ERASED_BODY: &str = "(This message was erased at its author's request.)";

impl Store {
    /// Opens ticket rows with their orgs' keys.
    async fn open_tickets(&self, rows: &[Row]) -> StoreResult<Vec<Ticket>> {
        let orgs = rows
            .iter()
            .map(|r| ticket_org(r).map(KeyId::Org))
            .collect::<StoreResult<Vec<_>>>()?;
        let keys = self.keyring().get_many(&orgs).await?;
        rows.iter()
            .zip(orgs)
            .map(|(r, k)| {
                let key = keys
                    .get(&k)
                    .ok_or_else(|| StoreError::KeyMissing { key: k.text() })?;
                open_ticket(r, key)
            })
            .collect()
    }

    pub(crate) async fn read_next_ticket_number(&self) -> StoreResult<u64> {
        let row = self
            .db()
            .fetch_optional(
                "INSERT INTO counters (name, value) VALUES ('ticket', 1) \
                 ON CONFLICT (name) DO UPDATE SET value = counters.value + 1 RETURNING value",
                vec![],
            )
            .await?
            .ok_or_else(|| StoreError::corrupt("the ticket counter returned nothing"))?;
        u64::try_from(row.int(0)?).map_err(|_| StoreError::corrupt("ticket counter"))
    }

    pub(crate) async fn read_ticket(&self, org: OrgId, t: TicketId) -> StoreResult<Option<Ticket>> {
        let rows = self
            .db()
            .fetch_all(
                concat!(
                    "SELECT ",
                    ticket_cols!(),
                    " FROM tickets WHERE org_id = $1 AND id = $2"
                ),
                args![org.to_string(), t.to_string()],
            )
            .await?;
        Ok(self.open_tickets(&rows).await?.pop())
    }

    pub(crate) async fn read_ticket_by_number(&self, number: u64) -> StoreResult<Option<Ticket>> {
        let Ok(n) = i64::try_from(number) else {
            return Ok(None);
        };
        let rows = self
            .db()
            .fetch_all(
                concat!("SELECT ", ticket_cols!(), " FROM tickets WHERE number = $1"),
                args![n],
            )
            .await?;
        Ok(self.open_tickets(&rows).await?.pop())
    }

    pub(crate) async fn read_tickets(
        &self,
        org: OrgId,
        filter: &TicketFilter,
        page: &PageRequest,
    ) -> StoreResult<Page<Ticket>> {
        let limit = page_limit(page);
        let mut params = args![i64::from(limit) + 1, org.to_string()];
        let mut sql = String::from(concat!(
            "SELECT ",
            ticket_cols!(),
            " FROM tickets WHERE org_id = $2"
        ));
        if filter.open_only {
            sql.push_str(" AND is_open = 1");
        }
        if let Some(after) = &page.after {
            let n: i64 = after.parse().map_err(|_| {
                StoreError::Refused(skydir_core::CoreError::invalid(
                    "after",
                    "is not a cursor of this listing",
                ))
            })?;
            params.push(Arg::from(n));
            sql.push_str(" AND number < $3");
        }
        sql.push_str(" ORDER BY number DESC LIMIT $1");
        let rows = self.db().fetch_all(AssertSqlSafe(sql), params).await?;
        let tickets = self.open_tickets(&rows).await?;
        Ok(Page::from_overfetch(tickets, limit, |t| {
            t.number.to_string()
        }))
    }

    pub(crate) async fn read_open_tickets(&self) -> StoreResult<Vec<Ticket>> {
        let rows = self
            .db()
            .fetch_all(
                concat!(
                    "SELECT ",
                    ticket_cols!(),
                    " FROM tickets WHERE is_open = 1 ORDER BY number"
                ),
                vec![],
            )
            .await?;
        self.open_tickets(&rows).await
    }

    pub(crate) async fn read_tickets_created_between(
        &self,
        from: Timestamp,
        to: Timestamp,
    ) -> StoreResult<Vec<Ticket>> {
        let rows = self
            .db()
            .fetch_all(
                concat!(
                    "SELECT ",
                    ticket_cols!(),
                    " FROM tickets WHERE created_at >= $1 AND created_at < $2 ORDER BY number"
                ),
                args![micros(from), micros(to)],
            )
            .await?;
        self.open_tickets(&rows).await
    }

    /// The key a message or attachment row was sealed under, by its `sealed_for` column.
    fn sealed_key(org: OrgId, sealed_for: Option<String>) -> StoreResult<KeyId> {
        Ok(match sealed_for {
            Some(u) => KeyId::User(org, id(&u, UserId::parse, "sealed_for")?),
            None => KeyId::Org(org),
        })
    }

    pub(crate) async fn read_messages(
        &self,
        org: OrgId,
        ticket: TicketId,
    ) -> StoreResult<Vec<TicketMessage>> {
        let rows = self
            .db()
            .fetch_all(
                "SELECT id, at, author_kind, author_id, visibility, sealed_for, content_ct \
                 FROM ticket_messages WHERE org_id = $1 AND ticket_id = $2 ORDER BY ord",
                args![org.to_string(), ticket.to_string()],
            )
            .await?;
        let key_ids = rows
            .iter()
            .map(|r| Self::sealed_key(org, r.opt_text(5)?))
            .collect::<StoreResult<Vec<_>>>()?;
        let keys = self.keyring().get_many(&key_ids).await?;
        let mut out = Vec::with_capacity(rows.len());
        for (r, k) in rows.iter().zip(key_ids) {
            let mid = r.text(0)?;
            let author_id = r.opt_text(3)?;
            let author = match (r.text(2)?.as_str(), author_id) {
                ("customer", Some(u)) => MessageAuthor::Customer {
                    user: id(&u, UserId::parse, "ticket_messages.author_id")?,
                },
                ("agent", Some(s)) => MessageAuthor::Agent {
                    staff: id(&s, StaffId::parse, "ticket_messages.author_id")?,
                },
                ("desk", _) => MessageAuthor::Desk,
                _ => return Err(StoreError::corrupt("ticket_messages.author is malformed")),
            };
            let visibility = match r.text(4)?.as_str() {
                "public" => Visibility::Public,
                "internal" => Visibility::Internal,
                _ => return Err(StoreError::corrupt("ticket_messages.visibility is unknown")),
            };
            let (body, mail_id, attachments) = match keys.get(&k) {
                Some(key) => {
                    let c = open_message(org, &mid, &r.text(6)?, key)?;
                    (c.body, c.mail_id, c.attachments)
                }
                None => (ERASED_BODY.to_string(), None, Vec::new()),
            };
            out.push(TicketMessage {
                id: id(&mid, MessageId::parse, "ticket_messages.id")?,
                ticket,
                org,
                at: ts(r.int(1)?, "ticket_messages.at")?,
                author,
                visibility,
                body,
                mail_id,
                attachments,
            });
        }
        Ok(out)
    }

    pub(crate) async fn read_stored_files(
        &self,
        org: OrgId,
        ticket: TicketId,
    ) -> StoreResult<(u64, u64)> {
        let Some(row) = self
            .db()
            .fetch_optional(
                "SELECT COUNT(*), CAST(COALESCE(SUM(size), 0) AS BIGINT) FROM ticket_attachments \
                 WHERE org_id = $1 AND ticket_id = $2",
                args![org.to_string(), ticket.to_string()],
            )
            .await?
        else {
            return Ok((0, 0));
        };
        let n = |i| {
            row.int(i)
                .and_then(|v| u64::try_from(v).map_err(|_| StoreError::corrupt("attachment count")))
        };
        Ok((n(0)?, n(1)?))
    }

    pub(crate) async fn read_attachment(
        &self,
        org: OrgId,
        ticket: TicketId,
        aid: AttachmentId,
    ) -> StoreResult<Option<StoredAttachment>> {
        let row = self
            .db()
            .fetch_optional(
                "SELECT message_id, sealed_for, content_ct FROM ticket_attachments \
                 WHERE org_id = $1 AND ticket_id = $2 AND id = $3",
                args![org.to_string(), ticket.to_string(), aid.to_string()],
            )
            .await?;
        let Some(row) = row else {
            return Ok(None);
        };
        let message = id(
            &row.text(0)?,
            MessageId::parse,
            "ticket_attachments.message_id",
        )?;
        let meta = self
            .read_messages(org, ticket)
            .await?
            .into_iter()
            .find(|m| m.id == message)
            .and_then(|m| m.attachments.into_iter().find(|a| a.id == aid));
        let Some(meta) = meta else {
            return Ok(None); // the message's author was erased: so was the file
        };
        let key = match self
            .keyring()
            .get(Self::sealed_key(org, row.opt_text(1)?)?)
            .await
        {
            Err(StoreError::KeyMissing { .. }) => return Ok(None),
            other => other?,
        };
        let content = open_attachment(org, &aid.to_string(), &row.text(2)?, &key)?;
        Ok(Some(StoredAttachment { meta, content }))
    }

    pub(crate) async fn read_ticket_for_mail(
        &self,
        message_ids: &[String],
    ) -> StoreResult<Option<(OrgId, TicketId)>> {
        if message_ids.is_empty() {
            return Ok(None);
        }
        let key = self.keyring().deployment().await?;
        for m in message_ids.iter().take(50) {
            let row = self
                .db()
                .fetch_optional(
                    "SELECT org_id, ticket_id FROM mail_threads WHERE mail_hash = $1",
                    args![thread_hash(&key, m)?],
                )
                .await?;
            if let Some(r) = row {
                return Ok(Some((
                    id(&r.text(0)?, OrgId::parse, "mail_threads.org_id")?,
                    id(&r.text(1)?, TicketId::parse, "mail_threads.ticket_id")?,
                )));
            }
        }
        Ok(None)
    }

    pub(crate) async fn read_last_answer_to(
        &self,
        address: &Email,
    ) -> StoreResult<Option<Timestamp>> {
        let dk = self.keyring().deployment().await?;
        self.db()
            .fetch_optional(
                "SELECT last_at FROM auto_answers WHERE address_hash = $1",
                args![global_email_index(&dk, address.as_str())?],
            )
            .await?
            .map(|r| ts(r.int(0)?, "auto_answers.last_at"))
            .transpose()
    }

    pub(crate) async fn read_inbound_seen(&self, key: &str) -> StoreResult<bool> {
        let dk = self.keyring().deployment().await?;
        Ok(self
            .db()
            .fetch_optional(
                "SELECT 1 FROM inbound_mail WHERE key_hash = $1",
                args![inbound_hash(&dk, key)?],
            )
            .await?
            .is_some())
    }

    pub(crate) async fn read_users_by_email(
        &self,
        email: &Email,
    ) -> StoreResult<Vec<(OrgId, UserId)>> {
        let dk = self.keyring().deployment().await?;
        let rows = self
            .db()
            .fetch_all(
                "SELECT org_id, id FROM users WHERE email_gidx = $1 ORDER BY org_id",
                args![global_email_index(&dk, email.as_str())?],
            )
            .await?;
        rows.iter()
            .map(|r| {
                Ok((
                    id(&r.text(0)?, OrgId::parse, "users.org_id")?,
                    id(&r.text(1)?, UserId::parse, "users.id")?,
                ))
            })
            .collect()
    }

    pub(crate) async fn claim_queued_mail(
        &self,
        now: Timestamp,
        lease_until: Timestamp,
        limit: u32,
    ) -> StoreResult<Vec<QueuedMail>> {
        let due = self
            .db()
            .fetch_all(
                "SELECT id FROM outbox WHERE state = 'queued' AND next_attempt_at <= $1 \
                 AND (lease_until IS NULL OR lease_until <= $1) ORDER BY created_at LIMIT $2",
                args![micros(now), limit],
            )
            .await?;
        let key = self.keyring().deployment().await?;
        let mut out = Vec::new();
        for r in due {
            let mid = r.text(0)?;
            // Claimed only if no other dispatcher took it since the SELECT.
            let claimed = self
                .db()
                .execute(
                    "UPDATE outbox SET lease_until = $2 WHERE id = $1 AND state = 'queued' \
                     AND (lease_until IS NULL OR lease_until <= $3)",
                    args![mid.as_str(), micros(lease_until), micros(now)],
                )
                .await?;
            if claimed != 1 {
                continue;
            }
            let Some(row) = self
                .db()
                .fetch_optional(
                    "SELECT mail_ct, attempts FROM outbox WHERE id = $1",
                    args![mid.as_str()],
                )
                .await?
            else {
                continue;
            };
            out.push(QueuedMail {
                mail: open_mail(&mid, &row.text(0)?, &key)?,
                attempts: u32::try_from(row.int(1)?).unwrap_or(u32::MAX),
            });
        }
        Ok(out)
    }

    pub(crate) async fn read_pending_mail_count(&self) -> StoreResult<u64> {
        let n = self
            .db()
            .fetch_optional("SELECT COUNT(*) FROM outbox WHERE state = 'queued'", vec![])
            .await?
            .map(|r| r.int(0))
            .transpose()?
            .unwrap_or(0);
        Ok(u64::try_from(n).unwrap_or(0))
    }

    /// Fills the deployment-wide email index of users created before it existed (once, at
    /// start-up; a no-op afterwards). Returns how many users were indexed.
    pub(crate) async fn fill_email_index(&self) -> StoreResult<u64> {
        let dk = self.keyring().deployment().await?;
        let mut done = 0u64;
        loop {
            let rows = self
                .db()
                .fetch_all(
                    concat!(
                        "SELECT ",
                        crate::rows::user::user_cols!(),
                        " FROM users WHERE email_gidx IS NULL LIMIT 500"
                    ),
                    vec![],
                )
                .await?;
            if rows.is_empty() {
                return Ok(done);
            }
            let mut by_user: HashMap<String, String> = HashMap::new();
            for r in &rows {
                let uid = r.text(0)?;
                let key = crate::rows::user::user_key_id(r)?;
                let value = match self.keyring().get(key).await {
                    Ok(k) => {
                        let u = crate::rows::user::open_user(r, &k)?;
                        global_email_index(&dk, u.email.as_str())?
                    }
                    // A user without a key cannot be read at all; mark it so the loop ends.
                    Err(StoreError::KeyMissing { .. }) => "-".to_string(),
                    Err(e) => return Err(e),
                };
                by_user.insert(uid, value);
            }
            for (uid, value) in by_user {
                self.db()
                    .execute(
                        "UPDATE users SET email_gidx = $2 WHERE id = $1 AND email_gidx IS NULL",
                        args![uid, value],
                    )
                    .await?;
                done += 1;
            }
        }
    }
}
