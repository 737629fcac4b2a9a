//! API tokens: `skd_` followed by 43 characters of base64url randomness (256 bits). Only the
//! SHA-256 of a token is stored — enough for a high-entropy secret, and it lets the store look
//! the token up by hash without scanning.

use crate::ids::{OrgId, StaffId, TokenId, UserId};
use crate::secret::Secret;
use base64::Engine;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The prefix every skydir token starts with (lets secret scanners recognize leaked tokens).
pub const TOKEN_PREFIX: &str = "skd_";

/// Whom a token acts for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum TokenSubject {
    Operator {
        staff: StaffId,
    },
    Agent {
        staff: StaffId,
    },
    /// A user of an org; acts with that user's current role (admin or not) at each request.
    User {
        org: OrgId,
        user: UserId,
    },
}

/// A stored API token (its hash, never the token).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiToken {
    pub id: TokenId,
    pub subject: TokenSubject,
    pub name: String,
    pub secret_hash: [u8; 32],
    pub created_at: Timestamp,
    pub expires_at: Option<Timestamp>,
    pub revoked_at: Option<Timestamp>,
    /// When it was last used (kept to the minute: see [`TOUCH_EVERY`]); `None` until then.
    pub last_used_at: Option<Timestamp>,
    /// For a login session: it ends after this many seconds without use. Personal and staff
    /// tokens, which scripts use now and then, have none.
    pub idle_secs: Option<u32>,
}

/// How stale a token's recorded last use may get before a use writes it again: at most one
/// write a minute per token, however busy.
pub const TOUCH_EVERY: jiff::SignedDuration = jiff::SignedDuration::from_secs(60);

impl ApiToken {
    /// The org the token belongs to, if it is an org user's token.
    pub fn org(&self) -> Option<OrgId> {
        match self.subject {
            TokenSubject::User { org, .. } => Some(org),
            _ => None,
        }
    }

    /// Whether the token may be used at `now`: not revoked, not expired and — for a session —
    /// used within its idle limit.
    pub fn usable(&self, now: Timestamp) -> bool {
        self.revoked_at.is_none() && self.expires_at.is_none_or(|e| now < e) && !self.idle(now)
    }

    /// Whether a session has gone unused longer than its idle limit at `now`.
    pub fn idle(&self, now: Timestamp) -> bool {
        let Some(limit) = self.idle_secs else {
            return false;
        };
        let last = self.last_used_at.unwrap_or(self.created_at);
        now.duration_since(last) > jiff::SignedDuration::from_secs(i64::from(limit))
    }

    /// Whether a use at `now` should record itself: the first use always, later ones once
    /// the recorded one is [`TOUCH_EVERY`] old.
    pub fn due_for_touch(&self, now: Timestamp) -> bool {
        self.last_used_at
            .is_none_or(|last| now.duration_since(last) >= TOUCH_EVERY)
    }
}

/// Builds a token string from 32 random bytes.
pub fn token_from_random(bytes: [u8; 32]) -> Secret {
    Secret::new(format!(
        "{TOKEN_PREFIX}{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
    ))
}

/// The lookup hash of a presented token, or `None` if it does not have a token's shape.
pub fn token_hash(presented: &str) -> Option<[u8; 32]> {
    let body = presented.strip_prefix(TOKEN_PREFIX)?;
    if body.len() != 43
        || !body
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        return None;
    }
    Some(Sha256::digest(presented.as_bytes()).into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_shape_and_hash() {
        let t = token_from_random([1; 32]);
        assert!(t.expose().starts_with("skd_"));
        assert_eq!(t.expose().len(), 47);
        assert!(token_hash(t.expose()).is_some());
        assert!(token_hash("skd_short").is_none());
        assert!(token_hash("Bearer x").is_none());
    }
}
