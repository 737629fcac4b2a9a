//! An in-memory `DirectoryStore` for the read model's tests and the `model_memory` example:
//! one org whose users are generated from their number (shaped like `bench/gen_users.py`'s),
//! with overrides to change, stage or delete some, plus groups and membership edges.

#![allow(dead_code)]

use skydir_core::CoreResult;
use skydir_core::access::Staff;
use skydir_core::audit::{AuditEvent, ChainKey};
use skydir_core::auth::{ApiToken, Credential, LoginRecord};
use skydir_core::change::Change;
use skydir_core::directory::{
    AccessBinding, Email, Group, GroupMember, Name, Org, OrgSlug, PersonalData, Posix, Resource,
    ServiceAccount, SshKey, System, User, UserStatus, Username,
};
use skydir_core::ids::{BindingId, GroupId, OrgId, ServiceAccountId, UserId};
use skydir_core::page::{Page, PageRequest};
use skydir_core::ports::DirectoryStore;
use skydir_core::secret::Personal;
use std::collections::{HashMap, HashSet};
use std::sync::Mutex;

pub const KEY: &str =
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl";

/// The fake store's state: users are generated from their number, with overrides.
#[derive(Default)]
pub struct State {
    pub n: usize,
    /// Variety for `--dump` (staged users, missing names, keys).
    pub varied: bool,
    pub gone: HashSet<usize>,
    pub email: HashMap<usize, String>,
    pub staged: HashSet<usize>,
    pub groups: Vec<Group>,
    pub edges: Vec<(GroupId, GroupMember)>,
    pub admins: Vec<UserId>,
}

pub struct Fake {
    pub org: Org,
    pub s: Mutex<State>,
}

/// 16 id bytes: a kind tag, then `i` in bytes 10..16 (clear of the UUID version and variant).
pub fn id_bytes(tag: u8, i: usize) -> [u8; 16] {
    let mut b = [tag; 16];
    b[8..].copy_from_slice(&(i as u64).to_be_bytes());
    b[8] = 0x80;
    b
}

pub fn uid(i: usize) -> UserId {
    UserId::from_random(id_bytes(0x11, i))
}

pub fn index_of(id: UserId) -> usize {
    let mut b = [0u8; 8];
    b[2..].copy_from_slice(&id.0.as_bytes()[10..]);
    u64::from_be_bytes(b) as usize
}

pub fn gid(i: usize) -> GroupId {
    GroupId::from_random(id_bytes(0x22, i))
}

pub fn ts(s: i64) -> skydir_core::Timestamp {
    skydir_core::Timestamp::from_second(1_700_000_000 + s).unwrap_or_default()
}

pub fn group(i: usize, name: &str, org: OrgId) -> Result<Group, Box<dyn std::error::Error>> {
    Ok(Group {
        id: gid(i),
        org,
        name: Name::parse(name)?,
        description: if i.is_multiple_of(2) {
            String::new()
        } else {
            format!("Group {i}")
        },
        gid_number: 20_000 + i as u32,
        created_at: ts(i as i64),
    })
}

impl State {
    pub fn user(&self, org: OrgId, i: usize) -> Option<User> {
        if i == 0 || i > self.n || self.gone.contains(&i) {
            return None;
        }
        let name = format!("user{i:06}");
        let v = self.varied;
        let mut personal = PersonalData::default();
        if !(v && i.is_multiple_of(5)) {
            personal.given_name = Personal(Some("User".into()));
        }
        if !(v && i.is_multiple_of(7)) {
            personal.family_name = Personal(Some(format!("Number{i}")));
        }
        personal.phones = Personal(vec![format!("+1 555 {:04}", i % 10_000)]);
        let email = self
            .email
            .get(&i)
            .cloned()
            .unwrap_or_else(|| format!("{name}@example.com"));
        Some(User {
            id: uid(i),
            org,
            username: Username::parse(&name).ok()?,
            email: Email::parse(&email).ok()?,
            status: if self.staged.contains(&i) || (v && i.is_multiple_of(11)) {
                UserStatus::Staged
            } else if v && i.is_multiple_of(13) {
                UserStatus::Suspended
            } else {
                UserStatus::Active
            },
            posix: Posix {
                uid_number: 10_000 + i as u32,
                gid_number: 10_000 + i as u32,
                home_directory: format!("/home/{name}"),
                login_shell: "/bin/bash".into(),
            },
            ssh_keys: if v && i.is_multiple_of(3) {
                vec![
                    SshKey::parse(KEY).ok()?,
                    SshKey::parse(&format!("{KEY} c{i}")).ok()?,
                ]
            } else {
                Vec::new()
            },
            personal,
            created_at: ts(i as i64),
            updated_at: ts(2 * i as i64),
        })
    }
}

