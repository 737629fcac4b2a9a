//! What a caller gets back about a user. Contact and personal data appear only when the caller
//! may read them (the user, or an admin of their org), and every such read is audited; provider
//! staff get the directory fields alone.

use crate::directory::{Email, PersonalData, Posix, SshKey, User, UserStatus, Username};
use crate::ids::UserId;
use jiff::Timestamp;
use serde::Serialize;

/// A user's contact and personal data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Contact {
    pub email: Email,
    pub ssh_keys: Vec<SshKey>,
    #[serde(flatten)]
    pub personal: PersonalData,
    /// A new address waiting for its confirmation link to be opened (shown on a single user's
    /// read; lists leave it out).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pending_email: Option<PendingEmail>,
}

/// A change of address waiting for confirmation: the account keeps [`Contact::email`] until
/// the link mailed to `address` is opened.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PendingEmail {
    pub address: Email,
    /// When the link stops working (a new one can be sent).
    pub expires_at: Timestamp,
    /// The link has expired unused.
    pub expired: bool,
    /// An admin asked for the change, not the person.
    pub by_admin: bool,
}

/// A user as shown to a caller.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UserView {
    pub id: UserId,
    pub username: Username,
    pub status: UserStatus,
    pub is_admin: bool,
    pub posix: Posix,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    /// Present only when the caller may read the user's personal data.
    #[serde(skip_serializing_if = "Option::is_none", flatten)]
    pub contact: Option<Contact>,
}

impl UserView {
    /// Builds the view, keeping personal data only when `disclose` is true.
    pub fn of(user: User, is_admin: bool, disclose: bool) -> Self {
        let contact = disclose.then(|| Contact {
            email: user.email.clone(),
            ssh_keys: user.ssh_keys.clone(),
            personal: user.personal.clone(),
            pending_email: None,
        });
        Self {
            id: user.id,
            username: user.username,
            status: user.status,
            is_admin,
            posix: user.posix,
            created_at: user.created_at,
            updated_at: user.updated_at,
            contact,
        }
    }
}
