//! Mail intake: one inbound message becomes a new ticket, a reply on its ticket, an automatic
//! answer (to a non-admin or a stranger), or nothing (a duplicate delivery, a robot).
//!
//! Order of questions, each answered once and recorded with the message's duplicate key in the
//! same change as whatever it caused, so a second delivery of the message does nothing:
//! 1. seen before? → nothing;
//! 2. sent by a robot (auto-reply, bounce, list)? → recorded, never answered;
//! 3. part of a ticket's thread (the `[#n]` tag, then `In-Reply-To`/`References`) and sent by
//!    a user of that ticket's org? → appended to the ticket;
//! 4. who is the sender? an active admin of exactly one org (or of the org the plus-address
//!    `support+<org>@` names) → a new ticket; of several → asked which; a user who is not an
//!    active admin → told that end-user support goes through their admin; unknown → told how
//!    to get support.
//!
//! The sender's identity is judged from our own MTA's `Authentication-Results`; a ticket from
//! mail that fails is still taken, marked unverified.

use super::intake::{Admission, NewAttachment, NewTicket, within_limits};
use crate::access::{Action, Actor};
use crate::audit::{AuditDraft, ChainKey};
use crate::change::{Change, Write};
use crate::directory::{Email, Name, Org, User, UserStatus};
use crate::error::{CoreError, CoreResult};
use crate::ids::{MailId, OrgId};
use crate::page::PageRequest;
use crate::ports::{DeskStore, DirectoryStore};
use crate::secret::Personal;
use crate::service::Directory;
use crate::support::classify;
use crate::support::replies::{not_an_admin, unknown_sender, which_org};
use crate::support::{
    Channel, DeskPolicy, Identity, InboundMail, MediaType, OutboundMail, SenderCheck,
    parse_ticket_tag, sender_check,
};
use serde_json::json;

/// How long after an automatic answer the same address gets no other.
const ANSWER_INTERVAL: jiff::SignedDuration = jiff::SignedDuration::from_hours(24);

/// What mail intake did with a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MailOutcome {
    /// The same message was handled before; nothing new was done.
    Duplicate,
    /// Not answered: `reason` says why (a robot, no sender address).
    Ignored { reason: String },
    /// A new ticket.
    Created { number: u64 },
    /// A reply added to an existing ticket.
    Appended { number: u64 },
    /// No ticket; an automatic answer was queued (`reason`: `not_an_admin`, `unknown_sender`,
    /// `which_org`).
    Answered { reason: String },
}

impl MailOutcome {
    /// The short name recorded with the message.
    fn name(&self) -> String {
        match self {
            Self::Duplicate => "duplicate".into(),
            Self::Ignored { reason } => format!("ignored:{reason}"),
            Self::Created { number } => format!("created:{number}"),
            Self::Appended { number } => format!("appended:{number}"),
            Self::Answered { reason } => format!("answered:{reason}"),
        }
    }
}

/// An org the sender belongs to, with their user record there.
struct Membership {
    org: Org,
    user: User,
    active_admin: bool,
}

