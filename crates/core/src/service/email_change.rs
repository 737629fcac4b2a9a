//! Changing a person's email address through a confirmation from the new one. The person (or
//! an admin of their org — so nobody can quietly send someone's reset links elsewhere) asks for
//! a new address; a one-time link goes to it and a notice to the old one, and the account keeps
//! its address until the link is opened. The person and their admins see the pending address,
//! send the link again or cancel. Creating a user sets the address directly.
//!
//! Each step is one change: the link (its token's hash, the sealed address) with its two mails
//! and audit event; the confirmation with the new address on the user record, so the store's
//! uniqueness rule for addresses decides at that moment.

use super::{Directory, PendingEmail, target};
use crate::access::{Action, Actor};
use crate::audit::AuditDraft;
use crate::auth::token::{token_from_random, token_hash};
use crate::change::{Change, Write};
use crate::directory::email_change::{EMAIL_CHANGE_VALID_FOR, EMAIL_CHANGES_PER_DAY, masked};
use crate::directory::{
    Email, EmailChange, EmailChangeEnd, Org, OrgSlug, User, UserStatus, Username,
};
use crate::error::{CoreError, CoreResult};
use crate::ids::{OrgId, UserId};
use crate::ports::{DeskStore, DirectoryStore};
use jiff::SignedDuration;
use serde_json::json;

/// What a confirmation link is about, for its page.
#[derive(Debug, Clone)]
pub struct EmailChangePrompt {
    pub org_slug: OrgSlug,
    pub org_name: String,
    pub username: Username,
    /// The address the link confirms (the page is opened from that mailbox).
    pub new_email: Email,
}

fn bad_link() -> CoreError {
    CoreError::invalid(
        "link",
        "this link is not a valid confirmation link; the address was not changed",
    )
}

/// Why a link that exists does not work any more, in the person's terms.
fn ended_link(how: EmailChangeEnd) -> CoreError {
    CoreError::invalid(
        "link",
        match how {
            EmailChangeEnd::Confirmed => {
                "this link was already used: the new address is confirmed and in use"
            }
            EmailChangeEnd::Cancelled => {
                "this change of address was cancelled; the account keeps its address"
            }
            EmailChangeEnd::Replaced => {
                "a newer link replaced this one; open the newest mail about the change"
            }
        },
    )
}

fn expired_link() -> CoreError {
    CoreError::invalid(
        "link",
        "this link has expired (it works for 24 hours) and the address was not changed; \
         send a new one from your account page (My account)",
    )
}

impl<S: DirectoryStore> Directory<S> {
    /// The change waiting for `user`'s confirmation, if any.
    pub(super) async fn pending_email(
        &self,
        org: OrgId,
        user: UserId,
    ) -> CoreResult<Option<PendingEmail>> {
        let now = self.now();
        Ok(self
            .store
            .pending_email_change(org, user)
            .await?
            .and_then(|c| {
                c.new_email.clone().map(|address| PendingEmail {
                    address,
                    expires_at: c.expires_at,
                    expired: !c.usable(now),
                    by_admin: c.by_admin,
                })
            }))
    }
}

impl<S: DirectoryStore + DeskStore> Directory<S> {
    /// The writes that ask to change `user`'s address to `new`: any open change ends (replaced),
    /// a new link goes to `new` and a notice to the current address. Refused when another user
    /// of the org has `new`, or after [`EMAIL_CHANGES_PER_DAY`] changes in a day.
    pub(super) async fn start_email_change(
        &self,
        actor: &Actor,
        org: &Org,
        user: &User,
        new: &Email,
    ) -> CoreResult<Change> {
        if self
            .store
            .user_by_email(org.id, new)
            .await?
            .is_some_and(|other| other.id != user.id)
        {
            return Err(CoreError::conflict(
                "email",
                "another user of this organization has this email",
            ));
        }
        let by_admin = actor.user() != Some(user.id);
        let (link, url) = self.email_link(org, user, new, by_admin).await?;
        let who = if by_admin {
            format!("An administrator of {}", org.name)
        } else {
            "You".to_string()
        };
        let confirm = self.privacy_mail(
            Some(org.id),
            new.as_str(),
            format!("Confirm your new email address at {}", org.name),
            format!(
                "{who} asked to use this address for the account '{}' at {}. Open this link \
                 within 24 hours to confirm it:\n\n{url}\n\nUntil then the account keeps its \
                 current address. If you did not expect this mail, ignore it: nothing changes.\n",
                user.username, org.name
            ),
        );
        let notice = self.privacy_mail(
            Some(org.id),
            user.email.as_str(),
            format!("Your email address at {} is being changed", org.name),
            format!(
                "{who} asked to change the address of your account '{}' at {} from this one to \
                 {}. The new address is used only once it is confirmed from the link sent to \
                 it; until then mail keeps coming here.\n\nIf this wasn't you, sign in and \
                 cancel the change under My account ({}/portal/profile), change your password, \
                 and tell your organization's administrators.\n",
                user.username,
                org.name,
                masked(new),
                self.desk_policy()?.contacts.public_url
            ),
        );
        let now = self.now();
        let action = Action::UpdatePersonalData(org.id, user.id);
        Ok(Change::new(Some(org.id))
            .write(Write::EndEmailChanges {
                user: user.id,
                at: now,
                how: EmailChangeEnd::Replaced,
            })
            .write(Write::PutEmailChange(link))
            .write(Write::QueueMail(Box::new(confirm)))
            .write(Write::QueueMail(Box::new(notice)))
            .audit(
                AuditDraft::new(actor, &action, target("user", user.id), now)
                    .named("user.email.change_requested")
                    .with_detail(json!({ "by_admin": by_admin })),
            ))
    }

