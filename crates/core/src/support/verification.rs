//! Verified requests: how the desk does the things the support policy allows only "with proper
//! authorization" — deleting an account (a user's, or the organization's with all its data)
//! and disclosing account information. (Making a
//! user an administrator was a third until staff stopped touching roles at all; a stored
//! request of that kind still reads, and is refused when confirmed.)
//!
//! An agent never does them. The agent opens a [`VerificationRequest`] on the ticket; skydir
//! sends every active administrator of the org a confirmation link (a single-use, unguessable
//! token — 256 random bits, only its SHA-256 stored — that expires after [`LIFETIME`]); an
//! administrator who opens it sees exactly what was asked, confirms or rejects it (with their
//! authenticator code when they have one), and only on confirmation does skydir itself carry
//! the action out, in the same change that records the decision. Password changes and access
//! to resources or roles are never verified into happening: the policy forbids them outright.

use super::security::SecurityRequest;
use crate::error::{CoreError, CoreResult};
use crate::ids::{OrgId, StaffId, TicketId, UserId, VerificationId};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// How long a confirmation link works.
pub const LIFETIME: SignedDuration = SignedDuration::from_hours(24);

/// The prefix of confirmation tokens (lets secret scanners recognize a leaked one).
pub const TOKEN_PREFIX: &str = "skv_";

/// What a verified request does once confirmed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum VerifiedAction {
    /// Grant the org-admin role to `user`: no longer opened (staff never change roles); kept
    /// so requests stored before still read, and are refused.
    MakeAdmin { user: UserId },
    /// Delete `user`'s account (erasure: records removed, key destroyed).
    DeleteUser { user: UserId },
    /// Delete the organization and all its data: skydir schedules its purge after the grace
    /// period, during which any of its admins can cancel.
    DeleteOrg,
    /// Tell the requester the org's account information (plan, seats, admins, counts).
    DiscloseAccountInformation,
}

impl VerifiedAction {
    /// The policy's name for it.
    pub fn request(&self) -> SecurityRequest {
        match self {
            Self::MakeAdmin { .. } => SecurityRequest::MakeAdmin,
            Self::DeleteUser { .. } => SecurityRequest::DeleteAccount,
            Self::DeleteOrg => SecurityRequest::DeleteOrganization,
            Self::DiscloseAccountInformation => SecurityRequest::DiscloseAccountInformation,
        }
    }

    /// The wire name.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::MakeAdmin { .. } => "make_admin",
            Self::DeleteUser { .. } => "delete_account",
            Self::DeleteOrg => "delete_organization",
            Self::DiscloseAccountInformation => "disclose_account_information",
        }
    }

    /// What will happen, in words (`username`: the user it is about, if any).
    pub fn describe(&self, username: Option<&str>, org: &str) -> String {
        let who = username.unwrap_or("(unknown user)");
        match self {
            Self::MakeAdmin { .. } => {
                format!("make the user '{who}' an administrator of the organization '{org}'")
            }
            Self::DeleteUser { .. } => format!(
                "delete the account of the user '{who}' of the organization '{org}' (this \
                 cannot be undone)"
            ),
            Self::DeleteOrg => format!(
                "delete the organization '{org}' and all its data (it is purged after the grace \
                 period unless an administrator cancels; then nothing can be recovered)"
            ),
            Self::DiscloseAccountInformation => format!(
                "send the requester the account information of the organization '{org}': its \
                 plan, seats, administrators and the number of users and systems"
            ),
        }
    }
}

/// Where a request stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum VerificationState {
    Pending,
    /// Confirmed by the admin `by`; skydir carried the action out at `at`.
    Confirmed {
        by: UserId,
        at: Timestamp,
    },
    Rejected {
        by: UserId,
        at: Timestamp,
    },
}

/// A verified request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerificationRequest {
    pub id: VerificationId,
    pub org: OrgId,
    pub ticket: TicketId,
    pub ticket_number: u64,
    pub action: VerifiedAction,
    /// The username the action is about, as the agent gave it (for the people who read it).
    pub subject_username: Option<String>,
    pub opened_by: StaffId,
    pub opened_at: Timestamp,
    pub expires_at: Timestamp,
    pub state: VerificationState,
    pub version: u64,
}

impl VerificationRequest {
    /// The state as people read it: a pending request past its time has expired.
    pub fn state_name(&self, now: Timestamp) -> &'static str {
        match self.state {
            VerificationState::Pending if now >= self.expires_at => "expired",
            VerificationState::Pending => "pending",
            VerificationState::Confirmed { .. } => "confirmed",
            VerificationState::Rejected { .. } => "rejected",
        }
    }

    /// Whether an admin may still decide it at `now`; the error says why not.
    pub fn decidable(&self, now: Timestamp) -> CoreResult<()> {
        match self.state_name(now) {
            "pending" => Ok(()),
            "expired" => Err(CoreError::conflict(
                "verification",
                "this confirmation link has expired; ask support to open a new verification",
            )),
            other => Err(CoreError::conflict(
                "verification",
                format!("this request was already {other} by an administrator"),
            )),
        }
    }
}

/// One administrator's confirmation link, as stored: the hash of its token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Challenge {
    pub verification: VerificationId,
    pub admin: UserId,
    pub token_hash: [u8; 32],
}

/// A confirmation token from 32 random bytes: `skv_` and 43 base64url characters.
pub fn token_from_random(bytes: [u8; 32]) -> String {
    format!("{TOKEN_PREFIX}{}", URL_SAFE_NO_PAD.encode(bytes))
}

/// The stored form of a presented token, or `None` when it cannot be one of ours.
pub fn token_hash(presented: &str) -> Option<[u8; 32]> {
    let body = presented.trim().strip_prefix(TOKEN_PREFIX)?;
    let raw = URL_SAFE_NO_PAD.decode(body).ok()?;
    if raw.len() != 32 {
        return None;
    }
    Some(Sha256::digest(presented.trim().as_bytes()).into())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn tokens_are_recognized_and_hashed_and_nothing_else_is() {
        let t = token_from_random([7; 32]);
        assert!(t.starts_with("skv_") && t.len() == 47);
        assert_eq!(token_hash(&t), token_hash(&format!(" {t} ")));
        assert!(token_hash("skv_short").is_none());
        assert!(token_hash(&t.replace("skv_", "skd_")).is_none());
        assert_ne!(token_hash(&t), token_hash(&token_from_random([8; 32])));
    }

    #[test]
    fn a_pending_request_expires_and_a_decided_one_stays_decided() {
        let at: Timestamp = "2026-06-01T12:00:00Z".parse().unwrap();
        let mut r = VerificationRequest {
            id: VerificationId::from_random([1; 16]),
            org: OrgId::from_random([2; 16]),
            ticket: TicketId::from_random([3; 16]),
            ticket_number: 4,
            action: VerifiedAction::DiscloseAccountInformation,
            subject_username: None,
            opened_by: StaffId::from_random([5; 16]),
            opened_at: at,
            expires_at: at + LIFETIME,
            state: VerificationState::Pending,
            version: 1,
        };
        assert!(r.decidable(at).is_ok());
        let later = at + LIFETIME;
        assert_eq!(r.state_name(later), "expired");
        assert!(
            r.decidable(later)
                .unwrap_err()
                .to_string()
                .contains("expired")
        );
        r.state = VerificationState::Rejected {
            by: UserId::from_random([6; 16]),
            at,
        };
        assert!(
            r.decidable(at)
                .unwrap_err()
                .to_string()
                .contains("already rejected")
        );
    }
}
