//! An org created with its first administrator is one change: both exist afterwards, or —
//! when either part is refused — neither does.

use super::*;

fn acme() -> NewOrg {
    NewOrg {
        slug: slug("acme"),
        name: "Acme".into(),
        plan: Plan::free(),
    }
}

#[tokio::test]
async fn an_org_and_its_first_admin_are_created_together() {
    let (dir, store) = directory();
    let org = acme_with_alice(&dir).await;
    let out = log_in_alice(&dir, &org).await;
    assert!(
        matches!(out.actor, Actor::OrgAdmin { .. }),
        "{:?}",
        out.actor
    );
    // The org's chain records its creation, the user and the admin role.
    let actions: Vec<String> = store
        .events(ChainKey::for_org(Some(org.id)))
        .into_iter()
        .map(|e| e.action)
        .collect();
    for a in ["org.create", "user.create", "admin.grant"] {
        assert!(actions.iter().any(|x| x == a), "{a} missing in {actions:?}");
    }
}

#[tokio::test]
async fn a_refused_admin_leaves_no_org_behind() {
    let (dir, _) = directory();
    // The password policy refuses the admin's password: no org either.
    let e = dir
        .create_org_with_admin(&op(), acme(), new_user("alice", Some("short")))
        .await
        .unwrap_err();
    assert!(matches!(e, CoreError::Invalid { .. }), "{e:?}");
    assert!(matches!(
        dir.get_org(&op(), &slug("acme")).await,
        Err(CoreError::NotFound { .. })
    ));
    // A suspended first admin is refused too.
    let mut suspended = new_user("alice", Some("a long enough passphrase"));
    suspended.status = UserStatus::Suspended;
    assert!(
        dir.create_org_with_admin(&op(), acme(), suspended)
            .await
            .is_err()
    );
    assert!(dir.get_org(&op(), &slug("acme")).await.is_err());
    // A taken slug refuses the whole thing, and the existing org gains no user.
    let first = org(&dir, "acme", Plan::free()).await;
    assert!(matches!(
        dir.create_org_with_admin(
            &op(),
            acme(),
            new_user("bob", Some("a long enough passphrase"))
        )
        .await,
        Err(CoreError::Conflict { .. })
    ));
    assert_eq!(dir.count_users(&op(), &first.slug).await.unwrap(), 0);
}
