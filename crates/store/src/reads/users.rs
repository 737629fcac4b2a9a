//! User reads. Rows are opened with their users' data keys (fetched from the keyring in one
//! batch per query); an email is found through its blind index under the org key.

use super::{paged, paged_where};
use crate::crypto::blind_index;
use crate::db::{Arg, Row, args};
use crate::error::{StoreError, StoreResult};
use crate::keyring::KeyId;
use crate::rows::access::{credential_cols, credential_from_row, login_state_at};
use crate::rows::user::{open_user, user_cols, user_key_id};
use crate::rows::{id, micros, opt_ts, parsed, ts};
use crate::store::Store;
use skydir_core::auth::reset::{LinkPurpose, PasswordReset};
use skydir_core::auth::{Credential, LoginRecord};
use skydir_core::directory::{Email, User, UserStatus, Username};
use skydir_core::ids::{OrgId, UserId};
use skydir_core::page::{Page, PageRequest};
use sqlx::AssertSqlSafe;

/// Columns read by [`link_from_row`], in order.
macro_rules! link_cols {
    () => {
        "token_hash, org_id, user_id, created_at, expires_at, used_at, purpose"
    };
}

impl Store {
    /// Opens fetched user rows.
    async fn open_users(&self, rows: &[Row]) -> StoreResult<Vec<User>> {
        let ids = rows
            .iter()
            .map(user_key_id)
            .collect::<StoreResult<Vec<_>>>()?;
        let keys = self.keyring().get_many(&ids).await?;
        rows.iter()
            .zip(ids)
            .map(|(row, id)| {
                let key = keys
                    .get(&id)
                    .ok_or_else(|| StoreError::KeyMissing { key: id.text() })?;
                open_user(row, key)
            })
            .collect()
    }

    async fn open_one(&self, row: Option<Row>) -> StoreResult<Option<User>> {
        match row {
            None => Ok(None),
            Some(r) => Ok(self.open_users(std::slice::from_ref(&r)).await?.pop()),
        }
    }

    pub(crate) async fn read_user_by_name(
        &self,
        org: OrgId,
        username: &Username,
    ) -> StoreResult<Option<User>> {
        let row = self
            .db()
            .fetch_optional(
                concat!(
                    "SELECT ",
                    user_cols!(),
                    " FROM users WHERE org_id = $1 AND username = $2"
                ),
                args![org.to_string(), username.as_str()],
            )
            .await?;
        self.open_one(row).await
    }

    pub(crate) async fn read_user_by_id(
        &self,
        org: OrgId,
        id: UserId,
    ) -> StoreResult<Option<User>> {
        let row = self
            .db()
            .fetch_optional(
                concat!(
                    "SELECT ",
                    user_cols!(),
                    " FROM users WHERE org_id = $1 AND id = $2"
                ),
                args![org.to_string(), id.to_string()],
            )
            .await?;
        self.open_one(row).await
    }

    pub(crate) async fn read_user_by_email(
        &self,
        org: OrgId,
        email: &Email,
    ) -> StoreResult<Option<User>> {
        let org_key = match self.keyring().get(KeyId::Org(org)).await {
            Ok(k) => k,
            // No org key: no such org, so no such user.
            Err(StoreError::KeyMissing { .. }) => return Ok(None),
            Err(e) => return Err(e),
        };
        let bidx = blind_index(&org_key, email.as_str())?;
        let row = self
            .db()
            .fetch_optional(
                concat!(
                    "SELECT ",
                    user_cols!(),
                    " FROM users WHERE org_id = $1 AND email_bidx = $2"
                ),
                args![org.to_string(), bidx],
            )
            .await?;
        self.open_one(row).await
    }

