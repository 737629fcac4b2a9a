//! The in-memory read model searches are served from: per org, the LDAP entries of its users
//! and groups, built from the store at start and kept current from the store's change notices.
//! A search takes a snapshot (`Arc<OrgView>`) and never waits for the store or a writer; a
//! change builds a new view beside the old one and swaps it in.

use crate::dn::{Dn, escape_value, normalize_value};
use crate::entry::Entry;
use skydir_core::CoreResult;
use skydir_core::change::Touched;
use skydir_core::directory::{Group, GroupMember, Org, User, UserStatus};
use skydir_core::ids::{GroupId, OrgId, ServiceAccountId, UserId};
use skydir_core::page::{MAX_PAGE, PageRequest};
use skydir_core::ports::DirectoryStore;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::{Arc, RwLock};

/// The records of one org, as loaded from the store.
#[derive(Debug, Clone)]
struct Raw {
    org: Org,
    /// Shared, so a new view copies pointers, not records.
    users: HashMap<UserId, Arc<User>>,
    groups: HashMap<GroupId, Group>,
    edges: Vec<(GroupId, GroupMember)>,
    admins: HashSet<UserId>,
    /// The org's service accounts, with when each one's password was set.
    services: HashMap<ServiceAccountId, skydir_core::Timestamp>,
}

/// One org as LDAP sees it. Immutable once built; changes make a new one.
#[derive(Debug, Clone)]
pub struct OrgView {
    raw: Raw,
    /// `o=<slug>,<suffix>`.
    pub base: Dn,
    /// The org entry and its `ou=users` / `ou=groups` containers.
    pub containers: Vec<Arc<Entry>>,
    /// Visible users by normalized uid (sorted: the order of search results and paging).
    users: BTreeMap<String, Arc<Entry>>,
    /// Groups by normalized cn.
    pub groups: BTreeMap<String, Arc<Entry>>,
    /// For each user, every group they are in directly or through nesting.
    member_of: HashMap<UserId, Vec<GroupId>>,
    /// The normalized DN of each group entry and user entry, by id.
    user_keys: HashMap<UserId, String>,
}

impl OrgView {
    /// The org's id.
    pub fn org_id(&self) -> OrgId {
        self.raw.org.id
    }

    /// The org's slug.
    pub fn slug(&self) -> &str {
        self.raw.org.slug.as_str()
    }

    /// True when `user` holds the org-admin role.
    pub fn is_admin(&self, user: UserId) -> bool {
        self.raw.admins.contains(&user)
    }

    /// True when service account `id` exists and its password is still the one set at
    /// `password_set_at` (a deleted or re-keyed account's connections lose access).
    pub fn service_current(
        &self,
        id: ServiceAccountId,
        password_set_at: skydir_core::Timestamp,
    ) -> bool {
        self.raw.services.get(&id) == Some(&password_set_at)
    }

    /// The entry of the visible user whose normalized uid is `uid`.
    pub fn user_by_uid(&self, uid: &str) -> Option<&Arc<Entry>> {
        self.users.get(uid)
    }

    /// Every visible user's entry, by normalized uid (the order of search results and paging).
    pub fn users(&self) -> impl ExactSizeIterator<Item = &Arc<Entry>> + '_ {
        self.users.values()
    }

    /// The entry of user `id`, if visible.
    pub fn user_entry(&self, id: UserId) -> Option<&Arc<Entry>> {
        self.user_keys.get(&id).and_then(|k| self.users.get(k))
    }

    /// The groups (ids) user `id` is in, nesting resolved.
    pub fn groups_of(&self, id: UserId) -> &[GroupId] {
        self.member_of.get(&id).map_or(&[], Vec::as_slice)
    }

    /// The entry of group `id`.
    pub fn group_entry(&self, id: GroupId) -> Option<&Arc<Entry>> {
        let g = self.raw.groups.get(&id)?;
        self.groups.get(&normalize_value(g.name.as_str()))
    }
}