impl<S: DirectoryStore + DeskStore> Directory<S> {
    /// Handles one inbound message (see the module docs). Only skydir itself (the
    /// `skydir mail ingest` command) and the operator's mail gateway call this.
    pub async fn ingest_mail(&self, actor: &Actor, mail: InboundMail) -> CoreResult<MailOutcome> {
        if !matches!(actor, Actor::System | Actor::Operator { .. }) {
            return Err(CoreError::forbidden(
                "only the deployment's mail gateway delivers inbound mail",
            ));
        }
        let key = mail.dedupe_key();
        if self.store.inbound_seen(&key).await? {
            return Ok(MailOutcome::Duplicate);
        }
        if mail.is_automatic() {
            return self
                .record_only(actor, &key, None, "automatic message")
                .await;
        }
        let Some(from) = mail.from.as_deref().and_then(|f| Email::parse(f).ok()) else {
            return self
                .record_only(actor, &key, None, "no valid sender address")
                .await;
        };
        let policy = self.desk_policy()?;
        let check = sender_check(&mail, from.domain(), &policy.contacts.trusted_authserv_ids);
        let identity = match &check {
            SenderCheck::Verified { method } => Identity::VerifiedMail {
                method: method.clone(),
            },
            SenderCheck::Unverified { reason } => Identity::UnverifiedMail {
                reason: reason.clone(),
            },
        };
        let memberships = self.memberships_of(&from).await?;
        if let Some(outcome) = self
            .try_thread(actor, &key, &mail, &memberships, &identity)
            .await?
        {
            return Ok(outcome);
        }
        let admins: Vec<&Membership> = memberships.iter().filter(|m| m.active_admin).collect();
        let chosen = match admins.as_slice() {
            [] if memberships.is_empty() => {
                return self
                    .answer(actor, &key, &policy, &from, None, "unknown_sender", &mail)
                    .await;
            }
            [] => {
                let org = memberships.first().map(|m| m.org.id);
                return self
                    .answer(actor, &key, &policy, &from, org, "not_an_admin", &mail)
                    .await;
            }
            [one] => *one,
            several => match plus_org(&policy, &mail.recipients)
                .and_then(|slug| several.iter().find(|m| m.org.slug.as_str() == slug))
            {
                Some(m) => *m,
                None => {
                    return self
                        .answer(actor, &key, &policy, &from, None, "which_org", &mail)
                        .await;
                }
            },
        };
        self.mail_ticket(actor, &key, mail, chosen, identity).await
    }

    /// Every org where `email` is a user, with whether they are an active admin there.
    async fn memberships_of(&self, email: &Email) -> CoreResult<Vec<Membership>> {
        let mut out = Vec::new();
        for (org_id, user_id) in self.store.users_by_email(email).await? {
            let (Some(org), Some(user)) = (
                self.store.org_by_id(org_id).await?,
                self.store.user_by_id(org_id, user_id).await?,
            ) else {
                continue;
            };
            let active_admin = user.status == UserStatus::Active
                && self.store.admins(org_id).await?.contains(&user_id);
            out.push(Membership {
                org,
                user,
                active_admin,
            });
        }
        Ok(out)
    }

    /// Records the message as handled without answering it.
    async fn record_only(
        &self,
        actor: &Actor,
        key: &str,
        org: Option<OrgId>,
        reason: &str,
    ) -> CoreResult<MailOutcome> {
        let outcome = MailOutcome::Ignored {
            reason: reason.to_string(),
        };
        let change = Change::new(org)
            .write(Write::RecordInbound {
                key: key.to_string(),
                outcome: outcome.name(),
                ticket: None,
                at: self.now(),
            })
            .audit(self.mail_audit(actor, org, &outcome));
        self.commit_inbound(change, outcome).await
    }

    /// Commits an inbound message's change; a concurrent delivery of the same message that
    /// committed first makes this one a duplicate.
    async fn commit_inbound(
        &self,
        change: Change,
        outcome: MailOutcome,
    ) -> CoreResult<MailOutcome> {
        match self.store.commit(change).await {
            Ok(()) => Ok(outcome),
            Err(CoreError::Conflict { field, .. }) if field == "message_id" => {
                Ok(MailOutcome::Duplicate)
            }
            Err(e) => Err(e),
        }
    }

    fn mail_audit(&self, actor: &Actor, org: Option<OrgId>, outcome: &MailOutcome) -> AuditDraft {
        let mut d = AuditDraft::new(actor, &Action::ListOrgs, "mail:inbound", self.now())
            .with_detail(json!({ "outcome": outcome.name() }));
        d.chain = ChainKey::for_org(org);
        d.action = "mail.ingest".into();
        d
    }

