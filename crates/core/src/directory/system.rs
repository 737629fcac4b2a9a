//! Systems: computers registered in an org — OS family and version, how the system joins the
//! directory (which client on it talks to skydir, and so which logs it writes), and the agent
//! version once a native agent reports one.

use super::Name;
use crate::error::CoreError;
use crate::ids::{OrgId, SystemId};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};

/// Operating-system family of a system.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OsFamily {
    Windows,
    Macos,
    Linux,
}

impl OsFamily {
    /// Parses the wire name.
    pub fn parse(s: &str) -> Result<Self, CoreError> {
        match s {
            "windows" => Ok(Self::Windows),
            "macos" => Ok(Self::Macos),
            "linux" => Ok(Self::Linux),
            other => Err(CoreError::invalid(
                "os_family",
                format!("unknown OS family '{other}'; expected windows, macos or linux"),
            )),
        }
    }

    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Windows => "windows",
            Self::Macos => "macos",
            Self::Linux => "linux",
        }
    }
}

/// How a system joins the directory: which client on it talks to skydir. The support desk
/// asks for the logs that this client really writes. The native skydir agent is not released
/// yet, so no system joins through it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum JoinMethod {
    /// Not recorded (every system registered before the question was asked).
    #[default]
    Unknown,
    /// A Linux host joined over LDAP with SSSD.
    LdapSssd,
    /// A Linux host joined over LDAP with nslcd (nss-pam-ldapd).
    LdapNslcd,
    /// Registered for the record only: nothing on it talks to skydir.
    NotJoined,
}

impl JoinMethod {
    /// Every method, in the order forms list them.
    pub const ALL: [JoinMethod; 4] = [
        Self::LdapSssd,
        Self::LdapNslcd,
        Self::NotJoined,
        Self::Unknown,
    ];

    /// Parses the wire name.
    pub fn parse(s: &str) -> Result<Self, CoreError> {
        Self::ALL
            .into_iter()
            .find(|m| m.as_str() == s.trim())
            .ok_or_else(|| {
                let hint = if s.trim() == "agent" {
                    "the skydir agent is not released yet; "
                } else {
                    ""
                };
                CoreError::invalid(
                    "joined_via",
                    format!(
                        "unknown way of joining '{}'; {hint}expected ldap_sssd, ldap_nslcd, \
                         not_joined or unknown",
                        s.trim()
                    ),
                )
            })
    }

    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Unknown => "unknown",
            Self::LdapSssd => "ldap_sssd",
            Self::LdapNslcd => "ldap_nslcd",
            Self::NotJoined => "not_joined",
        }
    }

    /// How people read it.
    pub fn label(self) -> &'static str {
        match self {
            Self::Unknown => "not recorded",
            Self::LdapSssd => "LDAP with SSSD",
            Self::LdapNslcd => "LDAP with nslcd",
            Self::NotJoined => "not joined",
        }
    }

    /// Whether a system of `family` can join this way: SSSD and nslcd are Linux clients.
    pub fn check(self, family: OsFamily) -> Result<(), CoreError> {
        match (self, family) {
            (Self::LdapSssd | Self::LdapNslcd, OsFamily::Windows | OsFamily::Macos) => {
                Err(CoreError::invalid(
                    "joined_via",
                    format!(
                        "{} runs on Linux, not on {}",
                        self.label(),
                        match family {
                            OsFamily::Windows => "Windows",
                            _ => "macOS",
                        }
                    ),
                ))
            }
            _ => Ok(()),
        }
    }
}

/// A system.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct System {
    pub id: SystemId,
    pub org: OrgId,
    pub hostname: Name,
    pub os_family: OsFamily,
    pub os_version: String,
    /// How it joins the directory.
    #[serde(default)]
    pub joined_via: JoinMethod,
    pub agent_version: Option<String>,
    pub last_contact: Option<Timestamp>,
    pub created_at: Timestamp,
}

/// Checks a version string like `22.04` or `10.0.19045`.
pub fn check_version(field: &str, s: &str) -> Result<(), CoreError> {
    if s.is_empty() || s.len() > 64 {
        return Err(CoreError::invalid(field, "must be 1-64 characters"));
    }
    if !s
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || ".-_+ ".contains(c))
    {
        return Err(CoreError::invalid(
            field,
            "may contain only letters, digits and . - _ +",
        ));
    }
    Ok(())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn join_methods_parse_their_wire_names_and_sssd_and_nslcd_are_for_linux() {
        for m in JoinMethod::ALL {
            assert_eq!(JoinMethod::parse(m.as_str()).unwrap(), m);
        }
        assert_eq!(JoinMethod::default(), JoinMethod::Unknown);
        let e = JoinMethod::parse("agent").unwrap_err().to_string();
        assert!(e.contains("not released yet"), "{e}");
        assert!(JoinMethod::parse("kerberos").is_err());
        assert!(JoinMethod::LdapSssd.check(OsFamily::Linux).is_ok());
        assert!(JoinMethod::LdapNslcd.check(OsFamily::Windows).is_err());
        assert!(JoinMethod::LdapSssd.check(OsFamily::Macos).is_err());
        assert!(JoinMethod::NotJoined.check(OsFamily::Windows).is_ok());
        assert!(JoinMethod::Unknown.check(OsFamily::Macos).is_ok());
    }
}
