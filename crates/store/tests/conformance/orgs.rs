//! Orgs, staff and API tokens: round-trips, updates, listing and the token lookup.

use crate::fixtures::*;
use skydir_core::access::StaffRole;
use skydir_core::auth::{Credential, LoginState, TokenSubject, TotpEnrollment};
use skydir_core::change::Write;
use skydir_core::directory::{OrgSlug, Plan, PlanKind};
use skydir_core::page::PageRequest;
use skydir_core::ports::DirectoryStore;
use skydir_store::testing::TempStore;

on_both_backends!(
    org_round_trip_update_and_lookup,
    orgs_list_in_slug_pages,
    staff_round_trip,
    staff_credentials_round_trip,
    staff_authenticators_are_sealed_and_count_each_code_once,
    tokens_round_trip_and_revoke,
    tokens_record_their_last_use_and_idle_limit,
);

async fn org_round_trip_update_and_lookup(t: &TempStore) {
    let o = new_org(t, "acme").await;
    let s = &t.store;
    assert_eq!(s.org_by_id(o.id).await.unwrap(), Some(o.clone()));
    assert_eq!(s.org_by_slug(&o.slug).await.unwrap(), Some(o.clone()));
    assert_eq!(
        s.org_by_slug(&OrgSlug::parse("nope").unwrap())
            .await
            .unwrap(),
        None
    );

    let mut changed = o.clone();
    changed.name = "Acme Corporation".into();
    changed.slug = OrgSlug::parse("acme-corp").unwrap();
    changed.plan = Plan::new(PlanKind::Annual, Some(25), None).unwrap();
    changed.password_policy.min_length = 16;
    commit(t, Some(o.id), vec![Write::UpdateOrg(changed.clone())]).await;
    assert_eq!(s.org_by_id(o.id).await.unwrap(), Some(changed.clone()));
    assert_eq!(s.org_by_slug(&o.slug).await.unwrap(), None);

    let trial = Plan::new(PlanKind::Jumpstart, None, Some(now())).unwrap();
    changed.plan = trial;
    commit(t, Some(o.id), vec![Write::UpdateOrg(changed.clone())]).await;
    assert_eq!(s.org_by_id(o.id).await.unwrap(), Some(changed.clone()));

    // Suspended and resumed, keeping the moment of suspension.
    changed.suspended_at = Some(now());
    commit(t, Some(o.id), vec![Write::UpdateOrg(changed.clone())]).await;
    let read = s.org_by_id(o.id).await.unwrap().unwrap();
    assert!(read.is_suspended());
    assert_eq!(read, changed);
    changed.suspended_at = None;
    commit(t, Some(o.id), vec![Write::UpdateOrg(changed.clone())]).await;
    assert_eq!(s.org_by_slug(&changed.slug).await.unwrap(), Some(changed));
}

async fn orgs_list_in_slug_pages(t: &TempStore) {
    for slug in ["delta", "alpha", "charlie", "bravo", "echo"] {
        new_org(t, slug).await;
    }
    let mut seen = Vec::new();
    let mut page = PageRequest::first(2);
    loop {
        let p = t.store.list_orgs(&page).await.unwrap();
        assert!(p.items.len() <= 2);
        seen.extend(p.items.iter().map(|o| o.slug.to_string()));
        match p.next {
            Some(next) => page.after = Some(next),
            None => break,
        }
    }
    assert_eq!(seen, ["alpha", "bravo", "charlie", "delta", "echo"]);
}

async fn staff_round_trip(t: &TempStore) {
    let op = staff("operator", StaffRole::Operator);
    let agent = staff("agent-1", StaffRole::Agent);
    commit(t, None, vec![Write::CreateStaff(op.clone())]).await;
    commit(t, None, vec![Write::CreateStaff(agent.clone())]).await;
    assert_eq!(t.store.list_staff().await.unwrap(), vec![agent, op]);
}