    pub(crate) async fn read_users(
        &self,
        org: OrgId,
        page: &PageRequest,
    ) -> StoreResult<Page<User>> {
        let (sql, params, limit) = paged(user_cols!(), "users", "username", Some(org), page);
        let rows = self.db().fetch_all(AssertSqlSafe(sql), params).await?;
        let users = self.open_users(&rows).await?;
        Ok(Page::from_overfetch(users, limit, |u| {
            u.username.to_string()
        }))
    }

    /// Users whose username starts with `prefix`, in username order.
    pub(crate) async fn read_users_prefixed(
        &self,
        org: OrgId,
        prefix: &str,
        page: &PageRequest,
    ) -> StoreResult<Page<User>> {
        let mut pattern = String::with_capacity(prefix.len() + 1);
        for c in prefix.chars() {
            if matches!(c, '%' | '_' | '\\') {
                pattern.push('\\');
            }
            pattern.push(c);
        }
        pattern.push('%');
        let cond = ("username LIKE $? ESCAPE '\\'", Arg::from(pattern.as_str()));
        let (sql, params, limit) = paged_where(
            user_cols!(),
            "users",
            "username",
            Some(org),
            Some(cond),
            page,
        );
        let rows = self.db().fetch_all(AssertSqlSafe(sql), params).await?;
        let users = self.open_users(&rows).await?;
        Ok(Page::from_overfetch(users, limit, |u| {
            u.username.to_string()
        }))
    }

    pub(crate) async fn read_password_reset(
        &self,
        token_hash: &str,
    ) -> StoreResult<Option<PasswordReset>> {
        let Some(r) = self
            .db()
            .fetch_optional(
                concat!(
                    "SELECT ",
                    link_cols!(),
                    " FROM password_resets WHERE token_hash = $1"
                ),
                args![token_hash],
            )
            .await?
        else {
            return Ok(None);
        };
        Ok(Some(link_from_row(&r)?))
    }

    /// The newest invitation (of either kind) made for `user`, used or not.
    pub(crate) async fn read_latest_invitation(
        &self,
        org: OrgId,
        user: UserId,
    ) -> StoreResult<Option<PasswordReset>> {
        self.newest_link(
            concat!(
                "SELECT ",
                link_cols!(),
                " FROM password_resets WHERE org_id = $1 AND user_id = $2 AND purpose <> 'reset' \
                 ORDER BY created_at DESC, token_hash LIMIT 1"
            ),
            args![org.to_string(), user.to_string()],
        )
        .await
    }

    /// The newest first-administrator invitation of the org, used or not.
    pub(crate) async fn read_first_admin_invitation(
        &self,
        org: OrgId,
    ) -> StoreResult<Option<PasswordReset>> {
        self.newest_link(
            concat!(
                "SELECT ",
                link_cols!(),
                " FROM password_resets WHERE org_id = $1 AND purpose = 'first_admin' \
                 ORDER BY created_at DESC, token_hash LIMIT 1"
            ),
            args![org.to_string()],
        )
        .await
    }

    /// The one link `sql` (over `link_cols!()`) selects, if any.
    async fn newest_link(
        &self,
        sql: &'static str,
        params: Vec<Arg>,
    ) -> StoreResult<Option<PasswordReset>> {
        self.db()
            .fetch_optional(sql, params)
            .await?
            .map(|r| link_from_row(&r))
            .transpose()
    }

    pub(crate) async fn read_password_resets_since(
        &self,
        org: OrgId,
        user: UserId,
        since: jiff::Timestamp,
    ) -> StoreResult<u64> {
        let n = self
            .db()
            .fetch_optional(
                "SELECT COUNT(*) FROM password_resets \
                 WHERE org_id = $1 AND user_id = $2 AND created_at >= $3 \
                 AND purpose = 'reset'",
                args![org.to_string(), user.to_string(), micros(since)],
            )
            .await?
            .map(|r| r.int(0))
            .transpose()?
            .unwrap_or(0);
        u64::try_from(n).map_err(|_| StoreError::corrupt("a negative count"))
    }

