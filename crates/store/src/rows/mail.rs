//! The mail tables as rows: the outbound queue sealed under the deployment key, and the keyed
//! hashes that stand for mail `Message-ID`s (thread index) and inbound duplicate keys, so no
//! address or id from a customer's mail is stored in clear.

use crate::crypto::{self, DataKey};
use crate::error::{StoreError, StoreResult};
use skydir_core::support::OutboundMail;

/// HKDF info of the thread-index key.
const THREAD_INFO: &[u8] = b"skydir/mail/thread";
/// HKDF info of the inbound duplicate-key index.
const INBOUND_INFO: &[u8] = b"skydir/mail/inbound";

fn aad(mail: &str) -> String {
    format!("skydir/v1|deployment|outbox|{mail}|mail")
}

/// Seals a queued mail.
pub(crate) fn seal_mail(m: &OutboundMail, deployment_key: &DataKey) -> StoreResult<String> {
    let plain =
        serde_json::to_vec(m).map_err(|_| StoreError::corrupt("outbox mail does not serialize"))?;
    crypto::seal(
        deployment_key.bytes(),
        aad(&m.id.to_string()).as_bytes(),
        &plain,
    )
}

/// Opens a queued mail stored as `id`.
pub(crate) fn open_mail(
    id: &str,
    sealed: &str,
    deployment_key: &DataKey,
) -> StoreResult<OutboundMail> {
    let plain = crypto::open(deployment_key.bytes(), aad(id).as_bytes(), sealed, || {
        format!("outbox mail {id}")
    })?;
    let mail: OutboundMail = serde_json::from_slice(&plain)
        .map_err(|_| StoreError::corrupt(format!("outbox mail {id} is malformed")))?;
    if mail.id.to_string() != id {
        return Err(StoreError::corrupt(format!(
            "outbox mail {id} holds another mail"
        )));
    }
    Ok(mail)
}

/// The stored form of a `Message-ID` in the thread index (angle brackets and case of the
/// domain do not matter: `<A@Example.com>` and `A@example.com` are one id).
pub(crate) fn thread_hash(deployment_key: &DataKey, message_id: &str) -> StoreResult<String> {
    let id = message_id
        .trim()
        .trim_start_matches('<')
        .trim_end_matches('>');
    let normalized = match id.rsplit_once('@') {
        Some((local, domain)) => format!("{local}@{}", domain.to_ascii_lowercase()),
        None => id.to_string(),
    };
    crypto::keyed_hash(
        &crypto::derive(deployment_key, THREAD_INFO)?,
        normalized.as_bytes(),
    )
}

/// The stored form of an inbound message's duplicate key.
pub(crate) fn inbound_hash(deployment_key: &DataKey, key: &str) -> StoreResult<String> {
    crypto::keyed_hash(
        &crypto::derive(deployment_key, INBOUND_INFO)?,
        key.as_bytes(),
    )
}
