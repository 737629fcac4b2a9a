//! A hand-written in-memory `DirectoryStore` for the services' unit tests: applies a `Change`
//! atomically (on a copy of the state), keeps audit chains with real hashes, allocates POSIX
//! numbers and enforces the same uniqueness rules as the real store.

use crate::access::Staff;
use crate::audit::{AuditEvent, ChainKey, GENESIS, chain_hash};
use crate::auth::{ApiToken, Credential, LoginRecord};
use crate::change::{Change, HashOwner, Write};
use crate::directory::group::FIRST_GID;
use crate::directory::user::FIRST_UID;
use crate::directory::{
    AccessBinding, Email, Group, GroupMember, Name, Org, OrgSlug, Resource, ServiceAccount, System,
    User, Username,
};
use crate::error::{CoreError, CoreResult};
use crate::ids::{BindingId, GroupId, OrgId, ServiceAccountId, UserId};
use crate::page::{Page, PageRequest};
use crate::ports::DirectoryStore;
use std::collections::{BTreeMap, HashSet};
use std::sync::{Arc, Mutex};

#[derive(Clone, Default)]
struct State {
    orgs: BTreeMap<OrgId, Org>,
    staff: Vec<Staff>,
    staff_credentials: BTreeMap<crate::ids::StaffId, Credential>,
    staff_totp: BTreeMap<crate::ids::StaffId, crate::auth::TotpEnrollment>,
    password_resets: BTreeMap<String, crate::auth::reset::PasswordReset>,
    email_changes: BTreeMap<String, crate::directory::EmailChange>,
    users: BTreeMap<UserId, User>,
    creds: BTreeMap<UserId, Credential>,
    admins: HashSet<UserId>,
    groups: BTreeMap<GroupId, Group>,
    members: Vec<(GroupId, GroupMember)>,
    systems: Vec<System>,
    resources: Vec<Resource>,
    bindings: Vec<AccessBinding>,
    tokens: Vec<ApiToken>,
    services: BTreeMap<ServiceAccountId, (ServiceAccount, Credential)>,
    audit: BTreeMap<ChainKey, Vec<AuditEvent>>,
    desk: super::memory_desk::DeskState,
    totp: BTreeMap<UserId, crate::auth::TotpEnrollment>,
    privacy: super::memory_privacy::PrivacyState,
}

/// The fake store.
#[derive(Clone, Default)]
pub struct MemoryStore(Arc<Mutex<State>>);

impl MemoryStore {
    fn read<T>(&self, f: impl FnOnce(&State) -> T) -> CoreResult<T> {
        let s = self
            .0
            .lock()
            .map_err(|_| CoreError::Internal("poisoned".into()))?;
        Ok(f(&s))
    }

    /// Number of audit events in a chain.
    pub fn audit_len(&self, chain: ChainKey) -> usize {
        self.read(|s| s.audit.get(&chain).map_or(0, Vec::len))
            .unwrap_or(0)
    }

    /// Runs `f` on the desk's state (the desk fake in `memory_desk`).
    pub fn with_desk<T>(
        &self,
        f: impl FnOnce(&mut super::memory_desk::DeskState) -> T,
    ) -> CoreResult<T> {
        let mut s = self
            .0
            .lock()
            .map_err(|_| CoreError::Internal("poisoned".into()))?;
        Ok(f(&mut s.desk))
    }

    /// Runs `f` on the data-protection records (the fake in `memory_privacy`).
    pub fn with_privacy<T>(
        &self,
        f: impl FnOnce(&mut super::memory_privacy::PrivacyState) -> T,
    ) -> CoreResult<T> {
        let mut s = self
            .0
            .lock()
            .map_err(|_| CoreError::Internal("poisoned".into()))?;
        Ok(f(&mut s.privacy))
    }

    /// Every (org, user) with this address.
    pub fn users_with_email(&self, email: &Email) -> CoreResult<Vec<(OrgId, UserId)>> {
        self.read(|s| {
            s.users
                .values()
                .filter(|u| &u.email == email)
                .map(|u| (u.org, u.id))
                .collect()
        })
    }

    /// Events of a chain.
    pub fn events(&self, chain: ChainKey) -> Vec<AuditEvent> {
        self.read(|s| s.audit.get(&chain).cloned().unwrap_or_default())
            .unwrap_or_default()
    }
}

