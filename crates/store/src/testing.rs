//! Throw-away stores for tests (this crate's and other crates'): a fresh SQLite store in a
//! temporary directory, or a fresh PostgreSQL database `skydir_t_<random>` created through the
//! server named by `SKYDIR_TEST_DATABASE_URL` and dropped again by [`TempStore::cleanup`] (or,
//! failing that, when the `TempStore` is dropped).

use crate::config::{Backend, Kek, KeyringLocation, StoreConfig, redact_url};
use crate::crypto::random;
use crate::error::StoreError;
use crate::store::Store;
use sqlx::{AssertSqlSafe, Connection, PgConnection};
use std::path::{Path, PathBuf};
use tempfile::TempDir;

/// The environment variable naming the PostgreSQL server for tests.
pub const TEST_DATABASE_URL_ENV: &str = "SKYDIR_TEST_DATABASE_URL";

/// The keyring schema temporary PostgreSQL stores use.
pub const TEST_KEYRING_SCHEMA: &str = "skydir_keyring";

/// The PostgreSQL URL for tests, if one is configured.
pub fn test_database_url() -> Option<String> {
    std::env::var(TEST_DATABASE_URL_ENV)
        .ok()
        .filter(|s| !s.trim().is_empty())
}

/// A store on a fresh database, with what tests need to look behind it.
pub struct TempStore {
    /// The open store.
    pub store: Store,
    /// Which engine it runs on.
    pub backend: Backend,
    /// The configuration it was opened with (to reopen it, or open a copy).
    pub config: StoreConfig,
    /// SQLite: the data file.
    pub sqlite_data: Option<PathBuf>,
    /// SQLite: the keyring file.
    pub sqlite_keyring: Option<PathBuf>,
    dir: Option<TempDir>,
    pg: Option<PgScratch>,
}

struct PgScratch {
    admin_url: String,
    name: String,
    dropped: bool,
}

impl std::fmt::Debug for TempStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TempStore")
            .field("backend", &self.backend)
            .field("sqlite_data", &self.sqlite_data)
            .field("pg_database", &self.pg.as_ref().map(|p| &p.name))
            .finish()
    }
}

/// Opens a store on a fresh database of `kind`. For PostgreSQL, `SKYDIR_TEST_DATABASE_URL` must
/// be set and reachable: an error here is a failure, never a reason to skip.
pub async fn temp_store(kind: Backend) -> Result<TempStore, StoreError> {
    let mut kek = [0u8; 32];
    random(&mut kek)?;
    let kek = Kek::from_bytes(kek);
    match kind {
        Backend::Sqlite => {
            let dir = tempfile::tempdir()
                .map_err(|e| StoreError::Config(format!("cannot create a temp dir: {e}")))?;
            let data = dir.path().join("skydir.db");
            let keyring = dir.path().join("keyring.db");
            let config = StoreConfig {
                database_url: format!("sqlite://{}", data.display()),
                keyring: KeyringLocation::SqliteFile(keyring.clone()),
                kek,
                max_connections: 4,
            };
            let store = Store::open(config.clone()).await?;
            Ok(TempStore {
                store,
                backend: kind,
                config,
                sqlite_data: Some(data),
                sqlite_keyring: Some(keyring),
                dir: Some(dir),
                pg: None,
            })
        }
        Backend::Postgres => {
            let admin_url = test_database_url()
                .ok_or_else(|| StoreError::Config(format!("{TEST_DATABASE_URL_ENV} is not set")))?;
            let mut suffix = [0u8; 8];
            random(&mut suffix)?;
            let name = format!("skydir_t_{}", hex::encode(suffix));
            let mut admin = PgConnection::connect(&admin_url).await.map_err(|e| {
                StoreError::Config(format!(
                    "cannot reach the test PostgreSQL at {}: {e}",
                    redact_url(&admin_url)
                ))
            })?;
            sqlx::query(AssertSqlSafe(format!("CREATE DATABASE {name}")))
                .execute(&mut admin)
                .await?;
            let _ = admin.close().await;
            let mut scratch = PgScratch {
                admin_url: admin_url.clone(),
                name: name.clone(),
                dropped: false,
            };
            let config = StoreConfig {
                database_url: with_database(&admin_url, &name)?,
                keyring: KeyringLocation::PostgresSchema(TEST_KEYRING_SCHEMA.into()),
                kek,
                max_connections: 4,
            };
            let store = match Store::open(config.clone()).await {
                Ok(s) => s,
                Err(e) => {
                    let _ = drop_database(&scratch.admin_url, &scratch.name).await;
                    scratch.dropped = true;
                    return Err(e);
                }
            };
            Ok(TempStore {
                store,
                backend: kind,
                config,
                sqlite_data: None,
                sqlite_keyring: None,
                dir: None,
                pg: Some(scratch),
            })
        }
    }
}

impl TempStore {
    /// Opens another store on the same database and keyring.
    pub async fn reopen(&self) -> Result<Store, StoreError> {
        Store::open(self.config.clone()).await
    }

    /// The temporary directory of a SQLite store.
    pub fn dir(&self) -> Option<&Path> {
        self.dir.as_ref().map(TempDir::path)
    }

    /// Closes the store and removes its database (PostgreSQL) or directory (SQLite).
    pub async fn cleanup(mut self) -> Result<(), StoreError> {
        self.store.close().await;
        if let Some(pg) = self.pg.as_mut() {
            drop_database(&pg.admin_url, &pg.name).await?;
            pg.dropped = true;
        }
        Ok(())
    }
}

impl Drop for TempStore {
    fn drop(&mut self) {
        let Some(pg) = self.pg.as_mut() else {
            return;
        };
        if pg.dropped {
            return;
        }
        pg.dropped = true;
        let (url, name) = (pg.admin_url.clone(), pg.name.clone());
        // A test that failed before `cleanup`: drop the database from a thread of its own, as
        // this may run inside an async runtime that must not be blocked on.
        let _ = std::thread::spawn(move || {
            if let Ok(rt) = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            {
                let _ = rt.block_on(drop_database(&url, &name));
            }
        })
        .join();
    }
}

async fn drop_database(admin_url: &str, name: &str) -> Result<(), StoreError> {
    let mut admin = PgConnection::connect(admin_url).await?;
    sqlx::query(AssertSqlSafe(format!(
        "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
    )))
    .execute(&mut admin)
    .await?;
    let _ = admin.close().await;
    Ok(())
}

/// `url` with its database name replaced by `db`.
pub fn with_database(url: &str, db: &str) -> Result<String, StoreError> {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let (scheme, rest) = base
        .split_once("://")
        .ok_or_else(|| StoreError::Config(format!("'{}' is not a URL", redact_url(url))))?;
    let authority = rest.split('/').next().unwrap_or(rest);
    Ok(match query {
        Some(q) => format!("{scheme}://{authority}/{db}?{q}"),
        None => format!("{scheme}://{authority}/{db}"),
    })
}
