//! Writes to orgs, staff, groups and memberships, systems, resources, bindings and tokens.

use super::found;
use crate::db::{Tx, args};
use crate::error::StoreResult;
use crate::rows::access::{login_state_args, staff_args, token_args};
use crate::rows::directory::{binding_args, member_args, resource_args, system_args};
use crate::rows::org::org_args;
use crate::rows::{micros, opt_micros};
use jiff::Timestamp;
use skydir_core::access::Staff;
use skydir_core::auth::{ApiToken, Credential, LoginState};
use skydir_core::directory::group::FIRST_GID;
use skydir_core::directory::{AccessBinding, Group, GroupMember, Org, Resource, System};
use skydir_core::ids::{BindingId, GroupId, OrgId, ResourceId, StaffId, SystemId, TokenId, UserId};

pub(super) async fn create_org(tx: &mut Tx, o: &Org) -> StoreResult<()> {
    tx.execute(
        "INSERT INTO orgs (id, slug, name, plan_kind, plan_seats, plan_trial_ends, \
         password_policy, created_at, suspended_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        org_args(o)?,
    )
    .await?;
    Ok(())
}

pub(super) async fn update_org(tx: &mut Tx, o: &Org) -> StoreResult<()> {
    let mut a = org_args(o)?;
    a.remove(7); // created_at never changes
    let n = tx
        .execute(
            "UPDATE orgs SET slug = $2, name = $3, plan_kind = $4, plan_seats = $5, \
             plan_trial_ends = $6, password_policy = $7, suspended_at = $8 WHERE id = $1",
            a,
        )
        .await?;
    found(n, "organization", o.id)
}

pub(super) async fn create_staff(tx: &mut Tx, s: &Staff) -> StoreResult<()> {
    tx.execute(
        "INSERT INTO staff (id, role, handle, created_at) VALUES ($1, $2, $3, $4)",
        staff_args(s),
    )
    .await?;
    Ok(())
}

/// Sets (or replaces) a staff member's console password.
pub(super) async fn set_staff_credential(
    tx: &mut Tx,
    staff: StaffId,
    c: &Credential,
) -> StoreResult<()> {
    let (failures, locked) = login_state_args(&c.state);
    tx.execute(
        "INSERT INTO staff_credentials (staff_id, hash, failures, locked_until) \
         VALUES ($1, $2, $3, $4) \
         ON CONFLICT (staff_id) DO UPDATE SET hash = excluded.hash, \
         failures = excluded.failures, locked_until = excluded.locked_until",
        args![staff.to_string(), c.hash.as_str(), failures, locked],
    )
    .await?;
    Ok(())
}

/// Records a staff member's failed-login state.
pub(super) async fn set_staff_login_state(
    tx: &mut Tx,
    staff: StaffId,
    s: &LoginState,
) -> StoreResult<()> {
    let (failures, locked) = login_state_args(s);
    let n = tx
        .execute(
            "UPDATE staff_credentials SET failures = $2, locked_until = $3 WHERE staff_id = $1",
            args![staff.to_string(), failures, locked],
        )
        .await?;
    found(n, "staff credential", staff)
}

/// `gid` or, when it is 0, the next free group gidNumber at or above [`FIRST_GID`].
async fn group_gid(tx: &mut Tx, org: OrgId, gid: u32) -> StoreResult<u32> {
    if gid != 0 {
        return Ok(gid);
    }
    let max = tx
        .fetch_optional(
            "SELECT COALESCE(MAX(gid_number), $2) FROM groups WHERE org_id = $1 AND gid_number >= $3",
            args![org.to_string(), i64::from(FIRST_GID) - 1, FIRST_GID],
        )
        .await?
        .map(|r| r.int(0))
        .transpose()?
        .unwrap_or(i64::from(FIRST_GID) - 1);
    crate::rows::u32_of(max + 1, "the next gidNumber")
}

pub(super) async fn create_group(tx: &mut Tx, g: &Group) -> StoreResult<()> {
    let gid = group_gid(tx, g.org, g.gid_number).await?;
    tx.execute(
        "INSERT INTO groups (id, org_id, name, description, gid_number, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6)",
        args![
            g.id.to_string(),
            g.org.to_string(),
            g.name.as_str(),
            g.description.as_str(),
            gid,
            micros(g.created_at)
        ],
    )
    .await?;
    Ok(())
}

pub(super) async fn update_group(tx: &mut Tx, g: &Group) -> StoreResult<()> {
    let gid = group_gid(tx, g.org, g.gid_number).await?;
    let n = tx
        .execute(
            "UPDATE groups SET name = $3, description = $4, gid_number = $5 \
             WHERE org_id = $1 AND id = $2",
            args![
                g.org.to_string(),
                g.id.to_string(),
                g.name.as_str(),
                g.description.as_str(),
                gid
            ],
        )
        .await?;
    found(n, "group", g.id)
}

