//! The data directory of the embedded default: the SQLite database, and — apart from it, in
//! `keys/` with mode 0700 — the keyring database and the key-encryption key file (mode 0600).
//! Backing up the database alone therefore never yields a usable key.

use anyhow::{Context, bail};
use std::fs;
use std::io::Write;
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};
use zeroize::Zeroizing;

/// Paths inside the data directory.
#[derive(Debug, Clone)]
pub struct DataDir {
    pub root: PathBuf,
}

impl DataDir {
    /// Creates the directory tree (0700) when missing.
    pub fn prepare(root: &Path) -> anyhow::Result<Self> {
        for dir in [root.to_path_buf(), root.join("keys"), root.join("tls")] {
            if !dir.exists() {
                fs::create_dir_all(&dir)
                    .with_context(|| format!("cannot create {}", dir.display()))?;
                fs::set_permissions(&dir, fs::Permissions::from_mode(0o700))
                    .with_context(|| format!("cannot restrict {}", dir.display()))?;
            }
        }
        Ok(Self {
            root: root.to_path_buf(),
        })
    }

    /// The embedded database file.
    pub fn database(&self) -> PathBuf {
        self.root.join("skydir.db")
    }

    /// The keyring database (SQLite deployments).
    pub fn keyring(&self) -> PathBuf {
        self.root.join("keys").join("keyring.db")
    }

    /// The default key-encryption key file.
    pub fn kek_file(&self) -> PathBuf {
        self.root.join("keys").join("kek")
    }

    /// Where outbound mail is written as `.eml` files when no SMTP relay is configured.
    pub fn outbox(&self) -> PathBuf {
        self.root.join("outbox")
    }

    /// Where `skydir mail ingest` keeps messages it could not process, for a retry.
    pub fn inbound_retry(&self) -> PathBuf {
        self.root.join("inbound").join("retry")
    }

    /// Default TLS certificate and key paths.
    pub fn tls(&self) -> (PathBuf, PathBuf) {
        (
            self.root.join("tls").join("cert.pem"),
            self.root.join("tls").join("key.pem"),
        )
    }
}

/// Reads a 32-byte key-encryption key written as 64 hex characters.
pub fn parse_kek(text: &str, source: &str) -> anyhow::Result<Zeroizing<[u8; 32]>> {
    let text = Zeroizing::new(text.trim().to_string());
    let mut key = Zeroizing::new([0u8; 32]);
    if text.len() != 64 || hex::decode_to_slice(text.as_bytes(), key.as_mut()).is_err() {
        bail!("{source}: the key-encryption key must be 64 hex characters (32 bytes)");
    }
    Ok(key)
}

/// Loads the KEK file, refusing one that others can read; creates it (0600) when `create`.
pub fn load_or_create_kek(
    path: &Path,
    create: bool,
    random: impl FnOnce() -> [u8; 32],
) -> anyhow::Result<Zeroizing<[u8; 32]>> {
    if path.exists() {
        let mode = fs::metadata(path)?.permissions().mode();
        if mode & 0o077 != 0 {
            bail!(
                "{} is readable by other users (mode {:o}); run: chmod 600 {}",
                path.display(),
                mode & 0o777,
                path.display()
            );
        }
        let text = Zeroizing::new(
            fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?,
        );
        return parse_kek(&text, &path.display().to_string());
    }
    if !create {
        bail!("key-encryption key file {} does not exist", path.display());
    }
    let key = Zeroizing::new(random());
    let hexed = Zeroizing::new(hex::encode(key.as_ref()));
    let mut f = fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
        .with_context(|| format!("cannot create {}", path.display()))?;
    f.write_all(hexed.as_bytes())?;
    f.write_all(b"\n")?;
    f.sync_all()?;
    Ok(key)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn kek_file_is_created_0600_and_reloaded_and_lax_modes_refused() {
        let dir = tempfile::tempdir().unwrap();
        let dd = DataDir::prepare(&dir.path().join("d")).unwrap();
        let k1 = load_or_create_kek(&dd.kek_file(), true, || [7; 32]).unwrap();
        let mode = fs::metadata(dd.kek_file()).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        let k2 = load_or_create_kek(&dd.kek_file(), true, || [9; 32]).unwrap();
        assert_eq!(*k1, *k2);
        fs::set_permissions(dd.kek_file(), fs::Permissions::from_mode(0o644)).unwrap();
        let e = load_or_create_kek(&dd.kek_file(), true, || [9; 32])
            .unwrap_err()
            .to_string();
        assert!(e.contains("chmod 600"), "{e}");
        assert!(parse_kek("abc", "env").is_err());
    }
}
