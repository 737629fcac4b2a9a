//! Verified requests as rows: the action and state as JSON (ids and times only), the rest in
//! columns; confirmation tokens only as hex SHA-256.

use super::{id, micros, ts};
use crate::db::{Arg, Row, args};
use crate::error::{StoreError, StoreResult};
use skydir_core::ids::{OrgId, StaffId, TicketId, VerificationId};
use skydir_core::support::VerificationRequest;

/// Columns read by [`verification_from_row`], in order (table alias `v`).
macro_rules! verification_cols {
    () => {
        "v.id, v.org_id, v.ticket_id, v.ticket_number, v.action, v.subject_username, \
         v.opened_by, v.opened_at, v.expires_at, v.state, v.version"
    };
}
pub(crate) use verification_cols;

fn json<T: serde::Serialize>(v: &T) -> StoreResult<String> {
    serde_json::to_string(v).map_err(|_| StoreError::corrupt("verification does not serialize"))
}

/// Values for the columns of `verification_cols!()`, in order.
pub(crate) fn verification_args(v: &VerificationRequest) -> StoreResult<Vec<Arg>> {
    Ok(args![
        v.id.to_string(),
        v.org.to_string(),
        v.ticket.to_string(),
        i64::try_from(v.ticket_number).map_err(|_| StoreError::corrupt("ticket number"))?,
        json(&v.action)?,
        v.subject_username.clone(),
        v.opened_by.to_string(),
        micros(v.opened_at),
        micros(v.expires_at),
        json(&v.state)?,
        i64::try_from(v.version).map_err(|_| StoreError::corrupt("verification version"))?,
    ])
}

/// A verified request from a row of `verification_cols!()`.
pub(crate) fn verification_from_row(r: &Row) -> StoreResult<VerificationRequest> {
    let bad = |what: &str| StoreError::corrupt(format!("verifications.{what} is malformed"));
    Ok(VerificationRequest {
        id: id(&r.text(0)?, VerificationId::parse, "verifications.id")?,
        org: id(&r.text(1)?, OrgId::parse, "verifications.org_id")?,
        ticket: id(&r.text(2)?, TicketId::parse, "verifications.ticket_id")?,
        ticket_number: u64::try_from(r.int(3)?).map_err(|_| bad("ticket_number"))?,
        action: serde_json::from_str(&r.text(4)?).map_err(|_| bad("action"))?,
        subject_username: r.opt_text(5)?,
        opened_by: id(&r.text(6)?, StaffId::parse, "verifications.opened_by")?,
        opened_at: ts(r.int(7)?, "verifications.opened_at")?,
        expires_at: ts(r.int(8)?, "verifications.expires_at")?,
        state: serde_json::from_str(&r.text(9)?).map_err(|_| bad("state"))?,
        version: u64::try_from(r.int(10)?).map_err(|_| bad("version"))?,
    })
}
