//! Writes of the data-protection records. Registry entries, feed items and DPA versions are
//! the provider's; subscriptions, objections and signatures belong to the change's org and
//! carry the org's sealed text.

use super::prepare::SealedDesk;
use crate::db::{Tx, args};
use crate::error::{StoreError, StoreResult};
use crate::rows::micros;
use skydir_core::CoreError;
use skydir_core::ids::{OrgId, SubscriptionId};
use skydir_core::privacy::{
    Connector, DpaSignature, DpaVersion, ErasureRequest, Objection, RegistryEvent, SubProcessor,
    Subscription,
};

fn json<T: serde::Serialize>(v: &T) -> StoreResult<String> {
    serde_json::to_string(v).map_err(|_| StoreError::corrupt("a privacy record does not serialize"))
}

fn sealed(s: &SealedDesk) -> StoreResult<&str> {
    match s {
        SealedDesk::Sealed(ct) => Ok(ct),
        _ => Err(StoreError::Refused(CoreError::Internal(
            "a privacy record was not sealed".into(),
        ))),
    }
}

fn same_org(record: OrgId, org: OrgId) -> StoreResult<()> {
    if record == org {
        Ok(())
    } else {
        Err(StoreError::Refused(CoreError::Internal(
            "a record of another organization".into(),
        )))
    }
}

pub(super) async fn put_subprocessor(tx: &mut Tx, s: &SubProcessor) -> StoreResult<()> {
    tx.execute(
        "INSERT INTO subprocessors (id, slug, entry, removed_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (id) DO UPDATE SET slug = excluded.slug, entry = excluded.entry, \
         removed_at = excluded.removed_at",
        args![
            s.id.to_string(),
            s.slug.as_str(),
            json(s)?,
            s.removed_at.map(micros)
        ],
    )
    .await?;
    Ok(())
}

pub(super) async fn add_event(tx: &mut Tx, e: &RegistryEvent) -> StoreResult<()> {
    tx.execute(
        "INSERT INTO registry_events (id, at, event) VALUES ($1, $2, $3)",
        args![e.id.to_string(), micros(e.at), json(e)?],
    )
    .await?;
    Ok(())
}

pub(super) async fn add_policy_event(
    tx: &mut Tx,
    e: &skydir_core::privacy::PolicyEvent,
) -> StoreResult<()> {
    tx.execute(
        "INSERT INTO policy_events (id, at, event) VALUES ($1, $2, $3)",
        args![e.id.to_string(), micros(e.at), json(e)?],
    )
    .await?;
    Ok(())
}

/// Inserts a statement version; a version already published is a unique violation.
pub(super) async fn publish_statement(
    tx: &mut Tx,
    v: &skydir_core::privacy::StatementVersion,
) -> StoreResult<()> {
    tx.execute(
        "INSERT INTO privacy_statements (version, digest, text, published_at) \
         VALUES ($1, $2, $3, $4)",
        args![
            i64::from(v.version),
            v.digest.as_str(),
            v.text.as_str(),
            micros(v.published_at)
        ],
    )
    .await?;
    Ok(())
}

/// Records a once-per-deployment step; one already recorded is a unique violation.
pub(super) async fn mark_deployment(
    tx: &mut Tx,
    name: &str,
    at: jiff::Timestamp,
) -> StoreResult<()> {
    tx.execute(
        "INSERT INTO deployment_markers (name, at) VALUES ($1, $2)",
        args![name, micros(at)],
    )
    .await?;
    Ok(())
}

pub(super) async fn set_org_retention(
    tx: &mut Tx,
    org: OrgId,
    r: &skydir_core::privacy::OrgRetention,
) -> StoreResult<()> {
    same_org(r.org, org)?;
    tx.execute(
        "INSERT INTO org_retention (org_id, attachment_days, set_by, set_at) \
         VALUES ($1, $2, $3, $4) ON CONFLICT (org_id) DO UPDATE SET \
         attachment_days = excluded.attachment_days, set_by = excluded.set_by, \
         set_at = excluded.set_at",
        args![
            org.to_string(),
            r.attachment_days.map(i64::from),
            r.set_by.to_string(),
            micros(r.set_at)
        ],
    )
    .await?;
    Ok(())
}

pub(super) async fn subscribe(
    tx: &mut Tx,
    org: OrgId,
    s: &Subscription,
    ct: &SealedDesk,
) -> StoreResult<()> {
    same_org(s.org, org)?;
    tx.execute(
        "INSERT INTO privacy_subscriptions (id, org_id, email_ct, created_at) VALUES ($1, $2, $3, $4)",
        args![s.id.to_string(), org.to_string(), sealed(ct)?, micros(s.created_at)],
    )
    .await?;
    Ok(())
}

