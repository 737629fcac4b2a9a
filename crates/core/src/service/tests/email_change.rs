//! A new email address waits for the link mailed to it: the account (and everything that
//! reads its address) keeps the old one, which is told, until the link is opened; the link
//! works once, for a day; the person or their admins send it again or cancel; an address
//! another user has is refused when asked for and when confirmed.

use super::*;

fn later(clock: &FixedClock, minutes: i64) {
    let mut t = clock.0.lock().unwrap();
    *t = t
        .checked_add(jiff::SignedDuration::from_mins(minutes))
        .unwrap();
}

fn email(s: &str) -> Email {
    Email::parse(s).unwrap()
}

fn mails_to(store: &MemoryStore, to: &str) -> Vec<crate::support::OutboundMail> {
    store.with_desk(|d| d.queued_to(to)).unwrap()
}

/// Acme with alice (its first admin) and bob, a user who logs in; bob's actor.
async fn acme_with_bob(dir: &Directory<MemoryStore>) -> (Org, Actor) {
    let o = acme_with_alice(dir).await;
    let bob = dir
        .create_user(
            &provision(),
            &o.slug,
            new_user("bob", Some("bob's long passphrase")),
        )
        .await
        .unwrap();
    (
        o.clone(),
        Actor::User {
            org: o.id,
            user: bob.id,
        },
    )
}

fn bob() -> Username {
    Username::parse("bob").unwrap()
}

fn alice_actor(store: &MemoryStore) -> Actor {
    let (org, user) = store.users_with_email(&email("alice@example.com")).unwrap()[0];
    Actor::OrgAdmin { org, user }
}

async fn ask(
    dir: &Directory<MemoryStore>,
    actor: &Actor,
    o: &Org,
    to: &str,
) -> CoreResult<UserView> {
    dir.update_user(
        actor,
        &o.slug,
        &bob(),
        UserPatch {
            email: Some(email(to)),
            ..UserPatch::default()
        },
    )
    .await
}

async fn address_of_bob(dir: &Directory<MemoryStore>, o: &Org) -> String {
    dir.get_user(&provision(), &o.slug, &bob())
        .await
        .unwrap()
        .contact
        .unwrap()
        .email
        .as_str()
        .to_string()
}

#[tokio::test]
async fn a_new_address_is_used_only_once_the_link_mailed_to_it_is_opened() {
    let (dir, store, _) = clocked("2026-06-01T08:00:00Z", 11);
    let (o, me) = acme_with_bob(&dir).await;
    let view = ask(&dir, &me, &o, "Bob.Newton@Elsewhere.test")
        .await
        .unwrap();
    let c = view.contact.unwrap();
    assert_eq!(
        c.email.as_str(),
        "bob@example.com",
        "the account keeps its address"
    );
    let p = c.pending_email.unwrap();
    assert_eq!(p.address.as_str(), "bob.newton@elsewhere.test");
    assert!(!p.expired && !p.by_admin);
    assert_eq!(p.expires_at, "2026-06-02T08:00:00Z".parse().unwrap());
    // The new address gets the link, the old one a notice naming the new one masked.
    let link = link_mailed_to(&store, "bob.newton@elsewhere.test", "email").unwrap();
    let notice = mails_to(&store, "bob@example.com");
    let notice = notice.last().unwrap();
    assert!(
        notice.text.contains("b***@elsewhere.test"),
        "{}",
        notice.text
    );
    assert!(
        notice.text.contains("If this wasn't you"),
        "{}",
        notice.text
    );
    assert!(!notice.text.contains("bob.newton"), "{}", notice.text);
    assert!(
        !notice.text.contains("/portal/email/"),
        "the link goes to the new address only"
    );
    // Found by the old address (mail intake, data requests, resets) until confirmed.
    assert_eq!(
        store
            .users_with_email(&email("bob@example.com"))
            .unwrap()
            .len(),
        1
    );
    assert!(
        store
            .users_with_email(&email("bob.newton@elsewhere.test"))
            .unwrap()
            .is_empty()
    );
    let prompt = dir.email_change_prompt(&link).await.unwrap();
    assert_eq!(
        (prompt.username, prompt.new_email.as_str()),
        (bob(), "bob.newton@elsewhere.test")
    );
    let done = dir.confirm_email_change(&link).await.unwrap();
    assert_eq!(done.new_email.as_str(), "bob.newton@elsewhere.test");
    assert_eq!(address_of_bob(&dir, &o).await, "bob.newton@elsewhere.test");
    assert!(
        store
            .users_with_email(&email("bob@example.com"))
            .unwrap()
            .is_empty()
    );
    let view = dir.get_user(&me, &o.slug, &bob()).await.unwrap();
    assert_eq!(view.contact.unwrap().pending_email, None);
    // Once only, said plainly.
    let again = dir.confirm_email_change(&link).await.unwrap_err();
    assert!(again.to_string().contains("already used"), "{again}");
    // Every step is in the org's audit log, without the addresses.
    let events = store.events(crate::audit::ChainKey::for_org(Some(o.id)));
    for a in ["user.email.change_requested", "user.email.confirmed"] {
        assert!(events.iter().any(|e| e.action == a), "{a}");
    }
    assert!(!format!("{events:?}").contains("elsewhere"));
}