/// Where the model's entries hang: the suffix, e.g. `dc=skydir`.
#[derive(Debug, Clone)]
pub struct Tree {
    pub suffix: String,
    pub suffix_dn: Dn,
    /// The entry of the suffix itself (`dc=skydir`), above every org; built once.
    pub suffix_entry: Arc<Entry>,
    /// `cn=Subschema`, parsed once.
    pub subschema_dn: Dn,
}

impl Tree {
    /// A tree under `suffix` (already validated as a DN).
    pub fn new(suffix: &str) -> Self {
        let suffix_dn = Dn::parse(suffix).unwrap_or_else(|_| Dn::root());
        let mut e = Entry::builder(suffix);
        match suffix_dn.leaf() {
            Some(("dc", v)) => {
                e = e
                    .with("objectClass", ["top", "dcObject", "organization"])
                    .with("dc", [v])
                    .with("o", [v]);
            }
            Some(("o", v)) => {
                e = e
                    .with("objectClass", ["top", "organization"])
                    .with("o", [v])
            }
            _ => e = e.with("objectClass", ["top"]),
        }
        Self {
            suffix: suffix.to_string(),
            suffix_entry: Arc::new(e.with("hasSubordinates", ["TRUE"]).build()),
            subschema_dn: Dn::parse(crate::ops::dse::SUBSCHEMA_DN).unwrap_or_else(|_| Dn::root()),
            suffix_dn,
        }
    }

    /// `o=<slug>,<suffix>`.
    pub fn org_dn(&self, slug: &str) -> String {
        format!("o={},{}", escape_value(slug), self.suffix)
    }

    /// `uid=<username>,ou=users,o=<slug>,<suffix>`.
    pub fn user_dn(&self, slug: &str, username: &str) -> String {
        format!(
            "uid={},ou=users,{}",
            escape_value(username),
            self.org_dn(slug)
        )
    }

    /// `cn=<name>,ou=services,o=<slug>,<suffix>` (a service account's bind DN).
    pub fn service_dn(&self, slug: &str, name: &str) -> String {
        format!(
            "cn={},ou=services,{}",
            escape_value(name),
            self.org_dn(slug)
        )
    }

    /// `cn=<name>,ou=groups,o=<slug>,<suffix>`.
    pub fn group_dn(&self, slug: &str, name: &str) -> String {
        format!("cn={},ou=groups,{}", escape_value(name), self.org_dn(slug))
    }
}

/// Every org's view, swapped atomically per org.
#[derive(Debug)]
pub struct ReadModel {
    tree: Tree,
    orgs: RwLock<HashMap<OrgId, Arc<OrgView>>>,
    by_slug: RwLock<HashMap<String, OrgId>>,
    /// The number of the last change notice applied.
    applied: tokio::sync::watch::Sender<u64>,
}

impl ReadModel {
    /// An empty model under `tree`.
    pub fn new(tree: Tree) -> Self {
        Self {
            tree,
            orgs: RwLock::default(),
            by_slug: RwLock::default(),
            applied: tokio::sync::watch::channel(0).0,
        }
    }

    /// Records that every notice up to `seq` is applied.
    pub fn mark_applied(&self, seq: u64) {
        self.applied.send_if_modified(|s| {
            let newer = seq > *s;
            if newer {
                *s = seq;
            }
            newer
        });
    }

    /// Waits (at most `limit`) until notice `seq` is applied. Returns false on timeout.
    pub async fn caught_up(&self, seq: u64, limit: std::time::Duration) -> bool {
        if *self.applied.borrow() >= seq {
            return true;
        }
        let mut rx = self.applied.subscribe();
        matches!(
            tokio::time::timeout(limit, rx.wait_for(|s| *s >= seq)).await,
            Ok(Ok(_))
        )
    }

    /// The tree layout.
    pub fn tree(&self) -> &Tree {
        &self.tree
    }