    pub(crate) async fn read_user_count(&self, org: OrgId) -> StoreResult<u64> {
        let n = self
            .db()
            .fetch_optional(
                "SELECT COUNT(*) FROM users WHERE org_id = $1",
                args![org.to_string()],
            )
            .await?
            .map(|r| r.int(0))
            .transpose()?
            .unwrap_or(0);
        Ok(u64::try_from(n).unwrap_or(0))
    }

    pub(crate) async fn read_credential(
        &self,
        org: OrgId,
        user: UserId,
    ) -> StoreResult<Option<Credential>> {
        self.db()
            .fetch_optional(
                concat!(
                    "SELECT ",
                    credential_cols!(),
                    " FROM credentials WHERE org_id = $1 AND user_id = $2"
                ),
                args![org.to_string(), user.to_string()],
            )
            .await?
            .as_ref()
            .map(credential_from_row)
            .transpose()
    }

    pub(crate) async fn read_login_record(
        &self,
        org: OrgId,
        username: &Username,
    ) -> StoreResult<Option<LoginRecord>> {
        let Some(row) = self
            .db()
            .fetch_optional(
                "SELECT u.id, u.status, c.hash, c.failures, c.locked_until FROM users u \
                 LEFT JOIN credentials c ON c.org_id = u.org_id AND c.user_id = u.id \
                 WHERE u.org_id = $1 AND u.username = $2",
                args![org.to_string(), username.as_str()],
            )
            .await?
        else {
            return Ok(None);
        };
        let credential = match row.opt_text(2)? {
            Some(hash) => Some(Credential {
                hash,
                state: login_state_at(&row, 3)?,
            }),
            None => None,
        };
        Ok(Some(LoginRecord {
            user: id(&row.text(0)?, UserId::parse, "users.id")?,
            status: parsed(&row.text(1)?, UserStatus::parse, "users.status")?,
            credential,
        }))
    }

    pub(crate) async fn read_totp(
        &self,
        org: OrgId,
        user: UserId,
    ) -> StoreResult<Option<skydir_core::auth::TotpEnrollment>> {
        let Some(r) = self
            .db()
            .fetch_optional(
                "SELECT secret_ct, confirmed, last_step FROM totp_enrollments \
                 WHERE org_id = $1 AND user_id = $2",
                args![org.to_string(), user.to_string()],
            )
            .await?
        else {
            return Ok(None);
        };
        let key = match self.keyring().get(KeyId::User(org, user)).await {
            Err(StoreError::KeyMissing { .. }) => return Ok(None),
            other => other?,
        };
        let plain = crate::rows::user::open_totp(org, user, &r.text(0)?, &key)?;
        crate::rows::user::enrollment(&plain, &r, 1, "totp_enrollments").map(Some)
    }

    pub(crate) async fn read_admins(&self, org: OrgId) -> StoreResult<Vec<UserId>> {
        self.db()
            .fetch_all(
                "SELECT user_id FROM org_admins WHERE org_id = $1 ORDER BY user_id",
                args![org.to_string()],
            )
            .await?
            .iter()
            .map(|r| id(&r.text(0)?, UserId::parse, "org_admins.user_id"))
            .collect()
    }
}

/// A reset or invitation link from a row of `link_cols!()`.
fn link_from_row(r: &Row) -> StoreResult<PasswordReset> {
    Ok(PasswordReset {
        token_hash: r.text(0)?,
        org: id(&r.text(1)?, OrgId::parse, "password_resets.org_id")?,
        user: id(&r.text(2)?, UserId::parse, "password_resets.user_id")?,
        created_at: ts(r.int(3)?, "a link's creation time")?,
        expires_at: ts(r.int(4)?, "a link's expiry")?,
        used_at: opt_ts(r.opt_int(5)?, "a link's use")?,
        purpose: parsed(
            &r.text(6)?,
            |s| LinkPurpose::parse(s).ok_or(()),
            "password_resets.purpose",
        )?,
    })
}
