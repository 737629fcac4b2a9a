//! Email changes waiting for confirmation: the pending address is sealed (never in clear, and
//! bound to its row), cleared the moment the change ends, a link is confirmed once, nothing
//! crosses orgs, and erasing the user takes their changes with them.

use crate::fixtures::*;
use skydir_core::CoreError;
use skydir_core::change::Write;
use skydir_core::directory::{Email, EmailChange, EmailChangeEnd, Org, User};
use skydir_core::ports::DirectoryStore;
use skydir_store::testing::TempStore;

on_both_backends!(
    a_pending_address_is_sealed_cleared_when_the_change_ends_and_confirmed_once,
    email_changes_stay_in_their_org_and_go_with_their_user,
);

fn change(o: &Org, u: &User, hash: &str, to: &str, minutes_ago: i64) -> EmailChange {
    let at = now()
        .checked_sub(jiff::SignedDuration::from_mins(minutes_ago))
        .unwrap();
    EmailChange {
        token_hash: hash.repeat(32),
        org: o.id,
        user: u.id,
        new_email: Some(Email::parse(to).unwrap()),
        by_admin: false,
        created_at: at,
        expires_at: at
            .checked_add(jiff::SignedDuration::from_hours(24))
            .unwrap(),
        ended: None,
    }
}

async fn a_pending_address_is_sealed_cleared_when_the_change_ends_and_confirmed_once(
    t: &TempStore,
) {
    let o = new_org(t, "acme").await;
    let homer = new_user(t, &o, "homer").await;
    let first = change(&o, &homer, "a1", "homer@moes-tavern.test", 10);
    commit(t, Some(o.id), vec![Write::PutEmailChange(first.clone())]).await;
    let s = &t.store;
    assert_eq!(
        s.email_change(&first.token_hash).await.unwrap(),
        Some(first.clone())
    );
    assert_eq!(
        s.pending_email_change(o.id, homer.id).await.unwrap(),
        Some(first.clone())
    );
    let raw = Raw::open(t).await;
    let sealed = raw
        .texts("SELECT new_email_ct FROM email_changes WHERE new_email_ct IS NOT NULL")
        .await;
    assert_eq!(sealed.len(), 1);
    assert!(!sealed[0].contains("moes-tavern"), "sealed, never in clear");
    // A newer change replaces it: the older one's address is cleared at once.
    let second = change(&o, &homer, "b2", "homer@power-plant.test", 5);
    commit(
        t,
        Some(o.id),
        vec![
            Write::EndEmailChanges {
                user: homer.id,
                at: now(),
                how: EmailChangeEnd::Replaced,
            },
            Write::PutEmailChange(second.clone()),
        ],
    )
    .await;
    let old = s.email_change(&first.token_hash).await.unwrap().unwrap();
    assert_eq!(old.ended, Some((now(), EmailChangeEnd::Replaced)));
    assert_eq!(old.new_email, None);
    assert_eq!(
        s.pending_email_change(o.id, homer.id).await.unwrap(),
        Some(second.clone())
    );
    let sealed = raw
        .texts("SELECT new_email_ct FROM email_changes WHERE new_email_ct IS NOT NULL")
        .await;
    assert_eq!(sealed.len(), 1, "only the open change holds an address");
    // Counted per user since a time (the day's allowance), ended ones too.
    let hour = jiff::SignedDuration::from_hours(1);
    assert_eq!(
        s.email_changes_since(o.id, homer.id, now().checked_sub(hour).unwrap())
            .await
            .unwrap(),
        2
    );
    assert_eq!(
        s.email_changes_since(
            o.id,
            homer.id,
            now()
                .checked_sub(jiff::SignedDuration::from_mins(7))
                .unwrap()
        )
        .await
        .unwrap(),
        1
    );
    // Confirmed once; the replaced one cannot be.
    let confirm = |h: &str| Write::ConfirmEmailChange {
        token_hash: h.to_string(),
        at: now(),
    };
    let r = try_commit(t, Some(o.id), vec![confirm(&first.token_hash)]).await;
    assert_eq!(conflict_of(r).0, "link");
    commit(t, Some(o.id), vec![confirm(&second.token_hash)]).await;
    let done = s.email_change(&second.token_hash).await.unwrap().unwrap();
    assert_eq!(done.ended, Some((now(), EmailChangeEnd::Confirmed)));
    assert_eq!(done.new_email, None);
    assert_eq!(s.pending_email_change(o.id, homer.id).await.unwrap(), None);
    let r = try_commit(t, Some(o.id), vec![confirm(&second.token_hash)]).await;
    assert_eq!(conflict_of(r).0, "link");
    // A ciphertext moved to another row does not open.
    let bart = new_user(t, &o, "bart").await;
    let hers = change(&o, &homer, "c3", "homer@a.test", 1);
    let his = change(&o, &bart, "d4", "bart@b.test", 1);
    commit(
        t,
        Some(o.id),
        vec![
            Write::PutEmailChange(hers.clone()),
            Write::PutEmailChange(his.clone()),
        ],
    )
    .await;
    raw.exec(&format!(
        "UPDATE email_changes SET new_email_ct = (SELECT new_email_ct FROM email_changes \
         WHERE token_hash = '{}') WHERE token_hash = '{}'",
        hers.token_hash, his.token_hash
    ))
    .await;
    raw.close().await;
    match s.email_change(&his.token_hash).await {
        Err(CoreError::Internal(msg)) => assert!(msg.contains("does not decrypt"), "{msg}"),
        other => panic!("expected a decryption failure, got {other:?}"),
    }
}

async fn email_changes_stay_in_their_org_and_go_with_their_user(t: &TempStore) {
    let o = new_org(t, "acme").await;
    let other = new_org(t, "globex").await;
    let homer = new_user(t, &o, "homer").await;
    let c = change(&o, &homer, "e5", "homer@x.test", 1);
    // A change scoped to another org can neither store nor confirm nor end it.
    assert!(
        try_commit(t, Some(other.id), vec![Write::PutEmailChange(c.clone())])
            .await
            .is_err()
    );
    commit(t, Some(o.id), vec![Write::PutEmailChange(c.clone())]).await;
    let r = try_commit(
        t,
        Some(other.id),
        vec![Write::ConfirmEmailChange {
            token_hash: c.token_hash.clone(),
            at: now(),
        }],
    )
    .await;
    assert_eq!(conflict_of(r).0, "link");
    commit(
        t,
        Some(other.id),
        vec![Write::EndEmailChanges {
            user: homer.id,
            at: now(),
            how: EmailChangeEnd::Cancelled,
        }],
    )
    .await;
    assert_eq!(
        t.store.pending_email_change(o.id, homer.id).await.unwrap(),
        Some(c.clone())
    );
    assert_eq!(
        t.store
            .pending_email_change(other.id, homer.id)
            .await
            .unwrap(),
        None
    );
    commit(t, Some(o.id), vec![Write::EraseUser(homer.id)]).await;
    assert_eq!(t.store.email_change(&c.token_hash).await.unwrap(), None);
}
