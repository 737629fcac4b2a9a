//! Step 1 of a commit, before the transaction: create the data keys of new orgs and users in
//! the keyring, and seal every user record the change writes.

use crate::error::{StoreError, StoreResult};
use crate::keyring::KeyId;
use crate::rows::user::{SealedUser, seal_user};
use crate::store::Store;
use skydir_core::CoreError;
use skydir_core::change::{Change, Write};
use skydir_core::directory::User;

/// What the transaction needs from step 1, and what to clean up after it.
#[derive(Debug, Default)]
pub(super) struct Prepared {
    /// Sealed personal fields, by the index of the write that stores them.
    sealed: Vec<Option<SealedUser>>,
    /// Keys created for this change (destroyed again if it fails).
    pub created: Vec<KeyId>,
    /// Keys to destroy once the change has committed.
    pub erased: Vec<KeyId>,
}

impl Prepared {
    /// The sealed user of write `index`.
    pub(super) fn sealed(&self, index: usize) -> StoreResult<&SealedUser> {
        self.sealed
            .get(index)
            .and_then(Option::as_ref)
            .ok_or_else(|| {
                StoreError::Refused(CoreError::Internal("a user write was not prepared".into()))
            })
    }
}

/// Creates keys and seals users; on failure removes the keys it created.
pub(super) async fn prepare(store: &Store, change: &Change) -> StoreResult<Prepared> {
    let mut p = Prepared {
        sealed: vec![None; change.writes.len()],
        ..Prepared::default()
    };
    match fill(store, change, &mut p).await {
        Ok(()) => Ok(p),
        Err(e) => {
            let _ = store.keyring().destroy(&p.created).await;
            Err(e)
        }
    }
}

async fn fill(store: &Store, change: &Change, p: &mut Prepared) -> StoreResult<()> {
    let keyring = store.keyring();
    // All new keys first, in one keyring transaction; a failure leaves none of them behind.
    let new_keys: Vec<KeyId> = change
        .writes
        .iter()
        .filter_map(|w| match w {
            Write::CreateOrg(o) => Some(KeyId::Org(o.id)),
            Write::CreateUser { user, .. } => Some(KeyId::User(user.org, user.id)),
            _ => None,
        })
        .collect();
    let mut keys = if new_keys.is_empty() {
        Default::default()
    } else {
        keyring.create_many(&new_keys).await?
    };
    p.created = new_keys;
    for (i, w) in change.writes.iter().enumerate() {
        match w {
            Write::CreateUser { user, .. } => {
                let user_key = keys
                    .remove(&KeyId::User(user.org, user.id))
                    .ok_or_else(|| {
                        CoreError::Internal("a new user's key was not created".into())
                    })?;
                p.sealed[i] = Some(seal(store, user, &user_key).await?);
            }
            Write::UpdateUser(user) => {
                let user_key = match keyring.get(KeyId::User(user.org, user.id)).await {
                    Err(StoreError::KeyMissing { .. }) => {
                        return Err(CoreError::not_found("user", user.id.to_string()).into());
                    }
                    other => other?,
                };
                p.sealed[i] = Some(seal(store, user, &user_key).await?);
            }
            Write::EraseUser(user) => {
                if let Some(org) = change.org {
                    p.erased.push(KeyId::User(org, *user));
                }
            }
            _ => {}
        }
    }
    Ok(())
}

async fn seal(
    store: &Store,
    user: &User,
    user_key: &crate::crypto::DataKey,
) -> StoreResult<SealedUser> {
    let org_key = store.keyring().get(KeyId::Org(user.org)).await?;
    seal_user(user, user_key, &org_key)
}
