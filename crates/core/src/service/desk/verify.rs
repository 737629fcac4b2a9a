//! Verified requests end to end (the rules are in `support::verification`): an agent opens one
//! on a ticket; every active admin of the org gets a confirmation link by mail; an admin
//! confirms or rejects it (with their authenticator code when they have one); on confirmation
//! skydir — not the agent — deletes the account or discloses the account information, in the
//! same change that records the decision, after `support::security::may_carry_out` agrees that
//! the request is one staff may ever act on and that it is verified. Each step is audited and
//! noted on the ticket. Roles and access are never verified into happening: a request made
//! before that rule (`make_admin`) is refused when confirmed.

use crate::access::{Action, Actor};
use crate::audit::AuditDraft;
use crate::change::{Change, Write};
use crate::directory::{User, UserStatus, Username};
use crate::error::{CoreError, CoreResult};
use crate::ids::{MailId, MessageId, UserId, VerificationId};
use crate::ports::{DeskStore, DirectoryStore, PrivacyStore};
use crate::secret::Secret;
use crate::service::{Directory, target};
use crate::support::replies::{footer, local_time, ticket_subject};
use crate::support::security::{SecurityHandling, Verification, handling, may_carry_out};
use crate::support::verification::{LIFETIME, token_from_random, token_hash};
use crate::support::{
    Challenge, MessageAuthor, OutboundMail, SecurityRequest, Ticket, TicketMessage,
    VerificationRequest, VerificationState, VerifiedAction, Visibility,
};
use jiff::Timestamp;
use serde_json::json;

/// A verified request as shown to agents.
#[derive(Debug, Clone)]
pub struct VerificationView {
    pub id: VerificationId,
    pub ticket: u64,
    /// `delete_account`, `delete_organization` or `disclose_account_information` (or
    /// `make_admin`, read from a request stored before support stopped taking it).
    pub action: &'static str,
    pub subject_username: Option<String>,
    /// `pending`, `expired`, `confirmed` or `rejected`.
    pub state: &'static str,
    pub opened_at: Timestamp,
    pub expires_at: Timestamp,
    /// Admins a confirmation link went to.
    pub sent_to: usize,
}

/// What the admin who opens a confirmation link sees.
#[derive(Debug, Clone)]
pub struct VerificationPrompt {
    pub org_slug: String,
    pub ticket: u64,
    /// What will happen, in words.
    pub describe: String,
    pub state: &'static str,
    pub expires_at: Timestamp,
    /// The admin must also give their authenticator code.
    pub needs_totp: bool,
}

/// An admin's decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Confirm,
    Reject,
}

impl<S: DirectoryStore + DeskStore + PrivacyStore> Directory<S> {
    fn desk_note(&self, t: &Ticket, body: String, visibility: Visibility) -> Write {
        Write::AddMessage {
            message: Box::new(TicketMessage {
                id: MessageId::from_random(self.random()),
                ticket: t.id,
                org: t.org,
                at: self.now(),
                author: MessageAuthor::Desk,
                visibility,
                body,
                mail_id: None,
                attachments: Vec::new(),
            }),
            attachments: Vec::new(),
        }
    }

    /// The org's active admins.
    async fn active_admins(&self, org: crate::ids::OrgId) -> CoreResult<Vec<User>> {
        let mut out = Vec::new();
        for id in self.store.admins(org).await? {
            if let Some(u) = self.store.user_by_id(org, id).await?
                && u.status == UserStatus::Active
            {
                out.push(u);
            }
        }
        Ok(out)
    }

