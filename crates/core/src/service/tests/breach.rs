//! The breach register over the in-memory store with a controlled clock: who is affected,
//! notices drafted at once and queued once, deliveries read back from the audit log, the
//! 72-hour verdict, and the watch that reminds, escalates and marks overdue.

use super::*;
use crate::ports::DeskStore;
use crate::privacy::inventory::DataCategory;
use crate::privacy::{Alert, BreachFacts};
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

/// Every queued mail as (recipients, subject, text), each then marked delivered.
async fn delivered(dir: &Directory<MemoryStore>) -> Vec<(Vec<String>, String, String)> {
    let mut out = Vec::new();
    for q in dir.claim_outbound_mail(&Actor::System, 100).await.unwrap() {
        out.push((
            q.mail.to.clone(),
            q.mail.subject.clone(),
            q.mail.text.clone(),
        ));
        dir.mail_delivered(&Actor::System, &q).await.unwrap();
    }
    out
}

#[tokio::test]
async fn a_recorded_breach_has_its_notices_drafted_and_sending_sends_exactly_the_drafts() {
    let start: Timestamp = "2026-06-01T12:00:00Z".parse().unwrap();
    let (dir, store, _clock) = clocked("2026-06-01T12:00:00Z", 13);
    let acme = org(
        &dir,
        "acme",
        Plan::new(PlanKind::Monthly, Some(9), None).unwrap(),
    )
    .await;
    for n in ["alice", "bob"] {
        dir.create_user(&provision(), &acme.slug, new_user(n, None))
            .await
            .unwrap();
    }
    dir.grant_admin(&provision(), &acme.slug, &Username::parse("alice").unwrap())
        .await
        .unwrap();
    let b = dir
        .record_breach(
            &op(),
            facts(start, vec![DataCategory::Contact]),
            std::slice::from_ref(&acme.slug),
        )
        .await
        .unwrap();
    // Drafted at once, from the facts: one notice for the people, one for the admins.
    assert_eq!(b.drafts.len(), 2, "{:?}", b.drafts);
    let to_people = &b.drafts[0];
    assert_eq!(
        (
            to_people.recipient,
            to_people.recipients,
            to_people.org.as_str()
        ),
        (crate::privacy::breach::Recipient::DataSubject, 2, "acme")
    );
    assert!(
        to_people
            .text
            .contains("A misconfigured backup bucket was readable")
    );
    assert!(to_people.text.contains("Bucket closed; keys rotated"));
    let to_admins = &b.drafts[1];
    assert_eq!(
        (to_admins.recipient, to_admins.recipients),
        (crate::privacy::breach::Recipient::OrgAdmin, 1)
    );
    let recorded = store
        .events(ChainKey::Deployment)
        .into_iter()
        .find(|e| e.action == "breach.recorded")
        .unwrap();
    assert_eq!(recorded.detail["notices_drafted"], 3);
    assert_eq!(
        store.pending_mail_count().await.unwrap(),
        0,
        "drafted, not sent"
    );

    // One action sends exactly what was drafted.
    let sent = dir.notify_breach(&op(), b.breach.id).await.unwrap();
    assert!(sent.drafts.is_empty(), "nothing left to send");
    let mails = delivered(&dir).await;
    assert_eq!(mails.len(), 3);
    for (to, subject, text) in &mails {
        let draft = b
            .drafts
            .iter()
            .find(|d| &d.subject == subject)
            .unwrap_or_else(|| panic!("{subject} was not drafted"));
        assert_eq!(text, &draft.text, "sent as drafted to {to:?}");
    }
    let alice: Vec<_> = mails
        .iter()
        .filter(|(to, _, _)| to == &["alice@example.com".to_string()])
        .collect();
    assert_eq!(alice.len(), 2, "the admin is a person concerned, too");
}