fn apply(s: &mut State, w: Write, org: Option<OrgId>) -> CoreResult<()> {
    match w {
        w @ (Write::PutSubProcessor(_)
        | Write::AddRegistryEvent(_)
        | Write::Subscribe(_)
        | Write::Unsubscribe(_)
        | Write::RecordObjection(_)
        | Write::PublishDpa(_)
        | Write::AddPolicyEvent(_)
        | Write::PublishStatement(_)
        | Write::MarkDeployment { .. }
        | Write::SetOrgRetention(_)
        | Write::SignDpa(_)
        | Write::PutConnector(_)
        | Write::PutErasure(_)
        | Write::PutBreach(_)
        | Write::PutOrgDeletion(_)
        | Write::PutDataRequest(_)) => return super::memory_privacy::apply(&mut s.privacy, w),
        w @ (Write::CreateTicket(_)
        | Write::UpdateTicket(_)
        | Write::AddMessage { .. }
        | Write::LinkMail { .. }
        | Write::RecordInbound { .. }
        | Write::QueueMail(_)
        | Write::RecordAnswer { .. }
        | Write::MailDelivered(_)
        | Write::MailFailed { .. }
        | Write::PutArticle(_)
        | Write::DeleteArticle(_)
        | Write::CreateVerification { .. }
        | Write::UpdateVerification(_)
        | Write::SetSpecialist(_)
        | Write::PutMacro(_)
        | Write::DeleteMacro(_)
        | Write::PurgeAttachments(_)) => return super::memory_desk::apply(&mut s.desk, w, org),
        Write::CreateOrg(o) => {
            if s.orgs.values().any(|x| x.slug == o.slug) {
                return Err(CoreError::conflict("slug", "taken"));
            }
            s.orgs.insert(o.id, o);
        }
        Write::UpdateOrg(o) => {
            s.orgs.insert(o.id, o);
        }
        Write::CreateStaff(st) => s.staff.push(st),
        Write::SetStaffCredential { staff, credential } => {
            s.staff_credentials.insert(staff, credential);
        }
        Write::SetStaffLoginState { staff, state } => match s.staff_credentials.get_mut(&staff) {
            Some(c) => c.state = state,
            None => return Err(CoreError::not_found("staff credential", staff.to_string())),
        },
        Write::SetStaffTotp { staff, enrollment } => {
            s.staff_totp.insert(staff, enrollment);
        }
        Write::RemoveStaffTotp(staff) => {
            s.staff_totp.remove(&staff);
        }
        Write::UseStaffTotpStep { staff, step } => match s.staff_totp.get_mut(&staff) {
            Some(t) if t.last_step < step => t.last_step = step,
            _ => return Err(CoreError::conflict("totp", "code already used")),
        },
        Write::CreateUser { user, credential } => {
            let mut u = *user;
            if s.users
                .values()
                .any(|x| x.org == u.org && x.username == u.username)
            {
                return Err(CoreError::conflict("username", "taken"));
            }
            if s.users
                .values()
                .any(|x| x.org == u.org && x.email == u.email)
            {
                return Err(CoreError::conflict("email", "taken"));
            }
            if u.posix.uid_number == 0 {
                let max = s
                    .users
                    .values()
                    .filter(|x| x.org == u.org)
                    .map(|x| x.posix.uid_number)
                    .max();
                u.posix.uid_number = max.map_or(FIRST_UID, |m| m.max(FIRST_UID - 1) + 1);
            }
            if u.posix.gid_number == 0 {
                u.posix.gid_number = u.posix.uid_number;
            }
            if let Some(c) = credential {
                s.creds.insert(u.id, c);
            }
            s.users.insert(u.id, u);
        }
        Write::UpdateUser(u) => {
            if s.users
                .values()
                .any(|x| x.org == u.org && x.id != u.id && x.email == u.email)
            {
                return Err(CoreError::conflict(
                    "email",
                    "another user of this organization has this email",
                ));
            }
            s.users.insert(u.id, *u);
        }
        Write::SetCredential { user, credential } => {
            s.creds.insert(user, credential);
        }
        Write::SetLoginState { user, state } => {
            if let Some(c) = s.creds.get_mut(&user) {
                c.state = state;
            }
        }
        Write::SetTotp { user, enrollment } => {
            s.totp.insert(user, enrollment);
        }
        Write::RemoveTotp(user) => {
            s.totp.remove(&user);
        }
        Write::PutPasswordReset(r) => {
            s.password_resets.insert(r.token_hash.clone(), r);
        }
        Write::EndPasswordLinks { user, at } => {
            for r in s.password_resets.values_mut() {
                if Some(r.org) == org && r.user == user && r.used_at.is_none() {
                    r.used_at = Some(at);
                }
            }
        }
        Write::UsePasswordReset { token_hash, at } => {
            match s.password_resets.get_mut(&token_hash) {
                Some(r) if r.used_at.is_none() => r.used_at = Some(at),
                _ => return Err(CoreError::conflict("link", "already used")),
            }
        }
        Write::PutEmailChange(c) => {
            if !s.users.contains_key(&c.user) {
                return Err(CoreError::not_found("user", c.user.to_string()));
            }
            s.email_changes.insert(c.token_hash.clone(), c);
        }
        Write::EndEmailChanges { user, at, how } => {
            for c in s.email_changes.values_mut() {
                if Some(c.org) == org && c.user == user && c.ended.is_none() {
                    c.ended = Some((at, how));
                    c.new_email = None;
                }
            }
        }
        Write::ConfirmEmailChange { token_hash, at } => {
            match s.email_changes.get_mut(&token_hash) {
                Some(c) if c.ended.is_none() && Some(c.org) == org => {
                    c.ended = Some((at, crate::directory::EmailChangeEnd::Confirmed));
                    c.new_email = None;
                }
                _ => return Err(CoreError::conflict("link", "not open")),
            }
        }
        Write::UseTotpStep { user, step } => match s.totp.get_mut(&user) {
            Some(t) if t.last_step < step => t.last_step = step,
            _ => return Err(CoreError::conflict("totp", "code already used")),
        },
        Write::EraseUser(id) => {
            s.email_changes.retain(|_, c| c.user != id);
            s.users.remove(&id);
            s.creds.remove(&id);
            s.totp.remove(&id);
            s.admins.remove(&id);
            s.members.retain(|(_, m)| *m != GroupMember::User(id));
        }
        Write::PurgeOrg(org) => {
            super::memory_privacy::purge_org(&mut s.privacy, org);
            let gone: HashSet<UserId> = s
                .users
                .values()
                .filter(|u| u.org == org)
                .map(|u| u.id)
                .collect();
            s.users.retain(|_, u| u.org != org);
            s.creds.retain(|id, _| !gone.contains(id));
            s.totp.retain(|id, _| !gone.contains(id));
            s.admins.retain(|id| !gone.contains(id));
            let groups: HashSet<GroupId> = s
                .groups
                .values()
                .filter(|g| g.org == org)
                .map(|g| g.id)
                .collect();
            s.groups.retain(|_, g| g.org != org);
            s.members.retain(|(g, _)| !groups.contains(g));
            s.systems.retain(|x| x.org != org);
            s.resources.retain(|x| x.org != org);
            s.bindings.retain(|x| x.org != org);
            s.tokens.retain(|t| t.org() != Some(org));
            s.services.retain(|_, (a, _)| a.org != org);
            s.audit.remove(&ChainKey::Org(org));
            s.orgs.remove(&org);
        }
        Write::SetAdmin { user, admin } => {
            if admin {
                s.admins.insert(user);
            } else {
                s.admins.remove(&user);
            }
        }
        Write::CreateGroup(mut g) => {
            if s.groups
                .values()
                .any(|x| x.org == g.org && x.name == g.name)
            {
                return Err(CoreError::conflict("name", "taken"));
            }
            if g.gid_number == 0 {
                let max = s
                    .groups
                    .values()
                    .filter(|x| x.org == g.org)
                    .map(|x| x.gid_number)
                    .max();
                g.gid_number = max.map_or(FIRST_GID, |m| m + 1);
            }
            s.groups.insert(g.id, g);
        }
        Write::UpdateGroup(g) => {
            s.groups.insert(g.id, g);
        }
        Write::DeleteGroup(id) => {
            s.groups.remove(&id);
            s.members
                .retain(|(p, m)| *p != id && *m != GroupMember::Group(id));
        }
        Write::AddMember { group, member } => s.members.push((group, member)),
        Write::RemoveMember { group, member } => s.members.retain(|e| *e != (group, member)),
        Write::CreateSystem(x) => s.systems.push(x),
        Write::UpdateSystem(x) => {
            s.systems.retain(|y| y.id != x.id);
            s.systems.push(x);
        }
        Write::DeleteSystem(id) => s.systems.retain(|y| y.id != id),
        Write::CreateResource(x) => s.resources.push(x),
        Write::UpdateResource(x) => {
            s.resources.retain(|y| y.id != x.id);
            s.resources.push(x);
        }
        Write::DeleteResource(id) => s.resources.retain(|y| y.id != id),
        Write::CreateBinding(b) => s.bindings.push(b),
        Write::DeleteBinding(id) => s.bindings.retain(|b| b.id != id),
        Write::CreateToken(t) => s.tokens.push(t),
        Write::RevokeToken { id, at } => {
            for t in s.tokens.iter_mut().filter(|t| t.id == id) {
                t.revoked_at = Some(at);
            }
        }
        Write::EndSessions {
            user,
            at,
            keep,
            api_tokens,
        } => {
            let theirs = org.map(|org| crate::auth::TokenSubject::User { org, user });
            for t in s.tokens.iter_mut().filter(|t| {
                Some(t.subject) == theirs
                    && t.revoked_at.is_none()
                    && Some(t.id) != keep
                    && (api_tokens || t.idle_secs.is_some())
            }) {
                t.revoked_at = Some(at);
            }
        }
        Write::TouchToken { id, at } => {
            for t in s.tokens.iter_mut().filter(|t| t.id == id) {
                if t.last_used_at.is_none_or(|l| l < at) {
                    t.last_used_at = Some(at);
                }
            }
        }
        Write::CreateServiceAccount {
            account,
            credential,
        } => {
            if s.services
                .values()
                .any(|(a, _)| a.org == account.org && a.name == account.name)
            {
                return Err(CoreError::conflict(
                    "name",
                    "an LDAP service account with this name already exists",
                ));
            }
            s.services.insert(account.id, (account, credential));
        }
        Write::SetServiceCredential {
            account,
            credential,
            set_at,
        } => match s.services.get_mut(&account) {
            Some(entry) => {
                entry.0.password_set_at = set_at;
                entry.1 = credential;
            }
            None => {
                return Err(CoreError::not_found(
                    "LDAP service account",
                    account.to_string(),
                ));
            }
        },
        Write::SetServiceLoginState { account, state } => {
            if let Some(entry) = s.services.get_mut(&account) {
                entry.1.state = state;
            }
        }
        Write::DeleteServiceAccount(id) => {
            s.services.remove(&id);
        }
        Write::UpgradeHash {
            owner,
            from_hash,
            to_hash,
        } => {
            let cred = match owner {
                HashOwner::User(id) => s.creds.get_mut(&id),
                HashOwner::Service(id) => s.services.get_mut(&id).map(|e| &mut e.1),
            };
            if let Some(c) = cred.filter(|c| c.hash == from_hash) {
                c.hash = to_hash;
            }
        }
    }
    Ok(())
}

