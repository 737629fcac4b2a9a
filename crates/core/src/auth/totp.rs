//! TOTP second factor (RFC 6238: SHA-1, six digits, 30-second steps, one step of clock skew
//! either way — what every authenticator app speaks), on top of the `totp-rs` crate.
//!
//! A user enrolls by receiving a fresh secret (shown once, as an `otpauth://` URI and in
//! base32) and proving it with a first code; only then does it count. Each code is accepted
//! once: the step of the last code used is remembered, and a code of that step or an earlier
//! one is refused, so a code read over a shoulder cannot be replayed. The secret is sealed at
//! rest under the user's own key and never shown again.

use crate::error::{CoreError, CoreResult};
use crate::secret::Secret;
use jiff::Timestamp;
use totp_rs::{Builder, Totp};
use zeroize::Zeroizing;

/// Bytes of a TOTP secret (160 bits, RFC 4226's recommendation).
pub const SECRET_BYTES: usize = 20;

/// A user's TOTP enrollment as stored.
#[derive(Clone, PartialEq, Eq)]
pub struct TotpEnrollment {
    pub secret: Zeroizing<[u8; SECRET_BYTES]>,
    /// Proven by a first code; until then it asks nothing at login.
    pub confirmed: bool,
    /// The step (Unix time / 30) of the last code accepted.
    pub last_step: u64,
}

impl std::fmt::Debug for TotpEnrollment {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TotpEnrollment")
            .field("confirmed", &self.confirmed)
            .field("last_step", &self.last_step)
            .finish_non_exhaustive()
    }
}

fn totp(secret: &[u8; SECRET_BYTES], account: &str) -> CoreResult<Totp> {
    Builder::new()
        .with_secret(secret.to_vec())
        .with_account_name(account)
        .with_issuer(Some("skydir"))
        .build()
        .map_err(|_| CoreError::Internal("a TOTP secret could not be used".into()))
}

impl TotpEnrollment {
    /// The `otpauth://` URI an authenticator app scans, and the secret in base32 for typing.
    pub fn provisioning(&self, account: &str) -> CoreResult<(Secret, Secret)> {
        let t = totp(&self.secret, account)?;
        let uri = t
            .to_url()
            .map_err(|_| CoreError::Internal("a TOTP URI could not be written".into()))?;
        let b32 = totp_rs::Secret::new(self.secret.to_vec().into_boxed_slice()).to_base32();
        Ok((Secret::new(uri), Secret::new(b32)))
    }

    /// Confirms a new enrollment with its first code (which is then used up).
    pub fn confirm(&mut self, code: &str, now: Timestamp) -> CoreResult<()> {
        if self.confirmed {
            return Err(CoreError::conflict(
                "totp",
                "the authenticator is already confirmed",
            ));
        }
        self.last_step = self.check(code, now)?;
        self.confirmed = true;
        Ok(())
    }

    /// Whether `code` allows removing this enrollment: any code while unconfirmed (nothing was
    /// ever proven with it), a current one once confirmed.
    pub fn allows_removal(&self, code: &str, now: Timestamp) -> CoreResult<()> {
        if self.confirmed {
            self.check(code, now)?;
        }
        Ok(())
    }

    /// Checks `code` at `now`: `Ok(step)` to remember as the last one used, or an error that
    /// says the code is wrong (never which way).
    pub fn check(&self, code: &str, now: Timestamp) -> CoreResult<u64> {
        let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
        let wrong = || {
            CoreError::invalid(
                "totp",
                "the authenticator code is wrong or was already used",
            )
        };
        if code.len() != 6 || !code.chars().all(|c| c.is_ascii_digit()) {
            return Err(CoreError::invalid(
                "totp",
                "an authenticator code is six digits",
            ));
        }
        let secs = u64::try_from(now.as_second()).map_err(|_| wrong())?;
        let step = totp(&self.secret, "check")?
            .check(&code, secs)
            .ok_or_else(wrong)?;
        if step <= self.last_step {
            return Err(wrong());
        }
        Ok(step)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn enrollment() -> TotpEnrollment {
        TotpEnrollment {
            secret: Zeroizing::new(*b"12345678901234567890"),
            confirmed: true,
            last_step: 0,
        }
    }

    #[test]
    fn rfc_6238_test_vector_is_accepted_once_and_only_near_its_time() {
        // RFC 6238 appendix B, SHA-1: at 59 s the 8-digit code is 94287082; its last six
        // digits are the 6-digit code.
        let e = enrollment();
        let at = Timestamp::from_second(59).unwrap();
        let step = e.check("287082", at).unwrap();
        assert_eq!(step, 1);
        let used = TotpEnrollment {
            last_step: step,
            ..e.clone()
        };
        assert!(used.check("287082", at).is_err(), "no replay");
        // One step of skew is allowed, two are not.
        assert!(
            e.check("287082", Timestamp::from_second(89).unwrap())
                .is_ok()
        );
        assert!(
            e.check("287082", Timestamp::from_second(150).unwrap())
                .is_err()
        );
        assert!(e.check("28708", at).is_err());
        assert!(e.check(" 287 082 ", at).is_ok(), "spaces are forgiven");
    }

    #[test]
    fn the_provisioning_uri_names_the_issuer_and_account() {
        let (uri, b32) = enrollment().provisioning("alice@acme").unwrap();
        assert!(
            uri.expose()
                .starts_with("otpauth://totp/skydir:alice%40acme?"),
            "{}",
            uri.expose()
        );
        assert_eq!(b32.expose(), "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
        assert!(!format!("{:?}", enrollment()).contains("1234"));
    }
}