    /// Opens a verified request on ticket `number` (support agents). `request` is what the
    /// customer asked for; what the policy never allows is refused with its reason.
    pub async fn open_verification(
        &self,
        actor: &Actor,
        number: u64,
        request: SecurityRequest,
        username: Option<&Username>,
    ) -> CoreResult<VerificationView> {
        let Actor::SupportAgent { staff } = *actor else {
            return Err(CoreError::forbidden("support agents open verifications"));
        };
        let (org, ticket) = self.staff_ticket(actor, number).await?;
        if let SecurityHandling::Never { reason, instead } = handling(request) {
            let mut audit = AuditDraft::new(
                actor,
                &Action::WorkTickets(org.id),
                target("ticket", ticket.id),
                self.now(),
            )
            .with_detail(json!({ "number": number, "request": format!("{request:?}") }))
            .denied();
            audit.action = "verification.open".into();
            let _ = self
                .store
                .commit(Change::new(Some(org.id)).audit(audit))
                .await;
            return Err(CoreError::forbidden(format!("{reason} {instead}")));
        }
        let subject = match (request, username) {
            (
                SecurityRequest::DiscloseAccountInformation | SecurityRequest::DeleteOrganization,
                _,
            ) => None,
            (_, None) => {
                return Err(CoreError::invalid(
                    "username",
                    "name the user the request is about",
                ));
            }
            (_, Some(name)) => Some(
                self.store
                    .user_by_name(org.id, name)
                    .await?
                    .ok_or_else(|| CoreError::not_found("user", name.as_str()))?,
            ),
        };
        let action = match (request, &subject) {
            (SecurityRequest::DeleteAccount, Some(u)) => VerifiedAction::DeleteUser { user: u.id },
            (SecurityRequest::DeleteOrganization, _) => VerifiedAction::DeleteOrg,
            _ => VerifiedAction::DiscloseAccountInformation,
        };
        let admins = self.active_admins(org.id).await?;
        if admins.is_empty() {
            return Err(CoreError::conflict(
                "verification",
                "the organization has no active administrator who could confirm it",
            ));
        }
        let policy = self.desk_policy()?;
        let now = self.now();
        let request = VerificationRequest {
            id: VerificationId::from_random(self.random()),
            org: org.id,
            ticket: ticket.id,
            ticket_number: number,
            action,
            subject_username: subject.as_ref().map(|u| u.username.as_str().to_string()),
            opened_by: staff,
            opened_at: now,
            expires_at: now + LIFETIME,
            state: VerificationState::Pending,
            version: 1,
        };
        let what = action.describe(request.subject_username.as_deref(), org.slug.as_str());
        let mut change = Change::new(Some(org.id));
        let mut challenges = Vec::new();
        for admin in &admins {
            let token = token_from_random(self.random());
            let hash = token_hash(&token).ok_or_else(|| {
                CoreError::Internal("a confirmation token has the wrong shape".into())
            })?;
            challenges.push(Challenge {
                verification: request.id,
                admin: admin.id,
                token_hash: hash,
            });
            let totp = if self.has_totp(org.id, admin.id).await? {
                " You will be asked for a code from your authenticator app."
            } else {
                ""
            };
            let text = format!(
                "Hello,\n\nOn ticket #{number}, support was asked to {what}.\n\n\
                 Our support staff never do this on their own: an active administrator of \
                 '{slug}' must confirm it first. You are one of them.\n\n\
                 If you, or another administrator of '{slug}', asked for this, confirm it here:\n\
                 {url}/verify/{token}\n\n\
                 If nobody did, reject it at the same address and tell us: someone may be trying \
                 to take over your account.{totp}\n\n\
                 The link works once and expires on {expires}. Nothing happens until it is \
                 confirmed. We never ask for your password.\n\n-- \n{footer}\n",
                slug = org.slug,
                url = policy.contacts.public_url,
                expires = local_time(&policy, request.expires_at),
                footer = footer(&policy),
            );
            change = change.write(Write::QueueMail(Box::new(OutboundMail {
                id: MailId::from_random(self.random()),
                org: Some(org.id),
                ticket: Some(ticket.id),
                from: policy.contacts.support.clone(),
                to: vec![admin.email.as_str().to_string()],
                subject: ticket_subject(number, "Please confirm a request to support"),
                text,
                message_id: self.mail_message_id(&policy, Some(ticket.id)),
                in_reply_to: None,
                references: Vec::new(),
                auto_reply: true,
                created_at: now,
            })));
        }
        let mut audit = AuditDraft::new(
            actor,
            &Action::WorkTickets(org.id),
            target("verification", request.id),
            now,
        )
        .with_detail(json!({
            "number": number,
            "action": action.as_str(),
            "subject": subject.as_ref().map(|u| target("user", u.id)),
            "admins": admins.len(),
        }));
        audit.action = "verification.open".into();
        change = change
            .write(Write::CreateVerification {
                request: Box::new(request.clone()),
                challenges,
            })
            .write(self.desk_note(
                &ticket,
                format!(
                    "Verification opened: confirm that support may {what}. Confirmation links \
                     went to {} active administrator(s); they expire on {}.",
                    admins.len(),
                    local_time(&policy, request.expires_at)
                ),
                Visibility::Internal,
            ))
            .write(self.desk_note(
                &ticket,
                format!(
                    "To {what}, we have sent a confirmation request to every active \
                     administrator of your organization. Nothing is done until one of them \
                     confirms it."
                ),
                Visibility::Public,
            ))
            .audit(audit);
        self.store.commit(change).await?;
        Ok(self.verification_view(&request, admins.len()))
    }

