//! Password hashing with Argon2id, and verification of stored hashes of any supported scheme.
//!
//! New hashes are PHC strings (`$argon2id$v=19$m=…,t=…,p=…$salt$hash`). Imported legacy hashes
//! (`{SSHA}`, `{SSHA512}`, `{CRYPT}` bcrypt, `{ARGON2}`) verify too, and a successful verification
//! of anything but an Argon2id hash with the current parameters asks the caller to re-hash.

use super::legacy;
use super::policy::LoginState;
use crate::error::CoreError;
use crate::secret::Secret;
use argon2::{Algorithm, Argon2, Params, PasswordHash, PasswordHasher, PasswordVerifier, Version};
use serde::{Deserialize, Serialize};

/// Argon2id cost parameters. The default is OWASP's first recommendation
/// (m = 19 MiB, t = 2, p = 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Argon2Params {
    pub memory_kib: u32,
    pub iterations: u32,
    pub parallelism: u32,
}

impl Default for Argon2Params {
    fn default() -> Self {
        Self {
            memory_kib: 19_456,
            iterations: 2,
            parallelism: 1,
        }
    }
}

impl Argon2Params {
    /// Checks the parameters are usable (Argon2's own bounds).
    pub fn check(&self) -> Result<(), CoreError> {
        self.argon2().map(|_| ())
    }

    fn argon2(&self) -> Result<Argon2<'static>, CoreError> {
        let params = Params::new(self.memory_kib, self.iterations, self.parallelism, None)
            .map_err(|e| CoreError::Internal(format!("argon2 parameters: {e}")))?;
        Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
    }
}

/// A user's stored credential: the hash string (never leaves the store and the auth service)
/// and the login-failure state used for lockout.
#[derive(Clone, PartialEq, Eq)]
pub struct Credential {
    pub hash: String,
    pub state: LoginState,
}

impl std::fmt::Debug for Credential {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credential")
            .field("hash", &"***")
            .field("state", &self.state)
            .finish()
    }
}

/// What a password check needs to know about a user, and nothing more: no personal data is
/// decrypted for a login or bind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoginRecord {
    pub user: crate::ids::UserId,
    pub status: crate::directory::UserStatus,
    /// `None` for a user without a password (they cannot log in with one).
    pub credential: Option<Credential>,
}

/// Outcome of checking a password against a stored hash.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verification {
    /// The password is right; `rehash` asks the caller to store a fresh Argon2id hash.
    Match { rehash: bool },
    /// The password is wrong.
    Mismatch,
}

/// Hashes `password` with Argon2id under `params`, using the caller's random `salt`.
pub fn hash_password(
    password: &Secret,
    salt: &[u8; 16],
    params: &Argon2Params,
) -> Result<String, CoreError> {
    let hash = params
        .argon2()?
        .hash_password_with_salt(password.expose().as_bytes(), salt)
        .map_err(|e| CoreError::Internal(format!("argon2 hashing: {e}")))?;
    Ok(hash.to_string())
}

/// Checks `password` against `stored`, whatever its scheme. An unknown or malformed stored hash
/// is an error (an operator problem), not a mismatch.
pub fn verify_password(
    stored: &str,
    password: &Secret,
    current: &Argon2Params,
) -> Result<Verification, CoreError> {
    let pw = password.expose().as_bytes();
    if stored.starts_with("$argon2") {
        return verify_phc_argon2(stored, pw, current, false);
    }
    let Some((scheme, rest)) = legacy::split_scheme(stored) else {
        return Err(CoreError::Internal(
            "stored password hash has an unknown format".into(),
        ));
    };
    let ok = match scheme.to_ascii_uppercase().as_str() {
        "ARGON2" => return verify_phc_argon2(rest, pw, current, true),
        "SSHA" => legacy::verify_ssha1(rest, pw)?,
        "SSHA512" => legacy::verify_ssha512(rest, pw)?,
        "CRYPT" => legacy::verify_crypt(rest, pw)?,
        other => {
            return Err(CoreError::Internal(format!(
                "unsupported password scheme {{{other}}}"
            )));
        }
    };
    Ok(if ok {
        Verification::Match { rehash: true }
    } else {
        Verification::Mismatch
    })
}

fn verify_phc_argon2(
    phc: &str,
    pw: &[u8],
    current: &Argon2Params,
    imported: bool,
) -> Result<Verification, CoreError> {
    let parsed = PasswordHash::new(phc)
        .map_err(|e| CoreError::Internal(format!("stored argon2 hash is malformed: {e}")))?;
    let verifier = current.argon2()?;
    match verifier.verify_password(pw, &parsed) {
        Ok(()) => {
            let same_params = !imported
                && parsed.algorithm.as_str() == "argon2id"
                && Params::try_from(&parsed).is_ok_and(|p| {
                    p.m_cost() == current.memory_kib
                        && p.t_cost() == current.iterations
                        && p.p_cost() == current.parallelism
                });
            Ok(Verification::Match {
                rehash: !same_params,
            })
        }
        Err(argon2::password_hash::Error::PasswordInvalid) => Ok(Verification::Mismatch),
        Err(e) => Err(CoreError::Internal(format!("argon2 verification: {e}"))),
    }
}

