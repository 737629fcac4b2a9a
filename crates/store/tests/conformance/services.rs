//! LDAP service accounts: round-trip, unique names per org, credential and lockout updates,
//! rotation, deletion, and no reach into another org.

use crate::fixtures::*;
use skydir_core::auth::LoginState;
use skydir_core::change::{HashOwner, Write};
use skydir_core::directory::{Name, ServiceAccount};
use skydir_core::ids::ServiceAccountId;
use skydir_core::ports::DirectoryStore;
use skydir_store::testing::TempStore;

on_both_backends!(
    service_accounts_round_trip_rotate_lock_and_delete,
    hash_upgrades_apply_only_over_the_hash_they_were_made_from,
);

fn account(org: &skydir_core::directory::Org, name: &str, n: u8) -> ServiceAccount {
    ServiceAccount {
        id: ServiceAccountId::from_random([n; 16]),
        org: org.id,
        name: Name::parse(name).unwrap(),
        description: "an application".into(),
        created_at: now(),
        password_set_at: now(),
    }
}

async fn service_accounts_round_trip_rotate_lock_and_delete(t: &TempStore) {
    let acme = new_org(t, "acme").await;
    let globex = new_org(t, "globex").await;
    let s = &t.store;
    let jenkins = account(&acme, "jenkins", 1);
    let gitlab = account(&acme, "gitlab", 2);
    for a in [&jenkins, &gitlab] {
        commit(
            t,
            Some(acme.id),
            vec![Write::CreateServiceAccount {
                account: a.clone(),
                credential: credential("hash-1"),
            }],
        )
        .await;
    }
    let name = Name::parse("jenkins").unwrap();
    assert_eq!(
        s.service_account_by_name(acme.id, &name).await.unwrap(),
        Some(jenkins.clone())
    );
    assert_eq!(
        s.service_accounts(acme.id).await.unwrap(),
        vec![gitlab.clone(), jenkins.clone()],
        "ordered by name"
    );
    assert_eq!(
        s.service_credential(acme.id, jenkins.id).await.unwrap(),
        Some(credential("hash-1"))
    );
    // Another org sees none of it, and its changes cannot touch it.
    assert_eq!(
        s.service_account_by_name(globex.id, &name).await.unwrap(),
        None
    );
    assert_eq!(s.service_accounts(globex.id).await.unwrap(), vec![]);
    assert_eq!(
        s.service_credential(globex.id, jenkins.id).await.unwrap(),
        None
    );
    let r = try_commit(
        t,
        Some(globex.id),
        vec![Write::DeleteServiceAccount(jenkins.id)],
    )
    .await;
    assert!(
        matches!(r, Err(skydir_core::CoreError::NotFound { .. })),
        "{r:?}"
    );
    // The same name in the same org is a conflict naming the field; in another org it is fine.
    let (field, reason) = conflict_of(
        try_commit(
            t,
            Some(acme.id),
            vec![Write::CreateServiceAccount {
                account: account(&acme, "jenkins", 3),
                credential: credential("hash-x"),
            }],
        )
        .await,
    );
    assert_eq!(field, "name");
    assert!(reason.contains("jenkins"), "{reason}");
    commit(
        t,
        Some(globex.id),
        vec![Write::CreateServiceAccount {
            account: account(&globex, "jenkins", 4),
            credential: credential("hash-g"),
        }],
    )
    .await;
    // Lockout state, then rotation (which resets it and moves password_set_at).
    let locked = LoginState {
        failures: 5,
        locked_until: Some(now()),
    };
    commit(
        t,
        Some(acme.id),
        vec![Write::SetServiceLoginState {
            account: jenkins.id,
            state: locked,
        }],
    )
    .await;
    let c = s
        .service_credential(acme.id, jenkins.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!((c.hash.as_str(), c.state), ("hash-1", locked));
    let later = now()
        .checked_add(jiff::SignedDuration::from_secs(60))
        .unwrap();
    commit(
        t,
        Some(acme.id),
        vec![Write::SetServiceCredential {
            account: jenkins.id,
            credential: credential("hash-2"),
            set_at: later,
        }],
    )
    .await;
    assert_eq!(
        s.service_credential(acme.id, jenkins.id).await.unwrap(),
        Some(credential("hash-2"))
    );
    let got = s
        .service_account_by_name(acme.id, &name)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(got.password_set_at, later);
    commit(
        t,
        Some(acme.id),
        vec![Write::DeleteServiceAccount(jenkins.id)],
    )
    .await;
    assert_eq!(
        s.service_account_by_name(acme.id, &name).await.unwrap(),
        None
    );
    assert_eq!(
        s.service_credential(acme.id, jenkins.id).await.unwrap(),
        None
    );
    assert_eq!(s.service_accounts(acme.id).await.unwrap(), vec![gitlab]);
}

async fn hash_upgrades_apply_only_over_the_hash_they_were_made_from(t: &TempStore) {
    let acme = new_org(t, "acme").await;
    let u = new_user(t, &acme, "ann").await;
    commit(
        t,
        Some(acme.id),
        vec![Write::SetCredential {
            user: u.id,
            credential: credential("legacy"),
        }],
    )
    .await;
    let svc = account(&acme, "jenkins", 7);
    commit(
        t,
        Some(acme.id),
        vec![Write::CreateServiceAccount {
            account: svc.clone(),
            credential: credential("legacy"),
        }],
    )
    .await;
    let s = &t.store;
    for owner in [HashOwner::User(u.id), HashOwner::Service(svc.id)] {
        let upgrade = |from: &str, to: &str| Write::UpgradeHash {
            owner,
            from_hash: from.into(),
            to_hash: to.into(),
        };
        // Made from a hash that is no longer there (the password changed): nothing happens.
        commit(t, Some(acme.id), vec![upgrade("stale", "stronger-stale")]).await;
        commit(t, Some(acme.id), vec![upgrade("legacy", "stronger")]).await;
        let hash = match owner {
            HashOwner::User(id) => s.credential(acme.id, id).await.unwrap().unwrap().hash,
            HashOwner::Service(id) => {
                s.service_credential(acme.id, id)
                    .await
                    .unwrap()
                    .unwrap()
                    .hash
            }
        };
        assert_eq!(hash, "stronger", "{owner:?}");
    }
    // Another org's change cannot upgrade these.
    let globex = new_org(t, "globex").await;
    commit(
        t,
        Some(globex.id),
        vec![Write::UpgradeHash {
            owner: HashOwner::User(u.id),
            from_hash: "stronger".into(),
            to_hash: "hijacked".into(),
        }],
    )
    .await;
    assert_eq!(
        s.credential(acme.id, u.id).await.unwrap().unwrap().hash,
        "stronger"
    );
}
