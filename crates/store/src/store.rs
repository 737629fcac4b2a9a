//! The [`Store`] handle: opening (pools, migrations, keyring, KEK check, orphan sweep), health
//! and shutdown. The directory operations live in `commit` and `reads`.

use crate::config::{Backend, StoreConfig, redact_url};
use crate::db::{Db, args};
use crate::error::{StoreError, StoreResult};
use crate::keyring::Keyring;
use skydir_core::change::Touched;
use sqlx::migrate::Migrator;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("migrations/sqlite");
static POSTGRES_MIGRATIONS: Migrator = sqlx::migrate!("migrations/postgres");

/// How long a SQLite writer waits for the lock before giving up.
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// The directory store over SQLite or PostgreSQL. Cheap to clone; all clones share the pools
/// and the key cache.
#[derive(Clone)]
pub struct Store {
    pub(crate) inner: Arc<Inner>,
}

pub(crate) struct Inner {
    pub(crate) db: Db,
    pub(crate) keyring: Keyring,
    /// Tells readers (the LDAP read model) what each committed change touched, numbered.
    pub(crate) touched: std::sync::Mutex<(u64, tokio::sync::broadcast::Sender<Touched>)>,
    /// The number of the last notice sent (the lock's counter, readable without the lock).
    pub(crate) touched_last: std::sync::atomic::AtomicU64,
    /// This process's id in cross-process change notices (PostgreSQL).
    pub(crate) origin: uuid::Uuid,
    /// The LISTEN task on PostgreSQL, stopped by [`Store::close`].
    listener: std::sync::Mutex<Option<tokio::task::AbortHandle>>,
}

/// How many unread change notices a slow reader may fall behind before it must rebuild.
const TOUCHED_BACKLOG: usize = 4096;

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("backend", &self.backend())
            .field("keyring", &self.inner.keyring.backend().as_str())
            .finish()
    }
}

impl Store {
    /// Notices of what each change committed from now on touched, in commit order. A receiver
    /// that falls more than a few thousand notices behind gets `Lagged` and should rebuild.
    pub fn subscribe(&self) -> tokio::sync::broadcast::Receiver<Touched> {
        match self.inner.touched.lock() {
            Ok(g) => g.1.subscribe(),
            Err(p) => p.into_inner().1.subscribe(),
        }
    }

    /// The number of the last change notice sent. A reader that has applied this many is
    /// current with every change this process committed (read-your-writes across front ends).
    pub fn touched_seq(&self) -> u64 {
        // Read on every LDAP search: an atomic, not the sending lock.
        self.inner
            .touched_last
            .load(std::sync::atomic::Ordering::Acquire)
    }

    /// Numbers and sends a change notice (numbering and sending under one lock, so receivers
    /// see the numbers in order).
    pub(crate) fn notify(&self, mut t: Touched) {
        let mut g = match self.inner.touched.lock() {
            Ok(g) => g,
            Err(p) => p.into_inner(),
        };
        g.0 += 1;
        t.seq = g.0;
        self.inner
            .touched_last
            .store(g.0, std::sync::atomic::Ordering::Release);
        // No receiver is fine: nobody reads the directory through a cache.
        let _ = g.1.send(t);
    }

    /// Opens the store: connects, runs migrations on the data and the keyring, checks the KEK,
    /// checks that keyring and data belong together, and destroys orphaned keys.
    pub async fn open(cfg: StoreConfig) -> Result<Store, StoreError> {
        let max = cfg.max_connections.max(1);
        let bad_url = |_| {
            StoreError::Config(format!(
                "cannot parse database URL '{}'",
                redact_url(&cfg.database_url)
            ))
        };
        let (db, pg) = match Backend::of_url(&cfg.database_url)? {
            Backend::Sqlite => {
                let opts = SqliteConnectOptions::from_str(&cfg.database_url)
                    .map_err(bad_url)?
                    .create_if_missing(true)
                    .journal_mode(SqliteJournalMode::Wal)
                    .synchronous(SqliteSynchronous::Full)
                    .foreign_keys(true)
                    .busy_timeout(BUSY_TIMEOUT);
                crate::private_file::create_private(opts.get_filename())?;
                let pool = SqlitePoolOptions::new()
                    .max_connections(max)
                    .connect_with(opts)
                    .await?;
                SQLITE_MIGRATIONS.run(&pool).await?;
                (Db::Sqlite(pool), None)
            }
            Backend::Postgres => {
                let opts = PgConnectOptions::from_str(&cfg.database_url).map_err(bad_url)?;
                crate::pg_tls::warn_if_unverified(&opts);
                let pool = PgPoolOptions::new()
                    .max_connections(max)
                    .connect_with(opts.clone())
                    .await
                    .map_err(|e| crate::pg_tls::connect_error(e, &opts))?;
                POSTGRES_MIGRATIONS.run(&pool).await?;
                (Db::Postgres(pool), Some(opts))
            }
        };
        let keyring = Keyring::open(&cfg.keyring, &db, pg.as_ref(), cfg.kek).await?;
        bind_keyring(&db, &keyring).await?;
        let store = Store {
            inner: Arc::new(Inner {
                db,
                keyring,
                touched: std::sync::Mutex::new((
                    0,
                    tokio::sync::broadcast::channel(TOUCHED_BACKLOG).0,
                )),
                touched_last: std::sync::atomic::AtomicU64::new(0),
                origin: uuid::Uuid::new_v4(),
                listener: std::sync::Mutex::new(None),
            }),
        };
        if let Db::Postgres(pool) = &store.inner.db {
            let task = tokio::spawn(crate::notify::listen(
                Arc::downgrade(&store.inner),
                pool.clone(),
                store.inner.origin,
            ));
            if let Ok(mut l) = store.inner.listener.lock() {
                *l = Some(task.abort_handle());
            }
        }
        // The deployment key exists from the first start on (it is the deployment's, not any
        // change's: a change that fails never leaves it behind, because it was already there).
        store.keyring().deployment().await?;
        let swept = store.sweep_orphan_keys().await?;
        if swept > 0 {
            tracing::info!(swept, "destroyed data keys whose records no longer exist");
        }
        let indexed = store.fill_email_index().await?;
        if indexed > 0 {
            tracing::info!(indexed, "indexed users' addresses for mail intake");
        }
        Ok(store)
    }

