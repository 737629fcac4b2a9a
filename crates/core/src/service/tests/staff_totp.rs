//! Staff two-step login: enrolment needs a console password, then every sign-in — by password
//! or by staff token — asks for a current, unused code; wrong codes count toward the lockout.

use super::*;

/// An agent "ann" with a console password, signed in by token.
async fn ann() -> (
    Directory<MemoryStore>,
    MemoryStore,
    Arc<FixedClock>,
    Actor,
    Secret,
) {
    let (dir, store, clock) = clocked("2026-06-01T12:00:00Z", 7);
    let boot = dir.bootstrap_operator().await.unwrap().unwrap();
    let operator = dir.authenticate_token(boot.secret.expose()).await.unwrap();
    let (_, token) = dir
        .create_staff(&operator, "ann", crate::access::StaffRole::Agent)
        .await
        .unwrap();
    let ann = dir.authenticate_token(token.secret.expose()).await.unwrap();
    (dir, store, clock, ann, token.secret)
}

fn pw() -> Secret {
    Secret::new("ann's long passphrase")
}

fn code(totp: &totp_rs::Totp, dir: &Directory<MemoryStore>) -> Secret {
    Secret::new(totp.generate(dir.now().as_second() as u64).to_string())
}

fn step(clock: &FixedClock) {
    let mut t = clock.0.lock().unwrap();
    *t = t.checked_add(jiff::SignedDuration::from_secs(30)).unwrap();
}

#[tokio::test]
async fn staff_enrol_an_authenticator_and_every_sign_in_then_asks_for_its_code() {
    let (dir, store, clock, ann, token) = ann().await;
    // No password yet: no authenticator either (it is the step after the password).
    assert!(matches!(
        dir.begin_staff_totp(&ann).await,
        Err(CoreError::Conflict { .. })
    ));
    dir.set_staff_password(&ann, None, pw()).await.unwrap();
    let p = dir.begin_staff_totp(&ann).await.unwrap();
    assert!(
        p.uri.expose().contains("ann%20%28staff%29"),
        "{}",
        p.uri.expose()
    );
    let secret = totp_rs::Secret::try_from_base32(p.secret_base32.expose()).unwrap();
    let totp = totp_rs::Builder::new().with_secret(secret).build().unwrap();
    // Unconfirmed, it asks nothing yet.
    assert!(!dir.staff_has_totp(&ann).await.unwrap());
    dir.staff_login("ann", pw(), None).await.unwrap();
    assert!(matches!(
        dir.confirm_staff_totp(&ann, "000000").await,
        Err(CoreError::Invalid { .. })
    ));
    dir.confirm_staff_totp(&ann, code(&totp, &dir).expose())
        .await
        .unwrap();
    assert!(dir.staff_has_totp(&ann).await.unwrap());
    // A second enrolment is refused while this one stands.
    assert!(matches!(
        dir.begin_staff_totp(&ann).await,
        Err(CoreError::Conflict { .. })
    ));

    // Password alone, and token alone, are no longer enough.
    assert_eq!(
        dir.staff_login("ann", pw(), None).await.unwrap_err(),
        CoreError::SecondFactorRequired
    );
    assert_eq!(
        dir.staff_session(token.expose(), None).await.unwrap_err(),
        CoreError::SecondFactorRequired
    );
    // The confirming code was used; the next step's code signs in, once.
    step(&clock);
    let c = code(&totp, &dir);
    let (actor, _) = dir.staff_login("ann", pw(), Some(c.clone())).await.unwrap();
    assert_eq!(actor, ann);
    assert!(matches!(
        dir.staff_session(token.expose(), Some(c)).await,
        Err(CoreError::Invalid { .. })
    ));
    step(&clock);
    let (actor, _) = dir
        .staff_session(token.expose(), Some(code(&totp, &dir)))
        .await
        .unwrap();
    assert_eq!(actor, ann);
    // Sign-ins are audited in the deployment chain.
    let logins = store
        .events(crate::audit::ChainKey::Deployment)
        .into_iter()
        .filter(|e| e.action == "staff.login")
        .count();
    assert!(logins >= 3, "{logins} staff.login events");

    // Wrong codes count toward the lockout like wrong passwords: five lock the account. A
    // locked account's password sign-in reads as a wrong password (no account oracle) …
    for _ in 0..5 {
        assert!(matches!(
            dir.staff_login("ann", pw(), Some(Secret::new("123456")))
                .await,
            Err(CoreError::Invalid { .. } | CoreError::BadCredentials)
        ));
    }
    step(&clock);
    assert!(matches!(
        dir.staff_login("ann", pw(), Some(code(&totp, &dir))).await,
        Err(CoreError::BadCredentials)
    ));
    // … while the holder of her staff token, who has proven who they are, is told the truth.
    assert!(matches!(
        dir.staff_session(token.expose(), Some(code(&totp, &dir)))
            .await,
        Err(CoreError::LockedOut { .. })
    ));
}

#[tokio::test]
async fn staff_turn_their_authenticator_off_with_a_current_code_only() {
    let (dir, _, clock, ann, token) = ann().await;
    dir.set_staff_password(&ann, None, pw()).await.unwrap();
    let p = dir.begin_staff_totp(&ann).await.unwrap();
    let secret = totp_rs::Secret::try_from_base32(p.secret_base32.expose()).unwrap();
    let totp = totp_rs::Builder::new().with_secret(secret).build().unwrap();
    dir.confirm_staff_totp(&ann, code(&totp, &dir).expose())
        .await
        .unwrap();
    assert!(matches!(
        dir.remove_staff_totp(&ann, "111111").await,
        Err(CoreError::Invalid { .. })
    ));
    step(&clock);
    dir.remove_staff_totp(&ann, code(&totp, &dir).expose())
        .await
        .unwrap();
    assert!(!dir.staff_has_totp(&ann).await.unwrap());
    dir.staff_session(token.expose(), None).await.unwrap();
    // Org users have no staff authenticator.
    let user = Actor::User {
        org: crate::ids::OrgId::from_random([1; 16]),
        user: crate::ids::UserId::from_random([2; 16]),
    };
    assert!(matches!(
        dir.begin_staff_totp(&user).await,
        Err(CoreError::Forbidden { .. })
    ));
}
