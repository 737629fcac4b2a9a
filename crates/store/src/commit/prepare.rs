//! Step 1 of a commit, before the transaction: create the data keys of new orgs and users in
//! the keyring, and seal every user record the change writes.

use crate::error::{StoreError, StoreResult};
use crate::keyring::KeyId;
use crate::rows::mail::{inbound_hash, seal_mail, thread_hash};
use crate::rows::ticket::{
    MessageContent, SealedTicket, seal_attachment, seal_message, seal_ticket,
};
use crate::rows::user::{SealedUser, seal_user};
use crate::store::Store;
use skydir_core::CoreError;
use skydir_core::change::{Change, Write};
use skydir_core::directory::User;
use skydir_core::ids::UserId;
use skydir_core::support::MessageAuthor;

/// A desk write's sealed values and keyed hashes.
#[derive(Debug, Clone)]
pub(super) enum SealedDesk {
    Ticket(SealedTicket),
    Message {
        content: String,
        sealed_for: Option<UserId>,
        /// Per attachment: id, size and sealed content.
        attachments: Vec<(String, i64, String)>,
    },
    Mail(String),
    Hashes(Vec<String>),
    /// One sealed value (an authenticator secret).
    Sealed(String),
}

/// What the transaction needs from step 1, and what to clean up after it.
#[derive(Debug, Default)]
pub(super) struct Prepared {
    /// Sealed personal fields, by the index of the write that stores them.
    sealed: Vec<Option<SealedUser>>,
    /// Sealed desk values, by the index of the write that stores them.
    desk: Vec<Option<SealedDesk>>,
    /// Keys created for this change (destroyed again if it fails).
    pub created: Vec<KeyId>,
    /// Keys to destroy once the change has committed.
    pub erased: Vec<KeyId>,
}

impl Prepared {
    /// The sealed desk values of write `index`.
    pub(super) fn desk(&self, index: usize) -> StoreResult<&SealedDesk> {
        self.desk
            .get(index)
            .and_then(Option::as_ref)
            .ok_or_else(|| {
                StoreError::Refused(CoreError::Internal("a desk write was not prepared".into()))
            })
    }

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
        desk: vec![None; change.writes.len()],
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
            Write::PurgeOrg(org) => {
                // Every key of the org goes once the rows are gone; a user created meanwhile
                // leaves an orphan key that the start-up sweep destroys.
                let rows = store
                    .db()
                    .fetch_all(
                        "SELECT id FROM users WHERE org_id = $1",
                        crate::db::args![org.to_string()],
                    )
                    .await?;
                for r in rows {
                    let id =
                        crate::rows::id(&r.text(0)?, skydir_core::ids::UserId::parse, "users.id")?;
                    p.erased.push(KeyId::User(*org, id));
                }
                p.erased.push(KeyId::Org(*org));
            }
            w => p.desk[i] = seal_desk(store, change.org, w).await?,
        }
    }
    Ok(())
}

