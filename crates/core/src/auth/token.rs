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
}

impl ApiToken {
    /// The org the token belongs to, if it is an org user's token.
    pub fn org(&self) -> Option<OrgId> {
        match self.subject {
            TokenSubject::User { org, .. } => Some(org),
            _ => None,
        }
    }

    /// Whether the token may be used at `now`.
    pub fn usable(&self, now: Timestamp) -> bool {
        self.revoked_at.is_none() && self.expires_at.is_none_or(|e| now < e)
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
