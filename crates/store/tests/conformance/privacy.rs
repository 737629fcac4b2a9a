//! The privacy feed's records, deployment markers and organizations' retention choices: the
//! statement's versions and the markers are unique (two processes publishing or seeding at
//! once cannot both succeed), feed items come back newest first, and an organization's
//! retention choice is replaced by the next and goes with the organization.

use crate::fixtures::*;
use skydir_core::change::Write;
use skydir_core::ids::{RegistryEventId, UserId};
use skydir_core::ports::PrivacyStore;
use skydir_core::privacy::{OrgRetention, PolicyDocument, PolicyEvent, StatementVersion};
use skydir_store::testing::TempStore;

on_both_backends!(
    statement_versions_and_deployment_markers_are_published_once,
    policy_events_come_back_newest_first,
    an_orgs_retention_choice_is_replaced_and_purged_with_it,
);

fn version(n: u32, text: &str) -> StatementVersion {
    StatementVersion {
        version: n,
        digest: skydir_core::privacy::statement::digest(text),
        text: text.into(),
        published_at: now(),
    }
}

async fn statement_versions_and_deployment_markers_are_published_once(t: &TempStore) {
    assert_eq!(t.store.latest_statement().await.unwrap(), None);
    commit(
        t,
        None,
        vec![Write::PublishStatement(Box::new(version(1, "one")))],
    )
    .await;
    commit(
        t,
        None,
        vec![Write::PublishStatement(Box::new(version(2, "two")))],
    )
    .await;
    conflict_of(
        try_commit(
            t,
            None,
            vec![Write::PublishStatement(Box::new(version(2, "other")))],
        )
        .await,
    );
    let latest = t.store.latest_statement().await.unwrap().unwrap();
    assert_eq!((latest.version, latest.text.as_str()), (2, "two"));
    assert_eq!(
        latest.digest,
        skydir_core::privacy::statement::digest("two")
    );

    assert_eq!(t.store.deployment_marker("seeded").await.unwrap(), None);
    let mark = || Write::MarkDeployment {
        name: "seeded".into(),
        at: now(),
    };
    commit(t, None, vec![mark()]).await;
    conflict_of(try_commit(t, None, vec![mark()]).await);
    assert_eq!(
        t.store.deployment_marker("seeded").await.unwrap(),
        Some(now())
    );
}

async fn policy_events_come_back_newest_first(t: &TempStore) {
    for (i, v) in ["1", "2", "3"].iter().enumerate() {
        let at = now() + jiff::SignedDuration::from_hours(i as i64);
        commit(
            t,
            None,
            vec![Write::AddPolicyEvent(Box::new(PolicyEvent {
                id: RegistryEventId::from_random(*uuid::Uuid::new_v4().as_bytes()),
                at,
                document: PolicyDocument::Statement,
                version: (*v).into(),
                note: format!("note {v}"),
            }))],
        )
        .await;
    }
    let events = t.store.policy_events(2).await.unwrap();
    let versions: Vec<&str> = events.iter().map(|e| e.version.as_str()).collect();
    assert_eq!(versions, ["3", "2"]);
    assert_eq!(events[0].note, "note 3");
}

async fn an_orgs_retention_choice_is_replaced_and_purged_with_it(t: &TempStore) {
    let acme = new_org(t, "acme").await;
    let beta = new_org(t, "beta").await;
    let admin = UserId::from_random(*uuid::Uuid::new_v4().as_bytes());
    let choice = |org, days| OrgRetention {
        org,
        attachment_days: days,
        set_by: admin,
        set_at: now(),
    };
    commit(
        t,
        Some(acme.id),
        vec![Write::SetOrgRetention(Box::new(choice(acme.id, Some(30))))],
    )
    .await;
    commit(
        t,
        Some(acme.id),
        vec![Write::SetOrgRetention(Box::new(choice(acme.id, Some(90))))],
    )
    .await;
    commit(
        t,
        Some(beta.id),
        vec![Write::SetOrgRetention(Box::new(choice(beta.id, None)))],
    )
    .await;
    assert!(
        try_commit(
            t,
            Some(acme.id),
            vec![Write::SetOrgRetention(Box::new(choice(beta.id, Some(1))))]
        )
        .await
        .is_err(),
        "no change crosses orgs"
    );
    let mine = t.store.org_retention(Some(acme.id)).await.unwrap();
    assert_eq!(mine, [choice(acme.id, Some(90))]);
    assert_eq!(t.store.org_retention(None).await.unwrap().len(), 2);
    commit(t, None, vec![Write::PurgeOrg(acme.id)]).await;
    let left = t.store.org_retention(None).await.unwrap();
    assert_eq!(left, [choice(beta.id, None)]);
}
