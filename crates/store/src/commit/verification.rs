//! Writes of verified requests: one request with its admins' confirmation links, and its
//! decision with an optimistic version (two admins deciding at once: the second conflicts).

use crate::db::{Tx, args};
use crate::error::{StoreError, StoreResult};
use crate::rows::verification::verification_args;
use skydir_core::CoreError;
use skydir_core::ids::OrgId;
use skydir_core::support::{Challenge, VerificationRequest};

fn other_org() -> StoreError {
    StoreError::Refused(CoreError::Internal(
        "a verification of another organization".into(),
    ))
}

pub(super) async fn create(
    tx: &mut Tx,
    org: OrgId,
    v: &VerificationRequest,
    challenges: &[Challenge],
) -> StoreResult<()> {
    if v.org != org {
        return Err(other_org());
    }
    tx.execute(
        "INSERT INTO verifications (id, org_id, ticket_id, ticket_number, action, \
         subject_username, opened_by, opened_at, expires_at, state, version) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        verification_args(v)?,
    )
    .await?;
    for c in challenges {
        tx.execute(
            "INSERT INTO verification_challenges (token_hash, verification_id, org_id, admin_id) \
             VALUES ($1, $2, $3, $4)",
            args![
                hex::encode(c.token_hash),
                c.verification.to_string(),
                org.to_string(),
                c.admin.to_string()
            ],
        )
        .await?;
    }
    Ok(())
}

pub(super) async fn update(tx: &mut Tx, org: OrgId, v: &VerificationRequest) -> StoreResult<()> {
    if v.org != org {
        return Err(other_org());
    }
    let previous = i64::try_from(v.version.saturating_sub(1))
        .map_err(|_| StoreError::corrupt("verification version"))?;
    let n = tx
        .execute(
            "UPDATE verifications SET state = $2, version = $3 \
             WHERE id = $1 AND org_id = $4 AND version = $5",
            args![
                v.id.to_string(),
                serde_json::to_string(&v.state)
                    .map_err(|_| StoreError::corrupt("verification state"))?,
                i64::try_from(v.version)
                    .map_err(|_| StoreError::corrupt("verification version"))?,
                org.to_string(),
                previous
            ],
        )
        .await?;
    if n == 0 {
        return Err(StoreError::Refused(CoreError::conflict(
            "verification",
            "this request was decided meanwhile",
        )));
    }
    Ok(())
}
