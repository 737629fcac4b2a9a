//! Writes to users and what hangs off them: credential, login state, admin role, erasure.

use super::found;
use crate::db::{Tx, args};
use crate::error::{StoreError, StoreResult};
use crate::rows::access::login_state_args;
use crate::rows::user::{SealedUser, user_times};
use crate::rows::{micros, opt_micros};
use jiff::Timestamp;
use skydir_core::CoreError;
use skydir_core::auth::reset::PasswordReset;
use skydir_core::auth::{Credential, LoginState};
use skydir_core::change::HashOwner;
use skydir_core::directory::User;
use skydir_core::directory::user::FIRST_UID;
use skydir_core::ids::{OrgId, UserId};

/// The next free uidNumber of the org at or above [`FIRST_UID`].
async fn next_uid(tx: &mut Tx, org: OrgId) -> StoreResult<u32> {
    let max = tx
        .fetch_optional(
            "SELECT COALESCE(MAX(uid_number), $2) FROM users WHERE org_id = $1 AND uid_number >= $3",
            args![org.to_string(), i64::from(FIRST_UID) - 1, FIRST_UID],
        )
        .await?
        .map(|r| r.int(0))
        .transpose()?
        .unwrap_or(i64::from(FIRST_UID) - 1);
    crate::rows::u32_of(max + 1, "the next uidNumber")
}

/// `(uid, gid)` with zeros replaced by allocated numbers (the gid follows the uid).
async fn posix_numbers(tx: &mut Tx, u: &User) -> StoreResult<(u32, u32)> {
    let uid = match u.posix.uid_number {
        0 => next_uid(tx, u.org).await?,
        n => n,
    };
    let gid = match u.posix.gid_number {
        0 => uid,
        n => n,
    };
    Ok((uid, gid))
}

/// Inserts a user (and its credential).
pub(super) async fn create(
    tx: &mut Tx,
    u: &User,
    credential: Option<&Credential>,
    s: &SealedUser,
) -> StoreResult<()> {
    let (uid, gid) = posix_numbers(tx, u).await?;
    let (created, updated) = user_times(u);
    tx.execute(
        "INSERT INTO users (id, org_id, username, email_bidx, email_ct, status, uid_number, \
         gid_number, home_directory, login_shell, ssh_keys_ct, given_name_ct, family_name_ct, \
         phones_ct, addresses_ct, custom_ct, created_at, updated_at, email_gidx) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, \
         $19)",
        args![
            u.id.to_string(),
            u.org.to_string(),
            u.username.as_str(),
            &s.email_bidx,
            &s.email,
            u.status.as_str(),
            uid,
            gid,
            u.posix.home_directory.as_str(),
            u.posix.login_shell.as_str(),
            &s.ssh_keys,
            &s.given_name,
            &s.family_name,
            &s.phones,
            &s.addresses,
            &s.custom,
            created,
            updated,
            &s.email_gidx,
        ],
    )
    .await?;
    if let Some(c) = credential {
        let (failures, locked) = login_state_args(&c.state);
        tx.execute(
            "INSERT INTO credentials (org_id, user_id, hash, failures, locked_until) \
             VALUES ($1, $2, $3, $4, $5)",
            args![
                u.org.to_string(),
                u.id.to_string(),
                c.hash.as_str(),
                failures,
                locked
            ],
        )
        .await?;
    }
    Ok(())
}

/// Replaces a user's record (creation time excepted).
pub(super) async fn update(tx: &mut Tx, u: &User, s: &SealedUser) -> StoreResult<()> {
    let (uid, gid) = posix_numbers(tx, u).await?;
    let (_, updated) = user_times(u);
    let n = tx
        .execute(
            "UPDATE users SET username = $3, email_bidx = $4, email_ct = $5, status = $6, \
             uid_number = $7, gid_number = $8, home_directory = $9, login_shell = $10, \
             ssh_keys_ct = $11, given_name_ct = $12, family_name_ct = $13, phones_ct = $14, \
             addresses_ct = $15, custom_ct = $16, updated_at = $17, email_gidx = $18 \
             WHERE org_id = $1 AND id = $2",
            args![
                u.org.to_string(),
                u.id.to_string(),
                u.username.as_str(),
                &s.email_bidx,
                &s.email,
                u.status.as_str(),
                uid,
                gid,
                u.posix.home_directory.as_str(),
                u.posix.login_shell.as_str(),
                &s.ssh_keys,
                &s.given_name,
                &s.family_name,
                &s.phones,
                &s.addresses,
                &s.custom,
                updated,
                &s.email_gidx,
            ],
        )
        .await?;
    found(n, "user", u.id)
}

/// Sets (or replaces) a user's credential.
pub(super) async fn set_credential(
    tx: &mut Tx,
    org: OrgId,
    user: UserId,
    c: &Credential,
) -> StoreResult<()> {
    let (failures, locked) = login_state_args(&c.state);
    // The WHERE keeps an upsert from touching a same-id row of another org.
    let n = tx
        .execute(
            "INSERT INTO credentials (org_id, user_id, hash, failures, locked_until) \
             VALUES ($1, $2, $3, $4, $5) \
             ON CONFLICT (user_id) DO UPDATE SET hash = excluded.hash, \
             failures = excluded.failures, locked_until = excluded.locked_until \
             WHERE credentials.org_id = excluded.org_id",
            args![
                org.to_string(),
                user.to_string(),
                c.hash.as_str(),
                failures,
                locked
            ],
        )
        .await?;
    found(n, "user", user)
}

