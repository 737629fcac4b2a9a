//! Reads of the data-protection records; an org's sealed text is opened with its key.

use crate::db::{Arg, args};
use crate::error::{StoreError, StoreResult};
use crate::keyring::KeyId;
use crate::rows::micros;
use crate::rows::privacy::{open, open_deployment};
use crate::rows::{id, parsed, ts};
use crate::store::Store;
use jiff::Timestamp;
use skydir_core::directory::Email;
use skydir_core::ids::{DpaSignatureId, ErasureId, ObjectionId, OrgId, SubscriptionId, UserId};
use skydir_core::privacy::{
    Connector, DpaSignature, DpaVersion, ErasureRequest, Objection, RegistryEvent, SubProcessor,
    Subscription,
};
use sqlx::AssertSqlSafe;

impl Store {
    pub(crate) async fn read_subprocessors(&self) -> StoreResult<Vec<SubProcessor>> {
        let mut all: Vec<SubProcessor> = self
            .db()
            .fetch_all("SELECT entry FROM subprocessors", vec![])
            .await?
            .iter()
            .map(|r| {
                serde_json::from_str(&r.text(0)?)
                    .map_err(|_| StoreError::corrupt("subprocessors.entry is malformed"))
            })
            .collect::<StoreResult<_>>()?;
        all.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(all)
    }

    pub(crate) async fn read_registry_events(&self, limit: u32) -> StoreResult<Vec<RegistryEvent>> {
        self.db()
            .fetch_all(
                "SELECT event FROM registry_events ORDER BY at DESC, id DESC LIMIT $1",
                args![limit],
            )
            .await?
            .iter()
            .map(|r| {
                serde_json::from_str(&r.text(0)?)
                    .map_err(|_| StoreError::corrupt("registry_events.event is malformed"))
            })
            .collect()
    }

    pub(crate) async fn read_subscriptions(&self) -> StoreResult<Vec<Subscription>> {
        let rows = self
            .db()
            .fetch_all("SELECT id, org_id, email_ct, created_at FROM privacy_subscriptions ORDER BY created_at", vec![])
            .await?;
        let mut out = Vec::with_capacity(rows.len());
        for r in rows {
            let sid = r.text(0)?;
            let org = id(&r.text(1)?, OrgId::parse, "privacy_subscriptions.org_id")?;
            let Ok(key) = self.keyring().get(KeyId::Org(org)).await else {
                continue; // the org's key is gone: so is the org
            };
            let email = open(
                org,
                "privacy_subscriptions",
                &sid,
                "email",
                &r.text(2)?,
                &key,
            )?;
            out.push(Subscription {
                id: id(&sid, SubscriptionId::parse, "privacy_subscriptions.id")?,
                org,
                email: parsed(&email, Email::stored, "privacy_subscriptions.email")?,
                created_at: ts(r.int(3)?, "privacy_subscriptions.created_at")?,
            });
        }
        Ok(out)
    }

    pub(crate) async fn read_objections(&self, org: Option<OrgId>) -> StoreResult<Vec<Objection>> {
        let mut sql = String::from(
            "SELECT id, org_id, subprocessor, reason_ct, by_user, at FROM privacy_objections",
        );
        let mut params: Vec<Arg> = Vec::new();
        if let Some(o) = org {
            sql.push_str(" WHERE org_id = $1");
            params.push(Arg::from(o.to_string()));
        }
        sql.push_str(" ORDER BY at");
        let rows = self.db().fetch_all(AssertSqlSafe(sql), params).await?;
        let mut out = Vec::with_capacity(rows.len());
        for r in rows {
            let oid = r.text(0)?;
            let org = id(&r.text(1)?, OrgId::parse, "privacy_objections.org_id")?;
            let Ok(key) = self.keyring().get(KeyId::Org(org)).await else {
                continue;
            };
            out.push(Objection {
                id: id(&oid, ObjectionId::parse, "privacy_objections.id")?,
                org,
                subprocessor: r.text(2)?,
                reason: open(org, "privacy_objections", &oid, "reason", &r.text(3)?, &key)?,
                by: id(&r.text(4)?, UserId::parse, "privacy_objections.by_user")?,
                at: ts(r.int(5)?, "privacy_objections.at")?,
            });
        }
        Ok(out)
    }

    pub(crate) async fn read_dpa_versions(&self) -> StoreResult<Vec<DpaVersion>> {
        self.db()
            .fetch_all("SELECT version, text, published_at FROM dpa_versions ORDER BY published_at, version", vec![])
            .await?
            .iter()
            .map(|r| {
                Ok(DpaVersion {
                    version: r.text(0)?,
                    text: r.text(1)?,
                    published_at: ts(r.int(2)?, "dpa_versions.published_at")?,
                })
            })
            .collect()
    }

