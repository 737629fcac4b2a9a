//! Opening a ticket. The portal and the API call [`Directory::open_ticket`] for a logged-in
//! admin; mail intake calls [`Directory::admit`] once it has found the sender. Both run the
//! same steps: find the system named, keep the attachments within limits, triage, number the
//! ticket, record the request and the desk's acknowledgement as its first two messages, queue
//! the acknowledgement mail, audit — all in one change.

use super::TicketView;
use crate::access::{Action, Actor};
use crate::audit::AuditDraft;
use crate::change::{Change, Write};
use crate::directory::{Name, Org, OrgSlug, System, User};
use crate::error::{CoreError, CoreResult};
use crate::ids::{AttachmentId, MessageId, TicketId};
use crate::ports::{DeskStore, DirectoryStore};
use crate::secret::Personal;
use crate::service::{Directory, target};
use crate::support::intake::{AffectedSystem, Attachment, TicketDetails};
use crate::support::record::{
    MAX_ATTACHMENT_BYTES, MAX_ATTACHMENTS, MAX_ATTACHMENTS_BYTES, check_body, clean_subject,
    sanitize_filename,
};
use crate::support::replies::{Ack, Expect, acknowledgement};
use crate::support::security::handling;
use crate::support::triage::{Request, triage};
use crate::support::{
    AttachmentMeta, Category, Channel, ClockState, Eligibility, HistoryEntry, Identity, Impact,
    MediaType, MessageAuthor, SecurityRequest, Severity, SlaMarks, StoredAttachment, Ticket,
    TicketHistory, TicketMessage, TicketStatus, Visibility,
};
use serde_json::json;
use sha2::{Digest, Sha256};

/// A file to attach.
#[derive(Clone)]
pub struct NewAttachment {
    pub filename: String,
    /// Parsed at the edge: the API and the portal refuse a bad one, mail keeps the file as
    /// `application/octet-stream`.
    pub content_type: MediaType,
    pub content: Vec<u8>,
}

impl std::fmt::Debug for NewAttachment {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewAttachment")
            .field("content_type", &self.content_type)
            .field("len", &self.content.len())
            .finish_non_exhaustive()
    }
}

/// A ticket as the portal or the API submit it.
#[derive(Debug, Clone)]
pub struct NewTicket {
    pub subject: Personal<String>,
    pub category: Category,
    /// The severity the customer chose.
    pub severity: Option<Severity>,
    /// The customer's description of the impact; assumed "minor, in daily use" for issues
    /// when absent.
    pub impact: Option<Impact>,
    /// "Detailed Issue Description".
    pub description: Personal<String>,
    /// "Troubleshooting Actions Taken".
    pub troubleshooting: Personal<String>,
    /// "Pertinent Error Messages".
    pub error_messages: Personal<String>,
    /// The hostname of one of the org's systems, if the ticket is about one.
    pub system: Option<Name>,
    pub attachments: Vec<NewAttachment>,
    /// The customer says the defect is critical or affects many (free plans: researched).
    pub critical: bool,
}

/// What the desk needs to know beyond the request itself.
pub(super) struct Admission<'a> {
    pub org: &'a Org,
    pub requester: &'a User,
    pub channel: Channel,
    pub identity: Identity,
    /// For mail: the inbound `Message-ID` the acknowledgement answers.
    pub mail_id: Option<String>,
    /// For an account-security request: what it asks.
    pub security: Option<SecurityRequest>,
    /// Attachments dropped before admission (mail over the limits), with the reason.
    pub dropped: Vec<String>,
    /// The message text as the customer wrote it (mail keeps its own layout).
    pub body: String,
    /// Extra writes and audit events committed with the ticket (mail: its inbound record, whose
    /// ticket and outcome `admit` fills in).
    pub with: Change,
    pub actor: Actor,
}

