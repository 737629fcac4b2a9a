//! Audit events as rows: the detail JSON as text, the outcome as its stable name.

use super::ts;
use crate::db::Row;
use crate::error::{StoreError, StoreResult};
use skydir_core::audit::{AuditEvent, Outcome};

/// Columns read by [`event_from_row`].
macro_rules! event_cols {
    () => {
        "chain, seq, at, actor, action, target, outcome, detail, prev_hash, hash"
    };
}
pub(crate) use event_cols;

/// An event from a row of `event_cols!()`.
pub(crate) fn event_from_row(r: &Row) -> StoreResult<AuditEvent> {
    let outcome = match r.text(6)?.as_str() {
        "success" => Outcome::Success,
        "denied" => Outcome::Denied,
        _ => {
            return Err(StoreError::corrupt(
                "audit_events.outcome has an unknown value",
            ));
        }
    };
    Ok(AuditEvent {
        chain: r.text(0)?,
        seq: u64::try_from(r.int(1)?)
            .map_err(|_| StoreError::corrupt("audit_events.seq is negative"))?,
        at: ts(r.int(2)?, "audit_events.at")?,
        actor: r.text(3)?,
        action: r.text(4)?,
        target: r.text(5)?,
        outcome,
        detail: serde_json::from_str(&r.text(7)?)
            .map_err(|_| StoreError::corrupt("audit_events.detail is not JSON"))?,
        prev_hash: r.text(8)?,
        hash: r.text(9)?,
    })
}
