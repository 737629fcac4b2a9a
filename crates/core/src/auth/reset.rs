//! One-time links with which a person sets their own password: nobody sets another person's,
//! so an org admin mails a user a reset link, and a new person — an org's first admin, a user
//! an admin invites, a user imported without a password hash — gets an invitation link. Only
//! the SHA-256 of the link's token is kept.

use crate::ids::{OrgId, UserId};
use jiff::{SignedDuration, Timestamp};

/// How long a reset link works.
pub const RESET_VALID_FOR: SignedDuration = SignedDuration::from_hours(24);

/// How long an invitation works: a week, as people do not always read mail the day it comes.
pub const INVITATION_VALID_FOR: SignedDuration = SignedDuration::from_hours(7 * 24);

/// What a link is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LinkPurpose {
    /// Set a new password in place of a forgotten one.
    Reset,
    /// A new user's invitation from their org's admins (or an import).
    Invitation,
    /// The invitation of an org's first administrator, sent when the org was created: the
    /// operator who created the org may resend or revoke it until it is accepted.
    FirstAdmin,
}

impl LinkPurpose {
    /// Stable text form (the store's column).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Reset => "reset",
            Self::Invitation => "invitation",
            Self::FirstAdmin => "first_admin",
        }
    }

    /// Inverse of [`LinkPurpose::as_str`].
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "reset" => Some(Self::Reset),
            "invitation" => Some(Self::Invitation),
            "first_admin" => Some(Self::FirstAdmin),
            _ => None,
        }
    }

    /// Whether the link invites a new person (rather than resetting a password).
    pub fn is_invitation(self) -> bool {
        matches!(self, Self::Invitation | Self::FirstAdmin)
    }

    /// How long a link of this kind works.
    pub fn valid_for(self) -> SignedDuration {
        if self.is_invitation() {
            INVITATION_VALID_FOR
        } else {
            RESET_VALID_FOR
        }
    }
}

/// One mailed link.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PasswordReset {
    /// Hex SHA-256 of the token in the link.
    pub token_hash: String,
    pub org: OrgId,
    pub user: UserId,
    pub purpose: LinkPurpose,
    pub created_at: Timestamp,
    pub expires_at: Timestamp,
    /// When it was used — or revoked, or replaced by a newer invitation.
    pub used_at: Option<Timestamp>,
}

impl PasswordReset {
    /// Whether the link may still be used at `now`.
    pub fn usable(&self, now: Timestamp) -> bool {
        self.used_at.is_none() && now < self.expires_at
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invitations_last_a_week_and_resets_a_day() {
        assert_eq!(LinkPurpose::Invitation.valid_for().as_hours(), 168);
        assert_eq!(LinkPurpose::FirstAdmin.valid_for().as_hours(), 168);
        assert_eq!(LinkPurpose::Reset.valid_for().as_hours(), 24);
        for p in [
            LinkPurpose::Reset,
            LinkPurpose::Invitation,
            LinkPurpose::FirstAdmin,
        ] {
            assert_eq!(LinkPurpose::parse(p.as_str()), Some(p));
        }
        assert_eq!(LinkPurpose::parse("other"), None);
    }
}