fn page<T: Clone>(mut v: Vec<T>, key: impl Fn(&T) -> String, p: &PageRequest) -> Page<T> {
    v.sort_by_key(|x| key(x));
    let rows: Vec<T> = v
        .into_iter()
        .filter(|x| p.after.as_ref().is_none_or(|a| key(x) > *a))
        .take(p.limit as usize + 1)
        .collect();
    Page::from_overfetch(rows, p.limit, key)
}

impl DirectoryStore for MemoryStore {
    async fn commit(&self, change: Change) -> CoreResult<()> {
        let mut guard = self
            .0
            .lock()
            .map_err(|_| CoreError::Internal("poisoned".into()))?;
        let mut s = guard.clone();
        if let (Some(check), Some(org)) = (&change.seat_check, change.org) {
            let current = s.users.values().filter(|u| u.org == org).count() as u64;
            check
                .plan
                .check_growth(current, change.users_added(), check.now)?;
        }
        for w in change.writes {
            apply(&mut s, w, change.org)?;
        }
        for d in change.audit {
            let chain = s.audit.entry(d.chain).or_default();
            let prev = chain.last().map_or(GENESIS.to_string(), |e| e.hash.clone());
            let mut e = AuditEvent {
                chain: d.chain.as_text(),
                seq: chain.len() as u64 + 1,
                at: d.at,
                actor: d.actor,
                action: d.action,
                target: d.target,
                outcome: d.outcome,
                detail: d.detail,
                prev_hash: prev.clone(),
                hash: String::new(),
            };
            e.hash = chain_hash(&prev, &e);
            chain.push(e);
        }
        *guard = s;
        Ok(())
    }

