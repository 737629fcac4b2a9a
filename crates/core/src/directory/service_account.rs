//! LDAP service accounts: the bind identities of applications (Jenkins, GitLab, Nextcloud, a
//! file server) that look users up in an org's directory. They are not people: they hold no
//! personal data, cannot log in to the web or REST API, and can only read the directory of
//! their own org. An org admin creates them and sets (and rotates) their passwords.

use super::Name;
use crate::ids::{OrgId, ServiceAccountId};
use jiff::Timestamp;

/// An org's LDAP service account. Its password hash lives apart, as a `Credential`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceAccount {
    pub id: ServiceAccountId,
    pub org: OrgId,
    /// Unique in the org; the `cn` of its bind DN `cn=<name>,ou=services,o=<org>,<suffix>`.
    pub name: Name,
    /// What the account is for (free text, no personal data expected).
    pub description: String,
    pub created_at: Timestamp,
    /// When its password was last set.
    pub password_set_at: Timestamp,
}

/// Longest description accepted.
pub const MAX_DESCRIPTION: usize = 1024;
