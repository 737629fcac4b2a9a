//! Provider staff: operators and support agents. They are not users of any org, and they hold
//! no org credentials; they authenticate with API tokens, and in the web console with a
//! password of their own (see `service::staff`).

use crate::ids::StaffId;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};

/// What a staff member does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum StaffRole {
    Operator,
    Agent,
}

impl StaffRole {
    /// Stable text form.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Operator => "operator",
            Self::Agent => "agent",
        }
    }

    /// Inverse of [`StaffRole::as_str`].
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "operator" => Some(Self::Operator),
            "agent" => Some(Self::Agent),
            _ => None,
        }
    }
}

/// A staff member.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Staff {
    pub id: StaffId,
    pub role: StaffRole,
    /// A handle such as `operator`; staff names are provider data, not customer personal data.
    pub handle: String,
    pub created_at: Timestamp,
}
