//! LDAP service accounts as rows: the account itself, and (in the same row) its password hash
//! and lockout state, read only by the password check.

use super::{id, micros, parsed, ts};
use crate::db::{Arg, Row, args};
use crate::error::StoreResult;
use crate::rows::access::{login_state_args, login_state_at};
use skydir_core::auth::Credential;
use skydir_core::directory::{Name, ServiceAccount};
use skydir_core::ids::{OrgId, ServiceAccountId};

/// Columns read by [`service_from_row`].
macro_rules! service_cols {
    () => {
        "id, org_id, name, description, created_at, password_set_at"
    };
}
pub(crate) use service_cols;

/// Values for `INSERT INTO service_accounts (id, org_id, name, description, created_at,
/// password_set_at, hash, failures, locked_until)`.
pub(crate) fn service_args(a: &ServiceAccount, c: &Credential) -> Vec<Arg> {
    let (failures, locked_until) = login_state_args(&c.state);
    args![
        a.id.to_string(),
        a.org.to_string(),
        a.name.as_str(),
        a.description.as_str(),
        micros(a.created_at),
        micros(a.password_set_at),
        c.hash.as_str(),
        failures,
        locked_until
    ]
}

/// An account from a row of `service_cols!()`.
pub(crate) fn service_from_row(r: &Row) -> StoreResult<ServiceAccount> {
    Ok(ServiceAccount {
        id: id(&r.text(0)?, ServiceAccountId::parse, "service_accounts.id")?,
        org: id(&r.text(1)?, OrgId::parse, "service_accounts.org_id")?,
        name: parsed(&r.text(2)?, Name::parse, "service_accounts.name")?,
        description: r.text(3)?,
        created_at: ts(r.int(4)?, "service_accounts.created_at")?,
        password_set_at: ts(r.int(5)?, "service_accounts.password_set_at")?,
    })
}

/// The credential from a row of `hash, failures, locked_until`.
pub(crate) fn service_credential_from_row(r: &Row) -> StoreResult<Credential> {
    Ok(Credential {
        hash: r.text(0)?,
        state: login_state_at(r, 1)?,
    })
}
