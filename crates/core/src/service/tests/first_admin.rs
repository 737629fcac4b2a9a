//! An org is created with its first administrator in one change — both exist afterwards, or
//! nothing does — and the administrator gets an invitation, never a password somebody at the
//! provider chose. Invitations work once, for a week; the operator may resend or revoke the
//! first administrator's only until it is accepted, and nobody else's.

use super::*;
use crate::auth::reset::INVITATION_VALID_FOR;

fn acme() -> NewOrg {
    NewOrg {
        slug: slug("acme"),
        name: "Acme".into(),
        plan: Plan::free(),
    }
}

fn alice() -> Username {
    Username::parse("alice").unwrap()
}

#[tokio::test]
async fn an_org_and_its_first_admin_are_created_together() {
    let (dir, store) = directory();
    let org = dir
        .create_org_with_admin(&op(), acme(), first_admin("alice"))
        .await
        .unwrap();
    // Before she accepts, nobody can log in as her: there is no password to know.
    assert!(matches!(
        dir.login(&org.slug, &alice(), Secret::new(ALICE_PW), None)
            .await,
        Err(CoreError::BadCredentials)
    ));
    let mail = store
        .with_desk(|d| d.queued_to("alice@example.com"))
        .unwrap();
    assert_eq!(mail.len(), 1, "one invitation");
    assert!(
        mail[0].subject.contains("invited to Acme"),
        "{}",
        mail[0].subject
    );
    assert!(
        mail[0].text.contains("Your username: alice"),
        "{}",
        mail[0].text
    );
    assert!(mail[0].text.contains("within 7 days"), "{}", mail[0].text);
    let token = link_mailed_to(&store, "alice@example.com", "invitation").unwrap();
    let prompt = dir.password_reset_prompt(&token).await.unwrap();
    assert!(prompt.invitation);
    assert_eq!(prompt.username, alice());
    dir.complete_password_reset(&token, Secret::new(ALICE_PW), false)
        .await
        .unwrap();
    let out = log_in_alice(&dir, &org).await;
    assert!(
        matches!(out.actor, Actor::OrgAdmin { .. }),
        "{:?}",
        out.actor
    );
    // The org's chain records its creation, the user, the admin role and the acceptance.
    let actions: Vec<String> = store
        .events(ChainKey::for_org(Some(org.id)))
        .into_iter()
        .map(|e| e.action)
        .collect();
    for a in [
        "org.create",
        "user.create",
        "admin.grant",
        "user.invitation.accepted",
    ] {
        assert!(actions.iter().any(|x| x == a), "{a} missing in {actions:?}");
    }
}

#[tokio::test]
async fn a_refused_admin_leaves_no_org_behind() {
    let (dir, store) = directory();
    // A name the directory refuses (control characters): no org either, and no mail.
    let mut bad = first_admin("alice");
    bad.given_name = Some("Al\u{7}ice".into());
    let e = dir
        .create_org_with_admin(&op(), acme(), bad)
        .await
        .unwrap_err();
    assert!(matches!(e, CoreError::Invalid { .. }), "{e:?}");
    assert!(matches!(
        dir.get_org(&op(), &slug("acme")).await,
        Err(CoreError::NotFound { .. })
    ));
    assert!(
        store
            .with_desk(|d| d.queued_to("alice@example.com"))
            .unwrap()
            .is_empty()
    );
    // A taken slug refuses the whole thing, and the existing org gains no user.
    let first = org(&dir, "acme", Plan::free()).await;
    assert!(matches!(
        dir.create_org_with_admin(&op(), acme(), first_admin("bob"))
            .await,
        Err(CoreError::Conflict { .. })
    ));
    assert_eq!(dir.count_users(&op(), &first.slug).await.unwrap(), 0);
    // Support agents do not create organizations.
    let agent = Actor::SupportAgent {
        staff: crate::ids::StaffId::from_random([8; 16]),
    };
    assert!(matches!(
        dir.create_org_with_admin(&agent, acme(), first_admin("carol"))
            .await,
        Err(CoreError::Forbidden { .. })
    ));
}

#[tokio::test]
async fn an_invitation_works_once_within_a_week_and_a_new_one_ends_the_old() {
    let (dir, store, clock) = clocked("2026-06-01T12:00:00Z", 7);
    let org = dir
        .create_org_with_admin(&op(), acme(), first_admin("alice"))
        .await
        .unwrap();
    let first = link_mailed_to(&store, "alice@example.com", "invitation").unwrap();
    // Resent: a new link, and the first one no longer works.
    let view = dir
        .resend_invitation(&op(), &org.slug, &alice())
        .await
        .unwrap();
    assert_eq!(view.state, InvitationState::Pending);
    assert!(view.first_admin);
    let second = link_mailed_to(&store, "alice@example.com", "invitation").unwrap();
    assert_ne!(first, second);
    assert!(dir.password_reset_prompt(&first).await.is_err());
    // A week later it has expired.
    *clock.0.lock().unwrap() = dir.now().checked_add(INVITATION_VALID_FOR).unwrap();
    assert!(dir.password_reset_prompt(&second).await.is_err());
    let v = dir
        .invitation_of(&op(), &org.slug, &alice())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(v.state, InvitationState::Expired);
    // The operator sends it again; she accepts; the link is spent.
    dir.resend_invitation(&op(), &org.slug, &alice())
        .await
        .unwrap();
    let third = link_mailed_to(&store, "alice@example.com", "invitation").unwrap();
    dir.complete_password_reset(&third, Secret::new(ALICE_PW), false)
        .await
        .unwrap();
    assert!(
        dir.complete_password_reset(&third, Secret::new("someone else's idea"), false)
            .await
            .is_err(),
        "used once"
    );
    log_in_alice(&dir, &org).await;
    // Accepted: from now on the provider has nothing more to do with it.
    let v = dir.first_admin_invitation(&op(), &org.slug).await.unwrap();
    assert_eq!(v.map(|v| v.state), Some(InvitationState::Accepted));
    for r in [
        dir.resend_invitation(&op(), &org.slug, &alice())
            .await
            .err(),
        dir.revoke_invitation(&op(), &org.slug, &alice())
            .await
            .err(),
    ] {
        assert!(matches!(r, Some(CoreError::Forbidden { .. })), "{r:?}");
    }
}