/// Keeps the attachments within the limits. `strict` (portal, API) refuses the request
/// naming the first file over a limit; otherwise (mail) such files are dropped and listed.
pub(super) fn within_limits(
    attachments: Vec<NewAttachment>,
    strict: bool,
) -> CoreResult<(Vec<NewAttachment>, Vec<String>)> {
    let mut kept = Vec::new();
    let mut dropped = Vec::new();
    let mut total = 0usize;
    for (i, a) in attachments.into_iter().enumerate() {
        let name = sanitize_filename(&a.filename);
        let why = if a.content.len() > MAX_ATTACHMENT_BYTES {
            Some(format!(
                "{name} is {} MiB; files may be at most {} MiB",
                a.content.len().div_ceil(1024 * 1024),
                MAX_ATTACHMENT_BYTES / (1024 * 1024)
            ))
        } else if total + a.content.len() > MAX_ATTACHMENTS_BYTES {
            Some(format!(
                "{name} would take the message past {} MiB of attachments",
                MAX_ATTACHMENTS_BYTES / (1024 * 1024)
            ))
        } else if kept.len() >= MAX_ATTACHMENTS {
            Some(format!(
                "{name}: at most {MAX_ATTACHMENTS} files are kept per message"
            ))
        } else {
            None
        };
        match why {
            Some(reason) if strict => {
                return Err(CoreError::invalid(format!("attachments[{i}]"), reason));
            }
            Some(reason) => dropped.push(reason),
            None => {
                total += a.content.len();
                kept.push(a);
            }
        }
    }
    Ok((kept, dropped))
}

impl<S: DirectoryStore + DeskStore> Directory<S> {
    /// Stores attachments for a message: sanitized names, content types, sizes and hashes.
    pub(super) fn store_attachments(&self, files: Vec<NewAttachment>) -> Vec<StoredAttachment> {
        files
            .into_iter()
            .map(|f| StoredAttachment {
                meta: AttachmentMeta {
                    id: AttachmentId::from_random(self.random()),
                    filename: sanitize_filename(&f.filename),
                    content_type: f.content_type.into(),
                    size: f.content.len() as u64,
                    sha256: hex::encode(Sha256::digest(&f.content)),
                },
                content: f.content,
            })
            .collect()
    }

    /// Opens a ticket for the calling admin (portal and API).
    pub async fn open_ticket(
        &self,
        actor: &Actor,
        slug: &OrgSlug,
        new: NewTicket,
        channel: Channel,
    ) -> CoreResult<TicketView> {
        let org = self.org_for(actor, slug, Action::OpenTicket).await?;
        let Some(me) = actor.user() else {
            return Err(CoreError::forbidden(
                "support requests are submitted by an active admin of the organization",
            ));
        };
        let requester = self
            .store
            .user_by_id(org.id, me)
            .await?
            .ok_or_else(|| CoreError::not_found("user", me.to_string()))?;
        let subject = new.subject.get().trim();
        if subject.is_empty() {
            return Err(CoreError::invalid("subject", "must not be empty"));
        }
        check_body("description", new.description.get())?;
        let (attachments, _) = within_limits(new.attachments.clone(), true)?;
        let body = compose_body(&new);
        let security = (new.category == Category::AccountSecurity)
            .then(|| crate::support::classify::security_request(&body))
            .flatten();
        let admission = Admission {
            org: &org,
            requester: &requester,
            channel,
            identity: Identity::Session,
            mail_id: None,
            security,
            dropped: Vec::new(),
            body,
            with: Change::new(Some(org.id)),
            actor: *actor,
        };
        self.admit(admission, NewTicket { attachments, ..new })
            .await
    }