pub(super) async fn unsubscribe(tx: &mut Tx, org: OrgId, id: SubscriptionId) -> StoreResult<()> {
    let n = tx
        .execute(
            "DELETE FROM privacy_subscriptions WHERE org_id = $1 AND id = $2",
            args![org.to_string(), id.to_string()],
        )
        .await?;
    super::found(n, "subscription", id)
}

pub(super) async fn object(
    tx: &mut Tx,
    org: OrgId,
    o: &Objection,
    ct: &SealedDesk,
) -> StoreResult<()> {
    same_org(o.org, org)?;
    tx.execute(
        "INSERT INTO privacy_objections (id, org_id, subprocessor, reason_ct, by_user, at) \
         VALUES ($1, $2, $3, $4, $5, $6)",
        args![
            o.id.to_string(),
            org.to_string(),
            o.subprocessor.as_str(),
            sealed(ct)?,
            o.by.to_string(),
            micros(o.at)
        ],
    )
    .await?;
    Ok(())
}

pub(super) async fn publish_dpa(tx: &mut Tx, v: &DpaVersion) -> StoreResult<()> {
    tx.execute(
        "INSERT INTO dpa_versions (version, text, published_at) VALUES ($1, $2, $3)",
        args![v.version.as_str(), v.text.as_str(), micros(v.published_at)],
    )
    .await?;
    Ok(())
}

pub(super) async fn sign_dpa(
    tx: &mut Tx,
    org: OrgId,
    s: &DpaSignature,
    ct: &SealedDesk,
) -> StoreResult<()> {
    same_org(s.org, org)?;
    tx.execute(
        "INSERT INTO dpa_signatures (id, org_id, version, signer, signer_ct, signed_at) \
         VALUES ($1, $2, $3, $4, $5, $6)",
        args![
            s.id.to_string(),
            org.to_string(),
            s.version.as_str(),
            s.signer.to_string(),
            sealed(ct)?,
            micros(s.signed_at)
        ],
    )
    .await?;
    Ok(())
}

pub(super) async fn put_connector(tx: &mut Tx, c: &Connector, ct: &SealedDesk) -> StoreResult<()> {
    tx.execute(
        "INSERT INTO privacy_connectors (id, slug, entry_ct) VALUES ($1, $2, $3) \
         ON CONFLICT (id) DO UPDATE SET slug = excluded.slug, entry_ct = excluded.entry_ct",
        args![c.id.to_string(), c.slug.as_str(), sealed(ct)?],
    )
    .await?;
    Ok(())
}

/// Inserts a new request (version 1) or replaces the stored one at `version - 1`.
pub(super) async fn put_erasure(
    tx: &mut Tx,
    r: &ErasureRequest,
    ct: &SealedDesk,
) -> StoreResult<()> {
    let version = i64::try_from(r.version).map_err(|_| StoreError::corrupt("erasure version"))?;
    let due = r.next_due().map(micros);
    let n = if r.version == 1 {
        tx.execute(
            "INSERT INTO erasure_requests (id, org_id, requested_at, next_due, version, entry_ct) \
             VALUES ($1, $2, $3, $4, 1, $5)",
            args![
                r.id.to_string(),
                r.org.to_string(),
                micros(r.requested_at),
                due,
                sealed(ct)?
            ],
        )
        .await?
    } else {
        tx.execute(
            "UPDATE erasure_requests SET next_due = $2, version = $3, entry_ct = $4 \
             WHERE id = $1 AND version = $5",
            args![r.id.to_string(), due, version, sealed(ct)?, version - 1],
        )
        .await?
    };
    if n == 0 {
        return Err(StoreError::Refused(CoreError::conflict(
            "erasure",
            "the request changed meanwhile",
        )));
    }
    Ok(())
}

/// Inserts a new breach (version 1) or replaces the stored one at `version - 1`.
pub(super) async fn put_breach(tx: &mut Tx, b: &skydir_core::privacy::Breach) -> StoreResult<()> {
    let version = i64::try_from(b.version).map_err(|_| StoreError::corrupt("breach version"))?;
    let n = if b.version == 1 {
        tx.execute(
            "INSERT INTO breaches (id, aware_at, version, entry) VALUES ($1, $2, 1, $3)",
            args![b.id.to_string(), micros(b.facts.aware_at), json(b)?],
        )
        .await?
    } else {
        tx.execute(
            "UPDATE breaches SET version = $2, entry = $3 WHERE id = $1 AND version = $4",
            args![b.id.to_string(), version, json(b)?, version - 1],
        )
        .await?
    };
    if n == 0 {
        return Err(StoreError::Refused(CoreError::conflict(
            "breach",
            "the breach record changed meanwhile",
        )));
    }
    Ok(())
}