#[tokio::test]
async fn the_operator_manages_only_the_first_admins_invitation_and_never_sees_its_link() {
    let (dir, store) = directory();
    let org = acme_with_alice(&dir).await;
    let admin = log_in_alice(&dir, &org).await.actor;
    // Alice invites Bob; the link goes to Bob's address only.
    let mut bob = new_user("bob", None);
    bob.password = PasswordInput::Invite;
    dir.create_user(&admin, &org.slug, bob).await.unwrap();
    assert!(link_mailed_to(&store, "bob@example.com", "invitation").is_some());
    let bob = Username::parse("bob").unwrap();
    let ghost = Username::parse("ghost").unwrap();
    // The operator may not resend, revoke or even read Bob's — nor learn whether "ghost"
    // exists: both refusals read the same.
    let on_bob = dir
        .revoke_invitation(&op(), &org.slug, &bob)
        .await
        .unwrap_err();
    let on_ghost = dir
        .revoke_invitation(&op(), &org.slug, &ghost)
        .await
        .unwrap_err();
    assert_eq!(on_bob, on_ghost);
    assert!(matches!(on_bob, CoreError::Forbidden { .. }), "{on_bob:?}");
    assert!(dir.invitation_of(&op(), &org.slug, &bob).await.is_err());
    // Alice revokes it: the link stops working.
    let token = link_mailed_to(&store, "bob@example.com", "invitation").unwrap();
    dir.revoke_invitation(&admin, &org.slug, &bob)
        .await
        .unwrap();
    assert!(dir.password_reset_prompt(&token).await.is_err());
    let v = dir
        .invitation_of(&admin, &org.slug, &bob)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(v.state, InvitationState::Revoked);
    assert!(!v.first_admin);
    // Nothing the service returns carries a link: the view has none, by construction.
    let names: Vec<String> = store
        .events(ChainKey::for_org(Some(org.id)))
        .into_iter()
        .map(|e| format!("{} {}", e.action, e.detail))
        .collect();
    assert!(
        names
            .iter()
            .any(|n| n.starts_with("user.invitation.revoked"))
    );
    assert!(!names.iter().any(|n| n.contains(&token)));
}

#[tokio::test]
async fn provider_staff_never_create_people_grant_access_or_delete() {
    let (dir, _) = directory();
    let org = acme_with_alice(&dir).await;
    let agent = Actor::SupportAgent {
        staff: crate::ids::StaffId::from_random([8; 16]),
    };
    for staff in [op(), agent] {
        let mut pw = new_user("mallory", Some("a password staff would know"));
        assert!(matches!(
            dir.create_user(&staff, &org.slug, pw.clone()).await,
            Err(CoreError::Forbidden { .. })
        ));
        pw.password = PasswordInput::Invite;
        assert!(matches!(
            dir.create_user(&staff, &org.slug, pw).await,
            Err(CoreError::Forbidden { .. })
        ));
        let e = dir
            .grant_admin(&staff, &org.slug, &alice())
            .await
            .unwrap_err();
        assert!(e.to_string().contains("at any time"), "{e}");
        assert!(matches!(
            dir.delete_user(&staff, &org.slug, &alice()).await,
            Err(CoreError::Forbidden { .. })
        ));
        assert!(matches!(
            dir.list_users(&staff, &org.slug, &crate::page::PageRequest::first(10))
                .await,
            Err(CoreError::Forbidden { .. })
        ));
    }
    // The operator still sees the billing facts: the plan and the seats used.
    assert_eq!(dir.count_users(&op(), &org.slug).await.unwrap(), 1);
}

#[tokio::test]
async fn a_suspended_org_signs_nobody_in_whatever_the_password_and_keeps_everything() {
    let (dir, _) = directory();
    let org = acme_with_alice(&dir).await;
    let token = log_in_alice(&dir, &org).await.token;
    dir.suspend_org(&op(), &org.slug).await.unwrap();
    for pw in [ALICE_PW, "wrong"] {
        assert!(matches!(
            dir.login(&org.slug, &alice(), Secret::new(pw), None).await,
            Err(CoreError::OrgSuspended)
        ));
    }
    assert!(matches!(
        dir.login(
            &org.slug,
            &Username::parse("nobody").unwrap(),
            Secret::new("x"),
            None
        )
        .await,
        Err(CoreError::OrgSuspended)
    ));
    assert!(matches!(
        dir.authenticate_token(token.secret.expose()).await,
        Err(CoreError::OrgSuspended)
    ));
    // Only the provider suspends and resumes; the org's admin cannot lift it.
    let admin = Actor::OrgAdmin {
        org: org.id,
        user: dir
            .store()
            .user_by_name(org.id, &alice())
            .await
            .unwrap()
            .unwrap()
            .id,
    };
    assert!(matches!(
        dir.resume_org(&admin, &org.slug).await,
        Err(CoreError::Forbidden { .. })
    ));
    dir.resume_org(&op(), &org.slug).await.unwrap();
    assert!(dir.authenticate_token(token.secret.expose()).await.is_ok());
    log_in_alice(&dir, &org).await;
}
