//! The in-memory read model searches are served from: per org, the LDAP entries of its users
//! and groups, built from the store at start and kept current from the store's change notices.
//! A search takes a snapshot (`Arc<OrgView>`) and never waits for the store or a writer; a
//! change builds a new view beside the old one and swaps it in.

mod build;

use crate::dn::{Dn, escape_value, normalize_value};
use crate::entry::Entry;
use skydir_core::CoreResult;
use skydir_core::change::Touched;
use skydir_core::directory::{Group, GroupMember, Org};
use skydir_core::ids::{GroupId, OrgId, ServiceAccountId, UserId};
use skydir_core::page::{MAX_PAGE, PageRequest};
use skydir_core::ports::DirectoryStore;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::{Arc, RwLock};

/// The records of one org the view is built from, besides its users: few and small, kept as
/// loaded.
#[derive(Debug, Clone)]
struct Records {
    org: Org,
    groups: HashMap<GroupId, Group>,
    edges: Vec<(GroupId, GroupMember)>,
    admins: HashSet<UserId>,
    /// The org's service accounts, with when each one's password was set.
    services: HashMap<ServiceAccountId, skydir_core::Timestamp>,
}

/// A visible user: its id and its entry.
#[derive(Debug, Clone)]
struct UserSlot {
    id: UserId,
    entry: Arc<Entry>,
}

/// One org as LDAP sees it. Immutable once built; changes make a new one.
///
/// Users are kept only as their LDAP entries (a user's full record — personal data LDAP never
/// shows included — is not held): a change reloads the users it names from the store, and an
/// untouched user whose groups moved gets a copy of its entry with the new `memberOf`.
#[derive(Debug, Clone)]
pub struct OrgView {
    rec: Records,
    /// `o=<slug>,<suffix>`.
    pub base: Dn,
    /// The org entry and its `ou=users` / `ou=groups` containers.
    pub containers: Vec<Arc<Entry>>,
    /// Visible users, sorted by normalized uid — their DN's leaf value (the order of search
    /// results and paging).
    users: Vec<UserSlot>,
    /// Where each visible user is in `users`.
    user_index: HashMap<UserId, u32>,
    /// Groups by normalized cn.
    pub groups: BTreeMap<String, Arc<Entry>>,
    /// For each user, every group they are in directly or through nesting.
    member_of: HashMap<UserId, Box<[GroupId]>>,
}

/// The sort key of a user entry: its normalized uid.
fn uid_key(e: &Entry) -> &str {
    e.ndn.leaf().map_or("", |(_, v)| v)
}

impl OrgView {
    /// The org's id.
    pub fn org_id(&self) -> OrgId {
        self.rec.org.id
    }

    /// The org's slug.
    pub fn slug(&self) -> &str {
        self.rec.org.slug.as_str()
    }

    /// True while the provider has the org suspended: connections bound before the suspension
    /// read nothing more (new binds are refused by the directory).
    pub fn is_suspended(&self) -> bool {
        self.rec.org.is_suspended()
    }

    /// True when `user` holds the org-admin role.
    pub fn is_admin(&self, user: UserId) -> bool {
        self.rec.admins.contains(&user)
    }

    /// True when service account `id` exists and its password is still the one set at
    /// `password_set_at` (a deleted or re-keyed account's connections lose access).
    pub fn service_current(
        &self,
        id: ServiceAccountId,
        password_set_at: skydir_core::Timestamp,
    ) -> bool {
        self.rec.services.get(&id) == Some(&password_set_at)
    }

    /// The entry of the visible user whose normalized uid is `uid` (a binary search).
    pub fn user_by_uid(&self, uid: &str) -> Option<&Arc<Entry>> {
        let i = self
            .users
            .binary_search_by(|s| uid_key(&s.entry).cmp(uid))
            .ok()?;
        self.users.get(i).map(|s| &s.entry)
    }

    /// Every visible user's entry, by normalized uid (the order of search results and paging).
    pub fn users(&self) -> impl ExactSizeIterator<Item = &Arc<Entry>> + '_ {
        self.users.iter().map(|s| &s.entry)
    }

    /// The entry of user `id`, if visible.
    pub fn user_entry(&self, id: UserId) -> Option<&Arc<Entry>> {
        let i = *self.user_index.get(&id)?;
        self.users.get(i as usize).map(|s| &s.entry)
    }

    /// The groups (ids) user `id` is in, nesting resolved.
    pub fn groups_of(&self, id: UserId) -> &[GroupId] {
        self.member_of.get(&id).map_or(&[], |g| g)
    }

    /// The entry of group `id`.
    pub fn group_entry(&self, id: GroupId) -> Option<&Arc<Entry>> {
        let g = self.rec.groups.get(&id)?;
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

    /// Forgets an organization that no longer exists (purged).
    fn remove(&self, id: OrgId) {
        if let Ok(mut m) = self.orgs.write() {
            m.remove(&id);
        }
        if let Ok(mut m) = self.by_slug.write() {
            m.retain(|_, v| *v != id);
        }
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
                self.put(load_org(store, &self.tree, org).await?);
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
            match store.org_by_id(t.org).await? {
                Some(org) => self.put(load_org(store, &self.tree, org).await?),
                None => self.remove(t.org),
            }
            return Ok(());
        };
        let mut rec = current.rec.clone();
        if t.org_record
            && let Some(org) = store.org_by_id(t.org).await?
        {
            rec.org = org;
        }
        // The users the change names, as they are now (`None`: gone or not visible).
        let mut fresh = HashMap::new();
        for id in &t.users {
            let u = store.user_by_id(t.org, *id).await?;
            fresh.insert(*id, u.filter(build::visible));
        }
        for id in &t.groups {
            match store.group_by_id(t.org, *id).await? {
                Some(g) => rec.groups.insert(*id, g),
                None => rec.groups.remove(id),
            };
        }
        if t.memberships {
            rec.edges = store.memberships(t.org).await?;
        }
        if t.admins {
            rec.admins = store.admins(t.org).await?.into_iter().collect();
        }
        if t.service_accounts {
            rec.services = load_services(store, t.org).await?;
        }
        self.put(build::rebuild(&self.tree, rec, &current, fresh));
        Ok(())
    }
}

/// Loads org `org` from the store and builds its view, turning each page of users into entries
/// as it arrives (so the full user records are never all in memory at once).
async fn load_org<S: DirectoryStore>(store: &S, tree: &Tree, org: Org) -> CoreResult<OrgView> {
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
    let rec = Records {
        services: load_services(store, org.id).await?,
        edges: store.memberships(org.id).await?,
        admins: store.admins(org.id).await?.into_iter().collect(),
        org,
        groups,
    };
    let mut b = build::Builder::new(tree, rec);
    let mut page = PageRequest::first(MAX_PAGE);
    loop {
        let p = store.list_users(b.org_id(), &page).await?;
        for u in p.items.iter().filter(|u| build::visible(u)) {
            b.add_user(u);
        }
        match p.next {
            Some(next) => page.after = Some(next),
            None => break,
        }
    }
    Ok(b.finish())
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
