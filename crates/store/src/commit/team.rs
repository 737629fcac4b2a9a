//! Writes of the support team's arrangements: an org's specialist, and macros.

use crate::db::{Tx, args};
use crate::error::{StoreError, StoreResult};
use crate::rows::micros;
use skydir_core::ids::{MacroId, OrgId, StaffId};
use skydir_core::support::Macro;

pub(super) async fn set_specialist(
    tx: &mut Tx,
    org: OrgId,
    staff: Option<StaffId>,
) -> StoreResult<()> {
    tx.execute(
        "INSERT INTO org_support (org_id, specialist_id) VALUES ($1, $2) \
         ON CONFLICT (org_id) DO UPDATE SET specialist_id = excluded.specialist_id",
        args![org.to_string(), staff.map(|s| s.to_string())],
    )
    .await?;
    Ok(())
}

pub(super) async fn put_macro(tx: &mut Tx, m: &Macro) -> StoreResult<()> {
    let status = m.status.map(|s| s.as_str().to_string());
    tx.execute(
        "INSERT INTO macros (id, name, title, body, visibility, status, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) \
         ON CONFLICT (id) DO UPDATE SET name = excluded.name, title = excluded.title, \
         body = excluded.body, visibility = excluded.visibility, status = excluded.status, \
         updated_at = excluded.updated_at",
        args![
            m.id.to_string(),
            m.name.as_str(),
            m.title.as_str(),
            m.body.as_str(),
            m.visibility.as_str(),
            status,
            micros(m.updated_at)
        ],
    )
    .await
    .map_err(StoreError::from)?;
    Ok(())
}

pub(super) async fn delete_macro(tx: &mut Tx, id: MacroId) -> StoreResult<()> {
    let n = tx
        .execute("DELETE FROM macros WHERE id = $1", args![id.to_string()])
        .await?;
    super::found(n, "macro", id)
}
