//! Authenticator (TOTP) enrollment for a user's own account, and the second-factor check used
//! by logins and by the confirmation of sensitive support requests. Nobody enrolls, replaces
//! or removes someone else's authenticator (`authorize`, rule 1).

use super::sign_out::Why;
use super::{Directory, Ended, Keep, target};
use crate::access::{Action, Actor};
use crate::audit::AuditDraft;
use crate::auth::TotpEnrollment;
use crate::auth::totp::SECRET_BYTES;
use crate::change::{Change, Write};
use crate::error::{CoreError, CoreResult};
use crate::ids::{OrgId, UserId};
use crate::ports::DirectoryStore;
use crate::secret::Secret;
use zeroize::Zeroizing;

/// A fresh enrollment's secret, shown once.
#[derive(Debug)]
pub struct TotpProvisioning {
    /// `otpauth://totp/…` for an authenticator app (as a QR code or a link).
    pub uri: Secret,
    /// The secret in base32, to type in.
    pub secret_base32: Secret,
}

impl<S: DirectoryStore> Directory<S> {
    /// The calling user's org and id, for self-service.
    fn own(actor: &Actor) -> CoreResult<(OrgId, UserId)> {
        match (actor.org(), actor.user()) {
            (Some(o), Some(u)) => Ok((o, u)),
            _ => Err(CoreError::forbidden(
                "an authenticator belongs to a user account; log in as the user",
            )),
        }
    }

    fn totp_audit(&self, actor: &Actor, org: OrgId, user: UserId, action: &str) -> AuditDraft {
        let mut d = AuditDraft::new(
            actor,
            &Action::ManageSecondFactor(org, user),
            target("user", user),
            self.now(),
        );
        d.action = action.into();
        d
    }

    /// Starts enrolling an authenticator: a new secret, unconfirmed until
    /// [`Directory::confirm_totp`]. Refused while a confirmed one exists (remove it first).
    pub async fn begin_totp(&self, actor: &Actor) -> CoreResult<TotpProvisioning> {
        let (org, user) = Self::own(actor)?;
        self.check(
            actor,
            &Action::ManageSecondFactor(org, user),
            &target("user", user),
        )
        .await?;
        if self
            .store
            .totp(org, user)
            .await?
            .is_some_and(|t| t.confirmed)
        {
            return Err(CoreError::conflict(
                "totp",
                "an authenticator is already enrolled; remove it (with a current code) first",
            ));
        }
        let u = self
            .store
            .user_by_id(org, user)
            .await?
            .ok_or_else(|| CoreError::not_found("user", user.to_string()))?;
        let o = self
            .store
            .org_by_id(org)
            .await?
            .ok_or_else(|| CoreError::not_found("organization", org.to_string()))?;
        let enrollment = TotpEnrollment {
            secret: Zeroizing::new(self.random::<SECRET_BYTES>()),
            confirmed: false,
            last_step: 0,
        };
        let (uri, secret_base32) =
            enrollment.provisioning(&format!("{}@{}", u.username, o.slug))?;
        self.store
            .commit(
                Change::new(Some(org))
                    .write(Write::SetTotp { user, enrollment })
                    .audit(self.totp_audit(actor, org, user, "user.totp.begin")),
            )
            .await?;
        Ok(TotpProvisioning { uri, secret_base32 })
    }

    /// Confirms a new enrollment with a first code from the app.
    pub async fn confirm_totp(&self, actor: &Actor, code: &str) -> CoreResult<()> {
        let (org, user) = Self::own(actor)?;
        self.check(
            actor,
            &Action::ManageSecondFactor(org, user),
            &target("user", user),
        )
        .await?;
        let mut e = self
            .store
            .totp(org, user)
            .await?
            .ok_or_else(|| CoreError::conflict("totp", "start the enrollment first"))?;
        e.confirm(code, self.now())?;
        self.store
            .commit(
                Change::new(Some(org))
                    .write(Write::SetTotp {
                        user,
                        enrollment: e,
                    })
                    .audit(self.totp_audit(actor, org, user, "user.totp.confirm")),
            )
            .await
    }

    /// Removes the caller's authenticator, proven with a current code. Their other login
    /// sessions end in the same change (`current`, the token the request came with, survives;
    /// personal API tokens, which never needed the code, stay).
    pub async fn remove_totp(
        &self,
        actor: &Actor,
        code: &str,
        current: Option<Secret>,
    ) -> CoreResult<Ended> {
        let (org, user) = Self::own(actor)?;
        self.check(
            actor,
            &Action::ManageSecondFactor(org, user),
            &target("user", user),
        )
        .await?;
        let e = self
            .store
            .totp(org, user)
            .await?
            .ok_or_else(|| CoreError::not_found("authenticator", "enrolled"))?;
        e.allows_removal(code, self.now())?;
        let keep = Keep {
            current,
            api_tokens: true,
        };
        let mut change = Change::new(Some(org))
            .write(Write::RemoveTotp(user))
            .audit(self.totp_audit(actor, org, user, "user.totp.remove"));
        let mut ended = Ended::default();
        // An enrollment never confirmed guarded nothing: abandoning it ends no session.
        if e.confirmed {
            let (sign_out, n) = self
                .end_sessions(
                    actor,
                    &Action::ManageSecondFactor(org, user),
                    (org, user),
                    &keep,
                    Why::AuthenticatorRemoved,
                )
                .await?;
            change = change.merge(sign_out);
            ended = n;
        }
        self.store.commit(change).await?;
        Ok(ended)
    }

    /// Whether the user has a confirmed authenticator.
    pub async fn has_totp(&self, org: OrgId, user: UserId) -> CoreResult<bool> {
        Ok(self
            .store
            .totp(org, user)
            .await?
            .is_some_and(|t| t.confirmed))
    }

    /// The second factor of `user`: nothing to do without a confirmed authenticator;
    /// otherwise `code` must be a current, unused code (and is used up, in `change`).
    pub(super) async fn second_factor(
        &self,
        org: OrgId,
        user: UserId,
        code: Option<&Secret>,
        change: Change,
    ) -> CoreResult<Change> {
        let Some(e) = self.store.totp(org, user).await?.filter(|t| t.confirmed) else {
            return Ok(change);
        };
        let code = code.ok_or(CoreError::SecondFactorRequired)?;
        let step = e.check(code.expose(), self.now())?;
        Ok(change.write(Write::UseTotpStep { user, step }))
    }
}
