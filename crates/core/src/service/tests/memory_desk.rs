//! The in-memory store's support desk: tickets, messages, the mail thread index, handled
//! inbound mail and the outbound queue, with the real store's rules (ticket versions, unique
//! duplicate keys, leases on queued mail).

use super::memory::MemoryStore;
use crate::change::Write;
use crate::directory::Email;
use crate::directory::Name;
use crate::error::{CoreError, CoreResult};
use crate::ids::{
    ArticleId, AttachmentId, MacroId, MailId, OrgId, StaffId, TicketId, UserId, VerificationId,
};
use crate::page::{Page, PageRequest};
use crate::ports::{DeskStore, QueuedMail, TicketFilter};
use crate::support::kb::Match;
use crate::support::{Article, Challenge, KbCategory, Macro, VerificationRequest, Visibility};
use crate::support::{OutboundMail, StoredAttachment, Ticket, TicketMessage};
use jiff::Timestamp;
use std::collections::BTreeMap;

#[derive(Clone, Default)]
pub struct DeskState {
    next_number: u64,
    tickets: BTreeMap<TicketId, Ticket>,
    messages: Vec<TicketMessage>,
    attachments: Vec<(TicketId, StoredAttachment)>,
    threads: BTreeMap<String, TicketId>,
    inbound: BTreeMap<String, String>,
    outbox: BTreeMap<MailId, (OutboundMail, u32, Option<Timestamp>, Option<Timestamp>)>,
    articles: BTreeMap<ArticleId, Article>,
    verifications: BTreeMap<VerificationId, VerificationRequest>,
    challenges: Vec<Challenge>,
    specialists: BTreeMap<OrgId, StaffId>,
    answers: BTreeMap<String, Timestamp>,
    macros: BTreeMap<MacroId, Macro>,
}

impl DeskState {
    /// Every queued mail, oldest first.
    pub fn queued(&self) -> Vec<OutboundMail> {
        let mut v: Vec<OutboundMail> = self.outbox.values().map(|(m, ..)| m.clone()).collect();
        v.sort_by_key(|m| m.created_at);
        v
    }

    /// Every message of every ticket.
    pub fn all_messages(&self) -> Vec<TicketMessage> {
        self.messages.clone()
    }

    /// The queued mails to `to`, oldest first.
    pub fn queued_to(&self, to: &str) -> Vec<OutboundMail> {
        let mut v: Vec<OutboundMail> = self
            .outbox
            .values()
            .map(|(m, ..)| m)
            .filter(|m| m.to.iter().any(|t| t == to))
            .cloned()
            .collect();
        v.sort_by_key(|m| m.created_at);
        v
    }
}

/// Applies one desk write.
pub fn apply(s: &mut DeskState, w: Write, org: Option<OrgId>) -> CoreResult<()> {
    match w {
        Write::CreateTicket(t) => {
            if s.tickets.values().any(|x| x.number == t.number) {
                return Err(CoreError::conflict("number", "taken"));
            }
            s.tickets.insert(t.id, *t);
        }
        Write::UpdateTicket(t) => {
            let current = s
                .tickets
                .get(&t.id)
                .ok_or_else(|| CoreError::not_found("ticket", t.number.to_string()))?;
            if current.version + 1 != t.version {
                return Err(CoreError::conflict(
                    "ticket",
                    "the ticket was changed meanwhile; reload it and try again",
                ));
            }
            s.tickets.insert(t.id, *t);
        }
        Write::PurgeAttachments(ticket) => s.attachments.retain(|(t, _)| *t != ticket),
        Write::AddMessage {
            message,
            attachments,
        } => {
            for a in attachments {
                s.attachments.push((message.ticket, a));
            }
            s.messages.push(*message);
        }
        Write::LinkMail {
            ticket,
            message_ids,
        } => {
            for id in message_ids {
                s.threads.entry(id).or_insert(ticket);
            }
        }
        Write::RecordInbound { key, outcome, .. } => {
            if s.inbound.contains_key(&key) {
                return Err(CoreError::conflict("message_id", "already handled"));
            }
            s.inbound.insert(key, outcome);
        }
        Write::QueueMail(m) => {
            s.outbox.insert(m.id, (*m, 0, None, None));
        }
        Write::MailDelivered(id) => {
            s.outbox.remove(&id);
        }
        Write::MailFailed {
            id,
            attempts,
            retry_at,
            ..
        } => match retry_at {
            Some(at) => {
                if let Some(e) = s.outbox.get_mut(&id) {
                    e.1 = attempts;
                    e.2 = Some(at);
                    e.3 = None;
                }
            }
            None => {
                s.outbox.remove(&id);
            }
        },
        Write::PutArticle(a) => {
            if s.articles
                .values()
                .any(|x| x.slug == a.slug && x.id != a.id)
            {
                return Err(CoreError::conflict("slug", "taken"));
            }
            s.articles.insert(a.id, *a);
        }
        Write::DeleteArticle(id) => {
            s.articles.remove(&id);
        }
        Write::CreateVerification {
            request,
            challenges,
        } => {
            s.challenges.extend(challenges);
            s.verifications.insert(request.id, *request);
        }
        Write::UpdateVerification(r) => {
            let current = s
                .verifications
                .get(&r.id)
                .ok_or_else(|| CoreError::not_found("verification", r.id.to_string()))?;
            if current.version + 1 != r.version {
                return Err(CoreError::conflict("verification", "decided meanwhile"));
            }
            s.verifications.insert(r.id, *r);
        }
        Write::RecordAnswer { address, at } => {
            s.answers.insert(address, at);
        }
        Write::SetSpecialist(staff) => {
            let org = org.ok_or_else(|| CoreError::Internal("no org".into()))?;
            match staff {
                Some(st) => s.specialists.insert(org, st),
                None => s.specialists.remove(&org),
            };
        }
        Write::PutMacro(m) => {
            s.macros.insert(m.id, *m);
        }
        Write::DeleteMacro(id) => {
            s.macros.remove(&id);
        }
        _ => return Err(CoreError::Internal("not a desk write".into())),
    }
    Ok(())
}

