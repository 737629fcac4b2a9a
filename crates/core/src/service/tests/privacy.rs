//! The sub-processor registry (its seeded examples too), subscriptions, objections, the DPA,
//! and the statement's versions in the feed, over the in-memory store.

use super::*;
use crate::ports::DeskStore;
use crate::privacy::SubProcessorInput;

fn aws() -> SubProcessorInput {
    SubProcessorInput {
        name: "Amazon Web Services".into(),
        purpose: "Hosting of the service".into(),
        data_categories: vec!["directory records".into(), "contact details".into()],
        location: "US".into(),
        dpa_date: "2024-05-01".parse().unwrap(),
    }
}

async fn admin_of(
    dir: &Directory<MemoryStore>,
    store: &MemoryStore,
    slug: &str,
    plan: Plan,
) -> (Org, Actor) {
    let o = org(dir, slug, plan).await;
    let mut u = new_user("dora", Some("a long passphrase"));
    u.email = Email::parse(&format!("dora@{slug}.test")).unwrap();
    dir.create_user(&provision(), &o.slug, u).await.unwrap();
    dir.grant_admin(&provision(), &o.slug, &Username::parse("dora").unwrap())
        .await
        .unwrap();
    let id = store
        .users_with_email(&Email::parse(&format!("dora@{slug}.test")).unwrap())
        .unwrap()[0];
    (
        o,
        Actor::OrgAdmin {
            org: id.0,
            user: id.1,
        },
    )
}

#[tokio::test]
async fn registry_changes_are_dated_feed_items_mailed_to_subscribers() {
    let (dir, store) = directory();
    let (o, admin) = admin_of(
        &dir,
        &store,
        "acme",
        Plan::new(PlanKind::Monthly, Some(5), None).unwrap(),
    )
    .await;
    let slug = Name::parse("aws").unwrap();
    dir.subscribe_registry(&admin, &o.slug, Email::parse("privacy@acme.test").unwrap())
        .await
        .unwrap();
    dir.add_subprocessor(&op(), &slug, aws()).await.unwrap();
    let moved = SubProcessorInput {
        location: "EU (Frankfurt)".into(),
        ..aws()
    };
    dir.update_subprocessor(&op(), &slug, moved).await.unwrap();
    dir.remove_subprocessor(&op(), &slug).await.unwrap();
    let feed = dir.privacy_feed().await.unwrap();
    let kinds: Vec<&str> = feed.iter().map(|e| e.category()).collect();
    assert_eq!(kinds, ["removed", "changed", "added"]);
    assert!(
        feed[1]
            .description()
            .contains("location: US → EU (Frankfurt)"),
        "{}",
        feed[1].description()
    );
    assert_eq!(
        store.pending_mail_count().await.unwrap(),
        3,
        "one mail per change to the subscriber"
    );
    let listed = dir.subprocessors().await.unwrap();
    assert!(
        listed[0].removed_at.is_some(),
        "a removed entry stays listed"
    );
    // Only the operator keeps the registry; admins object.
    assert!(
        dir.add_subprocessor(&admin, &Name::parse("x").unwrap(), aws())
            .await
            .is_err()
    );
    dir.add_subprocessor(
        &op(),
        &Name::parse("sendgrid").unwrap(),
        SubProcessorInput {
            name: "SendGrid".into(),
            ..aws()
        },
    )
    .await
    .unwrap();
    let obj = dir
        .object_to_subprocessor(
            &admin,
            &o.slug,
            &Name::parse("sendgrid").unwrap(),
            "We need EU-only mail delivery.",
        )
        .await
        .unwrap();
    assert_eq!(dir.objections(&op(), None).await.unwrap(), vec![obj]);
    assert!(dir.objections(&admin, None).await.is_err());
}

