//! Users as rows. Username, status and POSIX attributes stay in clear (LDAP binds and searches
//! need them); every personal field — email, names, phones, addresses, custom attributes and
//! SSH keys — is sealed under the user's own data key, bound to org, user and field. The email
//! is also stored as a blind index so it can be looked up and kept unique without decrypting.

use super::{id, micros, parsed, ts, u32_of};
use crate::crypto::{self, DataKey};
use crate::db::Row;
use crate::error::{StoreError, StoreResult};
use crate::keyring::KeyId;
use serde::Serialize;
use serde::de::DeserializeOwned;
use skydir_core::directory::{Email, PersonalData, Posix, SshKey, User, UserStatus, Username};
use skydir_core::ids::{OrgId, UserId};
use zeroize::Zeroizing;

/// Columns read by [`open_user`], in order.
macro_rules! user_cols {
    () => {
        "id, org_id, username, email_ct, status, uid_number, gid_number, home_directory, \
         login_shell, ssh_keys_ct, given_name_ct, family_name_ct, phones_ct, addresses_ct, \
         custom_ct, created_at, updated_at"
    };
}
pub(crate) use user_cols;

/// The personal fields of one user as stored.
#[derive(Debug, Clone)]
pub(crate) struct SealedUser {
    pub email_bidx: String,
    /// The deployment-wide index of the email (see `crypto::global_email_index`).
    pub email_gidx: String,
    pub email: String,
    pub ssh_keys: String,
    pub given_name: String,
    pub family_name: String,
    pub phones: String,
    pub addresses: String,
    pub custom: String,
}

struct Sealer<'a> {
    key: &'a DataKey,
    org: String,
    user: String,
}

impl Sealer<'_> {
    fn seal<T: Serialize>(&self, field: &str, value: &T) -> StoreResult<String> {
        let plain = Zeroizing::new(
            serde_json::to_vec(value)
                .map_err(|_| StoreError::corrupt(format!("users.{field} does not serialize")))?,
        );
        let aad = crypto::user_field_aad(&self.org, &self.user, field);
        crypto::seal(self.key.bytes(), aad.as_bytes(), &plain)
    }

    fn open<T: DeserializeOwned>(&self, field: &str, sealed: &str) -> StoreResult<T> {
        let aad = crypto::user_field_aad(&self.org, &self.user, field);
        let plain = crypto::open(self.key.bytes(), aad.as_bytes(), sealed, || {
            format!("users.{field} of user {}", self.user)
        })?;
        serde_json::from_slice(&plain).map_err(|_| {
            StoreError::corrupt(format!("users.{field} of user {} is malformed", self.user))
        })
    }
}

/// Seals the personal fields of `u` under its user key; the blind index uses the org key.
pub(crate) fn seal_user(
    u: &User,
    user_key: &DataKey,
    org_key: &DataKey,
    deployment_key: &DataKey,
) -> StoreResult<SealedUser> {
    let s = Sealer {
        key: user_key,
        org: u.org.to_string(),
        user: u.id.to_string(),
    };
    let p = &u.personal;
    Ok(SealedUser {
        email_bidx: crypto::blind_index(org_key, u.email.as_str())?,
        email_gidx: crypto::global_email_index(deployment_key, u.email.as_str())?,
        email: s.seal("email", &u.email)?,
        ssh_keys: s.seal("ssh_keys", &u.ssh_keys)?,
        given_name: s.seal("given_name", &p.given_name)?,
        family_name: s.seal("family_name", &p.family_name)?,
        phones: s.seal("phones", &p.phones)?,
        addresses: s.seal("addresses", &p.addresses)?,
        custom: s.seal("custom", &p.custom)?,
    })
}

/// The data key a row of `user_cols!()` is sealed under.
pub(crate) fn user_key_id(r: &Row) -> StoreResult<KeyId> {
    Ok(KeyId::User(
        id(&r.text(1)?, OrgId::parse, "users.org_id")?,
        id(&r.text(0)?, UserId::parse, "users.id")?,
    ))
}

/// A user from a row of `user_cols!()`, opening its personal fields with `key`.
pub(crate) fn open_user(r: &Row, key: &DataKey) -> StoreResult<User> {
    let user_id = id(&r.text(0)?, UserId::parse, "users.id")?;
    let org = id(&r.text(1)?, OrgId::parse, "users.org_id")?;
    let s = Sealer {
        key,
        org: org.to_string(),
        user: user_id.to_string(),
    };
    let email: Email = s.open("email", &r.text(3)?)?;
    let ssh_keys: Vec<SshKey> = s.open("ssh_keys", &r.text(9)?)?;
    Ok(User {
        id: user_id,
        org,
        username: parsed(&r.text(2)?, Username::parse, "users.username")?,
        email,
        status: parsed(&r.text(4)?, UserStatus::parse, "users.status")?,
        posix: Posix {
            uid_number: u32_of(r.int(5)?, "users.uid_number")?,
            gid_number: u32_of(r.int(6)?, "users.gid_number")?,
            home_directory: r.text(7)?,
            login_shell: r.text(8)?,
        },
        ssh_keys,
        personal: PersonalData {
            given_name: s.open("given_name", &r.text(10)?)?,
            family_name: s.open("family_name", &r.text(11)?)?,
            phones: s.open("phones", &r.text(12)?)?,
            addresses: s.open("addresses", &r.text(13)?)?,
            custom: s.open("custom", &r.text(14)?)?,
        },
        created_at: ts(r.int(15)?, "users.created_at")?,
        updated_at: ts(r.int(16)?, "users.updated_at")?,
    })
}

/// `created_at`/`updated_at` as stored.
pub(crate) fn user_times(u: &User) -> (i64, i64) {
    (micros(u.created_at), micros(u.updated_at))
}

/// Seals an authenticator secret under the user's key (field `totp`).
pub(crate) fn seal_totp(
    org: OrgId,
    user: UserId,
    secret: &[u8],
    key: &DataKey,
) -> StoreResult<String> {
    let aad = crypto::user_field_aad(&org.to_string(), &user.to_string(), "totp");
    crypto::seal(key.bytes(), aad.as_bytes(), secret)
}

/// An authenticator enrollment from its opened secret and the `confirmed, last_step` columns
/// of `row` from `first` on (of `table`, named in errors).
pub(crate) fn enrollment(
    plain: &[u8],
    row: &Row,
    first: usize,
    table: &str,
) -> StoreResult<skydir_core::auth::TotpEnrollment> {
    let secret: [u8; skydir_core::auth::totp::SECRET_BYTES] = plain
        .try_into()
        .map_err(|_| StoreError::corrupt("an authenticator secret has the wrong length"))?;
    Ok(skydir_core::auth::TotpEnrollment {
        secret: Zeroizing::new(secret),
        confirmed: row.int(first)? != 0,
        last_step: u64::try_from(row.int(first + 1)?)
            .map_err(|_| StoreError::corrupt(format!("{table}.last_step")))?,
    })
}

/// Opens an authenticator secret.
pub(crate) fn open_totp(
    org: OrgId,
    user: UserId,
    sealed: &str,
    key: &DataKey,
) -> StoreResult<Zeroizing<Vec<u8>>> {
    let aad = crypto::user_field_aad(&org.to_string(), &user.to_string(), "totp");
    crypto::open(key.bytes(), aad.as_bytes(), sealed, || {
        format!("the authenticator of user {user}")
    })
}
