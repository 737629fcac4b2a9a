//! The one password check behind REST logins, LDAP user binds and LDAP service-account binds:
//! a locked-out credential is refused before any hashing; a wrong password moves the lockout
//! counter and is audited in the same transaction; a legacy or outdated hash is re-hashed on
//! success; and a plain success's audit event can be handed back for the caller to record in a
//! batch. Who holds the credential changes only the names in the audit log and the writes.

use super::{AccessEvent, Directory, target};
use crate::access::{Action, Actor};
use crate::audit::{AuditDraft, Outcome};
use crate::auth::{Credential, LoginState, Verification};
use crate::change::{Change, Write};
use crate::directory::{Org, UserStatus};
use crate::error::{CoreError, CoreResult};
use crate::ids::{ServiceAccountId, UserId};
use crate::ports::DirectoryStore;
use crate::secret::Secret;
use jiff::Timestamp;

/// Whose credential is checked.
#[derive(Debug, Clone, Copy)]
pub(super) enum Holder {
    User {
        id: UserId,
        status: UserStatus,
    },
    Service {
        id: ServiceAccountId,
        password_set_at: Timestamp,
    },
}

impl Holder {
    fn actor(self, org: &Org) -> Actor {
        match self {
            Holder::User { id, .. } => Actor::User {
                org: org.id,
                user: id,
            },
            Holder::Service { id, .. } => Actor::Service {
                org: org.id,
                account: id,
            },
        }
    }

    fn target(self) -> String {
        match self {
            Holder::User { id, .. } => target("user", id),
            Holder::Service { id, .. } => target("ldap_account", id),
        }
    }

    fn action(self) -> &'static str {
        match self {
            Holder::User { .. } => "user.login",
            Holder::Service { .. } => "ldap_account.bind",
        }
    }

    fn state_write(self, state: LoginState) -> Write {
        match self {
            Holder::User { id, .. } => Write::SetLoginState { user: id, state },
            Holder::Service { id, .. } => Write::SetServiceLoginState { account: id, state },
        }
    }

    /// The re-hashed credential; it keeps the same password, so a service account's
    /// `password_set_at` does not move.
    fn rehash_write(self, credential: Credential) -> Write {
        match self {
            Holder::User { id, .. } => Write::SetCredential {
                user: id,
                credential,
            },
            Holder::Service {
                id,
                password_set_at,
            } => Write::SetServiceCredential {
                account: id,
                credential,
                set_at: password_set_at,
            },
        }
    }
}

impl<S: DirectoryStore> Directory<S> {
    /// Checks `password` against `cred` of `holder` in `org` (see the module docs). With
    /// `defer_audit`, a success that changes nothing returns its audit event instead of
    /// committing it.
    pub(super) async fn check_credential(
        &self,
        org: &Org,
        holder: Holder,
        cred: Credential,
        password: Secret,
        defer_audit: bool,
    ) -> CoreResult<Option<AccessEvent>> {
        let now = self.now();
        let audit = |outcome: Outcome| {
            let mut a = AuditDraft::new(
                &holder.actor(org),
                &Action::ReadOrg(org.id),
                holder.target(),
                now,
            );
            a.action = holder.action().into();
            a.outcome = outcome;
            a
        };
        cred.state.check(now)?;
        let rehash = match self
            .passwords
            .verify(cred.hash.clone(), password.clone())
            .await?
        {
            Verification::Mismatch => {
                let state = cred.state.after_failure(now, &org.password_policy);
                let change = Change::new(Some(org.id))
                    .write(holder.state_write(state))
                    .audit(audit(Outcome::Denied));
                self.store.commit(change).await?;
                return Err(CoreError::BadCredentials);
            }
            Verification::Match { rehash } => rehash,
        };
        if let Holder::User { status, .. } = holder
            && status != UserStatus::Active
        {
            return Err(CoreError::AccountInactive {
                status: status.as_str().into(),
            });
        }
        if defer_audit && !rehash && cred.state == LoginState::default() {
            return Ok(Some(AccessEvent {
                org: org.id,
                actor: holder.actor(org),
                at: now,
                action: holder.action(),
                target: holder.target(),
                outcome: Outcome::Success,
                detail: serde_json::Value::Null,
            }));
        }
        let mut change = Change::new(Some(org.id)).audit(audit(Outcome::Success));
        if rehash {
            let credential = Credential {
                hash: self.passwords.hash(password, self.random()).await?,
                state: LoginState::after_success(),
            };
            change = change.write(holder.rehash_write(credential));
        } else if cred.state != LoginState::default() {
            change = change.write(holder.state_write(LoginState::after_success()));
        }
        self.store.commit(change).await?;
        Ok(None)
    }
}
