//! Measures the LDAP read model: loads N synthetic users (shaped like `bench/gen_users.py`'s) from
//! an in-memory fake store into a `ReadModel` and reports the process's resident memory, the
//! time to load and to apply one change. With `--dump` it instead prints every entry of a small,
//! varied org (groups, nesting, a cycle, staged users, SSH keys) before and after a series of
//! changes, so two versions of the model can be diffed for identical answers.
//!
//!     cargo run --release -p skydir-ldap --example model_memory -- 100000 [GROUPS]
//!     cargo run --release -p skydir-ldap --example model_memory -- --dump > out.txt

use skydir_core::CoreResult;
use skydir_core::access::Staff;
use skydir_core::audit::{AuditEvent, ChainKey};
use skydir_core::auth::{ApiToken, Credential};
use skydir_core::change::{Change, Touched};
use skydir_core::directory::{
    AccessBinding, Email, Group, GroupMember, Name, Org, OrgSlug, PersonalData, Posix, Resource,
    ServiceAccount, SshKey, System, User, UserStatus, Username,
};
use skydir_core::ids::{BindingId, GroupId, OrgId, ServiceAccountId, UserId};
use skydir_core::page::{Page, PageRequest};
use skydir_core::ports::DirectoryStore;
use skydir_core::secret::Personal;
use skydir_ldap::model::{OrgView, ReadModel, Tree};
use skydir_ldap::ops::search::project;
use std::collections::{HashMap, HashSet};
use std::sync::Mutex;
use std::time::Instant;

const KEY: &str = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIEXAMPLEexampleEXAMPLEexampleEXAMPLEex";

/// The fake store's state: users are generated from their number, with overrides.
#[derive(Default)]
struct State {
    n: usize,
    /// Variety for `--dump` (staged users, missing names, keys).
    varied: bool,
    gone: HashSet<usize>,
    email: HashMap<usize, String>,
    staged: HashSet<usize>,
    groups: Vec<Group>,
    edges: Vec<(GroupId, GroupMember)>,
    admins: Vec<UserId>,
}

struct Fake {
    org: Org,
    s: Mutex<State>,
}

/// 16 id bytes: a kind tag, then `i` in bytes 10..16 (clear of the UUID version and variant).
fn id_bytes(tag: u8, i: usize) -> [u8; 16] {
    let mut b = [tag; 16];
    b[8..].copy_from_slice(&(i as u64).to_be_bytes());
    b[8] = 0x80;
    b
}

fn uid(i: usize) -> UserId {
    UserId::from_random(id_bytes(0x11, i))
}

fn index_of(id: UserId) -> usize {
    let mut b = [0u8; 8];
    b[2..].copy_from_slice(&id.0.as_bytes()[10..]);
    u64::from_be_bytes(b) as usize
}

fn gid(i: usize) -> GroupId {
    GroupId::from_random(id_bytes(0x22, i))
}

fn ts(s: i64) -> skydir_core::Timestamp {
    skydir_core::Timestamp::from_second(1_700_000_000 + s).unwrap_or_default()
}

fn group(i: usize, name: &str, org: OrgId) -> Result<Group, Box<dyn std::error::Error>> {
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
    fn user(&self, org: OrgId, i: usize) -> Option<User> {
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
    fn with<T>(&self, f: impl FnOnce(&mut State) -> T) -> T {
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
    async fn count_users(&self, _: OrgId) -> CoreResult<u64> {
        Ok(self.with(|s| s.n as u64))
    }
    async fn credential(&self, _: OrgId, _: UserId) -> CoreResult<Option<Credential>> {
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

fn status(field: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(field))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse().ok())
        })
        .unwrap_or(0)
}

