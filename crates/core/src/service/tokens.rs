//! API tokens: issuing (the operator's bootstrap token, CLI-created tokens, login sessions) and
//! turning a presented token back into an [`Actor`] on every request.

use super::{Directory, target};
use crate::access::{Action, Actor, Staff, StaffRole};
use crate::audit::AuditDraft;
use crate::auth::token::{token_from_random, token_hash};
use crate::auth::{ApiToken, TokenSubject};
use crate::change::{Change, Write};
use crate::directory::UserStatus;
use crate::error::{CoreError, CoreResult};
use crate::ids::{StaffId, TokenId};
use crate::ports::DirectoryStore;
use crate::secret::Secret;
use jiff::Timestamp;
use serde_json::json;

/// A freshly issued token: the secret is shown once and never stored.
#[derive(Debug)]
pub struct IssuedToken {
    pub id: TokenId,
    pub secret: Secret,
    pub expires_at: Option<Timestamp>,
}

impl<S: DirectoryStore> Directory<S> {
    /// Issues a token that lasts until `expires_at` (or revocation), however rarely used.
    pub(super) async fn issue_token(
        &self,
        actor: &Actor,
        subject: TokenSubject,
        name: &str,
        expires_at: Option<Timestamp>,
    ) -> CoreResult<IssuedToken> {
        self.issue(actor, subject, name, expires_at, None).await
    }

    /// Issues a login session: it lives [`super::auth::SESSION_TTL`] at most and ends after
    /// [`super::auth::SESSION_IDLE_SECS`] without use.
    pub(super) async fn issue_session(
        &self,
        actor: &Actor,
        subject: TokenSubject,
        name: &str,
    ) -> CoreResult<IssuedToken> {
        let expires = self.now().checked_add(super::auth::SESSION_TTL).ok();
        self.issue(
            actor,
            subject,
            name,
            expires,
            Some(super::auth::SESSION_IDLE_SECS),
        )
        .await
    }

    async fn issue(
        &self,
        actor: &Actor,
        subject: TokenSubject,
        name: &str,
        expires_at: Option<Timestamp>,
        idle_secs: Option<u32>,
    ) -> CoreResult<IssuedToken> {
        let secret = token_from_random(self.random());
        let secret_hash = token_hash(secret.expose())
            .ok_or_else(|| CoreError::Internal("generated token has the wrong shape".into()))?;
        let now = self.now();
        let token = ApiToken {
            id: TokenId::from_random(self.random()),
            subject,
            name: name.to_string(),
            secret_hash,
            created_at: now,
            expires_at,
            revoked_at: None,
            last_used_at: None,
            idle_secs,
        };
        let org = token.org();
        let mut audit =
            AuditDraft::new(actor, &Action::ManageStaff, target("token", token.id), now)
                .with_detail(json!({"name": name}));
        audit.chain = crate::audit::ChainKey::for_org(org);
        audit.action = "token.create".into();
        let id = token.id;
        self.store
            .commit(
                Change::new(org)
                    .write(Write::CreateToken(token))
                    .audit(audit),
            )
            .await?;
        Ok(IssuedToken {
            id,
            secret,
            expires_at,
        })
    }

    async fn first_operator(&self) -> CoreResult<Option<Staff>> {
        Ok(self
            .store
            .list_staff()
            .await?
            .into_iter()
            .find(|s| s.role == StaffRole::Operator))
    }

    /// On first start: creates the operator account and returns its one-time token. Returns
    /// `None` when an operator already exists.
    pub async fn bootstrap_operator(&self) -> CoreResult<Option<IssuedToken>> {
        if self.first_operator().await?.is_some() {
            return Ok(None);
        }
        let now = self.now();
        let staff = Staff {
            id: StaffId::from_random(self.random()),
            role: StaffRole::Operator,
            handle: "operator".into(),
            created_at: now,
        };
        let sid = staff.id;
        let change = Change::new(None)
            .write(Write::CreateStaff(staff))
            .audit(AuditDraft::new(
                &Actor::System,
                &Action::ManageStaff,
                target("staff", sid),
                now,
            ));
        self.store.commit(change).await?;
        let token = self
            .issue_token(
                &Actor::System,
                TokenSubject::Operator { staff: sid },
                "bootstrap",
                None,
            )
            .await?;
        Ok(Some(token))
    }

    /// Creates a new operator token (the CLI's `skydir token create --operator`).
    pub async fn create_operator_token(
        &self,
        actor: &Actor,
        name: &str,
    ) -> CoreResult<IssuedToken> {
        self.check(actor, &Action::ManageStaff, "staff:*").await?;
        let staff = match self.first_operator().await? {
            Some(s) => s,
            None => {
                self.bootstrap_operator().await?;
                self.first_operator()
                    .await?
                    .ok_or_else(|| CoreError::Internal("operator account missing".into()))?
            }
        };
        self.issue_token(
            actor,
            TokenSubject::Operator { staff: staff.id },
            name,
            None,
        )
        .await
    }

