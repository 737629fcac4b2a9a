//! Writes to LDAP service accounts. Every statement names the change's org, so no write can
//! reach another org's account.

use super::found;
use crate::db::{Tx, args};
use crate::error::StoreResult;
use crate::rows::access::login_state_args;
use crate::rows::service::service_args;
use skydir_core::auth::{Credential, LoginState};
use skydir_core::directory::ServiceAccount;
use skydir_core::ids::{OrgId, ServiceAccountId};

pub(super) async fn create(tx: &mut Tx, a: &ServiceAccount, c: &Credential) -> StoreResult<()> {
    tx.execute(
        "INSERT INTO service_accounts (id, org_id, name, description, created_at, \
         password_set_at, hash, failures, locked_until) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        service_args(a, c),
    )
    .await?;
    Ok(())
}

/// A new hash, with the lockout state reset; `password_set_at` moves only on real rotation
/// (a transparent re-hash keeps the password, so the caller passes the old time).
pub(super) async fn set_credential(
    tx: &mut Tx,
    org: OrgId,
    id: ServiceAccountId,
    c: &Credential,
    set_at: i64,
) -> StoreResult<()> {
    let (failures, locked_until) = login_state_args(&c.state);
    let n = tx
        .execute(
            "UPDATE service_accounts SET hash = $3, failures = $4, locked_until = $5, \
             password_set_at = $6 WHERE org_id = $1 AND id = $2",
            args![
                org.to_string(),
                id.to_string(),
                c.hash.as_str(),
                failures,
                locked_until,
                set_at
            ],
        )
        .await?;
    found(n, "LDAP service account", id)
}

pub(super) async fn set_login_state(
    tx: &mut Tx,
    org: OrgId,
    id: ServiceAccountId,
    s: &LoginState,
) -> StoreResult<()> {
    let (failures, locked_until) = login_state_args(s);
    let n = tx
        .execute(
            "UPDATE service_accounts SET failures = $3, locked_until = $4 \
             WHERE org_id = $1 AND id = $2",
            args![org.to_string(), id.to_string(), failures, locked_until],
        )
        .await?;
    found(n, "LDAP service account", id)
}

pub(super) async fn delete(tx: &mut Tx, org: OrgId, id: ServiceAccountId) -> StoreResult<()> {
    let n = tx
        .execute(
            "DELETE FROM service_accounts WHERE org_id = $1 AND id = $2",
            args![org.to_string(), id.to_string()],
        )
        .await?;
    found(n, "LDAP service account", id)
}
