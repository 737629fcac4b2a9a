//! Organizations (tenants). Every other record belongs to exactly one org.

use super::{OrgSlug, Plan};
use crate::auth::policy::PasswordPolicy;
use crate::ids::OrgId;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};

/// An organization.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Org {
    pub id: OrgId,
    pub slug: OrgSlug,
    /// Display name (the company's name: not personal data).
    pub name: String,
    pub plan: Plan,
    pub password_policy: PasswordPolicy,
    pub created_at: Timestamp,
    /// Set while the provider has suspended the organization (e.g. an unpaid bill): nobody of
    /// it signs in, no token or LDAP bind of it works, and nothing of it is deleted.
    pub suspended_at: Option<Timestamp>,
}

impl Org {
    /// Whether the provider has suspended the organization.
    pub fn is_suspended(&self) -> bool {
        self.suspended_at.is_some()
    }
}

/// Checks an org display name: 1..=200 characters, no control characters.
pub fn check_display_name(field: &str, s: &str) -> Result<String, crate::CoreError> {
    let t = s.trim();
    if t.is_empty() {
        return Err(crate::CoreError::invalid(field, "must not be empty"));
    }
    if t.chars().count() > 200 {
        return Err(crate::CoreError::invalid(
            field,
            "must be at most 200 characters",
        ));
    }
    if t.chars().any(char::is_control) {
        return Err(crate::CoreError::invalid(
            field,
            "must not contain control characters",
        ));
    }
    Ok(t.to_string())
}
