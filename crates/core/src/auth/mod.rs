//! Authentication rules: password hashing and verification (Argon2id, and the legacy schemes
//! other directories export), per-org password policy with lockout, and API token secrets.

pub mod credential;
pub mod legacy;
pub mod policy;
pub mod reset;
pub mod token;
pub mod totp;

pub use credential::{Argon2Params, Credential, LoginRecord, Verification};
pub use policy::{LoginState, PasswordPolicy};
pub use token::{ApiToken, TokenSubject};
pub use totp::TotpEnrollment;
