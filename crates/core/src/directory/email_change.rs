//! A change of a person's email address waiting for the new address to confirm it. The address
//! on the account is what everything else uses — LDAP's `mail`, the support desk's sender
//! identity, password-reset links, matching data-subject requests — so a new one takes its
//! place only once someone who reads mail there opens the link sent to it. Until then the old
//! address keeps working and is told of the change. An admin creating a user sets the address
//! directly; a change of an existing one — by the person or by an admin — waits for it
//! (design note 0007).
//!
//! Only the SHA-256 of the link's token is kept; the pending address is personal data, sealed
//! under the person's own key like their other fields, and cleared once the change ends.

use super::Email;
use crate::ids::{OrgId, UserId};
use jiff::{SignedDuration, Timestamp};

/// How long the confirmation link works: a day, like a reset link — the person asking is
/// normally at that mailbox, and a new link is one click away.
pub const EMAIL_CHANGE_VALID_FOR: SignedDuration = SignedDuration::from_hours(24);

/// The most changes (and links sent again) asked for one account in 24 hours: each one mails
/// an address someone typed, so the form cannot be used to flood a mailbox.
pub const EMAIL_CHANGES_PER_DAY: u64 = 5;

/// How a change ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EmailChangeEnd {
    /// The new address confirmed it: it is the account's address now.
    Confirmed,
    /// The person or an admin cancelled it.
    Cancelled,
    /// A newer change (or the link sent again) took its place.
    Replaced,
}

impl EmailChangeEnd {
    /// Stable text form (the store's column).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Confirmed => "confirmed",
            Self::Cancelled => "cancelled",
            Self::Replaced => "replaced",
        }
    }

    /// Inverse of [`EmailChangeEnd::as_str`].
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "confirmed" => Some(Self::Confirmed),
            "cancelled" => Some(Self::Cancelled),
            "replaced" => Some(Self::Replaced),
            _ => None,
        }
    }
}

/// One requested change and its confirmation link.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmailChange {
    /// Hex SHA-256 of the token in the link.
    pub token_hash: String,
    pub org: OrgId,
    pub user: UserId,
    /// The address waiting for confirmation; `None` once the change has ended (the store
    /// keeps no pending address longer than the change is open).
    pub new_email: Option<Email>,
    /// An admin asked for it (rather than the person themself).
    pub by_admin: bool,
    pub created_at: Timestamp,
    pub expires_at: Timestamp,
    /// When and how it ended; `None` while open.
    pub ended: Option<(Timestamp, EmailChangeEnd)>,
}

impl EmailChange {
    /// Whether the link may still be used at `now`.
    pub fn usable(&self, now: Timestamp) -> bool {
        self.ended.is_none() && now < self.expires_at
    }
}

/// The address as the old mailbox is told of it — `n***@example.org` — enough for its owner
/// to recognize their own new address, too little to hand a stranger a working one.
pub fn masked(email: &Email) -> String {
    let s = email.as_str();
    match s.split_once('@') {
        Some((local, domain)) => {
            let first: String = local.chars().take(1).collect();
            format!("{first}***@{domain}")
        }
        None => "***".into(),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn the_old_mailbox_sees_only_the_first_letter_and_the_domain() {
        let e = Email::parse("Nora.Quinn@Example.org").unwrap();
        assert_eq!(masked(&e), "n***@example.org");
        for end in [
            EmailChangeEnd::Confirmed,
            EmailChangeEnd::Cancelled,
            EmailChangeEnd::Replaced,
        ] {
            assert_eq!(EmailChangeEnd::parse(end.as_str()), Some(end));
        }
        assert_eq!(EmailChangeEnd::parse("other"), None);
    }

    #[test]
    fn a_link_works_until_it_expires_or_the_change_ends() {
        let t0: Timestamp = "2026-06-01T08:00:00Z".parse().unwrap();
        let mut c = EmailChange {
            token_hash: "ab".repeat(32),
            org: OrgId::from_random([1; 16]),
            user: UserId::from_random([2; 16]),
            new_email: Some(Email::parse("n@example.org").unwrap()),
            by_admin: false,
            created_at: t0,
            expires_at: t0.checked_add(EMAIL_CHANGE_VALID_FOR).unwrap(),
            ended: None,
        };
        assert!(c.usable(t0));
        assert!(!c.usable(c.expires_at));
        c.ended = Some((t0, EmailChangeEnd::Cancelled));
        assert!(!c.usable(t0));
    }
}
