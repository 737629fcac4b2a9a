//! skydir's LDAP v3 front end. Existing software (SSSD, nslcd, applications with an "LDAP
//! login" box) uses skydir as its directory through it with no special code.
//!
//! Binds go through the same core use case as REST logins (lockout, legacy-hash upgrade,
//! audit); searches are answered from an in-memory [`model::ReadModel`] of each org, kept
//! current from the store's change notices, so they never touch the database.

pub mod config;
pub mod dn;
pub mod entry;
pub mod error;
pub mod filter;
pub mod model;
pub mod schema;

pub use config::LdapConfig;
pub use error::LdapError;
pub mod access;
pub mod conn;
pub mod limits;
pub mod ops;
pub mod server;
pub mod session;

pub use server::{LdapRunning, start};
pub mod fuzzing;