    /// Queues one of the desk's answers to a message that opens no ticket.
    #[allow(clippy::too_many_arguments)]
    async fn answer(
        &self,
        actor: &Actor,
        key: &str,
        policy: &DeskPolicy,
        to: &Email,
        org: Option<OrgId>,
        reason: &str,
        mail: &InboundMail,
    ) -> CoreResult<MailOutcome> {
        // One automatic answer a day per address: a flood of mail, or mail forged as from
        // someone, must not make the desk write to them again and again (backscatter).
        if let Some(last) = self.store.last_answer_to(to).await?
            && self.now() < last + ANSWER_INTERVAL
        {
            return self
                .record_only(actor, key, org, "already answered this address today")
                .await;
        }
        let text = match reason {
            "not_an_admin" => not_an_admin(policy),
            "which_org" => which_org(policy),
            _ => unknown_sender(policy),
        };
        let subject = if mail.subject.trim().is_empty() {
            "Your message to support".to_string()
        } else {
            format!(
                "Re: {}",
                crate::support::record::clean_subject(&mail.subject)
            )
        };
        let reply = OutboundMail {
            id: MailId::from_random(self.random()),
            org,
            ticket: None,
            from: policy.contacts.support.clone(),
            to: vec![to.as_str().to_string()],
            subject,
            text,
            message_id: self.mail_message_id(policy, None),
            in_reply_to: mail.message_id.clone(),
            references: mail.message_id.iter().cloned().collect(),
            auto_reply: true,
            created_at: self.now(),
        };
        let outcome = MailOutcome::Answered {
            reason: reason.to_string(),
        };
        let change = Change::new(org)
            .write(Write::RecordInbound {
                key: key.to_string(),
                outcome: outcome.name(),
                ticket: None,
                at: self.now(),
            })
            .write(Write::QueueMail(Box::new(reply)))
            .write(Write::RecordAnswer {
                address: to.as_str().to_string(),
                at: self.now(),
            })
            .audit(self.mail_audit(actor, org, &outcome));
        self.commit_inbound(change, outcome).await
    }

    /// A reply on an existing ticket, when the message threads onto one and its sender is a
    /// user of that ticket's org.
    async fn try_thread(
        &self,
        actor: &Actor,
        key: &str,
        mail: &InboundMail,
        memberships: &[Membership],
        identity: &Identity,
    ) -> CoreResult<Option<MailOutcome>> {
        let by_tag = match parse_ticket_tag(&mail.subject) {
            Some(n) => self.store.ticket_by_number(n).await?,
            None => None,
        };
        let ticket = match by_tag {
            Some(t) if memberships.iter().any(|m| m.org.id == t.org) => Some(t),
            _ => {
                let mut ids = mail.in_reply_to.clone();
                ids.extend(mail.references.iter().rev().cloned());
                match self.store.ticket_for_mail(&ids).await? {
                    Some((org, id)) => self.store.ticket(org, id).await?,
                    None => None,
                }
            }
        };
        let Some(ticket) = ticket else {
            return Ok(None);
        };
        let Some(member) = memberships.iter().find(|m| m.org.id == ticket.org) else {
            return Ok(None);
        };
        let (files, dropped) = within_limits(attachments_of(mail), false)?;
        let number = ticket.number;
        let outcome = MailOutcome::Appended { number };
        let with = Change::new(Some(ticket.org))
            .write(Write::RecordInbound {
                key: key.to_string(),
                outcome: outcome.name(),
                ticket: Some(ticket.id),
                at: self.now(),
            })
            .audit(self.mail_audit(actor, Some(ticket.org), &outcome));
        let mut body = mail.text.clone();
        if !dropped.is_empty() {
            body.push_str("\n\n[Attachments not kept: ");
            body.push_str(&dropped.join("; "));
            body.push(']');
        }
        if let Identity::UnverifiedMail { .. } = identity {
            body.push_str("\n\n[This message's sender could not be verified.]");
        }
        self.customer_reply(
            actor,
            &member.org,
            &member.user,
            ticket,
            body,
            files,
            mail.message_id.clone(),
            with,
        )
        .await?;
        Ok(Some(outcome))
    }