async fn staff_credentials_round_trip(t: &TempStore) {
    let agent = staff("ann", StaffRole::Agent);
    commit(t, None, vec![Write::CreateStaff(agent.clone())]).await;
    let s = &t.store;
    assert_eq!(
        s.staff_credential("ann").await.unwrap(),
        Some((agent.clone(), None))
    );
    assert_eq!(s.staff_credential("nobody").await.unwrap(), None);
    let credential = Credential {
        hash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA".into(),
        state: LoginState::default(),
    };
    commit(
        t,
        None,
        vec![Write::SetStaffCredential {
            staff: agent.id,
            credential: credential.clone(),
        }],
    )
    .await;
    assert_eq!(
        s.staff_credential("ann").await.unwrap(),
        Some((agent.clone(), Some(credential.clone())))
    );
    let locked = LoginState {
        failures: 5,
        locked_until: Some(now()),
    };
    commit(
        t,
        None,
        vec![Write::SetStaffLoginState {
            staff: agent.id,
            state: locked,
        }],
    )
    .await;
    let (_, got) = s.staff_credential("ann").await.unwrap().unwrap();
    assert_eq!(got.unwrap().state, locked);
}

async fn staff_authenticators_are_sealed_and_count_each_code_once(t: &TempStore) {
    let agent = staff("ann", StaffRole::Agent);
    commit(t, None, vec![Write::CreateStaff(agent.clone())]).await;
    let s = &t.store;
    assert_eq!(s.staff_totp(agent.id).await.unwrap(), None);
    let e = TotpEnrollment {
        secret: zeroize::Zeroizing::new([7u8; 20]),
        confirmed: true,
        last_step: 100,
    };
    commit(
        t,
        None,
        vec![Write::SetStaffTotp {
            staff: agent.id,
            enrollment: e.clone(),
        }],
    )
    .await;
    assert_eq!(s.staff_totp(agent.id).await.unwrap(), Some(e.clone()));
    // At rest the secret is ciphertext, not the bytes.
    let raw = Raw::open(t).await;
    let stored = raw.texts("SELECT secret_ct FROM staff_totp").await;
    raw.close().await;
    assert_eq!(stored.len(), 1);
    assert!(!stored[0].contains("BwcHBwcH"), "{}", stored[0]);
    // A step moves forward once; the same or an earlier one is a conflict on `totp`.
    commit(
        t,
        None,
        vec![Write::UseStaffTotpStep {
            staff: agent.id,
            step: 101,
        }],
    )
    .await;
    let (field, _) = conflict_of(
        try_commit(
            t,
            None,
            vec![Write::UseStaffTotpStep {
                staff: agent.id,
                step: 101,
            }],
        )
        .await,
    );
    assert_eq!(field, "totp");
    assert_eq!(
        s.staff_totp(agent.id).await.unwrap().unwrap().last_step,
        101
    );
    // Unknown staff is not found; removal removes.
    let ghost = staff("ghost", StaffRole::Agent);
    assert!(matches!(
        try_commit(
            t,
            None,
            vec![Write::SetStaffTotp {
                staff: ghost.id,
                enrollment: e,
            }],
        )
        .await,
        Err(skydir_core::CoreError::NotFound { .. })
    ));
    commit(t, None, vec![Write::RemoveStaffTotp(agent.id)]).await;
    assert_eq!(s.staff_totp(agent.id).await.unwrap(), None);
}

