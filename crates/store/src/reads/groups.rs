//! Group and membership reads.

use super::paged;
use crate::db::args;
use crate::error::StoreResult;
use crate::rows::directory::{group_cols, group_from_row, member_from_row};
use crate::rows::id;
use crate::store::Store;
use skydir_core::directory::{Group, GroupMember, Name};
use skydir_core::ids::{GroupId, OrgId};
use skydir_core::page::{Page, PageRequest};
use sqlx::AssertSqlSafe;

impl Store {
    pub(crate) async fn read_group_by_name(
        &self,
        org: OrgId,
        name: &Name,
    ) -> StoreResult<Option<Group>> {
        self.db()
            .fetch_optional(
                concat!(
                    "SELECT ",
                    group_cols!(),
                    " FROM groups WHERE org_id = $1 AND name = $2"
                ),
                args![org.to_string(), name.as_str()],
            )
            .await?
            .as_ref()
            .map(group_from_row)
            .transpose()
    }

    pub(crate) async fn read_group_by_id(
        &self,
        org: OrgId,
        g: GroupId,
    ) -> StoreResult<Option<Group>> {
        self.db()
            .fetch_optional(
                concat!(
                    "SELECT ",
                    group_cols!(),
                    " FROM groups WHERE org_id = $1 AND id = $2"
                ),
                args![org.to_string(), g.to_string()],
            )
            .await?
            .as_ref()
            .map(group_from_row)
            .transpose()
    }

    pub(crate) async fn read_groups(
        &self,
        org: OrgId,
        page: &PageRequest,
    ) -> StoreResult<Page<Group>> {
        let (sql, params, limit) = paged(group_cols!(), "groups", "name", Some(org), page);
        let rows = self.db().fetch_all(AssertSqlSafe(sql), params).await?;
        let groups = rows
            .iter()
            .map(group_from_row)
            .collect::<StoreResult<Vec<_>>>()?;
        Ok(Page::from_overfetch(groups, limit, |g| g.name.to_string()))
    }

    pub(crate) async fn read_members(
        &self,
        org: OrgId,
        g: GroupId,
    ) -> StoreResult<Vec<GroupMember>> {
        self.db()
            .fetch_all(
                "SELECT member_user, member_group FROM group_members \
                 WHERE org_id = $1 AND group_id = $2 ORDER BY member_user, member_group",
                args![org.to_string(), g.to_string()],
            )
            .await?
            .iter()
            .map(|r| member_from_row(r, 0))
            .collect()
    }

    pub(crate) async fn read_memberships(
        &self,
        org: OrgId,
    ) -> StoreResult<Vec<(GroupId, GroupMember)>> {
        self.db()
            .fetch_all(
                "SELECT group_id, member_user, member_group FROM group_members \
                 WHERE org_id = $1 ORDER BY group_id, member_user, member_group",
                args![org.to_string()],
            )
            .await?
            .iter()
            .map(|r| {
                Ok((
                    id(&r.text(0)?, GroupId::parse, "group_members.group_id")?,
                    member_from_row(r, 1)?,
                ))
            })
            .collect()
    }
}
