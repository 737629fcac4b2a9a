//! Reads of LDAP service accounts. The hash is read only by `read_service_credential`, for
//! the password check; listings never carry it.

use crate::db::args;
use crate::error::StoreResult;
use crate::rows::service::{service_cols, service_credential_from_row, service_from_row};
use crate::store::Store;
use skydir_core::auth::Credential;
use skydir_core::directory::{Name, ServiceAccount};
use skydir_core::ids::{OrgId, ServiceAccountId};

impl Store {
    pub(crate) async fn read_service_by_name(
        &self,
        org: OrgId,
        name: &Name,
    ) -> StoreResult<Option<ServiceAccount>> {
        self.db()
            .fetch_optional(
                concat!(
                    "SELECT ",
                    service_cols!(),
                    " FROM service_accounts WHERE org_id = $1 AND name = $2"
                ),
                args![org.to_string(), name.as_str()],
            )
            .await?
            .as_ref()
            .map(service_from_row)
            .transpose()
    }

    pub(crate) async fn read_services(&self, org: OrgId) -> StoreResult<Vec<ServiceAccount>> {
        self.db()
            .fetch_all(
                concat!(
                    "SELECT ",
                    service_cols!(),
                    " FROM service_accounts WHERE org_id = $1 ORDER BY name"
                ),
                args![org.to_string()],
            )
            .await?
            .iter()
            .map(service_from_row)
            .collect()
    }

    pub(crate) async fn read_service_credential(
        &self,
        org: OrgId,
        id: ServiceAccountId,
    ) -> StoreResult<Option<Credential>> {
        self.db()
            .fetch_optional(
                "SELECT hash, failures, locked_until FROM service_accounts \
                 WHERE org_id = $1 AND id = $2",
                args![org.to_string(), id.to_string()],
            )
            .await?
            .as_ref()
            .map(service_credential_from_row)
            .transpose()
    }
}
