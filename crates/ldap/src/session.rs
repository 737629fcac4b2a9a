//! Who a connection is bound as. A connection starts anonymous; a successful bind sets the
//! identity, a failed one resets it to anonymous (RFC 4511 §4.2.1).

use skydir_core::access::Actor;
use skydir_core::ids::{OrgId, ServiceAccountId, UserId};

/// The bound identity of one connection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Identity {
    Anonymous,
    /// A user of `org`; `admin` when they hold the org-admin role at bind time.
    User {
        org: OrgId,
        user: UserId,
        dn: String,
        admin: bool,
    },
    /// An org's LDAP service account (`cn=<name>,ou=services,o=<org>,<suffix>`): reads the
    /// whole org, changes nothing, and loses access when the account is deleted or re-keyed.
    Service {
        org: OrgId,
        account: ServiceAccountId,
        dn: String,
        /// When the password it bound with was set: a newer one ends this identity's access.
        password_set_at: skydir_core::Timestamp,
    },
}

impl Identity {
    /// The authorization identity for WhoAmI (RFC 4532): `dn:<dn>`, or empty when anonymous.
    pub fn authz_id(&self) -> String {
        match self {
            Identity::Anonymous => String::new(),
            Identity::User { dn, .. } | Identity::Service { dn, .. } => format!("dn:{dn}"),
        }
    }

    /// The core's actor for this identity: an org admin or a user (`None` when anonymous).
    pub fn actor(&self) -> Option<Actor> {
        match self {
            Identity::Anonymous => None,
            Identity::User {
                org,
                user,
                admin: true,
                ..
            } => Some(Actor::OrgAdmin {
                org: *org,
                user: *user,
            }),
            Identity::User { org, user, .. } => Some(Actor::User {
                org: *org,
                user: *user,
            }),
            Identity::Service { org, account, .. } => Some(Actor::Service {
                org: *org,
                account: *account,
            }),
        }
    }

    /// The org the identity belongs to.
    pub fn org(&self) -> Option<OrgId> {
        match self {
            Identity::Anonymous => None,
            Identity::User { org, .. } | Identity::Service { org, .. } => Some(*org),
        }
    }
}
