//! Deployment-level reads: orgs, staff and the token lookup that authenticates API callers.

use super::paged;
use crate::db::args;
use crate::error::StoreResult;
use crate::rows::access::{login_state_at, staff_cols, staff_from_row, token_cols, token_from_row};
use crate::rows::org::{org_cols, org_from_row};
use crate::store::Store;
use skydir_core::access::Staff;
use skydir_core::auth::{ApiToken, Credential};
use skydir_core::directory::{Org, OrgSlug};
use skydir_core::ids::{OrgId, StaffId, UserId};
use skydir_core::page::{Page, PageRequest};
use sqlx::AssertSqlSafe;

impl Store {
    pub(crate) async fn read_orgs(&self, page: &PageRequest) -> StoreResult<Page<Org>> {
        let (sql, params, limit) = paged(org_cols!(), "orgs", "slug", None, page);
        let rows = self.db().fetch_all(AssertSqlSafe(sql), params).await?;
        let orgs = rows
            .iter()
            .map(org_from_row)
            .collect::<StoreResult<Vec<_>>>()?;
        Ok(Page::from_overfetch(orgs, limit, |o| o.slug.to_string()))
    }

    pub(crate) async fn read_org_by_slug(&self, slug: &OrgSlug) -> StoreResult<Option<Org>> {
        self.db()
            .fetch_optional(
                concat!("SELECT ", org_cols!(), " FROM orgs WHERE slug = $1"),
                args![slug.as_str()],
            )
            .await?
            .as_ref()
            .map(org_from_row)
            .transpose()
    }

    pub(crate) async fn read_org_by_id(&self, id: OrgId) -> StoreResult<Option<Org>> {
        self.db()
            .fetch_optional(
                concat!("SELECT ", org_cols!(), " FROM orgs WHERE id = $1"),
                args![id.to_string()],
            )
            .await?
            .as_ref()
            .map(org_from_row)
            .transpose()
    }

    pub(crate) async fn read_staff(&self) -> StoreResult<Vec<Staff>> {
        self.db()
            .fetch_all(
                concat!("SELECT ", staff_cols!(), " FROM staff ORDER BY handle, id"),
                vec![],
            )
            .await?
            .iter()
            .map(staff_from_row)
            .collect()
    }

    pub(crate) async fn read_staff_credential(
        &self,
        handle: &str,
    ) -> StoreResult<Option<(Staff, Option<Credential>)>> {
        let Some(row) = self
            .db()
            .fetch_optional(
                "SELECT s.id, s.role, s.handle, s.created_at, c.hash, c.failures, c.locked_until \
                 FROM staff s LEFT JOIN staff_credentials c ON c.staff_id = s.id \
                 WHERE s.handle = $1",
                args![handle],
            )
            .await?
        else {
            return Ok(None);
        };
        let staff = staff_from_row(&row)?;
        let credential = match row.opt_text(4)? {
            Some(hash) => Some(Credential {
                hash,
                state: login_state_at(&row, 5)?,
            }),
            None => None,
        };
        Ok(Some((staff, credential)))
    }

    pub(crate) async fn read_staff_totp(
        &self,
        staff: StaffId,
    ) -> StoreResult<Option<skydir_core::auth::TotpEnrollment>> {
        let Some(r) = self
            .db()
            .fetch_optional(
                "SELECT secret_ct, confirmed, last_step FROM staff_totp WHERE staff_id = $1",
                args![staff.to_string()],
            )
            .await?
        else {
            return Ok(None);
        };
        let key = self.keyring().deployment().await?;
        let plain = crate::rows::staff_totp::open(staff, &r.text(0)?, &key)?;
        crate::rows::user::enrollment(&plain, &r, 1, "staff_totp").map(Some)
    }

    pub(crate) async fn read_user_tokens(
        &self,
        org: OrgId,
        user: UserId,
    ) -> StoreResult<Vec<ApiToken>> {
        self.db()
            .fetch_all(
                concat!(
                    "SELECT ",
                    token_cols!(),
                    " FROM api_tokens WHERE org_id = $1 AND user_id = $2 AND revoked_at IS NULL \
                     ORDER BY created_at DESC, id"
                ),
                args![org.to_string(), user.to_string()],
            )
            .await?
            .iter()
            .map(token_from_row)
            .collect()
    }

    pub(crate) async fn read_token_by_hash(
        &self,
        hash: &[u8; 32],
    ) -> StoreResult<Option<ApiToken>> {
        self.db()
            .fetch_optional(
                concat!(
                    "SELECT ",
                    token_cols!(),
                    " FROM api_tokens WHERE secret_hash = $1"
                ),
                args![hex::encode(hash)],
            )
            .await?
            .as_ref()
            .map(token_from_row)
            .transpose()
    }
}
