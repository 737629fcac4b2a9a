//! Building an org's view: the container entries, an entry per visible user and per group, and
//! the groups each user is in (nesting resolved). A change builds beside the old view and shares
//! every untouched user's entry whose groups did not move — an untouched user whose groups moved
//! gets a copy of its entry with the new `memberOf` — so the full user records are needed only
//! for the users a change names.

use super::{OrgView, Records, Tree, UserSlot, uid_key};
use crate::dn::{Dn, normalize_value};
use crate::entry::Entry;
use crate::schema;
use skydir_core::directory::{Group, GroupMember, User, UserStatus};
use skydir_core::ids::{GroupId, OrgId, UserId};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;

/// True for a user LDAP shows (staged users are not in the directory yet).
pub(super) fn visible(u: &User) -> bool {
    u.status != UserStatus::Staged
}

/// A view in the making: the records first, then the users one by one, then [`Builder::finish`].
pub(super) struct Builder<'a> {
    tree: &'a Tree,
    rec: Records,
    slug: String,
    children: HashMap<GroupId, Vec<GroupMember>>,
    member_of: HashMap<UserId, Vec<GroupId>>,
    users: Vec<UserSlot>,
    /// Positions of `uid` and `memberOf` in the schema table.
    uid: Option<usize>,
    member_of_type: Option<usize>,
}

impl<'a> Builder<'a> {
    /// Starts a view of `rec`'s org, resolving its groups.
    pub(super) fn new(tree: &'a Tree, rec: Records) -> Self {
        let mut children: HashMap<GroupId, Vec<GroupMember>> = HashMap::new();
        for (g, m) in &rec.edges {
            children.entry(*g).or_default().push(*m);
        }
        let mut member_of: HashMap<UserId, Vec<GroupId>> = HashMap::new();
        for g in sorted(&rec.groups) {
            for u in transitive_users(g.id, &children) {
                member_of.entry(u).or_default().push(g.id);
            }
        }
        Self {
            tree,
            slug: rec.org.slug.as_str().to_string(),
            rec,
            children,
            member_of,
            users: Vec::new(),
            uid: schema::type_index("uid"),
            member_of_type: schema::type_index("memberOf"),
        }
    }

    /// The org's id.
    pub(super) fn org_id(&self) -> OrgId {
        self.rec.org.id
    }

    /// The DNs of the groups user `id` is in, sorted: its `memberOf`.
    fn group_dns(&self, id: UserId) -> Vec<String> {
        let mut gs: Vec<String> = self
            .member_of
            .get(&id)
            .map_or(&[][..], Vec::as_slice)
            .iter()
            .filter_map(|g| self.rec.groups.get(g))
            .map(|g| self.tree.group_dn(&self.slug, g.name.as_str()))
            .collect();
        gs.sort_unstable();
        gs
    }

    /// Adds visible user `u` with a new entry.
    pub(super) fn add_user(&mut self, u: &User) {
        let entry = user_entry(self.tree, &self.slug, u, &self.group_dns(u.id));
        self.users.push(UserSlot {
            id: u.id,
            entry: Arc::new(entry),
        });
    }

    /// Adds a user the change did not touch: its entry is shared when its groups are unchanged,
    /// and otherwise copied with the new `memberOf` (what building it anew would give).
    fn keep_user(&mut self, slot: &UserSlot) {
        let gs = self.group_dns(slot.id);
        let old = self.member_of_type.and_then(|t| slot.entry.get_type(t));
        let same = match old {
            Some(a) => a.values.iter().eq(gs.iter().map(String::as_str)),
            None => gs.is_empty(),
        };
        let entry = if same {
            slot.entry.clone()
        } else {
            Arc::new(
                slot.entry
                    .replacing("memberOf", &gs, "structuralObjectClass"),
            )
        };
        self.users.push(UserSlot { id: slot.id, entry });
    }

    /// The view: users sorted by uid, group entries built from them.
    pub(super) fn finish(mut self) -> OrgView {
        self.users
            .sort_by(|a, b| uid_key(&a.entry).cmp(uid_key(&b.entry)));
        let user_index: HashMap<UserId, u32> = self
            .users
            .iter()
            .enumerate()
            .map(|(i, s)| (s.id, u32::try_from(i).unwrap_or(u32::MAX)))
            .collect();
        let (users, uid) = (&self.users, self.uid);
        let username = |id: &UserId| -> Option<&str> {
            let slot = users.get(*user_index.get(id)? as usize)?;
            slot.entry.get_type(uid?)?.values.iter().next()
        };
        let (tree, slug) = (self.tree, self.slug.as_str());
        let mut groups = BTreeMap::new();
        for g in sorted(&self.rec.groups) {
            let mut member_uids: Vec<&str> = transitive_users(g.id, &self.children)
                .iter()
                .filter_map(username)
                .collect();
            member_uids.sort_unstable();
            let mut members: Vec<String> = Vec::new();
            for m in self.children.get(&g.id).map_or(&[][..], Vec::as_slice) {
                match m {
                    GroupMember::User(u) => {
                        if let Some(name) = username(u) {
                            members.push(tree.user_dn(slug, name));
                        }
                    }
                    GroupMember::Group(c) => {
                        if let Some(c) = self.rec.groups.get(c) {
                            members.push(tree.group_dn(slug, c.name.as_str()));
                        }
                    }
                }
            }
            members.sort_unstable();
            let entry = group_entry(tree, slug, g, &members, &member_uids);
            groups.insert(normalize_value(g.name.as_str()), Arc::new(entry));
        }
        let org_dn = tree.org_dn(slug);
        OrgView {
            base: Dn::parse(&org_dn).unwrap_or_else(|_| Dn::root()),
            containers: containers(&org_dn, &self.rec),
            member_of: self
                .member_of
                .into_iter()
                .map(|(u, gs)| (u, gs.into_boxed_slice()))
                .collect(),
            rec: self.rec,
            users: self.users,
            user_index,
            groups,
        }
    }
}

