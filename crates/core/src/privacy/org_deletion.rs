//! Deleting an organization (its admins' right; the seed's "request your organization (and
//! all data) to be deleted"). An admin asks; a second admin, or the requester through the link
//! mailed to them, confirms — so one stolen session cannot wipe an organization; a grace
//! period follows during which any admin can cancel; then everything is purged, the keys are
//! destroyed and the sub-processors' connectors are told. The request itself stays, naming
//! people by pseudonymous id only, as the record that it happened.

use crate::error::{CoreError, CoreResult};
use crate::ids::{OrgDeletionId, OrgId, UserId};
use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};

/// Where a deletion stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeletionState {
    /// Waiting for a second admin or the mailed confirmation.
    AwaitingConfirmation,
    /// Confirmed: purged at `purge_at` unless cancelled.
    Scheduled,
    Cancelled,
    Purged,
}

impl DeletionState {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::AwaitingConfirmation => "awaiting_confirmation",
            Self::Scheduled => "scheduled",
            Self::Cancelled => "cancelled",
            Self::Purged => "purged",
        }
    }
}

/// An organization's deletion request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrgDeletion {
    pub id: OrgDeletionId,
    pub org: OrgId,
    /// The org's slug and name, kept for the record after the purge.
    pub slug: String,
    pub name: String,
    pub requested_by: UserId,
    pub requested_at: Timestamp,
    /// SHA-256 of the mailed confirmation token (hex).
    pub token_hash: String,
    /// The link expires (a day).
    pub token_expires_at: Timestamp,
    pub state: DeletionState,
    /// `admin:<id>` or `email`.
    pub confirmed_by: Option<String>,
    pub confirmed_at: Option<Timestamp>,
    pub purge_at: Option<Timestamp>,
    pub cancelled_by: Option<UserId>,
    pub cancelled_at: Option<Timestamp>,
    pub purged_at: Option<Timestamp>,
    /// Users erased with it (their erasure requests tell the connectors).
    pub users_erased: u64,
    pub version: u64,
}

/// How long the mailed link stays valid.
pub const LINK_VALID: SignedDuration = SignedDuration::from_hours(24);

impl OrgDeletion {
    /// Still in play (blocks a second request).
    pub fn is_open(&self) -> bool {
        matches!(
            self.state,
            DeletionState::AwaitingConfirmation | DeletionState::Scheduled
        )
    }

    /// A second admin confirms (not the requester: that is what the mailed link is for).
    pub fn confirm_by_admin(
        &mut self,
        admin: UserId,
        now: Timestamp,
        grace: SignedDuration,
    ) -> CoreResult<()> {
        if admin == self.requested_by {
            return Err(CoreError::forbidden(
                "the admin who asked cannot also confirm; another admin confirms, or use the \
                 link mailed to you",
            ));
        }
        self.confirm(format!("admin:{admin}"), now, grace)
    }

    /// The requester confirms through the mailed link.
    pub fn confirm_by_link(&mut self, now: Timestamp, grace: SignedDuration) -> CoreResult<()> {
        if now > self.token_expires_at {
            return Err(CoreError::conflict(
                "token",
                "this confirmation link has expired; ask for the deletion again",
            ));
        }
        self.confirm("email".into(), now, grace)
    }

    fn confirm(&mut self, by: String, now: Timestamp, grace: SignedDuration) -> CoreResult<()> {
        if self.state != DeletionState::AwaitingConfirmation {
            return Err(CoreError::conflict(
                "deletion",
                format!("the deletion is {}", self.state.as_str()),
            ));
        }
        self.state = DeletionState::Scheduled;
        self.confirmed_by = Some(by);
        self.confirmed_at = Some(now);
        self.purge_at = Some(now.checked_add(grace).unwrap_or(now));
        self.version += 1;
        Ok(())
    }

    /// Any admin cancels before the purge.
    pub fn cancel(&mut self, admin: UserId, now: Timestamp) -> CoreResult<()> {
        if !self.is_open() {
            return Err(CoreError::conflict(
                "deletion",
                format!("the deletion is {}; nothing to cancel", self.state.as_str()),
            ));
        }
        self.state = DeletionState::Cancelled;
        self.cancelled_by = Some(admin);
        self.cancelled_at = Some(now);
        self.version += 1;
        Ok(())
    }

    /// Due for purging at `now`.
    pub fn is_due(&self, now: Timestamp) -> bool {
        self.state == DeletionState::Scheduled && self.purge_at.is_some_and(|t| t <= now)
    }

    /// Marks it purged.
    pub fn purged(&mut self, users: u64, now: Timestamp) {
        self.state = DeletionState::Purged;
        self.purged_at = Some(now);
        self.users_erased = users;
        self.version += 1;
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn request() -> OrgDeletion {
        let now: Timestamp = "2026-06-01T12:00:00Z".parse().unwrap();
        OrgDeletion {
            id: OrgDeletionId::from_random([1; 16]),
            org: OrgId::from_random([2; 16]),
            slug: "acme".into(),
            name: "Acme".into(),
            requested_by: UserId::from_random([3; 16]),
            requested_at: now,
            token_hash: String::new(),
            token_expires_at: now + LINK_VALID,
            state: DeletionState::AwaitingConfirmation,
            confirmed_by: None,
            confirmed_at: None,
            purge_at: None,
            cancelled_by: None,
            cancelled_at: None,
            purged_at: None,
            users_erased: 0,
            version: 1,
        }
    }

    #[test]
    fn a_second_admin_or_the_link_confirms_and_the_grace_period_allows_a_cancel() {
        let grace = SignedDuration::from_hours(24 * 30);
        let mut d = request();
        let now = d.requested_at;
        assert!(
            d.confirm_by_admin(d.requested_by, now, grace).is_err(),
            "not the requester"
        );
        d.confirm_by_admin(UserId::from_random([4; 16]), now, grace)
            .unwrap();
        assert_eq!(d.state, DeletionState::Scheduled);
        assert!(!d.is_due(now + SignedDuration::from_hours(24 * 29)));
        assert!(d.is_due(now + grace));
        assert!(d.confirm_by_link(now, grace).is_err(), "once");
        d.cancel(d.requested_by, now).unwrap();
        assert!(!d.is_due(now + grace));
        assert!(d.cancel(d.requested_by, now).is_err());

        let mut late = request();
        let expired = late.token_expires_at + SignedDuration::from_secs(1);
        assert!(
            late.confirm_by_link(expired, grace)
                .unwrap_err()
                .to_string()
                .contains("expired")
        );
        late.confirm_by_link(late.requested_at, SignedDuration::ZERO)
            .unwrap();
        assert!(late.is_due(late.requested_at));
    }
}