/// Records failed-login state.
pub(super) async fn set_login_state(
    tx: &mut Tx,
    org: OrgId,
    user: UserId,
    s: &LoginState,
) -> StoreResult<()> {
    let (failures, locked) = login_state_args(s);
    let n = tx
        .execute(
            "UPDATE credentials SET failures = $3, locked_until = $4 \
             WHERE org_id = $1 AND user_id = $2",
            args![org.to_string(), user.to_string(), failures, locked],
        )
        .await?;
    found(n, "credential", user)
}

/// Grants or removes the admin role (idempotent).
pub(super) async fn set_admin(
    tx: &mut Tx,
    org: OrgId,
    user: UserId,
    admin: bool,
) -> StoreResult<()> {
    let sql = if admin {
        "INSERT INTO org_admins (org_id, user_id) VALUES ($1, $2) ON CONFLICT DO NOTHING"
    } else {
        "DELETE FROM org_admins WHERE org_id = $1 AND user_id = $2"
    };
    tx.execute(sql, args![org.to_string(), user.to_string()])
        .await?;
    Ok(())
}

/// Deletes the user and every row that refers to them. The data key goes after the commit.
pub(super) async fn erase(tx: &mut Tx, org: OrgId, user: UserId) -> StoreResult<()> {
    let (o, u) = (org.to_string(), user.to_string());
    let exists = tx
        .fetch_optional(
            "SELECT id FROM users WHERE org_id = $1 AND id = $2",
            args![o.as_str(), u.as_str()],
        )
        .await?;
    found(u64::from(exists.is_some()), "user", user)?;
    for sql in [
        "DELETE FROM group_members WHERE org_id = $1 AND member_user = $2",
        "DELETE FROM access_bindings WHERE org_id = $1 AND subject_user = $2",
        "DELETE FROM credentials WHERE org_id = $1 AND user_id = $2",
        "DELETE FROM org_admins WHERE org_id = $1 AND user_id = $2",
        "DELETE FROM api_tokens WHERE org_id = $1 AND user_id = $2",
        "DELETE FROM users WHERE org_id = $1 AND id = $2",
    ] {
        tx.execute(sql, args![o.as_str(), u.as_str()]).await?;
    }
    Ok(())
}

/// Replaces a user's or service account's hash with a stronger one of the same password, only
/// while it is still `from` (a password changed meanwhile wins); no row changed is no error.
pub(super) async fn upgrade_hash(
    tx: &mut Tx,
    org: OrgId,
    owner: HashOwner,
    from: &str,
    to: &str,
) -> StoreResult<()> {
    let (sql, id) = match owner {
        HashOwner::User(u) => (
            "UPDATE credentials SET hash = $4 WHERE org_id = $1 AND user_id = $2 AND hash = $3",
            u.to_string(),
        ),
        HashOwner::Service(a) => (
            "UPDATE service_accounts SET hash = $4 WHERE org_id = $1 AND id = $2 AND hash = $3",
            a.to_string(),
        ),
    };
    tx.execute(sql, args![org.to_string(), id, from, to])
        .await?;
    Ok(())
}

/// Stores a password-reset link.
pub(super) async fn put_reset(tx: &mut Tx, r: &PasswordReset) -> StoreResult<()> {
    tx.execute(
        "INSERT INTO password_resets \
         (token_hash, org_id, user_id, created_at, expires_at, used_at, purpose) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
        args![
            r.token_hash.as_str(),
            r.org.to_string(),
            r.user.to_string(),
            micros(r.created_at),
            micros(r.expires_at),
            opt_micros(r.used_at),
            r.purpose.as_str()
        ],
    )
    .await?;
    Ok(())
}

/// Ends every link of `user` still unused (a newer invitation replaces it, or it is revoked,
/// or the person has just set their password with another one).
pub(super) async fn end_links(
    tx: &mut Tx,
    org: OrgId,
    user: UserId,
    at: Timestamp,
) -> StoreResult<()> {
    tx.execute(
        "UPDATE password_resets SET used_at = $3 \
         WHERE org_id = $1 AND user_id = $2 AND used_at IS NULL",
        args![org.to_string(), user.to_string(), micros(at)],
    )
    .await?;
    Ok(())
}

/// Spends a reset link, refusing one already spent.
pub(super) async fn use_reset(tx: &mut Tx, token_hash: &str, at: Timestamp) -> StoreResult<()> {
    let n = tx
        .execute(
            "UPDATE password_resets SET used_at = $2 WHERE token_hash = $1 AND used_at IS NULL",
            args![token_hash, micros(at)],
        )
        .await?;
    if n == 0 {
        return Err(StoreError::Refused(CoreError::conflict(
            "link",
            "this link was already used",
        )));
    }
    Ok(())
}