#[tokio::test]
async fn only_paying_orgs_execute_the_dpa_and_the_signed_copy_names_the_signer() {
    let (dir, store) = directory();
    let (paying, admin) = admin_of(
        &dir,
        &store,
        "acme",
        Plan::new(PlanKind::Annual, Some(5), None).unwrap(),
    )
    .await;
    let (free, free_admin) = admin_of(&dir, &store, "tiny", Plan::free()).await;
    assert!(dir.current_dpa().await.is_err(), "nothing published yet");
    dir.publish_dpa(&op(), "2026-01", "This Data Processing Agreement ...")
        .await
        .unwrap();
    assert!(
        dir.publish_dpa(&op(), "2026-01", "changed").await.is_err(),
        "versions never change"
    );
    assert_eq!(dir.current_dpa().await.unwrap().version, "2026-01");
    let e = dir
        .execute_dpa(&free_admin, &free.slug, "2026-01", "Tia Tiny", "CEO")
        .await
        .unwrap_err();
    assert!(e.to_string().contains("paying customers only"), "{e}");
    let s = dir
        .execute_dpa(&admin, &paying.slug, "2026-01", "Dora Admin", "CTO")
        .await
        .unwrap();
    let doc = dir.dpa_document(&admin, &paying.slug, s.id).await.unwrap();
    assert!(doc.starts_with("This Data Processing Agreement"));
    assert!(doc.contains("Signed by: Dora Admin, CTO"), "{doc}");
    assert!(
        dir.execute_dpa(&admin, &paying.slug, "1999", "Dora", "CTO")
            .await
            .is_err()
    );
    assert!(
        dir.dpa_signatures(&free_admin, &paying.slug).await.is_err(),
        "no other org's"
    );
}

#[tokio::test]
async fn an_admin_mails_a_reset_link_and_only_the_user_sets_the_password_once() {
    let (dir, store) = directory();
    let (o, admin) = admin_of(&dir, &store, "acme", Plan::free()).await;
    dir.create_user(
        &provision(),
        &o.slug,
        new_user("bob", Some("bob's first passphrase")),
    )
    .await
    .unwrap();
    let bob = Username::parse("bob").unwrap();
    // Support staff cannot send one; nobody gets a link for a stranger.
    let agent = Actor::SupportAgent {
        staff: crate::ids::StaffId::from_random([7; 16]),
    };
    assert!(matches!(
        dir.send_password_reset(&agent, &o.slug, &bob).await,
        Err(CoreError::Forbidden { .. } | CoreError::NotFound { .. })
    ));
    dir.send_password_reset(&admin, &o.slug, &bob)
        .await
        .unwrap();
    let now = dir.now();
    let mails = store
        .claim_mail(
            now,
            now.checked_add(jiff::SignedDuration::from_mins(1)).unwrap(),
            10,
        )
        .await
        .unwrap();
    let mail = mails
        .iter()
        .find(|m| m.mail.subject.starts_with("Set a new password"))
        .expect("the link is mailed");
    assert_eq!(mail.mail.to, vec!["bob@example.com".to_string()]);
    let at = mail.mail.text.find("/portal/reset/").unwrap() + "/portal/reset/".len();
    let token: String = mail.mail.text[at..]
        .chars()
        .take_while(|c| !c.is_whitespace())
        .collect();
    assert_eq!(
        dir.password_reset_prompt(&token).await.unwrap().username,
        bob
    );
    // The org's policy applies; a refused password does not spend the link.
    assert!(matches!(
        dir.complete_password_reset(&token, Secret::new("short"), false)
            .await,
        Err(CoreError::Invalid { .. })
    ));
    dir.complete_password_reset(&token, Secret::new("bob's brand new passphrase"), false)
        .await
        .unwrap();
    assert!(
        dir.login(
            &o.slug,
            &bob,
            Secret::new("bob's brand new passphrase"),
            None
        )
        .await
        .is_ok()
    );
    assert!(
        dir.login(&o.slug, &bob, Secret::new("bob's first passphrase"), None)
            .await
            .is_err()
    );
    // Once only.
    assert!(matches!(
        dir.complete_password_reset(&token, Secret::new("a third long passphrase"), false).await,
        Err(CoreError::Invalid { field, .. }) if field == "link"
    ));
    assert!(dir.password_reset_prompt("skd_garbage").await.is_err());
}

/// The reset mails queued so far, to `to`.
async fn reset_mails(dir: &Directory<MemoryStore>, store: &MemoryStore, to: &str) -> usize {
    let now = dir.now();
    store
        .claim_mail(
            now,
            now.checked_add(jiff::SignedDuration::from_mins(1)).unwrap(),
            100,
        )
        .await
        .unwrap()
        .iter()
        .filter(|m| m.mail.subject.starts_with("Set a new password") && m.mail.to == [to])
        .count()
}

