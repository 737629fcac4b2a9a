//! One atomic change: the writes a use case makes plus the audit events that record them. The
//! store applies a [`Change`] in a single transaction — all of it or none of it — so no mutation
//! can ever exist without its audit event, and a refused change leaves nothing behind.

use crate::access::Staff;
use crate::audit::AuditDraft;
use crate::auth::{ApiToken, Credential, LoginState};
use crate::directory::{AccessBinding, Group, GroupMember, Org, Plan, Resource, System, User};
use crate::ids::{BindingId, GroupId, OrgId, ResourceId, SystemId, TokenId, UserId};
use jiff::Timestamp;

/// One write. Creations carry the complete record; a POSIX `uid_number`/`gid_number` of 0 asks
/// the store to allocate the next free number of the org inside the transaction.
#[derive(Debug, Clone)]
pub enum Write {
    CreateOrg(Org),
    UpdateOrg(Org),
    CreateStaff(Staff),
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
