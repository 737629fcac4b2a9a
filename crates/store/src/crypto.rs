//! Field encryption, key wrapping and the email blind index.
//!
//! Every personal field is sealed with XChaCha20-Poly1305 under its owner's data key, with a
//! random 24-byte nonce and associated data naming org, table, record and field, so ciphertext
//! copied to another row or column fails to open. Stored form: `v1:` + base64(nonce ‖ ct‖tag).
//! Data keys are wrapped the same way by the KEK, with the key id as associated data.

use crate::error::{StoreError, StoreResult};
use base64::Engine;
use base64::engine::general_purpose::STANDARD_NO_PAD;
use chacha20poly1305::aead::{Aead, Payload};
use chacha20poly1305::{KeyInit, XChaCha20Poly1305, XNonce};
use hkdf::Hkdf;
use hmac::{Hmac, Mac};
use rand::TryRngCore;
use rand::rngs::OsRng;
use sha2::Sha256;
use std::fmt;
use zeroize::Zeroizing;

const PREFIX: &str = "v1:";
const NONCE_LEN: usize = 24;

/// HKDF info for the key of the email blind index.
const BLIND_INDEX_INFO: &[u8] = b"skydir/blind-index/email";

/// HKDF info for the key of the deployment-wide email index.
const GLOBAL_INDEX_INFO: &[u8] = b"skydir/blind-index/email/deployment";

/// A 32-byte symmetric key held in memory only, zeroized on drop.
#[derive(Clone)]
pub(crate) struct DataKey(Zeroizing<[u8; 32]>);

impl DataKey {
    /// A fresh random key.
    pub(crate) fn generate() -> StoreResult<Self> {
        let mut k = Zeroizing::new([0u8; 32]);
        random(k.as_mut())?;
        Ok(Self(k))
    }

    pub(crate) fn from_bytes(bytes: Zeroizing<[u8; 32]>) -> Self {
        Self(bytes)
    }

    pub(crate) fn bytes(&self) -> &[u8; 32] {
        &self.0
    }
}

impl fmt::Debug for DataKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("DataKey(***)")
    }
}

/// Fills `buf` from the operating system's CSPRNG.
pub(crate) fn random(buf: &mut [u8]) -> StoreResult<()> {
    OsRng.try_fill_bytes(buf).map_err(|_| StoreError::Random)
}

/// Seals `plaintext` under `key`, bound to `aad`.
pub(crate) fn seal(key: &[u8; 32], aad: &[u8], plaintext: &[u8]) -> StoreResult<String> {
    let cipher = XChaCha20Poly1305::new_from_slice(key)
        .map_err(|_| StoreError::corrupt("data key has the wrong length"))?;
    let mut nonce = [0u8; NONCE_LEN];
    random(&mut nonce)?;
    let ct = cipher
        .encrypt(
            &XNonce::from(nonce),
            Payload {
                msg: plaintext,
                aad,
            },
        )
        .map_err(|_| StoreError::corrupt("encryption failed"))?;
    let mut out = Vec::with_capacity(NONCE_LEN + ct.len());
    out.extend_from_slice(&nonce);
    out.extend_from_slice(&ct);
    Ok(format!("{PREFIX}{}", STANDARD_NO_PAD.encode(out)))
}

/// Opens what [`seal`] produced; `what` names the value in the error (never its content).
pub(crate) fn open(
    key: &[u8; 32],
    aad: &[u8],
    sealed: &str,
    what: impl Fn() -> String,
) -> StoreResult<Zeroizing<Vec<u8>>> {
    let fail = || StoreError::Decrypt { what: what() };
    let body = sealed.strip_prefix(PREFIX).ok_or_else(fail)?;
    let raw = STANDARD_NO_PAD.decode(body).map_err(|_| fail())?;
    if raw.len() < NONCE_LEN {
        return Err(fail());
    }
    let (nonce, ct) = raw.split_at(NONCE_LEN);
    let nonce = XNonce::try_from(nonce).map_err(|_| fail())?;
    let cipher = XChaCha20Poly1305::new_from_slice(key).map_err(|_| fail())?;
    cipher
        .decrypt(&nonce, Payload { msg: ct, aad })
        .map(Zeroizing::new)
        .map_err(|_| fail())
}

/// Associated data of one personal field of a user.
pub(crate) fn user_field_aad(org: &str, user: &str, field: &str) -> String {
    format!("skydir/v1|{org}|users|{user}|{field}")
}

/// A key derived from `key` for one purpose (HKDF-SHA256; `info` names the purpose), so one
/// stored key can serve several uses without any two sharing key material.
pub(crate) fn derive(key: &DataKey, info: &[u8]) -> StoreResult<DataKey> {
    let hk = Hkdf::<Sha256>::new(None, key.bytes());
    let mut out = Zeroizing::new([0u8; 32]);
    hk.expand(info, out.as_mut())
        .map_err(|_| StoreError::corrupt("key derivation failed"))?;
    Ok(DataKey(out))
}

/// Hex HMAC-SHA256 of `value` under `key`: an equality index that reveals nothing without
/// the key.
pub(crate) fn keyed_hash(key: &DataKey, value: &[u8]) -> StoreResult<String> {
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key.bytes())
        .map_err(|_| StoreError::corrupt("index key has the wrong length"))?;
    mac.update(value);
    Ok(hex::encode(mac.finalize().into_bytes()))
}

/// The email blind index: hex HMAC-SHA256 of the normalized address, keyed by a key derived
/// (HKDF-SHA256) from the org's data key. Equal addresses in one org give equal indexes; the
/// index reveals nothing without the org key.
pub(crate) fn blind_index(org_key: &DataKey, normalized_email: &str) -> StoreResult<String> {
    keyed_hash(
        &derive(org_key, BLIND_INDEX_INFO)?,
        normalized_email.as_bytes(),
    )
}

/// The deployment-wide email index: the same, keyed from the deployment key, so an address
/// is found in every org that has it (how inbound mail finds its sender).
pub(crate) fn global_email_index(
    deployment_key: &DataKey,
    normalized_email: &str,
) -> StoreResult<String> {
    keyed_hash(
        &derive(deployment_key, GLOBAL_INDEX_INFO)?,
        normalized_email.as_bytes(),
    )
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn sealed_fields_open_only_with_the_same_key_and_aad() {
        let k = DataKey::generate().unwrap();
        let other = DataKey::generate().unwrap();
        let s = seal(k.bytes(), b"a|phones", b"+1 555").unwrap();
        assert!(s.starts_with("v1:"));
        assert_eq!(
            open(k.bytes(), b"a|phones", &s, String::new)
                .unwrap()
                .as_slice(),
            b"+1 555"
        );
        assert!(open(k.bytes(), b"b|phones", &s, String::new).is_err());
        assert!(open(other.bytes(), b"a|phones", &s, String::new).is_err());
        assert!(open(k.bytes(), b"a|phones", "v1:AAAA", String::new).is_err());
        // Nonces are random: the same plaintext seals differently.
        assert_ne!(s, seal(k.bytes(), b"a|phones", b"+1 555").unwrap());
    }

    #[test]
    fn blind_index_is_deterministic_per_org_key() {
        let k = DataKey::generate().unwrap();
        let other = DataKey::generate().unwrap();
        let a = blind_index(&k, "ann@example.com").unwrap();
        assert_eq!(a, blind_index(&k, "ann@example.com").unwrap());
        assert_ne!(a, blind_index(&other, "ann@example.com").unwrap());
        assert_eq!(a.len(), 64);
    }
}
