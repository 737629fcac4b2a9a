//! The core's one error type. Each variant says what went wrong in the user's terms; only the
//! edges (HTTP, LDAP, CLI) turn it into a status code, result code or exit code.

use thiserror::Error;

/// Result alias for core operations.
pub type CoreResult<T> = Result<T, CoreError>;

/// Everything a core operation can refuse or fail with.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum CoreError {
    /// A field of the request is malformed; `field` names it in the request's own terms.
    #[error("{field}: {reason}")]
    Invalid { field: String, reason: String },

    /// The named thing does not exist (or is not visible to the caller, which is the same).
    #[error("{kind} '{key}' not found")]
    NotFound { kind: &'static str, key: String },

    /// The write would break a uniqueness rule or a state rule.
    #[error("{field}: {reason}")]
    Conflict { field: String, reason: String },

    /// The organization's plan does not allow the request.
    #[error("the {plan} plan allows at most {limit} users; {remedy}")]
    PlanLimit {
        plan: String,
        limit: u64,
        remedy: String,
    },

    /// No valid credentials were presented.
    #[error("authentication required")]
    Unauthenticated,

    /// A refused sign-in: unknown name, wrong password, or an account that may not sign in now
    /// (locked after failures, suspended, not yet active) — deliberately not saying which, so
    /// the answer tells nobody whether an account exists; the audit log has the reason.
    #[error("invalid credentials, or the account cannot sign in right now")]
    BadCredentials,

    /// Too many failed attempts; retry after the given number of seconds.
    #[error("account temporarily locked; try again in {retry_after_secs} seconds")]
    LockedOut { retry_after_secs: u64 },

    /// The password was right, and the account also needs its authenticator code.
    #[error("an authenticator code (TOTP) is required for this account")]
    SecondFactorRequired,

    /// The provider has suspended the organization: nobody of it signs in until it is resumed
    /// (answered the same for every name and password, so it tells nothing about accounts).
    #[error(
        "this organization is suspended by its provider; its administrators can contact \
         support to have it resumed"
    )]
    OrgSuspended,

    /// The actor may not perform the action; `reason` says why and, where possible, who can.
    #[error("forbidden: {reason}")]
    Forbidden { reason: String },

    /// The store or another port failed; the message is for operators, never contains data.
    #[error("internal error: {0}")]
    Internal(String),
}

impl CoreError {
    /// Shorthand for [`CoreError::Invalid`].
    pub fn invalid(field: impl Into<String>, reason: impl Into<String>) -> Self {
        Self::Invalid {
            field: field.into(),
            reason: reason.into(),
        }
    }

    /// Shorthand for [`CoreError::Conflict`].
    pub fn conflict(field: impl Into<String>, reason: impl Into<String>) -> Self {
        Self::Conflict {
            field: field.into(),
            reason: reason.into(),
        }
    }

    /// Shorthand for [`CoreError::Forbidden`].
    pub fn forbidden(reason: impl Into<String>) -> Self {
        Self::Forbidden {
            reason: reason.into(),
        }
    }

    /// Shorthand for [`CoreError::NotFound`].
    pub fn not_found(kind: &'static str, key: impl Into<String>) -> Self {
        Self::NotFound {
            kind,
            key: key.into(),
        }
    }
}
