//! The keyring: a wrong KEK or a keyring of another database is refused at open, keys of
//! failed changes are removed, and orphaned keys are swept at start-up after a grace period.

use crate::fixtures::*;
use skydir_core::change::{Change, Write};
use skydir_core::ports::DirectoryStore;
use skydir_store::testing::TempStore;
use skydir_store::{Backend, Kek, KeyringLocation, Store, StoreConfig, StoreError};

on_both_backends!(
    a_wrong_kek_is_refused_with_a_clear_message,
    a_keyring_of_another_database_is_refused,
    a_failed_change_leaves_no_key_behind,
    orphaned_keys_are_swept_at_open,
);

async fn a_wrong_kek_is_refused_with_a_clear_message(t: &TempStore) {
    let o = new_org(t, "acme").await;
    new_user(t, &o, "ann").await;
    let cfg = StoreConfig {
        kek: Kek::from_bytes([0x42; 32]),
        ..t.config.clone()
    };
    match Store::open(cfg).await {
        Err(e @ StoreError::WrongKek) => {
            let msg = e.to_string();
            assert_eq!(
                msg,
                "the key-encryption key does not unwrap the keyring; is SKYDIR_KEK_FILE the right file?"
            );
        }
        other => panic!("expected WrongKek, got {other:?}"),
    }
    // The right KEK still opens it.
    let again = t.reopen().await.unwrap();
    assert!(
        again
            .user_by_name(o.id, &user(&o, "ann").username)
            .await
            .unwrap()
            .is_some()
    );
    again.close().await;
}

async fn a_keyring_of_another_database_is_refused(t: &TempStore) {
    let o = new_org(t, "acme").await;
    new_user(t, &o, "ann").await;
    // This database's data with an empty keyring: its data would be unreadable.
    let empty_keyring = match t.backend {
        Backend::Sqlite => KeyringLocation::SqliteFile(t.dir().unwrap().join("other-keyring.db")),
        Backend::Postgres => KeyringLocation::PostgresSchema("other_keyring".into()),
    };
    let cfg = StoreConfig {
        keyring: empty_keyring,
        ..t.config.clone()
    };
    let r = Store::open(cfg).await;
    assert!(matches!(r, Err(StoreError::KeyringMismatch(_))), "{r:?}");

    if t.backend == Backend::Sqlite {
        // A new, empty data file next to this keyring: every key would look orphaned.
        let cfg = StoreConfig {
            database_url: format!("sqlite://{}", t.dir().unwrap().join("new.db").display()),
            ..t.config.clone()
        };
        let r = Store::open(cfg).await;
        assert!(matches!(r, Err(StoreError::KeyringMismatch(_))), "{r:?}");
    }
    // Nothing was destroyed on the way.
    let again = t.reopen().await.unwrap();
    assert!(
        again
            .user_by_name(o.id, &user(&o, "ann").username)
            .await
            .unwrap()
            .is_some()
    );
    again.close().await;
}

async fn a_failed_change_leaves_no_key_behind(t: &TempStore) {
    let o = new_org(t, "acme").await;
    new_group(t, &o, "taken").await;
    let (ring, table) = Raw::open_keyring(t).await;
    let before = ring.key_ids(table).await;
    // The deployment's own key exists from the store's first start; the org's from its creation.
    assert_eq!(
        before,
        vec!["deployment".to_string(), format!("org/{}", o.id)]
    );

    let doomed = user(&o, "doomed");
    let change = Change::new(Some(o.id))
        .write(Write::CreateUser {
            user: Box::new(doomed),
            credential: None,
        })
        .write(Write::CreateGroup(group(&o, "taken")))
        .audit(draft(Some(o.id), "user.create"));
    assert!(t.store.commit(change).await.is_err());
    // A failed org creation takes its key back too.
    let dup_org = org("acme");
    assert!(
        try_commit(t, Some(dup_org.id), vec![Write::CreateOrg(dup_org)])
            .await
            .is_err()
    );
    assert_eq!(ring.key_ids(table).await, before);
    ring.close().await;
}

async fn orphaned_keys_are_swept_at_open(t: &TempStore) {
    let o = new_org(t, "acme").await;
    let live = new_user(t, &o, "live").await;
    let (ring, table) = Raw::open_keyring(t).await;
    let ghost_org = uuid::Uuid::new_v4();
    let ghost_user = uuid::Uuid::new_v4();
    let recent_user = uuid::Uuid::new_v4();
    // Keys left by crashes long ago (created_at 0), and one from a moment ago that another
    // process may still be about to use.
    for (id, user, created) in [
        (format!("org/{ghost_org}"), "NULL".to_string(), "0"),
        (
            format!("user/{}/{ghost_user}", o.id),
            format!("'{ghost_user}'"),
            "0",
        ),
        (
            format!("user/{}/{recent_user}", o.id),
            format!("'{recent_user}'"),
            "9000000000000000",
        ),
    ] {
        ring.exec(&format!(
            "INSERT INTO {table} (id, org_id, user_id, wrapped, created_at) \
             VALUES ('{id}', '{}', {user}, 'v1:AAAA', {created})",
            if id.starts_with("org/") {
                ghost_org.to_string()
            } else {
                o.id.to_string()
            }
        ))
        .await;
    }
    // Make the live keys old too, so only their owners' existence protects them.
    ring.exec(&format!(
        "UPDATE {table} SET created_at = 1 WHERE id NOT LIKE '%{recent_user}'"
    ))
    .await;

    let reopened = t.reopen().await.unwrap();
    let ids = ring.key_ids(table).await;
    assert!(!ids.contains(&format!("org/{ghost_org}")), "{ids:?}");
    assert!(
        !ids.contains(&format!("user/{}/{ghost_user}", o.id)),
        "{ids:?}"
    );
    assert!(
        ids.contains(&format!("user/{}/{recent_user}", o.id)),
        "{ids:?}"
    );
    assert!(ids.contains(&format!("org/{}", o.id)), "{ids:?}");
    assert!(ids.contains(&user_key_id(&live)), "{ids:?}");
    assert!(
        ids.contains(&"deployment".to_string()),
        "never swept: {ids:?}"
    );
    assert_eq!(
        reopened.user_by_id(o.id, live.id).await.unwrap(),
        Some(live)
    );
    reopened.close().await;
    ring.close().await;
}
