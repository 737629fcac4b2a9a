//! Writes of email changes: storing a link with its sealed pending address, ending a user's
//! open changes (cancelled or replaced) and confirming one — each clearing the address it held.

use super::prepare::SealedDesk;
use crate::db::{Tx, args};
use crate::error::{StoreError, StoreResult};
use crate::rows::email_change::insert_args;
use crate::rows::micros;
use jiff::Timestamp;
use skydir_core::CoreError;
use skydir_core::directory::{EmailChange, EmailChangeEnd};
use skydir_core::ids::{OrgId, UserId};

/// Stores a change; `sealed` is its pending address as the prepare step sealed it.
pub(super) async fn put(
    tx: &mut Tx,
    org: OrgId,
    c: &EmailChange,
    sealed: Option<&SealedDesk>,
) -> StoreResult<()> {
    if c.org != org {
        return Err(StoreError::Refused(CoreError::Internal(
            "an email change of another organization".into(),
        )));
    }
    let ct = match (sealed, &c.new_email) {
        (Some(SealedDesk::Sealed(ct)), Some(_)) => Some(ct.clone()),
        (_, None) => None,
        _ => {
            return Err(StoreError::Refused(CoreError::Internal(
                "a pending email address was not sealed".into(),
            )));
        }
    };
    tx.execute(
        "INSERT INTO email_changes (token_hash, org_id, user_id, new_email_ct, by_admin, \
         created_at, expires_at, ended_at, ended_how) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        insert_args(c, ct),
    )
    .await?;
    Ok(())
}

/// Ends every open change of `user`, clearing the pending addresses.
pub(super) async fn end_all(
    tx: &mut Tx,
    org: OrgId,
    user: UserId,
    at: Timestamp,
    how: EmailChangeEnd,
) -> StoreResult<()> {
    tx.execute(
        "UPDATE email_changes SET ended_at = $3, ended_how = $4, new_email_ct = NULL \
         WHERE org_id = $1 AND user_id = $2 AND ended_at IS NULL",
        args![org.to_string(), user.to_string(), micros(at), how.as_str()],
    )
    .await?;
    Ok(())
}

/// Marks an open change confirmed and clears its address, refusing one that is not open.
pub(super) async fn confirm(
    tx: &mut Tx,
    org: OrgId,
    token_hash: &str,
    at: Timestamp,
) -> StoreResult<()> {
    let n = tx
        .execute(
            "UPDATE email_changes SET ended_at = $3, ended_how = $4, new_email_ct = NULL \
             WHERE org_id = $1 AND token_hash = $2 AND ended_at IS NULL",
            args![
                org.to_string(),
                token_hash,
                micros(at),
                EmailChangeEnd::Confirmed.as_str()
            ],
        )
        .await?;
    if n == 0 {
        return Err(StoreError::Refused(CoreError::conflict(
            "link",
            "this link was already used",
        )));
    }
    Ok(())
}
