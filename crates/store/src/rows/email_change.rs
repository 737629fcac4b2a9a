//! Email changes as rows: the link's token hash in clear (it is a hash), the pending address
//! sealed under the user's own data key and bound to org, user and link, so a ciphertext
//! moved to another row or account does not open.

use super::{id, micros, opt_micros, opt_ts, parsed, ts};
use crate::crypto::{self, DataKey};
use crate::db::{Arg, Row, args};
use crate::error::{StoreError, StoreResult};
use skydir_core::directory::{Email, EmailChange, EmailChangeEnd};
use skydir_core::ids::{OrgId, UserId};

/// Columns read by [`from_row`], in order.
macro_rules! email_change_cols {
    () => {
        "token_hash, org_id, user_id, new_email_ct, by_admin, created_at, expires_at, ended_at, \
         ended_how"
    };
}
pub(crate) use email_change_cols;

fn aad(org: OrgId, user: UserId, token_hash: &str) -> String {
    format!("skydir/v1|{org}|email_changes|{user}|{token_hash}|new_email")
}

/// Seals the pending address of `c` (if any) under its user's key.
pub(crate) fn seal(c: &EmailChange, user_key: &DataKey) -> StoreResult<Option<String>> {
    c.new_email
        .as_ref()
        .map(|e| {
            crypto::seal(
                user_key.bytes(),
                aad(c.org, c.user, &c.token_hash).as_bytes(),
                e.as_str().as_bytes(),
            )
        })
        .transpose()
}

/// The insert's arguments in column order, with the sealed address.
pub(crate) fn insert_args(c: &EmailChange, sealed: Option<String>) -> Vec<Arg> {
    let (ended_at, how) = match c.ended {
        Some((at, how)) => (Some(at), Some(how.as_str().to_string())),
        None => (None, None),
    };
    args![
        c.token_hash.as_str(),
        c.org.to_string(),
        c.user.to_string(),
        sealed,
        i64::from(c.by_admin),
        micros(c.created_at),
        micros(c.expires_at),
        opt_micros(ended_at),
        how,
    ]
}

/// The org and user of a row of `email_change_cols!()` (whose key opens it).
pub(crate) fn owner(r: &Row) -> StoreResult<(OrgId, UserId)> {
    Ok((
        id(&r.text(1)?, OrgId::parse, "email_changes.org_id")?,
        id(&r.text(2)?, UserId::parse, "email_changes.user_id")?,
    ))
}

/// A change from a row of `email_change_cols!()`, its address opened with `user_key` (`None`
/// when the row holds none any more, or the user's key is gone).
pub(crate) fn from_row(r: &Row, user_key: Option<&DataKey>) -> StoreResult<EmailChange> {
    let token_hash = r.text(0)?;
    let (org, user) = owner(r)?;
    let new_email = match (r.opt_text(3)?, user_key) {
        (Some(ct), Some(key)) => {
            let plain = crypto::open(
                key.bytes(),
                aad(org, user, &token_hash).as_bytes(),
                &ct,
                || format!("the pending email address of user {user}"),
            )?;
            let s = std::str::from_utf8(&plain)
                .map_err(|_| StoreError::corrupt("a pending email address is not text"))?;
            Some(parsed(s, Email::parse, "email_changes.new_email_ct")?)
        }
        _ => None,
    };
    let ended = match (
        opt_ts(r.opt_int(7)?, "an email change's end")?,
        r.opt_text(8)?,
    ) {
        (Some(at), Some(how)) => Some((
            at,
            parsed(
                &how,
                |s| EmailChangeEnd::parse(s).ok_or(()),
                "email_changes.ended_how",
            )?,
        )),
        _ => None,
    };
    Ok(EmailChange {
        token_hash,
        org,
        user,
        new_email,
        by_admin: r.int(4)? != 0,
        created_at: ts(r.int(5)?, "an email change's creation time")?,
        expires_at: ts(r.int(6)?, "an email change's expiry")?,
        ended,
    })
}
