//! Legacy password schemes found in OpenLDAP and 389-ds exports: `{SSHA}` (salted SHA-1),
//! `{SSHA512}` and `{CRYPT}` with bcrypt (`$2a$`, `$2b$`, `$2y$`). Verification only: skydir never
//! writes these, and re-hashes to Argon2id on the next successful login.

use crate::error::CoreError;
use base64::Engine;
use sha1::Sha1;
use sha2::{Digest, Sha512};
use subtle::ConstantTimeEq;

/// Splits `{SCHEME}rest`.
pub fn split_scheme(stored: &str) -> Option<(&str, &str)> {
    let rest = stored.strip_prefix('{')?;
    let (scheme, value) = rest.split_once('}')?;
    if scheme.is_empty()
        || !scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-')
    {
        return None;
    }
    Some((scheme, value))
}

/// Decodes base64(digest ‖ salt).
pub fn decode_salted(b64: &str) -> Option<Vec<u8>> {
    base64::engine::general_purpose::STANDARD
        .decode(b64.trim())
        .ok()
}

fn verify_salted<D: Digest>(b64: &str, pw: &[u8], digest_len: usize) -> Result<bool, CoreError> {
    let raw = decode_salted(b64)
        .ok_or_else(|| CoreError::Internal("stored salted hash is not base64".into()))?;
    if raw.len() <= digest_len {
        return Err(CoreError::Internal("stored salted hash has no salt".into()));
    }
    let (expected, salt) = raw.split_at(digest_len);
    let mut h = D::new();
    h.update(pw);
    h.update(salt);
    let got = h.finalize();
    Ok(bool::from(got.as_slice().ct_eq(expected)))
}

/// `{SSHA}`: base64(SHA1(password ‖ salt) ‖ salt).
pub fn verify_ssha1(b64: &str, pw: &[u8]) -> Result<bool, CoreError> {
    verify_salted::<Sha1>(b64, pw, 20)
}

/// `{SSHA512}`: base64(SHA512(password ‖ salt) ‖ salt).
pub fn verify_ssha512(b64: &str, pw: &[u8]) -> Result<bool, CoreError> {
    verify_salted::<Sha512>(b64, pw, 64)
}

/// `{CRYPT}`: only the bcrypt variants are accepted (DES and MD5 crypt are too weak to honour).
pub fn verify_crypt(value: &str, pw: &[u8]) -> Result<bool, CoreError> {
    if !(value.starts_with("$2a$") || value.starts_with("$2b$") || value.starts_with("$2y$")) {
        return Err(CoreError::Internal(
            "{CRYPT} hashes other than bcrypt ($2a$/$2b$/$2y$) are not supported".into(),
        ));
    }
    bcrypt::verify(pw, value).map_err(|e| CoreError::Internal(format!("bcrypt: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::credential::{Argon2Params, Verification, verify_password};
    use crate::secret::Secret;

    fn ssha<D: Digest>(pw: &str, salt: &[u8]) -> String {
        let mut h = D::new();
        h.update(pw.as_bytes());
        h.update(salt);
        let mut raw = h.finalize().to_vec();
        raw.extend_from_slice(salt);
        base64::engine::general_purpose::STANDARD.encode(raw)
    }

    #[test]
    fn ssha_and_ssha512_verify_and_ask_for_rehash() {
        let p = Argon2Params {
            memory_kib: 64,
            iterations: 1,
            parallelism: 1,
        };
        let s1 = format!("{{SSHA}}{}", ssha::<Sha1>("pa55word", b"salt1234"));
        let s5 = format!("{{SSHA512}}{}", ssha::<Sha512>("pa55word", b"saltsalt"));
        for s in [&s1, &s5] {
            assert_eq!(
                verify_password(s, &Secret::new("pa55word"), &p),
                Ok(Verification::Match { rehash: true })
            );
            assert_eq!(
                verify_password(s, &Secret::new("wrong"), &p),
                Ok(Verification::Mismatch)
            );
        }
    }

    #[test]
    fn openldap_slappasswd_ssha_vector() {
        // `slappasswd -h {SSHA} -s secret` style value built from a fixed salt.
        let v = format!(
            "{{SSHA}}{}",
            ssha::<Sha1>("secret", &[0xde, 0xad, 0xbe, 0xef])
        );
        assert!(verify_ssha1(v.trim_start_matches("{SSHA}"), b"secret").unwrap_or(false));
    }

    #[test]
    fn bcrypt_crypt_verifies() {
        let h = bcrypt::hash_with_salt("hunter22", 4, [3u8; 16])
            .map(|h| h.format_for_version(bcrypt::Version::TwoY));
        let h = h.unwrap_or_default();
        let p = Argon2Params {
            memory_kib: 64,
            iterations: 1,
            parallelism: 1,
        };
        let stored = format!("{{CRYPT}}{h}");
        assert_eq!(
            verify_password(&stored, &Secret::new("hunter22"), &p),
            Ok(Verification::Match { rehash: true })
        );
        assert_eq!(
            verify_password(&stored, &Secret::new("hunter23"), &p),
            Ok(Verification::Mismatch)
        );
        assert!(verify_crypt("$1$abc$def", b"x").is_err());
    }

    #[test]
    fn malformed_legacy_values_are_errors() {
        assert!(verify_ssha1("!!!", b"x").is_err());
        assert!(verify_ssha1("AAAA", b"x").is_err());
        assert_eq!(split_scheme("{SSHA}abc"), Some(("SSHA", "abc")));
        assert_eq!(split_scheme("SSHA}abc"), None);
    }
}
