//! Sessions end when the way a person signs in changes. A new password — changed by the person
//! (REST, the portal, LDAP's Password Modify), or set with a mailed reset or invitation link —
//! ends every other login session of theirs and, unless they choose to keep them, their
//! personal API tokens: whoever held the old password, or a session opened with it, is out
//! (Keycloak's "sign out other devices", but by default). Removing the authenticator ends the
//! other login sessions (a session opened behind the second factor should not outlive it).
//! Suspension needs nothing here: a suspended person's tokens are refused at every use.
//!
//! The ending is one write, [`Write::EndSessions`], in the same change as the password or
//! authenticator write, so the store applies both or neither and no token created before the
//! change survives it; when anything usable ended, the change also carries an audit event
//! saying why and how many.

use super::{Directory, target};
use crate::access::{Action, Actor};
use crate::audit::AuditDraft;
use crate::auth::TokenSubject;
use crate::auth::token::token_hash;
use crate::change::{Change, Write};
use crate::error::CoreResult;
use crate::ids::{OrgId, TokenId, UserId};
use crate::ports::DirectoryStore;
use crate::secret::Secret;
use serde::Serialize;
use serde_json::json;

/// Which of a person's sessions and tokens outlive a change of how they sign in.
#[derive(Debug, Default)]
pub struct Keep {
    /// The token the request came with — the portal's session or the bearer token — which
    /// keeps working, so the person is not signed out where they made the change. A token
    /// that is not theirs is ignored.
    pub current: Option<Secret>,
    /// Keep their personal API tokens working (by default they end too).
    pub api_tokens: bool,
}

impl Keep {
    /// Nothing survives: a change made from outside any session (a mailed link, LDAP), with
    /// the person's personal API tokens kept only if `api_tokens`.
    pub fn nothing_but(api_tokens: bool) -> Self {
        Self {
            current: None,
            api_tokens,
        }
    }
}

/// How many of the person's sessions and tokens a change ended (still usable ones only).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Ended {
    /// Login sessions (browser or API logins).
    pub sessions: u64,
    /// Personal API tokens.
    pub api_tokens: u64,
}

/// Why sessions end, as the audit event says it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Why {
    PasswordChanged,
    PasswordReset,
    InvitationAccepted,
    AuthenticatorRemoved,
}

impl Why {
    fn as_str(self) -> &'static str {
        match self {
            Self::PasswordChanged => "password_changed",
            Self::PasswordReset => "password_reset",
            Self::InvitationAccepted => "invitation_accepted",
            Self::AuthenticatorRemoved => "authenticator_removed",
        }
    }
}

impl<S: DirectoryStore> Directory<S> {
    /// The id of the presented token if it is one of `user`'s own.
    async fn own_token(
        &self,
        org: OrgId,
        user: UserId,
        presented: Option<&Secret>,
    ) -> CoreResult<Option<TokenId>> {
        let Some(hash) = presented.and_then(|p| token_hash(p.expose().trim())) else {
            return Ok(None);
        };
        Ok(self
            .store
            .token_by_hash(&hash)
            .await?
            .filter(|t| t.subject == TokenSubject::User { org, user })
            .map(|t| t.id))
    }

    /// The part of a change that ends `user`'s sessions (and, unless kept, API tokens) but
    /// `keep`, with its audit event, and how many usable ones it ends. Authenticator removal
    /// passes `keep.api_tokens = true`: only sessions end.
    pub(super) async fn end_sessions(
        &self,
        actor: &Actor,
        action: &Action,
        (org, user): (OrgId, UserId),
        keep: &Keep,
        why: Why,
    ) -> CoreResult<(Change, Ended)> {
        let now = self.now();
        let current = self.own_token(org, user, keep.current.as_ref()).await?;
        let mut ended = Ended::default();
        for t in self.store.user_tokens(org, user).await? {
            if Some(t.id) == current || !t.usable(now) {
                continue;
            }
            if t.idle_secs.is_some() {
                ended.sessions += 1;
            } else if !keep.api_tokens {
                ended.api_tokens += 1;
            }
        }
        let mut change = Change::new(Some(org)).write(Write::EndSessions {
            user,
            at: now,
            keep: current,
            api_tokens: !keep.api_tokens,
        });
        // Nothing usable to end (an invitation's first password, say): the write stays, to
        // catch a token created meanwhile, but there is no ending to record.
        if ended != Ended::default() {
            change = change.audit(
                AuditDraft::new(actor, action, target("user", user), now)
                    .named("user.sessions.ended")
                    .with_detail(json!({
                        "reason": why.as_str(),
                        "sessions": ended.sessions,
                        "api_tokens": ended.api_tokens,
                        "kept_current": current.is_some(),
                        "kept_api_tokens": keep.api_tokens,
                    })),
            );
        }
        Ok((change, ended))
    }
}