    /// The current view of org `slug` (normalized), if loaded.
    pub fn by_slug(&self, slug: &str) -> Option<Arc<OrgView>> {
        let id = *self.by_slug.read().ok()?.get(slug)?;
        self.get(id)
    }

    /// The current view of org `id`.
    pub fn get(&self, id: OrgId) -> Option<Arc<OrgView>> {
        self.orgs.read().ok()?.get(&id).cloned()
    }

    fn put(&self, view: OrgView) {
        let (id, slug) = (view.org_id(), normalize_value(view.slug()));
        if let Ok(mut m) = self.orgs.write() {
            m.insert(id, Arc::new(view));
        }
        if let Ok(mut m) = self.by_slug.write() {
            m.insert(slug, id);
        }
    }

    /// Loads every org from the store.
    pub async fn load_all<S: DirectoryStore>(&self, store: &S) -> CoreResult<usize> {
        let mut page = PageRequest::first(MAX_PAGE);
        let mut n = 0;
        loop {
            let p = store.list_orgs(&page).await?;
            for org in p.items {
                let raw = load_org(store, org).await?;
                self.put(build(&self.tree, raw, None));
                n += 1;
            }
            match p.next {
                Some(next) => page.after = Some(next),
                None => return Ok(n),
            }
        }
    }

    /// Applies one change notice: reloads what it names and swaps in a new view of its org.
    pub async fn apply<S: DirectoryStore>(&self, store: &S, t: &Touched) -> CoreResult<()> {
        if t.is_everything() {
            return self.load_all(store).await.map(|_| ());
        }
        let current = if t.reload { None } else { self.get(t.org) };
        let Some(current) = current else {
            if let Some(org) = store.org_by_id(t.org).await? {
                let raw = load_org(store, org).await?;
                self.put(build(&self.tree, raw, None));
            }
            return Ok(());
        };
        let mut raw = current.raw.clone();
        if t.org_record
            && let Some(org) = store.org_by_id(t.org).await?
        {
            raw.org = org;
        }
        for id in &t.users {
            match store.user_by_id(t.org, *id).await? {
                Some(u) => raw.users.insert(*id, Arc::new(u)),
                None => raw.users.remove(id),
            };
        }
        for id in &t.groups {
            match store.group_by_id(t.org, *id).await? {
                Some(g) => raw.groups.insert(*id, g),
                None => raw.groups.remove(id),
            };
        }
        if t.memberships {
            raw.edges = store.memberships(t.org).await?;
        }
        if t.admins {
            raw.admins = store.admins(t.org).await?.into_iter().collect();
        }
        if t.service_accounts {
            raw.services = load_services(store, t.org).await?;
        }
        let touched: HashSet<UserId> = t.users.iter().copied().collect();
        self.put(build(&self.tree, raw, Some((&current, &touched))));
        Ok(())
    }
}

async fn load_org<S: DirectoryStore>(store: &S, org: Org) -> CoreResult<Raw> {
    let mut users = HashMap::new();
    let mut page = PageRequest::first(MAX_PAGE);
    loop {
        let p = store.list_users(org.id, &page).await?;
        users.extend(p.items.into_iter().map(|u| (u.id, Arc::new(u))));
        match p.next {
            Some(next) => page.after = Some(next),
            None => break,
        }
    }
    let mut groups = HashMap::new();
    let mut page = PageRequest::first(MAX_PAGE);
    loop {
        let p = store.list_groups(org.id, &page).await?;
        groups.extend(p.items.into_iter().map(|g| (g.id, g)));
        match p.next {
            Some(next) => page.after = Some(next),
            None => break,
        }
    }
    Ok(Raw {
        services: load_services(store, org.id).await?,
        edges: store.memberships(org.id).await?,
        admins: store.admins(org.id).await?.into_iter().collect(),
        org,
        users,
        groups,
    })
}

async fn load_services<S: DirectoryStore>(
    store: &S,
    org: OrgId,
) -> CoreResult<HashMap<ServiceAccountId, skydir_core::Timestamp>> {
    Ok(store
        .service_accounts(org)
        .await?
        .into_iter()
        .map(|a| (a.id, a.password_set_at))
        .collect())
}