    pub(crate) async fn read_dpa_signatures(&self, org: OrgId) -> StoreResult<Vec<DpaSignature>> {
        let rows = self
            .db()
            .fetch_all(
                "SELECT id, version, signer, signer_ct, signed_at FROM dpa_signatures \
                 WHERE org_id = $1 ORDER BY signed_at",
                args![org.to_string()],
            )
            .await?;
        let key = self.keyring().get(KeyId::Org(org)).await?;
        rows.iter()
            .map(|r| {
                let sid = r.text(0)?;
                let who = open(org, "dpa_signatures", &sid, "signer", &r.text(3)?, &key)?;
                let (name, title): (String, String) = serde_json::from_str(&who)
                    .map_err(|_| StoreError::corrupt("dpa_signatures.signer is malformed"))?;
                Ok(DpaSignature {
                    id: id(&sid, DpaSignatureId::parse, "dpa_signatures.id")?,
                    org,
                    version: r.text(1)?,
                    signer: id(&r.text(2)?, UserId::parse, "dpa_signatures.signer")?,
                    signer_name: name,
                    signer_title: title,
                    signed_at: ts(r.int(4)?, "dpa_signatures.signed_at")?,
                })
            })
            .collect()
    }

    pub(crate) async fn read_connectors(&self) -> StoreResult<Vec<Connector>> {
        let rows = self
            .db()
            .fetch_all(
                "SELECT id, entry_ct FROM privacy_connectors ORDER BY slug",
                vec![],
            )
            .await?;
        if rows.is_empty() {
            return Ok(Vec::new());
        }
        let key = self.keyring().deployment().await?;
        rows.iter()
            .map(|r| open_deployment("privacy_connectors", &r.text(0)?, &r.text(1)?, &key))
            .collect()
    }

    async fn erasure_rows(&self, sql: &str, params: Vec<Arg>) -> StoreResult<Vec<ErasureRequest>> {
        let rows = self
            .db()
            .fetch_all(AssertSqlSafe(sql.to_string()), params)
            .await?;
        if rows.is_empty() {
            return Ok(Vec::new());
        }
        let key = self.keyring().deployment().await?;
        rows.iter()
            .map(|r| open_deployment("erasure_requests", &r.text(0)?, &r.text(1)?, &key))
            .collect()
    }

    pub(crate) async fn read_erasure(&self, id: ErasureId) -> StoreResult<Option<ErasureRequest>> {
        Ok(self
            .erasure_rows(
                "SELECT id, entry_ct FROM erasure_requests WHERE id = $1",
                args![id.to_string()],
            )
            .await?
            .pop())
    }

    pub(crate) async fn read_erasures(
        &self,
        org: Option<OrgId>,
    ) -> StoreResult<Vec<ErasureRequest>> {
        match org {
            Some(o) => {
                self.erasure_rows(
                    "SELECT id, entry_ct FROM erasure_requests WHERE org_id = $1 \
                     ORDER BY requested_at DESC, id DESC",
                    args![o.to_string()],
                )
                .await
            }
            None => {
                self.erasure_rows(
                    "SELECT id, entry_ct FROM erasure_requests ORDER BY requested_at DESC, id DESC",
                    vec![],
                )
                .await
            }
        }
    }

    pub(crate) async fn read_erasures_due(
        &self,
        now: Timestamp,
    ) -> StoreResult<Vec<ErasureRequest>> {
        self.erasure_rows(
            "SELECT id, entry_ct FROM erasure_requests WHERE next_due IS NOT NULL AND next_due <= $1 \
             ORDER BY next_due",
            args![micros(now)],
        )
        .await
    }

    pub(crate) async fn read_breaches(&self) -> StoreResult<Vec<skydir_core::privacy::Breach>> {
        self.db()
            .fetch_all(
                "SELECT entry FROM breaches ORDER BY aware_at DESC, id DESC",
                vec![],
            )
            .await?
            .iter()
            .map(|r| {
                serde_json::from_str(&r.text(0)?)
                    .map_err(|_| StoreError::corrupt("breaches.entry is malformed"))
            })
            .collect()
    }

    pub(crate) async fn read_policy_events(
        &self,
        limit: u32,
    ) -> StoreResult<Vec<skydir_core::privacy::PolicyEvent>> {
        self.db()
            .fetch_all(
                "SELECT event FROM policy_events ORDER BY at DESC, id DESC LIMIT $1",
                args![limit],
            )
            .await?
            .iter()
            .map(|r| {
                serde_json::from_str(&r.text(0)?)
                    .map_err(|_| StoreError::corrupt("policy_events.event is malformed"))
            })
            .collect()
    }

