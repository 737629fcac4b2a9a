//! Password-reset links: an org admin (never support staff: they cannot act on accounts) mails
//! a user a link valid for a day; the user opens it and sets a new password themself, which
//! also ends any lockout. A link works once. Nobody but the user ever knows the new password.
//! A user who forgot their password asks for a link at the login page themself
//! ([`Directory::forgot_password`]): it goes to the account's own address only, rate-limited,
//! and the page never says whether the account exists.

use super::sign_out::Why;
use super::{Directory, Ended, Keep, target};
use crate::access::{Action, Actor};
use crate::audit::AuditDraft;
use crate::auth::reset::{LinkPurpose, PasswordReset};
use crate::auth::token::{token_from_random, token_hash};
use crate::auth::{Credential, LoginState};
use crate::change::{Change, Write};
use crate::directory::{Org, OrgSlug, User, UserStatus, Username};
use crate::error::{CoreError, CoreResult};
use crate::ports::DirectoryStore;
use crate::secret::Secret;
use jiff::SignedDuration;

/// What a reset or invitation link is about, for its page.
#[derive(Debug, Clone)]
pub struct ResetPrompt {
    pub org_slug: OrgSlug,
    pub org_name: String,
    pub username: Username,
    /// The link invites a new person (the page welcomes them) rather than resetting.
    pub invitation: bool,
}

/// A password set with a mailed link: whose, and how many of their sessions and tokens ended.
#[derive(Debug, Clone)]
pub struct PasswordSet {
    pub username: Username,
    pub ended: Ended,
}

/// The shortest time between two links asked for at the login page for one account.
pub const SELF_SERVICE_GAP: SignedDuration = SignedDuration::from_mins(15);

/// The most links asked for at the login page for one account in 24 hours.
pub const SELF_SERVICE_PER_DAY: u64 = 3;

fn dead_link() -> CoreError {
    CoreError::invalid(
        "link",
        "this link has expired or was already used; ask for a new one at the login page (\"Forgot your password?\") or from an administrator",
    )
}

impl<S: DirectoryStore + crate::ports::DeskStore> Directory<S> {
    /// An admin mails `username` a link to set a new password.
    pub async fn send_password_reset(
        &self,
        actor: &Actor,
        slug: &OrgSlug,
        username: &Username,
    ) -> CoreResult<()> {
        let org = self.org_for(actor, slug, Action::ReadOrg).await?;
        let user = self.user_in(&org, username).await?;
        let action = Action::UpdateUser(org.id, user.id);
        self.check(actor, &action, &target("user", user.id)).await?;
        if user.status == UserStatus::Suspended {
            return Err(CoreError::conflict(
                "status",
                "the user is suspended; reactivate them before sending a reset link",
            ));
        }
        let now = self.now();
        let why = format!(
            "An administrator of {} sent you a link to set a new password for your account \
             '{}':",
            org.name, user.username
        );
        let change = self
            .new_link(&org, &user, LinkPurpose::Reset, |url| {
                reset_mail(&org, &why, url)
            })?
            .audit(
                AuditDraft::new(actor, &action, target("user", user.id), now)
                    .named("user.password.reset_link"),
            );
        self.store.commit(change).await
    }

    /// Someone at the login page asks for a reset link for `username` of `org`: if the account
    /// exists and is active, its email address gets one — at most one per
    /// [`SELF_SERVICE_GAP`] and [`SELF_SERVICE_PER_DAY`] a day, so the form cannot flood a
    /// mailbox. The answer is the same whether or not anything was sent (it must not tell who
    /// has an account); only a malformed entry is an error.
    pub async fn forgot_password(&self, org: &str, username: &str) -> CoreResult<()> {
        let slug = OrgSlug::parse(org.trim())?;
        let username = Username::parse(username.trim())?;
        let Some(org) = self.store.org_by_slug(&slug).await? else {
            return Ok(());
        };
        let Some(user) = self.store.user_by_name(org.id, &username).await? else {
            return Ok(());
        };
        if user.status != UserStatus::Active {
            return Ok(());
        }
        let now = self.now();
        let since = |d: SignedDuration| now.checked_sub(d).unwrap_or(now);
        if self
            .store
            .password_resets_since(org.id, user.id, since(SELF_SERVICE_GAP))
            .await?
            > 0
            || self
                .store
                .password_resets_since(org.id, user.id, since(SignedDuration::from_hours(24)))
                .await?
                >= SELF_SERVICE_PER_DAY
        {
            return Ok(());
        }
        let why = format!(
            "Someone (we hope you) asked at the login page for a link to set a new password \
             for your account '{}' at {}:",
            user.username, org.name
        );
        let change = self
            .new_link(&org, &user, LinkPurpose::Reset, |url| {
                reset_mail(&org, &why, url)
            })?
            .audit(
                AuditDraft::new(
                    &Actor::Anonymous,
                    &Action::UpdateUser(org.id, user.id),
                    target("user", user.id),
                    now,
                )
                .named("user.password.reset_requested"),
            );
        self.store.commit(change).await
    }

