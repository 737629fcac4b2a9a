//! One atomic change: the writes a use case makes plus the audit events that record them. The
//! store applies a [`Change`] in a single transaction — all of it or none of it — so no mutation
//! can ever exist without its audit event, and a refused change leaves nothing behind.

use crate::access::Staff;
use crate::audit::AuditDraft;
use crate::auth::{ApiToken, Credential, LoginState};
use crate::directory::{
    AccessBinding, Group, GroupMember, Org, Plan, Resource, ServiceAccount, System, User,
};
use crate::ids::{
    BindingId, GroupId, MailId, OrgId, ResourceId, ServiceAccountId, SystemId, TicketId, TokenId,
    UserId,
};
use crate::support::{OutboundMail, StoredAttachment, Ticket, TicketMessage};
use jiff::Timestamp;

/// One write. Creations carry the complete record; a POSIX `uid_number`/`gid_number` of 0 asks
/// the store to allocate the next free number of the org inside the transaction.
#[derive(Debug, Clone)]
pub enum Write {
    CreateOrg(Org),
    UpdateOrg(Org),
    CreateStaff(Staff),
    /// Sets (or replaces) a staff member's console password.
    SetStaffCredential {
        staff: crate::ids::StaffId,
        credential: Credential,
    },
    /// Records a staff member's failed-login state.
    SetStaffLoginState {
        staff: crate::ids::StaffId,
        state: LoginState,
    },
    /// Stores (or replaces) a staff member's authenticator enrollment; the store seals the
    /// secret under the deployment key (staff have no per-user key).
    SetStaffTotp {
        staff: crate::ids::StaffId,
        enrollment: crate::auth::TotpEnrollment,
    },
    RemoveStaffTotp(crate::ids::StaffId),
    /// Like [`Write::UseTotpStep`], for a staff member's authenticator.
    UseStaffTotpStep {
        staff: crate::ids::StaffId,
        step: u64,
    },
    CreateUser {
        user: Box<User>,
        credential: Option<Credential>,
    },
    UpdateUser(Box<User>),
    SetCredential {
        user: UserId,
        credential: Credential,
    },
    SetLoginState {
        user: UserId,
        state: LoginState,
    },
    /// Stores a password-reset or invitation link (its token's hash).
    PutPasswordReset(crate::auth::reset::PasswordReset),
    /// Ends every unused link of the user: a newer invitation replaces it, an admin revokes
    /// it, or the person has just set their password with another link.
    EndPasswordLinks {
        user: UserId,
        at: Timestamp,
    },
    /// Marks a reset link used, refusing (as a conflict on `link`) one used already.
    UsePasswordReset {
        token_hash: String,
        at: Timestamp,
    },
    /// Stores a requested change of a user's email address with its link (the token's hash);
    /// the store seals the pending address under the user's key.
    PutEmailChange(crate::directory::EmailChange),
    /// Ends every open email change of `user` (`how`: cancelled, or replaced by a newer one),
    /// clearing their pending addresses.
    EndEmailChanges {
        user: UserId,
        at: Timestamp,
        how: crate::directory::EmailChangeEnd,
    },
    /// Marks an email change confirmed and clears its pending address, refusing (as a
    /// conflict on `link`) one that is not open any more. The change that carries it also
    /// carries the user's record with the new address.
    ConfirmEmailChange {
        token_hash: String,
        at: Timestamp,
    },
    /// Stores (or replaces) a user's authenticator enrollment.
    SetTotp {
        user: UserId,
        enrollment: crate::auth::TotpEnrollment,
    },
    RemoveTotp(UserId),
    /// Records that the code of `step` was used, refusing (as a conflict on `totp`) a step
    /// that is not later than the last one used: each code counts once.
    UseTotpStep {
        user: UserId,
        step: u64,
    },
    /// Records a token's last use (never earlier than one already recorded). Bookkeeping for
    /// the idle limit of sessions and the token lists, not a change of the directory: it
    /// carries no audit event of its own.
    TouchToken {
        id: TokenId,
        at: Timestamp,
    },
    /// Deletes the user's records and destroys their data key (crypto-shredding).
    EraseUser(UserId),
    SetAdmin {
        user: UserId,
        admin: bool,
    },
    CreateGroup(Group),
    UpdateGroup(Group),
    DeleteGroup(GroupId),
    AddMember {
        group: GroupId,
        member: GroupMember,
    },
    RemoveMember {
        group: GroupId,
        member: GroupMember,
    },
    CreateSystem(System),
    UpdateSystem(System),
    DeleteSystem(SystemId),
    CreateResource(Resource),
    UpdateResource(Resource),
    DeleteResource(ResourceId),
    CreateBinding(AccessBinding),
    DeleteBinding(BindingId),
    CreateToken(ApiToken),
    RevokeToken {
        id: TokenId,
        at: Timestamp,
    },
    /// Revokes, at `at`, every token of `user` not revoked yet — their login sessions, and
    /// their personal API tokens too when `api_tokens` — except `keep` (the token the change
    /// was made with). One statement inside the change's transaction, so a session created
    /// before the change cannot slip past it.
    EndSessions {
        user: UserId,
        at: Timestamp,
        keep: Option<TokenId>,
        api_tokens: bool,
    },
    CreateServiceAccount {
        account: ServiceAccount,
        credential: Credential,
    },
    /// A new hash for a service account, resetting its lockout: a new password set by an org
    /// admin (`set_at` = now), or a transparent re-hash (`set_at` unchanged).
    SetServiceCredential {
        account: ServiceAccountId,
        credential: Credential,
        set_at: Timestamp,
    },
    SetServiceLoginState {
        account: ServiceAccountId,
        state: LoginState,
    },
    DeleteServiceAccount(ServiceAccountId),
    /// Replaces a password hash by a stronger one of the same password, only if the stored
    /// hash is still `from_hash` (a password changed meanwhile is left alone); the login state
    /// is not touched. Changes nothing (and is no error) when the hash has moved on.
    UpgradeHash {
        owner: HashOwner,
        from_hash: String,
        to_hash: String,
    },
    // --- support desk ---
    CreateTicket(Box<Ticket>),
    /// Replaces the ticket's record if its stored version is `ticket.version - 1` (someone
    /// else's change in between is a conflict: reload and try again).
    UpdateTicket(Box<Ticket>),
    /// Appends a message with its attachments (each sealed with the message).
    AddMessage {
        message: Box<TicketMessage>,
        attachments: Vec<StoredAttachment>,
    },
    /// Records that mail `Message-ID`s belong to a ticket's thread.
    LinkMail {
        ticket: TicketId,
        message_ids: Vec<String>,
    },
    /// Records that an inbound message was handled (a second delivery of it is then a
    /// duplicate): its duplicate key, what was done, and the ticket it went to.
    RecordInbound {
        key: String,
        outcome: String,
        ticket: Option<TicketId>,
        at: Timestamp,
    },
    /// Queues a mail for delivery.
    QueueMail(Box<OutboundMail>),
    /// Remembers that the desk sent an automatic answer (no ticket) to `address` at `at`, so a
    /// flood of messages from — or forged as from — one address gets one answer a day.
    RecordAnswer {
        address: String,
        at: Timestamp,
    },
    /// Opens a verified request with one confirmation link per admin.
    CreateVerification {
        request: Box<crate::support::VerificationRequest>,
        challenges: Vec<crate::support::Challenge>,
    },
    /// Replaces a verified request if its stored version is `version - 1` (two admins deciding
    /// at once: the second gets a conflict).
    UpdateVerification(Box<crate::support::VerificationRequest>),
    /// Names the org's dedicated support specialist (JumpStart), or none.
    SetSpecialist(Option<crate::ids::StaffId>),
    /// Creates a macro, or replaces the one with the same id.
    PutMacro(Box<crate::support::Macro>),
    DeleteMacro(crate::ids::MacroId),
    // --- data protection ---
    /// Creates a sub-processor's entry, or replaces the one with the same id.
    PutSubProcessor(Box<crate::privacy::SubProcessor>),
    /// Appends a dated change to the registry's feed.
    AddRegistryEvent(Box<crate::privacy::RegistryEvent>),
    Subscribe(Box<crate::privacy::Subscription>),
    Unsubscribe(crate::ids::SubscriptionId),
    RecordObjection(Box<crate::privacy::Objection>),
    /// Publishes a version of the Data Processing Agreement (versions are never changed).
    PublishDpa(Box<crate::privacy::DpaVersion>),
    /// Appends a published version of a policy document to the privacy feed.
    AddPolicyEvent(Box<crate::privacy::PolicyEvent>),
    /// Publishes a version of the privacy statement, refusing (as a conflict) a version number
    /// already published: two processes publishing at once cannot both succeed.
    PublishStatement(Box<crate::privacy::StatementVersion>),
    /// Records that a once-per-deployment step was done (e.g. seeding the registry),
    /// refusing (as a conflict) one already recorded.
    MarkDeployment {
        name: String,
        at: Timestamp,
    },
    /// Records the org's retention choice (replacing an earlier one).
    SetOrgRetention(Box<crate::privacy::OrgRetention>),
    SignDpa(Box<crate::privacy::DpaSignature>),
    /// Creates a sub-processor's erasure connector, or replaces the one with the same id.
    PutConnector(Box<crate::privacy::Connector>),
    /// Creates an erasure request (version 1), or replaces it if the stored version is
    /// `version - 1` (the dispatcher and a callback updating it at once: one retries).
    PutErasure(Box<crate::privacy::ErasureRequest>),
    /// Records a breach (version 1) or replaces it at `version - 1`.
    PutBreach(Box<crate::privacy::Breach>),
    /// Records an org deletion request (version 1) or replaces it at `version - 1`.
    PutOrgDeletion(Box<crate::privacy::OrgDeletion>),
    /// Deletes every row of the organization and destroys its keys and its users' keys
    /// (after the commit). Its audit chain goes too; the deployment's records the purge.
    PurgeOrg(OrgId),
    /// Records a data subject's request (version 1) or replaces it at `version - 1`; sealed
    /// under the org's key.
    PutDataRequest(Box<crate::privacy::DataRequest>),
    /// Deletes the stored files of a ticket (the retention rule for closed tickets); the
    /// messages keep their names and sizes.
    PurgeAttachments(TicketId),
    /// Creates a knowledge-base article, or replaces the one with the same id.
    PutArticle(Box<crate::support::Article>),
    DeleteArticle(crate::ids::ArticleId),
    /// A queued mail was delivered: it leaves the queue.
    MailDelivered(MailId),
    /// A delivery attempt failed: try again at `retry_at`, or give up (`retry_at` = `None`),
    /// keeping `error` (no personal data) for the operator.
    MailFailed {
        id: MailId,
        attempts: u32,
        retry_at: Option<Timestamp>,
        error: String,
    },
}

