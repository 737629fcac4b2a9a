//! Groups and their (nested) membership.

use super::{Directory, target};
use crate::access::{Action, Actor};
use crate::audit::AuditDraft;
use crate::change::{Change, Write};
use crate::directory::group::check_no_cycle;
use crate::directory::names::check_description;
use crate::directory::{Group, GroupMember, Name, Org, OrgSlug, Username};
use crate::error::{CoreError, CoreResult};
use crate::ids::GroupId;
use crate::page::{Page, PageRequest};
use crate::ports::DirectoryStore;
use serde::Serialize;
use serde_json::json;

/// A group to create.
#[derive(Debug, Clone)]
pub struct NewGroup {
    pub name: Name,
    pub description: String,
    /// `None` allocates the next free gidNumber.
    pub gid_number: Option<u32>,
}

/// Changes to a group.
#[derive(Debug, Clone, Default)]
pub struct GroupPatch {
    pub description: Option<String>,
}

/// A group with its direct members by name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GroupView {
    #[serde(flatten)]
    pub group: Group,
    pub member_users: Vec<Username>,
    pub member_groups: Vec<Name>,
}

impl<S: DirectoryStore> Directory<S> {
    async fn group_in(&self, org: &Org, name: &Name) -> CoreResult<Group> {
        self.store
            .group_by_name(org.id, name)
            .await?
            .ok_or_else(|| CoreError::not_found("group", name.as_str()))
    }

    async fn group_view(&self, org: &Org, group: Group) -> CoreResult<GroupView> {
        let mut member_users = Vec::new();
        let mut member_groups = Vec::new();
        for m in self.store.members(org.id, group.id).await? {
            match m {
                GroupMember::User(u) => {
                    if let Some(u) = self.store.user_by_id(org.id, u).await? {
                        member_users.push(u.username);
                    }
                }
                GroupMember::Group(g) => {
                    if let Some(g) = self.store.group_by_id(org.id, g).await? {
                        member_groups.push(g.name);
                    }
                }
            }
        }
        member_users.sort();
        member_groups.sort();
        Ok(GroupView {
            group,
            member_users,
            member_groups,
        })
    }

    /// Creates a group.
    pub async fn create_group(
        &self,
        actor: &Actor,
        slug: &OrgSlug,
        new: NewGroup,
    ) -> CoreResult<GroupView> {
        let org = self.org_for(actor, slug, Action::ManageGroups).await?;
        if let Some(gid) = new.gid_number
            && gid < 1000
        {
            return Err(CoreError::invalid("gid_number", "must be at least 1000"));
        }
        let now = self.now();
        let group = Group {
            id: GroupId::from_random(self.random()),
            org: org.id,
            name: new.name,
            description: check_description(&new.description)?,
            gid_number: new.gid_number.unwrap_or(0),
            created_at: now,
        };
        let id = group.id;
        let change = Change::new(Some(org.id))
            .write(Write::CreateGroup(group))
            .audit(AuditDraft::new(
                actor,
                &Action::ManageGroups(org.id),
                target("group", id),
                now,
            ));
        self.store.commit(change).await?;
        let group = self
            .store
            .group_by_id(org.id, id)
            .await?
            .ok_or_else(|| CoreError::Internal("created group not found".into()))?;
        self.group_view(&org, group).await
    }

    /// Reads a group with its members.
    pub async fn get_group(
        &self,
        actor: &Actor,
        slug: &OrgSlug,
        name: &Name,
    ) -> CoreResult<GroupView> {
        let org = self.org_for(actor, slug, Action::ReadDirectory).await?;
        let group = self.group_in(&org, name).await?;
        self.group_view(&org, group).await
    }

    /// Lists groups by name.
    pub async fn list_groups(
        &self,
        actor: &Actor,
        slug: &OrgSlug,
        page: &PageRequest,
    ) -> CoreResult<Page<Group>> {
        let org = self.org_for(actor, slug, Action::ReadDirectory).await?;
        self.store.list_groups(org.id, page).await
    }

