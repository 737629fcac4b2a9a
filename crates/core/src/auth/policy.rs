//! Per-org password policy and login lockout with exponential back-off.

use crate::error::CoreError;
use crate::secret::Secret;
use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};

/// An org's password rules.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PasswordPolicy {
    /// Fewest characters a new password may have.
    pub min_length: u32,
    /// Failed logins in a row before the account locks.
    pub max_failures: u32,
    /// First lockout length; each further failure doubles it, up to `lockout_max_secs`.
    pub lockout_secs: u64,
    /// Longest lockout.
    pub lockout_max_secs: u64,
}

/// Longest password accepted (bounds Argon2 input and request size).
pub const MAX_PASSWORD_LEN: usize = 1024;

impl Default for PasswordPolicy {
    fn default() -> Self {
        Self {
            min_length: 12,
            max_failures: 5,
            lockout_secs: 60,
            lockout_max_secs: 3600,
        }
    }
}

impl PasswordPolicy {
    /// Checks the policy's own values.
    pub fn validate(&self) -> Result<(), CoreError> {
        if !(8..=256).contains(&self.min_length) {
            return Err(CoreError::invalid(
                "password_policy.min_length",
                "must be between 8 and 256",
            ));
        }
        if !(1..=100).contains(&self.max_failures) {
            return Err(CoreError::invalid(
                "password_policy.max_failures",
                "must be between 1 and 100",
            ));
        }
        if self.lockout_secs == 0 || self.lockout_secs > self.lockout_max_secs {
            return Err(CoreError::invalid(
                "password_policy.lockout_secs",
                "must be at least 1 and at most lockout_max_secs",
            ));
        }
        if self.lockout_max_secs > 7 * 24 * 3600 {
            return Err(CoreError::invalid(
                "password_policy.lockout_max_secs",
                "must be at most a week",
            ));
        }
        Ok(())
    }

    /// Checks a new password against the policy.
    pub fn check_new_password(&self, password: &Secret) -> Result<(), CoreError> {
        let pw = password.expose();
        let n = pw.chars().count();
        if n < self.min_length as usize {
            return Err(CoreError::invalid(
                "password",
                format!(
                    "must be at least {} characters (this org's policy)",
                    self.min_length
                ),
            ));
        }
        if pw.len() > MAX_PASSWORD_LEN {
            return Err(CoreError::invalid(
                "password",
                format!("must be at most {MAX_PASSWORD_LEN} bytes"),
            ));
        }
        if pw.chars().any(char::is_control) {
            return Err(CoreError::invalid(
                "password",
                "must not contain control characters",
            ));
        }
        Ok(())
    }

    /// The lockout that follows `failures` consecutive failures, if any.
    pub fn lockout_after(&self, failures: u32) -> Option<SignedDuration> {
        if failures < self.max_failures {
            return None;
        }
        let doublings = (failures - self.max_failures).min(30);
        let secs = self
            .lockout_secs
            .saturating_mul(1u64 << doublings)
            .min(self.lockout_max_secs);
        Some(SignedDuration::from_secs(
            i64::try_from(secs).unwrap_or(i64::MAX),
        ))
    }
}

/// Consecutive failures and the lock they caused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct LoginState {
    pub failures: u32,
    pub locked_until: Option<Timestamp>,
}

impl LoginState {
    /// Refuses the attempt while the account is locked.
    pub fn check(&self, now: Timestamp) -> Result<(), CoreError> {
        match self.locked_until {
            Some(until) if now < until => {
                let secs = until.duration_since(now).as_secs().max(1);
                Err(CoreError::LockedOut {
                    retry_after_secs: u64::try_from(secs).unwrap_or(1),
                })
            }
            _ => Ok(()),
        }
    }

    /// The state after one more failure at `now`.
    pub fn after_failure(&self, now: Timestamp, policy: &PasswordPolicy) -> Self {
        let failures = self.failures.saturating_add(1);
        let locked_until = policy
            .lockout_after(failures)
            .and_then(|d| now.checked_add(d).ok());
        Self {
            failures,
            locked_until,
        }
    }

    /// The state after a success.
    pub fn after_success() -> Self {
        Self::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lockout_starts_at_max_failures_and_backs_off_exponentially_to_a_cap() {
        let p = PasswordPolicy {
            min_length: 12,
            max_failures: 3,
            lockout_secs: 60,
            lockout_max_secs: 300,
        };
        let now = Timestamp::UNIX_EPOCH;
        let mut s = LoginState::default();
        for _ in 0..2 {
            s = s.after_failure(now, &p);
            assert!(s.check(now).is_ok());
        }
        s = s.after_failure(now, &p);
        assert_eq!(
            s.check(now),
            Err(CoreError::LockedOut {
                retry_after_secs: 60
            })
        );
        s = s.after_failure(now, &p);
        assert_eq!(
            s.check(now),
            Err(CoreError::LockedOut {
                retry_after_secs: 120
            })
        );
        for _ in 0..10 {
            s = s.after_failure(now, &p);
        }
        assert_eq!(
            s.check(now),
            Err(CoreError::LockedOut {
                retry_after_secs: 300
            })
        );
        let later = now
            .checked_add(SignedDuration::from_secs(301))
            .unwrap_or(now);
        assert!(s.check(later).is_ok());
    }

    #[test]
    fn new_passwords_must_meet_min_length() {
        let p = PasswordPolicy::default();
        assert!(p.check_new_password(&Secret::new("short")).is_err());
        assert!(
            p.check_new_password(&Secret::new("long enough pass"))
                .is_ok()
        );
        assert!(
            p.check_new_password(&Secret::new("x".repeat(2000)))
                .is_err()
        );
    }
}