fn page<T>(rows: Vec<T>, p: &PageRequest, key: impl Fn(&T) -> String) -> Page<T> {
    let rows: Vec<T> = rows
        .into_iter()
        .filter(|x| p.after.as_ref().is_none_or(|a| key(x) > *a))
        .take(p.limit as usize + 1)
        .collect();
    Page::from_overfetch(rows, p.limit, key)
}

impl Fake {
    pub fn with<T>(&self, f: impl FnOnce(&mut State) -> T) -> T {
        match self.s.lock() {
            Ok(mut g) => f(&mut g),
            Err(p) => f(&mut p.into_inner()),
        }
    }
}

impl DirectoryStore for Fake {
    async fn commit(&self, _: Change) -> CoreResult<()> {
        Ok(())
    }
    async fn list_orgs(&self, p: &PageRequest) -> CoreResult<Page<Org>> {
        Ok(page(vec![self.org.clone()], p, |o| o.slug.to_string()))
    }
    async fn org_by_slug(&self, _: &OrgSlug) -> CoreResult<Option<Org>> {
        Ok(Some(self.org.clone()))
    }
    async fn org_by_id(&self, _: OrgId) -> CoreResult<Option<Org>> {
        Ok(Some(self.org.clone()))
    }
    async fn list_staff(&self) -> CoreResult<Vec<Staff>> {
        Ok(Vec::new())
    }
    async fn token_by_hash(&self, _: &[u8; 32]) -> CoreResult<Option<ApiToken>> {
        Ok(None)
    }
    async fn user_by_name(&self, _: OrgId, _: &Username) -> CoreResult<Option<User>> {
        Ok(None)
    }
    async fn user_by_id(&self, org: OrgId, id: UserId) -> CoreResult<Option<User>> {
        Ok(self.with(|s| s.user(org, index_of(id))))
    }
    async fn user_by_email(&self, _: OrgId, _: &Email) -> CoreResult<Option<User>> {
        Ok(None)
    }
    async fn list_users(&self, org: OrgId, p: &PageRequest) -> CoreResult<Page<User>> {
        let start = p
            .after
            .as_deref()
            .and_then(|a| a.strip_prefix("user"))
            .and_then(|a| a.parse::<usize>().ok())
            .map_or(1, |i| i + 1);
        let rows = self.with(|s| {
            (start..=s.n)
                .filter_map(|i| s.user(org, i))
                .take(p.limit as usize + 1)
                .collect()
        });
        Ok(page(rows, p, |u: &User| u.username.to_string()))
    }
    async fn user_tokens(&self, _: OrgId, _: UserId) -> CoreResult<Vec<ApiToken>> {
        // A Password Modify ends the user's sessions; nobody here has any.
        Ok(Vec::new())
    }
    async fn password_reset(
        &self,
        _: &str,
    ) -> CoreResult<Option<skydir_core::auth::reset::PasswordReset>> {
        unreachable!("LDAP does not reset passwords")
    }
    async fn latest_invitation(
        &self,
        _: OrgId,
        _: UserId,
    ) -> CoreResult<Option<skydir_core::auth::reset::PasswordReset>> {
        unreachable!("LDAP does not invite")
    }
    async fn first_admin_invitation(
        &self,
        _: OrgId,
    ) -> CoreResult<Option<skydir_core::auth::reset::PasswordReset>> {
        unreachable!("LDAP does not invite")
    }
    async fn password_resets_since(
        &self,
        _: OrgId,
        _: UserId,
        _: skydir_core::Timestamp,
    ) -> CoreResult<u64> {
        unreachable!("LDAP does not reset passwords")
    }
    async fn email_change(
        &self,
        _: &str,
    ) -> CoreResult<Option<skydir_core::directory::EmailChange>> {
        unreachable!("LDAP does not change email addresses")
    }
    async fn pending_email_change(
        &self,
        _: OrgId,
        _: UserId,
    ) -> CoreResult<Option<skydir_core::directory::EmailChange>> {
        unreachable!("LDAP does not change email addresses")
    }
    async fn email_changes_since(
        &self,
        _: OrgId,
        _: UserId,
        _: skydir_core::Timestamp,
    ) -> CoreResult<u64> {
        unreachable!("LDAP does not change email addresses")
    }
    async fn staff_credential(
        &self,
        _: &str,
    ) -> CoreResult<Option<(skydir_core::access::Staff, Option<Credential>)>> {
        unreachable!("LDAP does not log staff in")
    }
    async fn staff_totp(
        &self,
        _: skydir_core::ids::StaffId,
    ) -> CoreResult<Option<skydir_core::auth::TotpEnrollment>> {
        unreachable!("LDAP does not log staff in")
    }
    async fn search_users(&self, _: OrgId, _: &str, _: &PageRequest) -> CoreResult<Page<User>> {
        unreachable!("LDAP does not search users by prefix")
    }
    async fn count_users(&self, _: OrgId) -> CoreResult<u64> {
        Ok(self.with(|s| s.n as u64))
    }
    async fn credential(&self, _: OrgId, _: UserId) -> CoreResult<Option<Credential>> {
        Ok(None)
    }
    async fn login_record(&self, _: OrgId, _: &Username) -> CoreResult<Option<LoginRecord>> {
        Ok(None)
    }
    async fn totp(
        &self,
        _: OrgId,
        _: UserId,
    ) -> CoreResult<Option<skydir_core::auth::TotpEnrollment>> {
        Ok(None)
    }