/// Whose password hash an [`Write::UpgradeHash`] replaces.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum HashOwner {
    User(UserId),
    Service(ServiceAccountId),
}

/// Asks the store to refuse the change if the org would hold more users than its plan allows,
/// counted inside the transaction so concurrent creations cannot both slip under the limit.
#[derive(Debug, Clone)]
pub struct SeatCheck {
    pub plan: Plan,
    pub now: Timestamp,
}

/// Writes and audit events applied together.
#[derive(Debug, Clone)]
pub struct Change {
    /// The org every write belongs to (`None` for deployment-level writes such as staff).
    pub org: Option<OrgId>,
    pub writes: Vec<Write>,
    pub audit: Vec<AuditDraft>,
    pub seat_check: Option<SeatCheck>,
}

impl Change {
    /// An empty change scoped to `org`.
    pub fn new(org: Option<OrgId>) -> Self {
        Self {
            org,
            writes: Vec::new(),
            audit: Vec::new(),
            seat_check: None,
        }
    }

    /// Adds a write.
    pub fn write(mut self, w: Write) -> Self {
        self.writes.push(w);
        self
    }

    /// Adds an audit event.
    pub fn audit(mut self, a: AuditDraft) -> Self {
        self.audit.push(a);
        self
    }

    /// Adds the writes and audit events of `other` (a part built by a helper, e.g. a link
    /// and its mail), after this change's own.
    pub fn merge(mut self, other: Change) -> Self {
        self.writes.extend(other.writes);
        self.audit.extend(other.audit);
        self
    }