    pub(crate) async fn read_latest_statement(
        &self,
    ) -> StoreResult<Option<skydir_core::privacy::StatementVersion>> {
        let Some(r) = self
            .db()
            .fetch_optional(
                "SELECT version, digest, text, published_at FROM privacy_statements \
                 ORDER BY version DESC LIMIT 1",
                vec![],
            )
            .await?
        else {
            return Ok(None);
        };
        Ok(Some(skydir_core::privacy::StatementVersion {
            version: u32::try_from(r.int(0)?)
                .map_err(|_| StoreError::corrupt("privacy_statements.version"))?,
            digest: r.text(1)?,
            text: r.text(2)?,
            published_at: ts(r.int(3)?, "privacy_statements.published_at")?,
        }))
    }

    pub(crate) async fn read_deployment_marker(
        &self,
        name: &str,
    ) -> StoreResult<Option<Timestamp>> {
        self.db()
            .fetch_optional(
                "SELECT at FROM deployment_markers WHERE name = $1",
                args![name],
            )
            .await?
            .map(|r| ts(r.int(0)?, "deployment_markers.at"))
            .transpose()
    }

    pub(crate) async fn read_org_retention(
        &self,
        org: Option<OrgId>,
    ) -> StoreResult<Vec<skydir_core::privacy::OrgRetention>> {
        let rows = match org {
            Some(o) => {
                self.db()
                    .fetch_all(
                        "SELECT org_id, attachment_days, set_by, set_at FROM org_retention \
                         WHERE org_id = $1",
                        args![o.to_string()],
                    )
                    .await?
            }
            None => {
                self.db()
                    .fetch_all(
                        "SELECT org_id, attachment_days, set_by, set_at FROM org_retention \
                         ORDER BY org_id",
                        vec![],
                    )
                    .await?
            }
        };
        rows.iter()
            .map(|r| {
                Ok(skydir_core::privacy::OrgRetention {
                    org: id(&r.text(0)?, OrgId::parse, "org_retention.org_id")?,
                    attachment_days: r
                        .opt_int(1)?
                        .map(u32::try_from)
                        .transpose()
                        .map_err(|_| StoreError::corrupt("org_retention.attachment_days"))?,
                    set_by: id(&r.text(2)?, UserId::parse, "org_retention.set_by")?,
                    set_at: ts(r.int(3)?, "org_retention.set_at")?,
                })
            })
            .collect()
    }

    pub(crate) async fn read_org_deletions(
        &self,
        org: Option<OrgId>,
    ) -> StoreResult<Vec<skydir_core::privacy::OrgDeletion>> {
        let rows = match org {
            Some(o) => {
                self.db()
                    .fetch_all(
                        "SELECT entry FROM org_deletions WHERE org_id = $1 \
                         ORDER BY requested_at DESC, id DESC",
                        args![o.to_string()],
                    )
                    .await?
            }
            None => {
                self.db()
                    .fetch_all(
                        "SELECT entry FROM org_deletions ORDER BY requested_at DESC, id DESC",
                        vec![],
                    )
                    .await?
            }
        };
        rows.iter()
            .map(|r| {
                serde_json::from_str(&r.text(0)?)
                    .map_err(|_| StoreError::corrupt("org_deletions.entry is malformed"))
            })
            .collect()
    }

    pub(crate) async fn read_data_requests(
        &self,
        org: Option<OrgId>,
    ) -> StoreResult<Vec<skydir_core::privacy::DataRequest>> {
        let rows = match org {
            Some(o) => {
                self.db()
                    .fetch_all(
                        "SELECT id, org_id, entry_ct FROM data_requests WHERE org_id = $1 \
                         ORDER BY received_at DESC, id DESC",
                        args![o.to_string()],
                    )
                    .await?
            }
            None => {
                self.db()
                    .fetch_all(
                        "SELECT id, org_id, entry_ct FROM data_requests \
                         ORDER BY received_at DESC, id DESC",
                        vec![],
                    )
                    .await?
            }
        };
        self.open_data_requests(rows).await
    }

    pub(crate) async fn read_data_request_by_token(
        &self,
        token_hash: &str,
    ) -> StoreResult<Option<skydir_core::privacy::DataRequest>> {
        let rows = self
            .db()
            .fetch_all(
                "SELECT id, org_id, entry_ct FROM data_requests WHERE token_hash = $1",
                args![token_hash],
            )
            .await?;
        Ok(self.open_data_requests(rows).await?.pop())
    }

    async fn open_data_requests(
        &self,
        rows: Vec<crate::db::Row>,
    ) -> StoreResult<Vec<skydir_core::privacy::DataRequest>> {
        let mut out = Vec::with_capacity(rows.len());
        for r in rows {
            let rid = r.text(0)?;
            let org = id(&r.text(1)?, OrgId::parse, "data_requests.org_id")?;
            let Ok(key) = self.keyring().get(KeyId::Org(org)).await else {
                continue; // the org's key is gone: so is the org
            };
            let json = open(org, "data_requests", &rid, "entry", &r.text(2)?, &key)?;
            out.push(
                serde_json::from_str(&json)
                    .map_err(|_| StoreError::corrupt("data_requests.entry is malformed"))?,
            );
        }
        Ok(out)
    }
}
