//! Encryption at rest: personal data never reaches the database files in clear, ciphertext is
//! bound to its row and field, and erasing a user makes every old copy of their record
//! unreadable (crypto-shredding).

use crate::fixtures::*;
use skydir_core::CoreError;
use skydir_core::change::Write;
use skydir_core::page::PageRequest;
use skydir_core::ports::DirectoryStore;
use skydir_store::testing::TempStore;
use skydir_store::{Backend, Store, StoreConfig};
use std::path::Path;

on_both_backends!(
    personal_data_is_never_stored_in_clear,
    ciphertext_moved_to_another_row_or_field_does_not_decrypt,
    a_restored_row_of_an_erased_user_cannot_be_decrypted,
);

/// Personal values the fixtures plant in every user.
const NEEDLES: &[&str] = &[
    "+1 555 867 5309",
    "742 Evergreen Terrace",
    "Springfield",
    "Simpson",
    "@example.com",
    "AAAAC3NzaC1lZDI1NTE5AAAAIFakeKeyBody",
];

fn file_contains(path: &Path, needle: &str) -> bool {
    match std::fs::read(path) {
        Ok(bytes) => bytes.windows(needle.len()).any(|w| w == needle.as_bytes()),
        Err(_) => false,
    }
}

fn sqlite_files(t: &TempStore) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for base in [t.sqlite_data.clone(), t.sqlite_keyring.clone()]
        .into_iter()
        .flatten()
    {
        let wal = base.with_file_name(format!(
            "{}-wal",
            base.file_name().unwrap().to_string_lossy()
        ));
        out.push(base);
        out.push(wal);
    }
    out
}

async fn personal_data_is_never_stored_in_clear(t: &TempStore) {
    let o = new_org(t, "acme").await;
    let u = new_user(t, &o, "homer").await;
    // An update writes fresh ciphertext too.
    let mut u2 = u.clone();
    u2.personal
        .custom
        .0
        .insert("note".into(), "742 Evergreen Terrace".into());
    commit(t, Some(o.id), vec![Write::UpdateUser(Box::new(u2))]).await;
    // The store itself reads it back in clear.
    let back = t.store.user_by_id(o.id, u.id).await.unwrap().unwrap();
    assert_eq!(back.personal.phones.0, vec!["+1 555 867 5309".to_string()]);

    match t.backend {
        Backend::Sqlite => {
            let files = sqlite_files(t);
            assert!(
                files
                    .iter()
                    .any(|f| f.ends_with("skydir.db-wal") && f.exists())
            );
            for f in &files {
                for n in NEEDLES {
                    assert!(!file_contains(f, n), "{n:?} found in {}", f.display());
                }
            }
            // And after the WAL is folded into the main file.
            let raw = Raw::open(t).await;
            raw.exec("PRAGMA wal_checkpoint(TRUNCATE)").await;
            raw.close().await;
            for f in &files {
                for n in NEEDLES {
                    assert!(!file_contains(f, n), "{n:?} found in {}", f.display());
                }
            }
        }
        Backend::Postgres => {
            let raw = Raw::open(t).await;
            let tables = raw
                .texts(
                    "SELECT schemaname || '.' || tablename FROM pg_tables \
                     WHERE schemaname IN ('public', 'skydir_keyring') ORDER BY 1",
                )
                .await;
            assert!(tables.contains(&"public.users".to_string()), "{tables:?}");
            assert!(tables.contains(&"skydir_keyring.data_keys".to_string()));
            for table in tables {
                let rows = raw.texts(&format!("SELECT t::text FROM {table} t")).await;
                for row in rows {
                    for n in NEEDLES {
                        assert!(!row.contains(n), "{n:?} found in {table}");
                    }
                }
            }
            raw.close().await;
        }
    }
}

async fn ciphertext_moved_to_another_row_or_field_does_not_decrypt(t: &TempStore) {
    let o = new_org(t, "acme").await;
    let a = new_user(t, &o, "a").await;
    let b = new_user(t, &o, "b").await;
    let c = new_user(t, &o, "c").await;
    let raw = Raw::open(t).await;
    // Another row's phones (sealed under another user's key and id).
    raw.exec(&format!(
        "UPDATE users SET phones_ct = (SELECT phones_ct FROM users WHERE id = '{}') \
         WHERE id = '{}'",
        a.id, b.id
    ))
    .await;
    // Another field of the same row (same key, other field in the associated data).
    raw.exec(&format!(
        "UPDATE users SET given_name_ct = family_name_ct WHERE id = '{}'",
        c.id
    ))
    .await;
    raw.close().await;
    for victim in [&b, &c] {
        match t.store.user_by_id(o.id, victim.id).await {
            Err(CoreError::Internal(msg)) => {
                assert!(msg.contains("does not decrypt"), "{msg}");
                assert!(!msg.contains("555 0"), "{msg}");
            }
            other => panic!("expected a decryption failure, got {other:?}"),
        }
    }
    assert_eq!(t.store.user_by_id(o.id, a.id).await.unwrap(), Some(a));
}