    async fn list_orgs(&self, p: &PageRequest) -> CoreResult<Page<Org>> {
        self.read(|s| {
            page(
                s.orgs.values().cloned().collect(),
                |o| o.slug.as_str().to_string(),
                p,
            )
        })
    }
    async fn org_by_slug(&self, slug: &OrgSlug) -> CoreResult<Option<Org>> {
        self.read(|s| s.orgs.values().find(|o| &o.slug == slug).cloned())
    }
    async fn org_by_id(&self, id: OrgId) -> CoreResult<Option<Org>> {
        self.read(|s| s.orgs.get(&id).cloned())
    }
    async fn list_staff(&self) -> CoreResult<Vec<Staff>> {
        self.read(|s| s.staff.clone())
    }
    async fn password_reset(
        &self,
        token_hash: &str,
    ) -> CoreResult<Option<crate::auth::reset::PasswordReset>> {
        self.read(|s| s.password_resets.get(token_hash).cloned())
    }
    async fn latest_invitation(
        &self,
        org: OrgId,
        user: UserId,
    ) -> CoreResult<Option<crate::auth::reset::PasswordReset>> {
        self.read(|s| {
            s.password_resets
                .values()
                .filter(|r| r.org == org && r.user == user && r.purpose.is_invitation())
                .max_by_key(|r| r.created_at)
                .cloned()
        })
    }
    async fn first_admin_invitation(
        &self,
        org: OrgId,
    ) -> CoreResult<Option<crate::auth::reset::PasswordReset>> {
        self.read(|s| {
            s.password_resets
                .values()
                .filter(|r| {
                    r.org == org && r.purpose == crate::auth::reset::LinkPurpose::FirstAdmin
                })
                .max_by_key(|r| r.created_at)
                .cloned()
        })
    }
    async fn password_resets_since(
        &self,
        org: OrgId,
        user: UserId,
        since: jiff::Timestamp,
    ) -> CoreResult<u64> {
        self.read(|s| {
            s.password_resets
                .values()
                .filter(|r| {
                    r.org == org
                        && r.user == user
                        && r.created_at >= since
                        && !r.purpose.is_invitation()
                })
                .count() as u64
        })
    }
    async fn email_change(
        &self,
        token_hash: &str,
    ) -> CoreResult<Option<crate::directory::EmailChange>> {
        self.read(|s| s.email_changes.get(token_hash).cloned())
    }
    async fn pending_email_change(
        &self,
        org: OrgId,
        user: UserId,
    ) -> CoreResult<Option<crate::directory::EmailChange>> {
        self.read(|s| {
            s.email_changes
                .values()
                .filter(|c| c.org == org && c.user == user && c.ended.is_none())
                .max_by_key(|c| c.created_at)
                .cloned()
        })
    }
    async fn email_changes_since(
        &self,
        org: OrgId,
        user: UserId,
        since: jiff::Timestamp,
    ) -> CoreResult<u64> {
        self.read(|s| {
            s.email_changes
                .values()
                .filter(|c| c.org == org && c.user == user && c.created_at >= since)
                .count() as u64
        })
    }
    async fn staff_credential(
        &self,
        handle: &str,
    ) -> CoreResult<Option<(Staff, Option<Credential>)>> {
        self.read(|s| {
            s.staff
                .iter()
                .find(|x| x.handle == handle)
                .map(|x| (x.clone(), s.staff_credentials.get(&x.id).cloned()))
        })
    }
    async fn staff_totp(
        &self,
        staff: crate::ids::StaffId,
    ) -> CoreResult<Option<crate::auth::TotpEnrollment>> {
        self.read(|s| s.staff_totp.get(&staff).cloned())
    }
    async fn user_tokens(&self, org: OrgId, user: UserId) -> CoreResult<Vec<ApiToken>> {
        self.read(|s| {
            let mut v: Vec<ApiToken> = s
                .tokens
                .iter()
                .filter(|t| {
                    t.revoked_at.is_none()
                        && t.subject == crate::auth::TokenSubject::User { org, user }
                })
                .cloned()
                .collect();
            v.sort_by_key(|t| std::cmp::Reverse(t.created_at));
            v
        })
    }
    async fn token_by_hash(&self, hash: &[u8; 32]) -> CoreResult<Option<ApiToken>> {
        self.read(|s| s.tokens.iter().find(|t| &t.secret_hash == hash).cloned())
    }
    async fn user_by_name(&self, org: OrgId, username: &Username) -> CoreResult<Option<User>> {
        self.read(|s| {
            s.users
                .values()
                .find(|u| u.org == org && &u.username == username)
                .cloned()
        })
    }
    async fn user_by_id(&self, org: OrgId, id: UserId) -> CoreResult<Option<User>> {
        self.read(|s| s.users.get(&id).filter(|u| u.org == org).cloned())
    }
    async fn user_by_email(&self, org: OrgId, email: &Email) -> CoreResult<Option<User>> {
        self.read(|s| {
            s.users
                .values()
                .find(|u| u.org == org && &u.email == email)
                .cloned()
        })
    }
    async fn list_users(&self, org: OrgId, p: &PageRequest) -> CoreResult<Page<User>> {
        self.read(|s| {
            page(
                s.users.values().filter(|u| u.org == org).cloned().collect(),
                |u| u.username.as_str().to_string(),
                p,
            )
        })
    }
    async fn search_users(
        &self,
        org: OrgId,
        prefix: &str,
        p: &PageRequest,
    ) -> CoreResult<Page<User>> {
        self.read(|s| {
            page(
                s.users
                    .values()
                    .filter(|u| u.org == org && u.username.as_str().starts_with(prefix))
                    .cloned()
                    .collect(),
                |u| u.username.as_str().to_string(),
                p,
            )
        })
    }
    async fn count_users(&self, org: OrgId) -> CoreResult<u64> {
        self.read(|s| s.users.values().filter(|u| u.org == org).count() as u64)
    }
    async fn credential(&self, org: OrgId, user: UserId) -> CoreResult<Option<Credential>> {
        self.read(|s| {
            s.users
                .get(&user)
                .filter(|u| u.org == org)
                .and_then(|_| s.creds.get(&user).cloned())
        })
    }
    async fn login_record(
        &self,
        org: OrgId,
        username: &Username,
    ) -> CoreResult<Option<LoginRecord>> {
        self.read(|s| {
            s.users
                .values()
                .find(|u| u.org == org && u.username == *username)
                .map(|u| LoginRecord {
                    user: u.id,
                    status: u.status,
                    credential: s.creds.get(&u.id).cloned(),
                })
        })
    }
    async fn totp(
        &self,
        _: OrgId,
        user: UserId,
    ) -> CoreResult<Option<crate::auth::TotpEnrollment>> {
        self.read(|s| s.totp.get(&user).cloned())
    }

