//! Groups, memberships, systems, resources and access bindings as rows. None of these hold
//! personal data, so they are stored in clear.

use super::{id, micros, opt_micros, opt_ts, parsed, ts, u32_of};
use crate::db::{Arg, Row, args};
use crate::error::{StoreError, StoreResult};
use skydir_core::directory::{
    AccessBinding, BindingSubject, Group, GroupMember, JoinMethod, Name, OsFamily, Resource,
    ResourceKind, System,
};
use skydir_core::ids::{BindingId, GroupId, OrgId, ResourceId, SystemId, UserId};

/// Columns read by [`group_from_row`].
macro_rules! group_cols {
    () => {
        "id, org_id, name, description, gid_number, created_at"
    };
}
/// Columns read by [`system_from_row`].
macro_rules! system_cols {
    () => {
        "id, org_id, hostname, os_family, os_version, agent_version, last_contact, created_at, \
         joined_via"
    };
}
/// Columns read by [`resource_from_row`].
macro_rules! resource_cols {
    () => {
        "id, org_id, name, kind, description, created_at"
    };
}
/// Columns read by [`binding_from_row`].
macro_rules! binding_cols {
    () => {
        "id, org_id, resource_id, subject_user, subject_group, created_at"
    };
}
pub(crate) use {binding_cols, group_cols, resource_cols, system_cols};

/// A group from a row of `group_cols!()`.
pub(crate) fn group_from_row(r: &Row) -> StoreResult<Group> {
    Ok(Group {
        id: id(&r.text(0)?, GroupId::parse, "groups.id")?,
        org: id(&r.text(1)?, OrgId::parse, "groups.org_id")?,
        name: parsed(&r.text(2)?, Name::parse, "groups.name")?,
        description: r.text(3)?,
        gid_number: u32_of(r.int(4)?, "groups.gid_number")?,
        created_at: ts(r.int(5)?, "groups.created_at")?,
    })
}

/// `(member_user, member_group)` columns of a member.
pub(crate) fn member_args(m: &GroupMember) -> (Option<String>, Option<String>) {
    match m {
        GroupMember::User(u) => (Some(u.to_string()), None),
        GroupMember::Group(g) => (None, Some(g.to_string())),
    }
}

/// A member from `(member_user, member_group)` columns at `at` and `at + 1`.
pub(crate) fn member_from_row(r: &Row, at: usize) -> StoreResult<GroupMember> {
    match (r.opt_text(at)?, r.opt_text(at + 1)?) {
        (Some(u), None) => Ok(GroupMember::User(id(
            &u,
            UserId::parse,
            "group_members.member_user",
        )?)),
        (None, Some(g)) => Ok(GroupMember::Group(id(
            &g,
            GroupId::parse,
            "group_members.member_group",
        )?)),
        _ => Err(StoreError::corrupt(
            "a group_members row names both or neither kind of member",
        )),
    }
}

/// Values for `INSERT INTO systems (system_cols!())`.
pub(crate) fn system_args(s: &System) -> Vec<Arg> {
    args![
        s.id.to_string(),
        s.org.to_string(),
        s.hostname.as_str(),
        s.os_family.as_str(),
        s.os_version.as_str(),
        s.agent_version.clone(),
        opt_micros(s.last_contact),
        micros(s.created_at),
        s.joined_via.as_str(),
    ]
}

/// A system from a row of `system_cols!()`.
pub(crate) fn system_from_row(r: &Row) -> StoreResult<System> {
    Ok(System {
        id: id(&r.text(0)?, SystemId::parse, "systems.id")?,
        org: id(&r.text(1)?, OrgId::parse, "systems.org_id")?,
        hostname: parsed(&r.text(2)?, Name::parse, "systems.hostname")?,
        os_family: parsed(&r.text(3)?, OsFamily::parse, "systems.os_family")?,
        os_version: r.text(4)?,
        agent_version: r.opt_text(5)?,
        last_contact: opt_ts(r.opt_int(6)?, "systems.last_contact")?,
        created_at: ts(r.int(7)?, "systems.created_at")?,
        joined_via: parsed(&r.text(8)?, JoinMethod::parse, "systems.joined_via")?,
    })
}

/// Values for `INSERT INTO resources (resource_cols!())`.
pub(crate) fn resource_args(x: &Resource) -> Vec<Arg> {
    args![
        x.id.to_string(),
        x.org.to_string(),
        x.name.as_str(),
        x.kind.as_str(),
        x.description.as_str(),
        micros(x.created_at),
    ]
}

/// A resource from a row of `resource_cols!()`.
pub(crate) fn resource_from_row(r: &Row) -> StoreResult<Resource> {
    Ok(Resource {
        id: id(&r.text(0)?, ResourceId::parse, "resources.id")?,
        org: id(&r.text(1)?, OrgId::parse, "resources.org_id")?,
        name: parsed(&r.text(2)?, Name::parse, "resources.name")?,
        kind: parsed(&r.text(3)?, ResourceKind::parse, "resources.kind")?,
        description: r.text(4)?,
        created_at: ts(r.int(5)?, "resources.created_at")?,
    })
}

/// Values for `INSERT INTO access_bindings (binding_cols!())`.
pub(crate) fn binding_args(b: &AccessBinding) -> Vec<Arg> {
    let (user, group) = match b.subject {
        BindingSubject::User(u) => (Some(u.to_string()), None),
        BindingSubject::Group(g) => (None, Some(g.to_string())),
    };
    args![
        b.id.to_string(),
        b.org.to_string(),
        b.resource.to_string(),
        user,
        group,
        micros(b.created_at),
    ]
}

/// A binding from a row of `binding_cols!()`.
pub(crate) fn binding_from_row(r: &Row) -> StoreResult<AccessBinding> {
    let subject = match (r.opt_text(3)?, r.opt_text(4)?) {
        (Some(u), None) => {
            BindingSubject::User(id(&u, UserId::parse, "access_bindings.subject_user")?)
        }
        (None, Some(g)) => {
            BindingSubject::Group(id(&g, GroupId::parse, "access_bindings.subject_group")?)
        }
        _ => {
            return Err(StoreError::corrupt(
                "an access_bindings row names both or neither kind of subject",
            ));
        }
    };
    Ok(AccessBinding {
        id: id(&r.text(0)?, BindingId::parse, "access_bindings.id")?,
        org: id(&r.text(1)?, OrgId::parse, "access_bindings.org_id")?,
        resource: id(
            &r.text(2)?,
            ResourceId::parse,
            "access_bindings.resource_id",
        )?,
        subject,
        created_at: ts(r.int(5)?, "access_bindings.created_at")?,
    })
}