/// Deletes a group with its memberships (both ways) and bindings.
pub(super) async fn delete_group(tx: &mut Tx, org: OrgId, g: GroupId) -> StoreResult<()> {
    let (o, id) = (org.to_string(), g.to_string());
    tx.execute(
        "DELETE FROM group_members WHERE org_id = $1 AND (group_id = $2 OR member_group = $2)",
        args![o.as_str(), id.as_str()],
    )
    .await?;
    tx.execute(
        "DELETE FROM access_bindings WHERE org_id = $1 AND subject_group = $2",
        args![o.as_str(), id.as_str()],
    )
    .await?;
    let n = tx
        .execute(
            "DELETE FROM groups WHERE org_id = $1 AND id = $2",
            args![o, id],
        )
        .await?;
    found(n, "group", g)
}

pub(super) async fn add_member(
    tx: &mut Tx,
    org: OrgId,
    g: GroupId,
    m: &GroupMember,
) -> StoreResult<()> {
    let (user, group) = member_args(m);
    tx.execute(
        "INSERT INTO group_members (org_id, group_id, member_user, member_group) \
         VALUES ($1, $2, $3, $4)",
        args![org.to_string(), g.to_string(), user, group],
    )
    .await?;
    Ok(())
}

pub(super) async fn remove_member(
    tx: &mut Tx,
    org: OrgId,
    g: GroupId,
    m: &GroupMember,
) -> StoreResult<()> {
    let (sql, member) = match m {
        GroupMember::User(u) => (
            "DELETE FROM group_members WHERE org_id = $1 AND group_id = $2 AND member_user = $3",
            u.to_string(),
        ),
        GroupMember::Group(x) => (
            "DELETE FROM group_members WHERE org_id = $1 AND group_id = $2 AND member_group = $3",
            x.to_string(),
        ),
    };
    let n = tx
        .execute(sql, args![org.to_string(), g.to_string(), member.as_str()])
        .await?;
    found(n, "group member", member)
}

pub(super) async fn create_system(tx: &mut Tx, s: &System) -> StoreResult<()> {
    tx.execute(
        "INSERT INTO systems (id, org_id, hostname, os_family, os_version, agent_version, \
         last_contact, created_at, joined_via) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        system_args(s),
    )
    .await?;
    Ok(())
}

pub(super) async fn update_system(tx: &mut Tx, s: &System) -> StoreResult<()> {
    let n = tx
        .execute(
            "UPDATE systems SET hostname = $3, os_family = $4, os_version = $5, \
             agent_version = $6, last_contact = $7, joined_via = $8 \
             WHERE org_id = $1 AND id = $2",
            args![
                s.org.to_string(),
                s.id.to_string(),
                s.hostname.as_str(),
                s.os_family.as_str(),
                s.os_version.as_str(),
                s.agent_version.clone(),
                opt_micros(s.last_contact),
                s.joined_via.as_str(),
            ],
        )
        .await?;
    found(n, "system", s.id)
}

pub(super) async fn delete_system(tx: &mut Tx, org: OrgId, s: SystemId) -> StoreResult<()> {
    let n = tx
        .execute(
            "DELETE FROM systems WHERE org_id = $1 AND id = $2",
            args![org.to_string(), s.to_string()],
        )
        .await?;
    found(n, "system", s)
}

pub(super) async fn create_resource(tx: &mut Tx, r: &Resource) -> StoreResult<()> {
    tx.execute(
        "INSERT INTO resources (id, org_id, name, kind, description, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6)",
        resource_args(r),
    )
    .await?;
    Ok(())
}

pub(super) async fn update_resource(tx: &mut Tx, r: &Resource) -> StoreResult<()> {
    let n = tx
        .execute(
            "UPDATE resources SET name = $3, kind = $4, description = $5 \
             WHERE org_id = $1 AND id = $2",
            args![
                r.org.to_string(),
                r.id.to_string(),
                r.name.as_str(),
                r.kind.as_str(),
                r.description.as_str()
            ],
        )
        .await?;
    found(n, "resource", r.id)
}

/// Deletes a resource with its bindings.
pub(super) async fn delete_resource(tx: &mut Tx, org: OrgId, r: ResourceId) -> StoreResult<()> {
    let (o, id) = (org.to_string(), r.to_string());
    tx.execute(
        "DELETE FROM access_bindings WHERE org_id = $1 AND resource_id = $2",
        args![o.as_str(), id.as_str()],
    )
    .await?;
    let n = tx
        .execute(
            "DELETE FROM resources WHERE org_id = $1 AND id = $2",
            args![o, id],
        )
        .await?;
    found(n, "resource", r)
}