    /// Requests the in-transaction seat check.
    pub fn seats(mut self, plan: Plan, now: Timestamp) -> Self {
        self.seat_check = Some(SeatCheck { plan, now });
        self
    }

    /// Number of users this change creates.
    pub fn users_added(&self) -> u64 {
        self.writes
            .iter()
            .filter(|w| matches!(w, Write::CreateUser { .. }))
            .count() as u64
    }
}

/// What a committed change did to the directory as readers see it (LDAP's read model, caches):
/// which users and groups to reload, and whether memberships, the admin set or the org record
/// moved. Credentials, login state, tokens and audit events are not part of it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Touched {
    /// Position in the store's sequence of notices (set by the store; 0 until then).
    #[serde(skip)]
    pub seq: u64,
    pub org: OrgId,
    /// Reload the whole org (the change was too big to list), or — with the nil org id —
    /// every org (notices may have been missed).
    #[serde(default)]
    pub reload: bool,
    pub org_record: bool,
    pub users: Vec<UserId>,
    pub groups: Vec<GroupId>,
    pub memberships: bool,
    pub admins: bool,
    /// The org's LDAP service accounts changed (one was created, deleted or re-keyed).
    #[serde(default)]
    pub service_accounts: bool,
}

impl Touched {
    /// A notice that readers may have missed changes to any org and should reload everything.
    pub fn everything() -> Self {
        Self {
            seq: 0,
            org: OrgId(uuid::Uuid::nil()),
            reload: true,
            org_record: false,
            users: Vec::new(),
            groups: Vec::new(),
            memberships: false,
            admins: false,
            service_accounts: false,
        }
    }