impl DeskStore for MemoryStore {
    async fn next_ticket_number(&self) -> CoreResult<u64> {
        self.with_desk(|d| {
            d.next_number += 1;
            d.next_number
        })
    }

    async fn ticket(&self, org: OrgId, id: TicketId) -> CoreResult<Option<Ticket>> {
        self.with_desk(|d| d.tickets.get(&id).filter(|t| t.org == org).cloned())
    }

    async fn ticket_by_number(&self, number: u64) -> CoreResult<Option<Ticket>> {
        self.with_desk(|d| d.tickets.values().find(|t| t.number == number).cloned())
    }

    async fn tickets(
        &self,
        org: OrgId,
        filter: &TicketFilter,
        page: &PageRequest,
    ) -> CoreResult<Page<Ticket>> {
        self.with_desk(|d| {
            let after: Option<u64> = page.after.as_deref().and_then(|a| a.parse().ok());
            let mut rows: Vec<Ticket> = d
                .tickets
                .values()
                .filter(|t| t.org == org && (!filter.open_only || t.is_open()))
                .filter(|t| after.is_none_or(|a| t.number < a))
                .cloned()
                .collect();
            rows.sort_by_key(|t| std::cmp::Reverse(t.number));
            rows.truncate(page.limit as usize + 1);
            Page::from_overfetch(rows, page.limit, |t| t.number.to_string())
        })
    }

    async fn open_tickets(&self) -> CoreResult<Vec<Ticket>> {
        self.with_desk(|d| {
            d.tickets
                .values()
                .filter(|t| t.is_open())
                .cloned()
                .collect()
        })
    }

    async fn tickets_created_between(
        &self,
        from: Timestamp,
        to: Timestamp,
    ) -> CoreResult<Vec<Ticket>> {
        self.with_desk(|d| {
            d.tickets
                .values()
                .filter(|t| t.created_at >= from && t.created_at < to)
                .cloned()
                .collect()
        })
    }

    async fn messages(&self, org: OrgId, ticket: TicketId) -> CoreResult<Vec<TicketMessage>> {
        self.with_desk(|d| {
            d.messages
                .iter()
                .filter(|m| m.org == org && m.ticket == ticket)
                .cloned()
                .collect()
        })
    }

    async fn stored_files(&self, org: OrgId, ticket: TicketId) -> CoreResult<(u64, u64)> {
        let owned = self.with_desk(|d| d.tickets.get(&ticket).is_some_and(|t| t.org == org))?;
        self.with_desk(|d| {
            d.attachments
                .iter()
                .filter(|(t, _)| owned && *t == ticket)
                .fold((0, 0), |(n, b), (_, a)| (n + 1, b + a.meta.size))
        })
    }

    async fn attachment(
        &self,
        org: OrgId,
        ticket: TicketId,
        id: AttachmentId,
    ) -> CoreResult<Option<StoredAttachment>> {
        let owned = self.with_desk(|d| d.tickets.get(&ticket).is_some_and(|t| t.org == org))?;
        self.with_desk(|d| {
            d.attachments
                .iter()
                .find(|(t, a)| owned && *t == ticket && a.meta.id == id)
                .map(|(_, a)| a.clone())
        })
    }