async fn tokens_round_trip_and_revoke(t: &TempStore) {
    let op = staff("operator", StaffRole::Operator);
    commit(t, None, vec![Write::CreateStaff(op.clone())]).await;
    let staff_token = token(TokenSubject::Operator { staff: op.id }, "ops");
    commit(t, None, vec![Write::CreateToken(staff_token.clone())]).await;

    let o = new_org(t, "acme").await;
    let u = new_user(t, &o, "ann").await;
    let mut user_token = token(
        TokenSubject::User {
            org: o.id,
            user: u.id,
        },
        "laptop",
    );
    user_token.expires_at = Some(now());
    commit(t, Some(o.id), vec![Write::CreateToken(user_token.clone())]).await;

    let s = &t.store;
    assert_eq!(
        s.user_tokens(o.id, u.id).await.unwrap(),
        vec![user_token.clone()],
        "a user's tokens, not the staff's"
    );
    assert_eq!(
        s.token_by_hash(&staff_token.secret_hash).await.unwrap(),
        Some(staff_token.clone())
    );
    assert_eq!(
        s.token_by_hash(&user_token.secret_hash).await.unwrap(),
        Some(user_token.clone())
    );
    assert_eq!(s.token_by_hash(&[0; 32]).await.unwrap(), None);

    // An org-scoped change cannot revoke a staff token, nor another org's.
    let r = try_commit(
        t,
        Some(o.id),
        vec![Write::RevokeToken {
            id: staff_token.id,
            at: now(),
        }],
    )
    .await;
    assert!(
        matches!(r, Err(skydir_core::CoreError::NotFound { .. })),
        "{r:?}"
    );

    commit(
        t,
        Some(o.id),
        vec![Write::RevokeToken {
            id: user_token.id,
            at: now(),
        }],
    )
    .await;
    let got = s
        .token_by_hash(&user_token.secret_hash)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(got.revoked_at, Some(now()));
    commit(
        t,
        None,
        vec![Write::RevokeToken {
            id: staff_token.id,
            at: now(),
        }],
    )
    .await;
    let got = s
        .token_by_hash(&staff_token.secret_hash)
        .await
        .unwrap()
        .unwrap();
    assert!(!got.usable(now()));
}

async fn tokens_record_their_last_use_and_idle_limit(t: &TempStore) {
    let o = new_org(t, "acme").await;
    let u = new_user(t, &o, "ann").await;
    let mut session = token(
        TokenSubject::User {
            org: o.id,
            user: u.id,
        },
        "session",
    );
    session.idle_secs = Some(3600);
    commit(t, Some(o.id), vec![Write::CreateToken(session.clone())]).await;
    let s = &t.store;
    let got = s
        .token_by_hash(&session.secret_hash)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(got.idle_secs, Some(3600));
    assert_eq!(got.last_used_at, None);
    let at = now()
        .checked_add(jiff::SignedDuration::from_mins(5))
        .unwrap();
    commit(
        t,
        Some(o.id),
        vec![Write::TouchToken { id: session.id, at }],
    )
    .await;
    let got = s
        .token_by_hash(&session.secret_hash)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(got.last_used_at, Some(at));
    // An older use (a slow request finishing late) never moves it back.
    commit(
        t,
        Some(o.id),
        vec![Write::TouchToken {
            id: session.id,
            at: now(),
        }],
    )
    .await;
    let got = s
        .token_by_hash(&session.secret_hash)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(got.last_used_at, Some(at));
    // Another org's change cannot touch it; a staff token is touched by a deployment change.
    let other = new_org(t, "other").await;
    let later = at.checked_add(jiff::SignedDuration::from_mins(5)).unwrap();
    commit(
        t,
        Some(other.id),
        vec![Write::TouchToken {
            id: session.id,
            at: later,
        }],
    )
    .await;
    let got = s
        .token_by_hash(&session.secret_hash)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(got.last_used_at, Some(at));
    let op = staff("operator", StaffRole::Operator);
    commit(t, None, vec![Write::CreateStaff(op.clone())]).await;
    let staff_token = token(TokenSubject::Operator { staff: op.id }, "ops");
    commit(t, None, vec![Write::CreateToken(staff_token.clone())]).await;
    commit(
        t,
        None,
        vec![Write::TouchToken {
            id: staff_token.id,
            at: later,
        }],
    )
    .await;
    let got = s
        .token_by_hash(&staff_token.secret_hash)
        .await
        .unwrap()
        .unwrap();
    assert_eq!((got.last_used_at, got.idle_secs), (Some(later), None));
}
