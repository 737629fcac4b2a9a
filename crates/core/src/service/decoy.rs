//! Sign-ins that tell nobody which accounts exist. An unknown organization, an unknown user,
//! service account or staff handle, and an account without a password are refused after the
//! same password work a real account costs — one verification against a decoy hash made with
//! the current Argon2id parameters — and with the same answer ([`CoreError::BadCredentials`]),
//! so neither the time taken nor the words say whether the name exists. Each is still audited
//! (without the name tried) so the operator sees password spraying.
//!
//! The decoy is made once per process, on the first sign-in that needs it, by the password port
//! itself: whatever parameters it hashes with, the decoy costs what a real check costs.

use super::{Directory, target};
use crate::access::{Action, Actor};
use crate::audit::{AuditDraft, ChainKey};
use crate::change::Change;
use crate::error::{CoreError, CoreResult};
use crate::ids::OrgId;
use crate::ports::DirectoryStore;
use crate::secret::Secret;

/// What a refused sign-in was, for the audit log (never for the caller).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Refusal {
    /// No organization has the slug given.
    UnknownOrg,
    /// The organization has no such user, service account or staff handle.
    UnknownName,
    /// The account exists but has no password (an invitation not yet accepted).
    NoPassword,
    /// The account is locked after failed attempts (the password was checked, and ignored).
    Locked,
    /// The password was right but the account is suspended or not yet active.
    Inactive,
}

impl Refusal {
    pub(super) fn as_str(self) -> &'static str {
        match self {
            Refusal::UnknownOrg => "unknown_org",
            Refusal::UnknownName => "unknown_name",
            Refusal::NoPassword => "no_password",
            Refusal::Locked => "locked",
            Refusal::Inactive => "inactive",
        }
    }
}

/// Which door a sign-in came through: names the audit event and its target's kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Door {
    /// An org user's login or LDAP bind.
    User,
    /// An LDAP service account's bind.
    Service,
    /// A staff member's console login.
    Staff,
}

impl Door {
    fn action(self) -> &'static str {
        match self {
            Door::User => "user.login",
            Door::Service => "ldap_account.bind",
            Door::Staff => "staff.login",
        }
    }

    fn kind(self) -> &'static str {
        match self {
            Door::User => "user",
            Door::Service => "ldap_account",
            Door::Staff => "staff",
        }
    }
}

/// The audit event of a refused sign-in: anonymous when nobody was identified.
pub(super) fn refusal_audit(
    org: Option<OrgId>,
    door: Door,
    who: Option<String>,
    why: Refusal,
    now: jiff::Timestamp,
) -> AuditDraft {
    let mut a = AuditDraft::new(
        &Actor::Anonymous,
        &Action::ManageStaff,
        who.unwrap_or_else(|| target(door.kind(), "unknown")),
        now,
    )
    .denied()
    .named(door.action())
    .with_detail(serde_json::json!({ "reason": why.as_str() }));
    a.chain = ChainKey::for_org(org);
    a
}

impl<S: DirectoryStore> Directory<S> {
    /// Refuses a sign-in for a name that has no password to check: verifies `password` against
    /// the decoy (the cost of a real check), audits the refusal and answers exactly as a wrong
    /// password does.
    pub(super) async fn refuse_unknown(
        &self,
        org: Option<OrgId>,
        door: Door,
        why: Refusal,
        password: Secret,
    ) -> CoreError {
        if let Err(e) = self.decoy_check(password).await {
            return e;
        }
        let change = Change::new(org).audit(refusal_audit(org, door, None, why, self.now()));
        match self.store.commit(change).await {
            Ok(()) => CoreError::BadCredentials,
            Err(e) => e,
        }
    }

    /// One password verification against the decoy hash, result ignored.
    pub(super) async fn decoy_check(&self, password: Secret) -> CoreResult<()> {
        let decoy = match self.decoy.get() {
            Some(h) => h.clone(),
            None => {
                // Two first sign-ins at once may both make one; either serves.
                let h = self
                    .passwords
                    .hash(Secret::new(DECOY_PASSWORD), self.random())
                    .await?;
                self.decoy.get_or_init(|| h).clone()
            }
        };
        self.passwords.verify(decoy, password).await?;
        Ok(())
    }
}

/// What the decoy hash is a hash of; a sign-in that happens to give it still fails, because
/// the decoy stands for no account.
const DECOY_PASSWORD: &str = "skydir decoy: no account has this hash";
