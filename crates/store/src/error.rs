//! The store's one error type, and its mapping onto the core's error at the port boundary.
//!
//! Messages are for operators: they name tables, fields and opaque ids, never personal data or
//! secrets (database URLs are redacted before they get here).

use skydir_core::CoreError;
use thiserror::Error;

/// Everything opening or using the store can fail with.
#[derive(Debug, Error)]
pub enum StoreError {
    /// The configuration cannot work (bad URL, bad schema name, unreadable path).
    #[error("store configuration: {0}")]
    Config(String),

    /// The database URL's `sslmode` requires TLS and TLS could not be set up: the server
    /// offers none, or its certificate does not verify. Nothing was sent in clear.
    #[error(
        "TLS to PostgreSQL at {server} failed (sslmode={mode}): {reason}; nothing was sent in \
         clear (see \"Requiring TLS to PostgreSQL\" in the operator guide)"
    )]
    Tls {
        /// `host:port`, or the socket directory.
        server: String,
        /// The URL's sslmode: `require`, `verify-ca` or `verify-full`.
        mode: &'static str,
        /// What failed, e.g. "the server does not offer TLS".
        reason: String,
    },

    /// The database refused or failed a statement or connection.
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),

    /// A schema migration failed.
    #[error("database migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),

    /// The KEK does not unwrap the keyring's check value.
    #[error(
        "the key-encryption key does not unwrap the keyring; is SKYDIR_KEK_FILE the right file?"
    )]
    WrongKek,

    /// The keyring and the data were not made for each other.
    #[error("the keyring does not belong to this database: {0}")]
    KeyringMismatch(String),

    /// A record's data key is not in the keyring.
    #[error(
        "the data key {key} is not in the keyring (the record was erased, or the keyring does not belong to this database)"
    )]
    KeyMissing { key: String },

    /// Ciphertext failed authentication (moved, altered, or under another key).
    #[error("{what} does not decrypt: it was altered, moved or sealed under another key")]
    Decrypt { what: String },

    /// A stored value could not be read back into the model.
    #[error("stored data is corrupt: {0}")]
    Corrupt(String),

    /// The system's random number generator failed.
    #[error("the operating system's random number generator failed")]
    Random,

    /// The change was refused by a rule the store enforces (uniqueness, seats, existence).
    #[error(transparent)]
    Refused(CoreError),
}

impl StoreError {
    /// Shorthand for [`StoreError::Corrupt`].
    pub(crate) fn corrupt(what: impl Into<String>) -> Self {
        Self::Corrupt(what.into())
    }
}

/// Refusals keep their meaning; everything else is an internal error for operators.
impl From<StoreError> for CoreError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Refused(core) => core,
            other => CoreError::Internal(other.to_string()),
        }
    }
}

impl From<CoreError> for StoreError {
    fn from(e: CoreError) -> Self {
        Self::Refused(e)
    }
}

/// Result alias inside the store.
pub(crate) type StoreResult<T> = Result<T, StoreError>;