    /// True for [`Touched::everything`].
    pub fn is_everything(&self) -> bool {
        self.reload && self.org.0.is_nil()
    }

    /// The same notice without its lists, asking for a reload of the whole org.
    pub fn as_reload(&self) -> Self {
        Self {
            seq: self.seq,
            org: self.org,
            reload: true,
            org_record: true,
            users: Vec::new(),
            groups: Vec::new(),
            memberships: true,
            admins: true,
            service_accounts: true,
        }
    }
}

impl Change {
    /// The directory-visible part of this change, or `None` when readers need not look again.
    pub fn touched(&self) -> Option<Touched> {
        // A purged organization: readers drop it whole.
        if let Some(org) = self.writes.iter().find_map(|w| match w {
            Write::PurgeOrg(o) => Some(*o),
            _ => None,
        }) {
            return Some(Touched {
                seq: 0,
                reload: true,
                org,
                org_record: true,
                users: Vec::new(),
                groups: Vec::new(),
                memberships: true,
                admins: true,
                service_accounts: true,
            });
        }
        let mut t = Touched {
            seq: 0,
            reload: false,
            org: self.org?,
            org_record: false,
            users: Vec::new(),
            groups: Vec::new(),
            memberships: false,
            admins: false,
            service_accounts: false,
        };
        for w in &self.writes {
            match w {
                Write::CreateOrg(_) | Write::UpdateOrg(_) => t.org_record = true,
                Write::CreateUser { user, .. } => t.users.push(user.id),
                Write::UpdateUser(user) => t.users.push(user.id),
                Write::EraseUser(id) => {
                    t.users.push(*id);
                    t.memberships = true;
                    t.admins = true;
                }
                Write::SetAdmin { .. } => t.admins = true,
                Write::CreateGroup(g) | Write::UpdateGroup(g) => t.groups.push(g.id),
                Write::DeleteGroup(id) => {
                    t.groups.push(*id);
                    t.memberships = true;
                }
                Write::AddMember { .. } | Write::RemoveMember { .. } => t.memberships = true,
                // A new password must cut off connections bound with the old one.
                Write::CreateServiceAccount { .. }
                | Write::SetServiceCredential { .. }
                | Write::DeleteServiceAccount(_) => t.service_accounts = true,
                _ => {}
            }
        }
        let moved = t.org_record || t.memberships || t.admins || t.service_accounts;
        (moved || !t.users.is_empty() || !t.groups.is_empty()).then_some(t)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod touched_tests {
    use super::*;

    #[test]
    fn only_directory_visible_writes_touch_readers() {
        let org = OrgId::from_random([1; 16]);
        let user = UserId::from_random([2; 16]);
        let login = Change::new(Some(org)).write(Write::SetLoginState {
            user,
            state: LoginState::default(),
        });
        assert_eq!(login.touched(), None);
        let erase = Change::new(Some(org)).write(Write::EraseUser(user));
        let t = erase.touched().unwrap();
        assert_eq!((t.org, t.users.as_slice()), (org, &[user][..]));
        assert!(t.memberships && t.admins && !t.org_record);
        assert_eq!(
            Change::new(None).write(Write::EraseUser(user)).touched(),
            None
        );
    }
}
