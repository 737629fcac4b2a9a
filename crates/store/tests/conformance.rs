//! The store conformance suite: one binary, every test run against SQLite always and against
//! PostgreSQL when `SKYDIR_TEST_DATABASE_URL` is set (each test on a database of its own). If
//! the variable is set and PostgreSQL is unreachable, the PostgreSQL tests fail.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[macro_use]
#[path = "conformance/fixtures.rs"]
mod fixtures;

#[path = "conformance/audit.rs"]
mod audit;
#[path = "conformance/conflicts.rs"]
mod conflicts;
#[path = "conformance/desk.rs"]
mod desk;
#[path = "conformance/directory.rs"]
mod directory;
#[path = "conformance/durability.rs"]
mod durability;
#[path = "conformance/email_changes.rs"]
mod email_changes;
#[path = "conformance/encryption.rs"]
mod encryption;
#[path = "conformance/keyring.rs"]
mod keyring;
#[path = "conformance/orgs.rs"]
mod orgs;
#[path = "conformance/postgres_tls.rs"]
mod postgres_tls;
#[path = "conformance/privacy.rs"]
mod privacy;
#[path = "conformance/services.rs"]
mod services;
#[path = "conformance/sessions.rs"]
mod sessions;
#[path = "conformance/users.rs"]
mod users;