/// Seals a desk write's customer text and hashes its mail ids; `None` for other writes.
async fn seal_desk(
    store: &Store,
    change_org: Option<skydir_core::ids::OrgId>,
    w: &Write,
) -> StoreResult<Option<SealedDesk>> {
    let keyring = store.keyring();
    Ok(Some(match w {
        Write::CreateTicket(t) | Write::UpdateTicket(t) => {
            let org_key = keyring.get(KeyId::Org(t.org)).await?;
            SealedDesk::Ticket(seal_ticket(t, &org_key)?)
        }
        Write::AddMessage {
            message,
            attachments,
        } => {
            let sealed_for = match message.author {
                MessageAuthor::Customer { user } => Some(user),
                _ => None,
            };
            let key = match sealed_for {
                Some(user) => match keyring.get(KeyId::User(message.org, user)).await {
                    Err(StoreError::KeyMissing { .. }) => {
                        return Err(CoreError::not_found("user", user.to_string()).into());
                    }
                    other => other?,
                },
                None => keyring.get(KeyId::Org(message.org)).await?,
            };
            let content = MessageContent {
                body: message.body.clone(),
                mail_id: message.mail_id.clone(),
                attachments: message.attachments.clone(),
            };
            let mid = message.id.to_string();
            let mut files = Vec::with_capacity(attachments.len());
            for a in attachments {
                let aid = a.meta.id.to_string();
                let size = i64::try_from(a.content.len())
                    .map_err(|_| StoreError::corrupt("attachment size"))?;
                files.push((
                    aid.clone(),
                    size,
                    seal_attachment(message.org, &aid, &a.content, &key)?,
                ));
            }
            SealedDesk::Message {
                content: seal_message(message.org, &mid, &content, &key)?,
                sealed_for,
                attachments: files,
            }
        }
        Write::QueueMail(m) => SealedDesk::Mail(seal_mail(m, &keyring.deployment().await?)?),
        Write::LinkMail { message_ids, .. } => {
            let key = keyring.deployment().await?;
            SealedDesk::Hashes(
                message_ids
                    .iter()
                    .map(|id| thread_hash(&key, id))
                    .collect::<StoreResult<_>>()?,
            )
        }
        Write::SetTotp { user, enrollment } => {
            let org = change_org.ok_or_else(|| {
                CoreError::Internal("an authenticator outside an organization".into())
            })?;
            let key = match keyring.get(KeyId::User(org, *user)).await {
                Err(StoreError::KeyMissing { .. }) => {
                    return Err(CoreError::not_found("user", user.to_string()).into());
                }
                other => other?,
            };
            SealedDesk::Sealed(crate::rows::user::seal_totp(
                org,
                *user,
                &enrollment.secret[..],
                &key,
            )?)
        }
        Write::PutEmailChange(c) => {
            let key = match keyring.get(KeyId::User(c.org, c.user)).await {
                Err(StoreError::KeyMissing { .. }) => {
                    return Err(CoreError::not_found("user", c.user.to_string()).into());
                }
                other => other?,
            };
            match crate::rows::email_change::seal(c, &key)? {
                Some(ct) => SealedDesk::Sealed(ct),
                None => return Ok(None),
            }
        }
        Write::SetStaffTotp { staff, enrollment } => {
            SealedDesk::Sealed(crate::rows::staff_totp::seal(
                *staff,
                &enrollment.secret[..],
                &keyring.deployment().await?,
            )?)
        }
        Write::Subscribe(x) => {
            let key = keyring.get(KeyId::Org(x.org)).await?;
            SealedDesk::Sealed(crate::rows::privacy::seal(
                x.org,
                "privacy_subscriptions",
                &x.id.to_string(),
                "email",
                x.email.as_str(),
                &key,
            )?)
        }
        Write::RecordObjection(o) => {
            let key = keyring.get(KeyId::Org(o.org)).await?;
            SealedDesk::Sealed(crate::rows::privacy::seal(
                o.org,
                "privacy_objections",
                &o.id.to_string(),
                "reason",
                &o.reason,
                &key,
            )?)
        }
        Write::SignDpa(d) => {
            let key = keyring.get(KeyId::Org(d.org)).await?;
            let who = serde_json::to_string(&(&d.signer_name, &d.signer_title))
                .map_err(|_| StoreError::corrupt("a DPA signer does not serialize"))?;
            SealedDesk::Sealed(crate::rows::privacy::seal(
                d.org,
                "dpa_signatures",
                &d.id.to_string(),
                "signer",
                &who,
                &key,
            )?)
        }
        Write::PutConnector(c) => {
            let json = serde_json::to_string(c)
                .map_err(|_| StoreError::corrupt("a connector does not serialize"))?;
            SealedDesk::Sealed(crate::rows::privacy::seal_deployment(
                "privacy_connectors",
                &c.id.to_string(),
                &json,
                &keyring.deployment().await?,
            )?)
        }
        Write::PutDataRequest(r) => {
            let json = serde_json::to_string(r)
                .map_err(|_| StoreError::corrupt("a data request does not serialize"))?;
            let key = keyring.get(KeyId::Org(r.org)).await?;
            SealedDesk::Sealed(crate::rows::privacy::seal(
                r.org,
                "data_requests",
                &r.id.to_string(),
                "entry",
                &json,
                &key,
            )?)
        }
        Write::PutErasure(r) => {
            let json = serde_json::to_string(r)
                .map_err(|_| StoreError::corrupt("an erasure request does not serialize"))?;
            SealedDesk::Sealed(crate::rows::privacy::seal_deployment(
                "erasure_requests",
                &r.id.to_string(),
                &json,
                &keyring.deployment().await?,
            )?)
        }
        Write::RecordAnswer { address, .. } => {
            SealedDesk::Hashes(vec![crate::crypto::global_email_index(
                &keyring.deployment().await?,
                address,
            )?])
        }
        Write::RecordInbound { key, .. } => {
            SealedDesk::Hashes(vec![inbound_hash(&keyring.deployment().await?, key)?])
        }
        _ => return Ok(None),
    }))
}

async fn seal(
    store: &Store,
    user: &User,
    user_key: &crate::crypto::DataKey,
) -> StoreResult<SealedUser> {
    let org_key = store.keyring().get(KeyId::Org(user.org)).await?;
    let deployment_key = store.keyring().deployment().await?;
    seal_user(user, user_key, &org_key, &deployment_key)
}