    async fn ticket_for_mail(&self, ids: &[String]) -> CoreResult<Option<(OrgId, TicketId)>> {
        self.with_desk(|d| {
            ids.iter().find_map(|i| {
                let t = d.threads.get(i)?;
                d.tickets.get(t).map(|t| (t.org, t.id))
            })
        })
    }

    async fn last_answer_to(&self, address: &Email) -> CoreResult<Option<Timestamp>> {
        self.with_desk(|d| d.answers.get(address.as_str()).copied())
    }

    async fn inbound_seen(&self, key: &str) -> CoreResult<bool> {
        self.with_desk(|d| d.inbound.contains_key(key))
    }

    async fn users_by_email(&self, email: &Email) -> CoreResult<Vec<(OrgId, UserId)>> {
        self.users_with_email(email)
    }

    async fn claim_mail(
        &self,
        now: Timestamp,
        lease_until: Timestamp,
        limit: u32,
    ) -> CoreResult<Vec<QueuedMail>> {
        self.with_desk(|d| {
            let mut out = Vec::new();
            for (m, attempts, retry_at, lease) in d.outbox.values_mut() {
                if out.len() >= limit as usize {
                    break;
                }
                if retry_at.is_some_and(|r| r > now) || lease.is_some_and(|l| l > now) {
                    continue;
                }
                *lease = Some(lease_until);
                out.push(QueuedMail {
                    mail: m.clone(),
                    attempts: *attempts,
                });
            }
            out
        })
    }

    async fn verification_by_token(
        &self,
        hash: &[u8; 32],
    ) -> CoreResult<Option<(VerificationRequest, UserId)>> {
        self.with_desk(|d| {
            let c = d.challenges.iter().find(|c| &c.token_hash == hash)?;
            d.verifications
                .get(&c.verification)
                .map(|r| (r.clone(), c.admin))
        })
    }

    async fn verifications(
        &self,
        org: OrgId,
        ticket: TicketId,
    ) -> CoreResult<Vec<VerificationRequest>> {
        self.with_desk(|d| {
            d.verifications
                .values()
                .filter(|r| r.org == org && r.ticket == ticket)
                .cloned()
                .collect()
        })
    }

    async fn specialist(&self, org: OrgId) -> CoreResult<Option<StaffId>> {
        self.with_desk(|d| d.specialists.get(&org).copied())
    }

    async fn macros(&self) -> CoreResult<Vec<Macro>> {
        self.with_desk(|d| {
            let mut v: Vec<Macro> = d.macros.values().cloned().collect();
            v.sort_by(|a, b| a.name.cmp(&b.name));
            v
        })
    }

    async fn article(&self, slug: &Name) -> CoreResult<Option<Article>> {
        self.with_desk(|d| d.articles.values().find(|a| &a.slug == slug).cloned())
    }

    async fn articles(
        &self,
        category: Option<KbCategory>,
        include_internal: bool,
    ) -> CoreResult<Vec<Article>> {
        self.with_desk(|d| {
            let mut v: Vec<Article> = d
                .articles
                .values()
                .filter(|a| category.is_none_or(|c| a.category == c))
                .filter(|a| include_internal || a.visibility == Visibility::Public)
                .cloned()
                .collect();
            v.sort_by(|a, b| (a.category, &a.title).cmp(&(b.category, &b.title)));
            v
        })
    }

    async fn search_articles(
        &self,
        terms: &[String],
        mode: Match,
        include_internal: bool,
        limit: u32,
    ) -> CoreResult<Vec<Article>> {
        self.with_desk(|d| {
            let mut scored: Vec<(usize, Article)> = d
                .articles
                .values()
                .filter(|a| include_internal || a.visibility == Visibility::Public)
                .filter_map(|a| {
                    let text =
                        format!("{} {} {}", a.title, a.body, a.tags.join(" ")).to_lowercase();
                    let hits = terms.iter().filter(|t| text.contains(t.as_str())).count();
                    let ok = match mode {
                        Match::All => hits == terms.len(),
                        Match::Any => hits > 0,
                    };
                    ok.then(|| (hits, a.clone()))
                })
                .collect();
            scored.sort_by_key(|s| std::cmp::Reverse(s.0));
            scored
                .into_iter()
                .take(limit as usize)
                .map(|(_, a)| a)
                .collect()
        })
    }

    async fn pending_mail_count(&self) -> CoreResult<u64> {
        self.with_desk(|d| d.outbox.len() as u64)
    }
}
