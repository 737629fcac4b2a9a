//! Users: the people in the directory.

use super::{Email, PersonalData, Username};
use crate::error::CoreError;
use crate::ids::{OrgId, UserId};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};

/// Lifecycle status of a user. Only `active` users may log in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum UserStatus {
    Staged,
    Active,
    Suspended,
}

impl UserStatus {
    /// Parses the wire name.
    pub fn parse(s: &str) -> Result<Self, CoreError> {
        match s {
            "staged" => Ok(Self::Staged),
            "active" => Ok(Self::Active),
            "suspended" => Ok(Self::Suspended),
            other => Err(CoreError::invalid(
                "status",
                format!(
                    "unknown status '{}'; expected staged, active or suspended",
                    other.chars().take(32).collect::<String>()
                ),
            )),
        }
    }

    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Staged => "staged",
            Self::Active => "active",
            Self::Suspended => "suspended",
        }
    }
}

/// POSIX account attributes (LDAP posixAccount).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Posix {
    pub uid_number: u32,
    pub gid_number: u32,
    pub home_directory: String,
    pub login_shell: String,
}

/// First uidNumber handed out in each org.
pub const FIRST_UID: u32 = 10_000;

impl Posix {
    /// Checks home and shell are absolute paths and the numbers avoid system ranges.
    pub fn validate(&self) -> Result<(), CoreError> {
        if self.uid_number < 1000 {
            return Err(CoreError::invalid(
                "posix.uid_number",
                "must be at least 1000",
            ));
        }
        if self.gid_number < 1000 {
            return Err(CoreError::invalid(
                "posix.gid_number",
                "must be at least 1000",
            ));
        }
        for (f, v) in [
            ("posix.home_directory", &self.home_directory),
            ("posix.login_shell", &self.login_shell),
        ] {
            if !v.starts_with('/') || v.len() > 255 || v.chars().any(|c| c.is_control()) {
                return Err(CoreError::invalid(f, "must be an absolute path"));
            }
        }
        Ok(())
    }
}

/// An SSH public key in OpenSSH `authorized_keys` form.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct SshKey(String);

const SSH_KEY_TYPES: &[&str] = &[
    "ssh-ed25519",
    "ssh-rsa",
    "ecdsa-sha2-nistp256",
    "ecdsa-sha2-nistp384",
    "ecdsa-sha2-nistp521",
    "sk-ssh-ed25519@openssh.com",
    "sk-ecdsa-sha2-nistp256@openssh.com",
];

impl SshKey {
    /// Parses `TYPE BASE64 [COMMENT]`.
    pub fn parse(s: &str) -> Result<Self, CoreError> {
        let s = s.trim();
        if s.len() > 16_384 {
            return Err(CoreError::invalid(
                "ssh_keys",
                "key too long (at most 16 KiB)",
            ));
        }
        let mut parts = s.split_whitespace();
        let kind = parts.next().unwrap_or("");
        let body = parts.next().unwrap_or("");
        if !SSH_KEY_TYPES.contains(&kind) {
            return Err(CoreError::invalid(
                "ssh_keys",
                format!(
                    "unsupported key type '{}'; expected e.g. ssh-ed25519 or ssh-rsa",
                    kind.chars().take(40).collect::<String>()
                ),
            ));
        }
        use base64::Engine;
        if body.is_empty()
            || base64::engine::general_purpose::STANDARD
                .decode(body)
                .is_err()
        {
            return Err(CoreError::invalid(
                "ssh_keys",
                "the key body is not valid base64",
            ));
        }
        if s.len() > 16_384 || s.chars().any(char::is_control) {
            return Err(CoreError::invalid(
                "ssh_keys",
                "key too long or contains control characters",
            ));
        }
        Ok(Self(s.to_string()))
    }

    /// The key line.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for SshKey {
    type Error = CoreError;
    fn try_from(s: String) -> Result<Self, CoreError> {
        Self::parse(&s)
    }
}

impl From<SshKey> for String {
    fn from(v: SshKey) -> String {
        v.0
    }
}

impl std::fmt::Debug for SshKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SshKey(***)")
    }
}

/// A user as the core sees it: every field in clear, in memory only. The password hash is not
/// here: it lives in the credential record, which no read path returns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub id: UserId,
    pub org: OrgId,
    pub username: Username,
    pub email: Email,
    pub status: UserStatus,
    pub posix: Posix,
    pub ssh_keys: Vec<SshKey>,
    pub personal: PersonalData,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}
