//! The one authorization decision. Rules, in order:
//!
//! 1. Nobody sets another person's password; only the user themself (`SetPassword`).
//! 2. Cross-org access never happens: an org actor may act only inside its own org.
//! 3. Provider staff — operators and support agents alike — never add or remove anyone to or
//!    from a resource, system, group or admin role, never create a person in an org (so never
//!    choose or learn a password), never delete and never disclose an org's data; deletion
//!    and disclosure happen only through a verified request an org admin confirms, executed
//!    by `System`.
//! 4. Operators run the deployment: create orgs (whose first admin gets an invitation),
//!    change plans, suspend and resume orgs, keep staff and the privacy registers. Support
//!    agents work tickets. Neither sees customer personal data.
//! 5. LDAP service accounts read their own org's directory and change nothing.

use super::Actor;
use crate::error::CoreError;
use crate::ids::{OrgId, UserId};

/// Everything that can be asked of the directory.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    ListOrgs,
    CreateOrg,
    ReadOrg(OrgId),
    /// Plan, seats, trial end and password policy.
    UpdateOrg(OrgId),
    DeleteOrg(OrgId),
    ListUsers(OrgId),
    CreateUser(OrgId),
    /// The user's directory fields (username, status, POSIX).
    ReadUser(OrgId, UserId),
    /// The user's personal data (email, names, phones, addresses, custom, SSH keys).
    ReadPersonalData(OrgId, UserId),
    UpdateUser(OrgId, UserId),
    UpdatePersonalData(OrgId, UserId),
    DeleteUser(OrgId, UserId),
    /// Set a user's password (other than at creation, which is provisioning).
    SetPassword(OrgId, UserId),
    /// Enroll or remove a user's authenticator (TOTP): the owner's alone, like the password.
    ManageSecondFactor(OrgId, UserId),
    GrantAdmin(OrgId),
    RevokeAdmin(OrgId),
    /// Read groups, systems, resources and bindings.
    ReadDirectory(OrgId),
    ManageGroups(OrgId),
    ChangeMembership(OrgId),
    ManageSystems(OrgId),
    ManageResources(OrgId),
    GrantAccess(OrgId),
    ManageOrgTokens(OrgId),
    /// Create, list, delete and set the password of LDAP service accounts.
    ManageServiceAccounts(OrgId),
    ReadAudit(OrgId),
    ImportUsers(OrgId),
    ManageStaff,
    /// Open a support ticket for the org (its active admins only: the support policy).
    OpenTicket(OrgId),
    /// Read the org's tickets and their public conversation.
    ReadTickets(OrgId),
    /// Work the org's tickets as support: replies, internal notes, status, severity,
    /// category, assignment.
    WorkTickets(OrgId),
    /// See the support queue across orgs (support agents).
    SupportQueue,
    /// Write, change and delete knowledge-base articles (support agents, operators).
    ManageKnowledgeBase,
    /// Read internal knowledge-base articles (support agents).
    ReadInternalArticles,
    /// Read the desk's reports: SLA compliance, satisfaction (no customer data in them).
    SupportReports,
    /// Keep the sub-processor registry, publish DPA versions, read objections (operators).
    ManagePrivacyRegistry,
    /// An org's data-protection dealings with the provider: subscribe to sub-processor
    /// changes, object to one, execute the DPA (the org's admins).
    ManageOrgPrivacy(OrgId),
    /// The access report about a user (GDPR Art. 15/20): the user themself or their org's
    /// admins. Not the provider's staff, and not LDAP service accounts.
    ExportPersonalData(OrgId, UserId),
    /// Ask for, confirm or cancel the deletion of the organization and all its data (its
    /// admins; the purge itself runs as `System`).
    RequestOrgDeletion(OrgId),
    /// Suspend or resume the whole organization (the provider, e.g. for an unpaid bill).
    SuspendOrg(OrgId),
    /// Resend or revoke the invitation of the org's first administrator, who has not yet set a
    /// password (the operator who created the org, or the org's admins). The link itself is
    /// only ever mailed to the invited address.
    ManageFirstAdminInvitation(OrgId),
}