    async fn admins(&self, org: OrgId) -> CoreResult<Vec<UserId>> {
        self.read(|s| {
            s.admins
                .iter()
                .filter(|a| s.users.get(a).is_some_and(|u| u.org == org))
                .copied()
                .collect()
        })
    }
    async fn group_by_name(&self, org: OrgId, name: &Name) -> CoreResult<Option<Group>> {
        self.read(|s| {
            s.groups
                .values()
                .find(|g| g.org == org && &g.name == name)
                .cloned()
        })
    }
    async fn group_by_id(&self, org: OrgId, id: GroupId) -> CoreResult<Option<Group>> {
        self.read(|s| s.groups.get(&id).filter(|g| g.org == org).cloned())
    }
    async fn list_groups(&self, org: OrgId, p: &PageRequest) -> CoreResult<Page<Group>> {
        self.read(|s| {
            page(
                s.groups
                    .values()
                    .filter(|g| g.org == org)
                    .cloned()
                    .collect(),
                |g| g.name.as_str().to_string(),
                p,
            )
        })
    }
    async fn members(&self, org: OrgId, group: GroupId) -> CoreResult<Vec<GroupMember>> {
        self.read(|s| {
            if s.groups.get(&group).is_none_or(|g| g.org != org) {
                return vec![];
            }
            s.members
                .iter()
                .filter(|(g, _)| *g == group)
                .map(|(_, m)| *m)
                .collect()
        })
    }
    async fn memberships(&self, org: OrgId) -> CoreResult<Vec<(GroupId, GroupMember)>> {
        self.read(|s| {
            s.members
                .iter()
                .filter(|(g, _)| s.groups.get(g).is_some_and(|g| g.org == org))
                .copied()
                .collect()
        })
    }
    async fn system_by_name(&self, org: OrgId, hostname: &Name) -> CoreResult<Option<System>> {
        self.read(|s| {
            s.systems
                .iter()
                .find(|x| x.org == org && &x.hostname == hostname)
                .cloned()
        })
    }
    async fn list_systems(&self, org: OrgId, p: &PageRequest) -> CoreResult<Page<System>> {
        self.read(|s| {
            page(
                s.systems.iter().filter(|x| x.org == org).cloned().collect(),
                |x| x.hostname.as_str().to_string(),
                p,
            )
        })
    }
    async fn resource_by_name(&self, org: OrgId, name: &Name) -> CoreResult<Option<Resource>> {
        self.read(|s| {
            s.resources
                .iter()
                .find(|x| x.org == org && &x.name == name)
                .cloned()
        })
    }
    async fn list_resources(&self, org: OrgId, p: &PageRequest) -> CoreResult<Page<Resource>> {
        self.read(|s| {
            page(
                s.resources
                    .iter()
                    .filter(|x| x.org == org)
                    .cloned()
                    .collect(),
                |x| x.name.as_str().to_string(),
                p,
            )
        })
    }
    async fn binding_by_id(&self, org: OrgId, id: BindingId) -> CoreResult<Option<AccessBinding>> {
        self.read(|s| {
            s.bindings
                .iter()
                .find(|b| b.org == org && b.id == id)
                .cloned()
        })
    }
    async fn list_bindings(&self, org: OrgId, p: &PageRequest) -> CoreResult<Page<AccessBinding>> {
        self.read(|s| {
            page(
                s.bindings
                    .iter()
                    .filter(|b| b.org == org)
                    .cloned()
                    .collect(),
                |b| b.id.to_string(),
                p,
            )
        })
    }
    async fn service_account_by_name(
        &self,
        org: OrgId,
        name: &Name,
    ) -> CoreResult<Option<ServiceAccount>> {
        self.read(|s| {
            s.services
                .values()
                .find(|(a, _)| a.org == org && a.name == *name)
                .map(|(a, _)| a.clone())
        })
    }
    async fn service_accounts(&self, org: OrgId) -> CoreResult<Vec<ServiceAccount>> {
        self.read(|s| {
            let mut v: Vec<ServiceAccount> = s
                .services
                .values()
                .filter(|(a, _)| a.org == org)
                .map(|(a, _)| a.clone())
                .collect();
            v.sort_by(|a, b| a.name.cmp(&b.name));
            v
        })
    }
    async fn service_credential(
        &self,
        org: OrgId,
        account: ServiceAccountId,
    ) -> CoreResult<Option<Credential>> {
        self.read(|s| {
            s.services
                .get(&account)
                .filter(|(a, _)| a.org == org)
                .map(|(_, c)| c.clone())
        })
    }
    async fn audit_chains(&self) -> CoreResult<Vec<ChainKey>> {
        self.read(|s| s.audit.keys().copied().collect())
    }
    async fn audit_events(
        &self,
        chain: ChainKey,
        after: u64,
        limit: u32,
    ) -> CoreResult<Vec<AuditEvent>> {
        self.read(|s| {
            s.audit
                .get(&chain)
                .map(|v| {
                    v.iter()
                        .filter(|e| e.seq > after)
                        .take(limit as usize)
                        .cloned()
                        .collect()
                })
                .unwrap_or_default()
        })
    }
    async fn audit_head(&self, chain: ChainKey) -> CoreResult<Option<(u64, String)>> {
        self.read(|s| {
            s.audit
                .get(&chain)
                .and_then(|v| v.last())
                .map(|e| (e.seq, e.hash.clone()))
        })
    }
}
