//! Password-reset links: an org admin cannot set a user's password (nobody sets another
//! person's), but can mail the user a one-time link with which the user sets it themself.
//! Only the SHA-256 of the link's token is kept.

use crate::ids::{OrgId, UserId};
use jiff::{SignedDuration, Timestamp};

/// How long a link works.
pub const RESET_VALID_FOR: SignedDuration = SignedDuration::from_hours(24);

/// One mailed link.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PasswordReset {
    /// Hex SHA-256 of the token in the link.
    pub token_hash: String,
    pub org: OrgId,
    pub user: UserId,
    pub created_at: Timestamp,
    pub expires_at: Timestamp,
    pub used_at: Option<Timestamp>,
}

impl PasswordReset {
    /// Whether the link may still be used at `now`.
    pub fn usable(&self, now: Timestamp) -> bool {
        self.used_at.is_none() && now < self.expires_at
    }
}