    /// A browser session for provider staff: a staff member's own API token, presented once at
    /// the agent workspace's sign-in, is exchanged for a session token that lives
    /// [`super::auth::SESSION_TTL`], so the long-lived token never sits in a cookie. Only a
    /// staff member's non-expiring token qualifies — a session cannot be renewed by
    /// exchanging itself — and anything else is `Unauthenticated`, said the same way. A staff
    /// member with an authenticator also gives its current code (`code`), as at a password
    /// sign-in; a wrong one counts toward their lockout.
    pub async fn staff_session(
        &self,
        presented: &str,
        code: Option<Secret>,
    ) -> CoreResult<(Actor, IssuedToken)> {
        let hash = token_hash(presented.trim()).ok_or(CoreError::Unauthenticated)?;
        let token = self
            .store
            .token_by_hash(&hash)
            .await?
            .ok_or(CoreError::Unauthenticated)?;
        if !token.usable(self.now()) || token.expires_at.is_some() {
            return Err(CoreError::Unauthenticated);
        }
        let actor = match token.subject {
            TokenSubject::Operator { staff } => Actor::Operator { staff },
            TokenSubject::Agent { staff } => Actor::SupportAgent { staff },
            TokenSubject::User { .. } => return Err(CoreError::Unauthenticated),
        };
        let me = self.staff_me(&actor).await?;
        let cred = self
            .store
            .staff_credential(&me.handle)
            .await?
            .and_then(|(_, c)| c);
        if let Some(c) = &cred {
            c.state.check(self.now())?;
        }
        let change = self
            .staff_second_step(&actor, me.id, cred.as_ref(), code.as_ref())
            .await?;
        self.finish_staff_sign_in(change).await?;
        let session = self
            .issue_session(&actor, token.subject, "console session")
            .await?;
        Ok((actor, session))
    }

    /// Ends a session: revokes the presented token (a logout). Unknown or already revoked
    /// tokens are not an error — the session is over either way.
    pub async fn logout(&self, presented: &str) -> CoreResult<()> {
        let Some(hash) = token_hash(presented) else {
            return Ok(());
        };
        let Some(token) = self.store.token_by_hash(&hash).await? else {
            return Ok(());
        };
        if token.revoked_at.is_some() {
            return Ok(());
        }
        let now = self.now();
        let org = token.org();
        let actor = match token.subject {
            TokenSubject::User { org, user } => Actor::User { org, user },
            TokenSubject::Operator { staff } => Actor::Operator { staff },
            TokenSubject::Agent { staff } => Actor::SupportAgent { staff },
        };
        let mut audit =
            AuditDraft::new(&actor, &Action::ManageStaff, target("token", token.id), now);
        audit.chain = crate::audit::ChainKey::for_org(org);
        audit.action = "session.logout".into();
        self.store
            .commit(
                Change::new(org)
                    .write(Write::RevokeToken {
                        id: token.id,
                        at: now,
                    })
                    .audit(audit),
            )
            .await
    }

    /// Resolves a presented bearer token to the actor it acts for. Anything wrong — bad shape,
    /// unknown, revoked, expired, user gone or no longer active — is `Unauthenticated`.
    pub async fn authenticate_token(&self, presented: &str) -> CoreResult<Actor> {
        let hash = token_hash(presented).ok_or(CoreError::Unauthenticated)?;
        let token = self
            .store
            .token_by_hash(&hash)
            .await?
            .ok_or(CoreError::Unauthenticated)?;
        let now = self.now();
        if !token.usable(now) {
            return Err(CoreError::Unauthenticated);
        }
        if token.due_for_touch(now) {
            self.store
                .commit(Change::new(token.org()).write(Write::TouchToken {
                    id: token.id,
                    at: now,
                }))
                .await?;
        }
        match token.subject {
            TokenSubject::Operator { staff } => Ok(Actor::Operator { staff }),
            TokenSubject::Agent { staff } => Ok(Actor::SupportAgent { staff }),
            TokenSubject::User { org, user } => {
                let o = self
                    .store
                    .org_by_id(org)
                    .await?
                    .ok_or(CoreError::Unauthenticated)?;
                if o.is_suspended() {
                    return Err(CoreError::OrgSuspended);
                }
                let u = self
                    .store
                    .user_by_id(org, user)
                    .await?
                    .ok_or(CoreError::Unauthenticated)?;
                if u.status != UserStatus::Active {
                    return Err(CoreError::Unauthenticated);
                }
                if self.store.admins(org).await?.contains(&user) {
                    Ok(Actor::OrgAdmin { org, user })
                } else {
                    Ok(Actor::User { org, user })
                }
            }
        }
    }
}
