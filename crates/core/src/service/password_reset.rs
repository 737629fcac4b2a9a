//! Password-reset links: an org admin (never support staff: they cannot act on accounts) mails
//! a user a link valid for a day; the user opens it and sets a new password themself, which
//! also ends any lockout. A link works once. Nobody but the user ever knows the new password.

use super::{Directory, target};
use crate::access::{Action, Actor};
use crate::audit::AuditDraft;
use crate::auth::reset::{PasswordReset, RESET_VALID_FOR};
use crate::auth::token::{token_from_random, token_hash};
use crate::auth::{Credential, LoginState};
use crate::change::{Change, Write};
use crate::directory::{Org, OrgSlug, User, UserStatus, Username};
use crate::error::{CoreError, CoreResult};
use crate::ports::DirectoryStore;
use crate::secret::Secret;

/// What a reset link is about, for its page.
#[derive(Debug, Clone)]
pub struct ResetPrompt {
    pub org_slug: OrgSlug,
    pub org_name: String,
    pub username: Username,
}

fn dead_link() -> CoreError {
    CoreError::invalid(
        "link",
        "this link has expired or was already used; ask your administrator for a new one",
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
        let secret = token_from_random(self.random());
        let hash = token_hash(secret.expose())
            .map(hex::encode)
            .ok_or_else(|| CoreError::Internal("generated token has the wrong shape".into()))?;
        let now = self.now();
        let reset = PasswordReset {
            token_hash: hash,
            org: org.id,
            user: user.id,
            created_at: now,
            expires_at: now
                .checked_add(RESET_VALID_FOR)
                .map_err(|_| CoreError::Internal("reset expiry out of range".into()))?,
            used_at: None,
        };
        let url = self.desk_policy()?.contacts.public_url.clone();
        let mail = self.privacy_mail(
            Some(org.id),
            user.email.as_str(),
            format!("Set a new password for {}", org.name),
            format!(
                "An administrator of {} sent you a link to set a new password for your account \
                 '{}':\n\n{url}/portal/reset/{}\n\nThe link works once, within 24 hours. If you \
                 did not expect it, ignore this mail: your password stays as it is.\n",
                org.name,
                user.username,
                secret.expose()
            ),
        );
        self.store
            .commit(
                Change::new(Some(org.id))
                    .write(Write::PutPasswordReset(reset))
                    .write(Write::QueueMail(Box::new(mail)))
                    .audit(
                        AuditDraft::new(actor, &action, target("user", user.id), now)
                            .named("user.password.reset_link"),
                    ),
            )
            .await
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
        let (_, org, user) = self.reset_of(token).await?;
        Ok(ResetPrompt {
            org_slug: org.slug,
            org_name: org.name,
            username: user.username,
        })
    }

    /// The user sets a new password with the link; the link is spent and any lockout ends.
    pub async fn complete_password_reset(&self, token: &str, new: Secret) -> CoreResult<Username> {
        let (reset, org, user) = self.reset_of(token).await?;
        org.password_policy.check_new_password(&new)?;
        let hash = self.passwords.hash(new, self.random()).await?;
        let now = self.now();
        let actor = Actor::User {
            org: org.id,
            user: user.id,
        };
        let change = Change::new(Some(org.id))
            .write(Write::UsePasswordReset {
                token_hash: reset.token_hash,
                at: now,
            })
            .write(Write::SetCredential {
                user: user.id,
                credential: Credential {
                    hash,
                    state: LoginState::default(),
                },
            })
            .audit(
                AuditDraft::new(
                    &actor,
                    &Action::SetPassword(org.id, user.id),
                    target("user", user.id),
                    now,
                )
                .named("user.password.reset"),
            );
        match self.store.commit(change).await {
            Err(CoreError::Conflict { field, .. }) if field == "link" => Err(dead_link()),
            other => other.map(|()| user.username),
        }
    }
}
