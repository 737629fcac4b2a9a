//! Login sessions end after an hour without use (and 12 hours after login in any case);
//! personal tokens, used by scripts now and then, have no idle limit.

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