/// Why provider staff never touch who may use what (the support policy: "JumpCloud will not
/// take this action for you at any time").
const STAFF_NEVER_GRANT: &str = "provider staff never add or remove anyone to or from a \
     resource, system, group or admin role, even on a verified request (support policy: \
     \"will not take this action for you at any time\"); an org admin does it in the admin \
     console (Users, Groups, Resources) or over the API";

/// Why provider staff never create people in an org.
const STAFF_NEVER_PROVISION: &str = "provider staff never create people in an organization, \
     so they never choose or learn anyone's password: the org's admins add users (with a \
     password or an invitation); the first admin is invited when the organization is created";

/// Why provider staff delete nothing on their own.
const STAFF_DELETE_VERIFIED: &str = "provider staff delete an account or an organization only \
     through a verified request that an active admin of the organization confirms (support \
     opens it on the admin's ticket); the org's admins delete users and ask for the \
     organization's deletion themselves";

/// Why provider staff disclose nothing on their own.
const STAFF_DISCLOSE_VERIFIED: &str = "provider staff disclose account information only on a \
     verified request that an active admin of the organization confirms";

impl Action {
    /// The org the action touches, if any.
    pub fn org(&self) -> Option<OrgId> {
        use Action::*;
        match *self {
            ListOrgs
            | CreateOrg
            | ManageStaff
            | SupportQueue
            | ManageKnowledgeBase
            | ReadInternalArticles
            | SupportReports
            | ManagePrivacyRegistry => None,
            SuspendOrg(o) | ManageFirstAdminInvitation(o) => Some(o),
            OpenTicket(o) | ReadTickets(o) | WorkTickets(o) | ManageOrgPrivacy(o) => Some(o),
            ExportPersonalData(o, _) | RequestOrgDeletion(o) => Some(o),
            ReadOrg(o)
            | UpdateOrg(o)
            | DeleteOrg(o)
            | ListUsers(o)
            | CreateUser(o)
            | ReadUser(o, _)
            | ReadPersonalData(o, _)
            | UpdateUser(o, _)
            | UpdatePersonalData(o, _)
            | DeleteUser(o, _)
            | SetPassword(o, _)
            | ManageSecondFactor(o, _)
            | GrantAdmin(o)
            | RevokeAdmin(o)
            | ReadDirectory(o)
            | ManageGroups(o)
            | ChangeMembership(o)
            | ManageSystems(o)
            | ManageResources(o)
            | GrantAccess(o)
            | ManageOrgTokens(o)
            | ManageServiceAccounts(o)
            | ReadAudit(o)
            | ImportUsers(o) => Some(o),
        }
    }

    /// A short stable name for audit events and error messages.
    pub fn name(&self) -> &'static str {
        use Action::*;
        match self {
            ListOrgs => "org.list",
            CreateOrg => "org.create",
            ReadOrg(_) => "org.read",
            UpdateOrg(_) => "org.update",
            DeleteOrg(_) => "org.delete",
            ListUsers(_) => "user.list",
            CreateUser(_) => "user.create",
            ReadUser(..) => "user.read",
            ReadPersonalData(..) => "user.personal.read",
            UpdateUser(..) => "user.update",
            UpdatePersonalData(..) => "user.personal.update",
            DeleteUser(..) => "user.delete",
            SetPassword(..) => "user.password.set",
            ManageSecondFactor(..) => "user.totp.manage",
            GrantAdmin(_) => "admin.grant",
            RevokeAdmin(_) => "admin.revoke",
            ReadDirectory(_) => "directory.read",
            ManageGroups(_) => "group.manage",
            ChangeMembership(_) => "group.membership",
            ManageSystems(_) => "system.manage",
            ManageResources(_) => "resource.manage",
            GrantAccess(_) => "access.grant",
            ManageOrgTokens(_) => "token.manage",
            ManageServiceAccounts(_) => "ldap_account.manage",
            ReadAudit(_) => "audit.read",
            ImportUsers(_) => "user.import",
            ManageStaff => "staff.manage",
            OpenTicket(_) => "ticket.open",
            ReadTickets(_) => "ticket.read",
            WorkTickets(_) => "ticket.work",
            SupportQueue => "ticket.queue",
            ManageKnowledgeBase => "kb.manage",
            ReadInternalArticles => "kb.read_internal",
            SupportReports => "support.report",
            ManagePrivacyRegistry => "privacy.registry",
            ManageOrgPrivacy(_) => "privacy.org",
            ExportPersonalData(..) => "user.data_export",
            RequestOrgDeletion(_) => "org.deletion",
            SuspendOrg(_) => "org.suspension",
            ManageFirstAdminInvitation(_) => "org.first_admin.invitation",
        }
    }
}