#[tokio::test]
async fn an_admins_change_waits_too_and_the_link_can_be_sent_again_or_cancelled() {
    let (dir, store, clock) = clocked("2026-06-01T08:00:00Z", 12);
    let (o, me) = acme_with_bob(&dir).await;
    let alice = alice_actor(&store);
    let view = ask(&dir, &alice, &o, "bob@redirected.test").await.unwrap();
    assert!(view.contact.unwrap().pending_email.unwrap().by_admin);
    assert_eq!(address_of_bob(&dir, &o).await, "bob@example.com");
    let first = link_mailed_to(&store, "bob@redirected.test", "email").unwrap();
    assert!(
        mails_to(&store, "bob@example.com")
            .last()
            .unwrap()
            .text
            .contains("An administrator of Acme"),
    );
    // Bob sends it again: a new link, the first one replaced.
    later(&clock, 1);
    dir.resend_email_change(&me, &o.slug, &bob()).await.unwrap();
    let second = link_mailed_to(&store, "bob@redirected.test", "email").unwrap();
    assert_ne!(first, second);
    let e = dir.confirm_email_change(&first).await.unwrap_err();
    assert!(e.to_string().contains("newer link"), "{e}");
    // He did not ask for it: he cancels, and the link is dead.
    dir.cancel_email_change(&me, &o.slug, &bob()).await.unwrap();
    let e = dir.confirm_email_change(&second).await.unwrap_err();
    assert!(e.to_string().contains("cancelled"), "{e}");
    assert_eq!(address_of_bob(&dir, &o).await, "bob@example.com");
    assert!(matches!(
        dir.cancel_email_change(&me, &o.slug, &bob()).await,
        Err(CoreError::NotFound { .. })
    ));
    // Provider staff can do none of it.
    assert!(ask(&dir, &op(), &o, "bob@staff.test").await.is_err());
}

#[tokio::test]
async fn an_expired_link_or_a_taken_address_changes_nothing() {
    let (dir, store, clock) = clocked("2026-06-01T08:00:00Z", 13);
    let (o, me) = acme_with_bob(&dir).await;
    // Alice's address is taken.
    let e = ask(&dir, &me, &o, "alice@example.com").await.unwrap_err();
    assert!(
        matches!(&e, CoreError::Conflict { field, .. } if field == "email"),
        "{e:?}"
    );
    // The same address as now is no change at all: no mail, nothing pending.
    ask(&dir, &me, &o, "bob@example.com").await.unwrap();
    assert!(mails_to(&store, "bob@example.com").is_empty());
    // A day and a minute later the link is dead.
    ask(&dir, &me, &o, "bob@later.test").await.unwrap();
    let link = link_mailed_to(&store, "bob@later.test", "email").unwrap();
    later(&clock, 24 * 60 + 1);
    let e = dir.confirm_email_change(&link).await.unwrap_err();
    assert!(e.to_string().contains("expired"), "{e}");
    let view = dir.get_user(&me, &o.slug, &bob()).await.unwrap();
    assert!(view.contact.unwrap().pending_email.unwrap().expired);
    // Someone else takes the address before bob confirms a fresh link.
    ask(&dir, &me, &o, "shared@acme.test").await.unwrap();
    let link = link_mailed_to(&store, "shared@acme.test", "email").unwrap();
    let mut carol = new_user("carol", None);
    carol.email = email("shared@acme.test");
    dir.create_user(&provision(), &o.slug, carol).await.unwrap();
    let e = dir.confirm_email_change(&link).await.unwrap_err();
    assert!(
        matches!(&e, CoreError::Conflict { field, .. } if field == "email"),
        "{e:?}"
    );
    assert_eq!(address_of_bob(&dir, &o).await, "bob@example.com");
    assert!(dir.email_change_prompt("skd_garbage").await.is_err());
}

#[tokio::test]
async fn five_changes_a_day_and_the_access_report_shows_the_pending_address() {
    let (dir, store, clock) = clocked("2026-06-01T08:00:00Z", 14);
    let (o, me) = acme_with_bob(&dir).await;
    for i in 0..5 {
        ask(&dir, &me, &o, &format!("bob{i}@flood.test"))
            .await
            .unwrap();
    }
    let e = ask(&dir, &me, &o, "bob5@flood.test").await.unwrap_err();
    assert!(e.to_string().contains("try again tomorrow"), "{e}");
    assert!(mails_to(&store, "bob5@flood.test").is_empty());
    let report = dir.my_access_report(&me).await.unwrap();
    let pending = report
        .personal_data
        .iter()
        .find(|d| d.item.key == "user.pending_email")
        .unwrap();
    assert_eq!(pending.value, serde_json::json!("bob4@flood.test"));
    later(&clock, 24 * 60 + 1);
    ask(&dir, &me, &o, "bob5@flood.test").await.unwrap();
}