    /// A new link for changing `user`'s address to `new` and its address, within the day's
    /// allowance.
    async fn email_link(
        &self,
        org: &Org,
        user: &User,
        new: &Email,
        by_admin: bool,
    ) -> CoreResult<(EmailChange, String)> {
        let now = self.now();
        let day_ago = now
            .checked_sub(SignedDuration::from_hours(24))
            .unwrap_or(now);
        if self
            .store
            .email_changes_since(org.id, user.id, day_ago)
            .await?
            >= EMAIL_CHANGES_PER_DAY
        {
            return Err(CoreError::conflict(
                "email",
                format!(
                    "the address of this account was asked to change {EMAIL_CHANGES_PER_DAY} \
                     times in the last 24 hours; try again tomorrow"
                ),
            ));
        }
        let secret = token_from_random(self.random());
        let hash = token_hash(secret.expose())
            .map(hex::encode)
            .ok_or_else(|| CoreError::Internal("generated token has the wrong shape".into()))?;
        let link = EmailChange {
            token_hash: hash,
            org: org.id,
            user: user.id,
            new_email: Some(new.clone()),
            by_admin,
            created_at: now,
            expires_at: now
                .checked_add(EMAIL_CHANGE_VALID_FOR)
                .map_err(|_| CoreError::Internal("link expiry out of range".into()))?,
            ended: None,
        };
        let url = format!(
            "{}/portal/email/{}",
            self.desk_policy()?.contacts.public_url,
            secret.expose()
        );
        Ok((link, url))
    }

    /// The org, the user and their open change, for the person themself or their org's admins.
    async fn pending_of(
        &self,
        actor: &Actor,
        slug: &OrgSlug,
        username: &Username,
    ) -> CoreResult<(Org, User, EmailChange, Email)> {
        let org = self.org_for(actor, slug, Action::ReadOrg).await?;
        let user = self.user_in(&org, username).await?;
        self.check(
            actor,
            &Action::UpdatePersonalData(org.id, user.id),
            &target("user", user.id),
        )
        .await?;
        let pending = self
            .store
            .pending_email_change(org.id, user.id)
            .await?
            .and_then(|c| c.new_email.clone().map(|e| (c, e)));
        let Some((change, address)) = pending else {
            return Err(CoreError::not_found(
                "pending email change",
                user.username.as_str(),
            ));
        };
        Ok((org, user, change, address))
    }

    /// Mails the confirmation link of `username`'s pending address again (a new link: the
    /// earlier one stops working). The person themself or an admin of their org.
    pub async fn resend_email_change(
        &self,
        actor: &Actor,
        slug: &OrgSlug,
        username: &Username,
    ) -> CoreResult<PendingEmail> {
        let (org, user, change, address) = self.pending_of(actor, slug, username).await?;
        let (link, url) = self
            .email_link(&org, &user, &address, change.by_admin)
            .await?;
        let mail = self.privacy_mail(
            Some(org.id),
            address.as_str(),
            format!("Confirm your new email address at {}", org.name),
            format!(
                "Here is a new link to confirm this address for the account '{}' at {} (the \
                 earlier one no longer works). Open it within 24 hours:\n\n{url}\n\nIf you did \
                 not expect this mail, ignore it: nothing changes.\n",
                user.username, org.name
            ),
        );
        let now = self.now();
        let pending = PendingEmail {
            address,
            expires_at: link.expires_at,
            expired: false,
            by_admin: link.by_admin,
        };
        let change = Change::new(Some(org.id))
            .write(Write::EndEmailChanges {
                user: user.id,
                at: now,
                how: EmailChangeEnd::Replaced,
            })
            .write(Write::PutEmailChange(link))
            .write(Write::QueueMail(Box::new(mail)))
            .audit(
                AuditDraft::new(
                    actor,
                    &Action::UpdatePersonalData(org.id, user.id),
                    target("user", user.id),
                    now,
                )
                .named("user.email.change_resent"),
            );
        self.store.commit(change).await?;
        Ok(pending)
    }