    /// Changes a group's description.
    pub async fn update_group(
        &self,
        actor: &Actor,
        slug: &OrgSlug,
        name: &Name,
        patch: GroupPatch,
    ) -> CoreResult<GroupView> {
        let org = self.org_for(actor, slug, Action::ManageGroups).await?;
        let mut group = self.group_in(&org, name).await?;
        let Some(d) = patch.description else {
            return Err(CoreError::invalid("body", "nothing to change"));
        };
        group.description = check_description(&d)?;
        let change = Change::new(Some(org.id))
            .write(Write::UpdateGroup(group.clone()))
            .audit(
                AuditDraft::new(
                    actor,
                    &Action::ManageGroups(org.id),
                    target("group", group.id),
                    self.now(),
                )
                .with_detail(json!({"fields": ["description"]})),
            );
        self.store.commit(change).await?;
        self.group_view(&org, group).await
    }

    /// Deletes a group (its memberships and bindings go with it).
    pub async fn delete_group(&self, actor: &Actor, slug: &OrgSlug, name: &Name) -> CoreResult<()> {
        let org = self.org_for(actor, slug, Action::ManageGroups).await?;
        let group = self.group_in(&org, name).await?;
        let change = Change::new(Some(org.id))
            .write(Write::DeleteGroup(group.id))
            .audit(
                AuditDraft::new(
                    actor,
                    &Action::ManageGroups(org.id),
                    target("group", group.id),
                    self.now(),
                )
                .with_detail(json!({"deleted": true})),
            );
        self.store.commit(change).await
    }

    async fn member_ref(&self, org: &Org, member: &MemberRef) -> CoreResult<GroupMember> {
        Ok(match member {
            MemberRef::User(u) => GroupMember::User(self.user_in(org, u).await?.id),
            MemberRef::Group(g) => GroupMember::Group(self.group_in(org, g).await?.id),
        })
    }

    /// Adds a user or group to a group (nesting may not form a cycle).
    pub async fn add_member(
        &self,
        actor: &Actor,
        slug: &OrgSlug,
        group: &Name,
        member: MemberRef,
    ) -> CoreResult<GroupView> {
        let org = self.org_for(actor, slug, Action::ChangeMembership).await?;
        let g = self.group_in(&org, group).await?;
        let m = self.member_ref(&org, &member).await?;
        if let GroupMember::Group(child) = m {
            let edges: Vec<(GroupId, GroupId)> = self
                .store
                .memberships(org.id)
                .await?
                .into_iter()
                .filter_map(|(p, m)| match m {
                    GroupMember::Group(c) => Some((p, c)),
                    GroupMember::User(_) => None,
                })
                .collect();
            check_no_cycle(&edges, g.id, child)?;
        }
        if self.store.members(org.id, g.id).await?.contains(&m) {
            return self.group_view(&org, g).await;
        }
        let change = Change::new(Some(org.id))
            .write(Write::AddMember {
                group: g.id,
                member: m,
            })
            .audit(
                AuditDraft::new(
                    actor,
                    &Action::ChangeMembership(org.id),
                    target("group", g.id),
                    self.now(),
                )
                .with_detail(json!({"added": member_target(&m)})),
            );
        self.store.commit(change).await?;
        self.group_view(&org, g).await
    }

    /// Removes a direct member from a group.
    pub async fn remove_member(
        &self,
        actor: &Actor,
        slug: &OrgSlug,
        group: &Name,
        member: MemberRef,
    ) -> CoreResult<()> {
        let org = self.org_for(actor, slug, Action::ChangeMembership).await?;
        let g = self.group_in(&org, group).await?;
        let m = self.member_ref(&org, &member).await?;
        if !self.store.members(org.id, g.id).await?.contains(&m) {
            return Err(CoreError::not_found("member", member.name()));
        }
        let change = Change::new(Some(org.id))
            .write(Write::RemoveMember {
                group: g.id,
                member: m,
            })
            .audit(
                AuditDraft::new(
                    actor,
                    &Action::ChangeMembership(org.id),
                    target("group", g.id),
                    self.now(),
                )
                .with_detail(json!({"removed": member_target(&m)})),
            );
        self.store.commit(change).await
    }
}

/// A member named the way callers name them.
#[derive(Debug, Clone)]
pub enum MemberRef {
    User(Username),
    Group(Name),
}

impl MemberRef {
    fn name(&self) -> &str {
        match self {
            Self::User(u) => u.as_str(),
            Self::Group(g) => g.as_str(),
        }
    }
}

fn member_target(m: &GroupMember) -> String {
    match m {
        GroupMember::User(u) => target("user", u),
        GroupMember::Group(g) => target("group", g),
    }
}
