//! skydir-store: the core's [`skydir_core::ports::DirectoryStore`] over SQLite (the embedded
//! default) and PostgreSQL, with the same SQL for both.
//!
//! - Each [`skydir_core::change::Change`] is one transaction: writes and audit events together.
//! - Personal fields of users are stored only as XChaCha20-Poly1305 ciphertext under a per-user
//!   data key, bound to org, record and field; emails are looked up through a blind index.
//! - Data keys live in a keyring apart from the data (its own SQLite file, or its own PostgreSQL
//!   schema), wrapped by the key-encryption key; erasing a user destroys their key.
//! - Uniqueness violations come back as `CoreError::Conflict` naming the field.

mod commit;
mod config;
mod crypto;
mod db;
mod error;
mod keyring;
mod notify;
mod pg_tls;
mod port;
mod private_file;
mod reads;
mod rows;
mod secrets;
mod store;
mod sweep;
pub mod testing;

pub use config::{Backend, Kek, KeyringLocation, StoreConfig, redact_url};
pub use error::StoreError;
pub use store::Store;
