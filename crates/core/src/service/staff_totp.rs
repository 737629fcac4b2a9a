//! Two-step login for provider staff: an operator or agent enrolls an authenticator of their
//! own (as org users do, `service/totp.rs`), after which the console asks for its code at every
//! sign-in — by password or by staff token alike. Staff hold the keys to the support queue and
//! the deployment's orgs, so a stolen password or token alone must not open the console.
//!
//! Nobody enrolls, replaces or removes another staff member's authenticator; the secret is
//! sealed by the store under the deployment key (staff have no per-user key) and shown once.

use super::{Directory, TotpProvisioning, target};
use crate::access::{Action, Actor};
use crate::audit::AuditDraft;
use crate::auth::TotpEnrollment;
use crate::auth::totp::SECRET_BYTES;
use crate::change::{Change, Write};
use crate::error::{CoreError, CoreResult};
use crate::ids::StaffId;
use crate::ports::DirectoryStore;
use crate::secret::Secret;
use zeroize::Zeroizing;

impl<S: DirectoryStore> Directory<S> {
    fn staff_totp_audit(&self, actor: &Actor, staff: StaffId, action: &str) -> AuditDraft {
        AuditDraft::new(
            actor,
            &Action::ManageStaff,
            target("staff", staff),
            self.now(),
        )
        .named(action)
    }

    /// Starts enrolling the signed-in staff member's authenticator: a new secret, unconfirmed
    /// until [`Directory::confirm_staff_totp`]. Refused while a confirmed one exists.
    pub async fn begin_staff_totp(&self, actor: &Actor) -> CoreResult<TotpProvisioning> {
        let me = self.staff_me(actor).await?;
        if !self.staff_has_password(actor).await? {
            return Err(CoreError::conflict(
                "totp",
                "set a console password first: the authenticator code is asked after it",
            ));
        }
        if self
            .store
            .staff_totp(me.id)
            .await?
            .is_some_and(|t| t.confirmed)
        {
            return Err(CoreError::conflict(
                "totp",
                "an authenticator is already enrolled; remove it (with a current code) first",
            ));
        }
        let enrollment = TotpEnrollment {
            secret: Zeroizing::new(self.random::<SECRET_BYTES>()),
            confirmed: false,
            last_step: 0,
        };
        let (uri, secret_base32) = enrollment.provisioning(&format!("{} (staff)", me.handle))?;
        self.store
            .commit(
                Change::new(None)
                    .write(Write::SetStaffTotp {
                        staff: me.id,
                        enrollment,
                    })
                    .audit(self.staff_totp_audit(actor, me.id, "staff.totp.begin")),
            )
            .await?;
        Ok(TotpProvisioning { uri, secret_base32 })
    }

    /// Confirms a new enrollment with a first code from the app.
    pub async fn confirm_staff_totp(&self, actor: &Actor, code: &str) -> CoreResult<()> {
        let me = self.staff_me(actor).await?;
        let mut e = self
            .store
            .staff_totp(me.id)
            .await?
            .ok_or_else(|| CoreError::conflict("totp", "start the enrollment first"))?;
        e.confirm(code, self.now())?;
        self.store
            .commit(
                Change::new(None)
                    .write(Write::SetStaffTotp {
                        staff: me.id,
                        enrollment: e,
                    })
                    .audit(self.staff_totp_audit(actor, me.id, "staff.totp.confirm")),
            )
            .await
    }

    /// Removes the signed-in staff member's authenticator, proven with a current code.
    pub async fn remove_staff_totp(&self, actor: &Actor, code: &str) -> CoreResult<()> {
        let me = self.staff_me(actor).await?;
        let e = self
            .store
            .staff_totp(me.id)
            .await?
            .ok_or_else(|| CoreError::not_found("authenticator", "enrolled"))?;
        e.allows_removal(code, self.now())?;
        self.store
            .commit(
                Change::new(None)
                    .write(Write::RemoveStaffTotp(me.id))
                    .audit(self.staff_totp_audit(actor, me.id, "staff.totp.remove")),
            )
            .await
    }

    /// Whether the signed-in staff member has a confirmed authenticator.
    pub async fn staff_has_totp(&self, actor: &Actor) -> CoreResult<bool> {
        let me = self.staff_me(actor).await?;
        Ok(self
            .store
            .staff_totp(me.id)
            .await?
            .is_some_and(|t| t.confirmed))
    }

    /// The second factor of a staff sign-in: nothing without a confirmed authenticator;
    /// otherwise `code` must be current and unused. `Ok(Some(step))` is the step to use up in
    /// the sign-in's change; a missing code is [`CoreError::SecondFactorRequired`], a wrong
    /// one an `Invalid` on `totp`.
    pub(super) async fn staff_second_factor(
        &self,
        staff: StaffId,
        code: Option<&Secret>,
    ) -> CoreResult<Option<u64>> {
        let Some(e) = self.store.staff_totp(staff).await?.filter(|t| t.confirmed) else {
            return Ok(None);
        };
        let code = code.ok_or(CoreError::SecondFactorRequired)?;
        e.check(code.expose(), self.now()).map(Some)
    }
}