    fn verification_view(&self, r: &VerificationRequest, sent_to: usize) -> VerificationView {
        VerificationView {
            id: r.id,
            ticket: r.ticket_number,
            action: r.action.as_str(),
            subject_username: r.subject_username.clone(),
            state: r.state_name(self.now()),
            opened_at: r.opened_at,
            expires_at: r.expires_at,
            sent_to,
        }
    }

    /// The verified requests of ticket `number` (agents).
    pub async fn verifications_of(
        &self,
        actor: &Actor,
        number: u64,
    ) -> CoreResult<Vec<VerificationView>> {
        let (org, ticket) = self.staff_ticket(actor, number).await?;
        let admins = self.active_admins(org.id).await?.len();
        Ok(self
            .store
            .verifications(org.id, ticket.id)
            .await?
            .iter()
            .map(|r| self.verification_view(r, admins))
            .collect())
    }

    /// What a confirmation link asks (anyone holding the link; it names no personal data
    /// beyond the username the request is about).
    pub async fn verification_prompt(&self, token: &str) -> CoreResult<VerificationPrompt> {
        let (r, admin) = self.by_token(token).await?;
        let org = self
            .store
            .org_by_id(r.org)
            .await?
            .ok_or_else(|| CoreError::not_found("confirmation link", "this"))?;
        Ok(VerificationPrompt {
            describe: r
                .action
                .describe(r.subject_username.as_deref(), org.slug.as_str()),
            org_slug: org.slug.as_str().to_string(),
            ticket: r.ticket_number,
            state: r.state_name(self.now()),
            expires_at: r.expires_at,
            needs_totp: self.has_totp(r.org, admin).await?,
        })
    }

    async fn by_token(&self, token: &str) -> CoreResult<(VerificationRequest, UserId)> {
        let missing = || CoreError::not_found("confirmation link", "this");
        let hash = token_hash(token).ok_or_else(missing)?;
        self.store
            .verification_by_token(&hash)
            .await?
            .ok_or_else(missing)
    }

