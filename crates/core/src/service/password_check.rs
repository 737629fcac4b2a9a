//! The one password check behind REST logins, LDAP user binds and LDAP service-account binds:
//! every attempt costs one password verification and every refusal answers
//! [`CoreError::BadCredentials`] — wrong password, locked account, suspended account alike, the
//! real reason going to the audit log (and, when a lock starts, to the account's owner); a
//! wrong password moves the lockout counter and is audited in the same transaction; a legacy or outdated hash is re-hashed on
//! success; and a plain success's audit event can be handed back for the caller to record in a
//! batch. Who holds the credential changes only the names in the audit log and the writes.
//!
//! With a [`crate::ports::RehashQueue`], the re-hash is a [`RehashJob`] run after the login by
//! [`Directory::rehash`], which replaces the hash only if it is still the one the login saw.

use super::decoy::{Door, Refusal, refusal_audit};
use super::{AccessEvent, Directory, target};
use crate::access::{Action, Actor};
use crate::audit::{AuditDraft, Outcome};
use crate::auth::{Credential, LoginState, Verification};
use crate::change::{Change, HashOwner, Write};
use crate::directory::{Org, UserStatus};
use crate::error::{CoreError, CoreResult};
use crate::ids::{OrgId, ServiceAccountId, UserId};
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

/// A re-hash waiting to run: whose hash, the hash the login verified, and the password it
/// verified (kept only in memory until the job runs, and wiped on drop).
#[derive(Debug)]
pub struct RehashJob {
    org: OrgId,
    owner: HashOwner,
    from_hash: String,
    password: Secret,
}

impl RehashJob {
    /// Identifies the credential, so a queue can hold one job per credential.
    pub fn key(&self) -> (OrgId, HashOwner) {
        (self.org, self.owner)
    }
}

impl Holder {
    fn owner(self) -> HashOwner {
        match self {
            Holder::User { id, .. } => HashOwner::User(id),
            Holder::Service { id, .. } => HashOwner::Service(id),
        }
    }

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

    fn door(self) -> Door {
        match self {
            Holder::User { .. } => Door::User,
            Holder::Service { .. } => Door::Service,
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
        // A locked account still costs its password check, and answers as a wrong password
        // does: the lock is the owner's and the audit log's to know, not the caller's.
        let locked = cred.state.check(now).is_err();
        let verified = self
            .passwords
            .verify(cred.hash.clone(), password.clone())
            .await?;
        let refuse = |why: Refusal| {
            refusal_audit(Some(org.id), holder.door(), Some(holder.target()), why, now)
        };
        let rehash = match verified {
            _ if locked => {
                let change = Change::new(Some(org.id)).audit(refuse(Refusal::Locked));
                self.store.commit(change).await?;
                return Err(CoreError::BadCredentials);
            }
            Verification::Mismatch => {
                let state = cred.state.after_failure(now, &org.password_policy);
                let mut change = Change::new(Some(org.id))
                    .write(holder.state_write(state))
                    .audit(audit(Outcome::Denied));
                if state.failures == org.password_policy.max_failures {
                    change = self.lock_notice(org, holder, state, change).await?;
                }
                self.store.commit(change).await?;
                return Err(CoreError::BadCredentials);
            }
            Verification::Match { rehash } => rehash,
        };
        if let Holder::User { status, .. } = holder
            && status != UserStatus::Active
        {
            let change = Change::new(Some(org.id)).audit(refuse(Refusal::Inactive));
            self.store.commit(change).await?;
            return Err(CoreError::BadCredentials);
        }
        let rehash = rehash && !self.queue_rehash(org, holder, &cred, &password);
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

    /// Hands the re-hash to the queue, if there is one; false means "do it inline".
    fn queue_rehash(&self, org: &Org, holder: Holder, cred: &Credential, pw: &Secret) -> bool {
        let Some(queue) = &self.rehash else {
            return false;
        };
        // Refused (full or already queued): the next successful login offers it again.
        let _ = queue.offer(RehashJob {
            org: org.id,
            owner: holder.owner(),
            from_hash: cred.hash.clone(),
            password: pw.clone(),
        });
        true
    }

    /// Runs a queued re-hash: a fresh Argon2id hash of the password replaces `from_hash`
    /// unless the credential changed meanwhile. Audited as `credential.rehash` by the system.
    pub async fn rehash(&self, job: RehashJob) -> CoreResult<()> {
        let to_hash = self.passwords.hash(job.password, self.random()).await?;
        let target = match job.owner {
            HashOwner::User(id) => target("user", id),
            HashOwner::Service(id) => target("ldap_account", id),
        };
        let mut audit = AuditDraft::new(
            &Actor::System,
            &Action::ReadOrg(job.org),
            target,
            self.now(),
        );
        audit.action = "credential.rehash".into();
        let change = Change::new(Some(job.org))
            .write(Write::UpgradeHash {
                owner: job.owner,
                from_hash: job.from_hash,
                to_hash,
            })
            .audit(audit);
        self.store.commit(change).await
    }
}
