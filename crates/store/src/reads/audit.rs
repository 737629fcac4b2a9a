//! Reads of the audit chains, for verification and for admins' views of their org's log.

use crate::db::args;
use crate::error::{StoreError, StoreResult};
use crate::rows::audit::{event_cols, event_from_row};
use crate::store::Store;
use skydir_core::audit::{AuditEvent, ChainKey};

impl Store {
    /// Every chain with a head or an event (events without a head show up as truncation).
    pub(crate) async fn read_audit_chains(&self) -> StoreResult<Vec<ChainKey>> {
        self.db()
            .fetch_all(
                "SELECT chain FROM audit_heads UNION SELECT DISTINCT chain FROM audit_events \
                 ORDER BY 1",
                vec![],
            )
            .await?
            .iter()
            .map(|r| {
                let text = r.text(0)?;
                ChainKey::from_text(&text)
                    .ok_or_else(|| StoreError::corrupt("audit chain key is malformed"))
            })
            .collect()
    }

    pub(crate) async fn read_audit_events(
        &self,
        chain: ChainKey,
        after: u64,
        limit: u32,
    ) -> StoreResult<Vec<AuditEvent>> {
        let after = i64::try_from(after).unwrap_or(i64::MAX);
        self.db()
            .fetch_all(
                concat!(
                    "SELECT ",
                    event_cols!(),
                    " FROM audit_events WHERE chain = $1 AND seq > $2 ORDER BY seq LIMIT $3"
                ),
                args![chain.as_text(), after, i64::from(limit)],
            )
            .await?
            .iter()
            .map(event_from_row)
            .collect()
    }

    pub(crate) async fn read_audit_head(
        &self,
        chain: ChainKey,
    ) -> StoreResult<Option<(u64, String)>> {
        let Some(r) = self
            .db()
            .fetch_optional(
                "SELECT seq, hash FROM audit_heads WHERE chain = $1",
                args![chain.as_text()],
            )
            .await?
        else {
            return Ok(None);
        };
        let seq = u64::try_from(r.int(0)?)
            .map_err(|_| StoreError::corrupt("audit_heads.seq is negative"))?;
        Ok(Some((seq, r.text(1)?)))
    }
}
