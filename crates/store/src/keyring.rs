//! The keyring: every data key (one per org, one per user), wrapped by the KEK and kept apart
//! from the data — in its own SQLite file (secure_delete on, so destroyed keys are overwritten)
//! or in its own PostgreSQL schema reached through a pool of its own.
//!
//! Destroying a user's key is what makes erasure final: copies of the data (backups, replicas,
//! free pages) keep only ciphertext nobody can open any more.

use crate::config::{Backend, Kek, KeyringLocation, check_schema_name};
use crate::crypto::{self, DataKey};
use crate::db::{Arg, Db, args};
use crate::error::{StoreError, StoreResult};
use skydir_core::ids::{OrgId, UserId};
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{AssertSqlSafe, migrate::Migrator};
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;
use zeroize::Zeroizing;

static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("migrations/keyring-sqlite");
static POSTGRES_MIGRATIONS: Migrator = sqlx::migrate!("migrations/keyring-postgres");

/// Associated data and plaintext of the KEK check value.
const KEK_CHECK_AAD: &[u8] = b"skydir/v1|keyring|kek-check";
const KEK_CHECK_PLAINTEXT: &[u8] = b"skydir keyring";

/// Keys younger than this are never swept: their record may still be committing elsewhere.
pub(crate) const SWEEP_GRACE_MICROS: i64 = 15 * 60 * 1_000_000;

/// Most keys held unwrapped in memory before the cache is emptied.
const CACHE_LIMIT: usize = 100_000;

/// Stores one wrapped key.
const INSERT_KEY: &str =
    "INSERT INTO data_keys (id, org_id, user_id, wrapped) VALUES ($1, $2, $3, $4)";

/// Largest `IN (…)` list the keyring sends at once.
const CHUNK: usize = 500;

/// Whose key it is. The text form is the key's id and the associated data of its wrapping.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum KeyId {
    /// The deployment's own key: it seals the outbound mail queue and keys the blind indexes
    /// that work across orgs (sender addresses, mail thread ids). Never swept, never shredded.
    Deployment,
    Org(OrgId),
    User(OrgId, UserId),
}

/// The `org_id` the deployment key is stored under (no org has it).
pub(crate) const DEPLOYMENT_OWNER: &str = "deployment";

impl KeyId {
    /// `deployment`, `org/<org>` or `user/<org>/<user>`.
    pub(crate) fn text(&self) -> String {
        match self {
            Self::Deployment => DEPLOYMENT_OWNER.to_string(),
            Self::Org(o) => format!("org/{o}"),
            Self::User(o, u) => format!("user/{o}/{u}"),
        }
    }

    fn owner(&self) -> String {
        match self {
            Self::Deployment => DEPLOYMENT_OWNER.to_string(),
            Self::Org(o) | Self::User(o, _) => o.to_string(),
        }
    }

    fn user(&self) -> Option<UserId> {
        match self {
            Self::Deployment | Self::Org(_) => None,
            Self::User(_, u) => Some(*u),
        }
    }
}

/// A stored key's owner, as the orphan sweep sees it.
#[derive(Debug, Clone)]
pub(crate) struct KeyOwner {
    pub id: String,
    pub org: String,
    pub user: Option<String>,
}

/// The open keyring.
pub(crate) struct Keyring {
    db: Db,
    kek: Kek,
    cache: Mutex<HashMap<String, DataKey>>,
}

impl std::fmt::Debug for Keyring {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Keyring")
            .field("backend", &self.db.backend())
            .finish_non_exhaustive()
    }
}

impl Keyring {
    /// Opens (creating and migrating if needed) the keyring and checks the KEK against it.
    /// `pg` is the data database's connection options, for a keyring schema beside the data.
    pub(crate) async fn open(
        location: &KeyringLocation,
        data: &Db,
        pg: Option<&PgConnectOptions>,
        kek: Kek,
    ) -> StoreResult<Self> {
        let db = match location {
            KeyringLocation::SqliteFile(path) => {
                crate::private_file::create_private(path)?;
                let opts = SqliteConnectOptions::new()
                    .filename(path)
                    .create_if_missing(true)
                    .journal_mode(SqliteJournalMode::Wal)
                    .synchronous(SqliteSynchronous::Full)
                    .foreign_keys(true)
                    .busy_timeout(Duration::from_secs(10))
                    .pragma("secure_delete", "ON");
                let pool = SqlitePoolOptions::new()
                    .max_connections(2)
                    .connect_with(opts)
                    .await?;
                SQLITE_MIGRATIONS.run(&pool).await?;
                Db::Sqlite(pool)
            }
            KeyringLocation::PostgresSchema(schema) => {
                check_schema_name(schema)?;
                let (Db::Postgres(_), Some(base)) = (data, pg) else {
                    return Err(StoreError::Config(
                        "a PostgreSQL keyring schema needs a PostgreSQL database".into(),
                    ));
                };
                // The name was checked to be a plain identifier.
                data.execute(
                    AssertSqlSafe(format!("CREATE SCHEMA IF NOT EXISTS {schema}")),
                    vec![],
                )
                .await?;
                let opts = base.clone().options([("search_path", schema.as_str())]);
                let pool = PgPoolOptions::new()
                    .max_connections(2)
                    .connect_with(opts)
                    .await?;
                POSTGRES_MIGRATIONS.run(&pool).await?;
                Db::Postgres(pool)
            }
        };
        let keyring = Self {
            db,
            kek,
            cache: Mutex::new(HashMap::new()),
        };
        keyring.check_kek().await?;
        Ok(keyring)
    }

