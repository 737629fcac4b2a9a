//! Opens the store (SQLite in the data directory by default, or PostgreSQL) with its keyring and
//! key-encryption key, and wires the core's services to it and to the real clock, randomness
//! and password workers.

use crate::adapters::{BlockingPasswordWork, OsRandom, SystemClock};
use crate::config::Config;
use crate::datadir::{DataDir, load_or_create_kek, parse_kek};
use anyhow::Context;
use skydir_core::ports::{Clock, Rng};
use skydir_core::service::Directory;
use skydir_core::support::DeskPolicy;
use skydir_store::{Kek, KeyringLocation, Store, StoreConfig};
use std::sync::Arc;

/// Schema that holds the keyring tables on PostgreSQL.
pub const PG_KEYRING_SCHEMA: &str = "skydir_keyring";

/// The opened deployment.
#[derive(Debug)]
pub struct Wired {
    pub data: DataDir,
    pub store: Store,
    pub dir: Directory<Store>,
}

/// Opens everything. `create` allows generating a missing key-encryption key (first start).
pub async fn open(cfg: &Config, create: bool) -> anyhow::Result<Wired> {
    open_with_clock(cfg, create, Arc::new(SystemClock)).await
}

/// [`open`] with another clock than the system's (tests that move time).
pub async fn open_with_clock(
    cfg: &Config,
    create: bool,
    clock: Arc<dyn Clock>,
) -> anyhow::Result<Wired> {
    let data = DataDir::prepare(&cfg.data_dir)?;
    let kek = match &cfg.kek_hex {
        Some(hex) => parse_kek(hex, "SKYDIR_KEK")?,
        None => {
            let path = cfg.kek_file.clone().unwrap_or_else(|| data.kek_file());
            load_or_create_kek(&path, create, || {
                let mut k = [0u8; 32];
                OsRandom.fill(&mut k);
                k
            })?
        }
    };
    let (database_url, keyring) = match &cfg.database_url {
        Some(url) if url.starts_with("postgres://") || url.starts_with("postgresql://") => (
            url.clone(),
            KeyringLocation::PostgresSchema(PG_KEYRING_SCHEMA.into()),
        ),
        Some(url) => (url.clone(), KeyringLocation::SqliteFile(data.keyring())),
        None => {
            let path = std::path::absolute(data.database())?;
            (
                format!("sqlite://{}", path.display()),
                KeyringLocation::SqliteFile(data.keyring()),
            )
        }
    };
    let store = Store::open(StoreConfig {
        database_url,
        keyring,
        kek: Kek::from_bytes(*kek),
        max_connections: 8,
    })
    .await
    .context("opening the store")?;
    let desk = DeskPolicy::with_contacts(cfg.desk_contacts())
        .map_err(|e| anyhow::anyhow!("support desk settings: {e}"))?;
    let dir = Directory::new(
        store.clone(),
        clock,
        Arc::new(OsRandom),
        Arc::new(BlockingPasswordWork::new(cfg.argon2, cfg.password_workers)),
    )
    .with_desk(desk)
    .with_processing_location(cfg.processing_location.as_deref().unwrap_or_default())
    .with_org_deletion_grace(jiff::SignedDuration::from_hours(
        24 * i64::from(cfg.org_deletion_grace_days),
    ));
    Ok(Wired { data, store, dir })
}