fn deny(reason: &str) -> Result<(), CoreError> {
    Err(CoreError::forbidden(reason))
}

/// Decides whether `actor` may perform `action`. `Ok(())` or a `Forbidden` whose reason says why
/// and, where there is one, who can do it instead.
pub fn authorize(actor: &Actor, action: &Action) -> Result<(), CoreError> {
    use Action::*;

    // Rule 1: passwords and second factors belong to their owners.
    if let SetPassword(org, user) | ManageSecondFactor(org, user) = *action {
        return match actor {
            Actor::User { org: o, user: u } | Actor::OrgAdmin { org: o, user: u }
                if *o == org && *u == user =>
            {
                Ok(())
            }
            _ => deny(
                "nobody can set another person's password; the user changes it themself, \
                 or an admin sends them a reset link",
            ),
        };
    }

    match actor {
        Actor::Anonymous => Err(CoreError::Unauthenticated),
        Actor::System => Ok(()),
        Actor::Operator { .. } => match action {
            ListOrgs
            | CreateOrg
            | ReadOrg(_)
            | UpdateOrg(_)
            | SuspendOrg(_)
            | ManageFirstAdminInvitation(_)
            | ManageStaff
            | ManageKnowledgeBase
            | SupportReports
            | ManagePrivacyRegistry => Ok(()),
            CreateUser(_) | ImportUsers(_) => deny(STAFF_NEVER_PROVISION),
            GrantAccess(_) | ChangeMembership(_) | GrantAdmin(_) | RevokeAdmin(_) => {
                deny(STAFF_NEVER_GRANT)
            }
            ManageGroups(_) | ManageSystems(_) | ManageResources(_) | UpdateUser(..) => deny(
                "an organization's users, groups, systems and applications are its admins' to \
                 manage, not the provider's",
            ),
            DeleteOrg(_) | DeleteUser(..) => deny(STAFF_DELETE_VERIFIED),
            ListUsers(_) | ReadUser(..) | ReadDirectory(_) | ReadAudit(_) => {
                deny(STAFF_DISCLOSE_VERIFIED)
            }
            ReadPersonalData(..) | UpdatePersonalData(..) | ExportPersonalData(..) => deny(
                "the provider has no access to customers' personal data; \
                 an org admin or the user can see and change it",
            ),
            ManageOrgTokens(_) => deny("an organization's API tokens are its people's own"),
            ManageServiceAccounts(_) => deny(
                "an LDAP service account reads the org's personal data, so only an org admin \
                 of that org can create or manage one",
            ),
            OpenTicket(_) | ReadTickets(_) | WorkTickets(_) | SupportQueue => deny(
                "tickets hold customers' messages: support agents work them and the org's \
                 admins read them; operators do not",
            ),
            ReadInternalArticles => deny("internal articles are written for support agents"),
            ManageOrgPrivacy(_) => deny(
                "an organization's subscriptions, objections and DPA are its admins' to manage",
            ),
            RequestOrgDeletion(_) => {
                deny("an organization's deletion is asked for and confirmed by its own admins")
            }
            SetPassword(..) | ManageSecondFactor(..) => {
                deny("nobody can set another person's password")
            }
        },
        Actor::SupportAgent { .. } => match action {
            ListOrgs | ReadOrg(_) | ReadTickets(_) | WorkTickets(_) | SupportQueue
            | ManageKnowledgeBase | ReadInternalArticles | SupportReports => Ok(()),
            OpenTicket(_) => deny(
                "support requests are submitted by an active admin of the organization; \
                 an agent works the tickets they open",
            ),
            GrantAccess(_) | ChangeMembership(_) | GrantAdmin(_) | RevokeAdmin(_) => {
                deny(STAFF_NEVER_GRANT)
            }
            CreateUser(_) | ImportUsers(_) => deny(STAFF_NEVER_PROVISION),
            DeleteOrg(_) | DeleteUser(..) => deny(STAFF_DELETE_VERIFIED),
            ReadUser(..)
            | ReadPersonalData(..)
            | ListUsers(_)
            | ReadDirectory(_)
            | ReadAudit(_)
            | ExportPersonalData(..) => deny(STAFF_DISCLOSE_VERIFIED),
            ManagePrivacyRegistry | ManageOrgPrivacy(_) => {
                deny("data-protection records are kept by the operator and the org's admins")
            }
            _ => deny("support staff cannot change customer organizations"),
        },
        Actor::OrgAdmin { org: own, .. } => {
            let Some(target) = action.org() else {
                return deny("org admins manage only their own organization");
            };
            if target != *own {
                return deny("no access outside your own organization");
            }
            match action {
                UpdateOrg(_) => deny("the plan and its limits are set by the provider"),
                SuspendOrg(_) => deny("an organization is suspended and resumed by the provider"),
                WorkTickets(_) => deny("tickets are worked by the provider's support agents"),
                DeleteOrg(_) => {
                    deny("deleting an organization goes through a verified deletion request")
                }
                _ => Ok(()),
            }
        }
        Actor::Service { org: own, .. } => {
            if action.org() != Some(*own) {
                return deny("no access outside your own organization");
            }
            match action {
                ReadOrg(_) | ListUsers(_) | ReadUser(..) | ReadPersonalData(..)
                | ReadDirectory(_) => Ok(()),
                _ => deny("LDAP service accounts can only read the directory of their org"),
            }
        }
        Actor::User { org: own, user: me } => {
            let Some(target) = action.org() else {
                return deny("users manage only their own account");
            };
            if target != *own {
                return deny("no access outside your own organization");
            }
            match *action {
                ReadOrg(_) => Ok(()),
                OpenTicket(_) | ReadTickets(_) => deny(
                    "support requests are submitted by your organization's administrators; \
                     please ask your IT administrator, who can contact support for you",
                ),
                ReadUser(_, u)
                | ReadPersonalData(_, u)
                | UpdatePersonalData(_, u)
                | ExportPersonalData(_, u)
                    if u == *me =>
                {
                    Ok(())
                }
                _ => deny("this needs an org admin"),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::StaffId;

    fn all_actions(org: OrgId, user: UserId) -> Vec<Action> {
        use Action::*;
        vec![
            ListOrgs,
            CreateOrg,
            ReadOrg(org),
            UpdateOrg(org),
            DeleteOrg(org),
            ListUsers(org),
            CreateUser(org),
            ReadUser(org, user),
            ReadPersonalData(org, user),
            UpdateUser(org, user),
            UpdatePersonalData(org, user),
            DeleteUser(org, user),
            SetPassword(org, user),
            ManageSecondFactor(org, user),
            GrantAdmin(org),
            RevokeAdmin(org),
            ReadDirectory(org),
            ManageGroups(org),
            ChangeMembership(org),
            ManageSystems(org),
            ManageResources(org),
            GrantAccess(org),
            ManageOrgTokens(org),
            ManageServiceAccounts(org),
            ReadAudit(org),
            ImportUsers(org),
            ManageStaff,
            OpenTicket(org),
            ReadTickets(org),
            WorkTickets(org),
            SupportQueue,
            ManageKnowledgeBase,
            ReadInternalArticles,
            SupportReports,
            ManagePrivacyRegistry,
            ManageOrgPrivacy(org),
            ExportPersonalData(org, user),
            RequestOrgDeletion(org),
            SuspendOrg(org),
            ManageFirstAdminInvitation(org),
        ]
    }

    /// Walks the whole actor × action matrix and compares with the expected table below. Each
    /// row is written out by hand so that a change in policy shows up as a changed line here.
    #[test]
    fn the_whole_actor_action_matrix() {
        let org = OrgId::from_random([1; 16]);
        let other = OrgId::from_random([2; 16]);
        let me = UserId::from_random([3; 16]);
        let someone = UserId::from_random([4; 16]);
        let staff = StaffId::from_random([5; 16]);
        let account = crate::ids::ServiceAccountId::from_random([6; 16]);
        let actors = [
            ("operator", Actor::Operator { staff }),
            ("agent", Actor::SupportAgent { staff }),
            ("admin", Actor::OrgAdmin { org, user: me }),
            ("user", Actor::User { org, user: me }),
            ("service", Actor::Service { org, account }),
            ("anonymous", Actor::Anonymous),
            ("system", Actor::System),
        ];
        // Expected outcome for (actor, action) on the own org, about `someone`:
        // A = allowed, D = denied. Columns follow all_actions() order. The two staff rows are
        // the support policy: staff keep the deployment running (orgs, plans, suspension, the
        // first admin's invitation, staff, KB, reports, privacy registers) and work tickets;
        // they create no one, grant nothing, delete and disclose nothing.
        let expected: [(&str, &str); 7] = [
            ("operator", "AAAADDDDDDDDDDDDDDDDDDDDDDADDDDADAADDDAA"),
            ("agent", "ADADDDDDDDDDDDDDDDDDDDDDDDDDAAAAAADDDDDD"),
            ("admin", "DDADDAAAAAAADDAAAAAAAAAAAADAADDDDDDAAADA"),
            ("user", "DDADDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDD"),
            ("service", "DDADDADAADDDDDDDADDDDDDDDDDDDDDDDDDDDDDD"),
            ("anonymous", "DDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDD"),
            ("system", "AAAAAAAAAAAADDAAAAAAAAAAAAAAAAAAAAAAAAAA"),
        ];
        for ((name, actor), (ename, row)) in actors.iter().zip(expected) {
            assert_eq!(*name, ename);
            let got: String = all_actions(org, someone)
                .iter()
                .map(|a| {
                    if authorize(actor, a).is_ok() {
                        'A'
                    } else {
                        'D'
                    }
                })
                .collect();
            assert_eq!(got, row, "matrix row for {name}");
        }
        // Self-service: a user may read and change their own personal data and password only.
        let user = Actor::User { org, user: me };
        assert!(authorize(&user, &Action::ReadPersonalData(org, me)).is_ok());
        assert!(authorize(&user, &Action::UpdatePersonalData(org, me)).is_ok());
        assert!(authorize(&user, &Action::SetPassword(org, me)).is_ok());
        assert!(authorize(&user, &Action::ManageSecondFactor(org, me)).is_ok());
        assert!(authorize(&user, &Action::ExportPersonalData(org, me)).is_ok());
        assert!(authorize(&Actor::System, &Action::ManageSecondFactor(org, me)).is_err());
        assert!(authorize(&user, &Action::UpdateUser(org, me)).is_err());
        // No org actor reaches another org, for any action.
        for actor in [
            Actor::OrgAdmin { org, user: me },
            Actor::User { org, user: me },
            Actor::Service { org, account },
        ] {
            for a in all_actions(other, someone) {
                assert!(
                    authorize(&actor, &a).is_err(),
                    "{actor:?} reached other org with {a:?}"
                );
            }
        }
    }

    #[test]
    fn denials_explain_who_can_do_it() {
        let org = OrgId::from_random([1; 16]);
        let agent = Actor::SupportAgent {
            staff: StaffId::from_random([5; 16]),
        };
        let operator = Actor::Operator {
            staff: StaffId::from_random([6; 16]),
        };
        let someone = UserId::from_random([7; 16]);
        for staff in [agent, operator] {
            for action in [
                Action::GrantAccess(org),
                Action::ChangeMembership(org),
                Action::GrantAdmin(org),
                Action::RevokeAdmin(org),
            ] {
                let e = authorize(&staff, &action).err().map(|e| e.to_string());
                assert!(
                    e.as_ref()
                        .is_some_and(|m| m.contains("org admin") && m.contains("at any time")),
                    "{staff:?} {action:?}: {e:?}"
                );
            }
            let e = authorize(&staff, &Action::CreateUser(org))
                .err()
                .map(|e| e.to_string());
            assert!(e.is_some_and(|m| m.contains("invitation")));
            let e = authorize(&staff, &Action::DeleteUser(org, someone))
                .err()
                .map(|e| e.to_string());
            assert!(e.is_some_and(|m| m.contains("verified request")));
        }
        let e = authorize(
            &Actor::System,
            &Action::SetPassword(org, UserId::from_random([1; 16])),
        );
        assert!(e.is_err());
    }
}