    /// Checks that the data and keyring databases answer.
    pub async fn ping(&self) -> Result<(), StoreError> {
        self.inner.db.fetch_optional("SELECT 1", vec![]).await?;
        self.inner.keyring.ping().await
    }

    /// `"sqlite"` or `"postgres"`.
    pub fn backend(&self) -> &'static str {
        self.inner.db.backend().as_str()
    }

    /// Closes the pools; later calls fail.
    pub async fn close(&self) {
        if let Ok(mut l) = self.inner.listener.lock()
            && let Some(task) = l.take()
        {
            task.abort();
        }
        self.inner.db.close().await;
        self.inner.keyring.close().await;
    }

    pub(crate) fn db(&self) -> &Db {
        &self.inner.db
    }

    pub(crate) fn keyring(&self) -> &Keyring {
        &self.inner.keyring
    }
}

/// Ties data and keyring together with a shared random id, so a store never runs (and never
/// sweeps keys) with a keyring made for another database — an empty data file next to a full
/// keyring would otherwise look like every key is an orphan.
async fn bind_keyring(db: &Db, keyring: &Keyring) -> StoreResult<()> {
    const NAME: &str = "keyring_id";
    let data_id = data_meta(db, NAME).await?;
    let ring_id = keyring.meta(NAME).await?;
    match (data_id, ring_id) {
        (Some(d), Some(r)) if d == r => Ok(()),
        (Some(d), Some(r)) => Err(StoreError::KeyringMismatch(format!(
            "the database expects keyring {d} but this keyring is {r}"
        ))),
        (None, ring) => {
            let ring = match ring {
                Some(r) if keyring.key_count().await? > 0 => {
                    return Err(StoreError::KeyringMismatch(format!(
                        "keyring {r} holds the keys of another database, and this database is new"
                    )));
                }
                Some(r) => r,
                None => keyring.meta_init(NAME, &new_id()?).await?,
            };
            db.execute(
                "INSERT INTO store_meta (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING",
                args![NAME, ring.as_str()],
            )
            .await?;
            match data_meta(db, NAME).await? {
                Some(d) if d == ring => Ok(()),
                _ => Err(StoreError::KeyringMismatch(
                    "another process bound this database to a different keyring".into(),
                )),
            }
        }
        (Some(d), None) => {
            let orgs = db
                .fetch_optional("SELECT COUNT(*) FROM orgs", vec![])
                .await?
                .map(|r| r.int(0))
                .transpose()?
                .unwrap_or(0);
            if orgs > 0 {
                return Err(StoreError::KeyringMismatch(format!(
                    "the keyring is empty but the database holds data sealed under keyring {d}; \
                     restore that keyring"
                )));
            }
            match keyring.meta_init(NAME, &d).await? {
                r if r == d => Ok(()),
                _ => Err(StoreError::KeyringMismatch(
                    "another process bound the keyring to a different database".into(),
                )),
            }
        }
    }
}

async fn data_meta(db: &Db, name: &str) -> StoreResult<Option<String>> {
    db.fetch_optional("SELECT value FROM store_meta WHERE name = $1", args![name])
        .await?
        .map(|r| r.text(0))
        .transpose()
}

fn new_id() -> StoreResult<String> {
    let mut b = [0u8; 16];
    crate::crypto::random(&mut b)?;
    Ok(uuid::Builder::from_random_bytes(b).into_uuid().to_string())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use crate::config::Backend;
    use crate::db::Db;
    use crate::testing::temp_store;

    async fn pragma_int(db: &Db, name: &str) -> i64 {
        let sql = sqlx::AssertSqlSafe(format!("PRAGMA {name}"));
        db.fetch_optional(sql, vec![])
            .await
            .unwrap()
            .unwrap()
            .int(0)
            .unwrap()
    }

    #[tokio::test]
    async fn sqlite_connections_are_durable_and_enforce_foreign_keys() {
        let t = temp_store(Backend::Sqlite).await.unwrap();
        for db in [t.store.db(), t.store.keyring().db()] {
            let mode = db
                .fetch_optional("PRAGMA journal_mode", vec![])
                .await
                .unwrap()
                .unwrap()
                .text(0)
                .unwrap();
            assert_eq!(mode, "wal");
            assert_eq!(pragma_int(db, "synchronous").await, 2, "synchronous=FULL");
            assert_eq!(pragma_int(db, "foreign_keys").await, 1);
            assert!(pragma_int(db, "busy_timeout").await >= 5_000);
        }
        assert_eq!(pragma_int(t.store.keyring().db(), "secure_delete").await, 1);
        assert_eq!(t.store.backend(), "sqlite");
        t.store.ping().await.unwrap();
        t.cleanup().await.unwrap();
    }
}