    async fn admins(&self, _: OrgId) -> CoreResult<Vec<UserId>> {
        Ok(self.with(|s| s.admins.clone()))
    }
    async fn group_by_name(&self, _: OrgId, _: &Name) -> CoreResult<Option<Group>> {
        Ok(None)
    }
    async fn group_by_id(&self, _: OrgId, id: GroupId) -> CoreResult<Option<Group>> {
        Ok(self.with(|s| s.groups.iter().find(|g| g.id == id).cloned()))
    }
    async fn list_groups(&self, _: OrgId, p: &PageRequest) -> CoreResult<Page<Group>> {
        let mut rows = self.with(|s| s.groups.clone());
        rows.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(page(rows, p, |g| g.name.to_string()))
    }
    async fn members(&self, _: OrgId, _: GroupId) -> CoreResult<Vec<GroupMember>> {
        Ok(Vec::new())
    }
    async fn memberships(&self, _: OrgId) -> CoreResult<Vec<(GroupId, GroupMember)>> {
        Ok(self.with(|s| s.edges.clone()))
    }
    async fn system_by_name(&self, _: OrgId, _: &Name) -> CoreResult<Option<System>> {
        Ok(None)
    }
    async fn list_systems(&self, _: OrgId, _: &PageRequest) -> CoreResult<Page<System>> {
        Ok(Page {
            items: Vec::new(),
            next: None,
        })
    }
    async fn resource_by_name(&self, _: OrgId, _: &Name) -> CoreResult<Option<Resource>> {
        Ok(None)
    }
    async fn list_resources(&self, _: OrgId, _: &PageRequest) -> CoreResult<Page<Resource>> {
        Ok(Page {
            items: Vec::new(),
            next: None,
        })
    }
    async fn binding_by_id(&self, _: OrgId, _: BindingId) -> CoreResult<Option<AccessBinding>> {
        Ok(None)
    }
    async fn list_bindings(&self, _: OrgId, _: &PageRequest) -> CoreResult<Page<AccessBinding>> {
        Ok(Page {
            items: Vec::new(),
            next: None,
        })
    }
    async fn service_account_by_name(
        &self,
        _: OrgId,
        _: &Name,
    ) -> CoreResult<Option<ServiceAccount>> {
        Ok(None)
    }
    async fn service_accounts(&self, _: OrgId) -> CoreResult<Vec<ServiceAccount>> {
        Ok(Vec::new())
    }
    async fn service_credential(
        &self,
        _: OrgId,
        _: ServiceAccountId,
    ) -> CoreResult<Option<Credential>> {
        Ok(None)
    }
    async fn audit_chains(&self) -> CoreResult<Vec<ChainKey>> {
        Ok(Vec::new())
    }
    async fn audit_events(&self, _: ChainKey, _: u64, _: u32) -> CoreResult<Vec<AuditEvent>> {
        Ok(Vec::new())
    }
    async fn audit_head(&self, _: ChainKey) -> CoreResult<Option<(u64, String)>> {
        Ok(None)
    }
}

pub fn org() -> Result<Org, Box<dyn std::error::Error>> {
    let json = serde_json::json!({
        "id": "0190a5a0-0000-7000-8000-000000000001",
        "slug": "bench",
        "name": "Bench",
        "plan": {"kind": "monthly", "seats": 1_000_000, "trial_ends": null},
        "password_policy": {"min_length": 12, "max_failures": 5, "lockout_secs": 60, "lockout_max_secs": 3600},
        "created_at": "2026-01-01T00:00:00Z",
    });
    Ok(serde_json::from_value(json)?)
}
