//! What can go wrong in the LDAP front end, in the operator's and the client's terms.

/// Errors of the LDAP front end.
#[derive(Debug, thiserror::Error)]
pub enum LdapError {
    #[error("invalid DN: {reason}")]
    InvalidDn { reason: String },
    #[error("invalid LDAP configuration: {0}")]
    Config(String),
    #[error("cannot listen on {addr}: {source}")]
    Listen {
        addr: String,
        source: std::io::Error,
    },
    #[error(transparent)]
    Core(#[from] skydir_core::CoreError),
}