    /// The keyring's own pool (for tests that inspect connection settings).
    #[cfg(test)]
    pub(crate) fn db(&self) -> &Db {
        &self.db
    }

    /// Which engine holds the keyring.
    pub(crate) fn backend(&self) -> Backend {
        self.db.backend()
    }

    /// Writes the KEK check value on first use; afterwards refuses a KEK that cannot open it.
    async fn check_kek(&self) -> StoreResult<()> {
        let sealed = crypto::seal(self.kek.bytes(), KEK_CHECK_AAD, KEK_CHECK_PLAINTEXT)?;
        self.db
            .execute(
                "INSERT INTO keyring_meta (name, value) VALUES ('kek_check', $1) \
                 ON CONFLICT (name) DO NOTHING",
                args![sealed],
            )
            .await?;
        let stored = self.meta("kek_check").await?.ok_or(StoreError::WrongKek)?;
        match crypto::open(self.kek.bytes(), KEK_CHECK_AAD, &stored, String::new) {
            Ok(p) if p.as_slice() == KEK_CHECK_PLAINTEXT => Ok(()),
            _ => Err(StoreError::WrongKek),
        }
    }

    /// A value of the keyring's own metadata.
    pub(crate) async fn meta(&self, name: &str) -> StoreResult<Option<String>> {
        self.db
            .fetch_optional(
                "SELECT value FROM keyring_meta WHERE name = $1",
                args![name],
            )
            .await?
            .map(|r| r.text(0))
            .transpose()
    }

    /// Sets a metadata value unless one is already there; returns the stored value.
    pub(crate) async fn meta_init(&self, name: &str, value: &str) -> StoreResult<String> {
        self.db
            .execute(
                "INSERT INTO keyring_meta (name, value) VALUES ($1, $2) \
                 ON CONFLICT (name) DO NOTHING",
                args![name, value],
            )
            .await?;
        self.meta(name)
            .await?
            .ok_or_else(|| StoreError::corrupt("keyring metadata vanished while being written"))
    }

    /// Creates, wraps and stores a fresh key for `id`.
    pub(crate) async fn create(&self, id: KeyId) -> StoreResult<DataKey> {
        let (key, text, row) = self.new_key(id)?;
        self.db.execute(INSERT_KEY, row).await?;
        self.remember(text, key.clone());
        Ok(key)
    }

    /// A fresh key for `id`, its id text and the row that stores it wrapped by the KEK.
    fn new_key(&self, id: KeyId) -> StoreResult<(DataKey, String, Vec<Arg>)> {
        let key = DataKey::generate()?;
        let text = id.text();
        let wrapped = crypto::seal(self.kek.bytes(), text.as_bytes(), key.bytes())?;
        let row = args![
            text.clone(),
            id.owner(),
            id.user().map(|u| u.to_string()),
            wrapped
        ];
        Ok((key, text, row))
    }

    /// Creates the keys of `ids` in one keyring transaction (a bulk import creates thousands;
    /// one commit each would make the keyring's fsyncs the whole cost of the import).
    pub(crate) async fn create_many(&self, ids: &[KeyId]) -> StoreResult<HashMap<KeyId, DataKey>> {
        if let [id] = ids {
            let key = self.create(*id).await?;
            return Ok(HashMap::from([(*id, key)]));
        }
        let mut made = Vec::with_capacity(ids.len());
        let mut tx = self.db.begin_write().await?;
        for id in ids {
            let (key, text, row) = self.new_key(*id)?;
            tx.execute(INSERT_KEY, row).await?;
            made.push((*id, text, key));
        }
        tx.commit().await?;
        let mut out = HashMap::with_capacity(made.len());
        for (id, text, key) in made {
            self.remember(text, key.clone());
            out.insert(id, key);
        }
        Ok(out)
    }

    /// The deployment key, created on first use (a second process creating it at the same
    /// moment loses the insert and reads the winner's).
    pub(crate) async fn deployment(&self) -> StoreResult<DataKey> {
        match self.get(KeyId::Deployment).await {
            Err(StoreError::KeyMissing { .. }) => match self.create(KeyId::Deployment).await {
                Ok(k) => Ok(k),
                Err(_) => self.get(KeyId::Deployment).await,
            },
            other => other,
        }
    }

    /// The key of `id`, or `KeyMissing`.
    pub(crate) async fn get(&self, id: KeyId) -> StoreResult<DataKey> {
        let mut found = self.get_many(&[id]).await?;
        found
            .remove(&id)
            .ok_or_else(|| StoreError::KeyMissing { key: id.text() })
    }

