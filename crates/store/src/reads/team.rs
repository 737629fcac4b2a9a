//! Reads of the support team's arrangements.

use crate::db::args;
use crate::error::{StoreError, StoreResult};
use crate::rows::{id, parsed, ts};
use crate::store::Store;
use skydir_core::directory::Name;
use skydir_core::ids::{MacroId, OrgId, StaffId};
use skydir_core::support::{Macro, TicketStatus, Visibility};

impl Store {
    pub(crate) async fn read_specialist(&self, org: OrgId) -> StoreResult<Option<StaffId>> {
        self.db()
            .fetch_optional(
                "SELECT specialist_id FROM org_support WHERE org_id = $1",
                args![org.to_string()],
            )
            .await?
            .and_then(|r| r.opt_text(0).transpose())
            .transpose()?
            .map(|s| id(&s, StaffId::parse, "org_support.specialist_id"))
            .transpose()
    }

    pub(crate) async fn read_macros(&self) -> StoreResult<Vec<Macro>> {
        self.db()
            .fetch_all(
                "SELECT id, name, title, body, visibility, status, updated_at FROM macros \
                 ORDER BY name",
                vec![],
            )
            .await?
            .iter()
            .map(|r| {
                Ok(Macro {
                    id: id(&r.text(0)?, MacroId::parse, "macros.id")?,
                    name: parsed(&r.text(1)?, Name::parse, "macros.name")?,
                    title: r.text(2)?,
                    body: r.text(3)?,
                    visibility: match r.text(4)?.as_str() {
                        "internal" => Visibility::Internal,
                        "public" => Visibility::Public,
                        _ => return Err(StoreError::corrupt("macros.visibility is unknown")),
                    },
                    status: r
                        .opt_text(5)?
                        .map(|s| parsed(&s, TicketStatus::parse, "macros.status"))
                        .transpose()?,
                    updated_at: ts(r.int(6)?, "macros.updated_at")?,
                })
            })
            .collect()
    }
}