/// The view after a change: `rec` as reloaded, `fresh` the users the change names as they are
/// now (`None` when gone or staged); every other user is taken from `current`.
pub(super) fn rebuild(
    tree: &Tree,
    rec: Records,
    current: &OrgView,
    fresh: HashMap<UserId, Option<User>>,
) -> OrgView {
    let mut b = Builder::new(tree, rec);
    b.users.reserve(current.users.len() + fresh.len());
    for slot in &current.users {
        if !fresh.contains_key(&slot.id) {
            b.keep_user(slot);
        }
    }
    for u in fresh.values().flatten() {
        b.add_user(u);
    }
    b.finish()
}

/// The org's groups, by name.
fn sorted(groups: &HashMap<GroupId, Group>) -> Vec<&Group> {
    let mut v: Vec<&Group> = groups.values().collect();
    v.sort_by(|a, b| a.name.as_str().cmp(b.name.as_str()));
    v
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

/// The org entry and its `ou=users` / `ou=groups` containers.
fn containers(org_dn: &str, rec: &Records) -> Vec<Arc<Entry>> {
    let org = &rec.org;
    vec![
        Arc::new(
            Entry::builder(org_dn)
                .with("objectClass", ["top", "organization"])
                .with("o", [org.slug.as_str()])
                .with("description", [org.name.as_str()])
                .with("structuralObjectClass", ["organization"])
                .with("entryUUID", [org.id.to_string()])
                .with("createTimestamp", [ldap_time(org.created_at)])
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
    ]
}

/// The entry of group `g`, with its direct `members` (DNs) and every user in it (`member_uids`).
fn group_entry(tree: &Tree, slug: &str, g: &Group, members: &[String], uids: &[&str]) -> Entry {
    let description = (!g.description.is_empty()).then_some(g.description.as_str());
    Entry::builder(tree.group_dn(slug, g.name.as_str()))
        .with("objectClass", ["top", "groupOfNames", "posixGroup"])
        .with("cn", [g.name.as_str()])
        .with("gidNumber", [g.gid_number.to_string()])
        .with("description", description)
        .with("member", members)
        .with("memberUid", uids)
        .with("structuralObjectClass", ["groupOfNames"])
        .with("entryUUID", [g.id.to_string()])
        .with("createTimestamp", [ldap_time(g.created_at)])
        .with("hasSubordinates", ["FALSE"])
        .build()
}

/// The entry of user `u`, in groups `member_of` (DNs, sorted). Only what LDAP shows is taken
/// from the record.
fn user_entry(tree: &Tree, slug: &str, u: &User, member_of: &[String]) -> Entry {
    let given = u.personal.given_name.0.as_deref();
    let family = u.personal.family_name.0.as_deref();
    let cn = match (given, family) {
        (Some(g), Some(f)) => format!("{g} {f}"),
        (Some(n), None) | (None, Some(n)) => n.to_string(),
        (None, None) => u.username.as_str().to_string(),
    };
    let sn = family.unwrap_or(u.username.as_str());
    Entry::builder(tree.user_dn(slug, u.username.as_str()))
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
        .with("cn", [cn.as_str()])
        .with("sn", [sn])
        .with("givenName", given)
        .with("displayName", [cn.as_str()])
        .with("mail", [u.email.as_str()])
        .with("uidNumber", [u.posix.uid_number.to_string()])
        .with("gidNumber", [u.posix.gid_number.to_string()])
        .with("homeDirectory", [u.posix.home_directory.as_str()])
        .with("loginShell", [u.posix.login_shell.as_str()])
        .with("gecos", [cn.as_str()])
        .with("sshPublicKey", u.ssh_keys.iter().map(|k| k.as_str()))
        .with("memberOf", member_of)
        .with("structuralObjectClass", ["inetOrgPerson"])
        .with("entryUUID", [u.id.to_string()])
        .with("createTimestamp", [ldap_time(u.created_at)])
        .with("modifyTimestamp", [ldap_time(u.updated_at)])
        .with("hasSubordinates", ["FALSE"])
        .build()
}
