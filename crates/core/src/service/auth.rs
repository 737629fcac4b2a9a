//! Password authentication of org users: lockout, transparent re-hashing of imported hashes on
//! success, and the login that hands out a session token. Every attempt is audited (pseudonymous
//! ids only), failed ones included.

use super::decoy::{Door, Refusal};
use super::password_check::Holder;
use super::{AccessEvent, Directory, IssuedToken};
use crate::access::Actor;
use crate::auth::TokenSubject;
use crate::change::Change;
use crate::directory::{Org, OrgSlug, Username};
use crate::error::{CoreError, CoreResult};
use crate::ids::UserId;
use crate::ports::DirectoryStore;
use crate::secret::Secret;
use jiff::SignedDuration;

/// How long a login session token lives at most.
pub const SESSION_TTL: SignedDuration = SignedDuration::from_hours(12);

/// How long a login session may go unused before it ends (a browser left open on a shared
/// desk): one hour.
pub const SESSION_IDLE_SECS: u32 = 3600;

/// A successful login.
#[derive(Debug)]
pub struct LoginOutcome {
    pub actor: Actor,
    pub token: IssuedToken,
}

impl<S: DirectoryStore> Directory<S> {
    /// Checks a user's password (for LDAP binds and logins) and returns the org and the user's
    /// id. Unknown orgs and users, users without a password, wrong passwords, locked and
    /// suspended accounts all fail the same way, after the same password work.
    /// Nothing of the user's personal data is decrypted for it.
    pub async fn check_password(
        &self,
        slug: &OrgSlug,
        username: &Username,
        password: Secret,
    ) -> CoreResult<(Org, UserId)> {
        let (org, user, _) = self.verify(slug, username, password, false).await?;
        Ok((org, user))
    }

    /// [`Directory::check_password`] for LDAP binds: a success that writes nothing but its audit
    /// event hands that event back, for the caller to record in a batch off the request path.
    /// Failures (which move the lockout counter) and successes that re-hash or reset the login
    /// state are committed before returning, exactly as for a REST login.
    pub async fn check_password_batching_audit(
        &self,
        slug: &OrgSlug,
        username: &Username,
        password: Secret,
    ) -> CoreResult<(Org, UserId, Option<AccessEvent>)> {
        self.verify(slug, username, password, true).await
    }

    async fn verify(
        &self,
        slug: &OrgSlug,
        username: &Username,
        password: Secret,
        defer_audit: bool,
    ) -> CoreResult<(Org, UserId, Option<AccessEvent>)> {
        let Some(org) = self.store.org_by_slug(slug).await? else {
            return Err(self
                .refuse_unknown(None, Door::User, Refusal::UnknownOrg, password)
                .await);
        };
        if org.is_suspended() {
            // The same work as any sign-in; the answer is the organization's, the same for
            // every name and password.
            self.decoy_check(password).await?;
            return Err(CoreError::OrgSuspended);
        }
        let (record, why) = match self.store.login_record(org.id, username).await? {
            Some(r) => (Some(r), Refusal::NoPassword),
            None => (None, Refusal::UnknownName),
        };
        let Some((record, cred)) = record.and_then(|r| r.credential.clone().map(|c| (r, c))) else {
            return Err(self
                .refuse_unknown(Some(org.id), Door::User, why, password)
                .await);
        };
        let holder = Holder::User {
            id: record.user,
            status: record.status,
        };
        let event = self
            .check_credential(&org, holder, cred, password, defer_audit)
            .await?;
        Ok((org, record.user, event))
    }

    /// Logs a user in and issues a session token acting for them. A user with an
    /// authenticator also gives its current code (`totp`); without it the answer is
    /// [`CoreError::SecondFactorRequired`], with a wrong or reused one an `Invalid` on `totp`.
    pub async fn login(
        &self,
        slug: &OrgSlug,
        username: &Username,
        password: Secret,
        totp: Option<Secret>,
    ) -> CoreResult<LoginOutcome> {
        let (org, user) = self.check_password(slug, username, password).await?;
        let used = self
            .second_factor(org.id, user, totp.as_ref(), Change::new(Some(org.id)))
            .await?;
        if !used.writes.is_empty() {
            match self.store.commit(used).await {
                Err(CoreError::Conflict { field, .. }) if field == "totp" => {
                    return Err(CoreError::invalid(
                        "totp",
                        "the authenticator code is wrong or was already used",
                    ));
                }
                other => other?,
            }
        }
        let admin = self.store.admins(org.id).await?.contains(&user);
        let actor = if admin {
            Actor::OrgAdmin { org: org.id, user }
        } else {
            Actor::User { org: org.id, user }
        };
        let token = self
            .issue_session(&actor, TokenSubject::User { org: org.id, user }, "session")
            .await?;
        Ok(LoginOutcome { actor, token })
    }
}
