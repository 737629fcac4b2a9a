//! A person's own API tokens and sessions: list them, create a named API token (acting as
//! them, with what their role allows, optionally expiring), and revoke any of them — a lost
//! laptop's session as much as a script's token. Only the person themself sees or revokes
//! their tokens; the secret of a new one is shown once.

use super::{Directory, IssuedToken, target};
use crate::access::{Action, Actor};
use crate::audit::AuditDraft;
use crate::auth::{ApiToken, TokenSubject};
use crate::change::{Change, Write};
use crate::error::{CoreError, CoreResult};
use crate::ids::{OrgId, TokenId, UserId};
use crate::ports::DirectoryStore;
use jiff::SignedDuration;

/// The longest a personal API token may be made to last, in days (none: until revoked).
pub const MAX_TOKEN_DAYS: u32 = 366;

fn me(actor: &Actor) -> CoreResult<(OrgId, UserId)> {
    match (actor.org(), actor.user()) {
        (Some(o), Some(u)) => Ok((o, u)),
        _ => Err(CoreError::forbidden(
            "personal API tokens belong to the people of an organization",
        )),
    }
}

impl<S: DirectoryStore> Directory<S> {
    /// The caller's tokens that are not revoked, newest first (sessions included).
    pub async fn my_tokens(&self, actor: &Actor) -> CoreResult<Vec<ApiToken>> {
        let (org, user) = me(actor)?;
        self.store.user_tokens(org, user).await
    }

    /// Creates a named API token acting as the caller, valid for `days` (or until revoked).
    pub async fn create_my_token(
        &self,
        actor: &Actor,
        name: &str,
        days: Option<u32>,
    ) -> CoreResult<IssuedToken> {
        let (org, user) = me(actor)?;
        let name = name.trim();
        if name.is_empty() || name.chars().count() > 64 || name.chars().any(char::is_control) {
            return Err(CoreError::invalid(
                "name",
                "give the token a name of 1-64 characters",
            ));
        }
        if name == "session" || name == "console session" {
            return Err(CoreError::invalid(
                "name",
                "that name is kept for login sessions",
            ));
        }
        let expires = match days {
            None => None,
            Some(d) if (1..=MAX_TOKEN_DAYS).contains(&d) => Some(
                self.now()
                    .checked_add(SignedDuration::from_hours(24 * i64::from(d)))
                    .map_err(|_| CoreError::invalid("days", "out of range"))?,
            ),
            Some(_) => {
                return Err(CoreError::invalid(
                    "days",
                    format!("a token lasts 1 to {MAX_TOKEN_DAYS} days, or until revoked"),
                ));
            }
        };
        self.issue_token(actor, TokenSubject::User { org, user }, name, expires)
            .await
    }

    /// Revokes one of the caller's tokens.
    pub async fn revoke_my_token(&self, actor: &Actor, id: TokenId) -> CoreResult<()> {
        let (org, user) = me(actor)?;
        if !self
            .store
            .user_tokens(org, user)
            .await?
            .iter()
            .any(|t| t.id == id)
        {
            return Err(CoreError::not_found("token", id.to_string()));
        }
        let now = self.now();
        let mut audit = AuditDraft::new(actor, &Action::ReadOrg(org), target("token", id), now);
        audit.action = "token.revoke".into();
        self.store
            .commit(
                Change::new(Some(org))
                    .write(Write::RevokeToken { id, at: now })
                    .audit(audit),
            )
            .await
    }
}
