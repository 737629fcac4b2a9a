//! Writes of authenticator enrollments: users' (every statement names the change's org) and
//! provider staff's (deployment scope).

use super::found;
use super::prepare::SealedDesk;
use crate::db::{Tx, args};
use crate::error::{StoreError, StoreResult};
use skydir_core::CoreError;
use skydir_core::auth::TotpEnrollment;
use skydir_core::ids::{OrgId, StaffId, UserId};

/// The sealed secret the prepare step made for an enrollment write.
fn ciphertext(sealed: &SealedDesk) -> StoreResult<&str> {
    match sealed {
        SealedDesk::Sealed(ct) => Ok(ct),
        _ => Err(StoreError::Refused(CoreError::Internal(
            "an authenticator secret was not sealed".into(),
        ))),
    }
}

/// A time step as a column value.
fn step_arg(step: u64) -> StoreResult<i64> {
    i64::try_from(step).map_err(|_| StoreError::corrupt("totp step"))
}

pub(super) async fn set(
    tx: &mut Tx,
    org: OrgId,
    user: UserId,
    e: &TotpEnrollment,
    sealed: &SealedDesk,
) -> StoreResult<()> {
    let ct = ciphertext(sealed)?;
    let step = step_arg(e.last_step)?;
    tx.execute(
        "INSERT INTO totp_enrollments (org_id, user_id, secret_ct, confirmed, last_step) \
         SELECT $1, $2, $3, $4, $5 WHERE EXISTS (SELECT 1 FROM users WHERE org_id = $1 AND id = $2) \
         ON CONFLICT (user_id) DO UPDATE SET secret_ct = excluded.secret_ct, \
         confirmed = excluded.confirmed, last_step = excluded.last_step",
        args![
            org.to_string(),
            user.to_string(),
            ct,
            i64::from(e.confirmed),
            step
        ],
    )
    .await
    .map_err(StoreError::from)
    .and_then(|n| found(n, "user", user))
}

pub(super) async fn remove(tx: &mut Tx, org: OrgId, user: UserId) -> StoreResult<()> {
    let n = tx
        .execute(
            "DELETE FROM totp_enrollments WHERE org_id = $1 AND user_id = $2",
            args![org.to_string(), user.to_string()],
        )
        .await?;
    found(n, "authenticator", user)
}

/// Moves the last used step forward, or refuses a code that is not later than it.
pub(super) async fn use_step(tx: &mut Tx, org: OrgId, user: UserId, step: u64) -> StoreResult<()> {
    let step = step_arg(step)?;
    let n = tx
        .execute(
            "UPDATE totp_enrollments SET last_step = $3 \
             WHERE org_id = $1 AND user_id = $2 AND last_step < $3",
            args![org.to_string(), user.to_string(), step],
        )
        .await?;
    if n == 0 {
        return Err(StoreError::Refused(CoreError::conflict(
            "totp",
            "this authenticator code was already used",
        )));
    }
    Ok(())
}

/// Stores (or replaces) a staff member's enrollment, its secret sealed in the prepare step.
pub(super) async fn set_staff(
    tx: &mut Tx,
    staff: StaffId,
    e: &TotpEnrollment,
    sealed: &SealedDesk,
) -> StoreResult<()> {
    let ct = ciphertext(sealed)?;
    let step = step_arg(e.last_step)?;
    tx.execute(
        "INSERT INTO staff_totp (staff_id, secret_ct, confirmed, last_step) \
         SELECT $1, $2, $3, $4 WHERE EXISTS (SELECT 1 FROM staff WHERE id = $1) \
         ON CONFLICT (staff_id) DO UPDATE SET secret_ct = excluded.secret_ct, \
         confirmed = excluded.confirmed, last_step = excluded.last_step",
        args![staff.to_string(), ct, i64::from(e.confirmed), step],
    )
    .await
    .map_err(StoreError::from)
    .and_then(|n| found(n, "staff", staff))
}

pub(super) async fn remove_staff(tx: &mut Tx, staff: StaffId) -> StoreResult<()> {
    let n = tx
        .execute(
            "DELETE FROM staff_totp WHERE staff_id = $1",
            args![staff.to_string()],
        )
        .await?;
    found(n, "authenticator", staff)
}

/// Like [`use_step`], for a staff member's authenticator.
pub(super) async fn use_staff_step(tx: &mut Tx, staff: StaffId, step: u64) -> StoreResult<()> {
    let step = step_arg(step)?;
    let n = tx
        .execute(
            "UPDATE staff_totp SET last_step = $2 WHERE staff_id = $1 AND last_step < $2",
            args![staff.to_string(), step],
        )
        .await?;
    if n == 0 {
        return Err(StoreError::Refused(CoreError::conflict(
            "totp",
            "this authenticator code was already used",
        )));
    }
    Ok(())
}
