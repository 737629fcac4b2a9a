//! Login sessions end after an hour without use (and 12 hours after login in any case);
//! personal tokens, used by scripts now and then, have no idle limit. And sessions end when
//! the way in changes: a new password ends the person's other sessions and (unless kept) their
//! API tokens, removing the authenticator their other sessions.

use super::*;

fn later(clock: &FixedClock, minutes: i64) {
    let mut t = clock.0.lock().unwrap();
    *t = t
        .checked_add(jiff::SignedDuration::from_mins(minutes))
        .unwrap();
}

#[tokio::test]
async fn a_session_ends_after_an_hour_unused_but_not_while_in_use() {
    let (dir, _, clock) = clocked("2026-06-01T08:00:00Z", 3);
    let o = acme_with_alice(&dir).await;
    let login = log_in_alice(&dir, &o).await;
    let session = login.token.secret;
    let alice = login.actor;
    let personal = dir
        .create_my_token(&alice, "backup script", Some(30))
        .await
        .unwrap()
        .secret;

    // Used every 50 minutes, it lives on well past the first hour.
    for _ in 0..4 {
        later(&clock, 50);
        assert_eq!(
            dir.authenticate_token(session.expose()).await.unwrap(),
            alice
        );
    }
    // Left alone for just over an hour, it is over — said like any bad token.
    later(&clock, 61);
    assert_eq!(
        dir.authenticate_token(session.expose()).await.unwrap_err(),
        CoreError::Unauthenticated
    );
    // The personal token, unused for all that time, still works.
    assert_eq!(
        dir.authenticate_token(personal.expose()).await.unwrap(),
        alice
    );
}

#[tokio::test]
async fn a_busy_session_still_ends_twelve_hours_after_login() {
    let (dir, _, clock) = clocked("2026-06-01T08:00:00Z", 4);
    let boot = dir.bootstrap_operator().await.unwrap().unwrap();
    let (_, session) = dir.staff_session(boot.secret.expose(), None).await.unwrap();
    for _ in 0..(12 * 60 / 30 - 1) {
        later(&clock, 30);
        assert!(
            dir.authenticate_token(session.secret.expose())
                .await
                .is_ok()
        );
    }
    later(&clock, 31);
    assert_eq!(
        dir.authenticate_token(session.secret.expose())
            .await
            .unwrap_err(),
        CoreError::Unauthenticated
    );
    // The staff token it was exchanged for has no idle limit.
    assert!(dir.authenticate_token(boot.secret.expose()).await.is_ok());
}

/// Alice's world for the tests below: two login sessions ("laptop" and "phone") and a
/// personal API token, each working.
struct Devices {
    laptop: Secret,
    phone: Secret,
    script: Secret,
    alice: Actor,
}

async fn two_devices_and_a_script(dir: &Directory<MemoryStore>, o: &Org) -> Devices {
    let laptop = log_in_alice(dir, o).await;
    let phone = log_in_alice(dir, o).await.token.secret;
    let alice = laptop.actor;
    let script = dir
        .create_my_token(&alice, "backup script", None)
        .await
        .unwrap()
        .secret;
    Devices {
        laptop: laptop.token.secret,
        phone,
        script,
        alice,
    }
}

async fn log_in_alice_with(dir: &Directory<MemoryStore>, o: &Org, password: &str) -> Secret {
    dir.login(
        &o.slug,
        &Username::parse("alice").unwrap(),
        Secret::new(password),
        None,
    )
    .await
    .unwrap()
    .token
    .secret
}

async fn works(dir: &Directory<MemoryStore>, token: &Secret) -> bool {
    dir.authenticate_token(token.expose()).await.is_ok()
}

fn copy(s: &Secret) -> Secret {
    Secret::new(s.expose())
}

/// The detail of the newest `user.sessions.ended` event of `org`.
fn ending(store: &MemoryStore, o: &Org) -> serde_json::Value {
    store
        .events(crate::audit::ChainKey::for_org(Some(o.id)))
        .iter()
        .rev()
        .find(|e| e.action == "user.sessions.ended")
        .map(|e| e.detail.clone())
        .unwrap()
}

#[tokio::test]
async fn a_password_change_ends_the_other_sessions_and_the_api_tokens_but_not_the_current_one() {
    let (dir, store, _) = clocked("2026-06-01T08:00:00Z", 5);
    let o = acme_with_alice(&dir).await;
    let d = two_devices_and_a_script(&dir, &o).await;
    let ended = dir
        .change_password(
            &d.alice,
            &o.slug,
            &Username::parse("alice").unwrap(),
            Secret::new(ALICE_PW),
            Secret::new("a brand new passphrase"),
            Keep {
                current: Some(copy(&d.laptop)),
                api_tokens: false,
            },
        )
        .await
        .unwrap();
    assert_eq!(
        ended,
        Ended {
            sessions: 1,
            api_tokens: 1
        }
    );
    assert!(works(&dir, &d.laptop).await, "the device she changed it on");
    assert!(
        !works(&dir, &d.phone).await,
        "the other device is signed out"
    );
    assert!(
        !works(&dir, &d.script).await,
        "the API token ends by default"
    );
    let detail = ending(&store, &o);
    assert_eq!(detail["reason"], "password_changed");
    assert_eq!(
        (detail["sessions"].as_u64(), detail["api_tokens"].as_u64()),
        (Some(1), Some(1))
    );
    assert_eq!(detail["kept_current"], true);
    // A wrong current password changes nothing and ends nothing.
    let fresh = log_in_alice_with(&dir, &o, "a brand new passphrase").await;
    assert!(
        dir.change_password(
            &d.alice,
            &o.slug,
            &Username::parse("alice").unwrap(),
            Secret::new("not the password"),
            Secret::new("another new passphrase"),
            Keep::default(),
        )
        .await
        .is_err()
    );
    assert!(works(&dir, &fresh).await);
}