    /// Cancels `username`'s pending change of address: the link stops working and the pending
    /// address is cleared. The person themself or an admin of their org.
    pub async fn cancel_email_change(
        &self,
        actor: &Actor,
        slug: &OrgSlug,
        username: &Username,
    ) -> CoreResult<()> {
        let (org, user, _, _) = self.pending_of(actor, slug, username).await?;
        let now = self.now();
        let change = Change::new(Some(org.id))
            .write(Write::EndEmailChanges {
                user: user.id,
                at: now,
                how: EmailChangeEnd::Cancelled,
            })
            .audit(
                AuditDraft::new(
                    actor,
                    &Action::UpdatePersonalData(org.id, user.id),
                    target("user", user.id),
                    now,
                )
                .named("user.email.change_cancelled"),
            );
        self.store.commit(change).await
    }

    /// The open change a link's token names, with its org and user — or why the link does not
    /// work.
    async fn email_change_of(&self, token: &str) -> CoreResult<(EmailChange, Email, Org, User)> {
        let hash = token_hash(token.trim())
            .map(hex::encode)
            .ok_or_else(bad_link)?;
        let change = self.store.email_change(&hash).await?.ok_or_else(bad_link)?;
        if let Some((_, how)) = change.ended {
            return Err(ended_link(how));
        }
        if !change.usable(self.now()) {
            return Err(expired_link());
        }
        let address = change.new_email.clone().ok_or_else(bad_link)?;
        let org = self
            .store
            .org_by_id(change.org)
            .await?
            .ok_or_else(bad_link)?;
        if org.is_suspended() {
            return Err(CoreError::OrgSuspended);
        }
        let user = self
            .store
            .user_by_id(change.org, change.user)
            .await?
            .ok_or_else(bad_link)?;
        if user.status == UserStatus::Suspended {
            return Err(CoreError::invalid(
                "link",
                "this account is suspended; its administrators can reactivate it",
            ));
        }
        Ok((change, address, org, user))
    }

    /// What a confirmation link is about (its page shows the account and the new address).
    pub async fn email_change_prompt(&self, token: &str) -> CoreResult<EmailChangePrompt> {
        let (_, new_email, org, user) = self.email_change_of(token).await?;
        Ok(EmailChangePrompt {
            org_slug: org.slug,
            org_name: org.name,
            username: user.username,
            new_email,
        })
    }

    /// Confirms a change of address with its link: the new address replaces the old one —
    /// from now on LDAP publishes it, mail from it is the person's, and reset links go there.
    /// Nothing else changes (no session ends). Refused if another user of the org took the
    /// address meanwhile.
    pub async fn confirm_email_change(&self, token: &str) -> CoreResult<EmailChangePrompt> {
        let (change, new_email, org, mut user) = self.email_change_of(token).await?;
        let now = self.now();
        let actor = Actor::User {
            org: org.id,
            user: user.id,
        };
        user.email = new_email.clone();
        user.updated_at = now;
        let commit = Change::new(Some(org.id))
            .write(Write::ConfirmEmailChange {
                token_hash: change.token_hash,
                at: now,
            })
            .write(Write::UpdateUser(Box::new(user.clone())))
            .audit(
                AuditDraft::new(
                    &actor,
                    &Action::UpdatePersonalData(org.id, user.id),
                    target("user", user.id),
                    now,
                )
                .named("user.email.confirmed")
                .with_detail(json!({ "by_admin": change.by_admin })),
            );
        match self.store.commit(commit).await {
            Err(CoreError::Conflict { field, .. }) if field == "link" => {
                Err(ended_link(EmailChangeEnd::Confirmed))
            }
            Err(CoreError::Conflict { field, .. }) if field == "email" => Err(CoreError::conflict(
                "email",
                "another user of this organization has this address now; the account keeps \
                     its address",
            )),
            other => other.map(|()| EmailChangePrompt {
                org_slug: org.slug,
                org_name: org.name,
                username: user.username,
                new_email,
            }),
        }
    }
}
