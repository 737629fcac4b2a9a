//! Systems: computers enrolled in an org (the agent reports OS and version).

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

/// A system.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct System {
    pub id: SystemId,
    pub org: OrgId,
    pub hostname: Name,
    pub os_family: OsFamily,
    pub os_version: String,
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
