//! Reads of email changes: one by its link's token hash, a user's open one, and how many a
//! user asked for lately (the day's allowance). Pending addresses are opened with the user's
//! own key; a user whose key is gone has none.

use crate::db::{Row, args};
use crate::error::{StoreError, StoreResult};
use crate::keyring::KeyId;
use crate::rows::email_change::{email_change_cols, from_row, owner};
use crate::rows::micros;
use crate::store::Store;
use jiff::Timestamp;
use skydir_core::directory::EmailChange;
use skydir_core::ids::{OrgId, UserId};

impl Store {
    async fn open_change(&self, row: Option<Row>) -> StoreResult<Option<EmailChange>> {
        let Some(r) = row else {
            return Ok(None);
        };
        let (org, user) = owner(&r)?;
        let key = match self.keyring().get(KeyId::User(org, user)).await {
            Ok(k) => Some(k),
            Err(StoreError::KeyMissing { .. }) => None,
            Err(e) => return Err(e),
        };
        from_row(&r, key.as_ref()).map(Some)
    }

    pub(crate) async fn read_email_change(
        &self,
        token_hash: &str,
    ) -> StoreResult<Option<EmailChange>> {
        let row = self
            .db()
            .fetch_optional(
                concat!(
                    "SELECT ",
                    email_change_cols!(),
                    " FROM email_changes WHERE token_hash = $1"
                ),
                args![token_hash],
            )
            .await?;
        self.open_change(row).await
    }

    pub(crate) async fn read_pending_email_change(
        &self,
        org: OrgId,
        user: UserId,
    ) -> StoreResult<Option<EmailChange>> {
        let row = self
            .db()
            .fetch_optional(
                concat!(
                    "SELECT ",
                    email_change_cols!(),
                    " FROM email_changes WHERE org_id = $1 AND user_id = $2 \
                     AND ended_at IS NULL ORDER BY created_at DESC, token_hash LIMIT 1"
                ),
                args![org.to_string(), user.to_string()],
            )
            .await?;
        self.open_change(row).await
    }

    pub(crate) async fn read_email_changes_since(
        &self,
        org: OrgId,
        user: UserId,
        since: Timestamp,
    ) -> StoreResult<u64> {
        let n = self
            .db()
            .fetch_optional(
                "SELECT COUNT(*) FROM email_changes \
                 WHERE org_id = $1 AND user_id = $2 AND created_at >= $3",
                args![org.to_string(), user.to_string(), micros(since)],
            )
            .await?
            .map(|r| r.int(0))
            .transpose()?
            .unwrap_or(0);
        Ok(u64::try_from(n).unwrap_or(0))
    }
}