/// Largest Argon2 cost an imported hash may claim: verifying it costs this much at every login,
/// so an absurd value would let one import exhaust the server's memory or CPU.
pub const MAX_IMPORTED_ARGON2: Argon2Params = Argon2Params {
    memory_kib: 262_144,
    iterations: 10,
    parallelism: 8,
};

fn argon2_within_limits(phc: &str) -> bool {
    let Ok(parsed) = PasswordHash::new(phc) else {
        return false;
    };
    let Ok(p) = Params::try_from(&parsed) else {
        return false;
    };
    let max = MAX_IMPORTED_ARGON2;
    parsed.hash.is_some()
        && p.m_cost() <= max.memory_kib
        && p.t_cost() <= max.iterations
        && p.p_cost() <= max.parallelism
}

/// Whether `value` is a bcrypt hash of the exact shape `$2b$NN$` + 53 characters.
fn is_bcrypt(value: &str) -> bool {
    let b = value.as_bytes();
    b.len() == 60
        && (value.starts_with("$2a$") || value.starts_with("$2b$") || value.starts_with("$2y$"))
        && b[4].is_ascii_digit()
        && b[5].is_ascii_digit()
        && b[6] == b'$'
        && b[7..]
            .iter()
            .all(|c| c.is_ascii_alphanumeric() || *c == b'.' || *c == b'/')
}

/// Whether a value a caller wants to import is a hash we can verify later: a known scheme, the
/// right shape (salted hashes carry a salt), and an Argon2 cost within [`MAX_IMPORTED_ARGON2`].
pub fn is_supported_hash(stored: &str) -> bool {
    if stored.starts_with("$argon2") {
        return argon2_within_limits(stored);
    }
    match legacy::split_scheme(stored) {
        Some((scheme, rest)) => match scheme.to_ascii_uppercase().as_str() {
            "ARGON2" => argon2_within_limits(rest),
            "SSHA" => legacy::decode_salted(rest).is_some_and(|raw| raw.len() > 20),
            "SSHA512" => legacy::decode_salted(rest).is_some_and(|raw| raw.len() > 64),
            "CRYPT" => is_bcrypt(rest),
            _ => false,
        },
        None => false,
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn imports_refuse_saltless_misshapen_and_too_costly_hashes() {
        use base64::Engine;
        let b64 = |b: &[u8]| base64::engine::general_purpose::STANDARD.encode(b);
        assert!(is_supported_hash(&format!("{{SSHA}}{}", b64(&[1; 24]))));
        assert!(
            !is_supported_hash(&format!("{{SSHA}}{}", b64(&[1; 20]))),
            "no salt"
        );
        assert!(!is_supported_hash("{SSHA}"));
        assert!(!is_supported_hash(&format!("{{SSHA512}}{}", b64(&[1; 64]))));
        assert!(!is_supported_hash("{CRYPT}$2b$garbage"));
        let huge = "$argon2id$v=19$m=4194304,t=1,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g";
        assert!(!is_supported_hash(huge), "a 4 GiB claim is refused");
        let ok = "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g";
        assert!(is_supported_hash(ok));
    }

    use super::*;

    fn fast() -> Argon2Params {
        Argon2Params {
            memory_kib: 64,
            iterations: 1,
            parallelism: 1,
        }
    }

    #[test]
    fn argon2id_roundtrip_and_rehash_on_param_change() {
        let pw = Secret::new("correct horse battery staple");
        let h = hash_password(&pw, &[7; 16], &fast()).unwrap_or_default();
        assert!(h.starts_with("$argon2id$v=19$m=64,t=1,p=1$"));
        assert_eq!(
            verify_password(&h, &pw, &fast()),
            Ok(Verification::Match { rehash: false })
        );
        assert_eq!(
            verify_password(&h, &Secret::new("nope"), &fast()),
            Ok(Verification::Mismatch)
        );
        let stronger = Argon2Params {
            memory_kib: 128,
            ..fast()
        };
        assert_eq!(
            verify_password(&h, &pw, &stronger),
            Ok(Verification::Match { rehash: true })
        );
    }

    #[test]
    fn imported_openldap_argon2_is_rehashed() {
        let pw = Secret::new("secret123");
        let h = hash_password(&pw, &[9; 16], &fast()).unwrap_or_default();
        let imported = format!("{{ARGON2}}{h}");
        assert!(is_supported_hash(&imported));
        assert_eq!(
            verify_password(&imported, &pw, &fast()),
            Ok(Verification::Match { rehash: true })
        );
    }

    #[test]
    fn unknown_formats_are_errors_not_mismatches() {
        assert!(verify_password("plaintext", &Secret::new("x"), &fast()).is_err());
        assert!(verify_password("{MD5}abc", &Secret::new("x"), &fast()).is_err());
        assert!(!is_supported_hash("{MD5}abc"));
    }
}