/// Every user in `group`, directly or through nested groups (cycles are cut).
fn transitive_users(
    group: GroupId,
    children: &HashMap<GroupId, Vec<GroupMember>>,
) -> HashSet<UserId> {
    let mut out = HashSet::new();
    let mut seen = HashSet::from([group]);
    let mut stack = vec![group];
    while let Some(g) = stack.pop() {
        for m in children.get(&g).map_or(&[][..], Vec::as_slice) {
            match m {
                GroupMember::User(u) => {
                    out.insert(*u);
                }
                GroupMember::Group(c) => {
                    if seen.insert(*c) {
                        stack.push(*c);
                    }
                }
            }
        }
    }
    out
}

fn ldap_time(t: skydir_core::Timestamp) -> String {
    t.strftime("%Y%m%d%H%M%SZ").to_string()
}

/// Builds the view of `raw`. With `prev` (the view before a change, and the users the change
/// touched), entries of untouched users whose groups are unchanged are shared with `prev`
/// instead of rebuilt, so a change costs in proportion to what it changed.
fn build(tree: &Tree, raw: Raw, prev: Option<(&OrgView, &HashSet<UserId>)>) -> OrgView {
    let slug = raw.org.slug.as_str().to_string();
    let org_dn = tree.org_dn(&slug);
    let containers = vec![
        Arc::new(
            Entry::builder(&org_dn)
                .with("objectClass", ["top", "organization"])
                .with("o", [slug.clone()])
                .with("description", [raw.org.name.clone()])
                .with("structuralObjectClass", ["organization"])
                .with("entryUUID", [raw.org.id.to_string()])
                .with("createTimestamp", [ldap_time(raw.org.created_at)])
                .with("hasSubordinates", ["TRUE"])
                .build(),
        ),
        Arc::new(
            Entry::builder(format!("ou=users,{org_dn}"))
                .with("objectClass", ["top", "organizationalUnit"])
                .with("ou", ["users"])
                .with("structuralObjectClass", ["organizationalUnit"])
                .with("hasSubordinates", ["TRUE"])
                .build(),
        ),
        Arc::new(
            Entry::builder(format!("ou=groups,{org_dn}"))
                .with("objectClass", ["top", "organizationalUnit"])
                .with("ou", ["groups"])
                .with("structuralObjectClass", ["organizationalUnit"])
                .with("hasSubordinates", ["TRUE"])
                .build(),
        ),
    ];
    let visible = |u: &User| u.status != UserStatus::Staged;
    let mut children: HashMap<GroupId, Vec<GroupMember>> = HashMap::new();
    for (g, m) in &raw.edges {
        children.entry(*g).or_default().push(*m);
    }
    let mut member_of: HashMap<UserId, Vec<GroupId>> = HashMap::new();
    let mut groups = BTreeMap::new();
    let mut sorted_groups: Vec<&Group> = raw.groups.values().collect();
    sorted_groups.sort_by(|a, b| a.name.as_str().cmp(b.name.as_str()));
    for g in sorted_groups {
        let all = transitive_users(g.id, &children);
        let mut member_uids: Vec<&str> = all
            .iter()
            .filter_map(|u| raw.users.get(u))
            .filter(|u| visible(u))
            .map(|u| u.username.as_str())
            .collect();
        member_uids.sort_unstable();
        for u in &all {
            member_of.entry(*u).or_default().push(g.id);
        }
        let mut members: Vec<String> = Vec::new();
        for m in children.get(&g.id).map_or(&[][..], Vec::as_slice) {
            match m {
                GroupMember::User(u) => {
                    if let Some(u) = raw.users.get(u).filter(|u| visible(u)) {
                        members.push(tree.user_dn(&slug, u.username.as_str()));
                    }
                }
                GroupMember::Group(c) => {
                    if let Some(c) = raw.groups.get(c) {
                        members.push(tree.group_dn(&slug, c.name.as_str()));
                    }
                }
            }
        }
        members.sort_unstable();
        let description = (!g.description.is_empty()).then(|| g.description.clone());
        let entry = Entry::builder(tree.group_dn(&slug, g.name.as_str()))
            .with("objectClass", ["top", "groupOfNames", "posixGroup"])
            .with("cn", [g.name.as_str()])
            .with("gidNumber", [g.gid_number.to_string()])
            .with("description", description)
            .with("member", members)
            .with("memberUid", member_uids)
            .with("structuralObjectClass", ["groupOfNames"])
            .with("entryUUID", [g.id.to_string()])
            .with("createTimestamp", [ldap_time(g.created_at)])
            .with("hasSubordinates", ["FALSE"])
            .build();
        groups.insert(normalize_value(g.name.as_str()), Arc::new(entry));
    }
    let mut users = BTreeMap::new();
    let mut user_keys = HashMap::new();
    for u in raw.users.values().filter(|u| visible(u)) {
        let given = u.personal.given_name.0.clone();
        let family = u.personal.family_name.0.clone();
        let cn = match (&given, &family) {
            (Some(g), Some(f)) => format!("{g} {f}"),
            (Some(n), None) | (None, Some(n)) => n.clone(),
            (None, None) => u.username.as_str().to_string(),
        };
        let sn = family
            .clone()
            .unwrap_or_else(|| u.username.as_str().to_string());
        let mut gs: Vec<String> = member_of
            .get(&u.id)
            .map_or(&[][..], Vec::as_slice)
            .iter()
            .filter_map(|g| raw.groups.get(g))
            .map(|g| tree.group_dn(&slug, g.name.as_str()))
            .collect();
        gs.sort_unstable();
        let key = normalize_value(u.username.as_str());
        let reused = prev.and_then(|(view, touched)| {
            if touched.contains(&u.id) {
                return None;
            }
            let e = view.user_entry(u.id)?;
            let old = e.get("memberOf").map(|a| a.values);
            let same = match old {
                Some(v) => v.iter().eq(gs.iter().map(String::as_str)),
                None => gs.is_empty(),
            };
            same.then(|| e.clone())
        });
        if let Some(e) = reused {
            user_keys.insert(u.id, key.clone());
            users.insert(key, e);
            continue;
        }
        let entry = Entry::builder(tree.user_dn(&slug, u.username.as_str()))
            .with(
                "objectClass",
                [
                    "top",
                    "person",
                    "organizationalPerson",
                    "inetOrgPerson",
                    "posixAccount",
                    "ldapPublicKey",
                ],
            )
            .with("uid", [u.username.as_str()])
            .with("cn", [cn.clone()])
            .with("sn", [sn])
            .with("givenName", given)
            .with("displayName", [cn.clone()])
            .with("mail", [u.email.as_str()])
            .with("uidNumber", [u.posix.uid_number.to_string()])
            .with("gidNumber", [u.posix.gid_number.to_string()])
            .with("homeDirectory", [u.posix.home_directory.clone()])
            .with("loginShell", [u.posix.login_shell.clone()])
            .with("gecos", [cn])
            .with("sshPublicKey", u.ssh_keys.iter().map(|k| k.as_str()))
            .with("memberOf", gs)
            .with("structuralObjectClass", ["inetOrgPerson"])
            .with("entryUUID", [u.id.to_string()])
            .with("createTimestamp", [ldap_time(u.created_at)])
            .with("modifyTimestamp", [ldap_time(u.updated_at)])
            .with("hasSubordinates", ["FALSE"])
            .build();
        user_keys.insert(u.id, key.clone());
        users.insert(key, Arc::new(entry));
    }
    OrgView {
        base: Dn::parse(&org_dn).unwrap_or_else(|_| Dn::root()),
        raw,
        containers,
        users,
        groups,
        member_of,
        user_keys,
    }
}
