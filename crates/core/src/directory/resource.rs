//! Resources: the applications, file servers, networks and SSO apps that users get access to.

use super::Name;
use crate::error::CoreError;
use crate::ids::{OrgId, ResourceId};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};

/// What kind of resource it is (decides which protocol serves it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ResourceKind {
    LdapApp,
    FileServer,
    Network,
    SsoApp,
}

impl ResourceKind {
    /// Parses the wire name.
    pub fn parse(s: &str) -> Result<Self, CoreError> {
        match s {
            "ldap_app" => Ok(Self::LdapApp),
            "file_server" => Ok(Self::FileServer),
            "network" => Ok(Self::Network),
            "sso_app" => Ok(Self::SsoApp),
            other => Err(CoreError::invalid(
                "kind",
                format!(
                    "unknown resource kind '{other}'; expected ldap_app, file_server, network or sso_app"
                ),
            )),
        }
    }

    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::LdapApp => "ldap_app",
            Self::FileServer => "file_server",
            Self::Network => "network",
            Self::SsoApp => "sso_app",
        }
    }
}

/// A resource.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Resource {
    pub id: ResourceId,
    pub org: OrgId,
    pub name: Name,
    pub kind: ResourceKind,
    pub description: String,
    pub created_at: Timestamp,
}