    /// An admin's decision on a confirmation link. On confirmation skydir carries the action
    /// out itself, in the same change.
    pub async fn decide_verification(
        &self,
        token: &str,
        decision: Decision,
        totp: Option<&Secret>,
    ) -> CoreResult<&'static str> {
        let (request, admin_id) = self.by_token(token).await?;
        let now = self.now();
        request.decidable(now)?;
        let admin = Actor::OrgAdmin {
            org: request.org,
            user: admin_id,
        };
        if !self
            .active_admins(request.org)
            .await?
            .iter()
            .any(|u| u.id == admin_id)
        {
            return Err(CoreError::forbidden(
                "only an active administrator of the organization can decide this",
            ));
        }
        let org = self
            .store
            .org_by_id(request.org)
            .await?
            .ok_or_else(|| CoreError::not_found("organization", request.org.to_string()))?;
        let ticket = self
            .store
            .ticket(request.org, request.ticket)
            .await?
            .ok_or_else(|| CoreError::not_found("ticket", request.ticket_number.to_string()))?;
        let change = self
            .second_factor(request.org, admin_id, totp, Change::new(Some(request.org)))
            .await?;
        let what = request
            .action
            .describe(request.subject_username.as_deref(), org.slug.as_str());
        let mut updated = request.clone();
        updated.version += 1;
        let mut audit = AuditDraft::new(
            &admin,
            &Action::ReadTickets(org.id),
            target("verification", request.id),
            now,
        )
        .with_detail(json!({ "number": request.ticket_number, "action": request.action.as_str() }));
        let mut change = change;
        let outcome = match decision {
            Decision::Reject => {
                updated.state = VerificationState::Rejected {
                    by: admin_id,
                    at: now,
                };
                audit.action = "verification.rejected".into();
                change = change.write(self.desk_note(
                    &ticket,
                    format!("An administrator rejected the request to {what}. Nothing was done."),
                    Visibility::Public,
                ));
                "rejected"
            }
            Decision::Confirm => {
                updated.state = VerificationState::Confirmed {
                    by: admin_id,
                    at: now,
                };
                audit.action = "verification.confirmed".into();
                change = self
                    .carry_out(&request, &org, &ticket, &what, admin_id, change)
                    .await?;
                "confirmed"
            }
        };
        change = change
            .write(Write::UpdateVerification(Box::new(updated)))
            .audit(audit);
        match self.store.commit(change).await {
            Ok(()) => Ok(outcome),
            Err(CoreError::Conflict { field, .. }) if field == "verification" => {
                Err(CoreError::conflict(
                    "verification",
                    "this request was just decided by another administrator",
                ))
            }
            Err(CoreError::Conflict { field, .. }) if field == "totp" => Err(CoreError::invalid(
                "totp",
                "the authenticator code is wrong or was already used",
            )),
            Err(e) => Err(e),
        }
    }

    /// The writes that carry out a confirmed request, as skydir itself.
    async fn carry_out(
        &self,
        r: &VerificationRequest,
        org: &crate::directory::Org,
        ticket: &Ticket,
        what: &str,
        admin: UserId,
        mut change: Change,
    ) -> CoreResult<Change> {
        let now = self.now();
        let system = Actor::System;
        let detail = json!({ "verification": r.id.to_string(), "number": r.ticket_number });
        // The caller checked that an active admin of the org holds this request's link (and
        // gave their authenticator code when enrolled): the request came from them and their
        // identity is confirmed. The policy decides whether staff may act on it at all.
        may_carry_out(
            r.action.request(),
            &Verification {
                from_active_admin: true,
                identity_confirmed: true,
            },
        )?;
        match r.action {
            VerifiedAction::MakeAdmin { .. } => {
                return Err(CoreError::forbidden(
                    "support staff never make anyone an administrator; an active administrator \
                     of the organization does it in the admin console",
                ));
            }
            VerifiedAction::DeleteOrg => {
                change = change.merge(self.deletion_by_verification(org, admin, r.id).await?);
            }
            VerifiedAction::DeleteUser { user } => {
                let others = self
                    .active_admins(org.id)
                    .await?
                    .iter()
                    .filter(|u| u.id != user)
                    .count();
                if others == 0 {
                    return Err(CoreError::conflict(
                        "verification",
                        "the organization's last active administrator cannot be deleted",
                    ));
                }
                change = change.write(Write::EraseUser(user)).audit(
                    AuditDraft::new(
                        &system,
                        &Action::DeleteUser(org.id, user),
                        target("user", user),
                        now,
                    )
                    .with_detail(detail),
                );
            }
            VerifiedAction::DiscloseAccountInformation => {
                let text = self.account_information(org).await?;
                change = change.write(self.desk_note(ticket, text.clone(), Visibility::Public));
                if let Some(requester) = self.requester(ticket).await? {
                    let policy = self.desk_policy()?;
                    let thread = Self::thread_ids(&self.store.messages(org.id, ticket.id).await?);
                    let mail = self.ticket_mail(&policy, ticket, &requester, text, &thread, true);
                    change = change
                        .write(Write::LinkMail {
                            ticket: ticket.id,
                            message_ids: vec![mail.message_id.clone()],
                        })
                        .write(Write::QueueMail(Box::new(mail)));
                }
                let mut audit = AuditDraft::new(
                    &system,
                    &Action::ReadDirectory(org.id),
                    target("org", org.id),
                    now,
                )
                .with_detail(detail);
                audit.action = "account.disclosed".into();
                change = change.audit(audit);
            }
        }
        Ok(change.write(self.desk_note(
            ticket,
            format!("An administrator confirmed the request to {what}; skydir has done it."),
            Visibility::Public,
        )))
    }

    /// The account information a confirmed disclosure sends.
    async fn account_information(&self, org: &crate::directory::Org) -> CoreResult<String> {
        let mut admins: Vec<String> = self
            .active_admins(org.id)
            .await?
            .iter()
            .map(|u| u.username.as_str().to_string())
            .collect();
        admins.sort();
        let users = self.store.count_users(org.id).await?;
        let systems = self
            .store
            .list_systems(
                org.id,
                &crate::page::PageRequest::first(crate::page::MAX_PAGE),
            )
            .await?
            .items
            .len();
        let plan = &org.plan;
        Ok(format!(
            "Account information of '{slug}', as confirmed by an administrator:\n\
             - Name: {name}\n- Plan: {kind}{seats}{trial}\n- Users: {users}\n\
             - Administrators: {admins}\n- Systems: {systems}{more}\n- Created: {created}\n",
            slug = org.slug,
            name = org.name,
            kind = plan.kind,
            seats = plan
                .seats
                .map(|s| format!(" ({s} seats)"))
                .unwrap_or_default(),
            trial = plan
                .trial_ends
                .map(|t| format!(", trial ends {}", t.strftime("%Y-%m-%d")))
                .unwrap_or_default(),
            admins = admins.join(", "),
            more = if systems >= crate::page::MAX_PAGE as usize {
                "+"
            } else {
                ""
            },
            created = org.created_at.strftime("%Y-%m-%d"),
        ))
    }
}