#[tokio::test]
async fn the_breach_watch_reminds_escalates_and_marks_overdue_once_each_and_stops_once_notified() {
    let start: Timestamp = "2026-06-01T12:00:00Z".parse().unwrap();
    let (dir, store, clock) = clocked("2026-06-01T12:00:00Z", 17);
    let acme = org(
        &dir,
        "acme",
        Plan::new(PlanKind::Monthly, Some(9), None).unwrap(),
    )
    .await;
    dir.create_user(&provision(), &acme.slug, new_user("alice", None))
        .await
        .unwrap();
    let scope = std::slice::from_ref(&acme.slug);
    let b = dir
        .record_breach(&op(), facts(start, vec![DataCategory::Contact]), scope)
        .await
        .unwrap();
    let early = dir
        .record_breach(&op(), facts(start, vec![DataCategory::Contact]), scope)
        .await
        .unwrap();
    let at = |minutes: i64| {
        *clock.0.lock().unwrap() = start + SignedDuration::from_mins(minutes);
    };
    let watch = || async { dir.breach_watch(&Actor::System).await.unwrap() };
    let none = crate::service::BreachWatchRound::default();
    let privacy = "privacy@skydir.localhost".to_string();
    let escalations = "escalations@skydir.localhost".to_string();

    at(24 * 60 - 1);
    assert_eq!(watch().await, none, "nothing before 24 hours");
    at(24 * 60);
    assert_eq!(watch().await.reminders, 2, "one reminder per breach");
    assert_eq!(watch().await, none, "each step once");
    let mails = delivered(&dir).await;
    assert_eq!(mails.len(), 2);
    for (to, subject, text) in &mails {
        assert_eq!(to, std::slice::from_ref(&privacy), "the privacy contact");
        assert!(subject.contains("24 h since awareness"), "{subject}");
        assert!(subject.contains("48 h 0 min left"), "{subject}");
        assert!(
            text.contains("Notices drafted and ready to send: 1"),
            "{text}"
        );
        assert!(text.contains("/operator/breaches/"), "{text}");
    }

    // Notified: no more reminders for that one.
    at(30 * 60);
    dir.notify_breach(&op(), early.breach.id).await.unwrap();
    delivered(&dir).await;

    at(48 * 60);
    let r = watch().await;
    assert_eq!((r.reminders, r.escalations, r.overdue), (1, 0, 0));
    let mails = delivered(&dir).await;
    assert_eq!(mails.len(), 1);
    assert!(
        mails[0].1.contains("48 h since awareness"),
        "{}",
        mails[0].1
    );

    at(66 * 60);
    let r = watch().await;
    assert_eq!((r.reminders, r.escalations, r.overdue), (0, 1, 0));
    let mails = delivered(&dir).await;
    assert_eq!(mails[0].0, [privacy.clone(), escalations.clone()]);
    assert!(mails[0].1.starts_with("ESCALATION"), "{}", mails[0].1);

    at(72 * 60);
    let r = watch().await;
    assert_eq!((r.reminders, r.escalations, r.overdue), (0, 0, 1));
    let mails = delivered(&dir).await;
    assert_eq!(mails[0].0, [privacy.clone(), escalations.clone()]);
    assert!(mails[0].1.starts_with("OVERDUE"), "{}", mails[0].1);
    let v = dir.breach(&op(), b.breach.id).await.unwrap();
    assert_eq!(v.clock.status, "overdue");
    let steps: Vec<(Alert, bool)> = v
        .breach
        .alerts
        .iter()
        .map(|a| (a.alert, a.mail.is_some()))
        .collect();
    assert_eq!(
        steps,
        [
            (Alert::Reminder24h, true),
            (Alert::Reminder48h, true),
            (Alert::Escalation66h, true),
            (Alert::Overdue72h, true)
        ]
    );
    at(100 * 60);
    assert_eq!(watch().await, none, "nothing after the overdue mark");
    let actions: Vec<String> = store
        .events(ChainKey::Deployment)
        .into_iter()
        .map(|e| e.action)
        .filter(|a| a.starts_with("breach.") && a != "breach.recorded" && a != "breach.notify")
        .collect();
    assert_eq!(
        actions,
        [
            "breach.reminder",
            "breach.reminder",
            "breach.reminder",
            "breach.escalation",
            "breach.overdue"
        ],
        "every step audited once"
    );

    // A breach recorded late catches up in one mail, the passed steps recorded unsent.
    let late = dir
        .record_breach(
            &op(),
            facts(
                start + SignedDuration::from_hours(33),
                vec![DataCategory::Contact],
            ),
            scope,
        )
        .await
        .unwrap();
    assert_eq!(late.breach.alerts.len(), 0);
    let r = watch().await;
    assert_eq!((r.reminders, r.escalations), (0, 1), "aware 67 hours ago");
    assert_eq!(delivered(&dir).await.len(), 1);
    let v = dir.breach(&op(), late.breach.id).await.unwrap();
    let mailed: Vec<bool> = v.breach.alerts.iter().map(|a| a.mail.is_some()).collect();
    assert_eq!(mailed, [false, false, true]);
    assert!(
        dir.breach_watch(&op()).await.is_err(),
        "only skydir runs it"
    );
}