async fn a_restored_row_of_an_erased_user_cannot_be_decrypted(t: &TempStore) {
    let o = new_org(t, "acme").await;
    let victim = new_user(t, &o, "victim").await;
    let other = new_user(t, &o, "other").await;
    let raw = Raw::open(t).await;
    // A "backup" of the victim's row, taken before the erasure.
    raw.exec(&format!(
        "CREATE TABLE users_backup AS SELECT * FROM users WHERE id = '{}'",
        victim.id
    ))
    .await;
    let (ring, table) = Raw::open_keyring(t).await;
    assert!(ring.key_ids(table).await.contains(&user_key_id(&victim)));

    commit(t, Some(o.id), vec![Write::EraseUser(victim.id)]).await;
    assert!(!ring.key_ids(table).await.contains(&user_key_id(&victim)));
    assert!(ring.key_ids(table).await.contains(&user_key_id(&other)));
    ring.close().await;

    // Restore the row: it comes back, but nobody can read it any more.
    raw.exec("INSERT INTO users SELECT * FROM users_backup")
        .await;
    raw.close().await;
    match t.store.user_by_id(o.id, victim.id).await {
        Err(CoreError::Internal(msg)) => assert!(msg.contains("not in the keyring"), "{msg}"),
        other => panic!("expected the erased user to be unreadable, got {other:?}"),
    }
    assert_eq!(
        t.store.user_by_id(o.id, other.id).await.unwrap(),
        Some(other)
    );
}

/// SQLite only: a copy of the data file taken before the erasure, opened later with the same
/// keyring and KEK, still holds the victim's row — and it cannot be decrypted.
#[tokio::test]
async fn sqlite_copy_of_the_data_file_is_shredded_by_erasure() {
    let t = fresh(Backend::Sqlite).await;
    let o = new_org(&t, "acme").await;
    let victim = new_user(&t, &o, "victim").await;
    let other = new_user(&t, &o, "other").await;

    let data = t.sqlite_data.clone().unwrap();
    let raw = Raw::open(&t).await;
    raw.exec("PRAGMA wal_checkpoint(TRUNCATE)").await;
    raw.close().await;
    let copy = t.dir().unwrap().join("copy.db");
    std::fs::copy(&data, &copy).unwrap();

    // The wrapped key as it sits in the keyring file before the erasure.
    let (ring, table) = Raw::open_keyring(&t).await;
    let wrapped = ring
        .texts(&format!(
            "SELECT wrapped FROM {table} WHERE id = '{}'",
            user_key_id(&victim)
        ))
        .await
        .pop()
        .unwrap();
    ring.close().await;

    commit(&t, Some(o.id), vec![Write::EraseUser(victim.id)]).await;

    // The wrapped key is gone from the keyring file and its WAL (secure_delete + checkpoint).
    let keyring = t.sqlite_keyring.clone().unwrap();
    let keyring_wal = keyring.with_file_name("keyring.db-wal");
    assert!(!file_contains(&keyring, &wrapped[3..]));
    assert!(!file_contains(&keyring_wal, &wrapped[3..]));

    let copy_store = Store::open(StoreConfig {
        database_url: format!("sqlite://{}", copy.display()),
        ..t.config.clone()
    })
    .await
    .unwrap();
    match copy_store.user_by_id(o.id, victim.id).await {
        Err(CoreError::Internal(msg)) => assert!(msg.contains("not in the keyring"), "{msg}"),
        other => panic!("expected the erased user to be unreadable, got {other:?}"),
    }
    assert!(
        copy_store
            .list_users(o.id, &PageRequest::first(10))
            .await
            .is_err()
    );
    assert_eq!(
        copy_store.user_by_id(o.id, other.id).await.unwrap(),
        Some(other)
    );
    copy_store.close().await;
    t.cleanup().await.unwrap();
}