    /// Admits a request from `a.requester` (an active admin of `a.org`): see the module docs.
    pub(super) async fn admit(&self, a: Admission<'_>, new: NewTicket) -> CoreResult<TicketView> {
        // "JumpCloud will not take this action for you at any time. If for some reason you
        // are unable to do that on your own, we will work with you to find the root cause of
        // the issue and will treat the issue as a defect": a request to be given access (or a
        // role) is answered with who does it, and the ticket itself becomes a defect report.
        let new = if matches!(
            a.security,
            Some(SecurityRequest::AddToResource | SecurityRequest::MakeAdmin)
        ) {
            NewTicket {
                category: Category::Defect,
                ..new
            }
        } else {
            new
        };
        let policy = self.desk_policy()?;
        let now = self.now();
        let system =
            match &new.system {
                Some(h) => Some(self.store.system_by_name(a.org.id, h).await?.ok_or_else(
                    || {
                        CoreError::invalid(
                            "system",
                            format!("your organization has no system named '{h}'"),
                        )
                    },
                )?),
                None => None,
            };
        let details = TicketDetails {
            category: new.category,
            subject: new.subject.get().clone(),
            description: new.description.get().clone(),
            troubleshooting: new.troubleshooting.get().clone(),
            error_messages: new.error_messages.get().clone(),
            attachments: new
                .attachments
                .iter()
                .map(|f| Attachment::named(&f.filename))
                .collect(),
            logs_attached: false,
            system: affected(system.as_ref(), new.category),
        };
        let subject = clean_subject(new.subject.get());
        let text = format!("{subject}\n{}", new.description.get());
        let impact = new.impact.unwrap_or(Impact {
            effect: crate::support::Effect::Minor,
            actively_used: true,
            workaround: false,
        });
        let t = triage(
            &policy,
            &Request {
                plan: &a.org.plan,
                category: new.category,
                severity: new.severity,
                impact,
                details: &details,
                system: system.as_ref(),
                text: &text,
                critical_defect: new.critical,
                at: now,
            },
        );
        let mut entries = vec![HistoryEntry::Created {
            at: now,
            status: if t.status == TicketStatus::WaitingOnCustomer {
                TicketStatus::WaitingOnCustomer
            } else {
                TicketStatus::New
            },
        }];
        if t.status == TicketStatus::Resolved {
            entries.push(HistoryEntry::Status {
                at: now,
                to: TicketStatus::Resolved,
            });
        }
        let specialist =
            if t.eligibility.queue() == Some(crate::support::Queue::DedicatedSpecialist) {
                self.store.specialist(a.org.id).await?
            } else {
                None
            };
        let specialist_handle = match specialist {
            Some(id) => self
                .store
                .list_staff()
                .await?
                .into_iter()
                .find(|s| s.id == id)
                .map(|s| s.handle),
            None => None,
        };
        let number = self.store.next_ticket_number().await?;
        let plan_class = crate::support::PlanClass::of(&a.org.plan, now);
        let ticket = Ticket {
            id: TicketId::from_random(self.random()),
            org: a.org.id,
            number,
            subject: subject.clone(),
            category: new.category,
            severity: t.severity,
            plan_class,
            requester: a.requester.id,
            channel: a.channel,
            identity: a.identity.clone(),
            eligibility: t.eligibility.clone(),
            queue: t.eligibility.queue(),
            assignee: specialist,
            system: system.as_ref().map(|s| s.hostname.as_str().to_string()),
            missing: t.missing.iter().map(|m| m.detail).collect(),
            history: TicketHistory::new(entries)?,
            satisfaction: None,
            sla_marks: SlaMarks::default(),
            created_at: now,
            updated_at: now,
            version: 1,
        };
        let sla = self.sla(&policy, &ticket)?;
        let expect = match sla.first_response.state {
            Some(ClockState::Running) => {
                sla.first_response.due.map_or(Expect::Answered, Expect::By)
            }
            Some(ClockState::Paused) => Expect::AfterAnswer(sla.first_response.remaining),
            _ => Expect::Answered,
        };
        let security = a.security.map(handling);
        let suggestions = self.suggestions(&text).await?;
        let (_, ack_text) = acknowledgement(
            &policy,
            &Ack {
                number,
                subject: &subject,
                greeting_name: a.requester.personal.given_name.get().as_deref(),
                triage: &t,
                expect,
                security: security.as_ref(),
                suggestions: &suggestions,
                specialist: specialist_handle.as_deref(),
                dropped: &a.dropped,
                unverified_mail: matches!(a.identity, Identity::UnverifiedMail { .. }),
            },
        );
        let thread: Vec<String> = a.mail_id.iter().cloned().collect();
        let mail = self.ticket_mail(
            &policy,
            &ticket,
            a.requester,
            ack_text.clone(),
            &thread,
            true,
        );
        let request = TicketMessage {
            id: MessageId::from_random(self.random()),
            ticket: ticket.id,
            org: a.org.id,
            at: now,
            author: MessageAuthor::Customer {
                user: a.requester.id,
            },
            visibility: Visibility::Public,
            body: a.body.clone(),
            mail_id: a.mail_id.clone(),
            attachments: Vec::new(),
        };
        let stored = self.store_attachments(new.attachments);
        let request = TicketMessage {
            attachments: stored.iter().map(|s| s.meta.clone()).collect(),
            ..request
        };
        let ack = TicketMessage {
            id: MessageId::from_random(self.random()),
            ticket: ticket.id,
            org: a.org.id,
            at: now,
            author: MessageAuthor::Desk,
            visibility: Visibility::Public,
            body: ack_text,
            mail_id: Some(mail.message_id.clone()),
            attachments: Vec::new(),
        };
        let mut link = thread;
        link.push(mail.message_id.clone());
        let audit = AuditDraft::new(
            &a.actor,
            &Action::OpenTicket(a.org.id),
            target("ticket", ticket.id),
            now,
        )
        .with_detail(json!({
            "number": number,
            "channel": a.channel.as_str(),
            "category": ticket.category.as_str(),
            "severity": ticket.severity.as_str(),
            "status": ticket.status().as_str(),
            "eligibility": outcome(&t.eligibility),
            "identity_verified": a.identity.is_verified(),
            "attachments": stored.len(),
            "requester": target("user", a.requester.id),
        }));
        let mut change = a.with;
        for w in &mut change.writes {
            if let Write::RecordInbound {
                outcome,
                ticket: t @ None,
                ..
            } = w
            {
                *t = Some(ticket.id);
                *outcome = format!("created:{number}");
            }
        }
        change = change
            .write(Write::CreateTicket(Box::new(ticket.clone())))
            .write(Write::AddMessage {
                message: Box::new(request),
                attachments: stored,
            })
            .write(Write::AddMessage {
                message: Box::new(ack),
                attachments: Vec::new(),
            })
            .write(Write::QueueMail(Box::new(mail)))
            .write(Write::LinkMail {
                ticket: ticket.id,
                message_ids: link,
            })
            .audit(audit);
        self.store.commit(change).await?;
        Ok(TicketView::of(
            &ticket,
            a.org.slug.as_str(),
            sla,
            t.best_effort,
        ))
    }
}

/// The eligibility outcome's wire name, for audit details.
pub(super) fn outcome(e: &Eligibility) -> &'static str {
    match e {
        Eligibility::Covered { .. } => "covered",
        Eligibility::RoutedToSales { .. } => "routed_to_sales",
        Eligibility::NotCovered { .. } => "not_covered",
    }
}

/// Which system the completeness rules should ask about: the one named, with how it joins
/// (its logs); none for an integration that names no system (an application's own log).
fn affected(system: Option<&System>, category: Category) -> AffectedSystem {
    match system {
        Some(s) => AffectedSystem::System {
            os_family: s.os_family,
            joined_via: s.joined_via,
        },
        None if category == Category::Integration => AffectedSystem::NoSystem,
        None => AffectedSystem::Unknown,
    }
}

/// The request's text as one message, its parts under the policy's headings.
fn compose_body(new: &NewTicket) -> String {
    let mut s = new.description.get().trim().to_string();
    for (heading, part) in [
        ("Troubleshooting actions taken", new.troubleshooting.get()),
        ("Error messages", new.error_messages.get()),
    ] {
        if !part.trim().is_empty() {
            s.push_str(&format!("\n\n{heading}:\n{}", part.trim()));
        }
    }
    s
}