    /// The keys of `ids` that exist (missing ones are simply absent from the map).
    pub(crate) async fn get_many(&self, ids: &[KeyId]) -> StoreResult<HashMap<KeyId, DataKey>> {
        let mut out = HashMap::new();
        let mut missing = Vec::new();
        {
            let cache = self.cache.lock().map_err(|_| poisoned())?;
            for id in ids {
                match cache.get(&id.text()) {
                    Some(k) => {
                        out.insert(*id, k.clone());
                    }
                    None => missing.push(*id),
                }
            }
        }
        for chunk in missing.chunks(CHUNK) {
            let by_text: HashMap<String, KeyId> = chunk.iter().map(|k| (k.text(), *k)).collect();
            let sql = format!(
                "SELECT id, wrapped FROM data_keys WHERE id IN ({})",
                placeholders(1, by_text.len())
            );
            let params: Vec<Arg> = by_text.keys().map(Arg::from).collect();
            for row in self.db.fetch_all(AssertSqlSafe(sql), params).await? {
                let text = row.text(0)?;
                let Some(id) = by_text.get(&text) else {
                    continue;
                };
                let key = self.unwrap_key(&text, &row.text(1)?)?;
                self.remember(text, key.clone());
                out.insert(*id, key);
            }
        }
        Ok(out)
    }

    fn unwrap_key(&self, id: &str, wrapped: &str) -> StoreResult<DataKey> {
        let plain = crypto::open(self.kek.bytes(), id.as_bytes(), wrapped, || {
            format!("data key {id}")
        })?;
        let bytes: [u8; 32] = plain
            .as_slice()
            .try_into()
            .map_err(|_| StoreError::corrupt(format!("data key {id} has the wrong length")))?;
        Ok(DataKey::from_bytes(Zeroizing::new(bytes)))
    }

    fn remember(&self, id: String, key: DataKey) {
        if let Ok(mut cache) = self.cache.lock() {
            if cache.len() >= CACHE_LIMIT {
                cache.clear();
            }
            cache.insert(id, key);
        }
    }

    /// Destroys the keys of `ids` (crypto-shredding) and forgets them.
    pub(crate) async fn destroy(&self, ids: &[KeyId]) -> StoreResult<()> {
        let texts: Vec<String> = ids.iter().map(KeyId::text).collect();
        self.destroy_texts(&texts).await
    }

    /// Destroys keys by id text.
    pub(crate) async fn destroy_texts(&self, ids: &[String]) -> StoreResult<()> {
        if ids.is_empty() {
            return Ok(());
        }
        if let Ok(mut cache) = self.cache.lock() {
            for id in ids {
                cache.remove(id);
            }
        }
        for chunk in ids.chunks(CHUNK) {
            let sql = format!(
                "DELETE FROM data_keys WHERE id IN ({})",
                placeholders(1, chunk.len())
            );
            let params: Vec<Arg> = chunk.iter().map(Arg::from).collect();
            self.db.execute(AssertSqlSafe(sql), params).await?;
        }
        if let Db::Sqlite(_) = self.db {
            // Move the zeroed pages into the main file and cut the WAL, so the wrapped keys do
            // not linger in old WAL frames. A busy reader only delays this to a later checkpoint.
            let _ = self
                .db
                .execute("PRAGMA wal_checkpoint(TRUNCATE)", vec![])
                .await;
        }
        Ok(())
    }

    /// Keys old enough to be swept if their owner no longer exists.
    pub(crate) async fn sweepable(&self) -> StoreResult<Vec<KeyOwner>> {
        let sql = match self.db.backend() {
            Backend::Sqlite => {
                "SELECT id, org_id, user_id FROM data_keys WHERE created_at < \
                 CAST((julianday('now') - 2440587.5) * 86400000000.0 AS INTEGER) - $1"
            }
            Backend::Postgres => {
                "SELECT id, org_id, user_id FROM data_keys WHERE created_at < \
                 (extract(epoch FROM clock_timestamp()) * 1000000)::bigint - $1"
            }
        };
        self.db
            .fetch_all(sql, args![SWEEP_GRACE_MICROS])
            .await?
            .into_iter()
            .map(|r| {
                Ok(KeyOwner {
                    id: r.text(0)?,
                    org: r.text(1)?,
                    user: r.opt_text(2)?,
                })
            })
            .collect()
    }

    /// How many data keys the keyring holds.
    pub(crate) async fn key_count(&self) -> StoreResult<i64> {
        match self
            .db
            .fetch_optional("SELECT COUNT(*) FROM data_keys", vec![])
            .await?
        {
            Some(r) => r.int(0),
            None => Ok(0),
        }
    }

    /// Checks the keyring database answers.
    pub(crate) async fn ping(&self) -> StoreResult<()> {
        self.db.fetch_optional("SELECT 1", vec![]).await.map(|_| ())
    }

    /// Closes the keyring's pool.
    pub(crate) async fn close(&self) {
        self.db.close().await;
    }
}

/// `$from, $from+1, …` — `n` placeholders.
pub(crate) fn placeholders(from: usize, n: usize) -> String {
    (from..from + n)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn poisoned() -> StoreError {
    StoreError::corrupt("the key cache lock was poisoned")
}
