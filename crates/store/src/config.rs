//! What the binary hands the store to open it: where the data and the keyring live, and the
//! key-encryption key. Kept apart so the server can build it from its own configuration without
//! knowing anything about SQL.

use crate::error::StoreError;
use std::fmt;
use std::path::PathBuf;
use zeroize::Zeroizing;

/// How to open a [`crate::Store`].
#[derive(Clone)]
pub struct StoreConfig {
    /// `sqlite:///abs/path/skydir.db`, `sqlite:relative.db` or `postgres://…`.
    pub database_url: String,
    /// Where the data keys live (apart from the data).
    pub keyring: KeyringLocation,
    /// The key-encryption key that wraps every data key.
    pub kek: Kek,
    /// Largest number of pooled database connections.
    pub max_connections: u32,
}

/// Prints the URL without its password.
impl fmt::Debug for StoreConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StoreConfig")
            .field("database_url", &redact_url(&self.database_url))
            .field("keyring", &self.keyring)
            .field("kek", &self.kek)
            .field("max_connections", &self.max_connections)
            .finish()
    }
}

/// Where the keyring is kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyringLocation {
    /// SQLite: a database file of its own (back it up separately from the data).
    SqliteFile(PathBuf),
    /// PostgreSQL: the keyring tables in their own schema of the same database.
    PostgresSchema(String),
}

/// The key-encryption key (32 bytes). Zeroized on drop; `Debug` prints `***`.
#[derive(Clone)]
pub struct Kek(Zeroizing<[u8; 32]>);

impl Kek {
    /// Wraps the raw key bytes.
    pub fn from_bytes(bytes: [u8; 32]) -> Self {
        Self(Zeroizing::new(bytes))
    }

    pub(crate) fn bytes(&self) -> &[u8; 32] {
        &self.0
    }
}

impl fmt::Debug for Kek {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Kek(***)")
    }
}

/// Which database engine a store runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    /// `"sqlite"` or `"postgres"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Sqlite => "sqlite",
            Self::Postgres => "postgres",
        }
    }

    /// The backend a database URL names.
    pub fn of_url(url: &str) -> Result<Self, StoreError> {
        if url.starts_with("sqlite:") {
            Ok(Self::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(Self::Postgres)
        } else {
            Err(StoreError::Config(format!(
                "database URL '{}' is neither sqlite:… nor postgres://…",
                redact_url(url)
            )))
        }
    }
}

/// The URL with any password replaced by `***` (for messages and logs).
pub fn redact_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    let authority_end = rest.find(['/', '?']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(authority_end);
    match authority.rsplit_once('@') {
        Some((userinfo, host)) => match userinfo.split_once(':') {
            Some((user, _password)) => format!("{scheme}://{user}:***@{host}{tail}"),
            None => url.to_string(),
        },
        None => url.to_string(),
    }
}

/// Checks a PostgreSQL schema name for the keyring: a plain lowercase identifier, so it can be
/// placed in SQL without quoting surprises.
pub(crate) fn check_schema_name(s: &str) -> Result<(), StoreError> {
    let ok = !s.is_empty()
        && s.len() <= 63
        && s.starts_with(|c: char| c.is_ascii_lowercase() || c == '_')
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if ok {
        Ok(())
    } else {
        Err(StoreError::Config(format!(
            "keyring schema '{s}' must be a lowercase identifier (letters, digits, '_'; at most 63)"
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_redacted_and_kek_hidden() {
        assert_eq!(
            redact_url("postgres://app:s3cret@db:5432/skydir?sslmode=require"),
            "postgres://app:***@db:5432/skydir?sslmode=require"
        );
        assert_eq!(
            redact_url("postgres://postgres@127.0.0.1/x"),
            "postgres://postgres@127.0.0.1/x"
        );
        assert_eq!(redact_url("sqlite:data.db"), "sqlite:data.db");
        assert_eq!(format!("{:?}", Kek::from_bytes([7; 32])), "Kek(***)");
        assert!(check_schema_name("skydir_keyring").is_ok());
        assert!(check_schema_name("bad;drop").is_err());
        assert!(check_schema_name("Upper").is_err());
    }
}