/// Inserts a deletion request (version 1) or replaces the stored one at `version - 1`.
pub(super) async fn put_org_deletion(
    tx: &mut Tx,
    d: &skydir_core::privacy::OrgDeletion,
) -> StoreResult<()> {
    let version = i64::try_from(d.version).map_err(|_| StoreError::corrupt("deletion version"))?;
    let n = if d.version == 1 {
        tx.execute(
            "INSERT INTO org_deletions (id, org_id, requested_at, version, entry) \
             VALUES ($1, $2, $3, 1, $4)",
            args![
                d.id.to_string(),
                d.org.to_string(),
                micros(d.requested_at),
                json(d)?
            ],
        )
        .await?
    } else {
        tx.execute(
            "UPDATE org_deletions SET version = $2, entry = $3 WHERE id = $1 AND version = $4",
            args![d.id.to_string(), version, json(d)?, version - 1],
        )
        .await?
    };
    if n == 0 {
        return Err(StoreError::Refused(CoreError::conflict(
            "deletion",
            "the deletion request changed meanwhile",
        )));
    }
    Ok(())
}

/// Every table holding an organization's rows, children before parents.
const ORG_TABLES: &[&str] = &[
    "verification_challenges",
    "verifications",
    "ticket_attachments",
    "ticket_messages",
    "mail_threads",
    "inbound_mail",
    "outbox",
    "tickets",
    "totp_enrollments",
    "email_changes",
    "credentials",
    "org_admins",
    "api_tokens",
    "group_members",
    "access_bindings",
    "groups",
    "systems",
    "resources",
    "service_accounts",
    "users",
    "org_support",
    "privacy_subscriptions",
    "privacy_objections",
    "dpa_signatures",
    "data_requests",
    "org_retention",
];

/// Deletes every row of the organization, its audit chain, and the organization.
pub(super) async fn purge_org(tx: &mut Tx, org: OrgId) -> StoreResult<()> {
    let o = org.to_string();
    for table in ORG_TABLES {
        tx.execute(
            sqlx::AssertSqlSafe(format!("DELETE FROM {table} WHERE org_id = $1")),
            args![o.as_str()],
        )
        .await?;
    }
    let chain = skydir_core::audit::ChainKey::Org(org).as_text();
    for sql in [
        "DELETE FROM audit_events WHERE chain = $1",
        "DELETE FROM audit_heads WHERE chain = $1",
    ] {
        tx.execute(sql, args![chain.as_str()]).await?;
    }
    let n = tx
        .execute("DELETE FROM orgs WHERE id = $1", args![o.as_str()])
        .await?;
    super::found(n, "org", org)
}

/// Inserts a data subject's request (version 1) or replaces the stored one at `version - 1`.
pub(super) async fn put_data_request(
    tx: &mut Tx,
    org: OrgId,
    r: &skydir_core::privacy::DataRequest,
    ct: &SealedDesk,
) -> StoreResult<()> {
    same_org(r.org, org)?;
    let version = i64::try_from(r.version).map_err(|_| StoreError::corrupt("request version"))?;
    let n = if r.version == 1 {
        tx.execute(
            "INSERT INTO data_requests \
             (id, org_id, received_at, due_at, version, token_hash, entry_ct) \
             VALUES ($1, $2, $3, $4, 1, $5, $6)",
            args![
                r.id.to_string(),
                org.to_string(),
                micros(r.received_at),
                micros(r.due_at),
                r.token_hash.clone(),
                sealed(ct)?
            ],
        )
        .await?
    } else {
        tx.execute(
            "UPDATE data_requests SET due_at = $2, version = $3, entry_ct = $4 \
             WHERE id = $1 AND org_id = $5 AND version = $6",
            args![
                r.id.to_string(),
                micros(r.due_at),
                version,
                sealed(ct)?,
                org.to_string(),
                version - 1
            ],
        )
        .await?
    };
    if n == 0 {
        return Err(StoreError::Refused(CoreError::conflict(
            "request",
            "the request changed meanwhile",
        )));
    }
    Ok(())
}