#[tokio::test]
async fn keeping_the_api_tokens_keeps_them_and_still_ends_the_other_sessions() {
    let (dir, _, _) = clocked("2026-06-01T08:00:00Z", 6);
    let o = acme_with_alice(&dir).await;
    let d = two_devices_and_a_script(&dir, &o).await;
    // Over LDAP or a script: no current session to spare.
    let ended = dir
        .change_password(
            &d.alice,
            &o.slug,
            &Username::parse("alice").unwrap(),
            Secret::new(ALICE_PW),
            Secret::new("a brand new passphrase"),
            Keep::nothing_but(true),
        )
        .await
        .unwrap();
    assert_eq!(
        ended,
        Ended {
            sessions: 2,
            api_tokens: 0
        }
    );
    assert!(!works(&dir, &d.laptop).await);
    assert!(!works(&dir, &d.phone).await);
    assert!(works(&dir, &d.script).await, "kept, as she chose");
}

#[tokio::test]
async fn a_password_set_with_a_reset_link_ends_every_session_and_the_api_tokens() {
    let (dir, store, clock) = clocked("2026-06-01T08:00:00Z", 7);
    let o = acme_with_alice(&dir).await;
    let d = two_devices_and_a_script(&dir, &o).await;
    dir.forgot_password("acme", "alice").await.unwrap();
    let link = link_mailed_to(&store, "alice@example.com", "reset").unwrap();
    let set = dir
        .complete_password_reset(&link, Secret::new("a brand new passphrase"), false)
        .await
        .unwrap();
    assert_eq!(set.username.as_str(), "alice");
    assert_eq!(
        set.ended,
        Ended {
            sessions: 2,
            api_tokens: 1
        }
    );
    for t in [&d.laptop, &d.phone, &d.script] {
        assert!(!works(&dir, t).await);
    }
    assert_eq!(ending(&store, &o)["reason"], "password_reset");
    // With the API tokens kept, a script's token lives through the next reset.
    let script = dir
        .create_my_token(&d.alice, "deploy", None)
        .await
        .unwrap()
        .secret;
    let session = log_in_alice_with(&dir, &o, "a brand new passphrase").await;
    later(&clock, 16);
    dir.forgot_password("acme", "alice").await.unwrap();
    let link = link_mailed_to(&store, "alice@example.com", "reset").unwrap();
    let set = dir
        .complete_password_reset(&link, Secret::new("a third passphrase, long"), true)
        .await
        .unwrap();
    assert_eq!(
        set.ended,
        Ended {
            sessions: 1,
            api_tokens: 0
        }
    );
    assert!(works(&dir, &script).await);
    assert!(!works(&dir, &session).await);
}

#[tokio::test]
async fn removing_the_authenticator_ends_the_other_sessions_but_not_the_api_tokens() {
    let (dir, store, _) = clocked("2026-06-01T08:00:00Z", 8);
    let o = acme_with_alice(&dir).await;
    let d = two_devices_and_a_script(&dir, &o).await;
    let p = dir.begin_totp(&d.alice).await.unwrap();
    let secret = totp_rs::Secret::try_from_base32(p.secret_base32.expose()).unwrap();
    let totp = totp_rs::Builder::new().with_secret(secret).build().unwrap();
    let code = |at: u64| totp.generate(at).to_string();
    let now = dir.now().as_second() as u64;
    dir.confirm_totp(&d.alice, &code(now)).await.unwrap();
    let ended = dir
        .remove_totp(&d.alice, &code(now + 30), Some(copy(&d.phone)))
        .await
        .unwrap();
    assert_eq!(
        ended,
        Ended {
            sessions: 1,
            api_tokens: 0
        }
    );
    assert!(works(&dir, &d.phone).await, "the device she removed it on");
    assert!(!works(&dir, &d.laptop).await);
    assert!(
        works(&dir, &d.script).await,
        "API tokens never needed the code"
    );
    assert_eq!(ending(&store, &o)["reason"], "authenticator_removed");
    // Abandoning an enrollment that was never confirmed guarded nothing and ends nothing.
    dir.begin_totp(&d.alice).await.unwrap();
    let ended = dir.remove_totp(&d.alice, "", None).await.unwrap();
    assert_eq!(ended, Ended::default());
    assert!(works(&dir, &d.phone).await);
}
