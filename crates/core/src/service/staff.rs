//! Provider staff: the operator adds support agents (and further operators) and lists them.
//! Each new staff member gets an API token, shown once; staff hold no org credentials. For the
//! web console a staff member may set a password of their own (after a first sign-in with
//! their token) and then log in with handle and password, under the default lockout policy.

use super::decoy::{Door, Refusal, refusal_audit};
use super::{Directory, IssuedToken, target};
use crate::access::{Action, Actor, Staff, StaffRole};
use crate::audit::AuditDraft;
use crate::auth::TokenSubject;
use crate::auth::{Credential, LoginState, PasswordPolicy, Verification};
use crate::change::{Change, Write};
use crate::error::{CoreError, CoreResult};
use crate::ids::StaffId;
use crate::ports::DirectoryStore;
use crate::secret::Secret;
use serde_json::json;

/// Checks a staff handle: like a username (lowercase letters, digits, `-_.`), 1–64.
fn check_handle(handle: &str) -> CoreResult<String> {
    crate::directory::Username::parse(handle)
        .map(|u| u.as_str().to_string())
        .map_err(|e| match e {
            CoreError::Invalid { reason, .. } => CoreError::invalid("handle", reason),
            other => other,
        })
}

impl<S: DirectoryStore> Directory<S> {
    /// Adds a staff member with `role` and issues their first token.
    pub async fn create_staff(
        &self,
        actor: &Actor,
        handle: &str,
        role: StaffRole,
    ) -> CoreResult<(Staff, IssuedToken)> {
        self.check(actor, &Action::ManageStaff, "staff:*").await?;
        let handle = check_handle(handle)?;
        let now = self.now();
        let staff = Staff {
            id: StaffId::from_random(self.random()),
            role,
            handle,
            created_at: now,
        };
        let audit = AuditDraft::new(actor, &Action::ManageStaff, target("staff", staff.id), now)
            .with_detail(json!({ "role": role.as_str() }));
        self.store
            .commit(
                Change::new(None)
                    .write(Write::CreateStaff(staff.clone()))
                    .audit(audit),
            )
            .await?;
        let token = self
            .issue_token(actor, staff_subject(&staff), "initial", None)
            .await?;
        Ok((staff, token))
    }

    /// Every staff member, by handle.
    pub async fn list_staff(&self, actor: &Actor) -> CoreResult<Vec<Staff>> {
        self.check(actor, &Action::ManageStaff, "staff:*").await?;
        let mut all = self.store.list_staff().await?;
        all.sort_by(|a, b| a.handle.cmp(&b.handle));
        Ok(all)
    }
}

/// The password rules for staff: the default policy (12 characters at least; lockout after
/// five failures, one minute doubling to an hour). Staff belong to no org, so no org's policy
/// applies.
fn staff_policy() -> PasswordPolicy {
    PasswordPolicy::default()
}

impl<S: DirectoryStore> Directory<S> {
    /// Whether the signed-in staff member has set a console password.
    pub async fn staff_has_password(&self, actor: &Actor) -> CoreResult<bool> {
        let me = self.staff_me(actor).await?;
        Ok(self
            .store
            .staff_credential(&me.handle)
            .await?
            .is_some_and(|(_, c)| c.is_some()))
    }

    pub(super) async fn staff_me(&self, actor: &Actor) -> CoreResult<Staff> {
        let id = match actor {
            Actor::Operator { staff } | Actor::SupportAgent { staff } => *staff,
            _ => {
                return Err(CoreError::forbidden(
                    "only provider staff have a staff password",
                ));
            }
        };
        self.store
            .list_staff()
            .await?
            .into_iter()
            .find(|s| s.id == id)
            .ok_or(CoreError::Unauthenticated)
    }

    /// A staff member sets their own console password; replacing one needs the current one
    /// (a wrong one counts toward the lockout like a failed login).
    pub async fn set_staff_password(
        &self,
        actor: &Actor,
        current: Option<Secret>,
        new: Secret,
    ) -> CoreResult<()> {
        let me = self.staff_me(actor).await?;
        let now = self.now();
        let policy = staff_policy();
        if let Some((_, Some(cred))) = self.store.staff_credential(&me.handle).await? {
            cred.state.check(now)?;
            let given = current.unwrap_or_else(|| Secret::new(String::new()));
            if self.passwords.verify(cred.hash.clone(), given).await? == Verification::Mismatch {
                self.staff_proof_failed(actor, me.id, &cred, "staff.password.set")
                    .await?;
                return Err(CoreError::BadCredentials);
            }
        }
        policy.check_new_password(&new)?;
        let hash = self.passwords.hash(new, self.random()).await?;
        self.store
            .commit(
                Change::new(None)
                    .write(Write::SetStaffCredential {
                        staff: me.id,
                        credential: Credential {
                            hash,
                            state: LoginState::default(),
                        },
                    })
                    .audit(
                        AuditDraft::new(actor, &Action::ManageStaff, target("staff", me.id), now)
                            .named("staff.password.set"),
                    ),
            )
            .await
    }

