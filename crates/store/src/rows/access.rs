//! Staff, API tokens and credentials as rows. Tokens are stored as the hex SHA-256 of their
//! secret; credentials hold the password hash and the lockout state.

use super::{id, micros, opt_micros, opt_ts, ts};
use crate::db::{Arg, Row, args};
use crate::error::{StoreError, StoreResult};
use skydir_core::access::{Staff, StaffRole};
use skydir_core::auth::{ApiToken, Credential, LoginState, TokenSubject};
use skydir_core::ids::{OrgId, StaffId, TokenId, UserId};

/// Columns read by [`staff_from_row`].
macro_rules! staff_cols {
    () => {
        "id, role, handle, created_at"
    };
}
/// Columns read by [`token_from_row`].
macro_rules! token_cols {
    () => {
        "id, subject_kind, staff_id, org_id, user_id, name, secret_hash, created_at, expires_at, \
         revoked_at, last_used_at, idle_secs"
    };
}
/// Columns read by [`credential_from_row`].
macro_rules! credential_cols {
    () => {
        "hash, failures, locked_until"
    };
}
pub(crate) use {credential_cols, staff_cols, token_cols};

/// Values for `INSERT INTO staff (staff_cols!())`.
pub(crate) fn staff_args(s: &Staff) -> Vec<Arg> {
    args![
        s.id.to_string(),
        s.role.as_str(),
        s.handle.as_str(),
        micros(s.created_at)
    ]
}

/// A staff member from a row of `staff_cols!()`.
pub(crate) fn staff_from_row(r: &Row) -> StoreResult<Staff> {
    Ok(Staff {
        id: id(&r.text(0)?, StaffId::parse, "staff.id")?,
        role: StaffRole::parse(&r.text(1)?)
            .ok_or_else(|| StoreError::corrupt("staff.role has an unknown value"))?,
        handle: r.text(2)?,
        created_at: ts(r.int(3)?, "staff.created_at")?,
    })
}

/// Values for `INSERT INTO api_tokens (token_cols!())`.
pub(crate) fn token_args(t: &ApiToken) -> Vec<Arg> {
    let (kind, staff, org, user) = match t.subject {
        TokenSubject::Operator { staff } => ("operator", Some(staff.to_string()), None, None),
        TokenSubject::Agent { staff } => ("agent", Some(staff.to_string()), None, None),
        TokenSubject::User { org, user } => {
            ("user", None, Some(org.to_string()), Some(user.to_string()))
        }
    };
    args![
        t.id.to_string(),
        kind,
        staff,
        org,
        user,
        t.name.as_str(),
        hex::encode(t.secret_hash),
        micros(t.created_at),
        opt_micros(t.expires_at),
        opt_micros(t.revoked_at),
        opt_micros(t.last_used_at),
        t.idle_secs.map(i64::from),
    ]
}

/// A token from a row of `token_cols!()`.
pub(crate) fn token_from_row(r: &Row) -> StoreResult<ApiToken> {
    let staff = || -> StoreResult<StaffId> {
        let s = r
            .opt_text(2)?
            .ok_or_else(|| StoreError::corrupt("a staff token has no staff_id"))?;
        id(&s, StaffId::parse, "api_tokens.staff_id")
    };
    let subject = match r.text(1)?.as_str() {
        "operator" => TokenSubject::Operator { staff: staff()? },
        "agent" => TokenSubject::Agent { staff: staff()? },
        "user" => {
            let (Some(org), Some(user)) = (r.opt_text(3)?, r.opt_text(4)?) else {
                return Err(StoreError::corrupt("a user token has no org_id or user_id"));
            };
            TokenSubject::User {
                org: id(&org, OrgId::parse, "api_tokens.org_id")?,
                user: id(&user, UserId::parse, "api_tokens.user_id")?,
            }
        }
        _ => {
            return Err(StoreError::corrupt(
                "api_tokens.subject_kind has an unknown value",
            ));
        }
    };
    let mut secret_hash = [0u8; 32];
    hex::decode_to_slice(r.text(6)?, &mut secret_hash)
        .map_err(|_| StoreError::corrupt("api_tokens.secret_hash is not 32 hex bytes"))?;
    Ok(ApiToken {
        id: id(&r.text(0)?, TokenId::parse, "api_tokens.id")?,
        subject,
        name: r.text(5)?,
        secret_hash,
        created_at: ts(r.int(7)?, "api_tokens.created_at")?,
        expires_at: opt_ts(r.opt_int(8)?, "api_tokens.expires_at")?,
        revoked_at: opt_ts(r.opt_int(9)?, "api_tokens.revoked_at")?,
        last_used_at: opt_ts(r.opt_int(10)?, "api_tokens.last_used_at")?,
        idle_secs: r
            .opt_int(11)?
            .map(u32::try_from)
            .transpose()
            .map_err(|_| StoreError::corrupt("api_tokens.idle_secs"))?,
    })
}

/// `(failures, locked_until)` columns of a login state.
pub(crate) fn login_state_args(s: &LoginState) -> (i64, Option<i64>) {
    (i64::from(s.failures), opt_micros(s.locked_until))
}

/// A credential from a row of `credential_cols!()`.
pub(crate) fn credential_from_row(r: &Row) -> StoreResult<Credential> {
    Ok(Credential {
        hash: r.text(0)?,
        state: login_state_at(r, 1)?,
    })
}

/// The login state in columns `i` (failures) and `i + 1` (locked_until) of a row.
pub(crate) fn login_state_at(r: &Row, i: usize) -> StoreResult<LoginState> {
    Ok(LoginState {
        failures: u32::try_from(r.int(i)?)
            .map_err(|_| StoreError::corrupt("a failed-login count is out of range"))?,
        locked_until: opt_ts(r.opt_int(i + 1)?, "a lockout time")?,
    })
}