pub(super) async fn create_binding(tx: &mut Tx, b: &AccessBinding) -> StoreResult<()> {
    tx.execute(
        "INSERT INTO access_bindings (id, org_id, resource_id, subject_user, subject_group, \
         created_at) VALUES ($1, $2, $3, $4, $5, $6)",
        binding_args(b),
    )
    .await?;
    Ok(())
}

pub(super) async fn delete_binding(tx: &mut Tx, org: OrgId, b: BindingId) -> StoreResult<()> {
    let n = tx
        .execute(
            "DELETE FROM access_bindings WHERE org_id = $1 AND id = $2",
            args![org.to_string(), b.to_string()],
        )
        .await?;
    found(n, "binding", b)
}

pub(super) async fn create_token(tx: &mut Tx, t: &ApiToken) -> StoreResult<()> {
    tx.execute(
        "INSERT INTO api_tokens (id, subject_kind, staff_id, org_id, user_id, name, secret_hash, \
         created_at, expires_at, revoked_at, last_used_at, idle_secs) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
        token_args(t),
    )
    .await?;
    Ok(())
}

/// Records a token's last use: a token of the change's org (or a staff token for a
/// deployment-level change), never moving the time back. Touching a token that is gone is no
/// error — the use it records is over either way.
pub(super) async fn touch_token(
    tx: &mut Tx,
    org: Option<OrgId>,
    t: TokenId,
    at: Timestamp,
) -> StoreResult<()> {
    match org {
        Some(o) => {
            tx.execute(
                "UPDATE api_tokens SET last_used_at = $2 WHERE id = $1 AND org_id = $3 \
                 AND (last_used_at IS NULL OR last_used_at < $2)",
                args![t.to_string(), micros(at), o.to_string()],
            )
            .await?
        }
        None => {
            tx.execute(
                "UPDATE api_tokens SET last_used_at = $2 WHERE id = $1 AND org_id IS NULL \
                 AND (last_used_at IS NULL OR last_used_at < $2)",
                args![t.to_string(), micros(at)],
            )
            .await?
        }
    };
    Ok(())
}

/// Revokes a token of the change's org (or, for a deployment-level change, a staff token).
pub(super) async fn revoke_token(
    tx: &mut Tx,
    org: Option<OrgId>,
    t: TokenId,
    at: Timestamp,
) -> StoreResult<()> {
    let n = match org {
        Some(o) => {
            tx.execute(
                "UPDATE api_tokens SET revoked_at = COALESCE(revoked_at, $3) WHERE org_id = $1 AND id = $2",
                args![o.to_string(), t.to_string(), micros(at)],
            )
            .await?
        }
        None => {
            tx.execute(
                "UPDATE api_tokens SET revoked_at = COALESCE(revoked_at, $2) WHERE org_id IS NULL AND id = $1",
                args![t.to_string(), micros(at)],
            )
            .await?
        }
    };
    found(n, "token", t)
}

/// Revokes every token of `user` (of the change's org) not revoked yet — login sessions
/// always, personal API tokens when `api_tokens` — except `keep`. Nothing to revoke is no
/// error.
pub(super) async fn end_sessions(
    tx: &mut Tx,
    org: OrgId,
    user: UserId,
    at: Timestamp,
    keep: Option<TokenId>,
    api_tokens: bool,
) -> StoreResult<()> {
    // A session is a token with an idle limit (`idle_secs`); personal API tokens have none.
    let sql = match (api_tokens, keep.is_some()) {
        (true, false) => {
            "UPDATE api_tokens SET revoked_at = $3 \
             WHERE org_id = $1 AND user_id = $2 AND revoked_at IS NULL"
        }
        (true, true) => {
            "UPDATE api_tokens SET revoked_at = $3 \
             WHERE org_id = $1 AND user_id = $2 AND revoked_at IS NULL AND id <> $4"
        }
        (false, false) => {
            "UPDATE api_tokens SET revoked_at = $3 \
             WHERE org_id = $1 AND user_id = $2 AND revoked_at IS NULL \
             AND idle_secs IS NOT NULL"
        }
        (false, true) => {
            "UPDATE api_tokens SET revoked_at = $3 \
             WHERE org_id = $1 AND user_id = $2 AND revoked_at IS NULL \
             AND idle_secs IS NOT NULL AND id <> $4"
        }
    };
    let mut a = args![org.to_string(), user.to_string(), micros(at)];
    if let Some(k) = keep {
        a.extend(args![k.to_string()]);
    }
    tx.execute(sql, a).await?;
    Ok(())
}