#[tokio::test]
async fn a_forgotten_password_gets_a_link_to_the_accounts_own_address_rate_limited_and_silent() {
    let (dir, store, clock) = clocked("2026-06-01T08:00:00Z", 11);
    let o = acme_with_alice(&dir).await;
    let alice = store
        .user_by_name(o.id, &Username::parse("alice").unwrap())
        .await
        .unwrap()
        .unwrap()
        .id;
    let links = || async {
        store
            .password_resets_since(o.id, alice, jiff::Timestamp::MIN)
            .await
            .unwrap()
    };
    dir.forgot_password("acme", " alice ").await.unwrap();
    assert_eq!(reset_mails(&dir, &store, "alice@example.com").await, 1);
    // Asking again at once sends nothing more — and says so no differently.
    dir.forgot_password("acme", "alice").await.unwrap();
    assert_eq!(links().await, 1);
    // Unknown orgs and users answer exactly like known ones; malformed input is an error.
    dir.forgot_password("nowhere", "alice").await.unwrap();
    dir.forgot_password("acme", "nobody").await.unwrap();
    assert!(matches!(
        dir.forgot_password("Not A Slug!", "alice").await,
        Err(CoreError::Invalid { .. })
    ));
    // Every 15 minutes one more, up to three a day.
    let step = |mins: i64| {
        let mut t = clock.0.lock().unwrap();
        *t = t
            .checked_add(jiff::SignedDuration::from_mins(mins))
            .unwrap();
    };
    for total in [2, 3, 3] {
        step(16);
        dir.forgot_password("acme", "alice").await.unwrap();
        assert_eq!(links().await, total);
    }
    step(24 * 60);
    dir.forgot_password("acme", "alice").await.unwrap();
    assert_eq!(links().await, 4);
    // A suspended account gets nothing.
    dir.update_user(
        &provision(),
        &o.slug,
        &Username::parse("alice").unwrap(),
        UserPatch {
            status: Some(UserStatus::Suspended),
            ..UserPatch::default()
        },
    )
    .await
    .unwrap();
    step(24 * 60);
    dir.forgot_password("acme", "alice").await.unwrap();
    assert_eq!(links().await, 4);
    // The requests are in the org's audit chain, as anonymous.
    assert!(
        store
            .events(crate::audit::ChainKey::for_org(Some(o.id)))
            .iter()
            .any(|e| e.action == "user.password.reset_requested")
    );
}

#[tokio::test]
async fn the_register_starts_with_the_statements_examples_once_and_confirming_announces_them() {
    let (dir, store) = directory();
    let (o, admin) = admin_of(
        &dir,
        &store,
        "acme",
        Plan::new(PlanKind::Monthly, Some(5), None).unwrap(),
    )
    .await;
    dir.subscribe_registry(&admin, &o.slug, Email::parse("privacy@acme.test").unwrap())
        .await
        .unwrap();
    assert!(
        dir.seed_subprocessor_examples(&op()).await.is_err(),
        "skydir's own step"
    );
    assert_eq!(
        dir.seed_subprocessor_examples(&Actor::System)
            .await
            .unwrap(),
        7
    );
    let listed = dir.subprocessors().await.unwrap();
    let mut slugs: Vec<&str> = listed.iter().map(|s| s.slug.as_str()).collect();
    slugs.sort();
    assert_eq!(
        slugs,
        [
            "aws",
            "drift",
            "fivetran",
            "optimizely",
            "segment",
            "sendgrid",
            "snowflake"
        ]
    );
    assert!(listed.iter().all(|s| s.example && s.removed_at.is_none()));
    assert!(
        dir.privacy_feed().await.unwrap().is_empty(),
        "examples are no news"
    );
    assert_eq!(store.pending_mail_count().await.unwrap(), 0);

    // The operator confirms one, replaces one, removes one.
    dir.confirm_subprocessor(&op(), &Name::parse("aws").unwrap())
        .await
        .unwrap();
    assert!(
        dir.confirm_subprocessor(&op(), &Name::parse("aws").unwrap())
            .await
            .is_err(),
        "confirmed once"
    );
    dir.update_subprocessor(
        &op(),
        &Name::parse("sendgrid").unwrap(),
        SubProcessorInput {
            name: "SendGrid, Inc.".into(),
            purpose: "Delivery of our mail".into(),
            data_categories: vec!["email addresses".into()],
            location: "United States".into(),
            dpa_date: "2024-02-01".parse().unwrap(),
        },
    )
    .await
    .unwrap();
    dir.remove_subprocessor(&op(), &Name::parse("drift").unwrap())
        .await
        .unwrap();
    let feed = dir.privacy_feed().await.unwrap();
    let titles: Vec<String> = feed.iter().map(|e| e.title()).collect();
    assert_eq!(
        titles,
        [
            "New sub-processor: SendGrid, Inc.",
            "New sub-processor: Amazon Web Services, Inc."
        ],
        "confirmations are additions; an unconfirmed example goes without news"
    );
    assert_eq!(store.pending_mail_count().await.unwrap(), 2);
    let listed = dir.subprocessors().await.unwrap();
    let state = |slug: &str| {
        let s = listed.iter().find(|s| s.slug.as_str() == slug).unwrap();
        (s.example, s.removed_at.is_some())
    };
    assert_eq!(state("aws"), (false, false));
    assert_eq!(state("sendgrid"), (false, false));
    assert_eq!(state("drift"), (true, true));
    assert_eq!(state("segment"), (true, false));

    // Never again: a second start seeds nothing, and the removed example stays removed.
    assert_eq!(
        dir.seed_subprocessor_examples(&Actor::System)
            .await
            .unwrap(),
        0
    );
    assert_eq!(dir.subprocessors().await.unwrap().len(), 7);
    let seeded = store
        .events(ChainKey::Deployment)
        .into_iter()
        .filter(|e| e.action == "subprocessor.seeded")
        .count();
    assert_eq!(seeded, 1);
}