    /// A staff member logs in to the console with handle and password — and, once they have
    /// enrolled an authenticator, its current code — for a session token that lives
    /// [`super::auth::SESSION_TTL`]. Unknown handles, staff without a password, wrong passwords
    /// and locked accounts all fail the same way, after the same password work; a missing code is
    /// [`CoreError::SecondFactorRequired`]. Wrong passwords and wrong codes move the lockout
    /// counter and are audited.
    pub async fn staff_login(
        &self,
        handle: &str,
        password: Secret,
        code: Option<Secret>,
    ) -> CoreResult<(Actor, IssuedToken)> {
        let (staff, cred) = match self.store.staff_credential(handle.trim()).await? {
            Some((staff, Some(cred))) => (staff, cred),
            found => {
                let why = if found.is_some() {
                    Refusal::NoPassword
                } else {
                    Refusal::UnknownName
                };
                return Err(self.refuse_unknown(None, Door::Staff, why, password).await);
            }
        };
        let now = self.now();
        let actor = staff_actor(&staff);
        // Locked or not, the password costs its check and a refusal reads the same.
        let locked = cred.state.check(now).is_err();
        let verified = self.passwords.verify(cred.hash.clone(), password).await?;
        if locked {
            let audit = refusal_audit(
                None,
                Door::Staff,
                Some(target("staff", staff.id)),
                Refusal::Locked,
                now,
            );
            self.store.commit(Change::new(None).audit(audit)).await?;
            return Err(CoreError::BadCredentials);
        }
        if verified == Verification::Mismatch {
            self.staff_proof_failed(&actor, staff.id, &cred, "staff.login")
                .await?;
            return Err(CoreError::BadCredentials);
        }
        let mut change = self
            .staff_second_step(&actor, staff.id, Some(&cred), code.as_ref())
            .await?;
        if cred.state != LoginState::default() {
            change = change.write(Write::SetStaffLoginState {
                staff: staff.id,
                state: LoginState::default(),
            });
        }
        self.finish_staff_sign_in(change).await?;
        let session = self
            .issue_session(&actor, staff_subject(&staff), "console session")
            .await?;
        Ok((actor, session))
    }

    /// Counts a failed proof (wrong password or wrong code) toward the staff member's lockout,
    /// with a denied audit event named `what`.
    async fn staff_proof_failed(
        &self,
        actor: &Actor,
        staff: StaffId,
        cred: &Credential,
        what: &str,
    ) -> CoreResult<()> {
        let now = self.now();
        let state = cred.state.after_failure(now, &staff_policy());
        self.store
            .commit(
                Change::new(None)
                    .write(Write::SetStaffLoginState { staff, state })
                    .audit(
                        AuditDraft::new(actor, &Action::ManageStaff, target("staff", staff), now)
                            .denied()
                            .named(what),
                    ),
            )
            .await
    }

    /// The second step of a staff sign-in (by password or by token): the authenticator code
    /// when one is enrolled. Returns the sign-in's change (its audit event, and the code's step
    /// to use up); a wrong code counts toward the lockout of `cred`.
    pub(super) async fn staff_second_step(
        &self,
        actor: &Actor,
        staff: StaffId,
        cred: Option<&Credential>,
        code: Option<&Secret>,
    ) -> CoreResult<Change> {
        let now = self.now();
        let change = Change::new(None).audit(
            AuditDraft::new(actor, &Action::ManageStaff, target("staff", staff), now)
                .named("staff.login"),
        );
        match self.staff_second_factor(staff, code).await {
            Ok(None) => Ok(change),
            Ok(Some(step)) => Ok(change.write(Write::UseStaffTotpStep { staff, step })),
            Err(e @ CoreError::Invalid { .. }) => {
                if let Some(cred) = cred {
                    self.staff_proof_failed(actor, staff, cred, "staff.login")
                        .await?;
                }
                Err(e)
            }
            Err(e) => Err(e),
        }
    }

    /// Commits a successful sign-in's change; a code used meanwhile by another sign-in reads
    /// as a wrong code.
    pub(super) async fn finish_staff_sign_in(&self, change: Change) -> CoreResult<()> {
        match self.store.commit(change).await {
            Err(CoreError::Conflict { field, .. }) if field == "totp" => Err(CoreError::invalid(
                "totp",
                "the authenticator code is wrong or was already used",
            )),
            other => other,
        }
    }
}

/// The actor a staff member acts as.
pub(super) fn staff_actor(staff: &Staff) -> Actor {
    match staff.role {
        StaffRole::Operator => Actor::Operator { staff: staff.id },
        StaffRole::Agent => Actor::SupportAgent { staff: staff.id },
    }
}

/// The token subject of a staff member.
fn staff_subject(staff: &Staff) -> TokenSubject {
    match staff.role {
        StaffRole::Operator => TokenSubject::Operator { staff: staff.id },
        StaffRole::Agent => TokenSubject::Agent { staff: staff.id },
    }
}
