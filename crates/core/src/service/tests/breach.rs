//! The breach register over the in-memory store with a controlled clock: who is affected,
//! notices queued once, deliveries read back from the audit log, and the 72-hour verdict.

use super::*;
use crate::ports::DeskStore;
use crate::privacy::BreachFacts;
use crate::privacy::inventory::DataCategory;
use jiff::SignedDuration;

fn facts(aware_at: Timestamp, categories: Vec<DataCategory>) -> BreachFacts {
    BreachFacts {
        nature: "A misconfigured backup bucket was readable".into(),
        categories,
        approx_subjects: 3,
        approx_records: 9,
        consequences: "Phishing using names and addresses".into(),
        measures: "Bucket closed; keys rotated".into(),
        contact: "dpo@provider.test".into(),
        aware_at,
        occurred_at: None,
    }
}

#[tokio::test]
async fn notices_go_out_once_and_the_register_says_whether_within_72_hours() {
    let start: Timestamp = "2026-06-01T12:00:00Z".parse().unwrap();
    let (dir, store, clock) = clocked("2026-06-01T12:00:00Z", 3);
    let acme = org(
        &dir,
        "acme",
        Plan::new(PlanKind::Monthly, Some(9), None).unwrap(),
    )
    .await;
    let other = org(
        &dir,
        "other",
        Plan::new(PlanKind::Monthly, Some(9), None).unwrap(),
    )
    .await;
    for n in ["alice", "bob", "carol"] {
        dir.create_user(&provision(), &acme.slug, new_user(n, None))
            .await
            .unwrap();
    }
    dir.create_user(&provision(), &other.slug, new_user("zed", None))
        .await
        .unwrap();
    dir.grant_admin(&provision(), &acme.slug, &Username::parse("alice").unwrap())
        .await
        .unwrap();

    // Aware an hour ago, scoped to acme, contact data: everyone in acme, alice also as admin.
    let b = dir
        .record_breach(
            &op(),
            facts(
                start - SignedDuration::from_hours(1),
                vec![DataCategory::Contact],
            ),
            std::slice::from_ref(&acme.slug),
        )
        .await
        .unwrap();
    assert_eq!(b.clock.status, "open");
    assert_eq!(b.clock.summary, "71 h 0 min left");
    assert_eq!((b.affected_subjects, b.affected_admins), (3, 1));
    let agent = Actor::SupportAgent {
        staff: crate::ids::StaffId::from_random([9; 16]),
    };
    assert!(
        dir.notify_breach(&agent, b.breach.id).await.is_err(),
        "operators only"
    );

    *clock.0.lock().unwrap() = start + SignedDuration::from_hours(5);
    let v = dir.notify_breach(&op(), b.breach.id).await.unwrap();
    assert_eq!(v.breach.notices.len(), 4);
    assert_eq!(v.clock.status, "notified within 72 h");
    assert_eq!(v.pending, 4);
    assert_eq!(store.pending_mail_count().await.unwrap(), 4);
    assert!(dir.notify_breach(&op(), b.breach.id).await.is_err(), "once");
    // The dispatcher delivers them; the register reads the deliveries back.
    for q in dir.claim_outbound_mail(&Actor::System, 10).await.unwrap() {
        assert!(q.mail.text.contains("Bucket closed"));
        dir.mail_delivered(&Actor::System, &q).await.unwrap();
    }
    let v = dir.breach(&op(), b.breach.id).await.unwrap();
    assert_eq!((v.delivered, v.pending, v.failed), (4, 0, 0));
    assert!(v.deliveries.iter().all(|d| d.delivered_at.is_some()));

    // A breach left past its deadline is overdue, then notified late; the draft asks why.
    let late = dir
        .record_breach(
            &op(),
            facts(start, vec![DataCategory::SupportCommunication]),
            &[],
        )
        .await
        .unwrap();
    assert_eq!(
        late.affected_subjects, 0,
        "support data only: nobody is in a ticket"
    );
    *clock.0.lock().unwrap() = start + SignedDuration::from_hours(75);
    let v = dir.breach(&op(), late.breach.id).await.unwrap();
    assert_eq!(v.clock.status, "overdue");
    let v = dir.notify_breach(&op(), late.breach.id).await.unwrap();
    assert_eq!(v.clock.status, "notified late");
    assert_eq!(
        v.clock.summary,
        "notified 3 h 0 min after the 72-hour deadline"
    );
    let draft = dir
        .breach_authority_draft(&op(), late.breach.id)
        .await
        .unwrap();
    assert!(
        draft.contains("Reasons for the delay") && draft.contains("acme, other"),
        "{draft}"
    );
    let all = dir.breaches(&op()).await.unwrap();
    assert_eq!(all.len(), 2);
}

#[tokio::test]
async fn admins_are_reminded_once_a_week_before_a_request_is_due() {
    use crate::privacy::RequestKind;
    let start: Timestamp = "2026-06-01T12:00:00Z".parse().unwrap();
    let (dir, store, clock) = clocked("2026-06-01T12:00:00Z", 5);
    let acme = org(
        &dir,
        "acme",
        Plan::new(PlanKind::Monthly, Some(9), None).unwrap(),
    )
    .await;
    dir.create_user(&provision(), &acme.slug, new_user("ada", None))
        .await
        .unwrap();
    dir.create_user(&provision(), &acme.slug, new_user("dora", None))
        .await
        .unwrap();
    dir.grant_admin(&provision(), &acme.slug, &Username::parse("dora").unwrap())
        .await
        .unwrap();
    let ada = store
        .users_with_email(&Email::parse("ada@example.com").unwrap())
        .unwrap()[0];
    let me = Actor::User {
        org: ada.0,
        user: ada.1,
    };
    let r = dir
        .submit_data_request(&me, RequestKind::Access, "")
        .await
        .unwrap();
    assert_eq!(
        r.due_at,
        "2026-07-01T12:00:00Z".parse::<Timestamp>().unwrap()
    );
    let queued = store.pending_mail_count().await.unwrap();
    assert_eq!(
        dir.remind_data_requests(&Actor::System).await.unwrap(),
        0,
        "not yet"
    );
    *clock.0.lock().unwrap() = start + SignedDuration::from_hours(24 * 24);
    assert_eq!(dir.remind_data_requests(&Actor::System).await.unwrap(), 1);
    assert_eq!(
        dir.remind_data_requests(&Actor::System).await.unwrap(),
        0,
        "once"
    );
    assert_eq!(
        store.pending_mail_count().await.unwrap(),
        queued + 1,
        "one reminder to the one admin"
    );
    assert!(dir.remind_data_requests(&me).await.is_err());
}
