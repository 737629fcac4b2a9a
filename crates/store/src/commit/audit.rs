//! Appending audit events inside the change's transaction. Each chain's head row is created on
//! first use and locked (PostgreSQL `FOR UPDATE`; SQLite writers are already serialized), the
//! events get the next sequence numbers and their hashes, and the head moves to the last one.
//! The application only ever inserts into `audit_events`.

use crate::db::{Tx, args};
use crate::error::{StoreError, StoreResult};
use crate::rows::micros;
use skydir_core::audit::{AuditDraft, AuditEvent, GENESIS, chain_hash};
use std::collections::BTreeMap;

/// Appends `drafts`, in order within each chain; chains are taken in a fixed order so two
/// transactions never lock heads in opposite orders.
pub(super) async fn append(tx: &mut Tx, drafts: &[AuditDraft]) -> StoreResult<()> {
    let mut by_chain: BTreeMap<String, Vec<&AuditDraft>> = BTreeMap::new();
    for d in drafts {
        by_chain.entry(d.chain.as_text()).or_default().push(d);
    }
    for (chain, drafts) in by_chain {
        append_chain(tx, &chain, &drafts).await?;
    }
    Ok(())
}

async fn append_chain(tx: &mut Tx, chain: &str, drafts: &[&AuditDraft]) -> StoreResult<()> {
    tx.execute(
        "INSERT INTO audit_heads (chain, seq, hash) VALUES ($1, 0, $2) \
         ON CONFLICT (chain) DO NOTHING",
        args![chain, GENESIS],
    )
    .await?;
    let head = tx
        .fetch_optional(
            tx.pick(
                "SELECT seq, hash FROM audit_heads WHERE chain = $1",
                "SELECT seq, hash FROM audit_heads WHERE chain = $1 FOR UPDATE",
            ),
            args![chain],
        )
        .await?
        .ok_or_else(|| StoreError::corrupt("audit head vanished inside its transaction"))?;
    let mut seq = u64::try_from(head.int(0)?)
        .map_err(|_| StoreError::corrupt("audit_heads.seq is negative"))?;
    let mut prev = head.text(1)?;
    for d in drafts {
        seq += 1;
        let mut e = AuditEvent {
            chain: chain.to_string(),
            seq,
            at: d.at,
            actor: d.actor.clone(),
            action: d.action.clone(),
            target: d.target.clone(),
            outcome: d.outcome,
            detail: d.detail.clone(),
            prev_hash: prev.clone(),
            hash: String::new(),
        };
        e.hash = chain_hash(&prev, &e);
        let seq_i = i64::try_from(seq).map_err(|_| StoreError::corrupt("audit seq overflow"))?;
        tx.execute(
            "INSERT INTO audit_events (chain, seq, at, actor, action, target, outcome, detail, \
             prev_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
            args![
                chain,
                seq_i,
                micros(e.at),
                e.actor.as_str(),
                e.action.as_str(),
                e.target.as_str(),
                e.outcome.as_str(),
                e.detail.to_string(),
                e.prev_hash.as_str(),
                e.hash.as_str(),
            ],
        )
        .await?;
        prev = e.hash;
    }
    let seq_i = i64::try_from(seq).map_err(|_| StoreError::corrupt("audit seq overflow"))?;
    tx.execute(
        "UPDATE audit_heads SET seq = $2, hash = $3 WHERE chain = $1",
        args![chain, seq_i, prev],
    )
    .await?;
    Ok(())
}
