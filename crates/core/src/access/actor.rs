//! The authenticated party behind a request, built by the front end from its session or token.

use crate::ids::{OrgId, ServiceAccountId, StaffId, UserId};
use std::fmt;

/// Who is acting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Actor {
    /// Runs the deployment: creates orgs, sets plans, manages staff. Sees no customer personal data.
    Operator { staff: StaffId },
    /// Provider support staff: deliberately unable to grant access, change membership or roles,
    /// or delete or disclose an org's data.
    SupportAgent { staff: StaffId },
    /// A user holding the admin role in their org.
    OrgAdmin { org: OrgId, user: UserId },
    /// A user of an org, acting for themself.
    User { org: OrgId, user: UserId },
    /// An org's LDAP service account (an application): reads its org's directory, nothing else.
    Service {
        org: OrgId,
        account: ServiceAccountId,
    },
    /// Nobody authenticated.
    Anonymous,
    /// skydir itself (background jobs, verified requests being executed).
    System,
}

impl Actor {
    /// The org the actor belongs to, if any.
    pub fn org(&self) -> Option<OrgId> {
        match self {
            Self::OrgAdmin { org, .. } | Self::User { org, .. } | Self::Service { org, .. } => {
                Some(*org)
            }
            _ => None,
        }
    }

    /// The user behind the actor, if it is an org user.
    pub fn user(&self) -> Option<UserId> {
        match self {
            Self::OrgAdmin { user, .. } | Self::User { user, .. } => Some(*user),
            _ => None,
        }
    }
}

/// Pseudonymous form used in audit events: role and opaque id, never a name.
impl fmt::Display for Actor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Operator { staff } => write!(f, "operator:{staff}"),
            Self::SupportAgent { staff } => write!(f, "agent:{staff}"),
            Self::OrgAdmin { user, .. } => write!(f, "admin:{user}"),
            Self::User { user, .. } => write!(f, "user:{user}"),
            Self::Service { account, .. } => write!(f, "service:{account}"),
            Self::Anonymous => f.write_str("anonymous"),
            Self::System => f.write_str("system"),
        }
    }
}
