//! Reads of systems, resources and access bindings.

use super::paged;
use crate::db::args;
use crate::error::StoreResult;
use crate::rows::directory::{
    binding_cols, binding_from_row, resource_cols, resource_from_row, system_cols, system_from_row,
};
use crate::store::Store;
use skydir_core::directory::{AccessBinding, Name, Resource, System};
use skydir_core::ids::{BindingId, OrgId};
use skydir_core::page::{Page, PageRequest};
use sqlx::AssertSqlSafe;

impl Store {
    pub(crate) async fn read_system_by_name(
        &self,
        org: OrgId,
        hostname: &Name,
    ) -> StoreResult<Option<System>> {
        self.db()
            .fetch_optional(
                concat!(
                    "SELECT ",
                    system_cols!(),
                    " FROM systems WHERE org_id = $1 AND hostname = $2"
                ),
                args![org.to_string(), hostname.as_str()],
            )
            .await?
            .as_ref()
            .map(system_from_row)
            .transpose()
    }

    pub(crate) async fn read_systems(
        &self,
        org: OrgId,
        page: &PageRequest,
    ) -> StoreResult<Page<System>> {
        let (sql, params, limit) = paged(system_cols!(), "systems", "hostname", Some(org), page);
        let rows = self.db().fetch_all(AssertSqlSafe(sql), params).await?;
        let items = rows
            .iter()
            .map(system_from_row)
            .collect::<StoreResult<Vec<_>>>()?;
        Ok(Page::from_overfetch(items, limit, |s| {
            s.hostname.to_string()
        }))
    }

    pub(crate) async fn read_resource_by_name(
        &self,
        org: OrgId,
        name: &Name,
    ) -> StoreResult<Option<Resource>> {
        self.db()
            .fetch_optional(
                concat!(
                    "SELECT ",
                    resource_cols!(),
                    " FROM resources WHERE org_id = $1 AND name = $2"
                ),
                args![org.to_string(), name.as_str()],
            )
            .await?
            .as_ref()
            .map(resource_from_row)
            .transpose()
    }

    pub(crate) async fn read_resources(
        &self,
        org: OrgId,
        page: &PageRequest,
    ) -> StoreResult<Page<Resource>> {
        let (sql, params, limit) = paged(resource_cols!(), "resources", "name", Some(org), page);
        let rows = self.db().fetch_all(AssertSqlSafe(sql), params).await?;
        let items = rows
            .iter()
            .map(resource_from_row)
            .collect::<StoreResult<Vec<_>>>()?;
        Ok(Page::from_overfetch(items, limit, |r| r.name.to_string()))
    }

    pub(crate) async fn read_binding_by_id(
        &self,
        org: OrgId,
        b: BindingId,
    ) -> StoreResult<Option<AccessBinding>> {
        self.db()
            .fetch_optional(
                concat!(
                    "SELECT ",
                    binding_cols!(),
                    " FROM access_bindings WHERE org_id = $1 AND id = $2"
                ),
                args![org.to_string(), b.to_string()],
            )
            .await?
            .as_ref()
            .map(binding_from_row)
            .transpose()
    }

    pub(crate) async fn read_bindings(
        &self,
        org: OrgId,
        page: &PageRequest,
    ) -> StoreResult<Page<AccessBinding>> {
        let (sql, params, limit) = paged(binding_cols!(), "access_bindings", "id", Some(org), page);
        let rows = self.db().fetch_all(AssertSqlSafe(sql), params).await?;
        let items = rows
            .iter()
            .map(binding_from_row)
            .collect::<StoreResult<Vec<_>>>()?;
        Ok(Page::from_overfetch(items, limit, |b| b.id.to_string()))
    }
}