    /// A new one-time link of `purpose` for `user` and the mail that carries it — `mail` gives
    /// its subject and text from the link's address — as the writes of one change; the caller
    /// adds the audit event.
    pub(super) fn new_link(
        &self,
        org: &Org,
        user: &User,
        purpose: LinkPurpose,
        mail: impl FnOnce(&str) -> (String, String),
    ) -> CoreResult<Change> {
        let secret = token_from_random(self.random());
        let hash = token_hash(secret.expose())
            .map(hex::encode)
            .ok_or_else(|| CoreError::Internal("generated token has the wrong shape".into()))?;
        let now = self.now();
        let reset = PasswordReset {
            token_hash: hash,
            org: org.id,
            user: user.id,
            purpose,
            created_at: now,
            expires_at: now
                .checked_add(purpose.valid_for())
                .map_err(|_| CoreError::Internal("link expiry out of range".into()))?,
            used_at: None,
        };
        let page = if purpose.is_invitation() {
            "invitation"
        } else {
            "reset"
        };
        let url = format!(
            "{}/portal/{page}/{}",
            self.desk_policy()?.contacts.public_url,
            secret.expose()
        );
        let (subject, text) = mail(&url);
        let mail = self.privacy_mail(Some(org.id), user.email.as_str(), subject, text);
        Ok(Change::new(Some(org.id))
            .write(Write::PutPasswordReset(reset))
            .write(Write::QueueMail(Box::new(mail))))
    }

    async fn reset_of(&self, token: &str) -> CoreResult<(PasswordReset, Org, User)> {
        let hash = token_hash(token.trim())
            .map(hex::encode)
            .ok_or_else(dead_link)?;
        let reset = self
            .store
            .password_reset(&hash)
            .await?
            .filter(|r| r.usable(self.now()))
            .ok_or_else(dead_link)?;
        let org = self
            .store
            .org_by_id(reset.org)
            .await?
            .ok_or_else(dead_link)?;
        if org.is_suspended() {
            return Err(CoreError::invalid(
                "link",
                "this organization is suspended by its provider; its administrators can \
                 contact support",
            ));
        }
        let user = self
            .store
            .user_by_id(reset.org, reset.user)
            .await?
            .filter(|u| u.status != UserStatus::Suspended)
            .ok_or_else(dead_link)?;
        Ok((reset, org, user))
    }

    /// What a link is about (the page shows whose password it sets).
    pub async fn password_reset_prompt(&self, token: &str) -> CoreResult<ResetPrompt> {
        let (reset, org, user) = self.reset_of(token).await?;
        Ok(ResetPrompt {
            org_slug: org.slug,
            org_name: org.name,
            username: user.username,
            invitation: reset.purpose.is_invitation(),
        })
    }

    /// The user sets a new password with the link (or, with an invitation, their first one);
    /// the link is spent, every other link of theirs ends and any lockout ends. Every session
    /// of theirs ends in the same change — the link is used from outside any — and their
    /// personal API tokens too unless `keep_api_tokens`.
    pub async fn complete_password_reset(
        &self,
        token: &str,
        new: Secret,
        keep_api_tokens: bool,
    ) -> CoreResult<PasswordSet> {
        let (reset, org, user) = self.reset_of(token).await?;
        org.password_policy.check_new_password(&new)?;
        let hash = self.passwords.hash(new, self.random()).await?;
        let now = self.now();
        let actor = Actor::User {
            org: org.id,
            user: user.id,
        };
        let (name, why) = if reset.purpose.is_invitation() {
            ("user.invitation.accepted", Why::InvitationAccepted)
        } else {
            ("user.password.reset", Why::PasswordReset)
        };
        let action = Action::SetPassword(org.id, user.id);
        let (sign_out, ended) = self
            .end_sessions(
                &actor,
                &action,
                (org.id, user.id),
                &Keep::nothing_but(keep_api_tokens),
                why,
            )
            .await?;
        let change = Change::new(Some(org.id))
            .write(Write::UsePasswordReset {
                token_hash: reset.token_hash,
                at: now,
            })
            .write(Write::EndPasswordLinks {
                user: user.id,
                at: now,
            })
            .write(Write::SetCredential {
                user: user.id,
                credential: Credential {
                    hash,
                    state: LoginState::default(),
                },
            })
            .audit(AuditDraft::new(&actor, &action, target("user", user.id), now).named(name))
            .merge(sign_out);
        match self.store.commit(change).await {
            Err(CoreError::Conflict { field, .. }) if field == "link" => Err(dead_link()),
            other => other.map(|()| PasswordSet {
                username: user.username,
                ended,
            }),
        }
    }
}

/// The subject and text of a reset link's mail (opening with `why`).
fn reset_mail(org: &Org, why: &str, url: &str) -> (String, String) {
    (
        format!("Set a new password for {}", org.name),
        format!(
            "{why}\n\n{url}\n\nThe link works once, within 24 hours. If you did not expect it, \
             ignore this mail: your password stays as it is.\n"
        ),
    )
}