    /// A new ticket from mail, for an active admin of `m.org`.
    async fn mail_ticket(
        &self,
        actor: &Actor,
        key: &str,
        mail: InboundMail,
        m: &Membership,
        identity: Identity,
    ) -> CoreResult<MailOutcome> {
        let reading = classify::read(&mail.subject, &mail.text);
        let system = self.named_system(&m.org, &mail.text).await?;
        let (files, dropped) = within_limits(attachments_of(&mail), false)?;
        let (troubleshooting, errors) = classify::sections(&mail.text);
        let new = NewTicket {
            subject: Personal(mail.subject.clone()),
            category: reading.category,
            severity: reading.severity,
            impact: Some(reading.impact),
            description: Personal(mail.text.clone()),
            troubleshooting: Personal(troubleshooting),
            error_messages: Personal(errors),
            system,
            attachments: files,
            critical: false,
        };
        // `admit` fills in the ticket (and its number) of the inbound record it carries.
        let with = Change::new(Some(m.org.id)).write(Write::RecordInbound {
            key: key.to_string(),
            outcome: "created".into(),
            ticket: None,
            at: self.now(),
        });
        let admission = Admission {
            org: &m.org,
            requester: &m.user,
            channel: Channel::Email,
            identity,
            mail_id: mail.message_id.clone(),
            security: reading.security,
            dropped,
            body: mail.text.clone(),
            with,
            actor: *actor,
        };
        match self.admit(admission, new).await {
            Ok(view) => Ok(MailOutcome::Created {
                number: view.number,
            }),
            Err(CoreError::Conflict { field, .. }) if field == "message_id" => {
                Ok(MailOutcome::Duplicate)
            }
            Err(e) => Err(e),
        }
    }

    /// The first of the org's systems whose hostname appears as a word in `text`.
    async fn named_system(&self, org: &Org, text: &str) -> CoreResult<Option<Name>> {
        let lower = text.to_lowercase();
        let words: std::collections::HashSet<&str> = lower
            .split(|c: char| !(c.is_alphanumeric() || "-_.".contains(c)))
            .map(|w| w.trim_end_matches('.'))
            .filter(|w| !w.is_empty())
            .collect();
        let mut page = PageRequest::first(crate::page::MAX_PAGE);
        loop {
            let systems = self.store.list_systems(org.id, &page).await?;
            if let Some(s) = systems
                .items
                .iter()
                .find(|s| words.contains(s.hostname.as_str()))
            {
                return Ok(Some(s.hostname.clone()));
            }
            match systems.next {
                Some(next) => page.after = Some(next),
                None => return Ok(None),
            }
        }
    }
}

/// The org slug named by a plus-address of the support address among `recipients`
/// (`support+acme@example.com` → `acme`).
fn plus_org<'a>(policy: &DeskPolicy, recipients: &'a [String]) -> Option<&'a str> {
    let (local, domain) = policy.contacts.support.rsplit_once('@')?;
    recipients.iter().find_map(|r| {
        let (l, d) = r.trim().rsplit_once('@')?;
        if !d.eq_ignore_ascii_case(domain) {
            return None;
        }
        let (base, tag) = l.split_once('+')?;
        base.eq_ignore_ascii_case(local).then_some(tag)
    })
}

/// The mail's files. A declared type that is not a media type does not cost the customer the
/// file or the mail: it is kept as `application/octet-stream`.
fn attachments_of(mail: &InboundMail) -> Vec<NewAttachment> {
    mail.attachments
        .iter()
        .map(|a| NewAttachment {
            filename: a.filename.clone(),
            content_type: MediaType::parse(&a.content_type)
                .unwrap_or_else(|_| MediaType::octet_stream()),
            content: a.content.clone(),
        })
        .collect()
}
