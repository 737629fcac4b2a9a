//! The audit chain: events appended with their writes verify end to end, and a row changed
//! behind the store's back breaks verification.

use crate::fixtures::*;
use skydir_core::audit::{ChainBreak, ChainKey, GENESIS, Outcome, verify_chain};
use skydir_core::change::{Change, Write};
use skydir_core::ports::DirectoryStore;
use skydir_store::Store;
use skydir_store::testing::TempStore;

on_both_backends!(
    chains_verify_after_many_commits,
    tampering_with_a_stored_event_is_detected,
    cutting_off_the_tail_is_detected,
);

/// Verifies every chain the store knows; returns `(chain, events)` per chain.
async fn verify_all(s: &Store) -> Result<Vec<(ChainKey, u64)>, ChainBreak> {
    let mut out = Vec::new();
    for chain in s.audit_chains().await.unwrap() {
        let mut events = Vec::new();
        let mut after = 0;
        loop {
            let batch = s.audit_events(chain, after, 3).await.unwrap();
            let Some(last) = batch.last() else { break };
            after = last.seq;
            events.extend(batch);
        }
        let head = s.audit_head(chain).await.unwrap();
        let n = verify_chain(&chain.as_text(), events, head)?;
        out.push((chain, n));
    }
    Ok(out)
}

async fn chains_verify_after_many_commits(t: &TempStore) {
    let a = new_org(t, "a").await;
    let b = new_org(t, "b").await;
    for i in 0..4 {
        new_user(t, &a, &format!("a{i}")).await;
    }
    new_user(t, &b, "b0").await;
    // A change with events on two chains, one of them a refusal with detail.
    let mut denied = draft(Some(b.id), "user.read");
    denied.outcome = Outcome::Denied;
    denied.detail = serde_json::json!({"fields": ["email", "phones"], "count": 2, "ratio": 0.5});
    t.store
        .commit(
            Change::new(Some(b.id))
                .audit(draft(None, "org.create"))
                .audit(denied.clone())
                .audit(draft(Some(b.id), "user.update")),
        )
        .await
        .unwrap();

    let mut chains = verify_all(&t.store).await.unwrap();
    chains.sort();
    let mut want = vec![
        (ChainKey::Deployment, 1),
        (ChainKey::Org(a.id), 5),
        (ChainKey::Org(b.id), 4),
    ];
    want.sort();
    assert_eq!(chains, want);

    let events = t
        .store
        .audit_events(ChainKey::Org(b.id), 0, 100)
        .await
        .unwrap();
    assert_eq!(events[0].prev_hash, GENESIS);
    let e = &events[2];
    assert_eq!(
        (e.seq, e.outcome, &e.action),
        (3, Outcome::Denied, &denied.action)
    );
    assert_eq!(e.detail, denied.detail);
    assert_eq!(e.at, denied.at);
    assert_eq!(
        t.store.audit_head(ChainKey::Org(b.id)).await.unwrap(),
        Some((4, events[3].hash.clone()))
    );
    assert_eq!(
        t.store
            .audit_events(ChainKey::Org(b.id), 4, 10)
            .await
            .unwrap(),
        vec![]
    );
}

async fn tampering_with_a_stored_event_is_detected(t: &TempStore) {
    let a = new_org(t, "a").await;
    for i in 0..3 {
        new_user(t, &a, &format!("u{i}")).await;
    }
    verify_all(&t.store).await.unwrap();
    let raw = Raw::open(t).await;
    let n = raw
        .exec(&format!(
            "UPDATE audit_events SET target = 'user:someone-else' WHERE chain = '{}' AND seq = 2",
            a.id
        ))
        .await;
    assert_eq!(n, 1);
    raw.close().await;
    match verify_all(&t.store).await {
        Err(ChainBreak::Altered { seq: 2, .. }) => {}
        other => panic!("expected the altered event to be found, got {other:?}"),
    }
}

async fn cutting_off_the_tail_is_detected(t: &TempStore) {
    let a = new_org(t, "a").await;
    commit(t, Some(a.id), vec![Write::CreateGroup(group(&a, "g"))]).await;
    commit(t, Some(a.id), vec![Write::CreateGroup(group(&a, "h"))]).await;
    let raw = Raw::open(t).await;
    raw.exec(&format!(
        "DELETE FROM audit_events WHERE chain = '{}' AND seq = 3",
        a.id
    ))
    .await;
    raw.close().await;
    match verify_all(&t.store).await {
        Err(ChainBreak::Truncated {
            last: 2, head: 3, ..
        }) => {}
        other => panic!("expected truncation to be found, got {other:?}"),
    }
}
