//! The data directory of the embedded default: the SQLite database, and — apart from it, in
//! `keys/` — the keyring database and the key-encryption key file. Backing up the database
//! alone therefore never yields a usable key.
//!
//! Everything in it is the deployment's alone: directories are 0700 and files 0600 (database
//! and its WAL/SHM files, keyring, KEK, TLS key and certificate, outbox mail). Each writer
//! creates its files with that mode; at start, a tree left looser (an older version, a restore
//! by hand) is tightened and every change logged. The one exception is a key-encryption key
//! others could read: that is refused, not fixed, since a copy may already be out.

use anyhow::{Context, bail};
use std::fs;
use std::io::Write;
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};
use zeroize::Zeroizing;

/// Paths inside the data directory.
#[derive(Debug, Clone)]
pub struct DataDir {
    pub root: PathBuf,
}

impl DataDir {
    /// Creates the directory tree (0700) when missing, and takes group and other access away
    /// from whatever in it has them (logging each change).
    pub fn prepare(root: &Path) -> anyhow::Result<Self> {
        let data = Self {
            root: root.to_path_buf(),
        };
        for dir in [root.to_path_buf(), root.join("keys"), root.join("tls")] {
            if !dir.exists() {
                fs::DirBuilder::new()
                    .recursive(true)
                    .mode(0o700)
                    .create(&dir)
                    .with_context(|| format!("cannot create {}", dir.display()))?;
            }
        }
        tighten(root, &data.kek_file())?;
        Ok(data)
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

/// Takes group and other access away from `path` and everything under it (symbolic links
/// are not followed), except from `kek`, whose lax mode [`load_or_create_kek`] refuses.
fn tighten(path: &Path, kek: &Path) -> anyhow::Result<()> {
    let meta =
        fs::symlink_metadata(path).with_context(|| format!("cannot read {}", path.display()))?;
    if meta.file_type().is_symlink() || path == kek {
        return Ok(());
    }
    let mode = meta.permissions().mode() & 0o7777;
    let wanted = if meta.is_dir() { 0o700 } else { mode & 0o700 };
    if mode & 0o077 != 0 {
        fs::set_permissions(path, fs::Permissions::from_mode(wanted))
            .with_context(|| format!("cannot restrict {}", path.display()))?;
        tracing::warn!(
            path = %path.display(),
            was = format!("{mode:o}"),
            now = format!("{wanted:o}"),
            "tightened a data-directory entry others could reach"
        );
    }
    if meta.is_dir() {
        for entry in
            fs::read_dir(path).with_context(|| format!("cannot list {}", path.display()))?
        {
            tighten(&entry?.path(), kek)?;
        }
    }
    Ok(())
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

    #[test]
    fn a_looser_tree_is_tightened_except_a_readable_kek() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("d");
        let dd = DataDir::prepare(&root).unwrap();
        let mode = |p: &Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
        for d in [&root, &root.join("keys"), &root.join("tls")] {
            assert_eq!(mode(d), 0o700, "{}", d.display());
        }
        fs::create_dir_all(root.join("outbox/sub")).unwrap();
        fs::write(root.join("skydir.db"), "x").unwrap();
        fs::write(root.join("outbox/sub/m.eml"), "x").unwrap();
        fs::write(dd.kek_file(), "x").unwrap();
        for (p, m) in [
            (root.clone(), 0o755),
            (root.join("outbox"), 0o775),
            (root.join("outbox/sub"), 0o711),
            (root.join("skydir.db"), 0o644),
            (root.join("outbox/sub/m.eml"), 0o664),
            (dd.kek_file(), 0o644),
        ] {
            fs::set_permissions(&p, fs::Permissions::from_mode(m)).unwrap();
        }
        let outside = dir.path().join("outside");
        fs::write(&outside, "x").unwrap();
        fs::set_permissions(&outside, fs::Permissions::from_mode(0o644)).unwrap();
        std::os::unix::fs::symlink(&outside, root.join("link")).unwrap();
        DataDir::prepare(&root).unwrap();
        assert_eq!(mode(&root), 0o700);
        assert_eq!(mode(&root.join("outbox")), 0o700);
        assert_eq!(mode(&root.join("outbox/sub")), 0o700);
        assert_eq!(mode(&root.join("skydir.db")), 0o600);
        assert_eq!(mode(&root.join("outbox/sub/m.eml")), 0o600);
        assert_eq!(
            mode(&dd.kek_file()),
            0o644,
            "left for load_or_create_kek to refuse"
        );
        assert_eq!(mode(&outside), 0o644, "links are not followed");
    }
}