#[tokio::test]
async fn a_deployment_with_its_own_register_is_not_seeded() {
    let (dir, _store) = directory();
    dir.add_subprocessor(&op(), &Name::parse("mailco").unwrap(), aws())
        .await
        .unwrap();
    assert_eq!(
        dir.seed_subprocessor_examples(&Actor::System)
            .await
            .unwrap(),
        0
    );
    assert_eq!(dir.subprocessors().await.unwrap().len(), 1);
    dir.remove_subprocessor(&op(), &Name::parse("mailco").unwrap())
        .await
        .unwrap();
    assert_eq!(
        dir.seed_subprocessor_examples(&Actor::System)
            .await
            .unwrap(),
        0,
        "marked on the first try"
    );
}

#[tokio::test]
async fn publishing_the_statement_or_a_dpa_version_is_a_dated_feed_item_mailed_to_subscribers() {
    let (dir, store) = directory();
    let (o, admin) = admin_of(
        &dir,
        &store,
        "acme",
        Plan::new(PlanKind::Monthly, Some(5), None).unwrap(),
    )
    .await;
    dir.subscribe_registry(&admin, &o.slug, Email::parse("privacy@acme.test").unwrap())
        .await
        .unwrap();
    assert!(dir.publish_privacy_statement(&op()).await.is_err());
    let v1 = dir
        .publish_privacy_statement(&Actor::System)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(v1.version, 1);
    assert!(
        dir.publish_privacy_statement(&Actor::System)
            .await
            .unwrap()
            .is_none(),
        "the same text is the same version"
    );
    // The operator states where the data is processed: the statement changes.
    let moved = dir.clone().with_processing_location("EU (Frankfurt)");
    let v2 = moved
        .publish_privacy_statement(&Actor::System)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(v2.version, 2);
    assert!(v2.text.contains("In EU (Frankfurt)"), "{}", v2.text);
    dir.publish_dpa(&op(), "2026-06", "The agreement.")
        .await
        .unwrap();

    let feed = moved.privacy_feed().await.unwrap();
    let titles: Vec<String> = feed.iter().map(|e| e.title()).collect();
    assert_eq!(
        titles,
        [
            "Data Processing Agreement version 2026-06 published",
            "Privacy statement updated (version 2)",
            "Privacy statement published (version 1)"
        ]
    );
    assert!(
        feed[1]
            .description()
            .contains("Changed: Where it is processed."),
        "{}",
        feed[1].description()
    );
    let guids: Vec<String> = feed.iter().map(|e| e.guid()).collect();
    assert_eq!(
        guids,
        moved
            .privacy_feed()
            .await
            .unwrap()
            .iter()
            .map(|e| e.guid())
            .collect::<Vec<_>>(),
        "stable"
    );
    let mails = dir.claim_outbound_mail(&Actor::System, 10).await.unwrap();
    let subjects: Vec<&str> = mails.iter().map(|q| q.mail.subject.as_str()).collect();
    assert_eq!(
        subjects.len(),
        3,
        "one mail per item to the subscriber: {subjects:?}"
    );
    assert!(subjects.contains(&"Privacy statement updated (version 2)"));
    assert!(
        mails
            .iter()
            .all(|q| q.mail.to == ["privacy@acme.test".to_string()])
    );
    let published = store
        .events(ChainKey::Deployment)
        .into_iter()
        .filter(|e| e.action == "privacy.statement.publish")
        .count();
    assert_eq!(published, 2);
}