fn org() -> Result<Org, Box<dyn std::error::Error>> {
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

/// Every entry of the view (containers, users, groups) with every attribute, one line a value.
fn dump(label: &str, view: &OrgView) {
    println!("=== {label}");
    let all = ["*".to_string(), "+".to_string()];
    let entries = view
        .containers
        .iter()
        .chain(view.users())
        .chain(view.groups.values());
    for e in entries {
        let r = project(e, &all, false);
        println!("dn: {}", r.dn);
        for a in r.attributes {
            for v in a.vals {
                println!("{}: {}", a.atype, String::from_utf8_lossy(&v));
            }
        }
        println!();
    }
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let o = org()?;
    let tree = Tree::new("dc=skydir");
    if args.first().map(String::as_str) == Some("--dump") {
        let fake = Fake {
            org: o.clone(),
            s: Mutex::new(State {
                n: 120,
                varied: true,
                ..State::default()
            }),
        };
        let teams = (1..=6)
            .map(|g| group(g, &format!("team-{g}"), o.id))
            .collect::<Result<Vec<_>, _>>()?;
        fake.with(|s| {
            s.groups = teams;
            for i in 1..=120 {
                s.edges.push((gid(1 + i % 4), GroupMember::User(uid(i))));
            }
            s.edges.push((gid(5), GroupMember::Group(gid(1))));
            s.edges.push((gid(6), GroupMember::Group(gid(5))));
            s.edges.push((gid(1), GroupMember::Group(gid(6)))); // a cycle
            s.edges.push((gid(2), GroupMember::User(uid(999)))); // unknown user
            s.admins = vec![uid(1)];
        });
        let model = ReadModel::new(tree);
        model.load_all(&fake).await?;
        let view = |m: &ReadModel| -> Result<std::sync::Arc<OrgView>, &str> {
            m.get(o.id).ok_or("no org")
        };
        dump("loaded", view(&model)?.as_ref());
        let touched = |users: Vec<usize>, groups: Vec<usize>, memberships: bool| Touched {
            seq: 0,
            org: o.id,
            reload: false,
            org_record: false,
            users: users.into_iter().map(uid).collect(),
            groups: groups.into_iter().map(gid).collect(),
            memberships,
            admins: false,
            service_accounts: false,
        };
        // 1: a user's mail changes, another is deleted, a staged one becomes active.
        fake.with(|s| {
            s.email.insert(4, "changed@example.org".into());
            s.gone.insert(8);
            s.varied = true;
        });
        model
            .apply(&fake, &touched(vec![4, 8], vec![], false))
            .await?;
        dump("user changes", view(&model)?.as_ref());
        // 2: memberships move: user 9 joins team-6, team-5 loses team-1.
        fake.with(|s| {
            s.edges.push((gid(6), GroupMember::User(uid(9))));
            s.edges
                .retain(|e| *e != (gid(5), GroupMember::Group(gid(1))));
        });
        model.apply(&fake, &touched(vec![], vec![], true)).await?;
        dump("membership changes", view(&model)?.as_ref());
        // 3: a group is renamed, another deleted (with its edges); a user becomes staged.
        let renamed = Name::parse("renamed")?;
        fake.with(|s| {
            if let Some(g) = s.groups.iter_mut().find(|g| g.id == gid(2)) {
                g.name = renamed;
            }
            s.groups.retain(|g| g.id != gid(3));
            s.edges
                .retain(|(g, m)| *g != gid(3) && *m != GroupMember::Group(gid(3)));
            s.staged.insert(10);
        });
        model
            .apply(&fake, &touched(vec![10], vec![2, 3], true))
            .await?;
        dump("group changes", view(&model)?.as_ref());
        return Ok(());
    }
    let n: usize = args.first().and_then(|a| a.parse().ok()).unwrap_or(100_000);
    let groups: usize = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(0);
    let fake = Fake {
        org: o.clone(),
        s: Mutex::new(State {
            n,
            ..State::default()
        }),
    };
    let all_groups = (1..=groups)
        .map(|g| group(g, &format!("group-{g}"), o.id))
        .collect::<Result<Vec<_>, _>>()?;
    fake.with(|s| {
        s.groups = all_groups;
        if groups > 0 {
            for i in 1..=n {
                s.edges
                    .push((gid(1 + i % groups), GroupMember::User(uid(i))));
            }
        }
    });
    let before = status("VmRSS:");
    let t = Instant::now();
    let model = ReadModel::new(tree);
    model.load_all(&fake).await?;
    let load = t.elapsed();
    let after = status("VmRSS:");
    let t = Instant::now();
    fake.with(|s| {
        s.email.insert(n / 2, "changed@example.org".into());
    });
    let change = Touched {
        seq: 0,
        org: o.id,
        reload: false,
        org_record: false,
        users: vec![uid(n / 2)],
        groups: Vec::new(),
        memberships: false,
        admins: false,
        service_accounts: false,
    };
    model.apply(&fake, &change).await?;
    let apply = t.elapsed();
    let users = model.get(o.id).map_or(0, |v| v.users().len());
    println!(
        "users={users} groups={groups} rss_before={} MiB rss_after_load={} MiB model={:.0} B/user \
         rss_after_change={} MiB peak={} MiB load={:.2?} one_change={:.2?}",
        before / 1024,
        after / 1024,
        (after.saturating_sub(before) * 1024) as f64 / n.max(1) as f64,
        status("VmRSS:") / 1024,
        status("VmHWM:") / 1024,
        load,
        apply
    );
    Ok(())
}
